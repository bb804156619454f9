#include "pipeline.h"

#include <stdbool.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "dbroute.h"
#include "fields.h"
#include "log.h"
#include "router.h"
#include "text.h"

/* Each step returns 0 to go on, or -1 with res answered. */

/* ROUTE_SESSION_IN_QUERY applies to GET only: there the handler checks
 * the session in its own first query, and the session steps stand aside. */
static bool session_in_query(const request *req)
{
    return (req->route->flags & ROUTE_SESSION_IN_QUERY) && strcmp(req->method, "GET") == 0;
}

static bool session_checked_here(const request *req)
{
    return req->route->access != ACCESS_PUBLIC && !session_in_query(req);
}

/* 404, or 405 naming the methods the path does take. */
static int find_route(request *req, response *res)
{
    const route *r;
    const char *allow = NULL;
    switch (router_find(req, &r, &allow)) {
    case ROUTE_NOT_FOUND:
        http_problem(res, 404, "Không có tài nguyên này.");
        return -1;
    case ROUTE_BAD_METHOD:
        http_problem(res, 405, arena_printf(req->mem, "Đường dẫn này chỉ nhận: %s.", allow));
        http_set_header(res, "Allow", allow);
        return -1;
    case ROUTE_FOUND:
        break;
    }
    req->route = r;
    return 0;
}

static int ensure_database(request *req, response *res)
{
    if ((req->route->flags & ROUTE_NO_DB) || db_ensure(req->db) == 0)
        return 0;
    http_unavailable(res);
    return -1;
}

static int authenticate(request *req, response *res)
{
    if (!session_checked_here(req))
        return 0;
    return auth_require(req, res);
}

static int check_role(request *req, response *res)
{
    if (!session_checked_here(req) || auth_allows(req->user, req->route->access))
        return 0;
    http_problem(res, 403, arena_printf(req->mem, "Vai trò %s không được thực hiện thao tác này.",
                                        auth_role_name(req->user->role)));
    return -1;
}

/* A cookie is sent by the browser on its own, so a write under a cookie
 * session must also show the session's token, which only our page knows. */
static int check_csrf(request *req, response *res)
{
    if (!req->user || !req->user->via_cookie || strcmp(req->method, "GET") == 0)
        return 0;
    const char *h = http_header(req, "X-CSRF-Token");
    if (h && req->user->csrf[0] && auth_token_equal(h, req->user->csrf))
        return 0;
    http_problem(res, 403, "Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token).");
    return -1;
}

/* The content type against what the route takes (415), before a byte of
 * the body is read. */
static bool takes_body(const request *req)
{
    return http_method_has_body(req->method) && req->route->body != BODY_NONE;
}

static int check_content_type(request *req, response *res)
{
    const route *r = req->route;
    if (!takes_body(req))
        return 0;
    bool json = http_content_type_is(req, "application/json");
    bool csv = http_content_type_is(req, "text/csv");
    if ((r->body == BODY_JSON && !json) || (r->body == BODY_CSV && !csv) ||
        (r->body == BODY_JSON_OR_CSV && !json && !csv)) {
        http_problem(res, 415, r->body == BODY_CSV ? "Nội dung phải là text/csv."
                               : r->body == BODY_JSON ? "Nội dung phải là application/json."
                                                      : "Nội dung phải là application/json hoặc text/csv.");
        return -1;
    }
    return 0;
}

/* Reads the body (413 past the limit) only now that the request is let
 * in: a request refused above never costs the worker its body's memory
 * (up to import_body_limit) or the time to read it into memory. What is
 * left unread, the worker discards (worker.c says how, and what this
 * saves). A route that takes no body never reads one. */
static int read_body(request *req, response *res)
{
    http_body_reader from = req->body_from;
    req->body_from = NULL;
    if (!from || !takes_body(req))
        return 0;
    return http_read_body(req, res, pipeline_body_limit(req), from, req->body_ctx);
}

/* The body itself: there (400), UTF-8 (400), and JSON parsed into
 * req->json (400) for a JSON body. */
static int check_body(request *req, response *res)
{
    if (!takes_body(req))
        return 0;
    if (!req->body || req->body_len == 0) {
        http_problem(res, 400, "Thiếu nội dung yêu cầu.");
        return -1;
    }
    if (!text_valid_utf8(req->body, req->body_len)) {
        http_problem(res, 400, "Nội dung không phải UTF-8 hợp lệ.");
        return -1;
    }
    if (!http_content_type_is(req, "application/json"))
        return 0;
    json_error_t err;
    req->json = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &err);
    if (!req->json) {
        http_problem(res, 400, arena_printf(req->mem, "JSON không hợp lệ (dòng %d, cột %d): %s", err.line, err.column, err.text));
        return -1;
    }
    if (!json_is_object(req->json)) {
        http_problem(res, 400, "Nội dung phải là một đối tượng JSON.");
        return -1;
    }
    return 0;
}

/* The declared fields of a JSON body (route.fields; a PATCH's given ones
 * only): every bad field named at once (422), before the scope step looks
 * at the units and agencies a body names, so that a body naming another
 * agency's unit is answered like one naming a unit that does not exist.
 * The handler reads the typed values with api_body. */
