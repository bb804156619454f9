/* api/award_decisions.c — the director's decision (quyết định khen
 * thưởng) over nominations of one campaign, the higher level's outcome of
 * an award proposed upward, and a nomination's public notice
 * (awards.md "Decision", "Public notice").
 *
 * A decision is all or nothing, in one transaction: its nominations are
 * locked FOR UPDATE in id order (so two decisions, or a decision and a
 * withdrawal, wait for each other instead of deadlocking, and exactly one
 * of them sees the state it needs); each must be of the campaign,
 * recommended by the council (or proposed when its award has no council
 * vote), eligible as of decided_on (eligibility_evaluate, the one
 * evaluation of the criteria) and without an unanswered comment. Then
 * each becomes decided (proposed_upward when its award goes to a higher
 * level) and a title the agency grants (LDTT, CSTDCS, TTLDTT, TTLDXS) gets
 * its title row, with nomination_id, so the scorecard moves with it.
 *
 * The outcome of a proposal upward records the higher level's decision;
 * a granted title that the titles table knows (CSTD_TINH,
 * CSTD_TOAN_QUOC) gets its title row then, with the higher level's
 * decision number and day.
 *
 * The public notice queues a publication of kind public_notice in the
 * outbox in the same transaction (deploy/portal.md says its document);
 * `thidua push` delivers it like the others. */
#include <stdlib.h>

#include "api/campaign_scope.h"
#include "api/nominations.h"
#include "api/resources.h"
#include "eligibility.h"
#include "text.h"

enum { MAX_NOMINATIONS = 1000 };

static const field_def decision_fields[] = {
    {"decision_no", FT_STRING, F_REQUIRED, 1, 100, NULL, "Số quyết định (không trùng trong phong trào)"},
    {"decided_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày quyết định, từ starts_on đến closes_on của phong trào"},
    {"nomination_ids", FT_JSON, F_REQUIRED, 0, 0, NULL,
     "Các đề nghị của phong trào được quyết định: mảng id, không trùng, từ 1 đến 1000 mục"},
    {0},
};
enum { D_NO, D_ON, D_IDS, D_COUNT };

static const field_def outcome_fields[] = {
    {"granted", FT_BOOL, F_REQUIRED, 0, 0, NULL, "Cấp trên có khen thưởng không"},
    {"decision_no", FT_STRING, F_REQUIRED, 1, 100, NULL, "Số quyết định của cấp trên"},
    {"decided_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày quyết định của cấp trên, không trước ngày tờ trình"},
    {0},
};
enum { O_GRANTED, O_NO, O_ON, O_COUNT };

#define DECISION_JSON(d)                                                                                            \
    "json_build_object('id', " d ".id, 'campaign_id', " d ".campaign_id, 'decision_no', " d ".decision_no,"        \
    " 'decided_on', " d ".decided_on, 'nominations', coalesce((SELECT json_agg(json_build_object('id', n.id,"      \
    " 'award', n.award, 'subject_type', n.subject_type, 'subject_id', coalesce(n.staff_id, n.unit_id),"            \
    " 'subject_name', coalesce(s.full_name, u.name), 'state', n.state) ORDER BY n.id) FROM nominations n"          \
    " LEFT JOIN staff s ON s.id = n.staff_id LEFT JOIN units u ON u.id = n.unit_id"                                 \
    " WHERE n.decision_id = " d ".id), '[]'::json))"

static const char decision_missing[] = "Không có quyết định khen thưởng này.";

static const db_stmt STMT_LIST = {
    "award_decisions_list",
    API_LIST_OF_CAMPAIGN("SELECT * FROM award_decisions WHERE campaign_id = $3", DECISION_JSON("p"),
                         "decided_on, id")};
static const db_stmt STMT_GET = {"award_decisions_get",
                                 "SELECT " DECISION_JSON("d") " FROM award_decisions d WHERE d.id = $1"};
