/* Report schedules (reports.md "Schedules", issue 12): /report-schedules
 * written and read by the agency's admin (validation naming each field,
 * other agency 404, other roles 403), and `thidua report run`: nothing
 * before draft_on; on draft_on one draft linked both ways, however many
 * times and however many runs at once; due_on and "late" on the report
 * (GET and the campaign's list) until it is approved; auto_approve (award
 * statistics only) approves on due_on without a person, with its stored
 * files and deliveries queued to the schedule's destinations only. */
#include "client.h"
#include "facts_fixture.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static char *admin, *agency_admin, *office, *director, *other_admin;
static long long agency, other_agency, camp, camp2, other_camp;
static long long dest_all, dest_year_end, dest_other_stats, dest_b;
static char agency_code[64], other_code[64];

static const char *num(long long v)
{
    static char buf[8][24];
    static int next;
    char *x = buf[next++ % 8];
    snprintf(x, sizeof buf[0], "%lld", v);
    return x;
}

static long long sql_int1(const char *sql, long long a)
{
    const char *p[] = {num(a)};
    return t_sql_int(sql, 1, p);
}

static long long destination(long long ag, const char *kinds)
{
    const char *p[] = {num(ag), kinds};
    return t_sql_int("INSERT INTO report_destinations (agency_id, name, channel, address, kinds)"
                     " VALUES ($1, 'Khối thi đua', 'email', 'khoi@thi-dua.example.gov.vn', $2::text[]) RETURNING id",
                     2, p);
}

/* Starts `thidua report run --today day` (its output in the test stack's
 * var/report-run.log). */
