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

/* The first two query parameters of every list (route.query), in this
 * order: ?limit= (1..1000, default 50) and ?offset= (default 0). A list's
 * own parameters follow, numbered from API_Q_FIRST. */
#define API_QUERY_PAGE                                                                              \
    {"limit", FT_INT, 0, 1, 1000, NULL, "Số mục tối đa của trang (mặc định 50)"},                   \
    {"offset", FT_INT, 0, 0, 100000000000LL, NULL, "Bỏ qua bấy nhiêu mục đầu (mặc định 0)"}
enum { API_Q_LIMIT, API_Q_OFFSET, API_Q_FIRST };
/* The query of a list that takes nothing but the page. */
extern const field_def api_page_query[];

/* The text of declared query parameter i (route.query order), NULL when
 * it was not given; the pipeline has validated it. */
const char *api_query(const request *req, int i);

/* A paged list as one row of one JSON column {"items","total","limit",
 * "offset"}. rows: the SELECT of the rows (its parameters from $3 on);
 * item: the JSON of one row, whose columns are those of rows, unqualified;
 * order: the ORDER BY of the page. $1 is the limit and $2 the offset.
 * API_LIST_OF_CAMPAIGN: the same for rows of campaign $3, with no row at
 * all (so a 404) when there is no such campaign. */
#define API_LIST_SQL(rows, item, order)                                                                   \
    "WITH f AS (" rows ") SELECT json_build_object('items', coalesce((SELECT json_agg(" item " ORDER BY " \
    order ") FROM (SELECT * FROM f ORDER BY " order " LIMIT $1 OFFSET $2) p), '[]'::json),"              \
    " 'total', (SELECT count(*) FROM f), 'limit', $1::int, 'offset', $2::bigint)"
#define API_LIST_OF_CAMPAIGN(rows, item, order) \
    API_LIST_SQL(rows, item, order) " FROM campaigns WHERE campaigns.id = $3"

/* Answers a list made by API_LIST_SQL: runs st with the page ($1, $2) and
 * then the n filters ($3...). No row: 404 with not_found. */
void api_list(request *req, response *res, const db_stmt *st, int n, const char *const *filters,
              const char *not_found);

/* Fills res from the last database error: 503, 409, 422 (naming the field
 * the constraint is about) or 500. Rolls back an open transaction. */
void api_db_error(request *req, response *res);

/* Runs st: its result, which the caller frees with db_free; or NULL with
 * res filled from the database error (api_db_error: the transaction rolled
 * back). */
db_result *api_run(request *req, response *res, const db_stmt *st, int n, const char *const *p);

/* Runs st (a write that a unique constraint may refuse): its result, which
 * the caller frees; or NULL with res filled and the transaction rolled
 * back: when the error is a conflict (DB_CONFLICT) on a constraint whose
 * name starts with constraint, a 409 with detail (naming field when not
 * NULL); else as api_db_error. */
db_result *api_run_unique(request *req, response *res, const db_stmt *st, int n, const char *const *p,
                          const char *constraint, const char *field, const char *detail);

/* Runs st with id ($1); answers the first column of its row (JSON text)
 * with status, committing the open transaction first when there is one.
 * No row, or a NULL: 404 with not_found (the transaction rolled back). */
void api_answer_row(request *req, response *res, const db_stmt *st, const char *id, int status,
                    const char *not_found);

/* Runs st; expects one row whose first column is JSON text, answered with
 * status. No row → 404 with not_found. Returns 0 when answered 2xx. */
int api_json_row(request *req, response *res, const db_stmt *st, int n, const char *const *p, int status,
                 const char *not_found);

/* Starts a write: transaction with the acting user. 0 or -1 (res filled). */
int api_begin(request *req, response *res);
/* Commits; 0 or -1 (res filled from the error). */
int api_commit(request *req, response *res);

/* Validates a stored row (json, a JSON object text; keys not in defs are
 * dropped) as a create would, into vals: the row as it is, to compare
 * with a PATCH. 0, or -1 with res filled (500: a stored row that does not
 * validate is the server's fault). */
int api_body_of(request *req, response *res, const field_def *defs, const char *json, field_val *vals);

/* PATCH as validate-then-merge: checks req->json in patch mode against
 * defs, then overlays it on current (a JSON object text of the stored row;
 * keys not in defs are dropped) and validates the whole again as a create
 * would, into vals; a decimal is read as written in the body when the
 * patch gives it, else in current. 0, or -1 with res filled (422). */
int api_patch_merge(request *req, response *res, const field_def *defs, const char *current, field_val *vals);

/* Ends a write in the open transaction: runs st, commits and answers.
 * With location_fmt (e.g. "/api/v1/units/%lld"), st is an INSERT returning
 * (id, json) and the answer is 201 with Location; without, st returns
 * (json) and the answer is 200. Returns 0 when answered 2xx; on failure
 * res is filled and the transaction rolled back. */
int api_write_commit(request *req, response *res, const db_stmt *st, int n, const char *const *p,
                     const char *location_fmt);
/* Ends a create in the open transaction: runs st with id ($1), a SELECT
 * of the new object's JSON text, commits and answers it, 201 with
 * Location (location_fmt with id). Returns 0 when answered 2xx; on
 * failure res is filled and the transaction rolled back. */
int api_created(request *req, response *res, const db_stmt *st, long long id, const char *location_fmt);
/* In the open transaction, runs st (a SELECT ... FOR UPDATE by id). The
 * locked row, which the caller frees with db_free; or NULL with res filled
 * (404 with not_found when no row) and the transaction rolled back. */
db_result *api_lock_row(request *req, response *res, const db_stmt *st, const char *id, const char *not_found);

/* Ends a delete in the open transaction: runs st (a DELETE by id, $1),
 * commits and answers 204. No row deleted: 404 with not_found and the
 * transaction rolled back; a row still referred to: api_db_error's 409.
 * Returns 0 when answered 204. */
int api_delete_commit(request *req, response *res, const db_stmt *st, const char *id, const char *not_found);

/* Is the element at i of a JSON array equal to one before it? */
bool api_json_repeated(const json_t *array, size_t i);

/* "/api/v1/units/12" into Location. */
void api_location(request *req, response *res, const char *fmt, long long id);

/* Are a and b the same text? false when either is NULL. */
bool api_streq(const char *a, const char *b);

/* Text of a long long, in the arena. */
const char *api_itoa(request *req, long long v);

#endif
