/* api/units.c — the unit tree of an agency: the agency root, its divisions
 * and affiliated units, the Party committee and the unions.
 * Creating or deleting units is the office's; a unit_head may change its
 * own unit; an agency root (a unit with no parent) is above every agency,
 * so creating, changing or deleting one is the admin's (route scope). */
#include "api/resources.h"

static const char *const unit_kinds[] = {"agency", "division", "affiliated", "party", "union", NULL};

static const field_def unit_fields[] = {
    {"code", FT_CODE, F_REQUIRED, 1, 40, NULL, "Mã đơn vị, duy nhất trong cơ quan"},
    {"name", FT_STRING, F_REQUIRED, 1, 200, NULL, "Tên đơn vị"},
    {"kind", FT_ENUM, F_REQUIRED, 0, 0, unit_kinds, "agency, division (thuộc), affiliated (trực thuộc), party, union"},
    {"parent_id", FT_ID, F_NULLABLE, 0, 0, NULL, "Đơn vị cha; null chỉ với agency"},
    {"dissolved_on", FT_DATE, F_NULLABLE, 0, 0, NULL, "Ngày giải thể, null nếu còn hoạt động"},
    {"parent_body", FT_STRING, F_NULLABLE, 1, 200, NULL,
     "Cơ quan cấp trên in trên tiêu đề văn bản (vd. UBND TỈNH SÓC TRĂNG); chỉ với agency"},
    {"place", FT_STRING, F_NULLABLE, 1, 100, NULL, "Địa danh ghi trước ngày của văn bản (vd. Sóc Trăng); chỉ với agency"},
    {0},
};
enum { U_CODE, U_NAME, U_KIND, U_PARENT, U_DISSOLVED, U_PARENT_BODY, U_PLACE, U_COUNT };

#define UNIT_JSON(u) \
    "json_build_object('id', " u ".id, 'code', " u ".code, 'name', " u ".name, 'kind', " u ".kind," \
    " 'parent_id', " u ".parent_id, 'agency_id', " u ".agency_id, 'dissolved_on', " u ".dissolved_on," \
    " 'parent_body', " u ".parent_body, 'place', " u ".place)"

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"agency_id", FT_ID, 0, 0, 0, NULL, "Chỉ các đơn vị của cơ quan này"},
    {"kind", FT_ENUM, 0, 0, 0, unit_kinds, "Chỉ các đơn vị loại này"},
    {"parent_id", FT_ID, 0, 0, 0, NULL, "Chỉ các đơn vị trực tiếp dưới đơn vị này"},
    {0},
};
enum { Q_AGENCY = API_Q_FIRST, Q_KIND, Q_PARENT };

static const db_stmt STMT_LIST = {
    "units_list",
    API_LIST_SQL("SELECT * FROM units WHERE ($3::bigint IS NULL OR agency_id = $3)"
                 " AND ($4::text IS NULL OR kind = $4) AND ($5::bigint IS NULL OR parent_id = $5)"
                 " AND ($6::bigint IS NULL OR agency_id = $6)",
                 UNIT_JSON("p"), "agency_id, parent_id NULLS FIRST, name COLLATE vi, id")};
/* The scope of a unit: its agency, itself (an agency root: the agency as a
 * whole), and whether it is a root. */
static const db_stmt STMT_SCOPE = {
    "units_scope", "SELECT agency_id, CASE WHEN kind <> 'agency' THEN id END, kind = 'agency' FROM units WHERE id = $1"};
static const db_stmt STMT_GET = {"units_get", "SELECT " UNIT_JSON("u") " FROM units u WHERE u.id = $1"};
static const db_stmt STMT_LOCK = {"units_lock", "SELECT " UNIT_JSON("u") " FROM units u WHERE u.id = $1 FOR UPDATE"};
static const db_stmt STMT_INSERT = {
    "units_insert",
    "INSERT INTO units (agency_id, code, name, kind, parent_id, dissolved_on, parent_body, place)"
    " VALUES (0, $1, $2, $3, $4, $5, $6, $7)"
    " RETURNING id, " UNIT_JSON("units")};
static const db_stmt STMT_UPDATE = {
    "units_update",
    "UPDATE units SET code = $2, name = $3, kind = $4, parent_id = $5, dissolved_on = $6,"
    " parent_body = $7, place = $8 WHERE id = $1"
    " RETURNING " UNIT_JSON("units")};
static const db_stmt STMT_DELETE = {"units_delete", "DELETE FROM units WHERE id = $1"};

static void list(request *req, response *res)
{
    const char *p[] = {api_query(req, Q_AGENCY), api_query(req, Q_KIND), api_query(req, Q_PARENT),
                       auth_agency_param(req)};
    api_list(req, res, &STMT_LIST, 4, p, "");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có đơn vị này.");
}

