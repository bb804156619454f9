/* The director's decisions (awards.md "Decision"): all or nothing over
 * nominations locked in id order; each recommended (proposed when its
 * award has no council vote), eligible as of decided_on, its comments
 * answered; decided_on within the campaign; the decision number unique in
 * the campaign; title rows for the titles the agency grants (and the
 * scorecard moving with them), none for GIAY_KHEN; an award proposed
 * upward becomes proposed_upward, with its dossier and later the higher
 * level's outcome (a granted CSTD_TINH writes its title row). A decision
 * racing a withdrawal: exactly one wins. Validation, roles and agencies.
 * The campaign is 2025 (S 2025-01-01, E 2025-12-31, C 2026-03-31). */
#include "client.h"
#include "facts_fixture.h"

#include <pthread.h>

static char *admin, *office, *director, *head, *viewer, *council, *other_director;
static long long agency, unit, unit2, other_agency, foreign_unit, campaign, foreign_campaign;
static char agency_code[64], other_code[64];
static int seq;

static const char *num(long long v)
{
    static char buf[8][24];
    static int next;
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "%lld", v);
    return b;
}

/* A fresh staff member of unit u, rated level (NULL: not rated) in camp. */
static long long person(long long u, long long camp, const char *name, const char *level)
{
    char code[32];
    snprintf(code, sizeof code, "DS%d", ++seq);
    long long s = fx_staff(u, code, name, "2020-01-01", NULL);
    if (level) {
        const char *p[] = {num(camp), num(s), level};
        t_sql_int("INSERT INTO ratings (campaign_id, subject_type, staff_id, level, decided_on, decision_no)"
                  " VALUES ($1, 'staff', $2::bigint, $3, '2025-12-15', 'XL-' || $2::bigint::text) RETURNING id",
                  3, p);
    }
    return s;
}

