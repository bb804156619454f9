/* Decisions about a campaign's year: ratings, titles (one by one and by
 * CSV import), index ranks, certifications. Dates from starts_on to
 * closes_on, subjects of the campaign's agency and on its staff (a unit:
 * not dissolved) during the campaign, for ratings as for titles, and the
 * agency itself not dissolved for certifications; who may record them. */
#include "client.h"
#include "facts_fixture.h"

static char *admin, *office, *viewer, *head, *director, *council;
static long long agency, campaign, d1, d2, party, dissolved_before, dissolved_at_start, foreign_unit;
static long long s1, s2, s3, left_mid, left_at_start, left_before, joined_end, joined_after, foreign_staff;
static char agency_code[64];

static t_resp *post_to(const char *token, const char *what, const char *body)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/%s", campaign, what);
    return t_post(path, token, body);
}

static t_resp *import_csv(const char *token, const char *csv)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/titles/import", campaign);
    return fx_csv(path, token, csv);
}

static long long count_titles(void)
{
    return fx_count("SELECT count(*) FROM titles WHERE campaign_id = $1", campaign);
}

static const char *decision_no_of(const char *code, const char *title)
{
    static char out[256];
    const char *p[] = {code, title, agency_code};
    char *v = t_sql("SELECT coalesce(t.decision_no, '') || '|' || t.decided_on FROM titles t"
                    " JOIN staff s ON s.id = t.staff_id JOIN units a ON a.id = s.agency_id"
                    " WHERE s.code = $1 AND t.title = $2 AND a.code = $3",
                    3, p);
    snprintf(out, sizeof out, "%s", v ? v : "(none)");
    free(v);
    return out;
}

/* ------------------------------------------------------------ ratings */

static void ratings_kept_and_listed(void **state)
{
    (void)state;
    char body[256];
    /* A rating revised: both decisions kept. */
    snprintf(body, sizeof body,
             "{\"subject_type\":\"unit\",\"subject_id\":%lld,\"level\":\"HTNV\",\"decided_on\":\"2025-12-20\",\"decision_no\":\"12/QĐ\"}",
             agency);
    t_resp *r = post_to(office, "ratings", body);
    t_assert_status(r, 201);
    long long first = t_json_int(r->json, "id");
    assert_string_equal(t_json_str(r->json, "subject_type"), "unit");
    assert_int_equal(t_json_int(r->json, "subject_id"), agency);
    assert_string_equal(t_json_str(r->json, "level"), "HTNV");
    assert_string_equal(t_json_str(r->json, "decision_no"), "12/QĐ");
    char loc[128];
    snprintf(loc, sizeof loc, "/api/v1/ratings/%lld", first);
    assert_string_equal(t_header(r, "Location"), loc);
    t_free(r);
    snprintf(body, sizeof body,
             "{\"subject_type\":\"unit\",\"subject_id\":%lld,\"level\":\"HTTNV\",\"decided_on\":\"2026-06-30\"}", agency);
    r = post_to(director, "ratings", body);
    t_assert_status(r, 201);
    assert_true(json_is_null(json_object_get(r->json, "decision_no")));
    t_free(r);
    /* Staff, on the first day; a unit dissolved during the year; the party. */
    snprintf(body, sizeof body,
             "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"level\":\"HTXSNV\",\"decided_on\":\"2025-01-01\"}", s1);
    r = post_to(admin, "ratings", body);
    t_assert_status(r, 201);
    t_free(r);
    snprintf(body, sizeof body,
             "{\"subject_type\":\"unit\",\"subject_id\":%lld,\"level\":\"KHTNV\",\"decided_on\":\"2025-05-01\"}", d2);
    r = post_to(office, "ratings", body);
    t_assert_status(r, 201);
    t_free(r);
    snprintf(body, sizeof body,
             "{\"subject_type\":\"unit\",\"subject_id\":%lld,\"level\":\"HTTNV\",\"decided_on\":\"2026-01-10\"}", party);
    r = post_to(office, "ratings", body);
    t_assert_status(r, 201);
    t_free(r);

    r = t_getf(viewer, "/api/v1/campaigns/%lld/ratings?subject_type=unit&subject_id=%lld", campaign, agency);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 2);
    assert_string_equal(t_json_str(json_array_get(json_object_get(r->json, "items"), 0), "level"), "HTNV");
    assert_string_equal(t_json_str(json_array_get(json_object_get(r->json, "items"), 1), "level"), "HTTNV");
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/ratings?subject_type=staff", campaign);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 1);
    assert_int_equal(fx_item_int(r, 0, "subject_id"), s1);
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/ratings", campaign);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 5);
    t_free(r);
    r = t_get(loc, viewer);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "decided_on"), "2025-12-20");
    t_free(r);
}

