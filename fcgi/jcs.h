/* jcs.h — JSON Canonicalization Scheme (RFC 8785) for what a report's
 * content holds: objects (members sorted by the UTF-16 code units of their
 * names), arrays, strings (escaped as RFC 8785 section 3.2.2.2 says: \" \\
 * \b \t \n \f \r, other controls as \u00xx in lower case, everything else
 * as its UTF-8), integers, true, false and null. A real number (a JSON
 * number with a fraction or an exponent) is refused rather than formatted:
 * the report's figures write decimals as strings ("98.6"), so no binary
 * float ever decides a digest.
 *
 * Ownership: jcs_dump returns text the caller frees with free(). */
#ifndef THIDUA_JCS_H
#define THIDUA_JCS_H
#include <jansson.h>
#include <stddef.h>

/* The canonical text of j, NUL-terminated (*len bytes without the NUL when
 * len is not NULL), or NULL when j holds a real number, a string that is
 * not valid UTF-8, or memory ran out. */
char *jcs_dump(const json_t *j, size_t *len);

/* SHA-256 of the canonical text of j as 64 lower-case hex digits into
 * hex[65]. 0, or -1 as jcs_dump fails. */
int jcs_sha256_hex(const json_t *j, char hex[65]);

#endif
