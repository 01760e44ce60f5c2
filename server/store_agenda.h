/* store_agenda.h - the dated index behind `folio agenda`.
 *
 * One table, keyed by owner id (u64 BE), a kind byte, then a key of that
 * kind, so that everything on one agent's agenda for a range of dates is
 * one short cursor walk, never a scan of the portfolio or the database:
 *   BIRTHDAY  month (1 byte) + day (1 byte) + client id       -> empty
 *   FOLLOW_UP date (u32 BE YYYYMMDD) + client id + event seq  -> empty
 *   EVENT     date + client id + event seq     -> the trigger ("purchase:vehicle")
 *   OFFER     valid_until + offer id                          -> empty (open offers)
 *   COUPON    valid_until + code                              -> empty (unredeemed)
 *   SNOOZED   until + subject (client id) + item id           -> empty (snoozed marks)
 *   TASK      due + task id                                   -> empty (the agent's tasks)
 *   RENEWAL   renews_on + holding id         -> client id (active holdings)
 *   LAPSE     ends_on + holding id           -> client id (lapsed or cancelled holdings)
 *   STAY_DUE   due day + client id         -> the client's name (its own contact interval)
 *   STAY_SINCE last contact + client id    -> the client's name (the firm's interval)
 *   STAY_NEW   day added + client id       -> the client's name (the firm's interval,
 *                                             never contacted)
 * and, under the kind byte AREA, with no date: a place kind byte (CITY or
 * REGION), the place's name in ASCII lower case and a NUL, then the client
 * id -> empty: the clients a regional alert covers, one range per place.
 * Whoever changes the record an entry stands for keeps the entry in step in
 * the same transaction: store_client.c (birthdays; follow-ups and events on
 * erasure), op_client.c (follow-ups, events), store_offer.c, store_coupon.c, store_agenda_state.c
 * (SNOOZED), store_holding.c (RENEWAL, LAPSE), store_agenda_client.c (STAY_*,
 * AREA, from store_client.c's put and delete).
 *
 * The stay-in-touch kinds keep what the due day is counted from, not the
 * day itself, where the firm's interval decides it: the firm may change its
 * interval (admin calendar set) without touching any entry. The client's
 * name rides along so that a page is chosen without reading any client. */
#ifndef FOLIO_STORE_AGENDA_H
#define FOLIO_STORE_AGENDA_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum store_agenda_kind {
    STORE_AGENDA_BIRTHDAY = 'B',
    STORE_AGENDA_FOLLOW_UP = 'F',
    STORE_AGENDA_EVENT = 'E',
    STORE_AGENDA_OFFER = 'O',
    STORE_AGENDA_COUPON = 'C',
    STORE_AGENDA_SNOOZED = 'S',
    STORE_AGENDA_TASK = 'T',
    STORE_AGENDA_RENEWAL = 'R',
    STORE_AGENDA_LAPSE = 'L',
    STORE_AGENDA_STAY_DUE = 'D',
    STORE_AGENDA_STAY_SINCE = 'K',
    STORE_AGENDA_STAY_NEW = 'N',
    STORE_AGENDA_AREA = 'A',
};

enum store_agenda_area {
    STORE_AGENDA_CITY = 'c',
    STORE_AGENDA_REGION = 'r',
};

/* Bytes of a place's name in an AREA key; longer names are not indexed
 * (client records and alerts hold at most FOLIO_TEXT_MAX). */
#define STORE_AGENDA_AREA_MAX 256

#define STORE_AGENDA_CODE_MAX 32

struct store_agenda_key {
    uint64_t owner_id;
    enum store_agenda_kind kind;
    uint32_t date;         /* YYYYMMDD; BIRTHDAY: month * 100 + day */
    uint8_t client_id[16]; /* BIRTHDAY, FOLLOW_UP, EVENT, SNOOZED, STAY_* */
    uint64_t seq;          /* FOLLOW_UP, EVENT: timeline seq; OFFER: offer id; SNOOZED: item id;
                   TASK: task id; RENEWAL, LAPSE: holding id */
    char code[STORE_AGENDA_CODE_MAX + 1]; /* COUPON */
};

/* Inserts or replaces the entry; value may be NULL for none. */
int store_agenda_put(struct store *s, MDB_txn *txn, const struct store_agenda_key *key,
                     const void *value, size_t value_len);
/* Removes the entry; 0 also when it was not there. */
int store_agenda_delete(struct store *s, MDB_txn *txn, const struct store_agenda_key *key);

/* Calls fn for each of owner's entries of kind with from <= date <= to, in
 * key order. fn returns 0 to go on, STORE_AGENDA_STOP to stop (then 0 is
 * returned), or an error, which is returned. */
#define STORE_AGENDA_STOP (-1)
typedef int (*store_agenda_fn)(void *ctx, const struct store_agenda_key *key, const void *value,
                               size_t value_len);
int store_agenda_each(struct store *s, MDB_txn *txn, uint64_t owner_id, enum store_agenda_kind kind,
                      uint32_t from, uint32_t to, store_agenda_fn fn, void *ctx);

/* AREA entries: client id lives in area (CITY or REGION) name of owner's
 * portfolio. name is compared ignoring ASCII case, as
 * client_summary_in_alert does; an empty or too long name has no entry. */
int store_agenda_area_put(struct store *s, MDB_txn *txn, uint64_t owner_id,
                          enum store_agenda_area area, const char *name, const uint8_t id[16]);
int store_agenda_area_delete(struct store *s, MDB_txn *txn, uint64_t owner_id,
                             enum store_agenda_area area, const char *name, const uint8_t id[16]);
/* Calls fn with each client id of owner's that lives in the place, in id
 * order (fn as for store_agenda_each, fn NULL: only count), and sets *count
 * to how many were met. */
typedef int (*store_agenda_area_fn)(void *ctx, const uint8_t id[16]);
int store_agenda_area_each(struct store *s, MDB_txn *txn, uint64_t owner_id,
                           enum store_agenda_area area, const char *name, store_agenda_area_fn fn,
                           void *ctx, uint64_t *count);

#endif
