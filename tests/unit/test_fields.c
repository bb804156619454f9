/* test_fields.c — unit tests for declared input fields (fcgi/fields.c):
 * every field type from JSON and from CSV text, required/nullable, unknown
 * fields, PATCH mode, decimals read as written in the body (or the stored
 * row), and the Vietnamese messages naming what is wrong. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

static arena mem;

static int teardown(void **state)
{
    (void)state;
    arena_free(&mem);
    return 0;
}

static const char *const kinds[] = {"agency", "division", "center", NULL};
/* 0 to 999999.99: an index score. */
static const decimal_limits score_limits = {.places = 2, .min = {0, 0}, .max = {99999999, 2}};

static const field_def defs[] = {
    {"name", FT_STRING, F_REQUIRED, 0, 10, NULL, "Tên"},
    {"note", FT_TEXT, F_NULLABLE, 0, 0, NULL, "Ghi chú"},
    {"code", FT_CODE, F_REQUIRED, 2, 12, NULL, "Mã"},
    {"year", FT_INT, 0, 2000, 2100, NULL, "Năm"},
    {"parent_id", FT_ID, F_NULLABLE, 0, 0, NULL, "Đơn vị cha"},
    {"score", FT_DECIMAL, F_NULLABLE, 0, 0, NULL, "Điểm", &score_limits},
    {"start_date", FT_DATE, 0, 0, 0, NULL, "Ngày bắt đầu"},
    {"active", FT_BOOL, 0, 0, 0, NULL, "Còn hoạt động"},
    {"kind", FT_ENUM, 0, 0, 0, kinds, "Loại"},
    {"extra", FT_JSON, 0, 0, 0, NULL, "Tùy chọn"},
    {NULL, FT_STRING, 0, 0, 0, NULL, NULL},
};
enum { NAME, NOTE, CODE, YEAR, PARENT, SCORE, START, ACTIVE, KIND, EXTRA, NDEFS };

typedef struct outcome {
    field_val vals[NDEFS];
    json_t *errors;
    json_t *body;
    int n;
} outcome;

/* Validates obj, whose numbers are read as written in texts. */
static outcome *validate_object(json_t *obj, const char *const *texts, bool patch)
{
    outcome *o = arena_alloc(&mem, sizeof *o);
    memset(o, 0, sizeof *o);
    o->body = obj;
    o->errors = json_array();
    o->n = fields_from_json(&mem, defs, o->body, texts, o->vals, o->errors, patch);
    assert_int_equal((size_t)o->n, json_array_size(o->errors));
    return o;
}

static json_t *parsed(const char *json)
{
    json_error_t err;
    json_t *j = json_loads(json, 0, &err);
    if (!j)
        fail_msg("bad JSON in the test: %s: %s", json, err.text);
    return j;
}

/* Validates a body, as api_body does: the object and its text. */
static outcome *validate(const char *json, bool patch)
{
    const char *texts[] = {json, NULL};
    return validate_object(parsed(json), texts, patch);
}

static void done(outcome *o)
{
    json_decref(o->errors);
    json_decref(o->body);
}

/* The message for field, or NULL when it has none. */
static const char *error_for(const outcome *o, const char *field)
{
    size_t i;
    json_t *e;
    json_array_foreach(o->errors, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
            return json_string_value(json_object_get(e, "message"));
    }
    return NULL;
}

/* Only `field` is wrong in a body with the required fields plus extra. */
static void expect_only_error(const char *extra_json, const char *field)
{
    char json[1024];
    snprintf(json, sizeof json, "{\"name\":\"Tên\",\"code\":\"AB\"%s%s}", extra_json[0] ? "," : "", extra_json);
    outcome *o = validate(json, false);
    if (o->n != 1 || !error_for(o, field))
        fail_msg("%s: expected one error on %s, got %s", json, field, json_dumps(o->errors, JSON_COMPACT));
    done(o);
}

static outcome *expect_valid(const char *extra_json)
{
    char json[1024];
    snprintf(json, sizeof json, "{\"name\":\"Tên\",\"code\":\"AB\"%s%s}", extra_json[0] ? "," : "", extra_json);
    outcome *o = validate(json, false);
    if (o->n != 0) {
        char *e = json_dumps(o->errors, JSON_COMPACT);
        fail_msg("%s: unexpected errors %s", json, e);
    }
    return o;
}

