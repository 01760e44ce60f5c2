/* backup_file.c - see backup_file.h. */
#define _GNU_SOURCE /* pipe2 */
#include "backup_file.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

#define BACKUP_ALG        crypto_pwhash_ALG_ARGON2ID13
#define BACKUP_OPSLIMIT   crypto_pwhash_OPSLIMIT_INTERACTIVE
#define BACKUP_MEMLIMIT   crypto_pwhash_MEMLIMIT_INTERACTIVE
#define BACKUP_CIPHER_MAX (BACKUP_RECORD_MAX + crypto_secretstream_xchacha20poly1305_ABYTES)
#define BACKUP_INFO_SIZE  9

_Static_assert(BACKUP_HEADER_SIZE == 48 + crypto_secretstream_xchacha20poly1305_HEADERBYTES,
               "the header's layout");
_Static_assert(crypto_pwhash_SALTBYTES == 16, "the header's salt");

static void backup_put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void backup_put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t backup_get_u32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t backup_get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* Reads up to n bytes, fewer only at the end of the file; -1 on error. */
static ssize_t backup_read_full(int fd, uint8_t *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t k = read(fd, buf + done, n - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        done += (size_t)k;
    }
    return (ssize_t)done;
}

static int backup_write_full(int fd, const uint8_t *buf, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, buf, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return errno;
        buf += k;
        n -= (size_t)k;
    }
    return 0;
}

const char *backup_passphrase_check(const char *passphrase, size_t len)
{
    if (len < BACKUP_PASSPHRASE_MIN)
        return "the passphrase must be at least 12 bytes long";
    if (len > BACKUP_PASSPHRASE_MAX)
        return "the passphrase must be at most 1024 bytes long";
    if (memchr(passphrase, '\0', len) != NULL)
        return "the passphrase cannot hold a NUL byte";
    return NULL;
}

static int backup_key(uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES],
                      const char *passphrase, size_t len, const uint8_t *salt, uint64_t ops,
                      uint64_t mem)
{
    return crypto_pwhash(key, crypto_secretstream_xchacha20poly1305_KEYBYTES, passphrase, len, salt,
                         (unsigned long long)ops, (size_t)mem, BACKUP_ALG);
}

/* ---------------------------------------------------------------- writing */

struct backup_writer {
    int fd;
    crypto_secretstream_xchacha20poly1305_state state;
    uint8_t *plain;  /* [0] the kind, then the payload */
    uint8_t *cipher; /* the length, then the message */
    uint64_t bytes;
};

/* Encrypts plain[0..1+len) as one record and appends it; 0 or errno. */
static int backup_push(struct backup_writer *w, enum backup_record kind, size_t len,
                       const uint8_t *ad, size_t ad_len)
{
    w->plain[0] = (uint8_t)kind;
    uint8_t tag = kind == BACKUP_RECORD_END ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                            : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    unsigned long long clen;
    crypto_secretstream_xchacha20poly1305_push(&w->state, w->cipher + 4, &clen, w->plain, 1 + len,
                                               ad, ad_len, tag);
    backup_put_u32(w->cipher, (uint32_t)clen);
    w->bytes += 4 + clen;
    return backup_write_full(w->fd, w->cipher, 4 + (size_t)clen);
}

