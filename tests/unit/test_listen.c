/* test_listen.c — unit tests for fcgi/listen.c (the TCP address of
 * `listen =`, the peers of `listen_allow =`, the check after accept) and
 * for the WAL positions of fcgi/dbroute.c, and the keys in config.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dbroute.h"
#include "listen.h"

static int parse(const char *text, listen_addr *a)
{
    char err[256];
    return listen_parse_addr(text, a, err, sizeof err);
}

static void addresses_with_ports(void **state)
{
    (void)state;
    listen_addr a;
    assert_int_equal(parse("127.0.0.1:9101", &a), 0);
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)&a.sa;
    assert_int_equal(v4->sin_family, AF_INET);
    assert_int_equal(ntohs(v4->sin_port), 9101);
    assert_int_equal(ntohl(v4->sin_addr.s_addr), 0x7f000001);
    assert_int_equal(a.len, sizeof(struct sockaddr_in));
    assert_int_equal(parse("0.0.0.0:65535", &a), 0);
    assert_int_equal(parse("[::1]:1", &a), 0);
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&a.sa;
    assert_int_equal(v6->sin6_family, AF_INET6);
    assert_int_equal(ntohs(v6->sin6_port), 1);
    assert_true(IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr));
    assert_int_equal(parse("[fd00::5]:23140", &a), 0);
}

static void bad_addresses(void **state)
{
    (void)state;
    listen_addr a;
    const char *bad[] = {"", "127.0.0.1", "127.0.0.1:", ":9101", "127.0.0.1:0", "127.0.0.1:65536",
                         "127.0.0.1:09101", "127.0.0.1:91x1", "localhost:9101", "::1:9101", "[::1]9101",
                         "[::1]:", "[127.0.0.1]:9101", "127.0.0.256:80", "[::1:80", "10.0.0.5:-1",
                         "127.0.0.1:999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (parse(bad[i], &a) == 0)
            fail_msg("'%s' was taken", bad[i]);
}

static struct sockaddr_storage peer4(const char *ip, socklen_t *len)
{
    struct sockaddr_storage ss = {0};
    struct sockaddr_in *s = (struct sockaddr_in *)&ss;
    s->sin_family = AF_INET;
    s->sin_port = htons(40000);
    assert_int_equal(inet_pton(AF_INET, ip, &s->sin_addr), 1);
    *len = sizeof *s;
    return ss;
}

static struct sockaddr_storage peer6(const char *ip, socklen_t *len)
{
    struct sockaddr_storage ss = {0};
    struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
    s->sin6_family = AF_INET6;
    s->sin6_port = htons(40000);
    assert_int_equal(inet_pton(AF_INET6, ip, &s->sin6_addr), 1);
    *len = sizeof *s;
    return ss;
}

static bool allowed4(const listen_allow *al, const char *ip)
{
    socklen_t len;
    struct sockaddr_storage ss = peer4(ip, &len);
    return listen_allowed(al, (const struct sockaddr *)&ss, len);
}

static bool allowed6(const listen_allow *al, const char *ip)
{
    socklen_t len;
    struct sockaddr_storage ss = peer6(ip, &len);
    return listen_allowed(al, (const struct sockaddr *)&ss, len);
}

static void the_allow_check(void **state)
{
    (void)state;
    listen_allow al;
    char err[256];
    socklen_t len;
    assert_int_equal(listen_parse_allow("127.0.0.1 10.0.0.5,fd00::7", &al, err, sizeof err), 0);
    assert_false(al.any);
    assert_int_equal(al.n, 3);
    assert_true(allowed4(&al, "127.0.0.1"));
    assert_true(allowed4(&al, "10.0.0.5"));
    assert_false(allowed4(&al, "10.0.0.6"));
    assert_false(allowed4(&al, "127.0.0.2"));
    assert_true(allowed6(&al, "fd00::7"));
    assert_false(allowed6(&al, "fd00::8"));
    /* An IPv4 peer on an IPv6 socket is its IPv4 address. */
    assert_true(allowed6(&al, "::ffff:10.0.0.5"));
    assert_false(allowed6(&al, "::ffff:10.0.0.9"));
    /* ::1 is not 127.0.0.1: each is written if wanted. */
    assert_false(allowed6(&al, "::1"));
    /* A short address length is refused, not read past. */
    struct sockaddr_storage ss = peer4("127.0.0.1", &len);
    assert_false(listen_allowed(&al, (const struct sockaddr *)&ss, 4));
    /* A Unix peer is not a TCP peer. */
    struct sockaddr_storage un = {0};
    un.ss_family = AF_UNIX;
    assert_false(listen_allowed(&al, (const struct sockaddr *)&un, sizeof un));

    assert_int_equal(listen_parse_allow("any", &al, err, sizeof err), 0);
    assert_true(allowed4(&al, "203.0.113.9"));
    assert_true(allowed6(&al, "2001:db8::1"));
}

