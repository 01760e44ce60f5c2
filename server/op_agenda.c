/* op_agenda.c - `folio agenda`: what an agent should do over the next days.
 *
 * Everything dated comes from the agenda index (store_agenda.h), one short
 * cursor walk per kind over the horizon's dates; only alerts and the
 * stay-in-touch check need the whole portfolio, and they share one walk.
 * Items are kept in a bounded max-heap ordered as the reply is (date,
 * priority, client name, client id), and the order of a candidate is
 * checked before anything is copied for it, so a huge portfolio costs a
 * walk, not memory: the request arena holds at most AGENDA_ITEMS_MAX items
 * however many qualify. Clients are read as summaries (client_summary.h),
 * never unpacked whole: the walk reads one index range and nothing else. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "client_record.h"
#include "client_summary.h"
#include "op.h"
#include "rule.h"
#include "server.h"
#include "store_agenda.h"
#include "store_alert.h"
#include "store_client.h"
#include "store_coupon.h"
#include "store_meta.h"
#include "store_offer.h"
#include "store_partner.h"
#include "store_rule.h"

#define AGENDA_DAYS_DEFAULT 7
#define AGENDA_DAYS_MAX     FOLIO_AGENDA_DAYS_MAX
#define AGENDA_ITEMS_MAX    5000
/* Longest title: a follow-up's name and note, with room to spare. */
#define AGENDA_TEXT_MAX (CLIENT_NAME_MAX + CLIENT_NOTES_MAX + 64)

enum agenda_priority {
    AGENDA_FOLLOW_UP = 1,
    AGENDA_ALERT = 1,
    AGENDA_BIRTHDAY = 2,
    AGENDA_OPPORTUNITY = 3,
    AGENDA_OFFER = 3,
    AGENDA_COUPON = 4,
    AGENDA_STAY = 5,
    AGENDA_HOLIDAY = 6,
    AGENDA_SEASON = 7,
};

struct agenda_entry {
    int64_t day;
    Folio__AgendaItem item;
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
    struct agenda_entry **heap;       /* max-heap: the last in reply order on top */
    size_t n_heap;
    bool truncated;
};

/* ---------------------------------------------------------------- the heap */

static int agenda_order(const struct agenda_entry *a, const struct agenda_entry *b)
{
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    if (a->item.priority != b->item.priority)
        return a->item.priority < b->item.priority ? -1 : 1;
    int c = strcmp(a->item.client_name, b->item.client_name);
    if (c == 0)
        c = strcmp(a->item.client_id, b->item.client_id);
    return c;
}

/* The full reply order: titles decide between items alike in all else, so
 * the same agenda always comes out the same way. */
static int agenda_sort(const void *x, const void *y)
{
    const struct agenda_entry *a = *(struct agenda_entry *const *)x;
    const struct agenda_entry *b = *(struct agenda_entry *const *)y;
    int c = agenda_order(a, b);
    return c != 0 ? c : strcmp(a->item.title, b->item.title);
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

/* What an item says, before it is copied into the arena. */
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
};

static char *agenda_dup(struct agenda *ag, const char *s, bool *ok)
{
    char *out = arena_strdup(&ag->req->arena, s != NULL ? s : "");
    if (out == NULL)
        *ok = false;
    return out;
}

