/* Scorecard: the answer's frame (as_of, final, order, summary), bad input,
 * and caching that is always right: the ETag follows the campaign's data
 * version, which every write to a fact it depends on changes in the same
 * transaction, once per statement; an unchanged campaign is answered from
 * the cache (not recomputed); If-None-Match gets 304. */
#include "sc_fixture.h"

static char *token, *admin;
static long long agency, unit, campaign;
static char agency_code[64]; /* the agency of the non-admin users */

static char *etag_of(const t_resp *r)
{
    const char *e = t_header(r, "ETag");
    if (!e)
        fail_msg("no ETag: %s", r->headers);
    return strdup(e);
}

static char *scorecard_etag(const char *as_of)
{
    t_resp *r = sc_get(token, campaign, as_of);
    char *e = etag_of(r);
    t_free(r);
    return e;
}

static long long version(void)
{
    return sc_sql("SELECT data_version FROM campaigns WHERE id = %lld", campaign);
}

static t_resp *get_if_none_match(const char *path, const char *inm)
{
    char line[512];
    snprintf(line, sizeof line, "If-None-Match: %s", inm);
    return t_get_with(path, token, line);
}

static void malformed_or_impossible_as_of_is_400(void **state)
{
    (void)state;
    const char *bad[] = {"2025-13-01", "2025-02-30", "2025-2-3", "abc", "", "2025-06-31", "2025-06-30x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t_resp *r = t_getf(token, "/api/v1/campaigns/%lld/scorecard?as_of=%s", campaign, bad[i]);
        t_assert_problem(r, 400, "as_of");
        t_free(r);
        r = t_getf(token, "/api/v1/campaigns/%lld/units/scorecard?as_of=%s", campaign, bad[i]);
        t_assert_problem(r, 400, "as_of");
        t_free(r);
    }
    t_resp *r = t_getf(token, "/api/v1/campaigns/%lld/scorecard?as_of=2024-02-29", campaign);
    t_assert_status(r, 200);
    t_free(r);
}

static void unknown_campaign_is_404(void **state)
{
    (void)state;
    t_resp *r = t_get("/api/v1/campaigns/999999999999/scorecard", token);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/campaigns/999999999999/units/scorecard?as_of=2025-06-30", token);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/campaigns/999999999999/scorecard", NULL);
    t_assert_problem(r, 401, NULL);
    t_free(r);
}

/* The scorecard routes check the session in their own query (one round
 * trip): the same answers as every other route. */
static void session_required_like_everywhere(void **state)
{
    (void)state;
    const char *bad = "0000000000000000000000000000000000000000000000000000000000000000";
    const char *paths[] = {"/api/v1/campaigns/%lld/scorecard", "/api/v1/campaigns/%lld/units/scorecard",
                           "/api/v1/campaigns/%lld/targets/first/series",
                           "/api/v1/campaigns/%lld/scorecard?as_of=2025-13-01",
                           "/api/v1/campaigns/%lld/targets/first/series?step=day"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char path[160];
        snprintf(path, sizeof path, paths[i], campaign);
        t_resp *r = t_get(path, NULL);
        t_assert_problem(r, 401, NULL);
        assert_non_null(t_header(r, "WWW-Authenticate"));
        t_free(r);
        r = t_get(path, bad);
        t_assert_problem(r, 401, NULL);
        t_free(r);
    }
    /* An expired session, then a deactivated user. */
    char *late = t_user("sccache_late", "viewer", NULL, agency_code);
    char path[160];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/scorecard?as_of=2025-07-03", campaign);
    t_resp *r = t_get(path, late);
    t_assert_status(r, 200);
    t_free(r);
    sc_sql("UPDATE sessions SET expires_at = now() - interval '1 minute'"
           " WHERE user_id = (SELECT id FROM users WHERE username = 'sccache_late')");
    r = t_get(path, late);
    t_assert_problem(r, 401, NULL);
    t_free(r);
    free(late);
    late = t_user("sccache_late", "viewer", NULL, agency_code);
    sc_sql("UPDATE users SET active = false WHERE username = 'sccache_late'");
    r = t_get(path, late);
    t_assert_problem(r, 401, NULL);
    t_free(r);
    free(late);
    /* Every role may read. */
    const char *roles[] = {"admin", "office", "council", "director", "viewer"};
    for (size_t i = 0; i < 5; i++) {
        char name[64];
        /* Not sccache_admin or sccache_viewer: setting a user again ends
         * its sessions, and the other tests hold theirs. */
        snprintf(name, sizeof name, "sccache_role_%s", roles[i]);
        /* The installation admin has no agency; every other role has this one. */
        char *t = t_user(name, roles[i], NULL, strcmp(roles[i], "admin") == 0 ? NULL : agency_code);
        r = t_get(path, t);
        t_assert_status(r, 200);
        t_free(r);
        free(t);
    }
}

