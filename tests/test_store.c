/* test_store.c - the LMDB store: opening, schema, map growth and each table.
 *
 * Criterion runs every test in its own process, so each test opens its own
 * environment in a fresh directory (the suite's init) and removes it after. */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "store.h"
#include "store_audit.h"
#include "store_meta.h"
#include "store_office.h"
#include "store_session.h"
#include "store_tombstone.h"
#include "store_user.h"

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

static void dir_make(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/folio-store-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

static void dir_remove(void)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/lock.mdb", dir);
    unlink(path);
    rmdir(dir);
}

static void setup(void)
{
    dir_make();
    arena_init(&ar, 0);
    OK(store_open(&st, dir, 1));
}

static void teardown(void)
{
    store_close(&st);
    arena_free(&ar);
    dir_remove();
}

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

static uint64_t user_add(MDB_txn *txn, const char *name, Folio__Role role, uint64_t office,
                         bool disabled)
{
    Folio__User u = FOLIO__USER__INIT;
    u.name = (char *)name;
    u.role = role;
    u.office_id = office;
    u.disabled = disabled;
    u.created_at = 1000;
    OK(store_user_put(&st, txn, &u));
    cr_assert_neq(u.id, 0);
    return u.id;
}

static uint64_t audit_add(MDB_txn *txn, int64_t time, const char *actor, uint64_t office,
                          const char *action)
{
    Folio__AuditRecord r = FOLIO__AUDIT_RECORD__INIT;
    r.time = time;
    r.actor = (char *)actor;
    r.actor_office_id = office;
    r.action = (char *)action;
    OK(store_audit_append(&st, txn, &r, NULL, NULL));
    return r.seq;
}

TestSuite(store, .init = setup, .fini = teardown);

/* ------------------------------------------------------------ environment */

Test(store, reopen_keeps_data)
{
    MDB_txn *txn = wbegin();
    Folio__Firm firm = FOLIO__FIRM__INIT;
    firm.name = "Acme Mutual";
    firm.created_at = 42;
    OK(store_meta_firm_put(&st, txn, &firm));
    uint64_t id = user_add(txn, "alice", FOLIO__ROLE__ROLE_FIRM_ADMIN, 0, false);
    commit(txn);
    cr_assert_geq(st.map_size, STORE_INITIAL_MAP);
    store_close(&st);

    OK(store_open(&st, dir, 0));
    txn = rbegin();
    Folio__Firm *got;
    OK(store_meta_firm_get(&st, txn, &ar, &got));
    cr_assert_str_eq(got->name, "Acme Mutual");
    cr_assert_eq(got->created_at, 42);
    Folio__User *u;
    OK(store_user_find(&st, txn, "alice", &ar, &u));
    cr_assert_eq(u->id, id);
    rend(txn);
}

Test(store, firm_absent_in_new_store)
{
    MDB_txn *txn = rbegin();
    Folio__Firm *got = NULL;
    RC(store_meta_firm_get(&st, txn, &ar, &got), MDB_NOTFOUND);
    rend(txn);
}

TestSuite(store_open, .init = dir_make, .fini = dir_remove);

Test(store_open, missing_environment_is_enoent)
{
    struct store s;
    RC(store_open(&s, dir, 0), ENOENT);
    char path[300];
    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    struct stat sb;
    cr_assert_neq(stat(path, &sb), 0, "opening without create made %s", path);
}

Test(store, schema_version_written_and_newer_refused)
{
    static const uint8_t v1[4] = {0, 0, 0, STORE_SCHEMA_VERSION};
    MDB_val k = {sizeof("schema_version") - 1, "schema_version"};
    MDB_val v;
    MDB_txn *txn = wbegin();
    OK(mdb_get(txn, st.meta, &k, &v));
    cr_assert_eq(v.mv_size, 4);
    cr_assert_arr_eq(v.mv_data, v1, 4);

    uint8_t newer[4] = {0, 0, 0, STORE_SCHEMA_VERSION + 1};
    v.mv_size = sizeof(newer);
    v.mv_data = newer;
    OK(mdb_put(txn, st.meta, &k, &v, 0));
    commit(txn);
    store_close(&st);

    int rc = store_open(&st, dir, 0);
    cr_assert_neq(rc, 0, "a newer schema was accepted");
    cr_assert_neq(rc, ENOENT);
    cr_assert_not_null(strstr(store_strerror(rc), "newer foliod"), "%s", store_strerror(rc));
    cr_assert_null(st.env);
    rc = store_open(&st, dir, 1);
    cr_assert_not_null(strstr(store_strerror(rc), "newer foliod"), "%s", store_strerror(rc));
}

Test(store, map_grows_after_map_full)
{
    /* A small map fills in a few hundred records. */
    OK(mdb_env_set_mapsize(st.env, 256 * 1024));
    MDB_envinfo info;
    OK(mdb_env_info(st.env, &info));
    size_t small = info.me_mapsize;

    char detail[2000];
    memset(detail, 'x', sizeof(detail) - 1);
    detail[sizeof(detail) - 1] = '\0';
    Folio__AuditRecord r = FOLIO__AUDIT_RECORD__INIT;
    r.actor = "filler";
    r.detail = detail;

    size_t written = 0;
    int rc = 0;
    while (written < 100000) {
        MDB_txn *txn = wbegin();
        rc = store_audit_append(&st, txn, &r, NULL, NULL);
        if (rc != 0) {
            mdb_txn_abort(txn);
            break;
        }
        if ((rc = mdb_txn_commit(txn)) != 0)
            break;
        written++;
    }
    RC(rc, MDB_MAP_FULL);
    cr_assert_gt(written, 10);

    OK(store_grow(&st));
    OK(mdb_env_info(st.env, &info));
    cr_assert_eq(info.me_mapsize, 2 * small);
    cr_assert_eq(st.map_size, 2 * small);

    for (size_t i = 0; i < written / 2; i++) {
        MDB_txn *txn = wbegin();
        OK(store_audit_append(&st, txn, &r, NULL, NULL));
        commit(txn);
    }
    MDB_txn *txn = rbegin();
    cr_assert_eq(entries(txn, st.audit), written + written / 2);
    uint64_t next;
    OK(store_next_id(txn, st.audit, &next));
    cr_assert_eq(next, written + written / 2 + 1);
    rend(txn);
}

