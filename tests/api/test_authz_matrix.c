/* test_authz_matrix.c — who may do what, and where (issue 10): every route
 * × every role × {own unit, another unit of the same agency, another
 * agency}, through nginx.
 *
 * The expected answer of each cell is typed in the table below, from
 * api.md ("Authentication and roles", "Agencies") and the route contract
 * of README.md; nothing is read from the server's own route declarations.
 * The OpenAPI document says which routes the server has: a route without
 * a row here fails, and so does a row whose route is gone.
 *
 * The users: `admin` is the installation admin (no agency); the five other
 * roles belong to agency A, the unit_head to its unit U1. The positions:
 *   own           an object of U1 (A's unit_head's unit),
 *   other-unit    an object of U2, another unit of A,
 *   other-agency  an object of V1, a unit of agency B.
 * An object of the agency as a whole (a campaign and what hangs on it but
 * names no unit, an index rank, a publication) is the same object of A in
 * the first two columns and one of B in the third. A list without a path
 * id takes its position from ?agency_id= (A, A, B). A write under a
 * container whose body names a unit (a task, an exemplar, attendance by
 * staff code, a staff import by unit code) takes it from that unit: U1,
 * U2, or V1 under a container of B. A create with no path id takes it
 * from the unit or agency its body or query names. Routes with no object
 * answer once per role, position n/a.
 *
 * Each cell that should succeed is sent with valid data, on a fresh object
 * where the request changes or removes it (a proposal in the state the
 * step needs, a failed publication, a unit or a member to delete), so that
 * success is really asserted and no cell spoils another.
 *
 * Every mismatch is printed as "METHOD PATTERN role position: expected X,
 * got Y (body)", with a count per class at the end; each test fails once,
 * after running all its cells, with the number of mismatches. */
#include "client.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { ADMIN, OFFICE, UNIT_HEAD, COUNCIL, DIRECTOR, VIEWER, ROLES };
enum { OWN, OTHER_UNIT, OTHER_AGENCY, POSITIONS };
enum { NA = 0 }; /* an expectation for a position that does not apply */

static const char *const role_name[ROLES] = {"admin", "office", "unit_head", "council", "director", "viewer"};
static const char *const position_name[POSITIONS] = {"own", "other-unit", "other-agency"};
static const char *const username[ROLES] = {"mx_admin", "mx_office", "mx_head", "mx_council", "mx_director",
                                            "mx_viewer"};
static const char password[] = "test-password-1"; /* t_user's */

/* The fixture, indexed by position: [OWN] and [OTHER_UNIT] are of agency
 * A, [OTHER_AGENCY] of agency B. Objects of the agency as a whole are the
 * same in the first two. */
static struct {
    char *token[ROLES];
    long long agency[POSITIONS];
    char agency_code[POSITIONS][64];
    long long unit[POSITIONS];
    const char *unit_code[POSITIONS];
    long long staff[POSITIONS];
    const char *staff_code[POSITIONS];
    long long campaign[POSITIONS];
    long long target[POSITIONS];
    long long topic[POSITIONS];
    long long session[POSITIONS];
    long long task[POSITIONS];
    long long rating[POSITIONS];
    long long title[POSITIONS];
    long long cert[POSITIONS];
    long long index[POSITIONS];
    long long exemplar[POSITIONS];
    long long publication[POSITIONS];
    long long hold[POSITIONS];
    long long initiative[POSITIONS];
    long long holiday[POSITIONS];
    long long nomination[POSITIONS];
    long long council_member[POSITIONS][2]; /* a council member and a director of the position's agency */
    long long council_planned[POSITIONS];   /* a planned council session (empty agenda) */
    long long council_closed[POSITIONS];    /* a closed council session */
    long long registration[POSITIONS];
    /* Decisions (issue 11): a decision, a nomination proposed upward by
     * it, a comment on the nomination above, and a campaign whose
     * GIAY_KHEN asks for public notice. */
    long long decision[POSITIONS];
    long long upward[POSITIONS];
    long long comment[POSITIONS];
    long long notice_campaign[POSITIONS];
    /* Blocs (issue 12): one led by the position's agency, of it alone. */
    long long bloc[POSITIONS];
    /* Reports (issue 12): an approved report of the campaign (delivered
     * or not), and a destination of the agency. */
    long long approved_report[POSITIONS];
    long long destination[POSITIONS];
    /* Reports (issue 12): a draft of the position's campaign. */
    long long report[POSITIONS];
    /* Report schedules (issue 12): one of the position's campaign. */
    long long schedule[POSITIONS];
} fx = {
    .unit_code = {"MU1", "MU2", "MV1"},
    .staff_code = {"MS1", "MS2", "MSV1"},
};
static const char target_code[] = "tasks_done";
static int seq; /* for fresh codes */

/* ------------------------------------------------------------ SQL helpers */

/* A number as a query parameter: one of 8 rotating static buffers. */
static const char *num(long long v)
{
    static char buf[8][24];
    static int next;
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "%lld", v);
    return b;
}

static long long sql1(const char *sql, const char *a)
{
    const char *p[] = {a};
    return t_sql_int(sql, 1, p);
}

static long long sql2(const char *sql, const char *a, const char *b)
{
    const char *p[] = {a, b};
    return t_sql_int(sql, 2, p);
}

static long long sql3(const char *sql, const char *a, const char *b, const char *c)
{
    const char *p[] = {a, b, c};
    return t_sql_int(sql, 3, p);
}

/* A unit under parent, through the API as admin. */
static long long api_unit(long long parent, const char *code)
{
    char body[256];
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"name\":\"Phòng %s\",\"kind\":\"division\",\"parent_id\":%lld}", code,
             code, parent);
    t_resp *r = t_post("/api/v1/units", fx.token[ADMIN], body);
    t_assert_status(r, 201);
    long long id = t_json_int(r->json, "id");
    t_free(r);
    return id;
}

static long long new_staff(long long unit, const char *code)
{
    return sql3("INSERT INTO staff (unit_id, code, full_name, category, joined_on)"
                " VALUES ($1, $2, $3, 'cong_chuc', '2020-01-01') RETURNING id",
                num(unit), code, "Nguyễn Văn Thử");
}

static long long new_unit(long long parent)
{
    char code[32];
    snprintf(code, sizeof code, "MXD%d", ++seq);
    return sql2("INSERT INTO units (agency_id, code, name, kind, parent_id) VALUES (0, $1, 'Tổ ' || $1, 'division', $2)"
                " RETURNING id",
                code, num(parent));
}

static long long new_exemplar(long long campaign, long long unit, const char *state)
{
    return sql3("INSERT INTO exemplars (campaign_id, unit_id, subject_type, kind, title, achievements, state)"
                " VALUES ($1, $2, 'collective', 'mo_hinh_moi', 'Mô hình hay', 'Làm tốt', $3) RETURNING id",
                num(campaign), num(unit), state);
}

/* A proposed nomination (GIAY_KHEN) of a staff member. */
static long long new_nomination(long long campaign, long long staff)
{
    return sql2("INSERT INTO nominations (campaign_id, subject_type, staff_id, award) VALUES ($1, 'staff', $2, 'GIAY_KHEN')"
                " RETURNING id",
                num(campaign), num(staff));
}

static long long new_publication(long long campaign, const char *state)
{
    return sql2("INSERT INTO publications (kind, campaign_id, payload, state, last_error)"
                " VALUES ('scorecard', $1, '{\"heading\":\"Kết quả\"}', $2,"
                " CASE WHEN $2 = 'failed' THEN 'cổng không trả lời' END) RETURNING id",
                num(campaign), state);
}

/* A council session of the position's campaign in state, with the
 * position's council member and director (present once opened) and, when
 * nomination is not 0, that nomination on its agenda (in_session). */
static long long new_council_session(int pos, const char *state, long long nomination)
{
    long long s = sql2("INSERT INTO council_sessions (campaign_id, held_on, state, opened_at, closed_at)"
                       " VALUES ($1, '2026-01-15', $2, CASE WHEN $2 <> 'planned' THEN now() END,"
                       " CASE WHEN $2 = 'closed' THEN now() END) RETURNING id",
                       num(fx.campaign[pos]), state);
    for (int i = 0; i < 2; i++)
        sql3("INSERT INTO council_members (session_id, user_id, present)"
             " VALUES ($1, $2, CASE WHEN $3 <> 'planned' THEN true END) RETURNING id",
             num(s), num(fx.council_member[pos][i]), state);
    if (nomination) {
        sql2("INSERT INTO council_agenda (session_id, nomination_id, position) VALUES ($1, $2, 1) RETURNING id", num(s),
             num(nomination));
        sql1("UPDATE nominations SET state = 'in_session' WHERE id = $1 RETURNING id", num(nomination));
    }
    return s;
}

/* A bloc (Khối thi đua) led by the position's agency, its only member. */
static long long new_bloc(int pos)
{
    char code[64];
    snprintf(code, sizeof code, "MXK%d-%s", ++seq, t_unique());
    long long b = sql2("INSERT INTO blocs (code, name, lead_agency_id) VALUES ($1, 'Khối thi đua thử', $2) RETURNING id",
                       code, num(fx.agency[pos]));
    sql2("INSERT INTO bloc_members (bloc_id, agency_id) VALUES ($1, $2) RETURNING id", num(b), num(fx.agency[pos]));
    return b;
}

/* A fresh proposed GIAY_KHEN nomination of a fresh member (no hold) of
 * the position's unit. */
static long long fresh_nomination(int pos)
{
    char code[32];
    snprintf(code, sizeof code, "MXK%d", ++seq);
    return new_nomination(fx.campaign[pos], new_staff(fx.unit[pos], code));
}

