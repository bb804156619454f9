#include "config.h"

#include "listen.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void set_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

/* The directory holding the running binary's parent (the source tree when
 * run from bin/), or "" when unknown. */
static void tree_root(char *out, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    out[0] = '\0';
    if (n <= 0)
        return;
    exe[n] = '\0';
    for (int i = 0; i < 2; i++) { /* strip "/thidua", then "/bin" */
        char *slash = strrchr(exe, '/');
        if (!slash)
            return;
        *slash = '\0';
    }
    set_str(out, cap, exe);
}

static void defaults(config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    char root[PATH_MAX];
    tree_root(root, sizeof root);
    set_str(cfg->database_url, sizeof cfg->database_url, "postgresql:///thidua");
    set_str(cfg->socket, sizeof cfg->socket, "/run/thidua/thidua.sock");
    set_str(cfg->socket_group, sizeof cfg->socket_group, "www-data");
    set_str(cfg->user, sizeof cfg->user, "thidua");
    if (root[0] && snprintf(cfg->sql_dir, sizeof cfg->sql_dir, "%s/sql", root) < (int)sizeof cfg->sql_dir
        && access(cfg->sql_dir, R_OK) == 0) {
        /* running from a source tree */
    } else {
        set_str(cfg->sql_dir, sizeof cfg->sql_dir, "/usr/local/share/thidua/sql");
    }
    cfg->workers = 0;
    cfg->body_limit = 1024 * 1024;
    cfg->import_body_limit = 32 * 1024 * 1024;
    cfg->session_ttl = 8 * 3600;
    cfg->drain_timeout = 30;
    cfg->cookie_secure = false;
    cfg->login_max_failures = 5;
    cfg->login_window = 15 * 60;
    cfg->login_lockout = 15 * 60;
    cfg->login_lockout_max = 4 * 3600;
    cfg->portal_connect_timeout = 10;
    cfg->portal_timeout = 30;
    cfg->push_interval = 2;
    cfg->push_max_attempts = 20;
    cfg->push_backoff_min = 5;
    cfg->push_backoff_max = 900;
    cfg->push_lease = 0;
    cfg->report_timeout = 300;
    cfg->report_max_attempts = 20;
    cfg->report_attachment_limit = 30L * 1024 * 1024;
    set_str(cfg->listen_allow, sizeof cfg->listen_allow, "127.0.0.1");
    cfg->replica_max_lag = 16L * 1024 * 1024;
    cfg->replica_retry = 5;
}

/* database_read_url: each key in the file adds one replica. */
static int add_read_url(config *cfg, const char *val)
{
    size_t have = strlen(cfg->database_read_url);
    if (!*val || strchr(val, ' ') || have + 1 + strlen(val) >= sizeof cfg->database_read_url)
        return -1;
    snprintf(cfg->database_read_url + have, sizeof cfg->database_read_url - have, "%s%s", have ? " " : "", val);
    return 0;
}

static int parse_long(const char *v, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < min || n > max)
        return -1;
    *out = n;
    return 0;
}