static void ratings_validation(void **state)
{
    (void)state;
    long long before = fx_count("SELECT count(*) FROM ratings WHERE campaign_id = $1", campaign);
    char body[256];
    const char *dates[] = {"2024-12-31", "2026-07-01"};
    for (int i = 0; i < 2; i++) {
        snprintf(body, sizeof body, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"level\":\"HTNV\",\"decided_on\":\"%s\"}",
                 s1, dates[i]);
        t_resp *r = post_to(office, "ratings", body);
        t_assert_problem(r, 422, "decided_on");
        t_free(r);
    }
    /* Not of the agency; no such id. */
    long long wrong[][2] = {{foreign_staff, 0}, {foreign_unit, 1}, {999999999, 0}, {999999999, 1}};
    for (int i = 0; i < 4; i++) {
        snprintf(body, sizeof body, "{\"subject_type\":\"%s\",\"subject_id\":%lld,\"level\":\"HTNV\",\"decided_on\":\"2025-12-01\"}",
                 wrong[i][1] ? "unit" : "staff", wrong[i][0]);
        t_resp *r = post_to(office, "ratings", body);
        t_assert_problem(r, 422, "subject_id");
        t_free(r);
    }
    snprintf(body, sizeof body, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"level\":\"XUAT_SAC\",\"decided_on\":\"2025-12-01\"}", s1);
    t_resp *r = post_to(office, "ratings", body);
    t_assert_problem(r, 422, "level");
    t_free(r);
    snprintf(body, sizeof body, "{\"subject_type\":\"person\",\"subject_id\":%lld,\"level\":\"HTNV\",\"decided_on\":\"2025-12-01\"}", s1);
    r = post_to(office, "ratings", body);
    t_assert_problem(r, 422, "subject_type");
    t_free(r);
    r = post_to(office, "ratings", "{\"subject_type\":\"staff\"}");
    t_assert_problem(r, 422, "subject_id");
    fx_assert_error(r, "level", 0, NULL);
    fx_assert_error(r, "decided_on", 0, NULL);
    t_free(r);
    /* Both subject and date wrong: both named. */
    snprintf(body, sizeof body, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"level\":\"HTNV\",\"decided_on\":\"2027-01-01\"}",
             foreign_staff);
    r = post_to(office, "ratings", body);
    t_assert_problem(r, 422, "subject_id");
    fx_assert_error(r, "decided_on", 0, NULL);
    t_free(r);
    r = t_post("/api/v1/campaigns/999999999/ratings", office,
               "{\"subject_type\":\"staff\",\"subject_id\":1,\"level\":\"HTNV\",\"decided_on\":\"2025-12-01\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/campaigns/999999999/ratings", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/ratings?subject_type=person", campaign);
    t_assert_problem(r, 400, "subject_type");
    t_free(r);
    assert_int_equal(fx_count("SELECT count(*) FROM ratings WHERE campaign_id = $1", campaign), before);
}

/* A rating's subject follows the rule of titles: of the agency, on the
 * staff (a unit: not dissolved) at some time from starts_on to ends_on.
 * Someone is on the staff from joined_on up to the day before left_on; a
 * unit dissolved on a day is gone that day. Each refused subject is
 * refused as a title too, and nothing is written for it. */
static void ratings_subject_as_titles(void **state)
{
    (void)state;
    struct {
        const char *type;
        long long id;
        const char *title;
        long status;
    } cases[] = {
        {"staff", left_before, "LDTT", 422},          /* left before starts_on */
        {"staff", left_at_start, "LDTT", 422},        /* left on starts_on: not one day */
        {"staff", joined_after, "LDTT", 422},         /* joined after ends_on */
        {"staff", joined_end, "LDTT", 201},           /* joined on ends_on: one day */
        {"staff", left_mid, "LDTT", 201},             /* left during the campaign */
        {"unit", dissolved_before, "TTLDTT", 422},    /* dissolved before starts_on */
        {"unit", dissolved_at_start, "TTLDTT", 422},  /* dissolved on starts_on */
        {"unit", d2, "TTLDTT", 201},                  /* dissolved during the campaign */
    };
    char body[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(body, sizeof body,
                 "{\"subject_type\":\"%s\",\"subject_id\":%lld,\"level\":\"HTNV\",\"decided_on\":\"2025-12-15\"}",
                 cases[i].type, cases[i].id);
        t_resp *r = post_to(office, "ratings", body);
        if (r->status != cases[i].status)
            fail_msg("case %zu: expected %ld, got %ld: %s", i, cases[i].status, r->status, r->body);
        if (cases[i].status == 422) {
            t_assert_problem(r, 422, "subject_id");
            assert_int_equal(fx_error_count(r), 1);
        }
        t_free(r);
        if (cases[i].status != 422)
            continue;
        assert_int_equal(fx_count(strcmp(cases[i].type, "staff") == 0 ? "SELECT count(*) FROM ratings WHERE staff_id = $1"
                                                                       : "SELECT count(*) FROM ratings WHERE unit_id = $1",
                                  cases[i].id),
                         0);
        snprintf(body, sizeof body,
                 "{\"subject_type\":\"%s\",\"subject_id\":%lld,\"title\":\"%s\",\"decided_on\":\"2025-12-15\"}",
                 cases[i].type, cases[i].id, cases[i].title);
        r = post_to(office, "titles", body);
        t_assert_problem(r, 422, "subject_id");
        t_free(r);
    }
}

static void decisions_roles(void **state)
{
    (void)state;
    char rating[256], title[256];
    snprintf(rating, sizeof rating, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"level\":\"HTNV\",\"decided_on\":\"2025-12-01\"}", s2);
    snprintf(title, sizeof title, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"title\":\"CSTD_TINH\",\"decided_on\":\"2025-12-01\"}", s2);
    const char *cert = "{\"kind\":\"security_order\",\"achieved\":true,\"decided_on\":\"2025-12-01\"}";
    char index[256];
    snprintf(index, sizeof index, "{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":2030,\"rank\":3,\"published_on\":\"2031-03-01\"}", agency);
    char *no[] = {viewer, head, council};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        t_resp *r = post_to(no[i], "ratings", rating);
        t_assert_problem(r, 403, NULL);
        t_free(r);
        r = post_to(no[i], "titles", title);
        t_assert_problem(r, 403, NULL);
        t_free(r);
        r = post_to(no[i], "certifications", cert);
        t_assert_problem(r, 403, NULL);
        t_free(r);
        r = t_post("/api/v1/indexes", no[i], index);
        t_assert_problem(r, 403, NULL);
        t_free(r);
        r = import_csv(no[i], "subject_type,subject_code,title,decision_no,decided_on\nstaff,S2,CSTD_TINH,,2025-12-01\n");
        t_assert_problem(r, 403, NULL);
        t_free(r);
    }
    assert_int_equal(fx_count("SELECT count(*) FROM titles WHERE staff_id = $1 AND title = 'CSTD_TINH'", s2), 0);
    assert_int_equal(fx_count("SELECT count(*) FROM index_ranks WHERE agency_id = $1 AND year = 2030", agency), 0);
    /* Every role reads. */
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        const char *what[] = {"ratings", "titles", "certifications"};
        for (int w = 0; w < 3; w++) {
            t_resp *r = t_getf(no[i], "/api/v1/campaigns/%lld/%s", campaign, what[w]);
            t_assert_status(r, 200);
            t_free(r);
        }
        t_resp *r = t_get("/api/v1/indexes", no[i]);
        t_assert_status(r, 200);
        t_free(r);
    }
    /* The director decides. */
    t_resp *r = post_to(director, "titles", title);
    t_assert_status(r, 201);
    t_free(r);
    r = post_to(director, "certifications", cert);
    t_assert_status(r, 201);
    t_free(r);
    r = t_post("/api/v1/indexes", director, index);
    t_assert_status(r, 201);
    t_free(r);
}