/* A destination of the position's agency (an address, no delivery). */
static long long new_destination(int pos)
{
    return sql1("INSERT INTO report_destinations (agency_id, name, channel, address)"
                " VALUES ($1, 'Khối thi đua', 'email', 'khoi@thi-dua.example.gov.vn') RETURNING id",
                num(fx.agency[pos]));
}

/* A schedule of the position's campaign, drafting on a fresh day. */
static long long new_schedule(int pos)
{
    return sql2("INSERT INTO report_schedules (campaign_id, kind, draft_on, due_on)"
                " VALUES ($1, 'year_end', '2040-01-01'::date + $2::int, '2099-12-31') RETURNING id",
                num(fx.campaign[pos]), num(++seq));
}

/* --------------------------------------------------------------- fixture */

static void make_agency_objects(int pos)
{
    long long c = sql2("INSERT INTO campaigns (agency_id, year, code, name, starts_on, ends_on, closes_on)"
                       " VALUES ($1, 2025, $2, 'Phong trào thi đua 2025', '2025-01-01', '2025-12-31', '2026-03-31')"
                       " RETURNING id",
                       num(fx.agency[pos]), "MXC");
    fx.campaign[pos] = c;
    fx.target[pos] = sql2("INSERT INTO targets (campaign_id, position, code, name, metric, params, comparator, threshold)"
                          " VALUES ($1, 1, $2, 'Hoàn thành nhiệm vụ', 'task_completion', '{}', 'ge', '100') RETURNING id",
                          num(c), target_code);
    fx.topic[pos] = sql1("INSERT INTO study_topics (campaign_id, code, title) VALUES ($1, 'CT1', 'Nghị quyết')"
                         " RETURNING id",
                         num(c));
    fx.session[pos] = sql2("INSERT INTO study_sessions (campaign_id, topic_id, held_on, title)"
                           " VALUES ($1, $2, '2025-05-05', 'Buổi học') RETURNING id",
                           num(c), num(fx.topic[pos]));
    fx.cert[pos] = sql1("INSERT INTO certifications (campaign_id, kind, achieved, decided_on)"
                        " VALUES ($1, 'security_order', true, '2025-12-15') RETURNING id",
                        num(c));
    fx.index[pos] = sql1("INSERT INTO index_ranks (agency_id, kind, year, rank, rank_total, published_on)"
                         " VALUES ($1, 'par_index', 2024, 5, 30, '2025-02-01') RETURNING id",
                         num(fx.agency[pos]));
    fx.publication[pos] = new_publication(c, "queued");
}

static void make_unit_objects(int pos)
{
    long long c = fx.campaign[pos];
    fx.staff[pos] = new_staff(fx.unit[pos], fx.staff_code[pos]);
    fx.task[pos] = sql2("INSERT INTO tasks (campaign_id, title, unit_id, due_on) VALUES ($1, 'Nhiệm vụ', $2, '2025-06-30')"
                        " RETURNING id",
                        num(c), num(fx.unit[pos]));
    fx.rating[pos] = sql2("INSERT INTO ratings (campaign_id, subject_type, staff_id, level, decided_on)"
                          " VALUES ($1, 'staff', $2, 'HTTNV', '2025-12-15') RETURNING id",
                          num(c), num(fx.staff[pos]));
    fx.title[pos] = sql2("INSERT INTO titles (campaign_id, subject_type, staff_id, title, decided_on)"
                         " VALUES ($1, 'staff', $2, 'LDTT', '2025-12-15') RETURNING id",
                         num(c), num(fx.staff[pos]));
    fx.exemplar[pos] = new_exemplar(c, fx.unit[pos], "proposed");
    fx.hold[pos] = sql2("INSERT INTO holds (agency_id, subject_type, staff_id, reason, opened_on)"
                        " VALUES ($1, 'staff', $2, 'Đang xem xét kỷ luật', '2025-03-01') RETURNING id",
                        num(fx.agency[pos]), num(fx.staff[pos]));
    fx.nomination[pos] = new_nomination(c, fx.staff[pos]);
    fx.registration[pos] = sql2("INSERT INTO registrations (campaign_id, subject_type, staff_id, award, registered_on)"
                                " VALUES ($1, 'staff', $2, 'GIAY_KHEN', '2025-01-15') RETURNING id",
                                num(c), num(fx.staff[pos]));
    fx.initiative[pos] = sql1("INSERT INTO initiatives (agency_id, title, level, recognized_on)"
                              " VALUES ($1, 'Sáng kiến', 'co_so', '2025-04-01') RETURNING id",
                              num(fx.agency[pos]));
}

/* A draft mid-year report of campaign camp (with only the figures its
 * heading needs: the routes regenerate the rest). */
static long long new_report(long long camp)
{
    return sql1("INSERT INTO reports (campaign_id, kind, as_of, period_from, period_to, figures)"
                " VALUES ($1, 'mid_year', '2025-06-30', '2025-01-01', '2025-06-30',"
                " '{\"agency\":{\"name\":\"Sở thử\"},\"campaign\":{\"year\":2025,\"name\":\"Phong trào\"}}')"
                " RETURNING id",
                num(camp));
}

/* What the decision routes need in the position (after make_unit_objects). */
static void make_decision_objects(int pos)
{
    long long c = fx.campaign[pos];
    fx.decision[pos] = sql2("INSERT INTO award_decisions (campaign_id, decision_no, decided_on)"
                            " VALUES ($1, $2, '2025-12-20') RETURNING id",
                            num(c), pos == OTHER_UNIT ? "MXQD-2" : "MXQD-1");
    fx.upward[pos] = sql3("INSERT INTO nominations (campaign_id, subject_type, staff_id, award, state, decision_id)"
                          " VALUES ($1, 'staff', $2, 'BK_TINH', 'proposed_upward', $3) RETURNING id",
                          num(c), num(fx.staff[pos]), num(fx.decision[pos]));
    fx.comment[pos] = sql1("INSERT INTO nomination_comments (nomination_id, body, received_on)"
                           " VALUES ($1, 'Ý kiến của người dân', '2025-12-01') RETURNING id",
                           num(fx.nomination[pos]));
    if (pos == OTHER_UNIT) {
        fx.notice_campaign[pos] = fx.notice_campaign[OWN];
        return;
    }
    fx.notice_campaign[pos] = sql2("INSERT INTO campaigns (agency_id, year, code, name, starts_on, ends_on, closes_on)"
                                   " VALUES ($1, 2025, $2, 'Phong trào có công khai', '2025-01-01', '2025-12-31',"
                                   " '2026-03-31') RETURNING id",
                                   num(fx.agency[pos]), "MXN");
    free(t_sql("UPDATE campaign_award_rules SET rules = jsonb_set(rules, '{awards,GIAY_KHEN,council,public_notice_days}',"
               " '5') WHERE campaign_id = $1::bigint",
               1, (const char *[]){num(fx.notice_campaign[pos])}));
}

static int setup(void **state)
{
    (void)state;
    t_init();
    fx.token[ADMIN] = t_user(username[ADMIN], "admin", NULL, NULL);
    fx.agency[OWN] = t_make_agency(fx.token[ADMIN], "MXA", fx.agency_code[OWN], sizeof fx.agency_code[OWN]);
    fx.agency[OTHER_AGENCY] =
        t_make_agency(fx.token[ADMIN], "MXB", fx.agency_code[OTHER_AGENCY], sizeof fx.agency_code[OTHER_AGENCY]);
    fx.agency[OTHER_UNIT] = fx.agency[OWN];
    memcpy(fx.agency_code[OTHER_UNIT], fx.agency_code[OWN], sizeof fx.agency_code[OWN]);
    for (int pos = 0; pos < POSITIONS; pos++)
        fx.unit[pos] = api_unit(fx.agency[pos], fx.unit_code[pos]);

    /* Today's CLI takes --agency without --unit and ignores it (it only
     * disambiguates a unit code); the agency is stored once issue 10 is in. */
    fx.token[OFFICE] = t_user(username[OFFICE], "office", NULL, fx.agency_code[OWN]);
    fx.token[UNIT_HEAD] = t_user(username[UNIT_HEAD], "unit_head", fx.unit_code[OWN], fx.agency_code[OWN]);
    fx.token[COUNCIL] = t_user(username[COUNCIL], "council", NULL, fx.agency_code[OWN]);
    fx.token[DIRECTOR] = t_user(username[DIRECTOR], "director", NULL, fx.agency_code[OWN]);
    fx.token[VIEWER] = t_user(username[VIEWER], "viewer", NULL, fx.agency_code[OWN]);

    make_agency_objects(OWN);
    make_agency_objects(OTHER_AGENCY);
    fx.campaign[OTHER_UNIT] = fx.campaign[OWN];
    fx.target[OTHER_UNIT] = fx.target[OWN];
    fx.topic[OTHER_UNIT] = fx.topic[OWN];
    fx.session[OTHER_UNIT] = fx.session[OWN];
    fx.cert[OTHER_UNIT] = fx.cert[OWN];
    fx.index[OTHER_UNIT] = fx.index[OWN];
    fx.publication[OTHER_UNIT] = fx.publication[OWN];
    for (int pos = 0; pos < POSITIONS; pos++)
        make_unit_objects(pos);
    /* The council: A's council member and director; B's own pair. */
    free(t_user("mx_council_b", "council", NULL, fx.agency_code[OTHER_AGENCY]));
    free(t_user("mx_director_b", "director", NULL, fx.agency_code[OTHER_AGENCY]));
    static const char *const council_names[POSITIONS][2] = {
        {"mx_council", "mx_director"}, {"mx_council", "mx_director"}, {"mx_council_b", "mx_director_b"}};
    for (int pos = 0; pos < POSITIONS; pos++) {
        for (int i = 0; i < 2; i++)
            fx.council_member[pos][i] = sql1("SELECT id FROM users WHERE username = $1", council_names[pos][i]);
        if (pos == OTHER_UNIT) {
            fx.council_planned[pos] = fx.council_planned[OWN];
            fx.council_closed[pos] = fx.council_closed[OWN];
            continue;
        }
        fx.council_planned[pos] = new_council_session(pos, "planned", 0);
        fx.council_closed[pos] = new_council_session(pos, "closed", fresh_nomination(pos));
    }
    for (int pos = 0; pos < POSITIONS; pos++)
        make_decision_objects(pos);
    fx.bloc[OWN] = new_bloc(OWN);
    fx.bloc[OTHER_UNIT] = fx.bloc[OWN];
    fx.bloc[OTHER_AGENCY] = new_bloc(OTHER_AGENCY);
    /* Reports: of the agency as a whole. */
    for (int pos = 0; pos < POSITIONS; pos++) {
        if (pos == OTHER_UNIT) {
            fx.approved_report[pos] = fx.approved_report[OWN];
            fx.destination[pos] = fx.destination[OWN];
            continue;
        }
        fx.approved_report[pos] = sql1("INSERT INTO reports (campaign_id, kind, number, as_of, period_from, period_to, state,"
                              " figures, content, sha256, approved_at) VALUES ($1, 'mid_year', '01/BC-MX', '2025-06-30',"
                              " '2025-01-01', '2025-06-30', 'approved', '{}', '{}', repeat('a', 64), now()) RETURNING id",
                              num(fx.campaign[pos]));
        fx.destination[pos] = new_destination(pos);
    }
    for (int pos = 0; pos < POSITIONS; pos++)
        fx.report[pos] = pos == OTHER_UNIT ? fx.report[OWN] : new_report(fx.campaign[pos]);
    for (int pos = 0; pos < POSITIONS; pos++)
        fx.schedule[pos] = pos == OTHER_UNIT ? fx.schedule[OWN] : new_schedule(pos);
    /* The calendar is the installation's: one day, whatever the position. */
    free(t_sql("DELETE FROM holidays WHERE date >= '2096-01-01' AND date < '2097-01-01'", 0, NULL));
    fx.holiday[OWN] = sql1("INSERT INTO holidays (date, name, kind) VALUES ('2096-01-01', $1, 'holiday') RETURNING id",
                           "Tết Dương lịch");
    return 0;
}

