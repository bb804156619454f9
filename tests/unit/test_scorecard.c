/* test_scorecard.c — unit tests for the exact arithmetic and rules of the
 * scorecard (fcgi/scorecard.c): thresholds as exact decimals, fraction
 * comparison, half-up rounding of the displayed percentage, statuses,
 * the title and rating orders, dates and the points of a series. The
 * metrics themselves are tested through the API (tests/api/test_scorecard_*). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "scorecard.h"

static arena mem;

static int teardown(void **state)
{
    (void)state;
    arena_free(&mem);
    return 0;
}

/* Thresholds are read as the scorecard reads them from jsonb (decimal.h;
 * its own tests are in test_decimal.c). */
static int cmp(long long num, long long den, long long mult, const char *thr)
{
    decimal d;
    assert_int_equal(decimal_parse(thr, strlen(thr), DECIMAL_JSON, NULL, &d), DECIMAL_OK);
    return sc_compare(num, den, mult, &d);
}

static void fractions_compare_exactly(void **state)
{
    (void)state;
    /* 49/50 is exactly 98 %: not above 98, at least 98. */
    assert_int_equal(cmp(49, 50, 100, "98"), 0);
    assert_false(sc_comparator_holds("gt", cmp(49, 50, 100, "98")));
    assert_true(sc_comparator_holds("ge", cmp(49, 50, 100, "98")));
    /* 50/51 = 98.039...: above. */
    assert_int_equal(cmp(50, 51, 100, "98"), 1);
    /* 2/3 = 66.666...: below 66.67 although shown as 66.67, above 66.66. */
    assert_int_equal(cmp(2, 3, 100, "66.67"), -1);
    assert_int_equal(cmp(2, 3, 100, "66.66"), 1);
    /* 98.5 % exactly. */
    assert_int_equal(cmp(197, 200, 100, "98.5"), 0);
    assert_int_equal(cmp(197, 200, 100, "98.50"), 0);
    /* A count against a threshold: 2 >= 2. */
    assert_int_equal(cmp(2, 1, 1, "2"), 0);
    assert_int_equal(cmp(1, 1, 1, "2"), -1);
    /* Large: 999 999 of 1 000 000 is 99.9999 %. */
    assert_int_equal(cmp(999999, 1000000, 100, "99.9999"), 0);
    assert_int_equal(cmp(999999, 1000000, 100, "99.99991"), -1);
    assert_int_equal(cmp(0, 7, 100, "-1"), 1);
}

/* Thresholds that a double cannot hold: compared as written, they are met
 * exactly at the boundary and not a hair before. */
static void thresholds_that_are_not_binary(void **state)
{
    (void)state;
    /* 493/500 is 98.6 % exactly: not above 98.6, at least 98.6 (as a
     * double, 98.6 is 98.599999999999994 and 493/500 would be above). */
    assert_int_equal(cmp(493, 500, 100, "98.6"), 0);
    assert_false(sc_comparator_holds("gt", cmp(493, 500, 100, "98.6")));
    assert_true(sc_comparator_holds("ge", cmp(493, 500, 100, "98.6")));
    assert_int_equal(cmp(492, 500, 100, "98.6"), -1);
    /* 1/1000 is 0.1 %. */
    assert_int_equal(cmp(1, 1000, 100, "0.1"), 0);
    assert_false(sc_comparator_holds("gt", cmp(1, 1000, 100, "0.1")));
    assert_true(sc_comparator_holds("ge", cmp(1, 1000, 100, "0.1")));
    /* 3333/10000 is 33.33 %. */
    assert_int_equal(cmp(3333, 10000, 100, "33.33"), 0);
    assert_false(sc_comparator_holds("gt", cmp(3333, 10000, 100, "33.33")));
    assert_true(sc_comparator_holds("ge", cmp(3333, 10000, 100, "33.33")));
    /* 99.999999 % at 6 places: 99 999 999 of 100 000 000. */
    assert_int_equal(cmp(99999999, 100000000, 100, "99.999999"), 0);
    assert_int_equal(cmp(99999998, 100000000, 100, "99.999999"), -1);
    /* The smallest positive percent: one in 10^8. */
    assert_int_equal(cmp(1, 100000000, 100, "0.000001"), 0);
    assert_int_equal(cmp(1, 100000001, 100, "0.000001"), -1);
}