/* mdb_reader_list callback: counts reader slots held by reset transactions,
 * which LMDB lists with "-" for a transaction id. */
static int count_parked(const char *line, void *ctx)
{
    size_t n = strlen(line);
    if (n >= 3 && strcmp(line + n - 3, " -\n") == 0)
        ++*(int *)ctx;
    return 0;
}

static int parked_readers(void)
{
    int parked = 0;
    cr_assert_geq(mdb_reader_list(st.env, count_parked, &parked), 0);
    return parked;
}

/* store_read_end parks its reset transaction for the next store_read_begin:
 * each renewal sees the latest commit, overlapping reads get their own
 * handle, and a parked handle lets the map grow and reads past the old end. */
Test(store, read_transactions_are_reused_across_growth)
{
    OK(mdb_env_set_mapsize(st.env, 256 * 1024));
    MDB_envinfo info;
    OK(mdb_env_info(st.env, &info));
    size_t small = info.me_mapsize;

    cr_assert_eq(parked_readers(), 0);
    MDB_txn *first = rbegin();
    cr_assert_eq(entries(first, st.audit), 0);
    rend(first);
    cr_assert_eq(parked_readers(), 1, "the ended transaction keeps its slot, reset");

    char detail[2000];
    memset(detail, 'y', sizeof(detail) - 1);
    detail[sizeof(detail) - 1] = '\0';
    Folio__AuditRecord r = FOLIO__AUDIT_RECORD__INIT;
    r.actor = "filler";
    r.detail = detail;
    MDB_txn *txn = wbegin();
    OK(store_audit_append(&st, txn, &r, NULL, NULL));
    commit(txn);

    MDB_txn *again = rbegin();
    cr_assert_eq(again, first, "the parked transaction is renewed");
    cr_assert_eq(entries(again, st.audit), 1, "a renewed transaction sees the latest commit");
    MDB_txn *nested = rbegin();
    cr_assert_neq(nested, again);
    cr_assert_eq(entries(nested, st.audit), 1);
    rend(nested);
    rend(again);
    cr_assert_eq(parked_readers(), 1, "one handle stays parked; the other is freed");

    size_t written = 1;
    int rc = 0;
    while (written < 100000) {
        txn = wbegin();
        if ((rc = store_audit_append(&st, txn, &r, NULL, NULL)) != 0) {
            mdb_txn_abort(txn);
            break;
        }
        if ((rc = mdb_txn_commit(txn)) != 0)
            break;
        written++;
    }
    RC(rc, MDB_MAP_FULL);
    OK(store_grow(&st));
    OK(mdb_env_info(st.env, &info));
    cr_assert_eq(info.me_mapsize, 2 * small);
    for (size_t i = 0; i < written; i++) {
        txn = wbegin();
        OK(store_audit_append(&st, txn, &r, NULL, NULL));
        commit(txn);
    }

    txn = rbegin();
    cr_assert_eq(txn, nested, "the handle parked before the growth is renewed after it");
    cr_assert_eq(entries(txn, st.audit), 2 * written);
    uint8_t key[8];
    store_key_u64(key, 2 * written);
    Folio__AuditRecord *last;
    OK(store_get_message(txn, st.audit, key, sizeof(key), &folio__audit_record__descriptor, &ar,
                         (void **)&last));
    cr_assert_str_eq(last->detail, detail);
    rend(txn);
    store_close(&st);
    OK(store_open(&st, dir, 0));
    cr_assert_eq(parked_readers(), 0, "no reader slot outlives the store");
}

Test(store, reopen_keeps_a_grown_map)
{
    /* A store larger than the initial map must reopen with room to spare,
     * not with a map shrunk to the data in use. */
    OK(store_grow(&st));
    static char big[1024 * 1024];
    memset(big, 'x', sizeof(big));
    MDB_txn *txn = wbegin();
    uint8_t key[8];
    MDB_val k = {sizeof(key), key}, v = {sizeof(big), big};
    size_t n = STORE_INITIAL_MAP / sizeof(big) + 8;
    for (size_t i = 0; i < n; i++) {
        store_key_u64(key, i);
        OK(mdb_put(txn, st.credentials, &k, &v, 0));
    }
    commit(txn);
    store_close(&st);

    char path[300];
    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_gt((size_t)sb.st_size, STORE_INITIAL_MAP);

    OK(store_open(&st, dir, 0));
    cr_assert_geq(st.map_size, (size_t)sb.st_size);
    txn = wbegin();
    store_key_u64(key, n);
    OK(mdb_put(txn, st.credentials, &k, &v, 0));
    commit(txn);
}

Test(store, keys_are_big_endian)
{
    uint8_t k[8];
    store_key_u64(k, 0x0102030405060708u);
    const uint8_t want[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    cr_assert_arr_eq(k, want, 8);
    const uint64_t values[] = {0, 1, 255, 256, 0x0102030405060708u, UINT64_MAX};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        store_key_u64(k, values[i]);
        cr_assert_eq(store_u64_from_key(k), values[i]);
    }
    uint8_t a[8], b[8];
    store_key_u64(a, 255);
    store_key_u64(b, 256);
    cr_assert_lt(memcmp(a, b, 8), 0, "key order is not numeric order");
}

