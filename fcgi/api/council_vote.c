/* api/council_vote.c — the council's vote (awards.md "Secret ballot",
 * "Threshold"): a planned session (council.c) is opened with the members
 * present (quorum), voted by each member present with one ballot for the
 * whole agenda, and closed, which tallies every item against its award's
 * threshold and makes each nomination recommended or not_recommended; its
 * minutes are JSON or, with Accept: text/html, the printed record of
 * council_minutes.c.
 *
 * Who may act is the route table's: roles by access level, the session's
 * agency by route_scope.object and, for a ballot, membership by
 * route_scope.member ("a member of the session, and once it has opened,
 * one marked present"; a member of a session not open yet reaches the
 * handler and hears 409). No handler here looks at a role.
 *
 * The secret ballot is migration 0014's: a ballot goes only through SQL
 * council_cast_ballot() (turnout row, open votes by name, secret counters
 * without voter), the counters come back only through council_tally(),
 * which answers nothing until the session is closed. The checks made here
 * first (session open, one vote per agenda item) exist to answer in
 * words; the function makes them hold whoever calls it. A second ballot
 * is the unique violation of council_turnout_key (409), never a look
 * before the insert.
 *
 * Decisions where awards.md is silent:
 * - a session opens only with a non-empty agenda (409);
 * - the vote kind and threshold of an item are the campaign copy's at the
 *   close (the copy is closed to edits once a session opens);
 * - a ballot answers 201 with Location of the session. */
#include <stdlib.h>
#include <string.h>

#include "api/campaign_scope.h"
#include "api/council.h"
#include "api/resources.h"

static const field_def open_fields[] = {
    {"present", FT_JSON, F_REQUIRED, 0, 0, NULL, "Id các thành viên có mặt (trong số thành viên của phiên họp)"},
    {0},
};

static const field_def ballot_fields[] = {
    {"votes", FT_JSON, F_REQUIRED, 0, 0, NULL,
     "Mỗi đề nghị trong chương trình đúng một phiếu: [{\"nomination_id\", \"vote\": for | against | abstain}]"},
    {0},
};

/* ------------------------------------------------------------------ JSON */

/* The minutes object of the contract for the closed session s. */
#define MINUTES_JSON(s)                                                                                              \
    "json_build_object('session', " COUNCIL_SESSION_JSON(s)  ","                                                     \
    " 'present', coalesce((SELECT json_agg(json_build_object('id', u.id, 'username', u.username,"                  \
    "     'full_name', u.full_name) ORDER BY m.id) FROM council_members m JOIN users u ON u.id = m.user_id"         \
    "   WHERE m.session_id = " s ".id AND m.present), '[]'::json),"                                                  \
    " 'absent', coalesce((SELECT json_agg(json_build_object('id', u.id, 'username', u.username,"                   \
    "     'full_name', u.full_name) ORDER BY m.id) FROM council_members m JOIN users u ON u.id = m.user_id"         \
    "   WHERE m.session_id = " s ".id AND NOT coalesce(m.present, false)), '[]'::json),"                            \
    " 'results', coalesce((SELECT json_agg(json_build_object('nomination_id', cr.nomination_id,"                   \
    "     'subject_name', coalesce(st.full_name, un.name), 'award', n.award, 'vote', cr.vote_kind,"                 \
    "     'for', cr.votes_for, 'against', cr.votes_against, 'abstain', cr.votes_abstain,"                            \
    "     'not_voted', cr.not_voted, 'threshold', cr.threshold, 'passed', cr.passed,"                                \
    "     'open_votes', CASE WHEN cr.vote_kind = 'open' THEN coalesce((SELECT json_agg(json_build_object("          \
    "         'user_id', o.user_id, 'username', ou.username, 'vote', o.vote) ORDER BY om.id, o.user_id)"           \
    "       FROM council_open_votes o JOIN users ou ON ou.id = o.user_id"                                            \
    "       LEFT JOIN council_members om ON om.session_id = o.session_id AND om.user_id = o.user_id"               \
    "       WHERE o.session_id = cr.session_id AND o.nomination_id = cr.nomination_id), '[]'::json)"               \
    "       ELSE '[]'::json END) ORDER BY a.position, cr.id)"                                                        \
    "   FROM council_results cr JOIN nominations n ON n.id = cr.nomination_id"                                       \
    "   LEFT JOIN council_agenda a ON a.session_id = cr.session_id AND a.nomination_id = cr.nomination_id"          \
    "   LEFT JOIN staff st ON st.id = n.staff_id LEFT JOIN units un ON un.id = n.unit_id"                           \
    "   WHERE cr.session_id = " s ".id), '[]'::json))"

