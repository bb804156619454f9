/* api/scorecard.c — the scorecard of a campaign, the same per member unit,
 * and one target over time (spec/targets.md; the metrics are in
 * scorecard.c, and scorecard_cache.c keeps the answers). Every answer
 * carries an ETag made of the campaign's data version, the as_of it was
 * computed for and the representation; a matching If-None-Match gets 304
 * without anything being computed.
 *
 * Every read asks the database for the campaign's current version, so an
 * answer is reused only under the version it was computed from. That one
 * question is also the session check (ROUTE_SESSION_IN_QUERY): a warm read
 * is one round trip to the database, the least a read can be when a
 * commit made anywhere (another worker, the CLI, psql) must be seen by the
 * next request; a notification from the database could arrive after it.
 * X-Thidua-Answer says where a body came from (computed, stored in the
 * table, or this worker's copy), for the bench and the tests. */
#include "api/resources.h"

#include "scorecard.h"
#include "scorecard_cache.h"

/* Bump when what is computed or how it is shown changes: answers cached
 * (and ETags given) by an earlier build then no longer match. */
#define SC_FORMAT "1"
enum { SERIES_MAX_POINTS = 400 };

/* The session ($6, see ROUTE_SESSION_IN_QUERY), the campaign's version and
 * the as_of answered ($2, or today), with the table's body of that version
 * unless this worker's copy is of it (version $4, as_of $5): then the body
 * is not even read. Nothing of the campaign without a session. One row,
 * always. The same on a read replica (ROUTE_REPLICA_OK, dbroute.h): the
 * table is logged (migration 0020), so a replica has what the primary
 * stored, and a miss computed on the replica is stored through the
 * primary's connection (store_answer). */
static const db_stmt STMT_LOOKUP = {
    "scorecard_lookup",
    "SELECT" AUTH_SESSION_COLUMNS ", c.data_version, d.as_of::text,"
    "       CASE WHEN c.data_version = $4::bigint AND d.as_of = $5::date THEN NULL"
    "            ELSE " SC_CACHE_STORED_BODY("c.id", "$3", "d.as_of", "c.data_version") " END"
    "  FROM (SELECT coalesce($2::date, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) AS as_of) d"
    AUTH_SESSION_JOIN("$6")
    "  LEFT JOIN campaigns c ON c.id = $1 AND auth.auth_user_id IS NOT NULL AND" AUTH_SESSION_AGENCY_ALLOWS("c.agency_id")};
enum { L_VERSION = AUTH_SESSION_NCOLUMNS, L_AS_OF, L_BODY };

/* The session ($5), the campaign's version, from and to (given, or its
 * start and today or its close) and whether it has the target ($4). */
static const db_stmt STMT_SERIES_LOOKUP = {
    "scorecard_series_lookup",
    "SELECT" AUTH_SESSION_COLUMNS ", c.data_version, coalesce($2::date, c.starts_on)::text,"
    "       coalesce($3::date, least((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, c.closes_on))::text,"
    "       EXISTS (SELECT 1 FROM targets t WHERE t.campaign_id = c.id AND t.code = $4)"
    "  FROM (SELECT 1) one"
    AUTH_SESSION_JOIN("$5")
    "  LEFT JOIN campaigns c ON c.id = $1 AND auth.auth_user_id IS NOT NULL AND" AUTH_SESSION_AGENCY_ALLOWS("c.agency_id")};
enum { S_VERSION = AUTH_SESSION_NCOLUMNS, S_FROM, S_TO, S_HAS_TARGET };

typedef sc_rc (*compute_fn)(db *d, arena *a, long long campaign_id, const char *as_of, sc_answer *out);

/* What one lookup tells: the current version, the as_of answered (a
 * series: its last point) and, for a series, its first point. */
typedef struct lookup {
    long long version;
    const char *as_of, *first;
    const char *stored; /* the table's body, or NULL (none, or this worker's copy is current) */
} lookup;

static const char *make_etag(request *req, const char *kind, long long id, long long version, const char *as_of)
{
    return arena_printf(req->mem, "\"%s-%lld-%lld-%s\"", kind, id, version, as_of);
}