/* ------------------------------------------------------------ titles */

static void titles_create_conflict_list(void **state)
{
    (void)state;
    char body[256];
    snprintf(body, sizeof body,
             "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"title\":\"LDTT\",\"decision_no\":\"45/QĐ-SNV\",\"decided_on\":\"2026-01-15\"}",
             s1);
    t_resp *r = post_to(office, "titles", body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    assert_string_equal(t_json_str(r->json, "title"), "LDTT");
    assert_int_equal(t_json_int(r->json, "subject_id"), s1);
    assert_string_equal(t_json_str(r->json, "decision_no"), "45/QĐ-SNV");
    char loc[128];
    snprintf(loc, sizeof loc, "/api/v1/titles/%lld", id);
    assert_string_equal(t_header(r, "Location"), loc);
    t_free(r);
    /* The same subject and title again: 409, whatever the decision. */
    snprintf(body, sizeof body, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"title\":\"LDTT\",\"decided_on\":\"2026-02-01\"}", s1);
    r = post_to(office, "titles", body);
    t_assert_problem(r, 409, "title");
    t_free(r);
    /* Another title for the same person; a collective title for a unit;
     * boundaries of who was there. */
    struct {
        const char *type;
        long long id;
        const char *title;
    } ok[] = {{"staff", s1, "CSTDCS"}, {"unit", d1, "TTLDXS"}, {"unit", d2, "TTLDTT"}, {"unit", agency, "TTLDXS"},
              {"staff", left_mid, "LDTT"}, {"staff", joined_end, "LDTT"}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        snprintf(body, sizeof body, "{\"subject_type\":\"%s\",\"subject_id\":%lld,\"title\":\"%s\",\"decided_on\":\"2026-06-30\"}",
                 ok[i].type, ok[i].id, ok[i].title);
        r = post_to(office, "titles", body);
        t_assert_status(r, 201);
        t_free(r);
    }
    snprintf(body, sizeof body, "{\"subject_type\":\"unit\",\"subject_id\":%lld,\"title\":\"TTLDXS\",\"decided_on\":\"2026-06-30\"}", d1);
    r = post_to(admin, "titles", body);
    t_assert_problem(r, 409, "title");
    t_free(r);

    r = t_getf(viewer, "/api/v1/campaigns/%lld/titles?subject_type=unit&title=TTLDXS", campaign);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 2);
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/titles?subject_type=staff&subject_id=%lld", campaign, s1);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 2);
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/titles?title=LDTT_X", campaign);
    t_assert_problem(r, 400, "title");
    t_free(r);
    r = t_get(loc, viewer);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "decided_on"), "2026-01-15");
    t_free(r);
    r = t_get("/api/v1/titles/999999999", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
}