static long long nominate(long long camp, const char *type, long long subject, const char *award, const char *reason)
{
    char path[96], body[512];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/nominations", camp);
    snprintf(body, sizeof body, "{\"subject_type\":\"%s\",\"subject_id\":%lld,\"award\":\"%s\",\"reason\":\"%s\"}", type,
             subject, award, reason);
    t_resp *r = t_post(path, office, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

/* The council's result, set directly (the council sessions are another
 * module's). */
static void set_state(long long nomination, const char *state)
{
    const char *p[] = {num(nomination), state};
    free(t_sql("UPDATE nominations SET state = $2 WHERE id = $1::bigint", 2, p));
}

static long long recommended(long long camp, long long staff, const char *award)
{
    long long n = nominate(camp, "staff", staff, award, "Hoàn thành xuất sắc nhiệm vụ");
    set_state(n, "recommended");
    return n;
}

static t_resp *decide(const char *token, long long camp, const char *no, const char *on, const char *ids)
{
    char path[96], body[512];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/decisions", camp);
    snprintf(body, sizeof body, "{\"decision_no\":\"%s\",\"decided_on\":\"%s\",\"nomination_ids\":%s}", no, on, ids);
    return t_post(path, token, body);
}

static char *state_of(long long nomination)
{
    const char *p[] = {num(nomination)};
    return t_sql("SELECT state FROM nominations WHERE id = $1::bigint", 1, p);
}

static void assert_state(long long nomination, const char *state)
{
    char *s = state_of(nomination);
    assert_non_null(s);
    assert_string_equal(s, state);
    free(s);
}

static long long titles_of(long long nomination)
{
    return fx_count("SELECT count(*) FROM titles WHERE nomination_id = $1::bigint", nomination);
}

/* An award's council rule in the campaign's copy, changed directly:
 * path e.g. '{awards,GIAY_KHEN,council,vote}', value JSON text. */
static void set_rule(long long camp, const char *path, const char *value)
{
    const char *p[] = {num(camp), path, value};
    free(t_sql("UPDATE campaign_award_rules SET rules = jsonb_set(rules, $2::text[], $3::jsonb)"
               " WHERE campaign_id = $1::bigint",
               3, p));
}

static long long new_campaign(const char *code)
{
    char c[64];
    snprintf(c, sizeof c, "%s-%d", code, ++seq);
    return fx_campaign(agency, c, "2025-01-01", "2025-12-31", "2026-03-31");
}

static void decision_writes_titles_and_moves_the_scorecard(void **state)
{
    (void)state;
    long long camp = new_campaign("DEC-SC");
    const char *p[] = {num(camp)};
    free(t_sql("INSERT INTO targets (campaign_id, position, code, name, metric, params, comparator, threshold)"
               " VALUES ($1::bigint, 1, 'advanced', 'Lao động tiên tiến', 'staff_title_share',"
               " '{\"title\":\"LDTT\",\"base\":\"active_staff\"}', 'ge', '80')",
               1, p));
    long long s1 = person(unit, camp, "Nguyễn Văn Thành", "HTTNV");
    long long s2 = person(unit2, camp, "Lê Thị Hoa", "HTNV");
    long long n1 = recommended(camp, s1, "LDTT");
    long long n2 = recommended(camp, s2, "GIAY_KHEN");

    char path[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/scorecard?as_of=2026-03-31", camp);
    t_resp *before = t_get(path, viewer);
    t_assert_status(before, 200);
    char etag[256];
    snprintf(etag, sizeof etag, "%s", t_header(before, "ETag"));
    json_t *tg = json_array_get(json_object_get(before->json, "targets"), 0);
    assert_string_equal(t_json_str(tg, "status"), "pending"); /* no title decided yet */

    char ids[64];
    snprintf(ids, sizeof ids, "[%lld,%lld]", n2, n1);
    t_resp *r = decide(director, camp, "125/QĐ-SNV", "2025-12-20", ids);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    char loc[96];
    snprintf(loc, sizeof loc, "/api/v1/award-decisions/%lld", id);
    assert_string_equal(t_header(r, "Location"), loc);
    assert_string_equal(t_json_str(r->json, "decision_no"), "125/QĐ-SNV");
    assert_string_equal(t_json_str(r->json, "decided_on"), "2025-12-20");
    assert_int_equal(t_json_int(r->json, "campaign_id"), camp);
    json_t *noms = json_object_get(r->json, "nominations");
    assert_int_equal(json_array_size(noms), 2);
    json_t *first = json_array_get(noms, 0); /* in id order */
    assert_int_equal(t_json_int(first, "id"), n1);
    assert_string_equal(t_json_str(first, "state"), "decided");
    assert_string_equal(t_json_str(first, "award"), "LDTT");
    assert_string_equal(t_json_str(first, "subject_name"), "Nguyễn Văn Thành");
    assert_int_equal(t_json_int(first, "subject_id"), s1);
    t_free(r);

    /* LDTT has its title row, with the decision; GIAY_KHEN none. */
    const char *q[] = {num(n1)};
    char *t = t_sql("SELECT title || '|' || decision_no || '|' || decided_on || '|' || staff_id FROM titles"
                    " WHERE nomination_id = $1::bigint",
                    1, q);
    char want[128];
    snprintf(want, sizeof want, "LDTT|125/QĐ-SNV|2025-12-20|%lld", s1);
    assert_string_equal(t, want);
    free(t);
    assert_int_equal(titles_of(n2), 0);
    assert_state(n2, "decided");

    /* The scorecard moved with it: a new ETag and the title counted. */
    t_resp *after = t_get(path, viewer);
    t_assert_status(after, 200);
    assert_string_not_equal(t_header(after, "ETag"), etag);
    tg = json_array_get(json_object_get(after->json, "targets"), 0);
    assert_int_equal(t_json_int(tg, "numerator"), 1);
    assert_int_equal(t_json_int(tg, "denominator"), 2);
    t_free(before);
    t_free(after);

    /* The nomination shows its decision, subject and unit. */
    r = t_getf(viewer, "/api/v1/nominations/%lld", n1);
    t_assert_status(r, 200);
    json_t *d = json_object_get(r->json, "decision");
    assert_int_equal(t_json_int(d, "id"), id);
    assert_string_equal(t_json_str(d, "decision_no"), "125/QĐ-SNV");
    assert_string_equal(t_json_str(d, "decided_on"), "2025-12-20");
    assert_true(json_is_null(json_object_get(r->json, "outcome")));
    assert_true(json_is_null(json_object_get(r->json, "notice")));
    assert_int_equal(t_json_int(r->json, "comments_unanswered"), 0);
    assert_string_equal(t_json_str(r->json, "subject_name"), "Nguyễn Văn Thành");
    assert_int_equal(t_json_int(r->json, "unit_id"), unit);
    assert_string_equal(t_json_str(r->json, "unit_name"), "Đơn vị D1");
    t_free(r);

    /* Listed and read back. */
    r = t_getf(viewer, "/api/v1/campaigns/%lld/decisions", camp);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 1);
    assert_int_equal(fx_item_int(r, 0, "id"), id);
    t_free(r);
    r = t_get(loc, head);
    t_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "nominations")), 2);
    t_free(r);
    r = t_get(loc, other_director);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(other_director, "/api/v1/campaigns/%lld/decisions", camp);
    t_assert_problem(r, 404, NULL);
    t_free(r);

    /* Decided: no second decision, no withdrawal. */
    snprintf(ids, sizeof ids, "[%lld]", n1);
    r = decide(director, camp, "126/QĐ-SNV", "2025-12-21", ids);
    t_assert_problem(r, 409, "nomination_ids[0]");
    t_free(r);
    snprintf(path, sizeof path, "/api/v1/nominations/%lld", n1);
    r = t_delete(path, office);
    t_assert_problem(r, 409, NULL);
    t_free(r);
}

