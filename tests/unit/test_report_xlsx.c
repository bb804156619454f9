/* test_report_xlsx.c — the report workbook (fcgi/report_xlsx.c) opened
 * independently: the zip taken apart with unzip and its XML read as Excel
 * reads it (sheet names, typed cells and their number formats, the frozen
 * pane, the shared strings byte for byte). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_xlsx.h"
#include "report_sample.h"

#define ARTIFACTS "var/test/artifacts"
#define XLSX_PATH ARTIFACTS "/report-sample.xlsx"
#define TMP_PARENT ARTIFACTS "/xlsx-tmp"

/* Two more tables whose captions Excel cannot take as sheet names: one with
 * forbidden characters, and the same again (the names must differ). */
static const struct report_column extra_columns[2] = {
    {"Đơn vị", REPORT_COL_TEXT, 0},
    {"Tỷ lệ", REPORT_COL_PERCENT, 0},
};
static const char *const extra_cells[] = {"Văn phòng Sở", "100", "Thanh tra Sở", "0.000001"};
static struct report_table extra_tables[2];
static struct report_section all_sections[4];

static struct report_doc doc_with_extra_tables(void)
{
    struct report_doc doc = sample_doc();
    for (int i = 0; i < 2; i++)
        extra_tables[i] = (struct report_table){
            .caption = "Tỷ lệ [%] theo đơn vị: 6/2025 *?",
            .columns = extra_columns, .ncolumns = 2, .cells = extra_cells, .nrows = 2,
        };
    memcpy(all_sections, doc.sections, 3 * sizeof all_sections[0]);
    all_sections[3] = (struct report_section){"Phụ lục", NULL, 0, extra_tables, 2};
    doc.sections = all_sections;
    doc.nsections = 4;
    return doc;
}

static char *sheet1, *sheet2, *sheet3, *styles, *strings, *workbook;

static void mkdirs(void)
{
    const char *dirs[] = {"var", "var/test", ARTIFACTS, TMP_PARENT};
    for (size_t i = 0; i < 4; i++)
        if (mkdir(dirs[i], 0755) != 0 && errno != EEXIST)
            fail_msg("mkdir %s: %s", dirs[i], strerror(errno));
}

