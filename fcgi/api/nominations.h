/* api/nominations.h — what the files of the awards workflow (decisions,
 * outcomes, public notice, comments) share with nominations.c. */
#ifndef THIDUA_API_NOMINATIONS_H
#define THIDUA_API_NOMINATIONS_H

#include "api/common.h"

/* The route scope of /nominations/{id}/...: the nomination's campaign's
 * agency and its subject's unit (a staff member's unit, or the unit). */
extern const route_scope nominations_scope;
extern const char nominations_not_found[];

/* Answers nomination id as GET /nominations/{id} does (with its
 * eligibility as of today), with status; 404 when there is none. Runs
 * outside any transaction (after a commit). */
void nominations_answer(request *req, response *res, int status, long long id);

#endif
