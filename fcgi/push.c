#include "push.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <utf8proc.h>

#include "db.h"
#include "log.h"
#include "outbox.h"

enum { REF_KEEP = 200 };
/* The longest wait a portal may ask for: a wrong date (a year ahead) must
 * not park a publication for good. */
enum { RETRY_AFTER_MAX = 86400 };

/* ------------------------------------------------------------ pure helpers */

push_outcome push_classify(int transport_ok, long status)
{
    if (!transport_ok)
        return PUSH_RETRY;
    if (status >= 200 && status < 300)
        return PUSH_SENT;
    if (status == 408 || status == 429 || status >= 500)
        return PUSH_RETRY;
    /* 1xx/3xx never end a request we make (no redirects followed): the
     * portal answered something we cannot take as delivery. */
    return PUSH_FAIL;
}

double push_backoff(long attempt, long min, long max, double jitter01)
{
    if (attempt < 1)
        attempt = 1;
    double d = (double)min;
    for (long i = 1; i < attempt && d < (double)max; i++)
        d *= 2;
    if (d > (double)max)
        d = (double)max;
    if (jitter01 < 0)
        jitter01 = 0;
    if (jitter01 > 1)
        jitter01 = 1;
    return d * (0.5 + jitter01 / 2);
}

long push_retry_after(const char *value, time_t now)
{
    value += strspn(value, " \t");
    size_t n = strlen(value);
    while (n > 0 && strchr(" \t\r\n", value[n - 1]))
        n--;
    char v[128];
    if (n == 0 || n >= sizeof v)
        return -1;
    memcpy(v, value, n);
    v[n] = '\0';
    long secs = 0;
    if (strspn(v, "0123456789") == n) {
        for (size_t i = 0; i < n && secs <= RETRY_AFTER_MAX; i++)
            secs = secs * 10 + (v[i] - '0');
    } else {
        /* curl_getdate knows every date form of HTTP and needs no
         * transfer. */
        time_t when = curl_getdate(v, &now);
        if (when == -1)
            return -1;
        if (when <= now)
            return 0;
        secs = when - now > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : (long)(when - now);
    }
    return secs > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : secs;
}

double push_retry_delay(long status, long retry_after, double backoff)
{
    if ((status != 429 && status != 503) || retry_after <= 0)
        return backoff;
    return (double)retry_after;
}

void push_hmac_hex(const char *key, size_t key_len, const char *data, size_t len, char out[65])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, key_len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)data, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out, 65, mac, sizeof mac);
}

void push_signature(const char *secret, const char *timestamp, const char *body, size_t len, char out[72])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)timestamp, strlen(timestamp));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, 65, mac, sizeof mac);
}

void push_clean_text(char *dst, size_t cap, const char *src, size_t len)
{
    size_t o = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)src;
    utf8proc_ssize_t left = (utf8proc_ssize_t)len;
    while (left > 0 && cap > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        bool ok = n > 0 && cp != 0 && (cp >= 0x20 || cp == '\n' || cp == '\t') && cp != 0x7f;
        size_t take = ok ? (size_t)n : 1;
        size_t need = ok ? take : 1;
        if (o + need + 1 > cap)
            break;
        if (ok)
            memcpy(dst + o, p, take);
        else
            dst[o] = cp == '\r' ? ' ' : '?';
        o += need;
        p += take;
        left -= (utf8proc_ssize_t)take;
    }
    if (cap > 0)
        dst[o] = '\0';
}

static bool host_is(const char *rest, const char *host)
{
    size_t n = strlen(host);
    return strncasecmp(rest, host, n) == 0 && (rest[n] == '\0' || rest[n] == ':' || rest[n] == '/');
}

int push_url_allowed(const char *url)
{
    if (strncasecmp(url, "https://", 8) == 0)
        return url[8] != '\0';
    if (strncasecmp(url, "http://", 7) == 0) {
        const char *h = url + 7;
        return host_is(h, "127.0.0.1") || host_is(h, "localhost") || host_is(h, "[::1]");
    }
    return 0;
}

/* True, with error filled, when libcurl refused option name. */
static bool refused(CURLcode rc, const char *name, char *error, size_t cap)
{
    if (rc == CURLE_OK)
        return false;
    snprintf(error, cap, "libcurl từ chối tùy chọn %s (%s); không gửi gì", name, curl_easy_strerror(rc));
    return true;
}

