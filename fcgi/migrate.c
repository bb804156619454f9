#include "migrate.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static int is_migration(const char *name)
{
    size_t n = strlen(name);
    if (n < 10 || strcmp(name + n - 4, ".sql") != 0 || name[4] != '_')
        return 0;
    for (int i = 0; i < 4; i++)
        if (name[i] < '0' || name[i] > '9')
            return 0;
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        if (n == 0)
            break;
        len += n;
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

static int exec_ok(db *d, const char *sql, const char *what)
{
    db_result *r = db_exec_text(d, sql);
    if (!r) {
        fprintf(stderr, "thidua migrate: %s: %s\n", what, db_last_error(d)->message);
        return -1;
    }
    db_free(r);
    return 0;
}

static const db_stmt STMT_APPLIED = {"migrate_applied", "SELECT 1 FROM schema_migrations WHERE version = $1"};
static const db_stmt STMT_RECORD = {"migrate_record", "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)"};

int migrate_main(const config *cfg)
{
    int rc = 1;
    char **names = NULL;
    size_t count = 0;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/migrations", cfg->sql_dir);
    db *d = db_open(config_owner_url(cfg));
    if (db_ensure(d) != 0) {
        fprintf(stderr, "thidua migrate: cannot connect to the database: %s\n", db_last_error(d)->message);
        goto done;
    }
    DIR *dh = opendir(dir);
    if (!dh) {
        fprintf(stderr, "thidua migrate: cannot open %s\n", dir);
        goto done;
    }
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (!is_migration(e->d_name))
            continue;
        char **nn = realloc(names, (count + 1) * sizeof *names);
        if (!nn)
            abort();
        names = nn;
        names[count++] = strdup(e->d_name);
    }
    closedir(dh);
    qsort(names, count, sizeof *names, by_name);
    /* A version is its four digits: two files of one version (two branches
     * that both took the next number) would apply one and skip the other
     * for good. Refuse before touching the database. */
    for (size_t i = 1; i < count; i++) {
        if (memcmp(names[i - 1], names[i], 4) == 0) {
            fprintf(stderr, "thidua migrate: %s and %s share version %.4s: renumber one\n", names[i - 1], names[i],
                    names[i]);
            goto done;
        }
    }

    /* One migrator at a time; the table itself is created idempotently. */
    if (exec_ok(d, "SELECT pg_advisory_lock(7261001)", "lock") != 0 ||
        exec_ok(d, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   " version text PRIMARY KEY, name text NOT NULL,"
                   " applied_at timestamptz NOT NULL DEFAULT now())", "schema_migrations") != 0)
        goto done;
    int applied = 0;
    for (size_t i = 0; i < count; i++) {
        char version[5];
        memcpy(version, names[i], 4);
        version[4] = '\0';
        const char *p[] = {version, names[i]};
        db_result *r = db_run(d, &STMT_APPLIED, 1, p);
        if (!r)
            goto done;
        int done_already = db_rows(r) > 0;
        db_free(r);
        if (done_already)
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char *sql = read_file(path);
        if (!sql) {
            fprintf(stderr, "thidua migrate: cannot read %s\n", path);
            goto done;
        }
        int ok = exec_ok(d, "BEGIN", "begin") == 0 && exec_ok(d, sql, names[i]) == 0;
        free(sql);
        if (ok) {
            r = db_run(d, &STMT_RECORD, 2, p);
            ok = r != NULL;
            db_free(r);
        }
        if (!ok || exec_ok(d, "COMMIT", "commit") != 0) {
            db_rollback(d);
            fprintf(stderr, "thidua migrate: %s not applied; nothing of it was kept\n", names[i]);
            goto done;
        }
        printf("applied %s\n", names[i]);
        applied++;
    }
    if (applied == 0)
        printf("database is up to date (%zu migrations)\n", count);
    rc = 0;
done:
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    db_close(d);
    return rc;
}
