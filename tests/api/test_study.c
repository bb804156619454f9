/* Study topics and study sessions of a campaign: creating and listing,
 * the campaign's dates, the topic of the campaign, who may write. */
#include "client.h"
#include "facts_fixture.h"

static char *admin, *office, *viewer, *head, *director;
static long long agency, campaign, other_campaign;
static char agency_code[64];

static long long post_topic(long long camp, const char *code, const char *extra)
{
    char path[128], body[512];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/study-topics", camp);
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"title\":\"Nghị quyết %s\"%s}", code, code, extra);
    t_resp *r = t_post(path, office, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

static t_resp *post_session(const char *token, long long camp, const char *body)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/study-sessions", camp);
    return t_post(path, token, body);
}

static void topics_create_and_list(void **state)
{
    (void)state;
    char path[128], loc[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/study-topics", campaign);
    t_resp *r = t_post(path, office, "{\"code\":\"NQ57\",\"title\":\"Nghị quyết 57-NQ/TW về chuyển đổi số\"}");
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    assert_string_equal(t_json_str(r->json, "code"), "NQ57");
    assert_string_equal(t_json_str(r->json, "title"), "Nghị quyết 57-NQ/TW về chuyển đổi số");
    assert_true(json_is_true(json_object_get(r->json, "required")));
    snprintf(loc, sizeof loc, "/api/v1/study-topics/%lld", id);
    assert_string_equal(t_header(r, "Location"), loc);
    t_free(r);

    r = t_post(path, admin, "{\"code\":\"CT05\",\"title\":\"Chỉ thị 05\",\"required\":false}");
    t_assert_status(r, 201);
    assert_true(json_is_false(json_object_get(r->json, "required")));
    t_free(r);

    r = t_get(loc, viewer);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "code"), "NQ57");
    t_free(r);

    r = t_get(path, viewer);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 2);
    assert_int_equal(t_json_int(r->json, "limit"), 50);
    assert_int_equal(t_json_int(r->json, "offset"), 0);
    assert_int_equal(fx_item_int(r, 0, "id"), id);
    t_free(r);

    r = t_getf(viewer, "%s?limit=1&offset=1", path);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 2);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    assert_string_equal(t_json_str(json_array_get(json_object_get(r->json, "items"), 0), "code"), "CT05");
    t_free(r);
}

static void topics_validation(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/study-topics", campaign);
    t_resp *r = t_post(path, office, "{\"title\":\"Không mã\"}");
    t_assert_problem(r, 422, "code");
    t_free(r);
    r = t_post(path, office, "{\"code\":\"có dấu\",\"title\":\"X\"}");
    t_assert_problem(r, 422, "code");
    t_free(r);
    r = t_post(path, office, "{\"code\":\"EMPTY\",\"title\":\"  \"}");
    t_assert_problem(r, 422, "title");
    t_free(r);
    r = t_post(path, office, "{\"code\":\"BOOL\",\"title\":\"X\",\"required\":\"yes\"}");
    t_assert_problem(r, 422, "required");
    t_free(r);
    r = t_post(path, office, "{\"code\":\"EXTRA\",\"title\":\"X\",\"unit_id\":1}");
    t_assert_problem(r, 422, "unit_id");
    t_free(r);

    post_topic(campaign, "DUP1", "");
    r = t_post(path, office, "{\"code\":\"DUP1\",\"title\":\"Lần hai\"}");
    t_assert_problem(r, 409, "code");
    t_free(r);
    /* The same code in another campaign is another topic. */
    post_topic(other_campaign, "DUP1", "");

    r = t_post("/api/v1/campaigns/999999999/study-topics", office, "{\"code\":\"X\",\"title\":\"X\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/campaigns/999999999/study-topics", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/study-topics/999999999", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(viewer, "%s?limit=0", path);
    t_assert_problem(r, 400, "limit");
    t_free(r);
}

static void topics_roles(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/study-topics", campaign);
    const char *body = "{\"code\":\"ROLE\",\"title\":\"X\"}";
    char *no[] = {viewer, head, director};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        t_resp *r = t_post(path, no[i], body);
        t_assert_problem(r, 403, NULL);
        t_free(r);
    }
    assert_int_equal(fx_count("SELECT count(*) FROM study_topics WHERE campaign_id = $1 AND code = 'ROLE'", campaign), 0);
    t_resp *r = t_get(path, head);
    t_assert_status(r, 200);
    t_free(r);
}