/* The test stack runs no `thidua push` nor `thidua report deliver`; the
 * publication and report delivery tests start their own, which would
 * deliver what this program left queued. */
static int teardown(void **state)
{
    (void)state;
    if (fx.agency[OWN] && fx.agency[OTHER_AGENCY]) {
        const char *p[] = {num(fx.agency[OWN]), num(fx.agency[OTHER_AGENCY])};
        free(t_sql("DELETE FROM publications WHERE campaign_id IN (SELECT id FROM campaigns WHERE agency_id IN ($1, $2))",
                   2, p));
        /* the same for `thidua report deliver` (test_report_delivery*) */
        free(t_sql("DELETE FROM report_deliveries WHERE report_id IN (SELECT r.id FROM reports r JOIN campaigns c"
                   " ON c.id = r.campaign_id WHERE c.agency_id IN ($1, $2))",
                   2, p));
    }
    for (int i = 0; i < ROLES; i++)
        free(fx.token[i]);
    return 0;
}

/* ------------------------------------------------------------ one request */

/* What a cell sends: the path's {id} and {code}, a query, a body. */
typedef struct call {
    long long id;
    const char *code;
    char query[128];
    const char *content_type;
    char body[1024];
    bool no_token;   /* send no session (logging in) */
    char *own_token; /* a session of its own (logging out); freed after */
} call;

/* Fills what a cell sends beyond the path's id from the row's fixture
 * array; may make fresh objects (SQL) and replace the id. */
typedef void (*build_fn)(call *c, int role, int pos);

static void json_body(call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void json_body(call *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->body, sizeof c->body, fmt, ap);
    va_end(ap);
    c->content_type = "application/json";
}

static void csv_body(call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void csv_body(call *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->body, sizeof c->body, fmt, ap);
    va_end(ap);
    c->content_type = "text/csv";
}

static void b_login(call *c, int role, int pos)
{
    (void)pos;
    c->no_token = true;
    json_body(c, "{\"username\":\"%s\",\"password\":\"%s\"}", username[role], password);
}

static void b_logout(call *c, int role, int pos)
{
    (void)pos;
    c->own_token = t_login(username[role], password);
}

static void b_agency_filter(call *c, int role, int pos)
{
    (void)role;
    snprintf(c->query, sizeof c->query, "?agency_id=%lld", fx.agency[pos]);
}

static void b_as_of(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    snprintf(c->query, sizeof c->query, "?as_of=2025-06-30");
}

/* Rule sets (awards.md): installation-wide; a fresh one in the far future
 * so that no other test's campaign takes it. */
static void b_rule_set_post(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    json_body(c,
              "{\"code\":\"mx-rules-%s-%d\",\"name\":\"Bộ quy tắc thử\",\"basis\":\"Luật thử\","
              "\"effective_from\":\"2990-01-01\",\"awards\":{\"GIAY_KHEN\":{\"subject\":\"staff_or_unit\","
              "\"criteria\":[{\"code\":\"no_hold\"}],\"council\":{\"vote\":\"none\",\"pass\":null}}}}",
              t_unique(), ++seq);
}
static void b_rule_set_code(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    c->code = "luat-2022";
}
/* A fresh campaign of the position's agency: the shared one has council
 * sessions that opened, after which its rules are closed (409). */
static void b_award_rules_patch(call *c, int role, int pos)
{
    (void)role;
    char code[32];
    snprintf(code, sizeof code, "MXW%d", ++seq);
    c->id = sql2("INSERT INTO campaigns (agency_id, year, code, name, starts_on, ends_on, closes_on)"
                 " VALUES ($1, 2025, $2, 'Phong trào thi đua 2025', '2025-01-01', '2025-12-31', '2026-03-31')"
                 " RETURNING id",
                 num(fx.agency[pos]), code);
    json_body(c, "{\"quorum\":{\"num\":2,\"den\":3}}");
}
static void b_series(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    c->code = target_code;
    snprintf(c->query, sizeof c->query, "?from=2025-01-01&to=2025-06-30&step=month");
}

/* Blocs: a new one led by A with B as a member (the installation
 * admin's); a rename; the view of 2025. */
static void b_bloc_post(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    json_body(c, "{\"code\":\"MXKN%d-%s\",\"name\":\"Khối thi đua mới\",\"lead_agency_id\":%lld,"
              "\"member_agency_ids\":[%lld]}",
              ++seq, t_unique(), fx.agency[OWN], fx.agency[OTHER_AGENCY]);
}
static void b_bloc_patch(call *c, int role, int pos)
{
    (void)pos;
    json_body(c, "{\"name\":\"Khối đổi tên bởi %s\"}", role_name[role]);
}
static void b_bloc_year(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    snprintf(c->query, sizeof c->query, "?year=2025&as_of=2025-06-30");
}

static void b_unit_post(call *c, int role, int pos)
{
    (void)role;
    json_body(c, "{\"code\":\"MXN%d\",\"name\":\"Tổ mới\",\"kind\":\"division\",\"parent_id\":%lld}", ++seq, fx.unit[pos]);
}

static void b_unit_patch(call *c, int role, int pos)
{
    (void)pos;
    json_body(c, "{\"name\":\"Phòng đổi tên bởi %s\"}", role_name[role]);
}

static void b_unit_delete(call *c, int role, int pos)
{
    (void)role;
    c->id = new_unit(fx.unit[pos]);
}

static void b_staff_post(call *c, int role, int pos)
{
    (void)role;
    json_body(c,
              "{\"code\":\"MXS%d\",\"full_name\":\"Trần Thị Mới\",\"unit_id\":%lld,\"category\":\"cong_chuc\","
              "\"joined_on\":\"2021-03-01\"}",
              ++seq, fx.unit[pos]);
}

static void b_staff_patch(call *c, int role, int pos)
{
    (void)pos;
    json_body(c, "{\"full_name\":\"Lê Văn Sửa %s\"}", role_name[role]);
}

static void b_staff_delete(call *c, int role, int pos)
{
    (void)role;
    char code[32];
    snprintf(code, sizeof code, "MXG%d", ++seq);
    c->id = new_staff(fx.unit[pos], code);
}

static void b_staff_import(call *c, int role, int pos)
{
    (void)role;
    snprintf(c->query, sizeof c->query, "?agency_id=%lld", fx.agency[pos]);
    csv_body(c, "code,full_name,unit_code,category,joined_on,left_on\nMXI%d,Phạm Văn Nhập,%s,cong_chuc,2022-01-01,\n",
             ++seq, fx.unit_code[pos]);
}

static void b_campaign_post(call *c, int role, int pos)
{
    (void)role;
    json_body(c,
              "{\"agency_id\":%lld,\"year\":2026,\"code\":\"MXP%d\",\"name\":\"Phong trào mới\","
              "\"starts_on\":\"2026-01-01\",\"ends_on\":\"2026-12-31\"}",
              fx.agency[pos], ++seq);
}

static void b_campaign_patch(call *c, int role, int pos)
{
    (void)pos;
    json_body(c, "{\"theme\":\"Chủ đề do %s sửa\"}", role_name[role]);
}

