/* csv.c — RFC 4180 reader; see csv.h for the accepted dialect.
 *
 * Memory: the document holds one copy of the input (buf) in which fields are
 * unescaped and NUL-terminated in place, one array of field pointers into
 * buf (record-major, header first) and one array of record start lines. Both
 * arrays grow by doubling, so a parse makes O(log n) allocations whatever the
 * number of fields. In-place unescaping works because a field's text never
 * grows: every field is followed by a separator, a line break or the end of
 * the input, which leaves room for its NUL (buf has one spare byte for the
 * field ending the input; that byte also serves as the end sentinel). */
#include "csv.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct header_name {
    const char *p; /* the name trimmed: p[0..n), inside buf */
    size_t n;
    size_t col;
};

struct csv_doc {
    char *buf;      /* copy of the input, fields unescaped in place */
    char **cells;   /* (nrows + 1) * ncols field pointers; record 0 = header */
    size_t *lines;  /* start line of each record; index 0 = header */
    struct header_name *names; /* the header's names, sorted (csv_column's binary search) */
    size_t ncols, nrows;
    size_t cells_cap, lines_cap;
};

/* Header names are echoed in messages up to this many bytes. */
enum { NAME_ECHO_MAX = 48 };

/* Bytes that end an unquoted field's scan: separator, line breaks, a stray
 * quote, and NUL (the end sentinel or a NUL in the input). */
static const unsigned char stop_unquoted[256] = {
    ['\0'] = 1, ['\n'] = 1, ['\r'] = 1, [','] = 1, ['"'] = 1,
};

static const char no_field[] = "";

