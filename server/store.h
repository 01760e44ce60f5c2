/* store.h - the LMDB environment in the data directory.
 *
 * One environment per process, opened with MDB_NOTLS so the loop thread can
 * read while the writer thread writes. Tables are named databases; every
 * value is a protobuf record (folio.proto), every integer key is a fixed-width
 * big-endian number so that key order is numeric order.
 *
 * Reads run on the loop thread between store_read_begin and store_read_end.
 * Growing the map (after MDB_MAP_FULL) must not race with any read
 * transaction, so reads hold resize_lock shared and store_grow takes it
 * exclusively; only the thread that owns write transactions calls store_grow,
 * and only when it holds no transaction.
 *
 * A read transaction is reused rather than freed: store_read_end resets it
 * (mdb_txn_reset) while still holding resize_lock and parks it, and the next
 * store_read_begin renews it, which spares an allocation and a reader-slot
 * search per read. A reset transaction is not active, so a parked one does
 * not stand in the way of store_grow.
 *
 * Functions return 0, MDB_NOTFOUND, or an LMDB/errno code; store_strerror
 * turns any of them into words.
 */
#ifndef FOLIO_STORE_H
#define FOLIO_STORE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>
#include <protobuf-c/protobuf-c.h>

#include "arena.h"

#define STORE_SCHEMA_VERSION 1
#define STORE_INITIAL_MAP    (64u * 1024u * 1024u)
#define STORE_MAX_DOUBLINGS  16 /* for one store_make_room: 64 MiB -> 4 TiB */

struct store {
    MDB_env *env;
    MDB_dbi meta;               /* "schema_version" -> u32 BE, "firm" -> Firm */
    MDB_dbi users;              /* user id (u64 BE) -> User */
    MDB_dbi users_by_name;      /* user name -> user id (u64 BE) */
    MDB_dbi credentials;        /* user id (u64 BE) -> Credential */
    MDB_dbi offices;            /* office id (u64 BE) -> Office */
    MDB_dbi offices_by_name;    /* office name -> office id (u64 BE) */
    MDB_dbi sessions;           /* token hash (32 bytes) -> Session */
    MDB_dbi sessions_by_user;   /* user id (u64 BE) -> token hash, DUPSORT */
    MDB_dbi audit;              /* seq (u64 BE) -> AuditRecord */
    MDB_dbi audit_by_client;    /* client id (text) + seq (u64 BE) -> empty: one client's audit */
    MDB_dbi clients;            /* client id (16 UUID bytes) -> Client */
    MDB_dbi clients_by_owner;   /* owner id (u64 BE) + client id -> client_summary: a portfolio */
    MDB_dbi timeline;           /* client id + seq (u64 BE) -> TimelineEvent */
    MDB_dbi rules;              /* rule id (u64 BE) -> Rule */
    MDB_dbi alerts;             /* alert id (u64 BE) -> Alert */
    MDB_dbi offers;             /* offer id (u64 BE) -> Offer */
    MDB_dbi offers_by_owner;    /* owner id + offer id -> empty: one agent's offers */
    MDB_dbi offers_by_client;   /* client id + offer id -> empty: one client's offers */
    MDB_dbi partners;           /* partner id (u64 BE) -> Partner */
    MDB_dbi coupons;            /* code -> Coupon */
    MDB_dbi coupons_by_owner;   /* owner id + code -> empty: one agent's coupons */
    MDB_dbi coupons_by_client;  /* client id + code -> empty: one client's coupons */
    MDB_dbi profiles;           /* user id (u64 BE) -> AgentCard */
    MDB_dbi agenda;             /* owner id + kind + ...: dated index entries (store_agenda.h) */
    MDB_dbi trusted_firms;      /* firm name -> TrustedFirm */
    MDB_dbi reassignments;      /* reassignment id (u64 BE) -> Reassignment */
    MDB_dbi tombstones;         /* erased client id (16 bytes) -> erased at (i64 BE) */
    MDB_dbi client_search;      /* owner id + kind + token + client id -> name (store_search.h) */
    MDB_dbi holdings;           /* holding id (u64 BE) -> Holding */
    MDB_dbi holdings_by_owner;  /* owner id + holding id -> empty: one agent's holdings */
    MDB_dbi holdings_by_client; /* client id + holding id -> empty: one client's holdings */
    MDB_dbi agenda_states;      /* subject + item id -> AgendaState (store_agenda_state.h) */
    MDB_dbi tasks;              /* task id (u64 BE) -> Task (store_task.h) */
    MDB_dbi tasks_by_client;    /* client id + task id -> empty: one client's tasks */
    MDB_dbi campaigns;          /* campaign id (u64 BE) -> Campaign (store_campaign.h) */
    MDB_dbi campaigns_by_owner; /* owner id + campaign id -> empty: one agent's campaigns */
    MDB_dbi outbox;             /* message id (u64 BE) -> OutboxMessage (store_outbox.h) */
    MDB_dbi outbox_queued;      /* message id -> empty: the messages still to deliver */
    MDB_dbi outbox_by_owner;    /* owner id + message id -> empty: one agent's messages */
    MDB_dbi outbox_by_client;   /* client id (16 bytes) + message id -> empty */
    MDB_dbi mail_templates;     /* kind + NUL + language -> MailTemplate */
    size_t map_size;
    pthread_rwlock_t resize_lock;
    _Atomic(MDB_txn *) idle_read; /* a reset read transaction, or NULL */
    /* Bumped after each commit that changed a user or a session, so a
     * session checked before may be trusted again while it stays the same
     * (session.h). auth_changed belongs to whichever thread writes. */
    _Atomic uint64_t auth_generation;
    bool auth_changed;
};

