/* eligibility.h — is a subject eligible for an award of a campaign as of
 * a day, and why (awards.md "Criteria"). The facts come from SQL (one
 * query), the rules from the campaign's copy (campaign_award_rules), the
 * verdict of each criterion from the pure functions of awards.h.
 *
 * This is the ONE place where an award's criteria are evaluated: GET
 * /nominations/{id}/eligibility and the eligibility shown with each
 * nomination call it, and so must the agenda check (as of a session's
 * held_on) and the decision check (as of decided_on) when they come.
 * There is no second copy of the rules. */
#ifndef THIDUA_ELIGIBILITY_H
#define THIDUA_ELIGIBILITY_H
#include <jansson.h>

#include "arena.h"
#include "db.h"

typedef enum {
    ELIG_OK = 0,
    ELIG_DB,          /* a database error: db_last_error says which */
    ELIG_NO_CAMPAIGN, /* no such campaign */
    ELIG_NO_RULES,    /* the campaign has no copy of a rule set (no rule set in force) */
    ELIG_NO_AWARD,    /* the award is not in the campaign's copy */
    ELIG_BAD_RULES    /* the copy's criteria do not read as awards_check says (never from the API) */
} elig_rc;

/* Evaluates award for the subject (subject_type "staff" or "unit") in
 * campaign_id as of as_of (YYYY-MM-DD; NULL: today in Asia/Ho_Chi_Minh).
 * On ELIG_OK, *out is a new reference
 *   {"eligible": bool, "as_of", "award",
 *    "criteria": [{"code","params","met","evidence"} |
 *                 {"code":"any_of"|"all_of","met","any_of"|"all_of":[items]}]}
 * with the facts each criterion used in its evidence; else *out is NULL.
 * Runs its queries on d (in the caller's transaction when one is open);
 * a is used for scratch text. */
elig_rc eligibility_evaluate(db *d, arena *a, long long campaign_id, const char *subject_type, long long subject_id,
                             const char *award, const char *as_of, json_t **out);

/* The failed top-level items of an answer of eligibility_evaluate, as
 * {field: "criteria[i]", message} entries appended to errors (the 422 of
 * the agenda and decision checks). */
void eligibility_failures(arena *a, const json_t *answer, json_t *errors);

#endif