static void as_of_defaults_to_today_in_vietnam_and_is_echoed(void **state)
{
    (void)state;
    char *before = t_sql("SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text", 0, NULL);
    t_resp *r = t_getf(token, "/api/v1/campaigns/%lld/scorecard", campaign);
    char *after = t_sql("SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text", 0, NULL);
    t_assert_status(r, 200);
    const char *as_of = t_json_str(r->json, "as_of");
    if (strcmp(as_of, before) != 0 && strcmp(as_of, after) != 0)
        fail_msg("as_of %s is not today (%s)", as_of, before);
    t_free(r);
    free(before);
    free(after);
    r = sc_get(token, campaign, "2025-07-04");
    assert_string_equal(t_json_str(r->json, "as_of"), "2025-07-04");
    json_t *c = json_object_get(r->json, "campaign");
    assert_int_equal(t_json_int(c, "id"), campaign);
    assert_int_equal(t_json_int(c, "year"), 2025);
    assert_string_equal(t_json_str(c, "name"), "Phong trào thi đua năm 2025");
    t_free(r);
}

static void final_from_closes_on(void **state)
{
    (void)state;
    t_resp *r = sc_get(token, campaign, "2026-06-29");
    assert_true(json_is_false(json_object_get(r->json, "final")));
    t_free(r);
    r = sc_get(token, campaign, "2026-06-30");
    assert_true(json_is_true(json_object_get(r->json, "final")));
    t_free(r);
    r = sc_get(token, campaign, "2030-01-01");
    assert_true(json_is_true(json_object_get(r->json, "final")));
    t_free(r);
}

static void targets_in_defined_order_and_summary(void **state)
{
    (void)state;
    /* Defined as positions 3, 1, 2: answered 1, 2, 3. At 2026-06-30: tasks
     * 1 of 2 on time (missed), certification none (pending), rank none
     * (pending). */
    t_resp *r = sc_get(token, campaign, "2026-06-30");
    json_t *targets = json_object_get(r->json, "targets");
    assert_int_equal(json_array_size(targets), 3);
    assert_string_equal(t_json_str(json_array_get(targets, 0), "code"), "first");
    assert_string_equal(t_json_str(json_array_get(targets, 1), "code"), "second");
    assert_string_equal(t_json_str(json_array_get(targets, 2), "code"), "third");
    sc_expect_in(r, "first", "missed", "50.0", 1, 2);
    json_t *t = sc_find(r, "first");
    assert_string_equal(t_json_str(t, "metric"), "task_completion");
    assert_string_equal(t_json_str(t, "comparator"), "ge");
    assert_string_equal(t_json_str(t, "name"), "Chỉ tiêu first");
    sc_assert_json(json_object_get(t, "threshold"), "100", "threshold");
    json_t *s = json_object_get(r->json, "summary");
    assert_int_equal(t_json_int(s, "met"), 0);
    assert_int_equal(t_json_int(s, "at_risk"), 0);
    assert_int_equal(t_json_int(s, "missed"), 1);
    assert_int_equal(t_json_int(s, "pending"), 2);
    t_free(r);
}

