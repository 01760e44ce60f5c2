/* store_session.c - see store_session.h.
 *
 * sessions_by_user holds one duplicate per session: user id -> token hash.
 * Every change to sessions goes through here and updates both tables. Where
 * a scan deletes what it walks, it seeks afresh after each delete instead of
 * trusting where a cursor lands once its item is gone.
 */
#include "store_session.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <sodium.h>

void store_session_key(uint8_t key[STORE_SESSION_KEY_BYTES],
                       const uint8_t token[STORE_SESSION_TOKEN_BYTES])
{
    crypto_generichash(key, STORE_SESSION_KEY_BYTES, token, STORE_SESSION_TOKEN_BYTES, NULL, 0);
}

/* The owner and expiry of the session under key, without an arena. */
static int session_peek(struct store *s, MDB_txn *txn, const uint8_t *key, uint64_t *user_id,
                        int64_t *expires_at)
{
    Folio__Session *session;
    int rc = store_get_message(txn, s->sessions, key, STORE_SESSION_KEY_BYTES,
                               &folio__session__descriptor, NULL, (void **)&session);
    if (rc != 0)
        return rc;
    *user_id = session->user_id;
    *expires_at = session->expires_at;
    folio__session__free_unpacked(session, NULL);
    return 0;
}

/* Removes the (user, key) pair from sessions_by_user; absent is fine. */
static int session_unindex(struct store *s, MDB_txn *txn, uint64_t user_id, const uint8_t *key)
{
    uint8_t ukey[8];
    store_key_u64(ukey, user_id);
    MDB_val k = {sizeof(ukey), ukey};
    MDB_val v = {STORE_SESSION_KEY_BYTES, (void *)key};
    int rc = mdb_del(txn, s->sessions_by_user, &k, &v);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int store_session_get(struct store *s, MDB_txn *txn, const uint8_t key[STORE_SESSION_KEY_BYTES],
                      struct arena *arena, Folio__Session **out)
{
    return store_get_message(txn, s->sessions, key, STORE_SESSION_KEY_BYTES,
                             &folio__session__descriptor, arena, (void **)out);
}

int store_session_put(struct store *s, MDB_txn *txn, const uint8_t key[STORE_SESSION_KEY_BYTES],
                      const Folio__Session *session)
{
    store_auth_changed(s);
    /* Replacing a session that belonged to someone else must not leave it
     * findable under its old owner. */
    uint64_t old_user;
    int64_t old_expiry;
    int rc = session_peek(s, txn, key, &old_user, &old_expiry);
    if (rc == 0 && old_user != session->user_id)
        rc = session_unindex(s, txn, old_user, key);
    else if (rc == MDB_NOTFOUND || rc == EINVAL)
        rc = 0; /* new, or unreadable: overwritten below either way */
    if (rc != 0)
        return rc;
    rc = store_put_message(txn, s->sessions, key, STORE_SESSION_KEY_BYTES, &session->base, 0);
    if (rc != 0)
        return rc;
    uint8_t ukey[8];
    store_key_u64(ukey, session->user_id);
    MDB_val k = {sizeof(ukey), ukey};
    MDB_val v = {STORE_SESSION_KEY_BYTES, (void *)key};
    /* Putting a pair that is already there is a no-op in a DUPSORT table. */
    return mdb_put(txn, s->sessions_by_user, &k, &v, 0);
}

int store_session_delete(struct store *s, MDB_txn *txn, const uint8_t key[STORE_SESSION_KEY_BYTES])
{
    store_auth_changed(s);
    uint64_t user_id;
    int64_t expires_at;
    int rc = session_peek(s, txn, key, &user_id, &expires_at);
    if (rc != 0 && rc != EINVAL)
        return rc;
    /* An unreadable record names no owner; purge_expired drops the index
     * entry it leaves behind. */
    bool known = rc == 0;
    MDB_val k = {STORE_SESSION_KEY_BYTES, (void *)key};
    rc = mdb_del(txn, s->sessions, &k, NULL);
    if (rc != 0 || !known)
        return rc;
    return session_unindex(s, txn, user_id, key);
}

/* Moves the cursor over sessions_by_user as op says (MDB_SET: the user's
 * first entry; MDB_NEXT_DUP; MDB_GET_BOTH_RANGE: the first from hash on)
 * and copies out the hash it stands on: values point into pages a write
 * may move. */
static int session_index_get(MDB_cursor *cur, const uint8_t ukey[8], MDB_cursor_op op,
                             uint8_t hash[STORE_SESSION_KEY_BYTES])
{
    MDB_val k = {8, (void *)ukey};
    MDB_val v = {STORE_SESSION_KEY_BYTES, hash};
    int rc = mdb_cursor_get(cur, &k, &v, op);
    if (rc != 0)
        return rc;
    if (v.mv_size != STORE_SESSION_KEY_BYTES)
        return EINVAL;
    memcpy(hash, v.mv_data, STORE_SESSION_KEY_BYTES);
    return 0;
}

int store_session_delete_user(struct store *s, MDB_txn *txn, uint64_t user_id, size_t *ended)
{
    store_auth_changed(s);
    if (ended != NULL)
        *ended = 0;
    uint8_t ukey[8];
    store_key_u64(ukey, user_id);
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->sessions_by_user, &cur);
    if (rc != 0)
        return rc;
    /* Only the sessions table changes while the cursor walks the index;
     * the index entries go in one delete afterwards. */
    size_t n = 0;
    uint8_t hash[STORE_SESSION_KEY_BYTES];
    for (rc = session_index_get(cur, ukey, MDB_SET, hash); rc == 0;
         rc = session_index_get(cur, ukey, MDB_NEXT_DUP, hash)) {
        MDB_val sk = {sizeof(hash), hash};
        rc = mdb_del(txn, s->sessions, &sk, NULL);
        if (rc == 0)
            n++;
        else if (rc != MDB_NOTFOUND)
            break;
    }
    mdb_cursor_close(cur);
    if (rc != MDB_NOTFOUND)
        return rc;
    MDB_val k = {sizeof(ukey), ukey};
    rc = mdb_del(txn, s->sessions_by_user, &k, NULL);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    if (ended != NULL)
        *ended = n;
    return 0;
}

