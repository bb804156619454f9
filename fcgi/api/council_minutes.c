/* api/council_minutes.c — the printable record of a closed council
 * session (api/council.h): "Biên bản họp Hội đồng Thi đua - Khen thưởng"
 * laid out as a Vietnamese administrative record (Nghị định 30/2020/NĐ-CP
 * style): the agency and the council on the left, the national motto on
 * the right, the number and the date, the title, time and place, who was
 * present and absent, each agenda item with its counts, threshold and
 * result, and the signatures of the secretary and the chair. It prints on
 * A4. Every datum goes through html(), which escapes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/council.h"
#include "text.h"

char *council_percent_vi(arena *a, long long n, long long d)
{
    if (d <= 0 || n < 0)
        return arena_strdup(a, "–");
    /* Hundredths of a percent, half up: floor((floor(2x) + 1) / 2) of
     * x = 10000 n / d. */
    long long h = (n * 20000 / d + 1) / 2;
    return arena_printf(a, "%lld,%02lld %%", h / 100, h % 100);
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static long long num(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* The name a person signs with: full_name, else username. */
static const char *person(const json_t *p)
{
    return str(p, "full_name") ? str(p, "full_name") : str(p, "username");
}

/* The object of the array list (a member of session) whose key is id, or
 * NULL: a member by "id" in member_list, an agenda item by
 * "nomination_id" in agenda_items. Borrowed from session. */
static const json_t *item_by(const json_t *session, const char *list, const char *key, long long id)
{
    size_t i;
    const json_t *it;
    json_array_foreach(json_object_get(session, list), i, it) {
        if (num(it, key) == id)
            return it;
    }
    return NULL;
}

/* The name of an award of luat-2022 in words, or NULL for another code. */
static const char *award_name(const char *code)
{
    static const char *const names[][2] = {
        {"LDTT", "Lao động tiên tiến"},
        {"CSTDCS", "Chiến sĩ thi đua cơ sở"},
        {"TTLDTT", "Tập thể lao động tiên tiến"},
        {"TTLDXS", "Tập thể lao động xuất sắc"},
        {"GIAY_KHEN", "Giấy khen"},
        {"BK_TINH", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"},
        {"CSTD_TINH", "Chiến sĩ thi đua cấp tỉnh"},
    };
    for (size_t i = 0; code && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], code) == 0)
            return names[i][1];
    return NULL;
}

static void award(FILE *f, const char *code)
{
    const char *name = award_name(code);
    if (name) {
        text_html(f, name);
        fputs(" (", f);
        text_html(f, code);
        fputs(")", f);
    } else {
        text_html(f, code);
    }
}

/* "ngày 15 tháng 01 năm 2026" of an ISO date. */
static void date_words(FILE *f, const char *iso)
{
    if (!text_is_date(iso)) {
        fputs("ngày … tháng … năm …", f);
        return;
    }
    fprintf(f, "ngày %.2s tháng %.2s năm %.4s", iso + 8, iso + 5, iso);
}

/* The people of list (present or absent) as a numbered list. */
static void people(FILE *f, const json_t *list)
{
    if (json_array_size(list) == 0) {
        fputs("<p class=\"indent\">Không có.</p>\n", f);
        return;
    }
    fputs("<ol>\n", f);
    size_t i;
    const json_t *p;
    json_array_foreach(list, i, p) {
        fputs("<li>", f);
        text_html(f, person(p));
        if (str(p, "full_name")) {
            fputs(" <span class=\"muted\">(", f);
            text_html(f, str(p, "username"));
            fputs(")</span>", f);
        }
        fputs("</li>\n", f);
    }
    fputs("</ol>\n", f);
}

/* "≥ 2/3 tổng số thành viên (7): cần ít nhất 5 phiếu đồng ý" */
static void threshold(FILE *f, const json_t *t)
{
    bool members = str(t, "base") && strcmp(str(t, "base"), "members") == 0;
    bool gt = str(t, "op") && strcmp(str(t, "op"), "gt") == 0;
    fprintf(f, "%s %lld/%lld %s (%lld): cần ít nhất %lld phiếu đồng ý", gt ? "trên" : "từ", num(t, "num"),
            num(t, "den"), members ? "tổng số thành viên" : "số thành viên có mặt", num(t, "base_count"),
            num(t, "needed"));
}

/* One count and its share of the threshold's base: "5<br>(71,43 %)". */
static void count_cell(FILE *f, arena *a, long long n, long long base)
{
    fprintf(f, "<td class=\"num\">%lld<br><span class=\"pct\">(%s)</span></td>", n, council_percent_vi(a, n, base));
}

static const char *vote_words(const char *vote)
{
    if (vote && strcmp(vote, "for") == 0)
        return "Đồng ý";
    if (vote && strcmp(vote, "against") == 0)
        return "Không đồng ý";
    return "Không ý kiến";
}

