/* Report delivery by e-mail (reports.md "Delivery"): `thidua report
 * deliver` sends through a real SMTP server (aiosmtpd from Debian,
 * tests/smtp/smtpd.py: the test stack's own, and more started here) with
 * STARTTLS required and the certificate verified against the stack's CA,
 * logging in with the credentials file. The message in the maildir, read
 * back by Python's e-mail parser, has the Vietnamese subject exactly, the
 * Vietnamese body, the PDF and the XLSX byte for byte, and a Message-ID
 * made of the report and the destination that a retry repeats. A server
 * that offers no STARTTLS gets nothing (not even MAIL FROM); a server down
 * then up gets the message once; attachments over 30 MB fail the delivery
 * at once with the reason kept. */
#include "client.h"
#include "push_support.h"
#include "test_report_delivery.h"

static ps_world W;
static const char *dir;
static char stack_ca[1100], stack_creds[1100];

/* Ports of this program's own SMTP servers: after the test stack's, from
 * THIDUA_TEST_SMTP_PORTS (default 18170). */
static int smtp_port(int offset)
{
    const char *v = getenv("THIDUA_TEST_SMTP_PORTS");
    long base = v && *v ? strtol(v, NULL, 10) : 18170;
    return (int)base + offset;
}

/* Starts tests/smtp/smtpd.py on port (with STARTTLS when tls), storing
 * into <dir>/<name>/mail; returns its pid once it listens. */
static pid_t smtpd_start(const char *name, int port, bool tls)
{
    static char py[] = "/usr/bin/python3";
    char script[1100], ports[16], maildir[1100], log[1100], cmdlog[1100], pidfile[1100], cert[1100], key[1100];
    snprintf(script, sizeof script, "%s/tests/smtp/smtpd.py", ps_env("THIDUA_ROOT"));
    snprintf(ports, sizeof ports, "%d", port);
    snprintf(maildir, sizeof maildir, "%s/%s/mail", dir, name);
    snprintf(log, sizeof log, "%s/%s.out", dir, name);
    snprintf(cmdlog, sizeof cmdlog, "%s/%s/commands.log", dir, name);
    snprintf(pidfile, sizeof pidfile, "%s/%s/pid", dir, name);
    snprintf(cert, sizeof cert, "%s/server.crt", dir);
    snprintf(key, sizeof key, "%s/server.key", dir);
    rd_sh("mkdir -p '%s/%s' && rm -f '%s'", dir, name, pidfile);
    char *argv_tls[] = {py, script, "--port", ports, "--maildir", maildir, "--log", cmdlog, "--pidfile", pidfile,
                        "--cert", cert, "--key", key, NULL};
    char *argv_plain[] = {py, script, "--port", ports, "--maildir", maildir, "--log", cmdlog, "--pidfile", pidfile, NULL};
    pid_t pid = ps_spawn(tls ? argv_tls : argv_plain, log);
    for (int i = 0; i < 150; i++) {
        if (access(pidfile, R_OK) == 0)
            return pid;
        ps_sleep_ms(100);
    }
    fail_msg("the SMTP server %s did not start (see %s)", name, log);
    return -1;
}

static json_t *messages(const char *maildir, const char *message_id)
{
    return rd_messages(maildir, message_id);
}

static long count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    long n = 0;
    int ch;
    while ((ch = fgetc(f)) != EOF)
        n += ch == '\n';
    fclose(f);
    return n;
}

static int group_setup(void **state)
{
    (void)state;
    ps_world_make(&W, "rdmail");
    dir = ps_dir("report-mail");
    rd_certificates(dir);
    /* the test stack's SMTP server and its CA (deploy/stack.sh) */
    snprintf(stack_ca, sizeof stack_ca, "%s/smtp/ca.crt", ps_env("THIDUA_VAR"));
    snprintf(stack_creds, sizeof stack_creds, "%s/smtp/credentials", ps_env("THIDUA_VAR"));
    if (access(stack_ca, R_OK) != 0)
        fail_msg("the test stack has no SMTP server CA at %s (deploy/stack.sh start test)", stack_ca);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    ps_kill_all();
    ps_world_free(&W);
    return 0;
}

static const char *config(const char *name, const char *extra)
{
    char all[2000];
    snprintf(all, sizeof all, "smtp_from = thidua@so-noi-vu.example.gov.vn\nreport_mail_domain = so-noi-vu.example.gov.vn\n%s",
             extra ? extra : "");
    return rd_config(dir, name, all);
}

