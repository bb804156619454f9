/* test_http.c — unit tests for the HTTP layer (fcgi/http.c): headers from
 * the FastCGI environment, query parsing and percent-decoding, cookies,
 * content types, entity tags, reading a body, and the shape of responses
 * and problem+json. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static arena mem;

static int teardown(void **state)
{
    (void)state;
    arena_free(&mem);
    return 0;
}

static request make_request(const char *query, char **env)
{
    request req;
    memset(&req, 0, sizeof req);
    req.mem = &mem;
    req.method = "GET";
    req.path = "/";
    req.query = query;
    req.content_type = "";
    req.env = env;
    return req;
}

static response make_response(void)
{
    response res;
    memset(&res, 0, sizeof res);
    res.mem = &mem;
    return res;
}

static const char *header_of(const response *res, const char *name)
{
    for (const http_field *h = res->headers; h; h = h->next)
        if (strcmp(h->name, name) == 0)
            return h->value;
    return NULL;
}

static json_t *body_json(const response *res)
{
    json_error_t err;
    json_t *j = json_loadb(res->body, res->body_len, 0, &err);
    if (!j)
        fail_msg("body is not JSON (%s): %.*s", err.text, (int)res->body_len, res->body);
    return j;
}

/* ---- headers ------------------------------------------------------ */

static void headers_come_from_the_environment(void **state)
{
    (void)state;
    char *env[] = {
        "REQUEST_METHOD=GET",
        "HTTP_X_CSRF_TOKEN=abc123",
        "HTTP_X_A=short",
        "HTTP_X_AB=longer",
        "HTTP_AUTHORIZATION=Bearer t0k",
        "HTTP_EMPTY=",
        NULL,
    };
    request req = make_request("", env);
    assert_string_equal(http_header(&req, "X-CSRF-Token"), "abc123");
    assert_string_equal(http_header(&req, "x-csrf-token"), "abc123");
    assert_string_equal(http_header(&req, "Authorization"), "Bearer t0k");
    assert_string_equal(http_header(&req, "X-A"), "short");
    assert_string_equal(http_header(&req, "X-AB"), "longer");
    assert_string_equal(http_header(&req, "Empty"), "");
    assert_null(http_header(&req, "X"));
    assert_null(http_header(&req, "Missing"));
    assert_null(http_header(&req, "Request-Method")); /* not an HTTP_ variable */
    char longname[200];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_null(http_header(&req, longname));
    request none = make_request("", NULL);
    assert_null(http_header(&none, "Authorization"));
}

/* ---- query -------------------------------------------------------- */

static void query_values_are_decoded(void **state)
{
    (void)state;
    request req = make_request("limit=20&q=Nguy%E1%BB%85n+V%C4%83n&flag&empty=&offset=5&limit=99", NULL);
    assert_string_equal(http_query(&req, "limit"), "20"); /* the first one wins */
    assert_string_equal(http_query(&req, "q"), "Nguyễn Văn");
    assert_string_equal(http_query(&req, "flag"), "");
    assert_string_equal(http_query(&req, "empty"), "");
    assert_string_equal(http_query(&req, "offset"), "5");
    assert_null(http_query(&req, "lim"));
    assert_null(http_query(&req, "limit2"));
    assert_null(http_query(&req, "missing"));
    request none = make_request("", NULL);
    assert_null(http_query(&none, "limit"));
}

static void query_bad_escapes_are_unusable(void **state)
{
    (void)state;
    static const char *const bad[] = {"q=%", "q=%4", "q=%zz", "q=a%g1", "q=a%00b", "q=%00", NULL};
    for (int i = 0; bad[i]; i++) {
        request req = make_request(bad[i], NULL);
        const char *v = http_query(&req, "q");
        assert_non_null(v);
        /* A value no validator accepts (a control character). */
        if (strcmp(v, "\x01") != 0)
            fail_msg("%s decoded to '%s'", bad[i], v);
    }
}

