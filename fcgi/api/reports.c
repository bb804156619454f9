/* api/reports.c — reports to the Khối thi đua (reports.md): a draft
 * generated from the data as of a date (report_figures.h), its narrative
 * sections edited by the office, regenerated while a draft (answering what
 * changed), approved by the director with its number and date of issue
 * (dated): then its content is frozen as canonical JSON (jcs.h) with its
 * SHA-256 and one delivery per active destination of the agency that takes
 * the kind is queued, in one short transaction that renders nothing. The
 * database refuses any later change (migrations 0015, 0019), answered 409.
 *
 * GET /reports/{id} answers the JSON, or with Accept (or ?format=, since a
 * route pattern cannot end in ".pdf": router.c matches {id} as a whole
 * segment) the print view (text/html), the PDF or the workbook: a draft's
 * rendered on the fly; an approved report's rendered from its frozen
 * content and stored by the first who asks (report_files_ensure, also the
 * deliverer's), then the stored bytes.
 *
 * The frozen content, whose canonical JSON the sha256 is of, is the
 * report object without "state", "sha256" and "changes": the members id,
 * campaign_id, kind, number, as_of, period_from, period_to, sections,
 * figures, replaces_id, approved_at, approved_by, generated_at, dated. A
 * report of a schedule also answers due_on and late (report_make.h),
 * outside the frozen content. ?explain= lists the awards a cell of the
 * statistics counted, from the refs kept beside the content (award_refs).
 *
 * Generating and approving are report_make.h's, shared with `thidua
 * report run` (report_run.h). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api/campaign_scope.h"
#include "api/resources.h"
#include "jsontext.h"
#include "log.h"
#include "report_figures.h"
#include "report_make.h"
#include "report_render.h"
#include "text.h"

static const char *const kinds[] = {"mid_year", "year_end", "award_statistics", NULL};
static const char *const formats[] = {"json", "html", "pdf", "xlsx", NULL};
static const char *const section_keys[] = {"strengths", "shortcomings", "lessons", "next_steps", "proposals", NULL};
enum { SECTION_MAX = 20000 };

static const field_def create_fields[] = {
    {"kind", FT_ENUM, F_REQUIRED, 0, 0, kinds,
     "mid_year (sơ kết 6 tháng), year_end (tổng kết năm) hoặc award_statistics (thống kê khen thưởng)"},
    {"as_of", FT_DATE, F_NULLABLE, 0, 0, NULL,
     "Ngày tính số liệu (mặc định: 30/6 của năm, ngày kết thúc xét của phong trào, hoặc 30/11)"},
    {"replaces_id", FT_ID, F_NULLABLE, 0, 0, NULL, "Báo cáo (đã duyệt, cùng phong trào) mà báo cáo này thay thế"},
    {0},
};
enum { K_KIND, K_AS_OF, K_REPLACES, K_COUNT };

static const field_def patch_fields[] = {
    {"sections", FT_JSON, F_REQUIRED, 0, 0, NULL,
     "Phần nhận xét: strengths, shortcomings, lessons, next_steps, proposals; mỗi phần là văn bản (mỗi dòng một đoạn,"
     " tối đa 20 000 ký tự) hoặc null để xóa"},
    {0},
};

static const field_def approve_fields[] = {
    {"number", FT_STRING, F_REQUIRED, 1, 60, NULL, "Số văn bản, vd. 12/BC-SNV (không trùng trong phong trào)"},
    {"dated", FT_DATE, F_NULLABLE, 0, 0, NULL,
     "Ngày ban hành in trên văn bản (\"Sóc Trăng, ngày 08 tháng 7 năm 2025\"): không trước ngày tính số liệu, không"
     " sau hôm nay; mặc định hôm nay"},
    {0},
};
enum { A_NUMBER, A_DATED, A_COUNT };

static const field_def get_query[] = {
    {"limit", FT_INT, 0, 1, 10000, NULL, "explain: số khen thưởng tối đa liệt kê (mặc định 1000)"},
    {"offset", FT_INT, 0, 0, 100000000000LL, NULL, "explain: bỏ qua bấy nhiêu khen thưởng đầu (mặc định 0)"},
    {"format", FT_ENUM, 0, 0, 0, formats,
     "json, html (bản in), pdf hoặc xlsx; thay cho Accept (đường dẫn /reports/{id}.pdf không biểu diễn được)"},
    {"explain", FT_STRING, 0, 3, 100, NULL,
     "Thống kê khen thưởng: \"hàng,cột\" (vd. worker.thuong_xuyen,LDTT; total) liệt kê các khen thưởng ô đó đếm"},
    {0},
};
enum { Q_LIMIT, Q_OFFSET, Q_FORMAT, Q_EXPLAIN };

static const char not_found[] = "Không có báo cáo này.";
static const char not_draft[] = "Báo cáo đã được duyệt: nội dung không thay đổi được nữa (sửa thì lập báo cáo mới thay thế).";

static const db_stmt STMT_LIST = {
    "reports_list",
    API_LIST_OF_CAMPAIGN("SELECT r.* FROM reports r WHERE r.campaign_id = $3",
                         "(jsonb_build_object('id', p.id, 'campaign_id', p.campaign_id, 'kind', p.kind, 'number', p.number,"
                         " 'as_of', p.as_of, 'period_from', p.period_from, 'period_to', p.period_to, 'state', p.state,"
                         " 'sha256', p.sha256, 'replaces_id', p.replaces_id, 'approved_at', " REPORT_UTC("p.approved_at") ","
                         " 'generated_at', " REPORT_UTC("p.generated_at") ") || coalesce(" REPORT_DEADLINE("p") ", '{}'))",
                         "id")};
static const db_stmt STMT_GET = {
    "reports_get", "SELECT coalesce(r.content, " REPORT_OBJ("r") ")::text, r.state, r.sha256, r.figures_before::text,"
                   " " REPORT_DEADLINE("r") "::text FROM reports r WHERE r.id = $1"};
/* An approved report as GET answers it, made as text in SQL: its frozen
 * content with state, sha256, changes (none) and a schedule's due_on and
 * late spliced in, so that a large report is never parsed and printed
 * again by the worker. No row for a draft. */