/* Opens path for reading, or -1 with errno (ENOENT: leave it out). */
static int backup_open_source(const char *path)
{
    return path == NULL ? (errno = ENOENT, -1) : open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

/* Reads a small file whole into plain+1 and pushes it; max bytes at most. */
static int backup_push_file(struct backup_writer *w, enum backup_record kind, int fd,
                            const char *path, size_t min, size_t max, char *why, size_t why_size)
{
    ssize_t n = backup_read_full(fd, w->plain + 1, max + 1);
    if (n < 0) {
        snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    if ((size_t)n < min || (size_t)n > max) {
        snprintf(why, why_size, "%s is not what it should be (%zd bytes)", path, n);
        return -1;
    }
    int rc = backup_push(w, kind, (size_t)n, NULL, 0);
    sodium_memzero(w->plain, (size_t)n + 1);
    if (rc != 0) {
        snprintf(why, why_size, "cannot write the backup: %s", strerror(rc));
        return -1;
    }
    return 0;
}

struct backup_copy {
    const struct backup_source *src;
    int fd;
    int rc;
};

static void *backup_copy_thread(void *arg)
{
    struct backup_copy *copy = arg;
    copy->rc = copy->src->copy_data(copy->src->ctx, copy->fd);
    close(copy->fd);
    return NULL;
}

/* Streams the database through a pipe into DATA records. */
static int backup_push_data(struct backup_writer *w, const struct backup_source *src,
                            uint64_t *data_bytes, char *why, size_t why_size)
{
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) != 0) {
        snprintf(why, why_size, "cannot make a pipe: %s", strerror(errno));
        return -1;
    }
    struct backup_copy copy = {src, ends[1], 0};
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, backup_copy_thread, &copy);
    if (rc != 0) {
        close(ends[0]);
        close(ends[1]);
        snprintf(why, why_size, "cannot start the copy: %s", strerror(rc));
        return -1;
    }
    int read_err = 0, write_err = 0;
    for (;;) {
        ssize_t n = backup_read_full(ends[0], w->plain + 1, BACKUP_DATA_CHUNK);
        if (n < 0) {
            read_err = errno;
            break;
        }
        if (n == 0)
            break;
        *data_bytes += (uint64_t)n;
        if ((write_err = backup_push(w, BACKUP_RECORD_DATA, (size_t)n, NULL, 0)) != 0)
            break;
        if ((size_t)n < BACKUP_DATA_CHUNK)
            break;
    }
    /* Closing the reading end stops a copy whose bytes are no longer read. */
    close(ends[0]);
    pthread_join(thread, NULL);
    if (write_err != 0)
        snprintf(why, why_size, "cannot write the backup: %s", strerror(write_err));
    else if (copy.rc != 0)
        snprintf(why, why_size, "cannot copy the database: %s", store_strerror(copy.rc));
    else if (read_err != 0)
        snprintf(why, why_size, "cannot read the database copy: %s", strerror(read_err));
    else if (*data_bytes == 0)
        snprintf(why, why_size, "the database copy is empty");
    else
        return 0;
    return -1;
}

/* Opens the sources, so that INFO can say which records follow. */
static int backup_open_sources(const struct backup_source *src, int fds[3], char *why,
                               size_t why_size)
{
    const char *paths[3] = {src->firm_key_path, src->tls_cert_path, src->tls_key_path};
    for (int i = 0; i < 3; i++) {
        if ((fds[i] = backup_open_source(paths[i])) < 0 && errno != ENOENT) {
            snprintf(why, why_size, "cannot read %s: %s", paths[i], strerror(errno));
            return -1;
        }
    }
    if ((fds[1] < 0) != (fds[2] < 0)) {
        snprintf(why, why_size, "%s is missing: the TLS certificate and its key go together",
                 fds[1] < 0 ? paths[1] : paths[2]);
        return -1;
    }
    return 0;
}

