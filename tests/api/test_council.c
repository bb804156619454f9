/* Council sessions (awards.md "council-sessions", "Threshold"): plan with
 * members and agenda, open with a quorum, one ballot per present member,
 * close with each item's result, minutes as JSON and as a printable
 * "Biên bản". The agenda checks (eligibility as of held_on with the failed
 * criteria, state, the council's vote, public notice), the members (role,
 * agency, active), the quorum at its boundary with a member count that is
 * not round (7: 4 present is short, 5 enough), the thresholds at their
 * edges ("> 1/2 of present" at exactly 50 % fails, "≥ 2/3 of members" at
 * exactly 2/3 passes, ≥ 9/10 of 7 members needs 7), present members who
 * cast no ballot counted as not_voted, who may ballot (role, member,
 * present), and the 409s of the workflow. Campaign 2025 under luat-2022;
 * sessions held in January 2026. */
#include "client.h"
#include "council_fixture.h"
#include "facts_fixture.h"

static char *admin, *office, *other_office, *viewer, *tok[9], *outsider, *other_council;
static long long agency, unit, other_agency, other_unit, campaign, other_campaign;
static long long uid[9], viewer_id, outsider_id, other_council_id, inactive_id;
static char agency_code[64], other_code[64];
static int seq;

/* A fresh staff member (rated level) of the unit and a nomination of it. */
static long long nominee(long long camp, const char *award, const char *level)
{
    char code[32];
    snprintf(code, sizeof code, "CS%d", ++seq);
    return cf_nomination(camp, cf_staff(camp, unit, code, "Trần Thị Thi Đua", level), award);
}

static long long session_of(const long long *members, size_t nm, const long long *agenda, size_t na)
{
    return cf_planned(office, campaign, "2026-01-15", members, nm, agenda, na);
}

static t_resp *get_session(long long id)
{
    t_resp *r = t_getf(office, "/api/v1/council-sessions/%lld", id);
    t_assert_status(r, 200);
    return r;
}

static void assert_ids(const json_t *arr, const long long *want, size_t n)
{
    if (json_array_size(arr) != n)
        fail_msg("want %zu ids, got %zu", n, json_array_size(arr));
    for (size_t i = 0; i < n; i++)
        assert_int_equal(json_integer_value(json_array_get(arr, i)), want[i]);
}

