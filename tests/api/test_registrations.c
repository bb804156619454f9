/* Registrations (đăng ký thi đua, awards.md): create, list, get; the
 * edges of registered_on (the campaign's registration_closes_on itself
 * accepted and the day after refused, the lower bound one year before
 * starts_on, a campaign with a non-default closing day); bad bodies
 * (empty, wrong types, a missing field, an unknown subject, an award not
 * in the copy or for the other subject type); a duplicate 409; roles (a
 * unit head for its own unit and its staff only, 403 for another unit;
 * council and viewer 403); another agency 404; the CSV import (created,
 * updated, a bad line: 422 naming the row and nothing written; a unit
 * head naming another unit's member: 403); the campaign's
 * registration_closes_on on POST and PATCH; the criterion `registered`
 * added to LDTT by PATCH /award-rules, unmet before the registration and
 * met after; `thidua user add --name` (NFC, validated). The campaign is
 * 2025 (S = 2025-01-01, default closing day S + 60 = 2025-03-02). */
#include "client.h"
#include "facts_fixture.h"

#include <sys/wait.h>

static char *admin, *agency_admin, *office, *head, *council, *viewer, *other_office;
static long long agency, unit, unit2, other_agency, foreign_unit, campaign, foreign_campaign;
static char agency_code[64], other_code[64];

static t_resp *reg(const char *token, long long camp, const char *type, long long subject, const char *award,
                   const char *on)
{
    char path[96], body[256];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/registrations", camp);
    snprintf(body, sizeof body, "{\"subject_type\":\"%s\",\"subject_id\":%lld,\"award\":\"%s\",\"registered_on\":\"%s\"}",
             type, subject, award, on);
    return t_post(path, token, body);
}

static t_resp *post_raw(const char *token, long long camp, const char *body)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/registrations", camp);
    return t_request("POST", path, token, "application/json", body, strlen(body));
}

static t_resp *import(const char *token, long long camp, const char *csv)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/registrations/import", camp);
    return fx_csv(path, token, csv);
}

static long long count_of_campaign(long long camp)
{
    return fx_count("SELECT count(*) FROM registrations WHERE campaign_id = $1::bigint", camp);
}

static void create_list_get(void **state)
{
    (void)state;
    t_resp *r = t_getf(office, "/api/v1/campaigns/%lld", campaign);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "registration_closes_on"), "2025-03-02");
    t_free(r);

    long long s = fx_staff(unit, "R1", "Nguyễn Thị Đăng", "2020-01-01", NULL);
    r = reg(office, campaign, "staff", s, "CSTDCS", "2025-01-15");
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    assert_non_null(strstr(t_header(r, "Location"), "/api/v1/registrations/"));
    assert_string_equal(t_json_str(r->json, "subject_type"), "staff");
    assert_int_equal(t_json_int(r->json, "subject_id"), s);
    assert_string_equal(t_json_str(r->json, "award"), "CSTDCS");
    assert_string_equal(t_json_str(r->json, "registered_on"), "2025-01-15");
    assert_int_equal(t_json_int(r->json, "campaign_id"), campaign);
    t_free(r);
    r = reg(office, campaign, "unit", unit, "TTLDTT", "2025-02-01");
    t_assert_status(r, 201);
    long long uid = t_json_int(r->json, "id");
    t_free(r);

    r = t_getf(viewer, "/api/v1/registrations/%lld", id);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "award"), "CSTDCS");
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/registrations?award=CSTDCS&subject_type=staff&unit_id=%lld", campaign,
               unit);
    t_assert_status(r, 200);
    bool found = false;
    for (size_t i = 0; i < json_array_size(json_object_get(r->json, "items")); i++) {
        found |= fx_item_int(r, i, "id") == id;
        assert_int_not_equal(fx_item_int(r, i, "id"), uid);
    }
    assert_true(found);
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/registrations?unit_id=%lld", campaign, unit2);
    t_assert_status(r, 200);
    for (size_t i = 0; i < json_array_size(json_object_get(r->json, "items")); i++)
        assert_int_not_equal(fx_item_int(r, i, "id"), id);
    t_free(r);
    r = t_getf(viewer, "/api/v1/registrations/%lld", 999999999999LL);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/registrations", 999999999999LL);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

