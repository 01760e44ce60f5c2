/* folioclient_subject.h - a privacy-law request's export: everything the
 * firm holds about one person, one JSON document the server builds and
 * hands out in chunks as it does a bundle (folioclient_transfer.h). */
#ifndef FOLIOCLIENT_SUBJECT_H
#define FOLIOCLIENT_SUBJECT_H

#include "folioclient.h"

/* SubjectExport -> Transfer (its size). client: an id or a unique start of
 * one; reason: required, audited. */
Folio__Response *folio_subject_export(struct folio_connection *c, const char *client,
                                      const char *reason, struct folio_error *err);

/* The whole document into fd (written from where it stands): the Transfer
 * answer once every byte is written, or NULL with err set; a local write
 * failure is INTERNAL with errno's words. */
Folio__Response *folio_subject_export_to_fd(struct folio_connection *c, const char *client,
                                            const char *reason, int fd, struct folio_error *err);

#endif
