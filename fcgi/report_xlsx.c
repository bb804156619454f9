/* report_xlsx.c — report_doc's tables as a workbook with libxlsxwriter. */
#include "report_xlsx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "text.h"

#define FONT "Times New Roman"
#define FONT_SIZE 12
#define MAX_WIDTH 60.0
#define FIRST_DATA_ROW 2 /* row 0 the caption, row 1 the header */
#define MAX_PLACES 6

struct xlsx {
    lxw_workbook *wb;
    lxw_format *caption, *header, *text, *integer, *date, *percent[MAX_PLACES + 1];
    enum report_rc rc;
    char *err;
    size_t errlen;
};

static void fail(struct xlsx *x, enum report_rc rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(struct xlsx *x, enum report_rc rc, const char *fmt, ...)
{
    if (x->rc != REPORT_OK)
        return;
    x->rc = rc;
    if (x->err && x->errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(x->err, x->errlen, fmt, ap);
        va_end(ap);
    }
}

/* Bytes of the first `chars` UTF-8 characters of s. */
static size_t utf8_prefix(const char *s, size_t chars)
{
    size_t i = 0;
    while (s[i] && chars > 0) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
        chars--;
    }
    return i;
}

static int name_taken(const char *name, const char *const *taken, size_t ntaken)
{
    for (size_t i = 0; i < ntaken; i++)
        if (strcasecmp(name, taken[i]) == 0)
            return 1;
    return 0;
}

/* base cut to `chars` characters, at a word when one ends past the middle,
 * without trailing spaces. */
static void cut(const char *base, size_t chars, char *out, size_t n)
{
    size_t bytes = utf8_prefix(base, chars);
    if (base[bytes] != '\0') {
        size_t space = bytes;
        while (space > 0 && base[space] != ' ')
            space--;
        if (space > utf8_prefix(base, chars / 2))
            bytes = space;
    }
    while (bytes > 0 && base[bytes - 1] == ' ')
        bytes--;
    snprintf(out, n, "%.*s", (int)bytes, base);
}

void report_xlsx_sheet_name(const struct report_table *t, size_t index, const char *const *taken, size_t ntaken,
                            char *name, size_t n)
{
    char base[256];
    const char *from = t->sheet_name && t->sheet_name[0] ? t->sheet_name : t->caption;
    snprintf(base, sizeof base, "%s", from ? from : "");
    for (char *p = base; *p; p++)
        if (strchr("[]:*?/\\", *p) || (unsigned char)*p < 0x20)
            *p = ' ';
    /* Runs of spaces as one. */
    size_t o = 0;
    for (size_t i = 0; base[i]; i++)
        if (base[i] != ' ' || (o > 0 && base[o - 1] != ' '))
            base[o++] = base[i];
    base[o] = '\0';
    /* Leading spaces and apostrophes, trailing apostrophes. */
    char *start = base + strspn(base, " '");
    size_t len = strlen(start);
    while (len > 0 && (start[len - 1] == '\'' || start[len - 1] == ' '))
        start[--len] = '\0';
    if (len == 0) {
        snprintf(base, sizeof base, "Bảng %zu", index + 1);
        start = base;
    }
    char candidate[160];
    cut(start, 31, candidate, sizeof candidate);
    for (int k = 2; name_taken(candidate, taken, ntaken) && k < 1000; k++) {
        char suffix[16], stem[160];
        int slen = snprintf(suffix, sizeof suffix, " (%d)", k);
        cut(start, 31 - (size_t)slen, stem, sizeof stem);
        snprintf(candidate, sizeof candidate, "%s%s", stem, suffix);
    }
    snprintf(name, n, "%s", candidate);
}

