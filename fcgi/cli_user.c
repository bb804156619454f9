#include "cli_user.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "db.h"
#include "fields.h"

/* A unit by code ($1) within the agency of code $2 (any agency when
 * NULL): its id and its agency's id. */
static const db_stmt STMT_UNIT = {
    "cli_unit",
    "SELECT u.id, u.agency_id FROM units u JOIN units a ON a.id = u.agency_id"
    " WHERE u.code = $1 AND ($2::text IS NULL OR a.code = $2)"};
/* The agency of code $1; with $1 NULL, the installation's agency when it
 * holds exactly one. */
static const db_stmt STMT_AGENCY = {
    "cli_agency",
    "SELECT id FROM units WHERE kind = 'agency' AND ($1::text IS NULL OR code = $1)"};
/* $6 the full name, $7 the e-mail address: NULL keeps the one an
 * existing user has. */
static const db_stmt STMT_UPSERT = {
    "cli_user_upsert",
    "INSERT INTO users (username, password_hash, role, unit_id, agency_id, full_name, email)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,"
    " unit_id = EXCLUDED.unit_id, agency_id = EXCLUDED.agency_id, active = true,"
    " full_name = coalesce(EXCLUDED.full_name, users.full_name), email = coalesce(EXCLUDED.email, users.email)"
    " RETURNING id, (xmax = 0)"};
/* Sets (or with $2 NULL, removes) the e-mail address of username $1. */
static const db_stmt STMT_SET_EMAIL = {
    "cli_user_set_email", "UPDATE users SET email = $2 WHERE username = $1 RETURNING id"};
/* What --name takes: one line of text, NFC, trimmed, 1 to 200 characters
 * (the check of migration 0014), no control character. */
static const field_def name_field = {"name", FT_STRING, F_REQUIRED, 1, 200, NULL, NULL};
/* Forgets the failed logins of username $1 (sql/migrations/0010): lifts
 * its lockout, audited as 'unlock'. One row when it was locked. */
static const db_stmt STMT_UNLOCK = {
    "cli_user_unlock",
    "WITH gone AS (DELETE FROM login_throttle WHERE username = $1 RETURNING locked_until > now() AS locked),"
    " a AS (INSERT INTO audit_log (action, entity, entity_id, after)"
    " SELECT 'unlock', 'users', (SELECT id FROM users WHERE username = $1), jsonb_build_object('username', $1::text)"
    " FROM gone WHERE locked)"
    " SELECT 1 FROM gone WHERE locked"}; /* not RETURNING: thidua_app may not read audit_log */
static const db_stmt STMT_LIST = {
    "cli_user_list",
    "SELECT u.username, u.role, coalesce(a.code, '-'), coalesce(un.code, '-'), u.active,"
    " to_char(t.locked_until, 'YYYY-MM-DD HH24:MI:SS'), u.full_name, u.email FROM users u"
    " LEFT JOIN units un ON un.id = u.unit_id LEFT JOIN units a ON a.id = u.agency_id"
    " LEFT JOIN login_throttle t ON t.username = u.username AND t.locked_until > now() ORDER BY u.username"};

static int usage(void)
{
    fprintf(stderr, "usage: thidua user add USERNAME --role ROLE [--unit CODE] [--agency CODE] [--name \"FULL NAME\"]"
                    " [--email ADDRESS] < password\n"
                    "       thidua user set-email USERNAME ADDRESS|--none\n"
                    "       thidua user list\n"
                    "       thidua user unlock USERNAME\n"
                    "roles: admin, office, unit_head, council, director, viewer\n"
                    "Every user but an installation admin (admin without --agency) belongs to one agency:\n"
                    "--agency CODE, or the agency of --unit, or the only agency of the installation.\n"
                    "--name: the name the person signs with (the council's minutes show it), NFC, at most 200\n"
                    "characters; without it an existing user keeps its name.\n"
                    "--email: where the user is told of reports (a scheduled draft, a late report: the office and\n"
                    "the director); a plain address (name@domain.tld); without it an existing user keeps its own.\n"
                    "set-email sets it alone (no password asked, sessions kept); --none removes it.\n"
                    "add of an existing user sets its password: its sessions end and its lockout is lifted.\n"
                    "unlock lifts the lockout that failed logins put on USERNAME.\n");
    return 2;
}

static int read_password(char *buf, size_t cap)
{
    if (!fgets(buf, (int)cap, stdin))
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return strlen(buf) >= 8 ? 0 : -1;
}

static int add_user(db *d, const char *username, const char *role, const char *unit, const char *agency,
                    const char *name, const char *email);

static bool atext(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("!#$%&'*+/=?^_`{|}~.-", c);
}

