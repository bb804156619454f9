/* Award history (awards.md "Resources", "Fairness"): every award of a
 * campaign, direct (a title entered as a decision) or through a nomination
 * (decided by the agency, or granted by the higher level), each once; a
 * proposal still waiting upward is none; counts by award and by
 * leader_level; people sorted the Vietnamese way (given name: An, Ánh,
 * Bình); a person's and a unit's history over every campaign of the
 * agency, newest year first; other agencies see nothing. */
#include "client.h"
#include "facts_fixture.h"

static char *admin, *office, *director, *viewer, *other_viewer;
static long long agency, d1, d2, other_agency, c24, c25;
static long long a, b, c, d, f;
static long long n_b, n_c;
static char agency_code[64], other_code[64];

static const char *num(long long v)
{
    static char buf[8][24];
    static int next;
    char *x = buf[next++ % 8];
    snprintf(x, sizeof buf[0], "%lld", v);
    return x;
}

static long long person(long long unit, const char *code, const char *name, const char *leader)
{
    long long s = fx_staff(unit, code, name, "2020-01-01", NULL);
    const char *p[] = {num(s), leader};
    free(t_sql("UPDATE staff SET leader_level = $2 WHERE id = $1::bigint", 2, p));
    return s;
}

static void direct_title(long long camp, long long staff, const char *title, const char *no, const char *on)
{
    const char *p[] = {num(camp), num(staff), title, no, on};
    t_sql_int("INSERT INTO titles (campaign_id, subject_type, staff_id, title, decision_no, decided_on)"
              " VALUES ($1, 'staff', $2, $3, $4, $5) RETURNING id",
              5, p);
}

static void rated(long long camp, long long staff)
{
    const char *p[] = {num(camp), num(staff)};
    t_sql_int("INSERT INTO ratings (campaign_id, subject_type, staff_id, level, decided_on)"
              " VALUES ($1, 'staff', $2, 'HTXSNV', '2025-12-10') RETURNING id",
              2, p);
}

