#include "dbroute.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

enum { MAX_REPLICAS = 8 };

typedef struct replica {
    char *url;
    db *d;                     /* NULL until first used */
    char name[16];
    time_t down_until;         /* not tried again before (monotonic seconds) */
    const char *state;         /* "unknown", "ok", "down", "lagging", "not_standby" */
    unsigned long long replay; /* last pg_last_wal_replay_lsn() read */
    unsigned long long lag;    /* bytes behind the primary position last known */
    bool have_replay;
} replica;

static replica replicas[MAX_REPLICAS];
static int nreplicas;
static long long max_lag;
static long retry_seconds;
static unsigned next_first; /* spreads reads over the replicas */

/* The session's write position and the primary's ($1 NULL: no session). */
static const db_stmt STMT_POSITIONS = {
    "dbroute_positions",
    "SELECT (SELECT s.write_lsn::text FROM sessions s WHERE s.token_hash = $1 AND s.expires_at > now()),"
    " pg_current_wal_lsn()::text"};
static const db_stmt STMT_PRIMARY = {"dbroute_primary", "SELECT pg_current_wal_lsn()::text"};
static const db_stmt STMT_REPLAY = {"dbroute_replay",
                                    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text"};
/* The data-modifying CTE runs whether or not the SELECT reads it. */
static const db_stmt STMT_RECORD = {
    "dbroute_record",
    "WITH l AS (SELECT pg_current_wal_insert_lsn() AS lsn),"
    " u AS (UPDATE sessions s SET write_lsn = l.lsn FROM l WHERE s.token_hash = $1 AND s.write_lsn < l.lsn"
    "       RETURNING 1)"
    " SELECT lsn::text FROM l"};

static time_t now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

int dbroute_lsn_parse(const char *text, unsigned long long *lsn)
{
    unsigned long long hi = 0, lo = 0;
    const char *p = text;
    int digits = 0;
    for (; *p && *p != '/'; p++, digits++) {
        int v = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
              : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
        if (v < 0 || digits >= 8)
            return -1;
        hi = hi * 16 + (unsigned)v;
    }
    if (*p != '/' || digits == 0)
        return -1;
    p++;
    digits = 0;
    for (; *p; p++, digits++) {
        int v = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
              : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
        if (v < 0 || digits >= 8)
            return -1;
        lo = lo * 16 + (unsigned)v;
    }
    if (digits == 0)
        return -1;
    *lsn = hi << 32 | lo;
    return 0;
}

static void lsn_text(unsigned long long lsn, char *buf, size_t cap)
{
    snprintf(buf, cap, "%X/%X", (unsigned)(lsn >> 32), (unsigned)(lsn & 0xffffffffu));
}

void dbroute_init(const config *cfg)
{
    dbroute_close();
    max_lag = cfg->replica_max_lag;
    retry_seconds = cfg->replica_retry;
    char buf[sizeof cfg->database_read_url];
    snprintf(buf, sizeof buf, "%s", cfg->database_read_url);
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t", &save); w && nreplicas < MAX_REPLICAS; w = strtok_r(NULL, " \t", &save)) {
        replica *r = &replicas[nreplicas++];
        memset(r, 0, sizeof *r);
        r->url = strdup(w);
        if (!r->url)
            abort();
        snprintf(r->name, sizeof r->name, "replica%d", nreplicas);
        r->state = "unknown";
    }
    next_first = (unsigned)getpid();
}

void dbroute_close(void)
{
    for (int i = 0; i < nreplicas; i++) {
        db_close(replicas[i].d);
        free(replicas[i].url);
        memset(&replicas[i], 0, sizeof replicas[i]);
    }
    nreplicas = 0;
}

int dbroute_replicas(void)
{
    return nreplicas;
}

static void mark_down(replica *r)
{
    if (strcmp(r->state, "down") != 0)
        log_error("database: %s is down; reads go elsewhere for %ld s", r->name, retry_seconds);
    r->state = "down";
    r->down_until = now_seconds() + retry_seconds;
}

/* Asks the replica where its replay is (unless it was found down less
 * than replica_retry seconds ago): r->state, r->replay and r->lag against
 * primary_lsn. true when it is a standby that may serve (ok). */
