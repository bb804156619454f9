/* POST /staff/import: the CSV dialect (BOM, CRLF, quotes, any column
 * order, blank trailing lines), upsert counts, all-or-nothing with every bad
 * row named, duplicate codes, the header, agency_id, roles and unit scope,
 * 10 000 rows, two overlapping imports at once, the audit trail. */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *admin;
static char agency_code[64];
static long long agency;
static char agency_s[32];

static const char HEADER[] = "code,full_name,unit_code,category,joined_on,left_on\n";

static long long make_unit(const char *code)
{
    char body[256];
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"name\":\"Phòng %s\",\"kind\":\"division\",\"parent_id\":%lld}",
             code, code, agency);
    t_resp *r = t_post("/api/v1/units", admin, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

static t_resp *import_as(const char *token, const char *csv, size_t len)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/staff/import?agency_id=%lld", agency);
    return t_request("POST", path, token, "text/csv", csv, len);
}

static t_resp *import(const char *csv)
{
    return import_as(admin, csv, strlen(csv));
}

static void assert_counts(const t_resp *r, long long created, long long updated)
{
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "created"), created);
    assert_int_equal(t_json_int(r->json, "updated"), updated);
}

/* A stored field of the agency's staff member with code, malloc'd. */
static char *stored(const char *code, const char *column)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s::text FROM staff WHERE agency_id = $1::bigint AND code = $2", column);
    const char *p[] = {agency_s, code};
    return t_sql(sql, 2, p);
}

static long long count_codes(const char *like)
{
    const char *p[] = {agency_s, like};
    return t_sql_int("SELECT count(*) FROM staff WHERE agency_id = $1::bigint AND code LIKE $2", 2, p);
}

static void assert_stored(const char *code, const char *column, const char *want)
{
    char *got = stored(code, column);
    if (want == NULL ? got != NULL : (got == NULL || strcmp(got, want) != 0))
        fail_msg("%s.%s: expected %s, got %s", code, column, want ? want : "NULL", got ? got : "NULL");
    free(got);
}

/* Does errors[] hold {row, field}? */
static int has_error(const t_resp *r, long row, const char *field)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "errors"), i, e) {
        json_t *jr = json_object_get(e, "row");
        if (json_integer_value(jr) == row && strcmp(t_json_str(e, "field"), field) == 0)
            return 1;
    }
    return 0;
}

static void assert_error(const t_resp *r, long row, const char *field)
{
    if (!has_error(r, row, field))
        fail_msg("no error for row %ld field %s: %s", row, field, r->body);
}

static void dialect_and_upsert(void **state)
{
    (void)state;
    /* BOM, CRLF, columns in another order, quotes holding commas and
     * quotes, an empty left_on, blank trailing lines. */
    const char csv[] = "\xEF\xBB\xBF"
                       "full_name,code,category,unit_code,left_on,joined_on\r\n"
                       "\"Lê Văn \"\"Tèo\"\", con\",D001,cong_chuc,IU1,,2020-01-15\r\n"
                       "Trần Thị Bích,D002,vien_chuc,IU2,2025-03-31,2021-06-01\r\n"
                       "\"Ngô, Bảo Châu\",D003,nguoi_lao_dong,IU1,\"\",2022-02-02\r\n"
                       "\r\n\r\n";
    t_resp *r = import(csv);
    assert_counts(r, 3, 0);
    t_free(r);
    assert_stored("D001", "full_name", "Lê Văn \"Tèo\", con");
    assert_stored("D001", "left_on", NULL);
    assert_stored("D001", "joined_on", "2020-01-15");
    assert_stored("D002", "left_on", "2025-03-31");
    assert_stored("D002", "category", "vien_chuc");
    assert_stored("D003", "full_name", "Ngô, Bảo Châu");
    /* Again with one change and one newcomer: existing codes count as
     * updated whether or not they changed. */
    r = import("code,full_name,unit_code,category,joined_on,left_on\n"
               "D001,\"Lê Văn \"\"Tèo\"\", con\",IU1,cong_chuc,2020-01-15,\n"
               "D002,Trần Thị Bích,IU2,vien_chuc,2021-06-01,\n"
               "D003,\"Ngô, Bảo Châu\",IU1,nguoi_lao_dong,2022-02-02,\n"
               "D004,Nguyễn Văn Tư,IU2,cong_chuc,2023-01-01,\n");
    assert_counts(r, 1, 3);
    t_free(r);
    assert_stored("D002", "left_on", NULL);
    assert_stored("D004", "full_name", "Nguyễn Văn Tư");
    /* Only the row that changed is in the audit trail as an update. */
    char *id = stored("D002", "id");
    const char *p[] = {id};
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE entity = 'staff' AND entity_id = $1::bigint"
                               " AND action = 'update' AND user_id IS NOT NULL", 1, p), 1);
    free(id);
    id = stored("D001", "id");
    const char *p1[] = {id};
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log WHERE entity = 'staff' AND entity_id = $1::bigint"
                               " AND action = 'update'", 1, p1), 0);
    free(id);
    /* A header alone is an empty file, as in every import: 422 naming body. */
    r = import(HEADER);
    t_assert_problem(r, 422, "body");
    t_free(r);
}

