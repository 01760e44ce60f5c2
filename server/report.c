/* report.c - see report.h. */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "rule.h"

#define REPORT_CITY_TABLE (2 * REPORT_CITY_SLOTS)

static const char *const report_age_keys[REPORT_AGE_BANDS] = {
    "under 25", "25-34", "35-44", "45-54", "55-64", "65+", "unknown",
};

/* Upper bounds in cents of the client's own currency. */
static const int64_t report_income_bounds[REPORT_INCOME_BANDS - 2] = {
    2000000,
    5000000,
    10000000,
    20000000,
};
static const char *const report_income_keys[REPORT_INCOME_BANDS] = {
    "under 20k", "20k-50k", "50k-100k", "100k-200k", "200k+", "unknown",
};

/* By Folio__MaritalStatus; each with and without children. */
static const char *const report_marital_words[REPORT_LIFE_STAGES / 2] = {
    "unknown", "single", "married", "partnered", "divorced", "widowed",
};

int report_init(struct report *r, const char *today, Folio__Rule *const *rules, size_t n_rules)
{
    memset(r, 0, sizeof(*r));
    if (book_init(&r->book, today) != 0 ||
        calendar_parse_date(today, &r->year, &r->month, &r->mday) != 0)
        return -1;
    r->month_first = r->book.today - (r->mday - 1);
    r->month_last = r->month_first + calendar_days_in_month(r->year, r->month) - 1;
    r->rules = rules;
    r->n_rules = n_rules;
    r->cities = calloc(REPORT_CITY_TABLE, sizeof(*r->cities));
    r->opportunities = calloc(n_rules + 1, sizeof(*r->opportunities));
    if (r->cities == NULL || r->opportunities == NULL) {
        report_free(r);
        return ENOMEM;
    }
    return 0;
}

void report_free(struct report *r)
{
    book_free(&r->book);
    for (size_t i = 0; r->cities != NULL && i < REPORT_CITY_TABLE; i++)
        free(r->cities[i].name);
    free(r->cities);
    free(r->weeks.lines);
    free(r->opportunities);
    memset(r, 0, sizeof(*r));
}

static int report_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static bool report_same_city(const char *a, const char *b)
{
    for (; *a != '\0' && report_lower((unsigned char)*a) == report_lower((unsigned char)*b);
         a++, b++)
        ;
    return *a == *b;
}

/* FNV-1a over the ASCII-lower-cased name: "Lima" and "LIMA" are one city. */
static size_t report_city_hash(const char *name)
{
    uint64_t h = 14695981039346656037u;
    for (; *name != '\0'; name++) {
        h ^= (uint64_t)report_lower((unsigned char)*name);
        h *= 1099511628211u;
    }
    return (size_t)(h % REPORT_CITY_TABLE);
}

/* Whether a spelling reads as a name: a capital first and a small letter
 * after it ("Lima", not "LIMA" or "lima"). */
static bool report_city_cased(const char *name)
{
    if (!(name[0] >= 'A' && name[0] <= 'Z'))
        return false;
    for (const char *p = name + 1; *p != '\0'; p++)
        if (*p >= 'a' && *p <= 'z')
            return true;
    return false;
}

/* Which spelling of one city is shown, whatever order the clients come in:
 * one that reads as a name, else the first in byte order. */
static bool report_city_better(const char *candidate, const char *kept)
{
    bool a = report_city_cased(candidate), b = report_city_cased(kept);
    return a != b ? a : strcmp(candidate, kept) < 0;
}

static int report_add_city(struct report *r, const char *city)
{
    const char *name = city[0] != '\0' ? city : "no city";
    size_t i = report_city_hash(name);
    while (r->cities[i].name != NULL && !report_same_city(r->cities[i].name, name))
        i = (i + 1) % REPORT_CITY_TABLE;
    if (r->cities[i].name == NULL) {
        /* The table stays at most half full, so a probe always ends. */
        if (r->n_cities == REPORT_CITY_SLOTS) {
            r->other_cities++;
            r->partial = true;
            return 0;
        }
        if ((r->cities[i].name = strdup(name)) == NULL)
            return ENOMEM;
        r->n_cities++;
    } else if (report_city_better(name, r->cities[i].name)) {
        char *better = strdup(name);
        if (better == NULL)
            return ENOMEM;
        free(r->cities[i].name);
        r->cities[i].name = better;
    }
    r->cities[i].count++;
    return 0;
}

/* The age band of a birth date on today; the last band when the year is
 * not known (--MM-DD) or there is none. */
