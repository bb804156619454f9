/* api/award_rules.c — a campaign's copy of the rule set in force on its
 * ends_on (awards.md). The copy is made by the database when the campaign
 * is created (trigger campaigns_copy_rule_set, migration 0012); later
 * edits of the rule set never reach it. A campaign with no rule set in
 * force has no copy: GET and PATCH answer 404 saying so.
 *
 * PATCH (the installation admin, or an admin of the campaign's agency)
 * replaces the awards it names ({"awards":{"LDTT":{...}}}; an award given
 * as null is removed) and the quorum when given; the result is checked
 * whole as POST /rule-sets checks a rule set. awards.md closes the copy
 * once the campaign's first council session opens (409). The copy's row
 * is locked FOR UPDATE first; opening a session locks it FOR SHARE (it
 * reads the quorum there), so a PATCH and an opening never both pass. */
#include <stdlib.h>

#include "api/campaign_scope.h"
#include "api/resources.h"
#include "awards.h"
#include "jsontext.h"

static const field_def patch_fields[] = {
    {"awards", FT_JSON, 0, 0, 0, NULL,
     "Các khen thưởng thay thế trong bản sao (mã → {subject, criteria, council}); null cho một mã: bỏ khen thưởng đó"},
    {"quorum", FT_JSON, 0, 0, 0, NULL, "Số thành viên tối thiểu có mặt {num, den}"},
    {0},
};
enum { P_AWARDS, P_QUORUM, P_COUNT };

#define RULES_JSON(r) \
    "json_build_object('campaign_id', " r ".campaign_id, 'rule_set_code', " r ".rule_set_code, 'awards', " r \
    ".rules->'awards', 'quorum', " r ".rules->'quorum', 'copied_at', " r ".copied_at)"

static const char no_rules[] =
    "Phong trào này không có bộ quy tắc khen thưởng: không bộ quy tắc nào có hiệu lực vào ngày kết thúc của nó.";

static const db_stmt STMT_GET = {
    "award_rules_get", "SELECT " RULES_JSON("r") " FROM campaign_award_rules r WHERE r.campaign_id = $1"};
static const db_stmt STMT_LOCK = {
    "award_rules_lock",
    "SELECT (rules->'awards')::text, (rules->'quorum')::text FROM campaign_award_rules WHERE campaign_id = $1 FOR UPDATE"};
static const db_stmt STMT_UPDATE = {
    "award_rules_update",
    "UPDATE campaign_award_rules SET rules = jsonb_build_object('awards', $2::jsonb, 'quorum', $3::jsonb)"
    " WHERE campaign_id = $1 RETURNING " RULES_JSON("campaign_award_rules")};

/* Has a council session of the campaign opened ("until its first council
 * session opens, after which 409")? Asked in the open transaction, after
 * the copy's row is locked. */
static const db_stmt STMT_OPENED = {
    "award_rules_session_opened",
    "SELECT EXISTS (SELECT 1 FROM council_sessions WHERE campaign_id = $1 AND state <> 'planned')"};

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, no_rules);
}

static const char *dump(request *req, json_t *j)
{
    char *text = jsontext_dumps(j, JSON_COMPACT);
    json_decref(j);
    const char *out = text ? arena_strdup(req->mem, text) : NULL;
    free(text);
    return out;
}

/* The merged awards document, checked whole; NULL with errors added. */
static json_t *merge(request *req, const char *stored, json_t *patch, const char *patch_text, size_t patch_len,
                     json_t *errors)
{
    json_t *cur = json_loads(stored, 0, NULL);
    json_t *out = json_object();
    bool bad = !json_is_object(cur);
    const char *code;
    json_t *award;
    json_object_foreach(cur, code, award) {
        if (json_object_get(patch, code))
            continue;
        size_t alen = 0;
        const char *atext = jsontext_member(stored, strlen(stored), code, &alen);
        json_t *n = awards_check_award(req->mem, code, award, atext, alen, "awards", errors);
        if (!n)
            bad = true;
        else
            json_object_set_new(out, code, n);
    }
    json_object_foreach(patch, code, award) {
        if (json_is_null(award))
            continue;
        size_t alen = 0;
        const char *atext = jsontext_member(patch_text, patch_len, code, &alen);
        json_t *n = awards_check_award(req->mem, code, award, atext, alen, "awards", errors);
        if (!n)
            bad = true;
        else
            json_object_set_new(out, code, n);
    }
    json_decref(cur);
    if (bad) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static void change(request *req, response *res)
{
    field_val v[P_COUNT];
    if (api_body(req, res, patch_fields, v, true) != 0)
        return;
    json_t *errors = json_array();
    if (v[P_AWARDS].present && !json_is_object(v[P_AWARDS].j))
        fields_error(errors, "awards", "phải là đối tượng: mã khen thưởng → {subject, criteria, council} hoặc null", 0);
    json_t *quorum = v[P_QUORUM].present ? awards_check_quorum(req->mem, v[P_QUORUM].j, "quorum", errors) : NULL;
    if (json_array_size(errors)) {
        json_decref(quorum);
        http_problem_errors(res, 422, "Quy tắc khen thưởng không hợp lệ: xem từng mục trong errors.", errors);
        return;
    }
    const char *campaign = api_itoa(req, req->path_ids[0]);
    if (api_begin(req, res) != 0) {
        json_decref(errors);
        json_decref(quorum);
        return;
    }
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, campaign, no_rules);
    if (!cur) {
        json_decref(errors);
        json_decref(quorum);
        return;
    }
    const char *cp[] = {campaign};
    db_result *opened = db_run(req->db, &STMT_OPENED, 1, cp);
    if (!opened || strcmp(db_value(opened, 0, 0), "t") == 0) {
        db_free(cur);
        json_decref(errors);
        json_decref(quorum);
        if (!opened) {
            api_db_error(req, res);
            return;
        }
        db_free(opened);
        db_rollback(req->db);
        http_problem(res, 409, "Phiên họp hội đồng đầu tiên của phong trào đã mở: không sửa quy tắc khen thưởng được nữa.");
        return;
    }
    db_free(opened);
    size_t plen = 0;
    const char *ptext = v[P_AWARDS].present ? jsontext_member(req->body, req->body_len, "awards", &plen) : NULL;
    json_t *empty = json_object();
    json_t *awards = merge(req, db_value(cur, 0, 0), v[P_AWARDS].present ? v[P_AWARDS].j : empty, ptext, plen, errors);
    json_decref(empty);
    const char *quorum_text = quorum ? dump(req, quorum) : arena_strdup(req->mem, db_value(cur, 0, 1));
    db_free(cur);
    if (!awards) {
        db_rollback(req->db);
        http_problem_errors(res, 422, "Quy tắc khen thưởng không hợp lệ: xem từng mục trong errors.", errors);
        return;
    }
    json_decref(errors);
    const char *p[] = {campaign, dump(req, awards), quorum_text};
    api_write_commit(req, res, &STMT_UPDATE, 3, p, NULL);
}

const route award_rules_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/award-rules", get, ACCESS_READ, BODY_NONE,
     "Bản sao bộ quy tắc khen thưởng của phong trào (bộ có hiệu lực vào ngày kết thúc)", NULL, ROUTE_REPLICA_OK, NULL,
     &scope_in_campaign},
    {"PATCH", "/api/v1/campaigns/{id}/award-rules", change, ACCESS_ADMIN, BODY_JSON,
     "Sửa bản sao quy tắc khen thưởng của phong trào (quản trị viên), đến khi phiên họp hội đồng đầu tiên mở",
     patch_fields, 0, NULL, &scope_campaign_object},
    {0},
};
