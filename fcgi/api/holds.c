/* api/holds.c — holds on an award (NĐ 152/2025: no award while a staff
 * member or a unit is under disciplinary review, investigation,
 * inspection or an unresolved complaint). A hold is open at T iff
 * opened_on <= T and (closed_on is null or closed_on > T). The subject is
 * of the user's agency (another agency's is answered as one that does not
 * exist); the hold keeps that agency. Office and admin write; every
 * change is audited (holds_audit). */
#include "api/resources.h"

static const char *const subject_types[] = {"staff", "unit", NULL};

static const field_def hold_fields[] = {
    {"subject_type", FT_ENUM, F_REQUIRED, 0, 0, subject_types, "staff (cán bộ) hoặc unit (tập thể)"},
    {"subject_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Id của cán bộ hoặc đơn vị (thuộc cơ quan của người dùng)"},
    {"reason", FT_TEXT, F_REQUIRED, 1, 2000, NULL, "Lý do (đang xem xét kỷ luật, điều tra, thanh tra, khiếu nại...)"},
    {"opened_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày bắt đầu"},
    {"closed_on", FT_DATE, F_NULLABLE, 0, 0, NULL, "Ngày kết thúc (null khi chưa kết thúc); không trước opened_on"},
    {0},
};
enum { H_TYPE, H_SUBJECT, H_REASON, H_OPENED, H_CLOSED, H_COUNT };

#define HOLD_JSON(h) \
    "json_build_object('id', " h ".id, 'agency_id', " h ".agency_id, 'subject_type', " h ".subject_type," \
    " 'subject_id', coalesce(" h ".staff_id, " h ".unit_id), 'reason', " h ".reason, 'opened_on', " h ".opened_on," \
    " 'closed_on', " h ".closed_on)"

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"agency_id", FT_ID, 0, 0, 0, NULL, "Chỉ các trường hợp của cơ quan này"},
    {"subject_type", FT_ENUM, 0, 0, 0, subject_types, "Chỉ cán bộ (staff) hoặc tập thể (unit)"},
    {"subject_id", FT_ID, 0, 0, 0, NULL, "Chỉ các trường hợp của đối tượng có id này"},
    {"open_on", FT_DATE, 0, 0, 0, NULL, "Chỉ các trường hợp còn hiệu lực vào ngày này"},
    {0},
};
enum { Q_AGENCY = API_Q_FIRST, Q_TYPE, Q_SUBJECT, Q_OPEN };

/* $3 agency, $4 subject type, $5 subject id, $6 open on, $7 the user's
 * agency (auth_agency_param). */
static const db_stmt STMT_LIST = {
    "holds_list",
    API_LIST_SQL("SELECT * FROM holds WHERE ($3::bigint IS NULL OR agency_id = $3)"
                 " AND ($4::text IS NULL OR subject_type = $4)"
                 " AND ($5::bigint IS NULL OR coalesce(staff_id, unit_id) = $5)"
                 " AND ($6::date IS NULL OR (opened_on <= $6 AND (closed_on IS NULL OR closed_on > $6)))"
                 " AND ($7::bigint IS NULL OR agency_id = $7)",
                 HOLD_JSON("p"), "opened_on DESC, id DESC")};
static const db_stmt STMT_GET = {"holds_get", "SELECT " HOLD_JSON("h") " FROM holds h WHERE h.id = $1"};
static const db_stmt STMT_LOCK = {
    "holds_lock", "SELECT " HOLD_JSON("h") ", h.agency_id FROM holds h WHERE h.id = $1 FOR UPDATE"};
static const db_stmt STMT_SCOPE = {"holds_scope", "SELECT agency_id, NULL::bigint FROM holds WHERE id = $1"};
/* The agency of subject $2 of type $1 when it is of agency $3 (NULL: any). */
static const db_stmt STMT_SUBJECT = {
    "holds_subject",
    "SELECT agency_id FROM staff WHERE $1 = 'staff' AND id = $2 AND ($3::bigint IS NULL OR agency_id = $3)"
    " UNION ALL SELECT agency_id FROM units WHERE $1 = 'unit' AND id = $2 AND ($3::bigint IS NULL OR agency_id = $3)"};
static const db_stmt STMT_INSERT = {
    "holds_insert",
    "INSERT INTO holds (agency_id, subject_type, staff_id, unit_id, reason, opened_on, closed_on)"
    " VALUES ($1, $2, CASE WHEN $2 = 'staff' THEN $3::bigint END, CASE WHEN $2 = 'unit' THEN $3::bigint END, $4, $5, $6)"
    " RETURNING id, " HOLD_JSON("holds")};
