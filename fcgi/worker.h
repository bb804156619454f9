/* worker.h — one worker process: accepts FastCGI requests on the listening
 * socket until told to stop, and answers each through the router.
 * worker_handle is the FastCGI-free pipeline, also used by tests. */
#ifndef THIDUA_WORKER_H
#define THIDUA_WORKER_H
#include <signal.h>

#include "config.h"
#include "http.h"

/* Runs until SIGTERM; returns the process exit code. */
int worker_run(const config *cfg, int listen_fd);
/* Routes, authenticates, checks and runs the handler for req; fills res. */
void worker_handle(request *req, response *res);

#endif
