/* Scorecard, index_rank: value = the agency's rank for the campaign's year
 * (2025), the answer's threshold = its rank for 2024; both only when
 * published on or before as_of (never after closes_on 2026-06-30);
 * smaller is better (le).
 * Agency A: PAR 2024 rank 12 (published 2025-04-10), 2025 rank 10
 *   (2026-04-15); DTI 2024 rank 20 (2025-05-02), 2025 rank 25 (2026-05-20).
 * Agency B: DTI 2024 rank 5 (2025-03-01), 2025 rank 4 published 2026-07-10
 *   (after closes_on); PAR 2025 rank 7 (2026-03-01), no 2024 rank. */
#include "sc_fixture.h"

static char *token, *token_b; /* viewers of agency A and of agency B */
static long long campaign_a, campaign_b, agency_a;

static void expect_threshold(const t_resp *r, const char *code, const char *threshold)
{
    sc_assert_json(json_object_get(sc_find(r, code), "threshold"), threshold, code);
}

static void no_rank_yet_is_pending(void **state)
{
    (void)state;
    t_resp *r = sc_get(token, campaign_a, "2025-04-09");
    sc_expect_in(r, "par", "pending", "null", -1, -1);
    expect_threshold(r, "par", "null");
    t_free(r);
}

static void rank_of_the_year_missing_is_pending(void **state)
{
    (void)state;
    /* Last year's rank is known, this year's is not published yet. */
    t_resp *r = sc_get(token, campaign_a, "2026-04-14");
    sc_expect_in(r, "par", "pending", "null", -1, -1);
    expect_threshold(r, "par", "12");
    sc_expect_in(r, "dti", "pending", "null", -1, -1);
    expect_threshold(r, "dti", "20");
    t_free(r);
}

static void rank_kept_or_improved_is_met(void **state)
{
    (void)state;
    t_resp *r = sc_get(token, campaign_a, "2026-04-15");
    sc_expect_in(r, "par", "met", "10", -1, -1);
    expect_threshold(r, "par", "12");
    t_free(r);
}

static void rank_dropped_is_at_risk_then_missed(void **state)
{
    (void)state;
    sc_expect(token, campaign_a, "2026-05-20", "dti", "at_risk", "25", -1, -1);
    sc_expect(token, campaign_a, "2026-06-30", "dti", "missed", "25", -1, -1);
}

static void correction_replaces_the_rank(void **state)
{
    (void)state;
    /* Corrected to 20: the same rank as last year is kept (le). */
    sc_sql("UPDATE index_ranks SET rank = 20 WHERE agency_id = %lld AND kind = 'dti' AND year = 2025", agency_a);
    sc_expect(token, campaign_a, "2026-06-30", "dti", "met", "20", -1, -1);
}

static void rank_published_after_closes_on_does_not_count(void **state)
{
    (void)state;
    t_resp *r = sc_get(token_b, campaign_b, "2026-08-01");
    assert_true(json_is_true(json_object_get(r->json, "final")));
    sc_expect_in(r, "dti", "pending", "null", -1, -1);
    expect_threshold(r, "dti", "5");
    t_free(r);
}

static void missing_previous_rank_is_pending_with_null_threshold(void **state)
{
    (void)state;
    t_resp *r = sc_get(token_b, campaign_b, "2026-06-30");
    sc_expect_in(r, "par", "pending", "null", -1, -1);
    expect_threshold(r, "par", "null");
    t_free(r);
    /* Each viewer sees its own agency's scorecard only. */
    r = t_getf(token, "/api/v1/campaigns/%lld/scorecard?as_of=2026-06-30", campaign_b);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(token_b, "/api/v1/campaigns/%lld/scorecard?as_of=2026-06-30", campaign_a);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

static void ranks(long long agency, const char *kind, int year, int rank, const char *published)
{
    sc_sql("INSERT INTO index_ranks (agency_id, kind, year, rank, rank_total, published_on)"
           " VALUES (%lld, '%s', %d, %d, 30, '%s')", agency, kind, year, rank, published);
}

int main(void)
{
    t_init();
    char code_a[64], code_b[64];
    char *admin = t_user("scindex_admin", "admin", NULL, NULL);
    agency_a = t_make_agency(admin, "SCINDEXA", code_a, sizeof code_a);
    long long agency_b = t_make_agency(admin, "SCINDEXB", code_b, sizeof code_b);
    token = t_user("scindex_viewer", "viewer", NULL, code_a);
    token_b = t_user("scindex_viewer_b", "viewer", NULL, code_b);
    campaign_a = sc_campaign(agency_a, "INDEX");
    campaign_b = sc_campaign(agency_b, "INDEX");
    for (int i = 0; i < 2; i++) {
        long long c = i == 0 ? campaign_a : campaign_b;
        sc_target(c, 1, "par", "index_rank", "{\"index\":\"par_index\"}", "le", "NULL");
        sc_target(c, 2, "dti", "index_rank", "{\"index\":\"dti\"}", "le", "NULL");
    }
    ranks(agency_a, "par_index", 2024, 12, "2025-04-10");
    ranks(agency_a, "par_index", 2025, 10, "2026-04-15");
    ranks(agency_a, "dti", 2024, 20, "2025-05-02");
    ranks(agency_a, "dti", 2025, 25, "2026-05-20");
    ranks(agency_b, "dti", 2024, 5, "2025-03-01");
    ranks(agency_b, "dti", 2025, 4, "2026-07-10");
    ranks(agency_b, "par_index", 2025, 7, "2026-03-01");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_rank_yet_is_pending),
        cmocka_unit_test(rank_of_the_year_missing_is_pending),
        cmocka_unit_test(rank_kept_or_improved_is_met),
        cmocka_unit_test(rank_dropped_is_at_risk_then_missed),
        cmocka_unit_test(correction_replaces_the_rank),
        cmocka_unit_test(rank_published_after_closes_on_does_not_count),
        cmocka_unit_test(missing_previous_rank_is_pending_with_null_threshold),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(token);
    free(token_b);
    return rc;
}