int store_session_purge_expired(struct store *s, MDB_txn *txn, uint64_t user_id, int64_t now)
{
    store_auth_changed(s);
    uint8_t ukey[8];
    store_key_u64(ukey, user_id);
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->sessions_by_user, &cur);
    if (rc != 0)
        return rc;
    uint8_t hash[STORE_SESSION_KEY_BYTES];
    rc = session_index_get(cur, ukey, MDB_SET, hash);
    while (rc == 0) {
        uint64_t owner;
        int64_t expires_at;
        rc = session_peek(s, txn, hash, &owner, &expires_at);
        /* Index entries that lead nowhere, or to another user's session,
         * go too; a record that does not unpack counts as expired. */
        bool unindex, expired;
        if (rc == 0) {
            expired = owner == user_id && expires_at < now;
            unindex = expired || owner != user_id;
        } else if (rc == MDB_NOTFOUND || rc == EINVAL) {
            expired = rc == EINVAL;
            unindex = true;
        } else {
            break;
        }
        if (!unindex) {
            rc = session_index_get(cur, ukey, MDB_NEXT_DUP, hash);
            continue;
        }
        if (expired) {
            MDB_val sk = {sizeof(hash), hash};
            if ((rc = mdb_del(txn, s->sessions, &sk, NULL)) != 0)
                break;
        }
        if ((rc = session_unindex(s, txn, user_id, hash)) != 0)
            break;
        /* Seek to the first hash after the one just removed. */
        rc = session_index_get(cur, ukey, MDB_GET_BOTH_RANGE, hash);
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}
