/* store_user.c - see store_user.h.
 *
 * users_by_name maps a lower-case name to the user's 8-byte id. store_user_put
 * is the only writer of either table, so it alone keeps them in step: it
 * claims the new name before writing the record and, on a rename, releases
 * the old name. A name whose index entry points at another id is taken.
 *
 * Scans that only need to look at a record (filters, counts) unpack it with
 * the default allocator and free it at once, so that records which are not
 * returned cost the caller's arena nothing.
 */
#include "store_user.h"

#include <errno.h>
#include <string.h>

/* LMDB's default key limit. Valid user names are far shorter, so a longer
 * name can never have been stored and is simply not found. */
#define USER_NAME_MAX 511
#define USER_LIST_MAX 1000

static char user_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Returns the length copied to buf, lower-cased, truncated to USER_NAME_MAX. */
static size_t user_name_key(char buf[USER_NAME_MAX], const char *name)
{
    size_t n = strnlen(name, USER_NAME_MAX);
    for (size_t i = 0; i < n; i++)
        buf[i] = user_lower(name[i]);
    return n;
}

static bool user_name_storable(const char *name)
{
    if (name == NULL || name[0] == '\0' || strnlen(name, USER_NAME_MAX + 1) > USER_NAME_MAX)
        return false;
    for (const char *p = name; *p != '\0'; p++) {
        if (*p != user_lower(*p))
            return false;
    }
    return true;
}

/* Compares a key with name lower-cased, in LMDB's default key order. */
static int user_key_cmp(const MDB_val *key, const char *name)
{
    const unsigned char *k = key->mv_data;
    size_t i = 0;
    for (; i < key->mv_size && name[i] != '\0'; i++) {
        unsigned char c = (unsigned char)user_lower(name[i]);
        if (k[i] != c)
            return k[i] < c ? -1 : 1;
    }
    if (i < key->mv_size)
        return 1;
    return name[i] != '\0' ? -1 : 0;
}

static int user_id_by_name(struct store *s, MDB_txn *txn, const char *key, size_t len, uint64_t *id)
{
    return store_get_u64(txn, s->users_by_name, key, len, id);
}

/* Reads the record of id without the caller's arena; free with
 * folio__user__free_unpacked(*out, NULL). */
static int user_peek(struct store *s, MDB_txn *txn, uint64_t id, Folio__User **out)
{
    return store_get_by_id(txn, s->users, id, &folio__user__descriptor, NULL, (void **)out);
}

/* Drops the index entry of the name user id has now, when it is about to
 * take another one. MDB_NOTFOUND when there is no user id. */
static int user_release_old_name(struct store *s, MDB_txn *txn, uint64_t id, const char *new_name)
{
    Folio__User *old;
    int rc = user_peek(s, txn, id, &old);
    if (rc != 0)
        return rc;
    if (old->name[0] != '\0' && strcmp(old->name, new_name) != 0) {
        uint64_t owner;
        rc = user_id_by_name(s, txn, old->name, strlen(old->name), &owner);
        if (rc == 0 && owner == id) {
            MDB_val k = {strlen(old->name), old->name};
            rc = mdb_del(txn, s->users_by_name, &k, NULL);
        } else if (rc == 0 || rc == MDB_NOTFOUND) {
            rc = 0;
        }
    }
    folio__user__free_unpacked(old, NULL);
    return rc;
}

int store_user_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                   Folio__User **out)
{
    return store_get_by_id(txn, s->users, id, &folio__user__descriptor, arena, (void **)out);
}

int store_user_find(struct store *s, MDB_txn *txn, const char *name, struct arena *arena,
                    Folio__User **out)
{
    if (name[0] == '\0' || strnlen(name, USER_NAME_MAX + 1) > USER_NAME_MAX)
        return MDB_NOTFOUND;
    char buf[USER_NAME_MAX];
    size_t len = user_name_key(buf, name);
    uint64_t id;
    int rc = user_id_by_name(s, txn, buf, len, &id);
    if (rc != 0)
        return rc;
    return store_user_get(s, txn, id, arena, out);
}

