#include "metrics.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "router.h"

static const int status_codes[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503};
enum { NSTATUS = sizeof status_codes / sizeof status_codes[0] + 1 }; /* + other */
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
enum { NBUCKET = sizeof buckets / sizeof buckets[0] };
enum { MAX_ROUTES = 256 };

typedef struct route_stats {
    uint64_t by_status[NSTATUS];
    uint64_t bucket[NBUCKET];   /* cumulative at render time, per-bucket here */
    uint64_t count;
    uint64_t sum_us;
} route_stats;

typedef struct shared_metrics {
    route_stats routes[MAX_ROUTES + 1];
    uint64_t worker_restarts;
    uint64_t db_reconnects;
} shared_metrics;

static shared_metrics *shm;

int metrics_init(void)
{
    void *p = mmap(NULL, sizeof(shared_metrics), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    shm = p;
    return 0;
}

static void add(uint64_t *counter, uint64_t n)
{
    __atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

void metrics_request(size_t route_index, int status, double seconds)
{
    if (!shm)
        return;
    if (route_index > MAX_ROUTES)
        route_index = MAX_ROUTES;
    route_stats *s = &shm->routes[route_index];
    size_t si = NSTATUS - 1;
    for (size_t i = 0; i + 1 < NSTATUS; i++)
        if (status_codes[i] == status)
            si = i;
    add(&s->by_status[si], 1);
    for (size_t b = 0; b < NBUCKET; b++) {
        if (seconds <= buckets[b]) {
            add(&s->bucket[b], 1);
            break;
        }
    }
    add(&s->count, 1);
    add(&s->sum_us, (uint64_t)(seconds * 1e6));
}

void metrics_worker_restart(void)
{
    if (shm)
        add(&shm->worker_restarts, 1);
}

void metrics_db_reconnect(void)
{
    if (shm)
        add(&shm->db_reconnects, 1);
}

static uint64_t get(const uint64_t *counter)
{
    return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

typedef struct sbuf {
    arena *a;
    char *p;
    size_t len, cap;
} sbuf;

static void put(sbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap + n + 1) * 2;
        char *np = arena_alloc(b->a, cap);
        memcpy(np, b->p, b->len);
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

static void route_labels(arena *a, size_t i, const char **method, const char **path)
{
    const route *r = i < router_count() ? router_at(i) : NULL;
    *method = r ? r->method : "";
    *path = r ? r->pattern : "unmatched";
    (void)a;
}

char *metrics_render(arena *a)
{
    sbuf b = {a, arena_alloc(a, 4096), 0, 4096};
    b.p[0] = '\0';
    size_t nroutes = router_count();
    if (nroutes > MAX_ROUTES)
        nroutes = MAX_ROUTES;
    put(&b, "# HELP thidua_requests_total Requests answered, by route and status.\n"
            "# TYPE thidua_requests_total counter\n");
    for (size_t i = 0; shm && i <= nroutes; i++) {
        size_t idx = i == nroutes ? MAX_ROUTES : i;
        const char *m, *p;
        route_labels(a, i == nroutes ? SIZE_MAX : i, &m, &p);
        for (size_t s = 0; s < NSTATUS; s++) {
            uint64_t n = get(&shm->routes[idx].by_status[s]);
            if (!n)
                continue;
            char status[8] = "other";
            if (s + 1 < NSTATUS)
                snprintf(status, sizeof status, "%d", status_codes[s]);
            put(&b, arena_printf(a, "thidua_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %llu\n", m, p,
                                 status, (unsigned long long)n));
        }
    }
    put(&b, "# HELP thidua_request_duration_seconds Time to answer a request, by route.\n"
            "# TYPE thidua_request_duration_seconds histogram\n");
    for (size_t i = 0; shm && i <= nroutes; i++) {
        size_t idx = i == nroutes ? MAX_ROUTES : i;
        const route_stats *s = &shm->routes[idx];
        uint64_t count = get(&s->count);
        if (!count)
            continue;
        const char *m, *p;
        route_labels(a, i == nroutes ? SIZE_MAX : i, &m, &p);
        uint64_t cum = 0;
        for (size_t k = 0; k < NBUCKET; k++) {
            cum += get(&s->bucket[k]);
            put(&b, arena_printf(a, "thidua_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
                                 m, p, buckets[k], (unsigned long long)cum));
        }
        put(&b, arena_printf(a,
                             "thidua_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n"
                             "thidua_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n"
                             "thidua_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
                             m, p, (unsigned long long)count, m, p, (double)get(&s->sum_us) / 1e6, m, p,
                             (unsigned long long)count));
    }
    put(&b, arena_printf(a,
                         "# HELP thidua_worker_restarts_total Workers the master replaced after they died.\n"
                         "# TYPE thidua_worker_restarts_total counter\n"
                         "thidua_worker_restarts_total %llu\n"
                         "# HELP thidua_db_reconnects_total Database reconnections by workers.\n"
                         "# TYPE thidua_db_reconnects_total counter\n"
                         "thidua_db_reconnects_total %llu\n",
                         shm ? (unsigned long long)get(&shm->worker_restarts) : 0ULL,
                         shm ? (unsigned long long)get(&shm->db_reconnects) : 0ULL));
    return b.p;
}
