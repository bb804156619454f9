#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "db.h"
#include "fields.h"

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

static char dummy[crypto_pwhash_STRBYTES];

/* Hashes 31 random letters into dummy; 0 or -1 (out of memory). */
static int make_dummy_hash(void)
{
    char pw[32];
    randombytes_buf(pw, sizeof pw - 1);
    for (size_t i = 0; i < sizeof pw - 1; i++)
        pw[i] = (char)('a' + ((unsigned char)pw[i] % 26));
    pw[sizeof pw - 1] = '\0';
    int rc = auth_hash_password(pw, dummy, sizeof dummy);
    sodium_memzero(pw, sizeof pw);
    return rc;
}

int auth_init_cli(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

int auth_init(void)
{
    if (auth_init_cli() != 0)
        return -1;
    return dummy[0] ? 0 : make_dummy_hash();
}

const char *auth_dummy_hash(void)
{
    if (!dummy[0])
        make_dummy_hash(); /* on failure dummy stays empty: verifying fails, as it must */
    return dummy;
}

const char *auth_cookie_name(const config *cfg)
{
    return cfg && cfg->cookie_secure ? "__Host-thidua_session" : "thidua_session";
}

const char *auth_session_cookie(arena *mem, const config *cfg, const char *token, long max_age)
{
    return arena_printf(mem, "%s=%s; Path=/; Max-Age=%ld; %sHttpOnly; SameSite=Strict", auth_cookie_name(cfg),
                        token ? token : "", token ? max_age : 0L, cfg && cfg->cookie_secure ? "Secure; " : "");
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

bool auth_token_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
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
    "SELECT u.id, u.username, u.role, u.unit_id, s.csrf_token, u.agency_id"
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
        token = http_cookie(req, auth_cookie_name(req->cfg));
        *via_cookie = token != NULL;
    }
    if (!token || strlen(token) != AUTH_TOKEN_HEX)
        return false;
    auth_token_hash(token, hash);
    return true;
}

/* req->user from the session columns (id, username, role, unit_id, csrf,
 * agency_id) at col of row 0; false when the id is NULL (no such session). */
static bool user_from(request *req, const db_result *r, int col, const char *hash, bool via_cookie)
{
    if (db_rows(r) != 1 || !db_value(r, 0, col))
        return false;
    session_user *u = arena_alloc(req->mem, sizeof *u);
    u->id = db_int(r, 0, col);
    u->username = arena_strdup(req->mem, db_value(r, 0, col + 1));
    u->role = auth_role_parse(db_value(r, 0, col + 2));
    u->unit_id = db_int(r, 0, col + 3);
    u->agency_id = db_int(r, 0, col + 5);
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
    case ACCESS_BALLOT:
        return user->role == ROLE_COUNCIL || user->role == ROLE_DIRECTOR;
    default:
        return false;
    }
}

bool auth_in_agency(const session_user *u, long long agency_id)
{
    if (!u)
        return false;
    if (u->role == ROLE_ADMIN && u->agency_id == 0)
        return true; /* the installation's admin */
    return u->agency_id != 0 && u->agency_id == agency_id;
}

const char *auth_agency_param(request *req)
{
    const session_user *u = req->user;
    if (u && u->role == ROLE_ADMIN && u->agency_id == 0)
        return NULL;
    return arena_printf(req->mem, "%lld", u ? u->agency_id : 0);
}

long long auth_confined_unit(const session_user *u)
{
    /* A unit_head with no unit (not allowed by users_unit_head_unit) is
     * confined to nothing: -1 matches no unit. */
    if (u && u->role == ROLE_UNIT_HEAD)
        return u->unit_id ? u->unit_id : -1;
    return 0;
}