Test(store, next_id)
{
    MDB_txn *txn = wbegin();
    uint64_t id;
    OK(store_next_id(txn, st.offices, &id));
    cr_assert_eq(id, 1);

    uint8_t key[8];
    store_key_u64(key, 41);
    MDB_val k = {sizeof(key), key}, v = {0, ""};
    OK(mdb_put(txn, st.offices, &k, &v, 0));
    OK(store_next_id(txn, st.offices, &id));
    cr_assert_eq(id, 42);

    store_key_u64(key, UINT64_MAX);
    OK(mdb_put(txn, st.offices, &k, &v, 0));
    RC(store_next_id(txn, st.offices, &id), EOVERFLOW);

    MDB_val odd = {3, "\xff\xff\xff"};
    OK(mdb_put(txn, st.credentials, &odd, &v, 0));
    RC(store_next_id(txn, st.credentials, &id), EINVAL);
    mdb_txn_abort(txn);
}

Test(store, corrupt_record_is_einval)
{
    MDB_txn *txn = wbegin();
    uint8_t key[8];
    store_key_u64(key, 1);
    MDB_val k = {sizeof(key), key}, v = {3, "\xff\xff\xff"};
    OK(mdb_put(txn, st.users, &k, &v, 0));
    Folio__User *u;
    RC(store_user_get(&st, txn, 1, &ar, &u), EINVAL);
    RC(store_user_get(&st, txn, 2, &ar, &u), MDB_NOTFOUND);
    mdb_txn_abort(txn);
}

/* ------------------------------------------------------------------ users */

