/* report_render.c — report JSON to report_doc and to HTML (see
 * report_render.h). */
#include "report_render.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "report_figures.h"
#include "scorecard.h"
#include "text.h"

char *report_upper(arena *a, const char *s)
{
    size_t n = strlen(s);
    char *out = arena_alloc(a, n * 4 + 1);
    size_t o = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t l = utf8proc_iterate(p, -1, &cp);
        if (l <= 0)
            break;
        o += (size_t)utf8proc_encode_char(utf8proc_toupper(cp), (utf8proc_uint8_t *)out + o);
        p += l;
    }
    out[o] = '\0';
    char *nfc = text_nfc(a, out);
    return nfc ? nfc : out;
}

/* s with its first letter in lower case ("Phong trào" -> "phong trào"). */
static char *lower_first(arena *a, const char *s)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
    if (l <= 0)
        return arena_strdup(a, s);
    char first[8] = {0};
    utf8proc_encode_char(utf8proc_tolower(cp), (utf8proc_uint8_t *)first);
    return arena_printf(a, "%s%s", first, s + l);
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static const char *num(arena *a, const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_integer(v))
        return arena_printf(a, "%lld", (long long)json_integer_value(v));
    return "0";
}

/* The Vietnamese date of an instant written YYYY-MM-DDTHH:MM:SSZ (UTC):
 * Vietnam is UTC+7 all year. */
static int vn_date(const char *utc, int *y, int *m, int *d)
{
    char day[11];
    if (!utc || strlen(utc) < 13)
        return -1;
    memcpy(day, utc, 10);
    day[10] = '\0';
    int yy, mm, dd;
    if (!text_date_parse(day, &yy, &mm, &dd))
        return -1;
    int hour = (utc[11] - '0') * 10 + (utc[12] - '0');
    long days = sc_days_from_civil(yy, mm, dd) + (hour >= 17 ? 1 : 0);
    long ly, lm, ld;
    sc_civil_from_days(days, &ly, &lm, &ld);
    *y = (int)ly;
    *m = (int)lm;
    *d = (int)ld;
    return 0;
}

/* A growing list of cells (row by row) in the arena. */
typedef struct cells {
    const char **v;
    size_t n, cap;
} cells;

static void cell(arena *a, cells *c, const char *s)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        const char **v = arena_alloc(a, cap * sizeof *v);
        if (c->n)
            memcpy(v, c->v, c->n * sizeof *v);
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = s;
}

typedef struct builder {
    arena *a;
    struct report_table tables[10];
    size_t ntables;
    const char *paras[16];
    size_t nparas;
} builder;

static void table(builder *b, const char *caption, const char *sheet, const struct report_column *cols, size_t ncols,
                  const cells *c)
{
    if (b->ntables >= sizeof b->tables / sizeof b->tables[0])
        return;
    struct report_table *t = &b->tables[b->ntables++];
    t->caption = arena_printf(b->a, "Bảng %zu. %s", b->ntables, caption);
    t->sheet_name = sheet;
    t->columns = cols;
    t->ncolumns = ncols;
    t->cells = c->v;
    t->nrows = ncols ? c->n / ncols : 0;
}

static void para(builder *b, const char *s)
{
    if (b->nparas < sizeof b->paras / sizeof b->paras[0])
        b->paras[b->nparas++] = s;
}

static const char *status_label(const char *s)
{
    if (strcmp(s, "met") == 0)
        return "Đạt";
    if (strcmp(s, "missed") == 0)
        return "Không đạt";
    if (strcmp(s, "at_risk") == 0)
        return "Có nguy cơ không đạt";
    if (strcmp(s, "pending") == 0)
        return "Chưa đến kỳ đánh giá";
    return s;
}

static const char *comparator_sign(const char *c)
{
    static const char *const map[][2] = {{"ge", "≥ "}, {"gt", "> "}, {"le", "≤ "}, {"lt", "< "}, {"eq", "= "}};
    for (size_t i = 0; i < 5; i++)
        if (strcmp(map[i][0], c) == 0)
            return map[i][1];
    return "";
}

static bool is_ratio(const char *metric)
{
    return strcmp(metric, "task_completion") == 0 || strcmp(metric, "study_coverage") == 0 ||
           strcmp(metric, "staff_title_share") == 0 || strcmp(metric, "unit_title_share") == 0;
}

