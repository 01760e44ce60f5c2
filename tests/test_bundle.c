/* test_bundle.c - the bundle writer and reader alone, on temporary files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "arena.h"
#include "bundle.h"
#include "folio.pb-c.h"

static uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];

static void setup(void)
{
    cr_assert_geq(sodium_init(), 0);
    crypto_sign_keypair(pk, sk);
}

static int temp_fd(void)
{
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    int fd = dup(fileno(f));
    fclose(f);
    cr_assert_geq(fd, 0);
    return fd;
}

static void header_init(Folio__BundleHeader *h, const uint8_t *public_key)
{
    folio__bundle_header__init(h);
    h->firm = "Andes Seguros";
    h->public_key.data = (uint8_t *)public_key;
    h->public_key.len = crypto_sign_PUBLICKEYBYTES;
    h->agent = "ana";
    h->created_at = 1700000000;
    h->clients = 1;
    h->events = 1;
    h->offers = 1;
    h->coupons = 1;
}

/* One record of each kind: a client with its event, offer and coupon, and
 * the agent card. Written to fd, signed with signer. */
static void write_small(int fd, const uint8_t *header_key, const uint8_t *signer)
{
    Folio__BundleHeader h;
    header_init(&h, header_key);
    struct bundle_writer w;
    cr_assert_eq(bundle_writer_open(&w, fd, &h), 0);

    char *phones[] = {"+51 1 555 0100"};
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.id = "0b0e8a4c-8f4e-4b43-9a3f-1d2c3b4a5e6f";
    c.name = "José Quispe, \"Pepe\"";
    c.birth_date = "1980-02-29";
    c.n_phones = 1;
    c.phones = phones;
    Folio__BundleRecord r = FOLIO__BUNDLE_RECORD__INIT;
    r.item_case = FOLIO__BUNDLE_RECORD__ITEM_CLIENT;
    r.client = &c;
    cr_assert_eq(bundle_writer_add(&w, &r), 0);

    Folio__TimelineEvent e = FOLIO__TIMELINE_EVENT__INIT;
    e.client_id = c.id;
    e.seq = 7;
    e.kind = "life";
    e.what = "married";
    e.date = "2020-05-01";
    r.item_case = FOLIO__BUNDLE_RECORD__ITEM_EVENT;
    r.event = &e;
    cr_assert_eq(bundle_writer_add(&w, &r), 0);

    Folio__Offer o = FOLIO__OFFER__INIT;
    o.id = 3;
    o.client_id = c.id;
    o.title = "Home cover";
    o.rate_bp = 450;
    r.item_case = FOLIO__BUNDLE_RECORD__ITEM_OFFER;
    r.offer = &o;
    cr_assert_eq(bundle_writer_add(&w, &r), 0);

    Folio__Coupon cp = FOLIO__COUPON__INIT;
    cp.code = "ABCD-EFGH-JKLM-NPQR";
    cp.client_id = c.id;
    cp.discount = "10 %";
    r.item_case = FOLIO__BUNDLE_RECORD__ITEM_COUPON;
    r.coupon = &cp;
    cr_assert_eq(bundle_writer_add(&w, &r), 0);

    Folio__AgentCard card = FOLIO__AGENT_CARD__INIT;
    card.display_name = "Ana Torres";
    card.phone = "+51 1 555 0199";
    r.item_case = FOLIO__BUNDLE_RECORD__ITEM_CARD;
    r.card = &card;
    cr_assert_eq(bundle_writer_add(&w, &r), 0);

    cr_assert_eq(bundle_writer_finish(&w, signer), 0);
}

/* The whole file as bytes. */
static uint8_t *slurp(int fd, size_t *len)
{
    off_t end = lseek(fd, 0, SEEK_END);
    cr_assert_gt(end, 0);
    uint8_t *data = malloc((size_t)end);
    cr_assert_not_null(data);
    cr_assert_eq(pread(fd, data, (size_t)end, 0), end);
    *len = (size_t)end;
    return data;
}

static int fd_of(const uint8_t *data, size_t len)
{
    int fd = temp_fd();
    cr_assert_eq(write(fd, data, len), (ssize_t)len);
    return fd;
}

/* -1 and the reason, or 0. */
static int verify_bytes(const uint8_t *data, size_t len, char *why, size_t why_size)
{
    int fd = fd_of(data, len);
    struct arena a;
    arena_init(&a, 0);
    Folio__BundleHeader *h = NULL;
    int rc = bundle_verify(fd, &a, &h, why, why_size);
    arena_free(&a);
    close(fd);
    return rc;
}