static void bad_bodies(void **state)
{
    (void)state;
    long long s = fx_staff(unit, "R2", "Trần Văn Sai", "2020-01-01", NULL);
    long long before = count_of_campaign(campaign);
    t_resp *r = post_raw(office, campaign, "");
    t_assert_problem(r, 400, NULL);
    t_free(r);
    r = post_raw(office, campaign, "{}");
    t_assert_problem(r, 422, "subject_type");
    fx_assert_error(r, "subject_id", 0, NULL);
    fx_assert_error(r, "award", 0, NULL);
    fx_assert_error(r, "registered_on", 0, NULL);
    t_free(r);
    char body[256];
    snprintf(body, sizeof body, "{\"subject_type\":\"person\",\"subject_id\":\"%lld\",\"award\":7,\"registered_on\":20250115}",
             s);
    r = post_raw(office, campaign, body);
    t_assert_problem(r, 422, "subject_type");
    fx_assert_error(r, "subject_id", 0, NULL);
    fx_assert_error(r, "award", 0, NULL);
    fx_assert_error(r, "registered_on", 0, NULL);
    t_free(r);
    /* A missing field, and an impossible date. */
    snprintf(body, sizeof body, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"award\":\"LDTT\"}", s);
    r = post_raw(office, campaign, body);
    t_assert_problem(r, 422, "registered_on");
    assert_int_equal(fx_error_count(r), 1);
    t_free(r);
    r = reg(office, campaign, "staff", s, "LDTT", "2025-02-30");
    t_assert_problem(r, 422, "registered_on");
    t_free(r);
    /* An unknown subject; an award not in the copy; one for the other subject type. */
    r = reg(office, campaign, "staff", 999999999999LL, "LDTT", "2025-01-15");
    t_assert_problem(r, 422, "subject_id");
    t_free(r);
    r = reg(office, campaign, "staff", s, "NO_SUCH_AWARD", "2025-01-15");
    fx_assert_error(r, "award", 0, "NO_SUCH_AWARD");
    t_assert_problem(r, 422, "award");
    t_free(r);
    r = reg(office, campaign, "staff", s, "TTLDXS", "2025-01-15");
    t_assert_problem(r, 422, "award");
    t_free(r);
    r = reg(office, campaign, "unit", unit, "CSTDCS", "2025-01-15");
    t_assert_problem(r, 422, "award");
    t_free(r);
    /* Left before the campaign: not on the staff during it. */
    long long gone = fx_staff(unit, "R3", "Võ Văn Đi", "2020-01-01", "2024-06-30");
    r = reg(office, campaign, "staff", gone, "LDTT", "2025-01-15");
    t_assert_problem(r, 422, "subject_id");
    t_free(r);
    assert_int_equal(count_of_campaign(campaign), before);
    /* A campaign without a copy of the rules takes none. */
    long long bare = fx_campaign(agency, "REG-BARE", "2025-01-01", "2025-12-31", "2026-03-31");
    char b[32];
    snprintf(b, sizeof b, "%lld", bare);
    const char *p[] = {b};
    free(t_sql("DELETE FROM campaign_award_rules WHERE campaign_id = $1::bigint", 1, p));
    r = reg(office, bare, "staff", s, "LDTT", "2025-01-15");
    t_assert_problem(r, 409, NULL);
    t_free(r);
}

