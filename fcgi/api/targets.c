/* api/targets.c — the targets of a campaign (chỉ tiêu thi đua): rows of
 * data {code, name, metric, params, comparator, threshold} as in
 * targets.md, kept in the order they were defined. A target whose parts do
 * not fit together is refused here (422 naming the field), so that the
 * scorecard never meets one. Office and admin write. */
#include <stdlib.h>

#include "api/campaign_scope.h"
#include "api/resources.h"

static const char *const target_metrics[] = {"task_completion", "study_coverage", "staff_title_share",
                                             "unit_title_share", "unit_title_count", "rating", "ratings_all",
                                             "index_rank", "certification", NULL};
static const char *const target_comparators[] = {"gt", "ge", "lt", "le", "eq", NULL};

static const field_def target_fields[] = {
    {"code", FT_CODE, F_REQUIRED, 1, 60, NULL, "Mã chỉ tiêu, duy nhất trong phong trào"},
    {"name", FT_STRING, F_REQUIRED, 1, 500, NULL, "Tên chỉ tiêu (lời của kế hoạch)"},
    {"metric", FT_ENUM, F_REQUIRED, 0, 0, target_metrics, "Cách tính, xem targets.md"},
    {"params", FT_JSON, F_NULLABLE, 0, 0, NULL,
     "Đối tượng tham số của metric (title, base, subject, kinds, index, kind); null hoặc không gửi = {}"},
    {"comparator", FT_ENUM, F_REQUIRED, 0, 0, target_comparators,
     "gt/ge (tỉ lệ, số lượng), ge (xếp loại), le (thứ hạng), eq (chứng nhận)"},
    {"threshold", FT_JSON, F_NULLABLE, 0, 0, NULL,
     "Ngưỡng: phần trăm 0..100 (tối đa 6 chữ số thập phân), số nguyên 0..1000000, mã xếp loại, true/false, hoặc null (index_rank)"},
    {0},
};
enum { T_CODE, T_NAME, T_METRIC, T_PARAMS, T_COMPARATOR, T_THRESHOLD, T_COUNT };

/* What each metric takes: its parameters and its kind of threshold, which
 * decides the comparators that make sense. */
typedef enum { P_NONE, P_STAFF_TITLE, P_UNIT_TITLE, P_SUBJECT, P_KINDS, P_INDEX, P_CERT } params_kind;
typedef enum { TH_PERCENT, TH_COUNT, TH_LEVEL, TH_NULL, TH_BOOL } threshold_kind;

static const struct metric_rule {
    const char *metric;
    params_kind params;
    threshold_kind threshold;
} metric_rules[] = {
    {"task_completion", P_NONE, TH_PERCENT},     {"study_coverage", P_NONE, TH_PERCENT},
    {"staff_title_share", P_STAFF_TITLE, TH_PERCENT}, {"unit_title_share", P_UNIT_TITLE, TH_PERCENT},
    {"unit_title_count", P_UNIT_TITLE, TH_COUNT}, {"rating", P_SUBJECT, TH_LEVEL},
    {"ratings_all", P_KINDS, TH_LEVEL},           {"index_rank", P_INDEX, TH_NULL},
    {"certification", P_CERT, TH_BOOL},
};

/* Parameter keys by params_kind, NULL-terminated; every one is required. */
static const char *const param_keys[][3] = {
    [P_NONE] = {NULL},           [P_STAFF_TITLE] = {"title", "base", NULL}, [P_UNIT_TITLE] = {"title", NULL},
    [P_SUBJECT] = {"subject", NULL}, [P_KINDS] = {"kinds", NULL},            [P_INDEX] = {"index", NULL},
    [P_CERT] = {"kind", NULL},
};
/* Comparators by threshold_kind, and the same as text for messages. */
static const char *const comparators_for[][3] = {
    [TH_PERCENT] = {"gt", "ge", NULL}, [TH_COUNT] = {"gt", "ge", NULL}, [TH_LEVEL] = {"ge", NULL},
    [TH_NULL] = {"le", NULL},          [TH_BOOL] = {"eq", NULL},
};
static const char *const comparators_text[] = {
    [TH_PERCENT] = "gt, ge", [TH_COUNT] = "gt, ge", [TH_LEVEL] = "ge", [TH_NULL] = "le", [TH_BOOL] = "eq",
};

