/* Attendance of a study session: JSON and CSV input, idempotence, codes
 * unknown or of someone not on the staff that day (each named, nothing
 * written), a unit_head's scope, two concurrent posts of the same codes. */
#include "client.h"
#include "facts_fixture.h"

static char *admin, *office, *viewer, *head, *director, *council;
static long long agency, campaign, topic, d1, d2;
static char agency_code[64];
static const char *held = "2025-03-10";

static long long new_session(void)
{
    char path[128], body[256];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/study-sessions", campaign);
    snprintf(body, sizeof body, "{\"topic_id\":%lld,\"held_on\":\"%s\"}", topic, held);
    t_resp *r = t_post(path, office, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

static t_resp *post_json(const char *token, long long session, const char *body)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/study-sessions/%lld/attendance", session);
    return t_post(path, token, body);
}

static t_resp *post_csv(const char *token, long long session, const char *csv)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/study-sessions/%lld/attendance", session);
    return fx_csv(path, token, csv);
}

static void assert_counts(const t_resp *r, long long added, long long already)
{
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "added"), added);
    assert_int_equal(t_json_int(r->json, "already"), already);
}

static long long attendees(long long session)
{
    return fx_count("SELECT count(*) FROM attendance WHERE session_id = $1", session);
}

/* An errors[] entry naming the code in "value" (and in the message). */
static void assert_names_code(const t_resp *r, const char *field, long row, const char *code)
{
    json_t *errors = json_object_get(r->json, "errors");
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e) {
        const char *f = json_string_value(json_object_get(e, "field"));
        const char *v = json_string_value(json_object_get(e, "value"));
        const char *m = json_string_value(json_object_get(e, "message"));
        json_t *rw = json_object_get(e, "row");
        if (f && v && m && strcmp(f, field) == 0 && strcmp(v, code) == 0 && strstr(m, code) &&
            (row == 0 ? rw == NULL : json_integer_value(rw) == row))
            return;
    }
    fail_msg("no error naming %s (field %s, row %ld): %s", code, field, row, r->body);
}

static void json_records_idempotently(void **state)
{
    (void)state;
    long long s = new_session();
    t_resp *r = post_json(office, s, "{\"staff_codes\":[\"A1\",\"A2\"]}");
    assert_counts(r, 2, 0);
    t_free(r);
    r = post_json(office, s, "{\"staff_codes\":[\"A1\",\"A2\",\"A3\"]}");
    assert_counts(r, 1, 2);
    t_free(r);
    r = post_json(admin, s, "{\"staff_codes\":[\"A3\"]}");
    assert_counts(r, 0, 1);
    t_free(r);
    assert_int_equal(attendees(s), 3);

    /* The list: the attendees, sorted by given name the Vietnamese way. */
    r = t_getf(viewer, "/api/v1/study-sessions/%lld/attendance", s);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 3);
    json_t *items = json_object_get(r->json, "items");
    assert_string_equal(t_json_str(json_array_get(items, 0), "code"), "A2"); /* Ánh */
    assert_string_equal(t_json_str(json_array_get(items, 1), "code"), "A3"); /* Bình */
    assert_string_equal(t_json_str(json_array_get(items, 2), "code"), "A1"); /* Đức */
    assert_string_equal(t_json_str(json_array_get(items, 0), "full_name"), "Trần Thị Ánh");
    assert_int_equal(t_json_int(json_array_get(items, 0), "unit_id"), d1);
    assert_non_null(t_json_str(json_array_get(items, 0), "recorded_at"));
    t_free(r);
    r = t_getf(viewer, "/api/v1/study-sessions/%lld/attendance?limit=1&offset=2", s);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 3);
    assert_string_equal(t_json_str(json_array_get(json_object_get(r->json, "items"), 0), "code"), "A1");
    t_free(r);
    r = t_getf(viewer, "/api/v1/study-sessions/%lld", s);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "attendees"), 3);
    t_free(r);
}

static void repeated_code_counts_once(void **state)
{
    (void)state;
    long long s = new_session();
    t_resp *r = post_json(office, s, "{\"staff_codes\":[\"A1\",\" A1 \",\"A2\"]}");
    assert_counts(r, 2, 1);
    t_free(r);
    assert_int_equal(attendees(s), 2);
}