static void titles_kind_subject_date(void **state)
{
    (void)state;
    long long before = count_titles();
    char body[256];
    /* An individual title for a unit, a collective one for a person. */
    snprintf(body, sizeof body, "{\"subject_type\":\"unit\",\"subject_id\":%lld,\"title\":\"LDTT\",\"decided_on\":\"2025-12-01\"}", d1);
    t_resp *r = post_to(office, "titles", body);
    t_assert_problem(r, 422, "title");
    fx_assert_error(r, "title", 0, "LDTT");
    t_free(r);
    snprintf(body, sizeof body, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"title\":\"TTLDXS\",\"decided_on\":\"2025-12-01\"}", s2);
    r = post_to(office, "titles", body);
    t_assert_problem(r, 422, "title");
    fx_assert_error(r, "title", 0, "TTLDXS");
    t_free(r);
    /* Not on the staff (a unit: dissolved) at any time of the campaign, or
     * not of the agency. */
    struct {
        const char *type;
        long long id;
        const char *title;
    } bad[] = {{"staff", left_at_start, "LDTT"}, {"staff", left_before, "LDTT"},   {"staff", joined_after, "LDTT"},
               {"staff", foreign_staff, "LDTT"}, {"unit", dissolved_before, "TTLDTT"}, {"unit", dissolved_at_start, "TTLDTT"},
               {"unit", foreign_unit, "TTLDTT"}, {"staff", 999999999, "LDTT"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(body, sizeof body, "{\"subject_type\":\"%s\",\"subject_id\":%lld,\"title\":\"%s\",\"decided_on\":\"2025-12-01\"}",
                 bad[i].type, bad[i].id, bad[i].title);
        r = post_to(office, "titles", body);
        t_assert_problem(r, 422, "subject_id");
        t_free(r);
    }
    const char *dates[] = {"2024-12-31", "2026-07-01", "2025-13-01"};
    for (int i = 0; i < 3; i++) {
        snprintf(body, sizeof body, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"title\":\"CSTD_TOAN_QUOC\",\"decided_on\":\"%s\"}",
                 s2, dates[i]);
        r = post_to(office, "titles", body);
        t_assert_problem(r, 422, "decided_on");
        t_free(r);
    }
    r = post_to(office, "titles", "{\"subject_type\":\"staff\",\"subject_id\":1,\"title\":\"ANH_HUNG\",\"decided_on\":\"2025-12-01\"}");
    t_assert_problem(r, 422, "title");
    t_free(r);
    /* Every error of one request at once. */
    snprintf(body, sizeof body, "{\"subject_type\":\"unit\",\"subject_id\":%lld,\"title\":\"LDTT\",\"decided_on\":\"2027-01-01\"}",
             dissolved_before);
    r = post_to(office, "titles", body);
    t_assert_problem(r, 422, "title");
    fx_assert_error(r, "subject_id", 0, NULL);
    fx_assert_error(r, "decided_on", 0, NULL);
    t_free(r);
    r = t_post("/api/v1/campaigns/999999999/titles", office,
               "{\"subject_type\":\"staff\",\"subject_id\":1,\"title\":\"LDTT\",\"decided_on\":\"2025-12-01\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    assert_int_equal(count_titles(), before);
}

/* ------------------------------------------------------------ titles import */

static const char *header = "subject_type,subject_code,title,decision_no,decided_on\n";

static void import_creates_then_updates(void **state)
{
    (void)state;
    char csv[1024];
    snprintf(csv, sizeof csv, "%sstaff,S3,LDTT,01/QĐ,2026-01-10\nstaff,S3,CSTDCS,01/QĐ,2026-01-10\nunit,D1,TTLDTT,,2026-01-10\n", header);
    t_resp *r = import_csv(office, csv);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "created"), 3);
    assert_int_equal(t_json_int(r->json, "updated"), 0);
    t_free(r);
    assert_string_equal(decision_no_of("S3", "LDTT"), "01/QĐ|2026-01-10");
    long long before = count_titles();
    /* One row again with a corrected decision, one new: an upsert. */
    snprintf(csv, sizeof csv, "%sstaff,S3,LDTT,02/QĐ,2026-02-01\nstaff,JOINEND,CSTDCS,,2026-02-01\n", header);
    r = import_csv(director, csv);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "created"), 1);
    assert_int_equal(t_json_int(r->json, "updated"), 1);
    t_free(r);
    assert_int_equal(count_titles(), before + 1);
    assert_string_equal(decision_no_of("S3", "LDTT"), "02/QĐ|2026-02-01");
    assert_string_equal(decision_no_of("JOINEND", "CSTDCS"), "|2026-02-01");
    /* The same file twice: everything is an update the second time. */
    r = import_csv(office, csv);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "created"), 0);
    assert_int_equal(t_json_int(r->json, "updated"), 2);
    t_free(r);
    assert_int_equal(count_titles(), before + 1);
}

static void import_csv_dialect(void **state)
{
    (void)state;
    /* A BOM, CRLF, columns in another order, quoted fields with a comma and
     * a doubled quote, spaces around values, a blank line, no final break. */
    const char csv[] = "\xEF\xBB\xBF"
                       "decided_on,title,subject_code,subject_type,decision_no\r\n"
                       "2026-03-01,CSTD_TINH,\"S1\",staff,\"15/QĐ-UBND, ngày 01/3/2026\"\r\n"
                       "\r\n"
                       " 2026-03-02 ,TTLDXS, D2 ,unit,\"QĐ \"\"bổ sung\"\"\"";
    t_resp *r = import_csv(office, csv);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "created"), 2);
    assert_int_equal(t_json_int(r->json, "updated"), 0);
    t_free(r);
    assert_string_equal(decision_no_of("S1", "CSTD_TINH"), "15/QĐ-UBND, ngày 01/3/2026|2026-03-01");
    assert_int_equal(fx_count("SELECT count(*) FROM titles WHERE unit_id = $1 AND title = 'TTLDXS'"
                              " AND decision_no = 'QĐ \"bổ sung\"' AND decided_on = '2026-03-02'",
                              d2),
                     1);
}

