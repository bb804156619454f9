/* Sessions end to end (issue 10, item 5): logins throttled per username
 * with a lockout that `thidua user unlock` lifts, a name that is no
 * account answered exactly like one that is, the count cleared by a
 * login, sessions ended when `thidua user add` changes a user, and the
 * cookie of the local stack. The thresholds are the test stack's
 * (deploy/stack.sh writes login_max_failures and login_lockout into its
 * configuration), read from that file. */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *admin;
static char agency_code[64];
static long max_failures = 5, lockout = 900; /* the defaults, unless the configuration says */

/* The number a `key = N` line of the test stack's configuration gives. */
static void read_thresholds(void)
{
    FILE *f = fopen(getenv("THIDUA_CONFIG_FILE"), "r");
    assert_non_null(f);
    char line[512];
    while (fgets(line, sizeof line, f)) {
        long n;
        if (sscanf(line, " login_max_failures = %ld", &n) == 1)
            max_failures = n;
        else if (sscanf(line, " login_lockout = %ld", &n) == 1)
            lockout = n;
    }
    fclose(f);
    assert_true(max_failures >= 2);
}

/* Runs `thidua user ARGS`, with the password test-password-1 on its
 * standard input; its standard output into out. Returns its exit status. */
static int cli(const char *args, char *out, size_t cap)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "echo test-password-1 | '%s' --config '%s' user %s", getenv("THIDUA_BIN_PATH"),
             getenv("THIDUA_CONFIG_FILE"), args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    return pclose(p);
}

static void new_user(char *name, size_t cap, const char *prefix)
{
    snprintf(name, cap, "%s_%s", prefix, t_unique());
    free(t_user(name, "viewer", NULL, agency_code));
}

static t_resp *login(const char *username, const char *password)
{
    char body[256];
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
    return t_post("/api/v1/sessions", NULL, body);
}

/* Asserts what GET /sessions/current answers token: 200, or 401 for a
 * session that ended. */
static void assert_session(const char *token, long status)
{
    t_resp *r = t_get("/api/v1/sessions/current", token);
    if (status == 200)
        t_assert_status(r, 200);
    else
        t_assert_problem(r, status, NULL);
    t_free(r);
}

/* A locked answer: 429 problem+json with Retry-After from 1 to most. */
static void assert_locked(const t_resp *r, long most)
{
    t_assert_problem(r, 429, NULL);
    assert_string_equal(t_json_str(r->json, "type"), "urn:thidua:problem:rate-limited");
    const char *after = t_header(r, "Retry-After");
    assert_non_null(after);
    long s = strtol(after, NULL, 10);
    if (s < 1 || s > most)
        fail_msg("Retry-After %ld, not from 1 to %ld", s, most);
}

/* Fails max_failures - 1 times (401 each), then once more: 429, for at
 * most most seconds. */
static void lock_for(const char *username, long most)
{
    for (long i = 1; i < max_failures; i++) {
        t_resp *r = login(username, "not-the-password-7");
        t_assert_problem(r, 401, NULL);
        t_free(r);
    }
    t_resp *r = login(username, "not-the-password-7");
    assert_locked(r, most);
    t_free(r);
}

static void lock(const char *username)
{
    lock_for(username, lockout);
}

/* The session audit of a username after audit row `after`, as
 * "action:reason" words. */
static char *audit_of(long long after, const char *username)
{
    char a[32];
    snprintf(a, sizeof a, "%lld", after);
    const char *p[] = {a, username};
    char *rows = t_sql("SELECT string_agg(action || coalesce(':' || (after ->> 'reason'), ''), ' ' ORDER BY id)"
                       " FROM audit_log WHERE id > $1 AND entity = 'users' AND after ->> 'username' = $2",
                       2, p);
    return rows ? rows : strdup("");
}

static long long audit_max(void)
{
    return t_sql_int("SELECT coalesce(max(id), 0) FROM audit_log", 0, NULL);
}