static void decomposed_names_are_stored_nfc(void **state)
{
    (void)state;
    char csv[256];
    /* "Nguyễn" as e + U+0302 + U+0303 */
    snprintf(csv, sizeof csv, "%sN001,Nguye\xCC\x82\xCC\x83n Văn Hai,IU1,cong_chuc,2020-01-01,\n", HEADER);
    t_resp *r = import(csv);
    assert_counts(r, 1, 0);
    t_free(r);
    assert_stored("N001", "full_name", "Nguyễn Văn Hai");
    r = t_getf(admin, "/api/v1/staff?agency_id=%lld&q=nguyen%%20van%%20hai", agency);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 1);
    t_free(r);
}

static void bad_rows_write_nothing(void **state)
{
    (void)state;
    t_resp *r = import("code,full_name,unit_code,category,joined_on,left_on\n"
                       "B001,Lý Văn Một,IU1,cong_chuc,2020-01-01,\n"
                       "B002,Lý Văn Hai,IU1,bien_che,2020-02-30,\n"
                       "B003,Lý Văn Ba,IU2,vien_chuc,2020-01-01,\n"
                       "B004,Lý Văn Bốn,NOPE,vien_chuc,2021-01-01,2020-01-01\n"
                       "B 005,,IU1,cong_chuc,,\n"
                       "B006,Lý Văn Sáu,IU2,vien_chuc,2020-01-01,\n");
    t_assert_problem(r, 422, NULL);
    assert_error(r, 2, "category");
    assert_error(r, 2, "joined_on");
    assert_error(r, 4, "unit_code");
    assert_error(r, 4, "left_on");
    assert_error(r, 5, "code");
    assert_error(r, 5, "full_name");
    assert_error(r, 5, "joined_on");
    assert_false(has_error(r, 1, "code") || has_error(r, 3, "code") || has_error(r, 6, "code"));
    assert_int_equal(json_array_size(json_object_get(r->json, "errors")), 7);
    /* Errors come in row order. */
    long last = 0;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "errors"), i, e) {
        long row = (long)json_integer_value(json_object_get(e, "row"));
        assert_true(row >= last);
        last = row;
    }
    t_free(r);
    assert_int_equal(count_codes("B%"), 0);
}

