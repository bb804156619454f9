/* api/registrations.c — đăng ký thi đua (awards.md, "Resources"): at the
 * start of the year a unit registers itself and its staff for the awards
 * they aim at. The criterion `registered` (awards.c, eligibility.c) reads
 * them. A unit head registers its unit and its staff, the office anyone of
 * the agency; one by one (POST: the same subject and award twice is a
 * 409, the partial unique indexes of migration 0014 say so) or as a CSV
 * import that upserts (registered_on of an existing registration is set
 * again), its body read by csv_body.h.
 *
 * The award must be in the campaign's copy of the rules (no copy: 409)
 * and fit the subject type (422); the subject must be of the campaign's
 * agency and on the staff (a unit: not dissolved) during the campaign, as
 * for a nomination. registered_on is at most the campaign's
 * registration_closes_on and at least one year before its starts_on (a
 * plan may be launched, and registrations taken, before the year starts;
 * a year earlier is a typo). */
#include "api/campaign_scope.h"
#include "api/csv_body.h"
#include "api/resources.h"
#include "text.h"

#include <stdlib.h>

static const char *const subject_types[] = {"staff", "unit", NULL};

static const field_def registration_fields[] = {
    {"subject_type", FT_ENUM, F_REQUIRED, 0, 0, subject_types, "staff (cá nhân) hoặc unit (tập thể)"},
    {"subject_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Id của cán bộ hoặc đơn vị (thuộc cơ quan của phong trào)"},
    {"award", FT_CODE, F_REQUIRED, 1, 60, NULL, "Mã khen thưởng trong bản sao quy tắc của phong trào (vd. LDTT)"},
    {"registered_on", FT_DATE, F_REQUIRED, 0, 0, NULL,
     "Ngày đăng ký, không sau registration_closes_on của phong trào và không sớm hơn một năm trước starts_on"},
    {0},
};
enum { R_TYPE, R_SUBJECT, R_AWARD, R_ON, R_COUNT };

/* The columns of an import, in the same order (a code instead of an id);
 * other columns (a name for the reader) are ignored. */
static const field_def import_fields[] = {
    {"subject_type", FT_ENUM, F_REQUIRED, 0, 0, subject_types, NULL},
    {"subject_code", FT_CODE, F_REQUIRED, 1, 40, NULL, NULL},
    {"award", FT_CODE, F_REQUIRED, 1, 60, NULL, NULL},
    {"registered_on", FT_DATE, F_REQUIRED, 0, 0, NULL, NULL},
    {0},
};

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"award", FT_CODE, 0, 1, 60, NULL, "Chỉ các đăng ký khen thưởng này"},
    {"subject_type", FT_ENUM, 0, 0, 0, subject_types, "Chỉ cá nhân (staff) hoặc tập thể (unit)"},
    {"unit_id", FT_ID, 0, 0, 0, NULL, "Chỉ các đăng ký của đơn vị này và cán bộ của nó"},
    {0},
};
enum { Q_AWARD = API_Q_FIRST, Q_TYPE, Q_UNIT };

#define REG_JSON(g)                                                                                            \
    "json_build_object('id', " g ".id, 'campaign_id', " g ".campaign_id, 'subject_type', " g ".subject_type," \
    " 'subject_id', coalesce(" g ".staff_id, " g ".unit_id), 'award', " g ".award, 'registered_on', " g      \
    ".registered_on)"

static const char not_found[] = "Không có đăng ký thi đua này.";

static const db_stmt STMT_LIST = {
    "registrations_list",
    API_LIST_OF_CAMPAIGN("SELECT g.* FROM registrations g LEFT JOIN staff s ON s.id = g.staff_id"
                         " WHERE g.campaign_id = $3 AND ($4::text IS NULL OR g.award = $4)"
                         " AND ($5::text IS NULL OR g.subject_type = $5)"
                         " AND ($6::bigint IS NULL OR coalesce(s.unit_id, g.unit_id) = $6)",
                         REG_JSON("p"), "registered_on, id")};
