#include "report_deliver.h"

#include <curl/curl.h>
#include <errno.h>
#include <grp.h>
#include <jansson.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "push.h"

enum { RESPONSE_KEEP = 64 * 1024, ERROR_KEEP = 4000 };

/* ------------------------------------------------------------ pure helpers */

int report_rfc2047(const char *text, char *out, size_t cap)
{
    bool plain = true;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            plain = false;
    if (plain) {
        if (strlen(text) + 1 > cap)
            return -1;
        memcpy(out, text, strlen(text) + 1);
        return 0;
    }
    /* 45 bytes of text are 60 base64 characters: with "=?UTF-8?B?" and
     * "?=" a word of 72 characters. */
    size_t o = 0, n = strlen(text), i = 0;
    while (i < n) {
        size_t take = n - i < 45 ? n - i : 45;
        /* not inside a character: back off continuation bytes */
        while (take > 0 && i + take < n && ((unsigned char)text[i + take] & 0xC0) == 0x80)
            take--;
        if (take == 0)
            return -1;
        char b64[128];
        sodium_bin2base64(b64, sizeof b64, (const unsigned char *)text + i, take, sodium_base64_VARIANT_ORIGINAL);
        int w = snprintf(out + o, cap - o, "%s=?UTF-8?B?%s?=", o ? " " : "", b64);
        if (w < 0 || (size_t)w >= cap - o)
            return -1;
        o += (size_t)w;
        i += take;
    }
    if (o == 0 && cap > 0)
        out[0] = '\0';
    return 0;
}

void report_message_id(long long report, long long destination, const char *domain, char *out, size_t cap)
{
    snprintf(out, cap, "<report-%lld.dest-%lld@%s>", report, destination, domain);
}

/* ------------------------------------------------------------ the outbox */

static const db_stmt STMT_CLAIM = {
    "rdeliver_claim",
    "WITH c AS (SELECT d.id FROM report_deliveries d JOIN reports r ON r.id = d.report_id"
    "   WHERE ((d.state = 'queued' AND d.next_attempt_at <= now()) OR (d.state = 'sending' AND d.leased_until <= now()))"
    "   AND r.state <> 'draft'"
    "   ORDER BY d.next_attempt_at, d.id LIMIT 1 FOR UPDATE OF d SKIP LOCKED)"
    " UPDATE report_deliveries d SET state = 'sending', leased_until = now() + make_interval(secs => $1::int),"
    "   lease_token = $2, attempts = d.attempts + 1"
    " FROM c WHERE d.id = c.id RETURNING d.id"};
/* What an attempt needs, but the files' bytes. */
static const db_stmt STMT_DETAILS = {
    "rdeliver_details",
    "SELECT d.id, d.idempotency_key, d.attempts, t.id, t.channel, coalesce(t.url, t.address), t.name,"
    " r.id, r.kind, r.number, r.sha256, to_char(r.approved_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY'),"
    " c.year, a.name,"
    " (SELECT length(bytes) FROM report_files WHERE report_id = r.id AND format = 'pdf'),"
    " (SELECT length(bytes) FROM report_files WHERE report_id = r.id AND format = 'xlsx'),"
    /* Only what never changes once approved: every attempt sends the same
     * bytes (names of the agency or the campaign edited meanwhile would
     * make a retry a different body, which a receiver must refuse). */
    " json_build_object('id', r.id, 'delivery_id', d.id, 'idempotency_key', d.idempotency_key, 'kind', r.kind,"
    "   'number', r.number, 'sha256', r.sha256, 'approved_at', r.approved_at, 'agency_id', c.agency_id,"
    "   'campaign_id', c.id, 'destination_id', t.id,"
    "   'files', (SELECT coalesce(json_object_agg(f.format, json_build_object('sha256', f.sha256, 'bytes',"
    "      length(f.bytes))), '{}'::json) FROM report_files f WHERE f.report_id = r.id),"
    "   'content', r.content)::text"
    " FROM report_deliveries d JOIN report_destinations t ON t.id = d.destination_id"
    " JOIN reports r ON r.id = d.report_id JOIN campaigns c ON c.id = r.campaign_id JOIN units a ON a.id = c.agency_id"
    " WHERE d.id = $1"};
static const db_stmt STMT_FILE = {
    "rdeliver_file", "SELECT encode(bytes, 'hex') FROM report_files WHERE report_id = $1 AND format = $2"};
static const db_stmt STMT_LOCK_REPORT = {
    "rdeliver_lock_report",
    "SELECT 1 FROM reports WHERE id = (SELECT report_id FROM report_deliveries WHERE id = $1) FOR UPDATE"};
