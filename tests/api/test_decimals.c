/* Numbers as written (api.md: "Numeric thresholds are decimals kept
 * exactly as written"): a target threshold or an index score that a
 * double cannot hold is stored, compared and echoed as written. Every
 * check reads the raw text of the answer (or the database), never a
 * parsed double, which would hide 98.599999999999994 as 98.6. A number
 * with more places or digits than its field allows is a 422 naming it. */
#include "sc_fixture.h"

static char *admin, *viewer;
static long long agency, campaign;
static char targets_path[96];

/* The number written after the first "key" at or after from, as text
 * (a static buffer; "" when there is none). */
static const char *raw_number(const char *from, const char *key)
{
    static char out[64];
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    const char *p = from ? strstr(from, quoted) : NULL;
    size_t n = 0;
    if (p) {
        p += strlen(quoted);
        while (*p == ' ' || *p == ':')
            p++;
        while (n + 1 < sizeof out && p[n] && strchr("-+.0123456789eE", p[n]))
            n++;
        memcpy(out, p, n);
    }
    out[n] = '\0';
    return out;
}

/* The text of a JSON answer from the object whose "code" is code on. */
static const char *at_code(const t_resp *r, const char *code)
{
    char needle[96];
    snprintf(needle, sizeof needle, "\"%s\"", code);
    const char *p = strstr(r->body, needle);
    if (!p)
        fail_msg("no %s in %s", code, r->body);
    return p;
}

static void expect_raw(const char *got, const char *want, const char *what, const char *body)
{
    if (strcmp(got, want) != 0)
        fail_msg("%s: expected %s as written, got '%s' in %s", what, want, got, body);
}

static t_resp *post_target(const char *code, const char *metric, const char *params, const char *comparator,
                           const char *threshold)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"Chỉ tiêu %s\",\"metric\":\"%s\",\"params\":%s,\"comparator\":\"%s\","
             "\"threshold\":%s}",
             code, code, metric, params, comparator, threshold);
    return t_post(targets_path, admin, body);
}

/* threshold (as sent) is stored as canonical and echoed so by POST, GET,
 * the list and the database. */
static void expect_threshold_kept(const char *code, const char *threshold, const char *canonical)
{
    t_resp *r = post_target(code, "study_coverage", "{}", "ge", threshold);
    t_assert_status(r, 201);
    expect_raw(raw_number(r->body, "threshold"), canonical, "POST", r->body);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    r = t_getf(viewer, "/api/v1/targets/%lld", id);
    t_assert_status(r, 200);
    expect_raw(raw_number(r->body, "threshold"), canonical, "GET", r->body);
    t_free(r);
    r = t_getf(viewer, "%s?limit=1000", targets_path);
    t_assert_status(r, 200);
    expect_raw(raw_number(at_code(r, code), "threshold"), canonical, "list", r->body);
    t_free(r);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT threshold::text FROM targets WHERE id = %lld", id);
    char *stored = t_sql(sql, 0, NULL);
    expect_raw(stored, canonical, "stored", stored);
    free(stored);
}

static void thresholds_are_kept_as_written(void **state)
{
    (void)state;
    expect_threshold_kept("t98_6", "98.6", "98.6");
    expect_threshold_kept("t0_1", "0.1", "0.1");
    expect_threshold_kept("t33_33", "33.33", "33.33");
    expect_threshold_kept("t99_999999", "99.999999", "99.999999");
    expect_threshold_kept("t0_000001", "0.000001", "0.000001");
    /* One canonical text for one value. */
    expect_threshold_kept("t98_60", "98.60", "98.6");
    expect_threshold_kept("t1e2", "1e2", "100");
    expect_threshold_kept("t_minus_0", "-0", "0");
}

/* 500 staff, 493 of whom studied: 98.6 % exactly. Above 98.6 % is not
 * met (a threshold stored as the double 98.599999999999994 was), at least
 * 98.6 % is; the scorecard and a series echo each threshold as written. */
static void scorecard_compares_and_echoes_exactly(void **state)
{
    (void)state;
    char code[64];
    long long ag = t_make_agency(admin, "DEC986_", code, sizeof code);
    long long u = sc_unit(admin, ag, "P1", "division", "Phòng Một");
    long long c = sc_campaign(ag, "DEC986");
    snprintf(targets_path, sizeof targets_path, "/api/v1/campaigns/%lld/targets", c);
    static const struct {
        const char *code, *comparator, *threshold, *status;
    } targets[] = {
        {"above_98_6", "gt", "98.6", "at_risk"},      {"at_least_98_6", "ge", "98.6", "met"},
        {"at_least_98_61", "ge", "98.61", "at_risk"}, {"at_least_0_000001", "ge", "0.000001", "met"},
        {"above_99_999999", "gt", "99.999999", "at_risk"},
    };
    size_t n = sizeof targets / sizeof targets[0];
    for (size_t i = 0; i < n; i++) {
        t_resp *r = post_target(targets[i].code, "study_coverage", "{}", targets[i].comparator, targets[i].threshold);
        t_assert_status(r, 201);
        t_free(r);
    }
    long long topic = sc_sql("INSERT INTO study_topics (campaign_id, code, title) VALUES (%lld, 'NQ', 'Nghị quyết')"
                             " RETURNING id", c);
    long long s = sc_sql("INSERT INTO study_sessions (campaign_id, topic_id, held_on) VALUES (%lld, %lld, '2025-03-10')"
                         " RETURNING id", c, topic);
    sc_sql("INSERT INTO staff (agency_id, unit_id, code, full_name, category, joined_on)"
           " SELECT 0, %lld, 'N' || g, 'Lê Văn Nam ' || g, 'cong_chuc', '2020-01-01' FROM generate_series(1, 500) g", u);
    sc_sql("INSERT INTO attendance (session_id, staff_id) SELECT %lld, id FROM staff"
           " WHERE unit_id = %lld AND code NOT IN ('N494', 'N495', 'N496', 'N497', 'N498', 'N499', 'N500')", s, u);
    t_resp *r = sc_get(viewer, c, "2025-04-01");
    for (size_t i = 0; i < n; i++) {
        sc_expect_in(r, targets[i].code, targets[i].status, "98.6", 493, 500);
        expect_raw(raw_number(at_code(r, targets[i].code), "threshold"), targets[i].threshold, targets[i].code,
                   r->body);
    }
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/targets/at_least_0_000001/series?from=2025-03-01&to=2025-04-01", c);
    t_assert_status(r, 200);
    expect_raw(raw_number(r->body, "threshold"), "0.000001", "series", r->body);
    t_free(r);
    snprintf(targets_path, sizeof targets_path, "/api/v1/campaigns/%lld/targets", campaign);
}

