/* /staff: create, read, change, delete; validation naming the field;
 * roles and unit scope; NFC names; accent-free search; the Vietnamese
 * name order; filters and pagination; the audit trail. */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *admin;
static char agency_code[64], other_code[64];
static long long agency, other_agency, unit1, unit2, other_unit;

static long long post_id(const char *path, const char *token, const char *body)
{
    t_resp *r = t_post(path, token, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

static long long make_unit(long long parent, const char *code)
{
    char body[256];
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"name\":\"Phòng %s\",\"kind\":\"division\",\"parent_id\":%lld}",
             code, code, parent);
    return post_id("/api/v1/units", admin, body);
}

static long long make_staff(const char *token, const char *code, const char *name, long long unit)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"full_name\":\"%s\",\"unit_id\":%lld,\"category\":\"cong_chuc\",\"joined_on\":\"2020-01-15\"}",
             code, name, unit);
    return post_id("/api/v1/staff", token, body);
}

static long long user_id(const char *username)
{
    const char *p[] = {username};
    return t_sql_int("SELECT id FROM users WHERE username = $1", 1, p);
}

static long long audit_count(const char *action, long long id, long long uid)
{
    char sid[32], suid[32];
    snprintf(sid, sizeof sid, "%lld", id);
    snprintf(suid, sizeof suid, "%lld", uid);
    const char *p[] = {action, sid, suid};
    return t_sql_int("SELECT count(*) FROM audit_log WHERE entity = 'staff' AND action = $1 AND entity_id = $2::bigint"
                     " AND user_id = $3::bigint", 3, p);
}

static void create_get_and_audit(void **state)
{
    (void)state;
    char body[512];
    snprintf(body, sizeof body,
             "{\"code\":\"CB001\",\"full_name\":\"  Nguyễn Văn Bình  \",\"unit_id\":%lld,\"category\":\"vien_chuc\","
             "\"joined_on\":\"2019-03-01\",\"left_on\":null}", unit1);
    t_resp *r = t_post("/api/v1/staff", admin, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/staff/%lld", id);
    assert_string_equal(t_header(r, "Location"), loc);
    assert_string_equal(t_json_str(r->json, "full_name"), "Nguyễn Văn Bình");
    t_free(r);
    r = t_get(loc, admin);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "code"), "CB001");
    assert_string_equal(t_json_str(r->json, "category"), "vien_chuc");
    assert_string_equal(t_json_str(r->json, "joined_on"), "2019-03-01");
    assert_true(json_is_null(json_object_get(r->json, "left_on")));
    assert_int_equal(t_json_int(r->json, "unit_id"), unit1);
    assert_int_equal(t_json_int(r->json, "agency_id"), agency);
    t_free(r);
    assert_int_equal(audit_count("insert", id, user_id("tstaff_admin")), 1);
}

static void name_is_stored_nfc(void **state)
{
    (void)state;
    char body[512];
    /* "Nguyễn Thị Ánh" with every mark as a combining character. */
    snprintf(body, sizeof body,
             "{\"code\":\"NFC1\",\"full_name\":\"Nguye\\u0302\\u0303n Thi\\u0323 A\\u0301nh\",\"unit_id\":%lld,"
             "\"category\":\"cong_chuc\",\"joined_on\":\"2020-01-01\"}", unit1);
    t_resp *r = t_post("/api/v1/staff", admin, body);
    t_assert_status(r, 201);
    assert_string_equal(t_json_str(r->json, "full_name"), "Nguyễn Thị Ánh");
    t_free(r);
    char a[32];
    snprintf(a, sizeof a, "%lld", agency);
    const char *p[] = {a};
    char *stored = t_sql("SELECT full_name FROM staff WHERE agency_id = $1::bigint AND code = 'NFC1'", 1, p);
    assert_string_equal(stored, "Nguyễn Thị Ánh");
    free(stored);
}

