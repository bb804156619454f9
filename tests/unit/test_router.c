/* test_router.c — unit tests for the route table and matching
 * (fcgi/router.c), and for the request pipeline pipeline_handle()
 * (fcgi/pipeline.c) on the paths that end before the database: 404, 405 and
 * a ROUTE_NO_DB route. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"
#include "router.h"

static arena mem;

static int teardown(void **state)
{
    (void)state;
    arena_free(&mem);
    return 0;
}

static request make_request(const char *method, const char *path)
{
    request req;
    memset(&req, 0, sizeof req);
    req.mem = &mem;
    req.method = method;
    req.path = path;
    req.query = "";
    req.content_type = "";
    req.content_length = -1;
    req.remote_addr = "127.0.0.1";
    return req;
}

static route_match find(const char *method, const char *path, const route **r, const char **allow, request *out)
{
    request req = make_request(method, path);
    *allow = NULL;
    route_match m = router_find(&req, r, allow);
    if (out)
        *out = req;
    return m;
}

/* ---- {id} --------------------------------------------------------- */

static void id_segment_takes_positive_integers(void **state)
{
    (void)state;
    const route *r;
    const char *allow;
    request req;
    assert_int_equal(find("GET", "/api/v1/units/1", &r, &allow, &req), ROUTE_FOUND);
    assert_string_equal(r->pattern, "/api/v1/units/{id}");
    assert_string_equal(r->method, "GET");
    assert_int_equal(req.path_ids[0], 1);
    assert_int_equal(find("PATCH", "/api/v1/units/907", &r, &allow, &req), ROUTE_FOUND);
    assert_string_equal(r->method, "PATCH");
    assert_int_equal(req.path_ids[0], 907);
    /* 18 digits is the longest id. */
    assert_int_equal(find("GET", "/api/v1/units/123456789012345678", &r, &allow, &req), ROUTE_FOUND);
    assert_int_equal(req.path_ids[0], 123456789012345678LL);
}

static void id_segment_rejects_the_rest(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "/api/v1/units/0",      "/api/v1/units/00",     "/api/v1/units/007",
        "/api/v1/units/-1",     "/api/v1/units/+1",     "/api/v1/units/1a",
        "/api/v1/units/a1",     "/api/v1/units/1.0",    "/api/v1/units/1e3",
        "/api/v1/units/%31",    "/api/v1/units/ 1",     "/api/v1/units/",
        "/api/v1/units/1234567890123456789",     /* 19 digits */
        "/api/v1/units/99999999999999999999999", /* would overflow */
        NULL,
    };
    for (int i = 0; bad[i]; i++) {
        const route *r;
        const char *allow;
        if (find("GET", bad[i], &r, &allow, NULL) != ROUTE_NOT_FOUND)
            fail_msg("%s should not match a route", bad[i]);
        assert_null(r);
    }
}

/* ---- {code} and the matcher -------------------------------------- */

static void code_segment_is_decoded(void **state)
{
    (void)state;
    long long ids[4] = {0};
    const char *words[4] = {0};
    assert_true(router_match("/api/v1/titles/{code}", "/api/v1/titles/CSTD", ids, words, &mem));
    assert_string_equal(words[0], "CSTD");
    assert_true(router_match("/api/v1/titles/{code}", "/api/v1/titles/T%C4%90-01", ids, words, &mem));
    assert_string_equal(words[0], "TĐ-01");
    assert_true(router_match("/api/v1/titles/{code}", "/api/v1/titles/a%2Fb", ids, words, &mem));
    assert_string_equal(words[0], "a/b");
    /* In a path, '+' is a plus sign, not a space. */
    assert_true(router_match("/api/v1/titles/{code}", "/api/v1/titles/a+b", ids, words, &mem));
    assert_string_equal(words[0], "a+b");
    assert_true(router_match("/x/{id}/y/{code}/z/{id}", "/x/12/y/abc/z/34", ids, words, &mem));
    assert_int_equal(ids[0], 12);
    assert_int_equal(ids[1], 34);
    assert_string_equal(words[0], "abc");
}

static void code_segment_rejects_bad_escapes(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "/t/%", "/t/%4", "/t/%zz", "/t/%4g", "/t/a%00b", "/t/", NULL,
    };
    for (int i = 0; bad[i]; i++) {
        const char *words[4] = {0};
        if (router_match("/t/{code}", bad[i], NULL, words, &mem))
            fail_msg("%s should not match /t/{code}", bad[i]);
        /* Also when the caller does not want the words. */
        assert_false(router_match("/t/{code}", bad[i], NULL, NULL, &mem));
    }
}

static void literal_segments_match_exactly(void **state)
{
    (void)state;
    assert_true(router_match("/api/v1/units", "/api/v1/units", NULL, NULL, &mem));
    assert_false(router_match("/api/v1/units", "/api/v1/units/", NULL, NULL, &mem));
    assert_false(router_match("/api/v1/units", "/api/v1/unit", NULL, NULL, &mem));
    assert_false(router_match("/api/v1/units", "/api/v1/unitsx", NULL, NULL, &mem));
    assert_false(router_match("/api/v1/units", "/API/v1/units", NULL, NULL, &mem));
    assert_false(router_match("/api/v1/units", "/api/v1//units", NULL, NULL, &mem));
    assert_false(router_match("/api/v1/units/{id}", "/api/v1/units/5/x", NULL, NULL, &mem));
    assert_false(router_match("/api/v1/units/{id}", "/api/v1/units", NULL, NULL, &mem));
    assert_false(router_match("/api/v1/units", "api/v1/units", NULL, NULL, &mem));
}

/* ---- 404 and 405 -------------------------------------------------- */

