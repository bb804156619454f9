/* test_text.c — unit tests for Vietnamese text handling (fcgi/text.c):
 * UTF-8 validation, NFC, length in characters, control characters, and
 * the display formats people read (percentages, dates). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "text.h"

static arena mem;

static int teardown(void **state)
{
    (void)state;
    arena_free(&mem);
    return 0;
}

static void utf8_validation(void **state)
{
    (void)state;
    const char ok[] = "Thi đua – khen thưởng 🏅";
    assert_true(text_valid_utf8(ok, strlen(ok)));
    assert_true(text_valid_utf8("", 0));
    static const char *const bad[] = {
        "\xc3\x28",         /* bad continuation */
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong */
        "\xed\xa0\x80",     /* UTF-16 surrogate */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
        "\xe1\xbb",         /* truncated */
        "\xff",
        "\x80",
        NULL,
    };
    for (int i = 0; bad[i]; i++)
        if (text_valid_utf8(bad[i], strlen(bad[i])))
            fail_msg("bad UTF-8 #%d accepted", i);
    /* An embedded NUL is not text. */
    assert_false(text_valid_utf8("a\0b", 3));
    /* Only len bytes are looked at. */
    assert_true(text_valid_utf8("ab\xff", 2));
}

static void nfc_composes(void **state)
{
    (void)state;
    /* Decomposed "Trường" and "Nguyễn" (as some keyboards and macOS file
     * names produce) come out composed. */
    assert_string_equal(text_nfc(&mem, "Tru\xcc\x9bo\xcc\x9b\xcc\x80ng"), "Trường");
    assert_string_equal(text_nfc(&mem, "Nguye\xcc\x82\xcc\x83n"), "Nguyễn");
    assert_string_equal(text_nfc(&mem, "Nguyễn"), "Nguyễn");
    assert_string_equal(text_nfc(&mem, ""), "");
    assert_null(text_nfc(&mem, "\xc3\x28"));
}

static void length_in_characters(void **state)
{
    (void)state;
    assert_int_equal(text_length(""), 0);
    assert_int_equal(text_length("abc"), 3);
    assert_int_equal(text_length("Nguyễn"), 6);
    assert_int_equal(text_length("Sở Nội vụ"), 9);
    assert_int_equal(text_length("🏅"), 1);
}

static void control_characters(void **state)
{
    (void)state;
    assert_false(text_has_control("Phòng Tổ chức", false));
    assert_false(text_has_control("a\tb", false));
    assert_true(text_has_control("a\nb", false));
    assert_true(text_has_control("a\rb", false));
    assert_false(text_has_control("a\r\nb", true));
    assert_true(text_has_control("a\x01", true));
    assert_true(text_has_control("\x1b[31m", true));
    assert_true(text_has_control("a\x7f", true));
    assert_true(text_has_control("next\xc2\x85line", true)); /* U+0085 NEL */
    assert_true(text_has_control("\xc2\x9f", true));         /* U+009F */
    assert_false(text_has_control("\xc2\xa0", false));        /* U+00A0 no-break space is text */
    assert_false(text_has_control("\xc2\xa9 2025", false));   /* © */
}

static void percent_in_vietnamese(void **state)
{
    (void)state;
    assert_string_equal(text_percent_vi(&mem, 98.735, 2), "98,74 %");
    assert_string_equal(text_percent_vi(&mem, 98.73, 2), "98,73 %");
    assert_string_equal(text_percent_vi(&mem, 98.6, 1), "98,6 %");
    assert_string_equal(text_percent_vi(&mem, 100, 1), "100,0 %");
    assert_string_equal(text_percent_vi(&mem, 0, 2), "0,00 %");
    assert_string_equal(text_percent_vi(&mem, 50, 0), "50 %");
    assert_string_equal(text_percent_vi(&mem, 49.5, 0), "50 %");
    /* Half-up on the decimal number, not on its binary approximation
     * (1.005 is 1.00499999999999989... as a double). */
    assert_string_equal(text_percent_vi(&mem, 1.005, 2), "1,01 %");
    assert_string_equal(text_percent_vi(&mem, 2.675, 2), "2,68 %");
    assert_string_equal(text_percent_vi(&mem, 0.125, 2), "0,13 %");
    assert_string_equal(text_percent_vi(&mem, 1.115, 2), "1,12 %");
    /* Carries through the integer part. */
    assert_string_equal(text_percent_vi(&mem, 99.995, 2), "100,00 %");
    assert_string_equal(text_percent_vi(&mem, 9.96, 1), "10,0 %");
    assert_string_equal(text_percent_vi(&mem, 0.004, 2), "0,00 %");
    /* Values computed in floating point, as a ratio of counts would be. */
    assert_string_equal(text_percent_vi(&mem, 100.0 * 7 / 9, 2), "77,78 %");
    assert_string_equal(text_percent_vi(&mem, 100.0 * 1 / 3, 1), "33,3 %");
    assert_string_equal(text_percent_vi(&mem, 100.0 * 197 / 200, 1), "98,5 %");
    assert_string_equal(text_percent_vi(&mem, -2.5, 0), "-3 %");
    assert_string_equal(text_percent_vi(&mem, -0.001, 1), "0,0 %");
    assert_string_equal(text_percent_vi(&mem, NAN, 1), "– %");
}

