/* api/council.c — the emulation and awards council's sessions (awards.md
 * "council sessions"): a session of a campaign is planned by the office
 * with its members and its agenda, and changed while it is planned.
 * council_vote.c opens it (quorum), takes the ballots and closes it with
 * the tally; council_minutes.c prints the record. What both files share
 * (the session's JSON, its lock, its state check, its route scope) is in
 * council.h.
 *
 * Who may act is the route table's: roles by access level, the session's
 * agency by route_scope.object. No handler here looks at a role.
 *
 * Decisions where awards.md is silent:
 * - an agenda item that is not proposed (or already on this session's
 *   agenda, for a PATCH) is a 409 naming agenda[i]: a workflow state, as
 *   api.md says; so is a public notice not yet satisfied. Bad values (an
 *   unknown nomination, one of another campaign, an award the council
 *   does not vote on, an ineligible subject, held_on outside the
 *   campaign, a member who is not an active council/director of the
 *   agency) are 422 and are reported before any 409;
 * - members are checked when named; opening does not check them again. */
#include <stdlib.h>
#include <string.h>

#include "api/campaign_scope.h"
#include "api/council.h"
#include "api/resources.h"
#include "eligibility.h"
#include "text.h"

static const char *const states[] = {"planned", "open", "closed", NULL};

static const field_def session_fields[] = {
    {"held_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày họp, trong thời gian phong trào (starts_on đến closes_on)"},
    {"members", FT_JSON, F_REQUIRED, 0, 0, NULL,
     "Id người dùng là thành viên Hội đồng: vai trò council hoặc director, đang hoạt động, của cơ quan (ít nhất 1)"},
    {"agenda", FT_JSON, F_REQUIRED, 0, 0, NULL,
     "Id các đề nghị khen thưởng (proposed, đủ điều kiện tại ngày họp) đưa ra phiên họp, theo thứ tự"},
    {0},
};
enum { K_HELD_ON, K_MEMBERS, K_AGENDA, K_COUNT };

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"state", FT_ENUM, 0, 0, 0, states, "Chỉ các phiên họp ở trạng thái này"},
    {0},
};
enum { Q_STATE = API_Q_FIRST };

const char council_not_found[] = "Không có phiên họp Hội đồng này.";
static const char no_rules[] =
    "Phong trào này không có bộ quy tắc khen thưởng (không bộ nào có hiệu lực vào ngày kết thúc): không xét khen thưởng.";

/* ------------------------------------------------------------ statements */

const db_stmt council_stmt_scope = SCOPE_VIA_CAMPAIGN("council_scope", "council_sessions");

static const db_stmt STMT_LIST = {
    "council_list",
    API_LIST_OF_CAMPAIGN("SELECT s.* FROM council_sessions s WHERE s.campaign_id = $3"
                         " AND ($4::text IS NULL OR s.state = $4)",
                         COUNCIL_SESSION_JSON("p"), "held_on, id")};
static const db_stmt STMT_GET = {"council_get",
                                 "SELECT " COUNCIL_SESSION_JSON("s") " FROM council_sessions s WHERE s.id = $1"};

/* The session of the path, locked: state, campaign, held_on, agenda size,
 * members, the campaign's quorum (default 2/3). */
static const db_stmt STMT_LOCK = {
    "council_lock",
    "SELECT s.state, s.campaign_id, to_char(s.held_on, 'YYYY-MM-DD'),"
    " (SELECT count(*) FROM council_agenda a WHERE a.session_id = s.id),"
    " (SELECT count(*) FROM council_members m WHERE m.session_id = s.id),"
    " coalesce((r.rules->'quorum'->>'num')::int, 2), coalesce((r.rules->'quorum'->>'den')::int, 3)"
    " FROM council_sessions s LEFT JOIN campaign_award_rules r ON r.campaign_id = s.campaign_id"
    " WHERE s.id = $1 FOR UPDATE OF s"};

