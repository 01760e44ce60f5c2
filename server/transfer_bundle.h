/* transfer_bundle.h - the inside of a transfer (transfer.h), and bundles
 * built from and applied to the store.
 *
 * A transfer belongs to one connection, whose requests run one after the
 * other: at most one stage of one request touches it at a time, so it needs
 * no lock. Its file lives in DATA/transfers/ (0700) under a random name,
 * mode 0600, and goes with transfer_free.
 *
 * Building and applying run inside the caller's transaction and depend only
 * on it and their arguments, so a write stage replayed after the map grew
 * does the same thing again (the file is rewritten from the start). */
#ifndef FOLIO_TRANSFER_BUNDLE_H
#define FOLIO_TRANSFER_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "firm_key.h"
#include "folio.pb-c.h"
#include "store.h"
#include "transfer.h"

#define TRANSFER_ID_HEX      32
#define TRANSFER_CHUNK_MAX   (256u * 1024u)
#define TRANSFER_SIZE_MAX    (4ull * 1024u * 1024u * 1024u)
#define TRANSFER_CLIENTS_MAX 100000u /* clients in one bundle */
#define TRANSFER_DIR         "transfers"

enum transfer_kind {
    TRANSFER_EXPORT,
    TRANSFER_IMPORT,
};

struct transfer {
    enum transfer_kind kind;
    uint64_t user_id; /* whose quota its file counts against (--transfer-quota-user) */
    char id[TRANSFER_ID_HEX + 1];
    char *path;
    int fd;
    uint64_t size;     /* export: the bundle's size once built; import: as announced */
    uint64_t received; /* import: bytes written so far */
    bool ready;        /* export: built and committed, chunks may be fetched */
    bool finished;     /* eof sent, import committed, or failed: may be replaced */
};

/* Makes DATA/transfers/ when missing and a new empty file in it. 0 or an
 * errno value. */
int transfer_create(const char *data_dir, enum transfer_kind kind, struct transfer **out);

/* The bytes its file holds or may come to hold: an import's announced size
 * (its room is reserved when it begins), an export's size on disk so far.
 * Any thread; an export's file may be growing. */
uint64_t transfer_bytes(const struct transfer *t);

/* May a new transfer replace this one (NULL, finished, or an export whose
 * building failed)? */
bool transfer_replaceable(const struct transfer *t);

/* The clients of an export, in the order they go into the bundle. */
struct transfer_selection {
    uint8_t (*ids)[16];
    size_t count;
};

/* Owner's clients: every one, or those named in ids (n_ids > 0). A named id
 * that is not a client id of owner sets *missing to it and returns 0 with
 * nothing selected. More than TRANSFER_CLIENTS_MAX: E2BIG. */
int transfer_select(struct store *s, MDB_txn *txn, uint64_t owner_id, char **ids, size_t n_ids,
                    struct transfer_selection *sel, const char **missing);
/* The clients released from agent_id (owner 0, transferred_from agent_id). */
int transfer_select_released(struct store *s, MDB_txn *txn, uint64_t agent_id,
                             struct transfer_selection *sel);
void transfer_selection_free(struct transfer_selection *sel);

/* Writes the bundle of the selected clients and agent's card to fd (from
 * its start, truncating), signed with key. header comes with firm, agent
 * and created_at filled; the rest (public key, version, counts) is filled
 * here, and must stay alive until this returns. *size is the file's size.
 * 0, a store error or an errno value. */
int transfer_bundle_write(struct store *s, MDB_txn *txn, int fd, const struct firm_key *key,
                          const struct transfer_selection *sel, uint64_t agent_id,
                          Folio__BundleHeader *header, uint64_t *size);

struct transfer_counts {
    uint64_t added, unchanged, events, offers, coupons, holdings;
    uint64_t unerased; /* erased here, brought back (rules.allow_erased) */
    uint64_t erased;   /* erased here, skipped */
};

/* How an import goes: whose clients they become and what it may do. */
struct transfer_rules {
    uint64_t agent_id;          /* whose clients they become */
    const char *actor;          /* who imported events were by: "imported from FIRM" */
    int64_t created_at;         /* the bundle's: no event was recorded after it */
    uint64_t max_client_events; /* --import-max-client-events */
    bool allow_erased;          /* clients erased here come back (else skipped) */
    int64_t now;                /* the import's: for the notes it writes */
    const char *today;          /* the importer's (request_today): the notes' date */
};

/* What transfer_bundle_check and _apply refuse: the import as a whole, with
 * a reason. */
#define TRANSFER_REFUSED 1

/* Reads a verified bundle (fd) and checks every record as the import would
 * store it, with the functions local writes use, and the events per client.
 * The pool stage runs it so that the writer never meets a forged or
 * oversized bundle. With a store (s, and a read txn), it also refuses the
 * bundle when a client it holds cannot be imported to rules->agent_id, so
 * that such an import stops before its first batch (the write stage checks
 * again). 0, TRANSFER_REFUSED with *code and why, or a store error. */
int transfer_bundle_check(int fd, struct store *s, MDB_txn *txn, const struct transfer_rules *rules,
                          Folio__Code *code, char *why, size_t why_size);

/* A bundle is applied in batches, each in its own write transaction, so
 * that other writes go between them. A batch ends before the first client
 * after max_records records (clients, events, offers, coupons), so a client
 * always lands whole. */
struct transfer_batch {
    uint64_t offset;      /* in: where the batch starts (0: the first record);
                             out: where the next one starts, 0 after the last */
    uint64_t max_records; /* at least 1 */
};

/* Applies one batch of a verified bundle (fd) to rules->agent_id: see the
 * import rules in the op (op_transfer.c). Records are checked again as they
 * are stored. Adds to *counts, which hold the earlier batches' (the bound on
 * clients counts them all). 0; TRANSFER_REFUSED with *code and why; or a
 * store error. */
int transfer_bundle_apply(struct store *s, MDB_txn *txn, int fd, const struct transfer_rules *rules,
                          struct transfer_batch *batch, struct transfer_counts *counts,
                          Folio__Code *code, char *why, size_t why_size);

#endif