static void mail_delivered_subject_attachments_and_message_id(void **state)
{
    (void)state;
    long long report = rd_report(&W, "mid_year", 0);
    long long dest = rd_destination(&W, "email", "van-thu@khoi-thi-dua.example.gov.vn");
    long long d = rd_queue(report, dest);
    /* the stack's server, as configured by deploy/stack.sh */
    assert_int_equal(rd_once(dir, config("mail-ok", NULL), "mail-ok"), 0);
    rd_assert_field("report_deliveries", d, "state", "sent");
    rd_assert_field("reports", report, "state", "delivered");
    char mid[200], maildir[1100];
    snprintf(mid, sizeof mid, "<report-%lld.dest-%lld@so-noi-vu.example.gov.vn>", report, dest);
    rd_assert_field("report_deliveries", d, "message_id", mid);
    snprintf(maildir, sizeof maildir, "%s/mail", ps_env("THIDUA_VAR"));
    json_t *m = messages(maildir, mid);
    assert_int_equal(json_array_size(m), 1);
    json_t *msg = json_array_get(m, 0);
    char *number = rd_field("reports", report, "number");
    char subject[600];
    snprintf(subject, sizeof subject, "Báo cáo sơ kết 6 tháng năm 2025, số %s — Sở thử nghiệm %s", number, W.agency_code);
    assert_string_equal(t_json_str(msg, "subject"), subject);
    /* sent as RFC 2047 encoded-words, not raw UTF-8 */
    assert_non_null(strstr(t_json_str(msg, "raw_subject"), "=?UTF-8?B?"));
    assert_null(strstr(t_json_str(msg, "raw_subject"), "Báo"));
    assert_non_null(strstr(t_json_str(msg, "to"), "van-thu@khoi-thi-dua.example.gov.vn"));
    assert_non_null(strstr(t_json_str(msg, "from"), "Phần mềm thi đua, khen thưởng"));
    const char *body = t_json_str(msg, "body");
    assert_non_null(strstr(body, "Kính gửi: Khối thi đua các Sở, ngành"));
    assert_non_null(strstr(body, number));
    char *sha = rd_field("reports", report, "sha256");
    assert_non_null(strstr(body, sha));
    free(sha);
    json_t *atts = json_object_get(msg, "attachments");
    assert_int_equal(json_array_size(atts), 2);
    char rid[32];
    snprintf(rid, sizeof rid, "%lld", report);
    const char *p[] = {rid};
    char *pdf_sha = t_sql("SELECT sha256 FROM report_files WHERE report_id = $1 AND format = 'pdf'", 1, p);
    char *xlsx_sha = t_sql("SELECT sha256 FROM report_files WHERE report_id = $1 AND format = 'xlsx'", 1, p);
    json_t *pdf = json_array_get(atts, 0), *xlsx = json_array_get(atts, 1);
    assert_string_equal(t_json_str(pdf, "content_type"), "application/pdf");
    assert_int_equal(t_json_int(pdf, "bytes"), 33);
    assert_string_equal(t_json_str(pdf, "sha256"), pdf_sha);
    assert_non_null(strstr(t_json_str(pdf, "filename"), ".pdf"));
    assert_string_equal(t_json_str(xlsx, "content_type"),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_int_equal(t_json_int(xlsx, "bytes"), 82);
    assert_string_equal(t_json_str(xlsx, "sha256"), xlsx_sha);
    free(pdf_sha);
    free(xlsx_sha);
    free(number);
    json_decref(m);
    /* a retry (the acknowledgement lost) is the same message again */
    rd_requeue(d);
    assert_int_equal(rd_once(dir, config("mail-again", NULL), "mail-again"), 0);
    rd_assert_field("report_deliveries", d, "state", "sent");
    m = messages(maildir, mid);
    assert_int_equal(json_array_size(m), 2);
    assert_string_equal(t_json_str(json_array_get(m, 1), "subject"), subject);
    json_decref(m);
}

static void no_starttls_nothing_sent_in_clear(void **state)
{
    (void)state;
    int port = smtp_port(2);
    pid_t plain = smtpd_start("plain", port, false);
    long long report = rd_report(&W, "year_end", 0);
    long long dest = rd_destination(&W, "email", "khong-ma-hoa@khoi-thi-dua.example.gov.vn");
    long long d = rd_queue(report, dest);
    char extra[300];
    snprintf(extra, sizeof extra, "smtp_url = smtp://127.0.0.1:%d\n", port);
    assert_int_equal(rd_once(dir, config("mail-plain", extra), "mail-plain"), 0);
    rd_assert_field("report_deliveries", d, "state", "queued");
    char *e = rd_field("report_deliveries", d, "last_error");
    assert_non_null(strstr(e, "STARTTLS"));
    free(e);
    /* not even the envelope went out */
    char log[1100], maildir[1100];
    snprintf(log, sizeof log, "%s/plain/commands.log", dir);
    assert_int_equal(count_lines(log), 0);
    snprintf(maildir, sizeof maildir, "%s/plain/mail", dir);
    json_t *m = messages(maildir, "");
    assert_int_equal(json_array_size(m), 0);
    json_decref(m);
    assert_int_equal(ps_stop(plain), 0);
    /* a wrong CA: refused too */
    rd_due_now(d);
    pid_t tls = smtpd_start("wrong-ca", port, true);
    char extra2[1400];
    snprintf(extra2, sizeof extra2, "smtp_url = smtp://127.0.0.1:%d\nreport_ca_file = %s/ca2.crt\n", port, dir);
    assert_int_equal(rd_once(dir, config("mail-wrong-ca", extra2), "mail-wrong-ca"), 0);
    rd_assert_field("report_deliveries", d, "state", "queued");
    e = rd_field("report_deliveries", d, "last_error");
    assert_non_null(strstr(e, "chứng chỉ TLS"));
    free(e);
    snprintf(log, sizeof log, "%s/wrong-ca/commands.log", dir);
    assert_int_equal(count_lines(log), 0);
    assert_int_equal(ps_stop(tls), 0);
}

static void down_then_up_delivered_once(void **state)
{
    (void)state;
    int port = smtp_port(3);
    long long report = rd_report(&W, "award_statistics", 0);
    long long dest = rd_destination(&W, "email", "sau-khi-mo@khoi-thi-dua.example.gov.vn");
    long long d = rd_queue(report, dest);
    char extra[1400];
    snprintf(extra, sizeof extra, "smtp_url = smtp://127.0.0.1:%d\nreport_ca_file = %s/ca1.crt\nsmtp_credentials_file =\n",
             port, dir);
    const char *cfg = config("mail-down", extra);
    assert_int_equal(rd_once(dir, cfg, "mail-down"), 0);
    rd_assert_field("report_deliveries", d, "state", "queued");
    char *e = rd_field("report_deliveries", d, "last_error");
    assert_non_null(strstr(e, "Không kết nối được máy chủ thư"));
    free(e);
    /* the server comes up; a deliverer running all along sends it once */
    pid_t up = smtpd_start("later", port, true);
    pid_t deliverer = rd_start(dir, cfg, "mail-up");
    for (int i = 0; i < 300; i++) {
        char *s = rd_field("report_deliveries", d, "state");
        bool sent = strcmp(s, "sent") == 0;
        free(s);
        if (sent)
            break;
        ps_sleep_ms(100);
    }
    rd_assert_field("report_deliveries", d, "state", "sent");
    ps_sleep_ms(1500); /* a second message would have gone by now */
    assert_int_equal(ps_stop(deliverer), 0);
    char maildir[1100], mid[200];
    snprintf(maildir, sizeof maildir, "%s/later/mail", dir);
    snprintf(mid, sizeof mid, "<report-%lld.dest-%lld@so-noi-vu.example.gov.vn>", report, dest);
    json_t *m = messages(maildir, mid);
    assert_int_equal(json_array_size(m), 1);
    assert_int_equal(strncmp(t_json_str(json_array_get(m, 0), "subject"), "Báo cáo thống kê khen thưởng năm 2025, số ",
                             strlen("Báo cáo thống kê khen thưởng năm 2025, số ")),
                     0);
    json_decref(m);
    rd_assert_field("report_deliveries", d, "attempts", "2");
    assert_int_equal(ps_stop(up), 0);
}

static void over_thirty_megabytes_fails_at_once(void **state)
{
    (void)state;
    /* 30 MB and one byte of PDF (30 × 1024 × 1024 + 1 − 82 of XLSX + 82) */
    long long report = rd_report(&W, "year_end", 30L * 1024 * 1024 + 1 - 82);
    long long dest = rd_destination(&W, "email", "qua-lon@khoi-thi-dua.example.gov.vn");
    long long d = rd_queue(report, dest);
    char maildir[1100], mid[200];
    snprintf(maildir, sizeof maildir, "%s/mail", ps_env("THIDUA_VAR"));
    snprintf(mid, sizeof mid, "<report-%lld.dest-%lld@so-noi-vu.example.gov.vn>", report, dest);
    assert_int_equal(rd_once(dir, config("mail-big", NULL), "mail-big"), 0);
    rd_assert_field("report_deliveries", d, "state", "failed");
    rd_assert_field("report_deliveries", d, "attempts", "1");
    rd_assert_field("reports", report, "state", "delivery_failed");
    char *e = rd_field("report_deliveries", d, "last_error");
    assert_non_null(strstr(e, "vượt giới hạn 31457280 byte"));
    assert_non_null(strstr(e, "31457281 byte"));
    free(e);
    json_t *m = messages(maildir, mid);
    assert_int_equal(json_array_size(m), 0);
    json_decref(m);
    /* what the office reads says why */
    t_resp *r = t_getf(W.office, "/api/v1/reports/%lld/deliveries", report);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "state"), "delivery_failed");
    json_t *row = json_array_get(json_object_get(r->json, "items"), 0);
    assert_non_null(strstr(t_json_str(row, "last_error"), "vượt giới hạn"));
    t_free(r);
}

int main(void)
{
    t_init();
    atexit(ps_kill_all);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mail_delivered_subject_attachments_and_message_id),
        cmocka_unit_test(no_starttls_nothing_sent_in_clear),
        cmocka_unit_test(down_then_up_delivered_once),
        cmocka_unit_test(over_thirty_megabytes_fails_at_once),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