static const db_stmt STMT_SENT = {
    "rdeliver_sent",
    "UPDATE report_deliveries SET state = 'sent', acknowledged_at = now(), leased_until = NULL, lease_token = NULL,"
    " last_status = $3::int, last_error = NULL, message_id = coalesce($4, message_id)"
    " WHERE id = $1 AND lease_token = $2 AND state = 'sending' RETURNING state"};
static const db_stmt STMT_RETRY = {
    "rdeliver_retry",
    "UPDATE report_deliveries SET state = CASE WHEN attempts >= $5::int THEN 'failed' ELSE 'queued' END,"
    " next_attempt_at = now() + make_interval(secs => $3::double precision), last_error = $4,"
    " last_status = $6::int, leased_until = NULL, lease_token = NULL, message_id = coalesce($7, message_id)"
    " WHERE id = $1 AND lease_token = $2 AND state = 'sending' RETURNING state"};
static const db_stmt STMT_FAIL = {
    "rdeliver_fail",
    "UPDATE report_deliveries SET state = 'failed', last_error = $3, last_status = $4::int, leased_until = NULL,"
    " lease_token = NULL, message_id = coalesce($5, message_id)"
    " WHERE id = $1 AND lease_token = $2 AND state = 'sending' RETURNING state"};
static const db_stmt STMT_ATTEMPT = {
    "rdeliver_attempt",
    "INSERT INTO report_delivery_attempts (delivery_id, status, error, ok) VALUES ($1, $2::int, $3, $4::boolean)"};
/* delivered when every delivery is sent, delivery_failed when one gave
 * up, else approved (a failed delivery queued again). */
static const db_stmt STMT_REPORT_STATE = {
    "rdeliver_report_state",
    "UPDATE reports r SET state = s.next FROM (SELECT CASE"
    "   WHEN bool_or(d.state = 'failed') THEN 'delivery_failed'"
    "   WHEN bool_and(d.state = 'sent') THEN 'delivered' ELSE 'approved' END AS next"
    "   FROM report_deliveries d WHERE d.report_id = (SELECT report_id FROM report_deliveries WHERE id = $1)) s"
    " WHERE r.id = (SELECT report_id FROM report_deliveries WHERE id = $1) AND r.state <> 'draft'"
    "   AND r.state <> s.next RETURNING r.id, r.state"};

typedef enum { OUT_SENT, OUT_RETRY, OUT_FAIL } outcome;

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

typedef struct deliverer {
    const config *cfg;
    long lease;
    char token_prefix[96];
    char domain[256];
    unsigned long claims;
    db *d;
    CURL *curl;
} deliverer;

typedef struct delivery {
    char id[24];
    char key[128];
    char lease_token[160];
    long attempts;
    long long destination;
    char channel[8];
    char target[1024]; /* url or address */
    char dest_name[256];
    long long report;
    char kind[32];
    char number[128];
    char sha256[80];
    char approved_on[16];
    char year[8];
    char agency_name[512];
    long long pdf_len, xlsx_len; /* -1: no such file */
    char *json; /* malloc'd */
} delivery;

typedef struct answer {
    char *data;
    size_t len;
    char retry_after[128];
} answer;

static size_t keep_header(char *line, size_t size, size_t n, void *userp)
{
    answer *a = userp;
    size_t len = size * n;
    const size_t name = strlen("Retry-After:");
    if (len >= 5 && strncmp(line, "HTTP/", 5) == 0)
        a->retry_after[0] = '\0';
    else if (len > name && strncasecmp(line, "Retry-After:", name) == 0)
        snprintf(a->retry_after, sizeof a->retry_after, "%.*s", (int)(len - name), line + name);
    return len;
}

static size_t keep_answer(char *data, size_t size, size_t n, void *userp)
{
    answer *a = userp;
    size_t add = size * n;
    size_t room = RESPONSE_KEEP - a->len;
    size_t take = add < room ? add : room;
    if (take) {
        memcpy(a->data + a->len, data, take);
        a->len += take;
        a->data[a->len] = '\0';
    }
    return add;
}

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* 1 and the delivery when one was claimed; 0 when nothing is due; -1 on
 * a database error. */
