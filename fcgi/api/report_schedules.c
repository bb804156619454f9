/* api/report_schedules.c — report schedules (reports.md "Schedules"): on
 * draft_on `thidua report run` (report_run.h) generates the draft of the
 * campaign's report of kind as of as_of and links it (report_id); a
 * report not approved by due_on is late (GET /reports answers due_on and
 * late); with auto_approve, a figures-only report (award_statistics, the
 * one kind without narrative sections) is approved on due_on without a
 * person and delivered to the schedule's destinations (none named: every
 * active destination of the agency taking the kind, as an approval by a
 * person).
 *
 * Written and read by the admin of the campaign's agency and the
 * installation admin. Once the draft is made, kind, as_of, draft_on and
 * the campaign no longer change (409); due_on, destinations and
 * auto_approve still do. A schedule whose report exists is not deleted
 * (409: the report refers to it). */
#include <string.h>

#include "api/campaign_scope.h"
#include "api/resources.h"
#include "report_figures.h"

static const char *const kinds[] = {"mid_year", "year_end", "award_statistics", NULL};

static const field_def schedule_fields[] = {
    {"campaign_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Phong trào của báo cáo (của cơ quan người dùng)"},
    {"kind", FT_ENUM, F_REQUIRED, 0, 0, kinds,
     "mid_year (sơ kết 6 tháng), year_end (tổng kết năm) hoặc award_statistics (thống kê khen thưởng)"},
    {"as_of", FT_DATE, F_NULLABLE, 0, 0, NULL, "Ngày tính số liệu (không gửi: mặc định của loại báo cáo)"},
    {"draft_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày lập dự thảo (thidua report run lập từ ngày này)"},
    {"due_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Hạn phê duyệt (sau ngày này dự thảo chưa duyệt là trễ hạn)"},
    {"destinations", FT_JSON, F_NULLABLE, 0, 0, NULL,
     "Mảng id nơi nhận của cơ quan nhận loại báo cáo này; rỗng hoặc không gửi = mọi nơi nhận đang hoạt động"},
    {"auto_approve", FT_BOOL, F_NULLABLE, 0, 0, NULL,
     "Tự phê duyệt và gửi vào ngày due_on (chỉ báo cáo chỉ có số liệu: award_statistics); mặc định false"},
    {0},
};
enum { S_CAMPAIGN, S_KIND, S_AS_OF, S_DRAFT_ON, S_DUE_ON, S_DESTINATIONS, S_AUTO, S_COUNT };

#define SCHEDULE_JSON(s)                                                                                          \
    "json_build_object('id', " s ".id, 'campaign_id', " s ".campaign_id, 'kind', " s ".kind, 'as_of', " s        \
    ".as_of, 'draft_on', " s ".draft_on, 'due_on', " s ".due_on, 'destinations', to_json(" s ".destinations),"    \
    " 'auto_approve', " s ".auto_approve, 'report_id', " s ".report_id)"

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"agency_id", FT_ID, 0, 0, 0, NULL, "Chỉ lịch của các phong trào của cơ quan này"},
    {"campaign_id", FT_ID, 0, 0, 0, NULL, "Chỉ lịch của phong trào này"},
    {0},
};
enum { Q_AGENCY = API_Q_FIRST, Q_CAMPAIGN };

static const db_stmt STMT_LIST = {
    "report_schedules_list",
    API_LIST_SQL("SELECT s.* FROM report_schedules s JOIN campaigns c ON c.id = s.campaign_id"
                 " WHERE ($3::bigint IS NULL OR c.agency_id = $3) AND ($4::bigint IS NULL OR c.agency_id = $4)"
                 " AND ($5::bigint IS NULL OR s.campaign_id = $5)",
                 SCHEDULE_JSON("p"), "draft_on, id")};
static const db_stmt STMT_GET = {
    "report_schedules_get", "SELECT " SCHEDULE_JSON("s") " FROM report_schedules s WHERE s.id = $1"};
/* The campaign, when the user's agency ($2, NULL: the installation admin)
 * holds it: its agency, year and dates. */