/* ------------------------------------------------------------ statements */

/* Route membership (router.h, route_scope.member): $1 session, $2 user. */
static const db_stmt STMT_MEMBER = {
    "council_member",
    "SELECT 1 FROM council_members m JOIN council_sessions s ON s.id = m.session_id"
    " WHERE m.session_id = $1 AND m.user_id = $2 AND (s.state = 'planned' OR m.present)"};

static const db_stmt STMT_MINUTES = {
    "council_minutes",
    "SELECT s.state, CASE WHEN s.state = 'closed' THEN " MINUTES_JSON("s") " END FROM council_sessions s"
    " WHERE s.id = $1"};
/* What the printed record adds: agency, campaign, day and hours (an hour
 * of another day than held_on says its day too). */
#define RECORD_TIME(t)                                                                                       \
    "to_char(" t " AT TIME ZONE 'Asia/Ho_Chi_Minh', CASE WHEN (" t " AT TIME ZONE 'Asia/Ho_Chi_Minh')::date" \
    " = s.held_on THEN 'HH24 \"giờ\" MI' ELSE 'HH24 \"giờ\" MI \"ngày\" DD/MM/YYYY' END)"
static const db_stmt STMT_RECORD = {
    "council_record",
    "SELECT ag.name, c.name, to_char(s.held_on, 'YYYY-MM-DD'),"
    " " RECORD_TIME("s.opened_at") ", " RECORD_TIME("s.closed_at")
    " FROM council_sessions s JOIN campaigns c ON c.id = s.campaign_id JOIN units ag ON ag.id = c.agency_id"
    " WHERE s.id = $1"};
static const db_stmt STMT_STATE = {"council_state", "SELECT state FROM council_sessions WHERE id = $1"};

static const db_stmt STMT_MEMBER_IDS = {
    "council_member_ids", "SELECT user_id FROM council_members WHERE session_id = $1 ORDER BY id"};
static const db_stmt STMT_PRESENT = {
    "council_present",
    "UPDATE council_members SET present = user_id IN (SELECT x::bigint FROM json_array_elements_text($2::json) x)"
    " WHERE session_id = $1"};
static const db_stmt STMT_OPEN = {
    "council_open", "UPDATE council_sessions SET state = 'open', opened_at = now() WHERE id = $1"};
static const db_stmt STMT_CLOSE = {
    "council_close", "UPDATE council_sessions SET state = 'closed', closed_at = now() WHERE id = $1"};

static const db_stmt STMT_CAST = {"council_cast", "SELECT council_cast_ballot($1, $2, $3::jsonb)"};

/* Per agenda item of the closing session $1 (closed in this transaction,
 * so council_tally answers): nomination, vote kind, the pass rule, the
 * for/against/abstain counts (open votes by name plus secret counters),
 * members present, all members, present members who cast no ballot. */