/* The names of the open votes of one kind ("for"), or "không có". */
static void open_names(FILE *f, const json_t *session, const json_t *votes, const char *kind)
{
    bool any = false;
    size_t i;
    const json_t *v;
    json_array_foreach(votes, i, v) {
        if (!str(v, "vote") || strcmp(str(v, "vote"), kind) != 0)
            continue;
        const json_t *m = item_by(session, "member_list", "id", num(v, "user_id"));
        fputs(any ? ", " : "", f);
        text_html(f, m ? person(m) : str(v, "username"));
        any = true;
    }
    if (!any)
        fputs("không có", f);
}

/* The document's look is the site's stylesheet (nginx/www/css/document.css,
 * body.minutes): the Content-Security-Policy refuses a <style> block. */
static void style(FILE *f)
{
    fputs("<link rel=\"stylesheet\" href=\"/css/document.css\">\n", f);
}

static void heading(FILE *f, const council_record *rec)
{
    fputs("<table class=\"head\"><tr>\n<td><div class=\"upper\">", f);
    text_html(f, rec->agency_name);
    fputs("</div><div><b>HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG</b></div><div><span class=\"rule\"></span></div></td>\n"
          "<td><div class=\"motto\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>"
          "<div class=\"motto2\">Độc lập - Tự do - Hạnh phúc</div></td>\n</tr><tr>\n"
          "<td>Số: &nbsp;&nbsp;&nbsp;&nbsp;&nbsp;/BB-HĐTĐKT</td>\n<td><i>",
          f);
    date_words(f, rec->held_on);
    fputs("</i></td>\n</tr></table>\n", f);
    fputs("<h1>BIÊN BẢN</h1>\n<p class=\"title\">Họp Hội đồng Thi đua - Khen thưởng", f);
    if (rec->campaign_name) {
        fputs("<br>xét đề nghị khen thưởng: ", f);
        text_html(f, rec->campaign_name);
    }
    fputs("</p>\n", f);
}

static void when_where(FILE *f, arena *a, const council_record *rec)
{
    fputs("<p><b>Thời gian:</b> ", f);
    if (rec->opened_at) {
        fputs("từ ", f);
        text_html(f, rec->opened_at);
        if (rec->closed_at) {
            fputs(" đến ", f);
            text_html(f, rec->closed_at);
        }
        fputs(", ", f);
    }
    fputs("ngày ", f);
    text_html(f, text_date_vi(a, rec->held_on));
    fputs(".</p>\n<p><b>Địa điểm:</b> ", f);
    text_html(f, rec->agency_name);
    fputs(".</p>\n", f);
}

static void attendance(FILE *f, const json_t *minutes)
{
    const json_t *session = json_object_get(minutes, "session");
    const json_t *quorum = json_object_get(session, "quorum");
    size_t all = json_array_size(json_object_get(session, "members"));
    size_t present = json_array_size(json_object_get(minutes, "present"));
    size_t absent = json_array_size(json_object_get(minutes, "absent"));
    fprintf(f,
            "<h2>I. Thành phần tham dự</h2>\n"
            "<p>Tổng số thành viên Hội đồng: %zu; có mặt: %zu; vắng mặt: %zu. Túc số theo quy định: %lld/%lld số thành"
            " viên, tức ít nhất %lld thành viên có mặt.</p>\n<p>Thành viên có mặt:</p>\n",
            all, present, absent, num(quorum, "num"), num(quorum, "den"), num(quorum, "required"));
    people(f, json_object_get(minutes, "present"));
    fputs("<p>Thành viên vắng mặt:</p>\n", f);
    people(f, json_object_get(minutes, "absent"));
}

/* The subject of a result: its name, and its unit when that says more. */
static void subject(FILE *f, const json_t *session, const json_t *r)
{
    const json_t *item = item_by(session, "agenda_items", "nomination_id", num(r, "nomination_id"));
    text_html(f, str(r, "subject_name"));
    const char *unit = item ? str(item, "unit_name") : NULL;
    if (unit && (!str(r, "subject_name") || strcmp(unit, str(r, "subject_name")) != 0)) {
        fputs("<br><span class=\"muted\">", f);
        text_html(f, unit);
        fputs("</span>", f);
    }
}