static void full_flow(void **state)
{
    (void)state;
    long long g = nominee(campaign, "GIAY_KHEN", NULL);  /* open, > 1/2 of present */
    long long c = nominee(campaign, "CSTDCS", "HTXSNV"); /* secret, >= 2/3 of members */
    long long members[] = {uid[0], uid[1], uid[2], uid[8]};
    long long agenda[] = {g, c};
    t_resp *r = cf_plan(office, campaign, "2026-01-15", members, 4, agenda, 2);
    t_assert_status(r, 201);
    assert_non_null(t_header(r, "Location"));
    long long id = t_json_int(r->json, "id");
    assert_string_equal(t_json_str(r->json, "state"), "planned");
    assert_string_equal(t_json_str(r->json, "held_on"), "2026-01-15");
    assert_ids(json_object_get(r->json, "members"), members, 4);
    assert_ids(json_object_get(r->json, "agenda"), agenda, 2);
    assert_int_equal(json_array_size(json_object_get(r->json, "present")), 0);
    json_t *q = json_object_get(r->json, "quorum");
    assert_int_equal(t_json_int(q, "num"), 2);
    assert_int_equal(t_json_int(q, "den"), 3);
    assert_int_equal(t_json_int(q, "required"), 3); /* ceil(2 * 4 / 3) */
    json_t *items = json_object_get(r->json, "agenda_items");
    assert_string_equal(t_json_str(json_array_get(items, 0), "vote"), "open");
    assert_string_equal(t_json_str(json_array_get(items, 1), "vote"), "secret");
    assert_string_equal(t_json_str(json_array_get(items, 1), "subject_name"), "Trần Thị Thi Đua");
    assert_string_equal(t_json_str(json_array_get(items, 1), "unit_name"), "Đơn vị D1");
    assert_true(json_is_null(json_object_get(json_array_get(json_object_get(r->json, "member_list"), 0), "present")));
    t_free(r);
    cf_assert_state(g, "in_session");
    cf_assert_state(c, "in_session");

    r = t_getf(viewer, "/api/v1/campaigns/%lld/council-sessions?state=planned", campaign);
    t_assert_status(r, 200);
    bool listed = false;
    for (size_t i = 0; i < json_array_size(json_object_get(r->json, "items")); i++)
        listed |= fx_item_int(r, i, "id") == id;
    assert_true(listed);
    t_free(r);

    cf_opened(office, id, members, 4);
    r = t_getf(office, "/api/v1/council-sessions/%lld/minutes", id);
    t_assert_problem(r, 409, NULL); /* no tally while open */
    t_free(r);
    const char *v0[] = {"for", "for"}, *v1[] = {"for", "for"}, *v2[] = {"for", "abstain"}, *v8[] = {"against", "against"};
    cf_voted(tok[0], id, agenda, v0, 2);
    cf_voted(tok[1], id, agenda, v1, 2);
    cf_voted(tok[2], id, agenda, v2, 2);
    r = get_session(id);
    long long voted[] = {uid[0], uid[1], uid[2]};
    assert_ids(json_object_get(r->json, "voted"), voted, 3);
    assert_ids(json_object_get(r->json, "present"), members, 4);
    t_free(r);
    cf_voted(tok[8], id, agenda, v8, 2);

    r = cf_close(office, id);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(json_object_get(r->json, "session"), "state"), "closed");
    assert_int_equal(json_array_size(json_object_get(r->json, "present")), 4);
    assert_int_equal(json_array_size(json_object_get(r->json, "absent")), 0);
    json_t *rg = cf_result(r, g), *rc = cf_result(r, c);
    assert_int_equal(t_json_int(rg, "for"), 3);
    assert_int_equal(t_json_int(rg, "against"), 1);
    assert_int_equal(t_json_int(rg, "not_voted"), 0);
    assert_true(json_is_true(json_object_get(rg, "passed"))); /* 3 of 4 present > 1/2 */
    json_t *t = json_object_get(rg, "threshold");
    assert_string_equal(t_json_str(t, "op"), "gt");
    assert_string_equal(t_json_str(t, "base"), "present");
    assert_int_equal(t_json_int(t, "base_count"), 4);
    assert_int_equal(t_json_int(t, "needed"), 3);
    json_t *ov = json_object_get(rg, "open_votes");
    assert_int_equal(json_array_size(ov), 4);
    assert_int_equal(t_json_int(json_array_get(ov, 3), "user_id"), uid[8]);
    assert_string_equal(t_json_str(json_array_get(ov, 3), "vote"), "against");
    assert_string_equal(t_json_str(rc, "vote"), "secret");
    assert_int_equal(t_json_int(rc, "for"), 2);
    assert_int_equal(t_json_int(rc, "against"), 1);
    assert_int_equal(t_json_int(rc, "abstain"), 1);
    assert_int_equal(json_array_size(json_object_get(rc, "open_votes")), 0);
    assert_false(json_is_true(json_object_get(rc, "passed"))); /* 2 of 4 members < 2/3 */
    assert_int_equal(t_json_int(json_object_get(rc, "threshold"), "needed"), 3);
    t_free(r);
    cf_assert_state(g, "recommended");
    cf_assert_state(c, "not_recommended");

    r = cf_close(office, id);
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = cf_ballot(tok[0], id, agenda, v0, 2); /* a member present, after the close */
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = t_getf(viewer, "/api/v1/council-sessions/%lld/minutes", id);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(cf_result(r, g), "for"), 3);
    t_free(r);
}

/* The printed record: layout, counts with Vietnamese percentages, open
 * votes by name, secret items by count only, every datum escaped. */
