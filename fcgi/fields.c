#include "fields.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsontext.h"
#include "text.h"

int fields_count(const field_def *defs)
{
    int n = 0;
    while (defs && defs[n].name)
        n++;
    return n;
}

void fields_error(json_t *errors, const char *field, const char *message, long row)
{
    /* A name or message quoting what the client sent may not be UTF-8:
     * shown with U+FFFD rather than lost (json_pack would fail). */
    json_t *e = json_pack("{s:o, s:o}", "field", text_json_string(field), "message", text_json_string(message));
    if (row > 0)
        json_object_set_new(e, "row", json_integer(row));
    json_array_append_new(errors, e);
}

static long long max_len(const field_def *def)
{
    return def->max > 0 ? def->max : 200;
}

/* Trims ASCII spaces at both ends, in place in an arena copy. */
static const char *trimmed(arena *a, const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return arena_strndup(a, s, n);
}

/* Checks and stores a string value of a text-like type. */
static const char *take_string(arena *a, const field_def *def, const char *raw, field_val *val)
{
    char *nfc = text_nfc(a, raw);
    if (!nfc)
        return "không phải UTF-8 hợp lệ";
    const char *s = def->type == FT_TEXT ? nfc : trimmed(a, nfc);
    if (text_has_control(s, def->type == FT_TEXT))
        return "chứa ký tự điều khiển";
    size_t len = text_length(s);
    if (len == 0 && (def->flags & F_REQUIRED))
        return "không được để trống";
    if ((long long)len < def->min)
        return arena_printf(a, "phải có ít nhất %lld ký tự", def->min);
    if ((long long)len > max_len(def))
        return arena_printf(a, "dài quá %lld ký tự", max_len(def));
    if (def->type == FT_CODE) {
        for (const char *p = s; *p; p++) {
            char c = *p;
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
                return "chỉ gồm chữ cái không dấu, chữ số, '_', '-', '.'";
        }
    }
    if (def->type == FT_ENUM) {
        for (const char *const *c = def->choices; c && *c; c++)
            if (strcmp(*c, s) == 0)
                goto ok;
        char list[256] = "";
        for (const char *const *c = def->choices; c && *c; c++) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *c);
        }
        return arena_printf(a, "phải là một trong: %s", list);
    }
    if (def->type == FT_DATE && !text_is_date(s))
        return "phải là ngày hợp lệ dạng YYYY-MM-DD";
ok:
    val->s = s;
    val->null = false;
    return NULL;
}

static const char *take_int(arena *a, const field_def *def, long long v, field_val *val)
{
    long long lo = def->type == FT_ID ? 1 : def->min;
    long long hi = def->type == FT_ID ? 999999999999999LL : def->max;
    if (v < lo || v > hi)
        return arena_printf(a, "phải từ %lld đến %lld", lo, hi);
    val->i = v;
    val->s = arena_printf(a, "%lld", v);
    val->null = false;
    return NULL;
}

/* Checks a decimal written as text[0..len) and stores its canonical text. */
static const char *take_decimal(arena *a, const field_def *def, const char *text, size_t len, decimal_syntax syntax,
                                field_val *val)
{
    decimal_rc rc = decimal_parse(text, len, syntax, def->decimal, &val->dec);
    if (rc != DECIMAL_OK)
        return decimal_problem(a, rc, def->decimal);
    char buf[DECIMAL_TEXT_MAX];
    val->s = arena_strdup(a, decimal_format(&val->dec, buf));
    val->null = false;
    return NULL;
}

/* A decimal member v, read as written in the first of texts that has the
 * member. That text must say what v says: a text that is not what obj was
 * made of would otherwise lend another number. */
static const char *decimal_from_texts(arena *a, const field_def *def, json_t *v, const char *const *texts,
                                      field_val *val)
{
    for (; texts && *texts; texts++) {
        size_t len;
        const char *lexeme = jsontext_member(*texts, strlen(*texts), def->name, &len);
        if (!lexeme)
            continue;
        json_t *w = json_loadb(lexeme, len, JSON_DECODE_ANY, NULL);
        bool same = json_equal(w, v);
        json_decref(w);
        if (!same)
            break;
        return take_decimal(a, def, lexeme, len, DECIMAL_JSON, val);
    }
    return "không đọc được số như đã viết";
}

