/* `thidua push` against the stand-in portal (tests/portal/standin.c):
 * an approved exemplar arrives once with a valid signature; a portal down
 * for a while, answering 500 to 30 % of requests, answering 429 with
 * Retry-After, refusing with a 4xx, stalling past the timeout; a pusher
 * killed with SIGKILL mid-send; two pushers at once; row locks and leases.
 * Every wait is for a state, with a generous deadline, never a fixed
 * sleep. Pushers and the stand-in are stopped after each test, whatever
 * happened; a pusher stopped with SIGTERM must exit 0 (no leak report). */
#include "client.h"
#include "push_support.h"

#define PORTAL_PORT ps_port(0)
#define CONTROL_PORT ps_port(1)

static ps_world W;
static ps_portal P;
static const char *dir;
static char conf[1100];      /* the usual pusher */
static char conf_kill[1100]; /* a short lease, for the SIGKILL test */

static char *key_of(long long pub)
{
    return ps_pub_field(pub, "idempotency_key");
}

static long long pub_int(long long pub, const char *column)
{
    char *v = ps_pub_field(pub, column);
    long long n = v ? strtoll(v, NULL, 10) : -1;
    free(v);
    return n;
}

/* How many times the portal stored and was sent the key: both from the
 * stand-in's own records. */
static void portal_saw(long long pub, int *stored, int *requests)
{
    char *key = key_of(pub);
    json_t *rec = ps_received(&P);
    json_t *it = ps_item(rec, key);
    *stored = 0;
    *requests = 0;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(rec, "items"), i, x)
        if (strcmp(json_string_value(json_object_get(x, "key")), key) == 0)
            (*stored)++;
    if (it)
        *requests = (int)json_integer_value(json_object_get(it, "times"));
    json_decref(rec);
    free(key);
}

static void wait_for(bool (*cond)(long long), long long arg, const char *what)
{
    for (int i = 0; i < 600; i++) {
        if (cond(arg))
            return;
        ps_sleep_ms(100);
    }
    fail_msg("timed out waiting for %s", what);
}

static int group_setup(void **state)
{
    (void)state;
    ps_world_make(&W, "pdl");
    dir = ps_dir("delivery");
    ps_portal_start(&P, dir, PORTAL_PORT, CONTROL_PORT);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/api/thidua/publications", PORTAL_PORT);
    snprintf(conf, sizeof conf, "%s", ps_push_config(dir, "push", url, P.secret_file, NULL));
    snprintf(conf_kill, sizeof conf_kill, "%s", ps_push_config(dir, "push-kill", url, P.secret_file, "portal_timeout = 8\npush_lease = 12\n"));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    ps_kill_all();
    ps_world_free(&W);
    return 0;
}

/* Every test starts with a portal that behaves. */
static int reset_portal(void **state)
{
    (void)state;
    ps_portal_mode(&P, "{\"mode\":\"up\"}");
    ps_portal_mode(&P, "{\"mode\":\"ok\"}");
    return 0;
}

static int after_test(void **state)
{
    /* Only pushers: the stand-in lives for the whole program. */
    for (int i = 0; i < PS_MAX_CHILDREN; i++) {
        if (ps_children[i] > 0 && ps_children[i] != P.pid) {
            kill(ps_children[i], SIGKILL);
            waitpid(ps_children[i], NULL, 0);
            ps_children[i] = 0;
        }
    }
    return reset_portal(state);
}

