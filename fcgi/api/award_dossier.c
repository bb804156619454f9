/* api/award_dossier.c — the dossier of an award proposed to a higher
 * level (hồ sơ đề nghị khen thưởng cấp trên, awards.md "Decision"): one
 * printable HTML page with the nomination, its eligibility evidence as of
 * the day of the proposal (eligibility_evaluate, in words), the council's
 * result for it (council_results of the session that judged it) and the
 * proposal decision, and the higher level's outcome once there is one.
 * Only for a nomination proposed upward (or granted, refused): else 409.
 * Every text from the database is HTML-escaped; dates are dd/mm/yyyy. */
#include <stdio.h>
#include <stdlib.h>

#include "api/nominations.h"
#include "api/resources.h"
#include "eligibility.h"
#include "jsontext.h"
#include "text.h"

static const db_stmt STMT_DOSSIER = {
    "award_dossier_nomination",
    "SELECT n.state, n.campaign_id, n.subject_type, coalesce(n.staff_id, n.unit_id), n.award, n.reason,"
    " coalesce(s.full_name, su.name), uu.name, c.name, c.year, a.name, d.decision_no, d.decided_on,"
    " o.granted, o.decision_no, o.decided_on, s.code, s.leader_level"
    " FROM nominations n JOIN campaigns c ON c.id = n.campaign_id JOIN units a ON a.id = c.agency_id"
    " LEFT JOIN staff s ON s.id = n.staff_id LEFT JOIN units su ON su.id = n.unit_id"
    " LEFT JOIN units uu ON uu.id = coalesce(s.unit_id, n.unit_id)"
    " LEFT JOIN award_decisions d ON d.id = n.decision_id LEFT JOIN award_outcomes o ON o.nomination_id = n.id"
    " WHERE n.id = $1"};
enum {
    C_STATE, C_CAMPAIGN, C_TYPE, C_SUBJECT, C_AWARD, C_REASON, C_NAME, C_UNIT, C_CNAME, C_YEAR, C_AGENCY, C_DNO,
    C_DON, C_GRANTED, C_ONO, C_OON, C_CODE, C_LEADER
};
/* The result of the (latest closed) session that judged the nomination. */
static const db_stmt STMT_COUNCIL = {
    "award_dossier_council",
    "SELECT r.vote_kind, r.votes_for, r.votes_against, r.votes_abstain, r.not_voted, r.threshold::text, r.passed,"
    " cs.held_on, (SELECT count(*) FROM council_members m WHERE m.session_id = cs.id),"
    " (SELECT count(*) FROM council_members m WHERE m.session_id = cs.id AND m.present)"
    " FROM council_results r JOIN council_sessions cs ON cs.id = r.session_id"
    " WHERE r.nomination_id = $1 ORDER BY cs.held_on DESC, cs.id DESC LIMIT 1"};

