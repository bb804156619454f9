/* api/campaigns.c — an agency's emulation campaign (phong trào thi đua)
 * of one year: S starts_on, E ends_on, C closes_on (the last day a
 * decision about it can be taken; defaults to E, never before E), and
 * registration_closes_on (the last day of đăng ký thi đua; defaults to
 * S + 60 days, never before S; a default one moves with S on PATCH). Dates may change while the facts already
 * recorded still fit them (a registration dated after a new
 * registration_closes_on is such a fact). Office and admin write. Targets
 * are in targets.c. */
#include "api/campaign_scope.h"
#include "api/resources.h"
#include "scorecard.h"

static const field_def campaign_fields[] = {
    {"agency_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Cơ quan (đơn vị loại agency)"},
    {"year", FT_INT, F_REQUIRED, 2000, 2100, NULL, "Năm thi đua"},
    {"code", FT_CODE, F_REQUIRED, 1, 40, NULL, "Mã phong trào, duy nhất trong cơ quan"},
    {"name", FT_STRING, F_REQUIRED, 1, 300, NULL, "Tên phong trào"},
    {"theme", FT_TEXT, F_NULLABLE, 0, 2000, NULL, "Chủ đề"},
    {"plan_number", FT_STRING, F_NULLABLE, 0, 100, NULL, "Số kế hoạch (ví dụ 12/KH-SNV)"},
    {"starts_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày bắt đầu"},
    {"ends_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày kết thúc (không trước starts_on)"},
    {"closes_on", FT_DATE, F_NULLABLE, 0, 0, NULL,
     "Ngày khóa sổ: ngày cuối còn ra quyết định (xếp loại, danh hiệu); null hoặc không gửi = ends_on; không trước ends_on"},
    {"registration_closes_on", FT_DATE, F_NULLABLE, 0, 0, NULL,
     "Hạn đăng ký thi đua: ngày cuối nhận đăng ký; null hoặc không gửi khi tạo = starts_on + 60 ngày; không trước starts_on"},
    {0},
};
enum { C_AGENCY, C_YEAR, C_CODE, C_NAME, C_THEME, C_PLAN, C_STARTS, C_ENDS, C_CLOSES, C_REG_CLOSES, C_COUNT };

#define CAMPAIGN_JSON(c) \
    "json_build_object('id', " c ".id, 'agency_id', " c ".agency_id, 'year', " c ".year, 'code', " c ".code," \
    " 'name', " c ".name, 'theme', " c ".theme, 'plan_number', " c ".plan_number, 'starts_on', " c ".starts_on," \
    " 'ends_on', " c ".ends_on, 'closes_on', " c ".closes_on, 'registration_closes_on', " c ".registration_closes_on)"

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"agency_id", FT_ID, 0, 0, 0, NULL, "Chỉ phong trào của cơ quan này"},
    {"year", FT_INT, 0, 2000, 2100, NULL, "Chỉ phong trào của năm này"},
    {0},
};
enum { Q_AGENCY = API_Q_FIRST, Q_YEAR };

static const db_stmt STMT_LIST = {
    "campaigns_list",
    API_LIST_SQL("SELECT * FROM campaigns WHERE ($3::bigint IS NULL OR agency_id = $3) AND ($4::int IS NULL OR year = $4)"
                 " AND ($5::bigint IS NULL OR agency_id = $5)",
                 CAMPAIGN_JSON("p"), "agency_id, year DESC, starts_on DESC, id")};
static const db_stmt STMT_GET = {"campaigns_get", "SELECT " CAMPAIGN_JSON("c") " FROM campaigns c WHERE c.id = $1"};
static const db_stmt STMT_AGENCY = {"campaigns_agency", "SELECT 1 FROM units WHERE id = $1 AND kind = 'agency'"};
static const db_stmt STMT_LOCK = {
    "campaigns_lock", "SELECT " CAMPAIGN_JSON("c") ", c.agency_id FROM campaigns c WHERE c.id = $1 FOR UPDATE"};
/* The span of what is recorded for the campaign: the earliest dated fact,
 * the latest task due date, the latest session or decision, the latest
 * registration. */