static void printable_minutes(void **state)
{
    (void)state;
    char id0[32];
    snprintf(id0, sizeof id0, "%lld", uid[3]);
    const char *p[] = {id0};
    free(t_sql("UPDATE users SET full_name = 'Lê <b>Văn</b> & Ba' WHERE id = $1::bigint", 1, p));
    long long g = nominee(campaign, "GIAY_KHEN", NULL), c = nominee(campaign, "CSTDCS", "HTXSNV");
    long long members[] = {uid[3], uid[4], uid[5]}, agenda[] = {g, c};
    long long id = session_of(members, 3, agenda, 2);
    cf_opened(office, id, members, 3);
    const char *yes[] = {"for", "for"}, *no[] = {"against", "for"};
    cf_voted(tok[3], id, agenda, yes, 2);
    cf_voted(tok[4], id, agenda, no, 2);
    t_free(cf_close(office, id));
    char path[96];
    snprintf(path, sizeof path, "/api/v1/council-sessions/%lld/minutes", id);
    t_resp *r = t_get_with(path, office, "Accept: text/html");
    t_assert_status(r, 200);
    assert_non_null(strstr(t_header(r, "Content-Type"), "text/html"));
    const char *want[] = {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BIÊN BẢN",
                          "Hội đồng Thi đua - Khen thưởng", "15/01/2026", "ngày 15 tháng 01 năm 2026",
                          "Lê &lt;b&gt;Văn&lt;/b&gt; &amp; Ba", "66,67 %", "33,33 %", "Bỏ phiếu kín",
                          "Biểu quyết công khai", "CHỦ TỌA", "THƯ KÝ", "Đơn vị Nơi &lt;họp&gt;"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(r->body, want[i]))
            fail_msg("the record lacks \"%s\"", want[i]);
    assert_null(strstr(r->body, "<b>Văn</b>"));
    /* Open votes by name: the member who voted against the open item. */
    const char *open_list = strstr(r->body, "Không đồng ý: ");
    assert_non_null(open_list);
    /* The secret item names nobody: its paragraph says counts only. */
    assert_non_null(strstr(r->body, "bỏ phiếu kín; biên bản chỉ ghi số phiếu"));
    t_free(r);
    r = t_getf(office, "/api/v1/council-sessions/%lld/minutes", id); /* JSON by default */
    t_assert_status(r, 200);
    assert_non_null(json_object_get(r->json, "results"));
    t_free(r);
}

/* 7 members: 2/3 of 7 is 4.67, so 4 present are short and 5 enough. */
static void quorum_boundary(void **state)
{
    (void)state;
    long long g = nominee(campaign, "GIAY_KHEN", NULL);
    long long members[] = {uid[0], uid[1], uid[2], uid[3], uid[4], uid[5], uid[6]}, agenda[] = {g};
    long long id = session_of(members, 7, agenda, 1);
    t_resp *r = get_session(id);
    assert_int_equal(t_json_int(json_object_get(r->json, "quorum"), "required"), 5);
    t_free(r);
    r = cf_open(office, id, members, 4);
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = get_session(id);
    assert_string_equal(t_json_str(r->json, "state"), "planned");
    t_free(r);
    long long stranger[] = {uid[0], uid[1], uid[2], uid[3], viewer_id};
    r = cf_open(office, id, stranger, 5);
    t_assert_problem(r, 422, "present[4]");
    t_free(r);
    long long twice[] = {uid[0], uid[1], uid[2], uid[3], uid[0]};
    r = cf_open(office, id, twice, 5);
    t_assert_problem(r, 422, "present[4]");
    t_free(r);
    r = cf_open(viewer, id, members, 5);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = cf_open(tok[8], id, members, 5); /* a director opens */
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "state"), "open");
    assert_int_equal(json_array_size(json_object_get(r->json, "present")), 5);
    t_free(r);
    r = cf_open(office, id, members, 7); /* once */
    t_assert_problem(r, 409, NULL);
    t_free(r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/council-sessions/%lld", id);
    r = t_patch(path, office, "{\"held_on\":\"2026-01-16\"}");
    t_assert_problem(r, 409, NULL);
    t_free(r);
}

