/* Holidays and make-up working days: the installation's one calendar;
 * an admin writes, every role reads; one row per date; filters by year,
 * range and kind; audited. The dates are in 2097 and 2098, which no other
 * program uses. */
#include "client.h"
#include "facts_fixture.h"

static char *admin, *office, *viewer;

static t_resp *post(const char *token, const char *body)
{
    return t_post("/api/v1/holidays", token, body);
}

static void create_list_get(void **state)
{
    (void)state;
    t_resp *r = post(admin, "{\"date\":\"2097-01-01\",\"name\":\"Tết Dương lịch\",\"kind\":\"holiday\"}");
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    assert_string_equal(t_json_str(r->json, "date"), "2097-01-01");
    assert_string_equal(t_json_str(r->json, "name"), "Tết Dương lịch");
    assert_string_equal(t_json_str(r->json, "kind"), "holiday");
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/holidays/%lld", id);
    assert_string_equal(t_header(r, "Location"), loc);
    t_free(r);
    r = post(admin, "{\"date\":\"2097-02-16\",\"name\":\"Làm bù cho ngày nghỉ Tết\",\"kind\":\"working_day\"}");
    t_assert_status(r, 201);
    t_free(r);
    r = post(admin, "{\"date\":\"2098-04-30\",\"name\":\"Ngày Giải phóng miền Nam\",\"kind\":\"holiday\"}");
    t_assert_status(r, 201);
    t_free(r);
    assert_int_equal(fx_count("SELECT count(*) FROM audit_log WHERE entity = 'holidays' AND entity_id = $1"
                              " AND action = 'insert'",
                              id),
                     1);

    /* Every role reads. */
    r = t_getf(viewer, "/api/v1/holidays/%lld", id);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "date"), "2097-01-01");
    t_free(r);
    r = t_get("/api/v1/holidays?year=2097", office);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 2);
    assert_string_equal(t_json_str(json_array_get(json_object_get(r->json, "items"), 0), "date"), "2097-01-01");
    t_free(r);
    r = t_get("/api/v1/holidays?year=2097&kind=working_day", viewer);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 1);
    t_free(r);
    r = t_get("/api/v1/holidays?from=2097-02-01&to=2098-12-31", viewer);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 2);
    t_free(r);
    r = t_get("/api/v1/holidays?from=2098-05-01&to=2098-12-31", viewer);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 0);
    t_free(r);
    r = t_getf(viewer, "/api/v1/holidays/%lld", id + 1000000);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

static void validation(void **state)
{
    (void)state;
    t_resp *r = post(admin, "{\"date\":\"2097-05-01\",\"name\":\"Quốc tế Lao động\",\"kind\":\"holiday\"}");
    t_assert_status(r, 201);
    t_free(r);
    /* One row per date. */
    r = post(admin, "{\"date\":\"2097-05-01\",\"name\":\"Lần hai\",\"kind\":\"working_day\"}");
    t_assert_problem(r, 409, "date");
    t_free(r);
    r = post(admin, "{}");
    t_assert_problem(r, 422, "date");
    fx_assert_error(r, "name", 0, NULL);
    fx_assert_error(r, "kind", 0, NULL);
    t_free(r);
    r = post(admin, "{\"date\":\"2097-02-30\",\"name\":\"\",\"kind\":\"nghi\"}");
    t_assert_problem(r, 422, "date");
    fx_assert_error(r, "name", 0, NULL);
    fx_assert_error(r, "kind", 0, NULL);
    t_free(r);
    r = post(admin, "{\"date\":20970601,\"name\":[\"x\"],\"kind\":\"holiday\",\"extra\":1}");
    t_assert_problem(r, 422, "date");
    fx_assert_error(r, "name", 0, NULL);
    fx_assert_error(r, "extra", 0, NULL);
    t_free(r);
    /* Query parameters. */
    r = t_get("/api/v1/holidays?year=1999", viewer);
    t_assert_problem(r, 400, "year");
    t_free(r);
    r = t_get("/api/v1/holidays?from=2097-13-01", viewer);
    t_assert_problem(r, 400, "from");
    t_free(r);
    assert_int_equal(t_sql_int("SELECT count(*) FROM holidays WHERE name = 'Lần hai'", 0, NULL), 0);
}

static void roles(void **state)
{
    (void)state;
    const char *body = "{\"date\":\"2097-09-02\",\"name\":\"Quốc khánh\",\"kind\":\"holiday\"}";
    t_resp *r = post(office, body);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = post(viewer, body);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_get("/api/v1/holidays", NULL);
    t_assert_problem(r, 401, NULL);
    t_free(r);
    assert_int_equal(t_sql_int("SELECT count(*) FROM holidays WHERE date = '2097-09-02'", 0, NULL), 0);
}

int main(void)
{
    t_init();
    free(t_sql("DELETE FROM holidays WHERE date >= '2097-01-01' AND date < '2099-01-01'", 0, NULL));
    char agency_code[64];
    admin = t_user("holidays_admin", "admin", NULL, NULL);
    t_make_agency(admin, "HOL", agency_code, sizeof agency_code);
    office = t_user("holidays_office", "office", NULL, agency_code);
    viewer = t_user("holidays_viewer", "viewer", NULL, agency_code);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_list_get),
        cmocka_unit_test(validation),
        cmocka_unit_test(roles),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    free(viewer);
    return rc;
}