static void dates_and_duplicates(void **state)
{
    (void)state;
    long long s = fx_staff(unit, "R4", "Lê Thị Hạn", "2020-01-01", NULL);
    t_resp *r = reg(office, campaign, "staff", s, "LDTT", "2025-03-03"); /* the day after S + 60 */
    t_assert_problem(r, 422, "registered_on");
    fx_assert_error(r, "registered_on", 0, "02/03/2025");
    t_free(r);
    r = reg(office, campaign, "staff", s, "LDTT", "2023-12-31"); /* more than a year before S */
    t_assert_problem(r, 422, "registered_on");
    t_free(r);
    r = reg(office, campaign, "staff", s, "LDTT", "2024-01-01"); /* exactly a year before S */
    t_assert_status(r, 201);
    t_free(r);
    r = reg(office, campaign, "staff", s, "CSTDCS", "2025-03-02"); /* the closing day itself */
    t_assert_status(r, 201);
    t_free(r);
    r = reg(office, campaign, "staff", s, "CSTDCS", "2025-02-01"); /* the same subject and award again */
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = reg(office, campaign, "staff", s, "GIAY_KHEN", "2025-02-01"); /* another award: its own */
    t_assert_status(r, 201);
    t_free(r);
}

static long long post_campaign(const char *code, const char *extra, long status)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"agency_id\":%lld,\"year\":2025,\"code\":\"%s\",\"name\":\"Phong trào %s\",\"starts_on\":\"2025-02-10\","
             "\"ends_on\":\"2025-12-31\"%s}",
             agency, code, code, extra);
    t_resp *r = t_post("/api/v1/campaigns", office, body);
    t_assert_status(r, status);
    long long id = status == 201 ? t_json_int(r->json, "id") : 0;
    if (status == 422)
        t_assert_problem(r, 422, "registration_closes_on");
    t_free(r);
    return id;
}