static void expect_names(Folio__User **users, size_t count, const char *const *want, size_t n)
{
    cr_assert_eq(count, n, "got %zu users, want %zu", count, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(users[i]->name, want[i]);
}

Test(store, users_put_find_get_list)
{
    MDB_txn *txn = wbegin();
    uint64_t alice = user_add(txn, "alice", FOLIO__ROLE__ROLE_AGENT, 1, false);
    uint64_t bob = user_add(txn, "bob", FOLIO__ROLE__ROLE_AGENT, 2, false);
    uint64_t carol = user_add(txn, "carol", FOLIO__ROLE__ROLE_OFFICE_ADMIN, 1, false);
    user_add(txn, "dave", FOLIO__ROLE__ROLE_AGENT, 1, false);
    user_add(txn, "erin", FOLIO__ROLE__ROLE_FIRM_ADMIN, 0, false);
    cr_assert_eq(alice, 1);
    cr_assert_eq(bob, 2);
    commit(txn);

    txn = rbegin();
    Folio__User *u;
    OK(store_user_find(&st, txn, "ALICE", &ar, &u));
    cr_assert_eq(u->id, alice);
    cr_assert_str_eq(u->name, "alice");
    cr_assert_eq(u->office_id, 1);
    RC(store_user_find(&st, txn, "nobody", &ar, &u), MDB_NOTFOUND);
    RC(store_user_find(&st, txn, "", &ar, &u), MDB_NOTFOUND);
    OK(store_user_get(&st, txn, carol, &ar, &u));
    cr_assert_str_eq(u->name, "carol");
    cr_assert_eq(u->role, FOLIO__ROLE__ROLE_OFFICE_ADMIN);
    RC(store_user_get(&st, txn, 99, &ar, &u), MDB_NOTFOUND);

    Folio__User **users;
    size_t count;
    char *next;
    OK(store_user_list(&st, txn, NULL, 0, 2, &ar, &users, &count, &next));
    expect_names(users, count, (const char *[]){"alice", "bob"}, 2);
    cr_assert_str_eq(next, "bob");
    OK(store_user_list(&st, txn, next, 0, 2, &ar, &users, &count, &next));
    expect_names(users, count, (const char *[]){"carol", "dave"}, 2);
    cr_assert_str_eq(next, "dave");
    OK(store_user_list(&st, txn, next, 0, 2, &ar, &users, &count, &next));
    expect_names(users, count, (const char *[]){"erin"}, 1);
    cr_assert_null(next);
    /* A page that ends exactly at the last user says no more follow. */
    OK(store_user_list(&st, txn, "", 0, 5, &ar, &users, &count, &next));
    cr_assert_eq(count, 5);
    cr_assert_null(next);
    /* `after` need not be a stored name, and is case-insensitive. */
    OK(store_user_list(&st, txn, "Bo", 0, 10, &ar, &users, &count, &next));
    expect_names(users, count, (const char *[]){"bob", "carol", "dave", "erin"}, 4);
    OK(store_user_list(&st, txn, "BOB", 0, 10, &ar, &users, &count, &next));
    expect_names(users, count, (const char *[]){"carol", "dave", "erin"}, 3);
    OK(store_user_list(&st, txn, "zz", 0, 10, &ar, &users, &count, &next));
    cr_assert_eq(count, 0);
    cr_assert_null(next);

    /* Office filter with paging. */
    OK(store_user_list(&st, txn, NULL, 1, 2, &ar, &users, &count, &next));
    expect_names(users, count, (const char *[]){"alice", "carol"}, 2);
    cr_assert_str_eq(next, "carol");
    OK(store_user_list(&st, txn, next, 1, 2, &ar, &users, &count, &next));
    expect_names(users, count, (const char *[]){"dave"}, 1);
    cr_assert_null(next);
    OK(store_user_list(&st, txn, NULL, 2, 1, &ar, &users, &count, &next));
    expect_names(users, count, (const char *[]){"bob"}, 1);
    cr_assert_null(next, "next set though bob is office 2's only user");
    OK(store_user_list(&st, txn, NULL, 7, 10, &ar, &users, &count, &next));
    cr_assert_eq(count, 0);
    rend(txn);
}

Test(store, user_office_name_is_not_stored)
{
    MDB_txn *txn = wbegin();
    Folio__User u = FOLIO__USER__INIT;
    u.name = "alice";
    u.office_id = 3;
    u.office = "Paris";
    OK(store_user_put(&st, txn, &u));
    Folio__User *got;
    OK(store_user_get(&st, txn, u.id, &ar, &got));
    cr_assert_str_eq(got->office, "");
    cr_assert_eq(got->office_id, 3);
    cr_assert_str_eq(u.office, "Paris", "the caller's message was changed");
    mdb_txn_abort(txn);
}

Test(store, user_names_must_be_stored_lower_case)
{
    MDB_txn *txn = wbegin();
    Folio__User u = FOLIO__USER__INIT;
    u.name = "Alice";
    RC(store_user_put(&st, txn, &u), EINVAL);
    u.name = "";
    RC(store_user_put(&st, txn, &u), EINVAL);
    cr_assert_eq(u.id, 0);
    cr_assert_eq(entries(txn, st.users), 0);
    cr_assert_eq(entries(txn, st.users_by_name), 0);
    mdb_txn_abort(txn);
}

Test(store, user_name_is_unique)
{
    MDB_txn *txn = wbegin();
    uint64_t alice = user_add(txn, "alice", FOLIO__ROLE__ROLE_AGENT, 1, false);
    uint64_t bob = user_add(txn, "bob", FOLIO__ROLE__ROLE_AGENT, 1, false);

    Folio__User dup = FOLIO__USER__INIT;
    dup.name = "alice";
    dup.office_id = 9;
    RC(store_user_put(&st, txn, &dup), MDB_KEYEXIST);
    cr_assert_eq(dup.id, 0, "a refused insert assigned an id");

    /* Renaming bob to alice is refused and leaves both as they were. */
    Folio__User *u;
    OK(store_user_get(&st, txn, bob, &ar, &u));
    u->name = "alice";
    RC(store_user_put(&st, txn, u), MDB_KEYEXIST);
    commit(txn);

    txn = rbegin();
    OK(store_user_find(&st, txn, "alice", &ar, &u));
    cr_assert_eq(u->id, alice);
    cr_assert_eq(u->office_id, 1);
    OK(store_user_find(&st, txn, "bob", &ar, &u));
    cr_assert_eq(u->id, bob);
    cr_assert_eq(entries(txn, st.users), 2);
    cr_assert_eq(entries(txn, st.users_by_name), 2);
    rend(txn);
}

Test(store, user_rename_moves_the_index)
{
    MDB_txn *txn = wbegin();
    user_add(txn, "alice", FOLIO__ROLE__ROLE_AGENT, 1, false);
    uint64_t bob = user_add(txn, "bob", FOLIO__ROLE__ROLE_AGENT, 1, false);
    Folio__User *u;
    OK(store_user_get(&st, txn, bob, &ar, &u));
    u->name = "robert";
    OK(store_user_put(&st, txn, u));
    cr_assert_eq(u->id, bob);
    commit(txn);

    txn = rbegin();
    RC(store_user_find(&st, txn, "bob", &ar, &u), MDB_NOTFOUND);
    OK(store_user_find(&st, txn, "robert", &ar, &u));
    cr_assert_eq(u->id, bob);
    cr_assert_eq(entries(txn, st.users_by_name), 2);
    Folio__User **users;
    size_t count;
    char *next;
    OK(store_user_list(&st, txn, NULL, 0, 10, &ar, &users, &count, &next));
    expect_names(users, count, (const char *[]){"alice", "robert"}, 2);
    rend(txn);

    /* The old name is free again; an update that keeps the name keeps the
     * index as it is. */
    txn = wbegin();
    uint64_t newbob = user_add(txn, "bob", FOLIO__ROLE__ROLE_AGENT, 2, false);
    cr_assert_neq(newbob, bob);
    OK(store_user_find(&st, txn, "robert", &ar, &u));
    u->disabled = true;
    OK(store_user_put(&st, txn, u));
    cr_assert_eq(entries(txn, st.users_by_name), 3);
    OK(store_user_find(&st, txn, "robert", &ar, &u));
    cr_assert(u->disabled);

    /* Updating an id that does not exist is refused and claims nothing. */
    Folio__User ghost = FOLIO__USER__INIT;
    ghost.id = 99;
    ghost.name = "ghost";
    RC(store_user_put(&st, txn, &ghost), MDB_NOTFOUND);
    RC(store_user_find(&st, txn, "ghost", &ar, &u), MDB_NOTFOUND);
    cr_assert_eq(entries(txn, st.users_by_name), 3);
    mdb_txn_abort(txn);
}

Test(store, count_active_firm_admins)
{
    MDB_txn *txn = wbegin();
    size_t n = 99;
    OK(store_user_count_active_firm_admins(&st, txn, &n));
    cr_assert_eq(n, 0);
    user_add(txn, "root", FOLIO__ROLE__ROLE_FIRM_ADMIN, 0, false);
    user_add(txn, "agent", FOLIO__ROLE__ROLE_AGENT, 1, false);
    user_add(txn, "boss", FOLIO__ROLE__ROLE_OFFICE_ADMIN, 1, false);
    user_add(txn, "old-root", FOLIO__ROLE__ROLE_FIRM_ADMIN, 0, true);
    OK(store_user_count_active_firm_admins(&st, txn, &n));
    cr_assert_eq(n, 1);
    user_add(txn, "root2", FOLIO__ROLE__ROLE_FIRM_ADMIN, 0, false);
    OK(store_user_count_active_firm_admins(&st, txn, &n));
    cr_assert_eq(n, 2);
    mdb_txn_abort(txn);
}

Test(store, credentials)
{
    MDB_txn *txn = wbegin();
    Folio__Credential c = FOLIO__CREDENTIAL__INIT;
    c.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
    c.updated_at = 7;
    OK(store_credential_put(&st, txn, 5, &c));
    Folio__Credential *got;
    OK(store_credential_get(&st, txn, 5, &ar, &got));
    cr_assert_str_eq(got->password_hash, c.password_hash);
    cr_assert_eq(got->updated_at, 7);
    RC(store_credential_get(&st, txn, 6, &ar, &got), MDB_NOTFOUND);
    c.password_hash = "$argon2id$new";
    OK(store_credential_put(&st, txn, 5, &c));
    OK(store_credential_get(&st, txn, 5, &ar, &got));
    cr_assert_str_eq(got->password_hash, "$argon2id$new");
    mdb_txn_abort(txn);
}

/* ---------------------------------------------------------------- offices */

static uint64_t office_add(MDB_txn *txn, const char *name)
{
    Folio__Office o = FOLIO__OFFICE__INIT;
    o.name = (char *)name;
    o.created_at = 5;
    OK(store_office_add(&st, txn, &o));
    return o.id;
}

Test(store, offices)
{
    MDB_txn *txn = wbegin();
    cr_assert_eq(office_add(txn, "Paris"), 1);
    cr_assert_eq(office_add(txn, "Lyon"), 2);
    cr_assert_eq(office_add(txn, "paris"), 3, "office names are case-sensitive");
    Folio__Office dup = FOLIO__OFFICE__INIT;
    dup.name = "Paris";
    RC(store_office_add(&st, txn, &dup), MDB_KEYEXIST);
    cr_assert_eq(dup.id, 0);
    dup.name = "";
    RC(store_office_add(&st, txn, &dup), EINVAL);
    commit(txn);

    txn = rbegin();
    Folio__Office *o;
    OK(store_office_find(&st, txn, "Paris", &ar, &o));
    cr_assert_eq(o->id, 1);
    cr_assert_eq(o->created_at, 5);
    RC(store_office_find(&st, txn, "PARIS", &ar, &o), MDB_NOTFOUND);
    RC(store_office_find(&st, txn, "", &ar, &o), MDB_NOTFOUND);
    OK(store_office_get(&st, txn, 2, &ar, &o));
    cr_assert_str_eq(o->name, "Lyon");
    RC(store_office_get(&st, txn, 4, &ar, &o), MDB_NOTFOUND);

    Folio__Office **list;
    size_t count;
    OK(store_office_list(&st, txn, 2, &ar, &list, &count));
    cr_assert_eq(count, 2);
    cr_assert_str_eq(list[0]->name, "Lyon");
    cr_assert_str_eq(list[1]->name, "Paris");
    OK(store_office_list(&st, txn, 10, &ar, &list, &count));
    cr_assert_eq(count, 3);
    cr_assert_str_eq(list[2]->name, "paris");
    cr_assert_eq(list[2]->id, 3);
    rend(txn);
}

Test(store, office_list_is_capped)
{
    MDB_txn *txn = wbegin();
    for (int i = 0; i < 1005; i++) {
        char name[32];
        snprintf(name, sizeof(name), "office %04d", i);
        office_add(txn, name);
    }
    Folio__Office **list;
    size_t count;
    OK(store_office_list(&st, txn, 5000, &ar, &list, &count));
    cr_assert_eq(count, 1000);
    cr_assert_str_eq(list[999]->name, "office 0999");
    mdb_txn_abort(txn);
}

/* --------------------------------------------------------------- sessions */

static void token_of(uint8_t token[STORE_SESSION_TOKEN_BYTES], uint8_t seed)
{
    memset(token, seed, STORE_SESSION_TOKEN_BYTES);
}

static void session_add(MDB_txn *txn, uint8_t seed, uint64_t user, int64_t expires_at)
{
    uint8_t token[STORE_SESSION_TOKEN_BYTES], key[STORE_SESSION_KEY_BYTES];
    token_of(token, seed);
    store_session_key(key, token);
    Folio__Session s = FOLIO__SESSION__INIT;
    s.user_id = user;
    s.created_at = 1;
    s.expires_at = expires_at;
    OK(store_session_put(&st, txn, key, &s));
}

static int session_lookup(MDB_txn *txn, uint8_t seed, Folio__Session **out)
{
    uint8_t token[STORE_SESSION_TOKEN_BYTES], key[STORE_SESSION_KEY_BYTES];
    token_of(token, seed);
    store_session_key(key, token);
    return store_session_get(&st, txn, key, &ar, out);
}

static size_t sessions_of(MDB_txn *txn, uint64_t user)
{
    uint8_t ukey[8];
    store_key_u64(ukey, user);
    MDB_cursor *cur;
    OK(mdb_cursor_open(txn, st.sessions_by_user, &cur));
    MDB_val k = {sizeof(ukey), ukey}, v;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_SET);
    size_t n = 0;
    if (rc == 0) {
        size_t c;
        OK(mdb_cursor_count(cur, &c));
        n = (size_t)c;
    } else {
        RC(rc, MDB_NOTFOUND);
    }
    mdb_cursor_close(cur);
    return n;
}

