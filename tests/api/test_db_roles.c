/* test_db_roles.c — least privilege in PostgreSQL (migration 0007):
 * connected as the application's role (the stack's database_url), nothing
 * can alter, empty or switch off the audit, and the role can create
 * nothing; writes through the API are audited, and so are logins, failed
 * logins and logouts (0008). Checks of what was written read through the
 * tests' own connection (THIDUA_TEST_DB, the cluster's superuser). */
#include "client.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *admin;
static PGconn *app;

/* database_url of the stack's configuration file, as the server uses it. */
static PGconn *connect_as_app(void)
{
    const char *path = getenv("THIDUA_CONFIG_FILE");
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        fail_msg("cannot read THIDUA_CONFIG_FILE (%s)", path ? path : "unset");
    char line[2048], url[2048] = "";
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "database_url", 12) != 0)
            continue;
        char *v = strchr(line, '=');
        if (!v)
            continue;
        v += 1 + strspn(v + 1, " \t");
        v[strcspn(v, "\r\n")] = '\0';
        snprintf(url, sizeof url, "%s", v);
    }
    fclose(f);
    if (!url[0])
        fail_msg("no database_url in %s", path);
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("connecting as the application: %s", PQerrorMessage(c));
    return c;
}

/* Runs sql as the application; returns the first value (malloc'd, "" for
 * none), failing the test when the statement fails. */
static char *app_value(const char *sql)
{
    PGresult *r = PQexec(app, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
        fail_msg("as the application, %s: %s", sql, PQresultErrorMessage(r));
    char *v = strdup(st == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return v;
}

/* sql, run as the application, is refused for want of privilege. */
static void assert_refused(const char *sql)
{
    PGresult *r = PQexec(app, sql);
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (PQresultStatus(r) != PGRES_FATAL_ERROR || !state || strcmp(state, "42501") != 0)
        fail_msg("as the application, %s: want SQLSTATE 42501, got %s (%s)", sql, state ? state : "success",
                 PQresultErrorMessage(r));
    PQclear(r);
}

static long long audit_max(void)
{
    return t_sql_int("SELECT coalesce(max(id), 0) FROM audit_log", 0, NULL);
}

static void app_role_is_unprivileged(void **state)
{
    (void)state;
    char *who = app_value("SELECT current_user");
    assert_string_equal(who, "thidua_app");
    free(who);
    char *attrs = app_value("SELECT concat_ws(',', rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication)"
                            " FROM pg_roles WHERE rolname = current_user");
    assert_string_equal(attrs, "f,f,f,f,f");
    free(attrs);
    /* Neither the owner of the audit nor a member of the role that is. */
    char *owner = app_value("SELECT pg_has_role(current_user, relowner, 'MEMBER') FROM pg_class"
                            " WHERE oid = 'public.audit_log'::regclass");
    assert_string_equal(owner, "f");
    free(owner);
}

static void app_role_cannot_alter_the_audit(void **state)
{
    (void)state;
    long long before = audit_max();
    long long rows = t_sql_int("SELECT count(*) FROM audit_log", 0, NULL);
    const char *refused[] = {
        "UPDATE audit_log SET entity = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_append_only",
        "DROP TRIGGER audit_append_only ON audit_log",
        "ALTER TABLE audit_log OWNER TO thidua_app",
        "DROP TABLE audit_log",
        "SET session_replication_role = replica",
        "SELECT count(*) FROM audit_log",
        "SELECT setval('audit_log_id_seq', 1)",
        "CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$",
        /* The audit of the data tables cannot be switched off either. */
        "ALTER TABLE units DISABLE TRIGGER units_audit",
        "DROP TRIGGER units_audit ON units",
        "CREATE TRIGGER probe AFTER INSERT ON units FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
        "TRUNCATE units CASCADE",
        "SELECT * FROM schema_migrations",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        assert_refused(refused[i]);
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log", 0, NULL), rows);
    assert_int_equal(audit_max(), before);
    /* What it may do is append. */
    free(app_value("INSERT INTO audit_log (action, entity) VALUES ('insert', 'test_db_roles')"));
    assert_true(audit_max() > before);
}

static void app_role_creates_nothing(void **state)
{
    (void)state;
    assert_refused("CREATE TABLE public.roles_probe (a int)");
    assert_refused("CREATE TABLE roles_probe (a int)");
    assert_refused("CREATE FUNCTION public.roles_probe() RETURNS int LANGUAGE sql RETURN 1");
    assert_refused("CREATE SCHEMA roles_probe");
    assert_refused("CREATE ROLE roles_probe");
    assert_refused("ALTER ROLE thidua_app CREATEROLE");
    char *can = app_value("SELECT has_schema_privilege('public', 'CREATE')");
    assert_string_equal(can, "f");
    free(can);
}

static void api_write_is_audited(void **state)
{
    (void)state;
    char code[64];
    long long id = t_make_agency(admin, "RL", code, sizeof code);
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", id);
    const char *p[] = {ids, code};
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE entity = 'units' AND entity_id = $1"
                               " AND action = 'insert' AND after ->> 'code' = $2"
                               " AND user_id = (SELECT id FROM users WHERE username = 't_roles_admin')",
                               2, p),
                     1);
}

/* A session's temporary table named audit_log comes first in name lookup:
 * the audit triggers name public.audit_log, so the rows still go there. */
static void temporary_table_does_not_take_the_audit(void **state)
{
    (void)state;
    free(app_value("CREATE TEMP TABLE audit_log (id bigserial, at timestamptz DEFAULT now(), user_id bigint,"
                   " action text, entity text, entity_id bigint, before jsonb, after jsonb)"));
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO units (code, name, kind) VALUES ('RLT%s', 'Sở thử nghiệm bảng tạm', 'agency') RETURNING id",
             t_unique());
    char *id = app_value(sql);
    const char *p[] = {id};
    assert_int_equal(t_sql_int("SELECT count(*) FROM public.audit_log WHERE entity = 'units' AND entity_id = $1"
                               " AND action = 'insert'",
                               1, p),
                     1);
    char *diverted = app_value("SELECT count(*) FROM pg_temp.audit_log");
    assert_string_equal(diverted, "0");
    free(diverted);
    free(id);
    free(app_value("DROP TABLE pg_temp.audit_log"));
}

