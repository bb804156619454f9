/* test_pipeline.c — unit tests for the request pipeline (fcgi/pipeline.c)
 * that need no database: which body limit a path gets, and that a request
 * refused before the body step never reads its body. Its first steps
 * (404, 405, a ROUTE_NO_DB route) are tested with the routes, in
 * test_router.c; the rest through the API (tests/api/test_platform.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "config.h"
#include "db.h"
#include "pipeline.h"

static size_t limit_of(const char *path)
{
    static config cfg;
    cfg.body_limit = 1000;
    cfg.import_body_limit = 32000;
    request req;
    memset(&req, 0, sizeof req);
    req.method = "POST";
    req.path = path;
    req.cfg = &cfg;
    return pipeline_body_limit(&req);
}

static void imports_take_the_larger_limit(void **state)
{
    (void)state;
    assert_int_equal(limit_of("/api/v1/staff/import"), 32000);
    assert_int_equal(limit_of("/api/v1/campaigns/3/attendance/import"), 32000);
    assert_int_equal(limit_of("/api/v1/staff"), 1000);
    assert_int_equal(limit_of("/api/v1/staff/import/x"), 1000);
    assert_int_equal(limit_of("/api/v1/staff/imports"), 1000);
    assert_int_equal(limit_of("/api/v1/staffimport"), 1000);
    assert_int_equal(limit_of("/import"), 1000); /* a segment before it */
    assert_int_equal(limit_of(""), 1000);
}

/* A body source that counts how often it is read. */
static int reads;

static int counting_reader(void *ctx, char *buf, int n)
{
    (void)ctx;
    reads++;
    memset(buf, 'x', (size_t)n);
    return n;
}

/* method path with a 30 MB CSV body still to be read; the answer's status. */
static int status_of_unread(const char *method, const char *path, struct db *d)
{
    static config cfg;
    cfg.body_limit = 1 << 20;
    cfg.import_body_limit = 32 << 20;
    static arena mem;
    request req;
    memset(&req, 0, sizeof req);
    response res = {0};
    req.mem = res.mem = &mem;
    req.method = method;
    req.path = path;
    req.query = "";
    req.content_type = "text/csv";
    req.content_length = 30 * 1000 * 1000;
    req.remote_addr = "127.0.0.1";
    req.cfg = &cfg;
    req.db = d;
    req.body_from = counting_reader;
    reads = 0;
    pipeline_handle(&req, &res);
    assert_null(req.body);
    arena_free(&mem);
    return res.status;
}

static void a_request_refused_early_never_reads_its_body(void **state)
{
    (void)state;
    assert_int_equal(status_of_unread("POST", "/api/v1/nowhere/import", NULL), 404);
    assert_int_equal(reads, 0);
    assert_int_equal(status_of_unread("PUT", "/api/v1/staff/import", NULL), 405);
    assert_int_equal(reads, 0);
    /* A database that cannot be reached: 503 before the session. */
    struct db *down = db_open("postgresql:///thidua?host=/nonexistent-thidua-socket-dir");
    assert_int_equal(status_of_unread("POST", "/api/v1/staff/import", down), 503);
    assert_int_equal(reads, 0);
    db_close(down);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(imports_take_the_larger_limit),
        cmocka_unit_test(a_request_refused_early_never_reads_its_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
