/* folioclient_stats.c - see folioclient_stats.h. */
#include "folioclient_stats.h"

Folio__Response *folio_stats_get(struct folio_client *c, struct folio_error *err)
{
    Folio__StatsGet op = FOLIO__STATS_GET__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_STATS_GET;
    req.stats_get = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_STATS, err);
}
