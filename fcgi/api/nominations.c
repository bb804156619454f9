/* api/nominations.c — nominations for an award (awards.md "The way of a
 * nomination"): a unit head proposes for its unit and its staff, the
 * office for anyone of the agency. The award must be in the campaign's
 * copy of the rules (no copy: 409) and fit the subject type (422); the
 * subject must be of the campaign's agency and on the staff (a unit: not
 * dissolved) during the campaign, as for titles. One open nomination per
 * campaign, subject and award: the partial unique indexes of migration
 * 0013 say so, not a check before the insert (409). A nomination may be
 * proposed whatever its eligibility: every answer shows it, as of today,
 * from eligibility_evaluate (the one evaluation of the criteria). While
 * proposed, its reason may be edited and it may be withdrawn (DELETE);
 * after, 409. */
#include <stdlib.h>

#include "api/campaign_scope.h"
#include "api/nominations.h"
#include "api/resources.h"
#include "eligibility.h"
#include "jsontext.h"

static const char *const subject_types[] = {"staff", "unit", NULL};
static const char *const achievements[] = {"thuong_xuyen", "chuyen_de", "dot_xuat", NULL};
static const char *const states[] = {"proposed",        "in_session", "recommended", "not_recommended", "decided",
                                     "proposed_upward", "granted",    "refused",     "withdrawn",       NULL};

static const field_def nomination_fields[] = {
    {"subject_type", FT_ENUM, F_REQUIRED, 0, 0, subject_types, "staff (cá nhân) hoặc unit (tập thể)"},
    {"subject_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Id của cán bộ hoặc đơn vị (thuộc cơ quan của phong trào)"},
    {"award", FT_CODE, F_REQUIRED, 1, 60, NULL, "Mã khen thưởng trong bản sao quy tắc của phong trào (vd. LDTT)"},
    {"reason", FT_TEXT, F_NULLABLE, 0, 4000, NULL, "Thành tích, lý do đề nghị"},
    {"achievement", FT_ENUM, F_NULLABLE, 0, 0, achievements,
     "Loại thành tích: thuong_xuyen (thường xuyên, mặc định), chuyen_de (chuyên đề), dot_xuat (đột xuất)"},
    {0},
};
enum { K_TYPE, K_SUBJECT, K_AWARD, K_REASON, K_ACHIEVEMENT, K_COUNT };

static const field_def patch_fields[] = {
    {"reason", FT_TEXT, F_NULLABLE, 0, 4000, NULL, "Thành tích, lý do đề nghị (sửa được khi còn proposed)"},
    {"achievement", FT_ENUM, F_NULLABLE, 0, 0, achievements,
     "Loại thành tích (sửa được khi còn proposed; null: thuong_xuyen)"},
    {0},
};
enum { P_REASON, P_ACHIEVEMENT, P_COUNT };

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"state", FT_ENUM, 0, 0, 0, states, "Chỉ các đề nghị ở trạng thái này"},
    {"award", FT_CODE, 0, 1, 60, NULL, "Chỉ các đề nghị khen thưởng này"},
    {"subject_type", FT_ENUM, 0, 0, 0, subject_types, "Chỉ cá nhân (staff) hoặc tập thể (unit)"},
    {"unit_id", FT_ID, 0, 0, 0, NULL, "Chỉ các đề nghị cho đơn vị này và cán bộ của nó"},
    {0},
};
enum { Q_STATE = API_Q_FIRST, Q_AWARD, Q_TYPE, Q_UNIT };

static const field_def eligibility_query[] = {
    {"as_of", FT_DATE, 0, 0, 0, NULL, "Xét tại ngày này (mặc định hôm nay, giờ Việt Nam)"},
    {0},
};

/* A nomination as JSON: its row, its subject's name and unit, its public
 * notice (null when its award asks for none and none was published: SQL
 * nomination_notice), the comments still unanswered, the decision that
 * decided or proposed it upward and the higher level's outcome. */
