/* fuzz_fields.c — the declared-field validation of a JSON body
 * (fields_from_json, fields_from_json_value in fcgi/fields.h) and the
 * reading of a member as written (jsontext_member, fcgi/jsontext.h). The
 * input is a request body: parsed as the pipeline does, then validated,
 * as a POST and as a PATCH, against the body fields of every route of the
 * real table and a table of every field type (decimals with the limits
 * of a target's threshold and an index's score), the body's text given as
 * texts[0]. Checks:
 *   - the count returned is the number of errors added, each naming a
 *     field; a PATCH finds no more errors than a POST;
 *   - each value accepted has its text; an integer is within its bounds;
 *     a decimal's text is canonical, within its limits, parses back to
 *     the same decimal and is the number jansson read;
 *   - jsontext_member finds each top-level member as jansson parsed it,
 *     and no member that the object does not have. */
#include "fuzz.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>

#include "decimal.h"
#include "fields.h"
#include "jsontext.h"
#include "router.h"

static const decimal_limits percent = {.places = 6, .min = {0, 0}, .max = {100, 0}};
static const decimal_limits count = {.places = 0, .min = {0, 0}, .max = {1000000, 0}};
static const decimal_limits score = {.places = 2, .min = {0, 0}, .max = {99999999, 2}};
static const char *const kinds[] = {"percent", "count", NULL};
static const field_def every_type[] = {
    {"name", FT_STRING, F_REQUIRED, 1, 200, NULL, NULL},
    {"note", FT_TEXT, F_NULLABLE, 0, 2000, NULL, NULL},
    {"code", FT_CODE, 0, 1, 40, NULL, NULL},
    {"year", FT_INT, 0, 2000, 2100, NULL, NULL},
    {"unit_id", FT_ID, F_NULLABLE, 0, 0, NULL, NULL},
    {"percent", FT_DECIMAL, F_NULLABLE, 0, 0, NULL, NULL, &percent},
    {"count", FT_DECIMAL, 0, 0, 0, NULL, NULL, &count},
    {"score", FT_DECIMAL, F_NULLABLE, 0, 0, NULL, NULL, &score},
    {"any", FT_DECIMAL, 0, 0, 0, NULL, NULL, NULL},
    {"on", FT_DATE, 0, 0, 0, NULL, NULL},
    {"done", FT_BOOL, 0, 0, 0, NULL, NULL},
    {"kind", FT_ENUM, 0, 0, 0, kinds, NULL},
    {"extra", FT_JSON, F_NULLABLE, 0, 0, NULL, NULL},
    {0},
};
/* A target's threshold, declared by its metric (fcgi/api/targets.c). */
static const field_def thresholds[] = {
    {"threshold", FT_DECIMAL, F_REQUIRED, 0, 0, NULL, NULL, &percent},
    {"threshold", FT_DECIMAL, F_REQUIRED, 0, 0, NULL, NULL, &count},
};

/* The value v of a decimal member, accepted as val: canonical, within
 * its limits, the number jansson read. */
static void check_decimal(const field_def *def, json_t *v, const field_val *val)
{
    decimal d;
    FUZZ_CHECK(val->s != NULL);
    size_t n = strlen(val->s);
    FUZZ_CHECK(decimal_parse(val->s, n, DECIMAL_JSON, def->decimal, &d) == DECIMAL_OK);
    FUZZ_CHECK(d.mant == val->dec.mant && d.scale == val->dec.scale);
    FUZZ_CHECK(decimal_parse(val->s, n, DECIMAL_PLAIN, def->decimal, &d) == DECIMAL_OK);
    char buf[DECIMAL_TEXT_MAX];
    FUZZ_CHECK(strcmp(decimal_format(&val->dec, buf), val->s) == 0);
    double want = json_number_value(v), got = (double)val->dec.mant / pow(10, val->dec.scale);
    FUZZ_CHECK(fabs(got - want) <= 1e-12 * fabs(want) + 1e-300);
}

