/* Report delivery over HTTPS (reports.md "Delivery", deploy/reports.md)
 * and the routes around it: /report-destinations (admin, agency-confined,
 * url https only, address checked, 422 naming the field) and GET
 * /reports/{id}/deliveries. `thidua report deliver` posts the report's
 * JSON, PDF and XLSX as one signed multipart body to the stand-in
 * receiver (tests/portal/standin.c) behind nginx terminating TLS with a
 * CA made for this run; a lost acknowledgement sends the same bytes again
 * and the receiver stores nothing twice; Retry-After is honoured; a 4xx
 * gives up and the report is delivery_failed; a wrong CA sends nothing;
 * three deliverers at once send each delivery once; a deliverer killed
 * mid-send leaves its attempt in the history, closed as interrupted when
 * the delivery is attempted again. */
#include "client.h"
#include "push_support.h"
#include "test_report_delivery.h"

#define TLS_PORT ps_port(2)
#define PORTAL_PORT ps_port(3)
#define CONTROL_PORT ps_port(4)

static ps_world W;
/* another agency: its admin and director */
static struct {
    char code[64];
    long long agency;
    char *admin, *director;
} OTHER;
static ps_portal P;
static const char *dir;
static pid_t nginx_pid;
static char url[256];

static void start_nginx(void)
{
    char conf[1100], text[4096];
    snprintf(conf, sizeof conf, "%s/nginx.conf", dir);
    snprintf(text, sizeof text,
             "daemon off;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/nginx-error.log warn;\n"
             "events { worker_connections 64; }\n"
             "http {\n  access_log %s/nginx-access.log;\n  client_max_body_size 100m;\n"
             "  client_body_temp_path %s/tmp-body; proxy_temp_path %s/tmp-proxy; fastcgi_temp_path %s/tmp-fcgi;\n"
             "  uwsgi_temp_path %s/tmp-uwsgi; scgi_temp_path %s/tmp-scgi;\n"
             "  server {\n    listen 127.0.0.1:%d ssl;\n    ssl_certificate %s/server.crt;\n"
             "    ssl_certificate_key %s/server.key;\n"
             "    location / { proxy_pass http://127.0.0.1:%d; proxy_read_timeout 60s; }\n  }\n}\n",
             dir, dir, dir, dir, dir, dir, dir, dir, TLS_PORT, dir, dir, PORTAL_PORT);
    ps_write_file(conf, text);
    char prefix[1100], log[1100], errlog[1100];
    snprintf(prefix, sizeof prefix, "%s/", dir);
    snprintf(log, sizeof log, "%s/nginx.out", dir);
    snprintf(errlog, sizeof errlog, "%s/nginx-error.log", dir);
    char *argv[] = {"/usr/sbin/nginx", "-p", prefix, "-c", conf, "-e", errlog, NULL};
    nginx_pid = ps_spawn(argv, log);
    for (int i = 0; i < 100; i++) {
        char full[400];
        snprintf(full, sizeof full, "bash -c 'exec 3<>/dev/tcp/127.0.0.1/%d' 2>/dev/null", TLS_PORT);
        if (system(full) == 0)
            return;
        ps_sleep_ms(100);
    }
    fail_msg("nginx did not start (see %s)", errlog);
}

static int group_setup(void **state)
{
    (void)state;
    ps_world_make(&W, "rdel");
    OTHER.agency = t_make_agency(W.admin, "RDO", OTHER.code, sizeof OTHER.code);
    OTHER.admin = t_user("rdel_other_admin", "admin", NULL, OTHER.code);
    OTHER.director = t_user("rdel_other_director", "director", NULL, OTHER.code);
    dir = ps_dir("report-https");
    rd_certificates(dir);
    ps_portal_start(&P, dir, PORTAL_PORT, CONTROL_PORT);
    start_nginx();
    snprintf(url, sizeof url, "https://127.0.0.1:%d/api/thidua/reports", TLS_PORT);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (nginx_pid > 0)
        ps_stop(nginx_pid);
    ps_kill_all();
    ps_world_free(&W);
    free(OTHER.admin);
    free(OTHER.director);
    return 0;
}

