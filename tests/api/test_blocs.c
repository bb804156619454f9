/* Blocs (Khối thi đua, issue 12 item 7): agencies A, B and C; the bloc
 * holds A (its lead) and B; C is outside.
 *
 * 2025 campaigns, as of 2025-09-30 (not final):
 *   A: tasks_completed  task_completion ge 66.67: 3 tasks due, 2 done on
 *                       time: 66.67 % shown, 2/3 < 66.67 %: at_risk;
 *      a_only           certification security_order eq true: met;
 *      share            staff_title_share LDTT ge 0.000001: pending.
 *   B: b_only           rating of the agency ge HTTNV: pending;
 *      tasks_completed  ge 85.71: 7 due, 6 on time (85.714… %): met;
 *      share            gt 0.000001: pending.
 *   C: tasks_completed (never shown).
 * 2026: A only. 2024: nobody.
 * So the view's rows are tasks_completed, a_only, share (A's order), then
 * b_only; a_only is absent at B and b_only at A. Every present cell must
 * equal the target of the campaign's own scorecard, read through the API. */
#include "sc_fixture.h"

#include <stdbool.h>

enum { A, B, C, AGENCIES };
static char *admin;                  /* the installation admin */
static char *director[AGENCIES];
static char *viewer_a, *office_a, *agency_admin[AGENCIES];
static long long agency[AGENCIES];
static char agency_code[AGENCIES][64];
static long long campaign[AGENCIES], campaign_2026;
static long long bloc;
static const char as_of[] = "2025-09-30";

static void task(long long c, const char *due, const char *done)
{
    char d[32];
    snprintf(d, sizeof d, done ? "'%s'" : "NULL", done);
    sc_sql("INSERT INTO tasks (campaign_id, title, due_on, completed_on) VALUES (%lld, 'Nhiệm vụ', '%s', %s)"
           " RETURNING id",
           c, due, d);
}

static t_resp *view(const char *token, long long id, const char *query)
{
    return t_getf(token, "/api/v1/blocs/%lld/scorecard%s", id, query);
}

static t_resp *view_2025(const char *token)
{
    return t_getf(token, "/api/v1/blocs/%lld/scorecard?year=2025&as_of=%s", bloc, as_of);
}

/* The row of the view with code (fails when absent). */
static json_t *row_of(const t_resp *r, const char *code)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(r->json, "targets"), i, t) {
        if (strcmp(t_json_str(t, "code"), code) == 0)
            return t;
    }
    fail_msg("no row %s in %s", code, r->body);
    return NULL;
}

static const char *cell_status(const json_t *row, size_t column)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(row, "cells"), column), "status"));
}

/* ------------------------------------------------------------------ the view */

