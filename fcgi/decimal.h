/* decimal.h — a number the user wrote is a decimal, never a binary float:
 * "98.6" is 986 tenths, not the double nearest to it. Text (a JSON number
 * as written, or a CSV cell) is parsed without floating point, checked
 * against declared limits, compared exactly and written back in one
 * canonical form: no exponent, no '+', no trailing fractional zero, a
 * "0" before the point, no "-0" ("100" not "1e2", "0.1" not ".1", "98.6"
 * not "98.60").
 *
 * A decimal holds at most DECIMAL_DIGITS significant digits and as many
 * places. A number that does not fit is refused as out of range: limits
 * must be declared so that every value within them fits (the integer
 * digits of the bounds plus the places at most DECIMAL_DIGITS), and then
 * a longer number is beyond the bounds indeed. So a 20-digit decimal is
 * refused, never rounded to fit: 33.333333333333333333 for having more
 * places than allowed (DECIMAL_PLACES), 12345678901234567890 as out of
 * range (DECIMAL_RANGE).
 *
 * Nothing here allocates but decimal_problem (in the arena given). */
#ifndef THIDUA_DECIMAL_H
#define THIDUA_DECIMAL_H
#include <stddef.h>

#include "arena.h"

enum {
    DECIMAL_DIGITS = 18,   /* significant digits, and places, at most */
    DECIMAL_TEXT_MAX = 24  /* canonical text and its NUL: "-0.000000000000000001" */
};

/* mant / 10^scale, normalized: 0 <= scale <= DECIMAL_DIGITS, no trailing
 * zero in mant when scale > 0, zero is {0, 0}. Equal values are equal
 * structs, so a literal bound is written normalized too: {99999999, 2}. */
typedef struct decimal {
    long long mant;
    int scale;
} decimal;

/* What a field accepts: at most `places` decimal places (0: an integer)
 * and min <= value <= max. */
typedef struct decimal_limits {
    int places;
    decimal min, max;
} decimal_limits;

typedef enum {
    DECIMAL_JSON,  /* a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    DECIMAL_PLAIN  /* a CSV cell: -?[0-9]+(.[0-9]+)?, leading zeros allowed ("007"); no exponent */
} decimal_syntax;

typedef enum {
    DECIMAL_OK = 0,
    DECIMAL_SYNTAX,  /* not a number of that syntax (spaces, "+1", ".5", "5.", "98,6" included) */
    DECIMAL_PLACES,  /* more places than allowed (trailing zeros do not count: "98.60" has one) */
    DECIMAL_RANGE    /* beyond the bounds, or too many digits to hold */
} decimal_rc;

/* Parses text[0..len) into *out and checks it against lim (NULL: only
 * what a decimal can hold). *out is untouched unless DECIMAL_OK. */
decimal_rc decimal_parse(const char *text, size_t len, decimal_syntax syntax, const decimal_limits *lim,
                         decimal *out);
/* Sign (-1, 0, 1) of a - b, exactly. */
int decimal_cmp(const decimal *a, const decimal *b);
/* The canonical text of d (normalized) into buf; returns buf. */
char *decimal_format(const decimal *d, char buf[DECIMAL_TEXT_MAX]);
/* What is wrong, in Vietnamese, for a field error ("tối đa 6 chữ số thập
 * phân", "phải từ 0 đến 999999,99"); NULL for DECIMAL_OK. lim may be NULL. */
const char *decimal_problem(arena *a, decimal_rc rc, const decimal_limits *lim);

#endif