static void comparators(void **state)
{
    (void)state;
    const char *ops[] = {"gt", "ge", "lt", "le", "eq"};
    const bool below[] = {false, false, true, true, false};
    const bool equal[] = {false, true, false, true, true};
    const bool above[] = {true, true, false, false, false};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(sc_comparator_holds(ops[i], -1), below[i]);
        assert_int_equal(sc_comparator_holds(ops[i], 0), equal[i]);
        assert_int_equal(sc_comparator_holds(ops[i], 1), above[i]);
    }
    assert_false(sc_comparator_holds("ne", 1));
    assert_false(sc_comparator_holds("", 0));
}

static void percent_rounds_half_up(void **state)
{
    (void)state;
    assert_int_equal(sc_percent_hundredths(2, 3), 6667);
    assert_int_equal(sc_percent_hundredths(1, 3), 3333);
    assert_int_equal(sc_percent_hundredths(49, 50), 9800);
    assert_int_equal(sc_percent_hundredths(233, 236), 9873);
    /* 1/160 = 0.625 %: half-up gives 0.63 (not the 0.62 of half-even). */
    assert_int_equal(sc_percent_hundredths(1, 160), 63);
    /* 1/800 = 0.125 %: 0.13. 3/800 = 0.375 %: 0.38. */
    assert_int_equal(sc_percent_hundredths(1, 800), 13);
    assert_int_equal(sc_percent_hundredths(3, 800), 38);
    assert_int_equal(sc_percent_hundredths(0, 5), 0);
    assert_int_equal(sc_percent_hundredths(5, 5), 10000);
    assert_int_equal(sc_percent_hundredths(999999, 1000000), 10000);
    assert_int_equal(sc_percent_hundredths(999949, 1000000), 9999);
}

static void statuses(void **state)
{
    (void)state;
    assert_string_equal(sc_status(true, false, false), "pending");
    assert_string_equal(sc_status(true, true, true), "pending");
    assert_string_equal(sc_status(false, true, false), "met");
    assert_string_equal(sc_status(false, true, true), "met");
    assert_string_equal(sc_status(false, false, false), "at_risk");
    assert_string_equal(sc_status(false, false, true), "missed");
}

static void orders(void **state)
{
    (void)state;
    assert_true(sc_rating_rank("KHTNV") < sc_rating_rank("HTNV"));
    assert_true(sc_rating_rank("HTNV") < sc_rating_rank("HTTNV"));
    assert_true(sc_rating_rank("HTTNV") < sc_rating_rank("HTXSNV"));
    assert_int_equal(sc_rating_rank("htnv"), 0);
    assert_int_equal(sc_rating_rank(NULL), 0);
    assert_int_equal(sc_individual_title_rank("LDTT"), 1);
    assert_int_equal(sc_individual_title_rank("CSTDCS"), 2);
    assert_int_equal(sc_individual_title_rank("CSTD_TINH"), 3);
    assert_int_equal(sc_individual_title_rank("CSTD_TOAN_QUOC"), 4);
    assert_int_equal(sc_individual_title_rank("TTLDTT"), 0);
    assert_int_equal(sc_collective_title_rank("TTLDTT"), 1);
    assert_int_equal(sc_collective_title_rank("TTLDXS"), 2);
    assert_int_equal(sc_collective_title_rank("LDTT"), 0);
}

