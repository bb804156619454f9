/* report_figures.c — a report's figures from the data (see
 * report_figures.h): one query for what SQL counts, the scorecard and its
 * per-unit table from scorecard.c, the statistics built here from the
 * awards' items. */
#include "report_figures.h"

#include "jsontext.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scorecard.h"
#include "text.h"

static const struct {
    const char *code, *label;
} award_labels[] = {
    {"LDTT", "Lao động tiên tiến"},
    {"CSTDCS", "Chiến sĩ thi đua cơ sở"},
    {"CSTD_TINH", "Chiến sĩ thi đua cấp tỉnh"},
    {"CSTD_TOAN_QUOC", "Chiến sĩ thi đua toàn quốc"},
    {"BK_TINH", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"},
    {"GIAY_KHEN", "Giấy khen"},
    {"TTLDTT", "Tập thể lao động tiên tiến"},
    {"TTLDXS", "Tập thể lao động xuất sắc"},
};
enum { AWARD_LABELS = sizeof award_labels / sizeof award_labels[0] };

static const char *const subjects[] = {"collective", "leader_agency", "leader_unit", "worker"};
static const char *const subject_labels[] = {"Tập thể", "Cá nhân là lãnh đạo Sở", "Cá nhân là lãnh đạo phòng, đơn vị",
                                             "Cá nhân là người lao động trực tiếp"};
static const char *const achievements[] = {"thuong_xuyen", "chuyen_de", "dot_xuat"};
static const char *const achievement_labels[] = {"Thường xuyên", "Chuyên đề", "Đột xuất"};
enum { SUBJECTS = 4, ACHIEVEMENTS = 3 };

const char *report_award_label(const char *code)
{
    for (size_t i = 0; i < AWARD_LABELS; i++)
        if (strcmp(award_labels[i].code, code) == 0)
            return award_labels[i].label;
    return code;
}

const char *report_subject_label(const char *subject)
{
    for (int i = 0; i < SUBJECTS; i++)
        if (strcmp(subjects[i], subject) == 0)
            return subject_labels[i];
    return subject;
}

const char *report_achievement_label(const char *achievement)
{
    for (int i = 0; i < ACHIEVEMENTS; i++)
        if (strcmp(achievements[i], achievement) == 0)
            return achievement_labels[i];
    return achievement;
}

int report_period_of(arena *a, const char *kind, int year, const char *starts_on, const char *closes_on,
                     const char *as_of, report_period *out)
{
    report_period p;
    if (strcmp(kind, "mid_year") == 0) {
        p.as_of = as_of ? as_of : arena_printf(a, "%04d-06-30", year);
        p.period_from = starts_on;
    } else if (strcmp(kind, "year_end") == 0) {
        p.as_of = as_of ? as_of : closes_on;
        p.period_from = starts_on;
    } else if (strcmp(kind, "award_statistics") == 0) {
        p.as_of = as_of ? as_of : arena_printf(a, "%04d-11-30", year);
        p.period_from = arena_printf(a, "%04d-12-01", year - 1);
    } else {
        return -1;
    }
    p.period_to = p.as_of;
    if (strcmp(p.as_of, p.period_from) < 0) /* ISO dates compare as text */
        return -1;
    *out = p;
    return 0;
}

#define AWARD_ORDER                                                                                               \
    "array_position(ARRAY['LDTT', 'CSTDCS', 'CSTD_TINH', 'CSTD_TOAN_QUOC', 'BK_TINH', 'GIAY_KHEN', 'TTLDTT',"    \
    " 'TTLDXS'], aw.award)"

/* $1 campaign, $2 as_of, $3 period_from, $4 period_to, $5 kind. The
 * awards: the campaign's decided by as_of, or (award_statistics) every
 * campaign's of the agency decided in the period. Dates of timestamps are
 * taken in Vietnam's time. */
static const db_stmt STMT_FIGURES = {
    "report_figures",
    "WITH c AS (SELECT * FROM campaigns WHERE id = $1),"
    " aw AS (SELECT g.ref, g.award, g.subject_type, coalesce(g.staff_id, g.unit_subject) AS subject_id,"
    "   coalesce(s.full_name, su.name) AS subject_name, coalesce(s.unit_id, g.unit_subject) AS unit_id,"
    "   uu.name AS unit_name, s.leader_level, g.achievement, g.decision_no, g.decided_on, g.way, g.level,"
    "   g.campaign_id, s.given_name, s.full_name, " REPORT_SUBJECT_SQL("g", "s") " AS subject"
    "   FROM award_grants g JOIN campaigns gc ON gc.id = g.campaign_id CROSS JOIN c"
    "   LEFT JOIN staff s ON s.id = g.staff_id LEFT JOIN units su ON su.id = g.unit_subject"
    "   LEFT JOIN units uu ON uu.id = coalesce(s.unit_id, g.unit_subject)"
    "   WHERE CASE WHEN $5::text = 'award_statistics'"
    "     THEN gc.agency_id = c.agency_id AND g.decided_on BETWEEN $3::date AND $4::date"
    "     ELSE g.campaign_id = c.id AND g.decided_on <= $2::date END),"
    " rt AS (SELECT DISTINCT ON (r.subject_type, coalesce(r.staff_id, r.unit_id)) r.subject_type, r.level"
    "   FROM ratings r WHERE r.campaign_id = $1 AND r.decided_on <= $2::date"
    "   ORDER BY r.subject_type, coalesce(r.staff_id, r.unit_id), r.decided_on DESC, r.id DESC),"
    " nm AS (SELECT n.state, n.award FROM nominations n WHERE n.campaign_id = $1"
    "   AND (n.proposed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= $2::date),"
    " ex AS (SELECT e.id AS exemplar_id, e.title, e.kind, u.name AS unit_name,"
    "   min((p.sent_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) AS published_on"
    "   FROM publications p JOIN exemplars e ON e.id = p.exemplar_id JOIN units u ON u.id = e.unit_id"
    "   WHERE p.kind = 'exemplar' AND p.state = 'sent' AND e.campaign_id = $1"
    "     AND (p.sent_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= $2::date"
    "   GROUP BY e.id, e.title, e.kind, u.name)"
    " SELECT json_build_object("
    "  'campaign', json_build_object('id', c.id, 'code', c.code, 'name', c.name, 'year', c.year,"
    "    'plan_number', c.plan_number, 'starts_on', c.starts_on, 'ends_on', c.ends_on, 'closes_on', c.closes_on),"
    "  'agency', (SELECT json_build_object('id', a.id, 'code', a.code, 'name', a.name, 'parent_body', a.parent_body,"
    "    'place', a.place) FROM units a WHERE a.id = c.agency_id),"
    "  'recipients', coalesce((SELECT json_agg(d.name ORDER BY d.id) FROM report_destinations d"
    "    WHERE d.agency_id = c.agency_id AND d.active AND $5::text = ANY (d.kinds)), '[]'::json),"
    "  'tasks', (SELECT json_build_object('total', count(*), 'due', count(*) FILTER (WHERE t.due_on <= $2::date),"
    "    'completed', count(*) FILTER (WHERE t.completed_on <= $2::date),"
    "    'completed_on_time', count(*) FILTER (WHERE t.completed_on <= $2::date AND t.completed_on <= t.due_on),"
    "    'overdue', count(*) FILTER (WHERE t.due_on < $2::date AND (t.completed_on IS NULL OR t.completed_on > $2::date)))"
    "    FROM tasks t WHERE t.campaign_id = $1),"
    "  'study', json_build_object('topics', (SELECT count(*) FROM study_topics WHERE campaign_id = $1),"
    "    'sessions', (SELECT count(*) FROM study_sessions WHERE campaign_id = $1 AND held_on <= $2::date),"
    "    'attendances', (SELECT count(*) FROM attendance x JOIN study_sessions ss ON ss.id = x.session_id"
    "      WHERE ss.campaign_id = $1 AND ss.held_on <= $2::date)),"
    "  'titles', coalesce((SELECT json_object_agg(x.title, x.n ORDER BY x.title) FROM (SELECT title, count(*) AS n"
    "    FROM titles WHERE campaign_id = $1 AND decided_on <= $2::date GROUP BY title) x), '{}'::json),"
    "  'ratings', json_build_object("
    "    'staff', coalesce((SELECT json_object_agg(x.level, x.n ORDER BY x.level) FROM (SELECT level, count(*) AS n"
    "      FROM rt WHERE subject_type = 'staff' GROUP BY level) x), '{}'::json),"
    "    'unit', coalesce((SELECT json_object_agg(x.level, x.n ORDER BY x.level) FROM (SELECT level, count(*) AS n"
    "      FROM rt WHERE subject_type = 'unit' GROUP BY level) x), '{}'::json)),"
    "  'awards', json_build_object('total', (SELECT count(*) FROM aw),"
    "    'by_award', coalesce((SELECT json_object_agg(x.award, x.n ORDER BY x.award) FROM"
    "      (SELECT award, count(*) AS n FROM aw GROUP BY award) x), '{}'::json),"
    "    'by_leader_level', json_build_object('none', (SELECT count(*) FROM aw WHERE leader_level = 'none'),"
    "      'unit', (SELECT count(*) FROM aw WHERE leader_level = 'unit'),"
    "      'agency', (SELECT count(*) FROM aw WHERE leader_level = 'agency'),"
    "      'collective', (SELECT count(*) FROM aw WHERE subject_type = 'unit')),"
    /* award × subject: what the office's report counts, a row per award */
    "    'by_award_subject', coalesce((SELECT json_agg(json_build_object('award', x.award,"
    "      'collective', x.collective, 'leader_agency', x.leader_agency, 'leader_unit', x.leader_unit,"
    "      'worker', x.worker, 'total', x.total) ORDER BY x.ord NULLS LAST, x.award) FROM"
    "      (SELECT aw.award, " AWARD_ORDER " AS ord, count(*) FILTER (WHERE aw.subject = 'collective') AS collective,"
    "        count(*) FILTER (WHERE aw.subject = 'leader_agency') AS leader_agency,"
    "        count(*) FILTER (WHERE aw.subject = 'leader_unit') AS leader_unit,"
    "        count(*) FILTER (WHERE aw.subject = 'worker') AS worker, count(*) AS total"
    "        FROM aw GROUP BY aw.award) x), '[]'::json),"
    /* award by unit (the person's unit, or the collective itself) */
    "    'by_unit', coalesce((SELECT json_agg(json_build_object('unit_id', x.unit_id, 'name', x.unit_name,"
    "      'counts', x.counts, 'total', x.total) ORDER BY x.unit_name COLLATE vi, x.unit_id) FROM"
    "      (SELECT y.unit_id, y.unit_name, json_object_agg(y.award, y.n ORDER BY y.award) AS counts,"
    "        sum(y.n)::bigint AS total FROM (SELECT unit_id, unit_name, award, count(*) AS n FROM aw"
    "        GROUP BY unit_id, unit_name, award) y GROUP BY y.unit_id, y.unit_name) x), '[]'::json),"
    /* names only of the awards granted at the higher level (provincial and
     * above): few, and what an office's report names */
    "    'named', coalesce((SELECT json_agg(json_build_object('ref', aw.ref, 'award', aw.award,"
    "      'subject_type', aw.subject_type, 'subject_id', aw.subject_id, 'subject_name', aw.subject_name,"
    "      'unit_name', aw.unit_name, 'leader_level', aw.leader_level, 'achievement', aw.achievement,"
    "      'decision_no', aw.decision_no, 'decided_on', aw.decided_on, 'way', aw.way, 'level', aw.level,"
    "      'campaign_id', aw.campaign_id)"
    "      ORDER BY aw.subject_type, " AWARD_ORDER " NULLS LAST, aw.award, aw.given_name COLLATE vi,"
    "      aw.full_name COLLATE vi, aw.subject_name COLLATE vi, aw.subject_id, aw.decided_on, aw.ref)"
    "      FROM aw WHERE aw.level = 'higher'), '[]'::json),"
    /* the statistics' cells, subject × achievement × award (removed once
     * the statistics are built from them) */
    "    'cells', coalesce((SELECT json_agg(json_build_object('subject', x.subject, 'achievement', x.achievement,"
    "      'award', x.award, 'n', x.n)) FROM (SELECT subject, achievement, award, count(*) AS n FROM aw"
    "      GROUP BY subject, achievement, award) x), '[]'::json)),"
    "  'nominations', json_build_object('total', (SELECT count(*) FROM nm),"
    "    'by_state', coalesce((SELECT json_object_agg(x.state, x.n ORDER BY x.state) FROM"
    "      (SELECT state, count(*) AS n FROM nm GROUP BY state) x), '{}'::json),"
    "    'by_award', coalesce((SELECT json_object_agg(x.award, x.n ORDER BY x.award) FROM"
    "      (SELECT award, count(*) AS n FROM nm GROUP BY award) x), '{}'::json)),"
    "  'exemplars', json_build_object('published', (SELECT count(*) FROM ex),"
    "    'items', coalesce((SELECT json_agg(json_build_object('exemplar_id', ex.exemplar_id, 'title', ex.title,"
    "      'kind', ex.kind, 'unit_name', ex.unit_name, 'published_on', ex.published_on)"
    "      ORDER BY ex.published_on, ex.exemplar_id) FROM ex), '[]'::json))"
    " ), (SELECT array_agg(aw.ref ORDER BY aw.ref) FROM aw)::text FROM c"};

static int award_rank(const char *code)
{
    for (size_t i = 0; i < AWARD_LABELS; i++)
        if (strcmp(award_labels[i].code, code) == 0)
            return (int)i;
    return (int)AWARD_LABELS;
}

/* statistics: {"columns":[{"award","label"}], "rows":[{"key","subject",
 * "achievement","label","counts":{award:n},"total"}], "totals":{"counts",
 * "total"}}: every subject and kind a row, even with nothing; the columns
 * the awards counted, in the order of the award table, then any other.
 * From cells: [{subject, achievement, award, n}] (the query's counts). */
static json_t *statistics(const json_t *cells)
{
    json_t *cols = json_array(), *rows = json_array(), *tcounts = json_object();
    size_t i;
    json_t *it;
    /* The columns, in order. */
    const char *codes[64];
    size_t ncodes = 0;
    json_array_foreach(cells, i, it) {
        const char *aw = json_string_value(json_object_get(it, "award"));
        bool seen = false;
        for (size_t k = 0; k < ncodes; k++)
            seen |= strcmp(codes[k], aw) == 0;
        if (!seen && ncodes < 64)
            codes[ncodes++] = aw;
    }
    for (size_t a = 1; a < ncodes; a++) /* insertion sort by the award order */
        for (size_t b = a; b > 0 && (award_rank(codes[b]) < award_rank(codes[b - 1]) ||
                                     (award_rank(codes[b]) == award_rank(codes[b - 1]) &&
                                      strcmp(codes[b], codes[b - 1]) < 0));
             b--) {
            const char *t = codes[b];
            codes[b] = codes[b - 1];
            codes[b - 1] = t;
        }
    for (size_t k = 0; k < ncodes; k++) {
        json_array_append_new(cols, json_pack("{s:s, s:s}", "award", codes[k], "label", report_award_label(codes[k])));
        json_object_set_new(tcounts, codes[k], json_integer(0));
    }
    long long total = 0;
    for (int s = 0; s < SUBJECTS; s++)
        for (int k = 0; k < ACHIEVEMENTS; k++) {
            json_t *counts = json_object();
            for (size_t c = 0; c < ncodes; c++)
                json_object_set_new(counts, codes[c], json_integer(0));
            long long n = 0;
            json_array_foreach(cells, i, it) {
                const char *subj = json_string_value(json_object_get(it, "subject"));
                const char *ach = json_string_value(json_object_get(it, "achievement"));
                if (!subj || strcmp(subj, subjects[s]) != 0 || !ach || strcmp(ach, achievements[k]) != 0)
                    continue;
                const char *aw = json_string_value(json_object_get(it, "award"));
                long long m = json_integer_value(json_object_get(it, "n"));
                json_object_set_new(counts, aw, json_integer(json_integer_value(json_object_get(counts, aw)) + m));
                json_object_set_new(tcounts, aw, json_integer(json_integer_value(json_object_get(tcounts, aw)) + m));
                n += m;
            }
            total += n;
            char key[64];
            snprintf(key, sizeof key, "%s.%s", subjects[s], achievements[k]);
            json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:I}", "key", key, "subject",
                                                  subjects[s], "achievement", achievements[k], "label",
                                                  subject_labels[s], "achievement_label", achievement_labels[k],
                                                  "counts", counts, "total", (json_int_t)n));
        }
    return json_pack("{s:o, s:o, s:{s:o, s:I}}", "columns", cols, "rows", rows, "totals", "counts", tcounts, "total",
                     (json_int_t)total);
}