static int dir_entries(const char *path)
{
    DIR *d = opendir(path);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static int setup(void **state)
{
    (void)state;
    mkdirs();
    struct report_doc doc = doc_with_extra_tables();
    unsigned char *xlsx;
    size_t len;
    char err[256];
    enum report_rc rc = report_xlsx_render(&doc, TMP_PARENT, &xlsx, &len, err, sizeof err);
    if (rc != REPORT_OK) {
        fprintf(stderr, "render: %d %s\n", rc, err);
        return -1;
    }
    FILE *f = fopen(XLSX_PATH, "wb");
    int bad = f == NULL || fwrite(xlsx, 1, len, f) != len || fclose(f) != 0;
    free(xlsx);
    if (bad)
        return -1;
    sheet1 = run("unzip -p %s xl/worksheets/sheet1.xml", XLSX_PATH);
    sheet2 = run("unzip -p %s xl/worksheets/sheet2.xml", XLSX_PATH);
    sheet3 = run("unzip -p %s xl/worksheets/sheet3.xml", XLSX_PATH);
    styles = run("unzip -p %s xl/styles.xml", XLSX_PATH);
    strings = run("unzip -p %s xl/sharedStrings.xml", XLSX_PATH);
    workbook = run("unzip -p %s xl/workbook.xml", XLSX_PATH);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(sheet1);
    free(sheet2);
    free(sheet3);
    free(styles);
    free(strings);
    free(workbook);
    rmdir(TMP_PARENT);
    return 0;
}

/* The opening tag of cell ref ("D31") in sheet, into buf; the cell's <v>
 * value into value (empty when none). */
static void cell(const char *sheet, const char *ref, char *tag, size_t n, char *value, size_t vn)
{
    char needle[32];
    snprintf(needle, sizeof needle, "<c r=\"%s\"", ref);
    const char *p = strstr(sheet, needle);
    if (p == NULL)
        fail_msg("no cell %s", ref);
    size_t len = strcspn(p, ">");
    snprintf(tag, n, "%.*s", (int)(len + 1), p);
    value[0] = '\0';
    if (p[len - 1] == '/')
        return;
    const char *v = strstr(p, "<v>");
    const char *end = strstr(p, "</c>");
    if (v && end && v < end)
        snprintf(value, vn, "%.*s", (int)strcspn(v + 3, "<"), v + 3);
}

/* A cell's value as Excel reads it: 15 significant digits. */
static const char *excel_reads(const char *value)
{
    static char buf[64];
    char *end;
    double v = strtod(value, &end);
    assert_true(end != value && *end == '\0');
    snprintf(buf, sizeof buf, "%.15G", v);
    return buf;
}

/* The number format code of the style s="N" of a cell tag. */
static void format_of(const char *tag, char *code, size_t n)
{
    const char *s = strstr(tag, " s=\"");
    assert_non_null(s);
    long index = strtol(s + 4, NULL, 10);
    const char *xfs = strstr(styles, "<cellXfs");
    assert_non_null(xfs);
    const char *xf = xfs;
    for (long i = 0; i <= index; i++) {
        xf = strstr(xf + 1, "<xf ");
        assert_non_null(xf);
    }
    const char *id = strstr(xf, "numFmtId=\"");
    assert_non_null(id);
    long fmt = strtol(id + 10, NULL, 10);
    if (fmt == 0) {
        snprintf(code, n, "General");
        return;
    }
    if (fmt == 3) { /* built-in */
        snprintf(code, n, "#,##0");
        return;
    }
    char needle[48];
    snprintf(needle, sizeof needle, "<numFmt numFmtId=\"%ld\" formatCode=\"", fmt);
    const char *f = strstr(styles, needle);
    if (f == NULL)
        fail_msg("style %ld: format %ld not declared", index, fmt);
    f += strlen(needle);
    snprintf(code, n, "%.*s", (int)strcspn(f, "\""), f);
}

static void sheet_names(void **state)
{
    (void)state;
    /* The caption cut at a word to 31 characters. */
    assert_non_null(strstr(workbook, "<sheet name=\"Bảng 1. Danh sách cá nhân đề\""));
    /* Forbidden characters gone, and the second of the same name numbered. */
    assert_non_null(strstr(workbook, "<sheet name=\"Tỷ lệ % theo đơn vị 6 2025\""));
    assert_non_null(strstr(workbook, "<sheet name=\"Tỷ lệ % theo đơn vị 6 2025 (2)\""));

    struct report_table t = {.caption = "'Bảng: thống kê khen thưởng theo đối tượng và hình thức'"};
    const char *taken[] = {"BẢNG  THỐNG KÊ"};
    char name[128];
    report_xlsx_sheet_name(&t, 0, taken, 1, name, sizeof name);
    assert_string_equal(name, "Bảng thống kê khen thưởng theo");
    const char *taken2[] = {"Bảng thống kê khen thưởng theo"};
    report_xlsx_sheet_name(&t, 0, taken2, 1, name, sizeof name);
    assert_string_equal(name, "Bảng thống kê khen thưởng (2)");
    struct report_table none = {.caption = " ''[]"};
    report_xlsx_sheet_name(&none, 4, taken, 0, name, sizeof name);
    assert_string_equal(name, "Bảng 5");
}

/* Numbers and dates are numbers (no t="s"), with their formats. */
static void typed_cells(void **state)
{
    (void)state;
    char tag[128], value[64], code[64];
    /* Row i of the sample is sheet row i + 3 (caption, header). */
    cell(sheet1, "A3", tag, sizeof tag, value, sizeof value);
    assert_null(strstr(tag, " t=\""));
    assert_string_equal(value, "1");
    cell(sheet1, "D31", tag, sizeof tag, value, sizeof value); /* i = 28: 28 * 37 = 1036 */
    assert_null(strstr(tag, " t=\""));
    assert_string_equal(value, "1036");
    format_of(tag, code, sizeof code);
    assert_string_equal(code, "#,##0");
    /* 98.6 % as 0.986, 33.333 % as 0.33333, 0.1 % as 0.001, shown with the
     * column's three places. libxlsxwriter writes 16 significant digits
     * (0.8725 as 0.8725000000000001); Excel reads 15, as here. */
    static const char *const pct[][2] = {{"E3", "0.986"}, {"E4", "1"}, {"E5", "0.33333"}, {"E6", "0.001"},
                                         {"E7", "0.8725"}, {"E8", "0.9999"}};
    for (size_t i = 0; i < 6; i++) {
        cell(sheet1, pct[i][0], tag, sizeof tag, value, sizeof value);
        assert_null(strstr(tag, " t=\""));
        assert_string_equal(excel_reads(value), pct[i][1]);
        format_of(tag, code, sizeof code);
        assert_string_equal(code, "0.000%");
    }
    /* 2025-01-01 is Excel's day 45658; 2025-12-28 (i = 119) day 46019. */
    cell(sheet1, "F3", tag, sizeof tag, value, sizeof value);
    assert_null(strstr(tag, " t=\""));
    assert_string_equal(value, "45658");
    format_of(tag, code, sizeof code);
    assert_string_equal(code, "dd/mm/yyyy");
    cell(sheet1, "F121", tag, sizeof tag, value, sizeof value); /* i = 118: 2025-11-07 */
    assert_string_equal(value, "45968");
    cell(sheet1, "F12", tag, sizeof tag, value, sizeof value); /* i = 9: no date, a blank bordered cell */
    assert_string_equal(value, "");
    /* Every numeric cell of the 120 rows, none as text. */
    for (int row = 3; row < 3 + SAMPLE_ROWS; row++) {
        const char cols[] = "ADEF";
        for (int c = 0; c < 4; c++) {
            char ref[16];
            snprintf(ref, sizeof ref, "%c%d", cols[c], row);
            cell(sheet1, ref, tag, sizeof tag, value, sizeof value);
            if (strstr(tag, " t=\"") != NULL)
                fail_msg("cell %s is text: %s", ref, tag);
        }
    }
    /* A percent column with 6 places shows them all. */
    cell(sheet2, "B4", tag, sizeof tag, value, sizeof value);
    assert_string_equal(excel_reads(value), "1E-08");
    format_of(tag, code, sizeof code);
    assert_string_equal(code, "0.000000%");
    /* Names are shared strings. */
    cell(sheet1, "B3", tag, sizeof tag, value, sizeof value);
    assert_non_null(strstr(tag, " t=\"s\""));
}

static void frozen_header(void **state)
{
    (void)state;
    assert_non_null(strstr(sheet1, "<pane ySplit=\"2\" topLeftCell=\"A3\" activePane=\"bottomLeft\" state=\"frozen\"/>"));
    assert_non_null(strstr(sheet3, "state=\"frozen\""));
    assert_non_null(strstr(sheet1, "<autoFilter ref=\"A2:F122\"/>"));
    /* The name column fits the longest name (in characters, not bytes),
     * the date column a date. */
    size_t longest = 0;
    for (size_t i = 0; i < SAMPLE_ROWS; i++) {
        size_t chars = 0;
        for (const char *p = sample_name(i); *p; p++)
            chars += ((unsigned char)*p & 0xC0) != 0x80;
        if (chars > longest)
            longest = chars;
    }
    const char *col = strstr(sheet1, "<col min=\"2\" max=\"2\" width=\"");
    assert_non_null(col);
    double w = strtod(col + strlen("<col min=\"2\" max=\"2\" width=\""), NULL);
    assert_true(w >= longest + 1 && w <= longest * 1.1 + 4);
    col = strstr(sheet1, "<col min=\"6\" max=\"6\" width=\"");
    assert_non_null(col);
    w = strtod(col + strlen("<col min=\"6\" max=\"6\" width=\""), NULL);
    assert_true(w >= 11 && w <= 20);
}

/* Every name as one shared string, byte for byte (NFC), and the headers. */
static void shared_strings(void **state)
{
    (void)state;
    char needle[128];
    for (size_t i = 0; i < SAMPLE_ROWS; i++) {
        snprintf(needle, sizeof needle, "<t>%s</t>", sample_name(i));
        if (strstr(strings, needle) == NULL)
            fail_msg("name \"%s\" not a shared string", sample_name(i));
    }
    assert_non_null(strstr(strings, "<t>Tỷ lệ hoàn thành</t>"));
    assert_non_null(strstr(strings, "<t>Bảng 1. Danh sách cá nhân đề nghị khen thưởng</t>"));
}

/* A bad cell is refused; nothing is left in the temporary directory. */
static void bad_cell_refused(void **state)
{
    (void)state;
    struct report_doc doc = sample_doc();
    sample_cells[11 * SAMPLE_COLS + 5] = "05/07/2025";
    unsigned char *out;
    size_t len;
    char err[256];
    assert_int_equal(report_xlsx_render(&doc, TMP_PARENT, &out, &len, err, sizeof err), REPORT_BAD_CELL);
    assert_null(out);
    assert_non_null(strstr(err, "row 12"));
    assert_non_null(strstr(err, "Ngày khen thưởng"));
    assert_int_equal(dir_entries(TMP_PARENT), 0);
    assert_int_equal(report_xlsx_render(&doc, "/nonexistent/dir", &out, &len, err, sizeof err), REPORT_IO);
    assert_non_null(strstr(err, "/nonexistent/dir"));
}

/* A report without tables is still a workbook Excel opens: one sheet. */
static void no_tables(void **state)
{
    (void)state;
    struct report_doc doc = {.year = 2026, .month = 1, .day = 2};
    unsigned char *out;
    size_t len;
    assert_int_equal(report_xlsx_render(&doc, TMP_PARENT, &out, &len, NULL, 0), REPORT_OK);
    FILE *f = fopen(ARTIFACTS "/report-minimal.xlsx", "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(out, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(out);
    char *wb = run("unzip -p %s/report-minimal.xlsx xl/workbook.xml", ARTIFACTS);
    assert_non_null(strstr(wb, "<sheet name=\"Báo cáo\""));
    free(wb);
    assert_int_equal(dir_entries(TMP_PARENT), 0);
}

static void temp_removed(void **state)
{
    (void)state;
    assert_int_equal(dir_entries(TMP_PARENT), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sheet_names),
        cmocka_unit_test(typed_cells),
        cmocka_unit_test(frozen_header),
        cmocka_unit_test(shared_strings),
        cmocka_unit_test(temp_removed),
        cmocka_unit_test(no_tables),
        cmocka_unit_test(bad_cell_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
