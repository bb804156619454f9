/* Reports under faults (issue 12, "Bad input and faults"), the part that
 * is deterministic:
 * - an approval whose worker is killed (SIGKILL) in the middle of it,
 *   after the report row was updated (its INSERT into report_deliveries
 *   held on a lock this test takes), leaves a draft with no number, no
 *   digest, no report_files and no deliveries; a second approval succeeds,
 *   and stores no file (approval renders nothing);
 * - the first GET of the PDF, whose worker is killed after rendering it
 *   (its INSERT into report_files held on a lock), stores nothing; the
 *   next GET renders and stores it;
 * - `thidua report deliver` killed mid-send (the receiver holds the
 *   request) leaves the delivery leased: not taken again while the lease
 *   lasts, taken again once it ends, the same key, stored once;
 * - a destination down for an hour (nginx, the receiver's TLS front,
 *   stopped: connections refused) with the default backoff (5 s to 900 s,
 *   20 attempts): the hour is walked by moving next_attempt_at to now
 *   after each attempt, as the push tests do; the delivery stays queued
 *   the whole hour and is delivered once after it.
 * The rest is elsewhere: an SMTP server that refuses STARTTLS gets nothing
 * in clear (test_report_delivery_mail.c, no_starttls_nothing_sent_in_clear);
 * a 30 MB attachment limit (same file); the worker killed during a real,
 * slow render of a large report (tests/faults/reports.sh, `make faults`). */
#include "client.h"
#include "push_support.h"
#include "test_report_delivery.h"

#include <dirent.h>
#include <libpq-fe.h>

#define TLS_PORT ps_port(2)
#define PORTAL_PORT ps_port(3)
#define CONTROL_PORT ps_port(4)

static ps_world W;
static ps_portal P;
static const char *dir;
static pid_t nginx_pid;
static char url[256];
static PGconn *locker, *watch; /* the approval test's; closed after it, whatever happened */

static void start_nginx(void)
{
    char conf[1100], text[4096];
    snprintf(conf, sizeof conf, "%s/nginx.conf", dir);
    snprintf(text, sizeof text,
             "daemon off;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/nginx-error.log warn;\n"
             "events { worker_connections 64; }\n"
             "http {\n  access_log %s/nginx-access.log;\n  client_max_body_size 100m;\n"
             "  client_body_temp_path %s/tmp-body; proxy_temp_path %s/tmp-proxy; fastcgi_temp_path %s/tmp-fcgi;\n"
             "  uwsgi_temp_path %s/tmp-uwsgi; scgi_temp_path %s/tmp-scgi;\n"
             "  server {\n    listen 127.0.0.1:%d ssl;\n    ssl_certificate %s/server.crt;\n"
             "    ssl_certificate_key %s/server.key;\n"
             "    location / { proxy_pass http://127.0.0.1:%d; proxy_read_timeout 60s; }\n  }\n}\n",
             dir, dir, dir, dir, dir, dir, dir, dir, TLS_PORT, dir, dir, PORTAL_PORT);
    ps_write_file(conf, text);
    char prefix[1100], log[1100], errlog[1100];
    snprintf(prefix, sizeof prefix, "%s/", dir);
    snprintf(log, sizeof log, "%s/nginx.out", dir);
    snprintf(errlog, sizeof errlog, "%s/nginx-error.log", dir);
    char *argv[] = {"/usr/sbin/nginx", "-p", prefix, "-c", conf, "-e", errlog, NULL};
    nginx_pid = ps_spawn(argv, log);
    for (int i = 0; i < 100; i++) {
        char full[400];
        snprintf(full, sizeof full, "bash -c 'exec 3<>/dev/tcp/127.0.0.1/%d' 2>/dev/null", TLS_PORT);
        if (system(full) == 0)
            return;
        ps_sleep_ms(100);
    }
    fail_msg("nginx did not start (see %s)", errlog);
}

static void stop_nginx(void)
{
    if (nginx_pid > 0)
        assert_int_equal(ps_stop(nginx_pid), 0);
    nginx_pid = 0;
}