/* JSON text parsed with every number that has a fraction as a string of
 * its exact decimal text (jsontext_reals_as_strings): a report's figures
 * keep 98.6 and 0.000001 as written, never through a double. */
static json_t *load_decimals(const char *text)
{
    char *exact = jsontext_reals_as_strings(text);
    json_t *j = exact ? json_loads(exact, 0, NULL) : NULL;
    free(exact);
    return j;
}

rf_rc report_figures_generate(db *d, arena *a, long long campaign_id, const char *kind, const report_period *p,
                              json_t **out, const char **refs)
{
    *out = NULL;
    if (refs)
        *refs = NULL;
    sc_answer sc, units;
    sc_rc rc = scorecard_targets(d, a, campaign_id, p->as_of, &sc);
    if (rc == SC_OK)
        rc = scorecard_units(d, a, campaign_id, p->as_of, &units);
    if (rc != SC_OK)
        return rc == SC_NOT_FOUND ? RF_NOT_FOUND : RF_DB_ERROR;
    const char *id = arena_printf(a, "%lld", campaign_id);
    const char *params[] = {id, p->as_of, p->period_from, p->period_to, kind};
    db_result *r = db_run(d, &STMT_FIGURES, 5, params);
    if (!r)
        return RF_DB_ERROR;
    if (db_rows(r) == 0) {
        db_free(r);
        return RF_NOT_FOUND;
    }
    json_t *f = load_decimals(db_value(r, 0, 0));
    if (refs)
        *refs = arena_strdup(a, db_value(r, 0, 1) ? db_value(r, 0, 1) : "{}");
    db_free(r);
    json_t *s = load_decimals(sc.body), *u = load_decimals(units.body);
    if (!f || !s || !u) {
        json_decref(f);
        json_decref(s);
        json_decref(u);
        return RF_BAD;
    }
    json_object_set_new(f, "scorecard", json_pack("{s:O, s:O, s:O}", "final", json_object_get(s, "final"), "summary",
                                                  json_object_get(s, "summary"), "targets",
                                                  json_object_get(s, "targets")));
    json_object_set(f, "units", json_object_get(u, "units"));
    json_decref(s);
    json_decref(u);
    json_t *awards = json_object_get(f, "awards");
    if (strcmp(kind, "award_statistics") == 0)
        json_object_set_new(f, "statistics", statistics(json_object_get(awards, "cells")));
    json_object_del(awards, "cells");
    *out = f;
    return RF_OK;
}