static void all_or_nothing(void **state)
{
    (void)state;
    long long camp = new_campaign("DEC-ALL");
    long long good = recommended(camp, person(unit, camp, "Phạm Văn An", "HTTNV"), "LDTT");
    long long low = recommended(camp, person(unit, camp, "Võ Thị Bé", "HTNV"), "LDTT"); /* rating too low */
    long long proposed = nominate(camp, "staff", person(unit, camp, "Trần Văn Cư", "HTTNV"), "LDTT", "Tốt");
    char ids[96];

    /* Not recommended by the council: 409 naming it. */
    snprintf(ids, sizeof ids, "[%lld,%lld]", good, proposed);
    t_resp *r = decide(director, camp, "01/QĐ", "2025-12-20", ids);
    t_assert_problem(r, 409, "nomination_ids[1]");
    t_free(r);
    /* Ineligible as of decided_on: 422 naming it and its failed criterion. */
    snprintf(ids, sizeof ids, "[%lld,%lld]", good, low);
    r = decide(director, camp, "01/QĐ", "2025-12-20", ids);
    t_assert_problem(r, 422, "nomination_ids[1]");
    fx_assert_error(r, "nomination_ids[1].criteria[0]", 0, "rating_at_least");
    fx_assert_error(r, "nomination_ids[1]", 0, "20/12/2025");
    t_free(r);
    /* Before the rating was decided (2025-12-15), the good one is not eligible either. */
    snprintf(ids, sizeof ids, "[%lld]", good);
    r = decide(director, camp, "01/QĐ", "2025-12-14", ids);
    t_assert_problem(r, 422, "nomination_ids[0]");
    t_free(r);
    /* Nothing was written. */
    assert_state(good, "recommended");
    assert_int_equal(titles_of(good), 0);
    assert_int_equal(fx_count("SELECT count(*) FROM award_decisions WHERE campaign_id = $1::bigint", camp), 0);

    /* decided_on within S..C: the last day of C is fine, the day after is not. */
    r = decide(director, camp, "01/QĐ", "2024-12-31", ids);
    t_assert_problem(r, 422, "decided_on");
    t_free(r);
    r = decide(director, camp, "01/QĐ", "2026-04-01", ids);
    t_assert_problem(r, 422, "decided_on");
    t_free(r);
    r = decide(director, camp, "01/QĐ", "2026-03-31", ids);
    t_assert_status(r, 201);
    t_free(r);
    assert_state(good, "decided");

    /* The same decision number again in the campaign: 409. */
    long long other = recommended(camp, person(unit, camp, "Đặng Văn Dũng", "HTTNV"), "LDTT");
    snprintf(ids, sizeof ids, "[%lld]", other);
    r = decide(director, camp, "01/QĐ", "2026-01-05", ids);
    t_assert_problem(r, 409, "decision_no");
    t_free(r);
    assert_state(other, "recommended");
    /* An admin decides too. */
    r = decide(admin, camp, "02/QĐ", "2026-01-05", ids);
    t_assert_status(r, 201);
    t_free(r);
}

