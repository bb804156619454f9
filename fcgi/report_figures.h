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
 *   awards               the awards granted (view award_grants): the
 *                        campaign's decided by as_of, or for
 *                        award_statistics the agency's decided in the
 *                        period; as counts, so that the content grows with
 *                        units and awards, not people: total, by_award,
 *                        by_leader_level, by_award_subject (a row per award:
 *                        collective, leader_agency, leader_unit, worker,
 *                        total), by_unit (a row per unit with an award:
 *                        unit_id, name, counts by award, total); and named,
 *                        the awards granted at the higher level (provincial
 *                        and above: award_grants.level 'higher'), with the
 *                        names, which are few. The refs of every award
 *                        counted are kept beside the content (reports.
 *                        award_refs, migration 0019) for ?explain=;
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
#include <stdbool.h>
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

/* The subject key (collective, leader_agency, leader_unit, worker) of a
 * row g of award_grants and its staff row s, in SQL. */
#define REPORT_SUBJECT_SQL(g, s)                                                                                     \
    "CASE WHEN " g ".subject_type = 'unit' THEN 'collective' WHEN " s ".leader_level = 'agency' THEN 'leader_agency'" \
    " WHEN " s ".leader_level = 'unit' THEN 'leader_unit' ELSE 'worker' END"

/* Generates the figures of campaign_id for kind over p into *out, and into
 * *refs (may be NULL; arena text) the refs of the awards they count as a
 * PostgreSQL array literal ("{n12,t3}"). Runs in the caller's transaction
 * when one is open (the scorecard's snapshot). */
rf_rc report_figures_generate(db *d, arena *a, long long campaign_id, const char *kind, const report_period *p,
                              json_t **out, const char **refs);

/* What changed from before to after: an array of {path, before, after}
 * (a leaf that differs, or an item of a list that came or went; items of
 * the lists are matched by their code, ref or id, so "scorecard.targets
 * [T1].value"). before NULL: an empty array. */
json_t *report_figures_changes(const json_t *before, const json_t *after);

/* Whether the statistics have the cell row, col: row a row's key
 * ("worker.thuong_xuyen", "collective.dot_xuat"...) or a subject alone
 * ("worker") or "total"; col an award code or "total". False for figures
 * without statistics. The awards a cell counts are listed from the
 * report's award_refs (api/reports.c). */
bool report_figures_explain_valid(const json_t *figures, const char *row, const char *col);
/* The count of a valid cell row, col in the statistics. */
long long report_figures_cell(const json_t *figures, const char *row, const char *col);

/* "Lao động tiên tiến" for "LDTT"; the code itself when unknown. */
const char *report_award_label(const char *code);
/* The row labels of the statistics ("Người lao động trực tiếp"...). */
const char *report_subject_label(const char *subject);
const char *report_achievement_label(const char *achievement);

#endif
