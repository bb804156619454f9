/* test_decimal.c — unit tests for decimals as written (fcgi/decimal.c):
 * the two syntaxes, canonical text, limits exactly at their edges, the
 * numbers a double cannot hold, exact comparison and the Vietnamese
 * messages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"

static arena mem;

static int teardown(void **state)
{
    (void)state;
    arena_free(&mem);
    return 0;
}

/* The limits thidua declares: a percent threshold, an index score, a count. */
static const decimal_limits percent = {.places = 6, .min = {0, 0}, .max = {100, 0}};
static const decimal_limits score = {.places = 2, .min = {0, 0}, .max = {99999999, 2}};
static const decimal_limits count = {.places = 0, .min = {0, 0}, .max = {1000000, 0}};

static decimal_rc parse(const char *text, decimal_syntax syntax, const decimal_limits *lim, decimal *d)
{
    return decimal_parse(text, strlen(text), syntax, lim, d);
}

/* text parses (JSON syntax, limits lim) to mant / 10^scale and prints as canonical. */
static void expect(const char *text, const decimal_limits *lim, long long mant, int scale, const char *canonical)
{
    decimal d = {-1, -1};
    decimal_rc rc = parse(text, DECIMAL_JSON, lim, &d);
    if (rc != DECIMAL_OK)
        fail_msg("'%s': refused (%d)", text, rc);
    if (d.mant != mant || d.scale != scale)
        fail_msg("'%s': got %lld / 10^%d, expected %lld / 10^%d", text, d.mant, d.scale, mant, scale);
    char buf[DECIMAL_TEXT_MAX];
    assert_string_equal(decimal_format(&d, buf), canonical);
}

static void expect_rc(const char *text, decimal_syntax syntax, const decimal_limits *lim, decimal_rc want)
{
    decimal d = {12345, 3};
    decimal_rc rc = parse(text, syntax, lim, &d);
    if (rc != want)
        fail_msg("'%s': got %d, expected %d", text, rc, want);
    if (rc != DECIMAL_OK && (d.mant != 12345 || d.scale != 3))
        fail_msg("'%s': refused but *out was written", text);
}

/* ---- syntax and canonical text ------------------------------------- */

static void numbers_a_double_cannot_hold(void **state)
{
    (void)state;
    expect("98.6", NULL, 986, 1, "98.6");
    expect("0.1", NULL, 1, 1, "0.1");
    expect("33.33", NULL, 3333, 2, "33.33");
    expect("99.999999", &percent, 99999999, 6, "99.999999");
    expect("85.67", &score, 8567, 2, "85.67");
    expect("0.000001", &percent, 1, 6, "0.000001");
}

static void canonical_form(void **state)
{
    (void)state;
    expect("1e2", NULL, 100, 0, "100");
    expect("1E+2", NULL, 100, 0, "100");
    expect("98.60", NULL, 986, 1, "98.6");
    expect("98.6000000000", &percent, 986, 1, "98.6");  /* trailing zeros are not places */
    expect("100.000000", &percent, 100, 0, "100");
    expect("-0", NULL, 0, 0, "0");
    expect("-0.000", NULL, 0, 0, "0");
    expect("0e400", NULL, 0, 0, "0");                    /* zero whatever the exponent */
    expect("0", &percent, 0, 0, "0");
    expect("1.5e-3", NULL, 15, 4, "0.0015");
    expect("9860e-2", NULL, 986, 1, "98.6");
    expect("0.00986e4", NULL, 986, 1, "98.6");
    expect("-12.50", NULL, -125, 1, "-12.5");
    expect("-0.05", NULL, -5, 2, "-0.05");
    expect("120", NULL, 120, 0, "120");
    expect("999999999999999999", NULL, 999999999999999999LL, 0, "999999999999999999");
    expect("-999999999999999999", NULL, -999999999999999999LL, 0, "-999999999999999999");
    expect("0.000000000000000001", NULL, 1, 18, "0.000000000000000001");
    expect("-0.123456789012345678", NULL, -123456789012345678LL, 18, "-0.123456789012345678");
    expect("1.00000000000000000000e2", NULL, 100, 0, "100");
}

static void json_syntax(void **state)
{
    (void)state;
    static const char *const bad[] = {"",   "-",   "+1",  ".5",   "5.",   "00.5", "01",  "-01", "1e",  "1e+",
                                      "1.e2", "e2", "--1", " 1",  "1 ",   "98,6", "1.2.3", "0x10", "inf",
                                      "NaN", "1_000", "\"98\"", "true", "null", "9..8", "1e2.5", "1ee2", NULL};
    for (int i = 0; bad[i]; i++)
        expect_rc(bad[i], DECIMAL_JSON, NULL, DECIMAL_SYNTAX);
    /* Only the len bytes given are read: "98.6" inside a longer text. */
    decimal d;
    assert_int_equal(decimal_parse("98.6,\"x\":1", 4, DECIMAL_JSON, NULL, &d), DECIMAL_OK);
    assert_int_equal(d.mant, 986);
    assert_int_equal(decimal_parse(NULL, 0, DECIMAL_JSON, NULL, &d), DECIMAL_SYNTAX);
}