static void comments_must_be_answered(void **state)
{
    (void)state;
    long long camp = new_campaign("DEC-CMT");
    long long n = recommended(camp, person(unit, camp, "Huỳnh Thị Em", "HTTNV"), "LDTT");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/nominations/%lld/comments", n);
    t_resp *r = t_post(path, office, "{\"author\":\"Một người dân\",\"body\":\"Đề nghị xem lại thành tích.\","
                                     "\"received_on\":\"2025-12-10\"}");
    t_assert_status(r, 201);
    long long comment = t_json_int(r->json, "id");
    t_free(r);
    char ids[64];
    snprintf(ids, sizeof ids, "[%lld]", n);
    r = decide(director, camp, "03/QĐ", "2025-12-20", ids);
    t_assert_problem(r, 422, "nomination_ids[0]");
    fx_assert_error(r, "nomination_ids[0]", 0, "chưa được trả lời");
    t_free(r);
    r = t_getf(viewer, "/api/v1/nominations/%lld", n);
    assert_int_equal(t_json_int(r->json, "comments_unanswered"), 1);
    t_free(r);
    snprintf(path, sizeof path, "/api/v1/nomination-comments/%lld", comment);
    r = t_patch(path, office, "{\"answer\":\"Đã xác minh: thành tích đúng.\",\"answered_on\":\"2025-12-12\"}");
    t_assert_status(r, 200);
    t_free(r);
    r = decide(director, camp, "03/QĐ", "2025-12-20", ids);
    t_assert_status(r, 201);
    t_free(r);
    /* Decided: no more comments, no more answers. */
    snprintf(path, sizeof path, "/api/v1/nominations/%lld/comments", n);
    r = t_post(path, office, "{\"body\":\"Muộn\",\"received_on\":\"2025-12-21\"}");
    t_assert_problem(r, 409, NULL);
    t_free(r);
}

static void council_vote_none_and_title_conflict(void **state)
{
    (void)state;
    long long camp = new_campaign("DEC-NONE");
    set_rule(camp, "{awards,GIAY_KHEN,council,vote}", "\"none\"");
    long long s = person(unit, camp, "Mai Văn Giang", "HTTNV");
    long long n = nominate(camp, "staff", s, "GIAY_KHEN", "Tốt");
    char ids[64];
    snprintf(ids, sizeof ids, "[%lld]", n);
    t_resp *r = decide(director, camp, "04/QĐ", "2025-12-20", ids);
    t_assert_status(r, 201); /* proposed is enough without a council vote */
    t_free(r);
    assert_state(n, "decided");

    /* A title entered directly before: the decision's title row would be a second. */
    long long s2 = person(unit, camp, "Mai Thị Hạnh", "HTTNV");
    const char *p[] = {num(camp), num(s2)};
    t_sql_int("INSERT INTO titles (campaign_id, subject_type, staff_id, title, decision_no, decided_on)"
              " VALUES ($1, 'staff', $2, 'LDTT', 'TT-1', '2025-12-18') RETURNING id",
              2, p);
    long long n2 = recommended(camp, s2, "LDTT");
    snprintf(ids, sizeof ids, "[%lld]", n2);
    r = decide(director, camp, "05/QĐ", "2025-12-20", ids);
    t_assert_problem(r, 409, "nomination_ids[0]");
    t_free(r);
    assert_state(n2, "recommended");
}

