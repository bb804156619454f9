/* The three CSV imports (POST /staff/import, /campaigns/{id}/titles/import,
 * /study-sessions/{id}/attendance as text/csv) answer each kind of error
 * one way: a body that cannot be read as CSV is a 400 naming "body", its
 * "line" and, in a data row, its "row"; a missing column, or a file
 * without a data row (blank lines, a BOM, a header alone) is a 422; bad
 * values are a 422 listing the bad rows under one detail, the first 1 000
 * errors and errors_total; more than 64 columns or 200 000 data rows is a
 * 413 with "limits". Nothing is written in any of these cases. */
#include "client.h"
#include "facts_fixture.h"

static char *admin, *office;

/* One import: where it is posted, a header and a good row (each with its
 * line break), the header without one column and a row that fits it,
 * three rows of which the first and the third are bad, and how to count
 * what it has written. */
typedef struct import {
    const char *name;
    char path[160];
    const char *header;
    const char *good;
    const char *missing_header, *missing_row;
    const char *missing_column;
    const char *bad_rows;
    const char *bad_field_1, *bad_field_3;
    const char *count_sql; /* $1 = scope */
    long long scope;
    /* Data row i (1-based) of a file of many rows, each with exactly one
     * error, in the field bad_field_1; "" for a short form. */
    void (*many_row)(char *out, size_t cap, size_t i);
} import;

enum { STAFF, TITLES, ATTENDANCE, NIMPORTS };
static import imports[NIMPORTS];

static const char ROWS_DETAIL[] = "Tệp CSV có dòng không hợp lệ; không dòng nào được ghi.";

static long long written(const import *im)
{
    return fx_count(im->count_sql, im->scope);
}

