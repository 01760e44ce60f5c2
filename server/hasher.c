/* hasher.c - see hasher.h. */
#define _GNU_SOURCE /* SCHED_IDLE */
#include "hasher.h"

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
    *h = (struct hasher){
        .loop = loop,
        .cost = cost,
        .max_running = max_running ? max_running : 1,
        .max_queued = HASHER_MAX_QUEUED,
    };
}

size_t hasher_pending(const struct hasher *h)
{
    return h->running + h->queued;
}

/* The pool runs nothing but these jobs in foliod, so a pool thread keeps
 * the lowest priority once it has it. SCHED_IDLE (Linux) rather than a nice
 * value: a waking loop thread then takes the core at once instead of at the
 * end of the hasher's time slice, and the hasher still runs whenever a core
 * is free, so logins slow down under load but do not stop. */
static void hasher_lower_priority(void)
{
#ifdef SCHED_IDLE
    static _Thread_local bool lowered;
    if (!lowered) {
        lowered = true;
        struct sched_param param = {.sched_priority = 0};
        (void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
    }
#endif
}

static void hasher_work(uv_work_t *work)
{
    hasher_lower_priority();
    struct hasher_job *job = work->data;
    job->run(job);
}

static void hasher_start_next(struct hasher *h);

static void hasher_after_work(uv_work_t *work, int status)
{
    (void)status; /* jobs are never cancelled */
    struct hasher_job *job = work->data;
    struct hasher *h = job->hasher;
    h->running--;
    hasher_start_next(h);
    job->done(job);
}

static void hasher_start_next(struct hasher *h)
{
    while (h->running < h->max_running && h->head != NULL) {
        struct hasher_job *job = h->head;
        h->head = job->next;
        if (h->head == NULL)
            h->tail = NULL;
        h->queued--;
        job->work.data = job;
        h->running++;
        uv_queue_work(h->loop, &job->work, hasher_work, hasher_after_work);
    }
}

int hasher_submit(struct hasher *h, struct hasher_job *job)
{
    if (h->queued >= h->max_queued)
        return -1;
    job->hasher = h;
    job->next = NULL;
    if (h->tail != NULL)
        h->tail->next = job;
    else
        h->head = job;
    h->tail = job;
    h->queued++;
    hasher_start_next(h);
    return 0;
}