static void campaign_closing_day(void **state)
{
    (void)state;
    /* Default: S + 60, across February of a year that is not leap. */
    long long c = post_campaign("REG-DEF", "", 201);
    t_resp *r = t_getf(office, "/api/v1/campaigns/%lld", c);
    assert_string_equal(t_json_str(r->json, "registration_closes_on"), "2025-04-11");
    t_free(r);
    /* A default moves with starts_on (2025-03-01 + 60 = 2025-04-30). */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld", c);
    r = t_patch(path, office, "{\"starts_on\":\"2025-03-01\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "registration_closes_on"), "2025-04-30");
    t_free(r);
    post_campaign("REG-EARLY", ",\"registration_closes_on\":\"2025-02-09\"", 422);
    c = post_campaign("REG-SAME", ",\"registration_closes_on\":\"2025-02-10\"", 201); /* S itself */
    /* A non-default closing day: that day accepted, the next refused. */
    c = post_campaign("REG-LATE", ",\"registration_closes_on\":\"2025-06-17\"", 201);
    r = t_getf(office, "/api/v1/campaigns/%lld", c);
    assert_string_equal(t_json_str(r->json, "registration_closes_on"), "2025-06-17");
    t_free(r);
    long long s = fx_staff(unit, "R5", "Phạm Thị Muộn", "2020-01-01", NULL);
    r = reg(office, c, "staff", s, "LDTT", "2025-06-18");
    t_assert_problem(r, 422, "registered_on");
    t_free(r);
    r = reg(office, c, "staff", s, "LDTT", "2025-06-17");
    t_assert_status(r, 201);
    t_free(r);
    /* PATCH: not before a registration already recorded, not before S;
     * null goes back to S + 60 (which is before that registration). */
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld", c);
    r = t_patch(path, office, "{\"registration_closes_on\":\"2025-06-16\"}");
    t_assert_problem(r, 422, "registration_closes_on");
    t_free(r);
    r = t_patch(path, office, "{\"registration_closes_on\":null}");
    t_assert_problem(r, 422, "registration_closes_on");
    t_free(r);
    r = t_patch(path, office, "{\"registration_closes_on\":\"2025-02-09\"}");
    t_assert_problem(r, 422, "registration_closes_on");
    t_free(r);
    r = t_patch(path, office, "{\"registration_closes_on\":\"2025-07-01\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "registration_closes_on"), "2025-07-01");
    t_free(r);
    r = t_patch(path, office, "{\"theme\":\"Không đổi hạn\",\"starts_on\":\"2025-01-20\"}"); /* not a default: stays */
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "registration_closes_on"), "2025-07-01");
    t_free(r);
    long long d = post_campaign("REG-NULL", ",\"registration_closes_on\":\"2025-05-05\"", 201);
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld", d);
    r = t_patch(path, office, "{\"registration_closes_on\":null}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "registration_closes_on"), "2025-04-11");
    t_free(r);
}

static void roles_and_agencies(void **state)
{
    (void)state;
    long long own = fx_staff(unit, "R6", "Đỗ Văn Mình", "2020-01-01", NULL);
    long long other = fx_staff(unit2, "R7", "Phan Thị Khác", "2020-01-01", NULL);
    t_resp *r = reg(head, campaign, "staff", own, "LDTT", "2025-01-20");
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    r = reg(head, campaign, "unit", unit, "GIAY_KHEN", "2025-01-20");
    t_assert_status(r, 201);
    t_free(r);
    r = reg(head, campaign, "staff", other, "LDTT", "2025-01-20");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = reg(head, campaign, "unit", unit2, "GIAY_KHEN", "2025-01-20");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = reg(council, campaign, "staff", other, "LDTT", "2025-01-20");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = reg(viewer, campaign, "staff", other, "LDTT", "2025-01-20");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = reg(office, campaign, "staff", other, "LDTT", "2025-01-20");
    t_assert_status(r, 201);
    t_free(r);
    /* Another agency: its campaign and its registration do not exist; its
     * staff is no subject here. */
    r = reg(other_office, campaign, "staff", own, "CSTDCS", "2025-01-20");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(other_office, "/api/v1/registrations/%lld", id);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(other_office, "/api/v1/campaigns/%lld/registrations", campaign);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = reg(office, foreign_campaign, "staff", own, "CSTDCS", "2025-01-20");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    long long foreign = fx_staff(foreign_unit, "R8", "Trần Văn Ngoài", "2020-01-01", NULL);
    r = reg(office, campaign, "staff", foreign, "LDTT", "2025-01-20");
    t_assert_problem(r, 422, "subject_id");
    t_free(r);
}

static void csv_import(void **state)
{
    (void)state;
    fx_staff(unit, "RC1", "Ngô Thị Một", "2020-01-01", NULL);
    fx_staff(unit, "RC2", "Ngô Văn Hai", "2020-01-01", NULL);
    fx_staff(unit2, "RC3", "Ngô Thị Ba", "2020-01-01", NULL);
    long long before = count_of_campaign(campaign);
    t_resp *r = import(office, campaign,
                       "subject_type,subject_code,award,registered_on,ghi_chu\n"
                       "staff,RC1,LDTT,2025-01-10,Cá nhân\n"
                       "staff,RC2,CSTDCS,2025-03-02,\n"
                       "unit,D2,TTLDTT,2025-02-28,Tập thể\n");
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "created"), 3);
    assert_int_equal(t_json_int(r->json, "updated"), 0);
    t_free(r);
    assert_int_equal(count_of_campaign(campaign), before + 3);
    /* Again, one date moved: updated, nothing added. */
    r = import(office, campaign,
               "subject_type,subject_code,award,registered_on\nstaff,RC1,LDTT,2025-01-11\nstaff,RC2,CSTDCS,2025-03-02\n");
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "created"), 0);
    assert_int_equal(t_json_int(r->json, "updated"), 2);
    t_free(r);
    assert_int_equal(count_of_campaign(campaign), before + 3);
    /* Bad lines: each named with its row, nothing written. */
    r = import(office, campaign,
               "subject_type,subject_code,award,registered_on\n"
               "staff,RC3,LDTT,2025-01-10\n"          /* good */
               "staff,NOBODY,LDTT,2025-01-10\n"       /* unknown code */
               "staff,RC1,TTLDTT,2025-01-10\n"        /* award of a unit */
               "staff,RC2,GIAY_KHEN,2025-03-03\n"     /* after the closing day */
               "person,RC2,LDTT,2025-01-10\n"         /* bad type */
               "staff,RC3,GIAY_KHEN,2025-01-10\n"     /* twice in the file */
               "staff,RC3,GIAY_KHEN,2025-01-12\n");
    t_assert_problem(r, 422, NULL);
    fx_assert_error(r, "subject_code", 2, "NOBODY");
    fx_assert_error(r, "award", 3, NULL);
    fx_assert_error(r, "registered_on", 4, NULL);
    fx_assert_error(r, "subject_type", 5, NULL);
    fx_assert_error(r, "subject_code", 6, "6, 7");
    fx_assert_error(r, "subject_code", 7, "6, 7");
    assert_int_equal(t_json_int(r->json, "errors_total"), 6);
    t_free(r);
    assert_int_equal(count_of_campaign(campaign), before + 3);
    /* A missing column; a file with no data row. */
    r = import(office, campaign, "subject_type,subject_code,award\nstaff,RC3,LDTT\n");
    t_assert_problem(r, 422, "registered_on");
    t_free(r);
    r = import(office, campaign, "subject_type,subject_code,award,registered_on\n");
    t_assert_problem(r, 422, "body");
    t_free(r);
    /* A unit head: its own staff, not another unit's (403, nothing written). */
    r = import(head, campaign, "subject_type,subject_code,award,registered_on\nstaff,RC1,GIAY_KHEN,2025-01-10\n"
                               "staff,RC3,GIAY_KHEN,2025-01-10\n");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    assert_int_equal(count_of_campaign(campaign), before + 3);
    r = import(head, campaign, "subject_type,subject_code,award,registered_on\nstaff,RC1,GIAY_KHEN,2025-01-10\n");
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "created"), 1);
    t_free(r);
    r = import(viewer, campaign, "subject_type,subject_code,award,registered_on\nstaff,RC1,GIAY_KHEN,2025-01-10\n");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = import(other_office, campaign, "subject_type,subject_code,award,registered_on\nstaff,RC1,CSTDCS,2025-01-10\n");
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

