/* Reports (reports.md, issue 12): a draft generated from the data as of a
 * date; its narrative sections edited (NFC, limits); regenerated, saying
 * what changed; approved by the director with its number in one
 * transaction (content frozen, sha256 of its canonical JSON that anyone
 * can recompute, PDF and XLSX stored, one delivery per destination that
 * takes the kind); then refused every change (409), also by the database
 * itself. The PDF is read back with pdftotext (Quốc hiệu, "Số:", every
 * diacritic of the names, page numbers from page 2) and drawn with
 * pdftoppm; the workbook's cells are read from its XML and checked against
 * the API's figures. Roles, other agencies, bad bodies, unknown ids. */
#include "client.h"
#include "report_fixture.h"

#include <libpq-fe.h>

static char *admin, *office, *director, *viewer, *head, *other_office;
static long long agency, d1, d2, other_agency, camp, other_camp;
static char agency_code[64], other_code[64];
static long long report_id;
static long long tasks[3];

/* Names with every tone on every vowel that a page of staff holds. */
static const char *const names[] = {
    "Nguyễn Thị Thu Hằng", "Trương Quốc Vượng", "Lê Ngọc Ẩn",  "Đặng Thị Mỹ Dung", "Huỳnh Kỹ Ngữ",
    "Phạm Ỷ Yến",          "Ông Ưng Nhựt",      "Võ Ửu Khẳng", "Bùi Ợi Ờ Ởi",    "Hồ Xuân Hưởng",
};
enum { NAMES = sizeof names / sizeof names[0], MANY = 70 };

static t_resp *post_report(const char *token, long long c, const char *body)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/reports", c);
    return t_post(path, token, body);
}

static t_resp *report_post(const char *token, long long id, const char *what, const char *body)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/reports/%lld/%s", id, what);
    return body ? t_post(path, token, body) : t_request("POST", path, token, NULL, NULL, 0);
}

static t_resp *report_patch(const char *token, long long id, const char *body)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/reports/%lld", id);
    return t_patch(path, token, body);
}

static void setup_world(void)
{
    camp = fx_campaign(agency, "REP-2025", "2025-01-01", "2025-12-31", "2026-01-31");
    other_camp = fx_campaign(other_agency, "REP-2025", "2025-01-01", "2025-12-31", "2026-01-31");
    const char *p[] = {rx_num(camp)};
    free(t_sql("UPDATE campaigns SET name = 'Phong trào thi đua \"Cán bộ, công chức thi đua thực hiện văn hóa công sở\""
               " năm 2025' WHERE id = $1::bigint",
               1, p));
    free(t_sql("INSERT INTO targets (campaign_id, position, code, name, metric, params, comparator, threshold)"
               " VALUES ($1::bigint, 1, 'TASKS', 'Tỷ lệ nhiệm vụ hoàn thành đúng hạn', 'task_completion', '{}', 'ge',"
               " '66.67')",
               1, p));
    /* Three tasks due by June 30, two done on time: 66.67 %. */
    const char *due[] = {"2025-03-31", "2025-04-30", "2025-05-31"};
    const char *done[] = {"2025-03-20", "2025-04-30", NULL};
    for (int i = 0; i < 3; i++) {
        const char *q[] = {rx_num(camp), due[i], done[i], rx_num(d1)};
        tasks[i] = t_sql_int("INSERT INTO tasks (campaign_id, title, unit_id, due_on, completed_on)"
                             " VALUES ($1, 'Nhiệm vụ', $4, $2, $3) RETURNING id",
                             4, q);
    }
    const char *leader[] = {"agency", "unit", "none"};
    for (int i = 0; i < MANY; i++) {
        char code[16], name[128];
        snprintf(code, sizeof code, "R%02d", i);
        if (i < NAMES)
            snprintf(name, sizeof name, "%s", names[i]);
        else
            snprintf(name, sizeof name, "%s %c", names[i % NAMES], 'A' + i / NAMES);
        long long s = rx_person(i % 2 ? d2 : d1, code, name, leader[i < 2 ? i : 2]);
        if (i < 40) {
            rx_title(camp, "staff", s, "LDTT", "15/QĐ-SNV", "2025-06-20", "thuong_xuyen");
            /* Granted by the province: named in the report (the LĐTT are counted only). */
            rx_title(camp, "staff", s, "CSTD_TINH", "115/QĐ-UBND", "2025-06-20", "thuong_xuyen");
        }
    }
    rx_title(camp, "unit", d1, "TTLDTT", "16/QĐ-SNV", "2025-06-20", "thuong_xuyen");
    /* An exemplary model published to the portal in May (and one still queued: not counted). */
    const char *e[] = {rx_num(camp), rx_num(d2)};
    for (int i = 0; i < 2; i++) {
        long long ex = t_sql_int("INSERT INTO exemplars (campaign_id, unit_id, subject_type, kind, title, achievements,"
                                 " state) VALUES ($1, $2, 'collective', 'mo_hinh_moi', 'Mô hình \"Một cửa số hóa\"',"
                                 " 'Giảm thời gian giải quyết hồ sơ', 'approved') RETURNING id",
                                 2, e);
        const char *q[] = {rx_num(camp), rx_num(ex), i == 0 ? "sent" : "queued"};
        t_sql_int("INSERT INTO publications (kind, campaign_id, exemplar_id, payload, idempotency_key, state, sent_at)"
                  " VALUES ('exemplar', $1, $2, '{}', gen_random_uuid()::text, $3,"
                  " CASE WHEN $3 = 'sent' THEN timestamptz '2025-05-15 09:30+07' END) RETURNING id",
                  3, q);
    }
    /* Destinations: one takes mid-year reports, one only year-end ones, one is inactive. */
    const char *a[] = {rx_num(agency)};
    free(t_sql("INSERT INTO report_destinations (agency_id, name, channel, address, kinds, active) VALUES"
               " ($1::bigint, 'Khối thi đua các cơ quan tổng hợp', 'email', 'khoi@example.test', '{mid_year}', true),"
               " ($1::bigint, 'Ban Thi đua - Khen thưởng tỉnh', 'email', 'ban@example.test', '{year_end}', true),"
               " ($1::bigint, 'Nơi đã ngừng nhận', 'email', 'cu@example.test', '{mid_year}', false)",
               1, a));
}

