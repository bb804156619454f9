/* awards.c — the criteria of awards.md, one pure function each, and the
 * check of a rule set's awards document (awards.h). */
#include "awards.h"

#include <string.h>

#include "jsontext.h"
#include "scorecard.h"

/* ---- dates (the calendar arithmetic is scorecard.h's) ---- */

long awards_add_months(long days, int n)
{
    long y, m, d;
    sc_civil_from_days(days, &y, &m, &d);
    long months = y * 12 + (m - 1) + n;
    y = months / 12;
    m = months % 12 + 1;
    /* As PostgreSQL adds an interval: past the month's end, its last day. */
    long first = sc_days_from_civil(y, m, 1);
    long last = (m == 12 ? sc_days_from_civil(y + 1, 1, 1) : sc_days_from_civil(y, m + 1, 1)) - first;
    return first + (d > last ? last : d) - 1;
}

static json_t *date_json(long days)
{
    if (days == 0)
        return json_null();
    long y, m, d;
    sc_civil_from_days(days, &y, &m, &d);
    char buf[16];
    snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld", y, m, d);
    return json_string(buf);
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* ---- criteria ---- */

static bool rating_at_least(const crit_rating_facts *f, int level, json_t *ev)
{
    json_object_set_new(ev, "rating", text_or_null(f->level));
    json_object_set_new(ev, "decision_no", text_or_null(f->decision_no));
    json_object_set_new(ev, "decided_on", text_or_null(f->decided_on));
    return f->rank > 0 && f->rank >= level;
}

bool crit_rating_at_least(const crit_rating_facts *f, int level, json_t *evidence)
{
    return rating_at_least(f, level, evidence);
}

bool crit_unit_rating_at_least(const crit_rating_facts *f, int level, json_t *evidence)
{
    return rating_at_least(f, level, evidence);
}

bool crit_tenure_months(const crit_tenure_facts *f, int months, json_t *ev)
{
    long reached = f->joined_on ? awards_add_months(f->joined_on, months) : 0;
    json_object_set_new(ev, "joined_on", date_json(f->joined_on));
    json_object_set_new(ev, "left_on", date_json(f->left_on));
    json_object_set_new(ev, "ends_on", date_json(f->ends_on));
    json_object_set_new(ev, "tenure_reached_on", date_json(reached));
    if (!f->joined_on)
        return false;
    if (f->left_on && f->left_on <= f->ends_on)
        return false;
    return reached <= f->ends_on + 1;
}

static int count_initiatives(const crit_initiative_facts *f, long from, int level, json_t *ev)
{
    json_t *ids = json_array();
    int count = 0;
    for (int i = 0; i < f->n; i++) {
        const crit_initiative_item *it = &f->items[i];
        if (it->recognized_on >= from && it->recognized_on <= f->to && it->level >= level) {
            count++;
            json_array_append_new(ids, json_integer(it->id));
        }
    }
    json_object_set_new(ev, "from", date_json(from));
    json_object_set_new(ev, "to", date_json(f->to));
    json_object_set_new(ev, "initiative_ids", ids);
    json_object_set_new(ev, "count", json_integer(count));
    return count;
}

bool crit_initiative(const crit_initiative_facts *f, int count, json_t *evidence)
{
    return count_initiatives(f, f->from, 1, evidence) >= count;
}

bool crit_initiative_level(const crit_initiative_facts *f, int level, int count, json_t *evidence)
{
    return count_initiatives(f, f->from, level, evidence) >= count;
}

bool crit_initiatives_in_span(const crit_initiative_facts *f, int year, int years, int count, json_t *evidence)
{
    return count_initiatives(f, sc_days_from_civil(year - years + 1, 1, 1), 1, evidence) >= count;
}

static bool consecutive(const crit_years_facts *f, int year, int rank, int years, json_t *ev)
{
    json_t *per_year = json_array();
    bool met = years > 0;
    for (int y = year - years + 1; y <= year; y++) {
        int best = 0;
        for (int i = 0; i < f->n; i++)
            if (f->items[i].year == y && f->items[i].rank > best)
                best = f->items[i].rank;
        json_array_append_new(per_year, json_pack("{s:i, s:i, s:b}", "year", y, "rank", best, "met", best >= rank && best > 0));
        met = met && best > 0 && best >= rank;
    }
    json_object_set_new(ev, "years", per_year);
    return met;
}

bool crit_consecutive_titles(const crit_years_facts *f, int year, int rank, int years, json_t *evidence)
{
    return consecutive(f, year, rank, years, evidence);
}

bool crit_consecutive_ratings(const crit_years_facts *f, int year, int rank, int years, json_t *evidence)
{
    return consecutive(f, year, rank, years, evidence);
}

static int members_at_least(const crit_members_facts *f, int rank, json_t *ev)
{
    int count = 0;
    for (int i = 0; i < f->n; i++)
        count += f->ranks[i] > 0 && f->ranks[i] >= rank;
    json_object_set_new(ev, "members", json_integer(f->n));
    json_object_set_new(ev, "holding", json_integer(count));
    return count;
}

static bool share_holds(long long count, long long n, const char *op, const decimal *percent)
{
    return n > 0 && sc_comparator_holds(op, sc_compare(count, n, 100, percent));
}

bool crit_members_title_share(const crit_members_facts *f, int rank, const char *op, const decimal *percent,
                              json_t *evidence)
{
    return share_holds(members_at_least(f, rank, evidence), f->n, op, percent);
}

bool crit_members_rating_share(const crit_members_facts *f, int rank, const char *op, const decimal *percent,
                               json_t *evidence)
{
    return share_holds(members_at_least(f, rank, evidence), f->n, op, percent);
}

bool crit_members_title_count(const crit_members_facts *f, int rank, const char *op, long long count,
                              json_t *evidence)
{
    long long have = members_at_least(f, rank, evidence);
    if (f->n == 0)
        return false;
    return strcmp(op, "gt") == 0 ? have > count : have >= count;
}

bool crit_registered(long registered_on, long closes_on, json_t *evidence)
{
    json_object_set_new(evidence, "registered_on", date_json(registered_on));
    json_object_set_new(evidence, "registration_closes_on", date_json(closes_on));
    return registered_on != 0 && registered_on <= closes_on;
}

bool crit_hold_open(const crit_hold *h, long t)
{
    return h->opened_on <= t && (h->closed_on == 0 || h->closed_on > t);
}

bool crit_no_hold(const crit_hold *holds, int n, long t, json_t *evidence)
{
    json_t *open = json_array();
    for (int i = 0; i < n; i++)
        if (crit_hold_open(&holds[i], t))
            json_array_append_new(open, json_integer(holds[i].id));
    bool met = json_array_size(open) == 0;
    json_object_set_new(evidence, "as_of", date_json(t));
    json_object_set_new(evidence, "open_hold_ids", open);
    return met;
}

bool crit_any_of(const bool *met, int n)
{
    for (int i = 0; i < n; i++)
        if (met[i])
            return true;
    return false;
}

bool crit_all_of(const bool *met, int n)
{
    for (int i = 0; i < n; i++)
        if (!met[i])
            return false;
    return n > 0;
}

/* ---- the awards document ---- */

static const char *const award_codes[] = {"LDTT", "CSTDCS", "TTLDTT", "TTLDXS", "GIAY_KHEN", "BK_TINH", "CSTD_TINH", NULL};
/* The subject each award is for, in the order of award_codes. */
static const char *const award_subjects[] = {"staff", "staff", "unit", "unit", "staff_or_unit", "staff", "staff"};
static const char *const levels[] = {"KHTNV", "HTNV", "HTTNV", "HTXSNV", NULL};
static const char *const initiative_levels[] = {"co_so", "tinh", "toan_quoc", NULL};
static const char *const staff_titles[] = {"LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TOAN_QUOC", NULL};
static const char *const unit_titles[] = {"TTLDTT", "TTLDXS", NULL};
static const char *const ops[] = {"gt", "ge", NULL};
static const char *const votes[] = {"none", "open", "secret", NULL};
static const char *const bases[] = {"present", "members", NULL};

typedef enum { P_LEVEL, P_TITLE, P_MEMBER_TITLE, P_INIT_LEVEL, P_OP, P_PERCENT, P_MONTHS, P_COUNT, P_YEARS, P_MCOUNT } param_kind;
typedef enum { S_STAFF = 1, S_UNIT = 2, S_BOTH = 3 } subject_mask;

static const struct criterion_def {
    const char *code;
    subject_mask subjects;
    int nparams;
    struct {
        const char *key;
        param_kind kind;
    } params[3];
} criteria[] = {
    {"rating_at_least", S_STAFF, 1, {{"level", P_LEVEL}}},
    {"unit_rating_at_least", S_UNIT, 1, {{"level", P_LEVEL}}},
    {"tenure_months", S_STAFF, 1, {{"months", P_MONTHS}}},
    {"initiative", S_STAFF, 1, {{"count", P_COUNT}}},
    {"initiative_level", S_STAFF, 2, {{"level", P_INIT_LEVEL}, {"count", P_COUNT}}},
    {"initiatives_in_span", S_STAFF, 2, {{"count", P_COUNT}, {"years", P_YEARS}}},
    {"consecutive_titles", S_BOTH, 2, {{"title", P_TITLE}, {"years", P_YEARS}}},
    {"consecutive_ratings", S_BOTH, 2, {{"level", P_LEVEL}, {"years", P_YEARS}}},
    {"members_title_share", S_UNIT, 3, {{"title", P_MEMBER_TITLE}, {"op", P_OP}, {"percent", P_PERCENT}}},
    {"members_rating_share", S_UNIT, 3, {{"level", P_LEVEL}, {"op", P_OP}, {"percent", P_PERCENT}}},
    {"members_title_count", S_UNIT, 3, {{"title", P_MEMBER_TITLE}, {"op", P_OP}, {"count", P_MCOUNT}}},
    {"registered", S_BOTH, 0, {{NULL, P_LEVEL}}},
    {"no_hold", S_BOTH, 0, {{NULL, P_LEVEL}}},
};

static const decimal_limits percent_limits = {.places = 6, .min = {0, 0}, .max = {100, 0}};

static int index_of(const char *s, const char *const *choices)
{
    for (int i = 0; s && choices[i]; i++)
        if (strcmp(s, choices[i]) == 0)
            return i;
    return -1;
}

static void add_error(arena *a, json_t *errors, const char *path, const char *message)
{
    (void)a;
    json_array_append_new(errors, json_pack("{s:s, s:s}", "field", path, "message", message));
}

static const char *choices_text(arena *a, const char *const *choices)
{
    const char *out = "";
    for (int i = 0; choices[i]; i++)
        out = arena_printf(a, "%s%s%s", out, i ? ", " : "", choices[i]);
    return out;
}

const char *awards_array_item(const char *text, size_t len, size_t i, size_t *vlen)
{
    size_t p = 0;
    while (p < len && strchr(" \t\r\n", text[p]))
        p++;
    if (p >= len || text[p] != '[')
        return NULL;
    p++;
    for (size_t k = 0;; k++) {
        while (p < len && strchr(" \t\r\n", text[p]))
            p++;
        if (p >= len || text[p] == ']')
            return NULL;
        size_t start = p;
        int depth = 0;
        bool in_string = false;
        for (; p < len; p++) {
            char c = text[p];
            if (in_string) {
                if (c == '\\')
                    p++;
                else if (c == '"')
                    in_string = false;
            } else if (c == '"') {
                in_string = true;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                if (depth == 0)
                    break;
                depth--;
            } else if (c == ',' && depth == 0) {
                break;
            }
        }
        size_t end = p;
        while (end > start && strchr(" \t\r\n", text[end - 1]))
            end--;
        if (k == i) {
            *vlen = end - start;
            return text + start;
        }
        if (p >= len || text[p] == ']')
            return NULL;
        p++; /* the comma */
    }
}

/* Checks one parameter; returns its normalized value (new reference) or
 * NULL with an error appended. */
static json_t *check_param(arena *a, param_kind kind, json_t *v, const char *vtext, size_t vlen, subject_mask subject,
                           const char *path, json_t *errors)
{
    const char *s = json_string_value(v);
    switch (kind) {
    case P_LEVEL:
        if (index_of(s, levels) >= 0)
            return json_string(s);
        add_error(a, errors, path, "phải là mức xếp loại: KHTNV, HTNV, HTTNV, HTXSNV");
        return NULL;
    case P_INIT_LEVEL:
        if (index_of(s, initiative_levels) >= 0)
            return json_string(s);
        add_error(a, errors, path, "phải là cấp sáng kiến: co_so, tinh, toan_quoc");
        return NULL;
    case P_MEMBER_TITLE:
        subject = S_STAFF; /* the members' own titles */
        /* fall through */
    case P_TITLE: {
        const char *const *titles = subject == S_UNIT ? unit_titles : staff_titles;
        if (subject == S_BOTH && index_of(s, unit_titles) >= 0)
            titles = unit_titles;
        if (index_of(s, titles) >= 0)
            return json_string(s);
        add_error(a, errors, path, arena_printf(a, "phải là danh hiệu %s: %s", subject == S_UNIT ? "tập thể" : "cá nhân",
                                                choices_text(a, titles)));
        return NULL;
    }
    case P_OP:
        if (index_of(s, ops) >= 0)
            return json_string(s);
        add_error(a, errors, path, "phải là gt hoặc ge");
        return NULL;
    case P_PERCENT: {
        decimal d;
        decimal_rc rc = json_is_number(v) && vtext ? decimal_parse(vtext, vlen, DECIMAL_JSON, &percent_limits, &d)
                                                   : DECIMAL_SYNTAX;
        if (rc == DECIMAL_OK)
            return jsontext_decimal(&d);
        add_error(a, errors, path,
                  rc == DECIMAL_SYNTAX ? "phải là số phần trăm từ 0 đến 100, tối đa 6 chữ số thập phân"
                                       : decimal_problem(a, rc, &percent_limits));
        return NULL;
    }
    case P_MONTHS:
    case P_COUNT:
    case P_YEARS:
    case P_MCOUNT: {
        long long lo = kind == P_MCOUNT ? 0 : 1;
        long long hi = kind == P_MONTHS ? 600 : kind == P_YEARS ? 50 : kind == P_COUNT ? 100 : 1000000;
        if (json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi)
            return json_integer(json_integer_value(v));
        add_error(a, errors, path, arena_printf(a, "phải là số nguyên từ %lld đến %lld", lo, hi));
        return NULL;
    }
    }
    return NULL;
}

static json_t *check_item(arena *a, json_t *item, const char *text, size_t len, subject_mask subject, int depth,
                          const char *path, json_t *errors);

/* The items of an any_of / all_of (key) at path. */
static json_t *check_list(arena *a, json_t *list, const char *text, size_t len, subject_mask subject, int depth,
                          const char *path, bool group, json_t *errors)
{
    if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 50) {
        add_error(a, errors, path, group ? "phải là mảng từ 2 đến 50 tiêu chí" : "phải là mảng từ 1 đến 50 tiêu chí");
        return NULL;
    }
    if (group && json_array_size(list) < 2) {
        add_error(a, errors, path, "phải là mảng từ 2 đến 50 tiêu chí");
        return NULL;
    }
    json_t *out = json_array();
    bool bad = false;
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it) {
        size_t ilen = 0;
        const char *itext = text ? awards_array_item(text, len, i, &ilen) : NULL;
        json_t *n = check_item(a, it, itext, ilen, subject, depth, arena_printf(a, "%s[%zu]", path, i), errors);
        if (!n)
            bad = true;
        else
            json_array_append_new(out, n);
    }
    if (bad) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static json_t *check_item(arena *a, json_t *item, const char *text, size_t len, subject_mask subject, int depth,
                          const char *path, json_t *errors)
{
    if (!json_is_object(item)) {
        add_error(a, errors, path, "phải là đối tượng {\"code\", \"params\"}");
        return NULL;
    }
    const char *code = json_string_value(json_object_get(item, "code"));
    if (!code) {
        add_error(a, errors, arena_printf(a, "%s.code", path), "thiếu mã tiêu chí");
        return NULL;
    }
    bool group = strcmp(code, "any_of") == 0 || strcmp(code, "all_of") == 0;
    const char *key;
    json_t *v;
    bool bad = false;
    json_object_foreach(item, key, v) {
        if (strcmp(key, "code") != 0 && !(group ? strcmp(key, code) == 0 : strcmp(key, "params") == 0)) {
            add_error(a, errors, arena_printf(a, "%s.%s", path, key), "khóa không dùng ở đây");
            bad = true;
        }
    }
    if (group) {
        if (depth >= 3) {
            add_error(a, errors, arena_printf(a, "%s.code", path), "lồng any_of/all_of quá 3 cấp");
            return NULL;
        }
        size_t llen = 0;
        const char *ltext = text ? jsontext_member(text, len, code, &llen) : NULL;
        json_t *list = check_list(a, json_object_get(item, code), ltext, llen, subject, depth + 1,
                                  arena_printf(a, "%s.%s", path, code), true, errors);
        if (!list || bad) {
            json_decref(list);
            return NULL;
        }
        return json_pack("{s:s, s:o}", "code", code, code, list);
    }
    const struct criterion_def *def = NULL;
    for (size_t i = 0; i < sizeof criteria / sizeof criteria[0]; i++)
        if (strcmp(criteria[i].code, code) == 0)
            def = &criteria[i];
    if (!def) {
        add_error(a, errors, arena_printf(a, "%s.code", path),
                  arena_printf(a, "tiêu chí không có: %s (xem awards.md)", code));
        return NULL;
    }
    if (!(def->subjects & subject)) {
        add_error(a, errors, arena_printf(a, "%s.code", path),
                  arena_printf(a, "tiêu chí %s không dùng cho đối tượng này (%s)", code,
                               def->subjects == S_UNIT ? "chỉ cho đơn vị" : "chỉ cho cán bộ"));
        return NULL;
    }
    json_t *params = json_object_get(item, "params");
    if (params && !json_is_object(params) && !(def->nparams == 0 && json_is_null(params))) {
        add_error(a, errors, arena_printf(a, "%s.params", path), "phải là một đối tượng JSON");
        return NULL;
    }
    size_t plen = 0;
    const char *ptext = text ? jsontext_member(text, len, "params", &plen) : NULL;
    json_object_foreach(params, key, v) {
        bool known = false;
        for (int k = 0; k < def->nparams; k++)
            known |= strcmp(def->params[k].key, key) == 0;
        if (!known) {
            add_error(a, errors, arena_printf(a, "%s.params.%s", path, key),
                      arena_printf(a, "tham số không dùng với tiêu chí %s", code));
            bad = true;
        }
    }
    json_t *out = json_object();
    for (int k = 0; k < def->nparams; k++) {
        const char *pk = def->params[k].key;
        const char *ppath = arena_printf(a, "%s.params.%s", path, pk);
        json_t *pv = json_object_get(params, pk);
        if (!pv) {
            add_error(a, errors, ppath, arena_printf(a, "thiếu tham số %s của tiêu chí %s", pk, code));
            bad = true;
            continue;
        }
        size_t vlen = 0;
        const char *vtext = ptext ? jsontext_member(ptext, plen, pk, &vlen) : NULL;
        json_t *n = check_param(a, def->params[k].kind, pv, vtext, vlen, subject, ppath, errors);
        if (!n)
            bad = true;
        else
            json_object_set_new(out, pk, n);
    }
    if (bad) {
        json_decref(out);
        return NULL;
    }
    return json_pack("{s:s, s:o}", "code", code, "params", out);
}