static int backup_write_records(struct backup_writer *w, const uint8_t *header,
                                const struct backup_source *src, const int fds[3],
                                struct backup_summary *sum, char *why, size_t why_size)
{
    sum->firm_key = fds[0] >= 0;
    sum->tls = fds[1] >= 0;
    int rc = backup_write_full(w->fd, header, BACKUP_HEADER_SIZE);
    w->bytes = BACKUP_HEADER_SIZE;
    backup_put_u64(w->plain + 1, (uint64_t)src->created_at);
    w->plain[9] =
        (uint8_t)((sum->firm_key ? BACKUP_HAS_FIRM_KEY : 0) | (sum->tls ? BACKUP_HAS_TLS : 0));
    if (rc == 0)
        rc = backup_push(w, BACKUP_RECORD_INFO, BACKUP_INFO_SIZE, header, BACKUP_HEADER_SIZE);
    if (rc != 0) {
        snprintf(why, why_size, "cannot write the backup: %s", strerror(rc));
        return -1;
    }
    if (sum->firm_key && backup_push_file(w, BACKUP_RECORD_FIRM_KEY, fds[0], src->firm_key_path,
                                          crypto_sign_SECRETKEYBYTES, crypto_sign_SECRETKEYBYTES,
                                          why, why_size) != 0)
        return -1;
    if (sum->tls && (backup_push_file(w, BACKUP_RECORD_TLS_CERT, fds[1], src->tls_cert_path, 1,
                                      BACKUP_PEM_MAX, why, why_size) != 0 ||
                     backup_push_file(w, BACKUP_RECORD_TLS_KEY, fds[2], src->tls_key_path, 1,
                                      BACKUP_PEM_MAX, why, why_size) != 0))
        return -1;
    sum->data_bytes = 0;
    if (backup_push_data(w, src, &sum->data_bytes, why, why_size) != 0)
        return -1;
    backup_put_u64(w->plain + 1, sum->data_bytes);
    if ((rc = backup_push(w, BACKUP_RECORD_END, 8, NULL, 0)) != 0) {
        snprintf(why, why_size, "cannot write the backup: %s", strerror(rc));
        return -1;
    }
    sum->file_bytes = w->bytes;
    return 0;
}

/* The header, and the stream's key derived from the passphrase. */
static int backup_start(struct backup_writer *w, uint8_t *header, const char *passphrase,
                        size_t len, char *why, size_t why_size)
{
    uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    memcpy(header, BACKUP_MAGIC, BACKUP_MAGIC_SIZE);
    backup_put_u32(header + 8, BACKUP_VERSION);
    backup_put_u32(header + 12, BACKUP_ALG);
    backup_put_u64(header + 16, BACKUP_OPSLIMIT);
    backup_put_u64(header + 24, BACKUP_MEMLIMIT);
    randombytes_buf(header + 32, crypto_pwhash_SALTBYTES);
    if (backup_key(key, passphrase, len, header + 32, BACKUP_OPSLIMIT, BACKUP_MEMLIMIT) != 0) {
        snprintf(why, why_size, "cannot derive the key from the passphrase: out of memory");
        return -1;
    }
    crypto_secretstream_xchacha20poly1305_init_push(&w->state, header + 48, key);
    sodium_memzero(key, sizeof(key));
    return 0;
}

int backup_write(int fd, const char *passphrase, size_t len, const struct backup_source *src,
                 struct backup_summary *sum, char *why, size_t why_size)
{
    memset(sum, 0, sizeof(*sum));
    struct backup_writer w = {.fd = fd};
    uint8_t header[BACKUP_HEADER_SIZE];
    int fds[3] = {-1, -1, -1};
    int rc = -1;
    w.plain = malloc(BACKUP_RECORD_MAX + 1);
    w.cipher = malloc(4 + BACKUP_CIPHER_MAX);
    if (w.plain == NULL || w.cipher == NULL)
        snprintf(why, why_size, "out of memory");
    else if (backup_open_sources(src, fds, why, why_size) == 0 &&
             backup_start(&w, header, passphrase, len, why, why_size) == 0)
        rc = backup_write_records(&w, header, src, fds, sum, why, why_size);
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    sodium_memzero(&w.state, sizeof(w.state));
    free(w.plain);
    free(w.cipher);
    return rc;
}

/* ---------------------------------------------------------------- reading */

bool backup_is_encrypted(int fd)
{
    uint8_t magic[BACKUP_MAGIC_SIZE];
    ssize_t n;
    do
        n = pread(fd, magic, sizeof(magic), 0);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof(magic) && memcmp(magic, BACKUP_MAGIC, BACKUP_MAGIC_SIZE) == 0;
}

