/* api/scorecard.c — the scorecard of a campaign, the same per member unit,
 * and one target over time (spec/targets.md; the metrics are in
 * scorecard.c). Every answer carries an ETag made of the campaign's data
 * version, the as_of it was computed for and the representation; a
 * matching If-None-Match gets 304 without anything being computed.
 *
 * Caching that is always right: every write to a fact of the campaign
 * changes campaigns.data_version in its own transaction (triggers of
 * sql/migrations/0004), and every read asks for the current version; an
 * answer is reused only under the version it was computed from. That one
 * question is also the session check (ROUTE_SESSION_IN_QUERY): a warm read
 * is one round trip to the database, the least a read can be when a
 * commit made anywhere (another worker, the CLI, psql) must be seen by the
 * next request; a notification from the database could arrive after it.
 *
 * Where computed answers are kept, measured (make bench, 30 000 staff,
 * 2 cores; CPU per warm request of the workers / of PostgreSQL):
 * - a table, scorecard_cache (UNLOGGED: it holds no fact): shared by all
 *   workers, so a cold answer is computed once, not once per worker, and
 *   survives worker restarts; answers of megabytes (per unit at 1 000 000
 *   staff) cost the workers no memory between requests. The body comes
 *   with the version in the same query: 33-36 / 40-49 us.
 * - and, for answers up to 256 KiB, the worker's own copy (at most 2 MiB
 *   per worker): the query then does not read the body: 30 / 34-40 us
 *   (the per-unit answer of 30 000 staff, 178 kB: 3 700 requests/s against
 *   1 600 - 2 700 from the table).
 * A new answer goes to both. The table keeps per campaign only the
 * current version's answers (at most 64); a new answer removes the rest.
 * X-Thidua-Answer says where a body came from (computed, stored, worker). */
#include "api/resources.h"

#include "log.h"
#include "scorecard.h"

/* Bump when what is computed or how it is shown changes: answers cached
 * (and ETags given) by an earlier build then no longer match. */
#define SC_FORMAT "1"
enum { SERIES_MAX_POINTS = 400 };

/* The session ($6, see ROUTE_SESSION_IN_QUERY), the campaign's version and
 * the as_of answered ($2, or today), with the cached body of that version,
 * unless this worker holds it already (its copy is of version $4 for as_of
 * $5): then the body is not even read. Nothing of the campaign without a
 * session. One row, always. */
static const db_stmt STMT_LOOKUP = {
    "scorecard_lookup",
    "SELECT" AUTH_SESSION_COLUMNS ", c.data_version, d.as_of::text,"
    "       CASE WHEN c.data_version = $4::bigint AND d.as_of = $5::date THEN NULL"
    "            ELSE (SELECT k.body FROM scorecard_cache k WHERE k.campaign_id = c.id AND k.kind = $3"
    "                     AND k.as_of = d.as_of AND k.version = c.data_version) END,"
    "       c.data_version = $4::bigint AND d.as_of = $5::date"
    "  FROM (SELECT coalesce($2::date, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) AS as_of) d"
    AUTH_SESSION_JOIN("$6")
    "  LEFT JOIN campaigns c ON c.id = $1 AND auth.auth_user_id IS NOT NULL"};
enum { L_VERSION = AUTH_SESSION_NCOLUMNS, L_AS_OF, L_BODY, L_MINE };

/* The session ($5), the campaign's version, from and to (given, or its
 * start and today or its close) and whether it has the target ($4). */
static const db_stmt STMT_SERIES_LOOKUP = {
    "scorecard_series_lookup",
    "SELECT" AUTH_SESSION_COLUMNS ", c.data_version, coalesce($2::date, c.starts_on)::text,"
    "       coalesce($3::date, least((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, c.closes_on))::text,"
    "       EXISTS (SELECT 1 FROM targets t WHERE t.campaign_id = c.id AND t.code = $4)"
    "  FROM (SELECT 1) one"
    AUTH_SESSION_JOIN("$5")
    "  LEFT JOIN campaigns c ON c.id = $1 AND auth.auth_user_id IS NOT NULL"};
enum { S_VERSION = AUTH_SESSION_NCOLUMNS, S_FROM, S_TO, S_HAS_TARGET };