static void percent_decoding(void **state)
{
    (void)state;
    const char *s = "a%20b+c%2B%C3%A9";
    assert_string_equal(http_url_decode(&mem, s, strlen(s)), "a b c+é");
    assert_string_equal(http_path_decode(&mem, s, strlen(s)), "a b+c+é");
    assert_string_equal(http_url_decode(&mem, "%41%62", 6), "Ab");
    assert_string_equal(http_url_decode(&mem, "", 0), "");
    /* Only len bytes are read. */
    assert_string_equal(http_url_decode(&mem, "abc%zz", 3), "abc");
    assert_null(http_url_decode(&mem, "%", 1));
    assert_null(http_url_decode(&mem, "%2", 2));
    assert_null(http_url_decode(&mem, "%2x", 3));
    assert_null(http_url_decode(&mem, "x%00", 4));
    assert_null(http_path_decode(&mem, "x%00", 4));
}

/* ---- cookies ------------------------------------------------------ */

static void cookies_by_name(void **state)
{
    (void)state;
    char *env[] = {"HTTP_COOKIE=theme=dark; thidua_session=abc123;thidua_csrf=x9 ;  last=", NULL};
    request req = make_request("", env);
    assert_string_equal(http_cookie(&req, "theme"), "dark");
    assert_string_equal(http_cookie(&req, "thidua_session"), "abc123");
    assert_string_equal(http_cookie(&req, "thidua_csrf"), "x9");
    assert_string_equal(http_cookie(&req, "last"), "");
    assert_null(http_cookie(&req, "thidua"));
    assert_null(http_cookie(&req, "session"));
    assert_null(http_cookie(&req, "dark"));

    char *prefix[] = {"HTTP_COOKIE=thidua_session_old=zzz; thidua_session=new", NULL};
    request p = make_request("", prefix);
    assert_string_equal(http_cookie(&p, "thidua_session"), "new");

    request none = make_request("", NULL);
    assert_null(http_cookie(&none, "thidua_session"));
}

/* ---- content types ------------------------------------------------ */

static void content_type_matching(void **state)
{
    (void)state;
    request req = make_request("", NULL);
    req.content_type = "application/json";
    assert_true(http_content_type_is(&req, "application/json"));
    req.content_type = "Application/JSON; charset=utf-8";
    assert_true(http_content_type_is(&req, "application/json"));
    req.content_type = "application/jsonx";
    assert_false(http_content_type_is(&req, "application/json"));
    req.content_type = "application/problem+json";
    assert_false(http_content_type_is(&req, "application/json"));
    req.content_type = "text/csv;charset=utf-8";
    assert_true(http_content_type_is(&req, "text/csv"));
    req.content_type = "";
    assert_false(http_content_type_is(&req, "text/csv"));
}

/* ---- responses ---------------------------------------------------- */

static void problem_json_shape(void **state)
{
    (void)state;
    response res = make_response();
    http_problem(&res, 404, "Không có tài nguyên này.");
    assert_int_equal(res.status, 404);
    assert_string_equal(res.content_type, "application/problem+json");
    assert_int_equal(res.body_len, strlen(res.body));
    json_t *j = body_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "urn:thidua:problem:not-found");
    assert_string_equal(json_string_value(json_object_get(j, "title")), "Không tìm thấy");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 404);
    assert_string_equal(json_string_value(json_object_get(j, "detail")), "Không có tài nguyên này.");
    assert_null(json_object_get(j, "errors"));
    assert_int_equal(json_object_size(j), 4);
    json_decref(j);

    /* Without a detail, the title stands in. */
    res = make_response();
    http_problem(&res, 503, NULL);
    j = body_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "urn:thidua:problem:unavailable");
    assert_string_equal(json_string_value(json_object_get(j, "detail")),
                        json_string_value(json_object_get(j, "title")));
    json_decref(j);

    /* Statuses without their own type are server errors. */
    res = make_response();
    http_problem(&res, 500, "x");
    j = body_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "urn:thidua:problem:server-error");
    json_decref(j);
}