/* The tree rules a field table cannot say. 0, or -1 with a 422. */
static int check_shape(response *res, const field_val *v)
{
    bool agency = strcmp(v[U_KIND].s, "agency") == 0;
    if (agency && !v[U_PARENT].null) {
        http_field_error(res, 422, "parent_id", "Cơ quan (agency) là gốc: không có đơn vị cha.");
        return -1;
    }
    if (!agency && v[U_PARENT].null) {
        http_field_error(res, 422, "parent_id", "là bắt buộc với đơn vị không phải cơ quan gốc");
        return -1;
    }
    /* What a document prints above the agency's name and before its date
     * is the agency's (report_render.c reads the root's). */
    if (!agency && (!v[U_PARENT_BODY].null || !v[U_PLACE].null)) {
        http_field_error(res, 422, !v[U_PARENT_BODY].null ? "parent_body" : "place",
                         "Chỉ cơ quan gốc (agency) có cơ quan cấp trên và địa danh trên văn bản.");
        return -1;
    }
    return 0;
}

/* Someone confined to one unit (a unit_head, auth_confined_unit) may
 * rename it and change nothing else of it (api.md, "Agencies"). 0, or -1
 * with a 403 naming the first field changed. */
static int check_confined_change(request *req, response *res, const field_val *was, const field_val *now)
{
    if (!auth_confined_unit(req->user))
        return 0;
    for (int i = 0; i < U_COUNT; i++) {
        bool same = was[i].null == now[i].null && (was[i].null || strcmp(was[i].s, now[i].s) == 0);
        if (i != U_NAME && !same) {
            http_field_error(res, 403, unit_fields[i].name, "Trưởng đơn vị chỉ được đổi tên đơn vị mình.");
            return -1;
        }
    }
    return 0;
}

static void create(request *req, response *res)
{
    field_val v[U_COUNT];
    if (api_body(req, res, unit_fields, v, false) != 0 || check_shape(res, v) != 0)
        return;
    if (api_begin(req, res) != 0)
        return;
    const char *p[] = {v[U_CODE].s,      v[U_NAME].s,        v[U_KIND].s, v[U_PARENT].s,
                       v[U_DISSOLVED].s, v[U_PARENT_BODY].s, v[U_PLACE].s};
    api_write_commit(req, res, &STMT_INSERT, 7, p, "/api/v1/units/%lld");
}

static void change(request *req, response *res)
{
    const char *id = api_itoa(req, req->path_ids[0]);
    if (api_begin(req, res) != 0)
        return;
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, id, "Không có đơn vị này.");
    if (!cur)
        return;
    field_val v[U_COUNT], was[U_COUNT];
    int bad = api_body_of(req, res, unit_fields, db_value(cur, 0, 0), was) != 0 ||
              api_patch_merge(req, res, unit_fields, db_value(cur, 0, 0), v) != 0;
    db_free(cur);
    if (bad || check_shape(res, v) != 0 || check_confined_change(req, res, was, v) != 0) {
        db_rollback(req->db);
        return;
    }
    const char *up[] = {id,           v[U_CODE].s,      v[U_NAME].s,        v[U_KIND].s,
                        v[U_PARENT].s, v[U_DISSOLVED].s, v[U_PARENT_BODY].s, v[U_PLACE].s};
    api_write_commit(req, res, &STMT_UPDATE, 8, up, NULL);
}

static void destroy(request *req, response *res)
{
    if (api_begin(req, res) != 0)
        return;
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    db_result *r = db_run(req->db, &STMT_DELETE, 1, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    long long n = db_affected(r);
    db_free(r);
    if (n == 0) {
        db_rollback(req->db);
        http_problem(res, 404, "Không có đơn vị này.");
        return;
    }
    if (api_commit(req, res) == 0)
        http_empty(res, 204);
}

/* A new unit goes under its parent; no parent makes an agency root. */
static const route_scope create_scope = {NULL, NULL, false, "parent_id", SCOPE_NULL_INSTALLATION, NULL, NULL};
/* The unit itself, and the parent it may be moved under. */
static const route_scope unit_scope = {&STMT_SCOPE, "Không có đơn vị này.", false, "parent_id", SCOPE_NULL_INSTALLATION,
                                       NULL, NULL};
static const route_scope list_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, NULL, "agency_id"};

const route units_routes[] = {
    {"GET", "/api/v1/units", list, ACCESS_READ, BODY_NONE, "Danh sách đơn vị", NULL, ROUTE_REPLICA_OK, list_query, &list_scope},
    {"POST", "/api/v1/units", create, ACCESS_OFFICE, BODY_JSON, "Tạo đơn vị (cơ quan gốc: chỉ quản trị viên)",
     unit_fields, 0, NULL, &create_scope},
    {"GET", "/api/v1/units/{id}", get, ACCESS_READ, BODY_NONE, "Một đơn vị", NULL, ROUTE_REPLICA_OK, NULL, &unit_scope},
    {"PATCH", "/api/v1/units/{id}", change, ACCESS_DATA, BODY_JSON, "Sửa đơn vị (trưởng đơn vị: chỉ đơn vị mình)",
     unit_fields, 0, NULL, &unit_scope},
    {"DELETE", "/api/v1/units/{id}", destroy, ACCESS_OFFICE, BODY_NONE, "Xóa đơn vị (khi không còn dữ liệu tham chiếu)",
     NULL, 0, NULL, &unit_scope},
    {0},
};
