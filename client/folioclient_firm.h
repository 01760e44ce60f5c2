/* folioclient_firm.h - typed calls for the firm's key, the firms it trusts,
 * and backups. Each returns the response (with the result named) or NULL
 * with err set, as folio_connection_call. */
#ifndef FOLIOCLIENT_FIRM_H
#define FOLIOCLIENT_FIRM_H

#include "folioclient.h"
#include "folioclient_transfer.h"

/* Result firm_key. */
Folio__Response *folio_firm_key(struct folio_connection *c, struct folio_error *err);
/* public_key: 64 hex characters. Result trusted_firm. */
Folio__Response *folio_trust_add(struct folio_connection *c, const char *firm,
                                 const char *public_key, struct folio_error *err);
/* Result trusted_firms. */
Folio__Response *folio_trust_list(struct folio_connection *c, struct folio_error *err);
/* Result trusted_firm: the one no longer trusted. */
Folio__Response *folio_trust_remove(struct folio_connection *c, const char *firm,
                                    struct folio_error *err);
/* BackupBegin, then every chunk of the encrypted backup written into fd
 * (from where it stands), one chunk in memory at a time. Returns the
 * Transfer answer (the size) once every byte is written, or NULL with err
 * set; a local write failure is INTERNAL with errno's words. */
Folio__Response *folio_backup_to_fd(struct folio_connection *c, const char *passphrase, int fd,
                                    folio_progress_fn progress, void *ctx, struct folio_error *err);

#endif
