/* arena.c - see arena.h. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK_SIZE 4096u
#define ARENA_ALIGN      16u

struct arena_chunk {
    struct arena_chunk *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

static void *arena_pb_alloc(void *data, size_t size)
{
    return arena_alloc(data, size);
}

static void arena_pb_free(void *data, void *ptr)
{
    (void)data;
    (void)ptr;
}

void arena_init(struct arena *a, size_t limit)
{
    a->chunks = NULL;
    a->used = 0;
    a->limit = limit;
    a->exhausted = false;
    a->allocator.alloc = arena_pb_alloc;
    a->allocator.free = arena_pb_free;
    a->allocator.allocator_data = a;
}

void arena_free(struct arena *a)
{
    struct arena_chunk *c = a->chunks;
    while (c != NULL) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->chunks = NULL;
    a->used = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (a->limit != 0 && (rounded > a->limit || a->used > a->limit - rounded)) {
        a->exhausted = true;
        return NULL;
    }
    struct arena_chunk *c = a->chunks;
    if (c == NULL || c->size - c->used < rounded) {
        size_t data_size = rounded > ARENA_CHUNK_SIZE ? rounded : ARENA_CHUNK_SIZE;
        c = malloc(sizeof(*c) + data_size);
        if (c == NULL) {
            a->exhausted = true;
            return NULL;
        }
        c->size = data_size;
        c->used = 0;
        /* A big one-off block goes behind the current chunk so the current
         * chunk's free tail stays usable for small allocations. */
        if (a->chunks != NULL && rounded > ARENA_CHUNK_SIZE) {
            c->next = a->chunks->next;
            a->chunks->next = c;
        } else {
            c->next = a->chunks;
            a->chunks = c;
        }
    }
    void *p = c->data + c->used;
    c->used += rounded;
    a->used += rounded;
    memset(p, 0, size);
    return p;
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    return arena_alloc(a, n * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    /* s may be shorter than n: read no further than its end. */
    size_t len = strnlen(s, n);
    char *d = arena_alloc(a, len + 1);
    if (d != NULL) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *d = arena_alloc(a, (size_t)n + 1);
    if (d != NULL)
        vsnprintf(d, (size_t)n + 1, fmt, ap);
    return d;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return d;
}