/* A figure as a Vietnamese reader writes it: a decimal with a comma, a
 * percentage with " %", a boolean as Có/Không, a code as it is. */
static const char *value_text(arena *a, const json_t *v, bool percent)
{
    if (json_is_null(v) || !v)
        return "";
    if (json_is_true(v))
        return "Có";
    if (json_is_false(v))
        return "Không";
    const char *s;
    if (json_is_integer(v))
        s = arena_printf(a, "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v))
        s = json_string_value(v);
    else
        return "";
    bool numeric = *s != '\0';
    for (const char *p = s; *p; p++)
        numeric &= (*p >= '0' && *p <= '9') || *p == '.' || *p == '-';
    if (!numeric)
        return s;
    char *c = arena_strdup(a, s);
    for (char *p = c; *p; p++)
        if (*p == '.')
            *p = ',';
    return percent ? arena_printf(a, "%s %%", c) : c;
}

static const struct report_column target_cols[] = {
    {"STT", REPORT_COL_INTEGER, 1},   {"Chỉ tiêu", REPORT_COL_TEXT, 6}, {"Chỉ tiêu giao", REPORT_COL_TEXT, 2},
    {"Kết quả", REPORT_COL_TEXT, 2},  {"Tử số", REPORT_COL_INTEGER, 1}, {"Mẫu số", REPORT_COL_INTEGER, 1},
    {"Đánh giá", REPORT_COL_TEXT, 2},
};
static const struct report_column unit_cols[] = {
    {"STT", REPORT_COL_INTEGER, 1},          {"Đơn vị", REPORT_COL_TEXT, 5},
    {"Số cán bộ", REPORT_COL_INTEGER, 2},    {"Đã học tập", REPORT_COL_INTEGER, 2},
    {"LĐTT", REPORT_COL_INTEGER, 1},         {"CSTĐCS", REPORT_COL_INTEGER, 2},
    {"Danh hiệu tập thể", REPORT_COL_TEXT, 2}, {"Xếp loại", REPORT_COL_TEXT, 2},
};
static const struct report_column award_cols[] = {
    {"STT", REPORT_COL_INTEGER, 1},          {"Họ và tên / Tập thể", REPORT_COL_TEXT, 7},
    {"Đơn vị", REPORT_COL_TEXT, 4},          {"Hình thức khen thưởng", REPORT_COL_TEXT, 5},
    {"Số quyết định", REPORT_COL_TEXT, 4},   {"Ngày quyết định", REPORT_COL_DATE, 3},
};
static const struct report_column by_award_cols[] = {
    {"STT", REPORT_COL_INTEGER, 1},          {"Hình thức khen thưởng", REPORT_COL_TEXT, 5},
    {"Số lượng", REPORT_COL_INTEGER, 2},     {"Tập thể", REPORT_COL_INTEGER, 2},
    {"Lãnh đạo Sở", REPORT_COL_INTEGER, 2},  {"Lãnh đạo phòng, đơn vị", REPORT_COL_INTEGER, 2},
    {"Người lao động trực tiếp", REPORT_COL_INTEGER, 2},
};

static const struct report_column exemplar_cols[] = {
    {"STT", REPORT_COL_INTEGER, 1},      {"Gương điển hình, mô hình", REPORT_COL_TEXT, 7},
    {"Loại", REPORT_COL_TEXT, 4},        {"Đơn vị", REPORT_COL_TEXT, 4},
    {"Ngày công bố", REPORT_COL_DATE, 3},
};

static const char *exemplar_kind(const char *k)
{
    if (strcmp(k, "guong_dien_hinh") == 0)
        return "Gương điển hình tiên tiến";
    if (strcmp(k, "nguoi_tot_viec_tot") == 0)
        return "Người tốt, việc tốt";
    if (strcmp(k, "mo_hinh_moi") == 0)
        return "Mô hình mới, cách làm hay";
    return k;
}

/* The exemplary models published, when there are any. */
static void exemplars_table(builder *b, const json_t *f)
{
    const json_t *items = json_object_get(json_object_get(f, "exemplars"), "items");
    if (json_array_size(items) == 0)
        return;
    cells c = {0};
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e) {
        cell(b->a, &c, arena_printf(b->a, "%zu", i + 1));
        cell(b->a, &c, str(e, "title"));
        cell(b->a, &c, exemplar_kind(str(e, "kind")));
        cell(b->a, &c, str(e, "unit_name"));
        cell(b->a, &c, str(e, "published_on"));
    }
    table(b, "Gương điển hình, mô hình mới đã công bố", "Điển hình đã công bố", exemplar_cols, 5, &c);
}

