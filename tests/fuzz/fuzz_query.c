/* fuzz_query.c — declared query parameters (router_query, fcgi/router.h):
 * the input is the raw query string (cut at a NUL byte, as a FastCGI
 * parameter is), checked against every route of the real table that
 * declares parameters (GET /api/v1/staff, POST /api/v1/staff/import, the
 * scorecard's as_of...) and one that declares none. Checks:
 *   - accepted: every parameter given is declared, once, with a good
 *     escape; every required one has a value; every value has its text;
 *   - refused: a 400 or 422 problem whose JSON names each error's field,
 *     and a 422 only when the errors are all required parameters. */
#include "fuzz.h"

#include <jansson.h>
#include <stdbool.h>

#include "fields.h"
#include "router.h"

/* The index of the declared parameter called name, or -1. */
static int declared(const field_def *defs, const char *name)
{
    for (int i = 0; defs && defs[i].name; i++)
        if (strcmp(defs[i].name, name) == 0)
            return i;
    return -1;
}

/* What router_query accepted: each "key=value" is declared, given once. */
static void check_accepted(const request *req)
{
    const field_def *defs = req->route->query;
    int n = fields_count(defs);
    bool seen[64] = {false};
    FUZZ_CHECK(n <= 64);
    for (const char *p = req->query; *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len) {
            const char *eq = memchr(p, '=', len);
            const char *key = http_url_decode(req->mem, p, eq ? (size_t)(eq - p) : len);
            FUZZ_CHECK(key != NULL);
            int i = declared(defs, key);
            FUZZ_CHECK(i >= 0);
            FUZZ_CHECK(!seen[i]);
            seen[i] = true;
        }
        p += len + (amp ? 1 : 0);
    }
    for (int i = 0; i < n; i++) {
        const field_val *v = &req->query_vals[i];
        if (defs[i].flags & F_REQUIRED)
            FUZZ_CHECK(!v->null);
        if (!v->null)
            FUZZ_CHECK(v->s != NULL && seen[i]);
    }
}

static void check_refused(const request *req, const response *res)
{
    FUZZ_CHECK(res->status == 400 || res->status == 422);
    json_t *problem = json_loadb(res->body, res->body_len, 0, NULL);
    FUZZ_CHECK(problem != NULL);
    json_t *errors = json_object_get(problem, "errors");
    FUZZ_CHECK(json_array_size(errors) > 0);
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e) {
        const char *field = json_string_value(json_object_get(e, "field"));
        FUZZ_CHECK(field != NULL);
        if (res->status == 422) {
            int d = declared(req->route->query, field);
            FUZZ_CHECK(d >= 0 && (req->route->query[d].flags & F_REQUIRED));
        }
    }
    json_decref(problem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static arena mem;
    char *query = fuzz_string(data, size);
    /* Each declared list once (many routes share the page's), and NULL. */
    const field_def *seen[256];
    size_t nseen = 0;
    for (size_t r = 0; r < router_count(); r++) {
        const route *rt = router_at(r);
        bool again = false;
        for (size_t i = 0; i < nseen && !again; i++)
            again = seen[i] == rt->query;
        if (again || nseen == sizeof seen / sizeof seen[0])
            continue;
        seen[nseen++] = rt->query;
        request req = {.mem = &mem, .method = rt->method, .path = rt->pattern, .query = query, .route = rt};
        response res = {.mem = &mem};
        if (router_query(&req, &res) == 0) {
            FUZZ_CHECK(res.status == 0);
            check_accepted(&req);
        } else {
            check_refused(&req, &res);
        }
        arena_reset(&mem);
    }
    arena_free(&mem);
    free(query);
    return 0;
}