/* Every value accepted in vals against defs, for obj. */
static void check_values(const field_def *defs, json_t *obj, const field_val *vals)
{
    for (int i = 0; defs[i].name; i++) {
        const field_val *val = &vals[i];
        if (val->null)
            continue;
        json_t *v = json_object_get(obj, defs[i].name);
        FUZZ_CHECK(v != NULL && val->present);
        switch (defs[i].type) {
        case FT_JSON:
            FUZZ_CHECK(val->j == v);
            break;
        case FT_INT:
            FUZZ_CHECK(val->i >= defs[i].min && val->i <= defs[i].max && val->s);
            break;
        case FT_ID:
            FUZZ_CHECK(val->i > 0 && val->s);
            break;
        case FT_DECIMAL:
            check_decimal(&defs[i], v, val);
            break;
        default:
            FUZZ_CHECK(val->s != NULL);
        }
    }
}

/* Validates obj against defs with texts, as a POST and as a PATCH. */
static void validate(arena *mem, const field_def *defs, json_t *obj, const char *const *texts)
{
    int n = fields_count(defs);
    field_val *vals = arena_alloc(mem, (size_t)(n ? n : 1) * sizeof *vals);
    int found[2];
    for (int patch = 0; patch < 2; patch++) {
        json_t *errors = json_array();
        found[patch] = fields_from_json(mem, defs, obj, texts, vals, errors, patch);
        FUZZ_CHECK(found[patch] >= 0 && (size_t)found[patch] == json_array_size(errors));
        size_t i;
        json_t *e;
        json_array_foreach(errors, i, e) {
            FUZZ_CHECK(json_is_string(json_object_get(e, "field")));
            FUZZ_CHECK(json_is_string(json_object_get(e, "message")));
        }
        json_decref(errors);
        check_values(defs, obj, vals);
    }
    FUZZ_CHECK(found[1] <= found[0]);
}

/* jsontext_member on the text of obj: each member as jansson read it. */
static void check_members(const char *text, size_t len, json_t *obj)
{
    const char *key;
    json_t *v;
    size_t vlen;
    json_object_foreach(obj, key, v) {
        const char *lexeme = jsontext_member(text, len, key, &vlen);
        FUZZ_CHECK(lexeme != NULL && lexeme >= text && lexeme + vlen <= text + len);
        json_t *w = json_loadb(lexeme, vlen, JSON_DECODE_ANY, NULL);
        FUZZ_CHECK(w != NULL && json_equal(w, v));
        json_decref(w);
    }
    static const char *const absent[] = {"threshold", "score", "", "zz"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        if (!json_object_get(obj, absent[i]))
            FUZZ_CHECK(jsontext_member(text, len, absent[i], &vlen) == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static arena mem;
    /* As the pipeline reads a body: NUL-terminated, parsed with its length. */
    char *body = malloc(size + 1);
    if (!body)
        abort();
    memcpy(body, data, size);
    body[size] = '\0';
    json_t *json = json_loadb(body, size, JSON_REJECT_DUPLICATES, NULL);
    if (!json) {
        free(body);
        return 0;
    }
    if (!json_is_object(json)) {
        size_t vlen;
        FUZZ_CHECK(jsontext_member(body, size, "threshold", &vlen) == NULL);
        goto done;
    }
    check_members(body, size, json);
    const char *const texts[] = {body, NULL};
    /* A PATCH reads a decimal in the body first, then in the stored row. */
    const char *const patch_texts[] = {"{\"note\": \"stored\"}", body, NULL};
    validate(&mem, every_type, json, texts);
    validate(&mem, every_type, json, patch_texts);
    const field_def *seen[256];
    size_t nseen = 0;
    for (size_t r = 0; r < router_count(); r++) {
        const field_def *defs = router_at(r)->fields;
        bool again = !defs;
        for (size_t i = 0; i < nseen && !again; i++)
            again = seen[i] == defs;
        if (again || nseen == sizeof seen / sizeof seen[0])
            continue;
        seen[nseen++] = defs;
        validate(&mem, defs, json, texts);
    }
    json_t *v = json_object_get(json, "threshold");
    for (size_t i = 0; v && i < sizeof thresholds / sizeof thresholds[0]; i++) {
        field_val val;
        if (!fields_from_json_value(&mem, &thresholds[i], v, texts, &val) && !val.null)
            check_decimal(&thresholds[i], v, &val);
    }
done:
    json_decref(json);
    free(body);
    arena_free(&mem);
    return 0;
}
