/* api/sessions.c — logging in and out. A session is a bearer token, or the
 * same token in an HttpOnly cookie for the dashboard (with a CSRF token the
 * page sends back on writes). Every login, failed login and logout leaves an
 * audit_log row (its shape: sql/migrations/0008_session_audit.sql): a
 * login's and a logout's in the transaction that opens or closes the
 * session, a failed login's in one of its own. */
#include "api/resources.h"

#include <sodium.h>

static const field_def login_fields[] = {
    {"username", FT_STRING, F_REQUIRED, 1, 64, NULL, "Tên đăng nhập"},
    {"password", FT_JSON, F_REQUIRED, 0, 0, NULL, "Mật khẩu (chuỗi)"},
    {"use_cookie", FT_BOOL, 0, 0, 0, NULL, "true: giữ phiên trong cookie HttpOnly (trang quản trị); token không trả về"},
    {0},
};
enum { L_USERNAME, L_PASSWORD, L_COOKIE };

static const db_stmt STMT_USER = {
    "sessions_user", "SELECT id, password_hash, role, unit_id, agency_id FROM users WHERE username = $1 AND active"};
static const db_stmt STMT_CREATE = {
    "sessions_create",
    "WITH gone AS (DELETE FROM sessions WHERE user_id = $2 AND expires_at < now())"
    " INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at)"
    " VALUES ($1, $2, $3, now() + make_interval(secs => $4::int))"
    " RETURNING to_char(expires_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM')"};
static const db_stmt STMT_DELETE = {"sessions_delete", "DELETE FROM sessions WHERE token_hash = $1"};
/* $1 who acted (NULL: nobody authenticated), $2 the action, $3 the account
 * (NULL: none), $4 the username as given, $5 the client, $6 why it failed. */
static const db_stmt STMT_AUDIT = {
    "sessions_audit",
    "INSERT INTO audit_log (user_id, action, entity, entity_id, after)"
    " VALUES ($1::bigint, $2, 'users', $3::bigint,"
    " jsonb_strip_nulls(jsonb_build_object('username', $4::text, 'address', $5::text, 'reason', $6::text)))"};

/* Writes one session audit row; 0, or -1 with the error in req->db. */
static int audit(request *req, const char *action, const char *actor, const char *account, const char *username,
                 const char *reason)
{
    const char *p[] = {actor, action, account, username, req->remote_addr, reason};
    db_result *r = db_run(req->db, &STMT_AUDIT, 6, p);
    int rc = r ? 0 : -1;
    db_free(r);
    return rc;
}

/* An Argon2id hash of a random password: verified against when the user
 * does not exist, so both failures take the same time. */
static const char *dummy_hash(void)
{
    static char hash[crypto_pwhash_STRBYTES];
    if (!hash[0]) {
        char pw[32];
        randombytes_buf(pw, sizeof pw - 1);
        for (size_t i = 0; i < sizeof pw - 1; i++)
            pw[i] = (char)('a' + ((unsigned char)pw[i] % 26));
        pw[sizeof pw - 1] = '\0';
        auth_hash_password(pw, hash, sizeof hash);
    }
    return hash;
}

