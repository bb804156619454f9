#include "worker.h"

#include <errno.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth.h"
#include "db.h"
#include "log.h"
#include "metrics.h"
#include "router.h"
#include "text.h"

static volatile sig_atomic_t stop_requested;

static void on_term(int sig)
{
    (void)sig;
    stop_requested = 1;
    FCGX_ShutdownPending();
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool method_has_body(const char *m)
{
    return strcmp(m, "POST") == 0 || strcmp(m, "PATCH") == 0 || strcmp(m, "PUT") == 0;
}

/* Checks the body against what the route takes; parses JSON. 0 or -1 with
 * res filled. */
static int check_body(request *req, response *res)
{
    const route *r = req->route;
    if (!method_has_body(req->method) || r->body == BODY_NONE)
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
    if (!req->body || req->body_len == 0) {
        http_problem(res, 400, "Thiếu nội dung yêu cầu.");
        return -1;
    }
    if (!text_valid_utf8(req->body, req->body_len)) {
        http_problem(res, 400, "Nội dung không phải UTF-8 hợp lệ.");
        return -1;
    }
    if (!json)
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

static int check_csrf(request *req, response *res)
{
    if (!req->user || !req->user->via_cookie || strcmp(req->method, "GET") == 0)
        return 0;
    const char *h = http_header(req, "X-CSRF-Token");
    if (h && req->user->csrf[0] && strcmp(h, req->user->csrf) == 0)
        return 0;
    http_problem(res, 403, "Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token).");
    return -1;
}

/* A request refused for its parameters (res holds the 400) on a route that
 * checks the session in its own query is still one of someone logged in,
 * or it is a 401 like any other. */
static void needs_session(request *req, response *res)
{
    int st = auth_authenticate(req);
    if (st == 0)
        return;
    if (st == 503) {
        http_problem(res, 503, "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau.");
        http_set_header(res, "Retry-After", "5");
        return;
    }
    http_problem(res, 401, "Cần đăng nhập (phiên không có, sai hoặc đã hết hạn).");
    http_set_header(res, "WWW-Authenticate", "Bearer");
}

void worker_handle(request *req, response *res)
{
    const route *r;
    const char *allow = NULL;
    switch (router_find(req, &r, &allow)) {
    case ROUTE_NOT_FOUND:
        http_problem(res, 404, "Không có tài nguyên này.");
        return;
    case ROUTE_BAD_METHOD:
        http_problem(res, 405, arena_printf(req->mem, "Đường dẫn này chỉ nhận: %s.", allow));
        http_set_header(res, "Allow", allow);
        return;
    case ROUTE_FOUND:
        break;
    }
    req->route = r;
    if (!(r->flags & ROUTE_NO_DB) && db_ensure(req->db) != 0) {
        http_problem(res, 503, "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau.");
        http_set_header(res, "Retry-After", "5");
        return;
    }
    /* ROUTE_SESSION_IN_QUERY: GET only, the handler checks the session. */
    bool session_in_query = (r->flags & ROUTE_SESSION_IN_QUERY) && strcmp(req->method, "GET") == 0;
    if (r->access != ACCESS_PUBLIC && !session_in_query) {
        int st = auth_authenticate(req);
        if (st == 503) {
            http_problem(res, 503, "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau.");
            http_set_header(res, "Retry-After", "5");
            return;
        }
        if (st != 0) {
            http_problem(res, st == 401 ? 401 : 500, "Cần đăng nhập (phiên không có, sai hoặc đã hết hạn).");
            http_set_header(res, "WWW-Authenticate", "Bearer");
            return;
        }
        if (!auth_allows(req->user, r->access)) {
            http_problem(res, 403, arena_printf(req->mem, "Vai trò %s không được thực hiện thao tác này.",
                                                auth_role_name(req->user->role)));
            return;
        }
        if (check_csrf(req, res) != 0)
            return;
    }
    if (check_body(req, res) != 0)
        return;
    if (router_query(req, res) != 0) {
        if (session_in_query)
            needs_session(req, res);
        return;
    }
    if (auth_route_scope(req, res) != 0)
        return;
    r->handler(req, res);
    if (session_in_query && r->access != ACCESS_PUBLIC && !req->user && res->status < 400) {
        log_error("%s %s answered without accepting a session", r->method, r->pattern);
        http_problem(res, 500, "Lỗi máy chủ.");
    }
    if (req->db && db_in_transaction(req->db)) {
        /* A handler that forgot its transaction must not leave it open. */
        log_error("%s %s left a transaction open", r->method, r->pattern);
        db_rollback(req->db);
    }
}

/* Reads the body up to the route's limit; 0, or -1 with res filled (413). */
static int read_body(FCGX_Request *fr, request *req, response *res, size_t limit)
{
    if (req->content_length > (long long)limit) {
        http_problem(res, 413, arena_printf(req->mem, "Nội dung vượt quá giới hạn %zu byte.", limit));
        return -1;
    }
    size_t want = req->content_length >= 0 ? (size_t)req->content_length : limit + 1;
    if (want == 0)
        return 0;
    char *buf = arena_alloc(req->mem, want + 1);
    size_t got = 0;
    while (got < want) {
        int n = FCGX_GetStr(buf + got, (int)(want - got > (1 << 20) ? (1 << 20) : want - got), fr->in);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got > limit) {
        http_problem(res, 413, arena_printf(req->mem, "Nội dung vượt quá giới hạn %zu byte.", limit));
        return -1;
    }
    buf[got] = '\0';
    req->body = buf;
    req->body_len = got;
    return 0;
}

static bool is_import_path(const char *path)
{
    size_t n = strlen(path);
    return n > 7 && strcmp(path + n - 7, "/import") == 0;
}

static void write_response(FCGX_Request *fr, const response *res)
{
    FCGX_FPrintF(fr->out, "Status: %d %s\r\n", res->status, http_reason(res->status));
    if (res->content_type)
        FCGX_FPrintF(fr->out, "Content-Type: %s; charset=utf-8\r\n", res->content_type);
    if (res->status != 304 && res->status != 204) {
        /* libfcgi's printf knows no %zu: it wrote "Content-Length: " and
         * swallowed the rest of the line, so nginx saw no length and lost
         * the header after it. */
        char line[48];
        snprintf(line, sizeof line, "Content-Length: %zu\r\n", res->body_len);
        FCGX_PutS(line, fr->out);
    }
    /* Nothing is cached unless the handler says how (ETag answers do). */
    bool cache_control = false;
    for (const http_field *h = res->headers; h; h = h->next) {
        FCGX_FPrintF(fr->out, "%s: %s\r\n", h->name, h->value);
        cache_control = cache_control || strcasecmp(h->name, "Cache-Control") == 0;
    }
    if (!cache_control)
        FCGX_PutS("Cache-Control: no-store\r\n", fr->out);
    FCGX_PutS("\r\n", fr->out);
    if (res->body_len && res->status != 304 && res->status != 204)
        FCGX_PutStr(res->body, (int)res->body_len, fr->out);
}

static void serve_one(FCGX_Request *fr, const config *cfg, db *d, arena *mem)
{
    double start = now_seconds();
    request req = {0};
    response res = {0};
    req.mem = res.mem = mem;
    req.env = fr->envp;
    req.db = d;
    req.cfg = cfg;
    req.method = FCGX_GetParam("REQUEST_METHOD", fr->envp);
    const char *uri = FCGX_GetParam("REQUEST_URI", fr->envp);
    const char *qs = FCGX_GetParam("QUERY_STRING", fr->envp);
    const char *ct = FCGX_GetParam("CONTENT_TYPE", fr->envp);
    const char *cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
    const char *ra = FCGX_GetParam("REMOTE_ADDR", fr->envp);
    if (!req.method)
        req.method = "GET";
    if (!uri)
        uri = "/";
    const char *q = strchr(uri, '?');
    req.path = q ? arena_strndup(mem, uri, (size_t)(q - uri)) : uri;
    req.query = qs ? qs : "";
    req.content_type = ct ? ct : "";
    req.remote_addr = ra ? ra : "";
    req.content_length = -1;
    if (cl && *cl) {
        char *end;
        errno = 0;
        long long n = strtoll(cl, &end, 10);
        req.content_length = (errno || *end || n < 0) ? (long long)cfg->import_body_limit + 1 : n;
    }
    unsigned long reconnects = db_reconnects(d);
    size_t limit = is_import_path(req.path) ? cfg->import_body_limit : cfg->body_limit;
    if (read_body(fr, &req, &res, limit) == 0)
        worker_handle(&req, &res);
    if (res.status == 0)
        http_problem(&res, 500, "Lỗi máy chủ.");
    write_response(fr, &res);
    if (db_reconnects(d) != reconnects)
        metrics_db_reconnect();
    double took = now_seconds() - start;
    metrics_request(req.route ? router_index(req.route) : router_count(), res.status, took);
    log_info("%s %s %d %.1fms %s", req.method, req.path, res.status, took * 1000.0,
             req.user ? req.user->username : "-");
    if (req.json)
        json_decref(req.json);
}

int worker_run(const config *cfg, int listen_fd)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL); /* no SA_RESTART: accept() returns EINTR */
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    sigset_t term, none;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    /* Answers of megabytes (the per-unit scorecard of a large agency) are
     * allocated from fresh mappings and given back when freed: glibc's
     * default raises its threshold after the first one and then keeps up
     * to twice that much in the heap, which a worker's memory would show
     * for the rest of its life. */
    mallopt(M_MMAP_THRESHOLD, 512 * 1024);
    if (FCGX_Init() != 0) {
        log_error("FCGX_Init failed");
        return 1;
    }
    db *d = db_open(cfg->database_url);
    arena mem = {0};
    FCGX_Request fr;
    FCGX_InitRequest(&fr, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
    while (!stop_requested) {
        int rc = FCGX_Accept_r(&fr);
        if (rc < 0) {
            if (stop_requested)
                break;
            if (rc == -EINTR)
                continue;
            log_error("accept failed: %d", rc);
            break;
        }
        /* An in-flight request finishes whatever signal comes. */
        sigprocmask(SIG_BLOCK, &term, NULL);
        serve_one(&fr, cfg, d, &mem);
        FCGX_Finish_r(&fr);
        arena_reset(&mem);
        sigprocmask(SIG_UNBLOCK, &term, NULL);
    }
    FCGX_Free(&fr, 1);
    arena_free(&mem);
    db_close(d);
    log_info("worker stopped");
    return 0;
}