/* ------------------------------------------------------------------ changes */

/* The identity of a list item: its code, ref, exemplar_id, unit_id or key
 * member, or NULL (matched by position). */
static const char *identity(const json_t *item, char *buf, size_t n)
{
    static const char *const keys[] = {"code", "ref", "key", "exemplar_id", "unit_id", "award"};
    if (!json_is_object(item))
        return NULL;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        json_t *v = json_object_get(item, keys[i]);
        if (json_is_string(v))
            return json_string_value(v);
        if (json_is_integer(v)) {
            snprintf(buf, n, "%lld", (long long)json_integer_value(v));
            return buf;
        }
    }
    return NULL;
}

static void add_change(json_t *out, const char *path, const json_t *b, const json_t *a)
{
    json_array_append_new(out, json_pack("{s:s, s:O, s:O}", "path", path, "before", b ? b : json_null(), "after",
                                         a ? a : json_null()));
}

static void diff(json_t *out, const char *path, const json_t *b, const json_t *a, int depth);

static json_t *find_item(const json_t *arr, const char *id)
{
    size_t i;
    json_t *v;
    char buf[32];
    json_array_foreach(arr, i, v) {
        const char *x = identity(v, buf, sizeof buf);
        if (x && strcmp(x, id) == 0)
            return v;
    }
    return NULL;
}

