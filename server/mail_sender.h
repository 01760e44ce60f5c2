/* mail_sender.h - delivers the outbox (store_outbox.h) through the firm's
 * SMTP relay, with libcurl, on a thread of its own: the loop never waits
 * on the network.
 *
 * The thread takes the queued message due first, builds it from what the
 * store says now (outbox.h: the client's name and address, consent checked
 * again, the offer or coupon, the agent's card, the firm's template in the
 * client's language), hands it to the relay, and gives the result to the
 * loop, which has the writer record it (the message's state, and on the
 * offer or coupon and the client's timeline when it is settled). It takes
 * the next message only once that record is committed.
 *
 * A 2xx is delivered; a 5xx fails for good, with the relay's reply; a 4xx,
 * a failed connection or a timeout is tried again after a back-off that
 * doubles each attempt (--smtp-retry-base-ms, at most an hour), and fails
 * after --smtp-max-attempts. At most --smtp-rate messages a second go out.
 *
 * Exactly once: a message is marked sent in a durable write right after
 * the relay accepted it, so a restart or a crash resends only a message
 * whose acceptance was not yet committed: a crash between the relay's 250
 * and that commit (a few milliseconds) sends it again, with the same
 * Message-ID, which lets the recipient's system drop the copy. A message is
 * never lost: it stays queued until a result is committed. */
#ifndef FOLIO_MAIL_SENDER_H
#define FOLIO_MAIL_SENDER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "folio.pb-c.h"
#include "store.h"

struct server;
struct mail_outcome;

#define MAIL_SENDER_TEXT_MAX 256

struct mail_sender {
    struct server *server;
    bool enabled; /* --smtp-url given */
    bool started;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    uv_async_t async;
    /* Under lock. */
    bool stopping, kicked;
    _Atomic bool abandon;          /* stopping: give up a delivery not yet sending its message */
    struct mail_outcome *outcomes; /* sender -> loop: results to record */
    uint64_t posted, committed;    /* results handed over, and recorded */
    /* Settings, read at open. */
    char url[MAIL_SENDER_TEXT_MAX];
    bool require_tls; /* STARTTLS or smtps: not a loopback relay */
    char user[MAIL_SENDER_TEXT_MAX], password[MAIL_SENDER_TEXT_MAX];
    bool login;
    char from[MAIL_SENDER_TEXT_MAX], unsubscribe[MAIL_SENDER_TEXT_MAX];
    char domain[MAIL_SENDER_TEXT_MAX]; /* of from: Message-IDs */
    /* Figures for stats: any thread reads them. */
    _Atomic uint64_t delivered, failed, cancelled, deferred;
};

/* Reads the --smtp-* options: the URL's form (smtp:// or smtps://, a port),
 * whether its host is loopback, the credentials file (refused unless mode
 * 0600 and one line USER:PASSWORD), --smtp-from. 0, or -1 with the reason
 * logged. Without --smtp-url the sender stays off and messages stay queued. */
int mail_sender_open(struct mail_sender *m, struct server *s);
/* Starts the thread (with --smtp-url). Loop thread. */
int mail_sender_start(struct mail_sender *m);
/* Something was queued: look now rather than at the next tick. Loop
 * thread, after the commit. */
void mail_sender_kick(struct mail_sender *m);
/* Lets a delivery under way finish, joins the thread, hands the writer
 * the results not yet recorded and closes the async handle. Loop thread,
 * before writer_stop; idempotent. */
void mail_sender_stop(struct mail_sender *m);

/* Records a settled message (state delivered, failed or cancelled, with
 * the relay's reply or why) on its offer or coupon, when it is still that
 * one's latest, and on the client's timeline. Writer thread, in txn. */
int mail_sender_settle(struct store *s, MDB_txn *txn, const Folio__OutboxMessage *row,
                       const char *state, const char *reply, int64_t now_ms, struct arena *ar);

/* A Message-ID for outbox message id (random, with the From domain). */
void mail_sender_message_id(const struct mail_sender *m, uint64_t id, char *out, size_t size);

#endif
