/* pipeline.h — one request, from its route to its answer, knowing nothing
 * of FastCGI: the worker (worker.c) fills a request, calls pipeline_handle
 * and writes out the response; the unit tests call it directly.
 *
 * The steps run in one fixed order and the first that answers ends the
 * request: route (404, 405 + Allow), database (503 + Retry-After), session
 * (401 + WWW-Authenticate), role (403), CSRF (403), content type (415),
 * then the body is read (413: pipeline_body_limit) from req->body_from,
 * then the body (400), its declared fields (422), the query (400, 422),
 * the scope (404, 403), and the route's handler. A request refused before
 * the body step has its body left unread. Everything allocated lives in
 * req->mem; req->json, when a JSON body was parsed, is a new reference
 * that the caller drops. */
#ifndef THIDUA_PIPELINE_H
#define THIDUA_PIPELINE_H
#include <stddef.h>

#include "http.h"

/* Runs the steps for req and fills res; res->status stays 0 only if a
 * handler answered nothing (the caller answers 500). */
void pipeline_handle(request *req, response *res);

/* The largest body req may carry: the configuration's import_body_limit
 * for a path ending in /import (CSV), its body_limit for the rest. */
size_t pipeline_body_limit(const request *req);

#endif