static const char *from_json(arena *a, const field_def *def, json_t *v, const char *const *texts, field_val *val)
{
    if (json_is_null(v)) {
        if (!(def->flags & F_NULLABLE))
            return "không được để trống";
        val->null = true;
        return NULL;
    }
    switch (def->type) {
    case FT_STRING:
    case FT_TEXT:
    case FT_CODE:
    case FT_DATE:
    case FT_ENUM:
        if (!json_is_string(v))
            return "phải là chuỗi";
        return take_string(a, def, json_string_value(v), val);
    case FT_INT:
    case FT_ID:
        if (!json_is_integer(v))
            return "phải là số nguyên";
        return take_int(a, def, json_integer_value(v), val);
    case FT_DECIMAL:
        if (!json_is_number(v))
            return "phải là số";
        return decimal_from_texts(a, def, v, texts, val);
    case FT_BOOL:
        if (!json_is_boolean(v))
            return "phải là true hoặc false";
        val->b = json_is_true(v);
        val->s = val->b ? "true" : "false";
        val->null = false;
        return NULL;
    case FT_JSON:
        val->j = v;
        val->null = false;
        return NULL;
    }
    return "kiểu không hỗ trợ";
}

int fields_from_json(arena *a, const field_def *defs, json_t *obj, const char *const *texts, field_val *vals,
                     json_t *errors, bool patch)
{
    int nerr = 0, n = fields_count(defs);
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int known = 0;
        for (int i = 0; i < n; i++)
            known |= strcmp(defs[i].name, key) == 0;
        if (!known) {
            fields_error(errors, key, "trường không được hỗ trợ", 0);
            nerr++;
        }
    }
    for (int i = 0; i < n; i++) {
        field_val *val = &vals[i];
        memset(val, 0, sizeof *val);
        val->null = true;
        v = json_object_get(obj, defs[i].name);
        if (!v) {
            if ((defs[i].flags & F_REQUIRED) && !patch) {
                fields_error(errors, defs[i].name, "là bắt buộc", 0);
                nerr++;
            }
            continue;
        }
        val->present = true;
        const char *msg = from_json(a, &defs[i], v, texts, val);
        if (msg) {
            fields_error(errors, defs[i].name, msg, 0);
            nerr++;
        }
    }
    return nerr;
}

const char *fields_from_json_value(arena *a, const field_def *def, json_t *v, const char *const *texts,
                                   field_val *val)
{
    memset(val, 0, sizeof *val);
    val->present = true;
    val->null = true;
    return from_json(a, def, v, texts, val);
}

const char *fields_from_text(arena *a, const field_def *def, const char *text, field_val *val)
{
    memset(val, 0, sizeof *val);
    val->present = true;
    val->null = true;
    const char *t = trimmed(a, text);
    if (*t == '\0') {
        if (def->flags & F_REQUIRED)
            return "là bắt buộc";
        return NULL;
    }
    switch (def->type) {
    case FT_INT:
    case FT_ID: {
        char *end;
        errno = 0;
        long long v = strtoll(t, &end, 10);
        if (errno || *end)
            return "phải là số nguyên";
        return take_int(a, def, v, val);
    }
    case FT_BOOL:
        if (strcmp(t, "true") == 0 || strcmp(t, "1") == 0)
            val->b = true;
        else if (strcmp(t, "false") == 0 || strcmp(t, "0") == 0)
            val->b = false;
        else
            return "phải là true hoặc false";
        val->s = val->b ? "true" : "false";
        val->null = false;
        return NULL;
    case FT_DECIMAL:
        return take_decimal(a, def, t, strlen(t), DECIMAL_PLAIN, val);
    default:
        return take_string(a, def, text, val);
    }
}