static void the_lead_agencys_director_reads_the_agencies_side_by_side(void **state)
{
    (void)state;
    t_resp *r = view_2025(director[A]);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "year"), 2025);
    assert_string_equal(t_json_str(r->json, "as_of"), as_of);
    json_t *cols = json_object_get(r->json, "columns");
    assert_int_equal(json_array_size(cols), 2);
    json_t *ca = json_array_get(cols, 0), *cb = json_array_get(cols, 1);
    assert_int_equal(t_json_int(ca, "agency_id"), agency[A]);
    assert_true(json_is_true(json_object_get(ca, "lead")));
    assert_int_equal(t_json_int(json_object_get(ca, "campaign"), "id"), campaign[A]);
    assert_int_equal(t_json_int(cb, "agency_id"), agency[B]);
    assert_true(json_is_false(json_object_get(cb, "lead")));
    assert_int_equal(t_json_int(json_object_get(cb, "campaign"), "id"), campaign[B]);
    assert_true(json_is_false(json_object_get(ca, "final")));

    /* Rows in order of first appearance; C's campaign is not there. */
    json_t *rows = json_object_get(r->json, "targets");
    static const char *const order[] = {"tasks_completed", "a_only", "share", "b_only"};
    assert_int_equal(json_array_size(rows), 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(t_json_str(json_array_get(rows, i), "code"), order[i]);

    json_t *tasks = row_of(r, "tasks_completed");
    assert_string_equal(cell_status(tasks, 0), "at_risk");
    assert_string_equal(cell_status(tasks, 1), "met");
    json_t *a_tasks = json_array_get(json_object_get(tasks, "cells"), 0);
    sc_assert_json(json_object_get(a_tasks, "value"), "66.67", "A tasks value");
    sc_assert_json(json_object_get(a_tasks, "threshold"), "66.67", "A tasks threshold");
    assert_int_equal(t_json_int(a_tasks, "numerator"), 2);
    assert_int_equal(t_json_int(a_tasks, "denominator"), 3);
    json_t *b_tasks = json_array_get(json_object_get(tasks, "cells"), 1);
    sc_assert_json(json_object_get(b_tasks, "value"), "85.71", "B tasks value");
    assert_int_equal(t_json_int(b_tasks, "campaign_id"), campaign[B]);

    /* A target one agency lacks is absent there, with nothing else. */
    json_t *a_only = row_of(r, "a_only"), *b_only = row_of(r, "b_only");
    assert_string_equal(cell_status(a_only, 0), "met");
    assert_string_equal(cell_status(a_only, 1), "absent");
    assert_string_equal(cell_status(b_only, 0), "absent");
    assert_string_equal(cell_status(b_only, 1), "pending");
    json_t *absent = json_array_get(json_object_get(a_only, "cells"), 1);
    assert_true(json_is_null(json_object_get(absent, "value")));
    assert_true(json_is_null(json_object_get(absent, "threshold")));
    assert_int_equal(t_json_int(absent, "agency_id"), agency[B]);
    assert_int_equal(t_json_int(absent, "campaign_id"), campaign[B]);

    /* A threshold is echoed as stored, never through a binary float. */
    assert_non_null(strstr(r->body, "0.000001"));
    assert_null(strstr(r->body, "e-06"));
    assert_null(strstr(r->body, "e-6"));
    assert_null(strstr(r->body, "66.670000"));
    json_t *share = row_of(r, "share");
    assert_string_equal(t_json_str(json_array_get(json_object_get(share, "cells"), 0), "comparator"), "ge");
    assert_string_equal(t_json_str(json_array_get(json_object_get(share, "cells"), 1), "comparator"), "gt");
    t_free(r);
}

/* Every present cell is the campaign's own scorecard target, read through
 * the API as of the same date; each column's summary and final its own. */
static void every_cell_equals_the_agencys_own_scorecard(void **state)
{
    (void)state;
    t_resp *r = view_2025(admin);
    t_assert_status(r, 200);
    json_t *cols = json_object_get(r->json, "columns");
    int compared = 0;
    for (size_t c = 0; c < json_array_size(cols); c++) {
        json_t *col = json_array_get(cols, c);
        long long cid = t_json_int(json_object_get(col, "campaign"), "id");
        t_resp *own = sc_get(admin, cid, as_of);
        assert_true(json_equal(json_object_get(col, "summary"), json_object_get(own->json, "summary")));
        assert_true(json_equal(json_object_get(col, "final"), json_object_get(own->json, "final")));
        size_t i;
        json_t *row;
        json_array_foreach(json_object_get(r->json, "targets"), i, row) {
            json_t *cell = json_array_get(json_object_get(row, "cells"), c);
            if (strcmp(t_json_str(cell, "status"), "absent") == 0)
                continue;
            json_t *t = sc_find(own, t_json_str(row, "code"));
            static const char *const keys[] = {"name",  "metric",    "comparator",  "threshold",
                                               "value", "numerator", "denominator", "status"};
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                if (!json_equal(json_object_get(cell, keys[k]), json_object_get(t, keys[k])))
                    fail_msg("%s of %s at column %zu: view %s, own scorecard %s", keys[k], t_json_str(row, "code"), c,
                             r->body, own->body);
            }
            compared++;
        }
        t_free(own);
    }
    assert_int_equal(compared, 6);
    t_free(r);
}

