/* test_query.c — unit tests for declared query parameters
 * (router_query, fcgi/router.c) on the real route table: every value is
 * checked against its declaration before a handler runs, each problem
 * names its parameter, bad values answer 400 and a required parameter
 * left out 422. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "fields.h"
#include "openapi.h"
#include "router.h"

static arena mem;

static int teardown(void **state)
{
    (void)state;
    arena_free(&mem);
    return 0;
}

/* Routes method path, then checks query; the answer's status (0 when the
 * query is accepted) and the parsed request in *out. */
static int check(const char *method, const char *path, const char *query, request *out, response *res)
{
    memset(out, 0, sizeof *out);
    memset(res, 0, sizeof *res);
    out->mem = res->mem = &mem;
    out->method = method;
    out->path = path;
    out->query = query;
    const char *allow = NULL;
    const route *r = NULL;
    assert_int_equal(router_find(out, &r, &allow), ROUTE_FOUND);
    out->route = r;
    return router_query(out, res) == 0 ? 0 : res->status;
}

/* The value of declared parameter name, NULL when not given. */
static const char *value(const request *req, const char *name)
{
    for (int i = 0; req->route->query && req->route->query[i].name; i++)
        if (strcmp(req->route->query[i].name, name) == 0)
            return req->query_vals[i].null ? NULL : req->query_vals[i].s;
    fail_msg("%s is not declared", name);
    return NULL;
}

/* Does the problem body name field? */
static bool names(const response *res, const char *field)
{
    char needle[128];
    snprintf(needle, sizeof needle, "\"field\":\"%s\"", field);
    return res->body && strstr(res->body, needle) != NULL;
}

static void declared_values_are_typed_and_checked(void **state)
{
    (void)state;
    request req;
    response res;
    assert_int_equal(check("GET", "/api/v1/campaigns", "year=2025&agency_id=7&limit=1000&offset=0", &req, &res), 0);
    assert_string_equal(value(&req, "year"), "2025");
    assert_string_equal(value(&req, "agency_id"), "7");
    assert_string_equal(value(&req, "limit"), "1000");
    assert_string_equal(value(&req, "offset"), "0");
    assert_int_equal(check("GET", "/api/v1/campaigns", "", &req, &res), 0);
    assert_null(value(&req, "year"));
    assert_null(value(&req, "limit"));
}

/* A year is a year: not parsed as an id, with a year's range. */
static void a_bad_year_is_a_400_naming_year(void **state)
{
    (void)state;
    request req;
    response res;
    static const char *const bad[] = {"year=abc", "year=1999", "year=2101", "year=20.25", "year=-2025", "year=2025x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(check("GET", "/api/v1/campaigns", bad[i], &req, &res), 400);
        assert_true(names(&res, "year"));
        assert_non_null(strstr(res.content_type, "problem+json"));
    }
    assert_int_equal(check("GET", "/api/v1/campaigns", "year=2000", &req, &res), 0);
    assert_int_equal(check("GET", "/api/v1/campaigns", "year=2100", &req, &res), 0);
    assert_int_equal(check("GET", "/api/v1/indexes", "year=1999", &req, &res), 400);
    assert_true(names(&res, "year"));
}

static void the_page_has_declared_bounds(void **state)
{
    (void)state;
    request req;
    response res;
    assert_int_equal(check("GET", "/api/v1/staff", "limit=0", &req, &res), 400);
    assert_true(names(&res, "limit"));
    assert_int_equal(check("GET", "/api/v1/staff", "limit=1001", &req, &res), 400);
    assert_int_equal(check("GET", "/api/v1/staff", "limit=999", &req, &res), 0);
    assert_int_equal(check("GET", "/api/v1/staff", "offset=-1", &req, &res), 400);
    assert_true(names(&res, "offset"));
    assert_int_equal(check("GET", "/api/v1/staff", "offset=100000000001", &req, &res), 400);
    assert_int_equal(check("GET", "/api/v1/staff", "offset=99999999999", &req, &res), 0);
}

/* Unknown, repeated and undecodable parameters are refused, each named,
 * all in one answer. */
static void every_problem_is_named_at_once(void **state)
{
    (void)state;
    request req;
    response res;
    assert_int_equal(check("GET", "/api/v1/staff", "unit=5&limit=2&limit=3&q=%zz&sort=size", &req, &res), 400);
    assert_true(names(&res, "unit"));
    assert_true(names(&res, "limit"));
    assert_true(names(&res, "q"));
    assert_true(names(&res, "sort"));
    /* A route that declares nothing takes nothing. */
    assert_int_equal(check("GET", "/api/v1/staff/12", "limit=1", &req, &res), 400);
    assert_true(names(&res, "limit"));
}

