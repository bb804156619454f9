/* api/attendance.c — who attended a study session. Recording is
 * idempotent: a code already recorded (or given twice) counts as
 * "already". Input is JSON {"staff_codes": [...]} or text/csv with a
 * staff_code column (other columns are ignored), read by csv_body.h.
 * Every code must be of the campaign's agency and of someone on the staff
 * on the day of the session; a unit_head may record only the staff of its
 * own unit. */
#include "api/campaign_scope.h"
#include "api/csv_body.h"
#include "api/resources.h"
#include "text.h"

static const field_def attendance_fields[] = {
    {"staff_codes", FT_JSON, F_REQUIRED, 0, 0, NULL,
     "Mã cán bộ đã tham dự (mảng chuỗi); hoặc gửi text/csv có cột staff_code"},
    {0},
};
/* The column of a CSV body; other columns (a name for the reader) are
 * ignored. */
static const field_def code_columns[] = {
    {"staff_code", FT_CODE, F_REQUIRED, 1, 40, NULL, "Mã cán bộ"},
    {0},
};

static const db_stmt STMT_SESSION = {
    "attendance_session",
    "SELECT c.agency_id, to_char(s.held_on, 'YYYY-MM-DD') FROM study_sessions s"
    " JOIN campaigns c ON c.id = s.campaign_id WHERE s.id = $1"};
static const db_stmt STMT_LIST = {
    "attendance_list",
    API_LIST_SQL("SELECT s.id, s.code, s.full_name, s.given_name, s.unit_id, a.recorded_at FROM attendance a"
                 " JOIN staff s ON s.id = a.staff_id WHERE a.session_id = $3",
                 "json_build_object('staff_id', id, 'code', code, 'full_name', full_name, 'unit_id', unit_id,"
                 " 'recorded_at', recorded_at)",
                 "given_name COLLATE vi, full_name COLLATE vi, id")
    " FROM study_sessions WHERE study_sessions.id = $3"};
/* $1 codes (JSON array), $2 agency, $3 held_on: one row per code, in order. */
static const db_stmt STMT_RESOLVE = {
    "attendance_resolve",
    "SELECT s.id, s.unit_id, s.joined_on <= $3::date AND (s.left_on IS NULL OR s.left_on > $3::date)"
    " FROM json_array_elements_text($1::json) WITH ORDINALITY AS g(code, ord)"
    " LEFT JOIN staff s ON s.agency_id = $2 AND s.code = g.code ORDER BY g.ord"};
/* In staff order, so that concurrent posts wait for each other rather
 * than deadlock. */
static const db_stmt STMT_INSERT = {
    "attendance_insert",
    "INSERT INTO attendance (session_id, staff_id) SELECT DISTINCT $1::bigint, x::bigint"
    " FROM json_array_elements_text($2::json) AS x ORDER BY 2 ON CONFLICT DO NOTHING"};

/* The codes of a request, with the CSV row each came from (0 for JSON)
 * and what is wrong with its form (NULL when nothing). */
typedef struct code_list {
    size_t n;
    const char **code;
    long *row;
    const char **bad;
    const char *field;
} code_list;

static void code_error(csv_errors *errors, const char *field, long row, const char *code, const char *message)
{
    json_t *error = json_pack("{s:s, s:s}", "field", field, "message", message);
    if (row > 0)
        json_object_set_new(error, "row", json_integer(row));
    json_object_set_new(error, "value", json_string(code));
    csv_errors_add(errors, error);
}

static void take_code(request *req, code_list *l, const char *text, long row)
{
    field_val v;
    const char *msg = fields_from_text(req->mem, &code_columns[0], text, &v);
    l->code[l->n] = msg ? arena_strdup(req->mem, text) : v.s;
    l->bad[l->n] = !msg ? NULL : *text ? arena_printf(req->mem, "Mã cán bộ \"%s\" không hợp lệ: %s", text, msg)
                                       : "Thiếu mã cán bộ";
    l->row[l->n] = row;
    l->n++;
}

static void alloc_codes(request *req, code_list *l, size_t n, const char *field)
{
    l->n = 0;
    l->code = arena_alloc(req->mem, (n ? n : 1) * sizeof *l->code);
    l->bad = arena_alloc(req->mem, (n ? n : 1) * sizeof *l->bad);
    l->row = arena_alloc(req->mem, (n ? n : 1) * sizeof *l->row);
    l->field = field;
}

/* Reads the codes of a JSON or CSV body. 0, or -1 with res filled (422 for
 * a JSON body without codes; for a CSV one, what csv_body.h answers). */