static const char *config(const char *name, const char *ca)
{
    char extra[1400];
    snprintf(extra, sizeof extra, "report_ca_file = %s/%s\nreport_secret_file = %s\n", dir, ca, P.secret_file);
    return rd_config(dir, name, extra);
}

/* ------------------------------------------------------------ the routes */

static void destinations_validated_and_confined(void **state)
{
    (void)state;
    char *agency_admin = t_user("rdel_agency_admin", "admin", NULL, W.agency_code);
    /* an agency admin: its own agency by default */
    t_resp *r = t_post("/api/v1/report-destinations", agency_admin,
                       "{\"name\":\"Khối thi đua các Sở, ngành\",\"channel\":\"https\","
                       "\"url\":\"https://khoi.example.gov.vn/api/thidua/reports\",\"kinds\":[\"mid_year\",\"year_end\"]}");
    t_assert_status(r, 201);
    long long https_id = t_json_int(r->json, "id");
    assert_int_equal(t_json_int(r->json, "agency_id"), W.agency);
    assert_int_equal(json_array_size(json_object_get(r->json, "kinds")), 2);
    assert_true(json_is_true(json_object_get(r->json, "active")));
    assert_true(json_is_null(json_object_get(r->json, "address")));
    assert_non_null(t_header(r, "Location"));
    t_free(r);
    /* e-mail, all kinds by default */
    r = t_post("/api/v1/report-destinations", agency_admin,
               "{\"name\":\"Văn phòng Khối\",\"channel\":\"email\",\"address\":\"van-thu@khoi.example.gov.vn\"}");
    t_assert_status(r, 201);
    long long mail_id = t_json_int(r->json, "id");
    assert_int_equal(json_array_size(json_object_get(r->json, "kinds")), 3);
    t_free(r);
    /* bad input: each field named */
    const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"name\":\"X\",\"channel\":\"https\",\"url\":\"http://khoi.example.gov.vn/r\"}", "url"},
        {"{\"name\":\"X\",\"channel\":\"https\",\"url\":\"https://\"}", "url"},
        {"{\"name\":\"X\",\"channel\":\"https\",\"url\":\"https://u:p@khoi.example.gov.vn/\"}", "url"},
        {"{\"name\":\"X\",\"channel\":\"https\"}", "url"},
        {"{\"name\":\"X\",\"channel\":\"https\",\"url\":\"https://a.example/\",\"address\":\"a@b.vn\"}", "address"},
        {"{\"name\":\"X\",\"channel\":\"email\",\"address\":\"van thu@khoi.gov.vn\"}", "address"},
        {"{\"name\":\"X\",\"channel\":\"email\",\"address\":\"van-thu@localhost\"}", "address"},
        {"{\"name\":\"X\",\"channel\":\"email\",\"address\":\"van-thu@-khoi.gov.vn\"}", "address"},
        {"{\"name\":\"X\",\"channel\":\"email\"}", "address"},
        {"{\"name\":\"X\",\"channel\":\"email\",\"address\":\"a@b.vn\",\"url\":\"https://a.example/\"}", "url"},
        {"{\"name\":\"X\",\"channel\":\"email\",\"address\":\"a@b.vn\",\"kinds\":[\"mid_year\",\"quarterly\"]}", "kinds[1]"},
        {"{\"name\":\"X\",\"channel\":\"email\",\"address\":\"a@b.vn\",\"kinds\":[\"year_end\",\"year_end\"]}", "kinds[1]"},
        {"{\"name\":\"X\",\"channel\":\"email\",\"address\":\"a@b.vn\",\"kinds\":[]}", "kinds"},
        {"{\"name\":\"X\",\"channel\":\"fax\",\"address\":\"a@b.vn\"}", "channel"},
        {"{\"name\":\"  \",\"channel\":\"email\",\"address\":\"a@b.vn\"}", "name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = t_post("/api/v1/report-destinations", agency_admin, bad[i].body);
        t_assert_problem(r, 422, bad[i].field);
        t_free(r);
    }
    /* the installation admin must say whose; another agency's admin does
     * not see it */
    r = t_post("/api/v1/report-destinations", W.admin, "{\"name\":\"X\",\"channel\":\"email\",\"address\":\"a@b.vn\"}");
    t_assert_problem(r, 422, "agency_id");
    t_free(r);
    const char *other_admin = OTHER.admin;
    r = t_getf(other_admin, "/api/v1/report-destinations/%lld", https_id);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    char path[128], body[256];
    snprintf(path, sizeof path, "/api/v1/report-destinations/%lld", https_id);
    r = t_patch(path, other_admin, "{\"name\":\"Của tôi\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    snprintf(body, sizeof body, "{\"agency_id\":%lld,\"name\":\"X\",\"channel\":\"email\",\"address\":\"a@b.vn\"}", W.agency);
    r = t_post("/api/v1/report-destinations", other_admin, body);
    t_assert_problem(r, 422, "agency_id");
    t_free(r);
    r = t_get("/api/v1/report-destinations?limit=1000", other_admin);
    t_assert_status(r, 200);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r->json, "items"), i, it)
        assert_int_not_equal(t_json_int(it, "id"), https_id);
    t_free(r);
    /* office and director do not manage destinations */
    r = t_get("/api/v1/report-destinations", W.office);
    t_assert_problem(r, 403, NULL);
    t_free(r);
    /* PATCH: switch channel checks the pair again; agency fixed */
    r = t_patch(path, agency_admin, "{\"channel\":\"email\"}");
    t_assert_problem(r, 422, "address");
    t_free(r);
    r = t_patch(path, agency_admin, "{\"channel\":\"email\",\"url\":null,\"address\":\"khoi@so-noi-vu.gov.vn\",\"active\":false}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "channel"), "email");
    assert_true(json_is_false(json_object_get(r->json, "active")));
    assert_int_equal(json_array_size(json_object_get(r->json, "kinds")), 2);
    t_free(r);
    snprintf(body, sizeof body, "{\"agency_id\":%lld}", OTHER.agency);
    r = t_patch(path, agency_admin, body);
    t_assert_problem(r, 422, "agency_id");
    t_free(r);
    /* DELETE: an unused one goes; one with a delivery stays (409) */
    long long report = rd_report(&W, "mid_year", 0);
    rd_queue(report, mail_id);
    snprintf(path, sizeof path, "/api/v1/report-destinations/%lld", mail_id);
    r = t_delete(path, agency_admin);
    t_assert_problem(r, 409, NULL);
    t_free(r);
    snprintf(path, sizeof path, "/api/v1/report-destinations/%lld", https_id);
    r = t_delete(path, agency_admin);
    t_assert_status(r, 204);
    t_free(r);
    r = t_get(path, agency_admin);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    free(agency_admin);
}

