/* report_pdf.c — report_doc as a Nghị định 30/2020 PDF with cairo and pango.
 *
 * Everything is measured in PDF points (1/72 in): the pango context is set
 * to 72 dpi, so a font of 14 is 14 pt, and metrics are not hinted, so the
 * layout is the same on every machine. Content is laid out top-down: `y`
 * is where the next block starts on the current page; a block that does
 * not fit starts a new page (paragraphs line by line, tables row by row
 * with their header row again). */
#include "report_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define MM (72.0 / 25.4)
#define PAGE_W 595.28 /* A4 portrait; a landscape page is PAGE_H wide and PAGE_W high */
#define PAGE_H 841.89
#define MARGIN_TOP (20 * MM)
#define MARGIN_BOTTOM (20 * MM)
#define MARGIN_LEFT (30 * MM)
#define MARGIN_RIGHT (15 * MM)
/* The same margins as the reader sees the page, portrait or landscape. */
#define X0 MARGIN_LEFT
#define PORTRAIT_TEXT_W (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT)
/* The current page's (struct render r in scope). */
#define TEXT_W (r->text_w)
#define Y_END (r->y_end)
#define FAMILY "Liberation Serif"

#define BODY_SIZE 14.0   /* text 13–14 */
#define TABLE_SIZE 12.0
#define INDENT (10 * MM) /* first line of a paragraph: 1–1.27 cm */
#define PARA_GAP 6.0     /* before a paragraph: at least 6 pt */
#define LEADING 1.5      /* added to the font's own line height (single spacing) */
#define CELL_PAD_X 3.0
#define CELL_PAD_Y 2.5
#define RULE 0.6

enum style { REGULAR, BOLD, ITALIC, BOLD_ITALIC, NSTYLES };

static char *font_files[NSTYLES];          /* set by report_pdf_set_fonts, or NULL */
static PangoFontMap *font_map;       /* built at the first render */

struct outbuf {
    unsigned char *data;
    size_t len, cap;
    int failed;
};

struct render {
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoContext *ctx;
    int page;
    double y;
    int landscape;        /* the current page is A4 landscape (a wide table's) */
    double text_w, y_end; /* of the current page */
    enum report_rc rc;
    char *err;
    size_t errlen;
};

static void fail(struct render *r, enum report_rc rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(struct render *r, enum report_rc rc, const char *fmt, ...)
{
    if (r->rc != REPORT_OK)
        return;
    r->rc = rc;
    if (r->err && r->errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err, r->errlen, fmt, ap);
        va_end(ap);
    }
}

int report_pdf_set_fonts(const char *regular, const char *bold, const char *italic, const char *bold_italic)
{
    const char *given[NSTYLES] = {regular, bold, italic, bold_italic};
    char *copy[NSTYLES] = {NULL, NULL, NULL, NULL};
    for (int i = 0; i < NSTYLES; i++) {
        if (given[i] && (copy[i] = strdup(given[i])) == NULL) {
            for (int j = 0; j < i; j++)
                free(copy[j]);
            return -1;
        }
    }
    report_pdf_shutdown();
    for (int i = 0; i < NSTYLES; i++)
        font_files[i] = copy[i];
    return 0;
}

void report_pdf_shutdown(void)
{
    if (font_map) {
        g_object_unref(font_map);
        font_map = NULL;
    }
    for (int i = 0; i < NSTYLES; i++) {
        free(font_files[i]);
        font_files[i] = NULL;
    }
}

/* The file of Liberation Serif in one style, from the system's fontconfig;
 * 0 and a message when only another family (a fallback) or another style
 * is found. */
