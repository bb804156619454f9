/* worker.c — see worker.h.
 *
 * The body is read after the session. The worker builds the request from
 * the FastCGI parameters alone and leaves the body on the socket
 * (req->body_from); the pipeline reads it only once the route, the
 * database, the session, the role, the CSRF token and the content type
 * have let the request in (pipeline.h). Measured on 2 cores, an
 * unauthenticated 30 MB POST /staff/import through nginx (plain build,
 * curl without Expect, three runs):
 *   body read first (before):  the worker busy 71-93 ms, 30-40 ms of CPU,
 *                              30 MB read, peak RSS 4 -> 33 MB; 0.17-0.23 s
 *                              for the client
 *   session first (now):       the worker busy 0.1-0.2 ms, no CPU tick,
 *                              230 KB read (what sat in the socket), peak
 *                              RSS unchanged; 0.06-0.07 s for the client
 * In both, nginx (fastcgi_request_buffering on, its default) takes the
 * whole upload first, writing it to a temporary file (50-90 ms of its
 * CPU), and only then passes the request on: a worker never waits on a
 * slow client. Turning buffering off for the imports would let a 401 go
 * out before the upload ends, but would tie a worker, of which there are
 * as many as cores, to every slow authorised upload for as long as it
 * lasts; it stays on.
 * nginx auth_request (a session check before nginx reads the body) was
 * measured too: 1-3 ms for the client, nothing uploaded with Expect:
 * 100-continue, 2-3 MB without. It was not chosen: it costs every import
 * a second request and session lookup, puts a second session rule in the
 * nginx configuration beside the pipeline, answers with nginx's own 401
 * (no problem+json, no WWW-Authenticate) and turns a 503 of the check into
 * a 500; what it saves beyond this is nginx's own work, which
 * client_max_body_size already bounds. */
#include "worker.h"

#include <errno.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db.h"
#include "dbroute.h"
#include "listen.h"
#include "log.h"
#include "metrics.h"
#include "pipeline.h"
#include "router.h"

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

/* http_body_reader over the request's FastCGI stdin. */
static int read_stdin(void *ctx, char *buf, int n)
{
    return FCGX_GetStr(buf, n, ctx);
}

/* A body that the pipeline left unread (a request refused before its body
 * step) is not read here: libfcgi, closing the connection at
 * FCGX_Finish_r (nginx's fastcgi_keep_conn is off), shuts down its
 * sending side and reads until nginx closes, and nginx closes as soon as
 * it has the whole answer: it stops sending the rest of the body. On a
 * connection kept open, the rest of the body would be read as the next
 * request's records, so a request whose body was not read to its end
 * never keeps it. One read: the end-of-body record when the body was
 * read, a byte of the body when it was not. */
static void close_if_body_unread(FCGX_Request *fr)
{
    if (FCGX_GetChar(fr->in) != EOF)
        fr->keepConnection = 0;
}