static const db_stmt STMT_SCOPE = SCOPE_VIA_CAMPAIGN("award_decisions_scope", "award_decisions");

/* The nominations $1 (a bigint[]) locked in id order, with what the
 * decision needs of each: its campaign, state, award, subject, and its
 * award's council rule in the campaign's copy (vote, upward). */
static const db_stmt STMT_LOCK = {
    "award_decisions_lock",
    "SELECT n.id, n.campaign_id, n.state, n.award, n.subject_type, coalesce(n.staff_id, n.unit_id),"
    " coalesce(r.rules->'awards'->n.award->'council'->>'vote', 'open'),"
    " coalesce(r.rules->'awards'->n.award->'council'->>'upward', 'false') = 'true'"
    " FROM nominations n LEFT JOIN campaign_award_rules r ON r.campaign_id = n.campaign_id"
    " WHERE n.id = ANY ($1::bigint[]) ORDER BY n.id FOR UPDATE OF n"};
/* After the lock (a statement of its own, so that it sees what committed
 * while it waited): the unanswered comments of each nomination and
 * whether its subject already holds the title its award would write. */
static const db_stmt STMT_AFTER_LOCK = {
    "award_decisions_after_lock",
    "SELECT n.id, (SELECT count(*) FROM nomination_comments c WHERE c.nomination_id = n.id AND c.answer IS NULL),"
    " EXISTS (SELECT 1 FROM titles t WHERE t.campaign_id = n.campaign_id AND t.title = n.award"
    "   AND (t.staff_id = n.staff_id OR t.unit_id = n.unit_id)),"
    " x.days, x.earliest_session_on"
    " FROM nominations n CROSS JOIN LATERAL nomination_notice(n.id) x WHERE n.id = ANY ($1::bigint[])"};
static const db_stmt STMT_INSERT = {
    "award_decisions_insert",
    "INSERT INTO award_decisions (campaign_id, decision_no, decided_on, decided_by)"
    " VALUES ($1, $2, $3, nullif($4::bigint, 0)) RETURNING id"};
static const db_stmt STMT_DECIDE = {
    "award_decisions_decide",
    "UPDATE nominations n SET decision_id = $1, state = x.state"
    " FROM unnest($2::bigint[], $3::text[]) AS x (id, state) WHERE n.id = x.id"};
/* The title rows of the decision's titles the agency grants. */
static const db_stmt STMT_TITLES = {
    "award_decisions_titles",
    "INSERT INTO titles (campaign_id, subject_type, staff_id, unit_id, title, decision_no, decided_on, nomination_id)"
    " SELECT n.campaign_id, n.subject_type, n.staff_id, n.unit_id, n.award, d.decision_no, d.decided_on, n.id"
    " FROM nominations n JOIN award_decisions d ON d.id = n.decision_id"
    " WHERE d.id = $1 AND n.state = 'decided' AND n.award IN ('LDTT', 'CSTDCS', 'TTLDTT', 'TTLDXS') ORDER BY n.id"};

static const db_stmt STMT_OUTCOME_LOCK = {
    "award_outcomes_lock",
    "SELECT n.state, n.award, d.decided_on,"
    " EXISTS (SELECT 1 FROM titles t WHERE t.campaign_id = n.campaign_id AND t.title = n.award"
    "   AND t.staff_id = n.staff_id)"
    " FROM nominations n LEFT JOIN award_decisions d ON d.id = n.decision_id WHERE n.id = $1 FOR UPDATE OF n"};
static const db_stmt STMT_OUTCOME = {
    "award_outcomes_insert",
    "WITH o AS (INSERT INTO award_outcomes (nomination_id, granted, decision_no, decided_on, recorded_by)"
    "   VALUES ($1, $2::boolean, $3, $4, nullif($5::bigint, 0)))"
    " UPDATE nominations SET state = CASE WHEN $2::boolean THEN 'granted' ELSE 'refused' END WHERE id = $1"};