int auth_scope(request *req, response *res, const object_scope *object, const char *missing)
{
    const session_user *u = req->user;
    bool write = strcmp(req->method, "GET") != 0;
    long long confined = auth_confined_unit(u);
    if (object->agency_id && !auth_in_agency(u, object->agency_id)) {
        http_problem(res, 404, missing ? missing : "Không có đối tượng này.");
        return -1;
    }
    const char *refusal = NULL;
    if (!u)
        refusal = "Cần đăng nhập.";
    else if (!write || object->container)
        refusal = NULL;
    else if (object->root && !(u->role == ROLE_ADMIN && u->agency_id == 0))
        refusal = "Chỉ quản trị viên hệ thống được tạo, đổi hoặc xóa cơ quan gốc.";
    else if (confined && object->unit_id != confined)
        refusal = "Bạn chỉ được ghi dữ liệu của đơn vị mình.";
    if (!refusal)
        return 0;
    http_problem(res, 403, refusal);
    return -1;
}

int auth_unit_scope(request *req, response *res, long long unit_id)
{
    object_scope object = {0, unit_id, false, false};
    return auth_scope(req, res, &object, NULL);
}

/* Runs a scope statement (one id parameter). 1 with *object filled, 0
 * when there is no row, -1 with res answered (503, 500). */
static int find_object(request *req, response *res, const db_stmt *st, long long id, object_scope *object)
{
    char text[24];
    snprintf(text, sizeof text, "%lld", id);
    const char *p[] = {text};
    db_result *r = db_run(req->db, st, 1, p);
    if (!r) {
        if (db_last_error(req->db)->status == DB_DOWN)
            http_unavailable(res);
        else
            http_problem(res, 500, "Lỗi máy chủ khi truy cập dữ liệu.");
        return -1;
    }
    int rows = db_rows(r);
    if (rows) {
        object->agency_id = db_int(r, 0, 0);
        object->unit_id = db_int(r, 0, 1);
        object->root = db_cols(r) > 2 && db_value(r, 0, 2) && db_value(r, 0, 2)[0] == 't';
    }
    db_free(r);
    return rows > 0;
}

/* A unit named in a body: its agency, itself, and whether it is a root. */
static const db_stmt STMT_UNIT_SCOPE = {
    "auth_unit_scope", "SELECT agency_id, id, kind = 'agency' FROM units WHERE id = $1"};

/* The id a body gives for field (a PATCH may leave it out; a POST that
 * leaves it out gives null). 1 with *id (0 for null), 0 when there is
 * nothing to check (no JSON body, left out of a PATCH, not an id: the
 * handler's validation answers that). */
static int body_id(const request *req, const char *field, long long *id)
{
    if (!req->json)
        return 0;
    json_t *v = json_object_get(req->json, field);
    if (json_is_null(v) || (!v && strcmp(req->method, "PATCH") != 0)) {
        *id = 0;
        return 1;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 1)
        return 0;
    *id = (long long)json_integer_value(v);
    return 1;
}

/* The unit a body puts the object in: within the user's scope. */
static int check_body_unit(request *req, response *res, const route_scope *scope)
{
    long long id;
    if (body_id(req, scope->body_unit, &id) == 0)
        return 0;
    object_scope unit = {0, 0, scope->body_unit_null == SCOPE_NULL_INSTALLATION, false};
    if (id) {
        int found = find_object(req, res, &STMT_UNIT_SCOPE, id, &unit);
        if (found <= 0)
            return found; /* no such unit: the handler's validation says so */
        if (!auth_in_agency(req->user, unit.agency_id)) {
            /* In a container (a campaign), the handler checks the unit is
             * of the container's agency, with every other rule of the
             * body: this unit fails there like one that does not exist. */
            if (scope->container)
                return 0;
            http_field_error(res, 422, scope->body_unit, "Đơn vị không tồn tại.");
            return -1;
        }
        unit.root = false; /* a unit under a root is not a root */
    }
    return auth_scope(req, res, &unit, NULL);
}

/* The agency a body makes a new object of: the user's. */
static int check_body_agency(request *req, response *res, const route_scope *scope)
{
    long long id;
    if (body_id(req, scope->body_agency, &id) == 0 || id == 0 || auth_in_agency(req->user, id))
        return 0;
    http_field_error(res, 422, scope->body_agency, "Cơ quan không tồn tại.");
    return -1;
}

