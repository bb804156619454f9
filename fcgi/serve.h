/* serve.h — `thidua serve`: the master binds the FastCGI socket (or takes
 * the one systemd passes), drops root, forks the workers, replaces any that
 * dies, reloads its configuration on SIGHUP (new workers first, then the
 * old ones finish their requests and leave) and on SIGTERM drains and
 * exits 0. serve.c explains what root does and does not do. */
#ifndef THIDUA_SERVE_H
#define THIDUA_SERVE_H

#include <sys/types.h>

#include "config.h"

int serve_main(config *cfg);

/* The two steps that touch a path in a directory the service user may
 * write. Exposed for tests/unit/test_serve_files.c only; serve_main is
 * their one caller in the program. Both refuse a symbolic link (or, for
 * the pidfile, anything but a regular file with one link) at the path and
 * leave its target alone. */

/* Binds a listening Unix socket at path, mode 0660, owned by uid:gid. As
 * root, every file-system step runs with uid and gid as effective ids (no
 * supplementary group), so the directory must be writable by uid; not root,
 * uid is ignored and the socket is the caller's, given group gid. A stale
 * socket at path is replaced; anything else there is refused. Returns the
 * descriptor (close-on-exec), or -1 (logged). */
int serve_bind_socket(const char *path, uid_t uid, gid_t gid);

/* Writes the process's pid and a newline to path, created 0644 (less the
 * umask) or truncated. Returns 0, or -1 (logged) when the path is a
 * symbolic link, a FIFO, a hard-linked file or cannot be written. */
int serve_write_pidfile(const char *path);

#endif