static json_t *check_council(arena *a, json_t *c, const char *path, json_t *errors)
{
    if (!json_is_object(c)) {
        add_error(a, errors, path, "phải là {\"vote\", \"pass\", \"upward\", \"public_notice_days\"}");
        return NULL;
    }
    bool bad = false;
    const char *key;
    json_t *v;
    json_object_foreach(c, key, v) {
        if (index_of(key, (const char *const[]){"vote", "pass", "upward", "public_notice_days", NULL}) < 0) {
            add_error(a, errors, arena_printf(a, "%s.%s", path, key), "khóa không dùng ở đây");
            bad = true;
        }
    }
    const char *vote = json_string_value(json_object_get(c, "vote"));
    if (index_of(vote, votes) < 0) {
        add_error(a, errors, arena_printf(a, "%s.vote", path), "phải là none, open hoặc secret");
        bad = true;
    }
    json_t *pass = json_object_get(c, "pass");
    json_t *pass_out = json_null();
    if (vote && strcmp(vote, "none") == 0 && (!pass || json_is_null(pass))) {
        /* no vote, no threshold */
    } else if (!json_is_object(pass)) {
        add_error(a, errors, arena_printf(a, "%s.pass", path), "phải là {\"op\", \"num\", \"den\", \"base\"}");
        bad = true;
    } else {
        json_object_foreach(pass, key, v) {
            if (index_of(key, (const char *const[]){"op", "num", "den", "base", NULL}) < 0) {
                add_error(a, errors, arena_printf(a, "%s.pass.%s", path, key), "khóa không dùng ở đây");
                bad = true;
            }
        }
        const char *op = json_string_value(json_object_get(pass, "op"));
        const char *base = json_string_value(json_object_get(pass, "base"));
        json_t *num = json_object_get(pass, "num"), *den = json_object_get(pass, "den");
        if (index_of(op, ops) < 0) {
            add_error(a, errors, arena_printf(a, "%s.pass.op", path), "phải là gt hoặc ge");
            bad = true;
        }
        if (index_of(base, bases) < 0) {
            add_error(a, errors, arena_printf(a, "%s.pass.base", path), "phải là present hoặc members");
            bad = true;
        }
        if (!json_is_integer(den) || json_integer_value(den) < 1 || json_integer_value(den) > 1000) {
            add_error(a, errors, arena_printf(a, "%s.pass.den", path), "phải là số nguyên từ 1 đến 1000");
            bad = true;
        } else if (!json_is_integer(num) || json_integer_value(num) < 1 ||
                   json_integer_value(num) > json_integer_value(den)) {
            add_error(a, errors, arena_printf(a, "%s.pass.num", path), "phải là số nguyên từ 1 đến den");
            bad = true;
        }
        if (!bad)
            pass_out = json_pack("{s:s, s:I, s:I, s:s}", "op", op, "num", (json_int_t)json_integer_value(num), "den",
                                 (json_int_t)json_integer_value(den), "base", base);
    }
    json_t *upward = json_object_get(c, "upward");
    if (upward && !json_is_boolean(upward)) {
        add_error(a, errors, arena_printf(a, "%s.upward", path), "phải là true hoặc false");
        bad = true;
    }
    json_t *days = json_object_get(c, "public_notice_days");
    if (days && !json_is_null(days) &&
        (!json_is_integer(days) || json_integer_value(days) < 0 || json_integer_value(days) > 365)) {
        add_error(a, errors, arena_printf(a, "%s.public_notice_days", path), "phải là số nguyên từ 0 đến 365");
        bad = true;
    }
    if (bad) {
        json_decref(pass_out);
        return NULL;
    }
    return json_pack("{s:s, s:o, s:b, s:I}", "vote", vote, "pass", pass_out, "upward", json_is_true(upward),
                     "public_notice_days", (json_int_t)(days && json_is_integer(days) ? json_integer_value(days) : 0));
}

