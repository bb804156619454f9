/* report_make.h — what makes and approves a report, shared by the API
 * (api/reports.c) and `thidua report run` (report_run.h), so that a
 * scheduled draft and its unattended approval are exactly those of a
 * person.
 *
 * Every function runs in the caller's open transaction and never ends it:
 * on RM_DB the caller reads db_last_error (and rolls back), on any other
 * failure it rolls back and answers. Strings live in the arena. */
#ifndef THIDUA_REPORT_MAKE_H
#define THIDUA_REPORT_MAKE_H
#include <jansson.h>
#include <stddef.h>

#include "arena.h"
#include "db.h"
#include "report_figures.h"

#define REPORT_UTC(x) "to_char(" x " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define REPORT_SECTIONS(r)                                                                                           \
    "(jsonb_build_object('strengths', NULL, 'shortcomings', NULL, 'lessons', NULL, 'next_steps', NULL,"      \
    " 'proposals', NULL) || " r ".sections)"
/* The report object as GET answers it, without state, sha256 and changes. */
#define REPORT_OBJ(r)                                                                                                \
    "jsonb_build_object('id', " r ".id, 'campaign_id', " r ".campaign_id, 'kind', " r ".kind, 'number', " r ".number," \
    " 'as_of', " r ".as_of, 'period_from', " r ".period_from, 'period_to', " r ".period_to, 'sections', " REPORT_SECTIONS(r) "," \
    " 'figures', " r ".figures, 'replaces_id', " r ".replaces_id, 'approved_at', " REPORT_UTC(r ".approved_at") ","            \
    " 'approved_by', (SELECT coalesce(u.full_name, u.username) FROM users u WHERE u.id = " r ".approved_by),"       \
    " 'generated_at', " REPORT_UTC(r ".generated_at") ")"

/* A report of a schedule (r a reports row): {"due_on", "late"}, late
 * while it is a draft after due_on (the day in Vietnam); NULL for a
 * report no schedule made. Outside the frozen content, like state. */
#define REPORT_TODAY "(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
#define REPORT_DEADLINE(r)                                                                                   \
    "(SELECT jsonb_build_object('due_on', s.due_on, 'late', " r ".state = 'draft' AND s.due_on < " REPORT_TODAY ")" \
    " FROM report_schedules s WHERE s.id = " r ".schedule_id)"

typedef enum {
    RM_OK = 0,
    RM_DB,        /* a database error: db_last_error */
    RM_NOT_FOUND, /* no such campaign */
    RM_ERROR,     /* figures or JSON could not be made */
    RM_CANON,     /* the content could not be made canonical */
    RM_DOC,       /* the report lacks what its document needs */
    RM_RENDER     /* the PDF or the workbook could not be rendered (logged) */
} rm_rc;

/* Vietnamese detail of a failure other than RM_DB / RM_NOT_FOUND. */
const char *report_make_message(rm_rc rc);

/* The figures of campaign for kind over p as compact JSON text. */
rm_rc report_make_figures(db *d, arena *a, long long campaign, const char *kind, const report_period *p,
                          const char **text);

/* Generates a draft of campaign (figures as of p) and inserts it:
 * replaces (an approved report's id as text) or NULL, user the author (0:
 * none, a schedule's run), schedule the schedule it comes from (0: none).
 * Its id into *id. */
rm_rc report_make_draft(db *d, arena *a, long long campaign, const char *kind, const report_period *p,
                        const char *replaces, long long user, long long schedule, long long *id);

/* Renders report rep (its JSON object) as format "pdf" or "xlsx" into
 * malloc'd *out. */
rm_rc report_make_render(arena *a, const json_t *rep, const char *format, unsigned char **out, size_t *len);

/* Approves draft id (locked by the caller, known to be a draft) with
 * number by user (0: nobody, an automatic approval): freezes the content
 * with its SHA-256, stores the PDF and the workbook and queues one
 * delivery per active destination of the agency that takes the kind; for
 * a report of a schedule that names destinations, per active one of
 * those that takes the kind. */
rm_rc report_make_approve(db *d, arena *a, long long id, const char *number, long long user);

#endif