static void any_role_of_the_lead_agency_and_the_installation_admin_read(void **state)
{
    (void)state;
    const char *tokens[] = {admin, viewer_a, office_a, agency_admin[A]};
    for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
        t_resp *r = view_2025(tokens[i]);
        t_assert_status(r, 200);
        t_free(r);
    }
}

/* B is a member but not the lead: its users see the bloc, not the view. */
static void a_member_that_is_not_the_lead_gets_404(void **state)
{
    (void)state;
    const char *tokens[] = {director[B], agency_admin[B]};
    for (size_t i = 0; i < 2; i++) {
        t_resp *r = view_2025(tokens[i]);
        t_assert_problem(r, 404, NULL);
        t_free(r);
        r = t_getf(tokens[i], "/api/v1/blocs/%lld", bloc);
        t_assert_status(r, 200);
        t_free(r);
    }
}

static void another_agency_gets_404_everywhere(void **state)
{
    (void)state;
    const char *tokens[] = {director[C], agency_admin[C]};
    for (size_t i = 0; i < 2; i++) {
        t_resp *r = view_2025(tokens[i]);
        t_assert_problem(r, 404, NULL);
        t_free(r);
        r = t_getf(tokens[i], "/api/v1/blocs/%lld", bloc);
        t_assert_problem(r, 404, NULL);
        t_free(r);
        /* Its list does not hold the bloc; another agency's filter is a 404. */
        r = t_getf(tokens[i], "/api/v1/blocs?limit=1000");
        t_assert_status(r, 200);
        size_t k;
        json_t *it;
        json_array_foreach(json_object_get(r->json, "items"), k, it) {
            assert_true(t_json_int(it, "id") != bloc);
        }
        t_free(r);
        r = t_getf(tokens[i], "/api/v1/blocs?agency_id=%lld", agency[A]);
        t_assert_problem(r, 404, NULL);
        t_free(r);
    }
}

static void the_lists_hold_the_blocs_of_the_users_agency(void **state)
{
    (void)state;
    const char *tokens[] = {director[A], director[B]};
    for (size_t i = 0; i < 2; i++) {
        t_resp *r = t_getf(tokens[i], "/api/v1/blocs?limit=1000");
        t_assert_status(r, 200);
        bool held = false;
        size_t k;
        json_t *it;
        json_array_foreach(json_object_get(r->json, "items"), k, it) {
            held |= t_json_int(it, "id") == bloc;
        }
        assert_true(held);
        t_free(r);
    }
    t_resp *r = t_getf(admin, "/api/v1/blocs?agency_id=%lld&limit=1000", agency[C]);
    t_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    t_free(r);
    r = t_getf(admin, "/api/v1/blocs?agency_id=%lld&limit=1000", agency[B]);
    t_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    json_t *b = json_array_get(json_object_get(r->json, "items"), 0);
    assert_int_equal(t_json_int(b, "lead_agency_id"), agency[A]);
    json_t *ids = json_object_get(b, "member_agency_ids");
    assert_int_equal(json_array_size(ids), 2);
    assert_int_equal(json_integer_value(json_array_get(ids, 0)), agency[A]); /* the lead first */
    assert_int_equal(json_integer_value(json_array_get(ids, 1)), agency[B]);
    t_free(r);
}