static void staff_on_the_day(void **state)
{
    (void)state;
    long long s = new_session();
    /* Joined that day: on the staff. Left that day, left before, joined
     * after, unknown, of another agency: each named, nothing written. */
    t_resp *r = post_json(office, s, "{\"staff_codes\":[\"A1\",\"NEWDAY\",\"LEFTDAY\",\"GONE\",\"LATE\",\"NOPE\",\"XA1\"]}");
    t_assert_problem(r, 422, "staff_codes");
    assert_int_equal(fx_error_count(r), 5);
    const char *bad[] = {"LEFTDAY", "GONE", "LATE", "NOPE", "XA1"};
    for (size_t i = 0; i < 5; i++)
        assert_names_code(r, "staff_codes", 0, bad[i]);
    t_free(r);
    assert_int_equal(attendees(s), 0);
    r = post_json(office, s, "{\"staff_codes\":[\"A1\",\"NEWDAY\"]}");
    assert_counts(r, 2, 0);
    t_free(r);
}

static void json_validation(void **state)
{
    (void)state;
    long long s = new_session();
    const char *bodies[] = {"{}", "{\"staff_codes\":\"A1\"}", "{\"staff_codes\":[]}", "{\"staff_codes\":[\"A1\",7]}",
                            "{\"staff_codes\":null}"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        t_resp *r = post_json(office, s, bodies[i]);
        t_assert_problem(r, 422, "staff_codes");
        t_free(r);
    }
    t_resp *r = post_json(office, s, "{\"staff_codes\":[\"A1\",\"có dấu\"]}");
    t_assert_problem(r, 422, "staff_codes");
    assert_names_code(r, "staff_codes", 0, "có dấu");
    t_free(r);
    r = post_json(office, s, "{\"staff_codes\":[\"A1\"],\"session_id\":1}");
    t_assert_problem(r, 422, "session_id");
    t_free(r);
    r = t_request("POST", "/api/v1/study-sessions/1/attendance", office, "text/plain", "A1", 2);
    t_assert_problem(r, 415, NULL);
    t_free(r);
    assert_int_equal(attendees(s), 0);

    r = post_json(office, 999999999, "{\"staff_codes\":[\"A1\"]}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/study-sessions/999999999/attendance", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

static void csv_records(void **state)
{
    (void)state;
    long long s = new_session();
    /* BOM, CRLF, a quoted code, a column the import does not read, no
     * line break after the last record. */
    const char csv[] = "\xEF\xBB\xBFstaff_code,full_name\r\nA1,\"Lê Văn Đức\"\r\n\"A2\",\"Trần, Thị Ánh\"\r\nA3,Bình";
    t_resp *r = post_csv(office, s, csv);
    assert_counts(r, 3, 0);
    t_free(r);
    /* Lone CR line ends, blank lines, one code again. */
    r = post_csv(office, s, "staff_code\r\rA3\r\rNEWDAY\r");
    assert_counts(r, 1, 1);
    t_free(r);
    assert_int_equal(attendees(s), 4);
}

static void csv_bad_rows_write_nothing(void **state)
{
    (void)state;
    long long s = new_session();
    t_resp *r = post_csv(office, s, "staff_code\nA1\nNOPE\nA2\nGONE\n\"\"\n");
    t_assert_problem(r, 422, "staff_code");
    assert_int_equal(fx_error_count(r), 3);
    assert_names_code(r, "staff_code", 2, "NOPE");
    assert_names_code(r, "staff_code", 4, "GONE");
    fx_assert_error(r, "staff_code", 5, NULL);
    t_free(r);
    assert_int_equal(attendees(s), 0);

    r = post_csv(office, s, "code\nA1\n");
    t_assert_problem(r, 422, "staff_code");
    t_free(r);
    r = post_csv(office, s, "staff_code\n");
    t_assert_problem(r, 422, "body");
    t_free(r);
    r = post_csv(office, s, "staff_code\n\"A1\n");
    t_assert_problem(r, 400, NULL);
    t_free(r);
    r = post_csv(office, s, "staff_code,x\nA1\n");
    t_assert_problem(r, 400, NULL);
    t_free(r);
    assert_int_equal(attendees(s), 0);
}

static void roles_and_unit_scope(void **state)
{
    (void)state;
    long long s = new_session();
    char *no[] = {viewer, director, council};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        t_resp *r = post_json(no[i], s, "{\"staff_codes\":[\"A1\"]}");
        t_assert_problem(r, 403, NULL);
        t_free(r);
    }
    /* The head of D1 records D1's staff, not D2's, not even mixed in. */
    t_resp *r = post_json(head, s, "{\"staff_codes\":[\"B1\"]}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = post_json(head, s, "{\"staff_codes\":[\"A1\",\"B1\"]}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = post_csv(head, s, "staff_code\nA2\nB1\n");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    assert_int_equal(attendees(s), 0);
    r = post_json(head, s, "{\"staff_codes\":[\"A1\",\"A2\"]}");
    assert_counts(r, 2, 0);
    t_free(r);
    r = post_json(office, s, "{\"staff_codes\":[\"B1\"]}");
    assert_counts(r, 1, 0);
    t_free(r);
    r = t_getf(head, "/api/v1/study-sessions/%lld/attendance", s);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 3);
    t_free(r);
}

static void concurrent_posts_one_row_each(void **state)
{
    (void)state;
    char body[2048] = "{\"staff_codes\":[";
    for (int i = 0; i < 40; i++) {
        size_t used = strlen(body);
        snprintf(body + used, sizeof body - used, "%s\"C%02d\"", i ? "," : "", i);
    }
    snprintf(body + strlen(body), sizeof body - strlen(body), "]}");
    for (int round = 0; round < 5; round++) {
        long long s = new_session();
        long status[2];
        char path[128];
        snprintf(path, sizeof path, "/api/v1/study-sessions/%lld/attendance", s);
        fx_post_twice(path, office, "application/json", body, status);
        assert_int_equal(status[0], 200);
        assert_int_equal(status[1], 200);
        assert_int_equal(attendees(s), 40);
        assert_int_equal(fx_count("SELECT count(DISTINCT staff_id) FROM attendance WHERE session_id = $1", s), 40);
        /* Afterwards everything is already there. */
        t_resp *r = post_json(office, s, body);
        assert_counts(r, 0, 40);
        t_free(r);
    }
}

int main(void)
{
    t_init();
    admin = t_user("attendance_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "ATT", agency_code, sizeof agency_code);
    d1 = fx_unit(admin, agency, "D1", "division", NULL);
    d2 = fx_unit(admin, agency, "D2", "affiliated", NULL);
    char other_code[64];
    long long other = t_make_agency(admin, "ATX", other_code, sizeof other_code);
    long long other_unit = fx_unit(admin, other, "D1", "division", NULL);
    office = t_user("attendance_office", "office", NULL, agency_code);
    viewer = t_user("attendance_viewer", "viewer", NULL, agency_code);
    director = t_user("attendance_director", "director", NULL, agency_code);
    council = t_user("attendance_council", "council", NULL, agency_code);
    head = t_user("attendance_head", "unit_head", "D1", agency_code);
    campaign = fx_campaign(agency, "TD2025", "2025-01-01", "2025-12-31", "2026-06-30");
    fx_staff(d1, "A1", "Lê Văn Đức", "2020-01-01", NULL);
    fx_staff(d1, "A2", "Trần Thị Ánh", "2020-01-01", NULL);
    fx_staff(d1, "A3", "Nguyễn Thanh Bình", "2020-01-01", "2025-03-11");
    fx_staff(d1, "NEWDAY", "Phạm Văn Mới", held, NULL);
    fx_staff(d1, "LEFTDAY", "Võ Thị Nghỉ", "2020-01-01", held);
    fx_staff(d1, "GONE", "Đặng Văn Đi", "2020-01-01", "2025-02-01");
    fx_staff(d1, "LATE", "Hồ Thị Sau", "2025-03-11", NULL);
    fx_staff(d2, "B1", "Lý Văn Khác", "2020-01-01", NULL);
    fx_staff(other_unit, "XA1", "Người Cơ Quan Khác", "2020-01-01", NULL);
    for (int i = 0; i < 40; i++) {
        char code[16], name[64];
        snprintf(code, sizeof code, "C%02d", i);
        snprintf(name, sizeof name, "Cán Bộ Số %d", i);
        fx_staff(i % 2 ? d1 : d2, code, name, "2024-01-01", NULL);
    }
    char path[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/study-topics", campaign);
    t_resp *r = t_post(path, office, "{\"code\":\"NQ01\",\"title\":\"Nghị quyết số 01\"}");
    t_assert_status(r, 201);
    topic = t_json_int(r->json, "id");
    t_free(r);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_records_idempotently),
        cmocka_unit_test(repeated_code_counts_once),
        cmocka_unit_test(staff_on_the_day),
        cmocka_unit_test(json_validation),
        cmocka_unit_test(csv_records),
        cmocka_unit_test(csv_bad_rows_write_nothing),
        cmocka_unit_test(roles_and_unit_scope),
        cmocka_unit_test(concurrent_posts_one_row_each),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    free(viewer);
    free(director);
    free(council);
    free(head);
    return rc;
}