Test(store, session_key_is_a_hash_of_the_token)
{
    uint8_t t1[STORE_SESSION_TOKEN_BYTES], t2[STORE_SESSION_TOKEN_BYTES];
    uint8_t k1[STORE_SESSION_KEY_BYTES], k1b[STORE_SESSION_KEY_BYTES], k2[STORE_SESSION_KEY_BYTES];
    token_of(t1, 1);
    token_of(t2, 2);
    store_session_key(k1, t1);
    store_session_key(k1b, t1);
    store_session_key(k2, t2);
    cr_assert_arr_eq(k1, k1b, sizeof(k1));
    cr_assert_arr_neq(k1, k2, sizeof(k1));
    cr_assert_arr_neq(k1, t1, sizeof(k1));
    /* BLAKE2b-256, unkeyed. */
    uint8_t want[32];
    crypto_generichash_blake2b(want, sizeof(want), t1, sizeof(t1), NULL, 0);
    cr_assert_arr_eq(k1, want, sizeof(want));
}

Test(store, sessions)
{
    MDB_txn *txn = wbegin();
    session_add(txn, 1, 1, 100);
    session_add(txn, 2, 1, 200);
    session_add(txn, 3, 1, 300);
    session_add(txn, 4, 2, 100);
    session_add(txn, 4, 2, 100); /* the same again changes nothing */
    commit(txn);

    txn = rbegin();
    Folio__Session *s;
    OK(session_lookup(txn, 2, &s));
    cr_assert_eq(s->user_id, 1);
    cr_assert_eq(s->expires_at, 200);
    RC(session_lookup(txn, 9, &s), MDB_NOTFOUND);
    cr_assert_eq(sessions_of(txn, 1), 3);
    cr_assert_eq(sessions_of(txn, 2), 1);
    rend(txn);

    /* Only user 1's sessions that expired before now go. */
    txn = wbegin();
    OK(store_session_purge_expired(&st, txn, 1, 200));
    RC(session_lookup(txn, 1, &s), MDB_NOTFOUND);
    OK(session_lookup(txn, 2, &s));
    OK(session_lookup(txn, 3, &s));
    OK(session_lookup(txn, 4, &s));
    cr_assert_eq(sessions_of(txn, 1), 2);

    uint8_t token[STORE_SESSION_TOKEN_BYTES], key[STORE_SESSION_KEY_BYTES];
    token_of(token, 2);
    store_session_key(key, token);
    OK(store_session_delete(&st, txn, key));
    RC(session_lookup(txn, 2, &s), MDB_NOTFOUND);
    RC(store_session_delete(&st, txn, key), MDB_NOTFOUND);
    cr_assert_eq(sessions_of(txn, 1), 1);

    size_t ended = 99;
    OK(store_session_delete_user(&st, txn, 1, &ended));
    cr_assert_eq(ended, 1);
    RC(session_lookup(txn, 3, &s), MDB_NOTFOUND);
    cr_assert_eq(sessions_of(txn, 1), 0);
    OK(session_lookup(txn, 4, &s));
    OK(store_session_delete_user(&st, txn, 7, &ended));
    cr_assert_eq(ended, 0);
    OK(store_session_delete_user(&st, txn, 7, NULL));
    commit(txn);

    txn = rbegin();
    cr_assert_eq(entries(txn, st.sessions), 1);
    cr_assert_eq(entries(txn, st.sessions_by_user), 1);
    rend(txn);
}

