/* holding_csv.c - see holding_csv.h. */
#include "holding_csv.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "csv_file.h"

#define HC_HOLDINGS_MAX 1000000       /* rows of one file */
#define HC_ERRORS_MAX   1000          /* sentences kept; the rest are counted in the last */
#define HC_AMOUNT_MAX   1000000000000 /* cents: ten billion in any currency */

// clang-format off
#define HC_COLUMNS(X) \
    X(CLIENT_ID, "client_id") X(CLIENT, "client") X(KIND, "kind") X(PROVIDER, "provider") \
    X(NUMBER, "number") X(STATUS, "status") X(PREMIUM, "premium") X(PER, "per") \
    X(VALUE, "value") X(CURRENCY, "currency") X(START, "start") X(RENEWS, "renews") \
    X(ENDS, "ends") X(END_REASON, "end_reason") X(NOTE, "note")
// clang-format on
#define HC_ENUM(name, text) HC_##name,
enum { HC_COLUMNS(HC_ENUM) HC_COLS };
#define HC_NAME(name, text) text,
static const char *const hc_names[HC_COLS] = {HC_COLUMNS(HC_NAME)};

void holding_csv_init(struct holding_csv *hc)
{
    memset(hc, 0, sizeof(*hc));
    arena_init(&hc->arena, 0);
}

void holding_csv_free(struct holding_csv *hc)
{
    free(hc->holdings);
    free(hc->lines);
    free(hc->errors);
    arena_free(&hc->arena);
    memset(hc, 0, sizeof(*hc));
}

/* ---------------------------------------------------------------- in */

struct hc_read {
    struct holding_csv *hc;
    int column[HC_COLS]; /* where each column is in a row; -1: not in the file */
    size_t n_columns;
    bool header_seen;
    char *err;
    size_t err_size;
};

