/* GET /campaigns/{id}/council-candidates: the active council and director
 * users of the campaign's agency, sorted the Vietnamese way by given name;
 * nobody of another agency, no office or inactive user; the office and
 * admins read it, others 403; another agency's campaign 404. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "facts_fixture.h"

static char *admin, *office, *viewer, *director_token, *other_office;
static long long campaign, other_campaign;

static void named(const char *username, const char *full_name)
{
    const char *p[] = {username, full_name};
    free(t_sql("UPDATE users SET full_name = $2 WHERE username = $1", 2, p));
}

/* The candidates answered, as "username,username,..." in order. */
static void assert_candidates(t_resp *r, const char *expected)
{
    t_assert_status(r, 200);
    char got[1024] = "";
    size_t i, k = 0;
    json_t *it;
    json_array_foreach(json_object_get(r->json, "items"), i, it)
        k += (size_t)snprintf(got + k, sizeof got - k, "%s%s", i ? "," : "", t_json_str(it, "username"));
    if (strcmp(got, expected) != 0)
        fail_msg("candidates: expected %s, got %s", expected, got);
}

static void the_agencys_council_and_directors_by_given_name(void **state)
{
    (void)state;
    t_resp *r = t_getf(office, "/api/v1/campaigns/%lld/council-candidates", campaign);
    /* By given name, D before Đ (Dũng < Đạt); a user without a name sorts
     * by username ("cc_zeta", between Bình and Dũng). */
    assert_candidates(r, "cc_anh,cc_binh,cc_zeta,cc_dung,cc_dat");
    assert_int_equal(t_json_int(r->json, "total"), 5);
    json_t *first = json_array_get(json_object_get(r->json, "items"), 0);
    assert_string_equal(t_json_str(first, "full_name"), "Lê Thị Ánh");
    assert_string_equal(t_json_str(first, "role"), "council");
    t_free(r);
    r = t_getf(admin, "/api/v1/campaigns/%lld/council-candidates?role=director", campaign);
    assert_candidates(r, "cc_binh");
    t_free(r);
    r = t_getf(office, "/api/v1/campaigns/%lld/council-candidates?limit=2&offset=1", campaign);
    assert_candidates(r, "cc_binh,cc_zeta");
    assert_int_equal(t_json_int(r->json, "total"), 5);
    t_free(r);
}

static void refusals(void **state)
{
    (void)state;
    t_resp *r = t_getf(viewer, "/api/v1/campaigns/%lld/council-candidates", campaign);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_getf(director_token, "/api/v1/campaigns/%lld/council-candidates", campaign);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_getf(other_office, "/api/v1/campaigns/%lld/council-candidates", campaign);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(office, "/api/v1/campaigns/%lld/council-candidates", other_campaign);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(office, "/api/v1/campaigns/%lld/council-candidates?role=office", campaign);
    t_assert_problem(r, 400, "role");
    t_free(r);
    r = t_get("/api/v1/campaigns/999999999/council-candidates", admin);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

int main(void)
{
    t_init();
    char code[32], other_code[32];
    admin = t_user("cc_admin", "admin", NULL, NULL);
    long long agency = t_make_agency(admin, "CCA", code, sizeof code);
    long long other_agency = t_make_agency(admin, "CCB", other_code, sizeof other_code);
    campaign = fx_campaign(agency, "CC-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    other_campaign = fx_campaign(other_agency, "CC-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    office = t_user("cc_office", "office", NULL, code);
    viewer = t_user("cc_viewer", "viewer", NULL, code);
    other_office = t_user("cc_other_office", "office", NULL, other_code);
    free(t_user("cc_dat", "council", NULL, code));
    free(t_user("cc_dung", "council", NULL, code));
    free(t_user("cc_anh", "council", NULL, code));
    free(t_user("cc_zeta", "council", NULL, code));
    director_token = t_user("cc_binh", "director", NULL, code);
    free(t_user("cc_gone", "council", NULL, code));
    free(t_user("cc_theirs", "council", NULL, other_code));
    named("cc_dat", "Trần Quốc Đạt");
    named("cc_dung", "Phạm Văn Dũng");
    named("cc_anh", "Lê Thị Ánh");
    named("cc_binh", "Nguyễn Thanh Bình");
    named("cc_gone", "Võ Văn An");
    named("cc_theirs", "Hồ Thị An");
    free(t_sql("UPDATE users SET active = false WHERE username = 'cc_gone'", 0, NULL));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_agencys_council_and_directors_by_given_name),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