static const db_stmt STMT_GET = {"registrations_get", "SELECT " REG_JSON("g") " FROM registrations g WHERE g.id = $1"};
static const db_stmt STMT_SCOPE = {
    "registrations_scope",
    "SELECT c.agency_id, coalesce(s.unit_id, g.unit_id) FROM registrations g JOIN campaigns c ON c.id = g.campaign_id"
    " LEFT JOIN staff s ON s.id = g.staff_id WHERE g.id = $1"};
/* Campaign $1: has it a copy of the rules, its awards (JSON text), the
 * last and the first day a registration may be dated. */
static const db_stmt STMT_RULES = {
    "registrations_rules",
    "SELECT r.campaign_id IS NOT NULL, (r.rules->'awards')::text, to_char(c.registration_closes_on, 'YYYY-MM-DD'),"
    " to_char(c.starts_on - interval '1 year', 'YYYY-MM-DD')"
    " FROM campaigns c LEFT JOIN campaign_award_rules r ON r.campaign_id = c.id WHERE c.id = $1"};
/* $1 [{"t": type, "id": subject id}, ...]: the unit of each subject, in
 * order (a staff member's unit, or the unit itself). */
static const db_stmt STMT_UNITS = {
    "registrations_units",
    "SELECT CASE WHEN e->>'t' = 'staff' THEN (SELECT unit_id FROM staff WHERE id = (e->>'id')::bigint)"
    " ELSE (e->>'id')::bigint END FROM json_array_elements($1::json) WITH ORDINALITY AS x(e, ord) ORDER BY ord"};
static const db_stmt STMT_INSERT = {
    "registrations_insert",
    "INSERT INTO registrations (campaign_id, subject_type, staff_id, unit_id, award, registered_on, created_by)"
    " VALUES ($1, $2, CASE WHEN $2 = 'staff' THEN $3::bigint END, CASE WHEN $2 = 'unit' THEN $3::bigint END, $4, $5,"
    " nullif($6::bigint, 0)) RETURNING id, " REG_JSON("registrations")};
/* $1 campaign, $2 [{"t", "id", "award", "on"}, ...] without two of the
 * same subject and award, $3 the user. Rows go in key order, so that
 * concurrent imports wait for each other rather than deadlock. xmax is 0
 * on a row inserted, not on one updated. */
#define UPSERT_ONE(type, col)                                                                                      \
    "INSERT INTO registrations (campaign_id, subject_type, " col ", award, registered_on, created_by)"            \
    " SELECT $1::bigint, t, id, award, d, nullif($3::bigint, 0) FROM g WHERE t = '" type "' ORDER BY id, award"    \
    " ON CONFLICT (campaign_id, " col ", award) WHERE " col " IS NOT NULL"                                         \
    " DO UPDATE SET registered_on = EXCLUDED.registered_on RETURNING xmax = 0 AS created"
static const db_stmt STMT_UPSERT = {
    "registrations_upsert",
    "WITH g AS (SELECT e->>'t' AS t, (e->>'id')::bigint AS id, e->>'award' AS award, (e->>'on')::date AS d"
    "   FROM json_array_elements($2::json) AS e),"
    " s AS (" UPSERT_ONE("staff", "staff_id") "), u AS (" UPSERT_ONE("unit", "unit_id") "),"
    " x AS (SELECT created FROM s UNION ALL SELECT created FROM u)"
    " SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM x"};

/* What a registration is checked against: the campaign, the awards of
 * its copy of the rules (a JSON object, owned) and the dates. */
typedef struct reg_rules {
    campaign_ref c;
    json_t *awards;
    const char *closes_on, *earliest;
} reg_rules;

static const char no_rules[] =
    "Phong trào này không có bộ quy tắc khen thưởng (không bộ nào có hiệu lực vào ngày kết thúc): không nhận đăng ký.";

/* Loads campaign id and its rules into r. 0, or -1 with res filled (404,
 * 409 without a copy of the rules, 503/500). */
