/* writer.c - see writer.h.
 *
 * Why one thread: LMDB allows one write transaction at a time, and a disk
 * sync per commit is the dominant cost of a write. Taking every queued job
 * into one transaction turns N syncs into one while each job still succeeds
 * or fails on its own thanks to a nested transaction.
 */
#include "writer.h"

#include "log.h"

#define WRITER_MAX_GROW_ATTEMPTS 16

static void writer_fail_batch(struct writer_job *batch, int rc)
{
    for (struct writer_job *job = batch; job != NULL; job = job->next)
        job->commit_rc = rc;
}

/* Runs one job in a child of txn. Returns MDB_MAP_FULL when the batch must be
 * replayed on a bigger map, 0 otherwise (the job's own outcome is in run_rc). */
static int writer_run_job(MDB_env *env, MDB_txn *txn, struct writer_job *job)
{
    MDB_txn *child;
    int rc = mdb_txn_begin(env, txn, 0, &child);
    if (rc != 0) {
        job->run_rc = rc;
        return rc == MDB_MAP_FULL ? rc : 0;
    }
    rc = job->run(job, child);
    job->run_rc = rc;
    if (rc != 0) {
        mdb_txn_abort(child);
        return rc == MDB_MAP_FULL ? rc : 0;
    }
    rc = mdb_txn_commit(child);
    if (rc != 0) {
        job->run_rc = rc;
        return rc == MDB_MAP_FULL ? rc : 0;
    }
    return 0;
}

/* Before a batch that announced large writes (an import), so that it runs
 * once: a replay after MDB_MAP_FULL would redo all of it. */
static void writer_make_room(struct writer *w, struct writer_job *batch)
{
    size_t room = 0;
    for (struct writer_job *job = batch; job != NULL; job = job->next)
        room = job->room > SIZE_MAX - room ? SIZE_MAX : room + job->room;
    if (room == 0)
        return;
    size_t before = w->store->map_size;
    int rc = store_make_room(w->store, room);
    if (rc != 0)
        log_error("writer: cannot grow the map for %zu MiB ahead of a large write: %s", room >> 20,
                  store_strerror(rc));
    else if (w->store->map_size != before)
        log_info("writer: database map grown to %zu MiB ahead of a large write",
                 w->store->map_size >> 20);
}

static void writer_run_batch(struct writer *w, struct writer_job *batch)
{
    MDB_env *env = w->store->env;
    writer_make_room(w, batch);
    for (int attempt = 0;; attempt++) {
        MDB_txn *txn;
        int rc = mdb_txn_begin(env, NULL, 0, &txn);
        if (rc != 0) {
            log_error("writer: cannot begin a write transaction: %s", store_strerror(rc));
            writer_fail_batch(batch, rc);
            return;
        }
        rc = 0;
        for (struct writer_job *job = batch; job != NULL && rc == 0; job = job->next)
            rc = writer_run_job(env, txn, job);
        if (rc == 0) {
            rc = mdb_txn_commit(txn);
            if (rc != MDB_MAP_FULL) {
                if (rc != 0)
                    log_error("writer: commit failed: %s", store_strerror(rc));
                writer_fail_batch(batch, rc);
                return;
            }
        } else {
            mdb_txn_abort(txn);
        }
        /* The map is full: no transaction is open in this thread now, so the
         * map can grow (store_grow waits for readers), then the batch runs
         * again from the start. */
        if (attempt >= WRITER_MAX_GROW_ATTEMPTS || (rc = store_grow(w->store)) != 0) {
            log_error("writer: the database map is full and cannot grow: %s",
                      store_strerror(rc ? rc : MDB_MAP_FULL));
            writer_fail_batch(batch, MDB_MAP_FULL);
            return;
        }
        log_info("writer: database map grown to %zu MiB", w->store->map_size >> 20);
    }
}

/* Writer thread. The only writer of the counters: relaxed operations suffice,
 * and cost nothing next to the disk sync of the batch. */
static void writer_count(struct writer *w, unsigned long long n)
{
    atomic_fetch_add_explicit(&w->batches, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&w->jobs, n, memory_order_relaxed);
    if (n > atomic_load_explicit(&w->max_batch, memory_order_relaxed))
        atomic_store_explicit(&w->max_batch, n, memory_order_relaxed);
    size_t bucket = n <= 1 ? 0 : n < 8 ? 1 : n < 32 ? 2 : 3;
    atomic_fetch_add_explicit(&w->batch_sizes[bucket], 1, memory_order_relaxed);
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        while (w->inbox == NULL && !w->stopping)
            pthread_cond_wait(&w->wake, &w->lock);
        struct writer_job *batch = w->inbox;
        w->inbox = w->inbox_tail = NULL;
        pthread_mutex_unlock(&w->lock);
        if (batch == NULL)
            break; /* stopping, and nothing left to do */

        struct writer_job *last = batch;
        unsigned long long count = 1;
        for (; last->next != NULL; last = last->next)
            count++;
        writer_run_batch(w, batch);
        store_auth_publish(w->store);
        writer_count(w, count);

        pthread_mutex_lock(&w->lock);
        if (w->outbox_tail != NULL)
            w->outbox_tail->next = batch;
        else
            w->outbox = batch;
        w->outbox_tail = last;
        pthread_mutex_unlock(&w->lock);
        uv_async_send(&w->done_async);
    }
    return NULL;
}

/* uv_async_send calls coalesce: one callback may stand for many batches, so
 * it takes the whole outbox. */
static void writer_deliver(uv_async_t *handle)
{
    struct writer *w = handle->data;
    pthread_mutex_lock(&w->lock);
    struct writer_job *job = w->outbox;
    w->outbox = w->outbox_tail = NULL;
    pthread_mutex_unlock(&w->lock);
    while (job != NULL) {
        struct writer_job *next = job->next;
        job->next = NULL;
        job->done(job);
        job = next;
    }
}

int writer_start(struct writer *w, struct store *store, uv_loop_t *loop)
{
    *w = (struct writer){.store = store};
    int rc = uv_async_init(loop, &w->done_async, writer_deliver);
    if (rc != 0)
        return rc;
    w->done_async.data = w;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    rc = pthread_create(&w->thread, NULL, writer_main, w);
    if (rc != 0) {
        uv_close((uv_handle_t *)&w->done_async, NULL);
        return rc;
    }
    w->started = true;
    return 0;
}

void writer_submit(struct writer *w, struct writer_job *job)
{
    job->next = NULL;
    job->run_rc = 0;
    job->commit_rc = 0;
    pthread_mutex_lock(&w->lock);
    if (w->inbox_tail != NULL)
        w->inbox_tail->next = job;
    else
        w->inbox = job;
    w->inbox_tail = job;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

void writer_stop(struct writer *w)
{
    if (!w->started)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    w->started = false;
    writer_deliver(&w->done_async);
    uv_close((uv_handle_t *)&w->done_async, NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
}
