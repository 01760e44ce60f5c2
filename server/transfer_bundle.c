/* transfer_bundle.c - see transfer_bundle.h.
 *
 * A bundle lists each client followed by its timeline (oldest first), its
 * offers and its coupons, then the agent's card. Owner and campaign ids
 * mean nothing at another firm, so they travel as 0 and a coupon carries
 * its partner's name instead of the partner's id. Memory stays bounded by one record at a time:
 * every record is read into a scratch arena dropped right after it. */
#include "transfer_bundle.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "agenda_mark.h"
#include "agent_card.h"
#include "arena.h"
#include "array_size.h"
#include "bundle.h"
#include "calendar.h"
#include "client_record.h"
#include "coupon.h"
#include "holding.h"
#include "offer.h"
#include "store_agenda.h"
#include "store_agenda_state.h"
#include "store_client.h"
#include "store_coupon.h"
#include "store_holding.h"
#include "store_offer.h"
#include "store_partner.h"
#include "store_profile.h"
#include "store_task.h"
#include "store_tombstone.h"
#include "task.h"

#define TRANSFER_EVENT_KEY  (16 + 8) /* timeline: client id + seq */
#define TRANSFER_CODE_MAX   STORE_AGENDA_CODE_MAX
#define TRANSFER_CODE_TRIES 16

/* ---------------------------------------------------------------- select */

static int transfer_selection_add(struct transfer_selection *sel, size_t *cap, const uint8_t id[16])
{
    if (sel->count >= TRANSFER_CLIENTS_MAX)
        return E2BIG;
    if (sel->count == *cap) {
        size_t n = *cap == 0 ? 64 : *cap * 2;
        void *more = realloc(sel->ids, n * sizeof(*sel->ids));
        if (more == NULL)
            return ENOMEM;
        sel->ids = more;
        *cap = n;
    }
    memcpy(sel->ids[sel->count++], id, 16);
    return 0;
}

struct transfer_collect {
    struct transfer_selection *sel;
    size_t cap;
    uint64_t transferred_from; /* 0: every client */
};

static int transfer_collect_one(void *ctx, const uint8_t id[STORE_CLIENT_ID_BYTES],
                                const Folio__Client *client)
{
    struct transfer_collect *c = ctx;
    if (c->transferred_from != 0 && client->transferred_from != c->transferred_from)
        return 0;
    return transfer_selection_add(c->sel, &c->cap, id);
}

int transfer_select_released(struct store *s, MDB_txn *txn, uint64_t agent_id,
                             struct transfer_selection *sel)
{
    *sel = (struct transfer_selection){0};
    struct transfer_collect c = {sel, 0, agent_id};
    int rc = store_client_each(s, txn, 0, NULL, transfer_collect_one, &c);
    if (rc != 0)
        transfer_selection_free(sel);
    return rc;
}

int transfer_select(struct store *s, MDB_txn *txn, uint64_t owner_id, char **ids, size_t n_ids,
                    struct transfer_selection *sel, const char **missing)
{
    *sel = (struct transfer_selection){0};
    *missing = NULL;
    size_t cap = 0;
    if (n_ids == 0) {
        struct transfer_collect c = {sel, 0, 0};
        int rc = store_client_each(s, txn, owner_id, NULL, transfer_collect_one, &c);
        if (rc != 0)
            transfer_selection_free(sel);
        return rc;
    }
    if (n_ids > TRANSFER_CLIENTS_MAX)
        return E2BIG;
    struct arena scratch;
    arena_init(&scratch, 0);
    int rc = 0;
    for (size_t i = 0; i < n_ids && rc == 0 && *missing == NULL; i++) {
        uint8_t id[16];
        Folio__Client *client = NULL;
        if (client_id_parse(ids[i], id) != 0) {
            *missing = ids[i];
            break;
        }
        rc = store_client_get(s, txn, id, &scratch, &client);
        if (rc == MDB_NOTFOUND || (rc == 0 && client->owner_id != owner_id)) {
            *missing = ids[i];
            rc = 0;
        } else if (rc == 0) {
            bool seen = false;
            for (size_t j = 0; j < sel->count && !seen; j++)
                seen = memcmp(sel->ids[j], id, 16) == 0;
            if (!seen)
                rc = transfer_selection_add(sel, &cap, id);
        }
        arena_free(&scratch);
        arena_init(&scratch, 0);
    }
    arena_free(&scratch);
    if (rc != 0 || *missing != NULL)
        transfer_selection_free(sel);
    return rc;
}

void transfer_selection_free(struct transfer_selection *sel)
{
    free(sel->ids);
    *sel = (struct transfer_selection){0};
}

/* ---------------------------------------------------------------- write */

/* One walk over the selection: counts when w is NULL, writes records
 * otherwise. */
struct transfer_walk {
    struct store *s;
    MDB_txn *txn;
    struct bundle_writer *w;
    Folio__BundleHeader *header;
    const uint8_t *client; /* the client whose records are being walked */
    uint8_t (*sorted)[16]; /* the selection's ids in order, to tell who goes along */
    size_t n_sorted;
};

