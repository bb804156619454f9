/* api/titles.c — danh hiệu thi đua decided for a campaign: individual ones
 * (LDTT < CSTDCS < CSTD_TINH < CSTD_TOAN_QUOC) for staff, collective ones
 * (TTLDTT < TTLDXS) for units, one row per campaign, subject and title.
 * The subject must be of the campaign's agency and on its staff (a unit:
 * not dissolved) at some time during the campaign. One by one (POST: a
 * second of the same is a 409) or as a CSV import that upserts, its body
 * read by csv_body.h (columns not declared, a name for the reader, are
 * ignored).
 * Recorded by the office, the director or an admin. */
#include "api/campaign_scope.h"
#include "api/csv_body.h"
#include "api/resources.h"

#include <stdlib.h>

static const char *const subject_types[] = {"staff", "unit", NULL};
static const char *const achievements[] = {"thuong_xuyen", "chuyen_de", "dot_xuat", NULL};
static const char *const title_codes[] = {"LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TOAN_QUOC", "TTLDTT", "TTLDXS", NULL};

static const field_def title_fields[] = {
    {"subject_type", FT_ENUM, F_REQUIRED, 0, 0, subject_types, "staff (cá nhân) hoặc unit (tập thể)"},
    {"subject_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Cán bộ hoặc đơn vị thuộc cơ quan của phong trào"},
    {"title", FT_ENUM, F_REQUIRED, 0, 0, title_codes,
     "Cá nhân: LDTT, CSTDCS, CSTD_TINH, CSTD_TOAN_QUOC; tập thể: TTLDTT, TTLDXS"},
    {"decision_no", FT_STRING, F_NULLABLE, 0, 100, NULL, "Số quyết định"},
    {"decided_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày quyết định, từ starts_on đến closes_on của phong trào"},
    {"achievement", FT_ENUM, F_NULLABLE, 0, 0, achievements,
     "Loại thành tích: thuong_xuyen (thường xuyên, mặc định), chuyen_de (chuyên đề), dot_xuat (đột xuất)"},
    {0},
};
enum { D_TYPE, D_SUBJECT, D_TITLE, D_NO, D_DECIDED, D_ACHIEVEMENT, D_COUNT };
/* The columns every import has; achievement is optional (absent:
 * thuong_xuyen). */
enum { D_IMPORT_REQUIRED = D_ACHIEVEMENT };

/* The columns of an import, in the same order (a code instead of an id);
 * the header must have the first D_IMPORT_REQUIRED, achievement may be
 * absent. */
static const field_def import_fields[] = {
    {"subject_type", FT_ENUM, F_REQUIRED, 0, 0, subject_types, NULL},
    {"subject_code", FT_CODE, F_REQUIRED, 1, 40, NULL, NULL},
    {"title", FT_ENUM, F_REQUIRED, 0, 0, title_codes, NULL},
    {"decision_no", FT_STRING, F_NULLABLE, 0, 100, NULL, NULL},
    {"decided_on", FT_DATE, F_REQUIRED, 0, 0, NULL, NULL},
    {"achievement", FT_ENUM, F_NULLABLE, 0, 0, achievements, NULL},
    {0},
};
/* The columns csv_body_read requires: the table above without its last. */
static const field_def import_required[] = {
    {"subject_type", FT_ENUM, F_REQUIRED, 0, 0, subject_types, NULL},
    {"subject_code", FT_CODE, F_REQUIRED, 1, 40, NULL, NULL},
    {"title", FT_ENUM, F_REQUIRED, 0, 0, title_codes, NULL},
    {"decision_no", FT_STRING, F_NULLABLE, 0, 100, NULL, NULL},
    {"decided_on", FT_DATE, F_REQUIRED, 0, 0, NULL, NULL},
    {0},
};

#define TITLE_JSON(t) \
    "json_build_object('id', " t ".id, 'campaign_id', " t ".campaign_id, 'subject_type', " t ".subject_type," \
    " 'subject_id', coalesce(" t ".staff_id, " t ".unit_id), 'title', " t ".title, 'decision_no', " t ".decision_no," \
    " 'decided_on', " t ".decided_on," \
    " 'achievement', " t ".achievement)"

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"subject_type", FT_ENUM, 0, 0, 0, subject_types, "Chỉ cá nhân (staff) hoặc tập thể (unit)"},
    {"title", FT_ENUM, 0, 0, 0, title_codes, "Chỉ danh hiệu này"},
    {"subject_id", FT_ID, 0, 0, 0, NULL, "Chỉ danh hiệu của cán bộ hoặc đơn vị này"},
    {0},
};
enum { Q_TYPE = API_Q_FIRST, Q_TITLE, Q_SUBJECT };

static const db_stmt STMT_LIST = {
    "titles_list",
    API_LIST_OF_CAMPAIGN("SELECT * FROM titles WHERE campaign_id = $3 AND ($4::text IS NULL OR subject_type = $4)"
                         " AND ($5::text IS NULL OR title = $5) AND ($6::bigint IS NULL OR coalesce(staff_id, unit_id) = $6)",
                         TITLE_JSON("p"), "id")};
