#include "openapi.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "jsontext.h"
#include "router.h"

static json_t *field_schema(const field_def *d)
{
    json_t *s = json_object();
    const char *type = "string";
    switch (d->type) {
    case FT_INT:
    case FT_ID:
        type = "integer";
        break;
    case FT_DECIMAL:
        type = "number";
        break;
    case FT_BOOL:
        type = "boolean";
        break;
    case FT_JSON:
        type = NULL;
        break;
    default:
        break;
    }
    if (type && (d->flags & F_NULLABLE))
        json_object_set_new(s, "type", json_pack("[s, s]", type, "null"));
    else if (type)
        json_object_set_new(s, "type", json_string(type));
    if (d->type == FT_DATE)
        json_object_set_new(s, "format", json_string("date"));
    if (d->type == FT_ID)
        json_object_set_new(s, "minimum", json_integer(1));
    if (d->type == FT_INT) {
        json_object_set_new(s, "minimum", json_integer(d->min));
        json_object_set_new(s, "maximum", json_integer(d->max));
    }
    if (d->type == FT_DECIMAL && d->decimal) {
        /* Exact, as the field reads them: 999999.99, never 999999.98999999999. */
        decimal step = {1, d->decimal->places};
        json_object_set_new(s, "minimum", jsontext_decimal(&d->decimal->min));
        json_object_set_new(s, "maximum", jsontext_decimal(&d->decimal->max));
        json_object_set_new(s, "multipleOf", jsontext_decimal(&step));
    }
    if (d->type == FT_ENUM) {
        json_t *e = json_array();
        for (const char *const *c = d->choices; c && *c; c++)
            json_array_append_new(e, json_string(*c));
        json_object_set_new(s, "enum", e);
    }
    if (d->description)
        json_object_set_new(s, "description", json_string(d->description));
    return s;
}

static json_t *body_schema(const field_def *defs)
{
    json_t *props = json_object(), *required = json_array();
    for (const field_def *d = defs; d->name; d++) {
        json_object_set_new(props, d->name, field_schema(d));
        if (d->flags & F_REQUIRED)
            json_array_append_new(required, json_string(d->name));
    }
    return json_pack("{s:s, s:o, s:o, s:b}", "type", "object", "properties", props, "required", required,
                     "additionalProperties", 0);
}

/* Every error answer of the API, each a problem+json document. */
static const struct {
    const char *code, *name, *description;
} errors[] = {
    {"400", "BadRequest", "Yêu cầu sai dạng: JSON, CSV hoặc tham số truy vấn không đọc được"},
    {"401", "Unauthorized", "Chưa đăng nhập, hoặc phiên sai hay đã hết hạn"},
    {"403", "Forbidden", "Vai trò hoặc phạm vi đơn vị không cho phép"},
    {"404", "NotFound", "Không có đối tượng này"},
    {"409", "Conflict", "Trùng dữ liệu đã có, sai trạng thái, hoặc bị thay đổi đồng thời"},
    {"413", "PayloadTooLarge", "Nội dung vượt quá giới hạn"},
    {"415", "UnsupportedMediaType", "Sai Content-Type"},
    {"422", "UnprocessableContent", "Dữ liệu đúng dạng nhưng không hợp lệ; errors nêu từng trường"},
    {"429", "TooManyRequests", "Quá nhiều lần đăng nhập (sai): tài khoản tạm khóa, thử lại sau Retry-After giây"},
    {"503", "ServiceUnavailable", "Cơ sở dữ liệu tạm thời không truy cập được; thử lại sau Retry-After giây"},
};
enum { ERROR_COUNT = sizeof errors / sizeof errors[0] };

/* components/responses: one entry per error answer. */
static json_t *error_responses(void)
{
    json_t *out = json_object();
    for (size_t i = 0; i < ERROR_COUNT; i++) {
        json_t *resp = json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", errors[i].description, "content",
                                 "application/problem+json", "schema", "$ref", "#/components/schemas/Problem");
        if (strcmp(errors[i].code, "503") == 0 || strcmp(errors[i].code, "429") == 0)
            json_object_set_new(resp, "headers",
                                json_pack("{s:{s:s, s:{s:s}}}", "Retry-After", "description", "Số giây nên chờ",
                                          "schema", "type", "integer"));
        json_object_set_new(out, errors[i].name, resp);
    }
    return out;
}

/* The answers an operation can give, from what its route declares: each
 * error is a problem+json document (components/responses). */