static void etag_unchanged_by_reads_and_answer_not_recomputed(void **state)
{
    (void)state;
    /* The first read of this as_of computes; every later one (whichever
     * worker takes it) answers from a cache: the same ETag and bytes. */
    t_resp *first = sc_get(token, campaign, "2025-07-01");
    assert_string_equal(t_header(first, "X-Thidua-Answer"), "computed");
    char *e1 = etag_of(first);
    assert_string_equal(t_header(first, "Cache-Control"), "private, no-cache");
    for (int i = 0; i < 6; i++) {
        t_resp *r = sc_get(token, campaign, "2025-07-01");
        const char *source = t_header(r, "X-Thidua-Answer");
        assert_non_null(source);
        if (strcmp(source, "stored") != 0 && strcmp(source, "worker") != 0)
            fail_msg("read %d of an unchanged campaign was %s", i, source);
        assert_string_equal(t_header(r, "ETag"), e1);
        assert_int_equal(r->len, first->len);
        assert_memory_equal(r->body, first->body, r->len);
        t_free(r);
    }
    assert_int_equal(sc_sql("SELECT count(*) FROM scorecard_cache WHERE campaign_id = %lld AND as_of = '2025-07-01'"
                            " AND kind LIKE 'sc%%'", campaign), 1);
    /* The stored answer is served as stored: a marked copy comes back from
     * a worker that has none of its own (a fresh key per try until one
     * does; two workers, so the second read of a key is either). */
    int seen = 0;
    for (int day = 10; day < 30 && !seen; day++) {
        char as_of[16];
        snprintf(as_of, sizeof as_of, "2025-08-%02d", day);
        t_resp *r = sc_get(token, campaign, as_of);
        t_free(r);
        sc_sql("UPDATE scorecard_cache SET body = '{\"from_cache\":true}' WHERE campaign_id = %lld"
               " AND as_of = '%s' AND kind LIKE 'sc%%'", campaign, as_of);
        r = sc_get(token, campaign, as_of);
        if (strcmp(t_header(r, "X-Thidua-Answer"), "stored") == 0) {
            assert_true(json_is_true(json_object_get(r->json, "from_cache")));
            seen = 1;
        } else {
            assert_string_equal(t_header(r, "X-Thidua-Answer"), "worker");
            assert_null(json_object_get(r->json, "from_cache"));
        }
        t_free(r);
    }
    assert_true(seen);
    /* Without the stored answer, the same version computed again: same ETag. */
    sc_sql("DELETE FROM scorecard_cache WHERE campaign_id = %lld", campaign);
    t_resp *r = sc_get(token, campaign, "2025-07-01");
    assert_string_equal(t_header(r, "ETag"), e1);
    t_free(r);
    /* A different as_of is a different representation. */
    char *e3 = scorecard_etag("2025-07-02");
    assert_string_not_equal(e1, e3);
    t_free(first);
    free(e1);
    free(e3);
}

static void if_none_match_gets_304(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/scorecard?as_of=2025-07-01", campaign);
    char *e = scorecard_etag("2025-07-01");
    char weak[160], list[200];
    snprintf(weak, sizeof weak, "W/%s", e);
    snprintf(list, sizeof list, "\"nope\", %s", e);
    const char *match[] = {e, weak, list, "*"};
    for (size_t i = 0; i < 4; i++) {
        t_resp *r = get_if_none_match(path, match[i]);
        t_assert_status(r, 304);
        assert_int_equal(r->len, 0);
        assert_string_equal(t_header(r, "ETag"), e);
        t_free(r);
    }
    t_resp *r = get_if_none_match(path, "\"sc1-0-0-2025-07-01\"");
    t_assert_status(r, 200);
    t_free(r);
    free(e);
}