static void approved_exemplar_arrives_once_signed(void **state)
{
    (void)state;
    long long pub = ps_approved(&W, "Gương sáng về cải cách hành chính");
    pid_t pusher = ps_push_start(dir, conf, "push-once-signed");
    ps_wait_state(pub, "sent");
    assert_int_equal(ps_stop(pusher), 0);

    char *key = key_of(pub);
    json_t *rec = ps_received(&P);
    json_t *it = ps_item(rec, key);
    assert_non_null(it);
    assert_int_equal(json_integer_value(json_object_get(it, "times")), 1);
    assert_int_equal(ps_count(rec, "bad_signatures"), 0);
    json_t *doc = json_object_get(it, "doc");
    assert_string_equal(t_json_str(doc, "kind"), "exemplar");
    assert_int_equal(t_json_int(doc, "id"), pub);
    assert_string_equal(t_json_str(doc, "idempotency_key"), key);
    assert_string_equal(t_json_str(doc, "heading"), "Gương điển hình tiên tiến: Nguyễn Thị Hồng Nhung");
    assert_string_equal(t_json_str(json_object_get(doc, "exemplar"), "title"), "Gương sáng về cải cách hành chính");
    const char *reference = t_json_str(it, "reference");

    /* the API shows it sent, with the portal's reference */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/publications/%lld", pub);
    t_resp *r = t_get(path, W.viewer);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "state"), "sent");
    assert_int_equal(t_json_int(r->json, "attempts"), 1);
    assert_string_equal(t_json_str(r->json, "portal_ref"), reference);
    assert_non_null(t_json_str(r->json, "sent_at"));
    t_free(r);
    json_decref(rec);
    free(key);

    /* the portal's check is real: a forged signature is refused */
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/api/thidua/publications", PORTAL_PORT);
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Idempotency-Key: forged-1");
    char ts[64];
    snprintf(ts, sizeof ts, "X-Thidua-Timestamp: %lld", (long long)time(NULL));
    h = curl_slist_append(h, ts);
    h = curl_slist_append(h, "X-Thidua-Signature: sha256=00000000000000000000000000000000000000000000000000000000000000aa");
    FILE *devnull = fopen("/dev/null", "w");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{\"kind\":\"exemplar\"}");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, devnull);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    assert_int_equal(status, 401);
    fclose(devnull);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    rec = ps_received(&P);
    assert_int_equal(ps_count(rec, "bad_signatures"), 1);
    assert_null(ps_item(rec, "forged-1"));
    json_decref(rec);
}

static bool tried_twice_refused(long long pub)
{
    char *e = ps_pub_field(pub, "last_error");
    bool ok = pub_int(pub, "attempts") >= 2 && e && strstr(e, "Không kết nối được");
    free(e);
    return ok;
}

static void portal_down_then_back(void **state)
{
    (void)state;
    ps_portal_mode(&P, "{\"mode\":\"down\"}");
    long long pubs[3];
    for (int i = 0; i < 3; i++) {
        char title[64];
        snprintf(title, sizeof title, "Khi cổng tạm ngừng %d", i);
        pubs[i] = ps_approved(&W, title);
    }
    pid_t pusher = ps_push_start(dir, conf, "push-down");
    for (int i = 0; i < 3; i++)
        wait_for(tried_twice_refused, pubs[i], "attempts refused while the portal is down");
    for (int i = 0; i < 3; i++) {
        char *s = ps_pub_field(pubs[i], "state");
        assert_true(strcmp(s, "queued") == 0 || strcmp(s, "sending") == 0);
        free(s);
        int stored, requests;
        portal_saw(pubs[i], &stored, &requests);
        assert_int_equal(stored, 0);
    }
    ps_portal_mode(&P, "{\"mode\":\"up\"}");
    for (int i = 0; i < 3; i++)
        ps_wait_state(pubs[i], "sent");
    assert_int_equal(ps_stop(pusher), 0);
    for (int i = 0; i < 3; i++) {
        int stored, requests;
        portal_saw(pubs[i], &stored, &requests);
        assert_int_equal(stored, 1);
        assert_int_equal(requests, 1);
    }
}