static void duplicate_code_names_both_rows(void **state)
{
    (void)state;
    t_resp *r = import("code,full_name,unit_code,category,joined_on,left_on\n"
                       "E001,Mai Thị Một,IU1,cong_chuc,2020-01-01,\n"
                       "E002,Mai Thị Hai,IU1,cong_chuc,2020-01-01,\n"
                       "E001,Mai Thị Ba,IU2,cong_chuc,2020-01-01,\n");
    t_assert_problem(r, 422, "code");
    assert_error(r, 1, "code");
    assert_error(r, 3, "code");
    assert_false(has_error(r, 2, "code"));
    const char *msg = t_json_str(json_array_get(json_object_get(r->json, "errors"), 0), "message");
    assert_non_null(strstr(msg, "1, 3"));
    t_free(r);
    assert_int_equal(count_codes("E%"), 0);
}

static void quoted_line_breaks_keep_row_numbers(void **state)
{
    (void)state;
    /* Row 2 spans two lines; a name is one line, so it is refused, and
     * row 3 is still called row 3. */
    t_resp *r = import("code,full_name,unit_code,category,joined_on,left_on\n"
                       "L001,Đinh Văn Một,IU1,cong_chuc,2020-01-01,\n"
                       "L002,\"Đinh Văn\nHai\",IU1,cong_chuc,2020-01-01,\n"
                       "L003,Đinh Văn Ba,IU1,xx,2020-01-01,\n");
    t_assert_problem(r, 422, NULL);
    assert_error(r, 2, "full_name");
    assert_error(r, 3, "category");
    assert_int_equal(json_array_size(json_object_get(r->json, "errors")), 2);
    t_free(r);
    /* Text after a closing quote: not CSV, 400 naming body and the row. */
    r = import("code,full_name,unit_code,category,joined_on,left_on\n"
               "L001,\"Đinh Văn Một\" x,IU1,cong_chuc,2020-01-01,\n");
    t_assert_problem(r, 400, "body");
    assert_error(r, 1, "body");
    t_free(r);
    assert_int_equal(count_codes("L%"), 0);
}

static void header_problems(void **state)
{
    (void)state;
    t_resp *r = import("code,full_name,unit_code,category,left_on\nH1,A,IU1,cong_chuc,\n");
    t_assert_problem(r, 422, "joined_on");
    t_free(r);
    r = import("code,full_name,unit_code,category,joined_on,left_on,salary\nH1,A,IU1,cong_chuc,2020-01-01,,1\n");
    t_assert_problem(r, 422, "salary");
    t_free(r);
    /* Excel with Vietnamese regional settings separates with ';'. */
    r = import("code;full_name;unit_code;category;joined_on;left_on\nH1;A;IU1;cong_chuc;2020-01-01;\n");
    t_assert_problem(r, 422, "code");
    assert_non_null(strstr(t_json_str(r->json, "detail"), ";"));
    t_free(r);
    assert_int_equal(count_codes("H%"), 0);
}

static void agency_id_is_required(void **state)
{
    (void)state;
    const char csv[] = "code,full_name,unit_code,category,joined_on,left_on\nG1,A,IU1,cong_chuc,2020-01-01,\n";
    t_resp *r = t_request("POST", "/api/v1/staff/import", admin, "text/csv", csv, strlen(csv));
    t_assert_problem(r, 422, "agency_id");
    t_free(r);
    r = t_request("POST", "/api/v1/staff/import?agency_id=999999999", admin, "text/csv", csv, strlen(csv));
    t_assert_problem(r, 422, "agency_id");
    t_free(r);
    /* A division is not an agency. */
    char *unit = t_sql("SELECT id::text FROM units WHERE agency_id = $1::bigint AND code = 'IU1'", 1,
                       (const char *const[]){agency_s});
    char path[128];
    snprintf(path, sizeof path, "/api/v1/staff/import?agency_id=%s", unit);
    free(unit);
    r = t_request("POST", path, admin, "text/csv", csv, strlen(csv));
    t_assert_problem(r, 422, "agency_id");
    t_free(r);
    r = t_request("POST", "/api/v1/staff/import?agency_id=1", admin, "application/json", "{}", 2);
    t_assert_problem(r, 415, NULL);
    t_free(r);
    assert_int_equal(count_codes("G%"), 0);
}

