/* standin.c — a stand-in for the provincial portal, for tests and the
 * local demo: receives what `thidua push` sends (deploy/portal.md), checks
 * the signature, keeps each publication once per Idempotency-Key, and can
 * be told to misbehave.
 *
 *   standin --port P --control C --secret-file F [--log FILE] [--pidfile FILE]
 *
 * Port P (127.0.0.1) is the portal: POST any path. A path containing
 * "/reports" receives reports instead (deploy/reports.md): a signed
 * multipart/form-data body of three parts, "report" (JSON), "pdf" and
 * "xlsx", each file checked against the sha256 the JSON gives for it; the
 * stored item's doc is {"kind": "report", "report": ..., "pdf": {"bytes",
 * "sha256"}, "xlsx": {...}}. Port C is for the tests:
 *   GET  /received  what arrived: counters and the stored items (each with
 *                   "times", the requests that carried its key, and "acked",
 *                   how many of them were answered 2xx)
 *   POST /mode      {"mode": "ok" | "500" | "422" | "429" | "stall" | "delay" | "flaky" | "down" | "up",
 *                    "count": N (that many requests, then ok; 0 = until changed),
 *                    "retry_after": S (429), "seconds": S (stall), "ms": M (delay),
 *                    "percent": P (flaky)}
 *   GET  /health
 * "stall" stores a valid request, then holds the answer for S seconds (a
 * portal that got it but whose answer never arrives); "flaky" answers 500
 * to exactly P % of requests, spread evenly, every other one after
 * storing (so the retry must be recognised as a duplicate). "down" closes port P
 * (connections refused) until "up". One thread, poll(). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { MAX_CONNS = 128, MAX_BODY = 64 << 20, MAX_ITEMS = 4096 };

typedef enum { C_READING, C_HOLDING } conn_state;

typedef struct conn {
    int fd;
    bool control;
    conn_state state;
    char *buf;
    size_t len, cap;
    long long answer_at; /* ms, when holding */
    int status;
    char *answer;        /* malloc'd body, when holding */
    char key[160];
} conn;

typedef struct item {
    char key[160];
    char reference[32];
    char *body;      /* as received */
    size_t body_len;
    json_t *doc;     /* parsed */
    int times;       /* requests that carried this key */
    int acked;       /* of them, answered 2xx (more than 1: sent again after a success) */
} item;

static struct {
    int port, control_port;
    char secret[512];
    FILE *log;
    int portal_fd, control_fd;
    conn conns[MAX_CONNS];
    item items[MAX_ITEMS];
    int nitems;
    long requests, duplicates, bad_signatures, overlaps, refused, stalled, failed_500, max_open;
    /* the mode */
    char mode[16];
    long count, retry_after, seconds, ms, percent;
    long flaky_seen, flaky_failed;
} S;

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
    (void)sig;
    stop = 1;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int listen_on(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 64) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    default: return "Internal Server Error";
    }
}

static void respond(conn *c, int status, const char *body, const char *extra)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n%s\r\n",
                     status, reason(status), strlen(body), extra ? extra : "");
    write_all(c->fd, head, (size_t)n);
    write_all(c->fd, body, strlen(body));
}

static void drop(conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    free(c->answer);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

/* Value of a request header, copied into out; false when absent. */
static bool header(const char *head, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    const char *line = strstr(head, "\r\n");
    while (line && line[2] != '\r') {
        line += 2;
        if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            const char *end = strstr(v, "\r\n");
            size_t len = end ? (size_t)(end - v) : strlen(v);
            if (len >= cap)
                len = cap - 1;
            memcpy(out, v, len);
            out[len] = '\0';
            return true;
        }
        line = strstr(line, "\r\n");
    }
    return false;
}

static item *find_item(const char *key)
{
    for (int i = 0; i < S.nitems; i++)
        if (strcmp(S.items[i].key, key) == 0)
            return &S.items[i];
    return NULL;
}

static bool signature_ok(const char *ts, const char *sig, const char *body, size_t len)
{
    if (strncmp(sig, "sha256=", 7) != 0 || strlen(sig) != 7 + 64)
        return false;
    long long t = strtoll(ts, NULL, 10);
    if (t <= 0 || llabs((long long)time(NULL) - t) > 300)
        return false;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)S.secret, strlen(S.secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    unsigned char given[sizeof mac];
    if (sodium_hex2bin(given, sizeof given, sig + 7, 64, NULL, NULL, NULL) != 0)
        return false;
    return sodium_memcmp(mac, given, sizeof mac) == 0;
}

