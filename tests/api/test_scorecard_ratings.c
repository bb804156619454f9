/* Scorecard, rating and ratings_all: the latest decision on or before as_of
 * (never after closes_on 2026-06-30); on the same date, the one recorded
 * last.
 * Units: the root (agency), D1 division, P party, U1 U2 unions, U3 union
 *   dissolved 2025-05-01.
 * Ratings: U3 KHTNV 2025-04-01; root HTNV 2026-01-10, HTTNV 2026-01-20,
 *   KHTNV then HTTNV both 2026-02-01, HTXSNV 2026-07-10 (after closes_on);
 *   P HTXSNV 2026-01-12; U1 HTTNV 2026-01-12; U2 HTNV 2026-01-14 (revised
 *   to HTTNV 2026-02-05 by the last test).
 * Targets: agency_rating (subject agency), d1_rating (subject D1, never
 *   rated), party_union (kinds party, union), affiliated_all (kinds
 *   affiliated: there is none), all >= HTTNV. */
#include "sc_fixture.h"

static char *token;
static long long campaign, u2;

static void nothing_rated_is_pending(void **state)
{
    (void)state;
    t_resp *r = sc_get(token, campaign, "2025-12-31");
    sc_expect_in(r, "agency_rating", "pending", "null", -1, -1);
    sc_expect_in(r, "d1_rating", "pending", "null", -1, -1);
    /* U3 is dissolved at D'; P, U1, U2 not rated yet. */
    sc_expect_in(r, "party_union", "pending", "null", -1, -1);
    sc_expect_in(r, "affiliated_all", "pending", "null", -1, -1);
    t_free(r);
}

static void dissolved_unit_rated_low_counts_while_it_exists(void **state)
{
    (void)state;
    /* 2025-04-30: U3 (KHTNV) still exists: one is below, so not pending. */
    sc_expect(token, campaign, "2025-04-30", "party_union", "at_risk", "\"KHTNV\"", 0, 4);
}

static void rating_revised_latest_on_or_before_as_of_counts(void **state)
{
    (void)state;
    sc_expect(token, campaign, "2026-01-09", "agency_rating", "pending", "null", -1, -1);
    sc_expect(token, campaign, "2026-01-10", "agency_rating", "at_risk", "\"HTNV\"", -1, -1);
    sc_expect(token, campaign, "2026-01-19", "agency_rating", "at_risk", "\"HTNV\"", -1, -1);
    sc_expect(token, campaign, "2026-01-20", "agency_rating", "met", "\"HTTNV\"", -1, -1);
}

static void same_date_the_one_recorded_last_counts(void **state)
{
    (void)state;
    /* KHTNV and HTTNV both on 02-01, HTTNV recorded last. */
    sc_expect(token, campaign, "2026-02-01", "agency_rating", "met", "\"HTTNV\"", -1, -1);
}

static void decision_after_closes_on_never_counts(void **state)
{
    (void)state;
    sc_expect(token, campaign, "2026-08-01", "agency_rating", "met", "\"HTTNV\"", -1, -1);
}

static void some_not_rated_yet_is_pending(void **state)
{
    (void)state;
    /* P HTXSNV, U1 HTTNV, U2 not rated: none below, one missing. */
    sc_expect(token, campaign, "2026-01-12", "party_union", "pending", "null", -1, -1);
}

static void lower_rating_is_at_risk_then_missed(void **state)
{
    (void)state;
    /* U2 HTNV from 01-14: lowest HTNV, 2 of 3 at or above. */
    sc_expect(token, campaign, "2026-01-14", "party_union", "at_risk", "\"HTNV\"", 2, 3);
    sc_expect(token, campaign, "2026-06-29", "party_union", "at_risk", "\"HTNV\"", 2, 3);
    sc_expect(token, campaign, "2026-06-30", "party_union", "missed", "\"HTNV\"", 2, 3);
}