static const db_stmt STMT_GET_FROZEN = {
    "reports_get_frozen",
    "SELECT left(r.content::text, -1) || ', \"state\": ' || to_jsonb(r.state)::text || ', \"sha256\": '"
    " || to_jsonb(r.sha256)::text || ', \"changes\": []'"
    " || coalesce(', ' || nullif(substr(x.dl::text, 2, length(x.dl::text) - 2), ''), '') || '}'"
    " FROM reports r CROSS JOIN LATERAL (SELECT " REPORT_DEADLINE("r") " AS dl) x"
    " WHERE r.id = $1 AND r.state <> 'draft'"};
static const db_stmt STMT_SCOPE = SCOPE_VIA_CAMPAIGN("reports_scope", "reports");
static const db_stmt STMT_CAMPAIGN = {"reports_campaign", "SELECT year FROM campaigns WHERE id = $1"};
static const db_stmt STMT_REPLACES = {
    "reports_replaces", "SELECT 1 FROM reports WHERE id = $1 AND campaign_id = $2 AND state <> 'draft'"};
static const db_stmt STMT_LOCK = {
    "reports_lock", "SELECT state, kind, campaign_id, as_of, period_from, period_to, " REPORT_TODAY "::text"
                    " FROM reports WHERE id = $1 FOR UPDATE"};
static const db_stmt STMT_SECTIONS = {
    "reports_sections",
    "UPDATE reports SET sections = jsonb_strip_nulls(sections || $2::jsonb) WHERE id = $1 RETURNING id"};