static int claim(deliverer *p, delivery *c)
{
    memset(c, 0, sizeof *c);
    char lease[24];
    snprintf(lease, sizeof lease, "%ld", p->lease);
    unsigned char rnd[8];
    randombytes_buf(rnd, sizeof rnd);
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(c->lease_token, sizeof c->lease_token, "%s:%lu:%s", p->token_prefix, ++p->claims, hex);
    const char *params[] = {lease, c->lease_token};
    db_result *r = db_run(p->d, &STMT_CLAIM, 2, params);
    if (!r)
        return -1;
    if (db_rows(r) == 0) {
        db_free(r);
        return 0;
    }
    copy(c->id, sizeof c->id, db_value(r, 0, 0));
    db_free(r);
    const char *q[] = {c->id};
    r = db_run(p->d, &STMT_DETAILS, 1, q);
    if (!r)
        return -1;
    if (db_rows(r) == 0) {
        db_free(r);
        return 0;
    }
    copy(c->key, sizeof c->key, db_value(r, 0, 1));
    c->attempts = (long)db_int(r, 0, 2);
    c->destination = db_int(r, 0, 3);
    copy(c->channel, sizeof c->channel, db_value(r, 0, 4));
    copy(c->target, sizeof c->target, db_value(r, 0, 5));
    copy(c->dest_name, sizeof c->dest_name, db_value(r, 0, 6));
    c->report = db_int(r, 0, 7);
    copy(c->kind, sizeof c->kind, db_value(r, 0, 8));
    copy(c->number, sizeof c->number, db_value(r, 0, 9));
    copy(c->sha256, sizeof c->sha256, db_value(r, 0, 10));
    copy(c->approved_on, sizeof c->approved_on, db_value(r, 0, 11));
    copy(c->year, sizeof c->year, db_value(r, 0, 12));
    copy(c->agency_name, sizeof c->agency_name, db_value(r, 0, 13));
    c->pdf_len = db_value(r, 0, 14) ? db_int(r, 0, 14) : -1;
    c->xlsx_len = db_value(r, 0, 15) ? db_int(r, 0, 15) : -1;
    c->json = strdup(db_value(r, 0, 16));
    db_free(r);
    if (!c->json)
        abort();
    return 1;
}

/* The bytes of the report's file of format (malloc'd, *len), or NULL. */
static unsigned char *load_file(deliverer *p, const delivery *c, const char *format, size_t *len)
{
    char rid[24];
    snprintf(rid, sizeof rid, "%lld", c->report);
    const char *q[] = {rid, format};
    db_result *r = db_run(p->d, &STMT_FILE, 2, q);
    if (!r || db_rows(r) == 0) {
        if (r)
            db_free(r);
        return NULL;
    }
    const char *hex = db_value(r, 0, 0);
    size_t hl = strlen(hex);
    unsigned char *bytes = malloc(hl / 2 + 1);
    if (!bytes)
        abort();
    if (sodium_hex2bin(bytes, hl / 2 + 1, hex, hl, NULL, len, NULL) != 0) {
        free(bytes);
        bytes = NULL;
    }
    db_free(r);
    return bytes;
}

/* Writes the outcome of an attempt, the attempt and the report's state in
 * one transaction that locks the report first. */
static void record(deliverer *p, const delivery *c, outcome out, long status, const char *error, double delay,
                   const char *message_id)
{
    char st[16], wait[32], max[24];
    snprintf(st, sizeof st, "%ld", status);
    snprintf(wait, sizeof wait, "%.3f", delay);
    snprintf(max, sizeof max, "%ld", p->cfg->report_max_attempts);
    const char *status_p = status > 0 ? st : NULL;
    const char *mid = message_id && message_id[0] ? message_id : NULL;
    const char *lock_p[] = {c->id};
    db_result *r = NULL;
    if (db_begin(p->d, 0) != 0)
        goto failed;
    r = db_run(p->d, &STMT_LOCK_REPORT, 1, lock_p);
    if (!r)
        goto failed;
    db_free(r);
    if (out == OUT_SENT) {
        const char *params[] = {c->id, c->lease_token, status_p, mid};
        r = db_run(p->d, &STMT_SENT, 4, params);
    } else if (out == OUT_RETRY) {
        const char *params[] = {c->id, c->lease_token, wait, error, max, status_p, mid};
        r = db_run(p->d, &STMT_RETRY, 7, params);
    } else {
        const char *params[] = {c->id, c->lease_token, error, status_p, mid};
        r = db_run(p->d, &STMT_FAIL, 5, params);
    }
    if (!r)
        goto failed;
    if (db_rows(r) == 0) {
        db_free(r);
        db_rollback(p->d);
        log_error("delivery %s: lease lost before the outcome was recorded", c->id);
        return;
    }
    char state[16];
    copy(state, sizeof state, db_value(r, 0, 0));
    db_free(r);
    const char *attempt[] = {c->id, status_p, out == OUT_SENT ? NULL : error, out == OUT_SENT ? "true" : "false"};
    r = db_run(p->d, &STMT_ATTEMPT, 4, attempt);
    if (!r)
        goto failed;
    db_free(r);
    r = db_run(p->d, &STMT_REPORT_STATE, 1, lock_p);
    if (!r)
        goto failed;
    char report_state[24] = "";
    if (db_rows(r) > 0)
        copy(report_state, sizeof report_state, db_value(r, 0, 1));
    db_free(r);
    if (db_commit(p->d) != 0)
        goto failed;
    if (out == OUT_SENT)
        log_info("delivery %s (report %lld → %s) sent, attempt %ld", c->id, c->report, c->dest_name, c->attempts);
    else if (strcmp(state, "failed") == 0)
        log_error("delivery %s (report %lld → %s) failed after %ld attempts: %s", c->id, c->report, c->dest_name,
                  c->attempts, error);
    else
        log_info("delivery %s: attempt %ld did not go through (%s); next in %.1f s", c->id, c->attempts, error, delay);
    if (report_state[0])
        log_info("report %lld is now %s", c->report, report_state);
    return;
failed:
    /* The lease runs out and the delivery is attempted again, with the
     * same key and Message-ID. */
    log_error("delivery %s: could not record the outcome: %s", c->id, db_last_error(p->d)->message);
    if (db_in_transaction(p->d))
        db_rollback(p->d);
}

