/* The demo's awards round (awards.md "The demo"; sql/demo/awards/), loaded
 * by deploy/demo.sh as `make run` loads it: the base files (here the ones
 * test_scorecard_demo loads, when the test database has no demo yet), the
 * demo logins with their full names, then the round in one transaction.
 * Then, through the API and SQL: a second load adds nothing; the council
 * logs in; the council of five and its closed session; the nominations in
 * each state the demo promises (five decided with their title rows, one
 * CSTDCS not_recommended, one BK_TINH proposed_upward, one ineligible with
 * its reasons), each one on the agenda eligible on the session's day and
 * each decided one on its decision's day; the registrations; the years
 * 2023 and 2024 that BK_TINH's evidence reads; the calendar's make-up
 * days; a missing login stops the round with its name and writes nothing.
 * The scorecard of the demo is test_scorecard_demo's (it runs after this
 * program and checks the same database against tests/demo/expected.sql). */
#include "sc_fixture.h"

#include <stdbool.h>
#include <sys/wait.h>

static char *office, *council;
static long long campaign;

/* Runs a shell command; its exit status, its output (first 4 KiB) in out. */
static int shell(const char *cmd, char *out, size_t cap)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t len = fread(out, 1, cap - 1, p);
    out[len] = '\0';
    int rc = pclose(p);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int load_round(char *out, size_t cap)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s/deploy/demo.sh' '%s' '%s' test 2>&1", getenv("THIDUA_ROOT"),
             getenv("THIDUA_CONFIG_FILE"), getenv("THIDUA_BIN_PATH"));
    return shell(cmd, out, cap);
}

/* The base files as test_scorecard_demo loads them (not 90_publications:
 * the push tests start pushers that would deliver its publication). */
static void load_base(void)
{
    if (sc_sql("SELECT count(*) FROM units WHERE code = 'SNV' AND kind = 'agency'") > 0)
        return;
    const char *files[] = {"01_units", "02_staff", "03_campaign", "04_study", "05_tasks", "06_decisions",
                           "07_exemplars", "08_awards_facts", "99_check"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char cmd[2048], out[4096];
        snprintf(cmd, sizeof cmd, "psql '%s' -X -v ON_ERROR_STOP=1 -q -1 -f '%s/sql/demo/%s.sql' 2>&1 >/dev/null",
                 getenv("THIDUA_TEST_DB"), getenv("THIDUA_ROOT"), files[i]);
        if (shell(cmd, out, sizeof out) != 0)
            fail_msg("%s.sql: %s", files[i], out);
    }
}

/* The id of the nomination of TD2025 for the staff member code and award. */
static long long nomination(const char *code, const char *award)
{
    return sc_sql("SELECT n.id FROM nominations n JOIN staff s ON s.id = n.staff_id"
                  " WHERE n.campaign_id = %lld AND s.code = '%s' AND n.award = '%s'",
                  campaign, code, award);
}

static json_t *criterion(const t_resp *r, const char *code)
{
    json_t *list = json_object_get(r->json, "criteria");
    for (size_t i = 0; i < json_array_size(list); i++)
        if (strcmp(t_json_str(json_array_get(list, i), "code"), code) == 0)
            return json_array_get(list, i);
    fail_msg("no criterion %s: %s", code, r->body);
    return NULL;
}

static void loads_once(void **state)
{
    (void)state;
    long long before[4] = {
        sc_sql("SELECT count(*) FROM nominations WHERE campaign_id = %lld", campaign),
        sc_sql("SELECT count(*) FROM council_results"), sc_sql("SELECT count(*) FROM users"),
        sc_sql("SELECT count(*) FROM titles WHERE campaign_id = %lld", campaign)};
    char out[4096];
    if (load_round(out, sizeof out) != 0)
        fail_msg("second load: %s", out);
    assert_null(strstr(out, "loading"));
    assert_int_equal(sc_sql("SELECT count(*) FROM nominations WHERE campaign_id = %lld", campaign), before[0]);
    assert_int_equal(sc_sql("SELECT count(*) FROM council_results"), before[1]);
    assert_int_equal(sc_sql("SELECT count(*) FROM users"), before[2]);
    assert_int_equal(sc_sql("SELECT count(*) FROM titles WHERE campaign_id = %lld", campaign), before[3]);
}

