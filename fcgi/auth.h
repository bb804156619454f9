/* auth.h — users, sessions and roles.
 * Passwords are Argon2id hashes (libsodium); session tokens are 256 random
 * bits of which only a BLAKE2b hash is stored. One helper decides what a
 * role may do (auth_allows) and one which objects a user may touch
 * (auth_scope: its agency, and a unit_head's unit); the pipeline asks both
 * from the route table before any handler runs. */
#ifndef THIDUA_AUTH_H
#define THIDUA_AUTH_H
#include <stdbool.h>
#include <stddef.h>

#include "http.h"
#include "router.h"

typedef enum { ROLE_ADMIN, ROLE_OFFICE, ROLE_UNIT_HEAD, ROLE_COUNCIL, ROLE_DIRECTOR, ROLE_VIEWER, ROLE_COUNT } user_role;

enum { AUTH_TOKEN_HEX = 64, AUTH_HASH_HEX = 64 };

const char *auth_role_name(int role);
int auth_role_parse(const char *name); /* -1 when unknown */

struct config;

/* Process start. auth_init, for `thidua serve`: libsodium, then the dummy
 * hash (auth_dummy_hash), made once in the master before it forks its
 * workers, so that no login pays for it. auth_init_cli: libsodium only,
 * for a process that hashes passwords but takes no logins (`thidua
 * user`). 0, or -1 (libsodium failed, or no memory for the hash). */
int auth_init(void);
int auth_init_cli(void);
/* An Argon2id hash of a random password that nobody knows. A login that
 * must fail without a real hash to verify (an unknown user, a locked
 * account) verifies against it, so every failure costs one hash. Made by
 * auth_init; a process that did not call it makes it on first use. */
const char *auth_dummy_hash(void);
/* Argon2id hash into out (crypto_pwhash_STRBYTES); 0 or -1 (out of memory). */
int auth_hash_password(const char *password, char *out, size_t outlen);
bool auth_verify_password(const char *hash, const char *password);
/* New random token (hex, 64 chars + NUL) and its stored hash (hex). */
void auth_new_token(char token[AUTH_TOKEN_HEX + 1], char hash[AUTH_HASH_HEX + 1]);
void auth_token_hash(const char *token, char hash[AUTH_HASH_HEX + 1]);
/* Are two secrets (tokens) equal? In time that does not depend on where
 * they differ (only on their lengths). */
bool auth_token_equal(const char *a, const char *b);

/* The session cookie. cfg->cookie_secure off (the local stack, plain
 * HTTP on loopback): thidua_session. On (production, HTTPS):
 * __Host-thidua_session with Secure, which a browser takes only from
 * HTTPS, for this host alone (no Domain) and Path=/. Either way HttpOnly
 * and SameSite=Strict. The server reads only the name it sets.
 * auth_session_cookie: the Set-Cookie value holding token for max_age
 * seconds, or (token NULL) the one that clears it; in mem. cfg may be NULL
 * (the defaults). */
const char *auth_cookie_name(const struct config *cfg);
const char *auth_session_cookie(arena *mem, const struct config *cfg, const char *token, long max_age);

/* Finds the session of the request (Bearer token, else the session
 * cookie of auth_cookie_name) and sets req->user. Returns 0, 401 (none or expired) or 503. */
int auth_authenticate(request *req);
/* auth_authenticate, with the answer when it fails: 0, or -1 with res
 * answered 401 (WWW-Authenticate: Bearer), 503 (the database is down) or
 * 500. res is left alone on success. */
int auth_require(request *req, response *res);
bool auth_allows(const session_user *user, access_level level);

/* ROUTE_SESSION_IN_QUERY: the handler's first query joins the session.
 * auth_session_hash: the request's token hash (hex) as the SQL parameter,
 * or -1 with res answered 401 when the request carries no token.
 * AUTH_SESSION_JOIN(param): a LEFT JOIN giving the AUTH_SESSION_COLUMNS
 * (all NULL when the session is unknown or expired), for a query whose
 * FROM always gives one row. auth_accept: from those columns at col of
 * row 0, sets req->user and checks the route's access; 0, or -1 with res
 * answered 401 or 403. The same rules as auth_authenticate. */
