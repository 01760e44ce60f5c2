/* store_campaign.c - see store_campaign.h.
 *
 * The owner index's key is owner id + campaign id, its value empty; a firm
 * campaign's owner there is STORE_CAMPAIGN_FIRM (0, which no user has). */
#include "store_campaign.h"

#include <errno.h>
#include <string.h>

#define CAMPAIGN_OWNER_KEY (8 + 8)

int store_campaign_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                       Folio__Campaign **out)
{
    return store_get_by_id(txn, s->campaigns, id, &folio__campaign__descriptor, arena,
                           (void **)out);
}

int store_campaign_put(struct store *s, MDB_txn *txn, Folio__Campaign *campaign)
{
    int rc;
    if (campaign->id == 0 && (rc = store_next_id(txn, s->campaigns, &campaign->id)) != 0)
        return rc;
    uint8_t key[CAMPAIGN_OWNER_KEY];
    store_key_u64(key, campaign->scope[0] != '\0' ? STORE_CAMPAIGN_FIRM : campaign->owner_id);
    store_key_u64(key + 8, campaign->id);
    MDB_val k = {sizeof(key), key}, empty = {0, NULL};
    if ((rc = store_put_changed(txn, s->campaigns_by_owner, &k, &empty)) != 0)
        return rc;
    Folio__Campaign rec = *campaign;
    rec.n_tally = 0;
    rec.tally = NULL;
    rec.accepted_bp = 0;
    rec.partner = (char *)protobuf_c_empty_string;
    rec.offers = 0;
    rec.agent = (char *)protobuf_c_empty_string;
    rec.office = (char *)protobuf_c_empty_string;
    rec.n_parts = 0;
    rec.parts = NULL;
    return store_put_by_id(txn, s->campaigns, campaign->id, &rec.base, 0);
}

struct campaign_page {
    struct store *s;
    MDB_txn *txn;
    struct arena *arena;
    uint64_t office_id; /* firm campaigns: only this office's; 0: all */
    size_t limit;
    Folio__Campaign **list;
    size_t count;
    bool more;
};

static int campaign_page_visit(void *ctx, const uint8_t *rest, size_t rest_len,
                               const MDB_val *value)
{
    (void)value;
    struct campaign_page *page = ctx;
    if (rest_len != 8)
        return EINVAL;
    if (page->count == page->limit) {
        page->more = true;
        return 1;
    }
    uint64_t id = store_u64_from_key(rest);
    if (page->office_id != 0) {
        /* Read outside the arena first: another office's campaigns are
         * passed over without growing it. */
        Folio__Campaign *c;
        int rc = store_campaign_get(page->s, page->txn, id, NULL, &c);
        if (rc == MDB_NOTFOUND)
            return EINVAL;
        if (rc != 0)
            return rc;
        bool theirs = strcmp(c->scope, "office") == 0 && c->office_id == page->office_id;
        folio__campaign__free_unpacked(c, NULL);
        if (!theirs)
            return 0;
    }
    int rc = store_campaign_get(page->s, page->txn, id, page->arena, &page->list[page->count]);
    if (rc == MDB_NOTFOUND)
        return EINVAL; /* an index entry without its record: damage */
    if (rc != 0)
        return rc;
    page->count++;
    return 0;
}

static int campaign_list(struct store *s, MDB_txn *txn, uint64_t owner_id, uint64_t office_id,
                         uint64_t after, size_t limit, struct arena *arena, Folio__Campaign ***out,
                         size_t *count, bool *more)
{
    struct campaign_page page = {
        .s = s, .txn = txn, .arena = arena, .office_id = office_id, .limit = limit};
    if ((page.list = arena_calloc(arena, limit > 0 ? limit : 1, sizeof(*page.list))) == NULL)
        return ENOMEM;
    uint8_t prefix[8], start[CAMPAIGN_OWNER_KEY];
    store_key_u64(prefix, owner_id);
    memcpy(start, prefix, 8);
    store_key_u64(start + 8, after + 1);
    /* No id comes after the largest: that page is empty. */
    int rc = after == UINT64_MAX
                 ? 0
                 : store_each_with_prefix_from(txn, s->campaigns_by_owner, prefix, sizeof(prefix),
                                               start, sizeof(start), campaign_page_visit, &page);
    if (rc != 0 && rc != 1)
        return rc;
    *out = page.list;
    *count = page.count;
    *more = page.more;
    return 0;
}

int store_campaign_list(struct store *s, MDB_txn *txn, uint64_t owner_id, uint64_t after,
                        size_t limit, struct arena *arena, Folio__Campaign ***out, size_t *count,
                        bool *more)
{
    return campaign_list(s, txn, owner_id, 0, after, limit, arena, out, count, more);
}

int store_campaign_list_firm(struct store *s, MDB_txn *txn, uint64_t office_id, uint64_t after,
                             size_t limit, struct arena *arena, Folio__Campaign ***out,
                             size_t *count, bool *more)
{
    return campaign_list(s, txn, STORE_CAMPAIGN_FIRM, office_id, after, limit, arena, out, count,
                         more);
}
