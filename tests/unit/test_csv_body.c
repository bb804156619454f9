/* test_csv_body.c — the reading of an import's CSV body (fcgi/api/csv_body.c)
 * at its limits: columns and rows at the limit and one past it (413 with
 * "limits"), the errors of rows listed up to CSV_BODY_ERRORS_LISTED and
 * counted past it, and the short list of repeated rows. No database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/csv_body.h"

static arena mem;

static int teardown(void **state)
{
    (void)state;
    arena_reset(&mem);
    return 0;
}

static const field_def code_column[] = {
    {"staff_code", FT_CODE, F_REQUIRED, 1, 40, NULL, "Mã cán bộ"},
    {0},
};

/* Reads body (len bytes) as an import of code_column, other columns as
 * given; res is filled when it answers. */
static csv_doc *read_body(const char *body, size_t len, csv_other_columns other, response *res, long *at)
{
    static request req;
    memset(&req, 0, sizeof req);
    memset(res, 0, sizeof *res);
    req.mem = res->mem = &mem;
    req.body = body;
    req.body_len = len;
    return csv_body_read(&req, res, code_column, other, at);
}

static json_t *problem(const response *res, int status)
{
    assert_int_equal(res->status, status);
    assert_string_equal(res->content_type, "application/problem+json");
    json_t *j = json_loadb(res->body, res->body_len, 0, NULL);
    assert_non_null(j);
    return j;
}

static void assert_limits(json_t *p)
{
    json_t *limits = json_object_get(p, "limits");
    assert_non_null(limits);
    assert_int_equal(json_integer_value(json_object_get(limits, "columns")), 64);
    assert_int_equal(json_integer_value(json_object_get(limits, "rows")), 200000);
    assert_int_equal(json_integer_value(json_object_get(limits, "errors_listed")), 1000);
}

/* staff_code and ncols - 1 other columns, then one data row. */
static char *columns_file(int ncols, size_t *len)
{
    size_t cap = (size_t)ncols * 16 + 64, n = 0;
    char *body = malloc(cap);
    assert_non_null(body);
    n += (size_t)snprintf(body, cap, "staff_code");
    for (int i = 1; i < ncols; i++)
        n += (size_t)snprintf(body + n, cap - n, ",ghi_chu_%d", i);
    n += (size_t)snprintf(body + n, cap - n, "\nS1");
    for (int i = 1; i < ncols; i++)
        n += (size_t)snprintf(body + n, cap - n, ",x");
    n += (size_t)snprintf(body + n, cap - n, "\n");
    *len = n;
    return body;
}

/* The body read at the limit: the document, with staff_code in column 0. */
static csv_doc *read_at_limit(char *body, size_t len)
{
    response res;
    long at = -1;
    csv_doc *doc = read_body(body, len, CSV_OTHER_COLUMNS_IGNORED, &res, &at);
    free(body);
    assert_non_null(doc);
    assert_int_equal(at, 0);
    return doc;
}

/* The body read one past the limit: a 413 with "limits" and one error
 * naming body, with message, line and row (0: none). */
static void assert_past_limit(char *body, size_t len, const char *message, long line, long row)
{
    response res;
    long at = -1;
    assert_null(read_body(body, len, CSV_OTHER_COLUMNS_IGNORED, &res, &at));
    free(body);
    json_t *p = problem(&res, 413);
    assert_limits(p);
    assert_non_null(strstr(json_string_value(json_object_get(p, "detail")), "tối đa 64 cột và 200000 dòng"));
    json_t *errors = json_object_get(p, "errors");
    assert_int_equal(json_array_size(errors), 1);
    json_t *e = json_array_get(errors, 0);
    assert_string_equal(json_string_value(json_object_get(e, "field")), "body");
    assert_string_equal(json_string_value(json_object_get(e, "message")), message);
    assert_int_equal(json_integer_value(json_object_get(e, "line")), line);
    if (row)
        assert_int_equal(json_integer_value(json_object_get(e, "row")), row);
    else
        assert_null(json_object_get(e, "row"));
    json_decref(p);
}

static void columns_at_the_limit_and_one_past(void **state)
{
    (void)state;
    assert_int_equal(CSV_BODY_MAX_COLUMNS, 64);
    size_t len;
    char *body = columns_file(64, &len);
    csv_doc *doc = read_at_limit(body, len);
    assert_int_equal(csv_ncols(doc), 64);
    csv_free(doc);
    body = columns_file(65, &len);
    assert_past_limit(body, len, "dòng 1: tiêu đề có hơn 64 cột", 1, 0);
}

/* A header and n rows "S<i>". */
static char *rows_file(size_t n, size_t *len)
{
    size_t cap = n * 12 + 32, used = 0;
    char *body = malloc(cap);
    assert_non_null(body);
    used += (size_t)snprintf(body, cap, "staff_code\n");
    for (size_t i = 1; i <= n; i++)
        used += (size_t)snprintf(body + used, cap - used, "S%zu\n", i);
    *len = used;
    return body;
}

