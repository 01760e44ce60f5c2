/* test_timeline_replay.c - correcting a timeline (unit): the closed sets
 * and date bounds of events, corrections and their audit diff, and a
 * property of client_timeline_replay: whatever events are added, corrected
 * and withdrawn, in whatever order, the record equals a fresh replay of
 * the final timeline on top of what was typed. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "client_record.h"

#define SEQUENCES  10000
#define OPS_MAX    25
#define EVENTS_MAX (OPS_MAX + 1)
#define SEED       0x5eed1234abcdULL

static struct arena ar;

static void setup(void)
{
    arena_init(&ar, 0);
}

static void teardown(void)
{
    arena_free(&ar);
}

TestSuite(timeline_replay, .init = setup, .fini = teardown);

/* xorshift64*: the same sequences on every run and machine. */
static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static size_t pick(size_t n)
{
    return (size_t)(rng() % n);
}

static char *random_date(void)
{
    char out[CALENDAR_DATE_TEXT + 1];
    calendar_format(calendar_day(2020, 1, 1) + (int64_t)pick(2500), out);
    return arena_strdup(&ar, out);
}

static const char *const kinds[] = {"income", "life", "purchase", "contact", "note"};
static const char *const life_words[] = {"married",    "divorced", "widowed", "partnered",
                                         "child-born", "retired",  "moved"};
static const char *const contact_words[] = {"call", "visit", "email", "message", "sms"};
static const char *const purchase_words[] = {"vehicle", "home", "boat"};
static const char *const currencies[] = {"EUR", "USD", "PEN"};

#define ANY(list) ((char *)(list)[pick(sizeof(list) / sizeof((list)[0]))])

static char *random_what(const char *kind)
{
    if (strcmp(kind, "life") == 0)
        return ANY(life_words);
    if (strcmp(kind, "contact") == 0)
        return ANY(contact_words);
    if (strcmp(kind, "purchase") == 0)
        return ANY(purchase_words);
    return (char *)"";
}

/* A follow-up on or after date, or none. */
static char *random_follow_up(const char *kind, const char *date)
{
    if (strcmp(kind, "contact") != 0 || pick(2) == 0)
        return (char *)"";
    int64_t day;
    calendar_parse(date, &day);
    char out[CALENDAR_DATE_TEXT + 1];
    calendar_format(day + (int64_t)pick(60), out);
    return arena_strdup(&ar, out);
}

static Folio__Client *clone(const Folio__Client *c)
{
    size_t len = folio__client__get_packed_size(c);
    uint8_t *buf = arena_alloc(&ar, len + 1);
    cr_assert_not_null(buf);
    folio__client__pack(c, buf);
    Folio__Client *copy = folio__client__unpack(&ar.allocator, len, buf);
    cr_assert_not_null(copy);
    return copy;
}

static bool same_record(const Folio__Client *a, const Folio__Client *b)
{
    size_t la = folio__client__get_packed_size(a), lb = folio__client__get_packed_size(b);
    if (la != lb)
        return false;
    uint8_t *pa = arena_alloc(&ar, la + 1), *pb = arena_alloc(&ar, lb + 1);
    cr_assert(pa != NULL && pb != NULL);
    folio__client__pack(a, pa);
    folio__client__pack(b, pb);
    return memcmp(pa, pb, la) == 0;
}

/* What a person typed at creation: sometimes a marital status, children,
 * an income (with its typed history entry, as client add makes it) and a
 * purchase. */
