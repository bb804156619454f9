/* test_report_delivery.h — what the report delivery tests share: an
 * approved report made directly in SQL (the reports helper's approval is
 * not needed: a reports row frozen with content, sha256, number and
 * approved_at, and report_files of small bytes with a NUL and bytes above
 * 0x7f), destinations and their queued deliveries (as the approval queues
 * them), and `thidua report deliver --once` on a configuration of the
 * test stack's plus some lines. Include after client.h and push_support.h. */
#ifndef THIDUA_TEST_REPORT_DELIVERY_H
#define THIDUA_TEST_REPORT_DELIVERY_H

static PS_UNUSED int rd_number;

/* An approved report of w's campaign with files of pdf_bytes bytes (0:
 * a small PDF-looking file). Returns its id. */
static PS_UNUSED long long rd_report(const ps_world *w, const char *kind, long pdf_bytes)
{
    char campaign[32], number[64], size[32];
    snprintf(campaign, sizeof campaign, "%lld", w->campaign);
    snprintf(number, sizeof number, "%02d/BC-%s", ++rd_number, w->agency_code);
    snprintf(size, sizeof size, "%ld", pdf_bytes);
    const char *p[] = {campaign, number, kind};
    long long id = t_sql_int(
        "INSERT INTO reports (campaign_id, kind, number, as_of, period_from, period_to, state, figures, content, sha256,"
        " approved_at) VALUES ($1, $3, $2, '2025-06-30', '2025-01-01', '2025-06-30', 'approved', '{}',"
        " jsonb_build_object('kind', $3::text, 'number', $2::text, 'sections', jsonb_build_object('strengths',"
        "   'Hoàn thành 98,6 % chỉ tiêu; đơn vị Văn phòng Sở dẫn đầu.')),"
        " encode(sha256(convert_to($2, 'UTF8')), 'hex'), now()) RETURNING id",
        3, p);
    char rid[32];
    snprintf(rid, sizeof rid, "%lld", id);
    const char *f[] = {rid, size};
    t_sql("INSERT INTO report_files (report_id, format, bytes, sha256)"
          " SELECT $1, 'pdf', b, encode(sha256(b), 'hex') FROM (SELECT CASE WHEN $2::bigint > 0"
          "   THEN convert_to(repeat('x', $2::int), 'UTF8')"
          "   ELSE decode('255044462d312e370a25e2e3cfd30a00ff0d0a312030206f626a0a2525454f460a', 'hex') END AS b) s",
          2, f);
    t_sql("INSERT INTO report_files (report_id, format, bytes, sha256)"
          " SELECT $1, 'xlsx', b, encode(sha256(b), 'hex') FROM (SELECT"
          "   decode('504b0304140000000800' || repeat('00ff7f80', 17) || '504b0506', 'hex') AS b) s",
          1, f);
    return id;
}

/* A destination of w's agency, made in SQL; returns its id. */
static PS_UNUSED long long rd_destination(const ps_world *w, const char *channel, const char *target)
{
    char agency[32];
    snprintf(agency, sizeof agency, "%lld", w->agency);
    const char *p[] = {agency, channel, target};
    return t_sql_int("INSERT INTO report_destinations (agency_id, name, channel, url, address)"
                     " VALUES ($1, 'Khối thi đua các Sở, ngành', $2, CASE WHEN $2 = 'https' THEN $3 END,"
                     " CASE WHEN $2 = 'email' THEN $3 END) RETURNING id",
                     3, p);
}

/* The delivery the approval would queue; returns its id. */
static PS_UNUSED long long rd_queue(long long report, long long destination)
{
    char r[32], d[32];
    snprintf(r, sizeof r, "%lld", report);
    snprintf(d, sizeof d, "%lld", destination);
    const char *p[] = {r, d};
    return t_sql_int("INSERT INTO report_deliveries (report_id, destination_id) VALUES ($1, $2) RETURNING id", 2, p);
}

static PS_UNUSED char *rd_field(const char *table, long long id, const char *column)
{
    char sid[32], sql[256];
    snprintf(sid, sizeof sid, "%lld", id);
    snprintf(sql, sizeof sql, "SELECT %s::text FROM %s WHERE id = $1", column, table);
    const char *p[] = {sid};
    return t_sql(sql, 1, p);
}

static PS_UNUSED void rd_assert_field(const char *table, long long id, const char *column, const char *want)
{
    char *got = rd_field(table, id, column);
    if (!got || strcmp(got, want) != 0) {
        char *err = rd_field(table, id, strcmp(table, "report_deliveries") == 0 ? "last_error" : "state");
        fail_msg("%s %lld: %s is %s, not %s (%s)", table, id, column, got ? got : "NULL", want, err ? err : "-");
    }
    free(got);
}

