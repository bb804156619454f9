/* fuzz_decimal.c — the decimal parser (fcgi/decimal.h) on any bytes, in
 * both syntaxes, without limits and with those of a percent, a count and
 * an index score. Checks:
 *   - a decimal parsed is normalized, within its limits and its places;
 *     its canonical text parses back, in both syntaxes, to the same
 *     decimal; it compares equal to itself; jsontext_dumps writes it as
 *     that text;
 *   - what is refused has a message;
 *   - the input cut at its first space gives two decimals whose comparison
 *     is antisymmetric and agrees with their doubles when they are far
 *     apart. */
#include "fuzz.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>

#include "decimal.h"
#include "jsontext.h"

static const decimal_limits percent = {.places = 6, .min = {0, 0}, .max = {100, 0}};
static const decimal_limits count = {.places = 0, .min = {0, 0}, .max = {1000000, 0}};
static const decimal_limits score = {.places = 2, .min = {0, 0}, .max = {99999999, 2}};
static const decimal_limits *const limits[] = {NULL, &percent, &count, &score};

static void check_normal(const decimal *d)
{
    FUZZ_CHECK(d->scale >= 0 && d->scale <= DECIMAL_DIGITS);
    if (d->scale > 0)
        FUZZ_CHECK(d->mant % 10 != 0);
    if (d->mant == 0)
        FUZZ_CHECK(d->scale == 0);
}

static void check_parsed(const decimal *d, const decimal_limits *lim)
{
    check_normal(d);
    if (lim) {
        FUZZ_CHECK(d->scale <= lim->places);
        FUZZ_CHECK(decimal_cmp(d, &lim->min) >= 0 && decimal_cmp(d, &lim->max) <= 0);
    }
    FUZZ_CHECK(decimal_cmp(d, d) == 0);
    char buf[DECIMAL_TEXT_MAX];
    const char *text = decimal_format(d, buf);
    size_t n = strlen(text);
    FUZZ_CHECK(n < DECIMAL_TEXT_MAX);
    for (int s = 0; s < 2; s++) {
        decimal back;
        FUZZ_CHECK(decimal_parse(text, n, s ? DECIMAL_PLAIN : DECIMAL_JSON, lim, &back) == DECIMAL_OK);
        FUZZ_CHECK(back.mant == d->mant && back.scale == d->scale);
    }
    json_t *j = json_pack("{s:o}", "v", jsontext_decimal(d));
    FUZZ_CHECK(j != NULL);
    char *dumped = jsontext_dumps(j, JSON_COMPACT);
    FUZZ_CHECK(dumped != NULL);
    char want[64];
    snprintf(want, sizeof want, "{\"v\":%s}", text);
    FUZZ_CHECK(strcmp(dumped, want) == 0);
    free(dumped);
    json_decref(j);
}

static double approx(const decimal *d)
{
    return (double)d->mant / pow(10, d->scale);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static arena mem;
    const char *s = (const char *)data;
    for (int syn = 0; syn < 2; syn++) {
        decimal_syntax syntax = syn ? DECIMAL_PLAIN : DECIMAL_JSON;
        for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++) {
            decimal d = {-7, 7};
            decimal_rc rc = decimal_parse(s, size, syntax, limits[l], &d);
            if (rc == DECIMAL_OK) {
                check_parsed(&d, limits[l]);
            } else {
                FUZZ_CHECK(rc == DECIMAL_SYNTAX || rc == DECIMAL_PLACES || rc == DECIMAL_RANGE);
                FUZZ_CHECK(d.mant == -7 && d.scale == 7);
                const char *msg = decimal_problem(&mem, rc, limits[l]);
                FUZZ_CHECK(msg && *msg);
            }
        }
    }
    const char *space = memchr(s, ' ', size);
    if (space) {
        decimal a, b;
        size_t alen = (size_t)(space - s);
        if (decimal_parse(s, alen, DECIMAL_PLAIN, NULL, &a) == DECIMAL_OK &&
            decimal_parse(space + 1, size - alen - 1, DECIMAL_PLAIN, NULL, &b) == DECIMAL_OK) {
            int ab = decimal_cmp(&a, &b), ba = decimal_cmp(&b, &a);
            FUZZ_CHECK(ab == -ba && ab >= -1 && ab <= 1);
            double x = approx(&a), y = approx(&b);
            if (fabs(x - y) > 1e-9 * (fabs(x) + fabs(y)))
                FUZZ_CHECK(ab == (x < y ? -1 : 1));
        }
    }
    arena_free(&mem);
    return 0;
}
