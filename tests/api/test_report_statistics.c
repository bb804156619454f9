/* Award statistics (reports.md "Award statistics"): the awards decided in
 * the sector's statistical year (01/12 of the year before to 30/11), of
 * every campaign of the agency, counted by subject (collectives;
 * individuals by leader_level) and kind of achievement (thường xuyên,
 * chuyên đề, đột xuất) in rows, by award in columns; totals that add up
 * both ways; each cell traced to the awards it counts (?explain=row,col),
 * the same after approval; the period's edges (30/11 in, 01/12 and 20/11
 * of the year before out); awards of another agency, proposals refused
 * upward, not counted; the workbook's statistics sheet as numbers. */
#include "client.h"
#include "report_fixture.h"

static char *admin, *office, *director, *viewer;
static long long agency, d1, d2, other_agency, c24, c25, other_c25;
static long long l1, l2, w1, w2, w3;
static char agency_code[64], other_code[64];
static long long report_id;

static long long nomination(long long camp, long long staff, const char *award, const char *state, long long decision,
                            const char *ach)
{
    const char *p[] = {rx_num(camp), rx_num(staff), award, state, decision ? rx_num(decision) : NULL, ach};
    return t_sql_int("INSERT INTO nominations (campaign_id, subject_type, staff_id, award, state, decision_id, achievement)"
                     " VALUES ($1, 'staff', $2, $3, $4, $5, $6) RETURNING id",
                     6, p);
}

static void outcome(long long n, bool granted, const char *no, const char *on)
{
    const char *p[] = {rx_num(n), granted ? "t" : "f", no, on};
    t_sql_int("INSERT INTO award_outcomes (nomination_id, granted, decision_no, decided_on)"
              " VALUES ($1, $2, $3, $4) RETURNING id",
              4, p);
}

static void setup_world(void)
{
    c24 = fx_campaign(agency, "STA-2024", "2024-01-01", "2024-12-31", "2025-01-31");
    c25 = fx_campaign(agency, "STA-2025", "2025-01-01", "2025-12-31", "2026-01-31");
    other_c25 = fx_campaign(other_agency, "STA-2025", "2025-01-01", "2025-12-31", "2026-01-31");
    l1 = rx_person(d1, "S1", "Nguyễn Văn Lãnh", "agency");
    l2 = rx_person(d2, "S2", "Trần Thị Đạo", "unit");
    w1 = rx_person(d1, "S3", "Lê Thị Ánh", "none");
    w2 = rx_person(d2, "S4", "Phạm Văn Bình", "none");
    w3 = rx_person(d2, "S5", "Hoàng Thị Cúc", "none");
    long long ow = rx_person(fx_unit(admin, other_agency, "SX1", "division", NULL), "SX1", "Người cơ quan khác", "none");

    rx_title(c24, "staff", w1, "LDTT", "90/QĐ-SNV", "2024-12-10", "thuong_xuyen"); /* in: the year starts 01/12 */
    rx_title(c24, "staff", w2, "LDTT", "80/QĐ-SNV", "2024-11-20", "thuong_xuyen"); /* out: the year before */
    rx_title(c25, "staff", l1, "CSTDCS", "20/QĐ-SNV", "2025-06-01", "thuong_xuyen");
    rx_title(c25, "staff", l2, "LDTT", "21/QĐ-SNV", "2025-06-01", "chuyen_de");
    rx_title(c25, "staff", w1, "LDTT", "30/QĐ-SNV", "2025-11-30", "dot_xuat"); /* in: the last day */
    rx_title(c25, "staff", w2, "LDTT", "31/QĐ-SNV", "2025-12-01", "thuong_xuyen"); /* out: the next year */
    rx_title(c25, "staff", w3, "CSTDCS", "22/QĐ-SNV", "2025-03-03", "chuyen_de");
    rx_title(c25, "unit", d1, "TTLDXS", "23/QĐ-SNV", "2025-10-10", "thuong_xuyen");
    rx_title(other_c25, "staff", ow, "LDTT", "1/QĐ-X", "2025-06-01", "thuong_xuyen"); /* another agency */
    /* Through nominations: decided by the agency, granted or refused upward. */
    const char *p[] = {rx_num(c25)};
    long long dec = t_sql_int("INSERT INTO award_decisions (campaign_id, decision_no, decided_on)"
                              " VALUES ($1, '40/QĐ-SNV', '2025-09-09') RETURNING id",
                              1, p);
    nomination(c25, w3, "GIAY_KHEN", "decided", dec, "dot_xuat");
    outcome(nomination(c25, l2, "BK_TINH", "granted", dec, "thuong_xuyen"), true, "300/QĐ-UBND", "2025-10-20");
    outcome(nomination(c25, w2, "BK_TINH", "refused", dec, "thuong_xuyen"), false, "301/QĐ-UBND", "2025-10-20");
}

static const json_t *row_of(const json_t *st, const char *key)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(st, "rows"), i, r) if (strcmp(t_json_str(r, "key"), key) == 0) return r;
    fail_msg("no row %s", key);
    return NULL;
}

static long long cell(const json_t *st, const char *row, const char *award)
{
    return t_json_int(json_object_get(row_of(st, row), "counts"), award);
}