static void b_target_post(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    json_body(c,
              "{\"code\":\"mx_target_%d\",\"name\":\"Chỉ tiêu mới\",\"metric\":\"task_completion\","
              "\"comparator\":\"ge\",\"threshold\":90}",
              ++seq);
}

static void b_topic_post(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    json_body(c, "{\"code\":\"MXT%d\",\"title\":\"Chỉ thị mới\"}", ++seq);
}

static void b_session_post(call *c, int role, int pos)
{
    (void)role;
    json_body(c, "{\"topic_id\":%lld,\"held_on\":\"2025-07-07\",\"title\":\"Buổi học bổ sung\"}", fx.topic[pos]);
}

/* The session of the position's agency, the member of the position's unit. */
static void b_attendance_post(call *c, int role, int pos)
{
    (void)role;
    json_body(c, "{\"staff_codes\":[\"%s\"]}", fx.staff_code[pos]);
}

static void b_task_post(call *c, int role, int pos)
{
    (void)role;
    json_body(c, "{\"title\":\"Nhiệm vụ mới\",\"unit_id\":%lld,\"due_on\":\"2025-09-30\"}", fx.unit[pos]);
}

static void b_task_patch(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    json_body(c, "{\"completed_on\":\"2025-06-01\"}");
}

static void b_rating_post(call *c, int role, int pos)
{
    (void)role;
    json_body(c, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"level\":\"HTXSNV\",\"decided_on\":\"2025-12-20\"}",
              fx.staff[pos]);
}

/* One title per campaign, subject and title: a fresh member each time. */
static void b_title_post(call *c, int role, int pos)
{
    (void)role;
    char code[32];
    snprintf(code, sizeof code, "MXH%d", ++seq);
    json_body(c, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"title\":\"LDTT\",\"decided_on\":\"2025-12-20\"}",
              new_staff(fx.unit[pos], code));
}

static void b_title_import(call *c, int role, int pos)
{
    (void)role;
    csv_body(c, "subject_type,subject_code,title,decision_no,decided_on\nstaff,%s,CSTDCS,12/QĐ,2025-12-20\n",
             fx.staff_code[pos]);
}

/* One rank per agency, kind and year: a year of its own per cell. */
static void b_index_post(call *c, int role, int pos)
{
    json_body(c,
              "{\"agency_id\":%lld,\"kind\":\"dti\",\"year\":%d,\"score\":71.5,\"rank\":4,\"rank_total\":20,"
              "\"published_on\":\"2025-03-01\"}",
              fx.agency[pos], 2040 + role * POSITIONS + pos);
}

static void b_cert_post(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    json_body(c, "{\"kind\":\"good_learning_unit\",\"achieved\":true,\"decided_on\":\"2025-12-20\"}");
}

static void b_exemplar_post(call *c, int role, int pos)
{
    (void)role;
    json_body(c,
              "{\"unit_id\":%lld,\"subject_type\":\"collective\",\"kind\":\"guong_dien_hinh\",\"title\":\"Tập thể tiêu biểu\","
              "\"achievements\":\"Hoàn thành xuất sắc\"}",
              fx.unit[pos]);
}

static void b_exemplar_patch(call *c, int role, int pos)
{
    (void)role;
    c->id = new_exemplar(fx.campaign[pos], fx.unit[pos], "proposed");
    json_body(c, "{\"title\":\"Tiêu đề đã sửa\"}");
}

static void b_proposed(call *c, int role, int pos)
{
    (void)role;
    c->id = new_exemplar(fx.campaign[pos], fx.unit[pos], "proposed");
}

static void b_proposed_reason(call *c, int role, int pos)
{
    b_proposed(c, role, pos);
    json_body(c, "{\"reason\":\"Cần bổ sung minh chứng\"}");
}

static void b_returned(call *c, int role, int pos)
{
    (void)role;
    c->id = new_exemplar(fx.campaign[pos], fx.unit[pos], "returned");
}

static void b_forwarded(call *c, int role, int pos)
{
    (void)role;
    c->id = new_exemplar(fx.campaign[pos], fx.unit[pos], "forwarded");
}

static void b_forwarded_reason(call *c, int role, int pos)
{
    b_forwarded(c, role, pos);
    json_body(c, "{\"reason\":\"Chưa đủ tiêu chuẩn\"}");
}

static void b_publication_post(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    json_body(c, "{\"kind\":\"scorecard\",\"as_of\":\"2025-06-30\"}");
}

static void b_failed_publication(call *c, int role, int pos)
{
    (void)role;
    c->id = new_publication(fx.campaign[pos], "failed");
}

/* A day of 2096 of its own per cell (the calendar holds one row a day). */
static void b_holiday_post(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    json_body(c, "{\"date\":\"2096-02-%02d\",\"name\":\"Nghỉ bù\",\"kind\":\"holiday\"}", 1 + ++seq % 28);
}

static void b_destination_post(call *c, int role, int pos)
{
    (void)role;
    json_body(c, "{\"agency_id\":%lld,\"name\":\"Khối %d\",\"channel\":\"https\","
                 "\"url\":\"https://khoi.example.gov.vn/bao-cao\",\"kinds\":[\"year_end\"]}",
              fx.agency[pos], ++seq);
}

static void b_destination_patch(call *c, int role, int pos)
{
    (void)pos;
    json_body(c, "{\"name\":\"Khối thi đua (sửa bởi %s)\"}", role_name[role]);
}

/* A schedule of the position's campaign on a day no other has. */
static void b_schedule_post(call *c, int role, int pos)
{
    (void)role;
    ++seq;
    json_body(c, "{\"campaign_id\":%lld,\"kind\":\"mid_year\",\"draft_on\":\"2031-%02d-%02d\","
                 "\"due_on\":\"2031-12-31\"}",
              fx.campaign[pos], 1 + seq / 28 % 12, 1 + seq % 28);
}

static void b_schedule_patch(call *c, int role, int pos)
{
    (void)pos;
    json_body(c, "{\"due_on\":\"2099-12-%02d\"}", 1 + role);
}

static void b_schedule_delete(call *c, int role, int pos)
{
    (void)role;
    c->id = new_schedule(pos);
}

static void b_destination_delete(call *c, int role, int pos)
{
    (void)role;
    c->id = new_destination(pos);
}

/* A failed delivery of the position's report, to a fresh destination. */
static void b_failed_delivery(call *c, int role, int pos)
{
    (void)role;
    c->id = sql2("INSERT INTO report_deliveries (report_id, destination_id, state, attempts, last_error)"
                 " VALUES ($1, $2, 'failed', 20, 'Nơi nhận trả lời HTTP 422') RETURNING id",
                 num(fx.approved_report[pos]), num(new_destination(pos)));
}

/* A hold on the member of the position's unit. */
static void b_hold_post(call *c, int role, int pos)
{
    (void)role;
    json_body(c, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"reason\":\"Đang bị thanh tra\","
              "\"opened_on\":\"2025-05-01\"}",
              fx.staff[pos]);
}

static void b_hold_patch(call *c, int role, int pos)
{
    (void)pos;
    json_body(c, "{\"reason\":\"Sửa bởi %s\"}", role_name[role]);
}

/* An initiative of the position's agency by the member of its unit. */
static void b_initiative_post(call *c, int role, int pos)
{
    (void)role;
    json_body(c,
              "{\"agency_id\":%lld,\"title\":\"Sáng kiến mới\",\"author_ids\":[%lld],\"level\":\"tinh\","
              "\"recognized_on\":\"2025-08-01\"}",
              fx.agency[pos], fx.staff[pos]);
}

/* A nomination for a fresh member of the position's unit (one open
 * nomination per subject and award). */
static void b_nomination_post(call *c, int role, int pos)
{
    (void)role;
    char code[32];
    snprintf(code, sizeof code, "MXN%d", ++seq);
    json_body(c, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"award\":\"GIAY_KHEN\"}",
              new_staff(fx.unit[pos], code));
}

/* A fresh proposed nomination of a fresh member of the position's unit. */
static void b_nomination_fresh(call *c, int role, int pos)
{
    (void)role;
    char code[32];
    snprintf(code, sizeof code, "MXW%d", ++seq);
    c->id = new_nomination(fx.campaign[pos], new_staff(fx.unit[pos], code));
}

static void b_nomination_patch(call *c, int role, int pos)
{
    (void)pos;
    json_body(c, "{\"reason\":\"Sửa bởi %s\"}", role_name[role]);
}

/* Council sessions (of the agency as a whole, through their campaign). */
static void b_council_post(call *c, int role, int pos)
{
    (void)role;
    json_body(c, "{\"held_on\":\"2026-01-15\",\"members\":[%lld,%lld],\"agenda\":[%lld]}", fx.council_member[pos][0],
              fx.council_member[pos][1], fresh_nomination(pos));
}

static void b_council_patch(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    json_body(c, "{\"held_on\":\"2026-01-16\"}");
}

/* A fresh planned session, opened with both members present. */
static void b_council_open(call *c, int role, int pos)
{
    (void)role;
    c->id = new_council_session(pos, "planned", fresh_nomination(pos));
    json_body(c, "{\"present\":[%lld,%lld]}", fx.council_member[pos][0], fx.council_member[pos][1]);
}

/* A fresh open session; the ballot of the caller (a member present when
 * the role is council or director). */
static void b_council_ballot(call *c, int role, int pos)
{
    (void)role;
    long long n = fresh_nomination(pos);
    c->id = new_council_session(pos, "open", n);
    json_body(c, "{\"votes\":[{\"nomination_id\":%lld,\"vote\":\"for\"}]}", n);
}

