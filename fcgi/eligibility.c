/* eligibility.c — the facts of a subject from SQL, the criteria of the
 * campaign's copy of the rules, each judged by awards.h (eligibility.h). */
#include "eligibility.h"

#include <string.h>

#include "awards.h"
#include "jsontext.h"
#include "scorecard.h"

/* $1 campaign, $2 subject type, $3 subject id, $4 award, $5 as_of (NULL:
 * today). One row: has a rule copy, the award's rules as written, the
 * facts (JSON text). Every decision is one dated on or before T. Titles
 * and per-campaign latest ratings of the agency's campaigns of the years
 * up to Y (the consecutive_* criteria take their span of them); the
 * initiatives of the person recognised up to T; every hold of the subject
 * (crit_no_hold says which are open at T); a unit's own active staff at E
 * with their best title and latest rating of the campaign; the subject's
 * registration for the award (đăng ký thi đua) dated on or before T, and
 * the campaign's registration_closes_on. */
#define SUBJECT_IS(x) "x.subject_type = $2::text AND coalesce(x.staff_id, x.unit_id) = $3::bigint"
static const db_stmt STMT_FACTS = {
    "eligibility_facts",
    "WITH c AS (SELECT id, agency_id, year, starts_on, ends_on, registration_closes_on,"
    "                  coalesce($5::date, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) AS t"
    "             FROM campaigns WHERE id = $1::bigint)"
    " SELECT r.rules IS NOT NULL, (r.rules->'awards'->$4::text)::text, json_build_object("
    "  'as_of', c.t, 'year', c.year, 'starts_on', c.starts_on, 'ends_on', c.ends_on,"
    "  'registration_closes_on', c.registration_closes_on,"
    "  'registration', (SELECT json_build_object('id', x.id, 'registered_on', x.registered_on) FROM registrations x"
    "                   WHERE x.campaign_id = c.id AND " SUBJECT_IS(x) " AND x.award = $4::text AND x.registered_on <= c.t),"
    "  'staff', (SELECT json_build_object('joined_on', s.joined_on, 'left_on', s.left_on) FROM staff s"
    "            WHERE $2::text = 'staff' AND s.id = $3::bigint),"
    "  'rating', (SELECT json_build_object('id', x.id, 'level', x.level, 'decision_no', x.decision_no,"
    "                                      'decided_on', x.decided_on)"
    "               FROM ratings x WHERE x.campaign_id = c.id AND " SUBJECT_IS(x) " AND x.decided_on <= c.t"
    "              ORDER BY x.decided_on DESC, x.id DESC LIMIT 1),"
    "  'titles', coalesce((SELECT json_agg(json_build_object('id', x.id, 'year', cc.year, 'campaign_id', cc.id,"
    "                       'title', x.title, 'decision_no', x.decision_no, 'decided_on', x.decided_on) ORDER BY cc.year, x.id)"
    "               FROM titles x JOIN campaigns cc ON cc.id = x.campaign_id"
    "              WHERE cc.agency_id = c.agency_id AND cc.year <= c.year AND " SUBJECT_IS(x) " AND x.decided_on <= c.t),"
    "             '[]'),"
    "  'year_ratings', coalesce((SELECT json_agg(json_build_object('id', y.id, 'year', y.year, 'campaign_id',"
    "                       y.campaign_id, 'level', y.level, 'decision_no', y.decision_no, 'decided_on', y.decided_on)"
    "                       ORDER BY y.year, y.id)"
    "               FROM (SELECT DISTINCT ON (x.campaign_id) x.id, cc.year, x.campaign_id, x.level, x.decision_no,"
    "                            x.decided_on"
    "                       FROM ratings x JOIN campaigns cc ON cc.id = x.campaign_id"
    "                      WHERE cc.agency_id = c.agency_id AND cc.year <= c.year AND " SUBJECT_IS(x)
    "                        AND x.decided_on <= c.t"
    "                      ORDER BY x.campaign_id, x.decided_on DESC, x.id DESC) y), '[]'),"
    "  'initiatives', coalesce((SELECT json_agg(json_build_object('id', i.id, 'level', i.level, 'recognized_on',"
    "                       i.recognized_on, 'decision_no', i.decision_no) ORDER BY i.recognized_on, i.id)"
    "               FROM initiatives i JOIN initiative_authors ia ON ia.initiative_id = i.id"
    "              WHERE $2::text = 'staff' AND ia.staff_id = $3::bigint AND i.recognized_on <= c.t), '[]'),"
    "  'holds', coalesce((SELECT json_agg(json_build_object('id', x.id, 'opened_on', x.opened_on, 'closed_on',"
    "                       x.closed_on) ORDER BY x.opened_on, x.id)"
    "               FROM holds x WHERE " SUBJECT_IS(x) "), '[]'),"
    "  'members', coalesce((SELECT json_agg(json_build_object('staff_id', s.id,"
    "       'title', (SELECT x.title FROM titles x WHERE x.campaign_id = c.id AND x.staff_id = s.id AND x.decided_on <= c.t"
    "                  ORDER BY array_position(ARRAY['LDTT','CSTDCS','CSTD_TINH','CSTD_TOAN_QUOC'], x.title) DESC LIMIT 1),"
    "       'rating', (SELECT x.level FROM ratings x WHERE x.campaign_id = c.id AND x.staff_id = s.id"
    "                     AND x.decided_on <= c.t ORDER BY x.decided_on DESC, x.id DESC LIMIT 1)) ORDER BY s.id)"
    "               FROM staff s WHERE $2::text = 'unit' AND s.unit_id = $3::bigint AND s.joined_on <= c.ends_on"
    "                AND (s.left_on IS NULL OR s.left_on > c.ends_on)), '[]')"
    " )::text"
    " FROM c LEFT JOIN campaign_award_rules r ON r.campaign_id = c.id"};