/* A campaign's own quorum (its copy of the rules): 3/5 of 4 is 2.4. */
static void quorum_of_the_campaign(void **state)
{
    (void)state;
    long long camp = fx_campaign(agency, "CS-Q", "2025-01-01", "2025-12-31", "2026-03-31");
    char cs[32];
    snprintf(cs, sizeof cs, "%lld", camp);
    const char *p[] = {cs};
    free(t_sql("UPDATE campaign_award_rules SET rules = jsonb_set(rules, '{quorum}', '{\"num\":3,\"den\":5}')"
               " WHERE campaign_id = $1::bigint",
               1, p));
    long long g = nominee(camp, "GIAY_KHEN", NULL);
    long long members[] = {uid[0], uid[1], uid[2], uid[3]}, agenda[] = {g};
    long long id = cf_planned(office, camp, "2026-01-15", members, 4, agenda, 1);
    t_resp *r = cf_open(office, id, members, 2);
    t_assert_problem(r, 409, NULL);
    t_free(r);
    cf_opened(office, id, members, 3);
}

/* "> 1/2 of present" at exactly 50 % fails; one more passes. */
static void half_of_present_is_not_more(void **state)
{
    (void)state;
    long long a = nominee(campaign, "GIAY_KHEN", NULL), b = nominee(campaign, "GIAY_KHEN", NULL);
    long long members[] = {uid[0], uid[1], uid[2], uid[3], uid[4]}, present[] = {uid[0], uid[1], uid[2], uid[3]};
    long long agenda[] = {a, b};
    long long id = session_of(members, 5, agenda, 2);
    cf_opened(office, id, present, 4);
    const char *v0[] = {"for", "for"}, *v1[] = {"for", "for"}, *v2[] = {"against", "for"}, *v3[] = {"abstain", "against"};
    cf_voted(tok[0], id, agenda, v0, 2);
    cf_voted(tok[1], id, agenda, v1, 2);
    cf_voted(tok[2], id, agenda, v2, 2);
    cf_voted(tok[3], id, agenda, v3, 2);
    t_resp *r = cf_close(tok[8], id); /* a director closes */
    t_assert_status(r, 200);
    json_t *ra = cf_result(r, a), *rb = cf_result(r, b);
    assert_int_equal(t_json_int(ra, "for"), 2);
    assert_false(json_is_true(json_object_get(ra, "passed"))); /* 2 of 4 present: 50 %, not more */
    assert_int_equal(t_json_int(rb, "for"), 3);
    assert_true(json_is_true(json_object_get(rb, "passed")));
    assert_int_equal(t_json_int(json_object_get(ra, "threshold"), "base_count"), 4); /* present, not the 5 members */
    assert_int_equal(json_array_size(json_object_get(r->json, "absent")), 1);
    t_free(r);
    cf_assert_state(a, "not_recommended");
    cf_assert_state(b, "recommended");
}

/* "≥ 2/3 of all members" at exactly 2/3 passes, with a present member
 * who cast no ballot counted as not_voted and absent members in the base. */
static void two_thirds_of_members(void **state)
{
    (void)state;
    long long a = nominee(campaign, "CSTDCS", "HTXSNV"), b = nominee(campaign, "CSTDCS", "HTXSNV");
    long long members[] = {uid[0], uid[1], uid[2], uid[3], uid[4], uid[5]};
    long long present[] = {uid[0], uid[1], uid[2], uid[3], uid[4]}, agenda[] = {a, b};
    long long id = session_of(members, 6, agenda, 2);
    cf_opened(office, id, present, 5);
    const char *yy[] = {"for", "for"}, *yn[] = {"for", "against"};
    cf_voted(tok[0], id, agenda, yy, 2);
    cf_voted(tok[1], id, agenda, yy, 2);
    cf_voted(tok[2], id, agenda, yy, 2);
    cf_voted(tok[3], id, agenda, yn, 2); /* uid[4] present, no ballot */
    t_resp *r = cf_close(office, id);
    t_assert_status(r, 200);
    json_t *ra = cf_result(r, a), *rb = cf_result(r, b);
    assert_int_equal(t_json_int(ra, "for"), 4);
    assert_int_equal(t_json_int(ra, "not_voted"), 1);
    assert_true(json_is_true(json_object_get(ra, "passed"))); /* 4 of 6 = 2/3 exactly */
    assert_int_equal(t_json_int(json_object_get(ra, "threshold"), "base_count"), 6);
    assert_int_equal(t_json_int(json_object_get(ra, "threshold"), "needed"), 4);
    assert_int_equal(t_json_int(rb, "for"), 3);
    assert_int_equal(t_json_int(rb, "against"), 1);
    assert_int_equal(t_json_int(rb, "abstain"), 0);
    assert_int_equal(t_json_int(rb, "not_voted"), 1);
    assert_false(json_is_true(json_object_get(rb, "passed")));
    t_free(r);
}