static void sql_write_changes_the_etag(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/scorecard?as_of=2025-07-01", campaign);
    char *e1 = scorecard_etag("2025-07-01");
    sc_sql("UPDATE tasks SET completed_on = due_on WHERE campaign_id = %lld", campaign);
    t_resp *r = get_if_none_match(path, e1);
    t_assert_status(r, 200);
    char *e2 = etag_of(r);
    assert_string_not_equal(e1, e2);
    /* The new answer is the new data: both tasks due by 2025-07-01 on time. */
    sc_expect_in(r, "first", "met", "100.0", 2, 2);
    t_free(r);
    free(e1);
    free(e2);
}

static void api_write_changes_the_etag(void **state)
{
    (void)state;
    char *e1 = scorecard_etag("2025-07-01");
    long long u = sc_unit(admin, agency, "MOI", "division", "Phòng mới");
    char *e2 = scorecard_etag("2025-07-01");
    assert_string_not_equal(e1, e2);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/units/%lld", u);
    t_resp *w = t_patch(path, admin, "{\"name\":\"Phòng mới đổi tên\"}");
    t_assert_status(w, 200);
    t_free(w);
    char *e3 = scorecard_etag("2025-07-01");
    assert_string_not_equal(e2, e3);
    /* Attendance through its endpoint changes the answer; the same POST
     * again adds nothing and changes nothing. */
    long long topic = sc_sql("INSERT INTO study_topics (campaign_id, code, title) VALUES (%lld, 'API', 'Nghị quyết')"
                             " RETURNING id", campaign);
    long long session = sc_sql("INSERT INTO study_sessions (campaign_id, topic_id, held_on) VALUES (%lld, %lld,"
                               " '2025-05-05') RETURNING id", campaign, topic);
    sc_staff(unit, "API1", "2020-01-01", NULL);
    char *e4 = scorecard_etag("2025-07-01");
    char path2[96];
    snprintf(path2, sizeof path2, "/api/v1/study-sessions/%lld/attendance", session);
    w = t_post(path2, admin, "{\"staff_codes\":[\"API1\"]}");
    t_assert_status(w, 200);
    t_free(w);
    char *e5 = scorecard_etag("2025-07-01");
    assert_string_not_equal(e4, e5);
    w = t_post(path2, admin, "{\"staff_codes\":[\"API1\"]}");
    t_assert_status(w, 200);
    assert_int_equal(t_json_int(w->json, "already"), 1);
    t_free(w);
    char *e6 = scorecard_etag("2025-07-01");
    assert_string_equal(e5, e6);
    sc_sql("DELETE FROM study_topics WHERE id = %lld", topic);
    free(e1);
    free(e2);
    free(e3);
    free(e4);
    free(e5);
    free(e6);
}

/* Runs sql and checks the campaign's version went up by exactly one. */
static void bumps_once(const char *what, const char *sql)
{
    long long v = version();
    char *ignored = t_sql(sql, 0, NULL);
    free(ignored);
    if (version() != v + 1)
        fail_msg("%s: data_version %lld -> %lld", what, v, version());
}