static void validation_names_the_field(void **state)
{
    (void)state;
    char body[512];
    t_resp *r = t_post("/api/v1/staff", admin, "{}");
    t_assert_problem(r, 422, "code");
    t_assert_problem(r, 422, "full_name");
    t_assert_problem(r, 422, "unit_id");
    t_assert_problem(r, 422, "category");
    t_assert_problem(r, 422, "joined_on");
    t_free(r);
    static const struct {
        const char *fields, *bad;
    } cases[] = {
        {"\"code\":\"V1\",\"full_name\":\"A\",\"category\":\"bien_che\",\"joined_on\":\"2020-01-01\"", "category"},
        {"\"code\":\"V1\",\"full_name\":\"A\",\"category\":\"cong_chuc\",\"joined_on\":\"2021-02-29\"", "joined_on"},
        {"\"code\":\"V1\",\"full_name\":\"A\",\"category\":\"cong_chuc\",\"joined_on\":\"01/02/2021\"", "joined_on"},
        {"\"code\":\"V1\",\"full_name\":\"A\",\"category\":\"cong_chuc\",\"joined_on\":\"2021-01-01\",\"left_on\":\"2020-12-31\"",
         "left_on"},
        {"\"code\":\"V 1\",\"full_name\":\"A\",\"category\":\"cong_chuc\",\"joined_on\":\"2021-01-01\"", "code"},
        {"\"code\":\"V1\",\"full_name\":\"   \",\"category\":\"cong_chuc\",\"joined_on\":\"2021-01-01\"", "full_name"},
        {"\"code\":\"V1\",\"full_name\":\"A\",\"category\":\"cong_chuc\",\"joined_on\":\"2021-01-01\",\"salary\":1", "salary"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(body, sizeof body, "{%s,\"unit_id\":%lld}", cases[i].fields, unit1);
        r = t_post("/api/v1/staff", admin, body);
        t_assert_problem(r, 422, cases[i].bad);
        t_free(r);
    }
    r = t_post("/api/v1/staff", admin,
               "{\"code\":\"V1\",\"full_name\":\"A\",\"unit_id\":999999999,\"category\":\"cong_chuc\",\"joined_on\":\"2021-01-01\"}");
    t_assert_problem(r, 422, "unit_id");
    t_free(r);
    /* left_on on the day of joining is allowed. */
    snprintf(body, sizeof body, "{\"code\":\"V2\",\"full_name\":\"A\",\"unit_id\":%lld,\"category\":\"cong_chuc\","
             "\"joined_on\":\"2021-01-01\",\"left_on\":\"2021-01-01\"}", unit1);
    r = t_post("/api/v1/staff", admin, body);
    t_assert_status(r, 201);
    t_free(r);
}

static void duplicate_code_is_409(void **state)
{
    (void)state;
    make_staff(admin, "DUP1", "Lê Thị Hoa", unit1);
    char body[512];
    snprintf(body, sizeof body, "{\"code\":\"DUP1\",\"full_name\":\"Lê Văn Hùng\",\"unit_id\":%lld,"
             "\"category\":\"cong_chuc\",\"joined_on\":\"2020-01-01\"}", unit2);
    t_resp *r = t_post("/api/v1/staff", admin, body);
    t_assert_problem(r, 409, "code");
    t_free(r);
    /* The same code in another agency is another person. */
    make_staff(admin, "DUP1", "Lê Văn Hùng", other_unit);
}

static void patch_and_delete(void **state)
{
    (void)state;
    long long id = make_staff(admin, "PAT1", "Phạm Thị Lan", unit1);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/staff/%lld", id);
    t_resp *r = t_patch(path, admin, "{\"full_name\":\"Phạm Thị Lan Anh\",\"left_on\":\"2025-06-30\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "full_name"), "Phạm Thị Lan Anh");
    assert_string_equal(t_json_str(r->json, "left_on"), "2025-06-30");
    assert_string_equal(t_json_str(r->json, "code"), "PAT1");
    t_free(r);
    r = t_patch(path, admin, "{\"left_on\":\"2019-12-31\"}");
    t_assert_problem(r, 422, "left_on");
    t_free(r);
    r = t_patch(path, admin, "{\"category\":\"x\"}");
    t_assert_problem(r, 422, "category");
    t_free(r);
    char body[64];
    snprintf(body, sizeof body, "{\"unit_id\":%lld}", other_unit);
    r = t_patch(path, admin, body);
    t_assert_problem(r, 422, "unit_id");
    t_free(r);
    r = t_patch("/api/v1/staff/999999999", admin, "{\"full_name\":\"X\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    long long uid = user_id("tstaff_admin");
    assert_int_equal(audit_count("update", id, uid), 1);
    char sid[32];
    snprintf(sid, sizeof sid, "%lld", id);
    const char *p[] = {sid};
    char *before = t_sql("SELECT before->>'full_name' FROM audit_log WHERE entity = 'staff' AND action = 'update'"
                         " AND entity_id = $1::bigint", 1, p);
    assert_string_equal(before, "Phạm Thị Lan");
    free(before);
    r = t_delete(path, admin);
    t_assert_status(r, 204);
    t_free(r);
    r = t_get(path, admin);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_delete(path, admin);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    assert_int_equal(audit_count("delete", id, uid), 1);
}

static void readers_cannot_write(void **state)
{
    (void)state;
    long long id = make_staff(admin, "RO1", "Võ Văn Tám", unit1);
    char path[64], body[256];
    snprintf(path, sizeof path, "/api/v1/staff/%lld", id);
    snprintf(body, sizeof body, "{\"code\":\"RO2\",\"full_name\":\"A\",\"unit_id\":%lld,\"category\":\"cong_chuc\","
             "\"joined_on\":\"2020-01-01\"}", unit1);
    static const char *const roles[] = {"viewer", "council", "director"};
    for (size_t i = 0; i < 3; i++) {
        char name[64];
        snprintf(name, sizeof name, "tstaff_%s", roles[i]);
        char *tok = t_user(name, roles[i], NULL, agency_code);
        t_resp *r = t_post("/api/v1/staff", tok, body);
        t_assert_problem(r, 403, NULL);
        t_free(r);
        r = t_patch(path, tok, "{\"full_name\":\"B\"}");
        t_assert_problem(r, 403, NULL);
        t_free(r);
        r = t_delete(path, tok);
        t_assert_problem(r, 403, NULL);
        t_free(r);
        r = t_get(path, tok);
        t_assert_status(r, 200);
        t_free(r);
        free(tok);
    }
}

static void unit_head_writes_own_unit_only(void **state)
{
    (void)state;
    char *head = t_user("tstaff_head", "unit_head", "U1", agency_code);
    long long mine = make_staff(head, "UH1", "Hồ Thị Mai", unit1);
    long long theirs = make_staff(admin, "UH2", "Hồ Văn Nam", unit2);
    char body[256], path[64];
    snprintf(body, sizeof body, "{\"code\":\"UH3\",\"full_name\":\"A\",\"unit_id\":%lld,\"category\":\"cong_chuc\","
             "\"joined_on\":\"2020-01-01\"}", unit2);
    t_resp *r = t_post("/api/v1/staff", head, body);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    snprintf(path, sizeof path, "/api/v1/staff/%lld", mine);
    r = t_patch(path, head, "{\"full_name\":\"Hồ Thị Mai Anh\"}");
    t_assert_status(r, 200);
    t_free(r);
    /* Moving someone out of the unit needs the new unit to be its too. */
    snprintf(body, sizeof body, "{\"unit_id\":%lld}", unit2);
    r = t_patch(path, head, body);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    /* And moving someone in needs the old one to be. */
    snprintf(path, sizeof path, "/api/v1/staff/%lld", theirs);
    snprintf(body, sizeof body, "{\"unit_id\":%lld}", unit1);
    r = t_patch(path, head, body);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_patch(path, head, "{\"full_name\":\"X\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_delete(path, head);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_getf(head, "/api/v1/staff/%lld", theirs);
    assert_string_equal(t_json_str(r->json, "full_name"), "Hồ Văn Nam");
    assert_int_equal(t_json_int(r->json, "unit_id"), unit2);
    t_free(r);
    snprintf(path, sizeof path, "/api/v1/staff/%lld", mine);
    r = t_delete(path, head);
    t_assert_status(r, 204);
    t_free(r);
    free(head);
}

/* Names of ?q= results, comma-joined, in a static buffer. */
static const char *search(const char *query)
{
    static char out[1024];
    t_resp *r = t_getf(admin, "/api/v1/staff?agency_id=%lld&unit_id=%lld&q=%s&limit=100", agency, unit2, query);
    t_assert_status(r, 200);
    out[0] = '\0';
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r->json, "items"), i, it) {
        size_t n = strlen(out);
        snprintf(out + n, sizeof out - n, "%s%s", n ? "," : "", t_json_str(it, "full_name"));
    }
    assert_int_equal(t_json_int(r->json, "total"), json_array_size(json_object_get(r->json, "items")));
    t_free(r);
    return out;
}

static void search_ignores_accents_and_case(void **state)
{
    (void)state;
    make_staff(admin, "Q1", "Nguyễn Văn A", unit2);
    make_staff(admin, "Q2", "Đặng Thị Đào", unit2);
    make_staff(admin, "Q3", "Trần Quốc Dũng", unit2);
    make_staff(admin, "Q4", "Nguyễn Văn Ánh", unit2);
    assert_string_equal(search("nguyen%20van%20a"), "Nguyễn Văn A,Nguyễn Văn Ánh");
    assert_string_equal(search("NGUY%E1%BB%84N"), "Nguyễn Văn A,Nguyễn Văn Ánh"); /* "NGUYỄN" */
    assert_string_equal(search("dang%20thi%20dao"), "Đặng Thị Đào");
    assert_string_equal(search("%C4%91%C3%A0o"), "Đặng Thị Đào"); /* "đào" */
    assert_string_equal(search("dung"), "Trần Quốc Dũng");
    assert_string_equal(search("anh"), "Nguyễn Văn Ánh");
    assert_string_equal(search("%25"), "");       /* "%" is a character, not a wildcard */
    assert_string_equal(search("van_a"), "");
    t_resp *r = t_get("/api/v1/staff?q=%FF", admin);
    t_assert_problem(r, 400, "q");
    t_free(r);
}

/* The order of the names of a unit's staff as listed. */
static void assert_order(long long unit, const char *sort, const char *const *names, size_t n)
{
    t_resp *r = t_getf(admin, "/api/v1/staff?unit_id=%lld&limit=100%s%s", unit, sort ? "&sort=" : "", sort ? sort : "");
    t_assert_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), n);
    for (size_t i = 0; i < n; i++) {
        const char *got = t_json_str(json_array_get(items, i), "full_name");
        if (strcmp(got, names[i]) != 0)
            fail_msg("position %zu: expected %s, got %s (%s)", i, names[i], got, r->body);
    }
    t_free(r);
}

