/* test_criteria.c — the criteria of awards.md at their edges
 * (fcgi/awards.c): the tenure boundary with PostgreSQL's month addition,
 * "> 50 %" at exactly 50 %, "≥ 70 %" at exactly 70 %, consecutive years
 * with a gap, members without a rating or no members at all, holds opened
 * or closed exactly on T; and the check of an awards document naming the
 * path of a bad item. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "awards.h"
#include "jsontext.h"
#include "scorecard.h"

static long day(const char *iso)
{
    long d;
    assert_int_equal(sc_date_parse(iso, &d), 0);
    return d;
}

static decimal dec(const char *text)
{
    decimal d;
    assert_int_equal(decimal_parse(text, strlen(text), DECIMAL_JSON, NULL, &d), DECIMAL_OK);
    return d;
}

static void months_add_as_postgresql_does(void **state)
{
    (void)state;
    assert_int_equal(awards_add_months(day("2025-08-31"), 6), day("2026-02-28"));
    assert_int_equal(awards_add_months(day("2023-08-31"), 6), day("2024-02-29"));
    assert_int_equal(awards_add_months(day("2025-01-31"), 1), day("2025-02-28"));
    assert_int_equal(awards_add_months(day("2025-07-01"), 6), day("2026-01-01"));
    assert_int_equal(awards_add_months(day("2025-12-15"), 12), day("2026-12-15"));
}

static bool tenure(const char *joined, const char *left, int months)
{
    crit_tenure_facts f = {day(joined), left ? day(left) : 0, day("2025-12-31")};
    json_t *ev = json_object();
    bool met = crit_tenure_months(&f, months, ev);
    assert_non_null(json_object_get(ev, "tenure_reached_on"));
    json_decref(ev);
    return met;
}

static void tenure_boundary(void **state)
{
    (void)state;
    assert_true(tenure("2025-07-01", NULL, 6));   /* + 6 months = 2026-01-01 = E + 1 */
    assert_false(tenure("2025-07-02", NULL, 6));
    assert_true(tenure("2025-06-30", NULL, 6));
    /* 2025-06-30 + 6 months = 2025-12-30... and August 31st: 2025-08-31 + 4 = 2025-12-31. */
    assert_true(tenure("2025-08-31", NULL, 4));
    /* Left on or before E: not met; left after E: met. */
    assert_false(tenure("2020-01-01", "2025-12-31", 6));
    assert_true(tenure("2020-01-01", "2026-01-01", 6));
}

static bool share(const int *ranks, int n, int rank, const char *op, const char *pct, bool rating)
{
    crit_members_facts f = {ranks, n};
    decimal d = dec(pct);
    json_t *ev = json_object();
    bool met = rating ? crit_members_rating_share(&f, rank, op, &d, ev) : crit_members_title_share(&f, rank, op, &d, ev);
    json_decref(ev);
    return met;
}

static void member_shares_exact(void **state)
{
    (void)state;
    const int half[] = {1, 2, 0, 0};                    /* 2 of 4 hold LDTT (CSTDCS counts as LDTT) */
    assert_false(share(half, 4, 1, "gt", "50", false)); /* > 50 % at exactly 50 % fails */
    assert_true(share(half, 4, 1, "ge", "50", false));
    const int seven[] = {1, 1, 1, 1, 1, 1, 1, 0, 0, 0}; /* 7 of 10 */
    assert_true(share(seven, 10, 1, "ge", "70", false)); /* ≥ 70 % at exactly 70 % holds */
    assert_false(share(seven, 10, 1, "gt", "70", false));
    assert_false(share(seven, 10, 1, "ge", "70.000001", false));
    const int three[] = {1, 1, 0}; /* 2/3: below 66.67, above 66.66 */
    assert_false(share(three, 3, 1, "ge", "66.67", false));
    assert_true(share(three, 3, 1, "ge", "66.66", false));
}

static void member_ratings(void **state)
{
    (void)state;
    const int all[] = {2, 3, 4};
    assert_true(share(all, 3, 2, "ge", "100", true));
    const int one_unrated[] = {2, 3, 0}; /* a member without a rating fails it */
    assert_false(share(one_unrated, 3, 2, "ge", "100", true));
    const int one_low[] = {2, 1, 4};
    assert_false(share(one_low, 3, 2, "ge", "100", true));
}

static void no_members_fails_every_member_criterion(void **state)
{
    (void)state;
    assert_false(share(NULL, 0, 1, "ge", "0", false));
    assert_false(share(NULL, 0, 1, "ge", "0", true));
    crit_members_facts f = {NULL, 0};
    json_t *ev = json_object();
    assert_false(crit_members_title_count(&f, 2, "ge", 0, ev));
    json_decref(ev);
    const int one[] = {2};
    crit_members_facts g = {one, 1};
    ev = json_object();
    assert_true(crit_members_title_count(&g, 2, "ge", 1, ev));
    assert_false(crit_members_title_count(&g, 2, "gt", 1, ev));
    json_decref(ev);
}