#define NOM_JSON(n)                                                                                                 \
    "json_build_object('id', " n ".id, 'campaign_id', " n ".campaign_id, 'subject_type', " n ".subject_type,"      \
    " 'subject_id', coalesce(" n ".staff_id, " n ".unit_id), 'award', " n ".award, 'reason', " n ".reason,"        \
    " 'achievement', " n ".achievement,"                                                                             \
    " 'state', " n ".state, 'proposed_at', " n ".proposed_at,"                                                      \
    " 'subject_name', coalesce((SELECT s.full_name FROM staff s WHERE s.id = " n ".staff_id),"                     \
    "   (SELECT u.name FROM units u WHERE u.id = " n ".unit_id)),"                                                  \
    " 'unit_id', coalesce((SELECT s.unit_id FROM staff s WHERE s.id = " n ".staff_id), " n ".unit_id),"           \
    " 'unit_name', (SELECT u.name FROM units u WHERE u.id = coalesce((SELECT s.unit_id FROM staff s"               \
    "   WHERE s.id = " n ".staff_id), " n ".unit_id)),"                                                            \
    " 'notice', (SELECT CASE WHEN x.days > 0 OR x.publication_id IS NOT NULL THEN json_build_object('days', x.days," \
    "   'publication_id', x.publication_id, 'acknowledged_on', x.acknowledged_on,"                                 \
    "   'earliest_session_on', x.earliest_session_on) END FROM nomination_notice(" n ".id) x),"                    \
    " 'comments_unanswered', (SELECT count(*) FROM nomination_comments c WHERE c.nomination_id = " n ".id"          \
    "   AND c.answer IS NULL),"                                                                                      \
    " 'decision', (SELECT json_build_object('id', d.id, 'decision_no', d.decision_no, 'decided_on', d.decided_on)" \
    "   FROM award_decisions d WHERE d.id = " n ".decision_id),"                                                    \
    " 'outcome', (SELECT json_build_object('granted', o.granted, 'decision_no', o.decision_no,"                     \
    "   'decided_on', o.decided_on) FROM award_outcomes o WHERE o.nomination_id = " n ".id))"

const char nominations_not_found[] = "Không có đề nghị khen thưởng này.";
#define not_found nominations_not_found

static const db_stmt STMT_LIST = {
    "nominations_list",
    API_LIST_OF_CAMPAIGN("SELECT n.* FROM nominations n LEFT JOIN staff s ON s.id = n.staff_id"
                         " WHERE n.campaign_id = $3 AND ($4::text IS NULL OR n.state = $4)"
                         " AND ($5::text IS NULL OR n.award = $5) AND ($6::text IS NULL OR n.subject_type = $6)"
                         " AND ($7::bigint IS NULL OR coalesce(s.unit_id, n.unit_id) = $7)",
                         NOM_JSON("p"), "id")};
static const db_stmt STMT_GET = {"nominations_get", "SELECT " NOM_JSON("n") " FROM nominations n WHERE n.id = $1"};
static const db_stmt STMT_LOCK = {"nominations_lock", "SELECT state FROM nominations WHERE id = $1 FOR UPDATE"};
static const db_stmt STMT_SCOPE = {
    "nominations_scope",
    "SELECT c.agency_id, coalesce(s.unit_id, n.unit_id) FROM nominations n JOIN campaigns c ON c.id = n.campaign_id"
    " LEFT JOIN staff s ON s.id = n.staff_id WHERE n.id = $1"};
static const db_stmt STMT_INSERT = {
    "nominations_insert",
    "INSERT INTO nominations (campaign_id, subject_type, staff_id, unit_id, award, reason, proposed_by, achievement)"
    " VALUES ($1, $2, CASE WHEN $2 = 'staff' THEN $3::bigint END, CASE WHEN $2 = 'unit' THEN $3::bigint END, $4, $5,"
    " nullif($6::bigint, 0), coalesce($7, 'thuong_xuyen')) RETURNING id"};
/* $3 / $5: whether the reason ($2) / the achievement ($4; null:
 * thuong_xuyen) was given. */
static const db_stmt STMT_REASON = {
    "nominations_reason",
    "UPDATE nominations SET reason = CASE WHEN $3::boolean THEN $2 ELSE reason END,"
    " achievement = CASE WHEN $5::boolean THEN coalesce($4, 'thuong_xuyen') ELSE achievement END"
    " WHERE id = $1 RETURNING id"};
static const db_stmt STMT_WITHDRAW = {
    "nominations_withdraw", "UPDATE nominations SET state = 'withdrawn' WHERE id = $1 RETURNING id"};
