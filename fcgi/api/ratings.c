/* api/ratings.c — đánh giá, xếp loại: the rating decisions of a campaign
 * for a staff member or a unit of its agency. The subject follows the rule
 * of titles: on the staff (a unit: not dissolved) at some time from
 * starts_on to ends_on. Each POST records one more decision (a revision is
 * a new row); the scorecard takes the latest. Decisions are recorded by
 * the office, the director or an admin. */
#include "api/campaign_scope.h"
#include "api/resources.h"

static const char *const subject_types[] = {"staff", "unit", NULL};
static const char *const levels[] = {"KHTNV", "HTNV", "HTTNV", "HTXSNV", NULL};

static const field_def rating_fields[] = {
    {"subject_type", FT_ENUM, F_REQUIRED, 0, 0, subject_types, "staff (cá nhân) hoặc unit (tập thể)"},
    {"subject_id", FT_ID, F_REQUIRED, 0, 0, NULL,
     "Cán bộ hoặc đơn vị thuộc cơ quan của phong trào, công tác (đơn vị: chưa giải thể) vào một lúc nào đó từ "
     "starts_on đến ends_on"},
    {"level", FT_ENUM, F_REQUIRED, 0, 0, levels,
     "KHTNV (không hoàn thành), HTNV (hoàn thành), HTTNV (hoàn thành tốt), HTXSNV (hoàn thành xuất sắc nhiệm vụ)"},
    {"decided_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày quyết định, từ starts_on đến closes_on của phong trào"},
    {"decision_no", FT_STRING, F_NULLABLE, 0, 100, NULL, "Số quyết định"},
    {0},
};
enum { R_TYPE, R_SUBJECT, R_LEVEL, R_DECIDED, R_NO, R_COUNT };

#define RATING_JSON(r) \
    "json_build_object('id', " r ".id, 'campaign_id', " r ".campaign_id, 'subject_type', " r ".subject_type," \
    " 'subject_id', coalesce(" r ".staff_id, " r ".unit_id), 'level', " r ".level, 'decided_on', " r ".decided_on," \
    " 'decision_no', " r ".decision_no)"

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"subject_type", FT_ENUM, 0, 0, 0, subject_types, "Chỉ cá nhân (staff) hoặc tập thể (unit)"},
    {"subject_id", FT_ID, 0, 0, 0, NULL, "Chỉ các quyết định về cán bộ hoặc đơn vị này"},
    {0},
};
enum { Q_TYPE = API_Q_FIRST, Q_SUBJECT };

static const db_stmt STMT_LIST = {
    "ratings_list",
    API_LIST_OF_CAMPAIGN("SELECT * FROM ratings WHERE campaign_id = $3 AND ($4::text IS NULL OR subject_type = $4)"
                         " AND ($5::bigint IS NULL OR coalesce(staff_id, unit_id) = $5)",
                         RATING_JSON("p"), "decided_on, id")};
static const db_stmt STMT_GET = {"ratings_get", "SELECT " RATING_JSON("r") " FROM ratings r WHERE r.id = $1"};
static const db_stmt STMT_INSERT = {
    "ratings_insert",
    "INSERT INTO ratings (campaign_id, subject_type, staff_id, unit_id, level, decided_on, decision_no)"
    " VALUES ($1, $2, CASE WHEN $2 = 'staff' THEN $3::bigint END, CASE WHEN $2 = 'unit' THEN $3::bigint END, $4, $5, $6)"
    " RETURNING id, " RATING_JSON("ratings")};

static void list(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0]), api_query(req, Q_TYPE), api_query(req, Q_SUBJECT)};
    api_list(req, res, &STMT_LIST, 3, p, "Không có phong trào này.");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có quyết định xếp loại này.");
}

static void create(request *req, response *res)
{
    field_val v[R_COUNT];
    campaign_ref c;
    if (api_body(req, res, rating_fields, v, false) != 0 || scope_campaign(req, res, req->path_ids[0], &c) != 0)
        return;
    subject_ref s = {v[R_TYPE].s, v[R_SUBJECT].s, 0, false, false};
    if (scope_subjects(req, res, &c, false, &s, 1) != 0)
        return;
    json_t *errors = json_array();
    scope_subject_error(req, errors, "subject_id", 0, &s, true);
    scope_date_within(req, errors, "decided_on", 0, v[R_DECIDED].s, c.starts_on, c.closes_on);
    if (scope_errors(res, errors, NULL) != 0)
        return;
    const char *p[] = {api_itoa(req, c.id), v[R_TYPE].s, v[R_SUBJECT].s, v[R_LEVEL].s, v[R_DECIDED].s, v[R_NO].s};
    scope_insert_201(req, res, &STMT_INSERT, 6, p, "/api/v1/ratings/%lld");
}

static const db_stmt STMT_SCOPE = SCOPE_VIA_CAMPAIGN("ratings_scope", "ratings");
static const route_scope ratings_scope = {&STMT_SCOPE, "Không có quyết định xếp loại này.", false, NULL, SCOPE_NULL_AGENCY, NULL, NULL};

const route ratings_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/ratings", list, ACCESS_READ, BODY_NONE,
     "Quyết định đánh giá, xếp loại", NULL, ROUTE_REPLICA_OK, list_query, &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/ratings", create, ACCESS_DECIDE, BODY_JSON,
     "Ghi một quyết định đánh giá, xếp loại (mỗi lần một quyết định mới)", rating_fields, 0, NULL, &scope_in_campaign},
    {"GET", "/api/v1/ratings/{id}", get, ACCESS_READ, BODY_NONE, "Một quyết định xếp loại", NULL, ROUTE_REPLICA_OK, NULL, &ratings_scope},
    {0},
};
