#include "api/common.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "text.h"

/* api_body, with decimals read as written in the body and then in stored
 * (the stored row's JSON text under a PATCH, else NULL). */
static int validate(request *req, response *res, const field_def *defs, field_val *vals, bool patch,
                    const char *stored)
{
    const char *texts[3] = {NULL, NULL, NULL};
    int n = 0;
    if (req->body)
        texts[n++] = req->body;
    if (stored)
        texts[n++] = stored;
    json_t *errors = json_array();
    if (fields_from_json(req->mem, defs, req->json, texts, vals, errors, patch) > 0) {
        http_problem_errors(res, 422, "Dữ liệu gửi lên có trường không hợp lệ.", errors);
        return -1;
    }
    json_decref(errors);
    return 0;
}

int api_body(request *req, response *res, const field_def *defs, field_val *vals, bool patch)
{
    /* The pipeline has validated the body against the route's own fields
     * (a PATCH's in patch mode): the same answer, not worked out again. */
    bool route_mode = patch == (strcmp(req->method, "PATCH") == 0);
    if (req->body_vals && req->route && defs == req->route->fields && route_mode) {
        memcpy(vals, req->body_vals, (size_t)fields_count(defs) * sizeof *vals);
        return 0;
    }
    return validate(req, res, defs, vals, patch, NULL);
}

const field_def api_page_query[] = {API_QUERY_PAGE, {0}};

const char *api_query(const request *req, int i)
{
    return req->query_vals && !req->query_vals[i].null ? req->query_vals[i].s : NULL;
}

void api_list(request *req, response *res, const db_stmt *st, int n, const char *const *filters,
              const char *not_found)
{
    enum { MAX_FILTERS = 8 };
    const char *p[2 + MAX_FILTERS];
    const char *limit = api_query(req, API_Q_LIMIT), *offset = api_query(req, API_Q_OFFSET);
    p[0] = limit ? limit : "50";
    p[1] = offset ? offset : "0";
    for (int i = 0; i < n && i < MAX_FILTERS; i++)
        p[2 + i] = filters[i];
    api_json_row(req, res, st, 2 + (n < MAX_FILTERS ? n : MAX_FILTERS), p, 200, not_found);
}

/* What a constraint is about, in the words of the API. */
typedef struct constraint_info {
    const char *name;
    const char *field;
    const char *message;
} constraint_info;

