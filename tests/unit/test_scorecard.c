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

static void decimals_parse_exactly(void **state)
{
    (void)state;
    sc_decimal d;
    assert_int_equal(sc_decimal_parse("98", &d), 0);
    assert_int_equal(d.mant, 98);
    assert_int_equal(d.scale, 0);
    assert_int_equal(sc_decimal_parse("98.50", &d), 0);
    assert_int_equal(d.mant, 9850);
    assert_int_equal(d.scale, 2);
    assert_int_equal(sc_decimal_parse("-3", &d), 0);
    assert_int_equal(d.mant, -3);
    assert_int_equal(sc_decimal_parse("0.001", &d), 0);
    assert_int_equal(d.mant, 1);
    assert_int_equal(d.scale, 3);
    assert_int_equal(sc_decimal_parse("999999999999999999", &d), 0);
    const char *bad[] = {"", "-", ".5", "5.", "1e2", "\"98\"", "true", "null", "9..8", "1.2.3", " 9", "9 ",
                         "1234567890123456789", NULL};
    for (int i = 0; bad[i]; i++)
        assert_int_equal(sc_decimal_parse(bad[i], &d), -1);
    assert_int_equal(sc_decimal_parse(NULL, &d), -1);
}

static int cmp(long long num, long long den, long long mult, const char *thr)
{
    sc_decimal d;
    assert_int_equal(sc_decimal_parse(thr, &d), 0);
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
        cmocka_unit_test_teardown(decimals_parse_exactly, teardown),
        cmocka_unit_test_teardown(fractions_compare_exactly, teardown),
        cmocka_unit_test_teardown(comparators, teardown),
        cmocka_unit_test_teardown(percent_rounds_half_up, teardown),
        cmocka_unit_test_teardown(statuses, teardown),
        cmocka_unit_test_teardown(orders, teardown),
        cmocka_unit_test_teardown(dates, teardown),
        cmocka_unit_test_teardown(series_points, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
