/* book.c - see book.h. */
#include "book.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

int book_init(struct book *b, const char *today)
{
    memset(b, 0, sizeof(*b));
    int year, month;
    if (calendar_parse(today, &b->today) != 0 || calendar_parse_date(today, &year, &month, NULL))
        return -1;
    b->first_month_index = year * 12 + month - 1 - (BOOK_MONTHS - 1);
    return 0;
}

void book_free(struct book *b)
{
    free(b->by_kind.lines);
    free(b->by_provider.lines);
    free(b->renewals.lines);
    memset(b, 0, sizeof(*b));
}

int book_month(const struct book *b, int64_t day)
{
    int year, month, mday;
    calendar_date(day, &year, &month, &mday);
    int slot = year * 12 + month - 1 - b->first_month_index;
    return slot >= 0 && slot < BOOK_MONTHS && day <= b->today ? slot : -1;
}

void book_add_client(struct book *b, const struct client_summary *client)
{
    b->clients++;
    int slot = book_month(b, client->created_at / 86400);
    if (slot >= 0)
        b->new_clients[slot]++;
}

int book_lines_add(struct book_lines *lines, const char *key, const char *currency, int64_t premium,
                   bool *full)
{
    for (size_t i = 0; i < lines->n; i++) {
        struct book_line *l = &lines->lines[i];
        if (strcmp(l->key, key) == 0 && strcmp(l->currency, currency) == 0) {
            l->count++;
            l->premium_cents += premium;
            return 0;
        }
    }
    if (lines->n == BOOK_LINES_MAX) {
        *full = true;
        return 0;
    }
    if (lines->n == lines->cap) {
        size_t cap = lines->cap ? 2 * lines->cap : 16;
        struct book_line *grown = realloc(lines->lines, cap * sizeof(*grown));
        if (grown == NULL)
            return ENOMEM;
        lines->lines = grown;
        lines->cap = cap;
    }
    struct book_line *l = &lines->lines[lines->n++];
    snprintf(l->key, sizeof(l->key), "%s", key);
    snprintf(l->currency, sizeof(l->currency), "%s", currency);
    l->count = 1;
    l->premium_cents = premium;
    return 0;
}

/* Amounts are bounded (client_amount_ok), so twelve of them cannot
 * overflow. */
int64_t book_annual(const Folio__Holding *h)
{
    if (strcmp(h->premium_period, "month") == 0)
        return h->premium_cents * 12;
    if (strcmp(h->premium_period, "quarter") == 0)
        return h->premium_cents * 4;
    return h->premium_cents;
}

int book_add_holding(struct book *b, const Folio__Holding *h)
{
    int64_t start = 0, end = 0, renews = 0;
    bool has_start = calendar_parse(h->start_date, &start) == 0;
    bool has_end = calendar_parse(h->ends_on, &end) == 0;
    bool has_renewal = calendar_parse(h->renews_on, &renews) == 0;
    bool active = strcmp(h->status, "active") == 0;
    if (!active) {
        /* Lost in the last year: lapsed or cancelled (not replaced). */
        if (has_end && end <= b->today && end > b->today - 365 &&
            (strcmp(h->status, "lapsed") == 0 || strcmp(h->status, "cancelled") == 0))
            b->lost++;
        int slot = has_end ? book_month(b, end) : -1;
        if (slot >= 0 && strcmp(h->status, "quoted") != 0)
            b->ended[slot]++;
        return 0;
    }
    b->active++;
    /* Running a year ago (by its start, else since it was recorded). */
    int64_t since = has_start ? start : h->created_at / 86400;
    if (since <= b->today - 365)
        b->retained++;
    int64_t annual = book_annual(h);
    int rc = book_lines_add(&b->by_kind, h->kind, h->currency, annual, &b->full);
    if (rc == 0)
        rc = book_lines_add(&b->by_provider, h->provider, h->currency, annual, &b->full);
    static const char *const within[] = {"30", "60", "90"};
    for (int i = 0; rc == 0 && i < 3; i++)
        if (has_renewal && renews > b->today && renews <= b->today + 30 * (i + 1))
            rc = book_lines_add(&b->renewals, within[i], h->currency, annual, &b->full);
    return rc;
}

static int book_line_order(const void *a, const void *b)
{
    const struct book_line *x = a, *y = b;
    if (x->premium_cents != y->premium_cents)
        return x->premium_cents > y->premium_cents ? -1 : 1;
    int c = strcmp(x->key, y->key);
    return c != 0 ? c : strcmp(x->currency, y->currency);
}

static int book_renewal_order(const void *a, const void *b)
{
    const struct book_line *x = a, *y = b;
    int c = atoi(x->key) - atoi(y->key);
    return c != 0 ? c : strcmp(x->currency, y->currency);
}

Folio__BookLine **book_lines_out(struct book_lines *lines, size_t max,
                                 int (*order)(const void *, const void *), struct arena *arena,
                                 size_t *n)
{
    if (lines->n > 0)
        qsort(lines->lines, lines->n, sizeof(*lines->lines), order);
    *n = lines->n < max ? lines->n : max;
    Folio__BookLine **out = arena_calloc(arena, *n + 1, sizeof(*out));
    for (size_t i = 0; out != NULL && i < *n; i++) {
        Folio__BookLine *l = arena_calloc(arena, 1, sizeof(*l));
        if (l == NULL)
            return NULL;
        folio__book_line__init(l);
        l->key = arena_strdup(arena, lines->lines[i].key);
        l->currency = arena_strdup(arena, lines->lines[i].currency);
        l->count = lines->lines[i].count;
        l->premium_cents = lines->lines[i].premium_cents;
        if (l->key == NULL || l->currency == NULL)
            return NULL;
        out[i] = l;
    }
    return out;
}

Folio__Book *book_finish(struct book *b, const char *scope, const char *date, struct arena *arena)
{
    Folio__Book *out = arena_calloc(arena, 1, sizeof(*out));
    if (out == NULL)
        return NULL;
    folio__book__init(out);
    out->scope = arena_strdup(arena, scope);
    out->date = arena_strdup(arena, date);
    out->agents = b->agents;
    out->clients = b->clients;
    out->active_holdings = b->active;
    out->retained = b->retained;
    out->lost = b->lost;
    out->by_kind =
        book_lines_out(&b->by_kind, BOOK_LINES_MAX, book_line_order, arena, &out->n_by_kind);
    out->by_provider = book_lines_out(&b->by_provider, BOOK_PROVIDERS_MAX, book_line_order, arena,
                                      &out->n_by_provider);
    /* Renewals read by horizon, not by premium. */
    out->renewals =
        book_lines_out(&b->renewals, BOOK_LINES_MAX, book_renewal_order, arena, &out->n_renewals);
    out->months = arena_calloc(arena, BOOK_MONTHS, sizeof(*out->months));
    if (out->scope == NULL || out->date == NULL || out->by_kind == NULL ||
        out->by_provider == NULL || out->renewals == NULL || out->months == NULL)
        return NULL;
    for (int i = 0; i < BOOK_MONTHS; i++) {
        Folio__BookMonth *m = arena_calloc(arena, 1, sizeof(*m));
        if (m == NULL)
            return NULL;
        folio__book_month__init(m);
        int index = b->first_month_index + i;
        if ((m->month = arena_printf(arena, "%04d-%02d", index / 12, index % 12 + 1)) == NULL)
            return NULL;
        m->new_clients = b->new_clients[i];
        m->ended_holdings = b->ended[i];
        out->months[i] = m;
    }
    out->n_months = BOOK_MONTHS;
    return out;
}
