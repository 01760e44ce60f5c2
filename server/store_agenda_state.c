/* store_agenda_state.c - see store_agenda_state.h.
 *
 * Moves and deletions collect the subject's item ids first and change the
 * table after the walk: a cursor must not stand on entries it deletes. */
#include "store_agenda_state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "store_agenda.h"

#define STATE_KEY_BYTES (STORE_AGENDA_SUBJECT_BYTES + 8)

void store_agenda_state_agent_subject(uint64_t owner_id, uint8_t out[STORE_AGENDA_SUBJECT_BYTES])
{
    memset(out, 0, 8);
    store_key_u64(out + 8, owner_id);
}

static void state_key(uint8_t out[STATE_KEY_BYTES],
                      const uint8_t subject[STORE_AGENDA_SUBJECT_BYTES], uint64_t item_id)
{
    memcpy(out, subject, STORE_AGENDA_SUBJECT_BYTES);
    store_key_u64(out + STORE_AGENDA_SUBJECT_BYTES, item_id);
}

static struct store_agenda_key snoozed_key(const uint8_t subject[STORE_AGENDA_SUBJECT_BYTES],
                                           uint64_t owner_id, uint64_t item_id, uint32_t until)
{
    struct store_agenda_key key = {
        .owner_id = owner_id, .kind = STORE_AGENDA_SNOOZED, .date = until, .seq = item_id};
    memcpy(key.client_id, subject, STORE_AGENDA_SUBJECT_BYTES);
    return key;
}

int store_agenda_state_get(struct store *s, MDB_txn *txn,
                           const uint8_t subject[STORE_AGENDA_SUBJECT_BYTES], uint64_t item_id,
                           struct arena *arena, Folio__AgendaState **out)
{
    uint8_t key[STATE_KEY_BYTES];
    state_key(key, subject, item_id);
    return store_get_message(txn, s->agenda_states, key, sizeof(key),
                             &folio__agenda_state__descriptor, arena, (void **)out);
}

/* The SNOOZED entry of the stored mark, when it has one. */
static int state_unindex(struct store *s, MDB_txn *txn,
                         const uint8_t subject[STORE_AGENDA_SUBJECT_BYTES], uint64_t owner_id,
                         uint64_t item_id)
{
    struct arena a;
    arena_init(&a, 0);
    Folio__AgendaState *old;
    int rc = store_agenda_state_get(s, txn, subject, item_id, &a, &old);
    if (rc == 0 && strcmp(old->state, "snoozed") == 0) {
        struct store_agenda_key key =
            snoozed_key(subject, owner_id, item_id, calendar_text_key(old->until));
        rc = store_agenda_delete(s, txn, &key);
    }
    arena_free(&a);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int store_agenda_state_put(struct store *s, MDB_txn *txn,
                           const uint8_t subject[STORE_AGENDA_SUBJECT_BYTES], uint64_t owner_id,
                           uint64_t item_id, const Folio__AgendaState *state)
{
    int rc = state_unindex(s, txn, subject, owner_id, item_id);
    if (rc != 0)
        return rc;
    if (strcmp(state->state, "snoozed") == 0) {
        struct store_agenda_key key =
            snoozed_key(subject, owner_id, item_id, calendar_text_key(state->until));
        if ((rc = store_agenda_put(s, txn, &key, NULL, 0)) != 0)
            return rc;
    }
    uint8_t key[STATE_KEY_BYTES];
    state_key(key, subject, item_id);
    return store_put_message(txn, s->agenda_states, key, sizeof(key), &state->base, 0);
}

int store_agenda_state_delete(struct store *s, MDB_txn *txn,
                              const uint8_t subject[STORE_AGENDA_SUBJECT_BYTES], uint64_t owner_id,
                              uint64_t item_id)
{
    int rc = state_unindex(s, txn, subject, owner_id, item_id);
    if (rc != 0)
        return rc;
    uint8_t key[STATE_KEY_BYTES];
    state_key(key, subject, item_id);
    MDB_val k = {sizeof(key), key};
    rc = mdb_del(txn, s->agenda_states, &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

struct state_walk {
    store_agenda_state_fn fn;
    void *ctx;
};

static int state_visit(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    const struct state_walk *w = ctx;
    if (rest_len != 8)
        return 0;
    struct arena a;
    arena_init(&a, 0);
    Folio__AgendaState *state =
        folio__agenda_state__unpack(&a.allocator, value->mv_size, value->mv_data);
    int rc = state == NULL ? EINVAL : w->fn(w->ctx, store_u64_from_key(rest), state);
    arena_free(&a);
    return rc;
}

int store_agenda_state_each(struct store *s, MDB_txn *txn,
                            const uint8_t subject[STORE_AGENDA_SUBJECT_BYTES],
                            store_agenda_state_fn fn, void *ctx)
{
    struct state_walk w = {.fn = fn, .ctx = ctx};
    return store_each_with_prefix(txn, s->agenda_states, subject, STORE_AGENDA_SUBJECT_BYTES,
                                  state_visit, &w);
}

/* The snoozed marks of a client: their ids and days. */
struct state_snoozed {
    uint64_t *ids;
    uint32_t *until;
    size_t count, cap;
};

static int state_collect(void *ctx, uint64_t item_id, Folio__AgendaState *state)
{
    struct state_snoozed *list = ctx;
    if (strcmp(state->state, "snoozed") != 0)
        return 0;
    if (list->count == list->cap) {
        size_t cap = list->cap == 0 ? 8 : list->cap * 2;
        uint64_t *ids = realloc(list->ids, cap * sizeof(*ids));
        if (ids == NULL)
            return ENOMEM;
        list->ids = ids;
        uint32_t *until = realloc(list->until, cap * sizeof(*until));
        if (until == NULL)
            return ENOMEM;
        list->until = until;
        list->cap = cap;
    }
    list->ids[list->count] = item_id;
    list->until[list->count] = calendar_text_key(state->until);
    list->count++;
    return 0;
}

int store_agenda_state_move(struct store *s, MDB_txn *txn, const uint8_t client_id[16],
                            uint64_t from, uint64_t to)
{
    struct state_snoozed list = {0};
    int rc = store_agenda_state_each(s, txn, client_id, state_collect, &list);
    for (size_t i = 0; i < list.count && rc == 0; i++) {
        struct store_agenda_key key = snoozed_key(client_id, from, list.ids[i], list.until[i]);
        if ((rc = store_agenda_delete(s, txn, &key)) == 0) {
            key.owner_id = to;
            rc = store_agenda_put(s, txn, &key, NULL, 0);
        }
    }
    free(list.ids);
    free(list.until);
    return rc;
}

/* Every mark of a client, snoozed or not, by id. */
static int state_collect_all(void *ctx, uint64_t item_id, Folio__AgendaState *state)
{
    (void)state;
    Folio__AgendaState snoozed = FOLIO__AGENDA_STATE__INIT;
    snoozed.state = (char *)"snoozed";
    snoozed.until = (char *)"";
    return state_collect(ctx, item_id, &snoozed);
}

int store_agenda_state_delete_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16],
                                     uint64_t owner_id)
{
    struct state_snoozed list = {0};
    int rc = store_agenda_state_each(s, txn, client_id, state_collect_all, &list);
    for (size_t i = 0; i < list.count && rc == 0; i++)
        rc = store_agenda_state_delete(s, txn, client_id, owner_id, list.ids[i]);
    free(list.ids);
    free(list.until);
    return rc;
}
