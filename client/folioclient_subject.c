/* folioclient_subject.c - see folioclient_subject.h. */
#include "folioclient_subject.h"

#include "folioclient_transfer.h"

Folio__Response *folio_subject_export(struct folio_connection *c, const char *client,
                                      const char *reason, struct folio_error *err)
{
    Folio__SubjectExport op = FOLIO__SUBJECT_EXPORT__INIT;
    op.client_id = folio_text(client);
    op.reason = folio_text(reason);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_TRANSFER, err);
}

Folio__Response *folio_subject_export_to_fd(struct folio_connection *c, const char *client,
                                            const char *reason, int fd, struct folio_error *err)
{
    Folio__Response *begin = folio_subject_export(c, client, reason, err);
    if (begin == NULL)
        return NULL;
    if (folio_fetch_to_fd(c, begin->transfer, fd, NULL, NULL, err) == 0)
        return begin;
    folio_response_free(begin);
    return NULL;
}