/* Has campaign $1 a copy of the rules; the subject the award $2 is for
 * there (NULL: no such award). */
static const db_stmt STMT_AWARD = {
    "nominations_award",
    "SELECT r.campaign_id IS NOT NULL, r.rules->'awards'->$2::text->>'subject'"
    " FROM campaigns c LEFT JOIN campaign_award_rules r ON r.campaign_id = c.id WHERE c.id = $1"};
/* The unit of subject $2 of type $1: a staff member's, or the unit itself. */
static const db_stmt STMT_SUBJECT_UNIT = {
    "nominations_subject_unit",
    "SELECT CASE WHEN $1::text = 'staff' THEN (SELECT unit_id FROM staff WHERE id = $2::bigint) ELSE $2::bigint END"};

static const char no_rules[] =
    "Phong trào này không có bộ quy tắc khen thưởng (không bộ nào có hiệu lực vào ngày kết thúc): không nhận đề nghị.";

/* The eligibility of nomination n (a JSON object) as of as_of (NULL:
 * today): a new reference, or NULL with res filled (503/500). A
 * nomination whose award left the copy has eligibility null. */
static json_t *eligibility_of(request *req, response *res, const json_t *n, const char *as_of)
{
    json_t *out = NULL;
    elig_rc rc = eligibility_evaluate(req->db, req->mem, json_integer_value(json_object_get(n, "campaign_id")),
                                      json_string_value(json_object_get(n, "subject_type")),
                                      json_integer_value(json_object_get(n, "subject_id")),
                                      json_string_value(json_object_get(n, "award")), as_of, &out);
    switch (rc) {
    case ELIG_OK:
        return out;
    case ELIG_DB:
        api_db_error(req, res);
        return NULL;
    case ELIG_BAD_RULES:
        http_problem(res, 500, "Bản sao quy tắc khen thưởng của phong trào không đọc được.");
        return NULL;
    default:
        return json_null();
    }
}

/* Answers status with text (JSON) as jsontext writes it. */
static void answer_json(response *res, int status, json_t *body)
{
    char *text = jsontext_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text) {
        http_problem(res, 500, "Lỗi máy chủ.");
        return;
    }
    http_json_arena(res, status, arena_strdup(res->mem, text));
    free(text);
}

/* Answers one nomination (the JSON text of NOM_JSON) with its
 * eligibility as of today. */
static void answer_one(request *req, response *res, int status, const char *json)
{
    json_t *n = json_loads(json, 0, NULL);
    json_t *e = n ? eligibility_of(req, res, n, NULL) : NULL;
    if (!e) {
        json_decref(n);
        if (!n)
            http_problem(res, 500, "Lỗi máy chủ.");
        return;
    }
    json_object_set_new(n, "eligibility", e);
    answer_json(res, status, n);
}

static void list(request *req, response *res)
{
    const char *p[] = {api_query(req, API_Q_LIMIT) ? api_query(req, API_Q_LIMIT) : "50",
                       api_query(req, API_Q_OFFSET) ? api_query(req, API_Q_OFFSET) : "0",
                       api_itoa(req, req->path_ids[0]),
                       api_query(req, Q_STATE),
                       api_query(req, Q_AWARD),
                       api_query(req, Q_TYPE),
                       api_query(req, Q_UNIT)};
    db_result *r = api_run(req, res, &STMT_LIST, 7, p);
    if (!r)
        return;
    if (db_rows(r) == 0) {
        db_free(r);
        http_problem(res, 404, "Không có phong trào này.");
        return;
    }
    json_t *page = json_loads(db_value(r, 0, 0), 0, NULL);
    db_free(r);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(page, "items"), i, it) {
        json_t *e = eligibility_of(req, res, it, NULL);
        if (!e) {
            json_decref(page);
            return;
        }
        json_object_set_new(it, "eligibility", e);
    }
    answer_json(res, 200, page);
}

/* Nomination id as JSON text (arena), or NULL with res answered (404, a
 * database error). */
static const char *load_id(request *req, response *res, long long id)
{
    const char *p[] = {api_itoa(req, id)};
    db_result *r = api_run(req, res, &STMT_GET, 1, p);
    if (!r)
        return NULL;
    const char *json = db_rows(r) ? arena_strdup(req->mem, db_value(r, 0, 0)) : NULL;
    db_free(r);
    if (!json)
        http_problem(res, 404, not_found);
    return json;
}