static void every_fact_bumps_the_version_once_per_statement(void **state)
{
    (void)state;
    char sql[1024];
#define BUMP(what, ...)                                  \
    do {                                                 \
        snprintf(sql, sizeof sql, __VA_ARGS__);          \
        bumps_once(what, sql);                           \
    } while (0)
    BUMP("staff insert (200 rows)",
         "INSERT INTO staff (agency_id, unit_id, code, full_name, category, joined_on)"
         " SELECT 0, %lld, 'B' || g, 'Lê Văn ' || g, 'cong_chuc', '2020-01-01' FROM generate_series(1, 200) g", unit);
    BUMP("staff update", "UPDATE staff SET left_on = '2025-09-01' WHERE unit_id = %lld AND code LIKE 'B%%'", unit);
    long long topic = sc_sql("INSERT INTO study_topics (campaign_id, code, title) VALUES (%lld, 'NQ', 'Nghị quyết')"
                             " RETURNING id", campaign);
    BUMP("topic update", "UPDATE study_topics SET required = false WHERE id = %lld", topic);
    long long session = sc_sql("INSERT INTO study_sessions (campaign_id, topic_id, held_on) VALUES (%lld, %lld,"
                               " '2025-03-01') RETURNING id", campaign, topic);
    BUMP("session update", "UPDATE study_sessions SET held_on = '2025-03-02' WHERE id = %lld", session);
    BUMP("attendance insert (200 rows)",
         "INSERT INTO attendance (session_id, staff_id) SELECT %lld, id FROM staff WHERE unit_id = %lld AND code LIKE 'B%%'",
         session, unit);
    BUMP("attendance delete", "DELETE FROM attendance WHERE session_id = %lld", session);
    BUMP("session delete", "DELETE FROM study_sessions WHERE id = %lld", session);
    BUMP("topic delete", "DELETE FROM study_topics WHERE id = %lld", topic);
    BUMP("staff delete (200 rows)", "DELETE FROM staff WHERE unit_id = %lld AND code LIKE 'B%%'", unit);
    BUMP("target insert", "INSERT INTO targets (campaign_id, position, code, name, metric, comparator, threshold)"
                          " VALUES (%lld, 9, 'extra', 'Thêm', 'task_completion', 'ge', '50')", campaign);
    BUMP("target delete", "DELETE FROM targets WHERE campaign_id = %lld AND code = 'extra'", campaign);
    BUMP("task insert", "INSERT INTO tasks (campaign_id, title, due_on) VALUES (%lld, 'x', '2025-08-01')", campaign);
    BUMP("task update", "UPDATE tasks SET completed_on = '2025-07-30' WHERE campaign_id = %lld AND title = 'x'", campaign);
    BUMP("task delete", "DELETE FROM tasks WHERE campaign_id = %lld AND title = 'x'", campaign);
    BUMP("rating insert", "INSERT INTO ratings (campaign_id, subject_type, unit_id, level, decided_on)"
                          " VALUES (%lld, 'unit', %lld, 'HTTNV', '2026-01-10')", campaign, unit);
    BUMP("rating delete", "DELETE FROM ratings WHERE campaign_id = %lld", campaign);
    BUMP("title insert", "INSERT INTO titles (campaign_id, subject_type, unit_id, title, decided_on)"
                         " VALUES (%lld, 'unit', %lld, 'TTLDTT', '2026-01-10')", campaign, unit);
    BUMP("title update", "UPDATE titles SET decided_on = '2026-01-11' WHERE campaign_id = %lld", campaign);
    BUMP("title delete", "DELETE FROM titles WHERE campaign_id = %lld", campaign);
    BUMP("certification insert", "INSERT INTO certifications (campaign_id, kind, achieved, decided_on)"
                                 " VALUES (%lld, 'security_order', true, '2025-12-01')", campaign);
    BUMP("certification delete", "DELETE FROM certifications WHERE campaign_id = %lld", campaign);
    BUMP("index rank insert", "INSERT INTO index_ranks (agency_id, kind, year, rank, published_on)"
                              " VALUES (%lld, 'dti', 2025, 3, '2026-03-01')", agency);
    BUMP("index rank update", "UPDATE index_ranks SET rank = 4 WHERE agency_id = %lld", agency);
    BUMP("index rank delete", "DELETE FROM index_ranks WHERE agency_id = %lld", agency);
    BUMP("unit update", "UPDATE units SET name = 'Phòng Một (mới)' WHERE id = %lld", unit);
    BUMP("campaign row", "UPDATE campaigns SET name = 'Phong trào thi đua năm 2025 (sửa)' WHERE id = %lld", campaign);
    BUMP("campaign row back", "UPDATE campaigns SET name = 'Phong trào thi đua năm 2025' WHERE id = %lld", campaign);
#undef BUMP
}

static void other_agencies_do_not_bump(void **state)
{
    (void)state;
    char code[64];
    long long other = t_make_agency(admin, "SCCACHEOTHER", code, sizeof code);
    long long v = version();
    long long u = sc_unit(admin, other, "X1", "division", "Phòng khác");
    sc_staff(u, "Y1", "2020-01-01", NULL);
    assert_int_equal(version(), v);
}