static int transfer_id_order(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

static bool transfer_selected(const struct transfer_walk *walk, const char *client_id)
{
    uint8_t id[16];
    return client_id_parse(client_id, id) == 0 &&
           bsearch(id, walk->sorted, walk->n_sorted, 16, transfer_id_order) != NULL;
}

/* A household link travels only to a client exported with it: a bundle
 * links nobody it does not hold (transfer_walk_household says which
 * stayed behind). */
static void transfer_keep_household(const struct transfer_walk *walk, Folio__Client *client)
{
    size_t kept = 0;
    for (size_t i = 0; i < client->n_household; i++)
        if (transfer_selected(walk, client->household[i]->client_id))
            client->household[kept++] = client->household[i];
    client->n_household = kept;
}

static int transfer_walk_add(struct transfer_walk *walk, Folio__BundleRecord *rec)
{
    return bundle_writer_add(walk->w, rec);
}

/* Reads one record into the scratch arena a, in the form it travels in,
 * and points rec at it. */
typedef int (*transfer_read_fn)(struct transfer_walk *walk, const uint8_t *key, size_t key_len,
                                const MDB_val *value, struct arena *a, Folio__BundleRecord *rec);

/* One record: counted in *count on the counting pass (count is NULL for
 * the card, which is only written), read and written on the other. */
static int transfer_walk_one(struct transfer_walk *walk, uint64_t *count, transfer_read_fn read,
                             const uint8_t *key, size_t key_len, const MDB_val *value)
{
    if (walk->w == NULL) {
        if (count != NULL)
            (*count)++;
        return 0;
    }
    struct arena a;
    arena_init(&a, 0);
    Folio__BundleRecord rec = FOLIO__BUNDLE_RECORD__INIT;
    int rc = read(walk, key, key_len, value, &a, &rec);
    if (rc == 0)
        rc = transfer_walk_add(walk, &rec);
    arena_free(&a);
    return rc;
}

static int transfer_read_event(struct transfer_walk *walk, const uint8_t *key, size_t key_len,
                               const MDB_val *value, struct arena *a, Folio__BundleRecord *rec)
{
    (void)key;
    (void)key_len;
    Folio__TimelineEvent *ev =
        folio__timeline_event__unpack(&a->allocator, value->mv_size, value->mv_data);
    if (ev == NULL)
        return EINVAL;
    char *text = arena_alloc(a, CLIENT_ID_TEXT + 1);
    if (text == NULL)
        return ENOMEM;
    client_id_format(walk->client, text);
    ev->client_id = text;
    ev->seq = 0;
    rec->item_case = FOLIO__BUNDLE_RECORD__ITEM_EVENT;
    rec->event = ev;
    return 0;
}

static int transfer_read_offer(struct transfer_walk *walk, const uint8_t *key, size_t key_len,
                               const MDB_val *value, struct arena *a, Folio__BundleRecord *rec)
{
    (void)key_len;
    (void)value;
    Folio__Offer *offer;
    int rc = store_offer_get(walk->s, walk->txn, store_u64_from_key(key), a, &offer);
    if (rc != 0)
        return rc;
    offer->id = 0;
    offer->owner_id = 0;
    offer->campaign_id = 0;
    offer->agent = NULL;
    offer->client_name = (char *)"";
    rec->item_case = FOLIO__BUNDLE_RECORD__ITEM_OFFER;
    rec->offer = offer;
    return 0;
}

static int transfer_read_holding(struct transfer_walk *walk, const uint8_t *key, size_t key_len,
                                 const MDB_val *value, struct arena *a, Folio__BundleRecord *rec)
{
    (void)key_len;
    (void)value;
    Folio__Holding *holding;
    int rc = store_holding_get(walk->s, walk->txn, store_u64_from_key(key), a, &holding);
    if (rc != 0)
        return rc;
    holding->id = 0;
    holding->owner_id = 0;
    holding->client_name = (char *)"";
    rec->item_case = FOLIO__BUNDLE_RECORD__ITEM_HOLDING;
    rec->holding = holding;
    return 0;
}

static int transfer_read_coupon(struct transfer_walk *walk, const uint8_t *key, size_t key_len,
                                const MDB_val *value, struct arena *a, Folio__BundleRecord *rec)
{
    (void)value;
    char code[TRANSFER_CODE_MAX + 1];
    memcpy(code, key, key_len);
    code[key_len] = '\0';
    Folio__Coupon *coupon;
    Folio__Partner *partner;
    int rc = store_coupon_get(walk->s, walk->txn, code, a, &coupon);
    if (rc != 0)
        return rc;
    rc = store_partner_get(walk->s, walk->txn, coupon->partner_id, a, &partner);
    if (rc == 0)
        coupon->partner = partner->name;
    else if (rc != MDB_NOTFOUND)
        return rc;
    coupon->partner_id = 0;
    coupon->owner_id = 0;
    coupon->campaign_id = 0;
    coupon->client_name = (char *)"";
    rec->item_case = FOLIO__BUNDLE_RECORD__ITEM_COUPON;
    rec->coupon = coupon;
    return 0;
}

static int transfer_read_state(struct transfer_walk *walk, const uint8_t *key, size_t key_len,
                               const MDB_val *value, struct arena *a, Folio__BundleRecord *rec)
{
    (void)key;
    (void)key_len;
    Folio__AgendaState *state =
        folio__agenda_state__unpack(&a->allocator, value->mv_size, value->mv_data);
    char *text = arena_alloc(a, CLIENT_ID_TEXT + 1);
    if (state == NULL || text == NULL)
        return state == NULL ? EINVAL : ENOMEM;
    client_id_format(walk->client, text);
    state->client_id = text;
    rec->item_case = FOLIO__BUNDLE_RECORD__ITEM_AGENDA_STATE;
    rec->agenda_state = state;
    return 0;
}

static int transfer_read_task(struct transfer_walk *walk, const uint8_t *key, size_t key_len,
                              const MDB_val *value, struct arena *a, Folio__BundleRecord *rec)
{
    (void)value;
    (void)key_len;
    Folio__Task *task;
    int rc = store_task_get(walk->s, walk->txn, store_u64_from_key(key), a, &task);
    if (rc != 0)
        return rc;
    task->id = 0;
    task->owner_id = 0;
    rec->item_case = FOLIO__BUNDLE_RECORD__ITEM_TASK;
    rec->task = task;
    return 0;
}

static int transfer_read_client(struct transfer_walk *walk, const uint8_t *key, size_t key_len,
                                const MDB_val *value, struct arena *a, Folio__BundleRecord *rec)
{
    (void)key_len;
    (void)value;
    Folio__Client *client;
    int rc = store_client_get(walk->s, walk->txn, key, a, &client);
    if (rc != 0)
        return rc;
    client->owner_id = 0;
    client->owner = (char *)"";
    client->income_trend = (char *)"";
    client->transferred_from = 0;
    client->transferred_at = 0;
    transfer_keep_household(walk, client);
    rec->item_case = FOLIO__BUNDLE_RECORD__ITEM_CLIENT;
    rec->client = client;
    return 0;
}

/* The links a client leaves behind in this bundle, as a note at the end of
 * its timeline there, so that the agent who imports it knows who the
 * spouse or child was; NULL when every link goes along. */
static char *transfer_household_left(struct transfer_walk *walk, const uint8_t id[16],
                                     struct arena *a)
{
    Folio__Client *client;
    if (store_client_get(walk->s, walk->txn, id, a, &client) != 0)
        return NULL;
    char *note = NULL;
    size_t left_out = 0;
    for (size_t i = 0; i < client->n_household; i++) {
        const Folio__HouseholdLink *link = client->household[i];
        if (transfer_selected(walk, link->client_id))
            continue;
        uint8_t other_id[16];
        Folio__Client *other = NULL;
        if (client_id_parse(link->client_id, other_id) == 0)
            (void)store_client_get(walk->s, walk->txn, other_id, a, &other);
        char *part =
            arena_printf(a, "link to %s (%s) as %s dropped: not exported with this client",
                         other != NULL ? other->name : "a client", link->client_id, link->relation);
        if (part == NULL || (note = client_note_add(a, note, part, &left_out)) == NULL)
            return NULL;
    }
    return client_note_close(a, note, left_out);
}

static int transfer_walk_household(struct transfer_walk *walk, const uint8_t id[16])
{
    struct arena a;
    arena_init(&a, 0);
    char *note = transfer_household_left(walk, id, &a);
    int rc = 0;
    if (note != NULL && walk->w == NULL)
        walk->header->events++;
    else if (note != NULL) {
        /* The day of the export in UTC: a bundle says when, not where. */
        char today[CALENDAR_DATE_TEXT + 1];
        calendar_today(walk->header->created_at, today);
        char client_text[CLIENT_ID_TEXT + 1];
        client_id_format(id, client_text);
        Folio__TimelineEvent ev;
        /* The importing firm names its own actor (transfer_shape_event). */
        client_household_event(&ev, walk->header->created_at, "", note, today);
        ev.client_id = client_text;
        Folio__BundleRecord rec = FOLIO__BUNDLE_RECORD__INIT;
        rec.item_case = FOLIO__BUNDLE_RECORD__ITEM_EVENT;
        rec.event = &ev;
        rc = transfer_walk_add(walk, &rec);
    }
    arena_free(&a);
    return rc;
}

/* One index of a client's records (timeline, offers, coupons): the key
 * lengths after the client id that name a record, where the records are
 * counted and how one is read. */
struct transfer_index {
    struct transfer_walk *walk;
    MDB_dbi dbi;
    size_t min_len, max_len;
    uint64_t *count;
    transfer_read_fn read;
};

/* store_prefix_fn over the client's keys in one index. */
static int transfer_walk_entry(void *ctx, const uint8_t *suffix, size_t len, const MDB_val *value)
{
    const struct transfer_index *index = ctx;
    if (len < index->min_len || len > index->max_len)
        return 0;
    return transfer_walk_one(index->walk, index->count, index->read, suffix, len, value);
}

static int transfer_walk_client(struct transfer_walk *walk, const uint8_t id[16])
{
    int rc = transfer_walk_one(walk, &walk->header->clients, transfer_read_client, id, 16, NULL);
    walk->client = id;
    Folio__BundleHeader *h = walk->header;
    struct transfer_index indexes[] = {
        {walk, walk->s->timeline, TRANSFER_EVENT_KEY - 16, TRANSFER_EVENT_KEY - 16, &h->events,
         transfer_read_event},
        {walk, walk->s->offers_by_client, 8, 8, &h->offers, transfer_read_offer},
        {walk, walk->s->holdings_by_client, 8, 8, &h->holdings, transfer_read_holding},
        {walk, walk->s->coupons_by_client, 1, TRANSFER_CODE_MAX, &h->coupons, transfer_read_coupon},
        {walk, walk->s->agenda_states, 8, 8, &h->agenda_states, transfer_read_state},
        {walk, walk->s->tasks_by_client, 8, 8, &h->tasks, transfer_read_task},
    };
    for (size_t i = 0; i < ARRAY_SIZE(indexes) && rc == 0; i++) {
        rc = store_each_with_prefix(walk->txn, indexes[i].dbi, id, 16, transfer_walk_entry,
                                    &indexes[i]);
        if (rc == 0 && indexes[i].dbi == walk->s->timeline)
            rc = transfer_walk_household(walk, id);
    }
    return rc;
}

static int transfer_walk(struct transfer_walk *walk, const struct transfer_selection *sel)
{
    int rc = 0;
    for (size_t i = 0; i < sel->count && rc == 0; i++)
        rc = transfer_walk_client(walk, sel->ids[i]);
    return rc;
}

/* The agent's card, keyed by the agent's id. */
static int transfer_read_card(struct transfer_walk *walk, const uint8_t *key, size_t key_len,
                              const MDB_val *value, struct arena *a, Folio__BundleRecord *rec)
{
    (void)key_len;
    (void)value;
    Folio__AgentCard *card;
    int rc = store_profile_get(walk->s, walk->txn, store_u64_from_key(key), a, &card);
    if (rc != 0)
        return rc;
    card->user = (char *)"";
    rec->item_case = FOLIO__BUNDLE_RECORD__ITEM_CARD;
    rec->card = card;
    return 0;
}

static int transfer_walk_card(struct transfer_walk *walk, uint64_t agent_id)
{
    uint8_t key[8];
    store_key_u64(key, agent_id);
    int rc = transfer_walk_one(walk, NULL, transfer_read_card, key, sizeof(key), NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int transfer_bundle_write(struct store *s, MDB_txn *txn, int fd, const struct firm_key *key,
                          const struct transfer_selection *sel, uint64_t agent_id,
                          Folio__BundleHeader *header, uint64_t *size)
{
    /* The header comes first and holds the counts: count, then write. */
    header->format_version = BUNDLE_VERSION;
    header->public_key.data = (uint8_t *)key->public_key;
    header->public_key.len = sizeof(key->public_key);
    header->clients = header->events = header->offers = header->coupons = header->holdings = 0;
    header->agenda_states = header->tasks = 0;
    struct transfer_walk walk = {.s = s, .txn = txn, .header = header, .n_sorted = sel->count};
    if ((walk.sorted = malloc((sel->count > 0 ? sel->count : 1) * 16)) == NULL)
        return ENOMEM;
    if (sel->count > 0) {
        memcpy(walk.sorted, sel->ids, sel->count * 16);
        qsort(walk.sorted, sel->count, 16, transfer_id_order);
    }
    int rc = transfer_walk(&walk, sel);
    if (rc == 0 && (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0))
        rc = errno;
    struct bundle_writer w;
    if (rc == 0 && (rc = bundle_writer_open(&w, fd, header)) == 0) {
        walk.w = &w;
        if ((rc = transfer_walk(&walk, sel)) != 0 ||
            (rc = transfer_walk_card(&walk, agent_id)) != 0)
            bundle_writer_abandon(&w);
    }
    free(walk.sorted);
    if (rc != 0)
        return rc;
    if ((rc = bundle_writer_finish(&w, key->secret_key)) != 0)
        return rc;
    struct stat st;
    if (fstat(fd, &st) != 0)
        return errno;
    *size = (uint64_t)st.st_size;
    return 0;
}

/* ---------------------------------------------------------------- shape */

/* Each record of a bundle is put in the form it is stored in, then checked
 * with the functions local writes use (client_record.c, offer.c, coupon.c,
 * agent_card.c). Shaping touches no store: the pool stage runs it over the
 * whole file before the writer sees it (transfer_bundle_check), and the
 * write stage runs it again on what it stores, so no path stores an
 * unchecked record. */
struct transfer_shape {
    const struct transfer_rules *rules;
    char client_text[CLIENT_ID_TEXT + 1]; /* the client the records that follow belong to */
    bool have_client;
    uint64_t client_events; /* events of that client so far */
    uint64_t record_offset; /* where the record being shaped starts in the file */
    Folio__Code *code;
    char *why;
    size_t why_size;
};

static int transfer_refuse(struct transfer_shape *sh, Folio__Code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int transfer_refuse(struct transfer_shape *sh, Folio__Code code, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(sh->why, sh->why_size, fmt, args);
    va_end(args);
    *sh->code = code;
    return TRANSFER_REFUSED;
}

static int transfer_shape_client(struct transfer_shape *sh, Folio__Client *c, uint8_t id[16])
{
    if (c->id == NULL || client_id_parse(c->id, id) != 0)
        return transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT,
                               "bundle: a client without a valid id");
    client_id_format(id, sh->client_text);
    sh->have_client = true;
    sh->client_events = 0;
    c->id = sh->client_text;
    c->owner_id = sh->rules->agent_id;
    c->owner = (char *)"";
    c->income_trend = (char *)"";
    c->transferred_from = 0;
    c->transferred_at = 0;
    if (c->version == 0)
        c->version = 1;
    const char *why = client_validate(c);
    if (why != NULL)
        return transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT, "bundle: client %s: %s",
                               sh->client_text, why);
    return 0;
}

/* A record that follows a client must name that client. */
static int transfer_shape_owned(struct transfer_shape *sh, const char *client_id, const char *what)
{
    if (!sh->have_client || client_id == NULL || strcmp(client_id, sh->client_text) != 0)
        return transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT,
                               "bundle: %s that does not follow its client", what);
    return 0;
}

/* A day of slack for clocks a little ahead at the source. */
#define TRANSFER_CLOCK_SLACK (24 * 3600)

static int transfer_shape_event(struct transfer_shape *sh, Folio__TimelineEvent *ev)
{
    int rc = transfer_shape_owned(sh, ev->client_id, "an event");
    if (rc != 0)
        return rc;
    if (++sh->client_events > sh->rules->max_client_events)
        return transfer_refuse(sh, FOLIO__CODE__RESOURCE_EXHAUSTED,
                               "bundle: client %s has more than %llu events, the server's "
                               "--import-max-client-events",
                               sh->client_text, (unsigned long long)sh->rules->max_client_events);
    const char *why = client_event_validate(ev);
    if (why == NULL && (ev->time < 0 || ev->time - TRANSFER_CLOCK_SLACK > sh->rules->created_at))
        why = "time: not between 1970 and the bundle's creation";
    if (why != NULL)
        return transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT,
                               "bundle: an event of client %s: %s", sh->client_text, why);
    /* Whoever recorded it at the source is no user here. */
    ev->actor = (char *)sh->rules->actor;
    ev->seq = 0;
    ev->client_id = (char *)"";
    return 0;
}

