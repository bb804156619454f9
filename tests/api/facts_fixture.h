/* facts_fixture.h — set-up shared by the API tests of a campaign's facts
 * (study, attendance, tasks, decisions): units made through the API, a
 * campaign and staff inserted directly, CSV posts, checks of errors[]
 * entries. Header-only (static inline): include it after client.h. */
#ifndef THIDUA_TEST_FACTS_FIXTURE_H
#define THIDUA_TEST_FACTS_FIXTURE_H
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

#include <curl/curl.h>

/* A unit under parent, through the API; returns its id. */
static inline long long fx_unit(const char *admin, long long parent, const char *code, const char *kind,
                                const char *dissolved_on)
{
    char body[512];
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"name\":\"Đơn vị %s\",\"kind\":\"%s\",\"parent_id\":%lld%s%s%s}", code,
             code, kind, parent, dissolved_on ? ",\"dissolved_on\":\"" : "", dissolved_on ? dissolved_on : "",
             dissolved_on ? "\"" : "");
    t_resp *r = t_post("/api/v1/units", admin, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

/* A campaign of the agency, inserted directly; returns its id. */
static inline long long fx_campaign(long long agency, const char *code, const char *starts, const char *ends,
                                    const char *closes)
{
    char a[32];
    snprintf(a, sizeof a, "%lld", agency);
    const char *p[] = {a, code, starts, ends, closes};
    return t_sql_int("INSERT INTO campaigns (agency_id, year, code, name, starts_on, ends_on, closes_on)"
                     " VALUES ($1, extract(year FROM $3::date), $2, 'Phong trào thi đua ' || $2, $3, $4, $5) RETURNING id",
                     5, p);
}

/* A staff member of unit, inserted directly (left_on may be NULL). */
static inline long long fx_staff(long long unit, const char *code, const char *full_name, const char *joined_on,
                                 const char *left_on)
{
    char u[32];
    snprintf(u, sizeof u, "%lld", unit);
    const char *p[] = {u, code, full_name, joined_on, left_on};
    return t_sql_int("INSERT INTO staff (unit_id, code, full_name, category, joined_on, left_on)"
                     " VALUES ($1, $2, $3, 'cong_chuc', $4, $5) RETURNING id",
                     5, p);
}

/* Posts a CSV body. */
static inline t_resp *fx_csv(const char *path, const char *token, const char *csv)
{
    return t_request("POST", path, token, "text/csv", csv, strlen(csv));
}

/* The count of a query with one bigint parameter. */
static inline long long fx_count(const char *sql, long long id)
{
    char s[32];
    snprintf(s, sizeof s, "%lld", id);
    const char *p[] = {s};
    return t_sql_int(sql, 1, p);
}

/* Asserts an errors[] entry with field (and row when row > 0) whose
 * message contains needle (when not NULL). */
static inline void fx_assert_error(const t_resp *r, const char *field, long row, const char *needle)
{
    json_t *errors = json_object_get(r->json, "errors");
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e) {
        const char *f = json_string_value(json_object_get(e, "field"));
        const char *m = json_string_value(json_object_get(e, "message"));
        json_t *rw = json_object_get(e, "row");
        if (!f || strcmp(f, field) != 0)
            continue;
        if (row > 0 && (!json_is_integer(rw) || json_integer_value(rw) != row))
            continue;
        if (needle && (!m || !strstr(m, needle)))
            continue;
        return;
    }
    fail_msg("no error for field '%s' row %ld containing '%s': %s", field, row, needle ? needle : "", r->body);
}

/* Number of errors[] entries. */
static inline size_t fx_error_count(const t_resp *r)
{
    return json_array_size(json_object_get(r->json, "errors"));
}

/* An items[] entry's integer field, by index. */
static inline long long fx_item_int(const t_resp *r, size_t index, const char *key)
{
    json_t *items = json_object_get(r->json, "items");
    if (index >= json_array_size(items))
        fail_msg("no item %zu: %s", index, r->body);
    return t_json_int(json_array_get(items, index), key);
}

static inline size_t fx_discard(char *data, size_t size, size_t n, void *userp)
{
    (void)data;
    (void)userp;
    return size * n;
}

/* Sends the same POST twice at once (curl multi: both in flight together)
 * and returns both statuses. */
static inline void fx_post_twice(const char *path, const char *token, const char *content_type, const char *body,
                                 long status[2])
{
    char url[512], auth[256], ctype[128];
    snprintf(url, sizeof url, "%s%s", t_url(), path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    snprintf(ctype, sizeof ctype, "Content-Type: %s", content_type);
    struct curl_slist *hdrs = curl_slist_append(NULL, auth);
    hdrs = curl_slist_append(hdrs, ctype);
    hdrs = curl_slist_append(hdrs, "Expect:");
    CURLM *m = curl_multi_init();
    CURL *c[2];
    for (int i = 0; i < 2; i++) {
        c[i] = curl_easy_init();
        curl_easy_setopt(c[i], CURLOPT_URL, url);
        curl_easy_setopt(c[i], CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c[i], CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(c[i], CURLOPT_WRITEFUNCTION, fx_discard);
        curl_easy_setopt(c[i], CURLOPT_TIMEOUT, 60L);
        curl_multi_add_handle(m, c[i]);
    }
    int running = 1;
    while (running) {
        assert_int_equal(curl_multi_perform(m, &running), CURLM_OK);
        if (running)
            curl_multi_poll(m, NULL, 0, 1000, NULL);
    }
    for (int i = 0; i < 2; i++) {
        curl_easy_getinfo(c[i], CURLINFO_RESPONSE_CODE, &status[i]);
        curl_multi_remove_handle(m, c[i]);
        curl_easy_cleanup(c[i]);
    }
    curl_multi_cleanup(m);
    curl_slist_free_all(hdrs);
}

#endif
