/* api/blocs.c — blocs (Khối thi đua): several agencies of one installation
 * grouped, one of them the lead (trưởng khối), and the bloc's view: the
 * member agencies' campaigns of a year side by side, target by target
 * (issue 12, item 7).
 *
 * Who (all on the route table, none here):
 * - a bloc is shared by its member agencies (route_scope.shared): each
 *   one's users list it and read it, any other agency's users get 404;
 *   creating and changing one is the installation admin's (403 for an
 *   admin of an agency);
 * - the bloc's scorecard is read by the users of the lead agency (any
 *   role, as each reads its own agency's scorecard) and the installation
 *   admin: its scope object is the lead agency, so a member that is not
 *   the lead, and anyone else, gets 404.
 *
 * The lead is always a member: a body whose member_agency_ids leaves it
 * out has it added. Every id must be an agency root, else 422 naming it.
 *
 * The scorecard is the scorecard module's (scorecard_targets), one per
 * member campaign, all in one REPEATABLE READ snapshot; this file only
 * lays the answers side by side, in SQL over the `json` type so that a
 * threshold is echoed as stored (98.6, 0.000001), never through a
 * double. Targets are matched by code; a cell says "absent" where the
 * campaign has no target of that code and "no_campaign" where the agency
 * has no campaign that year. The answers are not cached (a bloc's view is
 * read rarely; each campaign's own scorecard keeps its cache). */
#include "api/resources.h"

#include "api/campaign_scope.h"
#include "scorecard.h"

enum { MAX_MEMBERS = 200 };
static const char not_found[] = "Không có khối thi đua này.";

static const field_def bloc_fields[] = {
    {"code", FT_CODE, F_REQUIRED, 1, 40, NULL, "Mã khối, duy nhất trong hệ thống"},
    {"name", FT_STRING, F_REQUIRED, 1, 300, NULL, "Tên khối thi đua"},
    {"lead_agency_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Cơ quan trưởng khối (một cơ quan gốc); luôn là thành viên"},
    {"member_agency_ids", FT_JSON, F_REQUIRED, 0, 0, NULL,
     "Id các cơ quan thành viên (cơ quan gốc, không trùng, tối đa 200); thiếu cơ quan trưởng khối thì được thêm vào"},
    {0},
};
enum { B_CODE, B_NAME, B_LEAD, B_MEMBERS, B_COUNT };
/* PATCH: the code stays. */
static const field_def bloc_patch_fields[] = {
    {"name", FT_STRING, F_REQUIRED, 1, 300, NULL, "Tên khối thi đua"},
    {"lead_agency_id", FT_ID, F_REQUIRED, 0, 0, NULL, "Cơ quan trưởng khối (một cơ quan gốc); luôn là thành viên"},
    {"member_agency_ids", FT_JSON, F_REQUIRED, 0, 0, NULL,
     "Id các cơ quan thành viên, thay cả danh sách; thiếu cơ quan trưởng khối thì được thêm vào"},
    {0},
};
enum { P_NAME, P_LEAD, P_MEMBERS, P_COUNT };

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"agency_id", FT_ID, 0, 0, 0, NULL, "Chỉ các khối có cơ quan này là thành viên"},
    {0},
};
enum { Q_AGENCY = API_Q_FIRST };
static const field_def scorecard_query[] = {
    {"year", FT_INT, F_REQUIRED, 2000, 2100, NULL, "Năm của các phong trào được so sánh"},
    {"as_of", FT_DATE, 0, 0, 0, NULL, "Ngày tính (YYYY-MM-DD); mặc định hôm nay (giờ Việt Nam)"},
    {0},
};
enum { Q_YEAR, Q_AS_OF };

/* A bloc row b: its members lead first, then by code. */
#define MEMBER_ORDER(b) "u.id <> " b ".lead_agency_id, u.code, u.id"
#define BLOC_JSON(b)                                                                                              \
    "json_build_object('id', " b ".id, 'code', " b ".code, 'name', " b ".name, 'lead_agency_id', " b              \
    ".lead_agency_id,"                                                                                            \
    " 'member_agency_ids', coalesce((SELECT json_agg(u.id ORDER BY " MEMBER_ORDER(b) ") FROM bloc_members m"     \
    "   JOIN units u ON u.id = m.agency_id WHERE m.bloc_id = " b ".id), '[]'::json),"                              \
    " 'members', coalesce((SELECT json_agg(json_build_object('agency_id', u.id, 'code', u.code, 'name', u.name,"  \
    "   'lead', u.id = " b ".lead_agency_id) ORDER BY " MEMBER_ORDER(b) ") FROM bloc_members m"                  \
    "   JOIN units u ON u.id = m.agency_id WHERE m.bloc_id = " b ".id), '[]'::json))"