static lxw_format *new_format(struct xlsx *x, int bold, int border)
{
    lxw_format *f = workbook_add_format(x->wb);
    if (f == NULL) {
        fail(x, REPORT_LIBRARY, "libxlsxwriter: out of memory");
        return NULL;
    }
    format_set_font_name(f, FONT);
    format_set_font_size(f, FONT_SIZE);
    if (bold)
        format_set_bold(f);
    if (border)
        format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

static int make_formats(struct xlsx *x)
{
    x->caption = new_format(x, 1, 0);
    x->header = new_format(x, 1, 1);
    x->text = new_format(x, 0, 1);
    x->integer = new_format(x, 0, 1);
    x->date = new_format(x, 0, 1);
    if (x->rc != REPORT_OK)
        return -1;
    format_set_text_wrap(x->header);
    format_set_align(x->header, LXW_ALIGN_CENTER);
    format_set_align(x->header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bg_color(x->header, 0xE7E6E6);
    format_set_num_format(x->integer, "#,##0");
    format_set_num_format(x->date, "dd/mm/yyyy");
    format_set_align(x->date, LXW_ALIGN_CENTER);
    for (int p = 0; p <= MAX_PLACES; p++) {
        char code[16];
        snprintf(code, sizeof code, "0%s%.*s%%", p ? "." : "", p, "000000");
        if ((x->percent[p] = new_format(x, 0, 1)) == NULL)
            return -1;
        format_set_num_format(x->percent[p], code);
    }
    return 0;
}

/* 98.6 as the fraction 0.986: the text read once as "98.6e-2" (glibc's
 * strtod rounds correctly), so the number is the double nearest to the
 * decimal written, what Excel itself keeps for 98,6%. */
static double percent_fraction(const char *cell)
{
    char text[48];
    snprintf(text, sizeof text, "%se-2", cell);
    return strtod(text, NULL);
}

/* The width (in Excel's character units) a text takes. */
static double chars_of(const char *s)
{
    return (double)text_length(s);
}

static void write_table(struct xlsx *x, lxw_worksheet *ws, const struct report_table *t)
{
    size_t nc = t->ncolumns;
    if (nc == 0)
        return;
    if (t->nrows > LXW_ROW_MAX - FIRST_DATA_ROW) {
        fail(x, REPORT_LIBRARY, "table \"%.60s\": %zu rows, more than a sheet holds", t->caption ? t->caption : "",
             t->nrows);
        return;
    }
    double *width = calloc(nc, sizeof *width);
    int *places = calloc(nc, sizeof *places);
    if (width == NULL || places == NULL) {
        fail(x, REPORT_LIBRARY, "out of memory");
        goto done;
    }
    /* The places of a percent column: the most any of its cells has. */
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < nc; c++) {
            const struct report_column *col = &t->columns[c];
            const char *cell = t->cells[r * nc + c];
            int p = 0;
            if (!report_cell_valid(col->type, cell, &p)) {
                fail(x, REPORT_BAD_CELL, "table \"%.60s\", row %zu, column \"%.60s\": \"%.40s\" is not of the column's type",
                     t->caption ? t->caption : "", r + 1, col->header ? col->header : "", cell);
                goto done;
            }
            if (p > places[c])
                places[c] = p;
        }
    }
    if (t->caption && t->caption[0])
        worksheet_write_string(ws, 0, 0, t->caption, x->caption);
    for (size_t c = 0; c < nc; c++) {
        const char *h = t->columns[c].header ? t->columns[c].header : "";
        worksheet_write_string(ws, 1, (lxw_col_t)c, h, x->header);
        /* The header wraps: its longest word, a bold one a little wider. */
        while (*h) {
            size_t n = strcspn(h, " ");
            char word[256];
            snprintf(word, sizeof word, "%.*s", (int)n, h);
            double w = chars_of(word) * 1.1;
            if (w > width[c])
                width[c] = w;
            h += n;
            h += strspn(h, " ");
        }
    }
    for (size_t r = 0; r < t->nrows && x->rc == REPORT_OK; r++) {
        lxw_row_t row = (lxw_row_t)(FIRST_DATA_ROW + r);
        for (size_t c = 0; c < nc; c++) {
            const char *cell = t->cells[r * nc + c];
            lxw_col_t col = (lxw_col_t)c;
            enum report_col_type type = t->columns[c].type;
            lxw_error e = LXW_NO_ERROR;
            double w = 0;
            if (cell == NULL || cell[0] == '\0') {
                lxw_format *f = type == REPORT_COL_INTEGER ? x->integer
                                : type == REPORT_COL_DATE  ? x->date
                                : type == REPORT_COL_TEXT  ? x->text
                                                           : x->percent[places[c]];
                e = worksheet_write_blank(ws, row, col, f);
            } else if (type == REPORT_COL_TEXT) {
                e = worksheet_write_string(ws, row, col, cell, x->text);
                w = chars_of(cell) * 1.1; /* capitals and marks are wider than Excel's "0" */
            } else if (type == REPORT_COL_INTEGER) {
                e = worksheet_write_number(ws, row, col, (double)strtoll(cell, NULL, 10), x->integer);
                w = (double)strlen(cell) * 1.34; /* digits and the separators */
            } else if (type == REPORT_COL_PERCENT) {
                e = worksheet_write_number(ws, row, col, percent_fraction(cell), x->percent[places[c]]);
                w = (double)strlen(cell) + 2;
            } else {
                int y, m, d;
                text_date_parse(cell, &y, &m, &d);
                lxw_datetime dt = {y, m, d, 0, 0, 0};
                e = worksheet_write_datetime(ws, row, col, &dt, x->date);
                w = 10;
            }
            if (e != LXW_NO_ERROR) {
                fail(x, REPORT_LIBRARY, "libxlsxwriter: %s", lxw_strerror(e));
                break;
            }
            if (w > width[c])
                width[c] = w;
        }
    }
    for (size_t c = 0; c < nc; c++) {
        double w = width[c] + 2;
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w > MAX_WIDTH ? MAX_WIDTH : w, NULL);
    }
    worksheet_freeze_panes(ws, FIRST_DATA_ROW, 0);
    worksheet_autofilter(ws, 1, 0, (lxw_row_t)(FIRST_DATA_ROW + (t->nrows ? t->nrows : 1) - 1), (lxw_col_t)(nc - 1));
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_repeat_rows(ws, 1, 1);
    worksheet_fit_to_pages(ws, 1, 0);