static const db_stmt STMT_SPAN = {
    "campaigns_span",
    "SELECT least((SELECT min(held_on) FROM study_sessions WHERE campaign_id = $1),"
    "   (SELECT min(due_on) FROM tasks WHERE campaign_id = $1),"
    "   (SELECT min(decided_on) FROM ratings WHERE campaign_id = $1),"
    "   (SELECT min(decided_on) FROM titles WHERE campaign_id = $1),"
    "   (SELECT min(decided_on) FROM certifications WHERE campaign_id = $1)),"
    " (SELECT max(due_on) FROM tasks WHERE campaign_id = $1),"
    " greatest((SELECT max(held_on) FROM study_sessions WHERE campaign_id = $1),"
    "   (SELECT max(decided_on) FROM ratings WHERE campaign_id = $1),"
    "   (SELECT max(decided_on) FROM titles WHERE campaign_id = $1),"
    "   (SELECT max(decided_on) FROM certifications WHERE campaign_id = $1)),"
    " (SELECT max(registered_on) FROM registrations WHERE campaign_id = $1)"};
static const db_stmt STMT_INSERT = {
    "campaigns_insert",
    "INSERT INTO campaigns (agency_id, year, code, name, theme, plan_number, starts_on, ends_on, closes_on,"
    " registration_closes_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, " CAMPAIGN_JSON("campaigns")};
static const db_stmt STMT_UPDATE = {
    "campaigns_update",
    "UPDATE campaigns SET year = $2, code = $3, name = $4, theme = $5, plan_number = $6, starts_on = $7,"
    " ends_on = $8, closes_on = $9, registration_closes_on = $10 WHERE id = $1 RETURNING " CAMPAIGN_JSON("campaigns")};

static void list(request *req, response *res)
{
    const char *p[] = {api_query(req, Q_AGENCY), api_query(req, Q_YEAR), auth_agency_param(req)};
    api_list(req, res, &STMT_LIST, 3, p, "");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có phong trào này.");
}

/* The date rules; a null closes_on becomes ends_on, a null
 * registration_closes_on starts_on + 60 days (as the trigger of migration
 * 0014 does for every writer). 0, or -1 with a 422 naming every date that
 * breaks them. */
static int check_dates(request *req, response *res, field_val *v)
{
    if (v[C_CLOSES].null) {
        v[C_CLOSES].s = v[C_ENDS].s;
        v[C_CLOSES].null = false;
    }
    if (v[C_REG_CLOSES].null) {
        long days = 0, y = 0, m = 0, d = 0;
        if (sc_date_parse(v[C_STARTS].s, &days) == 0) {
            sc_civil_from_days(days + 60, &y, &m, &d);
            v[C_REG_CLOSES].s = arena_printf(req->mem, "%04ld-%02ld-%02ld", y, m, d);
            v[C_REG_CLOSES].null = false;
        }
    }
    json_t *errors = json_array();
    if (strcmp(v[C_ENDS].s, v[C_STARTS].s) < 0)
        fields_error(errors, "ends_on", "Ngày kết thúc không được trước ngày bắt đầu.", 0);
    if (strcmp(v[C_CLOSES].s, v[C_ENDS].s) < 0)
        fields_error(errors, "closes_on", "Ngày khóa sổ không được trước ngày kết thúc.", 0);
    if (v[C_REG_CLOSES].s && strcmp(v[C_REG_CLOSES].s, v[C_STARTS].s) < 0)
        fields_error(errors, "registration_closes_on", "Hạn đăng ký thi đua không được trước ngày bắt đầu.", 0);
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return 0;
    }
    http_problem_errors(res, 422, "Các ngày của phong trào không hợp lệ.", errors);
    return -1;
}

/* agency_id must be a unit of kind agency. 0, or -1 with res filled. */
static int check_agency(request *req, response *res, const char *agency)
{
    const char *p[] = {agency};
    db_result *r = db_run(req->db, &STMT_AGENCY, 1, p);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    int found = db_rows(r);
    db_free(r);
    if (!found)
        http_field_error(res, 422, "agency_id", "Không có cơ quan (đơn vị loại agency) này.");
    return found ? 0 : -1;
}

/* New dates must still hold what is recorded: sessions and decisions from
 * starts_on to closes_on, tasks due from starts_on to ends_on. 0, or -1
 * with res filled. */
static int check_recorded(request *req, response *res, const field_val *v)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    db_result *r = db_run(req->db, &STMT_SPAN, 1, p);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    const char *first = db_value(r, 0, 0), *last_due = db_value(r, 0, 1), *last = db_value(r, 0, 2);
    const char *last_reg = db_value(r, 0, 3);
    json_t *errors = json_array();
    if (first && strcmp(v[C_STARTS].s, first) > 0)
        fields_error(errors, "starts_on", arena_printf(req->mem, "phong trào đã có dữ liệu ngày %s, trước ngày này", first), 0);
    if (last_due && strcmp(v[C_ENDS].s, last_due) < 0)
        fields_error(errors, "ends_on", arena_printf(req->mem, "phong trào có nhiệm vụ hạn %s, sau ngày này", last_due), 0);
    if (last && strcmp(v[C_CLOSES].s, last) < 0)
        fields_error(errors, "closes_on", arena_printf(req->mem, "phong trào đã có buổi học hoặc quyết định ngày %s, sau ngày này", last), 0);
    if (last_reg && strcmp(v[C_REG_CLOSES].s, last_reg) < 0)
        fields_error(errors, "registration_closes_on",
                     arena_printf(req->mem, "phong trào đã có đăng ký thi đua ngày %s, sau ngày này", last_reg), 0);
    db_free(r);
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return 0;
    }
    http_problem_errors(res, 422, "Không đổi được ngày: dữ liệu đã ghi của phong trào nằm ngoài khoảng mới.", errors);
    return -1;
}