static bool label_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* A plain address as migration 0018's users_email_shape takes it: 1 to
 * 64 characters of atext and dots, one @, a domain of two or more labels
 * (letters, digits, inner hyphens, 1 to 63 each), 254 in all. Nothing
 * that could end an SMTP command or a header (spaces, controls, <>,
 * quotes, commas). */
bool cli_user_email_ok(const char *s)
{
    size_t n = strlen(s);
    const char *at = strchr(s, '@');
    if (n > 254 || !at || at == s || at - s > 64 || strchr(at + 1, '@'))
        return false;
    for (const char *p = s; p < at; p++)
        if (!atext(*p))
            return false;
    int labels = 0;
    for (const char *p = at + 1;;) {
        const char *end = p;
        while (*end && *end != '.')
            end++;
        size_t len = (size_t)(end - p);
        if (len < 1 || len > 63 || p[0] == '-' || p[len - 1] == '-')
            return false;
        for (const char *q = p; q < end; q++)
            if (!label_char(*q))
                return false;
        labels++;
        if (!*end)
            break;
        p = end + 1;
    }
    return labels >= 2;
}

/* --email ADDRESS checked; 0, or -1 with the reason printed. */
static int email_arg(const char *given)
{
    if (!given || cli_user_email_ok(given))
        return 0;
    fprintf(stderr, "thidua user: --email: \"%s\" is not a plain e-mail address (name@domain.tld)\n", given);
    return -1;
}

/* --name as stored (NFC, trimmed) into *out, in a; 0, or -1 with the
 * reason printed. */
static int full_name(arena *a, const char *given, const char **out)
{
    *out = NULL;
    if (!given)
        return 0;
    field_val v = {0};
    const char *msg = fields_from_text(a, &name_field, given, &v);
    if (msg) {
        fprintf(stderr, "thidua user: --name: %s\n", msg);
        return -1;
    }
    *out = v.s;
    return 0;
}

static int add(db *d, int argc, char **argv)
{
    const char *username = NULL, *role = NULL, *unit = NULL, *agency = NULL, *name = NULL, *email = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
            role = argv[++i];
        else if (strcmp(argv[i], "--email") == 0 && i + 1 < argc)
            email = argv[++i];
        else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strcmp(argv[i], "--unit") == 0 && i + 1 < argc)
            unit = argv[++i];
        else if (strcmp(argv[i], "--agency") == 0 && i + 1 < argc)
            agency = argv[++i];
        else if (argv[i][0] != '-' && !username)
            username = argv[i];
        else
            return usage();
    }
    if (!username || !role || auth_role_parse(role) < 0)
        return usage();
    if (strcmp(role, "unit_head") == 0 && !unit) {
        fprintf(stderr, "thidua user: a unit_head needs --unit CODE\n");
        return 2;
    }
    if (email_arg(email) != 0)
        return 2;
    arena mem = {0};
    const char *stored_name = NULL;
    if (full_name(&mem, name, &stored_name) != 0) {
        arena_free(&mem);
        return 2;
    }
    int rc = add_user(d, username, role, unit, agency, stored_name, email);
    arena_free(&mem);
    return rc;
}

/* add, once the arguments are read: the unit or agency, the password, the
 * row. 0, or 1/2 with the reason printed. */
