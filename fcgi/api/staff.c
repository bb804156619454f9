/* api/staff.c — the staff of an agency (cán bộ, công chức, viên chức,
 * người lao động): list with accent-free name search and Vietnamese name
 * order, create, change, delete. The office writes every unit; a unit_head
 * writes only staff of its own unit (a move needs both units to be its).
 * The CSV import is in staff_import.c. */
#include "api/resources.h"
#include "api/staff.h"
#include "text.h"

const char *const staff_categories[] = {"cong_chuc", "vien_chuc", "nguoi_lao_dong", NULL};
const char *const staff_leader_levels[] = {"none", "unit", "agency", NULL};

static const field_def staff_fields[] = {
    {"code", FT_CODE, F_REQUIRED, 1, 40, NULL, "Mã cán bộ, duy nhất trong cơ quan"},
    {"full_name", FT_STRING, F_REQUIRED, 1, 200, NULL, "Họ và tên (lưu dạng Unicode NFC)"},
    {"unit_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Đơn vị công tác (cùng cơ quan)"},
    {"category", FT_ENUM, F_REQUIRED, 0, 0, staff_categories,
     "cong_chuc (công chức), vien_chuc (viên chức), nguoi_lao_dong (người lao động)"},
    {"joined_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày vào làm"},
    {"left_on", FT_DATE, F_NULLABLE, 0, 0, NULL, "Ngày nghỉ (null nếu còn công tác); không trước joined_on"},
    {"leader_level", FT_ENUM, 0, 0, 0, staff_leader_levels,
     "none (người lao động trực tiếp, mặc định), unit (lãnh đạo phòng/đơn vị), agency (lãnh đạo Sở)"},
    {0},
};
enum { S_CODE, S_NAME, S_UNIT, S_CATEGORY, S_JOINED, S_LEFT, S_LEADER, S_COUNT };

#define STAFF_JSON(s) \
    "json_build_object('id', " s ".id, 'code', " s ".code, 'full_name', " s ".full_name, 'unit_id', " s ".unit_id," \
    " 'agency_id', " s ".agency_id, 'category', " s ".category, 'joined_on', " s ".joined_on, 'left_on', " s ".left_on," \
    " 'leader_level', " s ".leader_level)"

/* One list statement per sort order, so that the default order can walk
 * staff_sort_idx. $3 agency, $4 unit, $5 name search, $6 active on, $7
 * the user's agency (auth_agency_param). */
#define STAFF_LIST(name, order) \
    {name, \
     API_LIST_SQL("SELECT * FROM staff WHERE ($3::bigint IS NULL OR agency_id = $3)" \
                  " AND ($4::bigint IS NULL OR unit_id = $4)" \
                  " AND ($5::text IS NULL OR name_folded LIKE '%' || replace(replace(replace(" \
                  "      regexp_replace(btrim(thidua_fold($5)), '\\s+', ' ', 'g'), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')" \
                  " AND ($6::date IS NULL OR (joined_on <= $6 AND (left_on IS NULL OR left_on > $6)))" \
                  " AND ($7::bigint IS NULL OR agency_id = $7)", \
                  STAFF_JSON("p"), order)}

static const char *const staff_sort_keys[] = {"name", "code", "-code", "full_name", "-full_name", "joined_on",
                                              "-joined_on", NULL};

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"agency_id", FT_ID, 0, 0, 0, NULL, "Chỉ cán bộ của cơ quan này"},
    {"unit_id", FT_ID, 0, 0, 0, NULL, "Chỉ cán bộ của đơn vị này (không gồm đơn vị cấp dưới)"},
    {"q", FT_STRING, 0, 0, 200, NULL, "Tìm theo họ tên, không phân biệt dấu (\"nguyen\" tìm được \"Nguyễn\")"},
    {"active_on", FT_DATE, 0, 0, 0, NULL, "Chỉ những người đang công tác vào ngày này"},
    {"sort", FT_ENUM, 0, 0, 0, staff_sort_keys,
     "Thứ tự; mặc định name: theo tên rồi họ đệm, thứ tự tiếng Việt; '-' là giảm dần"},
    {0},
};
enum { Q_AGENCY = API_Q_FIRST, Q_UNIT, Q_Q, Q_ACTIVE, Q_SORT };
#define VI_NAME_ORDER "given_name COLLATE vi, full_name COLLATE vi, id"
static const db_stmt STMT_LIST[] = {
    STAFF_LIST("staff_list_name", VI_NAME_ORDER),
    STAFF_LIST("staff_list_code", "code, id"),
    STAFF_LIST("staff_list_code_desc", "code DESC, id DESC"),
    STAFF_LIST("staff_list_full_name", "full_name COLLATE vi, id"),
    STAFF_LIST("staff_list_full_name_desc", "full_name COLLATE vi DESC, id DESC"),
    STAFF_LIST("staff_list_joined", "joined_on, " VI_NAME_ORDER),
    STAFF_LIST("staff_list_joined_desc", "joined_on DESC, " VI_NAME_ORDER),
};
static const db_stmt STMT_GET = {"staff_get", "SELECT " STAFF_JSON("s") " FROM staff s WHERE s.id = $1"};
static const db_stmt STMT_LOCK = {"staff_lock", "SELECT " STAFF_JSON("s") " FROM staff s WHERE s.id = $1 FOR UPDATE"};
static const db_stmt STMT_SCOPE = {"staff_scope", "SELECT agency_id, unit_id FROM staff WHERE id = $1"};
static const db_stmt STMT_INSERT = {
    "staff_insert",
    "INSERT INTO staff (agency_id, code, full_name, unit_id, category, joined_on, left_on, leader_level)"
    " VALUES (0, $1, $2, $3, $4, $5, $6, coalesce($7, 'none')) RETURNING id, " STAFF_JSON("staff")};