static int parse_bool(const char *v, bool *out)
{
    if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
        *out = v[0] == 't';
        return 0;
    }
    return -1;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static int apply(config *cfg, const char *key, const char *val)
{
    long n;
    struct { const char *key; char *dst; size_t cap; } strs[] = {
        {"database_url", cfg->database_url, sizeof cfg->database_url},
        {"database_owner_url", cfg->database_owner_url, sizeof cfg->database_owner_url},
        {"socket", cfg->socket, sizeof cfg->socket},
        {"listen", cfg->listen, sizeof cfg->listen},
        {"listen_allow", cfg->listen_allow, sizeof cfg->listen_allow},
        {"socket_group", cfg->socket_group, sizeof cfg->socket_group},
        {"user", cfg->user, sizeof cfg->user},
        {"sql_dir", cfg->sql_dir, sizeof cfg->sql_dir},
        {"pidfile", cfg->pidfile, sizeof cfg->pidfile},
        {"portal_url", cfg->portal_url, sizeof cfg->portal_url},
        {"portal_secret", cfg->portal_secret, sizeof cfg->portal_secret},
        {"portal_secret_file", cfg->portal_secret_file, sizeof cfg->portal_secret_file},
        {"portal_ca_file", cfg->portal_ca_file, sizeof cfg->portal_ca_file},
        {"report_secret_file", cfg->report_secret_file, sizeof cfg->report_secret_file},
        {"report_secrets_dir", cfg->report_secrets_dir, sizeof cfg->report_secrets_dir},
        {"report_ca_file", cfg->report_ca_file, sizeof cfg->report_ca_file},
        {"smtp_url", cfg->smtp_url, sizeof cfg->smtp_url},
        {"smtp_credentials_file", cfg->smtp_credentials_file, sizeof cfg->smtp_credentials_file},
        {"smtp_from", cfg->smtp_from, sizeof cfg->smtp_from},
        {"report_mail_domain", cfg->report_mail_domain, sizeof cfg->report_mail_domain},
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        if (strcmp(key, strs[i].key) == 0) {
            if (strlen(val) >= strs[i].cap)
                return -1;
            set_str(strs[i].dst, strs[i].cap, val);
            return 0;
        }
    }
    if (strcmp(key, "database_read_url") == 0)
        return add_read_url(cfg, val);
    if (strcmp(key, "replica_max_lag") == 0 && parse_long(val, 0, LONG_MAX, &n) == 0)
        cfg->replica_max_lag = n;
    else if (strcmp(key, "replica_retry") == 0 && parse_long(val, 1, 3600, &n) == 0)
        cfg->replica_retry = n;
    else if (strcmp(key, "workers") == 0 && parse_long(val, 0, 256, &n) == 0)
        cfg->workers = (int)n;
    else if (strcmp(key, "body_limit") == 0 && parse_long(val, 1024, 1L << 30, &n) == 0)
        cfg->body_limit = (size_t)n;
    else if (strcmp(key, "import_body_limit") == 0 && parse_long(val, 1024, 1L << 31, &n) == 0)
        cfg->import_body_limit = (size_t)n;
    else if (strcmp(key, "session_ttl") == 0 && parse_long(val, 1, 90L * 86400, &n) == 0)
        cfg->session_ttl = n;
    else if (strcmp(key, "drain_timeout") == 0 && parse_long(val, 0, 3600, &n) == 0)
        cfg->drain_timeout = n;
    else if (strcmp(key, "cookie_secure") == 0)
        return parse_bool(val, &cfg->cookie_secure);
    else if (strcmp(key, "login_max_failures") == 0 && parse_long(val, 1, 1000, &n) == 0)
        cfg->login_max_failures = n;
    else if (strcmp(key, "login_window") == 0 && parse_long(val, 1, 86400, &n) == 0)
        cfg->login_window = n;
    else if (strcmp(key, "login_lockout") == 0 && parse_long(val, 1, 86400, &n) == 0)
        cfg->login_lockout = n;
    else if (strcmp(key, "login_lockout_max") == 0 && parse_long(val, 1, 7 * 86400, &n) == 0)
        cfg->login_lockout_max = n;
    else if (strcmp(key, "portal_connect_timeout") == 0 && parse_long(val, 1, 600, &n) == 0)
        cfg->portal_connect_timeout = n;
    else if (strcmp(key, "portal_timeout") == 0 && parse_long(val, 1, 3600, &n) == 0)
        cfg->portal_timeout = n;
    else if (strcmp(key, "push_interval") == 0 && parse_long(val, 1, 3600, &n) == 0)
        cfg->push_interval = n;
    else if (strcmp(key, "push_max_attempts") == 0 && parse_long(val, 1, 1000, &n) == 0)
        cfg->push_max_attempts = n;
    else if (strcmp(key, "push_backoff_min") == 0 && parse_long(val, 1, 86400, &n) == 0)
        cfg->push_backoff_min = n;
    else if (strcmp(key, "push_backoff_max") == 0 && parse_long(val, 1, 7 * 86400, &n) == 0)
        cfg->push_backoff_max = n;
    else if (strcmp(key, "push_lease") == 0 && parse_long(val, 0, 86400, &n) == 0)
        cfg->push_lease = n;
    else if (strcmp(key, "report_timeout") == 0 && parse_long(val, 1, 3600, &n) == 0)
        cfg->report_timeout = n;
    else if (strcmp(key, "report_max_attempts") == 0 && parse_long(val, 1, 1000, &n) == 0)
        cfg->report_max_attempts = n;
    else if (strcmp(key, "report_attachment_limit") == 0 && parse_long(val, 1024, 1L << 31, &n) == 0)
        cfg->report_attachment_limit = n;
    else
        return -1;
    return 0;
}

