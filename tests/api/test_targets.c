/* /campaigns/{id}/targets: the 2025 plan of targets.md as data, kept in
 * the order defined; every combination of metric, params, comparator and
 * threshold that does not fit is refused naming the field; codes unique per
 * campaign; roles; audit. */
#include "client.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *admin;
static char agency_code[64];
static long long agency, campaign;
static char targets_path[96];

static long long make_campaign(const char *code)
{
    char body[512];
    snprintf(body, sizeof body, "{\"agency_id\":%lld,\"year\":2025,\"code\":\"%s\",\"name\":\"Năm 2025\","
             "\"starts_on\":\"2025-01-01\",\"ends_on\":\"2025-12-31\",\"closes_on\":\"2026-06-30\"}", agency, code);
    t_resp *r = t_post("/api/v1/campaigns", admin, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

/* The 2025 plan (targets.md), in its order. */
static const struct {
    const char *code, *json;
} plan[] = {
    {"tasks_completed", "\"metric\":\"task_completion\",\"comparator\":\"ge\",\"threshold\":100"},
    {"study_coverage", "\"metric\":\"study_coverage\",\"params\":{},\"comparator\":\"gt\",\"threshold\":98"},
    {"units_advanced", "\"metric\":\"unit_title_share\",\"params\":{\"title\":\"TTLDTT\"},\"comparator\":\"ge\",\"threshold\":100"},
    {"units_excellent", "\"metric\":\"unit_title_count\",\"params\":{\"title\":\"TTLDXS\"},\"comparator\":\"ge\",\"threshold\":2"},
    {"staff_advanced", "\"metric\":\"staff_title_share\",\"params\":{\"title\":\"LDTT\",\"base\":\"active_staff\"},"
                       "\"comparator\":\"ge\",\"threshold\":80"},
    {"staff_emulation_fighters", "\"metric\":\"staff_title_share\",\"params\":{\"title\":\"CSTDCS\",\"base\":\"LDTT\"},"
                                 "\"comparator\":\"ge\",\"threshold\":20"},
    {"agency_rating", "\"metric\":\"rating\",\"params\":{\"subject\":\"agency\"},\"comparator\":\"ge\",\"threshold\":\"HTTNV\""},
    {"par_index_rank", "\"metric\":\"index_rank\",\"params\":{\"index\":\"par_index\"},\"comparator\":\"le\",\"threshold\":null"},
    {"dti_rank", "\"metric\":\"index_rank\",\"params\":{\"index\":\"dti\"},\"comparator\":\"le\""},
    {"party_union_rating", "\"metric\":\"ratings_all\",\"params\":{\"kinds\":[\"party\",\"union\"]},\"comparator\":\"ge\","
                           "\"threshold\":\"HTTNV\""},
    {"security_standard", "\"metric\":\"certification\",\"params\":{\"kind\":\"security_order\"},\"comparator\":\"eq\","
                          "\"threshold\":true"},
    {"good_learning_unit", "\"metric\":\"certification\",\"params\":{\"kind\":\"good_learning_unit\"},\"comparator\":\"eq\","
                           "\"threshold\":true"},
};

static t_resp *post_target(const char *path, const char *token, const char *code, const char *json)
{
    char body[1024];
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"name\":\"Chỉ tiêu %s\",%s}", code, code, json);
    return t_post(path, token, body);
}

static void the_2025_plan_in_order(void **state)
{
    (void)state;
    size_t n = sizeof plan / sizeof plan[0];
    for (size_t i = 0; i < n; i++) {
        t_resp *r = post_target(targets_path, admin, plan[i].code, plan[i].json);
        t_assert_status(r, 201);
        assert_int_equal(t_json_int(r->json, "position"), (long long)i + 1);
        const char *loc = t_header(r, "Location");
        assert_non_null(loc);
        char want[160];
        snprintf(want, sizeof want, "/api/v1/targets/%lld", t_json_int(r->json, "id"));
        assert_string_equal(loc, want);
        t_free(r);
        r = t_get(want, admin);
        t_assert_status(r, 200);
        assert_string_equal(t_json_str(r->json, "code"), plan[i].code);
        assert_int_equal(t_json_int(r->json, "campaign_id"), campaign);
        t_free(r);
    }
    t_resp *r = t_get(targets_path, admin);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), (long long)n);
    json_t *items = json_object_get(r->json, "items");
    for (size_t i = 0; i < n; i++)
        assert_string_equal(t_json_str(json_array_get(items, i), "code"), plan[i].code);
    json_t *t = json_array_get(items, 1);
    assert_string_equal(t_json_str(t, "metric"), "study_coverage");
    assert_string_equal(t_json_str(t, "comparator"), "gt");
    assert_int_equal(json_integer_value(json_object_get(t, "threshold")), 98);
    assert_int_equal(json_object_size(json_object_get(t, "params")), 0);
    t = json_array_get(items, 0);
    assert_int_equal(json_object_size(json_object_get(t, "params")), 0);
    t = json_array_get(items, 5);
    assert_string_equal(t_json_str(json_object_get(t, "params"), "title"), "CSTDCS");
    assert_string_equal(t_json_str(json_object_get(t, "params"), "base"), "LDTT");
    assert_string_equal(t_json_str(json_array_get(items, 6), "threshold"), "HTTNV");
    assert_true(json_is_null(json_object_get(json_array_get(items, 7), "threshold")));
    assert_true(json_is_null(json_object_get(json_array_get(items, 8), "threshold")));
    assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(json_array_get(items, 9), "params"),
                                                                         "kinds"), 1)), "union");
    assert_true(json_is_true(json_object_get(json_array_get(items, 10), "threshold")));
    t_free(r);
    /* Paging keeps the order. */
    r = t_getf(admin, "%s?limit=3&offset=3", targets_path);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(json_array_get(json_object_get(r->json, "items"), 0), "code"), "units_excellent");
    t_free(r);
    r = t_get("/api/v1/targets/999999999", admin);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

