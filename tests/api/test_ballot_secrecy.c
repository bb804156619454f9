/* The secret ballot (awards.md "Secret ballot"; migration 0014): after
 * several members cast a secret ballot, the application's own role
 * (thidua_app, the stack's database_url, as tests/api/test_db_roles.c
 * connects) can read no member's secret vote anywhere:
 * - the secret counters are not readable at all (42501), and
 *   council_tally() answers nothing while the session is open;
 * - every table it may read that references council sessions is listed
 *   with its columns: only council_open_votes holds a vote value, and it
 *   holds no row of a secret item; council_results holds aggregates, and
 *   only after the close;
 * - no readable table with a nomination_id holds a row of the secret
 *   item with a vote value in it;
 * - council_turnout has exactly (session_id, user_id): no time, no order;
 * - the audit (read here as the cluster's superuser: the application may
 *   not read it) has one cast_ballot row per ballot with no before/after,
 *   and nothing of the counters or the turnout. */
#include "client.h"
#include "council_fixture.h"
#include "facts_fixture.h"

#include <libpq-fe.h>

static char *admin, *office, *tok[4];
static long long agency, unit, campaign, uid[4];
static char agency_code[64];
static PGconn *app;
static long long session, secret_item, open_item;

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

/* Runs sql as the application with one text parameter (NULL: none); the
 * result (the caller clears it), failing the test on an error. */