/* ≥ 9/10 of 7 members: 6.3, so 6 votes fail and 7 pass. */
static void nine_tenths(void **state)
{
    (void)state;
    long long camp = fx_campaign(agency, "CS-9", "2025-01-01", "2025-12-31", "2026-03-31");
    char cs[32];
    snprintf(cs, sizeof cs, "%lld", camp);
    const char *p[] = {cs};
    free(t_sql("UPDATE campaign_award_rules SET rules = jsonb_set(rules, '{awards,GIAY_KHEN,council,pass}',"
               " '{\"op\":\"ge\",\"num\":9,\"den\":10,\"base\":\"members\"}') WHERE campaign_id = $1::bigint",
               1, p));
    long long a = nominee(camp, "GIAY_KHEN", NULL), b = nominee(camp, "GIAY_KHEN", NULL);
    long long members[] = {uid[0], uid[1], uid[2], uid[3], uid[4], uid[5], uid[6]}, agenda[] = {a, b};
    long long id = cf_planned(office, camp, "2026-01-15", members, 7, agenda, 2);
    cf_opened(office, id, members, 7);
    const char *yy[] = {"for", "for"}, *ny[] = {"against", "for"};
    for (int i = 0; i < 6; i++)
        cf_voted(tok[i], id, agenda, yy, 2);
    cf_voted(tok[6], id, agenda, ny, 2);
    t_resp *r = cf_close(office, id);
    t_assert_status(r, 200);
    json_t *ra = cf_result(r, a), *rb = cf_result(r, b);
    assert_int_equal(t_json_int(ra, "for"), 6);
    assert_false(json_is_true(json_object_get(ra, "passed")));
    assert_int_equal(t_json_int(json_object_get(ra, "threshold"), "needed"), 7);
    assert_int_equal(t_json_int(rb, "for"), 7);
    assert_true(json_is_true(json_object_get(rb, "passed")));
    t_free(r);
}