static void version_bump_leaves_no_audit_row(void **state)
{
    (void)state;
    long long before = sc_sql("SELECT count(*) FROM audit_log WHERE entity = 'campaigns' AND entity_id = %lld", campaign);
    sc_sql("INSERT INTO tasks (campaign_id, title, due_on) VALUES (%lld, 'y', '2025-08-01')", campaign);
    assert_int_equal(sc_sql("SELECT count(*) FROM audit_log WHERE entity = 'campaigns' AND entity_id = %lld", campaign),
                     before);
    sc_sql("UPDATE campaigns SET theme = 'Đoàn kết' WHERE id = %lld", campaign);
    assert_int_equal(sc_sql("SELECT count(*) FROM audit_log WHERE entity = 'campaigns' AND entity_id = %lld", campaign),
                     before + 1);
}

static void units_and_series_have_etags_too(void **state)
{
    (void)state;
    const char *paths[] = {"/api/v1/campaigns/%lld/units/scorecard?as_of=2025-07-01",
                           "/api/v1/campaigns/%lld/targets/first/series?from=2025-01-01&to=2025-07-01&step=month"};
    for (int i = 0; i < 2; i++) {
        char path[256];
        snprintf(path, sizeof path, paths[i], campaign);
        t_resp *r = t_get(path, token);
        t_assert_status(r, 200);
        char *e = etag_of(r);
        t_free(r);
        r = get_if_none_match(path, e);
        t_assert_status(r, 304);
        t_free(r);
        sc_sql("UPDATE tasks SET completed_on = NULL WHERE campaign_id = %lld AND title = 'y'", campaign);
        r = get_if_none_match(path, e);
        t_assert_status(r, 200);
        assert_string_not_equal(t_header(r, "ETag"), e);
        t_free(r);
        free(e);
    }
}

static void other_answers_stay_uncached(void **state)
{
    (void)state;
    t_resp *r = t_get("/api/v1/units", token);
    t_assert_status(r, 200);
    assert_string_equal(t_header(r, "Cache-Control"), "no-store");
    assert_null(t_header(r, "ETag"));
    t_free(r);
}

int main(void)
{
    t_init();
    admin = t_user("sccache_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "SCCACHE", agency_code, sizeof agency_code);
    unit = sc_unit(admin, agency, "P1", "division", "Phòng Một");
    token = t_user("sccache_viewer", "viewer", NULL, agency_code);
    campaign = sc_campaign(agency, "CACHE");
    sc_target(campaign, 3, "third", "index_rank", "{\"index\":\"dti\"}", "le", "NULL");
    sc_target(campaign, 1, "first", "task_completion", "{}", "ge", "100");
    sc_target(campaign, 2, "second", "certification", "{\"kind\":\"good_learning_unit\"}", "eq", "true");
    sc_sql("INSERT INTO tasks (campaign_id, title, due_on, completed_on) VALUES (%lld, 'a', '2025-03-31', '2025-03-01'),"
           " (%lld, 'b', '2025-06-30', '2025-07-05')", campaign, campaign);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_or_impossible_as_of_is_400),
        cmocka_unit_test(unknown_campaign_is_404),
        cmocka_unit_test(session_required_like_everywhere),
        cmocka_unit_test(as_of_defaults_to_today_in_vietnam_and_is_echoed),
        cmocka_unit_test(final_from_closes_on),
        cmocka_unit_test(targets_in_defined_order_and_summary),
        cmocka_unit_test(etag_unchanged_by_reads_and_answer_not_recomputed),
        cmocka_unit_test(if_none_match_gets_304),
        cmocka_unit_test(sql_write_changes_the_etag),
        cmocka_unit_test(api_write_changes_the_etag),
        cmocka_unit_test(every_fact_bumps_the_version_once_per_statement),
        cmocka_unit_test(other_agencies_do_not_bump),
        cmocka_unit_test(version_bump_leaves_no_audit_row),
        cmocka_unit_test(units_and_series_have_etags_too),
        cmocka_unit_test(other_answers_stay_uncached),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(token);
    return rc;
}
