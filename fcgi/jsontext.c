#include "jsontext.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* How jansson writes the first character of a jsontext_decimal string. */
#define MARK "\\u0000"
#define MARK_LEN (sizeof MARK - 1)

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_spaces(const char *s, size_t i, size_t n)
{
    while (i < n && is_space(s[i]))
        i++;
    return i;
}

/* One past the closing quote of the string whose opening quote is s[i];
 * 0 when the text ends first. */
static size_t string_end(const char *s, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return 0;
}

/* One past the value that starts at s[i] (a scalar ends at the first ',',
 * '}', ']' or space outside it); 0 when the text ends inside it. */
static size_t value_end(const char *s, size_t i, size_t n)
{
    size_t depth = 0;
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            i = string_end(s, i, n);
            if (i == 0)
                return 0;
        } else if (c == '{' || c == '[') {
            depth++;
            i++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return i;
            depth--;
            i++;
        } else if (depth == 0 && (c == ',' || is_space(c))) {
            return i;
        } else {
            i++;
        }
        if (depth == 0 && (c == '"' || c == '}' || c == ']'))
            return i;
    }
    return depth == 0 ? i : 0;
}

/* Is the string token s[0..n) (quotes included) the key, once decoded?
 * jansson decodes it, so escapes mean what they mean to the parser that
 * accepted the text. */
static bool key_is(const char *s, size_t n, const char *key)
{
    json_t *k = json_loadb(s, n, JSON_DECODE_ANY, NULL);
    size_t len = strlen(key);
    bool same = json_is_string(k) && json_string_length(k) == len && memcmp(json_string_value(k), key, len) == 0;
    json_decref(k);
    return same;
}

const char *jsontext_member(const char *json, size_t len, const char *key, size_t *vlen)
{
    size_t i = skip_spaces(json, 0, len);
    if (i >= len || json[i] != '{')
        return NULL;
    i = skip_spaces(json, i + 1, len);
    while (i < len && json[i] == '"') {
        size_t key_end = string_end(json, i, len);
        if (key_end == 0)
            return NULL;
        bool found = key_is(json + i, key_end - i, key);
        i = skip_spaces(json, key_end, len);
        if (i >= len || json[i] != ':')
            return NULL;
        i = skip_spaces(json, i + 1, len);
        size_t end = value_end(json, i, len);
        if (end == 0 || end == i)
            return NULL;
        if (found) {
            *vlen = end - i;
            return json + i;
        }
        i = skip_spaces(json, end, len);
        if (i < len && json[i] == ',')
            i = skip_spaces(json, i + 1, len);
    }
    return NULL;
}

json_t *jsontext_decimal(const decimal *d)
{
    char text[DECIMAL_TEXT_MAX + 1];
    text[0] = '\0';
    decimal_format(d, text + 1);
    return json_stringn(text, strlen(text + 1) + 1);
}

/* Is s[i..n) the start of a jsontext_decimal string ("\u0000 then the
 * digits, '-' and '.' of a canonical decimal, then '"')? Its end if so
 * (one past the closing quote), else 0. */
static size_t marked_end(const char *s, size_t i, size_t n)
{
    if (n - i < 1 + MARK_LEN || memcmp(s + i + 1, MARK, MARK_LEN) != 0)
        return 0;
    size_t k = i + 1 + MARK_LEN, start = k;
    while (k < n && ((s[k] >= '0' && s[k] <= '9') || s[k] == '-' || s[k] == '.'))
        k++;
    return k > start && k < n && s[k] == '"' ? k + 1 : 0;
}

char *jsontext_dumps(const json_t *j, size_t flags)
{
    char *text = json_dumps(j, flags);
    if (!text)
        return NULL;
    /* The number is shorter than its stand-in, so the text is rewritten in
     * place, front to back. Strings are copied whole, so that nothing in
     * one is taken for a stand-in. */
    size_t n = strlen(text), out = 0, i = 0;
    while (i < n) {
        size_t end = text[i] == '"' ? marked_end(text, i, n) : 0;
        if (end) {
            size_t digits = end - 1 - (i + 1 + MARK_LEN);
            memmove(text + out, text + i + 1 + MARK_LEN, digits);
            out += digits;
            i = end;
            continue;
        }
        end = text[i] == '"' ? string_end(text, i, n) : i + 1;
        if (end == 0)
            end = n;
        memmove(text + out, text + i, end - i);
        out += end - i;
        i = end;
    }
    text[out] = '\0';
    return text;
}

/* Writes "text" (quoted) at o; returns the bytes written. */
static size_t quote_decimal(char *o, const char *text)
{
    size_t n = strlen(text);
    o[0] = '"';
    memcpy(o + 1, text, n);
    o[n + 1] = '"';
    return n + 2;
}

char *jsontext_reals_as_strings(const char *json)
{
    size_t len = strlen(json);
    /* A number grows most as "1e-18" (5 bytes) becoming the 22 of
     * "0.000000000000000001" quoted: at most five times the text. */
    size_t cap = len * 5 + DECIMAL_TEXT_MAX + 3;
    char *out = malloc(cap), *o = out;
    if (!out)
        return NULL;
    for (const char *p = json; *p;) {
        if (*p == '"') { /* a string, escapes and all */
            const char *q = p + 1;
            while (*q && *q != '"')
                q += (*q == '\\' && q[1]) ? 2 : 1;
            q += *q == '"';
            memcpy(o, p, (size_t)(q - p));
            o += q - p;
            p = q;
            continue;
        }
        if (*p != '-' && (*p < '0' || *p > '9')) {
            *o++ = *p++;
            continue;
        }
        const char *q = p;
        bool real = false;
        while (*q == '-' || *q == '+' || *q == '.' || *q == 'e' || *q == 'E' || (*q >= '0' && *q <= '9')) {
            real |= *q == '.' || *q == 'e' || *q == 'E';
            q++;
        }
        size_t n = (size_t)(q - p);
        decimal d;
        char text[DECIMAL_TEXT_MAX];
        if (!real) {
            memcpy(o, p, n);
            o += n;
        } else if (decimal_parse(p, n, DECIMAL_JSON, NULL, &d) == DECIMAL_OK) {
            o += quote_decimal(o, decimal_format(&d, text));
        } else {
            *o++ = '"';
            memcpy(o, p, n);
            o += n;
            *o++ = '"';
        }
        p = q;
    }
    *o = '\0';
    return out;
}
