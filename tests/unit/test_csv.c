/* test_csv.c — unit tests for the CSV import reader (fcgi/csv.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"

static csv_doc *parse_ok_n(const char *data, size_t len)
{
    csv_doc *doc = NULL;
    csv_error err;
    int rc = csv_parse(data, len, &doc, &err);
    if (rc != 0)
        print_error("unexpected error: line %zu row %zu: %s\n", err.line, err.row, err.message);
    assert_int_equal(rc, 0);
    assert_non_null(doc);
    return doc;
}

static csv_doc *parse_ok(const char *data)
{
    return parse_ok_n(data, strlen(data));
}

static csv_error parse_fail_n(const char *data, size_t len)
{
    csv_doc *doc = (csv_doc *)&doc; /* must be reset to NULL */
    csv_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(csv_parse(data, len, &doc, &err), -1);
    assert_null(doc);
    assert_true(err.message[0] != '\0');
    assert_int_not_equal(err.kind, CSV_ERR_NONE);
    return err;
}

static csv_error parse_fail(const char *data)
{
    return parse_fail_n(data, strlen(data));
}

static void test_simple_file(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("ma,ho_ten,don_vi\n1,An,Phong A\n2,Binh,Phong B\n");
    assert_int_equal(csv_ncols(doc), 3);
    assert_int_equal(csv_nrows(doc), 2);
    assert_string_equal(csv_header(doc, 0), "ma");
    assert_string_equal(csv_header(doc, 2), "don_vi");
    assert_string_equal(csv_field(doc, 0, 0), "1");
    assert_string_equal(csv_field(doc, 0, 1), "An");
    assert_string_equal(csv_field(doc, 1, 2), "Phong B");
    assert_int_equal(csv_row_line(doc, 0), 2);
    assert_int_equal(csv_row_line(doc, 1), 3);
    csv_free(doc);
}

static void test_header_any_order(void **state)
{
    (void)state;
    csv_doc *a = parse_ok("ma,ten\n7,Lan\n");
    csv_doc *b = parse_ok("ten,ma\nLan,7\n");
    long ma_a = csv_column(a, "ma"), ten_a = csv_column(a, "ten");
    long ma_b = csv_column(b, "ma"), ten_b = csv_column(b, "ten");
    assert_int_equal(ma_a, 0);
    assert_int_equal(ma_b, 1);
    assert_string_equal(csv_field(a, 0, (size_t)ma_a), csv_field(b, 0, (size_t)ma_b));
    assert_string_equal(csv_field(a, 0, (size_t)ten_a), csv_field(b, 0, (size_t)ten_b));
    assert_int_equal(csv_column(a, "khong_co"), -1);
    csv_free(a);
    csv_free(b);
}

static void test_header_trimmed_case_sensitive(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("  ma , Ten\n1,x\n");
    assert_int_equal(csv_column(doc, "ma"), 0);
    assert_int_equal(csv_column(doc, "Ten"), 1);
    assert_int_equal(csv_column(doc, " Ten "), 1);
    assert_int_equal(csv_column(doc, "ten"), -1);
    assert_string_equal(csv_header(doc, 0), "  ma "); /* as written */
    csv_free(doc);
}

static void test_fields_not_trimmed(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("a,b\n  x , y\n");
    assert_string_equal(csv_field(doc, 0, 0), "  x ");
    assert_string_equal(csv_field(doc, 0, 1), " y");
    csv_free(doc);
}

static void test_empty_fields(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("a,b,c\n,,\n\"\",x,\n");
    assert_int_equal(csv_nrows(doc), 2);
    for (size_t c = 0; c < 3; c++)
        assert_string_equal(csv_field(doc, 0, c), "");
    assert_string_equal(csv_field(doc, 1, 0), "");
    assert_string_equal(csv_field(doc, 1, 1), "x");
    assert_string_equal(csv_field(doc, 1, 2), "");
    csv_free(doc);
}

