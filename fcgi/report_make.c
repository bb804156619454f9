/* report_make.c — making and approving reports (report_make.h). */
#include "report_make.h"

#include <sodium.h>
#include <stdbool.h>
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
    " schedule_id, award_refs)"
    " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, nullif($8::bigint, 0), nullif($9::bigint, 0), $10::text[])"
    " RETURNING id"};
/* The content as it is frozen: the report with its number, the approval's
 * instant (the transaction's), the approver's name and the date of issue
 * ($4, NULL: today in Vietnam). */
static const db_stmt STMT_CONTENT = {
    "report_make_content",
    "SELECT (" REPORT_OBJ("r") " || jsonb_build_object('number', $2::text, 'approved_at', " REPORT_UTC("now()") ","
    " 'approved_by', (SELECT coalesce(u.full_name, u.username) FROM users u WHERE u.id = $3::bigint),"
    " 'dated', coalesce($4::date, " REPORT_TODAY ")))::text, coalesce($4::date, " REPORT_TODAY ")::text"
    " FROM reports r WHERE r.id = $1"};
static const db_stmt STMT_APPROVE = {
    "report_make_approve",
    "UPDATE reports SET state = 'approved', number = $2, approved_by = nullif($3::bigint, 0), approved_at = now(),"
    " content = $4::jsonb, sha256 = $5, dated = $6::date WHERE id = $1 RETURNING id"};
/* report_files_ensure: one renderer per report at a time (the advisory
 * lock of the transaction; its key: a constant and the id), a file stored
 * once (the UNIQUE (report_id, format) of 0015). */
static const db_stmt STMT_FILES_HAVE = {
    "report_files_have", "SELECT format, length(bytes) FROM report_files WHERE report_id = $1"};
static const db_stmt STMT_FILES_LOCK = {
    "report_files_lock", "SELECT pg_advisory_xact_lock(1919251302, ($1::bigint % 2147483647)::int)"};
static const db_stmt STMT_FILES_CONTENT = {
    "report_files_content", "SELECT content::text FROM reports WHERE id = $1 AND state <> 'draft'"};
static const db_stmt STMT_FILE = {
    "report_make_file",
    "INSERT INTO report_files (report_id, format, bytes, sha256) VALUES ($1, $2, decode($3, 'hex'), $4)"
    " ON CONFLICT (report_id, format) DO NOTHING RETURNING id"};
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
                          const char **text, const char **refs)
{
    json_t *f = NULL;
    rf_rc rc = report_figures_generate(d, a, campaign, kind, p, &f, refs);
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
    const char *figures = NULL, *refs = NULL;
    rm_rc rc = report_make_figures(d, a, campaign, kind, p, &figures, &refs);
    if (rc != RM_OK)
        return rc;
    const char *q[] = {num(a, campaign), kind,     p->as_of,         p->period_from, p->period_to, figures, replaces,
                       num(a, user),     num(a, schedule), refs};
    db_result *r = db_run(d, &STMT_INSERT, 10, q);
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

/* Renders rep as format and stores it with its digest (unless stored
 * already: nothing then). */
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
    char *hex = malloc(len * 2 + 1);
    if (!hex) {
        free(bytes);
        return RM_ERROR;
    }
    sodium_bin2hex(hex, len * 2 + 1, bytes, len);
    free(bytes);
    const char *p[] = {id, format, hex, digest};
    db_result *r = db_run(d, &STMT_FILE, 4, p);
    free(hex);
    if (!r)
        return RM_DB;
    db_free(r);
    return RM_OK;
}

/* Which of the two files report id has (and their lengths). 0, or -1 on a
 * database error. */
static int files_have(db *d, const char *id, long long *pdf, long long *xlsx)
{
    *pdf = *xlsx = -1;
    const char *p[] = {id};
    db_result *r = db_run(d, &STMT_FILES_HAVE, 1, p);
    if (!r)
        return -1;
    for (int i = 0; i < db_rows(r); i++) {
        if (strcmp(db_value(r, i, 0), "pdf") == 0)
            *pdf = db_int(r, i, 1);
        else if (strcmp(db_value(r, i, 0), "xlsx") == 0)
            *xlsx = db_int(r, i, 1);
    }
    db_free(r);
    return 0;
}

