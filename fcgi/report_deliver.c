#include "report_deliver.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db.h"
#include "log.h"
#include "outbox.h"
#include "push.h"
#include "report_make.h"


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

/* Claims a due delivery and writes that its attempt starts, in one
 * statement: an attempt left open by a deliverer that died (its lease ran
 * out) is closed as interrupted first, so the history shows every
 * attempt, those that never got an answer too. */
static const db_stmt STMT_CLAIM = {
    "rdeliver_claim",
    "WITH c AS (SELECT d.id FROM report_deliveries d JOIN reports r ON r.id = d.report_id"
    "   WHERE ((d.state = 'queued' AND d.next_attempt_at <= now()) OR (d.state = 'sending' AND d.leased_until <= now()))"
    "   AND r.state <> 'draft'"
    "   ORDER BY d.next_attempt_at, d.id LIMIT 1 FOR UPDATE OF d SKIP LOCKED),"
    " lost AS (UPDATE report_delivery_attempts a SET interrupted = true, ended_at = now(), ok = false,"
    "   error = 'Lần gửi bị gián đoạn: tiến trình gửi dừng giữa chừng (hết thời hạn giữ lúc '"
    "     || to_char(d.leased_until AT TIME ZONE 'Asia/Ho_Chi_Minh', 'HH24:MI:SS DD/MM/YYYY')"
    "     || '); không rõ nơi nhận đã nhận hay chưa. Lần gửi sau dùng cùng khóa và cùng Message-ID.'"
    "   FROM c, report_deliveries d WHERE d.id = c.id AND a.delivery_id = c.id AND a.ended_at IS NULL RETURNING a.id),"
    " u AS (UPDATE report_deliveries d SET state = 'sending', leased_until = now() + make_interval(secs => $1::int),"
    "   lease_token = $2, attempts = d.attempts + 1"
    "   FROM c WHERE d.id = c.id RETURNING d.id),"
    " s AS (INSERT INTO report_delivery_attempts (delivery_id, ok, lease_token) SELECT id, false, $2 FROM u)"
    " SELECT u.id, (SELECT count(*) FROM lost) FROM u"};
