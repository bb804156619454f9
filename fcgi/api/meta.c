/* api/meta.c — health, the OpenAPI document and Prometheus metrics. */
#include "api/resources.h"

#include <unistd.h>

#include "dbroute.h"
#include "metrics.h"
#include "openapi.h"

#ifndef THIDUA_VERSION
#define THIDUA_VERSION "0.1.0"
#endif

/* The service, its primary database (an answer 503 when down) and each
 * read replica of this worker (dbroute.h: state, replay position, lag
 * behind the primary in bytes of WAL), with the worker that answered:
 * behind an upstream of several hosts, each answer is one worker's view. */
static void health(request *req, response *res)
{
    bool up;
    json_t *databases = dbroute_health(req->db, &up);
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    json_t *body = json_pack("{s:s, s:s, s:s, s:o, s:{s:I, s:s}}", "status", up ? "ok" : "error", "database",
                             up ? "ok" : "down", "version", THIDUA_VERSION, "databases", databases, "worker", "pid",
                             (json_int_t)getpid(), "host", host);
    http_json(res, up ? 200 : 503, body);
    if (!up)
        http_set_header(res, "Retry-After", "5");
}

static void openapi(request *req, response *res)
{
    (void)req;
    http_json_text(res, 200, openapi_document());
}

static void metrics(request *req, response *res)
{
    const char *text = metrics_render(req->mem);
    http_text(res, 200, "text/plain; version=0.0.4", text, strlen(text));
}

const route meta_routes[] = {
    {"GET", "/api/v1/health", health, ACCESS_PUBLIC, BODY_NONE, "Tình trạng dịch vụ và cơ sở dữ liệu", NULL, ROUTE_NO_DB, NULL, NULL},
    {"GET", "/api/v1/openapi.json", openapi, ACCESS_PUBLIC, BODY_NONE, "Mô tả OpenAPI 3.1 của API", NULL, ROUTE_NO_DB, NULL, NULL},
    {"GET", "/metrics", metrics, ACCESS_PUBLIC, BODY_NONE, "Số liệu Prometheus (nginx chỉ mở cho loopback)", NULL, ROUTE_NO_DB, NULL, NULL},
    {0},
};
