/* store_coupon.c - see store_coupon.h.
 *
 * store_coupon_put and store_coupon_delete_client are the only writers of
 * coupons, coupons_by_owner, coupons_by_client and the COUPON agenda
 * entries, so they alone keep them in step: put reads the stored coupon
 * first and drops the entries it stood for before writing the new ones.
 * Index values are empty; the key says it all.
 */
#include "store_coupon.h"

#include <errno.h>
#include <string.h>

#include "array_size.h"
#include "calendar.h"
#include "client_record.h"
#include "store_agenda.h"

#define COUPON_CODE_MAX  STORE_AGENDA_CODE_MAX
#define COUPON_LIST_MAX  1000
#define COUPON_INDEX_MAX (16 + COUPON_CODE_MAX)

/* The code's length, or 0 when it cannot be a key. */
static size_t coupon_code_len(const char *code)
{
    size_t len = strnlen(code, COUPON_CODE_MAX + 1);
    return len > COUPON_CODE_MAX ? 0 : len;
}

/* prefix (owner id u64 BE, or client id) + code. */
static size_t coupon_index_key(uint8_t out[COUPON_INDEX_MAX], const uint8_t *prefix,
                               size_t prefix_len, const char *code)
{
    size_t len = coupon_code_len(code);
    memcpy(out, prefix, prefix_len);
    memcpy(out + prefix_len, code, len);
    return prefix_len + len;
}

/* Adds (add true) or removes every index entry coupon stands for. */
static int coupon_index(struct store *s, MDB_txn *txn, const Folio__Coupon *coupon, bool add)
{
    uint8_t client_id[16];
    if (client_id_parse(coupon->client_id, client_id) != 0)
        return EINVAL;
    uint8_t owner[8];
    store_key_u64(owner, coupon->owner_id);
    uint8_t key[COUPON_INDEX_MAX];
    MDB_val empty = {0, NULL};
    const struct {
        MDB_dbi dbi;
        const uint8_t *prefix;
        size_t len;
    } indexes[] = {{s->coupons_by_owner, owner, sizeof(owner)},
                   {s->coupons_by_client, client_id, sizeof(client_id)}};
    for (size_t i = 0; i < ARRAY_SIZE(indexes); i++) {
        MDB_val k = {coupon_index_key(key, indexes[i].prefix, indexes[i].len, coupon->code), key};
        int rc = add ? mdb_put(txn, indexes[i].dbi, &k, &empty, 0)
                     : mdb_del(txn, indexes[i].dbi, &k, NULL);
        if (rc != 0 && !(rc == MDB_NOTFOUND && !add))
            return rc;
    }

    /* The agenda shows a coupon about to expire only while it can still be
     * used: neither redeemed nor withdrawn. */
    struct store_agenda_key agenda = {
        .owner_id = coupon->owner_id,
        .kind = STORE_AGENDA_COUPON,
        .date = calendar_text_key(coupon->valid_until),
    };
    memcpy(agenda.code, coupon->code, coupon_code_len(coupon->code));
    if (add && coupon->redeemed_at[0] == '\0' && coupon->withdrawn_at[0] == '\0')
        return store_agenda_put(s, txn, &agenda, NULL, 0);
    return add ? 0 : store_agenda_delete(s, txn, &agenda);
}

/* Removes the coupon under code with all its entries; MDB_NOTFOUND when
 * there is none. */
static int coupon_delete(struct store *s, MDB_txn *txn, const char *code)
{
    MDB_val k = {coupon_code_len(code), (void *)code};
    Folio__Coupon *old;
    int rc = store_get_message(txn, s->coupons, k.mv_data, k.mv_size, &folio__coupon__descriptor,
                               NULL, (void **)&old);
    if (rc != 0)
        return rc;
    rc = coupon_index(s, txn, old, false);
    folio__coupon__free_unpacked(old, NULL);
    if (rc != 0)
        return rc;
    return mdb_del(txn, s->coupons, &k, NULL);
}

int store_coupon_put(struct store *s, MDB_txn *txn, const Folio__Coupon *coupon)
{
    if (coupon_code_len(coupon->code) == 0)
        return EINVAL;
    int rc = coupon_delete(s, txn, coupon->code);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    if ((rc = coupon_index(s, txn, coupon, true)) != 0)
        return rc;
    /* Partner and client names are filled in replies; storing them would
     * only let them go stale. */
    Folio__Coupon rec = *coupon;
    rec.partner = (char *)protobuf_c_empty_string;
    rec.client_name = (char *)protobuf_c_empty_string;
    return store_put_message(txn, s->coupons, coupon->code, coupon_code_len(coupon->code),
                             &rec.base, 0);
}

int store_coupon_get(struct store *s, MDB_txn *txn, const char *code, struct arena *arena,
                     Folio__Coupon **out)
{
    size_t len = coupon_code_len(code);
    if (len == 0)
        return MDB_NOTFOUND;
    return store_get_message(txn, s->coupons, code, len, &folio__coupon__descriptor, arena,
                             (void **)out);
}

static bool coupon_key_of(const MDB_val *k, const uint8_t *prefix, size_t prefix_len)
{
    return k->mv_size > prefix_len && k->mv_size <= prefix_len + COUPON_CODE_MAX &&
           memcmp(k->mv_data, prefix, prefix_len) == 0;
}

struct coupon_page {
    struct store *s;
    uint64_t owner_id;
    const uint8_t *prefix;
    size_t prefix_len;
    const MDB_val *after; /* prefix + the code the page starts after, or NULL */
};

/* The coupon an index entry names, unpacked into arena (NULL: the default
 * allocator). A missing one is damage, not the end of the list. */
