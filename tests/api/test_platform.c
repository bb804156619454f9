/* The HTTP layer end to end: health, OpenAPI, errors as problem+json,
 * routing, body limits and content types, login and sessions, roles. */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *admin;
static char agency_code[64]; /* the agency of the non-admin users */

static void health_ok(void **state)
{
    (void)state;
    t_resp *r = t_get("/api/v1/health", NULL);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "status"), "ok");
    assert_string_equal(t_json_str(r->json, "database"), "ok");
    assert_non_null(t_json_str(r->json, "version"));
    t_free(r);
}

static void openapi_lists_every_route(void **state)
{
    (void)state;
    t_resp *r = t_get("/api/v1/openapi.json", NULL);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "openapi"), "3.1.0");
    json_t *paths = json_object_get(r->json, "paths");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' routes", getenv("THIDUA_BIN_PATH"));
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char method[16], pattern[512];
    int n = 0;
    while (fscanf(p, "%15s %511s", method, pattern) == 2) {
        for (char *m = method; *m; m++)
            *m = (char)(*m | 0x20);
        json_t *item = json_object_get(paths, pattern);
        if (!item || !json_object_get(item, method))
            fail_msg("route %s %s is not in openapi.json", method, pattern);
        n++;
    }
    pclose(p);
    assert_true(n >= 8);
    t_free(r);
}

static void unknown_path_is_404_problem(void **state)
{
    (void)state;
    t_resp *r = t_get("/api/v1/no-such-thing", admin);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/units/abc", admin);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

static void wrong_method_is_405_with_allow(void **state)
{
    (void)state;
    t_resp *r = t_request("PUT", "/api/v1/units", admin, "application/json", "{}", 2);
    t_assert_problem(r, 405, NULL);
    const char *allow = t_header(r, "Allow");
    assert_non_null(allow);
    assert_non_null(strstr(allow, "GET"));
    assert_non_null(strstr(allow, "POST"));
    t_free(r);
}

static void no_session_is_401(void **state)
{
    (void)state;
    t_resp *r = t_get("/api/v1/units", NULL);
    t_assert_problem(r, 401, NULL);
    t_free(r);
    r = t_get("/api/v1/units", "0000000000000000000000000000000000000000000000000000000000000000");
    t_assert_problem(r, 401, NULL);
    t_free(r);
}

static void login_right_and_wrong(void **state)
{
    (void)state;
    t_resp *r = t_post("/api/v1/sessions", NULL, "{\"username\":\"t_admin\",\"password\":\"wrong-password\"}");
    t_assert_problem(r, 401, NULL);
    t_free(r);
    r = t_post("/api/v1/sessions", NULL, "{\"username\":\"nobody_here\",\"password\":\"whatever-1\"}");
    t_assert_problem(r, 401, NULL);
    t_free(r);
    r = t_post("/api/v1/sessions", NULL, "{\"username\":\"t_admin\",\"password\":\"test-password-1\"}");
    t_assert_status(r, 201);
    assert_int_equal(strlen(t_json_str(r->json, "token")), 64);
    assert_non_null(t_json_str(r->json, "expires_at"));
    json_t *user = json_object_get(r->json, "user");
    assert_string_equal(t_json_str(user, "role"), "admin");
    assert_string_equal(t_json_str(user, "username"), "t_admin");
    char *token = strdup(t_json_str(r->json, "token"));
    t_free(r);
    /* Only a hash of the token is stored. */
    const char *p[] = {token};
    assert_int_equal(t_sql_int("SELECT count(*) FROM sessions WHERE token_hash = $1", 1, p), 0);
    r = t_get("/api/v1/sessions/current", token);
    t_assert_status(r, 200);
    t_free(r);
    r = t_delete("/api/v1/sessions/current", token);
    t_assert_status(r, 204);
    t_free(r);
    r = t_get("/api/v1/sessions/current", token);
    t_assert_problem(r, 401, NULL);
    t_free(r);
    free(token);
}

static void expired_token_is_401(void **state)
{
    (void)state;
    char *token = t_user("t_expiring", "viewer", NULL, agency_code);
    t_resp *r = t_get("/api/v1/units", token);
    t_assert_status(r, 200);
    t_free(r);
    t_sql("UPDATE sessions SET expires_at = now() - interval '1 second'"
          " WHERE user_id = (SELECT id FROM users WHERE username = 't_expiring')", 0, NULL);
    r = t_get("/api/v1/units", token);
    t_assert_problem(r, 401, NULL);
    t_free(r);
    free(token);
}

static void login_validation(void **state)
{
    (void)state;
    t_resp *r = t_post("/api/v1/sessions", NULL, "{\"username\":\"t_admin\"}");
    t_assert_problem(r, 422, "password");
    t_free(r);
    r = t_post("/api/v1/sessions", NULL, "{\"username\":12,\"password\":\"x\"}");
    t_assert_problem(r, 422, "username");
    t_free(r);
}

static void malformed_bodies(void **state)
{
    (void)state;
    t_resp *r = t_post("/api/v1/units", admin, "{\"code\":");
    t_assert_problem(r, 400, NULL);
    t_free(r);
    r = t_request("POST", "/api/v1/units", admin, "application/json", "", 0);
    t_assert_problem(r, 400, NULL);
    t_free(r);
    r = t_post("/api/v1/units", admin, "[1,2]");
    t_assert_problem(r, 400, NULL);
    t_free(r);
    const char bad_utf8[] = "{\"code\":\"X\",\"name\":\"\xC3\x28\",\"kind\":\"agency\"}";
    r = t_request("POST", "/api/v1/units", admin, "application/json", bad_utf8, sizeof bad_utf8 - 1);
    t_assert_problem(r, 400, NULL);
    t_free(r);
    r = t_request("POST", "/api/v1/units", admin, "text/plain", "{}", 2);
    t_assert_problem(r, 415, NULL);
    t_free(r);
}

static void body_limit_is_413(void **state)
{
    (void)state;
    size_t n = 2 * 1024 * 1024;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    memcpy(big, "{\"name\":\"", 9);
    big[n - 2] = '"';
    big[n - 1] = '}';
    big[n] = '\0';
    t_resp *r = t_request("POST", "/api/v1/units", admin, "application/json", big, n);
    t_assert_problem(r, 413, NULL);
    t_free(r);
    free(big);
}

/* An import of 30 MB refused before its body is read (fcgi/worker.c): the
 * answer is the step's own, a problem+json, never a 413 or a broken
 * connection from the body left unread. */
static void large_import_refused_before_its_body(void **state)
{
    (void)state;
    size_t n = 30 * 1000 * 1000;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'x', n);
    memcpy(big, "code,full_name\n", 15);
    for (size_t i = 64; i < n; i += 64)
        big[i] = '\n';
    t_resp *r = t_request("POST", "/api/v1/staff/import", NULL, "text/csv", big, n);
    t_assert_problem(r, 401, NULL);
    assert_non_null(strstr(r->headers, "WWW-Authenticate: Bearer"));
    t_free(r);
    char *viewer = t_user("t_viewer_import", "viewer", NULL, agency_code);
    r = t_request("POST", "/api/v1/staff/import", viewer, "text/csv", big, n);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_request("POST", "/api/v1/staff/import", admin, "text/plain", big, n);
    t_assert_problem(r, 415, NULL);
    t_free(r);
    r = t_request("POST", "/api/v1/nowhere/import", admin, "text/csv", big, n);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    /* The connection each of these closed serves nothing next: the worker
     * answers the next request whole. */
    r = t_get("/api/v1/health", NULL);
    t_assert_status(r, 200);
    t_free(r);
    free(viewer);
    free(big);
}