/* A fresh open session to close. */
static void b_council_close(call *c, int role, int pos)
{
    (void)role;
    c->id = new_council_session(pos, "open", fresh_nomination(pos));
}

/* A registration of a fresh member of the position's unit (one per
 * subject and award). */
static void b_registration_post(call *c, int role, int pos)
{
    (void)role;
    char code[32];
    snprintf(code, sizeof code, "MXR%d", ++seq);
    json_body(c, "{\"subject_type\":\"staff\",\"subject_id\":%lld,\"award\":\"GIAY_KHEN\",\"registered_on\":\"2025-01-20\"}",
              new_staff(fx.unit[pos], code));
}

/* The same as a CSV import, by the member's code. */
static void b_registration_import(call *c, int role, int pos)
{
    (void)role;
    char code[32];
    snprintf(code, sizeof code, "MXQ%d", ++seq);
    new_staff(fx.unit[pos], code);
    csv_body(c, "subject_type,subject_code,award,registered_on\nstaff,%s,GIAY_KHEN,2025-01-20\n", code);
}

/* A fresh member of the position's unit, nominated for award in camp
 * (state: proposed, recommended...; decision: 0 for none). */
static long long nomination_in(long long camp, int pos, const char *award, const char *state, long long decision)
{
    char code[32];
    snprintf(code, sizeof code, "MXK%d", ++seq);
    long long staff = new_staff(fx.unit[pos], code);
    const char *p[] = {num(camp), num(staff), award, state, decision ? num(decision) : NULL};
    return t_sql_int("INSERT INTO nominations (campaign_id, subject_type, staff_id, award, state, decision_id)"
                     " VALUES ($1, 'staff', $2, $3, $4, $5) RETURNING id",
                     5, p);
}

/* A decision over a fresh recommended GIAY_KHEN nomination of the position's unit. */
static void b_decision_post(call *c, int role, int pos)
{
    (void)role;
    long long n = nomination_in(fx.campaign[pos], pos, "GIAY_KHEN", "recommended", 0);
    json_body(c, "{\"decision_no\":\"MXD-%d\",\"decided_on\":\"2025-12-20\",\"nomination_ids\":[%lld]}", ++seq, n);
}

/* The higher level's refusal of a fresh proposal upward. */
static void b_outcome(call *c, int role, int pos)
{
    (void)role;
    c->id = nomination_in(fx.campaign[pos], pos, "BK_TINH", "proposed_upward", fx.decision[pos]);
    json_body(c, "{\"granted\":false,\"decision_no\":\"UB-%d\",\"decided_on\":\"2026-01-10\"}", ++seq);
}

/* A fresh GIAY_KHEN nomination of a campaign that asks for public notice. */
static void b_notice(call *c, int role, int pos)
{
    (void)role;
    c->id = nomination_in(fx.notice_campaign[pos], pos, "GIAY_KHEN", "proposed", 0);
}

static void b_comment_post(call *c, int role, int pos)
{
    (void)pos;
    json_body(c, "{\"author\":\"%s\",\"body\":\"Góp ý\",\"received_on\":\"2025-12-01\"}", role_name[role]);
}

static void b_report_post(call *c, int role, int pos)
{
    (void)role;
    (void)pos;
    json_body(c, "{\"kind\":\"mid_year\",\"as_of\":\"2025-05-31\"}");
}

static void b_report_patch(call *c, int role, int pos)
{
    (void)pos;
    json_body(c, "{\"sections\":{\"strengths\":\"Nhận xét của %s.\"}}", role_name[role]);
}

/* Approval of a fresh draft of the position's campaign, with a fresh number. */
static void b_report_approve(call *c, int role, int pos)
{
    (void)role;
    c->id = new_report(fx.campaign[pos]);
    json_body(c, "{\"number\":\"%d/BC-MX\"}", ++seq);
}

static void b_comment_answer(call *c, int role, int pos)
{
    (void)pos;
    json_body(c, "{\"answer\":\"Trả lời của %s\",\"answered_on\":\"2025-12-02\"}", role_name[role]);
}

/* ------------------------------------------------------------- the table */

/* One route: its fixture objects by position (the path's {id}; NULL for
 * none), how a cell's request is built, and the expected answer per role
 * (admin, office, unit_head, council, director, viewer), each as
 * {own, other-unit, other-agency}. */
typedef struct row {
    const char *method;
    const char *pattern;
    const long long *ids;
    build_fn build;
    long expect[ROLES][POSITIONS];
} row;

#define NO {403, 403, 403} /* a role the route does not admit */

