/* Per-unit scorecard: one row per member unit at D' with counts of its own
 * active staff (not of the units under it), the highest collective title
 * and the latest rating decided by as_of.
 * Units: "Phòng A" (A1, affiliated), "Phòng B" (D1, division),
 *   "Phòng C" (D2, division under A1), "Phòng D" (X, dissolved 2025-06-30),
 *   a party committee (not a member unit).
 * Staff: D1: s1 (LDTT), s2 (CSTDCS only), s3 (left 2025-03-01),
 *   s4 (joined 2025-12-31); A1: s5; D2: s6; X: s7.
 * Study: one required topic, session 2025-03-10: s1, s2, s5 attend.
 * Titles 2026-01-16: s1 LDTT, s2 CSTDCS; D1 TTLDTT and TTLDXS, A1 TTLDTT.
 * Ratings: D1 HTNV 2026-01-10, revised HTTNV 2026-01-18. */
#include "sc_fixture.h"

static char *token;
static long long campaign, a1, d1, d2, x;

static t_resp *units(const char *as_of)
{
    t_resp *r = t_getf(token, "/api/v1/campaigns/%lld/units/scorecard?as_of=%s", campaign, as_of);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "as_of"), as_of);
    return r;
}

/* Checks row i: unit, counts (-1: null), title and rating ("null" or a code). */
static void expect_row(const t_resp *r, size_t i, long long unit, long long active, long long covered, long long ldtt,
                       long long cstdcs, const char *title, const char *rating)
{
    json_t *row = json_array_get(json_object_get(r->json, "units"), i);
    if (!row)
        fail_msg("no row %zu in %s", i, r->body);
    assert_int_equal(t_json_int(row, "unit_id"), unit);
    assert_non_null(t_json_str(row, "code"));
    assert_non_null(t_json_str(row, "name"));
    assert_int_equal(t_json_int(row, "active_staff"), active);
    if (covered < 0)
        assert_true(json_is_null(json_object_get(row, "study_covered")));
    else
        assert_int_equal(t_json_int(row, "study_covered"), covered);
    assert_int_equal(t_json_int(row, "ldtt"), ldtt);
    assert_int_equal(t_json_int(row, "cstdcs"), cstdcs);
    char t[32], g[32];
    snprintf(t, sizeof t, strcmp(title, "null") == 0 ? "%s" : "\"%s\"", title);
    snprintf(g, sizeof g, strcmp(rating, "null") == 0 ? "%s" : "\"%s\"", rating);
    sc_assert_json(json_object_get(row, "collective_title"), t, "collective_title");
    sc_assert_json(json_object_get(row, "rating"), g, "rating");
}

static void rows_after_the_decisions(void **state)
{
    (void)state;
    t_resp *r = units("2026-01-20");
    /* X is dissolved at D' = 2025-12-31: three member units, by name. */
    assert_int_equal(json_array_size(json_object_get(r->json, "units")), 3);
    /* A1: only its own s5 (D2 under it is counted apart). */
    expect_row(r, 0, a1, 1, 1, 0, 0, "TTLDTT", "null");
    /* D1: s1 s2 s4 active (s3 left), s1 s2 covered, both at least LDTT
     * (s2 by CSTDCS), s2 CSTDCS; highest title TTLDXS; revised rating. */
    expect_row(r, 1, d1, 3, 2, 2, 1, "TTLDXS", "HTTNV");
    expect_row(r, 2, d2, 1, 0, 0, 0, "null", "null");
    t_free(r);
}

static void decisions_after_as_of_do_not_count(void **state)
{
    (void)state;
    t_resp *r = units("2026-01-15");
    expect_row(r, 0, a1, 1, 1, 0, 0, "null", "null");
    expect_row(r, 1, d1, 3, 2, 0, 0, "null", "HTNV");
    t_free(r);
}

static void study_covered_is_null_while_pending(void **state)
{
    (void)state;
    /* 2025-02-28: no session yet; s3 (leaves 03-01) still on the staff. */
    t_resp *r = units("2025-02-28");
    assert_int_equal(json_array_size(json_object_get(r->json, "units")), 4);
    expect_row(r, 0, a1, 1, -1, 0, 0, "null", "null");
    expect_row(r, 1, d1, 3, -1, 0, 0, "null", "null");
    expect_row(r, 3, x, 1, -1, 0, 0, "null", "null");
    t_free(r);
}