static void thirty_percent_500_each_delivered_once(void **state)
{
    (void)state;
    enum { N = 12 };
    long long pubs[N];
    for (int i = 0; i < N; i++) {
        char title[64];
        snprintf(title, sizeof title, "Người tốt việc tốt số %d", i + 1);
        pubs[i] = ps_approved(&W, title);
    }
    json_t *before = ps_received(&P);
    long long failed_before = ps_count(before, "failed_500");
    long long requests_before = ps_count(before, "requests");
    long long duplicates_before = ps_count(before, "duplicates");
    json_decref(before);
    ps_portal_mode(&P, "{\"mode\":\"flaky\",\"percent\":30}");
    pid_t pusher = ps_push_start(dir, conf, "push-flaky");
    for (int i = 0; i < N; i++)
        ps_wait_state(pubs[i], "sent");
    assert_int_equal(ps_stop(pusher), 0);
    json_t *after = ps_received(&P);
    /* the portal failed 30 % of what it was sent (at least the 12 first
     * attempts: 3 of them), some after storing, and ... */
    long long sent_total = ps_count(after, "requests") - requests_before;
    long long failed = ps_count(after, "failed_500") - failed_before;
    assert_true(sent_total >= N);
    assert_int_equal(failed, sent_total * 30 / 100);
    assert_true(ps_count(after, "duplicates") > duplicates_before);
    json_decref(after);
    long long retried = 0;
    for (int i = 0; i < N; i++) {
        int stored, requests;
        portal_saw(pubs[i], &stored, &requests);
        /* ... still each publication is kept exactly once */
        assert_int_equal(stored, 1);
        retried += pub_int(pubs[i], "attempts") > 1;
    }
    assert_true(retried > 0);
}

static bool has_429(long long pub)
{
    return pub_int(pub, "last_status") == 429;
}

static void too_many_requests_honours_retry_after(void **state)
{
    (void)state;
    long long pub = ps_approved(&W, "Chờ theo Retry-After");
    ps_portal_mode(&P, "{\"mode\":\"429\",\"retry_after\":3600,\"count\":1}");
    pid_t pusher = ps_push_start(dir, conf, "push-429");
    wait_for(has_429, pub, "the 429 to be recorded");
    char id[32];
    snprintf(id, sizeof id, "%lld", pub);
    const char *p[] = {id};
    /* backoff alone would wait at most push_backoff_max (2 s): an hour is the portal's */
    assert_int_equal(t_sql_int("SELECT count(*) FROM publications WHERE id = $1 AND state = 'queued'"
                               " AND next_attempt_at > now() + interval '50 minutes'", 1, p), 1);
    t_sql("UPDATE publications SET next_attempt_at = now() WHERE id = $1", 1, p);
    ps_wait_state(pub, "sent");
    assert_int_equal(ps_stop(pusher), 0);
    assert_int_equal(pub_int(pub, "attempts"), 2);
}

static void refusal_fails_with_the_portal_answer(void **state)
{
    (void)state;
    long long pub = ps_approved(&W, "Bị cổng từ chối");
    ps_portal_mode(&P, "{\"mode\":\"422\",\"count\":1}");
    pid_t pusher = ps_push_start(dir, conf, "push-422");
    ps_wait_state(pub, "failed");
    assert_int_equal(pub_int(pub, "attempts"), 1);
    assert_int_equal(pub_int(pub, "last_status"), 422);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/publications?state=failed&campaign_id=%lld", W.campaign);
    t_resp *r = t_get(path, W.director);
    t_assert_status(r, 200);
    json_t *item = json_array_get(json_object_get(r->json, "items"), 0);
    assert_int_equal(t_json_int(item, "id"), pub);
    assert_non_null(strstr(t_json_str(item, "last_error"), "Tài liệu không đúng định dạng"));
    assert_non_null(strstr(t_json_str(item, "last_error"), "422"));
    t_free(r);
    /* requeued by hand, it goes through with the same key */
    char *key = key_of(pub);
    snprintf(path, sizeof path, "/api/v1/publications/%lld/retry", pub);
    r = t_request("POST", path, W.director, NULL, NULL, 0);
    t_assert_status(r, 200);
    t_free(r);
    ps_wait_state(pub, "sent");
    assert_int_equal(ps_stop(pusher), 0);
    char *key2 = key_of(pub);
    assert_string_equal(key, key2);
    int stored, requests;
    portal_saw(pub, &stored, &requests);
    assert_int_equal(stored, 1);
    free(key);
    free(key2);
}

