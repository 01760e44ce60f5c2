/* folioclient_interchange.h - the typed call for importing clients read
 * from a CSV file or vCards. */
#ifndef FOLIO_FOLIOCLIENT_INTERCHANGE_H
#define FOLIO_FOLIOCLIENT_INTERCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "folioclient.h"

/* At most this many clients, and this many packed bytes of them, in one
 * ClientImport: the server refuses more than 1000, and the frame must stay
 * under the server's default 1 MiB limit. */
#define FOLIO_IMPORT_BATCH_MAX       1000
#define FOLIO_IMPORT_BATCH_BYTES_MAX (768 * 1024)

/* ClientImport of clients[0..n) with the lines they came from (lines may be
 * NULL). Returns the response (result client_import) or NULL with err set,
 * as folio_connection_call. */
Folio__Response *folio_client_import(struct folio_connection *c, Folio__Client *const *clients,
                                     const uint32_t *lines, size_t n, bool dry_run,
                                     struct folio_error *err);
/* The same, with the Client fields the file holds (what a row naming a
 * client of the portfolio by id updates) and the agent whose portfolio it
 * is (NULL: the caller's own; admins name an agent of theirs). */
Folio__Response *folio_client_import_fields(struct folio_connection *c,
                                            Folio__Client *const *clients, const uint32_t *lines,
                                            size_t n, char *const *fields, size_t n_fields,
                                            const char *agent, bool dry_run,
                                            struct folio_error *err);

#endif