static void create(request *req, response *res)
{
    field_val v[C_COUNT];
    if (api_body(req, res, campaign_fields, v, false) != 0 || check_dates(req, res, v) != 0 ||
        check_agency(req, res, v[C_AGENCY].s) != 0 || api_begin(req, res) != 0)
        return;
    const char *p[] = {v[C_AGENCY].s, v[C_YEAR].s, v[C_CODE].s, v[C_NAME].s, v[C_THEME].s,
                       v[C_PLAN].s, v[C_STARTS].s, v[C_ENDS].s, v[C_CLOSES].s, v[C_REG_CLOSES].s};
    api_write_commit(req, res, &STMT_INSERT, 10, p, "/api/v1/campaigns/%lld");
}

/* Does registration_closes_on follow starts_on in this PATCH? It does
 * when the body moves starts_on without naming registration_closes_on and
 * the stored one is the default (the stored starts_on + 60 days): a
 * default stays a default. current: the stored row (CAMPAIGN_JSON). */
static bool close_follows_start(request *req, const char *current)
{
    if (!json_object_get(req->json, "starts_on") || json_object_get(req->json, "registration_closes_on"))
        return false;
    json_t *c = json_loads(current, 0, NULL);
    const char *starts = json_string_value(json_object_get(c, "starts_on"));
    const char *closes = json_string_value(json_object_get(c, "registration_closes_on"));
    long s = 0, r = 0;
    bool follows = starts && closes && sc_date_parse(starts, &s) == 0 && sc_date_parse(closes, &r) == 0 && r == s + 60;
    json_decref(c);
    return follows;
}

static void change(request *req, response *res)
{
    if (api_begin(req, res) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, id, "Không có phong trào này.");
    if (!cur)
        return;
    long long agency = db_int(cur, 0, 1);
    field_val v[C_COUNT];
    bool follows = close_follows_start(req, db_value(cur, 0, 0));
    int bad = api_patch_merge(req, res, campaign_fields, db_value(cur, 0, 0), v);
    db_free(cur);
    if (!bad && follows)
        v[C_REG_CLOSES].null = true; /* check_dates makes it starts_on + 60 */
    if (!bad && v[C_AGENCY].i != agency) {
        http_field_error(res, 422, "agency_id", "Không được chuyển phong trào sang cơ quan khác.");
        bad = -1;
    }
    if (bad || check_dates(req, res, v) != 0 || check_recorded(req, res, v) != 0) {
        db_rollback(req->db);
        return;
    }
    const char *up[] = {id, v[C_YEAR].s, v[C_CODE].s, v[C_NAME].s, v[C_THEME].s,
                        v[C_PLAN].s, v[C_STARTS].s, v[C_ENDS].s, v[C_CLOSES].s, v[C_REG_CLOSES].s};
    api_write_commit(req, res, &STMT_UPDATE, 10, up, NULL);
}

static const route_scope list_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, NULL, "agency_id"};
static const route_scope create_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, "agency_id", NULL};

const route campaigns_routes[] = {
    {"GET", "/api/v1/campaigns", list, ACCESS_READ, BODY_NONE, "Danh sách phong trào thi đua", NULL, ROUTE_REPLICA_OK, list_query,
     &list_scope},
    {"POST", "/api/v1/campaigns", create, ACCESS_OFFICE, BODY_JSON, "Tạo phong trào thi đua", campaign_fields, 0, NULL, &create_scope},
    {"GET", "/api/v1/campaigns/{id}", get, ACCESS_READ, BODY_NONE, "Một phong trào thi đua", NULL, ROUTE_REPLICA_OK, NULL, &scope_campaign_object},
    {"PATCH", "/api/v1/campaigns/{id}", change, ACCESS_OFFICE, BODY_JSON,
     "Sửa phong trào (các ngày đổi được khi dữ liệu đã ghi vẫn nằm trong khoảng mới; closes_on null = ends_on)",
     campaign_fields, 0, NULL, &scope_campaign_object},
    {0},
};