/* $3: the user's agency (NULL: the installation admin), $4: ?agency_id=. */
static const db_stmt STMT_LIST = {
    "blocs_list",
    API_LIST_SQL("SELECT b.* FROM blocs b"
                 " WHERE ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM bloc_members m WHERE m.bloc_id = b.id"
                 "                                      AND m.agency_id = $3))"
                 " AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM bloc_members m WHERE m.bloc_id = b.id"
                 "                                    AND m.agency_id = $4))",
                 BLOC_JSON("p"), "code, id")};
static const db_stmt STMT_GET = {"blocs_get", "SELECT " BLOC_JSON("b") " FROM blocs b WHERE b.id = $1"};
static const db_stmt STMT_GET_WITH_ID = {"blocs_get_id", "SELECT b.id, " BLOC_JSON("b") " FROM blocs b WHERE b.id = $1"};
/* The scopes: the agencies that share a bloc (route_scope.shared), and
 * its lead agency (route_scope.object, for the scorecard). */
static const db_stmt STMT_SHARED = {
    "blocs_shared",
    "SELECT lead_agency_id FROM blocs WHERE id = $1 UNION SELECT agency_id FROM bloc_members WHERE bloc_id = $1"};
static const db_stmt STMT_LEAD = {"blocs_lead", "SELECT lead_agency_id, NULL::bigint FROM blocs WHERE id = $1"};
/* Which of the ids ($1, a JSON array) are agency roots, in their order. */
static const db_stmt STMT_AGENCIES = {
    "blocs_agencies",
    "SELECT EXISTS (SELECT 1 FROM units u WHERE u.id = x.id::bigint AND u.kind = 'agency')"
    "  FROM json_array_elements_text($1::json) WITH ORDINALITY x(id, ord) ORDER BY x.ord"};
static const db_stmt STMT_INSERT = {
    "blocs_insert", "INSERT INTO blocs (code, name, lead_agency_id) VALUES ($1, $2, $3) RETURNING id"};
static const db_stmt STMT_LOCK = {
    "blocs_lock",
    "SELECT json_build_object('name', b.name, 'lead_agency_id', b.lead_agency_id,"
    " 'member_agency_ids', (SELECT coalesce(json_agg(m.agency_id ORDER BY m.id), '[]'::json) FROM bloc_members m"
    "   WHERE m.bloc_id = b.id))"
    "  FROM blocs b WHERE b.id = $1 FOR UPDATE OF b"};
static const db_stmt STMT_UPDATE = {"blocs_update", "UPDATE blocs SET name = $2, lead_agency_id = $3 WHERE id = $1"};
/* The members of bloc $1 become exactly the ids of $2 (a JSON array):
 * those no longer listed go, the new ones come, the others stay. */
static const db_stmt STMT_SET_MEMBERS = {
    "blocs_set_members",
    "WITH ids AS (SELECT DISTINCT x::bigint AS id FROM json_array_elements_text($2::json) x),"
    " gone AS (DELETE FROM bloc_members m WHERE m.bloc_id = $1 AND m.agency_id NOT IN (SELECT id FROM ids))"
    " INSERT INTO bloc_members (bloc_id, agency_id) SELECT $1, id FROM ids"
    " ON CONFLICT (bloc_id, agency_id) DO NOTHING"};

/* The columns of the bloc's view: each member agency (lead first, then by
 * code) with each of its campaigns of year $2 (by start, id), or once
 * with no campaign; and the as_of answered ($3, or today). */
static const db_stmt STMT_COLUMNS = {
    "blocs_columns",
    "SELECT m.agency_id, c.id, d.as_of::text"
    "  FROM (SELECT coalesce($3::date, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) AS as_of) d"
    "  CROSS JOIN blocs b JOIN bloc_members m ON m.bloc_id = b.id JOIN units u ON u.id = m.agency_id"
    "  LEFT JOIN campaigns c ON c.agency_id = m.agency_id AND c.year = $2::int"
    " WHERE b.id = $1 ORDER BY " MEMBER_ORDER("b") ", c.starts_on, c.id"};
/* The view from the columns ($4: [{"agency_id","campaign_id","scorecard"}]
 * in their order, each scorecard as scorecard_targets wrote it, or null).
 * Rows are the targets' codes in the order they first appear (column by
 * column, each campaign's defined order); each row has one cell per
 * column. Values are `json` slices of the scorecards, copied as written. */