static size_t report_age_band(const struct report *r, const char *birth_date)
{
    int year, month, mday;
    if (calendar_parse_date(birth_date, &year, &month, &mday) != 0)
        return REPORT_AGE_BANDS - 1;
    int age = r->year - year - (month > r->month || (month == r->month && mday > r->mday));
    if (age < 0)
        return REPORT_AGE_BANDS - 1;
    if (age < 25)
        return 0;
    size_t band = 1 + (size_t)(age - 25) / 10;
    return band < REPORT_AGE_BANDS - 2 ? band : REPORT_AGE_BANDS - 2;
}

static size_t report_income_band(const struct client_summary *c)
{
    if (!c->income_known)
        return REPORT_INCOME_BANDS - 1;
    size_t band = 0;
    while (band < REPORT_INCOME_BANDS - 2 && c->income_cents >= report_income_bounds[band])
        band++;
    return band;
}

int report_add_client(struct report *r, const struct client_summary *c)
{
    book_add_client(&r->book, c);
    r->ages[report_age_band(r, c->birth_date)]++;
    r->incomes[report_income_band(c)]++;
    size_t marital =
        (size_t)c->marital_status < REPORT_LIFE_STAGES / 2 ? (size_t)c->marital_status : 0;
    r->stages[marital * 2 + (c->children > 0)]++;
    return report_add_city(r, c->city);
}

void report_add_contact(struct report *r, const Folio__TimelineEvent *ev)
{
    int64_t day;
    if (strcmp(ev->kind, "contact") != 0 || calendar_parse(ev->date, &day) != 0)
        return;
    int slot = book_month(&r->book, day);
    if (slot >= 0)
        r->contacts[slot]++;
}

int report_add_holding(struct report *r, const Folio__Holding *h)
{
    int rc = book_add_holding(&r->book, h);
    int64_t renews;
    if (rc != 0 || strcmp(h->status, "active") != 0 || calendar_parse(h->renews_on, &renews) != 0 ||
        renews <= r->book.today || renews > r->book.today + 7 * REPORT_WEEKS)
        return rc;
    char week[CALENDAR_DATE_TEXT + 1];
    calendar_format(r->book.today + 1 + 7 * ((renews - r->book.today - 1) / 7), week);
    return book_lines_add(&r->weeks, week, h->currency, book_annual(h), &r->partial);
}

int64_t report_events_from(const struct report *r)
{
    return r->month_first - RULE_WINDOW_MAX;
}

int64_t report_events_to(const struct report *r)
{
    return r->month_last;
}

int report_add_event(struct report *r, int64_t day, const char *trigger, report_holds_fn holds,
                     void *ctx)
{
    for (size_t i = 0; i < r->n_rules; i++) {
        const Folio__Rule *rule = r->rules[i];
        /* Open from the event's day for the rule's window, as on the agenda. */
        int64_t last = day + (rule->window_days > 0 ? rule->window_days : 1) - 1;
        if (strcmp(rule->on, trigger) != 0 || day > r->month_last || last < r->month_first)
            continue;
        bool held = false;
        if (rule->unless_holds != NULL && rule->unless_holds[0] != '\0') {
            int rc = holds(ctx, rule->unless_holds, &held);
            if (rc != 0)
                return rc;
        }
        if (!held)
            r->opportunities[i]++;
    }
    return 0;
}

static Folio__ReportCount *report_count(struct arena *arena, const char *key, uint64_t count)
{
    Folio__ReportCount *c = arena_calloc(arena, 1, sizeof(*c));
    if (c == NULL)
        return NULL;
    folio__report_count__init(c);
    c->key = arena_strdup(arena, key);
    c->count = count;
    return c->key != NULL ? c : NULL;
}

/* n counts under keys into *out, leaving out the zeros when skip_zero. */
static int report_counts(struct arena *arena, const char *const *keys, const uint64_t *counts,
                         size_t n, bool skip_zero, Folio__ReportCount ***out, size_t *n_out)
{
    *out = arena_calloc(arena, n + 1, sizeof(**out));
    *n_out = 0;
    if (*out == NULL)
        return ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (skip_zero && counts[i] == 0)
            continue;
        if (((*out)[*n_out] = report_count(arena, keys[i], counts[i])) == NULL)
            return ENOMEM;
        (*n_out)++;
    }
    return 0;
}

static int report_life_stages(struct report *r, struct arena *arena, Folio__Report *out)
{
    char keys[REPORT_LIFE_STAGES][32];
    const char *key_of[REPORT_LIFE_STAGES];
    for (size_t i = 0; i < REPORT_LIFE_STAGES; i++) {
        snprintf(keys[i], sizeof(keys[i]), "%s, %s", report_marital_words[i / 2],
                 i % 2 ? "children" : "no children");
        key_of[i] = keys[i];
    }
    return report_counts(arena, key_of, r->stages, REPORT_LIFE_STAGES, true, &out->life_stages,
                         &out->n_life_stages);
}