static void plain_syntax_of_a_csv_cell(void **state)
{
    (void)state;
    decimal d;
    /* Leading zeros mean nothing in a cell: a spreadsheet may pad. */
    assert_int_equal(parse("00.5", DECIMAL_PLAIN, NULL, &d), DECIMAL_OK);
    assert_int_equal(d.mant, 5);
    assert_int_equal(d.scale, 1);
    assert_int_equal(parse("007", DECIMAL_PLAIN, NULL, &d), DECIMAL_OK);
    assert_int_equal(d.mant, 7);
    assert_int_equal(parse("-3.250", DECIMAL_PLAIN, NULL, &d), DECIMAL_OK);
    assert_int_equal(d.mant, -325);
    /* No exponent, sign or bare point: not what a person types in a cell. */
    static const char *const bad[] = {"1e2", "1E2", "+1", ".5", "5.", "98,6", "", " 1", "1 ", "-", NULL};
    for (int i = 0; bad[i]; i++)
        expect_rc(bad[i], DECIMAL_PLAIN, NULL, DECIMAL_SYNTAX);
}

/* ---- limits -------------------------------------------------------- */

static void percent_limits_at_their_edges(void **state)
{
    (void)state;
    expect_rc("100", DECIMAL_JSON, &percent, DECIMAL_OK);
    expect_rc("0", DECIMAL_JSON, &percent, DECIMAL_OK);
    expect_rc("99.999999", DECIMAL_JSON, &percent, DECIMAL_OK);
    expect_rc("100.000001", DECIMAL_JSON, &percent, DECIMAL_RANGE);
    expect_rc("-0.000001", DECIMAL_JSON, &percent, DECIMAL_RANGE);
    expect_rc("101", DECIMAL_JSON, &percent, DECIMAL_RANGE);
    expect_rc("1e3", DECIMAL_JSON, &percent, DECIMAL_RANGE);
    /* Places are checked before the bounds: the 7th is what is wrong. */
    expect_rc("0.0000001", DECIMAL_JSON, &percent, DECIMAL_PLACES);
    expect_rc("100.0000001", DECIMAL_JSON, &percent, DECIMAL_PLACES);
    expect_rc("98.6000001", DECIMAL_JSON, &percent, DECIMAL_PLACES);
    expect_rc("1e-7", DECIMAL_JSON, &percent, DECIMAL_PLACES);
    /* 20 digits: refused, never rounded to fit. */
    expect_rc("33.333333333333333333", DECIMAL_JSON, &percent, DECIMAL_PLACES);
    expect_rc("12345678901234567890", DECIMAL_JSON, &percent, DECIMAL_RANGE);
    expect_rc("1234567890123.123456", DECIMAL_JSON, &percent, DECIMAL_RANGE);
}

static void score_and_count_limits(void **state)
{
    (void)state;
    expect_rc("999999.99", DECIMAL_JSON, &score, DECIMAL_OK);
    expect_rc("0.01", DECIMAL_JSON, &score, DECIMAL_OK);
    expect_rc("85.675", DECIMAL_JSON, &score, DECIMAL_PLACES);
    expect_rc("999999.991", DECIMAL_JSON, &score, DECIMAL_PLACES);
    expect_rc("1000000", DECIMAL_JSON, &score, DECIMAL_RANGE);
    expect_rc("999999.99", DECIMAL_PLAIN, &score, DECIMAL_OK);
    expect_rc("1000000", DECIMAL_JSON, &count, DECIMAL_OK);
    expect_rc("1e6", DECIMAL_JSON, &count, DECIMAL_OK);
    expect_rc("2.0", DECIMAL_JSON, &count, DECIMAL_OK);
    expect_rc("2.5", DECIMAL_JSON, &count, DECIMAL_PLACES);
    expect_rc("1000001", DECIMAL_JSON, &count, DECIMAL_RANGE);
    expect_rc("-1", DECIMAL_JSON, &count, DECIMAL_RANGE);
}

static void what_a_decimal_holds(void **state)
{
    (void)state;
    /* Without limits: 18 significant digits and 18 places at most. */
    expect_rc("1234567890123456789", DECIMAL_JSON, NULL, DECIMAL_RANGE);
    expect_rc("1e18", DECIMAL_JSON, NULL, DECIMAL_RANGE);
    expect_rc("1e17", DECIMAL_JSON, NULL, DECIMAL_OK);
    expect_rc("0.0000000000000000001", DECIMAL_JSON, NULL, DECIMAL_PLACES);
    expect_rc("1.0000000000000000001", DECIMAL_JSON, NULL, DECIMAL_PLACES);
    /* Exponents far beyond anything are classified, not overflowed. */
    expect_rc("1e400", DECIMAL_JSON, NULL, DECIMAL_RANGE);
    expect_rc("1e-400", DECIMAL_JSON, NULL, DECIMAL_PLACES);
    expect_rc("1e99999999999999999999999999", DECIMAL_JSON, NULL, DECIMAL_RANGE);
    expect_rc("1e-99999999999999999999999999", DECIMAL_JSON, &percent, DECIMAL_PLACES);
    expect_rc("-1e400", DECIMAL_JSON, &percent, DECIMAL_RANGE);
    /* A long run of zeros is not a long number: 2000 zeros then 1, times
     * 10^2000, is 0.1; 2000 zeros after 1 is 10^2000. */
    char text[2100] = "0.";
    memset(text + 2, '0', 2000);
    strcpy(text + 2002, "1e2000");
    expect(text, &percent, 1, 1, "0.1");
    text[0] = '1';
    text[1] = '.';
    strcpy(text + 2002, "0");
    expect(text, &percent, 1, 0, "1");
    memset(text + 1, '0', 2001);
    text[2002] = '\0';
    expect_rc(text, DECIMAL_JSON, NULL, DECIMAL_RANGE);
}