static void validation_roles_and_agencies(void **state)
{
    (void)state;
    long long camp = new_campaign("DEC-VAL");
    long long n = recommended(camp, person(unit, camp, "Tô Văn Khoa", "HTTNV"), "LDTT");
    long long elsewhere = recommended(campaign, person(unit, campaign, "Tô Thị Lan", "HTTNV"), "LDTT");
    char path[96], ids[64];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/decisions", camp);

    t_resp *r = t_request("POST", path, director, "application/json", "", 0);
    t_assert_problem(r, 400, NULL);
    t_free(r);
    r = t_post(path, director, "{}");
    t_assert_problem(r, 422, "decision_no");
    t_assert_problem(r, 422, "decided_on");
    t_assert_problem(r, 422, "nomination_ids");
    t_free(r);
    r = t_post(path, director, "{\"decision_no\":12,\"decided_on\":\"2025-02-30\",\"nomination_ids\":[1]}");
    t_assert_problem(r, 422, "decision_no");
    t_assert_problem(r, 422, "decided_on");
    t_free(r);
    r = decide(director, camp, "06/QĐ", "2025-12-20", "\"1\"");
    t_assert_problem(r, 422, "nomination_ids");
    t_free(r);
    r = decide(director, camp, "06/QĐ", "2025-12-20", "null");
    t_assert_problem(r, 422, "nomination_ids");
    t_free(r);
    r = decide(director, camp, "06/QĐ", "2025-12-20", "[]");
    t_assert_problem(r, 422, "nomination_ids");
    t_free(r);
    snprintf(ids, sizeof ids, "[%lld,%lld]", n, n);
    r = decide(director, camp, "06/QĐ", "2025-12-20", ids);
    t_assert_problem(r, 422, "nomination_ids[1]");
    t_free(r);
    r = decide(director, camp, "06/QĐ", "2025-12-20", "[\"1\",1.5,-3,0]");
    t_assert_problem(r, 422, "nomination_ids[0]");
    t_assert_problem(r, 422, "nomination_ids[1]");
    t_assert_problem(r, 422, "nomination_ids[2]");
    t_assert_problem(r, 422, "nomination_ids[3]");
    t_free(r);
    /* Unknown ids, and a nomination of another campaign, are not in this one. */
    snprintf(ids, sizeof ids, "[%lld,999999999999,%lld]", n, elsewhere);
    r = decide(director, camp, "06/QĐ", "2025-12-20", ids);
    t_assert_problem(r, 422, "nomination_ids[1]");
    t_assert_problem(r, 422, "nomination_ids[2]");
    t_free(r);
    /* Roles: only the director and admin decide. */
    snprintf(ids, sizeof ids, "[%lld]", n);
    const char *refused[] = {office, head, viewer, council};
    for (size_t i = 0; i < 4; i++) {
        r = decide(refused[i], camp, "06/QĐ", "2025-12-20", ids);
        t_assert_problem(r, 403, NULL);
        t_free(r);
    }
    /* Another agency: the campaign does not exist for it. */
    r = decide(other_director, camp, "06/QĐ", "2025-12-20", ids);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = decide(director, foreign_campaign, "06/QĐ", "2025-12-20", ids);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = decide(director, 999999999999LL, "06/QĐ", "2025-12-20", ids);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/campaigns/999999999999/decisions", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/award-decisions/999999999999", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/decisions?page=2", camp);
    t_assert_problem(r, 400, "page");
    t_free(r);
    assert_state(n, "recommended");
}

/* ------------------------------------------------------------ the race */

typedef struct racer {
    const char *method, *path, *token, *body;
    pthread_barrier_t *start;
    long status;
} racer;

static size_t discard(char *d, size_t s, size_t n, void *u)
{
    (void)d;
    (void)u;
    return s * n;
}