/* Stores a new publication; returns it. */
static item *store(const char *key, const char *body, size_t len, json_t *doc)
{
    if (S.nitems >= MAX_ITEMS)
        return NULL;
    item *it = &S.items[S.nitems++];
    snprintf(it->key, sizeof it->key, "%s", key);
    snprintf(it->reference, sizeof it->reference, "STANDIN-%d", S.nitems);
    it->body = malloc(len + 1);
    if (!it->body)
        abort();
    memcpy(it->body, body, len);
    it->body[len] = '\0';
    it->body_len = len;
    it->doc = json_incref(doc);
    if (S.log) {
        char *text = json_dumps(doc, JSON_COMPACT);
        fprintf(S.log, "%s\n", text ? text : "{}");
        free(text);
        fflush(S.log);
    }
    return it;
}

static bool mode_is(const char *m)
{
    return strcmp(S.mode, m) == 0;
}

static void mode_used(void)
{
    if (S.count > 0 && --S.count == 0)
        snprintf(S.mode, sizeof S.mode, "ok");
}

/* The part of a multipart body named name: its content (*len), or NULL. */
static const char *part(const char *body, size_t len, const char *boundary, const char *name, size_t *plen)
{
    char dash[300], disp[120];
    snprintf(dash, sizeof dash, "--%s", boundary);
    snprintf(disp, sizeof disp, "name=\"%s\"", name);
    size_t dl = strlen(dash);
    const char *end = body + len;
    const char *p = memmem(body, len, dash, dl);
    while (p) {
        const char *h = p + dl;
        if (end - h >= 2 && h[0] == '-' && h[1] == '-')
            return NULL;
        const char *he = memmem(h, (size_t)(end - h), "\r\n\r\n", 4);
        if (!he)
            return NULL;
        const char *content = he + 4;
        char close[310];
        snprintf(close, sizeof close, "\r\n%s", dash);
        const char *next = memmem(content, (size_t)(end - content), close, strlen(close));
        if (!next)
            return NULL;
        if (memmem(h, (size_t)(he - h), disp, strlen(disp))) {
            *plen = (size_t)(next - content);
            return content;
        }
        p = next + 2;
    }
    return NULL;
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* A report's stored document from its multipart body, or NULL with why. */
static json_t *report_doc(const char *head, const char *key, const char *body, size_t len, const char **why)
{
    char ctype[400] = "";
    header(head, "Content-Type", ctype, sizeof ctype);
    const char *b = strstr(ctype, "boundary=");
    if (strncmp(ctype, "multipart/form-data", 19) != 0 || !b) {
        *why = "cần multipart/form-data";
        return NULL;
    }
    b += 9;
    size_t jl = 0, pl = 0, xl = 0;
    const char *j = part(body, len, b, "report", &jl), *pdf = part(body, len, b, "pdf", &pl),
               *xlsx = part(body, len, b, "xlsx", &xl);
    if (!j || !pdf || !xlsx) {
        *why = "thiếu phần report, pdf hoặc xlsx";
        return NULL;
    }
    json_t *report = json_loadb(j, jl, 0, NULL);
    if (!json_is_object(report)) {
        json_decref(report);
        *why = "phần report không phải JSON";
        return NULL;
    }
    const char *k = json_string_value(json_object_get(report, "idempotency_key"));
    char ph[65], xh[65];
    sha256_hex(pdf, pl, ph);
    sha256_hex(xlsx, xl, xh);
    json_t *files = json_object_get(report, "files");
    const char *want_p = json_string_value(json_object_get(json_object_get(files, "pdf"), "sha256"));
    const char *want_x = json_string_value(json_object_get(json_object_get(files, "xlsx"), "sha256"));
    if (!k || strcmp(k, key) != 0 || !want_p || strcmp(want_p, ph) != 0 || !want_x || strcmp(want_x, xh) != 0) {
        json_decref(report);
        *why = "khóa hoặc mã sha256 của tệp không khớp";
        return NULL;
    }
    return json_pack("{s:s, s:o, s:{s:I, s:s}, s:{s:I, s:s}}", "kind", "report", "report", report, "pdf", "bytes",
                     (json_int_t)pl, "sha256", ph, "xlsx", "bytes", (json_int_t)xl, "sha256", xh);
}

/* The portal's answer to one complete request. */
static void portal_request(conn *c, const char *head, const char *body, size_t len)
{
    S.requests++;
    const char *line_end = strstr(head, "\r\n");
    const char *rp = strstr(head, "/reports");
    bool is_report = rp && line_end && rp < line_end;
    char key[160] = "", ts[32] = "", sig[128] = "";
    header(head, "Idempotency-Key", key, sizeof key);
    header(head, "X-Thidua-Timestamp", ts, sizeof ts);
    header(head, "X-Thidua-Signature", sig, sizeof sig);
    snprintf(c->key, sizeof c->key, "%s", key);
    int open_same = 0;
    for (int i = 0; i < MAX_CONNS; i++)
        if (&S.conns[i] != c && S.conns[i].fd >= 0 && !S.conns[i].control && S.conns[i].key[0] &&
            strcmp(S.conns[i].key, key) == 0)
            open_same++;
    if (open_same)
        S.overlaps++;
    item *seen = key[0] ? find_item(key) : NULL;
    if (seen)
        seen->times++;

    if (mode_is("500")) {
        mode_used();
        S.failed_500++;
        respond(c, 500, "{\"error\":\"lỗi máy chủ (thử)\"}", NULL);
        return;
    }
    if (mode_is("422")) {
        mode_used();
        respond(c, 422, "{\"error\":\"Tài liệu không đúng định dạng (thử)\"}", NULL);
        return;
    }
    if (mode_is("429")) {
        mode_used();
        char extra[64];
        snprintf(extra, sizeof extra, "Retry-After: %ld\r\n", S.retry_after);
        respond(c, 429, "{\"error\":\"quá nhiều yêu cầu\"}", extra);
        return;
    }
    bool flaky_after = false;
    if (mode_is("flaky")) {
        /* Exactly percent % of requests, spread evenly (a Bresenham walk
         * over the request count), alternately before and after storing. */
        long n = S.flaky_seen++;
        bool fail = (n + 1) * S.percent / 100 > n * S.percent / 100;
        if (fail) {
            if (S.flaky_failed++ % 2 == 0) {
                S.failed_500++;
                respond(c, 500, "{\"error\":\"lỗi máy chủ (thử)\"}", NULL);
                return;
            }
            flaky_after = true;
        }
    }
    if (!key[0] || !signature_ok(ts, sig, body, len)) {
        S.bad_signatures++;
        respond(c, 401, "{\"error\":\"chữ ký không hợp lệ\"}", NULL);
        return;
    }
    json_t *doc;
    if (is_report) {
        const char *why = NULL;
        doc = report_doc(head, key, body, len, &why);
        if (!doc) {
            char answer400[300];
            snprintf(answer400, sizeof answer400, "{\"error\":\"%s\"}", why);
            respond(c, 400, answer400, NULL);
            return;
        }
    } else {
        doc = json_loadb(body, len, 0, NULL);
        if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "kind"))) {
            json_decref(doc);
            respond(c, 400, "{\"error\":\"JSON không hợp lệ\"}", NULL);
            return;
        }
    }
    char answer[256];
    int status;
    if (seen) {
        json_decref(doc);
        if (seen->body_len != len || memcmp(seen->body, body, len) != 0) {
            respond(c, 422, "{\"error\":\"Idempotency-Key đã dùng cho nội dung khác\"}", NULL);
            return;
        }
        S.duplicates++;
        status = 200;
        snprintf(answer, sizeof answer, "{\"reference\":\"%s\",\"duplicate\":true}", seen->reference);
    } else {
        item *it = store(key, body, len, doc);
        json_decref(doc);
        if (!it) {
            respond(c, 500, "{\"error\":\"đầy\"}", NULL);
            return;
        }
        it->times = 1;
        status = 201;
        snprintf(answer, sizeof answer, "{\"reference\":\"%s\"}", it->reference);
    }
    if (flaky_after) {
        S.failed_500++;
        respond(c, 500, "{\"error\":\"lỗi sau khi lưu (thử)\"}", NULL);
        return;
    }
    if (mode_is("stall") || mode_is("delay")) {
        long long wait = mode_is("stall") ? S.seconds * 1000LL : S.ms;
        if (mode_is("stall"))
            S.stalled++;
        mode_used();
        c->state = C_HOLDING;
        c->answer_at = now_ms() + wait;
        c->status = status;
        c->answer = strdup(answer);
        return;
    }
    item *acked = find_item(key);
    if (acked)
        acked->acked++;
    respond(c, status, answer, NULL);
}