static void targets_table(builder *b, const json_t *f)
{
    cells c = {0};
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(json_object_get(f, "scorecard"), "targets"), i, t) {
        bool pct = is_ratio(str(t, "metric"));
        cell(b->a, &c, arena_printf(b->a, "%zu", i + 1));
        cell(b->a, &c, str(t, "name"));
        const char *thr = value_text(b->a, json_object_get(t, "threshold"), pct);
        cell(b->a, &c, *thr ? arena_printf(b->a, "%s%s", comparator_sign(str(t, "comparator")), thr) : "");
        cell(b->a, &c, value_text(b->a, json_object_get(t, "value"), pct));
        json_t *nu = json_object_get(t, "numerator"), *de = json_object_get(t, "denominator");
        cell(b->a, &c, json_is_integer(nu) ? arena_printf(b->a, "%lld", (long long)json_integer_value(nu)) : NULL);
        cell(b->a, &c, json_is_integer(de) ? arena_printf(b->a, "%lld", (long long)json_integer_value(de)) : NULL);
        cell(b->a, &c, status_label(str(t, "status")));
    }
    table(b, "Kết quả thực hiện các chỉ tiêu thi đua", "Chỉ tiêu", target_cols, 7, &c);
}

static void units_table(builder *b, const json_t *f)
{
    cells c = {0};
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(f, "units"), i, u) {
        cell(b->a, &c, arena_printf(b->a, "%zu", i + 1));
        cell(b->a, &c, str(u, "name"));
        cell(b->a, &c, num(b->a, u, "active_staff"));
        json_t *sc = json_object_get(u, "study_covered");
        cell(b->a, &c, json_is_integer(sc) ? num(b->a, u, "study_covered") : NULL);
        cell(b->a, &c, num(b->a, u, "ldtt"));
        cell(b->a, &c, num(b->a, u, "cstdcs"));
        cell(b->a, &c, str(u, "collective_title"));
        cell(b->a, &c, str(u, "rating"));
    }
    table(b, "Kết quả của các phòng, đơn vị", "Đơn vị", unit_cols, 8, &c);
}

/* A column header short enough for a table of every award. */
static const char *award_short(const char *code)
{
    static const char *const map[][2] = {
        {"LDTT", "Lao động tiên tiến"},     {"CSTDCS", "CSTĐ cơ sở"},       {"CSTD_TINH", "CSTĐ cấp tỉnh"},
        {"CSTD_TOAN_QUOC", "CSTĐ toàn quốc"}, {"BK_TINH", "Bằng khen UBND tỉnh"}, {"GIAY_KHEN", "Giấy khen"},
        {"TTLDTT", "Tập thể LĐTT"},         {"TTLDXS", "Tập thể LĐXS"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], code) == 0)
            return map[i][1];
    return code;
}

/* The awards as an office's report counts them: by award and subject; by
 * unit (one column per award, a wide table); then the names of those
 * granted at the higher level (few). */