static const db_stmt STMT_VIEW = {
    "blocs_view",
    "WITH col AS ("
    "   SELECT x.ord, (x.e->>'agency_id')::bigint AS agency_id, (x.e->>'campaign_id')::bigint AS campaign_id,"
    "          x.e->'scorecard' AS sc"
    "     FROM json_array_elements($4::json) WITH ORDINALITY x(e, ord)),"
    " tgt AS ("
    "   SELECT col.ord AS cord, t.ord AS tord, t.t, t.t->>'code' AS code"
    "     FROM col CROSS JOIN LATERAL json_array_elements(col.sc->'targets') WITH ORDINALITY t(t, ord)"
    "    WHERE col.campaign_id IS NOT NULL),"
    " codes AS (SELECT DISTINCT ON (code) code, cord, tord, t->'name' AS name FROM tgt ORDER BY code, cord, tord)"
    " SELECT json_build_object("
    "   'bloc', json_build_object('id', b.id, 'code', b.code, 'name', b.name, 'lead_agency_id', b.lead_agency_id),"
    "   'year', $2::int, 'as_of', $3::text,"
    "   'columns', coalesce((SELECT json_agg(json_build_object('agency_id', col.agency_id, 'agency_code', u.code,"
    "       'agency_name', u.name, 'lead', col.agency_id = b.lead_agency_id,"
    "       'campaign', CASE WHEN c.id IS NOT NULL THEN json_build_object('id', c.id, 'code', c.code, 'name', c.name,"
    "                   'starts_on', c.starts_on, 'ends_on', c.ends_on, 'closes_on', c.closes_on) END,"
    "       'final', col.sc->'final', 'summary', col.sc->'summary') ORDER BY col.ord)"
    "     FROM col JOIN units u ON u.id = col.agency_id LEFT JOIN campaigns c ON c.id = col.campaign_id), '[]'::json),"
    "   'targets', coalesce((SELECT json_agg(json_build_object('code', k.code, 'name', k.name, 'cells',"
    "       (SELECT json_agg(json_build_object('agency_id', col.agency_id, 'campaign_id', col.campaign_id,"
    "          'name', tg.t->'name', 'metric', tg.t->'metric', 'comparator', tg.t->'comparator',"
    "          'threshold', tg.t->'threshold', 'value', tg.t->'value', 'numerator', tg.t->'numerator',"
    "          'denominator', tg.t->'denominator',"
    "          'status', CASE WHEN col.campaign_id IS NULL THEN to_json('no_campaign'::text)"
    "                         WHEN tg.t IS NULL THEN to_json('absent'::text) ELSE tg.t->'status' END)"
    "          ORDER BY col.ord)"
    "          FROM col LEFT JOIN tgt tg ON tg.cord = col.ord AND tg.code = k.code))"
    "     ORDER BY k.cord, k.tord) FROM codes k), '[]'::json))"
    "  FROM blocs b WHERE b.id = $1"};

/* ---------------------------------------------------------------- helpers */

/* Runs st in the open transaction; NULL with res filled (and rolled
 * back): a code already taken is a 409 naming `code`. */
static db_result *run(request *req, response *res, const db_stmt *st, int n, const char *const *p)
{
    db_result *r = db_run(req->db, st, n, p);
    if (r)
        return r;
    const db_error *e = db_last_error(req->db);
    if (e->status == DB_CONFLICT && strcmp(e->constraint, "blocs_code_key") == 0) {
        db_rollback(req->db);
        http_field_error(res, 409, "code", "Mã khối đã có.");
        return NULL;
    }
    api_db_error(req, res);
    return NULL;
}

/* The members of a body: the ids of member_agency_ids (an array of
 * distinct positive integers, at most MAX_MEMBERS) with lead added when
 * it is not among them, each an agency root. What is wrong goes to errors
 * (naming lead_agency_id, member_agency_ids or member_agency_ids[i]).
 * *members: the ids as a JSON array text. 0, or -1 with res filled (a
 * database error). */