Test(store, session_purge_removes_every_expired_one)
{
    MDB_txn *txn = wbegin();
    for (uint8_t i = 1; i <= 20; i++)
        session_add(txn, i, 5, i % 2 ? 10 : 1000);
    OK(store_session_purge_expired(&st, txn, 5, 500));
    cr_assert_eq(sessions_of(txn, 5), 10);
    cr_assert_eq(entries(txn, st.sessions), 10);
    Folio__Session *s;
    for (uint8_t i = 1; i <= 20; i++)
        RC(session_lookup(txn, i, &s), i % 2 ? MDB_NOTFOUND : 0);
    OK(store_session_purge_expired(&st, txn, 5, 5000));
    cr_assert_eq(sessions_of(txn, 5), 0);
    cr_assert_eq(entries(txn, st.sessions), 0);
    mdb_txn_abort(txn);
}

Test(store, session_put_moves_owner)
{
    MDB_txn *txn = wbegin();
    session_add(txn, 4, 2, 100);
    session_add(txn, 4, 3, 100);
    cr_assert_eq(sessions_of(txn, 2), 0);
    cr_assert_eq(sessions_of(txn, 3), 1);
    size_t ended;
    OK(store_session_delete_user(&st, txn, 2, &ended));
    cr_assert_eq(ended, 0);
    Folio__Session *s;
    OK(session_lookup(txn, 4, &s));
    cr_assert_eq(s->user_id, 3);
    mdb_txn_abort(txn);
}

/* ------------------------------------------------------------------ audit */