/* A granted individual title of the higher level that titles holds. */
static const db_stmt STMT_OUTCOME_TITLE = {
    "award_outcomes_title",
    "INSERT INTO titles (campaign_id, subject_type, staff_id, unit_id, title, decision_no, decided_on, nomination_id)"
    " SELECT n.campaign_id, n.subject_type, n.staff_id, n.unit_id, n.award, $2, $3, n.id FROM nominations n"
    " WHERE n.id = $1 AND n.award IN ('CSTD_TINH', 'CSTD_TOAN_QUOC')"};

static const db_stmt STMT_NOTICE_LOCK = {
    "public_notice_lock",
    "SELECT n.state, n.campaign_id, n.subject_type, coalesce(n.staff_id, n.unit_id), n.award,"
    " coalesce((r.rules->'awards'->n.award->'council'->>'public_notice_days')::int, 0),"
    " EXISTS (SELECT 1 FROM publications p WHERE p.nomination_id = n.id AND p.kind = 'public_notice')"
    " FROM nominations n LEFT JOIN campaign_award_rules r ON r.campaign_id = n.campaign_id"
    " WHERE n.id = $1 FOR UPDATE OF n"};

/* The Vietnamese name of award code x (SQL). */
#define AWARD_NAME_SQL(x)                                                                                       \
    "CASE " x " WHEN 'LDTT' THEN 'Lao động tiên tiến' WHEN 'CSTDCS' THEN 'Chiến sĩ thi đua cơ sở'"               \
    " WHEN 'TTLDTT' THEN 'Tập thể lao động tiên tiến' WHEN 'TTLDXS' THEN 'Tập thể lao động xuất sắc'"            \
    " WHEN 'GIAY_KHEN' THEN 'Giấy khen' WHEN 'BK_TINH' THEN 'Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh'"       \
    " WHEN 'CSTD_TINH' THEN 'Chiến sĩ thi đua cấp tỉnh' WHEN 'CSTD_TOAN_QUOC' THEN 'Chiến sĩ thi đua toàn quốc'" \
    " ELSE " x " END"

/* The document the portal receives (deploy/portal.md, "public_notice"). */
static const db_stmt STMT_NOTICE = {
    "public_notice_insert",
    "INSERT INTO publications (kind, campaign_id, nomination_id, payload, created_by)"
    " SELECT 'public_notice', c.id, n.id, jsonb_build_object("
    "   'kind', 'public_notice',"
    "   'heading', 'Công khai đề nghị khen thưởng: ' || " AWARD_NAME_SQL("n.award") " || ' — '"
    "     || coalesce(s.full_name, su.name),"
    "   'agency', jsonb_build_object('code', a.code, 'name', a.name),"
    "   'campaign', jsonb_build_object('id', c.id, 'code', c.code, 'year', c.year, 'name', c.name),"
    "   'nomination', jsonb_build_object('id', n.id, 'award', n.award, 'award_label', " AWARD_NAME_SQL("n.award") ","
    "     'subject_type', n.subject_type, 'subject_label', CASE n.subject_type WHEN 'staff' THEN 'Cá nhân' ELSE 'Tập thể' END,"
    "     'name', coalesce(s.full_name, su.name), 'unit', jsonb_build_object('code', uu.code, 'name', uu.name),"
    "     'reason', n.reason),"
    "   'notice_days', $2::int,"
    "   'published_at', now()),"
    "   nullif($3::bigint, 0)"
    " FROM nominations n JOIN campaigns c ON c.id = n.campaign_id JOIN units a ON a.id = c.agency_id"
    " LEFT JOIN staff s ON s.id = n.staff_id LEFT JOIN units su ON su.id = n.unit_id"
    " LEFT JOIN units uu ON uu.id = coalesce(s.unit_id, n.unit_id)"
    " WHERE n.id = $1 RETURNING id"};
