/* routes.c — the route table: every resource's group, in one list. */
#include "api/resources.h"

const route *const route_groups[] = {
    meta_routes,
    sessions_routes,
    units_routes,
    staff_routes,
    staff_import_routes,
    campaigns_routes,
    targets_routes,
    study_routes,
    attendance_routes,
    tasks_routes,
    ratings_routes,
    titles_routes,
    indexes_routes,
    certifications_routes,
    exemplars_routes,
    publications_routes,
    scorecard_routes,
    holidays_routes,
    holds_routes,
    initiatives_routes,
    rule_sets_routes, award_rules_routes,
    nominations_routes,
    award_decisions_routes, award_dossier_routes, nomination_comments_routes, award_history_routes,
    NULL,
};
