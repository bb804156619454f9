/* report_run.h — `thidua report run`: one pass over the report schedules
 * (reports.md "Schedules"; api/report_schedules.c).
 *
 * A schedule whose draft_on has come (today: --today, else the day in
 * Vietnam) and that has no report gets its draft, generated as
 * POST /campaigns/{id}/reports does (report_make.h) by nobody (created_by
 * null), linked both ways (reports.schedule_id, report_schedules.report_id).
 * A schedule with auto_approve whose due_on has come and whose report is
 * still a draft has it approved as POST /reports/{id}/approve does, by
 * nobody (approved_by null), numbered "TĐ-<report id>/BC-<agency code>",
 * its deliveries queued (to the schedule's destinations; none named:
 * the agency's). The office and director see the draft, its due_on and,
 * after it, "late" in the campaign's reports, and each of them with an
 * address (users.email) is told by e-mail: a notice queued in the
 * transaction that makes the draft (event "drafted"), and one when a
 * draft is found after its due_on (event "late", once per schedule:
 * report_schedules.late_noticed); a draft made already after due_on is
 * told as late only. `thidua report deliver` sends them.
 *
 * Safe on several hosts at once: each schedule is claimed with SELECT ...
 * FOR UPDATE SKIP LOCKED and handled in one transaction (draft, link,
 * approval), and what it finds is read again under the lock, so two runs
 * never make two drafts of one schedule nor approve one twice. A
 * schedule that fails (logged) is left as it was for the next run; the
 * others still go. */
#ifndef THIDUA_REPORT_RUN_H
#define THIDUA_REPORT_RUN_H
#include "config.h"

/* `thidua report run [--today YYYY-MM-DD]`: exit status 0 when every due
 * schedule went through, 1 when one failed or the database is down, 2 on
 * bad usage. */
int report_run_main(const config *cfg, int argc, char **argv);

#endif