static void write_response(FCGX_Request *fr, const response *res)
{
    FCGX_FPrintF(fr->out, "Status: %d %s\r\n", res->status, http_reason(res->status));
    if (res->content_type) {
        char type[256];
        http_content_type_line(res->content_type, type, sizeof type);
        FCGX_FPrintF(fr->out, "Content-Type: %s\r\n", type);
    }
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
    req.body_from = read_stdin;
    req.body_ctx = fr->in;
    unsigned long reconnects = db_reconnects(d);
    pipeline_handle(&req, &res);
    close_if_body_unread(fr);
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

/* The next connection: waits on both listeners until one has a peer
 * (another worker may take it first: EAGAIN, wait again). A TCP peer that
 * listen_allow does not name is logged and closed. The connected
 * descriptor, or -1 when stopping. */
static int next_connection(int unix_fd, int tcp_fd, const listen_allow *allow)
{
    struct pollfd p[2];
    int n = 0;
    if (unix_fd >= 0)
        p[n++] = (struct pollfd){.fd = unix_fd, .events = POLLIN};
    if (tcp_fd >= 0)
        p[n++] = (struct pollfd){.fd = tcp_fd, .events = POLLIN};
    while (!stop_requested) {
        if (poll(p, (nfds_t)n, -1) < 0) {
            if (errno != EINTR)
                log_error("poll failed: %s", strerror(errno));
            continue;
        }
        for (int i = 0; i < n && !stop_requested; i++) {
            if (!(p[i].revents & POLLIN))
                continue;
            struct sockaddr_storage peer;
            socklen_t len = sizeof peer;
            int c = accept4(p[i].fd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
            if (c < 0) {
                /* Taken by another worker, or the peer left: wait again.
                 * Anything else (out of descriptors) is logged, and the
                 * worker pauses instead of spinning on it. */
                if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED && errno != EINTR) {
                    log_error("accept failed: %s", strerror(errno));
                    struct timespec pause = {0, 100 * 1000 * 1000};
                    nanosleep(&pause, NULL);
                }
                continue;
            }
            if (p[i].fd == tcp_fd) {
                if (!listen_allowed(allow, (struct sockaddr *)&peer, len)) {
                    char who[64];
                    log_error("refused a FastCGI connection from %s (not in listen_allow)",
                              listen_peer_text((struct sockaddr *)&peer, len, who, sizeof who));
                    close(c);
                    continue;
                }
                int one = 1;
                setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            }
            return c;
        }
    }
    return -1;
}

int worker_run(const config *cfg, int unix_fd, int tcp_fd)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL); /* no SA_RESTART: poll() returns EINTR */
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
    listen_allow allow;
    memset(&allow, 0, sizeof allow);
    char err[256];
    if (tcp_fd >= 0 && listen_parse_allow(cfg->listen_allow, &allow, err, sizeof err) != 0) {
        log_error("%s", err);
        return 1;
    }
    if (FCGX_Init() != 0) {
        log_error("FCGX_Init failed");
        return 1;
    }
    db *d = db_open(cfg->database_url);
    dbroute_init(cfg);
    arena mem = {0};
    FCGX_Request fr;
    /* No listening socket of libfcgi's own: the connection is ours
     * (next_connection) and libfcgi reads the request from it. Should
     * libfcgi find it closed before a request, it would accept on -1 and
     * return an error: back to waiting. */
    FCGX_InitRequest(&fr, -1, FCGI_FAIL_ACCEPT_ON_INTR);
    while (!stop_requested) {
        if (fr.ipcFd < 0) {
            int c = next_connection(unix_fd, tcp_fd, &allow);
            if (c < 0)
                break;
            fr.ipcFd = c;
            /* FCGX_Accept_r first finishes the previous request, closing
             * the connection unless kept: keep this new one. */
            fr.keepConnection = 1;
            /* A connection once taken from the listener is answered: a
             * SIGTERM (the drain of a reload) waits while its request is
             * read, else the read fails with EINTR and nginx, its request
             * already sent, answers 502. Only a kept connection, waiting
             * for a next request that may never come, stays interruptible. */
            sigprocmask(SIG_BLOCK, &term, NULL);
        }
        int rc = FCGX_Accept_r(&fr);
        if (rc < 0) {
            sigprocmask(SIG_UNBLOCK, &term, NULL);
            if (fr.ipcFd >= 0) {
                close(fr.ipcFd);
                fr.ipcFd = -1;
            }
            continue; /* the peer left before its request: wait for the next */
        }
        /* A request once accepted is answered: SIGTERM waits for it (only
         * the drain timeout's SIGKILL cuts it short). */
        sigprocmask(SIG_BLOCK, &term, NULL);
        serve_one(&fr, cfg, d, &mem);
        FCGX_Finish_r(&fr);
        arena_reset(&mem);
        sigprocmask(SIG_UNBLOCK, &term, NULL);
    }
    FCGX_Free(&fr, 1);
    arena_free(&mem);
    dbroute_close();
    db_close(d);
    log_info("worker stopped");
    return 0;
}
