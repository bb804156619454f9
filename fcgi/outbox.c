/* outbox.c — draining an outbox table (outbox.h). */
#include "outbox.h"

#include <curl/curl.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "push.h"

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

long outbox_lease(const config *cfg, long timeout, const char *timeout_name)
{
    long lease = cfg->push_lease > 0 ? cfg->push_lease : cfg->portal_connect_timeout + timeout + 30;
    if (lease <= cfg->portal_connect_timeout + timeout) {
        log_error("push_lease (%ld s) must be longer than portal_connect_timeout + %s", lease, timeout_name);
        return -1;
    }
    return lease;
}

db_result *outbox_claim(outbox *o, const db_stmt *st, char *token, size_t cap)
{
    char lease[24];
    snprintf(lease, sizeof lease, "%ld", o->lease);
    unsigned char rnd[8];
    randombytes_buf(rnd, sizeof rnd);
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(token, cap, "%s:%lu:%s", o->token_prefix, ++o->claims, hex);
    const char *params[] = {lease, token};
    return db_run(o->d, st, 2, params);
}

double outbox_delay(const config *cfg, long attempts, long status, const char *retry_after)
{
    unsigned char j;
    randombytes_buf(&j, 1);
    double backoff = push_backoff(attempts, cfg->push_backoff_min, cfg->push_backoff_max, j / 255.0);
    long asked = retry_after && retry_after[0] ? push_retry_after(retry_after, time(NULL)) : -1;
    return push_retry_delay(status, asked, backoff);
}

db_result *outbox_write(outbox *o, const outbox_writes *w, outbox_outcome out, const char *id, const char *token,
                        long status, const char *error, double delay, long max_attempts, const char *extra)
{
    char st[16], wait[32], max[24];
    snprintf(st, sizeof st, "%ld", status);
    snprintf(wait, sizeof wait, "%.3f", delay);
    snprintf(max, sizeof max, "%ld", max_attempts);
    const char *status_p = status > 0 ? st : NULL;
    const char *extra_p = extra && extra[0] ? extra : NULL;
    if (out == OUTBOX_SENT) {
        const char *params[] = {id, token, status_p, extra_p};
        return db_run(o->d, w->sent, 4, params);
    }
    if (out == OUTBOX_RETRY) {
        const char *params[] = {id, token, wait, error, max, status_p, extra_p};
        return db_run(o->d, w->retry, 7, params);
    }
    const char *params[] = {id, token, error, status_p, extra_p};
    return db_run(o->d, w->fail, 5, params);
}

void outbox_answer_init(outbox_answer *a)
{
    memset(a, 0, sizeof *a);
    a->data = malloc(OUTBOX_RESPONSE_KEEP + 1);
    if (!a->data)
        abort();
    a->data[0] = '\0';
}

void outbox_answer_free(outbox_answer *a)
{
    free(a->data);
    a->data = NULL;
}

/* Headers: keeps Retry-After of the last response (a status line starts
 * each response's headers, so an earlier one's is forgotten). */
size_t outbox_keep_header(char *line, size_t size, size_t n, void *userp)
{
    outbox_answer *a = userp;
    size_t len = size * n;
    const size_t name = strlen("Retry-After:");
    if (len >= 5 && strncmp(line, "HTTP/", 5) == 0)
        a->retry_after[0] = '\0';
    else if (len > name && strncasecmp(line, "Retry-After:", name) == 0)
        snprintf(a->retry_after, sizeof a->retry_after, "%.*s", (int)(len - name), line + name);
    return len;
}

size_t outbox_keep_answer(char *data, size_t size, size_t n, void *userp)
{
    outbox_answer *a = userp;
    size_t add = size * n;
    size_t room = OUTBOX_RESPONSE_KEEP - a->len;
    size_t take = add < room ? add : room;
    if (take) {
        memcpy(a->data + a->len, data, take);
        a->len += take;
        a->data[a->len] = '\0';
    }
    return add; /* the rest is read and dropped */
}

static void transport_words(CURLcode rc, const outbox_post_req *q, char *out, size_t cap)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        snprintf(out, cap, "Hết thời gian chờ %s (timeout)", q->peer);
        break;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        snprintf(out, cap, "Không kết nối được %s", q->peer);
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
        snprintf(out, cap, "Không xác thực được chứng chỉ TLS của %s; không gửi gì", q->peer);
        break;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        snprintf(out, cap, "%s ngắt kết nối giữa chừng", q->Peer);
        break;
    default:
        snprintf(out, cap, "Lỗi khi gửi đến %s", q->peer);
    }
}

