/* api/csv_body.c — see csv_body.h: one reading of an import's CSV body,
 * one answer per kind of error. */
#include "api/csv_body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char ROWS_DETAIL[] = "Tệp CSV có dòng không hợp lệ; không dòng nào được ghi.";
static const char SEMICOLONS[] = "Tệp có vẻ dùng dấu chấm phẩy (;) để phân cách cột (Excel đặt vùng Việt Nam): hãy "
                                 "lưu lại với dấu phẩy (,). ";

static const csv_limits LIMITS = {CSV_BODY_MAX_COLUMNS, CSV_BODY_MAX_ROWS};

/* The "limits" member of an answer. */
static json_t *limits_member(void)
{
    return json_pack("{s:{s:i, s:i, s:i}}", "limits", "columns", CSV_BODY_MAX_COLUMNS, "rows", CSV_BODY_MAX_ROWS,
                     "errors_listed", CSV_BODY_ERRORS_LISTED);
}

/* The one error naming body: the parser's message, its line and, when it
 * is in a data row, the row. */
static json_t *body_error(const csv_error *err)
{
    json_t *errors = json_array();
    fields_error(errors, "body", err->message, (long)err->row);
    if (err->line > 0)
        json_object_set_new(json_array_get(errors, 0), "line", json_integer((json_int_t)err->line));
    return errors;
}

/* Fills at[] from the header and appends to errors every declared column
 * that is missing, then (when refused) every column not declared. Returns
 * true when a header name holds ';' (a file saved with semicolons). Linear
 * in the columns but for csv_column's binary searches. */