__attribute__((format(printf, 5, 6)))
static void set_error(csv_error *err, csv_error_kind kind, size_t line, size_t row, const char *fmt, ...)
{
    if (!err)
        return;
    err->kind = kind;
    err->line = line;
    err->row = row;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

static int push_cell(csv_doc *doc, size_t *n, char *field)
{
    if (*n == doc->cells_cap) {
        size_t cap = 256;
        if (doc->cells_cap) {
            if (doc->cells_cap > SIZE_MAX / 2 / sizeof *doc->cells)
                return -1;
            cap = doc->cells_cap * 2;
        }
        char **cells = realloc(doc->cells, cap * sizeof *cells);
        if (!cells)
            return -1;
        doc->cells = cells;
        doc->cells_cap = cap;
    }
    doc->cells[(*n)++] = field;
    return 0;
}

static int push_line(csv_doc *doc, size_t n, size_t line)
{
    if (n == doc->lines_cap) {
        size_t cap = 64;
        if (doc->lines_cap) {
            if (doc->lines_cap > SIZE_MAX / 2 / sizeof *doc->lines)
                return -1;
            cap = doc->lines_cap * 2;
        }
        size_t *lines = realloc(doc->lines, cap * sizeof *lines);
        if (!lines)
            return -1;
        doc->lines = lines;
        doc->lines_cap = cap;
    }
    doc->lines[n] = line;
    return 0;
}

/* Narrows [*p, *p + *n) to exclude leading and trailing ASCII spaces. */
static void trim_spaces(const char **p, size_t *n)
{
    while (*n && **p == ' ') {
        (*p)++;
        (*n)--;
    }
    while (*n && (*p)[*n - 1] == ' ')
        (*n)--;
}

/* Names in byte order, shorter first when one is the other's prefix. */
static int name_bytes_cmp(const void *a, const void *b)
{
    const struct header_name *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = n ? memcmp(x->p, y->p, n) : 0;
    if (c)
        return c;
    return (x->n > y->n) - (x->n < y->n);
}

/* The same, then by column: equal names sit side by side, first column
 * first. */
static int header_name_cmp(const void *a, const void *b)
{
    int c = name_bytes_cmp(a, b);
    if (c)
        return c;
    const struct header_name *x = a, *y = b;
    return (x->col > y->col) - (x->col < y->col);
}

/* Sorts the header's (trimmed) names into doc->names and rejects a
 * duplicate, reporting the pair whose second column comes first. Sorting
 * keeps the whole header's handling O(n log n) in its columns: this check,
 * and csv_column, a binary search in the sorted names. */
static int check_header(csv_doc *doc, size_t line, csv_error *err)
{
    size_t n = doc->ncols;
    if (n > SIZE_MAX / sizeof(struct header_name)) {
        set_error(err, CSV_ERR_RESOURCE, line, 0, "không đủ bộ nhớ để đọc tệp CSV");
        return -1;
    }
    struct header_name *names = malloc((n ? n : 1) * sizeof *names);
    if (!names) {
        set_error(err, CSV_ERR_RESOURCE, line, 0, "không đủ bộ nhớ để đọc tệp CSV");
        return -1;
    }
    doc->names = names;
    for (size_t i = 0; i < n; i++) {
        names[i].p = doc->cells[i];
        names[i].n = strlen(doc->cells[i]);
        names[i].col = i;
        trim_spaces(&names[i].p, &names[i].n);
    }
    qsort(names, n, sizeof *names, header_name_cmp);
    size_t dup = 0; /* index in names of the best duplicate's second column */
    for (size_t i = 1; i < n; i++) {
        if (names[i].n == names[i - 1].n
            && (names[i].n == 0 || memcmp(names[i].p, names[i - 1].p, names[i].n) == 0)
            && (dup == 0 || names[i].col < names[dup].col))
            dup = i;
    }
    int rc = 0;
    if (dup) {
        const struct header_name *first = &names[dup - 1], *second = &names[dup];
        if (first->n == 0) {
            set_error(err, CSV_ERR_SYNTAX, line, 0,
                      "dòng %zu: tiêu đề có hai cột không có tên (cột %zu và cột %zu)",
                      line, first->col + 1, second->col + 1);
        } else {
            size_t shown = first->n;
            const char *ellipsis = "";
            if (shown > NAME_ECHO_MAX) {
                /* Cut before a UTF-8 continuation byte, never inside a character. */
                shown = NAME_ECHO_MAX;
                while (shown > 0 && ((unsigned char)first->p[shown] & 0xC0) == 0x80)
                    shown--;
                ellipsis = "…";
            }
            set_error(err, CSV_ERR_SYNTAX, line, 0,
                      "dòng %zu: tiêu đề có hai cột cùng tên \"%.*s%s\" (cột %zu và cột %zu)",
                      line, (int)shown, first->p, ellipsis, first->col + 1, second->col + 1);
        }
        rc = -1;
    }
    return rc;
}

int csv_parse(const char *data, size_t len, csv_doc **out, csv_error *err)
{
    return csv_parse_bounded(data, len, NULL, out, err);
}

int csv_parse_bounded(const char *data, size_t len, const csv_limits *limits, csv_doc **out, csv_error *err)
{
    csv_doc *doc = NULL;
    size_t ncells = 0, nrec = 0, line = 1;
    size_t max_cols = limits ? limits->max_cols : 0, max_rows = limits ? limits->max_rows : 0;

    if (err) {
        err->kind = CSV_ERR_NONE;
        err->line = 0;
        err->row = 0;
        err->message[0] = '\0';
    }
    if (!out || (!data && len)) {
        set_error(err, CSV_ERR_RESOURCE, 0, 0, "lỗi nội bộ: tham số không hợp lệ khi đọc tệp CSV");
        return -1;
    }
    *out = NULL;
    if (len == SIZE_MAX) {
        set_error(err, CSV_ERR_RESOURCE, 0, 0, "tệp CSV quá lớn");
        return -1;
    }
    doc = calloc(1, sizeof *doc);
    if (!doc)
        goto oom;
    doc->buf = malloc(len + 1);
    if (!doc->buf)
        goto oom;
    if (len)
        memcpy(doc->buf, data, len);
    doc->buf[len] = '\0';

    char *buf = doc->buf;
    size_t r = 0;
    if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB
        && (unsigned char)buf[2] == 0xBF)
        r = 3;

    while (r < len) {
        char c = buf[r];
        if (c == '\n' || c == '\r') { /* a fully empty line: ignored */
            r += (c == '\r' && buf[r + 1] == '\n') ? 2 : 1;
            line++;
            continue;
        }
        size_t rec_line = line, nf = 0;
        if (max_rows && nrec > max_rows) {
            set_error(err, CSV_ERR_LIMIT, line, nrec, "dòng %zu: tệp có hơn %zu dòng dữ liệu", line, max_rows);
            goto fail;
        }
        for (;;) { /* one field per iteration; c ends up as its terminator */
            char *field;
            size_t end; /* where the field's NUL goes */
            if (buf[r] == '"') {
                size_t qline = line;
                r++;
                size_t w = r;
                field = buf + r;
                for (;;) {
                    c = buf[r];
                    if (c == '"') {
                        if (buf[r + 1] != '"')
                            break;
                        r++; /* "" → one quote */
                    } else if (c == '\0') {
                        if (r == len) {
                            set_error(err, CSV_ERR_SYNTAX, qline, nrec,
                                      "dòng %zu: dấu ngoặc kép mở ở đây chưa được đóng",
                                      qline);
                            goto fail;
                        }
                        goto nul_byte;
                    } else if (c == '\n' || (c == '\r' && buf[r + 1] != '\n')) {
                        line++;
                    }
                    buf[w++] = c;
                    r++;
                }
                r++; /* the closing quote */
                end = w;
                c = buf[r];
                if (c != ',' && c != '\n' && c != '\r' && c != '\0') {
                    set_error(err, CSV_ERR_SYNTAX, line, nrec, "dòng %zu: có ký tự thừa sau dấu ngoặc kép đóng",
                              line);
                    goto fail;
                }
            } else {
                field = buf + r;
                while (!stop_unquoted[(unsigned char)buf[r]])
                    r++;
                c = buf[r];
                if (c == '"') {
                    set_error(err, CSV_ERR_SYNTAX, line, nrec,
                              "dòng %zu: dấu ngoặc kép nằm giữa một trường không được bao trong ngoặc kép",
                              line);
                    goto fail;
                }
                end = r;
            }
            if (c == '\0' && r < len)
                goto nul_byte;
            /* Fields past the header's count are only counted, for the message. */
            if ((nrec == 0 || nf < doc->ncols) && push_cell(doc, &ncells, field) != 0)
                goto oom;
            nf++;
            if (nrec == 0 && max_cols && nf > max_cols) {
                set_error(err, CSV_ERR_LIMIT, rec_line, 0, "dòng %zu: tiêu đề có hơn %zu cột", rec_line, max_cols);
                goto fail;
            }
            buf[end] = '\0'; /* end <= r: nothing unread is overwritten */
            if (c != ',')
                break;
            r++;
        }
        if (c == '\r') {
            r += buf[r + 1] == '\n' ? 2 : 1;
            line++;
        } else if (c == '\n') {
            r++;
            line++;
        }
        if (nrec == 0) {
            doc->ncols = nf;
            if (check_header(doc, rec_line, err) != 0)
                goto fail;
        } else if (nf != doc->ncols) {
            set_error(err, CSV_ERR_SYNTAX, rec_line, nrec,
                      "dòng %zu (hàng dữ liệu %zu): có %zu cột, tiêu đề có %zu cột",
                      rec_line, nrec, nf, doc->ncols);
            goto fail;
        }
        if (push_line(doc, nrec, rec_line) != 0)
            goto oom;
        nrec++;
    }

    if (nrec == 0) {
        set_error(err, CSV_ERR_EMPTY, 1, 0, "tệp CSV trống");
        goto fail;
    }
    doc->nrows = nrec - 1;
    *out = doc;
    return 0;

nul_byte:
    set_error(err, CSV_ERR_SYNTAX, line, nrec, "dòng %zu: tệp chứa byte NUL, không phải tệp văn bản CSV",
              line);
    goto fail;
oom:
    set_error(err, CSV_ERR_RESOURCE, line, nrec, "không đủ bộ nhớ để đọc tệp CSV");
fail:
    csv_free(doc);
    return -1;
}

