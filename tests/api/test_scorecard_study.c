/* Scorecard, study_coverage: the required topics that have had a session by
 * D' count; covered = active staff who attended, for each of them, one of
 * its sessions held by D'. Campaign 2025 (ends 2025-12-31).
 * Topics: T1 required (sessions 03-10, make-up 03-31, make-up 05-20,
 *         make-up 2026-01-10 after the end), T2 required (first session
 *         08-10), T3 not required (04-15).
 * Staff (joined 2020 unless said): A: T1 03-10, T2, T3; B: T1 make-up
 *   03-31, T2; C: T1 03-10; D: T3 only; E joined 05-01: T1 05-20;
 *   F left 04-01: T1 03-10; G joined 06-30: T1 at the 2026 make-up;
 *   H left 06-30: T1 03-10. */
#include "sc_fixture.h"

static char *token, *admin;
static long long agency, unit, campaign;

static void no_session_yet_is_pending(void **state)
{
    (void)state;
    sc_expect(token, campaign, "2025-03-09", "study", "pending", "null", -1, -1);
}

static void first_session(void **state)
{
    (void)state;
    /* Active on 03-10: A B C D F H; attended T1 by then: A C F H. */
    sc_expect(token, campaign, "2025-03-10", "study", "at_risk", "66.67", 4, 6);
}

static void make_up_session_after_the_first(void **state)
{
    (void)state;
    /* B attends the make-up on 03-31. */
    sc_expect(token, campaign, "2025-03-30", "study", "at_risk", "66.67", 4, 6);
    sc_expect(token, campaign, "2025-03-31", "study", "at_risk", "83.33", 5, 6);
}

static void leaving_on_before_and_after_as_of(void **state)
{
    (void)state;
    /* F leaves on 04-01: on the staff on 03-31, not on 04-01. */
    sc_expect(token, campaign, "2025-04-01", "study", "at_risk", "80.0", 4, 5);
    /* H leaves on 06-30; G joins on 06-30; E joined 05-01, covered 05-20.
     * 06-29: A B C D E H active, covered A B C E H. */
    sc_expect(token, campaign, "2025-06-29", "study", "at_risk", "83.33", 5, 6);
    /* 06-30: H gone, G (not covered) there: A B C D E G, covered A B C E. */
    sc_expect(token, campaign, "2025-06-30", "study", "at_risk", "66.67", 4, 6);
}

static void joining_counts_from_the_day(void **state)
{
    (void)state;
    /* E joined 05-01, not covered until 05-20. 05-01: A B C D E H, covered A B C H. */
    sc_expect(token, campaign, "2025-04-30", "study", "at_risk", "80.0", 4, 5);
    sc_expect(token, campaign, "2025-05-01", "study", "at_risk", "66.67", 4, 6);
    sc_expect(token, campaign, "2025-05-20", "study", "at_risk", "83.33", 5, 6);
}

static void non_required_topic_does_not_count(void **state)
{
    (void)state;
    /* D attended only T3 (required = false): never covered, and T3's
     * session (04-15) adds no topic to count. */
    sc_expect(token, campaign, "2025-04-15", "study", "at_risk", "80.0", 4, 5);
}

static void later_required_topic_counts_from_its_first_session(void **state)
{
    (void)state;
    /* Until 08-09 only T1 counts; from 08-10 T1 and T2: A and B. */
    sc_expect(token, campaign, "2025-08-09", "study", "at_risk", "66.67", 4, 6);
    sc_expect(token, campaign, "2025-08-10", "study", "at_risk", "33.33", 2, 6);
}

static void make_up_after_the_end_does_not_count(void **state)
{
    (void)state;
    /* G attends T1 on 2026-01-10; D' stays 2025-12-31. */
    sc_expect(token, campaign, "2026-02-01", "study", "at_risk", "33.33", 2, 6);
    sc_expect(token, campaign, "2026-06-30", "study", "missed", "33.33", 2, 6);
}

/* 50 people, 49 covered: exactly 98 % is not "above 98 %" (and is "at
 * least 98 %"). One more person, who attended: 50 of 51 = 98.04 % is. */
