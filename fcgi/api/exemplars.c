/* api/exemplars.c — exemplary people and models (gương điển hình tiên
 * tiến, người tốt việc tốt, mô hình mới cách làm hay) of a campaign, and
 * their way to the provincial portal:
 *
 *   proposed ──forward (office)──▶ forwarded ──approve (director)──▶ approved
 *      │  ▲                           └──────reject (director)──▶ rejected
 *      │  └─resubmit (unit)── returned ◀──return (office, with a reason)
 *
 * A unit head proposes for its own unit and edits while the proposal is
 * proposed or returned. Every step is a row of exemplar_events (who, when,
 * why). Approving queues the exemplar's publication in the same
 * transaction (the outbox `thidua push` drains): nothing is sent from here. */
#include "api/campaign_scope.h"
#include "api/resources.h"

static const char *const exemplar_kinds[] = {"guong_dien_hinh", "nguoi_tot_viec_tot", "mo_hinh_moi", NULL};
static const char *const exemplar_subjects[] = {"person", "collective", NULL};
static const char *const exemplar_states[] = {"proposed", "returned", "forwarded", "approved", "rejected", NULL};

static const field_def exemplar_fields[] = {
    {"unit_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Đơn vị đề xuất (của tập thể, hoặc nơi cá nhân công tác)"},
    {"subject_type", FT_ENUM, F_REQUIRED, 0, 0, exemplar_subjects, "person (cá nhân) hoặc collective (tập thể là chính đơn vị)"},
    {"staff_id", FT_ID, F_NULLABLE, 0, 0, NULL, "Cán bộ của đơn vị; bắt buộc với person, null với collective"},
    {"kind", FT_ENUM, F_REQUIRED, 0, 0, exemplar_kinds,
     "guong_dien_hinh (gương điển hình tiên tiến), nguoi_tot_viec_tot (người tốt, việc tốt), mo_hinh_moi (mô hình mới, cách làm hay)"},
    {"title", FT_STRING, F_REQUIRED, 1, 300, NULL, "Tiêu đề"},
    {"achievements", FT_TEXT, F_REQUIRED, 1, 20000, NULL, "Thành tích, việc làm tiêu biểu"},
    {"period_from", FT_DATE, F_NULLABLE, 0, 0, NULL, "Thời gian đạt thành tích: từ ngày"},
    {"period_to", FT_DATE, F_NULLABLE, 0, 0, NULL, "Thời gian đạt thành tích: đến ngày"},
    {0},
};
enum { X_UNIT, X_SUBJECT, X_STAFF, X_KIND, X_TITLE, X_ACHIEVEMENTS, X_FROM, X_TO, X_COUNT };

/* What may change after proposing: the subject stays. */
static const field_def exemplar_edit_fields[] = {
    {"kind", FT_ENUM, F_REQUIRED, 0, 0, exemplar_kinds, "Loại gương điển hình"},
    {"title", FT_STRING, F_REQUIRED, 1, 300, NULL, "Tiêu đề"},
    {"achievements", FT_TEXT, F_REQUIRED, 1, 20000, NULL, "Thành tích, việc làm tiêu biểu"},
    {"period_from", FT_DATE, F_NULLABLE, 0, 0, NULL, "Từ ngày"},
    {"period_to", FT_DATE, F_NULLABLE, 0, 0, NULL, "Đến ngày"},
    {0},
};
enum { E_KIND, E_TITLE, E_ACHIEVEMENTS, E_FROM, E_TO, E_COUNT };

static const field_def exemplar_reason_fields[] = {
    {"reason", FT_TEXT, F_REQUIRED, 1, 2000, NULL, "Lý do"},
    {0},
};

