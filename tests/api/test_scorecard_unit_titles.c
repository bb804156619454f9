/* Scorecard, unit_title_share and unit_title_count: member units (division
 * or affiliated, any depth under the agency, not dissolved at D') holding
 * at least a collective title decided by as_of.
 * Units: D1, D2 divisions; A1 affiliated; N1 under A1, N2 under N1;
 *   X dissolved 2025-06-30; P party; U union (P, U and the root are not
 *   member units).
 * Titles: P TTLDTT 2025-02-01; D1 TTLDTT 2025-03-01; D2 TTLDXS 2026-01-16
 *   (no TTLDTT row); A1 TTLDTT 2026-01-16; X TTLDTT 2026-01-16;
 *   N1 TTLDTT 2026-01-20; N2 TTLDXS 2026-02-01.
 * Targets: advanced TTLDTT share >= 100; excellent TTLDXS count >= 2. */
#include "sc_fixture.h"

static char *token, *admin;
static long long campaign, n2;

static void title_of_a_non_member_leaves_it_pending(void **state)
{
    (void)state;
    t_resp *r = sc_get(token, campaign, "2025-02-15");
    sc_expect_in(r, "advanced", "pending", "null", -1, -1);
    sc_expect_in(r, "excellent", "pending", "null", -1, -1);
    t_free(r);
}

static void dissolved_unit_is_no_longer_a_member(void **state)
{
    (void)state;
    /* 06-29: D1 D2 A1 N1 N2 X; D1 holds TTLDTT. */
    t_resp *r = sc_get(token, campaign, "2025-06-29");
    sc_expect_in(r, "advanced", "at_risk", "16.67", 1, 6);
    sc_expect_in(r, "excellent", "at_risk", "0", 0, -1);
    t_free(r);
    /* 06-30: X is dissolved. */
    sc_expect(token, campaign, "2025-06-30", "advanced", "at_risk", "20.0", 1, 5);
}

static void excellent_counts_toward_advanced(void **state)
{
    (void)state;
    /* D1, D2 (TTLDXS), A1; X's title does not count: not a member. */
    t_resp *r = sc_get(token, campaign, "2026-01-16");
    sc_expect_in(r, "advanced", "at_risk", "60.0", 3, 5);
    sc_expect_in(r, "excellent", "at_risk", "1", 1, -1);
    t_free(r);
}

static void nested_member_units_count(void **state)
{
    (void)state;
    sc_expect(token, campaign, "2026-01-20", "advanced", "at_risk", "80.0", 4, 5);
    t_resp *r = sc_get(token, campaign, "2026-02-01");
    sc_expect_in(r, "advanced", "met", "100.0", 5, 5);
    sc_expect_in(r, "excellent", "met", "2", 2, -1);
    t_free(r);
}

static void dissolved_after_the_end_still_counts(void **state)
{
    (void)state;
    /* N2 dissolved in March 2026 (through the API): D' is 2025-12-31. */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/units/%lld", n2);
    t_resp *w = t_patch(path, admin, "{\"dissolved_on\":\"2026-03-01\"}");
    t_assert_status(w, 200);
    t_free(w);
    t_resp *r = sc_get(token, campaign, "2026-06-30");
    assert_true(json_is_true(json_object_get(r->json, "final")));
    sc_expect_in(r, "advanced", "met", "100.0", 5, 5);
    sc_expect_in(r, "excellent", "met", "2", 2, -1);
    t_free(r);
}

static void title(long long unit, const char *title, const char *date)
{
    sc_sql("INSERT INTO titles (campaign_id, subject_type, unit_id, title, decided_on)"
           " VALUES (%lld, 'unit', %lld, '%s', '%s')", campaign, unit, title, date);
}

int main(void)
{
    t_init();
    char agency_code[64];
    admin = t_user("scunittitles_admin", "admin", NULL, NULL);
    long long agency = t_make_agency(admin, "SCUTITLES", agency_code, sizeof agency_code);
    long long d1 = sc_unit(admin, agency, "D1", "division", "Phòng Một");
    long long d2 = sc_unit(admin, agency, "D2", "division", "Phòng Hai");
    long long a1 = sc_unit(admin, agency, "A1", "affiliated", "Trung tâm Một");
    long long n1 = sc_unit(admin, a1, "N1", "division", "Phòng thuộc trung tâm");
    n2 = sc_unit(admin, n1, "N2", "division", "Tổ thuộc phòng");
    long long x = sc_unit(admin, agency, "X", "division", "Phòng đã giải thể");
    long long p = sc_unit(admin, agency, "DANG", "party", "Đảng ủy");
    sc_unit(admin, agency, "CD", "union", "Công đoàn");
    sc_sql("UPDATE units SET dissolved_on = '2025-06-30' WHERE id = %lld", x);
    token = t_user("scunittitles_viewer", "viewer", NULL, agency_code);
    campaign = sc_campaign(agency, "UTITLES");
    sc_target(campaign, 1, "advanced", "unit_title_share", "{\"title\":\"TTLDTT\"}", "ge", "100");
    sc_target(campaign, 2, "excellent", "unit_title_count", "{\"title\":\"TTLDXS\"}", "ge", "2");
    title(p, "TTLDTT", "2025-02-01");
    title(d1, "TTLDTT", "2025-03-01");
    title(d2, "TTLDXS", "2026-01-16");
    title(a1, "TTLDTT", "2026-01-16");
    title(x, "TTLDTT", "2026-01-16");
    title(n1, "TTLDTT", "2026-01-20");
    title(n2, "TTLDXS", "2026-02-01");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(title_of_a_non_member_leaves_it_pending),
        cmocka_unit_test(dissolved_unit_is_no_longer_a_member),
        cmocka_unit_test(excellent_counts_toward_advanced),
        cmocka_unit_test(nested_member_units_count),
        cmocka_unit_test(dissolved_after_the_end_still_counts),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(token);
    return rc;
}