static int add_user(db *d, const char *username, const char *role, const char *unit, const char *agency,
                    const char *name, const char *email)
{
    char unit_id[24] = "", agency_id[24] = "";
    if (unit) {
        const char *p[] = {unit, agency};
        db_result *r = db_run(d, &STMT_UNIT, 2, p);
        int rows = r ? db_rows(r) : -1;
        if (rows == 1) {
            snprintf(unit_id, sizeof unit_id, "%s", db_value(r, 0, 0));
            snprintf(agency_id, sizeof agency_id, "%s", db_value(r, 0, 1));
        }
        db_free(r);
        if (rows != 1) {
            fprintf(stderr, "thidua user: %s unit %s%s\n", rows > 1 ? "ambiguous" : "no such", unit,
                    rows > 1 ? " (add --agency CODE)" : "");
            return 1;
        }
    } else if (agency || strcmp(role, "admin") != 0) {
        const char *p[] = {agency};
        db_result *r = db_run(d, &STMT_AGENCY, 1, p);
        int rows = r ? db_rows(r) : -1;
        if (rows == 1)
            snprintf(agency_id, sizeof agency_id, "%s", db_value(r, 0, 0));
        db_free(r);
        if (rows != 1) {
            fprintf(stderr, "thidua user: %s\n",
                    agency      ? "no such agency"
                    : rows == 0 ? "the installation has no agency yet: an admin creates one first (POST /units)"
                                : "several agencies share this installation: add --agency CODE");
            return 1;
        }
    }
    char password[1100];
    if (read_password(password, sizeof password) != 0) {
        fprintf(stderr, "thidua user: give a password of at least 8 characters on standard input\n");
        return 2;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (auth_hash_password(password, hash, sizeof hash) != 0) {
        fprintf(stderr, "thidua user: cannot hash the password (out of memory)\n");
        return 1;
    }
    sodium_memzero(password, sizeof password);
    if (db_begin(d, 0) != 0)
        goto failed;
    /* An update sets a new password (a new salt, whatever the password):
     * the trigger users_end_sessions (0010) ends the user's sessions in
     * this transaction. */
    const char *p[] = {username, hash, role, unit ? unit_id : NULL, agency_id[0] ? agency_id : NULL, name, email};
    db_result *r = db_run(d, &STMT_UPSERT, 7, p);
    if (!r)
        goto failed;
    bool created = strcmp(db_value(r, 0, 1), "t") == 0;
    db_free(r);
    r = db_run(d, &STMT_UNLOCK, 1, p);
    if (!r)
        goto failed;
    db_free(r);
    if (db_commit(d) != 0)
        goto failed;
    printf("%s user %s (%s)%s\n", created ? "created" : "updated", username, role,
           created ? "" : "; its sessions ended");
    return 0;
failed:
    fprintf(stderr, "thidua user: %s\n", db_last_error(d)->message);
    db_rollback(d);
    return 1;
}

static int unlock(db *d, int argc, char **argv)
{
    if (argc != 1 || argv[0][0] == '-')
        return usage();
    const char *p[] = {argv[0]};
    db_result *r = db_run(d, &STMT_UNLOCK, 1, p);
    if (!r) {
        fprintf(stderr, "thidua user: %s\n", db_last_error(d)->message);
        return 1;
    }
    printf(db_rows(r) ? "unlocked %s\n" : "%s was not locked (its failed logins are forgotten)\n", argv[0]);
    db_free(r);
    return 0;
}

static int set_email(db *d, int argc, char **argv)
{
    if (argc != 2 || argv[0][0] == '-' || (argv[1][0] == '-' && strcmp(argv[1], "--none") != 0))
        return usage();
    const char *email = strcmp(argv[1], "--none") == 0 ? NULL : argv[1];
    if (email_arg(email) != 0)
        return 2;
    const char *p[] = {argv[0], email};
    db_result *r = db_run(d, &STMT_SET_EMAIL, 2, p);
    if (!r) {
        fprintf(stderr, "thidua user: %s\n", db_last_error(d)->message);
        return 1;
    }
    int rows = db_rows(r);
    db_free(r);
    if (rows == 0) {
        fprintf(stderr, "thidua user: no such user %s\n", argv[0]);
        return 1;
    }
    if (email)
        printf("user %s: e-mail %s\n", argv[0], email);
    else
        printf("user %s: no e-mail address (not told by e-mail)\n", argv[0]);
    return 0;
}

static int list(db *d)
{
    db_result *r = db_run(d, &STMT_LIST, 0, NULL);
    if (!r) {
        fprintf(stderr, "thidua user: %s\n", db_last_error(d)->message);
        return 1;
    }
    for (int i = 0; i < db_rows(r); i++)
        printf("%-24s %-10s %-12s %-12s %s%s%s%s%s%s%s\n", db_value(r, i, 0), db_value(r, i, 1), db_value(r, i, 2),
               db_value(r, i, 3), strcmp(db_value(r, i, 4), "t") == 0 ? "active" : "disabled",
               db_value(r, i, 5) ? ", locked until " : "", db_value(r, i, 5) ? db_value(r, i, 5) : "",
               db_value(r, i, 6) ? "  " : "", db_value(r, i, 6) ? db_value(r, i, 6) : "",
               db_value(r, i, 7) ? "  e-mail: " : "", db_value(r, i, 7) ? db_value(r, i, 7) : "");
    db_free(r);
    return 0;
}

int cli_user_main(const config *cfg, int argc, char **argv)
{
    if (argc < 1)
        return usage();
    if (auth_init_cli() != 0)
        return 1;
    db *d = db_open(cfg->database_url);
    int rc;
    if (db_ensure(d) != 0) {
        fprintf(stderr, "thidua user: cannot connect to the database: %s\n", db_last_error(d)->message);
        rc = 1;
    } else if (strcmp(argv[0], "add") == 0) {
        rc = add(d, argc - 1, argv + 1);
    } else if (strcmp(argv[0], "set-email") == 0) {
        rc = set_email(d, argc - 1, argv + 1);
    } else if (strcmp(argv[0], "unlock") == 0) {
        rc = unlock(d, argc - 1, argv + 1);
    } else if (strcmp(argv[0], "list") == 0) {
        rc = list(d);
    } else {
        rc = usage();
    }
    db_close(d);
    return rc;
}
