/* The office and the director told of a scheduled draft and of a late
 * report (reports.md "Schedules": "the office and director are told (an
 * e-mail, and on the dashboard)"; migration 0018). Users get an address
 * with `thidua user add --email` or `thidua user set-email` (a malformed
 * one refused, exit 2). `thidua report run` queues one notice per office
 * or director user of the agency with an address, in the draft's
 * transaction: not the one without an address, not a viewer, not another
 * agency's office. `thidua report deliver` sends each through the test
 * stack's real SMTP server (aiosmtpd, STARTTLS, its maildir read back by
 * tests/smtp/read_mail.py): the subject decoded with every Vietnamese
 * diacritic, the body with the report, as_of, due_on and the dashboard's
 * link, a stable Message-ID. Two runs and two deliverers at once: one
 * e-mail each. A report found late is told once; a draft made already
 * after its due_on is told as late only. */
#include "client.h"
#include "push_support.h"
#include "test_report_delivery.h"

static ps_world W;
static char other_code[64];
static const char *dir;
static char maildir[1100];
static long long u_office, u_director, u_office2, u_viewer, u_other;
static const char *DOMAIN = "so-thu-nghiem.example.gov.vn";
static const char *DASHBOARD = "https://thi-dua.example.gov.vn";

static const char *num(long long v)
{
    static char buf[8][24];
    static int next;
    char *x = buf[next++ % 8];
    snprintf(x, sizeof buf[0], "%lld", v);
    return x;
}

static long long sql1(const char *sql, long long a)
{
    const char *p[] = {num(a)};
    return t_sql_int(sql, 1, p);
}

/* `thidua ARGS` with the test stack's configuration: its exit status. */
static int cli(const char *args, const char *input)
{
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "'%s' --config '%s' %s >/dev/null 2>&1", ps_env("THIDUA_BIN_PATH"),
             ps_env("THIDUA_CONFIG_FILE"), args);
    FILE *p = popen(cmd, "w");
    if (!p)
        fail_msg("cannot run %s", cmd);
    if (input)
        fputs(input, p);
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long long user_id(const char *username)
{
    const char *p[] = {username};
    return t_sql_int("SELECT id FROM users WHERE username = $1", 1, p);
}

static pid_t run_start(const char *day)
{
    static char bin[1024], cfg[1100], today[16];
    snprintf(bin, sizeof bin, "%s", ps_env("THIDUA_BIN_PATH"));
    snprintf(cfg, sizeof cfg, "%s", ps_env("THIDUA_CONFIG_FILE"));
    snprintf(today, sizeof today, "%s", day);
    char log[1100];
    snprintf(log, sizeof log, "%s/report-run.log", dir);
    char *argv[] = {bin, "--config", cfg, "report", "run", "--today", today, NULL};
    return ps_spawn(argv, log);
}

static int run_wait(pid_t pid)
{
    int status = 0;
    waitpid(pid, &status, 0);
    ps_untrack(pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void run(const char *day)
{
    assert_int_equal(run_wait(run_start(day)), 0);
}

static const char *config(void)
{
    char extra[600];
    snprintf(extra, sizeof extra, "smtp_from = thidua@%s\nreport_mail_domain = %s\ndashboard_url = %s/\n", DOMAIN,
             DOMAIN, DASHBOARD);
    return rd_config(dir, "notices", extra);
}

static long long schedule(const char *kind, const char *draft_on, const char *due_on)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"campaign_id\":%lld,\"kind\":\"%s\",\"draft_on\":\"%s\",\"due_on\":\"%s\"}", W.campaign, kind,
             draft_on, due_on);
    return ps_post_id("/api/v1/report-schedules", W.admin, body);
}

static long long report_of(long long s)
{
    return sql1("SELECT coalesce(report_id, 0) FROM report_schedules WHERE id = $1", s);
}

static long long notices(long long report, const char *event)
{
    const char *p[] = {num(report), event};
    return t_sql_int("SELECT count(*) FROM report_notices WHERE report_id = $1 AND event = $2", 2, p);
}

static long long notices_of(long long report, long long user)
{
    const char *p[] = {num(report), num(user)};
    return t_sql_int("SELECT count(*) FROM report_notices WHERE report_id = $1 AND user_id = $2", 2, p);
}

static json_t *messages(const char *message_id)
{
    return rd_messages(maildir, message_id);
}