int push_set_trust(void *curl, const char *url, const char *ca_file, char *error, size_t cap)
{
    if (!push_url_allowed(url)) {
        snprintf(error, cap, "portal_url phải là https:// (http:// chỉ đến máy này); không gửi gì");
        return -1;
    }
    CURL *h = curl;
    const char *scheme = strncasecmp(url, "https://", 8) == 0 ? "https" : "http";
    if (refused(curl_easy_setopt(h, CURLOPT_URL, url), "CURLOPT_URL", error, cap) ||
        refused(curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, scheme), "CURLOPT_PROTOCOLS_STR", error, cap) ||
        refused(curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, scheme), "CURLOPT_REDIR_PROTOCOLS_STR", error, cap) ||
        refused(curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L), "CURLOPT_FOLLOWLOCATION", error, cap) ||
        refused(curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L), "CURLOPT_SSL_VERIFYPEER", error, cap) ||
        refused(curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L), "CURLOPT_SSL_VERIFYHOST", error, cap))
        return -1;
    if (!ca_file[0])
        return 0;
    /* Only this bundle: not the system's trust store besides. */
    if (refused(curl_easy_setopt(h, CURLOPT_CAINFO, ca_file), "CURLOPT_CAINFO", error, cap) ||
        refused(curl_easy_setopt(h, CURLOPT_CAPATH, NULL), "CURLOPT_CAPATH", error, cap))
        return -1;
    return 0;
}

/* ------------------------------------------------------------ the outbox */

static const db_stmt STMT_CLAIM = {
    "push_claim",
    "WITH c AS (SELECT id FROM publications"
    "   WHERE (state = 'queued' AND next_attempt_at <= now()) OR (state = 'sending' AND leased_until <= now())"
    "   ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
    " UPDATE publications p SET state = 'sending', leased_until = now() + make_interval(secs => $1::int),"
    "   lease_token = $2, attempts = p.attempts + 1"
    " FROM c WHERE p.id = c.id"
    " RETURNING p.id, p.idempotency_key, p.attempts, p.kind,"
    "   (p.payload || jsonb_build_object('id', p.id, 'idempotency_key', p.idempotency_key,"
    "     'queued_at', p.created_at))::text"};
static const db_stmt STMT_SENT = {
    "push_sent",
    "UPDATE publications SET state = 'sent', sent_at = now(), leased_until = NULL, lease_token = NULL,"
    " portal_ref = $4, last_status = $3::int WHERE id = $1 AND lease_token = $2 AND state = 'sending' RETURNING state"};
static const db_stmt STMT_RETRY = {
    "push_retry",
    "UPDATE publications SET state = CASE WHEN attempts >= $5::int THEN 'failed' ELSE 'queued' END,"
    " next_attempt_at = now() + make_interval(secs => $3::double precision), last_error = $4,"
    " last_status = $6::int, leased_until = NULL, lease_token = NULL, portal_ref = coalesce($7, portal_ref)"
    " WHERE id = $1 AND lease_token = $2 AND state = 'sending' RETURNING state"};
static const db_stmt STMT_FAIL = {
    "push_fail",
    "UPDATE publications SET state = 'failed', last_error = $3, last_status = $4::int, leased_until = NULL,"
    " lease_token = NULL, portal_ref = coalesce($5, portal_ref)"
    " WHERE id = $1 AND lease_token = $2 AND state = 'sending' RETURNING state"};
static const outbox_writes WRITES = {&STMT_SENT, &STMT_RETRY, &STMT_FAIL};

typedef struct pusher {
    const config *cfg;
    char secret[512];
    outbox *o;
} pusher;

typedef struct claimed {
    char id[24];
    char key[128];
    char lease_token[128];
    long attempts;
    char *body; /* malloc'd */
} claimed;

/* 1 and the row when one was claimed; 0 when nothing is due; -1 on a
 * database error. */
static int claim(pusher *p, claimed *c)
{
    memset(c, 0, sizeof *c);
    db_result *r = outbox_claim(p->o, &STMT_CLAIM, c->lease_token, sizeof c->lease_token);
    if (!r)
        return -1;
    if (db_rows(r) == 0) {
        db_free(r);
        return 0;
    }
    snprintf(c->id, sizeof c->id, "%s", db_value(r, 0, 0));
    snprintf(c->key, sizeof c->key, "%s", db_value(r, 0, 1));
    c->attempts = (long)db_int(r, 0, 2);
    c->body = strdup(db_value(r, 0, 4));
    db_free(r);
    if (!c->body)
        abort();
    return 1;
}

/* The portal's reference for what it stored: "reference" (or "id") of a
 * JSON answer, as text. "" when none. */
static void portal_reference(const outbox_answer *a, char *out, size_t cap)
{
    out[0] = '\0';
    json_t *j = a->len ? json_loadb(a->data, a->len, 0, NULL) : NULL;
    if (!j)
        return;
    json_t *v = json_object_get(j, "reference");
    if (!v)
        v = json_object_get(j, "id");
    if (json_is_string(v))
        push_clean_text(out, cap, json_string_value(v), json_string_length(v));
    else if (json_is_integer(v))
        snprintf(out, cap, "%lld", (long long)json_integer_value(v));
    json_decref(j);
}

