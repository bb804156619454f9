/* dbroute.h — which database serves a request: the primary, or one of the
 * streaming replicas of database_read_url, with read-your-writes.
 *
 * Only GET routes marked ROUTE_REPLICA_OK (router.h) may read from a
 * replica. For such a request, when replicas are configured, the pipeline
 * asks the primary one small question: the session's write_lsn (the WAL
 * position after its last write, stored by dbroute_record_write; the
 * login is a write) and the primary's pg_current_wal_lsn(). A replica
 * serves the request only when it is reachable (one found down is left
 * alone replica_retry seconds), is a hot standby
 * (pg_is_in_recovery()), has replayed at least up to the session's
 * write_lsn (pg_last_wal_replay_lsn()), and trails the primary's position
 * by at most replica_max_lag bytes. Otherwise the primary serves it.
 *
 * The session itself: a ROUTE_SESSION_IN_QUERY handler checks the session
 * in its own query, on whichever database serves it. The question to the
 * primary finds the session first: a session the primary does not have
 * (logged out, expired, its user disabled) is served by the primary, whose
 * answer is then the 401; one it has was written at or before write_lsn,
 * so a replica that has replayed past write_lsn has it too.
 *
 * Every successful write (a method other than GET, status below 400)
 * ends with dbroute_record_write on the primary: the WAL insert position
 * after the commit goes into the session (sessions.write_lsn) and into the
 * answer's Thidua-Commit-LSN header. pg_current_wal_insert_lsn() is taken
 * rather than pg_current_wal_lsn(): it is never before the commit record,
 * even with synchronous_commit off, where the write position may be.
 *
 * One worker, one state: the replicas' connections and what was last
 * learnt of each (state, replay position, lag), shown by /health. */
#ifndef THIDUA_DBROUTE_H
#define THIDUA_DBROUTE_H
#include <jansson.h>
#include <stdbool.h>

#include "arena.h"
#include "config.h"
#include "db.h"

/* The replicas of cfg->database_read_url (connected on first use). */
void dbroute_init(const config *cfg);
void dbroute_close(void);
int dbroute_replicas(void);

/* The replica to serve a read with, or NULL for the primary; *name is
 * "primary" or the replica's ("replica1", ...). session_hash: the
 * request's session token hash, NULL when it carries none; need_session:
 * the route needs one (then a session unknown to the primary means the
 * primary). */
db *dbroute_choose(db *primary, const char *session_hash, bool need_session, const char **name);

/* After a committed write: the WAL position (text, in mem) stored into
 * the session of session_hash (NULL: none), or NULL on a database error. */
const char *dbroute_record_write(db *primary, const char *session_hash, arena *mem);

/* /health: [{"name":"primary","state":"ok"|"down","wal_lsn":"0/..."},
 * {"name":"replica1","state":"ok"|"down"|"lagging"|"not_standby",
 *  "replay_lsn":"0/...","lag_bytes":n}, ...]; *primary_up set. */
json_t *dbroute_health(db *primary, bool *primary_up);

/* pg_lsn text ("16/B374D848") to a number; 0, or -1 when malformed. */
int dbroute_lsn_parse(const char *text, unsigned long long *lsn);

#endif