static const db_stmt STMT_CAMPAIGN = {
    "report_schedules_campaign",
    "SELECT agency_id, year, starts_on, closes_on FROM campaigns WHERE id = $1 AND ($2::bigint IS NULL OR agency_id = $2)"};
/* Each destination the body names ($1, a JSON array): is it one of the
 * agency ($2), does it take the kind ($3)? */
static const db_stmt STMT_DESTINATIONS = {
    "report_schedules_destinations",
    "SELECT x.i - 1, d.id IS NOT NULL, coalesce($3 = ANY (d.kinds), false)"
    " FROM json_array_elements_text($1::json) WITH ORDINALITY x(v, i)"
    " LEFT JOIN report_destinations d ON d.id = x.v::bigint AND d.agency_id = $2 ORDER BY x.i"};
static const db_stmt STMT_INSERT = {
    "report_schedules_insert",
    "INSERT INTO report_schedules (campaign_id, kind, as_of, draft_on, due_on, destinations, auto_approve)"
    " VALUES ($1, $2, $3, $4, $5, ARRAY(SELECT json_array_elements_text($6::json)::bigint), $7)"
    " RETURNING id, " SCHEDULE_JSON("report_schedules")};
static const db_stmt STMT_LOCK = {
    "report_schedules_lock", "SELECT " SCHEDULE_JSON("s") " FROM report_schedules s WHERE s.id = $1 FOR UPDATE"};
static const db_stmt STMT_UPDATE = {
    "report_schedules_update",
    "UPDATE report_schedules SET kind = $2, as_of = $3, draft_on = $4, due_on = $5,"
    " destinations = ARRAY(SELECT json_array_elements_text($6::json)::bigint), auto_approve = $7 WHERE id = $1"
    " RETURNING " SCHEDULE_JSON("report_schedules")};
static const db_stmt STMT_DELETE = {"report_schedules_delete", "DELETE FROM report_schedules WHERE id = $1"};
static const db_stmt STMT_SCOPE = SCOPE_VIA_CAMPAIGN("report_schedules_scope", "report_schedules");

static const char NOT_FOUND[] = "Không có lịch báo cáo này.";
static const char KEY_TAKEN[] = "Phong trào đã có lịch báo cáo loại này lập dự thảo vào ngày này.";

/* The rules across fields, the campaign's and the destinations'; the
 * destinations as the JSON array text the statements take (*dest).
 * 0, or -1 with res filled (422 naming every bad field; 503/500). */