static void awards_tables(builder *b, const json_t *f)
{
    const json_t *aw = json_object_get(f, "awards");
    const json_t *rows = json_object_get(aw, "by_award_subject");
    cells c = {0};
    size_t i;
    json_t *v;
    json_array_foreach(rows, i, v) {
        cell(b->a, &c, arena_printf(b->a, "%zu", i + 1));
        cell(b->a, &c, report_award_label(str(v, "award")));
        cell(b->a, &c, num(b->a, v, "total"));
        cell(b->a, &c, num(b->a, v, "collective"));
        cell(b->a, &c, num(b->a, v, "leader_agency"));
        cell(b->a, &c, num(b->a, v, "leader_unit"));
        cell(b->a, &c, num(b->a, v, "worker"));
    }
    const json_t *bl = json_object_get(aw, "by_leader_level");
    cell(b->a, &c, NULL);
    cell(b->a, &c, "Tổng cộng");
    cell(b->a, &c, num(b->a, aw, "total"));
    cell(b->a, &c, num(b->a, bl, "collective"));
    cell(b->a, &c, num(b->a, bl, "agency"));
    cell(b->a, &c, num(b->a, bl, "unit"));
    cell(b->a, &c, num(b->a, bl, "none"));
    table(b, "Khen thưởng theo hình thức và đối tượng", "Khen thưởng theo hình thức", by_award_cols, 7, &c);

    const json_t *units = json_object_get(aw, "by_unit");
    size_t na = json_array_size(rows), k;
    if (json_array_size(units) > 0) {
        size_t nc = na + 3;
        struct report_column *uc = arena_alloc(b->a, nc * sizeof *uc);
        uc[0] = (struct report_column){"STT", REPORT_COL_INTEGER, 1};
        uc[1] = (struct report_column){"Đơn vị", REPORT_COL_TEXT, 6};
        json_array_foreach(rows, k, v) uc[2 + k] = (struct report_column){award_short(str(v, "award")),
                                                                          REPORT_COL_INTEGER, 2};
        uc[nc - 1] = (struct report_column){"Tổng cộng", REPORT_COL_INTEGER, 2};
        cells u = {0};
        json_t *x;
        json_array_foreach(units, i, x) {
            cell(b->a, &u, arena_printf(b->a, "%zu", i + 1));
            cell(b->a, &u, str(x, "name"));
            json_array_foreach(rows, k, v) cell(b->a, &u, num(b->a, json_object_get(x, "counts"), str(v, "award")));
            cell(b->a, &u, num(b->a, x, "total"));
        }
        cell(b->a, &u, NULL);
        cell(b->a, &u, "Tổng cộng");
        json_array_foreach(rows, k, v) cell(b->a, &u, num(b->a, v, "total"));
        cell(b->a, &u, num(b->a, aw, "total"));
        table(b, "Khen thưởng theo phòng, đơn vị", "Khen thưởng theo đơn vị", uc, nc, &u);
    }

    const json_t *named = json_object_get(aw, "named");
    if (json_array_size(named) == 0)
        return;
    cells l = {0};
    json_array_foreach(named, i, v) {
        cell(b->a, &l, arena_printf(b->a, "%zu", i + 1));
        cell(b->a, &l, str(v, "subject_name"));
        cell(b->a, &l, str(v, "unit_name"));
        cell(b->a, &l, report_award_label(str(v, "award")));
        cell(b->a, &l, str(v, "decision_no"));
        cell(b->a, &l, str(v, "decided_on"));
    }
    table(b, "Danh sách tập thể, cá nhân được khen thưởng cấp tỉnh trở lên", "Danh sách khen thưởng", award_cols, 6,
          &l);
}

/* The statistics table: one column per award, then the total. */
static void statistics_table(builder *b, const json_t *st)
{
    const json_t *cols = json_object_get(st, "columns");
    size_t nc = json_array_size(cols) + 4, i, k;
    struct report_column *rc = arena_alloc(b->a, nc * sizeof *rc);
    rc[0] = (struct report_column){"STT", REPORT_COL_INTEGER, 1};
    rc[1] = (struct report_column){"Đối tượng", REPORT_COL_TEXT, 5};
    rc[2] = (struct report_column){"Loại thành tích", REPORT_COL_TEXT, 3};
    json_t *v;
    json_array_foreach(cols, k, v) rc[3 + k] = (struct report_column){award_short(str(v, "award")), REPORT_COL_INTEGER, 2};
    rc[nc - 1] = (struct report_column){"Tổng cộng", REPORT_COL_INTEGER, 2};
    cells c = {0};
    json_array_foreach(json_object_get(st, "rows"), i, v) {
        cell(b->a, &c, arena_printf(b->a, "%zu", i + 1));
        cell(b->a, &c, str(v, "label"));
        cell(b->a, &c, str(v, "achievement_label"));
        json_t *col;
        json_array_foreach(cols, k, col) cell(b->a, &c, num(b->a, json_object_get(v, "counts"), str(col, "award")));
        cell(b->a, &c, num(b->a, v, "total"));
    }
    const json_t *t = json_object_get(st, "totals");
    cell(b->a, &c, NULL);
    cell(b->a, &c, "Tổng cộng");
    cell(b->a, &c, NULL);
    json_array_foreach(cols, k, v) cell(b->a, &c, num(b->a, json_object_get(t, "counts"), str(v, "award")));
    cell(b->a, &c, num(b->a, t, "total"));
    table(b, "Thống kê khen thưởng theo đối tượng và loại thành tích", "Thống kê khen thưởng", rc, nc, &c);
}

