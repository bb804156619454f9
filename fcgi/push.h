/* push.h — `thidua push`: delivers the publication outbox to the provincial
 * portal with libcurl (the contract is deploy/portal.md).
 *
 * Each row is claimed with FOR UPDATE SKIP LOCKED and leased (state
 * 'sending', leased_until) in a transaction committed before the HTTP call,
 * so several pushers never send one row at the same time and a pusher
 * killed mid-send leaves a row that becomes claimable again when its lease
 * ends. Every attempt of a row carries the same Idempotency-Key; the body
 * is signed with HMAC-SHA256. Timeouts, 408, 429 and 5xx are retried with
 * exponential backoff and jitter, except that the Retry-After of a 429 or
 * 503 (seconds or an HTTP date) is the wait when it asks for one, up to a
 * day; any other 4xx fails the row with the portal's answer kept.
 *
 * The helpers below are pure and exposed for the unit tests. */
#ifndef THIDUA_PUSH_H
#define THIDUA_PUSH_H
#include <stddef.h>
#include <time.h>

#include "config.h"

/* `thidua push [--once] [--pidfile FILE]`: runs until SIGTERM (or, with
 * --once, until nothing is due). Returns the process exit status. */
int push_main(const config *cfg, int argc, char **argv);

typedef enum { PUSH_SENT, PUSH_RETRY, PUSH_FAIL } push_outcome;

/* What an attempt's result means: transport_ok is 0 when libcurl got no
 * HTTP answer (timeout, refused, TLS), else status is the HTTP status. */
push_outcome push_classify(int transport_ok, long status);

/* Seconds to wait before retry number `attempt` (1 = after the first
 * failure): min * 2^(attempt-1), at most max, scaled by a jitter factor
 * in [0.5, 1] given as jitter01 in [0, 1]. */
double push_backoff(long attempt, long min, long max, double jitter01);

/* The seconds a Retry-After value asks to wait at now (unix seconds):
 * delay-seconds, or an HTTP date (RFC 9110: IMF-fixdate, or the obsolete
 * RFC 850 and asctime forms) less now, 0 for a date already past; at most
 * a day (a longer wait is taken as a day). -1 when value is neither.
 * Spaces and a CR LF around the value are ignored. */
long push_retry_after(const char *value, time_t now);

/* Seconds before the next attempt after an answer of status: retry_after
 * (from push_retry_after, -1 for none) on a 429 or 503 when it is more
 * than 0; else backoff. */
double push_retry_delay(long status, long retry_after, double backoff);

/* Lowercase hex HMAC-SHA256 of data under key; out holds 65 bytes. */
void push_hmac_hex(const char *key, size_t key_len, const char *data, size_t len, char out[65]);

/* The X-Thidua-Signature value for a body sent at timestamp (unix
 * seconds, as text): "sha256=" + hex HMAC of "<timestamp>.<body>".
 * out holds 72 bytes. */
void push_signature(const char *secret, const char *timestamp, const char *body, size_t len, char out[72]);

/* Copies text an outside server sent into dst (cap bytes, NUL-terminated)
 * so that it is valid UTF-8 without control characters other than
 * newline and tab: what cannot be kept becomes '?'. Cuts at a character
 * boundary. */
void push_clean_text(char *dst, size_t cap, const char *src, size_t len);

/* Is url one the pusher may send to: https://, or http:// to a loopback
 * host only (the local stand-in portal)? */
int push_url_allowed(const char *url);

/* Sets on curl (a CURL *) the options that bound whom an attempt trusts:
 * url, when push_url_allowed, with its scheme the only protocol, for
 * redirects too, and no redirect followed; the peer's certificate and
 * host name verified; with ca_file (may be ""), its CAs only. Every
 * result is checked: an option libcurl refuses (a build without that
 * protocol, a TLS backend without CA paths, no memory) would leave its
 * default, which trusts more. 0, or -1 with error (cap bytes) naming the
 * refused option: the attempt must not be made. */
int push_set_trust(void *curl, const char *url, const char *ca_file, char *error, size_t cap);

#endif
