/* api/sessions.c — logging in and out. A session is a bearer token, or the
 * same token in an HttpOnly cookie for the dashboard (with a CSRF token the
 * page sends back on writes; the cookie's name and attributes:
 * auth_session_cookie). Every login, failed login and logout leaves an
 * audit_log row (its shape: sql/migrations/0008_session_audit.sql): a
 * login's and a logout's in the transaction that opens or closes the
 * session, a failed login's in one of its own.
 *
 * Logins are throttled per username, beside nginx's limit per address
 * (sql/migrations/0010_login_throttle.sql): login_max_failures failures
 * within login_window lock the name for login_lockout seconds, doubled for
 * each lockout in a row up to login_lockout_max. A locked name answers 429
 * with Retry-After without its password being looked at; `thidua user
 * unlock` lifts it, a successful login clears the count. A name that is
 * no account is counted and locked the same way, and every failure
 * (unknown, wrong password, locked) verifies one Argon2id hash and writes
 * once, so none tells whether the account exists. */
#include "api/resources.h"

#include <sodium.h>

static const field_def login_fields[] = {
    {"username", FT_STRING, F_REQUIRED, 1, 64, NULL, "Tên đăng nhập"},
    {"password", FT_JSON, F_REQUIRED, 0, 0, NULL, "Mật khẩu (chuỗi)"},
    {"use_cookie", FT_BOOL, 0, 0, 0, NULL, "true: giữ phiên trong cookie HttpOnly (trang quản trị); token không trả về"},
    {0},
};
enum { L_USERNAME, L_PASSWORD, L_COOKIE };

/* The active account of username $1 (its columns NULL when there is none)
 * and the seconds its lockout has left (NULL when not locked): always one
 * row. */
static const db_stmt STMT_USER = {
    "sessions_user",
    "SELECT u.id, u.password_hash, u.role, u.unit_id, u.agency_id,"
    " ceil(extract(epoch FROM t.locked_until - now()))::bigint"
    " FROM (SELECT $1::text AS name) n"
    " LEFT JOIN users u ON u.username = n.name AND u.active"
    " LEFT JOIN login_throttle t ON t.username = n.name AND t.locked_until > now()"};