static int transfer_shape_offer(struct transfer_shape *sh, Folio__Offer *offer)
{
    int rc = transfer_shape_owned(sh, offer->client_id, "an offer");
    if (rc != 0)
        return rc;
    offer->id = 0;
    offer->owner_id = sh->rules->agent_id;
    offer->client_id = sh->client_text;
    offer->agent = NULL;
    offer->client_name = (char *)"";
    /* Campaigns stay at their firm, and coupons get fresh codes here. */
    offer->campaign_id = 0;
    offer->coupon_code = (char *)"";
    const char *why = offer_validate_stored(offer);
    if (why != NULL)
        return transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT,
                               "bundle: an offer of client %s: %s", sh->client_text, why);
    return 0;
}

static int transfer_shape_holding(struct transfer_shape *sh, Folio__Holding *holding)
{
    int rc = transfer_shape_owned(sh, holding->client_id, "a holding");
    if (rc != 0)
        return rc;
    holding->id = 0;
    holding->owner_id = sh->rules->agent_id;
    holding->client_id = sh->client_text;
    holding->client_name = (char *)"";
    const char *why = holding_validate(holding);
    if (why != NULL)
        return transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT,
                               "bundle: a holding of client %s: %s", sh->client_text, why);
    return 0;
}

static int transfer_shape_coupon(struct transfer_shape *sh, Folio__Coupon *coupon)
{
    int rc = transfer_shape_owned(sh, coupon->client_id, "a coupon");
    if (rc != 0)
        return rc;
    const char *why = coupon_validate(coupon);
    if (why != NULL)
        return transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT,
                               "bundle: a coupon of client %s: %s", sh->client_text, why);
    /* Codes are bearer tokens made here only: the bundle's code is never
     * taken, whatever it is (the write stage gives a fresh one). */
    coupon->code = (char *)"";
    coupon->owner_id = sh->rules->agent_id;
    coupon->partner_id = 0;
    coupon->campaign_id = 0;
    coupon->client_id = sh->client_text;
    coupon->client_name = (char *)"";
    return 0;
}

