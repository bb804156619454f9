/* api/report_destinations.c — where an agency's approved reports go
 * (reports.md "Delivery"): an HTTPS receiver (deploy/reports.md) or an
 * e-mail address, for some kinds of report. Written and read by the
 * agency's admin and the installation admin, confined to the agency. An
 * approval queues one delivery per active destination of its kind; a
 * destination that has deliveries is not deleted (409) but made inactive
 * (new approvals skip it, deliveries already queued still go).
 * `thidua report deliver` reads the url or address at each attempt, so a
 * correction applies to deliveries still waiting. */
#include <curl/curl.h>

#include "api/campaign_scope.h"
#include "api/resources.h"

static const char *const channels[] = {"https", "email", NULL};
static const char *const report_kinds[] = {"mid_year", "year_end", "award_statistics", NULL};

static const field_def destination_fields[] = {
    {"agency_id", FT_ID, F_NULLABLE, 0, 0, NULL,
     "Cơ quan gửi báo cáo; không gửi = cơ quan của người dùng (quản trị viên hệ thống phải nêu)"},
    {"name", FT_STRING, F_REQUIRED, 1, 200, NULL, "Tên nơi nhận (ví dụ Khối thi đua các cơ quan Đảng, chính quyền)"},
    {"channel", FT_ENUM, F_REQUIRED, 0, 0, channels, "https (máy nhận theo deploy/reports.md) hoặc email"},
    {"url", FT_STRING, F_NULLABLE, 0, 2000, NULL, "Địa chỉ https:// của máy nhận (khi channel là https)"},
    {"address", FT_STRING, F_NULLABLE, 0, 254, NULL, "Địa chỉ thư điện tử nhận báo cáo (khi channel là email)"},
    {"kinds", FT_JSON, F_NULLABLE, 0, 0, NULL,
     "Các loại báo cáo gửi đến đây: mảng con của [\"mid_year\",\"year_end\",\"award_statistics\"]; không gửi = cả ba"},
    {"active", FT_BOOL, F_NULLABLE, 0, 0, NULL, "Còn nhận báo cáo mới được phê duyệt (mặc định true)"},
    {0},
};
enum { D_AGENCY, D_NAME, D_CHANNEL, D_URL, D_ADDRESS, D_KINDS, D_ACTIVE, D_COUNT };

#define DESTINATION_JSON(d)                                                                                  \
    "json_build_object('id', " d ".id, 'agency_id', " d ".agency_id, 'name', " d ".name, 'channel', " d \
    ".channel, 'url', " d ".url, 'address', " d ".address, 'kinds', to_json(" d ".kinds), 'active', " d ".active)"

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"agency_id", FT_ID, 0, 0, 0, NULL, "Chỉ nơi nhận của cơ quan này"},
    {0},
};
enum { Q_AGENCY = API_Q_FIRST };

static const db_stmt STMT_LIST = {
    "report_destinations_list",
    API_LIST_SQL("SELECT * FROM report_destinations WHERE ($3::bigint IS NULL OR agency_id = $3)"
                 " AND ($4::bigint IS NULL OR agency_id = $4)",
                 DESTINATION_JSON("p"), "agency_id, id")};
static const db_stmt STMT_GET = {
    "report_destinations_get", "SELECT " DESTINATION_JSON("d") " FROM report_destinations d WHERE d.id = $1"};
static const db_stmt STMT_AGENCY = {"report_destinations_agency", "SELECT 1 FROM units WHERE id = $1 AND kind = 'agency'"};
static const db_stmt STMT_INSERT = {
    "report_destinations_insert",
    "INSERT INTO report_destinations (agency_id, name, channel, url, address, kinds, active)"
    " VALUES ($1, $2, $3, $4, $5, ARRAY(SELECT json_array_elements_text($6::json)), $7)"
    " RETURNING id, " DESTINATION_JSON("report_destinations")};
static const db_stmt STMT_LOCK = {
    "report_destinations_lock",
    "SELECT " DESTINATION_JSON("d") " FROM report_destinations d WHERE d.id = $1 FOR UPDATE"};
static const db_stmt STMT_UPDATE = {
    "report_destinations_update",
    "UPDATE report_destinations SET name = $2, channel = $3, url = $4, address = $5,"
    " kinds = ARRAY(SELECT json_array_elements_text($6::json)), active = $7 WHERE id = $1"
    " RETURNING " DESTINATION_JSON("report_destinations")};
static const db_stmt STMT_DELETE = {"report_destinations_delete", "DELETE FROM report_destinations WHERE id = $1"};
static const db_stmt STMT_SCOPE = {"report_destinations_scope",
                                   "SELECT agency_id, NULL::bigint FROM report_destinations WHERE id = $1"};

