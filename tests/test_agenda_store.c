/* test_agenda_store.c - the agenda entries a client record stands behind
 * (store_agenda_client.h): written by every put and delete of a client, and
 * built once for the clients of a data directory made before them.
 *
 * Criterion runs every test in its own process; each test opens its own
 * environment in a fresh directory and removes it after. */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "store.h"
#include "store_agenda.h"
#include "store_agenda_client.h"
#include "store_client.h"

#define OK(expr)                                                                                   \
    do {                                                                                           \
        int ok_rc_ = (expr);                                                                       \
        cr_assert_eq(ok_rc_, 0, "%s: %s", #expr, store_strerror(ok_rc_));                          \
    } while (0)

static char dir[256];
static struct store st;

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/folio-agenda-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
    OK(store_open(&st, dir, 1));
}

static void teardown(void)
{
    store_close(&st);
    char path[300];
    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/lock.mdb", dir);
    unlink(path);
    rmdir(dir);
}

TestSuite(agenda_store, .init = setup, .fini = teardown);

static MDB_txn *wbegin(void)
{
    MDB_txn *txn;
    OK(mdb_txn_begin(st.env, NULL, 0, &txn));
    return txn;
}

static void make_id(uint8_t id[16], unsigned n)
{
    memset(id, 0, 16);
    id[1] = (uint8_t)n;
    id[6] = 0x40;
    id[8] = 0x80;
    id[15] = (uint8_t)n;
}

/* 2026-01-10 12:00 UTC */
#define ADDED 1768046400

static void client(Folio__Client *c, uint64_t owner, const char *name, const char *city,
                   const char *last_contact, uint32_t interval)
{
    folio__client__init(c);
    c->owner_id = owner;
    c->name = (char *)name;
    c->city = (char *)city;
    c->region = (char *)"Lima Region";
    c->last_contact = (char *)last_contact;
    c->contact_interval_days = interval;
    c->created_at = ADDED;
}

/* What one stay-in-touch walk met. */
struct met {
    size_t n;
    uint32_t date;
    char name[64];
    uint8_t id[16];
};

static int meet(void *ctx, const struct store_agenda_key *key, const void *value, size_t len)
{
    struct met *m = ctx;
    m->n++;
    m->date = key->date;
    memcpy(m->id, key->client_id, 16);
    snprintf(m->name, sizeof(m->name), "%.*s", (int)len, (const char *)value);
    return 0;
}

static struct met stays(MDB_txn *txn, uint64_t owner, enum store_agenda_kind kind)
{
    struct met m = {0};
    OK(store_agenda_each(&st, txn, owner, kind, 0, 99991231, meet, &m));
    return m;
}

static uint64_t living(MDB_txn *txn, uint64_t owner, enum store_agenda_area area, const char *name)
{
    uint64_t n;
    OK(store_agenda_area_each(&st, txn, owner, area, name, NULL, NULL, &n));
    return n;
}

