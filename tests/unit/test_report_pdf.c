/* test_report_pdf.c — the report PDF (fcgi/report_pdf.c) read back by
 * poppler's tools, as an office's reader would: the text extracted
 * (pdftotext), the page size and fonts (pdfinfo, pdffonts), the position
 * of every word (pdftotext -bbox) against the margins of Nghị định
 * 30/2020, and the first two pages as PNG (pdftoppm) under
 * var/test/artifacts/ for a person to look at. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_pdf.h"
#include "report_sample.h"

#define ARTIFACTS "var/test/artifacts"
#define PDF_PATH ARTIFACTS "/report-sample.pdf"
#define MM (72.0 / 25.4)

/* The font map is built once per process and kept, as a worker keeps it;
 * what fontconfig 2.14 read from the font files (FcConfigAppFontAddFile:
 * character sets, language sets, names) is not given back when the map is
 * released, about 90 KB once per map, not per render. Debian's
 * libfontconfig has no frame pointers, so LeakSanitizer's stacks stop in
 * it: the suppression names the library. Nothing of ours allocates through
 * fontconfig but the match patterns, which report_pdf.c destroys. */
#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}
#endif

static unsigned char *pdf;
static size_t pdf_len;

static void mkdirs(void)
{
    if (mkdir("var", 0755) != 0 && errno != EEXIST)
        fail_msg("mkdir var: %s", strerror(errno));
    if (mkdir("var/test", 0755) != 0 && errno != EEXIST)
        fail_msg("mkdir var/test: %s", strerror(errno));
    if (mkdir(ARTIFACTS, 0755) != 0 && errno != EEXIST)
        fail_msg("mkdir " ARTIFACTS ": %s", strerror(errno));
}

static int setup(void **state)
{
    (void)state;
    mkdirs();
    struct report_doc doc = sample_doc();
    char err[256];
    enum report_rc rc = report_pdf_render(&doc, &pdf, &pdf_len, err, sizeof err);
    if (rc != REPORT_OK) {
        fprintf(stderr, "render: %d %s\n", rc, err);
        return -1;
    }
    FILE *f = fopen(PDF_PATH, "wb");
    if (f == NULL || fwrite(pdf, 1, pdf_len, f) != pdf_len || fclose(f) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(pdf);
    report_pdf_shutdown();
    return 0;
}

static void a4_portrait(void **state)
{
    (void)state;
    char *info = run("pdfinfo %s", PDF_PATH);
    assert_non_null(strstr(info, "Page size:       595.28 x 841.89 pts (A4)"));
    char *pages = strstr(info, "Pages:");
    assert_non_null(pages);
    long n = strtol(pages + strlen("Pages:"), NULL, 10);
    assert_true(n >= 4); /* 120 rows cannot fit fewer */
    assert_non_null(strstr(info, "Creator:         thidua"));
    assert_non_null(strstr(info, "Title:           Sơ kết công tác thi đua"));
    free(info);
}

/* Every font is Liberation Serif, embedded (as a subset) with a map to
 * Unicode; bold, italic and bold italic are their own faces. */
static void fonts_embedded(void **state)
{
    (void)state;
    char *fonts = run("pdffonts %s", PDF_PATH);
    assert_non_null(strstr(fonts, "+LiberationSerif-Bold "));
    assert_non_null(strstr(fonts, "+LiberationSerif-Italic "));
    assert_non_null(strstr(fonts, "+LiberationSerif-BoldItalic "));
    char *line = strstr(fonts, "\n---");
    assert_non_null(line);
    line = strchr(line + 1, '\n');
    int count = 0;
    while (line && line[1]) {
        line++;
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char *plus = strchr(line, '+');
        assert_non_null(plus);
        assert_true(strncmp(plus + 1, "LiberationSerif", strlen("LiberationSerif")) == 0);
        if (strstr(line, " yes yes yes ") == NULL)
            fail_msg("not embedded as a subset with a ToUnicode map: %s", line);
        count++;
        line = end;
    }
    assert_true(count >= 4);
    free(fonts);
}

/* The pages of the text (split at form feeds); *n receives their count. */
static char **text_pages(char *text, int *n)
{
    static char *pages[64];
    int k = 0;
    char *p = text;
    while (k < 64 && *p) {
        pages[k++] = p;
        char *ff = strchr(p, '\f');
        if (ff == NULL)
            break;
        *ff = '\0';
        p = ff + 1;
    }
    *n = k;
    return pages;
}

/* The first line of page that is not blank, trimmed, into buf. */
static void first_line(const char *page, char *buf, size_t n)
{
    const char *p = page;
    for (;;) {
        p += strspn(p, " \n");
        size_t len = strcspn(p, "\n");
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len > 0 || *p == '\0') {
            snprintf(buf, n, "%.*s", (int)len, p);
            return;
        }
    }
}