static void vietnamese_name_order(void **state)
{
    (void)state;
    long long unit = make_unit(agency, "SORT");
    /* Inserted in a scrambled order; codes make a different order again. */
    static const struct {
        const char *code, *name;
    } people[] = {
        {"S05", "Lý Thị Ưng"},    {"S11", "Lê Văn Ê"},     {"S02", "Võ Thị Ấn"},   {"S08", "Nguyễn Thị An"},
        {"S01", "Trần Đào"},      {"S10", "Phan Văn Bình"}, {"S03", "Hà Văn Ân"},   {"S07", "Lê Văn An"},
        {"S12", "Trần Văn Dũng"}, {"S04", "Đỗ Thị Anh"},    {"S06", "Mai Văn Ơn"},
    };
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++)
        make_staff(admin, people[i].code, people[i].name, unit);
    /* Worked out by hand: given names by the Vietnamese alphabet
     * (a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư; a tone only breaks ties),
     * then the whole name, so the two An follow Lê < Nguyễn. */
    static const char *const by_name[] = {"Lê Văn An",   "Nguyễn Thị An", "Đỗ Thị Anh", "Hà Văn Ân",
                                          "Võ Thị Ấn",   "Phan Văn Bình", "Trần Văn Dũng", "Trần Đào",
                                          "Lê Văn Ê",    "Mai Văn Ơn",    "Lý Thị Ưng"};
    assert_order(unit, NULL, by_name, 11);
    assert_order(unit, "name", by_name, 11);
    static const char *const codes[] = {"Trần Đào",   "Võ Thị Ấn",   "Hà Văn Ân",     "Đỗ Thị Anh",
                                        "Lý Thị Ưng", "Mai Văn Ơn",  "Lê Văn An",     "Nguyễn Thị An",
                                        "Phan Văn Bình", "Lê Văn Ê", "Trần Văn Dũng"};
    assert_order(unit, "code", codes, 11);
    static const char *const codes_desc[] = {"Trần Văn Dũng", "Lê Văn Ê",  "Phan Văn Bình", "Nguyễn Thị An",
                                             "Lê Văn An",     "Mai Văn Ơn", "Lý Thị Ưng",   "Đỗ Thị Anh",
                                             "Hà Văn Ân",     "Võ Thị Ấn",  "Trần Đào"};
    assert_order(unit, "-code", codes_desc, 11);
    /* Whole names: Đ after D, after every other family name here but T, V. */
    static const char *const full[] = {"Đỗ Thị Anh",  "Hà Văn Ân",    "Lê Văn An",   "Lê Văn Ê",
                                       "Lý Thị Ưng",  "Mai Văn Ơn",   "Nguyễn Thị An", "Phan Văn Bình",
                                       "Trần Đào",    "Trần Văn Dũng", "Võ Thị Ấn"};
    assert_order(unit, "full_name", full, 11);
    t_resp *r = t_getf(admin, "/api/v1/staff?unit_id=%lld&sort=given_name", unit);
    t_assert_problem(r, 400, "sort");
    t_free(r);
}

