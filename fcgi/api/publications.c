/* api/publications.c — the publication outbox as people see it: what was
 * queued for the provincial portal, its state (queued, sending, sent,
 * failed), attempts, last error and the portal's reference.
 *
 * Rows are only written here (and by the exemplar approval); `thidua push`
 * delivers them. The director publishes a campaign's scorecard summary and
 * withdraws what was published; a failed row can be requeued. */
#include "api/campaign_scope.h"
#include "api/resources.h"

#include "scorecard.h"

static const char *const publication_kinds[] = {"exemplar", "scorecard", "withdrawal", "public_notice", NULL};
static const char *const publication_states[] = {"queued", "sending", "sent", "failed", NULL};
static const char *const publish_kinds[] = {"scorecard", "withdrawal", NULL};

static const field_def publication_fields[] = {
    {"kind", FT_ENUM, F_REQUIRED, 0, 0, publish_kinds,
     "scorecard (kết quả thực hiện chỉ tiêu) hoặc withdrawal (thu hồi một tin đã đăng); gương điển hình được đăng khi phê duyệt"},
    {"publication_id", FT_ID, F_NULLABLE, 0, 0, NULL, "withdrawal: tin cần thu hồi (đã đăng, cùng phong trào)"},
    {"reason", FT_TEXT, F_NULLABLE, 0, 2000, NULL, "withdrawal: lý do thu hồi"},
    {"as_of", FT_DATE, F_NULLABLE, 0, 0, NULL, "scorecard: tính đến ngày (mặc định hôm nay)"},
    {0},
};
enum { P_KIND, P_TARGET, P_REASON, P_AS_OF, P_COUNT };

#define PUBLICATION_FIELDS(p)                                                                                   \
    "'id', " p ".id, 'kind', " p ".kind, 'campaign_id', " p ".campaign_id,"                 \
    " 'exemplar_id', " p ".exemplar_id, 'withdraws_id', " p ".withdraws_id,"                                   \
    " 'withdrawn_by', (SELECT w.id FROM publications w WHERE w.withdraws_id = " p ".id AND w.kind = 'withdrawal'),"\
    " 'heading', " p ".payload->>'heading', 'state', " p ".state, 'attempts', " p ".attempts,"               \
    " 'next_attempt_at', CASE WHEN " p ".state IN ('queued', 'sending') THEN " p ".next_attempt_at END,"      \
    " 'last_error', " p ".last_error, 'last_status', " p ".last_status, 'portal_ref', " p ".portal_ref,"      \
    " 'idempotency_key', " p ".idempotency_key, 'created_by', " p ".created_by, 'created_at', " p ".created_at," \
    " 'sent_at', " p ".sent_at"
#define PUBLICATION_JSON(p) "json_build_object(" PUBLICATION_FIELDS(p) ")"

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"state", FT_ENUM, 0, 0, 0, publication_states, "Chỉ tin ở trạng thái này"},
    {"kind", FT_ENUM, 0, 0, 0, publication_kinds, "Chỉ tin loại này"},
    {"campaign_id", FT_ID, 0, 0, 0, NULL, "Chỉ tin của phong trào này"},
    {"agency_id", FT_ID, 0, 0, 0, NULL, "Chỉ tin của cơ quan này"},
    {0},
};
enum { Q_STATE = API_Q_FIRST, Q_KIND, Q_CAMPAIGN, Q_AGENCY };

static const db_stmt STMT_LIST = {
    "publications_list",
    API_LIST_SQL("SELECT p.* FROM publications p LEFT JOIN exemplars x ON x.id = p.exemplar_id"
                 " LEFT JOIN campaigns c ON c.id = coalesce(p.campaign_id, x.campaign_id)"
                 " WHERE ($3::text IS NULL OR p.state = $3) AND ($4::text IS NULL OR p.kind = $4)"
                 " AND ($5::bigint IS NULL OR p.campaign_id = $5) AND ($6::bigint IS NULL OR c.agency_id = $6)"
                 " AND ($7::bigint IS NULL OR c.agency_id = $7)",
                 PUBLICATION_JSON("p"), "id DESC")};
