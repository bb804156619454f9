/* api/award_history.c — who got which award (awards.md "Resources",
 * "Fairness"): every award of a campaign with its counts split by award
 * and by leader_level, and a person's or a unit's history over every
 * campaign and year of the agency.
 *
 * An award came one of two ways: "direct", a title row entered as a
 * decision (titles without nomination_id), or "nomination", a nomination
 * decided by the agency (state decided; a title the decision wrote is
 * that nomination, listed once) or granted by the higher level (level
 * "higher", the outcome's decision). A proposal still waiting upward, or
 * refused, is no award. A title entered directly is of level "agency",
 * but CSTD_TINH and CSTD_TOAN_QUOC, which only a higher level grants, are
 * "higher".
 *
 * A campaign's list is ordered by subject (people first), then award
 * (LDTT, CSTDCS, CSTD_TINH, CSTD_TOAN_QUOC, BK_TINH, GIAY_KHEN, TTLDTT,
 * TTLDXS), then name the Vietnamese way (given name, then the full name,
 * COLLATE vi), as staff lists are. A history is newest year first. */
#include "api/campaign_scope.h"
#include "api/resources.h"

/* The awards of campaign $1 (columns: award, subject_type, subject_id,
 * staff_id, unit_id of a unit subject, decision_no, decided_on, way,
 * nomination_id, level), with campaign_id. */
#define AWARDS_OF(where_t, where_n)                                                                                    \
    "SELECT t.campaign_id, t.title AS award, t.subject_type, t.staff_id, t.unit_id AS unit_subject, t.decision_no,"   \
    "  t.decided_on, 'direct' AS way, NULL::bigint AS nomination_id,"                                                 \
    "  CASE WHEN t.title IN ('CSTD_TINH', 'CSTD_TOAN_QUOC') THEN 'higher' ELSE 'agency' END AS level"                 \
    " FROM titles t WHERE t.nomination_id IS NULL AND " where_t " UNION ALL"                                            \
    " SELECT n.campaign_id, n.award, n.subject_type, n.staff_id, n.unit_id, d.decision_no, d.decided_on, 'nomination',"\
    "  n.id, 'agency' FROM nominations n JOIN award_decisions d ON d.id = n.decision_id"                               \
    " WHERE n.state = 'decided' AND " where_n " UNION ALL"                                                              \
    " SELECT n.campaign_id, n.award, n.subject_type, n.staff_id, n.unit_id, o.decision_no, o.decided_on, 'nomination',"\
    "  n.id, 'higher' FROM nominations n JOIN award_outcomes o ON o.nomination_id = n.id"                              \
    " WHERE o.granted AND " where_n

#define AWARD_ORDER "array_position(ARRAY['LDTT', 'CSTDCS', 'CSTD_TINH', 'CSTD_TOAN_QUOC', 'BK_TINH', 'GIAY_KHEN'," \
    " 'TTLDTT', 'TTLDXS'], f.award)"

static const db_stmt STMT_CAMPAIGN = {
    "award_history_campaign",
    "WITH i AS (" AWARDS_OF("t.campaign_id = $1", "n.campaign_id = $1") "),"
    " f AS (SELECT i.*, coalesce(i.staff_id, i.unit_subject) AS subject_id, coalesce(s.full_name, su.name) AS subject_name,"
    "   coalesce(s.unit_id, i.unit_subject) AS unit_id, uu.name AS unit_name, s.leader_level, s.given_name, s.full_name"
    "   FROM i LEFT JOIN staff s ON s.id = i.staff_id LEFT JOIN units su ON su.id = i.unit_subject"
    "   LEFT JOIN units uu ON uu.id = coalesce(s.unit_id, i.unit_subject))"
    " SELECT json_build_object('items', coalesce((SELECT json_agg(json_build_object('award', f.award,"
    "   'subject_type', f.subject_type, 'subject_id', f.subject_id, 'subject_name', f.subject_name,"
    "   'unit_id', f.unit_id, 'unit_name', f.unit_name, 'leader_level', f.leader_level, 'decision_no', f.decision_no,"
    "   'decided_on', f.decided_on, 'way', f.way, 'nomination_id', f.nomination_id, 'level', f.level)"
    "   ORDER BY f.subject_type, " AWARD_ORDER " NULLS LAST, f.award, f.given_name COLLATE vi, f.full_name COLLATE vi,"
    "   f.subject_name COLLATE vi, f.subject_id, f.decided_on) FROM f), '[]'::json),"
    " 'counts', json_build_object('total', (SELECT count(*) FROM f),"
    "   'by_award', coalesce((SELECT json_object_agg(x.award, x.n ORDER BY x.award) FROM"
    "     (SELECT award, count(*) AS n FROM f GROUP BY award) x), '{}'::json),"
    "   'by_leader_level', json_build_object('none', (SELECT count(*) FROM f WHERE leader_level = 'none'),"
    "     'unit', (SELECT count(*) FROM f WHERE leader_level = 'unit'),"
    "     'agency', (SELECT count(*) FROM f WHERE leader_level = 'agency'))))"
    " FROM campaigns WHERE campaigns.id = $1"};