static void other_readings_and_subjects_fit(void **state)
{
    (void)state;
    long long c = make_campaign("OTHER");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/targets", c);
    static const char *const ok[] = {
        /* 20 % of all staff rather than of those with LDTT */
        "\"metric\":\"staff_title_share\",\"params\":{\"title\":\"CSTDCS\",\"base\":\"active_staff\"},\"comparator\":\"gt\",\"threshold\":20.5",
        "\"metric\":\"staff_title_share\",\"params\":{\"title\":\"CSTD_TOAN_QUOC\",\"base\":\"CSTD_TINH\"},\"comparator\":\"ge\",\"threshold\":0",
        "\"metric\":\"rating\",\"params\":{\"subject\":\"TD1\"},\"comparator\":\"ge\",\"threshold\":\"HTXSNV\"",
        "\"metric\":\"ratings_all\",\"params\":{\"kinds\":[\"division\",\"affiliated\",\"party\",\"union\"]},\"comparator\":\"ge\",\"threshold\":\"HTNV\"",
        "\"metric\":\"unit_title_count\",\"params\":{\"title\":\"TTLDTT\"},\"comparator\":\"gt\",\"threshold\":0",
        "\"metric\":\"certification\",\"params\":{\"kind\":\"good_learning_unit\"},\"comparator\":\"eq\",\"threshold\":false",
        "\"metric\":\"task_completion\",\"params\":null,\"comparator\":\"gt\",\"threshold\":99.5",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char code[16];
        snprintf(code, sizeof code, "ok%zu", i);
        t_resp *r = post_target(path, admin, code, ok[i]);
        t_assert_status(r, 201);
        t_free(r);
    }
}