static const db_stmt STMT_UPDATE = {
    "staff_update",
    "UPDATE staff SET code = $2, full_name = $3, unit_id = $4, category = $5, joined_on = $6, left_on = $7,"
    " leader_level = coalesce($8, 'none') WHERE id = $1 RETURNING " STAFF_JSON("staff")};
static const db_stmt STMT_DELETE = {"staff_delete", "DELETE FROM staff WHERE id = $1"};

const char *staff_dates_error(const char *joined_on, const char *left_on)
{
    if (joined_on && left_on && strcmp(left_on, joined_on) < 0)
        return "Ngày nghỉ không được trước ngày vào làm.";
    return NULL;
}

static void list(request *req, response *res)
{
    const char *sort = api_query(req, Q_SORT);
    size_t order = 0;
    while (sort && strcmp(staff_sort_keys[order], sort) != 0)
        order++;
    const char *p[] = {api_query(req, Q_AGENCY), api_query(req, Q_UNIT), api_query(req, Q_Q), api_query(req, Q_ACTIVE),
                       auth_agency_param(req)};
    api_list(req, res, &STMT_LIST[order], 5, p, "");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có cán bộ này.");
}

static int check_dates(response *res, const field_val *v)
{
    const char *msg = staff_dates_error(v[S_JOINED].s, v[S_LEFT].s);
    if (msg)
        http_field_error(res, 422, "left_on", msg);
    return msg ? -1 : 0;
}

static void create(request *req, response *res)
{
    field_val v[S_COUNT];
    if (api_body(req, res, staff_fields, v, false) != 0 || check_dates(res, v) != 0 || api_begin(req, res) != 0)
        return;
    const char *p[] = {v[S_CODE].s, v[S_NAME].s, v[S_UNIT].s, v[S_CATEGORY].s, v[S_JOINED].s, v[S_LEFT].s,
                       v[S_LEADER].s};
    api_write_commit(req, res, &STMT_INSERT, 7, p, "/api/v1/staff/%lld");
}

/* Locks the staff row of the path in an open transaction. The row's JSON
 * (arena), or NULL with res filled and the transaction rolled back. */
static const char *lock_row(request *req, response *res)
{
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, api_itoa(req, req->path_ids[0]), "Không có cán bộ này.");
    const char *json = cur ? arena_strdup(req->mem, db_value(cur, 0, 0)) : NULL;
    db_free(cur);
    return json;
}

static void change(request *req, response *res)
{
    if (api_begin(req, res) != 0)
        return;
    const char *current = lock_row(req, res);
    if (!current)
        return;
    field_val v[S_COUNT];
    if (api_patch_merge(req, res, staff_fields, current, v) != 0 || check_dates(res, v) != 0) {
        db_rollback(req->db);
        return;
    }
    const char *p[] = {api_itoa(req, req->path_ids[0]), v[S_CODE].s, v[S_NAME].s, v[S_UNIT].s,
                       v[S_CATEGORY].s, v[S_JOINED].s, v[S_LEFT].s, v[S_LEADER].s};
    api_write_commit(req, res, &STMT_UPDATE, 8, p, NULL);
}

static void destroy(request *req, response *res)
{
    if (api_begin(req, res) != 0 || !lock_row(req, res))
        return;
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    db_result *r = db_run(req->db, &STMT_DELETE, 1, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    db_free(r);
    if (api_commit(req, res) == 0)
        http_empty(res, 204);
}

/* A new member goes into a unit; a change or a delete touches the
 * member's current unit and, for a move, the new one. */
static const route_scope create_scope = {NULL, NULL, false, "unit_id", SCOPE_NULL_AGENCY, NULL, NULL};
static const route_scope member_scope = {&STMT_SCOPE, "Không có cán bộ này.", false, "unit_id", SCOPE_NULL_AGENCY, NULL,
                                         NULL};
static const route_scope list_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, NULL, "agency_id"};

const route staff_routes[] = {
    {"GET", "/api/v1/staff", list, ACCESS_READ, BODY_NONE, "Danh sách cán bộ", NULL, ROUTE_REPLICA_OK, list_query, &list_scope},
    {"POST", "/api/v1/staff", create, ACCESS_DATA, BODY_JSON, "Thêm cán bộ (trưởng đơn vị: chỉ đơn vị mình)",
     staff_fields, 0, NULL, &create_scope},
    {"GET", "/api/v1/staff/{id}", get, ACCESS_READ, BODY_NONE, "Một cán bộ", NULL, ROUTE_REPLICA_OK, NULL, &member_scope},
    {"PATCH", "/api/v1/staff/{id}", change, ACCESS_DATA, BODY_JSON,
     "Sửa cán bộ (trưởng đơn vị: chỉ cán bộ đơn vị mình, chuyển đến đơn vị mình)", staff_fields, 0, NULL,
     &member_scope},
    {"DELETE", "/api/v1/staff/{id}", destroy, ACCESS_DATA, BODY_NONE,
     "Xóa cán bộ (khi không còn dữ liệu tham chiếu; người nghỉ việc thì ghi left_on)", NULL, 0, NULL, &member_scope},
    {0},
};
