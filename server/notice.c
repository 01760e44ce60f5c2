/* notice.c - see notice.h.
 *
 * A connection remembers only the hash of its session token, so whose it is
 * is read from the store at the moment of sending: a connection that logged
 * out, or whose session ended or expired, gets nothing, and neither does
 * one that authenticated as someone else after sending Watch. */
#include "notice.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connection.h"
#include "frame.h"
#include "log.h"
#include "server.h"
#include "store_session.h"

/* Is conn watching and logged in as user_id right now? */
static bool notice_for(struct store *store, MDB_txn *txn, struct connection *conn, uint64_t user_id,
                       int64_t now)
{
    if (!conn->watching || !conn->authenticated || conn->closing)
        return false;
    struct arena arena;
    arena_init(&arena, 4096);
    Folio__Session *session;
    bool yes = store_session_get(store, txn, conn->session_key, &arena, &session) == 0 &&
               session->user_id == user_id && session->expires_at > now;
    arena_free(&arena);
    return yes;
}

void notice_send(struct server *s, uint64_t user_id, const Folio__Notice *n)
{
    Folio__Response response = FOLIO__RESPONSE__INIT;
    Folio__Status status = FOLIO__STATUS__INIT;
    status.code = FOLIO__CODE__OK;
    response.id = 0;
    response.status = &status;
    response.result_case = FOLIO__RESPONSE__RESULT_NOTICE;
    response.notice = (Folio__Notice *)n;
    uint8_t *frame = NULL;
    size_t len = 0;
    if (frame_encode(&response.base, s->config.max_frame, &frame, &len) != 0) {
        log_warn("notice %s does not fit in a frame", n->kind);
        return;
    }
    MDB_txn *txn;
    if (store_read_begin(&s->store, &txn) != 0) {
        free(frame);
        return;
    }
    int64_t now = (int64_t)time(NULL);
    for (struct connection *conn = s->connections; conn != NULL; conn = conn->next) {
        if (!notice_for(&s->store, txn, conn, user_id, now))
            continue;
        uint8_t *copy = malloc(len);
        if (copy == NULL)
            break;
        memcpy(copy, frame, len);
        if (!connection_push(conn, copy, len))
            log_debug("connection %s: notice %s dropped", conn->peer, n->kind);
    }
    store_read_end(&s->store, txn);
    free(frame);
}