static const db_stmt STMT_GET = {"titles_get", "SELECT " TITLE_JSON("t") " FROM titles t WHERE t.id = $1"};
static const db_stmt STMT_INSERT = {
    "titles_insert",
    "INSERT INTO titles (campaign_id, subject_type, staff_id, unit_id, title, decision_no, decided_on, achievement)"
    " VALUES ($1, $2, CASE WHEN $2 = 'staff' THEN $3::bigint END, CASE WHEN $2 = 'unit' THEN $3::bigint END, $4, $5, $6,"
    " coalesce($7, 'thuong_xuyen'))"
    " RETURNING id, " TITLE_JSON("titles")};
/* $1 campaign, $2 [{"t", "id", "title", "no", "on", "a"}, ...] without two of
 * the same subject and title; "a" (achievement) absent: a new title is
 * thuong_xuyen, an existing one keeps its own. Rows go in key order, so that concurrent
 * imports wait for each other rather than deadlock. xmax is 0 on a row
 * inserted, not on one updated. */
#define UPSERT_ONE(type, col) \
    "INSERT INTO titles (campaign_id, subject_type, " col ", title, decision_no, decided_on, achievement)" \
    " SELECT $1::bigint, t, id, title, no, d, coalesce(a, 'thuong_xuyen') FROM g WHERE t = '" type "'" \
    " ORDER BY id, title ON CONFLICT (campaign_id, " col ", title) WHERE " col " IS NOT NULL" \
    " DO UPDATE SET decision_no = EXCLUDED.decision_no, decided_on = EXCLUDED.decided_on," \
    " achievement = coalesce((SELECT g.a FROM g WHERE g.t = '" type "' AND g.id = EXCLUDED." col \
    "   AND g.title = EXCLUDED.title), titles.achievement) RETURNING xmax = 0 AS created"
static const db_stmt STMT_UPSERT = {
    "titles_upsert",
    "WITH g AS (SELECT e->>'t' AS t, (e->>'id')::bigint AS id, e->>'title' AS title, e->>'no' AS no,"
    "   (e->>'on')::date AS d, e->>'a' AS a FROM json_array_elements($2::json) AS e),"
    " s AS (" UPSERT_ONE("staff", "staff_id") "), u AS (" UPSERT_ONE("unit", "unit_id") "),"
    " x AS (SELECT created FROM s UNION ALL SELECT created FROM u)"
    " SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM x"};

static void list(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0]), api_query(req, Q_TYPE), api_query(req, Q_TITLE),
                       api_query(req, Q_SUBJECT)};
    api_list(req, res, &STMT_LIST, 4, p, "Không có phong trào này.");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có danh hiệu này.");
}

static void create(request *req, response *res)
{
    field_val v[D_COUNT];
    campaign_ref c;
    if (api_body(req, res, title_fields, v, false) != 0 || scope_campaign(req, res, req->path_ids[0], &c) != 0)
        return;
    subject_ref s = {v[D_TYPE].s, v[D_SUBJECT].s, 0, false, false};
    if (scope_subjects(req, res, &c, false, &s, 1) != 0)
        return;
    json_t *errors = json_array();
    scope_title_error(req, errors, "title", 0, v[D_TYPE].s, v[D_TITLE].s);
    scope_subject_error(req, errors, "subject_id", 0, &s, true);
    scope_date_within(req, errors, "decided_on", 0, v[D_DECIDED].s, c.starts_on, c.closes_on);
    if (scope_errors(res, errors, NULL) != 0)
        return;
    const char *p[] = {api_itoa(req, c.id), v[D_TYPE].s,    v[D_SUBJECT].s,    v[D_TITLE].s,
                       v[D_NO].s,           v[D_DECIDED].s, v[D_ACHIEVEMENT].s};
    scope_insert_201(req, res, &STMT_INSERT, 7, p, "/api/v1/titles/%lld");
}

/* One data row of an import: its values, what is wrong with each, its
 * subject once looked up, and the rows it repeats. */
typedef struct import_row {
    field_val v[D_COUNT];
    const char *msg[D_COUNT];
    subject_ref s;
    bool keyed;          /* type, code and title are valid */
    const char *dups;    /* "2, 5": every row of the same subject and title */
} import_row;

/* Marks every row whose subject and title another row repeats. */
static void find_duplicates(request *req, import_row *rows, size_t n)
{
    const char **keys = arena_alloc(req->mem, (n ? n : 1) * sizeof *keys);
    for (size_t i = 0; i < n; i++)
        keys[i] = rows[i].keyed ? arena_printf(req->mem, "%s\x1f%s\x1f%s", rows[i].v[D_TYPE].s, rows[i].v[D_SUBJECT].s,
                                               rows[i].v[D_TITLE].s)
                                : NULL;
    const char **dups = csv_body_duplicates(req, keys, n);
    for (size_t i = 0; i < n; i++)
        rows[i].dups = dups[i];
}

/* Validates every row (fields, title fits, dates, subjects, duplicates)
 * into rows[n]; 0, or -1 with res filled (422 listing the bad rows,
 * csv_body_row_errors). */
