/* api/rule_sets.c — rule sets (awards.md "What the law says, as data"):
 * installation-wide, read by every role, created by the installation
 * admin. The awards document is checked strictly by awards_check
 * (awards.h): a bad item is a 422 naming its path
 * ("awards.CSTDCS.criteria[1].params.level"). A rule set is not changed
 * through the API once created: a new law is a new rule set with its own
 * effective_from, and campaigns keep the copy they took (award_rules.c). */
#include <stdlib.h>

#include "api/resources.h"
#include "awards.h"
#include "jsontext.h"

static const field_def rule_set_fields[] = {
    {"code", FT_CODE, F_REQUIRED, 1, 60, NULL, "Mã bộ quy tắc, duy nhất (ví dụ luat-2022)"},
    {"name", FT_STRING, F_REQUIRED, 1, 300, NULL, "Tên bộ quy tắc"},
    {"basis", FT_TEXT, F_REQUIRED, 1, 5000, NULL, "Căn cứ pháp lý (luật, nghị định, thông tư)"},
    {"effective_from", FT_DATE, F_REQUIRED, 0, 0, NULL,
     "Ngày có hiệu lực: phong trào kết thúc từ ngày này lấy bộ quy tắc này (nếu không có bộ mới hơn)"},
    {"awards", FT_JSON, F_REQUIRED, 0, 0, NULL,
     "Mã khen thưởng → {subject, criteria:[{code, params} | {code:any_of, any_of:[...]}], council:{vote, pass:{op,num,den,base}, upward, public_notice_days}} (awards.md)"},
    {"quorum", FT_JSON, F_NULLABLE, 0, 0, NULL, "Số thành viên tối thiểu có mặt {num, den}; null hoặc không gửi = {\"num\":2,\"den\":3}"},
    {0},
};
enum { R_CODE, R_NAME, R_BASIS, R_EFFECTIVE, R_AWARDS, R_QUORUM, R_COUNT };

#define RULE_SET_JSON(r) \
    "json_build_object('code', " r ".code, 'name', " r ".name, 'basis', " r ".basis, 'effective_from', " r \
    ".effective_from, 'awards', " r ".awards, 'quorum', " r ".quorum)"

static const db_stmt STMT_LIST = {
    "rule_sets_list", API_LIST_SQL("SELECT * FROM rule_sets", RULE_SET_JSON("p"), "effective_from DESC, id DESC")};
static const db_stmt STMT_GET = {"rule_sets_get", "SELECT " RULE_SET_JSON("r") " FROM rule_sets r WHERE r.code = $1"};
static const db_stmt STMT_INSERT = {
    "rule_sets_insert",
    "INSERT INTO rule_sets (code, name, basis, effective_from, awards, quorum)"
    " VALUES ($1, $2, $3, $4, $5::jsonb, coalesce($6::jsonb, '{\"num\":2,\"den\":3}')) RETURNING " RULE_SET_JSON("rule_sets")};

static void list(request *req, response *res)
{
    api_list(req, res, &STMT_LIST, 0, NULL, "");
}

static void get(request *req, response *res)
{
    const char *p[] = {req->path_words[0]};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có bộ quy tắc này.");
}

/* jsontext_dumps of j (released) into the arena; NULL when j is NULL. */
static const char *dump(request *req, json_t *j)
{
    if (!j)
        return NULL;
    char *text = jsontext_dumps(j, JSON_COMPACT);
    json_decref(j);
    const char *out = text ? arena_strdup(req->mem, text) : NULL;
    free(text);
    return out;
}

static void create(request *req, response *res)
{
    field_val v[R_COUNT];
    if (api_body(req, res, rule_set_fields, v, false) != 0)
        return;
    json_t *errors = json_array();
    size_t alen = 0;
    const char *atext = jsontext_member(req->body, req->body_len, "awards", &alen);
    json_t *awards = awards_check(req->mem, v[R_AWARDS].j, atext, alen, "awards", errors);
    json_t *quorum = v[R_QUORUM].null ? NULL : awards_check_quorum(req->mem, v[R_QUORUM].j, "quorum", errors);
    if (json_array_size(errors)) {
        json_decref(awards);
        json_decref(quorum);
        http_problem_errors(res, 422, "Bộ quy tắc không hợp lệ: xem từng mục trong errors.", errors);
        return;
    }
    json_decref(errors);
    const char *p[] = {v[R_CODE].s, v[R_NAME].s, v[R_BASIS].s, v[R_EFFECTIVE].s, dump(req, awards), dump(req, quorum)};
    if (api_begin(req, res) != 0)
        return;
    if (api_write_commit(req, res, &STMT_INSERT, 6, p, NULL) == 0) {
        res->status = 201;
        http_set_header(res, "Location", arena_printf(req->mem, "/api/v1/rule-sets/%s", v[R_CODE].s));
    }
}

/* Rule sets are above every agency: writing one is the installation
 * admin's, as an agency root is (auth_scope's root rule); the statement
 * stands for "the installation" whatever the path. */
static const db_stmt STMT_INSTALLATION = {
    "rule_sets_scope", "SELECT NULL::bigint, NULL::bigint, true WHERE $1::bigint IS NOT NULL"};
static const route_scope installation_scope = {&STMT_INSTALLATION, "Không có bộ quy tắc này.", false, NULL,
                                               SCOPE_NULL_INSTALLATION, NULL, NULL};

const route rule_sets_routes[] = {
    {"GET", "/api/v1/rule-sets", list, ACCESS_READ, BODY_NONE,
     "Các bộ quy tắc khen thưởng (chung cho cả hệ thống), mới có hiệu lực trước", NULL, ROUTE_REPLICA_OK, api_page_query, NULL},
    {"POST", "/api/v1/rule-sets", create, ACCESS_ADMIN, BODY_JSON,
     "Thêm bộ quy tắc khen thưởng (quản trị viên hệ thống); tiêu chí và hội đồng kiểm tra chặt, lỗi nêu đường dẫn",
     rule_set_fields, 0, NULL, &installation_scope},
    {"GET", "/api/v1/rule-sets/{code}", get, ACCESS_READ, BODY_NONE, "Một bộ quy tắc khen thưởng", NULL, ROUTE_REPLICA_OK, NULL, NULL},
    {0},
};