static bool years(const crit_year_rank *items, int n, int rank, int span)
{
    crit_years_facts f = {items, n};
    json_t *ev = json_object();
    bool met = crit_consecutive_titles(&f, 2025, rank, span, ev);
    assert_int_equal(json_array_size(json_object_get(ev, "years")), (size_t)span);
    json_decref(ev);
    return met;
}

static void consecutive_years(void **state)
{
    (void)state;
    const crit_year_rank both[] = {{2024, 2}, {2025, 2}};
    assert_true(years(both, 2, 2, 2));
    const crit_year_rank gap[] = {{2023, 2}, {2025, 2}}; /* 2024 missing: a gap */
    assert_false(years(gap, 2, 2, 2));
    assert_false(years(gap, 2, 2, 3));
    const crit_year_rank lower[] = {{2024, 1}, {2025, 3}}; /* LDTT in 2024 is not CSTDCS */
    assert_false(years(lower, 2, 2, 2));
    const crit_year_rank three[] = {{2023, 2}, {2024, 4}, {2025, 2}};
    assert_true(years(three, 3, 2, 3));
    crit_years_facts f = {both, 2};
    json_t *ev = json_object();
    assert_true(crit_consecutive_ratings(&f, 2025, 2, 2, ev));
    json_decref(ev);
}

static void ratings_at_least(void **state)
{
    (void)state;
    json_t *ev = json_object();
    crit_rating_facts none = {0, NULL, NULL, NULL};
    assert_false(crit_rating_at_least(&none, 1, ev));
    crit_rating_facts httnv = {3, "HTTNV", "12/QĐ", "2025-12-20"};
    assert_true(crit_rating_at_least(&httnv, 3, ev));
    assert_false(crit_rating_at_least(&httnv, 4, ev));
    assert_true(crit_unit_rating_at_least(&httnv, 3, ev));
    assert_string_equal(json_string_value(json_object_get(ev, "decision_no")), "12/QĐ");
    json_decref(ev);
}

static void initiatives(void **state)
{
    (void)state;
    const crit_initiative_item items[] = {
        {1, day("2024-03-01"), 1}, {2, day("2025-02-01"), 2}, {3, day("2025-12-31"), 1}, {4, day("2026-01-02"), 3}};
    crit_initiative_facts f = {items, 4, day("2025-01-01"), day("2025-12-31")};
    json_t *ev = json_object();
    assert_true(crit_initiative(&f, 2, ev)); /* 2 and 3: T itself counts */
    assert_false(crit_initiative(&f, 3, ev));
    assert_true(crit_initiative_level(&f, 2, 1, ev)); /* one tinh */
    assert_false(crit_initiative_level(&f, 3, 1, ev)); /* the national one comes after T */
    assert_true(crit_initiatives_in_span(&f, 2025, 2, 3, ev)); /* from 2024-01-01 */
    assert_false(crit_initiatives_in_span(&f, 2025, 1, 3, ev));
    json_decref(ev);
}

static void holds_at_t(void **state)
{
    (void)state;
    long t = day("2025-12-20");
    crit_hold closed_on_t = {1, day("2025-10-01"), t};
    crit_hold opened_on_t = {2, t, 0};
    crit_hold later = {3, day("2025-12-21"), 0};
    assert_false(crit_hold_open(&closed_on_t, t)); /* closed exactly on T: not open */
    assert_true(crit_hold_open(&opened_on_t, t));  /* opened exactly on T: open */
    assert_false(crit_hold_open(&later, t));
    json_t *ev = json_object();
    crit_hold two[] = {closed_on_t, later};
    assert_true(crit_no_hold(two, 2, t, ev));
    crit_hold three[] = {closed_on_t, opened_on_t, later};
    assert_false(crit_no_hold(three, 3, t, ev));
    assert_int_equal(json_array_size(json_object_get(ev, "open_hold_ids")), 1);
    json_decref(ev);
}

static void registration_and_groups(void **state)
{
    (void)state;
    json_t *ev = json_object();
    assert_true(crit_registered(day("2025-03-01"), day("2025-03-01"), ev));
    assert_false(crit_registered(day("2025-03-02"), day("2025-03-01"), ev));
    assert_false(crit_registered(0, day("2025-03-01"), ev));
    json_decref(ev);
    const bool some[] = {false, true}, none[] = {false, false}, all[] = {true, true};
    assert_true(crit_any_of(some, 2));
    assert_false(crit_any_of(none, 2));
    assert_true(crit_all_of(all, 2));
    assert_false(crit_all_of(some, 2));
}

