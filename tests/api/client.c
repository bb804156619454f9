#include "client.h"

#include <curl/curl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *base_url;
static const char *db_url;
static PGconn *conn;
static char unique[64];

static const char *env_or_fail(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v) {
        fprintf(stderr, "%s is not set: run the API tests through tests/run.sh\n", name);
        exit(2);
    }
    return v;
}

void t_init(void)
{
    base_url = env_or_fail("THIDUA_URL");
    db_url = env_or_fail("THIDUA_TEST_DB");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(unique, sizeof unique, "%ld%ld", (long)getpid(), (long)(time(NULL) % 100000));
    atexit(curl_global_cleanup);
}

const char *t_url(void)
{
    return base_url;
}

const char *t_unique(void)
{
    return unique;
}

typedef struct buf {
    char *p;
    size_t len;
} buf;

static size_t collect(char *data, size_t size, size_t n, void *userp)
{
    buf *b = userp;
    size_t add = size * n;
    char *np = realloc(b->p, b->len + add + 1);
    if (!np)
        return 0;
    b->p = np;
    memcpy(b->p + b->len, data, add);
    b->len += add;
    b->p[b->len] = '\0';
    return add;
}

static t_resp *request(const char *method, const char *path, const char *token, const char *content_type,
                       const char *body, size_t len, const char *extra_header)
{
    CURL *c = curl_easy_init();
    assert_non_null(c);
    char url[4096];
    snprintf(url, sizeof url, "%s%s", base_url, path);
    buf b = {calloc(1, 1), 0}, h = {calloc(1, 1), 0};
    struct curl_slist *hdrs = NULL;
    char line[512];
    if (token) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", token);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", content_type);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (extra_header)
        hdrs = curl_slist_append(hdrs, extra_header);
    hdrs = curl_slist_append(hdrs, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
    t_resp *r = calloc(1, sizeof *r);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    r->body = b.p;
    r->len = b.len;
    r->headers = h.p;
    r->json = json_loadb(b.p, b.len, 0, NULL);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return r;
}

t_resp *t_request(const char *method, const char *path, const char *token, const char *content_type,
                  const char *body, size_t len)
{
    return request(method, path, token, content_type, body, len, NULL);
}

t_resp *t_get_with(const char *path, const char *token, const char *header_line)
{
    return request("GET", path, token, NULL, NULL, 0, header_line);
}

t_resp *t_get(const char *path, const char *token)
{
    return t_request("GET", path, token, NULL, NULL, 0);
}

t_resp *t_getf(const char *token, const char *fmt, ...)
{
    char path[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    return t_get(path, token);
}

t_resp *t_post(const char *path, const char *token, const char *json)
{
    return t_request("POST", path, token, "application/json", json, strlen(json));
}

t_resp *t_patch(const char *path, const char *token, const char *json)
{
    return t_request("PATCH", path, token, "application/json", json, strlen(json));
}

t_resp *t_delete(const char *path, const char *token)
{
    return t_request("DELETE", path, token, NULL, NULL, 0);
}

const char *t_header(const t_resp *r, const char *name)
{
    static char value[1024];
    size_t n = strlen(name);
    const char *line = r->headers;
    while (line && *line) {
        const char *end = strstr(line, "\r\n");
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            size_t vlen = len - (size_t)(v - line);
            if (vlen >= sizeof value)
                vlen = sizeof value - 1;
            memcpy(value, v, vlen);
            value[vlen] = '\0';
            return value;
        }
        line = end ? end + 2 : NULL;
    }
    return NULL;
}

void t_free(t_resp *r)
{
    if (!r)
        return;
    json_decref(r->json);
    free(r->body);
    free(r->headers);
    free(r);
}

void t_assert_status(const t_resp *r, long status)
{
    if (r->status != status)
        fail_msg("expected HTTP %ld, got %ld: %s", status, r->status, r->body);
}

void t_assert_problem(const t_resp *r, long status, const char *field)
{
    t_assert_status(r, status);
    const char *ct = t_header(r, "Content-Type");
    if (!ct || strncmp(ct, "application/problem+json", 24) != 0)
        fail_msg("expected application/problem+json, got %s: %s", ct ? ct : "(none)", r->body);
    assert_non_null(r->json);
    assert_int_equal(json_integer_value(json_object_get(r->json, "status")), status);
    assert_non_null(json_string_value(json_object_get(r->json, "title")));
    assert_non_null(json_string_value(json_object_get(r->json, "type")));
    assert_non_null(json_string_value(json_object_get(r->json, "detail")));
    if (!field)
        return;
    json_t *errors = json_object_get(r->json, "errors");
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e) {
        const char *f = json_string_value(json_object_get(e, "field"));
        if (f && strcmp(f, field) == 0)
            return;
    }
    fail_msg("no error names field '%s': %s", field, r->body);
}

static void run_cli(const char *args, const char *stdin_text)
{
    const char *bin = env_or_fail("THIDUA_BIN_PATH");
    const char *cfg = env_or_fail("THIDUA_CONFIG_FILE");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' --config '%s' %s >/dev/null", bin, cfg, args);
    FILE *p = popen(cmd, "w");
    assert_non_null(p);
    fputs(stdin_text, p);
    int rc = pclose(p);
    if (rc != 0)
        fail_msg("command failed (%d): %s", rc, cmd);
}

char *t_login(const char *username, const char *password)
{
    char body[512];
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
    t_resp *r = t_post("/api/v1/sessions", NULL, body);
    t_assert_status(r, 201);
    char *token = strdup(json_string_value(json_object_get(r->json, "token")));
    t_free(r);
    return token;
}

char *t_user(const char *username, const char *role, const char *unit_code, const char *agency_code)
{
    char args[512];
    snprintf(args, sizeof args, "user add '%s' --role %s%s%s%s%s", username, role, unit_code ? " --unit " : "",
             unit_code ? unit_code : "", agency_code ? " --agency " : "", agency_code ? agency_code : "");
    run_cli(args, "test-password-1\n");
    return t_login(username, "test-password-1");
}

static PGconn *db(void)
{
    if (!conn) {
        conn = PQconnectdb(db_url);
        if (PQstatus(conn) != CONNECTION_OK)
            fail_msg("test database: %s", PQerrorMessage(conn));
    }
    return conn;
}

char *t_sql(const char *sql, int nparams, const char *const *params)
{
    PGresult *r = PQexecParams(db(), sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(conn));
        PQclear(r);
        PQfinish(conn);
        conn = NULL;
        fail_msg("SQL failed: %s\n%s", sql, msg);
    }
    char *out = NULL;
    if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        out = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return out;
}

long long t_sql_int(const char *sql, int nparams, const char *const *params)
{
    char *v = t_sql(sql, nparams, params);
    long long n = v ? strtoll(v, NULL, 10) : 0;
    free(v);
    return n;
}

long long t_json_int(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        fail_msg("'%s' is not an integer", key);
    return json_integer_value(v);
}

const char *t_json_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

long long t_make_agency(const char *admin_token, const char *code_prefix, char *code_out, size_t code_cap)
{
    snprintf(code_out, code_cap, "%s%s", code_prefix, unique);
    char body[512];
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"name\":\"Sở thử nghiệm %s\",\"kind\":\"agency\"}", code_out, code_out);
    t_resp *r = t_post("/api/v1/units", admin_token, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}