static void deliveries_read_by_the_agency_only(void **state)
{
    (void)state;
    long long report = rd_report(&W, "year_end", 0);
    long long dest = rd_destination(&W, "email", "tong-hop@khoi.example.gov.vn");
    long long d = rd_queue(report, dest);
    t_resp *r = t_getf(W.viewer, "/api/v1/reports/%lld/deliveries", report);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "state"), "approved");
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 1);
    json_t *row = json_array_get(items, 0);
    assert_int_equal(t_json_int(row, "id"), d);
    assert_string_equal(t_json_str(row, "state"), "queued");
    assert_int_equal(t_json_int(row, "attempts"), 0);
    assert_true(json_is_null(json_object_get(row, "acknowledged_at")));
    assert_string_equal(t_json_str(json_object_get(row, "destination"), "address"), "tong-hop@khoi.example.gov.vn");
    assert_int_equal(json_array_size(json_object_get(row, "attempt_history")), 0);
    t_free(r);
    r = t_getf(OTHER.director, "/api/v1/reports/%lld/deliveries", report);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(W.viewer, "/api/v1/reports/%lld/deliveries", report + 100000);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

/* ------------------------------------------------------------ HTTPS */

static json_t *item_of(long long delivery, json_t **received)
{
    char *key = rd_field("report_deliveries", delivery, "idempotency_key");
    *received = ps_received(&P);
    json_t *it = ps_item(*received, key);
    free(key);
    return it;
}