/* The criterion `registered` of a nomination's eligibility. */
static json_t *registered_item(const t_resp *r)
{
    json_t *list = json_object_get(r->json, "criteria");
    for (size_t i = 0; i < json_array_size(list); i++)
        if (strcmp(t_json_str(json_array_get(list, i), "code"), "registered") == 0)
            return json_array_get(list, i);
    fail_msg("no criterion registered: %s", r->body);
    return NULL;
}

static void criterion_registered_end_to_end(void **state)
{
    (void)state;
    /* A campaign of its own, so that adding the criterion to its copy
     * changes no other test. */
    long long c = fx_campaign(agency, "REG-CRIT", "2025-01-01", "2025-12-31", "2026-03-31");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/award-rules", c);
    const char *patch =
        "{\"awards\":{\"LDTT\":{\"subject\":\"staff\",\"criteria\":["
        "{\"code\":\"rating_at_least\",\"params\":{\"level\":\"HTTNV\"}},"
        "{\"code\":\"tenure_months\",\"params\":{\"months\":6}},{\"code\":\"no_hold\"},{\"code\":\"registered\"}],"
        "\"council\":{\"vote\":\"open\",\"pass\":{\"op\":\"gt\",\"num\":1,\"den\":2,\"base\":\"present\"},"
        "\"upward\":false,\"public_notice_days\":0}}}}";
    t_resp *r = t_patch(path, agency_admin, patch);
    t_assert_status(r, 200);
    t_free(r);

    long long s = fx_staff(unit, "R9", "Hoàng Thị Đủ", "2020-01-01", NULL);
    char cs[32], ss[32];
    snprintf(cs, sizeof cs, "%lld", c);
    snprintf(ss, sizeof ss, "%lld", s);
    const char *p[] = {cs, ss};
    t_sql_int("INSERT INTO ratings (campaign_id, subject_type, staff_id, level, decided_on, decision_no)"
              " VALUES ($1, 'staff', $2::bigint, 'HTTNV', '2025-12-15', 'QD-DK') RETURNING id",
              2, p);
    char npath[96], body[200];
    snprintf(npath, sizeof npath, "/api/v1/campaigns/%lld/nominations", c);
    snprintf(body, sizeof body, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"award\":\"LDTT\"}", s);
    r = t_post(npath, office, body);
    t_assert_status(r, 201);
    long long nom = t_json_int(r->json, "id");
    json_t *e = json_object_get(r->json, "eligibility");
    assert_false(json_is_true(json_object_get(e, "eligible")));
    t_free(r);
    r = t_getf(office, "/api/v1/nominations/%lld/eligibility?as_of=2026-01-10", nom);
    t_assert_status(r, 200);
    assert_false(json_is_true(json_object_get(r->json, "eligible")));
    json_t *item = registered_item(r);
    assert_false(json_is_true(json_object_get(item, "met")));
    json_t *ev = json_object_get(item, "evidence");
    assert_true(json_is_null(json_object_get(ev, "registered_on")));
    assert_string_equal(t_json_str(ev, "registration_closes_on"), "2025-03-02");
    t_free(r);

    r = reg(office, c, "staff", s, "LDTT", "2025-03-02"); /* the closing day itself */
    t_assert_status(r, 201);
    long long rid = t_json_int(r->json, "id");
    t_free(r);
    r = t_getf(office, "/api/v1/nominations/%lld/eligibility?as_of=2026-01-10", nom);
    t_assert_status(r, 200);
    assert_true(json_is_true(json_object_get(r->json, "eligible")));
    item = registered_item(r);
    assert_true(json_is_true(json_object_get(item, "met")));
    ev = json_object_get(item, "evidence");
    assert_string_equal(t_json_str(ev, "registered_on"), "2025-03-02");
    assert_string_equal(t_json_str(ev, "registration_closes_on"), "2025-03-02");
    assert_int_equal(t_json_int(ev, "registration_id"), rid);
    t_free(r);
    /* As of a day before the registration, it was not yet made. */
    r = t_getf(office, "/api/v1/nominations/%lld/eligibility?as_of=2025-03-01", nom);
    t_assert_status(r, 200);
    assert_false(json_is_true(json_object_get(registered_item(r), "met")));
    t_free(r);
    /* The nomination as listed shows it met too (as of today). */
    r = t_getf(office, "/api/v1/nominations/%lld", nom);
    t_assert_status(r, 200);
    assert_true(json_is_true(json_object_get(json_object_get(r->json, "eligibility"), "eligible")));
    t_free(r);
    /* A registration for another award does not count. */
    long long s2 = fx_staff(unit, "R10", "Hoàng Văn Khác", "2020-01-01", NULL);
    snprintf(ss, sizeof ss, "%lld", s2);
    t_sql_int("INSERT INTO ratings (campaign_id, subject_type, staff_id, level, decided_on, decision_no)"
              " VALUES ($1, 'staff', $2::bigint, 'HTTNV', '2025-12-15', 'QD-DK2') RETURNING id",
              2, p);
    r = reg(office, c, "staff", s2, "GIAY_KHEN", "2025-01-05");
    t_assert_status(r, 201);
    t_free(r);
    snprintf(body, sizeof body, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"award\":\"LDTT\"}", s2);
    r = t_post(npath, office, body);
    t_assert_status(r, 201);
    long long nom2 = t_json_int(r->json, "id");
    t_free(r);
    r = t_getf(office, "/api/v1/nominations/%lld/eligibility?as_of=2026-01-10", nom2);
    assert_false(json_is_true(json_object_get(registered_item(r), "met")));
    assert_false(json_is_true(json_object_get(r->json, "eligible")));
    t_free(r);
}