static const row table[] = {
    /* Routes with no object: one answer per role, position n/a. */
    {"GET", "/api/v1/health", NULL, NULL,
     {{200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}}},
    {"GET", "/api/v1/openapi.json", NULL, NULL,
     {{200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}}},
    {"GET", "/metrics", NULL, NULL, /* nginx serves it to loopback, as here */
     {{200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}}},
    {"POST", "/api/v1/sessions", NULL, b_login,
     {{201, NA, NA}, {201, NA, NA}, {201, NA, NA}, {201, NA, NA}, {201, NA, NA}, {201, NA, NA}}},
    {"GET", "/api/v1/sessions/current", NULL, NULL,
     {{200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}}},
    {"DELETE", "/api/v1/sessions/current", NULL, b_logout,
     {{204, NA, NA}, {204, NA, NA}, {204, NA, NA}, {204, NA, NA}, {204, NA, NA}, {204, NA, NA}}},

    /* Units. A unit is its own position: U1, U2, V1. */
    {"GET", "/api/v1/units", NULL, b_agency_filter,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/units", NULL, b_unit_post, /* under the position's unit */
     {{201, 201, 201}, {201, 201, 422}, NO, NO, NO, NO}},
    {"GET", "/api/v1/units/{id}", fx.unit, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"PATCH", "/api/v1/units/{id}", fx.unit, b_unit_patch, /* the name only */
     {{200, 200, 200}, {200, 200, 404}, {200, 403, 404}, NO, NO, NO}},
    {"DELETE", "/api/v1/units/{id}", NULL, b_unit_delete, /* a fresh unit under the position's */
     {{204, 204, 204}, {204, 204, 404}, NO, NO, NO, NO}},

    /* Staff. */
    {"GET", "/api/v1/staff", NULL, b_agency_filter,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/staff", NULL, b_staff_post, /* unit_id: the position's unit */
     {{201, 201, 201}, {201, 201, 422}, {201, 403, 422}, NO, NO, NO}},
    {"GET", "/api/v1/staff/{id}", fx.staff, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"PATCH", "/api/v1/staff/{id}", fx.staff, b_staff_patch,
     {{200, 200, 200}, {200, 200, 404}, {200, 403, 404}, NO, NO, NO}},
    {"DELETE", "/api/v1/staff/{id}", NULL, b_staff_delete, /* a fresh member */
     {{204, 204, 204}, {204, 204, 404}, {204, 403, 404}, NO, NO, NO}},
    {"POST", "/api/v1/staff/import", NULL, b_staff_import, /* ?agency_id= and the row's unit_code */
     {{200, 200, 200}, {200, 200, 404}, {200, 403, 404}, NO, NO, NO}},

    /* Campaigns: of the agency as a whole. */
    {"GET", "/api/v1/campaigns", NULL, b_agency_filter,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns", NULL, b_campaign_post, /* agency_id: A, A, B */
     {{201, 201, 201}, {201, 201, 422}, NO, NO, NO, NO}},
    {"GET", "/api/v1/campaigns/{id}", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"PATCH", "/api/v1/campaigns/{id}", fx.campaign, b_campaign_patch,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, NO, NO}},

    /* Targets. */
    {"GET", "/api/v1/campaigns/{id}/targets", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/targets", fx.campaign, b_target_post,
     {{201, 201, 201}, {201, 201, 404}, NO, NO, NO, NO}},
    {"GET", "/api/v1/targets/{id}", fx.target, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},

    /* Study topics, sessions and attendance. */
    {"GET", "/api/v1/campaigns/{id}/study-topics", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/study-topics", fx.campaign, b_topic_post,
     {{201, 201, 201}, {201, 201, 404}, NO, NO, NO, NO}},
    {"GET", "/api/v1/study-topics/{id}", fx.topic, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"GET", "/api/v1/campaigns/{id}/study-sessions", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/study-sessions", fx.campaign, b_session_post,
     {{201, 201, 201}, {201, 201, 404}, NO, NO, NO, NO}},
    {"GET", "/api/v1/study-sessions/{id}", fx.session, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"GET", "/api/v1/study-sessions/{id}/attendance", fx.session, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/study-sessions/{id}/attendance", fx.session, b_attendance_post, /* a member of the unit */
     {{200, 200, 200}, {200, 200, 404}, {200, 403, 404}, NO, NO, NO}},

    /* Tasks: of a unit. */
    {"GET", "/api/v1/campaigns/{id}/tasks", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/tasks", fx.campaign, b_task_post, /* unit_id: the position's unit */
     {{201, 201, 201}, {201, 201, 404}, {201, 403, 404}, NO, NO, NO}},
    {"GET", "/api/v1/tasks/{id}", fx.task, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"PATCH", "/api/v1/tasks/{id}", fx.task, b_task_patch,
     {{200, 200, 200}, {200, 200, 404}, {200, 403, 404}, NO, NO, NO}},

    /* Ratings and titles: decisions of the agency (here about a member of
     * the position's unit). */
    {"GET", "/api/v1/campaigns/{id}/ratings", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/ratings", fx.campaign, b_rating_post,
     {{201, 201, 201}, {201, 201, 404}, NO, NO, {201, 201, 404}, NO}},
    {"GET", "/api/v1/ratings/{id}", fx.rating, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"GET", "/api/v1/campaigns/{id}/titles", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/titles", fx.campaign, b_title_post,
     {{201, 201, 201}, {201, 201, 404}, NO, NO, {201, 201, 404}, NO}},
    {"POST", "/api/v1/campaigns/{id}/titles/import", fx.campaign, b_title_import,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, {200, 200, 404}, NO}},
    {"GET", "/api/v1/titles/{id}", fx.title, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},

    /* Index ranks: of the agency. */
    {"GET", "/api/v1/indexes", NULL, b_agency_filter,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/indexes", NULL, b_index_post, /* agency_id: A, A, B */
     {{201, 201, 201}, {201, 201, 422}, NO, NO, {201, 201, 422}, NO}},
    {"GET", "/api/v1/indexes/{id}", fx.index, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},

    /* Certifications: of the agency. */
    {"GET", "/api/v1/campaigns/{id}/certifications", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/certifications", fx.campaign, b_cert_post,
     {{201, 201, 201}, {201, 201, 404}, NO, NO, {201, 201, 404}, NO}},
    {"GET", "/api/v1/certifications/{id}", fx.cert, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},

    /* Exemplars: of a unit; each step on a fresh proposal in the state it
     * needs. */
    {"GET", "/api/v1/campaigns/{id}/exemplars", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/exemplars", fx.campaign, b_exemplar_post, /* unit_id: the position's unit */
     {{201, 201, 201}, {201, 201, 404}, {201, 403, 404}, NO, NO, NO}},
    {"GET", "/api/v1/exemplars/{id}", fx.exemplar, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"PATCH", "/api/v1/exemplars/{id}", NULL, b_exemplar_patch,
     {{200, 200, 200}, {200, 200, 404}, {200, 403, 404}, NO, NO, NO}},
    {"POST", "/api/v1/exemplars/{id}/return", NULL, b_proposed_reason,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, NO, NO}},
    {"POST", "/api/v1/exemplars/{id}/forward", NULL, b_proposed,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, NO, NO}},
    {"POST", "/api/v1/exemplars/{id}/resubmit", NULL, b_returned,
     {{200, 200, 200}, {200, 200, 404}, {200, 403, 404}, NO, NO, NO}},
    {"POST", "/api/v1/exemplars/{id}/approve", NULL, b_forwarded,
     {{200, 200, 200}, NO, NO, NO, {200, 200, 404}, NO}},
    {"POST", "/api/v1/exemplars/{id}/reject", NULL, b_forwarded_reason,
     {{200, 200, 200}, NO, NO, NO, {200, 200, 404}, NO}},

    /* Publications: of the agency (through their campaign). */
    {"GET", "/api/v1/publications", NULL, b_agency_filter,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"GET", "/api/v1/publications/{id}", fx.publication, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/publications", fx.campaign, b_publication_post,
     {{201, 201, 201}, NO, NO, NO, {201, 201, 404}, NO}},
    {"POST", "/api/v1/publications/{id}/retry", NULL, b_failed_publication,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, {200, 200, 404}, NO}},

    /* The scorecard and what is computed like it. */
    {"GET", "/api/v1/campaigns/{id}/scorecard", fx.campaign, b_as_of,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"GET", "/api/v1/campaigns/{id}/units/scorecard", fx.campaign, b_as_of,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"GET", "/api/v1/campaigns/{id}/targets/{code}/series", fx.campaign, b_series,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},

    /* Holidays: the installation's calendar; an admin writes. */
    {"GET", "/api/v1/holidays", NULL, NULL,
     {{200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}}},
    {"POST", "/api/v1/holidays", NULL, b_holiday_post,
     {{201, NA, NA}, {403, NA, NA}, {403, NA, NA}, {403, NA, NA}, {403, NA, NA}, {403, NA, NA}}},
    {"GET", "/api/v1/holidays/{id}", fx.holiday, NULL,
     {{200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}}},

    /* Holds: of the agency (here on a member of the position's unit). */
    {"GET", "/api/v1/holds", NULL, b_agency_filter,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/holds", NULL, b_hold_post, /* subject_id: the position's member */
     {{201, 201, 201}, {201, 201, 422}, NO, NO, NO, NO}},
    {"GET", "/api/v1/holds/{id}", fx.hold, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"PATCH", "/api/v1/holds/{id}", fx.hold, b_hold_patch,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, NO, NO}},

    /* Initiatives: of the agency. */
    {"GET", "/api/v1/initiatives", NULL, b_agency_filter,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/initiatives", NULL, b_initiative_post, /* agency_id: A, A, B */
     {{201, 201, 201}, {201, 201, 422}, NO, NO, NO, NO}},
    {"GET", "/api/v1/initiatives/{id}", fx.initiative, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},

    /* Rule sets and a campaign's copy (awards.md). */
    {"GET", "/api/v1/rule-sets", NULL, NULL,
     {{200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}}},
    {"POST", "/api/v1/rule-sets", NULL, b_rule_set_post,
     {{201, NA, NA}, {403, NA, NA}, {403, NA, NA}, {403, NA, NA}, {403, NA, NA}, {403, NA, NA}}},
    {"GET", "/api/v1/rule-sets/{code}", NULL, b_rule_set_code,
     {{200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}, {200, NA, NA}}},
    {"GET", "/api/v1/campaigns/{id}/award-rules", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"PATCH", "/api/v1/campaigns/{id}/award-rules", NULL, b_award_rules_patch,
     {{200, 200, 200}, NO, NO, NO, NO, NO}},

    /* Reports' destinations: the admin's (here the installation admin),
     * confined to the agency; deliveries: any role of the agency. */
    {"GET", "/api/v1/report-destinations", NULL, b_agency_filter, {{200, 200, 200}, NO, NO, NO, NO, NO}},
    {"POST", "/api/v1/report-destinations", NULL, b_destination_post, {{201, 201, 201}, NO, NO, NO, NO, NO}},
    {"GET", "/api/v1/report-destinations/{id}", fx.destination, NULL, {{200, 200, 200}, NO, NO, NO, NO, NO}},
    {"PATCH", "/api/v1/report-destinations/{id}", fx.destination, b_destination_patch,
     {{200, 200, 200}, NO, NO, NO, NO, NO}},
    {"DELETE", "/api/v1/report-destinations/{id}", NULL, b_destination_delete, {{204, 204, 204}, NO, NO, NO, NO, NO}},
    /* Report schedules: the admin's (here the installation admin), of the
     * campaign's agency. */
    {"GET", "/api/v1/report-schedules", NULL, b_agency_filter, {{200, 200, 200}, NO, NO, NO, NO, NO}},
    {"POST", "/api/v1/report-schedules", NULL, b_schedule_post, {{201, 201, 201}, NO, NO, NO, NO, NO}},
    {"GET", "/api/v1/report-schedules/{id}", fx.schedule, NULL, {{200, 200, 200}, NO, NO, NO, NO, NO}},
    {"PATCH", "/api/v1/report-schedules/{id}", fx.schedule, b_schedule_patch, {{200, 200, 200}, NO, NO, NO, NO, NO}},
    {"DELETE", "/api/v1/report-schedules/{id}", NULL, b_schedule_delete, {{204, 204, 204}, NO, NO, NO, NO, NO}},
    {"POST", "/api/v1/report-deliveries/{id}/retry", NULL, b_failed_delivery,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, {200, 200, 404}, NO}},
    {"GET", "/api/v1/reports/{id}/deliveries", fx.approved_report, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},

    /* Nominations: of their subject's unit (here a member of the
     * position's unit). */
    {"GET", "/api/v1/campaigns/{id}/nominations", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/nominations", fx.campaign, b_nomination_post,
     {{201, 201, 201}, {201, 201, 404}, {201, 403, 404}, NO, NO, NO}},
    {"GET", "/api/v1/nominations/{id}", fx.nomination, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"PATCH", "/api/v1/nominations/{id}", fx.nomination, b_nomination_patch,
     {{200, 200, 200}, {200, 200, 404}, {200, 403, 404}, NO, NO, NO}},
    {"DELETE", "/api/v1/nominations/{id}", NULL, b_nomination_fresh,
     {{204, 204, 204}, {204, 204, 404}, {204, 403, 404}, NO, NO, NO}},
    {"GET", "/api/v1/nominations/{id}/eligibility", fx.nomination, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},

    /* Council sessions: of the agency as a whole; a ballot is a present
     * member's (here the council member and the director of A, members of
     * every session of A; no admin or office is ever a member). */
    {"GET", "/api/v1/campaigns/{id}/council-sessions", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/council-sessions", fx.campaign, b_council_post,
     {{201, 201, 201}, {201, 201, 404}, NO, NO, NO, NO}},
    {"GET", "/api/v1/council-sessions/{id}", fx.council_planned, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"PATCH", "/api/v1/council-sessions/{id}", fx.council_planned, b_council_patch,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, NO, NO}},
    {"POST", "/api/v1/council-sessions/{id}/open", NULL, b_council_open,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, {200, 200, 404}, NO}},
    {"POST", "/api/v1/council-sessions/{id}/ballots", NULL, b_council_ballot,
     {NO, NO, NO, {201, 201, 404}, {201, 201, 404}, NO}},
    {"POST", "/api/v1/council-sessions/{id}/close", NULL, b_council_close,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, {200, 200, 404}, NO}},
    {"GET", "/api/v1/campaigns/{id}/council-candidates", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, NO, NO}},
    {"GET", "/api/v1/council-sessions/{id}/minutes", fx.council_closed, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    /* Registrations: of their subject's unit (here a member of the
     * position's unit). */
    {"GET", "/api/v1/campaigns/{id}/registrations", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/registrations", fx.campaign, b_registration_post,
     {{201, 201, 201}, {201, 201, 404}, {201, 403, 404}, NO, NO, NO}},
    {"POST", "/api/v1/campaigns/{id}/registrations/import", fx.campaign, b_registration_import,
     {{200, 200, 200}, {200, 200, 404}, {200, 403, 404}, NO, NO, NO}},
    {"GET", "/api/v1/registrations/{id}", fx.registration, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    /* Decisions, outcomes upward, public notice, comments, award history
     * (issue 11): decisions of the agency; a nomination is of its
     * subject's unit (here a member of the position's unit). */
    {"GET", "/api/v1/campaigns/{id}/decisions", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/decisions", fx.campaign, b_decision_post,
     {{201, 201, 201}, NO, NO, NO, {201, 201, 404}, NO}},
    {"GET", "/api/v1/award-decisions/{id}", fx.decision, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/nominations/{id}/outcome", NULL, b_outcome,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, NO, NO}},
    {"POST", "/api/v1/nominations/{id}/notice", NULL, b_notice,
     {{201, 201, 201}, {201, 201, 404}, NO, NO, NO, NO}},
    {"GET", "/api/v1/nominations/{id}/dossier", fx.upward, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"GET", "/api/v1/nominations/{id}/comments", fx.nomination, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/nominations/{id}/comments", fx.nomination, b_comment_post,
     {{201, 201, 201}, {201, 201, 404}, NO, NO, NO, NO}},
    {"PATCH", "/api/v1/nomination-comments/{id}", fx.comment, b_comment_answer,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, NO, NO}},
    {"GET", "/api/v1/campaigns/{id}/awards", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"GET", "/api/v1/staff/{id}/awards", fx.staff, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"GET", "/api/v1/units/{id}/awards", fx.unit, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    /* Blocs (issue 12): a bloc is read by its member agencies' users and
     * written by the installation admin; its view is read by its lead
     * agency's users (any role). The position's bloc is led by the
     * position's agency, its only member. */
    {"GET", "/api/v1/blocs", NULL, b_agency_filter,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/blocs", NULL, b_bloc_post,
     {{201, NA, NA}, {403, NA, NA}, {403, NA, NA}, {403, NA, NA}, {403, NA, NA}, {403, NA, NA}}},
    {"GET", "/api/v1/blocs/{id}", fx.bloc, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"PATCH", "/api/v1/blocs/{id}", fx.bloc, b_bloc_patch,
     {{200, 200, 200}, NO, NO, NO, NO, NO}},
    {"GET", "/api/v1/blocs/{id}/scorecard", fx.bloc, b_bloc_year,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},

    /* Reports (reports.md): of the campaign's agency; the office drafts,
     * the director approves. */
    {"GET", "/api/v1/campaigns/{id}/reports", fx.campaign, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"POST", "/api/v1/campaigns/{id}/reports", fx.campaign, b_report_post,
     {{201, 201, 201}, {201, 201, 404}, NO, NO, NO, NO}},
    {"GET", "/api/v1/reports/{id}", fx.report, NULL,
     {{200, 200, 200}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"PATCH", "/api/v1/reports/{id}", fx.report, b_report_patch,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, NO, NO}},
    {"POST", "/api/v1/reports/{id}/regenerate", fx.report, NULL,
     {{200, 200, 200}, {200, 200, 404}, NO, NO, NO, NO}},
    {"POST", "/api/v1/reports/{id}/approve", NULL, b_report_approve,
     {{200, 200, 200}, NO, NO, NO, {200, 200, 404}, NO}},
};
enum { TABLE_ROWS = sizeof table / sizeof table[0] };

/* A body naming a unit or an agency of another agency is a 422 naming the
 * field. */
static const struct {
    const char *method, *pattern, *field;
} names_422[] = {
    {"POST", "/api/v1/units", "parent_id"},
    {"POST", "/api/v1/staff", "unit_id"},
    {"POST", "/api/v1/campaigns", "agency_id"},
    {"POST", "/api/v1/indexes", "agency_id"},
    {"POST", "/api/v1/holds", "subject_id"},
    {"POST", "/api/v1/initiatives", "agency_id"},
};

static const char *field_of_422(const row *w)
{
    for (size_t i = 0; i < sizeof names_422 / sizeof names_422[0]; i++)
        if (strcmp(names_422[i].method, w->method) == 0 && strcmp(names_422[i].pattern, w->pattern) == 0)
            return names_422[i].field;
    return NULL;
}

/* -------------------------------------------------------------- mismatches */

/* The mismatches of one test: printed as they come, counted per class
 * (read or write, position, expected, got) for the summary. */
typedef struct tally {
    int cells;
    int mismatches;
    struct {
        char key[96];
        int n;
    } cls[128];
    int ncls;
} tally;

static void count_class(tally *t, const char *key)
{
    for (int i = 0; i < t->ncls; i++) {
        if (strcmp(t->cls[i].key, key) == 0) {
            t->cls[i].n++;
            return;
        }
    }
    if (t->ncls < (int)(sizeof t->cls / sizeof t->cls[0])) {
        snprintf(t->cls[t->ncls].key, sizeof t->cls[0].key, "%s", key);
        t->cls[t->ncls++].n = 1;
    }
}

/* The start of a body on one line (200 bytes, cut at a character). */
static const char *excerpt(const t_resp *r)
{
    static char out[208];
    const char *body = r->body ? r->body : "";
    size_t n = strlen(body);
    if (n > 200) {
        n = 200;
        while (n > 0 && ((unsigned char)body[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = body[i] == '\n' || body[i] == '\r' ? ' ' : body[i];
    snprintf(out + n, sizeof out - n, "%s", body[n] ? "…" : "");
    return out;
}

/* Does a problem answer name field in its errors[]? */
static bool names_field(const t_resp *r, const char *field)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "errors"), i, e) {
        const char *f = json_string_value(json_object_get(e, "field"));
        if (f && strcmp(f, field) == 0)
            return true;
    }
    return false;
}

/* Counts a cell; prints and counts a mismatch: a status other than
 * expected, or a 422 that does not name field (when field is not NULL). */
static void check(tally *t, const char *what, const char *position, long expected, const char *field,
                  const t_resp *r)
{
    t->cells++;
    bool named = expected != 422 || !field || names_field(r, field);
    if (r->status == expected && named)
        return;
    char want[64];
    if (expected == 422 && field)
        snprintf(want, sizeof want, "422 naming %s", field);
    else
        snprintf(want, sizeof want, "%ld", expected);
    t->mismatches++;
    fprintf(stderr, "%s %s: expected %s, got %ld (%s)\n", what, position, want, r->status, excerpt(r));
    char key[96];
    snprintf(key, sizeof key, "%-5s %-12s expected %s, got %ld", strncmp(what, "GET ", 4) == 0 ? "read" : "write",
             position, want, r->status);
    count_class(t, key);
}

static void finish(const tally *t, const char *test)
{
    if (t->mismatches == 0) {
        fprintf(stderr, "%s: %d cells, all as the table says\n", test, t->cells);
        return;
    }
    fprintf(stderr, "\n%s: %d of %d cells differ from the table; by class:\n", test, t->mismatches, t->cells);
    for (int i = 0; i < t->ncls; i++)
        fprintf(stderr, "  %4d  %s\n", t->cls[i].n, t->cls[i].key);
    fail_msg("%s: %d mismatches (listed above)", test, t->mismatches);
}

/* ----------------------------------------------------------------- cells */

/* The path of a pattern with its {id} and {code} filled, and the query. */
static void expand(char *out, size_t cap, const char *pattern, const call *c)
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = pattern; *p && n + 1 < cap;) {
        if (strncmp(p, "{id}", 4) == 0) {
            n += (size_t)snprintf(out + n, cap - n, "%lld", c->id);
            p += 4;
        } else if (strncmp(p, "{code}", 6) == 0) {
            n += (size_t)snprintf(out + n, cap - n, "%s", c->code ? c->code : "");
            p += 6;
        } else {
            out[n++] = *p++;
            out[n] = '\0';
        }
    }
    if (n < cap)
        snprintf(out + n, cap - n, "%s", c->query);
}

static void run_cell(tally *t, const row *w, int role, int pos)
{
    call c = {0};
    if (w->ids)
        c.id = w->ids[pos];
    if (w->build)
        w->build(&c, role, pos);
    char path[1024];
    expand(path, sizeof path, w->pattern, &c);
    const char *token = c.no_token ? NULL : c.own_token ? c.own_token : fx.token[role];
    t_resp *r = t_request(w->method, path, token, c.content_type, c.content_type ? c.body : NULL,
                          c.content_type ? strlen(c.body) : 0);
    char what[256];
    snprintf(what, sizeof what, "%s %s %s", w->method, w->pattern, role_name[role]);
    check(t, what, w->expect[role][1] == NA ? "n/a" : position_name[pos], w->expect[role][pos], field_of_422(w), r);
    t_free(r);
    free(c.own_token);
}

/* Every cell of the table, against the answer it gives. */
static void every_cell_answers_as_the_table_says(void **state)
{
    (void)state;
    tally t = {0};
    for (size_t i = 0; i < TABLE_ROWS; i++)
        for (int role = 0; role < ROLES; role++)
            for (int pos = 0; pos < POSITIONS; pos++)
                if (table[i].expect[role][pos] != NA)
                    run_cell(&t, &table[i], role, pos);
    finish(&t, "matrix");
}

/* ---------------------------------------------------- routes and rows */

static const row *find_row(const char *method, const char *pattern)
{
    for (size_t i = 0; i < TABLE_ROWS; i++)
        if (strcasecmp(table[i].method, method) == 0 && strcmp(table[i].pattern, pattern) == 0)
            return &table[i];
    return NULL;
}

static bool is_operation(const char *key)
{
    static const char *const methods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(key, methods[i]) == 0)
            return true;
    return false;
}