rm_rc report_files_ensure(db *d, long long report, long long *pdf_len, long long *xlsx_len)
{
    arena mem = {0}, *a = &mem;
    const char *id = num(a, report);
    const char *p[] = {id};
    long long pdf = -1, xlsx = -1;
    rm_rc rc = RM_OK;
    bool in_tx = false;
    db_result *r = NULL;
    json_t *content = NULL;
    if (files_have(d, id, &pdf, &xlsx) != 0)
        goto db_failed;
    if (pdf >= 0 && xlsx >= 0)
        goto out;
    if (db_begin(d, 0) != 0)
        goto db_failed;
    in_tx = true;
    if (!(r = db_run(d, &STMT_FILES_LOCK, 1, p)))
        goto db_failed;
    db_free(r);
    /* Another renderer may have stored them while this one waited. */
    if (files_have(d, id, &pdf, &xlsx) != 0)
        goto db_failed;
    if (pdf < 0 || xlsx < 0) {
        if (!(r = db_run(d, &STMT_FILES_CONTENT, 1, p)))
            goto db_failed;
        bool found = db_rows(r) > 0;
        content = found ? json_loads(db_value(r, 0, 0), 0, NULL) : NULL;
        db_free(r);
        if (!content) {
            rc = found ? RM_CANON : RM_NOT_FOUND;
            goto failed;
        }
        /* As the approval rendered it before 0019: the content, approved. */
        json_object_set_new(content, "state", json_string("approved"));
        if (pdf < 0 && (rc = store_file(d, a, id, content, "pdf")) != RM_OK)
            goto failed;
        if (xlsx < 0 && (rc = store_file(d, a, id, content, "xlsx")) != RM_OK)
            goto failed;
        if (files_have(d, id, &pdf, &xlsx) != 0)
            goto db_failed;
    }
    if (db_commit(d) != 0)
        goto db_failed;
    in_tx = false;
    goto out;
db_failed:
    rc = RM_DB;
failed:
    if (in_tx)
        db_rollback(d);
    pdf = xlsx = -1;
out:
    json_decref(content);
    if (pdf_len)
        *pdf_len = pdf;
    if (xlsx_len)
        *xlsx_len = xlsx;
    arena_free(a);
    return rc;
}

rm_rc report_make_approve(db *d, arena *a, long long report, const char *number, long long user)
{
    return report_make_approve_dated(d, a, report, number, user, NULL);
}

rm_rc report_make_approve_dated(db *d, arena *a, long long report, const char *number, long long user,
                                const char *dated)
{
    const char *id = num(a, report), *by = num(a, user);
    const char *p[] = {id, number, by, dated};
    db_result *r = db_run(d, &STMT_CONTENT, 4, p);
    if (!r)
        return RM_DB;
    json_t *content = db_rows(r) ? json_loads(db_value(r, 0, 0), 0, NULL) : NULL;
    const char *day = db_rows(r) ? arena_strdup(a, db_value(r, 0, 1)) : NULL;
    db_free(r);
    size_t canon_len = 0;
    char *canon = content ? jcs_dump(content, &canon_len) : NULL;
    json_decref(content);
    if (!canon)
        return RM_CANON;
    /* The digest of the canonical text (jcs_sha256_hex's, without making
     * the text twice). */
    unsigned char dg[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(dg, (const unsigned char *)canon, canon_len);
    char digest[65];
    sodium_bin2hex(digest, sizeof digest, dg, sizeof dg);
    const char *canon_text = arena_strdup(a, canon);
    free(canon);
    const char *pa[] = {id, number, by, canon_text, digest, day};
    r = db_run(d, &STMT_APPROVE, 6, pa);
    if (!r)
        return RM_DB;
    db_free(r);
    /* Nothing is rendered here: the PDF and the workbook are a function of
     * the frozen content, rendered and stored by whoever needs them first
     * (report_files_ensure). */
    const char *pq[] = {id};
    r = db_run(d, &STMT_QUEUE, 1, pq);
    if (!r)
        return RM_DB;
    db_free(r);
    return RM_OK;
}
