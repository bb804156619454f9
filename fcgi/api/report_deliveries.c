/* api/report_deliveries.c — GET /reports/{id}/deliveries (reports.md
 * "Delivery"): one row per destination the approval queued, with its
 * state (queued, sending, sent, failed), the attempts made, the last
 * answer and error, when it was acknowledged, and every attempt. Any role
 * of the report's agency reads it; another agency's report is a 404.
 * `thidua report deliver` (report_deliver.c) writes what it shows. */
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

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có báo cáo này.");
}

static const route_scope report_scope = {&STMT_SCOPE, "Không có báo cáo này.", false, NULL, SCOPE_NULL_AGENCY, NULL,
                                         NULL};

const route report_deliveries_routes[] = {
    {"GET", "/api/v1/reports/{id}/deliveries", get, ACCESS_READ, BODY_NONE,
     "Việc gửi báo cáo đã phê duyệt: mỗi nơi nhận một dòng (trạng thái, số lần thử, lỗi gần nhất, lúc nhận) và từng lần thử",
     NULL, 0, NULL, &report_scope},
    {0},
};
