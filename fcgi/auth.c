#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "db.h"

static const char *const role_names[ROLE_COUNT] = {"admin", "office", "unit_head", "council", "director", "viewer"};

const char *auth_role_name(int role)
{
    return role >= 0 && role < ROLE_COUNT ? role_names[role] : "unknown";
}

int auth_role_parse(const char *name)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (strcmp(role_names[i], name) == 0)
            return i;
    return -1;
}

int auth_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

int auth_hash_password(const char *password, char *out, size_t outlen)
{
    if (outlen < crypto_pwhash_STRBYTES)
        return -1;
    return crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                 crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
}

bool auth_verify_password(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void auth_token_hash(const char *token, char hash[AUTH_HASH_HEX + 1])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(hash, AUTH_HASH_HEX + 1, h, sizeof h);
}

void auth_new_token(char token[AUTH_TOKEN_HEX + 1], char hash[AUTH_HASH_HEX + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, AUTH_TOKEN_HEX + 1, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    auth_token_hash(token, hash);
}

static const db_stmt STMT_SESSION = {
    "auth_session",
    "SELECT u.id, u.username, u.role, u.unit_id, s.csrf_token"
    "  FROM sessions s JOIN users u ON u.id = s.user_id"
    " WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active"};

static const char *bearer_token(const request *req)
{
    const char *h = http_header(req, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return h;
}

/* The request's token (Bearer, else the session cookie) hashed into hash;
 * false when there is none of the right form. */
static bool token_hash_of(const request *req, char hash[AUTH_HASH_HEX + 1], bool *via_cookie)
{
    *via_cookie = false;
    const char *token = bearer_token(req);
    if (!token) {
        token = http_cookie(req, "thidua_session");
        *via_cookie = token != NULL;
    }
    if (!token || strlen(token) != AUTH_TOKEN_HEX)
        return false;
    auth_token_hash(token, hash);
    return true;
}

/* req->user from the session columns (id, username, role, unit_id, csrf)
 * at col of row 0; false when the id is NULL (no such session). */
static bool user_from(request *req, const db_result *r, int col, const char *hash, bool via_cookie)
{
    if (db_rows(r) != 1 || !db_value(r, 0, col))
        return false;
    session_user *u = arena_alloc(req->mem, sizeof *u);
    u->id = db_int(r, 0, col);
    u->username = arena_strdup(req->mem, db_value(r, 0, col + 1));
    u->role = auth_role_parse(db_value(r, 0, col + 2));
    u->unit_id = db_int(r, 0, col + 3);
    u->csrf = arena_strdup(req->mem, db_value(r, 0, col + 4) ? db_value(r, 0, col + 4) : "");
    u->token_hash_hex = arena_strdup(req->mem, hash);
    u->via_cookie = via_cookie;
    req->user = u;
    return true;
}

int auth_authenticate(request *req)
{
    bool via_cookie;
    char hash[AUTH_HASH_HEX + 1];
    if (!token_hash_of(req, hash, &via_cookie))
        return 401;
    const char *p[] = {hash};
    db_result *r = db_run(req->db, &STMT_SESSION, 1, p);
    if (!r)
        return db_last_error(req->db)->status == DB_DOWN ? 503 : 500;
    int status = user_from(req, r, 0, hash, via_cookie) ? 0 : 401;
    db_free(r);
    return status;
}

static void unauthenticated(response *res)
{
    http_problem(res, 401, "Cần đăng nhập (phiên không có, sai hoặc đã hết hạn).");
    http_set_header(res, "WWW-Authenticate", "Bearer");
}

int auth_require(request *req, response *res)
{
    int st = auth_authenticate(req);
    if (st == 0)
        return 0;
    if (st == 401)
        unauthenticated(res);
    else if (st == 503)
        http_unavailable(res);
    else
        http_problem(res, 500, "Lỗi máy chủ.");
    return -1;
}

int auth_session_hash(request *req, response *res, const char **hash)
{
    bool via_cookie;
    char h[AUTH_HASH_HEX + 1];
    if (!token_hash_of(req, h, &via_cookie)) {
        unauthenticated(res);
        return -1;
    }
    *hash = arena_strdup(req->mem, h);
    return 0;
}

int auth_accept(request *req, response *res, const db_result *r, int col)
{
    bool via_cookie;
    char hash[AUTH_HASH_HEX + 1];
    if (!token_hash_of(req, hash, &via_cookie) || !user_from(req, r, col, hash, via_cookie)) {
        unauthenticated(res);
        return -1;
    }
    if (req->route && !auth_allows(req->user, req->route->access)) {
        http_problem(res, 403, arena_printf(req->mem, "Vai trò %s không được thực hiện thao tác này.",
                                            auth_role_name(req->user->role)));
        return -1;
    }
    return 0;
}

bool auth_allows(const session_user *user, access_level level)
{
    if (level == ACCESS_PUBLIC)
        return true;
    if (!user)
        return false;
    switch (level) {
    case ACCESS_READ:
        return true;
    case ACCESS_DATA:
        return user->role == ROLE_ADMIN || user->role == ROLE_OFFICE || user->role == ROLE_UNIT_HEAD;
    case ACCESS_OFFICE:
        return user->role == ROLE_ADMIN || user->role == ROLE_OFFICE;
    case ACCESS_ADMIN:
        return user->role == ROLE_ADMIN;
    case ACCESS_DIRECTOR:
        return user->role == ROLE_ADMIN || user->role == ROLE_DIRECTOR;
    case ACCESS_COUNCIL:
        return user->role == ROLE_ADMIN || user->role == ROLE_COUNCIL;
    case ACCESS_DECIDE:
        return user->role == ROLE_ADMIN || user->role == ROLE_OFFICE || user->role == ROLE_DIRECTOR;
    default:
        return false;
    }
}

long long auth_confined_unit(const session_user *u)
{
    /* A unit_head with no unit (not allowed by users_unit_head_unit) is
     * confined to nothing: -1 matches no unit. */
    if (u && u->role == ROLE_UNIT_HEAD)
        return u->unit_id ? u->unit_id : -1;
    return 0;
}

int auth_scope(request *req, response *res, const object_scope *object)
{
    const session_user *u = req->user;
    bool write = strcmp(req->method, "GET") != 0;
    const char *refusal = NULL;
    if (!u)
        refusal = "Cần đăng nhập.";
    else if (!write || u->role == ROLE_ADMIN)
        refusal = NULL;
    else if (object->installation)
        refusal = "Chỉ quản trị viên được tạo, đổi hoặc xóa cơ quan gốc.";
    else if (auth_confined_unit(u) && object->unit_id != auth_confined_unit(u))
        refusal = "Bạn chỉ được ghi dữ liệu của đơn vị mình.";
    if (!refusal)
        return 0;
    http_problem(res, 403, refusal);
    return -1;
}

int auth_unit_scope(request *req, response *res, long long unit_id)
{
    object_scope object = {false, 0, unit_id};
    return auth_scope(req, res, &object);
}

/* The object of the path, by the route's statement. 0, or -1 with res
 * filled (404, 503). */
static int path_object(request *req, response *res, const route_scope *scope, object_scope *object)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", req->path_ids[0]);
    const char *p[] = {id};
    db_result *r = db_run(req->db, scope->object, 1, p);
    if (!r) {
        if (db_last_error(req->db)->status == DB_DOWN)
            http_unavailable(res);
        else
            http_problem(res, 500, "Lỗi máy chủ khi truy cập dữ liệu.");
        return -1;
    }
    int rows = db_rows(r);
    if (rows) {
        object->installation = db_value(r, 0, 0) == NULL;
        object->agency_id = db_int(r, 0, 0);
        object->unit_id = db_int(r, 0, 1);
    }
    db_free(r);
    if (rows == 0)
        http_problem(res, 404, scope->missing);
    return rows ? 0 : -1;
}

/* The unit a JSON body puts the object in, when the body says. A field
 * left out of a POST is null; left out of a PATCH, it is not changed.
 * false when there is no JSON body (a DELETE) or it does not name a unit
 * (or not as an id: the handler's validation answers that). */
static bool body_unit(const request *req, const route_scope *scope, object_scope *object)
{
    if (!req->json)
        return false;
    json_t *v = json_object_get(req->json, scope->body_unit);
    bool patch = strcmp(req->method, "PATCH") == 0;
    if (json_is_null(v) || (!v && !patch)) {
        *object = (object_scope){scope->body_unit_null == SCOPE_NULL_INSTALLATION, 0, 0};
        return true;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 1)
        return false;
    *object = (object_scope){false, 0, (long long)json_integer_value(v)};
    return true;
}

int auth_route_scope(request *req, response *res)
{
    const route_scope *scope = req->route ? req->route->scope : NULL;
    object_scope object;
    if (!scope)
        return 0;
    if (scope->object && (path_object(req, res, scope, &object) != 0 || auth_scope(req, res, &object) != 0))
        return -1;
    if (scope->body_unit && body_unit(req, scope, &object) && auth_scope(req, res, &object) != 0)
        return -1;
    return 0;
}