static const db_stmt STMT_UPDATE = {
    "holds_update",
    "UPDATE holds SET subject_type = $2, staff_id = CASE WHEN $2 = 'staff' THEN $3::bigint END,"
    " unit_id = CASE WHEN $2 = 'unit' THEN $3::bigint END, reason = $4, opened_on = $5, closed_on = $6"
    " WHERE id = $1 RETURNING " HOLD_JSON("holds")};

/* The rules the field table cannot say: the subject is of agency (NULL:
 * any agency, for the installation admin's create), closed_on not before
 * opened_on. The subject's agency into *subject_agency. 0, or -1 with res
 * filled (422 naming each bad field; 503/500). */
static int check(request *req, response *res, const field_val *v, const char *agency, long long *subject_agency)
{
    const char *p[] = {v[H_TYPE].s, v[H_SUBJECT].s, agency};
    db_result *r = db_run(req->db, &STMT_SUBJECT, 3, p);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    *subject_agency = db_rows(r) ? db_int(r, 0, 0) : 0;
    db_free(r);
    json_t *errors = json_array();
    if (*subject_agency == 0)
        fields_error(errors, "subject_id",
                     strcmp(v[H_TYPE].s, "staff") == 0 ? "Cán bộ không tồn tại." : "Đơn vị không tồn tại.", 0);
    if (!v[H_CLOSED].null && strcmp(v[H_CLOSED].s, v[H_OPENED].s) < 0)
        fields_error(errors, "closed_on", "Ngày kết thúc không được trước ngày bắt đầu.", 0);
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return 0;
    }
    http_problem_errors(res, 422, "Dữ liệu gửi lên có trường không hợp lệ.", errors);
    return -1;
}

static void list(request *req, response *res)
{
    const char *p[] = {api_query(req, Q_AGENCY), api_query(req, Q_TYPE), api_query(req, Q_SUBJECT),
                       api_query(req, Q_OPEN), auth_agency_param(req)};
    api_list(req, res, &STMT_LIST, 5, p, "");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có trường hợp này.");
}

static void create(request *req, response *res)
{
    field_val v[H_COUNT];
    long long agency;
    if (api_body(req, res, hold_fields, v, false) != 0 || check(req, res, v, auth_agency_param(req), &agency) != 0 ||
        api_begin(req, res) != 0)
        return;
    const char *p[] = {api_itoa(req, agency), v[H_TYPE].s, v[H_SUBJECT].s, v[H_REASON].s, v[H_OPENED].s, v[H_CLOSED].s};
    api_write_commit(req, res, &STMT_INSERT, 6, p, "/api/v1/holds/%lld");
}

/* A change keeps the hold in its agency: a new subject is one of it. */
static void change(request *req, response *res)
{
    const char *id = api_itoa(req, req->path_ids[0]);
    if (api_begin(req, res) != 0)
        return;
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, id, "Không có trường hợp này.");
    if (!cur)
        return;
    const char *agency = arena_strdup(req->mem, db_value(cur, 0, 1));
    field_val v[H_COUNT];
    long long subject_agency;
    int bad = api_patch_merge(req, res, hold_fields, db_value(cur, 0, 0), v) != 0 ||
              check(req, res, v, agency, &subject_agency) != 0;
    db_free(cur);
    if (bad) {
        db_rollback(req->db);
        return;
    }
    const char *up[] = {id, v[H_TYPE].s, v[H_SUBJECT].s, v[H_REASON].s, v[H_OPENED].s, v[H_CLOSED].s};
    api_write_commit(req, res, &STMT_UPDATE, 6, up, NULL);
}

/* A hold is of its agency as a whole (the office's to write). */
static const route_scope list_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, NULL, "agency_id"};
static const route_scope hold_scope = {&STMT_SCOPE, "Không có trường hợp này.", false, NULL, SCOPE_NULL_AGENCY, NULL,
                                       NULL};

const route holds_routes[] = {
    {"GET", "/api/v1/holds", list, ACCESS_READ, BODY_NONE, "Các trường hợp tạm dừng xét khen thưởng", NULL, ROUTE_REPLICA_OK,
     list_query, &list_scope},
    {"POST", "/api/v1/holds", create, ACCESS_OFFICE, BODY_JSON,
     "Ghi trường hợp tạm dừng xét khen thưởng (đang xem xét kỷ luật, điều tra, thanh tra, khiếu nại)", hold_fields, 0,
     NULL, NULL},
    {"GET", "/api/v1/holds/{id}", get, ACCESS_READ, BODY_NONE, "Một trường hợp tạm dừng xét khen thưởng", NULL, ROUTE_REPLICA_OK, NULL,
     &hold_scope},
    {"PATCH", "/api/v1/holds/{id}", change, ACCESS_OFFICE, BODY_JSON, "Sửa trường hợp (vd. ghi ngày kết thúc)",
     hold_fields, 0, NULL, &hold_scope},
    {0},
};
