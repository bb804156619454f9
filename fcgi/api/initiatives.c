/* api/initiatives.c — initiatives (sáng kiến) recognised at a level
 * (cơ sở, tỉnh, toàn quốc), each of one agency, with their authors: staff
 * of that agency (initiative_authors). The award criteria `initiative`,
 * `initiative_level` and `initiatives_in_span` count them. Office and
 * admin write; both tables are audited per row. */
#include "api/campaign_scope.h"
#include "api/resources.h"

static const char *const initiative_levels[] = {"co_so", "tinh", "toan_quoc", NULL};

/* The most authors one initiative lists. */
enum { MAX_AUTHORS = 100 };

static const field_def initiative_fields[] = {
    {"agency_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Cơ quan (đơn vị gốc, kind agency)"},
    {"title", FT_STRING, F_REQUIRED, 1, 500, NULL, "Tên sáng kiến"},
    {"author_ids", FT_JSON, F_REQUIRED, 0, 0, NULL,
     "Mảng id các tác giả (1 đến 100 cán bộ của cơ quan, không trùng)"},
    {"level", FT_ENUM, F_REQUIRED, 0, 0, initiative_levels,
     "Cấp công nhận: co_so (cơ sở), tinh (cấp tỉnh), toan_quoc (toàn quốc)"},
    {"recognized_on", FT_DATE, F_REQUIRED, 0, 0, NULL, "Ngày công nhận"},
    {"decision_no", FT_STRING, F_NULLABLE, 0, 100, NULL, "Số quyết định công nhận"},
    {0},
};
enum { I_AGENCY, I_TITLE, I_AUTHORS, I_LEVEL, I_RECOGNIZED, I_DECISION, I_COUNT };

#define AUTHORS_OF(i) \
    "coalesce((SELECT json_agg(a.staff_id ORDER BY a.staff_id) FROM initiative_authors a" \
    " WHERE a.initiative_id = " i ".id), '[]'::json)"
#define INITIATIVE_JSON(i, authors) \
    "json_build_object('id', " i ".id, 'agency_id', " i ".agency_id, 'title', " i ".title, 'author_ids', " authors "," \
    " 'level', " i ".level, 'recognized_on', " i ".recognized_on, 'decision_no', " i ".decision_no)"

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"agency_id", FT_ID, 0, 0, 0, NULL, "Chỉ sáng kiến của cơ quan này"},
    {"level", FT_ENUM, 0, 0, 0, initiative_levels, "Chỉ sáng kiến được công nhận ở cấp này"},
    {"author_id", FT_ID, 0, 0, 0, NULL, "Chỉ sáng kiến có cán bộ này là tác giả"},
    {"from", FT_DATE, 0, 0, 0, NULL, "Chỉ sáng kiến công nhận từ ngày này"},
    {"to", FT_DATE, 0, 0, 0, NULL, "Chỉ sáng kiến công nhận đến ngày này"},
    {0},
};
enum { Q_AGENCY = API_Q_FIRST, Q_LEVEL, Q_AUTHOR, Q_FROM, Q_TO };

/* $3 agency, $4 level, $5 author, $6 from, $7 to, $8 the user's agency
 * (auth_agency_param). */
static const db_stmt STMT_LIST = {
    "initiatives_list",
    API_LIST_SQL("SELECT * FROM initiatives i WHERE ($3::bigint IS NULL OR agency_id = $3)"
                 " AND ($4::text IS NULL OR level = $4)"
                 " AND ($5::bigint IS NULL OR EXISTS (SELECT 1 FROM initiative_authors a"
                 "      WHERE a.initiative_id = i.id AND a.staff_id = $5))"
                 " AND ($6::date IS NULL OR recognized_on >= $6) AND ($7::date IS NULL OR recognized_on <= $7)"
                 " AND ($8::bigint IS NULL OR agency_id = $8)",
                 INITIATIVE_JSON("p", AUTHORS_OF("p")), "recognized_on DESC, id DESC")};
static const db_stmt STMT_GET = {
    "initiatives_get", "SELECT " INITIATIVE_JSON("i", AUTHORS_OF("i")) " FROM initiatives i WHERE i.id = $1"};
static const db_stmt STMT_SCOPE = {"initiatives_scope", "SELECT agency_id, NULL::bigint FROM initiatives WHERE id = $1"};
static const db_stmt STMT_AGENCY = {"initiatives_agency", "SELECT 1 FROM units WHERE id = $1 AND kind = 'agency'"};
/* $1 the author ids as a JSON array, $2 the agency: the ids that are not
 * staff of it, in the order given. */
static const db_stmt STMT_STRANGERS = {
    "initiatives_strangers",
    "SELECT x.k FROM json_array_elements_text($1::json) WITH ORDINALITY AS x(k, ord)"
    " WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.id = x.k::bigint AND s.agency_id = $2) ORDER BY x.ord"};