static json_t *target(const json_t *report, const char *code)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(json_object_get(json_object_get(report, "figures"), "scorecard"), "targets"), i,
                       t) if (strcmp(t_json_str(t, "code"), code) == 0) return t;
    fail_msg("no target %s", code);
    return NULL;
}

static const json_t *change_at(const json_t *report, const char *path)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(report, "changes"), i, c) if (strcmp(t_json_str(c, "path"), path) == 0) return c;
    return NULL;
}

static void draft_edit_regenerate(void **state)
{
    (void)state;
    t_resp *r = post_report(office, camp, "{\"kind\":\"mid_year\"}");
    t_assert_status(r, 201);
    report_id = t_json_int(r->json, "id");
    assert_non_null(t_header(r, "Location"));
    assert_string_equal(t_json_str(r->json, "state"), "draft");
    assert_string_equal(t_json_str(r->json, "as_of"), "2025-06-30");
    assert_string_equal(t_json_str(r->json, "period_from"), "2025-01-01");
    assert_string_equal(t_json_str(r->json, "period_to"), "2025-06-30");
    assert_true(json_is_null(json_object_get(r->json, "sha256")));
    assert_true(json_is_null(json_object_get(r->json, "number")));
    assert_int_equal(json_array_size(json_object_get(r->json, "changes")), 0);
    const json_t *f = json_object_get(r->json, "figures");
    json_t *t = target(r->json, "TASKS");
    assert_string_equal(t_json_str(t, "value"), "66.67"); /* a decimal string, never a float */
    assert_string_equal(t_json_str(t, "threshold"), "66.67");
    assert_int_equal(t_json_int(t, "numerator"), 2);
    assert_int_equal(t_json_int(t, "denominator"), 3);
    /* 2 of 3 is 66.666…: below 66.67 compared exactly, though it rounds to it. */
    assert_string_equal(t_json_str(t, "status"), "at_risk");
    const json_t *aw = json_object_get(f, "awards");
    assert_int_equal(t_json_int(aw, "total"), 81);
    assert_int_equal(t_json_int(json_object_get(aw, "by_award"), "LDTT"), 40);
    assert_int_equal(t_json_int(json_object_get(aw, "by_award"), "CSTD_TINH"), 40);
    assert_int_equal(t_json_int(json_object_get(aw, "by_leader_level"), "agency"), 2);
    assert_int_equal(t_json_int(json_object_get(aw, "by_leader_level"), "unit"), 2);
    assert_int_equal(t_json_int(json_object_get(aw, "by_leader_level"), "none"), 76);
    assert_int_equal(t_json_int(json_object_get(aw, "by_leader_level"), "collective"), 1);
    /* Counts, not people: award × subject, award by unit; names only of the
     * 40 granted by the province. */
    assert_null(json_object_get(aw, "items"));
    const json_t *bas = json_object_get(aw, "by_award_subject");
    assert_int_equal(json_array_size(bas), 3); /* LDTT, CSTD_TINH, TTLDTT in the award order */
    assert_string_equal(t_json_str(json_array_get(bas, 0), "award"), "LDTT");
    assert_int_equal(t_json_int(json_array_get(bas, 0), "leader_agency"), 1);
    assert_int_equal(t_json_int(json_array_get(bas, 0), "leader_unit"), 1);
    assert_int_equal(t_json_int(json_array_get(bas, 0), "worker"), 38);
    assert_int_equal(t_json_int(json_array_get(bas, 0), "total"), 40);
    assert_string_equal(t_json_str(json_array_get(bas, 2), "award"), "TTLDTT");
    assert_int_equal(t_json_int(json_array_get(bas, 2), "collective"), 1);
    const json_t *bu = json_object_get(aw, "by_unit");
    assert_int_equal(json_array_size(bu), 2);
    long long unit_sum = 0;
    for (size_t k = 0; k < 2; k++) {
        const json_t *u = json_array_get(bu, k);
        unit_sum += t_json_int(u, "total");
        /* d1: 20 people with LĐTT and CSTĐ tỉnh, and the TTLĐTT of d1 itself */
        if (t_json_int(u, "unit_id") == d1) {
            assert_int_equal(t_json_int(json_object_get(u, "counts"), "LDTT"), 20);
            assert_int_equal(t_json_int(json_object_get(u, "counts"), "TTLDTT"), 1);
            assert_int_equal(t_json_int(u, "total"), 41);
        }
    }
    assert_int_equal(unit_sum, 81);
    const json_t *named = json_object_get(aw, "named");
    assert_int_equal(json_array_size(named), 40);
    size_t k;
    json_t *it;
    json_array_foreach(named, k, it) {
        assert_string_equal(t_json_str(it, "award"), "CSTD_TINH");
        assert_string_equal(t_json_str(it, "level"), "higher");
    }
    assert_int_equal(t_json_int(json_object_get(f, "tasks"), "due"), 3);
    assert_int_equal(t_json_int(json_object_get(f, "tasks"), "completed_on_time"), 2);
    assert_int_equal(json_array_size(json_object_get(f, "units")), 2);
    assert_string_equal(t_json_str(json_object_get(f, "agency"), "place"), "Sóc Trăng");
    assert_int_equal(json_array_size(json_object_get(f, "recipients")), 1);
    assert_int_equal(t_json_int(json_object_get(f, "exemplars"), "published"), 1);
    assert_string_equal(t_json_str(json_array_get(json_object_get(json_object_get(f, "exemplars"), "items"), 0),
                                   "published_on"),
                        "2025-05-15");
    t_free(r);

    /* Sections: NFC (a decomposed "Nguyễn" comes back composed), paragraphs kept. */
    r = report_patch(office, report_id,
                     "{\"sections\":{\"strengths\":\"Nguye\\u0302\\u0303n Thi\\u0323 Thu Ha\\u0306\\u0300ng d\\u1eabn"
                     " \\u0111\\u1ea7u.\\nĐoạn thứ hai.\",\"lessons\":\"Bài học.\"}}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(json_object_get(r->json, "sections"), "strengths"),
                        "Nguyễn Thị Thu Hằng dẫn đầu.\nĐoạn thứ hai.");
    assert_true(json_is_null(json_object_get(json_object_get(r->json, "sections"), "proposals")));
    t_free(r);
    /* null clears one section and leaves the others. */
    r = report_patch(office, report_id, "{\"sections\":{\"lessons\":null,\"proposals\":\"Kiến nghị tỉnh.\"}}");
    t_assert_status(r, 200);
    assert_true(json_is_null(json_object_get(json_object_get(r->json, "sections"), "lessons")));
    assert_string_equal(t_json_str(json_object_get(r->json, "sections"), "proposals"), "Kiến nghị tỉnh.");
    assert_non_null(t_json_str(json_object_get(r->json, "sections"), "strengths"));
    t_free(r);

    /* The data changes: the third task done on time, one more title before June 30. */
    const char *p[] = {rx_num(tasks[2])};
    free(t_sql("UPDATE tasks SET completed_on = '2025-05-30' WHERE id = $1::bigint", 1, p));
    long long s = rx_person(d2, "R99", "Lữ Mẫn Điền", "none");
    rx_title(camp, "staff", s, "CSTD_TINH", "117/QĐ-UBND", "2025-06-25", "dot_xuat");
    r = report_post(office, report_id, "regenerate", NULL);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(target(r->json, "TASKS"), "value"), "100");
    const json_t *c = change_at(r->json, "scorecard.targets[TASKS].value");
    if (!c)
        fail_msg("no change of the target's value: %s", r->body);
    assert_string_equal(t_json_str(c, "before"), "66.67");
    assert_string_equal(t_json_str(c, "after"), "100");
    c = change_at(r->json, "awards.total");
    assert_non_null(c);
    assert_int_equal(json_integer_value(json_object_get(c, "before")), 81);
    assert_int_equal(json_integer_value(json_object_get(c, "after")), 82);
    assert_null(change_at(r->json, "tasks.due")); /* what did not change is not listed */
    /* The narrative survives a regeneration. */
    assert_string_equal(t_json_str(json_object_get(r->json, "sections"), "proposals"), "Kiến nghị tỉnh.");
    t_free(r);
}