static const char *mid(long long report, const char *event, long long user)
{
    static char out[4][300];
    static int next;
    char *x = out[next++ % 4];
    snprintf(x, sizeof out[0], "<report-%lld.%s.user-%lld@%s>", report, event, user, DOMAIN);
    return x;
}

/* The one message of that Message-ID (fails unless exactly one). */
static json_t *one_message(long long report, const char *event, long long user)
{
    json_t *m = messages(mid(report, event, user));
    if (json_array_size(m) != 1)
        fail_msg("%zu messages %s, not 1", json_array_size(m), mid(report, event, user));
    json_t *msg = json_incref(json_array_get(m, 0));
    json_decref(m);
    return msg;
}

static int group_setup(void **state)
{
    (void)state;
    ps_world_make(&W, "rnote");
    t_make_agency(W.admin, "RNB", other_code, sizeof other_code);
    dir = ps_dir("report-notices");
    snprintf(maildir, sizeof maildir, "%s/mail", ps_env("THIDUA_VAR"));
    char args[600];
    /* the office: its address given with add, its name with diacritics */
    snprintf(args, sizeof args,
             "user add rnote_office --role office --agency %s --name 'Nguyễn Thị Ánh Tuyết' --email van-phong@%s",
             W.agency_code, DOMAIN);
    if (cli(args, "test-password-1\n") != 0)
        fail_msg("thidua %s failed", args);
    snprintf(args, sizeof args, "user set-email rnote_director giam-doc@%s", DOMAIN);
    if (cli(args, NULL) != 0)
        fail_msg("thidua %s failed", args);
    /* a second office user without an address; a viewer and another
     * agency's office with one */
    snprintf(args, sizeof args, "user add rnote_office2 --role office --agency %s", W.agency_code);
    if (cli(args, "test-password-1\n") != 0)
        fail_msg("thidua %s failed", args);
    snprintf(args, sizeof args, "user set-email rnote_viewer xem@%s", DOMAIN);
    if (cli(args, NULL) != 0)
        fail_msg("thidua %s failed", args);
    snprintf(args, sizeof args, "user add rnote_b_office --role office --agency %s --email van-phong-b@%s", other_code,
             DOMAIN);
    if (cli(args, "test-password-1\n") != 0)
        fail_msg("thidua %s failed", args);
    u_office = user_id("rnote_office");
    u_director = user_id("rnote_director");
    u_office2 = user_id("rnote_office2");
    u_viewer = user_id("rnote_viewer");
    u_other = user_id("rnote_b_office");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    ps_kill_all();
    /* nothing of this program left queued for the delivery tests' deliverers */
    free(t_sql("DELETE FROM report_notices WHERE state <> 'sent'", 0, NULL));
    ps_world_free(&W);
    return 0;
}

static void addresses_set_and_checked(void **state)
{
    (void)state;
    const char *p[] = {"rnote_office"};
    char *got = t_sql("SELECT email FROM users WHERE username = $1", 1, p);
    char want[200];
    snprintf(want, sizeof want, "van-phong@%s", DOMAIN);
    assert_string_equal(got, want);
    free(got);
    got = t_sql("SELECT full_name FROM users WHERE username = $1", 1, p);
    assert_string_equal(got, "Nguyễn Thị Ánh Tuyết");
    free(got);
    /* refused: a space, two @, no dot in the domain, a header's end, a
     * name with angle brackets; nothing changed */
    const char *bad[] = {"'van phong@x.vn'", "'a@b@c.vn'", "'a@localhost'", "$'a@b.vn\\r\\nBcc: x@y.vn'",
                         "'Văn <vp@x.vn>'", "'-@-x.vn'"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char args[300];
        snprintf(args, sizeof args, "user set-email rnote_office %s", bad[i]);
        assert_int_equal(cli(args, NULL), 2);
    }
    char args[300];
    snprintf(args, sizeof args, "user add rnote_office --role office --email 'x y@z.vn'");
    assert_int_equal(cli(args, "test-password-1\n"), 2);
    got = t_sql("SELECT email FROM users WHERE username = $1", 1, p);
    assert_string_equal(got, want);
    free(got);
    /* the database's check takes what the command takes, and refuses the rest */
    assert_int_equal(t_sql_int("SELECT count(*) FROM (VALUES ('van-phong@so-noi-vu.soctrang.gov.vn'),"
                               " ('a.b+c@x-y.vn')) v(e) WHERE e ~ (SELECT substring(pg_get_constraintdef(oid)"
                               " FROM '~ ''(.*)''::text') FROM pg_constraint WHERE conname = 'users_email_shape')",
                               0, NULL),
                     2);
    /* an unknown user; --none removes, then it is set again */
    assert_int_equal(cli("user set-email rnote_nobody a@b.vn", NULL), 1);
    assert_int_equal(cli("user set-email rnote_viewer --none", NULL), 0);
    const char *v[] = {"rnote_viewer"};
    assert_int_equal(t_sql_int("SELECT count(*) FROM users WHERE username = $1 AND email IS NULL", 1, v), 1);
    snprintf(args, sizeof args, "user set-email rnote_viewer xem@%s", DOMAIN);
    assert_int_equal(cli(args, NULL), 0);
}

