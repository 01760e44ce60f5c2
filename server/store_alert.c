/* store_alert.c - see store_alert.h.
 *
 * Alerts are few (a handful a month for a whole firm), so the questions
 * asked of them are answered by one walk backwards from the newest. Each
 * record is first unpacked with the default allocator and freed at once; only
 * the ones kept are unpacked again into the caller's arena, so a walk over
 * years of ended alerts costs one record's memory.
 */
#include "store_alert.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* In force on some day of [from, to]: it starts by to, has not run out
 * before from, and was not ended before it ever ran in the range. Dates are
 * YYYY-MM-DD, so text order is date order. */
static bool store_alert_overlaps(const Folio__Alert *a, const char *from, const char *to)
{
    if (strcmp(a->date, to) > 0)
        return false;
    if (a->until[0] != '\0' && strcmp(a->until, from) < 0)
        return false;
    if (a->ended_on[0] != '\0' &&
        (strcmp(a->ended_on, from) <= 0 || strcmp(a->ended_on, a->date) <= 0))
        return false;
    return true;
}

/* Walks newest first, keeping up to limit alerts that pass (all when from
 * is NULL). */
static int store_alert_walk(struct store *s, MDB_txn *txn, const char *from, const char *to,
                            size_t limit, struct arena *arena, Folio__Alert ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    Folio__Alert **alerts = arena_calloc(arena, limit > 0 ? limit : 1, sizeof(*alerts));
    if (alerts == NULL)
        return ENOMEM;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->alerts, &cur);
    if (rc != 0)
        return rc;
    MDB_val k, v;
    size_t n = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_LAST); rc == 0 && n < limit;
         rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
        if (from != NULL) {
            Folio__Alert *probe = folio__alert__unpack(NULL, v.mv_size, v.mv_data);
            if (probe == NULL) {
                rc = EINVAL;
                break;
            }
            bool keep = store_alert_overlaps(probe, from, to);
            folio__alert__free_unpacked(probe, NULL);
            if (!keep)
                continue;
        }
        alerts[n] = folio__alert__unpack(&arena->allocator, v.mv_size, v.mv_data);
        if (alerts[n] == NULL) {
            rc = EINVAL;
            break;
        }
        n++;
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    *out = alerts;
    *count = n;
    return 0;
}

int store_alert_put(struct store *s, MDB_txn *txn, Folio__Alert *alert)
{
    if (alert->id == 0) {
        int rc = store_next_id(txn, s->alerts, &alert->id);
        if (rc != 0)
            return rc;
    }
    uint8_t key[8];
    store_key_u64(key, alert->id);
    return store_put_message(txn, s->alerts, key, sizeof(key), &alert->base, 0);
}

int store_alert_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                    Folio__Alert **out)
{
    uint8_t key[8];
    store_key_u64(key, id);
    return store_get_message(txn, s->alerts, key, sizeof(key), &folio__alert__descriptor, arena,
                             (void **)out);
}

int store_alert_active(struct store *s, MDB_txn *txn, const char *from, const char *to,
                       struct arena *arena, Folio__Alert ***out, size_t *count)
{
    return store_alert_walk(s, txn, from, to, STORE_ALERT_ACTIVE_MAX, arena, out, count);
}

int store_alert_list(struct store *s, MDB_txn *txn, size_t limit, struct arena *arena,
                     Folio__Alert ***out, size_t *count)
{
    return store_alert_walk(s, txn, NULL, NULL, limit, arena, out, count);
}
