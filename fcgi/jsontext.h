/* jsontext.h — JSON text that jansson does not keep. jansson turns every
 * number into a long long or a double, so "98.6" read and written again
 * becomes 98.599999999999994 (with 17 digits, or 98.6 with 15, which then
 * write 0.000001 as 1e-6). These work on the text instead:
 *
 *   - jsontext_member finds how a top-level member's value is written in
 *     the text of an object, so that a number is read as written;
 *   - jsontext_decimal makes a value that jsontext_dumps writes as the
 *     decimal's canonical text, so that a number is echoed as stored.
 *
 * Ownership as in jansson: jsontext_decimal returns a new reference;
 * jsontext_dumps returns text the caller frees with free().
 * jsontext_member points into the text it is given. */
#ifndef THIDUA_JSONTEXT_H
#define THIDUA_JSONTEXT_H
#include <jansson.h>
#include <stddef.h>

#include "decimal.h"

/* The value of member key of the object in json[0..len), as written
 * (*vlen bytes from the pointer returned, no surrounding spaces), or NULL
 * when the object has no such member. Keys are compared after decoding
 * their escapes ("a\u0062" is the key "ab"). json must be text that
 * jansson accepted; with duplicate keys the first is found. NULL too
 * when json is not an object. */
const char *jsontext_member(const char *json, size_t len, const char *key, size_t *vlen);

/* A stand-in for d: a string that only jsontext_dumps understands (U+0000
 * and the canonical text), which it writes as the bare number. */
json_t *jsontext_decimal(const decimal *d);

/* json_dumps(j, flags), each jsontext_decimal value written as its
 * number. No other string in j may start with U+0000 (none can that came
 * from PostgreSQL text or from a body that jansson parsed). NULL on
 * failure, as json_dumps. */
char *jsontext_dumps(const json_t *j, size_t flags);
/* A copy of JSON text json (malloc'd; NULL when out of memory) in which
 * every number with a fraction or an exponent is a string of its
 * canonical decimal text ("66.67", "0.000001", "100" for 100.0), never
 * passing through a double: a document that must keep its decimals
 * exactly (a report's figures) is then parsed by jansson as it is. A
 * number a decimal cannot hold is quoted as written. Integers stay
 * numbers. Strings are copied untouched. */
char *jsontext_reals_as_strings(const char *json);

#endif