static bool map_header(request *req, const csv_doc *doc, const field_def *cols, csv_other_columns other, long *at,
                       json_t *errors)
{
    size_t n = csv_ncols(doc);
    bool *declared = arena_alloc(req->mem, (n ? n : 1) * sizeof *declared);
    memset(declared, 0, (n ? n : 1) * sizeof *declared);
    for (int c = 0; cols[c].name; c++) {
        at[c] = csv_column(doc, cols[c].name);
        if (at[c] < 0)
            fields_error(errors, cols[c].name,
                         arena_printf(req->mem, "thiếu cột %s trong dòng tiêu đề", cols[c].name), 0);
        else
            declared[at[c]] = true;
    }
    bool semicolons = false;
    for (size_t i = 0; i < n; i++) {
        const char *name = csv_header(doc, i);
        semicolons |= strchr(name, ';') != NULL;
        if (!declared[i] && other == CSV_OTHER_COLUMNS_REFUSED)
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

/* The answer to a body that csv_parse_bounded refused. */
static void answer_parse_error(request *req, response *res, const csv_error *err)
{
    switch (err->kind) {
    case CSV_ERR_SYNTAX:
        http_problem_errors(res, 400, arena_printf(req->mem, "Tệp CSV không đọc được: %s", err->message),
                            body_error(err));
        break;
    case CSV_ERR_LIMIT:
        http_problem_members(res, 413,
                             arena_printf(req->mem,
                                          "Tệp CSV vượt giới hạn của một lần nhập (tối đa %d cột và %d dòng dữ "
                                          "liệu): %s. Hãy chia thành nhiều tệp.",
                                          CSV_BODY_MAX_COLUMNS, CSV_BODY_MAX_ROWS, err->message),
                             body_error(err), limits_member());
        break;
    case CSV_ERR_EMPTY:
        http_field_error(res, 422, "body", "tệp CSV trống: không có dòng tiêu đề, không có dòng dữ liệu");
        break;
    default:
        http_problem(res, 500, "Không đủ bộ nhớ để đọc tệp CSV.");
        break;
    }
}

csv_doc *csv_body_read(request *req, response *res, const field_def *cols, csv_other_columns other, long *at)
{
    csv_doc *doc = NULL;
    csv_error err;
    json_t *errors = NULL;
    if (csv_parse_bounded(req->body, req->body_len, &LIMITS, &doc, &err) != 0) {
        answer_parse_error(req, res, &err);
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

void csv_row_list_init(csv_row_list *l)
{
    l->text[0] = '\0';
    l->used = 0;
    l->cut = false;
}

void csv_row_list_add(csv_row_list *l, size_t row)
{
    if (l->cut || l->used >= sizeof l->text - 24) {
        l->cut = true;
        return;
    }
    l->used += (size_t)snprintf(l->text + l->used, sizeof l->text - l->used, "%s%zu", l->used ? ", " : "", row);
}

const char *csv_row_list_text(request *req, const csv_row_list *l)
{
    return arena_printf(req->mem, "%s%s", l->text, l->cut ? ", …" : "");
}

void csv_errors_init(csv_errors *e)
{
    e->listed = json_array();
    e->total = 0;
}

void csv_errors_add(csv_errors *e, json_t *error)
{
    e->total++;
    if (json_array_size(e->listed) < CSV_BODY_ERRORS_LISTED)
        json_array_append_new(e->listed, error);
    else
        json_decref(error);
}

void csv_errors_field(csv_errors *e, const char *field, const char *message, long row)
{
    if (json_array_size(e->listed) >= CSV_BODY_ERRORS_LISTED) {
        e->total++; /* past the list: counted, never built */
        return;
    }
    json_t *error = json_pack("{s:s, s:s}", "field", field, "message", message);
    if (row > 0)
        json_object_set_new(error, "row", json_integer(row));
    csv_errors_add(e, error);
}

void csv_errors_take(csv_errors *e, json_t *errors)
{
    size_t i;
    json_t *error;
    json_array_foreach(errors, i, error)
        csv_errors_add(e, json_incref(error));
    json_array_clear(errors);
}

void csv_errors_free(csv_errors *e)
{
    json_decref(e->listed);
    e->listed = NULL;
}

int csv_errors_answer(response *res, csv_errors *e, const char *detail)
{
    json_t *listed = e->listed;
    e->listed = NULL;
    if (e->total == 0) {
        json_decref(listed);
        return 0;
    }
    const char *text = detail ? detail : "Dữ liệu gửi lên có trường không hợp lệ.";
    if (e->total > json_array_size(listed))
        text = arena_printf(res->mem, "%s Có %zu lỗi; chỉ liệt kê %zu lỗi đầu tiên.", text, e->total,
                            json_array_size(listed));
    json_t *members = limits_member();
    json_object_set_new(members, "errors_total", json_integer((json_int_t)e->total));
    http_problem_members(res, 422, text, listed, members);
    return -1;
}

int csv_body_row_errors(response *res, csv_errors *e)
{
    return csv_errors_answer(res, e, ROWS_DETAIL);
}

typedef struct keyed_row {
    const char *key;
    size_t row;
} keyed_row;

static int keyed_row_cmp(const void *a, const void *b)
{
    const keyed_row *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

const char **csv_body_duplicates(request *req, const char *const *keys, size_t n)
{
    const char **dups = arena_alloc(req->mem, (n ? n : 1) * sizeof *dups);
    keyed_row *sorted = arena_alloc(req->mem, (n ? n : 1) * sizeof *sorted);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        dups[i] = NULL;
        if (keys[i] && keys[i][0])
            sorted[k++] = (keyed_row){keys[i], i};
    }
    qsort(sorted, k, sizeof *sorted, keyed_row_cmp);
    for (size_t a = 0, b; a < k; a = b) {
        for (b = a + 1; b < k && strcmp(sorted[a].key, sorted[b].key) == 0; b++)
            ;
        if (b - a < 2)
            continue;
        csv_row_list l;
        csv_row_list_init(&l);
        for (size_t i = a; i < b; i++)
            csv_row_list_add(&l, sorted[i].row + 1);
        const char *text = csv_row_list_text(req, &l);
        for (size_t i = a; i < b; i++)
            dups[sorted[i].row] = text;
    }
    return dups;
}
