/* segment_buckets.h - counting a segment's breakdown (`segment --by city`)
 * in time linear in the clients walked.
 *
 * Buckets are kept in arrival order in `list` and found by key through an
 * open-addressing table of indexes that doubles at half full, so each
 * client costs one hash and a probe or two whatever the number of buckets
 * (a scan of the list would make 50,000 cities cost billions of string
 * compares, all on one thread). Everything lives in the arena given, so a
 * breakdown too large for the request's memory fails with ENOMEM, cleanly.
 * `compares` counts key comparisons, for tests. */
#ifndef FOLIO_SEGMENT_BUCKETS_H
#define FOLIO_SEGMENT_BUCKETS_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "folio.pb-c.h"

struct segment_buckets {
    struct arena *arena;
    Folio__SegmentBucket **list; /* count of them, arrival order */
    size_t count, capacity;
    uint32_t *slots;   /* index into list + 1; 0: empty */
    size_t slot_count; /* a power of two, or 0 */
    uint64_t compares;
};

void segment_buckets_init(struct segment_buckets *b, struct arena *arena);
/* Counts one more for key (copied into the arena on first sight). Returns 0
 * or ENOMEM. */
int segment_buckets_add(struct segment_buckets *b, const char *key);

#endif