static const char *const NOT_FOUND = "Không có nơi nhận báo cáo này.";

/* Is s an e-mail address we send to: a local part of printable ASCII
 * without spaces, quotes or brackets, '@', and a host name of at least
 * two labels of letters, digits and hyphens (not at a label's ends)? */
static bool address_ok(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@') || at - s > 64)
        return false;
    for (const char *p = s; p < at; p++)
        if (*p <= 0x20 || *p >= 0x7f || strchr("\"(),:;<>[\\]", *p))
            return false;
    const char *h = at + 1;
    int labels = 0;
    size_t len = 0;
    for (const char *p = h;; p++) {
        if (*p == '.' || *p == '\0') {
            if (len == 0 || len > 63 || p[-1] == '-')
                return false;
            labels++;
            len = 0;
            if (*p == '\0')
                break;
            continue;
        }
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-';
        if (!ok || (len == 0 && *p == '-'))
            return false;
        len++;
    }
    return labels >= 2;
}

/* Is s an https:// URL with a host, as libcurl parses it? */
static bool url_ok(const char *s)
{
    if (strncmp(s, "https://", 8) != 0)
        return false;
    CURLU *u = curl_url();
    bool ok = false;
    if (u && curl_url_set(u, CURLUPART_URL, s, 0) == CURLUE_OK) {
        char *host = NULL;
        ok = curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host && host[0];
        curl_free(host);
        char *user = NULL;
        if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK)
            ok = false; /* no credentials in the URL: they would be logged */
        curl_free(user);
    }
    curl_url_cleanup(u);
    return ok;
}

/* The rules across fields; kinds made the JSON text the statements take
 * (*kinds). 0, or -1 with a 422 naming every bad field. */
static int check(request *req, response *res, field_val *v, const char **kinds)
{
    json_t *errors = json_array();
    bool https = strcmp(v[D_CHANNEL].s, "https") == 0;
    if (https) {
        if (v[D_URL].null)
            fields_error(errors, "url", "Nơi nhận qua HTTPS cần địa chỉ url.", 0);
        else if (!url_ok(v[D_URL].s))
            fields_error(errors, "url", "url phải là một địa chỉ https:// có tên máy (không chứa tên đăng nhập).", 0);
        if (!v[D_ADDRESS].null)
            fields_error(errors, "address", "Nơi nhận qua HTTPS không có địa chỉ thư (address phải là null).", 0);
    } else {
        if (v[D_ADDRESS].null)
            fields_error(errors, "address", "Nơi nhận qua thư điện tử cần địa chỉ address.", 0);
        else if (!address_ok(v[D_ADDRESS].s))
            fields_error(errors, "address", "Địa chỉ thư điện tử không hợp lệ (dạng ten@co-quan.gov.vn).", 0);
        if (!v[D_URL].null)
            fields_error(errors, "url", "Nơi nhận qua thư điện tử không có url (url phải là null).", 0);
    }
    json_t *list = json_array();
    if (v[D_KINDS].null) {
        for (int i = 0; report_kinds[i]; i++)
            json_array_append_new(list, json_string(report_kinds[i]));
    } else if (!json_is_array(v[D_KINDS].j) || json_array_size(v[D_KINDS].j) == 0) {
        fields_error(errors, "kinds", "kinds phải là một mảng khác rỗng các loại báo cáo.", 0);
    } else {
        size_t i;
        json_t *k;
        json_array_foreach(v[D_KINDS].j, i, k) {
            const char *s = json_string_value(k);
            bool known = false;
            for (int j = 0; s && report_kinds[j]; j++)
                known = known || strcmp(s, report_kinds[j]) == 0;
            bool repeated = false;
            for (size_t j = 0; known && j < i; j++)
                repeated = repeated || json_equal(json_array_get(v[D_KINDS].j, j), k);
            if (!known) {
                fields_error(errors, arena_printf(req->mem, "kinds[%zu]", i),
                             "Loại báo cáo phải là mid_year, year_end hoặc award_statistics.", 0);
            } else if (repeated) {
                fields_error(errors, arena_printf(req->mem, "kinds[%zu]", i), "Loại báo cáo bị lặp.", 0);
            } else {
                json_array_append(list, k);
            }
        }
    }
    *kinds = scope_json_text(req, list);
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return 0;
    }
    http_problem_errors(res, 422, "Nơi nhận báo cáo không hợp lệ.", errors);
    return -1;
}

static void list(request *req, response *res)
{
    const char *p[] = {api_query(req, Q_AGENCY), auth_agency_param(req)};
    api_list(req, res, &STMT_LIST, 2, p, "");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, NOT_FOUND);
}

