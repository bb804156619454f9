/* test_jsontext.c — unit tests for JSON text that jansson does not keep
 * (fcgi/jsontext.c): a member's value found as written, by its decoded
 * key, at the top level only, through strings and nesting that look like
 * the end of it; decimals written into a dump as stored, and strings that
 * only look like them left alone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsontext.h"

/* The member's text in json, or NULL; checks that jansson accepts json. */
static char *member(const char *json, const char *key)
{
    json_error_t err;
    json_t *j = json_loads(json, JSON_DECODE_ANY, &err);
    if (!j)
        fail_msg("bad JSON in the test: %s: %s", json, err.text);
    json_decref(j);
    size_t len = 12345;
    const char *v = jsontext_member(json, strlen(json), key, &len);
    if (!v)
        return NULL;
    char *s = malloc(len + 1);
    memcpy(s, v, len);
    s[len] = '\0';
    return s;
}

static void expect_member(const char *json, const char *key, const char *want)
{
    char *got = member(json, key);
    if (!want && got)
        fail_msg("%s: member %s found as %s", json, key, got);
    if (want && (!got || strcmp(got, want) != 0))
        fail_msg("%s: member %s is %s, expected %s", json, key, got ? got : "(none)", want);
    free(got);
}

static void numbers_as_written(void **state)
{
    (void)state;
    expect_member("{\"threshold\":98.6}", "threshold", "98.6");
    expect_member("{\"a\":1,\"threshold\":98.60,\"b\":2}", "threshold", "98.60");
    expect_member("{\"threshold\":1E+2}", "threshold", "1E+2");
    expect_member("{\"threshold\":-0}", "threshold", "-0");
    expect_member("{\"threshold\":33.333333333333333333}", "threshold", "33.333333333333333333");
    /* Spaces as any writer may put them; PostgreSQL's json_build_object. */
    expect_member(" \n{ \"x\" : [1, 2] ,\t\"threshold\"\r\n:\n 0.1 \n} ", "threshold", "0.1");
    expect_member("{\"id\" : 7, \"score\" : 85.67, \"rank\" : 5}", "score", "85.67");
    expect_member("{\"id\" : 7, \"score\" : 85.67}", "score", "85.67");
    expect_member("{\"score\":85.67}", "rank", NULL);
}

static void any_value(void **state)
{
    (void)state;
    const char *json = "{\"s\":\"a,}]\\\"b\\\\\",\"o\":{\"k\":[1,{\"z\":\"}\"}]},\"a\":[[],{}],\"t\":true,\"n\":null,"
                       "\"e\":\"\",\"last\":false}";
    expect_member(json, "s", "\"a,}]\\\"b\\\\\"");
    expect_member(json, "o", "{\"k\":[1,{\"z\":\"}\"}]}");
    expect_member(json, "a", "[[],{}]");
    expect_member(json, "t", "true");
    expect_member(json, "n", "null");
    expect_member(json, "e", "\"\"");
    expect_member(json, "last", "false");
    expect_member("{}", "a", NULL);
    expect_member("{ }", "a", NULL);
}

static void top_level_only(void **state)
{
    (void)state;
    /* The key inside a nested object or a string is not the member. */
    expect_member("{\"p\":{\"threshold\":1},\"threshold\":2}", "threshold", "2");
    expect_member("{\"p\":[{\"threshold\":1}]}", "threshold", NULL);
    expect_member("{\"p\":\"\\\"threshold\\\":1\",\"threshold\":3}", "threshold", "3");
    expect_member("{\"p\":\"\\\\\",\"threshold\":4}", "threshold", "4");
    /* Not an object: no members. */
    expect_member("[{\"threshold\":1}]", "threshold", NULL);
    expect_member("\"threshold\"", "threshold", NULL);
    expect_member("12", "threshold", NULL);
}

static void keys_compare_decoded(void **state)
{
    (void)state;
    expect_member("{\"thresh\\u006fld\":5}", "threshold", "5");
    expect_member("{\"\\u0074hreshold\":6}", "threshold", "6");
    expect_member("{\"a\\/b\":7}", "a/b", "7");
    expect_member("{\"\\\"q\\\"\":8}", "\"q\"", "8");
    expect_member("{\"ng\\u01b0\\u1eddi\":9,\"người\":10}", "người", "9");
    /* A prefix, or the key with more after it, is not the key. */
    expect_member("{\"thresholds\":1,\"thres\":2}", "threshold", NULL);
}

