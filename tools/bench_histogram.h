/* bench_histogram.h - a latency histogram in microseconds, log-linear like
 * HdrHistogram.
 *
 * Values below 2^BENCH_HISTOGRAM_SUB_BITS are counted exactly; above that,
 * every power of two is split into 2^(BENCH_HISTOGRAM_SUB_BITS - 1) equal
 * buckets, so a value is known to better than 1/64 (1.6 %) of itself. Memory
 * is constant (one fixed array), recording is a few instructions, and values
 * beyond BENCH_HISTOGRAM_MAX_US (about 19 hours) are clamped to it. The
 * exact maximum is kept besides the buckets. */
#ifndef FOLIO_BENCH_HISTOGRAM_H
#define FOLIO_BENCH_HISTOGRAM_H

#include <stdint.h>

#define BENCH_HISTOGRAM_SUB_BITS 7
#define BENCH_HISTOGRAM_TOP_BIT  36 /* highest power of two kept */
#define BENCH_HISTOGRAM_MAX_US   ((UINT64_C(1) << (BENCH_HISTOGRAM_TOP_BIT + 1)) - 1)
#define BENCH_HISTOGRAM_HALF     (1u << (BENCH_HISTOGRAM_SUB_BITS - 1))
#define BENCH_HISTOGRAM_BUCKETS                                                                    \
    ((BENCH_HISTOGRAM_TOP_BIT - BENCH_HISTOGRAM_SUB_BITS + 2) * BENCH_HISTOGRAM_HALF +             \
     BENCH_HISTOGRAM_HALF)

struct bench_histogram {
    uint64_t counts[BENCH_HISTOGRAM_BUCKETS];
    uint64_t total;
    uint64_t max;
};

void bench_histogram_init(struct bench_histogram *h);
void bench_histogram_record(struct bench_histogram *h, uint64_t us);
/* Adds every value of src to dst. */
void bench_histogram_merge(struct bench_histogram *dst, const struct bench_histogram *src);
/* The smallest value v such that at least `percent` % of the values are <= v,
 * rounded up to its bucket's upper edge (never above the maximum seen); 0
 * when empty. percent is clamped to 0..100; 100 gives the exact maximum. */
uint64_t bench_histogram_percentile(const struct bench_histogram *h, double percent);

#endif
