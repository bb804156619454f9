/* test_arena.c — unit tests for per-request memory (fcgi/arena.c):
 * alignment, a big allocation beside the current block, and what a reset
 * keeps: one ordinary block, never a big one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "arena.h"

enum { BLOCK = 16 * 1024 };

static void allocations_are_aligned_and_distinct(void **state)
{
    (void)state;
    arena a = {0};
    char *p = arena_alloc(&a, 1);
    char *q = arena_alloc(&a, 3);
    assert_true(p != q);
    assert_int_equal((uintptr_t)q % _Alignof(max_align_t), 0);
    assert_string_equal(arena_printf(&a, "%d-%s", 7, "x"), "7-x");
    assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
    assert_int_equal(arena_held(&a), BLOCK);
    arena_free(&a);
    assert_int_equal(arena_held(&a), 0);
}

static void a_big_allocation_leaves_the_block_usable(void **state)
{
    (void)state;
    arena a = {0};
    char *small = arena_alloc(&a, 100);
    char *big = arena_alloc(&a, 1 << 20);
    memset(big, 'x', 1 << 20);
    char *after = arena_alloc(&a, 100);
    /* the next small one still comes from the first block */
    assert_true(after > small && after < small + BLOCK);
    assert_true(arena_held(&a) >= BLOCK + (1 << 20));
    arena_free(&a);
}

static void reset_keeps_one_ordinary_block(void **state)
{
    (void)state;
    arena a = {0};
    arena_alloc(&a, 100);
    arena_alloc(&a, 1 << 20); /* behind the first block */
    for (int i = 0; i < 10; i++)
        arena_alloc(&a, BLOCK / 2); /* more ordinary blocks */
    arena_reset(&a);
    assert_int_equal(arena_held(&a), BLOCK);
    arena_alloc(&a, 100);
    assert_int_equal(arena_held(&a), BLOCK);
    arena_free(&a);
}

static void reset_gives_back_a_big_first_block(void **state)
{
    (void)state;
    arena a = {0};
    arena_alloc(&a, 1 << 20); /* the first allocation of the arena */
    arena_reset(&a);
    assert_int_equal(arena_held(&a), 0);
    arena_reset(&a); /* an empty arena stays empty */
    assert_int_equal(arena_held(&a), 0);
    arena_alloc(&a, 1 << 20);
    arena_alloc(&a, 100); /* the big block is full: an ordinary one */
    arena_reset(&a);
    assert_int_equal(arena_held(&a), BLOCK);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allocations_are_aligned_and_distinct),
        cmocka_unit_test(a_big_allocation_leaves_the_block_usable),
        cmocka_unit_test(reset_keeps_one_ordinary_block),
        cmocka_unit_test(reset_gives_back_a_big_first_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
