#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <utf8proc.h>

bool text_valid_utf8(const char *s, size_t len)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)len;
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        if (n < 0 || cp == 0)
            return false;
        p += n;
        left -= n;
    }
    return true;
}

json_t *text_json_string(const char *s)
{
    size_t len = strlen(s);
    if (text_valid_utf8(s, len))
        return json_string(s);
    /* At most three bytes (U+FFFD) for each byte of s. */
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)len;
    size_t o = 0;
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        if (n < 0 || cp == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            n = 1;
        } else {
            memcpy(out + o, p, (size_t)n);
            o += (size_t)n;
        }
        p += n;
        left -= n;
    }
    json_t *j = json_stringn(out, o);
    free(out);
    return j;
}

char *text_nfc(arena *a, const char *s)
{
    if (!text_valid_utf8(s, strlen(s)))
        return NULL;
    utf8proc_uint8_t *n = utf8proc_NFC((const utf8proc_uint8_t *)s);
    if (!n)
        return NULL;
    char *out = arena_strdup(a, (const char *)n);
    free(n);
    return out;
}

size_t text_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

bool text_has_control(const char *s, bool allow_newlines)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\t' || (allow_newlines && (c == '\n' || c == '\r')))
            continue;
        if (c < 0x20 || c == 0x7f)
            return true;
        /* U+0080..U+009F (C1 controls, e.g. NEL) are C2 80..C2 9F. */
        if (c == 0xC2 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9F)
            return true;
    }
    return false;
}

char *text_percent_vi(arena *a, double value, int decimals)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    if (!isfinite(value))
        return arena_strdup(a, "– %");
    bool neg = value < 0;
    double v = fabs(value);
    /* The value to 15 significant digits (what a double holds faithfully):
     * 98.735 is 98.73499999999999943 in binary but "98.7350000000000" here. */
    int magnitude = v > 0 ? (int)floor(log10(v)) : 0;
    int digits = 14 - magnitude;
    if (digits < decimals)
        digits = decimals;
    if (digits > 30)
        digits = 30;
    char buf[400];
    snprintf(buf, sizeof buf, "%.*f", digits, v);
    char *dot = strchr(buf, '.');
    bool up = false;
    if (dot && digits > decimals) {
        up = dot[1 + decimals] >= '5';
        dot[decimals ? 1 + decimals : 0] = '\0';
    }
    /* Half-up carry through the digits, right to left; one spare byte in
     * front for a carry out of the first digit (99,995 -> 100,00). */
    char out[sizeof buf + 1];
    out[0] = '0';
    size_t len = strlen(buf);
    memcpy(out + 1, buf, len + 1);
    for (size_t i = len; up && i > 0; i--) {
        if (out[i] == '.')
            continue;
        if (out[i] == '9') {
            out[i] = '0';
        } else {
            out[i]++;
            up = false;
        }
    }
    if (up)
        out[0] = '1';
    char *num = out[0] == '0' ? out + 1 : out;
    bool zero = strspn(num, "0.") == strlen(num);
    char *comma = strchr(num, '.');
    if (comma)
        *comma = ',';
    return arena_printf(a, "%s%s %%", neg && !zero ? "-" : "", num);
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

bool text_date_parse(const char *iso, int *year, int *month, int *day)
{
    /* strnlen: a long string is refused without reading all of it. */
    if (!iso || strnlen(iso, 11) != 10 || iso[4] != '-' || iso[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (iso[i] < '0' || iso[i] > '9'))
            return false;
    /* Zero-padded dates of four-digit years compare as text. */
    if (strcmp(iso, TEXT_DATE_FIRST) < 0 || strcmp(iso, TEXT_DATE_LAST) > 0)
        return false;
    int y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + (iso[3] - '0');
    int m = (iso[5] - '0') * 10 + (iso[6] - '0');
    int d = (iso[8] - '0') * 10 + (iso[9] - '0');
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    if (year)
        *year = y;
    if (month)
        *month = m;
    if (day)
        *day = d;
    return true;
}

bool text_is_date(const char *iso)
{
    return text_date_parse(iso, NULL, NULL, NULL);
}

char *text_date_vi(arena *a, const char *iso)
{
    if (!text_is_date(iso))
        return NULL;
    return arena_printf(a, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

void text_html(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}