/* Who may cast a ballot, and what a ballot must be. */
static void ballots(void **state)
{
    (void)state;
    long long a = nominee(campaign, "GIAY_KHEN", NULL), b = nominee(campaign, "CSTDCS", "HTXSNV");
    long long elsewhere = nominee(campaign, "GIAY_KHEN", NULL);
    long long members[] = {uid[0], uid[1], uid[2], uid[8]}, present[] = {uid[0], uid[1], uid[8]}, agenda[] = {a, b};
    long long id = session_of(members, 4, agenda, 2);
    const char *yy[] = {"for", "for"};
    t_resp *r = cf_ballot(tok[0], id, agenda, yy, 2); /* planned: not open yet */
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = cf_ballot(tok[6], id, agenda, yy, 2); /* not a member */
    t_assert_problem(r, 403, NULL);
    t_free(r);
    cf_opened(office, id, present, 3);
    r = cf_ballot(tok[2], id, agenda, yy, 2); /* a member, absent */
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = cf_ballot(tok[6], id, agenda, yy, 2); /* not a member */
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = cf_ballot(viewer, id, agenda, yy, 2);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = cf_ballot(office, id, agenda, yy, 2);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = cf_ballot(admin, id, agenda, yy, 2);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    long long wrong[] = {a, elsewhere};
    r = cf_ballot(tok[0], id, wrong, yy, 2);
    t_assert_problem(r, 422, "votes[1]");
    fx_assert_error(r, "votes", 0, "Thiếu phiếu");
    t_free(r);
    long long dup[] = {a, a};
    r = cf_ballot(tok[0], id, dup, yy, 2);
    t_assert_problem(r, 422, "votes[1]");
    t_free(r);
    r = cf_ballot(tok[0], id, agenda, yy, 1);
    t_assert_problem(r, 422, "votes");
    t_free(r);
    const char *bad[] = {"yes", "for"};
    r = cf_ballot(tok[0], id, agenda, bad, 2);
    t_assert_problem(r, 422, "votes[0].vote");
    t_free(r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/council-sessions/%lld/ballots", id);
    r = t_post(path, tok[0], "{\"votes\":{}}");
    t_assert_problem(r, 422, "votes");
    t_free(r);
    r = cf_ballot(tok[0], id, agenda, yy, 2);
    t_assert_status(r, 201);
    assert_int_equal(t_json_int(r->json, "session_id"), id);
    assert_true(json_is_true(json_object_get(r->json, "recorded")));
    assert_null(json_object_get(r->json, "votes")); /* never echoed */
    t_free(r);
    r = cf_ballot(tok[0], id, agenda, yy, 2);
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = cf_ballot(tok[8], id, agenda, yy, 2); /* a director, present */
    t_assert_status(r, 201);
    t_free(r);
    r = t_getf(outsider, "/api/v1/council-sessions/%lld", id); /* another agency */
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = cf_ballot(other_council, id, agenda, yy, 2);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = cf_close(tok[0], id); /* a council member does not close */
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_getf(office, "/api/v1/council-sessions/%lld", id);
    t_assert_status(r, 200);
    long long voted[] = {uid[0], uid[8]};
    assert_ids(json_object_get(r->json, "voted"), voted, 2);
    t_free(r);
    r = cf_close(office, id);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(cf_result(r, a), "not_voted"), 1); /* uid[1] present, no ballot */
    t_free(r);
}