static void rows_at_the_limit_and_one_past(void **state)
{
    (void)state;
    assert_int_equal(CSV_BODY_MAX_ROWS, 200000);
    size_t len;
    char *body = rows_file(200000, &len);
    csv_doc *doc = read_at_limit(body, len);
    assert_int_equal(csv_nrows(doc), 200000);
    assert_string_equal(csv_field(doc, 199999, 0), "S200000");
    csv_free(doc);
    body = rows_file(200001, &len);
    assert_past_limit(body, len, "dòng 200002: tệp có hơn 200000 dòng dữ liệu", 200002, 200001);
}

/* Columns refused are each named, the declared one missing too. */
static void header_errors_name_each_column(void **state)
{
    (void)state;
    static const char body[] = "ma,ghi_chu\nS1,x\n";
    response res;
    long at = -1;
    assert_null(read_body(body, sizeof body - 1, CSV_OTHER_COLUMNS_REFUSED, &res, &at));
    json_t *p = problem(&res, 422);
    json_t *errors = json_object_get(p, "errors");
    assert_int_equal(json_array_size(errors), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "field")), "staff_code");
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 1), "field")), "ma");
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 2), "field")), "ghi_chu");
    json_decref(p);
}

/* n errors, one per row, through csv_errors_field; the answer. */
static int answer_errors(size_t n, response *res)
{
    memset(res, 0, sizeof *res);
    res->mem = &mem;
    csv_errors e;
    csv_errors_init(&e);
    for (size_t i = 1; i <= n; i++)
        csv_errors_field(&e, "staff_code", "Mã cán bộ không có trong cơ quan", (long)i);
    assert_int_equal(e.total, n);
    assert_int_equal(json_array_size(e.listed), n < 1000 ? n : 1000);
    return csv_body_row_errors(res, &e);
}

static void errors_listed_up_to_the_limit_and_counted_past_it(void **state)
{
    (void)state;
    assert_int_equal(CSV_BODY_ERRORS_LISTED, 1000);
    response res;
    assert_int_equal(answer_errors(0, &res), 0);
    assert_int_equal(res.status, 0);

    assert_int_equal(answer_errors(1000, &res), -1);
    json_t *p = problem(&res, 422);
    assert_string_equal(json_string_value(json_object_get(p, "detail")),
                        "Tệp CSV có dòng không hợp lệ; không dòng nào được ghi.");
    assert_int_equal(json_array_size(json_object_get(p, "errors")), 1000);
    assert_int_equal(json_integer_value(json_object_get(p, "errors_total")), 1000);
    assert_limits(p);
    json_decref(p);

    assert_int_equal(answer_errors(1001, &res), -1);
    p = problem(&res, 422);
    assert_string_equal(json_string_value(json_object_get(p, "detail")),
                        "Tệp CSV có dòng không hợp lệ; không dòng nào được ghi. Có 1001 lỗi; chỉ liệt kê 1000 "
                        "lỗi đầu tiên.");
    json_t *errors = json_object_get(p, "errors");
    assert_int_equal(json_array_size(errors), 1000);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 999), "row")), 1000);
    assert_int_equal(json_integer_value(json_object_get(p, "errors_total")), 1001);
    json_decref(p);
}

/* Errors that helpers append to a JSON array join the list, in order, and
 * past the limit are only counted. */
static void errors_taken_from_an_array(void **state)
{
    (void)state;
    csv_errors e;
    csv_errors_init(&e);
    json_t *row = json_array();
    for (int i = 0; i < 999; i++)
        fields_error(row, "title", "sai", i + 1);
    csv_errors_take(&e, row);
    assert_int_equal(json_array_size(row), 0);
    fields_error(row, "title", "sai", 1000);
    fields_error(row, "decided_on", "sai", 1000);
    csv_errors_take(&e, row);
    assert_int_equal(e.total, 1001);
    assert_int_equal(json_array_size(e.listed), 1000);
    assert_string_equal(json_string_value(json_object_get(json_array_get(e.listed, 999), "field")), "title");
    json_decref(row);
    csv_errors_free(&e);
}

static void row_lists_are_short(void **state)
{
    (void)state;
    request req = {.mem = &mem};
    csv_row_list l;
    csv_row_list_init(&l);
    csv_row_list_add(&l, 2);
    csv_row_list_add(&l, 5);
    csv_row_list_add(&l, 9);
    assert_string_equal(csv_row_list_text(&req, &l), "2, 5, 9");
    csv_row_list_init(&l);
    for (size_t row = 100000; row < 300000; row++)
        csv_row_list_add(&l, row);
    const char *text = csv_row_list_text(&req, &l);
    assert_true(strlen(text) < 200);
    assert_int_equal(strncmp(text, "100000, 100001, ", 16), 0);
    assert_string_equal(text + strlen(text) - strlen(", …"), ", …");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(columns_at_the_limit_and_one_past, teardown),
        cmocka_unit_test_teardown(rows_at_the_limit_and_one_past, teardown),
        cmocka_unit_test_teardown(header_errors_name_each_column, teardown),
        cmocka_unit_test_teardown(errors_listed_up_to_the_limit_and_counted_past_it, teardown),
        cmocka_unit_test_teardown(errors_taken_from_an_array, teardown),
        cmocka_unit_test_teardown(row_lists_are_short, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    arena_free(&mem);
    return rc;
}