static int load_rules(request *req, response *res, long long id, reg_rules *r)
{
    r->awards = NULL;
    if (scope_campaign(req, res, id, &r->c) != 0)
        return -1;
    const char *p[] = {api_itoa(req, id)};
    db_result *d = api_run(req, res, &STMT_RULES, 1, p);
    if (!d)
        return -1;
    bool has_rules = db_rows(d) && strcmp(db_value(d, 0, 0), "t") == 0;
    if (has_rules) {
        r->awards = json_loads(db_value(d, 0, 1) ? db_value(d, 0, 1) : "{}", 0, NULL);
        r->closes_on = arena_strdup(req->mem, db_value(d, 0, 2));
        r->earliest = arena_strdup(req->mem, db_value(d, 0, 3));
    }
    db_free(d);
    if (!has_rules) {
        http_problem(res, 409, no_rules);
        return -1;
    }
    if (!json_is_object(r->awards)) {
        json_decref(r->awards);
        r->awards = NULL;
        http_problem(res, 500, "Bản sao quy tắc khen thưởng của phong trào không đọc được.");
        return -1;
    }
    return 0;
}

/* Appends the errors of an award not in the copy or not for the subject
 * type, and of a date outside earliest..closes_on. */
static void check_award_and_date(request *req, const reg_rules *r, json_t *errors, long row, const char *type,
                                 const char *award, const char *on)
{
    if (award && type) {
        const char *subject = json_string_value(json_object_get(json_object_get(r->awards, award), "subject"));
        if (!subject)
            fields_error(errors, "award",
                         arena_printf(req->mem, "Khen thưởng %s không có trong quy tắc của phong trào", award), row);
        else if (strcmp(subject, "staff_or_unit") != 0 && strcmp(subject, type) != 0)
            fields_error(errors, "award",
                         arena_printf(req->mem, strcmp(subject, "staff") == 0 ? "Khen thưởng %s dành cho cá nhân (staff)"
                                                                              : "Khen thưởng %s dành cho tập thể (unit)",
                                      award),
                         row);
    }
    if (!on)
        return;
    if (strcmp(on, r->closes_on) > 0)
        fields_error(errors, "registered_on",
                     arena_printf(req->mem, "Ngày đăng ký sau hạn đăng ký thi đua của phong trào (%s)",
                                  text_date_vi(req->mem, r->closes_on)),
                     row);
    else if (strcmp(on, r->earliest) < 0)
        fields_error(errors, "registered_on",
                     arena_printf(req->mem, "Ngày đăng ký sớm hơn một năm trước ngày bắt đầu phong trào (trước %s)",
                                  text_date_vi(req->mem, r->earliest)),
                     row);
}

/* The unit of each of the n subjects found (id != 0), as STMT_UNITS
 * gives it, into units[n] (0 for a subject not found). 0, or -1 with res
 * filled. */
static int subject_units(request *req, response *res, const subject_ref *s, size_t n, long long *units)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:I}", "t", s[i].type, "id", (json_int_t)s[i].id));
    const char *p[] = {scope_json_text(req, arr)};
    db_result *r = api_run(req, res, &STMT_UNITS, 1, p);
    if (!r)
        return -1;
    for (size_t i = 0; i < n; i++)
        units[i] = (int)i < db_rows(r) && s[i].id && db_value(r, (int)i, 0) ? db_int(r, (int)i, 0) : 0;
    db_free(r);
    return 0;
}

static void list(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0]), api_query(req, Q_AWARD), api_query(req, Q_TYPE),
                       api_query(req, Q_UNIT)};
    api_list(req, res, &STMT_LIST, 4, p, "Không có phong trào này.");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, not_found);
}

