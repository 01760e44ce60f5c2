/* store_audit.c - see store_audit.h.
 *
 * A query walks from the newest record (or from `before`) towards the
 * oldest, so its cost is the number of records it looks at, not the size of
 * the log. Records are appended in time order, so the walk ends at the first
 * record older than `since`. Filters on actor or office may match rarely; a
 * query therefore looks at no more than AUDIT_SCAN_MAX records and, when it
 * stops there, hands back where it stopped so the caller can go on.
 */
#include "store_audit.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define AUDIT_LIST_MAX 1000
#define AUDIT_SCAN_MAX 100000

int store_audit_append(struct store *s, MDB_txn *txn, Folio__AuditRecord *record)
{
    uint64_t seq;
    int rc = store_next_id(txn, s->audit, &seq);
    if (rc != 0)
        return rc;
    uint8_t key[8];
    store_key_u64(key, seq);
    Folio__AuditRecord rec = *record;
    rec.seq = seq;
    rc =
        store_put_message(txn, s->audit, key, sizeof(key), &rec.base, MDB_NOOVERWRITE | MDB_APPEND);
    if (rc != 0)
        return rc;
    record->seq = seq;
    return 0;
}

static bool audit_match(const Folio__AuditRecord *r, const struct store_audit_filter *f)
{
    if (f->actor != NULL && f->actor[0] != '\0' && strcmp(r->actor, f->actor) != 0)
        return false;
    return f->office_id == 0 || r->actor_office_id == f->office_id;
}

/* Puts the cursor on the newest record with seq < before (any when 0). */
static int audit_seek(MDB_cursor *cur, uint64_t before, MDB_val *k, MDB_val *v)
{
    if (before == 0)
        return mdb_cursor_get(cur, k, v, MDB_LAST);
    uint8_t key[8];
    store_key_u64(key, before);
    k->mv_size = sizeof(key);
    k->mv_data = key;
    int rc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
    if (rc == 0)
        return mdb_cursor_get(cur, k, v, MDB_PREV);
    if (rc == MDB_NOTFOUND)
        return mdb_cursor_get(cur, k, v, MDB_LAST);
    return rc;
}

int store_audit_query(struct store *s, MDB_txn *txn, const struct store_audit_filter *filter,
                      struct arena *arena, Folio__AuditRecord ***out, size_t *count, uint64_t *next)
{
    *out = NULL;
    *count = 0;
    *next = 0;
    size_t limit = filter->limit;
    if (limit == 0 || limit > AUDIT_LIST_MAX)
        limit = AUDIT_LIST_MAX;
    Folio__AuditRecord **records = arena_calloc(arena, limit, sizeof(*records));
    if (records == NULL)
        return ENOMEM;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->audit, &cur);
    if (rc != 0)
        return rc;

    MDB_val k, v;
    size_t n = 0, scanned = 0;
    uint64_t last_seq = 0, last_returned = 0;
    for (rc = audit_seek(cur, filter->before, &k, &v); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
        if (k.mv_size != 8) {
            rc = EINVAL;
            break;
        }
        uint64_t seq = store_u64_from_key(k.mv_data);
        if (scanned == AUDIT_SCAN_MAX) {
            *next = last_seq;
            break;
        }
        scanned++;
        /* Looked at with the default allocator: only records returned
         * are copied into the caller's arena. */
        Folio__AuditRecord *r = folio__audit_record__unpack(NULL, v.mv_size, v.mv_data);
        if (r == NULL) {
            rc = EINVAL;
            break;
        }
        bool older = filter->since != 0 && r->time < filter->since;
        bool match = !older && audit_match(r, filter);
        folio__audit_record__free_unpacked(r, NULL);
        if (older)
            break;
        if (match) {
            if (n == limit) {
                /* One more match exists: the page is full and not the last. */
                *next = last_returned;
                break;
            }
            records[n] = folio__audit_record__unpack(&arena->allocator, v.mv_size, v.mv_data);
            if (records[n] == NULL) {
                rc = ENOMEM;
                break;
            }
            n++;
            last_returned = seq;
        }
        last_seq = seq;
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    *out = records;
    *count = n;
    return 0;
}
