/* push: what an answer means, backoff, Retry-After, the signature, text
 * kept from the portal, which URLs may be pushed to, and that an attempt
 * whose trust libcurl will not set is not made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "push.h"

static void classify_answers(void **state)
{
    (void)state;
    assert_int_equal(push_classify(1, 200), PUSH_SENT);
    assert_int_equal(push_classify(1, 201), PUSH_SENT);
    assert_int_equal(push_classify(1, 204), PUSH_SENT);
    assert_int_equal(push_classify(0, 0), PUSH_RETRY);
    assert_int_equal(push_classify(1, 408), PUSH_RETRY);
    assert_int_equal(push_classify(1, 429), PUSH_RETRY);
    assert_int_equal(push_classify(1, 500), PUSH_RETRY);
    assert_int_equal(push_classify(1, 503), PUSH_RETRY);
    assert_int_equal(push_classify(1, 400), PUSH_FAIL);
    assert_int_equal(push_classify(1, 401), PUSH_FAIL);
    assert_int_equal(push_classify(1, 409), PUSH_FAIL);
    assert_int_equal(push_classify(1, 422), PUSH_FAIL);
    assert_int_equal(push_classify(1, 301), PUSH_FAIL);
}

static void backoff_doubles_with_jitter_and_ceiling(void **state)
{
    (void)state;
    /* jitter 1 is the full delay, jitter 0 half of it */
    assert_true(push_backoff(1, 5, 900, 1.0) == 5.0);
    assert_true(push_backoff(2, 5, 900, 1.0) == 10.0);
    assert_true(push_backoff(3, 5, 900, 1.0) == 20.0);
    assert_true(push_backoff(3, 5, 900, 0.0) == 10.0);
    assert_true(push_backoff(10, 5, 900, 1.0) == 900.0);
    assert_true(push_backoff(1000, 5, 900, 1.0) == 900.0);
    assert_true(push_backoff(0, 5, 900, 1.0) == 5.0);
    double mid = push_backoff(4, 5, 900, 0.5);
    assert_true(mid > 20.0 && mid < 40.0);
}

/* Sunday, 15 June 2025 15:06:40 UTC */
static const time_t NOW = 1750000000;

static void retry_after_in_seconds(void **state)
{
    (void)state;
    assert_int_equal(push_retry_after("120", NOW), 120);
    assert_int_equal(push_retry_after(" 3600\r\n", NOW), 3600); /* as a header line gives it */
    assert_int_equal(push_retry_after("0", NOW), 0);
    assert_int_equal(push_retry_after("86400", NOW), 86400);
    assert_int_equal(push_retry_after("86401", NOW), 86400);                  /* a day at most */
    assert_int_equal(push_retry_after("99999999999999999999999", NOW), 86400); /* no overflow */
    assert_int_equal(push_retry_after("", NOW), -1);
    assert_int_equal(push_retry_after(" \r\n", NOW), -1);
    assert_int_equal(push_retry_after("-5", NOW), -1);
    assert_int_equal(push_retry_after("12s", NOW), -1);
    assert_int_equal(push_retry_after("1.5", NOW), -1);
    assert_int_equal(push_retry_after("soon", NOW), -1);
}

static void retry_after_as_a_date(void **state)
{
    (void)state;
    assert_int_equal(push_retry_after("Sun, 15 Jun 2025 15:08:10 GMT", NOW), 90);      /* IMF-fixdate */
    assert_int_equal(push_retry_after("Sunday, 15-Jun-25 15:08:10 GMT", NOW), 90);     /* RFC 850 */
    assert_int_equal(push_retry_after("Sun Jun 15 15:08:10 2025", NOW), 90);           /* asctime */
    assert_int_equal(push_retry_after(" Sun, 15 Jun 2025 16:06:40 GMT\r\n", NOW), 3600);
    assert_int_equal(push_retry_after("Sun, 15 Jun 2025 15:06:40 GMT", NOW), 0);       /* now */
    assert_int_equal(push_retry_after("Sat, 14 Jun 2025 15:06:40 GMT", NOW), 0);       /* past */
    assert_int_equal(push_retry_after("Wed, 15 Jun 2033 15:06:40 GMT", NOW), 86400);   /* a day at most */
}

static void retry_after_replaces_backoff_on_429_and_503(void **state)
{
    (void)state;
    assert_true(push_retry_delay(429, 3600, 7.5) == 3600.0);
    assert_true(push_retry_delay(503, 60, 7.5) == 60.0);
    /* none, "now" or another status: the ordinary backoff */
    assert_true(push_retry_delay(429, -1, 7.5) == 7.5);
    assert_true(push_retry_delay(503, 0, 7.5) == 7.5);
    assert_true(push_retry_delay(500, 60, 7.5) == 7.5);
    assert_true(push_retry_delay(408, 60, 7.5) == 7.5);
    assert_true(push_retry_delay(0, 60, 7.5) == 7.5); /* no answer at all */
}