json_t *awards_check_award(arena *a, const char *code, json_t *award, const char *award_text, size_t len,
                           const char *prefix, json_t *errors)
{
    const char *path = arena_printf(a, "%s.%s", prefix, code);
    int idx = index_of(code, award_codes);
    if (idx < 0) {
        add_error(a, errors, path, arena_printf(a, "danh hiệu/hình thức khen thưởng không có: %s (có: %s)", code,
                                                choices_text(a, award_codes)));
        return NULL;
    }
    if (!json_is_object(award)) {
        add_error(a, errors, path, "phải là {\"subject\", \"criteria\", \"council\"}");
        return NULL;
    }
    bool bad = false;
    const char *key;
    json_t *v;
    json_object_foreach(award, key, v) {
        if (index_of(key, (const char *const[]){"subject", "criteria", "council", NULL}) < 0) {
            add_error(a, errors, arena_printf(a, "%s.%s", path, key), "khóa không dùng ở đây");
            bad = true;
        }
    }
    const char *subject = json_string_value(json_object_get(award, "subject"));
    if (!subject || strcmp(subject, award_subjects[idx]) != 0) {
        add_error(a, errors, arena_printf(a, "%s.subject", path),
                  arena_printf(a, "%s dành cho: %s", code, award_subjects[idx]));
        bad = true;
    }
    subject_mask mask = strcmp(award_subjects[idx], "staff") == 0 ? S_STAFF
                        : strcmp(award_subjects[idx], "unit") == 0 ? S_UNIT
                                                                   : S_BOTH;
    size_t clen = 0;
    const char *ctext = award_text ? jsontext_member(award_text, len, "criteria", &clen) : NULL;
    json_t *crit = check_list(a, json_object_get(award, "criteria"), ctext, clen, mask, 0,
                              arena_printf(a, "%s.criteria", path), false, errors);
    json_t *council = check_council(a, json_object_get(award, "council"), arena_printf(a, "%s.council", path), errors);
    if (bad || !crit || !council) {
        json_decref(crit);
        json_decref(council);
        return NULL;
    }
    return json_pack("{s:s, s:o, s:o}", "subject", award_subjects[idx], "criteria", crit, "council", council);
}