static void drafted_told_by_email_once_each(void **state)
{
    (void)state;
    long long s = schedule("mid_year", "2025-07-01", "2099-07-15");
    run("2025-06-30");
    assert_int_equal(report_of(s), 0);
    assert_int_equal(sql1("SELECT count(*) FROM report_notices n JOIN reports r ON r.id = n.report_id"
                          " WHERE r.campaign_id = $1", W.campaign),
                     0);
    /* two runs at once */
    pid_t a = run_start("2025-07-01"), b = run_start("2025-07-01");
    assert_int_equal(run_wait(a), 0);
    assert_int_equal(run_wait(b), 0);
    long long rep = report_of(s);
    assert_true(rep > 0);
    assert_int_equal(notices(rep, "drafted"), 2);
    assert_int_equal(notices_of(rep, u_office), 1);
    assert_int_equal(notices_of(rep, u_director), 1);
    assert_int_equal(notices_of(rep, u_office2), 0); /* no address */
    assert_int_equal(notices_of(rep, u_viewer), 0);  /* not office nor director */
    assert_int_equal(notices_of(rep, u_other), 0);   /* another agency */
    assert_int_equal(notices(rep, "late"), 0);
    run("2025-07-02");
    assert_int_equal(notices(rep, "drafted"), 2);

    /* two deliverers at once: one e-mail each */
    const char *cfg = config();
    pid_t d1 = rd_start(dir, cfg, "deliver-1"), d2 = rd_start(dir, cfg, "deliver-2");
    for (int i = 0; i < 300; i++) {
        if (t_sql_int("SELECT count(*) FROM report_notices WHERE report_id = $1 AND state = 'sent'", 1,
                      (const char *[]){num(rep)}) == 2)
            break;
        ps_sleep_ms(100);
    }
    ps_sleep_ms(1500); /* a second message would have gone by now */
    assert_int_equal(ps_stop(d1), 0);
    assert_int_equal(ps_stop(d2), 0);
    assert_int_equal(t_sql_int("SELECT count(*) FROM report_notices WHERE report_id = $1 AND state = 'sent'"
                               " AND attempts = 1", 1, (const char *[]){num(rep)}),
                     2);

    json_t *msg = one_message(rep, "drafted", u_office);
    char subject[600];
    snprintf(subject, sizeof subject, "Dự thảo báo cáo sơ kết 6 tháng năm 2025 đã được tạo, hạn duyệt 15/07/2099 — Sở thử nghiệm %s",
             W.agency_code);
    assert_string_equal(t_json_str(msg, "subject"), subject);
    assert_non_null(strstr(t_json_str(msg, "raw_subject"), "=?UTF-8?B?"));
    assert_null(strstr(t_json_str(msg, "raw_subject"), "Dự"));
    char to[200];
    snprintf(to, sizeof to, "van-phong@%s", DOMAIN);
    assert_non_null(strstr(t_json_str(msg, "to"), to));
    const char *body = t_json_str(msg, "body");
    assert_non_null(strstr(body, "Kính gửi: Nguyễn Thị Ánh Tuyết"));
    assert_non_null(strstr(body, "dự thảo báo cáo sơ kết 6 tháng năm 2025"));
    assert_non_null(strstr(body, "Phong trào thi đua năm 2025"));
    assert_non_null(strstr(body, "Số liệu tính đến ngày: 30/06/2025"));
    assert_non_null(strstr(body, "Hạn duyệt: 15/07/2099"));
    char link[300];
    snprintf(link, sizeof link, "%s/?campaign=%lld&page=reports&report=%lld", DASHBOARD, W.campaign, rep);
    assert_non_null(strstr(body, link));
    assert_int_equal(json_array_size(json_object_get(msg, "attachments")), 0);
    json_decref(msg);
    msg = one_message(rep, "drafted", u_director);
    assert_string_equal(t_json_str(msg, "subject"), subject);
    assert_non_null(strstr(t_json_str(msg, "body"), "Kính gửi: rnote_director"));
    json_decref(msg);
    json_t *none = messages(mid(rep, "drafted", u_viewer));
    assert_int_equal(json_array_size(none), 0);
    json_decref(none);
    none = messages(mid(rep, "drafted", u_office2));
    assert_int_equal(json_array_size(none), 0);
    json_decref(none);
    /* the Message-ID is kept on the notice: a retry is the same message */
    const char *pm[] = {num(rep), num(u_office)};
    char *kept = t_sql("SELECT message_id FROM report_notices WHERE report_id = $1 AND user_id = $2", 2, pm);
    assert_string_equal(kept, mid(rep, "drafted", u_office));
    free(kept);
}

