/* api/certifications.c — the agency's certifications for a campaign's year
 * (an toàn về an ninh, trật tự; đơn vị học tập tốt): each decision is kept,
 * a refusal then a grant are two rows; the scorecard takes the latest.
 * The subject is the campaign's agency itself, so the rule of titles comes
 * down to this: the agency must not have been dissolved on or before
 * starts_on (else 422 naming agency_id); the decision is dated from
 * starts_on to closes_on like every decision of the campaign.
 * Recorded by the office, the director or an admin. */
#include "api/campaign_scope.h"
#include "api/resources.h"

static const char *const cert_kinds[] = {"security_order", "good_learning_unit", NULL};

static const field_def cert_fields[] = {
    {"kind", FT_ENUM, F_REQUIRED, 0, 0, cert_kinds,
     "security_order (an toàn về an ninh, trật tự) hoặc good_learning_unit (đơn vị học tập tốt)"},
    {"achieved", FT_BOOL, F_REQUIRED, 0, 0, NULL, "Đạt (true) hay không đạt (false)"},
    {"decided_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày quyết định, từ starts_on đến closes_on của phong trào"},
    {"decision_no", FT_STRING, F_NULLABLE, 0, 100, NULL, "Số quyết định"},
    {0},
};
enum { C_KIND, C_ACHIEVED, C_DECIDED, C_NO, C_COUNT };

#define CERT_JSON(x) \
    "json_build_object('id', " x ".id, 'campaign_id', " x ".campaign_id, 'kind', " x ".kind, 'achieved', " x ".achieved," \
    " 'decided_on', " x ".decided_on, 'decision_no', " x ".decision_no)"

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"kind", FT_ENUM, 0, 0, 0, cert_kinds, "Chỉ quyết định loại này"},
    {0},
};
enum { Q_KIND = API_Q_FIRST };

static const db_stmt STMT_LIST = {
    "certifications_list",
    API_LIST_OF_CAMPAIGN("SELECT * FROM certifications WHERE campaign_id = $3 AND ($4::text IS NULL OR kind = $4)",
                         CERT_JSON("p"), "decided_on, id")};
static const db_stmt STMT_GET = {
    "certifications_get", "SELECT " CERT_JSON("x") " FROM certifications x WHERE x.id = $1"};
static const db_stmt STMT_INSERT = {
    "certifications_insert",
    "INSERT INTO certifications (campaign_id, kind, achieved, decided_on, decision_no) VALUES ($1, $2, $3, $4, $5)"
    " RETURNING id, " CERT_JSON("certifications")};

static void list(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0]), api_query(req, Q_KIND)};
    api_list(req, res, &STMT_LIST, 2, p, "Không có phong trào này.");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có quyết định công nhận này.");
}

static void create(request *req, response *res)
{
    field_val v[C_COUNT];
    campaign_ref c;
    if (api_body(req, res, cert_fields, v, false) != 0 || scope_campaign(req, res, req->path_ids[0], &c) != 0)
        return;
    subject_ref agency = {"unit", api_itoa(req, c.agency_id), 0, false, false};
    if (scope_subjects(req, res, &c, false, &agency, 1) != 0)
        return;
    json_t *errors = json_array();
    scope_subject_error(req, errors, "agency_id", 0, &agency, true);
    scope_date_within(req, errors, "decided_on", 0, v[C_DECIDED].s, c.starts_on, c.closes_on);
    if (scope_errors(res, errors, NULL) != 0)
        return;
    const char *p[] = {api_itoa(req, c.id), v[C_KIND].s, v[C_ACHIEVED].s, v[C_DECIDED].s, v[C_NO].s};
    scope_insert_201(req, res, &STMT_INSERT, 5, p, "/api/v1/certifications/%lld");
}

static const db_stmt STMT_SCOPE = SCOPE_VIA_CAMPAIGN("certifications_scope", "certifications");
static const route_scope certifications_scope = {&STMT_SCOPE, "Không có quyết định công nhận này.", false, NULL, SCOPE_NULL_AGENCY, NULL, NULL};

const route certifications_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/certifications", list, ACCESS_READ, BODY_NONE,
     "Quyết định công nhận (an ninh trật tự, đơn vị học tập tốt)", NULL, ROUTE_REPLICA_OK, list_query, &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/certifications", create, ACCESS_DECIDE, BODY_JSON,
     "Ghi một quyết định công nhận (mỗi lần một quyết định mới)", cert_fields, 0, NULL, &scope_in_campaign},
    {"GET", "/api/v1/certifications/{id}", get, ACCESS_READ, BODY_NONE, "Một quyết định công nhận", NULL, ROUTE_REPLICA_OK, NULL, &certifications_scope},
    {0},
};