/* What an attempt needs, but the files' bytes. */
static const db_stmt STMT_DETAILS = {
    "rdeliver_details",
    "SELECT d.id, d.idempotency_key, d.attempts, t.id, t.channel, coalesce(t.url, t.address), t.name,"
    " r.id, r.kind, r.number, r.sha256, to_char(r.approved_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY'),"
    " c.year, a.name,"
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
static const db_stmt STMT_FILE_REPORT = {
    "rdeliver_file_report", "SELECT report_id FROM report_deliveries WHERE id = $1"};
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
/* The attempt the claim opened ends (one made before migration 0018 had
 * none open: it is written whole). */
static const outbox_writes WRITES = {&STMT_SENT, &STMT_RETRY, &STMT_FAIL};
static const db_stmt STMT_ATTEMPT = {
    "rdeliver_attempt",
    "WITH e AS (UPDATE report_delivery_attempts SET ended_at = now(), status = $2::int, error = $3, ok = $4::boolean"
    "   WHERE delivery_id = $1 AND lease_token = $5 AND ended_at IS NULL RETURNING id)"
    " INSERT INTO report_delivery_attempts (delivery_id, status, error, ok, lease_token, ended_at)"
    " SELECT $1, $2::int, $3, $4::boolean, $5, now() WHERE NOT EXISTS (SELECT 1 FROM e)"};
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

/* The notices' outbox (report_notices): the office and the director told
 * of a scheduled draft, or of a late report. */
static const db_stmt STMT_NOTICE_CLAIM = {
    "rnotice_claim",
    "WITH c AS (SELECT id FROM report_notices"
    "   WHERE (state = 'queued' AND next_attempt_at <= now()) OR (state = 'sending' AND leased_until <= now())"
    "   ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
    " UPDATE report_notices n SET state = 'sending', leased_until = now() + make_interval(secs => $1::int),"
    "   lease_token = $2, attempts = n.attempts + 1"
    " FROM c WHERE n.id = c.id RETURNING n.id"};
static const db_stmt STMT_NOTICE_DETAILS = {
    "rnotice_details",
    "SELECT n.id, n.attempts, n.event, n.address, n.report_id, n.user_id, coalesce(u.full_name, u.username),"
    " r.kind, r.state, to_char(r.as_of, 'DD/MM/YYYY'), to_char(s.due_on, 'DD/MM/YYYY'), c.id, c.year, c.name, a.name"
    " FROM report_notices n JOIN users u ON u.id = n.user_id JOIN reports r ON r.id = n.report_id"
    " JOIN campaigns c ON c.id = r.campaign_id JOIN units a ON a.id = c.agency_id"
    " LEFT JOIN report_schedules s ON s.id = r.schedule_id WHERE n.id = $1"};
static const db_stmt STMT_NOTICE_SENT = {
    "rnotice_sent",
    "UPDATE report_notices SET state = 'sent', sent_at = now(), leased_until = NULL, lease_token = NULL,"
    " last_status = $3::int, last_error = NULL, message_id = $4"
    " WHERE id = $1 AND lease_token = $2 AND state = 'sending' RETURNING state"};
static const db_stmt STMT_NOTICE_RETRY = {
    "rnotice_retry",
    "UPDATE report_notices SET state = CASE WHEN attempts >= $5::int THEN 'failed' ELSE 'queued' END,"
    " next_attempt_at = now() + make_interval(secs => $3::double precision), last_error = $4,"
    " last_status = $6::int, leased_until = NULL, lease_token = NULL, message_id = $7"
    " WHERE id = $1 AND lease_token = $2 AND state = 'sending' RETURNING state"};
static const db_stmt STMT_NOTICE_FAIL = {
    "rnotice_fail",
    "UPDATE report_notices SET state = 'failed', last_error = $3, last_status = $4::int, leased_until = NULL,"
    " lease_token = NULL, message_id = $5 WHERE id = $1 AND lease_token = $2 AND state = 'sending' RETURNING state"};
static const outbox_writes NOTICE_WRITES = {&STMT_NOTICE_SENT, &STMT_NOTICE_RETRY, &STMT_NOTICE_FAIL};

typedef outbox_outcome outcome;

typedef struct deliverer {
    const config *cfg;
    outbox *o;
    char domain[256];
    char dashboard[CONFIG_STR];
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
    char *json; /* malloc'd */
} delivery;

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* 1 and the delivery's id and lease token when one was claimed (its
 * attempt written as started); 0 when nothing is due; -1 on a database
 * error. */
static int claim(deliverer *p, delivery *c)
{
    memset(c, 0, sizeof *c);
    db_result *r = outbox_claim(p->o, &STMT_CLAIM, c->lease_token, sizeof c->lease_token);
    if (!r)
        return -1;
    if (db_rows(r) == 0) {
        db_free(r);
        return 0;
    }
    copy(c->id, sizeof c->id, db_value(r, 0, 0));
    if (db_int(r, 0, 1) > 0)
        log_error("delivery %s: the attempt before was interrupted (its deliverer stopped mid-send); sending again",
                  c->id);
    db_free(r);
    return 1;
}

/* What the attempt sends: the delivery, the report, its JSON. 0, or -1
 * on a database error. */
