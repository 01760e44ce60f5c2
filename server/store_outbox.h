/* store_outbox.h - the outbox: e-mail queued for clients, keyed by id, with
 * an index of the messages still queued (what the mail sender walks), one
 * per owner (outbox list) and one per client (consent withdrawn), and the
 * firm's mail templates, keyed by kind and language.
 *
 * store_outbox_put is the only writer of a message and its indexes, so it
 * alone keeps them in step: an entry in outbox_queued exists exactly while
 * the message's state is "queued". */
#ifndef FOLIO_STORE_OUTBOX_H
#define FOLIO_STORE_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "folio.pb-c.h"
#include "store.h"

#define STORE_OUTBOX_QUEUED    "queued"
#define STORE_OUTBOX_SENT      "sent"
#define STORE_OUTBOX_FAILED    "failed"
#define STORE_OUTBOX_CANCELLED "cancelled"

/* Assigns message->id when it is 0; replaces the record otherwise. */
int store_outbox_put(struct store *s, MDB_txn *txn, Folio__OutboxMessage *message);
int store_outbox_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                     Folio__OutboxMessage **out);

/* The queued message due first: the one with the earliest next_attempt_at,
 * if that is at most now_ms (*out NULL otherwise), looking at no more than
 * the first max queued messages; *next_ms says when the earliest of them is
 * due (INT64_MAX: none queued). */
int store_outbox_due(struct store *s, MDB_txn *txn, int64_t now_ms, size_t max, struct arena *arena,
                     Folio__OutboxMessage **out, int64_t *next_ms);
/* How many messages are queued. */
int store_outbox_queued_count(struct store *s, MDB_txn *txn, uint64_t *count);

/* Calls fn for each of owner's messages with id > after, in id order; fn
 * returns 0 to go on, 1 to stop, or an error. The message is valid for the
 * call only. */
typedef int (*store_outbox_fn)(void *ctx, const Folio__OutboxMessage *message);
int store_outbox_each_owner(struct store *s, MDB_txn *txn, uint64_t owner_id, uint64_t after,
                            store_outbox_fn fn, void *ctx);
/* The ids of client's queued messages (at most max), into ids. */
int store_outbox_client_queued(struct store *s, MDB_txn *txn, const uint8_t client_id[16],
                               uint64_t *ids, size_t max, size_t *count);

/* Removes every message of a client (erasure), queued or not, with its
 * index entries: the outbox keeps no address of an erased client. */
int store_outbox_delete_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16]);

/* Mail templates. kind is "offer" or "coupon"; language ISO 639-1. */
int store_mail_template_put(struct store *s, MDB_txn *txn, const Folio__MailTemplate *tpl);
int store_mail_template_get(struct store *s, MDB_txn *txn, const char *kind, const char *language,
                            struct arena *arena, Folio__MailTemplate **out);
int store_mail_template_delete(struct store *s, MDB_txn *txn, const char *kind,
                               const char *language);
/* Every template (a firm has a handful: at most max), in kind and language
 * order. */
int store_mail_template_list(struct store *s, MDB_txn *txn, size_t max, struct arena *arena,
                             Folio__MailTemplate ***out, size_t *count);

#endif
