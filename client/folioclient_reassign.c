/* folioclient_reassign.c - see folioclient_reassign.h. */
#include "folioclient_reassign.h"

#include <stdio.h>

Folio__Response *folio_reassign(struct folio_connection *c, const char *from, const char *to,
                                const char *const *client_ids, size_t n_client_ids, bool dry_run,
                                struct folio_error *err)
{
    Folio__Reassign op = FOLIO__REASSIGN__INIT;
    op.from = (char *)from;
    op.to = (char *)to;
    op.client_ids = (char **)client_ids;
    op.n_client_ids = n_client_ids;
    op.dry_run = dry_run;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_REASSIGN, err);
}

Folio__Response *folio_reassign_undo(struct folio_connection *c, uint64_t id,
                                     struct folio_error *err)
{
    Folio__ReassignUndo op = FOLIO__REASSIGN_UNDO__INIT;
    op.id = id;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_REASSIGN, err);
}

Folio__Response *folio_reassign_undo_clients(struct folio_connection *c, uint64_t id,
                                             const char *const *client_ids, size_t n_client_ids,
                                             struct folio_error *err)
{
    Folio__ReassignUndo op = FOLIO__REASSIGN_UNDO__INIT;
    op.id = id;
    op.client_ids = (char **)client_ids;
    op.n_client_ids = n_client_ids;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_REASSIGN, err);
}

Folio__Response *folio_reassign_list(struct folio_connection *c, uint32_t limit, uint64_t before,
                                     struct folio_error *err)
{
    Folio__ReassignList op = FOLIO__REASSIGN_LIST__INIT;
    op.limit = limit;
    op.before = before;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_REASSIGNMENTS, err);
}

Folio__Response *folio_reassign_show(struct folio_connection *c, uint64_t id,
                                     struct folio_error *err)
{
    Folio__ReassignShow op = FOLIO__REASSIGN_SHOW__INIT;
    op.id = id;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_REASSIGNMENT, err);
}

Folio__Response *folio_watch(struct folio_connection *c, struct folio_error *err)
{
    Folio__Watch op = FOLIO__WATCH__INIT;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_notice_next(struct folio_connection *c, struct folio_error *err)
{
    Folio__Response *r = folio_connection_receive(c, err);
    if (r == NULL)
        return NULL;
    if (r->id == 0 && r->result_case == FOLIO__RESPONSE__RESULT_NOTICE && r->notice != NULL)
        return r;
    if (err != NULL) {
        err->code = r->status != NULL ? r->status->code : FOLIO__CODE__INTERNAL;
        err->transport = true;
        snprintf(err->message, sizeof(err->message), "%s",
                 r->status != NULL && r->status->message != NULL && r->status->message[0] != '\0'
                     ? r->status->message
                     : "the server sent something other than a notice");
    }
    folio_response_free(r);
    return NULL;
}