static void truncated_text_is_no_member(void **state)
{
    (void)state;
    /* Only the len bytes given are read (each prefix is copied into a
     * buffer of its size, so that the sanitizer sees a read beyond), and
     * a text that ends before the value has no member. */
    const char *json = "{\"a\":\"x}\\\"\",\"b\":[{\"c\":\"]\"}],\"threshold\":12}";
    size_t full = strlen(json), value = (size_t)(strstr(json, "12") - json), len;
    for (size_t n = 0; n <= full; n++) {
        char *prefix = malloc(n ? n : 1);
        memcpy(prefix, json, n);
        const char *v = jsontext_member(prefix, n, "threshold", &len);
        if (n <= value)
            assert_null(v);
        else
            assert_true(v == prefix + value && len == (n == value + 1 ? 1 : 2));
        free(prefix);
    }
}

/* ---- dumps --------------------------------------------------------- */

static json_t *dec(long long mant, int scale)
{
    decimal d = {mant, scale};
    return jsontext_decimal(&d);
}

static void expect_dump(json_t *j, size_t flags, const char *want)
{
    char *s = jsontext_dumps(j, flags);
    json_decref(j);
    if (!s || strcmp(s, want) != 0)
        fail_msg("dumped %s, expected %s", s ? s : "(NULL)", want);
    /* What it writes is JSON, and the numbers are numbers. */
    json_t *back = json_loads(s, JSON_DECODE_ANY, NULL);
    assert_non_null(back);
    json_decref(back);
    free(s);
}

static void decimals_written_as_stored(void **state)
{
    (void)state;
    expect_dump(json_pack("{s:o}", "threshold", dec(986, 1)), JSON_COMPACT, "{\"threshold\":98.6}");
    expect_dump(json_pack("{s:o, s:o, s:o, s:o}", "a", dec(1, 1), "b", dec(3333, 2), "c", dec(99999999, 6), "d",
                          dec(1, 6)),
                JSON_COMPACT, "{\"a\":0.1,\"b\":33.33,\"c\":99.999999,\"d\":0.000001}");
    expect_dump(json_pack("[o, o, i, f]", dec(100, 0), dec(-5, 2), 7, 0.5), JSON_COMPACT, "[100,-0.05,7,0.5]");
    expect_dump(dec(986, 1), JSON_ENCODE_ANY, "98.6");
    expect_dump(json_pack("{s:[o]}", "x", dec(0, 0)), JSON_INDENT(2), "{\n  \"x\": [\n    0\n  ]\n}");
    /* Beside jansson's own double of the same number. */
    expect_dump(json_pack("[o, f]", dec(1, 6), 0.000001), JSON_COMPACT | JSON_REAL_PRECISION(15), "[0.000001,1e-6]");
}

static void other_strings_left_alone(void **state)
{
    (void)state;
    /* Text that reads like a stand-in inside a string, a backslash-u
     * written out, a string of U+0000 and letters. */
    json_t *j = json_pack("{s:s, s:s, s:s#, s:s, s:o}", "a", "\\u000098.6", "b", "\"\\u0000", "c", "\0abc", (size_t)4,
                          "\\u0000", "\"", "d", dec(5, 0));
    char *s = jsontext_dumps(j, JSON_COMPACT);
    json_decref(j);
    assert_string_equal(s, "{\"a\":\"\\\\u000098.6\",\"b\":\"\\\"\\\\u0000\",\"c\":\"\\u0000abc\",\"\\\\u0000\":\"\\\"\","
                           "\"d\":5}");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_as_written),
        cmocka_unit_test(any_value),
        cmocka_unit_test(top_level_only),
        cmocka_unit_test(keys_compare_decoded),
        cmocka_unit_test(truncated_text_is_no_member),
        cmocka_unit_test(decimals_written_as_stored),
        cmocka_unit_test(other_strings_left_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