/* The facts of one subject, as the criteria of awards.h take them. */
typedef struct facts {
    arena *a;
    bool unit;
    int year;
    long t, starts, ends;
    long registered_on, registration_closes_on; /* 0: no registration */
    long long registration_id;
    crit_rating_facts rating;
    crit_tenure_facts tenure;
    crit_initiative_item *inits;
    int ninits;
    crit_year_rank *titles, *ratings;
    int ntitles, nratings;
    const json_t *titles_j, *ratings_j; /* borrowed from the facts document */
    crit_hold *holds;
    int nholds;
    int *member_titles, *member_ratings;
    int nmembers;
} facts;

static long date_of(const json_t *v)
{
    long days = 0;
    const char *s = json_string_value(v);
    if (!s || sc_date_parse(s, &days) != 0)
        return 0;
    return days;
}

static const char *str_in(arena *a, const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? arena_strdup(a, s) : NULL;
}

static int title_rank(bool unit, const char *title)
{
    return unit ? sc_collective_title_rank(title) : sc_individual_title_rank(title);
}

static void load_facts(facts *f, const json_t *doc)
{
    arena *a = f->a;
    f->year = (int)json_integer_value(json_object_get(doc, "year"));
    f->t = date_of(json_object_get(doc, "as_of"));
    f->starts = date_of(json_object_get(doc, "starts_on"));
    f->ends = date_of(json_object_get(doc, "ends_on"));
    f->registration_closes_on = date_of(json_object_get(doc, "registration_closes_on"));
    const json_t *reg = json_object_get(doc, "registration");
    if (json_is_object(reg)) {
        f->registration_id = json_integer_value(json_object_get(reg, "id"));
        f->registered_on = date_of(json_object_get(reg, "registered_on"));
    }

    const json_t *r = json_object_get(doc, "rating");
    if (json_is_object(r)) {
        f->rating.level = str_in(a, r, "level");
        f->rating.rank = sc_rating_rank(f->rating.level);
        f->rating.decision_no = str_in(a, r, "decision_no");
        f->rating.decided_on = str_in(a, r, "decided_on");
    }
    const json_t *s = json_object_get(doc, "staff");
    f->tenure.ends_on = f->ends;
    if (json_is_object(s)) {
        f->tenure.joined_on = date_of(json_object_get(s, "joined_on"));
        f->tenure.left_on = date_of(json_object_get(s, "left_on"));
    }

    size_t i;
    const json_t *it;
    const json_t *inits = json_object_get(doc, "initiatives");
    f->inits = arena_alloc(a, (json_array_size(inits) + 1) * sizeof *f->inits);
    json_array_foreach(inits, i, it) {
        static const char *const levels[] = {"co_so", "tinh", "toan_quoc"};
        const char *lv = json_string_value(json_object_get(it, "level"));
        int level = 0;
        for (int k = 0; k < 3; k++)
            if (lv && strcmp(lv, levels[k]) == 0)
                level = k + 1;
        f->inits[f->ninits++] = (crit_initiative_item){json_integer_value(json_object_get(it, "id")),
                                                        date_of(json_object_get(it, "recognized_on")), level};
    }

    f->titles_j = json_object_get(doc, "titles");
    f->titles = arena_alloc(a, (json_array_size(f->titles_j) + 1) * sizeof *f->titles);
    json_array_foreach(f->titles_j, i, it) {
        f->titles[f->ntitles++] = (crit_year_rank){(int)json_integer_value(json_object_get(it, "year")),
                                                   title_rank(f->unit, json_string_value(json_object_get(it, "title")))};
    }
    f->ratings_j = json_object_get(doc, "year_ratings");
    f->ratings = arena_alloc(a, (json_array_size(f->ratings_j) + 1) * sizeof *f->ratings);
    json_array_foreach(f->ratings_j, i, it) {
        f->ratings[f->nratings++] = (crit_year_rank){(int)json_integer_value(json_object_get(it, "year")),
                                                     sc_rating_rank(json_string_value(json_object_get(it, "level")))};
    }

    const json_t *holds = json_object_get(doc, "holds");
    f->holds = arena_alloc(a, (json_array_size(holds) + 1) * sizeof *f->holds);
    json_array_foreach(holds, i, it) {
        f->holds[f->nholds++] = (crit_hold){json_integer_value(json_object_get(it, "id")),
                                            date_of(json_object_get(it, "opened_on")),
                                            date_of(json_object_get(it, "closed_on"))};
    }

    const json_t *members = json_object_get(doc, "members");
    size_t nm = json_array_size(members);
    f->member_titles = arena_alloc(a, (nm + 1) * sizeof *f->member_titles);
    f->member_ratings = arena_alloc(a, (nm + 1) * sizeof *f->member_ratings);
    json_array_foreach(members, i, it) {
        const char *title = json_string_value(json_object_get(it, "title"));
        const char *level = json_string_value(json_object_get(it, "rating"));
        f->member_titles[f->nmembers] = title ? sc_individual_title_rank(title) : 0;
        f->member_ratings[f->nmembers] = level ? sc_rating_rank(level) : 0;
        f->nmembers++;
    }
}