static bool portal_holds(long long pub)
{
    char *key = key_of(pub);
    json_t *rec = ps_received(&P);
    bool ok = ps_item(rec, key) && json_integer_value(json_object_get(rec, "open")) >= 1;
    json_decref(rec);
    free(key);
    return ok;
}

static void stall_times_out_and_retries_api_unaffected(void **state)
{
    (void)state;
    long long pub = ps_approved(&W, "Cổng treo quá thời gian chờ");
    ps_portal_mode(&P, "{\"mode\":\"stall\",\"seconds\":3600,\"count\":1}");
    pid_t pusher = ps_push_start(dir, conf, "push-stall");
    wait_for(portal_holds, pub, "the portal to hold the request");
    /* while the pusher waits on the portal, the API answers as usual */
    for (int i = 0; i < 5; i++) {
        t_resp *r = t_get("/api/v1/health", NULL);
        t_assert_status(r, 200);
        t_free(r);
        r = t_get("/api/v1/publications?limit=5", W.viewer);
        t_assert_status(r, 200);
        t_free(r);
    }
    ps_wait_state(pub, "sent");
    assert_int_equal(ps_stop(pusher), 0);
    assert_int_equal(pub_int(pub, "attempts"), 2);
    char *e = ps_pub_field(pub, "last_error");
    assert_non_null(strstr(e, "timeout"));
    free(e);
    int stored, requests;
    portal_saw(pub, &stored, &requests);
    assert_int_equal(stored, 1);
    assert_int_equal(requests, 2);
}

static void sigkill_mid_send_resent_same_key_kept_once(void **state)
{
    (void)state;
    long long pub = ps_approved(&W, "Gửi lại sau khi tiến trình bị giết");
    ps_portal_mode(&P, "{\"mode\":\"stall\",\"seconds\":3600,\"count\":1}");
    pid_t pusher = ps_push_start(dir, conf_kill, "push-killed");
    wait_for(portal_holds, pub, "the portal to hold the request");
    ps_sigkill(pusher);
    /* the row stays leased by the dead pusher until its lease ends */
    char *s = ps_pub_field(pub, "state");
    assert_string_equal(s, "sending");
    free(s);
    pid_t again = ps_push_start(dir, conf_kill, "push-after-kill");
    ps_wait_state(pub, "sent");
    assert_int_equal(ps_stop(again), 0);
    assert_int_equal(pub_int(pub, "attempts"), 2);
    int stored, requests;
    portal_saw(pub, &stored, &requests);
    assert_int_equal(stored, 1);
    assert_int_equal(requests, 2);
}

static void two_pushers_never_send_one_twice(void **state)
{
    (void)state;
    enum { N = 12 };
    long long pubs[N];
    for (int i = 0; i < N; i++) {
        char title[64];
        snprintf(title, sizeof title, "Hai tiến trình gửi, tin %d", i + 1);
        pubs[i] = ps_approved(&W, title);
    }
    json_t *before = ps_received(&P);
    long long overlaps = ps_count(before, "overlaps");
    json_decref(before);
    /* each answer takes a while, so both pushers are busy at once */
    ps_portal_mode(&P, "{\"mode\":\"delay\",\"ms\":300}");
    pid_t a = ps_push_start(dir, conf, "push-a");
    pid_t b = ps_push_start(dir, conf, "push-b");
    for (int i = 0; i < N; i++)
        ps_wait_state(pubs[i], "sent");
    assert_int_equal(ps_stop(a), 0);
    assert_int_equal(ps_stop(b), 0);
    json_t *after = ps_received(&P);
    assert_int_equal(ps_count(after, "overlaps"), overlaps);
    json_decref(after);
    for (int i = 0; i < N; i++) {
        int stored, requests;
        portal_saw(pubs[i], &stored, &requests);
        assert_int_equal(stored, 1);
        assert_int_equal(requests, 1);
        assert_int_equal(pub_int(pubs[i], "attempts"), 1);
    }
}

/* Deterministic: a row locked by another transaction is skipped, not
 * waited for; a row under a live lease is left alone, an expired one is
 * taken over. */