/* The agency a query names: the user's, else as if there were none. */
static int check_query_agency(request *req, response *res, const route_scope *scope)
{
    const field_def *q = req->route->query;
    for (int i = 0; q && q[i].name; i++) {
        if (strcmp(q[i].name, scope->query_agency) != 0 || req->query_vals[i].null)
            continue;
        if (!auth_in_agency(req->user, req->query_vals[i].i)) {
            http_problem(res, 404, "Không có cơ quan này.");
            return -1;
        }
    }
    return 0;
}

/* Membership of the path's object (route_scope.member): a row for (the
 * path's first id, the user's id), else 403 with not_member. */
static int check_member(request *req, response *res, const route_scope *scope)
{
    char id[24], user[24];
    snprintf(id, sizeof id, "%lld", req->path_ids[0]);
    snprintf(user, sizeof user, "%lld", req->user ? req->user->id : 0);
    const char *p[] = {id, user};
    db_result *r = db_run(req->db, scope->member, 2, p);
    if (!r) {
        if (db_last_error(req->db)->status == DB_DOWN)
            http_unavailable(res);
        else
            http_problem(res, 500, "Lỗi máy chủ khi truy cập dữ liệu.");
        return -1;
    }
    int rows = db_rows(r);
    db_free(r);
    if (rows > 0)
        return 0;
    http_problem(res, 403, scope->not_member ? scope->not_member : "Bạn không phải thành viên của đối tượng này.");
    return -1;
}

static bool installation_admin(const session_user *u)
{
    return u && u->role == ROLE_ADMIN && u->agency_id == 0;
}

/* An object several agencies share (route_scope.shared): read from any
 * of them, written by the installation admin only. */
static int check_shared(request *req, response *res, const route_scope *scope)
{
    const session_user *u = req->user;
    if (req->path_ids[0]) {
        char id[24];
        snprintf(id, sizeof id, "%lld", req->path_ids[0]);
        const char *p[] = {id};
        db_result *r = db_run(req->db, scope->shared, 1, p);
        if (!r) {
            if (db_last_error(req->db)->status == DB_DOWN)
                http_unavailable(res);
            else
                http_problem(res, 500, "Lỗi máy chủ khi truy cập dữ liệu.");
            return -1;
        }
        bool reached = false;
        for (int i = 0; i < db_rows(r) && !reached; i++)
            reached = auth_in_agency(u, db_int(r, i, 0));
        db_free(r);
        if (!reached) {
            http_problem(res, 404, scope->missing ? scope->missing : "Không có đối tượng này.");
            return -1;
        }
    }
    if (strcmp(req->method, "GET") != 0 && !installation_admin(u)) {
        http_problem(res, 403, "Chỉ quản trị viên hệ thống được tạo hoặc sửa đối tượng dùng chung của nhiều cơ quan.");
        return -1;
    }
    return 0;
}

int auth_route_scope(request *req, response *res)
{
    const route_scope *scope = req->route ? req->route->scope : NULL;
    if (!scope)
        return 0;
    if (scope->query_agency && check_query_agency(req, res, scope) != 0)
        return -1;
    if (scope->shared && check_shared(req, res, scope) != 0)
        return -1;
    if (scope->object) {
        object_scope object = {0, 0, false, scope->container};
        int found = find_object(req, res, scope->object, req->path_ids[0], &object);
        if (found < 0)
            return -1;
        if (found == 0) {
            http_problem(res, 404, scope->missing);
            return -1;
        }
        if (auth_scope(req, res, &object, scope->missing) != 0)
            return -1;
        if (scope->member && check_member(req, res, scope) != 0)
            return -1;
    }
    if (scope->body_agency && check_body_agency(req, res, scope) != 0)
        return -1;
    if (scope->body_unit && check_body_unit(req, res, scope) != 0)
        return -1;
    return 0;
}
