/* store_audit.h - the append-only audit log.
 *
 * Records are keyed by a sequence number; store_audit_append assigns it and
 * is called in the same transaction as the change it records. Nothing here
 * updates or deletes a record. */
#ifndef FOLIO_STORE_AUDIT_H
#define FOLIO_STORE_AUDIT_H

#include "folio.pb-c.h"
#include "store.h"

int store_audit_append(struct store *s, MDB_txn *txn, Folio__AuditRecord *record);

struct store_audit_filter {
    const char *actor;  /* NULL: any */
    uint64_t office_id; /* 0: any; else only records whose actor_office_id matches */
    int64_t since;      /* 0: any; else time >= since */
    uint64_t before;    /* 0: from the newest; else seq < before */
    size_t limit;
};

/* Newest first. *next is the seq to pass as `before` for the next page, or 0. */
int store_audit_query(struct store *s, MDB_txn *txn, const struct store_audit_filter *filter,
                      struct arena *arena, Folio__AuditRecord ***out, size_t *count,
                      uint64_t *next);

#endif
