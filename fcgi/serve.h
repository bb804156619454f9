/* serve.h — `thidua serve`: the master binds the FastCGI socket, drops
 * root, forks the workers, replaces any that dies, reloads its
 * configuration on SIGHUP (new workers first, then the old ones finish
 * their requests and leave) and on SIGTERM drains and exits 0. */
#ifndef THIDUA_SERVE_H
#define THIDUA_SERVE_H

#include "config.h"

int serve_main(config *cfg);

#endif
