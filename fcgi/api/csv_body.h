/* api/csv_body.h — the CSV body of an import (staff, titles, attendance),
 * read one way for all of them: parsed (csv.h gives the dialect) within
 * the limits below, its header mapped to the columns the import declares,
 * and each kind of error answered the same in every import:
 *   - a body that cannot be read as CSV (bad quoting, a row whose number of
 *     fields differs from the header's, a NUL byte, two columns of one
 *     name): 400, errors [{"field": "body", "message", "line", "row"}],
 *     "row" being the data row (1 = the first) and absent for the header;
 *   - a header of more than CSV_BODY_MAX_COLUMNS columns or more than
 *     CSV_BODY_MAX_ROWS data rows: 413, one error naming "body" as above
 *     (the first column or row too many), and "limits"; reading stops there;
 *   - a declared column absent from the header (and, where the import
 *     refuses them, a column it does not declare): 422 naming each column;
 *     a body without any data row: 422 naming "body"; both at once when
 *     both are true;
 *   - bad values in rows: the import checks them into a csv_errors, then
 *     answers with csv_body_row_errors: 422 listing the first
 *     CSV_BODY_ERRORS_LISTED errors in row order, "errors_total" (all of
 *     them, listed or not) and "limits"; nothing written.
 * "limits" is {"columns", "rows", "errors_listed"}: the three numbers below.
 * The document returned is the caller's, freed with csv_free; messages
 * live in the request's arena. */
#ifndef THIDUA_API_CSV_BODY_H
#define THIDUA_API_CSV_BODY_H
#include "api/common.h"
#include "csv.h"

/* The widest import declares 6 columns; two of them take other columns
 * (a name for the reader) beside those. */
#define CSV_BODY_MAX_COLUMNS 64
/* 200 000 staff rows are about 11 MB, well inside import_body_limit
 * (32 MiB): the row limit binds before the byte limit only for short rows,
 * which are the ones that cost the most per byte. */
#define CSV_BODY_MAX_ROWS 200000
/* A 422 lists this many errors at most; errors_total counts them all. */
#define CSV_BODY_ERRORS_LISTED 1000

#define CSV_BODY_STR_(x) #x
#define CSV_BODY_STR(x) CSV_BODY_STR_(x)
/* The limits in words, for a route's summary (the OpenAPI document). */
#define CSV_BODY_LIMITS_TEXT                                                                                  \
    "Tối đa " CSV_BODY_STR(CSV_BODY_MAX_COLUMNS) " cột và " CSV_BODY_STR(CSV_BODY_MAX_ROWS) " dòng dữ liệu " \
    "(quá thì 413); 422 liệt kê " CSV_BODY_STR(CSV_BODY_ERRORS_LISTED) " lỗi đầu, errors_total là tổng số lỗi."

/* What a header column that the import does not declare is. */
typedef enum {
    CSV_OTHER_COLUMNS_REFUSED, /* an error, named in the 422 */
    CSV_OTHER_COLUMNS_IGNORED  /* read past */
} csv_other_columns;

/* Parses req's body and finds each of cols (a field_def table ended by a
 * NULL name; every one must be in the header, in any order) in its header:
 * at[i] (the caller's array, fields_count(cols) long) is the column index
 * of cols[i]. Returns the document, or NULL with res filled: 400, 413 or
 * 422 as above, 500 when out of memory. */
csv_doc *csv_body_read(request *req, response *res, const field_def *cols, csv_other_columns other, long *at);

/* "2, 5, 9": the rows (1-based) that repeat one value, for a message,
 * cut after some 180 bytes with ", …": a file of 200 000 equal rows makes
 * one short list, not one of 1.4 MB copied 200 000 times. */
typedef struct csv_row_list {
    char text[200];
    size_t used;
    bool cut;
} csv_row_list;

void csv_row_list_init(csv_row_list *l);
void csv_row_list_add(csv_row_list *l, size_t row);
/* The list as text, in the request's arena. */
const char *csv_row_list_text(request *req, const csv_row_list *l);

/* The rows that repeat a key: keys[i] is row i's key (0-based; NULL or ""
 * for a row that has none, never a repeat). Answers dups[n] (arena): for a
 * row whose key another row shares, the list of every row with that key
 * ("2, 5", csv_row_list); NULL for the others. */
const char **csv_body_duplicates(request *req, const char *const *keys, size_t n);

/* The errors found in an import's rows: the first CSV_BODY_ERRORS_LISTED
 * are kept, the rest only counted, so that a file of 200 000 bad rows
 * costs no more memory than one of 1 000. */
typedef struct csv_errors {
    json_t *listed; /* {field, message, row, …} items, in the order added */
    size_t total;   /* every error added, listed or not */
} csv_errors;

void csv_errors_init(csv_errors *e);
/* Adds one error (stolen; released at once when past the list). */
void csv_errors_add(csv_errors *e, json_t *error);
/* Adds {field, message, row} (row 0: none), as fields_error does. */
void csv_errors_field(csv_errors *e, const char *field, const char *message, long row);
/* Adds every item of errors (a JSON array that helpers outside this module
 * append to) and empties it. */
void csv_errors_take(csv_errors *e, json_t *errors);

/* Releases e's list without answering. */
void csv_errors_free(csv_errors *e);

/* Ends the check of an import's rows: answers 422 as above and returns -1
 * when e holds any error, else returns 0. Releases e's list either way. */
int csv_body_row_errors(response *res, csv_errors *e);
/* The same 422 with another detail (NULL: the generic one of a body), for
 * the same list read from JSON. */
int csv_errors_answer(response *res, csv_errors *e, const char *detail);

#endif
