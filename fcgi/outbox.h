/* outbox.h — what the commands that drain an outbox table share: `thidua
 * push` (publications to the portal, push.h) and `thidua report deliver`
 * (approved reports and the notices of report_notices, report_deliver.h).
 *
 * A row is claimed with FOR UPDATE SKIP LOCKED and leased (state
 * 'sending', leased_until, a lease token made here) in a statement that
 * commits before anything is sent, so several drainers, on one host or
 * several, never hold one row at the same time, and one killed mid-send
 * leaves a row that becomes claimable again when its lease ends. The
 * outcome of an attempt is written only by the holder of the lease token.
 * Retries wait push_backoff_min doubling up to push_backoff_max, each
 * shortened by a random 0–50 %, or what a Retry-After asked (push.h).
 *
 * outbox_main is the process: the arguments (--once, --pidfile), the
 * settings' checks, dropping root, signals, libcurl and the database, and
 * the loop that takes one row at a time and naps push_interval when
 * nothing is due (or ends, with --once). What a row is and how it is sent
 * is the caller's (outbox_def). */
#ifndef THIDUA_OUTBOX_H
#define THIDUA_OUTBOX_H
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "db.h"

typedef struct outbox {
    const config *cfg;
    db *d;
    void *curl;             /* a CURL *: curl_easy_reset it before use */
    long lease;             /* seconds a claim holds a row */
    char host[64];          /* gethostname, "" when unknown */
    char token_prefix[96];  /* "host:pid" */
    unsigned long claims;
    bool once;
} outbox;

typedef struct outbox_def {
    const char *tag;   /* the log's tag: "push", "report deliver" */
    const char *usage; /* printed on bad arguments */
    const char *what;  /* the outbox in log lines: "the outbox" */
    /* After the arguments, before anything else: checks the settings and
     * sets o->lease (outbox_lease). 0, or the exit status. */
    int (*prepare)(outbox *o, void *ctx);
    /* Once the database and libcurl are there (the first log line). */
    void (*started)(outbox *o, void *ctx);
    /* Claims one due row and handles it: 1 when one was handled, 0 when
     * nothing is due, -1 on a database error (logged by the loop, with
     * db_last_error). */
    int (*step)(outbox *o, void *ctx);
    /* At the end; may be NULL. */
    void (*finish)(outbox *o, void *ctx);
} outbox_def;

/* `thidua <tag> [--once] [--pidfile FILE]`: runs until SIGTERM (or, with
 * --once, until nothing is due). Returns the process exit status. */
int outbox_main(const config *cfg, const outbox_def *def, void *ctx, int argc, char **argv);

/* The lease of a drainer whose attempts take up to timeout seconds (named
 * timeout_name in the error): push_lease, else portal_connect_timeout +
 * timeout + 30; -1 (logged) when push_lease is not longer than an attempt. */
long outbox_lease(const config *cfg, long timeout, const char *timeout_name);

/* Runs claim statement st with $1 the lease (seconds) and $2 a new lease
 * token, written into token (cap bytes). The result (no row: nothing due),
 * or NULL on a database error. */
db_result *outbox_claim(outbox *o, const db_stmt *st, char *token, size_t cap);

/* Seconds before the next attempt after attempt number `attempts` failed:
 * the backoff with a random jitter; with an HTTP status and the answer's
 * Retry-After (a value or ""), what a 429 or 503 asked for instead. */
double outbox_delay(const config *cfg, long attempts, long status, const char *retry_after);

/* What an attempt came to: acknowledged, to be tried again (or failed
 * once max attempts were made), or refused for good. */
typedef enum { OUTBOX_SENT, OUTBOX_RETRY, OUTBOX_FAIL } outbox_outcome;

/* The statements that write an outcome on a row held with a lease token,
 * whose parameters are:
 *   sent:  $1 id, $2 token, $3 status, $4 extra
 *   retry: $1 id, $2 token, $3 delay (seconds), $4 error, $5 max attempts,
 *          $6 status, $7 extra
 *   fail:  $1 id, $2 token, $3 error, $4 status, $5 extra
 * (status NULL when there was none; extra what the caller keeps besides: a
 * portal's reference, a Message-ID). Each updates the row only while
 * `state = 'sending' AND lease_token = $2` and returns its new state. */
typedef struct outbox_writes {
    const db_stmt *sent, *retry, *fail;
} outbox_writes;

/* Runs the statement of out for row id: the result (no row affected: the
 * lease was lost meanwhile) or NULL on a database error. */
db_result *outbox_write(outbox *o, const outbox_writes *w, outbox_outcome out, const char *id, const char *token,
                        long status, const char *error, double delay, long max_attempts, const char *extra);

/* What an HTTP attempt keeps of the answer: its first RESPONSE bytes and
 * the last response's Retry-After. */
enum { OUTBOX_RESPONSE_KEEP = 64 * 1024, OUTBOX_ERROR_KEEP = 4000 };
typedef struct outbox_answer {
    char *data; /* malloc'd, NUL-terminated */
    size_t len;
    char retry_after[128]; /* "" when none */
} outbox_answer;

void outbox_answer_init(outbox_answer *a);
void outbox_answer_free(outbox_answer *a);
/* CURLOPT_HEADERFUNCTION and CURLOPT_WRITEFUNCTION for an outbox_answer
 * (the HEADERDATA and WRITEDATA). */
size_t outbox_keep_header(char *line, size_t size, size_t n, void *userp);
size_t outbox_keep_answer(char *data, size_t size, size_t n, void *userp);

/* One signed HTTP POST of an outbox row (deploy/portal.md "The request"):
 * Idempotency-Key the row's key, X-Thidua-Timestamp now, X-Thidua-
 * Signature the HMAC of "<timestamp>.<body>" under secret, X-Thidua-
 * Attempt, redirects not followed, the peer's certificate verified (its
 * ca_file's CAs only when given; push_set_trust). peer and Peer name the
 * receiver in errors, inside and at the start of a sentence ("nơi nhận",
 * "Nơi nhận"). */
typedef struct outbox_post_req {
    const char *url, *ca_file, *content_type, *user_agent;
    const char *key, *secret;
    const char *body;
    size_t len;
    long attempts, timeout;
    const char *peer, *Peer;
} outbox_post_req;

/* What the POST came to: the outcome (push_classify), the HTTP status (0:
 * none), the error in Vietnamese ("" when sent), the wait before a retry,
 * and the answer (free it with outbox_answer_free). */
typedef struct outbox_post_res {
    outbox_outcome out;
    long status;
    char error[OUTBOX_ERROR_KEEP + 300];
    double delay;
    outbox_answer answer;
} outbox_post_res;

void outbox_post(outbox *o, const outbox_post_req *q, outbox_post_res *res);

/* The first cap-1 bytes of path, trailing spaces and line ends trimmed,
 * into out; 0, or -1 (unreadable, empty). */
int outbox_read_trimmed(const char *path, char *out, size_t cap);

#endif
