/* Initiatives: create with authors, get, list with filters; authors are
 * staff of the initiative's agency (422 naming the bad ids); office and
 * admin write; audited; a user of another agency sees none of them. */
#include "client.h"
#include "facts_fixture.h"

static char *admin, *office, *viewer, *head, *other_office;
static long long agency, s1, s2, other_agency, foreign_staff;
static char agency_code[64], other_code[64];

static t_resp *post(const char *token, const char *body)
{
    return t_post("/api/v1/initiatives", token, body);
}

static bool listed(const t_resp *r, long long id)
{
    json_t *items = json_object_get(r->json, "items");
    for (size_t i = 0; i < json_array_size(items); i++)
        if (t_json_int(json_array_get(items, i), "id") == id)
            return true;
    return false;
}

static long long new_initiative(long long author, const char *level, const char *on)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"agency_id\":%lld,\"title\":\"Sáng kiến số hóa hồ sơ\",\"author_ids\":[%lld],\"level\":\"%s\","
             "\"recognized_on\":\"%s\"}",
             agency, author, level, on);
    t_resp *r = post(office, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

static void create_get_list(void **state)
{
    (void)state;
    char body[512];
    snprintf(body, sizeof body,
             "{\"agency_id\":%lld,\"title\":\"Phần mềm quản lý thi đua\",\"author_ids\":[%lld,%lld],\"level\":\"tinh\","
             "\"recognized_on\":\"2025-06-15\",\"decision_no\":\"123/QĐ-UBND\"}",
             agency, s2, s1);
    t_resp *r = post(office, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    assert_int_equal(t_json_int(r->json, "agency_id"), agency);
    assert_string_equal(t_json_str(r->json, "level"), "tinh");
    assert_string_equal(t_json_str(r->json, "recognized_on"), "2025-06-15");
    assert_string_equal(t_json_str(r->json, "decision_no"), "123/QĐ-UBND");
    json_t *authors = json_object_get(r->json, "author_ids");
    assert_int_equal(json_array_size(authors), 2);
    assert_int_equal(json_integer_value(json_array_get(authors, 0)), s1 < s2 ? s1 : s2);
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/initiatives/%lld", id);
    assert_string_equal(t_header(r, "Location"), loc);
    t_free(r);
    long long other = new_initiative(s1, "co_so", "2024-11-20");

    r = t_getf(viewer, "/api/v1/initiatives/%lld", id);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "title"), "Phần mềm quản lý thi đua");
    assert_int_equal(json_array_size(json_object_get(r->json, "author_ids")), 2);
    t_free(r);
    r = t_getf(viewer, "/api/v1/initiatives?agency_id=%lld", agency);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), fx_count("SELECT count(*) FROM initiatives WHERE agency_id = $1", agency));
    assert_true(listed(r, id) && listed(r, other));
    t_free(r);
    r = t_getf(viewer, "/api/v1/initiatives?agency_id=%lld&level=tinh", agency);
    assert_true(listed(r, id) && !listed(r, other));
    t_free(r);
    r = t_getf(viewer, "/api/v1/initiatives?author_id=%lld", s2);
    assert_true(listed(r, id) && !listed(r, other));
    t_free(r);
    r = t_getf(viewer, "/api/v1/initiatives?author_id=%lld&from=2024-01-01&to=2024-12-31", s1);
    assert_true(!listed(r, id) && listed(r, other));
    t_free(r);
    r = t_get("/api/v1/initiatives?from=2025-06-15&to=2025-06-15", viewer);
    assert_true(listed(r, id) && !listed(r, other));
    t_free(r);

    assert_int_equal(fx_count("SELECT count(*) FROM audit_log a JOIN users u ON u.id = a.user_id"
                              " WHERE a.entity = 'initiatives' AND a.entity_id = $1 AND a.action = 'insert'"
                              " AND u.username = 'init_office'",
                              id),
                     1);
    assert_int_equal(fx_count("SELECT count(*) FROM audit_log WHERE entity = 'initiative_authors' AND action = 'insert'"
                              " AND (after->>'initiative_id')::bigint = $1",
                              id),
                     2);
}