static int report_city_order(const void *a, const void *b)
{
    const struct report_city *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int report_cities(struct report *r, struct arena *arena, Folio__Report *out)
{
    /* Pack the used slots to the front, then the largest first. */
    size_t n = 0;
    for (size_t i = 0; i < REPORT_CITY_TABLE; i++)
        if (r->cities[i].name != NULL)
            r->cities[n++] = r->cities[i];
    for (size_t i = n; i < REPORT_CITY_TABLE; i++)
        r->cities[i] = (struct report_city){NULL, 0};
    if (n > 0)
        qsort(r->cities, n, sizeof(*r->cities), report_city_order);
    size_t shown = n < REPORT_CITIES_MAX ? n : REPORT_CITIES_MAX;
    uint64_t other = r->other_cities;
    for (size_t i = shown; i < n; i++)
        other += r->cities[i].count;
    out->cities = arena_calloc(arena, shown + 2, sizeof(*out->cities));
    if (out->cities == NULL)
        return ENOMEM;
    for (size_t i = 0; i < shown; i++)
        if ((out->cities[out->n_cities++] =
                 report_count(arena, r->cities[i].name, r->cities[i].count)) == NULL)
            return ENOMEM;
    if (other > 0 && (out->cities[out->n_cities++] = report_count(arena, "other", other)) == NULL)
        return ENOMEM;
    return 0;
}

static int report_opportunities(struct report *r, struct arena *arena, Folio__Report *out)
{
    out->opportunities = arena_calloc(arena, REPORT_RULES_MAX + 1, sizeof(*out->opportunities));
    if (out->opportunities == NULL)
        return ENOMEM;
    /* The largest first: a selection over at most RULE_COUNT_MAX rules. */
    for (size_t shown = 0; shown < REPORT_RULES_MAX; shown++) {
        size_t best = r->n_rules;
        for (size_t i = 0; i < r->n_rules; i++)
            if (r->opportunities[i] > 0 &&
                (best == r->n_rules || r->opportunities[i] > r->opportunities[best]))
                best = i;
        if (best == r->n_rules)
            return 0;
        Folio__ReportCount *c = report_count(arena, r->rules[best]->on, r->opportunities[best]);
        if (c == NULL || (c->label = arena_strdup(arena, r->rules[best]->suggest)) == NULL)
            return ENOMEM;
        out->opportunities[out->n_opportunities++] = c;
        r->opportunities[best] = 0;
    }
    for (size_t i = 0; i < r->n_rules; i++)
        if (r->opportunities[i] > 0)
            r->partial = true;
    return 0;
}

static int report_contact_months(struct report *r, struct arena *arena, Folio__Report *out)
{
    out->contact_months = arena_calloc(arena, BOOK_MONTHS, sizeof(*out->contact_months));
    if (out->contact_months == NULL)
        return ENOMEM;
    for (int i = 0; i < BOOK_MONTHS; i++) {
        int index = r->book.first_month_index + i;
        char month[16];
        snprintf(month, sizeof(month), "%04d-%02d", index / 12, index % 12 + 1);
        if ((out->contact_months[i] = report_count(arena, month, r->contacts[i])) == NULL)
            return ENOMEM;
    }
    out->n_contact_months = BOOK_MONTHS;
    return 0;
}

static int report_week_order(const void *a, const void *b)
{
    const struct book_line *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c != 0 ? c : strcmp(x->currency, y->currency);
}

Folio__Report *report_finish(struct report *r, const char *scope, const char *date,
                             struct arena *arena)
{
    Folio__Report *out = arena_calloc(arena, 1, sizeof(*out));
    if (out == NULL)
        return NULL;
    folio__report__init(out);
    if (report_opportunities(r, arena, out) != 0 ||
        (out->book = book_finish(&r->book, scope, date, arena)) == NULL ||
        report_counts(arena, report_age_keys, r->ages, REPORT_AGE_BANDS, false, &out->age_bands,
                      &out->n_age_bands) != 0 ||
        report_counts(arena, report_income_keys, r->incomes, REPORT_INCOME_BANDS, false,
                      &out->income_bands, &out->n_income_bands) != 0 ||
        report_life_stages(r, arena, out) != 0 || report_cities(r, arena, out) != 0 ||
        report_contact_months(r, arena, out) != 0)
        return NULL;
    out->renewal_weeks =
        book_lines_out(&r->weeks, BOOK_LINES_MAX, report_week_order, arena, &out->n_renewal_weeks);
    if (out->renewal_weeks == NULL)
        return NULL;
    out->partial = r->partial || r->book.full;
    return out;
}
