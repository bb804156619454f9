/* Scorecard, task_completion: tasks due by D' = min(as_of, ends_on),
 * completed on or before their due date; exact comparison of the fraction.
 * Campaign 2025 (ends 2025-12-31, closes 2026-06-30), tasks:
 *   T1 due 03-31 done 03-20 (on time)   T2 due 03-31 done 04-05 (late)
 *   T3 due 06-30 done 07-10 (late)      T4 due 06-30 not done
 *   T5 due 09-30 done 09-30 (on time)   T6 due 12-31 done 12-01 (on time) */
#include "sc_fixture.h"

static char *token;
static long long campaign;

static void nothing_due_is_pending(void **state)
{
    (void)state;
    sc_expect(token, campaign, "2025-01-15", "tasks_completed", "pending", "null", -1, -1);
    sc_expect(token, campaign, "2025-03-30", "tasks_completed", "pending", "null", -1, -1);
}

static void due_on_as_of_counts(void **state)
{
    (void)state;
    /* T1, T2 due on 03-31: one of two on time. */
    sc_expect(token, campaign, "2025-03-31", "tasks_completed", "at_risk", "50.0", 1, 2);
    /* T2 is completed on 04-05, late: still one of two. */
    sc_expect(token, campaign, "2025-04-05", "tasks_completed", "at_risk", "50.0", 1, 2);
}

static void completed_late_or_after_as_of(void **state)
{
    (void)state;
    /* 06-30: T3 (done 07-10, after as_of and late) and T4 (open) are due. */
    sc_expect(token, campaign, "2025-06-30", "tasks_completed", "at_risk", "25.0", 1, 4);
    sc_expect(token, campaign, "2025-06-29", "tasks_completed", "at_risk", "50.0", 1, 2);
    /* T5 completed on its due date counts. */
    sc_expect(token, campaign, "2025-09-30", "tasks_completed", "at_risk", "40.0", 2, 5);
}

static void after_the_end_counts_up_to_the_end(void **state)
{
    (void)state;
    /* D' = 2025-12-31: all six due, T1 T5 T6 on time. */
    sc_expect(token, campaign, "2026-01-10", "tasks_completed", "at_risk", "50.0", 3, 6);
    sc_expect(token, campaign, "2026-06-30", "tasks_completed", "missed", "50.0", 3, 6);
    sc_expect(token, campaign, "2027-01-01", "tasks_completed", "missed", "50.0", 3, 6);
}

static void comparison_is_exact_not_rounded(void **state)
{
    (void)state;
    /* At 09-30: 2 of 5 = 40 %. Thresholds 40 (ge: met, gt: not met). */
    sc_expect(token, campaign, "2025-09-30", "tasks_ge_40", "met", "40.0", 2, 5);
    sc_expect(token, campaign, "2025-09-30", "tasks_gt_40", "at_risk", "40.0", 2, 5);
    /* A campaign where 2 of 3 are on time: 66.666... shows as 66.67 but
     * does not reach 66.67; it is above 66.66. */
    long long agency = sc_sql("SELECT agency_id FROM campaigns WHERE id = %lld", campaign);
    long long c2 = sc_campaign(agency, "TASKS_THIRDS");
    sc_target(c2, 1, "two_thirds_ge", "task_completion", "{}", "ge", "66.67");
    sc_target(c2, 2, "two_thirds_gt", "task_completion", "{}", "gt", "66.66");
    sc_sql("INSERT INTO tasks (campaign_id, title, due_on, completed_on) VALUES"
           " (%lld, 'a', '2025-02-28', '2025-02-01'), (%lld, 'b', '2025-02-28', '2025-02-28'),"
           " (%lld, 'c', '2025-02-28', NULL)", c2, c2, c2);
    sc_expect(token, c2, "2025-03-01", "two_thirds_ge", "at_risk", "66.67", 2, 3);
    sc_expect(token, c2, "2025-03-01", "two_thirds_gt", "met", "66.67", 2, 3);
}

int main(void)
{
    t_init();
    char agency_code[64];
    char *admin = t_user("sctasks_admin", "admin", NULL, NULL);
    long long agency = t_make_agency(admin, "SCTASKS", agency_code, sizeof agency_code);
    long long unit = sc_unit(admin, agency, "P1", "division", "Phòng Một");
    token = t_user("sctasks_viewer", "viewer", NULL, agency_code);
    campaign = sc_campaign(agency, "TASKS");
    sc_target(campaign, 1, "tasks_completed", "task_completion", "{}", "ge", "100");
    sc_target(campaign, 2, "tasks_ge_40", "task_completion", "{}", "ge", "40");
    sc_target(campaign, 3, "tasks_gt_40", "task_completion", "{}", "gt", "40");
    sc_sql("INSERT INTO tasks (campaign_id, title, unit_id, due_on, completed_on) VALUES"
           " (%lld, 'T1', %lld, '2025-03-31', '2025-03-20'), (%lld, 'T2', %lld, '2025-03-31', '2025-04-05'),"
           " (%lld, 'T3', %lld, '2025-06-30', '2025-07-10'), (%lld, 'T4', %lld, '2025-06-30', NULL),"
           " (%lld, 'T5', %lld, '2025-09-30', '2025-09-30'), (%lld, 'T6', %lld, '2025-12-31', '2025-12-01')",
           campaign, unit, campaign, unit, campaign, unit, campaign, unit, campaign, unit, campaign, unit);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_due_is_pending),
        cmocka_unit_test(due_on_as_of_counts),
        cmocka_unit_test(completed_late_or_after_as_of),
        cmocka_unit_test(after_the_end_counts_up_to_the_end),
        cmocka_unit_test(comparison_is_exact_not_rounded),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(token);
    return rc;
}