size_t csv_ncols(const csv_doc *doc)
{
    return doc ? doc->ncols : 0;
}

const char *csv_header(const csv_doc *doc, size_t col)
{
    if (!doc || col >= doc->ncols)
        return no_field;
    return doc->cells[col];
}

long csv_column(const csv_doc *doc, const char *name)
{
    if (!doc || !name || !doc->names)
        return -1;
    struct header_name key = {name, strlen(name), 0};
    trim_spaces(&key.p, &key.n);
    const struct header_name *found = bsearch(&key, doc->names, doc->ncols, sizeof *doc->names, name_bytes_cmp);
    if (!found || found->col > (size_t)LONG_MAX)
        return -1;
    return (long)found->col;
}

size_t csv_nrows(const csv_doc *doc)
{
    return doc ? doc->nrows : 0;
}

const char *csv_field(const csv_doc *doc, size_t row, size_t col)
{
    if (!doc || row >= doc->nrows || col >= doc->ncols)
        return no_field;
    return doc->cells[(row + 1) * doc->ncols + col];
}

size_t csv_row_line(const csv_doc *doc, size_t row)
{
    if (!doc || row >= doc->nrows)
        return 0;
    return doc->lines[row + 1];
}

void csv_free(csv_doc *doc)
{
    if (!doc)
        return;
    free(doc->buf);
    free(doc->cells);
    free(doc->lines);
    free(doc->names);
    free(doc);
}
