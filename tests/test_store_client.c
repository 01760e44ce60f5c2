/* test_store_client.c - client records, the per-owner portfolio index and
 * client timelines in the LMDB store.
 *
 * Criterion runs every test in its own process; each test opens its own
 * environment in a fresh directory and removes it after. */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "store_client.h"

#define OK(expr)                                                                                   \
    do {                                                                                           \
        int ok_rc_ = (expr);                                                                       \
        cr_assert_eq(ok_rc_, 0, "%s: %s", #expr, store_strerror(ok_rc_));                          \
    } while (0)

#define RC(expr, want)                                                                             \
    do {                                                                                           \
        int rc_rc_ = (expr);                                                                       \
        cr_assert_eq(rc_rc_, (want), "%s: got %s", #expr, store_strerror(rc_rc_));                 \
    } while (0)

static char dir[256];
static struct store st;
static struct arena ar;

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/folio-client-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
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

TestSuite(store_client, .init = setup, .fini = teardown);

static MDB_txn *wbegin(void)
{
    MDB_txn *txn;
    OK(mdb_txn_begin(st.env, NULL, 0, &txn));
    return txn;
}

static void commit(MDB_txn *txn)
{
    OK(mdb_txn_commit(txn));
}

static MDB_txn *rbegin(void)
{
    MDB_txn *txn;
    OK(store_read_begin(&st, &txn));
    return txn;
}

static void rend(MDB_txn *txn)
{
    store_read_end(&st, txn);
}

static size_t entries(MDB_txn *txn, MDB_dbi dbi)
{
    MDB_stat ms;
    OK(mdb_stat(txn, dbi, &ms));
    return ms.ms_entries;
}

/* Ids whose order is the order of n. */
static void make_id(uint8_t id[16], unsigned n)
{
    memset(id, 0, 16);
    id[0] = (uint8_t)(n >> 8);
    id[1] = (uint8_t)n;
    id[6] = 0x40;
    id[8] = 0x80;
}

static void put(MDB_txn *txn, unsigned n, uint64_t owner, const char *name)
{
    uint8_t id[16];
    make_id(id, n);
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.owner_id = owner;
    c.name = (char *)name;
    c.version = n; /* tells records apart */
    OK(store_client_put(&st, txn, id, &c));
}

static void event_add(MDB_txn *txn, unsigned n, const char *kind, uint64_t want_seq)
{
    uint8_t id[16];
    make_id(id, n);
    Folio__TimelineEvent ev = FOLIO__TIMELINE_EVENT__INIT;
    ev.kind = (char *)kind;
    ev.time = 1000 + (int64_t)want_seq;
    OK(store_timeline_append(&st, txn, id, &ev));
    cr_assert_eq(ev.seq, want_seq);
}

Test(store_client, put_get_replace)
{
    uint8_t id[16];
    make_id(id, 1);
    MDB_txn *txn = wbegin();
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.id = "00010000-0000-4000-8000-000000000000";
    c.owner_id = 5;
    c.owner = "alice";
    c.name = "Ana";
    c.city = "Lima";
    c.income_trend = "up";
    c.version = 1;
    OK(store_client_put(&st, txn, id, &c));
    commit(txn);

    txn = rbegin();
    Folio__Client *got;
    OK(store_client_get(&st, txn, id, &ar, &got));
    cr_assert_str_eq(got->name, "Ana");
    cr_assert_str_eq(got->city, "Lima");
    cr_assert_eq(got->owner_id, 5);
    cr_assert_str_eq(got->owner, "", "the owner's name is for replies only");
    cr_assert_str_eq(got->income_trend, "", "the trend is derived");
    uint8_t other[16];
    make_id(other, 2);
    RC(store_client_get(&st, txn, other, &ar, &got), MDB_NOTFOUND);
    rend(txn);

    txn = wbegin();
    c.city = "Cusco";
    c.version = 2;
    OK(store_client_put(&st, txn, id, &c));
    cr_assert_eq(entries(txn, st.clients), 1);
    cr_assert_eq(entries(txn, st.clients_by_owner), 1);
    OK(store_client_get(&st, txn, id, &ar, &got));
    cr_assert_str_eq(got->city, "Cusco");
    cr_assert_eq(got->version, 2);
    commit(txn);
}

Test(store_client, owner_change_moves_index)
{
    MDB_txn *txn = wbegin();
    put(txn, 1, 5, "Ana");
    put(txn, 2, 5, "Bea");
    put(txn, 1, 6, "Ana");
    cr_assert_eq(entries(txn, st.clients_by_owner), 2);
    Folio__Client **list;
    size_t n;
    bool more;
    OK(store_client_list(&st, txn, 5, NULL, 10, &ar, &list, &n, &more));
    cr_assert_eq(n, 1);
    cr_assert_str_eq(list[0]->name, "Bea");
    OK(store_client_list(&st, txn, 6, NULL, 10, &ar, &list, &n, &more));
    cr_assert_eq(n, 1);
    cr_assert_str_eq(list[0]->name, "Ana");
    cr_assert_eq(list[0]->owner_id, 6);
    commit(txn);
}

Test(store_client, list_pages_per_owner)
{
    MDB_txn *txn = wbegin();
    /* Two portfolios interleaved in id order, with neighbours on both sides. */
    for (unsigned i = 1; i <= 10; i++)
        put(txn, i, i % 2 == 0 ? 7 : 8, i % 2 == 0 ? "even" : "odd");
    put(txn, 11, 6, "before");
    put(txn, 12, 9, "after");
    commit(txn);

    txn = rbegin();
    Folio__Client **list;
    size_t n;
    bool more;
    OK(store_client_list(&st, txn, 7, NULL, 2, &ar, &list, &n, &more));
    cr_assert_eq(n, 2);
    cr_assert(more);
    uint8_t after[16];
    unsigned seen = 0;
    for (;;) {
        for (size_t i = 0; i < n; i++) {
            cr_assert_str_eq(list[i]->name, "even");
            cr_assert_eq(list[i]->version, 2 * ++seen, "in id order");
        }
        if (!more)
            break;
        make_id(after, 2 * seen);
        OK(store_client_list(&st, txn, 7, after, 2, &ar, &list, &n, &more));
    }
    cr_assert_eq(seen, 5);

    OK(store_client_list(&st, txn, 8, NULL, 0, &ar, &list, &n, &more));
    cr_assert_eq(n, 5);
    cr_assert_not(more);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(list[i]->name, "odd");

    make_id(after, 9);
    OK(store_client_list(&st, txn, 8, after, 10, &ar, &list, &n, &more));
    cr_assert_eq(n, 0, "nothing after the last");
    cr_assert_not(more);
    make_id(after, 4); /* an id of the other owner: its place still counts */
    OK(store_client_list(&st, txn, 8, after, 1, &ar, &list, &n, &more));
    cr_assert_eq(n, 1);
    cr_assert(more);
    cr_assert_eq(list[0]->version, 5);

    OK(store_client_list(&st, txn, 42, NULL, 10, &ar, &list, &n, &more));
    cr_assert_eq(n, 0);
    cr_assert_not(more);
    rend(txn);
}

struct walk {
    unsigned seen;
    unsigned stop_after;
    uint8_t ids[16][16];
};

static int walk_fn(void *ctx, const uint8_t id[16], const Folio__Client *c)
{
    struct walk *w = ctx;
    cr_assert_str_eq(c->name, "mine");
    memcpy(w->ids[w->seen++], id, 16);
    return w->seen == w->stop_after ? 1 : 0;
}

static int fail_fn(void *ctx, const uint8_t id[16], const Folio__Client *c)
{
    (void)ctx;
    (void)id;
    (void)c;
    return EIO;
}

Test(store_client, each_walks_one_portfolio)
{
    MDB_txn *txn = wbegin();
    for (unsigned i = 1; i <= 9; i++)
        put(txn, i, i % 3 == 0 ? 3 : 4, i % 3 == 0 ? "mine" : "theirs");
    commit(txn);

    txn = rbegin();
    struct walk w = {0};
    OK(store_client_each(&st, txn, 3, NULL, walk_fn, &w));
    cr_assert_eq(w.seen, 3);
    for (unsigned i = 0; i < 3; i++) {
        uint8_t want[16];
        make_id(want, 3 * (i + 1));
        cr_assert_arr_eq(w.ids[i], want, 16);
    }

    struct walk stop = {.stop_after = 2};
    OK(store_client_each(&st, txn, 3, NULL, walk_fn, &stop));
    cr_assert_eq(stop.seen, 2, "fn's 1 stops the walk");

    struct walk rest = {0};
    uint8_t after[16];
    make_id(after, 3);
    OK(store_client_each(&st, txn, 3, after, walk_fn, &rest));
    cr_assert_eq(rest.seen, 2);

    RC(store_client_each(&st, txn, 3, NULL, fail_fn, NULL), EIO);
    struct walk none = {0};
    OK(store_client_each(&st, txn, 99, NULL, walk_fn, &none));
    cr_assert_eq(none.seen, 0);
    rend(txn);
}

Test(store_client, delete_removes_index_and_timeline)
{
    MDB_txn *txn = wbegin();
    put(txn, 1, 5, "Ana");
    put(txn, 2, 5, "Bea");
    event_add(txn, 1, "created", 1);
    event_add(txn, 1, "note", 2);
    event_add(txn, 2, "created", 1);
    commit(txn);

    uint8_t id[16];
    make_id(id, 1);
    txn = wbegin();
    OK(store_client_delete(&st, txn, id));
    RC(store_client_delete(&st, txn, id), MDB_NOTFOUND);
    commit(txn);

    txn = rbegin();
    Folio__Client *got;
    RC(store_client_get(&st, txn, id, &ar, &got), MDB_NOTFOUND);
    cr_assert_eq(entries(txn, st.clients), 1);
    cr_assert_eq(entries(txn, st.clients_by_owner), 1);
    cr_assert_eq(entries(txn, st.timeline), 1, "the other client's timeline stays");
    Folio__TimelineEvent **evs;
    size_t n;
    uint64_t next;
    OK(store_timeline_list(&st, txn, id, 0, 10, &ar, &evs, &n, &next));
    cr_assert_eq(n, 0);
    Folio__Client **list;
    bool more;
    OK(store_client_list(&st, txn, 5, NULL, 10, &ar, &list, &n, &more));
    cr_assert_eq(n, 1);
    cr_assert_str_eq(list[0]->name, "Bea");
    rend(txn);
}

Test(store_client, timeline_append_and_pages)
{
    MDB_txn *txn = wbegin();
    put(txn, 1, 5, "Ana");
    put(txn, 2, 5, "Bea");
    put(txn, 3, 5, "Cy");
    event_add(txn, 2, "created", 1);
    for (uint64_t seq = 1; seq <= 7; seq++) {
        event_add(txn, 1, "note", seq);
        event_add(txn, 3, "note", seq); /* neighbours on both sides */
    }
    commit(txn);

    uint8_t id[16];
    make_id(id, 1);
    txn = rbegin();
    Folio__TimelineEvent **evs;
    size_t n;
    uint64_t next;
    OK(store_timeline_list(&st, txn, id, 0, 3, &ar, &evs, &n, &next));
    cr_assert_eq(n, 3);
    cr_assert_eq(evs[0]->seq, 7, "newest first");
    cr_assert_eq(evs[2]->seq, 5);
    cr_assert_eq(evs[0]->time, 1007);
    cr_assert_eq(next, 5);
    OK(store_timeline_list(&st, txn, id, next, 3, &ar, &evs, &n, &next));
    cr_assert_eq(n, 3);
    cr_assert_eq(evs[0]->seq, 4);
    cr_assert_eq(next, 2);
    OK(store_timeline_list(&st, txn, id, next, 3, &ar, &evs, &n, &next));
    cr_assert_eq(n, 1);
    cr_assert_eq(evs[0]->seq, 1);
    cr_assert_eq(next, 0);

    OK(store_timeline_list(&st, txn, id, 0, 7, &ar, &evs, &n, &next));
    cr_assert_eq(n, 7);
    cr_assert_eq(next, 0, "an exactly full page is the last");
    OK(store_timeline_list(&st, txn, id, 100, 0, &ar, &evs, &n, &next));
    cr_assert_eq(n, 7);

    uint8_t two[16];
    make_id(two, 2);
    OK(store_timeline_list(&st, txn, two, 0, 10, &ar, &evs, &n, &next));
    cr_assert_eq(n, 1);
    cr_assert_str_eq(evs[0]->kind, "created");
    uint8_t none[16];
    make_id(none, 9);
    OK(store_timeline_list(&st, txn, none, 0, 10, &ar, &evs, &n, &next));
    cr_assert_eq(n, 0);
    rend(txn);
}