static const db_stmt STMT_REGENERATE = {
    "reports_regenerate",
    "UPDATE reports SET figures_before = figures, figures = $2::jsonb, award_refs = $3::text[], generated_at = now()"
    " WHERE id = $1 RETURNING id"};
/* The awards a cell of the statistics counted ($2 row: a row's key, a
 * subject or total; $3 col: an award or total), from the refs the figures
 * counted (award_refs), as they are now; a page ($4 limit, $5 offset) and
 * how many in all. */
static const db_stmt STMT_EXPLAIN = {
    "reports_explain",
    "WITH aw AS (SELECT g.ref, g.award, g.subject_type, coalesce(g.staff_id, g.unit_subject) AS subject_id,"
    "   coalesce(s.full_name, su.name) AS subject_name, uu.name AS unit_name, s.leader_level, g.achievement,"
    "   g.decision_no, g.decided_on, g.way, g.level, g.campaign_id, s.given_name, s.full_name,"
    "   " REPORT_SUBJECT_SQL("g", "s") " AS subject"
    /* a join, not = ANY (a subquery's array is searched row by row) */
    "   FROM award_grants g JOIN (SELECT unnest(award_refs) AS ref FROM reports WHERE id = $1) k ON k.ref = g.ref"
    "   LEFT JOIN staff s ON s.id = g.staff_id LEFT JOIN units su ON su.id = g.unit_subject"
    "   LEFT JOIN units uu ON uu.id = coalesce(s.unit_id, g.unit_subject)),"
    " cell AS (SELECT * FROM aw WHERE ($2 = 'total' OR aw.subject = $2 OR aw.subject || '.' || aw.achievement = $2)"
    "   AND ($3 = 'total' OR aw.award = $3))"
    " SELECT (SELECT count(*) FROM cell), coalesce((SELECT json_agg(json_build_object('ref', x.ref, 'award', x.award,"
    "   'subject_type', x.subject_type, 'subject_id', x.subject_id, 'subject_name', x.subject_name,"
    "   'unit_name', x.unit_name, 'leader_level', x.leader_level, 'achievement', x.achievement,"
    "   'decision_no', x.decision_no, 'decided_on', x.decided_on, 'way', x.way, 'level', x.level,"
    "   'campaign_id', x.campaign_id) ORDER BY x.ord) FROM (SELECT cell.*, row_number() OVER (ORDER BY"
    "   cell.subject_type, cell.award, cell.given_name COLLATE vi, cell.full_name COLLATE vi,"
    "   cell.subject_name COLLATE vi, cell.subject_id, cell.decided_on, cell.ref) AS ord FROM cell"
    "   ORDER BY ord LIMIT $4::bigint OFFSET $5::bigint) x), '[]')::text"};
static const db_stmt STMT_FILE_GET = {
    "reports_file_get", "SELECT encode(bytes, 'hex') FROM report_files WHERE report_id = $1 AND format = $2"};
/* ------------------------------------------------------------------ reading */

static void answer_json(response *res, int status, json_t *body)
{
    char *text = jsontext_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text) {
        http_problem(res, 500, "Lỗi máy chủ.");
        return;
    }
    http_json_arena(res, status, arena_strdup(res->mem, text));
    free(text);
}

/* Report id as a JSON object (a new reference): its content, state,
 * sha256 and (a draft) what changed at its last generation. NULL with res
 * filled (404, database error). */
