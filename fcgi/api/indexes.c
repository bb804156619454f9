/* api/indexes.c — the province's published ranks of an agency: chỉ số cải
 * cách hành chính (PAR index) and chuyển đổi số (DTI), one row per agency,
 * kind and year. A POST for one that exists is a correction and replaces
 * it (200); otherwise it is created (201). Recorded by the office, the
 * director or an admin. */
#include "api/campaign_scope.h"
#include "api/resources.h"

static const char *const index_kinds[] = {"par_index", "dti", NULL};

/* The column is numeric(8, 2): a third place would be rounded away, so it
 * is refused instead. */
static const decimal_limits score_limits = {.places = 2, .min = {0, 0}, .max = {99999999, 2} /* 999999.99 */};

static const field_def index_fields[] = {
    {"agency_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Cơ quan (đơn vị gốc, kind agency)"},
    {"kind", FT_ENUM, F_REQUIRED, 0, 0, index_kinds, "par_index (cải cách hành chính) hoặc dti (chuyển đổi số)"},
    {"year", FT_INT, F_REQUIRED, 2000, 2100, NULL, "Năm của chỉ số"},
    {"score", FT_DECIMAL, F_NULLABLE, 0, 0, NULL, "Điểm (0 đến 999999,99; tối đa 2 chữ số thập phân)", &score_limits},
    {"rank", FT_INT, F_REQUIRED, 1, 1000000, NULL, "Thứ hạng (1 là cao nhất), không quá rank_total"},
    {"rank_total", FT_INT, F_NULLABLE, 1, 1000000, NULL, "Tổng số đơn vị được xếp hạng"},
    {"published_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày công bố"},
    {0},
};
enum { I_AGENCY, I_KIND, I_YEAR, I_SCORE, I_RANK, I_TOTAL, I_PUBLISHED, I_COUNT };

#define INDEX_JSON(x) \
    "json_build_object('id', " x ".id, 'agency_id', " x ".agency_id, 'kind', " x ".kind, 'year', " x ".year," \
    " 'score', " x ".score, 'rank', " x ".rank, 'rank_total', " x ".rank_total, 'published_on', " x ".published_on)"

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"agency_id", FT_ID, 0, 0, 0, NULL, "Chỉ xếp hạng của cơ quan này"},
    {"kind", FT_ENUM, 0, 0, 0, index_kinds, "par_index hoặc dti"},
    {"year", FT_INT, 0, 2000, 2100, NULL, "Chỉ xếp hạng của năm này"},
    {0},
};
enum { Q_AGENCY = API_Q_FIRST, Q_KIND, Q_YEAR };

static const db_stmt STMT_LIST = {
    "indexes_list",
    API_LIST_SQL("SELECT * FROM index_ranks WHERE ($3::bigint IS NULL OR agency_id = $3)"
                 " AND ($4::text IS NULL OR kind = $4) AND ($5::int IS NULL OR year = $5)"
                 " AND ($6::bigint IS NULL OR agency_id = $6)",
                 INDEX_JSON("p"), "agency_id, kind, year DESC")};
static const db_stmt STMT_GET = {"indexes_get", "SELECT " INDEX_JSON("x") " FROM index_ranks x WHERE x.id = $1"};
static const db_stmt STMT_AGENCY = {"indexes_agency", "SELECT 1 FROM units WHERE id = $1 AND kind = 'agency'"};
/* xmax is 0 on a row this statement inserted, not on one it updated. */
static const db_stmt STMT_UPSERT = {
    "indexes_upsert",
    "INSERT INTO index_ranks (agency_id, kind, year, score, rank, rank_total, published_on)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT ON CONSTRAINT index_ranks_key DO UPDATE"
    " SET score = EXCLUDED.score, rank = EXCLUDED.rank, rank_total = EXCLUDED.rank_total,"
    " published_on = EXCLUDED.published_on"
    " RETURNING id, xmax = 0, " INDEX_JSON("index_ranks")};

/* The rules the field table cannot say. 0, or -1 with res filled. */
static int check(request *req, response *res, const field_val *v)
{
    const char *p[] = {v[I_AGENCY].s};
    db_result *r = db_run(req->db, &STMT_AGENCY, 1, p);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    json_t *errors = json_array();
    if (db_rows(r) == 0)
        fields_error(errors, "agency_id", "Không có cơ quan (đơn vị gốc) này", 0);
    db_free(r);
    if (!v[I_TOTAL].null && v[I_RANK].i > v[I_TOTAL].i)
        fields_error(errors, "rank", "Thứ hạng không được lớn hơn tổng số (rank_total)", 0);
    return scope_errors(res, errors, NULL);
}

static void list(request *req, response *res)
{
    const char *p[] = {api_query(req, Q_AGENCY), api_query(req, Q_KIND), api_query(req, Q_YEAR), auth_agency_param(req)};
    api_list(req, res, &STMT_LIST, 4, p, "");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có chỉ số này.");
}

static void put(request *req, response *res)
{
    field_val v[I_COUNT];
    if (api_body(req, res, index_fields, v, false) != 0 || check(req, res, v) != 0 || api_begin(req, res) != 0)
        return;
    const char *p[] = {v[I_AGENCY].s, v[I_KIND].s, v[I_YEAR].s, v[I_SCORE].s, v[I_RANK].s, v[I_TOTAL].s, v[I_PUBLISHED].s};
    db_result *r = db_run(req->db, &STMT_UPSERT, 7, p);
    if (!r) {
        api_db_error(req, res);
        return;
    }
    long long id = db_int(r, 0, 0);
    bool created = strcmp(db_value(r, 0, 1), "t") == 0;
    char *json = arena_strdup(req->mem, db_value(r, 0, 2));
    db_free(r);
    if (api_commit(req, res) != 0)
        return;
    api_location(req, res, "/api/v1/indexes/%lld", id);
    http_json_text(res, created ? 201 : 200, json);
}

static const db_stmt STMT_SCOPE = {"indexes_scope", "SELECT agency_id, NULL::bigint FROM index_ranks WHERE id = $1"};
static const route_scope list_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, NULL, "agency_id"};
static const route_scope put_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, "agency_id", NULL};
static const route_scope rank_scope = {&STMT_SCOPE, "Không có xếp hạng này.", false, NULL, SCOPE_NULL_AGENCY, NULL, NULL};

const route indexes_routes[] = {
    {"GET", "/api/v1/indexes", list, ACCESS_READ, BODY_NONE,
     "Xếp hạng chỉ số PAR index, DTI", NULL, ROUTE_REPLICA_OK, list_query, &list_scope},
    {"POST", "/api/v1/indexes", put, ACCESS_DECIDE, BODY_JSON,
     "Ghi xếp hạng chỉ số của một năm (đã có thì thay thế: 200; chưa có: 201)", index_fields, 0, NULL, &put_scope},
    {"GET", "/api/v1/indexes/{id}", get, ACCESS_READ, BODY_NONE, "Một xếp hạng chỉ số", NULL, ROUTE_REPLICA_OK, NULL, &rank_scope},
    {0},
};
