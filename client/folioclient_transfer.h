/* folioclient_transfer.h - moving portfolios as signed bundles: the typed
 * calls, and whole-file export and import on top of them.
 *
 * A bundle travels in chunks through the connection's one transfer (the
 * server keeps the file), so memory stays constant on both sides whatever
 * the bundle's size. */
#ifndef FOLIO_CLIENT_TRANSFER_H
#define FOLIO_CLIENT_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "folioclient.h"

/* The largest piece of a bundle one ImportChunk carries. */
#define FOLIO_IMPORT_CHUNK (256u * 1024u)

/* ExportBegin -> Transfer; agent NULL or "": the caller's own portfolio;
 * no client_ids: the whole portfolio. reason (NULL: none) says why an
 * admin takes another agent's whole portfolio: required then. */
Folio__Response *folio_export_begin(struct folio_connection *c, const char *agent,
                                    const char *const *client_ids, size_t n_client_ids,
                                    bool release, const char *reason, struct folio_error *err);
/* ExportChunk -> Chunk. */
Folio__Response *folio_export_chunk(struct folio_connection *c, const char *transfer_id,
                                    uint64_t offset, struct folio_error *err);
/* ImportBegin -> Transfer. */
Folio__Response *folio_import_begin(struct folio_connection *c, uint64_t size,
                                    struct folio_error *err);
/* ImportChunk -> Empty. */
Folio__Response *folio_import_chunk(struct folio_connection *c, const char *transfer_id,
                                    uint64_t offset, const uint8_t *data, size_t len,
                                    struct folio_error *err);
/* ImportCommit -> ImportResult; agent NULL or "": the caller.
 * allow_untrusted and allow_erased are a firm-admin's. */
Folio__Response *folio_import_commit(struct folio_connection *c, const char *transfer_id,
                                     const char *agent, bool allow_untrusted, bool allow_erased,
                                     bool dry_run, struct folio_error *err);
/* RestoreTransferred -> ReassignResult (the count). */
Folio__Response *folio_restore_transferred(struct folio_connection *c, const char *agent,
                                           struct folio_error *err);

/* Called after each chunk with the bytes done so far and the total. */
typedef void (*folio_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* Fetches the file of an export transfer (t: the answer that opened it,
 * ExportBegin's or SubjectExport's) into fd, written from where it stands,
 * chunk by chunk. 0, or -1 with err set; a local write failure is INTERNAL
 * with errno's words. */
int folio_export_fetch(struct folio_connection *c, const Folio__Transfer *t, int fd,
                       folio_progress_fn progress, void *ctx, struct folio_error *err);

/* Exports into fd (written from where it stands). Returns the Transfer
 * answer of ExportBegin (the header and size) once every byte is written,
 * or NULL with err set; a local write failure is INTERNAL with errno's
 * words. */
Folio__Response *folio_export_to_fd(struct folio_connection *c, const char *agent,
                                    const char *const *client_ids, size_t n_client_ids,
                                    bool release, const char *reason, int fd,
                                    folio_progress_fn progress, void *ctx, struct folio_error *err);

/* Uploads the whole of fd (size bytes, read from offset 0) and commits.
 * Returns the ImportResult answer or NULL with err set. */
Folio__Response *folio_import_from_fd(struct folio_connection *c, int fd, uint64_t size,
                                      const char *agent, bool allow_untrusted, bool allow_erased,
                                      bool dry_run, folio_progress_fn progress, void *ctx,
                                      struct folio_error *err);

#endif