/* ---- tables ------------------------------------------------------- */

static void count_of_a_table(void **state)
{
    (void)state;
    assert_int_equal(fields_count(defs), NDEFS);
    assert_int_equal(fields_count(NULL), 0);
    assert_int_equal(fields_count(defs + NDEFS), 0);
}

/* ---- strings ------------------------------------------------------ */

static void strings_are_nfc_and_trimmed(void **state)
{
    (void)state;
    /* "Nguyễn" typed with combining marks (e + U+0302 + U+0303) is
     * stored composed, without the spaces and tab around it. */
    outcome *o = validate("{\"name\":\"  Nguye\\u0302\\u0303n\\t \",\"code\":\"AB\"}", false);
    assert_int_equal(o->n, 0);
    assert_string_equal(o->vals[NAME].s, "Nguy\xe1\xbb\x85n");
    assert_true(o->vals[NAME].present);
    assert_false(o->vals[NAME].null);
    done(o);
    /* Length is counted in characters after composition: 10 composed
     * characters pass although the decomposed input has 20 code points. */
    o = validate("{\"name\":\"e\\u0302\\u0303e\\u0302\\u0303e\\u0302\\u0303e\\u0302\\u0303e\\u0302\\u0303"
                 "abcde\",\"code\":\"AB\"}", false);
    assert_int_equal(o->n, 0);
    done(o);
    expect_only_error("\"name\":\"Phòng Tổ chức cán bộ\"", "name"); /* 21 > 10 */
}

static void required_strings_are_not_blank(void **state)
{
    (void)state;
    outcome *o = validate("{\"name\":\"   \",\"code\":\"AB\"}", false);
    assert_int_equal(o->n, 1);
    assert_string_equal(error_for(o, "name"), "không được để trống");
    done(o);
    o = validate("{\"code\":\"AB\"}", false);
    assert_string_equal(error_for(o, "name"), "là bắt buộc");
    done(o);
    o = validate("{\"name\":null,\"code\":\"AB\"}", false);
    assert_string_equal(error_for(o, "name"), "không được để trống");
    done(o);
    expect_only_error("\"note\":12", "note");
}

static void control_characters_are_refused(void **state)
{
    (void)state;
    expect_only_error("\"kind\":\"agency\",\"note\":\"bell\\u0007\"", "note");
    expect_only_error("\"note\":\"escape\\u001b[0m\"", "note");
    expect_only_error("\"note\":\"del\\u007f\"", "note");
    expect_only_error("\"note\":\"next line\\u0085\"", "note"); /* C1 */
    /* One-line strings take no line break; text does. */
    outcome *o = validate("{\"name\":\"a\\nb\",\"code\":\"AB\"}", false);
    assert_string_equal(error_for(o, "name"), "chứa ký tự điều khiển");
    done(o);
    o = expect_valid("\"note\":\"dòng 1\\r\\ndòng 2\\n\\tthụt lề  \"");
    assert_string_equal(o->vals[NOTE].s, "dòng 1\r\ndòng 2\n\tthụt lề  "); /* text is not trimmed */
    done(o);
}

static void codes(void **state)
{
    (void)state;
    outcome *o = expect_valid("");
    assert_string_equal(o->vals[CODE].s, "AB");
    done(o);
    o = validate("{\"name\":\"x\",\"code\":\"VP-01.a_b\"}", false);
    assert_int_equal(o->n, 0);
    done(o);
    static const char *const bad[] = {"A", "ABCDEFGHIJKLM", "A B", "TĐ", "A/B", "A+B", NULL};
    for (int i = 0; bad[i]; i++) {
        char json[128];
        snprintf(json, sizeof json, "{\"name\":\"x\",\"code\":\"%s\"}", bad[i]);
        o = validate(json, false);
        if (o->n != 1 || !error_for(o, "code"))
            fail_msg("code '%s' was accepted", bad[i]);
        done(o);
    }
}

/* ---- numbers ------------------------------------------------------ */

