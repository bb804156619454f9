/* client.h — what the API tests share: real HTTP through nginx with
 * libcurl, direct SQL on the test database with libpq for set-up and
 * checks, users made with `thidua user add`. Settings come from the
 * environment tests/run.sh exports (THIDUA_URL, THIDUA_TEST_DB,
 * THIDUA_CONFIG_FILE, THIDUA_BIN_PATH, THIDUA_VAR).
 * Every t_* function aborts the test (cmocka fail) on a transport error.
 * Results are owned by the caller: t_free for responses, free for strings. */
#ifndef THIDUA_TEST_CLIENT_H
#define THIDUA_TEST_CLIENT_H
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

typedef struct t_resp {
    long status;
    char *body;
    size_t len;
    char *headers;  /* raw response headers */
    json_t *json;   /* parsed body, NULL when not JSON */
} t_resp;

void t_init(void);                      /* once per program */
const char *t_url(void);                /* base URL, e.g. http://127.0.0.1:18080 */
/* A unique suffix for names and codes of this run (program + pid). */
const char *t_unique(void);

t_resp *t_request(const char *method, const char *path, const char *token, const char *content_type,
                  const char *body, size_t len);
t_resp *t_get(const char *path, const char *token);
/* GET with one more request header, e.g. "If-None-Match: \"x\"". */
t_resp *t_get_with(const char *path, const char *token, const char *header_line);
t_resp *t_post(const char *path, const char *token, const char *json);
t_resp *t_patch(const char *path, const char *token, const char *json);
t_resp *t_delete(const char *path, const char *token);
/* printf-style path helpers */
t_resp *t_getf(const char *token, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *t_header(const t_resp *r, const char *name); /* value of a response header, NULL if absent (static buffer) */
void t_free(t_resp *r);

/* Asserts a problem+json answer with the status, and (when field is not
 * NULL) an errors[] entry naming the field. */
void t_assert_problem(const t_resp *r, long status, const char *field);
/* Asserts r->status == status, printing the body when not. */
void t_assert_status(const t_resp *r, long status);

/* Users: creates (or resets) a user through the CLI; returns a session
 * token (malloc'd). unit_code may be NULL; agency_code disambiguates it. */
char *t_user(const char *username, const char *role, const char *unit_code, const char *agency_code);
char *t_login(const char *username, const char *password);

/* SQL on the test database: runs sql with text params; returns the first
 * column of the first row (malloc'd) or NULL. Fails the test on error. */
char *t_sql(const char *sql, int nparams, const char *const *params);
long long t_sql_int(const char *sql, int nparams, const char *const *params);

/* JSON helpers */
long long t_json_int(const json_t *obj, const char *key);
const char *t_json_str(const json_t *obj, const char *key);

/* Creates an agency (admin token) with a unique code; returns its id. */
long long t_make_agency(const char *admin_token, const char *code_prefix, char *code_out, size_t code_cap);

#endif
