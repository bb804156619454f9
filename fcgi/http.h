/* http.h — a parsed request and the response a handler fills.
 * Nothing here knows FastCGI: worker.c builds the request from it (the
 * body through http_read_body) and writes the response back. Everything a
 * request or response points to lives in the request's arena and is freed
 * when the request ends. */
#ifndef THIDUA_HTTP_H
#define THIDUA_HTTP_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

struct db;
struct config;
struct route;
struct field_val;

/* Where a body comes from: reads up to n bytes into buf and returns how
 * many, 0 at the end, or < 0 on an error (taken as the end). */
typedef int (*http_body_reader)(void *ctx, char *buf, int n);

typedef struct session_user {
    long long id;
    const char *username;
    int role;            /* enum role, auth.h */
    long long unit_id;   /* 0 when none */
    long long agency_id; /* 0: none (the installation's admin; any other user without one reaches nothing) */
    const char *token_hash_hex;
    const char *csrf;    /* the session's CSRF token (cookie sessions) */
    bool via_cookie;
} session_user;

typedef struct request {
    arena *mem;
    const char *method;
    const char *path;            /* without the query string */
    const char *query;           /* raw, "" when none */
    const char *content_type;    /* "" when none */
    long long content_length;    /* -1 when absent */
    const char *body;            /* NUL-terminated copy; NULL when none was read */
    size_t body_len;
    http_body_reader body_from;  /* where the body is still to be read from (the worker's FastCGI
                                  * stdin), or NULL: the pipeline reads it only once the session,
                                  * role and CSRF token have let the request in (pipeline.h) */
    void *body_ctx;              /* body_from's */
    json_t *json;                /* parsed JSON body (routes taking JSON); owned by the worker */
    const char *remote_addr;
    char **env;                  /* FastCGI parameters, NAME=value */
    long long path_ids[4];       /* {id} segments of the matched route, in order */
    const char *path_words[4];   /* {code} segments of the matched route, in order */
    const struct route *route;
    const struct field_val *query_vals; /* the route's declared query parameters, validated (route.query order) */
    const struct field_val *body_vals;  /* the JSON body against route.fields, validated by the pipeline, or NULL */
    session_user *user;          /* NULL until authenticated */
    const char *write_session;   /* token hash of a session this request opened (a login): the
                                  * pipeline stores its write position (dbroute.h) */
    struct db *db;               /* the database the handler reads (a replica for some GETs) */
    struct db *primary;          /* the primary's connection: writes a replica's reader still makes */
    const struct config *cfg;
} request;

typedef struct http_field {
    const char *name, *value;
    struct http_field *next;
} http_field;

typedef struct response {
    int status;
    const char *content_type;
    const char *body;
    size_t body_len;
    http_field *headers;
    arena *mem;
} response;

/* Request helpers. */
const char *http_header(const request *req, const char *name); /* NULL when absent */
const char *http_query(const request *req, const char *key);   /* decoded, NULL when absent */
const char *http_cookie(const request *req, const char *name); /* NULL when absent */
bool http_content_type_is(const request *req, const char *mime);
/* Does an If-None-Match value (NULL when absent) name etag, a quoted
 * entity tag? Weak comparison (RFC 9110 13.1.2): W/"x" names "x" too, as
 * nginx marks a tag weak when it compresses the body; "*" names any. */
bool http_etag_matches(const char *if_none_match, const char *etag);
/* Does method carry a body? Only POST, PATCH and PUT do here. */
bool http_method_has_body(const char *method);

/* Reads req's body through reader into req->body and req->body_len
 * (NUL-terminated, in req->mem). Reads and allocates nothing for a method
 * without a body or a Content-Length of 0. With a Content-Length, takes
 * that many bytes in one buffer; without one, grows its buffer by doubling
 * from a few KiB, never to more than limit + 1. Returns 0, or -1 with res
 * answered 413 when the body (declared or read) is larger than limit. */
int http_read_body(request *req, response *res, size_t limit, http_body_reader reader, void *ctx);

/* Response helpers: each sets status, content type and body. */
void http_set_header(response *res, const char *name, const char *value); /* copies both */
void http_json(response *res, int status, json_t *body);                 /* steals body */
void http_json_text(response *res, int status, const char *json);      /* copies */
void http_json_arena(response *res, int status, const char *json);     /* json lives in res->mem: not copied */
void http_text(response *res, int status, const char *ctype, const char *body, size_t len); /* copies */
/* The Content-Type line's value for a response of type ctype: text types
 * (text/...) and JSON (application/json, application/...+json) get
 * "; charset=utf-8" unless they name a charset already; any other type (a
 * PDF, a workbook, octets) is binary and goes as it is. Into buf (n bytes,
 * NUL-terminated). */
void http_content_type_line(const char *ctype, char *buf, size_t n);
void http_empty(response *res, int status);
/* problem+json (RFC 9457). errors (may be NULL) is stolen. */
void http_problem(response *res, int status, const char *detail);
void http_problem_errors(response *res, int status, const char *detail, json_t *errors);
/* The same with extension members (RFC 9457 3.2): each member of members
 * (an object, may be NULL; stolen) is added to the problem. */
void http_problem_members(response *res, int status, const char *detail, json_t *errors, json_t *members);
/* 503 with Retry-After: 5, for a database that is down for now. */
void http_unavailable(response *res);
/* Shorthand for a 422 naming one field. */
void http_field_error(response *res, int status, const char *field, const char *message);

const char *http_reason(int status);

/* Percent-decoding of a query component ('+' is a space); returns NULL on
 * a bad escape or %00. */
char *http_url_decode(arena *a, const char *s, size_t len);
/* The same for a path segment, where '+' is itself (RFC 3986). */
char *http_path_decode(arena *a, const char *s, size_t len);

#endif
