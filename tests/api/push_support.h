/* push_support.h — what the publication tests share: an agency with a
 * unit, a campaign and a person; exemplars taken to approval through the
 * API; the stand-in portal (tests/portal/standin.c) and `thidua push`
 * processes started and always stopped (teardown and exit).
 * Include once per test program, after client.h. Strings returned are
 * malloc'd unless said otherwise; json_t results are the caller's. */
#ifndef THIDUA_TEST_PUSH_SUPPORT_H
#define THIDUA_TEST_PUSH_SUPPORT_H
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#define PS_UNUSED __attribute__((unused))

typedef struct ps_world {
    char agency_code[64];
    long long agency, unit, campaign, staff;
    char *admin, *head, *office, *director, *viewer; /* tokens */
} ps_world;

enum { PS_MAX_CHILDREN = 16 };
static pid_t ps_children[PS_MAX_CHILDREN];

static PS_UNUSED const char *ps_env(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        fail_msg("%s is not set: run through tests/run.sh", name);
    return v;
}

/* The tests' ports for stand-in portals: five from
 * THIDUA_TEST_PORTAL_PORTS (default 18161), so that two test stacks on one
 * machine can each have their own. */
static PS_UNUSED int ps_port(int offset)
{
    const char *v = getenv("THIDUA_TEST_PORTAL_PORTS");
    char *end = NULL;
    long base = v && *v ? strtol(v, &end, 10) : 18161;
    if (end && (*end || base < 1024 || base > 65530))
        fail_msg("THIDUA_TEST_PORTAL_PORTS must be a port from 1024 to 65530, not %s", v);
    return (int)base + offset;
}

/* A directory of this program's files under the test stack's var/. */
static PS_UNUSED const char *ps_dir(const char *program)
{
    static char dir[1024];
    snprintf(dir, sizeof dir, "%s/push/%s", ps_env("THIDUA_VAR"), program);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && chmod 0755 '%s/..' '%s'", dir, dir, dir);
    if (system(cmd) != 0)
        fail_msg("cannot make %s", dir);
    return dir;
}

static PS_UNUSED void ps_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fail_msg("cannot write %s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
    chmod(path, 0644);
}

static PS_UNUSED void ps_track(pid_t pid)
{
    for (int i = 0; i < PS_MAX_CHILDREN; i++)
        if (ps_children[i] == 0) {
            ps_children[i] = pid;
            return;
        }
    fail_msg("too many child processes");
}

static PS_UNUSED void ps_untrack(pid_t pid)
{
    for (int i = 0; i < PS_MAX_CHILDREN; i++)
        if (ps_children[i] == pid)
            ps_children[i] = 0;
}

/* Kills every child still running (after a failed test, at exit). */
static PS_UNUSED void ps_kill_all(void)
{
    for (int i = 0; i < PS_MAX_CHILDREN; i++) {
        if (ps_children[i] > 0) {
            kill(ps_children[i], SIGKILL);
            waitpid(ps_children[i], NULL, 0);
            ps_children[i] = 0;
        }
    }
}

static PS_UNUSED int ps_teardown(void **state)
{
    (void)state;
    ps_kill_all();
    return 0;
}

/* Starts argv[0] with stdout and stderr appended to log. */
static PS_UNUSED pid_t ps_spawn(char *const argv[], const char *log)
{
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: %s", strerror(errno));
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    ps_track(pid);
    return pid;
}

/* Stops a child with SIGTERM and returns its exit status (-1 when it did
 * not exit normally). */
