/* Staff leader_level (awards.md, "Fairness"): none by default, set and
 * changed through the API, and through the staff import's optional
 * column (empty = none; a file without the column keeps what is stored). */
#include "client.h"
#include "facts_fixture.h"

static char *admin, *office;
static long long agency, unit;
static char agency_code[64];

static void api(void **state)
{
    (void)state;
    char body[512];
    snprintf(body, sizeof body,
             "{\"code\":\"LD1\",\"full_name\":\"Nguyễn Văn Lãnh\",\"unit_id\":%lld,\"category\":\"cong_chuc\","
             "\"joined_on\":\"2020-01-01\"}",
             unit);
    t_resp *r = t_post("/api/v1/staff", office, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    assert_string_equal(t_json_str(r->json, "leader_level"), "none");
    t_free(r);
    snprintf(body, sizeof body,
             "{\"code\":\"LD2\",\"full_name\":\"Trần Thị Đạo\",\"unit_id\":%lld,\"category\":\"cong_chuc\","
             "\"joined_on\":\"2020-01-01\",\"leader_level\":\"agency\"}",
             unit);
    r = t_post("/api/v1/staff", office, body);
    t_assert_status(r, 201);
    assert_string_equal(t_json_str(r->json, "leader_level"), "agency");
    t_free(r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/staff/%lld", id);
    r = t_patch(path, office, "{\"leader_level\":\"unit\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "leader_level"), "unit");
    t_free(r);
    r = t_patch(path, office, "{\"full_name\":\"Nguyễn Văn Lãnh Đạo\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "leader_level"), "unit");
    t_free(r);
    r = t_patch(path, office, "{\"leader_level\":\"boss\"}");
    t_assert_problem(r, 422, "leader_level");
    t_free(r);
    r = t_get(path, office);
    assert_string_equal(t_json_str(r->json, "leader_level"), "unit");
    t_free(r);
}

static void import(void **state)
{
    (void)state;
    char path[128], csv[512];
    snprintf(path, sizeof path, "/api/v1/staff/import?agency_id=%lld", agency);
    snprintf(csv, sizeof csv,
             "code,full_name,unit_code,category,joined_on,left_on,leader_level\n"
             "LI1,Lê Văn Một,D1,cong_chuc,2020-01-01,,unit\n"
             "LI2,Lê Văn Hai,D1,cong_chuc,2020-01-01,,\n"
             "LI3,Lê Văn Ba,D1,cong_chuc,2020-01-01,,agency\n");
    t_resp *r = fx_csv(path, office, csv);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "created"), 3);
    t_free(r);
    const char *const sql = "SELECT string_agg(code || '=' || leader_level, ',' ORDER BY code) FROM staff"
                            " WHERE agency_id = $1 AND code LIKE 'LI%'";
    char a[32];
    snprintf(a, sizeof a, "%lld", agency);
    const char *p[] = {a};
    char *levels = t_sql(sql, 1, p);
    assert_string_equal(levels, "LI1=unit,LI2=none,LI3=agency");
    free(levels);
    /* Without the column, what is stored stays; a change of it is written. */
    snprintf(csv, sizeof csv,
             "code,full_name,unit_code,category,joined_on,left_on\n"
             "LI1,Lê Văn Một,D1,cong_chuc,2020-01-01,\n"
             "LI4,Lê Văn Bốn,D1,cong_chuc,2020-01-01,\n");
    r = fx_csv(path, office, csv);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "created"), 1);
    t_free(r);
    snprintf(csv, sizeof csv,
             "leader_level,code,full_name,unit_code,category,joined_on,left_on\n"
             ",LI3,Lê Văn Ba,D1,cong_chuc,2020-01-01,\n");
    r = fx_csv(path, office, csv);
    t_assert_status(r, 200);
    t_free(r);
    levels = t_sql(sql, 1, p);
    assert_string_equal(levels, "LI1=unit,LI2=none,LI3=none,LI4=none");
    free(levels);
    assert_int_equal(fx_count("SELECT count(*) FROM audit_log a JOIN staff s ON s.id = a.entity_id"
                              " WHERE a.entity = 'staff' AND a.action = 'update' AND s.agency_id = $1 AND s.code LIKE 'LI%'",
                              agency),
                     1);
    /* A bad value names its row; another unknown column is still refused. */
    snprintf(csv, sizeof csv,
             "code,full_name,unit_code,category,joined_on,left_on,leader_level\n"
             "LI5,Lê Văn Năm,D1,cong_chuc,2020-01-01,,boss\n");
    r = fx_csv(path, office, csv);
    t_assert_problem(r, 422, "leader_level");
    fx_assert_error(r, "leader_level", 1, NULL);
    t_free(r);
    snprintf(csv, sizeof csv,
             "code,full_name,unit_code,category,joined_on,left_on,leader_level,rank\n"
             "LI5,Lê Văn Năm,D1,cong_chuc,2020-01-01,,unit,1\n");
    r = fx_csv(path, office, csv);
    t_assert_problem(r, 422, "rank");
    t_free(r);
}

int main(void)
{
    t_init();
    admin = t_user("leader_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "LDR", agency_code, sizeof agency_code);
    unit = fx_unit(admin, agency, "D1", "division", NULL);
    office = t_user("leader_office", "office", NULL, agency_code);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(api),
        cmocka_unit_test(import),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    return rc;
}