/* A subject's history: awards of every campaign of its agency. */
#define HISTORY(name, subject_table, where_t, where_n)                                                          \
    {name, "WITH i AS (" AWARDS_OF(where_t, where_n) ")"                                                        \
           " SELECT json_build_object('items', coalesce((SELECT json_agg(json_build_object('year', c.year,"      \
           "   'campaign_id', c.id, 'campaign_name', c.name, 'award', i.award, 'decision_no', i.decision_no,"   \
           "   'decided_on', i.decided_on, 'way', i.way, 'level', i.level)"                                      \
           "   ORDER BY c.year DESC, i.decided_on DESC, c.id DESC, i.award)"                                     \
           "   FROM i JOIN campaigns c ON c.id = i.campaign_id WHERE c.agency_id = x.agency_id), '[]'::json))"   \
           " FROM " subject_table " x WHERE x.id = $1"}

static const db_stmt STMT_STAFF = HISTORY("award_history_staff", "staff", "t.staff_id = $1", "n.staff_id = $1");
static const db_stmt STMT_UNIT = HISTORY("award_history_unit", "units", "t.unit_id = $1", "n.unit_id = $1");

static const db_stmt STMT_STAFF_SCOPE = {"award_history_staff_scope",
                                         "SELECT agency_id, unit_id FROM staff WHERE id = $1"};
static const db_stmt STMT_UNIT_SCOPE = {
    "award_history_unit_scope",
    "SELECT agency_id, CASE WHEN kind <> 'agency' THEN id END, kind = 'agency' FROM units WHERE id = $1"};

static void of_campaign(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_CAMPAIGN, 1, p, 200, "Không có phong trào này.");
}

static void of_staff(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_STAFF, 1, p, 200, "Không có cán bộ này.");
}

static void of_unit(request *req, response *res)
{
    const char *p[] = {api_itoa(req, req->path_ids[0])};
    api_json_row(req, res, &STMT_UNIT, 1, p, 200, "Không có đơn vị này.");
}

static const route_scope staff_scope = {&STMT_STAFF_SCOPE, "Không có cán bộ này.", false, NULL, SCOPE_NULL_AGENCY,
                                        NULL, NULL};
static const route_scope unit_scope = {&STMT_UNIT_SCOPE, "Không có đơn vị này.", false, NULL, SCOPE_NULL_AGENCY, NULL,
                                       NULL};

const route award_history_routes[] = {
    {"GET", "/api/v1/campaigns/{id}/awards", of_campaign, ACCESS_READ, BODY_NONE,
     "Mọi khen thưởng của phong trào (trực tiếp hoặc qua đề nghị), kèm số lượng theo khen thưởng và theo cấp lãnh đạo",
     NULL, ROUTE_REPLICA_OK, NULL, &scope_in_campaign},
    {"GET", "/api/v1/staff/{id}/awards", of_staff, ACCESS_READ, BODY_NONE,
     "Quá trình khen thưởng của một cán bộ qua mọi phong trào của cơ quan, năm gần nhất trước", NULL, ROUTE_REPLICA_OK, NULL,
     &staff_scope},
    {"GET", "/api/v1/units/{id}/awards", of_unit, ACCESS_READ, BODY_NONE,
     "Quá trình khen thưởng của một tập thể qua mọi phong trào của cơ quan, năm gần nhất trước", NULL, ROUTE_REPLICA_OK, NULL,
     &unit_scope},
    {0},
};
