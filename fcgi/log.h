/* log.h — one line per event to stderr (the journal under systemd).
 * Never pass a password, token or request body to these functions. */
#ifndef THIDUA_LOG_H
#define THIDUA_LOG_H

void log_set_tag(const char *tag); /* e.g. "master", "worker 3"; the string must outlive its use */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