static void *race(void *arg)
{
    racer *x = arg;
    char url[512], auth[256];
    snprintf(url, sizeof url, "%s%s", t_url(), x->path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", x->token);
    struct curl_slist *h = curl_slist_append(NULL, auth);
    h = curl_slist_append(h, "Content-Type: application/json");
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, x->method);
    if (x->body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, x->body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    pthread_barrier_wait(x->start);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &x->status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    return NULL;
}

static void decision_racing_a_withdrawal(void **state)
{
    (void)state;
    long long camp = new_campaign("DEC-RACE");
    set_rule(camp, "{awards,GIAY_KHEN,council,vote}", "\"none\"");
    int decided = 0, withdrawn = 0;
    for (int round = 0; round < 8; round++) {
        long long s = person(round % 2 ? unit : unit2, camp, "Lâm Văn Minh", NULL);
        long long n = nominate(camp, "staff", s, "GIAY_KHEN", "Tốt");
        char dpath[96], wpath[96], body[256];
        snprintf(dpath, sizeof dpath, "/api/v1/campaigns/%lld/decisions", camp);
        snprintf(wpath, sizeof wpath, "/api/v1/nominations/%lld", n);
        snprintf(body, sizeof body, "{\"decision_no\":\"R-%d\",\"decided_on\":\"2025-12-20\",\"nomination_ids\":[%lld]}",
                 round, n);
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, 2);
        racer a = {"POST", dpath, director, body, &start, 0};
        racer b = {"DELETE", wpath, office, NULL, &start, 0};
        pthread_t ta, tb;
        /* Alternate which thread starts first. */
        pthread_create(round % 2 ? &tb : &ta, NULL, race, round % 2 ? (void *)&b : (void *)&a);
        pthread_create(round % 2 ? &ta : &tb, NULL, race, round % 2 ? (void *)&a : (void *)&b);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        pthread_barrier_destroy(&start);
        char *st = state_of(n);
        const char *p[] = {num(camp), body};
        long long decisions = t_sql_int("SELECT count(*) FROM award_decisions WHERE campaign_id = $1::bigint"
                                        " AND decision_no = ($2::json->>'decision_no')",
                                        2, p);
        if (a.status == 201) {
            assert_int_equal(b.status, 409);
            assert_string_equal(st, "decided");
            assert_int_equal(decisions, 1);
            decided++;
        } else {
            assert_int_equal(a.status, 409);
            assert_int_equal(b.status, 204);
            assert_string_equal(st, "withdrawn");
            assert_int_equal(decisions, 0);
            withdrawn++;
        }
        free(st);
    }
    assert_int_equal(decided + withdrawn, 8);
}

/* ------------------------------------------------------------ upward */

static t_resp *outcome(const char *token, long long n, const char *body)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/nominations/%lld/outcome", n);
    return t_post(path, token, body);
}