/* A mark stays the client's: its id and copy are the source's, which the
 * agenda here derives alike (op_agenda.c). */
static int transfer_shape_state(struct transfer_shape *sh, Folio__AgendaState *state)
{
    int rc = transfer_shape_owned(sh, state->client_id, "an agenda mark");
    if (rc != 0)
        return rc;
    const char *why = agenda_mark_validate(state, sh->client_text);
    if (why != NULL)
        return transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT,
                               "bundle: an agenda mark of client %s: %s", sh->client_text, why);
    state->actor = (char *)sh->rules->actor;
    state->client_id = (char *)"";
    return 0;
}

static int transfer_shape_task(struct transfer_shape *sh, Folio__Task *task)
{
    int rc = transfer_shape_owned(sh, task->client_id, "a task");
    if (rc != 0)
        return rc;
    const char *why = task_validate(task);
    if (why != NULL)
        return transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT,
                               "bundle: a task about client %s: %s", sh->client_text, why);
    task->id = 0;
    task->owner_id = sh->rules->agent_id;
    task->client_id = sh->client_text;
    task->client_name = (char *)"";
    return 0;
}

static int transfer_shape_card(struct transfer_shape *sh, Folio__AgentCard *card)
{
    const char *why = agent_card_validate(card);
    if (why != NULL)
        return transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT, "bundle: the agent's card: %s",
                               why);
    card->user = (char *)"";
    return 0;
}