/* Runs `thidua user add` with args; its exit status. */
static int cli(const char *args)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' --config '%s' user add %s >/dev/null 2>&1", getenv("THIDUA_BIN_PATH"),
             getenv("THIDUA_CONFIG_FILE"), args);
    FILE *p = popen(cmd, "w");
    assert_non_null(p);
    fputs("test-password-1\n", p);
    int rc = pclose(p);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void user_full_name(void **state)
{
    (void)state;
    /* "Nguyễn Thị Ánh" typed decomposed (NFD), with spaces around. */
    assert_int_equal(cli("reg_named --role council --agency REGA_PLACEHOLDER"), 1); /* no such agency */
    char args[512];
    snprintf(args, sizeof args,
             "reg_named --role council --agency %s --name '  Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 A\xcc\x81nh '",
             agency_code);
    assert_int_equal(cli(args), 0);
    const char *p[] = {"reg_named"};
    char *name = t_sql("SELECT full_name FROM users WHERE username = $1", 1, p);
    assert_string_equal(name, "Nguyễn Thị Ánh");
    free(name);
    /* Without --name an existing user keeps it. */
    snprintf(args, sizeof args, "reg_named --role director --agency %s", agency_code);
    assert_int_equal(cli(args), 0);
    name = t_sql("SELECT full_name || '/' || role FROM users WHERE username = $1", 1, p);
    assert_string_equal(name, "Nguyễn Thị Ánh/director");
    free(name);
    /* Empty, control characters, too long: refused, nothing changed. */
    snprintf(args, sizeof args, "reg_named --role council --agency %s --name '   '", agency_code);
    assert_int_equal(cli(args), 2);
    snprintf(args, sizeof args, "reg_named --role council --agency %s --name \"$(printf 'A\\001B')\"", agency_code);
    assert_int_equal(cli(args), 2);
    char longer[260];
    memset(longer, 'a', 201);
    longer[201] = '\0';
    snprintf(args, sizeof args, "reg_named --role council --agency %s --name %s", agency_code, longer);
    assert_int_equal(cli(args), 2);
    snprintf(args, sizeof args, "reg_named --role council --agency %s --name \"$(printf '\\303\\050')\"", agency_code);
    assert_int_equal(cli(args), 2);
    name = t_sql("SELECT full_name || '/' || role FROM users WHERE username = $1", 1, p);
    assert_string_equal(name, "Nguyễn Thị Ánh/director");
    free(name);
    /* 200 characters is the limit itself. */
    longer[200] = '\0';
    snprintf(args, sizeof args, "reg_named --role council --agency %s --name %s", agency_code, longer);
    assert_int_equal(cli(args), 0);
}

