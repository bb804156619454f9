/* metrics.h — counters shared by the master and its workers (one anonymous
 * shared mapping made before the fork), rendered in Prometheus text format:
 * requests by route and status, latency histogram by route, worker
 * restarts, database reconnects. */
#ifndef THIDUA_METRICS_H
#define THIDUA_METRICS_H
#include <stddef.h>

#include "arena.h"

int metrics_init(void);                  /* 0 or -1; call in the master before forking */
/* route_index: router_index(route), or router_count() for unmatched paths. */
void metrics_request(size_t route_index, int status, double seconds);
void metrics_worker_restart(void);
void metrics_db_reconnect(void);
char *metrics_render(arena *a);

#endif
