/* store_agenda.c - see store_agenda.h.
 *
 * A key is owner (8) + kind (1) + the kind's own part; the date comes right
 * after the kind byte in every layout, so a range of dates is a range of
 * keys. Birthdays store month and day as two bytes, which is the same order
 * as month * 100 + day.
 */
#include "store_agenda.h"

#include <stdbool.h>
#include <string.h>

#define AGENDA_KEY_MAX (8 + 1 + 4 + 16 + 8 + STORE_AGENDA_CODE_MAX)

static void put_u32(uint8_t *out, uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

static uint32_t get_u32(const uint8_t *in)
{
    return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
}

/* The bytes of the date part of a key of kind: 2 for birthdays, 4 else. */
static size_t date_bytes(enum store_agenda_kind kind)
{
    return kind == STORE_AGENDA_BIRTHDAY ? 2 : 4;
}

static void put_date(uint8_t *out, enum store_agenda_kind kind, uint32_t date)
{
    if (kind == STORE_AGENDA_BIRTHDAY) {
        out[0] = (uint8_t)(date / 100);
        out[1] = (uint8_t)(date % 100);
    } else {
        put_u32(out, date);
    }
}

static uint32_t get_date(const uint8_t *in, enum store_agenda_kind kind)
{
    if (kind == STORE_AGENDA_BIRTHDAY)
        return (uint32_t)in[0] * 100 + in[1];
    return get_u32(in);
}

static size_t agenda_key(uint8_t out[AGENDA_KEY_MAX], const struct store_agenda_key *key)
{
    size_t n = 0;
    store_key_u64(out, key->owner_id);
    n += 8;
    out[n++] = (uint8_t)key->kind;
    put_date(out + n, key->kind, key->date);
    n += date_bytes(key->kind);
    switch (key->kind) {
    case STORE_AGENDA_BIRTHDAY:
    case STORE_AGENDA_STAY_DUE:
    case STORE_AGENDA_STAY_SINCE:
    case STORE_AGENDA_STAY_NEW:
        memcpy(out + n, key->client_id, 16);
        n += 16;
        break;
    case STORE_AGENDA_FOLLOW_UP:
    case STORE_AGENDA_EVENT:
    case STORE_AGENDA_SNOOZED:
        memcpy(out + n, key->client_id, 16);
        n += 16;
        store_key_u64(out + n, key->seq);
        n += 8;
        break;
    case STORE_AGENDA_OFFER:
    case STORE_AGENDA_TASK:
    case STORE_AGENDA_RENEWAL:
    case STORE_AGENDA_LAPSE:
        store_key_u64(out + n, key->seq);
        n += 8;
        break;
    case STORE_AGENDA_COUPON: {
        size_t len = strnlen(key->code, STORE_AGENDA_CODE_MAX);
        memcpy(out + n, key->code, len);
        n += len;
        break;
    }
    case STORE_AGENDA_AREA: /* no date: store_agenda_area_* make their own keys */
        break;
    }
    return n;
}

/* Parses a stored key back; false for a key of another shape. */
static bool agenda_key_parse(const MDB_val *k, enum store_agenda_kind kind,
                             struct store_agenda_key *key)
{
    const uint8_t *p = k->mv_data;
    size_t head = 8 + 1 + date_bytes(kind);
    if (k->mv_size < head)
        return false;
    memset(key, 0, sizeof(*key));
    key->owner_id = store_u64_from_key(p);
    key->kind = kind;
    key->date = get_date(p + 9, kind);
    size_t rest = k->mv_size - head;
    p += head;
    switch (kind) {
    case STORE_AGENDA_BIRTHDAY:
    case STORE_AGENDA_STAY_DUE:
    case STORE_AGENDA_STAY_SINCE:
    case STORE_AGENDA_STAY_NEW:
        if (rest != 16)
            return false;
        memcpy(key->client_id, p, 16);
        return true;
    case STORE_AGENDA_FOLLOW_UP:
    case STORE_AGENDA_EVENT:
    case STORE_AGENDA_SNOOZED:
        if (rest != 24)
            return false;
        memcpy(key->client_id, p, 16);
        key->seq = store_u64_from_key(p + 16);
        return true;
    case STORE_AGENDA_OFFER:
    case STORE_AGENDA_TASK:
    case STORE_AGENDA_RENEWAL:
    case STORE_AGENDA_LAPSE:
        if (rest != 8)
            return false;
        key->seq = store_u64_from_key(p);
        return true;
    case STORE_AGENDA_COUPON:
        if (rest == 0 || rest > STORE_AGENDA_CODE_MAX)
            return false;
        memcpy(key->code, p, rest);
        key->code[rest] = '\0';
        return true;
    case STORE_AGENDA_AREA:
        return false;
    }
    return false;
}

int store_agenda_put(struct store *s, MDB_txn *txn, const struct store_agenda_key *key,
                     const void *value, size_t value_len)
{
    uint8_t buf[AGENDA_KEY_MAX];
    MDB_val k = {agenda_key(buf, key), buf};
    MDB_val v = {value != NULL ? value_len : 0, (void *)(value != NULL ? value : "")};
    return store_put_changed(txn, s->agenda, &k, &v);
}

int store_agenda_delete(struct store *s, MDB_txn *txn, const struct store_agenda_key *key)
{
    uint8_t buf[AGENDA_KEY_MAX];
    MDB_val k = {agenda_key(buf, key), buf};
    int rc = mdb_del(txn, s->agenda, &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int store_agenda_each(struct store *s, MDB_txn *txn, uint64_t owner_id, enum store_agenda_kind kind,
                      uint32_t from, uint32_t to, store_agenda_fn fn, void *ctx)
{
    if (from > to)
        return 0;
    uint8_t start[8 + 1 + 4];
    store_key_u64(start, owner_id);
    start[8] = (uint8_t)kind;
    put_date(start + 9, kind, from);
    size_t prefix = 9 + date_bytes(kind);

    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->agenda, &cur);
    if (rc != 0)
        return rc;
    MDB_val k = {prefix, start}, v;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size < prefix || memcmp(k.mv_data, start, 9) != 0)
            break;
        struct store_agenda_key key;
        if (!agenda_key_parse(&k, kind, &key))
            continue;
        if (key.date > to)
            break;
        rc = fn(ctx, &key, v.mv_data, v.mv_size);
        if (rc != 0)
            break;
    }
    mdb_cursor_close(cur);
    if (rc == MDB_NOTFOUND || rc == STORE_AGENDA_STOP)
        return 0;
    return rc;
}