static void active_on_and_paging(void **state)
{
    (void)state;
    long long unit = make_unit(agency, "ACT");
    char body[512];
    snprintf(body, sizeof body, "{\"code\":\"A1\",\"full_name\":\"Bùi Văn An\",\"unit_id\":%lld,\"category\":\"cong_chuc\","
             "\"joined_on\":\"2020-01-01\",\"left_on\":\"2024-06-30\"}", unit);
    post_id("/api/v1/staff", admin, body);
    snprintf(body, sizeof body, "{\"code\":\"A2\",\"full_name\":\"Bùi Văn Bảo\",\"unit_id\":%lld,"
             "\"category\":\"nguoi_lao_dong\",\"joined_on\":\"2024-07-01\"}", unit);
    post_id("/api/v1/staff", admin, body);
    snprintf(body, sizeof body, "{\"code\":\"A3\",\"full_name\":\"Bùi Văn Cường\",\"unit_id\":%lld,"
             "\"category\":\"vien_chuc\",\"joined_on\":\"2018-05-05\"}", unit);
    post_id("/api/v1/staff", admin, body);
    static const struct {
        const char *day;
        long long total;
    } cases[] = {{"2024-06-29", 2}, {"2024-06-30", 1}, {"2024-07-01", 2}, {"2017-01-01", 0}};
    for (size_t i = 0; i < 4; i++) {
        t_resp *r = t_getf(admin, "/api/v1/staff?unit_id=%lld&active_on=%s", unit, cases[i].day);
        t_assert_status(r, 200);
        assert_int_equal(t_json_int(r->json, "total"), cases[i].total);
        t_free(r);
    }
    t_resp *r = t_getf(admin, "/api/v1/staff?unit_id=%lld&limit=1&offset=1", unit);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 3);
    assert_int_equal(t_json_int(r->json, "limit"), 1);
    assert_int_equal(t_json_int(r->json, "offset"), 1);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    assert_string_equal(t_json_str(json_array_get(json_object_get(r->json, "items"), 0), "full_name"), "Bùi Văn Bảo");
    t_free(r);
    r = t_getf(admin, "/api/v1/staff?unit_id=%lld&active_on=2024-02-30", unit);
    t_assert_problem(r, 400, "active_on");
    t_free(r);
    r = t_get("/api/v1/staff?unit_id=abc", admin);
    t_assert_problem(r, 400, "unit_id");
    t_free(r);
    r = t_get("/api/v1/staff?limit=0", admin);
    t_assert_problem(r, 400, "limit");
    t_free(r);
    r = t_getf(admin, "/api/v1/staff?agency_id=%lld&limit=1000", other_agency);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 1); /* only DUP1 there */
    t_free(r);
}

int main(void)
{
    t_init();
    admin = t_user("tstaff_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "STF", agency_code, sizeof agency_code);
    other_agency = t_make_agency(admin, "STO", other_code, sizeof other_code);
    unit1 = make_unit(agency, "U1");
    unit2 = make_unit(agency, "U2");
    other_unit = make_unit(other_agency, "U1");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_get_and_audit),
        cmocka_unit_test(name_is_stored_nfc),
        cmocka_unit_test(validation_names_the_field),
        cmocka_unit_test(duplicate_code_is_409),
        cmocka_unit_test(patch_and_delete),
        cmocka_unit_test(readers_cannot_write),
        cmocka_unit_test(unit_head_writes_own_unit_only),
        cmocka_unit_test(search_ignores_accents_and_case),
        cmocka_unit_test(vietnamese_name_order),
        cmocka_unit_test(active_on_and_paging),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    return rc;
}
