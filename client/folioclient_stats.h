/* folioclient_stats.h - the typed call for the server's own figures. Returns
 * the response (with the result named) or NULL with err set, as
 * folio_connection_call. */
#ifndef FOLIOCLIENT_STATS_H
#define FOLIOCLIENT_STATS_H

#include "folioclient.h"

/* Result stats. Firm-admin only. */
Folio__Response *folio_stats_get(struct folio_connection *c, struct folio_error *err);

#endif
