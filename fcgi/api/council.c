/* api/council.c — the emulation and awards council (awards.md "council
 * sessions", "Secret ballot", "Threshold"): a session of a campaign is
 * planned by the office with its members and its agenda, opened with the
 * members present (quorum), voted by each member present with one ballot
 * for the whole agenda, and closed, which tallies every item against its
 * award's threshold and makes each nomination recommended or
 * not_recommended. council_minutes.c prints the record.
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
 * - an agenda item that is not proposed (or already on this session's
 *   agenda, for a PATCH) is a 409 naming agenda[i]: a workflow state, as
 *   api.md says; so is a public notice not yet satisfied. Bad values (an
 *   unknown nomination, one of another campaign, an award the council
 *   does not vote on, an ineligible subject, held_on outside the
 *   campaign, a member who is not an active council/director of the
 *   agency) are 422 and are reported before any 409;
 * - a session opens only with a non-empty agenda (409);
 * - members are checked when named; opening does not check them again;
 * - the vote kind and threshold of an item are the campaign copy's at the
 *   close (the copy is closed to edits once a session opens);
 * - a ballot answers 201 with Location of the session. */
#include <stdlib.h>
#include <string.h>

#include "api/campaign_scope.h"
#include "api/council.h"
#include "api/resources.h"
#include "eligibility.h"
#include "text.h"

enum { MAX_MEMBERS = 200, MAX_AGENDA = 500 };

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

static const field_def open_fields[] = {
    {"present", FT_JSON, F_REQUIRED, 0, 0, NULL, "Id các thành viên có mặt (trong số thành viên của phiên họp)"},
    {0},
};

static const field_def ballot_fields[] = {
    {"votes", FT_JSON, F_REQUIRED, 0, 0, NULL,
     "Mỗi đề nghị trong chương trình đúng một phiếu: [{\"nomination_id\", \"vote\": for | against | abstain}]"},
    {0},
};

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"state", FT_ENUM, 0, 0, 0, states, "Chỉ các phiên họp ở trạng thái này"},
    {0},
};
enum { Q_STATE = API_Q_FIRST };

/* ------------------------------------------------------------------ JSON */

/* The session object of the contract (contracts.md "Council") for the
 * council_sessions row s. "voted" is turnout only, in the members' order
 * (never the order the ballots came in). */
