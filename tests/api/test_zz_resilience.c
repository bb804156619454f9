/* Resilience of the running stack: a killed worker is replaced, SIGTERM
 * drains an in-flight request, the workers ride out a PostgreSQL restart,
 * SIGHUP reloads the worker count, migrate is idempotent, and nothing runs
 * as root. Runs last (test_zz_*) because it stops and starts things; every
 * test leaves the stack as it found it (the SIGTERM test starts thidua
 * again exactly as deploy/stack.sh does). */
#include "client.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Generous bounds for things that happen "soon": the tests poll for a
 * state, they never sleep for a fixed time and hope. */
enum { WAIT_SECONDS = 60, MAX_KIDS = 64 };

static char *viewer;

static const char *env(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        fail_msg("%s is not set: run through tests/run.sh", name);
    return v;
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

/* ---- processes ---------------------------------------------------- */

typedef struct proc_info {
    pid_t ppid;
    char state;
    long uid[4];           /* real, effective, saved, filesystem */
    unsigned long long shdpnd; /* process-wide pending signals */
} proc_info;

static bool proc_read(pid_t pid, proc_info *out)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    memset(out, 0, sizeof *out);
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "PPid:", 5) == 0) {
            out->ppid = (pid_t)strtol(line + 5, NULL, 10);
        } else if (strncmp(line, "State:", 6) == 0) {
            const char *p = line + 6;
            while (*p == ' ' || *p == '\t')
                p++;
            out->state = *p;
        } else if (strncmp(line, "Uid:", 4) == 0) {
            char *p = line + 4;
            for (int i = 0; i < 4; i++)
                out->uid[i] = strtol(p, &p, 10);
        } else if (strncmp(line, "ShdPnd:", 7) == 0) {
            out->shdpnd = strtoull(line + 7, NULL, 16);
        }
    }
    fclose(f);
    return true;
}

/* A process that is gone or a zombie (its parent has not reaped it yet). */
static bool proc_gone(pid_t pid)
{
    proc_info pi;
    return !proc_read(pid, &pi) || pi.state == 'Z' || pi.state == 'X';
}

/* The live children of parent (scans /proc for PPid). */
static int children_of(pid_t parent, pid_t *kids, int cap)
{
    DIR *d = opendir("/proc");
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        proc_info pi;
        if (!proc_read((pid_t)pid, &pi) || pi.ppid != parent || pi.state == 'Z' || pi.state == 'X')
            continue;
        if (n < cap)
            kids[n] = (pid_t)pid;
        n++;
    }
    closedir(d);
    return n;
}

static bool contains(const pid_t *set, int n, pid_t pid)
{
    for (int i = 0; i < n; i++)
        if (set[i] == pid)
            return true;
    return false;
}

static pid_t master_pid(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/run/thidua.pid", env("THIDUA_VAR"));
    char *text = slurp(path);
    if (!text)
        fail_msg("no pid file %s: is the stack running?", path);
    long pid = strtol(text, NULL, 10);
    free(text);
    assert_true(pid > 1);
    assert_false(proc_gone((pid_t)pid));
    return (pid_t)pid;
}

/* Waits until the master has exactly `want` live children, none of them in
 * `old` (may be NULL); fills kids. */
static void wait_children(pid_t master, int want, const pid_t *old, int nold, pid_t *kids)
{
    double deadline = now_s() + WAIT_SECONDS;
    int n = -1;
    bool fresh = false;
    while (now_s() < deadline) {
        n = children_of(master, kids, MAX_KIDS);
        fresh = true;
        for (int i = 0; i < n && i < MAX_KIDS; i++)
            if (old && contains(old, nold, kids[i]))
                fresh = false;
        if (n == want && fresh)
            return;
        pause_ms(50);
    }
    fail_msg("master %ld has %d children (want %d, all new: %s)", (long)master, n, want, fresh ? "yes" : "no");
}

/* ---- HTTP and SQL helpers ----------------------------------------- */