/* Checks the header's fields before anything is spent on them. */
static int backup_header_check(const uint8_t *header, char *why, size_t why_size)
{
    uint32_t version = backup_get_u32(header + 8), alg = backup_get_u32(header + 12);
    uint64_t ops = backup_get_u64(header + 16), mem = backup_get_u64(header + 24);
    if (memcmp(header, BACKUP_MAGIC, BACKUP_MAGIC_SIZE) != 0)
        snprintf(why, why_size, "not an encrypted folio backup");
    else if (version != BACKUP_VERSION)
        snprintf(why, why_size, "a backup of format %u, which this foliod does not read",
                 (unsigned)version);
    else if (alg != BACKUP_ALG)
        snprintf(why, why_size, "its passphrase hash is not argon2id");
    else if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > crypto_pwhash_OPSLIMIT_SENSITIVE ||
             mem < crypto_pwhash_MEMLIMIT_MIN || mem > crypto_pwhash_MEMLIMIT_SENSITIVE)
        snprintf(why, why_size, "its argon2id limits are out of bounds (damaged?)");
    else
        return 0;
    return -1;
}

/* Reads and decrypts the next record into r->plain: its length, 0 at the
 * end of the file, or -1 with why. *tag is the stream's tag. */
static ssize_t backup_pull(struct backup_reader *r, const uint8_t *ad, size_t ad_len, uint8_t *tag,
                           char *why, size_t why_size)
{
    uint8_t prefix[4];
    ssize_t n = backup_read_full(r->fd, prefix, sizeof(prefix));
    if (n == 0)
        return 0;
    if (n < 0 || (n > 0 && n < 4)) {
        snprintf(why, why_size, "%s", n < 0 ? strerror(errno) : "the file is cut short");
        return -1;
    }
    uint32_t clen = backup_get_u32(prefix);
    if (clen <= crypto_secretstream_xchacha20poly1305_ABYTES || clen > BACKUP_CIPHER_MAX) {
        snprintf(why, why_size, "the file is damaged (a record of %u bytes)", (unsigned)clen);
        return -1;
    }
    if ((n = backup_read_full(r->fd, r->cipher, clen)) != (ssize_t)clen) {
        snprintf(why, why_size, "%s", n < 0 ? strerror(errno) : "the file is cut short");
        return -1;
    }
    unsigned long long plen;
    if (crypto_secretstream_xchacha20poly1305_pull(&r->state, r->plain, &plen, tag, r->cipher, clen,
                                                   ad, ad_len) != 0) {
        snprintf(why, why_size, "the file is damaged or was changed");
        return -1;
    }
    return (ssize_t)plen;
}

int backup_reader_open(struct backup_reader *r, int fd, const char *passphrase, size_t len,
                       char *why, size_t why_size)
{
    memset(r, 0, sizeof(*r));
    r->fd = fd;
    uint8_t header[BACKUP_HEADER_SIZE];
    ssize_t n = backup_read_full(fd, header, sizeof(header));
    if (n < 0) {
        snprintf(why, why_size, "%s", strerror(errno));
        return -1;
    }
    if (n < (ssize_t)sizeof(header)) {
        snprintf(why, why_size, "not an encrypted folio backup (too short)");
        return -1;
    }
    if (backup_header_check(header, why, why_size) != 0)
        return -1;
    r->cipher = malloc(BACKUP_CIPHER_MAX);
    r->plain = malloc(BACKUP_RECORD_MAX);
    uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    if (r->cipher == NULL || r->plain == NULL ||
        backup_key(key, passphrase, len, header + 32, backup_get_u64(header + 16),
                   backup_get_u64(header + 24)) != 0) {
        snprintf(why, why_size, "cannot derive the key from the passphrase: out of memory");
        return -1;
    }
    int rc = crypto_secretstream_xchacha20poly1305_init_pull(&r->state, header + 48, key);
    sodium_memzero(key, sizeof(key));
    uint8_t tag;
    ssize_t plen = rc != 0 ? -1 : backup_pull(r, header, sizeof(header), &tag, why, why_size);
    if (plen != BACKUP_INFO_SIZE + 1 || r->plain[0] != BACKUP_RECORD_INFO ||
        tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
        snprintf(why, why_size,
                 "the passphrase is wrong, or the file is damaged (its first record does not "
                 "decrypt)");
        return -1;
    }
    r->created_at = (int64_t)backup_get_u64(r->plain + 1);
    r->flags = r->plain[9];
    r->last = BACKUP_RECORD_INFO;
    return 0;
}

