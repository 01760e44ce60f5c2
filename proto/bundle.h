/* bundle.h - the signed file a portfolio travels in between firms.
 *
 * Layout (folio.proto, BundleRecord): "FOLIOBND", format version (u32 BE),
 * records as u32 BE length + BundleRecord (header first, end last), then the
 * trailer: "FOLIOSIG", a BLAKE2b-512 digest of every byte before the trailer,
 * and an Ed25519 signature of that digest by the source firm.
 *
 * Writing and reading both stream through a file descriptor with bounded
 * buffers, so memory does not grow with the bundle. A reader trusts nothing
 * before bundle_verify has checked the whole file: lengths are bounded
 * (BUNDLE_RECORD_MAX) before anything is allocated, and every fault comes
 * back as a sentence for a person in `why`. */
#ifndef FOLIO_BUNDLE_H
#define FOLIO_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "arena.h"
#include "folio.pb-c.h"

#define BUNDLE_VERSION         1
#define BUNDLE_RECORD_MAX      (4u * 1024u * 1024u)
#define BUNDLE_DIGEST_BYTES    64
#define BUNDLE_FINGERPRINT_MAX 64

struct bundle_writer {
    int fd;
    crypto_generichash_state digest;
    uint64_t records;
    uint8_t *buf; /* pending bytes, flushed in large writes */
    size_t len, cap;
};

/* Writes the magic, the version and the header record. */
int bundle_writer_open(struct bundle_writer *w, int fd, const Folio__BundleHeader *header);
int bundle_writer_add(struct bundle_writer *w, const Folio__BundleRecord *record);
/* Writes the end record and the trailer signed with secret_key, flushes,
 * and frees the writer's buffers (also on failure). 0 or an errno. */
int bundle_writer_finish(struct bundle_writer *w,
                         const uint8_t secret_key[crypto_sign_SECRETKEYBYTES]);
/* Frees a writer that will not be finished. */
void bundle_writer_abandon(struct bundle_writer *w);

/* Reads the whole file from the start: magic, version, every record's
 * framing and decoding, the header first and the end last with the right
 * count, the digest, and the signature against the header's public key.
 * 0 and the header (unpacked into arena), or -1 and why. Leaves the offset
 * anywhere. */
int bundle_verify(int fd, struct arena *arena, Folio__BundleHeader **header, char *why,
                  size_t why_size);

struct bundle_reader {
    int fd;
    uint8_t *buf;
    size_t len, pos, cap;
    size_t first_cap; /* the buffer's first size: the file's, when under a chunk */
    uint64_t offset;
    bool done;
};

/* Reads a verified bundle from the start, one record at a time. next returns
 * 1 and the record (unpacked into arena), 0 after the end record, or -1 and
 * why. Between two calls to next, r->offset is where the next record starts. */
int bundle_reader_open(struct bundle_reader *r, int fd, char *why, size_t why_size);
int bundle_reader_next(struct bundle_reader *r, struct arena *arena, Folio__BundleRecord **out,
                       char *why, size_t why_size);
/* Goes on reading from offset, a value r->offset held between two calls to
 * next on the same file (so a long read can stop and resume later). 0 or
 * -1 with errno. */
int bundle_reader_seek(struct bundle_reader *r, uint64_t offset);
void bundle_reader_close(struct bundle_reader *r);

/* A short, readable fingerprint of a public key: groups of hex digits of
 * its BLAKE2b hash ("3f2a 9c41 ..."). */
void bundle_fingerprint(const uint8_t public_key[crypto_sign_PUBLICKEYBYTES],
                        char out[BUNDLE_FINGERPRINT_MAX]);

#endif