json_t *awards_check(arena *a, json_t *doc, const char *text, size_t len, const char *prefix, json_t *errors)
{
    if (!json_is_object(doc)) {
        add_error(a, errors, prefix, "phải là đối tượng: mã khen thưởng → {subject, criteria, council}");
        return NULL;
    }
    json_t *out = json_object();
    bool bad = false;
    const char *code;
    json_t *award;
    json_object_foreach(doc, code, award) {
        size_t alen = 0;
        const char *atext = text ? jsontext_member(text, len, code, &alen) : NULL;
        json_t *n = awards_check_award(a, code, award, atext, alen, prefix, errors);
        if (!n)
            bad = true;
        else
            json_object_set_new(out, code, n);
    }
    if (bad) {
        json_decref(out);
        return NULL;
    }
    return out;
}

json_t *awards_check_quorum(arena *a, json_t *q, const char *field, json_t *errors)
{
    json_t *num = json_object_get(q, "num"), *den = json_object_get(q, "den");
    if (json_is_object(q) && json_object_size(q) == 2 && json_is_integer(num) && json_is_integer(den) &&
        json_integer_value(den) >= 1 && json_integer_value(den) <= 1000 && json_integer_value(num) >= 1 &&
        json_integer_value(num) <= json_integer_value(den))
        return json_pack("{s:I, s:I}", "num", (json_int_t)json_integer_value(num), "den",
                         (json_int_t)json_integer_value(den));
    add_error(a, errors, field, "phải là {\"num\", \"den\"}: số nguyên, 1 <= num <= den <= 1000");
    return NULL;
}