static void dissolved_unit_listed_until_its_date(void **state)
{
    (void)state;
    t_resp *r = units("2025-06-29");
    assert_int_equal(json_array_size(json_object_get(r->json, "units")), 4);
    /* D1 on 06-29: s1 s2 (s3 left 03-01, s4 not yet), both covered. */
    expect_row(r, 1, d1, 2, 2, 0, 0, "null", "null");
    expect_row(r, 3, x, 1, 0, 0, 0, "null", "null");
    t_free(r);
    r = units("2025-06-30");
    assert_int_equal(json_array_size(json_object_get(r->json, "units")), 3);
    t_free(r);
}

int main(void)
{
    t_init();
    char agency_code[64];
    char *admin = t_user("scunits_admin", "admin", NULL, NULL);
    long long agency = t_make_agency(admin, "SCUNITS", agency_code, sizeof agency_code);
    a1 = sc_unit(admin, agency, "A1", "affiliated", "Phòng A");
    d1 = sc_unit(admin, agency, "D1", "division", "Phòng B");
    d2 = sc_unit(admin, a1, "D2", "division", "Phòng C");
    x = sc_unit(admin, agency, "X", "division", "Phòng D");
    sc_unit(admin, agency, "DANG", "party", "Chi bộ");
    sc_sql("UPDATE units SET dissolved_on = '2025-06-30' WHERE id = %lld", x);
    token = t_user("scunits_viewer", "viewer", NULL, agency_code);
    campaign = sc_campaign(agency, "UNITS");
    long long s1 = sc_staff(d1, "S1", "2020-01-01", NULL), s2 = sc_staff(d1, "S2", "2020-01-01", NULL);
    sc_staff(d1, "S3", "2020-01-01", "2025-03-01");
    sc_staff(d1, "S4", "2025-12-31", NULL);
    long long s5 = sc_staff(a1, "S5", "2020-01-01", NULL);
    sc_staff(d2, "S6", "2020-01-01", NULL);
    sc_staff(x, "S7", "2020-01-01", NULL);
    long long topic = sc_sql("INSERT INTO study_topics (campaign_id, code, title) VALUES (%lld, 'NQ', 'Nghị quyết')"
                             " RETURNING id", campaign);
    long long session = sc_sql("INSERT INTO study_sessions (campaign_id, topic_id, held_on) VALUES (%lld, %lld,"
                               " '2025-03-10') RETURNING id", campaign, topic);
    sc_sql("INSERT INTO attendance (session_id, staff_id) VALUES (%lld, %lld), (%lld, %lld), (%lld, %lld)", session, s1,
           session, s2, session, s5);
    sc_sql("INSERT INTO titles (campaign_id, subject_type, staff_id, unit_id, title, decided_on) VALUES"
           " (%lld, 'staff', %lld, NULL, 'LDTT', '2026-01-16'), (%lld, 'staff', %lld, NULL, 'CSTDCS', '2026-01-16'),"
           " (%lld, 'unit', NULL, %lld, 'TTLDTT', '2026-01-16'), (%lld, 'unit', NULL, %lld, 'TTLDXS', '2026-01-16'),"
           " (%lld, 'unit', NULL, %lld, 'TTLDTT', '2026-01-16')",
           campaign, s1, campaign, s2, campaign, d1, campaign, d1, campaign, a1);
    sc_sql("INSERT INTO ratings (campaign_id, subject_type, unit_id, level, decided_on) VALUES"
           " (%lld, 'unit', %lld, 'HTNV', '2026-01-10'), (%lld, 'unit', %lld, 'HTTNV', '2026-01-18')",
           campaign, d1, campaign, d1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_after_the_decisions),
        cmocka_unit_test(decisions_after_as_of_do_not_count),
        cmocka_unit_test(study_covered_is_null_while_pending),
        cmocka_unit_test(dissolved_unit_listed_until_its_date),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(token);
    return rc;
}
