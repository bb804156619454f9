/* test_auth.c — unit tests for the scope rules of fcgi/auth.c: who may
 * touch which object (auth_scope, auth_in_agency, auth_agency_param,
 * auth_confined_unit) and the constant-time token comparison. The rules
 * are api.md's "Agencies": another agency's object is a 404, a unit_head
 * writes its own unit only, an agency root is the installation admin's. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "auth.h"

enum { AGENCY_A = 10, AGENCY_B = 20, UNIT_A1 = 11, UNIT_A2 = 12, UNIT_B1 = 21 };

static arena mem;

static int teardown(void **state)
{
    (void)state;
    arena_free(&mem);
    return 0;
}

static session_user user_of(int role, long long agency, long long unit)
{
    session_user u;
    memset(&u, 0, sizeof u);
    u.id = 1;
    u.username = "u";
    u.role = role;
    u.agency_id = agency;
    u.unit_id = unit;
    u.csrf = "";
    return u;
}

/* The status auth_scope answers (0 when allowed). */
static int scope(session_user *u, const char *method, object_scope object)
{
    request req;
    response res;
    memset(&req, 0, sizeof req);
    memset(&res, 0, sizeof res);
    req.mem = res.mem = &mem;
    req.method = method;
    req.user = u;
    return auth_scope(&req, &res, &object, "Không có.") == 0 ? 0 : res.status;
}

static void another_agencys_object_does_not_exist(void **state)
{
    (void)state;
    for (int role = 0; role < ROLE_COUNT; role++) {
        session_user u = user_of(role, AGENCY_A, role == ROLE_UNIT_HEAD ? UNIT_A1 : 0);
        object_scope theirs = {AGENCY_B, UNIT_B1, false, false};
        assert_int_equal(scope(&u, "GET", theirs), 404);
        assert_int_equal(scope(&u, "PATCH", theirs), 404);
        object_scope container = {AGENCY_B, 0, false, true};
        assert_int_equal(scope(&u, "POST", container), 404);
        object_scope mine = {AGENCY_A, UNIT_A2, false, false};
        assert_int_equal(scope(&u, "GET", mine), 0);
    }
    /* A user without an agency reaches none. */
    session_user lost = user_of(ROLE_OFFICE, 0, 0);
    object_scope a = {AGENCY_A, UNIT_A1, false, false};
    assert_int_equal(scope(&lost, "GET", a), 404);
    assert_false(auth_in_agency(&lost, AGENCY_A));
    assert_false(auth_in_agency(NULL, AGENCY_A));
}

static void the_installation_admin_reaches_every_agency(void **state)
{
    (void)state;
    session_user admin = user_of(ROLE_ADMIN, 0, 0);
    object_scope b = {AGENCY_B, UNIT_B1, false, false};
    assert_int_equal(scope(&admin, "DELETE", b), 0);
    object_scope root = {AGENCY_B, 0, true, false};
    assert_int_equal(scope(&admin, "PATCH", root), 0);
    assert_true(auth_in_agency(&admin, AGENCY_B));
    /* An admin of one agency is confined to it, and roots are not its. */
    session_user agency_admin = user_of(ROLE_ADMIN, AGENCY_A, 0);
    assert_int_equal(scope(&agency_admin, "GET", b), 404);
    object_scope own_root = {AGENCY_A, 0, true, false};
    assert_int_equal(scope(&agency_admin, "PATCH", own_root), 403);
    assert_int_equal(scope(&agency_admin, "GET", own_root), 0);
}

static void a_unit_head_writes_its_own_unit(void **state)
{
    (void)state;
    session_user head = user_of(ROLE_UNIT_HEAD, AGENCY_A, UNIT_A1);
    object_scope own = {AGENCY_A, UNIT_A1, false, false};
    object_scope other = {AGENCY_A, UNIT_A2, false, false};
    object_scope whole = {AGENCY_A, 0, false, false};
    assert_int_equal(scope(&head, "PATCH", own), 0);
    assert_int_equal(scope(&head, "PATCH", other), 403);
    assert_int_equal(scope(&head, "DELETE", whole), 403);
    assert_int_equal(scope(&head, "GET", other), 0);
    /* Adding to a container (a campaign) is not writing it. */
    object_scope campaign = {AGENCY_A, 0, false, true};
    assert_int_equal(scope(&head, "POST", campaign), 0);
    assert_int_equal(auth_confined_unit(&head), UNIT_A1);
    session_user office = user_of(ROLE_OFFICE, AGENCY_A, 0);
    assert_int_equal(auth_confined_unit(&office), 0);
    assert_int_equal(scope(&office, "PATCH", other), 0);
    assert_int_equal(scope(&office, "PATCH", whole), 0);
    /* A unit_head without a unit (the database forbids it) is confined to none. */
    session_user nowhere = user_of(ROLE_UNIT_HEAD, AGENCY_A, 0);
    assert_int_equal(scope(&nowhere, "PATCH", whole), 403);
}

static void the_agency_parameter_of_lists(void **state)
{
    (void)state;
    request req;
    memset(&req, 0, sizeof req);
    req.mem = &mem;
    session_user admin = user_of(ROLE_ADMIN, 0, 0), viewer = user_of(ROLE_VIEWER, AGENCY_B, 0),
                 lost = user_of(ROLE_VIEWER, 0, 0);
    req.user = &admin;
    assert_null(auth_agency_param(&req));
    req.user = &viewer;
    assert_string_equal(auth_agency_param(&req), "20");
    req.user = &lost;
    assert_string_equal(auth_agency_param(&req), "0");
}

static void tokens_compare_whole(void **state)
{
    (void)state;
    assert_true(auth_token_equal("abc123", "abc123"));
    assert_false(auth_token_equal("abc123", "abc124"));
    assert_false(auth_token_equal("abc123", "abc12"));
    assert_false(auth_token_equal("", "a"));
    assert_true(auth_token_equal("", ""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(another_agencys_object_does_not_exist, teardown),
        cmocka_unit_test_teardown(the_installation_admin_reaches_every_agency, teardown),
        cmocka_unit_test_teardown(a_unit_head_writes_its_own_unit, teardown),
        cmocka_unit_test_teardown(the_agency_parameter_of_lists, teardown),
        cmocka_unit_test_teardown(tokens_compare_whole, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
