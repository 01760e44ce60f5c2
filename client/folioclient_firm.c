/* folioclient_firm.c - see folioclient_firm.h. */
#include "folioclient_firm.h"

#include <stdio.h>

Folio__Response *folio_firm_key(struct folio_client *c, struct folio_error *err)
{
    Folio__FirmKey op = FOLIO__FIRM_KEY__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_FIRM_KEY;
    req.firm_key = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_FIRM_KEY, err);
}

Folio__Response *folio_trust_add(struct folio_client *c, const char *firm, const char *public_key,
                                 struct folio_error *err)
{
    Folio__TrustAdd op = FOLIO__TRUST_ADD__INIT;
    op.firm = (char *)firm;
    op.public_key = (char *)public_key;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_TRUST_ADD;
    req.trust_add = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_TRUSTED_FIRM, err);
}

Folio__Response *folio_trust_list(struct folio_client *c, struct folio_error *err)
{
    Folio__TrustList op = FOLIO__TRUST_LIST__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_TRUST_LIST;
    req.trust_list = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_TRUSTED_FIRMS, err);
}

Folio__Response *folio_trust_remove(struct folio_client *c, const char *firm,
                                    struct folio_error *err)
{
    Folio__TrustRemove op = FOLIO__TRUST_REMOVE__INIT;
    op.firm = (char *)firm;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_TRUST_REMOVE;
    req.trust_remove = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_TRUSTED_FIRM, err);
}

Folio__Response *folio_backup(struct folio_client *c, struct folio_error *err)
{
    Folio__Backup op = FOLIO__BACKUP__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_BACKUP;
    req.backup = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_BACKUP, err);
}
