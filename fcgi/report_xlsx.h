/* report_xlsx.h — the tables of a report (report_doc.h) as an Excel
 * workbook (libxlsxwriter), one sheet per table in the report's order.
 *
 * Each sheet: the caption in row 1, the header row in row 2 (bold,
 * wrapped, bordered, with a filter), the rows below; the panes frozen under
 * the header; printed on A4, one page wide, the header row repeated. Cells
 * are typed, never numbers as text:
 *   integer  a number, format "#,##0";
 *   percent  the fraction as a number (98.6 -> 0.986, made from the decimal
 *            text, so it is the double nearest to what was written) with a
 *            percent format of as many places as the column's cell with the
 *            most: "0.0%" when the longest is 98.6, "0.000%" with a 33.333.
 *            libxlsxwriter prints a number with 16 significant digits
 *            (%.16G), so 0.8725 is stored as "0.8725000000000001"; Excel
 *            reads and shows 15, so every reader sees 87,25%;
 *   date     a date serial with the format "dd/mm/yyyy";
 *   text     a shared string, as given (NFC).
 * Number format codes are written in Excel's invariant form ('.' decimal,
 * ',' thousands); Excel shows them in the reader's locale, so with vi-VN
 * (Windows: Vietnamese) 1234 reads "1.234" and 0.986 reads "98,6%".
 * Column widths: the longest value (in characters, as a Vietnamese text
 * in Times New Roman is about as wide per character as Excel's unit) or
 * the header's longest word, plus a margin, at most 60.
 *
 * Sheet names: the table's sheet_name, else its caption, else "Bảng N";
 * the characters Excel forbids ([ ] : * ? / \) become spaces (a run of
 * spaces one), a leading or
 * trailing apostrophe is dropped, the name is cut to 31 characters (at a
 * word when one ends past the middle) and made unique with " (2)", " (3)".
 *
 * libxlsxwriter writes files only: the workbook is written into a private
 * directory made (mode 0700) under tmp_parent (NULL: $TMPDIR, else /tmp),
 * read back and removed with the directory before the call returns. */
#ifndef THIDUA_REPORT_XLSX_H
#define THIDUA_REPORT_XLSX_H
#include <stddef.h>

#include "report_doc.h"

/* Renders doc's tables. On REPORT_OK *out is a malloc'd XLSX file of *len
 * bytes that the caller frees with free(). On failure *out is NULL, and err
 * (when not NULL) holds a message of at most errlen bytes. A report without
 * a table gives a workbook with one empty sheet "Báo cáo". */
enum report_rc report_xlsx_render(const struct report_doc *doc, const char *tmp_parent, unsigned char **out,
                                  size_t *len, char *err, size_t errlen);

/* The sheet name of the table at index (0-based) given the names already
 * taken (taken[0..ntaken)), as described above, into name (32 bytes per
 * UTF-8 character at most: 128 bytes is enough). */
void report_xlsx_sheet_name(const struct report_table *t, size_t index, const char *const *taken, size_t ntaken,
                            char *name, size_t n);

#endif
