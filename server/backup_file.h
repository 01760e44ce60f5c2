/* backup_file.h - a firm in one file, encrypted with a passphrase.
 *
 * A backup holds what a data directory needs to serve the same firm: the
 * firm's signing key (firm.key), its TLS certificate and key, and a
 * compacted copy of the database (data.mdb). `foliod backup`, `folio admin
 * backup` and `foliod restore` read and write it through this module only.
 *
 * The file, every integer little-endian:
 *
 *   offset size
 *   0      8    magic "FOLIOBAK"
 *   8      4    format version, 1
 *   12     4    password hash algorithm: crypto_pwhash_ALG_ARGON2ID13
 *   16     8    argon2id opslimit
 *   24     8    argon2id memlimit (bytes)
 *   32     16   salt
 *   48     24   crypto_secretstream_xchacha20poly1305 header
 *   72          records, to the end of the file
 *
 * The key is crypto_pwhash(passphrase, salt, opslimit, memlimit, argon2id);
 * a reader refuses limits outside [MIN, SENSITIVE] before it hashes, so a
 * forged header cannot make it spend more than the library's sensitive
 * limits. Each record is a u32 length, then that many bytes: one message of
 * the secret stream (crypto_secretstream_xchacha20poly1305), at most
 * BACKUP_RECORD_MAX bytes of plain text and ABYTES more. The first message
 * carries the 72 header bytes as additional data, so the header cannot be
 * changed without the first record failing. A plain record is one byte of
 * kind and its payload:
 *
 *   INFO      u64 seconds since the epoch when it was made, u8 flags
 *             (1: has the firm key, 2: has the TLS pair); always first
 *   FIRM_KEY  the 64 bytes of firm.key (Ed25519 secret key)
 *   TLS_CERT  the certificate, PEM; then TLS_KEY, its key, PEM
 *   DATA      the next 1 to BACKUP_DATA_CHUNK bytes of data.mdb
 *   END       u64 the bytes of data.mdb; the only record tagged FINAL
 *
 * in that order, FIRM_KEY and the TLS pair when INFO's flags say so. Missing
 * records, a record out of order, a stream that ends before END (a cut
 * file), bytes after it, or any flipped bit are refused. Both sides hold
 * one record at a time: memory stays constant whatever the database's size. */
#ifndef FOLIO_BACKUP_FILE_H
#define FOLIO_BACKUP_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define BACKUP_MAGIC       "FOLIOBAK"
#define BACKUP_MAGIC_SIZE  8
#define BACKUP_VERSION     1
#define BACKUP_HEADER_SIZE 72
#define BACKUP_DATA_CHUNK  (64u * 1024u)
#define BACKUP_RECORD_MAX  (BACKUP_DATA_CHUNK + 1u)
#define BACKUP_PEM_MAX     (BACKUP_RECORD_MAX - 1u) /* a TLS file's bytes */
/* What a person gives: long enough to resist guessing at argon2id's cost. */
#define BACKUP_PASSPHRASE_MIN 12
#define BACKUP_PASSPHRASE_MAX 1024

enum backup_record {
    BACKUP_RECORD_INFO = 1,
    BACKUP_RECORD_FIRM_KEY = 2,
    BACKUP_RECORD_TLS_CERT = 3,
    BACKUP_RECORD_TLS_KEY = 4,
    BACKUP_RECORD_DATA = 5,
    BACKUP_RECORD_END = 6,
};

#define BACKUP_HAS_FIRM_KEY 1u
#define BACKUP_HAS_TLS      2u

/* What goes in. A path whose file does not exist leaves its record out
 * (a firm served with --plaintext has no TLS pair); NULL likewise. */
struct backup_source {
    const char *firm_key_path;
    const char *tls_cert_path, *tls_key_path;
    int64_t created_at;
    /* Writes the compacted database to fd and returns 0, or an errno or
     * LMDB code. Runs in a thread of its own while backup_write reads the
     * other end of a pipe: the caller ignores SIGPIPE (foliod does). */
    int (*copy_data)(void *ctx, int fd);
    void *ctx;
};

struct backup_summary {
    uint64_t data_bytes; /* of data.mdb */
    uint64_t file_bytes; /* of the backup */
    bool firm_key, tls;
};

/* Some passphrase rule a person broke, or NULL: BACKUP_PASSPHRASE_MIN to
 * BACKUP_PASSPHRASE_MAX bytes, no NUL. For making backups; a reader takes
 * whatever made the file. */
const char *backup_passphrase_check(const char *passphrase, size_t len);

/* Writes a backup of src to fd (from where it stands; the caller syncs and
 * names the file). Returns 0 with *sum, or -1 with a sentence in why. */
int backup_write(int fd, const char *passphrase, size_t len, const struct backup_source *src,
                 struct backup_summary *sum, char *why, size_t why_size);

/* True when fd's first bytes (read at offset 0) are the magic. */
bool backup_is_encrypted(int fd);

/* Reading: open checks the header, derives the key and reads INFO; next
 * hands out the records that follow, one at a time, in the order above. */
struct backup_reader {
    int fd;
    crypto_secretstream_xchacha20poly1305_state state;
    uint8_t *cipher, *plain; /* one record each */
    int64_t created_at;
    unsigned flags;
    enum backup_record last;
    uint64_t data_bytes;
};

/* 0, or -1 with why: not a backup, a header out of bounds, or a wrong
 * passphrase (which cannot be told from a damaged first record). Either
 * way backup_reader_close follows. */
int backup_reader_open(struct backup_reader *r, int fd, const char *passphrase, size_t len,
                       char *why, size_t why_size);
/* 1 with the next record (data valid until the next call); 0 once END was
 * read, checked, and the file ends there; -1 with why. */
int backup_reader_next(struct backup_reader *r, enum backup_record *kind, const uint8_t **data,
                       size_t *len, char *why, size_t why_size);
void backup_reader_close(struct backup_reader *r);

#endif
