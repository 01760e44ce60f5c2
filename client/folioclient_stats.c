/* folioclient_stats.c - see folioclient_stats.h. */
#include "folioclient_stats.h"

Folio__Response *folio_stats_get(struct folio_connection *c, struct folio_error *err)
{
    Folio__StatsGet op = FOLIO__STATS_GET__INIT;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_STATS, err);
}