static int group_setup(void **state)
{
    (void)state;
    ps_world_make(&W, "rflt");
    char agency[32];
    snprintf(agency, sizeof agency, "%lld", W.agency);
    const char *p[] = {agency};
    free(t_sql("UPDATE units SET name = 'Sở Nội vụ thử lỗi', parent_body = 'UBND tỉnh Sóc Trăng', place = 'Sóc Trăng'"
               " WHERE id = $1::bigint",
               1, p));
    dir = ps_dir("report-faults");
    rd_certificates(dir);
    ps_portal_start(&P, dir, PORTAL_PORT, CONTROL_PORT);
    start_nginx();
    snprintf(url, sizeof url, "https://127.0.0.1:%d/api/thidua/reports", TLS_PORT);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (nginx_pid > 0)
        ps_stop(nginx_pid);
    ps_kill_all();
    ps_world_free(&W);
    return 0;
}

/* After each test: deliverers gone (nginx and the stand-in stay), the
 * receiver behaving. */
static int after_test(void **state)
{
    (void)state;
    for (int i = 0; i < PS_MAX_CHILDREN; i++) {
        if (ps_children[i] > 0 && ps_children[i] != P.pid && ps_children[i] != nginx_pid) {
            kill(ps_children[i], SIGKILL);
            waitpid(ps_children[i], NULL, 0);
            ps_children[i] = 0;
        }
    }
    if (locker)
        PQfinish(locker); /* its lock on report_files goes with it */
    if (watch)
        PQfinish(watch);
    locker = watch = NULL;
    if (nginx_pid == 0)
        start_nginx();
    ps_portal_mode(&P, "{\"mode\":\"up\"}");
    ps_portal_mode(&P, "{\"mode\":\"ok\"}");
    return 0;
}

static const char *config(const char *name, const char *extra)
{
    char lines[2000];
    snprintf(lines, sizeof lines, "report_ca_file = %s/ca1.crt\nreport_secret_file = %s\n%s", dir, P.secret_file,
             extra ? extra : "");
    return rd_config(dir, name, lines);
}

static long long count_of(const char *sql, long long id)
{
    char s[32];
    snprintf(s, sizeof s, "%lld", id);
    const char *p[] = {s};
    return t_sql_int(sql, 1, p);
}

/* ------------------------------------------------------------ the approval */

static PGconn *pg(void)
{
    PGconn *c = PQconnectdb(ps_env("THIDUA_TEST_DB"));
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("test database: %s", PQerrorMessage(c));
    return c;
}

static void pg_ok(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
}

static long pg_long(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    long v = PQntuples(r) ? strtol(PQgetvalue(r, 0, 0), NULL, 10) : -1;
    PQclear(r);
    return v;
}

/* The workers of the test stack's master (var/run/thidua.pid). */
static int workers(pid_t *out, int cap)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/run/thidua.pid", ps_env("THIDUA_VAR"));
    FILE *f = fopen(path, "r");
    char text[32] = "";
    if (!f || !fgets(text, sizeof text, f))
        fail_msg("cannot read %s", path);
    fclose(f);
    long master = strtol(text, NULL, 10);
    if (master <= 1)
        fail_msg("no master pid in %s", path);
    int n = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) && n < cap) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        char stat[64], line[512];
        snprintf(stat, sizeof stat, "/proc/%ld/stat", pid);
        FILE *s = fopen(stat, "r");
        if (!s)
            continue;
        size_t len = fread(line, 1, sizeof line - 1, s);
        fclose(s);
        line[len] = '\0';
        /* "pid (comm) state ppid ...": comm may hold spaces, so from the last ')' */
        const char *close_paren = strrchr(line, ')');
        if (!close_paren || strlen(close_paren) < 5)
            continue;
        char st = close_paren[2];
        long ppid = strtol(close_paren + 4, NULL, 10);
        if (ppid == master && st != 'Z')
            out[n++] = (pid_t)pid;
    }
    if (d)
        closedir(d);
    return n;
}

/* POSTs the approval from a child process, which writes the status it
 * got to fd. */
static pid_t approve_in_child(long long report, const char *number, int fd)
{
    fflush(NULL);
    pid_t child = fork();
    if (child < 0)
        fail_msg("fork");
    if (child == 0) {
        char path[96], body[96];
        snprintf(path, sizeof path, "/api/v1/reports/%lld/approve", report);
        snprintf(body, sizeof body, "{\"number\":\"%s\"}", number);
        t_resp *r = t_post(path, W.director, body);
        char out[16];
        int len = snprintf(out, sizeof out, "%ld", r->status);
        ssize_t w = write(fd, out, (size_t)len);
        _exit(w == len ? 0 : 1);
    }
    return child;
}

