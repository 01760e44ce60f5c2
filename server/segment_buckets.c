/* segment_buckets.c - see segment_buckets.h. */
#include "segment_buckets.h"

#include <errno.h>
#include <string.h>

#define SEGMENT_BUCKETS_FIRST 16

void segment_buckets_init(struct segment_buckets *b, struct arena *arena)
{
    *b = (struct segment_buckets){.arena = arena};
}

/* FNV-1a: short keys, no adversary that gains by collisions beyond its own
 * portfolio, and the table never holds more than half its slots. */
static uint64_t segment_buckets_hash(const char *key)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

static void segment_buckets_place(uint32_t *slots, size_t slot_count, const char *key,
                                  uint32_t index)
{
    size_t mask = slot_count - 1;
    size_t i = (size_t)segment_buckets_hash(key) & mask;
    while (slots[i] != 0)
        i = (i + 1) & mask;
    slots[i] = index + 1;
}

/* Makes room for one more bucket in both the list and the table. */
static int segment_buckets_grow(struct segment_buckets *b)
{
    if (b->count == b->capacity) {
        size_t capacity = b->capacity ? b->capacity * 2 : SEGMENT_BUCKETS_FIRST;
        Folio__SegmentBucket **list = arena_calloc(b->arena, capacity, sizeof(*list));
        if (list == NULL)
            return ENOMEM;
        if (b->count > 0)
            memcpy(list, b->list, b->count * sizeof(*list));
        b->list = list;
        b->capacity = capacity;
    }
    if ((b->count + 1) * 2 > b->slot_count) {
        if (b->count >= UINT32_MAX / 2)
            return ENOMEM;
        size_t slot_count = b->slot_count ? b->slot_count * 2 : SEGMENT_BUCKETS_FIRST * 2;
        uint32_t *slots = arena_calloc(b->arena, slot_count, sizeof(*slots));
        if (slots == NULL)
            return ENOMEM;
        for (size_t i = 0; i < b->count; i++)
            segment_buckets_place(slots, slot_count, b->list[i]->key, (uint32_t)i);
        b->slots = slots;
        b->slot_count = slot_count;
    }
    return 0;
}

int segment_buckets_add(struct segment_buckets *b, const char *key)
{
    if (b->slot_count > 0) {
        size_t mask = b->slot_count - 1;
        for (size_t i = (size_t)segment_buckets_hash(key) & mask; b->slots[i] != 0;
             i = (i + 1) & mask) {
            Folio__SegmentBucket *bucket = b->list[b->slots[i] - 1];
            b->compares++;
            if (strcmp(bucket->key, key) == 0) {
                bucket->count++;
                return 0;
            }
        }
    }
    if (segment_buckets_grow(b) != 0)
        return ENOMEM;
    Folio__SegmentBucket *bucket = arena_alloc(b->arena, sizeof(*bucket));
    char *copy = arena_strdup(b->arena, key);
    if (bucket == NULL || copy == NULL)
        return ENOMEM;
    folio__segment_bucket__init(bucket);
    bucket->key = copy;
    bucket->count = 1;
    b->list[b->count] = bucket;
    segment_buckets_place(b->slots, b->slot_count, copy, (uint32_t)b->count);
    b->count++;
    return 0;
}
