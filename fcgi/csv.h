/* csv.h — RFC 4180 reader for CSV imports: parses a whole in-memory body into
 * a header and rows of NUL-terminated fields. csv_parse allocates the
 * document; the caller frees it with csv_free. Field strings are owned by the
 * document. The input buffer is copied and may be freed after csv_parse.
 *
 * Accepted dialect (separator is always ','):
 *   - a UTF-8 BOM (EF BB BF) at the very start is skipped;
 *   - records end with CRLF, LF or a lone CR (classic Mac Excel exports);
 *     the last record needs no line break;
 *   - fully empty lines (zero bytes before the line break) are ignored
 *     anywhere, including before the header; a line of only "," is not empty;
 *     a one-column file therefore cannot hold an empty unquoted value — write
 *     it as "" instead;
 *   - a field starting with '"' is quoted: it may hold ',', line breaks
 *     (kept byte-exact, CRLF stays CRLF) and "" for one '"'; the closing quote
 *     must be followed by ',', a line break or the end of the input;
 *   - a '"' inside an unquoted field, text after a closing quote, an
 *     unterminated quote, a NUL byte, a record whose field count differs from
 *     the header, duplicate header names and an input with no header are
 *     errors (messages in Vietnamese, naming the line);
 *   - fields are not trimmed; header names are compared (csv_column, duplicate
 *     check) after trimming ASCII spaces, case-sensitively, byte-wise.
 * Line numbers count LF, CRLF and lone CR as one break each, inside quoted
 * fields too, so they match what a text editor shows.
 *
 * Cost: time linear in the input, except the header, O(n log n) in its n
 * columns (its names are sorted, for the duplicate check and for
 * csv_column's binary search); memory one copy of the input and one
 * pointer per field. csv_parse_bounded stops reading at the first column
 * or data row past its limits. */
#ifndef THIDUA_CSV_H
#define THIDUA_CSV_H
#include <stddef.h>

typedef struct csv_doc csv_doc;

/* Why a parse failed, so that a caller can answer each kind its own way. */
typedef enum {
    CSV_ERR_NONE,     /* no error */
    CSV_ERR_SYNTAX,   /* the input is not CSV of this dialect: quoting, field
                       * count, NUL byte, duplicate header names */
    CSV_ERR_EMPTY,    /* no record at all, not even a header */
    CSV_ERR_LIMIT,    /* more header columns or data rows than csv_limits allow */
    CSV_ERR_RESOURCE  /* out of memory or bad arguments: not the input's fault */
} csv_error_kind;

typedef struct {
    csv_error_kind kind;
    size_t line;       /* 1-based physical line in the input (0: none) */
    size_t row;        /* 1-based data row (0 = header, or no row) */
    char message[160]; /* Vietnamese, UTF-8, for the user */
} csv_error;

/* What csv_parse_bounded takes at most; 0 is no limit. */
typedef struct {
    size_t max_cols; /* columns of the header */
    size_t max_rows; /* data rows, header excluded */
} csv_limits;

/* 0 on success, -1 on failure (err filled if not NULL, *out NULL). */
int csv_parse(const char *data, size_t len, csv_doc **out, csv_error *err);
/* The same within limits (NULL: none): past one, -1 with CSV_ERR_LIMIT,
 * its line, and for a row its number (the first one too many). */
int csv_parse_bounded(const char *data, size_t len, const csv_limits *limits, csv_doc **out, csv_error *err);
/* Header columns. */
size_t csv_ncols(const csv_doc *doc);
/* Header name as written (untrimmed); "" if col is out of range. */
const char *csv_header(const csv_doc *doc, size_t col);
/* Index of a header name, -1 if absent. Both the header names and name are
 * compared after trimming ASCII spaces, case-sensitively. O(log n). */
long csv_column(const csv_doc *doc, const char *name);
/* Data rows, header excluded. */
size_t csv_nrows(const csv_doc *doc);
/* row 0-based; never NULL: "" for an empty field or out-of-range indexes. */
const char *csv_field(const csv_doc *doc, size_t row, size_t col);
/* Physical line where the row starts (1-based); 0 if row is out of range. */
size_t csv_row_line(const csv_doc *doc, size_t row);
/* Frees the document and all its strings; NULL is allowed. */
void csv_free(csv_doc *doc);

#endif