static int transfer_shape_record(struct transfer_shape *sh, Folio__BundleRecord *rec,
                                 uint8_t client_id[16])
{
    switch (rec->item_case) {
    case FOLIO__BUNDLE_RECORD__ITEM_CLIENT:
        return transfer_shape_client(sh, rec->client, client_id);
    case FOLIO__BUNDLE_RECORD__ITEM_EVENT:
        return transfer_shape_event(sh, rec->event);
    case FOLIO__BUNDLE_RECORD__ITEM_OFFER:
        return transfer_shape_offer(sh, rec->offer);
    case FOLIO__BUNDLE_RECORD__ITEM_COUPON:
        return transfer_shape_coupon(sh, rec->coupon);
    case FOLIO__BUNDLE_RECORD__ITEM_HOLDING:
        return transfer_shape_holding(sh, rec->holding);
    case FOLIO__BUNDLE_RECORD__ITEM_CARD:
        return transfer_shape_card(sh, rec->card);
    case FOLIO__BUNDLE_RECORD__ITEM_AGENDA_STATE:
        return transfer_shape_state(sh, rec->agenda_state);
    case FOLIO__BUNDLE_RECORD__ITEM_TASK:
        return transfer_shape_task(sh, rec->task);
    default: /* the header and the end: bundle_verify checked them */
        return 0;
    }
}

