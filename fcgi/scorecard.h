/* scorecard.h — the metrics of spec/targets.md: a campaign's targets
 * evaluated as of a date, the same per member unit, and one target over
 * time.
 *
 * The facts are counted in SQL, one set-based query per kind of fact,
 * parameterised by the two cut-offs (D' = min(as_of, ends_on) for what
 * happens during the year, min(as_of, closes_on) for decisions) and read
 * from the per-staff summary that sql/migrations/0004 keeps up to date.
 * Comparisons, statuses and rounding are done here, exactly: a ratio is
 * compared as a fraction, never as a rounded percentage, with a threshold
 * that is a decimal as stored, never a double; the answer echoes it as
 * stored (98.6, 0.000001).
 *
 * Each computation runs in one REPEATABLE READ READ ONLY transaction, so
 * the data version it reports (sc_answer.version) is that of the very
 * snapshot it counted from: an answer cached under that version is right
 * for as long as the version is current. Called while the caller has a
 * transaction open, it runs inside that one instead (and leaves it open,
 * also on failure: the caller rolls back).
 *
 * Memory: everything returned (sc_answer strings, date lists) lives in the
 * arena given and goes with it; the caller frees nothing. */
#ifndef THIDUA_SCORECARD_H
#define THIDUA_SCORECARD_H
#include <stdbool.h>

#include "arena.h"
#include "db.h"
#include "decimal.h"

typedef enum {
    SC_OK = 0,
    SC_NOT_FOUND,  /* no such campaign (or target, for a series) */
    SC_DB_ERROR    /* see db_last_error; a transaction of its own is rolled back,
                      the caller's is left open for the caller to roll back */
} sc_rc;

typedef struct sc_answer {
    long long version;   /* campaigns.data_version of the snapshot computed from */
    const char *as_of;   /* the date computed for (a series: its last point) */
    const char *body;    /* JSON text */
} sc_answer;

/* The scorecard: {"campaign","as_of","final","targets":[...],"summary"}.
 * as_of NULL: today in Asia/Ho_Chi_Minh. as_of must be a valid date. */
sc_rc scorecard_targets(db *d, arena *a, long long campaign_id, const char *as_of, sc_answer *out);

/* {"as_of","units":[...]}: one item per member unit at D', with counts of
 * its own active staff. as_of as above. */
sc_rc scorecard_units(db *d, arena *a, long long campaign_id, const char *as_of, sc_answer *out);

/* One target at each of the dates given (ascending, valid dates, n >= 0):
 * {"campaign_id","code","metric","step","from","to","points":[{"as_of",
 * "final","threshold","value","numerator","denominator","status"}]}.
 * from, to and step are echoed as given. */
sc_rc scorecard_series(db *d, arena *a, long long campaign_id, const char *code, const char *from, const char *to,
                       const char *step, const char *const *dates, int n, sc_answer *out);

/* ---- exact arithmetic and the rules of targets.md (pure; unit-tested) ---- */

/* Sign (-1, 0, 1) of num * mult / den - thr, exactly; den > 0, num >= 0,
 * num * mult < 1.7e20 (a threshold is a decimal.h decimal, as stored). */
int sc_compare(long long num, long long den, long long mult, const decimal *thr);
/* Does a comparison whose sign is cmp satisfy comparator (gt ge lt le eq)?
 * false for an unknown comparator. */
bool sc_comparator_holds(const char *comparator, int cmp);
/* num * 100 / den in hundredths, rounded half-up; den > 0, num >= 0. */
long long sc_percent_hundredths(long long num, long long den);
/* "met", "pending", "missed" or "at_risk" (targets.md, Status). */
const char *sc_status(bool pending, bool met, bool final);
/* Rank in the rating order KHTNV < HTNV < HTTNV < HTXSNV: 1..4, 0 unknown. */
int sc_rating_rank(const char *level);
/* Rank of an individual title (LDTT 1 .. CSTD_TOAN_QUOC 4) or 0. */
int sc_individual_title_rank(const char *title);
/* Rank of a collective title (TTLDTT 1, TTLDXS 2) or 0. */
int sc_collective_title_rank(const char *title);

/* Days since 1970-01-01 of a calendar date (proleptic Gregorian; m 1..12,
 * d within the month), and back. */
long sc_days_from_civil(long y, long m, long d);
void sc_civil_from_days(long days, long *y, long *m, long *d);
/* Days since 1970-01-01 of a date text_date_parse accepts (text.h); -1
 * when it refuses it. */
int sc_date_parse(const char *iso, long *days);
/* YYYY-MM-DD of days since 1970-01-01, in the arena. */
char *sc_date_format(arena *a, long days);
/* The points of a series from..to (valid dates, from <= to): for each week
 * (Monday to Sunday, step "week") or calendar month (step "month") that
 * meets [from, to], its last day, or `to` when that comes first. Fills
 * *out (arena) and returns the count, or -1 when there would be more than
 * max, -2 for an unknown step. */
int sc_series_dates(arena *a, const char *from, const char *to, const char *step, int max, const char ***out);

#endif
