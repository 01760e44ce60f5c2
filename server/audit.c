/* audit.c - see audit.h. */
#include "audit.h"

#include "server.h"
#include "store_audit.h"

static int audit_write(struct store *store, MDB_txn *txn, int64_t now, const char *actor,
                       uint64_t actor_office_id, const char *action, const char *target,
                       const char *detail, const char *client_id, const char *kept)
{
    Folio__AuditRecord record = FOLIO__AUDIT_RECORD__INIT;
    record.time = now;
    record.actor = (char *)(actor ? actor : "");
    record.actor_office_id = actor_office_id;
    record.action = (char *)action;
    record.target = (char *)(target ? target : "");
    record.detail = (char *)(detail ? detail : "");
    return store_audit_append(store, txn, &record, client_id, kept);
}

int audit_append_as(struct store *store, MDB_txn *txn, int64_t now, const char *actor,
                    uint64_t actor_office_id, const char *action, const char *target,
                    const char *detail)
{
    return audit_write(store, txn, now, actor, actor_office_id, action, target, detail, NULL, NULL);
}

int audit_append(struct request *req, MDB_txn *txn, const char *action, const char *target,
                 const char *detail)
{
    return audit_write(&req->server->store, txn, req->now, req->actor.name, req->actor.office_id,
                       action, target, detail, NULL, NULL);
}

int audit_append_client(struct request *req, MDB_txn *txn, const char *client_id,
                        const char *action, const char *target, const char *detail,
                        const char *kept)
{
    return audit_write(&req->server->store, txn, req->now, req->actor.name, req->actor.office_id,
                       action, target, detail, client_id, kept);
}