/* ------------------------------------------------------------ secrets */

/* The trimmed first cap-1 bytes of path into out; 0, or -1 (absent, empty). */
static int read_trimmed(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(out, 1, cap - 1, f);
    fclose(f);
    out[n] = '\0';
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' '))
        out[--n] = '\0';
    return n ? 0 : -1;
}

/* The HMAC key of destination: <report_secrets_dir>/<id>.secret, else
 * report_secret_file. 0, or -1 when there is none. */
static int destination_secret(const config *cfg, long long destination, char *out, size_t cap)
{
    if (cfg->report_secrets_dir[0]) {
        char path[CONFIG_STR + 64];
        snprintf(path, sizeof path, "%s/%lld.secret", cfg->report_secrets_dir, destination);
        if (read_trimmed(path, out, cap) == 0)
            return 0;
    }
    return cfg->report_secret_file[0] ? read_trimmed(cfg->report_secret_file, out, cap) : -1;
}

/* ------------------------------------------------------------ HTTPS */

static const char *https_words(CURLcode rc)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return "Hết thời gian chờ nơi nhận (timeout)";
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return "Không kết nối được nơi nhận";
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
        return "Không xác thực được chứng chỉ TLS của nơi nhận; không gửi gì";
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        return "Nơi nhận ngắt kết nối giữa chừng";
    default:
        return "Lỗi khi gửi đến nơi nhận";
    }
}

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *nd = realloc(b->data, cap);
        if (!nd)
            abort();
        b->data = nd;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_str(buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

/* The report's number made a file name: [A-Za-z0-9._-], others '-'. */
static void file_stem(const delivery *c, char *out, size_t cap)
{
    char raw[200];
    snprintf(raw, sizeof raw, "bao-cao-%s", c->number[0] ? c->number : c->id);
    size_t i = 0;
    for (; raw[i] && i + 1 < cap; i++) {
        char ch = raw[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                  ch == '_' || ch == '-';
        out[i] = ok ? ch : '-';
    }
    out[i] = '\0';
}

/* The multipart/form-data body: the same bytes on every attempt (the
 * boundary is made from the idempotency key). */
static void https_body(const delivery *c, const unsigned char *pdf, size_t pdf_len, const unsigned char *xlsx,
                       size_t xlsx_len, buf *b, char *boundary, size_t bcap)
{
    snprintf(boundary, bcap, "thidua-report-%s", c->key);
    char stem[160], line[512];
    file_stem(c, stem, sizeof stem);
    snprintf(line, sizeof line,
             "--%s\r\nContent-Disposition: form-data; name=\"report\"\r\n"
             "Content-Type: application/json; charset=utf-8\r\n\r\n",
             boundary);
    buf_str(b, line);
    buf_str(b, c->json);
    snprintf(line, sizeof line,
             "\r\n--%s\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"%s.pdf\"\r\n"
             "Content-Type: application/pdf\r\n\r\n",
             boundary, stem);
    buf_str(b, line);
    buf_add(b, pdf, pdf_len);
    snprintf(line, sizeof line,
             "\r\n--%s\r\nContent-Disposition: form-data; name=\"xlsx\"; filename=\"%s.xlsx\"\r\n"
             "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n",
             boundary, stem);
    buf_str(b, line);
    buf_add(b, xlsx, xlsx_len);
    snprintf(line, sizeof line, "\r\n--%s--\r\n", boundary);
    buf_str(b, line);
}

static void deliver_https(deliverer *p, const delivery *c, const unsigned char *pdf, size_t pdf_len,
                          const unsigned char *xlsx, size_t xlsx_len)
{
    const config *cfg = p->cfg;
    char secret[512];
    if (destination_secret(cfg, c->destination, secret, sizeof secret) != 0) {
        record(p, c, OUT_RETRY, 0,
               "Chưa có khóa bí mật để ký (report_secret_file hoặc report_secrets_dir); không gửi gì",
               (double)cfg->push_backoff_max, NULL);
        return;
    }
    buf body = {0};
    char boundary[200];
    https_body(c, pdf, pdf_len, xlsx, xlsx_len, &body, boundary, sizeof boundary);
    char ts[24], sig[72], line[512];
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    push_signature(secret, ts, body.data, body.len, sig);
    sodium_memzero(secret, sizeof secret);
    struct curl_slist *hdrs = NULL;
    snprintf(line, sizeof line, "Content-Type: multipart/form-data; boundary=%s", boundary);
    hdrs = curl_slist_append(hdrs, line);
    hdrs = curl_slist_append(hdrs, "Accept: application/json");
    hdrs = curl_slist_append(hdrs, "Expect:");
    snprintf(line, sizeof line, "Idempotency-Key: %s", c->key);
    hdrs = curl_slist_append(hdrs, line);
    snprintf(line, sizeof line, "X-Thidua-Timestamp: %s", ts);
    hdrs = curl_slist_append(hdrs, line);
    snprintf(line, sizeof line, "X-Thidua-Signature: %s", sig);
    hdrs = curl_slist_append(hdrs, line);
    snprintf(line, sizeof line, "X-Thidua-Attempt: %ld", c->attempts);
    hdrs = curl_slist_append(hdrs, line);

    CURL *h = p->curl;
    curl_easy_reset(h);
    answer a = {malloc(RESPONSE_KEEP + 1), 0, ""};
    if (!a.data)
        abort();
    a.data[0] = '\0';
    char errbuf[CURL_ERROR_SIZE] = "";
    char error[ERROR_KEEP + 300] = "";
    CURLcode rc = CURLE_FAILED_INIT;
    if (push_set_trust(h, c->target, cfg->report_ca_file, error, sizeof error) == 0) {
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_USERAGENT, "thidua-report/1");
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, cfg->portal_connect_timeout);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, cfg->report_timeout);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_answer);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, keep_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &a);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        rc = curl_easy_perform(h);
    }
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    push_outcome po = push_classify(rc == CURLE_OK, status);
    outcome out = po == PUSH_SENT ? OUT_SENT : po == PUSH_RETRY ? OUT_RETRY : OUT_FAIL;
    if (rc != CURLE_OK) {
        if (!error[0])
            snprintf(error, sizeof error, "%s: %s", https_words(rc), errbuf[0] ? errbuf : curl_easy_strerror(rc));
    } else if (out != OUT_SENT) {
        char said[ERROR_KEEP];
        push_clean_text(said, sizeof said, a.data, a.len);
        snprintf(error, sizeof error, "Nơi nhận trả lời HTTP %ld: %s", status, said[0] ? said : "(không có nội dung)");
    }
    double delay = 0;
    if (out == OUT_RETRY) {
        unsigned char j;
        randombytes_buf(&j, 1);
        double backoff = push_backoff(c->attempts, cfg->push_backoff_min, cfg->push_backoff_max, j / 255.0);
        long retry_after = a.retry_after[0] ? push_retry_after(a.retry_after, time(NULL)) : -1;
        delay = push_retry_delay(status, retry_after, backoff);
    }
    record(p, c, out, status, error, delay, NULL);
    curl_slist_free_all(hdrs);
    free(a.data);
    free(body.data);
}