static pid_t run_start(const char *day)
{
    const char *bin = getenv("THIDUA_BIN_PATH"), *cfg = getenv("THIDUA_CONFIG_FILE"), *var = getenv("THIDUA_VAR");
    if (!bin || !cfg)
        fail_msg("THIDUA_BIN_PATH and THIDUA_CONFIG_FILE must be set (tests/run.sh)");
    char log[1024];
    snprintf(log, sizeof log, "%s/report-run.log", var ? var : "var/test");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork");
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execl(bin, bin, "--config", cfg, "report", "run", "--today", day, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int run_wait(pid_t pid)
{
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        fail_msg("waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* One `thidua report run --today day`, which must succeed. */
static void run(const char *day)
{
    assert_int_equal(run_wait(run_start(day)), 0);
}

static long long post_schedule(const char *token, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static long long post_schedule(const char *token, const char *fmt, ...)
{
    char body[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    t_resp *r = t_post("/api/v1/report-schedules", token, body);
    if (r->status != 201)
        fail_msg("POST /report-schedules %s: %ld %s", body, r->status, r->body);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

static void expect_problem(const char *token, const char *body, long status, const char *field)
{
    t_resp *r = t_post("/api/v1/report-schedules", token, body);
    if (r->status != status)
        fail_msg("POST %s: expected %ld on %s, got %ld %s", body, status, field, r->status, r->body);
    t_assert_problem(r, status, field);
    t_free(r);
}

static long long reports_of(long long schedule)
{
    return sql_int1("SELECT count(*) FROM reports WHERE schedule_id = $1", schedule);
}

static long long report_of(long long schedule)
{
    return sql_int1("SELECT coalesce(report_id, 0) FROM report_schedules WHERE id = $1", schedule);
}

static void crud_and_validation(void **state)
{
    (void)state;
    long long id = post_schedule(agency_admin,
                                 "{\"campaign_id\":%lld,\"kind\":\"mid_year\",\"draft_on\":\"2025-07-01\","
                                 "\"due_on\":\"2025-07-15\",\"destinations\":[%lld]}",
                                 camp, dest_all);
    t_resp *r = t_getf(agency_admin, "/api/v1/report-schedules/%lld", id);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "kind"), "mid_year");
    assert_string_equal(t_json_str(r->json, "draft_on"), "2025-07-01");
    assert_string_equal(t_json_str(r->json, "due_on"), "2025-07-15");
    assert_true(json_is_null(json_object_get(r->json, "as_of")));
    assert_true(json_is_null(json_object_get(r->json, "report_id")));
    assert_true(json_is_false(json_object_get(r->json, "auto_approve")));
    assert_int_equal(json_integer_value(json_array_get(json_object_get(r->json, "destinations"), 0)), dest_all);
    t_free(r);
    r = t_getf(agency_admin, "/api/v1/report-schedules?campaign_id=%lld", camp);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 1);
    t_free(r);

    char path[96];
    snprintf(path, sizeof path, "/api/v1/report-schedules/%lld", id);
    r = t_patch(path, agency_admin, "{\"due_on\":\"2025-07-23\",\"as_of\":\"2025-06-29\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "due_on"), "2025-07-23");
    assert_string_equal(t_json_str(r->json, "as_of"), "2025-06-29");
    t_free(r);
    r = t_patch(path, agency_admin, "{\"due_on\":\"2025-06-30\"}");
    t_assert_problem(r, 422, "due_on");
    t_free(r);
    char moved[64];
    snprintf(moved, sizeof moved, "{\"campaign_id\":%lld}", camp2);
    r = t_patch(path, agency_admin, moved);
    t_assert_problem(r, 422, "campaign_id");
    t_free(r);

    char body[512];
    /* due_on a day before draft_on */
    snprintf(body, sizeof body,
             "{\"campaign_id\":%lld,\"kind\":\"year_end\",\"draft_on\":\"2026-01-02\",\"due_on\":\"2026-01-01\"}", camp);
    expect_problem(agency_admin, body, 422, "due_on");
    /* auto_approve of a report with a narrative */
    snprintf(body, sizeof body,
             "{\"campaign_id\":%lld,\"kind\":\"year_end\",\"draft_on\":\"2026-01-02\",\"due_on\":\"2026-01-09\","
             "\"auto_approve\":true}",
             camp);
    expect_problem(agency_admin, body, 422, "auto_approve");
    /* a destination of another agency, one not taking the kind, a repeat */
    snprintf(body, sizeof body,
             "{\"campaign_id\":%lld,\"kind\":\"mid_year\",\"draft_on\":\"2025-07-03\",\"due_on\":\"2025-07-09\","
             "\"destinations\":[%lld]}",
             camp, dest_b);
    expect_problem(agency_admin, body, 422, "destinations[0]");
    snprintf(body, sizeof body,
             "{\"campaign_id\":%lld,\"kind\":\"mid_year\",\"draft_on\":\"2025-07-03\",\"due_on\":\"2025-07-09\","
             "\"destinations\":[%lld,%lld]}",
             camp, dest_all, dest_year_end);
    expect_problem(agency_admin, body, 422, "destinations[1]");
    snprintf(body, sizeof body,
             "{\"campaign_id\":%lld,\"kind\":\"mid_year\",\"draft_on\":\"2025-07-03\",\"due_on\":\"2025-07-09\","
             "\"destinations\":[%lld,%lld]}",
             camp, dest_all, dest_all);
    expect_problem(agency_admin, body, 422, "destinations[1]");
    snprintf(body, sizeof body,
             "{\"campaign_id\":%lld,\"kind\":\"mid_year\",\"draft_on\":\"2025-07-03\",\"due_on\":\"2025-07-09\","
             "\"destinations\":\"%lld\"}",
             camp, dest_all);
    expect_problem(agency_admin, body, 422, "destinations");
    /* as_of before the period's start (the campaign starts 2025-01-01) */
    snprintf(body, sizeof body,
             "{\"campaign_id\":%lld,\"kind\":\"mid_year\",\"as_of\":\"2024-12-31\",\"draft_on\":\"2025-07-03\","
             "\"due_on\":\"2025-07-09\"}",
             camp);
    expect_problem(agency_admin, body, 422, "as_of");
    /* a campaign of another agency is one that does not exist */
    snprintf(body, sizeof body,
             "{\"campaign_id\":%lld,\"kind\":\"mid_year\",\"draft_on\":\"2025-07-03\",\"due_on\":\"2025-07-09\"}",
             other_camp);
    expect_problem(agency_admin, body, 422, "campaign_id");
    /* the same campaign, kind and draft_on twice */
    snprintf(body, sizeof body,
             "{\"campaign_id\":%lld,\"kind\":\"mid_year\",\"draft_on\":\"2025-07-01\",\"due_on\":\"2025-07-09\"}",
             camp);
    expect_problem(agency_admin, body, 409, "draft_on");
    expect_problem(agency_admin, "{\"campaign_id\":1,\"kind\":\"weekly\",\"draft_on\":\"2025-07-01\"}", 422, "kind");
    assert_int_equal(sql_int1("SELECT count(*) FROM report_schedules WHERE campaign_id = $1", camp), 1);

    /* other agency: 404; other roles: 403 */
    const char *paths[] = {"GET", "PATCH", "DELETE"};
    for (int i = 0; i < 3; i++) {
        r = t_request(paths[i], path, other_admin, i == 1 ? "application/json" : NULL, i == 1 ? "{}" : NULL,
                      i == 1 ? 2 : 0);
        assert_int_equal(r->status, 404);
        t_free(r);
    }
    r = t_getf(other_admin, "/api/v1/report-schedules?agency_id=%lld", agency);
    assert_int_equal(r->status, 404);
    t_free(r);
    r = t_getf(other_admin, "/api/v1/report-schedules?campaign_id=%lld", camp);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 0);
    t_free(r);
    const char *const others[] = {office, director};
    for (int i = 0; i < 2; i++) {
        r = t_get(path, others[i]);
        assert_int_equal(r->status, 403);
        t_free(r);
        r = t_get("/api/v1/report-schedules", others[i]);
        assert_int_equal(r->status, 403);
        t_free(r);
        snprintf(body, sizeof body,
                 "{\"campaign_id\":%lld,\"kind\":\"mid_year\",\"draft_on\":\"2025-07-05\",\"due_on\":\"2025-07-09\"}",
                 camp);
        r = t_post("/api/v1/report-schedules", others[i], body);
        assert_int_equal(r->status, 403);
        t_free(r);
        r = t_delete(path, others[i]);
        assert_int_equal(r->status, 403);
        t_free(r);
    }
    /* the installation admin reaches every agency */
    r = t_get(path, admin);
    t_assert_status(r, 200);
    t_free(r);

    r = t_delete(path, agency_admin);
    t_assert_status(r, 204);
    t_free(r);
    r = t_get(path, agency_admin);
    assert_int_equal(r->status, 404);
    t_free(r);
}

static void run_makes_one_draft(void **state)
{
    (void)state;
    long long s = post_schedule(agency_admin,
                                "{\"campaign_id\":%lld,\"kind\":\"mid_year\",\"as_of\":\"2025-06-27\","
                                "\"draft_on\":\"2025-07-01\",\"due_on\":\"2025-07-15\"}",
                                camp);
    long long later = post_schedule(agency_admin,
                                    "{\"campaign_id\":%lld,\"kind\":\"year_end\",\"draft_on\":\"2025-07-01\","
                                    "\"due_on\":\"2099-12-31\"}",
                                    camp);
    run("2025-06-30");
    assert_int_equal(reports_of(s), 0);
    assert_int_equal(report_of(s), 0);
    assert_int_equal(reports_of(later), 0);

    run("2025-07-01");
    assert_int_equal(reports_of(s), 1);
    long long rep = report_of(s);
    assert_true(rep > 0);
    assert_int_equal(sql_int1("SELECT schedule_id FROM reports WHERE id = $1", rep), s);
    assert_int_equal(sql_int1("SELECT count(*) FROM reports WHERE id = $1 AND created_by IS NULL AND state = 'draft'",
                              rep),
                     1);
    run("2025-07-01");
    run("2025-07-20");
    assert_int_equal(reports_of(s), 1);
    assert_int_equal(report_of(s), rep);
    assert_int_equal(reports_of(later), 1);

    /* due_on has passed (today is after 2025-07-15): late */
    t_resp *r = t_getf(office, "/api/v1/reports/%lld", rep);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "as_of"), "2025-06-27");
    assert_string_equal(t_json_str(r->json, "state"), "draft");
    assert_string_equal(t_json_str(r->json, "due_on"), "2025-07-15");
    assert_true(json_is_true(json_object_get(r->json, "late")));
    t_free(r);
    r = t_getf(office, "/api/v1/reports/%lld", report_of(later));
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "due_on"), "2099-12-31");
    assert_true(json_is_false(json_object_get(r->json, "late")));
    t_free(r);
    r = t_getf(director, "/api/v1/campaigns/%lld/reports", camp);
    t_assert_status(r, 200);
    size_t i;
    json_t *item;
    int seen = 0;
    json_array_foreach(json_object_get(r->json, "items"), i, item) {
        if (json_integer_value(json_object_get(item, "id")) == rep) {
            seen++;
            assert_true(json_is_true(json_object_get(item, "late")));
            assert_string_equal(t_json_str(item, "due_on"), "2025-07-15");
        }
    }
    assert_int_equal(seen, 1);
    t_free(r);

    /* a report no schedule made has neither */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/reports", camp);
    r = t_post(path, office, "{\"kind\":\"mid_year\"}");
    t_assert_status(r, 201);
    assert_null(json_object_get(r->json, "late"));
    assert_null(json_object_get(r->json, "due_on"));
    t_free(r);

    /* the draft made, what it was made from no longer changes */
    snprintf(path, sizeof path, "/api/v1/report-schedules/%lld", s);
    r = t_patch(path, agency_admin, "{\"draft_on\":\"2025-07-02\"}");
    t_assert_problem(r, 409, "draft_on");
    t_free(r);
    r = t_patch(path, agency_admin, "{\"due_on\":\"2099-01-31\"}");
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "report_id"), rep);
    t_free(r);
    r = t_getf(office, "/api/v1/reports/%lld", rep);
    assert_true(json_is_false(json_object_get(r->json, "late")));
    t_free(r);
    r = t_delete(path, agency_admin);
    assert_int_equal(r->status, 409);
    t_free(r);

    /* approved by the director: no longer late, even after due_on */
    r = t_patch(path, agency_admin, "{\"due_on\":\"2025-07-16\"}");
    t_assert_status(r, 200);
    t_free(r);
    snprintf(path, sizeof path, "/api/v1/reports/%lld/approve", rep);
    r = t_post(path, director, "{\"number\":\"07/BC-LICH\"}");
    t_assert_status(r, 200);
    assert_true(json_is_false(json_object_get(r->json, "late")));
    assert_string_equal(t_json_str(r->json, "due_on"), "2025-07-16");
    t_free(r);
}

