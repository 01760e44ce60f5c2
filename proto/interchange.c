/* interchange.c - CSV rows and vCards to client records and back. */
#include "interchange.h"

#include "csv_file.h"
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vcard.h"

enum ix_col {
    IX_IGNORED, /* id, and columns already reported */
    IX_NAME,
    IX_BIRTH_DATE,
    IX_PHONES,
    IX_EMAILS,
    IX_PREFERRED_CHANNEL,
    IX_STREET,
    IX_CITY,
    IX_REGION,
    IX_COUNTRY,
    IX_MARITAL_STATUS,
    IX_CHILDREN,
    IX_INCOME,
    IX_CURRENCY,
    IX_EMPLOYMENT,
    IX_TAGS,
    IX_CONSENT,
    IX_CONTACT_INTERVAL_DAYS,
    IX_NOTES,
    IX_COLS,
};

/* Export order; names are the client JSON keys. */
static const char *const ix_col_names[IX_COLS] = {
    [IX_NAME] = "name",
    [IX_BIRTH_DATE] = "birth_date",
    [IX_PHONES] = "phones",
    [IX_EMAILS] = "emails",
    [IX_PREFERRED_CHANNEL] = "preferred_channel",
    [IX_STREET] = "street",
    [IX_CITY] = "city",
    [IX_REGION] = "region",
    [IX_COUNTRY] = "country",
    [IX_MARITAL_STATUS] = "marital_status",
    [IX_CHILDREN] = "children",
    [IX_INCOME] = "income",
    [IX_CURRENCY] = "currency",
    [IX_EMPLOYMENT] = "employment",
    [IX_TAGS] = "tags",
    [IX_CONSENT] = "consent",
    [IX_CONTACT_INTERVAL_DAYS] = "contact_interval_days",
    [IX_NOTES] = "notes",
};

static const char *const ix_marital[] = {"",          "single",   "married",
                                         "partnered", "divorced", "widowed"};

void interchange_init(struct interchange *ix)
{
    memset(ix, 0, sizeof(*ix));
    arena_init(&ix->arena, 0);
}

void interchange_free(struct interchange *ix)
{
    arena_free(&ix->arena);
    free(ix->clients);
    free(ix->lines);
    free(ix->notes);
    memset(ix, 0, sizeof(*ix));
}