/* The nomination of the path. */
static const char *load(request *req, response *res)
{
    return load_id(req, res, req->path_ids[0]);
}

void nominations_answer(request *req, response *res, int status, long long id)
{
    const char *json = load_id(req, res, id);
    if (json)
        answer_one(req, res, status, json);
}

static void get(request *req, response *res)
{
    const char *json = load(req, res);
    if (json)
        answer_one(req, res, 200, json);
}

static void eligibility(request *req, response *res)
{
    const char *json = load(req, res);
    if (!json)
        return;
    json_t *n = json_loads(json, 0, NULL);
    json_t *e = eligibility_of(req, res, n, api_query(req, 0));
    json_decref(n);
    if (!e)
        return;
    if (json_is_null(e)) {
        http_problem(res, 409, "Khen thưởng của đề nghị không còn trong bản sao quy tắc của phong trào.");
        return;
    }
    answer_json(res, 200, e);
}

/* The award in the campaign's copy, fitting the subject type: 0, or -1
 * with res filled (409 without a copy; 503/500). Appends the 422 of an
 * award not in the copy or not for this subject type to errors. */
static int check_award(request *req, response *res, const campaign_ref *c, const field_val *v, json_t *errors)
{
    const char *p[] = {api_itoa(req, c->id), v[K_AWARD].s};
    db_result *r = api_run(req, res, &STMT_AWARD, 2, p);
    if (!r)
        return -1;
    bool has_rules = db_rows(r) && strcmp(db_value(r, 0, 0), "t") == 0;
    const char *subject = has_rules && db_value(r, 0, 1) ? arena_strdup(req->mem, db_value(r, 0, 1)) : NULL;
    db_free(r);
    if (!has_rules) {
        http_problem(res, 409, no_rules);
        return -1;
    }
    if (!subject)
        fields_error(errors, "award",
                     arena_printf(req->mem, "Khen thưởng %s không có trong quy tắc của phong trào", v[K_AWARD].s), 0);
    else if (strcmp(subject, "staff_or_unit") != 0 && strcmp(subject, v[K_TYPE].s) != 0)
        fields_error(errors, "award",
                     arena_printf(req->mem, strcmp(subject, "staff") == 0
                                                ? "Khen thưởng %s dành cho cá nhân (staff)"
                                                : "Khen thưởng %s dành cho tập thể (unit)",
                                  v[K_AWARD].s),
                     0);
    return 0;
}

/* A unit_head proposes only for its unit and its staff: the subject's
 * unit goes through auth_unit_scope (403). 0, or -1 with res filled. */
static int check_subject_unit(request *req, response *res, const field_val *v)
{
    const char *p[] = {v[K_TYPE].s, v[K_SUBJECT].s};
    db_result *r = api_run(req, res, &STMT_SUBJECT_UNIT, 2, p);
    if (!r)
        return -1;
    long long unit = db_rows(r) ? db_int(r, 0, 0) : 0;
    db_free(r);
    return auth_unit_scope(req, res, unit);
}

static void create(request *req, response *res)
{
    field_val v[K_COUNT];
    campaign_ref c;
    if (api_body(req, res, nomination_fields, v, false) != 0 || scope_campaign(req, res, req->path_ids[0], &c) != 0)
        return;
    subject_ref s = {v[K_TYPE].s, v[K_SUBJECT].s, 0, false, false};
    if (scope_subjects(req, res, &c, false, &s, 1) != 0)
        return;
    if (s.id != 0 && check_subject_unit(req, res, v) != 0)
        return;
    json_t *errors = json_array();
    if (check_award(req, res, &c, v, errors) != 0) {
        json_decref(errors);
        return;
    }
    scope_subject_error(req, errors, "subject_id", 0, &s, true);
    if (scope_errors(res, errors, NULL) != 0)
        return;

    const char *p[] = {api_itoa(req, c.id), v[K_TYPE].s,   v[K_SUBJECT].s,
                       v[K_AWARD].s,        v[K_REASON].s, api_itoa(req, req->user ? req->user->id : 0),
                       v[K_ACHIEVEMENT].s};
    if (api_begin(req, res) != 0)
        return;
    db_result *r = api_run_unique(req, res, &STMT_INSERT, 7, p, "nominations_open_", NULL,
                                  "Đối tượng này đã có một đề nghị khen thưởng này đang mở trong phong trào.");
    if (!r)
        return;
    long long id = db_int(r, 0, 0);
    db_free(r);
    if (api_commit(req, res) != 0)
        return;
    api_location(req, res, "/api/v1/nominations/%lld", id);
    nominations_answer(req, res, 201, id);
}