static PGresult *app_query(const char *sql, const char *param)
{
    const char *p[] = {param};
    PGresult *r = PQexecParams(app, sql, param ? 1 : 0, NULL, param ? p : NULL, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("as the application, %s: %s", sql, PQresultErrorMessage(r));
    return r;
}

static long long app_int(const char *sql, const char *param)
{
    PGresult *r = app_query(sql, param);
    long long v = PQntuples(r) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
    PQclear(r);
    return v;
}

static void assert_refused(const char *sql, const char *param)
{
    const char *p[] = {param};
    PGresult *r = PQexecParams(app, sql, param ? 1 : 0, NULL, param ? p : NULL, NULL, NULL, 0);
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (PQresultStatus(r) != PGRES_FATAL_ERROR || !state || strcmp(state, "42501") != 0)
        fail_msg("as the application, %s: want SQLSTATE 42501, got %s (%s)", sql, state ? state : "success",
                 PQresultErrorMessage(r));
    PQclear(r);
}

static const char *num(long long v)
{
    static char buf[4][24];
    static int next;
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%lld", v);
    return b;
}

/* Three members present; each casts a ballot on a secret item (CSTDCS)
 * and an open one (GIAY_KHEN). */
static int setup(void **state)
{
    (void)state;
    secret_item = cf_nomination(campaign, cf_staff(campaign, unit, "BS1", "Phạm Thị Kín", "HTXSNV"), "CSTDCS");
    open_item = cf_nomination(campaign, cf_staff(campaign, unit, "BS2", "Phạm Văn Mở", NULL), "GIAY_KHEN");
    long long members[] = {uid[0], uid[1], uid[2], uid[3]}, agenda[] = {secret_item, open_item};
    session = cf_planned(office, campaign, "2026-01-15", members, 4, agenda, 2);
    cf_opened(office, session, members, 4);
    const char *v0[] = {"for", "for"}, *v1[] = {"against", "for"}, *v2[] = {"abstain", "against"};
    cf_voted(tok[0], session, agenda, v0, 2);
    cf_voted(tok[1], session, agenda, v1, 2);
    cf_voted(tok[2], session, agenda, v2, 2);
    app = connect_as_app();
    return 0;
}

static void the_counters_are_out_of_reach(void **state)
{
    (void)state;
    PGresult *r = app_query("SELECT current_user", NULL);
    assert_string_equal(PQgetvalue(r, 0, 0), "thidua_app");
    PQclear(r);
    assert_refused("SELECT * FROM council_secret_tallies", NULL);
    assert_refused("SELECT count(*) FROM council_secret_tallies WHERE session_id = $1::bigint", num(session));
    assert_refused("UPDATE council_secret_tallies SET votes_for = 0 WHERE session_id = $1::bigint", num(session));
    assert_refused("INSERT INTO council_turnout (session_id, user_id) VALUES ($1::bigint, 1)", num(session));
    assert_refused("SELECT * FROM audit_log LIMIT 1", NULL);
    /* While open, the tally answers nothing, not even that it exists. */
    assert_int_equal(app_int("SELECT count(*) FROM council_tally($1::bigint)", num(session)), 0);
    /* The counters do exist (the superuser sees them): nothing is missing. */
    const char *p[] = {num(session), num(secret_item)};
    assert_int_equal(t_sql_int("SELECT votes_for + votes_against + votes_abstain FROM council_secret_tallies"
                               " WHERE session_id = $1::bigint AND nomination_id = $2::bigint",
                               2, p),
                     3);
    /* Nor does the API tell: no minutes before the close. */
    t_resp *resp = t_getf(office, "/api/v1/council-sessions/%lld/minutes", session);
    t_assert_problem(resp, 409, NULL);
    t_free(resp);
}

/* Every table the application may read that references council_sessions,
 * with its columns: vote values live only in council_open_votes (open
 * items) and council_results (aggregates). */
static void readable_tables_hold_no_secret_vote(void **state)
{
    (void)state;
    PGresult *r = app_query(
        "SELECT c.relname, string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod), ',' ORDER BY a.attnum)"
        "  FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace"
        "  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
        " WHERE ns.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p')"
        "   AND has_table_privilege(c.oid, 'SELECT')"
        "   AND EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f'"
        "               AND k.confrelid = 'council_sessions'::regclass)"
        " GROUP BY c.relname ORDER BY c.relname",
        NULL);
    static const struct {
        const char *table, *columns;
    } want[] = {
        {"council_agenda", "id:bigint,session_id:bigint,nomination_id:bigint,position:integer"},
        {"council_members", "id:bigint,session_id:bigint,user_id:bigint,present:boolean"},
        {"council_open_votes", "id:bigint,session_id:bigint,nomination_id:bigint,user_id:bigint,vote:text"},
        {"council_results", "id:bigint,session_id:bigint,nomination_id:bigint,vote_kind:text,votes_for:integer,"
                            "votes_against:integer,votes_abstain:integer,not_voted:integer,threshold:jsonb,"
                            "passed:boolean"},
        {"council_turnout", "session_id:bigint,user_id:bigint"},
    };
    for (int i = 0; i < PQntuples(r); i++)
        fprintf(stderr, "readable: %s (%s)\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
    assert_int_equal(PQntuples(r), sizeof want / sizeof want[0]);
    for (int i = 0; i < PQntuples(r); i++) {
        assert_string_equal(PQgetvalue(r, i, 0), want[i].table);
        assert_string_equal(PQgetvalue(r, i, 1), want[i].columns);
    }
    PQclear(r);
    /* council_open_votes: the open item's votes by name, nothing of the secret one. */
    assert_int_equal(app_int("SELECT count(*) FROM council_open_votes WHERE session_id = $1::bigint", num(session)), 3);
    assert_int_equal(app_int("SELECT count(*) FROM council_open_votes WHERE nomination_id = $1::bigint", num(secret_item)),
                     0);
    /* council_results: nothing until the close. */
    assert_int_equal(app_int("SELECT count(*) FROM council_results WHERE session_id = $1::bigint", num(session)), 0);
}

/* Whatever table the application reads, no row of the secret item carries
 * a vote value ("for", "against", "abstain") in any column. */
static void no_row_of_the_secret_item_carries_a_vote(void **state)
{
    (void)state;
    PGresult *tables = app_query("SELECT c.relname FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace"
                                 " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'nomination_id'"
                                 " WHERE ns.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p')"
                                 "   AND has_table_privilege(c.oid, 'SELECT') ORDER BY 1",
                                 NULL);
    assert_true(PQntuples(tables) >= 4);
    for (int i = 0; i < PQntuples(tables); i++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM public.%s t WHERE t.nomination_id = $1::bigint AND EXISTS"
                 " (SELECT 1 FROM jsonb_each_text(to_jsonb(t)) e WHERE e.value IN ('for', 'against', 'abstain'))",
                 PQgetvalue(tables, i, 0));
        long long n = app_int(sql, num(secret_item));
        if (n != 0)
            fail_msg("%s holds %lld rows of the secret item with a vote", PQgetvalue(tables, i, 0), n);
    }
    PQclear(tables);
}

/* The turnout says who voted, nothing of when or in which order. */
static void turnout_has_no_time_or_order(void **state)
{
    (void)state;
    assert_int_equal(app_int("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"
                             " AND table_name = 'council_turnout' AND (data_type LIKE 'timestamp%' OR data_type IN"
                             " ('date', 'time without time zone', 'time with time zone', 'interval')"
                             " OR column_default IS NOT NULL OR is_identity = 'YES')",
                             NULL),
                     0);
    assert_int_equal(app_int("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"
                             " AND table_name = 'council_turnout'",
                             NULL),
                     2);
    assert_int_equal(app_int("SELECT count(*) FROM council_turnout WHERE session_id = $1::bigint", num(session)), 3);
    /* The API's turnout is in the members' order, whatever the order of the ballots. */
    t_resp *r = t_getf(office, "/api/v1/council-sessions/%lld", session);
    t_assert_status(r, 200);
    json_t *voted = json_object_get(r->json, "voted");
    assert_int_equal(json_array_size(voted), 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(json_integer_value(json_array_get(voted, i)), uid[i]);
    t_free(r);
}

/* The audit of a ballot: one cast_ballot row naming the member and the
 * session, no votes; nothing of the counters or the turnout. */
static void the_audit_says_only_who_cast_a_ballot(void **state)
{
    (void)state;
    const char *p[] = {num(session)};
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE action = 'cast_ballot' AND entity = 'council_sessions'"
                               " AND entity_id = $1::bigint",
                               1, p),
                     3);
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE action = 'cast_ballot' AND entity_id = $1::bigint"
                               " AND (before IS NOT NULL OR after IS NOT NULL)",
                               1, p),
                     0);
    const char *q[] = {num(session), num(uid[0]), num(uid[1]), num(uid[2])};
    assert_int_equal(t_sql_int("SELECT count(DISTINCT user_id) FROM audit_log WHERE action = 'cast_ballot'"
                               " AND entity_id = $1::bigint AND user_id IN ($2::bigint, $3::bigint, $4::bigint)",
                               4, q),
                     3);
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE entity IN ('council_secret_tallies', 'council_turnout')",
                               0, NULL),
                     0);
    /* The open votes' row audit is of the open item only. */
    const char *s[] = {num(session), num(secret_item)};
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE entity = 'council_open_votes'"
                               " AND (after->>'session_id')::bigint = $1::bigint"
                               " AND (after->>'nomination_id')::bigint = $2::bigint",
                               2, s),
                     0);
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE (after::text LIKE '%votes_for%'"
                               " OR before::text LIKE '%votes_for%') AND entity <> 'council_results'",
                               0, NULL),
                     0);
}

