/* api/common.h — what every resource handler shares: validated bodies,
 * pagination, database errors turned into problem+json, JSON produced by
 * SQL passed through. All results live in the request's arena. */
#ifndef THIDUA_API_COMMON_H
#define THIDUA_API_COMMON_H
#include <stdbool.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "fields.h"
#include "http.h"
#include "router.h"

/* Validates req->json against defs into vals (fields_count(defs) long,
 * caller's array). 0, or -1 with a 422 naming every bad field in res. */
int api_body(request *req, response *res, const field_def *defs, field_val *vals, bool patch);

/* ?limit= (default 50, max 1000) and ?offset=, as text for SQL parameters.
 * 0, or -1 with a 400 in res. */
int api_page(request *req, response *res, const char **limit, const char **offset);
/* An optional positive integer query parameter as text (NULL when absent).
 * 0, or -1 with a 400 naming it. */
int api_query_id(request *req, response *res, const char *name, const char **out);
/* An optional date query parameter (YYYY-MM-DD). 0, or -1 with a 400. */
int api_query_date(request *req, response *res, const char *name, const char **out);
/* An optional query parameter from a list of choices. 0, or -1 with a 400. */
int api_query_enum(request *req, response *res, const char *name, const char *const *choices, const char **out);

/* Fills res from the last database error: 503, 409, 422 (naming the field
 * the constraint is about) or 500. Rolls back an open transaction. */
void api_db_error(request *req, response *res);

/* Runs st; expects one row whose first column is JSON text, answered with
 * status. No row → 404 with not_found. Returns 0 when answered 2xx. */
int api_json_row(request *req, response *res, const db_stmt *st, int n, const char *const *p, int status,
                 const char *not_found);

/* Starts a write: transaction with the acting user. 0 or -1 (res filled). */
int api_begin(request *req, response *res);
/* Commits; 0 or -1 (res filled from the error). */
int api_commit(request *req, response *res);

/* PATCH as validate-then-merge: checks req->json in patch mode against
 * defs, then overlays it on current (a JSON object text of the stored row;
 * keys not in defs are dropped) and validates the whole again as a create
 * would, into vals. 0, or -1 with res filled (422). */
int api_patch_merge(request *req, response *res, const field_def *defs, const char *current, field_val *vals);

/* Ends a write in the open transaction: runs st, commits and answers.
 * With location_fmt (e.g. "/api/v1/units/%lld"), st is an INSERT returning
 * (id, json) and the answer is 201 with Location; without, st returns
 * (json) and the answer is 200. Returns 0 when answered 2xx; on failure
 * res is filled and the transaction rolled back. */
int api_write_commit(request *req, response *res, const db_stmt *st, int n, const char *const *p,
                     const char *location_fmt);
/* In the open transaction, runs st (a SELECT ... FOR UPDATE by id). The
 * locked row, which the caller frees with db_free; or NULL with res filled
 * (404 with not_found when no row) and the transaction rolled back. */
db_result *api_lock_row(request *req, response *res, const db_stmt *st, const char *id, const char *not_found);

/* "/api/v1/units/12" into Location. */
void api_location(request *req, response *res, const char *fmt, long long id);

/* Text of a long long, in the arena. */
const char *api_itoa(request *req, long long v);

#endif