static const db_stmt STMT_TALLY = {
    "council_tally_items",
    "WITH cnt AS (SELECT count(*) FILTER (WHERE m.present) AS present, count(*) AS members,"
    "                    count(*) FILTER (WHERE m.present AND NOT EXISTS (SELECT 1 FROM council_turnout t"
    "                      WHERE t.session_id = m.session_id AND t.user_id = m.user_id)) AS not_voted"
    "               FROM council_members m WHERE m.session_id = $1),"
    " tally AS (SELECT * FROM council_tally($1)),"
    " ov AS (SELECT o.nomination_id, count(*) FILTER (WHERE o.vote = 'for') AS f,"
    "                 count(*) FILTER (WHERE o.vote = 'against') AS ag, count(*) FILTER (WHERE o.vote = 'abstain') AS ab"
    "            FROM council_open_votes o WHERE o.session_id = $1 GROUP BY o.nomination_id)"
    " SELECT a.nomination_id, coalesce(c->>'vote', 'open'), c->'pass'->>'op', (c->'pass'->>'num')::int,"
    " (c->'pass'->>'den')::int, c->'pass'->>'base',"
    " coalesce(o.f, 0) + coalesce(t.votes_for, 0), coalesce(o.ag, 0) + coalesce(t.votes_against, 0),"
    " coalesce(o.ab, 0) + coalesce(t.votes_abstain, 0), cnt.present, cnt.members, cnt.not_voted, n.award"
    " FROM council_agenda a JOIN nominations n ON n.id = a.nomination_id"
    " LEFT JOIN campaign_award_rules r ON r.campaign_id = n.campaign_id"
    " CROSS JOIN LATERAL (SELECT r.rules->'awards'->n.award->'council' AS c) rc"
    " LEFT JOIN tally t ON t.nomination_id = a.nomination_id LEFT JOIN ov o ON o.nomination_id = a.nomination_id"
    " CROSS JOIN cnt WHERE a.session_id = $1 ORDER BY a.position"};
static const db_stmt STMT_RESULT = {
    "council_result",
    "WITH r AS (INSERT INTO council_results (session_id, nomination_id, vote_kind, votes_for, votes_against,"
    "           votes_abstain, not_voted, threshold, passed)"
    "           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::boolean) RETURNING nomination_id, passed)"
    " UPDATE nominations n SET state = CASE WHEN r.passed THEN 'recommended' ELSE 'not_recommended' END"
    " FROM r WHERE n.id = r.nomination_id"};
static const db_stmt STMT_MINUTES_ROW = {
    "council_minutes_row", "SELECT " MINUTES_JSON("s") " FROM council_sessions s WHERE s.id = $1"};

/* ---------------------------------------------------------------- routes */

static void open_session(request *req, response *res)
{
    field_val v[1];
    if (api_body(req, res, open_fields, v, false) != 0)
        return;
    json_t *errors = json_array();
    size_t np = 0;
    const long long *present = council_id_list(req, v[0].j, "present", COUNCIL_MAX_MEMBERS, errors, &np);
    if (!present) {
        http_problem_errors(res, 422, "Dữ liệu gửi lên có trường không hợp lệ.", errors);
        return;
    }
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *s = council_lock_session(req, res, id);
    if (!s) {
        json_decref(errors);
        return;
    }
    const char *state = arena_strdup(req->mem, db_value(s, 0, 0));
    long long agenda = db_int(s, 0, 3), members = db_int(s, 0, 4), num = db_int(s, 0, 5), den = db_int(s, 0, 6);
    db_free(s);
    if (council_require_state(req, res, state, "planned") != 0) {
        json_decref(errors);
        return;
    }
    const char *p[] = {id};
    db_result *m = api_run(req, res, &STMT_MEMBER_IDS, 1, p);
    if (!m) {
        json_decref(errors);
        return;
    }
    for (size_t i = 0; i < np; i++) {
        bool member = false;
        for (int row = 0; row < db_rows(m) && !member; row++)
            member = db_int(m, row, 0) == present[i];
        if (present[i] && !member)
            fields_error(errors, arena_printf(req->mem, "present[%zu]", i),
                         arena_printf(req->mem, "Người dùng id %lld không phải thành viên của phiên họp", present[i]), 0);
    }
    db_free(m);
    if (json_array_size(errors)) {
        db_rollback(req->db);
        http_problem_errors(res, 422, "Dữ liệu gửi lên có trường không hợp lệ.", errors);
        return;
    }
    json_decref(errors);
    if (agenda == 0) {
        db_rollback(req->db);
        http_problem(res, 409, "Chương trình phiên họp chưa có đề nghị nào: chưa mở được.");
        return;
    }
    /* Quorum: present * den >= num * members, in integers. */
    long long n = (long long)np;
    if (n * den < num * members) {
        db_rollback(req->db);
        http_problem(res, 409,
                     arena_printf(req->mem,
                                  "Không đủ số thành viên có mặt: cần ít nhất %lld trên %lld thành viên (%lld/%lld), có mặt %lld.",
                                  (num * members + den - 1) / den, members, num, den, n));
        return;
    }
    const char *q[] = {id, council_ids_json(req, present, np)};
    db_result *r = api_run(req, res, &STMT_PRESENT, 2, q);
    if (!r)
        return;
    db_free(r);
    if (!(r = api_run(req, res, &STMT_OPEN, 1, p)))
        return;
    db_free(r);
    council_answer_session(req, res, id, 200);
}

