/* Ballots at the same instant (awards.md "Secret ballot"): threads, each
 * with its own libcurl handle, released together by a barrier, through
 * nginx to several workers.
 * - members of one session cast their ballots at once: every one counts;
 * - one member sends the same ballot twice at once: exactly one 201 and
 *   one 409 (council_turnout_key, not a look before the insert), and the
 *   counters and open votes hold one ballot;
 * - the close races the ballots: each ballot is either counted (201) or
 *   refused (409), and the minutes count exactly the ballots answered 201.
 * The assertions hold whichever request wins: no timing is assumed. */
#include "client.h"
#include "council_fixture.h"
#include "facts_fixture.h"

#include <curl/curl.h>
#include <pthread.h>

enum { MEMBERS = 6 };

static char *admin, *office, *tok[MEMBERS];
static long long agency, unit, campaign, uid[MEMBERS];
static char agency_code[64];
static int seq;

typedef struct shot {
    const char *path;
    const char *token;
    const char *body; /* NULL: a POST without a body */
    long status;
    pthread_barrier_t *start;
} shot;

static void *fire(void *arg)
{
    shot *s = arg;
    char url[512], auth[256];
    snprintf(url, sizeof url, "%s%s", t_url(), s->path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", s->token);
    struct curl_slist *h = curl_slist_append(NULL, auth);
    h = curl_slist_append(h, "Expect:");
    if (s->body)
        h = curl_slist_append(h, "Content-Type: application/json");
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, s->body ? s->body : "");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fx_discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    pthread_barrier_wait(s->start);
    s->status = curl_easy_perform(c) == CURLE_OK ? 0 : -1;
    if (s->status == 0)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &s->status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    return NULL;
}

/* Sends the n shots at once; fills their statuses. */
static void all_at_once(shot *shots, int n)
{
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)n);
    pthread_t th[16];
    for (int i = 0; i < n; i++) {
        shots[i].start = &start;
        pthread_create(&th[i], NULL, fire, &shots[i]);
    }
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
}

/* An open session of every member with a secret item and an open one. */
static long long open_session(long long agenda[2])
{
    char code[32];
    snprintf(code, sizeof code, "CR%d", ++seq);
    agenda[0] = cf_nomination(campaign, cf_staff(campaign, unit, code, "Đỗ Thị Đua", "HTXSNV"), "CSTDCS");
    snprintf(code, sizeof code, "CR%d", ++seq);
    agenda[1] = cf_nomination(campaign, cf_staff(campaign, unit, code, "Đỗ Văn Tranh", NULL), "GIAY_KHEN");
    long long id = cf_planned(office, campaign, "2026-01-15", uid, MEMBERS, agenda, 2);
    cf_opened(office, id, uid, MEMBERS);
    return id;
}

static long long count_of(const char *sql, long long session)
{
    return fx_count(sql, session);
}

static void members_at_once_all_count(void **state)
{
    (void)state;
    long long agenda[2];
    long long id = open_session(agenda);
    char path[96], body[512];
    snprintf(path, sizeof path, "/api/v1/council-sessions/%lld/ballots", id);
    const char *votes[] = {"for", "against"};
    cf_ballot_body(body, sizeof body, agenda, votes, 2);
    shot shots[MEMBERS];
    for (int i = 0; i < MEMBERS; i++)
        shots[i] = (shot){path, tok[i], body, 0, NULL};
    all_at_once(shots, MEMBERS);
    for (int i = 0; i < MEMBERS; i++)
        assert_int_equal(shots[i].status, 201);
    t_resp *r = cf_close(office, id);
    t_assert_status(r, 200);
    json_t *secret = cf_result(r, agenda[0]), *open = cf_result(r, agenda[1]);
    assert_int_equal(t_json_int(secret, "for"), MEMBERS);
    assert_int_equal(t_json_int(secret, "not_voted"), 0);
    assert_int_equal(t_json_int(open, "against"), MEMBERS);
    assert_int_equal(json_array_size(json_object_get(open, "open_votes")), MEMBERS);
    t_free(r);
}

