#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "metrics.h"
#include "worker.h"

enum { MAX_WORKERS = 256 };

typedef struct worker_slot {
    pid_t pid;
    unsigned generation;
} worker_slot;

static volatile sig_atomic_t got_term, got_hup, got_chld;
static worker_slot slots[MAX_WORKERS * 2];
static unsigned generation;
static int tcp_fd = -1; /* listen =, beside the Unix socket (fd below; -1 when none) */

static void on_signal(int sig)
{
    if (sig == SIGTERM || sig == SIGINT)
        got_term = 1;
    else if (sig == SIGHUP)
        got_hup = 1;
    else if (sig == SIGCHLD)
        got_chld = 1;
}

/* The root phase. `serve` started as root (the local stack, or by hand)
 * binds the socket and drops to the service user. Those paths lie in a
 * directory the service user may write (var/run in the local stack), so
 * that user could put a symbolic link, a hard link or a FIFO where the
 * socket or the pidfile goes, and root's chown, chmod or open would act on
 * the target (/etc/shadow, say). The rule here: root does nothing in such
 * a directory with its own rights.
 *
 * - The socket is bound with the service user's effective uid and the web
 *   server's group as effective gid (no supplementary group): the kernel
 *   creates it owned by user:group, mode 0666 & ~umask(0117) = 0660. No
 *   chown or chmod on a path, no CAP_CHOWN; the stale socket is removed
 *   with the same rights, and only if lstat says it is a socket. Whatever
 *   a link there points to, the work is done with rights the user already
 *   has. fchown/fchmod on the socket's descriptor would not do: on Linux
 *   they change the socket's own inode, not the file at the path, and the
 *   path's mode is what connect() checks.
 * - The pidfile is written after the drop, as the service user: the one
 *   who removes it at exit is then the one who created it, and root never
 *   opens it. It is still opened with O_NOFOLLOW and refused unless it is
 *   a regular file with one link, for a directory writable by others.
 *
 * The socket's directory is opened with O_DIRECTORY|O_NOFOLLOW and the
 * socket reached relative to it (fstatat, unlinkat, bind after fchdir), so
 * the name checked is the name used. */

/* Root switches its effective ids to uid:gid (with no supplementary group)
 * for file-system work; the real and saved uid stay 0, so become_root comes
 * back. -1 on failure (logged). */
static int become_user(uid_t uid, gid_t gid)
{
    if (setgroups(0, NULL) != 0 || setegid(gid) != 0 || seteuid(uid) != 0) {
        log_error("cannot take the ids %ld:%ld: %s", (long)uid, (long)gid, strerror(errno));
        return -1;
    }
    return 0;
}

/* Back to euid 0 and the given effective gid after become_user. */
static int become_root(gid_t egid)
{
    if (seteuid(0) != 0 || setegid(egid) != 0) {
        log_error("cannot take back root after binding: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* No core file and no ptrace by the service user, at any time: a worker's
 * memory holds session tokens and the database password. The kernel resets
 * the flag to fs.suid_dumpable on every change of ids, so this is called
 * again after each one, and in every worker. */
static void make_undumpable(void)
{
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        log_error("cannot set RLIMIT_CORE to 0: %s", strerror(errno));
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        log_error("cannot make the process non-dumpable: %s", strerror(errno));
}

/* Splits path into its directory (opened O_DIRECTORY|O_NOFOLLOW|O_PATH,
 * "." when the path has no slash) and its last component, copied to name.
 * Returns the directory's descriptor, or -1 (logged). */
static int open_parent(const char *path, char *name, size_t name_cap)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char dir[PATH_MAX];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) >= sizeof dir) {
        log_error("%s: path too long", path);
        return -1;
    } else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (!base[0] || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strlen(base) >= name_cap) {
        log_error("%s: not a usable file name", path);
        return -1;
    }
    snprintf(name, name_cap, "%s", base);
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        log_error("cannot open the directory %s: %s%s", dir, strerror(errno),
                  errno == ENOTDIR || errno == ELOOP ? " (a symbolic link is refused)" : "");
    return dfd;
}

/* What to check when the socket's directory refuses the service user. */
static const char *user_hint(int err)
{
    return err == EACCES && getuid() == 0 ? " (as root, the socket is made as the service user: its directory "
                                            "must be theirs to write)"
                                          : "";
}

/* Removes name in dfd if it is a socket (a stale one from an earlier run);
 * nothing there is fine; anything else is refused. 0 or -1 (logged). */
