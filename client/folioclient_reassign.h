/* folioclient_reassign.h - typed calls for reassignment and notices.
 *
 * Notices are Responses with id 0 and result `notice` that the server pushes
 * to a connection that sent Watch. folio_connection_call skips them, so a
 * connection may watch and still make calls; folio_notice_next waits for
 * the next one. */
#ifndef FOLIOCLIENT_REASSIGN_H
#define FOLIOCLIENT_REASSIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "folioclient.h"

/* n_client_ids 0: every client of from. Answer: result reassign. */
Folio__Response *folio_reassign(struct folio_connection *c, const char *from, const char *to,
                                const char *const *client_ids, size_t n_client_ids, bool dry_run,
                                struct folio_error *err);
Folio__Response *folio_reassign_undo(struct folio_connection *c, uint64_t id,
                                     struct folio_error *err);
/* Only the named clients of reassignment id (ids or unique starts of
 * one): those that did not change since move back, the others are in the
 * answer's kept, each with why. */
Folio__Response *folio_reassign_undo_clients(struct folio_connection *c, uint64_t id,
                                             const char *const *client_ids, size_t n_client_ids,
                                             struct folio_error *err);
/* The reassignments the caller may see, newest first, limit at most (0:
 * the server's default) with ids below before (0: from the newest).
 * Answer: result reassignments. */
Folio__Response *folio_reassign_list(struct folio_connection *c, uint32_t limit, uint64_t before,
                                     struct folio_error *err);
/* One reassignment with the clients it moved. Answer: result reassignment. */
Folio__Response *folio_reassign_show(struct folio_connection *c, uint64_t id,
                                     struct folio_error *err);
/* Subscribes this connection to notices. */
Folio__Response *folio_watch(struct folio_connection *c, struct folio_error *err);

/* The next notice (result notice), waiting at most the connection's timeout.
 * Anything else the server sends in between (a refusal of the connection,
 * a stray answer) is an error: NULL with err set. */
Folio__Response *folio_notice_next(struct folio_connection *c, struct folio_error *err);

#endif