/* The next attempt of a delivery is due now (the backoff skipped). */
static PS_UNUSED void rd_due_now(long long delivery)
{
    char d[32];
    snprintf(d, sizeof d, "%lld", delivery);
    const char *p[] = {d};
    t_sql("UPDATE report_deliveries SET next_attempt_at = now() WHERE id = $1 AND state = 'queued'", 1, p);
}

/* As if the acknowledgement had been lost: the delivery queued again,
 * due now (what a deliverer killed after the receiver stored it leaves,
 * once its lease ends). */
static PS_UNUSED void rd_requeue(long long delivery)
{
    char d[32];
    snprintf(d, sizeof d, "%lld", delivery);
    const char *p[] = {d};
    t_sql("UPDATE report_deliveries SET state = 'queued', acknowledged_at = NULL, next_attempt_at = now()"
          " WHERE id = $1",
          1, p);
}

/* A configuration for `thidua report deliver`: the stack's, then quick
 * retries, then extra (later lines win). */
static PS_UNUSED const char *rd_config(const char *dir, const char *name, const char *extra)
{
    static char path[1100];
    snprintf(path, sizeof path, "%s/%s.conf", dir, name);
    FILE *in = fopen(ps_env("THIDUA_CONFIG_FILE"), "r");
    if (!in)
        fail_msg("cannot read the stack's configuration");
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    char line[2048];
    while (fgets(line, sizeof line, in))
        fputs(line, out);
    fclose(in);
    fprintf(out,
            "portal_connect_timeout = 2\nreport_timeout = 20\npush_interval = 1\npush_backoff_min = 1\n"
            "push_backoff_max = 2\nreport_max_attempts = 50\n%s",
            extra ? extra : "");
    fclose(out);
    ps_write_file(path, text);
    free(text);
    return path;
}

static PS_UNUSED pid_t rd_start(const char *dir, const char *config, const char *name)
{
    static char bin[1024], cfg[1100];
    char log[1100];
    snprintf(bin, sizeof bin, "%s", ps_env("THIDUA_BIN_PATH"));
    snprintf(cfg, sizeof cfg, "%s", config);
    snprintf(log, sizeof log, "%s/%s.log", dir, name);
    char *argv[] = {bin, "--config", cfg, "report", "deliver", NULL};
    return ps_spawn(argv, log);
}

/* `thidua report deliver --once`: its exit status. */
static PS_UNUSED int rd_once(const char *dir, const char *config, const char *name)
{
    char bin[1024], cfg[1100], log[1100];
    snprintf(bin, sizeof bin, "%s", ps_env("THIDUA_BIN_PATH"));
    snprintf(cfg, sizeof cfg, "%s", config);
    snprintf(log, sizeof log, "%s/%s.log", dir, name);
    char *argv[] = {bin, "--config", cfg, "report", "deliver", "--once", NULL};
    pid_t pid = ps_spawn(argv, log);
    int status = 0;
    waitpid(pid, &status, 0);
    ps_untrack(pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The messages of maildir with that Message-ID ("": all), as
 * tests/smtp/read_mail.py reads them: a JSON array. */
static PS_UNUSED json_t *rd_messages(const char *maildir, const char *message_id)
{
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/smtp/read_mail.py' '%s' '%s'", ps_env("THIDUA_ROOT"), maildir,
             message_id);
    FILE *f = popen(cmd, "r");
    if (!f)
        fail_msg("cannot run %s", cmd);
    json_error_t e;
    json_t *j = json_loadf(f, 0, &e);
    if (pclose(f) != 0 || !json_is_array(j))
        fail_msg("read_mail.py failed on %s: %s", maildir, e.text);
    return j;
}

static PS_UNUSED void rd_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static PS_UNUSED void rd_sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (system(cmd) != 0)
        fail_msg("command failed: %s", cmd);
}

/* A CA (ca1), an unrelated one (ca2) and a certificate for 127.0.0.1 by
 * ca1, in dir. */
static PS_UNUSED void rd_certificates(const char *dir)
{
    const char *ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    rd_sh("cd '%s' && openssl req -x509 %s -keyout ca1.key -out ca1.crt -days 2 -subj '/CN=thidua test CA 1' 2>/dev/null"
          " && openssl req -x509 %s -keyout ca2.key -out ca2.crt -days 2 -subj '/CN=thidua test CA 2' 2>/dev/null"
          " && openssl req %s -keyout server.key -out server.csr -subj '/CN=127.0.0.1' 2>/dev/null"
          " && printf 'basicConstraints=CA:FALSE\\nsubjectAltName=IP:127.0.0.1\\n' > server.ext"
          " && openssl x509 -req -in server.csr -CA ca1.crt -CAkey ca1.key -CAcreateserial -days 2"
          "    -extfile server.ext -out server.crt 2>/dev/null && chmod 0644 *.crt *.key",
          dir, ec, ec, ec);
}

#endif