/* ---------------------------------------------------------------- places */

#define AREA_KEY_MAX (8 + 1 + 1 + STORE_AGENDA_AREA_MAX + 1 + 16)

/* The key of place name (or, with id NULL, the prefix of its range) into
 * out; 0 when the name has no entry. */
static size_t area_key(uint8_t out[AREA_KEY_MAX], uint64_t owner_id, enum store_agenda_area area,
                       const char *name, const uint8_t *id)
{
    size_t len = strlen(name);
    if (len == 0 || len > STORE_AGENDA_AREA_MAX)
        return 0;
    size_t n = 0;
    store_key_u64(out, owner_id);
    n += 8;
    out[n++] = STORE_AGENDA_AREA;
    out[n++] = (uint8_t)area;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)name[i];
        out[n++] = c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
    }
    out[n++] = '\0';
    if (id != NULL) {
        memcpy(out + n, id, 16);
        n += 16;
    }
    return n;
}

int store_agenda_area_put(struct store *s, MDB_txn *txn, uint64_t owner_id,
                          enum store_agenda_area area, const char *name, const uint8_t id[16])
{
    uint8_t buf[AREA_KEY_MAX];
    MDB_val k = {area_key(buf, owner_id, area, name, id), buf}, v = {0, (void *)""};
    return k.mv_size == 0 ? 0 : store_put_changed(txn, s->agenda, &k, &v);
}

int store_agenda_area_delete(struct store *s, MDB_txn *txn, uint64_t owner_id,
                             enum store_agenda_area area, const char *name, const uint8_t id[16])
{
    uint8_t buf[AREA_KEY_MAX];
    MDB_val k = {area_key(buf, owner_id, area, name, id), buf};
    if (k.mv_size == 0)
        return 0;
    int rc = mdb_del(txn, s->agenda, &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int store_agenda_area_each(struct store *s, MDB_txn *txn, uint64_t owner_id,
                           enum store_agenda_area area, const char *name, store_agenda_area_fn fn,
                           void *ctx, uint64_t *count)
{
    *count = 0;
    uint8_t start[AREA_KEY_MAX];
    size_t prefix = area_key(start, owner_id, area, name, NULL);
    if (prefix == 0)
        return 0;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->agenda, &cur);
    if (rc != 0)
        return rc;
    MDB_val k = {prefix, start}, v;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != prefix + 16 || memcmp(k.mv_data, start, prefix) != 0)
            break;
        (*count)++;
        if (fn != NULL && (rc = fn(ctx, (const uint8_t *)k.mv_data + prefix)) != 0)
            break;
    }
    mdb_cursor_close(cur);
    if (rc == MDB_NOTFOUND || rc == STORE_AGENDA_STOP)
        return 0;
    return rc;
}
