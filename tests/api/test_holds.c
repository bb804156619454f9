/* Holds on awards: create, list with filters (subject, open at a date),
 * get, close by PATCH; the subject of the user's agency; closed_on not
 * before opened_on; office and admin write; every change audited; a user
 * of another agency sees none of them. */
#include "client.h"
#include "facts_fixture.h"

static char *admin, *office, *viewer, *head, *other_office;
static long long agency, unit, staff, other_agency, foreign_unit, foreign_staff;
static char agency_code[64], other_code[64];

static t_resp *post(const char *token, const char *body)
{
    return t_post("/api/v1/holds", token, body);
}

static t_resp *patch(const char *token, long long id, const char *body)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/holds/%lld", id);
    return t_patch(path, token, body);
}

static long long new_hold(const char *type, long long subject, const char *opened, const char *closed)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"subject_type\":\"%s\",\"subject_id\":%lld,\"reason\":\"Đang xem xét kỷ luật\",\"opened_on\":\"%s\""
             ",\"closed_on\":%s%s%s}",
             type, subject, opened, closed ? "\"" : "", closed ? closed : "null", closed ? "\"" : "");
    t_resp *r = post(office, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

static bool listed(const t_resp *r, long long id)
{
    json_t *items = json_object_get(r->json, "items");
    for (size_t i = 0; i < json_array_size(items); i++)
        if (t_json_int(json_array_get(items, i), "id") == id)
            return true;
    return false;
}

static void create_list_close(void **state)
{
    (void)state;
    char body[512];
    snprintf(body, sizeof body,
             "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"reason\":\"Đang bị thanh tra\",\"opened_on\":\"2025-03-01\"}",
             staff);
    t_resp *r = post(office, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    assert_string_equal(t_json_str(r->json, "subject_type"), "staff");
    assert_int_equal(t_json_int(r->json, "subject_id"), staff);
    assert_int_equal(t_json_int(r->json, "agency_id"), agency);
    assert_string_equal(t_json_str(r->json, "opened_on"), "2025-03-01");
    assert_true(json_is_null(json_object_get(r->json, "closed_on")));
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/holds/%lld", id);
    assert_string_equal(t_header(r, "Location"), loc);
    t_free(r);
    long long on_unit = new_hold("unit", unit, "2025-01-10", "2025-02-10");

    r = t_getf(viewer, "/api/v1/holds/%lld", id);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "reason"), "Đang bị thanh tra");
    t_free(r);
    r = t_getf(viewer, "/api/v1/holds?agency_id=%lld", agency);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), fx_count("SELECT count(*) FROM holds WHERE agency_id = $1", agency));
    assert_true(listed(r, id) && listed(r, on_unit));
    t_free(r);
    r = t_getf(viewer, "/api/v1/holds?subject_type=unit&subject_id=%lld", unit);
    t_assert_status(r, 200);
    assert_true(listed(r, on_unit) && !listed(r, id));
    t_free(r);
    /* Open at a date: opened_on <= d and (closed_on null or > d). */
    r = t_getf(viewer, "/api/v1/holds?agency_id=%lld&open_on=2025-02-10", agency);
    t_assert_status(r, 200);
    assert_true(!listed(r, on_unit) && !listed(r, id));
    t_free(r);
    r = t_getf(viewer, "/api/v1/holds?agency_id=%lld&open_on=2025-02-09", agency);
    assert_true(listed(r, on_unit) && !listed(r, id));
    t_free(r);
    r = t_getf(viewer, "/api/v1/holds?agency_id=%lld&open_on=2025-03-01", agency);
    assert_true(!listed(r, on_unit) && listed(r, id));
    t_free(r);

    /* Closing it, then reading it closed. */
    r = patch(office, id, "{\"closed_on\":\"2025-06-30\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "closed_on"), "2025-06-30");
    assert_string_equal(t_json_str(r->json, "reason"), "Đang bị thanh tra");
    t_free(r);
    r = t_getf(viewer, "/api/v1/holds?agency_id=%lld&open_on=2025-06-30", agency);
    assert_true(!listed(r, id));
    t_free(r);
    assert_int_equal(fx_count("SELECT count(*) FROM audit_log a JOIN users u ON u.id = a.user_id"
                              " WHERE a.entity = 'holds' AND a.entity_id = $1 AND u.username = 'holds_office'"
                              " AND (a.action = 'insert' OR (a.action = 'update' AND a.after->>'closed_on' = '2025-06-30'))",
                              id),
                     2);
}

