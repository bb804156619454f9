/* test_session_cookie.c — unit tests for the session and password parts of
 * fcgi/auth.c: the session cookie in both modes of cookie_secure (its
 * Set-Cookie value, and the one name the server reads back) and the dummy
 * hash that a failed login verifies against (the keys of logins:
 * test_config.c). The local test stack runs with cookie_secure off;
 * production's mode is only seen here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "config.h"

static arena mem;
static const char token[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static int teardown(void **state)
{
    (void)state;
    arena_free(&mem);
    return 0;
}

static config mode(bool secure)
{
    config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.cookie_secure = secure;
    return cfg;
}

static void plain_http_cookie(void **state)
{
    (void)state;
    config cfg = mode(false);
    assert_string_equal(auth_cookie_name(&cfg), "thidua_session");
    assert_string_equal(auth_session_cookie(&mem, &cfg, token, 28800),
                        "thidua_session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef;"
                        " Path=/; Max-Age=28800; HttpOnly; SameSite=Strict");
    assert_string_equal(auth_session_cookie(&mem, &cfg, NULL, 28800),
                        "thidua_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    /* Without a configuration: the defaults. */
    assert_string_equal(auth_cookie_name(NULL), "thidua_session");
}

/* __Host-: Secure, Path=/ and no Domain, or a browser refuses it. */
static void production_cookie(void **state)
{
    (void)state;
    config cfg = mode(true);
    assert_string_equal(auth_cookie_name(&cfg), "__Host-thidua_session");
    const char *set = auth_session_cookie(&mem, &cfg, token, 3601);
    assert_string_equal(set, "__Host-thidua_session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef;"
                             " Path=/; Max-Age=3601; Secure; HttpOnly; SameSite=Strict");
    assert_null(strstr(set, "Domain"));
    assert_string_equal(auth_session_cookie(&mem, &cfg, NULL, 3601),
                        "__Host-thidua_session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
}

/* Whether the request's cookie header gives a session token (the hash is
 * what auth_session_hash hands the handler's query). */
static bool reads_session(const config *cfg, const char *cookie_header)
{
    char header[256];
    snprintf(header, sizeof header, "HTTP_COOKIE=%s", cookie_header);
    char *env[] = {header, NULL};
    request req;
    response res;
    memset(&req, 0, sizeof req);
    memset(&res, 0, sizeof res);
    req.mem = res.mem = &mem;
    req.method = "GET";
    req.env = env;
    req.cfg = cfg;
    const char *hash = NULL;
    if (auth_session_hash(&req, &res, &hash) != 0) {
        assert_int_equal(res.status, 401);
        return false;
    }
    char want[AUTH_HASH_HEX + 1];
    auth_token_hash(token, want);
    assert_string_equal(hash, want);
    assert_true(req.user == NULL);
    return true;
}

/* The server reads the cookie it sets, and only that one: in production a
 * plain thidua_session (which any subdomain or a plain-HTTP answer could
 * have planted) is no session. */
static void reads_only_the_name_it_sets(void **state)
{
    (void)state;
    config plain = mode(false), secure = mode(true);
    char plain_cookie[128], host_cookie[128], both[256];
    snprintf(plain_cookie, sizeof plain_cookie, "thidua_session=%s", token);
    snprintf(host_cookie, sizeof host_cookie, "__Host-thidua_session=%s", token);
    snprintf(both, sizeof both, "theme=dark; __Host-thidua_session=%s; x=1", token);
    assert_true(reads_session(&plain, plain_cookie));
    assert_false(reads_session(&plain, host_cookie));
    assert_true(reads_session(&secure, host_cookie));
    assert_true(reads_session(&secure, both));
    assert_false(reads_session(&secure, plain_cookie));
}

/* The length of an Argon2 hash's algorithm and parameters: up to its
 * fourth '$', 0 when it has none. */
static size_t params_length(const char *h)
{
    int seen = 0;
    for (size_t i = 0; h[i]; i++)
        if (h[i] == '$' && ++seen == 4)
            return i + 1;
    return 0;
}

/* Made by auth_init, an Argon2id hash like a user's, of a password nobody
 * knows; the same one for the life of the process (its workers inherit
 * it). */
static void the_dummy_hash(void **state)
{
    (void)state;
    assert_int_equal(auth_init(), 0);
    const char *h = auth_dummy_hash();
    assert_non_null(strstr(h, "$argon2id$"));
    assert_ptr_equal(h, auth_dummy_hash());
    char copy[256];
    snprintf(copy, sizeof copy, "%s", h);
    assert_int_equal(auth_init(), 0);
    assert_string_equal(auth_dummy_hash(), copy);
    assert_false(auth_verify_password(h, ""));
    assert_false(auth_verify_password(h, "thidua-demo"));
    char user_hash[256];
    assert_int_equal(auth_hash_password("thidua-demo", user_hash, sizeof user_hash), 0);
    /* The same algorithm and cost as a user's ("$argon2id$v=19$m=…,t=…,p=…$"):
     * the same time to verify. */
    size_t n = params_length(h);
    assert_true(n > 0);
    assert_int_equal(n, params_length(user_hash));
    assert_memory_equal(h, user_hash, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(plain_http_cookie, teardown),
        cmocka_unit_test_teardown(production_cookie, teardown),
        cmocka_unit_test_teardown(reads_only_the_name_it_sets, teardown),
        cmocka_unit_test(the_dummy_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