static const struct {
    const char *code, *words;
} award_words[] = {
    {"LDTT", "Lao động tiên tiến"},
    {"CSTDCS", "Chiến sĩ thi đua cơ sở"},
    {"TTLDTT", "Tập thể lao động tiên tiến"},
    {"TTLDXS", "Tập thể lao động xuất sắc"},
    {"GIAY_KHEN", "Giấy khen"},
    {"BK_TINH", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"},
    {"CSTD_TINH", "Chiến sĩ thi đua cấp tỉnh"},
    {"CSTD_TOAN_QUOC", "Chiến sĩ thi đua toàn quốc"},
};

static const struct {
    const char *code, *words;
} criterion_words[] = {
    {"rating_at_least", "Xếp loại chất lượng cá nhân"},
    {"unit_rating_at_least", "Xếp loại chất lượng tập thể"},
    {"tenure_months", "Thời gian công tác"},
    {"initiative", "Sáng kiến được công nhận"},
    {"initiative_level", "Sáng kiến được công nhận ở cấp"},
    {"initiatives_in_span", "Sáng kiến trong thời gian xét"},
    {"consecutive_titles", "Danh hiệu liên tục"},
    {"consecutive_ratings", "Xếp loại liên tục"},
    {"members_title_share", "Tỷ lệ thành viên đạt danh hiệu"},
    {"members_rating_share", "Tỷ lệ thành viên được xếp loại"},
    {"members_title_count", "Số thành viên đạt danh hiệu"},
    {"registered", "Đăng ký thi đua"},
    {"no_hold", "Không đang bị xem xét kỷ luật, điều tra, thanh tra, khiếu nại"},
    {"any_of", "Đạt một trong các điều kiện"},
    {"all_of", "Đạt đồng thời các điều kiện"},
};

static const struct {
    const char *key, *words;
} key_words[] = {
    {"level", "mức"},
    {"months", "số tháng"},
    {"count", "số lượng"},
    {"years", "các năm"},
    {"title", "danh hiệu"},
    {"op", "so sánh"},
    {"percent", "tỷ lệ (%)"},
    {"rating", "xếp loại"},
    {"decision_no", "số quyết định"},
    {"decided_on", "ngày quyết định"},
    {"joined_on", "ngày vào làm"},
    {"left_on", "ngày thôi việc"},
    {"ends_on", "ngày kết thúc phong trào"},
    {"tenure_reached_on", "đủ thời gian từ ngày"},
    {"from", "từ ngày"},
    {"to", "đến ngày"},
    {"initiative_ids", "sáng kiến (mã)"},
    {"holding", "số đạt"},
    {"members", "số thành viên"},
    {"as_of", "xét tại ngày"},
    {"open_hold_ids", "đang bị xem xét (mã)"},
    {"registered_on", "ngày đăng ký"},
    {"registration_closes_on", "hạn đăng ký"},
    {"year", "năm"},
    {"rank", "bậc"},
    {"met", "đạt"},
};

#define WORDS(table, field, value, fallback)                                    \
    do {                                                                        \
        for (size_t i_ = 0; i_ < sizeof table / sizeof table[0]; i_++)          \
            if (strcmp(table[i_].field, value) == 0)                            \
                return table[i_].words;                                         \
        return fallback;                                                        \
    } while (0)

static const char *award_name(const char *code)
{
    WORDS(award_words, code, code, code);
}

static const char *criterion_name(const char *code)
{
    WORDS(criterion_words, code, code, code);
}

static const char *key_name(const char *key)
{
    WORDS(key_words, key, key, key);
}

/* e (consumed) with every decimal as a string of its exact text, never a
 * double: the stand-ins of jsontext_decimal (a percent as the rules hold
 * it) and any number with a fraction (jsontext_reals_as_strings). NULL
 * when out of memory. */
static json_t *exact_decimals(json_t *e)
{
    char *text = jsontext_dumps(e, JSON_COMPACT);
    json_decref(e);
    char *exact = text ? jsontext_reals_as_strings(text) : NULL;
    free(text);
    json_t *out = exact ? json_loads(exact, 0, NULL) : NULL;
    free(exact);
    return out;
}

/* "66,7" from the decimal text "66.7" (arena). */
static const char *text_decimal_vi(arena *a, const char *s)
{
    char *out = arena_strdup(a, s);
    char *dot = strchr(out, '.');
    if (dot)
        *dot = ',';
    return out;
}

/* A date as dd/mm/yyyy (escaped text as it is when not a date). */
static void date(FILE *f, arena *a, const char *iso)
{
    const char *vi = iso ? text_date_vi(a, iso) : NULL;
    text_html(f, vi ? vi : iso ? iso : "—");
}

/* A value of the evidence or the parameters, in words. */
static void value(FILE *f, arena *a, const json_t *v)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        decimal d;
        if (text_is_date(s))
            date(f, a, s);
        else if (strchr(s, '.') && decimal_parse(s, strlen(s), DECIMAL_JSON, NULL, &d) == DECIMAL_OK)
            text_html(f, text_decimal_vi(a, s)); /* a decimal as written, with a comma: 66,7 */
        else if (strcmp(s, "gt") == 0)
            fputs("trên", f);
        else if (strcmp(s, "ge") == 0)
            fputs("từ", f);
        else
            text_html(f, s);
    } else if (json_is_integer(v)) {
        fprintf(f, "%lld", (long long)json_integer_value(v));
    } else if (json_is_boolean(v)) {
        fputs(json_is_true(v) ? "có" : "không", f);
    } else if (json_is_array(v)) {
        size_t i;
        const json_t *it;
        if (json_array_size(v) == 0)
            fputs("không có", f);
        json_array_foreach(v, i, it) {
            if (i)
                fputs("; ", f);
            value(f, a, it);
        }
    } else if (json_is_object(v)) {
        const char *k;
        const json_t *it;
        bool first = true;
        json_object_foreach((json_t *)v, k, it) {
            fprintf(f, "%s%s: ", first ? "" : ", ", key_name(k));
            value(f, a, it);
            first = false;
        }
    } else {
        fputs("—", f);
    }
}