static void https_delivered_signed_and_once(void **state)
{
    (void)state;
    long long report = rd_report(&W, "mid_year", 0);
    long long dest = rd_destination(&W, "https", url);
    long long d = rd_queue(report, dest);
    json_t *before = ps_received(&P);
    long long bad_before = ps_count(before, "bad_signatures");
    json_decref(before);
    assert_int_equal(rd_once(dir, config("https-ok", "ca1.crt"), "https-ok"), 0);
    rd_assert_field("report_deliveries", d, "state", "sent");
    rd_assert_field("reports", report, "state", "delivered");
    json_t *rec;
    json_t *it = item_of(d, &rec);
    assert_non_null(it);
    assert_int_equal(json_integer_value(json_object_get(it, "times")), 1);
    assert_int_equal(ps_count(rec, "bad_signatures"), bad_before);
    json_t *doc = json_object_get(it, "doc");
    assert_string_equal(t_json_str(doc, "kind"), "report");
    json_t *rep = json_object_get(doc, "report");
    assert_int_equal(t_json_int(rep, "id"), report);
    assert_int_equal(t_json_int(rep, "agency_id"), W.agency);
    assert_int_equal(t_json_int(rep, "campaign_id"), W.campaign);
    assert_string_equal(t_json_str(json_object_get(json_object_get(rep, "content"), "sections"), "strengths"),
                        "Hoàn thành 98,6 % chỉ tiêu; đơn vị Văn phòng Sở dẫn đầu.");
    char *sha = rd_field("reports", report, "sha256");
    assert_string_equal(t_json_str(rep, "sha256"), sha);
    free(sha);
    /* the files arrived byte for byte (the stand-in checked them against
     * the sha256 the JSON gives) */
    char rid[32];
    snprintf(rid, sizeof rid, "%lld", report);
    const char *p[] = {rid};
    char *pdf_sha = t_sql("SELECT sha256 FROM report_files WHERE report_id = $1 AND format = 'pdf'", 1, p);
    assert_string_equal(t_json_str(json_object_get(doc, "pdf"), "sha256"), pdf_sha);
    assert_int_equal(t_json_int(json_object_get(doc, "pdf"), "bytes"), 33);
    assert_int_equal(t_json_int(json_object_get(doc, "xlsx"), "bytes"), 82);
    free(pdf_sha);
    json_decref(rec);
    /* the answer lost: sent again, the same bytes, stored once */
    rd_requeue(d);
    assert_int_equal(rd_once(dir, config("https-again", "ca1.crt"), "https-again"), 0);
    rd_assert_field("report_deliveries", d, "state", "sent");
    it = item_of(d, &rec);
    assert_int_equal(json_integer_value(json_object_get(it, "times")), 2);
    json_t *items = json_object_get(rec, "items");
    size_t i, same = 0;
    json_t *x;
    char *key = rd_field("report_deliveries", d, "idempotency_key");
    json_array_foreach(items, i, x) same += strcmp(t_json_str(x, "key"), key) == 0;
    assert_int_equal(same, 1);
    free(key);
    json_decref(rec);
    /* what the office reads */
    t_resp *r = t_getf(W.office, "/api/v1/reports/%lld/deliveries", report);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "state"), "delivered");
    json_t *row = json_array_get(json_object_get(r->json, "items"), 0);
    assert_string_equal(t_json_str(row, "state"), "sent");
    assert_int_equal(t_json_int(row, "attempts"), 2);
    assert_false(json_is_null(json_object_get(row, "acknowledged_at")));
    assert_int_equal(json_array_size(json_object_get(row, "attempt_history")), 2);
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(row, "attempt_history"), 1), "ok")));
    t_free(r);
}