static const struct {
    const char *key, *heading;
} narratives[] = {
    {"strengths", "ƯU ĐIỂM"},
    {"shortcomings", "HẠN CHẾ"},
    {"lessons", "BÀI HỌC KINH NGHIỆM"},
    {"next_steps", "PHƯƠNG HƯỚNG, NHIỆM VỤ"},
    {"proposals", "KIẾN NGHỊ, ĐỀ XUẤT"},
};

/* The paragraphs of a narrative: each non-empty line. */
static void narrative(arena *a, const char *text, struct report_section *s)
{
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    const char **ps = arena_alloc(a, n * sizeof *ps);
    size_t k = 0;
    const char *start = text;
    for (const char *p = text;; p++) {
        if (*p == '\n' || *p == '\0') {
            const char *e = p;
            while (e > start && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
                e--;
            const char *b = start;
            while (b < e && (*b == ' ' || *b == '\t'))
                b++;
            if (e > b)
                ps[k++] = arena_strndup(a, b, (size_t)(e - b));
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    s->paragraphs = ps;
    s->nparagraphs = k;
}

static const char *date_vi(arena *a, const char *iso)
{
    const char *s = text_date_vi(a, iso);
    return s ? s : iso;
}

int report_render_doc(arena *a, const json_t *r, struct report_doc *doc)
{
    const json_t *f = json_object_get(r, "figures");
    const json_t *agency = json_object_get(f, "agency"), *camp = json_object_get(f, "campaign");
    if (!agency || !camp)
        return -1;
    memset(doc, 0, sizeof *doc);
    const char *parent = json_string_value(json_object_get(agency, "parent_body"));
    doc->parent_body = parent ? report_upper(a, parent) : NULL;
    doc->agency = report_upper(a, str(agency, "name"));
    doc->number = json_string_value(json_object_get(r, "number"));
    doc->place = json_string_value(json_object_get(agency, "place"));
    /* The date of issue chosen at approval; before 0019, the approval's day;
     * a draft's, its generation's. */
    const char *dated = json_string_value(json_object_get(r, "dated"));
    const char *when = json_string_value(json_object_get(r, "approved_at"));
    if (!when)
        when = json_string_value(json_object_get(r, "generated_at"));
    if (dated ? !text_date_parse(dated, &doc->year, &doc->month, &doc->day)
              : vn_date(when, &doc->year, &doc->month, &doc->day) != 0)
        return -1;
    doc->title = "BÁO CÁO";
    const char *kind = str(r, "kind");
    long long year = json_integer_value(json_object_get(camp, "year"));
    const char *cname = lower_first(a, str(camp, "name"));
    if (strcmp(kind, "mid_year") == 0)
        doc->subject = arena_printf(a, "Sơ kết 6 tháng đầu năm %lld %s", year, cname);
    else if (strcmp(kind, "year_end") == 0)
        doc->subject = arena_printf(a, "Tổng kết năm %lld %s", year, cname);
    else
        doc->subject = arena_printf(a, "Thống kê khen thưởng năm %lld (từ ngày %s đến ngày %s)", year,
                                    date_vi(a, str(r, "period_from")), date_vi(a, str(r, "period_to")));

    struct report_section *secs = arena_alloc(a, 6 * sizeof *secs);
    memset(secs, 0, 6 * sizeof *secs);
    size_t ns = 0;
    builder *b = arena_alloc(a, sizeof *b);
    memset(b, 0, sizeof *b);
    b->a = a;
    const char *as_of = date_vi(a, str(r, "as_of"));
    const json_t *aw = json_object_get(f, "awards"), *bl = json_object_get(aw, "by_leader_level");
    if (strcmp(kind, "award_statistics") == 0) {
        para(b, arena_printf(a,
                             "Từ ngày %s đến ngày %s, %s đã khen thưởng và đề nghị cấp trên khen thưởng được ghi nhận "
                             "%s lượt: %s lượt tập thể, %s lượt cá nhân là lãnh đạo Sở, %s lượt cá nhân là lãnh đạo "
                             "phòng, đơn vị và %s lượt cá nhân là người lao động trực tiếp.",
                             date_vi(a, str(r, "period_from")), date_vi(a, str(r, "period_to")), str(agency, "name"),
                             num(a, aw, "total"), num(a, bl, "collective"), num(a, bl, "agency"), num(a, bl, "unit"),
                             num(a, bl, "none")));
        statistics_table(b, json_object_get(f, "statistics"));
        awards_tables(b, f);
    } else {
        const json_t *sc = json_object_get(f, "scorecard"), *sum = json_object_get(sc, "summary");
        size_t nt = json_array_size(json_object_get(sc, "targets"));
        para(b, arena_printf(a,
                             "Tính đến ngày %s, phong trào có %zu chỉ tiêu thi đua: %s chỉ tiêu đạt, %s chỉ tiêu có "
                             "nguy cơ không đạt, %s chỉ tiêu không đạt và %s chỉ tiêu chưa đến kỳ đánh giá.",
                             as_of, nt, num(a, sum, "met"), num(a, sum, "at_risk"), num(a, sum, "missed"),
                             num(a, sum, "pending")));
        const json_t *t = json_object_get(f, "tasks"), *s = json_object_get(f, "study");
        para(b, arena_printf(a,
                             "Về nhiệm vụ: %s nhiệm vụ đến hạn, %s nhiệm vụ đã hoàn thành (%s đúng hạn), %s nhiệm vụ "
                             "quá hạn chưa hoàn thành. Về học tập: %s chuyên đề, %s buổi học tập đã tổ chức với %s "
                             "lượt cán bộ tham dự.",
                             num(a, t, "due"), num(a, t, "completed"), num(a, t, "completed_on_time"),
                             num(a, t, "overdue"), num(a, s, "topics"), num(a, s, "sessions"),
                             num(a, s, "attendances")));
        const json_t *nm = json_object_get(f, "nominations"), *ex = json_object_get(f, "exemplars");
        para(b, arena_printf(a,
                             "Về khen thưởng: %s lượt tập thể, cá nhân được khen thưởng (%s lượt tập thể, %s lượt lãnh "
                             "đạo Sở, %s lượt lãnh đạo phòng, đơn vị, %s lượt người lao động trực tiếp); %s đề nghị "
                             "khen thưởng đã được lập. Đã công bố %s gương điển hình, mô hình mới, cách làm hay.",
                             num(a, aw, "total"), num(a, bl, "collective"), num(a, bl, "agency"), num(a, bl, "unit"),
                             num(a, bl, "none"), num(a, nm, "total"), num(a, ex, "published")));
        targets_table(b, f);
        units_table(b, f);
        awards_tables(b, f);
        exemplars_table(b, f);
    }
    secs[ns].heading = strcmp(kind, "award_statistics") == 0 ? "SỐ LIỆU KHEN THƯỞNG" : "KẾT QUẢ THỰC HIỆN";
    secs[ns].paragraphs = b->paras;
    secs[ns].nparagraphs = b->nparas;
    secs[ns].tables = b->tables;
    secs[ns].ntables = b->ntables;
    ns++;
    const json_t *sections = json_object_get(r, "sections");
    for (size_t i = 0; i < sizeof narratives / sizeof narratives[0]; i++) {
        const char *text = json_string_value(json_object_get(sections, narratives[i].key));
        if (!text || !*text)
            continue;
        secs[ns].heading = narratives[i].heading;
        narrative(a, text, &secs[ns]);
        if (secs[ns].nparagraphs)
            ns++;
    }
    doc->sections = secs;
    doc->nsections = ns;

    const json_t *rec = json_object_get(f, "recipients");
    size_t nr = json_array_size(rec);
    const char **rs = arena_alloc(a, (nr + 2) * sizeof *rs);
    size_t k = 0;
    for (size_t i = 0; i < nr; i++)
        if (json_string_value(json_array_get(rec, i)))
            rs[k++] = arena_printf(a, "%s;", json_string_value(json_array_get(rec, i)));
    rs[k++] = arena_printf(a, "Lãnh đạo %s;", str(agency, "name"));
    rs[k++] = "Lưu: VT, TĐKT.";
    doc->recipients = rs;
    doc->nrecipients = k;
    doc->signer_title = "GIÁM ĐỐC";
    doc->signer_name = json_string_value(json_object_get(r, "approved_by"));
    return 0;
}

static const char *roman[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII"};

char *report_render_html(arena *a, const struct report_doc *doc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    char line[256];
    fputs("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>", f);
    text_html(f, doc->subject);
    fputs("</title><style>body{font-family:'Liberation Serif','Times New Roman',serif;font-size:14pt;max-width:"
          "180mm;margin:20mm auto}.head{display:flex;justify-content:space-between;text-align:center}"
          ".b{font-weight:bold}.i{font-style:italic}h1{text-align:center;font-size:14pt;margin:1em 0 0}"
          ".subject{text-align:center;font-weight:bold}h2{font-size:14pt}p{text-align:justify;text-indent:1cm}"
          "table{border-collapse:collapse;width:100%;font-size:12pt;margin:.5em 0}th,td{border:1px solid #000;"
          "padding:2px 4px}caption{font-weight:bold;text-align:left}td.n{text-align:right}"
          ".foot{display:flex;justify-content:space-between;margin-top:2em}.sign{text-align:center}"
          "@media print{body{margin:0}}</style></head><body>\n<div class=\"head\"><div>",
          f);
    if (doc->parent_body && *doc->parent_body) {
        text_html(f, doc->parent_body);
        fputs("<br>", f);
    }
    fputs("<span class=\"b\">", f);
    text_html(f, doc->agency);
    fputs("</span><br>", f);
    report_number_line(doc->number, line, sizeof line);
    text_html(f, line);
    fputs("</div><div><span class=\"b\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</span><br><span class=\"b\">Độc lập - Tự do"
          " - Hạnh phúc</span><hr><span class=\"i\">",
          f);
    report_date_line(doc, line, sizeof line);
    text_html(f, line);
    fputs("</span></div></div>\n<h1>", f);
    text_html(f, doc->title);
    fputs("</h1><div class=\"subject\">", f);
    text_html(f, doc->subject);
    fputs("</div>\n", f);
    for (size_t s = 0; s < doc->nsections; s++) {
        const struct report_section *sec = &doc->sections[s];
        fprintf(f, "<h2>%s. ", s < 8 ? roman[s] : "");
        text_html(f, sec->heading);
        fputs("</h2>\n", f);
        for (size_t p = 0; p < sec->nparagraphs; p++) {
            fputs("<p>", f);
            text_html(f, sec->paragraphs[p]);
            fputs("</p>\n", f);
        }
        for (size_t t = 0; t < sec->ntables; t++) {
            const struct report_table *tb = &sec->tables[t];
            fputs("<table><caption>", f);
            text_html(f, tb->caption);
            fputs("</caption><thead><tr>", f);
            for (size_t c = 0; c < tb->ncolumns; c++) {
                fputs("<th>", f);
                text_html(f, tb->columns[c].header);
                fputs("</th>", f);
            }
            fputs("</tr></thead><tbody>\n", f);
            for (size_t r = 0; r < tb->nrows; r++) {
                fputs("<tr>", f);
                for (size_t c = 0; c < tb->ncolumns; c++) {
                    char disp[512];
                    const char *v = tb->cells[r * tb->ncolumns + c];
                    disp[0] = '\0';
                    if (v && report_cell_valid(tb->columns[c].type, v, NULL))
                        report_cell_display(tb->columns[c].type, v, disp, sizeof disp);
                    fputs(tb->columns[c].type == REPORT_COL_TEXT ? "<td>" : "<td class=\"n\">", f);
                    text_html(f, disp);
                    fputs("</td>", f);
                }
                fputs("</tr>\n", f);
            }
            fputs("</tbody></table>\n", f);
        }
    }
    fputs("<div class=\"foot\"><div><span class=\"b i\">Nơi nhận:</span><br>", f);
    for (size_t i = 0; i < doc->nrecipients; i++) {
        fputs("- ", f);
        text_html(f, doc->recipients[i]);
        fputs("<br>", f);
    }
    fputs("</div><div class=\"sign\"><span class=\"b\">", f);
    text_html(f, doc->signer_title);
    fputs("</span><br><br><br><br><span class=\"b\">", f);
    text_html(f, doc->signer_name);
    fputs("</span></div></div>\n</body></html>\n", f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    char *out = arena_strndup(a, buf, len);
    free(buf);
    return out;
}