static void login(request *req, response *res)
{
    field_val v[3];
    if (api_body(req, res, login_fields, v, false) != 0)
        return;
    if (!json_is_string(v[L_PASSWORD].j) || json_string_length(v[L_PASSWORD].j) > 1024) {
        http_field_error(res, 422, "password", "phải là chuỗi không quá 1024 ký tự");
        return;
    }
    const char *password = json_string_value(v[L_PASSWORD].j);
    char token[AUTH_TOKEN_HEX + 1] = "", hash[AUTH_HASH_HEX + 1], csrf[AUTH_TOKEN_HEX + 1], csrf_hash[AUTH_HASH_HEX + 1];
    db_result *s = NULL;
    const char *p[] = {v[L_USERNAME].s};
    db_result *u = db_run(req->db, &STMT_USER, 1, p);
    if (!u) {
        api_db_error(req, res);
        goto done;
    }
    bool found = db_rows(u) == 1;
    bool ok = auth_verify_password(found ? db_value(u, 0, 1) : dummy_hash(), password) && found;
    const char *account = found ? db_value(u, 0, 0) : NULL;
    if (!ok) {
        /* Both failures cost the same round trip, as they cost the same hash. */
        if (audit(req, "login_failed", NULL, account, v[L_USERNAME].s, found ? "wrong_password" : "unknown_user") != 0)
            api_db_error(req, res);
        else
            http_problem(res, 401, "Sai tên đăng nhập hoặc mật khẩu.");
        goto done;
    }
    auth_new_token(token, hash);
    auth_new_token(csrf, csrf_hash);
    const char *cp[] = {hash, account, csrf, api_itoa(req, req->cfg->session_ttl)};
    if (db_begin(req->db, db_int(u, 0, 0)) != 0) {
        api_db_error(req, res);
        goto done;
    }
    s = db_run(req->db, &STMT_CREATE, 4, cp);
    if (!s || audit(req, "login", account, account, v[L_USERNAME].s, NULL) != 0 || db_commit(req->db) != 0) {
        api_db_error(req, res);
        goto done;
    }
    bool cookie = v[L_COOKIE].present && v[L_COOKIE].b;
    json_t *user = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_int(u, 0, 0), "username", v[L_USERNAME].s,
                             "role", db_value(u, 0, 2));
    json_object_set_new(user, "unit_id", db_value(u, 0, 3) ? json_integer(db_int(u, 0, 3)) : json_null());
    json_object_set_new(user, "agency_id", db_value(u, 0, 4) ? json_integer(db_int(u, 0, 4)) : json_null());
    json_t *body = json_pack("{s:s?, s:s, s:s, s:o}", "token", cookie ? NULL : token, "expires_at",
                             db_value(s, 0, 0), "csrf_token", csrf, "user", user);
    if (cookie)
        http_set_header(res, "Set-Cookie",
                        arena_printf(req->mem, "thidua_session=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict",
                                     token, req->cfg->session_ttl));
    http_set_header(res, "Location", "/api/v1/sessions/current");
    http_json(res, 201, body);
done:
    sodium_memzero(token, sizeof token);
    db_free(s);
    db_free(u);
}

static void current(request *req, response *res)
{
    json_t *user = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)req->user->id, "username", req->user->username,
                             "role", auth_role_name(req->user->role));
    json_object_set_new(user, "unit_id", req->user->unit_id ? json_integer(req->user->unit_id) : json_null());
    json_object_set_new(user, "agency_id", req->user->agency_id ? json_integer(req->user->agency_id) : json_null());
    json_t *body = json_pack("{s:o}", "user", user);
    /* A cookie session's page may have lost its CSRF token (a new tab, a
     * reload in another window): it reads it back here. Another origin
     * cannot read this answer, so the token stays the page's. */
    if (req->user->via_cookie)
        json_object_set_new(body, "csrf_token", json_string(req->user->csrf));
    http_json(res, 200, body);
}

static void logout(request *req, response *res)
{
    const char *p[] = {req->user->token_hash_hex};
    const char *id = api_itoa(req, req->user->id);
    if (api_begin(req, res) != 0)
        return;
    db_result *r = db_run(req->db, &STMT_DELETE, 1, p);
    bool ok = r && audit(req, "logout", id, id, req->user->username, NULL) == 0;
    db_free(r);
    if (!ok) {
        api_db_error(req, res);
        return;
    }
    if (api_commit(req, res) != 0)
        return;
    if (req->user->via_cookie)
        http_set_header(res, "Set-Cookie", "thidua_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    http_empty(res, 204);
}

const route sessions_routes[] = {
    {"POST", "/api/v1/sessions", login, ACCESS_PUBLIC, BODY_JSON, "Đăng nhập: tạo phiên", login_fields, 0, NULL, NULL},
    {"GET", "/api/v1/sessions/current", current, ACCESS_READ, BODY_NONE, "Phiên hiện tại và người dùng", NULL, 0, NULL, NULL},
    {"DELETE", "/api/v1/sessions/current", logout, ACCESS_READ, BODY_NONE, "Đăng xuất", NULL, 0, NULL, NULL},
    {0},
};