static void dates(void **state)
{
    (void)state;
    long d;
    assert_int_equal(sc_date_parse("1970-01-01", &d), 0);
    assert_int_equal(d, 0);
    assert_int_equal(sc_date_parse("2024-02-29", &d), 0);
    assert_string_equal(sc_date_format(&mem, d), "2024-02-29");
    assert_string_equal(sc_date_format(&mem, d + 1), "2024-03-01");
    assert_int_equal(sc_date_parse("2000-02-29", &d), 0);
    assert_int_equal(sc_date_parse("2025-02-29", &d), -1);
    assert_int_equal(sc_date_parse("2100-02-29", &d), -1);
    assert_int_equal(sc_date_parse("2025-04-31", &d), -1);
    assert_int_equal(sc_date_parse("2025-13-01", &d), -1);
    assert_int_equal(sc_date_parse("2025-1-01", &d), -1);
    assert_int_equal(sc_date_parse(NULL, &d), -1);
    assert_int_equal(sc_date_parse("2025-12-31", &d), 0);
    assert_string_equal(sc_date_format(&mem, d + 1), "2026-01-01");
    /* The range is text_date_parse's (text.h), not one of its own. */
    assert_int_equal(sc_date_parse("1900-01-01", &d), 0);
    assert_int_equal(d, -25567);
    assert_int_equal(sc_date_parse("2999-12-31", &d), 0);
    assert_int_equal(d, 376199);
    assert_int_equal(sc_date_parse("1899-12-31", &d), -1);
    assert_int_equal(sc_date_parse("3000-01-01", &d), -1);
    assert_int_equal(sc_date_parse("2025-01-01x", &d), -1);
}

static void expect_points(const char *from, const char *to, const char *step, int max, const char *const *want, int n)
{
    const char **got = NULL;
    int count = sc_series_dates(&mem, from, to, step, max, &got);
    assert_int_equal(count, n);
    for (int i = 0; i < n; i++)
        assert_string_equal(got[i], want[i]);
}

static void series_points(void **state)
{
    (void)state;
    const char *months[] = {"2025-01-31", "2025-02-28", "2025-03-31", "2025-04-10"};
    expect_points("2025-01-15", "2025-04-10", "month", 400, months, 4);
    const char *year_end[] = {"2025-12-31", "2026-01-31"};
    expect_points("2025-12-31", "2026-01-31", "month", 400, year_end, 2);
    const char *leap[] = {"2024-02-29"};
    expect_points("2024-02-01", "2024-02-29", "month", 400, leap, 1);
    /* 2025-01-01 is a Wednesday: weeks end on Sundays. */
    const char *weeks[] = {"2025-01-05", "2025-01-12", "2025-01-19", "2025-01-20"};
    expect_points("2025-01-01", "2025-01-20", "week", 400, weeks, 4);
    const char *sunday[] = {"2025-01-05"};
    expect_points("2025-01-05", "2025-01-05", "week", 400, sunday, 1);
    const char *monday[] = {"2025-01-12"};
    expect_points("2025-01-06", "2025-01-12", "week", 400, monday, 1);
    const char *same[] = {"2025-03-03"};
    expect_points("2025-03-03", "2025-03-03", "month", 400, same, 1);
    /* Bounds: 4 months fit in 4, not in 3; from after to: none. */
    expect_points("2025-01-15", "2025-04-10", "month", 4, months, 4);
    const char **got = NULL;
    assert_int_equal(sc_series_dates(&mem, "2025-01-15", "2025-04-10", "month", 3, &got), -1);
    assert_int_equal(sc_series_dates(&mem, "2025-05-01", "2025-04-10", "month", 3, &got), 0);
    assert_int_equal(sc_series_dates(&mem, "2025-01-01", "2025-04-10", "day", 400, &got), -2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(fractions_compare_exactly, teardown),
        cmocka_unit_test_teardown(thresholds_that_are_not_binary, teardown),
        cmocka_unit_test_teardown(comparators, teardown),
        cmocka_unit_test_teardown(percent_rounds_half_up, teardown),
        cmocka_unit_test_teardown(statuses, teardown),
        cmocka_unit_test_teardown(orders, teardown),
        cmocka_unit_test_teardown(dates, teardown),
        cmocka_unit_test_teardown(series_points, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