#define EXEMPLAR_FIELDS(x)                                                                                          \
    "'id', " x ".id, 'campaign_id', " x ".campaign_id, 'unit_id', " x ".unit_id,"               \
    " 'subject_type', " x ".subject_type, 'staff_id', " x ".staff_id,"                                            \
    " 'subject_name', CASE WHEN " x ".subject_type = 'person' THEN (SELECT s.full_name FROM staff s WHERE s.id = " \
    x ".staff_id) ELSE (SELECT u.name FROM units u WHERE u.id = " x ".unit_id) END,"                               \
    " 'kind', " x ".kind, 'title', " x ".title, 'achievements', " x ".achievements,"                             \
    " 'period_from', " x ".period_from, 'period_to', " x ".period_to, 'state', " x ".state,"                     \
    " 'state_reason', " x ".state_reason, 'created_at', " x ".created_at,"                                        \
    " 'publication_id', (SELECT max(p.id) FROM publications p WHERE p.exemplar_id = " x ".id AND p.kind = 'exemplar')"
#define EXEMPLAR_JSON(x) "json_build_object(" EXEMPLAR_FIELDS(x) ")"

/* One exemplar with its history. */
#define EXEMPLAR_FULL(x)                                                                                        \
    "json_build_object(" EXEMPLAR_FIELDS(x) ", 'events', coalesce((SELECT json_agg(json_build_object("            \
    "'from_state', ev.from_state, 'to_state', ev.to_state, 'reason', ev.reason, 'user_id', ev.user_id,"          \
    " 'username', us.username, 'at', ev.at) ORDER BY ev.id) FROM exemplar_events ev"                             \
    " LEFT JOIN users us ON us.id = ev.user_id WHERE ev.exemplar_id = " x ".id), '[]'::json))"

static const db_stmt STMT_CAMPAIGN = {"exemplars_campaign", "SELECT agency_id FROM campaigns WHERE id = $1"};
static const db_stmt STMT_UNIT = {"exemplars_unit", "SELECT agency_id, dissolved_on FROM units WHERE id = $1"};
static const db_stmt STMT_STAFF = {"exemplars_staff", "SELECT unit_id FROM staff WHERE id = $1"};
static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"state", FT_ENUM, 0, 0, 0, exemplar_states, "Chỉ đề xuất ở trạng thái này"},
    {"unit_id", FT_ID, 0, 0, 0, NULL, "Chỉ đề xuất của đơn vị này"},
    {0},
};
enum { Q_STATE = API_Q_FIRST, Q_UNIT };

static const db_stmt STMT_LIST = {
    "exemplars_list",
    API_LIST_OF_CAMPAIGN("SELECT * FROM exemplars WHERE campaign_id = $3 AND ($4::text IS NULL OR state = $4)"
                         " AND ($5::bigint IS NULL OR unit_id = $5)",
                         EXEMPLAR_JSON("p"), "id")};
static const db_stmt STMT_SCOPE = {
    "exemplars_scope",
    "SELECT c.agency_id, x.unit_id FROM exemplars x JOIN campaigns c ON c.id = x.campaign_id WHERE x.id = $1"};
static const db_stmt STMT_GET = {"exemplars_get", "SELECT " EXEMPLAR_FULL("x") " FROM exemplars x WHERE x.id = $1"};
static const db_stmt STMT_LOCK = {
    "exemplars_lock", "SELECT unit_id, state, " EXEMPLAR_JSON("x") " FROM exemplars x WHERE x.id = $1 FOR UPDATE"};
static const db_stmt STMT_INSERT = {
    "exemplars_insert",
    "INSERT INTO exemplars (campaign_id, unit_id, subject_type, staff_id, kind, title, achievements, period_from,"
    " period_to) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"};
static const db_stmt STMT_UPDATE = {
    "exemplars_update",
    "UPDATE exemplars SET kind = $2, title = $3, achievements = $4, period_from = $5, period_to = $6 WHERE id = $1"};
static const db_stmt STMT_EVENT = {
    "exemplars_event",
    "INSERT INTO exemplar_events (exemplar_id, from_state, to_state, reason, user_id)"
    " VALUES ($1, $2, $3, $4, nullif($5, '0')::bigint)"};