/* One criterion of the eligibility answer (and those inside it). */
static void criterion(FILE *f, arena *a, const json_t *c)
{
    const char *code = json_string_value(json_object_get(c, "code"));
    bool met = json_is_true(json_object_get(c, "met"));
    fprintf(f, "<li class=\"%s\"><b>%s %s</b>: ", met ? "dat" : "chua-dat", met ? "✔" : "✘", met ? "Đạt" : "Chưa đạt");
    text_html(f, criterion_name(code ? code : "?"));
    const json_t *params = json_object_get(c, "params");
    if (json_object_size(params)) {
        fputs(" (", f);
        value(f, a, params);
        fputs(")", f);
    }
    const json_t *ev = json_object_get(c, "evidence");
    if (json_object_size(ev)) {
        fputs("<br><span class=\"chung-cu\">Căn cứ: ", f);
        value(f, a, ev);
        fputs("</span>", f);
    }
    const json_t *inner = json_object_get(c, code ? code : "");
    if (json_is_array(inner)) {
        fputs("<ul>", f);
        size_t i;
        const json_t *it;
        json_array_foreach(inner, i, it)
            criterion(f, a, it);
        fputs("</ul>", f);
    }
    fputs("</li>\n", f);
}

/* A threshold of council_results ({"op","num","den","base","base_count","needed"}) in words. */
static void threshold(FILE *f, const char *text)
{
    json_t *t = text ? json_loads(text, 0, NULL) : NULL;
    const char *op = json_string_value(json_object_get(t, "op"));
    const char *base = json_string_value(json_object_get(t, "base"));
    fprintf(f, "%s %lld/%lld %s", op && strcmp(op, "gt") == 0 ? "trên" : "từ",
            (long long)json_integer_value(json_object_get(t, "num")),
            (long long)json_integer_value(json_object_get(t, "den")),
            base && strcmp(base, "members") == 0 ? "tổng số thành viên" : "số thành viên có mặt");
    if (json_object_get(t, "base_count"))
        fprintf(f, " (%lld người)", (long long)json_integer_value(json_object_get(t, "base_count")));
    if (json_object_get(t, "needed"))
        fprintf(f, "; cần ít nhất %lld phiếu đồng ý", (long long)json_integer_value(json_object_get(t, "needed")));
    json_decref(t);
}

static void row(FILE *f, const char *label, const char *text)
{
    fprintf(f, "<tr><th>%s</th><td>", label);
    text_html(f, text ? text : "—");
    fputs("</td></tr>\n", f);
}

/* The council's part: 0, or -1 with res answered (database error). */
static int council_part(request *req, response *res, FILE *f, const char *id)
{
    const char *p[] = {id};
    db_result *r = api_run(req, res, &STMT_COUNCIL, 1, p);
    if (!r)
        return -1;
    fputs("<h2>III. Kết quả xét của Hội đồng Thi đua - Khen thưởng</h2>\n", f);
    if (db_rows(r) == 0) {
        fputs("<p>Không có phiên họp Hội đồng nào xét đề nghị này (khen thưởng không cần Hội đồng bỏ phiếu).</p>\n", f);
        db_free(r);
        return 0;
    }
    fputs("<table>\n", f);
    fprintf(f, "<tr><th>Phiên họp ngày</th><td>");
    date(f, req->mem, db_value(r, 0, 7));
    fputs("</td></tr>\n", f);
    fprintf(f, "<tr><th>Hình thức biểu quyết</th><td>%s</td></tr>\n",
            strcmp(db_value(r, 0, 0), "secret") == 0 ? "Bỏ phiếu kín" : "Biểu quyết công khai");
    fprintf(f, "<tr><th>Thành viên</th><td>%lld thành viên, %lld có mặt</td></tr>\n", db_int(r, 0, 8), db_int(r, 0, 9));
    fprintf(f,
            "<tr><th>Kết quả</th><td>%lld đồng ý, %lld không đồng ý, %lld không có ý kiến, %lld có mặt nhưng không bỏ phiếu</td></tr>\n",
            db_int(r, 0, 1), db_int(r, 0, 2), db_int(r, 0, 3), db_int(r, 0, 4));
    fputs("<tr><th>Ngưỡng</th><td>", f);
    threshold(f, db_value(r, 0, 5));
    fputs("</td></tr>\n", f);
    fprintf(f, "<tr><th>Kết luận</th><td>%s</td></tr>\n</table>\n",
            strcmp(db_value(r, 0, 6), "t") == 0 ? "Đạt: Hội đồng đề xuất khen thưởng" : "Không đạt");
    db_free(r);
    return 0;
}