/* The rows written after `after` for the account named, as
 * "action|user_id|entity_id|reason" lines in order. */
static char *session_rows(long long after, const char *username)
{
    char a[32];
    snprintf(a, sizeof a, "%lld", after);
    const char *p[] = {a, username};
    char *rows = t_sql("SELECT string_agg(concat_ws('|', action, coalesce(user_id::text, '-'),"
                       " coalesce(entity_id::text, '-'), coalesce(after ->> 'reason', '-')), E'\\n' ORDER BY id)"
                       " FROM audit_log WHERE id > $1 AND entity = 'users' AND after ->> 'username' = $2"
                       " AND action IN ('login', 'login_failed', 'logout')",
                       2, p);
    return rows ? rows : strdup("");
}

static void sessions_are_audited(void **state)
{
    (void)state;
    char name[64], body[256], want[256], agency_code[64];
    snprintf(name, sizeof name, "t_roles_%s", t_unique());
    t_make_agency(admin, "RLS", agency_code, sizeof agency_code);
    free(t_user(name, "viewer", NULL, agency_code));
    const char *np[] = {name};
    long long uid = t_sql_int("SELECT id FROM users WHERE username = $1", 1, np);
    long long start = audit_max();

    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"not-the-password-42\"}", name);
    t_resp *r = t_post("/api/v1/sessions", NULL, body);
    t_assert_problem(r, 401, NULL);
    t_free(r);
    char *token = t_login(name, "test-password-1");
    r = t_delete("/api/v1/sessions/current", token);
    t_assert_status(r, 204);
    t_free(r);
    free(token);

    char *rows = session_rows(start, name);
    snprintf(want, sizeof want, "login_failed|-|%lld|wrong_password\nlogin|%lld|%lld|-\nlogout|%lld|%lld|-", uid, uid,
             uid, uid, uid);
    assert_string_equal(rows, want);
    free(rows);

    /* An unknown name: no account, the name as given. */
    char nobody[64];
    snprintf(nobody, sizeof nobody, "nobody_%s", t_unique());
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"not-the-password-42\"}", nobody);
    r = t_post("/api/v1/sessions", NULL, body);
    t_assert_problem(r, 401, NULL);
    t_free(r);
    rows = session_rows(start, nobody);
    assert_string_equal(rows, "login_failed|-|-|unknown_user");
    free(rows);

    /* Never the password. */
    char s[32];
    snprintf(s, sizeof s, "%lld", start);
    const char *sp[] = {s};
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE id > $1"
                               " AND (after::text LIKE '%not-the-password%' OR after::text LIKE '%test-password%')",
                               1, sp),
                     0);
}

int main(void)
{
    t_init();
    admin = t_user("t_roles_admin", "admin", NULL, NULL);
    app = connect_as_app();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(app_role_is_unprivileged),
        cmocka_unit_test(app_role_cannot_alter_the_audit),
        cmocka_unit_test(app_role_creates_nothing),
        cmocka_unit_test(api_write_is_audited),
        cmocka_unit_test(temporary_table_does_not_take_the_audit),
        cmocka_unit_test(sessions_are_audited),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    PQfinish(app);
    free(admin);
    return rc;
}