/* The OpenAPI document is generated from the route table: each of its
 * operations needs a row, each row an operation. */
static void every_route_has_a_row(void **state)
{
    (void)state;
    t_resp *r = t_get("/api/v1/openapi.json", NULL);
    t_assert_status(r, 200);
    json_t *paths = json_object_get(r->json, "paths");
    assert_true(json_is_object(paths));
    int missing = 0, gone = 0, twice = 0;
    const char *pattern;
    json_t *item;
    json_object_foreach(paths, pattern, item) {
        const char *method;
        json_t *op;
        json_object_foreach(item, method, op) {
            (void)op;
            if (!is_operation(method))
                continue;
            if (!find_row(method, pattern)) {
                char up[16];
                size_t n = 0;
                for (; method[n] && n + 1 < sizeof up; n++)
                    up[n] = (char)(method[n] & ~0x20);
                up[n] = '\0';
                fprintf(stderr, "%s %s: a route without a row in the matrix\n", up, pattern);
                missing++;
            }
        }
    }
    for (size_t i = 0; i < TABLE_ROWS; i++) {
        char method[16];
        size_t n = 0;
        for (; table[i].method[n] && n + 1 < sizeof method; n++)
            method[n] = (char)(table[i].method[n] | 0x20);
        method[n] = '\0';
        if (!json_object_get(json_object_get(paths, table[i].pattern), method)) {
            fprintf(stderr, "%s %s: a row of the matrix without a route\n", table[i].method, table[i].pattern);
            gone++;
        }
        if (find_row(table[i].method, table[i].pattern) != &table[i]) {
            fprintf(stderr, "%s %s: two rows\n", table[i].method, table[i].pattern);
            twice++;
        }
    }
    t_free(r);
    fprintf(stderr, "routes: %zu rows × %d roles × %d positions\n", (size_t)TABLE_ROWS, ROLES, POSITIONS);
    if (missing || gone || twice)
        fail_msg("%d routes without a row, %d rows without a route, %d rows twice", missing, gone, twice);
}

