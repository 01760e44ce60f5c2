/* bench_histogram.c - see bench_histogram.h. */
#include "bench_histogram.h"

#include <math.h>
#include <string.h>

/* Bucket layout: indexes 0 .. 2*HALF-1 hold the values 0 .. 2*HALF-1 one by
 * one. Above, a value v with highest bit b (b >= SUB_BITS) is shifted right
 * by s = b - SUB_BITS + 1 so that it lands in HALF .. 2*HALF-1; its bucket is
 * (s + 1) * HALF + (v >> s) - HALF. */
static unsigned bench_histogram_index(uint64_t v)
{
    if (v < 2u * BENCH_HISTOGRAM_HALF)
        return (unsigned)v;
    unsigned bit = 63u - (unsigned)__builtin_clzll(v);
    unsigned shift = bit - BENCH_HISTOGRAM_SUB_BITS + 1;
    return (shift + 1) * BENCH_HISTOGRAM_HALF + (unsigned)(v >> shift) - BENCH_HISTOGRAM_HALF;
}

/* The largest value that falls in bucket i. */
static uint64_t bench_histogram_upper(unsigned i)
{
    if (i < 2u * BENCH_HISTOGRAM_HALF)
        return i;
    unsigned shift = i / BENCH_HISTOGRAM_HALF - 1;
    uint64_t sub = i % BENCH_HISTOGRAM_HALF + BENCH_HISTOGRAM_HALF;
    return ((sub + 1) << shift) - 1;
}

void bench_histogram_init(struct bench_histogram *h)
{
    memset(h, 0, sizeof(*h));
}

void bench_histogram_record(struct bench_histogram *h, uint64_t us)
{
    if (us > BENCH_HISTOGRAM_MAX_US)
        us = BENCH_HISTOGRAM_MAX_US;
    h->counts[bench_histogram_index(us)]++;
    h->total++;
    if (us > h->max)
        h->max = us;
}

void bench_histogram_merge(struct bench_histogram *dst, const struct bench_histogram *src)
{
    for (unsigned i = 0; i < BENCH_HISTOGRAM_BUCKETS; i++)
        dst->counts[i] += src->counts[i];
    dst->total += src->total;
    if (src->max > dst->max)
        dst->max = src->max;
}

uint64_t bench_histogram_percentile(const struct bench_histogram *h, double percent)
{
    if (h->total == 0)
        return 0;
    if (!(percent > 0.0))
        percent = 0.0;
    if (percent >= 100.0)
        return h->max;
    uint64_t rank = (uint64_t)ceil(percent / 100.0 * (double)h->total);
    if (rank == 0)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < BENCH_HISTOGRAM_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            uint64_t upper = bench_histogram_upper(i);
            return upper < h->max ? upper : h->max;
        }
    }
    return h->max;
}