static void expect_seqs(Folio__AuditRecord **records, size_t count, const uint64_t *want, size_t n)
{
    cr_assert_eq(count, n, "got %zu records, want %zu", count, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(records[i]->seq, want[i], "record %zu: seq %llu, want %llu", i,
                     (unsigned long long)records[i]->seq, (unsigned long long)want[i]);
}

#define SEQS(...) (const uint64_t[]){__VA_ARGS__}, sizeof((const uint64_t[]){__VA_ARGS__}) / 8

Test(store, audit_append_and_query)
{
    MDB_txn *txn = wbegin();
    cr_assert_eq(audit_add(txn, 100, "alice", 1, "login"), 1);
    cr_assert_eq(audit_add(txn, 110, "bob", 2, "login"), 2);
    cr_assert_eq(audit_add(txn, 120, "alice", 1, "user.add"), 3);
    cr_assert_eq(audit_add(txn, 130, "carol", 1, "login"), 4);
    cr_assert_eq(audit_add(txn, 140, "bob", 2, "logout"), 5);
    cr_assert_eq(audit_add(txn, 150, "alice", 1, "logout"), 6);
    commit(txn);

    txn = rbegin();
    Folio__AuditRecord **r;
    size_t n;
    uint64_t next;
    struct store_audit_filter f = {.limit = 100};
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(6, 5, 4, 3, 2, 1));
    cr_assert_eq(next, 0);
    cr_assert_str_eq(r[3]->action, "user.add");
    cr_assert_eq(r[3]->time, 120);

    /* Paging with before. */
    f.limit = 2;
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(6, 5));
    cr_assert_eq(next, 5);
    f.before = next;
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(4, 3));
    cr_assert_eq(next, 3);
    f.before = next;
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(2, 1));
    cr_assert_eq(next, 0, "the last page says more follow");
    f.before = 1000;
    f.limit = 0;
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(6, 5, 4, 3, 2, 1));
    f.before = 1;
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    cr_assert_eq(n, 0);

    /* Actor. */
    f = (struct store_audit_filter){.actor = "alice", .limit = 10};
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(6, 3, 1));
    f.limit = 2;
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(6, 3));
    cr_assert_eq(next, 3);
    f.before = next;
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(1));
    cr_assert_eq(next, 0);
    f = (struct store_audit_filter){.actor = "bob", .before = 5, .limit = 10};
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(2));
    f = (struct store_audit_filter){.actor = "", .limit = 10};
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    cr_assert_eq(n, 6, "an empty actor filters nothing");

    /* Office, and office with actor. */
    f = (struct store_audit_filter){.office_id = 2, .limit = 10};
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(5, 2));
    f = (struct store_audit_filter){.office_id = 1, .actor = "carol", .limit = 10};
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(4));
    f = (struct store_audit_filter){.office_id = 2, .actor = "alice", .limit = 10};
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    cr_assert_eq(n, 0);
    cr_assert_eq(next, 0);

    /* Since is inclusive and stops the walk. */
    f = (struct store_audit_filter){.since = 130, .limit = 10};
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(6, 5, 4));
    cr_assert_eq(next, 0);
    f = (struct store_audit_filter){.since = 130, .limit = 3};
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(6, 5, 4));
    cr_assert_eq(next, 0, "no record at or after since is left");
    f = (struct store_audit_filter){.since = 110, .actor = "bob", .limit = 1};
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(5));
    cr_assert_eq(next, 5);
    f.before = next;
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(2));
    cr_assert_eq(next, 0);
    rend(txn);
}

Test(store, audit_since_stops_the_walk)
{
    /* The walk trusts seq order to be time order: after a clock step back
     * it stops at the first record older than since rather than read on. */
    MDB_txn *txn = wbegin();
    audit_add(txn, 200, "alice", 1, "login");
    audit_add(txn, 100, "alice", 1, "login");
    audit_add(txn, 300, "alice", 1, "logout");
    Folio__AuditRecord **r;
    size_t n;
    uint64_t next;
    struct store_audit_filter f = {.since = 150, .limit = 10};
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(3));
    cr_assert_eq(next, 0);
    mdb_txn_abort(txn);
}

Test(store, audit_query_limit_is_capped)
{
    MDB_txn *txn = wbegin();
    for (int i = 0; i < 1010; i++)
        audit_add(txn, 100 + i, "alice", 1, "login");
    Folio__AuditRecord **r;
    size_t n;
    uint64_t next;
    struct store_audit_filter f = {.limit = 5000};
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    cr_assert_eq(n, 1000);
    cr_assert_eq(r[0]->seq, 1010);
    cr_assert_eq(next, 11);
    mdb_txn_abort(txn);
}

Test(store, audit_query_scan_is_bounded)
{
    /* One match at the very start of a long log: the first call gives up
     * after its scan budget and says where to go on. */
    MDB_txn *txn = wbegin();
    audit_add(txn, 1, "needle", 1, "login");
    for (int i = 0; i < 100010; i++)
        audit_add(txn, 2, "hay", 1, "login");
    commit(txn);

    txn = rbegin();
    Folio__AuditRecord **r;
    size_t n;
    uint64_t next;
    struct store_audit_filter f = {.actor = "needle", .limit = 10};
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    cr_assert_eq(n, 0);
    cr_assert_neq(next, 0, "a stopped scan must say where to go on");
    cr_assert_gt(next, 1);
    f.before = next;
    OK(store_audit_query(&st, txn, &f, &ar, &r, &n, &next));
    expect_seqs(r, n, SEQS(1));
    cr_assert_str_eq(r[0]->actor, "needle");
    cr_assert_eq(next, 0);
    rend(txn);
}

static size_t last_txnid(void)
{
    MDB_envinfo info;
    OK(mdb_env_info(st.env, &info));
    return info.me_last_txnid;
}

Test(store, put_changed_writes_only_a_change)
{
    uint8_t key[8];
    store_key_u64(key, 7);
    MDB_val k = {sizeof(key), key}, v = {5, "first"};
    MDB_txn *txn = wbegin();
    OK(store_put_changed(txn, st.offices, &k, &v));
    OK(mdb_txn_commit(txn));
    size_t written = last_txnid();

    /* The same bytes again: the commit has nothing to write. */
    txn = wbegin();
    MDB_val same = {5, (char[]){'f', 'i', 'r', 's', 't'}};
    OK(store_put_changed(txn, st.offices, &k, &same));
    OK(mdb_txn_commit(txn));
    cr_assert_eq(last_txnid(), written, "an unchanged put was committed");

    /* Other bytes, or the same prefix at another length, are a change. */
    const char *const values[] = {"other", "firs", ""};
    for (size_t i = 0; i < 3; i++) {
        txn = wbegin();
        MDB_val changed = {strlen(values[i]), (void *)values[i]};
        OK(store_put_changed(txn, st.offices, &k, &changed));
        OK(mdb_txn_commit(txn));
        cr_assert_eq(last_txnid(), written + i + 1, "\"%s\" was not written", values[i]);
        MDB_val got;
        txn = wbegin();
        OK(mdb_get(txn, st.offices, &k, &got));
        cr_assert_eq(got.mv_size, strlen(values[i]));
        cr_assert(memcmp(got.mv_data, values[i], got.mv_size) == 0);
        mdb_txn_abort(txn);
    }
}

