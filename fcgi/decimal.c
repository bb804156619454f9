#include "decimal.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* An exponent is read up to this much and no further: beyond it, and
 * beyond any text's count of fraction digits, a number is out of every
 * range or has too many places whatever the rest of the exponent says. */
#define EXPONENT_CAP 100000000000000LL /* 1e14 */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Where the parts of a number are in its text. */
typedef struct lexeme {
    bool negative;
    const char *ints, *frac; /* digits before and after the point */
    size_t nints, nfrac;
    long long exponent;
} lexeme;

/* Splits text into its parts by the syntax. false when it is not one. */
static bool lex(const char *text, size_t len, decimal_syntax syntax, lexeme *x)
{
    size_t i = 0;
    memset(x, 0, sizeof *x);
    if (!text)
        return false;
    if (i < len && text[i] == '-') {
        x->negative = true;
        i++;
    }
    x->ints = text + i;
    while (i < len && is_digit(text[i]))
        i++;
    x->nints = (size_t)(text + i - x->ints);
    if (x->nints == 0 || (syntax == DECIMAL_JSON && x->nints > 1 && x->ints[0] == '0'))
        return false;
    x->frac = text + i;
    if (i < len && text[i] == '.') {
        x->frac = text + ++i;
        while (i < len && is_digit(text[i]))
            i++;
        x->nfrac = (size_t)(text + i - x->frac);
        if (x->nfrac == 0)
            return false;
    }
    if (syntax == DECIMAL_JSON && i < len && (text[i] == 'e' || text[i] == 'E')) {
        bool negative = false;
        if (++i < len && (text[i] == '+' || text[i] == '-'))
            negative = text[i++] == '-';
        size_t start = i;
        for (; i < len && is_digit(text[i]); i++)
            if (x->exponent < EXPONENT_CAP)
                x->exponent = x->exponent * 10 + (text[i] - '0');
        if (i == start)
            return false;
        if (negative)
            x->exponent = -x->exponent;
    }
    return i == len;
}

/* The k-th digit of the number's digits, fraction after integer part. */
static int digit_at(const lexeme *x, size_t k)
{
    return (k < x->nints ? x->ints[k] : x->frac[k - x->nints]) - '0';
}

decimal_rc decimal_parse(const char *text, size_t len, decimal_syntax syntax, const decimal_limits *lim,
                         decimal *out)
{
    lexeme x;
    if (!lex(text, len, syntax, &x))
        return DECIMAL_SYNTAX;
    /* The value is D * 10^e, D the digits from the first to the last that
     * is not 0; every other digit is a leading or trailing zero. */
    size_t n = x.nints + x.nfrac, first = 0, last = n;
    while (first < n && digit_at(&x, first) == 0)
        first++;
    decimal d = {0, 0};
    if (first < n) {
        while (digit_at(&x, last - 1) == 0)
            last--;
        long long e = x.exponent - (long long)x.nfrac + (long long)(n - last);
        long long sig = (long long)(last - first);
        long long places = e < 0 ? -e : 0;
        long long allowed = lim && lim->places < DECIMAL_DIGITS ? lim->places : DECIMAL_DIGITS;
        if (places > allowed)
            return DECIMAL_PLACES;
        if (sig + (e > 0 ? e : 0) > DECIMAL_DIGITS)
            return DECIMAL_RANGE;
        for (size_t k = first; k < last; k++)
            d.mant = d.mant * 10 + digit_at(&x, k);
        for (long long k = 0; k < e; k++)
            d.mant *= 10;
        d.scale = (int)places;
        if (x.negative)
            d.mant = -d.mant;
    }
    if (lim && (decimal_cmp(&d, &lim->min) < 0 || decimal_cmp(&d, &lim->max) > 0))
        return DECIMAL_RANGE;
    *out = d;
    return DECIMAL_OK;
}

/* mant * 10^(scale - d->scale): at most 18 + 18 digits, within 128 bits. */
static __int128 scaled(const decimal *d, int scale)
{
    __int128 v = d->mant;
    for (int i = d->scale; i < scale; i++)
        v *= 10;
    return v;
}

int decimal_cmp(const decimal *a, const decimal *b)
{
    int scale = a->scale > b->scale ? a->scale : b->scale;
    __int128 x = scaled(a, scale), y = scaled(b, scale);
    return x > y ? 1 : x < y ? -1 : 0;
}

char *decimal_format(const decimal *d, char buf[DECIMAL_TEXT_MAX])
{
    char digits[DECIMAL_TEXT_MAX];
    unsigned long long m = d->mant < 0 ? 0 - (unsigned long long)d->mant : (unsigned long long)d->mant;
    int n = snprintf(digits, sizeof digits, "%llu", m);
    char *p = buf;
    if (d->mant < 0)
        *p++ = '-';
    if (d->scale == 0) {
        memcpy(p, digits, (size_t)n + 1);
    } else if (n <= d->scale) {
        /* 0.000123: "0.", the zeros the digits do not fill, the digits. */
        *p++ = '0';
        *p++ = '.';
        for (int i = n; i < d->scale; i++)
            *p++ = '0';
        memcpy(p, digits, (size_t)n + 1);
    } else {
        size_t whole = (size_t)(n - d->scale);
        memcpy(p, digits, whole);
        p[whole] = '.';
        memcpy(p + whole + 1, digits + whole, (size_t)d->scale + 1);
    }
    return buf;
}

/* A bound the Vietnamese way: 999999,99. */
static const char *bound_text(arena *a, const decimal *d)
{
    char buf[DECIMAL_TEXT_MAX];
    char *s = arena_strdup(a, decimal_format(d, buf));
    char *point = strchr(s, '.');
    if (point)
        *point = ',';
    return s;
}

const char *decimal_problem(arena *a, decimal_rc rc, const decimal_limits *lim)
{
    switch (rc) {
    case DECIMAL_OK:
        return NULL;
    case DECIMAL_SYNTAX:
        return "phải là số, viết dạng 98.6";
    case DECIMAL_PLACES:
        if (lim && lim->places == 0)
            return "phải là số nguyên";
        return arena_printf(a, "tối đa %d chữ số thập phân",
                            lim && lim->places < DECIMAL_DIGITS ? lim->places : DECIMAL_DIGITS);
    case DECIMAL_RANGE:
        if (!lim)
            return arena_printf(a, "quá %d chữ số", DECIMAL_DIGITS);
        return arena_printf(a, "phải từ %s đến %s", bound_text(a, &lim->min), bound_text(a, &lim->max));
    }
    return "không hợp lệ";
}