static char *join(const char *path, const char *fmt, const char *part)
{
    size_t n = strlen(path) + strlen(part) + 8;
    char *s = malloc(n), *tail = malloc(n);
    if (s && tail) {
        snprintf(tail, n, fmt, part);
        snprintf(s, n, "%s%s", path, tail);
    } else {
        free(s);
        s = NULL;
    }
    free(tail);
    return s;
}

static void diff_arrays(json_t *out, const char *path, const json_t *b, const json_t *a, int depth)
{
    char buf[32], buf2[32];
    bool keyed = true;
    size_t i;
    json_t *v;
    json_array_foreach(b, i, v) keyed &= identity(v, buf, sizeof buf) != NULL;
    json_array_foreach(a, i, v) keyed &= identity(v, buf, sizeof buf) != NULL;
    if (!keyed) {
        size_t n = json_array_size(b) > json_array_size(a) ? json_array_size(b) : json_array_size(a);
        for (i = 0; i < n; i++) {
            snprintf(buf, sizeof buf, "%zu", i);
            char *p = join(path, "[%s]", buf);
            if (!p)
                return;
            diff(out, p, json_array_get(b, i), json_array_get(a, i), depth + 1);
            free(p);
        }
        return;
    }
    json_array_foreach(b, i, v) {
        const char *id = identity(v, buf, sizeof buf);
        char *p = join(path, "[%s]", id);
        if (!p)
            return;
        diff(out, p, v, find_item(a, id), depth + 1);
        free(p);
    }
    json_array_foreach(a, i, v) {
        const char *id = identity(v, buf2, sizeof buf2);
        if (find_item(b, id))
            continue;
        char *p = join(path, "[%s]", id);
        if (!p)
            return;
        add_change(out, p, NULL, v);
        free(p);
    }
}