static void problem_with_field_errors(void **state)
{
    (void)state;
    response res = make_response();
    json_t *errors = json_array();
    json_array_append_new(errors, json_pack("{s:s, s:s}", "field", "name", "message", "là bắt buộc"));
    json_array_append_new(errors, json_pack("{s:s, s:s}", "field", "code", "message", "dài quá 20 ký tự"));
    http_problem_errors(&res, 422, "Dữ liệu không hợp lệ.", errors); /* stolen */
    json_t *j = body_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "urn:thidua:problem:validation");
    json_t *e = json_object_get(j, "errors");
    assert_int_equal(json_array_size(e), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(e, 1), "field")), "code");
    json_decref(j);

    res = make_response();
    http_field_error(&res, 422, "start_date", "phải là ngày hợp lệ dạng YYYY-MM-DD");
    j = body_json(&res);
    assert_int_equal(res.status, 422);
    e = json_object_get(j, "errors");
    assert_int_equal(json_array_size(e), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(e, 0), "field")), "start_date");
    assert_string_equal(json_string_value(json_object_get(j, "detail")), "phải là ngày hợp lệ dạng YYYY-MM-DD");
    json_decref(j);
}

static void other_responses(void **state)
{
    (void)state;
    response res = make_response();
    http_json(&res, 201, json_pack("{s:i, s:s}", "id", 7, "name", "Phòng Tổ chức"));
    assert_int_equal(res.status, 201);
    assert_string_equal(res.content_type, "application/json");
    json_t *j = body_json(&res);
    assert_int_equal(json_integer_value(json_object_get(j, "id")), 7);
    json_decref(j);

    res = make_response();
    char text[] = "a,b\n1,2\n";
    http_text(&res, 200, "text/csv", text, strlen(text));
    text[0] = 'X'; /* the response holds a copy */
    assert_string_equal(res.body, "a,b\n1,2\n");
    assert_int_equal(res.body_len, 8);

    res = make_response();
    http_json_text(&res, 200, "{\"a\":1}");
    http_empty(&res, 204);
    assert_int_equal(res.status, 204);
    assert_null(res.body);
    assert_int_equal(res.body_len, 0);
    assert_null(res.content_type);

    res = make_response();
    char name[] = "Retry-After", value[] = "5";
    http_set_header(&res, name, value);
    http_set_header(&res, "Allow", "GET, POST");
    name[0] = value[0] = 'X'; /* copied */
    assert_string_equal(header_of(&res, "Retry-After"), "5");
    assert_string_equal(header_of(&res, "Allow"), "GET, POST");
    assert_null(header_of(&res, "Location"));
}

/* ---- entity tags (If-None-Match) ---------------------------------- */

static void etag_matches_itself_and_its_weak_form(void **state)
{
    (void)state;
    const char *tag = "\"sc1-7-12-2025-06-30\"";
    assert_true(http_etag_matches("\"sc1-7-12-2025-06-30\"", tag));
    assert_true(http_etag_matches("W/\"sc1-7-12-2025-06-30\"", tag)); /* nginx's gzip */
    assert_true(http_etag_matches("*", tag));
    assert_true(http_etag_matches("  \"a\", W/\"sc1-7-12-2025-06-30\" ,\"b\"", tag));
    assert_true(http_etag_matches("\"a\",\t\"sc1-7-12-2025-06-30\"", tag));
    assert_true(http_etag_matches("\"x,y\"", "\"x,y\"")); /* a comma inside a tag */
}

static void etag_names_nothing_else(void **state)
{
    (void)state;
    const char *tag = "\"sc1-7-12-2025-06-30\"";
    assert_false(http_etag_matches(NULL, tag));
    assert_false(http_etag_matches("", tag));
    assert_false(http_etag_matches(" , ,", tag));
    assert_false(http_etag_matches("\"sc1-7-13-2025-06-30\"", tag));  /* another version */
    assert_false(http_etag_matches("\"sc1-7-12-2025-06-30x\"", tag)); /* longer */
    assert_false(http_etag_matches("\"sc1-7-12-2025-06-3\"", tag));   /* a prefix */
    assert_false(http_etag_matches("\"sc1-7-12-2025-06-30", tag));     /* no closing quote */
    assert_false(http_etag_matches("sc1-7-12-2025-06-30", tag));        /* not quoted */
    assert_false(http_etag_matches("W/", tag));
    assert_false(http_etag_matches("\"x\" junk \"sc1-7-12-2025-06-30\"", tag)); /* junk up to a comma */
}

