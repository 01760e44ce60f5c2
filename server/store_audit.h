/* store_audit.h - the append-only audit log.
 *
 * Records are keyed by a sequence number; store_audit_append assigns it and
 * is called in the same transaction as the change it records. A record
 * about a client is also indexed under that client's id, so erasing the
 * client can find its records. Nothing here deletes a record; the only
 * change ever made to one is store_audit_scrub_client's. */
#ifndef FOLIO_STORE_AUDIT_H
#define FOLIO_STORE_AUDIT_H

#include "folio.pb-c.h"
#include <stdbool.h>

#include "store.h"

/* client_id: the client the record is about (indexed), or NULL; kept:
 * what the detail is cut down to when that client is erased (a kind, a
 * status, ids; never what the client told), stored in the index. */
int store_audit_append(struct store *s, MDB_txn *txn, Folio__AuditRecord *record,
                       const char *client_id, const char *kept);

/* For an erased client: rewrites every record indexed under client_id with
 * the detail cut down to what its index entry kept, keeping time, actor,
 * action and target, and drops the index entries. */
int store_audit_scrub_client(struct store *s, MDB_txn *txn, const char *client_id);

/* Once per store, for records written before the index existed: indexes
 * those about a client that still exists, cuts down at once those about a
 * client already erased, and remembers clients erased then
 * (store_tombstone.h). One call does at most STORE_AUDIT_BACKFILL_BATCH
 * records and saves where it stopped in meta, so that no transaction grows
 * with the audit: call it in fresh transactions until *done. Later calls
 * only read a mark in meta. */
#define STORE_AUDIT_BACKFILL_BATCH 10000
int store_audit_backfill(struct store *s, MDB_txn *txn, bool *done);

/* Calls fn for every record about client_id (its id as text), oldest
 * first, through the index that audit_append_client keeps at write time
 * (older records: store_audit_backfill), so its cost is the client's
 * records, not the log's. Each record is unpacked alone and lives until fn
 * returns. fn returns 0 to go on, or anything else, which stops the walk
 * and is returned. An index entry without its record is damage: EINVAL. */
typedef int (*store_audit_fn)(void *ctx, const Folio__AuditRecord *record);
int store_audit_each_client(struct store *s, MDB_txn *txn, const char *client_id, store_audit_fn fn,
                            void *ctx);

struct store_audit_filter {
    const char *actor;     /* NULL: any */
    const char *action;    /* NULL: any */
    const char *client_id; /* NULL: any; else records about this client (the index) */
    uint64_t office_id;    /* 0: any; else only records whose actor_office_id matches */
    int64_t since;         /* 0: any; else time >= since */
    int64_t until;         /* 0: any; else time < until */
    uint64_t before;       /* 0: from the newest; else seq < before */
    size_t limit;
};

/* Newest first. *next is the seq to pass as `before` for the next page, or 0. */
int store_audit_query(struct store *s, MDB_txn *txn, const struct store_audit_filter *filter,
                      struct arena *arena, Folio__AuditRecord ***out, size_t *count,
                      uint64_t *next);

#endif
