/* arena.h - a bump allocator with a byte cap, one per request.
 *
 * Everything a request needs - the unpacked request, records read from the
 * store, the reply being built - is allocated here and released at once when
 * the reply has been sent. The cap bounds what one hostile request can make
 * the server allocate: protobuf-c unpacking through arena->allocator fails
 * cleanly (returns NULL) once the cap is reached. */
#ifndef FOLIO_ARENA_H
#define FOLIO_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *chunks;
    size_t used;    /* bytes handed out, for the cap */
    size_t limit;   /* 0: no cap */
    bool exhausted; /* an allocation was refused: over the cap or out of memory */
    ProtobufCAllocator allocator;
};

void arena_init(struct arena *a, size_t limit);
void arena_free(struct arena *a);

/* Zeroed, aligned memory, or NULL when the cap is reached or memory is short. */
void *arena_alloc(struct arena *a, size_t size);
/* Array of n elements of size bytes, checked for overflow. */
void *arena_calloc(struct arena *a, size_t n, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