static const db_stmt STMT_INSERT = {
    "council_insert",
    "INSERT INTO council_sessions (campaign_id, held_on, created_by) VALUES ($1, $2, nullif($3::bigint, 0)) RETURNING id"};
static const db_stmt STMT_HELD_ON = {"council_held_on", "UPDATE council_sessions SET held_on = $2 WHERE id = $1"};

/* $1 [user ids], $2 agency: per id in order, whether it is a user of the
 * agency, its role, whether active. */
static const db_stmt STMT_USERS = {
    "council_users",
    "SELECT x.ord, u.id IS NOT NULL AND u.agency_id IS NOT DISTINCT FROM $2::bigint, u.role, u.active"
    " FROM json_array_elements_text($1::json) WITH ORDINALITY AS x(v, ord)"
    " LEFT JOIN users u ON u.id = x.v::bigint ORDER BY x.ord"};
static const db_stmt STMT_DELETE_MEMBERS = {"council_delete_members",
                                            "DELETE FROM council_members WHERE session_id = $1"};
static const db_stmt STMT_INSERT_MEMBERS = {
    "council_insert_members",
    "INSERT INTO council_members (session_id, user_id)"
    " SELECT $1, x.v::bigint FROM json_array_elements_text($2::json) WITH ORDINALITY AS x(v, ord) ORDER BY x.ord"};

/* The agenda's nominations of campaign $2, locked in id order (a withdraw
 * or another session's agenda waits for this one, and sees its end). */
static const db_stmt STMT_LOCK_NOMINATIONS = {
    "council_lock_nominations",
    "SELECT id FROM nominations WHERE campaign_id = $2"
    " AND id IN (SELECT x::bigint FROM json_array_elements_text($1::json) x) ORDER BY id FOR UPDATE"};
/* $1 [nomination ids], $2 campaign, $3 session (0: a new one): per id in
 * order, of this campaign, state, subject, award, council vote (NULL: not
 * in the copy), already on this session's agenda, the public notice. */
static const db_stmt STMT_AGENDA_INFO = {
    "council_agenda_info",
    "SELECT x.ord, n.id IS NOT NULL AND n.campaign_id = $2::bigint, n.state, n.subject_type,"
    " coalesce(n.staff_id, n.unit_id), n.award, r.rules->'awards'->n.award->'council'->>'vote',"
    " EXISTS (SELECT 1 FROM council_agenda a WHERE a.nomination_id = n.id AND a.session_id = $3::bigint),"
    " nt.days, to_char(nt.earliest_session_on, 'YYYY-MM-DD'), r.rules IS NOT NULL"
    " FROM json_array_elements_text($1::json) WITH ORDINALITY AS x(v, ord)"
    " LEFT JOIN nominations n ON n.id = x.v::bigint"
    " LEFT JOIN campaign_award_rules r ON r.campaign_id = n.campaign_id"
    " LEFT JOIN LATERAL nomination_notice(n.id) nt ON true ORDER BY x.ord"};
/* Takes off the agenda of session $1 what the new agenda $2 leaves out
 * (back to proposed), then puts the new agenda on, in order. */
static const db_stmt STMT_AGENDA_OFF = {
    "council_agenda_off",
    "WITH d AS (DELETE FROM council_agenda WHERE session_id = $1 RETURNING nomination_id)"
    " UPDATE nominations n SET state = 'proposed' FROM d WHERE n.id = d.nomination_id AND n.state = 'in_session'"
    " AND n.id NOT IN (SELECT x::bigint FROM json_array_elements_text($2::json) x)"};
static const db_stmt STMT_AGENDA_ON = {
    "council_agenda_on",
    "WITH i AS (INSERT INTO council_agenda (session_id, nomination_id, position)"
    "           SELECT $1, x.v::bigint, x.ord FROM json_array_elements_text($2::json) WITH ORDINALITY AS x(v, ord)"
    "           RETURNING nomination_id)"
    " UPDATE nominations n SET state = 'in_session' FROM i WHERE n.id = i.nomination_id AND n.state = 'proposed'"};