/* The votes of a ballot: each {nomination_id, vote} with nothing else;
 * appends what is wrong to errors. The nomination ids (0 for a bad item),
 * or NULL when votes is not an array. */
static long long *ballot_items(request *req, const json_t *votes, json_t *errors, size_t *n)
{
    static const char *const values[] = {"for", "against", "abstain", NULL};
    *n = 0;
    if (!json_is_array(votes)) {
        fields_error(errors, "votes", "phải là một mảng phiếu {nomination_id, vote}", 0);
        return NULL;
    }
    size_t count = json_array_size(votes);
    if (count > COUNCIL_MAX_AGENDA) {
        fields_error(errors, "votes", arena_printf(req->mem, "tối đa %d phiếu", COUNCIL_MAX_AGENDA), 0);
        return NULL;
    }
    long long *ids = arena_alloc(req->mem, (count ? count : 1) * sizeof *ids);
    for (size_t i = 0; i < count; i++) {
        json_t *it = json_array_get(votes, i);
        const char *f = arena_printf(req->mem, "votes[%zu]", i);
        ids[i] = 0;
        if (!json_is_object(it)) {
            fields_error(errors, f, "phải là {\"nomination_id\", \"vote\"}", 0);
            continue;
        }
        const char *key;
        json_t *val;
        bool bad = false;
        json_object_foreach(it, key, val) {
            if (!api_streq(key, "nomination_id") && !api_streq(key, "vote")) {
                fields_error(errors, arena_printf(req->mem, "%s.%s", f, key), "khóa không dùng ở đây", 0);
                bad = true;
            }
        }
        json_t *nid = json_object_get(it, "nomination_id");
        const char *vote = json_string_value(json_object_get(it, "vote"));
        bool known = false;
        for (const char *const *c = values; *c; c++)
            known |= api_streq(vote, *c);
        if (!json_is_integer(nid) || json_integer_value(nid) < 1) {
            fields_error(errors, arena_printf(req->mem, "%s.nomination_id", f), "phải là id của một đề nghị", 0);
            bad = true;
        }
        if (!known) {
            fields_error(errors, arena_printf(req->mem, "%s.vote", f), "phải là for, against hoặc abstain", 0);
            bad = true;
        }
        if (!bad)
            ids[i] = (long long)json_integer_value(nid);
    }
    *n = count;
    return ids;
}

/* The ballot against the agenda (ids in order): each vote for an item of
 * it, no item twice, none left out; appends what is wrong to errors. */