static int hc_error(struct holding_csv *hc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int hc_error(struct holding_csv *hc, const char *fmt, ...)
{
    if (hc->n_errors == HC_ERRORS_MAX)
        return 0;
    if (hc->n_errors == hc->cap_errors) {
        size_t cap = hc->cap_errors != 0 ? hc->cap_errors * 2 : 16;
        char **grown = realloc(hc->errors, cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        hc->errors = grown;
        hc->cap_errors = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char text[512];
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if ((hc->errors[hc->n_errors] = arena_strdup(&hc->arena, text)) == NULL)
        return -1;
    hc->n_errors++;
    return 0;
}

/* "120", "120.5" or "120.50" into cents; false for anything else. */
static bool hc_amount(const char *text, int64_t *cents)
{
    int64_t whole = 0;
    const char *p = text;
    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        whole = whole * 10 + (*p - '0');
        if (whole > HC_AMOUNT_MAX / 100)
            return false;
    }
    int64_t frac = 0;
    if (*p == '.') {
        p++;
        for (int i = 0; i < 2; i++) {
            frac *= 10;
            if (*p >= '0' && *p <= '9')
                frac += *p++ - '0';
        }
    }
    *cents = whole * 100 + frac;
    return *p == '\0';
}

static bool hc_date(const char *text)
{
    if (text[0] == '\0')
        return true;
    if (strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return false;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
            return false;
    return true;
}

static int hc_header(struct hc_read *r, char *const *fields, size_t n)
{
    for (size_t c = 0; c < HC_COLS; c++)
        r->column[c] = -1;
    for (size_t i = 0; i < n; i++) {
        size_t c = 0;
        while (c < HC_COLS && strcmp(fields[i], hc_names[c]) != 0)
            c++;
        if (c == HC_COLS) {
            snprintf(r->err, r->err_size, "line 1: unknown column \"%.40s\" (columns: %s)",
                     fields[i], HOLDING_CSV_COLUMNS);
            return -1;
        }
        r->column[c] = (int)i;
    }
    if (r->column[HC_CLIENT_ID] < 0 || r->column[HC_KIND] < 0) {
        snprintf(r->err, r->err_size, "line 1: a client_id and a kind column are needed");
        return -1;
    }
    r->n_columns = n;
    r->header_seen = true;
    return 0;
}

static int hc_add(struct holding_csv *hc, Folio__Holding *h, uint32_t line)
{
    if (hc->n == hc->cap) {
        size_t cap = hc->cap != 0 ? hc->cap * 2 : 64;
        Folio__Holding **grown = realloc(hc->holdings, cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        hc->holdings = grown;
        uint32_t *lines = realloc(hc->lines, cap * sizeof(*lines));
        if (lines == NULL)
            return -1;
        hc->lines = lines;
        hc->cap = cap;
    }
    hc->holdings[hc->n] = h;
    hc->lines[hc->n++] = line;
    return 0;
}

static int hc_row(void *ctx, char *const *fields, size_t n, uint32_t line)
{
    struct hc_read *r = ctx;
    struct holding_csv *hc = r->hc;
    if (!r->header_seen)
        return hc_header(r, fields, n);
    if (hc->n == HC_HOLDINGS_MAX) {
        snprintf(r->err, r->err_size, "more than %d holdings in one file", HC_HOLDINGS_MAX);
        return -1;
    }
    if (n > r->n_columns)
        return hc_error(hc, "line %u: more fields than columns: left out", line);
    const char *v[HC_COLS];
    for (size_t c = 0; c < HC_COLS; c++)
        v[c] = r->column[c] >= 0 && (size_t)r->column[c] < n ? fields[r->column[c]] : "";
    Folio__Holding *h = arena_calloc(&hc->arena, 1, sizeof(*h));
    if (h == NULL)
        return -1;
    folio__holding__init(h);
    char **text[] = {&h->client_id, &h->client_name, &h->kind,       &h->provider,
                     &h->number,    &h->status,      NULL,           &h->premium_period,
                     NULL,          &h->currency,    &h->start_date, &h->renews_on,
                     &h->ends_on,   &h->end_reason,  &h->note};
    _Static_assert(sizeof(text) / sizeof(text[0]) == HC_COLS, "a field per column");
    for (size_t c = 0; c < HC_COLS; c++)
        if (text[c] != NULL && (*text[c] = arena_strdup(&hc->arena, v[c])) == NULL)
            return -1;
    if (v[HC_PREMIUM][0] != '\0' && !hc_amount(v[HC_PREMIUM], &h->premium_cents))
        return hc_error(hc, "line %u: premium: \"%.40s\" is not an amount (120.50): left out", line,
                        v[HC_PREMIUM]);
    if (v[HC_VALUE][0] != '\0' && !hc_amount(v[HC_VALUE], &h->value_cents))
        return hc_error(hc, "line %u: value: \"%.40s\" is not an amount (30000): left out", line,
                        v[HC_VALUE]);
    const int dates[] = {HC_START, HC_RENEWS, HC_ENDS};
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
        if (!hc_date(v[dates[i]]))
            return hc_error(hc, "line %u: %s: \"%.40s\" is not a date (YYYY-MM-DD): left out", line,
                            hc_names[dates[i]], v[dates[i]]);
    if (v[HC_CLIENT_ID][0] == '\0')
        return hc_error(hc, "line %u: client_id: empty: left out", line);
    return hc_add(hc, h, line);
}

int holding_csv_read(struct holding_csv *hc, const char *data, size_t len, char *err,
                     size_t err_size)
{
    struct hc_read r = {.hc = hc, .err = err, .err_size = err_size};
    err[0] = '\0';
    int rc =
        csv_file_read_delim(data, len, csv_file_delimiter(data, len), hc_row, &r, err, err_size);
    if (rc == 0 && !r.header_seen)
        snprintf(err, err_size, "no header row: the file is empty");
    if (rc != 0 && err[0] == '\0')
        snprintf(err, err_size, "out of memory");
    return rc == 0 && r.header_seen ? 0 : -1;
}

/* ---------------------------------------------------------------- out */

int holding_csv_header(FILE *out, char delim)
{
    return csv_file_write_row_delim(out, delim, hc_names, HC_COLS);
}

/* cents as "120.50", "" for none, in buf. */
static const char *hc_cents(int64_t cents, char *buf, size_t size)
{
    if (cents == 0)
        return "";
    snprintf(buf, size, "%" PRId64 ".%02d", cents / 100, (int)(cents % 100));
    return buf;
}

int holding_csv_write(FILE *out, char delim, const Folio__Holding *h)
{
    char premium[32], value[32];
    const char *v[HC_COLS] = {
        h->client_id,
        h->client_name,
        h->kind,
        h->provider,
        h->number,
        h->status,
        hc_cents(h->premium_cents, premium, sizeof(premium)),
        h->premium_period,
        hc_cents(h->value_cents, value, sizeof(value)),
        h->currency,
        h->start_date,
        h->renews_on,
        h->ends_on,
        h->end_reason,
        h->note,
    };
    return csv_file_write_row_delim(out, delim, v, HC_COLS);
}