static void roles_and_unit_scope(void **state)
{
    (void)state;
    const char mine[] = "code,full_name,unit_code,category,joined_on,left_on\n"
                        "R001,Tô Văn Một,IU1,cong_chuc,2020-01-01,\n";
    static const char *const readers[] = {"viewer", "council", "director"};
    for (size_t i = 0; i < 3; i++) {
        char name[64];
        snprintf(name, sizeof name, "tstaffimp_%s", readers[i]);
        char *tok = t_user(name, readers[i], NULL, agency_code);
        t_resp *r = import_as(tok, mine, strlen(mine));
        t_assert_problem(r, 403, NULL);
        t_free(r);
        free(tok);
    }
    char *head = t_user("tstaffimp_head", "unit_head", "IU1", agency_code);
    t_resp *r = import_as(head, mine, strlen(mine));
    assert_counts(r, 1, 0);
    t_free(r);
    const char mixed[] = "code,full_name,unit_code,category,joined_on,left_on\n"
                         "R002,Tô Văn Hai,IU1,cong_chuc,2020-01-01,\n"
                         "R003,Tô Văn Ba,IU2,cong_chuc,2020-01-01,\n";
    r = import_as(head, mixed, strlen(mixed));
    t_assert_problem(r, 403, NULL);
    t_free(r);
    assert_int_equal(count_codes("R002"), 0);
    /* D002 works in IU2: a unit_head of IU1 may not pull them in. */
    const char pull[] = "code,full_name,unit_code,category,joined_on,left_on\n"
                        "R004,Tô Văn Bốn,IU1,cong_chuc,2020-01-01,\n"
                        "D002,Trần Thị Bích,IU1,vien_chuc,2021-06-01,\n";
    r = import_as(head, pull, strlen(pull));
    t_assert_problem(r, 403, NULL);
    t_free(r);
    assert_int_equal(count_codes("R004"), 0);
    assert_stored("D002", "(SELECT code FROM units WHERE id = unit_id)", "IU2");
    free(head);
}

/* A CSV of n rows, codes prefix00001.., names "<tag> i", all of one
 * category, malloc'd. */
static char *generate(const char *prefix, int first, int n, const char *tag, const char *category)
{
    size_t cap = 128 + (size_t)n * 96;
    char *csv = malloc(cap);
    size_t len = (size_t)snprintf(csv, cap, "%s", HEADER);
    for (int i = first; i < first + n; i++)
        len += (size_t)snprintf(csv + len, cap - len, "%s%05d,%s Nguyễn Thị Ánh %d,IU%d,%s,2020-%02d-%02d,\n", prefix,
                                i, tag, i, 1 + i % 2, category, 1 + i % 12, 1 + i % 28);
    return csv;
}

static void ten_thousand_rows(void **state)
{
    (void)state;
    char *csv = generate("T", 1, 10000, "Người", "vien_chuc");
    t_resp *r = import_as(admin, csv, strlen(csv));
    assert_counts(r, 10000, 0);
    t_free(r);
    assert_int_equal(count_codes("T%"), 10000);
    const char *p[] = {agency_s};
    assert_int_equal(t_sql_int("SELECT count(*) FROM audit_log a JOIN staff s ON s.id = a.entity_id"
                               " WHERE a.entity = 'staff' AND a.action = 'insert' AND s.agency_id = $1::bigint"
                               " AND s.code LIKE 'T%' AND a.user_id = (SELECT id FROM users WHERE username = 'tstaffimp_admin')",
                               1, p),
                     10000);
    /* The same file again changes nothing and counts every row as updated. */
    r = import_as(admin, csv, strlen(csv));
    assert_counts(r, 0, 10000);
    t_free(r);
    free(csv);
}

/* Posts csv in a child process; the child exits 0 after a 200 (retrying a
 * 409, which is allowed to happen) and writes "created updated" to fd. */
