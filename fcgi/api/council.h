/* api/council.h — what the council's files share: council.c (sessions,
 * their members and agenda), council_vote.c (open, ballots, close,
 * minutes) and council_minutes.c (the printable "Biên bản"). */
#ifndef THIDUA_API_COUNCIL_H
#define THIDUA_API_COUNCIL_H
#include <jansson.h>

#include "api/common.h"
#include "arena.h"

/* The most members of a session, and items of its agenda (or votes of a
 * ballot). */
enum { COUNCIL_MAX_MEMBERS = 200, COUNCIL_MAX_AGENDA = 500 };

/* The session object of the contract (contracts.md "Council") for the
 * council_sessions row s. "voted" is turnout only, in the members' order
 * (never the order the ballots came in). */
#define COUNCIL_SESSION_JSON(s)                                                                                      \
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


/* "Không có phiên họp Hội đồng này.": the 404 of every session route. */
extern const char council_not_found[];
/* The route scope of /council-sessions/{id}...: the campaign's agency. */
extern const route_scope council_session_scope;
/* Agency of session $1 (SCOPE_VIA_CAMPAIGN), for a route_scope. */
extern const db_stmt council_stmt_scope;
/* The agenda of session $1: nomination_id per row, by position. */
extern const db_stmt council_stmt_agenda_ids;

/* A list of ids from a JSON body member (field): an array of distinct
 * positive integers, at most max. Appends what is wrong to errors (the
 * field, or field[i]; a bad id is 0 in the list). The ids (in req->mem,
 * nothing to free) and their count in n; NULL when arr is not an array
 * or is longer than max. */
long long *council_id_list(request *req, const json_t *arr, const char *field, size_t max, json_t *errors, size_t *n);
/* ids as a JSON array text in req->mem (zeros, the bad ones, left out). */
const char *council_ids_json(request *req, const long long *ids, size_t n);

/* Answers session id (text) as GET /council-sessions/{id} does, with
 * status, committing the open transaction first when there is one; 404
 * when there is no such session. */
void council_answer_session(request *req, response *res, const char *id, int status);
/* Locks session id (the rules of its campaign FOR SHARE first) in a new
 * transaction: its row (state, campaign_id, held_on, agenda size, member
 * count, quorum num, quorum den), which the caller frees with db_free; or
 * NULL with res filled and the transaction rolled back (404 when none). */
db_result *council_lock_session(request *req, response *res, const char *id);
/* 0 when state is want; else -1 with a 409 in res and the transaction
 * rolled back. */
int council_require_state(request *req, response *res, const char *state, const char *want);

/* What the printed record says besides the minutes JSON. Every member is
 * text as stored (the printer escapes it); NULL prints as nothing. */
typedef struct council_record {
    const char *agency_name;
    const char *campaign_name;
    const char *held_on;   /* YYYY-MM-DD */
    const char *opened_at; /* "08 giờ 30", Asia/Ho_Chi_Minh */
    const char *closed_at;
} council_record;

/* The printable "Biên bản họp Hội đồng Thi đua - Khen thưởng" of a closed
 * session: minutes is the minutes object of the contract (borrowed).
 * A whole HTML document (UTF-8) in a, or NULL when out of memory. Every
 * datum is HTML-escaped; secret items show counts only, open items list
 * each member's vote by name. */
char *council_minutes_html(arena *a, const json_t *minutes, const council_record *rec);

/* "66,67 %": n of d as a Vietnamese percentage with two places, rounded
 * half up, in integers (d > 0; n >= 0). In a. */
char *council_percent_vi(arena *a, long long n, long long d);

#endif