static void values_are_decoded_and_normalised(void **state)
{
    (void)state;
    request req;
    response res;
    /* "Nguyễn" with the ễ decomposed (e + U+0302 + U+0303), '+' a space. */
    assert_int_equal(check("GET", "/api/v1/staff", "q=Nguye%CC%82%CC%83n+Va&&sort=-code&", &req, &res), 0);
    assert_string_equal(value(&req, "q"), "Nguy\xe1\xbb\x85n Va");
    assert_string_equal(value(&req, "sort"), "-code");
    /* Text given empty searches for nothing; an empty id is no id. */
    assert_int_equal(check("GET", "/api/v1/staff", "q=", &req, &res), 0);
    assert_null(value(&req, "q"));
    assert_int_equal(check("GET", "/api/v1/staff", "q=&unit_id=", &req, &res), 400);
    assert_true(names(&res, "unit_id"));
    assert_false(names(&res, "q"));
    /* Not UTF-8, a control character, over 200 characters. */
    assert_int_equal(check("GET", "/api/v1/staff", "q=%C3%28", &req, &res), 400);
    assert_int_equal(check("GET", "/api/v1/staff", "q=a%01b", &req, &res), 400);
    char longq[256] = "q=";
    memset(longq + 2, 'a', 201);
    assert_int_equal(check("GET", "/api/v1/staff", longq, &req, &res), 400);
    longq[2 + 200] = '\0';
    assert_int_equal(check("GET", "/api/v1/staff", longq, &req, &res), 0);
}

/* staff import: agency_id is required (422 when left out, 400 when bad
 * or empty). */
static void a_required_parameter_left_out_is_a_422(void **state)
{
    (void)state;
    request req;
    response res;
    assert_int_equal(check("POST", "/api/v1/staff/import", "", &req, &res), 422);
    assert_true(names(&res, "agency_id"));
    assert_int_equal(check("POST", "/api/v1/staff/import", "agency_id=", &req, &res), 400);
    assert_int_equal(check("POST", "/api/v1/staff/import", "agency_id=x", &req, &res), 400);
    assert_true(names(&res, "agency_id"));
    assert_int_equal(check("POST", "/api/v1/staff/import", "agency_id=0", &req, &res), 400);
    assert_int_equal(check("POST", "/api/v1/staff/import", "agency_id=3", &req, &res), 0);
    assert_string_equal(value(&req, "agency_id"), "3");
}

/* Dates: the scorecard's as_of and the series' range. */
static void dates_are_checked(void **state)
{
    (void)state;
    request req;
    response res;
    assert_int_equal(check("GET", "/api/v1/campaigns/1/scorecard", "as_of=2025-02-29", &req, &res), 400);
    assert_true(names(&res, "as_of"));
    assert_int_equal(check("GET", "/api/v1/campaigns/1/scorecard", "as_of=", &req, &res), 400);
    assert_int_equal(check("GET", "/api/v1/campaigns/1/scorecard", "as_of=2024-02-29", &req, &res), 0);
    assert_int_equal(check("GET", "/api/v1/campaigns/1/targets/x/series", "step=day", &req, &res), 400);
    assert_true(names(&res, "step"));
}

/* Every list (a GET whose query starts with the page) declares limit
 * and offset first, so that api_list finds them. */
static void every_list_declares_its_page_first(void **state)
{
    (void)state;
    int lists = 0;
    for (size_t i = 0; i < router_count(); i++) {
        const route *r = router_at(i);
        const field_def *q = r->query;
        if (!q || strcmp(q[0].name, "limit") != 0)
            continue;
        lists++;
        assert_non_null(q[1].name);
        assert_string_equal(q[1].name, "offset");
        assert_string_equal(r->method, "GET");
    }
    assert_true(lists >= 13);
}

/* The OpenAPI document lists every declared query parameter of every
 * route, with its place, whether it is required, and its schema. */
static void openapi_lists_every_query_parameter(void **state)
{
    (void)state;
    json_t *doc = json_loads(openapi_document(), 0, NULL);
    assert_non_null(doc);
    int checked = 0;
    for (size_t i = 0; i < router_count(); i++) {
        const route *r = router_at(i);
        char method[16];
        size_t n = 0;
        for (; r->method[n] && n + 1 < sizeof method; n++)
            method[n] = (char)(r->method[n] | 0x20);
        method[n] = '\0';
        json_t *op = json_object_get(json_object_get(json_object_get(doc, "paths"), r->pattern), method);
        assert_non_null(op);
        assert_non_null(json_object_get(json_object_get(op, "responses"), "400"));
        for (const field_def *q = r->query; q && q->name; q++) {
            json_t *found = NULL, *p;
            size_t k;
            json_array_foreach(json_object_get(op, "parameters"), k, p) {
                if (strcmp(json_string_value(json_object_get(p, "name")), q->name) == 0 &&
                    strcmp(json_string_value(json_object_get(p, "in")), "query") == 0)
                    found = p;
            }
            assert_non_null(found);
            assert_true(json_is_boolean(json_object_get(found, "required")));
            assert_int_equal(json_is_true(json_object_get(found, "required")), (q->flags & F_REQUIRED) != 0);
            assert_non_null(json_object_get(found, "schema"));
            checked++;
        }
    }
    assert_true(checked >= 40);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(declared_values_are_typed_and_checked, teardown),
        cmocka_unit_test_teardown(a_bad_year_is_a_400_naming_year, teardown),
        cmocka_unit_test_teardown(the_page_has_declared_bounds, teardown),
        cmocka_unit_test_teardown(every_problem_is_named_at_once, teardown),
        cmocka_unit_test_teardown(values_are_decoded_and_normalised, teardown),
        cmocka_unit_test_teardown(a_required_parameter_left_out_is_a_422, teardown),
        cmocka_unit_test_teardown(dates_are_checked, teardown),
        cmocka_unit_test_teardown(every_list_declares_its_page_first, teardown),
        cmocka_unit_test_teardown(openapi_lists_every_query_parameter, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
