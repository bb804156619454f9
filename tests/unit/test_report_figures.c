/* test_report_figures.c — the pure parts of a report's figures
 * (fcgi/report_figures.c): the kinds' default dates and periods, decimals
 * written without floats or exponents, what changed between two
 * generations (lists matched by code), the cells of the statistics
 * explained; and the upper case of a heading (report_render.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsontext.h"
#include "report_figures.h"
#include "report_render.h"

static arena mem;

static int teardown(void **state)
{
    (void)state;
    arena_free(&mem);
    return 0;
}

static void periods(void **state)
{
    (void)state;
    report_period p;
    assert_int_equal(report_period_of(&mem, "mid_year", 2025, "2025-01-01", "2026-01-31", NULL, &p), 0);
    assert_string_equal(p.as_of, "2025-06-30");
    assert_string_equal(p.period_from, "2025-01-01");
    assert_string_equal(p.period_to, "2025-06-30");
    assert_int_equal(report_period_of(&mem, "year_end", 2025, "2025-01-01", "2026-01-31", NULL, &p), 0);
    assert_string_equal(p.as_of, "2026-01-31");
    assert_int_equal(report_period_of(&mem, "award_statistics", 2025, "2025-01-01", "2026-01-31", NULL, &p), 0);
    assert_string_equal(p.as_of, "2025-11-30");
    assert_string_equal(p.period_from, "2024-12-01");
    assert_int_equal(report_period_of(&mem, "award_statistics", 2025, "2025-01-01", "2026-01-31", "2024-12-01", &p), 0);
    assert_int_equal(report_period_of(&mem, "award_statistics", 2025, "2025-01-01", "2026-01-31", "2024-11-30", &p), -1);
    assert_int_equal(report_period_of(&mem, "mid_year", 2025, "2025-01-01", "2026-01-31", "2024-12-31", &p), -1);
    assert_int_equal(report_period_of(&mem, "weekly", 2025, "2025-01-01", "2026-01-31", NULL, &p), -1);
}

static void decimals(void **state)
{
    (void)state;
    /* Numbers with a fraction become their exact decimal text; integers
     * and strings are left as they are. */
    const struct {
        const char *json, *want;
    } cases[] = {{"[66.67]", "[\"66.67\"]"},
                 {"[98.6]", "[\"98.6\"]"},
                 {"[0.000001]", "[\"0.000001\"]"},
                 {"[1.5e-7]", "[\"0.00000015\"]"},
                 {"[100.0]", "[\"100\"]"},
                 {"[0.1, 33.33]", "[\"0.1\", \"33.33\"]"},
                 {"[1e20]", "[\"1e20\"]"},
                 {"{\"a\": 7, \"b\": \"9.5 \\\" 1.5\", \"c\": -2.50}", "{\"a\": 7, \"b\": \"9.5 \\\" 1.5\", \"c\": \"-2.5\"}"},
                 {"[1e-18,1e-18]", "[\"0.000000000000000001\",\"0.000000000000000001\"]"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = jsontext_reals_as_strings(cases[i].json);
        assert_non_null(got);
        assert_string_equal(got, cases[i].want);
        free(got);
    }
}

static const json_t *change(const json_t *changes, const char *path)
{
    size_t i;
    json_t *c;
    json_array_foreach(changes, i, c) if (strcmp(json_string_value(json_object_get(c, "path")), path) == 0) return c;
    return NULL;
}

static void changes(void **state)
{
    (void)state;
    json_t *before = json_loads("{\"awards\":{\"total\":41,\"by_award\":{\"LDTT\":40}},"
                                "\"scorecard\":{\"targets\":[{\"code\":\"A\",\"value\":\"66.67\"},{\"code\":\"B\",\"value\":\"1\"}]},"
                                "\"units\":[{\"unit_id\":7,\"ldtt\":3}],\"tasks\":{\"due\":3}}",
                                0, NULL);
    json_t *after = json_loads("{\"awards\":{\"total\":42,\"by_award\":{\"LDTT\":40,\"GIAY_KHEN\":1}},"
                               "\"scorecard\":{\"targets\":[{\"code\":\"B\",\"value\":\"1\"},{\"code\":\"A\",\"value\":\"100\"}]},"
                               "\"units\":[{\"unit_id\":7,\"ldtt\":4},{\"unit_id\":9,\"ldtt\":0}],\"tasks\":{\"due\":3}}",
                               0, NULL);
    json_t *c = report_figures_changes(before, after);
    assert_int_equal(json_array_size(c), 5);
    const json_t *x = change(c, "awards.total");
    assert_non_null(x);
    assert_int_equal(json_integer_value(json_object_get(x, "before")), 41);
    assert_int_equal(json_integer_value(json_object_get(x, "after")), 42);
    x = change(c, "awards.by_award.GIAY_KHEN");
    assert_true(json_is_null(json_object_get(x, "before")));
    /* Matched by code, not by position: B moved but did not change. */
    x = change(c, "scorecard.targets[A].value");
    assert_string_equal(json_string_value(json_object_get(x, "after")), "100");
    assert_null(change(c, "scorecard.targets[B].value"));
    assert_non_null(change(c, "units[7].ldtt"));
    x = change(c, "units[9]");
    assert_true(json_is_object(json_object_get(x, "after")));
    json_decref(c);
    c = report_figures_changes(NULL, after);
    assert_int_equal(json_array_size(c), 0);
    json_decref(c);
    json_decref(before);
    json_decref(after);
}

