/* /rule-sets and /campaigns/{id}/award-rules (awards.md "What the law
 * says, as data"): luat-2022 shipped with its awards; a campaign copies
 * the rule set in force on its ends_on and keeps its copy whatever
 * happens to the rule set later; an admin adjusts the copy, the office
 * may not; a bad document is a 422 naming the path of the bad item; a
 * campaign of another agency does not exist. Rule sets made here take
 * effect in the 2900s, so that no other test's campaign takes them. */
#include "client.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *admin, *agency_admin, *office, *other_admin;
static char agency_code[64], other_code[64];
static long long agency, other_agency;

#define GIAY_KHEN(days)                                                                                          \
    "{\"GIAY_KHEN\":{\"subject\":\"staff_or_unit\",\"criteria\":[{\"code\":\"no_hold\"}],"                        \
    "\"council\":{\"vote\":\"open\",\"pass\":{\"op\":\"gt\",\"num\":1,\"den\":2,\"base\":\"present\"},"            \
    "\"upward\":false,\"public_notice_days\":" #days "}}}"

static long long campaign_ending(long long agency_id, const char *ends_on)
{
    char code[64];
    static int n;
    snprintf(code, sizeof code, "RS%d", ++n);
    char agency_text[24];
    snprintf(agency_text, sizeof agency_text, "%lld", agency_id);
    const char *p[] = {agency_text, code, ends_on};
    return t_sql_int("INSERT INTO campaigns (agency_id, year, code, name, starts_on, ends_on, closes_on)"
                     " VALUES ($1, 2100, $2, 'Phong trào thử', $3::date - 30, $3, $3) RETURNING id",
                     3, p);
}

static t_resp *post_rule_set(const char *token, const char *code, const char *effective, const char *awards)
{
    char body[4096];
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"Bộ %s\",\"basis\":\"Căn cứ thử\",\"effective_from\":\"%s\",\"awards\":%s}", code,
             code, effective, awards);
    return t_post("/api/v1/rule-sets", token, body);
}

static char *rule_set_code(const char *suffix)
{
    char *out = malloc(96);
    snprintf(out, 96, "rs-%s-%s", t_unique(), suffix);
    return out;
}