static int details(deliverer *p, delivery *c)
{
    const char *q[] = {c->id};
    db_result *r = db_run(p->o->d, &STMT_DETAILS, 1, q);
    if (!r)
        return -1;
    if (db_rows(r) == 0) {
        db_free(r);
        return -1;
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
    c->json = strdup(db_value(r, 0, 14));
    db_free(r);
    if (!c->json)
        abort();
    return 0;
}

/* The bytes of report's file of format (malloc'd, *len): 1; 0 when the
 * report has no such file; -1 on a database error. */
static int load_file(deliverer *p, const char *report, const char *format, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    const char *q[] = {report, format};
    db_result *r = db_run(p->o->d, &STMT_FILE, 2, q);
    if (!r)
        return -1;
    if (db_rows(r) == 0) {
        db_free(r);
        return 0;
    }
    const char *hex = db_value(r, 0, 0);
    size_t hl = strlen(hex);
    unsigned char *bytes = malloc(hl / 2 + 1);
    if (!bytes)
        abort();
    if (sodium_hex2bin(bytes, hl / 2 + 1, hex, hl, NULL, len, NULL) != 0) {
        free(bytes);
        db_free(r);
        return -1;
    }
    db_free(r);
    *out = bytes;
    return 1;
}

/* THE ONE PLACE where a delivery's files are loaded: the report's PDF and
 * workbook, then the delivery's details (whose JSON names the files'
 * digests and sizes, so they are read after the files exist). Approval
 * renders nothing: the first who needs the PDF and the workbook renders
 * them from the frozen content and stores them (report_files_ensure), a
 * deliverer as a GET. A render that fails leaves no file, and the
 * attempt then fails with its reason below.
 * 0 with *pdf and *xlsx (NULL when the report has no such file) and c
 * filled; -1 on a database error (the lease runs out and the delivery is
 * attempted again). */
static int load_delivery(deliverer *p, delivery *c, unsigned char **pdf, size_t *pdf_len, unsigned char **xlsx,
                         size_t *xlsx_len)
{
    *pdf = *xlsx = NULL;
    const char *q[] = {c->id};
    db_result *r = db_run(p->o->d, &STMT_FILE_REPORT, 1, q);
    if (!r || db_rows(r) != 1) {
        db_free(r);
        return -1;
    }
    char report[24];
    copy(report, sizeof report, db_value(r, 0, 0));
    long long report_id = db_int(r, 0, 0);
    db_free(r);
    rm_rc made = report_files_ensure(p->o->d, report_id, NULL, NULL);
    if (made == RM_DB)
        return -1;
    if (made != RM_OK)
        log_error("delivery %s: the PDF and the workbook of report %s could not be made: %s", c->id, report,
                  report_make_message(made));
    if (load_file(p, report, "pdf", pdf, pdf_len) < 0 || load_file(p, report, "xlsx", xlsx, xlsx_len) < 0 ||
        details(p, c) != 0) {
        free(*pdf);
        free(*xlsx);
        *pdf = *xlsx = NULL;
        return -1;
    }
    return 0;
}

/* Writes the outcome of an attempt, the attempt and the report's state in
 * one transaction that locks the report first. */
static void record(deliverer *p, const delivery *c, outcome out, long status, const char *error, double delay,
                   const char *message_id)
{
    db *d = p->o->d;
    char st[16];
    snprintf(st, sizeof st, "%ld", status);
    const char *status_p = status > 0 ? st : NULL;
    const char *lock_p[] = {c->id};
    db_result *r = NULL;
    if (db_begin(d, 0) != 0)
        goto failed;
    r = db_run(d, &STMT_LOCK_REPORT, 1, lock_p);
    if (!r)
        goto failed;
    db_free(r);
    r = outbox_write(p->o, &WRITES, out, c->id, c->lease_token, status, error, delay, p->cfg->report_max_attempts,
                     message_id);
    if (!r)
        goto failed;
    if (db_rows(r) == 0) {
        db_free(r);
        db_rollback(d);
        log_error("delivery %s: lease lost before the outcome was recorded", c->id);
        return;
    }
    char state[16];
    copy(state, sizeof state, db_value(r, 0, 0));
    db_free(r);
    const char *attempt[] = {c->id, status_p, out == OUTBOX_SENT ? NULL : error, out == OUTBOX_SENT ? "true" : "false",
                             c->lease_token};
    r = db_run(d, &STMT_ATTEMPT, 5, attempt);
    if (!r)
        goto failed;
    db_free(r);
    r = db_run(d, &STMT_REPORT_STATE, 1, lock_p);
    if (!r)
        goto failed;
    char report_state[24] = "";
    if (db_rows(r) > 0)
        copy(report_state, sizeof report_state, db_value(r, 0, 1));
    db_free(r);
    if (db_commit(d) != 0)
        goto failed;
    if (out == OUTBOX_SENT)
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
     * same key and Message-ID (its open attempt then shows interrupted). */
    log_error("delivery %s: could not record the outcome: %s", c->id, db_last_error(d)->message);
    if (db_in_transaction(d))
        db_rollback(d);
}

/* ------------------------------------------------------------ secrets */

/* The HMAC key of destination: <report_secrets_dir>/<id>.secret, else
 * report_secret_file. 0, or -1 when there is none. */
static int destination_secret(const config *cfg, long long destination, char *out, size_t cap)
{
    if (cfg->report_secrets_dir[0]) {
        char path[CONFIG_STR + 64];
        snprintf(path, sizeof path, "%s/%lld.secret", cfg->report_secrets_dir, destination);
        if (outbox_read_trimmed(path, out, cap) == 0)
            return 0;
    }
    return cfg->report_secret_file[0] ? outbox_read_trimmed(cfg->report_secret_file, out, cap) : -1;
}

/* ------------------------------------------------------------ HTTPS */

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
        record(p, c, OUTBOX_RETRY, 0,
               "Chưa có khóa bí mật để ký (report_secret_file hoặc report_secrets_dir); không gửi gì",
               (double)cfg->push_backoff_max, NULL);
        return;
    }
    buf body = {0};
    char boundary[200], type[260];
    https_body(c, pdf, pdf_len, xlsx, xlsx_len, &body, boundary, sizeof boundary);
    snprintf(type, sizeof type, "multipart/form-data; boundary=%s", boundary);
    const outbox_post_req q = {c->target, cfg->report_ca_file, type, "thidua-report/1", c->key, secret, body.data,
                               body.len, c->attempts, cfg->report_timeout, "nơi nhận", "Nơi nhận"};
    outbox_post_res res;
    outbox_post(p->o, &q, &res);
    sodium_memzero(secret, sizeof secret);
    record(p, c, res.out, res.status, res.error, res.delay, NULL);
    outbox_answer_free(&res.answer);
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