static json_t *load(request *req, response *res, const char *id)
{
    const char *p[] = {id};
    db_result *r = db_run(req->db, &STMT_GET, 1, p);
    if (!r) {
        api_db_error(req, res);
        return NULL;
    }
    if (db_rows(r) == 0) {
        db_free(r);
        http_problem(res, 404, not_found);
        return NULL;
    }
    json_t *rep = json_loads(db_value(r, 0, 0), 0, NULL);
    json_t *before = db_value(r, 0, 3) ? json_loads(db_value(r, 0, 3), 0, NULL) : NULL;
    if (rep) {
        json_object_set_new(rep, "state", json_string(db_value(r, 0, 1)));
        json_object_set_new(rep, "sha256", db_value(r, 0, 2) ? json_string(db_value(r, 0, 2)) : json_null());
        bool draft = strcmp(db_value(r, 0, 1), "draft") == 0;
        json_object_set_new(rep, "changes", draft ? report_figures_changes(before, json_object_get(rep, "figures"))
                                                  : json_array());
    }
    json_t *deadline = db_value(r, 0, 4) ? json_loads(db_value(r, 0, 4), 0, NULL) : NULL;
    if (rep && deadline)
        json_object_update(rep, deadline);
    json_decref(deadline);
    json_decref(before);
    db_free(r);
    if (!rep)
        http_problem(res, 500, "Lỗi máy chủ.");
    return rep;
}

