/* bundle.c - see bundle.h. */
#include "bundle.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUNDLE_MAGIC         "FOLIOBND"
#define BUNDLE_TRAILER_MAGIC "FOLIOSIG"
#define BUNDLE_MAGIC_LEN     8
#define BUNDLE_PREAMBLE_LEN  (BUNDLE_MAGIC_LEN + 4)
#define BUNDLE_TRAILER_LEN   (BUNDLE_MAGIC_LEN + BUNDLE_DIGEST_BYTES + crypto_sign_BYTES)
/* Large enough that writes and reads are few, small enough to not matter. */
#define BUNDLE_IO_CHUNK (64u * 1024u)

static void put_u32(uint8_t out[4], uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

static uint32_t get_u32(const uint8_t in[4])
{
    return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | (uint32_t)in[3];
}

static void say(char *why, size_t why_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(char *why, size_t why_size, const char *fmt, ...)
{
    if (why == NULL || why_size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_size, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------- writing */

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int writer_flush(struct bundle_writer *w)
{
    int err = write_all(w->fd, w->buf, w->len);
    w->len = 0;
    return err;
}

/* Every byte goes through here, so the digest covers exactly what was
 * written before the trailer. */
static int writer_emit(struct bundle_writer *w, const uint8_t *p, size_t n)
{
    crypto_generichash_update(&w->digest, p, n);
    while (n > 0) {
        if (w->len == w->cap) {
            int err = writer_flush(w);
            if (err != 0)
                return err;
        }
        size_t k = w->cap - w->len < n ? w->cap - w->len : n;
        memcpy(w->buf + w->len, p, k);
        w->len += k;
        p += k;
        n -= k;
    }
    return 0;
}

void bundle_writer_abandon(struct bundle_writer *w)
{
    free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}

int bundle_writer_add(struct bundle_writer *w, const Folio__BundleRecord *record)
{
    size_t size = folio__bundle_record__get_packed_size(record);
    if (size == 0 || size > BUNDLE_RECORD_MAX)
        return EMSGSIZE;
    uint8_t len[4];
    put_u32(len, (uint32_t)size);
    int err = writer_emit(w, len, sizeof(len));
    if (err != 0)
        return err;
    if (w->cap - w->len >= size) {
        /* Packed in place and hashed there: no copy for the common record. */
        folio__bundle_record__pack(record, w->buf + w->len);
        crypto_generichash_update(&w->digest, w->buf + w->len, size);
        w->len += size;
    } else {
        uint8_t *tmp = malloc(size);
        if (tmp == NULL)
            return ENOMEM;
        folio__bundle_record__pack(record, tmp);
        err = writer_emit(w, tmp, size);
        free(tmp);
        if (err != 0)
            return err;
    }
    w->records++;
    return 0;
}

int bundle_writer_open(struct bundle_writer *w, int fd, const Folio__BundleHeader *header)
{
    memset(w, 0, sizeof(*w));
    w->fd = fd;
    w->buf = malloc(BUNDLE_IO_CHUNK);
    if (w->buf == NULL)
        return ENOMEM;
    w->cap = BUNDLE_IO_CHUNK;
    crypto_generichash_init(&w->digest, NULL, 0, BUNDLE_DIGEST_BYTES);

    uint8_t preamble[BUNDLE_PREAMBLE_LEN];
    memcpy(preamble, BUNDLE_MAGIC, BUNDLE_MAGIC_LEN);
    put_u32(preamble + BUNDLE_MAGIC_LEN, BUNDLE_VERSION);
    int err = writer_emit(w, preamble, sizeof(preamble));
    if (err == 0) {
        /* The header states the version the writer speaks, whatever the
         * caller left in it. */
        Folio__BundleHeader versioned = *header;
        versioned.format_version = BUNDLE_VERSION;
        Folio__BundleRecord rec = FOLIO__BUNDLE_RECORD__INIT;
        rec.item_case = FOLIO__BUNDLE_RECORD__ITEM_HEADER;
        rec.header = &versioned;
        err = bundle_writer_add(w, &rec);
    }
    if (err != 0)
        bundle_writer_abandon(w);
    return err;
}

int bundle_writer_finish(struct bundle_writer *w,
                         const uint8_t secret_key[crypto_sign_SECRETKEYBYTES])
{
    Folio__BundleEnd end = FOLIO__BUNDLE_END__INIT;
    end.records = w->records;
    Folio__BundleRecord rec = FOLIO__BUNDLE_RECORD__INIT;
    rec.item_case = FOLIO__BUNDLE_RECORD__ITEM_END;
    rec.end = &end;
    int err = bundle_writer_add(w, &rec);
    if (err == 0) {
        uint8_t trailer[BUNDLE_TRAILER_LEN];
        uint8_t *digest = trailer + BUNDLE_MAGIC_LEN;
        memcpy(trailer, BUNDLE_TRAILER_MAGIC, BUNDLE_MAGIC_LEN);
        crypto_generichash_final(&w->digest, digest, BUNDLE_DIGEST_BYTES);
        crypto_sign_detached(digest + BUNDLE_DIGEST_BYTES, NULL, digest, BUNDLE_DIGEST_BYTES,
                             secret_key);
        /* The trailer is not part of what it signs: straight into the buffer. */
        if (w->cap - w->len < sizeof(trailer))
            err = writer_flush(w);
        if (err == 0) {
            memcpy(w->buf + w->len, trailer, sizeof(trailer));
            w->len += sizeof(trailer);
            err = writer_flush(w);
        }
    }
    bundle_writer_abandon(w);
    return err;
}

/* ---------------------------------------------------------------- reading */

/* Makes n bytes at r->buf + r->pos available. 0 when they are, 1 when the
 * file ends first, -1 on a read error (errno). n is at most
 * BUNDLE_RECORD_MAX + a little, so the buffer stays bounded. */
static int reader_fill(struct bundle_reader *r, size_t n)
{
    if (r->len - r->pos >= n)
        return 0;
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->cap < n) {
        size_t cap = n < r->first_cap ? r->first_cap : n;
        uint8_t *grown = realloc(r->buf, cap);
        if (grown == NULL) {
            errno = ENOMEM;
            return -1;
        }
        r->buf = grown;
        r->cap = cap;
    }
    while (r->len < n) {
        ssize_t k = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (k == 0)
            return 1;
        r->len += (size_t)k;
    }
    return 0;
}

static const uint8_t *reader_take(struct bundle_reader *r, size_t n)
{
    const uint8_t *p = r->buf + r->pos;
    r->pos += n;
    r->offset += n;
    return p;
}

/* Reads n bytes for the reason `what`; NULL and why when they are missing. */
static const uint8_t *reader_need(struct bundle_reader *r, size_t n, const char *what, char *why,
                                  size_t why_size)
{
    int rc = reader_fill(r, n);
    if (rc < 0) {
        say(why, why_size, "cannot read the bundle: %s", strerror(errno));
        return NULL;
    }
    if (rc > 0) {
        say(why, why_size,
            "the bundle is cut short: it ends at byte %" PRIu64 " inside %s; "
            "the file is incomplete",
            r->offset + (r->len - r->pos), what);
        return NULL;
    }
    return reader_take(r, n);
}

static int reader_start(struct bundle_reader *r, int fd, crypto_generichash_state *digest,
                        char *why, size_t why_size)
{
    memset(r, 0, sizeof(*r));
    r->fd = fd;
    /* A file smaller than a chunk gets a buffer of its size: one read takes
     * it whole, in no more memory than it needs. */
    struct stat st;
    r->first_cap = BUNDLE_IO_CHUNK;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
        (uint64_t)st.st_size < BUNDLE_IO_CHUNK)
        r->first_cap = st.st_size > BUNDLE_PREAMBLE_LEN ? (size_t)st.st_size : BUNDLE_PREAMBLE_LEN;
    if (lseek(fd, 0, SEEK_SET) < 0) {
        say(why, why_size, "cannot read the bundle from the start: %s", strerror(errno));
        return -1;
    }
    const uint8_t *p = reader_need(r, BUNDLE_PREAMBLE_LEN, "the opening magic", why, why_size);
    if (p == NULL)
        return -1;
    if (memcmp(p, BUNDLE_MAGIC, BUNDLE_MAGIC_LEN) != 0) {
        say(why, why_size, "this is not a folio bundle (it does not start with %s)", BUNDLE_MAGIC);
        return -1;
    }
    uint32_t version = get_u32(p + BUNDLE_MAGIC_LEN);
    if (version != BUNDLE_VERSION) {
        say(why, why_size,
            "this bundle has format version %" PRIu32 " and this folio reads version %d only",
            version, BUNDLE_VERSION);
        return -1;
    }
    if (digest != NULL)
        crypto_generichash_update(digest, p, BUNDLE_PREAMBLE_LEN);
    return 0;
}

/* Reads one framed record (not decoded): its bytes and length, or NULL. */
static const uint8_t *reader_record(struct bundle_reader *r, uint64_t index, size_t *size,
                                    crypto_generichash_state *digest, char *why, size_t why_size)
{
    const uint8_t *p = reader_need(r, 4, "a record length", why, why_size);
    if (p == NULL)
        return NULL;
    uint32_t len = get_u32(p);
    if (digest != NULL)
        crypto_generichash_update(digest, p, 4);
    /* Checked before anything is read or allocated for it. */
    if (len == 0 || len > BUNDLE_RECORD_MAX) {
        say(why, why_size,
            "record %" PRIu64 " at byte %" PRIu64 " claims %" PRIu32
            " bytes; a record holds 1 to %u bytes",
            index + 1, r->offset - 4, len, BUNDLE_RECORD_MAX);
        return NULL;
    }
    p = reader_need(r, len, "a record", why, why_size);
    if (p == NULL)
        return NULL;
    if (digest != NULL)
        crypto_generichash_update(digest, p, len);
    *size = len;
    return p;
}

static const char *record_kind(Folio__BundleRecord__ItemCase c)
{
    switch (c) {
    case FOLIO__BUNDLE_RECORD__ITEM_HEADER:
        return "header";
    case FOLIO__BUNDLE_RECORD__ITEM_CLIENT:
        return "client";
    case FOLIO__BUNDLE_RECORD__ITEM_EVENT:
        return "event";
    case FOLIO__BUNDLE_RECORD__ITEM_OFFER:
        return "offer";
    case FOLIO__BUNDLE_RECORD__ITEM_COUPON:
        return "coupon";
    case FOLIO__BUNDLE_RECORD__ITEM_HOLDING:
        return "holding";
    case FOLIO__BUNDLE_RECORD__ITEM_CARD:
        return "card";
    case FOLIO__BUNDLE_RECORD__ITEM_AGENDA_STATE:
        return "agenda mark";
    case FOLIO__BUNDLE_RECORD__ITEM_TASK:
        return "task";
    case FOLIO__BUNDLE_RECORD__ITEM_END:
        return "end";
    default:
        return "unknown";
    }
}

struct bundle_counts {
    uint64_t clients, events, offers, coupons, holdings, cards, agenda_states, tasks;
};

/* Checks one decoded record's place in the sequence. */
static int verify_record(const Folio__BundleRecord *rec, uint64_t index,
                         struct bundle_counts *counts, char *why, size_t why_size)
{
    if (index == 0) {
        if (rec->item_case != FOLIO__BUNDLE_RECORD__ITEM_HEADER || rec->header == NULL) {
            say(why, why_size, "the bundle does not start with a header (found %s)",
                record_kind(rec->item_case));
            return -1;
        }
        const Folio__BundleHeader *h = rec->header;
        if (h->format_version != BUNDLE_VERSION) {
            say(why, why_size,
                "the header says format version %" PRIu32 " and this folio reads version %d only",
                h->format_version, BUNDLE_VERSION);
            return -1;
        }
        if (h->public_key.len != crypto_sign_PUBLICKEYBYTES) {
            say(why, why_size, "the header's public key has %zu bytes instead of %d",
                h->public_key.len, crypto_sign_PUBLICKEYBYTES);
            return -1;
        }
        return 0;
    }
    switch (rec->item_case) {
    case FOLIO__BUNDLE_RECORD__ITEM_CLIENT:
        counts->clients++;
        return 0;
    case FOLIO__BUNDLE_RECORD__ITEM_EVENT:
        counts->events++;
        return 0;
    case FOLIO__BUNDLE_RECORD__ITEM_OFFER:
        counts->offers++;
        return 0;
    case FOLIO__BUNDLE_RECORD__ITEM_COUPON:
        counts->coupons++;
        return 0;
    case FOLIO__BUNDLE_RECORD__ITEM_HOLDING:
        counts->holdings++;
        return 0;
    case FOLIO__BUNDLE_RECORD__ITEM_AGENDA_STATE:
        counts->agenda_states++;
        return 0;
    case FOLIO__BUNDLE_RECORD__ITEM_TASK:
        counts->tasks++;
        return 0;
    case FOLIO__BUNDLE_RECORD__ITEM_CARD:
        if (++counts->cards > 1) {
            say(why, why_size, "the bundle holds more than one agent card");
            return -1;
        }
        return 0;
    case FOLIO__BUNDLE_RECORD__ITEM_END:
        if (rec->end == NULL || rec->end->records != index) {
            say(why, why_size,
                "the end record counts %" PRIu64 " records but %" PRIu64 " came before it",
                rec->end != NULL ? rec->end->records : 0, index);
            return -1;
        }
        return 0;
    case FOLIO__BUNDLE_RECORD__ITEM_HEADER:
        say(why, why_size, "record %" PRIu64 " is a second header", index + 1);
        return -1;
    default:
        say(why, why_size, "record %" PRIu64 " holds nothing this folio knows", index + 1);
        return -1;
    }
}

static int verify_counts(const Folio__BundleHeader *h, const struct bundle_counts *c, char *why,
                         size_t why_size)
{
    const struct {
        const char *what;
        uint64_t announced, found;
    } rows[] = {{"clients", h->clients, c->clients},
                {"events", h->events, c->events},
                {"offers", h->offers, c->offers},
                {"coupons", h->coupons, c->coupons},
                {"holdings", h->holdings, c->holdings},
                {"agenda marks", h->agenda_states, c->agenda_states},
                {"tasks", h->tasks, c->tasks}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (rows[i].announced != rows[i].found) {
            say(why, why_size, "the header announces %" PRIu64 " %s but the bundle holds %" PRIu64,
                rows[i].announced, rows[i].what, rows[i].found);
            return -1;
        }
    }
    return 0;
}

static int verify_trailer(struct bundle_reader *r, crypto_generichash_state *digest,
                          const Folio__BundleHeader *h, char *why, size_t why_size)
{
    const uint8_t *p = reader_need(r, BUNDLE_TRAILER_LEN, "the signature trailer", why, why_size);
    if (p == NULL)
        return -1;
    if (memcmp(p, BUNDLE_TRAILER_MAGIC, BUNDLE_MAGIC_LEN) != 0) {
        say(why, why_size, "the signature trailer is missing after the end record");
        return -1;
    }
    uint8_t computed[BUNDLE_DIGEST_BYTES];
    crypto_generichash_final(digest, computed, sizeof(computed));
    const uint8_t *digest_in = p + BUNDLE_MAGIC_LEN;
    if (sodium_memcmp(computed, digest_in, BUNDLE_DIGEST_BYTES) != 0) {
        say(why, why_size,
            "the digest does not match the content: the bundle was changed after it was signed");
        return -1;
    }
    if (crypto_sign_verify_detached(digest_in + BUNDLE_DIGEST_BYTES, digest_in, BUNDLE_DIGEST_BYTES,
                                    h->public_key.data) != 0) {
        say(why, why_size, "the signature does not match the firm key in the header");
        return -1;
    }
    int rc = reader_fill(r, 1);
    if (rc < 0) {
        say(why, why_size, "cannot read the bundle: %s", strerror(errno));
        return -1;
    }
    if (rc == 0) {
        say(why, why_size, "unexpected bytes after the signature at byte %" PRIu64, r->offset);
        return -1;
    }
    return 0;
}

int bundle_verify(int fd, struct arena *arena, Folio__BundleHeader **header, char *why,
                  size_t why_size)
{
    struct bundle_reader r;
    crypto_generichash_state digest;
    crypto_generichash_init(&digest, NULL, 0, BUNDLE_DIGEST_BYTES);
    struct bundle_counts counts = {0};
    Folio__BundleHeader *h = NULL;
    int result = -1;

    if (reader_start(&r, fd, &digest, why, why_size) != 0)
        goto out;
    for (uint64_t index = 0;; index++) {
        size_t size;
        const uint8_t *p = reader_record(&r, index, &size, &digest, why, why_size);
        if (p == NULL)
            goto out;
        /* The header lives on in the caller's arena; the rest is checked and
         * dropped at once so memory stays one record deep. */
        Folio__BundleRecord *rec =
            folio__bundle_record__unpack(index == 0 ? &arena->allocator : NULL, size, p);
        if (rec == NULL) {
            say(why, why_size, "record %" PRIu64 " at byte %" PRIu64 " cannot be decoded",
                index + 1, r.offset - size - 4);
            goto out;
        }
        int rc = verify_record(rec, index, &counts, why, why_size);
        bool end = rec->item_case == FOLIO__BUNDLE_RECORD__ITEM_END;
        if (index == 0)
            h = rec->header;
        else
            folio__bundle_record__free_unpacked(rec, NULL);
        if (rc != 0)
            goto out;
        if (end)
            break;
    }
    if (verify_counts(h, &counts, why, why_size) != 0)
        goto out;
    if (verify_trailer(&r, &digest, h, why, why_size) != 0)
        goto out;
    *header = h;
    result = 0;
out:
    bundle_reader_close(&r);
    return result;
}

int bundle_reader_open(struct bundle_reader *r, int fd, char *why, size_t why_size)
{
    if (reader_start(r, fd, NULL, why, why_size) != 0) {
        bundle_reader_close(r);
        return -1;
    }
    return 0;
}

int bundle_reader_next(struct bundle_reader *r, struct arena *arena, Folio__BundleRecord **out,
                       char *why, size_t why_size)
{
    if (r->done)
        return 0;
    size_t size;
    const uint8_t *p = reader_record(r, 0, &size, NULL, why, why_size);
    if (p == NULL)
        return -1;
    Folio__BundleRecord *rec = folio__bundle_record__unpack(&arena->allocator, size, p);
    if (rec == NULL) {
        say(why, why_size, "a record at byte %" PRIu64 " cannot be decoded", r->offset - size - 4);
        return -1;
    }
    if (rec->item_case == FOLIO__BUNDLE_RECORD__ITEM_END) {
        r->done = true;
        return 0;
    }
    *out = rec;
    return 1;
}

int bundle_reader_seek(struct bundle_reader *r, uint64_t offset)
{
    if (offset > (uint64_t)INT64_MAX || lseek(r->fd, (off_t)offset, SEEK_SET) < 0)
        return -1;
    r->len = r->pos = 0;
    r->offset = offset;
    r->done = false;
    return 0;
}

void bundle_reader_close(struct bundle_reader *r)
{
    free(r->buf);
    r->buf = NULL;
    r->len = r->pos = r->cap = 0;
}

void bundle_fingerprint(const uint8_t public_key[crypto_sign_PUBLICKEYBYTES],
                        char out[BUNDLE_FINGERPRINT_MAX])
{
    /* 16 bytes shown as 8 groups of 4 hex digits: short enough to read
     * aloud over the phone, long enough to compare. */
    uint8_t hash[16];
    crypto_generichash(hash, sizeof(hash), public_key, crypto_sign_PUBLICKEYBYTES, NULL, 0);
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < sizeof(hash); i++) {
        if (i > 0 && i % 2 == 0)
            out[o++] = ' ';
        out[o++] = hex[hash[i] >> 4];
        out[o++] = hex[hash[i] & 15];
    }
    out[o] = '\0';
}