static void diff(json_t *out, const char *path, const json_t *b, const json_t *a, int depth)
{
    if (b && a && json_equal(b, a))
        return;
    if (depth > 32 || !b || !a || json_typeof(b) != json_typeof(a) || (!json_is_object(b) && !json_is_array(b))) {
        add_change(out, path, b, a);
        return;
    }
    if (json_is_array(b)) {
        diff_arrays(out, path, b, a, depth);
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)b, key, v) {
        char *p = join(path, *path ? ".%s" : "%s", key);
        if (!p)
            return;
        diff(out, p, v, json_object_get(a, key), depth + 1);
        free(p);
    }
    json_object_foreach((json_t *)a, key, v) {
        if (json_object_get(b, key))
            continue;
        char *p = join(path, *path ? ".%s" : "%s", key);
        if (!p)
            return;
        add_change(out, p, NULL, v);
        free(p);
    }
}

json_t *report_figures_changes(const json_t *before, const json_t *after)
{
    json_t *out = json_array();
    if (before && after)
        diff(out, "", before, after, 0);
    return out;
}

/* ------------------------------------------------------------------ explain */

bool report_figures_explain_valid(const json_t *figures, const char *row, const char *col)
{
    const json_t *st = json_object_get(figures, "statistics");
    if (!st)
        return false;
    bool row_ok = strcmp(row, "total") == 0, col_ok = strcmp(col, "total") == 0;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(st, "rows"), i, v) {
        row_ok |= strcmp(json_string_value(json_object_get(v, "key")), row) == 0 ||
                  strcmp(json_string_value(json_object_get(v, "subject")), row) == 0;
    }
    json_array_foreach(json_object_get(st, "columns"), i, v) {
        col_ok |= strcmp(json_string_value(json_object_get(v, "award")), col) == 0;
    }
    return row_ok && col_ok;
}

long long report_figures_cell(const json_t *figures, const char *row, const char *col)
{
    const json_t *st = json_object_get(figures, "statistics");
    long long n = 0;
    size_t i;
    json_t *v;
    bool all_rows = strcmp(row, "total") == 0, all_cols = strcmp(col, "total") == 0;
    json_array_foreach(json_object_get(st, "rows"), i, v) {
        if (!all_rows && strcmp(json_string_value(json_object_get(v, "key")), row) != 0 &&
            strcmp(json_string_value(json_object_get(v, "subject")), row) != 0)
            continue;
        n += all_cols ? json_integer_value(json_object_get(v, "total"))
                      : json_integer_value(json_object_get(json_object_get(v, "counts"), col));
    }
    return n;
}