static void draft_renders(void **state)
{
    (void)state;
    char path[96];
    snprintf(path, sizeof path, "/api/v1/reports/%lld", report_id);
    t_resp *r = t_get_with(path, viewer, "Accept: application/pdf");
    t_assert_status(r, 200);
    assert_true(r->len > 1000 && memcmp(r->body, "%PDF-", 5) == 0);
    const char *pdf = rx_artifact("report-draft.pdf");
    rx_write(pdf, r->body, r->len);
    t_free(r);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", pdf);
    char *text = rx_run(cmd);
    const char *no = strstr(text, "Số:");
    assert_non_null(no); /* no number yet: a blank left to fill in */
    no += strlen("Số:");
    assert_true(no[strspn(no, " ")] == '/');
    free(text);
    r = t_get_with(path, viewer, "Accept: text/html");
    t_assert_status(r, 200);
    assert_non_null(strstr(t_header(r, "Content-Type"), "text/html"));
    assert_non_null(strstr(r->body, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert_non_null(strstr(r->body, "Nguyễn Thị Thu Hằng"));
    t_free(r);
}

/* Reads the PDF: Quốc hiệu, "Số:", place and date, the names, page numbers. */
static void check_pdf(const char *pdf, const char *approved_date_line)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", pdf);
    char *text = rx_run(cmd);
    const char *want[] = {"UBND TỈNH SÓC TRĂNG", "SỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                          "Độc lập - Tự do - Hạnh phúc", "Số: 05/BC-SNV", approved_date_line, "BÁO CÁO",
                          "Sơ kết 6 tháng đầu năm 2025 phong trào thi đua", "Nơi nhận:",
                          "Khối thi đua các cơ quan tổng hợp;", "GIÁM ĐỐC", "Trần Thị Ngọc Ánh", "Lữ Mẫn Điền", "Một cửa số hóa",
                          "Kiến nghị tỉnh."};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(text, want[i]))
            fail_msg("the PDF lacks \"%s\"", want[i]);
    for (int i = 0; i < NAMES; i++)
        if (!strstr(text, names[i]))
            fail_msg("the PDF lacks the name \"%s\"", names[i]);
    assert_null(strstr(text, "Ban Thi đua - Khen thưởng tỉnh;")); /* a destination of another kind */
    free(text);
    /* Page numbers: none on page 1, centred at the top from page 2. */
    snprintf(cmd, sizeof cmd, "pdfinfo '%s' | sed -n 's/^Pages: *//p'", pdf);
    char *pages = rx_run(cmd);
    int n = atoi(pages);
    free(pages);
    assert_true(n >= 3);
    /* A4 portrait, from the PDF itself (595.28 x 841.89 points). */
    snprintf(cmd, sizeof cmd, "pdfinfo '%s' | sed -n 's/^Page size: *//p'", pdf);
    char *size = rx_run(cmd);
    assert_non_null(strstr(size, "595.2"));
    assert_non_null(strstr(size, "841.8"));
    free(size);
    /* The list runs over pages 2 and 3, its header row repeated on each. */
    for (int p = 2; p <= 3; p++) {
        snprintf(cmd, sizeof cmd, "pdftotext -f %d -l %d -layout '%s' -", p, p, pdf);
        char *page = rx_run(cmd);
        if (!strstr(page, "Họ và tên / Tập thể"))
            fail_msg("page %d lacks the list's header row", p);
        free(page);
    }
    for (int p = 1; p <= 3; p++) {
        snprintf(cmd, sizeof cmd, "pdftotext -f %d -l %d -layout '%s' - | sed -n '/[^[:space:]]/{p;q}'", p, p, pdf);
        char *first = rx_run(cmd);
        char want_n[8];
        snprintf(want_n, sizeof want_n, "%d", p);
        char *b = first + strspn(first, " ");
        b[strcspn(b, " \n")] = '\0';
        if (p == 1)
            assert_string_not_equal(b, "1");
        else
            assert_string_equal(b, want_n);
        free(first);
    }
}