Test(agenda_store, every_put_moves_the_entries)
{
    uint8_t id[16];
    make_id(id, 1);
    MDB_txn *txn = wbegin();
    Folio__Client c;
    client(&c, 5, "Ana", "Lima", "", 0);
    OK(store_client_put(&st, txn, id, &c));
    struct met m = stays(txn, 5, STORE_AGENDA_STAY_NEW);
    cr_assert_eq(m.n, 1, "never contacted, on the firm's interval: by the day added");
    cr_assert_eq(m.date, 20260110);
    cr_assert_str_eq(m.name, "Ana");
    cr_assert_eq(memcmp(m.id, id, 16), 0);
    cr_assert_eq(living(txn, 5, STORE_AGENDA_CITY, "LIMA"), 1, "places ignore ASCII case");
    cr_assert_eq(living(txn, 5, STORE_AGENDA_REGION, "lima region"), 1);

    client(&c, 5, "Ana María", "Cusco", "2026-02-01", 0);
    OK(store_client_put(&st, txn, id, &c));
    cr_assert_eq(stays(txn, 5, STORE_AGENDA_STAY_NEW).n, 0);
    m = stays(txn, 5, STORE_AGENDA_STAY_SINCE);
    cr_assert_eq(m.n, 1, "contacted: by the last contact");
    cr_assert_eq(m.date, 20260201);
    cr_assert_str_eq(m.name, "Ana María", "a rename rewrites the name");
    cr_assert_eq(living(txn, 5, STORE_AGENDA_CITY, "Lima"), 0);
    cr_assert_eq(living(txn, 5, STORE_AGENDA_CITY, "cusco"), 1);

    client(&c, 5, "Ana María", "Cusco", "2026-02-01", 10);
    OK(store_client_put(&st, txn, id, &c));
    cr_assert_eq(stays(txn, 5, STORE_AGENDA_STAY_SINCE).n, 0);
    m = stays(txn, 5, STORE_AGENDA_STAY_DUE);
    cr_assert_eq(m.n, 1, "its own interval: by the due day");
    cr_assert_eq(m.date, 20260211);

    client(&c, 5, "Ana María", "Cusco", "", 10);
    OK(store_client_put(&st, txn, id, &c));
    m = stays(txn, 5, STORE_AGENDA_STAY_DUE);
    int64_t added = calendar_day(2026, 1, 10);
    cr_assert_eq(m.date, calendar_key(store_agenda_stay_first_due(added, 10, id)));
    cr_assert(m.date > 20260110 && m.date <= 20260120, "first due within an interval");

    client(&c, 7, "Ana María", "Cusco", "", 10);
    OK(store_client_put(&st, txn, id, &c));
    cr_assert_eq(stays(txn, 5, STORE_AGENDA_STAY_DUE).n, 0, "reassigned: off the old agenda");
    cr_assert_eq(stays(txn, 7, STORE_AGENDA_STAY_DUE).n, 1);
    cr_assert_eq(living(txn, 5, STORE_AGENDA_CITY, "cusco"), 0);
    cr_assert_eq(living(txn, 7, STORE_AGENDA_CITY, "cusco"), 1);

    client(&c, 0, "Ana María", "Cusco", "", 10);
    OK(store_client_put(&st, txn, id, &c));
    cr_assert_eq(stays(txn, 7, STORE_AGENDA_STAY_DUE).n, 0, "released: on no agenda");
    cr_assert_eq(stays(txn, 0, STORE_AGENDA_STAY_DUE).n, 0);
    cr_assert_eq(living(txn, 7, STORE_AGENDA_CITY, "cusco"), 0);

    client(&c, 7, "Ana María", "Cusco", "", 10);
    OK(store_client_put(&st, txn, id, &c));
    OK(store_client_delete(&st, txn, id));
    cr_assert_eq(stays(txn, 7, STORE_AGENDA_STAY_DUE).n, 0, "erased");
    cr_assert_eq(living(txn, 7, STORE_AGENDA_CITY, "cusco"), 0);
    mdb_txn_abort(txn);
}

/* A directory from before the entries: records written without them. */
Test(agenda_store, built_once_for_older_directories)
{
    MDB_txn *txn = wbegin();
    for (unsigned n = 1; n <= 5; n++) {
        uint8_t id[16], okey[24];
        make_id(id, n);
        Folio__Client c;
        client(&c, 3, "Old", n % 2 ? "Lima" : "Arequipa", n == 1 ? "2025-12-01" : "", 0);
        OK(store_put_message(txn, st.clients, id, 16, &c.base, 0));
        store_key_u64(okey, 3);
        memcpy(okey + 8, id, 16);
        MDB_val k = {sizeof(okey), okey}, v = {0, (void *)""};
        OK(mdb_put(txn, st.clients_by_owner, &k, &v, 0));
    }
    OK(mdb_txn_commit(txn));

    txn = wbegin();
    cr_assert_eq(living(txn, 3, STORE_AGENDA_CITY, "lima"), 0, "none before the build");
    bool done = false;
    for (int batches = 0; !done; batches++) {
        cr_assert_lt(batches, 3);
        OK(store_agenda_client_build(&st, txn, &done));
    }
    cr_assert_eq(living(txn, 3, STORE_AGENDA_CITY, "lima"), 3);
    cr_assert_eq(living(txn, 3, STORE_AGENDA_CITY, "arequipa"), 2);
    cr_assert_eq(stays(txn, 3, STORE_AGENDA_STAY_SINCE).n, 1);
    cr_assert_eq(stays(txn, 3, STORE_AGENDA_STAY_NEW).n, 4);
    OK(mdb_txn_commit(txn));

    /* Once: a record written now without them stays without them. */
    txn = wbegin();
    uint8_t id[16];
    make_id(id, 9);
    Folio__Client c;
    client(&c, 3, "New", "Lima", "", 0);
    OK(store_put_message(txn, st.clients, id, 16, &c.base, 0));
    OK(store_agenda_client_build(&st, txn, &done));
    cr_assert(done);
    cr_assert_eq(living(txn, 3, STORE_AGENDA_CITY, "lima"), 3);
    mdb_txn_abort(txn);
}