static void one_member_twice_at_once(void **state)
{
    (void)state;
    for (int round = 0; round < 3; round++) {
        long long agenda[2];
        long long id = open_session(agenda);
        char path[96], body[512];
        snprintf(path, sizeof path, "/api/v1/council-sessions/%lld/ballots", id);
        const char *votes[] = {"for", "for"};
        cf_ballot_body(body, sizeof body, agenda, votes, 2);
        shot shots[2] = {{path, tok[0], body, 0, NULL}, {path, tok[0], body, 0, NULL}};
        all_at_once(shots, 2);
        long lo = shots[0].status < shots[1].status ? shots[0].status : shots[1].status;
        long hi = shots[0].status < shots[1].status ? shots[1].status : shots[0].status;
        assert_int_equal(lo, 201);
        assert_int_equal(hi, 409);
        assert_int_equal(count_of("SELECT count(*) FROM council_turnout WHERE session_id = $1::bigint", id), 1);
        assert_int_equal(count_of("SELECT coalesce(sum(votes_for + votes_against + votes_abstain), 0)"
                                  " FROM council_secret_tallies WHERE session_id = $1::bigint",
                                  id),
                         1);
        assert_int_equal(count_of("SELECT count(*) FROM council_open_votes WHERE session_id = $1::bigint", id), 1);
        assert_int_equal(count_of("SELECT count(*) FROM audit_log WHERE action = 'cast_ballot' AND entity_id = $1::bigint",
                                  id),
                         1);
        t_resp *r = cf_close(office, id);
        t_assert_status(r, 200);
        assert_int_equal(t_json_int(cf_result(r, agenda[0]), "for"), 1);
        assert_int_equal(t_json_int(cf_result(r, agenda[0]), "not_voted"), MEMBERS - 1);
        t_free(r);
    }
}

static void close_races_the_ballots(void **state)
{
    (void)state;
    for (int round = 0; round < 3; round++) {
        long long agenda[2];
        long long id = open_session(agenda);
        char path[96], close_path[96], body[512];
        snprintf(path, sizeof path, "/api/v1/council-sessions/%lld/ballots", id);
        snprintf(close_path, sizeof close_path, "/api/v1/council-sessions/%lld/close", id);
        const char *votes[] = {"for", "abstain"};
        cf_ballot_body(body, sizeof body, agenda, votes, 2);
        shot shots[MEMBERS + 1];
        for (int i = 0; i < MEMBERS; i++)
            shots[i] = (shot){path, tok[i], body, 0, NULL};
        shots[MEMBERS] = (shot){close_path, office, NULL, 0, NULL};
        all_at_once(shots, MEMBERS + 1);
        assert_int_equal(shots[MEMBERS].status, 200);
        long long counted = 0;
        for (int i = 0; i < MEMBERS; i++) {
            if (shots[i].status != 201 && shots[i].status != 409)
                fail_msg("a ballot racing the close answered %ld", shots[i].status);
            counted += shots[i].status == 201;
        }
        t_resp *r = t_getf(office, "/api/v1/council-sessions/%lld/minutes", id);
        t_assert_status(r, 200);
        json_t *secret = cf_result(r, agenda[0]), *open = cf_result(r, agenda[1]);
        assert_int_equal(t_json_int(secret, "for"), counted);
        assert_int_equal(t_json_int(secret, "not_voted"), MEMBERS - counted);
        assert_int_equal(t_json_int(open, "abstain"), counted);
        assert_int_equal(json_array_size(json_object_get(open, "open_votes")), counted);
        assert_int_equal(json_array_size(json_object_get(json_object_get(r->json, "session"), "voted")), counted);
        t_free(r);
        fprintf(stderr, "round %d: %lld of %d ballots before the close\n", round, counted, MEMBERS);
    }
}

int main(void)
{
    t_init();
    curl_global_init(CURL_GLOBAL_ALL);
    admin = t_user("cr_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "CRA", agency_code, sizeof agency_code);
    unit = fx_unit(admin, agency, "D1", "division", NULL);
    campaign = fx_campaign(agency, "CR-2025", "2025-01-01", "2025-12-31", "2026-03-31");
    office = t_user("cr_office", "office", NULL, agency_code);
    for (int i = 0; i < MEMBERS; i++) {
        char name[32];
        snprintf(name, sizeof name, "cr_member%d", i);
        tok[i] = t_user(name, i == MEMBERS - 1 ? "director" : "council", NULL, agency_code);
        uid[i] = cf_user_id(name);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(members_at_once_all_count),
        cmocka_unit_test(one_member_twice_at_once),
        cmocka_unit_test(close_races_the_ballots),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    for (int i = 0; i < MEMBERS; i++)
        free(tok[i]);
    return rc;
}