const db_stmt council_stmt_agenda_ids = {
    "council_agenda_ids", "SELECT nomination_id FROM council_agenda WHERE session_id = $1 ORDER BY position"};

/* --------------------------------------------------------------- helpers */

/* A list of ids from a JSON body member (field): an array of distinct
 * positive integers, at most max. Appends what is wrong to errors (the
 * field, or field[i]). The ids (in req->mem) and their count; NULL when
 * the member is not an array. */
long long *council_id_list(request *req, const json_t *arr, const char *field, size_t max, json_t *errors, size_t *n)
{
    *n = 0;
    if (!json_is_array(arr)) {
        fields_error(errors, field, "phải là một mảng id", 0);
        return NULL;
    }
    size_t count = json_array_size(arr);
    if (count > max) {
        fields_error(errors, field, arena_printf(req->mem, "tối đa %zu mục", max), 0);
        return NULL;
    }
    long long *ids = arena_alloc(req->mem, (count ? count : 1) * sizeof *ids);
    for (size_t i = 0; i < count; i++) {
        json_t *v = json_array_get(arr, i);
        const char *f = arena_printf(req->mem, "%s[%zu]", field, i);
        ids[i] = json_is_integer(v) ? (long long)json_integer_value(v) : 0;
        if (ids[i] < 1 || ids[i] > 999999999999999999LL) {
            fields_error(errors, f, "phải là một id (số nguyên dương)", 0);
            ids[i] = 0;
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (ids[j] == ids[i]) {
                fields_error(errors, f, arena_printf(req->mem, "id %lld trùng với %s[%zu]", ids[i], field, j), 0);
                ids[i] = 0;
                break;
            }
        }
    }
    *n = count;
    return ids;
}

/* ids as a JSON array text (zeros, the bad ones, left out). */
const char *council_ids_json(request *req, const long long *ids, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        if (ids[i] > 0)
            json_array_append_new(arr, json_integer((json_int_t)ids[i]));
    return scope_json_text(req, arr);
}

/* Answers session id as GET /council-sessions/{id} does (council.h). */
void council_answer_session(request *req, response *res, const char *id, int status)
{
    api_answer_row(req, res, &STMT_GET, id, status, council_not_found);
}

/* The campaign's copy of the rules, locked FOR SHARE before the session:
 * PATCH /campaigns/{id}/award-rules locks it FOR UPDATE and then asks
 * whether a session has opened, so an opening and a change of the rules
 * (the quorum read here) never both pass. */
static const db_stmt STMT_RULES_SHARE = {
    "council_rules_share",
    "SELECT 1 FROM campaign_award_rules r JOIN council_sessions s ON s.campaign_id = r.campaign_id"
    " WHERE s.id = $1 FOR SHARE OF r"};

/* Locks the session of the path in a new transaction (after its rules,
 * above): its row of STMT_LOCK (the caller frees it), or NULL with res
 * filled. */
db_result *council_lock_session(request *req, response *res, const char *id)
{
    if (api_begin(req, res) != 0)
        return NULL;
    const char *p[] = {id};
    db_result *rules = api_run(req, res, &STMT_RULES_SHARE, 1, p);
    if (!rules)
        return NULL;
    db_free(rules);
    return api_lock_row(req, res, &STMT_LOCK, id, council_not_found);
}

/* 409 for a session not in state want (the transaction rolled back). */
int council_require_state(request *req, response *res, const char *state, const char *want)
{
    if (api_streq(state, want))
        return 0;
    db_rollback(req->db);
    const char *now = api_streq(state, "planned") ? "chưa mở" : api_streq(state, "open") ? "đang họp" : "đã kết thúc";
    const char *need = api_streq(want, "planned") ? "chỉ làm được khi phiên họp còn ở kế hoạch (planned)"
                       : api_streq(want, "open")  ? "chỉ làm được khi phiên họp đang mở (open)"
                                                  : "chỉ làm được sau khi phiên họp kết thúc (closed)";
    http_problem(res, 409, arena_printf(req->mem, "Phiên họp %s: %s.", now, need));
    return -1;
}