/* ------------------------------------------------------------ e-mail */

static const char *kind_label(const char *kind)
{
    if (strcmp(kind, "mid_year") == 0)
        return "Báo cáo sơ kết 6 tháng";
    if (strcmp(kind, "year_end") == 0)
        return "Báo cáo tổng kết";
    return "Báo cáo thống kê khen thưởng";
}

static const char *smtp_words(CURLcode rc)
{
    switch (rc) {
    case CURLE_USE_SSL_FAILED:
        return "Máy chủ thư không cho STARTTLS (bắt buộc mã hóa); không gửi gì";
    case CURLE_OPERATION_TIMEDOUT:
        return "Hết thời gian chờ máy chủ thư (timeout)";
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
        return "Không kết nối được máy chủ thư";
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
        return "Không xác thực được chứng chỉ TLS của máy chủ thư; không gửi gì";
    case CURLE_LOGIN_DENIED:
        return "Máy chủ thư từ chối đăng nhập (xem smtp_credentials_file)";
    default:
        return "Lỗi khi gửi thư";
    }
}

/* Sets what bounds whom an SMTP attempt trusts: smtp:// (with STARTTLS
 * required) or smtps:// only, the certificate and host name verified,
 * with ca_file its CAs only. 0, or -1 with error. */
static int smtp_set_trust(CURL *h, const char *url, const char *ca_file, char *error, size_t cap)
{
    const char *scheme = strncasecmp(url, "smtps://", 8) == 0 ? "smtps" : strncasecmp(url, "smtp://", 7) == 0 ? "smtp" : NULL;
    if (!scheme) {
        snprintf(error, cap, "smtp_url phải là smtp:// hoặc smtps://; không gửi gì");
        return -1;
    }
    CURLcode rcs[] = {
        curl_easy_setopt(h, CURLOPT_URL, url),
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, scheme),
        curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL),
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L),
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L),
        ca_file[0] ? curl_easy_setopt(h, CURLOPT_CAINFO, ca_file) : CURLE_OK,
        ca_file[0] ? curl_easy_setopt(h, CURLOPT_CAPATH, NULL) : CURLE_OK,
    };
    for (size_t i = 0; i < sizeof rcs / sizeof rcs[0]; i++)
        if (rcs[i] != CURLE_OK) {
            snprintf(error, cap, "libcurl từ chối một tùy chọn TLS của SMTP (%s); không gửi gì", curl_easy_strerror(rcs[i]));
            return -1;
        }
    return 0;
}

