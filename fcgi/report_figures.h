/* report_figures.h — the figures of a report (reports.md "A report"),
 * generated from the data as of a date, as one JSON object:
 *
 *   campaign, agency     what the document's heading prints (the agency's
 *                        parent_body and place: migration 0016);
 *   scorecard            every target with threshold, value, numerator,
 *                        denominator and status (scorecard.h), and the
 *                        summary of statuses;
 *   units                the per-unit table (scorecard_units);
 *   tasks, study         tasks due, completed (on time) and overdue;
 *                        topics, sessions held and attendances;
 *   titles, ratings      titles decided by as_of, by title; each subject's
 *                        latest rating by as_of, by level;
 *   awards               every award granted (view award_grants): the
 *                        campaign's decided by as_of, or for
 *                        award_statistics the agency's decided in the
 *                        period; with counts by award and by leader_level
 *                        and the items themselves (so every count can be
 *                        traced in the frozen content);
 *   nominations          proposed by as_of, by state and by award;
 *   exemplars            exemplary models published to the portal (sent)
 *                        by as_of, with the list;
 *   statistics           award_statistics only: rows by subject and kind of
 *                        achievement, columns by award, totals.
 *
 * Numbers are integers; a value with a fraction (a percentage) is a decimal
 * string ("98.73"), so the content is canonical JSON without floats
 * (jcs.h).
 *
 * Memory: strings in the arena; JSON values are new references. */
#ifndef THIDUA_REPORT_FIGURES_H
#define THIDUA_REPORT_FIGURES_H
#include <jansson.h>
#include <stddef.h>

#include "arena.h"
#include "db.h"

typedef struct report_period {
    const char *as_of, *period_from, *period_to; /* YYYY-MM-DD */
} report_period;

/* The kind's dates for a campaign of year whose dates are starts_on and
 * closes_on, with as_of given (NULL: the kind's default): mid_year June 30
 * of the year, year_end closes_on; their period from starts_on to as_of.
 * award_statistics: as_of November 30, the period 01/12 of the year before
 * to as_of. 0, or -1 when as_of falls before the period's start (into
 * out nothing) or kind is unknown. */
int report_period_of(arena *a, const char *kind, int year, const char *starts_on, const char *closes_on,
                     const char *as_of, report_period *out);

typedef enum { RF_OK = 0, RF_NOT_FOUND, RF_DB_ERROR, RF_BAD } rf_rc;

/* Generates the figures of campaign_id for kind over p into *out. Runs in
 * the caller's transaction when one is open (the scorecard's snapshot). */
rf_rc report_figures_generate(db *d, arena *a, long long campaign_id, const char *kind, const report_period *p,
                              json_t **out);

/* What changed from before to after: an array of {path, before, after}
 * (a leaf that differs, or an item of a list that came or went; items of
 * the lists are matched by their code, ref or id, so "scorecard.targets
 * [T1].value"). before NULL: an empty array. */
json_t *report_figures_changes(const json_t *before, const json_t *after);

/* The awards a cell of the statistics counts: row a row's key
 * ("worker.thuong_xuyen", "collective.dot_xuat"...) or a subject alone
 * ("worker") or "total"; col an award code or "total". A new array, or
 * NULL when the figures have no such row or column. */
json_t *report_figures_explain(const json_t *figures, const char *row, const char *col);

/* "Lao động tiên tiến" for "LDTT"; the code itself when unknown. */
const char *report_award_label(const char *code);
/* The row labels of the statistics ("Người lao động trực tiếp"...). */
const char *report_subject_label(const char *subject);
const char *report_achievement_label(const char *achievement);

#endif