static void lockout_answers_429_until_an_admin_lifts_it(void **state)
{
    (void)state;
    char name[64], out[4096], args[128];
    new_user(name, sizeof name, "t_sess_lock");
    long long start = audit_max();
    lock(name);

    /* The right password changes nothing while locked. */
    t_resp *r = login(name, "test-password-1");
    assert_locked(r, lockout);
    t_free(r);

    snprintf(args, sizeof args, "list | grep -F '%s'", name);
    assert_int_equal(cli(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "locked until"));

    snprintf(args, sizeof args, "unlock '%s'", name);
    assert_int_equal(cli(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "unlocked"));
    char *token = t_login(name, "test-password-1");
    free(token);
    assert_int_equal(cli(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "was not locked"));

    char want[512];
    size_t n = 0;
    for (long i = 0; i < max_failures; i++)
        n += (size_t)snprintf(want + n, sizeof want - n, "login_failed:wrong_password ");
    snprintf(want + n, sizeof want - n, "lockout login_failed:locked unlock login");
    char *rows = audit_of(start, name);
    assert_string_equal(rows, want);
    free(rows);
    const char *np[] = {name};
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE action = 'lockout' AND after ->> 'username' = $1"
                               " AND entity_id = (SELECT id FROM users WHERE username = $1)"
                               " AND (after ->> 'seconds')::int BETWEEN 1 AND 14400",
                               1, np),
                     1);
}

/* Once the lockout is over the password counts again; a lockout right after
 * the last one is twice as long. */
static void a_lockout_ends_and_the_next_one_is_longer(void **state)
{
    (void)state;
    char name[64];
    new_user(name, sizeof name, "t_sess_grow");
    const char *np[] = {name};
    lock(name);
    /* Its time over (as if lockout seconds had passed). */
    t_sql("UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE username = $1", 1, np);
    lock_for(name, 2 * lockout);
    t_resp *r = login(name, "test-password-1");
    assert_locked(r, 2 * lockout);
    long s = strtol(t_header(r, "Retry-After"), NULL, 10);
    if (s <= lockout)
        fail_msg("the second lockout in a row lasts %ld s, not more than %ld", s, lockout);
    t_free(r);

    t_sql("UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE username = $1", 1, np);
    free(t_login(name, "test-password-1"));
    assert_int_equal(t_sql_int("SELECT count(*) FROM login_throttle WHERE username = $1", 1, np), 0);
}

static void a_login_clears_the_count(void **state)
{
    (void)state;
    char name[64];
    new_user(name, sizeof name, "t_sess_reset");
    for (int round = 0; round < 2; round++) {
        for (long i = 1; i < max_failures; i++) {
            t_resp *r = login(name, "not-the-password-7");
            t_assert_problem(r, 401, NULL);
            t_free(r);
        }
        free(t_login(name, "test-password-1"));
    }
}

/* What a login answers, reduced to what may not tell an account from no
 * account: status, type, title, detail (of a 401; a 429's names the time
 * left), the fields, and whether Retry-After is there. */
static char *shape(const t_resp *r)
{
    char *out = malloc(1024);
    const char *k;
    json_t *v;
    size_t n = (size_t)snprintf(out, 1024, "%ld %s retry=%d:", r->status, t_header(r, "Content-Type"),
                                t_header(r, "Retry-After") != NULL);
    json_object_foreach(r->json, k, v) {
        if (strcmp(k, "detail") == 0 && r->status == 429)
            continue;
        char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        n += (size_t)snprintf(out + n, n < 1024 ? 1024 - n : 0, " %s=%s", k, text);
        free(text);
    }
    return out;
}

static void a_name_that_is_no_account_is_answered_alike(void **state)
{
    (void)state;
    char known[64], unknown[64];
    new_user(known, sizeof known, "t_sess_known");
    snprintf(unknown, sizeof unknown, "t_sess_nobody_%s", t_unique());
    for (long i = 0; i < max_failures + 2; i++) {
        t_resp *a = login(known, "not-the-password-7");
        t_resp *b = login(unknown, "not-the-password-7");
        char *sa = shape(a), *sb = shape(b);
        assert_string_equal(sa, sb);
        assert_int_equal(a->status, i + 1 < max_failures ? 401 : 429);
        free(sa);
        free(sb);
        t_free(a);
        t_free(b);
    }
    /* Lifted alike too. */
    char args[128], out[256];
    snprintf(args, sizeof args, "unlock '%s'", unknown);
    assert_int_equal(cli(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "unlocked"));
    t_resp *r = login(unknown, "not-the-password-7");
    t_assert_problem(r, 401, NULL);
    t_free(r);
}

/* `thidua user add` of an existing user sets its password: every session
 * it had ends, in the same transaction; so does a new role, or the account
 * deactivated. It lifts a lockout too. */
