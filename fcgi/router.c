#include "router.h"

#include "fields.h"

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

/* The index of the declared parameter called name, or -1. */
static int query_index(const field_def *defs, const char *name)
{
    for (int i = 0; defs && defs[i].name; i++)
        if (strcmp(defs[i].name, name) == 0)
            return i;
    return -1;
}

/* Checks one "key=value" of the query string (len bytes at s) into vals.
 * NULL, or what is wrong; *name is the parameter's name for the error. */
static const char *query_one(request *req, const field_def *defs, field_val *vals, const char *s, size_t len,
                             const char **name)
{
    const char *eq = memchr(s, '=', len);
    size_t klen = eq ? (size_t)(eq - s) : len;
    const char *key = http_url_decode(req->mem, s, klen);
    *name = key ? key : arena_strndup(req->mem, s, klen);
    if (!key)
        return "tên tham số mã hóa sai (%)";
    int i = query_index(defs, key);
    if (i < 0)
        return "tham số không được hỗ trợ";
    if (vals[i].present)
        return "chỉ được gửi một lần";
    const char *value = eq ? http_url_decode(req->mem, eq + 1, len - klen - 1) : "";
    vals[i].present = true;
    if (!value)
        return "giá trị mã hóa sai (%)";
    /* "?q=" searches for nothing, as if left out; "?as_of=" is no date. */
    bool text = defs[i].type == FT_STRING || defs[i].type == FT_TEXT;
    if (*value == '\0')
        return text ? NULL : "không được để trống";
    return fields_from_text(req->mem, &defs[i], value, &vals[i]);
}

/* Does errors already name field? */
static bool named(json_t *errors, const char *field)
{
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
            return true;
    }
    return false;
}

int router_query(request *req, response *res)
{
    const field_def *defs = req->route ? req->route->query : NULL;
    int n = fields_count(defs);
    field_val *vals = arena_alloc(req->mem, (size_t)(n ? n : 1) * sizeof *vals);
    for (int i = 0; i < n; i++)
        vals[i] = (field_val){.null = true};
    req->query_vals = vals;
    json_t *errors = json_array();
    for (const char *p = req->query; *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *name = NULL, *msg = len ? query_one(req, defs, vals, p, len, &name) : NULL; /* "a=1&&b=2" */
        if (msg)
            fields_error(errors, name, msg, 0);
        p += len + (amp ? 1 : 0);
    }
    bool malformed = json_array_size(errors) > 0;
    for (int i = 0; i < n; i++)
        if ((defs[i].flags & F_REQUIRED) && vals[i].null && !named(errors, defs[i].name))
            fields_error(errors, defs[i].name, "là bắt buộc", 0);
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return 0;
    }
    http_problem_errors(res, malformed ? 400 : 422, "Tham số truy vấn không hợp lệ.", errors);
    return -1;
}