static void approval_killed_midway_leaves_a_draft(void **state)
{
    (void)state;
    /* two destinations that take year-end reports: an approval queues two */
    rd_destination(&W, "email", "van-thu@khoi.example.gov.vn");
    rd_destination(&W, "https", "https://khoi.example.gov.vn/api/thidua/reports");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/reports", W.campaign);
    t_resp *r = t_post(path, W.office, "{\"kind\":\"year_end\"}");
    t_assert_status(r, 201);
    long long report = t_json_int(r->json, "id");
    t_free(r);
    snprintf(path, sizeof path, "/api/v1/reports/%lld", report);
    r = t_patch(path, W.office, "{\"sections\":{\"strengths\":\"Hoàn thành 98,73 % chỉ tiêu.\"}}");
    t_assert_status(r, 200);
    t_free(r);

    /* The approval's INSERT into report_deliveries waits on this lock: by
     * then the report row is updated (approved, number, digest, content),
     * in the approval's open transaction. */
    locker = pg();
    watch = pg();
    pg_ok(locker, "BEGIN");
    pg_ok(locker, "LOCK TABLE report_deliveries IN SHARE MODE");
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t child = approve_in_child(report, "41/BC-SNV", fds[1]);
    close(fds[1]);
    bool waiting = false;
    for (int i = 0; i < 600 && !waiting; i++) {
        waiting = pg_long(watch, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                 " AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO report_deliveries%'") > 0;
        if (!waiting)
            ps_sleep_ms(100);
    }
    if (!waiting)
        fail_msg("the approval did not come to wait on report_deliveries");
    /* the approval got that far: its transaction holds the report row updated */
    assert_true(pg_long(watch, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                               " AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL") > 0);

    /* SIGKILL every worker (the one approving among them) */
    pid_t kids[64];
    int n = workers(kids, 64);
    assert_true(n >= 1);
    for (int i = 0; i < n; i++)
        assert_int_equal(kill(kids[i], SIGKILL), 0);
    char got[16] = "";
    ssize_t len = read(fds[0], got, sizeof got - 1);
    close(fds[0]);
    assert_int_equal(waitpid(child, NULL, 0), child);
    assert_true(len > 0);
    got[len] = '\0';
    assert_string_not_equal(got, "200");

    /* The lock goes; the orphaned transaction can only end rolled back. */
    pg_ok(locker, "ROLLBACK");
    PQfinish(locker);
    locker = NULL;
    bool gone = false;
    for (int i = 0; i < 600 && !gone; i++) {
        gone = pg_long(watch, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                              " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                              " AND query ILIKE '%report_deliveries%'") == 0;
        if (!gone)
            ps_sleep_ms(100);
    }
    PQfinish(watch);
    watch = NULL;
    assert_true(gone);
    /* the master replaced its workers */
    bool up = false;
    for (int i = 0; i < 600 && !up; i++) {
        r = t_get("/api/v1/health", NULL);
        up = r->status == 200;
        t_free(r);
        if (!up)
            ps_sleep_ms(100);
    }
    assert_true(up);

    /* nothing half-stored */
    rd_assert_field("reports", report, "state", "draft");
    assert_int_equal(count_of("SELECT count(*) FROM reports WHERE id = $1 AND number IS NULL AND sha256 IS NULL"
                              " AND content IS NULL AND approved_at IS NULL AND approved_by IS NULL",
                              report),
                     1);
    assert_int_equal(count_of("SELECT count(*) FROM report_files WHERE report_id = $1", report), 0);
    assert_int_equal(count_of("SELECT count(*) FROM report_deliveries WHERE report_id = $1", report), 0);
    r = t_getf(W.viewer, "/api/v1/reports/%lld", report);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "state"), "draft");
    assert_true(json_is_null(json_object_get(r->json, "sha256")));
    assert_true(json_is_null(json_object_get(r->json, "number")));
    t_free(r);

    /* approved again, with the same number: whole */
    snprintf(path, sizeof path, "/api/v1/reports/%lld/approve", report);
    r = t_post(path, W.director, "{\"number\":\"41/BC-SNV\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "state"), "approved");
    assert_string_equal(t_json_str(r->json, "number"), "41/BC-SNV");
    assert_int_equal(strlen(t_json_str(r->json, "sha256")), 64);
    t_free(r);
    assert_int_equal(count_of("SELECT count(*) FROM report_files WHERE report_id = $1", report), 0);
    assert_int_equal(count_of("SELECT count(*) FROM report_deliveries WHERE report_id = $1 AND state = 'queued'", report),
                     2);

    /* The first GET of the PDF renders it; killed before its INSERT into
     * report_files (held on a lock), it stores nothing. */
    locker = pg();
    watch = pg();
    pg_ok(locker, "BEGIN");
    pg_ok(locker, "LOCK TABLE report_files IN SHARE MODE");
    fflush(NULL);
    pid_t getter = fork();
    if (getter < 0)
        fail_msg("fork");
    if (getter == 0) {
        t_resp *g = t_getf(W.viewer, "/api/v1/reports/%lld?format=pdf", report);
        _exit(g->status == 200 ? 0 : 1);
    }
    waiting = false;
    for (int i = 0; i < 600 && !waiting; i++) {
        waiting = pg_long(watch, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                 " AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO report_files%'") > 0;
        if (!waiting)
            ps_sleep_ms(100);
    }
    if (!waiting)
        fail_msg("the first GET did not come to wait on report_files");
    n = workers(kids, 64);
    for (int i = 0; i < n; i++)
        assert_int_equal(kill(kids[i], SIGKILL), 0);
    int gst = 0;
    assert_int_equal(waitpid(getter, &gst, 0), getter);
    assert_false(WIFEXITED(gst) && WEXITSTATUS(gst) == 0);
    pg_ok(locker, "ROLLBACK");
    PQfinish(locker);
    locker = NULL;
    gone = false;
    for (int i = 0; i < 600 && !gone; i++) {
        gone = pg_long(watch, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                              " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                              " AND query ILIKE '%report_files%'") == 0;
        if (!gone)
            ps_sleep_ms(100);
    }
    PQfinish(watch);
    watch = NULL;
    assert_true(gone);
    assert_int_equal(count_of("SELECT count(*) FROM report_files WHERE report_id = $1", report), 0);
    up = false;
    for (int i = 0; i < 600 && !up; i++) {
        r = t_get("/api/v1/health", NULL);
        up = r->status == 200;
        t_free(r);
        if (!up)
            ps_sleep_ms(100);
    }
    assert_true(up);
    /* The next GET renders and stores both, digests matching. */
    r = t_getf(W.viewer, "/api/v1/reports/%lld?format=pdf", report);
    t_assert_status(r, 200);
    assert_true(r->len > 4 && memcmp(r->body, "%PDF", 4) == 0);
    t_free(r);
    assert_int_equal(count_of("SELECT count(*) FROM report_files WHERE report_id = $1 AND sha256 = encode(sha256(bytes),"
                              " 'hex') AND length(bytes) > 0",
                              report),
                     2);
    /* and not a third time */
    r = t_post(path, W.director, "{\"number\":\"42/BC-SNV\"}");
    t_assert_problem(r, 409, NULL);
    t_free(r);
    /* those deliveries are not for this program's receiver: out of the way */
    count_of("WITH d AS (UPDATE report_deliveries SET state = 'failed', last_error = 'test' WHERE report_id = $1"
             " RETURNING 1) SELECT count(*) FROM d",
             report);
}

/* ------------------------------------------------------------ the deliverer */

static bool receiver_holds(long long delivery)
{
    char *key = rd_field("report_deliveries", delivery, "idempotency_key");
    json_t *rec = ps_received(&P);
    bool ok = ps_item(rec, key) && json_integer_value(json_object_get(rec, "open")) >= 1;
    json_decref(rec);
    free(key);
    return ok;
}

static void receiver_saw(long long delivery, int *stored, int *requests)
{
    char *key = rd_field("report_deliveries", delivery, "idempotency_key");
    json_t *rec = ps_received(&P);
    *stored = 0;
    *requests = 0;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(rec, "items"), i, x)
        if (strcmp(json_string_value(json_object_get(x, "key")), key) == 0)
            (*stored)++;
    json_t *it = ps_item(rec, key);
    if (it)
        *requests = (int)json_integer_value(json_object_get(it, "times"));
    json_decref(rec);
    free(key);
}

