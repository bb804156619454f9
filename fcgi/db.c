#include "db.h"

#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

enum { MAX_PREPARED = 512 };

struct db {
    PGconn *conn;
    char *url;
    const db_stmt *prepared[MAX_PREPARED];
    int nprepared;
    unsigned long reconnects;
    db_error err;
};

struct db_result {
    PGresult *res;
};

static void notice_quiet(void *arg, const PGresult *res)
{
    (void)arg;
    (void)res;
}

static void connect_now(db *d)
{
    if (d->conn)
        PQfinish(d->conn);
    d->conn = PQconnectdb(d->url);
    d->nprepared = 0;
    if (PQstatus(d->conn) == CONNECTION_OK) {
        PQsetNoticeReceiver(d->conn, notice_quiet, NULL);
        PGresult *r = PQexec(d->conn, "SET TIME ZONE 'Asia/Ho_Chi_Minh'");
        PQclear(r);
    }
}

db *db_open(const char *url)
{
    db *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->url = strdup(url);
    if (!d->url)
        abort();
    connect_now(d);
    if (PQstatus(d->conn) != CONNECTION_OK)
        log_error("database: %s", PQerrorMessage(d->conn));
    return d;
}

void db_close(db *d)
{
    if (!d)
        return;
    PQfinish(d->conn);
    free(d->url);
    free(d);
}

unsigned long db_reconnects(const db *d)
{
    return d->reconnects;
}

const db_error *db_last_error(const db *d)
{
    return &d->err;
}

/* A connection the server closed (restart, admin shutdown) shows as a
 * readable socket: first the server's last message (FATAL 57P01), then
 * EOF. Consume until nothing is left to read so PQstatus tells the truth:
 * one read takes only the message and leaves the connection looking alive,
 * and the request on it would fail with 503 although the database is back. */
static void notice_dead_socket(db *d)
{
    for (int i = 0; i < 16 && PQstatus(d->conn) == CONNECTION_OK; i++) {
        int fd = PQsocket(d->conn);
        if (fd < 0)
            return;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 0) <= 0)
            return;
        if (!PQconsumeInput(d->conn))
            return;
        PGnotify *n;
        while ((n = PQnotifies(d->conn)))
            PQfreemem(n);
    }
}

int db_ensure(db *d)
{
    if (PQstatus(d->conn) == CONNECTION_OK)
        notice_dead_socket(d);
    if (PQstatus(d->conn) == CONNECTION_OK)
        return 0;
    connect_now(d);
    if (PQstatus(d->conn) != CONNECTION_OK) {
        d->err.status = DB_DOWN;
        snprintf(d->err.message, sizeof d->err.message, "%s", PQerrorMessage(d->conn));
        return -1;
    }
    d->reconnects++;
    log_info("database: reconnected");
    return 0;
}

static void set_error(db *d, const PGresult *r)
{
    memset(&d->err, 0, sizeof d->err);
    if (PQstatus(d->conn) != CONNECTION_OK) {
        d->err.status = DB_DOWN;
        snprintf(d->err.message, sizeof d->err.message, "%s", PQerrorMessage(d->conn));
        return;
    }
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *cons = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
    const char *col = r ? PQresultErrorField(r, PG_DIAG_COLUMN_NAME) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    snprintf(d->err.sqlstate, sizeof d->err.sqlstate, "%s", state ? state : "");
    snprintf(d->err.constraint, sizeof d->err.constraint, "%s", cons ? cons : "");
    snprintf(d->err.column, sizeof d->err.column, "%s", col ? col : "");
    snprintf(d->err.message, sizeof d->err.message, "%s", msg ? msg : PQerrorMessage(d->conn));
    if (!state)
        d->err.status = DB_FAILED;
    else if (strcmp(state, "23505") == 0 || strcmp(state, "23P01") == 0)
        d->err.status = DB_CONFLICT;
    else if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
        d->err.status = DB_INVALID;
    else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
        d->err.status = DB_SERIALIZATION;
    else if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0)
        d->err.status = DB_DOWN;
    else
        d->err.status = DB_FAILED;
    if (d->err.status == DB_FAILED || d->err.status == DB_DOWN)
        log_error("database: %s %s", d->err.sqlstate, d->err.message);
}