/* ---- comparison and round trips ------------------------------------ */

static void comparison_is_exact(void **state)
{
    (void)state;
    decimal a, b;
    assert_int_equal(parse("98.6", DECIMAL_JSON, NULL, &a), DECIMAL_OK);
    assert_int_equal(parse("98.60", DECIMAL_JSON, NULL, &b), DECIMAL_OK);
    assert_int_equal(decimal_cmp(&a, &b), 0);
    assert_int_equal(parse("98.600000000000001", DECIMAL_JSON, NULL, &b), DECIMAL_OK);
    assert_int_equal(decimal_cmp(&a, &b), -1);
    assert_int_equal(decimal_cmp(&b, &a), 1);
    assert_int_equal(parse("98.599999999999994", DECIMAL_JSON, NULL, &b), DECIMAL_OK);
    assert_int_equal(decimal_cmp(&a, &b), 1);
    decimal big = {999999999999999999LL, 0}, tiny = {1, 18}, neg = {-1, 18}, zero = {0, 0};
    assert_int_equal(decimal_cmp(&big, &tiny), 1);
    assert_int_equal(decimal_cmp(&tiny, &zero), 1);
    assert_int_equal(decimal_cmp(&neg, &zero), -1);
    decimal nbig = {-999999999999999999LL, 0};
    assert_int_equal(decimal_cmp(&nbig, &neg), -1);
}

static void canonical_text_round_trips(void **state)
{
    (void)state;
    /* Every normalized decimal prints as text that parses back to it. */
    srand(20250101);
    for (int i = 0; i < 20000; i++) {
        long long mant = 0;
        int digits = 1 + rand() % DECIMAL_DIGITS;
        for (int k = 0; k < digits; k++)
            mant = mant * 10 + rand() % 10;
        int scale = rand() % (DECIMAL_DIGITS + 1);
        if (mant == 0)
            scale = 0;
        while (scale > 0 && mant % 10 == 0)
            mant /= 10, scale--;
        if (rand() % 2)
            mant = -mant;
        decimal d = {mant, scale}, back;
        char buf[DECIMAL_TEXT_MAX];
        decimal_format(&d, buf);
        assert_int_equal(parse(buf, DECIMAL_JSON, NULL, &back), DECIMAL_OK);
        assert_int_equal(parse(buf, DECIMAL_PLAIN, NULL, &back), DECIMAL_OK);
        if (back.mant != d.mant || back.scale != d.scale)
            fail_msg("%lld / 10^%d printed as %s read back as %lld / 10^%d", d.mant, d.scale, buf, back.mant,
                     back.scale);
        assert_null(strchr(buf, 'e'));
    }
}

/* ---- messages ------------------------------------------------------ */

static void messages_say_the_limit(void **state)
{
    (void)state;
    assert_null(decimal_problem(&mem, DECIMAL_OK, &percent));
    assert_string_equal(decimal_problem(&mem, DECIMAL_PLACES, &percent), "tối đa 6 chữ số thập phân");
    assert_string_equal(decimal_problem(&mem, DECIMAL_PLACES, &count), "phải là số nguyên");
    assert_string_equal(decimal_problem(&mem, DECIMAL_RANGE, &percent), "phải từ 0 đến 100");
    assert_string_equal(decimal_problem(&mem, DECIMAL_RANGE, &score), "phải từ 0 đến 999999,99");
    assert_string_equal(decimal_problem(&mem, DECIMAL_RANGE, NULL), "quá 18 chữ số");
    assert_string_equal(decimal_problem(&mem, DECIMAL_PLACES, NULL), "tối đa 18 chữ số thập phân");
    assert_non_null(decimal_problem(&mem, DECIMAL_SYNTAX, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(numbers_a_double_cannot_hold, teardown),
        cmocka_unit_test_teardown(canonical_form, teardown),
        cmocka_unit_test_teardown(json_syntax, teardown),
        cmocka_unit_test_teardown(plain_syntax_of_a_csv_cell, teardown),
        cmocka_unit_test_teardown(percent_limits_at_their_edges, teardown),
        cmocka_unit_test_teardown(score_and_count_limits, teardown),
        cmocka_unit_test_teardown(what_a_decimal_holds, teardown),
        cmocka_unit_test_teardown(comparison_is_exact, teardown),
        cmocka_unit_test_teardown(canonical_text_round_trips, teardown),
        cmocka_unit_test_teardown(messages_say_the_limit, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
