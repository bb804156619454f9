/* routes.c — the route table: every resource's group, in one list. */
#include "api/resources.h"

const route *const route_groups[] = {
    meta_routes,
    sessions_routes,
    units_routes,
    exemplars_routes,
    publications_routes,
    NULL,
};
