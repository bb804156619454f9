/* /campaigns: create with closes_on defaulting to ends_on, the date rules
 * on create and on PATCH (also against facts already recorded), the
 * agency must be an agency, code unique per agency, roles, audit. */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *admin;
static char agency_code[64], other_code[64];
static long long agency, other_agency, division;

static t_resp *create(const char *code, const char *extra)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"agency_id\":%lld,\"year\":2025,\"code\":\"%s\",\"name\":\"Phong trào thi đua năm 2025\","
             "\"starts_on\":\"2025-01-01\",\"ends_on\":\"2025-12-31\"%s}", agency, code, extra);
    return t_post("/api/v1/campaigns", admin, body);
}

static long long create_id(const char *code, const char *extra)
{
    t_resp *r = create(code, extra);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

static void create_defaults_closes_on(void **state)
{
    (void)state;
    t_resp *r = create("TD2025", ",\"theme\":\"Đoàn kết, sáng tạo\",\"plan_number\":\"12/KH-SNV\"");
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/campaigns/%lld", id);
    assert_string_equal(t_header(r, "Location"), loc);
    assert_string_equal(t_json_str(r->json, "closes_on"), "2025-12-31");
    t_free(r);
    r = t_get(loc, admin);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "agency_id"), agency);
    assert_int_equal(t_json_int(r->json, "year"), 2025);
    assert_string_equal(t_json_str(r->json, "code"), "TD2025");
    assert_string_equal(t_json_str(r->json, "name"), "Phong trào thi đua năm 2025");
    assert_string_equal(t_json_str(r->json, "theme"), "Đoàn kết, sáng tạo");
    assert_string_equal(t_json_str(r->json, "plan_number"), "12/KH-SNV");
    assert_string_equal(t_json_str(r->json, "starts_on"), "2025-01-01");
    assert_string_equal(t_json_str(r->json, "ends_on"), "2025-12-31");
    assert_string_equal(t_json_str(r->json, "closes_on"), "2025-12-31");
    t_free(r);
    r = create("TD2025B", ",\"closes_on\":null");
    t_assert_status(r, 201);
    assert_string_equal(t_json_str(r->json, "closes_on"), "2025-12-31");
    t_free(r);
    r = create("TD2025C", ",\"closes_on\":\"2026-06-30\"");
    t_assert_status(r, 201);
    assert_string_equal(t_json_str(r->json, "closes_on"), "2026-06-30");
    t_free(r);
    char uid[32];
    snprintf(uid, sizeof uid, "%lld", id);
    const char *p[] = {uid};
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE entity = 'campaigns' AND entity_id = $1::bigint"
                               " AND action = 'insert' AND user_id = (SELECT id FROM users WHERE username = 'tcamp_admin')",
                               1, p), 1);
}

static void list_filters(void **state)
{
    (void)state;
    char body[512];
    snprintf(body, sizeof body, "{\"agency_id\":%lld,\"year\":2024,\"code\":\"TD2024\",\"name\":\"Năm 2024\","
             "\"starts_on\":\"2024-01-01\",\"ends_on\":\"2024-12-31\"}", agency);
    t_resp *r = t_post("/api/v1/campaigns", admin, body);
    t_assert_status(r, 201);
    t_free(r);
    r = t_getf(admin, "/api/v1/campaigns?agency_id=%lld", agency);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 4);
    /* Newest year first. */
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(t_json_int(json_array_get(items, 0), "year"), 2025);
    assert_int_equal(t_json_int(json_array_get(items, 3), "year"), 2024);
    t_free(r);
    r = t_getf(admin, "/api/v1/campaigns?agency_id=%lld&year=2024", agency);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 1);
    assert_string_equal(t_json_str(json_array_get(json_object_get(r->json, "items"), 0), "code"), "TD2024");
    t_free(r);
    r = t_get("/api/v1/campaigns?year=abc", admin);
    t_assert_problem(r, 400, "year");
    t_free(r);
    r = t_get("/api/v1/campaigns/999999999", admin);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