static pid_t import_in_child(const char *csv, int fd)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    for (int attempt = 0; attempt < 5; attempt++) {
        t_resp *r = import_as(admin, csv, strlen(csv));
        if (r->status == 200) {
            char line[64];
            int n = snprintf(line, sizeof line, "%lld %lld\n", (long long)json_integer_value(json_object_get(r->json, "created")),
                             (long long)json_integer_value(json_object_get(r->json, "updated")));
            _exit(write(fd, line, (size_t)n) == n ? 0 : 3);
        }
        if (r->status != 409) {
            fprintf(stderr, "concurrent import: HTTP %ld %s\n", r->status, r->body);
            _exit(1);
        }
        t_free(r);
    }
    _exit(2);
}

static void concurrent_overlapping_imports(void **state)
{
    (void)state;
    /* A: codes 1..3000 as cong_chuc "A ..."; B: 2001..5000 as nguoi_lao_dong "B ...". */
    char *a = generate("K", 1, 3000, "A", "cong_chuc");
    char *b = generate("K", 2001, 3000, "B", "nguoi_lao_dong");
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pa = import_in_child(a, fds[1]);
    pid_t pb = import_in_child(b, fds[1]);
    close(fds[1]);
    int sa, sb;
    assert_int_equal(waitpid(pa, &sa, 0), pa);
    assert_int_equal(waitpid(pb, &sb, 0), pb);
    assert_true(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
    assert_true(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
    char out[128] = "";
    ssize_t n = read(fds[0], out, sizeof out - 1);
    close(fds[0]);
    assert_true(n > 0);
    out[n] = '\0';
    long long c1 = 0, u1 = 0, c2 = 0, u2 = 0;
    char *end;
    c1 = strtoll(out, &end, 10);
    u1 = strtoll(end, &end, 10);
    c2 = strtoll(end, &end, 10);
    u2 = strtoll(end, &end, 10);
    /* One ran after the other: 5000 codes created in all, the overlap
     * (1000 codes) updated by whichever came second. */
    assert_int_equal(c1 + c2, 5000);
    assert_int_equal(u1 + u2, 1000);
    assert_int_equal(count_codes("K%"), 5000);
    const char *p[] = {agency_s};
    /* Every row is wholly one file's: name and category agree. */
    assert_int_equal(t_sql_int("SELECT count(*) FROM staff WHERE agency_id = $1::bigint AND code LIKE 'K%'"
                               " AND NOT ((full_name LIKE 'A %' AND category = 'cong_chuc')"
                               "       OR (full_name LIKE 'B %' AND category = 'nguoi_lao_dong'))", 1, p), 0);
    assert_int_equal(t_sql_int("SELECT count(DISTINCT code) FROM staff WHERE agency_id = $1::bigint AND code LIKE 'K%'",
                               1, p), 5000);
    /* The overlap holds the values of one file, all of it. */
    assert_int_equal(t_sql_int("SELECT count(DISTINCT left(full_name, 1)) FROM staff WHERE agency_id = $1::bigint"
                               " AND code BETWEEN 'K02001' AND 'K03000'", 1, p), 1);
    free(a);
    free(b);
}

int main(void)
{
    t_init();
    admin = t_user("tstaffimp_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "SIM", agency_code, sizeof agency_code);
    snprintf(agency_s, sizeof agency_s, "%lld", agency);
    make_unit("IU1");
    make_unit("IU2");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dialect_and_upsert),
        cmocka_unit_test(decomposed_names_are_stored_nfc),
        cmocka_unit_test(bad_rows_write_nothing),
        cmocka_unit_test(duplicate_code_names_both_rows),
        cmocka_unit_test(quoted_line_breaks_keep_row_numbers),
        cmocka_unit_test(header_problems),
        cmocka_unit_test(agency_id_is_required),
        cmocka_unit_test(roles_and_unit_scope),
        cmocka_unit_test(ten_thousand_rows),
        cmocka_unit_test(concurrent_overlapping_imports),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    return rc;
}
