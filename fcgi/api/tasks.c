/* api/tasks.c — the tasks of a campaign's work programme, each due within
 * the campaign, of one unit or of the whole agency (unit_id null), and
 * when each was completed. The office writes any; a unit_head only those
 * of its own unit (before and after a change). */
#include "api/campaign_scope.h"
#include "api/resources.h"

static const field_def task_fields[] = {
    {"title", FT_STRING, F_REQUIRED, 1, 500, NULL, "Nhiệm vụ"},
    {"unit_id", FT_ID, F_NULLABLE, 0, 0, NULL, "Đơn vị chủ trì (thuộc cơ quan của phong trào); null: cả cơ quan"},
    {"due_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Hạn hoàn thành, từ starts_on đến ends_on của phong trào"},
    {"completed_on", FT_DATE, F_NULLABLE, 0, 0, NULL, "Ngày hoàn thành; null khi chưa xong"},
    {0},
};
enum { K_TITLE, K_UNIT, K_DUE, K_DONE, K_COUNT };

#define TASK_JSON(t) \
    "json_build_object('id', " t ".id, 'campaign_id', " t ".campaign_id, 'title', " t ".title, 'unit_id', " t ".unit_id," \
    " 'due_on', " t ".due_on, 'completed_on', " t ".completed_on)"

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"unit_id", FT_ID, 0, 0, 0, NULL, "Chỉ nhiệm vụ của đơn vị này"},
    {0},
};
enum { Q_UNIT = API_Q_FIRST };

static const db_stmt STMT_LIST = {
    "tasks_list",
    API_LIST_OF_CAMPAIGN("SELECT * FROM tasks WHERE campaign_id = $3 AND ($4::bigint IS NULL OR unit_id = $4)",
                         TASK_JSON("p"), "due_on, id")};
static const db_stmt STMT_GET = {"tasks_get", "SELECT " TASK_JSON("t") " FROM tasks t WHERE t.id = $1"};
static const db_stmt STMT_LOCK = {
    "tasks_lock", "SELECT " TASK_JSON("t") ", t.campaign_id FROM tasks t WHERE t.id = $1 FOR UPDATE"};
static const db_stmt STMT_SCOPE = {
    "tasks_scope", "SELECT c.agency_id, t.unit_id FROM tasks t JOIN campaigns c ON c.id = t.campaign_id WHERE t.id = $1"};
static const db_stmt STMT_INSERT = {
    "tasks_insert",
    "INSERT INTO tasks (campaign_id, title, unit_id, due_on, completed_on) VALUES ($1, $2, $3, $4, $5)"
    " RETURNING id, " TASK_JSON("tasks")};
static const db_stmt STMT_UPDATE = {
    "tasks_update",
    "UPDATE tasks SET title = $2, unit_id = $3, due_on = $4, completed_on = $5 WHERE id = $1 RETURNING " TASK_JSON("tasks")};

/* The rules the field table cannot say: due within the campaign, the unit
 * one of its agency. 0, or -1 with res filled (422). */
static int check(request *req, response *res, const campaign_ref *c, const field_val *v)
{
    json_t *errors = json_array();
    scope_date_within(req, errors, "due_on", 0, v[K_DUE].s, c->starts_on, c->ends_on);
    if (!v[K_UNIT].null) {
        subject_ref unit = {"unit", v[K_UNIT].s, 0, false, false};
        if (scope_subjects(req, res, c, false, &unit, 1) != 0) {
            json_decref(errors);
            return -1;
        }
        scope_subject_error(req, errors, "unit_id", 0, &unit, false);
    }
    return scope_errors(res, errors, NULL);
}

static void list(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0]), api_query(req, Q_UNIT)};
    api_list(req, res, &STMT_LIST, 2, p, "Không có phong trào này.");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có nhiệm vụ này.");
}

static void create(request *req, response *res)
{
    field_val v[K_COUNT];
    campaign_ref c;
    if (api_body(req, res, task_fields, v, false) != 0 || scope_campaign(req, res, req->path_ids[0], &c) != 0 ||
        check(req, res, &c, v) != 0)
        return;
    const char *p[] = {api_itoa(req, c.id), v[K_TITLE].s, v[K_UNIT].s, v[K_DUE].s, v[K_DONE].s};
    scope_insert_201(req, res, &STMT_INSERT, 5, p, "/api/v1/tasks/%lld");
}

static void change(request *req, response *res)
{
    const char *id = api_itoa(req, req->path_ids[0]);
    if (api_begin(req, res) != 0)
        return;
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, id, "Không có nhiệm vụ này.");
    if (!cur)
        return;
    long long campaign = db_int(cur, 0, 1);
    field_val v[K_COUNT];
    campaign_ref c;
    int bad = api_patch_merge(req, res, task_fields, db_value(cur, 0, 0), v) != 0 ||
              scope_campaign(req, res, campaign, &c) != 0 || check(req, res, &c, v) != 0;
    db_free(cur);
    if (bad) {
        db_rollback(req->db);
        return;
    }
    const char *up[] = {id, v[K_TITLE].s, v[K_UNIT].s, v[K_DUE].s, v[K_DONE].s};
    api_write_commit(req, res, &STMT_UPDATE, 5, up, NULL);
}

/* A task is of one unit (its unit_head's to write) or, with no unit, of
 * the agency as a whole. */
static const route_scope task_scope = {&STMT_SCOPE, "Không có nhiệm vụ này.", false, "unit_id", SCOPE_NULL_AGENCY,
                                       NULL, NULL};

const route tasks_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/tasks", list, ACCESS_READ, BODY_NONE, "Nhiệm vụ của phong trào", NULL, ROUTE_REPLICA_OK,
     list_query, &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/tasks", create, ACCESS_DATA, BODY_JSON, "Thêm nhiệm vụ", task_fields, 0, NULL,
     &scope_in_campaign_unit},
    {"GET", "/api/v1/tasks/{id}", get, ACCESS_READ, BODY_NONE, "Một nhiệm vụ", NULL, ROUTE_REPLICA_OK, NULL, &task_scope},
    {"PATCH", "/api/v1/tasks/{id}", change, ACCESS_DATA, BODY_JSON, "Sửa nhiệm vụ (vd. ghi ngày hoàn thành)",
     task_fields, 0, NULL, &task_scope},
    {0},
};
