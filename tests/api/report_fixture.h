/* report_fixture.h — what the report tests share: an agency with its
 * parent body and place, users, a 2025 campaign, staff with every kind of
 * Vietnamese name, titles entered directly, destinations; files written
 * under var/test/artifacts and commands run on them (pdftotext, unzip).
 * Header-only: include after client.h and facts_fixture.h. */
#ifndef THIDUA_TEST_REPORT_FIXTURE_H
#define THIDUA_TEST_REPORT_FIXTURE_H
#include <errno.h>
#include <sodium.h>
#include <sys/stat.h>

#include "facts_fixture.h"

static const char *rx_num(long long v)
{
    static char buf[8][24];
    static int next;
    char *x = buf[next++ % 8];
    snprintf(x, sizeof buf[0], "%lld", v);
    return x;
}

/* The agency's name, parent body and place, as an official document prints them. */
static inline void rx_agency_heading(long long agency, const char *name)
{
    const char *p[] = {rx_num(agency), name};
    free(t_sql("UPDATE units SET name = $2, parent_body = 'UBND tỉnh Sóc Trăng', place = 'Sóc Trăng'"
               " WHERE id = $1::bigint",
               2, p));
}

static inline long long rx_person(long long unit, const char *code, const char *name, const char *leader)
{
    long long s = fx_staff(unit, code, name, "2020-01-01", NULL);
    const char *p[] = {rx_num(s), leader};
    free(t_sql("UPDATE staff SET leader_level = $2 WHERE id = $1::bigint", 2, p));
    return s;
}

/* A title entered directly (no nomination) of kind of achievement ach. */
static inline long long rx_title(long long camp, const char *type, long long subject, const char *title, const char *no,
                          const char *on, const char *ach)
{
    const char *p[] = {rx_num(camp), type, rx_num(subject), title, no, on, ach};
    return t_sql_int("INSERT INTO titles (campaign_id, subject_type, staff_id, unit_id, title, decision_no, decided_on,"
                     " achievement) VALUES ($1, $2, CASE WHEN $2 = 'staff' THEN $3::bigint END,"
                     " CASE WHEN $2 = 'unit' THEN $3::bigint END, $4, $5, $6, $7) RETURNING id",
                     7, p);
}

static inline void rx_set_full_name(const char *username, const char *full_name)
{
    const char *p[] = {username, full_name};
    free(t_sql("UPDATE users SET full_name = $2 WHERE username = $1", 2, p));
}

/* var/test/artifacts/name, the directory made. */
static const char *rx_artifact(const char *name)
{
    static char path[8][1024];
    static int next;
    const char *var = getenv("THIDUA_VAR");
    char dir[900];
    snprintf(dir, sizeof dir, "%s/artifacts", var ? var : "var/test");
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        fail_msg("mkdir %s: %s", dir, strerror(errno));
    char *x = path[next++ % 8];
    snprintf(x, sizeof path[0], "%s/%s", dir, name);
    return x;
}

static inline void rx_write(const char *path, const char *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0)
        fail_msg("writing %s", path);
}

/* The standard output of a shell command (malloc'd). */
static char *rx_run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        fail_msg("popen %s", cmd);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            out = realloc(out, cap);
        }
    }
    out[len] = '\0';
    int rc = pclose(p);
    if (rc != 0)
        fail_msg("%s: exit %d", cmd, rc);
    return out;
}

/* SHA-256 hex of bytes. */
static inline void rx_sha256(const void *bytes, size_t len, char hex[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, bytes, len);
    sodium_bin2hex(hex, 65, d, sizeof d);
}

/* The report's content as its sha256 covers it, canonical (RFC 8785)
 * written independently of the server's jcs.c: jansson with sorted keys
 * and no spaces gives the same text for what a report holds (integers,
 * strings without control characters other than \n). */
static inline void rx_content_sha256(const json_t *report, char hex[65])
{
    json_t *c = json_deep_copy(report);
    json_object_del(c, "state");
    json_object_del(c, "sha256");
    json_object_del(c, "changes");
    char *text = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(c);
    rx_sha256(text, strlen(text), hex);
    free(text);
}

#endif