static void missing_rating_stays_pending_when_final(void **state)
{
    (void)state;
    sc_expect(token, campaign, "2026-06-30", "d1_rating", "pending", "null", -1, -1);
    sc_expect(token, campaign, "2026-06-30", "affiliated_all", "pending", "null", -1, -1);
}

static void revised_up_every_one_at_or_above_is_met(void **state)
{
    (void)state;
    sc_sql("INSERT INTO ratings (campaign_id, subject_type, unit_id, level, decided_on)"
           " VALUES (%lld, 'unit', %lld, 'HTTNV', '2026-02-05')", campaign, u2);
    sc_expect(token, campaign, "2026-02-04", "party_union", "at_risk", "\"HTNV\"", 2, 3);
    sc_expect(token, campaign, "2026-06-30", "party_union", "met", "\"HTTNV\"", 3, 3);
}

static void rate(long long unit, const char *level, const char *date)
{
    sc_sql("INSERT INTO ratings (campaign_id, subject_type, unit_id, level, decided_on, decision_no)"
           " VALUES (%lld, 'unit', %lld, '%s', '%s', '1/QĐ')", campaign, unit, level, date);
}

int main(void)
{
    t_init();
    char agency_code[64];
    char *admin = t_user("scratings_admin", "admin", NULL, NULL);
    long long agency = t_make_agency(admin, "SCRATINGS", agency_code, sizeof agency_code);
    sc_unit(admin, agency, "D1", "division", "Phòng Một");
    long long p = sc_unit(admin, agency, "DANG", "party", "Đảng ủy");
    long long u1 = sc_unit(admin, agency, "CONGDOAN", "union", "Công đoàn");
    u2 = sc_unit(admin, agency, "DOANTN", "union", "Đoàn Thanh niên");
    long long u3 = sc_unit(admin, agency, "HOICCB", "union", "Hội Cựu chiến binh");
    sc_sql("UPDATE units SET dissolved_on = '2025-05-01' WHERE id = %lld", u3);
    token = t_user("scratings_viewer", "viewer", NULL, agency_code);
    campaign = sc_campaign(agency, "RATINGS");
    sc_target(campaign, 1, "agency_rating", "rating", "{\"subject\":\"agency\"}", "ge", "\"HTTNV\"");
    sc_target(campaign, 2, "d1_rating", "rating", "{\"subject\":\"D1\"}", "ge", "\"HTTNV\"");
    sc_target(campaign, 3, "party_union", "ratings_all", "{\"kinds\":[\"party\",\"union\"]}", "ge", "\"HTTNV\"");
    sc_target(campaign, 4, "affiliated_all", "ratings_all", "{\"kinds\":[\"affiliated\"]}", "ge", "\"HTTNV\"");
    rate(u3, "KHTNV", "2025-04-01");
    rate(agency, "HTNV", "2026-01-10");
    rate(agency, "HTTNV", "2026-01-20");
    rate(agency, "KHTNV", "2026-02-01");
    rate(agency, "HTTNV", "2026-02-01");
    rate(agency, "HTXSNV", "2026-07-10");
    rate(p, "HTXSNV", "2026-01-12");
    rate(u1, "HTTNV", "2026-01-12");
    rate(u2, "HTNV", "2026-01-14");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_rated_is_pending),
        cmocka_unit_test(dissolved_unit_rated_low_counts_while_it_exists),
        cmocka_unit_test(rating_revised_latest_on_or_before_as_of_counts),
        cmocka_unit_test(same_date_the_one_recorded_last_counts),
        cmocka_unit_test(decision_after_closes_on_never_counts),
        cmocka_unit_test(some_not_rated_yet_is_pending),
        cmocka_unit_test(lower_rating_is_at_risk_then_missed),
        cmocka_unit_test(missing_rating_stays_pending_when_final),
        cmocka_unit_test(revised_up_every_one_at_or_above_is_met),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(token);
    return rc;
}
