/* Tasks of a campaign: creating, listing, marking completed; due within
 * the campaign; the unit of the campaign's agency; a unit_head's scope. */
#include "client.h"
#include "facts_fixture.h"

static char *admin, *office, *viewer, *head, *director;
static long long agency, campaign, d1, d2, foreign_unit;
static char agency_code[64];

static t_resp *post_task(const char *token, long long camp, const char *body)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/tasks", camp);
    return t_post(path, token, body);
}

static t_resp *patch_task(const char *token, long long id, const char *body)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/tasks/%lld", id);
    return t_patch(path, token, body);
}

static long long new_task(const char *token, long long unit, const char *due)
{
    char body[256];
    if (unit)
        snprintf(body, sizeof body, "{\"title\":\"Nhiệm vụ\",\"unit_id\":%lld,\"due_on\":\"%s\"}", unit, due);
    else
        snprintf(body, sizeof body, "{\"title\":\"Nhiệm vụ chung\",\"unit_id\":null,\"due_on\":\"%s\"}", due);
    t_resp *r = post_task(token, campaign, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

static void create_list_complete(void **state)
{
    (void)state;
    char body[256], loc[128];
    snprintf(body, sizeof body,
             "{\"title\":\"Rà soát thủ tục hành chính\",\"unit_id\":%lld,\"due_on\":\"2025-01-01\",\"completed_on\":null}", d1);
    t_resp *r = post_task(office, campaign, body);
    t_assert_status(r, 201);
    long long first = t_json_int(r->json, "id");
    assert_string_equal(t_json_str(r->json, "title"), "Rà soát thủ tục hành chính");
    assert_int_equal(t_json_int(r->json, "unit_id"), d1);
    assert_string_equal(t_json_str(r->json, "due_on"), "2025-01-01");
    assert_true(json_is_null(json_object_get(r->json, "completed_on")));
    snprintf(loc, sizeof loc, "/api/v1/tasks/%lld", first);
    assert_string_equal(t_header(r, "Location"), loc);
    t_free(r);
    /* A task of the whole agency, due on the last day, already done. */
    r = post_task(admin, campaign, "{\"title\":\"Báo cáo năm\",\"due_on\":\"2025-12-31\",\"completed_on\":\"2025-12-20\"}");
    t_assert_status(r, 201);
    long long second = t_json_int(r->json, "id");
    assert_true(json_is_null(json_object_get(r->json, "unit_id")));
    assert_string_equal(t_json_str(r->json, "completed_on"), "2025-12-20");
    t_free(r);
    long long third = new_task(office, d2, "2025-06-30");

    r = t_getf(viewer, "/api/v1/campaigns/%lld/tasks", campaign);
    t_assert_status(r, 200);
    assert_true(t_json_int(r->json, "total") >= 3);
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/tasks?unit_id=%lld", campaign, d2);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), fx_count("SELECT count(*) FROM tasks WHERE unit_id = $1", d2));
    size_t n = json_array_size(json_object_get(r->json, "items"));
    bool seen = false;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(fx_item_int(r, i, "unit_id"), d2);
        seen |= fx_item_int(r, i, "id") == third;
    }
    assert_true(seen);
    t_free(r);

    r = patch_task(office, first, "{\"completed_on\":\"2025-01-05\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "completed_on"), "2025-01-05");
    assert_string_equal(t_json_str(r->json, "title"), "Rà soát thủ tục hành chính");
    assert_int_equal(t_json_int(r->json, "unit_id"), d1);
    t_free(r);
    r = t_get(loc, viewer);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "completed_on"), "2025-01-05");
    t_free(r);
    /* Un-completing and moving to the whole agency. */
    r = patch_task(office, first, "{\"completed_on\":null,\"unit_id\":null}");
    t_assert_status(r, 200);
    assert_true(json_is_null(json_object_get(r->json, "completed_on")));
    assert_true(json_is_null(json_object_get(r->json, "unit_id")));
    t_free(r);
    r = patch_task(admin, second, "{\"title\":\"Báo cáo tổng kết năm\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "completed_on"), "2025-12-20");
    t_free(r);
}

static void validation(void **state)
{
    (void)state;
    char body[256];
    /* due_on outside starts_on..ends_on (after ends_on is outside even
     * while the campaign is still open for decisions). */
    const char *outside[] = {"2024-12-31", "2026-01-01", "2026-06-30"};
    for (int i = 0; i < 3; i++) {
        snprintf(body, sizeof body, "{\"title\":\"X\",\"due_on\":\"%s\"}", outside[i]);
        t_resp *r = post_task(office, campaign, body);
        t_assert_problem(r, 422, "due_on");
        t_free(r);
    }
    snprintf(body, sizeof body, "{\"title\":\"X\",\"unit_id\":%lld,\"due_on\":\"2025-05-05\"}", foreign_unit);
    t_resp *r = post_task(office, campaign, body);
    t_assert_problem(r, 422, "unit_id");
    t_free(r);
    r = post_task(office, campaign, "{\"title\":\"X\",\"unit_id\":999999999,\"due_on\":\"2025-05-05\"}");
    t_assert_problem(r, 422, "unit_id");
    t_free(r);
    /* Every error at once. */
    snprintf(body, sizeof body, "{\"title\":\"X\",\"unit_id\":%lld,\"due_on\":\"2027-01-01\"}", foreign_unit);
    r = post_task(office, campaign, body);
    t_assert_problem(r, 422, "unit_id");
    fx_assert_error(r, "due_on", 0, NULL);
    t_free(r);
    r = post_task(office, campaign, "{\"due_on\":\"2025-05-05\"}");
    t_assert_problem(r, 422, "title");
    t_free(r);
    r = post_task(office, campaign, "{\"title\":\"X\",\"due_on\":\"2025-05-05\",\"completed_on\":\"hôm qua\"}");
    t_assert_problem(r, 422, "completed_on");
    t_free(r);
    r = post_task(office, campaign, "{\"title\":\"X\",\"due_on\":\"2025-05-05\",\"unit_id\":\"1\"}");
    t_assert_problem(r, 422, "unit_id");
    t_free(r);
    r = post_task(office, 999999999, "{\"title\":\"X\",\"due_on\":\"2025-05-05\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/campaigns/999999999/tasks", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/tasks?unit_id=-1", campaign);
    t_assert_problem(r, 400, "unit_id");
    t_free(r);
    assert_int_equal(fx_count("SELECT count(*) FROM tasks WHERE campaign_id = $1 AND title = 'X'", campaign), 0);

    long long id = new_task(office, d1, "2025-04-01");
    r = patch_task(office, id, "{\"due_on\":\"2026-02-01\"}");
    t_assert_problem(r, 422, "due_on");
    t_free(r);
    snprintf(body, sizeof body, "{\"unit_id\":%lld}", foreign_unit);
    r = patch_task(office, id, body);
    t_assert_problem(r, 422, "unit_id");
    t_free(r);
    r = patch_task(office, id, "{\"title\":\"\"}");
    t_assert_problem(r, 422, "title");
    t_free(r);
    r = patch_task(office, id, "{\"campaign_id\":1}");
    t_assert_problem(r, 422, "campaign_id");
    t_free(r);
    r = patch_task(office, 999999999, "{\"completed_on\":\"2025-04-01\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/tasks/999999999", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    /* Nothing of the refused changes stuck. */
    r = t_getf(viewer, "/api/v1/tasks/%lld", id);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "due_on"), "2025-04-01");
    assert_int_equal(t_json_int(r->json, "unit_id"), d1);
    t_free(r);
}

static void roles_and_unit_scope(void **state)
{
    (void)state;
    char body[256];
    snprintf(body, sizeof body, "{\"title\":\"Vai trò\",\"unit_id\":%lld,\"due_on\":\"2025-05-05\"}", d1);
    char *no[] = {viewer, director};
    for (size_t i = 0; i < 2; i++) {
        t_resp *r = post_task(no[i], campaign, body);
        t_assert_problem(r, 403, NULL);
        t_free(r);
    }
    long long own = new_task(head, d1, "2025-05-05");
    long long other = new_task(office, d2, "2025-05-05");
    long long common = new_task(office, 0, "2025-05-05");
    /* The head of D1: not D2's tasks, not the agency's, not moving its own
     * task to D2. */
    snprintf(body, sizeof body, "{\"title\":\"X\",\"unit_id\":%lld,\"due_on\":\"2025-05-05\"}", d2);
    t_resp *r = post_task(head, campaign, body);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = post_task(head, campaign, "{\"title\":\"X\",\"due_on\":\"2025-05-05\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = patch_task(head, other, "{\"completed_on\":\"2025-05-01\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = patch_task(head, common, "{\"completed_on\":\"2025-05-01\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    snprintf(body, sizeof body, "{\"unit_id\":%lld}", d2);
    r = patch_task(head, own, body);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = patch_task(viewer, own, "{\"completed_on\":\"2025-05-01\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    assert_int_equal(fx_count("SELECT count(*) FROM tasks WHERE id = $1 AND completed_on IS NULL", other), 1);
    assert_int_equal(fx_count("SELECT count(*) FROM tasks WHERE id = $1 AND unit_id IS NULL", common), 1);
    r = patch_task(head, own, "{\"completed_on\":\"2025-05-01\"}");
    t_assert_status(r, 200);
    t_free(r);
    r = t_getf(head, "/api/v1/campaigns/%lld/tasks", campaign);
    t_assert_status(r, 200);
    t_free(r);
    /* The audit log says who changed what. */
    assert_int_equal(fx_count("SELECT count(*) FROM audit_log a JOIN users u ON u.id = a.user_id"
                              " WHERE a.entity = 'tasks' AND a.entity_id = $1 AND a.action = 'update'"
                              " AND u.username = 'tasks_head' AND a.after->>'completed_on' = '2025-05-01'",
                              own),
                     1);
}

int main(void)
{
    t_init();
    admin = t_user("tasks_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "TSK", agency_code, sizeof agency_code);
    d1 = fx_unit(admin, agency, "D1", "division", NULL);
    d2 = fx_unit(admin, agency, "D2", "division", NULL);
    char other_code[64];
    long long other = t_make_agency(admin, "TSX", other_code, sizeof other_code);
    foreign_unit = fx_unit(admin, other, "D1", "division", NULL);
    office = t_user("tasks_office", "office", NULL, agency_code);
    viewer = t_user("tasks_viewer", "viewer", NULL, agency_code);
    director = t_user("tasks_director", "director", NULL, agency_code);
    head = t_user("tasks_head", "unit_head", "D1", agency_code);
    campaign = fx_campaign(agency, "TD2025", "2025-01-01", "2025-12-31", "2026-06-30");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_list_complete),
        cmocka_unit_test(validation),
        cmocka_unit_test(roles_and_unit_scope),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    free(viewer);
    free(director);
    free(head);
    return rc;
}