/* Individual titles, lowest first (targets.md "Title order"). */
static const char *const staff_titles[] = {"LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TOAN_QUOC", NULL};
static const char *const unit_titles[] = {"TTLDTT", "TTLDXS", NULL};
static const char *const rating_levels[] = {"KHTNV", "HTNV", "HTTNV", "HTXSNV", NULL};
static const char *const rated_kinds[] = {"party", "union", "division", "affiliated", NULL};
static const char *const index_kinds[] = {"par_index", "dti", NULL};
static const char *const cert_kinds[] = {"security_order", "good_learning_unit", NULL};

#define TARGET_JSON(t) \
    "json_build_object('id', " t ".id, 'campaign_id', " t ".campaign_id, 'position', " t ".position, 'code', " t \
    ".code, 'name', " t ".name, 'metric', " t ".metric, 'params', " t ".params, 'comparator', " t ".comparator," \
    " 'threshold', " t ".threshold)"

static const db_stmt STMT_LIST = {
    "targets_list", API_LIST_OF_CAMPAIGN("SELECT * FROM targets WHERE campaign_id = $3", TARGET_JSON("p"), "position")};
static const db_stmt STMT_GET = {"targets_get", "SELECT " TARGET_JSON("t") " FROM targets t WHERE t.id = $1"};
/* Serializes the targets of one campaign (positions), without blocking
 * inserts elsewhere that only reference the campaign. */
static const db_stmt STMT_CAMPAIGN = {
    "targets_campaign", "SELECT agency_id FROM campaigns WHERE id = $1 FOR NO KEY UPDATE"};
static const db_stmt STMT_UNIT = {"targets_unit", "SELECT 1 FROM units WHERE agency_id = $1 AND code = $2"};
static const db_stmt STMT_INSERT = {
    "targets_insert",
    "INSERT INTO targets (campaign_id, position, code, name, metric, params, comparator, threshold)"
    " VALUES ($1, (SELECT coalesce(max(position), 0) + 1 FROM targets WHERE campaign_id = $1), $2, $3, $4,"
    " $5::jsonb, $6, $7::jsonb) RETURNING id, " TARGET_JSON("targets")};

static bool one_of(const char *s, const char *const *choices)
{
    for (; s && *choices; choices++)
        if (strcmp(s, *choices) == 0)
            return true;
    return false;
}

static int rank_of(const char *s, const char *const *order)
{
    for (int i = 0; order[i]; i++)
        if (s && strcmp(s, order[i]) == 0)
            return i;
    return -1;
}

/* Is code a unit of the agency? 1, 0, or -1 on a database error. */
static int unit_exists(request *req, const char *agency, const char *code)
{
    const char *p[] = {agency, code};
    db_result *r = db_run(req->db, &STMT_UNIT, 2, p);
    if (!r)
        return -1;
    int n = db_rows(r);
    db_free(r);
    return n > 0;
}

/* Checks the value of one parameter; the message of what is wrong, or
 * NULL. *db_failed on a database error. */
static const char *param_error(request *req, const char *agency, const char *metric, const char *key,
                               json_t *params, bool *db_failed)
{
    json_t *v = json_object_get(params, key);
    const char *s = json_string_value(v);
    if (strcmp(key, "title") == 0 && strcmp(metric, "staff_title_share") == 0)
        return one_of(s, staff_titles) ? NULL : "title phải là danh hiệu cá nhân: LDTT, CSTDCS, CSTD_TINH, CSTD_TOAN_QUOC";
    if (strcmp(key, "title") == 0)
        return one_of(s, unit_titles) ? NULL : "title phải là danh hiệu tập thể: TTLDTT, TTLDXS";
    if (strcmp(key, "base") == 0) {
        int title = rank_of(json_string_value(json_object_get(params, "title")), staff_titles);
        int base = rank_of(s, staff_titles);
        if ((s && strcmp(s, "active_staff") == 0) || (base >= 0 && (title < 0 || base < title)))
            return NULL;
        return "base phải là active_staff hoặc một danh hiệu cá nhân thấp hơn title";
    }
    if (strcmp(key, "subject") == 0) {
        if (s && strcmp(s, "agency") == 0)
            return NULL;
        int found = s ? unit_exists(req, agency, s) : 0;
        *db_failed = found < 0;
        return found > 0 ? NULL : "subject phải là \"agency\" hoặc mã một đơn vị của cơ quan";
    }
    if (strcmp(key, "kinds") == 0) {
        size_t i, n = json_array_size(v);
        json_t *k;
        unsigned seen = 0;
        json_array_foreach(v, i, k) {
            int r = rank_of(json_string_value(k), rated_kinds);
            if (r < 0 || (seen & (1u << r)))
                n = 0;
            else
                seen |= 1u << r;
        }
        return n ? NULL : "kinds phải là mảng không rỗng, không lặp, gồm party, union, division, affiliated";
    }
    if (strcmp(key, "index") == 0)
        return one_of(s, index_kinds) ? NULL : "index phải là par_index hoặc dti";
    return one_of(s, cert_kinds) ? NULL : "kind phải là security_order hoặc good_learning_unit";
}

