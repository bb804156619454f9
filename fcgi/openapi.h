/* openapi.h — the OpenAPI 3.1 document of the API, generated from the
 * route table and its field tables, so it always lists every route.
 * The returned text is built once per process and owned by this module. */
#ifndef THIDUA_OPENAPI_H
#define THIDUA_OPENAPI_H

const char *openapi_document(void);

/* A route flag (route.flags; router.h's own are 1, 2 and 4): a GET whose
 * document exists only in some states of its object (a dossier, minutes)
 * and answers 409 otherwise, so its operation lists the 409. */
enum { ROUTE_READ_CONFLICT = 8 };

#endif