static Folio__Client *random_base(void)
{
    Folio__Client *c = arena_alloc(&ar, sizeof(*c));
    cr_assert_not_null(c);
    folio__client__init(c);
    c->id = (char *)"0b7e6a3c-3f0e-4a51-9a57-6f1f2f7b1c01";
    c->owner_id = 7;
    c->name = (char *)"Ana";
    c->marital_status = (Folio__MaritalStatus)pick(FOLIO__MARITAL_STATUS__MARITAL_WIDOWED + 1);
    c->marital_status_typed = c->marital_status;
    c->children = (uint32_t)pick(3);
    if (c->children > 0) {
        c->children_birth_years = arena_calloc(&ar, 1, sizeof(uint32_t));
        c->children_birth_years[0] = 2010;
        c->n_children_birth_years = 1;
    }
    if (pick(2) == 0) {
        Folio__IncomeChange *h = arena_alloc(&ar, sizeof(*h));
        folio__income_change__init(h);
        h->amount_cents = 100000;
        h->currency = (char *)"EUR";
        h->date = (char *)"2019-06-01";
        c->income_history = arena_calloc(&ar, 1, sizeof(*c->income_history));
        c->income_history[0] = h;
        c->n_income_history = 1;
        c->income_cents = h->amount_cents;
        c->currency = h->currency;
    }
    if (pick(3) == 0) {
        Folio__Purchase *p = arena_alloc(&ar, sizeof(*p));
        folio__purchase__init(p);
        p->kind = (char *)"home";
        p->date = (char *)"2018-01-01";
        c->purchases = arena_calloc(&ar, 1, sizeof(*c->purchases));
        c->purchases[0] = p;
        c->n_purchases = 1;
    }
    return c;
}

static Folio__TimelineEvent *server_event(const char *kind, const char *what, uint64_t seq)
{
    Folio__TimelineEvent *ev = arena_alloc(&ar, sizeof(*ev));
    folio__timeline_event__init(ev);
    ev->kind = (char *)kind;
    ev->what = (char *)what;
    ev->date = (char *)"2019-01-01";
    ev->seq = seq;
    return ev;
}

struct sequence {
    Folio__Client *c;
    Folio__TimelineEvent *events[EVENTS_MAX];
    size_t n;
    uint64_t next_seq;
};

static void add_event(struct sequence *s)
{
    if (pick(8) == 0) {
        /* A person types a marital status (client update). */
        Folio__MaritalStatus m =
            (Folio__MaritalStatus)pick(FOLIO__MARITAL_STATUS__MARITAL_WIDOWED + 1);
        s->c->marital_status = s->c->marital_status_typed = m;
        s->events[s->n++] = server_event("updated", "city,marital_status", s->next_seq++);
        return;
    }
    Folio__EventAdd e = FOLIO__EVENT_ADD__INIT;
    e.kind = ANY(kinds);
    e.what = random_what(e.kind);
    char *date = random_date();
    e.follow_up = random_follow_up(e.kind, date);
    e.amount_cents = 1 + (int64_t)pick(1000000);
    e.currency = pick(3) == 0 ? (char *)"" : ANY(currencies);
    e.note = strcmp(e.kind, "note") == 0 || pick(2) == 0 ? (char *)"a note" : (char *)"";
    Folio__TimelineEvent *ev = arena_alloc(&ar, sizeof(*ev));
    folio__timeline_event__init(ev);
    ev->seq = s->next_seq;
    const char *why = client_apply_event(s->c, &e, date, ev, &ar);
    cr_assert_null(why, "%s", why);
    s->next_seq++;
    s->events[s->n++] = ev;
}

/* The index of a random event agents add, or n when there is none. */
static size_t pick_correctable(const struct sequence *s)
{
    size_t start = pick(s->n);
    for (size_t k = 0; k < s->n; k++) {
        size_t i = (start + k) % s->n;
        if (client_event_correctable(s->events[i]->kind))
            return i;
    }
    return s->n;
}

/* Replays now into a copy of the record; keeps both when the replay
 * agrees (a refused correction changes nothing, as its transaction is
 * dropped). */
static void correct(struct sequence *s, Folio__TimelineEvent **now, size_t n_now)
{
    Folio__Client *copy = clone(s->c);
    if (client_timeline_replay(copy, s->events, s->n, now, n_now, &ar) != NULL)
        return;
    s->c = copy;
    memcpy(s->events, now, n_now * sizeof(*now));
    s->n = n_now;
}