static int read_codes(request *req, response *res, code_list *l)
{
    if (req->json) {
        field_val v[1];
        if (api_body(req, res, attendance_fields, v, false) != 0)
            return -1;
        if (!json_is_array(v[0].j) || json_array_size(v[0].j) == 0) {
            http_field_error(res, 422, "staff_codes", "phải là mảng mã cán bộ, không rỗng");
            return -1;
        }
        alloc_codes(req, l, json_array_size(v[0].j), "staff_codes");
        size_t i;
        json_t *e;
        json_array_foreach(v[0].j, i, e) {
            take_code(req, l, json_is_string(e) ? json_string_value(e) : "", 0);
            if (!json_is_string(e))
                l->bad[i] = arena_printf(req->mem, "phần tử thứ %zu phải là chuỗi", i + 1);
        }
        return 0;
    }
    long col;
    csv_doc *doc = csv_body_read(req, res, code_columns, CSV_OTHER_COLUMNS_IGNORED, &col);
    if (!doc)
        return -1;
    alloc_codes(req, l, csv_nrows(doc), "staff_code");
    for (size_t i = 0; i < csv_nrows(doc); i++)
        take_code(req, l, csv_field(doc, i, (size_t)col), (long)i + 1);
    csv_free(doc);
    return 0;
}

static void list(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_list(req, res, &STMT_LIST, 1, p, "Không có buổi học này.");
}

/* Turns the codes into staff ids (a JSON array text in *ids): 403 when a
 * unit_head names someone of another unit, else 422 naming the codes
 * malformed, unknown or not on the staff on held_on, in the order given
 * (the first CSV_BODY_ERRORS_LISTED of them, and how many in all: a JSON
 * body is answered as a CSV one is). 0, or -1 with res filled. */
static int resolve(request *req, response *res, const code_list *l, const char *agency, const char *held_on,
                   const char **ids)
{
    json_t *codes = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(codes, json_string(l->code[i]));
    const char *p[] = {scope_json_text(req, codes), agency, held_on};
    db_result *r = db_run(req->db, &STMT_RESOLVE, 3, p);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    for (int i = 0; i < db_rows(r); i++) {
        if (db_value(r, i, 0) && auth_unit_scope(req, res, db_int(r, i, 1)) != 0) {
            db_free(r);
            return -1;
        }
    }
    csv_errors errors;
    csv_errors_init(&errors);
    json_t *found = json_array();
    for (int i = 0; i < db_rows(r) && (size_t)i < l->n; i++) {
        const char *code = l->code[i];
        if (l->bad[i])
            code_error(&errors, l->field, l->row[i], code, l->bad[i]);
        else if (!db_value(r, i, 0))
            code_error(&errors, l->field, l->row[i], code,
                       arena_printf(req->mem, "Mã cán bộ %s không có trong cơ quan", code));
        else if (strcmp(db_value(r, i, 2), "t") != 0)
            code_error(&errors, l->field, l->row[i], code,
                       arena_printf(req->mem, "Cán bộ %s không công tác tại cơ quan vào ngày %s", code,
                                    text_date_vi(req->mem, held_on)));
        else
            json_array_append_new(found, json_integer(db_int(r, i, 0)));
    }
    db_free(r);
    *ids = scope_json_text(req, found);
    return l->row[0] ? csv_body_row_errors(res, &errors) : csv_errors_answer(res, &errors, NULL);
}

static void record(request *req, response *res)
{
    const char *session = api_itoa(req, req->path_ids[0]);
    const char *sp[] = {session};
    db_result *s = db_run(req->db, &STMT_SESSION, 1, sp);
    if (!s) {
        api_db_error(req, res);
        return;
    }
    if (db_rows(s) == 0) {
        db_free(s);
        http_problem(res, 404, "Không có buổi học này.");
        return;
    }
    const char *agency = arena_strdup(req->mem, db_value(s, 0, 0));
    const char *held_on = arena_strdup(req->mem, db_value(s, 0, 1));
    db_free(s);
    code_list l;
    const char *ids = "[]";
    if (read_codes(req, res, &l) != 0 || resolve(req, res, &l, agency, held_on, &ids) != 0 ||
        api_begin(req, res) != 0)
        return;
    const char *p[] = {session, ids};
    db_result *r = db_run(req->db, &STMT_INSERT, 2, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    long long added = db_affected(r);
    db_free(r);
    if (api_commit(req, res) != 0)
        return;
    http_json(res, 200, json_pack("{s:I, s:I}", "added", (json_int_t)added, "already", (json_int_t)(l.n - (size_t)added)));
}

/* The study session is what attendance is added to; a unit_head's codes
 * are checked one by one (its own unit's staff only). */
static const db_stmt STMT_SCOPE = SCOPE_VIA_CAMPAIGN("attendance_scope", "study_sessions");
static const route_scope in_session = {&STMT_SCOPE, "Không có buổi học này.", true, NULL, SCOPE_NULL_AGENCY, NULL, NULL};

const route attendance_routes[] = {
    {"GET", "/api/v1/study-sessions/{id}/attendance", list, ACCESS_READ, BODY_NONE,
     "Những người đã tham dự buổi học", NULL, ROUTE_REPLICA_OK, api_page_query, &in_session},
    {"POST", "/api/v1/study-sessions/{id}/attendance", record, ACCESS_DATA, BODY_JSON_OR_CSV,
     "Ghi danh sách tham dự (JSON staff_codes hoặc CSV cột staff_code); lặp lại không ghi trùng. " CSV_BODY_LIMITS_TEXT,
     attendance_fields, 0,
     NULL, &in_session},
    {0},
};