/* Locks nomination id and checks that it is still proposed: 0, or -1
 * with res filled (404, 409) and the transaction rolled back. */
static int lock_proposed(request *req, response *res, const char *id)
{
    if (api_begin(req, res) != 0)
        return -1;
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, id, not_found);
    if (!cur)
        return -1;
    bool proposed = strcmp(db_value(cur, 0, 0), "proposed") == 0;
    const char *state = arena_strdup(req->mem, db_value(cur, 0, 0));
    db_free(cur);
    if (!proposed) {
        db_rollback(req->db);
        http_problem(res, 409,
                     arena_printf(req->mem, "Đề nghị đang ở trạng thái %s: chỉ sửa hoặc rút được khi còn proposed.", state));
        return -1;
    }
    return 0;
}

static void change(request *req, response *res)
{
    field_val v[P_COUNT];
    if (api_body(req, res, patch_fields, v, true) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    if (lock_proposed(req, res, id) != 0)
        return;
    if (!v[P_REASON].present && !v[P_ACHIEVEMENT].present) {
        db_rollback(req->db);
        get(req, res);
        return;
    }
    const char *p[] = {id, v[P_REASON].s, v[P_REASON].present ? "true" : "false", v[P_ACHIEVEMENT].s,
                       v[P_ACHIEVEMENT].present ? "true" : "false"};
    db_result *r = api_run(req, res, &STMT_REASON, 5, p);
    if (!r)
        return;
    db_free(r);
    if (api_commit(req, res) != 0)
        return;
    nominations_answer(req, res, 200, req->path_ids[0]);
}

static void withdraw(request *req, response *res)
{
    const char *id = api_itoa(req, req->path_ids[0]);
    if (lock_proposed(req, res, id) != 0)
        return;
    const char *p[] = {id};
    db_result *r = api_run(req, res, &STMT_WITHDRAW, 1, p);
    if (!r)
        return;
    db_free(r);
    if (api_commit(req, res) == 0)
        http_empty(res, 204);
}

/* A nomination is of its subject's unit (a staff member's unit, or the
 * unit itself): its unit_head's to edit or withdraw. */
const route_scope nominations_scope = {&STMT_SCOPE, not_found, false, NULL, SCOPE_NULL_AGENCY, NULL, NULL};

const route nominations_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/nominations", list, ACCESS_READ, BODY_NONE,
     "Đề nghị khen thưởng của phong trào, mỗi đề nghị kèm điều kiện xét tại hôm nay", NULL, ROUTE_REPLICA_OK, list_query,
     &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/nominations", create, ACCESS_DATA, BODY_JSON,
     "Đề nghị khen thưởng (trưởng đơn vị: cho đơn vị mình và cán bộ của nó)", nomination_fields, 0, NULL,
     &scope_in_campaign},
    {"GET", "/api/v1/nominations/{id}", get, ACCESS_READ, BODY_NONE, "Một đề nghị khen thưởng", NULL, ROUTE_REPLICA_OK, NULL,
     &nominations_scope},
    {"PATCH", "/api/v1/nominations/{id}", change, ACCESS_DATA, BODY_JSON, "Sửa lý do đề nghị, loại thành tích (khi còn proposed)",
     patch_fields, 0, NULL, &nominations_scope},
    {"DELETE", "/api/v1/nominations/{id}", withdraw, ACCESS_DATA, BODY_NONE, "Rút đề nghị (khi còn proposed)", NULL, 0,
     NULL, &nominations_scope},
    {"GET", "/api/v1/nominations/{id}/eligibility", eligibility, ACCESS_READ, BODY_NONE,
     "Điều kiện khen thưởng của đề nghị tại một ngày, mỗi tiêu chí kèm dữ kiện đã dùng", NULL, ROUTE_READ_CONFLICT | ROUTE_REPLICA_OK,
     eligibility_query,
     &nominations_scope},
    {0},
};