static void deliverer_killed_midsend_reclaimed_after_its_lease(void **state)
{
    (void)state;
    long long report = rd_report(&W, "mid_year", 0);
    long long d = rd_queue(report, rd_destination(&W, "https", url));
    /* the receiver stores the request and holds it */
    ps_portal_mode(&P, "{\"mode\":\"stall\",\"seconds\":3600,\"count\":1}");
    const char *cfg = config("killed", "report_timeout = 8\npush_lease = 12\n");
    pid_t deliverer = rd_start(dir, cfg, "deliver-killed");
    bool holds = false;
    for (int i = 0; i < 600 && !(holds = receiver_holds(d)); i++)
        ps_sleep_ms(100);
    assert_true(holds);
    ps_sigkill(deliverer);
    rd_assert_field("report_deliveries", d, "state", "sending");
    rd_assert_field("report_deliveries", d, "attempts", "1");
    assert_int_equal(count_of("SELECT count(*) FROM report_deliveries WHERE id = $1 AND leased_until > now()", d), 1);
    /* while the lease lasts, another deliverer leaves it alone */
    json_t *rec = ps_received(&P);
    long long requests_before = ps_count(rec, "requests");
    json_decref(rec);
    assert_int_equal(rd_once(dir, cfg, "deliver-during-lease"), 0);
    rd_assert_field("report_deliveries", d, "state", "sending");
    rd_assert_field("report_deliveries", d, "attempts", "1");
    rec = ps_received(&P);
    assert_int_equal(ps_count(rec, "requests"), requests_before);
    json_decref(rec);
    /* the lease ends (as if its 12 s had passed): taken again, sent with
     * the same key, stored once */
    count_of("WITH d AS (UPDATE report_deliveries SET leased_until = now() - interval '1 second' WHERE id = $1"
             " RETURNING 1) SELECT count(*) FROM d",
             d);
    assert_int_equal(rd_once(dir, cfg, "deliver-after-lease"), 0);
    rd_assert_field("report_deliveries", d, "state", "sent");
    rd_assert_field("report_deliveries", d, "attempts", "2");
    rd_assert_field("reports", report, "state", "delivered");
    int stored, requests;
    receiver_saw(d, &stored, &requests);
    assert_int_equal(stored, 1);
    assert_int_equal(requests, 2);
}

