#include "http.h"

#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

/* Vietnamese titles of the problem types people see. */
static const char *problem_title(int status)
{
    switch (status) {
    case 400: return "Yêu cầu không hợp lệ";
    case 401: return "Chưa đăng nhập hoặc phiên đã hết hạn";
    case 403: return "Không có quyền";
    case 404: return "Không tìm thấy";
    case 405: return "Phương thức không được hỗ trợ";
    case 409: return "Xung đột dữ liệu";
    case 413: return "Nội dung quá lớn";
    case 415: return "Kiểu nội dung không được hỗ trợ";
    case 422: return "Dữ liệu không hợp lệ";
    case 429: return "Quá nhiều yêu cầu";
    case 503: return "Dịch vụ tạm thời không sẵn sàng";
    default: return "Lỗi máy chủ";
    }
}

static const char *problem_slug(int status)
{
    switch (status) {
    case 400: return "bad-request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not-found";
    case 405: return "method-not-allowed";
    case 409: return "conflict";
    case 413: return "too-large";
    case 415: return "unsupported-media-type";
    case 422: return "validation";
    case 429: return "rate-limited";
    case 503: return "unavailable";
    default: return "server-error";
    }
}

const char *http_header(const request *req, const char *name)
{
    char key[128] = "HTTP_";
    size_t n = strlen(name);
    if (n + 6 > sizeof key)
        return NULL;
    for (size_t i = 0; i < n; i++)
        key[5 + i] = name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
    key[5 + n] = '\0';
    size_t klen = 5 + n;
    for (char **e = req->env; e && *e; e++)
        if (strncmp(*e, key, klen) == 0 && (*e)[klen] == '=')
            return *e + klen + 1;
    return NULL;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static char *percent_decode(arena *a, const char *s, size_t len, bool plus_is_space)
{
    char *out = arena_alloc(a, len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+' && plus_is_space) {
            out[o++] = ' ';
        } else if (s[i] == '%') {
            if (len - i < 3)
                return NULL;
            int hi = hexval((unsigned char)s[i + 1]), lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return NULL;
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    if (strlen(out) != o) /* %00 */
        return NULL;
    return out;
}

char *http_url_decode(arena *a, const char *s, size_t len)
{
    return percent_decode(a, s, len, true);
}

char *http_path_decode(arena *a, const char *s, size_t len)
{
    return percent_decode(a, s, len, false);
}

const char *http_query(const request *req, const char *key)
{
    size_t klen = strlen(key);
    const char *p = req->query;
    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t nlen = eq ? (size_t)(eq - p) : len;
        if (nlen == klen && memcmp(p, key, klen) == 0) {
            if (!eq)
                return "";
            char *v = http_url_decode(req->mem, eq + 1, len - nlen - 1);
            return v ? v : "\x01"; /* undecodable: a value no validator accepts */
        }
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}

const char *http_cookie(const request *req, const char *name)
{
    const char *h = http_header(req, "Cookie");
    size_t nlen = strlen(name);
    while (h && *h) {
        while (*h == ' ' || *h == ';')
            h++;
        const char *end = strchr(h, ';');
        size_t len = end ? (size_t)(end - h) : strlen(h);
        while (len > 0 && (h[len - 1] == ' ' || h[len - 1] == '\t')) /* OWS before ';' */
            len--;
        if (len > nlen && memcmp(h, name, nlen) == 0 && h[nlen] == '=')
            return arena_strndup(req->mem, h + nlen + 1, len - nlen - 1);
        h = end;
    }
    return NULL;
}

bool http_content_type_is(const request *req, const char *mime)
{
    size_t n = strlen(mime);
    const char *ct = req->content_type;
    if (strncasecmp(ct, mime, n) != 0)
        return false;
    return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

void http_content_type_line(const char *ctype, char *buf, size_t n)
{
    const char *semi = strchr(ctype, ';');
    size_t base = semi ? (size_t)(semi - ctype) : strlen(ctype);
    while (base > 0 && ctype[base - 1] == ' ')
        base--;
    bool text = strncasecmp(ctype, "text/", 5) == 0;
    bool json = (base == strlen("application/json") && strncasecmp(ctype, "application/json", base) == 0) ||
                (strncasecmp(ctype, "application/", 12) == 0 && base >= 17 &&
                 strncasecmp(ctype + base - 5, "+json", 5) == 0);
    bool has_charset = false;
    for (const char *p = semi; p && *p; p++)
        if (strncasecmp(p, "charset=", 8) == 0)
            has_charset = true;
    if ((text || json) && !has_charset)
        snprintf(buf, n, "%s; charset=utf-8", ctype);
    else
        snprintf(buf, n, "%s", ctype);
}

bool http_etag_matches(const char *if_none_match, const char *etag)
{
    if (!if_none_match)
        return false;
    size_t n = strlen(etag);
    const char *p = if_none_match;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '\0')
            return false;
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        /* A tag runs to its closing quote (it may hold a comma); anything
         * else up to the next comma is not a tag and names nothing. */
        const char *end = p + strcspn(p, ",");
        if (*p == '"') {
            const char *close = strchr(p + 1, '"');
            end = close ? close + 1 : p + strlen(p);
        }
        if ((size_t)(end - p) == n && memcmp(p, etag, n) == 0)
            return true;
        p = end + strcspn(end, ",");
    }
}

bool http_method_has_body(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PATCH") == 0 || strcmp(method, "PUT") == 0;
}

/* The first buffer for a body of unknown length, and the most asked of
 * the reader at once. */
enum { BODY_FIRST = 4096, BODY_READ_MAX = 1 << 20 };

int http_read_body(request *req, response *res, size_t limit, http_body_reader reader, void *ctx)
{
    if (req->content_length > (long long)limit)
        goto too_large;
    if (!http_method_has_body(req->method) || req->content_length == 0)
        return 0;
    /* Without a length, one byte past the limit tells a body that is too
     * large from one that just fits. */
    bool known = req->content_length > 0;
    size_t most = known ? (size_t)req->content_length : limit + 1;
    size_t cap = known || most < BODY_FIRST ? most : BODY_FIRST;
    char *buf = arena_alloc(req->mem, cap + 1);
    size_t got = 0;
    for (;;) {
        if (got == cap) {
            if (cap == most)
                break;
            /* The smaller buffers stay in the arena until the request
             * ends: together less than the last one. */
            size_t grown = cap > most / 2 ? most : cap * 2;
            char *bigger = arena_alloc(req->mem, grown + 1);
            memcpy(bigger, buf, got);
            buf = bigger;
            cap = grown;
        }
        size_t want = cap - got < BODY_READ_MAX ? cap - got : BODY_READ_MAX;
        int n = reader(ctx, buf + got, (int)want);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got > limit)
        goto too_large;
    buf[got] = '\0';
    req->body = buf;
    req->body_len = got;
    return 0;
too_large:
    http_problem(res, 413, arena_printf(req->mem, "Nội dung vượt quá giới hạn %zu byte.", limit));
    return -1;
}

void http_set_header(response *res, const char *name, const char *value)
{
    http_field *h = arena_alloc(res->mem, sizeof *h);
    h->name = arena_strdup(res->mem, name);
    h->value = arena_strdup(res->mem, value);
    h->next = res->headers;
    res->headers = h;
}

void http_text(response *res, int status, const char *ctype, const char *body, size_t len)
{
    res->status = status;
    res->content_type = ctype;
    res->body = arena_strndup(res->mem, body, len);
    res->body_len = len;
}

void http_json_text(response *res, int status, const char *json)
{
    http_text(res, status, "application/json", json, strlen(json));
}

void http_json_arena(response *res, int status, const char *json)
{
    res->status = status;
    res->content_type = "application/json";
    res->body = json;
    res->body_len = strlen(json);
}

void http_json(response *res, int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text) {
        http_problem(res, 500, "Không tạo được câu trả lời.");
        return;
    }
    http_json_text(res, status, text);
    free(text);
}