static PS_UNUSED int ps_stop(pid_t pid)
{
    int status = 0;
    kill(pid, SIGTERM);
    if (waitpid(pid, &status, 0) != pid)
        status = -1;
    ps_untrack(pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static PS_UNUSED void ps_sigkill(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    ps_untrack(pid);
}

static PS_UNUSED void ps_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ------------------------------------------------------------ the world */

static PS_UNUSED long long ps_post_id(const char *path, const char *token, const char *body)
{
    t_resp *r = t_post(path, token, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

/* An agency with one division, a campaign, a person in the division, and
 * a user of each role; names prefixed with prefix (letters only). */
static PS_UNUSED void ps_world_make(ps_world *w, const char *prefix)
{
    char name[128], body[512], id[32], unit_s[32];
    snprintf(name, sizeof name, "%s_admin", prefix);
    w->admin = t_user(name, "admin", NULL, NULL);
    w->agency = t_make_agency(w->admin, "PUSH", w->agency_code, sizeof w->agency_code);
    snprintf(body, sizeof body, "{\"code\":\"VP\",\"name\":\"Văn phòng Sở\",\"kind\":\"division\",\"parent_id\":%lld}",
             w->agency);
    w->unit = ps_post_id("/api/v1/units", w->admin, body);
    snprintf(id, sizeof id, "%lld", w->agency);
    snprintf(unit_s, sizeof unit_s, "%lld", w->unit);
    const char *p[] = {id};
    w->campaign = t_sql_int("INSERT INTO campaigns (agency_id, year, code, name, starts_on, ends_on, closes_on)"
                            " VALUES ($1, 2025, 'TD2025', 'Phong trào thi đua năm 2025', '2025-01-01', '2025-12-31',"
                            " '2026-06-30') RETURNING id", 1, p);
    const char *q[] = {unit_s};
    w->staff = t_sql_int("INSERT INTO staff (agency_id, unit_id, code, full_name, category, joined_on)"
                         " VALUES (0, $1, 'NV001', 'Nguyễn Thị Hồng Nhung', 'cong_chuc', '2020-03-01') RETURNING id", 1, q);
    snprintf(name, sizeof name, "%s_head", prefix);
    w->head = t_user(name, "unit_head", "VP", w->agency_code);
    snprintf(name, sizeof name, "%s_office", prefix);
    w->office = t_user(name, "office", NULL, NULL);
    snprintf(name, sizeof name, "%s_director", prefix);
    w->director = t_user(name, "director", NULL, NULL);
    snprintf(name, sizeof name, "%s_viewer", prefix);
    w->viewer = t_user(name, "viewer", NULL, NULL);
}

static PS_UNUSED void ps_world_free(ps_world *w)
{
    free(w->admin);
    free(w->head);
    free(w->office);
    free(w->director);
    free(w->viewer);
}

/* A person proposed by the unit head; returns the exemplar id. */
static PS_UNUSED long long ps_propose(const ps_world *w, const char *title)
{
    char path[128], body[1024];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/exemplars", w->campaign);
    snprintf(body, sizeof body,
             "{\"unit_id\":%lld,\"subject_type\":\"person\",\"staff_id\":%lld,\"kind\":\"guong_dien_hinh\","
             "\"title\":\"%s\",\"achievements\":\"Hoàn thành xuất sắc nhiệm vụ; sáng kiến cải cách hành chính.\","
             "\"period_from\":\"2025-01-01\",\"period_to\":\"2025-12-31\"}",
             w->unit, w->staff, title);
    return ps_post_id(path, w->head, body);
}

static PS_UNUSED void ps_action(const char *token, long long exemplar, const char *action, const char *body,
                                long status)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/exemplars/%lld/%s", exemplar, action);
    t_resp *r = body ? t_post(path, token, body) : t_request("POST", path, token, NULL, NULL, 0);
    if (status >= 400)
        t_assert_problem(r, status, NULL);
    else
        t_assert_status(r, status);
    t_free(r);
}

/* Proposed, forwarded, approved: returns the publication queued. */
static PS_UNUSED long long ps_approved(const ps_world *w, const char *title)
{
    long long x = ps_propose(w, title);
    ps_action(w->office, x, "forward", NULL, 200);
    ps_action(w->director, x, "approve", NULL, 200);
    char id[32];
    snprintf(id, sizeof id, "%lld", x);
    const char *p[] = {id};
    long long pub = t_sql_int("SELECT id FROM publications WHERE exemplar_id = $1 AND kind = 'exemplar'", 1, p);
    assert_true(pub > 0);
    return pub;
}

static PS_UNUSED char *ps_pub_field(long long pub, const char *column)
{
    char id[32], sql[256];
    snprintf(id, sizeof id, "%lld", pub);
    snprintf(sql, sizeof sql, "SELECT %s::text FROM publications WHERE id = $1", column);
    const char *p[] = {id};
    return t_sql(sql, 1, p);
}

/* Waits (up to a minute) until the publication is in state; fails with
 * what it is in otherwise. */
static PS_UNUSED void ps_wait_state(long long pub, const char *state)
{
    for (int i = 0; i < 600; i++) {
        char *s = ps_pub_field(pub, "state");
        bool ok = s && strcmp(s, state) == 0;
        free(s);
        if (ok)
            return;
        ps_sleep_ms(100);
    }
    char *s = ps_pub_field(pub, "state");
    char *e = ps_pub_field(pub, "last_error");
    fail_msg("publication %lld is %s, not %s (last error: %s)", pub, s ? s : "?", state, e ? e : "none");
}

/* ------------------------------------------------------------ stand-in portal */

typedef struct ps_portal {
    pid_t pid;
    int port, control;
    char secret_file[1024];
} ps_portal;

static PS_UNUSED json_t *ps_control(const ps_portal *p, const char *method, const char *path, const char *body)
{
    CURL *c = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", p->control, path);
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, mem);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    CURLcode rc = curl_easy_perform(c);
    fclose(mem);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    json_t *j = rc == CURLE_OK ? json_loadb(out, len, 0, NULL) : NULL;
    free(out);
    return j;
}

static PS_UNUSED void ps_portal_mode(const ps_portal *p, const char *json)
{
    json_t *r = ps_control(p, "POST", "/mode", json);
    if (!r || !json_is_true(json_object_get(r, "ok")))
        fail_msg("the stand-in portal did not take mode %s", json);
    json_decref(r);
}

static PS_UNUSED json_t *ps_received(const ps_portal *p)
{
    json_t *r = ps_control(p, "GET", "/received", NULL);
    if (!r)
        fail_msg("the stand-in portal does not answer on port %d", p->control);
    return r;
}

static PS_UNUSED long long ps_count(const json_t *received, const char *what)
{
    return json_integer_value(json_object_get(received, what));
}

/* The stored item with that key, or NULL (borrowed from received). */
static PS_UNUSED json_t *ps_item(const json_t *received, const char *key)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(received, "items"), i, it)
        if (strcmp(json_string_value(json_object_get(it, "key")), key) == 0)
            return it;
    return NULL;
}