/* Problems of the agenda that are workflow states: 409 naming each item. */
static void conflict(request *req, json_t *conflicts, size_t i, const char *message)
{
    fields_error(conflicts, arena_printf(req->mem, "agenda[%zu]", i), message, 0);
}

/* -------------------------------------------------------- members, agenda */

/* The members (ids[n], valid ones non-zero) against the users: each an
 * active council or director of the campaign's agency. 0, or -1 with res
 * filled. */
static int check_members(request *req, response *res, const campaign_ref *c, const long long *ids, size_t n,
                         json_t *errors)
{
    if (n == 0)
        return 0;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_integer((json_int_t)ids[i]));
    const char *p[] = {scope_json_text(req, arr), api_itoa(req, c->agency_id)};
    db_result *r = api_run(req, res, &STMT_USERS, 2, p);
    if (!r)
        return -1;
    for (int row = 0; row < db_rows(r) && (size_t)row < n; row++) {
        if (ids[row] == 0)
            continue;
        const char *f = arena_printf(req->mem, "members[%d]", row);
        const char *role = db_value(r, row, 2);
        if (!api_streq(db_value(r, row, 1), "t"))
            fields_error(errors, f, arena_printf(req->mem, "Người dùng id %lld không thuộc cơ quan của phong trào", ids[row]),
                         0);
        else if (!api_streq(role, "council") && !api_streq(role, "director"))
            fields_error(errors, f,
                         arena_printf(req->mem,
                                      "Người dùng id %lld có vai trò %s: thành viên Hội đồng phải có vai trò council"
                                      " hoặc director",
                                      ids[row], role ? role : "?"),
                         0);
        else if (!api_streq(db_value(r, row, 3), "t"))
            fields_error(errors, f, arena_printf(req->mem, "Người dùng id %lld không còn hoạt động", ids[row]), 0);
    }
    db_free(r);
    return 0;
}

/* Each agenda item (ids[n]) for session (0: a new one) held on held_on,
 * in the open transaction: its nomination locked, of the campaign, its
 * award voted by the council, the subject eligible as of held_on
 * (eligibility_evaluate) — else errors (422); proposed (or already on
 * this session's agenda) and its public notice satisfied
 * (nomination_notice) — else conflicts (409). 0, or -1 with res filled
 * (409 for a campaign without rules, 503/500) and the transaction
 * rolled back. */
static int check_agenda(request *req, response *res, const campaign_ref *c, long long session, const char *held_on,
                        const long long *ids, size_t n, json_t *errors, json_t *conflicts)
{
    if (n == 0)
        return 0;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_integer((json_int_t)ids[i]));
    const char *list = scope_json_text(req, arr);
    const char *lp[] = {list, api_itoa(req, c->id)};
    db_result *r = api_run(req, res, &STMT_LOCK_NOMINATIONS, 2, lp);
    if (!r)
        return -1;
    db_free(r);
    const char *p[] = {list, api_itoa(req, c->id), api_itoa(req, session)};
    r = api_run(req, res, &STMT_AGENDA_INFO, 3, p);
    if (!r)
        return -1;
    int rc = 0;
    for (int row = 0; row < db_rows(r) && (size_t)row < n && rc == 0; row++) {
        size_t i = (size_t)row;
        if (ids[i] == 0)
            continue;
        const char *f = arena_printf(req->mem, "agenda[%zu]", i);
        const char *state = db_value(r, row, 2), *award = db_value(r, row, 5), *vote = db_value(r, row, 6);
        if (!api_streq(db_value(r, row, 1), "t")) {
            fields_error(errors, f, arena_printf(req->mem, "Đề nghị id %lld không thuộc phong trào này", ids[i]), 0);
            continue;
        }
        if (!api_streq(db_value(r, row, 10), "t")) {
            db_free(r);
            db_rollback(req->db);
            http_problem(res, 409, no_rules);
            return -1;
        }
        if (!vote) {
            fields_error(errors, f,
                         arena_printf(req->mem, "Khen thưởng %s của đề nghị id %lld không còn trong quy tắc của phong trào",
                                      award, ids[i]),
                         0);
            continue;
        }
        if (api_streq(vote, "none")) {
            fields_error(errors, f,
                         arena_printf(req->mem,
                                      "Khen thưởng %s không do Hội đồng biểu quyết (council vote none): đề nghị id %lld"
                                      " đi thẳng đến quyết định",
                                      award, ids[i]),
                         0);
            continue;
        }
        bool here = api_streq(db_value(r, row, 7), "t");
        if (!api_streq(state, "proposed") && !here)
            conflict(req, conflicts, i,
                     arena_printf(req->mem, "Đề nghị id %lld đang ở trạng thái %s: chỉ đưa ra phiên họp khi còn proposed",
                                  ids[i], state));
        long long days = db_int(r, row, 8);
        const char *earliest = db_value(r, row, 9);
        if (days > 0 && !earliest)
            conflict(req, conflicts, i,
                     arena_printf(req->mem,
                                  "Đề nghị id %lld phải được công khai %lld ngày làm việc trên cổng thông tin trước khi"
                                  " họp: cổng chưa xác nhận đã đăng",
                                  ids[i], days));
        else if (days > 0 && strcmp(earliest, held_on) > 0)
            conflict(req, conflicts, i,
                     arena_printf(req->mem,
                                  "Đề nghị id %lld chưa đủ %lld ngày làm việc công khai: phiên họp sớm nhất vào ngày %s",
                                  ids[i], days, text_date_vi(req->mem, earliest)));

        json_t *answer = NULL;
        elig_rc e = eligibility_evaluate(req->db, req->mem, c->id, db_value(r, row, 3), db_int(r, row, 4), award,
                                         held_on, &answer);
        if (e == ELIG_DB) {
            api_db_error(req, res);
            rc = -1;
        } else if (e == ELIG_BAD_RULES) {
            db_rollback(req->db);
            http_problem(res, 500, "Bản sao quy tắc khen thưởng của phong trào không đọc được.");
            rc = -1;
        } else if (e == ELIG_OK && !json_is_true(json_object_get(answer, "eligible"))) {
            json_t *failed = json_array();
            eligibility_failures(req->mem, answer, failed);
            size_t j;
            json_t *it;
            json_array_foreach(failed, j, it) {
                json_t *entry = json_pack("{s:s, s:s, s:O}", "field", f, "message",
                                          arena_printf(req->mem, "Đề nghị id %lld chưa đủ điều kiện tại ngày họp %s: %s",
                                                       ids[i], text_date_vi(req->mem, held_on),
                                                       json_string_value(json_object_get(it, "message"))),
                                          "criterion", json_object_get(it, "field"));
                json_array_append_new(errors, entry);
            }
            json_decref(failed);
        } else if (e != ELIG_OK) {
            fields_error(errors, f, arena_printf(req->mem, "Không xét được điều kiện của đề nghị id %lld", ids[i]), 0);
        }
        json_decref(answer);
    }
    db_free(r);
    return rc;
}

/* Answers the checks' outcome: 422 with errors when there is any (before
 * any 409), else 409 with conflicts when there is any. Releases both.
 * 0 when neither; else -1 with the transaction rolled back. */
static int answer_checks(request *req, response *res, json_t *errors, json_t *conflicts)
{
    if (json_array_size(errors) == 0 && json_array_size(conflicts) == 0) {
        json_decref(errors);
        json_decref(conflicts);
        return 0;
    }
    db_rollback(req->db);
    if (json_array_size(errors)) {
        json_decref(conflicts);
        http_problem_errors(res, 422, "Dữ liệu gửi lên có trường không hợp lệ.", errors);
    } else {
        json_decref(errors);
        http_problem_errors(res, 409, "Có đề nghị chưa thể đưa ra phiên họp lúc này.", conflicts);
    }
    return -1;
}

