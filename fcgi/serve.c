#include "serve.h"

#include <errno.h>
#include <fcgiapp.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static void on_signal(int sig)
{
    if (sig == SIGTERM || sig == SIGINT)
        got_term = 1;
    else if (sig == SIGHUP)
        got_hup = 1;
    else if (sig == SIGCHLD)
        got_chld = 1;
}

/* Binds the socket, connectable by the owner user and the web server's
 * group only. */
static int open_socket(const config *cfg, uid_t uid, gid_t gid)
{
    mode_t old = umask(0117);
    int fd = FCGX_OpenSocket(cfg->socket, 512);
    umask(old);
    if (fd < 0) {
        log_error("cannot bind %s: %s", cfg->socket, strerror(errno));
        return -1;
    }
    /* chmod while still ours: after the chown it would take CAP_FOWNER,
     * which the systemd unit does not grant. */
    if (chmod(cfg->socket, 0660) != 0 || chown(cfg->socket, uid, gid) != 0) {
        log_error("cannot set owner of %s: %s", cfg->socket, strerror(errno));
        return -1;
    }
    return fd;
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
        /* Signals stay blocked until worker_run has its own handlers:
         * the master's would only set the master's flags in this copy. */
        exit(worker_run(cfg, fd));
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

static void write_pidfile(const config *cfg)
{
    if (!cfg->pidfile[0])
        return;
    FILE *f = fopen(cfg->pidfile, "w");
    if (!f) {
        log_error("cannot write %s: %s", cfg->pidfile, strerror(errno));
        return;
    }
    fprintf(f, "%ld\n", (long)getpid());
    fclose(f);
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
    int fd = open_socket(cfg, uid, gid);
    if (fd < 0)
        return 1;
    write_pidfile(cfg);
    if (pw && (chown(cfg->pidfile, pw->pw_uid, pw->pw_gid), drop_root(pw) != 0))
        return 1;
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
    log_info("serving on %s with %d workers", cfg->socket, cfg->workers);
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
    unlink(cfg->socket);
    if (cfg->pidfile[0])
        unlink(cfg->pidfile);
    log_info("stopped");
    return 0;
}
