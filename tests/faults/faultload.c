/* faultload.c — the clients of `make faults` (tests/faults/run.sh): many
 * requests at once through nginx with libcurl's multi interface, every
 * answer written down, nothing retried (a retry would hide what the
 * faults did).
 *
 *   faultload writes  --url BASE --token T --unit ID --seconds S --concurrency C --prefix P --out FILE
 *     POST /api/v1/staff {"code": "<P><n>", ...} for S seconds, C at a time;
 *     one line per request: "<code> <status> <origin>", where status is the
 *     HTTP status (0: no answer) and origin says who answered a 503: "db"
 *     (the worker: the database is unreachable), "nginx" (nginx itself:
 *     the worker died or was not there), "-" otherwise; for status 0 the
 *     libcurl error code.
 *
 *   faultload publish --url BASE --office T --director T --campaign ID --unit ID --staff ID
 *                     --count N --seconds S --concurrency C --out FILE
 *     N exemplars, started evenly over S seconds, each proposed and
 *     forwarded (office) then approved (director): a burst of publications
 *     queued through the API. One line per exemplar:
 *     "<exemplar id or -> <status of the last step> <step>" (step: propose,
 *     forward, approve; an approve answered 200 queued one publication).
 *
 * Exits 0 when it ran (whatever the answers), 2 on bad usage, 1 when it
 * could not run at all. */
#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_SLOTS = 256, BODY_KEEP = 8192 };

typedef enum { W_PROPOSE, W_FORWARD, W_APPROVE } step;

typedef struct slot {
    CURL *h;
    struct curl_slist *hdrs;
    char body[2048];
    char answer[BODY_KEEP];
    size_t len;
    char code[64];   /* writes: the staff code */
    long long x;     /* publish: the exemplar */
    step at;
    bool busy;
} slot;

static struct {
    const char *url, *token, *office, *director, *prefix, *out;
    long long unit, campaign, staff;
    long seconds, concurrency, count;
} O;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t keep(char *data, size_t size, size_t n, void *userp)
{
    slot *s = userp;
    size_t add = size * n, room = sizeof s->answer - 1 - s->len;
    size_t take = add < room ? add : room;
    memcpy(s->answer + s->len, data, take);
    s->len += take;
    s->answer[s->len] = '\0';
    return add;
}

static void start(CURLM *m, slot *s, const char *path, const char *token, const char *json)
{
    char url[1024], auth[256];
    snprintf(url, sizeof url, "%s%s", O.url, path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    curl_easy_reset(s->h);
    curl_slist_free_all(s->hdrs);
    s->hdrs = curl_slist_append(NULL, auth);
    s->hdrs = curl_slist_append(s->hdrs, "Content-Type: application/json");
    s->hdrs = curl_slist_append(s->hdrs, "Expect:");
    snprintf(s->body, sizeof s->body, "%s", json ? json : "");
    s->len = 0;
    s->answer[0] = '\0';
    curl_easy_setopt(s->h, CURLOPT_URL, url);
    curl_easy_setopt(s->h, CURLOPT_POST, 1L);
    curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, s->body);
    curl_easy_setopt(s->h, CURLOPT_POSTFIELDSIZE, (long)strlen(s->body));
    curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, s->hdrs);
    curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(s->h, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
    curl_easy_setopt(s->h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s->h, CURLOPT_ACCEPT_ENCODING, "");
    curl_multi_add_handle(m, s->h);
    s->busy = true;
}

/* Who answered a 503: the worker (its detail names the database) or nginx
 * (its page for an upstream that failed). */
static const char *origin(const slot *s, long status)
{
    if (status != 503)
        return "-";
    if (strstr(s->answer, "Cơ sở dữ liệu"))
        return "db";
    if (strstr(s->answer, "Máy chủ ứng dụng"))
        return "nginx";
    return "other";
}

static long long answer_id(const slot *s)
{
    json_t *j = json_loads(s->answer, 0, NULL);
    long long id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    return id;
}

static void start_write(CURLM *m, slot *s, long n)
{
    char json[512];
    snprintf(s->code, sizeof s->code, "%s%ld", O.prefix, n);
    snprintf(json, sizeof json,
             "{\"code\":\"%s\",\"full_name\":\"Người thử lỗi %ld\",\"unit_id\":%lld,\"category\":\"cong_chuc\","
             "\"joined_on\":\"2020-01-01\"}",
             s->code, n, O.unit);
    start(m, s, "/api/v1/staff", O.token, json);
}