static void bad_allow_lists(void **state)
{
    (void)state;
    listen_allow al;
    char err[256];
    const char *bad[] = {"", "   ", "localhost", "127.0.0.1 any", "10.0.0.0/8", "127.0.0.1 300.1.1.1", "*"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (listen_parse_allow(bad[i], &al, err, sizeof err) == 0)
            fail_msg("'%s' was taken", bad[i]);
    assert_non_null(strstr(err, "*"));
}

static void a_listener_binds_and_refuses_a_port_in_use(void **state)
{
    (void)state;
    int fd = listen_bind_tcp("127.0.0.1:0");
    assert_int_equal(fd, -1); /* port 0 is not a port to name */
    /* Find a free port through the kernel, then bind it twice. */
    int probe = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    assert_int_equal(bind(probe, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(probe, (struct sockaddr *)&sa, &len), 0);
    close(probe);
    char text[32];
    snprintf(text, sizeof text, "127.0.0.1:%u", ntohs(sa.sin_port));
    fd = listen_bind_tcp(text);
    assert_true(fd >= 0);
    assert_int_equal(listen_bind_tcp(text), -1);
    close(fd);
}

static void wal_positions(void **state)
{
    (void)state;
    unsigned long long l;
    assert_int_equal(dbroute_lsn_parse("0/0", &l), 0);
    assert_true(l == 0);
    assert_int_equal(dbroute_lsn_parse("0/16B3748", &l), 0);
    assert_true(l == 0x16B3748ULL);
    assert_int_equal(dbroute_lsn_parse("16/B374D848", &l), 0);
    assert_true(l == 0x16B374D848ULL);
    assert_int_equal(dbroute_lsn_parse("FFFFFFFF/FFFFFFFF", &l), 0);
    assert_true(l == 0xFFFFFFFFFFFFFFFFULL);
    /* Ordered as numbers, not as text: 0/A0000000 is after 0/9FFFFFFF. */
    unsigned long long a, b;
    assert_int_equal(dbroute_lsn_parse("0/9FFFFFFF", &a), 0);
    assert_int_equal(dbroute_lsn_parse("0/A0000000", &b), 0);
    assert_true(a < b);
    assert_int_equal(dbroute_lsn_parse("1/0", &b), 0);
    assert_true(b > 0xFFFFFFFFULL);
    const char *bad[] = {"", "/", "0/", "/0", "0", "0/G", "123456789/0", "0/123456789", "0/0/0", " 0/0", "-1/0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (dbroute_lsn_parse(bad[i], &l) == 0)
            fail_msg("'%s' was taken", bad[i]);
}

static char path[64];

static int load_text(const char *text, config *cfg, char *err, size_t errlen)
{
    snprintf(path, sizeof path, "/tmp/thidua-test-listen-%ld.conf", (long)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    int rc = config_load(cfg, path, err, errlen);
    unlink(path);
    return rc;
}

static void the_configuration_keys(void **state)
{
    (void)state;
    static config cfg;
    char err[512];
    unsetenv("THIDUA_LISTEN");
    unsetenv("THIDUA_LISTEN_ALLOW");
    unsetenv("THIDUA_DATABASE_READ_URL");
    unsetenv("THIDUA_REPLICA_MAX_LAG");
    unsetenv("THIDUA_REPLICA_RETRY");
    assert_int_equal(load_text("socket = /tmp/x.sock\n", &cfg, err, sizeof err), 0);
    assert_string_equal(cfg.listen, "");
    assert_string_equal(cfg.listen_allow, "127.0.0.1");
    assert_string_equal(cfg.database_read_url, "");
    assert_true(cfg.replica_max_lag == 16777216);
    assert_int_equal(cfg.replica_retry, 5);
    assert_int_equal(load_text("socket =\nlisten = 10.0.0.2:9101\nlisten_allow = 10.0.0.1 10.0.0.3\n"
                               "database_read_url = postgresql://r1/thidua\ndatabase_read_url = postgresql://r2/thidua\n"
                               "replica_max_lag = 1048577\nreplica_retry = 3\n",
                               &cfg, err, sizeof err),
                     0);
    assert_string_equal(cfg.socket, "");
    assert_string_equal(cfg.listen, "10.0.0.2:9101");
    assert_string_equal(cfg.listen_allow, "10.0.0.1 10.0.0.3");
    assert_string_equal(cfg.database_read_url, "postgresql://r1/thidua postgresql://r2/thidua");
    assert_true(cfg.replica_max_lag == 1048577);
    assert_int_equal(cfg.replica_retry, 3);
    /* The environment wins. */
    setenv("THIDUA_LISTEN", "[::1]:23999", 1);
    setenv("THIDUA_LISTEN_ALLOW", "any", 1);
    setenv("THIDUA_DATABASE_READ_URL", "postgresql://r3/thidua", 1);
    setenv("THIDUA_REPLICA_RETRY", "7", 1);
    assert_int_equal(load_text("listen = 10.0.0.2:9101\ndatabase_read_url = postgresql://r1/thidua\n", &cfg, err,
                               sizeof err),
                     0);
    assert_string_equal(cfg.listen, "[::1]:23999");
    assert_string_equal(cfg.listen_allow, "any");
    assert_string_equal(cfg.database_read_url, "postgresql://r3/thidua");
    assert_int_equal(cfg.replica_retry, 7);
    unsetenv("THIDUA_LISTEN");
    unsetenv("THIDUA_LISTEN_ALLOW");
    unsetenv("THIDUA_DATABASE_READ_URL");
    unsetenv("THIDUA_REPLICA_RETRY");
    /* Refused: a bad address, a bad allow list, a retry of 0. */
    assert_int_equal(load_text("listen = localhost:9101\n", &cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "localhost"));
    assert_int_equal(load_text("listen = 127.0.0.1:9101\nlisten_allow = 10.0.0.0/8\n", &cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "listen_allow"));
    assert_int_equal(load_text("replica_retry = 0\n", &cfg, err, sizeof err), -1);
    setenv("THIDUA_REPLICA_MAX_LAG", "-5", 1);
    assert_int_equal(load_text("socket = /tmp/x.sock\n", &cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "THIDUA_REPLICA_MAX_LAG"));
    unsetenv("THIDUA_REPLICA_MAX_LAG");
}

int main(void)
{
    unsetenv("THIDUA_DATABASE_URL");
    unsetenv("THIDUA_DATABASE_OWNER_URL");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(addresses_with_ports),
        cmocka_unit_test(bad_addresses),
        cmocka_unit_test(the_allow_check),
        cmocka_unit_test(bad_allow_lists),
        cmocka_unit_test(a_listener_binds_and_refuses_a_port_in_use),
        cmocka_unit_test(wal_positions),
        cmocka_unit_test(the_configuration_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