static void import_bad_row_writes_nothing(void **state)
{
    (void)state;
    long long before = count_titles();
    char csv[1024];
    snprintf(csv, sizeof csv, "%sstaff,S2,LDTT,,2026-01-10\nstaff,S2,TTLDXS,,2026-01-10\nunit,D1,TTLDXS,,2026-01-10\n", header);
    t_resp *r = import_csv(office, csv);
    t_assert_problem(r, 422, "title");
    assert_int_equal(fx_error_count(r), 1);
    fx_assert_error(r, "title", 2, "TTLDXS");
    t_free(r);
    assert_int_equal(count_titles(), before);
    assert_string_equal(decision_no_of("S2", "LDTT"), "(none)");
}

static void import_lists_every_bad_row(void **state)
{
    (void)state;
    long long before = count_titles();
    char csv[2048];
    snprintf(csv, sizeof csv,
             "%s"
             "staff,NOPE,LDTT,,2026-01-10\n"          /* 1: unknown code */
             "staff,S2,LDTT,,2026-01-10\n"            /* 2: fine */
             "staff,S2,CSTDCS,,2026-07-01\n"          /* 3: after closes_on */
             "unit,D1,LDTT,,2026-01-10\n"             /* 4: individual title for a unit */
             "staff,LEFTBEFORE,LDTT,,2026-01-10\n"    /* 5: not on the staff */
             "unit,DOLD,TTLDTT,,2026-01-10\n"         /* 6: dissolved before */
             "person,S2,LDTT,,2026-01-10\n"           /* 7: subject_type */
             "staff,S2,LDTT_X,,31/12/2025\n"          /* 8: title and date */
             "staff,,LDTT,,\n"                        /* 9: code and date missing */
             "staff,XS1,LDTT,,2026-01-10\n",          /* 10: of another agency */
             header);
    t_resp *r = import_csv(office, csv);
    t_assert_problem(r, 422, NULL);
    fx_assert_error(r, "subject_code", 1, "NOPE");
    fx_assert_error(r, "decided_on", 3, NULL);
    fx_assert_error(r, "title", 4, "LDTT");
    fx_assert_error(r, "subject_code", 5, "LEFTBEFORE");
    fx_assert_error(r, "subject_code", 6, "DOLD");
    fx_assert_error(r, "subject_type", 7, NULL);
    fx_assert_error(r, "title", 8, NULL);
    fx_assert_error(r, "decided_on", 8, NULL);
    fx_assert_error(r, "subject_code", 9, NULL);
    fx_assert_error(r, "decided_on", 9, NULL);
    fx_assert_error(r, "subject_code", 10, "XS1");
    assert_int_equal(fx_error_count(r), 11);
    /* Listed in row order. */
    json_t *errors = json_object_get(r->json, "errors");
    for (size_t i = 1; i < json_array_size(errors); i++)
        assert_true(json_integer_value(json_object_get(json_array_get(errors, i - 1), "row")) <=
                    json_integer_value(json_object_get(json_array_get(errors, i), "row")));
    t_free(r);
    assert_int_equal(count_titles(), before);
}

static void import_duplicates_named(void **state)
{
    (void)state;
    long long before = count_titles();
    char csv[1024];
    snprintf(csv, sizeof csv,
             "%sstaff,S2,LDTT,,2026-01-10\nunit,D1,TTLDTT,,2026-01-10\nstaff,S2,CSTDCS,,2026-01-10\nstaff,S2,LDTT,,2026-01-11\n"
             "unit,D1,TTLDTT,,2026-01-12\nunit,D1,TTLDTT,,2026-01-13\n",
             header);
    t_resp *r = import_csv(office, csv);
    t_assert_problem(r, 422, "subject_code");
    fx_assert_error(r, "subject_code", 1, "1, 4");
    fx_assert_error(r, "subject_code", 4, "1, 4");
    fx_assert_error(r, "subject_code", 2, "2, 5, 6");
    fx_assert_error(r, "subject_code", 5, "2, 5, 6");
    fx_assert_error(r, "subject_code", 6, "2, 5, 6");
    assert_int_equal(fx_error_count(r), 5);
    t_free(r);
    assert_int_equal(count_titles(), before);
}

static void import_header_and_body(void **state)
{
    (void)state;
    t_resp *r = import_csv(office, "subject_type,subject_code,title,decided_on\nstaff,S2,LDTT,2026-01-10\n");
    t_assert_problem(r, 422, "decision_no");
    t_free(r);
    r = import_csv(office, "type,code\nstaff,S2\n");
    t_assert_problem(r, 422, "subject_type");
    fx_assert_error(r, "subject_code", 0, NULL);
    fx_assert_error(r, "title", 0, NULL);
    fx_assert_error(r, "decided_on", 0, NULL);
    t_free(r);
    r = import_csv(office, header);
    t_assert_problem(r, 422, "body");
    t_free(r);
    r = import_csv(office, "subject_type,subject_code,title,decision_no,decided_on\nstaff,S2,\"LDTT,,2026-01-10\n");
    t_assert_problem(r, 400, NULL);
    t_free(r);
    r = import_csv(office, "subject_type,subject_code,title,decision_no,decided_on\nstaff,S2,LDTT,2026-01-10\n");
    t_assert_problem(r, 400, NULL);
    t_free(r);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/titles/import", campaign);
    r = t_post(path, office, "{\"rows\":[]}");
    t_assert_problem(r, 415, NULL);
    t_free(r);
    r = fx_csv("/api/v1/campaigns/999999999/titles/import", office, "subject_type,subject_code,title,decision_no,decided_on\n");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    assert_string_equal(decision_no_of("S2", "LDTT"), "(none)");
}