void outbox_post(outbox *o, const outbox_post_req *q, outbox_post_res *res)
{
    const config *cfg = o->cfg;
    CURL *h = o->curl;
    curl_easy_reset(h);
    res->status = 0;
    res->delay = 0;
    res->error[0] = '\0';
    outbox_answer_init(&res->answer);
    char ts[24], sig[72], line[512];
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    push_signature(q->secret, ts, q->body, q->len, sig);
    struct curl_slist *hdrs = NULL;
    snprintf(line, sizeof line, "Content-Type: %s", q->content_type);
    hdrs = curl_slist_append(hdrs, line);
    hdrs = curl_slist_append(hdrs, "Accept: application/json");
    hdrs = curl_slist_append(hdrs, "Expect:");
    snprintf(line, sizeof line, "Idempotency-Key: %s", q->key);
    hdrs = curl_slist_append(hdrs, line);
    snprintf(line, sizeof line, "X-Thidua-Timestamp: %s", ts);
    hdrs = curl_slist_append(hdrs, line);
    snprintf(line, sizeof line, "X-Thidua-Signature: %s", sig);
    hdrs = curl_slist_append(hdrs, line);
    snprintf(line, sizeof line, "X-Thidua-Attempt: %ld", q->attempts);
    hdrs = curl_slist_append(hdrs, line);

    char errbuf[CURL_ERROR_SIZE] = "";
    CURLcode rc = CURLE_FAILED_INIT;
    /* An attempt whose trust libcurl would not set is not made: it is one
     * that did not go through (retried; its error kept on the row). */
    if (push_set_trust(h, q->url, q->ca_file, res->error, sizeof res->error) == 0) {
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->len);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_USERAGENT, q->user_agent);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, cfg->portal_connect_timeout);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, q->timeout);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, outbox_keep_answer);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &res->answer);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, outbox_keep_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &res->answer);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        rc = curl_easy_perform(h);
    } else {
        log_error("attempt %ld to %s not made: %s", q->attempts, q->url, res->error);
    }
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->status);
    push_outcome po = push_classify(rc == CURLE_OK, res->status);
    res->out = po == PUSH_SENT ? OUTBOX_SENT : po == PUSH_RETRY ? OUTBOX_RETRY : OUTBOX_FAIL;
    if (rc != CURLE_OK) {
        if (!res->error[0]) { /* else push_set_trust's: nothing was sent */
            char words[200];
            transport_words(rc, q, words, sizeof words);
            snprintf(res->error, sizeof res->error, "%s: %s", words, errbuf[0] ? errbuf : curl_easy_strerror(rc));
        }
    } else if (res->out != OUTBOX_SENT) {
        char said[OUTBOX_ERROR_KEEP];
        push_clean_text(said, sizeof said, res->answer.data, res->answer.len);
        snprintf(res->error, sizeof res->error, "%s trả lời HTTP %ld: %s", q->Peer, res->status,
                 said[0] ? said : "(không có nội dung)");
    }
    if (res->out == OUTBOX_RETRY)
        res->delay = outbox_delay(cfg, q->attempts, res->status, res->answer.retry_after);
    curl_slist_free_all(hdrs);
}

int outbox_read_trimmed(const char *path, char *out, size_t cap)
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

static int drop_privileges(const config *cfg, const char *tag)
{
    if (geteuid() != 0)
        return 0;
    struct passwd *pw = getpwnam(cfg->user);
    if (!pw) {
        log_error("user %s does not exist: refusing to run %s as root", cfg->user, tag);
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

int outbox_main(const config *cfg, const outbox_def *def, void *ctx, int argc, char **argv)
{
    static outbox o;
    memset(&o, 0, sizeof o);
    o.cfg = cfg;
    const char *pidfile = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--once") == 0)
            o.once = true;
        else if (strcmp(argv[i], "--pidfile") == 0 && i + 1 < argc)
            pidfile = argv[++i];
        else {
            fprintf(stderr, "%s\n", def->usage);
            return 2;
        }
    }
    log_set_tag(def->tag);
    if (sodium_init() < 0)
        return 1;
    int prc = def->prepare(&o, ctx);
    if (prc != 0)
        return prc;
    if (pidfile) {
        FILE *f = fopen(pidfile, "w");
        if (!f) {
            log_error("cannot write %s: %s", pidfile, strerror(errno));
            return 1;
        }
        fprintf(f, "%ld\n", (long)getpid());
        fclose(f);
    }
    if (drop_privileges(cfg, def->tag) != 0)
        return 1;
    gethostname(o.host, sizeof o.host - 1);
    snprintf(o.token_prefix, sizeof o.token_prefix, "%s:%ld", o.host, (long)getpid());

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
    o.curl = curl_easy_init();
    o.d = db_open(cfg->database_url);
    def->started(&o, ctx);
    int rc = 0;
    while (!stopping) {
        if (db_ensure(o.d) != 0) {
            log_error("database unreachable; trying again in %ld s", cfg->push_interval);
            if (o.once) {
                rc = 1;
                break;
            }
            nap(cfg->push_interval);
            continue;
        }
        int got = def->step(&o, ctx);
        if (got < 0) {
            log_error("cannot claim from %s: %s", def->what, db_last_error(o.d)->message);
            if (db_in_transaction(o.d))
                db_rollback(o.d);
            if (o.once) {
                rc = 1;
                break;
            }
            nap(cfg->push_interval);
            continue;
        }
        if (got == 0) {
            if (o.once)
                break;
            nap(cfg->push_interval);
        }
    }
    log_info("stopping");
    db_close(o.d);
    curl_easy_cleanup(o.curl);
    curl_global_cleanup();
    if (def->finish)
        def->finish(&o, ctx);
    if (pidfile)
        unlink(pidfile);
    return rc;
}
