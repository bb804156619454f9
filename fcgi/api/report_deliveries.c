/* api/report_deliveries.c — GET /reports/{id}/deliveries (reports.md
 * "Delivery"): one row per destination the approval queued, with its
 * state (queued, sending, sent, failed), the attempts made, the last
 * answer and error, when it was acknowledged, and every attempt. Any role
 * of the report's agency reads it; another agency's report is a 404.
 * `thidua report deliver` (report_deliver.c) writes what it shows.
 * POST /report-deliveries/{id}/retry queues a failed delivery again (same
 * idempotency key and Message-ID, attempts from 0): the report goes back
 * from delivery_failed to approved when no other delivery of it failed. */
#include "api/campaign_scope.h"
#include "api/resources.h"

static const db_stmt STMT_SCOPE = SCOPE_VIA_CAMPAIGN("report_deliveries_scope", "reports");
static const db_stmt STMT_GET = {
    "report_deliveries_get",
    "SELECT json_build_object('report_id', r.id, 'state', r.state, 'number', r.number, 'items', coalesce((SELECT"
    "  json_agg(json_build_object('id', d.id, 'destination', json_build_object('id', t.id, 'name', t.name,"
    "    'channel', t.channel, 'url', t.url, 'address', t.address),"
    "   'state', d.state, 'attempts', d.attempts, 'last_status', d.last_status, 'last_error', d.last_error,"
    "   'acknowledged_at', d.acknowledged_at, 'next_attempt_at', CASE WHEN d.state = 'queued' THEN d.next_attempt_at END,"
    "   'message_id', d.message_id, 'idempotency_key', d.idempotency_key, 'queued_at', d.created_at,"
    "   'attempt_history', coalesce((SELECT json_agg(json_build_object('at', a.at, 'ok', a.ok, 'status', a.status,"
    "      'error', a.error) ORDER BY a.id) FROM report_delivery_attempts a WHERE a.delivery_id = d.id), '[]'::json))"
    "   ORDER BY t.name, d.id)"
    "  FROM report_deliveries d JOIN report_destinations t ON t.id = d.destination_id WHERE d.report_id = r.id),"
    "  '[]'::json))"
    " FROM reports r WHERE r.id = $1"};

static const db_stmt STMT_DELIVERY_SCOPE = {
    "report_deliveries_delivery_scope",
    "SELECT c.agency_id, NULL::bigint FROM report_deliveries d JOIN reports r ON r.id = d.report_id"
    " JOIN campaigns c ON c.id = r.campaign_id WHERE d.id = $1"};
/* The report first (as the deliverer does), so that its state is computed
 * from every delivery's latest. */
static const db_stmt STMT_LOCK = {
    "report_deliveries_lock",
    "SELECT d.report_id, d.state FROM reports r JOIN report_deliveries d ON d.report_id = r.id WHERE d.id = $1"
    " FOR UPDATE OF r, d"};
static const db_stmt STMT_RETRY = {
    "report_deliveries_retry",
    "UPDATE report_deliveries SET state = 'queued', attempts = 0, next_attempt_at = now()"
    " WHERE id = $1 AND state = 'failed'"};
static const db_stmt STMT_REPORT_STATE = {
    "report_deliveries_report_state",
    "UPDATE reports r SET state = CASE WHEN EXISTS (SELECT 1 FROM report_deliveries WHERE report_id = r.id"
    "   AND state = 'failed') THEN 'delivery_failed' ELSE 'approved' END"
    " WHERE r.id = $1 AND r.state = 'delivery_failed'"};

static void retry(request *req, response *res)
{
    if (api_begin(req, res) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, id, "Không có lần gửi báo cáo này.");
    if (!cur)
        return;
    const char *report = arena_strdup(req->mem, db_value(cur, 0, 0));
    const char *state = arena_strdup(req->mem, db_value(cur, 0, 1));
    db_free(cur);
    if (strcmp(state, "failed") != 0) {
        db_rollback(req->db);
        http_problem(res, 409,
                     arena_printf(req->mem, "Lần gửi đang ở trạng thái %s: chỉ gửi lại lần gửi đã thất bại (failed).", state));
        return;
    }
    const char *p[] = {id}, *rp[] = {report};
    db_result *r = db_run(req->db, &STMT_RETRY, 1, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    db_free(r);
    r = db_run(req->db, &STMT_REPORT_STATE, 1, rp);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    db_free(r);
    api_write_commit(req, res, &STMT_GET, 1, rp, NULL);
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có báo cáo này.");
}

static const route_scope report_scope = {&STMT_SCOPE, "Không có báo cáo này.", false, NULL, SCOPE_NULL_AGENCY, NULL,
                                         NULL};

static const route_scope delivery_scope = {&STMT_DELIVERY_SCOPE, "Không có lần gửi báo cáo này.", false, NULL,
                                           SCOPE_NULL_AGENCY, NULL, NULL};

const route report_deliveries_routes[] = {
    {"GET", "/api/v1/reports/{id}/deliveries", get, ACCESS_READ, BODY_NONE,
     "Việc gửi báo cáo đã phê duyệt: mỗi nơi nhận một dòng (trạng thái, số lần thử, lỗi gần nhất, lúc nhận) và từng lần thử",
     NULL, ROUTE_REPLICA_OK, NULL, &report_scope},
    {"POST", "/api/v1/report-deliveries/{id}/retry", retry, ACCESS_DECIDE, BODY_NONE,
     "Gửi lại một lần gửi báo cáo đã thất bại (cùng khóa, cùng Message-ID); trả lời như GET /reports/{id}/deliveries",
     NULL, 0, NULL, &delivery_scope},
    {0},
};
