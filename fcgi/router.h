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
struct db_stmt;

typedef void (*handler_fn)(request *req, response *res);

typedef enum {
    ACCESS_PUBLIC,   /* no session */
    ACCESS_READ,     /* any role */
    ACCESS_DATA,     /* admin, office, unit_head (the handler checks unit scope) */
    ACCESS_OFFICE,   /* admin, office */
    ACCESS_ADMIN,    /* admin */
    ACCESS_DIRECTOR, /* admin, director */
    ACCESS_COUNCIL,  /* admin, council */
    ACCESS_DECIDE,   /* admin, office, director: recording decisions (ratings, titles, ranks) */
    ACCESS_BALLOT    /* council, director: casting a council ballot (an admin is never a council member; the
                      * route's scope says which members, route_scope.member) */
} access_level;

typedef enum { BODY_NONE, BODY_JSON, BODY_CSV, BODY_JSON_OR_CSV } body_kind;

enum {
    ROUTE_NO_DB = 1,           /* the handler runs even while the database is down */
    /* GET routes read often (the scorecard): the handler checks the session
     * in its own first query (auth_session_hash, AUTH_SESSION_JOIN,
     * auth_accept), saving the worker's separate session query: one round
     * trip to the database instead of two. The pipeline answers 500 for such
     * a route whose handler answered 2xx/3xx without accepting a session. */
    ROUTE_SESSION_IN_QUERY = 2,
    /* May answer 429 with Retry-After: logins (a locked account; nginx
     * limits them per address too). */
    ROUTE_THROTTLED = 4,
    /* A GET whose document exists only in some states of its object (a
     * dossier, minutes, an eligibility whose award left the rules) and
     * answers 409 otherwise: its OpenAPI operation lists the 409. */
    ROUTE_READ_CONFLICT = 8,
    /* A GET that only reads: it may be served by a streaming replica
     * (database_read_url) under read-your-writes (dbroute.h says when).
     * Its answer says which database served it (Thidua-Database). The
     * handler must write nothing through req->db: a hot standby refuses
     * writes (what it must still write goes through req->primary). */
    ROUTE_REPLICA_OK = 16
};

/* What a null body unit (route_scope.body_unit given as null) stands for. */
typedef enum {
    SCOPE_NULL_AGENCY,       /* the agency as a whole: not a unit_head's */
    SCOPE_NULL_INSTALLATION  /* above every agency (a new agency root): the installation admin's only */
} scope_null;

/* Where the objects a request touches sit; the pipeline finds them and
 * asks auth_scope (auth.h says the rules) before the handler runs.
 * object: a statement of one parameter, the path's first {id}, giving one
 * row (agency_id, unit_id or NULL for the agency as a whole[, is_root]).
 * No row: 404 with `missing`, as for an object of another agency.
 * container: the object is what the request reads from or adds to (a
 * campaign for /campaigns/{id}/tasks): only its agency counts.
 * body_unit: a body field (FT_ID) naming the unit a write puts the object
 * in, checked when the body gives it (a PATCH may leave it out); a null
 * means what body_unit_null says; a unit of another agency is answered
 * like a unit that does not exist (422 naming the field).
 * body_agency: a body field (FT_ID) naming the agency a new object is of;
 * another agency is answered like one that does not exist (422).
 * query_agency: a query parameter naming an agency; another one is a 404.
 * member: membership of the object, checked after it is found (so an
 * object of another agency is still a 404): a statement of two
 * parameters, the path's first {id} and the session user's id, giving a
 * row when the user may act as one of the object's members. No row: 403
 * with not_member. The council's ballots use it: "a member of the
 * session, and once it has opened, one marked present" (api/council.c);
 * a member of a session that has not opened yet passes and hears the
 * handler's 409, a non-member or an absent member never reaches it.
 * shared: an object that no one agency owns but several share (a bloc,
 * Khối thi đua, and its member agencies): a statement of one parameter,
 * the path's first {id}, giving the agencies that share it, one a row
 * (column 0). A read reaches it from any of them (auth_in_agency: the
 * installation admin from all); otherwise, or with no row at all, 404
 * with `missing`. A write is the installation admin's only (403), as an
 * agency root is; on a path without {id} (a create) only that rule
 * applies and the statement is not run. */
typedef struct route_scope {
    const struct db_stmt *object;
    const char *missing;
    bool container;
    const char *body_unit;
    scope_null body_unit_null;
    const char *body_agency;
    const char *query_agency;
    const struct db_stmt *member;
    const char *not_member;
    const struct db_stmt *shared;
} route_scope;

typedef struct route {
    const char *method;
    const char *pattern;
    handler_fn handler;
    access_level access;
    body_kind body;
    const char *summary;             /* for the OpenAPI document */
    const struct field_def *fields;  /* JSON body fields, NULL-name terminated, or NULL */
    int flags;
    /* Query parameters, NULL-name terminated, or NULL for none: validated
     * into req->query_vals (same order) before the handler; any other
     * parameter is a 400. A list starts with API_QUERY_PAGE (api/common.h). */
    const struct field_def *query;
    const route_scope *scope;        /* NULL: nothing to confine beyond the roles */
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

/* Validates req->query against req->route->query into req->query_vals
 * (allocated in req->mem; one per declared parameter, absent ones null).
 * Every problem is reported at once, each naming its parameter: an
 * unknown or repeated parameter, a bad escape or a bad value answer 400;
 * when the only problems are required parameters left out, 422.
 * Returns 0, or -1 with res filled. */
int router_query(request *req, response *res);

#endif