static void test_quoted_comma(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("ten,dia_chi\nAn,\"12 Le Loi, Hue\"\n");
    assert_int_equal(csv_ncols(doc), 2);
    assert_string_equal(csv_field(doc, 0, 1), "12 Le Loi, Hue");
    csv_free(doc);
}

static void test_doubled_quotes(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("a,b\n\"He said \"\"hi\"\"\",\"\"\"\"\n");
    assert_string_equal(csv_field(doc, 0, 0), "He said \"hi\"");
    assert_string_equal(csv_field(doc, 0, 1), "\"");
    csv_free(doc);
}

static void test_line_break_in_quotes(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("a,b\n\"dong 1\ndong 2\",x\ny,z\n");
    assert_int_equal(csv_nrows(doc), 2);
    assert_string_equal(csv_field(doc, 0, 0), "dong 1\ndong 2");
    assert_int_equal(csv_row_line(doc, 0), 2);
    assert_int_equal(csv_row_line(doc, 1), 4);
    assert_string_equal(csv_field(doc, 1, 0), "y");
    csv_free(doc);
}

static void test_crlf(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n");
    assert_int_equal(csv_nrows(doc), 2);
    assert_string_equal(csv_header(doc, 1), "b");
    assert_string_equal(csv_field(doc, 0, 1), "2");
    assert_string_equal(csv_field(doc, 1, 0), "x\r\ny"); /* kept as-is */
    assert_string_equal(csv_field(doc, 1, 1), "3");
    assert_int_equal(csv_row_line(doc, 1), 3);
    csv_free(doc);
}

static void test_lone_cr_is_line_break(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("a,b\r1,2\r3,4");
    assert_int_equal(csv_nrows(doc), 2);
    assert_string_equal(csv_field(doc, 1, 1), "4");
    assert_int_equal(csv_row_line(doc, 1), 3);
    csv_free(doc);
}

static void test_bom_skipped(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("\xEF\xBB\xBFma,ten\n1,An\n");
    assert_string_equal(csv_header(doc, 0), "ma");
    assert_int_equal(csv_column(doc, "ma"), 0);
    assert_int_equal(csv_row_line(doc, 0), 2);
    csv_free(doc);
}

static void test_trailing_blank_lines(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("a,b\n1,2\n\n\r\n\r\n\n");
    assert_int_equal(csv_nrows(doc), 1);
    csv_free(doc);
}

static void test_blank_lines_in_middle_ignored(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("\na,b\n\n1,2\r\n\r\n3,4\n");
    assert_int_equal(csv_nrows(doc), 2);
    assert_string_equal(csv_header(doc, 0), "a");
    assert_int_equal(csv_row_line(doc, 0), 4);
    assert_int_equal(csv_row_line(doc, 1), 6);
    csv_free(doc);
}

static void test_missing_final_newline(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("a,b\n1,2");
    assert_int_equal(csv_nrows(doc), 1);
    assert_string_equal(csv_field(doc, 0, 1), "2");
    csv_free(doc);
    doc = parse_ok("a,b\n1,\"q\"");
    assert_string_equal(csv_field(doc, 0, 1), "q");
    csv_free(doc);
    doc = parse_ok("a,b\n1,");
    assert_string_equal(csv_field(doc, 0, 1), "");
    csv_free(doc);
}

static void test_wrong_field_count(void **state)
{
    (void)state;
    /* Row 3 starts on line 5 because row 1 spans two lines. */
    csv_error err = parse_fail("a,b,c,d,e,f\n1,\"x\ny\",3,4,5,6\n1,2,3,4,5,6\n1,2,3,4\n");
    assert_int_equal(err.line, 5);
    assert_int_equal(err.row, 3);
    assert_int_equal(err.kind, CSV_ERR_SYNTAX);
    assert_string_equal(err.message, "dòng 5 (hàng dữ liệu 3): có 4 cột, tiêu đề có 6 cột");
}