static void wrong_role_is_403(void **state)
{
    (void)state;
    char *viewer = t_user("t_viewer", "viewer", NULL, agency_code);
    t_resp *r = t_post("/api/v1/units", viewer, "{\"code\":\"A\",\"name\":\"B\",\"kind\":\"agency\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_get("/api/v1/units", viewer);
    t_assert_status(r, 200);
    t_free(r);
    free(viewer);
}

static void unit_head_scope_is_403(void **state)
{
    (void)state;
    char code[64], body[512];
    long long agency = t_make_agency(admin, "PLT", code, sizeof code);
    long long ids[2];
    for (int i = 0; i < 2; i++) {
        snprintf(body, sizeof body, "{\"code\":\"D%d\",\"name\":\"Phòng %d\",\"kind\":\"division\",\"parent_id\":%lld}", i, i, agency);
        t_resp *r = t_post("/api/v1/units", admin, body);
        t_assert_status(r, 201);
        ids[i] = t_json_int(r->json, "id");
        t_free(r);
    }
    char *head = t_user("t_head_plt", "unit_head", "D0", code);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/units/%lld", ids[0]);
    t_resp *r = t_patch(path, head, "{\"name\":\"Phòng Tổ chức\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "name"), "Phòng Tổ chức");
    t_free(r);
    snprintf(path, sizeof path, "/api/v1/units/%lld", ids[1]);
    r = t_patch(path, head, "{\"name\":\"Không được\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    free(head);
}

static void metrics_counts_requests(void **state)
{
    (void)state;
    t_resp *r = t_get("/metrics", NULL);
    t_assert_status(r, 200);
    assert_non_null(strstr(r->body, "thidua_requests_total{method=\"GET\",route=\"/api/v1/health\",status=\"200\"}"));
    assert_non_null(strstr(r->body, "thidua_request_duration_seconds_bucket"));
    assert_non_null(strstr(r->body, "thidua_worker_restarts_total"));
    assert_non_null(strstr(r->body, "thidua_db_reconnects_total"));
    t_free(r);
}

static void security_headers(void **state)
{
    (void)state;
    t_resp *r = t_get("/", NULL);
    t_assert_status(r, 200);
    assert_non_null(t_header(r, "Content-Security-Policy"));
    assert_non_null(strstr(t_header(r, "Content-Security-Policy"), "frame-ancestors 'none'"));
    assert_string_equal(t_header(r, "X-Content-Type-Options"), "nosniff");
    assert_non_null(t_header(r, "Referrer-Policy"));
    t_free(r);
}

int main(void)
{
    t_init();
    admin = t_user("t_admin", "admin", NULL, NULL);
    t_make_agency(admin, "PLU", agency_code, sizeof agency_code);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(health_ok),
        cmocka_unit_test(openapi_lists_every_route),
        cmocka_unit_test(unknown_path_is_404_problem),
        cmocka_unit_test(wrong_method_is_405_with_allow),
        cmocka_unit_test(no_session_is_401),
        cmocka_unit_test(login_right_and_wrong),
        cmocka_unit_test(expired_token_is_401),
        cmocka_unit_test(login_validation),
        cmocka_unit_test(malformed_bodies),
        cmocka_unit_test(body_limit_is_413),
        cmocka_unit_test(large_import_refused_before_its_body),
        cmocka_unit_test(wrong_role_is_403),
        cmocka_unit_test(unit_head_scope_is_403),
        cmocka_unit_test(metrics_counts_requests),
        cmocka_unit_test(security_headers),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    return rc;
}