static db_result *wrap(db *d, PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_IN) {
        set_error(d, r);
        PQclear(r);
        return NULL;
    }
    d->err.status = DB_OK;
    db_result *out = malloc(sizeof *out);
    if (!out)
        abort();
    out->res = r;
    return out;
}

static bool is_prepared(const db *d, const db_stmt *st)
{
    for (int i = 0; i < d->nprepared; i++)
        if (d->prepared[i] == st)
            return true;
    return false;
}

db_result *db_run(db *d, const db_stmt *st, int nparams, const char *const *params)
{
    if (!is_prepared(d, st)) {
        PGresult *p = PQprepare(d->conn, st->name, st->sql, 0, NULL);
        if (PQresultStatus(p) != PGRES_COMMAND_OK) {
            set_error(d, p);
            if (d->err.status != DB_DOWN)
                log_error("database: cannot prepare %s: %s", st->name, d->err.message);
            PQclear(p);
            return NULL;
        }
        PQclear(p);
        if (d->nprepared < MAX_PREPARED)
            d->prepared[d->nprepared++] = st;
    }
    return wrap(d, PQexecPrepared(d->conn, st->name, nparams, params, NULL, NULL, 0));
}

db_result *db_exec_text(db *d, const char *sql)
{
    return wrap(d, PQexec(d->conn, sql));
}

int db_copy_in(db *d, const char *copy_sql, const char *data, size_t len)
{
    PGresult *r = PQexec(d->conn, copy_sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        set_error(d, r);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    int ok = 1;
    while (len > 0 && ok == 1) {
        int chunk = len > (1 << 20) ? (1 << 20) : (int)len;
        ok = PQputCopyData(d->conn, data, chunk);
        data += chunk;
        len -= (size_t)chunk;
    }
    if (PQputCopyEnd(d->conn, ok == 1 ? NULL : "client error") != 1) {
        set_error(d, NULL);
        return -1;
    }
    int rc = 0;
    while ((r = PQgetResult(d->conn))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            set_error(d, r);
            rc = -1;
        }
        PQclear(r);
    }
    return rc;
}

int db_rows(const db_result *r)
{
    return PQntuples(r->res);
}

int db_cols(const db_result *r)
{
    return PQnfields(r->res);
}

const char *db_value(const db_result *r, int row, int col)
{
    if (row >= PQntuples(r->res) || col >= PQnfields(r->res) || PQgetisnull(r->res, row, col))
        return NULL;
    return PQgetvalue(r->res, row, col);
}

long long db_int(const db_result *r, int row, int col)
{
    const char *v = db_value(r, row, col);
    return v ? strtoll(v, NULL, 10) : 0;
}

long long db_affected(const db_result *r)
{
    const char *n = PQcmdTuples(r->res);
    return n && *n ? strtoll(n, NULL, 10) : 0;
}

void db_free(db_result *r)
{
    if (!r)
        return;
    PQclear(r->res);
    free(r);
}

static const db_stmt STMT_SET_USER = {
    "db_set_user", "SELECT set_config('thidua.user_id', $1, true)"};

int db_begin(db *d, long long user_id)
{
    db_result *r = db_exec_text(d, "BEGIN");
    if (!r)
        return -1;
    db_free(r);
    char uid[24];
    snprintf(uid, sizeof uid, "%lld", user_id);
    const char *p[] = {uid};
    r = db_run(d, &STMT_SET_USER, 1, p);
    if (!r) {
        db_rollback(d);
        return -1;
    }
    db_free(r);
    return 0;
}

int db_commit(db *d)
{
    db_result *r = db_exec_text(d, "COMMIT");
    if (!r)
        return -1;
    db_free(r);
    return 0;
}

void db_rollback(db *d)
{
    if (PQstatus(d->conn) != CONNECTION_OK)
        return;
    if (PQtransactionStatus(d->conn) == PQTRANS_IDLE)
        return;
    PGresult *r = PQexec(d->conn, "ROLLBACK");
    PQclear(r);
}

bool db_in_transaction(const db *d)
{
    PGTransactionStatusType t = PQtransactionStatus(d->conn);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}