static json_t *received_json(void)
{
    json_t *items = json_array();
    for (int i = 0; i < S.nitems; i++)
        json_array_append_new(items, json_pack("{s:s, s:s, s:i, s:i, s:O}", "key", S.items[i].key, "reference",
                                               S.items[i].reference, "times", S.items[i].times, "acked",
                                               S.items[i].acked, "doc", S.items[i].doc));
    int open = 0;
    for (int i = 0; i < MAX_CONNS; i++)
        open += S.conns[i].fd >= 0 && !S.conns[i].control;
    return json_pack("{s:I, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:i, s:I, s:s, s:o}", "requests", (json_int_t)S.requests,
                     "stored", S.nitems, "duplicates", (json_int_t)S.duplicates, "bad_signatures",
                     (json_int_t)S.bad_signatures, "overlaps", (json_int_t)S.overlaps, "stalled",
                     (json_int_t)S.stalled, "failed_500", (json_int_t)S.failed_500, "max_open",
                     (json_int_t)S.max_open, "open", open, "refused", (json_int_t)S.refused, "mode", S.mode,
                     "items", items);
}

static void set_mode(conn *c, const char *body, size_t len)
{
    json_t *j = json_loadb(body, len, 0, NULL);
    const char *m = json_string_value(json_object_get(j, "mode"));
    if (!m || strlen(m) >= sizeof S.mode) {
        json_decref(j);
        respond(c, 400, "{\"error\":\"mode?\"}", NULL);
        return;
    }
    if (strcmp(m, "down") == 0) {
        if (S.portal_fd >= 0)
            close(S.portal_fd);
        S.portal_fd = -1;
    } else if (strcmp(m, "up") == 0) {
        if (S.portal_fd < 0)
            S.portal_fd = listen_on(S.port);
        m = "ok";
    }
    snprintf(S.mode, sizeof S.mode, "%s", m);
    S.count = (long)json_integer_value(json_object_get(j, "count"));
    S.retry_after = (long)json_integer_value(json_object_get(j, "retry_after"));
    S.seconds = (long)json_integer_value(json_object_get(j, "seconds"));
    S.ms = (long)json_integer_value(json_object_get(j, "ms"));
    S.percent = (long)json_integer_value(json_object_get(j, "percent"));
    S.flaky_seen = S.flaky_failed = 0;
    json_decref(j);
    respond(c, 200, "{\"ok\":true}", NULL);
}