static void import_concurrent_same_file(void **state)
{
    (void)state;
    char csv[512], path[128];
    snprintf(csv, sizeof csv, "%sstaff,S1,CSTD_TOAN_QUOC,,2026-04-01\nunit,DANGBO,TTLDTT,,2026-04-01\n", header);
    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/titles/import", campaign);
    long status[2];
    fx_post_twice(path, office, "text/csv", csv, status);
    assert_int_equal(status[0], 200);
    assert_int_equal(status[1], 200);
    assert_int_equal(fx_count("SELECT count(*) FROM titles WHERE staff_id = $1 AND title = 'CSTD_TOAN_QUOC'", s1), 1);
    assert_int_equal(fx_count("SELECT count(*) FROM titles WHERE unit_id = $1 AND title = 'TTLDTT'", party), 1);
}

/* ------------------------------------------------------------ indexes */

static void indexes_create_and_replace(void **state)
{
    (void)state;
    char body[512];
    snprintf(body, sizeof body,
             "{\"agency_id\":%lld,\"kind\":\"par_index\",\"year\":2025,\"score\":87.45,\"rank\":5,\"rank_total\":20,"
             "\"published_on\":\"2026-04-15\"}",
             agency);
    t_resp *r = t_post("/api/v1/indexes", office, body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    assert_int_equal(t_json_int(r->json, "rank"), 5);
    assert_true(json_real_value(json_object_get(r->json, "score")) > 87.44 &&
                json_real_value(json_object_get(r->json, "score")) < 87.46);
    char loc[128];
    snprintf(loc, sizeof loc, "/api/v1/indexes/%lld", id);
    assert_string_equal(t_header(r, "Location"), loc);
    t_free(r);
    /* A correction replaces it: 200, the same row. */
    snprintf(body, sizeof body,
             "{\"agency_id\":%lld,\"kind\":\"par_index\",\"year\":2025,\"score\":null,\"rank\":4,\"rank_total\":20,"
             "\"published_on\":\"2026-04-20\"}",
             agency);
    r = t_post("/api/v1/indexes", director, body);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "id"), id);
    assert_int_equal(t_json_int(r->json, "rank"), 4);
    assert_true(json_is_null(json_object_get(r->json, "score")));
    assert_string_equal(t_json_str(r->json, "published_on"), "2026-04-20");
    t_free(r);
    assert_int_equal(fx_count("SELECT count(*) FROM index_ranks WHERE agency_id = $1 AND kind = 'par_index' AND year = 2025", agency), 1);
    /* Another kind, another year: new rows. */
    snprintf(body, sizeof body, "{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":2025,\"rank\":7,\"published_on\":\"2026-05-01\"}", agency);
    r = t_post("/api/v1/indexes", office, body);
    t_assert_status(r, 201);
    t_free(r);
    snprintf(body, sizeof body, "{\"agency_id\":%lld,\"kind\":\"par_index\",\"year\":2024,\"rank\":6,\"rank_total\":6,\"published_on\":\"2025-04-01\"}", agency);
    r = t_post("/api/v1/indexes", admin, body);
    t_assert_status(r, 201);
    t_free(r);

    r = t_getf(viewer, "/api/v1/indexes?agency_id=%lld", agency);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), fx_count("SELECT count(*) FROM index_ranks WHERE agency_id = $1", agency));
    t_free(r);
    r = t_getf(viewer, "/api/v1/indexes?agency_id=%lld&kind=par_index", agency);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 2);
    assert_int_equal(fx_item_int(r, 0, "year"), 2025);
    assert_int_equal(fx_item_int(r, 1, "year"), 2024);
    t_free(r);
    r = t_getf(viewer, "/api/v1/indexes?agency_id=%lld&kind=par_index&year=2024", agency);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 1);
    assert_int_equal(fx_item_int(r, 0, "rank"), 6);
    t_free(r);
    r = t_get(loc, viewer);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "rank"), 4);
    t_free(r);
    r = t_get("/api/v1/indexes/999999999", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/indexes?kind=cpi", viewer);
    t_assert_problem(r, 400, "kind");
    t_free(r);
    r = t_get("/api/v1/indexes?year=abc", viewer);
    t_assert_problem(r, 400, "year");
    t_free(r);
}

static void indexes_concurrent_first_posts(void **state)
{
    (void)state;
    char body[256];
    snprintf(body, sizeof body, "{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":2023,\"rank\":9,\"published_on\":\"2024-04-01\"}",
             agency);
    long status[2];
    fx_post_twice("/api/v1/indexes", office, "application/json", body, status);
    /* One creates it, the other replaces it. */
    assert_true((status[0] == 201 && status[1] == 200) || (status[0] == 200 && status[1] == 201));
    assert_int_equal(fx_count("SELECT count(*) FROM index_ranks WHERE agency_id = $1 AND kind = 'dti' AND year = 2023", agency), 1);
}