#define SESSION_JSON(s)                                                                                              \
    "json_build_object('id', " s ".id, 'campaign_id', " s ".campaign_id, 'held_on', " s ".held_on,"                 \
    " 'state', " s ".state,"                                                                                         \
    " 'members', coalesce((SELECT json_agg(m.user_id ORDER BY m.id) FROM council_members m"                         \
    "   WHERE m.session_id = " s ".id), '[]'::json),"                                                                \
    " 'present', coalesce((SELECT json_agg(m.user_id ORDER BY m.id) FROM council_members m"                         \
    "   WHERE m.session_id = " s ".id AND m.present), '[]'::json),"                                                  \
    " 'voted', coalesce((SELECT json_agg(m.user_id ORDER BY m.id) FROM council_members m"                           \
    "   JOIN council_turnout t ON t.session_id = m.session_id AND t.user_id = m.user_id"                             \
    "   WHERE m.session_id = " s ".id), '[]'::json),"                                                                \
    " 'agenda', coalesce((SELECT json_agg(a.nomination_id ORDER BY a.position) FROM council_agenda a"               \
    "   WHERE a.session_id = " s ".id), '[]'::json),"                                                                \
    " 'quorum', (SELECT json_build_object('num', q.num, 'den', q.den, 'required', (q.num * q.n + q.den - 1) / q.den)" \
    "   FROM (SELECT coalesce((r.rules->'quorum'->>'num')::int, 2) AS num,"                                          \
    "                coalesce((r.rules->'quorum'->>'den')::int, 3) AS den,"                                          \
    "                (SELECT count(*) FROM council_members m WHERE m.session_id = " s ".id)::int AS n"               \
    "           FROM (SELECT 1) one LEFT JOIN campaign_award_rules r ON r.campaign_id = " s ".campaign_id) q),"      \
    " 'member_list', coalesce((SELECT json_agg(json_build_object('id', u.id, 'username', u.username,"              \
    "     'full_name', u.full_name, 'role', u.role, 'present', m.present,"                                           \
    "     'voted', EXISTS (SELECT 1 FROM council_turnout t WHERE t.session_id = m.session_id"                        \
    "                      AND t.user_id = m.user_id)) ORDER BY m.id)"                                              \
    "   FROM council_members m JOIN users u ON u.id = m.user_id WHERE m.session_id = " s ".id), '[]'::json),"       \
    " 'agenda_items', coalesce((SELECT json_agg(json_build_object('nomination_id', n.id, 'position', a.position,"  \
    "     'subject_type', n.subject_type, 'subject_id', coalesce(n.staff_id, n.unit_id),"                            \
    "     'subject_name', coalesce(st.full_name, un.name), 'unit_name', coalesce(su.name, un.name),"                \
    "     'award', n.award, 'vote', coalesce(r.rules->'awards'->n.award->'council'->>'vote', 'open'),"              \
    "     'state', n.state) ORDER BY a.position)"                                                                    \
    "   FROM council_agenda a JOIN nominations n ON n.id = a.nomination_id"                                          \
    "   LEFT JOIN staff st ON st.id = n.staff_id LEFT JOIN units su ON su.id = st.unit_id"                          \
    "   LEFT JOIN units un ON un.id = n.unit_id"                                                                     \
    "   LEFT JOIN campaign_award_rules r ON r.campaign_id = n.campaign_id"                                           \
    "   WHERE a.session_id = " s ".id), '[]'::json))"

/* The minutes object of the contract for the closed session s. */
#define MINUTES_JSON(s)                                                                                              \
    "json_build_object('session', " SESSION_JSON(s) ","                                                             \
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

static const char not_found[] = "Không có phiên họp Hội đồng này.";
static const char no_rules[] =
    "Phong trào này không có bộ quy tắc khen thưởng (không bộ nào có hiệu lực vào ngày kết thúc): không xét khen thưởng.";

/* ------------------------------------------------------------ statements */

static const db_stmt STMT_SCOPE = SCOPE_VIA_CAMPAIGN("council_scope", "council_sessions");
/* Route membership (router.h, route_scope.member): $1 session, $2 user. */
static const db_stmt STMT_MEMBER = {
    "council_member",
    "SELECT 1 FROM council_members m JOIN council_sessions s ON s.id = m.session_id"
    " WHERE m.session_id = $1 AND m.user_id = $2 AND (s.state = 'planned' OR m.present)"};

static const db_stmt STMT_LIST = {
    "council_list",
    API_LIST_OF_CAMPAIGN("SELECT s.* FROM council_sessions s WHERE s.campaign_id = $3"
                         " AND ($4::text IS NULL OR s.state = $4)",
                         SESSION_JSON("p"), "held_on, id")};
static const db_stmt STMT_GET = {"council_get", "SELECT " SESSION_JSON("s") " FROM council_sessions s WHERE s.id = $1"};
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
static const db_stmt STMT_STATE = {"council_state", "SELECT state FROM council_sessions WHERE id = $1"};

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

static const db_stmt STMT_AGENDA_IDS = {
    "council_agenda_ids", "SELECT nomination_id FROM council_agenda WHERE session_id = $1 ORDER BY position"};
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

/* --------------------------------------------------------------- helpers */

static bool is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* A list of ids from a JSON body member (field): an array of distinct
 * positive integers, at most max. Appends what is wrong to errors (the
 * field, or field[i]). The ids (in req->mem) and their count; NULL when
 * the member is not an array. */