static void results(FILE *f, arena *a, const json_t *minutes)
{
    const json_t *session = json_object_get(minutes, "session");
    const json_t *list = json_object_get(minutes, "results");
    fprintf(f,
            "<h2>II. Nội dung và kết quả biểu quyết</h2>\n"
            "<p>Hội đồng xem xét %zu đề nghị khen thưởng. Tỷ lệ trong ngoặc tính trên số làm căn cứ của ngưỡng"
            " (tổng số thành viên hoặc số thành viên có mặt, theo quy tắc của từng hình thức khen thưởng).</p>\n",
            json_array_size(list));
    fputs("<table class=\"votes\"><thead><tr><th>STT</th><th>Đối tượng</th><th>Hình thức khen thưởng</th>"
          "<th>Cách biểu quyết</th><th>Đồng ý</th><th>Không đồng ý</th><th>Không ý kiến</th><th>Không bỏ phiếu</th>"
          "<th>Ngưỡng thông qua</th><th>Kết quả</th></tr></thead>\n<tbody>\n",
          f);
    size_t i;
    const json_t *r;
    json_array_foreach(list, i, r) {
        const json_t *t = json_object_get(r, "threshold");
        long long base = num(t, "base_count");
        bool secret = str(r, "vote") && strcmp(str(r, "vote"), "secret") == 0;
        fprintf(f, "<tr><td class=\"num\">%zu</td><td>", i + 1);
        subject(f, session, r);
        fputs("</td><td>", f);
        award(f, str(r, "award"));
        fputs(secret ? "</td><td>Bỏ phiếu kín</td>" : "</td><td>Biểu quyết công khai</td>", f);
        count_cell(f, a, num(r, "for"), base);
        count_cell(f, a, num(r, "against"), base);
        count_cell(f, a, num(r, "abstain"), base);
        count_cell(f, a, num(r, "not_voted"), base);
        fputs("<td>", f);
        threshold(f, t);
        fputs(json_is_true(json_object_get(r, "passed")) ? "</td><td><b>Đề nghị khen thưởng</b></td></tr>\n"
                                                         : "</td><td><b>Không đề nghị</b></td></tr>\n",
              f);
    }
    fputs("</tbody></table>\n", f);

    json_array_foreach(list, i, r) {
        bool secret = str(r, "vote") && strcmp(str(r, "vote"), "secret") == 0;
        fprintf(f, "<p><b>Đề nghị %zu</b> (", i + 1);
        text_html(f, str(r, "subject_name"));
        fputs(secret ? "): bỏ phiếu kín; biên bản chỉ ghi số phiếu.</p>\n" : "): biểu quyết công khai.</p>\n", f);
        if (secret)
            continue;
        static const char *const kinds[] = {"for", "against", "abstain"};
        fputs("<ul>\n", f);
        for (size_t k = 0; k < 3; k++) {
            fprintf(f, "<li>%s: ", vote_words(kinds[k]));
            open_names(f, session, json_object_get(r, "open_votes"), kinds[k]);
            fputs(".</li>\n", f);
        }
        fputs("</ul>\n", f);
    }
}

static void conclusion(FILE *f, const json_t *minutes, const council_record *rec)
{
    const json_t *list = json_object_get(minutes, "results");
    size_t passed = 0, i;
    const json_t *r;
    json_array_foreach(list, i, r) passed += json_is_true(json_object_get(r, "passed"));
    fprintf(f,
            "<h2>III. Kết luận</h2>\n<p>Hội đồng thống nhất đề nghị khen thưởng %zu trường hợp, không đề nghị %zu trường"
            " hợp.</p>\n",
            passed, json_array_size(list) - passed);
    if (passed) {
        fputs("<ol>\n", f);
        json_array_foreach(list, i, r) {
            if (!json_is_true(json_object_get(r, "passed")))
                continue;
            fputs("<li>", f);
            text_html(f, str(r, "subject_name"));
            fputs(": ", f);
            award(f, str(r, "award"));
            fputs("</li>\n", f);
        }
        fputs("</ol>\n", f);
    }
    fputs("<p>Phiên họp kết thúc", f);
    if (rec->closed_at) {
        fputs(" lúc ", f);
        text_html(f, rec->closed_at);
    }
    fputs(". Biên bản đã được thông qua trước Hội đồng.</p>\n", f);
    fputs("<table class=\"sign\"><tr><td><b>THƯ KÝ</b><br><i>(Ký, ghi rõ họ tên)</i></td>"
          "<td><b>CHỦ TỌA</b><br><i>(Ký, ghi rõ họ tên)</i></td></tr></table>\n",
          f);
}

char *council_minutes_html(arena *a, const json_t *minutes, const council_record *rec)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fputs("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>Biên bản họp Hội đồng Thi đua - Khen thưởng</title>\n",
          f);
    style(f);
    fputs("</head>\n<body class=\"minutes\">\n", f);
    heading(f, rec);
    when_where(f, a, rec);
    attendance(f, minutes);
    results(f, a, minutes);
    conclusion(f, minutes, rec);
    fputs("</body>\n</html>\n", f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    char *out = arena_strndup(a, buf, len);
    free(buf);
    return out;
}
