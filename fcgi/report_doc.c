/* report_doc.c — the cell types and the dated lines of report_doc.h. */
#include "report_doc.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* -?[0-9]+ ; with max_places > 0 also (.[0-9]{1,max_places})? */
static int valid_number(const char *s, int max_places, int *places)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (!is_digit(*p))
        return 0;
    while (is_digit(*p))
        p++;
    int n = 0;
    if (*p == '.' && max_places > 0) {
        p++;
        while (is_digit(*p)) {
            p++;
            n++;
        }
        if (n == 0 || n > max_places)
            return 0;
    }
    if (*p != '\0')
        return 0;
    if (places)
        *places = n;
    return 1;
}

int report_cell_valid(enum report_col_type type, const char *cell, int *places)
{
    if (places)
        *places = 0;
    if (cell == NULL || cell[0] == '\0')
        return 1;
    switch (type) {
    case REPORT_COL_TEXT:
        return text_valid_utf8(cell, strlen(cell));
    case REPORT_COL_INTEGER:
        return valid_number(cell, 0, places) && strlen(cell) <= 16;
    case REPORT_COL_PERCENT:
        return valid_number(cell, 6, places) && strlen(cell) <= 16;
    case REPORT_COL_DATE:
        return text_is_date(cell);
    }
    return 0;
}

/* "1234567" -> "1.234.567" (the Vietnamese thousands separator). */
static void group_thousands(const char *digits, size_t len, char *out, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < n)
            out[o++] = '.';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

void report_cell_display(enum report_col_type type, const char *cell, char *buf, size_t n)
{
    if (n == 0)
        return;
    buf[0] = '\0';
    if (cell == NULL || cell[0] == '\0')
        return;
    const char *sign = cell[0] == '-' ? "-" : "";
    const char *digits = cell + strlen(sign);
    char grouped[48];
    switch (type) {
    case REPORT_COL_TEXT:
        snprintf(buf, n, "%s", cell);
        return;
    case REPORT_COL_INTEGER:
        group_thousands(digits, strlen(digits), grouped, sizeof grouped);
        snprintf(buf, n, "%s%s", sign, grouped);
        return;
    case REPORT_COL_PERCENT: {
        const char *point = strchr(digits, '.');
        size_t ilen = point ? (size_t)(point - digits) : strlen(digits);
        group_thousands(digits, ilen, grouped, sizeof grouped);
        snprintf(buf, n, "%s%s%s%s\u00a0%%", sign, grouped, point ? "," : "", point ? point + 1 : "");
        return;
    }
    case REPORT_COL_DATE: {
        int y, m, d;
        if (text_date_parse(cell, &y, &m, &d))
            snprintf(buf, n, "%02d/%02d/%04d", d, m, y);
        return;
    }
    }
}

void report_number_line(const char *number, char *buf, size_t n)
{
    if (number == NULL || number[0] == '\0') {
        snprintf(buf, n, "Số:       /");
        return;
    }
    /* Nghị định 30/2020: a number below 10 is written with a leading zero. */
    int one_digit = is_digit(number[0]) && (number[1] == '/' || number[1] == '\0');
    snprintf(buf, n, "Số: %s%s", one_digit ? "0" : "", number);
}

void report_date_line(const struct report_doc *doc, char *buf, size_t n)
{
    char day[8], month[8];
    snprintf(day, sizeof day, doc->day < 10 ? "0%d" : "%d", doc->day);
    snprintf(month, sizeof month, doc->month < 3 ? "0%d" : "%d", doc->month);
    snprintf(buf, n, "%s%sngày %s tháng %s năm %d", doc->place ? doc->place : "",
             doc->place && doc->place[0] ? ", " : "", day, month, doc->year);
}