done:
    free(width);
    free(places);
}

static int read_file(const char *path, unsigned char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size <= 0) {
        fclose(f);
        return -1;
    }
    unsigned char *buf = malloc((size_t)st.st_size);
    if (buf == NULL || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    *out = buf;
    *len = (size_t)st.st_size;
    return 0;
}

static void write_sheets(struct xlsx *x, const struct report_doc *doc)
{
    size_t ntables = 0;
    for (size_t s = 0; s < doc->nsections; s++)
        ntables += doc->sections[s].ntables;
    if (ntables == 0) {
        if (workbook_add_worksheet(x->wb, "Báo cáo") == NULL)
            fail(x, REPORT_LIBRARY, "libxlsxwriter: cannot add a sheet");
        return;
    }
    char (*names)[128] = calloc(ntables, sizeof *names);
    const char **taken = calloc(ntables, sizeof *taken);
    if (names == NULL || taken == NULL) {
        fail(x, REPORT_LIBRARY, "out of memory");
        goto done;
    }
    size_t i = 0;
    for (size_t s = 0; s < doc->nsections && x->rc == REPORT_OK; s++) {
        for (size_t k = 0; k < doc->sections[s].ntables && x->rc == REPORT_OK; k++, i++) {
            const struct report_table *t = &doc->sections[s].tables[k];
            report_xlsx_sheet_name(t, i, taken, i, names[i], sizeof names[i]);
            taken[i] = names[i];
            lxw_error e = workbook_validate_sheet_name(x->wb, names[i]);
            lxw_worksheet *ws = e == LXW_NO_ERROR ? workbook_add_worksheet(x->wb, names[i]) : NULL;
            if (ws == NULL) {
                fail(x, REPORT_LIBRARY, "sheet \"%s\": %s", names[i], lxw_strerror(e));
                break;
            }
            write_table(x, ws, t);
        }
    }
done:
    free(names);
    free(taken);
}

enum report_rc report_xlsx_render(const struct report_doc *doc, const char *tmp_parent, unsigned char **out,
                                  size_t *len, char *err, size_t errlen)
{
    *out = NULL;
    *len = 0;
    if (err && errlen)
        err[0] = '\0';
    struct xlsx x = {.rc = REPORT_OK, .err = err, .errlen = errlen};
    if (tmp_parent == NULL || tmp_parent[0] == '\0')
        tmp_parent = getenv("TMPDIR");
    if (tmp_parent == NULL || tmp_parent[0] == '\0')
        tmp_parent = "/tmp";
    char dir[1024], path[1100];
    snprintf(dir, sizeof dir, "%s/thidua-xlsx-XXXXXX", tmp_parent);
    if (mkdtemp(dir) == NULL) {
        fail(&x, REPORT_IO, "cannot make a directory under %s: %s", tmp_parent, strerror(errno));
        return x.rc;
    }
    snprintf(path, sizeof path, "%s/report.xlsx", dir);
    lxw_workbook_options opts = {.constant_memory = LXW_FALSE, .tmpdir = dir, .use_zip64 = LXW_FALSE};
    x.wb = workbook_new_opt(path, &opts);
    if (x.wb == NULL) {
        fail(&x, REPORT_LIBRARY, "libxlsxwriter: cannot start a workbook in %s", dir);
        rmdir(dir);
        return x.rc;
    }
    /* The file's date is the report's (the properties' creation time). */
    struct tm tm = {.tm_year = doc->year - 1900, .tm_mon = doc->month - 1, .tm_mday = doc->day, .tm_hour = 12};
    lxw_doc_properties props = {
        .title = (char *)(doc->subject ? doc->subject : ""),
        .author = (char *)(doc->agency ? doc->agency : ""),
        .company = (char *)(doc->agency ? doc->agency : ""),
        .created = timegm(&tm),
    };
    workbook_set_properties(x.wb, &props);
    if (make_formats(&x) == 0)
        write_sheets(&x, doc);
    lxw_error e = workbook_close(x.wb); /* frees the workbook whatever happened */
    if (x.rc == REPORT_OK && e != LXW_NO_ERROR)
        fail(&x, REPORT_IO, "libxlsxwriter: %s", lxw_strerror(e));
    if (x.rc == REPORT_OK && read_file(path, out, len) != 0)
        fail(&x, REPORT_IO, "cannot read back %s: %s", path, strerror(errno));
    if (unlink(path) != 0 && errno != ENOENT && x.rc == REPORT_OK)
        fail(&x, REPORT_IO, "cannot remove %s: %s", path, strerror(errno));
    if (rmdir(dir) != 0 && x.rc == REPORT_OK)
        fail(&x, REPORT_IO, "cannot remove %s: %s", dir, strerror(errno));
    if (x.rc != REPORT_OK) {
        free(*out);
        *out = NULL;
        *len = 0;
    }
    return x.rc;
}