/* The first error's field of checking text as an awards document. */
static const char *first_error(const char *text, char *out, size_t cap)
{
    arena a = {0};
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    json_t *errors = json_array();
    json_t *n = awards_check(&a, doc, text, strlen(text), "awards", errors);
    out[0] = '\0';
    if (json_array_size(errors))
        snprintf(out, cap, "%s", json_string_value(json_object_get(json_array_get(errors, 0), "field")));
    else
        assert_non_null(n);
    json_decref(n);
    json_decref(errors);
    json_decref(doc);
    arena_free(&a);
    return out;
}

#define COUNCIL "\"council\":{\"vote\":\"open\",\"pass\":{\"op\":\"gt\",\"num\":1,\"den\":2,\"base\":\"present\"},\"upward\":false,\"public_notice_days\":0}"

static void awards_document_paths(void **state)
{
    (void)state;
    char f[200];
    assert_string_equal(first_error("{\"LDTT\":{\"subject\":\"staff\",\"criteria\":[{\"code\":\"no_hold\"}]," COUNCIL "}}", f,
                                    sizeof f),
                        "");
    assert_string_equal(
        first_error("{\"CSTDCS\":{\"subject\":\"staff\",\"criteria\":[{\"code\":\"no_hold\",\"params\":{}},"
                    "{\"code\":\"rating_at_least\",\"params\":{\"level\":\"GOOD\"}}]," COUNCIL "}}",
                    f, sizeof f),
        "awards.CSTDCS.criteria[1].params.level");
    assert_string_equal(first_error("{\"NOPE\":{}}", f, sizeof f), "awards.NOPE");
    assert_string_equal(first_error("{\"LDTT\":{\"subject\":\"staff\",\"criteria\":[{\"code\":\"any_of\",\"any_of\":["
                                    "{\"code\":\"no_hold\"},{\"code\":\"frobnicate\"}]}]," COUNCIL "}}",
                                    f, sizeof f),
                        "awards.LDTT.criteria[0].any_of[1].code");
    assert_string_equal(first_error("{\"TTLDTT\":{\"subject\":\"unit\",\"criteria\":[{\"code\":\"members_title_share\","
                                    "\"params\":{\"title\":\"LDTT\",\"op\":\"gt\",\"percent\":33.3333333}}]," COUNCIL "}}",
                                    f, sizeof f),
                        "awards.TTLDTT.criteria[0].params.percent");
    assert_string_equal(first_error("{\"LDTT\":{\"subject\":\"staff\",\"criteria\":[{\"code\":\"no_hold\"}],"
                                    "\"council\":{\"vote\":\"open\",\"pass\":{\"op\":\"gt\",\"num\":3,\"den\":2,"
                                    "\"base\":\"present\"}}}}",
                                    f, sizeof f),
                        "awards.LDTT.council.pass.num");
    assert_string_equal(first_error("{\"LDTT\":{\"subject\":\"staff\",\"criteria\":[{\"code\":\"members_title_count\","
                                    "\"params\":{\"title\":\"LDTT\",\"op\":\"ge\",\"count\":1}}]," COUNCIL "}}",
                                    f, sizeof f),
                        "awards.LDTT.criteria[0].code");
}

/* A percent is kept as written: 66.7 is stored as 66.7, not a double. */
static void awards_document_decimals(void **state)
{
    (void)state;
    const char *text = "{\"TTLDTT\":{\"subject\":\"unit\",\"criteria\":[{\"code\":\"members_title_share\","
                       "\"params\":{\"title\":\"LDTT\",\"op\":\"gt\",\"percent\":66.70}}]," COUNCIL "}}";
    arena a = {0};
    json_t *doc = json_loads(text, 0, NULL), *errors = json_array();
    json_t *n = awards_check(&a, doc, text, strlen(text), "awards", errors);
    assert_non_null(n);
    char *out = jsontext_dumps(n, JSON_COMPACT);
    assert_non_null(strstr(out, "\"percent\":66.7}"));
    free(out);
    json_decref(n);
    json_decref(errors);
    json_decref(doc);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(months_add_as_postgresql_does),
        cmocka_unit_test(tenure_boundary),
        cmocka_unit_test(member_shares_exact),
        cmocka_unit_test(member_ratings),
        cmocka_unit_test(no_members_fails_every_member_criterion),
        cmocka_unit_test(consecutive_years),
        cmocka_unit_test(ratings_at_least),
        cmocka_unit_test(initiatives),
        cmocka_unit_test(holds_at_t),
        cmocka_unit_test(registration_and_groups),
        cmocka_unit_test(awards_document_paths),
        cmocka_unit_test(awards_document_decimals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