static json_t *responses(const route *r)
{
    bool body = r->body != BODY_NONE, write = strcmp(r->method, "GET") != 0;
    bool in_path = strchr(r->pattern, '{') != NULL, public = r->access == ACCESS_PUBLIC;
    bool required_query = false;
    for (const field_def *q = r->query; q && q->name; q++)
        required_query |= (q->flags & F_REQUIRED) != 0;
    json_t *out = json_object();
    const char *ok = strcmp(r->method, "DELETE") == 0 ? "204" : strcmp(r->method, "POST") == 0 ? "2XX" : "200";
    json_t *success = json_pack("{s:s}", "description", strcmp(ok, "204") == 0 ? "Đã xóa" : "Thành công");
    json_object_set_new(out, ok, success);
    /* Read replicas (dbroute.h): which database served a read, and the
     * WAL position a write's commit reached. */
    if (r->flags & ROUTE_REPLICA_OK)
        json_object_set_new(success, "headers",
                            json_pack("{s:{s:s, s:{s:s, s:s}}}", "Thidua-Database", "description",
                                      "Cơ sở dữ liệu đã phục vụ: primary (chính) hoặc replicaN (bản sao đọc)", "schema",
                                      "type", "string", "pattern", "^(primary|replica[0-9]+)$"));
    else if (write && !(r->flags & ROUTE_NO_DB))
        json_object_set_new(success, "headers",
                            json_pack("{s:{s:s, s:{s:s, s:s}}}", "Thidua-Commit-LSN", "description",
                                      "Vị trí WAL sau khi ghi (pg_lsn); các lần đọc sau của phiên này thấy thay đổi",
                                      "schema", "type", "string", "pattern", "^[0-9A-F]+/[0-9A-F]+$"));
    if (strcmp(r->pattern, "/api/v1/health") == 0)
        json_object_set_new(success, "content",
                            json_pack("{s:{s:{s:s}}}", "application/json", "schema", "$ref", "#/components/schemas/Health"));
    if (r->flags & ROUTE_SESSION_IN_QUERY)
        json_object_set_new(out, "304", json_pack("{s:s}", "description", "Không đổi so với ETag đã gửi (If-None-Match)"));
    /* Every route refuses a query parameter it does not declare: 400. */
    bool gives[ERROR_COUNT] = {true, !public, !public, in_path || r->scope, write || (r->flags & ROUTE_READ_CONFLICT),
                               body, body,
                    body || required_query || write, (r->flags & ROUTE_THROTTLED) != 0,
                    !(r->flags & ROUTE_NO_DB) || strcmp(r->pattern, "/api/v1/health") == 0};
    for (size_t i = 0; i < ERROR_COUNT; i++) {
        char ref[64];
        snprintf(ref, sizeof ref, "#/components/responses/%s", errors[i].name);
        if (gives[i])
            json_object_set_new(out, errors[i].code, json_pack("{s:s}", "$ref", ref));
    }
    return out;
}

static json_t *operation(const route *r)
{
    json_t *op = json_pack("{s:s, s:s}", "summary", r->summary ? r->summary : "",
                           "operationId", "");
    char opid[256];
    size_t o = 0;
    for (const char *p = r->method; *p && o + 1 < sizeof opid; p++)
        opid[o++] = (char)(*p | 0x20);
    for (const char *p = r->pattern + strlen("/api/v1"); *p && o + 1 < sizeof opid; p++)
        if (*p != '{' && *p != '}')
            opid[o++] = *p == '/' || *p == '-' || *p == '.' ? '_' : *p;
    opid[o] = '\0';
    json_object_set_new(op, "operationId", json_string(opid));

    json_t *params = json_array();
    for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
        bool id = strncmp(p, "{id}", 4) == 0;
        json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:o}", "name", id ? "id" : "code", "in", "path",
                                                "required", 1, "schema",
                                                id ? json_pack("{s:s, s:i}", "type", "integer", "minimum", 1)
                                                   : json_pack("{s:s}", "type", "string")));
    }
    for (const field_def *q = r->query; q && q->name; q++)
        json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:o}", "name", q->name, "in", "query", "required",
                                                (q->flags & F_REQUIRED) != 0, "schema", field_schema(q)));
    if (json_array_size(params))
        json_object_set_new(op, "parameters", params);
    else
        json_decref(params);

    if (r->body == BODY_JSON || r->body == BODY_JSON_OR_CSV) {
        json_t *content = json_object();
        json_object_set_new(content, "application/json",
                            json_pack("{s:o}", "schema", r->fields ? body_schema(r->fields) : json_pack("{s:s}", "type", "object")));
        if (r->body == BODY_JSON_OR_CSV)
            json_object_set_new(content, "text/csv", json_pack("{s:{s:s}}", "schema", "type", "string"));
        json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 1, "content", content));
    } else if (r->body == BODY_CSV) {
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b, s:{s:{s:{s:s}}}}", "required", 1, "content", "text/csv", "schema", "type", "string"));
    }
    json_object_set_new(op, "responses", responses(r));
    if (r->access == ACCESS_PUBLIC)
        json_object_set_new(op, "security", json_array());
    static const char *const who[] = {"public", "any role", "admin, office, unit_head (own unit)", "admin, office",
                                      "admin", "admin, director", "admin, council",
                                      "admin, office, director", "council, director"};
    json_object_set_new(op, "x-roles", json_string(who[r->access]));
    if (r->flags & ROUTE_REPLICA_OK)
        json_object_set_new(op, "x-replica-ok", json_true());
    if (r->scope && r->scope->member)
        json_object_set_new(op, "x-members-only",
                            json_string(r->scope->not_member ? r->scope->not_member : "Chỉ thành viên của đối tượng"));
    return op;
}