static void create(request *req, response *res)
{
    field_val v[D_COUNT];
    const char *kinds = NULL;
    if (api_body(req, res, destination_fields, v, false) != 0 || check(req, res, v, &kinds) != 0)
        return;
    /* Whose: the body's agency (the route's scope has checked that the
     * user reaches it), else the user's own. */
    const char *agency = v[D_AGENCY].null ? (req->user->agency_id ? api_itoa(req, req->user->agency_id) : NULL)
                                          : v[D_AGENCY].s;
    if (!agency) {
        http_field_error(res, 422, "agency_id", "Hãy nêu cơ quan (agency_id) của nơi nhận.");
        return;
    }
    const char *ap[] = {agency};
    db_result *r = db_run(req->db, &STMT_AGENCY, 1, ap);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    int found = db_rows(r);
    db_free(r);
    if (!found) {
        http_field_error(res, 422, "agency_id", "Không có cơ quan (đơn vị loại agency) này.");
        return;
    }
    const char *p[] = {agency, v[D_NAME].s, v[D_CHANNEL].s, v[D_URL].s, v[D_ADDRESS].s, kinds,
                       v[D_ACTIVE].null ? "true" : v[D_ACTIVE].s};
    if (api_begin(req, res) != 0)
        return;
    api_write_commit(req, res, &STMT_INSERT, 7, p, "/api/v1/report-destinations/%lld");
}

static void change(request *req, response *res)
{
    if (api_begin(req, res) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, id, NOT_FOUND);
    if (!cur)
        return;
    field_val v[D_COUNT];
    int bad = api_patch_merge(req, res, destination_fields, db_value(cur, 0, 0), v);
    json_t *was = json_loads(db_value(cur, 0, 0), 0, NULL);
    long long agency = json_integer_value(json_object_get(was, "agency_id"));
    json_decref(was);
    db_free(cur);
    if (!bad && v[D_AGENCY].i != agency) {
        http_field_error(res, 422, "agency_id", "Không được chuyển nơi nhận sang cơ quan khác.");
        bad = -1;
    }
    const char *kinds = NULL;
    if (bad || check(req, res, v, &kinds) != 0) {
        db_rollback(req->db);
        return;
    }
    const char *p[] = {id, v[D_NAME].s, v[D_CHANNEL].s, v[D_URL].s, v[D_ADDRESS].s, kinds,
                       v[D_ACTIVE].null ? "true" : v[D_ACTIVE].s};
    api_write_commit(req, res, &STMT_UPDATE, 7, p, NULL);
}

static void remove_destination(request *req, response *res)
{
    if (api_begin(req, res) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, id, NOT_FOUND);
    if (!cur)
        return;
    db_free(cur);
    const char *p[] = {id};
    db_result *r = db_run(req->db, &STMT_DELETE, 1, p);
    if (!r) {
        /* deliveries refer to it: api_db_error's 409 */
        api_db_error(req, res);
        return;
    }
    db_free(r);
    if (api_commit(req, res) == 0)
        http_empty(res, 204);
}

static const route_scope list_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, NULL, "agency_id"};
static const route_scope create_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, "agency_id", NULL};
static const route_scope object_scope_ = {&STMT_SCOPE, "Không có nơi nhận báo cáo này.", false, NULL,
                                          SCOPE_NULL_AGENCY, NULL, NULL};

const route report_destinations_routes[] = {
    {"GET", "/api/v1/report-destinations", list, ACCESS_ADMIN, BODY_NONE,
     "Nơi nhận báo cáo của cơ quan (HTTPS hoặc thư điện tử)", NULL, ROUTE_REPLICA_OK, list_query, &list_scope},
    {"POST", "/api/v1/report-destinations", create, ACCESS_ADMIN, BODY_JSON,
     "Thêm nơi nhận báo cáo (url https:// hoặc địa chỉ thư, các loại báo cáo gửi đến)", destination_fields, 0, NULL,
     &create_scope},
    {"GET", "/api/v1/report-destinations/{id}", get, ACCESS_ADMIN, BODY_NONE, "Một nơi nhận báo cáo", NULL, ROUTE_REPLICA_OK, NULL,
     &object_scope_},
    {"PATCH", "/api/v1/report-destinations/{id}", change, ACCESS_ADMIN, BODY_JSON,
     "Sửa nơi nhận báo cáo (active=false: không nhận báo cáo mới được phê duyệt)", destination_fields, 0, NULL,
     &object_scope_},
    {"DELETE", "/api/v1/report-destinations/{id}", remove_destination, ACCESS_ADMIN, BODY_NONE,
     "Xóa nơi nhận chưa từng được gửi báo cáo (đã gửi thì 409: hãy đặt active=false)", NULL, 0, NULL, &object_scope_},
    {0},
};