static int check_rows(request *req, response *res, const campaign_ref *c, csv_doc *doc, const long *cols,
                      import_row *rows, size_t n)
{
    subject_ref *subjects = arena_alloc(req->mem, (n ? n : 1) * sizeof *subjects);
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        import_row *r = &rows[i];
        for (int f = 0; f < D_COUNT; f++)
            r->msg[f] = fields_from_text(req->mem, &import_fields[f],
                                         cols[f] < 0 ? "" : csv_field(doc, i, (size_t)cols[f]), &r->v[f]);
        r->keyed = !r->msg[D_TYPE] && !r->msg[D_SUBJECT] && !r->msg[D_TITLE];
        if (!r->msg[D_TYPE] && !r->msg[D_SUBJECT])
            subjects[ns++] = (subject_ref){r->v[D_TYPE].s, r->v[D_SUBJECT].s, 0, false, true};
    }
    if (scope_subjects(req, res, c, true, subjects, ns) != 0)
        return -1;
    find_duplicates(req, rows, n);
    /* The scope helpers append to a JSON array: one row's errors at a
     * time, then into the bounded list. */
    csv_errors errors;
    csv_errors_init(&errors);
    json_t *row_errors = json_array();
    ns = 0;
    for (size_t i = 0; i < n; i++) {
        import_row *r = &rows[i];
        long row = (long)i + 1;
        for (int f = 0; f < D_COUNT; f++)
            if (r->msg[f])
                fields_error(row_errors, import_fields[f].name, r->msg[f], row);
        if (r->keyed)
            scope_title_error(req, row_errors, "title", row, r->v[D_TYPE].s, r->v[D_TITLE].s);
        if (!r->msg[D_TYPE] && !r->msg[D_SUBJECT]) {
            r->s = subjects[ns++];
            scope_subject_error(req, row_errors, "subject_code", row, &r->s, true);
        }
        if (!r->msg[D_DECIDED])
            scope_date_within(req, row_errors, "decided_on", row, r->v[D_DECIDED].s, c->starts_on, c->closes_on);
        if (r->dups)
            fields_error(row_errors, "subject_code",
                         arena_printf(req->mem, "Cùng đối tượng và danh hiệu xuất hiện nhiều lần: dòng %s", r->dups), row);
        csv_errors_take(&errors, row_errors);
    }
    json_decref(row_errors);
    return csv_body_row_errors(res, &errors);
}

static void import(request *req, response *res)
{
    campaign_ref c;
    long cols[D_COUNT];
    if (scope_campaign(req, res, req->path_ids[0], &c) != 0)
        return;
    csv_doc *doc = csv_body_read(req, res, import_required, CSV_OTHER_COLUMNS_IGNORED, cols);
    if (!doc)
        return;
    cols[D_ACHIEVEMENT] = csv_column(doc, "achievement");
    size_t n = csv_nrows(doc);
    import_row *rows = arena_alloc(req->mem, n * sizeof *rows);
    memset(rows, 0, n * sizeof *rows);
    int bad = check_rows(req, res, &c, doc, cols, rows, n);
    csv_free(doc);
    if (bad)
        return;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:s?, s:s, s:s?}", "t", rows[i].v[D_TYPE].s, "id",
                                             (json_int_t)rows[i].s.id, "title", rows[i].v[D_TITLE].s, "no",
                                             rows[i].v[D_NO].s, "on", rows[i].v[D_DECIDED].s, "a",
                                             rows[i].v[D_ACHIEVEMENT].s));
    const char *p[] = {api_itoa(req, c.id), scope_json_text(req, arr)};
    if (api_begin(req, res) != 0)
        return;
    db_result *r = db_run(req->db, &STMT_UPSERT, 2, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    long long created = db_int(r, 0, 0), updated = db_int(r, 0, 1);
    db_free(r);
    if (api_commit(req, res) == 0)
        http_json(res, 200, json_pack("{s:I, s:I}", "created", (json_int_t)created, "updated", (json_int_t)updated));
}

static const db_stmt STMT_SCOPE = SCOPE_VIA_CAMPAIGN("titles_scope", "titles");
static const route_scope titles_scope = {&STMT_SCOPE, "Không có danh hiệu này.", false, NULL, SCOPE_NULL_AGENCY, NULL, NULL};

const route titles_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/titles", list, ACCESS_READ, BODY_NONE,
     "Danh hiệu thi đua của phong trào", NULL, ROUTE_REPLICA_OK, list_query, &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/titles", create, ACCESS_DECIDE, BODY_JSON, "Ghi một danh hiệu thi đua", title_fields,
     0, NULL, &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/titles/import", import, ACCESS_DECIDE, BODY_CSV,
     "Nhập danh hiệu từ CSV (subject_type,subject_code,title,decision_no,decided_on; cột achievement tùy chọn,"
     " mặc định thuong_xuyen); cập nhật nếu đã có. "
     CSV_BODY_LIMITS_TEXT, NULL, 0, NULL, &scope_in_campaign},
    {"GET", "/api/v1/titles/{id}", get, ACCESS_READ, BODY_NONE, "Một danh hiệu thi đua", NULL, ROUTE_REPLICA_OK, NULL, &titles_scope},
    {0},
};
