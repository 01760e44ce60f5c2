/* op_cover.c - an admin covering for an agent (`--as-agent NAME --reason
 * TEXT`): the one way agenda, client list, client find and client show
 * read another agent's portfolio.
 *
 * Only admins cover, and only for the agents they manage (access_portfolio:
 * an office-admin its office's, a firm-admin any), as an admin's export
 * does; the read is the agent's own read, under the agent's id as owner,
 * and changes nothing. Each read is audited with the reason in the write
 * stage, before the answer goes out. Writes take no as_agent: changes stay
 * the owner's, or go through reassignment. */
#include <ctype.h>

#include "audit.h"
#include "op.h"
#include "validate.h"

#define OP_COVER_REASON_MAX 200

int op_cover_agent(struct request *req, MDB_txn *txn, const char *as_agent, const char *reason,
                   uint64_t *owner)
{
    if (req->actor.role == FOLIO__ROLE__ROLE_AGENT)
        return request_fail(req, FOLIO__CODE__PERMISSION_DENIED,
                            "as_agent: an admin covers for an agent; an agent reads its own");
    if (reason[0] == '\0')
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "reason: say why you read %.64s's portfolio (--reason TEXT)", as_agent);
    const char *why = validate_text(reason, OP_COVER_REASON_MAX);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "reason: %s (at most %d bytes)",
                            why, OP_COVER_REASON_MAX);
    Folio__User *agent;
    int rc = op_transfer_agent(req, txn, as_agent, &agent);
    if (rc != 0)
        return rc;
    *owner = agent->id;
    return 0;
}

int op_cover_audit(struct request *req, MDB_txn *txn, const char *what, const char *as_agent,
                   const char *reason, const char *client_id)
{
    /* The agent as stored: user names are kept lower-case (store_user.h),
     * and op_cover_agent found this one. */
    char *agent = arena_printf(&req->arena, "%s", as_agent);
    if (agent == NULL)
        return request_oom(req);
    for (char *c = agent; *c != '\0'; c++)
        *c = (char)tolower((unsigned char)*c);
    char *detail = arena_printf(&req->arena, "covering for %s, %s: %s", agent, what, reason);
    char *kept = arena_printf(&req->arena, "covering for %s, %s", agent, what);
    if (detail == NULL || kept == NULL)
        return request_oom(req);
    int rc = client_id != NULL
                 ? audit_append_client(req, txn, client_id, "cover.read", client_id, detail, kept)
                 : audit_append(req, txn, "cover.read", agent, detail);
    return rc == 0 ? 0 : request_store_error(req, rc, "record the read");
}