/* A number threshold is a decimal read as written in the body and stored
 * as its canonical text: jsonb keeps a numeric exactly, so 98.6 is
 * stored, compared and echoed as 98.6 (jansson's double would store
 * 98.599999999999994, met by 493 of 500). A percent has at most 6 places,
 * more than any plan writes and enough for one person in 10^8; a longer
 * decimal (20 digits, say) is refused naming the limit, never rounded. */
static const decimal_limits percent_limits = {.places = 6, .min = {0, 0}, .max = {100, 0}};
static const decimal_limits count_limits = {.places = 0, .min = {0, 0}, .max = {1000000, 0}};
static const field_def percent_threshold = {"threshold", FT_DECIMAL, F_REQUIRED, 0, 0, NULL, NULL, &percent_limits};
static const field_def count_threshold = {"threshold", FT_DECIMAL, F_REQUIRED, 0, 0, NULL, NULL, &count_limits};

/* What is wrong with threshold t (NULL when absent) for a metric taking
 * kind, or NULL with *number the canonical text of a number threshold. */
static const char *threshold_error(request *req, threshold_kind kind, json_t *t, const char **number)
{
    const char *const texts[] = {req->body, NULL};
    field_val val;
    const char *msg;
    switch (kind) {
    case TH_PERCENT:
    case TH_COUNT:
        if (!json_is_number(t))
            return kind == TH_PERCENT ? "phải là số phần trăm từ 0 đến 100, tối đa 6 chữ số thập phân"
                                      : "phải là số nguyên từ 0 đến 1000000";
        msg = fields_from_json_value(req->mem, kind == TH_PERCENT ? &percent_threshold : &count_threshold, t, texts,
                                     &val);
        *number = val.s;
        return msg;
    case TH_LEVEL:
        return one_of(json_string_value(t), rating_levels) ? NULL : "phải là mức xếp loại: KHTNV, HTNV, HTTNV, HTXSNV";
    case TH_NULL:
        return !t || json_is_null(t) ? NULL : "phải là null: ngưỡng là thứ hạng năm trước, lấy từ dữ liệu";
    case TH_BOOL:
        return json_is_boolean(t) ? NULL : "phải là true hoặc false";
    }
    return "không hợp lệ";
}

/* Checks that metric, params, comparator and threshold fit together; on
 * success *params and *threshold are the JSON texts to store (threshold
 * NULL for SQL null). 0, or -1 with res filled (422, or a database error). */