Test(store, make_room_grows_the_map_ahead_of_a_large_write)
{
    size_t start = st.map_size;
    OK(store_make_room(&st, 4096));
    cr_assert_eq(st.map_size, start, "room that was there grew the map");
    OK(store_make_room(&st, start * 3));
    cr_assert_geq(st.map_size, start * 4, "map of %zu for %zu more bytes", st.map_size, start * 3);
    MDB_envinfo info;
    OK(mdb_env_info(st.env, &info));
    cr_assert_eq(info.me_mapsize, st.map_size);
    /* A write of that size now fits without MDB_MAP_FULL. */
    MDB_txn *txn = wbegin();
    static char big[1 << 20];
    for (uint64_t i = 0; i < (start * 2) / sizeof(big); i++) {
        uint8_t key[8];
        store_key_u64(key, i);
        MDB_val k = {sizeof(key), key}, v = {sizeof(big), big};
        OK(mdb_put(txn, st.offices, &k, &v, 0));
    }
    OK(mdb_txn_commit(txn));
}

/* ------------------------------------------------------------ audit by client */

/* A record as code before the audit-by-client index wrote it: unindexed. */
static uint64_t audit_old(MDB_txn *txn, const char *action, const char *target, const char *detail)
{
    Folio__AuditRecord r = FOLIO__AUDIT_RECORD__INIT;
    r.time = 1;
    r.actor = (char *)"alice";
    r.action = (char *)action;
    r.target = (char *)target;
    r.detail = (char *)detail;
    OK(store_audit_append(&st, txn, &r, NULL, NULL));
    return r.seq;
}

/* The detail of the record under seq, read straight from the table. */
static const char *audit_detail(uint64_t seq)
{
    static char detail[256];
    MDB_txn *txn;
    OK(store_read_begin(&st, &txn));
    uint8_t key[8];
    store_key_u64(key, seq);
    MDB_val k = {.mv_size = sizeof(key), .mv_data = key}, v;
    cr_assert_eq(mdb_get(txn, st.audit, &k, &v), 0, "no audit record %llu",
                 (unsigned long long)seq);
    Folio__AuditRecord *r = folio__audit_record__unpack(NULL, v.mv_size, v.mv_data);
    cr_assert_not_null(r);
    snprintf(detail, sizeof(detail), "%s", r->detail);
    folio__audit_record__free_unpacked(r, NULL);
    store_read_end(&st, txn);
    return detail;
}

/* A store older than the index: at its next open, records of a client
 * already erased lose what the client told, and those of a living client
 * are indexed so that its erasure cuts them down too. */
Test(store, old_audit_records_are_indexed_or_cut_down_at_open)
{
    static const char living[] = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
    static const char erased[] = "1a2b3c4d-5e6f-4a0b-9c1d-2e3f4a5b6c7d";
    static const uint8_t living_id[16] = {0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x49, 0x78,
                                          0x86, 0x95, 0xa4, 0xb3, 0xc2, 0xd1, 0xe0, 0xf9};
    MDB_txn *txn = wbegin();
    MDB_val k = {.mv_size = sizeof(living_id), .mv_data = (void *)living_id};
    MDB_val v = {.mv_size = 1, .mv_data = (void *)"x"};
    OK(mdb_put(txn, st.clients, &k, &v, 0));
    uint64_t kept = audit_old(txn, "event.add", living, "purchase insulin pump");
    /* The walk goes in batches: what follows is in the second. */
    for (int i = 0; i < STORE_AUDIT_BACKFILL_BATCH; i++)
        audit_old(txn, "login", "alice", "");
    uint64_t gone = audit_old(txn, "event.add", erased, "life divorced");
    uint64_t other = audit_old(txn, "user.add", "bob", "agent in North");
    audit_old(txn, "client.erase", erased, "");
    MDB_val mark = {.mv_size = 15, .mv_data = (void *)"audit_by_client"};
    OK(mdb_del(txn, st.meta, &mark, NULL));
    commit(txn);
    store_close(&st);
    OK(store_open(&st, dir, 0));

    cr_assert_str_eq(audit_detail(gone), "life");
    cr_assert_str_eq(audit_detail(kept), "purchase insulin pump");
    cr_assert_str_eq(audit_detail(other), "agent in North");
    /* The erasure is remembered as if made by this version. */
    static const uint8_t erased_id[16] = {0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f, 0x4a, 0x0b,
                                          0x9c, 0x1d, 0x2e, 0x3f, 0x4a, 0x5b, 0x6c, 0x7d};
    bool remembered = false, living_remembered = true;
    txn = wbegin();
    OK(store_tombstone_has(&st, txn, erased_id, &remembered));
    OK(store_tombstone_has(&st, txn, living_id, &living_remembered));
    cr_assert(remembered, "an erasure older than tombstones is not remembered");
    cr_assert(!living_remembered);
    OK(store_audit_scrub_client(&st, txn, living));
    commit(txn);
    cr_assert_str_eq(audit_detail(kept), "purchase");
    cr_assert_str_eq(audit_detail(other), "agent in North");
}