static void test_too_many_fields(void **state)
{
    (void)state;
    csv_error err = parse_fail("a,b\n1,2,3\n");
    assert_int_equal(err.line, 2);
    assert_int_equal(err.row, 1);
    assert_string_equal(err.message, "dòng 2 (hàng dữ liệu 1): có 3 cột, tiêu đề có 2 cột");
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    csv_error err = parse_fail("a,b\n1,2\n3,\"abc\ndef\n");
    assert_int_equal(err.line, 3); /* where the quote opened */
    assert_int_equal(err.row, 2);
    assert_int_equal(err.kind, CSV_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "dòng 3"));
    assert_non_null(strstr(err.message, "ngoặc kép"));
}

static void test_stray_quote(void **state)
{
    (void)state;
    csv_error err = parse_fail("a,b\n1,ab\"c\n");
    assert_int_equal(err.line, 2);
    assert_int_equal(err.row, 1);
    assert_non_null(strstr(err.message, "dòng 2"));
}

static void test_text_after_closing_quote(void **state)
{
    (void)state;
    csv_error err = parse_fail("a,b\n\"x\ny\"z,2\n");
    assert_int_equal(err.line, 3); /* the closing quote's line */
    assert_int_equal(err.row, 1);
    assert_non_null(strstr(err.message, "dòng 3"));
}

static void test_duplicate_header(void **state)
{
    (void)state;
    csv_error err = parse_fail("ma,ten,ma \n1,2,3\n");
    assert_int_equal(err.line, 1);
    assert_int_equal(err.row, 0);
    assert_int_equal(err.kind, CSV_ERR_SYNTAX);
    assert_string_equal(err.message, "dòng 1: tiêu đề có hai cột cùng tên \"ma\" (cột 1 và cột 3)");
}

static void test_duplicate_empty_header(void **state)
{
    (void)state;
    csv_error err = parse_fail("a,,b,\n");
    assert_int_equal(err.row, 0);
    assert_string_equal(err.message, "dòng 1: tiêu đề có hai cột không có tên (cột 2 và cột 4)");
}

static void test_duplicate_long_header_cut_on_char_boundary(void **state)
{
    (void)state;
    /* 47 ASCII bytes, then 'ư' (2 bytes) straddles the 48-byte echo limit. */
    const char *name = "Danh hieu thi dua cap co so cua can bo cong chu\xC6\xB0\xC6\xA1";
    char data[256];
    snprintf(data, sizeof data, "%s,%s\n", name, name);
    csv_error err = parse_fail(data);
    assert_non_null(strstr(err.message, "\"Danh hieu thi dua cap co so cua can bo cong chu…\""));
    assert_non_null(strstr(err.message, "(cột 1 và cột 2)"));
}

static void test_empty_input(void **state)
{
    (void)state;
    static const char *const inputs[] = {"", "\n", "\r\n\r\n", "\xEF\xBB\xBF", "\xEF\xBB\xBF\r\n"};
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        csv_error err = parse_fail(inputs[i]);
        assert_string_equal(err.message, "tệp CSV trống");
        assert_int_equal(err.row, 0);
        assert_int_equal(err.kind, CSV_ERR_EMPTY);
    }
    csv_error err = parse_fail_n(NULL, 0);
    assert_string_equal(err.message, "tệp CSV trống");
    assert_int_equal(err.kind, CSV_ERR_EMPTY);
}

/* A caller's mistake is told apart from a bad input. */
static void test_bad_arguments_are_not_the_input(void **state)
{
    (void)state;
    csv_error err;
    assert_int_equal(csv_parse("a\n1\n", 4, NULL, &err), -1);
    assert_int_equal(err.kind, CSV_ERR_RESOURCE);
    csv_doc *doc = NULL;
    assert_int_equal(csv_parse(NULL, 4, &doc, &err), -1);
    assert_int_equal(err.kind, CSV_ERR_RESOURCE);
    assert_null(doc);
    assert_int_equal(csv_parse("a\n1\n", 4, &doc, &err), 0);
    assert_int_equal(err.kind, CSV_ERR_NONE);
    csv_free(doc);
}