static double metric(const char *name)
{
    t_resp *r = t_get("/metrics", NULL);
    t_assert_status(r, 200);
    size_t n = strlen(name);
    double v = -1;
    for (const char *line = r->body; line && *line;) {
        if (strncmp(line, name, n) == 0 && line[n] == ' ') {
            v = strtod(line + n + 1, NULL);
            break;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    t_free(r);
    if (v < 0)
        fail_msg("metric %s not found", name);
    return v;
}

static void expect_ok(const char *path, const char *token, int times)
{
    for (int i = 0; i < times; i++) {
        t_resp *r = t_get(path, token);
        if (r->status != 200)
            fail_msg("request %d of %d to %s: HTTP %ld: %s", i + 1, times, path, r->status, r->body);
        t_free(r);
    }
}

static PGconn *pg(void)
{
    PGconn *c = PQconnectdb(env("THIDUA_TEST_DB"));
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

static char *pg_value(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    char *v = strdup(PQntuples(r) && !PQgetisnull(r, 0, 0) ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return v;
}

/* Runs a shell command; returns its exit status (-1 when it did not exit). */
static int run(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* pg_ctl as the user owning the cluster (PostgreSQL refuses root). */
static void pg_ctl(const char *action)
{
    char cmd[4096];
    const char *var = env("THIDUA_VAR");
    snprintf(cmd, sizeof cmd, "%s%s%s '%s/pg_ctl' -D '%s/pg' -l '%s/log/postgresql.log' -w -t 60 -m fast %s >/dev/null",
             geteuid() == 0 ? "runuser -u '" : "", geteuid() == 0 ? env("THIDUA_SVC_USER") : "",
             geteuid() == 0 ? "' --" : "", env("THIDUA_PG_BIN"), var, var, action);
    if (run(cmd) != 0)
        fail_msg("failed: %s", cmd);
}

/* ---- (f) ownership ------------------------------------------------ */

static void socket_and_workers_not_root(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/run/thidua.sock", env("THIDUA_VAR"));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0660);
    assert_true(st.st_uid != 0);

    pid_t master = master_pid(), kids[MAX_KIDS];
    int n = children_of(master, kids, MAX_KIDS);
    assert_true(n >= 1);
    long want = (long)getuid();
    if (geteuid() == 0) {
        FILE *p = popen("id -u \"$THIDUA_SVC_USER\"", "r");
        assert_non_null(p);
        char line[32] = "";
        assert_non_null(fgets(line, sizeof line, p));
        pclose(p);
        want = strtol(line, NULL, 10);
        assert_true(want != 0);
        assert_int_equal((long)st.st_uid, want);
    }
    pid_t all[MAX_KIDS + 1];
    memcpy(all, kids, sizeof(pid_t) * (size_t)(n < MAX_KIDS ? n : MAX_KIDS));
    all[n < MAX_KIDS ? n : MAX_KIDS] = master;
    for (int i = 0; i <= (n < MAX_KIDS ? n : MAX_KIDS); i++) {
        proc_info pi;
        assert_true(proc_read(all[i], &pi));
        for (int k = 0; k < 4; k++) {
            if (pi.uid[k] != want)
                fail_msg("process %ld runs with uid %ld (want %ld)", (long)all[i], pi.uid[k], want);
        }
    }
}

/* ---- (e) migrate -------------------------------------------------- */

static char *run_migrate(void)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' --config '%s' migrate 2>&1", env("THIDUA_BIN_PATH"), env("THIDUA_CONFIG_FILE"));
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char out[4096];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("thidua migrate failed: %s", out);
    return strdup(out);
}

static void migrate_twice_is_a_no_op(void **state)
{
    (void)state;
    PGconn *c = pg();
    const char *snap = "SELECT string_agg(version || '/' || name || '/' || applied_at::text, ',' ORDER BY version)"
                       " FROM schema_migrations";
    char *before = pg_value(c, snap);
    assert_true(strlen(before) > 0);
    char *first = run_migrate();
    char *second = run_migrate();
    assert_non_null(strstr(second, "up to date"));
    assert_null(strstr(second, "applied "));
    char *after = pg_value(c, snap);
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(first);
    free(second);
    PQfinish(c);
}

/* ---- (a) a killed worker is replaced ------------------------------ */

static void killed_worker_is_replaced(void **state)
{
    (void)state;
    pid_t master = master_pid(), kids[MAX_KIDS], now[MAX_KIDS];
    int n = children_of(master, kids, MAX_KIDS);
    assert_true(n >= 1 && n <= MAX_KIDS);
    double restarts = metric("thidua_worker_restarts_total");
    pid_t victim = kids[0];
    assert_int_equal(kill(victim, SIGKILL), 0);
    wait_children(master, n, &victim, 1, now);
    expect_ok("/api/v1/health", NULL, 25);
    expect_ok("/api/v1/units", viewer, 25);
    assert_true(metric("thidua_worker_restarts_total") >= restarts + 1);
    assert_int_equal(master_pid(), master);
}

/* ---- (d) SIGHUP reloads the worker count -------------------------- */

/* The configuration text with its workers line set to n. */
static char *with_workers(const char *conf, int n)
{
    size_t cap = strlen(conf) + 64, len = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    for (const char *line = conf; *line;) {
        const char *end = strchr(line, '\n');
        size_t l = end ? (size_t)(end - line + 1) : strlen(line);
        if (strncmp(line, "workers", 7) != 0) {
            memcpy(out + len, line, l);
            len += l;
            out[len] = '\0';
        }
        line += l;
    }
    snprintf(out + len, cap - len, "workers = %d\n", n);
    return out;
}

static void sighup_changes_workers(void **state)
{
    (void)state;
    const char *path = env("THIDUA_CONFIG_FILE");
    char *orig = slurp(path);
    assert_non_null(orig);
    pid_t master = master_pid(), kids[MAX_KIDS], mid[MAX_KIDS], last[MAX_KIDS];
    int n = children_of(master, kids, MAX_KIDS);
    assert_true(n >= 1 && n < MAX_KIDS);
    int want = n + 1;

    char *changed = with_workers(orig, want);
    write_file(path, changed);
    assert_int_equal(kill(master, SIGHUP), 0);
    expect_ok("/api/v1/health", NULL, 20);
    expect_ok("/api/v1/units", viewer, 20);
    wait_children(master, want, kids, n, mid);
    expect_ok("/api/v1/units", viewer, 20);

    write_file(path, orig);
    assert_int_equal(kill(master, SIGHUP), 0);
    expect_ok("/api/v1/units", viewer, 20);
    wait_children(master, n, mid, want, last);
    expect_ok("/api/v1/health", NULL, 20);
    assert_int_equal(master_pid(), master);
    free(changed);
    free(orig);
}

/* ---- (c) PostgreSQL goes away and comes back ---------------------- */

/* A restart no request saw: every worker still holds a connection the
 * server closed, and must notice before using it. */
static void quiet_database_restart_is_survived(void **state)
{
    (void)state;
    expect_ok("/api/v1/units", viewer, 4);
    double reconnects = metric("thidua_db_reconnects_total");
    pid_t master = master_pid();
    pg_ctl("stop");
    pg_ctl("start");
    expect_ok("/api/v1/units", viewer, 10);
    expect_ok("/api/v1/health", NULL, 10);
    assert_true(metric("thidua_db_reconnects_total") > reconnects);
    assert_int_equal(master_pid(), master);
}

static void database_restart_is_survived(void **state)
{
    (void)state;
    expect_ok("/api/v1/units", viewer, 4);
    double reconnects = metric("thidua_db_reconnects_total");
    pid_t master = master_pid();

    pg_ctl("stop");
    for (int i = 0; i < 4; i++) {
        t_resp *r = t_get("/api/v1/health", NULL);
        t_assert_status(r, 503);
        assert_non_null(t_header(r, "Retry-After"));
        assert_non_null(r->json);
        /* The worker's own answer, not nginx's page for a dead upstream. */
        assert_string_equal(t_json_str(r->json, "database"), "down");
        t_free(r);

        r = t_get("/api/v1/units", viewer);
        t_assert_problem(r, 503, NULL);
        assert_non_null(t_header(r, "Retry-After"));
        assert_non_null(strstr(t_json_str(r->json, "detail"), "Cơ sở dữ liệu"));
        t_free(r);
    }
    pg_ctl("start");

    /* The first request after the restart already succeeds, whichever
     * worker takes it; then every other one. */
    t_resp *r = t_get("/api/v1/units", viewer);
    t_assert_status(r, 200);
    t_free(r);
    expect_ok("/api/v1/units", viewer, 10);
    expect_ok("/api/v1/health", NULL, 10);
    assert_true(metric("thidua_db_reconnects_total") > reconnects);
    assert_int_equal(master_pid(), master);
}

/* ---- (b) SIGTERM drains an in-flight request ---------------------- */

static size_t discard(char *data, size_t size, size_t n, void *userp)
{
    (void)data;
    (void)userp;
    return size * n;
}

/* In a forked child: one GET, its HTTP status written to fd. No cmocka
 * here (a failure must not unwind into the parent's test runner). */
static void child_request(int fd, const char *path, const char *token)
{
    long status = 0;
    CURL *c = curl_easy_init();
    if (c) {
        char url[2048], auth[256];
        snprintf(url, sizeof url, "%s%s", t_url(), path);
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        struct curl_slist *h = curl_slist_append(NULL, auth);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
        if (curl_easy_perform(c) == CURLE_OK)
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
    }
    char out[32];
    int len = snprintf(out, sizeof out, "%ld", status);
    ssize_t w = write(fd, out, (size_t)len);
    _exit(w == len ? 0 : 1);
}

static void wait_for_lock_waiter(PGconn *watch)
{
    double deadline = now_s() + WAIT_SECONDS;
    while (now_s() < deadline) {
        char *n = pg_value(watch, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                  " AND wait_event_type = 'Lock' AND query ILIKE '%units%'");
        long waiting = strtol(n, NULL, 10);
        free(n);
        if (waiting > 0)
            return;
        pause_ms(50);
    }
    fail_msg("no worker came to wait on the lock on units");
}

static void sigterm_drains_in_flight_request(void **state)
{
    (void)state;
    char logpath[1024];
    snprintf(logpath, sizeof logpath, "%s/log/thidua.log", env("THIDUA_VAR"));
    pid_t master = master_pid();
    expect_ok("/api/v1/units", viewer, 2);

    PGconn *locker = pg(), *watch = pg();
    pg_ok(locker, "BEGIN");
    pg_ok(locker, "LOCK TABLE units IN ACCESS EXCLUSIVE MODE");

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(fds[0]);
        child_request(fds[1], "/api/v1/units", viewer);
    }
    close(fds[1]);
    wait_for_lock_waiter(watch);

    long log_mark = file_size(logpath);
    assert_int_equal(kill(master, SIGTERM), 0);
    /* The idle workers leave; the busy one has SIGTERM pending, blocked
     * until its request is answered. */
    double deadline = now_s() + WAIT_SECONDS;
    pid_t kids[MAX_KIDS];
    bool draining = false;
    while (now_s() < deadline && !draining) {
        int n = children_of(master, kids, MAX_KIDS);
        proc_info pi;
        draining = n == 1 && proc_read(kids[0], &pi) && (pi.shdpnd & (1ULL << (SIGTERM - 1)));
        if (!draining)
            pause_ms(50);
    }
    if (!draining)
        fail_msg("the master did not leave one worker draining its request");
    assert_false(proc_gone(master));

    pg_ok(locker, "ROLLBACK");
    PQfinish(locker);
    PQfinish(watch);

    char out[32] = "";
    ssize_t got = read(fds[0], out, sizeof out - 1);
    close(fds[0]);
    int st;
    assert_int_equal(waitpid(child, &st, 0), child);
    assert_true(got > 0);
    out[got] = '\0';
    assert_string_equal(out, "200");

    deadline = now_s() + WAIT_SECONDS;
    while (now_s() < deadline && !proc_gone(master))
        pause_ms(50);
    assert_true(proc_gone(master));
    char *log = slurp(logpath);
    assert_non_null(log);
    assert_true((long)strlen(log) >= log_mark);
    assert_non_null(strstr(log + log_mark, "draining in-flight requests"));
    assert_non_null(strstr(log + log_mark, "stopped"));
    assert_null(strstr(log + log_mark, "drain timeout"));
    free(log);

    /* Back to service, started exactly as the stack starts it. */
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && deploy/stack.sh start test >/dev/null", env("THIDUA_ROOT"));
    env("THIDUA_BIN");
    env("THIDUA_ASAN_LOG");
    assert_int_equal(run(cmd), 0);
    pid_t again = master_pid();
    assert_true(again != master);
    expect_ok("/api/v1/health", NULL, 5);
    expect_ok("/api/v1/units", viewer, 5);
}

/* ---- the stack is left healthy ------------------------------------ */

static void stack_is_healthy_at_the_end(void **state)
{
    (void)state;
    pid_t master = master_pid(), kids[MAX_KIDS];
    assert_true(children_of(master, kids, MAX_KIDS) >= 1);
    t_resp *r = t_get("/api/v1/health", NULL);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "database"), "ok");
    t_free(r);
    expect_ok("/api/v1/units", viewer, 10);
}

int main(void)
{
    t_init();
    char name[96], agency_code[64];
    /* The viewer belongs to an agency of its own (the installation holds
     * many), made by an installation admin. */
    snprintf(name, sizeof name, "zz_res_admin_%s", t_unique());
    char *admin = t_user(name, "admin", NULL, NULL);
    t_make_agency(admin, "ZZR", agency_code, sizeof agency_code);
    free(admin);
    snprintf(name, sizeof name, "zz_res_viewer_%s", t_unique());
    viewer = t_user(name, "viewer", NULL, agency_code);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(socket_and_workers_not_root),
        cmocka_unit_test(migrate_twice_is_a_no_op),
        cmocka_unit_test(killed_worker_is_replaced),
        cmocka_unit_test(sighup_changes_workers),
        cmocka_unit_test(quiet_database_restart_is_survived),
        cmocka_unit_test(database_restart_is_survived),
        cmocka_unit_test(sigterm_drains_in_flight_request),
        cmocka_unit_test(stack_is_healthy_at_the_end),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(viewer);
    return rc;
}