/* Credentials: line 1 the user name, line 2 the password. 0 (none or
 * read), -1 when the file is named but unreadable. */
static int smtp_credentials(const config *cfg, char *user, size_t ucap, char *pass, size_t pcap)
{
    user[0] = pass[0] = '\0';
    if (!cfg->smtp_credentials_file[0])
        return 0;
    FILE *f = fopen(cfg->smtp_credentials_file, "r");
    if (!f)
        return -1;
    if (!fgets(user, (int)ucap, f) || !fgets(pass, (int)pcap, f)) {
        fclose(f);
        return -1;
    }
    fclose(f);
    user[strcspn(user, "\r\n")] = '\0';
    pass[strcspn(pass, "\r\n")] = '\0';
    return user[0] ? 0 : -1;
}

static void deliver_email(deliverer *p, const delivery *c, const unsigned char *pdf, size_t pdf_len,
                          const unsigned char *xlsx, size_t xlsx_len)
{
    const config *cfg = p->cfg;
    char message_id[400];
    report_message_id(c->report, c->destination, p->domain, message_id, sizeof message_id);
    if (!cfg->smtp_url[0] || !cfg->smtp_from[0]) {
        record(p, c, OUT_RETRY, 0, "Chưa cấu hình máy chủ thư (smtp_url, smtp_from); không gửi gì",
               (double)cfg->push_backoff_max, message_id);
        return;
    }
    char user[256], pass[256];
    if (smtp_credentials(cfg, user, sizeof user, pass, sizeof pass) != 0) {
        record(p, c, OUT_RETRY, 0, "Không đọc được smtp_credentials_file (dòng 1 tên, dòng 2 mật khẩu); không gửi gì",
               (double)cfg->push_backoff_max, message_id);
        return;
    }
    char subject_text[1024], subject[3000], from_name[300], line[3400], date[64], stem[160];
    snprintf(subject_text, sizeof subject_text, "%s năm %s, số %s — %s", kind_label(c->kind), c->year, c->number,
             c->agency_name);
    if (report_rfc2047(subject_text, subject, sizeof subject) != 0)
        snprintf(subject, sizeof subject, "=?UTF-8?B?QsOhbyBjw6Fv?="); /* "Báo cáo" */
    report_rfc2047("Phần mềm thi đua, khen thưởng", from_name, sizeof from_name);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(date, sizeof date, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    file_stem(c, stem, sizeof stem);

    struct curl_slist *hdrs = NULL;
    snprintf(line, sizeof line, "Subject: %s", subject);
    hdrs = curl_slist_append(hdrs, line);
    snprintf(line, sizeof line, "From: %s <%s>", from_name, cfg->smtp_from);
    hdrs = curl_slist_append(hdrs, line);
    snprintf(line, sizeof line, "To: <%s>", c->target);
    hdrs = curl_slist_append(hdrs, line);
    snprintf(line, sizeof line, "Message-ID: %s", message_id);
    hdrs = curl_slist_append(hdrs, line);
    hdrs = curl_slist_append(hdrs, date);
    snprintf(line, sizeof line, "X-Thidua-Report: %lld; sha256=%s", c->report, c->sha256);
    hdrs = curl_slist_append(hdrs, line);
    struct curl_slist *rcpt = curl_slist_append(NULL, c->target);
    char from[300];
    snprintf(from, sizeof from, "<%s>", cfg->smtp_from);

    char *text = NULL;
    size_t text_len = 0;
    FILE *t = open_memstream(&text, &text_len);
    fprintf(t,
            "Kính gửi: %s\r\n\r\n"
            "%s gửi %s năm %s, số %s, đã được phê duyệt ngày %s.\r\n\r\n"
            "Đính kèm:\r\n"
            "  - %s.pdf: văn bản báo cáo (bản chính thức);\r\n"
            "  - %s.xlsx: các bảng số liệu.\r\n\r\n"
            "Mã SHA-256 của nội dung báo cáo đã phê duyệt: %s\r\n\r\n"
            "Thư này do phần mềm thi đua, khen thưởng gửi tự động. Nếu thư được gửi lại (cùng Message-ID), "
            "đó vẫn là một báo cáo.\r\n",
            c->dest_name, c->agency_name, kind_label(c->kind), c->year, c->number, c->approved_on, stem, stem,
            c->sha256);
    fclose(t);

    CURL *h = p->curl;
    curl_easy_reset(h);
    curl_mime *mime = curl_mime_init(h);
    curl_mimepart *part = curl_mime_addpart(mime);
    curl_mime_data(part, text, text_len);
    curl_mime_type(part, "text/plain; charset=utf-8");
    curl_mime_encoder(part, "quoted-printable");
    char name[200];
    part = curl_mime_addpart(mime);
    curl_mime_data(part, (const char *)pdf, pdf_len);
    curl_mime_type(part, "application/pdf");
    snprintf(name, sizeof name, "%s.pdf", stem);
    curl_mime_filename(part, name);
    curl_mime_encoder(part, "base64");
    part = curl_mime_addpart(mime);
    curl_mime_data(part, (const char *)xlsx, xlsx_len);
    curl_mime_type(part, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    snprintf(name, sizeof name, "%s.xlsx", stem);
    curl_mime_filename(part, name);
    curl_mime_encoder(part, "base64");

    char errbuf[CURL_ERROR_SIZE] = "";
    char error[ERROR_KEEP + 300] = "";
    CURLcode rc = CURLE_FAILED_INIT;
    if (smtp_set_trust(h, cfg->smtp_url, cfg->report_ca_file, error, sizeof error) == 0) {
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
        curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, cfg->portal_connect_timeout);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, cfg->report_timeout);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        if (user[0]) {
            curl_easy_setopt(h, CURLOPT_USERNAME, user);
            curl_easy_setopt(h, CURLOPT_PASSWORD, pass);
        }
        rc = curl_easy_perform(h);
    }
    sodium_memzero(pass, sizeof pass);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    outcome out;
    if (rc == CURLE_OK)
        out = OUT_SENT;
    else if (error[0])
        out = OUT_RETRY; /* trust not set: nothing was sent */
    else if (rc == CURLE_LOGIN_DENIED)
        out = OUT_RETRY; /* the configuration's to fix, as a certificate is */
    else if (code >= 500 && code < 600)
        out = OUT_FAIL; /* a permanent refusal: the address, the size */
    else
        out = OUT_RETRY;
    if (rc != CURLE_OK && !error[0]) {
        char said[CURL_ERROR_SIZE + 8];
        push_clean_text(said, sizeof said, errbuf[0] ? errbuf : curl_easy_strerror(rc), strlen(errbuf[0] ? errbuf : curl_easy_strerror(rc)));
        if (code > 0)
            snprintf(error, sizeof error, "%s (SMTP %ld): %s", smtp_words(rc), code, said);
        else
            snprintf(error, sizeof error, "%s: %s", smtp_words(rc), said);
    }
    double delay = 0;
    if (out == OUT_RETRY) {
        unsigned char j;
        randombytes_buf(&j, 1);
        delay = push_backoff(c->attempts, cfg->push_backoff_min, cfg->push_backoff_max, j / 255.0);
    }
    record(p, c, out, code > 0 ? code : 0, error, delay, message_id);
    curl_mime_free(mime);
    curl_slist_free_all(hdrs);
    curl_slist_free_all(rcpt);
    free(text);
}