static void concurrent_runs(void **state)
{
    (void)state;
    enum { SCHEDULES = 3, RUNS = 4 };
    const char *kinds[SCHEDULES] = {"mid_year", "year_end", "award_statistics"};
    long long s[SCHEDULES];
    for (int i = 0; i < SCHEDULES; i++)
        s[i] = post_schedule(agency_admin,
                             "{\"campaign_id\":%lld,\"kind\":\"%s\",\"draft_on\":\"2025-%02d-17\","
                             "\"due_on\":\"2099-12-31\"}",
                             camp2, kinds[i], 7 + i);
    pid_t pids[RUNS];
    for (int i = 0; i < RUNS; i++)
        pids[i] = run_start("2025-12-31");
    for (int i = 0; i < RUNS; i++)
        assert_int_equal(run_wait(pids[i]), 0);
    for (int i = 0; i < SCHEDULES; i++) {
        assert_int_equal(reports_of(s[i]), 1);
        assert_int_equal(sql_int1("SELECT id FROM reports WHERE schedule_id = $1", s[i]), report_of(s[i]));
    }
}

static void auto_approve(void **state)
{
    (void)state;
    long long s = post_schedule(agency_admin,
                                "{\"campaign_id\":%lld,\"kind\":\"award_statistics\",\"draft_on\":\"2025-12-01\","
                                "\"due_on\":\"2025-12-09\",\"auto_approve\":true,\"destinations\":[%lld]}",
                                camp, dest_all);
    run("2025-12-01");
    long long rep = report_of(s);
    assert_true(rep > 0);
    assert_int_equal(sql_int1("SELECT count(*) FROM reports WHERE id = $1 AND state = 'draft'", rep), 1);
    run("2025-12-08");
    assert_int_equal(sql_int1("SELECT count(*) FROM reports WHERE id = $1 AND state = 'draft'", rep), 1);
    assert_int_equal(sql_int1("SELECT count(*) FROM report_deliveries WHERE report_id = $1", rep), 0);

    run("2025-12-09");
    t_resp *r = t_getf(office, "/api/v1/reports/%lld", rep);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "state"), "approved");
    char number[96];
    snprintf(number, sizeof number, "TĐ-%lld/BC-%s", rep, agency_code);
    assert_string_equal(t_json_str(r->json, "number"), number);
    assert_true(json_is_null(json_object_get(r->json, "approved_by")));
    assert_int_equal(strlen(t_json_str(r->json, "sha256")), 64);
    assert_true(json_is_false(json_object_get(r->json, "late")));
    t_free(r);
    /* approval renders nothing; the first to ask stores both files */
    assert_int_equal(sql_int1("SELECT count(*) FROM report_files WHERE report_id = $1", rep), 0);
    r = t_getf(office, "/api/v1/reports/%lld?format=xlsx", rep);
    t_assert_status(r, 200);
    t_free(r);
    assert_int_equal(sql_int1("SELECT count(*) FROM report_files WHERE report_id = $1", rep), 2);
    assert_int_equal(sql_int1("SELECT count(*) FROM reports WHERE id = $1 AND approved_by IS NULL", rep), 1);
    /* to the schedule's destination only, not the agency's other one
     * that takes award statistics */
    assert_int_equal(sql_int1("SELECT count(*) FROM report_deliveries WHERE report_id = $1", rep), 1);
    const char *p[] = {num(rep), num(dest_all)};
    assert_int_equal(t_sql_int("SELECT count(*) FROM report_deliveries WHERE report_id = $1 AND destination_id = $2"
                               " AND state = 'queued'",
                               2, p),
                     1);
    run("2025-12-10");
    assert_int_equal(sql_int1("SELECT count(*) FROM report_deliveries WHERE report_id = $1", rep), 1);
    assert_int_equal(reports_of(s), 1);

    /* drafted and approved in one run when it comes after due_on */
    long long s2 = post_schedule(agency_admin,
                                 "{\"campaign_id\":%lld,\"kind\":\"award_statistics\",\"draft_on\":\"2025-12-02\","
                                 "\"due_on\":\"2025-12-03\",\"auto_approve\":true}",
                                 camp2);
    run("2025-12-04");
    long long rep2 = report_of(s2);
    assert_int_equal(sql_int1("SELECT count(*) FROM reports WHERE id = $1 AND state = 'approved'", rep2), 1);
    /* no destinations named: the agency's taking the kind */
    assert_int_equal(sql_int1("SELECT count(*) FROM report_deliveries WHERE report_id = $1", rep2), 2);
}

