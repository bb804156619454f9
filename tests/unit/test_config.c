/* test_config.c — unit tests for fcgi/config.c: the two connection
 * strings (the application's and the schema owner's) from the file and the
 * environment, and the keys of sessions and logins. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char path[64];

/* A configuration file holding text; unsets the environment it reads. */
static void write_config(const char *text)
{
    snprintf(path, sizeof path, "/tmp/thidua-test-config-%ld.conf", (long)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    unsetenv("THIDUA_DATABASE_URL");
    unsetenv("THIDUA_DATABASE_OWNER_URL");
}

/* config_load of that file, which must succeed. */
static void load(config *cfg)
{
    char err[256];
    if (config_load(cfg, path, err, sizeof err) != 0)
        fail_msg("config_load: %s", err);
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    unsetenv("THIDUA_DATABASE_URL");
    unsetenv("THIDUA_DATABASE_OWNER_URL");
    return 0;
}

static void owner_url_defaults_to_database_url(void **state)
{
    (void)state;
    config cfg;
    write_config("database_url = postgresql:///thidua?user=thidua_app\n");
    load(&cfg);
    assert_string_equal(cfg.database_owner_url, "");
    assert_string_equal(config_owner_url(&cfg), "postgresql:///thidua?user=thidua_app");
}

static void owner_url_from_the_file(void **state)
{
    (void)state;
    config cfg;
    write_config("database_url = postgresql:///thidua?user=thidua_app\n"
                 "database_owner_url = postgresql:///thidua?user=thidua_owner\n");
    load(&cfg);
    assert_string_equal(cfg.database_url, "postgresql:///thidua?user=thidua_app");
    assert_string_equal(config_owner_url(&cfg), "postgresql:///thidua?user=thidua_owner");
}

/* THIDUA_DATABASE_URL alone names another database: migrate goes there
 * too, not to the file's owner URL. */
static void environment_url_replaces_both(void **state)
{
    (void)state;
    config cfg;
    write_config("database_url = postgresql:///thidua?user=thidua_app\n"
                 "database_owner_url = postgresql:///thidua?user=thidua_owner\n");
    setenv("THIDUA_DATABASE_URL", "postgresql://db.example/other", 1);
    load(&cfg);
    assert_string_equal(cfg.database_url, "postgresql://db.example/other");
    assert_string_equal(config_owner_url(&cfg), "postgresql://db.example/other");
    setenv("THIDUA_DATABASE_OWNER_URL", "postgresql://owner@db.example/other", 1);
    load(&cfg);
    assert_string_equal(cfg.database_url, "postgresql://db.example/other");
    assert_string_equal(config_owner_url(&cfg), "postgresql://owner@db.example/other");
}

/* The session keys (fcgi/api/sessions.c): defaults, values, refusals. */
static void login_keys(void **state)
{
    (void)state;
    config cfg;
    char err[256];
    write_config("database_url = x\n");
    load(&cfg);
    assert_false(cfg.cookie_secure);
    assert_int_equal(cfg.login_max_failures, 5);
    assert_int_equal(cfg.login_window, 900);
    assert_int_equal(cfg.login_lockout, 900);
    assert_int_equal(cfg.login_lockout_max, 14400);

    write_config("cookie_secure = true\nlogin_max_failures = 3\nlogin_window = 301\nlogin_lockout = 7\n"
                 "login_lockout_max = 99\n");
    load(&cfg);
    assert_true(cfg.cookie_secure);
    assert_int_equal(cfg.login_max_failures, 3);
    assert_int_equal(cfg.login_window, 301);
    assert_int_equal(cfg.login_lockout, 7);
    assert_int_equal(cfg.login_lockout_max, 99);

    static const char *const bad[] = {"cookie_secure = yes\n", "cookie_secure = 1\n", "login_max_failures = 0\n",
                                      "login_window = 0\n", "login_lockout = -5\n",
                                      "login_lockout = 600\nlogin_lockout_max = 599\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_config(bad[i]);
        if (config_load(&cfg, path, err, sizeof err) == 0)
            fail_msg("accepted: %s", bad[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(owner_url_defaults_to_database_url, teardown),
        cmocka_unit_test_teardown(owner_url_from_the_file, teardown),
        cmocka_unit_test_teardown(environment_url_replaces_both, teardown),
        cmocka_unit_test_teardown(login_keys, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