static void edit_event(struct sequence *s)
{
    size_t i = pick_correctable(s);
    if (i == s->n)
        return;
    const Folio__TimelineEvent *old = s->events[i];
    char *fields[6];
    Folio__EventEdit edit = FOLIO__EVENT_EDIT__INIT;
    edit.fields = fields;
    bool income = strcmp(old->kind, "income") == 0;
    if (pick(2) == 0)
        fields[edit.n_fields++] = (char *)"date", edit.date = random_date();
    if (pick(3) == 0)
        fields[edit.n_fields++] = (char *)"note", edit.note = (char *)"corrected";
    if (income && pick(2) == 0)
        fields[edit.n_fields++] = (char *)"amount_cents",
        edit.amount_cents = 1 + (int64_t)pick(9999);
    if (income && pick(3) == 0)
        fields[edit.n_fields++] = (char *)"currency", edit.currency = ANY(currencies);
    if (!income && strcmp(old->kind, "note") != 0 && pick(2) == 0)
        fields[edit.n_fields++] = (char *)"what", edit.what = random_what(old->kind);
    if (strcmp(old->kind, "contact") == 0 && pick(2) == 0)
        fields[edit.n_fields++] = (char *)"follow_up",
        edit.follow_up = random_follow_up("contact", edit.n_fields > 1 ? edit.date : old->date);
    if (edit.n_fields == 0)
        fields[edit.n_fields++] = (char *)"note", edit.note = (char *)"";
    Folio__TimelineEvent *ev = arena_alloc(&ar, sizeof(*ev));
    if (client_event_edit(old, &edit, ev, &ar) != NULL)
        return; /* a follow-up before a moved date, say */
    Folio__TimelineEvent *now[EVENTS_MAX];
    memcpy(now, s->events, s->n * sizeof(*now));
    now[i] = ev;
    correct(s, now, s->n);
}

static void remove_event(struct sequence *s)
{
    size_t i = pick_correctable(s);
    if (i == s->n)
        return;
    Folio__TimelineEvent *now[EVENTS_MAX];
    memcpy(now, s->events, i * sizeof(*now));
    memcpy(now + i, s->events + i + 1, (s->n - i - 1) * sizeof(*now));
    correct(s, now, s->n - 1);
}

Test(timeline_replay, record_equals_a_fresh_replay_of_its_timeline)
{
    rng_state = SEED;
    size_t edits = 0;
    for (int round = 0; round < SEQUENCES; round++) {
        Folio__Client *base = random_base();
        struct sequence s = {.c = clone(base), .next_seq = 1};
        s.events[s.n++] = server_event("created", "", s.next_seq++);
        size_t ops = 1 + pick(OPS_MAX);
        for (size_t k = 0; k < ops && s.n < EVENTS_MAX; k++) {
            size_t op = pick(4);
            if (op < 2 || s.n == 1)
                add_event(&s);
            else if (op == 2)
                edit_event(&s), edits++;
            else
                remove_event(&s);
        }
        /* What was last typed is the record's; the rest is the timeline. */
        Folio__Client *fresh = clone(base);
        fresh->marital_status = fresh->marital_status_typed = s.c->marital_status_typed;
        const char *why = client_timeline_replay(fresh, NULL, 0, s.events, s.n, &ar);
        cr_assert_null(why, "round %d: %s", round, why);
        cr_assert(same_record(s.c, fresh), "round %d: the record and a fresh replay differ", round);
        cr_assert_null(client_validate(s.c), "round %d", round);
        arena_free(&ar);
        arena_init(&ar, 0);
    }
    cr_assert_gt(edits, SEQUENCES);
}

/* ---------------------------------------------------------------- the parts */

