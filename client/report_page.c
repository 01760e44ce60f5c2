/* report_page.c - see report_page.h. */
#include "report_page.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report_chart.h"

#define PAGE_MONEY_MAX 48 /* "-" and 26 characters of whole units, ".", 2 digits */

/* One line of a chart and its table. */
struct page_row {
    const char *key;
    const char *currency; /* NULL: the section has no money */
    const char *label;    /* NULL: the section has no label column */
    uint64_t count;
    int64_t premium_cents;
};

/* What a section shows. */
struct page_section {
    const char *id, *title, *note;
    const char *key_head, *count_head, *label_head; /* label_head NULL: no label column */
    bool money;                                     /* currency and premium columns */
    bool chart_premium;                             /* bars are the premium, not the count */
};

static const char page_style[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;color:#222;margin:2em auto;max-width:60em;"
    "padding:0 1em;line-height:1.4}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.15em;margin:1.4em 0 .4em}\n"
    "p.scope{color:#555;margin-top:0}\n"
    "dl.figures{display:flex;flex-wrap:wrap;gap:.5em 2em;margin:1em 0}\n"
    "dl.figures div{min-width:8em}dt{color:#555;font-size:.85em}dd{margin:0;font-size:1.4em}\n"
    "section{margin-bottom:1.5em}\n"
    "figure{margin:0}figure img{max-width:100%;height:auto;display:block}\n"
    "table{border-collapse:collapse;margin:.4em 0;font-size:.9em}\n"
    "th,td{border-bottom:1px solid #ddd;padding:.15em .8em .15em 0;text-align:left}\n"
    "td.n,th.n{text-align:right}\n"
    "p.note,p.empty{color:#555;font-size:.85em}\n"
    "@page{size:A4;margin:15mm}\n"
    "@media print{body{margin:0;max-width:none;font-size:10pt}"
    "section{break-inside:avoid;page-break-inside:avoid}h2{break-after:avoid}"
    "figure img{max-height:120mm}}\n";

/* Text for HTML, in an element or a quoted attribute. */
static void page_text(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

/* cents as "1,234.56". */
static void page_money(int64_t cents, char *buf, size_t size)
{
    uint64_t abs = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    char digits[32];
    snprintf(digits, sizeof(digits), "%" PRIu64, abs / 100);
    size_t n = strlen(digits), at = 0;
    char whole[32]; /* 20 digits and 6 commas at most */
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            whole[at++] = ',';
        whole[at++] = digits[i];
    }
    whole[at] = '\0';
    snprintf(buf, size, "%s%s.%02u", cents < 0 ? "-" : "", whole, (unsigned)(abs % 100));
}

/* The chart of a section as an image in the page. */
static int page_chart(FILE *out, const struct page_section *sec, const struct page_row *rows,
                      size_t n)
{
    if (n > REPORT_CHART_BARS)
        n = REPORT_CHART_BARS;
    struct report_bar *bars = calloc(n + 1, sizeof(*bars));
    char(*labels)[512] = calloc(n + 1, sizeof(*labels));
    char(*texts)[PAGE_MONEY_MAX + 8] = calloc(n + 1, sizeof(*texts));
    int rc = bars != NULL && labels != NULL && texts != NULL ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct page_row *r = &rows[i];
        if (r->currency != NULL && !sec->chart_premium)
            snprintf(labels[i], sizeof(labels[i]), "%s (%s)", r->key, r->currency);
        else if (r->label != NULL && r->label[0] != '\0')
            snprintf(labels[i], sizeof(labels[i]), "%s: %s", r->key, r->label);
        else
            snprintf(labels[i], sizeof(labels[i]), "%s", r->key);
        if (sec->chart_premium) {
            char money[PAGE_MONEY_MAX];
            page_money(r->premium_cents, money, sizeof(money));
            snprintf(texts[i], sizeof(texts[i]), "%s %s", money, r->currency);
            bars[i].value = (double)r->premium_cents;
        } else {
            snprintf(texts[i], sizeof(texts[i]), "%" PRIu64, r->count);
            bars[i].value = (double)r->count;
        }
        bars[i].label = labels[i];
        bars[i].text = texts[i];
    }
    char *svg = NULL;
    size_t len = 0;
    if (rc == 0)
        rc = report_chart_bars(bars, n, &svg, &len);
    free(bars);
    free(labels);
    free(texts);
    if (rc != 0) {
        fputs("<p class=\"empty\">(the chart could not be drawn: the table below has its "
              "numbers)</p>\n",
              out);
        return 0;
    }
    size_t b64_len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64_len);
    if (b64 == NULL) {
        free(svg);
        errno = ENOMEM;
        return -1;
    }
    sodium_bin2base64(b64, b64_len, (const unsigned char *)svg, len,
                      sodium_base64_VARIANT_ORIGINAL);
    free(svg);
    fputs("<figure><img class=\"chart\" data-chart=\"", out);
    page_text(out, sec->id); /* a currency's chart's id holds the server's text */
    fputs("\" alt=\"", out);
    page_text(out, sec->title);
    fputs(": bar chart; the table below gives its numbers\" src=\"data:image/svg+xml;base64,", out);
    fputs(b64, out);
    fputs("\"></figure>\n", out);
    free(b64);
    return 0;
}

