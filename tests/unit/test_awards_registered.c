/* test_awards_registered.c — the criterion `registered` (awards.md: "a
 * registration for the award dated on or before registration_closes_on")
 * at its edges: the closing day itself, the day after, no registration,
 * a closing day moved away from the default S + 60, across a month and a
 * leap day; and the evidence it leaves (the registration's date and the
 * closing day, null when there is no registration). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "awards.h"
#include "scorecard.h"

static long day(const char *iso)
{
    long d;
    assert_int_equal(sc_date_parse(iso, &d), 0);
    return d;
}

static void closing_day_edges(void **state)
{
    (void)state;
    json_t *ev = json_object();
    long closes = day("2025-03-02"); /* S + 60 of a campaign from 2025-01-01 */
    assert_true(crit_registered(day("2025-03-02"), closes, ev));
    assert_true(crit_registered(day("2025-03-01"), closes, ev));
    assert_true(crit_registered(day("2024-12-20"), closes, ev)); /* before S: the bound is the API's */
    assert_false(crit_registered(day("2025-03-03"), closes, ev));
    assert_false(crit_registered(0, closes, ev));
    json_decref(ev);
}

static void leap_day_and_moved_close(void **state)
{
    (void)state;
    json_t *ev = json_object();
    /* A campaign of 2024 closing its registrations on the leap day. */
    long closes = day("2024-02-29");
    assert_true(crit_registered(day("2024-02-29"), closes, ev));
    assert_false(crit_registered(day("2024-03-01"), closes, ev));
    /* The agency moved the closing day to the end of the year. */
    closes = day("2025-12-31");
    assert_true(crit_registered(day("2025-12-31"), closes, ev));
    assert_false(crit_registered(day("2026-01-01"), closes, ev));
    json_decref(ev);
}

static void evidence(void **state)
{
    (void)state;
    json_t *ev = json_object();
    assert_false(crit_registered(day("2025-03-03"), day("2025-03-02"), ev));
    assert_string_equal(json_string_value(json_object_get(ev, "registered_on")), "2025-03-03");
    assert_string_equal(json_string_value(json_object_get(ev, "registration_closes_on")), "2025-03-02");
    json_decref(ev);
    ev = json_object();
    assert_false(crit_registered(0, day("2025-03-02"), ev));
    assert_true(json_is_null(json_object_get(ev, "registered_on")));
    assert_string_equal(json_string_value(json_object_get(ev, "registration_closes_on")), "2025-03-02");
    json_decref(ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(closing_day_edges),
        cmocka_unit_test(leap_day_and_moved_close),
        cmocka_unit_test(evidence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
