/* api/staff.c — the staff of an agency (cán bộ, công chức, viên chức,
 * người lao động): list with accent-free name search and Vietnamese name
 * order, create, change, delete. The office writes every unit; a unit_head
 * writes only staff of its own unit (a move needs both units to be its).
 * The CSV import is in staff_import.c. */
#include "api/resources.h"
#include "api/staff.h"
#include "text.h"

const char *const staff_categories[] = {"cong_chuc", "vien_chuc", "nguoi_lao_dong", NULL};

static const field_def staff_fields[] = {
    {"code", FT_CODE, F_REQUIRED, 1, 40, NULL, "Mã cán bộ, duy nhất trong cơ quan"},
    {"full_name", FT_STRING, F_REQUIRED, 1, 200, NULL, "Họ và tên (lưu dạng Unicode NFC)"},
    {"unit_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Đơn vị công tác (cùng cơ quan)"},
    {"category", FT_ENUM, F_REQUIRED, 0, 0, staff_categories,
     "cong_chuc (công chức), vien_chuc (viên chức), nguoi_lao_dong (người lao động)"},
    {"joined_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày vào làm"},
    {"left_on", FT_DATE, F_NULLABLE, 0, 0, NULL, "Ngày nghỉ (null nếu còn công tác); không trước joined_on"},
    {0},
};
enum { S_CODE, S_NAME, S_UNIT, S_CATEGORY, S_JOINED, S_LEFT, S_COUNT };

#define STAFF_JSON(s) \
    "json_build_object('id', " s ".id, 'code', " s ".code, 'full_name', " s ".full_name, 'unit_id', " s ".unit_id," \
    " 'agency_id', " s ".agency_id, 'category', " s ".category, 'joined_on', " s ".joined_on, 'left_on', " s ".left_on)"

/* One list statement per sort order, so that the default order can walk
 * staff_sort_idx. $3 agency, $4 unit, $5 name search, $6 active on. */
#define STAFF_LIST(name, order) \
    {name, \
     "WITH f AS (SELECT * FROM staff WHERE ($3::bigint IS NULL OR agency_id = $3)" \
     "   AND ($4::bigint IS NULL OR unit_id = $4)" \
     "   AND ($5::text IS NULL OR name_folded LIKE '%' || replace(replace(replace(" \
     "        regexp_replace(btrim(thidua_fold($5)), '\\s+', ' ', 'g'), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')" \
     "   AND ($6::date IS NULL OR (joined_on <= $6 AND (left_on IS NULL OR left_on > $6))))" \
     " SELECT json_build_object('items', coalesce((SELECT json_agg(" STAFF_JSON("p") " ORDER BY " order ")" \
     "   FROM (SELECT * FROM f ORDER BY " order " LIMIT $1 OFFSET $2) p), '[]'::json)," \
     "   'total', (SELECT count(*) FROM f), 'limit', $1::int, 'offset', $2::bigint)"}

static const char *const staff_sort_keys[] = {"name", "code", "-code", "full_name", "-full_name", "joined_on",
                                              "-joined_on", NULL};
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
static const db_stmt STMT_LOCK = {
    "staff_lock", "SELECT " STAFF_JSON("s") ", s.unit_id FROM staff s WHERE s.id = $1 FOR UPDATE"};
static const db_stmt STMT_INSERT = {
    "staff_insert",
    "INSERT INTO staff (agency_id, code, full_name, unit_id, category, joined_on, left_on)"
    " VALUES (0, $1, $2, $3, $4, $5, $6) RETURNING id, " STAFF_JSON("staff")};
static const db_stmt STMT_UPDATE = {
    "staff_update",
    "UPDATE staff SET code = $2, full_name = $3, unit_id = $4, category = $5, joined_on = $6, left_on = $7"
    " WHERE id = $1 RETURNING " STAFF_JSON("staff")};
static const db_stmt STMT_DELETE = {"staff_delete", "DELETE FROM staff WHERE id = $1"};

const char *staff_dates_error(const char *joined_on, const char *left_on)
{
    if (joined_on && left_on && strcmp(left_on, joined_on) < 0)
        return "Ngày nghỉ không được trước ngày vào làm.";
    return NULL;
}