static const db_stmt STMT_PUBLICATION = {
    "public_notice_get",
    "SELECT json_build_object('id', p.id, 'kind', p.kind, 'campaign_id', p.campaign_id, 'nomination_id', p.nomination_id,"
    " 'heading', p.payload->>'heading', 'state', p.state, 'attempts', p.attempts, 'idempotency_key', p.idempotency_key,"
    " 'created_by', p.created_by, 'created_at', p.created_at, 'sent_at', p.sent_at, 'payload', p.payload)"
    " FROM publications p WHERE p.id = $1"};

/* ------------------------------------------------------------ decisions */

static void list(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_list(req, res, &STMT_LIST, 1, p, "Không có phong trào này.");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, decision_missing);
}

/* nomination_ids: an array of 1..MAX_NOMINATIONS distinct positive
 * integers. Fills ids (arena) and returns their number; appends to errors
 * what is wrong (0 then). */
static size_t read_ids(request *req, const json_t *arr, long long **ids, json_t *errors)
{
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n == 0 || n > MAX_NOMINATIONS) {
        fields_error(errors, "nomination_ids",
                     arena_printf(req->mem, "phải là một mảng từ 1 đến %d id đề nghị", MAX_NOMINATIONS), 0);
        return 0;
    }
    long long *out = arena_alloc(req->mem, n * sizeof *out);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);
        const char *field = arena_printf(req->mem, "nomination_ids[%zu]", i);
        out[i] = json_is_integer(v) ? (long long)json_integer_value(v) : 0;
        if (out[i] <= 0) {
            fields_error(errors, field, "phải là id (số nguyên dương) của một đề nghị", 0);
            bad++;
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (out[j] == out[i]) {
                fields_error(errors, field,
                             arena_printf(req->mem, "đề nghị %lld đã có ở nomination_ids[%zu]", out[i], j), 0);
                bad++;
                break;
            }
    }
    *ids = out;
    return bad ? 0 : n;
}

/* A PostgreSQL array literal of ids: "{1,2,3}" (arena). */
static const char *id_array(request *req, const long long *ids, size_t n)
{
    size_t cap = 2 + n * 21, o = 0;
    char *s = arena_alloc(req->mem, cap);
    s[o++] = '{';
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(s + o, cap - o, i ? ",%lld" : "%lld", ids[i]);
    snprintf(s + o, cap - o, "}");
    return s;
}

/* One nomination of a decision, as locked. */
typedef struct nom {
    long long id, subject;
    bool found, upward, vote_none;
    const char *state, *award, *type;
    long long unanswered;
    bool has_title;
    long long notice_days;          /* the award's public notice (0: none) */
    const char *earliest_session_on; /* NULL until the portal acknowledged it */
} nom;

/* Rolls back and answers status with errors (stolen) when it has any:
 * -1; else releases errors and returns 0. */
static int refuse(request *req, response *res, int status, json_t *errors, const char *detail)
{
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return 0;
    }
    db_rollback(req->db);
    http_problem_errors(res, status, detail, errors);
    return -1;
}

static bool grants_title(const nom *m)
{
    static const char *const titles[] = {"LDTT", "CSTDCS", "TTLDTT", "TTLDXS", NULL};
    if (m->upward)
        return false;
    for (const char *const *t = titles; *t; t++)
        if (strcmp(*t, m->award) == 0)
            return true;
    return false;
}

/* Locks the nominations and reads them into noms (in the order of ids).
 * 0, or -1 with res answered and the transaction rolled back. */