/* source: NULL for a 304, which sends no body. */
static void answer_headers(response *res, const char *etag, const char *source)
{
    http_set_header(res, "ETag", etag);
    if (source)
        http_set_header(res, "X-Thidua-Answer", source);
    /* Browsers may keep it, but must ask again (If-None-Match) each time. */
    http_set_header(res, "Cache-Control", "private, no-cache");
}

/* 304 when If-None-Match names etag: nothing computed, nothing sent. */
static bool not_modified(request *req, response *res, const char *etag)
{
    if (!http_etag_matches(http_header(req, "If-None-Match"), etag))
        return false;
    answer_headers(res, etag, NULL);
    http_empty(res, 304);
    return true;
}

/* body lives in req->mem. */
static void send_answer(response *res, const char *body, const char *etag, const char *source)
{
    http_json_arena(res, 200, body);
    answer_headers(res, etag, source);
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

static void fail(request *req, response *res, sc_rc rc, const char *not_found)
{
    if (rc == SC_NOT_FOUND)
        http_problem(res, 404, not_found);
    else
        api_db_error(req, res);
}

/* Runs a lookup that joins the session (AUTH_SESSION_JOIN, columns from
 * 0) and accepts it: the result, or NULL with res answered (401, 403, a
 * database error). */
static db_result *run_with_session(request *req, response *res, const db_stmt *st, int n, const char *const *p)
{
    db_result *r = db_run(req->db, st, n, p);
    if (!r) {
        api_db_error(req, res);
        return NULL;
    }
    if (auth_accept(req, res, r, 0) != 0) {
        db_free(r);
        return NULL;
    }
    return r;
}

/* The scorecard's one round trip; 0, or -1 with res answered (401, 403,
 * 404, a database error). */
static int look_up(request *req, response *res, const char *kind, const char *key, const char *as_of,
                   const char *session, lookup *out)
{
    long long id = req->path_ids[0], mine_version;
    const char *mine_as_of;
    bool mine = sc_cache_held(id, key, &mine_version, &mine_as_of);
    const char *p[] = {api_itoa(req, id), as_of, kind, mine ? api_itoa(req, mine_version) : NULL,
                       mine ? mine_as_of : NULL, session};
    db_result *r = run_with_session(req, res, &STMT_LOOKUP, 6, p);
    if (!r)
        return -1;
    int rc = -1;
    if (!db_value(r, 0, L_VERSION)) {
        http_problem(res, 404, "Không có phong trào này.");
    } else {
        out->version = db_int(r, 0, L_VERSION);
        out->as_of = arena_strdup(req->mem, db_value(r, 0, L_AS_OF));
        out->stored = db_value(r, 0, L_BODY) ? arena_strdup(req->mem, db_value(r, 0, L_BODY)) : NULL;
        rc = 0;
    }
    db_free(r);
    return rc;
}

/* Keeps a computed answer in the table, which only the primary writes:
 * computed on a replica, it is right for the version the replica read,
 * and stored under that version. */
static void store_answer(request *req, long long id, const char *kind, const sc_answer *a)
{
    sc_cache_store(req->primary && req->primary != req->db ? req->primary : req->db, id, kind, a);
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
    lookup k;
    if (look_up(req, res, kind, key, as_of, session, &k) != 0)
        return;
    const char *etag = make_etag(req, kind, id, k.version, k.as_of);
    if (not_modified(req, res, etag))
        return;
    size_t len;
    const char *mine = sc_cache_get(id, key, k.version, k.as_of, &len);
    if (mine) {
        send_answer(res, arena_strndup(req->mem, mine, len), etag, "worker");
        return;
    }
    if (k.stored) {
        sc_cache_put(id, key, k.version, k.as_of, k.stored, strlen(k.stored));
        send_answer(res, k.stored, etag, "stored");
        return;
    }
    sc_answer a;
    sc_rc rc = compute(req->db, req->mem, id, k.as_of, &a);
    if (rc != SC_OK) {
        fail(req, res, rc, "Không có phong trào này.");
        return;
    }
    store_answer(req, id, kind, &a);
    sc_cache_put(id, key, a.version, a.as_of, a.body, strlen(a.body));
    send_answer(res, a.body, make_etag(req, kind, id, a.version, a.as_of), "computed");
}

static void scorecard(request *req, response *res)
{
    answer(req, res, "sc" SC_FORMAT, scorecard_targets);
}

static void units_scorecard(request *req, response *res)
{
    answer(req, res, "su" SC_FORMAT, scorecard_units);
}

/* The series' one round trip: version, first and last point; 0, or -1
 * with res answered (401, 403, 404, a database error). */
static int series_look_up(request *req, response *res, const char *from, const char *to, const char *session,
                          lookup *out)
{
    const char *p[] = {api_itoa(req, req->path_ids[0]), from, to, req->path_words[0], session};
    db_result *r = run_with_session(req, res, &STMT_SERIES_LOOKUP, 5, p);
    if (!r)
        return -1;
    int rc = -1;
    if (!db_value(r, 0, S_VERSION)) {
        http_problem(res, 404, "Không có phong trào này.");
    } else if (db_value(r, 0, S_HAS_TARGET)[0] != 't') {
        http_problem(res, 404, "Phong trào không có chỉ tiêu này.");
    } else {
        out->version = db_int(r, 0, S_VERSION);
        out->first = arena_strdup(req->mem, db_value(r, 0, S_FROM));
        out->as_of = arena_strdup(req->mem, db_value(r, 0, S_TO));
        out->stored = NULL;
        rc = 0;
    }
    db_free(r);
    return rc;
}

/* One target over time: 304, the table's answer, or a new one computed
 * and kept there. */
static void series(request *req, response *res)
{
    const char *session, *from = api_query(req, Q_FROM), *to = api_query(req, Q_TO), *step = api_query(req, Q_STEP);
    if (auth_session_hash(req, res, &session) != 0)
        return;
    if (!step)
        step = "month";
    long long id = req->path_ids[0];
    const char *code = req->path_words[0];
    lookup k;
    if (series_look_up(req, res, from, to, session, &k) != 0)
        return;
    if (strcmp(k.first, k.as_of) > 0 && (from || to)) {
        http_field_error(res, 400, from ? "from" : "to", "from không được sau to");
        return;
    }
    const char **dates = NULL;
    int n = sc_series_dates(req->mem, k.first, k.as_of, step, SERIES_MAX_POINTS, &dates);
    if (n < 0) {
        http_field_error(res, 400, "step",
                         arena_printf(req->mem, "Quá %d điểm: thu hẹp from/to hoặc dùng step=month", SERIES_MAX_POINTS));
        return;
    }
    const char *kind = arena_printf(req->mem, "ss" SC_FORMAT "-%s-%s-%s", code, step, k.first);
    const char *etag = make_etag(req, kind, id, k.version, k.as_of);
    if (not_modified(req, res, etag))
        return;
    if (sc_cache_stored(req->db, req->mem, id, kind, k.as_of, k.version, &k.stored) != 0) {
        api_db_error(req, res);
        return;
    }
    if (k.stored) {
        send_answer(res, k.stored, etag, "stored");
        return;
    }
    sc_answer a;
    sc_rc rc = scorecard_series(req->db, req->mem, id, code, k.first, k.as_of, step, dates, n, &a);
    if (rc != SC_OK) {
        fail(req, res, rc, "Phong trào không có chỉ tiêu này.");
        return;
    }
    store_answer(req, id, kind, &a);
    send_answer(res, a.body, make_etag(req, kind, id, a.version, k.as_of), "computed");
}

const route scorecard_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/scorecard", scorecard, ACCESS_READ, BODY_NONE,
     "Bảng theo dõi chỉ tiêu thi đua; có ETag", NULL, ROUTE_SESSION_IN_QUERY | ROUTE_REPLICA_OK, as_of_query, NULL},
    {"GET", "/api/v1/campaigns/{id}/units/scorecard", units_scorecard, ACCESS_READ, BODY_NONE,
     "Kết quả theo từng đơn vị thuộc, trực thuộc; có ETag", NULL, ROUTE_SESSION_IN_QUERY | ROUTE_REPLICA_OK, as_of_query, NULL},
    {"GET", "/api/v1/campaigns/{id}/targets/{code}/series", series, ACCESS_READ, BODY_NONE,
     "Diễn biến một chỉ tiêu theo tuần hoặc tháng (tối đa 400 điểm); có ETag", NULL, ROUTE_SESSION_IN_QUERY | ROUTE_REPLICA_OK,
     series_query, NULL},
    {0},
};