static void indexes_validation(void **state)
{
    (void)state;
    struct {
        const char *body;
        const char *field;
    } bad[] = {
        {"{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":2026,\"rank\":21,\"rank_total\":20,\"published_on\":\"2027-01-01\"}", "rank"},
        {"{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":2026,\"rank\":0,\"published_on\":\"2027-01-01\"}", "rank"},
        {"{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":2026,\"rank_total\":5,\"published_on\":\"2027-01-01\"}", "rank"},
        {"{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":2026,\"rank\":1,\"rank_total\":0,\"published_on\":\"2027-01-01\"}", "rank_total"},
        {"{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":1999,\"rank\":1,\"published_on\":\"2027-01-01\"}", "year"},
        {"{\"agency_id\":%lld,\"kind\":\"cpi\",\"year\":2026,\"rank\":1,\"published_on\":\"2027-01-01\"}", "kind"},
        {"{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":2026,\"rank\":1,\"score\":-1,\"published_on\":\"2027-01-01\"}", "score"},
        {"{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":2026,\"rank\":1,\"score\":\"90\",\"published_on\":\"2027-01-01\"}", "score"},
        {"{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":2026,\"rank\":1,\"score\":1000000,\"published_on\":\"2027-01-01\"}", "score"},
        {"{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":2026,\"rank\":1,\"published_on\":\"2027-02-29\"}", "published_on"},
    };
    char body[512];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(body, sizeof body, bad[i].body, agency);
        t_resp *r = t_post("/api/v1/indexes", office, body);
        t_assert_problem(r, 422, bad[i].field);
        t_free(r);
    }
    /* Not an agency (a division), no such unit. */
    long long not_agencies[] = {d1, 999999999};
    for (int i = 0; i < 2; i++) {
        snprintf(body, sizeof body, "{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":2026,\"rank\":1,\"published_on\":\"2027-01-01\"}",
                 not_agencies[i]);
        t_resp *r = t_post("/api/v1/indexes", office, body);
        t_assert_problem(r, 422, "agency_id");
        t_free(r);
    }
    assert_int_equal(fx_count("SELECT count(*) FROM index_ranks WHERE year = 2026 AND agency_id = $1", agency), 0);
}

/* ------------------------------------------------------------ certifications */

static void certifications_kept(void **state)
{
    (void)state;
    t_resp *r = post_to(office, "certifications",
                        "{\"kind\":\"good_learning_unit\",\"achieved\":false,\"decided_on\":\"2025-12-15\",\"decision_no\":\"88/QĐ\"}");
    t_assert_status(r, 201);
    long long first = t_json_int(r->json, "id");
    assert_true(json_is_false(json_object_get(r->json, "achieved")));
    assert_string_equal(t_json_str(r->json, "kind"), "good_learning_unit");
    char loc[128];
    snprintf(loc, sizeof loc, "/api/v1/certifications/%lld", first);
    assert_string_equal(t_header(r, "Location"), loc);
    t_free(r);
    r = post_to(office, "certifications", "{\"kind\":\"good_learning_unit\",\"achieved\":true,\"decided_on\":\"2026-06-30\"}");
    t_assert_status(r, 201);
    t_free(r);
    r = t_getf(viewer, "/api/v1/campaigns/%lld/certifications?kind=good_learning_unit", campaign);
    t_assert_status(r, 200);
    assert_int_equal(t_json_int(r->json, "total"), 2);
    assert_int_equal(fx_item_int(r, 0, "id"), first);
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(r->json, "items"), 1), "achieved")));
    t_free(r);
    r = t_get(loc, viewer);
    t_assert_status(r, 200);
    assert_string_equal(t_json_str(r->json, "decision_no"), "88/QĐ");
    t_free(r);
}