void http_empty(response *res, int status)
{
    res->status = status;
    res->content_type = NULL;
    res->body = NULL;
    res->body_len = 0;
}

void http_problem_errors(response *res, int status, const char *detail, json_t *errors)
{
    http_problem_members(res, status, detail, errors, NULL);
}

void http_problem_members(response *res, int status, const char *detail, json_t *errors, json_t *members)
{
    json_t *p = json_object();
    json_object_set_new(p, "type", json_sprintf("urn:thidua:problem:%s", problem_slug(status)));
    json_object_set_new(p, "title", json_string(problem_title(status)));
    json_object_set_new(p, "status", json_integer(status));
    json_object_set_new(p, "detail", text_json_string(detail ? detail : problem_title(status)));
    if (errors)
        json_object_set_new(p, "errors", errors);
    if (members) {
        json_object_update_missing(p, members);
        json_decref(members);
    }
    char *text = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    res->status = status;
    res->content_type = "application/problem+json";
    if (text) {
        res->body = arena_strdup(res->mem, text);
        res->body_len = strlen(text);
        free(text);
    } else {
        res->body = "{\"status\":500}";
        res->body_len = strlen(res->body);
    }
}

void http_problem(response *res, int status, const char *detail)
{
    http_problem_errors(res, status, detail, NULL);
}

void http_unavailable(response *res)
{
    http_problem(res, 503, "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau.");
    http_set_header(res, "Retry-After", "5");
}

void http_field_error(response *res, int status, const char *field, const char *message)
{
    json_t *errors = json_array();
    json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "message", message));
    http_problem_errors(res, status, message, errors);
}