static void dates_in_vietnamese(void **state)
{
    (void)state;
    assert_string_equal(text_date_vi(&mem, "2025-12-31"), "31/12/2025");
    assert_string_equal(text_date_vi(&mem, "2024-02-29"), "29/02/2024");
    assert_string_equal(text_date_vi(&mem, "2025-01-05"), "05/01/2025");
    assert_null(text_date_vi(&mem, "2025-02-29"));
    assert_null(text_date_vi(&mem, "31/12/2025"));
    assert_null(text_date_vi(&mem, ""));
}

static void calendar_dates(void **state)
{
    (void)state;
    assert_true(text_is_date("2024-02-29"));
    assert_true(text_is_date("2000-02-29"));
    assert_true(text_is_date("1900-01-01"));
    assert_true(text_is_date("2200-12-31"));
    assert_true(text_is_date("2201-01-01"));
    assert_false(text_is_date("2025-02-29"));
    assert_false(text_is_date("1900-02-29"));
    assert_false(text_is_date("2100-02-29"));
    assert_false(text_is_date("1899-12-31"));
    assert_false(text_is_date("2025-06-31"));
    assert_false(text_is_date("2025-11-31"));
    assert_true(text_is_date("2025-11-30"));
    assert_false(text_is_date("2025-00-01"));
    assert_false(text_is_date("2025-01-32"));
    assert_false(text_is_date("2025-1-1"));
    assert_false(text_is_date("2025-01-01 "));
    assert_false(text_is_date("2025+01-01"));
    assert_false(text_is_date("２０２５-01-01"));
}

/* The one documented range, TEXT_DATE_FIRST..TEXT_DATE_LAST, at its edges,
 * and the leap days of the century years. */
static void date_range_edges(void **state)
{
    (void)state;
    assert_string_equal(TEXT_DATE_FIRST, "1900-01-01");
    assert_string_equal(TEXT_DATE_LAST, "2999-12-31");
    assert_true(text_is_date("1900-01-01"));
    assert_true(text_is_date("2999-12-31"));
    assert_false(text_is_date("1899-12-31"));
    assert_false(text_is_date("3000-01-01"));
    assert_false(text_is_date("0000-01-01"));
    assert_false(text_is_date("9999-12-31"));
    assert_false(text_is_date("1900-02-29"));
    assert_true(text_is_date("2000-02-29"));
    assert_false(text_is_date("2100-02-29"));
    assert_true(text_is_date("2096-02-29"));
    assert_false(text_is_date("2025-1-01"));
    assert_false(text_is_date("2025-01-01x"));
    assert_false(text_is_date("2025-01-1"));
    assert_false(text_is_date(""));
    assert_false(text_is_date(NULL));
}

static void date_parts(void **state)
{
    (void)state;
    int y = -1, m = -1, d = -1;
    assert_true(text_date_parse("2999-12-31", &y, &m, &d));
    assert_int_equal(y, 2999);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    assert_true(text_date_parse("1900-01-01", &y, NULL, &d));
    assert_int_equal(y, 1900);
    assert_int_equal(d, 1);
    /* Refused: the parts are left as they were. */
    y = m = d = -1;
    assert_false(text_date_parse("2025-02-29", &y, &m, &d));
    assert_false(text_date_parse("1899-12-31", &y, &m, &d));
    assert_int_equal(y, -1);
    assert_int_equal(m, -1);
    assert_int_equal(d, -1);
}

/* A name the client sent in a legacy encoding is shown, not lost. */
static void json_strings_are_always_utf8(void **state)
{
    (void)state;
    json_t *j = text_json_string("Nguy\xe1\xbb\x85n");
    assert_string_equal(json_string_value(j), "Nguy\xe1\xbb\x85n");
    json_decref(j);
    j = text_json_string("ghi_ch\xfa");
    assert_string_equal(json_string_value(j), "ghi_ch\xef\xbf\xbd");
    json_decref(j);
    j = text_json_string("\xff\xfe a \xe1\xbb");
    assert_string_equal(json_string_value(j), "\xef\xbf\xbd\xef\xbf\xbd a \xef\xbf\xbd\xef\xbf\xbd");
    json_decref(j);
    j = text_json_string("");
    assert_string_equal(json_string_value(j), "");
    json_decref(j);
}

/* Every character that means something in HTML text or an attribute is
 * escaped; Vietnamese text and other bytes pass as they are; NULL writes
 * nothing. */
static void html_escapes_what_html_reads(void **state)
{
    (void)state;
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    text_html(f, "<b class=\"x\">Trần & Lê's</b> — 98,6 %");
    text_html(f, NULL);
    fclose(f);
    assert_string_equal(out, "&lt;b class=&quot;x&quot;&gt;Trần &amp; Lê&#39;s&lt;/b&gt; — 98,6 %");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(utf8_validation, teardown),
        cmocka_unit_test_teardown(nfc_composes, teardown),
        cmocka_unit_test_teardown(length_in_characters, teardown),
        cmocka_unit_test_teardown(control_characters, teardown),
        cmocka_unit_test_teardown(percent_in_vietnamese, teardown),
        cmocka_unit_test_teardown(dates_in_vietnamese, teardown),
        cmocka_unit_test_teardown(calendar_dates, teardown),
        cmocka_unit_test_teardown(date_range_edges, teardown),
        cmocka_unit_test_teardown(date_parts, teardown),
        cmocka_unit_test_teardown(json_strings_are_always_utf8, teardown),
        cmocka_unit_test(html_escapes_what_html_reads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