static int match_font(int weight, int slant, char *file, size_t n, char *err, size_t errlen)
{
    FcPattern *pat = FcPatternBuild(NULL, FC_FAMILY, FcTypeString, (const FcChar8 *)FAMILY, FC_WEIGHT, FcTypeInteger,
                                    weight, FC_SLANT, FcTypeInteger, slant, (char *)NULL);
    if (pat == NULL) {
        snprintf(err, errlen, "out of memory");
        return 0;
    }
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    FcPatternDestroy(pat);
    FcChar8 *family = NULL, *path = NULL;
    int got_weight = 0, got_slant = 0;
    int ok = m && FcPatternGetString(m, FC_FAMILY, 0, &family) == FcResultMatch &&
             FcPatternGetString(m, FC_FILE, 0, &path) == FcResultMatch &&
             FcPatternGetInteger(m, FC_WEIGHT, 0, &got_weight) == FcResultMatch &&
             FcPatternGetInteger(m, FC_SLANT, 0, &got_slant) == FcResultMatch &&
             strcmp((const char *)family, FAMILY) == 0 && (weight < FC_WEIGHT_BOLD) == (got_weight < FC_WEIGHT_BOLD) &&
             (slant == FC_SLANT_ROMAN) == (got_slant == FC_SLANT_ROMAN);
    if (ok)
        snprintf(file, n, "%s", (const char *)path);
    else
        snprintf(err, errlen, "font %s (weight %d, slant %d) not found by fontconfig (found %s); on Debian install "
                 "fonts-liberation2, or name the files with report_pdf_set_fonts",
                 FAMILY, weight, slant, family ? (const char *)family : "nothing");
    if (m)
        FcPatternDestroy(m);
    return ok;
}

