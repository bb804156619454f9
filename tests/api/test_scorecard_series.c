/* A target over time: the points are the last day of each week (Monday to
 * Sunday) or month meeting [from, to], or `to` when it comes first; each
 * point is the scorecard's answer for that target as of that day.
 * Tasks: due 01-31 done on time, due 02-28 late, due 03-31 on time, due
 * 04-30 open. PAR rank 2024: 12 (published 2025-04-10); 2025: 10
 * (published 2026-04-15). */
#include "sc_fixture.h"

static char *token;
static long long campaign;

static t_resp *series(const char *code, const char *query)
{
    return t_getf(token, "/api/v1/campaigns/%lld/targets/%s/series%s", campaign, code, query);
}

static json_t *points(const t_resp *r)
{
    return json_object_get(r->json, "points");
}

static void expect_dates(const t_resp *r, const char *const *dates, size_t n)
{
    json_t *p = points(r);
    if (json_array_size(p) != n)
        fail_msg("expected %zu points: %s", n, r->body);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(t_json_str(json_array_get(p, i), "as_of"), dates[i]);
}

static void monthly_points_are_month_ends_then_to(void **state)
{
    (void)state;
    t_resp *r = series("tasks", "?from=2025-01-15&to=2025-04-10&step=month");
    t_assert_status(r, 200);
    const char *dates[] = {"2025-01-31", "2025-02-28", "2025-03-31", "2025-04-10"};
    expect_dates(r, dates, 4);
    assert_string_equal(t_json_str(r->json, "code"), "tasks");
    assert_string_equal(t_json_str(r->json, "metric"), "task_completion");
    assert_string_equal(t_json_str(r->json, "step"), "month");
    assert_string_equal(t_json_str(r->json, "from"), "2025-01-15");
    assert_string_equal(t_json_str(r->json, "to"), "2025-04-10");
    /* Each point is the scorecard of its day. */
    const char *status[] = {"met", "at_risk", "at_risk", "at_risk"};
    const char *value[] = {"100.0", "50.0", "66.67", "66.67"};
    long long num[] = {1, 1, 2, 2}, den[] = {1, 2, 3, 3};
    for (size_t i = 0; i < 4; i++) {
        json_t *p = json_array_get(points(r), i);
        assert_string_equal(t_json_str(p, "status"), status[i]);
        sc_assert_json(json_object_get(p, "value"), value[i], dates[i]);
        assert_int_equal(t_json_int(p, "numerator"), num[i]);
        assert_int_equal(t_json_int(p, "denominator"), den[i]);
        sc_assert_json(json_object_get(p, "threshold"), "100", "threshold");
        assert_true(json_is_false(json_object_get(p, "final")));
        sc_expect(token, campaign, dates[i], "tasks", status[i], value[i], num[i], den[i]);
    }
    t_free(r);
}