static int check(request *req, response *res, field_val *v, const char **dest)
{
    json_t *errors = json_array();
    const char *pc[] = {v[S_CAMPAIGN].s, auth_agency_param(req)};
    db_result *r = db_run(req->db, &STMT_CAMPAIGN, 2, pc);
    if (!r) {
        json_decref(errors);
        api_db_error(req, res);
        return -1;
    }
    const char *agency = NULL;
    if (db_rows(r) == 0) {
        fields_error(errors, "campaign_id", "Không có phong trào này.", 0);
    } else {
        agency = arena_strdup(req->mem, db_value(r, 0, 0));
        report_period per;
        if (report_period_of(req->mem, v[S_KIND].s, (int)db_int(r, 0, 1), db_value(r, 0, 2), db_value(r, 0, 3),
                             v[S_AS_OF].null ? NULL : v[S_AS_OF].s, &per) != 0)
            fields_error(errors, "as_of", "Ngày tính số liệu phải từ ngày bắt đầu kỳ báo cáo trở đi.", 0);
    }
    db_free(r);
    if (strcmp(v[S_DRAFT_ON].s, v[S_DUE_ON].s) > 0)
        fields_error(errors, "due_on", "Hạn phê duyệt không được trước ngày lập dự thảo (draft_on).", 0);
    if (!v[S_AUTO].null && v[S_AUTO].b && strcmp(v[S_KIND].s, "award_statistics") != 0)
        fields_error(errors, "auto_approve",
                     "Chỉ báo cáo thống kê khen thưởng (award_statistics, không có phần nhận xét) được tự phê duyệt.",
                     0);
    json_t *list = json_array();
    if (!v[S_DESTINATIONS].null) {
        json_t *given = v[S_DESTINATIONS].j;
        if (!json_is_array(given)) {
            fields_error(errors, "destinations", "destinations phải là một mảng id nơi nhận.", 0);
        } else {
            size_t i;
            json_t *d;
            json_array_foreach(given, i, d) {
                bool repeated = false;
                for (size_t k = 0; k < i; k++)
                    repeated = repeated || json_equal(json_array_get(given, k), d);
                if (!json_is_integer(d) || json_integer_value(d) <= 0)
                    fields_error(errors, arena_printf(req->mem, "destinations[%zu]", i), "Cần id của một nơi nhận.", 0);
                else if (repeated)
                    fields_error(errors, arena_printf(req->mem, "destinations[%zu]", i), "Nơi nhận bị lặp.", 0);
                else
                    json_array_append(list, d);
            }
        }
    }
    *dest = scope_json_text(req, list);
    if (agency && json_array_size(errors) == 0) {
        const char *pd[] = {*dest, agency, v[S_KIND].s};
        r = db_run(req->db, &STMT_DESTINATIONS, 3, pd);
        if (!r) {
            json_decref(errors);
            api_db_error(req, res);
            return -1;
        }
        for (int row = 0; row < db_rows(r); row++) {
            const char *field = arena_printf(req->mem, "destinations[%lld]", db_int(r, row, 0));
            if (strcmp(db_value(r, row, 1), "t") != 0)
                fields_error(errors, field, "Không có nơi nhận này của cơ quan.", 0);
            else if (strcmp(db_value(r, row, 2), "t") != 0)
                fields_error(errors, field, "Nơi nhận này không nhận loại báo cáo này.", 0);
        }
        db_free(r);
    }
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return 0;
    }
    if (db_in_transaction(req->db))
        db_rollback(req->db);
    http_problem_errors(res, 422, "Lịch báo cáo không hợp lệ.", errors);
    return -1;
}

static void list(request *req, response *res)
{
    const char *p[] = {api_query(req, Q_AGENCY), auth_agency_param(req), api_query(req, Q_CAMPAIGN)};
    api_list(req, res, &STMT_LIST, 3, p, "");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, NOT_FOUND);
}

static const char *flag(const field_val *v)
{
    return v->null ? "false" : v->s;
}

static void create(request *req, response *res)
{
    field_val v[S_COUNT];
    const char *dest = NULL;
    if (api_body(req, res, schedule_fields, v, false) != 0 || check(req, res, v, &dest) != 0)
        return;
    if (api_begin(req, res) != 0)
        return;
    const char *p[] = {v[S_CAMPAIGN].s, v[S_KIND].s, v[S_AS_OF].s, v[S_DRAFT_ON].s, v[S_DUE_ON].s, dest,
                       flag(&v[S_AUTO])};
    db_result *r = api_run_unique(req, res, &STMT_INSERT, 7, p, "report_schedules_key", "draft_on", KEY_TAKEN);
    if (!r)
        return;
    long long id = db_int(r, 0, 0);
    const char *json = arena_strdup(req->mem, db_value(r, 0, 1));
    db_free(r);
    if (api_commit(req, res) != 0)
        return;
    api_location(req, res, "/api/v1/report-schedules/%lld", id);
    http_json_arena(res, 201, json);
}

/* A member of the stored schedule (was) that may not change once its
 * draft is made: appends the error when the merged value differs. */
static void frozen_member(request *req, json_t *errors, const json_t *was, const char *key, const char *now)
{
    const json_t *old = json_object_get(was, key);
    const char *before = json_is_integer(old) ? arena_printf(req->mem, "%lld", (long long)json_integer_value(old))
                                              : json_string_value(old);
    if (!(before == NULL && now == NULL) && !api_streq(before, now))
        fields_error(errors, key, "Dự thảo của lịch đã được lập: không đổi được nữa.", 0);
}

