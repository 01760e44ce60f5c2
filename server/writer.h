/* writer.h - the one thread that writes to the store, with group commit.
 *
 * The loop thread submits jobs; the writer thread takes every job queued so
 * far, runs each in its own nested transaction inside one write transaction,
 * commits once (durably: LMDB syncs on commit) and hands the jobs back to the
 * loop thread, where each job's done callback runs. Jobs submitted while a
 * commit is in flight form the next batch, so under load many writes share
 * one disk sync.
 *
 * A job's run callback returns 0 to keep its changes, WRITER_ROLLBACK to
 * discard them (the job failed on its own; its batch goes on), or an LMDB
 * error. MDB_MAP_FULL anywhere aborts the batch, grows the map and runs the
 * whole batch again, so run must depend only on the transaction and the job.
 * Any other error fails that job alone. If the commit itself fails, every job
 * of the batch gets the commit's error in commit_rc.
 */
#ifndef FOLIO_WRITER_H
#define FOLIO_WRITER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <uv.h>

#include "store.h"

#define WRITER_ROLLBACK (-1)
/* Batch sizes counted apart: 1, 2-7, 8-31, 32 and more writes. */
#define WRITER_BATCH_BUCKETS 4

struct writer_job {
    struct writer_job *next;
    int (*run)(struct writer_job *job, MDB_txn *txn); /* writer thread */
    void (*done)(struct writer_job *job);             /* loop thread, after commit */
    int run_rc;                                       /* what run returned the last time */
    int commit_rc; /* 0 when the batch holding this job was committed */
    /* Bytes the job may add to the database, when it may add many: the
     * writer grows the map to fit them before the batch begins, instead of
     * finding the map full halfway and running the batch again. */
    size_t room;
};

struct writer {
    struct store *store;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct writer_job *inbox, *inbox_tail;   /* loop -> writer */
    struct writer_job *outbox, *outbox_tail; /* writer -> loop */
    uv_async_t done_async;
    bool stopping;
    bool started;
    /* Counters for logs and stats (stats.h): written by the writer thread
     * only, readable from any thread. batches counts commits (one disk sync
     * each), jobs the writes in them. */
    _Atomic unsigned long long batches, jobs, max_batch;
    _Atomic unsigned long long batch_sizes[WRITER_BATCH_BUCKETS];
};

int writer_start(struct writer *w, struct store *store, uv_loop_t *loop);
/* Loop thread only. */
void writer_submit(struct writer *w, struct writer_job *job);
/* Finishes every queued job, joins the thread, delivers the last completions
 * and closes the async handle. Loop thread only. */
void writer_stop(struct writer *w);

#endif