static const db_stmt STMT_GET = {
    "publications_get",
    "SELECT json_build_object(" PUBLICATION_FIELDS("p") ", 'reason', p.reason, 'payload', p.payload)"
    " FROM publications p WHERE p.id = $1"};
static const db_stmt STMT_CAMPAIGN = {"publications_campaign", "SELECT id FROM campaigns WHERE id = $1"};
static const db_stmt STMT_TARGET = {
    "publications_target",
    "SELECT p.campaign_id, p.kind, p.state,"
    " EXISTS (SELECT 1 FROM publications w WHERE w.withdraws_id = p.id AND w.kind = 'withdrawal')"
    " FROM publications p WHERE p.id = $1 FOR UPDATE"};

/* The documents the portal receives (deploy/portal.md). */
static const db_stmt STMT_SCORECARD = {
    "publications_scorecard",
    "INSERT INTO publications (kind, campaign_id, payload, created_by)"
    " SELECT 'scorecard', c.id, jsonb_build_object("
    "   'kind', 'scorecard',"
    "   'heading', 'Kết quả thực hiện các chỉ tiêu thi đua năm ' || c.year || ' — ' || a.name,"
    "   'agency', jsonb_build_object('code', a.code, 'name', a.name),"
    "   'campaign', jsonb_build_object('id', c.id, 'code', c.code, 'year', c.year, 'name', c.name),"
    "   'as_of', sc->'as_of', 'final', sc->'final',"
    "   'targets', coalesce((SELECT jsonb_agg(jsonb_build_object('code', t->'code', 'name', t->'name',"
    "       'comparator', t->'comparator', 'threshold', t->'threshold', 'value', t->'value',"
    "       'numerator', t->'numerator', 'denominator', t->'denominator', 'status', t->'status',"
    "       'status_label', CASE t->>'status' WHEN 'met' THEN 'Đạt' WHEN 'missed' THEN 'Không đạt'"
    "         WHEN 'at_risk' THEN 'Có nguy cơ không đạt' ELSE 'Chưa đủ dữ liệu để đánh giá' END) ORDER BY n)"
    "     FROM jsonb_array_elements(sc->'targets') WITH ORDINALITY AS e(t, n)), '[]'::jsonb),"
    "   'summary', sc->'summary',"
    "   'published_at', now()),"
    "   nullif($3, '0')::bigint"
    " FROM campaigns c JOIN units a ON a.id = c.agency_id, (SELECT $2::jsonb AS sc) s WHERE c.id = $1"
    " RETURNING id"};
static const db_stmt STMT_WITHDRAWAL = {
    "publications_withdrawal",
    "INSERT INTO publications (kind, campaign_id, withdraws_id, payload, reason, created_by)"
    " SELECT 'withdrawal', w.campaign_id, w.id, jsonb_build_object("
    "   'kind', 'withdrawal',"
    "   'heading', 'Thu hồi: ' || coalesce(w.payload->>'heading', ''),"
    "   'agency', w.payload->'agency', 'campaign', w.payload->'campaign',"
    "   'withdraws', jsonb_build_object('id', w.id, 'kind', w.kind, 'idempotency_key', w.idempotency_key,"
    "     'reference', w.portal_ref),"
    "   'reason', $2::text,"
    "   'withdrawn_at', now()),"
    "   $2, nullif($3, '0')::bigint"
    " FROM publications w WHERE w.id = $1"
    " RETURNING id"};
static const db_stmt STMT_RETRY = {
    "publications_retry",
    "UPDATE publications SET state = 'queued', attempts = 0, next_attempt_at = now()"
    " WHERE id = $1 AND state = 'failed' RETURNING id"};