static void locked_and_leased_rows_are_skipped(void **state)
{
    (void)state;
    long long locked = ps_approved(&W, "Đang bị khóa dòng");
    long long leased = ps_approved(&W, "Đang được tiến trình khác gửi");
    long long free_one = ps_approved(&W, "Không ai giữ");
    char l[32], s[32];
    snprintf(l, sizeof l, "%lld", locked);
    snprintf(s, sizeof s, "%lld", leased);
    const char *pl[] = {l}, *ps[] = {s};
    t_sql("UPDATE publications SET state = 'sending', leased_until = now() + interval '1 hour',"
          " lease_token = 'someone-else', attempts = 1 WHERE id = $1", 1, ps);
    t_sql("BEGIN", 0, NULL);
    free(t_sql("SELECT id FROM publications WHERE id = $1 FOR UPDATE", 1, pl));
    int rc = ps_push_once(dir, conf, "push-skip");
    t_sql("COMMIT", 0, NULL);
    assert_int_equal(rc, 0);
    char *st = ps_pub_field(free_one, "state");
    assert_string_equal(st, "sent");
    free(st);
    st = ps_pub_field(locked, "state");
    assert_string_equal(st, "queued");
    free(st);
    st = ps_pub_field(leased, "state");
    assert_string_equal(st, "sending");
    free(st);
    int stored, requests;
    portal_saw(leased, &stored, &requests);
    assert_int_equal(requests, 0);
    /* the lease runs out: the row is taken over and sent */
    t_sql("UPDATE publications SET leased_until = now() - interval '1 second' WHERE id = $1", 1, ps);
    assert_int_equal(ps_push_once(dir, conf, "push-skip"), 0);
    st = ps_pub_field(leased, "state");
    assert_string_equal(st, "sent");
    free(st);
    st = ps_pub_field(locked, "state");
    assert_string_equal(st, "sent");
    free(st);
    assert_int_equal(pub_int(leased, "attempts"), 2);
}

static void refuses_to_push_unsigned_or_in_clear(void **state)
{
    (void)state;
    const char *bad = ps_push_config(dir, "push-bad-url", "http://portal.example.vn/api", P.secret_file, NULL);
    assert_int_equal(ps_push_once(dir, bad, "push-bad"), 1);
    char nosecret[1200];
    snprintf(nosecret, sizeof nosecret, "%s/missing.secret", dir);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/api/thidua/publications", PORTAL_PORT);
    bad = ps_push_config(dir, "push-no-secret", url, nosecret, NULL);
    assert_int_equal(ps_push_once(dir, bad, "push-bad"), 1);
    bad = ps_push_config(dir, "push-short-lease", url, P.secret_file, "push_lease = 3\n");
    assert_int_equal(ps_push_once(dir, bad, "push-bad"), 1);
}

int main(void)
{
    t_init();
    atexit(ps_kill_all);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(approved_exemplar_arrives_once_signed, reset_portal, after_test),
        cmocka_unit_test_setup_teardown(portal_down_then_back, reset_portal, after_test),
        cmocka_unit_test_setup_teardown(thirty_percent_500_each_delivered_once, reset_portal, after_test),
        cmocka_unit_test_setup_teardown(too_many_requests_honours_retry_after, reset_portal, after_test),
        cmocka_unit_test_setup_teardown(refusal_fails_with_the_portal_answer, reset_portal, after_test),
        cmocka_unit_test_setup_teardown(stall_times_out_and_retries_api_unaffected, reset_portal, after_test),
        cmocka_unit_test_setup_teardown(sigkill_mid_send_resent_same_key_kept_once, reset_portal, after_test),
        cmocka_unit_test_setup_teardown(two_pushers_never_send_one_twice, reset_portal, after_test),
        cmocka_unit_test_setup_teardown(locked_and_leased_rows_are_skipped, reset_portal, after_test),
        cmocka_unit_test_setup_teardown(refuses_to_push_unsigned_or_in_clear, reset_portal, after_test),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
