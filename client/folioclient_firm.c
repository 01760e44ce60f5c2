/* folioclient_firm.c - see folioclient_firm.h. */
#include "folioclient_firm.h"

#include "folioclient_transfer.h"

#include <stdio.h>

Folio__Response *folio_firm_key(struct folio_connection *c, struct folio_error *err)
{
    Folio__FirmKey op = FOLIO__FIRM_KEY__INIT;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_FIRM_KEY, err);
}

Folio__Response *folio_trust_add(struct folio_connection *c, const char *firm,
                                 const char *public_key, struct folio_error *err)
{
    Folio__TrustAdd op = FOLIO__TRUST_ADD__INIT;
    op.firm = (char *)firm;
    op.public_key = (char *)public_key;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_TRUSTED_FIRM, err);
}

Folio__Response *folio_trust_list(struct folio_connection *c, struct folio_error *err)
{
    Folio__TrustList op = FOLIO__TRUST_LIST__INIT;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_TRUSTED_FIRMS, err);
}

Folio__Response *folio_trust_remove(struct folio_connection *c, const char *firm,
                                    struct folio_error *err)
{
    Folio__TrustRemove op = FOLIO__TRUST_REMOVE__INIT;
    op.firm = (char *)firm;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_TRUSTED_FIRM, err);
}

Folio__Response *folio_backup_to_fd(struct folio_connection *c, const char *passphrase, int fd,
                                    folio_progress_fn progress, void *ctx, struct folio_error *err)
{
    Folio__BackupBegin op = FOLIO__BACKUP_BEGIN__INIT;
    op.passphrase = (char *)passphrase;
    Folio__Response *begin =
        folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_TRANSFER, err);
    if (begin == NULL)
        return NULL;
    if (folio_fetch_to_fd(c, begin->transfer, fd, progress, ctx, err) != 0) {
        folio_response_free(begin);
        return NULL;
    }
    return begin;
}
