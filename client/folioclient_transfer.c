/* folioclient_transfer.c - see folioclient_transfer.h. */
#include "folioclient_transfer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void transfer_error(struct folio_error *err, Folio__Code code, bool transport,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void transfer_error(struct folio_error *err, Folio__Code code, bool transport,
                           const char *fmt, ...)
{
    err->code = code;
    err->transport = transport;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

Folio__Response *folio_export_begin(struct folio_connection *c, const char *agent,
                                    const char *const *client_ids, size_t n_client_ids,
                                    bool release, const char *reason, struct folio_error *err)
{
    Folio__ExportBegin op = FOLIO__EXPORT_BEGIN__INIT;
    op.reason = folio_text(reason);
    op.agent = folio_text(agent);
    op.client_ids = (char **)client_ids;
    op.n_client_ids = n_client_ids;
    op.release = release;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_TRANSFER, err);
}

Folio__Response *folio_export_chunk(struct folio_connection *c, const char *transfer_id,
                                    uint64_t offset, struct folio_error *err)
{
    Folio__ExportChunk op = FOLIO__EXPORT_CHUNK__INIT;
    op.transfer_id = folio_text(transfer_id);
    op.offset = offset;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CHUNK, err);
}

Folio__Response *folio_import_begin(struct folio_connection *c, uint64_t size,
                                    struct folio_error *err)
{
    Folio__ImportBegin op = FOLIO__IMPORT_BEGIN__INIT;
    op.size = size;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_TRANSFER, err);
}

Folio__Response *folio_import_chunk(struct folio_connection *c, const char *transfer_id,
                                    uint64_t offset, const uint8_t *data, size_t len,
                                    struct folio_error *err)
{
    Folio__ImportChunk op = FOLIO__IMPORT_CHUNK__INIT;
    op.transfer_id = folio_text(transfer_id);
    op.offset = offset;
    op.data.data = (uint8_t *)data;
    op.data.len = len;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_import_commit(struct folio_connection *c, const char *transfer_id,
                                     const char *agent, bool allow_untrusted, bool allow_erased,
                                     bool dry_run, struct folio_error *err)
{
    Folio__ImportCommit op = FOLIO__IMPORT_COMMIT__INIT;
    op.transfer_id = folio_text(transfer_id);
    op.agent = folio_text(agent);
    op.allow_untrusted = allow_untrusted;
    op.allow_erased = allow_erased;
    op.dry_run = dry_run;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_IMPORT, err);
}

Folio__Response *folio_restore_transferred(struct folio_connection *c, const char *agent,
                                           struct folio_error *err)
{
    Folio__RestoreTransferred op = FOLIO__RESTORE_TRANSFERRED__INIT;
    op.agent = folio_text(agent);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_REASSIGN, err);
}

static int transfer_write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int folio_export_fetch(struct folio_connection *c, const Folio__Transfer *t, int fd,
                       folio_progress_fn progress, void *ctx, struct folio_error *err)
{
    uint64_t offset = 0;
    for (;;) {
        Folio__Response *r = folio_export_chunk(c, t->transfer_id, offset, err);
        if (r == NULL)
            return -1;
        const Folio__Chunk *chunk = r->chunk;
        bool eof = chunk->eof, ok = false;
        int rc;
        if (chunk->offset != offset || chunk->data.len > t->size - offset ||
            (chunk->data.len == 0 && !eof) || (eof && offset + chunk->data.len != t->size))
            transfer_error(err, FOLIO__CODE__UNAVAILABLE, true,
                           "the server sent a chunk that does not fit the file");
        else if ((rc = transfer_write_all(fd, chunk->data.data, chunk->data.len)) != 0)
            transfer_error(err, FOLIO__CODE__INTERNAL, false, "cannot write the file: %s",
                           strerror(rc));
        else
            ok = true;
        offset += ok ? chunk->data.len : 0;
        folio_response_free(r);
        if (!ok)
            return -1;
        if (progress != NULL)
            progress(ctx, offset, t->size);
        if (eof)
            return 0;
    }
}

Folio__Response *folio_export_to_fd(struct folio_connection *c, const char *agent,
                                    const char *const *client_ids, size_t n_client_ids,
                                    bool release, const char *reason, int fd,
                                    folio_progress_fn progress, void *ctx, struct folio_error *err)
{
    Folio__Response *begin =
        folio_export_begin(c, agent, client_ids, n_client_ids, release, reason, err);
    if (begin == NULL)
        return NULL;
    if (folio_export_fetch(c, begin->transfer, fd, progress, ctx, err) == 0)
        return begin;
    folio_response_free(begin);
    return NULL;
}

Folio__Response *folio_import_from_fd(struct folio_connection *c, int fd, uint64_t size,
                                      const char *agent, bool allow_untrusted, bool allow_erased,
                                      bool dry_run, folio_progress_fn progress, void *ctx,
                                      struct folio_error *err)
{
    Folio__Response *begin = folio_import_begin(c, size, err);
    if (begin == NULL)
        return NULL;
    uint8_t *buf = malloc(FOLIO_IMPORT_CHUNK);
    if (buf == NULL) {
        folio_response_free(begin);
        transfer_error(err, FOLIO__CODE__RESOURCE_EXHAUSTED, false, "out of memory");
        return NULL;
    }
    const char *id = begin->transfer->transfer_id;
    uint64_t offset = 0;
    Folio__Response *result = NULL;
    while (offset < size) {
        size_t want =
            size - offset < FOLIO_IMPORT_CHUNK ? (size_t)(size - offset) : FOLIO_IMPORT_CHUNK;
        ssize_t n = pread(fd, buf, want, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            transfer_error(err, FOLIO__CODE__INTERNAL, false, "cannot read the bundle: %s",
                           n < 0 ? strerror(errno) : "it is shorter than it was");
            break;
        }
        Folio__Response *r = folio_import_chunk(c, id, offset, buf, (size_t)n, err);
        if (r == NULL)
            break;
        folio_response_free(r);
        offset += (uint64_t)n;
        if (progress != NULL)
            progress(ctx, offset, size);
    }
    if (offset == size)
        result = folio_import_commit(c, id, agent, allow_untrusted, allow_erased, dry_run, err);
    free(buf);
    folio_response_free(begin);
    return result;
}