/* A pango font map that sees only the four Liberation Serif files. */
static PangoFontMap *build_font_map(char *err, size_t errlen)
{
    static const int weights[NSTYLES] = {FC_WEIGHT_REGULAR, FC_WEIGHT_BOLD, FC_WEIGHT_REGULAR, FC_WEIGHT_BOLD};
    static const int slants[NSTYLES] = {FC_SLANT_ROMAN, FC_SLANT_ROMAN, FC_SLANT_ITALIC, FC_SLANT_ITALIC};
    char files[NSTYLES][1024];
    for (int i = 0; i < NSTYLES; i++) {
        if (font_files[i])
            snprintf(files[i], sizeof files[i], "%s", font_files[i]);
        else if (!match_font(weights[i], slants[i], files[i], sizeof files[i], err, errlen))
            return NULL;
    }
    FcConfig *cfg = FcConfigCreate();
    if (cfg == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (int i = 0; i < NSTYLES; i++) {
        if (!FcConfigAppFontAddFile(cfg, (const FcChar8 *)files[i])) {
            snprintf(err, errlen, "font file %s cannot be read", files[i]);
            FcConfigDestroy(cfg);
            return NULL;
        }
    }
    PangoFontMap *fm = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    if (fm == NULL) {
        snprintf(err, errlen, "pango has no FreeType font map");
        FcConfigDestroy(cfg);
        return NULL;
    }
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fm), cfg); /* takes its own reference */
    FcConfigDestroy(cfg);
    return fm;
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
    struct outbuf *b = closure;
    if (b->len + length > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + length)
            cap *= 2;
        unsigned char *p = realloc(b->data, cap);
        if (p == NULL) {
            b->failed = 1;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* A layout of text, `width` wide (wrapped), in the style and size; NULL
 * after fail() when the font lacks a character of it. */
static PangoLayout *layout_new(struct render *r, const char *text, enum style st, double size, double width,
                               PangoAlignment align, int justify, double indent)
{
    if (text && !text_valid_utf8(text, strlen(text))) {
        fail(r, REPORT_BAD_CELL, "a text of the report is not UTF-8");
        return NULL;
    }
    PangoLayout *l = pango_layout_new(r->ctx);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family_static(fd, FAMILY);
    pango_font_description_set_weight(fd, st == BOLD || st == BOLD_ITALIC ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(fd, st == ITALIC || st == BOLD_ITALIC ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, align);
    pango_layout_set_justify(l, justify);
    pango_layout_set_indent(l, (int)(indent * PANGO_SCALE));
    pango_layout_set_text(l, text ? text : "", -1);
    if (pango_layout_get_unknown_glyphs_count(l) > 0) {
        fail(r, REPORT_NO_FONT, "the text \"%.80s\" has a character that %s does not have", text, FAMILY);
        g_object_unref(l);
        return NULL;
    }
    return l;
}

static double layout_height(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE + LEADING * pango_layout_get_line_count(l);
}

static double layout_line_width(PangoLayout *l)
{
    PangoRectangle ink, logical;
    pango_layout_get_extents(l, &ink, &logical);
    return (double)logical.width / PANGO_SCALE;
}

/* Draws the whole layout with its top left at (x, y): its lines are spaced
 * as flow() spaces them. Returns its height. */
static double draw_layout(struct render *r, PangoLayout *l, double x, double y)
{
    PangoLayoutIter *it = pango_layout_get_iter(l);
    double dy = 0;
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        int baseline = pango_layout_iter_get_baseline(it);
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        cairo_move_to(r->cr, x + (double)logical.x / PANGO_SCALE, y + dy + (double)(baseline - logical.y) / PANGO_SCALE);
        pango_cairo_show_layout_line(r->cr, line);
        dy += (double)logical.height / PANGO_SCALE + LEADING;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    return dy;
}

static void hline(struct render *r, double x0, double x1, double y)
{
    cairo_set_line_width(r->cr, RULE);
    cairo_move_to(r->cr, x0, y);
    cairo_line_to(r->cr, x1, y);
    cairo_stroke(r->cr);
}

static void set_geometry(struct render *r, int landscape)
{
    r->landscape = landscape;
    r->text_w = (landscape ? PAGE_H : PAGE_W) - MARGIN_LEFT - MARGIN_RIGHT;
    r->y_end = (landscape ? PAGE_W : PAGE_H) - MARGIN_BOTTOM;
}

/* Closes the page and starts the next, A4 landscape or portrait, numbered
 * at the top from page 2 (the numbers run on across orientations). */
static void new_page_as(struct render *r, int landscape)
{
    cairo_show_page(r->cr);
    if (landscape != r->landscape)
        cairo_pdf_surface_set_size(r->surface, landscape ? PAGE_H : PAGE_W, landscape ? PAGE_W : PAGE_H);
    set_geometry(r, landscape);
    r->page++;
    r->y = MARGIN_TOP;
    char num[16];
    snprintf(num, sizeof num, "%d", r->page);
    PangoLayout *l = layout_new(r, num, REGULAR, 13, TEXT_W, PANGO_ALIGN_CENTER, 0, 0);
    if (l) {
        draw_layout(r, l, X0, MARGIN_TOP - 11 * MM);
        g_object_unref(l);
    }
}

static void new_page(struct render *r)
{
    new_page_as(r, r->landscape);
}

/* Text (not a wide table) goes on portrait pages: after a landscape table,
 * a new portrait page. */
static void portrait(struct render *r)
{
    if (r->landscape)
        new_page_as(r, 0);
}

/* Draws the layout at the left edge x, line by line, starting new pages as
 * needed, and moves y past it. */
static void flow(struct render *r, PangoLayout *l, double x)
{
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double h = (double)logical.height / PANGO_SCALE;
        if (r->y + h > Y_END)
            new_page(r);
        int baseline = pango_layout_iter_get_baseline(it);
        cairo_move_to(r->cr, x + (double)logical.x / PANGO_SCALE, r->y + (double)(baseline - logical.y) / PANGO_SCALE);
        pango_cairo_show_layout_line(r->cr, pango_layout_iter_get_line_readonly(it));
        r->y += h + LEADING;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

static void flow_text(struct render *r, const char *text, enum style st, double size, PangoAlignment align,
                      int justify, double indent, double gap_before)
{
    portrait(r);
    PangoLayout *l = layout_new(r, text, st, size, TEXT_W, align, justify, indent);
    if (l == NULL)
        return;
    r->y += gap_before;
    flow(r, l, X0);
    g_object_unref(l);
}

/* Page 1's head: agency block (left), Quốc hiệu and Tiêu ngữ (right), then
 * "Số:" under the agency and the place and date under the Tiêu ngữ. */
static void draw_head(struct render *r, const struct report_doc *doc)
{
    PangoLayout *qh = layout_new(r, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", BOLD, 12.5, 2 * TEXT_W, PANGO_ALIGN_LEFT, 0, 0);
    if (qh == NULL)
        return;
    double qh_w = layout_line_width(qh);
    double right_w = qh_w + 8 > TEXT_W * 0.6 ? qh_w + 8 : TEXT_W * 0.6;
    double left_w = TEXT_W - right_w;
    double right_x = X0 + left_w;
    g_object_unref(qh);

    double ly = r->y, ry = r->y;
    if (doc->parent_body && doc->parent_body[0]) {
        PangoLayout *l = layout_new(r, doc->parent_body, REGULAR, 12.5, left_w, PANGO_ALIGN_CENTER, 0, 0);
        if (l == NULL)
            return;
        ly += draw_layout(r, l, X0, ly);
        g_object_unref(l);
    }
    PangoLayout *ag = layout_new(r, doc->agency, BOLD, 12.5, left_w, PANGO_ALIGN_CENTER, 0, 0);
    if (ag == NULL)
        return;
    double ag_w = layout_line_width(ag);
    ly += draw_layout(r, ag, X0, ly);
    g_object_unref(ag);
    /* A rule of 1/3 to 1/2 of the agency's line, centred under it. */
    double cx = X0 + left_w / 2, half = ag_w * 0.2;
    hline(r, cx - half, cx + half, ly + 1);

    qh = layout_new(r, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", BOLD, 12.5, right_w, PANGO_ALIGN_CENTER, 0, 0);
    PangoLayout *tn = layout_new(r, "Độc lập - Tự do - Hạnh phúc", BOLD, 13.5, right_w, PANGO_ALIGN_CENTER, 0, 0);
    if (qh == NULL || tn == NULL) {
        if (qh)
            g_object_unref(qh);
        if (tn)
            g_object_unref(tn);
        return;
    }
    ry += draw_layout(r, qh, right_x, ry);
    double tn_w = layout_line_width(tn);
    ry += draw_layout(r, tn, right_x, ry);
    g_object_unref(qh);
    g_object_unref(tn);
    /* The rule under the Tiêu ngữ is as long as its line. */
    double rcx = right_x + right_w / 2;
    hline(r, rcx - tn_w / 2, rcx + tn_w / 2, ry + 1);

    double y2 = (ly > ry ? ly : ry) + 8;
    char line[256];
    report_number_line(doc->number, line, sizeof line);
    PangoLayout *so = layout_new(r, line, REGULAR, 13, left_w, PANGO_ALIGN_CENTER, 0, 0);
    report_date_line(doc, line, sizeof line);
    PangoLayout *date = layout_new(r, line, ITALIC, 13.5, right_w, PANGO_ALIGN_CENTER, 0, 0);
    if (so == NULL || date == NULL) {
        if (so)
            g_object_unref(so);
        if (date)
            g_object_unref(date);
        return;
    }
    double h1 = draw_layout(r, so, X0, y2);
    double h2 = draw_layout(r, date, right_x, y2);
    g_object_unref(so);
    g_object_unref(date);
    r->y = y2 + (h1 > h2 ? h1 : h2);
}

static void draw_title(struct render *r, const struct report_doc *doc)
{
    flow_text(r, doc->title ? doc->title : "BÁO CÁO", BOLD, 14, PANGO_ALIGN_CENTER, 0, 0, 20);
    if (doc->subject && doc->subject[0]) {
        PangoLayout *l = layout_new(r, doc->subject, BOLD, 14, TEXT_W * 0.85, PANGO_ALIGN_CENTER, 0, 0);
        if (l == NULL)
            return;
        flow(r, l, X0 + TEXT_W * 0.075);
        g_object_unref(l);
    }
    /* The rule under the subject: a third of the line, clear of its descenders. */
    hline(r, X0 + TEXT_W / 3, X0 + 2 * TEXT_W / 3, r->y + 3);
    r->y += 16;
}

struct row_layouts {
    PangoLayout **cells;
    double height;
};

static unsigned column_weight(const struct report_column *c)
{
    if (c->weight)
        return c->weight;
    return c->type == REPORT_COL_TEXT ? 3 : 1;
}

/* Width of text on one line (no wrapping), or -1 after fail(). */
static double text_width(struct render *r, const char *text, enum style st, double size)
{
    PangoLayout *l = layout_new(r, text, st, size, -1, PANGO_ALIGN_LEFT, 0, 0);
    if (l == NULL)
        return -1;
    pango_layout_set_width(l, -1);
    double w = layout_line_width(l);
    g_object_unref(l);
    return w;
}

/* The width of the longest word of text, or -1 after fail(). */
static double longest_word(struct render *r, const char *text, enum style st)
{
    double min = 0;
    char word[256];
    const char *h = text ? text : "";
    h += strspn(h, " ");
    while (*h) {
        size_t n = strcspn(h, " ");
        snprintf(word, sizeof word, "%.*s", (int)n, h);
        double w = text_width(r, word, st, TABLE_SIZE);
        if (w < 0)
            return -1;
        if (w > min)
            min = w;
        h += n;
        h += strspn(h, " ");
    }
    return min;
}

/* A text column whose cells are all this short (on one line) is never
 * wrapped when the table has room: "Thường xuyên" stays on one line. */
#define SHORT_TEXT (PORTRAIT_TEXT_W / 4)

/* The narrowest a column may be: its header's longest word (no "ST-T"),
 * for numbers and dates their longest value, on one line; for text the
 * longest word of a cell (a word is never cut), and with `whole` the
 * longest cell on one line when every cell is short (SHORT_TEXT). */
static double column_min_width(struct render *r, const struct report_table *t, size_t c, int whole)
{
    const struct report_column *col = &t->columns[c];
    double min = longest_word(r, col->header, BOLD);
    if (min < 0)
        return -1;
    if (col->type == REPORT_COL_TEXT) {
        double widest = 0;
        for (size_t row = 0; row < t->nrows; row++) {
            const char *cell = t->cells[row * t->ncolumns + c];
            if (cell == NULL || cell[0] == '\0' || !text_valid_utf8(cell, strlen(cell)))
                continue; /* row_layouts refuses bad UTF-8 */
            double w = whole ? text_width(r, cell, REGULAR, TABLE_SIZE) : longest_word(r, cell, REGULAR);
            if (w < 0)
                return -1;
            if (w > widest)
                widest = w;
        }
        if (whole && widest > SHORT_TEXT)
            widest = longest_word(r, col->header, BOLD); /* long text: wrapped, the header's word as before */
        if (widest > min)
            min = widest;
    }
    if (col->type != REPORT_COL_TEXT) {
        size_t longest = 0, at = 0;
        char shown[64];
        for (size_t row = 0; row < t->nrows; row++) {
            const char *cell = t->cells[row * t->ncolumns + c];
            size_t n = cell ? strlen(cell) : 0;
            if (n > longest) {
                longest = n;
                at = row;
            }
        }
        if (longest > 0) {
            const char *cell = t->cells[at * t->ncolumns + c];
            if (report_cell_valid(col->type, cell, NULL)) {
                report_cell_display(col->type, cell, shown, sizeof shown);
                double w = text_width(r, shown, REGULAR, TABLE_SIZE);
                if (w < 0)
                    return -1;
                if (w > min)
                    min = w;
            }
        }
    }
    return min + 2 * CELL_PAD_X + 1;
}

/* Widths by weight over the text width, each at least its minimum: a
 * column below its minimum gets it, the others share what is left by
 * weight, until none is below. The minimum keeps short text cells whole
 * when all the minima fit in the width together, else only their words. */
static int column_widths(struct render *r, const struct report_table *t, double *widths)
{
    size_t n = t->ncolumns;
    double *min = calloc(n, sizeof *min);
    unsigned char *fixed = calloc(n, 1);
    int rc = -1;
    if (min == NULL || fixed == NULL) {
        fail(r, REPORT_LIBRARY, "out of memory");
        goto done;
    }
    for (int whole = 1; whole >= 0; whole--) {
        double sum = 0;
        for (size_t c = 0; c < n; c++) {
            if ((min[c] = column_min_width(r, t, c, whole)) < 0)
                goto done;
            sum += min[c];
        }
        if (sum <= TEXT_W)
            break;
    }
    for (size_t round = 0; round <= n; round++) {
        double left = TEXT_W;
        unsigned total = 0;
        for (size_t c = 0; c < n; c++) {
            if (fixed[c])
                left -= min[c];
            else
                total += column_weight(&t->columns[c]);
        }
        int changed = 0;
        for (size_t c = 0; c < n; c++) {
            if (fixed[c]) {
                widths[c] = min[c];
                continue;
            }
            widths[c] = total ? left * column_weight(&t->columns[c]) / total : 0;
            if (widths[c] < min[c]) {
                fixed[c] = 1;
                changed = 1;
            }
        }
        if (!changed)
            break;
    }
    rc = 0;
done:
    free(min);
    free(fixed);
    return rc;
}

/* A table too wide for a portrait page: the columns, each at least its
 * minimum (short cells whole) and wide enough for its header on three
 * lines, do not fit the portrait text width together. Such a table goes on
 * landscape pages (reports.md: "tables may turn the page to landscape").
 * -1 after fail(). */
static int table_is_wide(struct render *r, const struct report_table *t)
{
    double sum = 0;
    for (size_t c = 0; c < t->ncolumns; c++) {
        double min = column_min_width(r, t, c, 1);
        double head = text_width(r, t->columns[c].header ? t->columns[c].header : "", BOLD, TABLE_SIZE);
        if (min < 0 || head < 0)
            return -1;
        head = head / 3 + 2 * CELL_PAD_X + 1;
        sum += min > head ? min : head;
    }
    return sum > PORTRAIT_TEXT_W;
}

/* The layouts of one row (header when `header`), and its height. */
static int row_layouts(struct render *r, const struct report_table *t, size_t row, int header, const double *widths,
                       struct row_layouts *out)
{
    out->height = 0;
    for (size_t c = 0; c < t->ncolumns; c++) {
        const struct report_column *col = &t->columns[c];
        char shown[512];
        PangoAlignment align = PANGO_ALIGN_CENTER;
        if (header) {
            snprintf(shown, sizeof shown, "%s", col->header ? col->header : "");
        } else {
            const char *cell = t->cells[row * t->ncolumns + c];
            if (!report_cell_valid(col->type, cell, NULL)) {
                fail(r, REPORT_BAD_CELL, "table \"%.60s\", row %zu, column \"%.60s\": \"%.40s\" is not of the column's type",
                     t->caption ? t->caption : "", row + 1, col->header ? col->header : "", cell);
                return -1;
            }
            report_cell_display(col->type, cell, shown, sizeof shown);
            if (col->type == REPORT_COL_TEXT)
                align = PANGO_ALIGN_LEFT;
            else if (col->type != REPORT_COL_DATE)
                align = PANGO_ALIGN_RIGHT;
        }
        PangoLayout *l = layout_new(r, shown, header ? BOLD : REGULAR, TABLE_SIZE, widths[c] - 2 * CELL_PAD_X, align, 0, 0);
        if (l == NULL)
            return -1;
        out->cells[c] = l;
        double h = layout_height(l) + 2 * CELL_PAD_Y;
        if (h > out->height)
            out->height = h;
    }
    return 0;
}

static void row_free(struct row_layouts *rl, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        if (rl->cells[c])
            g_object_unref(rl->cells[c]);
        rl->cells[c] = NULL;
    }
}

/* A row of cells with their borders; a header's cells are centred
 * vertically, a body's at the top (as a word processor does). */
static void draw_row(struct render *r, const struct row_layouts *rl, size_t n, const double *widths, int header)
{
    double x = X0;
    cairo_set_line_width(r->cr, RULE);
    for (size_t c = 0; c < n; c++) {
        cairo_rectangle(r->cr, x, r->y, widths[c], rl->height);
        cairo_stroke(r->cr);
        double dy = header ? (rl->height - 2 * CELL_PAD_Y - layout_height(rl->cells[c])) / 2 : 0;
        draw_layout(r, rl->cells[c], x + CELL_PAD_X, r->y + CELL_PAD_Y + dy);
        x += widths[c];
    }
    r->y += rl->height;
}

/* A bordered table; a row that does not fit starts a new page, which gets
 * the header row again. A row taller than a page is drawn as it is. The
 * caption, the header row and the first row (or 20 pt of an empty table)
 * go on one page: never a caption or a header alone at a page's foot. */
static void draw_table(struct render *r, const struct report_table *t)
{
    if (t->ncolumns == 0)
        return;
    PangoLayout *caption = NULL;
    double *widths = calloc(t->ncolumns, sizeof *widths);
    PangoLayout **hcells = calloc(t->ncolumns, sizeof *hcells);
    PangoLayout **bcells = calloc(t->ncolumns, sizeof *bcells);
    if (widths == NULL || hcells == NULL || bcells == NULL) {
        fail(r, REPORT_LIBRARY, "out of memory");
        goto done;
    }
    int wide = table_is_wide(r, t);
    if (wide < 0)
        goto done;
    if (wide != r->landscape)
        new_page_as(r, wide);
    if (column_widths(r, t, widths) < 0)
        goto done;

    struct row_layouts head = {hcells, 0}, body = {bcells, 0};
    if (row_layouts(r, t, 0, 1, widths, &head) < 0)
        goto done;
    if (t->nrows > 0 && row_layouts(r, t, 0, 0, widths, &body) < 0) {
        row_free(&head, t->ncolumns);
        row_free(&body, t->ncolumns);
        goto done;
    }
    double need = 4 + head.height + (t->nrows > 0 ? body.height : 20);
    if (t->caption && t->caption[0]) {
        caption = layout_new(r, t->caption, BOLD, 13, TEXT_W, PANGO_ALIGN_CENTER, 0, 0);
        if (caption == NULL) {
            row_free(&head, t->ncolumns);
            row_free(&body, t->ncolumns);
            goto done;
        }
        need += 8 + layout_height(caption);
    }
    if (r->y + need > Y_END && r->y > MARGIN_TOP)
        new_page(r);
    if (caption) {
        r->y += 8;
        flow(r, caption, X0);
    }
    r->y += 4;
    draw_row(r, &head, t->ncolumns, widths, 1);
    for (size_t row = 0; row < t->nrows && r->rc == REPORT_OK; row++) {
        if (row > 0 && row_layouts(r, t, row, 0, widths, &body) < 0)
            break;
        if (r->y + body.height > Y_END) {
            new_page(r);
            draw_row(r, &head, t->ncolumns, widths, 1);
        }
        draw_row(r, &body, t->ncolumns, widths, 0);
        row_free(&body, t->ncolumns);
    }
    if (bcells)
        row_free(&body, t->ncolumns);
    row_free(&head, t->ncolumns);
    r->y += 10;
done:
    if (caption)
        g_object_unref(caption);
    free(widths);
    free(hcells);
    free(bcells);
}

/* "Nơi nhận:" at the left and the signature at the right, side by side,
 * kept together on one page. */
static void draw_closing(struct render *r, const struct report_doc *doc)
{
    portrait(r);
    double left_w = TEXT_W * 0.45, right_w = TEXT_W - left_w, right_x = X0 + left_w;
    /* The recipients as one layout: "- Như trên;" a line each. */
    size_t cap = 32;
    for (size_t i = 0; i < doc->nrecipients; i++)
        cap += strlen(doc->recipients[i]) + 4;
    char *list = malloc(cap);
    if (list == NULL) {
        fail(r, REPORT_LIBRARY, "out of memory");
        return;
    }
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; i < doc->nrecipients; i++)
        o += (size_t)snprintf(list + o, cap - o, "%s- %s", i ? "\n" : "", doc->recipients[i]);

    PangoLayout *nn = layout_new(r, "Nơi nhận:", BOLD_ITALIC, 12, left_w, PANGO_ALIGN_LEFT, 0, 0);
    PangoLayout *rec = layout_new(r, list, REGULAR, 11, left_w, PANGO_ALIGN_LEFT, 0, 0);
    free(list);
    char head[512];
    snprintf(head, sizeof head, "%s%s%s", doc->signer_authority ? doc->signer_authority : "",
             doc->signer_authority && doc->signer_authority[0] ? "\n" : "", doc->signer_title ? doc->signer_title : "");
    PangoLayout *title = layout_new(r, head, BOLD, 13.5, right_w, PANGO_ALIGN_CENTER, 0, 0);
    PangoLayout *name = layout_new(r, doc->signer_name ? doc->signer_name : "", BOLD, 13.5, right_w, PANGO_ALIGN_CENTER, 0, 0);
    if (nn && rec && title && name) {
        double sign_space = 62; /* the signature and the seal */
        double lh = layout_height(nn) + layout_height(rec);
        double rh = layout_height(title) + sign_space + layout_height(name);
        double h = lh > rh ? lh : rh;
        r->y += 18;
        if (r->y + h > Y_END)
            new_page(r);
        double y = r->y;
        double yl = y + draw_layout(r, nn, X0, y);
        draw_layout(r, rec, X0, yl);
        double yr = y + draw_layout(r, title, right_x, y) + sign_space;
        draw_layout(r, name, right_x, yr);
        r->y = y + h;
    }
    PangoLayout *all[4] = {nn, rec, title, name};
    for (int i = 0; i < 4; i++)
        if (all[i])
            g_object_unref(all[i]);
}

/* The parts of a report are numbered I, II, III… (their points 1, 2, 3
 * are the narrative's own). n from 1 to 3999. */
static void roman(size_t n, char *buf, size_t len)
{
    static const struct {
        size_t value;
        const char *text;
    } digits[] = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"},
                  {40, "XL"},  {10, "X"},   {9, "IX"},  {5, "V"},    {4, "IV"},  {1, "I"}};
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof digits / sizeof digits[0]; i++)
        while (n >= digits[i].value && o + strlen(digits[i].text) < len) {
            o += (size_t)snprintf(buf + o, len - o, "%s", digits[i].text);
            n -= digits[i].value;
        }
}

static void draw_body(struct render *r, const struct report_doc *doc)
{
    for (size_t s = 0; s < doc->nsections && r->rc == REPORT_OK; s++) {
        const struct report_section *sec = &doc->sections[s];
        char heading[512], numeral[16];
        roman(s + 1, numeral, sizeof numeral);
        snprintf(heading, sizeof heading, "%s. %s", numeral, sec->heading ? sec->heading : "");
        flow_text(r, heading, BOLD, BODY_SIZE, PANGO_ALIGN_LEFT, 1, INDENT, PARA_GAP + 2);
        for (size_t p = 0; p < sec->nparagraphs && r->rc == REPORT_OK; p++)
            flow_text(r, sec->paragraphs[p], REGULAR, BODY_SIZE, PANGO_ALIGN_LEFT, 1, INDENT, PARA_GAP);
        for (size_t t = 0; t < sec->ntables && r->rc == REPORT_OK; t++)
            draw_table(r, &sec->tables[t]);
    }
}

enum report_rc report_pdf_render(const struct report_doc *doc, unsigned char **out, size_t *len, char *err,
                                 size_t errlen)
{
    *out = NULL;
    *len = 0;
    if (err && errlen)
        err[0] = '\0';
    char dummy[8];
    if (font_map == NULL) {
        font_map = build_font_map(err ? err : dummy, err ? errlen : sizeof dummy);
        if (font_map == NULL)
            return REPORT_NO_FONT;
    }
    struct outbuf buf = {0};
    struct render r = {.rc = REPORT_OK, .err = err, .errlen = errlen, .page = 1, .y = MARGIN_TOP};
    set_geometry(&r, 0);
    r.surface = cairo_pdf_surface_create_for_stream(write_out, &buf, PAGE_W, PAGE_H);
    cairo_pdf_surface_restrict_to_version(r.surface, CAIRO_PDF_VERSION_1_5);
    /* The document's own date as the file's, so the same report gives the
     * same bytes. */
    char date[32];
    snprintf(date, sizeof date, "%04d-%02d-%02dT00:00:00", doc->year, doc->month, doc->day);
    cairo_pdf_surface_set_metadata(r.surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(r.surface, CAIRO_PDF_METADATA_TITLE, doc->subject ? doc->subject : "");
    cairo_pdf_surface_set_metadata(r.surface, CAIRO_PDF_METADATA_AUTHOR, doc->agency ? doc->agency : "");
    cairo_pdf_surface_set_metadata(r.surface, CAIRO_PDF_METADATA_CREATOR, "thidua");
    r.cr = cairo_create(r.surface);
    cairo_set_source_rgb(r.cr, 0, 0, 0);
    r.ctx = pango_font_map_create_context(font_map);
    pango_cairo_context_set_resolution(r.ctx, 72);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(r.ctx, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_update_context(r.cr, r.ctx);

    draw_head(&r, doc);
    if (r.rc == REPORT_OK)
        draw_title(&r, doc);
    if (r.rc == REPORT_OK)
        draw_body(&r, doc);
    if (r.rc == REPORT_OK)
        draw_closing(&r, doc);

    g_object_unref(r.ctx);
    cairo_destroy(r.cr);
    cairo_surface_finish(r.surface);
    cairo_status_t st = cairo_surface_status(r.surface);
    cairo_surface_destroy(r.surface);
    if (r.rc == REPORT_OK && (st != CAIRO_STATUS_SUCCESS || buf.failed))
        fail(&r, REPORT_LIBRARY, "cairo: %s", buf.failed ? "out of memory" : cairo_status_to_string(st));
    if (r.rc != REPORT_OK) {
        free(buf.data);
        return r.rc;
    }
    *out = buf.data;
    *len = buf.len;
    return REPORT_OK;
}