static void luat_2022_is_listed_with_its_awards(void **state)
{
    (void)state;
    t_resp *r = t_get("/api/v1/rule-sets?limit=1000", office);
    t_assert_status(r, 200);
    json_t *items = json_object_get(r->json, "items"), *it;
    size_t i;
    bool found = false;
    json_array_foreach(items, i, it) {
        if (strcmp(t_json_str(it, "code"), "luat-2022") != 0)
            continue;
        found = true;
        assert_string_equal(t_json_str(it, "effective_from"), "2024-01-01");
        assert_non_null(strstr(t_json_str(it, "basis"), "06/2022/QH15"));
        json_t *awards = json_object_get(it, "awards");
        const char *codes[] = {"LDTT", "CSTDCS", "TTLDTT", "TTLDXS", "GIAY_KHEN", "BK_TINH", "CSTD_TINH"};
        assert_int_equal(json_object_size(awards), 7);
        for (size_t k = 0; k < 7; k++)
            assert_non_null(json_object_get(awards, codes[k]));
        json_t *pass = json_object_get(json_object_get(json_object_get(awards, "CSTD_TINH"), "council"), "pass");
        assert_int_equal(t_json_int(pass, "num"), 9);
        assert_int_equal(t_json_int(pass, "den"), 10);
        assert_int_equal(t_json_int(json_object_get(it, "quorum"), "den"), 3);
    }
    assert_true(found);
    t_free(r);
    r = t_get("/api/v1/rule-sets/luat-2022", office);
    t_assert_status(r, 200);
    t_free(r);
    r = t_get("/api/v1/rule-sets/no-such-rules", office);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

static void a_campaign_copies_the_rule_set_in_force_on_its_end(void **state)
{
    (void)state;
    char *early = rule_set_code("early"), *late = rule_set_code("late");
    char effective_early[16], effective_late[16];
    /* Unique days in the 2900s, so that parallel runs do not meet. */
    int salt = (int)(strtoul(t_unique() + strcspn(t_unique(), "0123456789"), NULL, 10) % 300);
    snprintf(effective_early, sizeof effective_early, "%d-01-01", 2900 + salt % 40);
    snprintf(effective_late, sizeof effective_late, "%d-07-01", 2900 + salt % 40);
    t_resp *r = post_rule_set(admin, early, effective_early, GIAY_KHEN(1));
    t_assert_status(r, 201);
    t_free(r);
    r = post_rule_set(admin, late, effective_late, GIAY_KHEN(2));
    t_assert_status(r, 201);
    t_free(r);
    char end_before[16], end_after[16];
    snprintf(end_before, sizeof end_before, "%d-06-30", 2900 + salt % 40);
    snprintf(end_after, sizeof end_after, "%d-07-01", 2900 + salt % 40);
    long long before = campaign_ending(agency, end_before), after = campaign_ending(agency, end_after);

    r = t_getf(office, "/api/v1/campaigns/%lld/award-rules", before);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "rule_set_code"), early);
    t_free(r);
    r = t_getf(office, "/api/v1/campaigns/%lld/award-rules", after);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "rule_set_code"), late);
    json_t *council = json_object_get(json_object_get(json_object_get(r->json, "awards"), "GIAY_KHEN"), "council");
    assert_int_equal(t_json_int(council, "public_notice_days"), 2);
    t_free(r);

    /* A later edit of the rule set (there is no API for it: SQL) leaves the copy alone. */
    const char *p[] = {late};
    free(t_sql("UPDATE rule_sets SET awards = '{}' WHERE code = $1", 1, p));
    r = t_getf(office, "/api/v1/campaigns/%lld/award-rules", after);
    t_assert_status(r, 200);
    assert_non_null(json_object_get(json_object_get(r->json, "awards"), "GIAY_KHEN"));
    t_free(r);

    /* Before any rule set: no copy, a 404 that says so. */
    long long none = campaign_ending(agency, "2020-01-01");
    const char *q[] = {"2020-01-01"};
    if (t_sql_int("SELECT count(*) FROM rule_sets WHERE effective_from <= $1::date", 1, q) == 0) {
        r = t_getf(office, "/api/v1/campaigns/%lld/award-rules", none);
        t_assert_problem(r, 404, NULL);
        t_free(r);
    }
    free(early);
    free(late);
}

static void admins_adjust_the_copy_office_may_not(void **state)
{
    (void)state;
    long long c = campaign_ending(agency, "2025-12-31");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/award-rules", c);
    const char *patch = "{\"awards\":{\"LDTT\":{\"subject\":\"staff\",\"criteria\":["
                        "{\"code\":\"rating_at_least\",\"params\":{\"level\":\"HTTNV\"}},"
                        "{\"code\":\"tenure_months\",\"params\":{\"months\":10}},{\"code\":\"no_hold\"}],"
                        "\"council\":{\"vote\":\"open\",\"pass\":{\"op\":\"gt\",\"num\":1,\"den\":2,\"base\":\"present\"},"
                        "\"upward\":false,\"public_notice_days\":0}},\"GIAY_KHEN\":null},\"quorum\":{\"num\":3,\"den\":4}}";
    t_resp *r = t_patch(path, office, patch);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_patch(path, agency_admin, patch);
    t_assert_status(r, 200);
    json_t *awards = json_object_get(r->json, "awards");
    assert_null(json_object_get(awards, "GIAY_KHEN"));
    assert_non_null(json_object_get(awards, "CSTDCS")); /* untouched */
    json_t *tenure = json_array_get(json_object_get(json_object_get(awards, "LDTT"), "criteria"), 1);
    assert_int_equal(t_json_int(json_object_get(tenure, "params"), "months"), 10);
    assert_int_equal(t_json_int(json_object_get(r->json, "quorum"), "num"), 3);
    t_free(r);
    /* A percent as written: 66.70 is stored as 66.7. */
    r = t_patch(path, admin,
                "{\"awards\":{\"TTLDTT\":{\"subject\":\"unit\",\"criteria\":[{\"code\":\"members_title_share\","
                "\"params\":{\"title\":\"LDTT\",\"op\":\"gt\",\"percent\":66.70}}],\"council\":{\"vote\":\"none\"}}}}");
    t_assert_status(r, 200);
    assert_non_null(strstr(r->body, "\"percent\": 66.7}") ? r->body : strstr(r->body, "\"percent\":66.7}"));
    t_free(r);
    /* The rule set itself is unchanged. */
    r = t_get("/api/v1/rule-sets/luat-2022", office);
    json_t *ldtt = json_object_get(json_object_get(r->json, "awards"), "LDTT");
    assert_int_equal(t_json_int(json_object_get(json_array_get(json_object_get(ldtt, "criteria"), 1), "params"), "months"),
                     6);
    t_free(r);
}

