/* Nominations and their eligibility (awards.md): create, list, get, edit
 * and withdraw; the eligibility of each criterion with the facts it used,
 * met and failed for each reason separately (the rating, the tenure
 * boundary day, an open hold), CSTDCS through its initiative
 * alternative, a unit's member shares; one open nomination per campaign,
 * subject and award; a unit_head for its own unit only; another agency's
 * campaign; an award for the other subject type; a campaign without a
 * copy of the rules. The campaign is 2025 (E = 2025-12-31), under
 * luat-2022. */
#include "client.h"
#include "facts_fixture.h"

static char *admin, *office, *head, *other_office;
static long long agency, unit, unit2, other_agency, foreign_unit, campaign, foreign_campaign;
static char agency_code[64], other_code[64];

static long long staff_rated(const char *code, const char *joined, const char *level)
{
    long long s = fx_staff(unit, code, "Nguyễn Văn Thi", joined, NULL);
    if (level) {
        char c[32], id[32];
        snprintf(c, sizeof c, "%lld", campaign);
        snprintf(id, sizeof id, "%lld", s);
        const char *p[] = {c, id, level};
        t_sql_int("INSERT INTO ratings (campaign_id, subject_type, staff_id, level, decided_on, decision_no)"
                  " VALUES ($1, 'staff', $2::bigint, $3, '2025-12-15', 'QD-' || $2::bigint::text) RETURNING id",
                  3, p);
    }
    return s;
}

static t_resp *nominate(const char *token, long long camp, const char *type, long long subject, const char *award)
{
    char path[96], body[256];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/nominations", camp);
    snprintf(body, sizeof body, "{\"subject_type\":\"%s\",\"subject_id\":%lld,\"award\":\"%s\",\"reason\":\"Thành tích tốt\"}",
             type, subject, award);
    return t_post(path, token, body);
}