static int check_target(request *req, response *res, const char *agency, const field_val *v, const char **params,
                        const char **threshold)
{
    const struct metric_rule *rule = metric_rules;
    while (strcmp(rule->metric, v[T_METRIC].s) != 0)
        rule++;
    json_t *errors = json_array();
    json_t *pj = v[T_PARAMS].null ? NULL : v[T_PARAMS].j;
    bool db_failed = false;
    if (pj && !json_is_object(pj)) {
        fields_error(errors, "params", "phải là một đối tượng JSON", 0);
    } else {
        const char *key;
        json_t *val;
        json_object_foreach(pj, key, val) {
            if (!one_of(key, param_keys[rule->params]))
                fields_error(errors, "params", arena_printf(req->mem, "tham số %s không dùng với metric %s", key,
                                                            rule->metric), 0);
        }
        for (const char *const *k = param_keys[rule->params]; *k; k++) {
            const char *msg = json_object_get(pj, *k) ? param_error(req, agency, rule->metric, *k, pj, &db_failed)
                                                      : arena_printf(req->mem, "thiếu tham số %s của metric %s", *k,
                                                                     rule->metric);
            if (msg)
                fields_error(errors, "params", msg, 0);
        }
    }
    if (!one_of(v[T_COMPARATOR].s, comparators_for[rule->threshold]))
        fields_error(errors, "comparator", arena_printf(req->mem, "với metric %s chỉ dùng được: %s", rule->metric,
                                                        comparators_text[rule->threshold]), 0);
    const char *number = NULL;
    const char *tmsg = threshold_error(req, rule->threshold, v[T_THRESHOLD].null ? NULL : v[T_THRESHOLD].j, &number);
    if (tmsg)
        fields_error(errors, "threshold", tmsg, 0);
    if (db_failed) {
        json_decref(errors);
        api_db_error(req, res);
        return -1;
    }
    if (json_array_size(errors)) {
        http_problem_errors(res, 422, "Chỉ tiêu không hợp lệ: metric, params, comparator và threshold không khớp nhau.",
                            errors);
        return -1;
    }
    json_decref(errors);
    char *text = pj ? json_dumps(pj, JSON_COMPACT) : NULL;
    *params = arena_strdup(req->mem, text ? text : "{}");
    free(text);
    *threshold = number;
    if (!number && rule->threshold != TH_NULL) {
        text = json_dumps(v[T_THRESHOLD].j, JSON_COMPACT | JSON_ENCODE_ANY);
        *threshold = arena_strdup(req->mem, text ? text : "null");
        free(text);
    }
    return 0;
}

static void list(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_list(req, res, &STMT_LIST, 1, p, "Không có phong trào này.");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có chỉ tiêu này.");
}

static void create(request *req, response *res)
{
    field_val v[T_COUNT];
    if (api_body(req, res, target_fields, v, false) != 0 || api_begin(req, res) != 0)
        return;
    const char *campaign = api_itoa(req, req->path_ids[0]);
    const char *cp[] = {campaign};
    db_result *c = db_run(req->db, &STMT_CAMPAIGN, 1, cp);
    if (!c) {
        api_db_error(req, res);
        return;
    }
    const char *agency = db_rows(c) ? arena_strdup(req->mem, db_value(c, 0, 0)) : NULL;
    db_free(c);
    const char *params, *threshold;
    if (!agency)
        http_problem(res, 404, "Không có phong trào này.");
    if (!agency || check_target(req, res, agency, v, &params, &threshold) != 0) {
        db_rollback(req->db);
        return;
    }
    const char *p[] = {campaign, v[T_CODE].s, v[T_NAME].s, v[T_METRIC].s, params, v[T_COMPARATOR].s, threshold};
    api_write_commit(req, res, &STMT_INSERT, 7, p, "/api/v1/targets/%lld");
}

static const db_stmt STMT_SCOPE = SCOPE_VIA_CAMPAIGN("targets_scope", "targets");
static const route_scope targets_scope = {&STMT_SCOPE, "Không có chỉ tiêu này.", false, NULL, SCOPE_NULL_AGENCY, NULL, NULL};

const route targets_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/targets", list, ACCESS_READ, BODY_NONE,
     "Các chỉ tiêu của phong trào, theo thứ tự đã định", NULL, ROUTE_REPLICA_OK, api_page_query, &scope_in_campaign},
    {"POST", "/api/v1/campaigns/{id}/targets", create, ACCESS_OFFICE, BODY_JSON,
     "Thêm chỉ tiêu (xếp cuối danh sách); metric, params, comparator, threshold phải khớp nhau", target_fields, 0, NULL, &scope_in_campaign},
    {"GET", "/api/v1/targets/{id}", get, ACCESS_READ, BODY_NONE, "Một chỉ tiêu", NULL, ROUTE_REPLICA_OK, NULL, &targets_scope},
    {0},
};