static int lock_nominations(request *req, response *res, const char *arr, const long long *ids, nom *noms, size_t n)
{
    const char *p[] = {arr};
    db_result *r = api_run(req, res, &STMT_LOCK, 1, p);
    if (!r)
        return -1;
    for (int row = 0; row < db_rows(r); row++) {
        long long id = db_int(r, row, 0);
        for (size_t i = 0; i < n; i++) {
            if (ids[i] != id)
                continue;
            nom *m = &noms[i];
            m->id = id;
            m->found = db_int(r, row, 1) == req->path_ids[0];
            m->state = arena_strdup(req->mem, db_value(r, row, 2));
            m->award = arena_strdup(req->mem, db_value(r, row, 3));
            m->type = arena_strdup(req->mem, db_value(r, row, 4));
            m->subject = db_int(r, row, 5);
            m->vote_none = strcmp(db_value(r, row, 6), "none") == 0;
            m->upward = strcmp(db_value(r, row, 7), "t") == 0;
        }
    }
    db_free(r);
    r = api_run(req, res, &STMT_AFTER_LOCK, 1, p);
    if (!r)
        return -1;
    for (int row = 0; row < db_rows(r); row++)
        for (size_t i = 0; i < n; i++)
            if (ids[i] == db_int(r, row, 0)) {
                noms[i].unanswered = db_int(r, row, 1);
                noms[i].has_title = strcmp(db_value(r, row, 2), "t") == 0;
                noms[i].notice_days = db_int(r, row, 3);
                noms[i].earliest_session_on =
                    db_value(r, row, 4) ? arena_strdup(req->mem, db_value(r, row, 4)) : NULL;
            }
    db_free(r);
    return 0;
}

/* Each nomination eligible as of day and without an unanswered comment:
 * 0, or -1 with res answered (422 naming nomination_ids[i], and each
 * failed criterion as nomination_ids[i].criteria[j]). */
static int check_eligible(request *req, response *res, const nom *noms, size_t n, const char *day)
{
    json_t *errors = json_array();
    const char *day_vi = text_date_vi(req->mem, day);
    for (size_t i = 0; i < n; i++) {
        const nom *m = &noms[i];
        const char *field = arena_printf(req->mem, "nomination_ids[%zu]", i);
        json_t *e = NULL;
        elig_rc rc = eligibility_evaluate(req->db, req->mem, req->path_ids[0], m->type, m->subject, m->award, day, &e);
        if (rc == ELIG_DB) {
            json_decref(errors);
            api_db_error(req, res);
            return -1;
        }
        if (rc != ELIG_OK) {
            fields_error(errors, field,
                         arena_printf(req->mem, "Đề nghị %lld: khen thưởng %s không có trong quy tắc của phong trào",
                                      m->id, m->award),
                         0);
        } else if (!json_is_true(json_object_get(e, "eligible"))) {
            json_t *failed = json_array();
            eligibility_failures(req->mem, e, failed);
            const char *list = "";
            size_t j;
            json_t *f;
            json_array_foreach(failed, j, f) {
                const char *msg = json_string_value(json_object_get(f, "message"));
                list = arena_printf(req->mem, "%s%s%s", list, j ? "; " : "", msg);
            }
            fields_error(errors, field,
                         arena_printf(req->mem, "Đề nghị %lld chưa đủ điều kiện vào ngày %s: %s", m->id, day_vi, list), 0);
            json_array_foreach(failed, j, f) {
                fields_error(errors,
                             arena_printf(req->mem, "%s.%s", field, json_string_value(json_object_get(f, "field"))),
                             json_string_value(json_object_get(f, "message")), 0);
            }
            json_decref(failed);
        }
        json_decref(e);
        if (m->unanswered > 0)
            fields_error(errors, field,
                         arena_printf(req->mem, "Đề nghị %lld còn %lld ý kiến góp ý chưa được trả lời", m->id,
                                      m->unanswered),
                         0);
    }
    return refuse(req, res, 422, errors, "Có đề nghị chưa đủ điều kiện để quyết định khen thưởng.");
}

/* Writes the decision and its effects. The decision's id, or 0 with res
 * answered and the transaction rolled back. */
