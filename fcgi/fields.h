/* fields.h — inputs declared, not parsed by hand: each endpoint declares its
 * fields in a table; one validator turns a JSON object (or a CSV row of
 * text) into typed values, or into field errors for problem+json.
 * A decimal (FT_DECIMAL) is read as written, never through a double
 * (decimal.h), so the JSON validator is given the object's text too.
 * Values live in the request's arena. */
#ifndef THIDUA_FIELDS_H
#define THIDUA_FIELDS_H
#include <jansson.h>
#include <stdbool.h>

#include "arena.h"
#include "decimal.h"

typedef enum {
    FT_STRING,  /* one line of text, NFC, trimmed */
    FT_TEXT,    /* text that may hold line breaks, NFC */
    FT_CODE,    /* [A-Za-z0-9_.-]+ */
    FT_INT,     /* integer within min..max */
    FT_ID,      /* positive integer id */
    FT_DECIMAL, /* a number as written, within decimal limits */
    FT_DATE,    /* YYYY-MM-DD */
    FT_BOOL,
    FT_ENUM,    /* one of choices */
    FT_JSON     /* any JSON value, checked by the handler */
} field_type;

enum { F_REQUIRED = 1, F_NULLABLE = 2 };

typedef struct field_def {
    const char *name;
    field_type type;
    unsigned flags;
    long long min, max;          /* FT_INT bounds; FT_STRING/FT_CODE/FT_TEXT length in characters (max 0: 200) */
    const char *const *choices;  /* FT_ENUM: NULL-terminated */
    const char *description;     /* for the OpenAPI document */
    const decimal_limits *decimal; /* FT_DECIMAL: places and bounds (NULL: what a decimal holds) */
} field_def;

typedef struct field_val {
    bool present;   /* the field was given (PATCH) */
    bool null;      /* given as null, or absent */
    long long i;
    decimal dec;    /* FT_DECIMAL */
    bool b;
    const char *s;  /* text form of every scalar (ids and ints too; a decimal's canonical
                     * text, "98.6"), NULL when null */
    json_t *j;      /* FT_JSON: borrowed from the body */
} field_val;

/* Number of defs in a NULL-name terminated table. */
int fields_count(const field_def *defs);
/* Validates obj against defs into vals[fields_count(defs)]. Unknown keys
 * and bad values are appended to errors as {field, message}. With patch,
 * required fields may be absent. Returns the number of errors added.
 * texts: NULL-terminated JSON object texts that obj was made of; an
 * FT_DECIMAL member is read as written in the first of them that has the
 * member (a PATCH: the body, then the stored row), which must say what
 * obj says; when none has it, or that one says otherwise, it is refused. */
int fields_from_json(arena *a, const field_def *defs, json_t *obj, const char *const *texts, field_val *vals,
                     json_t *errors, bool patch);
/* Validates the value v of one member of an object, as fields_from_json
 * does each declared one: for a member whose declaration depends on the
 * others (a target's threshold on its metric). NULL, or what is wrong. */
const char *fields_from_json_value(arena *a, const field_def *def, json_t *v, const char *const *texts,
                                   field_val *val);
/* Validates one text value (a CSV cell; "" = null; a decimal in the plain
 * syntax of decimal.h) into val. Returns NULL, or the Vietnamese message
 * of what is wrong. */
const char *fields_from_text(arena *a, const field_def *def, const char *text, field_val *val);
/* Appends {field, message} (and row when row > 0) to errors. */
void fields_error(json_t *errors, const char *field, const char *message, long row);

#endif