/* The copy closes when the campaign's first council session opens: a
 * planned session does not close it, an open one does (409), and so does
 * a closed one. */
static void the_copy_closes_when_a_session_opens(void **state)
{
    (void)state;
    long long c = campaign_ending(agency, "2025-12-31");
    char path[96], id[24];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/award-rules", c);
    snprintf(id, sizeof id, "%lld", c);
    const char *p[] = {id};
    long long s = t_sql_int("INSERT INTO council_sessions (campaign_id, held_on) VALUES ($1, '2025-12-20') RETURNING id",
                            1, p);
    const char *quorum = "{\"quorum\":{\"num\":3,\"den\":5}}";
    t_resp *r = t_patch(path, admin, quorum);
    t_assert_status(r, 200);
    t_free(r);
    char sid[24];
    snprintf(sid, sizeof sid, "%lld", s);
    const char *q[] = {sid};
    free(t_sql("UPDATE council_sessions SET state = 'open', opened_at = now() WHERE id = $1", 1, q));
    r = t_patch(path, admin, "{\"quorum\":{\"num\":4,\"den\":7}}");
    t_assert_problem(r, 409, NULL);
    t_free(r);
    free(t_sql("UPDATE council_sessions SET state = 'closed', closed_at = now() WHERE id = $1", 1, q));
    r = t_patch(path, admin, quorum);
    t_assert_problem(r, 409, NULL);
    t_free(r);
    /* Nothing was written by the refused PATCHes. */
    r = t_get(path, office);
    assert_int_equal(t_json_int(json_object_get(r->json, "quorum"), "den"), 5);
    t_free(r);
}