static int check_members(request *req, response *res, long long lead, const json_t *arr, json_t *errors,
                         const char **members)
{
    json_t *ids = json_array(), *all = json_array();
    json_array_append_new(all, json_integer((json_int_t)lead));
    bool lead_listed = false;
    if (!json_is_array(arr)) {
        fields_error(errors, "member_agency_ids", "phải là một mảng id cơ quan", 0);
    } else if (json_array_size(arr) > MAX_MEMBERS) {
        fields_error(errors, "member_agency_ids", arena_printf(req->mem, "tối đa %d cơ quan", MAX_MEMBERS), 0);
    } else {
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v) {
            const char *f = arena_printf(req->mem, "member_agency_ids[%zu]", i);
            json_int_t id = json_is_integer(v) ? json_integer_value(v) : 0;
            if (id < 1 || id > 999999999999999999LL) {
                fields_error(errors, f, "phải là id của một cơ quan (số nguyên dương)", 0);
                id = 0;
            }
            for (size_t j = 0; id && j < i; j++) {
                if (json_integer_value(json_array_get(ids, j)) == id) {
                    fields_error(errors, f, arena_printf(req->mem, "id %lld trùng với member_agency_ids[%zu]",
                                                         (long long)id, j), 0);
                    id = 0;
                }
            }
            lead_listed |= id == lead;
            json_array_append_new(ids, json_integer(id)); /* 0 keeps the positions */
            json_array_append_new(all, json_integer(id ? id : 1));
        }
    }
    const char *p[] = {scope_json_text(req, all)};
    db_result *r = run(req, res, &STMT_AGENCIES, 1, p);
    if (!r) {
        json_decref(ids);
        return -1;
    }
    for (int row = 0; row < db_rows(r); row++) {
        if (db_value(r, row, 0)[0] == 't')
            continue;
        if (row == 0) {
            fields_error(errors, "lead_agency_id", "Cơ quan không tồn tại (phải là một cơ quan gốc).", 0);
        } else if (json_integer_value(json_array_get(ids, (size_t)row - 1))) {
            fields_error(errors, arena_printf(req->mem, "member_agency_ids[%d]", row - 1),
                         arena_printf(req->mem, "Cơ quan id %lld không tồn tại (phải là một cơ quan gốc).",
                                      (long long)json_integer_value(json_array_get(ids, (size_t)row - 1))),
                         0);
        }
    }
    db_free(r);
    json_t *out = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        if (json_integer_value(v))
            json_array_append(out, v);
    }
    json_decref(ids);
    if (!lead_listed)
        json_array_append_new(out, json_integer((json_int_t)lead));
    *members = scope_json_text(req, out);
    return 0;
}

/* 422 with errors (taken) when there are any, the transaction rolled
 * back: -1. Else 0. */
static int refuse(request *req, response *res, json_t *errors)
{
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return 0;
    }
    db_rollback(req->db);
    http_problem_errors(res, 422, "Dữ liệu gửi lên có trường không hợp lệ.", errors);
    return -1;
}

/* ---------------------------------------------------------------- routes */

static void list(request *req, response *res)
{
    const char *p[] = {auth_agency_param(req), api_query(req, Q_AGENCY)};
    api_list(req, res, &STMT_LIST, 2, p, "");
}

static void get(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_GET, 1, p, 200, not_found);
}

static void create(request *req, response *res)
{
    field_val v[B_COUNT];
    if (api_body(req, res, bloc_fields, v, false) != 0 || api_begin(req, res) != 0)
        return;
    json_t *errors = json_array();
    const char *members;
    if (check_members(req, res, v[B_LEAD].i, v[B_MEMBERS].j, errors, &members) != 0) {
        json_decref(errors);
        return;
    }
    if (refuse(req, res, errors) != 0)
        return;
    const char *p[] = {v[B_CODE].s, v[B_NAME].s, v[B_LEAD].s};
    db_result *r = run(req, res, &STMT_INSERT, 3, p);
    if (!r)
        return;
    const char *id = api_itoa(req, db_int(r, 0, 0));
    db_free(r);
    const char *q[] = {id, members};
    if (!(r = run(req, res, &STMT_SET_MEMBERS, 2, q)))
        return;
    db_free(r);
    const char *g[] = {id};
    api_write_commit(req, res, &STMT_GET_WITH_ID, 1, g, "/api/v1/blocs/%lld");
}

static void change(request *req, response *res)
{
    const char *id = api_itoa(req, req->path_ids[0]);
    if (api_begin(req, res) != 0)
        return;
    db_result *cur = api_lock_row(req, res, &STMT_LOCK, id, not_found);
    if (!cur)
        return;
    field_val v[P_COUNT];
    int bad = api_patch_merge(req, res, bloc_patch_fields, db_value(cur, 0, 0), v);
    db_free(cur);
    if (bad) {
        db_rollback(req->db);
        return;
    }
    json_t *errors = json_array();
    const char *members;
    if (check_members(req, res, v[P_LEAD].i, v[P_MEMBERS].j, errors, &members) != 0) {
        json_decref(errors);
        return;
    }
    if (refuse(req, res, errors) != 0)
        return;
    const char *p[] = {id, v[P_NAME].s, v[P_LEAD].s};
    db_result *r = run(req, res, &STMT_UPDATE, 3, p);
    if (!r)
        return;
    db_free(r);
    const char *q[] = {id, members};
    if (!(r = run(req, res, &STMT_SET_MEMBERS, 2, q)))
        return;
    db_free(r);
    const char *g[] = {id};
    api_write_commit(req, res, &STMT_GET, 1, g, NULL);
}

