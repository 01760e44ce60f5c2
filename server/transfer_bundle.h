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
    uint64_t added, unchanged, events, offers, coupons;
};

/* What transfer_bundle_apply refuses: the import as a whole, with a reason. */
#define TRANSFER_REFUSED 1

/* Applies a verified bundle (fd) to agent: see the import rules in the op
 * (op_transfer.c). 0 and the counts; TRANSFER_REFUSED with *code and why;
 * or a store error. */
int transfer_bundle_apply(struct store *s, MDB_txn *txn, int fd, uint64_t agent_id,
                          struct transfer_counts *counts, Folio__Code *code, char *why,
                          size_t why_size);

#endif
