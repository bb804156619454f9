#include "api/campaign_scope.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

static const db_stmt STMT_CAMPAIGN = {
    "scope_campaign",
    "SELECT id, agency_id, to_char(starts_on, 'YYYY-MM-DD'), to_char(ends_on, 'YYYY-MM-DD'),"
    " to_char(closes_on, 'YYYY-MM-DD') FROM campaigns WHERE id = $1"};

/* $1 [{"t": type, "k": key}, ...], $2 agency, $3 starts_on, $4 ends_on.
 * Someone is on the staff on day d when joined_on <= d < left_on; the
 * first day of the campaign they could be is greatest(starts_on, joined_on). */
#define SUBJECTS_SQL(staff_match, unit_match) \
    "WITH g AS (SELECT ord, e->>'t' AS t, e->>'k' AS k FROM json_array_elements($1::json) WITH ORDINALITY AS x(e, ord))" \
    " SELECT g.ord, coalesce(s.id, u.id, 0)," \
    "   CASE WHEN s.id IS NOT NULL THEN greatest($3::date, s.joined_on) <= $4::date" \
    "          AND (s.left_on IS NULL OR greatest($3::date, s.joined_on) < s.left_on)" \
    "        WHEN u.id IS NOT NULL THEN u.dissolved_on IS NULL OR u.dissolved_on > $3::date" \
    "        ELSE false END" \
    " FROM g LEFT JOIN staff s ON g.t = 'staff' AND s.agency_id = $2 AND " staff_match \
    " LEFT JOIN units u ON g.t = 'unit' AND u.agency_id = $2 AND " unit_match " ORDER BY g.ord"

static const db_stmt STMT_BY_ID = {"scope_subjects_by_id", SUBJECTS_SQL("s.id = g.k::bigint", "u.id = g.k::bigint")};
static const db_stmt STMT_BY_CODE = {"scope_subjects_by_code", SUBJECTS_SQL("s.code = g.k", "u.code = g.k")};

static const db_stmt STMT_CAMPAIGN_SCOPE = {
    "scope_of_campaign", "SELECT agency_id, NULL::bigint FROM campaigns WHERE id = $1"};
const route_scope scope_in_campaign = {&STMT_CAMPAIGN_SCOPE, "Không có phong trào này.", true, NULL, SCOPE_NULL_AGENCY,
                                       NULL, NULL};
const route_scope scope_in_campaign_unit = {&STMT_CAMPAIGN_SCOPE, "Không có phong trào này.", true, "unit_id",
                                            SCOPE_NULL_AGENCY, NULL, NULL};
const route_scope scope_campaign_object = {&STMT_CAMPAIGN_SCOPE, "Không có phong trào này.", false, NULL,
                                           SCOPE_NULL_AGENCY, NULL, NULL};

int scope_campaign(request *req, response *res, long long id, campaign_ref *c)
{
    const char *p[] = {api_itoa(req, id)};
    db_result *r = db_run(req->db, &STMT_CAMPAIGN, 1, p);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    if (db_rows(r) == 0) {
        db_free(r);
        http_problem(res, 404, "Không có phong trào này.");
        return -1;
    }
    c->id = db_int(r, 0, 0);
    c->agency_id = db_int(r, 0, 1);
    c->starts_on = arena_strdup(req->mem, db_value(r, 0, 2));
    c->ends_on = arena_strdup(req->mem, db_value(r, 0, 3));
    c->closes_on = arena_strdup(req->mem, db_value(r, 0, 4));
    db_free(r);
    return 0;
}

int scope_date_within(request *req, json_t *errors, const char *field, long row, const char *date, const char *from,
                      const char *to)
{
    /* ISO dates compare as text. */
    if (!date || (strcmp(date, from) >= 0 && strcmp(date, to) <= 0))
        return 0;
    fields_error(errors, field,
                 arena_printf(req->mem, "phải từ %s đến %s (trong thời gian phong trào)", text_date_vi(req->mem, from),
                              text_date_vi(req->mem, to)),
                 row);
    return 1;
}

const char *scope_json_text(request *req, json_t *arr)
{
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    if (!text)
        return "[]";
    const char *out = arena_strdup(req->mem, text);
    free(text);
    return out;
}

int scope_subjects(request *req, response *res, const campaign_ref *c, bool by_code, subject_ref *subjects, size_t n)
{
    if (n == 0)
        return 0;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "t", subjects[i].type, "k", subjects[i].key));
    const char *p[] = {scope_json_text(req, arr), api_itoa(req, c->agency_id), c->starts_on, c->ends_on};
    db_result *r = db_run(req->db, by_code ? &STMT_BY_CODE : &STMT_BY_ID, 4, p);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    for (int i = 0; i < db_rows(r) && (size_t)i < n; i++) {
        subjects[i].id = db_int(r, i, 1);
        subjects[i].served = strcmp(db_value(r, i, 2), "t") == 0;
    }
    for (size_t i = 0; i < n; i++)
        subjects[i].by_code = by_code;
    db_free(r);
    return 0;
}

int scope_subject_error(request *req, json_t *errors, const char *field, long row, const subject_ref *s,
                        bool must_serve)
{
    const char *who = arena_printf(req->mem, "%s %s%s", strcmp(s->type, "staff") == 0 ? "Cán bộ" : "Đơn vị",
                                   s->by_code ? "mã " : "id ", s->key);
    if (s->id == 0) {
        fields_error(errors, field, arena_printf(req->mem, "%s không thuộc cơ quan của phong trào", who), row);
        return 1;
    }
    if (must_serve && !s->served) {
        fields_error(errors, field,
                     arena_printf(req->mem, strcmp(s->type, "staff") == 0
                                                ? "%s không công tác tại cơ quan trong thời gian phong trào"
                                                : "%s đã giải thể trước hoặc đúng ngày phong trào bắt đầu",
                                  who),
                     row);
        return 1;
    }
    return 0;
}

int scope_title_error(request *req, json_t *errors, const char *field, long row, const char *subject_type,
                      const char *title)
{
    static const char *const individual[] = {"LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TOAN_QUOC", NULL};
    bool is_individual = false;
    for (const char *const *t = individual; *t; t++)
        is_individual |= strcmp(*t, title) == 0;
    if (is_individual == (strcmp(subject_type, "staff") == 0))
        return 0;
    fields_error(errors, field,
                 arena_printf(req->mem, is_individual ? "Danh hiệu %s là danh hiệu cá nhân, chỉ dành cho cán bộ (staff)"
                                                      : "Danh hiệu %s là danh hiệu tập thể, chỉ dành cho đơn vị (unit)",
                              title),
                 row);
    return 1;
}

int scope_errors(response *res, json_t *errors, const char *detail)
{
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return 0;
    }
    http_problem_errors(res, 422, detail ? detail : "Dữ liệu gửi lên có trường không hợp lệ.", errors);
    return -1;
}

void scope_insert_201(request *req, response *res, const db_stmt *st, int n, const char *const *p, const char *fmt)
{
    if (api_begin(req, res) == 0)
        api_write_commit(req, res, st, n, p, fmt);
}
