/* folioclient_interchange.c - ClientImport. */
#include "folioclient_interchange.h"

#include <stdio.h>

Folio__Response *folio_client_import(struct folio_connection *c, Folio__Client *const *clients,
                                     const uint32_t *lines, size_t n, bool dry_run,
                                     struct folio_error *err)
{
    return folio_client_import_fields(c, clients, lines, n, NULL, 0, NULL, dry_run, err);
}

Folio__Response *folio_client_import_fields(struct folio_connection *c,
                                            Folio__Client *const *clients, const uint32_t *lines,
                                            size_t n, char *const *fields, size_t n_fields,
                                            const char *agent, bool dry_run,
                                            struct folio_error *err)
{
    Folio__ClientImport op = FOLIO__CLIENT_IMPORT__INIT;
    op.clients = (Folio__Client **)clients;
    op.n_clients = n;
    op.lines = (uint32_t *)lines;
    op.n_lines = lines != NULL ? n : 0;
    op.dry_run = dry_run;
    op.fields = (char **)fields;
    op.n_fields = n_fields;
    op.agent = (char *)(agent != NULL ? agent : "");
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CLIENT_IMPORT, err);
}
