/* op_stats.c - StatsGet: the server's own figures, for the firm-admin.
 *
 * A read stage only: every figure is in memory or in the LMDB environment's
 * header, so answering costs no more than any other read. */
#include <errno.h>

#include "access.h"
#include "op.h"
#include "server.h"
#include "stats.h"

int op_stats_get_read(struct request *req, MDB_txn *txn)
{
    (void)txn;
    Folio__Stats *stats;
    int rc = stats_snapshot(req->server, &req->arena, &stats);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_store_error(req, rc, "read the database's figures");
    req->response.result_case = FOLIO__RESPONSE__RESULT_STATS;
    req->response.stats = stats;
    return 0;
}