/* ----------------------------------------------------- lists of an agency */

/* The ids of every item of the list at path, page by page, into *ids
 * (malloc'd, *n of them). Returns 200, or the status of a page that is
 * not 200. */
static long list_ids(const char *path, const char *token, long long **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    for (long long offset = 0;; offset += 1000) {
        t_resp *r = t_getf(token, "%s?limit=1000&offset=%lld", path, offset);
        long status = r->status;
        json_t *items = json_object_get(r->json, "items");
        long long total = json_integer_value(json_object_get(r->json, "total"));
        if (status == 200) {
            long long *more = realloc(*ids, (*n + json_array_size(items) + 1) * sizeof **ids);
            assert_non_null(more);
            *ids = more;
            size_t i;
            json_t *it;
            json_array_foreach(items, i, it) {
                (*ids)[(*n)++] = json_integer_value(json_object_get(it, "id"));
            }
        }
        t_free(r);
        if (status != 200 || offset + 1000 >= total)
            return status;
    }
}

/* A list without ?agency_id= holds the rows of the user's agency and none
 * of another's: for every user of A, A's rows (of both units) are there
 * and B's are not. */
static void a_list_holds_only_the_agencys_rows(void **state)
{
    (void)state;
    const struct {
        const char *path;
        const char *what;
        const long long *id;
        bool held;
    } rows[] = {
        {"/api/v1/units", "A's agency root", &fx.agency[OWN], true},
        {"/api/v1/units", "A's unit U1", &fx.unit[OWN], true},
        {"/api/v1/units", "A's unit U2", &fx.unit[OTHER_UNIT], true},
        {"/api/v1/units", "B's agency root", &fx.agency[OTHER_AGENCY], false},
        {"/api/v1/units", "B's unit V1", &fx.unit[OTHER_AGENCY], false},
        {"/api/v1/staff", "A's member of U1", &fx.staff[OWN], true},
        {"/api/v1/staff", "A's member of U2", &fx.staff[OTHER_UNIT], true},
        {"/api/v1/staff", "B's member of V1", &fx.staff[OTHER_AGENCY], false},
        {"/api/v1/campaigns", "A's campaign", &fx.campaign[OWN], true},
        {"/api/v1/campaigns", "B's campaign", &fx.campaign[OTHER_AGENCY], false},
        {"/api/v1/indexes", "A's index rank", &fx.index[OWN], true},
        {"/api/v1/indexes", "B's index rank", &fx.index[OTHER_AGENCY], false},
        {"/api/v1/publications", "A's publication", &fx.publication[OWN], true},
        {"/api/v1/publications", "B's publication", &fx.publication[OTHER_AGENCY], false},
    };
    enum { N = sizeof rows / sizeof rows[0] };
    tally t = {0};
    for (int role = OFFICE; role < ROLES; role++) {
        for (size_t i = 0; i < N; i++) {
            if (i > 0 && strcmp(rows[i].path, rows[i - 1].path) == 0)
                continue; /* each list is read once, then all its rows checked */
            long long *ids;
            size_t n;
            long status = list_ids(rows[i].path, fx.token[role], &ids, &n);
            for (size_t k = i; k < N && strcmp(rows[k].path, rows[i].path) == 0; k++) {
                bool held = false;
                for (size_t j = 0; j < n; j++)
                    held |= ids[j] == *rows[k].id;
                t.cells++;
                if (status == 200 && held == rows[k].held)
                    continue;
                t.mismatches++;
                char key[96];
                if (status != 200) {
                    fprintf(stderr, "GET %s (no agency_id) %s: expected 200, got %ld\n", rows[i].path, role_name[role],
                            status);
                    snprintf(key, sizeof key, "list without agency_id: not 200");
                } else {
                    fprintf(stderr, "GET %s (no agency_id) %s: %s %s (id %lld)\n", rows[i].path, role_name[role],
                            held ? "holds" : "lacks", rows[k].what, *rows[k].id);
                    snprintf(key, sizeof key, "list without agency_id: %s", held ? "holds B's row" : "lacks A's row");
                }
                count_class(&t, key);
            }
            free(ids);
        }
    }
    finish(&t, "lists");
}

/* -------------------------------------------------- single contract cells */

static void one(tally *t, const char *method, const char *path, const char *label, int role, const char *body,
                long expected)
{
    t_resp *r = t_request(method, path, fx.token[role], body ? "application/json" : NULL, body, body ? strlen(body) : 0);
    char what[256];
    snprintf(what, sizeof what, "%s %s %s", method, label, role_name[role]);
    check(t, what, "own", expected, NULL, r);
    t_free(r);
}

/* What api.md says in words beyond the table: a unit_head changes only its
 * own unit's name; an agency root is the installation admin's; a write of
 * the agency as a whole is not a unit_head's. Run last: a wrong answer
 * here may change U1. */
static void the_rules_in_words(void **state)
{
    (void)state;
    tally t = {0};
    char path[128], body[256];
    snprintf(path, sizeof path, "/api/v1/units/%lld", fx.unit[OWN]);
    one(&t, "PATCH", path, "/api/v1/units/{id} {\"dissolved_on\"}", UNIT_HEAD, "{\"dissolved_on\":\"2030-12-31\"}", 403);
    one(&t, "PATCH", path, "/api/v1/units/{id} {\"kind\"}", UNIT_HEAD, "{\"kind\":\"affiliated\"}", 403);
    snprintf(body, sizeof body, "{\"parent_id\":%lld}", fx.unit[OTHER_UNIT]);
    one(&t, "PATCH", path, "/api/v1/units/{id} {\"parent_id\"}", UNIT_HEAD, body, 403);
    one(&t, "PATCH", path, "/api/v1/units/{id} {\"name\"}", UNIT_HEAD, "{\"name\":\"Phòng của tôi\"}", 200);

    snprintf(body, sizeof body, "{\"code\":\"MXR%d\",\"name\":\"Sở mới\",\"kind\":\"agency\"}", ++seq);
    one(&t, "POST", "/api/v1/units", "/api/v1/units {\"kind\":\"agency\"}", OFFICE, body, 403);
    snprintf(body, sizeof body, "{\"code\":\"MXR%d\",\"name\":\"Sở mới\",\"kind\":\"agency\"}", ++seq);
    one(&t, "POST", "/api/v1/units", "/api/v1/units {\"kind\":\"agency\"}", ADMIN, body, 201);
    snprintf(path, sizeof path, "/api/v1/units/%lld", fx.agency[OWN]);
    one(&t, "PATCH", path, "/api/v1/units/{agency root}", OFFICE, "{\"name\":\"Sở đổi tên\"}", 403);
    one(&t, "DELETE", path, "/api/v1/units/{agency root}", OFFICE, NULL, 403);

    snprintf(path, sizeof path, "/api/v1/campaigns/%lld/tasks", fx.campaign[OWN]);
    one(&t, "POST", path, "/api/v1/campaigns/{id}/tasks {\"unit_id\":null}", UNIT_HEAD,
        "{\"title\":\"Chung\",\"unit_id\":null,\"due_on\":\"2025-06-30\"}", 403);
    finish(&t, "rules in words");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_route_has_a_row),
        cmocka_unit_test(every_cell_answers_as_the_table_says),
        cmocka_unit_test(a_list_holds_only_the_agencys_rows),
        cmocka_unit_test(the_rules_in_words),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
