/* api/nomination_comments.c — comments from the public on a nomination
 * (ý kiến góp ý, awards.md "Public notice"): the office enters each one
 * as received and its answer; a decision is refused (422) while one is
 * unanswered (api/award_decisions.c).
 *
 * A comment is taken while the nomination is still before the decision
 * (proposed, in_session, recommended); an answer may be given or
 * corrected until then too. Both lock the nomination FOR UPDATE, so a
 * comment and a decision on it wait for each other: a comment is never
 * added behind a decision that did not see it. received_on and
 * answered_on are not after today (Asia/Ho_Chi_Minh); an answer is not
 * dated before its comment. */
#include "api/nominations.h"
#include "api/resources.h"
#include "text.h"

static const field_def comment_fields[] = {
    {"author", FT_STRING, F_NULLABLE, 0, 200, NULL, "Người góp ý (có thể để trống)"},
    {"body", FT_TEXT, F_REQUIRED, 1, 4000, NULL, "Nội dung góp ý"},
    {"received_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày nhận góp ý (không sau hôm nay)"},
    {0},
};
enum { K_AUTHOR, K_BODY, K_RECEIVED, K_COUNT };

static const field_def answer_fields[] = {
    {"answer", FT_TEXT, F_REQUIRED, 1, 4000, NULL, "Nội dung trả lời"},
    {"answered_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày trả lời (từ ngày nhận góp ý đến hôm nay)"},
    {0},
};
enum { A_ANSWER, A_ON, A_COUNT };

#define COMMENT_JSON(c)                                                                                          \
    "json_build_object('id', " c ".id, 'nomination_id', " c ".nomination_id, 'author', " c ".author, 'body', " c \
    ".body, 'received_on', " c ".received_on, 'answer', " c ".answer, 'answered_on', " c ".answered_on,"         \
    " 'created_by', " c ".created_by, 'answered_by', " c ".answered_by)"

static const char missing[] = "Không có ý kiến góp ý này.";

static const db_stmt STMT_LIST = {
    "nomination_comments_list",
    API_LIST_SQL("SELECT * FROM nomination_comments WHERE nomination_id = $3", COMMENT_JSON("p"), "received_on, id")
    " FROM nominations WHERE nominations.id = $3"};
/* The nomination locked, with today in Asia/Ho_Chi_Minh. */
static const db_stmt STMT_LOCK = {
    "nomination_comments_lock",
    "SELECT n.state, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date FROM nominations n WHERE n.id = $1 FOR UPDATE"};
static const db_stmt STMT_INSERT = {
    "nomination_comments_insert",
    "INSERT INTO nomination_comments (nomination_id, author, body, received_on, created_by)"
    " VALUES ($1, $2, $3, $4, nullif($5::bigint, 0)) RETURNING id, " COMMENT_JSON("nomination_comments")};
/* The comment's nomination, locked, with the comment's received_on and today. */
static const db_stmt STMT_LOCK_COMMENT = {
    "nomination_comments_lock_comment",
    "SELECT n.state, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, x.received_on FROM nomination_comments x"
    " JOIN nominations n ON n.id = x.nomination_id WHERE x.id = $1 FOR UPDATE OF n"};
static const db_stmt STMT_ANSWER = {
    "nomination_comments_answer",
    "UPDATE nomination_comments SET answer = $2, answered_on = $3, answered_by = nullif($4::bigint, 0)"
    " WHERE id = $1 RETURNING " COMMENT_JSON("nomination_comments")};
static const db_stmt STMT_SCOPE = {
    "nomination_comments_scope",
    "SELECT c.agency_id, coalesce(s.unit_id, n.unit_id) FROM nomination_comments x"
    " JOIN nominations n ON n.id = x.nomination_id JOIN campaigns c ON c.id = n.campaign_id"
    " LEFT JOIN staff s ON s.id = n.staff_id WHERE x.id = $1"};

/* Comments are taken and answered before the decision only. */
static bool open_state(const char *state)
{
    return strcmp(state, "proposed") == 0 || strcmp(state, "in_session") == 0 || strcmp(state, "recommended") == 0;
}

/* Text of spaces and line breaks only: the tables refuse it (btrim). */
static bool blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