static void create(request *req, response *res)
{
    field_val v[R_COUNT];
    reg_rules rules;
    if (api_body(req, res, registration_fields, v, false) != 0 || load_rules(req, res, req->path_ids[0], &rules) != 0)
        return;
    subject_ref s = {v[R_TYPE].s, v[R_SUBJECT].s, 0, false, false};
    long long unit = 0;
    if (scope_subjects(req, res, &rules.c, false, &s, 1) != 0 || subject_units(req, res, &s, 1, &unit) != 0 ||
        (s.id != 0 && auth_unit_scope(req, res, unit) != 0)) {
        json_decref(rules.awards);
        return;
    }
    json_t *errors = json_array();
    check_award_and_date(req, &rules, errors, 0, v[R_TYPE].s, v[R_AWARD].s, v[R_ON].s);
    json_decref(rules.awards);
    scope_subject_error(req, errors, "subject_id", 0, &s, true);
    if (scope_errors(res, errors, NULL) != 0)
        return;

    const char *p[] = {api_itoa(req, rules.c.id), v[R_TYPE].s, v[R_SUBJECT].s, v[R_AWARD].s, v[R_ON].s,
                       api_itoa(req, req->user ? req->user->id : 0)};
    if (api_begin(req, res) != 0)
        return;
    db_result *r = api_run_unique(req, res, &STMT_INSERT, 6, p, "registrations_", NULL,
                                  "Đối tượng này đã đăng ký khen thưởng này trong phong trào.");
    if (!r)
        return;
    long long id = db_int(r, 0, 0);
    const char *json = arena_strdup(req->mem, db_value(r, 0, 1));
    db_free(r);
    if (api_commit(req, res) != 0)
        return;
    api_location(req, res, "/api/v1/registrations/%lld", id);
    http_json_arena(res, 201, json);
}

/* One data row of an import: its values, what is wrong with each, its
 * subject once looked up, and the rows it repeats. */
typedef struct import_row {
    field_val v[R_COUNT];
    const char *msg[R_COUNT];
    subject_ref s;
    bool looked_up;   /* type and code are valid: s was looked up */
    const char *dups; /* "2, 5": every row of the same subject and award */
} import_row;

/* Marks every row whose subject and award another row repeats. */
static void find_duplicates(request *req, import_row *rows, size_t n)
{
    const char **keys = arena_alloc(req->mem, (n ? n : 1) * sizeof *keys);
    for (size_t i = 0; i < n; i++)
        keys[i] = rows[i].looked_up && !rows[i].msg[R_AWARD]
                      ? arena_printf(req->mem, "%s\x1f%s\x1f%s", rows[i].v[R_TYPE].s, rows[i].v[R_SUBJECT].s,
                                     rows[i].v[R_AWARD].s)
                      : NULL;
    const char **dups = csv_body_duplicates(req, keys, n);
    for (size_t i = 0; i < n; i++)
        rows[i].dups = dups[i];
}

/* Validates every row into rows[n]: 0, or -1 with res filled (403 when a
 * unit head names a subject of another unit; else 422 listing the bad
 * rows, csv_body_row_errors). */
static int check_rows(request *req, response *res, const reg_rules *rules, csv_doc *doc, const long *cols,
                      import_row *rows, size_t n)
{
    subject_ref *subjects = arena_alloc(req->mem, (n ? n : 1) * sizeof *subjects);
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        import_row *r = &rows[i];
        for (int f = 0; f < R_COUNT; f++)
            r->msg[f] = fields_from_text(req->mem, &import_fields[f], csv_field(doc, i, (size_t)cols[f]), &r->v[f]);
        r->looked_up = !r->msg[R_TYPE] && !r->msg[R_SUBJECT];
        if (r->looked_up)
            subjects[ns++] = (subject_ref){r->v[R_TYPE].s, r->v[R_SUBJECT].s, 0, false, true};
    }
    long long *units = arena_alloc(req->mem, (ns ? ns : 1) * sizeof *units);
    if (scope_subjects(req, res, &rules->c, true, subjects, ns) != 0 ||
        subject_units(req, res, subjects, ns, units) != 0)
        return -1;
    long long confined = auth_confined_unit(req->user);
    ns = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].looked_up)
            continue;
        rows[i].s = subjects[ns];
        long long unit = units[ns++];
        if (confined && rows[i].s.id && unit != confined) {
            http_problem(res, 403,
                         arena_printf(req->mem,
                                      "Dòng %zu: %s mã %s thuộc đơn vị khác; trưởng đơn vị chỉ đăng ký cho đơn vị mình và "
                                      "cán bộ của nó.",
                                      i + 1, strcmp(rows[i].s.type, "staff") == 0 ? "cán bộ" : "đơn vị", rows[i].s.key));
            return -1;
        }
    }
    find_duplicates(req, rows, n);
    /* The check helpers append to a JSON array: one row's errors at a
     * time, then into the bounded list. */
    csv_errors errors;
    csv_errors_init(&errors);
    json_t *row_errors = json_array();
    for (size_t i = 0; i < n; i++) {
        import_row *r = &rows[i];
        long row = (long)i + 1;
        for (int f = 0; f < R_COUNT; f++)
            if (r->msg[f])
                fields_error(row_errors, import_fields[f].name, r->msg[f], row);
        check_award_and_date(req, rules, row_errors, row, r->msg[R_TYPE] ? NULL : r->v[R_TYPE].s,
                             r->msg[R_AWARD] ? NULL : r->v[R_AWARD].s, r->msg[R_ON] ? NULL : r->v[R_ON].s);
        if (r->looked_up)
            scope_subject_error(req, row_errors, "subject_code", row, &r->s, true);
        if (r->dups)
            fields_error(row_errors, "subject_code",
                         arena_printf(req->mem, "Cùng đối tượng và khen thưởng xuất hiện nhiều lần: dòng %s", r->dups),
                         row);
        csv_errors_take(&errors, row_errors);
    }
    json_decref(row_errors);
    return csv_body_row_errors(res, &errors);
}

