/* awards.h — the criteria of awards.md as code, their parameters as data
 * (a rule set's awards document). Each criterion is one pure function
 * (no SQL): it takes the facts it needs in a small struct and its
 * parameters, says whether it is met, and fills `evidence` (a jansson
 * object the caller owns) with the facts it used. Arithmetic is exact:
 * shares are fractions compared with a decimal (sc_compare), dates are
 * days since 1970-01-01 (sc_date_parse), 0 meaning "none" where a date may
 * be missing (1970-01-01 itself is never a fact of this application).
 *
 * Ranks: a rating level 1..4 (KHTNV..HTXSNV, sc_rating_rank), an
 * individual title 1..4 (LDTT..CSTD_TOAN_QUOC) or a collective one 1..2
 * (TTLDTT, TTLDXS); 0 is "none". Holding a title counts as holding every
 * lower one, as targets.md says. */
#ifndef THIDUA_AWARDS_H
#define THIDUA_AWARDS_H
#include <jansson.h>
#include <stdbool.h>

#include "arena.h"
#include "decimal.h"

/* d + n months as PostgreSQL adds an interval: the same day of the month
 * n months later, or that month's last day when it is shorter
 * (2025-08-31 + 6 months = 2026-02-28). n >= 0. */
long awards_add_months(long days, int n);

/* rating_at_least L / unit_rating_at_least L: the latest rating of the
 * campaign decided on or before T (rank 0: none) is at least level. */
typedef struct crit_rating_facts {
    int rank;
    const char *level, *decision_no, *decided_on; /* of that rating; NULL when none */
} crit_rating_facts;
bool crit_rating_at_least(const crit_rating_facts *f, int level, json_t *evidence);
bool crit_unit_rating_at_least(const crit_rating_facts *f, int level, json_t *evidence);

/* tenure_months N: joined_on + N months <= E + 1 day, and not left on or
 * before E (left_on 0: still on the staff). */
typedef struct crit_tenure_facts {
    long joined_on, left_on, ends_on;
} crit_tenure_facts;
bool crit_tenure_months(const crit_tenure_facts *f, int months, json_t *evidence);

/* Initiatives of the subject (author): level 1 co_so, 2 tinh, 3
 * toan_quoc. */
typedef struct crit_initiative {
    long long id;
    long recognized_on;
    int level;
} crit_initiative_item;
typedef struct crit_initiative_facts {
    const crit_initiative_item *items;
    int n;
    long from, to; /* initiative: S..T; initiatives_in_span: computed by the caller or by crit_span_from */
} crit_initiative_facts;
/* initiative N: at least count recognised in from..to. */
bool crit_initiative(const crit_initiative_facts *f, int count, json_t *evidence);
/* initiative_level L N: at least count of level >= level in from..to
 * (a national one counts as provincial). */
bool crit_initiative_level(const crit_initiative_facts *f, int level, int count, json_t *evidence);
/* initiatives_in_span N: at least count from 1 January of year - years + 1
 * to f->to (f->from is ignored). */
bool crit_initiatives_in_span(const crit_initiative_facts *f, int year, int years, int count, json_t *evidence);

/* consecutive_titles X N / consecutive_ratings L N: for each year
 * year - years + 1 .. year, the best rank held (a title in some campaign
 * of the agency of that year; the latest rating of that year's campaign)
 * is at least rank. A year with no entry is a gap: not met. */
typedef struct crit_year_rank {
    int year, rank;
} crit_year_rank;
typedef struct crit_years_facts {
    const crit_year_rank *items;
    int n;
} crit_years_facts;
bool crit_consecutive_titles(const crit_years_facts *f, int year, int rank, int years, json_t *evidence);
bool crit_consecutive_ratings(const crit_years_facts *f, int year, int rank, int years, json_t *evidence);

/* Member criteria of a unit, over its own active staff at E: ranks[i]
 * is member i's best title (members_title_*) or latest rating
 * (members_rating_share), 0 for none. No member: never met. */
typedef struct crit_members_facts {
    const int *ranks;
    int n;
} crit_members_facts;
/* share holding at least rank, op "gt" or "ge" percent, exactly:
 * "> 50" holds iff count * 100 > 50 * n. */
bool crit_members_title_share(const crit_members_facts *f, int rank, const char *op, const decimal *percent,
                              json_t *evidence);
/* The same for ratings; a member without a rating fails it. */
bool crit_members_rating_share(const crit_members_facts *f, int rank, const char *op, const decimal *percent,
                               json_t *evidence);
/* count holding at least rank, op "gt" or "ge" count. */
bool crit_members_title_count(const crit_members_facts *f, int rank, const char *op, long long count,
                              json_t *evidence);

/* registered: a registration for the award (registered_on 0: none) dated
 * on or before closes_on. */
bool crit_registered(long registered_on, long closes_on, json_t *evidence);

/* no_hold: no hold open at T; a hold is open iff opened_on <= T and
 * (closed_on 0 or closed_on > T). */
typedef struct crit_hold {
    long long id;
    long opened_on, closed_on;
} crit_hold;
bool crit_hold_open(const crit_hold *h, long t);
bool crit_no_hold(const crit_hold *holds, int n, long t, json_t *evidence);

/* any_of: met iff one of the n items is; all_of (an alternative made of
 * several criteria, inside any_of): met iff every item is. */
bool crit_any_of(const bool *met, int n);
bool crit_all_of(const bool *met, int n);

/* ---- the awards document of a rule set ---- */

/* Checks an awards document (doc, a JSON object whose text is
 * text[0..len), so that decimals are read as written) against the award
 * codes, criterion codes and parameters above and the council rule's
 * shape; every problem is appended to errors as {field, message} with
 * field the path under prefix ("awards.CSTDCS.criteria[1].params.level").
 * Returns the normalized document (new reference; decimals as
 * jsontext_decimal, so jsontext_dumps writes them as stored), or NULL
 * when errors were added. */
json_t *awards_check(arena *a, json_t *doc, const char *text, size_t len, const char *prefix, json_t *errors);
/* The same for one award of code (its text award_text[0..len)). */
json_t *awards_check_award(arena *a, const char *code, json_t *award, const char *award_text, size_t len,
                           const char *prefix, json_t *errors);
/* A quorum {"num","den"}: 0 < num <= den <= 1000. NULL when bad (error
 * appended under field), else a new reference. */
json_t *awards_check_quorum(arena *a, json_t *q, const char *field, json_t *errors);

/* The text of the value at index i of the JSON array written in
 * text[0..len) (that jansson accepted), *vlen its length; NULL when
 * there is none. */
const char *awards_array_item(const char *text, size_t len, size_t i, size_t *vlen);

#endif