static void match_agenda(request *req, const db_result *agenda, const long long *ids, size_t n, json_t *errors)
{
    int items = db_rows(agenda);
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == 0)
            continue;
        const char *f = arena_printf(req->mem, "votes[%zu]", i);
        bool on = false;
        for (int row = 0; row < items && !on; row++)
            on = db_int(agenda, row, 0) == ids[i];
        if (!on) {
            fields_error(errors, f, arena_printf(req->mem, "Đề nghị id %lld không có trong chương trình phiên họp", ids[i]),
                         0);
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (ids[j] == ids[i]) {
                fields_error(errors, f, arena_printf(req->mem, "Đề nghị id %lld đã có phiếu ở votes[%zu]", ids[i], j), 0);
                break;
            }
        }
    }
    for (int row = 0; row < items; row++) {
        long long want = db_int(agenda, row, 0);
        bool given = false;
        for (size_t i = 0; i < n && !given; i++)
            given = ids[i] == want;
        if (!given)
            fields_error(errors, "votes",
                         arena_printf(req->mem, "Thiếu phiếu cho đề nghị id %lld (mục %d của chương trình)", want, row + 1),
                         0);
    }
}

/* What council_cast_ballot raised, in words. */
static void ballot_refused(request *req, response *res)
{
    const db_error *e = db_last_error(req->db);
    if (e->status == DB_CONFLICT && strcmp(e->constraint, "council_turnout_key") == 0) {
        db_rollback(req->db);
        http_problem(res, 409, "Bạn đã bỏ phiếu trong phiên họp này: mỗi thành viên chỉ một phiếu.");
    } else if (strcmp(e->sqlstate, "P0001") == 0 && strcmp(e->message, "council_not_open") == 0) {
        db_rollback(req->db);
        http_problem(res, 409, "Phiên họp không đang mở: không nhận phiếu.");
    } else if (strcmp(e->sqlstate, "P0001") == 0 && strcmp(e->message, "council_not_present") == 0) {
        db_rollback(req->db);
        http_problem(res, 403, "Chỉ thành viên có mặt khi khai mạc phiên họp mới được bỏ phiếu.");
    } else if (strcmp(e->sqlstate, "P0001") == 0 && strcmp(e->message, "council_ballot_mismatch") == 0) {
        db_rollback(req->db);
        http_field_error(res, 422, "votes", "Phiếu phải có đúng một phiếu cho mỗi đề nghị của chương trình.");
    } else {
        api_db_error(req, res);
    }
}

static void ballot(request *req, response *res)
{
    field_val v[1];
    if (api_body(req, res, ballot_fields, v, false) != 0)
        return;
    json_t *errors = json_array();
    size_t n = 0;
    const long long *ids = ballot_items(req, v[0].j, errors, &n);
    if (json_array_size(errors)) {
        http_problem_errors(res, 422, "Phiếu không hợp lệ.", errors);
        return;
    }
    const char *id = api_itoa(req, req->path_ids[0]);
    const char *p[] = {id};
    db_result *s = api_run(req, res, &STMT_STATE, 1, p);
    if (!s) {
        json_decref(errors);
        return;
    }
    const char *state = db_rows(s) ? arena_strdup(req->mem, db_value(s, 0, 0)) : "";
    db_free(s);
    if (!api_streq(state, "open")) {
        json_decref(errors);
        http_problem(res, 409, "Phiên họp không đang mở: không nhận phiếu.");
        return;
    }
    db_result *agenda = api_run(req, res, &council_stmt_agenda_ids, 1, p);
    if (!agenda) {
        json_decref(errors);
        return;
    }
    match_agenda(req, agenda, ids, n, errors);
    db_free(agenda);
    if (json_array_size(errors)) {
        http_problem_errors(res, 422, "Phiếu không hợp lệ.", errors);
        return;
    }
    json_decref(errors);
    /* Only what the function needs, in the order given. */
    json_t *clean = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_array_get(v[0].j, i);
        json_array_append_new(clean, json_pack("{s:I, s:s}", "nomination_id", (json_int_t)ids[i], "vote",
                                               json_string_value(json_object_get(it, "vote"))));
    }
    const char *q[] = {id, api_itoa(req, req->user ? req->user->id : 0), scope_json_text(req, clean)};
    if (api_begin(req, res) != 0)
        return;
    db_result *r = db_run(req->db, &STMT_CAST, 3, q);
    if (!r) {
        ballot_refused(req, res);
        return;
    }
    db_free(r);
    if (api_commit(req, res) != 0)
        return;
    api_location(req, res, "/api/v1/council-sessions/%lld", req->path_ids[0]);
    http_json(res, 201, json_pack("{s:I, s:b}", "session_id", (json_int_t)req->path_ids[0], "recorded", 1));
}

