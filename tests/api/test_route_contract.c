/* test_route_contract.c — the route as the whole contract, through nginx:
 * query parameters checked before any handler (a year is a year; unknown
 * parameters refused; a required one named), roles and unit scope refused
 * by the route table (the publication retry, an agency root, a unit_head
 * outside its unit) and the OpenAPI document served with every list's
 * parameters. */
#include "client.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *admin, *office, *viewer, *council, *head;
static long long agency, unit1, unit2;
static char agency_code[64];

static long long make_unit(const char *code, long long parent)
{
    char body[256];
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"name\":\"Phòng %s\",\"kind\":\"division\",\"parent_id\":%lld}", code,
             code, parent);
    t_resp *r = t_post("/api/v1/units", admin, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

static int setup(void **state)
{
    (void)state;
    t_init();
    admin = t_user("trc_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "TRC", agency_code, sizeof agency_code);
    unit1 = make_unit("R1", agency);
    unit2 = make_unit("R2", agency);
    office = t_user("trc_office", "office", NULL, agency_code);
    viewer = t_user("trc_viewer", "viewer", NULL, agency_code);
    council = t_user("trc_council", "council", NULL, agency_code);
    head = t_user("trc_head", "unit_head", "R1", agency_code);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(admin);
    free(office);
    free(viewer);
    free(council);
    free(head);
    return 0;
}

/* Before the contract, ?year= was parsed as an id: 1999 and 0999 passed,
 * and the message spoke of an id. */
static void a_year_is_checked_as_a_year(void **state)
{
    (void)state;
    static const char *const bad[] = {"abc", "1999", "2101", "0", "2025.0", "%32%30%32%35x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t_resp *r = t_getf(viewer, "/api/v1/campaigns?year=%s", bad[i]);
        t_assert_problem(r, 400, "year");
        t_free(r);
        r = t_getf(viewer, "/api/v1/indexes?year=%s", bad[i]);
        t_assert_problem(r, 400, "year");
        t_free(r);
    }
    t_resp *r = t_getf(viewer, "/api/v1/campaigns?year=2025&agency_id=%lld", agency);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 0);
    t_free(r);
}

static void unknown_and_repeated_parameters_are_refused(void **state)
{
    (void)state;
    t_resp *r = t_get("/api/v1/staff?unit=5", viewer);
    t_assert_problem(r, 400, "unit");
    t_free(r);
    /* A name that is not UTF-8 is refused and shown, not lost (found by
     * the query fuzzer: the error could not be made into JSON). */
    r = t_get("/api/v1/staff?%FF=1", viewer);
    t_assert_problem(r, 400, "\xef\xbf\xbd");
    t_free(r);
    r = t_get("/api/v1/staff?limit=5&limit=6", viewer);
    t_assert_problem(r, 400, "limit");
    t_free(r);
    r = t_get("/api/v1/units?limit=1001", viewer);
    t_assert_problem(r, 400, "limit");
    t_free(r);
    r = t_getf(viewer, "/api/v1/units?limit=1&agency_id=%lld", agency);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "limit"), 1);
    assert_int_equal(t_json_int(r->json, "total"), 3);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    t_free(r);
}

static void a_required_parameter_is_named(void **state)
{
    (void)state;
    const char csv[] = "code,full_name,unit_code,category,joined_on,left_on\nX1,Lê Văn Tám,R1,cong_chuc,2020-01-01,\n";
    t_resp *r = t_request("POST", "/api/v1/staff/import", office, "text/csv", csv, sizeof csv - 1);
    t_assert_problem(r, 422, "agency_id");
    t_free(r);
    r = t_request("POST", "/api/v1/staff/import?agency_id=abc", office, "text/csv", csv, sizeof csv - 1);
    t_assert_problem(r, 400, "agency_id");
    t_free(r);
}

/* A bad parameter on a route that checks the session in its own query is
 * still a 401 without a session. */
static void the_session_comes_before_the_parameters(void **state)
{
    (void)state;
    t_resp *r = t_get("/api/v1/campaigns/1/scorecard?as_of=2025-02-30", NULL);
    t_assert_problem(r, 401, NULL);
    t_free(r);
    r = t_get("/api/v1/campaigns/1/scorecard?as_of=2025-02-30", viewer);
    t_assert_problem(r, 400, "as_of");
    t_free(r);
    r = t_get("/api/v1/staff?year=2025", NULL);
    t_assert_problem(r, 401, NULL);
    t_free(r);
}

/* The retry route was declared readable by every role and checked the role
 * by hand; now the route says who. */
