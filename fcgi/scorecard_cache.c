#include "scorecard_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* ------------------------------------------------------------ this worker's copies */

typedef struct copy {
    long long campaign, version;
    char key[64];
    char as_of[11]; /* YYYY-MM-DD */
    char *body;     /* malloc'd; NULL for a free slot */
    size_t len;
    unsigned long used; /* the clock when last put or got: the smallest goes first */
} copy;

static copy copies[SC_CACHE_SLOTS];
static size_t bytes;
static unsigned long clock_now;

static copy *find(long long campaign, const char *key)
{
    for (int i = 0; i < SC_CACHE_SLOTS; i++)
        if (copies[i].body && copies[i].campaign == campaign && strcmp(copies[i].key, key) == 0)
            return &copies[i];
    return NULL;
}

static void drop(copy *c)
{
    bytes -= c->len;
    free(c->body);
    c->body = NULL;
    c->len = 0;
}

/* A free slot with room for len more bytes, after evicting the least
 * recently used copies as needed. */
static copy *make_room(size_t len)
{
    for (;;) {
        copy *victim = NULL, *free_slot = NULL;
        for (int i = 0; i < SC_CACHE_SLOTS; i++) {
            if (!copies[i].body)
                free_slot = free_slot ? free_slot : &copies[i];
            else if (!victim || copies[i].used < victim->used)
                victim = &copies[i];
        }
        /* len <= SC_CACHE_ENTRY_MAX <= SC_CACHE_BYTES_MAX: once every copy
         * is gone there is room, so a victim exists until then. */
        if (free_slot && bytes + len <= SC_CACHE_BYTES_MAX)
            return free_slot;
        drop(victim);
    }
}

bool sc_cache_held(long long campaign, const char *key, long long *version, const char **as_of)
{
    const copy *c = find(campaign, key);
    if (!c)
        return false;
    *version = c->version;
    *as_of = c->as_of;
    return true;
}

const char *sc_cache_get(long long campaign, const char *key, long long version, const char *as_of, size_t *len)
{
    copy *c = find(campaign, key);
    if (!c || c->version != version || strcmp(c->as_of, as_of) != 0)
        return NULL;
    c->used = ++clock_now;
    *len = c->len;
    return c->body;
}

void sc_cache_put(long long campaign, const char *key, long long version, const char *as_of, const char *body,
                  size_t len)
{
    copy *c = find(campaign, key);
    if (c)
        drop(c);
    if (len > SC_CACHE_ENTRY_MAX || strlen(key) >= sizeof c->key || strlen(as_of) >= sizeof c->as_of)
        return;
    c = make_room(len);
    c->body = malloc(len + 1);
    if (!c->body)
        return;
    memcpy(c->body, body, len);
    c->body[len] = '\0';
    c->len = len;
    bytes += len;
    c->campaign = campaign;
    c->version = version;
    snprintf(c->key, sizeof c->key, "%s", key);
    snprintf(c->as_of, sizeof c->as_of, "%s", as_of);
    c->used = ++clock_now;
}

size_t sc_cache_bytes(void)
{
    return bytes;
}

void sc_cache_clear(void)
{
    for (int i = 0; i < SC_CACHE_SLOTS; i++)
        if (copies[i].body)
            drop(&copies[i]);
}

/* ------------------------------------------------------------ the table */

static const db_stmt STMT_STORED = {
    "sc_cache_stored",
    "SELECT " SC_CACHE_STORED_BODY("$1", "$2", "$3::date", "$4")};

/* The DELETE's snapshot does not see the row being inserted: besides that
 * row it keeps, of the newest 64, those not of an older version. */
static const db_stmt STMT_STORE = {
    "sc_cache_store",
    "WITH ins AS (INSERT INTO scorecard_cache (campaign_id, kind, as_of, version, body)"
    "             VALUES ($1, $2, $3::date, $4, $5) ON CONFLICT DO NOTHING RETURNING 1)"
    " DELETE FROM scorecard_cache k WHERE k.campaign_id = $1"
    "   AND (k.version < $4 OR k.ctid IN (SELECT c.ctid FROM scorecard_cache c WHERE c.campaign_id = $1"
    "                                     ORDER BY c.created_at DESC OFFSET 64))"};

int sc_cache_stored(db *d, arena *a, long long campaign, const char *kind, const char *as_of, long long version,
                    const char **body)
{
    char id[24], v[24];
    snprintf(id, sizeof id, "%lld", campaign);
    snprintf(v, sizeof v, "%lld", version);
    const char *p[] = {id, kind, as_of, v};
    db_result *r = db_run(d, &STMT_STORED, 4, p);
    if (!r)
        return -1;
    *body = db_value(r, 0, 0) ? arena_strdup(a, db_value(r, 0, 0)) : NULL;
    db_free(r);
    return 0;
}

void sc_cache_store(db *d, long long campaign, const char *kind, const sc_answer *answer)
{
    char id[24], v[24];
    snprintf(id, sizeof id, "%lld", campaign);
    snprintf(v, sizeof v, "%lld", answer->version);
    const char *p[] = {id, kind, answer->as_of, v, answer->body};
    db_result *r = db_run(d, &STMT_STORE, 5, p);
    if (!r)
        log_error("scorecard: answer not kept: %s", db_last_error(d)->message);
    db_free(r);
}
