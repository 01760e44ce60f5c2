/* op_agenda.c - `folio agenda`: what an agent should do over the next days,
 * as a worked list.
 *
 * Everything comes from the agenda index (store_agenda.h), one short
 * cursor walk per kind over the horizon's dates: stay-in-touch by when
 * each client is due (store_agenda_client.h), an alert's clients by the
 * place they live; no walk reads the whole portfolio. The reply is one
 * page: items are kept in a max-heap of the page's size (and one more, to
 * know whether more follow) ordered as the reply is (day, priority, client
 * name, client id, item id: a total order, so a page starts right after
 * the cursor of the page before), each in memory of its own that is freed
 * as soon as the heap drops it. Every walk meets its items in order of
 * their days and stops once the page is full before the day it reached,
 * and an item sure to fall outside the page is dropped before its client
 * is read or its id hashed; so a horizon of any length over a portfolio of
 * any size costs the index entries up to its page's last day and the
 * clients of those that may fall in it, and is never refused for its size.
 * Clients are read as summaries (client_summary.h), never unpacked whole.
 *
 * Every item has an id derived from what it is about (agenda_item_id), and
 * the agent's mark on it, if any, is looked up by that id under its client
 * (store_agenda_state.h) once the item is known to fall in the page: the
 * state asked for decides whether it is shown. A snoozed item is not shown
 * where it was but on the day it comes back, from the copy its mark keeps
 * (the SNOOZED walk). Open follow-ups and tasks whose day passed before the
 * first day come first, as overdue.
 *
 * An admin covering for an agent (as_agent, op_cover.c) reads the agent's
 * agenda as the agent would, audited in the write stage; marks stay the
 * agent's (AgendaMark takes no as_agent).
 *
 * Marking (done, snooze, dismiss) finds an item by its id the same way: the
 * same walks over a year either side of today, with agenda_add matching ids
 * instead of keeping items. */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "calendar.h"
#include "client_record.h"
#include "client_summary.h"
#include "holding.h"
#include "op.h"
#include "rule.h"
#include "server.h"
#include "store_agenda.h"
#include "store_agenda_client.h"
#include "store_agenda_state.h"
#include "store_alert.h"
#include "store_campaign.h"
#include "store_client.h"
#include "store_coupon.h"
#include "store_meta.h"
#include "store_offer.h"
#include "store_partner.h"
#include "store_rule.h"
#include "store_holding.h"
#include "store_task.h"

#define AGENDA_DAYS_DEFAULT 7
/* How far either side of today a mark looks for the item it names: as far
 * as an agenda looks ahead, and as far back as overdue items are kept. */
#define AGENDA_MARK_REACH FOLIO_AGENDA_DAYS_MAX
#define AGENDA_ID_TEXT    FOLIO_AGENDA_ID_TEXT
#define AGENDA_DAYS_MAX   FOLIO_AGENDA_DAYS_MAX
/* How far back a lapsed or cancelled holding stays on the agenda as a
 * win-back until it is done or dismissed: a month, then it is history. */
#define AGENDA_WIN_BACK_DAYS 30
/* The newest events a renewal's talking points are looked for in. */
#define AGENDA_TALKING_EVENTS 50
#define AGENDA_TALKING_POINTS 10
/* Longest title: a follow-up's name and note, with room to spare. */
#define AGENDA_TEXT_MAX (CLIENT_NAME_MAX + CLIENT_NOTES_MAX + 64)

/* The order of items on one day, first to last (README "Loyalty work"):
 * what is late, what is due today, the people, then the firm's occasions. */
enum agenda_priority {
    AGENDA_OVERDUE = 0,
    AGENDA_FOLLOW_UP = 1, /* follow-ups and tasks */
    AGENDA_BIRTHDAY = 2,
    AGENDA_OFFER = 3, /* offers and coupons about to expire, renewals, win-backs */
    AGENDA_COUPON = 3,
    AGENDA_CAMPAIGN = 3, /* an office's or the firm's campaign reaching the agent's clients */
    AGENDA_RENEWAL = 3,
    AGENDA_ALERT = 4,
    AGENDA_OPPORTUNITY = 5,
    AGENDA_STAY = 6,
    AGENDA_HOLIDAY = 7,
    AGENDA_SEASON = 8,
};

/* One kept item, in memory of its own: an item the heap drops is freed at
 * once, so a walk over a big portfolio holds at most a page of items
 * however many it meets; the page is copied into the request's arena at
 * the end. */
struct agenda_entry {
    int64_t day;
    Folio__AgendaItem item; /* its strings point into text */
    char text[];
};

/* Which marks an agenda shows (AgendaQuery.state). */
enum agenda_view {
    AGENDA_VIEW_OPEN, /* open items, and snoozed ones on the day they come back */
    AGENDA_VIEW_DONE,
    AGENDA_VIEW_SNOOZED,
    AGENDA_VIEW_DISMISSED,
    AGENDA_VIEW_ALL,
};

/* The kinds of item, as --kind names them and as items say them. */
// clang-format off
#define AGENDA_KINDS(X) \
    X(BIRTHDAY, "birthday", "birthday") \
    X(FOLLOW_UP, "follow-up", "follow_up") \
    X(TASK, "task", "task") \
    X(OFFER, "offer", "offer_expiring") \
    X(COUPON, "coupon", "coupon_expiring") \
    X(CAMPAIGN, "campaign", "campaign") \
    X(RENEWAL, "renewal", "renewal") \
    X(WIN_BACK, "win-back", "win_back") \
    X(ALERT, "alert", "alert") \
    X(OPPORTUNITY, "opportunity", "opportunity") \
    X(STAY, "stay-in-touch", "stay_in_touch") \
    X(HOLIDAY, "holiday", "holiday") \
    X(SEASON, "season", "season")
// clang-format on
#define AGENDA_KIND_ENUM(name, flag, item) AGENDA_KIND_##name,
enum agenda_kind { AGENDA_KINDS(AGENDA_KIND_ENUM) AGENDA_KIND_COUNT };
#define AGENDA_KIND_ROW(name, flag, item) {flag, item},
static const struct {
    const char *flag; /* --kind */
    const char *item; /* AgendaItem.kind */
} agenda_kinds[] = {AGENDA_KINDS(AGENDA_KIND_ROW)};

/* A renewal or win-back known by its place in the reply order, its holding
 * not read yet (agenda_pending_add). */
struct agenda_pending {
    int64_t day;
    uint32_t priority;
    enum store_agenda_kind kind;
    uint32_t date;
    uint64_t holding_id;
    char client_id[CLIENT_ID_TEXT + 1];
    char client_name[CLIENT_NAME_MAX + 1];
};

/* Marking: the items whose id starts with prefix. */
struct agenda_match {
    const char *prefix;
    size_t len;
    size_t count; /* distinct ids seen, counting up to 2 */
    char id[AGENDA_ID_TEXT + 1];
    struct agenda_entry *entry; /* the first one's, freed by agenda_free */
};

struct agenda {
    struct request *req;
    MDB_txn *txn;
    struct store *store;
    uint64_t owner_id;
    int64_t start, end; /* the horizon, inclusive */
    Folio__Rule **rules;
    size_t n_rules;
    const Folio__Calendar *calendar;
    Folio__Alert **alerts;
    size_t n_alerts;
    struct rule_advice *alert_advice; /* one per alert */
    uint64_t alert_id;                /* AgendaQuery.alert: its clients, one item each */
    struct agenda_entry **heap;       /* max-heap: the last in reply order on top */
    size_t n_heap, cap;               /* cap: the page and one more, to know more follow */
    struct agenda_entry *after;       /* the page starts after this item (NULL: the first) */
    bool kinds[AGENDA_KIND_COUNT];    /* the kinds asked for */
    enum agenda_view view;
    struct agenda_match *match;     /* marking: match ids rather than keep items */
    struct agenda_pending *pending; /* renewals and win-backs not read yet */
    size_t n_pending, pending_cap;
};

/* ---------------------------------------------------------------- the heap */

/* The reply order, a total one: day, priority, client name, client id,
 * then the item's id, so a page can start right after any item. */
static int agenda_order_head(int64_t day, uint32_t priority, const char *client_name,
                             const char *client_id, const struct agenda_entry *b)
{
    if (day != b->day)
        return day < b->day ? -1 : 1;
    if (priority != b->item.priority)
        return priority < b->item.priority ? -1 : 1;
    int c = strcmp(client_name, b->item.client_name);
    if (c == 0)
        c = strcmp(client_id, b->item.client_id);
    return c;
}

static int agenda_order(const struct agenda_entry *a, const struct agenda_entry *b)
{
    int c = agenda_order_head(a->day, a->item.priority, a->item.client_name, a->item.client_id, b);
    if (c == 0)
        c = strcmp(a->item.id, b->item.id);
    return c;
}

/* Is an item of this day, priority and client sure to fall outside the
 * page, at or before its start or after a full page, whatever its id? Then
 * nothing more of it need be read or hashed. Marking looks at every item. */
static bool agenda_outside(const struct agenda *ag, int64_t day, uint32_t priority,
                           const char *client_name, const char *client_id)
{
    if (ag->match != NULL)
        return false;
    if (ag->after != NULL &&
        agenda_order_head(day, priority, client_name, client_id, ag->after) < 0)
        return true;
    return ag->n_heap == ag->cap &&
           agenda_order_head(day, priority, client_name, client_id, ag->heap[0]) > 0;
}

/* Does every item from day on fall after a full page? Every walk meets
 * its items in order of their days, so it stops at the first such day:
 * a page near the start of a long horizon costs that page's days alone. */
static bool agenda_page_ends_before(const struct agenda *ag, int64_t day)
{
    return ag->match == NULL && ag->n_heap == ag->cap && day > ag->heap[0]->day;
}

static int agenda_sort(const void *x, const void *y)
{
    return agenda_order(*(struct agenda_entry *const *)x, *(struct agenda_entry *const *)y);
}

static void agenda_swap(struct agenda *ag, size_t i, size_t j)
{
    struct agenda_entry *t = ag->heap[i];
    ag->heap[i] = ag->heap[j];
    ag->heap[j] = t;
}