static void test_nul_byte_rejected(void **state)
{
    (void)state;
    static const char data[] = "a,b\n1,2\nx\0y,3\n";
    csv_error err = parse_fail_n(data, sizeof data - 1);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.row, 2);
    static const char quoted[] = "a,b\n\"x\0\",3\n";
    err = parse_fail_n(quoted, sizeof quoted - 1);
    assert_int_equal(err.line, 2);
}

static void test_vietnamese_utf8_byte_exact(void **state)
{
    (void)state;
    const char *name = "Nguyễn Thị Thu Hường";
    const char *title = "Chiến sĩ thi đua cơ sở, năm 2024";
    csv_doc *doc = parse_ok("\xEF\xBB\xBFHọ và tên,Danh hiệu\r\n"
                            "Nguyễn Thị Thu Hường,\"Chiến sĩ thi đua cơ sở, năm 2024\"\r\n");
    assert_int_equal(csv_column(doc, "Danh hiệu"), 1);
    assert_int_equal(csv_column(doc, "Họ và tên"), 0);
    assert_int_equal(strlen(csv_field(doc, 0, 0)), strlen(name));
    assert_memory_equal(csv_field(doc, 0, 0), name, strlen(name) + 1);
    assert_memory_equal(csv_field(doc, 0, 1), title, strlen(title) + 1);
    csv_free(doc);
}

static void test_out_of_range_access(void **state)
{
    (void)state;
    csv_doc *doc = parse_ok("a\n1\n");
    assert_string_equal(csv_field(doc, 1, 0), "");
    assert_string_equal(csv_field(doc, 0, 1), "");
    assert_string_equal(csv_header(doc, 1), "");
    assert_int_equal(csv_row_line(doc, 1), 0);
    csv_free(doc);
    csv_free(NULL);
}

static void test_generated_10000_rows(void **state)
{
    (void)state;
    enum { ROWS = 10000 };
    size_t cap = (size_t)ROWS * 96 + 128, len = 0;
    char *data = malloc(cap);
    assert_non_null(data);
    len += (size_t)snprintf(data + len, cap - len, "stt,ma,ho_ten,don_vi,diem,ghi_chu\r\n");
    for (int i = 0; i < ROWS; i++) {
        int n = snprintf(data + len, cap - len, "%d,NV%05d,\"Nguyễn Văn %d\",Phòng %d,%d.%d,\"a, \"\"b\"\"\"\r\n",
                         i + 1, i, i, i % 17, i % 10, i % 7);
        assert_true(n > 0 && (size_t)n < cap - len);
        len += (size_t)n;
    }
    csv_doc *doc = parse_ok_n(data, len);
    free(data); /* the document holds its own copy */
    assert_int_equal(csv_nrows(doc), ROWS);
    assert_int_equal(csv_ncols(doc), 6);
    long ho_ten = csv_column(doc, "ho_ten");
    assert_int_equal(ho_ten, 2);
    char want[64];
    for (size_t i = 0; i < ROWS; i += 997) {
        snprintf(want, sizeof want, "Nguyễn Văn %zu", i);
        assert_string_equal(csv_field(doc, i, (size_t)ho_ten), want);
        snprintf(want, sizeof want, "NV%05zu", i);
        assert_string_equal(csv_field(doc, i, 1), want);
        assert_string_equal(csv_field(doc, i, 5), "a, \"b\"");
        assert_int_equal(csv_row_line(doc, i), i + 2);
    }
    assert_string_equal(csv_field(doc, ROWS - 1, 0), "10000");
    csv_free(doc);
}

/* ---- limits and wide headers --------------------------------------- */