static void import(request *req, response *res)
{
    reg_rules rules;
    long cols[R_COUNT];
    if (load_rules(req, res, req->path_ids[0], &rules) != 0)
        return;
    csv_doc *doc = csv_body_read(req, res, import_fields, CSV_OTHER_COLUMNS_IGNORED, cols);
    if (!doc) {
        json_decref(rules.awards);
        return;
    }
    size_t n = csv_nrows(doc);
    import_row *rows = arena_alloc(req->mem, (n ? n : 1) * sizeof *rows);
    memset(rows, 0, (n ? n : 1) * sizeof *rows);
    int bad = check_rows(req, res, &rules, doc, cols, rows, n);
    csv_free(doc);
    json_decref(rules.awards);
    if (bad)
        return;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:s}", "t", rows[i].v[R_TYPE].s, "id",
                                             (json_int_t)rows[i].s.id, "award", rows[i].v[R_AWARD].s, "on",
                                             rows[i].v[R_ON].s));
    const char *p[] = {api_itoa(req, rules.c.id), scope_json_text(req, arr),
                       api_itoa(req, req->user ? req->user->id : 0)};
    if (api_begin(req, res) != 0)
        return;
    db_result *r = api_run(req, res, &STMT_UPSERT, 3, p);
    if (!r)
        return;
    long long created = db_int(r, 0, 0), updated = db_int(r, 0, 1);
    db_free(r);
    if (api_commit(req, res) == 0)
        http_json(res, 200, json_pack("{s:I, s:I}", "created", (json_int_t)created, "updated", (json_int_t)updated));
}

/* A registration is of its subject's unit (a staff member's unit, or the
 * unit itself). */
static const route_scope registration_scope = {&STMT_SCOPE, not_found, false, NULL, SCOPE_NULL_AGENCY, NULL, NULL};

const route registrations_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/registrations", list, ACCESS_READ, BODY_NONE,
     "Đăng ký thi đua của phong trào", NULL, ROUTE_REPLICA_OK, list_query, &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/registrations", create, ACCESS_DATA, BODY_JSON,
     "Đăng ký thi đua (trưởng đơn vị: cho đơn vị mình và cán bộ của nó)", registration_fields, 0, NULL,
     &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/registrations/import", import, ACCESS_DATA, BODY_CSV,
     "Nhập đăng ký thi đua từ CSV (subject_type,subject_code,award,registered_on); đã có thì cập nhật ngày đăng ký. "
     CSV_BODY_LIMITS_TEXT, NULL, 0, NULL, &scope_in_campaign},
    {"GET", "/api/v1/registrations/{id}", get, ACCESS_READ, BODY_NONE, "Một đăng ký thi đua", NULL, ROUTE_REPLICA_OK, NULL,
     &registration_scope},
    {0},
};