static bool probe(replica *r, unsigned long long primary_lsn)
{
    if (r->down_until && now_seconds() < r->down_until)
        return false;
    if (!r->d)
        r->d = db_open(r->url);
    if (db_ensure(r->d) != 0) {
        mark_down(r);
        return false;
    }
    db_result *q = db_run(r->d, &STMT_REPLAY, 0, NULL);
    if (!q) {
        if (db_last_error(r->d)->status == DB_DOWN)
            mark_down(r);
        else
            r->state = "down";
        return false;
    }
    if (r->down_until) {
        log_info("database: %s is back", r->name);
        r->down_until = 0;
    }
    bool standby = db_value(q, 0, 0) && db_value(q, 0, 0)[0] == 't';
    const char *replay = db_value(q, 0, 1);
    r->have_replay = standby && replay && dbroute_lsn_parse(replay, &r->replay) == 0;
    db_free(q);
    if (!r->have_replay) {
        /* A promoted replica writes its own history: never read from it
         * as if it were the primary's. */
        r->state = "not_standby";
        return false;
    }
    r->lag = primary_lsn > r->replay ? primary_lsn - r->replay : 0;
    if ((long long)r->lag > max_lag) {
        r->state = "lagging";
        return false;
    }
    r->state = "ok";
    return true;
}

db *dbroute_choose(db *primary, const char *session_hash, bool need_session, const char **name)
{
    *name = "primary";
    if (nreplicas == 0)
        return NULL;
    const char *p[] = {session_hash};
    db_result *q = db_run(primary, &STMT_POSITIONS, 1, p);
    if (!q)
        return NULL;
    unsigned long long write_lsn = 0, primary_lsn = 0;
    const char *w = db_value(q, 0, 0), *c = db_value(q, 0, 1);
    bool ok = c && dbroute_lsn_parse(c, &primary_lsn) == 0;
    if (w)
        ok = ok && dbroute_lsn_parse(w, &write_lsn) == 0;
    else if (session_hash || need_session)
        ok = false; /* no such session on the primary: its answer (401) is the primary's */
    db_free(q);
    if (!ok)
        return NULL;
    unsigned first = next_first++;
    for (int i = 0; i < nreplicas; i++) {
        replica *r = &replicas[(first + (unsigned)i) % (unsigned)nreplicas];
        if (probe(r, primary_lsn) && r->replay >= write_lsn) {
            *name = r->name;
            return r->d;
        }
    }
    return NULL;
}

const char *dbroute_record_write(db *primary, const char *session_hash, arena *mem)
{
    const char *p[] = {session_hash};
    db_result *q = db_run(primary, &STMT_RECORD, 1, p);
    if (!q) {
        log_error("database: the write position was not recorded: %s", db_last_error(primary)->message);
        return NULL;
    }
    const char *lsn = db_value(q, 0, 0) ? arena_strdup(mem, db_value(q, 0, 0)) : NULL;
    db_free(q);
    return lsn;
}

json_t *dbroute_health(db *primary, bool *primary_up)
{
    json_t *list = json_array();
    unsigned long long primary_lsn = 0;
    json_t *pj = json_pack("{s:s}", "name", "primary");
    db_result *q = db_ensure(primary) == 0 ? db_run(primary, &STMT_PRIMARY, 0, NULL) : NULL;
    *primary_up = q != NULL;
    if (q && db_value(q, 0, 0) && dbroute_lsn_parse(db_value(q, 0, 0), &primary_lsn) == 0)
        json_object_set_new(pj, "wal_lsn", json_string(db_value(q, 0, 0)));
    db_free(q);
    json_object_set_new(pj, "state", json_string(*primary_up ? "ok" : "down"));
    json_array_append_new(list, pj);
    for (int i = 0; i < nreplicas; i++) {
        replica *r = &replicas[i];
        /* Without the primary's position, a lag cannot be told: none. */
        probe(r, *primary_up ? primary_lsn : 0);
        json_t *rj = json_pack("{s:s, s:s}", "name", r->name, "state", r->state);
        if (r->have_replay && strcmp(r->state, "down") != 0) {
            char t[32];
            lsn_text(r->replay, t, sizeof t);
            json_object_set_new(rj, "replay_lsn", json_string(t));
            if (*primary_up)
                json_object_set_new(rj, "lag_bytes", json_integer((json_int_t)r->lag));
        }
        json_array_append_new(list, rj);
    }
    return list;
}