static const db_stmt STMT_CACHED = {
    "scorecard_cached",
    "SELECT k.body FROM scorecard_cache k"
    " WHERE k.campaign_id = $1 AND k.kind = $2 AND k.as_of = $3::date AND k.version = $4"};

/* Keeps the answer; drops the campaign's answers of older versions and
 * all but the newest CACHE_KEEP (64) of this one. */
static const db_stmt STMT_STORE = {
    "scorecard_store",
    "WITH ins AS (INSERT INTO scorecard_cache (campaign_id, kind, as_of, version, body)"
    "             VALUES ($1, $2, $3::date, $4, $5) ON CONFLICT DO NOTHING RETURNING 1)"
    " DELETE FROM scorecard_cache k WHERE k.campaign_id = $1"
    "   AND (k.version < $4 OR k.ctid IN (SELECT c.ctid FROM scorecard_cache c WHERE c.campaign_id = $1"
    "                                     ORDER BY c.created_at DESC OFFSET 64))"};

/* Does If-None-Match name etag (a quoted strong tag)? Weak comparison:
 * nginx marks the tag weak (W/) when it compresses the body. */
static bool etag_matches(const request *req, const char *etag)
{
    const char *h = http_header(req, "If-None-Match");
    if (!h)
        return false;
    size_t n = strlen(etag);
    const char *p = h;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
            return true;
        while (*p && *p != ',')
            p++;
    }
    return false;
}

/* source: where the body came from (X-Thidua-Answer: computed, stored in
 * the table, or the worker's copy), for the bench and the tests. */
static void answer_headers(response *res, const char *etag, const char *source)
{
    http_set_header(res, "ETag", etag);
    if (source)
        http_set_header(res, "X-Thidua-Answer", source);
    /* Browsers may keep it, but must ask again (If-None-Match) each time. */
    http_set_header(res, "Cache-Control", "private, no-cache");
}

static const char *make_etag(request *req, const char *kind, long long id, long long version, const char *as_of)
{
    return arena_printf(req->mem, "\"%s-%lld-%lld-%s\"", kind, id, version, as_of);
}

static void store(request *req, long long id, const char *kind, const sc_answer *a)
{
    const char *p[] = {api_itoa(req, id), kind, a->as_of, api_itoa(req, a->version), a->body};
    db_result *r = db_run(req->db, &STMT_STORE, 5, p);
    if (!r)
        log_error("scorecard: answer not cached: %s", db_last_error(req->db)->message);
    db_free(r);
}

static const field_def as_of_query[] = {
    {"as_of", FT_DATE, 0, 0, 0, NULL, "Ngày tính (YYYY-MM-DD); mặc định hôm nay (giờ Việt Nam)"},
    {0},
};
enum { Q_AS_OF };
static const char *const steps[] = {"week", "month", NULL};
static const field_def series_query[] = {
    {"from", FT_DATE, 0, 0, 0, NULL, "Từ ngày; mặc định ngày bắt đầu phong trào"},
    {"to", FT_DATE, 0, 0, 0, NULL, "Đến ngày; mặc định hôm nay, không quá ngày khóa sổ"},
    {"step", FT_ENUM, 0, 0, 0, steps, "Một điểm mỗi tuần (week) hoặc mỗi tháng (month, mặc định)"},
    {0},
};
enum { Q_FROM, Q_TO, Q_STEP };

typedef sc_rc (*compute_fn)(db *d, arena *a, long long campaign_id, const char *as_of, sc_answer *out);

static void fail(request *req, response *res, sc_rc rc)
{
    if (rc == SC_NOT_FOUND)
        http_problem(res, 404, "Không có phong trào này.");
    else
        api_db_error(req, res);
}

/* ------------------------------------------------------------ the worker's own copies
 * Small answers are also kept in the worker's memory (bounded: see L1_*),
 * keyed like the table; the lookup still asks for the current version, but
 * not for the body when this copy is current. */
enum { L1_SLOTS = 32, L1_ENTRY_MAX = 256 * 1024, L1_BYTES_MAX = 2 * 1024 * 1024 };

typedef struct l1_entry {
    long long campaign, version;
    char key[64];   /* kind and the as_of asked ("" for today) */
    char as_of[11]; /* the as_of answered */
    char *body;     /* malloc'd; NULL for a free slot */
    size_t len;
    unsigned long used;
} l1_entry;