static void integers_within_bounds(void **state)
{
    (void)state;
    outcome *o = expect_valid("\"year\":2000");
    assert_int_equal(o->vals[YEAR].i, 2000);
    assert_string_equal(o->vals[YEAR].s, "2000");
    done(o);
    o = expect_valid("\"year\":2100");
    done(o);
    expect_only_error("\"year\":1999", "year");
    expect_only_error("\"year\":2101", "year");
    expect_only_error("\"year\":-9223372036854775808", "year");
    expect_only_error("\"year\":2025.0", "year");
    expect_only_error("\"year\":\"2025\"", "year");
    expect_only_error("\"year\":true", "year");
    o = validate("{\"name\":\"x\",\"code\":\"AB\",\"year\":1999}", false);
    assert_string_equal(error_for(o, "year"), "phải từ 2000 đến 2100");
    done(o);
}

static void ids_are_positive(void **state)
{
    (void)state;
    outcome *o = expect_valid("\"parent_id\":42");
    assert_int_equal(o->vals[PARENT].i, 42);
    done(o);
    o = expect_valid("\"parent_id\":null");
    assert_true(o->vals[PARENT].present);
    assert_true(o->vals[PARENT].null);
    assert_null(o->vals[PARENT].s);
    done(o);
    expect_only_error("\"parent_id\":0", "parent_id");
    expect_only_error("\"parent_id\":-3", "parent_id");
    expect_only_error("\"parent_id\":1000000000000000", "parent_id");
    expect_only_error("\"parent_id\":\"42\"", "parent_id");
}

static void decimals_as_written(void **state)
{
    (void)state;
    /* 85.67 is not a double: it is read from the text, kept as 8567
     * hundredths and given back as written. */
    outcome *o = expect_valid("\"score\":85.67");
    assert_string_equal(o->vals[SCORE].s, "85.67");
    assert_int_equal(o->vals[SCORE].dec.mant, 8567);
    assert_int_equal(o->vals[SCORE].dec.scale, 2);
    done(o);
    o = expect_valid("\"score\":7");
    assert_string_equal(o->vals[SCORE].s, "7");
    done(o);
    /* Canonical text: no exponent, no trailing zero. */
    o = expect_valid("\"score\" : 8.56700e1 ");
    assert_string_equal(o->vals[SCORE].s, "85.67");
    done(o);
    o = expect_valid("\"score\":999999.99");
    assert_string_equal(o->vals[SCORE].s, "999999.99");
    done(o);
    o = expect_valid("\"score\":null");
    assert_true(o->vals[SCORE].null);
    done(o);
    expect_only_error("\"score\":85.675", "score");
    expect_only_error("\"score\":1000000", "score");
    expect_only_error("\"score\":-0.01", "score");
    expect_only_error("\"score\":\"7\"", "score");
    expect_only_error("\"score\":[7]", "score");
    expect_only_error("\"score\":true", "score");
    o = validate("{\"name\":\"x\",\"code\":\"AB\",\"score\":85.675}", false);
    assert_string_equal(error_for(o, "score"), "tối đa 2 chữ số thập phân");
    done(o);
    o = validate("{\"name\":\"x\",\"code\":\"AB\",\"score\":1e6}", false);
    assert_string_equal(error_for(o, "score"), "phải từ 0 đến 999999,99");
    done(o);
}

static void decimals_found_by_their_key(void **state)
{
    (void)state;
    /* The same number elsewhere in the body (inside another member, or
     * under a key that only looks alike) is not taken for it; an escaped
     * key is the key it spells. */
    outcome *o = validate("{\"extra\":{\"score\":1.5},\"name\":\"x\",\"code\":\"AB\",\"sc\\u006fre\":12.30}", false);
    assert_int_equal(o->n, 0);
    assert_string_equal(o->vals[SCORE].s, "12.3");
    done(o);
    /* A text that is not what the object was made of lends no number. */
    const char *other[] = {"{\"score\":1.25}", NULL};
    o = validate_object(parsed("{\"name\":\"x\",\"code\":\"AB\",\"score\":85.67}"), other, false);
    assert_int_equal(o->n, 1);
    assert_non_null(error_for(o, "score"));
    done(o);
    o = validate_object(parsed("{\"name\":\"x\",\"code\":\"AB\",\"score\":85.67}"), NULL, false);
    assert_int_equal(o->n, 1);
    done(o);
}