static Folio__TimelineEvent *stored(const char *kind, const char *what, const char *date)
{
    Folio__TimelineEvent *ev = server_event(kind, what, 5);
    ev->date = (char *)date;
    ev->note = (char *)"";
    ev->currency = (char *)"";
    ev->follow_up = (char *)"";
    ev->trigger = (char *)"";
    if (strcmp(kind, "income") == 0) {
        ev->amount_cents = 5000;
        ev->currency = arena_strdup(&ar, "EUR"); /* validation upper-cases it in place */
    }
    return ev;
}

static const char *edit_one(const Folio__TimelineEvent *old, const char *field, char *value,
                            int64_t cents, Folio__TimelineEvent *ev)
{
    char *fields[] = {(char *)field};
    Folio__EventEdit edit = FOLIO__EVENT_EDIT__INIT;
    edit.fields = fields;
    edit.n_fields = 1;
    edit.date = edit.note = edit.currency = edit.what = edit.follow_up = value;
    edit.amount_cents = cents;
    return client_event_edit(old, &edit, ev, &ar);
}

Test(timeline_replay, corrections_are_checked_as_new_events)
{
    Folio__TimelineEvent ev;
    Folio__TimelineEvent *life = stored("life", "maried", "2024-01-01");
    cr_assert_str_eq(edit_one(life, "note", (char *)"x", 0, &ev),
                     "what: one of married, divorced, widowed, partnered, child-born, retired, "
                     "moved",
                     "a stored typo must be corrected, not kept");
    cr_assert_null(edit_one(life, "what", (char *)"Married", 0, &ev));
    cr_assert_str_eq(ev.what, "married");
    cr_assert_eq(ev.seq, 5);

    Folio__TimelineEvent *income = stored("income", "", "2024-01-01");
    cr_assert_str_eq(edit_one(income, "amount_cents", NULL, 0, &ev),
                     "amount_cents: more than 0 and at most 1000000000000000");
    cr_assert_null(edit_one(income, "amount_cents", NULL, 7000, &ev));
    cr_assert_eq(ev.amount_cents, 7000);
    cr_assert_str_eq(ev.currency, "EUR");
    cr_assert_str_eq(edit_one(income, "what", (char *)"call", 0, &ev),
                     "fields: what belongs to life, purchase and contact events");
    cr_assert_str_eq(edit_one(income, "date", (char *)"2024-02-30", 0, &ev),
                     "date: not a real date");
    cr_assert_str_eq(edit_one(income, "colour", (char *)"x", 0, &ev),
                     "fields: one or more of date, note, amount_cents, currency, what, follow_up");

    Folio__TimelineEvent *contact = stored("contact", "call", "2024-03-01");
    cr_assert_str_eq(edit_one(contact, "amount_cents", NULL, 5, &ev),
                     "fields: amount_cents and currency belong to income events");
    cr_assert_str_eq(edit_one(contact, "follow_up", (char *)"2024-02-01", 0, &ev),
                     "follow_up: before the event date");
    cr_assert_str_eq(edit_one(stored("created", "", "2024-01-01"), "note", (char *)"x", 0, &ev),
                     "seq: a server's own entry (created, updated, offer...) cannot be corrected");
}

/* The 3-entry ISO fixture (PEN, EUR, AED) and a fixed today. */
static const char *typed(const char *kind, const char *date, const char *currency,
                         const Folio__TimelineEvent *was)
{
    static struct iso_codes iso;
    char why[256];
    cr_assert_eq(iso_codes_load(&iso, FOLIO_SOURCE_DIR "/tests/iso-codes", why, sizeof(why)), 0,
                 "%s", why);
    Folio__TimelineEvent *ev = stored(kind, "", date);
    ev->currency = (char *)currency;
    struct client_rules rules = {.iso = &iso, .today = "2026-05-17"};
    return client_event_validate_typed(ev, was, &rules);
}