/* One attempt of a claimed delivery. */
static void deliver(deliverer *p, const delivery *c)
{
    const config *cfg = p->cfg;
    bool email = strcmp(c->channel, "email") == 0;
    char message_id[400] = "";
    if (email)
        report_message_id(c->report, c->destination, p->domain, message_id, sizeof message_id);
    if (c->pdf_len < 0 || c->xlsx_len < 0) {
        record(p, c, OUT_FAIL, 0, "Báo cáo đã phê duyệt không có đủ tệp PDF và XLSX; không gửi gì", 0,
               email ? message_id : NULL);
        return;
    }
    long long total = c->pdf_len + c->xlsx_len;
    if (email && total > cfg->report_attachment_limit) {
        char error[400];
        snprintf(error, sizeof error,
                 "Tệp đính kèm (PDF và XLSX: %lld byte) vượt giới hạn %ld byte của thư; không gửi. "
                 "Hãy gửi qua HTTPS hoặc nâng report_attachment_limit nếu máy chủ thư nhận được.",
                 total, cfg->report_attachment_limit);
        record(p, c, OUT_FAIL, 0, error, 0, message_id);
        return;
    }
    size_t pdf_len = 0, xlsx_len = 0;
    unsigned char *pdf = load_file(p, c, "pdf", &pdf_len);
    unsigned char *xlsx = load_file(p, c, "xlsx", &xlsx_len);
    if (!pdf || !xlsx) {
        /* the database went away mid-claim: the lease runs out */
        log_error("delivery %s: cannot read the report's files: %s", c->id, db_last_error(p->d)->message);
    } else if (email) {
        deliver_email(p, c, pdf, pdf_len, xlsx, xlsx_len);
    } else {
        deliver_https(p, c, pdf, pdf_len, xlsx, xlsx_len);
    }
    free(pdf);
    free(xlsx);
}