/* Keeps c when it is among the first AGENDA_ITEMS_MAX in reply order. */
static int agenda_add(struct agenda *ag, const struct agenda_candidate *c)
{
    struct agenda_entry probe = {.day = c->day};
    probe.item.priority = c->priority;
    probe.item.client_name = (char *)c->client_name;
    probe.item.client_id = (char *)c->client_id;
    if (ag->n_heap == AGENDA_ITEMS_MAX) {
        ag->truncated = true;
        if (agenda_order(&probe, ag->heap[0]) >= 0)
            return 0;
    }
    struct agenda_entry *e = arena_alloc(&ag->req->arena, sizeof(*e));
    if (e == NULL)
        return ENOMEM;
    folio__agenda_item__init(&e->item);
    char date[CALENDAR_DATE_TEXT + 1];
    calendar_format(c->day, date);
    bool ok = true;
    e->day = c->day;
    e->item.kind = (char *)c->kind;
    e->item.date = agenda_dup(ag, date, &ok);
    e->item.client_id = agenda_dup(ag, c->client_id, &ok);
    e->item.client_name = agenda_dup(ag, c->client_name, &ok);
    e->item.title = agenda_dup(ag, c->title, &ok);
    e->item.suggestion = agenda_dup(ag, c->suggestion, &ok);
    e->item.avoid = agenda_dup(ag, c->avoid, &ok);
    e->item.product = agenda_dup(ag, c->product, &ok);
    e->item.priority = c->priority;
    e->item.age = c->age;
    e->item.ref = agenda_dup(ag, c->ref, &ok);
    if (!ok)
        return ENOMEM;
    if (ag->n_heap == AGENDA_ITEMS_MAX) {
        ag->heap[0] = e;
        agenda_sift_down(ag, 0);
    } else {
        ag->heap[ag->n_heap++] = e;
        agenda_sift_up(ag, ag->n_heap - 1);
    }
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
    struct agenda_client found;
    int rc = agenda_client(ag, key->client_id, &found);
    const struct client_summary *client = found.summary;
    if (rc == 0 && client != NULL) {
        Folio__TimelineEvent *ev = agenda_event(ag, key, &found.scratch);
        const char *note = ev != NULL ? ev->note : "";
        char title[AGENDA_TEXT_MAX];
        snprintf(title, sizeof(title), "follow up with %s%s%s", client->name,
                 note[0] != '\0' ? ": " : "", note);
        struct agenda_candidate c = {
            .kind = "follow_up",
            .day = agenda_day_of_key(key->date),
            .priority = AGENDA_FOLLOW_UP,
            .client_id = found.id,
            .client_name = client->name,
            .title = title,
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
            char title[AGENDA_TEXT_MAX], ref[24];
            snprintf(title, sizeof(title), "offer expires: %s", offer->title);
            snprintf(ref, sizeof(ref), "%llu", (unsigned long long)offer->id);
            struct agenda_candidate c = {
                .kind = "offer_expiring",
                .day = agenda_day_of_key(key->date),
                .priority = AGENDA_OFFER,
                .client_id = offer->client_id,
                .client_name = client->name,
                .title = title,
                .ref = ref,
            };
            rc = agenda_add(ag, &c);
        }
    }
    arena_free(&scratch);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

static int agenda_coupon(void *ctx, const struct store_agenda_key *key, const void *value,
                         size_t value_len)
{
    (void)value;
    (void)value_len;
    struct agenda *ag = ctx;
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
            char title[AGENDA_TEXT_MAX];
            snprintf(title, sizeof(title), "coupon expires: %s at %s", coupon->discount,
                     partner != NULL ? partner->name : "a partner");
            struct agenda_candidate c = {
                .kind = "coupon_expiring",
                .day = agenda_day_of_key(key->date),
                .priority = AGENDA_COUPON,
                .client_id = coupon->client_id,
                .client_name = client->name,
                .title = title,
                .ref = coupon->code,
            };
            rc = agenda_add(ag, &c);
        }
    }
    arena_free(&scratch);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* ---------------------------------------------------------------- opportunities */

/* An event opens an opportunity for each rule on its trigger, for the
 * rule's window; the item says what the rules open on some day of the
 * horizon advise together. */
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
    Folio__Rule *open[RULE_COUNT_MAX];
    size_t n_open = 0;
    for (size_t i = 0; i < ag->n_rules && n_open < RULE_COUNT_MAX; i++) {
        const Folio__Rule *r = ag->rules[i];
        int64_t last = day + (r->window_days > 0 ? r->window_days : 1) - 1;
        if (strcmp(r->on, trigger) == 0 && day <= ag->end && last >= ag->start)
            open[n_open++] = ag->rules[i];
    }
    if (n_open == 0)
        return 0;
    struct rule_advice advice;
    if (rule_advise(open, n_open, trigger, &ag->req->arena, &advice) < 0)
        return ENOMEM;
    struct agenda_client found;
    int rc = agenda_client(ag, key->client_id, &found);
    const struct client_summary *client = found.summary;
    if (rc == 0 && client != NULL) {
        char title[AGENDA_TEXT_MAX];
        char *colon = strchr(trigger, ':');
        if (colon != NULL)
            *colon = ' ';
        snprintf(title, sizeof(title), "%s: %s", client->name, trigger);
        struct agenda_candidate c = {
            .kind = "opportunity",
            .day = agenda_max(day, ag->start),
            .priority = AGENDA_OPPORTUNITY,
            .client_id = found.id,
            .client_name = client->name,
            .title = title,
            .suggestion = advice.suggestion,
            .avoid = advice.avoid,
            .product = advice.product,
        };
        rc = agenda_add(ag, &c);
    }
    arena_free(&found.scratch);
    return rc;
}