static void the_council_and_its_session(void **state)
{
    (void)state;
    const char *p[] = {"council3"};
    char *name = t_sql("SELECT full_name FROM users WHERE username = $1", 1, p);
    assert_string_equal(name, "Nguyễn Văn Nam");
    free(name);
    long long session = sc_sql("SELECT id FROM council_sessions WHERE campaign_id = %lld AND state = 'closed'"
                               " AND held_on = '2025-12-25'", campaign);
    assert_true(session > 0);
    assert_int_equal(sc_sql("SELECT count(*) FROM council_members m JOIN users u ON u.id = m.user_id"
                            " WHERE m.session_id = %lld AND u.role IN ('council', 'director')", session),
                     5);
    assert_int_equal(sc_sql("SELECT count(*) FROM council_members WHERE session_id = %lld AND present", session), 4);
    assert_int_equal(sc_sql("SELECT count(*) FROM council_turnout WHERE session_id = %lld", session), 4);
    assert_int_equal(sc_sql("SELECT count(*) FROM council_agenda WHERE session_id = %lld", session), 7);
    /* An open item by name: three for and one abstention (> 1/2 of 4 present). */
    long long ldtt = nomination("SNV0048", "LDTT");
    assert_int_equal(sc_sql("SELECT count(*) FROM council_open_votes WHERE nomination_id = %lld AND vote = 'for'", ldtt),
                     3);
    assert_int_equal(sc_sql("SELECT (threshold->>'needed')::int FROM council_results WHERE nomination_id = %lld", ldtt),
                     3);
    /* A secret item: no vote by name, 3 for of the 4 needed (2/3 of 5 members). */
    long long failed = nomination("SNV0060", "CSTDCS");
    assert_int_equal(sc_sql("SELECT count(*) FROM council_open_votes WHERE nomination_id = %lld", failed), 0);
    assert_int_equal(sc_sql("SELECT votes_for * 10 + (threshold->>'needed')::int FROM council_results"
                            " WHERE nomination_id = %lld AND NOT passed AND vote_kind = 'secret'", failed),
                     34);
    /* Once the council routes exist (they are another part of issue 11),
     * the council sees the session through them. */
    t_resp *r = t_get("/api/v1/openapi.json", NULL);
    bool routes = json_object_get(json_object_get(r->json, "paths"), "/api/v1/campaigns/{id}/council-sessions") != NULL;
    t_free(r);
    if (routes) {
        r = t_getf(council, "/api/v1/campaigns/%lld/council-sessions", campaign);
        t_assert_status(r, 200);
        assert_int_equal(t_json_int(r->json, "total"), 1);
        json_t *s = json_array_get(json_object_get(r->json, "items"), 0);
        assert_string_equal(t_json_str(s, "state"), "closed");
        assert_int_equal(json_array_size(json_object_get(s, "members")), 5);
        t_free(r);
    }
}

static void nominations_in_every_state(void **state)
{
    (void)state;
    t_resp *r = t_getf(council, "/api/v1/campaigns/%lld/nominations?limit=100", campaign);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 8);
    t_free(r);
    static const struct {
        const char *code, *award, *state, *agenda_day, *decision_day;
    } noms[] = {
        {"SNV0010", "LDTT", "decided", "2025-12-25", "2025-12-26"},
        {"SNV0048", "LDTT", "decided", "2025-12-25", "2025-12-26"},
        {"SNV0053", "LDTT", "decided", "2025-12-25", "2025-12-26"},
        {"SNV0039", "CSTDCS", "decided", "2025-12-25", "2026-01-16"},
        {"SNV0120", "CSTDCS", "decided", "2025-12-25", "2026-01-16"},
        {"SNV0060", "CSTDCS", "not_recommended", "2025-12-25", NULL},
        {"SNV0006", "BK_TINH", "proposed_upward", "2025-12-25", "2026-01-16"},
    };
    for (size_t i = 0; i < sizeof noms / sizeof noms[0]; i++) {
        long long id = nomination(noms[i].code, noms[i].award);
        r = t_getf(council, "/api/v1/nominations/%lld", id);
        t_assert_status(r, 200);
        if (strcmp(t_json_str(r->json, "state"), noms[i].state) != 0)
            fail_msg("%s %s: state %s, expected %s", noms[i].code, noms[i].award, t_json_str(r->json, "state"),
                     noms[i].state);
        t_free(r);
        /* Eligible on the session's day (the agenda's rule) and on its decision's. */
        for (int k = 0; k < 2; k++) {
            const char *day = k ? noms[i].decision_day : noms[i].agenda_day;
            if (!day)
                continue;
            r = t_getf(council, "/api/v1/nominations/%lld/eligibility?as_of=%s", id, day);
            t_assert_status(r, 200);
            if (!json_is_true(json_object_get(r->json, "eligible")))
                fail_msg("%s %s not eligible on %s: %s", noms[i].code, noms[i].award, day, r->body);
            t_free(r);
        }
        if (strcmp(noms[i].state, "decided") == 0)
            assert_int_equal(sc_sql("SELECT count(*) FROM titles t JOIN award_decisions d ON d.decision_no = t.decision_no"
                                    " AND d.decided_on = t.decided_on AND d.campaign_id = t.campaign_id"
                                    " WHERE t.nomination_id = %lld AND d.decided_on = '%s'",
                                    id, noms[i].decision_day),
                             1);
    }
    /* BK_TINH by its second alternative on the session's day: HTXSNV in
     * 2024 and 2025, two initiatives since 2024. */
    r = t_getf(council, "/api/v1/nominations/%lld/eligibility?as_of=2025-12-25", nomination("SNV0006", "BK_TINH"));
    json_t *alt = json_object_get(criterion(r, "any_of"), "any_of");
    assert_false(json_is_true(json_object_get(json_array_get(alt, 0), "met"))); /* CSTĐCS 2025 not yet decided */
    assert_true(json_is_true(json_object_get(json_array_get(alt, 1), "met")));
    t_free(r);
    r = t_getf(council, "/api/v1/nominations/%lld/eligibility?as_of=2026-01-16", nomination("SNV0006", "BK_TINH"));
    alt = json_object_get(criterion(r, "any_of"), "any_of");
    assert_true(json_is_true(json_object_get(json_array_get(alt, 0), "met"))); /* CSTĐCS 2024 and 2025 */
    t_free(r);
    /* The ineligible one: its reasons shown, left proposed. */
    long long id = nomination("SNV0197", "LDTT");
    r = t_getf(council, "/api/v1/nominations/%lld", id);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "state"), "proposed");
    t_free(r);
    r = t_getf(council, "/api/v1/nominations/%lld/eligibility?as_of=2026-01-16", id);
    assert_false(json_is_true(json_object_get(r->json, "eligible")));
    assert_false(json_is_true(json_object_get(criterion(r, "rating_at_least"), "met")));
    assert_false(json_is_true(json_object_get(criterion(r, "tenure_months"), "met")));
    assert_true(json_is_true(json_object_get(criterion(r, "no_hold"), "met")));
    t_free(r);
}

