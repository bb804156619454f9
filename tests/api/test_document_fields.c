/* The fields that only SQL could set before (issue 12): an agency's
 * parent_body and place (what a report prints above its name and before
 * its date), and the kind of achievement (thuong_xuyen, chuyen_de,
 * dot_xuat) of titles, one by one and by CSV import (an optional column),
 * and of nominations. Each: set, answered in the JSON, defaulted, and a bad
 * value a 422 naming the field with nothing written. */
#include "client.h"
#include "facts_fixture.h"

static char *admin, *office;
static long long agency, unit, campaign;
static char agency_code[64];

static void agency_heading_and_place(void **state)
{
    (void)state;
    char code[64], body[512];
    snprintf(code, sizeof code, "DF%s", t_unique());
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"Sở Nội vụ\",\"kind\":\"agency\",\"parent_body\":\"UBND TỈNH SÓC TRĂNG\","
             "\"place\":\"Sóc Trăng\"}", code);
    t_resp *r = t_post("/api/v1/units", admin, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    assert_string_equal(t_json_str(r->json, "parent_body"), "UBND TỈNH SÓC TRĂNG");
    assert_string_equal(t_json_str(r->json, "place"), "Sóc Trăng");
    t_free(r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/units/%lld", id);
    /* A PATCH of the place only keeps the heading; null clears it. */
    r = t_patch(path, admin, "{\"place\":\"Cần Thơ\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "place"), "Cần Thơ");
    assert_string_equal(t_json_str(r->json, "parent_body"), "UBND TỈNH SÓC TRĂNG");
    t_free(r);
    /* Too long (201 characters), blank, or on a division: 422 naming it. */
    char longer[1024];
    size_t o = (size_t)snprintf(longer, sizeof longer, "{\"parent_body\":\"");
    for (int i = 0; i < 201; i++)
        o += (size_t)snprintf(longer + o, sizeof longer - o, "Ủ");
    snprintf(longer + o, sizeof longer - o, "\"}");
    r = t_patch(path, admin, longer);
    t_assert_problem(r, 422, "parent_body");
    t_free(r);
    r = t_patch(path, admin, "{\"place\":\"   \"}");
    t_assert_problem(r, 422, "place");
    t_free(r);
    r = t_patch(path, admin, "{\"place\":7}");
    t_assert_problem(r, 422, "place");
    t_free(r);
    snprintf(body, sizeof body,
             "{\"code\":\"DFX\",\"name\":\"Phòng X\",\"kind\":\"division\",\"parent_id\":%lld,\"place\":\"Sóc Trăng\"}", id);
    r = t_post("/api/v1/units", admin, body);
    t_assert_problem(r, 422, "place");
    t_free(r);
    r = t_get(path, admin);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "place"), "Cần Thơ");
    t_free(r);
    r = t_patch(path, admin, "{\"parent_body\":null}");
    t_assert_status(r, 200);
    assert_true(json_is_null(json_object_get(r->json, "parent_body")));
    t_free(r);
}

static long long title(const char *extra, long long staff, int status, const char *field)
{
    char path[96], body[512];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/titles", campaign);
    snprintf(body, sizeof body,
             "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"title\":\"LDTT\",\"decision_no\":\"12/QĐ-DF\","
             "\"decided_on\":\"2025-12-26\"%s}", staff, extra);
    t_resp *r = t_post(path, office, body);
    long long id = 0;
    if (field)
        t_assert_problem(r, status, field);
    else {
        t_assert_status(r, status);
        id = t_json_int(r->json, "id");
    }
    t_free(r);
    return id;
}

static const char *title_achievement(long long staff)
{
    static char buf[32];
    char s[32];
    snprintf(s, sizeof s, "%lld", staff);
    const char *p[] = {s};
    char *a = t_sql("SELECT coalesce(string_agg(achievement, ','), '-') FROM titles WHERE staff_id = $1::bigint", 1, p);
    snprintf(buf, sizeof buf, "%s", a);
    free(a);
    return buf;
}

static void title_achievement_one_by_one(void **state)
{
    (void)state;
    long long s1 = fx_staff(unit, "DF1", "Lê Thị Ánh", "2020-01-01", NULL);
    long long s2 = fx_staff(unit, "DF2", "Trần Văn Đức", "2020-01-01", NULL);
    long long s3 = fx_staff(unit, "DF3", "Phạm Thị Hường", "2020-01-01", NULL);
    long long id = title(",\"achievement\":\"chuyen_de\"", s1, 201, NULL);
    t_resp *r = t_getf(office, "/api/v1/titles/%lld", id);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "achievement"), "chuyen_de");
    t_free(r);
    title("", s2, 201, NULL);
    assert_string_equal(title_achievement(s2), "thuong_xuyen");
    title(",\"achievement\":\"thuongxuyen\"", s3, 422, "achievement");
    title(",\"achievement\":\"Đột xuất\"", s3, 422, "achievement");
    assert_string_equal(title_achievement(s3), "-");
}

