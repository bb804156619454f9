/* api/study.c — what a campaign asks its staff to study (topics: the
 * directives and resolutions, each required or not) and the sessions held
 * on them. The office keeps both; everyone reads them. Attendance of a
 * session is in attendance.c. */
#include "api/campaign_scope.h"
#include "api/resources.h"

static const field_def topic_fields[] = {
    {"code", FT_CODE, F_REQUIRED, 1, 60, NULL, "Mã chuyên đề, duy nhất trong phong trào"},
    {"title", FT_STRING, F_REQUIRED, 1, 500, NULL, "Tên chỉ thị, nghị quyết hoặc chuyên đề"},
    {"required", FT_BOOL, 0, 0, 0, NULL, "Bắt buộc (tính vào chỉ tiêu học tập); mặc định true"},
    {0},
};
enum { T_CODE, T_TITLE, T_REQUIRED, T_COUNT };

static const field_def session_fields[] = {
    {"topic_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Chuyên đề của phong trào"},
    {"held_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày học, từ starts_on đến closes_on của phong trào"},
    {"title", FT_STRING, F_NULLABLE, 0, 300, NULL, "Tên buổi học"},
    {0},
};
enum { S_TOPIC, S_HELD, S_TITLE, S_COUNT };

#define TOPIC_JSON(t) \
    "json_build_object('id', " t ".id, 'code', " t ".code, 'title', " t ".title, 'required', " t ".required)"
#define SESSION_JSON(s) \
    "json_build_object('id', " s ".id, 'topic_id', " s ".topic_id, 'held_on', " s ".held_on, 'title', " s ".title," \
    " 'attendees', (SELECT count(*) FROM attendance a WHERE a.session_id = " s ".id))"

/* Lists answer for an existing campaign only: no campaign, no row (404). */
static const db_stmt STMT_TOPIC_LIST = {
    "study_topics_list",
    API_LIST_OF_CAMPAIGN("SELECT * FROM study_topics WHERE campaign_id = $3", TOPIC_JSON("p"), "id")};
static const db_stmt STMT_TOPIC_GET = {
    "study_topics_get", "SELECT " TOPIC_JSON("t") " FROM study_topics t WHERE t.id = $1"};
static const db_stmt STMT_TOPIC_INSERT = {
    "study_topics_insert",
    "INSERT INTO study_topics (campaign_id, code, title, required) VALUES ($1, $2, $3, coalesce($4::boolean, true))"
    " RETURNING id, " TOPIC_JSON("study_topics")};

static const field_def session_query[] = {
    API_QUERY_PAGE,
    {"topic_id", FT_ID, 0, 0, 0, NULL, "Chỉ các buổi của chuyên đề này"},
    {"from", FT_DATE, 0, 0, 0, NULL, "Từ ngày (held_on)"},
    {"to", FT_DATE, 0, 0, 0, NULL, "Đến ngày (held_on)"},
    {0},
};
enum { Q_TOPIC = API_Q_FIRST, Q_FROM, Q_TO };

static const db_stmt STMT_SESSION_LIST = {
    "study_sessions_list",
    API_LIST_OF_CAMPAIGN("SELECT * FROM study_sessions WHERE campaign_id = $3 AND ($4::bigint IS NULL OR topic_id = $4)"
                         " AND ($5::date IS NULL OR held_on >= $5) AND ($6::date IS NULL OR held_on <= $6)",
                         SESSION_JSON("p"), "held_on, id")};
static const db_stmt STMT_SESSION_GET = {
    "study_sessions_get", "SELECT " SESSION_JSON("s") " FROM study_sessions s WHERE s.id = $1"};
static const db_stmt STMT_SESSION_TOPIC = {
    "study_sessions_topic", "SELECT 1 FROM study_topics WHERE id = $1 AND campaign_id = $2"};
static const db_stmt STMT_SESSION_INSERT = {
    "study_sessions_insert",
    "INSERT INTO study_sessions (campaign_id, topic_id, held_on, title) VALUES ($1, $2, $3, $4)"
    " RETURNING id, " SESSION_JSON("study_sessions")};