/* The entries of a year list (titles or ratings) of the span year-years+1
 * .. year, copied: what consecutive_* used. */
static json_t *span_entries(const json_t *list, int year, int years)
{
    json_t *out = json_array();
    size_t i;
    const json_t *it;
    json_array_foreach(list, i, it) {
        json_int_t y = json_integer_value(json_object_get(it, "year"));
        if (y >= year - years + 1 && y <= year)
            json_array_append_new(out, json_deep_copy(it));
    }
    return out;
}

/* ---- the criteria list of an award ---- */

typedef struct param_text {
    const char *text;
    size_t len;
} param_text;

static const char *p_str(const json_t *params, const char *key)
{
    return json_string_value(json_object_get(params, key));
}

static int p_int(const json_t *params, const char *key)
{
    return (int)json_integer_value(json_object_get(params, key));
}

/* The decimal of params' member key, read as written in ptext. */
static int p_decimal(param_text ptext, const char *key, decimal *out)
{
    size_t vlen = 0;
    const char *v = ptext.text ? jsontext_member(ptext.text, ptext.len, key, &vlen) : NULL;
    return v && decimal_parse(v, vlen, DECIMAL_JSON, NULL, out) == DECIMAL_OK ? 0 : -1;
}

static int evaluate_item(const facts *f, const json_t *item, const char *text, size_t len, json_t **out);