static void one_member_by_its_own_declaration(void **state)
{
    (void)state;
    /* A threshold whose limits depend on the metric: validated alone. */
    static const decimal_limits percent = {.places = 6, .min = {0, 0}, .max = {100, 0}};
    static const field_def threshold = {"threshold", FT_DECIMAL, F_REQUIRED, 0, 0, NULL, NULL, &percent};
    const char *body = "{\"metric\":\"study_coverage\",\"threshold\":99.9999990}";
    const char *texts[] = {body, NULL};
    json_t *obj = parsed(body);
    field_val v;
    assert_null(fields_from_json_value(&mem, &threshold, json_object_get(obj, "threshold"), texts, &v));
    assert_string_equal(v.s, "99.999999");
    assert_true(v.present);
    json_decref(obj);
    body = "{\"threshold\":0.0000001}";
    texts[0] = body;
    obj = parsed(body);
    assert_string_equal(fields_from_json_value(&mem, &threshold, json_object_get(obj, "threshold"), texts, &v),
                        "tối đa 6 chữ số thập phân");
    assert_string_equal(fields_from_json_value(&mem, &threshold, json_null(), texts, &v), "không được để trống");
    json_decref(obj);
}

static void decimals_in_a_patch(void **state)
{
    (void)state;
    /* api_patch_merge validates the stored row overlaid with the patch:
     * a decimal the patch gives is read in the body, one it does not in
     * the stored row's text (as PostgreSQL writes it). */
    const char *stored = "{\"name\" : \"x\", \"code\" : \"AB\", \"score\" : 33.30, \"year\" : 2025}";
    const char *body = "{\"score\":98.6}";
    json_t *merged = parsed(stored);
    json_t *patch = parsed(body);
    json_object_update(merged, patch);
    json_decref(patch);
    const char *texts[] = {body, stored, NULL};
    outcome *o = validate_object(merged, texts, false);
    assert_int_equal(o->n, 0);
    assert_string_equal(o->vals[SCORE].s, "98.6");
    done(o);
    body = "{\"year\":2030}";
    merged = parsed(stored);
    patch = parsed(body);
    json_object_update(merged, patch);
    json_decref(patch);
    texts[0] = body;
    o = validate_object(merged, texts, false);
    assert_int_equal(o->n, 0);
    assert_string_equal(o->vals[SCORE].s, "33.3");
    assert_int_equal(o->vals[YEAR].i, 2030);
    done(o);
}

/* ---- dates, booleans, enums, JSON --------------------------------- */

static void dates_are_calendar_dates(void **state)
{
    (void)state;
    outcome *o = expect_valid("\"start_date\":\"2024-02-29\"");
    assert_string_equal(o->vals[START].s, "2024-02-29");
    done(o);
    o = expect_valid("\"start_date\":\"2000-02-29\"");
    done(o);
    o = expect_valid("\"start_date\":\"2025-12-31\"");
    done(o);
    static const char *const bad[] = {
        "2025-02-29", "1900-02-29", "2100-02-29", "2025-04-31", "2025-13-01", "2025-00-10", "2025-01-00",
        "2025-1-01",  "25-01-01",   "2025/01/01", "01/01/2025", "2025-01-01T00:00:00", "", "abcd-ef-gh",
        NULL,
    };
    for (int i = 0; bad[i]; i++) {
        char extra[128];
        snprintf(extra, sizeof extra, "\"start_date\":\"%s\"", bad[i]);
        expect_only_error(extra, "start_date");
    }
    expect_only_error("\"start_date\":20250101", "start_date");
}

static void booleans(void **state)
{
    (void)state;
    outcome *o = expect_valid("\"active\":false");
    assert_false(o->vals[ACTIVE].b);
    assert_string_equal(o->vals[ACTIVE].s, "false");
    done(o);
    o = expect_valid("\"active\":true");
    assert_true(o->vals[ACTIVE].b);
    done(o);
    expect_only_error("\"active\":1", "active");
    expect_only_error("\"active\":\"true\"", "active");
    expect_only_error("\"active\":null", "active");
}

