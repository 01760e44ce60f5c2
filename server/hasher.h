/* hasher.h - the pool: slow work off the loop thread, a bounded number at
 * once: password hashing, and the pool stage of other slow requests
 * (request.h).
 *
 * Work runs in lanes, each with its own FIFO and its own number of jobs run
 * at once, so that one kind of work cannot starve another: a login flood
 * fills the hash lane while exports, backups and heavy reads go on in
 * theirs, and the other way round.
 *   HASH       - argon2id costs tens of milliseconds and, at the interactive
 *                level, 64 MiB per hash: --max-hashes at once, at most
 *                --max-queued-hashes waiting. These run at the lowest
 *                scheduling priority (SCHED_IDLE on Linux): when logins and
 *                reads compete for the cores, the reads win.
 *   TRANSFER   - exports, imports and backups (--max-transfers at once).
 *   HEAVY_READ - reads that walk a whole portfolio: agenda, segment, offer
 *                list, audit query (--max-heavy-reads at once).
 * The libuv thread pool gets a thread for every job that may run at once.
 * A job still waiting may be cancelled (its connection closed); a running
 * one always finishes and is called back. Loop thread only, except run. */
#ifndef FOLIO_HASHER_H
#define FOLIO_HASHER_H

#include <stdbool.h>
#include <stddef.h>

#include <sodium.h>
#include <uv.h>

enum hasher_cost { HASHER_COST_MIN, HASHER_COST_INTERACTIVE, HASHER_COST_MODERATE };

enum hasher_lane { HASHER_LANE_HASH, HASHER_LANE_TRANSFER, HASHER_LANE_HEAVY_READ, HASHER_LANES };

struct hasher_job {
    uv_work_t work;
    struct hasher_job *prev, *next; /* the lane's FIFO while waiting */
    struct hasher *hasher;
    enum hasher_lane lane;                /* set before hasher_submit */
    bool waiting;                         /* in a FIFO, not started: may be cancelled */
    void (*run)(struct hasher_job *job);  /* thread pool */
    void (*done)(struct hasher_job *job); /* loop thread */
};

struct hasher_queue {
    unsigned running, max_running;
    size_t queued, max_queued;
    struct hasher_job *head, *tail;
};

struct hasher {
    uv_loop_t *loop;
    enum hasher_cost cost;
    struct hasher_queue lanes[HASHER_LANES];
    uint64_t cancelled; /* jobs taken back before they started */
    uint64_t refused;   /* jobs turned away: a full lane, or a peer over its share */
};

/* Every lane runs max_running at once (the hash lane: the given number,
 * transfers and heavy reads: 2) and lets waiting ones queue (the hash lane:
 * 1024; the others without bound of their own: a connection has one such
 * request in flight at a time, so connections bound them). */
void hasher_init(struct hasher *h, uv_loop_t *loop, enum hasher_cost cost, unsigned max_running);
/* Changes a lane's bounds; before the first job. max_running 0 counts as 1. */
void hasher_set_lane(struct hasher *h, enum hasher_lane lane, unsigned max_running,
                     size_t max_queued);
/* Threads the lanes may keep busy at once. */
unsigned hasher_threads(const struct hasher *h);
/* Queues job in job->lane. Returns 0, or -1 when that lane's queue is full
 * (counted in refused). */
int hasher_submit(struct hasher *h, struct hasher_job *job);
/* Takes back a job still waiting: true when it was (its done is then never
 * called; counted in cancelled), false when it runs or ran already. */
bool hasher_cancel(struct hasher *h, struct hasher_job *job);
/* Jobs running or waiting, every lane. */
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