static const char *find_default_file(char *buf, size_t cap)
{
    const char *env = getenv("THIDUA_CONFIG");
    if (env && *env)
        return env;
    char root[PATH_MAX];
    tree_root(root, sizeof root);
    if (root[0] && snprintf(buf, cap, "%s/var/dev/thidua.conf", root) < (int)cap && access(buf, R_OK) == 0)
        return buf;
    if (access("/etc/thidua/thidua.conf", R_OK) == 0)
        return "/etc/thidua/thidua.conf";
    return NULL;
}

int config_load(config *cfg, const char *path, char *err, size_t errlen)
{
    char buf[PATH_MAX];
    defaults(cfg);
    if (!path)
        path = find_default_file(buf, sizeof buf);
    if (path) {
        FILE *f = fopen(path, "r");
        if (!f) {
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
            return -1;
        }
        set_str(cfg->path, sizeof cfg->path, path);
        char line[1024];
        int lineno = 0;
        while (fgets(line, sizeof line, f)) {
            lineno++;
            char *s = trim(line);
            if (!*s || *s == '#')
                continue;
            char *eq = strchr(s, '=');
            if (!eq) {
                snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
                fclose(f);
                return -1;
            }
            *eq = '\0';
            char *key = trim(s), *val = trim(eq + 1);
            if (apply(cfg, key, val) != 0) {
                snprintf(err, errlen, "%s:%d: bad setting '%s'", path, lineno, key);
                fclose(f);
                return -1;
            }
        }
        fclose(f);
    }
    const char *url = getenv("THIDUA_DATABASE_URL");
    const char *owner_url = getenv("THIDUA_DATABASE_OWNER_URL");
    if (url && *url) {
        set_str(cfg->database_url, sizeof cfg->database_url, url);
        cfg->database_owner_url[0] = '\0';
    }
    if (owner_url && *owner_url)
        set_str(cfg->database_owner_url, sizeof cfg->database_owner_url, owner_url);
    /* The scale-out keys from the environment (an empty value empties the key). */
    static const char *const env_keys[][2] = {
        {"THIDUA_LISTEN", "listen"},
        {"THIDUA_LISTEN_ALLOW", "listen_allow"},
        {"THIDUA_REPLICA_MAX_LAG", "replica_max_lag"},
        {"THIDUA_REPLICA_RETRY", "replica_retry"},
    };
    for (size_t i = 0; i < sizeof env_keys / sizeof env_keys[0]; i++) {
        const char *v = getenv(env_keys[i][0]);
        if (v && apply(cfg, env_keys[i][1], v) != 0) {
            snprintf(err, errlen, "%s: bad value '%s'", env_keys[i][0], v);
            return -1;
        }
    }
    const char *read_urls = getenv("THIDUA_DATABASE_READ_URL");
    if (read_urls) {
        if (strlen(read_urls) >= sizeof cfg->database_read_url) {
            snprintf(err, errlen, "THIDUA_DATABASE_READ_URL: too long");
            return -1;
        }
        set_str(cfg->database_read_url, sizeof cfg->database_read_url, read_urls);
    }
    if (cfg->listen[0]) {
        listen_addr a;
        listen_allow allow;
        if (listen_parse_addr(cfg->listen, &a, err, errlen) != 0 ||
            listen_parse_allow(cfg->listen_allow, &allow, err, errlen) != 0)
            return -1;
    }
    if (cfg->login_lockout_max < cfg->login_lockout) {
        snprintf(err, errlen, "%s: login_lockout_max (%ld) is shorter than login_lockout (%ld)",
                 path ? path : "configuration", cfg->login_lockout_max, cfg->login_lockout);
        return -1;
    }
    if (cfg->workers == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        cfg->workers = cores > 0 ? (int)cores : 1;
    }
    return 0;
}

const char *config_owner_url(const config *cfg)
{
    return cfg->database_owner_url[0] ? cfg->database_owner_url : cfg->database_url;
}