static void proposed_upward_dossier_and_outcome(void **state)
{
    (void)state;
    long long camp = new_campaign("DEC-UP");
    /* CSTD_TINH here needs only no_hold and no public notice. */
    set_rule(camp, "{awards,CSTD_TINH,criteria}", "[{\"code\":\"no_hold\",\"params\":{}}]");
    set_rule(camp, "{awards,CSTD_TINH,council,public_notice_days}", "0");
    long long s = person(unit, camp, "Nguyễn Thị <Hồng> & \"Nhung\"", "HTXSNV");
    long long n = nominate(camp, "staff", s, "CSTD_TINH", "Chủ trì <b>12</b> sáng kiến");
    set_state(n, "recommended");
    long long s2 = person(unit, camp, "Trương Văn Quý", "HTXSNV");
    long long n2 = recommended(camp, s2, "CSTD_TINH");
    long long n3 = recommended(camp, person(unit, camp, "Kim Văn Sơn", "HTTNV"), "LDTT");

    /* The council's result for n, as the closing of its session wrote it. */
    long long session = t_sql_int("INSERT INTO council_sessions (campaign_id, held_on, state, opened_at, closed_at)"
                                  " VALUES ($1::bigint, '2025-12-05', 'closed', now(), now()) RETURNING id",
                                  1, (const char *[]){num(camp)});
    const char *q[] = {num(session), num(n)};
    t_sql_int("INSERT INTO council_results (session_id, nomination_id, vote_kind, votes_for, votes_against,"
              " votes_abstain, not_voted, threshold, passed) VALUES ($1::bigint, $2::bigint, 'secret', 5, 0, 0, 0,"
              " '{\"op\":\"ge\",\"num\":9,\"den\":10,\"base\":\"members\",\"base_count\":5,\"needed\":5}', true)"
              " RETURNING id",
              2, q);

    char ids[96];
    snprintf(ids, sizeof ids, "[%lld,%lld,%lld]", n, n2, n3);
    t_resp *r = decide(director, camp, "07/TTr-SNV", "2025-12-22", ids);
    t_assert_status(r, 201);
    t_free(r);
    assert_state(n, "proposed_upward");
    assert_state(n2, "proposed_upward");
    assert_state(n3, "decided");
    assert_int_equal(titles_of(n), 0); /* not granted yet */

    /* The dossier: escaped, in Vietnamese, dates dd/mm/yyyy. */
    r = t_getf(viewer, "/api/v1/nominations/%lld/dossier", n);
    t_assert_status(r, 200);
    assert_non_null(strstr(t_header(r, "Content-Type"), "text/html"));
    assert_non_null(strstr(r->body, "HỒ SƠ ĐỀ NGHỊ KHEN THƯỞNG CẤP TRÊN"));
    assert_non_null(strstr(r->body, "Nguyễn Thị &lt;Hồng&gt; &amp; &quot;Nhung&quot;"));
    assert_non_null(strstr(r->body, "Chủ trì &lt;b&gt;12&lt;/b&gt; sáng kiến"));
    assert_null(strstr(r->body, "<b>12</b>"));
    assert_non_null(strstr(r->body, "Chiến sĩ thi đua cấp tỉnh"));
    assert_non_null(strstr(r->body, "07/TTr-SNV"));
    assert_non_null(strstr(r->body, "22/12/2025"));
    assert_non_null(strstr(r->body, "05/12/2025"));     /* the session */
    assert_non_null(strstr(r->body, "✔ Đạt"));
    assert_non_null(strstr(r->body, "Không đang bị xem xét")); /* no_hold in words */
    assert_non_null(strstr(r->body, "5 đồng ý, 0 không đồng ý"));
    assert_non_null(strstr(r->body, "từ 9/10 tổng số thành viên"));
    assert_non_null(strstr(r->body, "cần ít nhất 5 phiếu"));
    assert_null(strstr(r->body, "2025-12-22"));
    t_free(r);
    r = t_getf(viewer, "/api/v1/nominations/%lld/dossier", n2); /* no session judged it here */
    t_assert_status(r, 200);
    assert_non_null(strstr(r->body, "Không có phiên họp"));
    t_free(r);
    r = t_getf(viewer, "/api/v1/nominations/%lld/dossier", n3);
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = t_getf(other_director, "/api/v1/nominations/%lld/dossier", n);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/nominations/999999999999/dossier", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);

    /* The outcome: validation, roles, state. */
    r = t_request("POST", "/api/v1/nominations/1/outcome", office, "application/json", "", 0);
    t_assert_problem(r, 400, NULL);
    t_free(r);
    r = outcome(office, n, "{}");
    t_assert_problem(r, 422, "granted");
    t_assert_problem(r, 422, "decision_no");
    t_assert_problem(r, 422, "decided_on");
    t_free(r);
    r = outcome(office, n, "{\"granted\":\"yes\",\"decision_no\":\"\",\"decided_on\":\"2026-13-01\"}");
    t_assert_problem(r, 422, "granted");
    t_assert_problem(r, 422, "decision_no");
    t_assert_problem(r, 422, "decided_on");
    t_free(r);
    r = outcome(office, n, "{\"granted\":true,\"decision_no\":\"88/QĐ-UBND\",\"decided_on\":\"2025-12-21\"}");
    t_assert_problem(r, 422, "decided_on"); /* before the proposal */
    t_free(r);
    const char *good = "{\"granted\":true,\"decision_no\":\"88/QĐ-UBND\",\"decided_on\":\"2026-04-10\"}";
    const char *refused[] = {director, head, viewer, council};
    for (size_t i = 0; i < 4; i++) {
        r = outcome(refused[i], n, good);
        t_assert_problem(r, 403, NULL);
        t_free(r);
    }
    char *other_office = t_user("dec_other_office", "office", NULL, other_code);
    r = outcome(other_office, n, good);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    free(other_office);
    r = outcome(office, 999999999999LL, good);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = outcome(office, n3, good);
    t_assert_problem(r, 409, NULL);
    t_free(r);

    r = outcome(office, n, good);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "state"), "granted");
    json_t *o = json_object_get(r->json, "outcome");
    assert_true(json_is_true(json_object_get(o, "granted")));
    assert_string_equal(t_json_str(o, "decision_no"), "88/QĐ-UBND");
    assert_string_equal(t_json_str(o, "decided_on"), "2026-04-10");
    assert_string_equal(t_json_str(json_object_get(r->json, "decision"), "decision_no"), "07/TTr-SNV");
    t_free(r);
    /* A granted CSTD_TINH is a title: its row, with the higher level's decision. */
    const char *p[] = {num(n)};
    char *t = t_sql("SELECT title || '|' || decision_no || '|' || decided_on FROM titles WHERE nomination_id = $1::bigint",
                    1, p);
    assert_string_equal(t, "CSTD_TINH|88/QĐ-UBND|2026-04-10");
    free(t);
    r = outcome(office, n, good);
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = t_getf(viewer, "/api/v1/nominations/%lld/dossier", n);
    t_assert_status(r, 200);
    assert_non_null(strstr(r->body, "Được khen thưởng"));
    assert_non_null(strstr(r->body, "10/04/2026"));
    t_free(r);

    r = outcome(admin, n2, "{\"granted\":false,\"decision_no\":\"89/QĐ-UBND\",\"decided_on\":\"2026-04-10\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "state"), "refused");
    t_free(r);
    assert_int_equal(titles_of(n2), 0);
}