/* any_of / all_of: each sub-item in order; 1 met, 0 not, -1 bad rules. */
static int evaluate_group(const facts *f, const char *code, const json_t *item, const char *text, size_t len,
                          json_t **out)
{
    const json_t *list = json_object_get(item, code);
    size_t alen = 0;
    const char *atext = text ? jsontext_member(text, len, code, &alen) : NULL;
    size_t n = json_array_size(list);
    if (!json_is_array(list) || n == 0)
        return -1;
    bool *met = arena_alloc(f->a, n * sizeof *met);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        size_t ilen = 0;
        const char *itext = atext ? awards_array_item(atext, alen, i, &ilen) : NULL;
        json_t *sub = NULL;
        int rc = evaluate_item(f, json_array_get(list, i), itext, ilen, &sub);
        if (rc < 0) {
            json_decref(items);
            return -1;
        }
        met[i] = rc == 1;
        json_array_append_new(items, sub);
    }
    bool ok = strcmp(code, "any_of") == 0 ? crit_any_of(met, (int)n) : crit_all_of(met, (int)n);
    *out = json_pack("{s:s, s:b, s:o}", "code", code, "met", ok, code, items);
    return ok;
}

/* One item of a criteria list into *out ({"code","params","met",
 * "evidence"}). 1 met, 0 not met, -1 when the item does not read. */
static int evaluate_item(const facts *f, const json_t *item, const char *text, size_t len, json_t **out)
{
    const char *code = json_string_value(json_object_get(item, "code"));
    if (!code)
        return -1;
    if (strcmp(code, "any_of") == 0 || strcmp(code, "all_of") == 0)
        return evaluate_group(f, code, item, text, len, out);

    const json_t *params = json_object_get(item, "params");
    param_text ptext = {NULL, 0};
    if (text)
        ptext.text = jsontext_member(text, len, "params", &ptext.len);
    json_t *shown = json_is_object(params) ? json_deep_copy(params) : json_object();
    json_t *ev = json_object();
    int met = -1;
    decimal percent;

    if (strcmp(code, "rating_at_least") == 0 || strcmp(code, "unit_rating_at_least") == 0) {
        int level = sc_rating_rank(p_str(params, "level"));
        if (level > 0)
            met = code[0] == 'u' ? crit_unit_rating_at_least(&f->rating, level, ev)
                                 : crit_rating_at_least(&f->rating, level, ev);
    } else if (strcmp(code, "tenure_months") == 0) {
        int months = p_int(params, "months");
        if (months >= 0)
            met = crit_tenure_months(&f->tenure, months, ev);
    } else if (strcmp(code, "initiative") == 0 || strcmp(code, "initiative_level") == 0) {
        crit_initiative_facts in = {f->inits, f->ninits, f->starts, f->t};
        if (code[10] == '\0') {
            met = crit_initiative(&in, p_int(params, "count"), ev);
        } else {
            static const char *const levels[] = {"co_so", "tinh", "toan_quoc"};
            const char *lv = p_str(params, "level");
            for (int k = 0; k < 3; k++)
                if (lv && strcmp(lv, levels[k]) == 0)
                    met = crit_initiative_level(&in, k + 1, p_int(params, "count"), ev);
        }
    } else if (strcmp(code, "initiatives_in_span") == 0) {
        crit_initiative_facts in = {f->inits, f->ninits, 0, f->t};
        met = crit_initiatives_in_span(&in, f->year, p_int(params, "years"), p_int(params, "count"), ev);
    } else if (strcmp(code, "consecutive_titles") == 0) {
        int rank = title_rank(f->unit, p_str(params, "title")), years = p_int(params, "years");
        crit_years_facts y = {f->titles, f->ntitles};
        if (rank > 0 && years > 0) {
            met = crit_consecutive_titles(&y, f->year, rank, years, ev);
            json_object_set_new(ev, "titles", span_entries(f->titles_j, f->year, years));
        }
    } else if (strcmp(code, "consecutive_ratings") == 0) {
        int rank = sc_rating_rank(p_str(params, "level")), years = p_int(params, "years");
        crit_years_facts y = {f->ratings, f->nratings};
        if (rank > 0 && years > 0) {
            met = crit_consecutive_ratings(&y, f->year, rank, years, ev);
            json_object_set_new(ev, "ratings", span_entries(f->ratings_j, f->year, years));
        }
    } else if (strcmp(code, "members_title_share") == 0 || strcmp(code, "members_rating_share") == 0) {
        bool titles = code[8] == 't';
        int rank = titles ? sc_individual_title_rank(p_str(params, "title")) : sc_rating_rank(p_str(params, "level"));
        const char *op = p_str(params, "op");
        crit_members_facts m = {titles ? f->member_titles : f->member_ratings, f->nmembers};
        if (rank > 0 && op && p_decimal(ptext, "percent", &percent) == 0) {
            met = titles ? crit_members_title_share(&m, rank, op, &percent, ev)
                         : crit_members_rating_share(&m, rank, op, &percent, ev);
            json_object_set_new(shown, "percent", jsontext_decimal(&percent));
        }
    } else if (strcmp(code, "members_title_count") == 0) {
        int rank = sc_individual_title_rank(p_str(params, "title"));
        const char *op = p_str(params, "op");
        crit_members_facts m = {f->member_titles, f->nmembers};
        if (rank > 0 && op)
            met = crit_members_title_count(&m, rank, op, json_integer_value(json_object_get(params, "count")), ev);
    } else if (strcmp(code, "registered") == 0) {
        met = crit_registered(f->registered_on, f->registration_closes_on, ev);
        json_object_set_new(ev, "registration_id", f->registration_id ? json_integer(f->registration_id) : json_null());
    } else if (strcmp(code, "no_hold") == 0) {
        met = crit_no_hold(f->holds, f->nholds, f->t, ev);
    }
    if (met < 0) {
        json_decref(shown);
        json_decref(ev);
        return -1;
    }
    *out = json_pack("{s:s, s:o, s:b, s:o}", "code", code, "params", shown, "met", met, "evidence", ev);
    return met;
}