/* Which rendering the request asks for: ?format= first, then Accept. */
static const char *wanted(const request *req)
{
    const char *f = api_query(req, Q_FORMAT);
    if (f)
        return f;
    const char *accept = http_header(req, "Accept");
    if (!accept)
        return "json";
    if (strstr(accept, "application/pdf"))
        return "pdf";
    if (strstr(accept, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        return "xlsx";
    if (strstr(accept, "text/html"))
        return "html";
    return "json";
}

static const char xlsx_type[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/* Renders report rep as format (pdf or xlsx) into malloc'd *out. 0, or -1
 * with res filled (500). */
static int render(request *req, response *res, const json_t *rep, const char *format, unsigned char **out,
                  size_t *len)
{
    rm_rc rc = report_make_render(req->mem, rep, format, out, len);
    if (rc != RM_OK) {
        http_problem(res, 500, report_make_message(rc));
        return -1;
    }
    return 0;
}

/* Answers a failure rc of report_make in the open transaction (rolled
 * back); db errors through on_db. */
static void make_error(request *req, response *res, rm_rc rc, void (*on_db)(request *, response *))
{
    if (rc == RM_DB) {
        on_db(req, res);
        return;
    }
    db_rollback(req->db);
    http_problem(res, rc == RM_NOT_FOUND ? 404 : 500, report_make_message(rc));
}

static void answer_file(request *req, response *res, const char *format, const unsigned char *bytes, size_t len,
                        long long id)
{
    http_text(res, 200, strcmp(format, "pdf") == 0 ? "application/pdf" : xlsx_type, (const char *)bytes, len);
    http_set_header(res, "Content-Disposition",
                    arena_printf(req->mem, "%s; filename=\"bao-cao-%lld.%s\"",
                                 strcmp(format, "pdf") == 0 ? "inline" : "attachment", id, format));
}

/* An approved report's stored rendering. */
static void stored_file(request *req, response *res, const char *id, const char *format)
{
    const char *p[] = {id, format};
    db_result *r = db_run(req->db, &STMT_FILE_GET, 2, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    if (db_rows(r) == 0) {
        db_free(r);
        http_problem(res, 500, "Báo cáo đã duyệt nhưng không có bản đã lưu.");
        return;
    }
    const char *hex = db_value(r, 0, 0);
    size_t n = strlen(hex) / 2, len = 0;
    unsigned char *bytes = arena_alloc(req->mem, n + 1);
    int rc = sodium_hex2bin(bytes, n + 1, hex, strlen(hex), NULL, &len, NULL);
    db_free(r);
    if (rc != 0) {
        http_problem(res, 500, "Lỗi máy chủ.");
        return;
    }
    answer_file(req, res, format, bytes, len, req->path_ids[0]);
}

static void explain(request *req, response *res, json_t *rep, const char *spec)
{
    const char *comma = strchr(spec, ',');
    const char *row = comma ? arena_strndup(req->mem, spec, (size_t)(comma - spec)) : NULL;
    const char *col = comma ? comma + 1 : NULL;
    const json_t *figures = json_object_get(rep, "figures");
    if (!row || !report_figures_explain_valid(figures, row, col)) {
        bool statistics = json_object_get(figures, "statistics") != NULL;
        json_decref(rep);
        http_field_error(res, 400, "explain",
                         statistics
                             ? "Không có ô này: \"hàng,cột\" với hàng là khóa của một hàng (vd. worker.thuong_xuyen),"
                               " một đối tượng hoặc total, cột là mã khen thưởng hoặc total"
                             : "Chỉ báo cáo thống kê khen thưởng (award_statistics) có ô để giải thích");
        return;
    }
    long long counted = report_figures_cell(figures, row, col);
    json_decref(rep);
    const char *limit = api_query(req, Q_LIMIT), *offset = api_query(req, Q_OFFSET);
    const char *p[] = {api_itoa(req, req->path_ids[0]), row, col, limit ? limit : "1000", offset ? offset : "0"};
    db_result *r = db_run(req->db, &STMT_EXPLAIN, 5, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    json_t *items = json_loads(db_value(r, 0, 1), 0, NULL);
    long long count = db_int(r, 0, 0);
    db_free(r);
    if (!items) {
        http_problem(res, 500, "Lỗi máy chủ.");
        return;
    }
    /* count: the awards of the cell found now among those the figures
     * counted; counted: the cell's figure (they differ only when one of
     * them was deleted or its subject changed since). */
    json_t *body = json_pack("{s:s, s:s, s:I, s:I, s:o}", "row", row, "col", col, "count", (json_int_t)count,
                             "counted", (json_int_t)counted, "items", items);
    answer_json(res, 200, body);
}

/* Answers an approved report from STMT_GET_FROZEN: 1 when answered (or
 * failed with res filled), 0 when id is a draft (nothing answered). */
static int answer_frozen(request *req, response *res, int status, const char *id)
{
    const char *p[] = {id};
    db_result *r = db_run(req->db, &STMT_GET_FROZEN, 1, p);
    if (!r) {
        api_db_error(req, res);
        return 1;
    }
    if (db_rows(r) == 0) {
        db_free(r);
        return 0;
    }
    http_json_arena(res, status, arena_strdup(res->mem, db_value(r, 0, 0)));
    db_free(r);
    return 1;
}

static void get(request *req, response *res)
{
    const char *id = api_itoa(req, req->path_ids[0]);
    if (!api_query(req, Q_EXPLAIN) && strcmp(wanted(req), "json") == 0 && answer_frozen(req, res, 200, id)) {
        http_set_header(res, "Vary", "Accept");
        return;
    }
    json_t *rep = load(req, res, id);
    if (!rep)
        return;
    http_set_header(res, "Vary", "Accept");
    if (api_query(req, Q_EXPLAIN)) {
        explain(req, res, rep, api_query(req, Q_EXPLAIN));
        return;
    }
    const char *format = wanted(req);
    bool draft = strcmp(json_string_value(json_object_get(rep, "state")), "draft") == 0;
    if (strcmp(format, "json") == 0) {
        answer_json(res, 200, rep);
        return;
    }
    if (strcmp(format, "html") == 0) {
        struct report_doc doc;
        char *html = report_render_doc(req->mem, rep, &doc) == 0 ? report_render_html(req->mem, &doc) : NULL;
        json_decref(rep);
        if (!html)
            http_problem(res, 500, "Không trình bày được báo cáo.");
        else
            http_text(res, 200, "text/html; charset=utf-8", html, strlen(html));
        return;
    }
    if (!draft) {
        json_decref(rep);
        /* Rendered and stored by the first who asks (this GET, or the
         * deliverer), then always the stored bytes. */
        rm_rc rc = report_files_ensure(req->db, req->path_ids[0], NULL, NULL);
        if (rc == RM_DB) {
            api_db_error(req, res);
            return;
        }
        if (rc != RM_OK) {
            http_problem(res, 500, report_make_message(rc));
            return;
        }
        stored_file(req, res, id, format);
        return;
    }
    unsigned char *bytes = NULL;
    size_t len = 0;
    int rc = render(req, res, rep, format, &bytes, &len);
    json_decref(rep);
    if (rc == 0)
        answer_file(req, res, format, bytes, len, req->path_ids[0]);
    free(bytes);
}

static void list(request *req, response *res)
{
    const char *f[] = {api_itoa(req, req->path_ids[0])};
    api_list(req, res, &STMT_LIST, 1, f, "Không có phong trào này.");
}

/* ------------------------------------------------------------------ writing */

/* Generates the figures in the open transaction: the text, or NULL with
 * res filled and the transaction rolled back. */
static const char *figures_text(request *req, response *res, long long campaign, const char *kind,
                                const report_period *p, const char **refs)
{
    const char *text = NULL;
    rm_rc rc = report_make_figures(req->db, req->mem, campaign, kind, p, &text, refs);
    if (rc != RM_OK) {
        make_error(req, res, rc, api_db_error);
        return NULL;
    }
    return text;
}

static void answer_report(request *req, response *res, int status, long long id)
{
    if (answer_frozen(req, res, status, api_itoa(req, id)))
        return;
    json_t *rep = load(req, res, api_itoa(req, id));
    if (rep)
        answer_json(res, status, rep);
}

static void create(request *req, response *res)
{
    field_val v[K_COUNT];
    campaign_ref c;
    if (api_body(req, res, create_fields, v, false) != 0 || scope_campaign(req, res, req->path_ids[0], &c) != 0)
        return;
    const char *cid = api_itoa(req, c.id);
    const char *p1[] = {cid};
    db_result *r = db_run(req->db, &STMT_CAMPAIGN, 1, p1);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    int year = db_rows(r) ? (int)db_int(r, 0, 0) : 0;
    db_free(r);
    report_period per;
    json_t *errors = json_array();
    const char *as_of = v[K_AS_OF].present && !v[K_AS_OF].null ? v[K_AS_OF].s : NULL;
    if (report_period_of(req->mem, v[K_KIND].s, year, c.starts_on, c.closes_on, as_of, &per) != 0)
        fields_error(errors, "as_of", "Ngày tính số liệu phải từ ngày bắt đầu kỳ báo cáo trở đi", 0);
    const char *replaces = v[K_REPLACES].present && !v[K_REPLACES].null ? v[K_REPLACES].s : NULL;
    if (replaces) {
        const char *p2[] = {replaces, cid};
        r = db_run(req->db, &STMT_REPLACES, 2, p2);
        if (!r) {
            json_decref(errors);
            api_db_error(req, res);
            return;
        }
        if (db_rows(r) == 0)
            fields_error(errors, "replaces_id", "Không có báo cáo đã duyệt này trong phong trào", 0);
        db_free(r);
    }
    if (scope_errors(res, errors, NULL) != 0)
        return;
    if (api_begin(req, res) != 0)
        return;
    long long id = 0;
    rm_rc rc = report_make_draft(req->db, req->mem, c.id, v[K_KIND].s, &per, replaces,
                                 req->user ? req->user->id : 0, 0, &id);
    if (rc != RM_OK) {
        make_error(req, res, rc, api_db_error);
        return;
    }
    if (api_commit(req, res) != 0)
        return;
    api_location(req, res, "/api/v1/reports/%lld", id);
    answer_report(req, res, 201, id);
}

/* Locks report id in a new transaction and checks it is a draft: the
 * locked row (state, kind, campaign_id, as_of, period_from, period_to),
 * which the caller frees; or NULL with res filled (404, 409) and the
 * transaction rolled back. */
static db_result *lock_draft(request *req, response *res, const char *id)
{
    if (api_begin(req, res) != 0)
        return NULL;
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, id, not_found);
    if (!cur)
        return NULL;
    if (strcmp(db_value(cur, 0, 0), "draft") != 0) {
        db_free(cur);
        db_rollback(req->db);
        http_problem(res, 409, not_draft);
        return NULL;
    }
    return cur;
}

/* A write the frozen-report trigger refused is a 409, not a 422. */
static void write_error(request *req, response *res)
{
    const db_error *e = db_last_error(req->db);
    if (strcmp(e->constraint, "reports_frozen") == 0 || strcmp(e->constraint, "report_files_frozen") == 0) {
        db_rollback(req->db);
        http_problem(res, 409, not_draft);
        return;
    }
    if (strcmp(e->constraint, "reports_number_key") == 0) {
        db_rollback(req->db);
        http_field_error(res, 409, "number", "Số văn bản này đã dùng cho một báo cáo khác của phong trào");
        return;
    }
    api_db_error(req, res);
}

/* The sections of a PATCH as a JSON object to merge (null clears), or NULL
 * with res filled (422 naming each bad section). */
static json_t *valid_sections(request *req, response *res, const json_t *s)
{
    json_t *errors = json_array(), *out = json_object();
    if (!json_is_object(s) || json_object_size(s) == 0) {
        fields_error(errors, "sections", "Cần một đối tượng có ít nhất một phần (strengths, shortcomings, lessons,"
                                         " next_steps, proposals)", 0);
    } else {
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)s, key, val) {
            bool known = false;
            for (size_t i = 0; section_keys[i]; i++)
                known |= strcmp(section_keys[i], key) == 0;
            const char *field = arena_printf(req->mem, "sections.%s", key);
            if (!known) {
                fields_error(errors, field, "Không có phần này (strengths, shortcomings, lessons, next_steps, proposals)", 0);
                continue;
            }
            if (json_is_null(val)) {
                json_object_set_new(out, key, json_null());
                continue;
            }
            const char *text = json_string_value(val);
            char *nfc = text && text_valid_utf8(text, json_string_length(val)) &&
                                strlen(text) == json_string_length(val)
                            ? text_nfc(req->mem, text)
                            : NULL;
            if (!nfc)
                fields_error(errors, field, "Cần văn bản (chuỗi UTF-8) hoặc null", 0);
            else if (text_has_control(nfc, true))
                fields_error(errors, field, "Văn bản có ký tự điều khiển", 0);
            else if (text_length(nfc) > SECTION_MAX)
                fields_error(errors, field, "Tối đa 20 000 ký tự", 0);
            else
                json_object_set_new(out, key, json_string(nfc));
        }
    }
    if (scope_errors(res, errors, NULL) != 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static void change(request *req, response *res)
{
    json_t *sections = valid_sections(req, res, json_object_get(req->json, "sections"));
    if (!sections)
        return;
    char *text = jsontext_dumps(sections, JSON_COMPACT);
    json_decref(sections);
    if (!text) {
        http_problem(res, 500, "Lỗi máy chủ.");
        return;
    }
    const char *merge = arena_strdup(req->mem, text);
    free(text);
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *cur = lock_draft(req, res, id);
    if (!cur)
        return;
    db_free(cur);
    const char *p[] = {id, merge};
    db_result *r = db_run(req->db, &STMT_SECTIONS, 2, p);
    if (!r) {
        write_error(req, res);
        return;
    }
    db_free(r);
    if (api_commit(req, res) == 0)
        answer_report(req, res, 200, req->path_ids[0]);
}

static void regenerate(request *req, response *res)
{
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *cur = lock_draft(req, res, id);
    if (!cur)
        return;
    const char *kind = arena_strdup(req->mem, db_value(cur, 0, 1));
    long long campaign = db_int(cur, 0, 2);
    report_period per = {arena_strdup(req->mem, db_value(cur, 0, 3)), arena_strdup(req->mem, db_value(cur, 0, 4)),
                         arena_strdup(req->mem, db_value(cur, 0, 5))};
    db_free(cur);
    const char *refs = NULL;
    const char *figures = figures_text(req, res, campaign, kind, &per, &refs);
    if (!figures)
        return;
    const char *p[] = {id, figures, refs};
    db_result *r = db_run(req->db, &STMT_REGENERATE, 3, p);
    if (!r) {
        write_error(req, res);
        return;
    }
    db_free(r);
    if (api_commit(req, res) == 0)
        answer_report(req, res, 200, req->path_ids[0]);
}

static void approve(request *req, response *res)
{
    field_val v[A_COUNT];
    if (api_body(req, res, approve_fields, v, false) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *cur = lock_draft(req, res, id);
    if (!cur)
        return;
    const char *dated = v[A_DATED].present && !v[A_DATED].null ? v[A_DATED].s : NULL;
    /* ISO dates compare as text: not before the figures' day, not after
     * today (Vietnam's); without dated, today, which must not be before
     * the figures' day either (a report is not issued before its as_of). */
    const char *day = dated ? dated : db_value(cur, 0, 6);
    const char *problem = strcmp(day, db_value(cur, 0, 3)) < 0 ? "Ngày ban hành không được trước ngày tính số liệu"
                          : strcmp(day, db_value(cur, 0, 6)) > 0 ? "Ngày ban hành không được sau hôm nay"
                                                                 : NULL;
    if (problem)
        problem = arena_printf(req->mem, "%s (%s).", problem,
                               strcmp(day, db_value(cur, 0, 3)) < 0 ? db_value(cur, 0, 3) : db_value(cur, 0, 6));
    db_free(cur);
    if (problem) {
        db_rollback(req->db);
        http_field_error(res, 422, "dated", problem);
        return;
    }
    rm_rc rc = report_make_approve_dated(req->db, req->mem, req->path_ids[0], v[A_NUMBER].s,
                                         req->user ? req->user->id : 0, dated);
    if (rc != RM_OK) {
        make_error(req, res, rc, write_error);
        return;
    }
    if (api_commit(req, res) == 0)
        answer_report(req, res, 200, req->path_ids[0]);
}

/* A report is of its campaign's agency. */
static const route_scope report_scope = {&STMT_SCOPE, not_found, false, NULL, SCOPE_NULL_AGENCY, NULL, NULL};

const route reports_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/reports", list, ACCESS_READ, BODY_NONE,
     "Các báo cáo của phong trào (sơ kết, tổng kết, thống kê khen thưởng) với trạng thái", NULL, ROUTE_REPLICA_OK, api_page_query,
     &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/reports", create, ACCESS_OFFICE, BODY_JSON,
     "Lập dự thảo báo cáo: số liệu tính từ dữ liệu tại ngày as_of", create_fields, 0, NULL, &scope_in_campaign},
    {"GET", "/api/v1/reports/{id}", get, ACCESS_READ, BODY_NONE,
     "Một báo cáo: JSON (nội dung, sha256), hoặc theo Accept/format bản in HTML, PDF, XLSX; explain giải thích một ô"
     " thống kê",
     NULL, ROUTE_REPLICA_OK, get_query, &report_scope},
    {"PATCH", "/api/v1/reports/{id}", change, ACCESS_OFFICE, BODY_JSON,
     "Sửa phần nhận xét của dự thảo (ưu điểm, hạn chế, bài học, phương hướng, kiến nghị)", patch_fields, 0, NULL,
     &report_scope},
    {"POST", "/api/v1/reports/{id}/regenerate", regenerate, ACCESS_OFFICE, BODY_NONE,
     "Tính lại số liệu của dự thảo; changes nêu các số liệu đã thay đổi", NULL, 0, NULL, &report_scope},
    {"POST", "/api/v1/reports/{id}/approve", approve, ACCESS_DIRECTOR, BODY_JSON,
     "Duyệt báo cáo với số văn bản và ngày ban hành: nội dung cố định (sha256), xếp hàng gửi đến các nơi nhận;"
     " PDF và XLSX được trình bày từ nội dung cố định khi cần lần đầu",
     approve_fields, 0, NULL, &report_scope},
    {0},
};