/* Writes members and agenda of session (the id as text) as given (NULL:
 * unchanged). 0, or -1 with res filled. */
static int write_lists(request *req, response *res, const char *session, const char *members, const char *agenda)
{
    db_result *r;
    if (members) {
        const char *p[] = {session};
        if (!(r = api_run(req, res, &STMT_DELETE_MEMBERS, 1, p)))
            return -1;
        db_free(r);
        const char *q[] = {session, members};
        if (!(r = api_run(req, res, &STMT_INSERT_MEMBERS, 2, q)))
            return -1;
        db_free(r);
    }
    if (agenda) {
        const char *p[] = {session, agenda};
        if (!(r = api_run(req, res, &STMT_AGENDA_OFF, 2, p)))
            return -1;
        db_free(r);
        r = api_run_unique(req, res, &STMT_AGENDA_ON, 2, p, "council_agenda_nomination_key", NULL,
                           "Một đề nghị của chương trình vừa được đưa ra phiên họp khác.");
        if (!r)
            return -1;
        db_free(r);
    }
    return 0;
}

/* ---------------------------------------------------------------- routes */

static void list(request *req, response *res)
{
    const char *filters[] = {api_itoa(req, req->path_ids[0]), api_query(req, Q_STATE)};
    api_list(req, res, &STMT_LIST, 2, filters, "Không có phong trào này.");
}

static void get(request *req, response *res)
{
    council_answer_session(req, res, api_itoa(req, req->path_ids[0]), 200);
}

static void create(request *req, response *res)
{
    field_val v[K_COUNT];
    campaign_ref c;
    if (api_body(req, res, session_fields, v, false) != 0 || scope_campaign(req, res, req->path_ids[0], &c) != 0)
        return;
    json_t *errors = json_array(), *conflicts = json_array();
    size_t nm = 0, na = 0;
    const long long *members = council_id_list(req, v[K_MEMBERS].j, "members", COUNCIL_MAX_MEMBERS, errors, &nm);
    const long long *agenda = council_id_list(req, v[K_AGENDA].j, "agenda", COUNCIL_MAX_AGENDA, errors, &na);
    if (members && nm == 0)
        fields_error(errors, "members", "phải có ít nhất một thành viên", 0);
    scope_date_within(req, errors, "held_on", 0, v[K_HELD_ON].s, c.starts_on, c.closes_on);
    if (api_begin(req, res) != 0) {
        json_decref(errors);
        json_decref(conflicts);
        return;
    }
    if (check_members(req, res, &c, members, nm, errors) != 0 ||
        check_agenda(req, res, &c, 0, v[K_HELD_ON].s, agenda, na, errors, conflicts) != 0) {
        json_decref(errors);
        json_decref(conflicts);
        return;
    }
    if (answer_checks(req, res, errors, conflicts) != 0)
        return;
    const char *p[] = {api_itoa(req, c.id), v[K_HELD_ON].s, api_itoa(req, req->user ? req->user->id : 0)};
    db_result *r = api_run(req, res, &STMT_INSERT, 3, p);
    if (!r)
        return;
    long long id = db_int(r, 0, 0);
    db_free(r);
    const char *sid = api_itoa(req, id);
    if (write_lists(req, res, sid, council_ids_json(req, members, nm), council_ids_json(req, agenda, na)) != 0)
        return;
    api_location(req, res, "/api/v1/council-sessions/%lld", id);
    council_answer_session(req, res, sid, 201);
}