int store_user_put(struct store *s, MDB_txn *txn, Folio__User *user)
{
    store_auth_changed(s);
    if (!user_name_storable(user->name))
        return EINVAL;
    size_t name_len = strlen(user->name);
    uint64_t owner;
    int rc = user_id_by_name(s, txn, user->name, name_len, &owner);
    if (rc == 0 && owner != user->id)
        return MDB_KEYEXIST;
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    bool claim = rc == MDB_NOTFOUND;

    uint64_t id = user->id;
    if (id == 0)
        rc = store_next_id(txn, s->users, &id);
    else
        rc = user_release_old_name(s, txn, id, user->name);
    if (rc != 0)
        return rc;

    if (claim &&
        (rc = store_put_u64(txn, s->users_by_name, user->name, name_len, id, MDB_NOOVERWRITE)) != 0)
        return rc;
    /* The office name is filled in for replies; storing it would only let
     * it go stale. */
    Folio__User rec = *user;
    rec.id = id;
    rec.office = (char *)protobuf_c_empty_string;
    rc = store_put_by_id(txn, s->users, id, &rec.base, user->id == 0 ? MDB_NOOVERWRITE : 0);
    if (rc != 0)
        return rc;
    user->id = id;
    return 0;
}

struct user_page {
    struct store *s;
    const char *after;
    uint64_t office_id;
};

/* A users_by_name entry is on the page when its name sorts after the full
 * `after` (the seek was to the truncated one) and the user is of the office
 * asked for. A peeked user that is gone is damage, not the end of the list. */
static int user_page_belongs(void *ctx, MDB_txn *txn, const MDB_val *key, const MDB_val *value)
{
    const struct user_page *page = ctx;
    if (page->after != NULL && user_key_cmp(key, page->after) <= 0)
        return STORE_PAGE_SKIP;
    if (value->mv_size != 8)
        return EINVAL;
    if (page->office_id == 0)
        return 0;
    Folio__User *u;
    int rc = user_peek(page->s, txn, store_u64_from_key(value->mv_data), &u);
    if (rc != 0)
        return rc == MDB_NOTFOUND ? EINVAL : rc;
    bool match = u->office_id == page->office_id;
    folio__user__free_unpacked(u, NULL);
    return match ? 0 : STORE_PAGE_SKIP;
}

static int user_page_read(void *ctx, MDB_txn *txn, const MDB_val *key, const MDB_val *value,
                          struct arena *arena, void **record)
{
    (void)key;
    const struct user_page *page = ctx;
    return store_user_get(page->s, txn, store_u64_from_key(value->mv_data), arena,
                          (Folio__User **)record);
}

int store_user_list(struct store *s, MDB_txn *txn, const char *after, uint64_t office_id,
                    size_t limit, struct arena *arena, Folio__User ***out, size_t *count,
                    char **next)
{
    *next = NULL;
    if (limit == 0 || limit > USER_LIST_MAX)
        limit = USER_LIST_MAX;
    struct user_page page = {s, after != NULL && after[0] != '\0' ? after : NULL, office_id};
    char buf[USER_NAME_MAX];
    MDB_val start = {page.after != NULL ? user_name_key(buf, page.after) : 0, buf};
    struct store_page_walk walk = {
        .dbi = s->users_by_name,
        .start = page.after != NULL ? &start : NULL,
        .belongs = user_page_belongs,
        .read = user_page_read,
        .ctx = &page,
    };
    bool more;
    int rc = store_page_read(txn, &walk, limit, arena, (void ***)out, count, &more);
    if (rc == 0 && more) {
        *next = arena_strdup(arena, (*out)[*count - 1]->name);
        if (*next == NULL) {
            *out = NULL;
            *count = 0;
            rc = ENOMEM;
        }
    }
    return rc;
}

int store_user_count_active_firm_admins(struct store *s, MDB_txn *txn, size_t *count)
{
    *count = 0;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->users, &cur);
    if (rc != 0)
        return rc;
    MDB_val k, v;
    size_t n = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        Folio__User *u = folio__user__unpack(NULL, v.mv_size, v.mv_data);
        if (u == NULL) {
            rc = EINVAL;
            break;
        }
        if (u->role == FOLIO__ROLE__ROLE_FIRM_ADMIN && !u->disabled)
            n++;
        folio__user__free_unpacked(u, NULL);
    }
    mdb_cursor_close(cur);
    if (rc != MDB_NOTFOUND)
        return rc;
    *count = n;
    return 0;
}

int store_credential_get(struct store *s, MDB_txn *txn, uint64_t user_id, struct arena *arena,
                         Folio__Credential **out)
{
    return store_get_by_id(txn, s->credentials, user_id, &folio__credential__descriptor, arena,
                           (void **)out);
}

int store_credential_put(struct store *s, MDB_txn *txn, uint64_t user_id,
                         const Folio__Credential *cred)
{
    return store_put_by_id(txn, s->credentials, user_id, &cred->base, 0);
}