static const db_stmt STMT_STATE = {"publications_state", "SELECT state FROM publications WHERE id = $1"};

static void list(request *req, response *res)
{
    const char *p[] = {api_query(req, Q_STATE), api_query(req, Q_KIND), api_query(req, Q_CAMPAIGN),
                       auth_agency_param(req), api_query(req, Q_AGENCY)};
    api_list(req, res, &STMT_LIST, 5, p, "");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có tin đăng này.");
}

/* The campaign's scorecard, computed by the same module that answers
 * GET /campaigns/{id}/scorecard, so what is published is exactly what the
 * API shows. Returns the JSON text (arena), or NULL with res answered. */
static const char *scorecard_json(request *req, response *res, long long campaign, const char *as_of)
{
    sc_answer a;
    sc_rc rc = scorecard_targets(req->db, req->mem, campaign, as_of, &a);
    if (rc == SC_NOT_FOUND) {
        http_problem(res, 404, "Không có phong trào này.");
        return NULL;
    }
    if (rc != SC_OK) {
        api_db_error(req, res);
        return NULL;
    }
    return a.body;
}

static void answer_new(request *req, response *res, db_result *r)
{
    const char *id = arena_strdup(req->mem, db_value(r, 0, 0));
    db_free(r);
    const char *p[] = {id};
    db_result *g = db_run(req->db, &STMT_GET, 1, p);
    if (!g) {
        api_db_error(req, res);
        return;
    }
    char *json = arena_strdup(req->mem, db_value(g, 0, 0));
    db_free(g);
    if (api_commit(req, res) != 0)
        return;
    http_set_header(res, "Location", arena_printf(req->mem, "/api/v1/publications/%s", id));
    http_json_text(res, 201, json);
}

