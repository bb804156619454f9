/* api/staff_import.c — POST /staff/import?agency_id=N: an agency's staff
 * list as CSV, upserted by code. The body is read by csv_body.h (400 when
 * it is not CSV, 413 past its limits, 422 for its header; a column not
 * declared is refused). Every row is checked in C first, and any bad row
 * answers 422 naming the bad rows (csv_body.h: the first errors, and how
 * many in all) with nothing written. A good file is loaded with COPY into
 * a temporary table and merged by one INSERT ... ON CONFLICT, in one
 * transaction; imports into one agency take a transaction-level advisory
 * lock so that concurrent ones run one after the other. The COPY payload
 * is malloc'd and freed here; everything else lives in the request's
 * arena. */
#include <stdlib.h>

#include "api/csv_body.h"
#include "api/resources.h"
#include "api/staff.h"

/* The columns every file has; leader_level may follow (a file without
 * it leaves the leader level of existing staff as it is, and new staff
 * get none). */
#define IMPORT_COLUMNS \
    {"code", FT_CODE, F_REQUIRED, 1, 40, NULL, "Mã cán bộ"}, \
    {"full_name", FT_STRING, F_REQUIRED, 1, 200, NULL, "Họ và tên"}, \
    {"unit_code", FT_CODE, F_REQUIRED, 1, 40, NULL, "Mã đơn vị trong cơ quan"}, \
    {"category", FT_ENUM, F_REQUIRED, 0, 0, staff_categories, "cong_chuc, vien_chuc, nguoi_lao_dong"}, \
    {"joined_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày vào làm"}, \
    {"left_on", FT_DATE, F_NULLABLE, 0, 0, NULL, "Ngày nghỉ, trống nếu còn công tác"}
static const field_def import_columns[] = {
    IMPORT_COLUMNS,
    {"leader_level", FT_ENUM, F_NULLABLE, 0, 0, staff_leader_levels, "none (trống = none), unit, agency"},
    {0},
};
static const field_def import_columns_no_leader[] = {IMPORT_COLUMNS, {0}};
enum { C_CODE, C_NAME, C_UNIT, C_CATEGORY, C_JOINED, C_LEFT, C_LEADER, C_COUNT };

static const field_def import_query[] = {
    {"agency_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Cơ quan của danh sách cán bộ (mã trong tệp là của cơ quan này)"},
    {0},
};
enum { Q_AGENCY };

static const db_stmt STMT_UNITS = {
    "staff_import_units",
    "SELECT u.code, u.id FROM units u WHERE u.agency_id = $1"
    " AND EXISTS (SELECT 1 FROM units a WHERE a.id = $1 AND a.kind = 'agency') ORDER BY u.code COLLATE \"C\""};
/* Imports into one agency wait for each other (class 0x53544146, "STAF"). */
static const db_stmt STMT_LOCK = {
    "staff_import_lock", "SELECT pg_advisory_xact_lock(1398030662, ($1::bigint % 2147483647)::int)"};
static const char SQL_TEMP[] =
    "CREATE TEMP TABLE staff_import_rows (code text NOT NULL, full_name text NOT NULL, unit_id bigint NOT NULL,"
    " category text NOT NULL, joined_on date NOT NULL, left_on date, leader_level text) ON COMMIT DROP";
static const char SQL_COPY[] =
    "COPY staff_import_rows (code, full_name, unit_id, category, joined_on, left_on, leader_level) FROM STDIN";
static const db_stmt STMT_FOREIGN = {
    "staff_import_foreign",
    "SELECT t.code FROM staff_import_rows t JOIN staff s ON s.agency_id = $1 AND s.code = t.code"
    " WHERE s.unit_id <> $2 LIMIT 1"};
/* Rows that are already stored as they are skip the insert: a re-import of
 * an unchanged list writes nothing. $2: whether the file has the
 * leader_level column (without it, a stored leader level stays). */