static void text_extracted(void **state)
{
    (void)state;
    char *text = run("pdftotext -layout -enc UTF-8 %s -", PDF_PATH);
    /* Each name whole, with every diacritic, as NFC code points. */
    for (size_t i = 0; i < SAMPLE_ROWS; i++)
        if (strstr(text, sample_name(i)) == NULL)
            fail_msg("name %zu \"%s\" not in the extracted text", i, sample_name(i));
    /* Numbers as a Vietnamese reader writes them. */
    assert_non_null(strstr(text, "1.036"));
    assert_non_null(strstr(text, "33,333 %")); /* the no-break space comes out as a space */
    assert_non_null(strstr(text, "05/05/2025"));
    int n;
    char **pages = text_pages(text, &n); /* cuts text at the form feeds */
    assert_true(n >= 4);
    const char *p1 = pages[0];
    assert_non_null(strstr(p1, "UBND TỈNH SÓC TRĂNG"));
    assert_non_null(strstr(p1, "SỞ NỘI VỤ"));
    assert_non_null(strstr(p1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert_non_null(strstr(p1, "Độc lập - Tự do - Hạnh phúc"));
    assert_non_null(strstr(p1, "Số: 05/BC-SNV")); /* "5/BC-SNV" given: the leading zero */
    assert_non_null(strstr(p1, "Sóc Trăng, ngày 05 tháng 7 năm 2025"));
    assert_non_null(strstr(p1, "BÁO CÁO"));
    assert_non_null(strstr(p1, "I. KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA"));
    assert_non_null(strstr(p1, "Bảng 1. Danh sách cá nhân đề nghị khen thưởng"));

    /* No number on page 1; "2", "3"... centred at the top of the others. */
    char line[256];
    first_line(p1, line, sizeof line);
    assert_non_null(strstr(line, "UBND TỈNH SÓC TRĂNG"));
    for (int k = 1; k < n; k++) {
        if (pages[k][strspn(pages[k], " \n")] == '\0')
            continue; /* after the last form feed */
        first_line(pages[k], line, sizeof line);
        char want[8];
        snprintf(want, sizeof want, "%d", k + 1);
        if (strcmp(line, want) != 0)
            fail_msg("page %d starts with \"%s\", not its number", k + 1, line);
        /* Every page the table runs onto repeats its header row. */
        int has_row = 0;
        for (size_t i = 0; i < SAMPLE_ROWS && !has_row; i++)
            has_row = strstr(pages[k], sample_name(i)) != NULL;
        if (has_row && (strstr(pages[k], "STT") == NULL || strstr(pages[k], "Họ và tên") == NULL ||
                        strstr(pages[k], "Ngày khen") == NULL))
            fail_msg("page %d has rows but no header row", k + 1);
        if (k == 1)
            assert_true(has_row);
    }
    /* The closing on the last page with text. */
    int last = n - 1;
    while (last > 0 && pages[last][strspn(pages[last], " \n")] == '\0')
        last--;
    assert_non_null(strstr(pages[last], "Nơi nhận:"));
    assert_non_null(strstr(pages[last], "- Lưu: VT, TĐKT."));
    assert_non_null(strstr(pages[last], "KT. GIÁM ĐỐC"));
    assert_non_null(strstr(pages[last], "PHÓ GIÁM ĐỐC"));
    assert_non_null(strstr(pages[last], "Trương Quốc Vượng"));
    free(text);
}

static double attr(const char *tag, const char *name)
{
    const char *p = strstr(tag, name);
    assert_non_null(p);
    return strtod(p + strlen(name), NULL);
}

/* Every word inside the margins (left 30 mm, right 15 mm, top and bottom
 * 20 mm), but the page numbers, which sit in the top margin from page 2;
 * the left and right edges are reached (the text is justified). */
static void margins(void **state)
{
    (void)state;
    char *html = run("pdftotext -bbox %s -", PDF_PATH);
    double left = 30 * MM, right = 595.28 - 15 * MM, top = 20 * MM, bottom = 841.89 - 20 * MM;
    double min_x = 1e9, max_x = 0;
    int page = 0, numbers = 0;
    for (const char *p = html; (p = strstr(p, "<")) != NULL; p++) {
        if (strncmp(p, "<page ", 6) == 0) {
            page++;
            assert_true(attr(p, "width=\"") > 595.27 && attr(p, "width=\"") < 595.29);
            continue;
        }
        if (strncmp(p, "<word ", 6) != 0)
            continue;
        double x0 = attr(p, "xMin=\""), x1 = attr(p, "xMax=\""), y0 = attr(p, "yMin=\""), y1 = attr(p, "yMax=\"");
        const char *word = strchr(p, '>') + 1;
        if (y0 < top) {
            /* Only a page number, centred, and never on page 1. */
            if (page < 2)
                fail_msg("page 1 has \"%.20s\" in its top margin", word);
            assert_true(strtol(word, NULL, 10) == page);
            double centre = (x0 + x1) / 2, want = (left + right) / 2;
            assert_true(centre > want - 1 && centre < want + 1);
            numbers++;
            continue;
        }
        if (x0 < left - 0.5 || x1 > right + 0.5 || y1 > bottom + 0.5)
            fail_msg("word \"%.20s\" on page %d outside the margins: x %.2f..%.2f, y %.2f..%.2f", word, page, x0, x1,
                     y0, y1);
        if (x0 < min_x)
            min_x = x0;
        if (x1 > max_x)
            max_x = x1;
    }
    assert_true(page >= 4);
    assert_int_equal(numbers, page - 1);
    /* The table's border is at the left margin exactly, and a justified
     * line's last word ends at the right margin. */
    assert_true(min_x < left + 4);
    assert_true(max_x > right - 1);
    free(html);
}

/* The first two pages as PNG for a person to look at (make test lists
 * var/test/artifacts/). */
static void png_artifacts(void **state)
{
    (void)state;
    free(run("pdftoppm -r 100 -f 1 -l 2 -png %s %s/report-sample", PDF_PATH, ARTIFACTS));
    struct stat st;
    assert_int_equal(stat(ARTIFACTS "/report-sample-1.png", &st), 0);
    assert_true(st.st_size > 10000);
    assert_int_equal(stat(ARTIFACTS "/report-sample-2.png", &st), 0);
}

/* The same report gives the same bytes (the file's date is the report's). */
static void deterministic(void **state)
{
    (void)state;
    struct report_doc doc = sample_doc();
    unsigned char *again;
    size_t len;
    assert_int_equal(report_pdf_render(&doc, &again, &len, NULL, 0), REPORT_OK);
    assert_int_equal(len, pdf_len);
    assert_memory_equal(again, pdf, len);
    free(again);
}

static void bad_cell_refused(void **state)
{
    (void)state;
    struct report_doc doc = sample_doc();
    sample_cells[7 * SAMPLE_COLS + 4] = "98,6"; /* a comma: not an exact decimal as the model wants */
    unsigned char *out = (unsigned char *)"x";
    size_t len = 1;
    char err[256];
    assert_int_equal(report_pdf_render(&doc, &out, &len, err, sizeof err), REPORT_BAD_CELL);
    assert_null(out);
    assert_int_equal(len, 0);
    assert_non_null(strstr(err, "row 8"));
    assert_non_null(strstr(err, "Tỷ lệ hoàn thành"));
    assert_non_null(strstr(err, "98,6"));
}

/* A report with nothing but its date: one page, no crash, no number. */
static void minimal_report(void **state)
{
    (void)state;
    struct report_doc doc = {.year = 2026, .month = 1, .day = 2};
    unsigned char *out;
    size_t len;
    assert_int_equal(report_pdf_render(&doc, &out, &len, NULL, 0), REPORT_OK);
    FILE *f = fopen(ARTIFACTS "/report-minimal.pdf", "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(out, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(out);
    char *text = run("pdftotext -layout %s/report-minimal.pdf -", ARTIFACTS);
    const char *so = strstr(text, "Số:");
    assert_non_null(so); /* a blank to fill in by hand, then the slash */
    so += strlen("Số:");
    assert_true(so[strspn(so, " ")] == '/');
    assert_non_null(strstr(text, "ngày 02 tháng 01 năm 2026"));
    assert_non_null(strstr(text, "BÁO CÁO"));
    assert_null(strchr(text, '\f') ? strchr(strchr(text, '\f') + 1, '\f') : NULL); /* one page */
    free(text);
}

static void bad_utf8_refused(void **state)
{
    (void)state;
    struct report_doc doc = sample_doc();
    doc.subject = "S\xc6 k\xe1t"; /* Windows-1258, not UTF-8 */
    unsigned char *out;
    size_t len;
    char err[256];
    assert_int_equal(report_pdf_render(&doc, &out, &len, err, sizeof err), REPORT_BAD_CELL);
    assert_null(out);
    assert_non_null(strstr(err, "not UTF-8"));
}

/* A character Liberation Serif lacks is refused, never drawn from another
 * font or as an empty box. */
static void missing_glyph_refused(void **state)
{
    (void)state;
    struct report_doc doc = sample_doc();
    doc.signer_name = "Nguyễn Văn 漢";
    unsigned char *out;
    size_t len;
    char err[256];
    assert_int_equal(report_pdf_render(&doc, &out, &len, err, sizeof err), REPORT_NO_FONT);
    assert_null(out);
    assert_non_null(strstr(err, "漢"));
}

static void font_file_missing(void **state)
{
    (void)state;
    assert_int_equal(report_pdf_set_fonts("/nonexistent/LiberationSerif-Regular.ttf", NULL, NULL, NULL), 0);
    struct report_doc doc = sample_doc();
    unsigned char *out;
    size_t len;
    char err[256];
    assert_int_equal(report_pdf_render(&doc, &out, &len, err, sizeof err), REPORT_NO_FONT);
    assert_non_null(strstr(err, "/nonexistent/LiberationSerif-Regular.ttf"));
    assert_int_equal(report_pdf_set_fonts(NULL, NULL, NULL, NULL), 0);
    assert_int_equal(report_pdf_render(&doc, &out, &len, err, sizeof err), REPORT_OK);
    free(out);
}

/* The page (1-based) of text's first occurrence in the pages, 0 if none. */
static int page_of(char **pages, int n, const char *text)
{
    for (int k = 0; k < n; k++)
        if (strstr(pages[k], text))
            return k + 1;
    return 0;
}

/* A table is never begun by its caption alone at the foot of a page: with
 * more and more lines of text before it, the table's start moves down page
 * 1 to its very bottom, then to page 2; at every step the caption, the
 * header row and the first row are on one page, and once the three no
 * longer fit at the foot of page 1 the caption goes to page 2 with them. */
static void caption_kept_with_table(void **state)
{
    (void)state;
    static const char *const lines[40] = {
        "Dòng một.", "Dòng hai.", "Dòng ba.", "Dòng bốn.", "Dòng năm.", "Dòng sáu.", "Dòng bảy.", "Dòng tám.",
        "Dòng chín.", "Dòng mười.", "Dòng mười một.", "Dòng mười hai.", "Dòng mười ba.", "Dòng mười bốn.",
        "Dòng mười lăm.", "Dòng mười sáu.", "Dòng mười bảy.", "Dòng mười tám.", "Dòng mười chín.", "Dòng hai mươi.",
        "Dòng 21.", "Dòng 22.", "Dòng 23.", "Dòng 24.", "Dòng 25.", "Dòng 26.", "Dòng 27.", "Dòng 28.", "Dòng 29.",
        "Dòng 30.", "Dòng 31.", "Dòng 32.", "Dòng 33.", "Dòng 34.", "Dòng 35.", "Dòng 36.", "Dòng 37.", "Dòng 38.",
        "Dòng 39.", "Dòng 40.",
    };
    static const struct report_column cols[2] = {{"Mã bảng", REPORT_COL_TEXT, 1}, {"Số lượt", REPORT_COL_INTEGER, 1}};
    static const char *const cells[6] = {"Hàng đầu tiên", "7", "Hàng thứ hai", "8", "Hàng thứ ba", "9"};
    struct report_table table = {.caption = "Bảng 9. Bảng giữ liền tiêu đề", .columns = cols, .ncolumns = 2,
                                 .cells = cells, .nrows = 3};
    int moved = 0, on_page1 = 0;
    for (size_t k = 20; k <= 40; k++) {
        struct report_section sec = {"NỘI DUNG", lines, k, &table, 1};
        struct report_doc doc = sample_doc();
        doc.sections = &sec;
        doc.nsections = 1;
        unsigned char *out;
        size_t len;
        char err[256];
        assert_int_equal(report_pdf_render(&doc, &out, &len, err, sizeof err), REPORT_OK);
        FILE *f = fopen(ARTIFACTS "/report-caption.pdf", "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(out, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
        free(out);
        char *text = run("pdftotext -layout -enc UTF-8 %s/report-caption.pdf -", ARTIFACTS);
        int n;
        char **pages = text_pages(text, &n);
        int cap = page_of(pages, n, "Bảng 9. Bảng giữ liền tiêu đề");
        int head = page_of(pages, n, "Số lượt"), first = page_of(pages, n, "Hàng đầu tiên");
        int last_line = page_of(pages, n, lines[k - 1]);
        if (cap == 0 || cap != head || cap != first)
            fail_msg("%zu lines before the table: caption on page %d, header row on page %d, first row on page %d", k,
                     cap, head, first);
        if (cap == 1)
            on_page1++;
        if (cap == 2 && last_line == 1)
            moved++; /* the text ends on page 1, the table starts page 2 */
        free(text);
    }
    assert_true(on_page1 > 0);
    assert_true(moved > 0);
}

/* The award statistics' table (report_render.c) of seven awards: eight
 * narrow columns beside "Đối tượng" and "Loại thành tích"; each kind of
 * achievement is on one line. */
static void short_labels_whole(void **state)
{
    (void)state;
    enum { NC = 11 };
    static const struct report_column cols[NC] = {
        {"STT", REPORT_COL_INTEGER, 1},          {"Đối tượng", REPORT_COL_TEXT, 5},
        {"Loại thành tích", REPORT_COL_TEXT, 3}, {"Lao động tiên tiến", REPORT_COL_INTEGER, 2},
        {"CSTĐ cơ sở", REPORT_COL_INTEGER, 2},   {"CSTĐ cấp tỉnh", REPORT_COL_INTEGER, 2},
        {"Bằng khen UBND tỉnh", REPORT_COL_INTEGER, 2}, {"Giấy khen", REPORT_COL_INTEGER, 2},
        {"Tập thể LĐTT", REPORT_COL_INTEGER, 2}, {"Tập thể LĐXS", REPORT_COL_INTEGER, 2},
        {"Tổng cộng", REPORT_COL_INTEGER, 2},
    };
    static const char *const labels[3] = {"Thường xuyên", "Chuyên đề", "Đột xuất"};
    static const char *cells[6 * NC];
    for (size_t row = 0; row < 6; row++) {
        const char **c = &cells[row * NC];
        c[0] = row % 2 ? "1" : "12";
        c[1] = row < 3 ? "Cá nhân là lãnh đạo phòng, đơn vị" : "Tập thể";
        c[2] = labels[row % 3];
        for (size_t k = 3; k < NC - 1; k++)
            c[k] = k % 3 ? "0" : "155";
        c[NC - 1] = "1036";
    }
    struct report_table table = {.caption = "Bảng 1. Thống kê khen thưởng", .columns = cols, .ncolumns = NC,
                                 .cells = cells, .nrows = 6};
    struct report_section sec = {"THỐNG KÊ", NULL, 0, &table, 1};
    struct report_doc doc = sample_doc();
    doc.sections = &sec;
    doc.nsections = 1;
    unsigned char *out;
    size_t len;
    assert_int_equal(report_pdf_render(&doc, &out, &len, NULL, 0), REPORT_OK);
    FILE *f = fopen(ARTIFACTS "/report-statistics.pdf", "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(out, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(out);
    char *text = run("pdftotext -layout -enc UTF-8 %s/report-statistics.pdf -", ARTIFACTS);
    for (size_t i = 0; i < 3; i++)
        if (strstr(text, labels[i]) == NULL)
            fail_msg("\"%s\" is not on one line:\n%s", labels[i], text);
    free(text);
    /* And within the margins of its page (portrait or, this wide, landscape):
     * the narrow columns are not pushed out. */
    char *html = run("pdftotext -bbox %s/report-statistics.pdf -", ARTIFACTS);
    double page_w = 0;
    for (const char *p = html; (p = strstr(p, "<")) != NULL; p++) {
        if (strncmp(p, "<page ", 6) == 0)
            page_w = attr(p, "width=\"");
        else if (strncmp(p, "<word ", 6) == 0)
            assert_true(attr(p, "xMax=\"") < page_w - 15 * MM + 0.5);
    }
    free(html);
}

/* A table too wide for the portrait text width goes on landscape A4 pages
 * (842 x 595 pt), its header row on each; the text before and after it, and
 * the signature, stay on portrait pages; the page numbers run on. */
static void wide_table_landscape(void **state)
{
    (void)state;
    enum { NC = 14, NR = 40 };
    static const struct report_column cols[NC] = {
        {"STT", REPORT_COL_INTEGER, 1},           {"Đơn vị", REPORT_COL_TEXT, 6},
        {"Lao động tiên tiến", REPORT_COL_INTEGER, 2}, {"Chiến sĩ thi đua cơ sở", REPORT_COL_INTEGER, 2},
        {"Chiến sĩ thi đua cấp tỉnh", REPORT_COL_INTEGER, 2}, {"Chiến sĩ thi đua toàn quốc", REPORT_COL_INTEGER, 2},
        {"Bằng khen UBND tỉnh", REPORT_COL_INTEGER, 2}, {"Giấy khen của Giám đốc", REPORT_COL_INTEGER, 2},
        {"Tập thể lao động tiên tiến", REPORT_COL_INTEGER, 2}, {"Tập thể lao động xuất sắc", REPORT_COL_INTEGER, 2},
        {"Cờ thi đua của UBND tỉnh", REPORT_COL_INTEGER, 2}, {"Huân chương Lao động", REPORT_COL_INTEGER, 2},
        {"Bằng khen Thủ tướng", REPORT_COL_INTEGER, 2}, {"Tổng cộng", REPORT_COL_INTEGER, 2},
    };
    static char names[NR][64];
    static const char *cells[NR * NC];
    for (size_t row = 0; row < NR; row++) {
        snprintf(names[row], sizeof names[row], "Phòng Nghiệp vụ số %zu", row + 1);
        const char **c = &cells[row * NC];
        c[0] = row % 2 ? "7" : "13";
        c[1] = names[row];
        for (size_t k = 2; k < NC; k++)
            c[k] = k % 3 ? "4" : "1.207";
        c[NC - 1] = "12345";
    }
    for (size_t i = 0; i < NR * NC; i++)
        if (cells[i] && strcmp(cells[i], "1.207") == 0)
            cells[i] = "1207";
    static const struct report_column narrow_cols[3] = {
        {"STT", REPORT_COL_INTEGER, 1}, {"Hình thức", REPORT_COL_TEXT, 5}, {"Số lượng", REPORT_COL_INTEGER, 2}};
    static const char *const narrow_cells[6] = {"1", "Lao động tiên tiến", "731", "2", "Giấy khen", "98"};
    struct report_table tables[2] = {
        {.caption = "Bảng 1. Khen thưởng theo hình thức", .columns = narrow_cols, .ncolumns = 3,
         .cells = narrow_cells, .nrows = 2},
        {.caption = "Bảng 2. Khen thưởng theo phòng, đơn vị", .columns = cols, .ncolumns = NC, .cells = cells,
         .nrows = NR},
    };
    static const char *const before[1] = {"Đoạn văn trước các bảng."};
    static const char *const after[1] = {"Đoạn văn sau bảng rộng, trên trang dọc."};
    struct report_section secs[2] = {{"KẾT QUẢ", before, 1, tables, 2}, {"PHƯƠNG HƯỚNG", after, 1, NULL, 0}};
    struct report_doc doc = sample_doc();
    doc.sections = secs;
    doc.nsections = 2;
    unsigned char *out;
    size_t len;
    char err[256];
    assert_int_equal(report_pdf_render(&doc, &out, &len, err, sizeof err), REPORT_OK);
    FILE *f = fopen(ARTIFACTS "/report-landscape.pdf", "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(out, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(out);

    char *info = run("pdfinfo %s/report-landscape.pdf", ARTIFACTS);
    char *pg = strstr(info, "Pages:");
    assert_non_null(pg);
    int n = (int)strtol(pg + strlen("Pages:"), NULL, 10);
    free(info);
    assert_true(n >= 4); /* portrait, two landscape pages of 40 rows at least, portrait */
    char *text = run("pdftotext -layout -enc UTF-8 %s/report-landscape.pdf -", ARTIFACTS);
    int np;
    char **pages = text_pages(text, &np);
    assert_int_equal(np, n);
    int wide_first = page_of(pages, np, "Bảng 2. Khen thưởng theo phòng, đơn vị");
    int wide_last = page_of(pages, np, "Phòng Nghiệp vụ số 40");
    int after_page = page_of(pages, np, "Đoạn văn sau bảng rộng");
    assert_true(wide_first >= 2);
    assert_true(wide_last > wide_first);
    assert_int_equal(after_page, wide_last + 1);
    assert_int_equal(page_of(pages, np, "Bảng 1. Khen thưởng theo hình thức"), 1);
    /* the header row on every landscape page; page numbers run on */
    for (int k = wide_first; k <= wide_last; k++) {
        if (!strstr(pages[k - 1], "STT") || !strstr(pages[k - 1], "chương"))
            fail_msg("landscape page %d lacks the header row", k);
        char want[8], first[64];
        snprintf(want, sizeof want, "%d", k);
        first_line(pages[k - 1], first, sizeof first);
        assert_string_equal(first, want);
    }
    free(text);
    /* The sizes from the PDF itself (pdfinfo -box): portrait 595 x 842,
     * the wide table's pages 842 x 595. */
    char *boxes = run("pdfinfo -f 1 -l %d -box %s/report-landscape.pdf", n, ARTIFACTS);
    for (int k = 1; k <= n; k++) {
        char needle[48];
        snprintf(needle, sizeof needle, "Page %4d size: ", k);
        const char *line = strstr(boxes, needle);
        if (!line)
            fail_msg("pdfinfo says nothing of page %d:\n%s", k, boxes);
        line += strlen(needle);
        line += strspn(line, " ");
        int landscape = k >= wide_first && k <= wide_last;
        const char *want = landscape ? "841.89 x 595.28 pts" : "595.28 x 841.89 pts";
        if (strncmp(line, want, strlen(want)) != 0)
            fail_msg("page %d: want %s, got %.40s", k, want, line);
        snprintf(needle, sizeof needle, "Page %4d MediaBox: ", k);
        line = strstr(boxes, needle);
        assert_non_null(line);
        line += strlen(needle);
        double x0, y0, x1, y1;
        char *e;
        x0 = strtod(line, &e);
        y0 = strtod(e, &e);
        x1 = strtod(e, &e);
        y1 = strtod(e, &e);
        assert_true(x0 == 0 && y0 == 0);
        assert_true(landscape ? x1 > 841 && x1 < 842.5 && y1 > 595 && y1 < 595.5
                              : x1 > 595 && x1 < 595.5 && y1 > 841 && y1 < 842.5);
    }
    free(boxes);
    /* And within its margins: no word beyond the landscape page's right margin. */
    char *html = run("pdftotext -f %d -l %d -bbox %s/report-landscape.pdf -", wide_first, wide_last, ARTIFACTS);
    for (const char *p = html; (p = strstr(p, "<word ")) != NULL; p++)
        assert_true(attr(p, "xMax=\"") < 841.89 - 15 * MM + 0.5);
    free(html);
}

/* The lines whose form Nghị định 30/2020 fixes. */
static void dated_lines(void **state)
{
    (void)state;
    char buf[128];
    report_number_line("12/BC-SNV", buf, sizeof buf);
    assert_string_equal(buf, "Số: 12/BC-SNV");
    report_number_line("5/BC-SNV", buf, sizeof buf);
    assert_string_equal(buf, "Số: 05/BC-SNV");
    report_number_line("05/BC-SNV", buf, sizeof buf);
    assert_string_equal(buf, "Số: 05/BC-SNV");
    report_number_line(NULL, buf, sizeof buf);
    assert_string_equal(buf, "Số:       /");
    struct report_doc doc = {.place = "Sóc Trăng", .year = 2026, .month = 2, .day = 9};
    report_date_line(&doc, buf, sizeof buf);
    assert_string_equal(buf, "Sóc Trăng, ngày 09 tháng 02 năm 2026");
    doc.month = 12;
    doc.day = 31;
    report_date_line(&doc, buf, sizeof buf);
    assert_string_equal(buf, "Sóc Trăng, ngày 31 tháng 12 năm 2026");
    report_cell_display(REPORT_COL_INTEGER, "-1234567", buf, sizeof buf);
    assert_string_equal(buf, "-1.234.567");
    report_cell_display(REPORT_COL_PERCENT, "0.000001", buf, sizeof buf);
    assert_string_equal(buf, "0,000001\u00a0%");
    assert_false(report_cell_valid(REPORT_COL_PERCENT, "1.0000001", NULL));
    assert_false(report_cell_valid(REPORT_COL_PERCENT, "1e2", NULL));
    assert_false(report_cell_valid(REPORT_COL_INTEGER, "12.0", NULL));
    assert_false(report_cell_valid(REPORT_COL_DATE, "2025-02-29", NULL));
    assert_true(report_cell_valid(REPORT_COL_DATE, NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a4_portrait),
        cmocka_unit_test(fonts_embedded),
        cmocka_unit_test(text_extracted),
        cmocka_unit_test(margins),
        cmocka_unit_test(png_artifacts),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(bad_cell_refused),
        cmocka_unit_test(minimal_report),
        cmocka_unit_test(bad_utf8_refused),
        cmocka_unit_test(missing_glyph_refused),
        cmocka_unit_test(font_file_missing),
        cmocka_unit_test(dated_lines),
        cmocka_unit_test(caption_kept_with_table),
        cmocka_unit_test(short_labels_whole),
        cmocka_unit_test(wide_table_landscape),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