static void registrations_years_and_calendar(void **state)
{
    (void)state;
    t_resp *r = t_getf(office, "/api/v1/campaigns/%lld/registrations?limit=100", campaign);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 9);
    t_free(r);
    r = t_getf(office, "/api/v1/campaigns/%lld", campaign);
    assert_string_equal(t_json_str(r->json, "registration_closes_on"), "2025-03-02");
    t_free(r);
    assert_int_equal(sc_sql("SELECT count(*) FROM campaigns c JOIN units a ON a.id = c.agency_id"
                            " WHERE a.code = 'SNV' AND a.kind = 'agency' AND c.code IN ('TD2023', 'TD2024')"),
                     2);
    assert_int_equal(sc_sql("SELECT count(*) FROM holidays WHERE (date, kind) IN (('2026-01-02', 'holiday'),"
                            " ('2026-01-10', 'working_day'), ('2025-04-26', 'working_day'))"),
                     3);
}

static void a_missing_login_writes_nothing(void **state)
{
    (void)state;
    long long audit = sc_sql("SELECT count(*) FROM nominations");
    free(t_sql("UPDATE users SET active = false WHERE username = 'council4'", 0, NULL));
    char cmd[2048], out[4096];
    snprintf(cmd, sizeof cmd,
             "cd '%s/sql/demo/awards' && psql \"$(sed -n 's/^database_url *= *//p' '%s')\" -X -v ON_ERROR_STOP=1 -q -1"
             " $(for f in *.sql; do printf ' -f %%s' \"$f\"; done) 2>&1 >/dev/null",
             getenv("THIDUA_ROOT"), getenv("THIDUA_CONFIG_FILE"));
    int rc = shell(cmd, out, sizeof out);
    free(t_sql("UPDATE users SET active = true WHERE username = 'council4'", 0, NULL));
    assert_int_not_equal(rc, 0);
    if (!strstr(out, "council4"))
        fail_msg("the refusal does not name council4: %s", out);
    assert_int_equal(sc_sql("SELECT count(*) FROM nominations"), audit);
}

int main(void)
{
    t_init();
    load_base();
    char out[4096];
    if (load_round(out, sizeof out) != 0)
        fail_msg("deploy/demo.sh: %s", out);
    campaign = sc_sql("SELECT c.id FROM campaigns c JOIN units a ON a.id = c.agency_id"
                      " WHERE a.code = 'SNV' AND a.kind = 'agency' AND c.code = 'TD2025'");
    office = t_login("office", "thidua-demo");
    council = t_login("council", "thidua-demo");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_once),
        cmocka_unit_test(the_council_and_its_session),
        cmocka_unit_test(nominations_in_every_state),
        cmocka_unit_test(registrations_years_and_calendar),
        cmocka_unit_test(a_missing_login_writes_nothing),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(office);
    free(council);
    return rc;
}
