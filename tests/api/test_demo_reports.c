/* The demo's reports (sql/demo/README.md, step 4 of deploy/demo.sh),
 * loaded as `make run` loads them, through the API of the running server:
 * the mid-year report of TD2025 approved as 45/BC-SNV dated 2025-07-08
 * ("Sóc Trăng, ngày 08 tháng 7 năm 2025") with its sections,
 * its SHA-256 that of its canonical content, its stored PDF the one served
 * (Quốc hiệu, "Số: 45/BC-SNV", the agency's heading and place), one
 * delivery to the demo's e-mail destination; the year-end report a draft
 * with its five sections; a second load adds nothing. */
#include "report_fixture.h"

#include <sys/wait.h>

static char *office;
static long long campaign;

/* deploy/demo.sh with the server's URL: its exit status, its output in out. */
static int load(char *out, size_t cap)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s/deploy/demo.sh' '%s' '%s' test '%s' 2>&1", getenv("THIDUA_ROOT"),
             getenv("THIDUA_CONFIG_FILE"), getenv("THIDUA_BIN_PATH"), t_url());
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t len = fread(out, 1, cap - 1, p);
    out[len] = '\0';
    int rc = pclose(p);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static long long report_of(const char *kind)
{
    const char *p[] = {rx_num(campaign), kind};
    return t_sql_int("SELECT coalesce(min(id), 0) FROM reports WHERE campaign_id = $1::bigint AND kind = $2", 2, p);
}

static long long count_of(const char *sql)
{
    const char *p[] = {rx_num(campaign)};
    return t_sql_int(sql, 1, p);
}

static void mid_year_approved_and_verified(void **state)
{
    (void)state;
    long long id = report_of("mid_year");
    assert_true(id > 0);
    t_resp *r = t_getf(office, "/api/v1/reports/%lld", id);
    t_assert_status(r, 200);
    const char *st = t_json_str(r->json, "state");
    assert_true(strcmp(st, "approved") == 0 || strcmp(st, "delivered") == 0);
    assert_string_equal(t_json_str(r->json, "number"), "45/BC-SNV");
    assert_string_equal(t_json_str(r->json, "as_of"), "2025-06-30");
    assert_string_equal(t_json_str(r->json, "dated"), "2025-07-08"); /* the date of issue, in July 2025 */
    json_t *sections = json_object_get(r->json, "sections");
    assert_non_null(strstr(t_json_str(sections, "strengths"), "Kế hoạch số 25/KH-SNV"));
    assert_non_null(t_json_str(sections, "next_steps"));
    assert_non_null(t_json_str(json_object_get(json_object_get(r->json, "figures"), "agency"), "parent_body"));
    char mine[65];
    rx_content_sha256(r->json, mine);
    assert_string_equal(t_json_str(r->json, "sha256"), mine);
    t_free(r);

    /* The PDF served is the one stored (by the first who asked for it). */
    r = t_getf(office, "/api/v1/reports/%lld?format=pdf", id);
    t_assert_status(r, 200);
    char got[65];
    rx_sha256(r->body, r->len, got);
    const char *p[] = {rx_num(id)};
    char *stored = t_sql("SELECT sha256 FROM report_files WHERE report_id = $1::bigint AND format = 'pdf'", 1, p);
    assert_string_equal(got, stored);
    free(stored);
    const char *path = rx_artifact("demo-mid-year.pdf");
    rx_write(path, r->body, r->len);
    t_free(r);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "pdftotext -layout -enc UTF-8 '%s' -", path);
    char *text = rx_run(cmd);
    assert_non_null(strstr(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert_non_null(strstr(text, "UBND TỈNH SÓC TRĂNG"));
    assert_non_null(strstr(text, "Số: 45/BC-SNV"));
    assert_non_null(strstr(text, "Sóc Trăng, ngày 08 tháng 7 năm 2025"));
    free(text);

    /* Queued (or already sent) to the demo's e-mail destination. */
    assert_int_equal(count_of("SELECT count(*) FROM report_deliveries d JOIN reports r ON r.id = d.report_id"
                              " JOIN report_destinations x ON x.id = d.destination_id"
                              " WHERE r.campaign_id = $1::bigint AND r.kind = 'mid_year'"
                              " AND x.address = 'khoithidua@example.vn'"),
                     1);
}

static void year_end_draft_with_sections(void **state)
{
    (void)state;
    long long id = report_of("year_end");
    assert_true(id > 0);
    t_resp *r = t_getf(office, "/api/v1/reports/%lld", id);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "state"), "draft");
    assert_true(json_is_null(json_object_get(r->json, "sha256")));
    assert_true(json_is_null(json_object_get(r->json, "number")));
    static const char *const keys[] = {"strengths", "shortcomings", "lessons", "next_steps", "proposals"};
    json_t *sections = json_object_get(r->json, "sections");
    for (size_t i = 0; i < 5; i++)
        if (!json_is_string(json_object_get(sections, keys[i])))
            fail_msg("year-end section %s empty: %s", keys[i], r->body);
    assert_int_equal(count_of("SELECT count(*) FROM report_deliveries d JOIN reports r ON r.id = d.report_id"
                              " WHERE r.campaign_id = $1::bigint AND r.kind = 'year_end'"),
                     0);
    t_free(r);
}

static void second_load_adds_nothing(void **state)
{
    (void)state;
    long long reports = count_of("SELECT count(*) FROM reports WHERE campaign_id = $1::bigint");
    long long deliveries = count_of("SELECT count(*) FROM report_deliveries d JOIN reports r ON r.id = d.report_id"
                                    " WHERE r.campaign_id = $1::bigint");
    char out[4096];
    int rc = load(out, sizeof out);
    if (rc != 0)
        fail_msg("deploy/demo.sh again: %d %s", rc, out);
    assert_null(strstr(out, "making"));
    assert_int_equal(count_of("SELECT count(*) FROM reports WHERE campaign_id = $1::bigint"), reports);
    assert_int_equal(count_of("SELECT count(*) FROM report_deliveries d JOIN reports r ON r.id = d.report_id"
                              " WHERE r.campaign_id = $1::bigint"),
                     deliveries);
    assert_int_equal(reports, 2);
}

int main(void)
{
    t_init();
    char out[4096];
    int rc = load(out, sizeof out);
    if (rc != 0) {
        fprintf(stderr, "deploy/demo.sh: %d %s\n", rc, out);
        return 1;
    }
    campaign = t_sql_int("SELECT c.id FROM campaigns c JOIN units a ON a.id = c.agency_id"
                         " WHERE a.code = 'SNV' AND a.kind = 'agency' AND c.code = 'TD2025'",
                         0, NULL);
    office = t_login("office", "thidua-demo");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mid_year_approved_and_verified),
        cmocka_unit_test(year_end_draft_with_sections),
        cmocka_unit_test(second_load_adds_nothing),
    };
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(office);
    return rc;
}