static const constraint_info constraints[] = {
    {"units_agency_code_key", "code", "Mã đơn vị đã tồn tại trong cơ quan này."},
    {"units_root_kind", "parent_id", "Cơ quan (agency) không có đơn vị cha; mọi đơn vị khác phải có."},
    {"units_same_agency", "parent_id", "Không được chuyển đơn vị sang cơ quan khác."},
    {"units_no_cycle", "parent_id", "Không được đặt đơn vị dưới chính nó."},
    {"units_parent_id_fkey", "parent_id", "Đơn vị cha không tồn tại."},
    {"staff_agency_code_key", "code", "Mã cán bộ đã tồn tại trong cơ quan này."},
    {"staff_left_after_joined", "left_on", "Ngày nghỉ không được trước ngày vào làm."},
    {"staff_same_agency", "unit_id", "Không được chuyển cán bộ sang cơ quan khác."},
    {"staff_unit_id_fkey", "unit_id", "Đơn vị không tồn tại."},
    {"staff_unit_agency_fkey", "unit_id", "Đơn vị không thuộc cơ quan của cán bộ."},
    {"staff_code_check", "code", "Mã cán bộ chỉ gồm chữ cái không dấu, chữ số, '_', '-', '.' (tối đa 40 ký tự)."},
    {"staff_full_name_check", "full_name", "Họ và tên không được để trống và không quá 200 ký tự."},
    {"staff_category_check", "category", "Loại cán bộ phải là cong_chuc, vien_chuc hoặc nguoi_lao_dong."},
    {"campaigns_agency_code_key", "code", "Mã phong trào đã tồn tại trong cơ quan này."},
    {"campaigns_agency_id_fkey", "agency_id", "Cơ quan không tồn tại."},
    {"campaigns_year_check", "year", "Năm phải từ 2000 đến 2100."},
    {"campaigns_code_check", "code", "Mã phong trào chỉ gồm chữ cái không dấu, chữ số, '_', '-', '.'."},
    {"campaigns_name_check", "name", "Tên phong trào không được để trống và không quá 300 ký tự."},
    {"campaigns_ends_after_start", "ends_on", "Ngày kết thúc không được trước ngày bắt đầu."},
    {"campaigns_closes_after_end", "closes_on", "Ngày khóa sổ không được trước ngày kết thúc."},
    {"targets_campaign_code_key", "code", "Mã chỉ tiêu đã tồn tại trong phong trào."},
    {"targets_campaign_position_key", "position", "Chỉ tiêu khác vừa được thêm cùng lúc; vui lòng gửi lại."},
    {"targets_campaign_id_fkey", "campaign_id", "Phong trào không tồn tại."},
    {"targets_metric_check", "metric", "Metric không được hỗ trợ."},
    {"targets_comparator_check", "comparator", "Phép so sánh phải là gt, ge, lt, le hoặc eq."},
    {"study_topics_campaign_code_key", "code", "Mã chuyên đề đã tồn tại trong phong trào."},
    {"titles_staff_key", "title", "Cán bộ này đã có danh hiệu này trong phong trào."},
    {"titles_unit_key", "title", "Tập thể này đã có danh hiệu này trong phong trào."},
    {"titles_kind_fits", "title", "Danh hiệu không phù hợp với loại đối tượng."},
    {"index_ranks_rank_in_total", "rank", "Thứ hạng không được lớn hơn tổng số."},
    {"study_sessions_topic_id_fkey", "topic_id", "Chuyên đề không tồn tại."},
    {"attendance_staff_id_fkey", "staff_codes", "Cán bộ không tồn tại."},
    {"attendance_session_id_fkey", "session_id", "Buổi học không tồn tại."},
    {"tasks_unit_id_fkey", "unit_id", "Đơn vị không tồn tại."},
    {"ratings_staff_id_fkey", "subject_id", "Cán bộ không tồn tại."},
    {"ratings_unit_id_fkey", "subject_id", "Đơn vị không tồn tại."},
    {"ratings_one_subject", "subject_id", "Đối tượng phải là đúng một cán bộ hoặc một đơn vị."},
    {"ratings_level_check", "level", "Mức xếp loại không hợp lệ."},
    {"titles_staff_id_fkey", "subject_id", "Cán bộ không tồn tại."},
    {"titles_unit_id_fkey", "subject_id", "Đơn vị không tồn tại."},
    {"titles_one_subject", "subject_id", "Đối tượng phải là đúng một cán bộ hoặc một đơn vị."},
    {"titles_title_check", "title", "Danh hiệu không hợp lệ."},
    {"index_ranks_agency_id_fkey", "agency_id", "Cơ quan không tồn tại."},
    {"index_ranks_rank_check", "rank", "Thứ hạng phải từ 1 trở lên."},
    {"index_ranks_year_check", "year", "Năm phải từ 2000 đến 2100."},
    {"index_ranks_key", "year", "Cơ quan đã có xếp hạng chỉ số này trong năm."},
    {"certifications_kind_check", "kind", "Loại công nhận không hợp lệ."},
    {"exemplars_period", "period_to", "Ngày kết thúc không được trước ngày bắt đầu."},
    {"exemplars_person_has_staff", "staff_id", "Cá nhân phải gắn với một cán bộ; tập thể thì không."},
    {"publications_one_withdrawal", "publication_id", "Tin này đã được thu hồi."},
    {"users_username_key", "username", "Tên đăng nhập đã tồn tại."},
    {"users_unit_head_unit", "unit_id", "Trưởng đơn vị phải gắn với một đơn vị."},
};

