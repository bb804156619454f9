/* cli_user.h — `thidua user add USERNAME --role ROLE [--unit CODE] [--name NAME]
 * [--agency CODE] [--email ADDRESS]`: creates or updates a user, the password read from
 * standard input (first line); updating a user ends its sessions and lifts
 * its lockout. `thidua user list` prints users (and lockouts). `thidua user
 * unlock USERNAME` lifts the lockout of failed logins. `thidua user
 * set-email USERNAME ADDRESS|--none` sets or removes the address a user is
 * told of reports at (report_run.h). */
#ifndef THIDUA_CLI_USER_H
#define THIDUA_CLI_USER_H

#include "config.h"

#include <stdbool.h>

int cli_user_main(const config *cfg, int argc, char **argv);

/* Is s a plain e-mail address as users.email takes it (migration 0018)? */
bool cli_user_email_ok(const char *s);

#endif
