/* config.h — settings of a thidua process, from a key = value file and the
 * environment (THIDUA_DATABASE_URL wins over the file's database_url, and
 * THIDUA_DATABASE_OWNER_URL over database_owner_url; THIDUA_LISTEN,
 * THIDUA_LISTEN_ALLOW, THIDUA_DATABASE_READ_URL, THIDUA_REPLICA_MAX_LAG and
 * THIDUA_REPLICA_RETRY over their keys).
 * config_load fills a config the caller owns; strings live inside it. */
#ifndef THIDUA_CONFIG_H
#define THIDUA_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

enum { CONFIG_STR = 512 };

typedef struct config {
    char path[CONFIG_STR];         /* file it was read from, "" for defaults only */
    char database_url[CONFIG_STR];       /* the application role: serve, push, user */
    char database_owner_url[CONFIG_STR]; /* the schema owner: migrate; "" = database_url */
    char socket[CONFIG_STR];       /* FastCGI Unix socket; "" = none (TCP only) */
    char listen[CONFIG_STR];       /* FastCGI on TCP, host:port (fcgi/listen.h); "" = none */
    char listen_allow[CONFIG_STR]; /* peers allowed on it, or "any"; default 127.0.0.1 */
    /* Read replicas (fcgi/dbroute.h): connection strings separated by
     * spaces (the file's key may be repeated, each line adding one). */
    char database_read_url[CONFIG_STR * 8];
    long long replica_max_lag;     /* bytes of WAL a replica's replay may trail the primary */
    long replica_retry;            /* seconds before a replica found down is tried again */
    char socket_group[64];         /* group of nginx's workers: may connect */
    char user[64];                 /* unprivileged user the master drops to when root */
    char sql_dir[CONFIG_STR];      /* holds migrations/ */
    char pidfile[CONFIG_STR];
    int workers;                   /* 0: one per core */
    size_t body_limit;             /* bytes of a JSON body */
    size_t import_body_limit;      /* bytes of a CSV import */
    long session_ttl;              /* seconds */
    long drain_timeout;            /* seconds a SIGTERM waits for in-flight requests */
    /* Sessions and logins (fcgi/api/sessions.c) */
    bool cookie_secure;            /* HTTPS: the cookie is __Host-thidua_session, Secure */
    long login_max_failures;       /* failed logins of one username in login_window that lock it */
    long login_window;             /* seconds */
    long login_lockout;            /* seconds of a first lockout; each consecutive one doubles it */
    long login_lockout_max;        /* seconds: the longest lockout */
    /* thidua push: the provincial portal (see deploy/portal.md) */
    char portal_url[CONFIG_STR];   /* "" : nothing is pushed */
    char portal_secret[256];       /* HMAC key; or read from portal_secret_file */
    char portal_secret_file[CONFIG_STR];
    char portal_ca_file[CONFIG_STR]; /* CA bundle the portal's certificate must chain to; "" = system */
    long portal_connect_timeout;   /* seconds */
    long portal_timeout;           /* seconds for a whole request */
    long push_interval;            /* seconds between looks at an idle outbox */
    long push_max_attempts;        /* after which a publication is failed */
    long push_backoff_min;         /* seconds before the first retry */
    long push_backoff_max;         /* ceiling of the exponential backoff, seconds */
    long push_lease;               /* seconds a claimed row stays ours; 0 = timeouts + 30 */
    /* thidua report deliver: approved reports to their destinations (deploy/reports.md);
     * its retries use push_interval, push_backoff_min and push_backoff_max */
    char report_secret_file[CONFIG_STR];  /* HMAC key of every HTTPS destination... */
    char report_secrets_dir[CONFIG_STR];  /* ...unless <dir>/<destination id>.secret exists */
    char report_ca_file[CONFIG_STR];      /* CA bundle for HTTPS destinations and the SMTP server; "" = system */
    char smtp_url[CONFIG_STR];            /* smtp://host:port (STARTTLS required) or smtps://; "" = no e-mail */
    char smtp_credentials_file[CONFIG_STR]; /* line 1 user name, line 2 password; "" = no AUTH */
    char smtp_from[256];                  /* envelope and From: address */
    char report_mail_domain[256];         /* right side of Message-IDs; "" = the host name */
    long report_timeout;                  /* seconds for one delivery (the upload or the SMTP dialogue) */
    long report_max_attempts;             /* after which a delivery is failed */
    long report_attachment_limit;         /* bytes of PDF + XLSX an e-mail may carry */
} config;

/* Loads defaults, then `path` (or the default search when path is NULL:
 * $THIDUA_CONFIG, <bin>/../var/dev/thidua.conf, /etc/thidua/thidua.conf),
 * then the environment. THIDUA_DATABASE_URL alone also empties
 * database_owner_url, so that migrate goes to the same database as the
 * rest. Returns 0, or -1 with a message in err. */
int config_load(config *cfg, const char *path, char *err, size_t errlen);

/* The connection string `thidua migrate` uses: database_owner_url, or
 * database_url when that is empty. Points into cfg. */
const char *config_owner_url(const config *cfg);

#endif