static void dossier(request *req, response *res)
{
    const char *id = api_itoa(req, req->path_ids[0]);
    const char *p[] = {id};
    db_result *r = api_run(req, res, &STMT_DOSSIER, 1, p);
    if (!r)
        return;
    if (db_rows(r) == 0) {
        db_free(r);
        http_problem(res, 404, nominations_not_found);
        return;
    }
    const char *state = db_value(r, 0, C_STATE);
    if (strcmp(state, "proposed_upward") != 0 && strcmp(state, "granted") != 0 && strcmp(state, "refused") != 0) {
        http_problem(res, 409,
                     arena_printf(req->mem,
                                  "Đề nghị đang ở trạng thái %s: chỉ có hồ sơ trình cấp trên khi đề nghị đã được trình "
                                  "(proposed_upward, granted, refused).",
                                  state));
        db_free(r);
        return;
    }
    const char *col[C_LEADER + 1];
    for (int i = 0; i <= C_LEADER; i++)
        col[i] = db_value(r, 0, i) ? arena_strdup(req->mem, db_value(r, 0, i)) : NULL;
    long long campaign = db_int(r, 0, C_CAMPAIGN), subject = db_int(r, 0, C_SUBJECT);
    db_free(r);

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        http_problem(res, 500, "Lỗi máy chủ.");
        return;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Hồ sơ đề nghị khen thưởng</title>\n"
          "<link rel=\"stylesheet\" href=\"/css/document.css\"></head><body class=\"dossier\">\n",
          f);
    fputs("<p>", f);
    text_html(f, col[C_AGENCY]);
    fputs("</p>\n<h1>HỒ SƠ ĐỀ NGHỊ KHEN THƯỞNG CẤP TRÊN</h1>\n<p class=\"subject\">", f);
    text_html(f, award_name(col[C_AWARD]));
    fputs(" — ", f);
    text_html(f, col[C_CNAME]);
    fputs("</p>\n<h2>I. Đề nghị</h2>\n<table>\n", f);
    row(f, strcmp(col[C_TYPE], "staff") == 0 ? "Cá nhân" : "Tập thể", col[C_NAME]);
    if (col[C_CODE])
        row(f, "Mã cán bộ", col[C_CODE]);
    row(f, "Đơn vị", col[C_UNIT]);
    row(f, "Hình thức khen thưởng", award_name(col[C_AWARD]));
    row(f, "Phong trào", arena_printf(req->mem, "%s (năm %s)", col[C_CNAME], col[C_YEAR]));
    row(f, "Thành tích, lý do đề nghị", col[C_REASON]);
    row(f, "Mã đề nghị", id);
    fputs("</table>\n", f);

    const char *day = col[C_DON];
    fputs("<h2>II. Điều kiện khen thưởng tại ngày ", f);
    date(f, req->mem, day);
    fputs("</h2>\n", f);
    json_t *e = NULL;
    elig_rc rc = eligibility_evaluate(req->db, req->mem, campaign, col[C_TYPE], subject, col[C_AWARD], day, &e);
    if (rc == ELIG_OK)
        e = exact_decimals(e);
    if (rc == ELIG_DB) {
        fclose(f);
        free(text);
        api_db_error(req, res);
        return;
    }
    if (rc != ELIG_OK) {
        fputs("<p>Khen thưởng này không còn trong bản sao quy tắc của phong trào: không xét được điều kiện.</p>\n", f);
    } else {
        fprintf(f, "<p>Kết luận: <b>%s</b></p>\n<ul>\n",
                json_is_true(json_object_get(e, "eligible")) ? "Đủ điều kiện" : "Chưa đủ điều kiện");
        size_t i;
        const json_t *c;
        json_array_foreach(json_object_get(e, "criteria"), i, c)
            criterion(f, req->mem, c);
        fputs("</ul>\n", f);
    }
    json_decref(e);

    if (council_part(req, res, f, id) != 0) {
        fclose(f);
        free(text);
        return;
    }
    fputs("<h2>IV. Quyết định trình cấp trên</h2>\n<table>\n", f);
    row(f, "Số tờ trình, quyết định", col[C_DNO]);
    fputs("<tr><th>Ngày</th><td>", f);
    date(f, req->mem, col[C_DON]);
    fputs("</td></tr>\n</table>\n", f);
    if (col[C_GRANTED]) {
        fputs("<h2>V. Kết quả của cấp trên</h2>\n<table>\n", f);
        row(f, "Kết quả", strcmp(col[C_GRANTED], "t") == 0 ? "Được khen thưởng" : "Không được khen thưởng");
        row(f, "Số quyết định", col[C_ONO]);
        fputs("<tr><th>Ngày</th><td>", f);
        date(f, req->mem, col[C_OON]);
        fputs("</td></tr>\n</table>\n", f);
    }
    fputs("</body></html>\n", f);
    fclose(f);
    http_text(res, 200, "text/html; charset=utf-8", text, len);
    free(text);
}

const route award_dossier_routes[] = {
    {"GET", "/api/v1/nominations/{id}/dossier", dossier, ACCESS_READ, BODY_NONE,
     "Hồ sơ đề nghị khen thưởng cấp trên (text/html): đề nghị, điều kiện tại ngày trình, kết quả Hội đồng, tờ trình",
     NULL, ROUTE_READ_CONFLICT | ROUTE_REPLICA_OK, NULL, &nominations_scope},
    {0},
};