static void record(pusher *p, const claimed *c, push_outcome outcome, long status, const char *error,
                   double delay, const char *ref)
{
    outbox_outcome out = outcome == PUSH_SENT ? OUTBOX_SENT : outcome == PUSH_RETRY ? OUTBOX_RETRY : OUTBOX_FAIL;
    db_result *r = outbox_write(p->o, &WRITES, out, c->id, c->lease_token, status, error, delay,
                                p->cfg->push_max_attempts, outcome == PUSH_SENT ? ref : NULL);
    if (!r) {
        /* The lease runs out and the row is sent again with the same key. */
        log_error("publication %s: could not record the outcome: %s", c->id, db_last_error(p->o->d)->message);
        return;
    }
    if (db_affected(r) == 0)
        log_error("publication %s: lease lost before the outcome was recorded", c->id);
    else if (outcome == PUSH_SENT)
        log_info("publication %s sent (attempt %ld, HTTP %ld%s%s)", c->id, c->attempts, status,
                 ref && ref[0] ? ", reference " : "", ref && ref[0] ? ref : "");
    else if (outcome == PUSH_RETRY && db_value(r, 0, 0) && strcmp(db_value(r, 0, 0), "failed") == 0)
        log_error("publication %s failed after %ld attempts: %s", c->id, c->attempts, error);
    else if (outcome == PUSH_RETRY)
        log_info("publication %s: attempt %ld did not go through (%s); next in %.1f s", c->id, c->attempts,
                 error, delay);
    else
        log_error("publication %s refused by the portal: %s", c->id, error);
    db_free(r);
}

/* One HTTP attempt for a claimed row, then its outcome recorded. */
static void deliver(pusher *p, const claimed *c)
{
    const config *cfg = p->cfg;
    const outbox_post_req q = {cfg->portal_url, cfg->portal_ca_file, "application/json; charset=utf-8", "thidua-push/1",
                               c->key, p->secret, c->body, strlen(c->body), c->attempts, cfg->portal_timeout,
                               "Cổng thông tin", "Cổng thông tin"};
    outbox_post_res res;
    outbox_post(p->o, &q, &res);
    char ref[REF_KEEP] = "";
    if (res.out == OUTBOX_SENT)
        portal_reference(&res.answer, ref, sizeof ref);
    push_outcome outcome = res.out == OUTBOX_SENT ? PUSH_SENT : res.out == OUTBOX_RETRY ? PUSH_RETRY : PUSH_FAIL;
    record(p, c, outcome, res.status, res.error, res.delay, ref);
    outbox_answer_free(&res.answer);
}

/* ------------------------------------------------------------ the process */

static int read_secret(const config *cfg, char *out, size_t cap)
{
    if (!cfg->portal_secret_file[0]) {
        snprintf(out, cap, "%s", cfg->portal_secret);
        return out[0] ? 0 : -1;
    }
    if (outbox_read_trimmed(cfg->portal_secret_file, out, cap) != 0) {
        log_error("cannot read %s (or it is empty)", cfg->portal_secret_file);
        return -1;
    }
    return 0;
}

static int prepare(outbox *o, void *ctx)
{
    pusher *p = ctx;
    const config *cfg = o->cfg;
    p->o = o;
    if (!cfg->portal_url[0]) {
        log_error("portal_url is not set in %s: nothing to push to", cfg->path[0] ? cfg->path : "the configuration");
        return 1;
    }
    if (!push_url_allowed(cfg->portal_url)) {
        log_error("portal_url must be https:// (plain http:// only to a loopback stand-in): %s", cfg->portal_url);
        return 1;
    }
    if (read_secret(cfg, p->secret, sizeof p->secret) != 0) {
        log_error("no portal secret (portal_secret or portal_secret_file): refusing to send unsigned");
        return 1;
    }
    o->lease = outbox_lease(cfg, cfg->portal_timeout, "portal_timeout");
    return o->lease < 0 ? 1 : 0;
}

static void started(outbox *o, void *ctx)
{
    (void)ctx;
    log_info("pushing to %s (lease %ld s, timeouts %ld/%ld s)%s", o->cfg->portal_url, o->lease,
             o->cfg->portal_connect_timeout, o->cfg->portal_timeout, o->once ? ", once" : "");
}

static int step(outbox *o, void *ctx)
{
    (void)o;
    pusher *p = ctx;
    claimed c;
    int got = claim(p, &c);
    if (got <= 0)
        return got;
    deliver(p, &c);
    free(c.body);
    return 1;
}

static void finish(outbox *o, void *ctx)
{
    (void)o;
    pusher *p = ctx;
    sodium_memzero(p->secret, sizeof p->secret);
}

int push_main(const config *cfg, int argc, char **argv)
{
    static const outbox_def def = {"push", "usage: thidua [--config FILE] push [--once] [--pidfile FILE]",
                                   "the outbox", prepare, started, step, finish};
    static pusher p;
    memset(&p, 0, sizeof p);
    p.cfg = cfg;
    return outbox_main(cfg, &def, &p, argc, argv);
}