/* The test stack runs no `thidua report deliver`; the delivery tests
 * start their own, which would deliver what this program left queued. */
static int teardown(void **state)
{
    (void)state;
    const char *p[] = {num(agency)};
    free(t_sql("DELETE FROM report_deliveries WHERE report_id IN (SELECT r.id FROM reports r JOIN campaigns c"
               " ON c.id = r.campaign_id WHERE c.agency_id = $1)",
               1, p));
    return 0;
}

int main(void)
{
    t_init();
    admin = t_user("rs_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "RSA", agency_code, sizeof agency_code);
    other_agency = t_make_agency(admin, "RSB", other_code, sizeof other_code);
    agency_admin = t_user("rs_agency_admin", "admin", NULL, agency_code);
    other_admin = t_user("rs_other_admin", "admin", NULL, other_code);
    office = t_user("rs_office", "office", NULL, agency_code);
    director = t_user("rs_director", "director", NULL, agency_code);
    const char *p[] = {num(agency)};
    free(t_sql("UPDATE units SET parent_body = 'UBND tỉnh Sóc Trăng', place = 'Sóc Trăng' WHERE id = $1::bigint", 1, p));
    camp = fx_campaign(agency, "RS-2025", "2025-01-01", "2025-12-31", "2026-01-31");
    camp2 = fx_campaign(agency, "RS2-2025", "2025-01-01", "2025-12-31", "2026-01-31");
    other_camp = fx_campaign(other_agency, "RS-2025", "2025-01-01", "2025-12-31", "2026-01-31");
    dest_all = destination(agency, "{mid_year,year_end,award_statistics}");
    dest_year_end = destination(agency, "{year_end}");
    dest_other_stats = destination(agency, "{award_statistics}");
    dest_b = destination(other_agency, "{mid_year,year_end,award_statistics}");
    (void)dest_other_stats;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crud_and_validation),
        cmocka_unit_test(run_makes_one_draft),
        cmocka_unit_test(concurrent_runs),
        cmocka_unit_test(auto_approve),
    };
    int rc = cmocka_run_group_tests(tests, NULL, teardown);
    free(admin);
    free(agency_admin);
    free(other_admin);
    free(office);
    free(director);
    return rc;
}