static long long nominated(const char *type, long long subject, const char *award)
{
    t_resp *r = nominate(office, campaign, type, subject, award);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

/* The eligibility of nomination id as of the day. */
static t_resp *eligibility(long long id, const char *as_of)
{
    t_resp *r = t_getf(office, "/api/v1/nominations/%lld/eligibility?as_of=%s", id, as_of);
    t_assert_status(r, 200);
    return r;
}

/* The top-level criterion of code of an eligibility answer. */
static json_t *criterion(const t_resp *r, const char *code)
{
    json_t *list = json_object_get(r->json, "criteria");
    for (size_t i = 0; i < json_array_size(list); i++)
        if (strcmp(t_json_str(json_array_get(list, i), "code"), code) == 0)
            return json_array_get(list, i);
    fail_msg("no criterion %s: %s", code, r->body);
    return NULL;
}

static bool met(const t_resp *r, const char *code)
{
    return json_is_true(json_object_get(criterion(r, code), "met"));
}

static bool eligible(const t_resp *r)
{
    return json_is_true(json_object_get(r->json, "eligible"));
}

static void create_list_get(void **state)
{
    (void)state;
    long long s = staff_rated("N1", "2020-01-01", "HTTNV");
    t_resp *r = nominate(office, campaign, "staff", s, "LDTT");
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    assert_non_null(t_header(r, "Location"));
    assert_string_equal(t_json_str(r->json, "state"), "proposed");
    assert_string_equal(t_json_str(r->json, "award"), "LDTT");
    assert_int_equal(t_json_int(r->json, "subject_id"), s);
    json_t *e = json_object_get(r->json, "eligibility");
    assert_true(json_is_true(json_object_get(e, "eligible"))); /* today is after the rating */
    t_free(r);

    r = t_getf(office, "/api/v1/campaigns/%lld/nominations?award=LDTT&subject_type=staff&unit_id=%lld&state=proposed",
               campaign, unit);
    t_assert_status(r, 200);
    bool found = false;
    json_t *items = json_object_get(r->json, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        if (t_json_int(it, "id") == id) {
            found = true;
            assert_non_null(json_object_get(json_object_get(it, "eligibility"), "criteria"));
        }
    }
    assert_true(found);
    t_free(r);
    r = t_getf(office, "/api/v1/campaigns/%lld/nominations?unit_id=%lld", campaign, unit2);
    t_assert_status(r, 200);
    for (size_t i = 0; i < json_array_size(json_object_get(r->json, "items")); i++)
        assert_int_not_equal(fx_item_int(r, i, "id"), id);
    t_free(r);

    r = t_getf(office, "/api/v1/nominations/%lld", id);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "reason"), "Thành tích tốt");
    t_free(r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/nominations/%lld", id);
    r = t_patch(path, office, "{\"reason\":\"Hoàn thành xuất sắc\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "reason"), "Hoàn thành xuất sắc");
    t_free(r);
    r = t_getf(other_office, "/api/v1/nominations/%lld", id);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

static void ldtt_met_with_evidence(void **state)
{
    (void)state;
    long long s = staff_rated("N2", "2025-07-01", "HTTNV"); /* the tenure boundary day: 6 months by E + 1 */
    long long id = nominated("staff", s, "LDTT");
    t_resp *r = eligibility(id, "2026-01-10");
    assert_true(eligible(r));
    assert_string_equal(t_json_str(r->json, "as_of"), "2026-01-10");
    json_t *ev = json_object_get(criterion(r, "rating_at_least"), "evidence");
    assert_string_equal(t_json_str(ev, "rating"), "HTTNV");
    assert_string_equal(t_json_str(ev, "decided_on"), "2025-12-15");
    assert_non_null(strstr(t_json_str(ev, "decision_no"), "QD-"));
    assert_string_equal(t_json_str(json_object_get(criterion(r, "rating_at_least"), "params"), "level"), "HTTNV");
    ev = json_object_get(criterion(r, "tenure_months"), "evidence");
    assert_string_equal(t_json_str(ev, "joined_on"), "2025-07-01");
    assert_string_equal(t_json_str(ev, "tenure_reached_on"), "2026-01-01");
    assert_true(met(r, "no_hold"));
    t_free(r);
    /* Before the rating was decided: none counts. */
    r = eligibility(id, "2025-12-14");
    assert_false(eligible(r));
    assert_false(met(r, "rating_at_least"));
    assert_true(met(r, "tenure_months"));
    t_free(r);
}

static void ldtt_fails_for_each_reason(void **state)
{
    (void)state;
    /* Rating too low. */
    long long id = nominated("staff", staff_rated("N3", "2020-01-01", "HTNV"), "LDTT");
    t_resp *r = eligibility(id, "2026-01-10");
    assert_false(eligible(r));
    assert_false(met(r, "rating_at_least"));
    assert_true(met(r, "tenure_months"));
    assert_true(met(r, "no_hold"));
    t_free(r);
    /* Joined one day too late. */
    id = nominated("staff", staff_rated("N4", "2025-07-02", "HTTNV"), "LDTT");
    r = eligibility(id, "2026-01-10");
    assert_false(eligible(r));
    assert_true(met(r, "rating_at_least"));
    assert_false(met(r, "tenure_months"));
    assert_true(met(r, "no_hold"));
    t_free(r);
    /* A hold open at T; closed by then, it no longer counts. */
    long long s = staff_rated("N5", "2020-01-01", "HTTNV");
    id = nominated("staff", s, "LDTT");
    char sid[32];
    snprintf(sid, sizeof sid, "%lld", s);
    const char *p[] = {sid};
    long long hold = t_sql_int("INSERT INTO holds (agency_id, subject_type, staff_id, reason, opened_on, closed_on)"
                               " SELECT agency_id, 'staff', id, 'Đang thanh tra', '2025-11-01', '2026-02-01'"
                               " FROM staff WHERE id = $1 RETURNING id",
                               1, p);
    r = eligibility(id, "2026-01-10");
    assert_false(eligible(r));
    assert_true(met(r, "rating_at_least"));
    assert_true(met(r, "tenure_months"));
    assert_false(met(r, "no_hold"));
    json_t *open = json_object_get(json_object_get(criterion(r, "no_hold"), "evidence"), "open_hold_ids");
    assert_int_equal(json_array_size(open), 1);
    assert_int_equal(json_integer_value(json_array_get(open, 0)), hold);
    t_free(r);
    r = eligibility(id, "2026-02-01");
    assert_true(eligible(r));
    t_free(r);
}

static void cstdcs_through_an_initiative(void **state)
{
    (void)state;
    long long s = staff_rated("N6", "2020-01-01", "HTTNV");
    long long id = nominated("staff", s, "CSTDCS");
    t_resp *r = eligibility(id, "2026-01-10");
    assert_false(eligible(r));
    assert_false(met(r, "any_of"));
    t_free(r);
    char a[32], sid[32];
    snprintf(a, sizeof a, "%lld", agency);
    snprintf(sid, sizeof sid, "%lld", s);
    const char *p[] = {a};
    long long init = t_sql_int("INSERT INTO initiatives (agency_id, title, level, recognized_on, decision_no)"
                               " VALUES ($1, 'Sáng kiến số hóa hồ sơ', 'co_so', '2025-09-01', 'SK-1') RETURNING id",
                               1, p);
    char iid[32];
    snprintf(iid, sizeof iid, "%lld", init);
    const char *q[] = {iid, sid};
    t_sql_int("INSERT INTO initiative_authors (initiative_id, staff_id) VALUES ($1, $2) RETURNING id", 2, q);
    r = eligibility(id, "2026-01-10");
    assert_true(eligible(r));
    json_t *alt = criterion(r, "any_of");
    json_t *items = json_object_get(alt, "any_of");
    assert_int_equal(json_array_size(items), 2);
    assert_false(json_is_true(json_object_get(json_array_get(items, 0), "met"))); /* not HTXSNV */
    json_t *by_init = json_array_get(items, 1);
    assert_string_equal(t_json_str(by_init, "code"), "initiative");
    assert_true(json_is_true(json_object_get(by_init, "met")));
    json_t *ids = json_object_get(json_object_get(by_init, "evidence"), "initiative_ids");
    assert_int_equal(json_integer_value(json_array_get(ids, 0)), init);
    t_free(r);
    /* Before it was recognised, it does not count. */
    r = eligibility(id, "2025-08-31");
    assert_false(met(r, "any_of"));
    t_free(r);
}

static void unit_member_shares(void **state)
{
    (void)state;
    long long u = fx_unit(admin, agency, "D3", "division", NULL);
    long long m1 = fx_staff(u, "M1", "Lê Thị Một", "2020-01-01", NULL);
    fx_staff(u, "M2", "Lê Thị Hai", "2020-01-01", NULL);
    char c[32], sid[32], uid[32];
    snprintf(c, sizeof c, "%lld", campaign);
    snprintf(sid, sizeof sid, "%lld", m1);
    snprintf(uid, sizeof uid, "%lld", u);
    const char *p[] = {c, uid};
    t_sql_int("INSERT INTO ratings (campaign_id, subject_type, unit_id, level, decided_on)"
              " VALUES ($1, 'unit', $2, 'HTTNV', '2025-12-20') RETURNING id",
              2, p);
    const char *q[] = {c, sid};
    t_sql_int("INSERT INTO titles (campaign_id, subject_type, staff_id, title, decided_on)"
              " VALUES ($1, 'staff', $2, 'LDTT', '2025-12-20') RETURNING id",
              2, q);
    long long id = nominated("unit", u, "TTLDTT");
    t_resp *r = eligibility(id, "2026-01-10");
    assert_true(met(r, "unit_rating_at_least"));
    assert_false(met(r, "members_title_share")); /* 1 of 2 is 50 %, not more */
    json_t *ev = json_object_get(criterion(r, "members_title_share"), "evidence");
    assert_int_equal(t_json_int(ev, "members"), 2);
    assert_int_equal(t_json_int(ev, "holding"), 1);
    assert_false(eligible(r));
    t_free(r);
    /* GIAY_KHEN fits a unit as well as a person. */
    r = nominate(office, campaign, "unit", u, "GIAY_KHEN");
    t_assert_status(r, 201);
    t_free(r);
}

static void one_open_nomination(void **state)
{
    (void)state;
    long long s = staff_rated("N7", "2020-01-01", "HTTNV");
    long long id = nominated("staff", s, "LDTT");
    t_resp *r = nominate(office, campaign, "staff", s, "LDTT");
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = nominate(office, campaign, "staff", s, "CSTDCS"); /* another award: its own */
    t_assert_status(r, 201);
    t_free(r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/nominations/%lld", id);
    r = t_delete(path, office);
    t_assert_status(r, 204);
    t_free(r);
    r = t_getf(office, "/api/v1/nominations/%lld", id);
    assert_string_equal(t_json_str(r->json, "state"), "withdrawn");
    t_free(r);
    r = t_delete(path, office); /* no longer proposed */
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = t_patch(path, office, "{\"reason\":\"Muộn\"}");
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = nominate(office, campaign, "staff", s, "LDTT");
    t_assert_status(r, 201);
    t_free(r);
}

static void unit_heads_and_agencies(void **state)
{
    (void)state;
    long long own = staff_rated("N8", "2020-01-01", "HTTNV");
    long long other = fx_staff(unit2, "N9", "Phạm Văn Khác", "2020-01-01", NULL);
    t_resp *r = nominate(head, campaign, "staff", own, "LDTT");
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    r = nominate(head, campaign, "staff", other, "LDTT");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = nominate(head, campaign, "unit", unit2, "GIAY_KHEN");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = nominate(head, campaign, "unit", unit, "GIAY_KHEN");
    t_assert_status(r, 201);
    t_free(r);
    long long other_id = nominated("staff", other, "LDTT");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/nominations/%lld", other_id);
    r = t_delete(path, head);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    snprintf(path, sizeof path, "/api/v1/nominations/%lld", id);
    r = t_patch(path, head, "{\"reason\":\"Của đơn vị mình\"}");
    t_assert_status(r, 200);
    t_free(r);
    /* Another agency's campaign does not exist; nor does its staff here. */
    r = nominate(office, foreign_campaign, "staff", own, "LDTT");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    long long foreign = fx_staff(foreign_unit, "N10", "Trần Văn Ngoài", "2020-01-01", NULL);
    r = nominate(office, campaign, "staff", foreign, "LDTT");
    t_assert_problem(r, 422, "subject_id");
    t_free(r);
}

static void wrong_award_and_no_rules(void **state)
{
    (void)state;
    long long s = staff_rated("N11", "2020-01-01", "HTTNV");
    t_resp *r = nominate(office, campaign, "staff", s, "TTLDTT");
    t_assert_problem(r, 422, "award");
    t_free(r);
    r = nominate(office, campaign, "unit", unit, "CSTDCS");
    t_assert_problem(r, 422, "award");
    t_free(r);
    r = nominate(office, campaign, "staff", s, "NO_SUCH_AWARD");
    t_assert_problem(r, 422, "award");
    t_free(r);
    /* Left before the campaign: not on the staff during it. */
    long long gone = fx_staff(unit, "N12", "Võ Văn Đi", "2020-01-01", "2024-06-30");
    r = nominate(office, campaign, "staff", gone, "GIAY_KHEN");
    t_assert_problem(r, 422, "subject_id");
    t_free(r);
    long long bare = fx_campaign(agency, "NOM-BARE", "2025-01-01", "2025-12-31", "2026-03-31");
    char b[32];
    snprintf(b, sizeof b, "%lld", bare);
    const char *p[] = {b};
    free(t_sql("DELETE FROM campaign_award_rules WHERE campaign_id = $1::bigint", 1, p));
    r = nominate(office, bare, "staff", s, "LDTT");
    t_assert_problem(r, 409, NULL);
    t_free(r);
}

int main(void)
{
    t_init();
    admin = t_user("nom_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "NOM", agency_code, sizeof agency_code);
    unit = fx_unit(admin, agency, "D1", "division", NULL);
    unit2 = fx_unit(admin, agency, "D2", "division", NULL);
    other_agency = t_make_agency(admin, "NOX", other_code, sizeof other_code);
    foreign_unit = fx_unit(admin, other_agency, "D1", "division", NULL);
    campaign = fx_campaign(agency, "NOM-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    foreign_campaign = fx_campaign(other_agency, "NOM-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    office = t_user("nom_office", "office", NULL, agency_code);
    head = t_user("nom_head", "unit_head", "D1", agency_code);
    other_office = t_user("nom_other_office", "office", NULL, other_code);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_list_get),
        cmocka_unit_test(ldtt_met_with_evidence),
        cmocka_unit_test(ldtt_fails_for_each_reason),
        cmocka_unit_test(cstdcs_through_an_initiative),
        cmocka_unit_test(unit_member_shares),
        cmocka_unit_test(one_open_nomination),
        cmocka_unit_test(unit_heads_and_agencies),
        cmocka_unit_test(wrong_award_and_no_rules),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    free(head);
    free(other_office);
    return rc;
}
