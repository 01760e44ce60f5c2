/* hasher.c - see hasher.h. */
#define _GNU_SOURCE /* SCHED_IDLE */
#include "hasher.h"

#include <stdint.h>
#include <string.h>
#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#endif

#define HASHER_MAX_QUEUED 1024

static void hasher_limits(enum hasher_cost cost, unsigned long long *ops, size_t *mem)
{
    switch (cost) {
    case HASHER_COST_MIN:
        *ops = crypto_pwhash_OPSLIMIT_MIN;
        *mem = crypto_pwhash_MEMLIMIT_MIN;
        break;
    case HASHER_COST_MODERATE:
        *ops = crypto_pwhash_OPSLIMIT_MODERATE;
        *mem = crypto_pwhash_MEMLIMIT_MODERATE;
        break;
    case HASHER_COST_INTERACTIVE:
    default:
        *ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
        *mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
        break;
    }
}

size_t hasher_memory(enum hasher_cost cost)
{
    unsigned long long ops;
    size_t mem;
    hasher_limits(cost, &ops, &mem);
    return mem;
}

unsigned hasher_default_concurrency(enum hasher_cost cost)
{
    unsigned cores = uv_available_parallelism();
    unsigned n = cores > 1 ? cores - 1 : 1;
    uint64_t memory = uv_get_constrained_memory();
    if (memory == 0 || memory > uv_get_total_memory())
        memory = uv_get_total_memory();
    uint64_t fits = memory / 4 / hasher_memory(cost);
    if (fits < n)
        n = fits > 0 ? (unsigned)fits : 1;
    return n;
}

int hasher_cost_parse(const char *name, enum hasher_cost *cost)
{
    if (strcmp(name, "min") == 0)
        *cost = HASHER_COST_MIN;
    else if (strcmp(name, "interactive") == 0)
        *cost = HASHER_COST_INTERACTIVE;
    else if (strcmp(name, "moderate") == 0)
        *cost = HASHER_COST_MODERATE;
    else
        return -1;
    return 0;
}

int hasher_hash(enum hasher_cost cost, const char *password, char out[crypto_pwhash_STRBYTES])
{
    unsigned long long ops;
    size_t mem;
    hasher_limits(cost, &ops, &mem);
    return crypto_pwhash_str(out, password, strlen(password), ops, mem) == 0 ? 0 : -1;
}

bool hasher_verify(const char *stored, const char *password)
{
    return crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
}

bool hasher_needs_rehash(enum hasher_cost cost, const char *stored)
{
    unsigned long long ops;
    size_t mem;
    hasher_limits(cost, &ops, &mem);
    return crypto_pwhash_str_needs_rehash(stored, ops, mem) != 0;
}

int hasher_make_dummy(enum hasher_cost cost, char out[crypto_pwhash_STRBYTES])
{
    unsigned char secret[32];
    char password[sizeof(secret) * 2 + 1];
    randombytes_buf(secret, sizeof(secret));
    sodium_bin2hex(password, sizeof(password), secret, sizeof(secret));
    int rc = hasher_hash(cost, password, out);
    sodium_memzero(secret, sizeof(secret));
    sodium_memzero(password, sizeof(password));
    return rc;
}

void hasher_init(struct hasher *h, uv_loop_t *loop, enum hasher_cost cost, unsigned max_running)
{
    *h = (struct hasher){.loop = loop, .cost = cost};
    hasher_set_lane(h, HASHER_LANE_HASH, max_running, HASHER_MAX_QUEUED);
    hasher_set_lane(h, HASHER_LANE_TRANSFER, 2, SIZE_MAX);
    hasher_set_lane(h, HASHER_LANE_HEAVY_READ, 2, SIZE_MAX);
}

void hasher_set_lane(struct hasher *h, enum hasher_lane lane, unsigned max_running,
                     size_t max_queued)
{
    h->lanes[lane].max_running = max_running ? max_running : 1;
    h->lanes[lane].max_queued = max_queued;
}

unsigned hasher_threads(const struct hasher *h)
{
    unsigned threads = 0;
    for (int lane = 0; lane < HASHER_LANES; lane++)
        threads += h->lanes[lane].max_running;
    return threads;
}

size_t hasher_pending(const struct hasher *h)
{
    size_t pending = 0;
    for (int lane = 0; lane < HASHER_LANES; lane++)
        pending += h->lanes[lane].running + h->lanes[lane].queued;
    return pending;
}

/* Hashes run at the lowest priority, everything else at the normal one, on
 * whichever pool thread takes them. SCHED_IDLE (Linux) rather than a nice
 * value: a waking loop thread then takes the core at once instead of at the
 * end of the hasher's time slice, and the hasher still runs whenever a core
 * is free, so logins slow down under load but do not stop. A heavy read or
 * an export is somebody waiting for an answer, and must not wait behind
 * every other process on the machine. */
static void hasher_set_priority(bool lowest)
{
#ifdef SCHED_IDLE
    static _Thread_local bool lowered;
    if (lowered != lowest) {
        struct sched_param param = {.sched_priority = 0};
        if (pthread_setschedparam(pthread_self(), lowest ? SCHED_IDLE : SCHED_OTHER, &param) == 0)
            lowered = lowest;
    }
#else
    (void)lowest;
#endif
}

static void hasher_work(uv_work_t *work)
{
    struct hasher_job *job = work->data;
    hasher_set_priority(job->lane == HASHER_LANE_HASH);
    job->run(job);
}

static void hasher_start_next(struct hasher *h, enum hasher_lane lane);

static void hasher_after_work(uv_work_t *work, int status)
{
    (void)status; /* a started job is never cancelled */
    struct hasher_job *job = work->data;
    struct hasher *h = job->hasher;
    h->lanes[job->lane].running--;
    hasher_start_next(h, job->lane);
    job->done(job);
}

static void hasher_unlink(struct hasher_queue *q, struct hasher_job *job)
{
    if (job->prev != NULL)
        job->prev->next = job->next;
    else
        q->head = job->next;
    if (job->next != NULL)
        job->next->prev = job->prev;
    else
        q->tail = job->prev;
    job->prev = job->next = NULL;
    job->waiting = false;
    q->queued--;
}

static void hasher_start_next(struct hasher *h, enum hasher_lane lane)
{
    struct hasher_queue *q = &h->lanes[lane];
    while (q->running < q->max_running && q->head != NULL) {
        struct hasher_job *job = q->head;
        hasher_unlink(q, job);
        job->work.data = job;
        q->running++;
        uv_queue_work(h->loop, &job->work, hasher_work, hasher_after_work);
    }
}

int hasher_submit(struct hasher *h, struct hasher_job *job)
{
    struct hasher_queue *q = &h->lanes[job->lane];
    if (q->queued >= q->max_queued) {
        h->refused++;
        return -1;
    }
    job->hasher = h;
    job->next = NULL;
    job->prev = q->tail;
    if (q->tail != NULL)
        q->tail->next = job;
    else
        q->head = job;
    q->tail = job;
    q->queued++;
    job->waiting = true;
    hasher_start_next(h, job->lane);
    return 0;
}

bool hasher_cancel(struct hasher *h, struct hasher_job *job)
{
    if (!job->waiting)
        return false;
    hasher_unlink(&h->lanes[job->lane], job);
    h->cancelled++;
    return true;
}