static void unknown_path_is_not_found(void **state)
{
    (void)state;
    const route *r;
    const char *allow;
    assert_int_equal(find("GET", "/api/v1/no-such-thing", &r, &allow, NULL), ROUTE_NOT_FOUND);
    assert_null(allow);
    assert_int_equal(find("GET", "/", &r, &allow, NULL), ROUTE_NOT_FOUND);
    assert_int_equal(find("GET", "/api/v1/units/5/extra", &r, &allow, NULL), ROUTE_NOT_FOUND);
}

static void wrong_method_lists_allowed_ones(void **state)
{
    (void)state;
    const route *r;
    const char *allow;
    assert_int_equal(find("PUT", "/api/v1/units", &r, &allow, NULL), ROUTE_BAD_METHOD);
    assert_null(r);
    assert_string_equal(allow, "GET, POST");
    assert_int_equal(find("POST", "/api/v1/units/5", &r, &allow, NULL), ROUTE_BAD_METHOD);
    assert_string_equal(allow, "GET, PATCH, DELETE");
    assert_int_equal(find("DELETE", "/api/v1/health", &r, &allow, NULL), ROUTE_BAD_METHOD);
    assert_string_equal(allow, "GET");
}

/* Every route is reachable: a concrete path made from its pattern finds
 * exactly that route (no earlier route shadows it), and its index round
 * trips. */
static void every_route_is_reachable(void **state)
{
    (void)state;
    size_t n = router_count();
    assert_true(n >= 8);
    for (size_t i = 0; i < n; i++) {
        const route *want = router_at(i);
        assert_non_null(want);
        assert_int_equal(router_index(want), i);
        assert_non_null(want->handler);
        assert_non_null(want->summary);
        assert_true(want->pattern[0] == '/');
        char path[512] = "";
        size_t len = 0;
        for (const char *p = want->pattern; *p && len + 8 < sizeof path;) {
            if (strncmp(p, "{id}", 4) == 0) {
                len += (size_t)snprintf(path + len, sizeof path - len, "42");
                p += 4;
            } else if (strncmp(p, "{code}", 6) == 0) {
                len += (size_t)snprintf(path + len, sizeof path - len, "C1");
                p += 6;
            } else {
                path[len++] = *p++;
                path[len] = '\0';
            }
        }
        const route *got;
        const char *allow;
        if (find(want->method, path, &got, &allow, NULL) != ROUTE_FOUND || got != want)
            fail_msg("%s %s does not reach its route %s", want->method, path, want->pattern);
    }
    assert_null(router_at(n));
    assert_int_equal(router_index(NULL), n);
}

/* ---- the pipeline without FastCGI --------------------------------- */

static void pipeline_answers_404_problem(void **state)
{
    (void)state;
    request req = make_request("GET", "/api/v1/nowhere");
    response res = {0};
    res.mem = &mem;
    pipeline_handle(&req, &res);
    assert_int_equal(res.status, 404);
    assert_string_equal(res.content_type, "application/problem+json");
    json_t *body = json_loadb(res.body, res.body_len, 0, NULL);
    assert_non_null(body);
    assert_int_equal(json_integer_value(json_object_get(body, "status")), 404);
    assert_string_equal(json_string_value(json_object_get(body, "type")), "urn:thidua:problem:not-found");
    json_decref(body);
    assert_null(req.route);
}

static void pipeline_answers_405_with_allow(void **state)
{
    (void)state;
    request req = make_request("DELETE", "/api/v1/units");
    response res = {0};
    res.mem = &mem;
    pipeline_handle(&req, &res);
    assert_int_equal(res.status, 405);
    assert_string_equal(res.content_type, "application/problem+json");
    const char *allow = NULL;
    for (const http_field *h = res.headers; h; h = h->next)
        if (strcmp(h->name, "Allow") == 0)
            allow = h->value;
    assert_non_null(allow);
    assert_string_equal(allow, "GET, POST");
    json_t *body = json_loadb(res.body, res.body_len, 0, NULL);
    assert_non_null(body);
    assert_non_null(strstr(json_string_value(json_object_get(body, "detail")), "GET, POST"));
    json_decref(body);
}

static void pipeline_runs_a_no_db_route(void **state)
{
    (void)state;
    request req = make_request("GET", "/api/v1/openapi.json");
    response res = {0};
    res.mem = &mem;
    pipeline_handle(&req, &res); /* req.db is NULL: a DB route would crash */
    assert_int_equal(res.status, 200);
    assert_string_equal(res.content_type, "application/json");
    json_t *body = json_loadb(res.body, res.body_len, 0, NULL);
    assert_non_null(body);
    assert_string_equal(json_string_value(json_object_get(body, "openapi")), "3.1.0");
    json_decref(body);
    assert_non_null(req.route);
    assert_string_equal(req.route->pattern, "/api/v1/openapi.json");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(id_segment_takes_positive_integers, teardown),
        cmocka_unit_test_teardown(id_segment_rejects_the_rest, teardown),
        cmocka_unit_test_teardown(code_segment_is_decoded, teardown),
        cmocka_unit_test_teardown(code_segment_rejects_bad_escapes, teardown),
        cmocka_unit_test_teardown(literal_segments_match_exactly, teardown),
        cmocka_unit_test_teardown(unknown_path_is_not_found, teardown),
        cmocka_unit_test_teardown(wrong_method_lists_allowed_ones, teardown),
        cmocka_unit_test_teardown(every_route_is_reachable, teardown),
        cmocka_unit_test_teardown(pipeline_answers_404_problem, teardown),
        cmocka_unit_test_teardown(pipeline_answers_405_with_allow, teardown),
        cmocka_unit_test_teardown(pipeline_runs_a_no_db_route, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