/* The least number of "for" votes that passes: for * den >= num * base
 * (ge), > (gt). */
static long long needed_for(bool gt, long long num, long long den, long long base)
{
    return gt ? (num * base) / den + 1 : (num * base + den - 1) / den;
}

/* Tallies one agenda item (row of STMT_TALLY) and writes its result and
 * the nomination's new state. 0, or -1 with res filled. */
static int close_item(request *req, response *res, const char *session, const db_result *t, int row)
{
    const char *kind = db_value(t, row, 1), *op = db_value(t, row, 2), *base = db_value(t, row, 5);
    long long num = db_int(t, row, 3), den = db_int(t, row, 4);
    bool gt = api_streq(op, "gt"), on_members = api_streq(base, "members");
    if ((!gt && !api_streq(op, "ge")) || (!on_members && !api_streq(base, "present")) || num < 1 || den < 1) {
        db_rollback(req->db);
        http_problem(res, 409,
                     arena_printf(req->mem,
                                  "Khen thưởng %s của đề nghị id %s không có ngưỡng biểu quyết trong bản sao quy tắc"
                                  " của phong trào: chưa kết thúc được phiên họp.",
                                  db_value(t, row, 12), db_value(t, row, 0)));
        return -1;
    }
    long long votes_for = db_int(t, row, 6);
    long long base_count = on_members ? db_int(t, row, 10) : db_int(t, row, 9);
    bool passed = gt ? votes_for * den > num * base_count : votes_for * den >= num * base_count;
    json_t *threshold = json_pack("{s:s, s:I, s:I, s:s, s:I, s:I}", "op", op, "num", (json_int_t)num, "den",
                                  (json_int_t)den, "base", base, "base_count", (json_int_t)base_count, "needed",
                                  (json_int_t)needed_for(gt, num, den, base_count));
    const char *p[] = {session,
                       db_value(t, row, 0),
                       api_streq(kind, "secret") ? "secret" : "open",
                       db_value(t, row, 6),
                       db_value(t, row, 7),
                       db_value(t, row, 8),
                       db_value(t, row, 11),
                       scope_json_text(req, threshold),
                       passed ? "true" : "false"};
    db_result *r = api_run(req, res, &STMT_RESULT, 9, p);
    if (!r)
        return -1;
    db_free(r);
    return 0;
}

static void close_session(request *req, response *res)
{
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *s = council_lock_session(req, res, id);
    if (!s)
        return;
    const char *state = arena_strdup(req->mem, db_value(s, 0, 0));
    db_free(s);
    if (council_require_state(req, res, state, "open") != 0)
        return;
    const char *p[] = {id};
    db_result *r = api_run(req, res, &STMT_CLOSE, 1, p);
    if (!r)
        return;
    db_free(r);
    db_result *t = api_run(req, res, &STMT_TALLY, 1, p);
    if (!t)
        return;
    for (int row = 0; row < db_rows(t); row++) {
        if (close_item(req, res, id, t, row) != 0) {
            db_free(t);
            return;
        }
    }
    db_free(t);
    api_answer_row(req, res, &STMT_MINUTES_ROW, id, 200, council_not_found);
}

/* Does the request ask for the printable record (Accept: text/html)? */
static bool wants_html(const request *req)
{
    const char *accept = http_header(req, "Accept");
    return accept && strstr(accept, "text/html") != NULL;
}