static void start_exemplar(CURLM *m, slot *s, long n)
{
    char json[1024], path[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/exemplars", O.campaign);
    snprintf(json, sizeof json,
             "{\"unit_id\":%lld,\"subject_type\":\"person\",\"staff_id\":%lld,\"kind\":\"guong_dien_hinh\","
             "\"title\":\"Gương điển hình số %ld\",\"achievements\":\"Hoàn thành xuất sắc nhiệm vụ (thử lỗi).\","
             "\"period_from\":\"2025-01-01\",\"period_to\":\"2025-12-31\"}",
             O.unit, O.staff, n);
    s->x = 0;
    s->at = W_PROPOSE;
    start(m, s, path, O.office, json);
}

static const char *step_name(step at)
{
    return at == W_PROPOSE ? "propose" : at == W_FORWARD ? "forward" : "approve";
}

/* A publish slot's request is done: the next step, or its line. Returns
 * true when the exemplar is finished. */
static bool next_step(CURLM *m, slot *s, long status, FILE *out)
{
    char path[128];
    if (s->at == W_PROPOSE && status == 201) {
        s->x = answer_id(s);
        if (s->x > 0) {
            s->at = W_FORWARD;
            snprintf(path, sizeof path, "/api/v1/exemplars/%lld/forward", s->x);
            start(m, s, path, O.office, NULL);
            return false;
        }
    } else if (s->at == W_FORWARD && status == 200) {
        s->at = W_APPROVE;
        snprintf(path, sizeof path, "/api/v1/exemplars/%lld/approve", s->x);
        start(m, s, path, O.director, NULL);
        return false;
    }
    if (s->x > 0)
        fprintf(out, "%lld %ld %s\n", s->x, status, step_name(s->at));
    else
        fprintf(out, "- %ld %s\n", status, step_name(s->at));
    return true;
}

static int usage(void)
{
    fprintf(stderr, "usage: faultload writes --url BASE --token T --unit ID --seconds S --concurrency C --prefix P --out FILE\n"
                    "       faultload publish --url BASE --office T --director T --campaign ID --unit ID --staff ID\n"
                    "                         --count N --seconds S --concurrency C --out FILE\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    bool publish = strcmp(argv[1], "publish") == 0;
    if (!publish && strcmp(argv[1], "writes") != 0)
        return usage();
    O.prefix = "F-";
    O.concurrency = 16;
    O.seconds = 60;
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (strcmp(k, "--url") == 0) O.url = v;
        else if (strcmp(k, "--token") == 0) O.token = v;
        else if (strcmp(k, "--office") == 0) O.office = v;
        else if (strcmp(k, "--director") == 0) O.director = v;
        else if (strcmp(k, "--prefix") == 0) O.prefix = v;
        else if (strcmp(k, "--out") == 0) O.out = v;
        else if (strcmp(k, "--unit") == 0) O.unit = strtoll(v, NULL, 10);
        else if (strcmp(k, "--campaign") == 0) O.campaign = strtoll(v, NULL, 10);
        else if (strcmp(k, "--staff") == 0) O.staff = strtoll(v, NULL, 10);
        else if (strcmp(k, "--seconds") == 0) O.seconds = strtol(v, NULL, 10);
        else if (strcmp(k, "--concurrency") == 0) O.concurrency = strtol(v, NULL, 10);
        else if (strcmp(k, "--count") == 0) O.count = strtol(v, NULL, 10);
        else return usage();
    }
    if (!O.url || !O.out || O.unit <= 0 || O.seconds < 1 || O.concurrency < 1 || O.concurrency > MAX_SLOTS)
        return usage();
    if (publish ? (!O.office || !O.director || O.campaign <= 0 || O.staff <= 0 || O.count < 1) : !O.token)
        return usage();
    FILE *out = fopen(O.out, "w");
    if (!out) {
        perror(O.out);
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, O.concurrency);
    static slot slots[MAX_SLOTS];
    for (long i = 0; i < O.concurrency; i++)
        slots[i].h = curl_easy_init();

    double t0 = now_s();
    long started = 0, done = 0;
    for (;;) {
        double t = now_s() - t0;
        /* writes: keep every slot busy until the time is up; publish:
         * start exemplars evenly over the seconds. */
        for (long i = 0; i < O.concurrency; i++) {
            slot *s = &slots[i];
            if (s->busy)
                continue;
            if (publish) {
                if (started >= O.count || (double)started >= t * (double)O.count / (double)O.seconds + 1)
                    continue;
                start_exemplar(m, s, ++started);
            } else {
                if (t >= (double)O.seconds)
                    continue;
                start_write(m, s, ++started);
            }
        }
        int running = 0;
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            slot *s = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            CURLcode rc = msg->data.result;
            long status = 0;
            if (rc == CURLE_OK)
                curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
            curl_multi_remove_handle(m, s->h);
            s->busy = false;
            if (publish) {
                if (next_step(m, s, status, out))
                    done++;
            } else {
                if (status == 0)
                    fprintf(out, "%s 0 curl%d\n", s->code, (int)rc);
                else
                    fprintf(out, "%s %ld %s\n", s->code, status, origin(s, status));
                done++;
            }
        }
        bool any_busy = false;
        for (long i = 0; i < O.concurrency; i++)
            any_busy |= slots[i].busy;
        bool more = publish ? started < O.count : now_s() - t0 < (double)O.seconds;
        if (!any_busy && !more)
            break;
        curl_multi_poll(m, NULL, 0, 20, NULL);
    }
    for (long i = 0; i < O.concurrency; i++) {
        curl_slist_free_all(slots[i].hdrs);
        curl_easy_cleanup(slots[i].h);
    }
    curl_multi_cleanup(m);
    curl_global_cleanup();
    fclose(out);
    fprintf(stderr, "faultload %s: %ld requests%s in %.1f s\n", argv[1], done, publish ? " (exemplars)" : "",
            now_s() - t0);
    return 0;
}