/* The bloc's view: every member campaign's scorecard as of one date, in
 * one snapshot, laid side by side. */
static void scorecard(request *req, response *res)
{
    const char *bloc = api_itoa(req, req->path_ids[0]), *year = api_query(req, Q_YEAR);
    db_result *r = db_exec_text(req->db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (!r) {
        api_db_error(req, res);
        return;
    }
    db_free(r);
    const char *p[] = {bloc, year, api_query(req, Q_AS_OF)};
    if (!(r = run(req, res, &STMT_COLUMNS, 3, p)))
        return;
    if (db_rows(r) == 0) {
        db_free(r);
        db_rollback(req->db);
        http_problem(res, 404, not_found);
        return;
    }
    const char *as_of = arena_strdup(req->mem, db_value(r, 0, 2)), *columns = "";
    for (int i = 0; i < db_rows(r); i++) {
        const char *campaign = db_value(r, i, 1), *body = "null";
        if (campaign) {
            sc_answer a;
            sc_rc rc = scorecard_targets(req->db, req->mem, db_int(r, i, 1), as_of, &a);
            if (rc != SC_OK) {
                db_free(r);
                if (rc == SC_DB_ERROR) {
                    api_db_error(req, res);
                } else {
                    db_rollback(req->db);
                    http_problem(res, 500, "Lỗi máy chủ khi tính bảng theo dõi.");
                }
                return;
            }
            body = a.body;
        }
        columns = arena_printf(req->mem, "%s%s{\"agency_id\":%s,\"campaign_id\":%s,\"scorecard\":%s}", columns,
                               i ? "," : "", db_value(r, i, 0), campaign ? campaign : "null", body);
    }
    db_free(r);
    const char *q[] = {bloc, year, as_of, arena_printf(req->mem, "[%s]", columns)};
    if (!(r = run(req, res, &STMT_VIEW, 4, q)))
        return;
    const char *json = db_rows(r) ? arena_strdup(req->mem, db_value(r, 0, 0)) : NULL;
    db_free(r);
    if (!json) {
        db_rollback(req->db);
        http_problem(res, 404, not_found);
        return;
    }
    if (api_commit(req, res) != 0)
        return;
    http_json_arena(res, 200, json);
}

/* A bloc is its member agencies' (each reads it) and the installation
 * admin's (who alone writes it); its view is the lead agency's. */
static const route_scope shared_scope = {.missing = not_found, .shared = &STMT_SHARED};
static const route_scope list_scope = {.query_agency = "agency_id"};
static const route_scope lead_scope = {.object = &STMT_LEAD, .missing = not_found};

const route blocs_routes[] = {
    {"GET", "/api/v1/blocs", list, ACCESS_READ, BODY_NONE,
     "Các khối thi đua (quản trị viên hệ thống: tất cả; người dùng khác: các khối có cơ quan mình)", NULL, ROUTE_REPLICA_OK,
     list_query, &list_scope},
    {"POST", "/api/v1/blocs", create, ACCESS_ADMIN, BODY_JSON,
     "Tạo khối thi đua (quản trị viên hệ thống); cơ quan trưởng khối luôn là thành viên", bloc_fields, 0, NULL,
     &shared_scope},
    {"GET", "/api/v1/blocs/{id}", get, ACCESS_READ, BODY_NONE, "Một khối thi đua (người dùng của cơ quan thành viên)",
     NULL, ROUTE_REPLICA_OK, NULL, &shared_scope},
    {"PATCH", "/api/v1/blocs/{id}", change, ACCESS_ADMIN, BODY_JSON,
     "Sửa tên, cơ quan trưởng khối, thành viên (quản trị viên hệ thống)", bloc_patch_fields, 0, NULL, &shared_scope},
    {"GET", "/api/v1/blocs/{id}/scorecard", scorecard, ACCESS_READ, BODY_NONE,
     "Các phong trào trong năm của các cơ quan thành viên, đặt cạnh nhau theo từng chỉ tiêu (cơ quan trưởng khối, "
     "quản trị viên hệ thống)",
     NULL, ROUTE_REPLICA_OK, scorecard_query, &lead_scope},
    {0},
};