/* The cell ref's element in a sheet's XML (malloc'd), or NULL. */
static char *xml_cell(const char *xml, const char *ref)
{
    char needle[32];
    snprintf(needle, sizeof needle, "<c r=\"%s\"", ref);
    const char *s = strstr(xml, needle);
    if (!s)
        return NULL;
    const char *e = strstr(s, "</c>");
    const char *e2 = strstr(s, "/>");
    if (!e || (e2 && e2 < e && e2 < strchr(s, '>') + 1))
        e = e2;
    return strndup(s, (size_t)(e - s) + 4);
}

static void assert_number_cell(const char *xml, const char *ref, const char *value)
{
    char *c = xml_cell(xml, ref);
    if (!c)
        fail_msg("no cell %s", ref);
    if (strstr(c, " t=\"") || !strstr(c, value))
        fail_msg("cell %s: want the number %s, got %s", ref, value, c);
    free(c);
}

static void check_xlsx(const char *xlsx, const json_t *report)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/workbook.xml", xlsx);
    char *wb = rx_run(cmd);
    assert_non_null(strstr(wb, "name=\"Chỉ tiêu\""));
    assert_non_null(strstr(wb, "name=\"Đơn vị\""));
    assert_non_null(strstr(wb, "name=\"Khen thưởng theo đơn vị\""));
    assert_non_null(strstr(wb, "name=\"Danh sách khen thưởng\""));
    free(wb);
    /* Targets: numerator and denominator are numbers. */
    snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet1.xml", xlsx);
    char *s1 = rx_run(cmd);
    json_t *t = target(report, "TASKS");
    char v[32];
    snprintf(v, sizeof v, "<v>%lld</v>", t_json_int(t, "numerator"));
    assert_number_cell(s1, "E3", v);
    snprintf(v, sizeof v, "<v>%lld</v>", t_json_int(t, "denominator"));
    assert_number_cell(s1, "F3", v);
    free(s1);
    /* Awards by award: the LDTT count as a number; the total. */
    snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet3.xml", xlsx);
    char *s3 = rx_run(cmd);
    const json_t *aw = json_object_get(json_object_get(report, "figures"), "awards");
    snprintf(v, sizeof v, "<v>%lld</v>", t_json_int(json_object_get(aw, "by_award"), "LDTT"));
    assert_number_cell(s3, "C3", v);
    snprintf(v, sizeof v, "<v>%lld</v>", t_json_int(aw, "total"));
    assert_number_cell(s3, "C6", v); /* LDTT, CSTD_TINH, TTLDTT, then the total */
    assert_number_cell(s3, "G3", "<v>38</v>"); /* LĐTT of workers */
    assert_non_null(strstr(s3, "<pane ")); /* frozen header */
    free(s3);
    /* By unit: the total row's total (row 3, 4: the units; 5: the total; columns STT, unit, 3 awards, total). */
    snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet4.xml", xlsx);
    char *s4 = rx_run(cmd);
    snprintf(v, sizeof v, "<v>%lld</v>", t_json_int(aw, "total"));
    assert_number_cell(s4, "F5", v);
    free(s4);
    /* The list: the decision's date as a date serial (2025-06-20 is 45828). */
    snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet5.xml", xlsx);
    char *s5 = rx_run(cmd);
    assert_number_cell(s5, "F3", "<v>45828</v>");
    free(s5);
}