static long long recommended(long long camp, const char *type, long long subject, const char *award)
{
    char path[96], body[256];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/nominations", camp);
    snprintf(body, sizeof body, "{\"subject_type\":\"%s\",\"subject_id\":%lld,\"award\":\"%s\"}", type, subject, award);
    t_resp *r = t_post(path, office, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    const char *p[] = {num(id)};
    free(t_sql("UPDATE nominations SET state = 'recommended' WHERE id = $1::bigint", 1, p));
    return id;
}

static void decide(long long camp, const char *no, const char *ids)
{
    char path[96], body[256];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/decisions", camp);
    snprintf(body, sizeof body, "{\"decision_no\":\"%s\",\"decided_on\":\"2025-12-20\",\"nomination_ids\":%s}", no, ids);
    t_resp *r = t_post(path, director, body);
    t_assert_status(r, 201);
    t_free(r);
}

static void setup_world(void)
{
    c24 = fx_campaign(agency, "HIS-2024", "2024-01-01", "2024-12-31", "2025-03-31");
    c25 = fx_campaign(agency, "HIS-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    const char *p[] = {num(c25)};
    free(t_sql("UPDATE campaign_award_rules SET rules = jsonb_set(jsonb_set(rules, '{awards,CSTD_TINH,criteria}',"
               " '[{\"code\":\"no_hold\",\"params\":{}}]'), '{awards,CSTD_TINH,council,public_notice_days}', '0')"
               " WHERE campaign_id = $1::bigint",
               1, p));
    a = person(d1, "H1", "Lê Văn An", "none");
    b = person(d1, "H2", "Nguyễn Văn Ánh", "unit");
    c = person(d2, "H3", "Trần Thị Bình", "agency");
    d = person(d2, "H4", "Phạm Văn Chờ", "none");
    f = person(d2, "H5", "Hoàng Thị Bình", "none");
    direct_title(c24, a, "LDTT", "TT-24", "2024-12-20");
    direct_title(c24, a, "CSTD_TINH", "12/QĐ-UBND", "2025-02-10"); /* granted by the province, entered directly */
    direct_title(c25, a, "LDTT", "TT-25", "2025-12-18");
    direct_title(c25, f, "LDTT", "TT-25", "2025-12-18");
    rated(c25, b);
    n_b = recommended(c25, "staff", b, "LDTT");
    long long n_unit = recommended(c25, "unit", d2, "GIAY_KHEN");
    n_c = recommended(c25, "staff", c, "CSTD_TINH");
    long long n_d = recommended(c25, "staff", d, "CSTD_TINH");
    char ids[128];
    snprintf(ids, sizeof ids, "[%lld,%lld,%lld,%lld]", n_b, n_unit, n_c, n_d);
    decide(c25, "50/QĐ-SNV", ids);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/nominations/%lld/outcome", n_c);
    t_resp *r = t_post(path, office, "{\"granted\":true,\"decision_no\":\"300/QĐ-UBND\",\"decided_on\":\"2026-04-02\"}");
    t_assert_status(r, 200);
    t_free(r);
}

static json_t *item(const t_resp *r, size_t i)
{
    json_t *items = json_object_get(r->json, "items");
    if (i >= json_array_size(items))
        fail_msg("no item %zu: %s", i, r->body);
    return json_array_get(items, i);
}

static void campaign_awards(void **state)
{
    (void)state;
    t_resp *r = t_getf(viewer, "/api/v1/campaigns/%lld/awards", c25);
    t_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 5);
    /* People first, by award, then An, Ánh, Bình (not byte order, which puts Ánh last). */
    json_t *x = item(r, 0);
    assert_int_equal(t_json_int(x, "subject_id"), a);
    assert_string_equal(t_json_str(x, "award"), "LDTT");
    assert_string_equal(t_json_str(x, "way"), "direct");
    assert_string_equal(t_json_str(x, "level"), "agency");
    assert_true(json_is_null(json_object_get(x, "nomination_id")));
    assert_string_equal(t_json_str(x, "decision_no"), "TT-25");
    assert_string_equal(t_json_str(x, "decided_on"), "2025-12-18");
    assert_string_equal(t_json_str(x, "leader_level"), "none");
    assert_string_equal(t_json_str(x, "subject_name"), "Lê Văn An");
    assert_int_equal(t_json_int(x, "unit_id"), d1);
    assert_string_equal(t_json_str(x, "unit_name"), "Đơn vị H1");
    x = item(r, 1);
    assert_int_equal(t_json_int(x, "subject_id"), b); /* its title row from the decision is not listed again */
    assert_string_equal(t_json_str(x, "way"), "nomination");
    assert_int_equal(t_json_int(x, "nomination_id"), n_b);
    assert_string_equal(t_json_str(x, "decision_no"), "50/QĐ-SNV");
    assert_string_equal(t_json_str(x, "leader_level"), "unit");
    x = item(r, 2);
    assert_int_equal(t_json_int(x, "subject_id"), f);
    x = item(r, 3);
    assert_int_equal(t_json_int(x, "subject_id"), c);
    assert_string_equal(t_json_str(x, "award"), "CSTD_TINH");
    assert_string_equal(t_json_str(x, "level"), "higher");
    assert_string_equal(t_json_str(x, "decision_no"), "300/QĐ-UBND");
    assert_string_equal(t_json_str(x, "decided_on"), "2026-04-02");
    x = item(r, 4);
    assert_string_equal(t_json_str(x, "subject_type"), "unit");
    assert_int_equal(t_json_int(x, "subject_id"), d2);
    assert_string_equal(t_json_str(x, "award"), "GIAY_KHEN");
    assert_true(json_is_null(json_object_get(x, "leader_level")));
    assert_string_equal(t_json_str(x, "subject_name"), "Đơn vị H2");
    /* Counts: d's proposal still waits upward and is no award. */
    json_t *counts = json_object_get(r->json, "counts");
    assert_int_equal(t_json_int(counts, "total"), 5);
    json_t *by = json_object_get(counts, "by_award");
    assert_int_equal(t_json_int(by, "LDTT"), 3);
    assert_int_equal(t_json_int(by, "CSTD_TINH"), 1);
    assert_int_equal(t_json_int(by, "GIAY_KHEN"), 1);
    assert_int_equal(json_object_size(by), 3);
    by = json_object_get(counts, "by_leader_level");
    assert_int_equal(t_json_int(by, "none"), 2);
    assert_int_equal(t_json_int(by, "unit"), 1);
    assert_int_equal(t_json_int(by, "agency"), 1);
    t_free(r);

    r = t_getf(viewer, "/api/v1/campaigns/%lld/awards", c24);
    t_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
    assert_int_equal(t_json_int(json_object_get(r->json, "counts"), "total"), 2);
    assert_string_equal(t_json_str(item(r, 1), "award"), "CSTD_TINH");
    assert_string_equal(t_json_str(item(r, 1), "way"), "direct");
    assert_string_equal(t_json_str(item(r, 1), "level"), "higher");
    t_free(r);
}

static void histories(void **state)
{
    (void)state;
    t_resp *r = t_getf(viewer, "/api/v1/staff/%lld/awards", a);
    t_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 3);
    json_t *x = item(r, 0);
    assert_int_equal(t_json_int(x, "year"), 2025);
    assert_int_equal(t_json_int(x, "campaign_id"), c25);
    assert_string_equal(t_json_str(x, "campaign_name"), "Phong trào thi đua HIS-2025");
    assert_string_equal(t_json_str(x, "award"), "LDTT");
    assert_string_equal(t_json_str(x, "way"), "direct");
    assert_string_equal(t_json_str(x, "level"), "agency");
    assert_int_equal(t_json_int(item(r, 1), "year"), 2024); /* the later decision of the year first */
    assert_string_equal(t_json_str(item(r, 1), "award"), "CSTD_TINH");
    assert_string_equal(t_json_str(item(r, 1), "level"), "higher");
    assert_string_equal(t_json_str(item(r, 1), "decided_on"), "2025-02-10");
    assert_int_equal(t_json_int(item(r, 2), "year"), 2024);
    assert_string_equal(t_json_str(item(r, 2), "decision_no"), "TT-24");
    t_free(r);

    r = t_getf(viewer, "/api/v1/staff/%lld/awards", c);
    t_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    x = item(r, 0);
    assert_string_equal(t_json_str(x, "award"), "CSTD_TINH");
    assert_string_equal(t_json_str(x, "way"), "nomination");
    assert_string_equal(t_json_str(x, "level"), "higher");
    assert_string_equal(t_json_str(x, "decision_no"), "300/QĐ-UBND");
    t_free(r);

    r = t_getf(viewer, "/api/v1/staff/%lld/awards", d); /* waiting upward: nothing yet */
    t_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    t_free(r);

    r = t_getf(viewer, "/api/v1/units/%lld/awards", d2);
    t_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    assert_string_equal(t_json_str(item(r, 0), "award"), "GIAY_KHEN");
    assert_string_equal(t_json_str(item(r, 0), "way"), "nomination");
    t_free(r);
    r = t_getf(viewer, "/api/v1/units/%lld/awards", d1);
    t_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    t_free(r);
}