static void counts_add_up(void **state)
{
    (void)state;
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/reports", c25);
    t_resp *r = t_post(path, office, "{\"kind\":\"award_statistics\"}");
    t_assert_status(r, 201);
    report_id = t_json_int(r->json, "id");
    assert_string_equal(t_json_str(r->json, "period_from"), "2024-12-01");
    assert_string_equal(t_json_str(r->json, "period_to"), "2025-11-30");
    const json_t *f = json_object_get(r->json, "figures"), *st = json_object_get(f, "statistics");
    assert_non_null(st);
    /* Columns: the awards counted, in the order of the award table. */
    const char *cols[] = {"LDTT", "CSTDCS", "BK_TINH", "GIAY_KHEN", "TTLDXS"};
    const json_t *c = json_object_get(st, "columns");
    assert_int_equal(json_array_size(c), 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(t_json_str(json_array_get(c, i), "award"), cols[i]);
    /* Every subject and kind a row. */
    assert_int_equal(json_array_size(json_object_get(st, "rows")), 12);
    assert_int_equal(cell(st, "worker.thuong_xuyen", "LDTT"), 1);
    assert_int_equal(cell(st, "worker.dot_xuat", "LDTT"), 1);
    assert_int_equal(cell(st, "worker.dot_xuat", "GIAY_KHEN"), 1);
    assert_int_equal(t_json_int(row_of(st, "worker.dot_xuat"), "total"), 2);
    assert_int_equal(cell(st, "worker.chuyen_de", "CSTDCS"), 1);
    assert_int_equal(cell(st, "leader_agency.thuong_xuyen", "CSTDCS"), 1);
    assert_int_equal(cell(st, "leader_unit.chuyen_de", "LDTT"), 1);
    assert_int_equal(cell(st, "leader_unit.thuong_xuyen", "BK_TINH"), 1);
    assert_int_equal(cell(st, "collective.thuong_xuyen", "TTLDXS"), 1);
    assert_int_equal(t_json_int(row_of(st, "collective.dot_xuat"), "total"), 0);
    /* Totals add up across rows and columns. */
    const json_t *tot = json_object_get(st, "totals");
    assert_int_equal(t_json_int(tot, "total"), 8);
    assert_int_equal(t_json_int(json_object_get(f, "awards"), "total"), 8);
    long long sum_rows = 0;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(st, "rows"), i, row) {
        long long s = 0;
        for (size_t k = 0; k < 5; k++)
            s += t_json_int(json_object_get(row, "counts"), cols[k]);
        assert_int_equal(s, t_json_int(row, "total"));
        sum_rows += s;
    }
    assert_int_equal(sum_rows, 8);
    for (size_t k = 0; k < 5; k++) {
        long long s = 0;
        json_array_foreach(json_object_get(st, "rows"), i, row) s += t_json_int(json_object_get(row, "counts"), cols[k]);
        assert_int_equal(s, t_json_int(json_object_get(tot, "counts"), cols[k]));
    }
    assert_int_equal(t_json_int(json_object_get(tot, "counts"), "LDTT"), 3);
    t_free(r);
}

/* The items of ?explain=spec, checked against want (count). */
static json_t *explain(const char *spec, size_t want)
{
    t_resp *r = t_getf(viewer, "/api/v1/reports/%lld?explain=%s", report_id, spec);
    t_assert_status(r, 200);
    json_t *items = json_incref(json_object_get(r->json, "items"));
    if (json_array_size(items) != want || t_json_int(r->json, "count") != (long long)want ||
        t_json_int(r->json, "counted") != (long long)want)
        fail_msg("explain %s: want %zu, got %s", spec, want, r->body);
    t_free(r);
    return items;
}

static void cells_explained(void **state)
{
    (void)state;
    json_t *x = explain("worker.dot_xuat,LDTT", 1);
    json_t *it = json_array_get(x, 0);
    assert_string_equal(t_json_str(it, "subject_name"), "Lê Thị Ánh");
    assert_string_equal(t_json_str(it, "decided_on"), "2025-11-30");
    assert_string_equal(t_json_str(it, "decision_no"), "30/QĐ-SNV");
    json_decref(x);
    x = explain("worker,LDTT", 2); /* a subject across its kinds */
    json_decref(x);
    x = explain("leader_unit.thuong_xuyen,BK_TINH", 1);
    it = json_array_get(x, 0);
    assert_string_equal(t_json_str(it, "level"), "higher");
    assert_string_equal(t_json_str(it, "decision_no"), "300/QĐ-UBND");
    json_decref(x);
    x = explain("collective.thuong_xuyen,total", 1);
    assert_string_equal(t_json_str(json_array_get(x, 0), "subject_type"), "unit");
    json_decref(x);
    json_decref(explain("total,GIAY_KHEN", 1));
    json_decref(explain("total,total", 8));
    json_decref(explain("collective.dot_xuat,LDTT", 0));
    /* A page of the list; count says how many in all. */
    t_resp *pg = t_getf(viewer, "/api/v1/reports/%lld?explain=total,total&limit=3&offset=6", report_id);
    t_assert_status(pg, 200);
    assert_int_equal(t_json_int(pg->json, "count"), 8);
    assert_int_equal(json_array_size(json_object_get(pg->json, "items")), 2);
    t_free(pg);
    const char *bad[] = {"bogus,LDTT", "worker.dot_xuat,CSTD_TOAN_QUOC", "worker.dot_xuat", "ab"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t_resp *r = t_getf(viewer, "/api/v1/reports/%lld?explain=%s", report_id, bad[i]);
        t_assert_problem(r, 400, "explain");
        t_free(r);
    }
}