static void enums_name_their_choices(void **state)
{
    (void)state;
    outcome *o = expect_valid("\"kind\":\"division\"");
    assert_string_equal(o->vals[KIND].s, "division");
    done(o);
    o = validate("{\"name\":\"x\",\"code\":\"AB\",\"kind\":\"Division\"}", false);
    assert_int_equal(o->n, 1);
    assert_string_equal(error_for(o, "kind"), "phải là một trong: agency, division, center");
    done(o);
    expect_only_error("\"kind\":\"\"", "kind");
    expect_only_error("\"kind\":1", "kind");
}

static void json_values_pass_through(void **state)
{
    (void)state;
    outcome *o = expect_valid("\"extra\":{\"a\":[1,2]}");
    assert_true(json_is_object(o->vals[EXTRA].j));
    assert_false(o->vals[EXTRA].null);
    done(o);
}

/* ---- the object as a whole ---------------------------------------- */

static void unknown_fields_and_every_error_listed(void **state)
{
    (void)state;
    outcome *o = validate("{\"name\":\"x\",\"code\":\"AB\",\"colour\":\"red\"}", false);
    assert_int_equal(o->n, 1);
    assert_string_equal(error_for(o, "colour"), "trường không được hỗ trợ");
    done(o);
    o = validate("{\"year\":1,\"kind\":\"x\",\"bogus\":1,\"start_date\":\"2025-02-29\"}", false);
    assert_int_equal(o->n, 6); /* bogus, name, code (required), year, start_date, kind */
    assert_non_null(error_for(o, "bogus"));
    assert_non_null(error_for(o, "name"));
    assert_non_null(error_for(o, "code"));
    assert_non_null(error_for(o, "year"));
    assert_non_null(error_for(o, "start_date"));
    assert_non_null(error_for(o, "kind"));
    done(o);
}

static void absent_fields_are_null_and_not_present(void **state)
{
    (void)state;
    outcome *o = expect_valid("");
    for (int i = 0; i < NDEFS; i++) {
        if (i == NAME || i == CODE)
            continue;
        assert_false(o->vals[i].present);
        assert_true(o->vals[i].null);
    }
    done(o);
}

static void patch_mode(void **state)
{
    (void)state;
    /* Required fields may be absent; what is given is still checked. */
    outcome *o = validate("{}", true);
    assert_int_equal(o->n, 0);
    assert_false(o->vals[NAME].present);
    done(o);
    o = validate("{\"year\":2030}", true);
    assert_int_equal(o->n, 0);
    assert_true(o->vals[YEAR].present);
    assert_int_equal(o->vals[YEAR].i, 2030);
    assert_false(o->vals[NAME].present);
    done(o);
    o = validate("{\"name\":\"\"}", true);
    assert_string_equal(error_for(o, "name"), "không được để trống");
    done(o);
    o = validate("{\"name\":null}", true);
    assert_int_equal(o->n, 1);
    done(o);
    o = validate("{\"note\":null,\"parent_id\":null}", true);
    assert_int_equal(o->n, 0);
    assert_true(o->vals[NOTE].present && o->vals[NOTE].null);
    assert_true(o->vals[PARENT].present && o->vals[PARENT].null);
    done(o);
    o = validate("{\"nope\":1}", true);
    assert_string_equal(error_for(o, "nope"), "trường không được hỗ trợ");
    done(o);
}

/* ---- from CSV text ------------------------------------------------ */

