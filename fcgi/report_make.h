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
    " 'generated_at', " REPORT_UTC(r ".generated_at") ", 'dated', " r ".dated)"

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

/* The figures of campaign for kind over p as compact JSON text, and the
 * refs of the awards they count (a PostgreSQL array literal, for
 * reports.award_refs; refs may be NULL). */
rm_rc report_make_figures(db *d, arena *a, long long campaign, const char *kind, const report_period *p,
                          const char **text, const char **refs);

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
 * number by user (0: nobody, an automatic approval), dated (YYYY-MM-DD,
 * the document's date of issue, checked by the caller: not before as_of,
 * not after today; NULL: today in Vietnam): freezes the content with its
 * SHA-256 and queues one delivery per active destination of the agency
 * that takes the kind; for a report of a schedule that names
 * destinations, per active one of those that takes the kind. Renders
 * nothing: one short transaction whatever the report's size (the files
 * are report_files_ensure's). */
rm_rc report_make_approve_dated(db *d, arena *a, long long id, const char *number, long long user,
                                const char *dated);
/* The same, dated today. */
rm_rc report_make_approve(db *d, arena *a, long long id, const char *number, long long user);

/* The PDF and the workbook of approved report id, rendered from its frozen
 * content and stored in report_files (each with its SHA-256) unless they
 * are already: idempotent, and safe from several processes at once (a
 * transaction-scoped advisory lock per report; the second waits, then
 * finds them stored). The renderings are a function of the frozen content
 * only, so whoever comes first (a GET of the .pdf or .xlsx, the deliverer
 * before sending) stores what any other would have. Runs its OWN
 * transaction on d: call it with none open. The lengths in bytes into
 * *pdf_len and *xlsx_len (may be NULL; -1 on failure). RM_OK; RM_NOT_FOUND
 * when id is no approved report; RM_DB (db_last_error, rolled back);
 * RM_RENDER / RM_DOC / RM_CANON (logged, rolled back). Allocates in its own
 * arena: nothing to free. */
rm_rc report_files_ensure(db *d, long long id, long long *pdf_len, long long *xlsx_len);

#endif