static void list(request *req, response *res)
{
    const char *limit, *offset, *agency, *unit, *active, *sort;
    if (api_page(req, res, &limit, &offset) != 0 || api_query_id(req, res, "agency_id", &agency) != 0 ||
        api_query_id(req, res, "unit_id", &unit) != 0 || api_query_date(req, res, "active_on", &active) != 0 ||
        api_query_enum(req, res, "sort", staff_sort_keys, &sort) != 0)
        return;
    const char *q = http_query(req, "q");
    if (q && (!text_valid_utf8(q, strlen(q)) || text_length(q) > 200)) {
        http_field_error(res, 400, "q", "q phải là văn bản UTF-8 không quá 200 ký tự");
        return;
    }
    size_t order = 0;
    while (sort && strcmp(staff_sort_keys[order], sort) != 0)
        order++;
    const char *p[] = {limit, offset, agency, unit, q, active};
    api_json_row(req, res, &STMT_LIST[order], 6, p, 200, "");
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
    if (api_body(req, res, staff_fields, v, false) != 0 || check_dates(res, v) != 0 ||
        auth_unit_scope(req, res, v[S_UNIT].i) != 0 || api_begin(req, res) != 0)
        return;
    const char *p[] = {v[S_CODE].s, v[S_NAME].s, v[S_UNIT].s, v[S_CATEGORY].s, v[S_JOINED].s, v[S_LEFT].s};
    api_write_commit(req, res, &STMT_INSERT, 6, p, "/api/v1/staff/%lld");
}

/* Locks the staff row of the path in an open transaction and checks the
 * user may write its current unit. The row's JSON (arena), or NULL with
 * res filled and the transaction rolled back. */
static const char *lock_own(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    db_result *cur = db_run(req->db, &STMT_LOCK, 1, p);
    if (!cur) {
        api_db_error(req, res);
        return NULL;
    }
    const char *json = NULL;
    if (db_rows(cur) == 0)
        http_problem(res, 404, "Không có cán bộ này.");
    else if (auth_unit_scope(req, res, db_int(cur, 0, 1)) == 0)
        json = arena_strdup(req->mem, db_value(cur, 0, 0));
    db_free(cur);
    if (!json)
        db_rollback(req->db);
    return json;
}

static void change(request *req, response *res)
{
    if (api_begin(req, res) != 0)
        return;
    const char *current = lock_own(req, res);
    if (!current)
        return;
    field_val v[S_COUNT];
    if (api_patch_merge(req, res, staff_fields, current, v) != 0 || check_dates(res, v) != 0 ||
        auth_unit_scope(req, res, v[S_UNIT].i) != 0) {
        db_rollback(req->db);
        return;
    }
    const char *p[] = {api_itoa(req, req->path_ids[0]), v[S_CODE].s, v[S_NAME].s, v[S_UNIT].s,
                       v[S_CATEGORY].s, v[S_JOINED].s, v[S_LEFT].s};
    api_write_commit(req, res, &STMT_UPDATE, 7, p, NULL);
}

static void destroy(request *req, response *res)
{
    if (api_begin(req, res) != 0 || !lock_own(req, res))
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

const route staff_routes[] = {
    {"GET", "/api/v1/staff", list, ACCESS_READ, BODY_NONE,
     "Danh sách cán bộ (?agency_id=&unit_id=&q= tìm tên không dấu&active_on=YYYY-MM-DD&sort=name|code|-code|"
     "full_name|-full_name|joined_on|-joined_on; mặc định theo tên rồi họ đệm, thứ tự tiếng Việt)",
     NULL, 0},
    {"POST", "/api/v1/staff", create, ACCESS_DATA, BODY_JSON, "Thêm cán bộ (trưởng đơn vị: chỉ đơn vị mình)",
     staff_fields, 0},
    {"GET", "/api/v1/staff/{id}", get, ACCESS_READ, BODY_NONE, "Một cán bộ", NULL, 0},
    {"PATCH", "/api/v1/staff/{id}", change, ACCESS_DATA, BODY_JSON,
     "Sửa cán bộ (trưởng đơn vị: chỉ cán bộ đơn vị mình, chuyển đến đơn vị mình)", staff_fields, 0},
    {"DELETE", "/api/v1/staff/{id}", destroy, ACCESS_DATA, BODY_NONE,
     "Xóa cán bộ (khi không còn dữ liệu tham chiếu; người nghỉ việc thì ghi left_on)", NULL, 0},
    {0},
};
