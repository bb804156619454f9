/* Scorecard, certification: value = achieved of the latest decision of the
 * kind on or before as_of (never after closes_on 2026-06-30); same date:
 * the one recorded last.
 * good_learning_unit: false 2025-11-01, then true 2026-01-10.
 * security_order: true then false, both 2025-12-20 (false recorded last);
 *   true 2026-07-01 (after closes_on). */
#include "sc_fixture.h"

static char *token;
static long long campaign;

static void no_decision_is_pending(void **state)
{
    (void)state;
    t_resp *r = sc_get(token, campaign, "2025-10-31");
    sc_expect_in(r, "learning", "pending", "null", -1, -1);
    sc_expect_in(r, "security", "pending", "null", -1, -1);
    t_free(r);
}

static void false_decision_is_at_risk(void **state)
{
    (void)state;
    sc_expect(token, campaign, "2025-11-01", "learning", "at_risk", "false", -1, -1);
    sc_expect(token, campaign, "2026-01-09", "learning", "at_risk", "false", -1, -1);
}

static void later_true_decision_replaces_it(void **state)
{
    (void)state;
    sc_expect(token, campaign, "2026-01-10", "learning", "met", "true", -1, -1);
    sc_expect(token, campaign, "2026-06-30", "learning", "met", "true", -1, -1);
}

static void same_date_the_one_recorded_last_counts(void **state)
{
    (void)state;
    sc_expect(token, campaign, "2025-12-20", "security", "at_risk", "false", -1, -1);
}

static void decision_after_closes_on_never_counts(void **state)
{
    (void)state;
    sc_expect(token, campaign, "2026-06-30", "security", "missed", "false", -1, -1);
    sc_expect(token, campaign, "2026-07-02", "security", "missed", "false", -1, -1);
}

static void certify(const char *kind, const char *achieved, const char *date)
{
    sc_sql("INSERT INTO certifications (campaign_id, kind, achieved, decided_on, decision_no)"
           " VALUES (%lld, '%s', %s, '%s', '9/QĐ')", campaign, kind, achieved, date);
}

int main(void)
{
    t_init();
    char agency_code[64];
    char *admin = t_user("sccert_admin", "admin", NULL, NULL);
    long long agency = t_make_agency(admin, "SCCERT", agency_code, sizeof agency_code);
    token = t_user("sccert_viewer", "viewer", NULL, agency_code);
    campaign = sc_campaign(agency, "CERT");
    sc_target(campaign, 1, "security", "certification", "{\"kind\":\"security_order\"}", "eq", "true");
    sc_target(campaign, 2, "learning", "certification", "{\"kind\":\"good_learning_unit\"}", "eq", "true");
    certify("good_learning_unit", "false", "2025-11-01");
    certify("good_learning_unit", "true", "2026-01-10");
    certify("security_order", "true", "2025-12-20");
    certify("security_order", "false", "2025-12-20");
    certify("security_order", "true", "2026-07-01");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_decision_is_pending),
        cmocka_unit_test(false_decision_is_at_risk),
        cmocka_unit_test(later_true_decision_replaces_it),
        cmocka_unit_test(same_date_the_one_recorded_last_counts),
        cmocka_unit_test(decision_after_closes_on_never_counts),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(token);
    return rc;
}
