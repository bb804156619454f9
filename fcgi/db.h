/* db.h — one PostgreSQL connection per worker: statements prepared on first
 * use, transactions, reconnection after the server comes back, and errors
 * turned into the HTTP statuses of the contract. Nothing outside this
 * module sees libpq.
 *
 * A db_result belongs to the caller: free it with db_free. Values returned
 * by db_value point into the result and live as long as it. */
#ifndef THIDUA_DB_H
#define THIDUA_DB_H
#include <stdbool.h>
#include <stddef.h>

typedef struct db db;
typedef struct db_result db_result;

/* A statement: static for the life of the program; prepared by name. */
typedef struct db_stmt {
    const char *name;
    const char *sql;
} db_stmt;

typedef enum {
    DB_OK = 0,
    DB_DOWN,          /* no connection: 503 */
    DB_CONFLICT,      /* unique or exclusion violation: 409 */
    DB_INVALID,       /* check, not-null, foreign key, bad value: 422 */
    DB_SERIALIZATION, /* serialization failure or deadlock: retry */
    DB_FAILED         /* anything else: 500 */
} db_status;

typedef struct db_error {
    db_status status;
    char sqlstate[6];
    char constraint[64];
    char column[64];
    char message[256];   /* the server's primary message: logged, never sent */
} db_error;

db *db_open(const char *url);       /* never NULL; may be disconnected (see db_ensure) */
void db_close(db *d);
int db_ensure(db *d);               /* 0 when usable (reconnects if needed), -1 when down */
unsigned long db_reconnects(const db *d);
const db_error *db_last_error(const db *d);

/* Runs a prepared statement with text parameters (NULL = SQL null).
 * Returns a result (rows or none), or NULL with db_last_error set. */
db_result *db_run(db *d, const db_stmt *st, int nparams, const char *const *params);
/* Runs SQL text without parameters (migrations, BEGIN/COMMIT). */
db_result *db_exec_text(db *d, const char *sql);
/* Bulk input: COPY ... FROM STDIN with the given text-format payload. */
int db_copy_in(db *d, const char *copy_sql, const char *data, size_t len);

int db_rows(const db_result *r);
int db_cols(const db_result *r);
const char *db_value(const db_result *r, int row, int col); /* NULL for SQL null */
long long db_int(const db_result *r, int row, int col);     /* 0 for null */
long long db_affected(const db_result *r);
void db_free(db_result *r);

/* Transactions. db_begin also records the acting user for the audit
 * trigger (0: the system). Rollback is safe to call in any state. */
int db_begin(db *d, long long user_id);
int db_commit(db *d);
void db_rollback(db *d);
bool db_in_transaction(const db *d);

#endif