static int coupon_page_get(const struct coupon_page *page, MDB_txn *txn, const MDB_val *key,
                           struct arena *arena, Folio__Coupon **out)
{
    char code[COUPON_CODE_MAX + 1];
    size_t len = key->mv_size - page->prefix_len;
    memcpy(code, (const uint8_t *)key->mv_data + page->prefix_len, len);
    code[len] = '\0';
    int rc = store_coupon_get(page->s, txn, code, arena, out);
    return rc == MDB_NOTFOUND ? EINVAL : rc;
}

/* A client's coupons come from its own index; the owner is still checked,
 * so a coupon never shows up for anyone but its owner. */
static int coupon_page_belongs(void *ctx, MDB_txn *txn, const MDB_val *key, const MDB_val *value)
{
    (void)value;
    const struct coupon_page *page = ctx;
    if (!coupon_key_of(key, page->prefix, page->prefix_len))
        return MDB_NOTFOUND;
    if (page->after != NULL && key->mv_size == page->after->mv_size &&
        memcmp(key->mv_data, page->after->mv_data, key->mv_size) == 0)
        return STORE_PAGE_SKIP;
    Folio__Coupon *coupon;
    int rc = coupon_page_get(page, txn, key, NULL, &coupon);
    if (rc != 0)
        return rc;
    bool mine = coupon->owner_id == page->owner_id;
    folio__coupon__free_unpacked(coupon, NULL);
    return mine ? 0 : STORE_PAGE_SKIP;
}

static int coupon_page_read(void *ctx, MDB_txn *txn, const MDB_val *key, const MDB_val *value,
                            struct arena *arena, void **record)
{
    (void)value;
    return coupon_page_get(ctx, txn, key, arena, (Folio__Coupon **)record);
}

int store_coupon_list(struct store *s, MDB_txn *txn, uint64_t owner_id, const uint8_t *client_id,
                      const char *after, size_t limit, struct arena *arena, Folio__Coupon ***out,
                      size_t *count, bool *more)
{
    if (limit == 0 || limit > COUPON_LIST_MAX)
        limit = COUPON_LIST_MAX;
    uint8_t prefix[16];
    struct coupon_page page = {.s = s, .owner_id = owner_id, .prefix = prefix};
    MDB_dbi dbi;
    if (client_id != NULL) {
        memcpy(prefix, client_id, 16);
        page.prefix_len = 16;
        dbi = s->coupons_by_client;
    } else {
        store_key_u64(prefix, owner_id);
        page.prefix_len = 8;
        dbi = s->coupons_by_owner;
    }
    uint8_t key[COUPON_INDEX_MAX];
    MDB_val start = {coupon_index_key(key, prefix, page.prefix_len, after != NULL ? after : ""),
                     key};
    page.after = after != NULL ? &start : NULL;
    struct store_page_walk walk = {
        .dbi = dbi,
        .start = &start,
        .belongs = coupon_page_belongs,
        .read = coupon_page_read,
        .ctx = &page,
    };
    return store_page_read(txn, &walk, limit, arena, (void ***)out, count, more);
}

/* Every coupon of client from goes to client to, or (to NULL) is deleted.
 * Each pass seeks the client's first remaining entry afresh; the entry goes
 * whatever its coupon says (none, or one that thinks it belongs elsewhere),
 * or the loop would not end. */
static int coupon_client_rehome(struct store *s, MDB_txn *txn, const uint8_t from[16],
                                const char *to)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->coupons_by_client, &cur);
    if (rc != 0)
        return rc;
    for (;;) {
        MDB_val k = {16, (void *)from};
        MDB_val v;
        rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
        if (rc != 0 || !coupon_key_of(&k, from, 16))
            break;
        char code[COUPON_CODE_MAX + 1];
        size_t len = k.mv_size - 16;
        memcpy(code, (const uint8_t *)k.mv_data + 16, len);
        code[len] = '\0';
        if (to == NULL) {
            rc = coupon_delete(s, txn, code);
        } else {
            Folio__Coupon *coupon;
            rc = store_get_message(txn, s->coupons, code, len, &folio__coupon__descriptor, NULL,
                                   (void **)&coupon);
            if (rc == 0) {
                char *was = coupon->client_id;
                coupon->client_id = (char *)to;
                rc = store_coupon_put(s, txn, coupon);
                coupon->client_id = was;
                folio__coupon__free_unpacked(coupon, NULL);
            }
        }
        if (rc == 0 || rc == MDB_NOTFOUND) {
            uint8_t key[COUPON_INDEX_MAX];
            MDB_val entry = {coupon_index_key(key, from, 16, code), key};
            if ((rc = mdb_del(txn, s->coupons_by_client, &entry, NULL)) == MDB_NOTFOUND)
                rc = 0;
        }
        if (rc != 0)
            break;
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int store_coupon_move_client(struct store *s, MDB_txn *txn, const uint8_t from[16], const char *to)
{
    return coupon_client_rehome(s, txn, from, to);
}

int store_coupon_delete_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16])
{
    return coupon_client_rehome(s, txn, client_id, NULL);
}

int store_coupon_count_open_at_partner(struct store *s, MDB_txn *txn, uint64_t partner_id,
                                       const char *today, size_t *count)
{
    *count = 0;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->coupons, &cur);
    if (rc != 0)
        return rc;
    MDB_val k, v;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        /* The default allocator: nothing of a coupon outlives this look. */
        Folio__Coupon *c = folio__coupon__unpack(NULL, v.mv_size, v.mv_data);
        if (c == NULL) {
            rc = EINVAL;
            break;
        }
        if (c->partner_id == partner_id && c->redeemed_at[0] == '\0' &&
            c->withdrawn_at[0] == '\0' && strcmp(c->valid_until, today) >= 0)
            (*count)++;
        folio__coupon__free_unpacked(c, NULL);
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}