static void control_request(conn *c, const char *head, const char *body, size_t len)
{
    if (strncmp(head, "GET /received ", 14) == 0) {
        json_t *r = received_json();
        char *text = json_dumps(r, JSON_COMPACT);
        respond(c, 200, text, NULL);
        free(text);
        json_decref(r);
    } else if (strncmp(head, "POST /mode ", 11) == 0) {
        set_mode(c, body, len);
    } else if (strncmp(head, "GET /health ", 12) == 0) {
        char ok[64];
        snprintf(ok, sizeof ok, "{\"status\":\"ok\",\"pid\":%ld}", (long)getpid());
        respond(c, 200, ok, NULL);
    } else {
        respond(c, 404, "{\"error\":\"not found\"}", NULL);
    }
}

/* Reads what is there; handles the request once whole. Returns false when
 * the connection is done. */
static bool on_readable(conn *c)
{
    if (c->len + 65536 + 1 > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 65536 * 2;
        char *nb = realloc(c->buf, cap);
        if (!nb)
            return false;
        c->buf = nb;
        c->cap = cap;
    }
    ssize_t n = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
    if (n <= 0)
        return false;
    if (c->state == C_HOLDING)
        return true; /* nothing more is expected; keep holding */
    c->len += (size_t)n;
    c->buf[c->len] = '\0';
    char *end = strstr(c->buf, "\r\n\r\n");
    if (!end)
        return c->len < 65536;
    char cl[32] = "0";
    *end = '\0';
    header(c->buf, "Content-Length", cl, sizeof cl);
    *end = '\r';
    long long want = strtoll(cl, NULL, 10);
    size_t head_len = (size_t)(end - c->buf) + 4;
    if (want < 0 || want > MAX_BODY) {
        respond(c, 413, "{\"error\":\"too large\"}", NULL);
        return false;
    }
    if (c->len - head_len < (size_t)want)
        return true;
    /* head as its own string, body after it */
    end[2] = '\0';
    const char *body = c->buf + head_len;
    if (c->control)
        control_request(c, c->buf, body, (size_t)want);
    else
        portal_request(c, c->buf, body, (size_t)want);
    return c->state == C_HOLDING;
}

static void accept_on(int lfd, bool control)
{
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
        return;
    for (int i = 0; i < MAX_CONNS; i++) {
        if (S.conns[i].fd < 0) {
            memset(&S.conns[i], 0, sizeof S.conns[i]);
            S.conns[i].fd = fd;
            S.conns[i].control = control;
            long open = 0;
            for (int k = 0; k < MAX_CONNS; k++)
                open += S.conns[k].fd >= 0 && !S.conns[k].control;
            if (open > S.max_open)
                S.max_open = open;
            return;
        }
    }
    S.refused++;
    close(fd);
}