static void hmac_matches_rfc4231(void **state)
{
    (void)state;
    /* RFC 4231, test case 2 */
    char hex[65];
    const char *data = "what do ya want for nothing?";
    push_hmac_hex("Jefe", 4, data, strlen(data), hex);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void signature_covers_timestamp_and_body(void **state)
{
    (void)state;
    char sig[72], again[72], other[72], expect[65];
    const char *body = "{\"kind\":\"exemplar\",\"heading\":\"Gương điển hình\"}";
    push_signature("bí mật", "1750000000", body, strlen(body), sig);
    assert_int_equal(strlen(sig), 7 + 64);
    assert_memory_equal(sig, "sha256=", 7);
    char signed_text[256];
    int n = snprintf(signed_text, sizeof signed_text, "1750000000.%s", body);
    push_hmac_hex("bí mật", strlen("bí mật"), signed_text, (size_t)n, expect);
    assert_string_equal(sig + 7, expect);
    push_signature("bí mật", "1750000000", body, strlen(body), again);
    assert_string_equal(sig, again);
    push_signature("bí mật", "1750000001", body, strlen(body), other);
    assert_string_not_equal(sig, other);
    push_signature("khác", "1750000000", body, strlen(body), other);
    assert_string_not_equal(sig, other);
}

/* The test vector of deploy/portal.md: the vendor checks against it. */
static void signature_matches_the_documented_vector(void **state)
{
    (void)state;
    char sig[72];
    const char *body = "{\"id\": 42, \"kind\": \"withdrawal\", \"heading\": \"Thu hồi: Người tốt, việc tốt: Trần Văn Bình\"}";
    push_signature("khoa-bi-mat-cua-cong", "1767225600", body, strlen(body), sig);
    assert_string_equal(sig, "sha256=6aaaa9738da36b1b363afe76ae610bfa7a022f24a276c06dcedf9f01b946c1f5");
}

static void clean_text_keeps_vietnamese_drops_garbage(void **state)
{
    (void)state;
    char out[64];
    const char *vi = "Tài liệu không đúng định dạng";
    push_clean_text(out, sizeof out, vi, strlen(vi));
    assert_string_equal(out, vi);
    const char bad[] = "a\xC3\x28" "b\x01" "c\r\n";
    push_clean_text(out, sizeof out, bad, sizeof bad - 1);
    assert_string_equal(out, "a?(b?c \n");
    /* cut at a character boundary: "Đ" is two bytes */
    push_clean_text(out, 4, "aĐb", strlen("aĐb"));
    assert_string_equal(out, "aĐ");
    push_clean_text(out, 3, "aĐb", strlen("aĐb"));
    assert_string_equal(out, "a");
    const char nul[] = {'x', '\0', 'y'};
    push_clean_text(out, sizeof out, nul, sizeof nul);
    assert_string_equal(out, "x?y");
}

static void urls_https_or_loopback_only(void **state)
{
    (void)state;
    assert_true(push_url_allowed("https://portal.soctrang.gov.vn/api/thidua"));
    assert_true(push_url_allowed("http://127.0.0.1:18161/p"));
    assert_true(push_url_allowed("http://localhost:8090/"));
    assert_true(push_url_allowed("http://[::1]:8090/"));
    assert_false(push_url_allowed("http://portal.soctrang.gov.vn/api"));
    assert_false(push_url_allowed("http://127.0.0.1.evil.example/"));
    assert_false(push_url_allowed("http://localhost.evil.example/"));
    assert_false(push_url_allowed("ftp://127.0.0.1/"));
    assert_false(push_url_allowed("https://"));
    assert_false(push_url_allowed(""));
}

/* A string longer than libcurl takes for any option (CURL_MAX_INPUT_LENGTH,
 * 8 000 000 bytes): the option is refused. malloc'd. */
static char *too_long(const char *prefix)
{
    size_t n = 8000001;
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, 'a', n);
    memcpy(s, prefix, strlen(prefix));
    s[n] = '\0';
    return s;
}

static void trust_is_set_or_the_attempt_is_not_made(void **state)
{
    (void)state;
    CURL *h = curl_easy_init();
    assert_non_null(h);
    char error[512] = "";
    assert_int_equal(push_set_trust(h, "https://portal.example/api", "", error, sizeof error), 0);
    assert_int_equal(push_set_trust(h, "https://portal.example/api", "/etc/thidua/portal-ca.pem", error, sizeof error), 0);
    assert_int_equal(push_set_trust(h, "http://127.0.0.1:18161/p", "", error, sizeof error), 0);
    assert_string_equal(error, "");

    /* The CA bundle refused: the system's CAs would be trusted besides. */
    char *ca = too_long("/");
    assert_int_equal(push_set_trust(h, "https://portal.example/api", ca, error, sizeof error), -1);
    free(ca);
    assert_non_null(strstr(error, "CURLOPT_CAINFO"));
    assert_non_null(strstr(error, "không gửi gì"));

    /* The URL refused: an attempt would go wherever the handle last went. */
    char *url = too_long("https://");
    error[0] = '\0';
    assert_int_equal(push_set_trust(h, url, "", error, sizeof error), -1);
    free(url);
    assert_non_null(strstr(error, "CURLOPT_URL"));

    /* No handle: its first option is refused, nothing else is tried. */
    error[0] = '\0';
    assert_int_equal(push_set_trust(NULL, "https://portal.example/api", "", error, sizeof error), -1);
    assert_non_null(strstr(error, "CURLOPT_URL"));

    /* A URL the pusher may not use is refused before libcurl sees it. */
    error[0] = '\0';
    assert_int_equal(push_set_trust(h, "http://portal.example/api", "", error, sizeof error), -1);
    assert_non_null(strstr(error, "https://"));
    curl_easy_cleanup(h);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(classify_answers),
        cmocka_unit_test(backoff_doubles_with_jitter_and_ceiling),
        cmocka_unit_test(retry_after_in_seconds),
        cmocka_unit_test(retry_after_as_a_date),
        cmocka_unit_test(retry_after_replaces_backoff_on_429_and_503),
        cmocka_unit_test(hmac_matches_rfc4231),
        cmocka_unit_test(signature_covers_timestamp_and_body),
        cmocka_unit_test(signature_matches_the_documented_vector),
        cmocka_unit_test(clean_text_keeps_vietnamese_drops_garbage),
        cmocka_unit_test(urls_https_or_loopback_only),
        cmocka_unit_test(trust_is_set_or_the_attempt_is_not_made),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
