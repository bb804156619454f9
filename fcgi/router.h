/* router.h — the route table: one line per route (method, path pattern,
 * handler, who may call it, what body it takes). Patterns are literal
 * segments, {id} (a positive integer, into req->path_ids) and {code} (any
 * segment, into req->path_words). Resource files export their routes as a
 * group ending with {0}; routes.c lists the groups. */
#ifndef THIDUA_ROUTER_H
#define THIDUA_ROUTER_H
#include <stdbool.h>
#include <stddef.h>

#include "http.h"

struct field_def;

typedef void (*handler_fn)(request *req, response *res);

typedef enum {
    ACCESS_PUBLIC,   /* no session */
    ACCESS_READ,     /* any role */
    ACCESS_DATA,     /* admin, office, unit_head (the handler checks unit scope) */
    ACCESS_OFFICE,   /* admin, office */
    ACCESS_ADMIN,    /* admin */
    ACCESS_DIRECTOR, /* admin, director */
    ACCESS_COUNCIL,  /* admin, council */
    ACCESS_DECIDE    /* admin, office, director: recording decisions (ratings, titles, ranks) */
} access_level;

typedef enum { BODY_NONE, BODY_JSON, BODY_CSV, BODY_JSON_OR_CSV } body_kind;

enum {
    ROUTE_NO_DB = 1,           /* the handler runs even while the database is down */
    /* GET routes read often (the scorecard): the handler checks the session
     * in its own first query (auth_session_hash, AUTH_SESSION_JOIN,
     * auth_accept), saving the worker's separate session query: one round
     * trip to the database instead of two. The worker answers 500 for such
     * a route whose handler answered 2xx/3xx without accepting a session. */
    ROUTE_SESSION_IN_QUERY = 2
};

typedef struct route {
    const char *method;
    const char *pattern;
    handler_fn handler;
    access_level access;
    body_kind body;
    const char *summary;             /* for the OpenAPI document */
    const struct field_def *fields;  /* JSON body fields, NULL-name terminated, or NULL */
    int flags;
} route;

/* Each resource's routes end with an empty entry ({0}); route_groups
 * lists them, ending with NULL. */
extern const route *const route_groups[];

size_t router_count(void);
const route *router_at(size_t index); /* index < router_count() */
size_t router_index(const route *r);

typedef enum { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD } route_match;
/* Finds the route for method and path; fills req path ids and words.
 * With ROUTE_BAD_METHOD, allow gets the methods the path does take
 * ("GET, POST"), allocated in req->mem. */
route_match router_find(request *req, const route **found, const char **allow);
/* Matches one pattern against a path. On a match, fills the {id} values
 * into ids and the decoded {code} segments (allocated in mem) into words;
 * ids and words may be NULL, mem may not. {id} is 1..18 digits without a
 * leading zero; {code} is a non-empty segment without a bad escape or %00
 * ('+' stays '+'). */
bool router_match(const char *pattern, const char *path, long long *ids, const char **words, arena *mem);

#endif
