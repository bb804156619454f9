/* scorecard_cache.h — where computed scorecard answers are kept, so that
 * an unchanged campaign is not computed again (api/scorecard.c uses it).
 *
 * An answer is right for one campaign's data_version and one as_of: every
 * write to a fact of the campaign moves its version (triggers of
 * sql/migrations/0004). Nothing here decides that an entry is still
 * current: an entry is handed back only for the version and as_of that
 * the caller names, which it has just read from the database. An entry of
 * another version or as_of is stale; it is never returned, only replaced
 * or evicted.
 *
 * Two places:
 * - this worker's copies (sc_cache_get, sc_cache_put), keyed by campaign
 *   and a caller's key under 64 bytes (the kind of answer and the as_of
 *   asked, "" for today). Process memory of one worker, used by it alone:
 *   workers are single-threaded, nothing is locked. At most
 *   SC_CACHE_SLOTS copies, each at most SC_CACHE_ENTRY_MAX bytes, together
 *   at most SC_CACHE_BYTES_MAX (plus one NUL each); when full, the least
 *   recently used go first. The cache owns its copies; what it returns is
 *   borrowed until the next sc_cache_put or sc_cache_clear.
 * - the table scorecard_cache (sc_cache_store, sc_cache_stored), keyed by
 *   campaign, kind, as_of answered and version. Shared by all workers and
 *   kept across restarts, and logged (migration 0020) so that streaming
 *   replicas have it too. Storing an answer
 *   drops the campaign's answers of older versions and keeps at most 64
 *   others besides it. What it returns is copied into the caller's arena.
 *
 * Why both, measured (make bench, 30 000 staff, 2 cores; CPU per warm
 * request of the workers / of PostgreSQL): the table alone, its body read
 * with the version in the request's one query, 33-36 / 40-49 us; with the
 * worker's copy current, that query does not read the body: 30 / 34-40 us
 * (the per-unit answer of 30 000 staff, 178 kB: 3 700 requests/s against
 * 1 600 - 2 700 from the table). Answers of megabytes (per unit at
 * 1 000 000 staff) stay in the table only, costing the workers no memory
 * between requests. */
#ifndef THIDUA_SCORECARD_CACHE_H
#define THIDUA_SCORECARD_CACHE_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "db.h"
#include "scorecard.h"

enum { SC_CACHE_SLOTS = 32, SC_CACHE_ENTRY_MAX = 256 * 1024, SC_CACHE_BYTES_MAX = 2 * 1024 * 1024 };

/* ---- this worker's copies ---- */

/* Is a copy held for (campaign, key)? If so, its version and as_of (for
 * the caller's query to compare with the current ones; *as_of borrowed). */
bool sc_cache_held(long long campaign, const char *key, long long *version, const char **as_of);
/* The copy held for (campaign, key) if it was computed for exactly version
 * and as_of, with its length in *len; NULL otherwise. Marks it used. */
const char *sc_cache_get(long long campaign, const char *key, long long version, const char *as_of, size_t *len);
/* Keeps a copy of body (len bytes) computed for version and as_of under
 * (campaign, key), in place of the key's old copy. Not kept (and the old
 * copy gone): a body over SC_CACHE_ENTRY_MAX, a key of 64 bytes or more,
 * an as_of longer than YYYY-MM-DD, or no memory. */
void sc_cache_put(long long campaign, const char *key, long long version, const char *as_of, const char *body,
                  size_t len);
/* Bytes of bodies held now. */
size_t sc_cache_bytes(void);
/* Drops every copy (the tests; a worker keeps its copies for its life). */
void sc_cache_clear(void);

/* ---- the table ---- */

/* For the caller's query (one round trip): the table's body for campaign,
 * kind, as_of and version, each an SQL expression; NULL when none. */
#define SC_CACHE_STORED_BODY(campaign, kind, as_of, version)                                     \
    "(SELECT k.body FROM scorecard_cache k WHERE k.campaign_id = " campaign " AND k.kind = " kind \
    " AND k.as_of = " as_of " AND k.version = " version ")"
/* The table's body for (campaign, kind, as_of, version) into *body (in a;
 * NULL when none). 0, or -1 on a database error (db_last_error). */
int sc_cache_stored(db *d, arena *a, long long campaign, const char *kind, const char *as_of, long long version,
                    const char **body);
/* Stores answer under (campaign, kind, answer->as_of, answer->version).
 * A failure is logged and otherwise ignored: the answer is right without
 * being kept. */
void sc_cache_store(db *d, long long campaign, const char *kind, const sc_answer *answer);

#endif
