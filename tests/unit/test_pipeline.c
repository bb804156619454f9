/* test_pipeline.c — unit tests for the request pipeline (fcgi/pipeline.c)
 * that need no database: which body limit a path gets. Its first steps
 * (404, 405, a ROUTE_NO_DB route) are tested with the routes, in
 * test_router.c; the rest through the API (tests/api/test_platform.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "config.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(imports_take_the_larger_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
