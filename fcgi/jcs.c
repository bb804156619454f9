/* jcs.c — RFC 8785 canonical JSON (see jcs.h). */
#include "jcs.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
    char *p;
    size_t len, cap;
    bool failed;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* Decodes one UTF-8 character of s[0..n) into *cp: its length, or 0 when
 * it is not valid (overlong, a surrogate, above U+10FFFF, cut short). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (len == 0 || s[0] > 0xF4 || len > n)
        return 0;
    uint32_t c = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static bool valid_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = utf8_next(u + i, n - i, &cp);
        if (l == 0)
            return false;
        i += l;
    }
    return true;
}

static void put_string(buf *b, const char *s, size_t n)
{
    if (!valid_utf8(s, n)) {
        b->failed = true;
        return;
    }
    put(b, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char hex[8];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\f': esc = "\\f"; break;
        case '\r': esc = "\\r"; break;
        default:
            if (c < 0x20) {
                snprintf(hex, sizeof hex, "\\u%04x", c);
                esc = hex;
            }
        }
        if (esc) {
            put(b, s + run, i - run);
            put(b, esc, strlen(esc));
            run = i + 1;
        }
    }
    put(b, s + run, n - run);
    put(b, "\"", 1);
}

/* Compares two member names by their UTF-16 code units (RFC 8785 3.2.3).
 * UTF-8 byte order is code point order, which differs from UTF-16 order
 * only between U+E000..U+FFFF and the supplementary planes (surrogates
 * D800..DFFF sort below E000). */
static int cmp_utf16(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    size_t nx = strlen(a), ny = strlen(b), i = 0, j = 0;
    while (i < nx && j < ny) {
        uint32_t cx, cy;
        size_t lx = utf8_next(x + i, nx - i, &cx), ly = utf8_next(y + j, ny - j, &cy);
        if (lx == 0 || ly == 0)
            return strcmp(a + i, b + j);
        if (cx != cy) {
            /* The first UTF-16 unit of each. */
            uint32_t ux = cx >= 0x10000 ? 0xD800 + ((cx - 0x10000) >> 10) : cx;
            uint32_t uy = cy >= 0x10000 ? 0xD800 + ((cy - 0x10000) >> 10) : cy;
            if (ux != uy)
                return ux < uy ? -1 : 1;
            uint32_t lo_x = 0xDC00 + ((cx - 0x10000) & 0x3FF), lo_y = 0xDC00 + ((cy - 0x10000) & 0x3FF);
            return lo_x < lo_y ? -1 : 1;
        }
        i += lx;
        j += ly;
    }
    return (i < nx) - (j < ny);
}

static int cmp_keys(const void *a, const void *b)
{
    return cmp_utf16(*(const char *const *)a, *(const char *const *)b);
}

static void put_value(buf *b, const json_t *j, int depth)
{
    if (b->failed)
        return;
    if (depth > 64) {
        b->failed = true;
        return;
    }
    char num[32];
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        size_t n = json_object_size(j), k = 0;
        const char **keys = n ? malloc(n * sizeof *keys) : NULL;
        if (n && !keys) {
            b->failed = true;
            return;
        }
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)j, key, v) keys[k++] = key;
        if (n)
            qsort(keys, n, sizeof *keys, cmp_keys);
        put(b, "{", 1);
        for (size_t i = 0; i < n; i++) {
            if (i)
                put(b, ",", 1);
            put_string(b, keys[i], strlen(keys[i]));
            put(b, ":", 1);
            put_value(b, json_object_get(j, keys[i]), depth + 1);
        }
        put(b, "}", 1);
        free(keys);
        break;
    }
    case JSON_ARRAY:
        put(b, "[", 1);
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i)
                put(b, ",", 1);
            put_value(b, json_array_get(j, i), depth + 1);
        }
        put(b, "]", 1);
        break;
    case JSON_STRING:
        put_string(b, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        /* RFC 8785 writes numbers as ECMAScript does: an integer beyond
         * 2^53 would lose digits there, so it is refused too. */
        if (json_integer_value(j) > 9007199254740991LL || json_integer_value(j) < -9007199254740991LL) {
            b->failed = true;
            return;
        }
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(j));
        put(b, num, strlen(num));
        break;
    case JSON_TRUE:
        put(b, "true", 4);
        break;
    case JSON_FALSE:
        put(b, "false", 5);
        break;
    case JSON_NULL:
        put(b, "null", 4);
        break;
    default: /* JSON_REAL */
        b->failed = true;
    }
}

char *jcs_dump(const json_t *j, size_t *len)
{
    buf b = {0};
    if (!j)
        return NULL;
    put_value(&b, j, 0);
    if (!b.failed && !b.p)
        put(&b, "", 0);
    if (b.failed) {
        free(b.p);
        return NULL;
    }
    if (len)
        *len = b.len;
    return b.p;
}

int jcs_sha256_hex(const json_t *j, char hex[65])
{
    size_t n;
    char *text = jcs_dump(j, &n);
    if (!text)
        return -1;
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, (const unsigned char *)text, n);
    free(text);
    sodium_bin2hex(hex, 65, d, sizeof d);
    return 0;
}
