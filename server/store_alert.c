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

struct store_alert_range {
    const char *from, *to;
};

static int store_alert_in_range(void *ctx, MDB_txn *txn, const MDB_val *key, const MDB_val *value)
{
    (void)txn;
    (void)key;
    const struct store_alert_range *range = ctx;
    Folio__Alert *probe = folio__alert__unpack(NULL, value->mv_size, value->mv_data);
    if (probe == NULL)
        return EINVAL;
    bool keep = store_alert_overlaps(probe, range->from, range->to);
    folio__alert__free_unpacked(probe, NULL);
    return keep ? 0 : STORE_PAGE_SKIP;
}

/* Walks newest first, keeping up to limit alerts that pass (all when range
 * is NULL). */
static int store_alert_walk(struct store *s, MDB_txn *txn, struct store_alert_range *range,
                            size_t limit, struct arena *arena, Folio__Alert ***out, size_t *count)
{
    struct store_page_walk walk = {
        .dbi = s->alerts,
        .backwards = true,
        .belongs = range != NULL ? store_alert_in_range : NULL,
        .desc = &folio__alert__descriptor,
        .ctx = range,
    };
    return store_page_read(txn, &walk, limit, arena, (void ***)out, count, NULL);
}

int store_alert_put(struct store *s, MDB_txn *txn, Folio__Alert *alert)
{
    if (alert->id == 0) {
        int rc = store_next_id(txn, s->alerts, &alert->id);
        if (rc != 0)
            return rc;
    }
    return store_put_by_id(txn, s->alerts, alert->id, &alert->base, 0);
}

int store_alert_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                    Folio__Alert **out)
{
    return store_get_by_id(txn, s->alerts, id, &folio__alert__descriptor, arena, (void **)out);
}

int store_alert_active(struct store *s, MDB_txn *txn, const char *from, const char *to,
                       struct arena *arena, Folio__Alert ***out, size_t *count)
{
    struct store_alert_range range = {from, to};
    return store_alert_walk(s, txn, from != NULL ? &range : NULL, STORE_ALERT_ACTIVE_MAX, arena,
                            out, count);
}

int store_alert_list(struct store *s, MDB_txn *txn, size_t limit, struct arena *arena,
                     Folio__Alert ***out, size_t *count)
{
    return store_alert_walk(s, txn, NULL, limit, arena, out, count);
}
