/* worker.h — one worker process, the FastCGI side of a request: accepts
 * requests on the listening socket until SIGTERM, turns each one's CGI
 * parameters and body into a request, has pipeline_handle (pipeline.h)
 * answer it, and writes the response back. The only file besides serve.c
 * that knows libfcgi. A request's memory is one arena, reset after it. */
#ifndef THIDUA_WORKER_H
#define THIDUA_WORKER_H

#include "config.h"

/* Runs until SIGTERM; returns the process exit code. Serves the Unix
 * socket unix_fd and the TCP listener tcp_fd (either -1 when absent), both
 * non-blocking: the worker polls them and accepts itself, checks a TCP
 * peer against listen_allow (fcgi/listen.h) before reading a byte, and
 * hands the connection to libfcgi. */
int worker_run(const config *cfg, int unix_fd, int tcp_fd);

#endif
