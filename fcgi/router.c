#include "router.h"

#include <stdio.h>
#include <string.h>

enum { MAX_ROUTES = 256 };

static const route *table[MAX_ROUTES];
static size_t table_len;

/* Flattens the groups once per process. */
static void build_table(void)
{
    if (table_len)
        return;
    for (size_t g = 0; route_groups[g]; g++)
        for (const route *r = route_groups[g]; r->method && table_len < MAX_ROUTES; r++)
            table[table_len++] = r;
}

size_t router_count(void)
{
    build_table();
    return table_len;
}

const route *router_at(size_t index)
{
    build_table();
    return index < table_len ? table[index] : NULL;
}

size_t router_index(const route *r)
{
    build_table();
    for (size_t i = 0; i < table_len; i++)
        if (table[i] == r)
            return i;
    return table_len;
}

static int is_id(const char *s, size_t n)
{
    if (n == 0 || n > 18 || s[0] == '0')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Matches path against pattern segment by segment. */
bool router_match(const char *pattern, const char *path, long long *ids, const char **words, arena *mem)
{
    int nid = 0, nword = 0;
    while (*pattern && *path) {
        if (*pattern != '/' || *path != '/')
            return false;
        pattern++;
        path++;
        const char *pe = strchr(pattern, '/'), *se = strchr(path, '/');
        size_t plen = pe ? (size_t)(pe - pattern) : strlen(pattern);
        size_t slen = se ? (size_t)(se - path) : strlen(path);
        if (plen == 4 && memcmp(pattern, "{id}", 4) == 0) {
            if (!is_id(path, slen) || nid >= 4)
                return false;
            long long v = 0;
            for (size_t i = 0; i < slen; i++)
                v = v * 10 + (path[i] - '0');
            if (ids)
                ids[nid] = v;
            nid++;
        } else if (plen == 6 && memcmp(pattern, "{code}", 6) == 0) {
            if (slen == 0 || nword >= 4)
                return false;
            /* Decoded even when not kept: a bad escape is no match. */
            const char *w = http_path_decode(mem, path, slen);
            if (!w)
                return false;
            if (words)
                words[nword] = w;
            nword++;
        } else if (plen != slen || memcmp(pattern, path, plen) != 0) {
            return false;
        }
        pattern += plen;
        path += slen;
    }
    return *pattern == '\0' && *path == '\0';
}

route_match router_find(request *req, const route **found, const char **allow)
{
    char methods[128] = "";
    size_t n = router_count();
    *found = NULL;
    for (size_t i = 0; i < n; i++) {
        const route *r = router_at(i);
        if (!router_match(r->pattern, req->path, NULL, NULL, req->mem))
            continue;
        if (strcmp(r->method, req->method) == 0) {
            router_match(r->pattern, req->path, req->path_ids, req->path_words, req->mem);
            *found = r;
            return ROUTE_FOUND;
        }
        if (strstr(methods, r->method) == NULL) {
            size_t used = strlen(methods);
            snprintf(methods + used, sizeof methods - used, "%s%s", used ? ", " : "", r->method);
        }
    }
    if (methods[0]) {
        *allow = arena_strdup(req->mem, methods);
        return ROUTE_BAD_METHOD;
    }
    return ROUTE_NOT_FOUND;
}
