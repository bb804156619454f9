/* api/csv_body.c — see csv_body.h: one reading of an import's CSV body,
 * one answer per kind of error. */
#include "api/csv_body.h"

#include <string.h>

static const char ROWS_DETAIL[] = "Tệp CSV có dòng không hợp lệ; không dòng nào được ghi.";
static const char SEMICOLONS[] = "Tệp có vẻ dùng dấu chấm phẩy (;) để phân cách cột (Excel đặt vùng Việt Nam): hãy "
                                 "lưu lại với dấu phẩy (,). ";

/* The 400 of a body that is not CSV: one error naming body, its line and,
 * when it is in a data row, the row. */
static void answer_not_csv(request *req, response *res, const csv_error *err)
{
    json_t *errors = json_array();
    fields_error(errors, "body", err->message, (long)err->row);
    if (err->line > 0)
        json_object_set_new(json_array_get(errors, 0), "line", json_integer((json_int_t)err->line));
    http_problem_errors(res, 400, arena_printf(req->mem, "Tệp CSV không đọc được: %s", err->message), errors);
}

/* Fills at[] from the header and appends to errors every declared column
 * that is missing, then (when refused) every column not declared. Returns
 * true when a header name holds ';' (a file saved with semicolons). */
static bool map_header(request *req, const csv_doc *doc, const field_def *cols, csv_other_columns other, long *at,
                       json_t *errors)
{
    for (int c = 0; cols[c].name; c++) {
        at[c] = csv_column(doc, cols[c].name);
        if (at[c] < 0)
            fields_error(errors, cols[c].name,
                         arena_printf(req->mem, "thiếu cột %s trong dòng tiêu đề", cols[c].name), 0);
    }
    bool semicolons = false;
    for (size_t i = 0; i < csv_ncols(doc); i++) {
        const char *name = csv_header(doc, i);
        semicolons |= strchr(name, ';') != NULL;
        bool declared = false;
        for (int c = 0; cols[c].name && !declared; c++)
            declared = at[c] == (long)i;
        if (!declared && other == CSV_OTHER_COLUMNS_REFUSED)
            fields_error(errors, name, "cột không được hỗ trợ", 0);
    }
    return semicolons;
}

/* The detail of a 422 about the header: the columns wanted, and the likely
 * cause when the file uses semicolons. */
static const char *header_detail(request *req, const field_def *cols, csv_other_columns other, bool semicolons)
{
    const char *names = "";
    for (int c = 0; cols[c].name; c++)
        names = arena_printf(req->mem, "%s%s%s", names, c ? ", " : "", cols[c].name);
    return arena_printf(req->mem, "%sDòng tiêu đề phải có %s %s (thứ tự bất kỳ, phân cách bằng dấu phẩy%s).",
                        semicolons ? SEMICOLONS : "", other == CSV_OTHER_COLUMNS_REFUSED ? "đúng các cột" : "các cột",
                        names, other == CSV_OTHER_COLUMNS_REFUSED ? "" : "; cột khác được bỏ qua");
}

csv_doc *csv_body_read(request *req, response *res, const field_def *cols, csv_other_columns other, long *at)
{
    csv_doc *doc = NULL;
    csv_error err;
    json_t *errors = NULL;
    if (csv_parse(req->body, req->body_len, &doc, &err) != 0) {
        if (err.kind == CSV_ERR_SYNTAX) {
            answer_not_csv(req, res, &err);
        } else if (err.kind == CSV_ERR_EMPTY) {
            http_field_error(res, 422, "body", "tệp CSV trống: không có dòng tiêu đề, không có dòng dữ liệu");
        } else {
            http_problem(res, 500, "Không đủ bộ nhớ để đọc tệp CSV.");
        }
        goto fail;
    }
    errors = json_array();
    bool semicolons = map_header(req, doc, cols, other, at, errors);
    const char *detail = json_array_size(errors) ? header_detail(req, cols, other, semicolons)
                                                 : "Tệp CSV không có dòng dữ liệu nào.";
    if (csv_nrows(doc) == 0)
        fields_error(errors, "body", "tệp không có dòng dữ liệu", 0);
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return doc;
    }
    http_problem_errors(res, 422, detail, errors);
fail:
    csv_free(doc);
    return NULL;
}

int csv_body_row_errors(response *res, json_t *errors)
{
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return 0;
    }
    http_problem_errors(res, 422, ROWS_DETAIL, errors);
    return -1;
}