static l1_entry l1[L1_SLOTS];
static size_t l1_bytes;
static unsigned long l1_clock;

static l1_entry *l1_find(long long campaign, const char *key)
{
    for (int i = 0; i < L1_SLOTS; i++)
        if (l1[i].body && l1[i].campaign == campaign && strcmp(l1[i].key, key) == 0)
            return &l1[i];
    return NULL;
}

static void l1_drop(l1_entry *e)
{
    l1_bytes -= e->len;
    free(e->body);
    e->body = NULL;
    e->len = 0;
}

/* Keeps a copy of body (when small enough), replacing the key's old copy
 * or the least recently used ones. Out of memory: no copy, no harm. */
static void l1_put(long long campaign, const char *key, long long version, const char *as_of, const char *body)
{
    size_t len = strlen(body);
    l1_entry *e = l1_find(campaign, key);
    if (e)
        l1_drop(e);
    if (len > L1_ENTRY_MAX || strlen(key) >= sizeof e->key)
        return;
    for (;;) {
        l1_entry *victim = NULL, *free_slot = NULL;
        for (int i = 0; i < L1_SLOTS; i++) {
            if (!l1[i].body)
                free_slot = free_slot ? free_slot : &l1[i];
            else if (!victim || l1[i].used < victim->used)
                victim = &l1[i];
        }
        if (free_slot && l1_bytes + len <= L1_BYTES_MAX) {
            e = free_slot;
            break;
        }
        l1_drop(victim);
    }
    e->body = malloc(len + 1);
    if (!e->body)
        return;
    memcpy(e->body, body, len + 1);
    e->len = len;
    l1_bytes += len;
    e->campaign = campaign;
    e->version = version;
    snprintf(e->key, sizeof e->key, "%s", key);
    snprintf(e->as_of, sizeof e->as_of, "%s", as_of);
    e->used = ++l1_clock;
}

/* The scorecard and the per-unit scorecard: 304, this worker's copy, the
 * table's, or a new answer computed and kept in both. */