/* Reads the records of a verified bundle from offset (0: the first) and
 * hands each to fn; stops at the end, or at the first record fn does not
 * return 0 for (a refusal, or TRANSFER_BATCH_END). */
typedef int (*transfer_record_fn)(void *ctx, struct transfer_shape *sh, Folio__BundleRecord *rec);

static int transfer_each_record(int fd, uint64_t offset, struct transfer_shape *sh,
                                transfer_record_fn fn, void *ctx)
{
    char reason[256];
    struct bundle_reader r;
    if (bundle_reader_open(&r, fd, reason, sizeof(reason)) != 0)
        return transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT, "bundle: %s", reason);
    if (offset != 0 && bundle_reader_seek(&r, offset) != 0) {
        bundle_reader_close(&r);
        return transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT,
                               "bundle: cannot read on at byte %llu: %s",
                               (unsigned long long)offset, strerror(errno));
    }
    int rc = 0;
    for (;;) {
        struct arena a;
        arena_init(&a, 0);
        Folio__BundleRecord *rec;
        sh->record_offset = r.offset;
        int got = bundle_reader_next(&r, &a, &rec, reason, sizeof(reason));
        if (got < 0)
            rc = transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT, "bundle: %s", reason);
        else if (got > 0)
            rc = fn(ctx, sh, rec);
        arena_free(&a);
        if (got <= 0 || rc != 0)
            break;
    }
    bundle_reader_close(&r);
    return rc;
}

/* A batch is full: what a record function returns to stop the walk there. */
#define TRANSFER_BATCH_END 2

/* What may become of a client id here: new, already the agent's, released
 * from this same agent (it comes back as the bundle has it, the old record
 * goes), erased here, or taken. */
enum transfer_fate {
    TRANSFER_NEW,
    TRANSFER_MINE,
    TRANSFER_RELEASED,
    TRANSFER_ERASED,
    TRANSFER_TAKEN
};

struct transfer_check {
    struct store *s;
    MDB_txn *txn;
};

static int transfer_client_fate(struct store *s, MDB_txn *txn, const uint8_t id[16],
                                uint64_t agent_id, enum transfer_fate *fate);
static int transfer_refuse_taken(struct transfer_shape *sh);

static int transfer_check_one(void *ctx, struct transfer_shape *sh, Folio__BundleRecord *rec)
{
    struct transfer_check *check = ctx;
    uint8_t id[16];
    int rc = transfer_shape_record(sh, rec, id);
    if (rc != 0 || check->s == NULL || rec->item_case != FOLIO__BUNDLE_RECORD__ITEM_CLIENT)
        return rc;
    enum transfer_fate fate;
    if ((rc = transfer_client_fate(check->s, check->txn, id, sh->rules->agent_id, &fate)) != 0)
        return rc;
    return fate == TRANSFER_TAKEN ? transfer_refuse_taken(sh) : 0;
}

int transfer_bundle_check(int fd, struct store *s, MDB_txn *txn, const struct transfer_rules *rules,
                          Folio__Code *code, char *why, size_t why_size)
{
    struct transfer_shape sh = {.rules = rules, .code = code, .why = why, .why_size = why_size};
    struct transfer_check check = {.s = s, .txn = txn};
    return transfer_each_record(fd, 0, &sh, transfer_check_one, &check);
}

/* ---------------------------------------------------------------- apply */

struct transfer_apply {
    struct store *s;
    MDB_txn *txn;
    const struct transfer_rules *rules;
    struct transfer_counts *counts;
    struct transfer_batch *batch;
    uint64_t records;   /* applied in this batch */
    uint8_t client[16]; /* the client the records that follow belong to */
    bool skip;          /* that client stays as it is here: leave its records alone */
    uint64_t next_seq;  /* the number of its next event: it was added with none */
    /* The links of that client dropped on the way in, for a note at the end
     * of its timeline once its events are in (transfer_apply_note). */
    char *household_note;
    size_t household_left_out;
    struct arena scratch; /* the note's */
};

