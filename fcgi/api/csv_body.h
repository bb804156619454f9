/* api/csv_body.h — the CSV body of an import (staff, titles, attendance),
 * read one way for all of them: parsed (csv.h gives the dialect), its
 * header mapped to the columns the import declares, and each kind of
 * error answered the same in every import:
 *   - a body that cannot be read as CSV (bad quoting, a row whose number of
 *     fields differs from the header's, a NUL byte, two columns of one
 *     name): 400, errors [{"field": "body", "message", "line", "row"}],
 *     "row" being the data row (1 = the first) and absent for the header;
 *   - a declared column absent from the header (and, where the import
 *     refuses them, a column it does not declare): 422 naming each column;
 *     a body without any data row: 422 naming "body"; both at once when
 *     both are true;
 *   - bad values in rows: the import checks them, then answers with
 *     csv_body_row_errors: 422 listing every bad row, nothing written.
 * The document returned is the caller's, freed with csv_free; messages
 * live in the request's arena. */
#ifndef THIDUA_API_CSV_BODY_H
#define THIDUA_API_CSV_BODY_H
#include "api/common.h"
#include "csv.h"

/* What a header column that the import does not declare is. */
typedef enum {
    CSV_OTHER_COLUMNS_REFUSED, /* an error, named in the 422 */
    CSV_OTHER_COLUMNS_IGNORED  /* read past */
} csv_other_columns;

/* Parses req's body and finds each of cols (a field_def table ended by a
 * NULL name; every one must be in the header, in any order) in its header:
 * at[i] (the caller's array, fields_count(cols) long) is the column index
 * of cols[i]. Returns the document, or NULL with res filled: 400 or 422 as
 * above, 500 when out of memory. */
csv_doc *csv_body_read(request *req, response *res, const field_def *cols, csv_other_columns other, long *at);

/* Ends the check of an import's rows: answers 422 listing errors (stolen;
 * {field, message, row} items) and returns -1 when there is any, else
 * releases errors and returns 0. */
int csv_body_row_errors(response *res, json_t *errors);

#endif