enum { U_ID, U_HASH, U_ROLE, U_UNIT, U_AGENCY, U_LOCKED };
/* $5 the username: a login clears its failures. */
static const db_stmt STMT_CREATE = {
    "sessions_create",
    "WITH gone AS (DELETE FROM sessions WHERE user_id = $2 AND expires_at < now()),"
    " cleared AS (DELETE FROM login_throttle WHERE username = $5)"
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

/* A failed login of username $1, counted by login_failure with the
 * thresholds $5..$8 (login_max_failures, login_window, login_lockout,
 * login_lockout_max) and audited ($2 the account or NULL, $3 the client,
 * $4 why); when it locks the name, a 'lockout' row too. Gives the seconds
 * of the lockout it started, 0 when none. One statement, one round trip. */
static const db_stmt STMT_FAILED = {
    "sessions_failed",
    "WITH f AS (SELECT public.login_failure($1, $5::int, $6::int, $7::int, $8::int) AS locked_for),"
    " a AS (INSERT INTO audit_log (action, entity, entity_id, after)"
    " SELECT 'login_failed', 'users', $2::bigint,"
    " jsonb_strip_nulls(jsonb_build_object('username', $1::text, 'address', $3::text, 'reason', $4::text))"
    " UNION ALL SELECT 'lockout', 'users', $2::bigint,"
    " jsonb_strip_nulls(jsonb_build_object('username', $1::text, 'address', $3::text, 'seconds', f.locked_for))"
    " FROM f WHERE f.locked_for > 0)"
    " SELECT locked_for FROM f"};

/* 429 for a name locked for seconds more, with Retry-After. */
static void locked(request *req, response *res, long long seconds)
{
    if (seconds < 1)
        seconds = 1;
    long long minutes = (seconds + 59) / 60;
    http_problem(res, 429,
                 arena_printf(req->mem,
                              "Tài khoản tạm khóa vì đăng nhập sai nhiều lần. Thử lại sau %lld %s, hoặc nhờ quản trị"
                              " viên mở khóa.",
                              seconds < 60 ? seconds : minutes, seconds < 60 ? "giây" : "phút"));
    http_set_header(res, "Retry-After", api_itoa(req, seconds));
}

/* Answers a login that failed: counts it against the name (a locked name
 * is not counted again: it was not tried) and audits it; 401, or 429 once
 * the name is locked. */
static void failed(request *req, response *res, const char *username, const char *account, const char *reason,
                   long long locked_for)
{
    if (locked_for > 0) {
        if (audit(req, "login_failed", NULL, account, username, reason) != 0)
            api_db_error(req, res);
        else
            locked(req, res, locked_for);
        return;
    }
    const config *c = req->cfg;
    const char *p[] = {username, account, req->remote_addr, reason, api_itoa(req, c->login_max_failures),
                       api_itoa(req, c->login_window), api_itoa(req, c->login_lockout), api_itoa(req, c->login_lockout_max)};
    db_result *r = db_run(req->db, &STMT_FAILED, 8, p);
    if (!r)
        api_db_error(req, res);
    else if (db_int(r, 0, 0) > 0)
        locked(req, res, db_int(r, 0, 0));
    else
        http_problem(res, 401, "Sai tên đăng nhập hoặc mật khẩu.");
    db_free(r);
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
    const char *username = v[L_USERNAME].s;
    char token[AUTH_TOKEN_HEX + 1] = "", hash[AUTH_HASH_HEX + 1], csrf[AUTH_TOKEN_HEX + 1], csrf_hash[AUTH_HASH_HEX + 1];
    db_result *s = NULL;
    const char *p[] = {username};
    db_result *u = db_run(req->db, &STMT_USER, 1, p);
    if (!u) {
        api_db_error(req, res);
        goto done;
    }
    bool found = db_value(u, 0, U_ID) != NULL;
    long long locked_for = db_value(u, 0, U_LOCKED) ? db_int(u, 0, U_LOCKED) : 0;
    const char *account = db_value(u, 0, U_ID);
    /* One hash whatever happens: the account's, unless there is none or
     * it is locked (its password is then not looked at). */
    bool check = found && locked_for <= 0;
    bool ok = auth_verify_password(check ? db_value(u, 0, U_HASH) : auth_dummy_hash(), password) && check;
    if (!ok) {
        failed(req, res, username, account, locked_for > 0 ? "locked" : found ? "wrong_password" : "unknown_user",
               locked_for);
        goto done;
    }
    auth_new_token(token, hash);
    auth_new_token(csrf, csrf_hash);
    const char *cp[] = {hash, account, csrf, api_itoa(req, req->cfg->session_ttl), username};
    if (db_begin(req->db, db_int(u, 0, U_ID)) != 0) {
        api_db_error(req, res);
        goto done;
    }
    s = db_run(req->db, &STMT_CREATE, 5, cp);
    if (!s || audit(req, "login", account, account, username, NULL) != 0 || db_commit(req->db) != 0) {
        api_db_error(req, res);
        goto done;
    }
    req->write_session = arena_strdup(req->mem, hash);
    bool cookie = v[L_COOKIE].present && v[L_COOKIE].b;
    json_t *user = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_int(u, 0, U_ID), "username", username, "role",
                             db_value(u, 0, U_ROLE));
    json_object_set_new(user, "unit_id", db_value(u, 0, U_UNIT) ? json_integer(db_int(u, 0, U_UNIT)) : json_null());
    json_object_set_new(user, "agency_id",
                        db_value(u, 0, U_AGENCY) ? json_integer(db_int(u, 0, U_AGENCY)) : json_null());
    json_t *body = json_pack("{s:s?, s:s, s:s, s:o}", "token", cookie ? NULL : token, "expires_at",
                             db_value(s, 0, 0), "csrf_token", csrf, "user", user);
    if (cookie)
        http_set_header(res, "Set-Cookie", auth_session_cookie(req->mem, req->cfg, token, req->cfg->session_ttl));
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
        http_set_header(res, "Set-Cookie", auth_session_cookie(req->mem, req->cfg, NULL, 0));
    http_empty(res, 204);
}

const route sessions_routes[] = {
    {"POST", "/api/v1/sessions", login, ACCESS_PUBLIC, BODY_JSON, "Đăng nhập: tạo phiên", login_fields, ROUTE_THROTTLED, NULL,
     NULL},
    {"GET", "/api/v1/sessions/current", current, ACCESS_READ, BODY_NONE, "Phiên hiện tại và người dùng", NULL, 0, NULL, NULL},
    {"DELETE", "/api/v1/sessions/current", logout, ACCESS_READ, BODY_NONE, "Đăng xuất", NULL, 0, NULL, NULL},
    {0},
};