static void roles_are_the_routes(void **state)
{
    (void)state;
    const char *const refused[] = {viewer, council, head};
    for (size_t i = 0; i < 3; i++) {
        t_resp *r = t_request("POST", "/api/v1/publications/999999999/retry", refused[i], NULL, NULL, 0);
        t_assert_problem(r, 403, NULL);
        t_free(r);
    }
    t_resp *r = t_request("POST", "/api/v1/publications/999999999/retry", office, NULL, NULL, 0);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

/* An agency root is above every agency: only the admin creates, changes
 * or deletes one. */
static void an_agency_root_is_the_admins(void **state)
{
    (void)state;
    t_resp *r = t_post("/api/v1/units", office, "{\"code\":\"TRCX\",\"name\":\"Sở X\",\"kind\":\"agency\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/units/%lld", agency);
    r = t_patch(path, office, "{\"name\":\"Sở đổi tên\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_delete(path, office);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    /* Moving a division to the top makes it a root. */
    snprintf(path, sizeof path, "/api/v1/units/%lld", unit2);
    r = t_patch(path, office, "{\"kind\":\"agency\",\"parent_id\":null}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_getf(viewer, "/api/v1/units/%lld", agency);
    assert_non_null(strstr(t_json_str(r->json, "name"), "Sở thử nghiệm"));
    t_free(r);
    r = t_patch(path, office, "{\"name\":\"Phòng R2 mới\"}");
    t_assert_status(r, 200);
    t_free(r);
}

/* A unit_head's scope, from the route: its own unit's rows only, before
 * anything is read from the body. */
static void a_unit_head_writes_its_own_unit(void **state)
{
    (void)state;
    char body[512], path[64];
    snprintf(body, sizeof body, "{\"title\":\"Nhiệm vụ\",\"unit_id\":%lld,\"due_on\":\"2025-06-30\"}", unit2);
    long long campaign;
    {
        char cbody[512];
        snprintf(cbody, sizeof cbody,
                 "{\"agency_id\":%lld,\"year\":2025,\"code\":\"TRC\",\"name\":\"Phong trào\",\"starts_on\":\"2025-01-01\","
                 "\"ends_on\":\"2025-12-31\"}",
                 agency);
        t_resp *r = t_post("/api/v1/campaigns", office, cbody);
        t_assert_status(r, 201);
        campaign = t_json_int(r->json, "id");
        t_free(r);
    }
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/tasks", campaign);
    t_resp *r = t_post(path, head, body);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    /* A task of the agency as a whole is not a unit_head's. */
    r = t_post(path, head, "{\"title\":\"Chung\",\"due_on\":\"2025-06-30\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    snprintf(body, sizeof body, "{\"title\":\"Nhiệm vụ\",\"unit_id\":%lld,\"due_on\":\"2025-06-30\"}", unit1);
    r = t_post(path, head, body);
    t_assert_status(r, 201);
    long long task = t_json_int(r->json, "id");
    t_free(r);
    snprintf(path, sizeof path, "/api/v1/tasks/%lld", task);
    snprintf(body, sizeof body, "{\"unit_id\":%lld}", unit2);
    r = t_patch(path, head, body);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_patch(path, head, "{\"completed_on\":\"2025-06-01\"}");
    t_assert_status(r, 200);
    t_free(r);
    /* An unknown object is a 404 before any scope. */
    r = t_patch("/api/v1/tasks/999999999", head, "{\"completed_on\":\"2025-06-01\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

static void openapi_lists_the_query_of_every_list(void **state)
{
    (void)state;
    t_resp *r = t_get("/api/v1/openapi.json", NULL);
    t_assert_status(r, 200);
    json_t *params = json_object_get(
        json_object_get(json_object_get(json_object_get(r->json, "paths"), "/api/v1/staff"), "get"), "parameters");
    static const char *const want[] = {"limit", "offset", "agency_id", "unit_id", "q", "active_on", "sort"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        bool found = false;
        size_t k;
        json_t *p;
        json_array_foreach(params, k, p) {
            found |= strcmp(t_json_str(p, "name"), want[i]) == 0 && strcmp(t_json_str(p, "in"), "query") == 0;
        }
        if (!found)
            fail_msg("GET /staff does not list ?%s=", want[i]);
    }
    json_t *responses =
        json_object_get(json_object_get(json_object_get(json_object_get(r->json, "paths"), "/api/v1/staff/{id}"), "patch"),
                        "responses");
    static const char *const codes[] = {"200", "400", "401", "403", "404", "409", "413", "415", "422", "503"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (!json_object_get(responses, codes[i]))
            fail_msg("PATCH /staff/{id} does not name %s", codes[i]);
    t_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_year_is_checked_as_a_year),
        cmocka_unit_test(unknown_and_repeated_parameters_are_refused),
        cmocka_unit_test(a_required_parameter_is_named),
        cmocka_unit_test(the_session_comes_before_the_parameters),
        cmocka_unit_test(roles_are_the_routes),
        cmocka_unit_test(an_agency_root_is_the_admins),
        cmocka_unit_test(a_unit_head_writes_its_own_unit),
        cmocka_unit_test(openapi_lists_the_query_of_every_list),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