static void change(request *req, response *res)
{
    if (api_begin(req, res) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, id, NOT_FOUND);
    if (!cur)
        return;
    field_val v[S_COUNT];
    int bad = api_patch_merge(req, res, schedule_fields, db_value(cur, 0, 0), v);
    json_t *was = json_loads(db_value(cur, 0, 0), 0, NULL);
    db_free(cur);
    if (bad) {
        json_decref(was);
        db_rollback(req->db);
        return;
    }
    if (json_integer_value(json_object_get(was, "campaign_id")) != v[S_CAMPAIGN].i) {
        json_decref(was);
        db_rollback(req->db);
        http_field_error(res, 422, "campaign_id", "Không được chuyển lịch sang phong trào khác.");
        return;
    }
    json_t *errors = json_array();
    if (!json_is_null(json_object_get(was, "report_id"))) {
        frozen_member(req, errors, was, "kind", v[S_KIND].s);
        frozen_member(req, errors, was, "as_of", v[S_AS_OF].s);
        frozen_member(req, errors, was, "draft_on", v[S_DRAFT_ON].s);
    }
    json_decref(was);
    if (json_array_size(errors) > 0) {
        db_rollback(req->db);
        http_problem_errors(res, 409, "Dự thảo của lịch đã được lập: loại, ngày tính số liệu và ngày lập không đổi được.",
                            errors);
        return;
    }
    json_decref(errors);
    const char *dest = NULL;
    if (check(req, res, v, &dest) != 0)
        return;
    const char *p[] = {id, v[S_KIND].s, v[S_AS_OF].s, v[S_DRAFT_ON].s, v[S_DUE_ON].s, dest, flag(&v[S_AUTO])};
    db_result *r = api_run_unique(req, res, &STMT_UPDATE, 7, p, "report_schedules_key", "draft_on", KEY_TAKEN);
    if (!r)
        return;
    const char *json = arena_strdup(req->mem, db_value(r, 0, 0));
    db_free(r);
    if (api_commit(req, res) == 0)
        http_json_arena(res, 200, json);
}

static void remove_schedule(request *req, response *res)
{
    if (api_begin(req, res) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, id, NOT_FOUND);
    if (!cur)
        return;
    db_free(cur);
    const char *p[] = {id};
    db_result *r = db_run(req->db, &STMT_DELETE, 1, p);
    if (!r) {
        /* its report refers to it: api_db_error's 409 */
        api_db_error(req, res);
        return;
    }
    db_free(r);
    if (api_commit(req, res) == 0)
        http_empty(res, 204);
}

static const route_scope list_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, NULL, "agency_id"};
static const route_scope object_scope_ = {&STMT_SCOPE, NOT_FOUND, false, NULL, SCOPE_NULL_AGENCY, NULL, NULL};

const route report_schedules_routes[] = {
    {"GET", "/api/v1/report-schedules", list, ACCESS_ADMIN, BODY_NONE,
     "Lịch báo cáo của các phong trào của cơ quan (ngày lập dự thảo, hạn phê duyệt)", NULL, ROUTE_REPLICA_OK, list_query,
     &list_scope},
    {"POST", "/api/v1/report-schedules", create, ACCESS_ADMIN, BODY_JSON,
     "Thêm lịch báo cáo: thidua report run lập dự thảo vào ngày draft_on", schedule_fields, 0, NULL, NULL},
    {"GET", "/api/v1/report-schedules/{id}", get, ACCESS_ADMIN, BODY_NONE, "Một lịch báo cáo", NULL, ROUTE_REPLICA_OK, NULL,
     &object_scope_},
    {"PATCH", "/api/v1/report-schedules/{id}", change, ACCESS_ADMIN, BODY_JSON,
     "Sửa lịch báo cáo (đã lập dự thảo: chỉ còn đổi được due_on, destinations, auto_approve)", schedule_fields, 0,
     NULL, &object_scope_},
    {"DELETE", "/api/v1/report-schedules/{id}", remove_schedule, ACCESS_ADMIN, BODY_NONE,
     "Xóa lịch báo cáo chưa lập dự thảo (đã lập thì 409)", NULL, 0, NULL, &object_scope_},
    {0},
};