static void frozen_statistics(void **state)
{
    (void)state;
    char path[96];
    snprintf(path, sizeof path, "/api/v1/reports/%lld/approve", report_id);
    t_resp *r = t_post(path, director, "{\"number\":\"7/BC-SNV\"}");
    t_assert_status(r, 200);
    t_free(r);
    /* A later award changes nothing in the approved report. */
    rx_title(c25, "staff", w3, "LDTT", "50/QĐ-SNV", "2025-11-01", "thuong_xuyen");
    json_decref(explain("worker,LDTT", 2));
    json_decref(explain("total,total", 8));
    /* The workbook's first sheet is the statistics: numbers, totals. */
    r = t_getf(viewer, "/api/v1/reports/%lld?format=xlsx", report_id);
    t_assert_status(r, 200);
    const char *xlsx = rx_artifact("report-award-statistics.xlsx");
    rx_write(xlsx, r->body, r->len);
    t_free(r);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet1.xml", xlsx);
    char *s1 = rx_run(cmd);
    /* Rows 3..14: collective, leader_agency, leader_unit, worker × 3 kinds; 15 the totals.
     * Columns D..H: LDTT CSTDCS BK_TINH GIAY_KHEN TTLDXS; I the total. */
    const struct {
        const char *ref, *v;
    } want[] = {{"D14", "<v>1</v>"}, {"G14", "<v>1</v>"}, {"I14", "<v>2</v>"}, {"H3", "<v>1</v>"},
                {"D15", "<v>3</v>"}, {"I15", "<v>8</v>"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char needle[32];
        snprintf(needle, sizeof needle, "<c r=\"%s\"", want[i].ref);
        const char *c = strstr(s1, needle);
        if (!c)
            fail_msg("no cell %s", want[i].ref);
        const char *e = strstr(c, "</c>");
        char *cellx = strndup(c, (size_t)(e - c));
        if (strstr(cellx, " t=\"") || !strstr(cellx, want[i].v))
            fail_msg("cell %s: want the number %s, got %s", want[i].ref, want[i].v, cellx);
        free(cellx);
    }
    free(s1);
    /* The PDF says the period and the subjects. */
    r = t_getf(viewer, "/api/v1/reports/%lld?format=pdf", report_id);
    t_assert_status(r, 200);
    const char *pdf = rx_artifact("report-award-statistics.pdf");
    rx_write(pdf, r->body, r->len);
    t_free(r);
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' - | tr -s ' \\n' ' '", pdf);
    char *text = rx_run(cmd);
    const char *words[] = {"Số: 07/BC-SNV", "Thống kê khen thưởng năm 2025", "01/12/2024", "30/11/2025",
                           "SỐ LIỆU KHEN THƯỞNG", "Khen thưởng theo phòng, đơn vị",
                           "Trần Thị Đạo"}; /* named: granted by the province */
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strstr(text, words[i]))
            fail_msg("the statistics PDF lacks \"%s\"", words[i]);
    /* Counted, not named: an award of the agency's own level. */
    assert_null(strstr(text, "Lê Thị Ánh"));
    free(text);
}

static void not_a_statistics_report(void **state)
{
    (void)state;
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/reports", c25);
    t_resp *r = t_post(path, office, "{\"kind\":\"mid_year\"}");
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    assert_null(json_object_get(json_object_get(r->json, "figures"), "statistics"));
    /* A mid-year report counts the campaign's awards decided by June 30 only. */
    assert_int_equal(t_json_int(json_object_get(json_object_get(r->json, "figures"), "awards"), "total"), 3);
    t_free(r);
    r = t_getf(viewer, "/api/v1/reports/%lld?explain=total,total", id);
    t_assert_problem(r, 400, "explain");
    t_free(r);
}

int main(void)
{
    t_init();
    admin = t_user("sta_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "STA", agency_code, sizeof agency_code);
    rx_agency_heading(agency, "Sở Nội vụ");
    d1 = fx_unit(admin, agency, "S1", "division", NULL);
    d2 = fx_unit(admin, agency, "S2", "division", NULL);
    other_agency = t_make_agency(admin, "STX", other_code, sizeof other_code);
    office = t_user("sta_office", "office", NULL, agency_code);
    director = t_user("sta_director", "director", NULL, agency_code);
    viewer = t_user("sta_viewer", "viewer", NULL, agency_code);
    setup_world();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_add_up),
        cmocka_unit_test(cells_explained),
        cmocka_unit_test(frozen_statistics),
        cmocka_unit_test(not_a_statistics_report),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    free(director);
    free(viewer);
    return rc;
}