/* A decimal beyond its field: 422 naming the field and the limit,
 * nothing stored, never rounded to fit. */
static void expect_refused(const char *metric, const char *params, const char *threshold, const char *needle)
{
    long long before = sc_sql("SELECT count(*) FROM targets WHERE campaign_id = %lld", campaign);
    t_resp *r = post_target("refused", metric, params, "ge", threshold);
    t_assert_problem(r, 422, "threshold");
    if (!strstr(r->body, needle))
        fail_msg("threshold %s: expected '%s' in %s", threshold, needle, r->body);
    t_free(r);
    assert_int_equal(sc_sql("SELECT count(*) FROM targets WHERE campaign_id = %lld", campaign), before);
}

static void thresholds_beyond_their_limits(void **state)
{
    (void)state;
    /* 20 digits: refused as such, not kept as 33.333333333333336. */
    expect_refused("study_coverage", "{}", "33.333333333333333333", "tối đa 6 chữ số thập phân");
    expect_refused("study_coverage", "{}", "100.0000001", "tối đa 6 chữ số thập phân");
    expect_refused("study_coverage", "{}", "98.6000001", "tối đa 6 chữ số thập phân");
    expect_refused("study_coverage", "{}", "100.000001", "phải từ 0 đến 100");
    expect_refused("study_coverage", "{}", "-0.000001", "phải từ 0 đến 100");
    expect_refused("study_coverage", "{}", "1e3", "phải từ 0 đến 100");
    expect_refused("unit_title_count", "{\"title\":\"TTLDXS\"}", "2.5", "phải là số nguyên");
    expect_refused("unit_title_count", "{\"title\":\"TTLDXS\"}", "1000001", "phải từ 0 đến 1000000");
    /* At the limits: accepted. */
    t_resp *r = post_target("percent_100", "study_coverage", "{}", "ge", "100.000000");
    t_assert_status(r, 201);
    expect_raw(raw_number(r->body, "threshold"), "100", "100.000000", r->body);
    t_free(r);
    r = post_target("count_max", "unit_title_count", "{\"title\":\"TTLDXS\"}", "ge", "1000000");
    t_assert_status(r, 201);
    t_free(r);
    r = post_target("count_2_0", "unit_title_count", "{\"title\":\"TTLDXS\"}", "ge", "2.0");
    t_assert_status(r, 201);
    expect_raw(raw_number(r->body, "threshold"), "2", "2.0", r->body);
    t_free(r);
}

static t_resp *post_index(int year, const char *score)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":%d,\"score\":%s,\"rank\":3,\"rank_total\":20,"
             "\"published_on\":\"2026-04-15\"}",
             agency, year, score);
    return t_post("/api/v1/indexes", admin, body);
}

static void index_score_as_written(void **state)
{
    (void)state;
    t_resp *r = post_index(2025, "85.67");
    t_assert_status(r, 201);
    expect_raw(raw_number(r->body, "score"), "85.67", "POST", r->body);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    r = t_getf(viewer, "/api/v1/indexes/%lld", id);
    t_assert_status(r, 200);
    expect_raw(raw_number(r->body, "score"), "85.67", "GET", r->body);
    t_free(r);
    /* A third place would be rounded away by numeric(8, 2): refused, and
     * the score stays as it was. */
    r = post_index(2025, "85.675");
    t_assert_problem(r, 422, "score");
    if (!strstr(r->body, "tối đa 2 chữ số thập phân"))
        fail_msg("expected the limit in %s", r->body);
    t_free(r);
    r = post_index(2025, "1000000");
    t_assert_problem(r, 422, "score");
    t_free(r);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT score::text FROM index_ranks WHERE id = %lld", id);
    char *stored = t_sql(sql, 0, NULL);
    expect_raw(stored, "85.67", "stored", stored);
    free(stored);
    r = post_index(2025, "999999.99");
    t_assert_status(r, 200);
    expect_raw(raw_number(r->body, "score"), "999999.99", "the largest score", r->body);
    t_free(r);
}

int main(void)
{
    t_init();
    char agency_code[64];
    admin = t_user("decimals_admin", "admin", NULL, NULL);
    viewer = t_user("decimals_viewer", "viewer", NULL, NULL);
    agency = t_make_agency(admin, "DECIMALS", agency_code, sizeof agency_code);
    campaign = sc_campaign(agency, "DECIMALS");
    snprintf(targets_path, sizeof targets_path, "/api/v1/campaigns/%lld/targets", campaign);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(thresholds_are_kept_as_written),
        cmocka_unit_test(scorecard_compares_and_echoes_exactly),
        cmocka_unit_test(thresholds_beyond_their_limits),
        cmocka_unit_test(index_score_as_written),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(viewer);
    return rc;
}
