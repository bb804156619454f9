/* api/council_candidates.c — who may sit on a campaign's council: the
 * active users of the campaign's agency whose role is council or director
 * (awards.md, council-sessions "members"). The office picks a session's
 * members from this list; the session's own check (api/council.c) says the
 * same in its 422. Names sorted the Vietnamese way, as staff are: by the
 * given name (the last word), then the full name, COLLATE vi; a user
 * without a full name sorts by username. */
#include "api/campaign_scope.h"
#include "api/resources.h"

static const char *const council_roles[] = {"council", "director", NULL};

static const field_def list_query[] = {
    API_QUERY_PAGE,
    {"role", FT_ENUM, 0, 0, 0, council_roles, "Chỉ thành viên Hội đồng (council) hoặc lãnh đạo (director)"},
    {0},
};
enum { Q_ROLE = API_Q_FIRST };

#define CANDIDATE_JSON(u) \
    "json_build_object('id', " u ".id, 'username', " u ".username, 'full_name', " u ".full_name, 'role', " u ".role)"

static const db_stmt STMT_LIST = {
    "council_candidates_list",
    API_LIST_OF_CAMPAIGN("SELECT u.id, u.username, u.full_name, u.role, coalesce(u.full_name, u.username) AS sort_name,"
                         " regexp_replace(btrim(coalesce(u.full_name, u.username)), '^.*\\s', '') AS given_name"
                         " FROM users u JOIN campaigns c ON c.id = $3"
                         " WHERE u.active AND u.agency_id = c.agency_id AND u.role IN ('council', 'director')"
                         " AND ($4::text IS NULL OR u.role = $4)",
                         CANDIDATE_JSON("p"), "given_name COLLATE vi, sort_name COLLATE vi, username, id")};

static void list(request *req, response *res)
{
    const char *filters[] = {api_itoa(req, req->path_ids[0]), api_query(req, Q_ROLE)};
    api_list(req, res, &STMT_LIST, 2, filters, "Không có phong trào này.");
}

const route council_candidates_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/council-candidates", list, ACCESS_OFFICE, BODY_NONE,
     "Người có thể là thành viên phiên họp Hội đồng của phong trào (vai trò council hoặc director, đang hoạt động)",
     NULL, ROUTE_REPLICA_OK, list_query, &scope_in_campaign},
    {0},
};
