/* fuzz_route.c — the router's path matching (router_match, router_find
 * in fcgi/router.h): the input is a request path (cut at a NUL byte),
 * matched against every pattern of the real route table, then found for
 * each method. Checks:
 *   - a match fills one positive id of at most 18 digits per {id} and one
 *     non-empty word per {code}; matching without ids and words agrees;
 *   - router_find answers a route of that method that matches, or the
 *     methods that the path does take (each one matching), or none when
 *     no pattern matches. */
#include "fuzz.h"

#include <stdbool.h>

#include "router.h"

static const char *const methods[] = {"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"};

/* Number of occurrences of seg ("{id}") among the pattern's segments. */
static int count_segments(const char *pattern, const char *seg)
{
    int n = 0;
    size_t len = strlen(seg);
    for (const char *p = strstr(pattern, seg); p; p = strstr(p + len, seg))
        n++;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static arena mem;
    char *path = fuzz_string(data, size);
    size_t n = router_count();
    bool any = false;
    for (size_t r = 0; r < n; r++) {
        const route *rt = router_at(r);
        long long ids[4] = {0, 0, 0, 0};
        const char *words[4] = {NULL, NULL, NULL, NULL};
        bool m = router_match(rt->pattern, path, ids, words, &mem);
        FUZZ_CHECK(m == router_match(rt->pattern, path, NULL, NULL, &mem));
        if (!m)
            continue;
        any = true;
        int nid = count_segments(rt->pattern, "{id}"), nword = count_segments(rt->pattern, "{code}");
        for (int i = 0; i < nid && i < 4; i++)
            FUZZ_CHECK(ids[i] > 0 && ids[i] <= 999999999999999999LL);
        for (int i = 0; i < nword && i < 4; i++)
            FUZZ_CHECK(words[i] != NULL && words[i][0] != '\0');
    }
    for (size_t k = 0; k < sizeof methods / sizeof methods[0]; k++) {
        request req = {.mem = &mem, .method = methods[k], .path = path, .query = ""};
        const route *found = NULL;
        const char *allow = NULL;
        route_match rm = router_find(&req, &found, &allow);
        if (rm == ROUTE_FOUND) {
            FUZZ_CHECK(found && strcmp(found->method, methods[k]) == 0);
            FUZZ_CHECK(router_match(found->pattern, path, NULL, NULL, &mem));
            FUZZ_CHECK(any);
        } else if (rm == ROUTE_BAD_METHOD) {
            FUZZ_CHECK(!found && allow && allow[0] && any);
            FUZZ_CHECK(strstr(allow, methods[k]) == NULL);
        } else {
            FUZZ_CHECK(rm == ROUTE_NOT_FOUND && !found && !any);
        }
    }
    arena_free(&mem);
    free(path);
    return 0;
}
