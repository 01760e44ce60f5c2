/* store_task.c - see store_task.h.
 *
 * Moves and deletions by client collect the task ids first and change the
 * tables after the walk: a cursor must not stand on entries it deletes. */
#include "store_task.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "client_id.h"
#include "store_agenda.h"

#define TASK_CLIENT_KEY_BYTES (16 + 8)

/* Writes (put) or removes every index entry of task. */
static int task_index(struct store *s, MDB_txn *txn, const Folio__Task *task, bool put)
{
    int rc;
    uint8_t client_id[16];
    if (task->client_id[0] != '\0') {
        if (client_id_parse(task->client_id, client_id) != 0)
            return EINVAL;
        uint8_t ckey[TASK_CLIENT_KEY_BYTES];
        memcpy(ckey, client_id, 16);
        store_key_u64(ckey + 16, task->id);
        MDB_val k = {sizeof(ckey), ckey}, empty = {0, NULL};
        rc = put ? mdb_put(txn, s->tasks_by_client, &k, &empty, 0)
                 : mdb_del(txn, s->tasks_by_client, &k, NULL);
        if (rc != 0 && rc != MDB_NOTFOUND)
            return rc;
    }
    struct store_agenda_key key = {.owner_id = task->owner_id,
                                   .kind = STORE_AGENDA_TASK,
                                   .date = calendar_text_key(task->due),
                                   .seq = task->id};
    if (key.date == 0)
        return 0;
    return put ? store_agenda_put(s, txn, &key, NULL, 0) : store_agenda_delete(s, txn, &key);
}

int store_task_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                   Folio__Task **out)
{
    return store_get_by_id(txn, s->tasks, id, &folio__task__descriptor, arena, (void **)out);
}

/* Drops the entries of the stored task under id, if there is one. */
static int task_unindex(struct store *s, MDB_txn *txn, uint64_t id)
{
    struct arena a;
    arena_init(&a, 0);
    Folio__Task *old;
    int rc = store_task_get(s, txn, id, &a, &old);
    if (rc == 0)
        rc = task_index(s, txn, old, false);
    arena_free(&a);
    return rc;
}

int store_task_put(struct store *s, MDB_txn *txn, Folio__Task *task)
{
    int rc;
    if (task->id == 0)
        rc = store_next_id(txn, s->tasks, &task->id);
    else if ((rc = task_unindex(s, txn, task->id)) == MDB_NOTFOUND)
        rc = 0;
    if (rc != 0 || (rc = task_index(s, txn, task, true)) != 0)
        return rc;
    /* The client's name is filled in for replies; stored it would go stale. */
    Folio__Task rec = *task;
    rec.client_name = (char *)protobuf_c_empty_string;
    return store_put_by_id(txn, s->tasks, task->id, &rec.base, 0);
}

int store_task_delete(struct store *s, MDB_txn *txn, uint64_t id)
{
    int rc = task_unindex(s, txn, id);
    if (rc != 0)
        return rc;
    uint8_t key[8];
    store_key_u64(key, id);
    MDB_val k = {sizeof(key), key};
    return mdb_del(txn, s->tasks, &k, NULL);
}

/* The ids of a client's tasks. */
struct task_ids {
    uint64_t *ids;
    size_t count, cap;
};

static int task_collect(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    (void)value;
    struct task_ids *list = ctx;
    if (rest_len != 8)
        return 0;
    if (list->count == list->cap) {
        size_t cap = list->cap == 0 ? 8 : list->cap * 2;
        uint64_t *ids = realloc(list->ids, cap * sizeof(*ids));
        if (ids == NULL)
            return ENOMEM;
        list->ids = ids;
        list->cap = cap;
    }
    list->ids[list->count++] = store_u64_from_key(rest);
    return 0;
}

/* Calls fn on each of the client's tasks, after the walk. */
static int task_each_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16],
                            int (*fn)(struct store *, MDB_txn *, uint64_t, const void *),
                            const void *arg)
{
    struct task_ids list = {0};
    int rc = store_each_with_prefix(txn, s->tasks_by_client, client_id, 16, task_collect, &list);
    for (size_t i = 0; i < list.count && rc == 0; i++) {
        rc = fn(s, txn, list.ids[i], arg);
        if (rc == MDB_NOTFOUND)
            rc = 0; /* a stale index entry */
    }
    free(list.ids);
    return rc;
}

struct task_reader {
    struct store *s;
    MDB_txn *txn;
    store_task_fn fn;
    void *ctx;
};

static int task_read_one(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    (void)value;
    const struct task_reader *r = ctx;
    if (rest_len != 8)
        return 0;
    struct arena a;
    arena_init(&a, 0);
    Folio__Task *task;
    int rc = store_task_get(r->s, r->txn, store_u64_from_key(rest), &a, &task);
    if (rc == 0)
        rc = r->fn(r->ctx, task);
    else if (rc == MDB_NOTFOUND)
        rc = 0; /* a stale index entry, as task_each_client says */
    arena_free(&a);
    return rc;
}

int store_task_each_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16],
                           store_task_fn fn, void *ctx)
{
    struct task_reader r = {s, txn, fn, ctx};
    return store_each_with_prefix(txn, s->tasks_by_client, client_id, 16, task_read_one, &r);
}

static int task_move(struct store *s, MDB_txn *txn, uint64_t id, const void *to)
{
    const uint64_t *to_owner_id = to;
    struct arena a;
    arena_init(&a, 0);
    Folio__Task *task;
    int rc = store_task_get(s, txn, id, &a, &task);
    if (rc == 0 && task->owner_id != *to_owner_id) {
        task->owner_id = *to_owner_id;
        rc = store_task_put(s, txn, task);
    }
    arena_free(&a);
    return rc;
}

/* The task is about another client now (a merge). */
static int task_rehome(struct store *s, MDB_txn *txn, uint64_t id, const void *to)
{
    struct arena a;
    arena_init(&a, 0);
    Folio__Task *task;
    int rc = store_task_get(s, txn, id, &a, &task);
    if (rc == 0) {
        task->client_id = (char *)to;
        rc = store_task_put(s, txn, task);
    }
    arena_free(&a);
    return rc;
}

static int task_drop(struct store *s, MDB_txn *txn, uint64_t id, const void *unused)
{
    (void)unused;
    return store_task_delete(s, txn, id);
}

int store_task_move_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16],
                           uint64_t to_owner_id)
{
    return task_each_client(s, txn, client_id, task_move, &to_owner_id);
}

int store_task_rehome_client(struct store *s, MDB_txn *txn, const uint8_t from[16],
                             const char *to_client_id)
{
    return task_each_client(s, txn, from, task_rehome, to_client_id);
}

int store_task_delete_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16])
{
    return task_each_client(s, txn, client_id, task_drop, NULL);
}
