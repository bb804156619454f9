/* test_jcs.c — RFC 8785 canonical JSON (fcgi/jcs.c) on the RFC's own
 * examples, for what a report's content holds: strings with escapes
 * (3.2.2.2), member order by UTF-16 code units (3.2.3), literals, nested
 * objects and integers; a real number is refused; the digest is the
 * SHA-256 of the canonical text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jcs.h"

static void check(const char *in, const char *want)
{
    json_error_t e;
    json_t *j = json_loads(in, JSON_ALLOW_NUL, &e);
    if (!j)
        fail_msg("bad test input: %s", e.text);
    size_t n = 0;
    char *out = jcs_dump(j, &n);
    json_decref(j);
    assert_non_null(out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
    free(out);
}

/* RFC 8785 3.2.2 (its numbers left out: a report holds none but integers). */
static void rfc_strings_and_literals(void **state)
{
    (void)state;
    check("{\n  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
          "  \"literals\": [null, true, false]\n}",
          "{\"literals\":[null,true,false],\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    /* Every short escape, and a control character without one. */
    check("[\"\\b\\t\\n\\f\\r\\u0001\\u001f \\u007f\"]", "[\"\\b\\t\\n\\f\\r\\u0001\\u001f \x7f\"]");
    /* Vietnamese text and U+2028 are written as they are, not escaped. */
    check("{\"t\":\"Nguy\\u1ec5n \\u2028 \\u0110\"}", "{\"t\":\"Nguy\xe1\xbb\x85n \xe2\x80\xa8 \xc4\x90\"}");
}

/* RFC 8785 3.2.3: names sorted by UTF-16 code units, so the emoji
 * (D83D DE00) comes before U+FB33 although its code point is higher. */
static void rfc_sorting(void **state)
{
    (void)state;
    check("{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
          "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
          "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}",
          "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
          "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
          "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

static void nested_and_integers(void **state)
{
    (void)state;
    check("{ \"b\" : [ 1 , -20, 0, {\"z\":{}, \"a\":[]}], \"a\" : { \"y\" : 9007199254740991, \"x\" : \"98.6\" } }",
          "{\"a\":{\"x\":\"98.6\",\"y\":9007199254740991},\"b\":[1,-20,0,{\"a\":[],\"z\":{}}]}");
    check("{}", "{}");
    check("[]", "[]");
}

static void refused(void **state)
{
    (void)state;
    const char *bad[] = {"[98.6]", "{\"a\":{\"b\":1e3}}", "[9007199254740992]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = json_loads(bad[i], 0, NULL);
        assert_non_null(j);
        assert_null(jcs_dump(j, NULL));
        char hex[65];
        assert_int_equal(jcs_sha256_hex(j, hex), -1);
        json_decref(j);
    }
    /* A string that is not UTF-8 (jansson takes it from json_stringn_nocheck). */
    json_t *s = json_stringn_nocheck("\xc3\x28", 2);
    assert_null(jcs_dump(s, NULL));
    json_decref(s);
}

static void digest(void **state)
{
    (void)state;
    json_t *j = json_loads("{\"b\":1,\"a\":\"x\"}", 0, NULL);
    char hex[65];
    assert_int_equal(jcs_sha256_hex(j, hex), 0);
    /* printf '{"a":"x","b":1}' | sha256sum */
    assert_string_equal(hex, "cdab067e9f3beb32d1252cfd63e492592fecbf591b0d08cadb24bb17f3864246");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc_strings_and_literals), cmocka_unit_test(rfc_sorting),
        cmocka_unit_test(nested_and_integers),      cmocka_unit_test(refused),
        cmocka_unit_test(digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