static void topic_list(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_list(req, res, &STMT_TOPIC_LIST, 1, p, "Không có phong trào này.");
}

static void topic_get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_TOPIC_GET, 1, p, 200, "Không có chuyên đề này.");
}

static void topic_create(request *req, response *res)
{
    field_val v[T_COUNT];
    campaign_ref c;
    if (api_body(req, res, topic_fields, v, false) != 0 || scope_campaign(req, res, req->path_ids[0], &c) != 0)
        return;
    const char *p[] = {api_itoa(req, c.id), v[T_CODE].s, v[T_TITLE].s, v[T_REQUIRED].s};
    scope_insert_201(req, res, &STMT_TOPIC_INSERT, 4, p, "/api/v1/study-topics/%lld");
}

static void session_list(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0]), api_query(req, Q_TOPIC), api_query(req, Q_FROM),
                       api_query(req, Q_TO)};
    api_list(req, res, &STMT_SESSION_LIST, 4, p, "Không có phong trào này.");
}

static void session_get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_SESSION_GET, 1, p, 200, "Không có buổi học này.");
}

static void session_create(request *req, response *res)
{
    field_val v[S_COUNT];
    campaign_ref c;
    if (api_body(req, res, session_fields, v, false) != 0 || scope_campaign(req, res, req->path_ids[0], &c) != 0)
        return;
    const char *tp[] = {v[S_TOPIC].s, api_itoa(req, c.id)};
    db_result *t = db_run(req->db, &STMT_SESSION_TOPIC, 2, tp);
    if (!t) {
        api_db_error(req, res);
        return;
    }
    json_t *errors = json_array();
    if (db_rows(t) == 0)
        fields_error(errors, "topic_id", "Chuyên đề không thuộc phong trào này", 0);
    db_free(t);
    scope_date_within(req, errors, "held_on", 0, v[S_HELD].s, c.starts_on, c.closes_on);
    if (scope_errors(res, errors, NULL) != 0)
        return;
    const char *p[] = {api_itoa(req, c.id), v[S_TOPIC].s, v[S_HELD].s, v[S_TITLE].s};
    scope_insert_201(req, res, &STMT_SESSION_INSERT, 4, p, "/api/v1/study-sessions/%lld");
}

static const db_stmt STMT_TOPIC_SCOPE = SCOPE_VIA_CAMPAIGN("study_topics_scope", "study_topics");
static const db_stmt STMT_SESSION_SCOPE = SCOPE_VIA_CAMPAIGN("study_sessions_scope", "study_sessions");
static const route_scope topic_scope = {&STMT_TOPIC_SCOPE, "Không có chuyên đề này.", false, NULL, SCOPE_NULL_AGENCY,
                                        NULL, NULL};
static const route_scope session_scope = {&STMT_SESSION_SCOPE, "Không có buổi học này.", false, NULL,
                                          SCOPE_NULL_AGENCY, NULL, NULL};

const route study_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/study-topics", topic_list, ACCESS_READ, BODY_NONE,
     "Chuyên đề học tập, quán triệt của phong trào", NULL, ROUTE_REPLICA_OK, api_page_query, &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/study-topics", topic_create, ACCESS_OFFICE, BODY_JSON,
     "Thêm chuyên đề học tập", topic_fields, 0, NULL, &scope_in_campaign},
    {"GET", "/api/v1/study-topics/{id}", topic_get, ACCESS_READ, BODY_NONE, "Một chuyên đề học tập", NULL, ROUTE_REPLICA_OK, NULL, &topic_scope},
    {"GET", "/api/v1/campaigns/{id}/study-sessions", session_list, ACCESS_READ, BODY_NONE,
     "Buổi học tập, quán triệt", NULL, ROUTE_REPLICA_OK, session_query, &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/study-sessions", session_create, ACCESS_OFFICE, BODY_JSON,
     "Ghi một buổi học tập, quán triệt", session_fields, 0, NULL, &scope_in_campaign},
    {"GET", "/api/v1/study-sessions/{id}", session_get, ACCESS_READ, BODY_NONE, "Một buổi học tập", NULL, ROUTE_REPLICA_OK, NULL, &session_scope},
    {0},
};