static void publish_scorecard(request *req, response *res, const field_val *v)
{
    const char *campaign = api_itoa(req, req->path_ids[0]);
    const char *sc = scorecard_json(req, res, req->path_ids[0], v[P_AS_OF].s);
    if (!sc || api_begin(req, res) != 0)
        return;
    const char *p[] = {campaign, sc, api_itoa(req, req->user ? req->user->id : 0)};
    db_result *r = db_run(req->db, &STMT_SCORECARD, 3, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    if (db_rows(r) == 0) {
        db_free(r);
        db_rollback(req->db);
        http_problem(res, 404, "Không có phong trào này.");
        return;
    }
    answer_new(req, res, r);
}

static void publish_withdrawal(request *req, response *res, const field_val *v)
{
    if (v[P_TARGET].null) {
        http_field_error(res, 422, "publication_id", "là bắt buộc khi thu hồi");
        return;
    }
    if (api_begin(req, res) != 0)
        return;
    const char *tp[] = {v[P_TARGET].s};
    db_result *t = db_run(req->db, &STMT_TARGET, 1, tp);
    if (!t) {
        api_db_error(req, res);
        return;
    }
    bool found = db_rows(t) == 1 && db_int(t, 0, 0) == req->path_ids[0];
    const char *kind = found ? arena_strdup(req->mem, db_value(t, 0, 1)) : "";
    const char *state = found ? arena_strdup(req->mem, db_value(t, 0, 2)) : "";
    bool withdrawn = found && strcmp(db_value(t, 0, 3), "t") == 0;
    db_free(t);
    const char *problem = NULL;
    int status = 422;
    if (!found)
        problem = "Không có tin đăng này trong phong trào.";
    else if (strcmp(kind, "withdrawal") == 0)
        problem = "Không thu hồi một thông báo thu hồi.";
    else if (withdrawn)
        problem = "Tin này đã được thu hồi.", status = 409;
    else if (strcmp(state, "sent") != 0)
        problem = "Chỉ thu hồi được tin đã đăng lên Cổng thông tin.", status = 409;
    if (problem) {
        db_rollback(req->db);
        http_field_error(res, status, "publication_id", problem);
        return;
    }
    const char *p[] = {v[P_TARGET].s, v[P_REASON].s, api_itoa(req, req->user ? req->user->id : 0)};
    db_result *r = db_run(req->db, &STMT_WITHDRAWAL, 3, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    answer_new(req, res, r);
}

static void create(request *req, response *res)
{
    field_val v[P_COUNT];
    if (api_body(req, res, publication_fields, v, false) != 0)
        return;
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    db_result *c = db_run(req->db, &STMT_CAMPAIGN, 1, p);
    if (!c) {
        api_db_error(req, res);
        return;
    }
    int rows = db_rows(c);
    db_free(c);
    if (rows == 0) {
        http_problem(res, 404, "Không có phong trào này.");
        return;
    }
    if (strcmp(v[P_KIND].s, "scorecard") == 0)
        publish_scorecard(req, res, v);
    else
        publish_withdrawal(req, res, v);
}

static void retry(request *req, response *res)
{
    const char *id = api_itoa(req, req->path_ids[0]);
    if (api_begin(req, res) != 0)
        return;
    const char *p[] = {id};
    db_result *r = db_run(req->db, &STMT_RETRY, 1, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    int n = db_rows(r);
    db_free(r);
    if (n == 0) {
        db_result *s = db_run(req->db, &STMT_STATE, 1, p);
        if (!s) {
            api_db_error(req, res);
            return;
        }
        const char *state = db_rows(s) ? arena_strdup(req->mem, db_value(s, 0, 0)) : NULL;
        db_free(s);
        db_rollback(req->db);
        if (!state)
            http_problem(res, 404, "Không có tin đăng này.");
        else
            http_problem(res, 409, arena_printf(req->mem, "Tin đăng đang ở trạng thái %s: chỉ gửi lại tin bị lỗi (failed).", state));
        return;
    }
    db_result *g = db_run(req->db, &STMT_GET, 1, p);
    if (!g) {
        api_db_error(req, res);
        return;
    }
    char *json = arena_strdup(req->mem, db_value(g, 0, 0));
    db_free(g);
    if (api_commit(req, res) == 0)
        http_json_text(res, 200, json);
}

/* A publication is of its campaign's agency (an exemplar's: its campaign's). */
static const db_stmt STMT_SCOPE = {
    "publications_scope",
    "SELECT c.agency_id, NULL::bigint FROM publications p LEFT JOIN exemplars x ON x.id = p.exemplar_id"
    " JOIN campaigns c ON c.id = coalesce(p.campaign_id, x.campaign_id) WHERE p.id = $1"};
static const route_scope list_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, NULL, "agency_id"};
static const route_scope publication_scope = {&STMT_SCOPE, "Không có tin đăng này.", false, NULL, SCOPE_NULL_AGENCY,
                                              NULL, NULL};

const route publications_routes[] = {
    {"GET", "/api/v1/publications", list, ACCESS_READ, BODY_NONE, "Tin đăng lên Cổng thông tin và trạng thái gửi",
     NULL, ROUTE_REPLICA_OK, list_query, &list_scope},
    {"GET", "/api/v1/publications/{id}", get, ACCESS_READ, BODY_NONE, "Một tin đăng, kèm nội dung gửi đi", NULL, ROUTE_REPLICA_OK, NULL, &publication_scope},
    {"POST", "/api/v1/campaigns/{id}/publications", create, ACCESS_DIRECTOR, BODY_JSON,
     "Giám đốc đăng kết quả chỉ tiêu hoặc thu hồi một tin đã đăng", publication_fields, 0, NULL, &scope_in_campaign},
    {"POST", "/api/v1/publications/{id}/retry", retry, ACCESS_DECIDE, BODY_NONE,
     "Gửi lại tin bị lỗi (Văn phòng, Giám đốc)", NULL, 0, NULL, &publication_scope},
    {0},
};