/* A file attached to a message. */
typedef struct mail_file {
    const unsigned char *data;
    size_t len;
    const char *type;
    const char *name;
} mail_file;

/* One message: to one address, a Vietnamese subject (UTF-8, sent as
 * RFC 2047 words), a text body (UTF-8, CR LF lines, quoted-printable),
 * files attached (base64), a Message-ID the same on every attempt, and
 * extra a header line or NULL. */
typedef struct mail {
    const char *to;
    const char *subject;
    const char *text;
    size_t text_len;
    const char *message_id;
    const char *extra;
    const mail_file *files;
    size_t nfiles;
} mail;

/* Sends m through smtp_url as report_deliver.h says (STARTTLS required,
 * the certificate verified, AUTH from the credentials file). The outcome,
 * *code the server's last SMTP code (0: none), error (cap bytes) why it
 * did not go, and *delay the wait before a retry. */
static outcome smtp_send(deliverer *p, const mail *m, long attempts, long *code, char *error, size_t cap,
                         double *delay)
{
    const config *cfg = p->cfg;
    *code = 0;
    *delay = 0;
    error[0] = '\0';
    if (!cfg->smtp_url[0] || !cfg->smtp_from[0]) {
        snprintf(error, cap, "Chưa cấu hình máy chủ thư (smtp_url, smtp_from); không gửi gì");
        *delay = (double)cfg->push_backoff_max;
        return OUTBOX_RETRY;
    }
    char user[256], pass[256];
    if (smtp_credentials(cfg, user, sizeof user, pass, sizeof pass) != 0) {
        snprintf(error, cap, "Không đọc được smtp_credentials_file (dòng 1 tên, dòng 2 mật khẩu); không gửi gì");
        *delay = (double)cfg->push_backoff_max;
        return OUTBOX_RETRY;
    }
    char subject[3000], from_name[300], line[3400], date[64];
    if (report_rfc2047(m->subject, subject, sizeof subject) != 0)
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

    struct curl_slist *hdrs = NULL;
    snprintf(line, sizeof line, "Subject: %s", subject);
    hdrs = curl_slist_append(hdrs, line);
    snprintf(line, sizeof line, "From: %s <%s>", from_name, cfg->smtp_from);
    hdrs = curl_slist_append(hdrs, line);
    snprintf(line, sizeof line, "To: <%s>", m->to);
    hdrs = curl_slist_append(hdrs, line);
    snprintf(line, sizeof line, "Message-ID: %s", m->message_id);
    hdrs = curl_slist_append(hdrs, line);
    hdrs = curl_slist_append(hdrs, date);
    if (m->extra)
        hdrs = curl_slist_append(hdrs, m->extra);
    struct curl_slist *rcpt = curl_slist_append(NULL, m->to);
    char from[300];
    snprintf(from, sizeof from, "<%s>", cfg->smtp_from);

    CURL *h = p->o->curl;
    curl_easy_reset(h);
    curl_mime *mime = curl_mime_init(h);
    curl_mimepart *part = curl_mime_addpart(mime);
    curl_mime_data(part, m->text, m->text_len);
    curl_mime_type(part, "text/plain; charset=utf-8");
    curl_mime_encoder(part, "quoted-printable");
    for (size_t i = 0; i < m->nfiles; i++) {
        part = curl_mime_addpart(mime);
        curl_mime_data(part, (const char *)m->files[i].data, m->files[i].len);
        curl_mime_type(part, m->files[i].type);
        curl_mime_filename(part, m->files[i].name);
        curl_mime_encoder(part, "base64");
    }

    char errbuf[CURL_ERROR_SIZE] = "";
    CURLcode rc = CURLE_FAILED_INIT;
    if (smtp_set_trust(h, cfg->smtp_url, cfg->report_ca_file, error, cap) == 0) {
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
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, code);
    outcome out;
    if (rc == CURLE_OK)
        out = OUTBOX_SENT;
    else if (error[0])
        out = OUTBOX_RETRY; /* trust not set: nothing was sent */
    else if (rc == CURLE_LOGIN_DENIED)
        out = OUTBOX_RETRY; /* the configuration's to fix, as a certificate is */
    else if (*code >= 500 && *code < 600)
        out = OUTBOX_FAIL; /* a permanent refusal: the address, the size */
    else
        out = OUTBOX_RETRY;
    if (rc != CURLE_OK && !error[0]) {
        const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        char said[CURL_ERROR_SIZE + 8];
        push_clean_text(said, sizeof said, why, strlen(why));
        if (*code > 0)
            snprintf(error, cap, "%s (SMTP %ld): %s", smtp_words(rc), *code, said);
        else
            snprintf(error, cap, "%s: %s", smtp_words(rc), said);
    }
    if (out == OUTBOX_RETRY)
        *delay = outbox_delay(cfg, attempts, 0, NULL);
    curl_mime_free(mime);
    curl_slist_free_all(hdrs);
    curl_slist_free_all(rcpt);
    if (*code < 0)
        *code = 0;
    return out;
}