/* GET /api/v1/health (api/meta.c, dbroute.h). */
static json_t *health_schema(void)
{
    json_t *database = json_pack(
        "{s:s, s:{s:{s:s, s:s}, s:{s:s, s:[s, s, s, s, s]}, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:i, s:s}},"
        " s:[s, s]}",
        "type", "object", "properties",
        "name", "type", "string", "description", "primary, hoặc replica1, replica2... theo thứ tự database_read_url",
        "state", "type", "string", "enum", "ok", "down", "lagging", "not_standby", "unknown",
        "wal_lsn", "type", "string", "description", "Vị trí WAL hiện tại của cơ sở dữ liệu chính",
        "replay_lsn", "type", "string", "description", "Vị trí WAL bản sao đã áp dụng",
        "lag_bytes", "type", "integer", "minimum", 0, "description", "Số byte WAL bản sao chậm hơn cơ sở dữ liệu chính",
        "required", "name", "state");
    return json_pack("{s:s, s:{s:{s:s, s:[s, s]}, s:{s:s, s:[s, s]}, s:{s:s}, s:{s:s, s:o}, s:{s:s, s:{s:{s:s}, s:{s:s}}}},"
                     " s:[s, s, s, s, s]}",
                     "type", "object", "properties", "status", "type", "string", "enum", "ok", "error", "database", "type",
                     "string", "enum", "ok", "down", "version", "type", "string", "databases", "type", "array", "items",
                     database, "worker", "type", "object", "properties", "pid", "type", "integer", "host", "type",
                     "string", "required", "status", "database", "version", "databases", "worker");
}

static char *build(void)
{
    json_t *paths = json_object();
    for (size_t i = 0; i < router_count(); i++) {
        const route *r = router_at(i);
        json_t *item = json_object_get(paths, r->pattern);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, r->pattern, item);
        }
        char method[16];
        size_t n = 0;
        for (; r->method[n] && n + 1 < sizeof method; n++)
            method[n] = (char)(r->method[n] | 0x20);
        method[n] = '\0';
        json_object_set_new(item, method, operation(r));
    }
    json_t *problem = json_pack(
        "{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}}}}, s:[s, s, s, s]}",
        "type", "object", "properties", "type", "type", "string", "title", "type", "string", "status", "type",
        "integer", "detail", "type", "string", "errors", "type", "array", "items", "type", "object", "properties",
        "field", "type", "string", "message", "type", "string", "row", "type", "integer", "required", "type", "title",
        "status", "detail");
    /* What an import's answer adds: the count of row errors when only the
     * first ones are listed, and the caps it reads within. */
    json_t *props = json_object_get(problem, "properties");
    json_object_set_new(props, "errors_total",
                        json_pack("{s:s, s:s}", "type", "integer", "description", "Số lỗi tất cả (khi chỉ liệt kê một phần)"));
    json_object_set_new(props, "limits",
                        json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}}", "type", "object", "properties", "columns", "type",
                                  "integer", "rows", "type", "integer", "errors_listed", "type", "integer"));
    json_object_set_new(json_object_get(json_object_get(json_object_get(props, "errors"), "items"), "properties"),
                        "line", json_pack("{s:s}", "type", "integer"));
    json_t *doc = json_pack(
        "{s:s, s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:[{s:s}], s:o, s:{s:{s:o}, s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}},"
        " s:[{s:[]}, {s:[]}]}",
        "openapi", "3.1.0", "info", "title", "thidua API", "version", "1",
        "description", "Theo dõi phong trào thi đua và công tác khen thưởng của một cơ quan.", "license", "name",
        "Proprietary", "identifier", "LicenseRef-Proprietary",
        "servers", "url", "/", "paths", paths, "components", "schemas", "Problem", problem, "securitySchemes",
        "bearerAuth", "type", "http", "scheme", "bearer", "cookieAuth", "type", "apiKey", "in", "cookie", "name",
        "thidua_session", "security", "bearerAuth", "cookieAuth");
    json_object_set_new(json_object_get(json_object_get(json_object_get(doc, "components"), "securitySchemes"), "cookieAuth"),
                        "description",
                        json_string("Phiên trong cookie HttpOnly, SameSite=Strict của trang quản trị (POST /sessions với"
                                    " use_cookie). Khi cài đặt phục vụ HTTPS (cookie_secure = true), tên cookie là"
                                    " __Host-thidua_session, có Secure."));
    json_object_set_new(json_object_get(doc, "components"), "responses", error_responses());
    json_object_set_new(json_object_get(json_object_get(doc, "components"), "schemas"), "Health", health_schema());
    char *text = jsontext_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}

const char *openapi_document(void)
{
    static char *doc;
    if (!doc)
        doc = build();
    return doc ? doc : "{}";
}
