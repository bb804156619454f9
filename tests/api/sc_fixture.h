/* sc_fixture.h — what the scorecard tests share: an agency's units made
 * through the API, the campaign and its facts inserted directly with SQL
 * (the fact endpoints are other resources), and checks of one target of
 * the scorecard as of a date. Every function fails the test on error;
 * nothing returned needs freeing except t_resp (t_free). */
#ifndef THIDUA_SC_FIXTURE_H
#define THIDUA_SC_FIXTURE_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

/* Runs SQL made from test constants; returns the first value as a number
 * (0 when none). */
__attribute__((format(printf, 1, 2))) static inline long long sc_sql(const char *fmt, ...)
{
    char sql[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return t_sql_int(sql, 0, NULL);
}

/* A unit under parent, made through the API (an office or admin token). */
static inline long long sc_unit(const char *token, long long parent, const char *code, const char *kind,
                                const char *name)
{
    char body[512];
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"name\":\"%s\",\"kind\":\"%s\",\"parent_id\":%lld}", code, name,
             kind, parent);
    t_resp *r = t_post("/api/v1/units", token, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

/* A 2025 campaign of the agency: starts 2025-01-01, ends 2025-12-31,
 * closes 2026-06-30. */
static inline long long sc_campaign(long long agency, const char *code)
{
    return sc_sql("INSERT INTO campaigns (agency_id, year, code, name, starts_on, ends_on, closes_on)"
                  " VALUES (%lld, 2025, '%s', 'Phong trào thi đua năm 2025', '2025-01-01', '2025-12-31', '2026-06-30')"
                  " RETURNING id",
                  agency, code);
}

/* threshold: JSON text or "NULL"; params: JSON object text. */
static inline void sc_target(long long campaign, int position, const char *code, const char *metric,
                             const char *params, const char *comparator, const char *threshold)
{
    char thr[128];
    if (strcmp(threshold, "NULL") == 0)
        snprintf(thr, sizeof thr, "NULL");
    else
        snprintf(thr, sizeof thr, "'%s'::jsonb", threshold);
    sc_sql("INSERT INTO targets (campaign_id, position, code, name, metric, params, comparator, threshold)"
           " VALUES (%lld, %d, '%s', 'Chỉ tiêu %s', '%s', '%s', '%s', %s)",
           campaign, position, code, code, metric, params, comparator, thr);
}

/* A staff member of unit; left: a date or NULL. */
static inline long long sc_staff(long long unit, const char *code, const char *joined, const char *left)
{
    char l[32];
    snprintf(l, sizeof l, left ? "'%s'" : "NULL", left);
    return sc_sql("INSERT INTO staff (agency_id, unit_id, code, full_name, category, joined_on, left_on)"
                  " VALUES (0, %lld, '%s', 'Nguyễn Văn %s', 'cong_chuc', '%s', %s) RETURNING id",
                  unit, code, code, joined, l);
}

static inline t_resp *sc_get(const char *token, long long campaign, const char *as_of)
{
    t_resp *r = t_getf(token, "/api/v1/campaigns/%lld/scorecard?as_of=%s", campaign, as_of);
    t_assert_status(r, 200);
    return r;
}

/* The target with code in a scorecard answer (fails when absent). */
static inline json_t *sc_find(const t_resp *r, const char *code)
{
    json_t *targets = json_object_get(r->json, "targets");
    size_t i;
    json_t *t;
    json_array_foreach(targets, i, t) {
        if (strcmp(json_string_value(json_object_get(t, "code")), code) == 0)
            return t;
    }
    fail_msg("no target %s in %s", code, r->body);
    return NULL;
}

/* A JSON value as text: 98.73, "HTTNV", true, null. */
static inline void sc_assert_json(const json_t *v, const char *expected, const char *what)
{
    char *s = json_dumps(v ? v : json_null(), JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    if (strcmp(s, expected) != 0)
        fail_msg("%s: expected %s, got %s", what, expected, s);
    free(s);
}

/* Checks one target's status, value (JSON text), numerator and
 * denominator (-1: null) in an answer. */
static inline void sc_expect_in(const t_resp *r, const char *code, const char *status, const char *value,
                                long long num, long long den)
{
    json_t *t = sc_find(r, code);
    const char *st = json_string_value(json_object_get(t, "status"));
    if (strcmp(st, status) != 0)
        fail_msg("%s: expected status %s, got %s in %s", code, status, st, r->body);
    sc_assert_json(json_object_get(t, "value"), value, code);
    json_t *n = json_object_get(t, "numerator"), *d = json_object_get(t, "denominator");
    if (num < 0 ? !json_is_null(n) : json_integer_value(n) != num || !json_is_integer(n))
        fail_msg("%s: expected numerator %lld in %s", code, num, r->body);
    if (den < 0 ? !json_is_null(d) : json_integer_value(d) != den || !json_is_integer(d))
        fail_msg("%s: expected denominator %lld in %s", code, den, r->body);
}

/* Fetches the scorecard as of a date and checks one target. */
static inline void sc_expect(const char *token, long long campaign, const char *as_of, const char *code,
                             const char *status, const char *value, long long num, long long den)
{
    t_resp *r = sc_get(token, campaign, as_of);
    sc_expect_in(r, code, status, value, num, den);
    t_free(r);
}

#endif
