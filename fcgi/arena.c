#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
    arena_block *next;
    size_t size, used;
    max_align_t data[];
};

enum { ARENA_BLOCK = 16 * 1024 };

static arena_block *block_new(size_t need, arena_block *next)
{
    size_t size = need > ARENA_BLOCK ? need : ARENA_BLOCK;
    if (size > SIZE_MAX - sizeof(arena_block))
        abort();
    arena_block *b = malloc(sizeof(arena_block) + size);
    if (!b)
        abort();
    b->next = next;
    b->size = size;
    b->used = 0;
    return b;
}

void *arena_alloc(arena *a, size_t size)
{
    size_t align = sizeof(max_align_t);
    if (size > SIZE_MAX - align)
        abort();
    size = (size + align - 1) / align * align;
    if (size == 0)
        size = align;
    if (!a->head || a->head->size - a->head->used < size) {
        if (a->head && size > ARENA_BLOCK) {
            /* A big allocation gets its own block behind the current one,
             * so the current block's free space stays usable. */
            arena_block *big = block_new(size, a->head->next);
            a->head->next = big;
            big->used = size;
            return big->data;
        }
        a->head = block_new(size, a->head);
    }
    void *p = (char *)a->head->data + a->head->used;
    a->head->used += size;
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_reset(arena *a)
{
    /* One block of the ordinary size is what most requests fit in; a big
     * one kept would stay with the worker for the rest of its life. */
    arena_block *keep = NULL;
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        if (!keep && b->size == ARENA_BLOCK)
            keep = b;
        else
            free(b);
        b = next;
    }
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
    }
    a->head = keep;
}

size_t arena_held(const arena *a)
{
    size_t n = 0;
    for (const arena_block *b = a->head; b; b = b->next)
        n += b->size;
    return n;
}

void arena_free(arena *a)
{
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}
