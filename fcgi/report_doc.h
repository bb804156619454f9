/* report_doc.h — an administrative report (văn bản hành chính, Nghị định
 * 30/2020/NĐ-CP) as plain data, for the renderers report_pdf.h and
 * report_xlsx.h.
 *
 * Ownership: the caller owns every byte (typically in the request's arena
 * or in static storage). The renderers only read the model during the call
 * and keep no pointer to it. Every string is NUL-terminated UTF-8, NFC
 * (text_nfc); NULL and "" mean "absent" wherever a field is optional.
 *
 * Cells are text as the data holds it, never a binary float, typed by their
 * column:
 *   REPORT_COL_TEXT     any text, shown as is;
 *   REPORT_COL_INTEGER  -?[0-9]+              ("1234": PDF "1.234", XLSX number "#,##0");
 *   REPORT_COL_PERCENT  -?[0-9]+(.[0-9]{1,6})? a percentage as an exact decimal
 *                       with a point ("98.6": PDF "98,6 %", XLSX 0.986 as "0.0%");
 *   REPORT_COL_DATE     YYYY-MM-DD            (PDF "05/07/2025", XLSX a date serial).
 * NULL or "" is an empty cell. A cell that does not match its column's type
 * makes the renderers fail (REPORT_BAD_CELL) rather than guess.
 */
#ifndef THIDUA_REPORT_DOC_H
#define THIDUA_REPORT_DOC_H
#include <stddef.h>

enum report_col_type {
    REPORT_COL_TEXT = 0,
    REPORT_COL_INTEGER,
    REPORT_COL_PERCENT,
    REPORT_COL_DATE
};

struct report_column {
    const char *header;          /* "Họ và tên" */
    enum report_col_type type;
    /* Relative width in the PDF (0: from the type: 1 for numbers and
     * dates, 3 for text). The XLSX sizes its columns from the content. */
    unsigned weight;
};

struct report_table {
    const char *caption;         /* "Bảng 1. Kết quả thực hiện chỉ tiêu" (optional) */
    const char *sheet_name;      /* XLSX sheet (optional: from the caption; cut to 31
                                    characters, []:*?/\ replaced, made unique) */
    const struct report_column *columns;
    size_t ncolumns;
    const char *const *cells;    /* nrows * ncolumns, row by row */
    size_t nrows;
};

/* One numbered part of the report: "I. Heading" (I, II, III…), its
 * paragraphs (each wrapped and justified, first line indented), then its
 * tables. */
struct report_section {
    const char *heading;         /* "KẾT QUẢ THỰC HIỆN" (the numeral is added) */
    const char *const *paragraphs;
    size_t nparagraphs;
    const struct report_table *tables;
    size_t ntables;
};

struct report_doc {
    const char *parent_body;     /* "UBND TỈNH SÓC TRĂNG" (upper case; optional) */
    const char *agency;          /* "SỞ NỘI VỤ" (upper case) */
    /* "12/BC-SNV"; a number below 10 gets its leading zero ("5/BC-SNV" is
     * shown "05/BC-SNV"). NULL or "": a draft, "Số:" is followed by a blank
     * "      /" left to fill in. */
    const char *number;
    const char *place;           /* "Sóc Trăng" */
    int year, month, day;        /* the date of the document */
    const char *title;           /* "BÁO CÁO" */
    const char *subject;         /* "Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2025" */
    const struct report_section *sections;
    size_t nsections;
    const char *const *recipients; /* "Như trên;", "Lưu: VT, TĐKT." */
    size_t nrecipients;
    const char *signer_authority; /* "KT. GIÁM ĐỐC" (optional; above the title) */
    const char *signer_title;    /* "GIÁM ĐỐC" */
    const char *signer_name;     /* "Nguyễn Văn A" */
};

/* What both renderers answer. */
enum report_rc {
    REPORT_OK = 0,
    REPORT_BAD_CELL,     /* a cell not of its column's type (or bad UTF-8 in a model field) */
    REPORT_NO_FONT,      /* the font (Liberation Serif) is not installed or lacks a glyph */
    REPORT_IO,           /* a temporary file or directory could not be made, written or read */
    REPORT_LIBRARY       /* cairo, pango or libxlsxwriter failed (out of memory, mostly) */
};

/* Helpers both renderers share (report_doc.c). Nothing here allocates:
 * each writes at most n bytes into buf, always NUL-terminated. */

/* true when cell (NULL or "": an empty cell, valid) is of the type; for a
 * percent, *places (may be NULL) receives its decimal places (0..6). */
int report_cell_valid(enum report_col_type type, const char *cell, int *places);
/* A valid cell as a Vietnamese reader writes it: "1.234", "98,6 %" (a
 * no-break space before the sign, so it never wraps alone), "05/07/2025",
 * text as is. */
void report_cell_display(enum report_col_type type, const char *cell, char *buf, size_t n);
/* "Số: 05/BC-SNV" (the leading zero added below 10), or "Số:       /" for a
 * draft without a number. */
void report_number_line(const char *number, char *buf, size_t n);
/* "Sóc Trăng, ngày 05 tháng 7 năm 2025": the day below 10 and the months 1
 * and 2 with a leading zero, as Nghị định 30/2020 writes them. */
void report_date_line(const struct report_doc *doc, char *buf, size_t n);

#endif