static void html_minutes(request *req, response *res, const char *id, const char *json)
{
    const char *p[] = {id};
    db_result *r = api_run(req, res, &STMT_RECORD, 1, p);
    if (!r)
        return;
    council_record rec = {0};
    if (db_rows(r)) {
        rec.agency_name = db_value(r, 0, 0) ? arena_strdup(req->mem, db_value(r, 0, 0)) : NULL;
        rec.campaign_name = db_value(r, 0, 1) ? arena_strdup(req->mem, db_value(r, 0, 1)) : NULL;
        rec.held_on = db_value(r, 0, 2) ? arena_strdup(req->mem, db_value(r, 0, 2)) : NULL;
        rec.opened_at = db_value(r, 0, 3) ? arena_strdup(req->mem, db_value(r, 0, 3)) : NULL;
        rec.closed_at = db_value(r, 0, 4) ? arena_strdup(req->mem, db_value(r, 0, 4)) : NULL;
    }
    db_free(r);
    json_t *minutes = json_loads(json, 0, NULL);
    char *html = minutes ? council_minutes_html(req->mem, minutes, &rec) : NULL;
    json_decref(minutes);
    if (!html) {
        http_problem(res, 500, "Lỗi máy chủ khi in biên bản.");
        return;
    }
    http_text(res, 200, "text/html; charset=utf-8", html, strlen(html));
}

static void minutes(request *req, response *res)
{
    const char *id = api_itoa(req, req->path_ids[0]);
    const char *p[] = {id};
    db_result *r = api_run(req, res, &STMT_MINUTES, 1, p);
    if (!r)
        return;
    if (db_rows(r) == 0) {
        db_free(r);
        http_problem(res, 404, council_not_found);
        return;
    }
    const char *json = db_value(r, 0, 1) ? arena_strdup(req->mem, db_value(r, 0, 1)) : NULL;
    db_free(r);
    http_set_header(res, "Vary", "Accept");
    if (!json) {
        http_problem(res, 409, "Chưa có biên bản: phiên họp chưa kết thúc, không công bố kết quả khi chưa kiểm phiếu.");
        return;
    }
    if (wants_html(req))
        html_minutes(req, res, id, json);
    else
        http_json_text(res, 200, json);
}

/* A ballot is of the session's members. */
static const route_scope ballot_scope = {
    &council_stmt_scope, council_not_found, false, NULL, SCOPE_NULL_AGENCY, NULL, NULL, &STMT_MEMBER,
    "Chỉ thành viên của phiên họp, có mặt khi khai mạc, mới được bỏ phiếu."};

const route council_vote_routes[] = {
    {"POST", "/api/v1/council-sessions/{id}/open", open_session, ACCESS_DECIDE, BODY_JSON,
     "Khai mạc phiên họp với các thành viên có mặt (đủ túc số theo quy tắc của phong trào)", open_fields, 0, NULL,
     &council_session_scope},
    {"POST", "/api/v1/council-sessions/{id}/ballots", ballot, ACCESS_BALLOT, BODY_JSON,
     "Phiếu của một thành viên có mặt cho cả chương trình (bỏ phiếu kín: chỉ ghi ai đã bỏ phiếu)", ballot_fields, 0,
     NULL, &ballot_scope},
    {"POST", "/api/v1/council-sessions/{id}/close", close_session, ACCESS_DECIDE, BODY_NONE,
     "Kết thúc phiên họp: kiểm phiếu, mỗi đề nghị được đề nghị khen thưởng hoặc không; trả biên bản", NULL, 0, NULL,
     &council_session_scope},
    {"GET", "/api/v1/council-sessions/{id}/minutes", minutes, ACCESS_READ, BODY_NONE,
     "Biên bản họp (JSON; với Accept: text/html là bản in); chỉ sau khi kết thúc", NULL, ROUTE_READ_CONFLICT | ROUTE_REPLICA_OK, NULL,
     &council_session_scope},
    {0},
};