TestSuite(bundle, .init = setup);

Test(bundle, round_trip_every_record_kind)
{
    int fd = temp_fd();
    write_small(fd, pk, sk);

    struct arena a;
    arena_init(&a, 0);
    char why[256] = "";
    Folio__BundleHeader *h = NULL;
    cr_assert_eq(bundle_verify(fd, &a, &h, why, sizeof(why)), 0, "%s", why);
    cr_assert_str_eq(h->firm, "Andes Seguros");
    cr_assert_str_eq(h->agent, "ana");
    cr_assert_eq(h->format_version, BUNDLE_VERSION);
    cr_assert_eq(h->created_at, 1700000000);
    cr_assert_eq(h->clients, 1);
    cr_assert_eq(memcmp(h->public_key.data, pk, sizeof(pk)), 0);

    struct bundle_reader r;
    cr_assert_eq(bundle_reader_open(&r, fd, why, sizeof(why)), 0, "%s", why);
    Folio__BundleRecord *rec;
    Folio__BundleRecord__ItemCase seen[8];
    size_t n = 0;
    int rc;
    while ((rc = bundle_reader_next(&r, &a, &rec, why, sizeof(why))) == 1) {
        cr_assert_lt(n, 8);
        seen[n++] = rec->item_case;
        switch (rec->item_case) {
        case FOLIO__BUNDLE_RECORD__ITEM_HEADER:
            cr_assert_str_eq(rec->header->firm, "Andes Seguros");
            break;
        case FOLIO__BUNDLE_RECORD__ITEM_CLIENT:
            cr_assert_str_eq(rec->client->name, "José Quispe, \"Pepe\"");
            cr_assert_str_eq(rec->client->birth_date, "1980-02-29");
            cr_assert_eq(rec->client->n_phones, 1);
            cr_assert_str_eq(rec->client->phones[0], "+51 1 555 0100");
            break;
        case FOLIO__BUNDLE_RECORD__ITEM_EVENT:
            cr_assert_str_eq(rec->event->client_id, "0b0e8a4c-8f4e-4b43-9a3f-1d2c3b4a5e6f");
            cr_assert_eq(rec->event->seq, 7);
            cr_assert_str_eq(rec->event->what, "married");
            break;
        case FOLIO__BUNDLE_RECORD__ITEM_OFFER:
            cr_assert_eq(rec->offer->id, 3);
            cr_assert_eq(rec->offer->rate_bp, 450);
            cr_assert_str_eq(rec->offer->title, "Home cover");
            break;
        case FOLIO__BUNDLE_RECORD__ITEM_COUPON:
            cr_assert_str_eq(rec->coupon->code, "ABCD-EFGH-JKLM-NPQR");
            cr_assert_str_eq(rec->coupon->discount, "10 %");
            break;
        case FOLIO__BUNDLE_RECORD__ITEM_CARD:
            cr_assert_str_eq(rec->card->display_name, "Ana Torres");
            break;
        default:
            cr_assert_fail("unexpected record kind %d", (int)rec->item_case);
        }
    }
    cr_assert_eq(rc, 0, "%s", why);
    cr_assert_eq(bundle_reader_next(&r, &a, &rec, why, sizeof(why)), 0);
    bundle_reader_close(&r);
    Folio__BundleRecord__ItemCase want[] = {
        FOLIO__BUNDLE_RECORD__ITEM_HEADER, FOLIO__BUNDLE_RECORD__ITEM_CLIENT,
        FOLIO__BUNDLE_RECORD__ITEM_EVENT,  FOLIO__BUNDLE_RECORD__ITEM_OFFER,
        FOLIO__BUNDLE_RECORD__ITEM_COUPON, FOLIO__BUNDLE_RECORD__ITEM_CARD};
    cr_assert_eq(n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(seen[i], want[i], "record %zu", i);
    arena_free(&a);
    close(fd);
}

Test(bundle, many_records_stream_through_small_buffers)
{
    /* More bytes than one I/O chunk, and one record larger than it. */
    int fd = temp_fd();
    Folio__BundleHeader h;
    header_init(&h, pk);
    h.clients = 2000;
    h.events = h.offers = h.coupons = 0;
    struct bundle_writer w;
    cr_assert_eq(bundle_writer_open(&w, fd, &h), 0);
    static char note[200 * 1024];
    memset(note, 'x', sizeof(note) - 1);
    for (int i = 0; i < 2000; i++) {
        Folio__Client c = FOLIO__CLIENT__INIT;
        char id[40];
        snprintf(id, sizeof(id), "client-%d", i);
        c.id = id;
        c.name = "Someone";
        c.notes = i == 1000 ? note : "";
        Folio__BundleRecord r = FOLIO__BUNDLE_RECORD__INIT;
        r.item_case = FOLIO__BUNDLE_RECORD__ITEM_CLIENT;
        r.client = &c;
        cr_assert_eq(bundle_writer_add(&w, &r), 0);
    }
    cr_assert_eq(bundle_writer_finish(&w, sk), 0);

    struct arena a;
    arena_init(&a, 0);
    char why[256] = "";
    Folio__BundleHeader *got = NULL;
    cr_assert_eq(bundle_verify(fd, &a, &got, why, sizeof(why)), 0, "%s", why);
    cr_assert_eq(got->clients, 2000);
    arena_free(&a);
    close(fd);
}

Test(bundle, every_truncation_refused)
{
    int fd = temp_fd();
    write_small(fd, pk, sk);
    size_t len;
    uint8_t *data = slurp(fd, &len);
    close(fd);
    char why[256];
    for (size_t cut = 0; cut < len; cut++) {
        why[0] = '\0';
        cr_assert_eq(verify_bytes(data, cut, why, sizeof(why)), -1, "cut at %zu accepted", cut);
        cr_assert_neq(why[0], '\0', "cut at %zu: no reason", cut);
    }
    /* One byte too many is refused too. */
    uint8_t *longer = malloc(len + 1);
    memcpy(longer, data, len);
    longer[len] = 0;
    cr_assert_eq(verify_bytes(longer, len + 1, why, sizeof(why)), -1);
    cr_assert(strstr(why, "after the signature") != NULL, "%s", why);
    cr_assert_eq(verify_bytes(data, len, why, sizeof(why)), 0, "%s", why);
    free(longer);
    free(data);
}

Test(bundle, every_bit_flip_refused)
{
    int fd = temp_fd();
    write_small(fd, pk, sk);
    size_t len;
    uint8_t *data = slurp(fd, &len);
    close(fd);
    char why[256];
    for (size_t bit = 0; bit < len * 8; bit++) {
        data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        why[0] = '\0';
        cr_assert_eq(verify_bytes(data, len, why, sizeof(why)), -1, "flip of bit %zu accepted",
                     bit);
        cr_assert_neq(why[0], '\0', "flip of bit %zu: no reason", bit);
        data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    free(data);
}

Test(bundle, cut_short_says_so)
{
    int fd = temp_fd();
    write_small(fd, pk, sk);
    size_t len;
    uint8_t *data = slurp(fd, &len);
    close(fd);
    char why[256];
    cr_assert_eq(verify_bytes(data, len - 10, why, sizeof(why)), -1);
    cr_assert(strstr(why, "cut short") != NULL, "%s", why);
    data[len - 1] ^= 1;
    cr_assert_eq(verify_bytes(data, len, why, sizeof(why)), -1);
    cr_assert(strstr(why, "signature") != NULL, "%s", why);
    data[len - 1] ^= 1;
    data[20] ^= 1;
    cr_assert_eq(verify_bytes(data, len, why, sizeof(why)), -1);
    free(data);
}

Test(bundle, wrong_key_refused)
{
    uint8_t other_pk[crypto_sign_PUBLICKEYBYTES], other_sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(other_pk, other_sk);
    int fd = temp_fd();
    write_small(fd, pk, other_sk);
    struct arena a;
    arena_init(&a, 0);
    char why[256] = "";
    Folio__BundleHeader *h = NULL;
    cr_assert_eq(bundle_verify(fd, &a, &h, why, sizeof(why)), -1);
    cr_assert_str_eq(why, "the signature does not match the firm key in the header");
    arena_free(&a);
    close(fd);
}

Test(bundle, version_mismatch_refused)
{
    int fd = temp_fd();
    write_small(fd, pk, sk);
    size_t len;
    uint8_t *data = slurp(fd, &len);
    close(fd);
    cr_assert_eq(memcmp(data, "FOLIOBND\0\0\0\1", 12), 0);
    data[11] = 2;
    char why[256];
    cr_assert_eq(verify_bytes(data, len, why, sizeof(why)), -1);
    cr_assert_str_eq(why, "this bundle has format version 2 and this folio reads version 1 only");

    struct bundle_reader r;
    int rfd = fd_of(data, len);
    cr_assert_eq(bundle_reader_open(&r, rfd, why, sizeof(why)), -1);
    cr_assert(strstr(why, "format version 2") != NULL, "%s", why);
    close(rfd);

    memcpy(data, "PK\3\4", 4);
    cr_assert_eq(verify_bytes(data, len, why, sizeof(why)), -1);
    cr_assert(strstr(why, "not a folio bundle") != NULL, "%s", why);
    free(data);
}

Test(bundle, oversized_length_refused_before_reading)
{
    /* A length just over the bound and the largest one, in files far
     * smaller than they claim: a refusal that names the length (rather than
     * "cut short") shows it was judged before anything was read for it. */
    const uint32_t lengths[] = {BUNDLE_RECORD_MAX + 1u, 0xffffffffu, 0};
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        uint8_t data[16] = "FOLIOBND";
        data[11] = 1;
        data[12] = (uint8_t)(lengths[i] >> 24);
        data[13] = (uint8_t)(lengths[i] >> 16);
        data[14] = (uint8_t)(lengths[i] >> 8);
        data[15] = (uint8_t)lengths[i];
        char why[256];
        cr_assert_eq(verify_bytes(data, sizeof(data), why, sizeof(why)), -1);
        cr_assert(strstr(why, "a record holds 1 to") != NULL, "%s", why);

        int fd = fd_of(data, sizeof(data));
        struct bundle_reader r;
        cr_assert_eq(bundle_reader_open(&r, fd, why, sizeof(why)), 0, "%s", why);
        struct arena a;
        arena_init(&a, 0);
        Folio__BundleRecord *rec;
        cr_assert_eq(bundle_reader_next(&r, &a, &rec, why, sizeof(why)), -1);
        cr_assert(strstr(why, "a record holds 1 to") != NULL, "%s", why);
        cr_assert_leq(r.cap, 64u * 1024u, "the reader grew to %zu bytes", r.cap);
        bundle_reader_close(&r);
        arena_free(&a);
        close(fd);
    }
}

Test(bundle, writer_refuses_oversized_record)
{
    int fd = temp_fd();
    Folio__BundleHeader h;
    header_init(&h, pk);
    struct bundle_writer w;
    cr_assert_eq(bundle_writer_open(&w, fd, &h), 0);
    char *big = malloc(BUNDLE_RECORD_MAX + 1);
    memset(big, 'y', BUNDLE_RECORD_MAX);
    big[BUNDLE_RECORD_MAX] = '\0';
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.notes = big;
    Folio__BundleRecord r = FOLIO__BUNDLE_RECORD__INIT;
    r.item_case = FOLIO__BUNDLE_RECORD__ITEM_CLIENT;
    r.client = &c;
    cr_assert_neq(bundle_writer_add(&w, &r), 0);
    bundle_writer_abandon(&w);
    free(big);
    close(fd);
}

Test(bundle, header_counts_must_match)
{
    int fd = temp_fd();
    Folio__BundleHeader h;
    header_init(&h, pk);
    h.clients = 5;
    h.events = h.offers = h.coupons = 0;
    struct bundle_writer w;
    cr_assert_eq(bundle_writer_open(&w, fd, &h), 0);
    cr_assert_eq(bundle_writer_finish(&w, sk), 0);
    struct arena a;
    arena_init(&a, 0);
    char why[256];
    Folio__BundleHeader *got;
    cr_assert_eq(bundle_verify(fd, &a, &got, why, sizeof(why)), -1);
    cr_assert_str_eq(why, "the header announces 5 clients but the bundle holds 0");
    arena_free(&a);
    close(fd);
}

Test(bundle, fingerprint_shape)
{
    char fp[BUNDLE_FINGERPRINT_MAX];
    bundle_fingerprint(pk, fp);
    cr_assert_eq(strlen(fp), 39);
    for (size_t i = 0; i < 39; i++)
        cr_assert(i % 5 == 4 ? fp[i] == ' ' : strchr("0123456789abcdef", fp[i]) != NULL);
    char again[BUNDLE_FINGERPRINT_MAX];
    bundle_fingerprint(pk, again);
    cr_assert_str_eq(fp, again);
}
