#include "scorecard.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsontext.h"
#include "log.h"
#include "text.h"

/* ------------------------------------------------------------------ exact arithmetic */

int sc_compare(long long num, long long den, long long mult, const decimal *thr)
{
    /* num * mult / den ? mant / 10^scale  <=>  num * mult * 10^scale ? mant * den
     * (den > 0); 128 bits (1.7e38) hold num * mult * 1e18 and 1e18 * den. */
    __int128 left = (__int128)num * mult;
    for (int i = 0; i < thr->scale; i++)
        left *= 10;
    __int128 right = (__int128)thr->mant * den;
    return left > right ? 1 : left < right ? -1 : 0;
}

bool sc_comparator_holds(const char *comparator, int cmp)
{
    if (strcmp(comparator, "gt") == 0)
        return cmp > 0;
    if (strcmp(comparator, "ge") == 0)
        return cmp >= 0;
    if (strcmp(comparator, "lt") == 0)
        return cmp < 0;
    if (strcmp(comparator, "le") == 0)
        return cmp <= 0;
    if (strcmp(comparator, "eq") == 0)
        return cmp == 0;
    return false;
}

long long sc_percent_hundredths(long long num, long long den)
{
    /* floor(num * 10000 / den + 1/2) = floor((2 * num * 10000 + den) / (2 * den)) */
    __int128 n = (__int128)num * 20000 + den;
    return (long long)(n / ((__int128)den * 2));
}

const char *sc_status(bool pending, bool met, bool final)
{
    if (pending)
        return "pending";
    if (met)
        return "met";
    return final ? "missed" : "at_risk";
}

static int rank_in(const char *s, const char *const *order)
{
    if (!s)
        return 0;
    for (int i = 0; order[i]; i++)
        if (strcmp(s, order[i]) == 0)
            return i + 1;
    return 0;
}

static const char *const rating_order[] = {"KHTNV", "HTNV", "HTTNV", "HTXSNV", NULL};
static const char *const individual_order[] = {"LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TOAN_QUOC", NULL};
static const char *const collective_order[] = {"TTLDTT", "TTLDXS", NULL};

int sc_rating_rank(const char *level)
{
    return rank_in(level, rating_order);
}

int sc_individual_title_rank(const char *title)
{
    return rank_in(title, individual_order);
}

int sc_collective_title_rank(const char *title)
{
    return rank_in(title, collective_order);
}

/* ------------------------------------------------------------------ dates */

