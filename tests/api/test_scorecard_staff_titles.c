/* Scorecard, staff_title_share: active staff at D' holding at least a title
 * decided on or before as_of (never after closes_on 2026-06-30).
 * Staff: P1..P9 joined 2020; P10 left 2025-11-30; P11 joined 2025-12-31.
 * Active at D' = 2025-12-31: P1..P9, P11 (10).
 * Titles: P10 LDTT 2026-01-05 (no longer on the staff); P1..P6 LDTT
 *   2026-01-15; P7 CSTDCS 2026-01-15 without an LDTT row; P8 LDTT
 *   2026-01-15 and CSTD_TINH 2026-03-01; P9 LDTT 2026-07-05 (after
 *   closes_on; only direct SQL can write it).
 * Targets: advanced LDTT / active_staff >= 80; fighters CSTDCS / LDTT >= 20;
 *   fighters_all CSTDCS / active_staff >= 20. */
#include "sc_fixture.h"

static char *token;
static long long campaign;

static void no_title_decided_is_pending(void **state)
{
    (void)state;
    t_resp *r = sc_get(token, campaign, "2026-01-04");
    sc_expect_in(r, "advanced", "pending", "null", -1, -1);
    sc_expect_in(r, "fighters", "pending", "null", -1, -1);
    sc_expect_in(r, "fighters_all", "pending", "null", -1, -1);
    t_free(r);
}

static void a_title_of_someone_not_active_ends_pending(void **state)
{
    (void)state;
    /* Only P10's title is decided: the targets can be judged; nobody
     * active holds LDTT, so the base LDTT is empty: that ratio is pending. */
    t_resp *r = sc_get(token, campaign, "2026-01-05");
    sc_expect_in(r, "advanced", "at_risk", "0.0", 0, 10);
    sc_expect_in(r, "fighters", "pending", "null", -1, -1);
    sc_expect_in(r, "fighters_all", "at_risk", "0.0", 0, 10);
    t_free(r);
}

static void title_decided_in_january_counts_from_its_date(void **state)
{
    (void)state;
    /* LDTT or above: P1..P6, P7 (CSTDCS counts as LDTT), P8. */
    t_resp *r = sc_get(token, campaign, "2026-01-15");
    sc_expect_in(r, "advanced", "met", "80.0", 8, 10);
    sc_expect_in(r, "fighters", "at_risk", "12.5", 1, 8);
    sc_expect_in(r, "fighters_all", "at_risk", "10.0", 1, 10);
    t_free(r);
    r = sc_get(token, campaign, "2026-01-14");
    sc_expect_in(r, "advanced", "at_risk", "0.0", 0, 10);
    t_free(r);
}

static void title_decided_after_as_of_does_not_count(void **state)
{
    (void)state;
    /* P8's CSTD_TINH (2026-03-01) is not held yet on 02-28. */
    t_resp *r = sc_get(token, campaign, "2026-02-28");
    sc_expect_in(r, "fighters", "at_risk", "12.5", 1, 8);
    sc_expect_in(r, "fighters_all", "at_risk", "10.0", 1, 10);
    t_free(r);
}

static void higher_title_counts_for_lower_ones(void **state)
{
    (void)state;
    /* From 03-01 P8 holds CSTD_TINH, so at least CSTDCS. */
    t_resp *r = sc_get(token, campaign, "2026-03-01");
    sc_expect_in(r, "advanced", "met", "80.0", 8, 10);
    sc_expect_in(r, "fighters", "met", "25.0", 2, 8);
    sc_expect_in(r, "fighters_all", "met", "20.0", 2, 10);
    t_free(r);
}

static void title_after_closes_on_never_counts(void **state)
{
    (void)state;
    /* P9's LDTT of 2026-07-05 is after closes_on: final answer without it. */
    t_resp *r = sc_get(token, campaign, "2026-08-01");
    assert_true(json_is_true(json_object_get(r->json, "final")));
    sc_expect_in(r, "advanced", "met", "80.0", 8, 10);
    sc_expect_in(r, "fighters", "met", "25.0", 2, 8);
    t_free(r);
}

static void a_change_of_title_is_seen(void **state)
{
    (void)state;
    /* P1's LDTT withdrawn (deleted): 7 of 10, below 80 %, final: missed.
     * Then given back. */
    sc_sql("DELETE FROM titles WHERE campaign_id = %lld AND staff_id = (SELECT id FROM staff s WHERE s.code = 'P1'"
           " AND s.agency_id = (SELECT agency_id FROM campaigns WHERE id = %lld))", campaign, campaign);
    sc_expect(token, campaign, "2026-08-01", "advanced", "missed", "70.0", 7, 10);
    sc_sql("INSERT INTO titles (campaign_id, subject_type, staff_id, title, decided_on)"
           " SELECT %lld, 'staff', s.id, 'LDTT', '2026-01-15' FROM staff s WHERE s.code = 'P1'"
           " AND s.agency_id = (SELECT agency_id FROM campaigns WHERE id = %lld)", campaign, campaign);
    sc_expect(token, campaign, "2026-08-01", "advanced", "met", "80.0", 8, 10);
}

static void title(long long staff, const char *title, const char *date)
{
    sc_sql("INSERT INTO titles (campaign_id, subject_type, staff_id, title, decision_no, decided_on)"
           " VALUES (%lld, 'staff', %lld, '%s', '1/QĐ', '%s')", campaign, staff, title, date);
}

int main(void)
{
    t_init();
    char agency_code[64];
    char *admin = t_user("sctitles_admin", "admin", NULL, NULL);
    long long agency = t_make_agency(admin, "SCTITLES", agency_code, sizeof agency_code);
    long long unit = sc_unit(admin, agency, "P1", "division", "Phòng Một");
    token = t_user("sctitles_viewer", "viewer", NULL, agency_code);
    campaign = sc_campaign(agency, "TITLES");
    sc_target(campaign, 1, "advanced", "staff_title_share", "{\"title\":\"LDTT\",\"base\":\"active_staff\"}", "ge", "80");
    sc_target(campaign, 2, "fighters", "staff_title_share", "{\"title\":\"CSTDCS\",\"base\":\"LDTT\"}", "ge", "20");
    sc_target(campaign, 3, "fighters_all", "staff_title_share", "{\"title\":\"CSTDCS\",\"base\":\"active_staff\"}", "ge", "20");
    long long p[12];
    for (int i = 1; i <= 9; i++) {
        char code[8];
        snprintf(code, sizeof code, "P%d", i);
        p[i] = sc_staff(unit, code, "2020-01-01", NULL);
    }
    p[10] = sc_staff(unit, "P10", "2020-01-01", "2025-11-30");
    p[11] = sc_staff(unit, "P11", "2025-12-31", NULL);
    title(p[10], "LDTT", "2026-01-05");
    for (int i = 1; i <= 6; i++)
        title(p[i], "LDTT", "2026-01-15");
    title(p[7], "CSTDCS", "2026-01-15");
    title(p[8], "LDTT", "2026-01-15");
    title(p[8], "CSTD_TINH", "2026-03-01");
    title(p[9], "LDTT", "2026-07-05");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_title_decided_is_pending),
        cmocka_unit_test(a_title_of_someone_not_active_ends_pending),
        cmocka_unit_test(title_decided_in_january_counts_from_its_date),
        cmocka_unit_test(title_decided_after_as_of_does_not_count),
        cmocka_unit_test(higher_title_counts_for_lower_ones),
        cmocka_unit_test(title_after_closes_on_never_counts),
        cmocka_unit_test(a_change_of_title_is_seen),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(token);
    return rc;
}