static int remove_stale_socket(int dfd, const char *name, const char *path)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return 0;
        log_error("cannot stat %s: %s%s", path, strerror(errno), user_hint(errno));
        return -1;
    }
    if (!S_ISSOCK(st.st_mode)) {
        log_error("%s exists and is not a socket: refusing to replace it", path);
        return -1;
    }
    if (unlinkat(dfd, name, 0) != 0) {
        log_error("cannot remove the stale socket %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* bind() takes a path, not a directory descriptor: bind the bare name from
 * inside the directory. serve_bind_socket goes back to the working
 * directory afterwards, with its own rights: the service user may have
 * none on it (root started from a home directory of mode 0700). */
static int bind_in(int fd, int dfd, const char *name)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", name);
    if (fchdir(dfd) != 0)
        return -1;
    mode_t old = umask(0117);
    int rc = bind(fd, (const struct sockaddr *)&sa, sizeof sa);
    int saved = errno;
    umask(old);
    errno = saved;
    return rc;
}

/* The work of serve_bind_socket, with the ids already switched. */
static int bind_socket_as(const char *path, gid_t gid)
{
    struct sockaddr_un sa;
    char name[sizeof sa.sun_path];
    int fd = -1;
    int dfd = open_parent(path, name, sizeof name);
    if (dfd < 0)
        return -1;
    /* After this point, all errors use goto err. */
    if (remove_stale_socket(dfd, name, path) != 0)
        goto err;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind_in(fd, dfd, name) != 0 || listen(fd, 512) != 0) {
        log_error("cannot bind %s: %s%s", path, strerror(errno), user_hint(errno));
        goto err;
    }
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISSOCK(st.st_mode)) {
        log_error("%s changed under us after bind: refusing it", path);
        goto err;
    }
    /* A set-group-ID directory gives its own group, a default ACL its own
     * mode: correct them, still with the user's rights and without
     * following a link. */
    if (st.st_gid != gid && fchownat(dfd, name, (uid_t)-1, gid, AT_SYMLINK_NOFOLLOW) != 0) {
        log_error("cannot give %s to group %ld: %s", path, (long)gid, strerror(errno));
        goto err;
    }
    if ((st.st_mode & 07777) != 0660 && fchmodat(dfd, name, 0660, AT_SYMLINK_NOFOLLOW) != 0) {
        log_error("cannot set the mode of %s: %s", path, strerror(errno));
        goto err;
    }
    close(dfd);
    return fd;

err:
    if (fd >= 0)
        close(fd);
    close(dfd);
    return -1;
}