int auth_session_hash(request *req, response *res, const char **hash);
#define AUTH_SESSION_JOIN(param)                                                                       \
    " LEFT JOIN LATERAL (SELECT u.id AS auth_user_id, u.username AS auth_username, u.role AS auth_role," \
    " u.unit_id AS auth_unit_id, s.csrf_token AS auth_csrf, u.agency_id AS auth_agency_id"                     \
    " FROM sessions s JOIN users u ON u.id = s.user_id"                                                  \
    " WHERE s.token_hash = " param " AND s.expires_at > now() AND u.active) auth ON true "
/* In a query with AUTH_SESSION_JOIN: may the session's user reach rows of
 * the agency in col? (auth_in_agency's rule.) */
#define AUTH_SESSION_AGENCY_ALLOWS(col) \
    " ((auth.auth_role = 'admin' AND auth.auth_agency_id IS NULL) OR auth.auth_agency_id = " col ") "
#define AUTH_SESSION_COLUMNS \
    " auth.auth_user_id, auth.auth_username, auth.auth_role, auth.auth_unit_id, auth.auth_csrf, auth.auth_agency_id "
enum { AUTH_SESSION_NCOLUMNS = 6 };
struct db_result;
int auth_accept(request *req, response *res, const struct db_result *r, int col);
/* Where an object sits: in an agency (agency_id; 0 when the caller does
 * not know it), in one of its units or of the agency as a whole (unit_id
 * 0), or an agency root itself (root: its agency_id is its own id). */
typedef struct object_scope {
    long long agency_id;
    long long unit_id;
    bool root;
    bool container; /* the request reads from or adds to it, without changing it: only its agency counts */
} object_scope;

/* The one answer to "may this user touch this object" (api.md, "Agencies"):
 * - an object of another agency does not exist for the user: 404 with
 *   missing (the installation admin, an admin with no agency, reaches
 *   every agency; a user with no agency reaches none);
 * - reads (GET) of an object of the user's agency are open to every role
 *   the route lets in, and so is adding to a container;
 * - a write to an agency root is the installation admin's only (403);
 * - a unit_head writes only objects of its own unit (403).
 * 0 if allowed; else res answered and -1. */
int auth_scope(request *req, response *res, const object_scope *object, const char *missing);
/* May u reach rows of agency_id at all? The rule of auth_scope's 404, for
 * checks made row by row; AUTH_SESSION_AGENCY_ALLOWS is the same in SQL. */
bool auth_in_agency(const session_user *u, long long agency_id);
/* The agency that lists are filtered by, as an SQL parameter: NULL for
 * the installation admin (every agency), else the user's agency ("0",
 * which matches no row, for a user without one). In req->mem. */
const char *auth_agency_param(request *req);
/* The one unit that u's writes are confined to (a unit_head's), or 0 when
 * u may write every unit its role reaches. For checks made row by row
 * (an import) after the route's scope. */
long long auth_confined_unit(const session_user *u);
/* auth_scope for an object of unit_id of the user's agency (0: of the
 * agency as a whole). */
int auth_unit_scope(request *req, response *res, long long unit_id);
/* The route's declared scope (route.scope): finds the object of the path,
 * the unit or agency a body names and the agency a query names, and asks
 * auth_scope; then, when the scope names a member statement, whether the
 * user is one of the object's members (403 when not). An object shared by
 * several agencies (route_scope.shared) is read from any of them (else
 * 404) and written by the installation admin only (403). 0, or -1 with res
 * answered (404, 403, 422 for a body naming another agency's unit as if
 * it did not exist, 503). */
int auth_route_scope(request *req, response *res);

#endif
