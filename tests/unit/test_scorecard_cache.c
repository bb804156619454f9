/* test_scorecard_cache.c — unit tests for the worker's copies of
 * scorecard answers (fcgi/scorecard_cache.c): a hit only for the version
 * and as_of asked, replacement under one key, and the bounds (slots, size
 * of one answer, bytes together, least recently used first). The table
 * half is tested through the API (tests/api/test_scorecard_cache.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scorecard_cache.h"

static int teardown(void **state)
{
    (void)state;
    sc_cache_clear();
    return 0;
}

static void put_text(long long campaign, const char *key, long long version, const char *as_of, const char *body)
{
    sc_cache_put(campaign, key, version, as_of, body, strlen(body));
}

static bool holds(long long campaign, const char *key)
{
    long long v;
    const char *as_of;
    return sc_cache_held(campaign, key, &v, &as_of);
}

static void hit_for_the_version_and_as_of_kept(void **state)
{
    (void)state;
    char body[] = "{\"targets\":[]}";
    put_text(7, "sc1|", 12, "2025-06-30", body);
    body[0] = 'X'; /* the cache holds its own copy */
    size_t len = 0;
    const char *got = sc_cache_get(7, "sc1|", 12, "2025-06-30", &len);
    assert_non_null(got);
    assert_int_equal(len, strlen("{\"targets\":[]}"));
    assert_string_equal(got, "{\"targets\":[]}");
    long long v = 0;
    const char *as_of = NULL;
    assert_true(sc_cache_held(7, "sc1|", &v, &as_of));
    assert_int_equal(v, 12);
    assert_string_equal(as_of, "2025-06-30");
    assert_int_equal(sc_cache_bytes(), len);
}

static void miss_on_a_new_version_or_another_day(void **state)
{
    (void)state;
    put_text(7, "sc1|", 12, "2025-06-30", "{}");
    size_t len;
    assert_null(sc_cache_get(7, "sc1|", 13, "2025-06-30", &len)); /* a write moved the version */
    assert_null(sc_cache_get(7, "sc1|", 12, "2025-07-01", &len)); /* "today" is another day */
    assert_null(sc_cache_get(8, "sc1|", 12, "2025-06-30", &len)); /* another campaign */
    assert_null(sc_cache_get(7, "su1|", 12, "2025-06-30", &len)); /* another kind */
    assert_non_null(sc_cache_get(7, "sc1|", 12, "2025-06-30", &len));
    assert_false(holds(7, "sc1|2025-06-30"));
}

static void a_new_answer_replaces_the_old_one(void **state)
{
    (void)state;
    put_text(7, "sc1|", 12, "2025-06-30", "{\"old\":true}");
    put_text(7, "sc1|", 13, "2025-06-30", "{}");
    size_t len;
    assert_null(sc_cache_get(7, "sc1|", 12, "2025-06-30", &len));
    assert_string_equal(sc_cache_get(7, "sc1|", 13, "2025-06-30", &len), "{}");
    assert_int_equal(sc_cache_bytes(), 2);
}

static void what_is_not_kept(void **state)
{
    (void)state;
    size_t big = SC_CACHE_ENTRY_MAX + 1;
    char *body = malloc(big);
    assert_non_null(body);
    memset(body, ' ', big);
    put_text(7, "sc1|", 12, "2025-06-30", "{}");
    sc_cache_put(7, "sc1|", 13, "2025-06-30", body, big); /* too large: and the old copy is gone */
    assert_false(holds(7, "sc1|"));
    sc_cache_put(7, "sc1|", 13, "2025-06-30", body, big - 1); /* the largest kept */
    assert_true(holds(7, "sc1|"));
    free(body);

    char key[80];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    put_text(7, key, 1, "2025-06-30", "{}");
    assert_false(holds(7, key));
    put_text(7, "sc1|x", 1, "2025-06-30x", "{}"); /* not a date: would be cut into one */
    assert_false(holds(7, "sc1|x"));
}

static void at_most_the_slots_least_recently_used_first(void **state)
{
    (void)state;
    char key[32];
    for (int i = 0; i < SC_CACHE_SLOTS; i++) {
        snprintf(key, sizeof key, "sc1|k%d", i);
        put_text(1, key, 1, "2025-06-30", "{}");
    }
    size_t len;
    assert_non_null(sc_cache_get(1, "sc1|k0", 1, "2025-06-30", &len)); /* k0 used: k1 is now the oldest */
    put_text(1, "sc1|new", 1, "2025-06-30", "{}");
    assert_true(holds(1, "sc1|new"));
    assert_true(holds(1, "sc1|k0"));
    assert_false(holds(1, "sc1|k1"));
    assert_true(holds(1, "sc1|k2"));
    int held = 0;
    for (int i = 0; i < SC_CACHE_SLOTS; i++) {
        snprintf(key, sizeof key, "sc1|k%d", i);
        held += holds(1, key);
    }
    assert_int_equal(held + 1, SC_CACHE_SLOTS);
}

static void at_most_the_bytes_together(void **state)
{
    (void)state;
    size_t each = SC_CACHE_ENTRY_MAX;
    char *body = malloc(each);
    assert_non_null(body);
    memset(body, ' ', each);
    int fit = SC_CACHE_BYTES_MAX / SC_CACHE_ENTRY_MAX;
    char key[32];
    for (int i = 0; i < fit + 3; i++) {
        snprintf(key, sizeof key, "su1|%d", i);
        sc_cache_put(1, key, 1, "2025-06-30", body, each);
        assert_true(sc_cache_bytes() <= SC_CACHE_BYTES_MAX);
        assert_true(holds(1, key)); /* the newest is always kept */
    }
    assert_int_equal(sc_cache_bytes(), (size_t)fit * each);
    assert_false(holds(1, "su1|0"));
    assert_false(holds(1, "su1|2"));
    assert_true(holds(1, "su1|3"));
    free(body);
    sc_cache_clear();
    assert_int_equal(sc_cache_bytes(), 0);
    assert_false(holds(1, "su1|3"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(hit_for_the_version_and_as_of_kept, teardown),
        cmocka_unit_test_teardown(miss_on_a_new_version_or_another_day, teardown),
        cmocka_unit_test_teardown(a_new_answer_replaces_the_old_one, teardown),
        cmocka_unit_test_teardown(what_is_not_kept, teardown),
        cmocka_unit_test_teardown(at_most_the_slots_least_recently_used_first, teardown),
        cmocka_unit_test_teardown(at_most_the_bytes_together, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
