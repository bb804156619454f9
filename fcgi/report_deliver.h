/* report_deliver.h — `thidua report deliver`: drains the reports' outbox
 * (report_deliveries, queued by the approval; reports.md "Delivery";
 * the receivers' contract is deploy/reports.md).
 *
 * Modelled on `thidua push` (push.h): each delivery is claimed with FOR
 * UPDATE SKIP LOCKED and leased (state 'sending', leased_until, a lease
 * token) in a transaction committed before anything is sent, so several
 * deliverers, on one host or several, never send one delivery at the same
 * time, and one killed mid-send leaves a row that is claimable again when
 * its lease ends. Every attempt is recorded (report_delivery_attempts);
 * its outcome and the report's state are written in one transaction that
 * first locks the report, so two deliverers finishing two deliveries of
 * one report agree on it: delivered when every delivery is sent,
 * delivery_failed as soon as one gave up.
 *
 * HTTPS: one multipart/form-data POST (the report's JSON, the PDF, the
 * XLSX) whose boundary comes from the delivery's idempotency key, so every
 * attempt sends the same bytes; signed like the portal (HMAC-SHA256 of
 * "<timestamp>.<body>"), Idempotency-Key the delivery's key, the
 * certificate verified (report_ca_file). Retries, Retry-After and
 * refusals as push.
 * E-mail: SMTP through libcurl with STARTTLS required (CURLUSESSL_ALL) and
 * the server's certificate verified, AUTH from smtp_credentials_file, a
 * MIME message (libcurl mime) with a Vietnamese subject (RFC 2047), a
 * Vietnamese body and both files attached, and a Message-ID made from the
 * report and the destination, the same on every attempt. Attachments over
 * report_attachment_limit fail the delivery at once, nothing sent. */
#ifndef THIDUA_REPORT_DELIVER_H
#define THIDUA_REPORT_DELIVER_H
#include <stddef.h>

#include "config.h"

/* `thidua report deliver [--once] [--pidfile FILE]`: runs until SIGTERM
 * (or, with --once, until nothing is due). Returns the exit status. */
int report_deliver_main(const config *cfg, int argc, char **argv);

/* An RFC 2047 header value for UTF-8 text: encoded-words "=?UTF-8?B?...?="
 * of at most 75 characters each, cut between characters, separated by a
 * space (which a reader drops between two encoded-words). Pure ASCII
 * printable text is copied as it is. out holds cap bytes; returns 0, or
 * -1 when it does not fit. */
int report_rfc2047(const char *text, char *out, size_t cap);

/* The Message-ID of the e-mail of report to destination:
 * "<report-R.dest-D@domain>". out holds cap bytes. */
void report_message_id(long long report, long long destination, const char *domain, char *out, size_t cap);

/* The Message-ID of the notice of event ("drafted", "late") about report
 * to user: "<report-R.EVENT.user-U@domain>". out holds cap bytes. */
void report_notice_message_id(long long report, const char *event, long long user, const char *domain, char *out,
                              size_t cap);

#endif
