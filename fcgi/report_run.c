/* report_run.c — `thidua report run` (report_run.h). */
#include "report_run.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "db.h"
#include "log.h"
#include "report_make.h"

/* The next schedule after $2 with something to do on day $1, claimed. */
static const db_stmt STMT_CLAIM = {
    "report_run_claim",
    "SELECT s.id FROM report_schedules s WHERE s.id > $2 AND s.draft_on <= $1::date"
    " AND (s.report_id IS NULL OR ((s.auto_approve AND s.due_on <= $1::date OR NOT s.late_noticed AND s.due_on < $1::date)"
    "      AND EXISTS (SELECT 1 FROM reports r WHERE r.id = s.report_id AND r.state = 'draft')))"
    " ORDER BY s.id LIMIT 1 FOR UPDATE OF s SKIP LOCKED"};
/* The claimed schedule read again (this statement's snapshot sees what
 * another run committed before the lock was ours). */
static const db_stmt STMT_SCHEDULE = {
    "report_run_schedule",
    "SELECT s.campaign_id, s.kind, s.as_of, s.report_id, s.auto_approve AND s.due_on <= $2::date,"
    " c.year, c.starts_on, c.closes_on, a.code, s.due_on < $2::date AND NOT s.late_noticed"
    " FROM report_schedules s JOIN campaigns c ON c.id = s.campaign_id JOIN units a ON a.id = c.agency_id"
    " WHERE s.id = $1"};
static const db_stmt STMT_LINK = {
    "report_run_link", "UPDATE report_schedules SET report_id = $2 WHERE id = $1 RETURNING id"};
static const db_stmt STMT_REPORT_LOCK = {
    "report_run_report_lock", "SELECT state FROM reports WHERE id = $1 FOR UPDATE"};
/* The office and the director of the report's agency who have an
 * address are told of event ($2: drafted, late) by e-mail: one notice
 * each, queued here, sent by `thidua report deliver`. */
static const db_stmt STMT_NOTICES = {
    "report_run_notices",
    "INSERT INTO report_notices (report_id, user_id, event, address)"
    " SELECT r.id, u.id, $2, u.email FROM reports r JOIN campaigns c ON c.id = r.campaign_id"
    " JOIN users u ON u.agency_id = c.agency_id AND u.role IN ('office', 'director') AND u.active AND u.email IS NOT NULL"
    " WHERE r.id = $1 ON CONFLICT (report_id, user_id, event) DO NOTHING"};
static const db_stmt STMT_LATE_NOTICED = {
    "report_run_late_noticed", "UPDATE report_schedules SET late_noticed = true WHERE id = $1"};
static const db_stmt STMT_TODAY = {"report_run_today", "SELECT to_char(" REPORT_TODAY ", 'YYYY-MM-DD')"};
static const db_stmt STMT_DATE = {"report_run_date", "SELECT to_char($1::date, 'YYYY-MM-DD')"};

static bool date_shaped(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    return true;
}

/* Handles claimed schedule id in the open transaction: 0, or -1 (logged;
 * the caller rolls back). */