static void answer(request *req, response *res, const char *kind, compute_fn compute)
{
    const char *session, *as_of = api_query(req, Q_AS_OF);
    if (auth_session_hash(req, res, &session) != 0)
        return;
    long long id = req->path_ids[0];
    const char *key = arena_printf(req->mem, "%s|%s", kind, as_of ? as_of : "");
    l1_entry *mine = l1_find(id, key);
    const char *p[] = {api_itoa(req, id), as_of, kind, mine ? api_itoa(req, mine->version) : NULL,
                       mine ? mine->as_of : NULL, session};
    db_result *r = db_run(req->db, &STMT_LOOKUP, 6, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    if (auth_accept(req, res, r, 0) != 0) {
        db_free(r);
        return;
    }
    if (!db_value(r, 0, L_VERSION)) {
        db_free(r);
        http_problem(res, 404, "Không có phong trào này.");
        return;
    }
    long long version = db_int(r, 0, L_VERSION);
    const char *day = arena_strdup(req->mem, db_value(r, 0, L_AS_OF));
    const char *etag = make_etag(req, kind, id, version, day);
    bool mine_current = db_value(r, 0, L_MINE) && db_value(r, 0, L_MINE)[0] == 't';
    if (etag_matches(req, etag)) {
        db_free(r);
        answer_headers(res, etag, NULL);
        http_empty(res, 304);
        return;
    }
    if (mine_current) {
        db_free(r);
        mine->used = ++l1_clock;
        http_text(res, 200, "application/json", mine->body, mine->len);
        answer_headers(res, etag, "worker");
        return;
    }
    if (db_value(r, 0, L_BODY)) {
        http_json_text(res, 200, db_value(r, 0, L_BODY));
        l1_put(id, key, version, day, db_value(r, 0, L_BODY));
        db_free(r);
        answer_headers(res, etag, "stored");
        return;
    }
    db_free(r);
    sc_answer a;
    sc_rc rc = compute(req->db, req->mem, id, day, &a);
    if (rc != SC_OK) {
        fail(req, res, rc);
        return;
    }
    store(req, id, kind, &a);
    l1_put(id, key, a.version, a.as_of, a.body);
    http_json_text(res, 200, a.body);
    answer_headers(res, make_etag(req, kind, id, a.version, a.as_of), "computed");
}

static void scorecard(request *req, response *res)
{
    answer(req, res, "sc" SC_FORMAT, scorecard_targets);
}

static void units_scorecard(request *req, response *res)
{
    answer(req, res, "su" SC_FORMAT, scorecard_units);
}

static void series(request *req, response *res)
{
    const char *session, *from = api_query(req, Q_FROM), *to = api_query(req, Q_TO), *step = api_query(req, Q_STEP);
    if (auth_session_hash(req, res, &session) != 0)
        return;
    if (!step)
        step = "month";
    long long id = req->path_ids[0];
    const char *code = req->path_words[0];
    const char *p[] = {api_itoa(req, id), from, to, code, session};
    db_result *r = db_run(req->db, &STMT_SERIES_LOOKUP, 5, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    if (auth_accept(req, res, r, 0) != 0) {
        db_free(r);
        return;
    }
    if (!db_value(r, 0, S_VERSION) || db_value(r, 0, S_HAS_TARGET)[0] != 't') {
        bool campaign = db_value(r, 0, S_VERSION) != NULL;
        db_free(r);
        http_problem(res, 404, campaign ? "Phong trào không có chỉ tiêu này." : "Không có phong trào này.");
        return;
    }
    long long version = db_int(r, 0, S_VERSION);
    const char *first = arena_strdup(req->mem, db_value(r, 0, S_FROM));
    const char *last = arena_strdup(req->mem, db_value(r, 0, S_TO));
    db_free(r);
    if (strcmp(first, last) > 0 && (from || to)) {
        http_field_error(res, 400, from ? "from" : "to", "from không được sau to");
        return;
    }
    const char **dates = NULL;
    int n = sc_series_dates(req->mem, first, last, step, SERIES_MAX_POINTS, &dates);
    if (n < 0) {
        http_field_error(res, 400, "step",
                         arena_printf(req->mem, "Quá %d điểm: thu hẹp from/to hoặc dùng step=month", SERIES_MAX_POINTS));
        return;
    }
    const char *kind = arena_printf(req->mem, "ss" SC_FORMAT "-%s-%s-%s", code, step, first);
    const char *etag = make_etag(req, kind, id, version, last);
    if (etag_matches(req, etag)) {
        answer_headers(res, etag, NULL);
        http_empty(res, 304);
        return;
    }
    const char *q[] = {api_itoa(req, id), kind, last, api_itoa(req, version)};
    r = db_run(req->db, &STMT_CACHED, 4, q);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    if (db_rows(r) > 0) {
        http_json_text(res, 200, db_value(r, 0, 0));
        db_free(r);
        answer_headers(res, etag, "stored");
        return;
    }
    db_free(r);
    sc_answer a;
    sc_rc rc = scorecard_series(req->db, req->mem, id, code, first, last, step, dates, n, &a);
    if (rc != SC_OK) {
        if (rc == SC_NOT_FOUND)
            http_problem(res, 404, "Phong trào không có chỉ tiêu này.");
        else
            api_db_error(req, res);
        return;
    }
    store(req, id, kind, &a);
    http_json_text(res, 200, a.body);
    answer_headers(res, make_etag(req, kind, id, a.version, last), "computed");
}

const route scorecard_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/scorecard", scorecard, ACCESS_READ, BODY_NONE,
     "Bảng theo dõi chỉ tiêu thi đua; có ETag", NULL, ROUTE_SESSION_IN_QUERY, as_of_query, NULL},
    {"GET", "/api/v1/campaigns/{id}/units/scorecard", units_scorecard, ACCESS_READ, BODY_NONE,
     "Kết quả theo từng đơn vị thuộc, trực thuộc; có ETag", NULL, ROUTE_SESSION_IN_QUERY, as_of_query, NULL},
    {"GET", "/api/v1/campaigns/{id}/targets/{code}/series", series, ACCESS_READ, BODY_NONE,
     "Diễn biến một chỉ tiêu theo tuần hoặc tháng (tối đa 400 điểm); có ETag", NULL, ROUTE_SESSION_IN_QUERY,
     series_query, NULL},
    {0},
};