static void agenda_sift_up(struct agenda *ag, size_t i)
{
    while (i > 0 && agenda_order(ag->heap[(i - 1) / 2], ag->heap[i]) < 0) {
        agenda_swap(ag, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void agenda_sift_down(struct agenda *ag, size_t i)
{
    for (;;) {
        size_t big = i, l = 2 * i + 1, r = 2 * i + 2;
        if (l < ag->n_heap && agenda_order(ag->heap[l], ag->heap[big]) > 0)
            big = l;
        if (r < ag->n_heap && agenda_order(ag->heap[r], ag->heap[big]) > 0)
            big = r;
        if (big == i)
            return;
        agenda_swap(ag, i, big);
        i = big;
    }
}

/* Frees every entry the agenda holds. */
static void agenda_free(struct agenda *ag)
{
    for (size_t i = 0; i < ag->n_heap; i++)
        free(ag->heap[i]);
    ag->n_heap = 0;
    free(ag->heap);
    ag->heap = NULL;
    free(ag->after);
    ag->after = NULL;
    free(ag->pending);
    ag->pending = NULL;
    ag->n_pending = ag->pending_cap = 0;
    if (ag->match != NULL) {
        free(ag->match->entry);
        ag->match->entry = NULL;
    }
}

/* What an item says, before it is copied. */
struct agenda_candidate {
    const char *kind;
    int64_t day;
    uint32_t priority;
    const char *client_id; /* "" for holiday and season */
    const char *client_name;
    const char *title;
    const char *suggestion;
    const char *avoid;
    const char *product;
    uint32_t age;
    const char *ref;
    /* What the id is derived from beside kind and client: the day the item
     * is about (0: day) and a word on what it is about that stays the same
     * when the item moves (to another agent, or another firm in a bundle). */
    int64_t origin;
    const char *about;
    /* Overdue items: the day they were due. */
    int64_t due;
    /* A snoozed item's copy: its id and mark, read already. */
    const char *id;
    const Folio__AgendaState *mark;
    uint64_t clients;      /* alert */
    const char *held_back; /* opportunity */
};

/* The strings of an entry, laid one after the other in its text. */
struct agenda_text {
    char *at;
};

static char *agenda_text_put(struct agenda_text *t, const char *s)
{
    char *out = t->at;
    size_t len = strlen(s != NULL ? s : "");
    memcpy(out, s != NULL ? s : "", len + 1);
    t->at += len + 1;
    return out;
}

/* The item c stands for, with its id and mark, in memory of its own; NULL
 * when out of memory. */
static struct agenda_entry *agenda_entry_make(const struct agenda_candidate *c, const char *id,
                                              const char *state, const Folio__AgendaState *mark)
{
    char date[CALENDAR_DATE_TEXT + 1], due[CALENDAR_DATE_TEXT + 1] = "";
    calendar_format(c->day, date);
    if (c->due != 0)
        calendar_format(c->due, due);
    const char *until = mark != NULL ? mark->until : "";
    const char *note = mark != NULL ? mark->note : "";
    const char *texts[] = {id,       c->kind,       date,     c->client_id, c->client_name,
                           c->title, c->suggestion, c->avoid, c->product,   c->ref,
                           state,    until,         note,     due,          c->held_back};
    size_t size = sizeof(struct agenda_entry);
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        size += strlen(texts[i] != NULL ? texts[i] : "") + 1;
    struct agenda_entry *e = malloc(size);
    if (e == NULL)
        return NULL;
    struct agenda_text t = {e->text};
    folio__agenda_item__init(&e->item);
    e->day = c->day;
    e->item.id = agenda_text_put(&t, id);
    e->item.kind = agenda_text_put(&t, c->kind);
    e->item.date = agenda_text_put(&t, date);
    e->item.client_id = agenda_text_put(&t, c->client_id);
    e->item.client_name = agenda_text_put(&t, c->client_name);
    e->item.title = agenda_text_put(&t, c->title);
    e->item.suggestion = agenda_text_put(&t, c->suggestion);
    e->item.avoid = agenda_text_put(&t, c->avoid);
    e->item.product = agenda_text_put(&t, c->product);
    e->item.ref = agenda_text_put(&t, c->ref);
    e->item.state = agenda_text_put(&t, state);
    e->item.until = agenda_text_put(&t, until);
    e->item.note = agenda_text_put(&t, note);
    e->item.due = agenda_text_put(&t, due);
    e->item.held_back = agenda_text_put(&t, c->held_back);
    e->item.clients = c->clients;
    e->item.priority = c->priority;
    e->item.age = c->age;
    e->item.overdue = c->due != 0;
    e->item.days_late = c->due != 0 ? (uint32_t)(c->day - c->due) : 0;
    return e;
}

/* A copy of e's item in the request's arena; NULL when out of memory. */
static Folio__AgendaItem *agenda_item_copy(struct request *req, const struct agenda_entry *e)
{
    Folio__AgendaItem *item = arena_alloc(&req->arena, sizeof(*item));
    if (item == NULL)
        return NULL;
    *item = e->item;
    char **texts[] = {&item->id,          &item->kind,  &item->date,       &item->client_id,
                      &item->client_name, &item->title, &item->suggestion, &item->avoid,
                      &item->product,     &item->ref,   &item->state,      &item->until,
                      &item->note,        &item->due,   &item->held_back};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        if ((*texts[i] = arena_strdup(&req->arena, *texts[i])) == NULL)
            return NULL;
    return item;
}

/* The item's id: the first 8 bytes of a BLAKE2b digest of its kind, client,
 * origin day and what it is about, in hex. Derived, never stored alone, so
 * the same item has the same id on every agenda that shows it. */
static uint64_t agenda_item_id(const struct agenda_candidate *c, char out[AGENDA_ID_TEXT + 1])
{
    char date[CALENDAR_DATE_TEXT + 1];
    calendar_format(c->origin != 0 ? c->origin : c->day, date);
    const char *about = c->about != NULL ? c->about : "";
    crypto_generichash_state st;
    uint8_t digest[8];
    crypto_generichash_init(&st, NULL, 0, sizeof(digest));
    crypto_generichash_update(&st, (const uint8_t *)c->kind, strlen(c->kind) + 1);
    crypto_generichash_update(&st, (const uint8_t *)c->client_id, strlen(c->client_id) + 1);
    crypto_generichash_update(&st, (const uint8_t *)date, sizeof(date));
    crypto_generichash_update(&st, (const uint8_t *)about, strlen(about));
    crypto_generichash_final(&st, digest, sizeof(digest));
    sodium_bin2hex(out, AGENDA_ID_TEXT + 1, digest, sizeof(digest));
    return store_u64_from_key(digest);
}

/* The subject a mark on an item of client_id (text; "" for none) is kept
 * under (store_agenda_state.h). */
static void agenda_subject(const struct agenda *ag, const char *client_id,
                           uint8_t out[STORE_AGENDA_SUBJECT_BYTES])
{
    if (client_id[0] == '\0' || client_id_parse(client_id, out) != 0)
        store_agenda_state_agent_subject(ag->owner_id, out);
}

static bool agenda_shows(const struct agenda *ag, const char *state, bool snoozed_copy)
{
    switch (ag->view) {
    case AGENDA_VIEW_OPEN:
        return strcmp(state, "open") == 0 || snoozed_copy;
    case AGENDA_VIEW_DONE:
        return strcmp(state, "done") == 0;
    case AGENDA_VIEW_SNOOZED:
        return snoozed_copy;
    case AGENDA_VIEW_DISMISSED:
        return strcmp(state, "dismissed") == 0;
    case AGENDA_VIEW_ALL:
        return true;
    }
    return false;
}

static bool agenda_kind_wanted(const struct agenda *ag, const char *kind)
{
    for (size_t i = 0; i < AGENDA_KIND_COUNT; i++)
        if (strcmp(agenda_kinds[i].item, kind) == 0)
            return ag->kinds[i];
    return false;
}

/* Marking: notes an item whose id starts with the prefix; takes e. */
static void agenda_match_add(struct agenda *ag, struct agenda_entry *e)
{
    struct agenda_match *m = ag->match;
    bool first = m->count == 0;
    if (first || strcmp(m->id, e->item.id) != 0)
        m->count++;
    if (!first) {
        free(e);
        return;
    }
    memcpy(m->id, e->item.id, sizeof(m->id));
    m->entry = e;
}

/* Keeps e when it is among the first ag->cap in reply order; takes e. */
static void agenda_keep(struct agenda *ag, struct agenda_entry *e)
{
    if (ag->n_heap < ag->cap) {
        ag->heap[ag->n_heap++] = e;
        agenda_sift_up(ag, ag->n_heap - 1);
        return;
    }
    if (agenda_order(e, ag->heap[0]) >= 0) {
        free(e);
        return;
    }
    free(ag->heap[0]);
    ag->heap[0] = e;
    agenda_sift_down(ag, 0);
}

/* Keeps c when its kind was asked for, its mark is one the agenda shows,
 * it comes after the page's start and it is among the first of the page. */
static int agenda_add(struct agenda *ag, const struct agenda_candidate *c)
{
    if (!agenda_kind_wanted(ag, c->kind) ||
        agenda_outside(ag, c->day, c->priority, c->client_name, c->client_id))
        return 0;
    char id[AGENDA_ID_TEXT + 1];
    uint64_t id_value;
    if (c->id != NULL) {
        snprintf(id, sizeof(id), "%s", c->id);
        id_value = strtoull(id, NULL, 16);
    } else {
        id_value = agenda_item_id(c, id);
    }
    if (ag->match != NULL && strncmp(id, ag->match->prefix, ag->match->len) != 0)
        return 0;
    /* The order is decided before the mark is read: most items of a big
     * walk fall outside the page. */
    struct agenda_entry probe = {.day = c->day};
    probe.item.priority = c->priority;
    probe.item.client_name = (char *)c->client_name;
    probe.item.client_id = (char *)c->client_id;
    probe.item.id = id;
    if (ag->match == NULL && ((ag->after != NULL && agenda_order(&probe, ag->after) <= 0) ||
                              (ag->n_heap == ag->cap && agenda_order(&probe, ag->heap[0]) >= 0)))
        return 0;
    struct arena scratch;
    arena_init(&scratch, 0);
    const Folio__AgendaState *mark = c->mark;
    int rc = 0;
    if (mark == NULL) {
        uint8_t subject[STORE_AGENDA_SUBJECT_BYTES];
        agenda_subject(ag, c->client_id, subject);
        Folio__AgendaState *found = NULL;
        rc = store_agenda_state_get(ag->store, ag->txn, subject, id_value, &scratch, &found);
        mark = found;
    }
    const char *state = mark != NULL ? mark->state : "open";
    /* A snoozed item is shown from its mark's copy, on the day it comes back. */
    bool keep = (rc == 0 || rc == MDB_NOTFOUND) &&
                (c->mark != NULL || strcmp(state, "snoozed") != 0) &&
                (ag->match != NULL || agenda_shows(ag, state, c->mark != NULL));
    struct agenda_entry *e = keep ? agenda_entry_make(c, id, state, mark) : NULL;
    arena_free(&scratch);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    if (!keep)
        return 0;
    if (e == NULL)
        return ENOMEM;
    if (ag->match != NULL)
        agenda_match_add(ag, e);
    else
        agenda_keep(ag, e);
    return 0;
}

/* ---------------------------------------------------------------- helpers */

static int64_t agenda_max(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static int64_t agenda_day_of_key(uint32_t key)
{
    return calendar_day((int)(key / 10000), (int)(key / 100 % 100), (int)(key % 100));
}

/* The client behind an index entry: its summary (client_summary.h: no
 * record is unpacked) and its id in words, in a scratch arena the caller
 * frees: entries are many, and only the kept ones are copied. summary is
 * NULL when the index outlived its client. */
struct agenda_client {
    struct arena scratch;
    struct client_summary found;
    const struct client_summary *summary;
    char id[CLIENT_ID_TEXT + 1];
};

static int agenda_client(struct agenda *ag, const uint8_t id[STORE_CLIENT_ID_BYTES],
                         struct agenda_client *client)
{
    arena_init(&client->scratch, 0);
    int rc = store_client_summary_get(ag->store, ag->txn, ag->owner_id, id, &client->scratch,
                                      &client->found);
    client->summary = rc == 0 ? &client->found : NULL;
    if (rc == 0)
        client_id_format(id, client->id);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

static int agenda_advise(struct agenda *ag, const char *trigger, struct rule_advice *advice)
{
    return rule_advise(ag->rules, ag->n_rules, trigger, &ag->req->arena, advice) < 0 ? ENOMEM : 0;
}

/* "flood in Lima" */
static void agenda_alert_name(const Folio__Alert *alert, char *out, size_t size)
{
    snprintf(out, size, "%s in %s", alert->kind,
             alert->city[0] != '\0' ? alert->city : alert->region);
}

/* ---------------------------------------------------------------- birthdays */

struct agenda_birthdays {
    struct agenda *ag;
    int year;
    const struct rule_advice *advice;
};

static int agenda_birthday(void *ctx, const struct store_agenda_key *key, const void *value,
                           size_t value_len)
{
    (void)value;
    (void)value_len;
    struct agenda_birthdays *b = ctx;
    struct agenda *ag = b->ag;
    int64_t day = calendar_yearly(b->year, (int)(key->date / 100), (int)(key->date % 100));
    if (day < ag->start || day > ag->end)
        return 0;
    if (agenda_page_ends_before(ag, day))
        return STORE_AGENDA_STOP;
    struct agenda_client found;
    int rc = agenda_client(ag, key->client_id, &found);
    const struct client_summary *client = found.summary;
    int born = 0;
    /* A birthday without its year (--MM-DD) is shown without an age. */
    bool yearless = client != NULL && client_birthday_yearless(client->birth_date, NULL, NULL);
    if (rc == 0 && client != NULL &&
        (yearless ||
         (calendar_parse_date(client->birth_date, &born, NULL, NULL) == 0 && born < b->year))) {
        char title[AGENDA_TEXT_MAX], call[AGENDA_TEXT_MAX];
        uint32_t age = yearless ? 0 : (uint32_t)(b->year - born);
        if (yearless)
            snprintf(title, sizeof(title), "birthday: %s", client->name);
        else
            snprintf(title, sizeof(title), "birthday: %s turns %u", client->name, age);
        snprintf(call, sizeof(call), "call %s to congratulate", client->name);
        struct agenda_candidate c = {
            .kind = "birthday",
            .day = day,
            .priority = AGENDA_BIRTHDAY,
            .client_id = found.id,
            .client_name = client->name,
            .title = title,
            .suggestion = b->advice->suggestion[0] != '\0' ? b->advice->suggestion : call,
            .avoid = b->advice->avoid,
            .product = b->advice->product,
            .age = age,
        };
        rc = agenda_add(ag, &c);
    }
    arena_free(&found.scratch);
    return rc;
}

/* Month-days are looked up year by year: a horizon of up to 366 days meets
 * at most two years, and may meet a month-day in both. */
static int agenda_birthdays(struct agenda *ag)
{
    struct rule_advice advice;
    int rc = agenda_advise(ag, "birthday", &advice);
    if (rc != 0)
        return rc;
    int y0, m0, d0, y1, m1, d1;
    calendar_date(ag->start, &y0, &m0, &d0);
    calendar_date(ag->end, &y1, &m1, &d1);
    for (int y = y0; y <= y1 && rc == 0; y++) {
        uint32_t from = y == y0 ? (uint32_t)(m0 * 100 + d0) : 101;
        uint32_t to = y == y1 ? (uint32_t)(m1 * 100 + d1) : 1231;
        /* 29 February is kept on 28 February in years without one. */
        if (!calendar_leap_year(y) && from <= 228 && to == 228)
            to = 229;
        struct agenda_birthdays b = {.ag = ag, .year = y, .advice = &advice};
        rc = store_agenda_each(ag->store, ag->txn, ag->owner_id, STORE_AGENDA_BIRTHDAY, from, to,
                               agenda_birthday, &b);
    }
    return rc;
}

/* ---------------------------------------------------------------- follow-ups */

/* The timeline event behind a FOLLOW_UP entry, for its note; NULL when it
 * is gone. */
static Folio__TimelineEvent *agenda_event(struct agenda *ag, const struct store_agenda_key *key,
                                          struct arena *scratch)
{
    uint8_t k[STORE_CLIENT_ID_BYTES + 8];
    memcpy(k, key->client_id, STORE_CLIENT_ID_BYTES);
    store_key_u64(k + STORE_CLIENT_ID_BYTES, key->seq);
    Folio__TimelineEvent *ev = NULL;
    if (store_get_message(ag->txn, ag->store->timeline, k, sizeof(k),
                          &folio__timeline_event__descriptor, scratch, (void **)&ev) != 0)
        return NULL;
    return ev;
}

static int agenda_follow_up(void *ctx, const struct store_agenda_key *key, const void *value,
                            size_t value_len)
{
    (void)value;
    (void)value_len;
    struct agenda *ag = ctx;
    if (agenda_page_ends_before(ag, agenda_max(agenda_day_of_key(key->date), ag->start)))
        return STORE_AGENDA_STOP;
    struct agenda_client found;
    int rc = agenda_client(ag, key->client_id, &found);
    const struct client_summary *client = found.summary;
    int64_t day = agenda_day_of_key(key->date);
    bool overdue = day < ag->start;
    uint32_t priority = overdue ? AGENDA_OVERDUE : AGENDA_FOLLOW_UP;
    /* The event, for its note, only for an item that may fall in the page. */
    if (rc == 0 && client != NULL &&
        !agenda_outside(ag, overdue ? ag->start : day, priority, client->name, found.id)) {
        Folio__TimelineEvent *ev = agenda_event(ag, key, &found.scratch);
        const char *note = ev != NULL ? ev->note : "";
        char title[AGENDA_TEXT_MAX], about[24];
        snprintf(title, sizeof(title), "follow up with %s%s%s", client->name,
                 note[0] != '\0' ? ": " : "", note);
        /* The event's time, not its seq: a bundle numbers events anew. */
        snprintf(about, sizeof(about), "%" PRId64, ev != NULL ? ev->time : (int64_t)key->seq);
        struct agenda_candidate c = {
            .kind = "follow_up",
            .day = overdue ? ag->start : day,
            .priority = priority,
            .client_id = found.id,
            .client_name = client->name,
            .title = title,
            .origin = day,
            .about = about,
            .due = overdue ? day : 0,
        };
        rc = agenda_add(ag, &c);
    }
    arena_free(&found.scratch);
    return rc;
}

/* ---------------------------------------------------------------- offers, coupons */

static int agenda_offer(void *ctx, const struct store_agenda_key *key, const void *value,
                        size_t value_len)
{
    (void)value;
    (void)value_len;
    struct agenda *ag = ctx;
    if (agenda_page_ends_before(ag, agenda_day_of_key(key->date)))
        return STORE_AGENDA_STOP;
    struct arena scratch;
    arena_init(&scratch, 0);
    Folio__Offer *offer;
    Folio__Client *client = NULL;
    uint8_t client_id[STORE_CLIENT_ID_BYTES];
    int rc = store_offer_get(ag->store, ag->txn, key->seq, &scratch, &offer);
    if (rc == 0 && (strcmp(offer->status, "proposed") == 0 || strcmp(offer->status, "sent") == 0) &&
        client_id_parse(offer->client_id, client_id) == 0) {
        rc = store_client_get(ag->store, ag->txn, client_id, &scratch, &client);
        if (rc == 0) {
            char title[AGENDA_TEXT_MAX], ref[24], about[24];
            snprintf(title, sizeof(title), "offer expires: %s", offer->title);
            snprintf(ref, sizeof(ref), "%llu", (unsigned long long)offer->id);
            /* Its creation, not its id: a bundle gives offers new ids. */
            snprintf(about, sizeof(about), "%" PRId64, offer->created_at);
            struct agenda_candidate c = {
                .kind = "offer_expiring",
                .day = agenda_day_of_key(key->date),
                .priority = AGENDA_OFFER,
                .client_id = offer->client_id,
                .client_name = client->name,
                .title = title,
                .ref = ref,
                .about = about,
            };
            rc = agenda_add(ag, &c);
        }
    }
    arena_free(&scratch);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* An office's or the firm's campaign reaches the agent as a part of its own
 * (op_firm_campaign.c): one item on the day it starts, or the day it was
 * made when it started before, naming how many of the agent's clients it
 * reached, so that the agent sends it or opts clients out. The agent's own
 * campaigns need no reminder: the agent made them. A page of the agent's
 * campaigns at a time, in the scratch arena; an agent has few. */
#define AGENDA_CAMPAIGN_PAGE 100
static int agenda_campaigns(struct agenda *ag)
{
    int rc = 0;
    bool more = true;
    for (uint64_t after = 0; more && rc == 0;) {
        struct arena scratch;
        arena_init(&scratch, 0);
        Folio__Campaign **list;
        size_t n;
        rc = store_campaign_list(ag->store, ag->txn, ag->owner_id, after, AGENDA_CAMPAIGN_PAGE,
                                 &scratch, &list, &n, &more);
        for (size_t i = 0; i < n && rc == 0; i++) {
            const Folio__Campaign *part = list[i];
            after = part->id;
            int64_t from, made;
            if (part->firm_campaign_id == 0 || strcmp(part->status, "active") != 0 ||
                calendar_parse(part->valid_from, &from) != 0)
                continue;
            made = part->created_at / 86400 - (part->created_at % 86400 < 0);
            int64_t day = made > from ? made : from;
            if (day < ag->start || day > ag->end || agenda_page_ends_before(ag, day))
                continue;
            char title[AGENDA_TEXT_MAX], ref[24], about[24];
            snprintf(title, sizeof(title),
                     "campaign %s: %zu of your clients, valid %s to %s: send it (campaign send "
                     "%llu) or opt clients out",
                     part->title, part->n_offer_ids, part->valid_from, part->valid_until,
                     (unsigned long long)part->id);
            snprintf(ref, sizeof(ref), "%llu", (unsigned long long)part->id);
            snprintf(about, sizeof(about), "%" PRId64, part->created_at);
            struct agenda_candidate c = {
                .kind = "campaign",
                .day = day,
                .priority = AGENDA_CAMPAIGN,
                .client_id = "",
                .client_name = "",
                .title = title,
                .ref = ref,
                .product = part->product,
                .about = about,
            };
            rc = agenda_add(ag, &c);
        }
        arena_free(&scratch);
        if (n == 0)
            break;
    }
    return rc;
}

static int agenda_coupon(void *ctx, const struct store_agenda_key *key, const void *value,
                         size_t value_len)
{
    (void)value;
    (void)value_len;
    struct agenda *ag = ctx;
    if (agenda_page_ends_before(ag, agenda_day_of_key(key->date)))
        return STORE_AGENDA_STOP;
    struct arena scratch;
    arena_init(&scratch, 0);
    Folio__Coupon *coupon;
    Folio__Client *client = NULL;
    Folio__Partner *partner = NULL;
    uint8_t client_id[STORE_CLIENT_ID_BYTES];
    int rc = store_coupon_get(ag->store, ag->txn, key->code, &scratch, &coupon);
    if (rc == 0 && coupon->redeemed_at[0] == '\0' &&
        client_id_parse(coupon->client_id, client_id) == 0) {
        rc = store_client_get(ag->store, ag->txn, client_id, &scratch, &client);
        if (rc == 0) {
            rc = store_partner_get(ag->store, ag->txn, coupon->partner_id, &scratch, &partner);
            if (rc == MDB_NOTFOUND)
                partner = NULL;
            else if (rc != 0)
                client = NULL;
        }
        if (client != NULL) {
            char title[AGENDA_TEXT_MAX], about[24];
            snprintf(title, sizeof(title), "coupon expires: %s at %s", coupon->discount,
                     partner != NULL ? partner->name : "a partner");
            /* Its creation, not its code: a bundle gives coupons new codes. */
            snprintf(about, sizeof(about), "%" PRId64, coupon->created_at);
            struct agenda_candidate c = {
                .kind = "coupon_expiring",
                .day = agenda_day_of_key(key->date),
                .priority = AGENDA_COUPON,
                .client_id = coupon->client_id,
                .client_name = client->name,
                .title = title,
                .ref = coupon->code,
                .about = about,
            };
            rc = agenda_add(ag, &c);
        }
    }
    arena_free(&scratch);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* ---------------------------------------------------------------- holdings */

/* How many days ahead of a renewal it is on the agenda. */
static int64_t agenda_notice_days(const struct agenda *ag)
{
    uint32_t n = ag->calendar->renewal_notice_days;
    return n > 0 ? n : RULE_RENEWAL_NOTICE_DEFAULT;
}

/* A holding in words: "auto at Pacífico (P-123)". */
static void agenda_holding_name(const Folio__Holding *h, char *out, size_t size)
{
    snprintf(out, size, "%s at %s%s%s%s", h->kind, h->provider, h->number[0] != '\0' ? " (" : "",
             h->number, h->number[0] != '\0' ? ")" : "");
}

/* The renewal or win-back item of holding h, of client client_name, as the
 * entry of kind on date (YYYYMMDD) stands for it. */
static int agenda_holding_item(struct agenda *ag, enum store_agenda_kind kind, uint32_t date,
                               const Folio__Holding *h, const char *client_name)
{
    bool renewal = kind == STORE_AGENDA_RENEWAL;
    int64_t day = agenda_day_of_key(date);
    int64_t shown = agenda_max(renewal ? day - agenda_notice_days(ag) : day, ag->start);
    bool overdue = !renewal && day < ag->start;
    char name[CLIENT_TEXT_MAX * 2 + HOLDING_NUMBER_MAX + 16], title[AGENDA_TEXT_MAX];
    char ref[24], about[48], premium[64] = "";
    agenda_holding_name(h, name, sizeof(name));
    if (h->premium_cents > 0)
        snprintf(premium, sizeof(premium), ", %" PRId64 ".%02d %s a %s", h->premium_cents / 100,
                 (int)(h->premium_cents % 100), h->currency, h->premium_period);
    if (renewal)
        snprintf(title, sizeof(title), "renewal: %s renews on %s%s", name, h->renews_on, premium);
    else
        snprintf(title, sizeof(title), "win back: %s %s on %s%s", name, h->status, h->ends_on,
                 premium);
    snprintf(ref, sizeof(ref), "%" PRIu64, h->id);
    /* Its creation, not its id: a bundle gives holdings new ids. */
    snprintf(about, sizeof(about), "%" PRId64, h->created_at);
    struct agenda_candidate c = {
        .kind = renewal ? "renewal" : "win_back",
        .day = shown,
        .priority = overdue ? AGENDA_OVERDUE : AGENDA_RENEWAL,
        .client_id = h->client_id,
        .client_name = client_name,
        .title = title,
        .product = h->kind,
        .ref = ref,
        .origin = day,
        .about = about,
        .due = overdue ? day : 0,
    };
    return agenda_add(ag, &c);
}

static int agenda_pending_order(const struct agenda_pending *a, const struct agenda_pending *b)
{
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    if (a->priority != b->priority)
        return a->priority < b->priority ? -1 : 1;
    int c = strcmp(a->client_name, b->client_name);
    return c != 0 ? c : strcmp(a->client_id, b->client_id);
}

static int agenda_pending_sort(const void *x, const void *y)
{
    return agenda_pending_order(x, y);
}

/* The pending renewals and win-backs in reply order, their holdings read:
 * once the page is full the rest fall outside it, unread. Reading them
 * makes them items (agenda_add), marks and all, so the page is exact. */
static int agenda_pending_read(struct agenda *ag)
{
    if (ag->n_pending == 0)
        return 0;
    qsort(ag->pending, ag->n_pending, sizeof(*ag->pending), agenda_pending_sort);
    int rc = 0;
    for (size_t i = 0; i < ag->n_pending && rc == 0; i++) {
        const struct agenda_pending *p = &ag->pending[i];
        if (agenda_outside(ag, p->day, p->priority, p->client_name, p->client_id))
            continue;
        struct arena held;
        arena_init(&held, 0);
        Folio__Holding *h;
        rc = store_holding_get(ag->store, ag->txn, p->holding_id, &held, &h);
        if (rc == 0)
            rc = agenda_holding_item(ag, p->kind, p->date, h, p->client_name);
        arena_free(&held);
        if (rc == MDB_NOTFOUND)
            rc = 0;
    }
    ag->n_pending = 0;
    return rc;
}

/* Holds p until twice a page of them wait, then reads them in order: the
 * holdings read are about those of the page, however many the walk meets,
 * where reading each as met would read every one better than the page's
 * worst so far. */
static int agenda_pending_add(struct agenda *ag, const struct agenda_pending *p)
{
    if (ag->pending == NULL) {
        ag->pending_cap = 2 * ag->cap;
        if ((ag->pending = malloc(ag->pending_cap * sizeof(*ag->pending))) == NULL)
            return ENOMEM;
    }
    if (ag->n_pending == ag->pending_cap) {
        int rc = agenda_pending_read(ag);
        if (rc != 0 || agenda_outside(ag, p->day, p->priority, p->client_name, p->client_id))
            return rc;
    }
    ag->pending[ag->n_pending++] = *p;
    return 0;
}

/* A renewal is on the agenda from renewal_notice_days before the day it
 * renews (and stays, once that day has come, until the renewal); a lapsed
 * or cancelled holding is a win-back from the day it ended, overdue for a
 * month. Both are about the holding and the day: next year's renewal is
 * another item. The entry names the client (entries from before it did do
 * not), whose name places the item in the reply order: a page's walk keeps
 * it pending (agenda_pending_add), its holding read only if it may be in
 * the page; marking reads every one. */
static int agenda_holding(void *ctx, const struct store_agenda_key *key, const void *value,
                          size_t value_len)
{
    struct agenda *ag = ctx;
    bool renewal = key->kind == STORE_AGENDA_RENEWAL;
    int64_t day = agenda_day_of_key(key->date);
    int64_t shown = agenda_max(renewal ? day - agenda_notice_days(ag) : day, ag->start);
    bool overdue = !renewal && day < ag->start;
    uint32_t priority = overdue ? AGENDA_OVERDUE : AGENDA_RENEWAL;
    if (agenda_page_ends_before(ag, shown))
        return STORE_AGENDA_STOP;
    struct arena held;
    arena_init(&held, 0);
    Folio__Holding *h = NULL;
    uint8_t client_id[STORE_CLIENT_ID_BYTES];
    int rc = 0;
    if (value_len == sizeof(client_id))
        memcpy(client_id, value, sizeof(client_id));
    else if ((rc = store_holding_get(ag->store, ag->txn, key->seq, &held, &h)) == 0 &&
             client_id_parse(h->client_id, client_id) != 0)
        rc = MDB_NOTFOUND;
    /* The client as a summary, as every walk reads it: never unpacked. */
    struct agenda_client found;
    found.summary = NULL;
    arena_init(&found.scratch, 0);
    if (rc == 0 && (rc = agenda_client(ag, client_id, &found)) == 0 && found.summary == NULL)
        rc = MDB_NOTFOUND; /* the index outlived its client */
    const struct client_summary *client = found.summary;
    if (rc == 0 && ag->match == NULL &&
        !agenda_outside(ag, shown, priority, client->name, found.id)) {
        struct agenda_pending p = {
            .day = shown,
            .priority = priority,
            .kind = key->kind,
            .date = key->date,
            .holding_id = key->seq,
        };
        memcpy(p.client_id, found.id, sizeof(p.client_id));
        snprintf(p.client_name, sizeof(p.client_name), "%s", client->name);
        /* A name cut short would misplace the item: read it now. */
        if (strlen(client->name) < sizeof(p.client_name))
            rc = agenda_pending_add(ag, &p);
        else if (h != NULL ||
                 (rc = store_holding_get(ag->store, ag->txn, key->seq, &held, &h)) == 0)
            rc = agenda_holding_item(ag, key->kind, key->date, h, client->name);
    } else if (rc == 0 && ag->match != NULL &&
               (h != NULL ||
                (rc = store_holding_get(ag->store, ag->txn, key->seq, &held, &h)) == 0)) {
        rc = agenda_holding_item(ag, key->kind, key->date, h, client->name);
    }
    arena_free(&found.scratch);
    arena_free(&held);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* What changed in the client's life since the last renewal (a year before
 * this one, or the holding's start if later): life and income events of
 * its newest AGENDA_TALKING_EVENTS, oldest first, into the item. Only the
 * renewals of the page are read, so a long horizon costs no more. */
static int agenda_talking_points(struct agenda *ag, Folio__AgendaItem *item)
{
    struct request *req = ag->req;
    uint64_t holding_id = strtoull(item->ref, NULL, 10);
    Folio__Holding *h;
    uint8_t client_id[STORE_CLIENT_ID_BYTES];
    int y, m, d;
    int rc = store_holding_get(ag->store, ag->txn, holding_id, &req->arena, &h);
    if (rc != 0 || client_id_parse(h->client_id, client_id) != 0 ||
        calendar_parse_date(h->renews_on, &y, &m, &d) != 0)
        return rc == MDB_NOTFOUND ? 0 : rc;
    char since[CALENDAR_DATE_TEXT + 1];
    calendar_format(calendar_day(y - 1, m, d > 28 && m == 2 ? 28 : d), since);
    if (strcmp(h->start_date, since) > 0)
        snprintf(since, sizeof(since), "%s", h->start_date);
    Folio__TimelineEvent **events;
    size_t n = 0;
    uint64_t next;
    rc = store_timeline_list(ag->store, ag->txn, client_id, 0, AGENDA_TALKING_EVENTS, &req->arena,
                             &events, &n, &next);
    if (rc != 0)
        return rc;
    char **points = arena_calloc(&req->arena, AGENDA_TALKING_POINTS, sizeof(*points));
    if (points == NULL)
        return ENOMEM;
    size_t k = 0;
    for (size_t i = n; i-- > 0 && k < AGENDA_TALKING_POINTS;) {
        const Folio__TimelineEvent *ev = events[i];
        if (strcmp(ev->date, since) < 0 || strcmp(ev->date, item->date) > 0)
            continue;
        if (strcmp(ev->kind, "life") == 0)
            points[k] = arena_printf(&req->arena, "%s: %s", ev->date, ev->what);
        else if (strcmp(ev->kind, "income") == 0)
            points[k] =
                arena_printf(&req->arena, "%s: income %" PRId64 ".%02d %s", ev->date,
                             ev->amount_cents / 100, (int)(ev->amount_cents % 100), ev->currency);
        else
            continue;
        if (points[k++] == NULL)
            return ENOMEM;
    }
    item->talking_points = points;
    item->n_talking_points = k;
    return 0;
}

/* ---------------------------------------------------------------- opportunities */

/* "Avoid" wins: an alert in force over the horizon where the client lives,
 * whose rules say to avoid what the opportunity would offer, holds it back;
 * held gets the alert in words ("flood in Lima, alert 3: avoid insurance"),
 * or "" when none does. */
static void agenda_held_back(const struct agenda *ag, const struct client_summary *client,
                             const struct rule_advice *advice, char *held, size_t size)
{
    held[0] = '\0';
    for (size_t i = 0; i < ag->n_alerts; i++) {
        const char *avoid = ag->alert_advice[i].avoid;
        if (!client_summary_in_alert(client, ag->alerts[i]) ||
            !rule_avoids(avoid, advice->product, advice->suggestion))
            continue;
        char name[2 * RULE_ON_MAX + CLIENT_TEXT_MAX];
        agenda_alert_name(ag->alerts[i], name, sizeof(name));
        snprintf(held, size, "%s, alert %" PRIu64 ": avoid %s", name, ag->alerts[i]->id, avoid);
        return;
    }
}

/* The kinds of holding a client has active, read once per event and only
 * when a rule asks (--unless-holds). */
#define AGENDA_HELD_KINDS 16 /* more than HOLDING_KINDS names */
#define AGENDA_KIND_TEXT  16 /* bytes of the longest of them, with room */
struct agenda_held {
    struct agenda *ag;
    bool read;
    char kinds[AGENDA_HELD_KINDS][AGENDA_KIND_TEXT + 1];
    size_t n;
};

static int agenda_held_visit(void *ctx, const Folio__Holding *h)
{
    struct agenda_held *held = ctx;
    size_t len = strlen(h->kind);
    if (strcmp(h->status, "active") != 0 || len > AGENDA_KIND_TEXT)
        return 0;
    for (size_t i = 0; i < held->n; i++)
        if (strcmp(held->kinds[i], h->kind) == 0)
            return 0;
    if (held->n < AGENDA_HELD_KINDS)
        memcpy(held->kinds[held->n++], h->kind, len + 1);
    return 0;
}

static int agenda_client_holds(struct agenda_held *held, const uint8_t client[16], const char *kind,
                               bool *holds)
{
    *holds = false;
    if (kind == NULL || kind[0] == '\0')
        return 0;
    if (!held->read) {
        int rc = store_holding_each(held->ag->store, held->ag->txn, held->ag->owner_id, client, 0,
                                    agenda_held_visit, held);
        if (rc != 0)
            return rc;
        held->read = true;
    }
    for (size_t i = 0; i < held->n && !*holds; i++)
        *holds = strcmp(held->kinds[i], kind) == 0;
    return 0;
}

/* An event opens an opportunity for each rule on its trigger, for the
 * rule's window, unless the client already holds what the rule says it
 * would not need (--unless-holds); the item says what the rules open on
 * some day of the horizon advise together. */
static int agenda_opportunity(void *ctx, const struct store_agenda_key *key, const void *value,
                              size_t value_len)
{
    struct agenda *ag = ctx;
    char trigger[RULE_ON_MAX + CLIENT_TEXT_MAX];
    if (value_len == 0 || value_len >= sizeof(trigger))
        return 0;
    memcpy(trigger, value, value_len);
    trigger[value_len] = '\0';
    int64_t day = agenda_day_of_key(key->date);
    if (agenda_page_ends_before(ag, agenda_max(day, ag->start)))
        return STORE_AGENDA_STOP;
    Folio__Rule *open[RULE_COUNT_MAX];
    size_t n_open = 0;
    struct agenda_held holds = {.ag = ag};
    for (size_t i = 0; i < ag->n_rules && n_open < RULE_COUNT_MAX; i++) {
        const Folio__Rule *r = ag->rules[i];
        int64_t last = day + (r->window_days > 0 ? r->window_days : 1) - 1;
        if (day > ag->end || last < ag->start || strcmp(r->on, trigger) != 0)
            continue;
        bool has = false;
        int rc = agenda_client_holds(&holds, key->client_id, r->unless_holds, &has);
        if (rc != 0)
            return rc;
        if (!has)
            open[n_open++] = ag->rules[i];
    }
    if (n_open == 0)
        return 0;
    /* Advice per event, in the scratch arena: the request's holds a page. */
    struct agenda_client found;
    int rc = agenda_client(ag, key->client_id, &found);
    struct rule_advice advice;
    if (rc == 0 && rule_advise(open, n_open, trigger, &found.scratch, &advice) < 0)
        rc = ENOMEM;
    const struct client_summary *client = found.summary;
    if (rc == 0 && client != NULL) {
        char title[AGENDA_TEXT_MAX], about[sizeof(trigger)];
        memcpy(about, trigger, sizeof(about));
        char *colon = strchr(trigger, ':');
        if (colon != NULL)
            *colon = ' ';
        snprintf(title, sizeof(title), "%s: %s", client->name, trigger);
        char held[AGENDA_TEXT_MAX];
        agenda_held_back(ag, client, &advice, held, sizeof(held));
        if (held[0] != '\0') {
            size_t len = strlen(title);
            snprintf(title + len, sizeof(title) - len, " (held back: %s)", held);
        }
        struct agenda_candidate c = {
            .held_back = held,
            .kind = "opportunity",
            .day = agenda_max(day, ag->start),
            .priority = AGENDA_OPPORTUNITY,
            .client_id = found.id,
            .client_name = client->name,
            .title = title,
            .suggestion = advice.suggestion,
            .avoid = advice.avoid,
            .product = advice.product,
            .origin = day,
            .about = about,
        };
        rc = agenda_add(ag, &c);
    }
    arena_free(&found.scratch);
    return rc;
}

/* ---------------------------------------------------------------- alerts */

/* An alert covers the clients of its city, or of its region when it names
 * no city (client_summary_in_alert): the agenda index keeps each place's
 * clients together (store_agenda.h AREA), so an alert costs the clients it
 * covers, never the portfolio. fn NULL: only counts them. */
static int agenda_alert_area(struct agenda *ag, const Folio__Alert *alert, store_agenda_area_fn fn,
                             void *ctx, uint64_t *count)
{
    bool city = alert->city[0] != '\0';
    return store_agenda_area_each(ag->store, ag->txn, ag->owner_id,
                                  city ? STORE_AGENDA_CITY : STORE_AGENDA_REGION,
                                  city ? alert->city : alert->region, fn, ctx, count);
}

/* `agenda --alert ID`: one item per client the alert covers. */
struct agenda_alert_walk {
    struct agenda *ag;
    size_t alert; /* its index in ag->alerts */
};

static int agenda_alert_client(void *ctx, const uint8_t client_id[STORE_CLIENT_ID_BYTES])
{
    const struct agenda_alert_walk *walk = ctx;
    struct agenda *ag = walk->ag;
    const Folio__Alert *alert = ag->alerts[walk->alert];
    struct agenda_client found;
    int rc = agenda_client(ag, client_id, &found);
    const struct client_summary *client = found.summary;
    if (rc == 0 && client != NULL && client_summary_in_alert(client, alert)) {
        int64_t from = ag->start;
        calendar_parse(alert->date, &from);
        char title[AGENDA_TEXT_MAX], ref[24];
        snprintf(title, sizeof(title), "%s in %s", alert->kind,
                 alert->city[0] != '\0' ? alert->city : alert->region);
        snprintf(ref, sizeof(ref), "%llu", (unsigned long long)alert->id);
        const struct rule_advice *advice = &ag->alert_advice[walk->alert];
        struct agenda_candidate c = {
            .kind = "alert",
            .day = agenda_max(from, ag->start),
            .priority = AGENDA_ALERT,
            .client_id = found.id,
            .client_name = client->name,
            .title = title,
            .suggestion = advice->suggestion,
            .avoid = advice->avoid,
            .product = advice->product,
            .ref = ref,
            .origin = from,
            .about = ref,
        };
        rc = agenda_add(ag, &c);
    }
    arena_free(&found.scratch);
    return rc;
}

/* One item per alert that covers some of the agent's clients: how many, and
 * what the firm's rules say; `agenda --alert ID` lists them. */
static int agenda_alert_items(struct agenda *ag)
{
    for (size_t i = 0; i < ag->n_alerts; i++) {
        const Folio__Alert *alert = ag->alerts[i];
        uint64_t n;
        int rc = agenda_alert_area(ag, alert, NULL, NULL, &n);
        if (rc != 0)
            return rc;
        if (n == 0)
            continue;
        int64_t from = ag->start;
        calendar_parse(alert->date, &from);
        char name[2 * RULE_ON_MAX + CLIENT_TEXT_MAX], title[AGENDA_TEXT_MAX], ref[24];
        agenda_alert_name(alert, name, sizeof(name));
        snprintf(title, sizeof(title), "%s: %" PRIu64 " of your clients live%s there", name, n,
                 n == 1 ? "s" : "");
        snprintf(ref, sizeof(ref), "%" PRIu64, alert->id);
        struct agenda_candidate c = {
            .kind = "alert",
            .day = agenda_max(from, ag->start),
            .priority = AGENDA_ALERT,
            .client_id = "",
            .client_name = "",
            .title = title,
            .suggestion = ag->alert_advice[i].suggestion,
            .avoid = ag->alert_advice[i].avoid,
            .product = ag->alert_advice[i].product,
            .ref = ref,
            .origin = from,
            .about = ref,
            .clients = n,
        };
        if ((rc = agenda_add(ag, &c)) != 0)
            return rc;
    }
    return 0;
}

/* ---------------------------------------------------------------- stay in touch */

/* The firm's contact interval, for clients without their own. */
static uint32_t agenda_stay_days(const struct agenda *ag)
{
    uint32_t n = ag->calendar->stay_in_touch_days;
    return n > 0 ? n : RULE_STAY_IN_TOUCH_DEFAULT;
}

/* The day the client is due a contact: the last one plus the client's
 * interval, else the firm's; a client never contacted is first due some day
 * within an interval of the day it was added (store_agenda_stay_first_due). */
static int agenda_stay_in_touch(struct agenda *ag, const uint8_t client_id[STORE_CLIENT_ID_BYTES],
                                const struct client_summary *client)
{
    int64_t since;
    bool never = calendar_parse(client->last_contact, &since) != 0;
    if (never)
        since = store_agenda_day_of_time(client->created_at);
    uint32_t interval = client->contact_interval_days;
    if (interval == 0)
        interval = agenda_stay_days(ag);
    int64_t due =
        never ? store_agenda_stay_first_due(since, interval, client_id) : since + interval;
    if (due > ag->end)
        return 0;
    char id[CLIENT_ID_TEXT + 1], title[AGENDA_TEXT_MAX], date[CALENDAR_DATE_TEXT + 1];
    client_id_format(client_id, id);
    calendar_format(since, date);
    if (never)
        snprintf(title, sizeof(title), "no contact with %s: never contacted", client->name);
    else
        snprintf(title, sizeof(title), "no contact with %s since %s", client->name, date);
    struct agenda_candidate c = {
        .kind = "stay_in_touch",
        .day = agenda_max(due, ag->start),
        .priority = AGENDA_STAY,
        .client_id = id,
        .client_name = client->name,
        .title = title,
        .origin = due,
    };
    return agenda_add(ag, &c);
}

/* One stay-in-touch entry (store_agenda_client.h): its due day, from the
 * key and the firm's interval, and the client's name, from the value, say
 * where the item would fall; only one that may fall in the page has its
 * client read, and the item is made from that, as the record says. */
static int agenda_stay(void *ctx, const struct store_agenda_key *key, const void *value,
                       size_t value_len)
{
    struct agenda *ag = ctx;
    int64_t from = agenda_day_of_key(key->date), due = from;
    uint32_t interval = agenda_stay_days(ag);
    if (key->kind == STORE_AGENDA_STAY_SINCE) {
        due = from + interval;
    } else if (key->kind == STORE_AGENDA_STAY_NEW) {
        /* Due within an interval after from: not in the order of the walk. */
        if (agenda_page_ends_before(ag, agenda_max(from + 1, ag->start)))
            return STORE_AGENDA_STOP;
        due = store_agenda_stay_first_due(from, interval, key->client_id);
    }
    int64_t day = agenda_max(due, ag->start);
    if (due > ag->end || agenda_page_ends_before(ag, day))
        return key->kind == STORE_AGENDA_STAY_NEW || due > ag->end ? 0 : STORE_AGENDA_STOP;
    char name[CLIENT_NAME_MAX + 1], id[CLIENT_ID_TEXT + 1];
    if (value_len < sizeof(name)) {
        memcpy(name, value, value_len);
        name[value_len] = '\0';
        client_id_format(key->client_id, id);
        if (agenda_outside(ag, day, AGENDA_STAY, name, id))
            return 0;
    }
    struct agenda_client found;
    int rc = agenda_client(ag, key->client_id, &found);
    if (rc == 0 && found.summary != NULL)
        rc = agenda_stay_in_touch(ag, key->client_id, found.summary);
    arena_free(&found.scratch);
    return rc;
}

/* Clients due a contact by the horizon's end, overdue ones on its first
 * day: those on their own interval by due day, those on the firm's by the
 * last contact (due an interval later) or, never contacted, by the day
 * they were added. */
static int agenda_stays(struct agenda *ag)
{
    uint32_t interval = agenda_stay_days(ag);
    int rc = store_agenda_each(ag->store, ag->txn, ag->owner_id, STORE_AGENDA_STAY_DUE, 0,
                               calendar_key(ag->end), agenda_stay, ag);
    if (rc == 0)
        rc = store_agenda_each(ag->store, ag->txn, ag->owner_id, STORE_AGENDA_STAY_SINCE, 0,
                               calendar_key(ag->end - interval), agenda_stay, ag);
    if (rc == 0)
        rc = store_agenda_each(ag->store, ag->txn, ag->owner_id, STORE_AGENDA_STAY_NEW, 0,
                               calendar_key(ag->end - 1), agenda_stay, ag);
    return rc;
}

/* Stay-in-touch and alert items, or with AgendaQuery.alert that alert's
 * clients. */
static int agenda_stays_and_alerts(struct agenda *ag)
{
    if (ag->alert_id != 0) {
        if (!ag->kinds[AGENDA_KIND_ALERT])
            return 0;
        for (size_t i = 0; i < ag->n_alerts; i++) {
            if (ag->alerts[i]->id != ag->alert_id)
                continue;
            struct agenda_alert_walk walk = {ag, i};
            uint64_t n;
            return agenda_alert_area(ag, ag->alerts[i], agenda_alert_client, &walk, &n);
        }
        return 0;
    }
    int rc = ag->kinds[AGENDA_KIND_STAY] ? agenda_stays(ag) : 0;
    if (rc == 0 && ag->kinds[AGENDA_KIND_ALERT])
        rc = agenda_alert_items(ag);
    return rc;
}

/* The alerts in force over the horizon and what the rules say of each. */
static int agenda_alerts(struct agenda *ag)
{
    char from[CALENDAR_DATE_TEXT + 1], to[CALENDAR_DATE_TEXT + 1];
    calendar_format(ag->start, from);
    calendar_format(ag->end, to);
    int rc = store_alert_active(ag->store, ag->txn, from, to, &ag->req->arena, &ag->alerts,
                                &ag->n_alerts);
    if (rc != 0 || ag->n_alerts == 0)
        return rc;
    ag->alert_advice = arena_calloc(&ag->req->arena, ag->n_alerts, sizeof(*ag->alert_advice));
    if (ag->alert_advice == NULL)
        return ENOMEM;
    for (size_t i = 0; i < ag->n_alerts && rc == 0; i++) {
        char trigger[RULE_ON_MAX + 8];
        snprintf(trigger, sizeof(trigger), "alert:%s", ag->alerts[i]->kind);
        rc = agenda_advise(ag, trigger, &ag->alert_advice[i]);
    }
    return rc;
}

/* ---------------------------------------------------------------- the calendar */

static int agenda_dated(struct agenda *ag, const char *kind, uint32_t priority, int64_t day,
                        const char *title, const struct rule_advice *advice)
{
    if (day < ag->start || day > ag->end)
        return 0;
    struct agenda_candidate c = {
        .kind = kind,
        .day = day,
        .priority = priority,
        .client_id = "",
        .client_name = "",
        .title = title,
        .suggestion = advice->suggestion,
        .avoid = advice->avoid,
        .product = advice->product,
        .about = title,
    };
    return agenda_add(ag, &c);
}

static int agenda_calendar(struct agenda *ag)
{
    static const char *const months[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
    const Folio__Calendar *cal = ag->calendar;
    int y0, m0, d0, y1, m1, d1;
    calendar_date(ag->start, &y0, &m0, &d0);
    calendar_date(ag->end, &y1, &m1, &d1);
    int rc = 0;
    for (size_t i = 0; i < cal->n_occasions && rc == 0; i++) {
        const Folio__Occasion *o = cal->occasions[i];
        if (o->month < 1 || o->month > 12 || o->day < 1 || o->day > 31)
            continue;
        char trigger[RULE_ON_MAX + 16];
        struct rule_advice advice;
        rc = agenda_advise(ag, rule_holiday_trigger(o->name, trigger, sizeof(trigger)), &advice);
        for (int y = y0; y <= y1 && rc == 0; y++)
            rc = agenda_dated(ag, "holiday", AGENDA_HOLIDAY,
                              calendar_yearly(y, (int)o->month, (int)o->day), o->name, &advice);
    }
    struct rule_advice season;
    if (rc == 0 && cal->n_season_months > 0)
        rc = agenda_advise(ag, "season", &season);
    for (size_t i = 0; i < cal->n_season_months && rc == 0; i++) {
        uint32_t m = cal->season_months[i];
        if (m < 1 || m > 12)
            continue;
        char title[64];
        snprintf(title, sizeof(title), "high-spending month: %s", months[m - 1]);
        for (int y = y0; y <= y1 && rc == 0; y++)
            rc = agenda_dated(ag, "season", AGENDA_SEASON, calendar_day(y, (int)m, 1), title,
                              &season);
        /* A horizon that starts inside a season month gets it on day one. */
        if (rc == 0 && (int)m == m0 && d0 != 1)
            rc = agenda_dated(ag, "season", AGENDA_SEASON, ag->start, title, &season);
    }
    return rc;
}

/* ---------------------------------------------------------------- tasks */

/* A task is on its due day; an open one whose day passed is overdue. */
static int agenda_task(void *ctx, const struct store_agenda_key *key, const void *value,
                       size_t value_len)
{
    (void)value;
    (void)value_len;
    struct agenda *ag = ctx;
    if (agenda_page_ends_before(ag, agenda_max(agenda_day_of_key(key->date), ag->start)))
        return STORE_AGENDA_STOP;
    struct arena scratch;
    arena_init(&scratch, 0);
    Folio__Task *task;
    Folio__Client *client = NULL;
    uint8_t client_id[STORE_CLIENT_ID_BYTES];
    int rc = store_task_get(ag->store, ag->txn, key->seq, &scratch, &task);
    if (rc == 0 && task->client_id[0] != '\0' &&
        (client_id_parse(task->client_id, client_id) != 0 ||
         store_client_get(ag->store, ag->txn, client_id, &scratch, &client) != 0))
        rc = MDB_NOTFOUND; /* the index outlived its client */
    if (rc == 0) {
        char ref[24], about[24];
        snprintf(ref, sizeof(ref), "%" PRIu64, task->id);
        /* Its creation, not its id: a bundle gives tasks new ids. */
        snprintf(about, sizeof(about), "%" PRId64, task->created_at);
        int64_t day = agenda_day_of_key(key->date);
        bool overdue = day < ag->start;
        struct agenda_candidate c = {
            .kind = "task",
            .day = overdue ? ag->start : day,
            .priority = overdue ? AGENDA_OVERDUE : AGENDA_FOLLOW_UP,
            .client_id = task->client_id,
            .client_name = client != NULL ? client->name : "",
            .title = task->title,
            .suggestion = task->note,
            .ref = ref,
            .origin = day,
            .about = about,
            .due = overdue ? day : 0,
        };
        rc = agenda_add(ag, &c);
    }
    arena_free(&scratch);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* ---------------------------------------------------------------- snoozed items */

/* A snoozed item comes back on its day from the copy its mark keeps; one
 * whose day passed before the first day is overdue since then. */
static int agenda_snoozed(void *ctx, const struct store_agenda_key *key, const void *value,
                          size_t value_len)
{
    (void)value;
    (void)value_len;
    struct agenda *ag = ctx;
    if (agenda_page_ends_before(ag, agenda_max(agenda_day_of_key(key->date), ag->start)))
        return STORE_AGENDA_STOP;
    struct arena scratch;
    arena_init(&scratch, 0);
    Folio__AgendaState *mark;
    int rc = store_agenda_state_get(ag->store, ag->txn, key->client_id, key->seq, &scratch, &mark);
    if (rc == 0 && mark->item != NULL && strcmp(mark->state, "snoozed") == 0) {
        const Folio__AgendaItem *it = mark->item;
        int64_t until = agenda_day_of_key(key->date);
        bool overdue = until < ag->start;
        char id[AGENDA_ID_TEXT + 1];
        snprintf(id, sizeof(id), "%016" PRIx64, key->seq);
        struct agenda_candidate c = {
            .kind = it->kind,
            .day = overdue ? ag->start : until,
            .priority = overdue ? AGENDA_OVERDUE : it->priority,
            .client_id = it->client_id,
            .client_name = it->client_name,
            .title = it->title,
            .suggestion = it->suggestion,
            .avoid = it->avoid,
            .product = it->product,
            .age = it->age,
            .ref = it->ref,
            .due = overdue ? until : 0,
            .id = id,
            .mark = mark,
        };
        rc = agenda_add(ag, &c);
    }
    arena_free(&scratch);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* ---------------------------------------------------------------- the walks */

/* The firm's rules and calendar, which every walk reads. */
static int agenda_setup(struct agenda *ag)
{
    struct request *req = ag->req;
    int rc = store_rule_list(ag->store, ag->txn, &req->arena, &ag->rules, &ag->n_rules);
    if (rc != 0)
        return request_store_error(req, rc, "read the rules");
    Folio__Calendar *cal = NULL;
    rc = store_meta_calendar_get(ag->store, ag->txn, &req->arena, &cal);
    if (rc == MDB_NOTFOUND)
        ag->calendar = rule_default_calendar();
    else if (rc != 0)
        return request_store_error(req, rc, "read the calendar");
    else
        ag->calendar = cal;
    if ((rc = agenda_alerts(ag)) == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_store_error(req, rc, "read the alerts");
    return 0;
}

/* One walk of the index, when its items are of a kind asked for. */
static int agenda_each(struct agenda *ag, enum agenda_kind wanted, enum store_agenda_kind kind,
                       uint32_t from, uint32_t to, store_agenda_fn fn)
{
    if (!ag->kinds[wanted])
        return 0;
    return store_agenda_each(ag->store, ag->txn, ag->owner_id, kind, from, to, fn, ag);
}

/* Every walk over the horizon, and what comes before it: overdue
 * follow-ups, tasks and win-backs, and snoozed items that came back. */
static int agenda_walk(struct agenda *ag)
{
    struct request *req = ag->req;
    uint32_t from = calendar_key(ag->start), to = calendar_key(ag->end);
    uint32_t events_from = calendar_key(ag->start - RULE_WINDOW_MAX);
    uint32_t renewals_to = calendar_key(ag->end + agenda_notice_days(ag));
    bool open = ag->match != NULL || ag->view == AGENDA_VIEW_OPEN || ag->view == AGENDA_VIEW_ALL;
    uint32_t late = open ? 0 : from;
    uint32_t win_back = open ? calendar_key(ag->start - AGENDA_WIN_BACK_DAYS) : from;
    int rc;
    if (ag->alert_id != 0)
        rc = agenda_stays_and_alerts(ag);
    else if ((rc = ag->kinds[AGENDA_KIND_BIRTHDAY] ? agenda_birthdays(ag) : 0) == 0 &&
             (rc = agenda_each(ag, AGENDA_KIND_FOLLOW_UP, STORE_AGENDA_FOLLOW_UP, late, to,
                               agenda_follow_up)) == 0 &&
             (rc = agenda_each(ag, AGENDA_KIND_TASK, STORE_AGENDA_TASK, late, to, agenda_task)) ==
                 0 &&
             (rc = agenda_each(ag, AGENDA_KIND_OFFER, STORE_AGENDA_OFFER, from, to,
                               agenda_offer)) == 0 &&
             (rc = agenda_each(ag, AGENDA_KIND_COUPON, STORE_AGENDA_COUPON, from, to,
                               agenda_coupon)) == 0 &&
             (rc = ag->kinds[AGENDA_KIND_CAMPAIGN] ? agenda_campaigns(ag) : 0) == 0 &&
             (rc = agenda_each(ag, AGENDA_KIND_RENEWAL, STORE_AGENDA_RENEWAL, from, renewals_to,
                               agenda_holding)) == 0 &&
             (rc = agenda_each(ag, AGENDA_KIND_WIN_BACK, STORE_AGENDA_LAPSE, win_back, to,
                               agenda_holding)) == 0 &&
             (rc = agenda_pending_read(ag)) == 0 &&
             (rc = agenda_each(ag, AGENDA_KIND_OPPORTUNITY, STORE_AGENDA_EVENT, events_from, to,
                               agenda_opportunity)) == 0 &&
             /* A snoozed item may be of any kind: agenda_add filters it. */
             (rc = store_agenda_each(ag->store, ag->txn, ag->owner_id, STORE_AGENDA_SNOOZED, 0, to,
                                     agenda_snoozed, ag)) == 0 &&
             (rc = agenda_stays_and_alerts(ag)) == 0)
        rc = agenda_calendar(ag);
    if (rc == ENOMEM)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "the agenda needs more memory than a request may use: ask for "
                            "fewer items in a page (--limit)");
    if (rc != 0)
        return request_store_error(req, rc, "read the agenda");
    return 0;
}

/* "YYYY-MM-DD" into *day, or the actor's today (request_today: in its time
 * zone) when text is empty. */
static int agenda_today(struct request *req, MDB_txn *txn, const char *text, int64_t *day,
                        char out[CALENDAR_DATE_TEXT + 1])
{
    if (text[0] == '\0') {
        if (request_today(req, txn, out) != 0)
            out[0] = '\0';
    } else if (strlen(text) == CALENDAR_DATE_TEXT)
        memcpy(out, text, CALENDAR_DATE_TEXT + 1);
    else
        out[0] = '\0';
    return calendar_parse(out, day);
}

static int agenda_view_parse(const char *text, enum agenda_view *view)
{
    static const struct {
        const char *name;
        enum agenda_view view;
    } views[] = {
        {"", AGENDA_VIEW_OPEN},
        {"open", AGENDA_VIEW_OPEN},
        {"done", AGENDA_VIEW_DONE},
        {"snoozed", AGENDA_VIEW_SNOOZED},
        {"dismissed", AGENDA_VIEW_DISMISSED},
        {"all", AGENDA_VIEW_ALL},
    };
    for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
        if (strcmp(text, views[i].name) == 0) {
            *view = views[i].view;
            return 0;
        }
    return -1;
}

/* ---------------------------------------------------------------- pages */

/* A cursor is the sort key of a page's last item, in hex: its day (8 bytes
 * BE), priority (4), id (16 hex digits), client id and a NUL, client name. */
#define AGENDA_CURSOR_BYTES (8 + 4 + AGENDA_ID_TEXT + CLIENT_ID_TEXT + 1 + CLIENT_NAME_MAX)

static char *agenda_cursor(struct request *req, const struct agenda_entry *e)
{
    uint8_t raw[AGENDA_CURSOR_BYTES];
    size_t n = 0;
    store_key_u64(raw, (uint64_t)e->day);
    n += 8;
    raw[n++] = (uint8_t)(e->item.priority >> 24);
    raw[n++] = (uint8_t)(e->item.priority >> 16);
    raw[n++] = (uint8_t)(e->item.priority >> 8);
    raw[n++] = (uint8_t)e->item.priority;
    memcpy(raw + n, e->item.id, AGENDA_ID_TEXT);
    n += AGENDA_ID_TEXT;
    size_t id_len = strnlen(e->item.client_id, CLIENT_ID_TEXT);
    memcpy(raw + n, e->item.client_id, id_len);
    n += id_len;
    raw[n++] = '\0';
    size_t name_len = strnlen(e->item.client_name, CLIENT_NAME_MAX);
    memcpy(raw + n, e->item.client_name, name_len);
    n += name_len;
    char *out = arena_alloc(&req->arena, 2 * n + 1);
    if (out != NULL)
        sodium_bin2hex(out, 2 * n + 1, raw, n);
    return out;
}

/* The entry a cursor names, as an order probe; -1 for no cursor of ours. */
static int agenda_cursor_parse(const char *text, struct agenda_entry **out)
{
    size_t len = strlen(text);
    uint8_t raw[AGENDA_CURSOR_BYTES];
    size_t n;
    if (len > 2 * sizeof(raw) || sodium_hex2bin(raw, sizeof(raw), text, len, NULL, &n, NULL) != 0 ||
        2 * n != len || n < 8 + 4 + AGENDA_ID_TEXT + 1)
        return -1;
    const uint8_t *id = raw + 12, *client = id + AGENDA_ID_TEXT;
    const uint8_t *nul = memchr(client, '\0', n - 12 - AGENDA_ID_TEXT);
    if (nul == NULL || nul - client > CLIENT_ID_TEXT || memchr(nul + 1, '\0', raw + n - nul - 1))
        return -1;
    for (size_t i = 0; i < AGENDA_ID_TEXT; i++)
        if (strchr("0123456789abcdef", id[i]) == NULL || id[i] == '\0')
            return -1;
    struct agenda_entry *e = malloc(sizeof(*e) + n + 2);
    if (e == NULL)
        return ENOMEM;
    folio__agenda_item__init(&e->item);
    e->day = (int64_t)store_u64_from_key(raw);
    e->item.priority =
        (uint32_t)raw[8] << 24 | (uint32_t)raw[9] << 16 | (uint32_t)raw[10] << 8 | raw[11];
    char *t = e->text;
    memcpy(t, id, AGENDA_ID_TEXT);
    t[AGENDA_ID_TEXT] = '\0';
    e->item.id = t;
    t += AGENDA_ID_TEXT + 1;
    size_t rest = (size_t)(raw + n - client);
    memcpy(t, client, rest);
    t[rest] = '\0';
    e->item.client_id = t;
    e->item.client_name = t + (nul - client) + 1;
    *out = e;
    return 0;
}

/* The kinds asked for (--kind); none: every kind. */
static int agenda_kinds_parse(struct agenda *ag, char **kinds, size_t n)
{
    for (size_t k = 0; k < AGENDA_KIND_COUNT; k++)
        ag->kinds[k] = n == 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < AGENDA_KIND_COUNT && strcmp(kinds[i], agenda_kinds[k].flag) != 0)
            k++;
        if (k == AGENDA_KIND_COUNT)
            return -1;
        ag->kinds[k] = true;
    }
    return 0;
}

/* ---------------------------------------------------------------- the op */

/* The page, sorted, in the reply. */
static int agenda_reply(struct agenda *ag, const char *today, uint32_t days, size_t limit)
{
    struct request *req = ag->req;
    qsort(ag->heap, ag->n_heap, sizeof(*ag->heap), agenda_sort);
    size_t n = ag->n_heap < limit ? ag->n_heap : limit;
    Folio__Agenda *agenda = request_alloc(req, sizeof(*agenda));
    Folio__AgendaItem **items = arena_calloc(&req->arena, n + 1, sizeof(*items));
    char *date = arena_strdup(&req->arena, today);
    if (agenda == NULL || items == NULL || date == NULL)
        return request_oom(req);
    for (size_t i = 0; i < n; i++) {
        if ((items[i] = agenda_item_copy(req, ag->heap[i])) == NULL)
            return request_oom(req);
        int rc = strcmp(items[i]->kind, "renewal") == 0 ? agenda_talking_points(ag, items[i]) : 0;
        if (rc == ENOMEM)
            return request_oom(req);
        if (rc != 0)
            return request_store_error(req, rc, "read the agenda");
    }
    folio__agenda__init(agenda);
    agenda->date = date;
    agenda->days = days;
    agenda->items = items;
    agenda->n_items = n;
    agenda->next = (char *)"";
    if (ag->n_heap > limit && (agenda->next = agenda_cursor(req, ag->heap[n - 1])) == NULL)
        return request_oom(req);
    agenda->truncated = ag->n_heap > limit;
    req->response.result_case = FOLIO__RESPONSE__RESULT_AGENDA;
    req->response.agenda = agenda;
    return 0;
}

static int agenda_read(struct agenda *ag, const Folio__AgendaQuery *ask)
{
    struct request *req = ag->req;
    char today[CALENDAR_DATE_TEXT + 1];
    if (agenda_today(req, ag->txn, ask->date, &ag->start, today) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "date: not a date (YYYY-MM-DD)");
    uint32_t days = ask->days == 0 ? AGENDA_DAYS_DEFAULT : ask->days;
    if (days > AGENDA_DAYS_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "days: 1 to %d", AGENDA_DAYS_MAX);
    if (agenda_view_parse(ask->state, &ag->view) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "state: open, done, snoozed, dismissed or all");
    if (ask->n_kinds > AGENDA_KIND_COUNT || agenda_kinds_parse(ag, ask->kinds, ask->n_kinds) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "kinds: birthday, follow-up, task, offer, coupon, alert, "
                            "opportunity, stay-in-touch, holiday or season");
    if (ask->limit > FOLIO_PAGE_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "limit: 1 to %d items in a page",
                            FOLIO_PAGE_MAX);
    size_t limit = request_page_size(ask->limit);
    int rc = ask->after[0] != '\0' ? agenda_cursor_parse(ask->after, &ag->after) : 0;
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "after: the next cursor of a page before");
    ag->end = ag->start + days - 1;
    int64_t last = calendar_day(9999, 12, 31);
    if (ag->end > last)
        ag->end = last;
    ag->cap = limit + 1;
    ag->heap = calloc(ag->cap, sizeof(*ag->heap));
    if (ag->heap == NULL)
        return request_oom(req);
    if ((rc = agenda_setup(ag)) != 0)
        return rc;
    if ((ag->alert_id = ask->alert) != 0) {
        size_t i = 0;
        while (i < ag->n_alerts && ag->alerts[i]->id != ask->alert)
            i++;
        if (i == ag->n_alerts)
            return request_fail(req, FOLIO__CODE__NOT_FOUND,
                                "alert: no alert %" PRIu64 " in force from %s for %u days",
                                ask->alert, today, days);
    }
    if ((rc = agenda_walk(ag)) != 0)
        return rc;
    return agenda_reply(ag, today, days, limit);
}

int op_agenda_read(struct request *req, MDB_txn *txn)
{
    const Folio__AgendaQuery *ask = req->msg->agenda;
    uint64_t owner = req->actor.user_id;
    bool cover = ask->as_agent[0] != '\0';
    int rc = cover ? op_cover_agent(req, txn, ask->as_agent, ask->reason, &owner) : 0;
    if (rc != 0)
        return rc;
    struct agenda ag = {
        .req = req,
        .txn = txn,
        .store = &req->server->store,
        .owner_id = owner,
    };
    rc = agenda_read(&ag, ask);
    agenda_free(&ag);
    if (rc != 0)
        return rc;
    /* One's own agenda is only read; a covering admin's read is audited. */
    if (cover)
        req->scratch = req->response.agenda;
    else
        req->skip_write = true;
    return 0;
}

int op_agenda_write(struct request *req, MDB_txn *txn)
{
    const Folio__AgendaQuery *ask = req->msg->agenda;
    Folio__Agenda *agenda = req->scratch;
    int rc = op_cover_audit(req, txn, "agenda", ask->as_agent, ask->reason, NULL);
    if (rc != 0)
        return rc;
    req->response.result_case = FOLIO__RESPONSE__RESULT_AGENDA;
    req->response.agenda = agenda;
    return 0;
}

/* ---------------------------------------------------------------- marks */

/* What the read found for the write. */
struct agenda_marking {
    Folio__AgendaItem *item;
    char today[CALENDAR_DATE_TEXT + 1];
};

/* The request's own checks: nothing is looked up for a bad one. */
static int agenda_mark_check(struct request *req, const Folio__AgendaMark *ask, int64_t today)
{
    size_t len = strlen(ask->item_id);
    if (len < FOLIO_AGENDA_ID_MIN || len > AGENDA_ID_TEXT ||
        strspn(ask->item_id, "0123456789abcdef") != len)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "item: an agenda item id, or its first %d to %d hex digits",
                            FOLIO_AGENDA_ID_MIN, AGENDA_ID_TEXT);
    bool snooze = strcmp(ask->state, "snoozed") == 0;
    if (!snooze && strcmp(ask->state, "done") != 0 && strcmp(ask->state, "dismissed") != 0 &&
        strcmp(ask->state, "open") != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "state: done, snoozed, dismissed or open");
    int64_t until;
    if (snooze && calendar_parse(ask->until, &until) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "until: the day it comes back, YYYY-MM-DD");
    if (snooze && (until <= today || until > today + FOLIO_SNOOZE_DAYS_MAX))
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "until: a day after today, at most %d days ahead",
                            FOLIO_SNOOZE_DAYS_MAX);
    if (!snooze && ask->until[0] != '\0')
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "until: only for snooze");
    if (strlen(ask->note) > FOLIO_AGENDA_NOTE_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "note: at most %d bytes",
                            FOLIO_AGENDA_NOTE_MAX);
    return 0;
}

int op_agenda_mark_read(struct request *req, MDB_txn *txn)
{
    const Folio__AgendaMark *ask = req->msg->agenda_mark;
    struct agenda_marking *marking = request_alloc(req, sizeof(*marking));
    if (marking == NULL)
        return request_oom(req);
    req->scratch = NULL;
    int64_t today;
    if (agenda_today(req, txn, ask->date, &today, marking->today) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "date: not a date (YYYY-MM-DD)");
    int rc = agenda_mark_check(req, ask, today);
    if (rc != 0)
        return rc;
    struct agenda_match match = {.prefix = ask->item_id, .len = strlen(ask->item_id)};
    struct agenda ag = {
        .req = req,
        .txn = txn,
        .store = &req->server->store,
        .owner_id = req->actor.user_id,
        .start = today - AGENDA_MARK_REACH,
        .end = today + AGENDA_MARK_REACH,
        .view = AGENDA_VIEW_ALL,
        .match = &match,
    };
    for (size_t k = 0; k < AGENDA_KIND_COUNT; k++)
        ag.kinds[k] = true;
    if ((rc = agenda_setup(&ag)) == 0 && (rc = agenda_walk(&ag)) == 0 && match.count == 1 &&
        (marking->item = agenda_item_copy(req, match.entry)) == NULL)
        rc = request_oom(req);
    agenda_free(&ag);
    if (rc != 0)
        return rc;
    if (match.count == 0)
        return request_fail(req, FOLIO__CODE__NOT_FOUND,
                            "item: no agenda item %s within %d days of %s", ask->item_id,
                            AGENDA_MARK_REACH, marking->today);
    if (match.count > 1)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "item: %s starts the ids of more than one item; type more of it",
                            ask->item_id);
    req->scratch = marking;
    return 0;
}

/* Done on a call item records the call, so that stay-in-touch counts from
 * it; the event's own checks (the client is still the agent's) apply. */
static int agenda_mark_call(struct request *req, MDB_txn *txn, const Folio__AgendaItem *item,
                            const char *today)
{
    static const char *const calls[] = {"birthday", "follow_up", "stay_in_touch"};
    bool call = false;
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
        call = call || strcmp(item->kind, calls[i]) == 0;
    if (!call || item->client_id[0] == '\0')
        return 0;
    const char *note = req->msg->agenda_mark->note;
    Folio__EventAdd event = FOLIO__EVENT_ADD__INIT;
    event.client_id = item->client_id;
    event.kind = (char *)"contact";
    event.what = (char *)"call";
    event.date = (char *)today;
    event.note = note[0] != '\0' ? (char *)note : item->title;
    Folio__TimelineEvent *ev;
    return op_client_event_add(req, txn, &event, &ev);
}

int op_agenda_mark_write(struct request *req, MDB_txn *txn)
{
    const Folio__AgendaMark *ask = req->msg->agenda_mark;
    const struct agenda_marking *marking = req->scratch;
    if (marking == NULL)
        return request_fail(req, FOLIO__CODE__INTERNAL, "the item was not looked up");
    Folio__AgendaItem *item = marking->item;
    struct store *store = &req->server->store;
    uint64_t owner_id = req->actor.user_id;
    uint8_t subject[STORE_AGENDA_SUBJECT_BYTES];
    int rc;
    if (item->client_id[0] != '\0') {
        /* The client may have moved since the read: only its owner marks. */
        Folio__Client *client;
        if ((rc = request_client(req, txn, "item", item->client_id, false, subject, &client)) != 0)
            return rc;
    } else {
        store_agenda_state_agent_subject(owner_id, subject);
    }
    uint64_t id_value = strtoull(item->id, NULL, 16);
    if (strcmp(ask->state, "done") == 0 &&
        (rc = agenda_mark_call(req, txn, item, marking->today)) != 0)
        return rc;
    Folio__AgendaState *mark = request_alloc(req, sizeof(*mark));
    if (mark == NULL)
        return request_oom(req);
    folio__agenda_state__init(mark);
    mark->item_id = item->id;
    mark->state = ask->state;
    mark->until = ask->until;
    mark->note = ask->note;
    mark->updated_at = req->now;
    mark->actor = (char *)req->actor.name;
    /* The copy keeps the item as it was, without the mark's own fields. */
    item->state = (char *)"";
    item->until = (char *)"";
    item->note = (char *)"";
    mark->item = item;
    if (strcmp(ask->state, "open") == 0)
        rc = store_agenda_state_delete(store, txn, subject, owner_id, id_value);
    else
        rc = store_agenda_state_put(store, txn, subject, owner_id, id_value, mark);
    if (rc != 0)
        return request_store_error(req, rc, "record the mark");
    char *detail = arena_printf(&req->arena, "%s %s %s", ask->state, item->kind, item->date);
    if (detail == NULL)
        return request_oom(req);
    rc = item->client_id[0] != '\0' ? audit_append_client(req, txn, item->client_id, "agenda.mark",
                                                          item->id, detail, ask->state)
                                    : audit_append(req, txn, "agenda.mark", item->id, detail);
    if (rc != 0)
        return request_store_error(req, rc, "record the mark");
    item->state = mark->state;
    item->until = mark->until;
    item->note = mark->note;
    req->response.result_case = FOLIO__RESPONSE__RESULT_AGENDA_STATE;
    req->response.agenda_state = mark;
    return 0;
}

/* ---------------------------------------------------------------- a contact closes follow-ups */

struct agenda_close {
    struct request *req;
    MDB_txn *txn;
    const uint8_t *client;
    char client_text[CLIENT_ID_TEXT + 1];
    const Folio__TimelineEvent *contact;
    const char *name;
    uint64_t owner_id;
    struct arena *arena;
};

/* One follow-up the client was set before the contact: still open (or
 * snoozed), it gets a done mark and a note on the timeline. */
static int agenda_close_one(struct agenda_close *cl, const Folio__TimelineEvent *ev)
{
    struct store *store = &cl->req->server->store;
    struct arena *arena = cl->arena;
    int64_t day;
    if (calendar_parse(ev->follow_up, &day) != 0)
        return 0;
    char about[24], id[AGENDA_ID_TEXT + 1];
    snprintf(about, sizeof(about), "%" PRId64, ev->time);
    struct agenda_candidate c = {
        .kind = "follow_up",
        .client_id = cl->client_text,
        .origin = day,
        .about = about,
    };
    uint64_t id_value = agenda_item_id(&c, id);
    Folio__AgendaState *mark = NULL;
    int rc = store_agenda_state_get(store, cl->txn, cl->client, id_value, arena, &mark);
    if (rc == 0 && strcmp(mark->state, "snoozed") != 0)
        return 0;
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    Folio__AgendaItem *item = arena_alloc(arena, sizeof(*item));
    Folio__AgendaState *done = arena_alloc(arena, sizeof(*done));
    char *title = arena_printf(arena, "follow up with %s%s%s", cl->name,
                               ev->note[0] != '\0' ? ": " : "", ev->note);
    char *note =
        arena_printf(arena, "closed by the %s of %s", cl->contact->what, cl->contact->date);
    char *item_id = arena_strdup(arena, id);
    if (item == NULL || done == NULL || title == NULL || note == NULL || item_id == NULL)
        return ENOMEM;
    folio__agenda_item__init(item);
    item->id = item_id;
    item->kind = (char *)"follow_up";
    item->date = ev->follow_up;
    item->client_id = cl->client_text;
    item->client_name = (char *)cl->name;
    item->title = title;
    item->priority = AGENDA_FOLLOW_UP;
    folio__agenda_state__init(done);
    done->item_id = item_id;
    done->state = (char *)"done";
    done->note = note;
    done->updated_at = cl->req->now;
    done->actor = (char *)cl->req->actor.name;
    done->item = item;
    if ((rc = store_agenda_state_put(store, cl->txn, cl->client, cl->owner_id, id_value, done)) !=
        0)
        return rc;
    Folio__TimelineEvent closed = FOLIO__TIMELINE_EVENT__INIT;
    closed.time = cl->req->now;
    closed.actor = (char *)cl->req->actor.name;
    closed.kind = (char *)"note";
    closed.date = cl->contact->date;
    closed.note = arena_printf(arena, "follow-up of %s %s", ev->follow_up, note);
    if (closed.note == NULL)
        return ENOMEM;
    return store_timeline_append(store, cl->txn, cl->client, &closed);
}

/* The client's own timeline says which follow-ups it was set: a contact
 * costs a walk of one client's events, never of the agent's agenda. */
int op_agenda_close_follow_ups(struct request *req, MDB_txn *txn, const uint8_t client_id[16],
                               const Folio__Client *client, const Folio__TimelineEvent *contact)
{
    struct arena scratch;
    arena_init(&scratch, 0);
    struct agenda_close cl = {
        .req = req,
        .txn = txn,
        .client = client_id,
        .contact = contact,
        .name = client->name,
        .owner_id = client->owner_id,
        .arena = &scratch,
    };
    client_id_format(client_id, cl.client_text);
    Folio__TimelineEvent **events;
    size_t n;
    int rc = store_timeline_all(&req->server->store, txn, client_id, &scratch, &events, &n);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const Folio__TimelineEvent *ev = events[i];
        if (ev->seq != contact->seq && ev->follow_up[0] != '\0' &&
            strcmp(ev->follow_up, contact->date) <= 0)
            rc = agenda_close_one(&cl, ev);
    }
    arena_free(&scratch);
    return rc;
}