/* A header of ncols columns named c0, c1, … (or dup_of's name again as the
 * last one when dup_of >= 0) and one data row; malloc'd, *len set. */
static char *wide_file(size_t ncols, long dup_of, size_t *len)
{
    size_t cap = ncols * 24 + 64, n = 0;
    char *data = malloc(cap);
    assert_non_null(data);
    for (size_t i = 0; i < ncols; i++) {
        size_t name = dup_of >= 0 && i == ncols - 1 ? (size_t)dup_of : i;
        n += (size_t)snprintf(data + n, cap - n, "%s c%zu", i ? "," : "", name);
    }
    n += (size_t)snprintf(data + n, cap - n, "\n");
    for (size_t i = 0; i < ncols; i++)
        n += (size_t)snprintf(data + n, cap - n, "%s%zu", i ? "," : "", i % 10);
    n += (size_t)snprintf(data + n, cap - n, "\n");
    *len = n;
    return data;
}

/* 200 000 columns: the duplicate check sorts and csv_column searches the
 * sorted names, so this is O(n log n); the scan of every name against
 * every other that this replaced would take minutes. There is no timing
 * assertion: main's watchdog ends a run that hangs. */
static void test_wide_header_200000_columns(void **state)
{
    (void)state;
    enum { WIDE = 200000 };
    size_t len;
    char *data = wide_file(WIDE, -1, &len);
    csv_doc *doc = parse_ok_n(data, len);
    free(data);
    assert_int_equal(csv_ncols(doc), WIDE);
    assert_int_equal(csv_column(doc, "c0"), 0);
    assert_int_equal(csv_column(doc, " c199999 "), WIDE - 1);
    assert_int_equal(csv_column(doc, "c100000"), 100000);
    assert_int_equal(csv_column(doc, "c200000"), -1);
    assert_int_equal(csv_column(doc, "c"), -1);
    assert_string_equal(csv_field(doc, 0, 123457), "7");
    for (size_t i = 0; i < WIDE; i += 4999) {
        char name[32];
        snprintf(name, sizeof name, "c%zu", i);
        assert_int_equal(csv_column(doc, name), (long)i);
    }
    csv_free(doc);

    /* The last column repeats the fourth: named, with both columns. */
    data = wide_file(WIDE, 3, &len);
    csv_error err = parse_fail_n(data, len);
    free(data);
    assert_int_equal(err.kind, CSV_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "\"c3\" (cột 4 và cột 200000)"));
}

/* Limits that are not round, to be sure which number is the limit. */
static const csv_limits LIMITS_7_13 = {7, 13};

static csv_error parse_bounded_fail(const char *data, size_t len, const csv_limits *limits)
{
    csv_doc *doc = (csv_doc *)&doc;
    csv_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(csv_parse_bounded(data, len, limits, &doc, &err), -1);
    assert_null(doc);
    return err;
}

static void test_limit_on_columns(void **state)
{
    (void)state;
    size_t len;
    char *data = wide_file(7, -1, &len);
    csv_doc *doc = NULL;
    csv_error err;
    assert_int_equal(csv_parse_bounded(data, len, &LIMITS_7_13, &doc, &err), 0);
    assert_int_equal(csv_ncols(doc), 7);
    csv_free(doc);
    free(data);

    data = wide_file(8, -1, &len);
    err = parse_bounded_fail(data, len, &LIMITS_7_13);
    free(data);
    assert_int_equal(err.kind, CSV_ERR_LIMIT);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.row, 0);
    assert_string_equal(err.message, "dòng 1: tiêu đề có hơn 7 cột");

    /* The header is refused at its eighth column: what follows, however
     * long and however broken, is never read. */
    static const char broken[] = "\n\na,b,c,d,e,f,g,h,i,j,\"never closed";
    err = parse_bounded_fail(broken, sizeof broken - 1, &LIMITS_7_13);
    assert_int_equal(err.kind, CSV_ERR_LIMIT);
    assert_int_equal(err.line, 3);

    /* A data row of more fields is the field-count error, as without limits. */
    static const char wide_row[] = "a,b\n1,2,3,4,5,6,7,8,9\n";
    err = parse_bounded_fail(wide_row, sizeof wide_row - 1, &LIMITS_7_13);
    assert_int_equal(err.kind, CSV_ERR_SYNTAX);
    assert_int_equal(err.row, 1);
}

