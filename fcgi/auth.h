/* auth.h — users, sessions and roles.
 * Passwords are Argon2id hashes (libsodium); session tokens are 256 random
 * bits of which only a BLAKE2b hash is stored. One helper decides what a
 * role may do (auth_allows) and one what unit a unit_head may write
 * (auth_unit_scope): every handler goes through them. */
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

int auth_init(void); /* sodium_init; 0 or -1 */
/* Argon2id hash into out (crypto_pwhash_STRBYTES); 0 or -1 (out of memory). */
int auth_hash_password(const char *password, char *out, size_t outlen);
bool auth_verify_password(const char *hash, const char *password);
/* New random token (hex, 64 chars + NUL) and its stored hash (hex). */
void auth_new_token(char token[AUTH_TOKEN_HEX + 1], char hash[AUTH_HASH_HEX + 1]);
void auth_token_hash(const char *token, char hash[AUTH_HASH_HEX + 1]);

/* Finds the session of the request (Bearer token, else the session
 * cookie) and sets req->user. Returns 0, 401 (none or expired) or 503. */
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
    " u.unit_id AS auth_unit_id, s.csrf_token AS auth_csrf FROM sessions s JOIN users u ON u.id = s.user_id" \
    " WHERE s.token_hash = " param " AND s.expires_at > now() AND u.active) auth ON true "
#define AUTH_SESSION_COLUMNS " auth.auth_user_id, auth.auth_username, auth.auth_role, auth.auth_unit_id, auth.auth_csrf "
enum { AUTH_SESSION_NCOLUMNS = 5 };
struct db_result;
int auth_accept(request *req, response *res, const struct db_result *r, int col);
/* Where an object sits: above every agency (an agency root, the admin's
 * to write), or in an agency, as a whole (unit_id 0) or in one unit. */
typedef struct object_scope {
    bool installation;
    long long agency_id; /* 0 when not known to the caller */
    long long unit_id;   /* 0: the agency as a whole */
} object_scope;

/* The one answer to "may this user touch this object": reads (GET) are
 * open to every role the route lets in; a write to an object above every
 * agency is the admin's only; a unit_head writes only in its own unit;
 * admin and office write every unit. 0 if allowed; else 403 in res, -1.
 * (Agency confinement, issue 10, is to be added here.) */
int auth_scope(request *req, response *res, const object_scope *object);
/* The one unit that u's writes are confined to (a unit_head's), or 0 when
 * u may write every unit its role reaches. For checks made row by row
 * (an import) after the route's scope. */
long long auth_confined_unit(const session_user *u);
/* auth_scope for an object of unit_id (0: of the agency as a whole). */
int auth_unit_scope(request *req, response *res, long long unit_id);
/* The route's declared scope (route.scope): finds the object of the path
 * and the unit a body names, and asks auth_scope. 0, or -1 with res
 * filled (404 when the path names no object, 403, 503). */
int auth_route_scope(request *req, response *res);

#endif