static PS_UNUSED void ps_portal_start(ps_portal *p, const char *dir, int port, int control)
{
    p->port = port;
    p->control = control;
    snprintf(p->secret_file, sizeof p->secret_file, "%s/portal.secret", dir);
    ps_write_file(p->secret_file, "khóa-bí-mật-thử-nghiệm-0123456789\n");
    char bin[1024], ports[16], controls[16], log[1100];
    snprintf(bin, sizeof bin, "%s/build/plain/tools/standin", ps_env("THIDUA_ROOT"));
    snprintf(ports, sizeof ports, "%d", port);
    snprintf(controls, sizeof controls, "%d", control);
    snprintf(log, sizeof log, "%s/standin.log", dir);
    char *argv[] = {bin, "--port", ports, "--control", controls, "--secret-file", p->secret_file, NULL};
    p->pid = ps_spawn(argv, log);
    for (int i = 0; i < 100; i++) {
        json_t *r = ps_control(p, "GET", "/health", NULL);
        if (r) {
            /* ours, not something else already on the port */
            pid_t who = (pid_t)json_integer_value(json_object_get(r, "pid"));
            json_decref(r);
            if (who != p->pid)
                fail_msg("port %d is taken by another process (pid %ld)", control, (long)who);
            return;
        }
        ps_sleep_ms(100);
    }
    fail_msg("the stand-in portal did not start (see %s)", log);
}

static PS_UNUSED void ps_portal_stop(ps_portal *p)
{
    assert_int_equal(ps_stop(p->pid), 0);
}

/* ------------------------------------------------------------ thidua push */

/* A configuration for `thidua push`: the stack's, plus the portal lines. */
static PS_UNUSED const char *ps_push_config(const char *dir, const char *name, const char *url, const char *secret_file,
                                            const char *extra)
{
    static char path[1100];
    snprintf(path, sizeof path, "%s/%s.conf", dir, name);
    FILE *in = fopen(ps_env("THIDUA_CONFIG_FILE"), "r");
    if (!in)
        fail_msg("cannot read the stack's configuration");
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    char line[2048];
    while (fgets(line, sizeof line, in))
        fputs(line, out);
    fclose(in);
    fprintf(out,
            "portal_url = %s\nportal_secret_file = %s\nportal_connect_timeout = 2\nportal_timeout = 3\n"
            "push_interval = 1\npush_backoff_min = 1\npush_backoff_max = 2\npush_max_attempts = 100\n%s",
            url, secret_file, extra ? extra : "");
    fclose(out);
    ps_write_file(path, text);
    free(text);
    return path;
}

static PS_UNUSED pid_t ps_push_start(const char *dir, const char *config, const char *name)
{
    static char bin[1024], cfg[1100];
    char log[1100];
    snprintf(bin, sizeof bin, "%s", ps_env("THIDUA_BIN_PATH"));
    snprintf(cfg, sizeof cfg, "%s", config);
    snprintf(log, sizeof log, "%s/%s.log", dir, name);
    char *argv[] = {bin, "--config", cfg, "push", NULL};
    return ps_spawn(argv, log);
}

/* `thidua push --once`: returns its exit status. */
static PS_UNUSED int ps_push_once(const char *dir, const char *config, const char *name)
{
    char bin[1024], cfg[1100], log[1100];
    snprintf(bin, sizeof bin, "%s", ps_env("THIDUA_BIN_PATH"));
    snprintf(cfg, sizeof cfg, "%s", config);
    snprintf(log, sizeof log, "%s/%s.log", dir, name);
    char *argv[] = {bin, "--config", cfg, "push", "--once", NULL};
    pid_t pid = ps_spawn(argv, log);
    int status = 0;
    waitpid(pid, &status, 0);
    ps_untrack(pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif
