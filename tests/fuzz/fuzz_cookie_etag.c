/* fuzz_cookie_etag.c — the Cookie and If-None-Match headers (http_cookie,
 * http_etag_matches in fcgi/http.h): the input (cut at a NUL byte, as a
 * FastCGI parameter is) is the value of both headers of a request whose
 * environment holds other headers too. Checks:
 *   - a cookie found is what follows "name=" in the header, and the one
 *     named first wins: "thidua_session=abc; " before the input finds abc;
 *   - an ETag names itself, weak or not, and a list without quotes
 *     followed by the ETag names it. */
#include "fuzz.h"

#include <stdbool.h>

#include "http.h"

static const char *const cookies[] = {"thidua_session", "thidua_csrf", "a"};
static const char *const etags[] = {"\"scorecard-1-7-2025-06-30\"", "\"x\"", "\"\""};

/* A request whose Cookie header is cookie. */
static request with_cookie(arena *mem, char *env[5], const char *cookie, const char *inm)
{
    env[0] = "HTTP_COOKIES=not-this";
    env[1] = arena_printf(mem, "HTTP_COOKIE=%s", cookie);
    env[2] = arena_printf(mem, "HTTP_IF_NONE_MATCH=%s", inm);
    env[3] = "HTTP_COOKIE=not-this-either";
    env[4] = NULL;
    return (request){.mem = mem, .method = "GET", .path = "/", .query = "", .env = env};
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static arena mem;
    char *in = fuzz_string(data, size);
    char *env[5];
    request req = with_cookie(&mem, env, in, in);
    for (size_t i = 0; i < sizeof cookies / sizeof cookies[0]; i++) {
        const char *v = http_cookie(&req, cookies[i]);
        if (v) {
            const char *pair = arena_printf(&mem, "%s=%s", cookies[i], v);
            FUZZ_CHECK(strstr(in, pair) != NULL);
        }
        char *env2[5];
        request first = with_cookie(&mem, env2, arena_printf(&mem, "%s=abc; %s", cookies[i], in), "");
        v = http_cookie(&first, cookies[i]);
        FUZZ_CHECK(v && strcmp(v, "abc") == 0);
    }
    const char *inm = http_header(&req, "If-None-Match");
    FUZZ_CHECK(inm && strcmp(inm, in) == 0);
    bool quoted = strchr(in, '"') != NULL;
    for (size_t i = 0; i < sizeof etags / sizeof etags[0]; i++) {
        const char *etag = etags[i];
        (void)http_etag_matches(inm, etag);
        FUZZ_CHECK(http_etag_matches(etag, etag));
        FUZZ_CHECK(http_etag_matches(arena_printf(&mem, "W/%s", etag), etag));
        if (!quoted)
            FUZZ_CHECK(http_etag_matches(arena_printf(&mem, "%s, %s", in, etag), etag));
    }
    arena_free(&mem);
    free(in);
    return 0;
}
