/* text.h — Vietnamese text done right: UTF-8 validation and NFC (utf8proc),
 * and display formats people read (98,6 %, dd/mm/yyyy).
 * Results are allocated in the arena given. */
#ifndef THIDUA_TEXT_H
#define THIDUA_TEXT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"

bool text_valid_utf8(const char *s, size_t len);
/* A JSON string of s as it can be shown: s itself when it is valid UTF-8,
 * else a copy with each byte that is not replaced by U+FFFD (an error that
 * quotes a name the client sent in Windows-1258 is still said). A new
 * reference (jansson), or NULL when out of memory. */
struct json_t;
struct json_t *text_json_string(const char *s);
/* NFC of valid UTF-8 s; NULL when s is not valid UTF-8. */
char *text_nfc(arena *a, const char *s);
/* Number of code points of valid UTF-8. */
size_t text_length(const char *s);
/* true when valid UTF-8 s holds a control character (C0, DEL, C1) other
 * than tab, or than CR/LF with allow_newlines. */
bool text_has_control(const char *s, bool allow_newlines);
/* "98,74 %" from 98.735 with 2 decimals (0..6): rounded half away from
 * zero on the number as written in decimal (15 significant digits), not on
 * its binary approximation, so 1.005 gives "1,01 %". */
char *text_percent_vi(arena *a, double value, int decimals);
/* "31/12/2025" from "2025-12-31"; NULL when iso is not a date. */
char *text_date_vi(arena *a, const char *iso);
/* Writes s to f escaped for HTML text and attribute values (& < > " ');
 * NULL writes nothing. The printed documents (minutes, dossier) write
 * every datum through it. */
void text_html(FILE *f, const char *s);
/* Dates. This is the one validator of a date in thidua: request fields,
 * query parameters and the scorecard's own arithmetic all go through it.
 * A date is exactly ten bytes YYYY-MM-DD (ASCII digits, zero-padded) naming
 * a real day of the Gregorian calendar from TEXT_DATE_FIRST to
 * TEXT_DATE_LAST. Why that range: a staff member's joined_on may lie
 * decades before any campaign, and 1900 is before any working life the
 * office records, while it still refuses a year typed short (0025, 1025);
 * campaigns.year is 2000..2100, and closes_on, a left_on planned ahead or
 * an as_of may come later, so the end is far off: every year that starts
 * with 2. PostgreSQL's date holds the whole range and gives it back as
 * YYYY-MM-DD. */
#define TEXT_DATE_FIRST "1900-01-01"
#define TEXT_DATE_LAST "2999-12-31"
/* true when iso (NULL allowed: false) is such a date; then year, month and
 * day (each may be NULL) receive its parts. On false they are untouched. */
bool text_date_parse(const char *iso, int *year, int *month, int *day);
/* text_date_parse without the parts. */
bool text_is_date(const char *iso);

#endif