Test(timeline_replay, typed_events_are_dated_up_to_a_week_ahead)
{
    cr_assert_null(typed("contact", "2026-05-24", "", NULL));
    cr_assert_str_eq(typed("income", "2026-05-25", "EUR", NULL),
                     "date: more than 7 days ahead; an event that happened has a date up to "
                     "today (a follow_up may lie further ahead)");
    cr_assert_not_null(typed("life", "2027-01-01", "", NULL));
    cr_assert_not_null(typed("purchase", "2027-01-01", "", NULL));
    cr_assert_null(typed("note", "2027-01-01", "", NULL));
    /* A correction that leaves an old entry's date alone is not judged on it. */
    cr_assert_null(typed("contact", "2027-01-01", "", stored("contact", "", "2027-01-01")));
    cr_assert_not_null(typed("contact", "2027-01-02", "", stored("contact", "", "2027-01-01")));
}

Test(timeline_replay, an_income_currency_is_an_iso_4217_code)
{
    cr_assert_null(typed("income", "2026-05-01", "PEN", NULL));
    cr_assert_str_eq(typed("income", "2026-05-01", "USX", NULL),
                     "currency: not an ISO 4217 currency code (three letters, such as PEN or EUR)");
    /* An entry stored before the check keeps its code until corrected. */
    Folio__TimelineEvent *old = stored("income", "", "2026-05-01");
    old->currency = (char *)"USX";
    cr_assert_null(typed("income", "2026-05-01", "USX", old));
}

Test(timeline_replay, audit_diff_is_bounded)
{
    Folio__TimelineEvent *was = stored("note", "", "2024-01-01");
    Folio__TimelineEvent *now = stored("note", "", "2024-01-02");
    char *long_note = arena_alloc(&ar, CLIENT_NOTES_MAX + 1);
    memset(long_note, 'n', CLIENT_NOTES_MAX);
    long_note[CLIENT_NOTES_MAX] = '\0';
    now->note = long_note;
    char *diff = client_event_diff(was, now, &ar);
    cr_assert_not_null(diff);
    cr_assert(strncmp(diff, "date: 2024-01-01 -> 2024-01-02; note:  -> nnn", 45) == 0, "%s", diff);
    cr_assert_lt(strlen(diff), 6 * (2 * CLIENT_DIFF_VALUE_MAX + 20));
    cr_assert_str_eq(client_event_diff(was, was, &ar), "");
}

Test(timeline_replay, withdrawing_the_last_income_goes_back_to_the_typed_one)
{
    Folio__Client *c = random_base();
    c->income_cents = 0;
    c->currency = (char *)"";
    c->n_income_history = 0;
    Folio__TimelineEvent *created = server_event("created", "", 1);
    Folio__EventAdd e = FOLIO__EVENT_ADD__INIT;
    e.kind = (char *)"income";
    e.amount_cents = 900;
    e.currency = (char *)"usd";
    Folio__TimelineEvent *ev = arena_alloc(&ar, sizeof(*ev));
    folio__timeline_event__init(ev);
    ev->seq = 2;
    cr_assert_null(client_apply_event(c, &e, "2024-01-01", ev, &ar));
    cr_assert_eq(c->income_cents, 900);
    cr_assert_eq(c->income_history[0]->seq, 2);
    Folio__TimelineEvent *was[] = {created, ev};
    cr_assert_null(client_timeline_replay(c, was, 2, was, 1, &ar));
    cr_assert_eq(c->income_cents, 0);
    cr_assert_str_eq(c->currency, "");
    cr_assert_eq(c->n_income_history, 0);
}

Test(timeline_replay, a_stored_correction_is_checked)
{
    Folio__TimelineEvent *ev = stored("income", "", "2024-01-01");
    ev->corrected_by = (char *)"alice";
    ev->corrected_at = 1700000000;
    cr_assert_null(client_event_validate(ev));
    ev->corrected_at = -1;
    cr_assert_str_eq(client_event_validate(ev), "corrected_at: not a time");
    ev->corrected_at = 0;
    ev->corrected_by = (char *)"bad\x01name";
    cr_assert_not_null(client_event_validate(ev));
}