static const db_stmt STMT_MOVE = {
    "exemplars_move", "UPDATE exemplars SET state = $2, state_reason = $3 WHERE id = $1"};

/* The document itself is thidua_exemplar_document() (migration 0005). */
static const db_stmt STMT_ENQUEUE = {
    "exemplars_enqueue", "SELECT thidua_enqueue_exemplar($1, nullif($2, '0')::bigint)"};

static void list(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0]), api_query(req, Q_STATE), api_query(req, Q_UNIT)};
    api_list(req, res, &STMT_LIST, 3, p, "Không có phong trào này.");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có đề xuất gương điển hình này.");
}

/* Runs a one-row lookup; -1 on a database error (answered), 0 with *r NULL
 * when there is no row. */
static int lookup(request *req, response *res, const db_stmt *st, const char *id, db_result **r)
{
    const char *p[] = {id};
    *r = db_run(req->db, st, 1, p);
    if (!*r) {
        api_db_error(req, res);
        return -1;
    }
    if (db_rows(*r) == 0) {
        db_free(*r);
        *r = NULL;
    }
    return 0;
}

/* The rules a field table cannot say: the unit is of the campaign's agency
 * (the route has checked it is in the caller's scope), the person is of
 * that unit. 0, or -1 answered. */
static int check_subject(request *req, response *res, const field_val *v)
{
    db_result *c, *u, *s;
    if (lookup(req, res, &STMT_CAMPAIGN, api_itoa(req, req->path_ids[0]), &c) != 0)
        return -1;
    if (!c) {
        http_problem(res, 404, "Không có phong trào này.");
        return -1;
    }
    long long agency = db_int(c, 0, 0);
    db_free(c);
    if (lookup(req, res, &STMT_UNIT, v[X_UNIT].s, &u) != 0)
        return -1;
    bool unit_ok = u && db_int(u, 0, 0) == agency && !db_value(u, 0, 1);
    db_free(u);
    if (!unit_ok) {
        http_field_error(res, 422, "unit_id", "Đơn vị không tồn tại, đã giải thể hoặc không thuộc cơ quan của phong trào.");
        return -1;
    }
    bool person = strcmp(v[X_SUBJECT].s, "person") == 0;
    if (!person) {
        if (!v[X_STAFF].null) {
            http_field_error(res, 422, "staff_id", "Tập thể là chính đơn vị: không ghi cán bộ.");
            return -1;
        }
        return 0;
    }
    if (v[X_STAFF].null) {
        http_field_error(res, 422, "staff_id", "là bắt buộc với cá nhân");
        return -1;
    }
    if (lookup(req, res, &STMT_STAFF, v[X_STAFF].s, &s) != 0)
        return -1;
    bool staff_ok = s && db_int(s, 0, 0) == v[X_UNIT].i;
    db_free(s);
    if (!staff_ok) {
        http_field_error(res, 422, "staff_id", "Cán bộ không tồn tại hoặc không thuộc đơn vị đề xuất.");
        return -1;
    }
    return 0;
}

static int check_period(response *res, const field_val *from, const field_val *to)
{
    if (!from->null && !to->null && strcmp(to->s, from->s) < 0) {
        http_field_error(res, 422, "period_to", "Ngày kết thúc không được trước ngày bắt đầu.");
        return -1;
    }
    return 0;
}

static int add_event(request *req, response *res, const char *id, const char *from, const char *to,
                     const char *reason)
{
    const char *p[] = {id, from, to, reason, api_itoa(req, req->user ? req->user->id : 0)};
    db_result *r = db_run(req->db, &STMT_EVENT, 5, p);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    db_free(r);
    return 0;
}

/* Answers the exemplar as it is now (inside the open transaction), then
 * commits. */
