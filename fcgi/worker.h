/* worker.h — one worker process, the FastCGI side of a request: accepts
 * requests on the listening socket until SIGTERM, turns each one's CGI
 * parameters and body into a request, has pipeline_handle (pipeline.h)
 * answer it, and writes the response back. The only file besides serve.c
 * that knows libfcgi. A request's memory is one arena, reset after it. */
#ifndef THIDUA_WORKER_H
#define THIDUA_WORKER_H

#include "config.h"

/* Runs until SIGTERM; returns the process exit code. */
int worker_run(const config *cfg, int listen_fd);

#endif