/* What may go on an agenda, and what a plan's members must be. */
static void agenda_and_members(void **state)
{
    (void)state;
    long long ok = nominee(campaign, "GIAY_KHEN", NULL);
    long long unrated = nominee(campaign, "LDTT", NULL); /* no rating: rating_at_least fails */
    long long members[] = {uid[0], uid[1], uid[2]};
    long long agenda[] = {ok, unrated};
    t_resp *r = cf_plan(office, campaign, "2026-01-15", members, 3, agenda, 2);
    t_assert_problem(r, 422, "agenda[1]");
    fx_assert_error(r, "agenda[1]", 0, "rating_at_least");
    bool criterion = false;
    json_t *errors = json_object_get(r->json, "errors");
    for (size_t i = 0; i < json_array_size(errors); i++)
        criterion |= t_json_str(json_array_get(errors, i), "criterion") != NULL;
    assert_true(criterion);
    t_free(r);
    cf_assert_state(ok, "proposed"); /* nothing half-written */

    /* Eligible as of held_on: a rating decided after it does not count. */
    long long rated = nominee(campaign, "LDTT", "HTTNV");
    long long later[] = {rated};
    r = cf_plan(office, campaign, "2025-12-14", members, 3, later, 1);
    t_assert_problem(r, 422, "agenda[0]");
    t_free(r);

    long long foreign = nominee(other_campaign, "GIAY_KHEN", NULL);
    long long f[] = {foreign};
    r = cf_plan(office, campaign, "2026-01-15", members, 3, f, 1);
    t_assert_problem(r, 422, "agenda[0]");
    t_free(r);
    long long dup[] = {ok, ok};
    r = cf_plan(office, campaign, "2026-01-15", members, 3, dup, 2);
    t_assert_problem(r, 422, "agenda[1]");
    t_free(r);
    long long one[] = {ok};
    r = cf_plan(office, campaign, "2026-04-01", members, 3, one, 1); /* after closes_on */
    t_assert_problem(r, 422, "held_on");
    t_free(r);

    /* Members: a role that is not the council's, another agency, inactive, twice, none. */
    long long bad_members[] = {uid[0], viewer_id, other_council_id, inactive_id, uid[0]};
    r = cf_plan(office, campaign, "2026-01-15", bad_members, 5, one, 1);
    t_assert_problem(r, 422, "members[1]");
    fx_assert_error(r, "members[2]", 0, NULL);
    fx_assert_error(r, "members[3]", 0, NULL);
    fx_assert_error(r, "members[4]", 0, NULL);
    t_free(r);
    r = cf_plan(office, campaign, "2026-01-15", members, 0, one, 1);
    t_assert_problem(r, 422, "members");
    t_free(r);
    r = cf_plan(tok[0], campaign, "2026-01-15", members, 3, one, 1); /* council does not plan */
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = cf_plan(other_office, campaign, "2026-01-15", members, 3, one, 1); /* another agency */
    t_assert_problem(r, 404, NULL);
    t_free(r);

    /* Not proposed: 409; on one agenda at a time. */
    long long id = session_of(members, 3, one, 1);
    cf_assert_state(ok, "in_session");
    r = cf_plan(office, campaign, "2026-01-20", members, 3, one, 1);
    t_assert_problem(r, 409, "agenda[0]");
    t_free(r);

    /* PATCH while planned: take one off (proposed again), put one on, move the day. */
    long long next = nominee(campaign, "GIAY_KHEN", NULL);
    char path[64], body[256];
    snprintf(path, sizeof path, "/api/v1/council-sessions/%lld", id);
    snprintf(body, sizeof body, "{\"agenda\":[%lld],\"held_on\":\"2026-01-22\",\"members\":[%lld,%lld]}", next, uid[0],
             uid[8]);
    r = t_patch(path, office, body);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "held_on"), "2026-01-22");
    assert_int_equal(json_array_size(json_object_get(r->json, "members")), 2);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(r->json, "agenda"), 0)), next);
    t_free(r);
    cf_assert_state(ok, "proposed");
    cf_assert_state(next, "in_session");
    r = t_patch(path, office, "{\"held_on\":\"2026-04-01\"}");
    t_assert_problem(r, 422, "held_on");
    t_free(r);
    r = t_patch(path, viewer, "{\"held_on\":\"2026-01-23\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);

    /* An award the council does not vote on (council vote none). */
    long long camp = fx_campaign(agency, "CS-N", "2025-01-01", "2025-12-31", "2026-03-31");
    char cs[32];
    snprintf(cs, sizeof cs, "%lld", camp);
    const char *p[] = {cs};
    free(t_sql("UPDATE campaign_award_rules SET rules = jsonb_set(rules, '{awards,GIAY_KHEN,council}',"
               " '{\"vote\":\"none\",\"pass\":null,\"upward\":false,\"public_notice_days\":0}') WHERE campaign_id = $1::bigint",
               1, p));
    long long none[] = {nominee(camp, "GIAY_KHEN", NULL)};
    r = cf_plan(office, camp, "2026-01-15", members, 3, none, 1);
    t_assert_problem(r, 422, "agenda[0]");
    t_free(r);

    /* An empty agenda may be planned but not opened. */
    long long empty = session_of(members, 3, NULL, 0);
    r = cf_open(office, empty, members, 3);
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = t_getf(office, "/api/v1/council-sessions/%lld/minutes", empty);
    t_assert_problem(r, 409, NULL);
    t_free(r);
}

/* Public notice: an award with public_notice_days N waits for the
 * portal's acknowledgment and N working days after it (409 saying the
 * earliest day). */