static int usage(void)
{
    fprintf(stderr, "usage: standin --port P --control C --secret-file F [--log FILE] [--pidfile FILE]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *secret_file = NULL, *log_file = NULL, *pidfile = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0)
            S.port = (int)strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--control") == 0)
            S.control_port = (int)strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--secret-file") == 0)
            secret_file = argv[i + 1];
        else if (strcmp(argv[i], "--log") == 0)
            log_file = argv[i + 1];
        else if (strcmp(argv[i], "--pidfile") == 0)
            pidfile = argv[i + 1];
        else
            return usage();
    }
    if (S.port <= 0 || S.control_port <= 0 || !secret_file || sodium_init() < 0)
        return usage();
    FILE *f = fopen(secret_file, "r");
    if (!f) {
        perror(secret_file);
        return 1;
    }
    size_t n = fread(S.secret, 1, sizeof S.secret - 1, f);
    fclose(f);
    while (n && (S.secret[n - 1] == '\n' || S.secret[n - 1] == '\r' || S.secret[n - 1] == ' '))
        n--;
    S.secret[n] = '\0';
    if (log_file && !(S.log = fopen(log_file, "a"))) {
        perror(log_file);
        return 1;
    }
    snprintf(S.mode, sizeof S.mode, "ok");
    for (int i = 0; i < MAX_CONNS; i++)
        S.conns[i].fd = -1;
    S.portal_fd = listen_on(S.port);
    S.control_fd = listen_on(S.control_port);
    if (S.portal_fd < 0 || S.control_fd < 0) {
        fprintf(stderr, "standin: cannot listen on 127.0.0.1:%d and :%d: %s\n", S.port, S.control_port, strerror(errno));
        return 1;
    }
    if (pidfile) {
        FILE *p = fopen(pidfile, "w");
        if (p) {
            fprintf(p, "%ld\n", (long)getpid());
            fclose(p);
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    fprintf(stderr, "standin: portal on 127.0.0.1:%d, control on 127.0.0.1:%d\n", S.port, S.control_port);

    while (!stop) {
        struct pollfd fds[MAX_CONNS + 2];
        int map[MAX_CONNS + 2];
        int nf = 0;
        fds[nf] = (struct pollfd){.fd = S.control_fd, .events = POLLIN};
        map[nf++] = -2;
        if (S.portal_fd >= 0) {
            fds[nf] = (struct pollfd){.fd = S.portal_fd, .events = POLLIN};
            map[nf++] = -1;
        }
        long long next = -1, t = now_ms();
        for (int i = 0; i < MAX_CONNS; i++) {
            if (S.conns[i].fd < 0)
                continue;
            fds[nf] = (struct pollfd){.fd = S.conns[i].fd, .events = POLLIN};
            map[nf++] = i;
            if (S.conns[i].state == C_HOLDING && (next < 0 || S.conns[i].answer_at < next))
                next = S.conns[i].answer_at;
        }
        int timeout = next < 0 ? 1000 : (int)(next > t ? next - t : 0);
        if (poll(fds, (nfds_t)nf, timeout) < 0 && errno != EINTR)
            break;
        for (int k = 0; k < nf; k++) {
            if (!fds[k].revents)
                continue;
            if (map[k] == -2)
                accept_on(S.control_fd, true);
            else if (map[k] == -1) {
                if (S.portal_fd >= 0)
                    accept_on(S.portal_fd, false);
            } else if (S.conns[map[k]].fd >= 0 && !on_readable(&S.conns[map[k]]))
                drop(&S.conns[map[k]]);
        }
        t = now_ms();
        for (int i = 0; i < MAX_CONNS; i++) {
            conn *c = &S.conns[i];
            if (c->fd >= 0 && c->state == C_HOLDING && c->answer_at <= t) {
                item *it = find_item(c->key);
                if (it)
                    it->acked++;
                respond(c, c->status, c->answer, NULL);
                drop(c);
            }
        }
    }
    for (int i = 0; i < MAX_CONNS; i++)
        if (S.conns[i].fd >= 0)
            drop(&S.conns[i]);
    for (int i = 0; i < S.nitems; i++) {
        free(S.items[i].body);
        json_decref(S.items[i].doc);
    }
    if (S.log)
        fclose(S.log);
    if (pidfile)
        unlink(pidfile);
    return 0;
}
