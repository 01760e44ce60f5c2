/* store_rule.c - see store_rule.h.
 *
 * Rule ids are never reused: meta "rule_next_id" remembers the next one, so
 * an audit record naming a removed rule never comes to name another. */
#include "store_rule.h"

#include <errno.h>
#include <string.h>

#include "rule.h"
#include "store_meta.h"

#define RULE_NEXT_KEY "rule_next_id"
#define SEEDED_KEY    "seeded"

static int store_rule_meta_u64(struct store *s, MDB_txn *txn, const char *name, uint64_t *out)
{
    return store_get_u64(txn, s->meta, name, strlen(name), out);
}

static int store_rule_meta_put_u64(struct store *s, MDB_txn *txn, const char *name, uint64_t value)
{
    return store_put_u64(txn, s->meta, name, strlen(name), value, 0);
}

int store_rule_add(struct store *s, MDB_txn *txn, Folio__Rule *rule)
{
    uint64_t id, remembered = 0;
    int rc = store_next_id(txn, s->rules, &id);
    if (rc != 0)
        return rc;
    rc = store_rule_meta_u64(s, txn, RULE_NEXT_KEY, &remembered);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    if (remembered > id)
        id = remembered;
    if (id == UINT64_MAX)
        return EOVERFLOW;
    Folio__Rule rec = *rule;
    rec.id = id;
    rc = store_put_by_id(txn, s->rules, id, &rec.base, MDB_NOOVERWRITE);
    if (rc == 0)
        rc = store_rule_meta_put_u64(s, txn, RULE_NEXT_KEY, id + 1);
    if (rc != 0)
        return rc;
    rule->id = id;
    return 0;
}

int store_rule_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                   Folio__Rule **out)
{
    return store_get_by_id(txn, s->rules, id, &folio__rule__descriptor, arena, (void **)out);
}

int store_rule_put(struct store *s, MDB_txn *txn, const Folio__Rule *rule)
{
    return store_put_by_id(txn, s->rules, rule->id, &rule->base, 0);
}

int store_rule_remove(struct store *s, MDB_txn *txn, uint64_t id)
{
    uint8_t key[8];
    store_key_u64(key, id);
    MDB_val k = {sizeof(key), key};
    return mdb_del(txn, s->rules, &k, NULL);
}

int store_rule_list(struct store *s, MDB_txn *txn, struct arena *arena, Folio__Rule ***out,
                    size_t *count)
{
    /* Only RULE_COUNT_MAX can be added; more means damage, not a big firm. */
    return store_list_messages(txn, s->rules, &folio__rule__descriptor, RULE_COUNT_MAX, arena,
                               (void ***)out, count);
}

int store_rule_count(struct store *s, MDB_txn *txn, size_t *count)
{
    MDB_stat st;
    int rc = mdb_stat(txn, s->rules, &st);
    *count = rc == 0 ? st.ms_entries : 0;
    return rc;
}

static int store_rule_seed_calendar(struct store *s, MDB_txn *txn)
{
    struct arena scratch;
    arena_init(&scratch, 0);
    Folio__Calendar *existing;
    int rc = store_meta_calendar_get(s, txn, &scratch, &existing);
    arena_free(&scratch);
    if (rc != MDB_NOTFOUND)
        return rc; /* 0: a calendar is already there; keep it */
    return store_meta_calendar_put(s, txn, rule_default_calendar());
}

int store_rule_seed(struct store *s, MDB_txn *txn, int64_t now)
{
    uint64_t seeded_at;
    int rc = store_rule_meta_u64(s, txn, SEEDED_KEY, &seeded_at);
    if (rc != MDB_NOTFOUND)
        return rc; /* 0: done before */
    const Folio__Rule *const *defaults;
    size_t n = rule_defaults(&defaults);
    for (size_t i = 0; i < n; i++) {
        Folio__Rule rule = *defaults[i];
        rule.created_at = now;
        rc = store_rule_add(s, txn, &rule);
        if (rc != 0)
            return rc;
    }
    rc = store_rule_seed_calendar(s, txn);
    if (rc != 0)
        return rc;
    return store_rule_meta_put_u64(s, txn, SEEDED_KEY, now < 0 ? 0 : (uint64_t)now);
}