static const db_stmt STMT_UPSERT = {
    "staff_import_upsert",
    "WITH up AS (INSERT INTO staff AS s (agency_id, code, full_name, unit_id, category, joined_on, left_on, leader_level)"
    "   SELECT $1, code, full_name, unit_id, category, joined_on, left_on, coalesce(leader_level, 'none')"
    "   FROM staff_import_rows t"
    "   WHERE NOT EXISTS (SELECT 1 FROM staff o WHERE o.agency_id = $1 AND o.code = t.code"
    "     AND (o.full_name, o.unit_id, o.category, o.joined_on, o.left_on, o.leader_level) IS NOT DISTINCT FROM"
    "         (t.full_name, t.unit_id, t.category, t.joined_on, t.left_on, coalesce(t.leader_level, o.leader_level)))"
    "   ON CONFLICT (agency_id, code) DO UPDATE SET full_name = EXCLUDED.full_name, unit_id = EXCLUDED.unit_id,"
    "     category = EXCLUDED.category, joined_on = EXCLUDED.joined_on, left_on = EXCLUDED.left_on,"
    "     leader_level = CASE WHEN $2::bool THEN EXCLUDED.leader_level ELSE s.leader_level END"
    "   WHERE (s.full_name, s.unit_id, s.category, s.joined_on, s.left_on, s.leader_level) IS DISTINCT FROM"
    "     (EXCLUDED.full_name, EXCLUDED.unit_id, EXCLUDED.category, EXCLUDED.joined_on, EXCLUDED.left_on,"
    "      CASE WHEN $2::bool THEN EXCLUDED.leader_level ELSE s.leader_level END)"
    "   RETURNING s.xmax = 0 AS created)"
    " SELECT count(*) FILTER (WHERE created) FROM up"};

/* The agency's units by code (sorted byte-wise, for bsearch). */
typedef struct unit_ref {
    const char *code;
    long long id;
} unit_ref;

typedef struct unit_map {
    unit_ref *units;
    size_t n;
} unit_map;

/* A growing COPY payload (text format). */
typedef struct copy_buf {
    char *p;
    size_t len, cap;
} copy_buf;

