/* council_fixture.h — set-up shared by the council tests (test_council,
 * test_ballot_secrecy, test_council_races): an agency with a 2025
 * campaign under luat-2022, council members made through the CLI, staff
 * with a rating, nominations inserted as proposed, and the council routes
 * called through nginx. Header-only (static inline): include it after
 * client.h and facts_fixture.h. */
#ifndef THIDUA_TEST_COUNCIL_FIXTURE_H
#define THIDUA_TEST_COUNCIL_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "facts_fixture.h"

/* A user's id by username. */
static inline long long cf_user_id(const char *username)
{
    const char *p[] = {username};
    return t_sql_int("SELECT id FROM users WHERE username = $1", 1, p);
}

/* A staff member of unit with a rating of the campaign decided on
 * 2025-12-15 (level NULL: none). */
static inline long long cf_staff(long long campaign, long long unit, const char *code, const char *name,
                                 const char *level)
{
    long long s = fx_staff(unit, code, name, "2020-01-01", NULL);
    if (level) {
        char c[32], id[32];
        snprintf(c, sizeof c, "%lld", campaign);
        snprintf(id, sizeof id, "%lld", s);
        const char *p[] = {c, id, level};
        t_sql_int("INSERT INTO ratings (campaign_id, subject_type, staff_id, level, decided_on, decision_no)"
                  " VALUES ($1, 'staff', $2::bigint, $3, '2025-12-15', 'QĐ-XL-' || $2::bigint::text) RETURNING id",
                  3, p);
    }
    return s;
}

/* A proposed nomination of staff s for award. */
static inline long long cf_nomination(long long campaign, long long s, const char *award)
{
    char c[32], id[32];
    snprintf(c, sizeof c, "%lld", campaign);
    snprintf(id, sizeof id, "%lld", s);
    const char *p[] = {c, id, award};
    return t_sql_int("INSERT INTO nominations (campaign_id, subject_type, staff_id, award, reason)"
                     " VALUES ($1, 'staff', $2, $3, 'Hoàn thành xuất sắc nhiệm vụ') RETURNING id",
                     3, p);
}

/* "[1,2,3]" of n ids into out. */
static inline const char *cf_ids(char *out, size_t cap, const long long *ids, size_t n)
{
    size_t k = (size_t)snprintf(out, cap, "[");
    for (size_t i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s%lld", i ? "," : "", ids[i]);
    if (k < cap)
        snprintf(out + k, cap - k, "]");
    return out;
}

/* POST /campaigns/{id}/council-sessions. */
static inline t_resp *cf_plan(const char *token, long long campaign, const char *held_on, const long long *members,
                              size_t nm, const long long *agenda, size_t na)
{
    char path[96], m[1024], a[1024], body[2200];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/council-sessions", campaign);
    snprintf(body, sizeof body, "{\"held_on\":\"%s\",\"members\":%s,\"agenda\":%s}", held_on,
             cf_ids(m, sizeof m, members, nm), cf_ids(a, sizeof a, agenda, na));
    return t_post(path, token, body);
}

/* The same, expecting 201; the session's id. */
static inline long long cf_planned(const char *token, long long campaign, const char *held_on,
                                   const long long *members, size_t nm, const long long *agenda, size_t na)
{
    t_resp *r = cf_plan(token, campaign, held_on, members, nm, agenda, na);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

static inline t_resp *cf_open(const char *token, long long session, const long long *present, size_t n)
{
    char path[96], p[1024], body[1100];
    snprintf(path, sizeof path, "/api/v1/council-sessions/%lld/open", session);
    snprintf(body, sizeof body, "{\"present\":%s}", cf_ids(p, sizeof p, present, n));
    return t_post(path, token, body);
}

static inline void cf_opened(const char *token, long long session, const long long *present, size_t n)
{
    t_resp *r = cf_open(token, session, present, n);
    t_assert_status(r, 200);
    t_free(r);
}

/* A ballot: votes[i] for agenda[i] ("for", "against", "abstain"). */
static inline const char *cf_ballot_body(char *out, size_t cap, const long long *agenda, const char *const *votes,
                                         size_t n)
{
    size_t k = (size_t)snprintf(out, cap, "{\"votes\":[");
    for (size_t i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s{\"nomination_id\":%lld,\"vote\":\"%s\"}", i ? "," : "", agenda[i],
                              votes[i]);
    if (k < cap)
        snprintf(out + k, cap - k, "]}");
    return out;
}

static inline t_resp *cf_ballot(const char *token, long long session, const long long *agenda,
                                const char *const *votes, size_t n)
{
    char path[96], body[4096];
    snprintf(path, sizeof path, "/api/v1/council-sessions/%lld/ballots", session);
    return t_post(path, token, cf_ballot_body(body, sizeof body, agenda, votes, n));
}

static inline void cf_voted(const char *token, long long session, const long long *agenda, const char *const *votes,
                            size_t n)
{
    t_resp *r = cf_ballot(token, session, agenda, votes, n);
    t_assert_status(r, 201);
    t_free(r);
}

static inline t_resp *cf_close(const char *token, long long session)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/council-sessions/%lld/close", session);
    return t_request("POST", path, token, NULL, NULL, 0);
}

/* The result of nomination id in a minutes answer. */
static inline json_t *cf_result(const t_resp *r, long long id)
{
    json_t *list = json_object_get(r->json, "results");
    for (size_t i = 0; i < json_array_size(list); i++)
        if (t_json_int(json_array_get(list, i), "nomination_id") == id)
            return json_array_get(list, i);
    fail_msg("no result for nomination %lld: %s", id, r->body);
    return NULL;
}

/* A nomination's state, read through the database. */
static inline char *cf_state(long long nomination)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", nomination);
    const char *p[] = {id};
    return t_sql("SELECT state FROM nominations WHERE id = $1", 1, p);
}

static inline void cf_assert_state(long long nomination, const char *want)
{
    char *s = cf_state(nomination);
    if (!s || strcmp(s, want) != 0)
        fail_msg("nomination %lld: state %s, want %s", nomination, s ? s : "(none)", want);
    free(s);
}

#endif
