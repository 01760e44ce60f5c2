/* folioclient_subject.c - see folioclient_subject.h. */
#include "folioclient_subject.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "folioclient_transfer.h"

static void subject_error(struct folio_error *err, Folio__Code code, bool transport,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void subject_error(struct folio_error *err, Folio__Code code, bool transport,
                          const char *fmt, ...)
{
    err->code = code;
    err->transport = transport;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

Folio__Response *folio_subject_export(struct folio_connection *c, const char *client,
                                      const char *reason, struct folio_error *err)
{
    Folio__SubjectExport op = FOLIO__SUBJECT_EXPORT__INIT;
    op.client_id = folio_text(client);
    op.reason = folio_text(reason);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_TRANSFER, err);
}

static int subject_write_all(int fd, const uint8_t *data, size_t len)
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

/* One chunk at offset of the document t describes into fd: 0, 1 at its
 * end, -1 with err set. */
static int subject_fetch(struct folio_connection *c, const Folio__Transfer *t, uint64_t *offset,
                         int fd, struct folio_error *err)
{
    Folio__Response *r = folio_export_chunk(c, t->transfer_id, *offset, err);
    if (r == NULL)
        return -1;
    const Folio__Chunk *chunk = r->chunk;
    int rc = chunk->eof ? 1 : 0, e;
    if (chunk->offset != *offset || chunk->data.len > t->size - *offset ||
        (chunk->data.len == 0 && !chunk->eof) ||
        (chunk->eof && *offset + chunk->data.len != t->size)) {
        subject_error(err, FOLIO__CODE__UNAVAILABLE, true,
                      "the server sent a chunk that does not fit the export");
        rc = -1;
    } else if ((e = subject_write_all(fd, chunk->data.data, chunk->data.len)) != 0) {
        subject_error(err, FOLIO__CODE__INTERNAL, false, "cannot write the export: %s",
                      strerror(e));
        rc = -1;
    } else {
        *offset += chunk->data.len;
    }
    folio_response_free(r);
    return rc;
}

Folio__Response *folio_subject_export_to_fd(struct folio_connection *c, const char *client,
                                            const char *reason, int fd, struct folio_error *err)
{
    Folio__Response *begin = folio_subject_export(c, client, reason, err);
    if (begin == NULL)
        return NULL;
    uint64_t offset = 0;
    int rc;
    while ((rc = subject_fetch(c, begin->transfer, &offset, fd, err)) == 0)
        ;
    if (rc == 1)
        return begin;
    folio_response_free(begin);
    return NULL;
}