static long long *id_list(request *req, const json_t *arr, const char *field, size_t max, json_t *errors, size_t *n)
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
static const char *ids_json(request *req, const long long *ids, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        if (ids[i] > 0)
            json_array_append_new(arr, json_integer((json_int_t)ids[i]));
    return scope_json_text(req, arr);
}

/* Runs st; NULL with res filled from the error (and the transaction
 * rolled back). */
static db_result *run(request *req, response *res, const db_stmt *st, int n, const char *const *p)
{
    db_result *r = db_run(req->db, st, n, p);
    if (!r)
        api_db_error(req, res);
    return r;
}

/* Answers the JSON text of the first column of st's row (status), with
 * the open transaction committed first when there is one. */
static void answer_row(request *req, response *res, const db_stmt *st, const char *id, int status)
{
    const char *p[] = {id};
    db_result *r = run(req, res, st, 1, p);
    if (!r)
        return;
    if (db_rows(r) == 0 || !db_value(r, 0, 0)) {
        db_free(r);
        db_rollback(req->db);
        http_problem(res, 404, not_found);
        return;
    }
    const char *json = arena_strdup(req->mem, db_value(r, 0, 0));
    db_free(r);
    if (db_in_transaction(req->db) && api_commit(req, res) != 0)
        return;
    http_json_text(res, status, json);
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
    db_result *r = run(req, res, &STMT_USERS, 2, p);
    if (!r)
        return -1;
    for (int row = 0; row < db_rows(r) && (size_t)row < n; row++) {
        if (ids[row] == 0)
            continue;
        const char *f = arena_printf(req->mem, "members[%d]", row);
        const char *role = db_value(r, row, 2);
        if (!is(db_value(r, row, 1), "t"))
            fields_error(errors, f, arena_printf(req->mem, "Người dùng id %lld không thuộc cơ quan của phong trào", ids[row]),
                         0);
        else if (!is(role, "council") && !is(role, "director"))
            fields_error(errors, f,
                         arena_printf(req->mem,
                                      "Người dùng id %lld có vai trò %s: thành viên Hội đồng phải có vai trò council"
                                      " hoặc director",
                                      ids[row], role ? role : "?"),
                         0);
        else if (!is(db_value(r, row, 3), "t"))
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
    db_result *r = run(req, res, &STMT_LOCK_NOMINATIONS, 2, lp);
    if (!r)
        return -1;
    db_free(r);
    const char *p[] = {list, api_itoa(req, c->id), api_itoa(req, session)};
    r = run(req, res, &STMT_AGENDA_INFO, 3, p);
    if (!r)
        return -1;
    int rc = 0;
    for (int row = 0; row < db_rows(r) && (size_t)row < n && rc == 0; row++) {
        size_t i = (size_t)row;
        if (ids[i] == 0)
            continue;
        const char *f = arena_printf(req->mem, "agenda[%zu]", i);
        const char *state = db_value(r, row, 2), *award = db_value(r, row, 5), *vote = db_value(r, row, 6);
        if (!is(db_value(r, row, 1), "t")) {
            fields_error(errors, f, arena_printf(req->mem, "Đề nghị id %lld không thuộc phong trào này", ids[i]), 0);
            continue;
        }
        if (!is(db_value(r, row, 10), "t")) {
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
        if (is(vote, "none")) {
            fields_error(errors, f,
                         arena_printf(req->mem,
                                      "Khen thưởng %s không do Hội đồng biểu quyết (council vote none): đề nghị id %lld"
                                      " đi thẳng đến quyết định",
                                      award, ids[i]),
                         0);
            continue;
        }
        bool here = is(db_value(r, row, 7), "t");
        if (!is(state, "proposed") && !here)
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
        if (!(r = run(req, res, &STMT_DELETE_MEMBERS, 1, p)))
            return -1;
        db_free(r);
        const char *q[] = {session, members};
        if (!(r = run(req, res, &STMT_INSERT_MEMBERS, 2, q)))
            return -1;
        db_free(r);
    }
    if (agenda) {
        const char *p[] = {session, agenda};
        if (!(r = run(req, res, &STMT_AGENDA_OFF, 2, p)))
            return -1;
        db_free(r);
        r = db_run(req->db, &STMT_AGENDA_ON, 2, p);
        if (!r) {
            const db_error *e = db_last_error(req->db);
            if (e->status == DB_CONFLICT && strcmp(e->constraint, "council_agenda_nomination_key") == 0) {
                db_rollback(req->db);
                http_problem(res, 409, "Một đề nghị của chương trình vừa được đưa ra phiên họp khác.");
                return -1;
            }
            api_db_error(req, res);
            return -1;
        }
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
    answer_row(req, res, &STMT_GET, api_itoa(req, req->path_ids[0]), 200);
}

static void create(request *req, response *res)
{
    field_val v[K_COUNT];
    campaign_ref c;
    if (api_body(req, res, session_fields, v, false) != 0 || scope_campaign(req, res, req->path_ids[0], &c) != 0)
        return;
    json_t *errors = json_array(), *conflicts = json_array();
    size_t nm = 0, na = 0;
    const long long *members = id_list(req, v[K_MEMBERS].j, "members", MAX_MEMBERS, errors, &nm);
    const long long *agenda = id_list(req, v[K_AGENDA].j, "agenda", MAX_AGENDA, errors, &na);
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
    db_result *r = run(req, res, &STMT_INSERT, 3, p);
    if (!r)
        return;
    long long id = db_int(r, 0, 0);
    db_free(r);
    const char *sid = api_itoa(req, id);
    if (write_lists(req, res, sid, ids_json(req, members, nm), ids_json(req, agenda, na)) != 0)
        return;
    api_location(req, res, "/api/v1/council-sessions/%lld", id);
    answer_row(req, res, &STMT_GET, sid, 201);
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
static db_result *lock_session(request *req, response *res, const char *id)
{
    if (api_begin(req, res) != 0)
        return NULL;
    const char *p[] = {id};
    db_result *rules = db_run(req->db, &STMT_RULES_SHARE, 1, p);
    if (!rules) {
        api_db_error(req, res);
        return NULL;
    }
    db_free(rules);
    return api_lock_row(req, res, &STMT_LOCK, id, not_found);
}

/* 409 for a session not in state want (the transaction rolled back). */
static int require_state(request *req, response *res, const char *state, const char *want)
{
    if (is(state, want))
        return 0;
    db_rollback(req->db);
    const char *now = is(state, "planned") ? "chưa mở" : is(state, "open") ? "đang họp" : "đã kết thúc";
    const char *need = is(want, "planned") ? "chỉ làm được khi phiên họp còn ở kế hoạch (planned)"
                       : is(want, "open")  ? "chỉ làm được khi phiên họp đang mở (open)"
                                           : "chỉ làm được sau khi phiên họp kết thúc (closed)";
    http_problem(res, 409, arena_printf(req->mem, "Phiên họp %s: %s.", now, need));
    return -1;
}

static void change(request *req, response *res)
{
    field_val v[K_COUNT];
    if (api_body(req, res, session_fields, v, true) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *s = lock_session(req, res, id);
    if (!s)
        return;
    const char *state = arena_strdup(req->mem, db_value(s, 0, 0));
    long long campaign = db_int(s, 0, 1);
    const char *held_on = v[K_HELD_ON].present ? v[K_HELD_ON].s : arena_strdup(req->mem, db_value(s, 0, 2));
    db_free(s);
    if (require_state(req, res, state, "planned") != 0)
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
        members = id_list(req, v[K_MEMBERS].j, "members", MAX_MEMBERS, errors, &nm);
        if (members && nm == 0)
            fields_error(errors, "members", "phải có ít nhất một thành viên", 0);
    }
    if (v[K_AGENDA].present) {
        agenda = id_list(req, v[K_AGENDA].j, "agenda", MAX_AGENDA, errors, &na);
    } else if (v[K_HELD_ON].present) {
        /* A new day: the agenda as it is must hold on it too. */
        const char *p[] = {id};
        db_result *r = run(req, res, &STMT_AGENDA_IDS, 1, p);
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
        db_result *r = run(req, res, &STMT_HELD_ON, 2, p);
        if (!r)
            return;
        db_free(r);
    }
    if (write_lists(req, res, id, members ? ids_json(req, members, nm) : NULL,
                    v[K_AGENDA].present && agenda ? ids_json(req, agenda, na) : NULL) != 0)
        return;
    answer_row(req, res, &STMT_GET, id, 200);
}

static void open_session(request *req, response *res)
{
    field_val v[1];
    if (api_body(req, res, open_fields, v, false) != 0)
        return;
    json_t *errors = json_array();
    size_t np = 0;
    const long long *present = id_list(req, v[0].j, "present", MAX_MEMBERS, errors, &np);
    if (!present) {
        http_problem_errors(res, 422, "Dữ liệu gửi lên có trường không hợp lệ.", errors);
        return;
    }
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *s = lock_session(req, res, id);
    if (!s) {
        json_decref(errors);
        return;
    }
    const char *state = arena_strdup(req->mem, db_value(s, 0, 0));
    long long agenda = db_int(s, 0, 3), members = db_int(s, 0, 4), num = db_int(s, 0, 5), den = db_int(s, 0, 6);
    db_free(s);
    if (require_state(req, res, state, "planned") != 0) {
        json_decref(errors);
        return;
    }
    const char *p[] = {id};
    db_result *m = run(req, res, &STMT_MEMBER_IDS, 1, p);
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
    const char *q[] = {id, ids_json(req, present, np)};
    db_result *r = run(req, res, &STMT_PRESENT, 2, q);
    if (!r)
        return;
    db_free(r);
    if (!(r = run(req, res, &STMT_OPEN, 1, p)))
        return;
    db_free(r);
    answer_row(req, res, &STMT_GET, id, 200);
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
    if (count > MAX_AGENDA) {
        fields_error(errors, "votes", arena_printf(req->mem, "tối đa %d phiếu", MAX_AGENDA), 0);
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
            if (!is(key, "nomination_id") && !is(key, "vote")) {
                fields_error(errors, arena_printf(req->mem, "%s.%s", f, key), "khóa không dùng ở đây", 0);
                bad = true;
            }
        }
        json_t *nid = json_object_get(it, "nomination_id");
        const char *vote = json_string_value(json_object_get(it, "vote"));
        bool known = false;
        for (const char *const *c = values; *c; c++)
            known |= is(vote, *c);
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
    db_result *s = run(req, res, &STMT_STATE, 1, p);
    if (!s) {
        json_decref(errors);
        return;
    }
    const char *state = db_rows(s) ? arena_strdup(req->mem, db_value(s, 0, 0)) : "";
    db_free(s);
    if (!is(state, "open")) {
        json_decref(errors);
        http_problem(res, 409, "Phiên họp không đang mở: không nhận phiếu.");
        return;
    }
    db_result *agenda = run(req, res, &STMT_AGENDA_IDS, 1, p);
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
    bool gt = is(op, "gt"), on_members = is(base, "members");
    if ((!gt && !is(op, "ge")) || (!on_members && !is(base, "present")) || num < 1 || den < 1) {
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
                       is(kind, "secret") ? "secret" : "open",
                       db_value(t, row, 6),
                       db_value(t, row, 7),
                       db_value(t, row, 8),
                       db_value(t, row, 11),
                       scope_json_text(req, threshold),
                       passed ? "true" : "false"};
    db_result *r = run(req, res, &STMT_RESULT, 9, p);
    if (!r)
        return -1;
    db_free(r);
    return 0;
}

static void close_session(request *req, response *res)
{
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *s = lock_session(req, res, id);
    if (!s)
        return;
    const char *state = arena_strdup(req->mem, db_value(s, 0, 0));
    db_free(s);
    if (require_state(req, res, state, "open") != 0)
        return;
    const char *p[] = {id};
    db_result *r = run(req, res, &STMT_CLOSE, 1, p);
    if (!r)
        return;
    db_free(r);
    db_result *t = run(req, res, &STMT_TALLY, 1, p);
    if (!t)
        return;
    for (int row = 0; row < db_rows(t); row++) {
        if (close_item(req, res, id, t, row) != 0) {
            db_free(t);
            return;
        }
    }
    db_free(t);
    answer_row(req, res, &STMT_MINUTES_ROW, id, 200);
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
    db_result *r = run(req, res, &STMT_RECORD, 1, p);
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
    db_result *r = run(req, res, &STMT_MINUTES, 1, p);
    if (!r)
        return;
    if (db_rows(r) == 0) {
        db_free(r);
        http_problem(res, 404, not_found);
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

/* A session is of its campaign's agency; a ballot is its members'. */
static const route_scope session_scope = {&STMT_SCOPE, not_found, false, NULL, SCOPE_NULL_AGENCY, NULL, NULL};
static const route_scope ballot_scope = {
    &STMT_SCOPE, not_found, false, NULL, SCOPE_NULL_AGENCY, NULL, NULL, &STMT_MEMBER,
    "Chỉ thành viên của phiên họp, có mặt khi khai mạc, mới được bỏ phiếu."};

const route council_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/council-sessions", list, ACCESS_READ, BODY_NONE,
     "Các phiên họp Hội đồng Thi đua - Khen thưởng của phong trào", NULL, 0, list_query, &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/council-sessions", create, ACCESS_OFFICE, BODY_JSON,
     "Lập kế hoạch phiên họp Hội đồng: ngày họp, thành viên, chương trình (đề nghị đủ điều kiện tại ngày họp)",
     session_fields, 0, NULL, &scope_in_campaign},
    {"GET", "/api/v1/council-sessions/{id}", get, ACCESS_READ, BODY_NONE,
     "Một phiên họp Hội đồng (ai đã bỏ phiếu, không có kết quả trước khi kết thúc)", NULL, 0, NULL, &session_scope},
    {"PATCH", "/api/v1/council-sessions/{id}", change, ACCESS_OFFICE, BODY_JSON,
     "Sửa ngày họp, thành viên, chương trình (khi còn planned)", session_fields, 0, NULL, &session_scope},
    {"POST", "/api/v1/council-sessions/{id}/open", open_session, ACCESS_DECIDE, BODY_JSON,
     "Khai mạc phiên họp với các thành viên có mặt (đủ túc số theo quy tắc của phong trào)", open_fields, 0, NULL,
     &session_scope},
    {"POST", "/api/v1/council-sessions/{id}/ballots", ballot, ACCESS_BALLOT, BODY_JSON,
     "Phiếu của một thành viên có mặt cho cả chương trình (bỏ phiếu kín: chỉ ghi ai đã bỏ phiếu)", ballot_fields, 0,
     NULL, &ballot_scope},
    {"POST", "/api/v1/council-sessions/{id}/close", close_session, ACCESS_DECIDE, BODY_NONE,
     "Kết thúc phiên họp: kiểm phiếu, mỗi đề nghị được đề nghị khen thưởng hoặc không; trả biên bản", NULL, 0, NULL,
     &session_scope},
    {"GET", "/api/v1/council-sessions/{id}/minutes", minutes, ACCESS_READ, BODY_NONE,
     "Biên bản họp (JSON; với Accept: text/html là bản in); chỉ sau khi kết thúc", NULL, ROUTE_READ_CONFLICT, NULL,
     &session_scope},
    {0},
};