void api_db_error(request *req, response *res)
{
    const db_error *e = db_last_error(req->db);
    db_rollback(req->db);
    switch (e->status) {
    case DB_DOWN:
        http_unavailable(res);
        return;
    case DB_SERIALIZATION:
        http_problem(res, 409, "Dữ liệu vừa bị thay đổi đồng thời; vui lòng gửi lại.");
        return;
    case DB_CONFLICT:
    case DB_INVALID: {
        int status = e->status == DB_CONFLICT ? 409 : 422;
        /* A row still referenced cannot be deleted: a conflict, not bad input. */
        if (strcmp(e->sqlstate, "23503") == 0 && strcmp(req->method, "DELETE") == 0) {
            http_problem(res, 409, "Không xóa được: dữ liệu khác còn tham chiếu đến mục này.");
            return;
        }
        for (size_t i = 0; i < sizeof constraints / sizeof constraints[0]; i++) {
            if (strcmp(constraints[i].name, e->constraint) == 0) {
                http_field_error(res, status, constraints[i].field, constraints[i].message);
                return;
            }
        }
        const char *field = e->column[0] ? e->column : e->constraint[0] ? e->constraint : "body";
        log_info("unmapped constraint %s (%s): %s", e->constraint, e->sqlstate, e->message);
        http_field_error(res, status, arena_strdup(req->mem, field),
                         status == 409 ? "Giá trị trùng với dữ liệu đã có." : "Giá trị không hợp lệ.");
        return;
    }
    default:
        http_problem(res, 500, "Lỗi máy chủ khi truy cập dữ liệu.");
        return;
    }
}

db_result *api_run(request *req, response *res, const db_stmt *st, int n, const char *const *p)
{
    db_result *r = db_run(req->db, st, n, p);
    if (!r)
        api_db_error(req, res);
    return r;
}

db_result *api_run_unique(request *req, response *res, const db_stmt *st, int n, const char *const *p,
                          const char *constraint, const char *field, const char *detail)
{
    db_result *r = db_run(req->db, st, n, p);
    if (r)
        return r;
    const db_error *e = db_last_error(req->db);
    if (e->status == DB_CONFLICT && strncmp(e->constraint, constraint, strlen(constraint)) == 0) {
        db_rollback(req->db);
        if (field)
            http_field_error(res, 409, field, detail);
        else
            http_problem(res, 409, detail);
        return NULL;
    }
    api_db_error(req, res);
    return NULL;
}

void api_answer_row(request *req, response *res, const db_stmt *st, const char *id, int status,
                    const char *not_found)
{
    const char *p[] = {id};
    db_result *r = api_run(req, res, st, 1, p);
    if (!r)
        return;
    if (db_rows(r) == 0 || !db_value(r, 0, 0)) {
        db_free(r);
        db_rollback(req->db);
        http_problem(res, 404, not_found);
        return;
    }
    const char *json = arena_strdup(req->mem, db_value(r, 0, 0));
    db_free(r);
    if (db_in_transaction(req->db) && api_commit(req, res) != 0)
        return;
    http_json_text(res, status, json);
}

int api_json_row(request *req, response *res, const db_stmt *st, int n, const char *const *p, int status,
                 const char *not_found)
{
    db_result *r = db_run(req->db, st, n, p);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    int rc = -1;
    if (db_rows(r) == 0 || !db_value(r, 0, 0))
        http_problem(res, 404, not_found);
    else {
        http_json_text(res, status, db_value(r, 0, 0));
        rc = 0;
    }
    db_free(r);
    return rc;
}

int api_begin(request *req, response *res)
{
    if (db_begin(req->db, req->user ? req->user->id : 0) != 0) {
        api_db_error(req, res);
        return -1;
    }
    return 0;
}

int api_commit(request *req, response *res)
{
    if (db_commit(req->db) != 0) {
        api_db_error(req, res);
        return -1;
    }
    return 0;
}

void api_location(request *req, response *res, const char *fmt, long long id)
{
    http_set_header(res, "Location", arena_printf(req->mem, fmt, id));
}

bool api_streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

const char *api_itoa(request *req, long long v)
{
    return arena_printf(req->mem, "%lld", v);
}

