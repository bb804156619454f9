/* api/campaign_scope.h — what the resources under a campaign share: the
 * campaign itself (its agency and dates), "is this date inside the
 * campaign", and subjects (a staff member or a unit of the campaign's
 * agency) looked up by id or by code, many at once.
 * Strings live in the request's arena; error arrays are jansson arrays the
 * caller owns until it hands them to scope_errors. */
#ifndef THIDUA_API_CAMPAIGN_SCOPE_H
#define THIDUA_API_CAMPAIGN_SCOPE_H
#include <stdbool.h>
#include <stddef.h>

#include "api/common.h"

typedef struct campaign_ref {
    long long id, agency_id;
    const char *starts_on, *ends_on, *closes_on; /* YYYY-MM-DD */
} campaign_ref;

/* Route scopes (router.h) of what lives in a campaign: the campaign of the
 * path as a container, and the same with the unit a body names (tasks,
 * exemplars); scope_campaign_object: the campaign itself. */
extern const route_scope scope_in_campaign;
extern const route_scope scope_in_campaign_unit;
extern const route_scope scope_campaign_object;
/* A scope statement (router.h, route_scope.object) for a row of table
 * that belongs to a campaign: its campaign's agency, no unit. */
#define SCOPE_VIA_CAMPAIGN(name, table) \
    {name, "SELECT c.agency_id, NULL::bigint FROM " table " x JOIN campaigns c ON c.id = x.campaign_id WHERE x.id = $1"}

/* Loads campaign id into c. 0, or -1 with res filled (404 when there is no
 * such campaign, 503/500 on a database error). */
int scope_campaign(request *req, response *res, long long id, campaign_ref *c);

/* Appends {field, message(, row when row > 0)} to errors unless
 * from <= date <= to (ISO dates). Returns 1 when it appended, else 0. */
int scope_date_within(request *req, json_t *errors, const char *field, long row, const char *date, const char *from,
                      const char *to);

/* One subject to look up: type "staff" or "unit", key its id (as text) or
 * its code. The lookup fills id (0: not in the campaign's agency) and
 * served: on the staff (a unit: not dissolved) at some time from the
 * campaign's starts_on to its ends_on. */
typedef struct subject_ref {
    const char *type;
    const char *key;
    long long id;
    bool served;
    bool by_code; /* set by the lookup: key is a code (for messages) */
} subject_ref;

/* Looks up n subjects in c's agency, by id or by code, in one query.
 * 0, or -1 with res filled (503/500). */
int scope_subjects(request *req, response *res, const campaign_ref *c, bool by_code, subject_ref *subjects, size_t n);

/* Appends the error of a subject that is unknown or (when must_serve) not
 * on the staff during the campaign. Returns 1 when it appended, else 0. */
int scope_subject_error(request *req, json_t *errors, const char *field, long row, const subject_ref *s,
                        bool must_serve);

/* Individual titles are for staff, collective ones for units: appends the
 * error naming the title when it does not fit. Returns 1 when it appended. */
int scope_title_error(request *req, json_t *errors, const char *field, long row, const char *subject_type,
                      const char *title);

/* Answers 422 listing errors (stolen) when there is any and returns -1;
 * else releases errors and returns 0. detail NULL: the generic one. */
int scope_errors(response *res, json_t *errors, const char *detail);

/* Runs st (an INSERT ... RETURNING id, json) in its own transaction and
 * answers 201 with the json and Location (fmt takes the new id); res
 * filled from the error otherwise. */
void scope_insert_201(request *req, response *res, const db_stmt *st, int n, const char *const *p, const char *fmt);

/* A JSON array as compact text in the arena (for a query parameter);
 * releases arr. */
const char *scope_json_text(request *req, json_t *arr);

#endif