static void deliver_email(deliverer *p, const delivery *c, const unsigned char *pdf, size_t pdf_len,
                          const unsigned char *xlsx, size_t xlsx_len)
{
    char message_id[400], subject[1024], stem[160], names[2][200], extra[300];
    report_message_id(c->report, c->destination, p->domain, message_id, sizeof message_id);
    snprintf(subject, sizeof subject, "%s năm %s, số %s — %s", kind_label(c->kind), c->year, c->number,
             c->agency_name);
    file_stem(c, stem, sizeof stem);
    snprintf(names[0], sizeof names[0], "%s.pdf", stem);
    snprintf(names[1], sizeof names[1], "%s.xlsx", stem);
    snprintf(extra, sizeof extra, "X-Thidua-Report: %lld; sha256=%s", c->report, c->sha256);
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
    const mail_file files[] = {
        {pdf, pdf_len, "application/pdf", names[0]},
        {xlsx, xlsx_len, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", names[1]},
    };
    const mail m = {c->target, subject, text, text_len, message_id, extra, files, 2};
    long code = 0;
    double delay = 0;
    char error[OUTBOX_ERROR_KEEP + 300];
    outcome out = smtp_send(p, &m, c->attempts, &code, error, sizeof error, &delay);
    record(p, c, out, code, error, delay, message_id);
    free(text);
}

/* One attempt of a claimed delivery. */
static void deliver(deliverer *p, delivery *c)
{
    const config *cfg = p->cfg;
    size_t pdf_len = 0, xlsx_len = 0;
    unsigned char *pdf = NULL, *xlsx = NULL;
    if (load_delivery(p, c, &pdf, &pdf_len, &xlsx, &xlsx_len) != 0) {
        /* the database went away mid-claim: the lease runs out */
        log_error("delivery %s: cannot read the report or its files: %s", c->id, db_last_error(p->o->d)->message);
        return;
    }
    bool email = strcmp(c->channel, "email") == 0;
    char message_id[400] = "";
    if (email)
        report_message_id(c->report, c->destination, p->domain, message_id, sizeof message_id);
    if (!pdf || !xlsx) {
        record(p, c, OUTBOX_FAIL, 0, "Báo cáo đã phê duyệt không có đủ tệp PDF và XLSX; không gửi gì", 0,
               email ? message_id : NULL);
    } else if (email && (long long)(pdf_len + xlsx_len) > cfg->report_attachment_limit) {
        char error[400];
        snprintf(error, sizeof error,
                 "Tệp đính kèm (PDF và XLSX: %lld byte) vượt giới hạn %ld byte của thư; không gửi. "
                 "Hãy gửi qua HTTPS hoặc nâng report_attachment_limit nếu máy chủ thư nhận được.",
                 (long long)(pdf_len + xlsx_len), cfg->report_attachment_limit);
        record(p, c, OUTBOX_FAIL, 0, error, 0, message_id);
    } else if (email) {
        deliver_email(p, c, pdf, pdf_len, xlsx, xlsx_len);
    } else {
        deliver_https(p, c, pdf, pdf_len, xlsx, xlsx_len);
    }
    free(pdf);
    free(xlsx);
    free(c->json);
    c->json = NULL;
}

/* ------------------------------------------------------------ notices */

typedef struct notice {
    char id[24];
    char lease_token[160];
    long attempts;
    char event[16];
    char address[300];
    long long report, user;
    char name[256];
    char kind[32];
    char state[24];
    char as_of[16], due_on[16];
    long long campaign;
    char year[8];
    char campaign_name[400];
    char agency_name[512];
} notice;

void report_notice_message_id(long long report, const char *event, long long user, const char *domain, char *out,
                              size_t cap)
{
    snprintf(out, cap, "<report-%lld.%s.user-%lld@%s>", report, event, user, domain);
}

/* 1 and the notice when one was claimed; 0 when none is due; -1 on a
 * database error. */
static int notice_claim(deliverer *p, notice *n)
{
    memset(n, 0, sizeof *n);
    db_result *r = outbox_claim(p->o, &STMT_NOTICE_CLAIM, n->lease_token, sizeof n->lease_token);
    if (!r)
        return -1;
    if (db_rows(r) == 0) {
        db_free(r);
        return 0;
    }
    copy(n->id, sizeof n->id, db_value(r, 0, 0));
    db_free(r);
    const char *q[] = {n->id};
    r = db_run(p->o->d, &STMT_NOTICE_DETAILS, 1, q);
    if (!r)
        return -1;
    if (db_rows(r) != 1) {
        db_free(r);
        return -1;
    }
    n->attempts = (long)db_int(r, 0, 1);
    copy(n->event, sizeof n->event, db_value(r, 0, 2));
    copy(n->address, sizeof n->address, db_value(r, 0, 3));
    n->report = db_int(r, 0, 4);
    n->user = db_int(r, 0, 5);
    copy(n->name, sizeof n->name, db_value(r, 0, 6));
    copy(n->kind, sizeof n->kind, db_value(r, 0, 7));
    copy(n->state, sizeof n->state, db_value(r, 0, 8));
    copy(n->as_of, sizeof n->as_of, db_value(r, 0, 9));
    copy(n->due_on, sizeof n->due_on, db_value(r, 0, 10));
    n->campaign = db_int(r, 0, 11);
    copy(n->year, sizeof n->year, db_value(r, 0, 12));
    copy(n->campaign_name, sizeof n->campaign_name, db_value(r, 0, 13));
    copy(n->agency_name, sizeof n->agency_name, db_value(r, 0, 14));
    db_free(r);
    return 1;
}

static void notice_record(deliverer *p, const notice *n, outcome out, long code, const char *error, double delay,
                          const char *message_id)
{
    db_result *r = outbox_write(p->o, &NOTICE_WRITES, out, n->id, n->lease_token, code, error, delay,
                                p->cfg->report_max_attempts, message_id);
    if (!r) {
        log_error("notice %s: could not record the outcome: %s", n->id, db_last_error(p->o->d)->message);
        return;
    }
    if (db_affected(r) == 0)
        log_error("notice %s: lease lost before the outcome was recorded", n->id);
    else if (out == OUTBOX_SENT)
        log_info("notice %s (report %lld, %s) sent to user %lld, attempt %ld", n->id, n->report, n->event, n->user,
                 n->attempts);
    else if (strcmp(db_value(r, 0, 0), "failed") == 0)
        log_error("notice %s (report %lld, %s) to user %lld failed: %s", n->id, n->report, n->event, n->user, error);
    else
        log_info("notice %s: attempt %ld did not go through (%s); next in %.1f s", n->id, n->attempts, error, delay);
    db_free(r);
}

/* The e-mail that tells a person of the office or the director that a
 * schedule made a draft (drafted), or that a report is late (late). */
static void notice_send(deliverer *p, const notice *n)
{
    char message_id[400];
    report_notice_message_id(n->report, n->event, n->user, p->domain, message_id, sizeof message_id);
    bool late = strcmp(n->event, "late") == 0;
    if (late && strcmp(n->state, "draft") != 0) {
        notice_record(p, n, OUTBOX_FAIL, 0, "Không gửi: báo cáo đã được duyệt trước khi thư báo quá hạn được gửi", 0,
                      message_id);
        return;
    }
    const char *what = kind_label(n->kind);
    char subject[1200], link[CONFIG_STR + 96];
    snprintf(link, sizeof link, "%s/?campaign=%lld&page=reports&report=%lld", p->dashboard, n->campaign, n->report);
    /* "Báo cáo sơ kết 6 tháng" → "báo cáo sơ kết 6 tháng" inside a sentence */
    char lower[200];
    snprintf(lower, sizeof lower, "b%s", what + 1);
    if (late)
        snprintf(subject, sizeof subject, "Quá hạn duyệt: %s năm %s (hạn %s) — %s", lower, n->year, n->due_on,
                 n->agency_name);
    else
        snprintf(subject, sizeof subject, "Dự thảo %s năm %s đã được tạo, hạn duyệt %s — %s", lower, n->year,
                 n->due_on, n->agency_name);
    char *text = NULL;
    size_t text_len = 0;
    FILE *t = open_memstream(&text, &text_len);
    fprintf(t, "Kính gửi: %s\r\n\r\n", n->name);
    if (late)
        fprintf(t,
                "%s năm %s của %s (phong trào \"%s\") đến nay vẫn là dự thảo, chưa được duyệt, "
                "và đã quá hạn duyệt.\r\n\r\n",
                what, n->year, n->agency_name, n->campaign_name);
    else
        fprintf(t,
                "Theo lịch báo cáo, phần mềm đã tạo dự thảo %s năm %s của %s (phong trào \"%s\") "
                "từ số liệu hiện có.\r\n\r\n",
                lower, n->year, n->agency_name, n->campaign_name);
    fprintf(t,
            "  - Số liệu tính đến ngày: %s\r\n"
            "  - Hạn duyệt: %s\r\n\r\n"
            "Văn phòng hoàn thiện phần nhận xét; Giám đốc duyệt và cho số văn bản, trên trang Báo cáo:\r\n"
            "%s\r\n\r\n"
            "Thư này do phần mềm thi đua, khen thưởng gửi tự động đến văn phòng và giám đốc; mỗi người một thư.\r\n",
            n->as_of, n->due_on[0] ? n->due_on : "(không có)", link);
    fclose(t);
    const mail m = {n->address, subject, text, text_len, message_id, NULL, NULL, 0};
    long code = 0;
    double delay = 0;
    char error[OUTBOX_ERROR_KEEP + 300];
    outcome out = smtp_send(p, &m, n->attempts, &code, error, sizeof error, &delay);
    notice_record(p, n, out, code, error, delay, message_id);
    free(text);
}

/* ------------------------------------------------------------ the process */

static int prepare(outbox *o, void *ctx)
{
    deliverer *p = ctx;
    p->o = o;
    o->lease = outbox_lease(o->cfg, o->cfg->report_timeout, "report_timeout");
    return o->lease < 0 ? 1 : 0;
}

static void started(outbox *o, void *ctx)
{
    deliverer *p = ctx;
    const config *cfg = o->cfg;
    snprintf(p->domain, sizeof p->domain, "%s",
             cfg->report_mail_domain[0] ? cfg->report_mail_domain : o->host[0] ? o->host : "thidua");
    if (cfg->dashboard_url[0])
        snprintf(p->dashboard, sizeof p->dashboard, "%s", cfg->dashboard_url);
    else
        snprintf(p->dashboard, sizeof p->dashboard, "https://%s", o->host[0] ? o->host : "localhost");
    size_t n = strlen(p->dashboard);
    while (n > 0 && p->dashboard[n - 1] == '/')
        p->dashboard[--n] = '\0';
    log_info("delivering reports and notices (lease %ld s; e-mail through %s)%s", o->lease,
             cfg->smtp_url[0] ? cfg->smtp_url : "nothing: smtp_url not set", o->once ? ", once" : "");
}

/* A delivery when one is due, else a notice. */
static int step(outbox *o, void *ctx)
{
    (void)o;
    deliverer *p = ctx;
    delivery c;
    int got = claim(p, &c);
    if (got < 0)
        return -1;
    if (got > 0) {
        deliver(p, &c);
        return 1;
    }
    notice n;
    got = notice_claim(p, &n);
    if (got <= 0)
        return got;
    notice_send(p, &n);
    return 1;
}

int report_deliver_main(const config *cfg, int argc, char **argv)
{
    static const outbox_def def = {"report deliver",
                                   "usage: thidua [--config FILE] report deliver [--once] [--pidfile FILE]",
                                   "the reports' outbox", prepare, started, step, NULL};
    static deliverer p;
    memset(&p, 0, sizeof p);
    p.cfg = cfg;
    return outbox_main(cfg, &def, &p, argc, argv);
}