static void exactly_98_percent_is_not_above(void **state)
{
    (void)state;
    char code[64];
    long long ag = t_make_agency(admin, "SCSTUDY98_", code, sizeof code);
    long long u = sc_unit(admin, ag, "P1", "division", "Phòng Một");
    long long c2 = sc_campaign(ag, "STUDY98");
    sc_target(c2, 1, "above_98", "study_coverage", "{}", "gt", "98");
    sc_target(c2, 2, "at_least_98", "study_coverage", "{}", "ge", "98");
    long long t = sc_sql("INSERT INTO study_topics (campaign_id, code, title) VALUES (%lld, 'NQ', 'Nghị quyết') RETURNING id", c2);
    long long s = sc_sql("INSERT INTO study_sessions (campaign_id, topic_id, held_on) VALUES (%lld, %lld, '2025-03-10') RETURNING id", c2, t);
    sc_sql("INSERT INTO staff (agency_id, unit_id, code, full_name, category, joined_on)"
           " SELECT 0, %lld, 'N' || g, 'Trần Thị Lan ' || g, 'vien_chuc', '2020-01-01' FROM generate_series(1, 50) g", u);
    sc_sql("INSERT INTO attendance (session_id, staff_id) SELECT %lld, id FROM staff WHERE unit_id = %lld AND code <> 'N50'", s, u);
    /* A viewer of that agency (the one of SCSTUDY sees no other agency). */
    char *viewer_98 = t_user("scstudy_viewer_98", "viewer", NULL, code);
    sc_expect(viewer_98, c2, "2025-04-01", "above_98", "at_risk", "98.0", 49, 50);
    sc_expect(viewer_98, c2, "2025-04-01", "at_least_98", "met", "98.0", 49, 50);
    long long n51 = sc_staff(u, "N51", "2025-03-01", NULL);
    sc_sql("INSERT INTO attendance (session_id, staff_id) VALUES (%lld, %lld)", s, n51);
    sc_expect(viewer_98, c2, "2025-04-01", "above_98", "met", "98.04", 50, 51);
    free(viewer_98);
}

int main(void)
{
    t_init();
    char agency_code[64];
    admin = t_user("scstudy_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "SCSTUDY", agency_code, sizeof agency_code);
    unit = sc_unit(admin, agency, "P1", "division", "Phòng Một");
    token = t_user("scstudy_viewer", "viewer", NULL, agency_code);
    campaign = sc_campaign(agency, "STUDY");
    sc_target(campaign, 1, "study", "study_coverage", "{}", "gt", "98");
    long long t1 = sc_sql("INSERT INTO study_topics (campaign_id, code, title, required) VALUES (%lld, 'T1', 'Nghị quyết 1', true) RETURNING id", campaign);
    long long t2 = sc_sql("INSERT INTO study_topics (campaign_id, code, title, required) VALUES (%lld, 'T2', 'Nghị quyết 2', true) RETURNING id", campaign);
    long long t3 = sc_sql("INSERT INTO study_topics (campaign_id, code, title, required) VALUES (%lld, 'T3', 'Chuyên đề tự chọn', false) RETURNING id", campaign);
    const char *ins = "INSERT INTO study_sessions (campaign_id, topic_id, held_on) VALUES (%lld, %lld, '%s') RETURNING id";
    long long s1 = sc_sql(ins, campaign, t1, "2025-03-10");
    long long s1b = sc_sql(ins, campaign, t1, "2025-03-31");
    long long s1c = sc_sql(ins, campaign, t1, "2025-05-20");
    long long s1d = sc_sql(ins, campaign, t1, "2026-01-10");
    long long s2 = sc_sql(ins, campaign, t2, "2025-08-10");
    long long s3 = sc_sql(ins, campaign, t3, "2025-04-15");
    long long a = sc_staff(unit, "A", "2020-01-01", NULL), b = sc_staff(unit, "B", "2020-01-01", NULL);
    long long c = sc_staff(unit, "C", "2020-01-01", NULL), d = sc_staff(unit, "D", "2020-01-01", NULL);
    long long e = sc_staff(unit, "E", "2025-05-01", NULL), f = sc_staff(unit, "F", "2020-01-01", "2025-04-01");
    long long g = sc_staff(unit, "G", "2025-06-30", NULL), h = sc_staff(unit, "H", "2020-01-01", "2025-06-30");
    sc_sql("INSERT INTO attendance (session_id, staff_id) VALUES (%lld, %lld), (%lld, %lld), (%lld, %lld),"
           " (%lld, %lld), (%lld, %lld), (%lld, %lld), (%lld, %lld), (%lld, %lld), (%lld, %lld), (%lld, %lld),"
           " (%lld, %lld)",
           s1, a, s2, a, s3, a, s1b, b, s2, b, s1, c, s3, d, s1c, e, s1, f, s1d, g, s1, h);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_session_yet_is_pending),
        cmocka_unit_test(first_session),
        cmocka_unit_test(make_up_session_after_the_first),
        cmocka_unit_test(leaving_on_before_and_after_as_of),
        cmocka_unit_test(joining_counts_from_the_day),
        cmocka_unit_test(non_required_topic_does_not_count),
        cmocka_unit_test(later_required_topic_counts_from_its_first_session),
        cmocka_unit_test(make_up_after_the_end_does_not_count),
        cmocka_unit_test(exactly_98_percent_is_not_above),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(token);
    return rc;
}
