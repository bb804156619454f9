/* openapi.h — the OpenAPI 3.1 document of the API, generated from the
 * route table and its field tables, so it always lists every route.
 * The returned text is built once per process and owned by this module. */
#ifndef THIDUA_OPENAPI_H
#define THIDUA_OPENAPI_H

const char *openapi_document(void);

#endif