elig_rc eligibility_evaluate(db *d, arena *a, long long campaign_id, const char *subject_type, long long subject_id,
                             const char *award, const char *as_of, json_t **out)
{
    *out = NULL;
    const char *p[] = {arena_printf(a, "%lld", campaign_id), subject_type, arena_printf(a, "%lld", subject_id), award,
                       as_of};
    db_result *r = db_run(d, &STMT_FACTS, 5, p);
    if (!r)
        return ELIG_DB;
    if (db_rows(r) == 0) {
        db_free(r);
        return ELIG_NO_CAMPAIGN;
    }
    if (strcmp(db_value(r, 0, 0), "t") != 0) {
        db_free(r);
        return ELIG_NO_RULES;
    }
    if (!db_value(r, 0, 1)) {
        db_free(r);
        return ELIG_NO_AWARD;
    }
    const char *rules_text = arena_strdup(a, db_value(r, 0, 1));
    json_t *doc = json_loads(db_value(r, 0, 2), 0, NULL);
    db_free(r);
    json_t *rules = json_loads(rules_text, 0, NULL);

    facts f = {.a = a, .unit = strcmp(subject_type, "unit") == 0};
    load_facts(&f, doc);
    const json_t *list = json_object_get(rules, "criteria");
    size_t clen = 0;
    const char *ctext = jsontext_member(rules_text, strlen(rules_text), "criteria", &clen);
    json_t *criteria = json_array();
    bool eligible = true, bad = !json_is_array(list) || !ctext;
    for (size_t i = 0; !bad && i < json_array_size(list); i++) {
        size_t ilen = 0;
        const char *itext = awards_array_item(ctext, clen, i, &ilen);
        json_t *item = NULL;
        int rc = evaluate_item(&f, json_array_get(list, i), itext, ilen, &item);
        if (rc < 0)
            bad = true;
        else
            json_array_append_new(criteria, item);
        eligible = eligible && rc == 1;
    }
    json_t *as_of_j = json_incref(json_object_get(doc, "as_of"));
    json_decref(doc);
    json_decref(rules);
    if (bad) {
        json_decref(criteria);
        json_decref(as_of_j);
        return ELIG_BAD_RULES;
    }
    *out = json_pack("{s:b, s:o, s:s, s:o}", "eligible", eligible, "as_of", as_of_j ? as_of_j : json_null(), "award",
                     award, "criteria", criteria);
    return ELIG_OK;
}

void eligibility_failures(arena *a, const json_t *answer, json_t *errors)
{
    size_t i;
    const json_t *it;
    json_array_foreach(json_object_get(answer, "criteria"), i, it) {
        if (json_is_true(json_object_get(it, "met")))
            continue;
        const char *code = json_string_value(json_object_get(it, "code"));
        json_array_append_new(errors, json_pack("{s:s, s:s}", "field", arena_printf(a, "criteria[%zu]", i), "message",
                                                arena_printf(a, "Chưa đạt tiêu chí %s", code ? code : "?")));
    }
}
