/* test_writer.c - the writer thread: group commit, isolation of a failing
 * job, and replay of a batch after the map grows. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "writer.h"

#define TEST_JOBS 200

struct test_job {
    struct writer_job job;
    unsigned index;
    size_t value_size;
    bool fail;
    bool done;
};

static unsigned test_done_count;
static uv_loop_t *test_loop;
static struct writer test_writer;

static int test_job_run(struct writer_job *job, MDB_txn *txn)
{
    struct test_job *t = (struct test_job *)job;
    struct store *s = test_writer.store;
    uint8_t key[8];
    store_key_u64(key, t->index);
    MDB_val k = {sizeof(key), key};
    MDB_val v = {t->value_size, NULL};
    int rc = mdb_put(txn, s->audit, &k, &v, MDB_RESERVE);
    if (rc != 0)
        return rc;
    memset(v.mv_data, 'x', t->value_size);
    return t->fail ? WRITER_ROLLBACK : 0;
}

static void test_job_done(struct writer_job *job)
{
    struct test_job *t = (struct test_job *)job;
    t->done = true;
    if (++test_done_count == TEST_JOBS)
        writer_stop(&test_writer);
}

static char *test_dir;

static void test_setup(struct store *s)
{
    char template[] = "/tmp/folio-writer-XXXXXX";
    test_dir = strdup(mkdtemp(template));
    cr_assert_eq(store_open(s, test_dir, 1), 0);
    test_loop = malloc(sizeof(*test_loop));
    uv_loop_init(test_loop);
    test_done_count = 0;
    cr_assert_eq(writer_start(&test_writer, s, test_loop), 0);
}

static void test_teardown(struct store *s)
{
    uv_run(test_loop, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(test_loop), 0, "a handle was left open");
    free(test_loop);
    store_close(s);
    char command[256];
    snprintf(command, sizeof(command), "rm -rf '%s'", test_dir);
    cr_assert_eq(system(command), 0);
    free(test_dir);
}

static size_t test_count_records(struct store *s)
{
    MDB_txn *txn;
    cr_assert_eq(store_read_begin(s, &txn), 0);
    MDB_stat stat;
    cr_assert_eq(mdb_stat(txn, s->audit, &stat), 0);
    store_read_end(s, txn);
    return stat.ms_entries;
}

Test(writer, every_job_is_committed_and_answered_in_fewer_commits)
{
    struct store s;
    test_setup(&s);
    struct test_job *jobs = calloc(TEST_JOBS, sizeof(*jobs));
    for (unsigned i = 0; i < TEST_JOBS; i++) {
        jobs[i] = (struct test_job){.index = i + 1, .value_size = 64};
        jobs[i].job.run = test_job_run;
        jobs[i].job.done = test_job_done;
        writer_submit(&test_writer, &jobs[i].job);
    }
    unsigned long long batches_seen = 0;
    uv_run(test_loop, UV_RUN_DEFAULT);
    batches_seen = test_writer.batches;
    for (unsigned i = 0; i < TEST_JOBS; i++) {
        cr_assert(jobs[i].done, "job %u was never answered", i);
        cr_assert_eq(jobs[i].job.commit_rc, 0);
        cr_assert_eq(jobs[i].job.run_rc, 0);
    }
    cr_assert_eq(test_count_records(&s), TEST_JOBS);
    /* Jobs queued together share a commit. */
    cr_assert_lt(batches_seen, TEST_JOBS, "%llu commits for %d jobs", batches_seen, TEST_JOBS);
    free(jobs);
    test_teardown(&s);
}

Test(writer, a_failing_job_does_not_fail_its_batch)
{
    struct store s;
    test_setup(&s);
    struct test_job *jobs = calloc(TEST_JOBS, sizeof(*jobs));
    for (unsigned i = 0; i < TEST_JOBS; i++) {
        jobs[i] = (struct test_job){.index = i + 1, .value_size = 64, .fail = i % 3 == 0};
        jobs[i].job.run = test_job_run;
        jobs[i].job.done = test_job_done;
        writer_submit(&test_writer, &jobs[i].job);
    }
    uv_run(test_loop, UV_RUN_DEFAULT);
    size_t kept = 0;
    for (unsigned i = 0; i < TEST_JOBS; i++) {
        cr_assert(jobs[i].done);
        cr_assert_eq(jobs[i].job.commit_rc, 0);
        cr_assert_eq(jobs[i].job.run_rc, jobs[i].fail ? WRITER_ROLLBACK : 0);
        kept += !jobs[i].fail;
    }
    cr_assert_eq(test_count_records(&s), kept);
    MDB_txn *txn;
    cr_assert_eq(store_read_begin(&s, &txn), 0);
    for (unsigned i = 0; i < TEST_JOBS; i++) {
        uint8_t key[8];
        store_key_u64(key, i + 1);
        MDB_val k = {sizeof(key), key}, v;
        cr_assert_eq(mdb_get(txn, s.audit, &k, &v) == 0, !jobs[i].fail,
                     "job %u: rolled back %d, present %d", i, jobs[i].fail,
                     mdb_get(txn, s.audit, &k, &v) == 0);
    }
    store_read_end(&s, txn);
    free(jobs);
    test_teardown(&s);
}

Test(writer, a_full_map_grows_and_the_batch_is_replayed)
{
    struct store s;
    test_setup(&s);
    size_t initial = s.map_size;
    /* 200 jobs of 512 KiB do not fit the initial map: the writer must grow it
     * (more than once) and still commit every job. */
    struct test_job *jobs = calloc(TEST_JOBS, sizeof(*jobs));
    for (unsigned i = 0; i < TEST_JOBS; i++) {
        jobs[i] = (struct test_job){.index = i + 1, .value_size = 512 * 1024};
        jobs[i].job.run = test_job_run;
        jobs[i].job.done = test_job_done;
        writer_submit(&test_writer, &jobs[i].job);
    }
    uv_run(test_loop, UV_RUN_DEFAULT);
    for (unsigned i = 0; i < TEST_JOBS; i++) {
        cr_assert(jobs[i].done);
        cr_assert_eq(jobs[i].job.commit_rc, 0, "job %u: %s", i,
                     store_strerror(jobs[i].job.commit_rc));
    }
    cr_assert_gt(s.map_size, initial);
    cr_assert_eq(test_count_records(&s), TEST_JOBS);
    free(jobs);
    test_teardown(&s);
}