static void from_text(void **state)
{
    (void)state;
    field_val v;
    assert_null(fields_from_text(&mem, &defs[YEAR], " 2025 ", &v));
    assert_int_equal(v.i, 2025);
    assert_false(v.null);
    assert_non_null(fields_from_text(&mem, &defs[YEAR], "2025a", &v));
    assert_non_null(fields_from_text(&mem, &defs[YEAR], "1999", &v));
    assert_non_null(fields_from_text(&mem, &defs[YEAR], "99999999999999999999", &v));
    assert_non_null(fields_from_text(&mem, &defs[PARENT], "0", &v));

    assert_null(fields_from_text(&mem, &defs[ACTIVE], "1", &v));
    assert_true(v.b);
    assert_null(fields_from_text(&mem, &defs[ACTIVE], "false", &v));
    assert_false(v.b);
    assert_non_null(fields_from_text(&mem, &defs[ACTIVE], "có", &v));

    assert_null(fields_from_text(&mem, &defs[SCORE], " 85.67 ", &v));
    assert_string_equal(v.s, "85.67");
    assert_null(fields_from_text(&mem, &defs[SCORE], "085.670", &v));
    assert_string_equal(v.s, "85.67");
    assert_string_equal(fields_from_text(&mem, &defs[SCORE], "85.675", &v), "tối đa 2 chữ số thập phân");
    assert_non_null(fields_from_text(&mem, &defs[SCORE], "98,5", &v));
    assert_non_null(fields_from_text(&mem, &defs[SCORE], "1e2", &v));
    assert_non_null(fields_from_text(&mem, &defs[SCORE], "inf", &v));
    assert_null(fields_from_text(&mem, &defs[SCORE], "", &v));
    assert_true(v.null);

    assert_null(fields_from_text(&mem, &defs[START], "2024-02-29", &v));
    assert_non_null(fields_from_text(&mem, &defs[START], "2025-02-29", &v));
    assert_null(fields_from_text(&mem, &defs[KIND], "center", &v));
    assert_non_null(fields_from_text(&mem, &defs[KIND], "Center", &v));

    assert_null(fields_from_text(&mem, &defs[NAME], "  Nguye\xcc\x82\xcc\x83n ", &v));
    assert_string_equal(v.s, "Nguy\xe1\xbb\x85n");

    /* An empty cell is null: fine when optional, an error when required. */
    assert_null(fields_from_text(&mem, &defs[YEAR], "  ", &v));
    assert_true(v.null);
    assert_string_equal(fields_from_text(&mem, &defs[NAME], "", &v), "là bắt buộc");
    assert_non_null(fields_from_text(&mem, &defs[NAME], "\xc3\x28", &v)); /* not UTF-8 */
}

static void error_entries(void **state)
{
    (void)state;
    json_t *errors = json_array();
    fields_error(errors, "name", "là bắt buộc", 0);
    fields_error(errors, "code", "trùng", 12);
    json_t *a = json_array_get(errors, 0), *b = json_array_get(errors, 1);
    assert_null(json_object_get(a, "row"));
    assert_string_equal(json_string_value(json_object_get(a, "field")), "name");
    assert_int_equal(json_integer_value(json_object_get(b, "row")), 12);
    assert_string_equal(json_string_value(json_object_get(b, "message")), "trùng");
    json_decref(errors);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(count_of_a_table, teardown),
        cmocka_unit_test_teardown(strings_are_nfc_and_trimmed, teardown),
        cmocka_unit_test_teardown(required_strings_are_not_blank, teardown),
        cmocka_unit_test_teardown(control_characters_are_refused, teardown),
        cmocka_unit_test_teardown(codes, teardown),
        cmocka_unit_test_teardown(integers_within_bounds, teardown),
        cmocka_unit_test_teardown(ids_are_positive, teardown),
        cmocka_unit_test_teardown(decimals_as_written, teardown),
        cmocka_unit_test_teardown(decimals_found_by_their_key, teardown),
        cmocka_unit_test_teardown(decimals_in_a_patch, teardown),
        cmocka_unit_test_teardown(one_member_by_its_own_declaration, teardown),
        cmocka_unit_test_teardown(dates_are_calendar_dates, teardown),
        cmocka_unit_test_teardown(booleans, teardown),
        cmocka_unit_test_teardown(enums_name_their_choices, teardown),
        cmocka_unit_test_teardown(json_values_pass_through, teardown),
        cmocka_unit_test_teardown(unknown_fields_and_every_error_listed, teardown),
        cmocka_unit_test_teardown(absent_fields_are_null_and_not_present, teardown),
        cmocka_unit_test_teardown(patch_mode, teardown),
        cmocka_unit_test_teardown(from_text, teardown),
        cmocka_unit_test_teardown(error_entries, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