static int check_fields(request *req, response *res)
{
    const route *r = req->route;
    if (!req->json || !r->fields)
        return 0;
    int n = fields_count(r->fields);
    field_val *vals = arena_alloc(req->mem, (size_t)(n ? n : 1) * sizeof *vals);
    const char *texts[] = {req->body, NULL};
    json_t *errors = json_array();
    if (fields_from_json(req->mem, r->fields, req->json, texts, vals, errors, strcmp(req->method, "PATCH") == 0) == 0) {
        json_decref(errors);
        req->body_vals = vals;
        return 0;
    }
    http_problem_errors(res, 422, "Dữ liệu gửi lên có trường không hợp lệ.", errors);
    return -1;
}

/* The declared query parameters (router_query). A route that checks the
 * session in its own query has not checked it yet: a refused parameter
 * is still an answer for someone logged in only, else a 401. */
static int check_query(request *req, response *res)
{
    if (router_query(req, res) == 0)
        return 0;
    if (session_in_query(req) && req->route->access != ACCESS_PUBLIC) {
        response unauthenticated = {.mem = res->mem};
        if (auth_require(req, &unauthenticated) != 0)
            *res = unauthenticated;
    }
    return -1;
}

/* The object the request touches, within the user's scope (route.scope,
 * auth_route_scope): 404 when there is none, 403 when it is not theirs. */
static int check_scope(request *req, response *res)
{
    return auth_route_scope(req, res);
}

/* After the handler: a ROUTE_SESSION_IN_QUERY handler that answered
 * without accepting a session (auth_accept) would have served anyone. */
static void check_session_accepted(request *req, response *res)
{
    const route *r = req->route;
    if (session_in_query(req) && r->access != ACCESS_PUBLIC && !req->user && res->status < 400) {
        log_error("%s %s answered without accepting a session", r->method, r->pattern);
        http_problem(res, 500, "Lỗi máy chủ.");
    }
}

/* After the handler: the connection serves the next request, which must
 * not run inside a transaction this one forgot. */
static void close_forgotten_transaction(request *req)
{
    if (req->db && db_in_transaction(req->db)) {
        log_error("%s %s left a transaction open", req->route->method, req->route->pattern);
        db_rollback(req->db);
    }
}

/* A ROUTE_REPLICA_OK GET: the database its handler reads from (dbroute.h),
 * the primary's connection (req->db) unless a replica may serve it; its
 * name in *name. */
static struct db *choose_database(request *req, const char **name)
{
    *name = NULL;
    if (!(req->route->flags & ROUTE_REPLICA_OK) || strcmp(req->method, "GET") != 0 || !req->db)
        return req->db;
    const char *hash = req->user ? req->user->token_hash_hex : NULL;
    if (!hash && req->route->access != ACCESS_PUBLIC) {
        response scratch = {.mem = req->mem};
        if (auth_session_hash(req, &scratch, &hash) != 0)
            hash = NULL;
    }
    struct db *replica = dbroute_choose(req->db, hash, req->route->access != ACCESS_PUBLIC, name);
    return replica ? replica : req->db;
}

/* After a write that went through (not a GET, below 400): the WAL
 * position after its commit, in Thidua-Commit-LSN and in the session. */
static void record_write(request *req, response *res)
{
    if (!req->db || strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0 ||
        (req->route->flags & ROUTE_NO_DB) || res->status == 0 || res->status >= 400)
        return;
    const char *session = req->write_session ? req->write_session : req->user ? req->user->token_hash_hex : NULL;
    const char *lsn = dbroute_record_write(req->db, session, req->mem);
    if (lsn)
        http_set_header(res, "Thidua-Commit-LSN", lsn);
}

/* The steps and the handler; *db_name: the database that served a
 * ROUTE_REPLICA_OK route's handler (NULL when it did not run). */
static void handle(request *req, response *res, const char **db_name)
{
    /* One step a line, in this order: each may rely on those above it. */
    if (find_route(req, res) != 0 ||
        ensure_database(req, res) != 0 ||
        authenticate(req, res) != 0 ||
        check_role(req, res) != 0 ||
        check_csrf(req, res) != 0 ||
        check_content_type(req, res) != 0 ||
        read_body(req, res) != 0 ||
        check_body(req, res) != 0 ||
        check_fields(req, res) != 0 ||
        check_query(req, res) != 0 ||
        check_scope(req, res) != 0)
        return;
    struct db *primary = req->db;
    req->primary = primary;
    req->db = choose_database(req, db_name);
    req->route->handler(req, res);
    check_session_accepted(req, res);
    close_forgotten_transaction(req);
    req->db = primary;
    record_write(req, res);
}

void pipeline_handle(request *req, response *res)
{
    const char *db_name = NULL;
    handle(req, res, &db_name);
    /* A route that may read from a replica says which database answered,
     * a refusal before its handler (401, 403, 404...) included: the
     * primary's. */
    if (req->route && (req->route->flags & ROUTE_REPLICA_OK) && strcmp(req->method, "GET") == 0)
        http_set_header(res, "Thidua-Database", db_name ? db_name : "primary");
}

size_t pipeline_body_limit(const request *req)
{
    size_t n = strlen(req->path);
    bool import = n > 7 && strcmp(req->path + n - 7, "/import") == 0;
    return import ? req->cfg->import_body_limit : req->cfg->body_limit;
}