/* The socket, made with the service user's ids when root (see above). */
static int bind_socket(const char *path, uid_t uid, gid_t gid)
{
    if (geteuid() != 0)
        return bind_socket_as(path, gid);
    gid_t egid = getegid();
    if (become_user(uid, gid) != 0) {
        become_root(egid);
        return -1;
    }
    int fd = bind_socket_as(path, gid);
    if (become_root(egid) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    make_undumpable();
    return fd;
}

int serve_bind_socket(const char *path, uid_t uid, gid_t gid)
{
    /* The working directory, kept and taken back with the caller's own
     * rights (bind_in leaves it for the socket's directory). */
    int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (cwd < 0) {
        log_error("cannot open the working directory: %s", strerror(errno));
        return -1;
    }
    int fd = bind_socket(path, uid, gid);
    if (fchdir(cwd) != 0) {
        log_error("cannot return to the working directory: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    close(cwd);
    return fd;
}

int serve_write_pidfile(const char *path)
{
    /* O_NONBLOCK: a FIFO put there fails at once (ENXIO) instead of
     * blocking the start. No O_TRUNC before fstat has said what it is. */
    int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    if (fd < 0) {
        log_error("cannot write %s: %s%s", path, strerror(errno),
                  errno == ELOOP ? " (a symbolic link is refused)" : "");
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
        log_error("%s is not a regular file with a single link: refusing to write it", path);
        close(fd);
        return -1;
    }
    char text[32];
    int n = snprintf(text, sizeof text, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || write(fd, text, (size_t)n) != n) {
        log_error("cannot write %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (close(fd) != 0) {
        log_error("cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Removes path at exit if it is still a socket (not through a link). */
static void remove_socket(const char *path)
{
    char name[sizeof((struct sockaddr_un *)0)->sun_path];
    int dfd = open_parent(path, name, sizeof name);
    if (dfd < 0)
        return;
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISSOCK(st.st_mode))
        unlinkat(dfd, name, 0);
    close(dfd);
}

/* systemd socket activation (sd_listen_fds(3), without libsystemd): the
 * listening socket arrives as descriptor 3 when LISTEN_PID is this process
 * and LISTEN_FDS is 1. Returns 3, -2 when no socket was passed, or -1 when
 * one was passed wrongly (logged). */
static int inherited_socket(void)
{
    const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
    if (!pid || !fds)
        return -2;
    char *end;
    errno = 0;
    long p = strtol(pid, &end, 10);
    if (errno || *end || p != (long)getpid())
        return -2; /* meant for another process */
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    if (strcmp(fds, "1") != 0) {
        log_error("systemd passed %s sockets: the socket unit must listen on exactly one", fds);
        return -1;
    }
    int type = 0, listening = 0;
    socklen_t len = sizeof type;
    if (getsockopt(3, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) {
        log_error("descriptor 3 from systemd is not a stream socket");
        return -1;
    }
    len = sizeof listening;
    if (getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) {
        log_error("descriptor 3 from systemd is not listening");
        return -1;
    }
    fcntl(3, F_SETFD, FD_CLOEXEC);
    return 3;
}

/* The socket systemd passed (logged when its path is not `socket =`), or
 * one bound here. *own is set when it was bound here: removed at exit. */
static int open_socket(const config *cfg, uid_t uid, gid_t gid, bool *own)
{
    int fd = inherited_socket();
    *own = fd == -2;
    if (fd != -2) {
        struct sockaddr_un sa = {0};
        socklen_t len = sizeof sa;
        if (fd >= 0 && getsockname(fd, (struct sockaddr *)&sa, &len) == 0 && sa.sun_family == AF_UNIX
            && strncmp(sa.sun_path, cfg->socket, sizeof sa.sun_path) != 0)
            log_info("listening on the socket from systemd (%.*s), not socket = %s",
                     (int)sizeof sa.sun_path, sa.sun_path, cfg->socket);
        return fd;
    }
    return serve_bind_socket(cfg->socket, uid, gid);
}

static int drop_root(const struct passwd *pw)
{
    if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        log_error("cannot drop to user %s: %s", pw->pw_name, strerror(errno));
        return -1;
    }
    if (setuid(0) == 0 || geteuid() == 0) {
        log_error("root could be regained after dropping privileges: refusing to run");
        return -1;
    }
    return 0;
}

static pid_t spawn(const config *cfg, int fd)
{
    pid_t pid = fork();
    if (pid == 0) {
        static char tag[32];
        snprintf(tag, sizeof tag, "worker");
        log_set_tag(tag);
        make_undumpable();
        /* Signals stay blocked until worker_run has its own handlers:
         * the master's would only set the master's flags in this copy. */
        exit(worker_run(cfg, fd, tcp_fd));
    }
    if (pid < 0)
        log_error("fork failed: %s", strerror(errno));
    return pid;
}

static void start_generation(const config *cfg, int fd)
{
    generation++;
    int started = 0;
    for (size_t i = 0; i < sizeof slots / sizeof slots[0] && started < cfg->workers; i++) {
        if (slots[i].pid != 0)
            continue;
        pid_t pid = spawn(cfg, fd);
        if (pid > 0) {
            slots[i].pid = pid;
            slots[i].generation = generation;
            started++;
        }
    }
}

static int live_workers(void)
{
    int n = 0;
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
        n += slots[i].pid != 0;
    return n;
}

static void signal_generation(unsigned gen, bool older, int sig)
{
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
        if (slots[i].pid && (older ? slots[i].generation < gen : slots[i].generation == gen))
            kill(slots[i].pid, sig);
}

/* Collects dead children; restarts those of the current generation unless
 * shutting down. */
static void reap(const config *cfg, int fd, bool restart)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
            if (slots[i].pid != pid)
                continue;
            slots[i].pid = 0;
            bool current = slots[i].generation == generation;
            if (restart && current) {
                log_error("worker %ld died (%s %d); starting another", (long)pid,
                          WIFSIGNALED(status) ? "signal" : "status",
                          WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
                metrics_worker_restart();
                pid_t np = spawn(cfg, fd);
                if (np > 0)
                    slots[i].pid = np;
            }
        }
    }
}

/* true while a worker of an older generation (told to stop by a reload)
 * is still alive. */
static bool old_workers_alive(void)
{
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
        if (slots[i].pid && slots[i].generation < generation)
            return true;
    return false;
}

static void drain(const config *cfg)
{
    signal_generation(generation + 1, true, SIGTERM);
    struct timespec start, now, tick = {0, 20 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &start);
    time_t last_signal = start.tv_sec;
    while (live_workers() > 0) {
        reap(cfg, -1, false);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > last_signal) {
            /* Again each second: a SIGTERM that landed between a worker's
             * check of its stop flag and its accept() left it asleep in
             * accept(); another one interrupts the call. A busy worker
             * holds it blocked until its request is answered. */
            signal_generation(generation + 1, true, SIGTERM);
            last_signal = now.tv_sec;
        }
        if (now.tv_sec - start.tv_sec >= cfg->drain_timeout) {
            log_error("drain timeout: killing %d worker(s)", live_workers());
            signal_generation(generation + 1, true, SIGKILL);
            while (live_workers() > 0 && waitpid(-1, NULL, 0) > 0)
                reap(cfg, -1, false);
            for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
                slots[i].pid = 0;
            break;
        }
        nanosleep(&tick, NULL);
    }
}

int serve_main(config *cfg)
{
    log_set_tag("master");
    make_undumpable();
    uid_t uid = getuid();
    gid_t gid = getgid();
    const struct passwd *pw = NULL;
    if (geteuid() == 0) {
        pw = getpwnam(cfg->user);
        if (!pw) {
            log_error("user %s does not exist (create it, or set user = in %s)", cfg->user, cfg->path);
            return 1;
        }
        uid = pw->pw_uid;
        const struct group *gr = getgrnam(cfg->socket_group);
        if (!gr) {
            log_error("group %s does not exist (set socket_group = in the configuration)", cfg->socket_group);
            return 1;
        }
        gid = gr->gr_gid;
    }
    bool own_socket = false;
    int fd = -1;
    if (cfg->socket[0] || getenv("LISTEN_FDS")) {
        fd = open_socket(cfg, uid, gid, &own_socket);
        if (fd < 0)
            return 1;
    }
    if (cfg->listen[0]) {
        /* Bound before dropping root: a port below 1024 is then possible. */
        tcp_fd = listen_bind_tcp(cfg->listen);
        if (tcp_fd < 0)
            return 1;
    }
    if (fd < 0 && tcp_fd < 0) {
        log_error("neither socket nor listen is set in %s: nothing to serve on", cfg->path[0] ? cfg->path : "the configuration");
        return 1;
    }
    /* The workers poll both listeners and accept themselves (worker.c):
     * a listener that another worker emptied first must not block. */
    if (fd >= 0)
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (pw && drop_root(pw) != 0)
        return 1;
    make_undumpable();
    if (cfg->pidfile[0] && serve_write_pidfile(cfg->pidfile) != 0) {
        if (own_socket)
            remove_socket(cfg->socket);
        return 1;
    }
    if (metrics_init() != 0) {
        log_error("cannot map shared metrics");
        return 1;
    }

    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &waitmask);
    sigdelset(&waitmask, SIGTERM);
    sigdelset(&waitmask, SIGINT);
    sigdelset(&waitmask, SIGHUP);
    sigdelset(&waitmask, SIGCHLD);

    if (cfg->workers > MAX_WORKERS)
        cfg->workers = MAX_WORKERS;
    start_generation(cfg, fd);
    log_info("serving on %s%s%s with %d workers", fd >= 0 ? cfg->socket : "", fd >= 0 && tcp_fd >= 0 ? " and " : "",
             tcp_fd >= 0 ? cfg->listen : "", cfg->workers);
    static config next;
    while (!got_term) {
        /* While workers of an older generation linger after a reload, wake
         * each second to tell them again (see drain). */
        struct timespec second = {1, 0};
        if (pselect(0, NULL, NULL, NULL, old_workers_alive() ? &second : NULL, &waitmask) == 0)
            signal_generation(generation, true, SIGTERM);
        if (got_chld) {
            got_chld = 0;
            reap(cfg, fd, !got_term);
        }
        if (got_hup && !got_term) {
            got_hup = 0;
            char err[512];
            if (config_load(&next, cfg->path[0] ? cfg->path : NULL, err, sizeof err) != 0) {
                log_error("reload refused: %s", err);
                continue;
            }
            if (strcmp(next.socket, cfg->socket) != 0)
                log_error("reload: a new socket path takes a restart; keeping %s", cfg->socket);
            snprintf(next.socket, sizeof next.socket, "%s", cfg->socket);
            if (strcmp(next.listen, cfg->listen) != 0)
                log_error("reload: a new listen address takes a restart; keeping %s", cfg->listen[0] ? cfg->listen : "none");
            snprintf(next.listen, sizeof next.listen, "%s", cfg->listen);
            if (next.workers > MAX_WORKERS)
                next.workers = MAX_WORKERS;
            *cfg = next;
            unsigned old = generation;
            start_generation(cfg, fd);
            signal_generation(old + 1, true, SIGTERM);
            log_info("configuration reloaded: %d workers", cfg->workers);
        }
    }
    log_info("stopping: draining in-flight requests");
    drain(cfg);
    /* A socket from systemd stays: its socket unit owns the path. */
    if (own_socket)
        remove_socket(cfg->socket);
    if (tcp_fd >= 0)
        close(tcp_fd);
    if (cfg->pidfile[0])
        unlink(cfg->pidfile);
    log_info("stopped");
    return 0;
}