static int refuse_state(request *req, response *res, const char *state)
{
    db_rollback(req->db);
    http_problem(res, 409,
                 arena_printf(req->mem,
                              "Đề nghị đang ở trạng thái %s: chỉ nhận và trả lời góp ý trước khi quyết định "
                              "(proposed, in_session, recommended).",
                              state));
    return -1;
}

static void list(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_list(req, res, &STMT_LIST, 1, p, nominations_not_found);
}

static void create(request *req, response *res)
{
    field_val v[K_COUNT];
    if (api_body(req, res, comment_fields, v, false) != 0)
        return;
    if (blank(v[K_BODY].s)) {
        http_field_error(res, 422, "body", "không được để trống");
        return;
    }
    if (api_begin(req, res) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *r = api_lock_row(req, res, &STMT_LOCK, id, nominations_not_found);
    if (!r)
        return;
    const char *state = arena_strdup(req->mem, db_value(r, 0, 0));
    const char *today = arena_strdup(req->mem, db_value(r, 0, 1));
    db_free(r);
    if (!open_state(state)) {
        refuse_state(req, res, state);
        return;
    }
    if (strcmp(v[K_RECEIVED].s, today) > 0) {
        db_rollback(req->db);
        http_field_error(res, 422, "received_on",
                         arena_printf(req->mem, "không được sau hôm nay (%s)", text_date_vi(req->mem, today)));
        return;
    }
    const char *p[] = {id, v[K_AUTHOR].s, v[K_BODY].s, v[K_RECEIVED].s, api_itoa(req, req->user ? req->user->id : 0)};
    api_write_commit(req, res, &STMT_INSERT, 5, p, "/api/v1/nomination-comments/%lld");
}

static void answer(request *req, response *res)
{
    field_val v[A_COUNT];
    if (api_body(req, res, answer_fields, v, false) != 0)
        return;
    if (blank(v[A_ANSWER].s)) {
        http_field_error(res, 422, "answer", "không được để trống");
        return;
    }
    if (api_begin(req, res) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *r = api_lock_row(req, res, &STMT_LOCK_COMMENT, id, missing);
    if (!r)
        return;
    const char *state = arena_strdup(req->mem, db_value(r, 0, 0));
    const char *today = arena_strdup(req->mem, db_value(r, 0, 1));
    const char *received = arena_strdup(req->mem, db_value(r, 0, 2));
    db_free(r);
    if (!open_state(state)) {
        refuse_state(req, res, state);
        return;
    }
    const char *why = NULL;
    if (strcmp(v[A_ON].s, received) < 0)
        why = arena_printf(req->mem, "không được trước ngày nhận góp ý (%s)", text_date_vi(req->mem, received));
    else if (strcmp(v[A_ON].s, today) > 0)
        why = arena_printf(req->mem, "không được sau hôm nay (%s)", text_date_vi(req->mem, today));
    if (why) {
        db_rollback(req->db);
        http_field_error(res, 422, "answered_on", why);
        return;
    }
    const char *p[] = {id, v[A_ANSWER].s, v[A_ON].s, api_itoa(req, req->user ? req->user->id : 0)};
    api_write_commit(req, res, &STMT_ANSWER, 4, p, NULL);
}

static const route_scope comment_scope = {&STMT_SCOPE, missing, false, NULL, SCOPE_NULL_AGENCY, NULL, NULL};

const route nomination_comments_routes[] = {
    {"GET", "/api/v1/nominations/{id}/comments", list, ACCESS_READ, BODY_NONE,
     "Ý kiến góp ý của công chúng về đề nghị và câu trả lời", NULL, ROUTE_REPLICA_OK, api_page_query, &nominations_scope},
    {"POST", "/api/v1/nominations/{id}/comments", create, ACCESS_OFFICE, BODY_JSON,
     "Văn phòng ghi nhận một ý kiến góp ý về đề nghị (trước khi quyết định)", comment_fields, 0, NULL,
     &nominations_scope},
    {"PATCH", "/api/v1/nomination-comments/{id}", answer, ACCESS_OFFICE, BODY_JSON,
     "Trả lời (hoặc sửa câu trả lời) một ý kiến góp ý, trước khi quyết định", answer_fields, 0, NULL, &comment_scope},
    {0},
};
