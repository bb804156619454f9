/* api/resources.h — the route groups of every resource file (each ends
 * with an empty entry); routes.c lists them in the route table. */
#ifndef THIDUA_API_RESOURCES_H
#define THIDUA_API_RESOURCES_H
#include <string.h>

#include "api/common.h"

extern const route meta_routes[];
extern const route sessions_routes[];
extern const route units_routes[];
extern const route staff_routes[];
extern const route staff_import_routes[];
extern const route campaigns_routes[];
extern const route targets_routes[];
extern const route study_routes[];
extern const route attendance_routes[];
extern const route tasks_routes[];
extern const route ratings_routes[];
extern const route titles_routes[];
extern const route indexes_routes[];
extern const route certifications_routes[];
extern const route exemplars_routes[];
extern const route publications_routes[];
extern const route scorecard_routes[];
extern const route holidays_routes[];
extern const route holds_routes[];
extern const route initiatives_routes[];
extern const route rule_sets_routes[], award_rules_routes[];
extern const route nominations_routes[];
extern const route council_routes[], council_vote_routes[];
extern const route council_candidates_routes[];
extern const route registrations_routes[];
extern const route award_decisions_routes[], award_dossier_routes[], nomination_comments_routes[], award_history_routes[];
extern const route blocs_routes[];
extern const route reports_routes[];
extern const route report_destinations_routes[], report_deliveries_routes[], report_schedules_routes[];

#endif