static void approve_freezes(void **state)
{
    (void)state;
    /* The office drafts; only the director approves. */
    t_resp *r = report_post(office, report_id, "approve", "{\"number\":\"5/BC-SNV\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = report_post(director, report_id, "approve", "{\"number\":\"\"}");
    t_assert_problem(r, 422, "number");
    t_free(r);
    /* The date of issue: not before the figures' day (June 30), not after today. */
    const char *bad_dated[] = {"{\"number\":\"5/BC-SNV\",\"dated\":\"2025-06-29\"}",
                               "{\"number\":\"5/BC-SNV\",\"dated\":\"2999-01-01\"}",
                               "{\"number\":\"5/BC-SNV\",\"dated\":\"2025-07-32\"}",
                               "{\"number\":\"5/BC-SNV\",\"dated\":\"08/07/2025\"}"};
    for (size_t i = 0; i < sizeof bad_dated / sizeof bad_dated[0]; i++) {
        r = report_post(director, report_id, "approve", bad_dated[i]);
        t_assert_problem(r, 422, "dated");
        t_free(r);
    }
    char *tomorrow = t_sql("SELECT ((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + 1)::text", 0, NULL);
    char body[128];
    snprintf(body, sizeof body, "{\"number\":\"5/BC-SNV\",\"dated\":\"%s\"}", tomorrow);
    r = report_post(director, report_id, "approve", body);
    t_assert_problem(r, 422, "dated");
    t_free(r);
    free(tomorrow);
    r = report_post(director, report_id, "approve", "{\"number\":\"5/BC-SNV\",\"dated\":\"2025-07-08\"}");
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "dated"), "2025-07-08");
    assert_string_equal(t_json_str(r->json, "state"), "approved");
    assert_string_equal(t_json_str(r->json, "number"), "5/BC-SNV");
    assert_string_equal(t_json_str(r->json, "approved_by"), "Trần Thị Ngọc Ánh");
    char *sha = strdup(t_json_str(r->json, "sha256"));
    assert_int_equal(strlen(sha), 64);
    /* Anyone holding the JSON can check the digest. */
    char mine[65];
    rx_content_sha256(r->json, mine);
    assert_string_equal(mine, sha);
    char *approved = strdup(r->body);
    t_free(r);

    /* GET answers the same content, the same digest. */
    r = t_getf(viewer, "/api/v1/reports/%lld", report_id);
    t_assert_status(r, 200);
    rx_content_sha256(r->json, mine);
    assert_string_equal(mine, sha);
    json_t *report = json_deep_copy(r->json);
    t_free(r);
    free(approved);

    /* The approval froze the content and queued one delivery (the active
     * destination that takes mid-year reports) and rendered nothing: the
     * files are made by whoever needs them first. */
    const char *p[] = {rx_num(report_id)};
    assert_int_equal(t_sql_int("SELECT count(*) FROM report_files WHERE report_id = $1", 1, p), 0);
    assert_int_equal(t_sql_int("SELECT count(*) FROM report_deliveries WHERE report_id = $1", 1, p), 1);
    /* The audit names the frozen content by its digest, without copying the
     * figures or the content (megabytes for a large agency) before and after. */
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE entity = 'reports' AND entity_id = $1"
                               " AND after ->> 'state' = 'approved' AND after ->> 'sha256' IS NOT NULL",
                               1, p),
                     1);
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE entity = 'reports' AND entity_id = $1"
                               " AND (before ?| ARRAY['figures', 'content', 'award_refs']"
                               " OR after ?| ARRAY['figures', 'content', 'award_refs'])",
                               1, p),
                     0);
    char *dated = t_sql("SELECT dated::text FROM reports WHERE id = $1::bigint", 1, p);
    assert_string_equal(dated, "2025-07-08");
    free(dated);

    /* Frozen: 409 for every change. */
    r = report_patch(office, report_id, "{\"sections\":{\"strengths\":\"Sửa sau khi duyệt.\"}}");
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = report_post(office, report_id, "regenerate", NULL);
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = report_post(director, report_id, "approve", "{\"number\":\"6/BC-SNV\"}");
    t_assert_problem(r, 409, NULL);
    t_free(r);
    r = t_getf(viewer, "/api/v1/reports/%lld", report_id);
    assert_string_equal(t_json_str(r->json, "sha256"), sha);
    assert_string_equal(t_json_str(json_object_get(r->json, "sections"), "proposals"), "Kiến nghị tỉnh.");
    t_free(r);

    /* The first GETs of the PDF, two at once: one renders and stores it,
     * the other waits and answers the stored bytes; both the same, one row. */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/reports/%lld", report_id);
    char cmd[2048];
    const char *twin[2] = {rx_artifact("report-mid-year-a.pdf"), rx_artifact("report-mid-year-b.pdf")};
    snprintf(cmd, sizeof cmd,
             "curl -sf -H 'Authorization: Bearer %s' -o '%s' '%s%s?format=pdf' & "
             "curl -sf -H 'Authorization: Bearer %s' -o '%s' '%s%s?format=pdf' & wait; cmp '%s' '%s' && echo same",
             viewer, twin[0], t_url(), path, viewer, twin[1], t_url(), path, twin[0], twin[1]);
    char *same = rx_run(cmd);
    assert_string_equal(same, "same\n");
    free(same);
    assert_int_equal(t_sql_int("SELECT count(*) FROM report_files WHERE report_id = $1 AND format = 'pdf'", 1, p), 1);
    /* A later GET answers the stored bytes, with their digest. */
    r = t_get_with(path, viewer, "Accept: application/pdf");
    t_assert_status(r, 200);
    assert_string_equal(t_header(r, "Content-Type"), "application/pdf"); /* binary: no charset */
    char got[65];
    rx_sha256(r->body, r->len, got);
    char *stored = t_sql("SELECT sha256 FROM report_files WHERE report_id = $1 AND format = 'pdf'", 1, p);
    assert_string_equal(got, stored);
    free(stored);
    stored = t_sql("SELECT encode(sha256(bytes), 'hex') FROM report_files WHERE report_id = $1 AND format = 'pdf'", 1, p);
    assert_string_equal(got, stored);
    free(stored);
    const char *pdf = rx_artifact("report-mid-year.pdf");
    rx_write(pdf, r->body, r->len);
    snprintf(cmd, sizeof cmd, "cmp '%s' '%s' && echo same", pdf, twin[0]);
    same = rx_run(cmd);
    assert_string_equal(same, "same\n");
    free(same);
    t_free(r);
    /* The date of issue chosen at approval. */
    check_pdf(pdf, "Sóc Trăng, ngày 08 tháng 7 năm 2025");
    snprintf(cmd, sizeof cmd, "pdftoppm -png -r 70 -f 1 -l 2 '%s' '%s'", pdf, rx_artifact("report-mid-year"));
    free(rx_run(cmd));

    /* ?format=xlsx, as Accept would. */
    r = t_getf(viewer, "/api/v1/reports/%lld?format=xlsx", report_id);
    t_assert_status(r, 200);
    assert_string_equal(t_header(r, "Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_int_equal(t_sql_int("SELECT count(*) FROM report_files WHERE report_id = $1", 1, p), 2);
    char *xsha = t_sql("SELECT sha256 FROM report_files WHERE report_id = $1 AND format = 'xlsx'", 1, p);
    rx_sha256(r->body, r->len, got);
    assert_string_equal(got, xsha);
    free(xsha);
    const char *xlsx = rx_artifact("report-mid-year.xlsx");
    rx_write(xlsx, r->body, r->len);
    t_free(r);
    check_xlsx(xlsx, report);
    json_decref(report);
    free(sha);
}

/* The database itself refuses to change an approved report, even to the
 * application's own role. */
static void database_refuses(void **state)
{
    (void)state;
    const char *path = getenv("THIDUA_CONFIG_FILE");
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        fail_msg("cannot read THIDUA_CONFIG_FILE");
    char line[2048], url[2048] = "";
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "database_url", 12) != 0)
            continue;
        char *v = strchr(line, '=');
        if (!v)
            continue;
        v += 1 + strspn(v + 1, " \t");
        v[strcspn(v, "\r\n")] = '\0';
        snprintf(url, sizeof url, "%s", v);
    }
    fclose(f);
    PGconn *app = PQconnectdb(url);
    assert_int_equal(PQstatus(app), CONNECTION_OK);
    char sql[256];
    const char *stmts[] = {"UPDATE reports SET sections = '{}' WHERE id = %lld",
                           "UPDATE reports SET state = 'draft', sha256 = NULL, content = NULL, approved_at = NULL"
                           " WHERE id = %lld",
                           "DELETE FROM reports WHERE id = %lld",
                           "UPDATE report_files SET bytes = '' WHERE report_id = %lld"};
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
        snprintf(sql, sizeof sql, stmts[i], report_id);
        PGresult *r = PQexec(app, sql);
        const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (!st || strcmp(st, "23514") != 0)
            fail_msg("%s: want check_violation, got %s", sql, st ? st : "success");
        PQclear(r);
    }
    PQfinish(app);
}