static void title_achievement_imported(void **state)
{
    (void)state;
    fx_staff(unit, "DF4", "Võ Minh Khôi", "2020-01-01", NULL);
    long long s5 = fx_staff(unit, "DF5", "Đặng Thị Yến", "2020-01-01", NULL);
    long long s6 = fx_staff(unit, "DF6", "Huỳnh Văn Lực", "2020-01-01", NULL);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/titles/import", campaign);
    /* The optional column: a kind, and an empty cell (thuong_xuyen). */
    t_resp *r = fx_csv(path, office,
                       "subject_type,subject_code,title,decision_no,decided_on,achievement\n"
                       "staff,DF5,LDTT,13/QĐ-DF,2025-12-27,dot_xuat\n"
                       "staff,DF6,LDTT,13/QĐ-DF,2025-12-27,\n");
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "created"), 2);
    t_free(r);
    assert_string_equal(title_achievement(s5), "dot_xuat");
    assert_string_equal(title_achievement(s6), "thuong_xuyen");
    /* Without the column: an update keeps the kind the title has. */
    r = fx_csv(path, office,
               "subject_type,subject_code,title,decision_no,decided_on\n"
               "staff,DF5,LDTT,14/QĐ-DF,2025-12-28\n");
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "updated"), 1);
    t_free(r);
    assert_string_equal(title_achievement(s5), "dot_xuat");
    /* A bad kind: 422 naming the column and its row, nothing written. */
    r = fx_csv(path, office,
               "subject_type,subject_code,title,decision_no,decided_on,achievement\n"
               "staff,DF4,LDTT,15/QĐ-DF,2025-12-29,chuyen_de\n"
               "staff,DF5,LDTT,15/QĐ-DF,2025-12-29,bat_thuong\n");
    t_assert_status(r, 422);
    fx_assert_error(r, "achievement", 2, NULL);
    assert_int_equal(fx_error_count(r), 1);
    t_free(r);
    assert_string_equal(title_achievement(s5), "dot_xuat");
    char s[32];
    snprintf(s, sizeof s, "%lld", s5);
    const char *p[] = {s};
    char *no = t_sql("SELECT decision_no FROM titles WHERE staff_id = $1::bigint", 1, p);
    assert_string_equal(no, "14/QĐ-DF");
    free(no);
}

static void nomination_achievement(void **state)
{
    (void)state;
    long long s7 = fx_staff(unit, "DF7", "Ngô Thị Thủy", "2020-01-01", NULL);
    long long s8 = fx_staff(unit, "DF8", "Bùi Quốc Vượng", "2020-01-01", NULL);
    char path[96], body[256];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/nominations", campaign);
    snprintf(body, sizeof body,
             "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"award\":\"GIAY_KHEN\",\"achievement\":\"dot_xuat\"}", s7);
    t_resp *r = t_post(path, office, body);
    t_assert_status(r, 201);
    assert_string_equal(t_json_str(r->json, "achievement"), "dot_xuat");
    long long id = t_json_int(r->json, "id");
    t_free(r);
    snprintf(body, sizeof body, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"award\":\"GIAY_KHEN\"}", s8);
    r = t_post(path, office, body);
    t_assert_status(r, 201);
    assert_string_equal(t_json_str(r->json, "achievement"), "thuong_xuyen");
    t_free(r);
    snprintf(body, sizeof body,
             "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"award\":\"LDTT\",\"achievement\":\"chuyen-de\"}", s8);
    r = t_post(path, office, body);
    t_assert_problem(r, 422, "achievement");
    t_free(r);
    assert_int_equal(fx_count("SELECT count(*) FROM nominations WHERE staff_id = $1::bigint", s8), 1);

    char one[64];
    snprintf(one, sizeof one, "/api/v1/nominations/%lld", id);
    r = t_patch(one, office, "{\"achievement\":\"chuyen_de\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "achievement"), "chuyen_de");
    t_free(r);
    /* The reason alone leaves the kind; a bad kind is refused. */
    r = t_patch(one, office, "{\"reason\":\"Cứu người trong lũ\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "achievement"), "chuyen_de");
    t_free(r);
    r = t_patch(one, office, "{\"achievement\":\"\"}");
    t_assert_problem(r, 422, "achievement");
    t_free(r);
    /* null: back to thuong_xuyen. */
    r = t_patch(one, office, "{\"achievement\":null}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "achievement"), "thuong_xuyen");
    t_free(r);
}

int main(void)
{
    t_init();
    admin = t_user("df_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "DFA", agency_code, sizeof agency_code);
    unit = fx_unit(admin, agency, "D1", "division", NULL);
    campaign = fx_campaign(agency, "DF-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    office = t_user("df_office", "office", NULL, agency_code);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(agency_heading_and_place),
        cmocka_unit_test(title_achievement_one_by_one),
        cmocka_unit_test(title_achievement_imported),
        cmocka_unit_test(nomination_achievement),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    return rc;
}