/* n data rows "i" under a header "n", blank lines between them (not rows). */
static char *rows_file(size_t n, size_t *len)
{
    size_t cap = n * 16 + 16, used = 0;
    char *data = malloc(cap);
    assert_non_null(data);
    used += (size_t)snprintf(data, cap, "n\n");
    for (size_t i = 1; i <= n; i++)
        used += (size_t)snprintf(data + used, cap - used, "%zu\n\n", i);
    *len = used;
    return data;
}

static void test_limit_on_rows(void **state)
{
    (void)state;
    size_t len;
    char *data = rows_file(13, &len);
    csv_doc *doc = NULL;
    csv_error err;
    assert_int_equal(csv_parse_bounded(data, len, &LIMITS_7_13, &doc, &err), 0);
    assert_int_equal(csv_nrows(doc), 13);
    assert_string_equal(csv_field(doc, 12, 0), "13");
    csv_free(doc);
    free(data);

    data = rows_file(14, &len);
    err = parse_bounded_fail(data, len, &LIMITS_7_13);
    free(data);
    assert_int_equal(err.kind, CSV_ERR_LIMIT);
    assert_int_equal(err.row, 14);
    assert_int_equal(err.line, 28); /* header, then each row and a blank line */
    assert_string_equal(err.message, "dòng 28: tệp có hơn 13 dòng dữ liệu");

    /* 0 is no limit; NULL limits are none. */
    static const csv_limits none = {0, 0};
    data = rows_file(100, &len);
    assert_int_equal(csv_parse_bounded(data, len, &none, &doc, &err), 0);
    assert_int_equal(csv_nrows(doc), 100);
    csv_free(doc);
    assert_int_equal(csv_parse_bounded(data, len, NULL, &doc, &err), 0);
    csv_free(doc);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_file),
        cmocka_unit_test(test_header_any_order),
        cmocka_unit_test(test_header_trimmed_case_sensitive),
        cmocka_unit_test(test_fields_not_trimmed),
        cmocka_unit_test(test_empty_fields),
        cmocka_unit_test(test_quoted_comma),
        cmocka_unit_test(test_doubled_quotes),
        cmocka_unit_test(test_line_break_in_quotes),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_lone_cr_is_line_break),
        cmocka_unit_test(test_bom_skipped),
        cmocka_unit_test(test_trailing_blank_lines),
        cmocka_unit_test(test_blank_lines_in_middle_ignored),
        cmocka_unit_test(test_missing_final_newline),
        cmocka_unit_test(test_wrong_field_count),
        cmocka_unit_test(test_too_many_fields),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_stray_quote),
        cmocka_unit_test(test_text_after_closing_quote),
        cmocka_unit_test(test_duplicate_header),
        cmocka_unit_test(test_duplicate_empty_header),
        cmocka_unit_test(test_duplicate_long_header_cut_on_char_boundary),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_bad_arguments_are_not_the_input),
        cmocka_unit_test(test_nul_byte_rejected),
        cmocka_unit_test(test_wide_header_200000_columns),
        cmocka_unit_test(test_limit_on_columns),
        cmocka_unit_test(test_limit_on_rows),
        cmocka_unit_test(test_vietnamese_utf8_byte_exact),
        cmocka_unit_test(test_out_of_range_access),
        cmocka_unit_test(test_generated_10000_rows),
    };
    /* A watchdog, not a timing assertion: the whole file runs in well under
     * a second; a header handled in quadratic time would run for minutes. */
    alarm(300);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