static void sessions_create_and_filter(void **state)
{
    (void)state;
    long long t1 = post_topic(campaign, "S_T1", ""), t2 = post_topic(campaign, "S_T2", "");
    char body[256], path[128];
    /* Boundaries: the first day, the last day of the year, a make-up
     * session after ends_on up to closes_on. */
    const char *days[] = {"2025-01-01", "2025-06-15", "2025-12-31", "2026-06-30"};
    long long ids[4];
    for (int i = 0; i < 4; i++) {
        snprintf(body, sizeof body, "{\"topic_id\":%lld,\"held_on\":\"%s\",\"title\":\"Buổi %d\"}", i < 3 ? t1 : t2,
                 days[i], i + 1);
        t_resp *r = post_session(office, campaign, body);
        t_assert_status(r, 201);
        ids[i] = t_json_int(r->json, "id");
        assert_int_equal(t_json_int(r->json, "topic_id"), i < 3 ? t1 : t2);
        assert_string_equal(t_json_str(r->json, "held_on"), days[i]);
        assert_int_equal(t_json_int(r->json, "attendees"), 0);
        char loc[128];
        snprintf(loc, sizeof loc, "/api/v1/study-sessions/%lld", ids[i]);
        assert_string_equal(t_header(r, "Location"), loc);
        t_free(r);
    }
    /* The title may be left out. */
    snprintf(body, sizeof body, "{\"topic_id\":%lld,\"held_on\":\"2025-03-03\"}", t2);
    t_resp *r = post_session(admin, campaign, body);
    t_assert_status(r, 201);
    assert_true(json_is_null(json_object_get(r->json, "title")));
    long long untitled = t_json_int(r->json, "id");
    t_free(r);

    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/study-sessions", campaign);
    r = t_getf(viewer, "%s?topic_id=%lld", path, t1);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(fx_item_int(r, (size_t)i, "id"), ids[i]);
    t_free(r);
    r = t_getf(viewer, "%s?from=2025-03-03&to=2025-12-31", path);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 3);
    assert_int_equal(fx_item_int(r, 0, "id"), untitled);
    assert_int_equal(fx_item_int(r, 1, "id"), ids[1]);
    assert_int_equal(fx_item_int(r, 2, "id"), ids[2]);
    t_free(r);
    r = t_getf(viewer, "%s?topic_id=%lld&from=2026-01-01", path, t2);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 1);
    assert_int_equal(fx_item_int(r, 0, "id"), ids[3]);
    t_free(r);
    r = t_getf(viewer, "/api/v1/study-sessions/%lld", ids[0]);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "title"), "Buổi 1");
    t_free(r);
}

static void sessions_validation(void **state)
{
    (void)state;
    long long topic = post_topic(campaign, "V_T", ""), foreign = post_topic(other_campaign, "V_T", "");
    char body[256];
    snprintf(body, sizeof body, "{\"topic_id\":%lld,\"held_on\":\"2025-05-05\"}", foreign);
    t_resp *r = post_session(office, campaign, body);
    t_assert_problem(r, 422, "topic_id");
    t_free(r);
    r = post_session(office, campaign, "{\"topic_id\":999999999,\"held_on\":\"2025-05-05\"}");
    t_assert_problem(r, 422, "topic_id");
    t_free(r);
    const char *outside[] = {"2024-12-31", "2026-07-01"};
    for (int i = 0; i < 2; i++) {
        snprintf(body, sizeof body, "{\"topic_id\":%lld,\"held_on\":\"%s\"}", topic, outside[i]);
        r = post_session(office, campaign, body);
        t_assert_problem(r, 422, "held_on");
        t_free(r);
    }
    /* Both at once: both named. */
    snprintf(body, sizeof body, "{\"topic_id\":%lld,\"held_on\":\"2027-01-01\"}", foreign);
    r = post_session(office, campaign, body);
    t_assert_problem(r, 422, "topic_id");
    fx_assert_error(r, "held_on", 0, NULL);
    t_free(r);
    snprintf(body, sizeof body, "{\"topic_id\":%lld,\"held_on\":\"2025-02-30\"}", topic);
    r = post_session(office, campaign, body);
    t_assert_problem(r, 422, "held_on");
    t_free(r);
    r = post_session(office, campaign, "{\"held_on\":\"2025-05-05\"}");
    t_assert_problem(r, 422, "topic_id");
    t_free(r);
    snprintf(body, sizeof body, "{\"topic_id\":%lld,\"held_on\":\"2025-05-05\"}", topic);
    r = post_session(office, 999999999, body);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    assert_int_equal(fx_count("SELECT count(*) FROM study_sessions WHERE topic_id = $1", topic), 0);

    r = t_getf(viewer, "/api/v1/campaigns/%lld/study-sessions?from=2025-02-30", campaign);
    t_assert_problem(r, 400, "from");
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/study-sessions?topic_id=abc", campaign);
    t_assert_problem(r, 400, "topic_id");
    t_free(r);
    r = t_get("/api/v1/campaigns/999999999/study-sessions", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/study-sessions/999999999", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

static void sessions_roles(void **state)
{
    (void)state;
    long long topic = post_topic(campaign, "R_T", "");
    char body[256];
    snprintf(body, sizeof body, "{\"topic_id\":%lld,\"held_on\":\"2025-05-05\"}", topic);
    char *no[] = {viewer, head, director};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        t_resp *r = post_session(no[i], campaign, body);
        t_assert_problem(r, 403, NULL);
        t_free(r);
    }
    assert_int_equal(fx_count("SELECT count(*) FROM study_sessions WHERE topic_id = $1", topic), 0);
    /* Every write leaves its audit row with the acting user. */
    t_resp *r = post_session(office, campaign, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    assert_int_equal(fx_count("SELECT count(*) FROM audit_log a JOIN users u ON u.id = a.user_id"
                              " WHERE a.entity = 'study_sessions' AND a.entity_id = $1 AND u.username = 'study_office'",
                              id),
                     1);
}

int main(void)
{
    t_init();
    admin = t_user("study_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "STU", agency_code, sizeof agency_code);
    fx_unit(admin, agency, "D1", "division", NULL);
    office = t_user("study_office", "office", NULL, agency_code);
    viewer = t_user("study_viewer", "viewer", NULL, agency_code);
    director = t_user("study_director", "director", NULL, agency_code);
    head = t_user("study_head", "unit_head", "D1", agency_code);
    campaign = fx_campaign(agency, "TD2025", "2025-01-01", "2025-12-31", "2026-06-30");
    other_campaign = fx_campaign(agency, "TD2024", "2024-01-01", "2024-12-31", "2024-12-31");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(topics_create_and_list),
        cmocka_unit_test(topics_validation),
        cmocka_unit_test(topics_roles),
        cmocka_unit_test(sessions_create_and_filter),
        cmocka_unit_test(sessions_validation),
        cmocka_unit_test(sessions_roles),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    free(viewer);
    free(director);
    free(head);
    return rc;
}