static int ix_note(struct interchange *ix, uint32_t line, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int ix_note(struct interchange *ix, uint32_t line, const char *kind, const char *fmt, ...)
{
    if (ix->n_notes == ix->cap_notes) {
        size_t cap = ix->cap_notes == 0 ? 16 : ix->cap_notes * 2;
        Folio__ImportNote **grown = realloc(ix->notes, cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        ix->notes = grown;
        ix->cap_notes = cap;
    }
    Folio__ImportNote *note = arena_alloc(&ix->arena, sizeof(*note));
    if (note == NULL)
        return -1;
    folio__import_note__init(note);
    va_list ap;
    va_start(ap, fmt);
    note->message = arena_vprintf(&ix->arena, fmt, ap);
    va_end(ap);
    if (note->message == NULL)
        return -1;
    note->line = line;
    note->kind = (char *)kind;
    ix->notes[ix->n_notes++] = note;
    return 0;
}

static Folio__Client *ix_new_client(struct interchange *ix)
{
    Folio__Client *c = arena_alloc(&ix->arena, sizeof(*c));
    Folio__Consent *consent = arena_alloc(&ix->arena, sizeof(*consent));
    if (c == NULL || consent == NULL)
        return NULL;
    folio__client__init(c);
    folio__consent__init(consent);
    c->consent = consent;
    return c;
}

static int ix_add_client(struct interchange *ix, Folio__Client *c, uint32_t line)
{
    if (ix->n_clients == ix->cap_clients) {
        size_t cap = ix->cap_clients == 0 ? 64 : ix->cap_clients * 2;
        Folio__Client **clients = realloc(ix->clients, cap * sizeof(*clients));
        if (clients == NULL)
            return -1;
        ix->clients = clients;
        uint32_t *lines = realloc(ix->lines, cap * sizeof(*lines));
        if (lines == NULL)
            return -1;
        ix->lines = lines;
        ix->cap_clients = cap;
    }
    ix->clients[ix->n_clients] = c;
    ix->lines[ix->n_clients++] = line;
    return 0;
}

/* Spaces around a value are never meant. */
static char *ix_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        s[--len] = '\0';
    return s;
}

/* ---------------------------------------------------------------- CSV in */

struct ix_csv {
    struct interchange *ix;
    enum ix_col cols[CSV_FILE_FIELDS_MAX];
    size_t n_cols;
    bool header_done;
    char *err;
    size_t err_size;
};

static int ix_csv_header(struct ix_csv *x, char *const *fields, size_t n, uint32_t line)
{
    bool seen[IX_COLS] = {false};
    x->n_cols = n;
    for (size_t i = 0; i < n; i++) {
        char *name = ix_trim(fields[i]);
        for (char *p = name; *p != '\0'; p++)
            *p = (char)tolower((unsigned char)*p);
        x->cols[i] = IX_IGNORED;
        if (strcmp(name, "id") == 0)
            continue;
        enum ix_col col = IX_IGNORED;
        for (size_t k = 1; k < IX_COLS; k++)
            if (strcmp(name, ix_col_names[k]) == 0)
                col = (enum ix_col)k;
        int rc = 0;
        if (col == IX_IGNORED)
            rc = ix_note(x->ix, line, "unknown_column",
                         "line %u: column \"%s\" is not a client field: ignored", line, name);
        else if (seen[col])
            rc = ix_note(x->ix, line, "unknown_column",
                         "line %u: column \"%s\" appears twice: the first one is used", line, name);
        else
            x->cols[i] = col;
        seen[col] = true;
        if (rc != 0)
            return -1;
    }
    if (!seen[IX_NAME]) {
        snprintf(x->err, x->err_size, "line %u: no \"name\" column in the header row", line);
        return -1;
    }
    x->header_done = true;
    return 0;
}

/* Splits "a; b;c" into a list of trimmed, non-empty strings. */
static const char *ix_list(struct interchange *ix, char *value, char ***out, size_t *n)
{
    *n = 0;
    *out = NULL;
    if (value[0] == '\0')
        return NULL;
    size_t count = 1;
    for (const char *p = value; *p != '\0'; p++)
        count += *p == ';';
    if (count > INTERCHANGE_LIST_MAX)
        return "more than 64 entries";
    char **list = arena_calloc(&ix->arena, count, sizeof(*list));
    if (list == NULL)
        return "out of memory";
    char *save = NULL;
    for (char *tok = strtok_r(value, ";", &save); tok != NULL; tok = strtok_r(NULL, ";", &save)) {
        tok = ix_trim(tok);
        if (tok[0] != '\0')
            list[(*n)++] = tok;
    }
    *out = list;
    return NULL;
}

static bool ix_uint(const char *s, uint32_t *out)
{
    if (s[0] == '\0' || strlen(s) > 9)
        return false;
    uint32_t v = 0;
    for (; *s != '\0'; s++) {
        if (!isdigit((unsigned char)*s))
            return false;
        v = v * 10 + (uint32_t)(*s - '0');
    }
    *out = v;
    return true;
}

/* "52000", "52000.5" or "52000.50" to hundredths. */
static bool ix_amount(const char *s, int64_t *cents)
{
    const char *dot = strchr(s, '.');
    size_t whole = dot != NULL ? (size_t)(dot - s) : strlen(s);
    if (whole == 0 || whole > 15)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < whole; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    v *= 100;
    if (dot != NULL) {
        size_t frac = strlen(dot + 1);
        if (frac == 0 || frac > 2 || !isdigit((unsigned char)dot[1]) ||
            (frac == 2 && !isdigit((unsigned char)dot[2])))
            return false;
        v += (dot[1] - '0') * 10 + (frac == 2 ? dot[2] - '0' : 0);
    }
    *cents = v;
    return true;
}

/* One value into its field; NULL, or what is wrong with it. */
static const char *ix_csv_value(struct interchange *ix, Folio__Client *c, enum ix_col col, char *v)
{
    char **list;
    size_t n;
    const char *why;
    switch (col) {
    case IX_IGNORED:
    case IX_COLS:
        return NULL;
    case IX_NAME:
        c->name = v;
        return NULL;
    case IX_BIRTH_DATE:
        c->birth_date = v;
        return NULL;
    case IX_PREFERRED_CHANNEL:
        c->preferred_channel = v;
        return NULL;
    case IX_STREET:
        c->street = v;
        return NULL;
    case IX_CITY:
        c->city = v;
        return NULL;
    case IX_REGION:
        c->region = v;
        return NULL;
    case IX_COUNTRY:
        c->country = v;
        return NULL;
    case IX_CURRENCY:
        c->currency = v;
        return NULL;
    case IX_EMPLOYMENT:
        c->employment = v;
        return NULL;
    case IX_NOTES:
        c->notes = v;
        return NULL;
    case IX_PHONES:
        why = ix_list(ix, v, &c->phones, &c->n_phones);
        return why;
    case IX_EMAILS:
        return ix_list(ix, v, &c->emails, &c->n_emails);
    case IX_TAGS:
        return ix_list(ix, v, &c->tags, &c->n_tags);
    case IX_MARITAL_STATUS:
        for (size_t i = 0; i < sizeof(ix_marital) / sizeof(ix_marital[0]); i++) {
            if (strcasecmp(v, ix_marital[i]) == 0) {
                c->marital_status = (Folio__MaritalStatus)i;
                return NULL;
            }
        }
        return "not one of single, married, partnered, divorced, widowed";
    case IX_CHILDREN:
        return v[0] == '\0' || ix_uint(v, &c->children) ? NULL : "not a whole number";
    case IX_CONTACT_INTERVAL_DAYS:
        return v[0] == '\0' || ix_uint(v, &c->contact_interval_days) ? NULL : "not a whole number";
    case IX_INCOME:
        return v[0] == '\0' || ix_amount(v, &c->income_cents) ? NULL : "not an amount (52000.50)";
    case IX_CONSENT:
        if ((why = ix_list(ix, v, &list, &n)) != NULL)
            return why;
        for (size_t i = 0; i < n; i++) {
            if (strcasecmp(list[i], "email") == 0)
                c->consent->email = true;
            else if (strcasecmp(list[i], "phone") == 0)
                c->consent->phone = true;
            else if (strcasecmp(list[i], "sms") == 0)
                c->consent->sms = true;
            else if (strcasecmp(list[i], "post") == 0)
                c->consent->post = true;
            else
                return "not a list of email, phone, sms, post";
        }
        return NULL;
    }
    return NULL;
}

static int ix_csv_row(void *ctx, char *const *fields, size_t n, uint32_t line)
{
    struct ix_csv *x = ctx;
    struct interchange *ix = x->ix;
    if (!x->header_done)
        return ix_csv_header(x, fields, n, line);
    bool empty = true;
    for (size_t i = 0; i < n; i++)
        if (ix_trim(fields[i])[0] != '\0')
            empty = false;
    if (empty)
        return 0;
    for (size_t i = x->n_cols; i < n; i++)
        if (ix_trim(fields[i])[0] != '\0')
            return ix_note(ix, line, "error", "line %u: %zu fields, the header has %zu: left out",
                           line, n, x->n_cols);
    Folio__Client *c = ix_new_client(ix);
    if (c == NULL)
        return -1;
    for (size_t i = 0; i < n && i < x->n_cols; i++) {
        /* The reader's buffer is reused for the next row: keep a copy. */
        char *v = arena_strdup(&ix->arena, ix_trim(fields[i]));
        if (v == NULL)
            return -1;
        const char *why = ix_csv_value(ix, c, x->cols[i], v);
        if (why != NULL)
            return ix_note(ix, line, "error", "line %u: %s: %s: left out", line,
                           ix_col_names[x->cols[i]], why);
    }
    return ix_add_client(ix, c, line);
}

int interchange_read_csv(struct interchange *ix, const char *data, size_t len, char *err,
                         size_t err_size)
{
    struct ix_csv x = {.ix = ix, .err = err, .err_size = err_size};
    if (err_size > 0)
        err[0] = '\0';
    int rc = csv_file_read(data, len, ix_csv_row, &x, err, err_size);
    if (rc == 0 && !x.header_done) {
        snprintf(err, err_size, "empty file: a header row of field names comes first");
        return -1;
    }
    if (rc != 0 && err[0] == '\0')
        snprintf(err, err_size, "out of memory");
    return rc == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- vCard in */

static char *ix_dup(struct interchange *ix, const char *s)
{
    return arena_strdup(&ix->arena, s != NULL ? s : "");
}

static int ix_vcard_card(void *ctx, const struct vcard *card)
{
    struct interchange *ix = ctx;
    if (card->error != NULL)
        return ix_note(ix, card->line, "error", "%s: left out", card->error);
    for (size_t i = 0; i < card->n_notes; i++)
        if (ix_note(ix, card->line, "note", "card %u (line %u): %s", card->number, card->line,
                    card->notes[i]) != 0)
            return -1;
    Folio__Client *c = ix_new_client(ix);
    if (c == NULL)
        return -1;
    if (card->fn != NULL)
        c->name = ix_dup(ix, card->fn);
    else if (card->given != NULL && card->family != NULL)
        c->name = arena_printf(&ix->arena, "%s %s", card->given, card->family);
    else
        c->name = ix_dup(ix, card->given != NULL ? card->given : card->family);
    c->birth_date = ix_dup(ix, card->bday);
    c->street = ix_dup(ix, card->street);
    c->city = ix_dup(ix, card->city);
    c->region = ix_dup(ix, card->region);
    c->notes = ix_dup(ix, card->note);
    if (card->country != NULL && strlen(card->country) == 2)
        c->country = ix_dup(ix, card->country);
    else if (card->country != NULL &&
             ix_note(ix, card->line, "note",
                     "card %u (line %u): country \"%s\" is not a two-letter code: left out",
                     card->number, card->line, card->country) != 0)
        return -1;
    c->phones = arena_calloc(&ix->arena, VCARD_VALUES_MAX, sizeof(char *));
    c->emails = arena_calloc(&ix->arena, VCARD_VALUES_MAX, sizeof(char *));
    if (c->name == NULL || c->birth_date == NULL || c->street == NULL || c->city == NULL ||
        c->region == NULL || c->notes == NULL || c->phones == NULL || c->emails == NULL)
        return -1;
    for (size_t i = 0; i < card->n_tels; i++)
        if ((c->phones[c->n_phones++] = ix_dup(ix, card->tels[i])) == NULL)
            return -1;
    for (size_t i = 0; i < card->n_emails; i++)
        if ((c->emails[c->n_emails++] = ix_dup(ix, card->emails[i])) == NULL)
            return -1;
    return ix_add_client(ix, c, card->line);
}

int interchange_read_vcard(struct interchange *ix, const char *data, size_t len, char *err,
                           size_t err_size)
{
    int rc = vcard_read(data, len, &ix->arena, ix_vcard_card, ix, err, err_size);
    if (rc != 0 && err[0] == '\0')
        snprintf(err, err_size, "out of memory");
    return rc == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- out */

int interchange_csv_header(FILE *out)
{
    return csv_file_write_row(out, ix_col_names + 1, IX_COLS - 1);
}

static char *ix_join(struct arena *a, char *const *list, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(list[i]) + 2;
    char *s = arena_alloc(a, len);
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(s, "; ");
        strcat(s, list[i]);
    }
    return s;
}

int interchange_csv_write(FILE *out, const Folio__Client *c)
{
    struct arena a;
    arena_init(&a, 0);
    const char *v[IX_COLS] = {NULL};
    char *consent[4];
    size_t n_consent = 0;
    if (c->consent != NULL) {
        if (c->consent->email)
            consent[n_consent++] = "email";
        if (c->consent->phone)
            consent[n_consent++] = "phone";
        if (c->consent->sms)
            consent[n_consent++] = "sms";
        if (c->consent->post)
            consent[n_consent++] = "post";
    }
    v[IX_NAME] = c->name;
    v[IX_BIRTH_DATE] = c->birth_date;
    v[IX_PHONES] = ix_join(&a, c->phones, c->n_phones);
    v[IX_EMAILS] = ix_join(&a, c->emails, c->n_emails);
    v[IX_PREFERRED_CHANNEL] = c->preferred_channel;
    v[IX_STREET] = c->street;
    v[IX_CITY] = c->city;
    v[IX_REGION] = c->region;
    v[IX_COUNTRY] = c->country;
    v[IX_MARITAL_STATUS] = (size_t)c->marital_status < sizeof(ix_marital) / sizeof(ix_marital[0])
                               ? ix_marital[c->marital_status]
                               : "";
    v[IX_CHILDREN] = c->children != 0 ? arena_printf(&a, "%" PRIu32, c->children) : "";
    if (c->income_cents != 0 || (c->currency != NULL && c->currency[0] != '\0')) {
        int64_t whole = c->income_cents / 100, frac = c->income_cents % 100;
        v[IX_INCOME] = frac == 0        ? arena_printf(&a, "%" PRId64, whole)
                       : frac % 10 == 0 ? arena_printf(&a, "%" PRId64 ".%" PRId64, whole, frac / 10)
                                        : arena_printf(&a, "%" PRId64 ".%02" PRId64, whole, frac);
    }
    v[IX_CURRENCY] = c->currency;
    v[IX_EMPLOYMENT] = c->employment;
    v[IX_TAGS] = ix_join(&a, c->tags, c->n_tags);
    v[IX_CONSENT] = ix_join(&a, consent, n_consent);
    v[IX_CONTACT_INTERVAL_DAYS] =
        c->contact_interval_days != 0 ? arena_printf(&a, "%" PRIu32, c->contact_interval_days) : "";
    v[IX_NOTES] = c->notes;
    int rc = -1;
    if (v[IX_PHONES] != NULL && v[IX_EMAILS] != NULL && v[IX_TAGS] != NULL &&
        v[IX_CONSENT] != NULL && v[IX_CHILDREN] != NULL && v[IX_CONTACT_INTERVAL_DAYS] != NULL)
        rc = csv_file_write_row(out, v + 1, IX_COLS - 1);
    arena_free(&a);
    return rc;
}

static const char *ix_or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

int interchange_vcard_write(FILE *out, const Folio__Client *c)
{
    struct vcard card = {0};
    card.fn = c->name;
    card.bday = ix_or_null(c->birth_date);
    for (size_t i = 0; i < c->n_phones && i < VCARD_VALUES_MAX; i++)
        card.tels[card.n_tels++] = c->phones[i];
    for (size_t i = 0; i < c->n_emails && i < VCARD_VALUES_MAX; i++)
        card.emails[card.n_emails++] = c->emails[i];
    card.street = ix_or_null(c->street);
    card.city = ix_or_null(c->city);
    card.region = ix_or_null(c->region);
    card.country = ix_or_null(c->country);
    card.note = ix_or_null(c->notes);
    return vcard_write(out, &card);
}
