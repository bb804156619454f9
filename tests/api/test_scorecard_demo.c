/* Scorecard against an independent oracle: the demo campaign (sql/demo/,
 * loaded here when the test database does not have it) and
 * tests/demo/expected.sql, which computes the expected scorecard straight
 * from targets.md in SQL, without the summary tables or any C. Every row
 * it prints (every target at each of its dates) must be what the API
 * answers: numerator, denominator, value, threshold and status. */
#include "sc_fixture.h"

#include <unistd.h>

static char *token;

/* Runs psql on the test database with args; its output (malloc'd) or
 * NULL with the test failed. */
static char *psql(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "psql '%s' -X -v ON_ERROR_STOP=1 -q %s", getenv("THIDUA_TEST_DB"), args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 65536, len = 0;
    char *out = malloc(cap);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 1024) {
            cap *= 2;
            out = realloc(out, cap);
        }
    }
    out[len] = '\0';
    int rc = pclose(p);
    if (rc != 0)
        fail_msg("psql failed (%d): %s", rc, cmd);
    return out;
}

static void load_demo(void)
{
    if (sc_sql("SELECT count(*) FROM units WHERE code = 'SNV' AND kind = 'agency'") > 0)
        return;
    const char *root = getenv("THIDUA_ROOT");
    const char *files[] = {"01_units", "02_staff", "03_campaign", "04_study", "05_tasks", "06_decisions",
                           "07_exemplars", "08_awards_facts", "99_check"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char args[1024];
        snprintf(args, sizeof args, "-1 -f '%s/sql/demo/%s.sql' >/dev/null", root, files[i]);
        free(psql(args));
    }
}

/* A JSON value as the oracle prints it: 93.75, 100.00, HTTNV, true, 4. */
static void assert_same(const char *what, const char *code, const json_t *v, const char *expected)
{
    if (!*expected) {
        if (!json_is_null(v))
            fail_msg("%s %s: expected null", code, what);
        return;
    }
    if (json_is_string(v)) {
        if (strcmp(json_string_value(v), expected) != 0)
            fail_msg("%s %s: expected %s, got %s", code, what, expected, json_string_value(v));
    } else if (json_is_boolean(v)) {
        if (strcmp(json_is_true(v) ? "true" : "false", expected) != 0)
            fail_msg("%s %s: expected %s", code, what, expected);
    } else if (json_is_number(v)) {
        long long got = (long long)(json_number_value(v) * 100 + (json_number_value(v) >= 0 ? 0.5 : -0.5));
        long long want = (long long)(strtod(expected, NULL) * 100 + 0.5);
        if (got != want)
            fail_msg("%s %s: expected %s, got %g", code, what, expected, json_number_value(v));
    } else {
        fail_msg("%s %s: expected %s, got null", code, what, expected);
    }
}

static void scorecard_matches_the_oracle(void **state)
{
    (void)state;
    long long campaign = sc_sql("SELECT c.id FROM campaigns c JOIN units a ON a.id = c.agency_id"
                                " WHERE a.code = 'SNV' AND a.kind = 'agency' AND c.code = 'TD2025'");
    char args[1024];
    snprintf(args, sizeof args, "-A -t -F '|' -f '%s/tests/demo/expected.sql'", getenv("THIDUA_ROOT"));
    char *out = psql(args);
    int rows = 0;
    char last_date[16] = "";
    t_resp *r = NULL;
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        /* as_of|#|code|num|den|value|threshold|status (the summary lines have 5 fields) */
        char *f[8];
        int n = 0;
        for (char *p = line; n < 8; n++) {
            f[n] = p;
            char *bar = strchr(p, '|');
            if (!bar) {
                n++;
                break;
            }
            *bar = '\0';
            p = bar + 1;
        }
        if (n != 8)
            continue;
        if (strcmp(last_date, f[0]) != 0) {
            t_free(r);
            r = sc_get(token, campaign, f[0]);
            snprintf(last_date, sizeof last_date, "%s", f[0]);
        }
        json_t *t = sc_find(r, f[2]);
        if (strcmp(json_string_value(json_object_get(t, "status")), f[7]) != 0)
            fail_msg("%s %s: expected %s, got %s", f[0], f[2], f[7], json_string_value(json_object_get(t, "status")));
        assert_same("numerator", f[2], json_object_get(t, "numerator"), f[3]);
        assert_same("denominator", f[2], json_object_get(t, "denominator"), f[4]);
        assert_same("value", f[2], json_object_get(t, "value"), f[5]);
        assert_same("threshold", f[2], json_object_get(t, "threshold"), f[6]);
        rows++;
    }
    t_free(r);
    free(out);
    /* Twelve targets at three dates. */
    assert_true(rows >= 36);
}

int main(void)
{
    t_init();
    load_demo();
    /* A viewer of the demo agency (the installation holds many). */
    token = t_user("scdemo_viewer", "viewer", NULL, "SNV");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scorecard_matches_the_oracle),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(token);
    return rc;
}