/* Opens (creating when asked) the environment in dir, clears stale reader
 * slots, creates missing tables, and checks or writes the schema version.
 * Refuses a schema newer than this code knows. */
int store_open(struct store *s, const char *dir, int create);
void store_close(struct store *s);

/* A read-only snapshot of the store, until store_read_end; any thread may
 * call these (MDB_NOTLS). Cursors opened in it must be closed before the end. */
int store_read_begin(struct store *s, MDB_txn **txn);
void store_read_end(struct store *s, MDB_txn *txn);

/* Users and sessions. Every function that writes either calls
 * store_auth_changed inside its transaction; the writer calls
 * store_auth_publish once the transaction has ended, committed or not.
 * Read store_auth_generation before store_read_begin: a change committed
 * after that read is then always followed by a new generation, and one
 * committed before it is in the snapshot. */
void store_auth_changed(struct store *s);
void store_auth_publish(struct store *s);
uint64_t store_auth_generation(struct store *s);

/* Doubles the map size. Call with no transaction open in this process. */
int store_grow(struct store *s);
/* Grows the map (as store_grow, same conditions) until bytes fit past the
 * last page in use. */
int store_make_room(struct store *s, size_t bytes);

const char *store_strerror(int rc);

/* Big-endian u64 keys. */
void store_key_u64(uint8_t out[8], uint64_t v);
uint64_t store_u64_from_key(const void *key);

/* Reads the record under key and unpacks it into the arena, or with the
 * default allocator when arena is NULL (free with protobuf_c_message_free_unpacked).
 * MDB_NOTFOUND when absent, EINVAL when the stored bytes do not unpack
 * (corruption). */
int store_get_message(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t key_len,
                      const ProtobufCMessageDescriptor *desc, struct arena *arena, void **out);
/* Packs msg straight into the database page (MDB_RESERVE). */
int store_put_message(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t key_len,
                      const ProtobufCMessage *msg, unsigned flags);

/* The same two under a u64 key (store_key_u64), for tables keyed by id. */
int store_get_by_id(MDB_txn *txn, MDB_dbi dbi, uint64_t id, const ProtobufCMessageDescriptor *desc,
                    struct arena *arena, void **out);
int store_put_by_id(MDB_txn *txn, MDB_dbi dbi, uint64_t id, const ProtobufCMessage *msg,
                    unsigned flags);

/* A u64 stored as the value under key, big-endian as keys are: what a
 * name index says of its record's id, or a counter. EINVAL when the value
 * has another size. */
int store_get_u64(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t key_len, uint64_t *out);
int store_put_u64(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t key_len, uint64_t value,
                  unsigned flags);

/* Puts value under key unless those very bytes are there already: LMDB
 * copies a page into the commit, and so into its disk sync, even for a put
 * that changes nothing. For index entries rewritten on every change of
 * their record. */
int store_put_changed(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *value);

/* Every record of a small table, in key order, unpacked into the arena. A
 * table holding more than max is damaged (its writers never let it grow
 * that big): EINVAL rather than an unbounded allocation. */
int store_list_messages(MDB_txn *txn, MDB_dbi dbi, const ProtobufCMessageDescriptor *desc,
                        size_t max, struct arena *arena, void ***out, size_t *count);

/* Calls fn for each key of dbi that starts with prefix and is longer, in
 * key order, with the rest of the key and the value (valid until the next
 * call). Stops at the first non-zero return of fn and returns it; 0 at the
 * end. */
typedef int (*store_prefix_fn)(void *ctx, const uint8_t *rest, size_t rest_len,
                               const MDB_val *value);
int store_each_with_prefix(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t prefix_len,
                           store_prefix_fn fn, void *ctx);
/* The same from the first such key >= start, which begins with prefix: to
 * go on from where an earlier walk stopped. */
int store_each_with_prefix_from(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t prefix_len,
                                const void *start, size_t start_len, store_prefix_fn fn, void *ctx);

/* One page of a list: which entries of which table belong to it, and how
 * an entry becomes a record in the caller's arena. */
#define STORE_PAGE_SKIP (-1) /* from belongs: not this entry, but maybe a later one */
struct store_page_walk {
    MDB_dbi dbi;
    /* Forwards from the first key >= start, or backwards from the last key
     * < start; NULL starts at the first (last) entry. */
    const MDB_val *start;
    bool backwards;
    /* 0 when the entry belongs to the page, STORE_PAGE_SKIP when it does
     * not, MDB_NOTFOUND when no later entry does either, or an error.
     * NULL: every entry belongs. */
    int (*belongs)(void *ctx, MDB_txn *txn, const MDB_val *key, const MDB_val *value);
    /* Unpacks the entry into arena. MDB_NOTFOUND (an index entry whose
     * record is gone) is damage, and the walk answers EINVAL. NULL: the
     * value is the record, a desc message. */
    int (*read)(void *ctx, MDB_txn *txn, const MDB_val *key, const MDB_val *value,
                struct arena *arena, void **record);
    const ProtobufCMessageDescriptor *desc;
    void *ctx;
};

/* Reads up to limit records, in walk order, into an arena array. With more,
 * also says whether another entry belongs, that is whether this page is not
 * the last; more NULL stops at limit without looking. */
int store_page_read(MDB_txn *txn, const struct store_page_walk *walk, size_t limit,
                    struct arena *arena, void ***records, size_t *count, bool *more);

/* The largest u64 key in dbi plus one (1 for an empty table). */
int store_next_id(MDB_txn *txn, MDB_dbi dbi, uint64_t *id);

#endif