/* May kind follow what was read? */
static bool backup_in_order(const struct backup_reader *r, enum backup_record kind)
{
    bool key = r->flags & BACKUP_HAS_FIRM_KEY, tls = r->flags & BACKUP_HAS_TLS;
    enum backup_record before_data = tls   ? BACKUP_RECORD_TLS_KEY
                                     : key ? BACKUP_RECORD_FIRM_KEY
                                           : BACKUP_RECORD_INFO;
    switch (kind) {
    case BACKUP_RECORD_FIRM_KEY:
        return key && r->last == BACKUP_RECORD_INFO;
    case BACKUP_RECORD_TLS_CERT:
        return tls && r->last == (key ? BACKUP_RECORD_FIRM_KEY : BACKUP_RECORD_INFO);
    case BACKUP_RECORD_TLS_KEY:
        return r->last == BACKUP_RECORD_TLS_CERT;
    case BACKUP_RECORD_DATA:
    case BACKUP_RECORD_END:
        return r->last == BACKUP_RECORD_DATA || r->last == before_data;
    case BACKUP_RECORD_INFO:
        break;
    }
    return false;
}

/* Is a payload of len bytes right for kind? */
static bool backup_size_ok(const struct backup_reader *r, enum backup_record kind, size_t len)
{
    switch (kind) {
    case BACKUP_RECORD_FIRM_KEY:
        return len == crypto_sign_SECRETKEYBYTES;
    case BACKUP_RECORD_TLS_CERT:
    case BACKUP_RECORD_TLS_KEY:
        return len >= 1 && len <= BACKUP_PEM_MAX;
    case BACKUP_RECORD_DATA:
        return len >= 1 && len <= BACKUP_DATA_CHUNK;
    case BACKUP_RECORD_END:
        return len == 8 && r->data_bytes > 0 && backup_get_u64(r->plain + 1) == r->data_bytes;
    case BACKUP_RECORD_INFO:
        break;
    }
    return false;
}

int backup_reader_next(struct backup_reader *r, enum backup_record *kind, const uint8_t **data,
                       size_t *len, char *why, size_t why_size)
{
    uint8_t tag;
    ssize_t n = backup_pull(r, NULL, 0, &tag, why, why_size);
    if (n == 0 && r->last == BACKUP_RECORD_END)
        return 0;
    if (n < 0)
        return -1;
    if (r->last == BACKUP_RECORD_END) {
        snprintf(why, why_size, "the file goes on after its end");
        return -1;
    }
    if (n == 0) {
        snprintf(why, why_size, "the file is cut short");
        return -1;
    }
    enum backup_record k = (enum backup_record)r->plain[0];
    bool final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    if (k < BACKUP_RECORD_FIRM_KEY || k > BACKUP_RECORD_END || !backup_in_order(r, k) ||
        !backup_size_ok(r, k, (size_t)n - 1) || final != (k == BACKUP_RECORD_END) ||
        (!final && tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)) {
        snprintf(why, why_size, "the file is damaged (a record out of place)");
        return -1;
    }
    if (k == BACKUP_RECORD_DATA)
        r->data_bytes += (uint64_t)n - 1;
    r->last = k;
    *kind = k;
    *data = r->plain + 1;
    *len = (size_t)n - 1;
    return 1;
}

void backup_reader_close(struct backup_reader *r)
{
    if (r->plain != NULL)
        sodium_memzero(r->plain, BACKUP_RECORD_MAX);
    sodium_memzero(&r->state, sizeof(r->state));
    free(r->plain);
    free(r->cipher);
    r->plain = r->cipher = NULL;
}