static void certifications_validation(void **state)
{
    (void)state;
    long long before = fx_count("SELECT count(*) FROM certifications WHERE campaign_id = $1", campaign);
    struct {
        const char *body;
        const char *field;
    } bad[] = {
        {"{\"kind\":\"security_order\",\"achieved\":true,\"decided_on\":\"2024-12-31\"}", "decided_on"},
        {"{\"kind\":\"security_order\",\"achieved\":true,\"decided_on\":\"2026-07-01\"}", "decided_on"},
        {"{\"kind\":\"security\",\"achieved\":true,\"decided_on\":\"2025-12-01\"}", "kind"},
        {"{\"kind\":\"security_order\",\"decided_on\":\"2025-12-01\"}", "achieved"},
        {"{\"kind\":\"security_order\",\"achieved\":\"yes\",\"decided_on\":\"2025-12-01\"}", "achieved"},
        {"{\"kind\":\"security_order\",\"achieved\":true}", "decided_on"},
        {"{\"kind\":\"security_order\",\"achieved\":true,\"decided_on\":\"2025-12-01\",\"decision_no\":7}", "decision_no"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t_resp *r = post_to(office, "certifications", bad[i].body);
        t_assert_problem(r, 422, bad[i].field);
        t_free(r);
    }
    t_resp *r = t_post("/api/v1/campaigns/999999999/certifications", office,
                       "{\"kind\":\"security_order\",\"achieved\":true,\"decided_on\":\"2025-12-01\"}");
    t_assert_problem(r, 404, NULL);
    t_free(r);
    r = t_get("/api/v1/campaigns/999999999/certifications", viewer);
    t_assert_problem(r, 404, NULL);
    t_free(r);
    assert_int_equal(fx_count("SELECT count(*) FROM certifications WHERE campaign_id = $1", campaign), before);
}

/* A certification is of the campaign's agency itself: the rule of titles
 * for a unit applies to the agency root. Dissolved on or before starts_on:
 * 422 naming agency_id, nothing written; dissolved during the campaign:
 * recorded. */
static void certifications_agency_not_dissolved(void **state)
{
    (void)state;
    struct {
        const char *dissolved_on;
        long status;
    } cases[] = {{"2024-12-31", 422}, {"2025-01-01", 422}, {"2025-01-02", 201}, {"2025-12-31", 201}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char prefix[16], code[64], root_s[32];
        snprintf(prefix, sizeof prefix, "DCG%zu", i);
        long long root = t_make_agency(admin, prefix, code, sizeof code);
        snprintf(root_s, sizeof root_s, "%lld", root);
        const char *p[] = {root_s, cases[i].dissolved_on};
        free(t_sql("UPDATE units SET dissolved_on = $2::date WHERE id = $1::bigint RETURNING id", 2, p));
        long long c = fx_campaign(root, "TD2025", "2025-01-01", "2025-12-31", "2026-06-30");
        char path[128];
        snprintf(path, sizeof path, "/api/v1/campaigns/%lld/certifications", c);
        /* The office of DEC does not see another agency's campaign; an
         * office of that agency records there. */
        t_resp *r = t_post(path, office, "{\"kind\":\"security_order\",\"achieved\":true,\"decided_on\":\"2025-12-01\"}");
        t_assert_problem(r, 404, NULL);
        t_free(r);
        char name[64];
        snprintf(name, sizeof name, "decisions_office_dcg%zu", i);
        char *office_there = t_user(name, "office", NULL, code);
        r = t_post(path, office_there, "{\"kind\":\"security_order\",\"achieved\":true,\"decided_on\":\"2025-12-01\"}");
        free(office_there);
        if (r->status != cases[i].status)
            fail_msg("dissolved on %s: expected %ld, got %ld: %s", cases[i].dissolved_on, cases[i].status, r->status,
                     r->body);
        if (cases[i].status == 422) {
            t_assert_problem(r, 422, "agency_id");
            assert_int_equal(fx_error_count(r), 1);
        }
        t_free(r);
        assert_int_equal(fx_count("SELECT count(*) FROM certifications WHERE campaign_id = $1", c),
                         cases[i].status == 201 ? 1 : 0);
    }
}

int main(void)
{
    t_init();
    admin = t_user("decisions_admin", "admin", NULL, NULL);
    agency = t_make_agency(admin, "DEC", agency_code, sizeof agency_code);
    d1 = fx_unit(admin, agency, "D1", "division", NULL);
    d2 = fx_unit(admin, agency, "D2", "affiliated", "2025-06-01");
    party = fx_unit(admin, agency, "DANGBO", "party", NULL);
    dissolved_before = fx_unit(admin, agency, "DOLD", "division", "2024-12-31");
    dissolved_at_start = fx_unit(admin, agency, "DSTART", "division", "2025-01-01");
    char other_code[64];
    long long other = t_make_agency(admin, "DEX", other_code, sizeof other_code);
    foreign_unit = fx_unit(admin, other, "D1", "division", NULL);
    office = t_user("decisions_office", "office", NULL, agency_code);
    viewer = t_user("decisions_viewer", "viewer", NULL, agency_code);
    director = t_user("decisions_director", "director", NULL, agency_code);
    council = t_user("decisions_council", "council", NULL, agency_code);
    head = t_user("decisions_head", "unit_head", "D1", agency_code);
    campaign = fx_campaign(agency, "TD2025", "2025-01-01", "2025-12-31", "2026-06-30");
    s1 = fx_staff(d1, "S1", "Nguyễn Văn An", "2019-05-01", NULL);
    s2 = fx_staff(d1, "S2", "Trần Thị Bình", "2019-05-01", NULL);
    s3 = fx_staff(d2, "S3", "Lê Văn Cường", "2019-05-01", NULL);
    left_mid = fx_staff(d1, "LEFTMID", "Phạm Thị Dung", "2019-05-01", "2025-06-01");
    left_at_start = fx_staff(d1, "LEFTSTART", "Hoàng Văn Em", "2019-05-01", "2025-01-01");
    left_before = fx_staff(d1, "LEFTBEFORE", "Vũ Thị Giang", "2019-05-01", "2024-06-01");
    joined_end = fx_staff(d1, "JOINEND", "Đỗ Văn Hải", "2025-12-31", NULL);
    joined_after = fx_staff(d1, "JOINAFTER", "Bùi Thị Hoa", "2026-01-01", NULL);
    foreign_staff = fx_staff(foreign_unit, "XS1", "Người Cơ Quan Khác", "2019-05-01", NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ratings_kept_and_listed),
        cmocka_unit_test(ratings_validation),
        cmocka_unit_test(ratings_subject_as_titles),
        cmocka_unit_test(decisions_roles),
        cmocka_unit_test(titles_create_conflict_list),
        cmocka_unit_test(titles_kind_subject_date),
        cmocka_unit_test(import_creates_then_updates),
        cmocka_unit_test(import_csv_dialect),
        cmocka_unit_test(import_bad_row_writes_nothing),
        cmocka_unit_test(import_lists_every_bad_row),
        cmocka_unit_test(import_duplicates_named),
        cmocka_unit_test(import_header_and_body),
        cmocka_unit_test(import_concurrent_same_file),
        cmocka_unit_test(indexes_create_and_replace),
        cmocka_unit_test(indexes_concurrent_first_posts),
        cmocka_unit_test(indexes_validation),
        cmocka_unit_test(certifications_kept),
        cmocka_unit_test(certifications_validation),
        cmocka_unit_test(certifications_agency_not_dissolved),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(admin);
    free(office);
    free(viewer);
    free(director);
    free(council);
    free(head);
    return rc;
}