static int handle(db *d, arena *a, long long schedule, const char *today)
{
    const char *id = arena_printf(a, "%lld", schedule);
    const char *p[] = {id, today};
    db_result *r = db_run(d, &STMT_SCHEDULE, 2, p);
    if (!r || db_rows(r) != 1) {
        log_error("schedule %s: %s", id, r ? "gone" : db_last_error(d)->message);
        db_free(r);
        return -1;
    }
    long long campaign = db_int(r, 0, 0), report = db_int(r, 0, 3);
    const char *kind = arena_strdup(a, db_value(r, 0, 1));
    const char *as_of = db_value(r, 0, 2) ? arena_strdup(a, db_value(r, 0, 2)) : NULL;
    bool approve = strcmp(db_value(r, 0, 4), "t") == 0;
    int year = (int)db_int(r, 0, 5);
    const char *starts_on = arena_strdup(a, db_value(r, 0, 6)), *closes_on = arena_strdup(a, db_value(r, 0, 7));
    const char *agency = arena_strdup(a, db_value(r, 0, 8));
    bool late = strcmp(db_value(r, 0, 9), "t") == 0;
    db_free(r);
    bool drafted = false;
    if (report == 0) {
        report_period per;
        if (report_period_of(a, kind, year, starts_on, closes_on, as_of, &per) != 0) {
            log_error("schedule %s: as_of %s falls before the period of %s", id, as_of ? as_of : "-", kind);
            return -1;
        }
        rm_rc rc = report_make_draft(d, a, campaign, kind, &per, NULL, 0, schedule, &report);
        if (rc != RM_OK) {
            log_error("schedule %s: no draft: %s", id,
                      rc == RM_DB ? db_last_error(d)->message : report_make_message(rc));
            return -1;
        }
        const char *pl[] = {id, arena_printf(a, "%lld", report)};
        r = db_run(d, &STMT_LINK, 2, pl);
        if (!r) {
            log_error("schedule %s: %s", id, db_last_error(d)->message);
            return -1;
        }
        db_free(r);
        drafted = true;
        log_info("schedule %s: draft report %lld of campaign %lld (%s, as of %s)", id, report, campaign, kind,
                 per.as_of);
    }
    const char *pr[] = {arena_printf(a, "%lld", report)};
    r = db_run(d, &STMT_REPORT_LOCK, 1, pr);
    if (!r) {
        log_error("schedule %s: %s", id, db_last_error(d)->message);
        return -1;
    }
    bool draft = db_rows(r) == 1 && strcmp(db_value(r, 0, 0), "draft") == 0;
    db_free(r);
    if (approve && draft) {
        const char *number = arena_printf(a, "TĐ-%lld/BC-%s", report, agency);
        rm_rc rc = report_make_approve(d, a, report, number, 0);
        if (rc != RM_OK) {
            log_error("schedule %s: report %lld not approved: %s", id, report,
                      rc == RM_DB ? db_last_error(d)->message : report_make_message(rc));
            return -1;
        }
        log_info("schedule %s: report %lld approved as %s, deliveries queued", id, report, number);
        return 0;
    }
    if (!draft || (!drafted && !late))
        return 0;
    /* A draft made already after due_on is told as late, once. */
    const char *pn[] = {pr[0], late ? "late" : "drafted"};
    r = db_run(d, &STMT_NOTICES, 2, pn);
    if (!r) {
        log_error("schedule %s: %s", id, db_last_error(d)->message);
        return -1;
    }
    long long told = db_affected(r);
    db_free(r);
    if (late) {
        const char *ps[] = {id};
        r = db_run(d, &STMT_LATE_NOTICED, 1, ps);
        if (!r) {
            log_error("schedule %s: %s", id, db_last_error(d)->message);
            return -1;
        }
        db_free(r);
    }
    log_info("schedule %s: report %lld %s: %lld notice(s) queued to the office and the director", id, report,
             late ? "late" : "drafted", told);
    return 0;
}

int report_run_main(const config *cfg, int argc, char **argv)
{
    const char *given = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--today") == 0 && i + 1 < argc && date_shaped(argv[i + 1]))
            given = argv[++i];
        else {
            fprintf(stderr, "usage: thidua [--config FILE] report run [--today YYYY-MM-DD]\n");
            return 2;
        }
    }
    log_set_tag("report run");
    if (sodium_init() < 0)
        return 1;
    db *d = db_open(cfg->database_url);
    if (db_ensure(d) != 0) {
        log_error("database unreachable");
        db_close(d);
        return 1;
    }
    static arena mem;
    arena *a = &mem;
    int rc = 0;
    const char *pt[] = {given};
    db_result *r = given ? db_run(d, &STMT_DATE, 1, pt) : db_run(d, &STMT_TODAY, 0, NULL);
    if (!r) {
        log_error("%s", given ? "--today: not a date" : db_last_error(d)->message);
        arena_free(a);
        db_close(d);
        return given ? 2 : 1;
    }
    char today[16];
    snprintf(today, sizeof today, "%s", db_value(r, 0, 0));
    db_free(r);
    int done = 0, failed = 0;
    long long last = 0;
    for (;;) {
        arena_reset(a);
        if (db_begin(d, 0) != 0) {
            log_error("cannot begin: %s", db_last_error(d)->message);
            rc = 1;
            break;
        }
        char after[24];
        snprintf(after, sizeof after, "%lld", last);
        const char *pc[] = {today, after};
        r = db_run(d, &STMT_CLAIM, 2, pc);
        if (!r) {
            log_error("cannot claim a schedule: %s", db_last_error(d)->message);
            db_rollback(d);
            rc = 1;
            break;
        }
        if (db_rows(r) == 0) {
            db_free(r);
            db_rollback(d);
            break;
        }
        last = db_int(r, 0, 0);
        db_free(r);
        if (handle(d, a, last, today) != 0 || db_commit(d) != 0) {
            db_rollback(d);
            failed++;
            continue;
        }
        done++;
    }
    log_info("%s: %d schedule(s) handled, %d failed", today, done, failed);
    arena_free(a);
    db_close(d);
    return rc || failed ? 1 : 0;
}