/* Days from civil (proleptic Gregorian), after H. Hinnant. */
long sc_days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void sc_civil_from_days(long z, long *y, long *m, long *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

int sc_date_parse(const char *iso, long *days)
{
    int y, m, d;
    if (!text_date_parse(iso, &y, &m, &d))
        return -1;
    *days = sc_days_from_civil(y, m, d);
    return 0;
}

char *sc_date_format(arena *a, long days)
{
    long y, m, d;
    sc_civil_from_days(days, &y, &m, &d);
    return arena_printf(a, "%04ld-%02ld-%02ld", y, m, d);
}

/* The last day of the week (Sunday) or month holding day. */
static long period_end(long day, bool week)
{
    if (week) {
        /* 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7. */
        long wd = ((day + 3) % 7 + 7) % 7;
        return day + (6 - wd);
    }
    long y, m, d;
    sc_civil_from_days(day, &y, &m, &d);
    return (m == 12 ? sc_days_from_civil(y + 1, 1, 1) : sc_days_from_civil(y, m + 1, 1)) - 1;
}

int sc_series_dates(arena *a, const char *from, const char *to, const char *step, int max, const char ***out)
{
    bool week;
    if (strcmp(step, "week") == 0)
        week = true;
    else if (strcmp(step, "month") == 0)
        week = false;
    else
        return -2;
    long f, t;
    if (sc_date_parse(from, &f) != 0 || sc_date_parse(to, &t) != 0 || f > t)
        return 0;
    int n = 0;
    for (long p = period_end(f, week);; p = period_end(p + 1, week)) {
        n++;
        if (n > max)
            return -1;
        if (p >= t)
            break;
    }
    const char **dates = arena_alloc(a, sizeof *dates * (size_t)n);
    int i = 0;
    for (long p = period_end(f, week); i < n; p = period_end(p + 1, week))
        dates[i++] = sc_date_format(a, p < t ? p : t);
    *out = dates;
    return n;
}

/* ------------------------------------------------------------------ the facts, in SQL */

static const db_stmt SC_CAMPAIGN = {
    "scorecard_campaign",
    "SELECT c.agency_id, c.year, c.name, c.starts_on::text, c.ends_on::text, c.closes_on::text, c.data_version,"
    "       coalesce($2::date, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text"
    "  FROM campaigns c WHERE c.id = $1"};

/* Params are read here so that C sees text: kinds as a PostgreSQL array. */
static const db_stmt SC_TARGETS = {
    "scorecard_targets",
    "SELECT t.code, t.name, t.metric, t.comparator, t.threshold::text,"
    "       t.params->>'title', t.params->>'base', t.params->>'subject', t.params->>'index', t.params->>'kind',"
    "       CASE WHEN jsonb_typeof(t.params->'kinds') = 'array'"
    "            THEN ARRAY(SELECT jsonb_array_elements_text(t.params->'kinds'))::text END"
    "  FROM targets t WHERE t.campaign_id = $1 AND ($2::text IS NULL OR t.code = $2)"
    " ORDER BY t.position, t.id"};

/* k: required topics that have had a session by D' ($2); whether any
 * individual title of the campaign is decided by the decision cut-off ($3)
 * for anyone on the agency's staff ($4). */
static const db_stmt SC_STUDY_TOPICS = {
    "scorecard_study_topics",
    "SELECT (SELECT count(*) FROM study_topics t WHERE t.campaign_id = $1 AND t.required AND EXISTS ("
    "          SELECT 1 FROM study_sessions ss WHERE ss.topic_id = t.id AND ss.campaign_id = $1"
    "             AND ss.held_on <= $2::date))::int,"
    "       EXISTS (SELECT 1 FROM titles t JOIN staff s ON s.id = t.staff_id"
    "                WHERE t.campaign_id = $1 AND t.staff_id IS NOT NULL AND s.agency_id = $4"
    "                  AND t.decided_on <= $3::date)"};

/* Active staff at D' ($2), covered with k ($4) topics counting, holding at
 * least each individual title by the decision cut-off ($3): one scan of
 * the campaign's rows of scorecard_staff (see 0004_scorecard.sql). */
static const db_stmt SC_STAFF = {
    "scorecard_staff_counts",
    "SELECT count(*), count(*) FILTER (WHERE x.study[$4::int] <= $2::date),"
    "       count(*) FILTER (WHERE x.ldtt <= $3::date), count(*) FILTER (WHERE x.cstdcs <= $3::date),"
    "       count(*) FILTER (WHERE x.cstd_tinh <= $3::date), count(*) FILTER (WHERE x.cstd_toan_quoc <= $3::date)"
    "  FROM scorecard_staff x"
    " WHERE x.campaign_id = $1 AND x.joined_on <= $2::date AND (x.left_on IS NULL OR x.left_on > $2::date)"};

/* Member units at D' ($3), those holding at least TTLDTT and TTLDXS by the
 * decision cut-off ($4), and how many have any collective title. */
static const db_stmt SC_UNITS = {
    "scorecard_unit_counts",
    "WITH m AS (SELECT u.id FROM units u WHERE u.agency_id = $2 AND u.kind IN ('division', 'affiliated')"
    "             AND (u.dissolved_on IS NULL OR u.dissolved_on > $3::date)),"
    " h AS (SELECT t.unit_id, max(CASE t.title WHEN 'TTLDXS' THEN 2 WHEN 'TTLDTT' THEN 1 ELSE 0 END) AS lvl"
    "         FROM titles t JOIN m ON m.id = t.unit_id"
    "        WHERE t.campaign_id = $1 AND t.unit_id IS NOT NULL AND t.decided_on <= $4::date GROUP BY t.unit_id)"
    " SELECT (SELECT count(*) FROM m), count(*) FILTER (WHERE h.lvl >= 1), count(*) FILTER (WHERE h.lvl >= 2),"
    "        count(*) FROM h"};

static const db_stmt SC_TASKS = {
    "scorecard_tasks",
    "SELECT count(*), count(*) FILTER (WHERE t.completed_on <= t.due_on)"
    "  FROM tasks t WHERE t.campaign_id = $1 AND t.due_on <= $2::date"};

/* The latest rating of the subject ('agency': the root $2, else a unit
 * code of the agency) decided by the cut-off ($4); same date: recorded last. */
static const db_stmt SC_RATING = {
    "scorecard_rating",
    "SELECT r.level FROM ratings r"
    " WHERE r.campaign_id = $1 AND r.subject_type = 'unit' AND r.decided_on <= $4::date"
    "   AND r.unit_id = (SELECT u.id FROM units u WHERE u.agency_id = $2"
    "                      AND CASE WHEN $3 = 'agency' THEN u.id = $2 ELSE u.code = $3 END)"
    " ORDER BY r.decided_on DESC, r.id DESC LIMIT 1"};

/* Each unit of the kinds ($3) not dissolved at D' ($4), with its latest
 * rating by the decision cut-off ($5) or NULL. */
static const db_stmt SC_RATINGS_ALL = {
    "scorecard_ratings_all",
    "SELECT (SELECT r.level FROM ratings r"
    "         WHERE r.campaign_id = $1 AND r.subject_type = 'unit' AND r.unit_id = u.id AND r.decided_on <= $5::date"
    "         ORDER BY r.decided_on DESC, r.id DESC LIMIT 1)"
    "  FROM units u WHERE u.agency_id = $2 AND u.kind = ANY ($3::text[])"
    "   AND (u.dissolved_on IS NULL OR u.dissolved_on > $4::date)"};

/* The agency's rank of the year ($3) and of the year before, each only if
 * published by the decision cut-off ($4). */
static const db_stmt SC_INDEX = {
    "scorecard_index",
    "SELECT (SELECT i.rank FROM index_ranks i WHERE i.agency_id = $1 AND i.kind = $2 AND i.year = $3::int"
    "           AND i.published_on <= $4::date),"
    "       (SELECT i.rank FROM index_ranks i WHERE i.agency_id = $1 AND i.kind = $2 AND i.year = $3::int - 1"
    "           AND i.published_on <= $4::date)"};

static const db_stmt SC_CERTIFICATION = {
    "scorecard_certification",
    "SELECT c.achieved FROM certifications c"
    " WHERE c.campaign_id = $1 AND c.kind = $2 AND c.decided_on <= $3::date"
    " ORDER BY c.decided_on DESC, c.id DESC LIMIT 1"};

/* One row per member unit at D' ($3): counts of its own active staff, its
 * highest collective title and latest rating by the decision cut-off ($4).
 * $5 is k (0: study coverage pending, study_covered null), $6 as_of. */
static const db_stmt SC_UNIT_ROWS = {
    "scorecard_unit_rows",
    "WITH m AS (SELECT u.id, u.code, u.name FROM units u WHERE u.agency_id = $2"
    "             AND u.kind IN ('division', 'affiliated') AND (u.dissolved_on IS NULL OR u.dissolved_on > $3::date)),"
    " st AS (SELECT x.unit_id, count(*) AS active, count(*) FILTER (WHERE x.study[$5::int] <= $3::date) AS covered,"
    "               count(*) FILTER (WHERE x.ldtt <= $4::date) AS ldtt,"
    "               count(*) FILTER (WHERE x.cstdcs <= $4::date) AS cstdcs"
    "          FROM scorecard_staff x"
    "         WHERE x.campaign_id = $1 AND x.joined_on <= $3::date AND (x.left_on IS NULL OR x.left_on > $3::date)"
    "         GROUP BY x.unit_id),"
    " ct AS (SELECT DISTINCT ON (t.unit_id) t.unit_id, t.title FROM titles t JOIN m ON m.id = t.unit_id"
    "         WHERE t.campaign_id = $1 AND t.decided_on <= $4::date"
    "         ORDER BY t.unit_id, t.title = 'TTLDXS' DESC),"
    " rt AS (SELECT DISTINCT ON (r.unit_id) r.unit_id, r.level FROM ratings r JOIN m ON m.id = r.unit_id"
    "         WHERE r.campaign_id = $1 AND r.subject_type = 'unit' AND r.decided_on <= $4::date"
    "         ORDER BY r.unit_id, r.decided_on DESC, r.id DESC)"
    " SELECT json_build_object('as_of', $6::text, 'units', coalesce(json_agg(json_build_object("
    "          'unit_id', m.id, 'code', m.code, 'name', m.name, 'active_staff', coalesce(st.active, 0),"
    "          'study_covered', CASE WHEN $5::int > 0 THEN coalesce(st.covered, 0) END,"
    "          'ldtt', coalesce(st.ldtt, 0), 'cstdcs', coalesce(st.cstdcs, 0),"
    "          'collective_title', ct.title, 'rating', rt.level) ORDER BY m.name COLLATE vi, m.id), '[]'::json))::text"
    "   FROM m LEFT JOIN st ON st.unit_id = m.id LEFT JOIN ct ON ct.unit_id = m.id LEFT JOIN rt ON rt.unit_id = m.id"};

/* ------------------------------------------------------------------ evaluation */

typedef struct campaign_row {
    long long id, agency_id, version;
    const char *year, *name, *starts_on, *ends_on, *closes_on, *as_of;
} campaign_row;

typedef struct target_row {
    const char *code, *name, *metric, *comparator, *threshold;
    const char *title, *base, *subject, *index, *kind, *kinds;
} target_row;

/* Everything counted at one as_of, each part loaded on first need. */
typedef struct facts {
    const char *as_of, *dp, *dd; /* D, D' = min(D, E), decisions: min(D, C) */
    bool final;
    bool topics_done, staff_done, units_done, tasks_done;
    int k;
    bool any_individual;
    long long active, covered, held[5]; /* held[r]: active staff holding individual rank >= r */
    long long members, unit_held[3], titled_units;
    long long due, on_time;
} facts;

typedef struct outcome {
    bool pending, met;
    json_t *value;     /* new reference, or NULL for null */
    bool has_num, has_den;
    long long num, den;
    json_t *threshold; /* new reference, or NULL for the target's own */
} outcome;

typedef struct ctx {
    db *d;
    arena *a;
    campaign_row c;
    const char *id_text, *agency_text;
} ctx;

static const char *min_date(const char *x, const char *y)
{
    return strcmp(x, y) <= 0 ? x : y;
}

static void facts_init(facts *f, const campaign_row *c, const char *as_of)
{
    memset(f, 0, sizeof *f);
    f->as_of = as_of;
    f->dp = min_date(as_of, c->ends_on);
    f->dd = min_date(as_of, c->closes_on);
    f->final = strcmp(as_of, c->closes_on) >= 0;
}

/* Runs st in the snapshot; NULL on a database error. */
static db_result *run(ctx *x, const db_stmt *st, int n, const char *const *p)
{
    return db_run(x->d, st, n, p);
}

static int load_topics(ctx *x, facts *f)
{
    if (f->topics_done)
        return 0;
    const char *p[] = {x->id_text, f->dp, f->dd, x->agency_text};
    db_result *r = run(x, &SC_STUDY_TOPICS, 4, p);
    if (!r)
        return -1;
    f->k = (int)db_int(r, 0, 0);
    const char *any = db_value(r, 0, 1);
    f->any_individual = any && any[0] == 't';
    db_free(r);
    f->topics_done = true;
    return 0;
}

static int load_staff(ctx *x, facts *f)
{
    if (f->staff_done)
        return 0;
    if (load_topics(x, f) != 0)
        return -1;
    const char *p[] = {x->id_text, f->dp, f->dd, arena_printf(x->a, "%d", f->k)};
    db_result *r = run(x, &SC_STAFF, 4, p);
    if (!r)
        return -1;
    f->active = db_int(r, 0, 0);
    f->covered = db_int(r, 0, 1);
    for (int i = 1; i <= 4; i++)
        f->held[i] = db_int(r, 0, 1 + i);
    db_free(r);
    f->staff_done = true;
    return 0;
}

static int load_units(ctx *x, facts *f)
{
    if (f->units_done)
        return 0;
    const char *p[] = {x->id_text, x->agency_text, f->dp, f->dd};
    db_result *r = run(x, &SC_UNITS, 4, p);
    if (!r)
        return -1;
    f->members = db_int(r, 0, 0);
    f->unit_held[1] = db_int(r, 0, 1);
    f->unit_held[2] = db_int(r, 0, 2);
    f->titled_units = db_int(r, 0, 3);
    db_free(r);
    f->units_done = true;
    return 0;
}

static int load_tasks(ctx *x, facts *f)
{
    if (f->tasks_done)
        return 0;
    const char *p[] = {x->id_text, f->dp};
    db_result *r = run(x, &SC_TASKS, 2, p);
    if (!r)
        return -1;
    f->due = db_int(r, 0, 0);
    f->on_time = db_int(r, 0, 1);
    db_free(r);
    f->tasks_done = true;
    return 0;
}

/* The target's threshold as a decimal: true when it is a number. */
static bool threshold_decimal(const target_row *t, decimal *out)
{
    return t->threshold && decimal_parse(t->threshold, strlen(t->threshold), DECIMAL_JSON, NULL, out) == DECIMAL_OK;
}

/* A ratio target: value in percent, compared exactly with the threshold. */
static void ratio(outcome *o, const target_row *t, long long num, long long den)
{
    decimal thr;
    if (den <= 0 || !threshold_decimal(t, &thr)) {
        o->pending = true;
        return;
    }
    o->has_num = o->has_den = true;
    o->num = num;
    o->den = den;
    o->value = json_real((double)sc_percent_hundredths(num, den) / 100.0);
    o->met = sc_comparator_holds(t->comparator, sc_compare(num, den, 100, &thr));
}

/* The threshold of a rating target: a level code in JSON ("HTTNV"). */
static int threshold_level(const target_row *t)
{
    if (!t->threshold)
        return 0;
    json_t *j = json_loads(t->threshold, JSON_DECODE_ANY, NULL);
    int rank = sc_rating_rank(json_string_value(j));
    json_decref(j);
    return rank;
}

static int cmp_int(long long a, long long b)
{
    return a > b ? 1 : a < b ? -1 : 0;
}

static int eval_rating(ctx *x, facts *f, const target_row *t, outcome *o)
{
    const char *p[] = {x->id_text, x->agency_text, t->subject, f->dd};
    int thr = threshold_level(t);
    if (!t->subject || thr == 0) {
        o->pending = true;
        return 0;
    }
    db_result *r = run(x, &SC_RATING, 4, p);
    if (!r)
        return -1;
    const char *level = db_value(r, 0, 0);
    if (!level) {
        o->pending = true;
    } else {
        o->value = json_string(level);
        o->met = sc_comparator_holds(t->comparator, cmp_int(sc_rating_rank(level), thr));
    }
    db_free(r);
    return 0;
}

static int eval_ratings_all(ctx *x, facts *f, const target_row *t, outcome *o)
{
    int thr = threshold_level(t);
    if (!t->kinds || thr == 0) {
        o->pending = true;
        return 0;
    }
    const char *p[] = {x->id_text, x->agency_text, t->kinds, f->dp, f->dd};
    db_result *r = run(x, &SC_RATINGS_ALL, 5, p);
    if (!r)
        return -1;
    long long den = db_rows(r), num = 0, below = 0, unrated = 0;
    int lowest = 0;
    const char *lowest_code = NULL;
    for (int i = 0; i < db_rows(r); i++) {
        const char *level = db_value(r, i, 0);
        if (!level) {
            unrated++;
            continue;
        }
        int rank = sc_rating_rank(level);
        if (sc_comparator_holds(t->comparator, cmp_int(rank, thr)))
            num++;
        else
            below++;
        if (lowest == 0 || rank < lowest) {
            lowest = rank;
            lowest_code = level;
        }
    }
    if (den == 0 || (below == 0 && unrated > 0)) {
        o->pending = true;
    } else {
        o->has_num = o->has_den = true;
        o->num = num;
        o->den = den;
        o->value = lowest_code ? json_string(lowest_code) : NULL;
        o->met = num == den;
    }
    db_free(r);
    return 0;
}

static int eval_index(ctx *x, facts *f, const target_row *t, outcome *o)
{
    if (!t->index) {
        o->pending = true;
        return 0;
    }
    const char *p[] = {x->agency_text, t->index, x->c.year, f->dd};
    db_result *r = run(x, &SC_INDEX, 4, p);
    if (!r)
        return -1;
    const char *now = db_value(r, 0, 0), *before = db_value(r, 0, 1);
    o->threshold = before ? json_integer(db_int(r, 0, 1)) : json_null();
    if (!now || !before) {
        o->pending = true;
    } else {
        o->value = json_integer(db_int(r, 0, 0));
        o->met = sc_comparator_holds(t->comparator, cmp_int(db_int(r, 0, 0), db_int(r, 0, 1)));
    }
    db_free(r);
    return 0;
}

static int eval_certification(ctx *x, facts *f, const target_row *t, outcome *o)
{
    json_t *thr = t->threshold ? json_loads(t->threshold, JSON_DECODE_ANY, NULL) : NULL;
    bool valid = t->kind && json_is_boolean(thr);
    bool want = json_is_true(thr);
    json_decref(thr);
    if (!valid) {
        o->pending = true;
        return 0;
    }
    const char *p[] = {x->id_text, t->kind, f->dd};
    db_result *r = run(x, &SC_CERTIFICATION, 3, p);
    if (!r)
        return -1;
    const char *achieved = db_value(r, 0, 0);
    if (!achieved) {
        o->pending = true;
    } else {
        bool got = achieved[0] == 't';
        o->value = json_boolean(got);
        o->met = sc_comparator_holds(t->comparator, cmp_int(got, want));
    }
    db_free(r);
    return 0;
}

/* Evaluates one target at f's date into o (o->value and o->threshold are
 * new references the caller releases). 0, or -1 on a database error. */
static int evaluate(ctx *x, facts *f, const target_row *t, outcome *o)
{
    memset(o, 0, sizeof *o);
    const char *m = t->metric;
    if (strcmp(m, "task_completion") == 0) {
        if (load_tasks(x, f) != 0)
            return -1;
        ratio(o, t, f->on_time, f->due);
    } else if (strcmp(m, "study_coverage") == 0) {
        if (load_staff(x, f) != 0)
            return -1;
        if (f->k == 0)
            o->pending = true;
        else
            ratio(o, t, f->covered, f->active);
    } else if (strcmp(m, "staff_title_share") == 0) {
        int title = sc_individual_title_rank(t->title);
        bool all = t->base && strcmp(t->base, "active_staff") == 0;
        int base = all ? 0 : sc_individual_title_rank(t->base);
        if (load_staff(x, f) != 0)
            return -1;
        if (title == 0 || (!all && base == 0) || !f->any_individual)
            o->pending = true;
        else
            ratio(o, t, f->held[title], all ? f->active : f->held[base]);
    } else if (strcmp(m, "unit_title_share") == 0 || strcmp(m, "unit_title_count") == 0) {
        int title = sc_collective_title_rank(t->title);
        if (load_units(x, f) != 0)
            return -1;
        decimal thr;
        if (title == 0 || f->titled_units == 0) {
            o->pending = true;
        } else if (strcmp(m, "unit_title_share") == 0) {
            ratio(o, t, f->unit_held[title], f->members);
        } else if (!threshold_decimal(t, &thr)) {
            o->pending = true;
        } else {
            o->has_num = true;
            o->num = f->unit_held[title];
            o->value = json_integer(o->num);
            o->met = sc_comparator_holds(t->comparator, sc_compare(o->num, 1, 1, &thr));
        }
    } else if (strcmp(m, "rating") == 0) {
        return eval_rating(x, f, t, o);
    } else if (strcmp(m, "ratings_all") == 0) {
        return eval_ratings_all(x, f, t, o);
    } else if (strcmp(m, "index_rank") == 0) {
        return eval_index(x, f, t, o);
    } else if (strcmp(m, "certification") == 0) {
        return eval_certification(x, f, t, o);
    } else {
        o->pending = true;
    }
    return 0;
}

/* The target's threshold for the answer, exactly as stored. A number
 * cannot go through jansson, which holds it as a double: printed with 17
 * digits 98.6 is 98.599999999999994, and with 15 it is 98.6 but 0.000001
 * is 1e-6. So it goes in as a jsontext_decimal that dump() writes as the
 * decimal's text; a code or a boolean is plain JSON. */
static json_t *threshold_json(const target_row *t)
{
    decimal d;
    if (threshold_decimal(t, &d))
        return jsontext_decimal(&d);
    return t->threshold ? json_loads(t->threshold, JSON_DECODE_ANY, NULL) : NULL;
}

/* Adds the outcome's fields to obj (stealing o's references). */
static void put_outcome(json_t *obj, const target_row *t, outcome *o, bool final)
{
    if (o->pending) {
        json_decref(o->value);
        o->value = NULL;
        o->has_num = o->has_den = false;
    }
    json_t *thr = o->threshold ? o->threshold : threshold_json(t);
    json_object_set_new(obj, "threshold", thr ? thr : json_null());
    json_object_set_new(obj, "value", o->value ? o->value : json_null());
    json_object_set_new(obj, "numerator", o->has_num ? json_integer(o->num) : json_null());
    json_object_set_new(obj, "denominator", o->has_den ? json_integer(o->den) : json_null());
    json_object_set_new(obj, "status", json_string(sc_status(o->pending, o->met, final)));
    o->value = o->threshold = NULL;
}

/* ------------------------------------------------------------------ transactions and answers */

/* One snapshot for everything an answer counts. Custom plans: a generic
 * plan for "campaign_id = $1" cannot suit both a campaign of 300 people
 * (an index probe) and one of 1 000 000 (a scan), and planning is cheap
 * next to the counting. Called inside the caller's own transaction, the
 * computation is part of it (its isolation, its end): *own says which. */
static int begin_snapshot(db *d, bool *own)
{
    *own = !db_in_transaction(d);
    if (*own) {
        db_result *r = db_exec_text(d, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        if (!r)
            return -1;
        db_free(r);
    }
    db_result *r = db_exec_text(d, "SET LOCAL plan_cache_mode = force_custom_plan");
    if (!r) {
        if (*own)
            db_rollback(d);
        return -1;
    }
    db_free(r);
    return 0;
}

static sc_rc end_snapshot(db *d, bool own, sc_rc rc)
{
    if (!own)
        return rc;
    if (rc != SC_OK) {
        db_rollback(d);
        return rc;
    }
    db_result *r = db_exec_text(d, "COMMIT");
    if (!r) {
        db_rollback(d);
        return SC_DB_ERROR;
    }
    db_free(r);
    return SC_OK;
}

/* Loads the campaign in the open snapshot; as_of NULL means today. */
static sc_rc load_campaign(ctx *x, long long id, const char *as_of)
{
    x->id_text = arena_printf(x->a, "%lld", id);
    const char *p[] = {x->id_text, as_of};
    db_result *r = run(x, &SC_CAMPAIGN, 2, p);
    if (!r)
        return SC_DB_ERROR;
    if (db_rows(r) == 0) {
        db_free(r);
        return SC_NOT_FOUND;
    }
    campaign_row *c = &x->c;
    c->id = id;
    c->agency_id = db_int(r, 0, 0);
    c->year = arena_strdup(x->a, db_value(r, 0, 1));
    c->name = arena_strdup(x->a, db_value(r, 0, 2));
    c->starts_on = arena_strdup(x->a, db_value(r, 0, 3));
    c->ends_on = arena_strdup(x->a, db_value(r, 0, 4));
    c->closes_on = arena_strdup(x->a, db_value(r, 0, 5));
    c->version = db_int(r, 0, 6);
    c->as_of = arena_strdup(x->a, db_value(r, 0, 7));
    db_free(r);
    x->agency_text = arena_printf(x->a, "%lld", c->agency_id);
    return SC_OK;
}

static const char *dup_or_null(arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

/* The campaign's targets in their defined order (only `code` when given). */
static sc_rc load_targets(ctx *x, const char *code, target_row **out, int *n)
{
    const char *p[] = {x->id_text, code};
    db_result *r = run(x, &SC_TARGETS, 2, p);
    if (!r)
        return SC_DB_ERROR;
    *n = db_rows(r);
    target_row *t = arena_alloc(x->a, sizeof *t * (size_t)(*n ? *n : 1));
    for (int i = 0; i < *n; i++) {
        const char **f[] = {&t[i].code, &t[i].name, &t[i].metric, &t[i].comparator, &t[i].threshold, &t[i].title,
                            &t[i].base, &t[i].subject, &t[i].index, &t[i].kind, &t[i].kinds};
        for (int j = 0; j < 11; j++)
            *f[j] = dup_or_null(x->a, db_value(r, i, j));
    }
    db_free(r);
    *out = t;
    return SC_OK;
}

/* The answer's text in the arena, thresholds as stored (threshold_json).
 * `value`, a percentage rounded to 2 places for display, is a double
 * printed with 15 significant digits, which is exact for the 2 places of
 * a value from 0 to 100 (98.73, not 98.730000000000004). */
static const char *dump(arena *a, json_t *j)
{
    char *s = jsontext_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(j);
    if (!s)
        abort();
    char *out = arena_strdup(a, s);
    free(s);
    return out;
}

sc_rc scorecard_targets(db *d, arena *a, long long campaign_id, const char *as_of, sc_answer *out)
{
    ctx x = {.d = d, .a = a};
    bool own;
    if (begin_snapshot(d, &own) != 0)
        return SC_DB_ERROR;
    target_row *t = NULL;
    int n = 0;
    sc_rc rc = load_campaign(&x, campaign_id, as_of);
    if (rc == SC_OK)
        rc = load_targets(&x, NULL, &t, &n);
    if (rc != SC_OK)
        return end_snapshot(d, own, rc);
    facts f;
    facts_init(&f, &x.c, x.c.as_of);
    json_t *targets = json_array();
    long long count[4] = {0};
    static const char *const names[] = {"met", "at_risk", "missed", "pending"};
    for (int i = 0; i < n; i++) {
        outcome o;
        if (evaluate(&x, &f, &t[i], &o) != 0) {
            json_decref(o.value);
            json_decref(o.threshold);
            json_decref(targets);
            return end_snapshot(d, own, SC_DB_ERROR);
        }
        json_t *obj = json_pack("{s:s, s:s, s:s, s:s}", "code", t[i].code, "name", t[i].name, "metric",
                                t[i].metric, "comparator", t[i].comparator);
        put_outcome(obj, &t[i], &o, f.final);
        const char *status = json_string_value(json_object_get(obj, "status"));
        for (int s = 0; s < 4; s++)
            if (strcmp(status, names[s]) == 0)
                count[s]++;
        json_array_append_new(targets, obj);
    }
    json_t *body = json_pack("{s:{s:I, s:I, s:s}, s:s, s:b, s:o, s:{s:I, s:I, s:I, s:I}}",
                             "campaign", "id", (json_int_t)campaign_id, "year", (json_int_t)strtoll(x.c.year, NULL, 10),
                             "name", x.c.name, "as_of", x.c.as_of, "final", f.final, "targets", targets,
                             "summary", "met", (json_int_t)count[0], "at_risk", (json_int_t)count[1], "missed",
                             (json_int_t)count[2], "pending", (json_int_t)count[3]);
    rc = end_snapshot(d, own, SC_OK);
    out->version = x.c.version;
    out->as_of = x.c.as_of;
    out->body = dump(a, body);
    return rc;
}

sc_rc scorecard_units(db *d, arena *a, long long campaign_id, const char *as_of, sc_answer *out)
{
    ctx x = {.d = d, .a = a};
    bool own;
    if (begin_snapshot(d, &own) != 0)
        return SC_DB_ERROR;
    sc_rc rc = load_campaign(&x, campaign_id, as_of);
    if (rc != SC_OK)
        return end_snapshot(d, own, rc);
    facts f;
    facts_init(&f, &x.c, x.c.as_of);
    if (load_topics(&x, &f) != 0)
        return end_snapshot(d, own, SC_DB_ERROR);
    const char *p[] = {x.id_text, x.agency_text, f.dp, f.dd, arena_printf(a, "%d", f.k), x.c.as_of};
    db_result *r = run(&x, &SC_UNIT_ROWS, 6, p);
    if (!r)
        return end_snapshot(d, own, SC_DB_ERROR);
    out->body = arena_strdup(a, db_value(r, 0, 0));
    db_free(r);
    out->version = x.c.version;
    out->as_of = x.c.as_of;
    return end_snapshot(d, own, SC_OK);
}

sc_rc scorecard_series(db *d, arena *a, long long campaign_id, const char *code, const char *from, const char *to,
                       const char *step, const char *const *dates, int n, sc_answer *out)
{
    ctx x = {.d = d, .a = a};
    bool own;
    if (begin_snapshot(d, &own) != 0)
        return SC_DB_ERROR;
    target_row *t = NULL;
    int nt = 0;
    sc_rc rc = load_campaign(&x, campaign_id, to);
    if (rc == SC_OK)
        rc = load_targets(&x, code, &t, &nt);
    if (rc == SC_OK && nt == 0)
        rc = SC_NOT_FOUND;
    if (rc != SC_OK)
        return end_snapshot(d, own, rc);
    json_t *points = json_array();
    for (int i = 0; i < n; i++) {
        facts f;
        outcome o;
        facts_init(&f, &x.c, dates[i]);
        if (evaluate(&x, &f, t, &o) != 0) {
            json_decref(o.value);
            json_decref(o.threshold);
            json_decref(points);
            return end_snapshot(d, own, SC_DB_ERROR);
        }
        json_t *obj = json_pack("{s:s, s:b}", "as_of", dates[i], "final", f.final);
        put_outcome(obj, t, &o, f.final);
        json_array_append_new(points, obj);
    }
    json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "campaign_id", (json_int_t)campaign_id, "code",
                             t->code, "metric", t->metric, "step", step, "from", from, "to", to, "points", points);
    rc = end_snapshot(d, own, SC_OK);
    out->version = x.c.version;
    out->as_of = to;
    out->body = dump(a, body);
    return rc;
}