static void misfits_name_the_field(void **state)
{
    (void)state;
    long long c = make_campaign("MISFIT");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/targets", c);
    static const struct {
        const char *json, *field;
    } bad[] = {
        {"\"metric\":\"study_coverage\",\"comparator\":\"gt\",\"threshold\":101", "threshold"},
        {"\"metric\":\"study_coverage\",\"comparator\":\"gt\",\"threshold\":-1", "threshold"},
        {"\"metric\":\"study_coverage\",\"comparator\":\"gt\",\"threshold\":\"98\"", "threshold"},
        {"\"metric\":\"study_coverage\",\"comparator\":\"gt\"", "threshold"},
        {"\"metric\":\"study_coverage\",\"comparator\":\"le\",\"threshold\":98", "comparator"},
        {"\"metric\":\"study_coverage\",\"comparator\":\"eq\",\"threshold\":98", "comparator"},
        {"\"metric\":\"task_completion\",\"params\":{\"title\":\"LDTT\"},\"comparator\":\"ge\",\"threshold\":100", "params"},
        {"\"metric\":\"task_completion\",\"params\":[1],\"comparator\":\"ge\",\"threshold\":100", "params"},
        {"\"metric\":\"unit_title_count\",\"params\":{\"title\":\"TTLDXS\"},\"comparator\":\"ge\",\"threshold\":2.5", "threshold"},
        {"\"metric\":\"unit_title_count\",\"params\":{\"title\":\"TTLDXS\"},\"comparator\":\"ge\",\"threshold\":-2", "threshold"},
        {"\"metric\":\"unit_title_count\",\"params\":{\"title\":\"LDTT\"},\"comparator\":\"ge\",\"threshold\":2", "params"},
        {"\"metric\":\"unit_title_count\",\"comparator\":\"ge\",\"threshold\":2", "params"},
        {"\"metric\":\"unit_title_share\",\"params\":{\"title\":\"CSTDCS\"},\"comparator\":\"ge\",\"threshold\":100", "params"},
        {"\"metric\":\"staff_title_share\",\"params\":{\"title\":\"CSTDCS\",\"base\":\"CSTD_TINH\"},\"comparator\":\"ge\",\"threshold\":20", "params"},
        {"\"metric\":\"staff_title_share\",\"params\":{\"title\":\"CSTDCS\",\"base\":\"CSTDCS\"},\"comparator\":\"ge\",\"threshold\":20", "params"},
        {"\"metric\":\"staff_title_share\",\"params\":{\"title\":\"CSTDCS\"},\"comparator\":\"ge\",\"threshold\":20", "params"},
        {"\"metric\":\"staff_title_share\",\"params\":{\"title\":\"TTLDTT\",\"base\":\"active_staff\"},\"comparator\":\"ge\",\"threshold\":20", "params"},
        {"\"metric\":\"staff_title_share\",\"params\":{\"title\":\"LDTT\",\"base\":\"active_staff\",\"unit\":\"X\"},\"comparator\":\"ge\",\"threshold\":20", "params"},
        {"\"metric\":\"rating\",\"params\":{\"subject\":\"NO_SUCH_UNIT\"},\"comparator\":\"ge\",\"threshold\":\"HTTNV\"", "params"},
        {"\"metric\":\"rating\",\"params\":{\"subject\":\"agency\"},\"comparator\":\"ge\",\"threshold\":\"GOOD\"", "threshold"},
        {"\"metric\":\"rating\",\"params\":{\"subject\":\"agency\"},\"comparator\":\"ge\",\"threshold\":3", "threshold"},
        {"\"metric\":\"rating\",\"params\":{\"subject\":\"agency\"},\"comparator\":\"gt\",\"threshold\":\"HTTNV\"", "comparator"},
        {"\"metric\":\"ratings_all\",\"params\":{\"kinds\":[]},\"comparator\":\"ge\",\"threshold\":\"HTTNV\"", "params"},
        {"\"metric\":\"ratings_all\",\"params\":{\"kinds\":[\"agency\"]},\"comparator\":\"ge\",\"threshold\":\"HTTNV\"", "params"},
        {"\"metric\":\"ratings_all\",\"params\":{\"kinds\":\"party\"},\"comparator\":\"ge\",\"threshold\":\"HTTNV\"", "params"},
        {"\"metric\":\"ratings_all\",\"params\":{\"kinds\":[\"party\",\"party\"]},\"comparator\":\"ge\",\"threshold\":\"HTTNV\"", "params"},
        {"\"metric\":\"ratings_all\",\"params\":{\"kinds\":[\"party\"]},\"comparator\":\"ge\",\"threshold\":true", "threshold"},
        {"\"metric\":\"index_rank\",\"params\":{\"index\":\"par_index\"},\"comparator\":\"le\",\"threshold\":5", "threshold"},
        {"\"metric\":\"index_rank\",\"params\":{\"index\":\"par_index\"},\"comparator\":\"ge\",\"threshold\":null", "comparator"},
        {"\"metric\":\"index_rank\",\"params\":{\"index\":\"pci\"},\"comparator\":\"le\",\"threshold\":null", "params"},
        {"\"metric\":\"certification\",\"params\":{\"kind\":\"security_order\"},\"comparator\":\"eq\",\"threshold\":\"true\"", "threshold"},
        {"\"metric\":\"certification\",\"params\":{\"kind\":\"security_order\"},\"comparator\":\"ge\",\"threshold\":true", "comparator"},
        {"\"metric\":\"certification\",\"params\":{\"kind\":\"fire_safety\"},\"comparator\":\"eq\",\"threshold\":true", "params"},
        {"\"metric\":\"happiness\",\"comparator\":\"ge\",\"threshold\":1", "metric"},
        {"\"metric\":\"study_coverage\",\"comparator\":\"ne\",\"threshold\":1", "comparator"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char code[16];
        snprintf(code, sizeof code, "bad%zu", i);
        t_resp *r = post_target(path, admin, code, bad[i].json);
        if (r->status != 422)
            fail_msg("case %zu (%s): expected 422, got %ld %s", i, bad[i].json, r->status, r->body);
        t_assert_problem(r, 422, bad[i].field);
        t_free(r);
    }
    t_resp *r = t_post(path, admin, "{\"name\":\"x\",\"metric\":\"study_coverage\",\"comparator\":\"gt\",\"threshold\":98}");
    t_assert_problem(r, 422, "code");
    t_free(r);
    r = t_get(path, admin);
    assert_int_equal(t_json_int(r->json, "total"), 0);
    t_free(r);
}

static void duplicate_code_and_missing_campaign(void **state)
{
    (void)state;
    long long c = make_campaign("DUPS");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/targets", c);
    const char *json = "\"metric\":\"study_coverage\",\"comparator\":\"gt\",\"threshold\":98";
    t_resp *r = post_target(path, admin, "study", json);
    t_assert_status(r, 201);
    t_free(r);
    r = post_target(path, admin, "study", json);
    t_assert_problem(r, 409, "code");
    t_free(r);
    /* The next one still takes the next position. */
    r = post_target(path, admin, "study2", json);
    t_assert_status(r, 201);
    assert_int_equal(t_json_int(r->json, "position"), 2);
    t_free(r);
    r = post_target("/api/v1/campaigns/999999999/targets", admin, "x", json);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/campaigns/999999999/targets", admin);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

static void only_office_writes_and_audit(void **state)
{
    (void)state;
    long long c = make_campaign("ROLES");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/targets", c);
    const char *json = "\"metric\":\"study_coverage\",\"comparator\":\"gt\",\"threshold\":98";
    static const char *const roles[] = {"viewer", "council", "director", "unit_head"};
    for (size_t i = 0; i < 4; i++) {
        char name[64];
        snprintf(name, sizeof name, "ttarget_%s", roles[i]);
        bool head = strcmp(roles[i], "unit_head") == 0;
        char *tok = t_user(name, roles[i], head ? "TD1" : NULL, agency_code);
        t_resp *r = post_target(path, tok, "x", json);
        t_assert_problem(r, 403, NULL);
        t_free(r);
        r = t_get(path, tok);
        t_assert_status(r, 200);
        t_free(r);
        free(tok);
    }
    char *office = t_user("ttarget_office", "office", NULL, agency_code);
    t_resp *r = post_target(path, office, "by_office", json);
    t_assert_status(r, 201);
    char id[32];
    snprintf(id, sizeof id, "%lld", t_json_int(r->json, "id"));
    t_free(r);
    free(office);
    const char *p[] = {id};
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE entity = 'targets' AND entity_id = $1::bigint"
                               " AND action = 'insert' AND user_id = (SELECT id FROM users WHERE username = 'ttarget_office')",
                               1, p), 1);
}

int main(void)
{
    t_init();
    admin = t_user("ttarget_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "TGT", agency_code, sizeof agency_code);
    char body[256];
    snprintf(body, sizeof body, "{\"code\":\"TD1\",\"name\":\"Phòng 1\",\"kind\":\"division\",\"parent_id\":%lld}", agency);
    t_resp *r = t_post("/api/v1/units", admin, body);
    t_assert_status(r, 201);
    t_free(r);
    campaign = make_campaign("TD2025");
    snprintf(targets_path, sizeof targets_path, "/api/v1/campaigns/%lld/targets", campaign);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_2025_plan_in_order),
        cmocka_unit_test(other_readings_and_subjects_fit),
        cmocka_unit_test(misfits_name_the_field),
        cmocka_unit_test(duplicate_code_and_missing_campaign),
        cmocka_unit_test(only_office_writes_and_audit),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    return rc;
}
