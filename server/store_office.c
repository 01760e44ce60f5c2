/* store_office.c - see store_office.h.
 *
 * offices_by_name maps the name, byte for byte, to the 8-byte id; a rename
 * moves the entry, a removal takes it with the record.
 */
#include "store_office.h"

#include <errno.h>
#include <string.h>

#define OFFICE_LIST_MAX 1000

int store_office_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                     Folio__Office **out)
{
    return store_get_by_id(txn, s->offices, id, &folio__office__descriptor, arena, (void **)out);
}

int store_office_find(struct store *s, MDB_txn *txn, const char *name, struct arena *arena,
                      Folio__Office **out)
{
    size_t max = (size_t)mdb_env_get_maxkeysize(s->env);
    size_t len = strnlen(name, max + 1);
    if (len == 0 || len > max)
        return MDB_NOTFOUND;
    uint64_t id;
    int rc = store_get_u64(txn, s->offices_by_name, name, len, &id);
    if (rc != 0)
        return rc;
    return store_office_get(s, txn, id, arena, out);
}

int store_office_add(struct store *s, MDB_txn *txn, Folio__Office *office)
{
    if (office->name == NULL || office->name[0] == '\0')
        return EINVAL;
    uint64_t id;
    int rc = store_next_id(txn, s->offices, &id);
    if (rc != 0)
        return rc;
    rc = store_put_u64(txn, s->offices_by_name, office->name, strlen(office->name), id,
                       MDB_NOOVERWRITE);
    if (rc != 0)
        return rc;
    Folio__Office rec = *office;
    rec.id = id;
    rc = store_put_by_id(txn, s->offices, id, &rec.base, MDB_NOOVERWRITE);
    if (rc != 0)
        return rc;
    office->id = id;
    return 0;
}

/* An offices_by_name entry: the office its value names. */
static int office_read(void *ctx, MDB_txn *txn, const MDB_val *key, const MDB_val *value,
                       struct arena *arena, void **record)
{
    (void)key;
    if (value->mv_size != 8)
        return EINVAL;
    return store_office_get(ctx, txn, store_u64_from_key(value->mv_data), arena,
                            (Folio__Office **)record);
}

int store_office_list(struct store *s, MDB_txn *txn, size_t limit, struct arena *arena,
                      Folio__Office ***out, size_t *count)
{
    if (limit == 0 || limit > OFFICE_LIST_MAX)
        limit = OFFICE_LIST_MAX;
    struct store_page_walk walk = {.dbi = s->offices_by_name, .read = office_read, .ctx = s};
    return store_page_read(txn, &walk, limit, arena, (void ***)out, count, NULL);
}

int store_office_rename(struct store *s, MDB_txn *txn, Folio__Office *office, const char *name)
{
    if (name == NULL || name[0] == '\0')
        return EINVAL;
    int rc =
        store_put_u64(txn, s->offices_by_name, name, strlen(name), office->id, MDB_NOOVERWRITE);
    if (rc != 0)
        return rc;
    MDB_val old = {strlen(office->name), office->name};
    if ((rc = mdb_del(txn, s->offices_by_name, &old, NULL)) != 0 && rc != MDB_NOTFOUND)
        return rc;
    office->name = (char *)name;
    return store_put_by_id(txn, s->offices, office->id, &office->base, 0);
}

int store_office_remove(struct store *s, MDB_txn *txn, const Folio__Office *office)
{
    MDB_val name = {strlen(office->name), office->name};
    int rc = mdb_del(txn, s->offices_by_name, &name, NULL);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    uint8_t key[8];
    store_key_u64(key, office->id);
    MDB_val k = {sizeof(key), key};
    return mdb_del(txn, s->offices, &k, NULL);
}