static void numbers_and_bodies(void **state)
{
    (void)state;
    /* A number is unique within the campaign. */
    t_resp *r = post_report(office, camp, "{\"kind\":\"year_end\"}");
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    assert_string_equal(t_json_str(r->json, "as_of"), "2026-01-31"); /* closes_on */
    t_free(r);
    r = report_post(director, id, "approve", "{\"number\":\"5/BC-SNV\"}");
    t_assert_problem(r, 409, "number");
    t_free(r);
    const char *p[] = {rx_num(id)};
    assert_int_equal(t_sql_int("SELECT count(*) FROM report_files WHERE report_id = $1", 1, p), 0);
    assert_int_equal(t_sql_int("SELECT count(*) FROM report_deliveries WHERE report_id = $1", 1, p), 0);
    /* A correction names the report it replaces. */
    char body[128];
    snprintf(body, sizeof body, "{\"kind\":\"mid_year\",\"replaces_id\":%lld}", report_id);
    r = post_report(office, camp, body);
    t_assert_status(r, 201);
    assert_int_equal(t_json_int(r->json, "replaces_id"), report_id);
    t_free(r);
    snprintf(body, sizeof body, "{\"kind\":\"mid_year\",\"replaces_id\":%lld}", id); /* a draft replaces nothing */
    r = post_report(office, camp, body);
    t_assert_problem(r, 422, "replaces_id");
    t_free(r);

    /* Bad bodies, each naming its field. */
    const struct {
        const char *body;
        long status;
        const char *field;
    } bad[] = {
        {"{}", 422, "kind"},
        {"{\"kind\":\"weekly\"}", 422, "kind"},
        {"{\"kind\":\"mid_year\",\"as_of\":\"2025-02-30\"}", 422, "as_of"},
        {"{\"kind\":\"mid_year\",\"as_of\":\"2024-12-31\"}", 422, "as_of"}, /* before the campaign */
        {"{\"kind\":\"mid_year\",\"extra\":1}", 422, "extra"},
        {"{\"kind\":", 400, NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = post_report(office, camp, bad[i].body);
        t_assert_problem(r, bad[i].status, bad[i].field);
        t_free(r);
    }
    /* Figures as of a day to come: not issued before it (dated defaults to today). */
    r = post_report(office, camp, "{\"kind\":\"mid_year\",\"as_of\":\"2999-06-30\"}");
    t_assert_status(r, 201);
    long long future = t_json_int(r->json, "id");
    t_free(r);
    r = report_post(director, future, "approve", "{\"number\":\"9/BC-SNV\"}");
    t_assert_problem(r, 422, "dated");
    t_free(r);
    /* An as_of not round: mid-year figures as of May 31. */
    r = post_report(office, camp, "{\"kind\":\"mid_year\",\"as_of\":\"2025-05-31\"}");
    t_assert_status(r, 201);
    assert_string_equal(t_json_str(r->json, "period_to"), "2025-05-31");
    t_free(r);

    /* Sections: unknown, not text, too long (20 000 characters pass, 20 001 do not). */
    const char *bad_sections[][2] = {
        {"{\"sections\":{\"summary\":\"x\"}}", "sections.summary"},
        {"{\"sections\":{\"strengths\":12}}", "sections.strengths"},
        {"{\"sections\":{\"strengths\":\"a\\u0007b\"}}", "sections.strengths"},
        {"{\"sections\":{}}", "sections"},
        {"{\"sections\":\"text\"}", "sections"},
        {"{}", "sections"},
    };
    for (size_t i = 0; i < sizeof bad_sections / sizeof bad_sections[0]; i++) {
        r = report_patch(office, id, bad_sections[i][0]);
        t_assert_problem(r, 422, bad_sections[i][1]);
        t_free(r);
    }
    size_t n = 20000;
    char *big = malloc(n * 3 + 64);
    strcpy(big, "{\"sections\":{\"lessons\":\"");
    size_t o = strlen(big);
    for (size_t i = 0; i < n; i++) {
        memcpy(big + o, "ệ", 3); /* three bytes, one character */
        o += 3;
    }
    strcpy(big + o, "\"}}");
    r = report_patch(office, id, big);
    t_assert_status(r, 200);
    t_free(r);
    memmove(big + o + 1, big + o, 4);
    big[o] = 'x';
    r = report_patch(office, id, big);
    t_assert_problem(r, 422, "sections.lessons");
    t_free(r);
    free(big);
    /* A body over the limit. */
    size_t huge = 2u << 20;
    char *h = malloc(huge + 64);
    memset(h, 'a', huge + 63);
    memcpy(h, "{\"sections\":{\"lessons\":\"", 24);
    memcpy(h + huge + 60, "\"}}", 4);
    r = report_patch(office, id, h);
    assert_int_equal(r->status, 413);
    t_free(r);
    free(h);
}

static void roles_and_agencies(void **state)
{
    (void)state;
    t_resp *r = post_report(viewer, camp, "{\"kind\":\"mid_year\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = post_report(director, camp, "{\"kind\":\"mid_year\"}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    r = report_patch(head, report_id, "{\"sections\":{\"strengths\":\"x\"}}");
    t_assert_problem(r, 403, NULL);
    t_free(r);
    /* Another agency: its reports and its campaign do not exist here. */
    r = t_getf(other_office, "/api/v1/reports/%lld", report_id);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = post_report(other_office, camp, "{\"kind\":\"mid_year\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(other_office, "/api/v1/campaigns/%lld/reports", camp);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = post_report(other_office, other_camp, "{\"kind\":\"award_statistics\"}");
    t_assert_status(r, 201);
    assert_string_equal(t_json_str(r->json, "period_from"), "2024-12-01");
    assert_string_equal(t_json_str(r->json, "as_of"), "2025-11-30");
    t_free(r);
    /* Unknown ids. */
    r = t_get("/api/v1/reports/987654321", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = report_post(director, 987654321, "approve", "{\"number\":\"1/BC\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/campaigns/987654321/reports", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    /* The list: this campaign's reports only, with their states. */
    r = t_getf(viewer, "/api/v1/campaigns/%lld/reports", camp);
    t_assert_status(r, 200);
    assert_true(t_json_int(r->json, "total") >= 3);
    json_t *first = json_array_get(json_object_get(r->json, "items"), 0);
    assert_int_equal(t_json_int(first, "id"), report_id);
    assert_string_equal(t_json_str(first, "state"), "approved");
    assert_null(json_object_get(first, "figures"));
    t_free(r);
    r = t_getf(viewer, "/api/v1/reports/%lld?format=docx", report_id);
    t_assert_problem(r, 400, "format");
    t_free(r);
}

int main(void)
{
    t_init();
    admin = t_user("rep_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "REP", agency_code, sizeof agency_code);
    rx_agency_heading(agency, "Sở Nội vụ");
    d1 = fx_unit(admin, agency, "R1", "division", NULL);
    d2 = fx_unit(admin, agency, "R2", "division", NULL);
    other_agency = t_make_agency(admin, "REX", other_code, sizeof other_code);
    office = t_user("rep_office", "office", NULL, agency_code);
    director = t_user("rep_director", "director", NULL, agency_code);
    rx_set_full_name("rep_director", "Trần Thị Ngọc Ánh");
    viewer = t_user("rep_viewer", "viewer", NULL, agency_code);
    head = t_user("rep_head", "unit_head", "R1", agency_code);
    other_office = t_user("rep_other_office", "office", NULL, other_code);
    setup_world();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(draft_edit_regenerate), cmocka_unit_test(draft_renders),
        cmocka_unit_test(approve_freezes),       cmocka_unit_test(database_refuses),
        cmocka_unit_test(numbers_and_bodies),    cmocka_unit_test(roles_and_agencies),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    free(director);
    free(viewer);
    free(head);
    free(other_office);
    return rc;
}