static long long write_decision(request *req, response *res, const field_val *v, const nom *noms, size_t n)
{
    const char *p[] = {api_itoa(req, req->path_ids[0]), v[D_NO].s, v[D_ON].s,
                       api_itoa(req, req->user ? req->user->id : 0)};
    db_result *r = api_run_unique(req, res, &STMT_INSERT, 4, p, "award_decisions_no_key", "decision_no",
                                  "Số quyết định này đã có trong phong trào.");
    if (!r)
        return 0;
    long long id = db_int(r, 0, 0);
    db_free(r);
    long long *ids = arena_alloc(req->mem, n * sizeof *ids);
    const char *states = "{";
    for (size_t i = 0; i < n; i++) {
        ids[i] = noms[i].id;
        states = arena_printf(req->mem, "%s%s%s", states, i ? "," : "", noms[i].upward ? "proposed_upward" : "decided");
    }
    states = arena_printf(req->mem, "%s}", states);
    const char *q[] = {api_itoa(req, id), id_array(req, ids, n), states};
    r = api_run(req, res, &STMT_DECIDE, 3, q);
    if (!r)
        return 0;
    db_free(r);
    r = api_run(req, res, &STMT_TITLES, 1, q);
    if (!r)
        return 0;
    db_free(r);
    return id;
}

static void create(request *req, response *res)
{
    field_val v[D_COUNT];
    campaign_ref c;
    if (api_body(req, res, decision_fields, v, false) != 0 || scope_campaign(req, res, req->path_ids[0], &c) != 0)
        return;
    json_t *errors = json_array();
    long long *ids = NULL;
    size_t n = read_ids(req, v[D_IDS].j, &ids, errors);
    scope_date_within(req, errors, "decided_on", 0, v[D_ON].s, c.starts_on, c.closes_on);
    if (scope_errors(res, errors, NULL) != 0)
        return;

    const char *arr = id_array(req, ids, n);
    nom *noms = arena_alloc(req->mem, n * sizeof *noms);
    memset(noms, 0, n * sizeof *noms);
    if (api_begin(req, res) != 0 || lock_nominations(req, res, arr, ids, noms, n) != 0)
        return;

    errors = json_array();
    for (size_t i = 0; i < n; i++)
        if (!noms[i].found)
            fields_error(errors, arena_printf(req->mem, "nomination_ids[%zu]", i),
                         arena_printf(req->mem, "Không có đề nghị %lld trong phong trào này", ids[i]), 0);
    if (refuse(req, res, 422, errors, "Có đề nghị không thuộc phong trào này.") != 0)
        return;
    errors = json_array();
    for (size_t i = 0; i < n; i++) {
        const nom *m = &noms[i];
        if (strcmp(m->state, "recommended") == 0 || (m->vote_none && strcmp(m->state, "proposed") == 0))
            continue;
        fields_error(errors, arena_printf(req->mem, "nomination_ids[%zu]", i),
                     arena_printf(req->mem,
                                  m->vote_none ? "Đề nghị %lld đang ở trạng thái %s: chỉ quyết định đề nghị proposed"
                                               : "Đề nghị %lld đang ở trạng thái %s: chỉ quyết định đề nghị được Hội đồng"
                                                 " đề xuất (recommended)",
                                  m->id, m->state),
                     0);
    }
    if (refuse(req, res, 409, errors, "Có đề nghị không ở trạng thái chờ quyết định.") != 0)
        return;
    /* Without a council session, the public notice holds the decision as
     * it would hold the agenda (awards.md "Public notice"). */
    errors = json_array();
    for (size_t i = 0; i < n; i++) {
        const nom *m = &noms[i];
        if (!m->vote_none || m->notice_days <= 0)
            continue;
        if (!m->earliest_session_on)
            fields_error(errors, arena_printf(req->mem, "nomination_ids[%zu]", i),
                         arena_printf(req->mem, "Đề nghị %lld chưa được Cổng thông tin xác nhận đã công khai", m->id), 0);
        else if (strcmp(v[D_ON].s, m->earliest_session_on) < 0)
            fields_error(errors, arena_printf(req->mem, "nomination_ids[%zu]", i),
                         arena_printf(req->mem, "Đề nghị %lld công khai chưa đủ %lld ngày làm việc: quyết định từ ngày %s",
                                      m->id, m->notice_days, text_date_vi(req->mem, m->earliest_session_on)),
                         0);
    }
    if (refuse(req, res, 409, errors, "Có đề nghị chưa hết thời hạn công khai.") != 0)
        return;
    if (check_eligible(req, res, noms, n, v[D_ON].s) != 0)
        return;
    errors = json_array();
    for (size_t i = 0; i < n; i++)
        if (grants_title(&noms[i]) && noms[i].has_title)
            fields_error(errors, arena_printf(req->mem, "nomination_ids[%zu]", i),
                         arena_printf(req->mem, "Đối tượng của đề nghị %lld đã có danh hiệu %s trong phong trào",
                                      noms[i].id, noms[i].award),
                         0);
    if (refuse(req, res, 409, errors, "Danh hiệu đã được ghi nhận trước đó.") != 0)
        return;

    long long id = write_decision(req, res, v, noms, n);
    if (id == 0)
        return;
    api_created(req, res, &STMT_GET, id, "/api/v1/award-decisions/%lld");
}