static int transfer_client_fate(struct store *s, MDB_txn *txn, const uint8_t id[16],
                                uint64_t agent_id, enum transfer_fate *fate)
{
    bool erased;
    int rc = store_tombstone_has(s, txn, id, &erased);
    if (rc != 0)
        return rc;
    struct arena a;
    arena_init(&a, 0);
    Folio__Client *here;
    rc = store_client_get(s, txn, id, &a, &here);
    if (rc == 0 && here->owner_id == agent_id)
        *fate = TRANSFER_MINE;
    else if (rc == 0 && (here->owner_id != 0 || here->transferred_from != agent_id))
        *fate = TRANSFER_TAKEN;
    else if (rc == 0)
        *fate = TRANSFER_RELEASED;
    else
        *fate = erased ? TRANSFER_ERASED : TRANSFER_NEW;
    arena_free(&a);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* One answer whoever holds the id, so an import tells nothing about other
 * agents' clients. */
static int transfer_refuse_taken(struct transfer_shape *sh)
{
    return transfer_refuse(sh, FOLIO__CODE__ALREADY_EXISTS,
                           "client %s cannot be imported here: this firm already has a client "
                           "with that id",
                           sh->client_text);
}

/* A household note on the timeline of a client here. */
static int transfer_household_note(struct transfer_apply *ap, const uint8_t id[16],
                                   const char *note)
{
    Folio__TimelineEvent ev;
    client_household_event(&ev, ap->rules->now, ap->rules->actor, note, ap->rules->today);
    return store_timeline_append(ap->s, ap->txn, id, &ev);
}

/* Writes the note of the links the last client lost on the way in, now
 * that its timeline is complete. */
static int transfer_apply_note(struct transfer_apply *ap)
{
    int rc = 0;
    if (ap->household_note != NULL) {
        char *note = client_note_close(&ap->scratch, ap->household_note, ap->household_left_out);
        rc = note != NULL ? transfer_household_note(ap, ap->client, note) : ENOMEM;
    }
    ap->household_note = NULL;
    ap->household_left_out = 0;
    arena_free(&ap->scratch);
    arena_init(&ap->scratch, 0);
    return rc;
}

/* Whether a link to other (not here) may wait for it later in the bundle:
 * not when it was erased here and the import skips erased clients. */
static int transfer_household_may_come(struct transfer_apply *ap, const uint8_t other[16],
                                       bool *may)
{
    bool erased = false;
    int rc = store_tombstone_has(ap->s, ap->txn, other, &erased);
    *may = !erased || ap->rules->allow_erased;
    return rc;
}

/* A link to a client already here holds only if that client is the
 * agent's and links back; a link to one not here yet stays, for the client
 * later in the bundle that links back (a bundle links only clients it
 * holds: transfer_keep_household). A link that does not hold is dropped,
 * with a note. */
static int transfer_household_check(struct transfer_apply *ap, Folio__Client *c)
{
    size_t kept = 0;
    for (size_t i = 0; i < c->n_household; i++) {
        const Folio__HouseholdLink *link = c->household[i];
        uint8_t other[16];
        if (client_id_parse(link->client_id, other) != 0)
            continue;
        Folio__Client *here = NULL;
        int rc = store_client_get(ap->s, ap->txn, other, &ap->scratch, &here);
        const char *why = NULL;
        bool may_come = true;
        if (rc == MDB_NOTFOUND) {
            rc = transfer_household_may_come(ap, other, &may_come);
            why = may_come ? NULL : "that client was erased here";
        } else if (rc == 0 && here->owner_id != ap->rules->agent_id)
            why = "that client is not the agent's here";
        else if (rc == 0 && client_household_find(here, c->id) < 0)
            why = "that client does not link back here";
        if (rc != 0)
            return rc;
        if (why == NULL) {
            c->household[kept++] = c->household[i];
            continue;
        }
        /* Another agent's client is not named. */
        bool named = here != NULL && rc == 0 && here->owner_id == ap->rules->agent_id;
        char *part =
            arena_printf(&ap->scratch, "link to %s (%s) as %s dropped: %s",
                         named ? here->name : "a client", link->client_id, link->relation, why);
        if (part == NULL ||
            (ap->household_note = client_note_add(&ap->scratch, ap->household_note, part,
                                                  &ap->household_left_out)) == NULL)
            return ENOMEM;
    }
    c->n_household = kept;
    return 0;
}

static int transfer_apply_client(struct transfer_apply *ap, struct transfer_shape *sh,
                                 Folio__Client *c)
{
    /* A batch ends before a client, so that each lands whole with its
     * timeline, offers and coupons. */
    if (ap->records >= ap->batch->max_records) {
        ap->batch->offset = sh->record_offset;
        return TRANSFER_BATCH_END;
    }
    ap->records++;
    int rc = transfer_apply_note(ap);
    if (rc != 0)
        return rc;
    if (ap->counts->added + ap->counts->unchanged + ap->counts->unerased + ap->counts->erased >=
        TRANSFER_CLIENTS_MAX)
        return transfer_refuse(sh, FOLIO__CODE__INVALID_ARGUMENT, "bundle: more than %u clients",
                               TRANSFER_CLIENTS_MAX);
    if ((rc = transfer_shape_client(sh, c, ap->client)) != 0)
        return rc;
    ap->skip = false;
    ap->next_seq = 1;
    enum transfer_fate fate;
    rc = transfer_client_fate(ap->s, ap->txn, ap->client, ap->rules->agent_id, &fate);
    if (rc != 0)
        return rc;
    switch (fate) {
    case TRANSFER_MINE:
        ap->skip = true;
        ap->counts->unchanged++;
        return 0;
    case TRANSFER_TAKEN:
        return transfer_refuse_taken(sh);
    case TRANSFER_RELEASED:
        /* Released from this agent earlier: the old record goes. */
        if ((rc = store_client_delete(ap->s, ap->txn, ap->client)) != 0 ||
            (rc = store_offer_delete_client(ap->s, ap->txn, ap->client)) != 0 ||
            (rc = store_holding_delete_client(ap->s, ap->txn, ap->client)) != 0 ||
            (rc = store_coupon_delete_client(ap->s, ap->txn, ap->client)) != 0)
            return rc;
        ap->counts->added++;
        break;
    case TRANSFER_ERASED:
        if (!ap->rules->allow_erased) {
            ap->skip = true;
            ap->counts->erased++;
            return 0;
        }
        if ((rc = store_tombstone_remove(ap->s, ap->txn, ap->client)) != 0)
            return rc;
        ap->counts->unerased++;
        break;
    case TRANSFER_NEW:
        ap->counts->added++;
        break;
    }
    if ((rc = transfer_household_check(ap, c)) != 0)
        return rc;
    return store_client_put(ap->s, ap->txn, ap->client, c);
}

static int transfer_apply_event(struct transfer_apply *ap, Folio__TimelineEvent *ev)
{
    /* The client was added by this import: its events are numbered from 1
     * in bundle order, without seeking the end of its timeline each time. */
    int rc = store_timeline_put(ap->s, ap->txn, ap->client, ap->next_seq, ev);
    if (rc == MDB_KEYEXIST)
        rc = store_timeline_append(ap->s, ap->txn, ap->client, ev);
    if (rc != 0)
        return rc;
    ap->next_seq = ev->seq + 1;
    /* The agenda entries an event stands behind, as adding it would make. */
    struct store_agenda_key key = {.owner_id = ap->rules->agent_id, .seq = ev->seq};
    memcpy(key.client_id, ap->client, 16);
    if (ev->follow_up[0] != '\0') {
        key.kind = STORE_AGENDA_FOLLOW_UP;
        key.date = calendar_text_key(ev->follow_up);
        if ((rc = store_agenda_put(ap->s, ap->txn, &key, NULL, 0)) != 0)
            return rc;
    }
    if (ev->trigger[0] != '\0') {
        key.kind = STORE_AGENDA_EVENT;
        key.date = calendar_text_key(ev->date);
        if ((rc = store_agenda_put(ap->s, ap->txn, &key, ev->trigger, strlen(ev->trigger))) != 0)
            return rc;
    }
    ap->counts->events++;
    return 0;
}

static int transfer_apply_coupon(struct transfer_apply *ap, Folio__Coupon *coupon)
{
    char fresh[COUPON_CODE_LEN + 1];
    struct arena a;
    arena_init(&a, 0);
    Folio__Coupon *taken;
    int rc = 0;
    for (int tries = 0;; tries++) {
        if (tries >= TRANSFER_CODE_TRIES) {
            rc = EAGAIN;
            break;
        }
        coupon_code_generate(fresh);
        rc = store_coupon_get(ap->s, ap->txn, fresh, &a, &taken);
        if (rc != 0)
            break;
    }
    arena_free(&a);
    if (rc != MDB_NOTFOUND)
        return rc;
    coupon->code = fresh;
    if ((rc = store_coupon_put(ap->s, ap->txn, coupon)) != 0)
        return rc;
    ap->counts->coupons++;
    return 0;
}

static int transfer_apply_card(struct transfer_apply *ap, Folio__AgentCard *card)
{
    struct arena a;
    arena_init(&a, 0);
    Folio__AgentCard *here;
    int rc = store_profile_get(ap->s, ap->txn, ap->rules->agent_id, &a, &here);
    arena_free(&a);
    if (rc != MDB_NOTFOUND)
        return rc;
    return store_profile_put(ap->s, ap->txn, ap->rules->agent_id, card);
}

static int transfer_apply_one(void *ctx, struct transfer_shape *sh, Folio__BundleRecord *rec)
{
    struct transfer_apply *ap = ctx;
    if (rec->item_case == FOLIO__BUNDLE_RECORD__ITEM_CLIENT)
        return transfer_apply_client(ap, sh, rec->client);
    ap->records++;
    int rc = transfer_shape_record(sh, rec, NULL);
    /* The card is the agent's, whatever became of the last client. */
    if (rc != 0 || (ap->skip && rec->item_case != FOLIO__BUNDLE_RECORD__ITEM_CARD))
        return rc;
    switch (rec->item_case) {
    case FOLIO__BUNDLE_RECORD__ITEM_EVENT:
        return transfer_apply_event(ap, rec->event);
    case FOLIO__BUNDLE_RECORD__ITEM_OFFER:
        if ((rc = store_offer_put(ap->s, ap->txn, rec->offer)) == 0)
            ap->counts->offers++;
        return rc;
    case FOLIO__BUNDLE_RECORD__ITEM_COUPON:
        return transfer_apply_coupon(ap, rec->coupon);
    case FOLIO__BUNDLE_RECORD__ITEM_HOLDING:
        if ((rc = store_holding_put(ap->s, ap->txn, rec->holding)) == 0)
            ap->counts->holdings++;
        return rc;
    case FOLIO__BUNDLE_RECORD__ITEM_CARD:
        return transfer_apply_card(ap, rec->card);
    case FOLIO__BUNDLE_RECORD__ITEM_AGENDA_STATE:
        return store_agenda_state_put(ap->s, ap->txn, ap->client, ap->rules->agent_id,
                                      strtoull(rec->agenda_state->item_id, NULL, 16),
                                      rec->agenda_state);
    case FOLIO__BUNDLE_RECORD__ITEM_TASK:
        return store_task_put(ap->s, ap->txn, rec->task);
    default:
        return 0;
    }
}

int transfer_bundle_apply(struct store *s, MDB_txn *txn, int fd, const struct transfer_rules *rules,
                          struct transfer_batch *batch, struct transfer_counts *counts,
                          Folio__Code *code, char *why, size_t why_size)
{
    struct transfer_shape sh = {.rules = rules, .code = code, .why = why, .why_size = why_size};
    struct transfer_apply ap = {
        .s = s, .txn = txn, .rules = rules, .counts = counts, .batch = batch};
    arena_init(&ap.scratch, 0);
    uint64_t from = batch->offset;
    batch->offset = 0;
    int rc = transfer_each_record(fd, from, &sh, transfer_apply_one, &ap);
    /* A batch ends before a client: the last one is whole. */
    if (rc == 0 || rc == TRANSFER_BATCH_END) {
        int note_rc = transfer_apply_note(&ap);
        rc = note_rc != 0 ? note_rc : 0;
    }
    arena_free(&ap.scratch);
    return rc;
}
