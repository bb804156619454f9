/* api/holidays.c — the national calendar the working-day counts read
 * (awards.md, "Public notice"): public holidays (Tết, 30/4, 2/9...) and
 * make-up working days (a Saturday worked in exchange for a bridge day).
 * One row per date, for the whole installation: every agency keeps the
 * same calendar, so there is no agency to confine it to. Every role
 * reads; an admin writes. */
#include "api/resources.h"

static const char *const holiday_kinds[] = {"holiday", "working_day", NULL};

static const field_def holiday_fields[] = {
    {"date", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày (mỗi ngày chỉ một mục)"},
    {"name", FT_STRING, F_REQUIRED, 1, 200, NULL, "Tên ngày lễ hoặc lý do làm bù"},
    {"kind", FT_ENUM, F_REQUIRED, 0, 0, holiday_kinds,
     "holiday (ngày nghỉ lễ, Tết) hoặc working_day (ngày làm việc bù, vd. thứ Bảy làm bù)"},
    {0},
};
enum { H_DATE, H_NAME, H_KIND, H_COUNT };

#define HOLIDAY_JSON(h) \
    "json_build_object('id', " h ".id, 'date', " h ".date, 'name', " h ".name, 'kind', " h ".kind)"

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"year", FT_INT, 0, 2000, 2100, NULL, "Chỉ các ngày của năm này"},
    {"from", FT_DATE, 0, 0, 0, NULL, "Chỉ các ngày từ ngày này"},
    {"to", FT_DATE, 0, 0, 0, NULL, "Chỉ các ngày đến ngày này"},
    {"kind", FT_ENUM, 0, 0, 0, holiday_kinds, "Chỉ ngày nghỉ (holiday) hoặc ngày làm bù (working_day)"},
    {0},
};
enum { Q_YEAR = API_Q_FIRST, Q_FROM, Q_TO, Q_KIND };

static const db_stmt STMT_LIST = {
    "holidays_list",
    API_LIST_SQL("SELECT * FROM holidays WHERE ($3::int IS NULL OR date >= make_date($3, 1, 1) AND date < make_date($3 + 1, 1, 1))"
                 " AND ($4::date IS NULL OR date >= $4) AND ($5::date IS NULL OR date <= $5)"
                 " AND ($6::text IS NULL OR kind = $6)",
                 HOLIDAY_JSON("p"), "date")};
static const db_stmt STMT_GET = {"holidays_get", "SELECT " HOLIDAY_JSON("h") " FROM holidays h WHERE h.id = $1"};
/* A second row for a date is no row here: the handler answers 409. */
static const db_stmt STMT_INSERT = {
    "holidays_insert",
    "INSERT INTO holidays (date, name, kind) VALUES ($1, $2, $3) ON CONFLICT (date) DO NOTHING"
    " RETURNING id, " HOLIDAY_JSON("holidays")};

static void list(request *req, response *res)
{
    const char *p[] = {api_query(req, Q_YEAR), api_query(req, Q_FROM), api_query(req, Q_TO), api_query(req, Q_KIND)};
    api_list(req, res, &STMT_LIST, 4, p, "");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có ngày này trong lịch.");
}

static void create(request *req, response *res)
{
    field_val v[H_COUNT];
    if (api_body(req, res, holiday_fields, v, false) != 0 || api_begin(req, res) != 0)
        return;
    const char *p[] = {v[H_DATE].s, v[H_NAME].s, v[H_KIND].s};
    db_result *r = db_run(req->db, &STMT_INSERT, 3, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    if (db_rows(r) == 0) {
        db_free(r);
        db_rollback(req->db);
        http_field_error(res, 409, "date", "Ngày này đã có trong lịch.");
        return;
    }
    long long id = db_int(r, 0, 0);
    char *json = arena_strdup(req->mem, db_value(r, 0, 1));
    db_free(r);
    if (api_commit(req, res) != 0)
        return;
    api_location(req, res, "/api/v1/holidays/%lld", id);
    http_json_text(res, 201, json);
}

const route holidays_routes[] = {
    {"GET", "/api/v1/holidays", list, ACCESS_READ, BODY_NONE, "Lịch ngày nghỉ lễ và ngày làm bù", NULL, ROUTE_REPLICA_OK, list_query,
     NULL},
    {"POST", "/api/v1/holidays", create, ACCESS_ADMIN, BODY_JSON, "Thêm ngày nghỉ lễ hoặc ngày làm bù (một mục mỗi ngày)",
     holiday_fields, 0, NULL, NULL},
    {"GET", "/api/v1/holidays/{id}", get, ACCESS_READ, BODY_NONE, "Một ngày trong lịch", NULL, ROUTE_REPLICA_OK, NULL, NULL},
    {0},
};
