/* hasher.h - slow work off the loop thread, a bounded number at once:
 * password hashing above all, and the pool stage of other slow requests
 * (request.h).
 *
 * argon2id costs tens of milliseconds and, at the interactive level, 64 MiB
 * per hash. Jobs run on the libuv thread pool, at most max_running at a time
 * so that memory stays bounded and the pool stays free for other work; the
 * rest wait in a FIFO of at most max_queued. The threads that run them do so
 * at the lowest scheduling priority (SCHED_IDLE on Linux): when logins and
 * reads compete for the cores, the reads win and the logins take longer. */
#ifndef FOLIO_HASHER_H
#define FOLIO_HASHER_H

#include <stdbool.h>
#include <stddef.h>

#include <sodium.h>
#include <uv.h>

enum hasher_cost { HASHER_COST_MIN, HASHER_COST_INTERACTIVE, HASHER_COST_MODERATE };

struct hasher_job {
    uv_work_t work;
    struct hasher_job *next;
    struct hasher *hasher;
    void (*run)(struct hasher_job *job);  /* thread pool */
    void (*done)(struct hasher_job *job); /* loop thread */
};

struct hasher {
    uv_loop_t *loop;
    enum hasher_cost cost;
    unsigned running, max_running;
    size_t queued, max_queued;
    struct hasher_job *head, *tail;
};

void hasher_init(struct hasher *h, uv_loop_t *loop, enum hasher_cost cost, unsigned max_running);
/* Returns 0, or -1 when too many hashes are waiting already. */
int hasher_submit(struct hasher *h, struct hasher_job *job);
/* Jobs running or waiting. */
size_t hasher_pending(const struct hasher *h);

/* Bytes of memory one hash at this cost takes. */
size_t hasher_memory(enum hasher_cost cost);
/* Hashes to run at once when nobody says: every core but one, which the
 * loop thread needs to keep serving, and no more than a quarter of the
 * machine's memory holds; at least 1. */
unsigned hasher_default_concurrency(enum hasher_cost cost);

/* "min", "interactive", "moderate". */
int hasher_cost_parse(const char *name, enum hasher_cost *cost);

/* For run callbacks (any thread). hasher_hash returns 0 or -1 (out of memory). */
int hasher_hash(enum hasher_cost cost, const char *password, char out[crypto_pwhash_STRBYTES]);
bool hasher_verify(const char *stored, const char *password);
/* True when stored was made at another cost than cost (an older setting):
 * checking it does not take what a check at cost takes. */
bool hasher_needs_rehash(enum hasher_cost cost, const char *stored);
/* A hash of a random password at cost, which no password matches: checking
 * an unknown user name against it costs what a real check costs. Returns 0
 * or -1 (out of memory). Slow: call it off the loop. */
int hasher_make_dummy(enum hasher_cost cost, char out[crypto_pwhash_STRBYTES]);

#endif