static void bad_documents_name_the_path(void **state)
{
    (void)state;
    static const struct {
        const char *awards, *field;
    } bad[] = {
        {"{\"CSTDCS\":{\"subject\":\"staff\",\"criteria\":[{\"code\":\"no_hold\"},{\"code\":\"rating_at_least\","
         "\"params\":{\"level\":\"TOT\"}}],\"council\":{\"vote\":\"none\"}}}",
         "awards.CSTDCS.criteria[1].params.level"},
        {"{\"LDTX\":{}}", "awards.LDTX"},
        {"{\"LDTT\":{\"subject\":\"staff\",\"criteria\":[{\"code\":\"magic\"}],\"council\":{\"vote\":\"none\"}}}",
         "awards.LDTT.criteria[0].code"},
        {"{\"LDTT\":{\"subject\":\"unit\",\"criteria\":[{\"code\":\"no_hold\"}],\"council\":{\"vote\":\"none\"}}}",
         "awards.LDTT.subject"},
        {"{\"TTLDTT\":{\"subject\":\"unit\",\"criteria\":[{\"code\":\"members_title_share\",\"params\":{\"title\":\"LDTT\","
         "\"op\":\"gt\",\"percent\":100.000001}}],\"council\":{\"vote\":\"none\"}}}",
         "awards.TTLDTT.criteria[0].params.percent"},
        {"{\"LDTT\":{\"subject\":\"staff\",\"criteria\":[{\"code\":\"no_hold\"}],\"council\":{\"vote\":\"secret\","
         "\"pass\":{\"op\":\"ge\",\"num\":2,\"den\":3,\"base\":\"everyone\"}}}}",
         "awards.LDTT.council.pass.base"},
        {"{\"BK_TINH\":{\"subject\":\"staff\",\"criteria\":[{\"code\":\"any_of\",\"any_of\":[{\"code\":\"no_hold\"},"
         "{\"code\":\"consecutive_titles\",\"params\":{\"title\":\"CSTDCS\",\"years\":0}}]}],\"council\":{\"vote\":\"none\"}}}",
         "awards.BK_TINH.criteria[0].any_of[1].params.years"},
    };
    long long c = campaign_ending(agency, "2025-12-31");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/award-rules", c);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *code = rule_set_code("bad");
        t_resp *r = post_rule_set(admin, code, "2950-01-01", bad[i].awards);
        t_assert_problem(r, 422, bad[i].field);
        t_free(r);
        char body[2048];
        snprintf(body, sizeof body, "{\"awards\":%s}", bad[i].awards);
        r = t_patch(path, agency_admin, body);
        t_assert_problem(r, 422, bad[i].field);
        t_free(r);
        free(code);
    }
    t_resp *r = t_patch(path, admin, "{\"quorum\":{\"num\":4,\"den\":3}}");
    t_assert_problem(r, 422, "quorum");
    t_free(r);
    /* Only the installation admin writes rule sets. */
    char *code = rule_set_code("agency");
    r = post_rule_set(agency_admin, code, "2950-01-01", GIAY_KHEN(0));
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = post_rule_set(admin, code, "2950-01-01", GIAY_KHEN(0));
    t_assert_status(r, 201);
    t_free(r);
    r = post_rule_set(admin, code, "2950-01-01", GIAY_KHEN(0));
    t_assert_problem(r, 409, NULL);
    t_free(r);
    free(code);
}

static void another_agency_s_campaign_does_not_exist(void **state)
{
    (void)state;
    long long theirs = campaign_ending(other_agency, "2025-12-31");
    t_resp *r = t_getf(office, "/api/v1/campaigns/%lld/award-rules", theirs);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/award-rules", theirs);
    r = t_patch(path, agency_admin, "{\"quorum\":{\"num\":1,\"den\":2}}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_patch(path, other_admin, "{\"quorum\":{\"num\":1,\"den\":2}}");
    t_assert_status(r, 200);
    t_free(r);
}

static int setup(void **state)
{
    (void)state;
    t_init();
    admin = t_user("rs_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "RSA", agency_code, sizeof agency_code);
    other_agency = t_make_agency(admin, "RSB", other_code, sizeof other_code);
    agency_admin = t_user("rs_agency_admin", "admin", NULL, agency_code);
    other_admin = t_user("rs_other_admin", "admin", NULL, other_code);
    office = t_user("rs_office", "office", NULL, agency_code);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(admin);
    free(agency_admin);
    free(other_admin);
    free(office);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(luat_2022_is_listed_with_its_awards),
        cmocka_unit_test(a_campaign_copies_the_rule_set_in_force_on_its_end),
        cmocka_unit_test(admins_adjust_the_copy_office_may_not),
        cmocka_unit_test(the_copy_closes_when_a_session_opens),
        cmocka_unit_test(bad_documents_name_the_path),
        cmocka_unit_test(another_agency_s_campaign_does_not_exist),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
