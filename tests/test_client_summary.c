/* test_client_summary.c - client summaries: the encoding, the segment filters
 * on it, and the store keeping one per client in clients_by_owner.
 *
 * Criterion runs every test in its own process; store tests open their own
 * environment in a fresh directory and remove it after. */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_record.h"
#include "client_summary.h"
#include "segment.h"
#include "store.h"
#include "store_client.h"

#define OK(expr)                                                                                   \
    do {                                                                                           \
        int ok_rc_ = (expr);                                                                       \
        cr_assert_eq(ok_rc_, 0, "%s: %s", #expr, store_strerror(ok_rc_));                          \
    } while (0)

/* ---------------------------------------------------------------- encoding */

static char *tags[] = {"vip", "Golf"};
static Folio__IncomeChange inc1 = {PROTOBUF_C_MESSAGE_INIT(&folio__income_change__descriptor),
                                   300000, "EUR", "2020-01-01", 0};
static Folio__IncomeChange inc2 = {PROTOBUF_C_MESSAGE_INIT(&folio__income_change__descriptor),
                                   200000, "EUR", "2021-01-01", 0};
static Folio__IncomeChange *history[] = {&inc1, &inc2};

/* A record with every summarised field set. */
static Folio__Client full_client(Folio__Purchase **purchases, size_t n_purchases,
                                 Folio__Consent *consent)
{
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = "Ana Ruiz";
    c.city = "Lima";
    c.region = "Lima Region";
    c.country = "PE";
    c.birth_date = "1980-05-17";
    c.last_contact = "2026-01-02";
    c.created_at = 1700000000;
    c.income_cents = 200000;
    c.currency = "EUR";
    c.income_history = history;
    c.n_income_history = 2;
    c.contact_interval_days = 30;
    c.children = 2;
    c.marital_status = FOLIO__MARITAL_STATUS__MARITAL_MARRIED;
    c.tags = tags;
    c.n_tags = 2;
    c.purchases = purchases;
    c.n_purchases = n_purchases;
    c.consent = consent;
    return c;
}

static uint8_t *encode(const Folio__Client *c, size_t *len)
{
    *len = client_summary_size(c);
    uint8_t *buf = malloc(*len);
    cr_assert_not_null(buf);
    cr_assert_eq(client_summary_encode(c, buf), *len);
    return buf;
}

Test(client_summary, round_trip)
{
    Folio__Purchase car = FOLIO__PURCHASE__INIT;
    car.kind = "vehicle";
    Folio__Purchase *purchases[] = {&car};
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = true;
    consent.post = true;
    Folio__Client c = full_client(purchases, 1, &consent);
    size_t len;
    uint8_t *buf = encode(&c, &len);
    struct client_summary s;
    cr_assert_eq(client_summary_decode(buf, len, &s), 0);
    cr_assert_str_eq(s.name, "Ana Ruiz");
    cr_assert_str_eq(s.city, "Lima");
    cr_assert_str_eq(s.region, "Lima Region");
    cr_assert_str_eq(s.country, "PE");
    cr_assert_str_eq(s.birth_date, "1980-05-17");
    cr_assert_str_eq(s.last_contact, "2026-01-02");
    cr_assert_eq(s.created_at, 1700000000);
    cr_assert_eq(s.income_cents, 200000);
    cr_assert(s.income_known);
    cr_assert_str_eq(s.income_trend, "down");
    cr_assert_eq(s.contact_interval_days, 30);
    cr_assert_eq(s.children, 2);
    cr_assert_eq(s.marital_status, FOLIO__MARITAL_STATUS__MARITAL_MARRIED);
    cr_assert(s.consent_email && s.consent_post && !s.consent_phone && !s.consent_sms);
    cr_assert(client_summary_has_tag(&s, "VIP"), "tags compare without case");
    cr_assert(client_summary_has_tag(&s, "golf"));
    cr_assert_not(client_summary_has_tag(&s, "gol"));
    cr_assert(client_summary_purchased(&s, "Vehicle"));
    cr_assert_not(client_summary_purchased(&s, "home"));
    free(buf);
}

Test(client_summary, empty_record)
{
    Folio__Client c = FOLIO__CLIENT__INIT;
    size_t len;
    uint8_t *buf = encode(&c, &len);
    struct client_summary s;
    cr_assert_eq(client_summary_decode(buf, len, &s), 0);
    cr_assert_str_eq(s.name, "");
    cr_assert_str_eq(s.birth_date, "");
    cr_assert_not(s.income_known);
    cr_assert_str_eq(s.income_trend, "flat");
    cr_assert_not(s.consent_email || s.consent_phone || s.consent_sms || s.consent_post);
    cr_assert_not(client_summary_has_tag(&s, "vip"));
    cr_assert_not(client_summary_purchased(&s, "vehicle"));
    free(buf);
}

Test(client_summary, damage_is_refused)
{
    Folio__Client c = full_client(NULL, 0, NULL);
    size_t len;
    uint8_t *buf = encode(&c, &len);
    struct client_summary s;
    cr_assert_eq(client_summary_decode(buf, 0, &s), -1, "empty");
    cr_assert_eq(client_summary_decode(buf, 20, &s), -1, "shorter than the fixed part");
    for (size_t cut = 1; cut < len; cut++)
        cr_assert_eq(client_summary_decode(buf, len - cut, &s), -1, "cut by %zu", cut);
    buf[len - 1] = 'x';
    cr_assert_eq(client_summary_decode(buf, len, &s), -1, "no final NUL");
    buf[len - 1] = '\0';
    buf[0] = 99;
    cr_assert_eq(client_summary_decode(buf, len, &s), -1, "unknown format");
    buf[0] = 2;
    cr_assert_eq(client_summary_decode(buf, len, &s), 0);
    free(buf);
}

Test(client_summary, household_size_travels)
{
    Folio__Client c = full_client(NULL, 0, NULL);
    Folio__HouseholdLink a = FOLIO__HOUSEHOLD_LINK__INIT, b = FOLIO__HOUSEHOLD_LINK__INIT;
    Folio__HouseholdLink *links[] = {&a, &b};
    c.household = links;
    c.n_household = 2;
    size_t len;
    uint8_t *buf = encode(&c, &len);
    struct client_summary s;
    cr_assert_eq(client_summary_decode(buf, len, &s), 0);
    cr_assert_eq(s.household, 2);
    free(buf);
}

/* Summaries written before households (format 1: no count after the
 * offsets) still read, as households of one. */
Test(client_summary, format_1_reads_as_no_household)
{
    Folio__Client c = full_client(NULL, 0, NULL);
    size_t len;
    uint8_t *v2 = encode(&c, &len);
    enum { OFFSETS = 36, N_OFFSETS = 9, HEADER_V1 = OFFSETS + 4 * N_OFFSETS };
    uint8_t *v1 = malloc(len - 4);
    memcpy(v1, v2, HEADER_V1);
    memcpy(v1 + HEADER_V1, v2 + HEADER_V1 + 4, len - HEADER_V1 - 4);
    v1[0] = 1;
    for (size_t i = 0; i < N_OFFSETS; i++) {
        uint8_t *p = v1 + OFFSETS + 4 * i;
        uint32_t off = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        off -= 4;
        p[0] = (uint8_t)(off >> 24);
        p[1] = (uint8_t)(off >> 16);
        p[2] = (uint8_t)(off >> 8);
        p[3] = (uint8_t)off;
    }
    struct client_summary a, b;
    cr_assert_eq(client_summary_decode(v2, len, &a), 0);
    cr_assert_eq(client_summary_decode(v1, len - 4, &b), 0);
    cr_assert_str_eq(a.name, b.name);
    cr_assert_str_eq(b.last_contact, a.last_contact);
    cr_assert_eq(a.n_kinds, b.n_kinds);
    cr_assert_eq(b.household, 0);
    free(v1);
    free(v2);
}

/* The record forms summarise first: both forms answer alike. */
Test(client_summary, segment_forms_agree)
{
    Folio__Client c = full_client(NULL, 0, NULL);
    size_t len;
    uint8_t *buf = encode(&c, &len);
    struct client_summary s;
    cr_assert_eq(client_summary_decode(buf, len, &s), 0);
    Folio__Segment seg = FOLIO__SEGMENT__INIT;
    seg.city = "lima";
    seg.age_min = 40;
    seg.tag = "golf";
    seg.income_trend = "down";
    cr_assert(segment_matches_summary(&seg, &s, "2026-05-17"));
    cr_assert(segment_matches(&seg, &c, "2026-05-17"));
    seg.age_min = 47;
    cr_assert_not(segment_matches_summary(&seg, &s, "2026-05-17"));
    cr_assert_not(segment_matches(&seg, &c, "2026-05-17"));
    char a[64], b[64];
    cr_assert_str_eq(segment_bucket_summary("age-band", &s, "2026-05-17", a, sizeof(a)),
                     segment_bucket("age-band", &c, "2026-05-17", b, sizeof(b)));
    cr_assert_str_eq(a, "40-49");
    free(buf);
}

/* ---------------------------------------------------------------- the store */

static char dir[256];
static struct store st;
static struct arena ar;

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/folio-summary-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
    arena_init(&ar, 0);
    OK(store_open(&st, dir, 1));
}