/* Once closed, the counters come out as aggregates, through council_tally
 * and council_results only. */
static void after_the_close_only_aggregates(void **state)
{
    (void)state;
    t_resp *r = cf_close(office, session);
    t_assert_status(r, 200);
    json_t *res = cf_result(r, secret_item);
    assert_int_equal(t_json_int(res, "for"), 1);
    assert_int_equal(t_json_int(res, "against"), 1);
    assert_int_equal(t_json_int(res, "abstain"), 1);
    assert_int_equal(t_json_int(res, "not_voted"), 1);
    assert_int_equal(json_array_size(json_object_get(res, "open_votes")), 0);
    t_free(r);
    assert_int_equal(app_int("SELECT count(*) FROM council_tally($1::bigint)", num(session)), 1);
    assert_int_equal(app_int("SELECT votes_for + votes_against + votes_abstain FROM council_tally($1::bigint)",
                             num(session)),
                     3);
    assert_refused("SELECT * FROM council_secret_tallies", NULL);
    assert_int_equal(app_int("SELECT count(*) FROM council_results WHERE session_id = $1::bigint", num(session)), 2);
}

static int teardown(void **state)
{
    (void)state;
    PQfinish(app);
    return 0;
}

int main(void)
{
    t_init();
    admin = t_user("bs_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "BSA", agency_code, sizeof agency_code);
    unit = fx_unit(admin, agency, "D1", "division", NULL);
    campaign = fx_campaign(agency, "BS-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    office = t_user("bs_office", "office", NULL, agency_code);
    for (int i = 0; i < 4; i++) {
        char name[32];
        snprintf(name, sizeof name, "bs_member%d", i);
        tok[i] = t_user(name, "council", NULL, agency_code);
        uid[i] = cf_user_id(name);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_counters_are_out_of_reach),
        cmocka_unit_test(readable_tables_hold_no_secret_vote),
        cmocka_unit_test(no_row_of_the_secret_item_carries_a_vote),
        cmocka_unit_test(turnout_has_no_time_or_order),
        cmocka_unit_test(the_audit_says_only_who_cast_a_ballot),
        cmocka_unit_test(after_the_close_only_aggregates),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    free(admin);
    free(office);
    for (int i = 0; i < 4; i++)
        free(tok[i]);
    return rc;
}