static void validation_names_the_field(void **state)
{
    (void)state;
    t_resp *r = create("V1", ",\"closes_on\":\"2025-12-30\"");
    t_assert_problem(r, 422, "closes_on");
    t_free(r);
    char body[512];
    snprintf(body, sizeof body, "{\"agency_id\":%lld,\"year\":2025,\"code\":\"V2\",\"name\":\"X\","
             "\"starts_on\":\"2025-06-01\",\"ends_on\":\"2025-05-31\"}", agency);
    r = t_post("/api/v1/campaigns", admin, body);
    t_assert_problem(r, 422, "ends_on");
    t_free(r);
    static const struct {
        const char *json, *field;
    } cases[] = {
        {"{\"agency_id\":%lld,\"year\":1999,\"code\":\"V3\",\"name\":\"X\",\"starts_on\":\"2025-01-01\",\"ends_on\":\"2025-12-31\"}", "year"},
        {"{\"agency_id\":%lld,\"year\":2025,\"code\":\"V 4\",\"name\":\"X\",\"starts_on\":\"2025-01-01\",\"ends_on\":\"2025-12-31\"}", "code"},
        {"{\"agency_id\":%lld,\"year\":2025,\"code\":\"V5\",\"starts_on\":\"2025-01-01\",\"ends_on\":\"2025-12-31\"}", "name"},
        {"{\"agency_id\":%lld,\"year\":2025,\"code\":\"V6\",\"name\":\"X\",\"starts_on\":\"2025-13-01\",\"ends_on\":\"2025-12-31\"}", "starts_on"},
        {"{\"agency_id\":%lld,\"year\":2025,\"code\":\"V7\",\"name\":\"X\",\"starts_on\":\"2025-01-01\",\"ends_on\":\"2025-12-31\",\"closes_on\":\"soon\"}", "closes_on"},
        {"{\"agency_id\":%lld,\"year\":2025,\"code\":\"V8\",\"name\":\"X\",\"starts_on\":\"2025-01-01\",\"ends_on\":\"2025-12-31\",\"final\":true}", "final"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(body, sizeof body, cases[i].json, agency);
        r = t_post("/api/v1/campaigns", admin, body);
        t_assert_problem(r, 422, cases[i].field);
        t_free(r);
    }
    /* The agency must be a unit of kind agency. */
    static const char tmpl[] = "{\"agency_id\":%lld,\"year\":2025,\"code\":\"V9\",\"name\":\"X\","
                               "\"starts_on\":\"2025-01-01\",\"ends_on\":\"2025-12-31\"}";
    snprintf(body, sizeof body, tmpl, division);
    r = t_post("/api/v1/campaigns", admin, body);
    t_assert_problem(r, 422, "agency_id");
    t_free(r);
    snprintf(body, sizeof body, tmpl, 999999999LL);
    r = t_post("/api/v1/campaigns", admin, body);
    t_assert_problem(r, 422, "agency_id");
    t_free(r);
}

static void code_unique_per_agency(void **state)
{
    (void)state;
    create_id("DUP", "");
    t_resp *r = create("DUP", "");
    t_assert_problem(r, 409, "code");
    t_free(r);
    char body[512];
    snprintf(body, sizeof body, "{\"agency_id\":%lld,\"year\":2025,\"code\":\"DUP\",\"name\":\"X\","
             "\"starts_on\":\"2025-01-01\",\"ends_on\":\"2025-12-31\"}", other_agency);
    r = t_post("/api/v1/campaigns", admin, body);
    t_assert_status(r, 201);
    t_free(r);
}

static void patch_dates(void **state)
{
    (void)state;
    long long id = create_id("PAT", "");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld", id);
    t_resp *r = t_patch(path, admin, "{\"closes_on\":\"2026-06-30\",\"name\":\"Năm 2025 (sửa)\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "closes_on"), "2026-06-30");
    assert_string_equal(t_json_str(r->json, "name"), "Năm 2025 (sửa)");
    assert_string_equal(t_json_str(r->json, "ends_on"), "2025-12-31");
    t_free(r);
    r = t_patch(path, admin, "{\"ends_on\":\"2026-07-31\"}");
    t_assert_problem(r, 422, "closes_on");
    t_free(r);
    r = t_patch(path, admin, "{\"ends_on\":\"2024-12-31\"}");
    t_assert_problem(r, 422, "ends_on");
    t_free(r);
    r = t_patch(path, admin, "{\"closes_on\":\"2025-12-30\"}");
    t_assert_problem(r, 422, "closes_on");
    t_free(r);
    /* null brings closes_on back to ends_on. */
    r = t_patch(path, admin, "{\"closes_on\":null}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "closes_on"), "2025-12-31");
    t_free(r);
    r = t_patch(path, admin, "{\"ends_on\":\"2025-11-30\",\"closes_on\":\"2026-01-31\"}");
    t_assert_status(r, 200);
    t_free(r);
    char body[64];
    snprintf(body, sizeof body, "{\"agency_id\":%lld}", other_agency);
    r = t_patch(path, admin, body);
    t_assert_problem(r, 422, "agency_id");
    t_free(r);
    r = t_patch("/api/v1/campaigns/999999999", admin, "{\"name\":\"X\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get(path, admin);
    assert_string_equal(t_json_str(r->json, "ends_on"), "2025-11-30");
    assert_string_equal(t_json_str(r->json, "closes_on"), "2026-01-31");
    assert_int_equal(t_json_int(r->json, "agency_id"), agency);
    t_free(r);
}

static void patch_keeps_recorded_facts_inside(void **state)
{
    (void)state;
    long long id = create_id("FACTS", ",\"closes_on\":\"2026-06-30\"");
    char sid[32], path[64];
    snprintf(sid, sizeof sid, "%lld", id);
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld", id);
    const char *p[] = {sid};
    t_sql("WITH t AS (INSERT INTO study_topics (campaign_id, code, title) VALUES ($1::bigint, 'NQ', 'Nghị quyết')"
          " RETURNING id) INSERT INTO study_sessions (campaign_id, topic_id, held_on) SELECT $1::bigint, id, '2025-03-10' FROM t",
          1, p);
    t_sql("INSERT INTO tasks (campaign_id, title, due_on) VALUES ($1::bigint, 'Báo cáo', '2025-11-30')", 1, p);
    t_sql("INSERT INTO certifications (campaign_id, kind, achieved, decided_on) VALUES ($1::bigint, 'security_order',"
          " true, '2026-02-15')", 1, p);
    t_resp *r = t_patch(path, admin, "{\"starts_on\":\"2025-04-01\"}");
    t_assert_problem(r, 422, "starts_on");
    t_free(r);
    r = t_patch(path, admin, "{\"ends_on\":\"2025-10-31\"}");
    t_assert_problem(r, 422, "ends_on");
    t_free(r);
    r = t_patch(path, admin, "{\"closes_on\":\"2026-01-31\"}");
    t_assert_problem(r, 422, "closes_on");
    t_free(r);
    r = t_patch(path, admin, "{\"starts_on\":\"2025-03-10\",\"ends_on\":\"2025-11-30\",\"closes_on\":\"2026-02-15\"}");
    t_assert_status(r, 200);
    t_free(r);
    char *upd = t_sql("SELECT count(*)::text FROM audit_log WHERE entity = 'campaigns' AND entity_id = $1::bigint"
                      " AND action = 'update' AND user_id IS NOT NULL", 1, p);
    assert_string_equal(upd, "1");
    free(upd);
}

static void only_office_writes(void **state)
{
    (void)state;
    long long id = create_id("ROLE", "");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld", id);
    static const char *const roles[] = {"viewer", "council", "director", "unit_head"};
    for (size_t i = 0; i < 4; i++) {
        char name[64];
        snprintf(name, sizeof name, "tcamp_%s", roles[i]);
        char *tok = t_user(name, roles[i], strcmp(roles[i], "unit_head") == 0 ? "CD1" : NULL, agency_code);
        char body[512];
        snprintf(body, sizeof body, "{\"agency_id\":%lld,\"year\":2025,\"code\":\"R%zu\",\"name\":\"X\","
                 "\"starts_on\":\"2025-01-01\",\"ends_on\":\"2025-12-31\"}", agency, i);
        t_resp *r = t_post("/api/v1/campaigns", tok, body);
        t_assert_problem(r, 403, NULL);
        t_free(r);
        r = t_patch(path, tok, "{\"name\":\"Y\"}");
        t_assert_problem(r, 403, NULL);
        t_free(r);
        r = t_get(path, tok);
        t_assert_status(r, 200);
        t_free(r);
        free(tok);
    }
    char *office = t_user("tcamp_office", "office", NULL, agency_code);
    t_resp *r = t_patch(path, office, "{\"plan_number\":\"99/KH\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "plan_number"), "99/KH");
    t_free(r);
    free(office);
}

int main(void)
{
    t_init();
    admin = t_user("tcamp_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "CMP", agency_code, sizeof agency_code);
    other_agency = t_make_agency(admin, "CMO", other_code, sizeof other_code);
    char body[256];
    snprintf(body, sizeof body, "{\"code\":\"CD1\",\"name\":\"Phòng 1\",\"kind\":\"division\",\"parent_id\":%lld}", agency);
    t_resp *r = t_post("/api/v1/units", admin, body);
    t_assert_status(r, 201);
    division = t_json_int(r->json, "id");
    t_free(r);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_defaults_closes_on),
        cmocka_unit_test(list_filters),
        cmocka_unit_test(validation_names_the_field),
        cmocka_unit_test(code_unique_per_agency),
        cmocka_unit_test(patch_dates),
        cmocka_unit_test(patch_keeps_recorded_facts_inside),
        cmocka_unit_test(only_office_writes),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    return rc;
}