/* ---- reading a body ----------------------------------------------- */

/* A body served in pieces of at most `piece` bytes; records what was
 * asked of it. */
typedef struct source {
    const char *data;
    size_t len, at, piece;
    int calls, first_ask, largest_ask;
} source;

static int read_source(void *ctx, char *buf, int n)
{
    source *s = ctx;
    if (s->calls++ == 0)
        s->first_ask = n;
    if (n > s->largest_ask)
        s->largest_ask = n;
    size_t take = s->len - s->at;
    if (take > (size_t)n)
        take = (size_t)n;
    if (take > s->piece)
        take = s->piece;
    memcpy(buf, s->data + s->at, take);
    s->at += take;
    return (int)take;
}

static request body_request(const char *method, long long content_length)
{
    request req = make_request("", NULL);
    req.method = method;
    req.content_length = content_length;
    return req;
}

static char *filled(size_t n)
{
    char *p = malloc(n);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (char)('a' + i % 26);
    return p;
}

static void no_body_no_allocation(void **state)
{
    (void)state;
    const char *methods[] = {"GET", "HEAD", "DELETE", "OPTIONS"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        for (long long cl = -1; cl <= 5; cl += 6) {
            source src = {"hello", 5, 0, 5, 0, 0, 0};
            request req = body_request(methods[i], cl);
            response res = make_response();
            assert_int_equal(http_read_body(&req, &res, 1 << 20, read_source, &src), 0);
            assert_null(req.body);
            assert_int_equal(src.calls, 0);
        }
    }
    source src = {"", 0, 0, 1, 0, 0, 0};
    request req = body_request("POST", 0);
    response res = make_response();
    assert_int_equal(http_read_body(&req, &res, 1 << 20, read_source, &src), 0);
    assert_null(req.body);
    assert_int_equal(src.calls, 0);
    assert_null(mem.head); /* the arena was never asked for a byte */
}

static void body_of_known_length(void **state)
{
    (void)state;
    source src = {"{\"a\":1}trailing", 16, 0, 3, 0, 0, 0};
    request req = body_request("PATCH", 7);
    response res = make_response();
    assert_int_equal(http_read_body(&req, &res, 100, read_source, &src), 0);
    assert_int_equal(req.body_len, 7);
    assert_string_equal(req.body, "{\"a\":1}");
    assert_int_equal(src.first_ask, 7);

    /* a stream that ends early gives what it had */
    source shorter = {"abc", 3, 0, 64, 0, 0, 0};
    req = body_request("PUT", 10);
    assert_int_equal(http_read_body(&req, &res, 100, read_source, &shorter), 0);
    assert_int_equal(req.body_len, 3);
    assert_string_equal(req.body, "abc");
}

static void body_of_unknown_length_grows(void **state)
{
    (void)state;
    size_t limit = 1 << 20, n = 100000;
    char *data = filled(n);
    source src = {data, n, 0, 70000, 0, 0, 0};
    request req = body_request("POST", -1);
    response res = make_response();
    assert_int_equal(http_read_body(&req, &res, limit, read_source, &src), 0);
    assert_int_equal(req.body_len, n);
    assert_memory_equal(req.body, data, n);
    assert_int_equal(req.body[n], '\0');
    /* small first, and never the whole limit at once */
    assert_true(src.first_ask <= 4096);
    assert_true((size_t)src.largest_ask < limit);
    free(data);

    source empty = {"", 0, 0, 1, 0, 0, 0};
    req = body_request("POST", -1);
    assert_int_equal(http_read_body(&req, &res, limit, read_source, &empty), 0);
    assert_non_null(req.body);
    assert_int_equal(req.body_len, 0);
}