static void explain(void **state)
{
    (void)state;
    /* The cell is checked against the statistics and its count read from
     * them; the awards it counts are listed by the API from award_refs. */
    json_t *f = json_loads(
        "{\"statistics\":{\"columns\":[{\"award\":\"LDTT\"},{\"award\":\"TTLDXS\"}],"
        "\"rows\":[{\"key\":\"worker.dot_xuat\",\"subject\":\"worker\",\"counts\":{\"LDTT\":1,\"TTLDXS\":0},\"total\":1},"
        "{\"key\":\"worker.thuong_xuyen\",\"subject\":\"worker\",\"counts\":{\"LDTT\":1,\"TTLDXS\":0},\"total\":1},"
        "{\"key\":\"collective.thuong_xuyen\",\"subject\":\"collective\",\"counts\":{\"LDTT\":0,\"TTLDXS\":1},"
        "\"total\":1}]}}",
        0, NULL);
    assert_true(report_figures_explain_valid(f, "worker.dot_xuat", "LDTT"));
    assert_int_equal(report_figures_cell(f, "worker.dot_xuat", "LDTT"), 1);
    assert_int_equal(report_figures_cell(f, "worker", "total"), 2);
    assert_int_equal(report_figures_cell(f, "total", "total"), 3);
    assert_int_equal(report_figures_cell(f, "total", "TTLDXS"), 1);
    assert_false(report_figures_explain_valid(f, "nobody", "LDTT"));
    assert_false(report_figures_explain_valid(f, "worker", "GIAY_KHEN"));
    json_t *none = json_object();
    assert_false(report_figures_explain_valid(none, "total", "total"));
    json_decref(none);
    json_decref(f);
}

static void upper(void **state)
{
    (void)state;
    assert_string_equal(report_upper(&mem, "Sở Nội vụ"), "SỞ NỘI VỤ");
    assert_string_equal(report_upper(&mem, "UBND tỉnh Sóc Trăng"), "UBND TỈNH SÓC TRĂNG");
    assert_string_equal(report_upper(&mem, "đặng ỷ ữ ặ"), "ĐẶNG Ỷ Ữ Ặ");
}

/* A report's JSON as the document: heading, subject by kind, the date in
 * Vietnam's time, narrative paragraphs one a line, HTML escaped. */
static void render(void **state)
{
    (void)state;
    json_t *r = json_loads(
        "{\"kind\":\"mid_year\",\"number\":\"5/BC-SNV\",\"as_of\":\"2025-06-30\","
        "\"approved_at\":\"2025-07-04T17:30:00Z\",\"approved_by\":\"Trần Thị Ngọc Ánh\","
        "\"sections\":{\"strengths\":\"  Một <b>đoạn</b>.\\n\\nHai & ba.  \",\"lessons\":null},"
        "\"figures\":{\"agency\":{\"name\":\"Sở Nội vụ\",\"parent_body\":\"UBND tỉnh Sóc Trăng\",\"place\":\"Sóc Trăng\"},"
        "\"campaign\":{\"year\":2025,\"name\":\"Phong trào thi đua năm 2025\"},"
        "\"recipients\":[\"Khối thi đua\"]}}",
        0, NULL);
    assert_non_null(r);
    struct report_doc doc;
    assert_int_equal(report_render_doc(&mem, r, &doc), 0);
    assert_string_equal(doc.parent_body, "UBND TỈNH SÓC TRĂNG");
    assert_string_equal(doc.agency, "SỞ NỘI VỤ");
    assert_string_equal(doc.subject, "Sơ kết 6 tháng đầu năm 2025 phong trào thi đua năm 2025");
    /* 17:30 UTC is 00:30 the next day in Vietnam. */
    assert_int_equal(doc.day, 5);
    assert_int_equal(doc.month, 7);
    assert_int_equal(doc.nsections, 2);
    assert_string_equal(doc.sections[1].heading, "ƯU ĐIỂM");
    assert_int_equal(doc.sections[1].nparagraphs, 2);
    assert_string_equal(doc.sections[1].paragraphs[0], "Một <b>đoạn</b>.");
    assert_string_equal(doc.recipients[0], "Khối thi đua;");
    assert_string_equal(doc.signer_name, "Trần Thị Ngọc Ánh");
    char *html = report_render_html(&mem, &doc);
    assert_non_null(html);
    assert_non_null(strstr(html, "Một &lt;b&gt;đoạn&lt;/b&gt;."));
    assert_non_null(strstr(html, "Hai &amp; ba."));
    assert_null(strstr(html, "<b>đoạn"));
    assert_non_null(strstr(html, "Số: 05/BC-SNV"));
    assert_non_null(strstr(html, "Sóc Trăng, ngày 05 tháng 7 năm 2025"));
    json_object_del(json_object_get(r, "figures"), "agency");
    assert_int_equal(report_render_doc(&mem, r, &doc), -1);
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(periods), cmocka_unit_test(decimals), cmocka_unit_test(changes),
        cmocka_unit_test(explain), cmocka_unit_test(upper),   cmocka_unit_test(render),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
