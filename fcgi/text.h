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
/* true when valid UTF-8 s holds a control character (C0, DEL, C1) other
 * than tab, or than CR/LF with allow_newlines. */
bool text_has_control(const char *s, bool allow_newlines);
/* "98,74 %" from 98.735 with 2 decimals (0..6): rounded half away from
 * zero on the number as written in decimal (15 significant digits), not on
 * its binary approximation, so 1.005 gives "1,01 %". */
char *text_percent_vi(arena *a, double value, int decimals);
/* "31/12/2025" from "2025-12-31"; NULL when iso is not a date. */
char *text_date_vi(arena *a, const char *iso);
/* true when iso is a real calendar date YYYY-MM-DD (years 1900..2200). */
bool text_is_date(const char *iso);

#endif