int main(void)
{
    t_init();
    admin = t_user("dec_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "DEC", agency_code, sizeof agency_code);
    unit = fx_unit(admin, agency, "D1", "division", NULL);
    unit2 = fx_unit(admin, agency, "D2", "division", NULL);
    other_agency = t_make_agency(admin, "DEX", other_code, sizeof other_code);
    foreign_unit = fx_unit(admin, other_agency, "D1", "division", NULL);
    campaign = fx_campaign(agency, "DEC-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    foreign_campaign = fx_campaign(other_agency, "DEC-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    office = t_user("dec_office", "office", NULL, agency_code);
    director = t_user("dec_director", "director", NULL, agency_code);
    head = t_user("dec_head", "unit_head", "D1", agency_code);
    viewer = t_user("dec_viewer", "viewer", NULL, agency_code);
    council = t_user("dec_council", "council", NULL, agency_code);
    other_director = t_user("dec_other_director", "director", NULL, other_code);
    (void)foreign_unit;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decision_writes_titles_and_moves_the_scorecard),
        cmocka_unit_test(all_or_nothing),
        cmocka_unit_test(comments_must_be_answered),
        cmocka_unit_test(council_vote_none_and_title_conflict),
        cmocka_unit_test(validation_roles_and_agencies),
        cmocka_unit_test(decision_racing_a_withdrawal),
        cmocka_unit_test(proposed_upward_dossier_and_outcome),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    free(director);
    free(head);
    free(viewer);
    free(council);
    free(other_director);
    return rc;
}