static void a_changed_user_loses_its_sessions(void **state)
{
    (void)state;
    char name[64], args[256], out[256];
    snprintf(name, sizeof name, "t_sess_change_%s", t_unique());
    char *first = t_user(name, "viewer", NULL, agency_code);
    char *second = t_login(name, "test-password-1");
    assert_session(first, 200);

    char *third = t_user(name, "viewer", NULL, agency_code); /* the same password, set again */
    assert_session(first, 401);
    assert_session(second, 401);
    assert_session(third, 200);

    /* Another role: the CLI says the sessions ended. */
    snprintf(args, sizeof args, "add '%s' --role council --agency %s", name, agency_code);
    assert_int_equal(cli(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "updated user"));
    assert_non_null(strstr(out, "sessions ended"));
    assert_session(third, 401);

    /* A lockout is lifted by a new password. */
    lock(name);
    free(t_user(name, "viewer", NULL, agency_code));

    /* Deactivated (no command does it yet: as an administrator would). */
    char *fourth = t_login(name, "test-password-1");
    const char *np[] = {name};
    t_sql("UPDATE users SET active = false WHERE username = $1", 1, np);
    assert_int_equal(t_sql_int("SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id"
                               " WHERE u.username = $1",
                               1, np),
                     0);
    assert_session(fourth, 401);
    /* Another user's sessions stay. */
    assert_session(admin, 200);
    free(first);
    free(second);
    free(third);
    free(fourth);
}

/* The local stack serves plain HTTP (cookie_secure off): thidua_session,
 * HttpOnly, SameSite=Strict, Path=/, not Secure; the __Host- name is no
 * session there. (Production's cookie: tests/unit/test_session_cookie.c.) */
static void the_cookie_of_the_local_stack(void **state)
{
    (void)state;
    char name[64], body[256], header[256];
    new_user(name, sizeof name, "t_sess_cookie");
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"test-password-1\",\"use_cookie\":true}", name);
    t_resp *r = t_post("/api/v1/sessions", NULL, body);
    t_assert_status(r, 201);
    assert_false(json_is_string(json_object_get(r->json, "token"))); /* the cookie holds it */
    const char *set = t_header(r, "Set-Cookie");
    assert_non_null(set);
    assert_int_equal(strncmp(set, "thidua_session=", 15), 0);
    char token[65];
    snprintf(token, sizeof token, "%.64s", set + 15);
    assert_string_equal(set + 15 + 64, "; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict");
    t_free(r);

    snprintf(header, sizeof header, "Cookie: thidua_session=%s", token);
    r = t_get_with("/api/v1/sessions/current", NULL, header);
    t_assert_status(r, 200);
    assert_non_null(t_json_str(r->json, "csrf_token"));
    t_free(r);
    snprintf(header, sizeof header, "Cookie: __Host-thidua_session=%s", token);
    r = t_get_with("/api/v1/sessions/current", NULL, header);
    t_assert_problem(r, 401, NULL);
    t_free(r);
}

/* Only the login says it may answer 429. */
static void openapi_names_the_429_of_logins(void **state)
{
    (void)state;
    t_resp *r = t_get("/api/v1/openapi.json", NULL);
    t_assert_status(r, 200);
    json_t *paths = json_object_get(r->json, "paths");
    json_t *login_responses = json_object_get(json_object_get(json_object_get(paths, "/api/v1/sessions"), "post"),
                                              "responses");
    assert_non_null(json_object_get(login_responses, "429"));
    json_t *units = json_object_get(json_object_get(json_object_get(paths, "/api/v1/units"), "post"), "responses");
    assert_null(json_object_get(units, "429"));
    t_free(r);
}

int main(void)
{
    t_init();
    read_thresholds();
    admin = t_user("t_sess_admin", "admin", NULL, NULL);
    t_make_agency(admin, "SES", agency_code, sizeof agency_code);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lockout_answers_429_until_an_admin_lifts_it),
        cmocka_unit_test(a_lockout_ends_and_the_next_one_is_longer),
        cmocka_unit_test(a_login_clears_the_count),
        cmocka_unit_test(a_name_that_is_no_account_is_answered_alike),
        cmocka_unit_test(a_changed_user_loses_its_sessions),
        cmocka_unit_test(the_cookie_of_the_local_stack),
        cmocka_unit_test(openapi_names_the_429_of_logins),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    return rc;
}