static void weekly_points_are_sundays_then_to(void **state)
{
    (void)state;
    /* 2025-01-01 is a Wednesday. */
    t_resp *r = series("tasks", "?from=2025-01-01&to=2025-01-20&step=week");
    t_assert_status(r, 200);
    const char *dates[] = {"2025-01-05", "2025-01-12", "2025-01-19", "2025-01-20"};
    expect_dates(r, dates, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(t_json_str(json_array_get(points(r), i), "status"), "pending");
    t_free(r);
    r = series("tasks", "?from=2025-01-05&to=2025-01-05&step=week");
    const char *one[] = {"2025-01-05"};
    expect_dates(r, one, 1);
    t_free(r);
}

static void defaults_from_start_to_today_or_close(void **state)
{
    (void)state;
    t_resp *r = series("tasks", "");
    t_assert_status(r, 200);
    char *to = t_sql("SELECT least((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, date '2026-06-30')::text", 0, NULL);
    char *months = t_sql("SELECT ((extract(year FROM least((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,"
                         " date '2026-06-30')) - 2025) * 12 + extract(month FROM least((now() AT TIME ZONE"
                         " 'Asia/Ho_Chi_Minh')::date, date '2026-06-30')))::int::text", 0, NULL);
    assert_string_equal(t_json_str(r->json, "step"), "month");
    assert_string_equal(t_json_str(r->json, "from"), "2025-01-01");
    assert_string_equal(t_json_str(r->json, "to"), to);
    assert_int_equal(json_array_size(points(r)), strtol(months, NULL, 10));
    json_t *last = json_array_get(points(r), json_array_size(points(r)) - 1);
    assert_string_equal(t_json_str(last, "as_of"), to);
    free(to);
    free(months);
    t_free(r);
}

static void index_threshold_follows_each_point(void **state)
{
    (void)state;
    t_resp *r = series("par", "?from=2025-03-01&to=2025-04-30");
    t_assert_status(r, 200);
    sc_assert_json(json_object_get(json_array_get(points(r), 0), "threshold"), "null", "03-31");
    sc_assert_json(json_object_get(json_array_get(points(r), 1), "threshold"), "12", "04-30");
    t_free(r);
    r = series("par", "?from=2026-03-01&to=2026-07-15");
    const char *dates[] = {"2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-15"};
    expect_dates(r, dates, 5);
    json_t *p = points(r);
    assert_string_equal(t_json_str(json_array_get(p, 0), "status"), "pending");
    assert_string_equal(t_json_str(json_array_get(p, 1), "status"), "met");
    sc_assert_json(json_object_get(json_array_get(p, 1), "value"), "10", "04-30");
    assert_true(json_is_false(json_object_get(json_array_get(p, 2), "final")));
    assert_true(json_is_true(json_object_get(json_array_get(p, 3), "final")));
    assert_true(json_is_true(json_object_get(json_array_get(p, 4), "final")));
    t_free(r);
}

static void bad_requests(void **state)
{
    (void)state;
    t_resp *r = series("nope", "");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/campaigns/999999999999/targets/tasks/series", token);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = series("tasks", "?step=day");
    t_assert_problem(r, 400, "step");
    t_free(r);
    r = series("tasks", "?from=2025-13-01");
    t_assert_problem(r, 400, "from");
    t_free(r);
    r = series("tasks", "?to=2025-02-29");
    t_assert_problem(r, 400, "to");
    t_free(r);
    r = series("tasks", "?from=2025-05-01&to=2025-04-30");
    t_assert_problem(r, 400, "from");
    t_free(r);
}

static void at_most_400_points(void **state)
{
    (void)state;
    /* 2018-01-01 is a Monday: weeks ending 2018-01-07 .. 2025-08-31 are 400. */
    t_resp *r = series("tasks", "?from=2018-01-01&to=2025-08-31&step=week");
    t_assert_status(r, 200);
    assert_int_equal(json_array_size(points(r)), 400);
    t_free(r);
    r = series("tasks", "?from=2018-01-01&to=2025-09-01&step=week");
    t_assert_problem(r, 400, "step");
    t_free(r);
}

int main(void)
{
    t_init();
    char agency_code[64];
    char *admin = t_user("scseries_admin", "admin", NULL, NULL);
    long long agency = t_make_agency(admin, "SCSERIES", agency_code, sizeof agency_code);
    token = t_user("scseries_viewer", "viewer", NULL, agency_code);
    campaign = sc_campaign(agency, "SERIES");
    sc_target(campaign, 1, "tasks", "task_completion", "{}", "ge", "100");
    sc_target(campaign, 2, "par", "index_rank", "{\"index\":\"par_index\"}", "le", "NULL");
    sc_sql("INSERT INTO tasks (campaign_id, title, due_on, completed_on) VALUES"
           " (%lld, 'a', '2025-01-31', '2025-01-30'), (%lld, 'b', '2025-02-28', '2025-03-02'),"
           " (%lld, 'c', '2025-03-31', '2025-03-31'), (%lld, 'd', '2025-04-30', NULL)",
           campaign, campaign, campaign, campaign);
    sc_sql("INSERT INTO index_ranks (agency_id, kind, year, rank, published_on) VALUES"
           " (%lld, 'par_index', 2024, 12, '2025-04-10'), (%lld, 'par_index', 2025, 10, '2026-04-15')", agency, agency);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(monthly_points_are_month_ends_then_to),
        cmocka_unit_test(weekly_points_are_sundays_then_to),
        cmocka_unit_test(defaults_from_start_to_today_or_close),
        cmocka_unit_test(index_threshold_follows_each_point),
        cmocka_unit_test(bad_requests),
        cmocka_unit_test(at_most_400_points),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(token);
    return rc;
}