static void destination_down_an_hour_delivered_after_once(void **state)
{
    (void)state;
    long long report = rd_report(&W, "year_end", 0);
    long long d = rd_queue(report, rd_destination(&W, "https", url));
    /* the production backoff (config.c's defaults), not the tests' quick one */
    const char *cfg = config("down-hour", "push_backoff_min = 5\npush_backoff_max = 900\nreport_max_attempts = 20\n");
    stop_nginx();
    double hour = 0;
    int attempts = 0;
    while (hour < 3600) {
        assert_int_equal(rd_once(dir, cfg, "deliver-down"), 0);
        attempts++;
        rd_assert_field("report_deliveries", d, "state", "queued");
        char *a = rd_field("report_deliveries", d, "attempts");
        assert_int_equal(strtol(a, NULL, 10), attempts);
        free(a);
        char *wait = rd_field("report_deliveries", d, "extract(epoch FROM next_attempt_at - now())");
        double w = strtod(wait, NULL);
        free(wait);
        assert_true(w > 0 && w <= 900 * 1.5);
        hour += w;
        rd_due_now(d); /* the clock moves on to the next attempt */
        assert_true(attempts < 20);
    }
    /* an hour of refusals is a few attempts, not the 20 that give up */
    assert_true(attempts >= 5 && attempts <= 15);
    char *e = rd_field("report_deliveries", d, "last_error");
    assert_non_null(e);
    free(e);
    rd_assert_field("reports", report, "state", "approved");
    json_t *rec = ps_received(&P);
    char *key = rd_field("report_deliveries", d, "idempotency_key");
    assert_null(ps_item(rec, key));
    json_decref(rec);
    /* back up: delivered, once */
    start_nginx();
    assert_int_equal(rd_once(dir, cfg, "deliver-back"), 0);
    rd_assert_field("report_deliveries", d, "state", "sent");
    rd_assert_field("reports", report, "state", "delivered");
    char sattempts[16];
    snprintf(sattempts, sizeof sattempts, "%d", attempts + 1);
    rd_assert_field("report_deliveries", d, "attempts", sattempts);
    int stored, requests;
    receiver_saw(d, &stored, &requests);
    assert_int_equal(stored, 1);
    assert_int_equal(requests, 1);
    /* nothing more to do: a later run sends nothing again */
    assert_int_equal(rd_once(dir, cfg, "deliver-after"), 0);
    receiver_saw(d, &stored, &requests);
    assert_int_equal(requests, 1);
    free(key);
}

int main(void)
{
    t_init();
    atexit(ps_kill_all);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(approval_killed_midway_leaves_a_draft, after_test),
        cmocka_unit_test_teardown(deliverer_killed_midsend_reclaimed_after_its_lease, after_test),
        cmocka_unit_test_teardown(destination_down_an_hour_delivered_after_once, after_test),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