static int page_section(FILE *out, const struct page_section *sec, const struct page_row *rows,
                        size_t n)
{
    fputs("<section id=\"", out);
    page_text(out, sec->id);
    fputs("\">\n<h2>", out);
    page_text(out, sec->title);
    fputs("</h2>\n", out);
    if (sec->note != NULL) {
        fputs("<p class=\"note\">", out);
        page_text(out, sec->note);
        fputs("</p>\n", out);
    }
    if (n == 0) {
        fputs("<p class=\"empty\">None.</p>\n</section>\n", out);
        return 0;
    }
    if (page_chart(out, sec, rows, n) != 0)
        return -1;
    fputs("<table class=\"numbers\" data-table=\"", out);
    page_text(out, sec->id);
    fputs("\">\n<tr><th>", out);
    page_text(out, sec->key_head);
    if (sec->label_head != NULL) {
        fputs("</th><th>", out);
        page_text(out, sec->label_head);
    }
    if (sec->money)
        fputs("</th><th>currency", out);
    fputs("</th><th class=\"n\">", out);
    page_text(out, sec->count_head);
    if (sec->money)
        fputs("</th><th class=\"n\">premium a year", out);
    fputs("</th></tr>\n", out);
    for (size_t i = 0; i < n; i++) {
        const struct page_row *r = &rows[i];
        fputs("<tr data-key=\"", out);
        page_text(out, r->key);
        fputc('"', out);
        if (sec->money) {
            fputs(" data-currency=\"", out);
            page_text(out, r->currency);
            fprintf(out, "\" data-premium-cents=\"%" PRId64 "\"", r->premium_cents);
        }
        fprintf(out, " data-count=\"%" PRIu64 "\"><td>", r->count);
        page_text(out, r->key);
        if (sec->label_head != NULL) {
            fputs("</td><td>", out);
            page_text(out, r->label != NULL ? r->label : "");
        }
        if (sec->money) {
            fputs("</td><td>", out);
            page_text(out, r->currency);
        }
        fprintf(out, "</td><td class=\"n\">%" PRIu64, r->count);
        if (sec->money) {
            char money[PAGE_MONEY_MAX];
            page_money(r->premium_cents, money, sizeof(money));
            fprintf(out, "</td><td class=\"n\">%s", money);
        }
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n</section>\n", out);
    return 0;
}

static int page_counts(FILE *out, const struct page_section *sec, Folio__ReportCount *const *counts,
                       size_t n)
{
    struct page_row *rows = calloc(n + 1, sizeof(*rows));
    if (rows == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        rows[i] = (struct page_row){
            .key = counts[i]->key, .label = counts[i]->label, .count = counts[i]->count};
    int rc = page_section(out, sec, rows, n);
    free(rows);
    return rc;
}

/* Book lines; only those in currency when it is not NULL. */
static int page_lines(FILE *out, const struct page_section *sec, Folio__BookLine *const *lines,
                      size_t n, const char *currency)
{
    struct page_row *rows = calloc(n + 1, sizeof(*rows));
    if (rows == NULL)
        return -1;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (currency == NULL || strcmp(lines[i]->currency, currency) == 0)
            rows[kept++] = (struct page_row){.key = lines[i]->key,
                                             .currency = lines[i]->currency,
                                             .count = lines[i]->count,
                                             .premium_cents = lines[i]->premium_cents};
    int rc = page_section(out, sec, rows, kept);
    free(rows);
    return rc;
}

/* A chart of premium by kind for each currency, in the order they first
 * appear (the largest premium first). */
static int page_premium_by_currency(FILE *out, const Folio__Book *b)
{
    for (size_t i = 0; i < b->n_by_kind; i++) {
        const char *currency = b->by_kind[i]->currency;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(b->by_kind[j]->currency, currency) == 0;
        if (seen)
            continue;
        char id[32], title[64];
        snprintf(id, sizeof(id), "premium-%.3s", currency);
        snprintf(title, sizeof(title), "Premium a year by kind, %.3s", currency);
        const struct page_section sec = {
            .id = id,
            .title = title,
            .key_head = "kind",
            .count_head = "holdings",
            .money = true,
            .chart_premium = true,
        };
        if (page_lines(out, &sec, b->by_kind, b->n_by_kind, currency) != 0)
            return -1;
    }
    return 0;
}

static void page_figure(FILE *out, const char *name, const char *label, uint64_t value)
{
    fprintf(out, "<div><dt>%s</dt><dd data-figure=\"%s\">%" PRIu64 "</dd></div>\n", label, name,
            value);
}

static int page_months(FILE *out, const Folio__Book *b)
{
    fputs("<section id=\"months\">\n<h2>New clients and ended holdings by month</h2>\n"
          "<table class=\"numbers\" data-table=\"months\">\n<tr><th>month</th>"
          "<th class=\"n\">new clients</th><th class=\"n\">ended holdings</th></tr>\n",
          out);
    for (size_t i = 0; i < b->n_months; i++) {
        const Folio__BookMonth *m = b->months[i];
        fputs("<tr data-key=\"", out);
        page_text(out, m->month);
        fprintf(out, "\" data-new-clients=\"%" PRIu64 "\" data-ended-holdings=\"%" PRIu64 "\"><td>",
                m->new_clients, m->ended_holdings);
        page_text(out, m->month);
        fprintf(out, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td></tr>\n",
                m->new_clients, m->ended_holdings);
    }
    fputs("</table>\n</section>\n", out);
    return 0;
}

int report_page_write(FILE *out, const Folio__Report *r)
{
    const Folio__Book *b = r->book;
    if (b == NULL) {
        errno = EINVAL;
        return -1;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>Book of business: ",
          out);
    page_text(out, b->scope);
    fputs(", ", out);
    page_text(out, b->date);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", page_style);
    fputs("<h1>Book of business</h1>\n<p class=\"scope\" data-scope=\"", out);
    page_text(out, b->scope);
    fputs("\" data-date=\"", out);
    page_text(out, b->date);
    fputs("\">", out);
    page_text(out, b->scope);
    fputs(", on ", out);
    page_text(out, b->date);
    fputs("</p>\n<dl class=\"figures\">\n", out);
    page_figure(out, "agents", "agents", b->agents);
    page_figure(out, "clients", "clients", b->clients);
    page_figure(out, "active_holdings", "active holdings", b->active_holdings);
    page_figure(out, "retained", "retained over 12 months", b->retained);
    page_figure(out, "lost", "lapsed or cancelled", b->lost);
    fputs("</dl>\n", out);
    if (r->partial)
        fputs("<p class=\"note\">Some cities, rules or lines past the report's bounds are "
              "counted under \"other\" or left out.</p>\n",
              out);

    static const struct page_section ages = {
        .id = "age-bands",
        .title = "Clients by age",
        .key_head = "age",
        .count_head = "clients",
    };
    static const struct page_section stages = {
        .id = "life-stages",
        .title = "Clients by life stage",
        .note = "Marital status, with or without children.",
        .key_head = "life stage",
        .count_head = "clients",
    };
    static const struct page_section incomes = {
        .id = "income-bands",
        .title = "Clients by income",
        .note = "Yearly income in each client's own currency; unknown: never recorded.",
        .key_head = "income",
        .count_head = "clients",
    };
    static const struct page_section cities = {
        .id = "cities",
        .title = "Clients by city",
        .note = "The largest cities, then the others together.",
        .key_head = "city",
        .count_head = "clients",
    };
    static const struct page_section kinds = {
        .id = "holdings-by-kind",
        .title = "Active holdings by kind",
        .note = "Per currency: premiums are never summed across currencies.",
        .key_head = "kind",
        .count_head = "holdings",
        .money = true,
    };
    static const struct page_section renewals = {
        .id = "renewals",
        .title = "Renewals within 30, 60 and 90 days",
        .key_head = "within days",
        .count_head = "holdings",
        .money = true,
    };
    static const struct page_section weeks = {
        .id = "renewal-weeks",
        .title = "Renewals by week, the next 13 weeks",
        .note = "Each week starts on the day shown; per currency.",
        .key_head = "week from",
        .count_head = "holdings",
        .money = true,
    };
    static const struct page_section opportunities = {
        .id = "opportunities",
        .title = "Opportunities open this month, by rule",
        .note = "Life events, purchases and income changes whose rule is open on some day of "
                "the month.",
        .key_head = "rule",
        .count_head = "events",
        .label_head = "suggestion",
    };
    static const struct page_section contacts = {
        .id = "contacts",
        .title = "Contacts by month, the last 12",
        .key_head = "month",
        .count_head = "contacts",
    };
    static const struct page_section providers = {
        .id = "providers",
        .title = "Active holdings by provider",
        .note = "The largest providers by premium; per currency.",
        .key_head = "provider",
        .count_head = "holdings",
        .money = true,
    };

    int rc = 0;
    if (rc == 0)
        rc = page_counts(out, &ages, r->age_bands, r->n_age_bands);
    if (rc == 0)
        rc = page_counts(out, &stages, r->life_stages, r->n_life_stages);
    if (rc == 0)
        rc = page_counts(out, &incomes, r->income_bands, r->n_income_bands);
    if (rc == 0)
        rc = page_counts(out, &cities, r->cities, r->n_cities);
    if (rc == 0)
        rc = page_lines(out, &kinds, b->by_kind, b->n_by_kind, NULL);
    if (rc == 0)
        rc = page_premium_by_currency(out, b);
    if (rc == 0)
        rc = page_lines(out, &renewals, b->renewals, b->n_renewals, NULL);
    if (rc == 0)
        rc = page_lines(out, &weeks, r->renewal_weeks, r->n_renewal_weeks, NULL);
    if (rc == 0)
        rc = page_counts(out, &opportunities, r->opportunities, r->n_opportunities);
    if (rc == 0)
        rc = page_counts(out, &contacts, r->contact_months, r->n_contact_months);
    if (rc == 0)
        rc = page_lines(out, &providers, b->by_provider, b->n_by_provider, NULL);
    if (rc == 0)
        rc = page_months(out, b);
    if (rc != 0) {
        errno = ENOMEM;
        return -1;
    }
    fputs("</body>\n</html>\n", out);
    return ferror(out) ? -1 : 0;
}