/* ------------------------------------------------------------ the process */

static int drop_privileges(const config *cfg)
{
    if (geteuid() != 0)
        return 0;
    struct passwd *pw = getpwnam(cfg->user);
    if (!pw) {
        log_error("user %s does not exist: refusing to deliver as root", cfg->user);
        return -1;
    }
    if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0 || setuid(0) == 0) {
        log_error("cannot drop to user %s: %s", cfg->user, strerror(errno));
        return -1;
    }
    return 0;
}

static void nap(long seconds)
{
    struct timespec ts = {seconds, 0};
    while (!stopping && nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int report_deliver_main(const config *cfg, int argc, char **argv)
{
    bool once = false;
    const char *pidfile = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--once") == 0)
            once = true;
        else if (strcmp(argv[i], "--pidfile") == 0 && i + 1 < argc)
            pidfile = argv[++i];
        else {
            fprintf(stderr, "usage: thidua [--config FILE] report deliver [--once] [--pidfile FILE]\n");
            return 2;
        }
    }
    log_set_tag("report deliver");
    static deliverer p;
    memset(&p, 0, sizeof p);
    p.cfg = cfg;
    if (sodium_init() < 0)
        return 1;
    p.lease = cfg->push_lease > 0 ? cfg->push_lease : cfg->portal_connect_timeout + cfg->report_timeout + 30;
    if (p.lease <= cfg->portal_connect_timeout + cfg->report_timeout) {
        log_error("push_lease (%ld s) must be longer than portal_connect_timeout + report_timeout", p.lease);
        return 1;
    }
    if (pidfile) {
        FILE *f = fopen(pidfile, "w");
        if (!f) {
            log_error("cannot write %s: %s", pidfile, strerror(errno));
            return 1;
        }
        fprintf(f, "%ld\n", (long)getpid());
        fclose(f);
    }
    if (drop_privileges(cfg) != 0)
        return 1;
    char host[64] = "";
    gethostname(host, sizeof host - 1);
    snprintf(p.token_prefix, sizeof p.token_prefix, "%s:%ld", host, (long)getpid());
    snprintf(p.domain, sizeof p.domain, "%s", cfg->report_mail_domain[0] ? cfg->report_mail_domain : host[0] ? host : "thidua");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log_error("libcurl failed to initialise");
        return 1;
    }
    p.curl = curl_easy_init();
    p.d = db_open(cfg->database_url);
    log_info("delivering reports (lease %ld s; e-mail through %s)%s", p.lease,
             cfg->smtp_url[0] ? cfg->smtp_url : "nothing: smtp_url not set", once ? ", once" : "");
    int rc = 0;
    while (!stopping) {
        if (db_ensure(p.d) != 0) {
            log_error("database unreachable; trying again in %ld s", cfg->push_interval);
            if (once) {
                rc = 1;
                break;
            }
            nap(cfg->push_interval);
            continue;
        }
        delivery c;
        int got = claim(&p, &c);
        if (got < 0) {
            log_error("cannot claim from the reports' outbox: %s", db_last_error(p.d)->message);
            if (once) {
                rc = 1;
                break;
            }
            nap(cfg->push_interval);
            continue;
        }
        if (got == 0) {
            if (once)
                break;
            nap(cfg->push_interval);
            continue;
        }
        deliver(&p, &c);
        free(c.json);
    }
    log_info("stopping");
    db_close(p.d);
    curl_easy_cleanup(p.curl);
    curl_global_cleanup();
    if (pidfile)
        unlink(pidfile);
    return rc;
}