/* ---------------------------------------------------------------- the portfolio walk */

static int agenda_alerts_for(struct agenda *ag, const uint8_t client_id[STORE_CLIENT_ID_BYTES],
                             const struct client_summary *client)
{
    for (size_t i = 0; i < ag->n_alerts; i++) {
        const Folio__Alert *alert = ag->alerts[i];
        if (!client_summary_in_alert(client, alert))
            continue;
        char id[CLIENT_ID_TEXT + 1];
        client_id_format(client_id, id);
        int64_t from = ag->start;
        calendar_parse(alert->date, &from);
        char title[AGENDA_TEXT_MAX], ref[24];
        snprintf(title, sizeof(title), "%s in %s", alert->kind,
                 alert->city[0] != '\0' ? alert->city : alert->region);
        snprintf(ref, sizeof(ref), "%llu", (unsigned long long)alert->id);
        struct agenda_candidate c = {
            .kind = "alert",
            .day = agenda_max(from, ag->start),
            .priority = AGENDA_ALERT,
            .client_id = id,
            .client_name = client->name,
            .title = title,
            .suggestion = ag->alert_advice[i].suggestion,
            .avoid = ag->alert_advice[i].avoid,
            .product = ag->alert_advice[i].product,
            .ref = ref,
        };
        int rc = agenda_add(ag, &c);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* The day the client is due a contact: the last one (else the day the
 * record was made) plus the client's interval, else the firm's. */
static int agenda_stay_in_touch(struct agenda *ag, const uint8_t client_id[STORE_CLIENT_ID_BYTES],
                                const struct client_summary *client)
{
    int64_t since;
    if (calendar_parse(client->last_contact, &since) != 0) {
        int64_t t = client->created_at;
        since = (t >= 0 ? t : t - 86399) / 86400;
    }
    uint32_t interval = client->contact_interval_days;
    if (interval == 0)
        interval = ag->calendar->stay_in_touch_days;
    if (interval == 0)
        interval = RULE_STAY_IN_TOUCH_DEFAULT;
    int64_t due = since + interval;
    if (due > ag->end)
        return 0;
    char id[CLIENT_ID_TEXT + 1], title[AGENDA_TEXT_MAX], date[CALENDAR_DATE_TEXT + 1];
    client_id_format(client_id, id);
    calendar_format(since, date);
    snprintf(title, sizeof(title), "no contact with %s since %s", client->name, date);
    struct agenda_candidate c = {
        .kind = "stay_in_touch",
        .day = agenda_max(due, ag->start),
        .priority = AGENDA_STAY,
        .client_id = id,
        .client_name = client->name,
        .title = title,
    };
    return agenda_add(ag, &c);
}

/* Most clients yield nothing: their id is put in words only for an item. */
static int agenda_visit(void *ctx, const uint8_t id[STORE_CLIENT_ID_BYTES],
                        const struct client_summary *client)
{
    struct agenda *ag = ctx;
    int rc = agenda_alerts_for(ag, id, client);
    if (rc == 0)
        rc = agenda_stay_in_touch(ag, id, client);
    return rc;
}

static int agenda_portfolio(struct agenda *ag)
{
    char from[CALENDAR_DATE_TEXT + 1], to[CALENDAR_DATE_TEXT + 1];
    calendar_format(ag->start, from);
    calendar_format(ag->end, to);
    int rc = store_alert_active(ag->store, ag->txn, from, to, &ag->req->arena, &ag->alerts,
                                &ag->n_alerts);
    if (rc != 0)
        return rc;
    if (ag->n_alerts > 0) {
        ag->alert_advice = arena_calloc(&ag->req->arena, ag->n_alerts, sizeof(*ag->alert_advice));
        if (ag->alert_advice == NULL)
            return ENOMEM;
        for (size_t i = 0; i < ag->n_alerts && rc == 0; i++) {
            char trigger[RULE_ON_MAX + 8];
            snprintf(trigger, sizeof(trigger), "alert:%s", ag->alerts[i]->kind);
            rc = agenda_advise(ag, trigger, &ag->alert_advice[i]);
        }
        if (rc != 0)
            return rc;
    }
    return store_client_summaries(ag->store, ag->txn, ag->owner_id, agenda_visit, ag);
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

/* ---------------------------------------------------------------- the op */

int op_agenda_read(struct request *req, MDB_txn *txn)
{
    Folio__AgendaQuery *ask = req->msg->agenda;
    struct agenda ag = {
        .req = req,
        .txn = txn,
        .store = &req->server->store,
        .owner_id = req->actor.user_id,
    };
    char today[CALENDAR_DATE_TEXT + 1];
    if (ask->date[0] == '\0')
        calendar_today(req->now, today);
    else if (strlen(ask->date) == 10)
        memcpy(today, ask->date, sizeof(today));
    else
        today[0] = '\0';
    if (calendar_parse(today, &ag.start) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "date: not a date (YYYY-MM-DD)");
    uint32_t days = ask->days == 0 ? AGENDA_DAYS_DEFAULT : ask->days;
    if (days > AGENDA_DAYS_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "days: 1 to %d", AGENDA_DAYS_MAX);
    ag.end = ag.start + days - 1;
    int64_t last = calendar_day(9999, 12, 31);
    if (ag.end > last)
        ag.end = last;

    int rc = store_rule_list(ag.store, txn, &req->arena, &ag.rules, &ag.n_rules);
    if (rc != 0)
        return request_store_error(req, rc, "read the rules");
    Folio__Calendar *cal = NULL;
    rc = store_meta_calendar_get(ag.store, txn, &req->arena, &cal);
    if (rc == MDB_NOTFOUND)
        ag.calendar = rule_default_calendar();
    else if (rc != 0)
        return request_store_error(req, rc, "read the calendar");
    else
        ag.calendar = cal;
    ag.heap = arena_calloc(&req->arena, AGENDA_ITEMS_MAX, sizeof(*ag.heap));
    if (ag.heap == NULL)
        return request_oom(req);

    uint32_t from = calendar_key(ag.start), to = calendar_key(ag.end);
    uint32_t events_from = calendar_key(ag.start - RULE_WINDOW_MAX);
    if ((rc = agenda_birthdays(&ag)) == 0 &&
        (rc = store_agenda_each(ag.store, txn, ag.owner_id, STORE_AGENDA_FOLLOW_UP, from, to,
                                agenda_follow_up, &ag)) == 0 &&
        (rc = store_agenda_each(ag.store, txn, ag.owner_id, STORE_AGENDA_OFFER, from, to,
                                agenda_offer, &ag)) == 0 &&
        (rc = store_agenda_each(ag.store, txn, ag.owner_id, STORE_AGENDA_COUPON, from, to,
                                agenda_coupon, &ag)) == 0 &&
        (rc = store_agenda_each(ag.store, txn, ag.owner_id, STORE_AGENDA_EVENT, events_from, to,
                                agenda_opportunity, &ag)) == 0 &&
        (rc = agenda_portfolio(&ag)) == 0)
        rc = agenda_calendar(&ag);
    if (rc == ENOMEM)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "the agenda needs more memory than a request may use");
    if (rc != 0)
        return request_store_error(req, rc, "read the agenda");

    qsort(ag.heap, ag.n_heap, sizeof(*ag.heap), agenda_sort);
    Folio__Agenda *agenda = request_alloc(req, sizeof(*agenda));
    Folio__AgendaItem **items = arena_calloc(&req->arena, ag.n_heap + 1, sizeof(*items));
    char *date = arena_strdup(&req->arena, today);
    if (agenda == NULL || items == NULL || date == NULL)
        return request_oom(req);
    for (size_t i = 0; i < ag.n_heap; i++)
        items[i] = &ag.heap[i]->item;
    folio__agenda__init(agenda);
    agenda->date = date;
    agenda->days = days;
    agenda->items = items;
    agenda->n_items = ag.n_heap;
    agenda->truncated = ag.truncated;
    req->response.result_case = FOLIO__RESPONSE__RESULT_AGENDA;
    req->response.agenda = agenda;
    return 0;
}