static void retry_after_then_refusal_fails_the_report(void **state)
{
    (void)state;
    long long report = rd_report(&W, "award_statistics", 0);
    long long dest = rd_destination(&W, "https", url);
    long long d = rd_queue(report, dest);
    /* 429 with Retry-After: 37 s, not the 1–2 s backoff */
    ps_portal_mode(&P, "{\"mode\":\"429\",\"count\":1,\"retry_after\":37}");
    assert_int_equal(rd_once(dir, config("https-429", "ca1.crt"), "https-429"), 0);
    rd_assert_field("report_deliveries", d, "state", "queued");
    rd_assert_field("report_deliveries", d, "last_status", "429");
    char sid[32];
    snprintf(sid, sizeof sid, "%lld", d);
    const char *p[] = {sid};
    long long wait = t_sql_int("SELECT round(extract(epoch FROM next_attempt_at - now()))::bigint FROM report_deliveries"
                               " WHERE id = $1",
                               1, p);
    assert_true(wait >= 30 && wait <= 37);
    rd_assert_field("reports", report, "state", "approved");
    /* a refusal (422) gives up at once: the report is delivery_failed */
    ps_portal_mode(&P, "{\"mode\":\"422\",\"count\":1}");
    rd_due_now(d);
    assert_int_equal(rd_once(dir, config("https-422", "ca1.crt"), "https-422"), 0);
    rd_assert_field("report_deliveries", d, "state", "failed");
    rd_assert_field("reports", report, "state", "delivery_failed");
    char *e = rd_field("report_deliveries", d, "last_error");
    assert_non_null(strstr(e, "HTTP 422"));
    assert_non_null(strstr(e, "Tài liệu không đúng định dạng"));
    free(e);
    assert_int_equal(t_sql_int("SELECT count(*) FROM report_delivery_attempts WHERE delivery_id = $1 AND NOT ok", 1, p), 2);
    /* queued again by the office: the same key, the report approved again */
    char *key = rd_field("report_deliveries", d, "idempotency_key");
    char path[128];
    snprintf(path, sizeof path, "/api/v1/report-deliveries/%lld/retry", d);
    t_resp *r = t_post(path, W.viewer, "{}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = t_post(path, OTHER.director, "{}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_post(path, W.office, "{}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "state"), "approved");
    json_t *row = json_array_get(json_object_get(r->json, "items"), 0);
    assert_string_equal(t_json_str(row, "state"), "queued");
    assert_int_equal(t_json_int(row, "attempts"), 0);
    assert_string_equal(t_json_str(row, "idempotency_key"), key);
    t_free(r);
    r = t_post(path, W.director, "{}");
    t_assert_problem(r, 409, NULL);
    t_free(r);
    assert_int_equal(rd_once(dir, config("https-retried", "ca1.crt"), "https-retried"), 0);
    rd_assert_field("report_deliveries", d, "state", "sent");
    rd_assert_field("reports", report, "state", "delivered");
    free(key);
}

static void delivered_only_when_every_destination_is(void **state)
{
    (void)state;
    long long report = rd_report(&W, "year_end", 0);
    long long https = rd_queue(report, rd_destination(&W, "https", url));
    long long mail = rd_queue(report, rd_destination(&W, "email", "cho-mai@khoi.example.gov.vn"));
    /* no SMTP server answers on this port: the e-mail waits */
    char extra[1400];
    snprintf(extra, sizeof extra, "report_ca_file = %s/ca1.crt\nreport_secret_file = %s\nsmtp_url = smtp://127.0.0.1:%d\n"
             "smtp_from = thidua@so.example.gov.vn\nsmtp_credentials_file =\n",
             dir, P.secret_file, ps_port(1));
    assert_int_equal(rd_once(dir, rd_config(dir, "half", extra), "half"), 0);
    rd_assert_field("report_deliveries", https, "state", "sent");
    rd_assert_field("report_deliveries", mail, "state", "queued");
    rd_assert_field("reports", report, "state", "approved");
    char *e = rd_field("report_deliveries", mail, "last_error");
    assert_non_null(strstr(e, "Không kết nối được máy chủ thư"));
    free(e);
}

static void wrong_ca_sends_nothing(void **state)
{
    (void)state;
    long long report = rd_report(&W, "mid_year", 0);
    long long d = rd_queue(report, rd_destination(&W, "https", url));
    json_t *rec = ps_received(&P);
    long long before = ps_count(rec, "requests");
    json_decref(rec);
    assert_int_equal(rd_once(dir, config("https-wrong-ca", "ca2.crt"), "https-wrong-ca"), 0);
    rd_assert_field("report_deliveries", d, "state", "queued");
    char *e = rd_field("report_deliveries", d, "last_error");
    assert_non_null(strstr(e, "chứng chỉ TLS"));
    free(e);
    rec = ps_received(&P);
    assert_int_equal(ps_count(rec, "requests"), before);
    json_decref(rec);
    /* no secret: nothing sent unsigned */
    rd_due_now(d);
    char extra[1400];
    snprintf(extra, sizeof extra, "report_ca_file = %s/ca1.crt\nreport_secret_file = %s/absent.secret\n", dir, dir);
    assert_int_equal(rd_once(dir, rd_config(dir, "no-secret", extra), "no-secret"), 0);
    e = rd_field("report_deliveries", d, "last_error");
    assert_non_null(strstr(e, "khóa bí mật"));
    free(e);
    rec = ps_received(&P);
    assert_int_equal(ps_count(rec, "requests"), before);
    json_decref(rec);
    /* the right CA: delivered */
    rd_due_now(d);
    assert_int_equal(rd_once(dir, config("https-right-ca", "ca1.crt"), "https-right-ca"), 0);
    rd_assert_field("report_deliveries", d, "state", "sent");
}

static void several_deliverers_send_each_once(void **state)
{
    (void)state;
    enum { N = 9 };
    long long ds[N];
    long long dest = rd_destination(&W, "https", url);
    long long reports[3];
    for (int i = 0; i < 3; i++)
        reports[i] = rd_report(&W, "mid_year", 0);
    for (int i = 0; i < N; i++)
        ds[i] = rd_queue(reports[i % 3], i < 3 ? dest : rd_destination(&W, "https", url));
    /* each answer held 300 ms, so the three overlap */
    ps_portal_mode(&P, "{\"mode\":\"delay\",\"ms\":300}");
    const char *cfg = config("many", "ca1.crt");
    pid_t a = rd_start(dir, cfg, "many-a"), b = rd_start(dir, cfg, "many-b"), c = rd_start(dir, cfg, "many-c");
    for (int tries = 0; tries < 600; tries++) {
        char ids[256] = "{";
        for (int i = 0; i < N; i++)
            snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s%lld%s", i ? "," : "", ds[i], i == N - 1 ? "}" : "");
        const char *p[] = {ids};
        if (t_sql_int("SELECT count(*) FROM report_deliveries WHERE id = ANY($1::bigint[]) AND state = 'sent'", 1, p) == N)
            break;
        ps_sleep_ms(100);
    }
    assert_int_equal(ps_stop(a), 0);
    assert_int_equal(ps_stop(b), 0);
    assert_int_equal(ps_stop(c), 0);
    ps_portal_mode(&P, "{\"mode\":\"ok\"}");
    json_t *rec = ps_received(&P);
    for (int i = 0; i < N; i++) {
        rd_assert_field("report_deliveries", ds[i], "state", "sent");
        rd_assert_field("report_deliveries", ds[i], "attempts", "1");
        char *key = rd_field("report_deliveries", ds[i], "idempotency_key");
        json_t *it = ps_item(rec, key);
        assert_non_null(it);
        assert_int_equal(json_integer_value(json_object_get(it, "times")), 1);
        free(key);
    }
    json_decref(rec);
    for (int i = 0; i < 3; i++)
        rd_assert_field("reports", reports[i], "state", "delivered");
}

/* A deliverer SIGKILLed while the receiver holds its answer leaves its
 * attempt in the history (started, no outcome); once the lease has run
 * out the next deliverer closes it as interrupted and sends the same key
 * again: two attempts shown, the report stored once. */
static void killed_deliverer_leaves_its_attempt(void **state)
{
    (void)state;
    long long report = rd_report(&W, "year_end", 0);
    long long dest = rd_destination(&W, "https", url);
    long long d = rd_queue(report, dest);
    ps_portal_mode(&P, "{\"mode\":\"stall\",\"seconds\":120,\"count\":1}");
    pid_t k = rd_start(dir, config("killed", "ca1.crt"), "killed");
    json_t *rec = NULL, *it = NULL;
    for (int i = 0; i < 300; i++) {
        it = item_of(d, &rec);
        if (it && json_integer_value(json_object_get(it, "times")) >= 1)
            break;
        json_decref(rec);
        rec = NULL;
        ps_sleep_ms(100);
    }
    assert_non_null(rec);
    json_decref(rec);
    ps_sigkill(k);
    rd_assert_field("report_deliveries", d, "state", "sending");
    t_resp *r = t_getf(W.office, "/api/v1/reports/%lld/deliveries", report);
    t_assert_status(r, 200);
    json_t *hist = json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "attempt_history");
    assert_int_equal(json_array_size(hist), 1);
    assert_string_equal(t_json_str(json_array_get(hist, 0), "outcome"), "sending");
    assert_true(json_is_null(json_object_get(json_array_get(hist, 0), "ended_at")));
    t_free(r);
    /* the lease runs out (as if its minutes had passed) */
    char sid[32];
    snprintf(sid, sizeof sid, "%lld", d);
    const char *p[] = {sid};
    free(t_sql("UPDATE report_deliveries SET leased_until = now() - interval '1 second' WHERE id = $1", 1, p));
    ps_portal_mode(&P, "{\"mode\":\"ok\"}");
    assert_int_equal(rd_once(dir, config("after-kill", "ca1.crt"), "after-kill"), 0);
    rd_assert_field("report_deliveries", d, "state", "sent");
    rd_assert_field("report_deliveries", d, "attempts", "2");
    r = t_getf(W.office, "/api/v1/reports/%lld/deliveries", report);
    t_assert_status(r, 200);
    hist = json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "attempt_history");
    assert_int_equal(json_array_size(hist), 2);
    json_t *lost = json_array_get(hist, 0), *sent = json_array_get(hist, 1);
    assert_string_equal(t_json_str(lost, "outcome"), "interrupted");
    assert_true(json_is_false(json_object_get(lost, "ok")));
    assert_false(json_is_null(json_object_get(lost, "ended_at")));
    assert_non_null(strstr(t_json_str(lost, "error"), "Lần gửi bị gián đoạn"));
    assert_string_equal(t_json_str(sent, "outcome"), "sent");
    assert_true(json_is_true(json_object_get(sent, "ok")));
    t_free(r);
    /* the receiver got the key twice and kept one report */
    it = item_of(d, &rec);
    assert_non_null(it);
    assert_int_equal(json_integer_value(json_object_get(it, "times")), 2);
    json_decref(rec);
}

int main(void)
{
    t_init();
    atexit(ps_kill_all);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(destinations_validated_and_confined),
        cmocka_unit_test(deliveries_read_by_the_agency_only),
        cmocka_unit_test(https_delivered_signed_and_once),
        cmocka_unit_test(retry_after_then_refusal_fails_the_report),
        cmocka_unit_test(delivered_only_when_every_destination_is),
        cmocka_unit_test(wrong_ca_sends_nothing),
        cmocka_unit_test(several_deliverers_send_each_once),
        cmocka_unit_test(killed_deliverer_leaves_its_attempt),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