/* A year where an agency has no campaign lists it as such. */
static void a_year_without_a_campaign_is_listed_as_such(void **state)
{
    (void)state;
    t_resp *r = view(director[A], bloc, "?year=2024&as_of=2024-06-30");
    t_assert_status(r, 200);
    json_t *cols = json_object_get(r->json, "columns");
    assert_int_equal(json_array_size(cols), 2);
    for (size_t i = 0; i < 2; i++) {
        assert_true(json_is_null(json_object_get(json_array_get(cols, i), "campaign")));
        assert_true(json_is_null(json_object_get(json_array_get(cols, i), "summary")));
    }
    assert_int_equal(json_array_size(json_object_get(r->json, "targets")), 0);
    t_free(r);

    r = view(director[A], bloc, "?year=2026&as_of=2026-03-31");
    t_assert_status(r, 200);
    cols = json_object_get(r->json, "columns");
    assert_int_equal(t_json_int(json_object_get(json_array_get(cols, 0), "campaign"), "id"), campaign_2026);
    assert_true(json_is_null(json_object_get(json_array_get(cols, 1), "campaign")));
    json_t *row = row_of(r, "tasks_completed");
    assert_string_equal(cell_status(row, 0), "pending");
    assert_string_equal(cell_status(row, 1), "no_campaign");
    json_t *none = json_array_get(json_object_get(row, "cells"), 1);
    assert_true(json_is_null(json_object_get(none, "campaign_id")));
    assert_int_equal(t_json_int(none, "agency_id"), agency[B]);
    t_free(r);
}

