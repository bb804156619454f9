/* cli_user.h — `thidua user add USERNAME --role ROLE [--unit CODE] [--name NAME]
 * [--agency CODE]`: creates or updates a user, the password read from
 * standard input (first line); updating a user ends its sessions and lifts
 * its lockout. `thidua user list` prints users (and lockouts). `thidua user
 * unlock USERNAME` lifts the lockout of failed logins. */
#ifndef THIDUA_CLI_USER_H
#define THIDUA_CLI_USER_H

#include "config.h"

int cli_user_main(const config *cfg, int argc, char **argv);

#endif