static void validation(void **state)
{
    (void)state;
    t_resp *r = post(office, "{}");
    t_assert_problem(r, 422, "agency_id");
    fx_assert_error(r, "title", 0, NULL);
    fx_assert_error(r, "author_ids", 0, NULL);
    fx_assert_error(r, "level", 0, NULL);
    fx_assert_error(r, "recognized_on", 0, NULL);
    t_free(r);
    char body[512];
    snprintf(body, sizeof body,
             "{\"agency_id\":%lld,\"title\":\"\",\"author_ids\":[],\"level\":\"huyen\",\"recognized_on\":\"2025-02-29\"}",
             agency);
    r = post(office, body);
    t_assert_problem(r, 422, "title");
    fx_assert_error(r, "level", 0, NULL);
    fx_assert_error(r, "recognized_on", 0, NULL);
    t_free(r);
    const char *bad_lists[] = {"[]", "\"1\"", "[0]", "[\"x\"]", "[1.5]"};
    for (size_t i = 0; i < sizeof bad_lists / sizeof bad_lists[0]; i++) {
        snprintf(body, sizeof body,
                 "{\"agency_id\":%lld,\"title\":\"T\",\"author_ids\":%s,\"level\":\"co_so\",\"recognized_on\":\"2025-02-28\"}",
                 agency, bad_lists[i]);
        r = post(office, body);
        t_assert_problem(r, 422, "author_ids");
        t_free(r);
    }
    snprintf(body, sizeof body,
             "{\"agency_id\":%lld,\"title\":\"T\",\"author_ids\":[%lld,%lld],\"level\":\"co_so\",\"recognized_on\":\"2025-02-28\"}",
             agency, s1, s1);
    r = post(office, body);
    t_assert_problem(r, 422, "author_ids");
    t_free(r);
    /* Authors not of the agency (another agency's, or nobody): each named. */
    snprintf(body, sizeof body,
             "{\"agency_id\":%lld,\"title\":\"T\",\"author_ids\":[%lld,%lld,999999999],\"level\":\"co_so\","
             "\"recognized_on\":\"2025-02-28\"}",
             agency, s1, foreign_staff);
    r = post(office, body);
    t_assert_problem(r, 422, "author_ids");
    char ids[64];
    snprintf(ids, sizeof ids, "%lld, 999999999", foreign_staff);
    fx_assert_error(r, "author_ids", 0, ids);
    t_free(r);
    /* Another agency is one that does not exist; so is a unit that is not
     * an agency root. */
    snprintf(body, sizeof body,
             "{\"agency_id\":%lld,\"title\":\"T\",\"author_ids\":[%lld],\"level\":\"co_so\",\"recognized_on\":\"2025-02-28\"}",
             other_agency, foreign_staff);
    r = post(office, body);
    t_assert_problem(r, 422, "agency_id");
    t_free(r);
    r = t_get("/api/v1/initiatives?level=huyen", viewer);
    t_assert_problem(r, 400, "level");
    t_free(r);
    assert_int_equal(fx_count("SELECT count(*) FROM initiatives WHERE agency_id = $1 AND title = 'T'", agency), 0);
}

static void roles_and_agencies(void **state)
{
    (void)state;
    long long id = new_initiative(s2, "toan_quoc", "2025-09-02");
    char body[512];
    snprintf(body, sizeof body,
             "{\"agency_id\":%lld,\"title\":\"T2\",\"author_ids\":[%lld],\"level\":\"co_so\",\"recognized_on\":\"2025-02-28\"}",
             agency, s1);
    t_resp *r = post(viewer, body);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = post(head, body);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = post(admin, body);
    t_assert_status(r, 201);
    t_free(r);
    r = t_getf(other_office, "/api/v1/initiatives/%lld", id);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(other_office, "/api/v1/initiatives?agency_id=%lld", agency);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(other_office, "/api/v1/initiatives?author_id=%lld", s2);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 0);
    t_free(r);
    r = post(other_office, body);
    t_assert_problem(r, 422, "agency_id");
    t_free(r);
}

int main(void)
{
    t_init();
    admin = t_user("init_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "INI", agency_code, sizeof agency_code);
    long long unit = fx_unit(admin, agency, "D1", "division", NULL);
    other_agency = t_make_agency(admin, "INX", other_code, sizeof other_code);
    long long foreign_unit = fx_unit(admin, other_agency, "D1", "division", NULL);
    s1 = fx_staff(unit, "IS1", "Lê Thị Sáng", "2020-01-01", NULL);
    s2 = fx_staff(unit, "IS2", "Phạm Văn Kiến", "2021-01-01", NULL);
    foreign_staff = fx_staff(foreign_unit, "IS1", "Đỗ Văn Ngoài", "2020-01-01", NULL);
    office = t_user("init_office", "office", NULL, agency_code);
    viewer = t_user("init_viewer", "viewer", NULL, agency_code);
    head = t_user("init_head", "unit_head", "D1", agency_code);
    other_office = t_user("init_other_office", "office", NULL, other_code);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_get_list),
        cmocka_unit_test(validation),
        cmocka_unit_test(roles_and_agencies),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    free(viewer);
    free(head);
    free(other_office);
    return rc;
}
