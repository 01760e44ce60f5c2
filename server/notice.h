/* notice.h - server-pushed notices for connections that sent Watch.
 *
 * A notice is a Response with id 0 and result `notice`, queued behind the
 * replies the connection already has in flight. Best-effort: a watcher whose
 * output is over its limit misses the notice rather than growing the
 * server's memory; the audit log is the record. Loop thread only: a write
 * stage that wants to notify leaves it to its finish stage. */
#ifndef FOLIO_NOTICE_H
#define FOLIO_NOTICE_H

#include <stdint.h>

#include "folio.pb-c.h"

struct server;

/* Sends n to every watching connection logged in as user_id. */
void notice_send(struct server *s, uint64_t user_id, const Folio__Notice *n);

#endif