/* The initiative and its authors ($6, a JSON array of ids) in one statement. */
static const db_stmt STMT_INSERT = {
    "initiatives_insert",
    "WITH i AS (INSERT INTO initiatives (agency_id, title, level, recognized_on, decision_no)"
    "   VALUES ($1, $2, $3, $4, $5) RETURNING *),"
    " a AS (INSERT INTO initiative_authors (initiative_id, staff_id)"
    "   SELECT i.id, x::bigint FROM i, json_array_elements_text($6::json) x RETURNING staff_id)"
    " SELECT i.id, " INITIATIVE_JSON("i", "(SELECT json_agg(a.staff_id ORDER BY a.staff_id) FROM a)") " FROM i"};

/* The author ids of body value authors (a JSON array of positive ids, no
 * duplicate, 1..MAX_AUTHORS) as a JSON array text in the arena; NULL with
 * a message in *why otherwise. */
static const char *author_list(request *req, json_t *authors, const char **why)
{
    size_t n = json_array_size(authors);
    if (!json_is_array(authors) || n == 0 || n > MAX_AUTHORS) {
        *why = arena_printf(req->mem, "Phải là mảng từ 1 đến %d id cán bộ.", (int)MAX_AUTHORS);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(authors, i);
        if (!json_is_integer(a) || json_integer_value(a) <= 0) {
            *why = arena_printf(req->mem, "Phần tử thứ %zu không phải id cán bộ (số nguyên dương).", i + 1);
            return NULL;
        }
        for (size_t j = 0; j < i; j++) {
            if (json_integer_value(json_array_get(authors, j)) == json_integer_value(a)) {
                *why = arena_printf(req->mem, "Cán bộ id %lld được nêu hai lần.", (long long)json_integer_value(a));
                return NULL;
            }
        }
    }
    return scope_json_text(req, json_incref(authors));
}

/* The rules the field table cannot say: agency_id an agency, the authors
 * its staff (the message names every bad id). *authors: the ids as JSON
 * text. 0, or -1 with res filled (422; 503/500). */
static int check(request *req, response *res, const field_val *v, const char **authors)
{
    const char *why = NULL;
    *authors = author_list(req, v[I_AUTHORS].j, &why);
    const char *p[] = {v[I_AGENCY].s};
    db_result *r = db_run(req->db, &STMT_AGENCY, 1, p);
    if (!r) {
        api_db_error(req, res);
        return -1;
    }
    bool agency = db_rows(r) > 0;
    db_free(r);
    json_t *errors = json_array();
    if (!agency)
        fields_error(errors, "agency_id", "Không có cơ quan (đơn vị gốc) này.", 0);
    if (why)
        fields_error(errors, "author_ids", why, 0);
    if (agency && *authors) {
        const char *q[] = {*authors, v[I_AGENCY].s};
        r = db_run(req->db, &STMT_STRANGERS, 2, q);
        if (!r) {
            json_decref(errors);
            api_db_error(req, res);
            return -1;
        }
        if (db_rows(r) > 0) {
            const char *ids = db_value(r, 0, 0);
            for (int i = 1; i < db_rows(r); i++)
                ids = arena_printf(req->mem, "%s, %s", ids, db_value(r, i, 0));
            fields_error(errors, "author_ids",
                         arena_printf(req->mem, "Không phải cán bộ của cơ quan: id %s.", ids), 0);
        }
        db_free(r);
    }
    return scope_errors(res, errors, NULL);
}

static void list(request *req, response *res)
{
    const char *p[] = {api_query(req, Q_AGENCY), api_query(req, Q_LEVEL), api_query(req, Q_AUTHOR),
                       api_query(req, Q_FROM), api_query(req, Q_TO), auth_agency_param(req)};
    api_list(req, res, &STMT_LIST, 6, p, "");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, "Không có sáng kiến này.");
}

static void create(request *req, response *res)
{
    field_val v[I_COUNT];
    const char *authors;
    if (api_body(req, res, initiative_fields, v, false) != 0 || check(req, res, v, &authors) != 0)
        return;
    const char *p[] = {v[I_AGENCY].s, v[I_TITLE].s, v[I_LEVEL].s, v[I_RECOGNIZED].s, v[I_DECISION].s, authors};
    scope_insert_201(req, res, &STMT_INSERT, 6, p, "/api/v1/initiatives/%lld");
}

static const route_scope list_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, NULL, "agency_id"};
static const route_scope create_scope = {NULL, NULL, false, NULL, SCOPE_NULL_AGENCY, "agency_id", NULL};
static const route_scope initiative_scope = {&STMT_SCOPE, "Không có sáng kiến này.", false, NULL, SCOPE_NULL_AGENCY,
                                             NULL, NULL};

const route initiatives_routes[] = {
    {"GET", "/api/v1/initiatives", list, ACCESS_READ, BODY_NONE, "Danh sách sáng kiến được công nhận", NULL, ROUTE_REPLICA_OK,
     list_query, &list_scope},
    {"POST", "/api/v1/initiatives", create, ACCESS_OFFICE, BODY_JSON, "Ghi sáng kiến được công nhận và các tác giả",
     initiative_fields, 0, NULL, &create_scope},
    {"GET", "/api/v1/initiatives/{id}", get, ACCESS_READ, BODY_NONE, "Một sáng kiến", NULL, ROUTE_REPLICA_OK, NULL, &initiative_scope},
    {0},
};
