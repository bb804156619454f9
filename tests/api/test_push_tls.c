/* `thidua push` over HTTPS: a private CA made with openssl for this run,
 * nginx terminating TLS in front of the stand-in portal. A bundle of the
 * wrong CA, or a name the certificate does not carry, is refused before
 * anything is sent (the stand-in sees no request; the error is recorded);
 * the right bundle delivers, signed. */
#include "client.h"
#include "push_support.h"

#define TLS_PORT ps_port(2)
#define PORTAL_PORT ps_port(3)
#define CONTROL_PORT ps_port(4)

static ps_world W;
static ps_portal P;
static const char *dir;
static pid_t nginx_pid;

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (system(cmd) != 0)
        fail_msg("command failed: %s", cmd);
}

/* Two unrelated CAs; a certificate for 127.0.0.1 (only) signed by the first. */
static void make_certificates(void)
{
    const char *ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    sh("cd '%s' && openssl req -x509 %s -keyout ca1.key -out ca1.crt -days 2 -subj '/CN=thidua test CA 1' 2>/dev/null"
       " && openssl req -x509 %s -keyout ca2.key -out ca2.crt -days 2 -subj '/CN=thidua test CA 2' 2>/dev/null"
       " && openssl req %s -keyout server.key -out server.csr -subj '/CN=127.0.0.1' 2>/dev/null"
       " && printf 'basicConstraints=CA:FALSE\\nsubjectAltName=IP:127.0.0.1\\n' > server.ext"
       " && openssl x509 -req -in server.csr -CA ca1.crt -CAkey ca1.key -CAcreateserial -days 2"
       "    -extfile server.ext -out server.crt 2>/dev/null && chmod 0644 *.crt",
       dir, ec, ec, ec);
}

static void start_nginx(void)
{
    char conf[1100], text[4096];
    snprintf(conf, sizeof conf, "%s/nginx.conf", dir);
    snprintf(text, sizeof text,
             "daemon off;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/nginx-error.log warn;\n"
             "events { worker_connections 64; }\n"
             "http {\n  access_log %s/nginx-access.log;\n"
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
    /* ready when the TLS port accepts */
    for (int i = 0; i < 100; i++) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "exec 3<>/dev/tcp/127.0.0.1/%d", TLS_PORT);
        char full[400];
        snprintf(full, sizeof full, "bash -c '%s' 2>/dev/null", cmd);
        if (system(full) == 0)
            return;
        ps_sleep_ms(100);
    }
    fail_msg("nginx did not start (see %s)", errlog);
}

static int group_setup(void **state)
{
    (void)state;
    ps_world_make(&W, "ptls");
    dir = ps_dir("tls");
    make_certificates();
    ps_portal_start(&P, dir, PORTAL_PORT, CONTROL_PORT);
    start_nginx();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (nginx_pid > 0)
        ps_stop(nginx_pid);
    ps_kill_all();
    ps_world_free(&W);
    return 0;
}

static const char *tls_config(const char *name, const char *host, const char *ca)
{
    char url[256], extra[1200];
    snprintf(url, sizeof url, "https://%s:%d/api/thidua/publications", host, TLS_PORT);
    snprintf(extra, sizeof extra, "portal_ca_file = %s/%s\n", dir, ca);
    return ps_push_config(dir, name, url, P.secret_file, extra);
}

static long long requests_seen(void)
{
    json_t *r = ps_received(&P);
    long long n = ps_count(r, "requests");
    json_decref(r);
    return n;
}

static void wrong_ca_or_name_refused_nothing_sent(void **state)
{
    (void)state;
    long long pub = ps_approved(&W, "Qua kết nối được xác thực");
    char id[32];
    snprintf(id, sizeof id, "%lld", pub);
    const char *p[] = {id};
    long long before = requests_seen();
    /* the wrong CA */
    assert_int_equal(ps_push_once(dir, tls_config("push-wrong-ca", "127.0.0.1", "ca2.crt"), "push-wrong-ca"), 0);
    char *e = ps_pub_field(pub, "last_error");
    assert_non_null(e);
    assert_non_null(strstr(e, "chứng chỉ TLS"));
    free(e);
    char *s = ps_pub_field(pub, "state");
    assert_string_equal(s, "queued");
    free(s);
    assert_null(ps_pub_field(pub, "sent_at"));
    /* a name the certificate does not carry, with the right CA */
    t_sql("UPDATE publications SET next_attempt_at = now(), last_error = NULL WHERE id = $1", 1, p);
    assert_int_equal(ps_push_once(dir, tls_config("push-wrong-name", "localhost", "ca1.crt"), "push-wrong-name"), 0);
    e = ps_pub_field(pub, "last_error");
    assert_non_null(e);
    assert_non_null(strstr(e, "chứng chỉ TLS"));
    free(e);
    /* nothing reached the portal behind nginx, in clear or otherwise */
    assert_int_equal(requests_seen(), before);
}

static void right_ca_delivers_signed(void **state)
{
    (void)state;
    long long pub = ps_approved(&W, "Đăng qua HTTPS");
    assert_int_equal(ps_push_once(dir, tls_config("push-right-ca", "127.0.0.1", "ca1.crt"), "push-right-ca"), 0);
    char *s = ps_pub_field(pub, "state");
    assert_string_equal(s, "sent");
    free(s);
    char *key = ps_pub_field(pub, "idempotency_key");
    json_t *r = ps_received(&P);
    json_t *it = ps_item(r, key);
    assert_non_null(it);
    assert_int_equal(json_integer_value(json_object_get(it, "times")), 1);
    assert_int_equal(ps_count(r, "bad_signatures"), 0);
    assert_string_equal(t_json_str(json_object_get(it, "doc"), "kind"), "exemplar");
    json_decref(r);
    free(key);
}

int main(void)
{
    t_init();
    atexit(ps_kill_all);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wrong_ca_or_name_refused_nothing_sent),
        cmocka_unit_test(right_ca_delivers_signed),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