static void validation(void **state)
{
    (void)state;
    t_resp *r = post(office, "{}");
    t_assert_problem(r, 422, "subject_type");
    fx_assert_error(r, "subject_id", 0, NULL);
    fx_assert_error(r, "reason", 0, NULL);
    fx_assert_error(r, "opened_on", 0, NULL);
    t_free(r);
    r = post(office, "{\"subject_type\":\"person\",\"subject_id\":\"x\",\"reason\":1,\"opened_on\":\"2025-02-30\"}");
    t_assert_problem(r, 422, "subject_type");
    fx_assert_error(r, "subject_id", 0, NULL);
    fx_assert_error(r, "reason", 0, NULL);
    fx_assert_error(r, "opened_on", 0, NULL);
    t_free(r);
    char body[512];
    snprintf(body, sizeof body,
             "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"reason\":\"x\",\"opened_on\":\"2025-05-01\","
             "\"closed_on\":\"2025-04-30\"}",
             staff);
    r = post(office, body);
    t_assert_problem(r, 422, "closed_on");
    t_free(r);
    /* An unknown subject; a unit id given as staff. */
    r = post(office, "{\"subject_type\":\"staff\",\"subject_id\":999999999,\"reason\":\"x\",\"opened_on\":\"2025-05-01\"}");
    t_assert_problem(r, 422, "subject_id");
    t_free(r);
    /* Another agency's subject is one that does not exist. */
    snprintf(body, sizeof body,
             "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"reason\":\"x\",\"opened_on\":\"2025-05-01\"}", foreign_staff);
    r = post(office, body);
    t_assert_problem(r, 422, "subject_id");
    fx_assert_error(r, "subject_id", 0, "không tồn tại");
    t_free(r);
    snprintf(body, sizeof body, "{\"subject_type\":\"unit\",\"subject_id\":%lld,\"reason\":\"x\",\"opened_on\":\"2025-05-01\"}",
             foreign_unit);
    r = post(office, body);
    t_assert_problem(r, 422, "subject_id");
    t_free(r);
    /* A PATCH is checked as a whole: closing before the opening, moving
     * to another agency's subject. */
    long long id = new_hold("staff", staff, "2025-05-01", NULL);
    r = patch(office, id, "{\"closed_on\":\"2025-04-01\"}");
    t_assert_problem(r, 422, "closed_on");
    t_free(r);
    snprintf(body, sizeof body, "{\"subject_id\":%lld}", foreign_staff);
    r = patch(office, id, body);
    t_assert_problem(r, 422, "subject_id");
    t_free(r);
    r = patch(office, id, "{\"reason\":\"\"}");
    t_assert_problem(r, 422, "reason");
    t_free(r);
    r = t_get("/api/v1/holds?open_on=2025-13-01", viewer);
    t_assert_problem(r, 400, "open_on");
    t_free(r);
    assert_int_equal(fx_count("SELECT count(*) FROM holds WHERE id = $1 AND closed_on IS NULL AND staff_id IS NOT NULL", id),
                     1);
}

static void roles_and_agencies(void **state)
{
    (void)state;
    long long id = new_hold("staff", staff, "2025-07-01", NULL);
    char body[512];
    snprintf(body, sizeof body,
             "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"reason\":\"x\",\"opened_on\":\"2025-05-01\"}", staff);
    const char *readers[] = {viewer, head};
    for (int i = 0; i < 2; i++) {
        t_resp *r = post(readers[i], body);
        t_assert_problem(r, 403, NULL);
        t_free(r);
        r = patch(readers[i], id, "{\"closed_on\":\"2025-08-01\"}");
        t_assert_problem(r, 403, NULL);
        t_free(r);
    }
    /* The installation admin writes in any agency; the hold takes the
     * subject's. */
    t_resp *r = post(admin, body);
    t_assert_status(r, 201);
    assert_int_equal(t_json_int(r->json, "agency_id"), agency);
    t_free(r);
    /* Another agency's user: no such hold, no such list. */
    r = t_getf(other_office, "/api/v1/holds/%lld", id);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = patch(other_office, id, "{\"closed_on\":\"2025-08-01\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(other_office, "/api/v1/holds?agency_id=%lld", agency);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/holds", other_office);
    t_assert_status(r, 200);
    assert_false(listed(r, id));
    assert_int_equal(t_json_int(r->json, "total"),
                     fx_count("SELECT count(*) FROM holds WHERE agency_id = $1", other_agency));
    t_free(r);
    assert_int_equal(fx_count("SELECT count(*) FROM holds WHERE id = $1 AND closed_on IS NULL", id), 1);
}

int main(void)
{
    t_init();
    admin = t_user("holds_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "HLD", agency_code, sizeof agency_code);
    unit = fx_unit(admin, agency, "D1", "division", NULL);
    other_agency = t_make_agency(admin, "HLX", other_code, sizeof other_code);
    foreign_unit = fx_unit(admin, other_agency, "D1", "division", NULL);
    staff = fx_staff(unit, "HS1", "Nguyễn Văn Tạm", "2020-01-01", NULL);
    foreign_staff = fx_staff(foreign_unit, "HS1", "Trần Văn Khác", "2020-01-01", NULL);
    office = t_user("holds_office", "office", NULL, agency_code);
    viewer = t_user("holds_viewer", "viewer", NULL, agency_code);
    head = t_user("holds_head", "unit_head", "D1", agency_code);
    other_office = t_user("holds_other_office", "office", NULL, other_code);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_list_close),
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
