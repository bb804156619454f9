/* text.h — Vietnamese text done right: UTF-8 validation and NFC (utf8proc),
 * and display formats people read (98,6 %, dd/mm/yyyy).
 * Results are allocated in the arena given. */
#ifndef THIDUA_TEXT_H
#define THIDUA_TEXT_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

bool text_valid_utf8(const char *s, size_t len);
/* NFC of valid UTF-8 s; NULL when s is not valid UTF-8. */
char *text_nfc(arena *a, const char *s);
/* Number of code points of valid UTF-8. */
size_t text_length(const char *s);
/* true when s holds a control character other than tab/newline. */
bool text_has_control(const char *s, bool allow_newlines);
/* "98,73 %" from 98.73 with the given decimals (half-up). */
char *text_percent_vi(arena *a, double value, int decimals);
/* "31/12/2025" from "2025-12-31"; NULL when iso is not a date. */
char *text_date_vi(arena *a, const char *iso);
/* true when iso is a real calendar date YYYY-MM-DD (years 1900..2200). */
bool text_is_date(const char *iso);

#endif