static void agencies_and_unknowns(void **state)
{
    (void)state;
    const char *paths[] = {"/api/v1/campaigns/%lld/awards", "/api/v1/staff/%lld/awards", "/api/v1/units/%lld/awards"};
    long long ids[] = {c25, a, d2};
    for (size_t i = 0; i < 3; i++) {
        t_resp *r = t_getf(other_viewer, paths[i], ids[i]);
        t_assert_problem(r, 404, NULL);
        t_free(r);
        r = t_getf(viewer, paths[i], 999999999999LL);
        t_assert_problem(r, 404, NULL);
        t_free(r);
        r = t_getf(admin, paths[i], ids[i]); /* the installation admin reaches every agency */
        t_assert_status(r, 200);
        t_free(r);
        char path[128];
        snprintf(path, sizeof path, paths[i], ids[i]);
        snprintf(path + strlen(path), sizeof path - strlen(path), "?limit=5");
        r = t_get(path, viewer);
        t_assert_problem(r, 400, "limit");
        t_free(r);
    }
}

int main(void)
{
    t_init();
    admin = t_user("his_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "HIS", agency_code, sizeof agency_code);
    d1 = fx_unit(admin, agency, "H1", "division", NULL);
    d2 = fx_unit(admin, agency, "H2", "division", NULL);
    other_agency = t_make_agency(admin, "HIX", other_code, sizeof other_code);
    office = t_user("his_office", "office", NULL, agency_code);
    director = t_user("his_director", "director", NULL, agency_code);
    viewer = t_user("his_viewer", "viewer", NULL, agency_code);
    other_viewer = t_user("his_other_viewer", "viewer", NULL, other_code);
    (void)other_agency;
    setup_world();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(campaign_awards),
        cmocka_unit_test(histories),
        cmocka_unit_test(agencies_and_unknowns),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    free(director);
    free(viewer);
    free(other_viewer);
    return rc;
}