static void public_notice(void **state)
{
    (void)state;
    long long camp = fx_campaign(agency, "CS-P", "2025-01-01", "2025-12-31", "2026-03-31");
    char cs[32];
    snprintf(cs, sizeof cs, "%lld", camp);
    const char *p[] = {cs};
    free(t_sql("UPDATE campaign_award_rules SET rules = jsonb_set(rules, '{awards,GIAY_KHEN,council,public_notice_days}',"
               " '7') WHERE campaign_id = $1::bigint",
               1, p));
    long long n = nominee(camp, "GIAY_KHEN", NULL);
    long long members[] = {uid[0], uid[1], uid[2]}, agenda[] = {n};
    t_resp *r = cf_plan(office, camp, "2026-02-20", members, 3, agenda, 1); /* not published */
    t_assert_problem(r, 409, "agenda[0]");
    t_free(r);
    char ns[32];
    snprintf(ns, sizeof ns, "%lld", n);
    const char *q[] = {ns};
    free(t_sql("INSERT INTO publications (kind, nomination_id, payload, idempotency_key, state, sent_at)"
               " VALUES ('public_notice', $1::bigint, '{}', 'cs-notice-' || $1, 'sent', '2026-01-09 10:00+07')",
               1, q));
    char *earliest = t_sql("SELECT to_char(earliest_session_on, 'YYYY-MM-DD') FROM nomination_notice($1::bigint)", 1, q);
    char *day_before = t_sql("SELECT to_char(earliest_session_on - 1, 'YYYY-MM-DD') FROM nomination_notice($1::bigint)",
                             1, q);
    char vi[16];
    snprintf(vi, sizeof vi, "%.2s/%.2s/%.4s", earliest + 8, earliest + 5, earliest);
    r = cf_plan(office, camp, day_before, members, 3, agenda, 1);
    t_assert_problem(r, 409, "agenda[0]");
    fx_assert_error(r, "agenda[0]", 0, vi);
    t_free(r);
    cf_planned(office, camp, earliest, members, 3, agenda, 1);
    free(earliest);
    free(day_before);
}

int main(void)
{
    t_init();
    admin = t_user("cs_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "CSA", agency_code, sizeof agency_code);
    other_agency = t_make_agency(admin, "CSB", other_code, sizeof other_code);
    char body[256];
    snprintf(body, sizeof body, "{\"name\":\"Đơn vị Nơi <họp>\"}");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/units/%lld", agency);
    t_free(t_patch(path, admin, body));
    unit = fx_unit(admin, agency, "D1", "division", NULL);
    other_unit = fx_unit(admin, other_agency, "D1", "division", NULL);
    (void)other_unit;
    campaign = fx_campaign(agency, "CS-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    other_campaign = fx_campaign(other_agency, "CS-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    office = t_user("cs_office", "office", NULL, agency_code);
    other_office = t_user("cs_other_office", "office", NULL, other_code);
    viewer = t_user("cs_viewer", "viewer", NULL, agency_code);
    viewer_id = cf_user_id("cs_viewer");
    for (int i = 0; i < 8; i++) {
        char name[32];
        snprintf(name, sizeof name, "cs_member%d", i);
        tok[i] = t_user(name, "council", NULL, agency_code);
        uid[i] = cf_user_id(name);
    }
    tok[8] = t_user("cs_director", "director", NULL, agency_code);
    uid[8] = cf_user_id("cs_director");
    outsider = t_user("cs_outsider", "office", NULL, other_code);
    outsider_id = cf_user_id("cs_outsider");
    other_council = t_user("cs_other_council", "council", NULL, other_code);
    other_council_id = cf_user_id("cs_other_council");
    free(t_user("cs_inactive", "council", NULL, agency_code));
    inactive_id = cf_user_id("cs_inactive");
    free(t_sql("UPDATE users SET active = false WHERE username = 'cs_inactive'", 0, NULL));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_flow),
        cmocka_unit_test(printable_minutes),
        cmocka_unit_test(quorum_boundary),
        cmocka_unit_test(quorum_of_the_campaign),
        cmocka_unit_test(half_of_present_is_not_more),
        cmocka_unit_test(two_thirds_of_members),
        cmocka_unit_test(nine_tenths),
        cmocka_unit_test(ballots),
        cmocka_unit_test(agenda_and_members),
        cmocka_unit_test(public_notice),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    free(other_office);
    free(viewer);
    free(outsider);
    free(other_council);
    for (int i = 0; i < 9; i++)
        free(tok[i]);
    return rc;
}
