/* fuzz_lmdb_alloc.c - the allocator LMDB calls in the fuzzers that write
 * through it (fuzz_frame_dispatch, fuzz_bundle).
 *
 * Those fuzzers link LMDB from its static library with malloc, calloc,
 * realloc and free renamed to the functions below (tests/fuzz/
 * CMakeLists.txt, objcopy --redefine-sym), and nothing else of LMDB
 * changes. Why: every nested transaction - one per write the writer thread
 * runs - allocates 3 MiB of page lists (mdb_txn_begin) and frees them at
 * its end. Under AddressSanitizer a block that size is mapped, its shadow
 * poisoned, unpoisoned, poisoned again at free and unmapped, page by page:
 * half the time of an input went there. Here a block of FUZZ_LMDB_BIG bytes
 * or more is kept when LMDB frees it and handed out again for the next
 * request of the same size, so each is mapped once per run. Smaller blocks,
 * and any block this did not hand out (one posix_memalign made), go to
 * malloc and free as before. What is lost: AddressSanitizer no longer sees
 * LMDB use one of its own page lists after freeing it, which is LMDB's
 * business, not folio's. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_LMDB_BIG  (256u * 1024u)
#define FUZZ_LMDB_KEPT 32 /* blocks kept; more than the writer holds at once */

void *fuzz_lmdb_malloc(size_t size);
void *fuzz_lmdb_calloc(size_t count, size_t size);
void *fuzz_lmdb_realloc(void *p, size_t size);
void fuzz_lmdb_free(void *p);

struct fuzz_lmdb_block {
    void *p; /* NULL: an empty slot */
    size_t size;
    bool in_use;
};

static pthread_mutex_t fuzz_lmdb_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fuzz_lmdb_block fuzz_lmdb_blocks[FUZZ_LMDB_KEPT];

/* The slot holding p, or NULL. Call with the lock held. */
static struct fuzz_lmdb_block *fuzz_lmdb_find(const void *p)
{
    for (size_t i = 0; i < FUZZ_LMDB_KEPT; i++)
        if (fuzz_lmdb_blocks[i].p == p)
            return &fuzz_lmdb_blocks[i];
    return NULL;
}

void *fuzz_lmdb_malloc(size_t size)
{
    if (size < FUZZ_LMDB_BIG)
        return malloc(size);
    pthread_mutex_lock(&fuzz_lmdb_lock);
    struct fuzz_lmdb_block *empty = NULL;
    for (size_t i = 0; i < FUZZ_LMDB_KEPT; i++) {
        struct fuzz_lmdb_block *b = &fuzz_lmdb_blocks[i];
        if (b->p != NULL && !b->in_use && b->size == size) {
            b->in_use = true;
            pthread_mutex_unlock(&fuzz_lmdb_lock);
            return b->p;
        }
        if (b->p == NULL && empty == NULL)
            empty = b;
    }
    void *p = malloc(size);
    if (p != NULL && empty != NULL)
        *empty = (struct fuzz_lmdb_block){.p = p, .size = size, .in_use = true};
    pthread_mutex_unlock(&fuzz_lmdb_lock);
    return p;
}

void *fuzz_lmdb_calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    void *p = fuzz_lmdb_malloc(count * size);
    if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

void fuzz_lmdb_free(void *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&fuzz_lmdb_lock);
    struct fuzz_lmdb_block *b = fuzz_lmdb_find(p);
    if (b != NULL)
        b->in_use = false;
    pthread_mutex_unlock(&fuzz_lmdb_lock);
    if (b == NULL)
        free(p);
}

void *fuzz_lmdb_realloc(void *p, size_t size)
{
    if (p == NULL)
        return fuzz_lmdb_malloc(size);
    pthread_mutex_lock(&fuzz_lmdb_lock);
    struct fuzz_lmdb_block *b = fuzz_lmdb_find(p);
    size_t old = b != NULL ? b->size : 0;
    pthread_mutex_unlock(&fuzz_lmdb_lock);
    if (b == NULL)
        return realloc(p, size); /* not kept: nor is what it becomes */
    void *q = fuzz_lmdb_malloc(size);
    if (q == NULL)
        return NULL;
    memcpy(q, p, old < size ? old : size);
    fuzz_lmdb_free(p);
    return q;
}