int main(void)
{
    t_init();
    admin = t_user("reg_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "REG", agency_code, sizeof agency_code);
    unit = fx_unit(admin, agency, "D1", "division", NULL);
    unit2 = fx_unit(admin, agency, "D2", "division", NULL);
    other_agency = t_make_agency(admin, "REX", other_code, sizeof other_code);
    foreign_unit = fx_unit(admin, other_agency, "D1", "division", NULL);
    campaign = fx_campaign(agency, "REG-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    foreign_campaign = fx_campaign(other_agency, "REG-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    agency_admin = t_user("reg_agency_admin", "admin", NULL, agency_code);
    office = t_user("reg_office", "office", NULL, agency_code);
    head = t_user("reg_head", "unit_head", "D1", agency_code);
    council = t_user("reg_council", "council", NULL, agency_code);
    viewer = t_user("reg_viewer", "viewer", NULL, agency_code);
    other_office = t_user("reg_other_office", "office", NULL, other_code);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_list_get),
        cmocka_unit_test(bad_bodies),
        cmocka_unit_test(dates_and_duplicates),
        cmocka_unit_test(campaign_closing_day),
        cmocka_unit_test(roles_and_agencies),
        cmocka_unit_test(csv_import),
        cmocka_unit_test(criterion_registered_end_to_end),
        cmocka_unit_test(user_full_name),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(agency_admin);
    free(office);
    free(head);
    free(council);
    free(viewer);
    free(other_office);
    return rc;
}