/* The writable fields (defs) of a stored row's JSON text: a new object,
 * or NULL when the text is not a JSON object. */
static json_t *writable_fields(const field_def *defs, const char *json)
{
    json_t *row = json_loads(json, 0, NULL);
    if (!json_is_object(row)) {
        json_decref(row);
        return NULL;
    }
    json_t *clean = json_object();
    for (const field_def *d = defs; d->name; d++) {
        json_t *v = json_object_get(row, d->name);
        if (v)
            json_object_set(clean, d->name, v);
    }
    json_decref(row);
    return clean;
}

int api_body_of(request *req, response *res, const field_def *defs, const char *json, field_val *vals)
{
    json_t *row = writable_fields(defs, json);
    json_t *errors = json_array();
    const char *texts[] = {json, NULL};
    int bad = !row || fields_from_json(req->mem, defs, row, texts, vals, errors, false) > 0;
    json_decref(errors);
    json_decref(row);
    if (bad)
        http_problem(res, 500, "Lỗi máy chủ: dữ liệu đã lưu không hợp lệ.");
    return bad ? -1 : 0;
}

int api_patch_merge(request *req, response *res, const field_def *defs, const char *current, field_val *vals)
{
    if (api_body(req, res, defs, vals, true) != 0)
        return -1;
    /* The writable fields of the stored row, with the patch over them. */
    json_t *clean = writable_fields(defs, current);
    if (!clean) {
        http_problem(res, 500, "Lỗi máy chủ.");
        return -1;
    }
    json_object_update(clean, req->json);
    /* The merged object replaces the body: handlers and errors see one view. */
    json_decref(req->json);
    req->json = clean;
    return validate(req, res, defs, vals, false, current);
}

int api_write_commit(request *req, response *res, const db_stmt *st, int n, const char *const *p,
                     const char *location_fmt)
{
    db_result *r = db_run(req->db, st, n, p);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    long long id = location_fmt ? db_int(r, 0, 0) : 0;
    char *json = arena_strdup(req->mem, db_value(r, 0, location_fmt ? 1 : 0));
    db_free(r);
    if (api_commit(req, res) != 0)
        return -1;
    if (location_fmt)
        api_location(req, res, location_fmt, id);
    http_json_text(res, location_fmt ? 201 : 200, json);
    return 0;
}

int api_created(request *req, response *res, const db_stmt *st, long long id, const char *location_fmt)
{
    const char *p[] = {api_itoa(req, id)};
    db_result *r = api_run(req, res, st, 1, p);
    if (!r)
        return -1;
    const char *json = arena_strdup(req->mem, db_value(r, 0, 0));
    db_free(r);
    if (api_commit(req, res) != 0)
        return -1;
    api_location(req, res, location_fmt, id);
    http_json_arena(res, 201, json);
    return 0;
}

int api_delete_commit(request *req, response *res, const db_stmt *st, const char *id, const char *not_found)
{
    const char *p[] = {id};
    db_result *r = db_run(req->db, st, 1, p);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    long long n = db_affected(r);
    db_free(r);
    if (n == 0) {
        db_rollback(req->db);
        http_problem(res, 404, not_found);
        return -1;
    }
    if (api_commit(req, res) != 0)
        return -1;
    http_empty(res, 204);
    return 0;
}

bool api_json_repeated(const json_t *array, size_t i)
{
    const json_t *x = json_array_get(array, i);
    for (size_t k = 0; k < i; k++)
        if (json_equal(json_array_get(array, k), x))
            return true;
    return false;
}

db_result *api_lock_row(request *req, response *res, const db_stmt *st, const char *id, const char *not_found)
{
    const char *p[] = {id};
    db_result *r = db_run(req->db, st, 1, p);
    if (!r) {
        api_db_error(req, res);
        return NULL;
    }
    if (db_rows(r) == 0) {
        db_free(r);
        db_rollback(req->db);
        http_problem(res, 404, not_found);
        return NULL;
    }
    return r;
}