static void buf_need(copy_buf *b, size_t more)
{
    if (b->len + more <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 1 << 16;
    while (cap < b->len + more)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        abort();
    b->p = p;
    b->cap = cap;
}

/* Appends one field (NULL → \N) escaped for COPY text, then sep. */
static void buf_field(copy_buf *b, const char *s, char sep)
{
    if (!s) {
        buf_need(b, 3);
        memcpy(b->p + b->len, "\\N", 2);
        b->len += 2;
    } else {
        size_t n = strlen(s);
        buf_need(b, 2 * n + 1);
        for (; *s; s++) {
            char c = *s;
            char esc = c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : 0;
            if (esc) {
                b->p[b->len++] = '\\';
                c = esc;
            }
            b->p[b->len++] = c;
        }
    }
    b->p[b->len++] = sep;
}

static int unit_cmp(const void *a, const void *b)
{
    return strcmp(((const unit_ref *)a)->code, ((const unit_ref *)b)->code);
}

/* ?agency_id= and the agency's units. 0, or -1 with res filled (422 when
 * absent or not an agency). */
static int load_units(request *req, response *res, const char **agency, unit_map *m)
{
    *agency = api_query(req, Q_AGENCY);
    const char *p[] = {*agency};
    db_result *r = db_run(req->db, &STMT_UNITS, 1, p);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    m->n = (size_t)db_rows(r);
    m->units = arena_alloc(req->mem, (m->n ? m->n : 1) * sizeof *m->units);
    for (size_t i = 0; i < m->n; i++) {
        m->units[i].code = arena_strdup(req->mem, db_value(r, (int)i, 0));
        m->units[i].id = db_int(r, (int)i, 1);
    }
    db_free(r);
    if (m->n == 0) {
        http_field_error(res, 422, "agency_id", "Không có cơ quan (đơn vị loại agency) này.");
        return -1;
    }
    return 0;
}

/* For each row whose code occurs more than once: every row with that code
 * ("2, 5"; dup[row], 0-based; NULL for the others). Codes are compared
 * without the blanks around them. */
static const char **find_duplicates(request *req, const csv_doc *doc, long code_col)
{
    size_t n = csv_nrows(doc);
    const char **codes = arena_alloc(req->mem, (n ? n : 1) * sizeof *codes);
    for (size_t i = 0; i < n; i++) {
        const char *s = csv_field(doc, i, (size_t)code_col);
        while (*s == ' ' || *s == '\t')
            s++;
        size_t len = strlen(s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        codes[i] = arena_strndup(req->mem, s, len);
    }
    return csv_body_duplicates(req, codes, n);
}

static const unit_ref *find_unit(const unit_map *m, const char *code)
{
    unit_ref key = {code, 0};
    return bsearch(&key, m->units, m->n, sizeof *m->units, unit_cmp);
}

/* Checks every row into errors (in row order) and the good ones into out.
 * *foreign_row: the first row (1-based) of a unit the user may not write,
 * or 0. */
static void check_rows(request *req, const csv_doc *doc, const long *col, const unit_map *units, csv_errors *errors,
                       copy_buf *out, size_t *foreign_row)
{
    const char **dup = find_duplicates(req, doc, col[C_CODE]);
    long long confined = auth_confined_unit(req->user);
    *foreign_row = 0;
    for (size_t i = 0; i < csv_nrows(doc); i++) {
        long row = (long)i + 1;
        size_t before = errors->total;
        field_val v[C_COUNT];
        for (int c = 0; c < C_COUNT; c++) {
            if (col[c] < 0) { /* an optional column the file does not have */
                v[c] = (field_val){.null = true};
                continue;
            }
            const char *msg = fields_from_text(req->mem, &import_columns[c], csv_field(doc, i, (size_t)col[c]), &v[c]);
            if (msg)
                csv_errors_field(errors, import_columns[c].name, msg, row);
            else if (c == C_CODE && dup[i]) /* worded only while it is listed: 200 000 repeats cost no text */
                csv_errors_field(errors, "code",
                                 errors->total < CSV_BODY_ERRORS_LISTED
                                     ? arena_printf(req->mem, "mã %s xuất hiện nhiều lần trong tệp: dòng %s",
                                                    v[C_CODE].s, dup[i])
                                     : dup[i],
                                 row);
        }
        const unit_ref *unit = v[C_UNIT].s ? find_unit(units, v[C_UNIT].s) : NULL;
        if (v[C_UNIT].s && !unit)
            csv_errors_field(errors, "unit_code",
                         arena_printf(req->mem, "không có đơn vị mã %s trong cơ quan này", v[C_UNIT].s), row);
        if (unit && confined && unit->id != confined && !*foreign_row)
            *foreign_row = i + 1;
        const char *dates = staff_dates_error(v[C_JOINED].s, v[C_LEFT].s);
        if (dates)
            csv_errors_field(errors, "left_on", dates, row);
        if (errors->total != before)
            continue;
        char id[24];
        snprintf(id, sizeof id, "%lld", unit->id);
        buf_field(out, v[C_CODE].s, '\t');
        buf_field(out, v[C_NAME].s, '\t');
        buf_field(out, id, '\t');
        buf_field(out, v[C_CATEGORY].s, '\t');
        buf_field(out, v[C_JOINED].s, '\t');
        buf_field(out, v[C_LEFT].s, '\t');
        buf_field(out, col[C_LEADER] < 0 ? NULL : v[C_LEADER].s ? v[C_LEADER].s : "none", '\n');
    }
}

/* Runs a statement whose result is not needed (st NULL: the SQL text
 * sql). 0, or -1 with the database error kept for api_db_error. */
static int run(request *req, const db_stmt *st, const char *sql, const char *const *p)
{
    db_result *r = st ? db_run(req->db, st, 1, p) : db_exec_text(req->db, sql);
    int rc = r ? 0 : -1;
    db_free(r);
    return rc;
}

/* The code of a row of the file that is now staff of another unit than
 * the unit_head's (arena), NULL when none; *failed on a database error. */
static const char *foreign_code(request *req, const char *const *p, bool *failed)
{
    db_result *r = db_run(req->db, &STMT_FOREIGN, 2, p);
    *failed = r == NULL;
    const char *code = r && db_rows(r) ? arena_strdup(req->mem, db_value(r, 0, 0)) : NULL;
    db_free(r);
    return code;
}

/* Writes the checked rows. 0 with *created, or -1 with res filled. */
static int load(request *req, response *res, const char *agency, bool leader, const copy_buf *data,
                long long *created)
{
    if (api_begin(req, res) != 0)
        return -1;
    const char *p[] = {agency, api_itoa(req, req->user->unit_id)};
    if (run(req, &STMT_LOCK, NULL, p) != 0 || run(req, NULL, SQL_TEMP, NULL) != 0 ||
        db_copy_in(req->db, SQL_COPY, data->p ? data->p : "", data->len) != 0) {
        api_db_error(req, res);
        return -1;
    }
    if (auth_confined_unit(req->user)) {
        bool failed;
        const char *code = foreign_code(req, p, &failed);
        if (failed) {
            api_db_error(req, res);
            return -1;
        }
        if (code) {
            db_rollback(req->db);
            http_problem(res, 403, arena_printf(req->mem, "Cán bộ mã %s đang thuộc đơn vị khác: trưởng đơn vị chỉ "
                                                          "được ghi cán bộ của đơn vị mình.", code));
            return -1;
        }
    }
    const char *up[] = {agency, leader ? "true" : "false"};
    db_result *r = db_run(req->db, &STMT_UPSERT, 2, up);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    *created = db_int(r, 0, 0);
    db_free(r);
    return api_commit(req, res);
}

/* Does the header of req's body name the optional column leader_level?
 * Only the header line is parsed here; a header that does not parse
 * alone is answered by csv_body_read as without it. */
static bool has_leader_column(request *req)
{
    const char *nl = req->body ? memchr(req->body, '\n', req->body_len) : NULL;
    size_t len = nl ? (size_t)(nl - req->body) + 1 : req->body_len;
    csv_doc *head = NULL;
    csv_error err;
    bool has = req->body && csv_parse(req->body, len, &head, &err) == 0 && csv_column(head, "leader_level") >= 0;
    csv_free(head);
    return has;
}

static void import(request *req, response *res)
{
    const char *agency;
    unit_map units;
    long col[C_COUNT];
    if (load_units(req, res, &agency, &units) != 0)
        return;
    bool leader = has_leader_column(req);
    col[C_LEADER] = -1;
    csv_doc *doc = csv_body_read(req, res, leader ? import_columns : import_columns_no_leader,
                                 CSV_OTHER_COLUMNS_REFUSED, col);
    if (!doc)
        return;
    copy_buf data = {0};
    csv_errors errors;
    csv_errors_init(&errors);
    size_t foreign_row;
    check_rows(req, doc, col, &units, &errors, &data, &foreign_row);
    long long created;
    if (foreign_row) {
        csv_errors_free(&errors);
        http_problem(res, 403, arena_printf(req->mem, "Dòng %zu là cán bộ của đơn vị khác: trưởng đơn vị chỉ được "
                                                      "nhập cán bộ của đơn vị mình.", foreign_row));
    } else if (csv_body_row_errors(res, &errors) == 0 && load(req, res, agency, leader, &data, &created) == 0) {
        http_json(res, 200, json_pack("{s:I, s:I}", "created", (json_int_t)created, "updated",
                                      (json_int_t)((long long)csv_nrows(doc) - created)));
    }
    free(data.p);
    csv_free(doc);
}

/* The agency of the list is the user's; a unit_head's rows are checked
 * one by one (its own unit's only). */
static const route_scope import_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, NULL, "agency_id"};

const route staff_import_routes[] = {
    {"POST", "/api/v1/staff/import", import, ACCESS_DATA, BODY_CSV,
     "Nhập danh sách cán bộ từ CSV (cột code,full_name,unit_code,category,joined_on,left_on và tùy chọn leader_level "
     "theo thứ tự bất kỳ; ô trống = null; cập nhật theo mã; có dòng sai thì không ghi gì và trả 422 liệt kê các dòng sai). "
     CSV_BODY_LIMITS_TEXT,
     NULL, 0, import_query, &import_scope},
    {0},
};
