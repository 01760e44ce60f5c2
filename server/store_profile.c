/* store_profile.c - see store_profile.h. */
#include "store_profile.h"

int store_profile_get(struct store *s, MDB_txn *txn, uint64_t user_id, struct arena *arena,
                      Folio__AgentCard **out)
{
    return store_get_by_id(txn, s->profiles, user_id, &folio__agent_card__descriptor, arena,
                           (void **)out);
}

int store_profile_put(struct store *s, MDB_txn *txn, uint64_t user_id, const Folio__AgentCard *card)
{
    /* The user name is filled in replies; storing it would let it go stale. */
    Folio__AgentCard rec = *card;
    rec.user = (char *)protobuf_c_empty_string;
    return store_put_by_id(txn, s->profiles, user_id, &rec.base, 0);
}
