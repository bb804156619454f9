/* fuzz_csv.c — the CSV reader (fcgi/csv.h) and the CSV body of an import
 * (fcgi/api/csv_body.h) on any bytes. Checks, beyond the sanitizers:
 *   - a parse gives a document or an error of a kind with a message, never
 *     both; every field of every row is readable and the fields together
 *     are no longer than the input; rows start on growing lines; each
 *     header name is found by csv_column at its own column;
 *   - csv_body_read as the staff import calls it: a document only when
 *     every declared column is in the header (and, refusing others, no
 *     other column), else a 400/422 problem whose JSON names at least one
 *     error; then each cell is validated as the imports do. */
#include "fuzz.h"

#include <jansson.h>

#include "api/csv_body.h"
#include "api/staff.h"
#include "csv.h"
#include "fields.h"

/* The staff import's columns (fcgi/api/staff_import.c), and a decimal one. */
static const decimal_limits percent = {.places = 6, .min = {0, 0}, .max = {100, 0}};
static const field_def staff_columns[] = {
    {"code", FT_CODE, F_REQUIRED, 1, 40, NULL, NULL},
    {"full_name", FT_STRING, F_REQUIRED, 1, 200, NULL, NULL},
    {"unit_code", FT_CODE, F_REQUIRED, 1, 40, NULL, NULL},
    {"category", FT_ENUM, F_REQUIRED, 0, 0, staff_categories, NULL},
    {"joined_on", FT_DATE, F_REQUIRED, 0, 0, NULL, NULL},
    {"left_on", FT_DATE, F_NULLABLE, 0, 0, NULL, NULL},
    {0},
};
static const field_def score_columns[] = {
    {"unit_code", FT_CODE, F_REQUIRED, 1, 40, NULL, NULL},
    {"year", FT_INT, F_REQUIRED, 2000, 2100, NULL, NULL},
    {"rate", FT_DECIMAL, 0, 0, 0, NULL, NULL, &percent},
    {"done", FT_BOOL, 0, 0, 0, NULL, NULL},
    {0},
};

static void walk(const csv_doc *doc, size_t size)
{
    size_t ncols = csv_ncols(doc), nrows = csv_nrows(doc), bytes = 0, last_line = 0;
    FUZZ_CHECK(ncols > 0);
    for (size_t c = 0; c < ncols; c++) {
        const char *h = csv_header(doc, c);
        FUZZ_CHECK(h != NULL);
        bytes += strlen(h);
        FUZZ_CHECK(csv_column(doc, h) == (long)c);
    }
    FUZZ_CHECK(*csv_header(doc, ncols) == '\0');
    for (size_t r = 0; r < nrows; r++) {
        size_t line = csv_row_line(doc, r);
        FUZZ_CHECK(line > last_line);
        last_line = line;
        for (size_t c = 0; c < ncols; c++) {
            const char *f = csv_field(doc, r, c);
            FUZZ_CHECK(f != NULL);
            bytes += strlen(f);
        }
        FUZZ_CHECK(*csv_field(doc, r, ncols) == '\0');
    }
    FUZZ_CHECK(*csv_field(doc, nrows, 0) == '\0');
    FUZZ_CHECK(csv_row_line(doc, nrows) == 0);
    FUZZ_CHECK(bytes <= size);
}

/* The import's path: csv_body_read, then every cell of every row. */
static void import(arena *mem, const uint8_t *data, size_t size, const field_def *cols, csv_other_columns other)
{
    request req = {.mem = mem, .method = "POST", .path = "/", .query = "", .content_type = "text/csv"};
    response res = {.mem = mem};
    char *body = arena_alloc(mem, size + 1);
    memcpy(body, data, size);
    body[size] = '\0';
    req.body = body;
    req.body_len = size;
    long at[8];
    int n = fields_count(cols);
    csv_doc *doc = csv_body_read(&req, &res, cols, other, at);
    if (!doc) {
        FUZZ_CHECK(res.status == 400 || res.status == 422);
        json_t *problem = json_loadb(res.body, res.body_len, 0, NULL);
        FUZZ_CHECK(problem != NULL);
        FUZZ_CHECK(json_array_size(json_object_get(problem, "errors")) > 0);
        FUZZ_CHECK(json_is_string(json_object_get(problem, "detail")));
        json_decref(problem);
        return;
    }
    FUZZ_CHECK(csv_nrows(doc) > 0);
    for (int c = 0; c < n; c++)
        FUZZ_CHECK(at[c] >= 0 && (size_t)at[c] < csv_ncols(doc));
    if (other == CSV_OTHER_COLUMNS_REFUSED)
        FUZZ_CHECK(csv_ncols(doc) == (size_t)n);
    for (size_t r = 0; r < csv_nrows(doc); r++) {
        for (int c = 0; c < n; c++) {
            field_val v;
            const char *msg = fields_from_text(mem, &cols[c], csv_field(doc, r, (size_t)at[c]), &v);
            FUZZ_CHECK(msg || v.null || v.s);
        }
    }
    csv_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static arena mem;
    csv_doc *doc = NULL;
    csv_error err;
    memset(&err, 0, sizeof err);
    if (csv_parse((const char *)data, size, &doc, &err) == 0) {
        FUZZ_CHECK(doc != NULL);
        walk(doc, size);
        csv_free(doc);
    } else {
        FUZZ_CHECK(doc == NULL);
        FUZZ_CHECK(err.kind == CSV_ERR_SYNTAX || err.kind == CSV_ERR_EMPTY);
        FUZZ_CHECK(memchr(err.message, '\0', sizeof err.message) != NULL && err.message[0] != '\0');
    }
    import(&mem, data, size, staff_columns, CSV_OTHER_COLUMNS_REFUSED);
    import(&mem, data, size, score_columns, CSV_OTHER_COLUMNS_IGNORED);
    arena_free(&mem);
    return 0;
}
