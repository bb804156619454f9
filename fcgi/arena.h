/* arena.h — per-request memory: many small allocations freed at once.
 * arena_alloc/arena_strdup never return NULL (they abort on exhaustion,
 * as an out-of-memory worker cannot answer anyway); everything is freed by
 * arena_reset (which keeps one ordinary 16 KiB block, empty, for the next
 * request, and gives back any larger ones) or arena_free. */
#ifndef THIDUA_ARENA_H
#define THIDUA_ARENA_H
#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
} arena;

void *arena_alloc(arena *a, size_t size);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
/* printf into the arena; never NULL. */
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_reset(arena *a);
/* Bytes of the blocks the arena holds, used or not. */
size_t arena_held(const arena *a);
void arena_free(arena *a);

#endif