/* Posts body (a printf format) to the import. */
static t_resp *post(const import *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static t_resp *post(const import *im, const char *fmt, ...)
{
    char body[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    return fx_csv(im->path, office, body);
}

/* The good row without its line break (to append to it). */
static const char *good_line(const import *im)
{
    static char out[256];
    snprintf(out, sizeof out, "%.*s", (int)strcspn(im->good, "\n"), im->good);
    return out;
}

/* A 400 whose one error names body, with line and (row > 0) row, or no
 * row (row 0: the header). */
static void assert_not_csv(const import *im, const t_resp *r, long row, long line)
{
    if (r->status != 400)
        fail_msg("%s: expected 400, got %ld: %s", im->name, r->status, r->body);
    t_assert_problem(r, 400, "body");
    json_t *errors = json_object_get(r->json, "errors");
    assert_int_equal(json_array_size(errors), 1);
    json_t *e = json_array_get(errors, 0);
    assert_string_equal(t_json_str(e, "field"), "body");
    assert_non_null(t_json_str(e, "message"));
    if (row > 0)
        assert_int_equal(t_json_int(e, "row"), row);
    else
        assert_null(json_object_get(e, "row"));
    assert_int_equal(t_json_int(e, "line"), line);
}

static void not_csv_is_400_with_row(void **state)
{
    (void)state;
    for (int i = 0; i < NIMPORTS; i++) {
        const import *im = &imports[i];
        long long before = written(im);
        /* A quote opened in data row 2 (line 3) and never closed. */
        t_resp *r = post(im, "%s%s\"%s", im->header, im->good, im->good);
        assert_not_csv(im, r, 2, 3);
        t_free(r);
        /* Data row 3 has one field more than the header. */
        r = post(im, "%s%s%s%s,x\n%s", im->header, im->good, im->good, good_line(im), im->good);
        assert_not_csv(im, r, 3, 4);
        t_free(r);
        /* A quote inside an unquoted field of data row 1. */
        r = post(im, "%sx\"%s", im->header, im->good);
        assert_not_csv(im, r, 1, 2);
        t_free(r);
        /* Text after a closing quote whose field spans lines 3 and 4: the
         * line is the closing quote's, the row still 2. */
        r = post(im, "%s%s\"a\nb\"x\n", im->header, im->good);
        assert_not_csv(im, r, 2, 4);
        t_free(r);
        /* Two columns of one name: the header's fault, no row. */
        char dup[256];
        snprintf(dup, sizeof dup, "%.*s,%s", (int)strcspn(im->header, ",\n"), im->header, im->header);
        r = post(im, "%sx,%s", dup, im->good);
        assert_not_csv(im, r, 0, 1);
        t_free(r);
        assert_int_equal(written(im), before);
    }
}

static void missing_column_is_422(void **state)
{
    (void)state;
    for (int i = 0; i < NIMPORTS; i++) {
        const import *im = &imports[i];
        long long before = written(im);
        t_resp *r = post(im, "%s%s", im->missing_header, im->missing_row);
        t_assert_problem(r, 422, im->missing_column);
        fx_assert_error(r, im->missing_column, 0, im->missing_column);
        t_free(r);
        assert_int_equal(written(im), before);
        if (!strchr(im->header, ','))
            continue;
        /* Saved with semicolons: one column named "a;b;..."; the detail says why. */
        char header[256], row[256];
        snprintf(header, sizeof header, "%s", im->header);
        snprintf(row, sizeof row, "%s", im->good);
        for (char *p = header; *p; p++)
            *p = *p == ',' ? ';' : *p;
        for (char *p = row; *p; p++)
            *p = *p == ',' ? ';' : *p;
        r = post(im, "%s%s", header, row);
        t_assert_problem(r, 422, im->missing_column);
        assert_non_null(strstr(t_json_str(r->json, "detail"), "(;)"));
        t_free(r);
        assert_int_equal(written(im), before);
    }
}

static void empty_file_is_422(void **state)
{
    (void)state;
    for (int i = 0; i < NIMPORTS; i++) {
        const import *im = &imports[i];
        long long before = written(im);
        /* No byte at all is no body, which the worker refuses for every
         * route that takes one: 400, before any import reads it. */
        t_resp *r = post(im, "%s", "");
        t_assert_problem(r, 400, NULL);
        t_free(r);
        /* Blank lines only, a BOM only, a header alone: no data row. */
        const char *bodies[] = {"\r\n\r\n", "\xEF\xBB\xBF", im->header, "\n\n"};
        for (size_t b = 0; b < sizeof bodies / sizeof *bodies; b++) {
            r = post(im, "%s", bodies[b]);
            if (r->status != 422)
                fail_msg("%s, body %zu: expected 422, got %ld: %s", im->name, b, r->status, r->body);
            t_assert_problem(r, 422, "body");
            t_free(r);
        }
        assert_int_equal(written(im), before);
    }
}

static void bad_values_are_422_listing_rows(void **state)
{
    (void)state;
    for (int i = 0; i < NIMPORTS; i++) {
        const import *im = &imports[i];
        long long before = written(im);
        t_resp *r = post(im, "%s%s", im->header, im->bad_rows);
        if (r->status != 422)
            fail_msg("%s: expected 422, got %ld: %s", im->name, r->status, r->body);
        t_assert_problem(r, 422, im->bad_field_1);
        fx_assert_error(r, im->bad_field_1, 1, NULL);
        fx_assert_error(r, im->bad_field_3, 3, NULL);
        assert_int_equal(fx_error_count(r), 2);
        assert_string_equal(t_json_str(r->json, "detail"), ROWS_DETAIL);
        t_free(r);
        assert_int_equal(written(im), before);
    }
}

/* A growing body for files too large for post(). */
typedef struct body {
    char *p;
    size_t len, cap;
} big_body;

static void add(big_body *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(big_body *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if (b->p && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
}

static t_resp *post_body(const import *im, big_body *b)
{
    t_resp *r = t_request("POST", im->path, office, "text/csv", b->p, b->len);
    free(b->p);
    *b = (big_body){0};
    return r;
}

/* The header with columns filler columns more, and the first bad row with
 * as many more fields. */
static t_resp *post_wide(const import *im, int columns)
{
    big_body b = {0};
    add(&b, "%.*s", (int)strcspn(im->header, "\n"), im->header);
    for (int i = 0; i < columns; i++)
        add(&b, ",ghi_chu_%d", i + 1);
    add(&b, "\n%.*s", (int)strcspn(im->bad_rows, "\n"), im->bad_rows);
    for (int i = 0; i < columns; i++)
        add(&b, ",x");
    add(&b, "\n");
    return post_body(im, &b);
}

static size_t header_columns(const import *im)
{
    size_t n = 1;
    for (const char *p = im->header; *p; p++)
        n += *p == ',';
    return n;
}

static void assert_limits(const t_resp *r)
{
    json_t *limits = json_object_get(r->json, "limits");
    assert_int_equal(t_json_int(limits, "columns"), 64);
    assert_int_equal(t_json_int(limits, "rows"), 200000);
    assert_int_equal(t_json_int(limits, "errors_listed"), 1000);
}

/* 64 columns are read (the staff import then refuses the ones it does not
 * declare; the others read past them to the bad row); 65 are a 413. */
static void columns_past_the_limit_are_413(void **state)
{
    (void)state;
    for (int i = 0; i < NIMPORTS; i++) {
        const import *im = &imports[i];
        long long before = written(im);
        int fill = 64 - (int)header_columns(im);
        t_resp *r = post_wide(im, fill);
        if (r->status != 422)
            fail_msg("%s, 64 columns: expected 422, got %ld: %s", im->name, r->status, r->body);
        if (i == STAFF) {
            fx_assert_error(r, "ghi_chu_1", 0, "không được hỗ trợ");
            assert_int_equal(fx_error_count(r), (size_t)fill);
        } else {
            fx_assert_error(r, im->bad_field_1, 1, NULL);
        }
        t_free(r);
        r = post_wide(im, fill + 1);
        if (r->status != 413)
            fail_msg("%s, 65 columns: expected 413, got %ld: %s", im->name, r->status, r->body);
        t_assert_problem(r, 413, "body");
        fx_assert_error(r, "body", 0, "tiêu đề có hơn 64 cột");
        json_t *e = json_array_get(json_object_get(r->json, "errors"), 0);
        assert_int_equal(t_json_int(e, "line"), 1);
        assert_null(json_object_get(e, "row"));
        assert_limits(r);
        t_free(r);
        assert_int_equal(written(im), before);
    }
}

static t_resp *post_many(const import *im, size_t rows)
{
    big_body b = {0};
    add(&b, "%s", im->header);
    char line[128];
    for (size_t i = 1; i <= rows; i++) {
        im->many_row(line, sizeof line, i);
        add(&b, "%s", line);
    }
    return post_body(im, &b);
}

/* 200 000 rows are read and checked (each bad: 200 000 errors, the first
 * 1 000 listed); 200 001 are a 413 naming the row too many. */
static void rows_past_the_limit_are_413(void **state)
{
    (void)state;
    for (int i = 0; i < NIMPORTS; i++) {
        const import *im = &imports[i];
        long long before = written(im);
        t_resp *r = post_many(im, 200000);
        if (r->status != 422)
            fail_msg("%s, 200 000 rows: expected 422, got %ld: %.500s", im->name, r->status, r->body);
        assert_int_equal(fx_error_count(r), 1000);
        assert_int_equal(t_json_int(r->json, "errors_total"), 200000);
        fx_assert_error(r, im->bad_field_1, 1000, NULL);
        assert_limits(r);
        t_free(r);
        r = post_many(im, 200001);
        if (r->status != 413)
            fail_msg("%s, 200 001 rows: expected 413, got %ld: %.500s", im->name, r->status, r->body);
        fx_assert_error(r, "body", 200001, "hơn 200000 dòng dữ liệu");
        assert_int_equal(t_json_int(json_array_get(json_object_get(r->json, "errors"), 0), "line"), 200002);
        assert_limits(r);
        t_free(r);
        assert_int_equal(written(im), before);
    }
}

/* 1 000 errors are all listed; of 1 001, the first 1 000, and the detail
 * and errors_total say so. */
static void errors_listed_up_to_1000(void **state)
{
    (void)state;
    for (int i = 0; i < NIMPORTS; i++) {
        const import *im = &imports[i];
        t_resp *r = post_many(im, 1000);
        t_assert_problem(r, 422, im->bad_field_1);
        assert_int_equal(fx_error_count(r), 1000);
        assert_int_equal(t_json_int(r->json, "errors_total"), 1000);
        assert_string_equal(t_json_str(r->json, "detail"), ROWS_DETAIL);
        t_free(r);
        r = post_many(im, 1001);
        t_assert_problem(r, 422, im->bad_field_1);
        assert_int_equal(fx_error_count(r), 1000);
        fx_assert_error(r, im->bad_field_1, 1000, NULL);
        assert_int_equal(t_json_int(r->json, "errors_total"), 1001);
        const char *detail = t_json_str(r->json, "detail");
        assert_int_equal(strncmp(detail, ROWS_DETAIL, strlen(ROWS_DETAIL)), 0);
        assert_non_null(strstr(detail, "Có 1001 lỗi; chỉ liệt kê 1000 lỗi đầu tiên."));
        t_free(r);
    }
}

/* 5 000 rows of one staff code, or of one subject and title: each row's
 * error names the rows that repeat it in a short list ("1, 2, …"), and
 * the answer stays small. The titles import used to print the whole list
 * into every row's message: 5 000 rows answered 145 MB after 7 s, 20 000
 * never answered. */
static void repeated_rows_are_named_in_a_short_list(void **state)
{
    (void)state;
    static const struct {
        int import;
        const char *row, *field;
    } cases[] = {
        {STAFF, "SAME,Lê Văn Lặp,U1,cong_chuc,2020-01-01,\n", "code"},
        {TITLES, "staff,S1,LDTT,,2025-12-01\n", "subject_code"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const import *im = &imports[cases[c].import];
        long long before = written(im);
        big_body b = {0};
        add(&b, "%s", im->header);
        for (int i = 0; i < 5000; i++)
            add(&b, "%s", cases[c].row);
        t_resp *r = post_body(im, &b);
        t_assert_problem(r, 422, cases[c].field);
        assert_int_equal(t_json_int(r->json, "errors_total"), 5000);
        fx_assert_error(r, cases[c].field, 1000, "1, 2, 3");
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(r->json, "errors"), i, e) {
            const char *m = t_json_str(e, "message");
            assert_true(strlen(m) < 300);
            assert_non_null(strstr(m, ", …"));
        }
        assert_true(r->len < 400 * 1000);
        t_free(r);
        assert_int_equal(written(im), before);
    }
}

static void staff_many_row(char *out, size_t cap, size_t i)
{
    snprintf(out, cap, "B%06zu,Lê Văn Nhiều,U1,bien_che,2020-01-01,\n", i); /* category */
}

static void titles_many_row(char *out, size_t cap, size_t i)
{
    (void)i;
    snprintf(out, cap, "staff,S1,LDTT_X,,2025-12-01\n"); /* title */
}

static void attendance_many_row(char *out, size_t cap, size_t i)
{
    (void)i;
    snprintf(out, cap, "X\n"); /* no such staff; short, as the route takes 1 MiB */
}

/* The same files, corrected, go in: the errors above were about the file. */
static void good_files_go_in(void **state)
{
    (void)state;
    for (int i = 0; i < NIMPORTS; i++) {
        const import *im = &imports[i];
        long long before = written(im);
        t_resp *r = post(im, "%s%s", im->header, im->good);
        t_assert_status(r, 200);
        t_free(r);
        assert_int_equal(written(im), before + 1);
    }
}

int main(void)
{
    t_init();
    admin = t_user("csvimports_admin", "admin", NULL, NULL);
    char agency_code[64];
    long long agency = t_make_agency(admin, "CSI", agency_code, sizeof agency_code);
    office = t_user("csvimports_office", "office", NULL, agency_code);
    long long unit = fx_unit(admin, agency, "U1", "division", NULL);
    long long campaign = fx_campaign(agency, "TD2025", "2025-01-01", "2025-12-31", "2026-06-30");
    fx_staff(unit, "S1", "Nguyễn Văn An", "2020-01-01", NULL);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/study-topics", campaign);
    t_resp *r = t_post(path, office, "{\"code\":\"NQ01\",\"title\":\"Nghị quyết số 01\"}");
    t_assert_status(r, 201);
    long long topic = t_json_int(r->json, "id");
    t_free(r);
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/study-sessions", campaign);
    char body[128];
    snprintf(body, sizeof body, "{\"topic_id\":%lld,\"held_on\":\"2025-03-10\"}", topic);
    r = t_post(path, office, body);
    t_assert_status(r, 201);
    long long session = t_json_int(r->json, "id");
    t_free(r);

    imports[STAFF] = (import){
        .name = "staff",
        .header = "code,full_name,unit_code,category,joined_on,left_on\n",
        .good = "NEW1,Lê Văn Mới,U1,cong_chuc,2020-01-01,\n",
        .missing_header = "code,full_name,unit_code,category,left_on\n",
        .missing_row = "NEW9,Lê Văn Chín,U1,cong_chuc,\n",
        .missing_column = "joined_on",
        .bad_rows = "NEW2,Lê Văn Hai,U1,bien_che,2020-01-01,\n"
                    "NEW3,Lê Văn Ba,U1,cong_chuc,2020-01-01,\n"
                    "NEW4,Lê Văn Bốn,U1,cong_chuc,2020-02-30,\n",
        .bad_field_1 = "category",
        .bad_field_3 = "joined_on",
        .count_sql = "SELECT count(*) FROM staff WHERE agency_id = $1",
        .scope = agency,
        .many_row = staff_many_row,
    };
    snprintf(imports[STAFF].path, sizeof imports[STAFF].path, "/api/v1/staff/import?agency_id=%lld", agency);
    imports[TITLES] = (import){
        .name = "titles",
        .header = "subject_type,subject_code,title,decision_no,decided_on\n",
        .good = "staff,S1,LDTT,01/QĐ,2025-12-01\n",
        .missing_header = "subject_type,subject_code,title,decided_on\n",
        .missing_row = "staff,S1,LDTT,2025-12-01\n",
        .missing_column = "decision_no",
        .bad_rows = "staff,S1,LDTT_X,,2025-12-01\n"
                    "staff,S1,CSTDCS,,2025-12-01\n"
                    "staff,S1,CSTD_TINH,,2024-12-31\n",
        .bad_field_1 = "title",
        .bad_field_3 = "decided_on",
        .count_sql = "SELECT count(*) FROM titles WHERE campaign_id = $1",
        .scope = campaign,
        .many_row = titles_many_row,
    };
    snprintf(imports[TITLES].path, sizeof imports[TITLES].path, "/api/v1/campaigns/%lld/titles/import", campaign);
    imports[ATTENDANCE] = (import){
        .name = "attendance",
        .header = "staff_code\n",
        .good = "S1\n",
        .missing_header = "code\n",
        .missing_row = "S1\n",
        .missing_column = "staff_code",
        .bad_rows = "NOPE1\nS1\nNOPE3\n",
        .bad_field_1 = "staff_code",
        .bad_field_3 = "staff_code",
        .count_sql = "SELECT count(*) FROM attendance WHERE session_id = $1",
        .scope = session,
        .many_row = attendance_many_row,
    };
    snprintf(imports[ATTENDANCE].path, sizeof imports[ATTENDANCE].path, "/api/v1/study-sessions/%lld/attendance",
             session);

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(not_csv_is_400_with_row),
        cmocka_unit_test(missing_column_is_422),
        cmocka_unit_test(empty_file_is_422),
        cmocka_unit_test(bad_values_are_422_listing_rows),
        cmocka_unit_test(columns_past_the_limit_are_413),
        cmocka_unit_test(rows_past_the_limit_are_413),
        cmocka_unit_test(errors_listed_up_to_1000),
        cmocka_unit_test(repeated_rows_are_named_in_a_short_list),
        cmocka_unit_test(good_files_go_in),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    return rc;
}