/* ------------------------------------------------------------ outcomes */

static void outcome(request *req, response *res)
{
    field_val v[O_COUNT];
    if (api_body(req, res, outcome_fields, v, false) != 0 || api_begin(req, res) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *r = api_lock_row(req, res, &STMT_OUTCOME_LOCK, id, nominations_not_found);
    if (!r)
        return;
    const char *state = arena_strdup(req->mem, db_value(r, 0, 0));
    const char *award = arena_strdup(req->mem, db_value(r, 0, 1));
    const char *proposed_on = db_value(r, 0, 2) ? arena_strdup(req->mem, db_value(r, 0, 2)) : NULL;
    bool has_title = strcmp(db_value(r, 0, 3), "t") == 0;
    db_free(r);
    if (strcmp(state, "proposed_upward") != 0) {
        db_rollback(req->db);
        http_problem(res, 409,
                     arena_printf(req->mem,
                                  "Đề nghị đang ở trạng thái %s: chỉ ghi kết quả của đề nghị đã trình cấp trên "
                                  "(proposed_upward).",
                                  state));
        return;
    }
    if (proposed_on && strcmp(v[O_ON].s, proposed_on) < 0) {
        db_rollback(req->db);
        http_field_error(res, 422, "decided_on",
                         arena_printf(req->mem, "không được trước ngày tờ trình đề nghị (%s)",
                                      text_date_vi(req->mem, proposed_on)));
        return;
    }
    if (v[O_GRANTED].b && has_title) {
        db_rollback(req->db);
        http_problem(res, 409, arena_printf(req->mem, "Đối tượng đã có danh hiệu %s trong phong trào.", award));
        return;
    }
    const char *q[] = {id, v[O_GRANTED].b ? "true" : "false", v[O_NO].s, v[O_ON].s,
                       api_itoa(req, req->user ? req->user->id : 0)};
    r = api_run(req, res, &STMT_OUTCOME, 5, q);
    if (!r)
        return;
    db_free(r);
    if (v[O_GRANTED].b) {
        const char *t[] = {id, v[O_NO].s, v[O_ON].s};
        r = api_run(req, res, &STMT_OUTCOME_TITLE, 3, t);
        if (!r)
            return;
        db_free(r);
    }
    if (api_commit(req, res) == 0)
        nominations_answer(req, res, 200, req->path_ids[0]);
}

/* ------------------------------------------------------------ public notice */

static void notice(request *req, response *res)
{
    if (api_begin(req, res) != 0)
        return;
    const char *id = api_itoa(req, req->path_ids[0]);
    db_result *r = api_lock_row(req, res, &STMT_NOTICE_LOCK, id, nominations_not_found);
    if (!r)
        return;
    const char *state = arena_strdup(req->mem, db_value(r, 0, 0));
    long long campaign = db_int(r, 0, 1), subject = db_int(r, 0, 3);
    const char *type = arena_strdup(req->mem, db_value(r, 0, 2));
    const char *award = arena_strdup(req->mem, db_value(r, 0, 4));
    long long days = db_int(r, 0, 5);
    bool published = strcmp(db_value(r, 0, 6), "t") == 0;
    db_free(r);
    const char *conflict = NULL;
    if (days <= 0)
        conflict = arena_printf(req->mem, "Khen thưởng %s không yêu cầu công khai trước khi xét.", award);
    else if (published)
        conflict = "Đề nghị này đã được đưa đi công khai.";
    else if (strcmp(state, "proposed") != 0)
        conflict = arena_printf(req->mem, "Đề nghị đang ở trạng thái %s: chỉ công khai đề nghị còn proposed.", state);
    if (conflict) {
        db_rollback(req->db);
        http_problem(res, 409, conflict);
        return;
    }
    json_t *e = NULL;
    elig_rc rc = eligibility_evaluate(req->db, req->mem, campaign, type, subject, award, NULL, &e);
    if (rc == ELIG_DB) {
        api_db_error(req, res);
        return;
    }
    if (rc != ELIG_OK || !json_is_true(json_object_get(e, "eligible"))) {
        json_t *errors = json_array();
        if (rc == ELIG_OK)
            eligibility_failures(req->mem, e, errors);
        else
            fields_error(errors, "award", "Khen thưởng không có trong quy tắc của phong trào", 0);
        json_decref(e);
        refuse(req, res, 422, errors, "Đề nghị chưa đủ điều kiện hôm nay: không đưa đi công khai.");
        return;
    }
    json_decref(e);
    const char *q[] = {id, api_itoa(req, days), api_itoa(req, req->user ? req->user->id : 0)};
    r = api_run(req, res, &STMT_NOTICE, 3, q);
    if (!r)
        return;
    long long pub = db_int(r, 0, 0);
    db_free(r);
    api_created(req, res, &STMT_PUBLICATION, pub, "/api/v1/publications/%lld");
}

static const route_scope decision_scope = {&STMT_SCOPE, decision_missing, false, NULL, SCOPE_NULL_AGENCY, NULL, NULL};

const route award_decisions_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/decisions", list, ACCESS_READ, BODY_NONE,
     "Các quyết định khen thưởng của phong trào", NULL, ROUTE_REPLICA_OK, api_page_query, &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/decisions", create, ACCESS_DIRECTOR, BODY_JSON,
     "Giám đốc quyết định khen thưởng (hoặc trình cấp trên) các đề nghị: tất cả hoặc không đề nghị nào",
     decision_fields, 0, NULL, &scope_in_campaign},
    {"GET", "/api/v1/award-decisions/{id}", get, ACCESS_READ, BODY_NONE, "Một quyết định khen thưởng", NULL, ROUTE_REPLICA_OK, NULL,
     &decision_scope},
    {"POST", "/api/v1/nominations/{id}/outcome", outcome, ACCESS_OFFICE, BODY_JSON,
     "Ghi kết quả cấp trên xét đề nghị đã trình (khen thưởng hoặc không)", outcome_fields, 0, NULL,
     &nominations_scope},
    {"POST", "/api/v1/nominations/{id}/notice", notice, ACCESS_OFFICE, BODY_NONE,
     "Đưa đề nghị đi công khai trên Cổng thông tin (khen thưởng có thời hạn công khai)", NULL, 0, NULL,
     &nominations_scope},
    {0},
};
