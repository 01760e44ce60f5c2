/* fuzz_bundle.c - bundles from another firm, read from a file descriptor:
 * bundle_verify, the bundle reader, and transfer_bundle_apply, which puts a
 * verified bundle's records into the store as ImportCommit does.
 *
 * Each input is tried twice:
 *   - as it is: verified; then read record by record from the start. When
 *     verify accepts it, the reader must reach the end record without
 *     complaint, and the bundle is applied to a firm;
 *   - re-signed: its header record gets the harness's own public key and
 *     the trailer (FOLIOSIG, digest, signature) is made anew with the
 *     matching secret key, as a firm signing whatever it likes would (an
 *     import with --allow-untrusted takes such a bundle). Mutated records
 *     then get past the digest and the signature to the checks behind them.
 * A bundle is applied in a write transaction that is then aborted, so every
 * input meets the same firm. */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sodium.h>

#include "bundle.h"
#include "fuzz_support.h"
#include "fuzz_target.h"
#include "store.h"
#include "store_user.h"
#include "transfer_bundle.h"

#define FUZZ_MAGIC_LEN    8
#define FUZZ_PREAMBLE_LEN (FUZZ_MAGIC_LEN + 4)
#define FUZZ_TRAILER_LEN  (FUZZ_MAGIC_LEN + BUNDLE_DIGEST_BYTES + crypto_sign_BYTES)
#define FUZZ_WHY_SIZE     256

static struct store fuzz_store;
static uint64_t fuzz_agent_id; /* the firm-admin: bundles are applied to them */
static int fuzz_fd = -1;       /* the bundle file */
static uint8_t fuzz_public_key[crypto_sign_PUBLICKEYBYTES];
static uint8_t fuzz_secret_key[crypto_sign_SECRETKEYBYTES];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    char dir[PATH_MAX];
    if ((size_t)snprintf(dir, sizeof(dir), "%s/firm", fuzz_scratch_dir()) >= sizeof(dir))
        fuzz_fail("the scratch directory's path is too long");
    fuzz_firm_create(dir);
    int rc = store_open(&fuzz_store, dir, 0);
    if (rc != 0)
        fuzz_fail("cannot open the store: %s", store_strerror(rc));
    MDB_txn *txn;
    struct arena arena;
    arena_init(&arena, 0);
    Folio__User *admin;
    if ((rc = store_read_begin(&fuzz_store, &txn)) != 0 ||
        (rc = store_user_find(&fuzz_store, txn, FUZZ_ADMIN_NAME, &arena, &admin)) != 0)
        fuzz_fail("cannot find the firm-admin: %s", store_strerror(rc));
    fuzz_agent_id = admin->id;
    arena_free(&arena);
    store_read_end(&fuzz_store, txn);
    uint8_t seed[crypto_sign_SEEDBYTES];
    memset(seed, 0x5a, sizeof(seed));
    crypto_sign_seed_keypair(fuzz_public_key, fuzz_secret_key, seed);
    if ((fuzz_fd = memfd_create("folio-fuzz-bundle", MFD_CLOEXEC)) < 0)
        fuzz_fail("cannot make a file for the bundle: %s", strerror(errno));
    return 0;
}

static void fuzz_put_u32(uint8_t out[4], uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

static uint32_t fuzz_get_u32(const uint8_t in[4])
{
    return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | (uint32_t)in[3];
}

/* Written over the last input, then cut to size: emptying the file first
 * would hand its pages back only to have them cleared again for this one. */
static void fuzz_file_set(const uint8_t *data, size_t size)
{
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(fuzz_fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            fuzz_fail("cannot write the bundle file: %s", strerror(errno));
        done += (size_t)n;
    }
    if (ftruncate(fuzz_fd, (off_t)size) != 0)
        fuzz_fail("cannot cut the bundle file to size: %s", strerror(errno));
}

/* Reads the file from the start as an importer does after verifying it.
 * Returns 0 at the end record, -1 when the reader gave up. */
static int fuzz_read_all(void)
{
    char why[FUZZ_WHY_SIZE];
    struct bundle_reader r;
    if (bundle_reader_open(&r, fuzz_fd, why, sizeof(why)) != 0)
        return -1;
    int got;
    do {
        struct arena arena;
        arena_init(&arena, 0);
        Folio__BundleRecord *rec;
        got = bundle_reader_next(&r, &arena, &rec, why, sizeof(why));
        arena_free(&arena);
    } while (got > 0);
    bundle_reader_close(&r);
    return got;
}

static void fuzz_apply(void)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(fuzz_store.env, NULL, 0, &txn);
    if (rc != 0)
        fuzz_fail("cannot begin a write transaction: %s", store_strerror(rc));
    struct transfer_counts counts = {0};
    Folio__Code code;
    char why[FUZZ_WHY_SIZE];
    struct transfer_rules rules = {
        .agent_id = fuzz_agent_id,
        .actor = "imported from fuzz",
        .created_at = INT64_MAX / 2,
        .max_client_events = 100000,
    };
    if (transfer_bundle_check(fuzz_fd, &fuzz_store, txn, &rules, &code, why, sizeof(why)) != 0) {
        mdb_txn_abort(txn);
        return;
    }
    /* Small batches, so that reading on from where a batch ended is fuzzed
     * too; each batch starts further on, so the loop ends. */
    struct transfer_batch batch = {.offset = 0, .max_records = 3};
    uint64_t last = 0;
    do {
        last = batch.offset;
        rc = transfer_bundle_apply(&fuzz_store, txn, fuzz_fd, &rules, &batch, &counts, &code, why,
                                   sizeof(why));
        if (rc == 0 && batch.offset != 0 && batch.offset <= last)
            fuzz_fail("a batch ended where it began, at byte %llu", (unsigned long long)last);
    } while (rc == 0 && batch.offset != 0);
    mdb_txn_abort(txn);
    if (rc != 0 && rc != TRANSFER_REFUSED && rc != MDB_MAP_FULL)
        fuzz_fail("applying a verified bundle failed with a store error: %s", store_strerror(rc));
}

