/* report_make.c — making and approving reports (report_make.h). */
#include "report_make.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jcs.h"
#include "jsontext.h"
#include "log.h"
#include "report_pdf.h"
#include "report_render.h"
#include "report_xlsx.h"

static const db_stmt STMT_INSERT = {
    "report_make_insert",
    "INSERT INTO reports (campaign_id, kind, as_of, period_from, period_to, figures, replaces_id, created_by,"
    " schedule_id)"
    " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, nullif($8::bigint, 0), nullif($9::bigint, 0)) RETURNING id"};
/* The content as it is frozen: the report with its number, the approval's
 * instant (the transaction's) and the approver's name. */
static const db_stmt STMT_CONTENT = {
    "report_make_content",
    "SELECT (" REPORT_OBJ("r") " || jsonb_build_object('number', $2::text, 'approved_at', " REPORT_UTC("now()") ","
    " 'approved_by', (SELECT coalesce(u.full_name, u.username) FROM users u WHERE u.id = $3::bigint)))::text"
    " FROM reports r WHERE r.id = $1"};
static const db_stmt STMT_APPROVE = {
    "report_make_approve",
    "UPDATE reports SET state = 'approved', number = $2, approved_by = nullif($3::bigint, 0), approved_at = now(),"
    " content = $4::jsonb, sha256 = $5 WHERE id = $1 RETURNING id"};
static const db_stmt STMT_FILE = {
    "report_make_file",
    "INSERT INTO report_files (report_id, format, bytes, sha256) VALUES ($1, $2, decode($3, 'hex'), $4) RETURNING id"};
/* One delivery per active destination of the report's agency that takes
 * its kind (the outbox that `thidua report deliver` drains); a report of
 * a schedule naming destinations goes to those only. */
static const db_stmt STMT_QUEUE = {
    "report_make_queue",
    "INSERT INTO report_deliveries (report_id, destination_id)"
    " SELECT r.id, d.id FROM reports r JOIN campaigns c ON c.id = r.campaign_id"
    " LEFT JOIN report_schedules s ON s.id = r.schedule_id"
    " JOIN report_destinations d ON d.agency_id = c.agency_id AND d.active AND r.kind = ANY (d.kinds)"
    " WHERE r.id = $1 AND (s.id IS NULL OR cardinality(s.destinations) = 0 OR d.id = ANY (s.destinations))"
    " ORDER BY d.id"};

static const char *num(arena *a, long long v)
{
    return arena_printf(a, "%lld", v);
}

const char *report_make_message(rm_rc rc)
{
    switch (rc) {
    case RM_CANON:
        return "Không chuẩn hóa được nội dung báo cáo.";
    case RM_DOC:
        return "Báo cáo thiếu dữ liệu để trình bày.";
    case RM_RENDER:
        return "Không trình bày được báo cáo.";
    case RM_NOT_FOUND:
        return "Không có phong trào này.";
    default:
        return "Lỗi máy chủ.";
    }
}

rm_rc report_make_figures(db *d, arena *a, long long campaign, const char *kind, const report_period *p,
                          const char **text)
{
    json_t *f = NULL;
    rf_rc rc = report_figures_generate(d, a, campaign, kind, p, &f);
    if (rc != RF_OK)
        return rc == RF_DB_ERROR ? RM_DB : rc == RF_NOT_FOUND ? RM_NOT_FOUND : RM_ERROR;
    char *t = jsontext_dumps(f, JSON_COMPACT);
    json_decref(f);
    if (!t)
        return RM_ERROR;
    *text = arena_strdup(a, t);
    free(t);
    return RM_OK;
}

rm_rc report_make_draft(db *d, arena *a, long long campaign, const char *kind, const report_period *p,
                        const char *replaces, long long user, long long schedule, long long *id)
{
    const char *figures = NULL;
    rm_rc rc = report_make_figures(d, a, campaign, kind, p, &figures);
    if (rc != RM_OK)
        return rc;
    const char *q[] = {num(a, campaign), kind,     p->as_of, p->period_from, p->period_to, figures, replaces,
                       num(a, user),     num(a, schedule)};
    db_result *r = db_run(d, &STMT_INSERT, 9, q);
    if (!r)
        return RM_DB;
    *id = db_int(r, 0, 0);
    db_free(r);
    return RM_OK;
}

rm_rc report_make_render(arena *a, const json_t *rep, const char *format, unsigned char **out, size_t *len)
{
    struct report_doc doc;
    if (report_render_doc(a, rep, &doc) != 0)
        return RM_DOC;
    char err[256] = "";
    enum report_rc rc = strcmp(format, "pdf") == 0 ? report_pdf_render(&doc, out, len, err, sizeof err)
                                                    : report_xlsx_render(&doc, NULL, out, len, err, sizeof err);
    if (rc != REPORT_OK) {
        log_error("report render (%s): %s", format, err);
        return RM_RENDER;
    }
    return RM_OK;
}

/* Renders rep as format and stores it with its digest. */
static rm_rc store_file(db *d, arena *a, const char *id, const json_t *rep, const char *format)
{
    unsigned char *bytes = NULL;
    size_t len = 0;
    rm_rc rc = report_make_render(a, rep, format, &bytes, &len);
    if (rc != RM_OK)
        return rc;
    unsigned char dg[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(dg, bytes, len);
    char digest[65];
    sodium_bin2hex(digest, sizeof digest, dg, sizeof dg);
    char *hex = arena_alloc(a, len * 2 + 1);
    sodium_bin2hex(hex, len * 2 + 1, bytes, len);
    free(bytes);
    const char *p[] = {id, format, hex, digest};
    db_result *r = db_run(d, &STMT_FILE, 4, p);
    if (!r)
        return RM_DB;
    db_free(r);
    return RM_OK;
}

rm_rc report_make_approve(db *d, arena *a, long long report, const char *number, long long user)
{
    const char *id = num(a, report), *by = num(a, user);
    const char *p[] = {id, number, by};
    db_result *r = db_run(d, &STMT_CONTENT, 3, p);
    if (!r)
        return RM_DB;
    json_t *content = db_rows(r) ? json_loads(db_value(r, 0, 0), 0, NULL) : NULL;
    db_free(r);
    char *canon = content ? jcs_dump(content, NULL) : NULL;
    char digest[65];
    if (!canon || jcs_sha256_hex(content, digest) != 0) {
        free(canon);
        json_decref(content);
        return RM_CANON;
    }
    const char *canon_text = arena_strdup(a, canon);
    free(canon);
    const char *pa[] = {id, number, by, canon_text, digest};
    r = db_run(d, &STMT_APPROVE, 5, pa);
    if (!r) {
        json_decref(content);
        return RM_DB;
    }
    db_free(r);
    json_object_set_new(content, "state", json_string("approved"));
    rm_rc rc = store_file(d, a, id, content, "pdf");
    if (rc == RM_OK)
        rc = store_file(d, a, id, content, "xlsx");
    json_decref(content);
    if (rc != RM_OK)
        return rc;
    const char *pq[] = {id};
    r = db_run(d, &STMT_QUEUE, 1, pq);
    if (!r)
        return RM_DB;
    db_free(r);
    return RM_OK;
}
