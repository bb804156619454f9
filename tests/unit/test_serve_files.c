/* test_serve_files.c — the two files `thidua serve` makes in a directory
 * the service user may write (fcgi/serve.h): the FastCGI socket and the
 * pidfile. A symbolic link (or a FIFO, a hard link, a regular file where
 * the socket goes) put at the path is refused, and what it points to is
 * left as it was. Run as root (as the test suite is), the socket is made
 * for nobody:nogroup in a directory of theirs, as `serve` makes it for
 * thidua:www-data, and root's ids are back afterwards. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "serve.h"

static char dir[64];          /* the directory the service user may write */
static char outside[64];      /* holds the files a link points to */
static uid_t owner;           /* whom the socket is for */
static gid_t group;

static void path_in(char *out, size_t cap, const char *d, const char *name)
{
    snprintf(out, cap, "%s/%s", d, name);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(close(fd), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static void assert_text(const char *path, const char *want)
{
    char got[256] = {0};
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    ssize_t n = read(fd, got, sizeof got - 1);
    close(fd);
    assert_true(n >= 0);
    assert_string_equal(got, want);
}

/* The target of every link: root's, 0600, with some content. */
static void make_target(char *out, size_t cap)
{
    path_in(out, cap, outside, "shadow");
    write_text(out, "root:secret\n", 0600);
}

static void assert_target_untouched(const char *target)
{
    struct stat st;
    assert_int_equal(lstat(target, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(st.st_uid, geteuid());
    assert_int_equal(st.st_gid, getegid());
    assert_text(target, "root:secret\n");
}

static int remove_all(const char *d)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    return system(cmd);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/thidua-serve-XXXXXX");
    snprintf(outside, sizeof outside, "/tmp/thidua-outside-XXXXXX");
    if (!mkdtemp(dir) || !mkdtemp(outside))
        return -1;
    owner = getuid();
    group = getgid();
    if (geteuid() == 0) {
        const struct passwd *pw = getpwnam("nobody");
        const struct group *gr = getgrnam("nogroup");
        if (!pw || !gr)
            return -1;
        owner = pw->pw_uid;
        group = gr->gr_gid;
        if (chown(dir, owner, pw->pw_gid) != 0)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove_all(dir);
    remove_all(outside);
    return 0;
}

static int clean(void **state)
{
    (void)state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'/* '%s'/*", dir, outside);
    return system(cmd) == 0 ? 0 : -1;
}

static void pidfile_written(void **state)
{
    (void)state;
    char path[128], want[32];
    path_in(path, sizeof path, dir, "thidua.pid");
    write_text(path, "a longer stale content than a pid\n", 0644);
    assert_int_equal(serve_write_pidfile(path), 0);
    snprintf(want, sizeof want, "%ld\n", (long)getpid());
    assert_text(path, want);
}

static void pidfile_symlink_refused(void **state)
{
    (void)state;
    char path[128], target[128];
    make_target(target, sizeof target);
    path_in(path, sizeof path, dir, "thidua.pid");
    assert_int_equal(symlink(target, path), 0);
    assert_int_equal(serve_write_pidfile(path), -1);
    assert_target_untouched(target);
}

static void pidfile_dangling_symlink_refused(void **state)
{
    (void)state;
    char path[128], target[128];
    path_in(target, sizeof target, outside, "created");
    path_in(path, sizeof path, dir, "thidua.pid");
    assert_int_equal(symlink(target, path), 0);
    assert_int_equal(serve_write_pidfile(path), -1);
    assert_int_equal(access(target, F_OK), -1); /* O_CREAT did not follow */
}

static void pidfile_hardlink_refused(void **state)
{
    (void)state;
    char path[128], target[128];
    make_target(target, sizeof target);
    path_in(path, sizeof path, dir, "thidua.pid");
    assert_int_equal(link(target, path), 0);
    assert_int_equal(serve_write_pidfile(path), -1);
    assert_target_untouched(target);
}

/* A FIFO would block open() for writing until someone reads it. */
static void pidfile_fifo_refused(void **state)
{
    (void)state;
    char path[128];
    path_in(path, sizeof path, dir, "thidua.pid");
    assert_int_equal(mkfifo(path, 0644), 0);
    alarm(5);
    assert_int_equal(serve_write_pidfile(path), -1);
    alarm(0);
}

static void assert_ids_back(uid_t euid, gid_t egid)
{
    assert_int_equal(geteuid(), euid);
    assert_int_equal(getegid(), egid);
}

static void socket_bound(void **state)
{
    (void)state;
    char path[128];
    path_in(path, sizeof path, dir, "thidua.sock");
    uid_t euid = geteuid();
    gid_t egid = getegid();
    int fd = serve_bind_socket(path, owner, group);
    assert_true(fd >= 0);
    assert_ids_back(euid, egid);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0660);
    assert_int_equal(st.st_uid, owner);
    assert_int_equal(st.st_gid, group);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);

    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    assert_int_equal(connect(c, (struct sockaddr *)&sa, sizeof sa), 0);
    close(c);
    close(fd);

    /* The file left by that run is a stale socket: replaced. */
    fd = serve_bind_socket(path, owner, group);
    assert_true(fd >= 0);
    close(fd);
}

/* Started from a directory the service user cannot enter (root's home, a
 * 0700 clone): the socket is still made, and the working directory is
 * the same afterwards. */
static void socket_bound_from_a_private_directory(void **state)
{
    (void)state;
    char here[4096], private_dir[] = "/tmp/thidua-cwd-XXXXXX", path[128];
    assert_non_null(getcwd(here, sizeof here));
    assert_non_null(mkdtemp(private_dir)); /* 0700, the caller's */
    assert_int_equal(chdir(private_dir), 0);
    path_in(path, sizeof path, dir, "thidua.sock");
    int fd = serve_bind_socket(path, owner, group);
    char after[4096];
    assert_non_null(getcwd(after, sizeof after));
    assert_int_equal(chdir(here), 0);
    rmdir(private_dir);
    assert_true(fd >= 0);
    assert_string_equal(after, private_dir);
    close(fd);
}

static void socket_symlink_refused(void **state)
{
    (void)state;
    char path[128], target[128];
    make_target(target, sizeof target);
    path_in(path, sizeof path, dir, "thidua.sock");
    assert_int_equal(symlink(target, path), 0);
    uid_t euid = geteuid();
    gid_t egid = getegid();
    assert_int_equal(serve_bind_socket(path, owner, group), -1);
    assert_ids_back(euid, egid);
    assert_target_untouched(target);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISLNK(st.st_mode)); /* not removed either */
}

static void socket_over_file_refused(void **state)
{
    (void)state;
    char path[128];
    path_in(path, sizeof path, dir, "thidua.sock");
    write_text(path, "not a socket\n", 0600);
    assert_int_equal(serve_bind_socket(path, owner, group), -1);
    assert_text(path, "not a socket\n");
}

/* The directory itself a link (to a directory the user may not write). */
static void socket_directory_symlink_refused(void **state)
{
    (void)state;
    char linked[128], path[160];
    path_in(linked, sizeof linked, dir, "run");
    assert_int_equal(symlink(outside, linked), 0);
    path_in(path, sizeof path, linked, "thidua.sock");
    assert_int_equal(serve_bind_socket(path, owner, group), -1);
    char inside[128];
    path_in(inside, sizeof inside, outside, "thidua.sock");
    assert_int_equal(access(inside, F_OK), -1);
}

/* As root the socket is made with the user's rights: in a directory only
 * root may write, it cannot be made at all. */
static void socket_needs_users_directory(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    char path[128];
    path_in(path, sizeof path, outside, "thidua.sock");
    assert_int_equal(serve_bind_socket(path, owner, group), -1);
    assert_int_equal(access(path, F_OK), -1);
    assert_ids_back(0, getgid());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(pidfile_written, clean),
        cmocka_unit_test_teardown(pidfile_symlink_refused, clean),
        cmocka_unit_test_teardown(pidfile_dangling_symlink_refused, clean),
        cmocka_unit_test_teardown(pidfile_hardlink_refused, clean),
        cmocka_unit_test_teardown(pidfile_fifo_refused, clean),
        cmocka_unit_test_teardown(socket_bound, clean),
        cmocka_unit_test_teardown(socket_bound_from_a_private_directory, clean),
        cmocka_unit_test_teardown(socket_symlink_refused, clean),
        cmocka_unit_test_teardown(socket_over_file_refused, clean),
        cmocka_unit_test_teardown(socket_directory_symlink_refused, clean),
        cmocka_unit_test_teardown(socket_needs_users_directory, clean),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
