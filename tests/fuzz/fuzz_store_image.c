/* fuzz_store_image.c - see fuzz_store_image.h. */
#include "fuzz_store_image.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"

/* Grown to this many more a time. */
#define FUZZ_IMAGE_TABLES_STEP 16
#define FUZZ_IMAGE_BYTES_STEP  (64u * 1024u)
/* Tries of a restore that finds the map full, each after growing it. */
#define FUZZ_IMAGE_GROW_TRIES 4

struct fuzz_image_table {
    MDB_dbi dbi;
    size_t start, end; /* its records, in bytes */
};

/* Records are kept back to back in bytes: key size, data size (each a
 * size_t, unaligned), key, data. */
struct fuzz_store_image {
    struct fuzz_image_table *tables;
    size_t n_tables, tables_cap;
    uint8_t *bytes;
    size_t len, cap;
};

static void fuzz_image_append(struct fuzz_store_image *im, const void *data, size_t len)
{
    if (im->cap - im->len < len) {
        size_t cap = im->cap;
        while (cap - im->len < len)
            cap += FUZZ_IMAGE_BYTES_STEP + cap / 2;
        uint8_t *grown = realloc(im->bytes, cap);
        if (grown == NULL)
            fuzz_fail("out of memory");
        im->bytes = grown;
        im->cap = cap;
    }
    memcpy(im->bytes + im->len, data, len);
    im->len += len;
}

static void fuzz_image_record(struct fuzz_store_image *im, const MDB_val *key, const MDB_val *data)
{
    fuzz_image_append(im, &key->mv_size, sizeof(key->mv_size));
    fuzz_image_append(im, &data->mv_size, sizeof(data->mv_size));
    fuzz_image_append(im, key->mv_data, key->mv_size);
    fuzz_image_append(im, data->mv_data, data->mv_size);
}

/* Every record of one table. */
static void fuzz_image_table(struct fuzz_store_image *im, MDB_txn *txn, MDB_dbi dbi)
{
    if (im->n_tables == im->tables_cap) {
        size_t cap = im->tables_cap + FUZZ_IMAGE_TABLES_STEP;
        struct fuzz_image_table *grown = realloc(im->tables, cap * sizeof(*grown));
        if (grown == NULL)
            fuzz_fail("out of memory");
        im->tables = grown;
        im->tables_cap = cap;
    }
    struct fuzz_image_table *t = &im->tables[im->n_tables++];
    t->dbi = dbi;
    t->start = im->len;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, dbi, &cur);
    MDB_val key, data;
    /* MDB_NEXT visits every duplicate of a key too. */
    for (MDB_cursor_op op = MDB_FIRST; rc == 0; op = MDB_NEXT)
        if ((rc = mdb_cursor_get(cur, &key, &data, op)) == 0)
            fuzz_image_record(im, &key, &data);
    if (rc != MDB_NOTFOUND)
        fuzz_fail("cannot read a table of the store: %s", store_strerror(rc));
    mdb_cursor_close(cur);
    t->end = im->len;
}

struct fuzz_store_image *fuzz_store_image_take(struct store *s)
{
    struct fuzz_store_image *im = calloc(1, sizeof(*im));
    if (im == NULL)
        fuzz_fail("out of memory");
    MDB_txn *txn;
    MDB_dbi main_dbi;
    MDB_cursor *names;
    int rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn);
    if (rc == 0 && (rc = mdb_dbi_open(txn, NULL, 0, &main_dbi)) == 0)
        rc = mdb_cursor_open(txn, main_dbi, &names);
    if (rc != 0)
        fuzz_fail("cannot read the store's tables: %s", store_strerror(rc));
    MDB_val name, value;
    for (MDB_cursor_op op = MDB_FIRST; (rc = mdb_cursor_get(names, &name, &value, op)) == 0;
         op = MDB_NEXT) {
        char table[256];
        if (name.mv_size >= sizeof(table) || memchr(name.mv_data, '\0', name.mv_size) != NULL)
            fuzz_fail("the store's main database holds a key that names no table");
        memcpy(table, name.mv_data, name.mv_size);
        table[name.mv_size] = '\0';
        /* The store opened every table: this finds its handle. */
        MDB_dbi dbi;
        if ((rc = mdb_dbi_open(txn, table, 0, &dbi)) != 0)
            fuzz_fail("cannot open the table %s: %s", table, store_strerror(rc));
        fuzz_image_table(im, txn, dbi);
    }
    if (rc != MDB_NOTFOUND)
        fuzz_fail("cannot read the store's tables: %s", store_strerror(rc));
    mdb_cursor_close(names);
    mdb_txn_abort(txn);
    return im;
}

/* Empties every table of the image and puts its records back, in txn. */
static int fuzz_image_put(const struct fuzz_store_image *im, MDB_txn *txn)
{
    MDB_dbi main_dbi;
    MDB_stat st;
    int rc = mdb_dbi_open(txn, NULL, 0, &main_dbi);
    if (rc == 0)
        rc = mdb_stat(txn, main_dbi, &st);
    if (rc != 0)
        return rc;
    if (st.ms_entries != im->n_tables)
        fuzz_fail("the store holds %zu tables, %zu when its image was taken", (size_t)st.ms_entries,
                  im->n_tables);
    for (size_t i = 0; i < im->n_tables; i++) {
        const struct fuzz_image_table *t = &im->tables[i];
        if ((rc = mdb_drop(txn, t->dbi, 0)) != 0)
            return rc;
        for (size_t at = t->start; at < t->end;) {
            MDB_val key, data;
            memcpy(&key.mv_size, im->bytes + at, sizeof(key.mv_size));
            memcpy(&data.mv_size, im->bytes + at + sizeof(key.mv_size), sizeof(data.mv_size));
            at += sizeof(key.mv_size) + sizeof(data.mv_size);
            key.mv_data = im->bytes + at;
            data.mv_data = im->bytes + at + key.mv_size;
            at += key.mv_size + data.mv_size;
            if ((rc = mdb_put(txn, t->dbi, &key, &data, 0)) != 0)
                return rc;
        }
    }
    return 0;
}

void fuzz_store_image_restore(const struct fuzz_store_image *im, struct store *s)
{
    int rc = 0;
    for (int try = 0; try < FUZZ_IMAGE_GROW_TRIES; try++) {
        MDB_txn *txn;
        if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0)
            break;
        if ((rc = fuzz_image_put(im, txn)) == 0) {
            rc = mdb_txn_commit(txn);
        } else {
            mdb_txn_abort(txn);
        }
        /* Pages freed here are reused only by later transactions: a store
         * that an input filled may need room for the copy. */
        if (rc != MDB_MAP_FULL || (rc = store_grow(s)) != 0)
            break;
        rc = MDB_MAP_FULL;
    }
    if (rc != 0)
        fuzz_fail("cannot restore the store: %s", store_strerror(rc));
    /* Users and sessions changed back: as any writer of them does. */
    store_auth_changed(s);
    store_auth_publish(s);
}

void fuzz_store_image_free(struct fuzz_store_image *im)
{
    if (im == NULL)
        return;
    free(im->tables);
    free(im->bytes);
    free(im);
}