/* The year is required (422 when left out) and within 2000-2100 (400). */
static void the_year_is_checked_as_the_route_contract_says(void **state)
{
    (void)state;
    static const struct {
        const char *query;
        long status;
        const char *field;
    } cases[] = {
        {"", 422, "year"},
        {"?as_of=2025-09-30", 422, "year"},
        {"?year=1999", 400, "year"},
        {"?year=2101", 400, "year"},
        {"?year=20x5", 400, "year"},
        {"?year=", 400, "year"},
        {"?year=2025&year=2026", 400, "year"},
        {"?year=2025&as_of=2025-02-29", 400, "as_of"},
        {"?year=2025&quarter=3", 400, "quarter"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_resp *r = view(director[A], bloc, cases[i].query);
        t_assert_problem(r, cases[i].status, cases[i].field);
        t_free(r);
    }
    t_resp *r = view(director[A], bloc, "?year=2000");
    t_assert_status(r, 200);
    t_free(r);
    r = view(director[A], bloc, "?year=2100");
    t_assert_status(r, 200);
    t_free(r);
}

static void an_unknown_bloc_is_404(void **state)
{
    (void)state;
    t_resp *r = view(admin, 999999999999LL, "?year=2025");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/blocs/999999999999", admin);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_patch("/api/v1/blocs/999999999999", admin, "{\"name\":\"Khối không có\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

/* ------------------------------------------------------------------ writes */

static t_resp *post_bloc(const char *token, const char *code, const char *fmt_lead_members, ...)
    __attribute__((format(printf, 3, 4)));
static t_resp *post_bloc(const char *token, const char *code, const char *fmt_lead_members, ...)
{
    char tail[512], body[1024];
    va_list ap;
    va_start(ap, fmt_lead_members);
    vsnprintf(tail, sizeof tail, fmt_lead_members, ap);
    va_end(ap);
    snprintf(body, sizeof body, "{\"code\":\"%s%s\",\"name\":\"Khối thi đua các Sở\",%s}", code, t_unique(), tail);
    return t_post("/api/v1/blocs", token, body);
}

static long long blocs_with_code(const char *code)
{
    char full[128];
    snprintf(full, sizeof full, "%s%s", code, t_unique());
    const char *p[] = {full};
    return t_sql_int("SELECT count(*) FROM blocs WHERE code = $1", 1, p);
}

static void a_bad_body_is_refused_naming_the_field_and_writes_nothing(void **state)
{
    (void)state;
    long long division = sc_sql("SELECT id FROM units WHERE agency_id = %lld AND kind = 'division' LIMIT 1", agency[A]);
    static const char *const bad_code = "KX";
    struct {
        char tail[256];
        const char *field;
    } cases[8];
    int n = 0;
    snprintf(cases[n].tail, sizeof cases[n].tail, "\"lead_agency_id\":%lld,\"member_agency_ids\":[%lld,999999999999]",
             agency[A], agency[B]);
    cases[n++].field = "member_agency_ids[1]";
    snprintf(cases[n].tail, sizeof cases[n].tail, "\"lead_agency_id\":999999999999,\"member_agency_ids\":[%lld]",
             agency[B]);
    cases[n++].field = "lead_agency_id";
    snprintf(cases[n].tail, sizeof cases[n].tail, "\"lead_agency_id\":%lld,\"member_agency_ids\":[%lld]", division,
             agency[B]);
    cases[n++].field = "lead_agency_id";
    snprintf(cases[n].tail, sizeof cases[n].tail, "\"lead_agency_id\":%lld,\"member_agency_ids\":[%lld]", agency[A],
             division);
    cases[n++].field = "member_agency_ids[0]";
    snprintf(cases[n].tail, sizeof cases[n].tail, "\"lead_agency_id\":%lld,\"member_agency_ids\":[%lld,%lld,%lld]",
             agency[A], agency[A], agency[B], agency[B]);
    cases[n++].field = "member_agency_ids[2]";
    snprintf(cases[n].tail, sizeof cases[n].tail, "\"lead_agency_id\":%lld,\"member_agency_ids\":\"%lld\"", agency[A],
             agency[B]);
    cases[n++].field = "member_agency_ids";
    snprintf(cases[n].tail, sizeof cases[n].tail, "\"lead_agency_id\":%lld,\"member_agency_ids\":[0,-3,1.5]",
             agency[A]);
    cases[n++].field = "member_agency_ids[1]";
    snprintf(cases[n].tail, sizeof cases[n].tail, "\"member_agency_ids\":[%lld]", agency[A]);
    cases[n++].field = "lead_agency_id";
    for (int i = 0; i < n; i++) {
        t_resp *r = post_bloc(admin, bad_code, "%s", cases[i].tail);
        t_assert_problem(r, 422, cases[i].field);
        t_free(r);
    }
    assert_int_equal(blocs_with_code(bad_code), 0);
    t_resp *r = t_post("/api/v1/blocs", admin, "{\"code\":\"bad code\",\"name\":\"\",\"lead_agency_id\":1,"
                                               "\"member_agency_ids\":[]}");
    t_assert_problem(r, 422, "code");
    t_assert_problem(r, 422, "name");
    t_free(r);
}

/* The lead left out of the members is added (the lead is a member). */
static void the_lead_is_always_a_member(void **state)
{
    (void)state;
    t_resp *r = post_bloc(admin, "KL", "\"lead_agency_id\":%lld,\"member_agency_ids\":[%lld]", agency[C], agency[B]);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    assert_non_null(t_header(r, "Location"));
    json_t *ids = json_object_get(r->json, "member_agency_ids");
    assert_int_equal(json_array_size(ids), 2);
    assert_int_equal(json_integer_value(json_array_get(ids, 0)), agency[C]);
    assert_int_equal(json_integer_value(json_array_get(ids, 1)), agency[B]);
    json_t *members = json_object_get(r->json, "members");
    assert_true(json_is_true(json_object_get(json_array_get(members, 0), "lead")));
    assert_string_equal(t_json_str(json_array_get(members, 0), "code"), agency_code[C]);
    t_free(r);
    /* C leads it now: C's director reads its view, A's does not. */
    r = view(director[C], id, "?year=2025");
    t_assert_status(r, 200);
    t_free(r);
    r = view(director[A], id, "?year=2025");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    /* The same code again is a conflict. */
    r = post_bloc(admin, "KL", "\"lead_agency_id\":%lld,\"member_agency_ids\":[]", agency[A]);
    t_assert_problem(r, 409, "code");
    t_free(r);
}

/* Only the installation admin writes a bloc. */
static void only_the_installation_admin_writes(void **state)
{
    (void)state;
    t_resp *r = post_bloc(agency_admin[A], "KW", "\"lead_agency_id\":%lld,\"member_agency_ids\":[%lld]", agency[A],
                          agency[B]);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = post_bloc(director[A], "KW", "\"lead_agency_id\":%lld,\"member_agency_ids\":[]", agency[A]);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    assert_int_equal(blocs_with_code("KW"), 0);
    r = t_getf(agency_admin[A], "/api/v1/blocs/%lld", bloc);
    t_assert_status(r, 200);
    t_free(r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/blocs/%lld", bloc);
    r = t_patch(path, agency_admin[A], "{\"name\":\"Khối đổi tên\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_patch(path, agency_admin[C], "{\"name\":\"Khối đổi tên\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_patch(path, director[A], "{\"name\":\"Khối đổi tên\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
}

/* PATCH: name, lead and members; the view follows the lead. */
static void a_patch_moves_the_lead_and_the_members(void **state)
{
    (void)state;
    t_resp *r = post_bloc(admin, "KP", "\"lead_agency_id\":%lld,\"member_agency_ids\":[%lld,%lld]", agency[A],
                          agency[A], agency[B]);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    char path[64], body[256];
    snprintf(path, sizeof path, "/api/v1/blocs/%lld", id);
    snprintf(body, sizeof body, "{\"name\":\"Khối thi đua số 2\",\"lead_agency_id\":%lld}", agency[B]);
    r = t_patch(path, admin, body);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "name"), "Khối thi đua số 2");
    assert_int_equal(t_json_int(r->json, "lead_agency_id"), agency[B]);
    assert_int_equal(json_array_size(json_object_get(r->json, "member_agency_ids")), 2);
    t_free(r);
    r = view(director[B], id, "?year=2025");
    t_assert_status(r, 200);
    t_free(r);
    r = view(director[A], id, "?year=2025");
    t_assert_problem(r, 404, NULL);
    t_free(r);

    /* Members replaced: A leaves (B, the lead, stays although not listed). */
    snprintf(body, sizeof body, "{\"member_agency_ids\":[%lld]}", agency[C]);
    r = t_patch(path, admin, body);
    t_assert_status(r, 200);
    json_t *ids = json_object_get(r->json, "member_agency_ids");
    assert_int_equal(json_array_size(ids), 2);
    assert_int_equal(json_integer_value(json_array_get(ids, 0)), agency[B]);
    assert_int_equal(json_integer_value(json_array_get(ids, 1)), agency[C]);
    t_free(r);
    r = t_getf(director[A], "/api/v1/blocs/%lld", id);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(director[C], "/api/v1/blocs/%lld", id);
    t_assert_status(r, 200);
    t_free(r);

    /* A bad patch changes nothing; the code is not a PATCH's. */
    r = t_patch(path, admin, "{\"name\":\"Không đổi\",\"member_agency_ids\":[999999999999]}");
    t_assert_problem(r, 422, "member_agency_ids[0]");
    t_free(r);
    r = t_patch(path, admin, "{\"code\":\"KPX\"}");
    t_assert_problem(r, 422, "code");
    t_free(r);
    r = t_get(path, admin);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "name"), "Khối thi đua số 2");
    assert_int_equal(json_array_size(json_object_get(r->json, "member_agency_ids")), 2);
    t_free(r);
}

/* ------------------------------------------------------------------ fixture */

int main(void)
{
    t_init();
    admin = t_user("bl_admin", "admin", NULL, NULL);
    static const char *const prefix[AGENCIES] = {"BLA", "BLB", "BLC"};
    static const char *const dir_name[AGENCIES] = {"bl_director_a", "bl_director_b", "bl_director_c"};
    static const char *const adm_name[AGENCIES] = {"bl_admin_a", "bl_admin_b", "bl_admin_c"};
    for (int i = 0; i < AGENCIES; i++) {
        agency[i] = t_make_agency(admin, prefix[i], agency_code[i], sizeof agency_code[i]);
        director[i] = t_user(dir_name[i], "director", NULL, agency_code[i]);
        agency_admin[i] = t_user(adm_name[i], "admin", NULL, agency_code[i]);
        campaign[i] = sc_campaign(agency[i], "BLOC25");
    }
    sc_unit(admin, agency[A], "BLDIV", "division", "Phòng Tổ chức");
    viewer_a = t_user("bl_viewer_a", "viewer", NULL, agency_code[A]);
    office_a = t_user("bl_office_a", "office", NULL, agency_code[A]);

    sc_target(campaign[A], 1, "tasks_completed", "task_completion", "{}", "ge", "66.67");
    sc_target(campaign[A], 2, "a_only", "certification", "{\"kind\":\"security_order\"}", "eq", "true");
    sc_target(campaign[A], 3, "share", "staff_title_share", "{\"title\":\"LDTT\",\"base\":\"active_staff\"}", "ge",
              "0.000001");
    task(campaign[A], "2025-03-31", "2025-03-30");
    task(campaign[A], "2025-06-30", "2025-06-30");
    task(campaign[A], "2025-09-30", "2025-10-01");
    task(campaign[A], "2025-12-31", NULL);
    sc_sql("INSERT INTO certifications (campaign_id, kind, achieved, decided_on) VALUES (%lld, 'security_order', true,"
           " '2025-06-01') RETURNING id",
           campaign[A]);

    sc_target(campaign[B], 1, "b_only", "rating", "{\"subject\":\"agency\"}", "ge", "\"HTTNV\"");
    sc_target(campaign[B], 2, "tasks_completed", "task_completion", "{}", "ge", "85.71");
    sc_target(campaign[B], 3, "share", "staff_title_share", "{\"title\":\"LDTT\",\"base\":\"active_staff\"}", "gt",
              "0.000001");
    for (int i = 0; i < 7; i++)
        task(campaign[B], "2025-08-31", i < 6 ? "2025-08-01" : NULL);

    sc_target(campaign[C], 1, "tasks_completed", "task_completion", "{}", "ge", "50");
    campaign_2026 = sc_sql("INSERT INTO campaigns (agency_id, year, code, name, starts_on, ends_on, closes_on)"
                           " VALUES (%lld, 2026, 'BLOC26', 'Phong trào thi đua năm 2026', '2026-01-01', '2026-12-31',"
                           " '2027-06-30') RETURNING id",
                           agency[A]);
    sc_target(campaign_2026, 1, "tasks_completed", "task_completion", "{}", "ge", "100");

    t_resp *r = post_bloc(admin, "KT", "\"lead_agency_id\":%lld,\"member_agency_ids\":[%lld,%lld]", agency[A],
                          agency[B], agency[A]);
    t_assert_status(r, 201);
    bloc = t_json_int(r->json, "id");
    t_free(r);

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_lead_agencys_director_reads_the_agencies_side_by_side),
        cmocka_unit_test(every_cell_equals_the_agencys_own_scorecard),
        cmocka_unit_test(any_role_of_the_lead_agency_and_the_installation_admin_read),
        cmocka_unit_test(a_member_that_is_not_the_lead_gets_404),
        cmocka_unit_test(another_agency_gets_404_everywhere),
        cmocka_unit_test(the_lists_hold_the_blocs_of_the_users_agency),
        cmocka_unit_test(a_year_without_a_campaign_is_listed_as_such),
        cmocka_unit_test(the_year_is_checked_as_the_route_contract_says),
        cmocka_unit_test(an_unknown_bloc_is_404),
        cmocka_unit_test(a_bad_body_is_refused_naming_the_field_and_writes_nothing),
        cmocka_unit_test(the_lead_is_always_a_member),
        cmocka_unit_test(only_the_installation_admin_writes),
        cmocka_unit_test(a_patch_moves_the_lead_and_the_members),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    for (int i = 0; i < AGENCIES; i++) {
        free(director[i]);
        free(agency_admin[i]);
    }
    free(viewer_a);
    free(office_a);
    return rc;
}