static void answer(request *req, response *res, const char *id, int status)
{
    const char *p[] = {id};
    db_result *r = db_run(req->db, &STMT_GET, 1, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    char *json = arena_strdup(req->mem, db_value(r, 0, 0));
    db_free(r);
    if (api_commit(req, res) != 0)
        return;
    if (status == 201)
        http_set_header(res, "Location", arena_printf(req->mem, "/api/v1/exemplars/%s", id));
    http_json_text(res, status, json);
}

static void create(request *req, response *res)
{
    field_val v[X_COUNT];
    if (api_body(req, res, exemplar_fields, v, false) != 0 || check_period(res, &v[X_FROM], &v[X_TO]) != 0 ||
        check_subject(req, res, v) != 0)
        return;
    if (api_begin(req, res) != 0)
        return;
    const char *p[] = {api_itoa(req, req->path_ids[0]), v[X_UNIT].s, v[X_SUBJECT].s, v[X_STAFF].s, v[X_KIND].s,
                       v[X_TITLE].s, v[X_ACHIEVEMENTS].s, v[X_FROM].s, v[X_TO].s};
    db_result *r = db_run(req->db, &STMT_INSERT, 9, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    const char *id = arena_strdup(req->mem, db_value(r, 0, 0));
    db_free(r);
    if (add_event(req, res, id, NULL, "proposed", NULL) != 0)
        return;
    answer(req, res, id, 201);
}

/* Locks the exemplar for a state change. 0 with *state (and *json when
 * asked) set, or -1 answered (404, or a database error); the transaction
 * is open on 0. */
static int lock_exemplar(request *req, response *res, const char *id, const char **state, const char **json)
{
    if (api_begin(req, res) != 0)
        return -1;
    db_result *r;
    if (lookup(req, res, &STMT_LOCK, id, &r) != 0)
        return -1;
    if (!r) {
        db_rollback(req->db);
        http_problem(res, 404, "Không có đề xuất gương điển hình này.");
        return -1;
    }
    *state = arena_strdup(req->mem, db_value(r, 0, 1));
    if (json)
        *json = arena_strdup(req->mem, db_value(r, 0, 2));
    db_free(r);
    return 0;
}

static void wrong_state(request *req, response *res, const char *state, const char *action)
{
    db_rollback(req->db);
    http_problem(res, 409, arena_printf(req->mem, "Đề xuất đang ở trạng thái %s: không thể %s.", state, action));
}

static void edit(request *req, response *res)
{
    const char *id = api_itoa(req, req->path_ids[0]);
    const char *state, *current;
    if (lock_exemplar(req, res, id, &state, &current) != 0)
        return;
    if (strcmp(state, "proposed") != 0 && strcmp(state, "returned") != 0) {
        wrong_state(req, res, state, "sửa sau khi đã chuyển lên");
        return;
    }
    field_val v[E_COUNT];
    if (api_patch_merge(req, res, exemplar_edit_fields, current, v) != 0 || check_period(res, &v[E_FROM], &v[E_TO]) != 0) {
        db_rollback(req->db);
        return;
    }
    const char *p[] = {id, v[E_KIND].s, v[E_TITLE].s, v[E_ACHIEVEMENTS].s, v[E_FROM].s, v[E_TO].s};
    db_result *r = db_run(req->db, &STMT_UPDATE, 6, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    db_free(r);
    answer(req, res, id, 200);
}

/* One step of the workflow: from `from` to `to`, by whoever the route lets
 * through (its roles and the exemplar's unit). */
static void step(request *req, response *res, const char *from, const char *to, bool needs_reason, const char *action)
{
    const char *reason = NULL;
    if (needs_reason) {
        field_val v[1];
        if (api_body(req, res, exemplar_reason_fields, v, false) != 0)
            return;
        reason = v[0].s;
    }
    const char *id = api_itoa(req, req->path_ids[0]);
    const char *state;
    if (lock_exemplar(req, res, id, &state, NULL) != 0)
        return;
    if (strcmp(state, from) != 0) {
        wrong_state(req, res, state, action);
        return;
    }
    const char *p[] = {id, to, reason};
    db_result *r = db_run(req->db, &STMT_MOVE, 3, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    db_free(r);
    if (add_event(req, res, id, from, to, reason) != 0)
        return;
    if (strcmp(to, "approved") == 0) {
        const char *q[] = {id, api_itoa(req, req->user ? req->user->id : 0)};
        r = db_run(req->db, &STMT_ENQUEUE, 2, q);
        if (!r) {
            api_db_error(req, res);
            return;
        }
        db_free(r);
    }
    answer(req, res, id, 200);
}

static void do_return(request *req, response *res)
{
    step(req, res, "proposed", "returned", true, "trả lại");
}

static void do_forward(request *req, response *res)
{
    step(req, res, "proposed", "forwarded", false, "chuyển lên Giám đốc");
}

static void do_resubmit(request *req, response *res)
{
    step(req, res, "returned", "proposed", false, "đề xuất lại");
}

static void do_approve(request *req, response *res)
{
    step(req, res, "forwarded", "approved", false, "phê duyệt");
}

static void do_reject(request *req, response *res)
{
    step(req, res, "forwarded", "rejected", true, "từ chối");
}

/* A proposal is of its unit: a unit_head proposes, edits and resubmits
 * its own unit's only. */
static const route_scope exemplar_scope = {&STMT_SCOPE, "Không có đề xuất gương điển hình này.", false, NULL,
                                           SCOPE_NULL_AGENCY, NULL, NULL};

const route exemplars_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/exemplars", list, ACCESS_READ, BODY_NONE, "Gương điển hình của phong trào", NULL, ROUTE_REPLICA_OK,
     list_query, &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/exemplars", create, ACCESS_DATA, BODY_JSON,
     "Đơn vị đề xuất gương điển hình (cá nhân hoặc tập thể của đơn vị)", exemplar_fields, 0, NULL, &scope_in_campaign_unit},
    {"GET", "/api/v1/exemplars/{id}", get, ACCESS_READ, BODY_NONE, "Một đề xuất và lịch sử xử lý", NULL, ROUTE_REPLICA_OK, NULL, &exemplar_scope},
    {"PATCH", "/api/v1/exemplars/{id}", edit, ACCESS_DATA, BODY_JSON,
     "Sửa đề xuất (khi đang đề xuất hoặc bị trả lại)", exemplar_edit_fields, 0, NULL, &exemplar_scope},
    {"POST", "/api/v1/exemplars/{id}/return", do_return, ACCESS_OFFICE, BODY_JSON,
     "Văn phòng trả lại đề xuất, kèm lý do", exemplar_reason_fields, 0, NULL, &exemplar_scope},
    {"POST", "/api/v1/exemplars/{id}/forward", do_forward, ACCESS_OFFICE, BODY_NONE,
     "Văn phòng chuyển đề xuất lên Giám đốc", NULL, 0, NULL, &exemplar_scope},
    {"POST", "/api/v1/exemplars/{id}/resubmit", do_resubmit, ACCESS_DATA, BODY_NONE,
     "Đơn vị đề xuất lại sau khi bị trả lại", NULL, 0, NULL, &exemplar_scope},
    {"POST", "/api/v1/exemplars/{id}/approve", do_approve, ACCESS_DIRECTOR, BODY_NONE,
     "Giám đốc phê duyệt; việc đăng lên Cổng thông tin được xếp hàng", NULL, 0, NULL, &exemplar_scope},
    {"POST", "/api/v1/exemplars/{id}/reject", do_reject, ACCESS_DIRECTOR, BODY_JSON,
     "Giám đốc không phê duyệt, kèm lý do", exemplar_reason_fields, 0, NULL, &exemplar_scope},
    {0},
};