static void change(request *req, response *res)
{
    field_val v[K_COUNT];
    if (api_body(req, res, session_fields, v, true) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *s = council_lock_session(req, res, id);
    if (!s)
        return;
    const char *state = arena_strdup(req->mem, db_value(s, 0, 0));
    long long campaign = db_int(s, 0, 1);
    const char *held_on = v[K_HELD_ON].present ? v[K_HELD_ON].s : arena_strdup(req->mem, db_value(s, 0, 2));
    db_free(s);
    if (council_require_state(req, res, state, "planned") != 0)
        return;
    campaign_ref c;
    if (scope_campaign(req, res, campaign, &c) != 0) {
        db_rollback(req->db);
        return;
    }
    json_t *errors = json_array(), *conflicts = json_array();
    size_t nm = 0, na = 0;
    const long long *members = NULL, *agenda = NULL;
    if (v[K_MEMBERS].present) {
        members = council_id_list(req, v[K_MEMBERS].j, "members", COUNCIL_MAX_MEMBERS, errors, &nm);
        if (members && nm == 0)
            fields_error(errors, "members", "phải có ít nhất một thành viên", 0);
    }
    if (v[K_AGENDA].present) {
        agenda = council_id_list(req, v[K_AGENDA].j, "agenda", COUNCIL_MAX_AGENDA, errors, &na);
    } else if (v[K_HELD_ON].present) {
        /* A new day: the agenda as it is must hold on it too. */
        const char *p[] = {id};
        db_result *r = api_run(req, res, &council_stmt_agenda_ids, 1, p);
        if (!r) {
            json_decref(errors);
            json_decref(conflicts);
            return;
        }
        na = (size_t)db_rows(r);
        long long *ids = arena_alloc(req->mem, (na ? na : 1) * sizeof *ids);
        for (size_t i = 0; i < na; i++)
            ids[i] = db_int(r, (int)i, 0);
        db_free(r);
        agenda = ids;
    }
    scope_date_within(req, errors, "held_on", 0, held_on, c.starts_on, c.closes_on);
    if (check_members(req, res, &c, members, nm, errors) != 0 ||
        check_agenda(req, res, &c, req->path_ids[0], held_on, agenda, na, errors, conflicts) != 0) {
        json_decref(errors);
        json_decref(conflicts);
        return;
    }
    if (answer_checks(req, res, errors, conflicts) != 0)
        return;
    if (v[K_HELD_ON].present) {
        const char *p[] = {id, held_on};
        db_result *r = api_run(req, res, &STMT_HELD_ON, 2, p);
        if (!r)
            return;
        db_free(r);
    }
    if (write_lists(req, res, id, members ? council_ids_json(req, members, nm) : NULL,
                    v[K_AGENDA].present && agenda ? council_ids_json(req, agenda, na) : NULL) != 0)
        return;
    council_answer_session(req, res, id, 200);
}

/* A session is of its campaign's agency. */
const route_scope council_session_scope = {&council_stmt_scope, council_not_found, false, NULL, SCOPE_NULL_AGENCY,
                                           NULL, NULL};

const route council_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/council-sessions", list, ACCESS_READ, BODY_NONE,
     "Các phiên họp Hội đồng Thi đua - Khen thưởng của phong trào", NULL, ROUTE_REPLICA_OK, list_query, &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/council-sessions", create, ACCESS_OFFICE, BODY_JSON,
     "Lập kế hoạch phiên họp Hội đồng: ngày họp, thành viên, chương trình (đề nghị đủ điều kiện tại ngày họp)",
     session_fields, 0, NULL, &scope_in_campaign},
    {"GET", "/api/v1/council-sessions/{id}", get, ACCESS_READ, BODY_NONE,
     "Một phiên họp Hội đồng (ai đã bỏ phiếu, không có kết quả trước khi kết thúc)", NULL, ROUTE_REPLICA_OK, NULL, &council_session_scope},
    {"PATCH", "/api/v1/council-sessions/{id}", change, ACCESS_OFFICE, BODY_JSON,
     "Sửa ngày họp, thành viên, chương trình (khi còn planned)", session_fields, 0, NULL, &council_session_scope},
    {0},
};
