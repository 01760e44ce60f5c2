/* store_meta.c - see store_meta.h. */
#include "store_meta.h"

#define META_FIRM_KEY "firm"

int store_meta_firm_get(struct store *s, MDB_txn *txn, struct arena *arena, Folio__Firm **out)
{
    return store_get_message(txn, s->meta, META_FIRM_KEY, sizeof(META_FIRM_KEY) - 1,
                             &folio__firm__descriptor, arena, (void **)out);
}

int store_meta_firm_put(struct store *s, MDB_txn *txn, const Folio__Firm *firm)
{
    return store_put_message(txn, s->meta, META_FIRM_KEY, sizeof(META_FIRM_KEY) - 1, &firm->base,
                             0);
}

#define META_CALENDAR_KEY "calendar"

int store_meta_calendar_get(struct store *s, MDB_txn *txn, struct arena *arena,
                            Folio__Calendar **out)
{
    return store_get_message(txn, s->meta, META_CALENDAR_KEY, sizeof(META_CALENDAR_KEY) - 1,
                             &folio__calendar__descriptor, arena, (void **)out);
}

int store_meta_calendar_put(struct store *s, MDB_txn *txn, const Folio__Calendar *calendar)
{
    return store_put_message(txn, s->meta, META_CALENDAR_KEY, sizeof(META_CALENDAR_KEY) - 1,
                             &calendar->base, 0);
}