/* Verifies the file; when it passes, reads and applies it. */
static void fuzz_try(void)
{
    struct arena arena;
    arena_init(&arena, 0);
    Folio__BundleHeader *header = NULL;
    char why[FUZZ_WHY_SIZE] = "";
    int verified = bundle_verify(fuzz_fd, &arena, &header, why, sizeof(why));
    if (verified != 0 && why[0] == '\0')
        fuzz_fail("bundle_verify refused a bundle without saying why");
    if (verified == 0 && header == NULL)
        fuzz_fail("bundle_verify accepted a bundle without its header");
    arena_free(&arena);
    int read = fuzz_read_all();
    if (verified == 0 && read != 0)
        fuzz_fail("the reader gave up on a bundle bundle_verify accepted");
    if (verified == 0)
        fuzz_apply();
}

/* The input with the harness's key in its header and a trailer made with
 * it; NULL when the input is too short to hold a header. */
static uint8_t *fuzz_resign(const uint8_t *data, size_t size, size_t *out_size)
{
    if (size < FUZZ_PREAMBLE_LEN + 4)
        return NULL;
    uint32_t len = fuzz_get_u32(data + FUZZ_PREAMBLE_LEN);
    if (len > size - FUZZ_PREAMBLE_LEN - 4)
        return NULL;
    const uint8_t *first = data + FUZZ_PREAMBLE_LEN + 4;
    Folio__BundleRecord *rec = folio__bundle_record__unpack(NULL, len, first);
    if (rec == NULL)
        return NULL;
    bool header = rec->item_case == FOLIO__BUNDLE_RECORD__ITEM_HEADER && rec->header != NULL;
    ProtobufCBinaryData key = {0};
    if (header) {
        key = rec->header->public_key;
        rec->header->public_key.data = fuzz_public_key;
        rec->header->public_key.len = sizeof(fuzz_public_key);
    }
    size_t packed = folio__bundle_record__get_packed_size(rec);
    const uint8_t *rest = first + len;
    size_t rest_len = size - FUZZ_PREAMBLE_LEN - 4 - len;
    /* An old trailer goes: the new one takes its place. */
    if (rest_len >= FUZZ_TRAILER_LEN &&
        memcmp(rest + rest_len - FUZZ_TRAILER_LEN, "FOLIOSIG", FUZZ_MAGIC_LEN) == 0)
        rest_len -= FUZZ_TRAILER_LEN;
    size_t body = FUZZ_PREAMBLE_LEN + 4 + packed + rest_len;
    uint8_t *out = malloc(body + FUZZ_TRAILER_LEN);
    if (out == NULL || packed > UINT32_MAX)
        fuzz_fail("out of memory");
    memcpy(out, data, FUZZ_PREAMBLE_LEN);
    fuzz_put_u32(out + FUZZ_PREAMBLE_LEN, (uint32_t)packed);
    folio__bundle_record__pack(rec, out + FUZZ_PREAMBLE_LEN + 4);
    if (header)
        rec->header->public_key = key; /* free_unpacked frees what unpack made */
    folio__bundle_record__free_unpacked(rec, NULL);
    memcpy(out + FUZZ_PREAMBLE_LEN + 4 + packed, rest, rest_len);
    uint8_t *trailer = out + body;
    memcpy(trailer, "FOLIOSIG", FUZZ_MAGIC_LEN);
    uint8_t *digest = trailer + FUZZ_MAGIC_LEN;
    crypto_generichash(digest, BUNDLE_DIGEST_BYTES, out, body, NULL, 0);
    crypto_sign_detached(digest + BUNDLE_DIGEST_BYTES, NULL, digest, BUNDLE_DIGEST_BYTES,
                         fuzz_secret_key);
    *out_size = body + FUZZ_TRAILER_LEN;
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_random_reset();
    fuzz_file_set(data, size);
    fuzz_try();
    size_t resigned_size;
    uint8_t *resigned = fuzz_resign(data, size, &resigned_size);
    if (resigned != NULL) {
        fuzz_file_set(resigned, resigned_size);
        fuzz_try();
        free(resigned);
    }
    return 0;
}