static void late_told_once(void **state)
{
    (void)state;
    long long s = schedule("year_end", "2025-07-01", "2025-07-15");
    run("2025-07-01");
    long long rep = report_of(s);
    assert_int_equal(notices(rep, "drafted"), 2);
    run("2025-07-15"); /* due today: not late yet */
    assert_int_equal(notices(rep, "late"), 0);
    pid_t a = run_start("2025-07-16"), b = run_start("2025-07-16");
    assert_int_equal(run_wait(a), 0);
    assert_int_equal(run_wait(b), 0);
    assert_int_equal(notices(rep, "late"), 2);
    assert_int_equal(sql1("SELECT count(*) FROM report_schedules WHERE id = $1 AND late_noticed", s), 1);
    run("2025-07-20");
    assert_int_equal(notices(rep, "late"), 2);
    assert_int_equal(notices(rep, "drafted"), 2);
    /* the report shows late (today is after 2025-07-15) */
    char *office = t_login("rnote_office", "test-password-1"); /* add set a password: sessions ended */
    t_resp *r = t_getf(office, "/api/v1/reports/%lld", rep);
    t_assert_status(r, 200);
    assert_true(json_is_true(json_object_get(r->json, "late")));
    t_free(r);
    free(office);

    /* a draft made already after its due_on: told as late, not as drafted */
    long long s2 = schedule("award_statistics", "2025-12-01", "2025-12-03");
    run("2025-12-05");
    long long rep2 = report_of(s2);
    assert_true(rep2 > 0);
    assert_int_equal(notices(rep2, "drafted"), 0);
    assert_int_equal(notices(rep2, "late"), 2);
    run("2025-12-06");
    assert_int_equal(notices(rep2, "late"), 2);

    assert_int_equal(rd_once(dir, config(), "deliver-late"), 0);
    json_t *msg = one_message(rep, "late", u_director);
    char subject[600];
    snprintf(subject, sizeof subject, "Quá hạn duyệt: báo cáo tổng kết năm 2025 (hạn 15/07/2025) — Sở thử nghiệm %s",
             W.agency_code);
    assert_string_equal(t_json_str(msg, "subject"), subject);
    const char *body = t_json_str(msg, "body");
    assert_non_null(strstr(body, "chưa được duyệt, và đã quá hạn duyệt"));
    assert_non_null(strstr(body, "Hạn duyệt: 15/07/2025"));
    json_decref(msg);
    msg = one_message(rep2, "late", u_office);
    snprintf(subject, sizeof subject,
             "Quá hạn duyệt: báo cáo thống kê khen thưởng năm 2025 (hạn 03/12/2025) — Sở thử nghiệm %s", W.agency_code);
    assert_string_equal(t_json_str(msg, "subject"), subject);
    assert_non_null(strstr(t_json_str(msg, "body"), "Số liệu tính đến ngày: 30/11/2025"));
    json_decref(msg);
    /* once: a deliverer again sends nothing more */
    assert_int_equal(rd_once(dir, config(), "deliver-late-again"), 0);
    json_t *m = messages(mid(rep, "late", u_director));
    assert_int_equal(json_array_size(m), 1);
    json_decref(m);
}

int main(void)
{
    t_init();
    atexit(ps_kill_all);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(addresses_set_and_checked),
        cmocka_unit_test(drafted_told_by_email_once_each),
        cmocka_unit_test(late_told_once),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