static void teardown(void)
{
    store_close(&st);
    arena_free(&ar);
    char path[300];
    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/lock.mdb", dir);
    unlink(path);
    rmdir(dir);
}

TestSuite(client_summary_store, .init = setup, .fini = teardown);

static void make_id(uint8_t id[16], unsigned n)
{
    memset(id, 0, 16);
    id[1] = (uint8_t)n;
    id[6] = 0x40;
    id[8] = 0x80;
}

static void put(MDB_txn *txn, unsigned n, uint64_t owner, const char *city)
{
    uint8_t id[16];
    make_id(id, n);
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.owner_id = owner;
    c.name = "Ana";
    c.city = (char *)city;
    OK(store_client_put(&st, txn, id, &c));
}

struct cities {
    char seen[8][16];
    size_t n;
};

static int collect(void *ctx, const uint8_t id[16], const struct client_summary *s)
{
    (void)id;
    struct cities *c = ctx;
    snprintf(c->seen[c->n++], sizeof(c->seen[0]), "%s", s->city);
    return 0;
}

Test(client_summary_store, put_move_delete)
{
    MDB_txn *txn;
    OK(mdb_txn_begin(st.env, NULL, 0, &txn));
    put(txn, 1, 3, "Lima");
    put(txn, 2, 3, "Cusco");
    put(txn, 1, 3, "Arequipa"); /* a put rewrites the summary */
    put(txn, 2, 4, "Cusco");    /* an owner change moves it */
    struct cities three = {0}, four = {0};
    OK(store_client_summaries(&st, txn, 3, collect, &three));
    OK(store_client_summaries(&st, txn, 4, collect, &four));
    cr_assert_eq(three.n, 1);
    cr_assert_str_eq(three.seen[0], "Arequipa");
    cr_assert_eq(four.n, 1);
    cr_assert_str_eq(four.seen[0], "Cusco");

    uint8_t id[16];
    make_id(id, 2);
    struct client_summary s;
    OK(store_client_summary_get(&st, txn, 4, id, &ar, &s));
    cr_assert_str_eq(s.city, "Cusco");
    cr_assert_eq(store_client_summary_get(&st, txn, 3, id, &ar, &s), MDB_NOTFOUND,
                 "the old owner's entry is gone");
    OK(store_client_delete(&st, txn, id));
    cr_assert_eq(store_client_summary_get(&st, txn, 4, id, &ar, &s), MDB_NOTFOUND);
    struct cities none = {0};
    OK(store_client_summaries(&st, txn, 4, collect, &none));
    cr_assert_eq(none.n, 0);
    mdb_txn_abort(txn);
}

/* Index entries written before summaries are empty: they read as the
 * record's summary. */
Test(client_summary_store, empty_entry_reads_the_record)
{
    MDB_txn *txn;
    OK(mdb_txn_begin(st.env, NULL, 0, &txn));
    put(txn, 1, 3, "Lima");
    uint8_t key[24];
    store_key_u64(key, 3);
    make_id(key + 8, 1);
    MDB_val k = {sizeof(key), key}, v = {0, NULL};
    OK(mdb_put(txn, st.clients_by_owner, &k, &v, 0));
    struct cities three = {0};
    OK(store_client_summaries(&st, txn, 3, collect, &three));
    cr_assert_eq(three.n, 1);
    cr_assert_str_eq(three.seen[0], "Lima");
    struct client_summary s;
    OK(store_client_summary_get(&st, txn, 3, key + 8, &ar, &s));
    cr_assert_str_eq(s.city, "Lima");
    cr_assert_str_eq(s.name, "Ana");
    mdb_txn_abort(txn);
}