static void body_at_and_over_the_limit(void **state)
{
    (void)state;
    size_t limit = 10000;
    char *data = filled(limit + 1);
    /* exactly the limit, without a length: taken */
    source src = {data, limit, 0, 1000, 0, 0, 0};
    request req = body_request("POST", -1);
    response res = make_response();
    assert_int_equal(http_read_body(&req, &res, limit, read_source, &src), 0);
    assert_int_equal(req.body_len, limit);
    assert_int_equal(res.status, 0);

    /* one byte more: 413 */
    source over = {data, limit + 1, 0, 1000, 0, 0, 0};
    req = body_request("POST", -1);
    assert_int_equal(http_read_body(&req, &res, limit, read_source, &over), -1);
    assert_int_equal(res.status, 413);
    assert_string_equal(res.content_type, "application/problem+json");

    /* a declared length over the limit: 413 before anything is read */
    source declared = {data, limit + 1, 0, 1000, 0, 0, 0};
    req = body_request("POST", (long long)limit + 1);
    res = make_response();
    assert_int_equal(http_read_body(&req, &res, limit, read_source, &declared), -1);
    assert_int_equal(res.status, 413);
    assert_int_equal(declared.calls, 0);
    free(data);
}

static void reason_phrases(void **state)
{
    (void)state;
    assert_string_equal(http_reason(200), "OK");
    assert_string_equal(http_reason(204), "No Content");
    assert_string_equal(http_reason(405), "Method Not Allowed");
    assert_string_equal(http_reason(413), "Content Too Large");
    assert_string_equal(http_reason(422), "Unprocessable Content");
    assert_string_equal(http_reason(503), "Service Unavailable");
    assert_string_equal(http_reason(599), "Unknown");
}

static void charset_only_on_text_and_json(void **state)
{
    (void)state;
    char b[128];
    http_content_type_line("application/pdf", b, sizeof b);
    assert_string_equal(b, "application/pdf");
    http_content_type_line("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b, sizeof b);
    assert_string_equal(b, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    http_content_type_line("application/octet-stream", b, sizeof b);
    assert_string_equal(b, "application/octet-stream");
    http_content_type_line("application/json", b, sizeof b);
    assert_string_equal(b, "application/json; charset=utf-8");
    http_content_type_line("application/problem+json", b, sizeof b);
    assert_string_equal(b, "application/problem+json; charset=utf-8");
    http_content_type_line("application/jsonx", b, sizeof b);
    assert_string_equal(b, "application/jsonx");
    http_content_type_line("text/csv", b, sizeof b);
    assert_string_equal(b, "text/csv; charset=utf-8");
    http_content_type_line("text/plain; version=0.0.4", b, sizeof b);
    assert_string_equal(b, "text/plain; version=0.0.4; charset=utf-8");
    /* named already: not twice */
    http_content_type_line("text/html; charset=utf-8", b, sizeof b);
    assert_string_equal(b, "text/html; charset=utf-8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(headers_come_from_the_environment, teardown),
        cmocka_unit_test_teardown(query_values_are_decoded, teardown),
        cmocka_unit_test_teardown(query_bad_escapes_are_unusable, teardown),
        cmocka_unit_test_teardown(percent_decoding, teardown),
        cmocka_unit_test_teardown(cookies_by_name, teardown),
        cmocka_unit_test_teardown(content_type_matching, teardown),
        cmocka_unit_test_teardown(problem_json_shape, teardown),
        cmocka_unit_test_teardown(problem_with_field_errors, teardown),
        cmocka_unit_test_teardown(other_responses, teardown),
        cmocka_unit_test_teardown(etag_matches_itself_and_its_weak_form, teardown),
        cmocka_unit_test_teardown(etag_names_nothing_else, teardown),
        cmocka_unit_test_teardown(no_body_no_allocation, teardown),
        cmocka_unit_test_teardown(body_of_known_length, teardown),
        cmocka_unit_test_teardown(body_of_unknown_length_grows, teardown),
        cmocka_unit_test_teardown(body_at_and_over_the_limit, teardown),
        cmocka_unit_test_teardown(reason_phrases, teardown),
        cmocka_unit_test(charset_only_on_text_and_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
