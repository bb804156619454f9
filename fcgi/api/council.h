/* api/council.h — what council.c (sessions, ballots, the closing tally)
 * hands to council_minutes.c (the printable "Biên bản"). */
#ifndef THIDUA_API_COUNCIL_H
#define THIDUA_API_COUNCIL_H
#include <jansson.h>

#include "arena.h"

/* What the printed record says besides the minutes JSON. Every member is
 * text as stored (the printer escapes it); NULL prints as nothing. */
typedef struct council_record {
    const char *agency_name;
    const char *campaign_name;
    const char *held_on;   /* YYYY-MM-DD */
    const char *opened_at; /* "08 giờ 30", Asia/Ho_Chi_Minh */
    const char *closed_at;
} council_record;

/* The printable "Biên bản họp Hội đồng Thi đua - Khen thưởng" of a closed
 * session: minutes is the minutes object of the contract (borrowed).
 * A whole HTML document (UTF-8) in a, or NULL when out of memory. Every
 * datum is HTML-escaped; secret items show counts only, open items list
 * each member's vote by name. */
char *council_minutes_html(arena *a, const json_t *minutes, const council_record *rec);

/* "66,67 %": n of d as a Vietnamese percentage with two places, rounded
 * half up, in integers (d > 0; n >= 0). In a. */
char *council_percent_vi(arena *a, long long n, long long d);

#endif
