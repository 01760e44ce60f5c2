/* interchange.c - CSV rows and vCards to client records and back. */
#include "interchange.h"

#include "csv_file.h"
#include "phone.h"
#include "wire_limits.h"
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
    IX_POSTAL_CODE,
    IX_ORGANISATION,
    IX_TITLE,
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
    [IX_POSTAL_CODE] = "postal_code",
    [IX_ORGANISATION] = "organisation",
    [IX_TITLE] = "title",
};

#define IX_TEXT_(x) #x
#define IX_TEXT(x)  IX_TEXT_(x)

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

/* A client with room for the most phones, e-mails and tags it may hold. */
static Folio__Client *ix_new_client(struct interchange *ix)
{
    Folio__Client *c = arena_alloc(&ix->arena, sizeof(*c));
    Folio__Consent *consent = arena_alloc(&ix->arena, sizeof(*consent));
    if (c == NULL || consent == NULL)
        return NULL;
    folio__client__init(c);
    folio__consent__init(consent);
    c->consent = consent;
    c->phones = arena_calloc(&ix->arena, FOLIO_PHONES_MAX, sizeof(char *));
    c->phone_details = arena_calloc(&ix->arena, FOLIO_PHONES_MAX, sizeof(*c->phone_details));
    c->emails = arena_calloc(&ix->arena, FOLIO_EMAILS_MAX, sizeof(char *));
    c->tags = arena_calloc(&ix->arena, FOLIO_TAGS_MAX, sizeof(char *));
    if (c->phones == NULL || c->phone_details == NULL || c->emails == NULL || c->tags == NULL)
        return NULL;
    return c;
}

/* ---------------------------------------------------------------- fields
 *
 * The rules a value must meet for the server to keep its record, checked
 * here so that a value that cannot be kept is left out with a note and the
 * rest of the person is imported. `where` names the row or card: "line 7",
 * "card 3 (line 20)". Each returns 0, or -1 when memory ran out. */

static int ix_drop(struct interchange *ix, uint32_t line, const char *where, const char *field,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int ix_drop(struct interchange *ix, uint32_t line, const char *where, const char *field,
                   const char *fmt, ...)
{
    char why[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return ix_note(ix, line, "note", "%s: %s: %s: left out", where, field, why);
}

/* Cuts s to at most max bytes without splitting a UTF-8 sequence. */
static void ix_cut_utf8(char *s, size_t max)
{
    size_t len = strlen(s);
    if (len <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    s[max] = '\0';
}

/* A copy of s on one line: line breaks and tabs become spaces, other
 * control characters (C0, DEL, C1) go; a spreadsheet cell may hold them,
 * a one-line field may not. */
static char *ix_one_line(struct interchange *ix, const char *s)
{
    char *out = arena_alloc(&ix->arena, strlen(s) + 1);
    if (out == NULL)
        return NULL;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '\r' || *p == '\n' || *p == '\t') {
            if (n > 0 && out[n - 1] != ' ')
                out[n++] = ' ';
        } else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            p++;
        } else if (*p >= 0x20 && *p != 0x7f) {
            out[n++] = (char)*p;
        }
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return out;
}

/* A one-line text field of at most max bytes: *out is a copy, or "" with
 * a note when it is longer. */
static int ix_text(struct interchange *ix, uint32_t line, const char *where, const char *field,
                   const char *value, size_t max, char **out)
{
    *out = (char *)"";
    if (value == NULL || value[0] == '\0')
        return 0;
    char *text = ix_one_line(ix, value);
    if (text == NULL)
        return -1;
    if (strlen(text) > max)
        return ix_drop(ix, line, where, field, "longer than %zu bytes", max);
    *out = text;
    return 0;
}

/* The name, cut to what the server keeps: a person is never left out for a
 * long name. */
static int ix_name(struct interchange *ix, uint32_t line, const char *where, const char *name,
                   Folio__Client *c)
{
    if ((c->name = ix_one_line(ix, name)) == NULL)
        return -1;
    if (strlen(c->name) <= FOLIO_NAME_MAX)
        return 0;
    ix_cut_utf8(c->name, FOLIO_NAME_MAX);
    return ix_note(ix, line, "note", "%s: name: longer than %d bytes: cut", where, FOLIO_NAME_MAX);
}

/* A phone as a person would dial it, its type and extension kept beside it
 * when it has them; the same number twice is kept once. A CSV cell may
 * start with its type ("mobile: +1 555 0100"). */
static int ix_phone(struct interchange *ix, uint32_t line, const char *where, Folio__Client *c,
                    const char *text, const char *type)
{
    const char *colon = strchr(text, ':');
    if (type == NULL && colon != NULL && phone_type_word(text, (size_t)(colon - text)) != NULL) {
        type = phone_type_word(text, (size_t)(colon - text));
        text = colon + 1;
    }
    struct phone ph;
    const char *why = phone_read(text, &ph);
    if (why != NULL)
        return ix_drop(ix, line, where, "phones", "\"%.40s\": %s", text, why);
    for (size_t i = 0; i < c->n_phones; i++)
        if (strcmp(c->phones[i], ph.number) == 0)
            return 0;
    if (c->n_phones == FOLIO_PHONES_MAX)
        return ix_drop(ix, line, where, "phones", "\"%.40s\": more than %d phones", text,
                       FOLIO_PHONES_MAX);
    char *number = arena_strdup(&ix->arena, ph.number);
    if (number == NULL)
        return -1;
    c->phones[c->n_phones++] = number;
    if (type == NULL && ph.extension[0] == '\0')
        return 0;
    Folio__PhoneDetail *d = arena_alloc(&ix->arena, sizeof(*d));
    if (d == NULL)
        return -1;
    folio__phone_detail__init(d);
    d->number = number;
    d->type = (char *)(type != NULL ? type : "");
    if ((d->extension = arena_strdup(&ix->arena, ph.extension)) == NULL)
        return -1;
    c->phone_details[c->n_phone_details++] = d;
    return 0;
}

/* The shape the server holds an address to: one @ with text on both sides,
 * a dot in the domain, no spaces, at most FOLIO_EMAIL_MAX bytes. */
static const char *ix_email_why(const char *e)
{
    const char *at = strchr(e, '@');
    if (strlen(e) > FOLIO_EMAIL_MAX)
        return "too long";
    if (at == NULL || at == e || strchr(at + 1, '@') != NULL || strpbrk(e, " \t,;<>") != NULL)
        return "not an e-mail address";
    const char *dot = strchr(at + 1, '.');
    size_t len = strlen(at + 1);
    if (dot == NULL || at[1] == '.' || at[len] == '.' || strstr(at, "..") != NULL)
        return "the domain needs a dot";
    return NULL;
}

static int ix_email(struct interchange *ix, uint32_t line, const char *where, Folio__Client *c,
                    const char *text)
{
    const char *why = ix_email_why(text);
    if (why != NULL)
        return ix_drop(ix, line, where, "emails", "\"%.60s\": %s", text, why);
    for (size_t i = 0; i < c->n_emails; i++)
        if (strcasecmp(c->emails[i], text) == 0)
            return 0;
    if (c->n_emails == FOLIO_EMAILS_MAX)
        return ix_drop(ix, line, where, "emails", "\"%.60s\": more than %d addresses", text,
                       FOLIO_EMAILS_MAX);
    return (c->emails[c->n_emails++] = arena_strdup(&ix->arena, text)) == NULL ? -1 : 0;
}

/* A category or label as a tag: ASCII letters lower-cased, spaces and
 * punctuation as '-', so "VIP Clients" is "vip-clients". */
static int ix_tag(struct interchange *ix, uint32_t line, const char *where, Folio__Client *c,
                  const char *text)
{
    char tag[FOLIO_TAG_MAX + 1];
    size_t n = 0;
    bool dash = false;
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if (*p >= 0x80)
            return ix_drop(ix, line, where, "tags", "\"%.40s\": only a-z, 0-9, - and _", text);
        char ch = (char)tolower(*p);
        bool word = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
        if (!word) {
            dash = n > 0;
            continue;
        }
        if (n + (dash ? 2 : 1) > FOLIO_TAG_MAX)
            return ix_drop(ix, line, where, "tags", "\"%.40s\": longer than %d characters", text,
                           FOLIO_TAG_MAX);
        if (dash)
            tag[n++] = '-';
        dash = false;
        tag[n++] = ch;
    }
    tag[n] = '\0';
    if (n == 0)
        return 0;
    for (size_t i = 0; i < c->n_tags; i++)
        if (strcmp(c->tags[i], tag) == 0)
            return 0;
    if (c->n_tags == FOLIO_TAGS_MAX)
        return ix_drop(ix, line, where, "tags", "\"%.40s\": more than %d tags", text,
                       FOLIO_TAGS_MAX);
    return (c->tags[c->n_tags++] = arena_strdup(&ix->arena, tag)) == NULL ? -1 : 0;
}

/* A birth date YYYY-MM-DD or --MM-DD, checked for a real day. */
static bool ix_date_ok(const char *d)
{
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool yearless = strncmp(d, "--", 2) == 0 && strlen(d) == 7;
    const char *md = yearless ? d + 2 : d + 5;
    if (!yearless && (strlen(d) != 10 || d[4] != '-'))
        return false;
    for (size_t i = 0; i < (yearless ? 0u : 4u); i++)
        if (!isdigit((unsigned char)d[i]))
            return false;
    if (!isdigit((unsigned char)md[0]) || !isdigit((unsigned char)md[1]) || md[2] != '-' ||
        !isdigit((unsigned char)md[3]) || !isdigit((unsigned char)md[4]))
        return false;
    int y = yearless ? 2000 : atoi(d), m = (md[0] - '0') * 10 + (md[1] - '0'),
        day = (md[3] - '0') * 10 + (md[4] - '0');
    if (y < 1900 || m < 1 || m > 12 || day < 1 || day > days[m - 1])
        return false;
    return !(m == 2 && day == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
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

/* One value into its field; NULL, or what is wrong with it (the field is
 * then left out). Lists are read entry by entry: a bad entry is left out
 * with its own note. */
static const char *ix_csv_value(struct interchange *ix, uint32_t line, const char *where,
                                Folio__Client *c, enum ix_col col, char *v, int *rc)
{
    char **list;
    size_t n;
    const char *why;
    *rc = 0;
    switch (col) {
    case IX_IGNORED:
    case IX_COLS:
    case IX_NAME:
        return NULL;
    case IX_BIRTH_DATE:
        if (v[0] != '\0' && !ix_date_ok(v))
            return "not a real day (YYYY-MM-DD, or --MM-DD without the year)";
        c->birth_date = v;
        return NULL;
    case IX_PREFERRED_CHANNEL:
        c->preferred_channel = v;
        return NULL;
    case IX_STREET:
        *rc = ix_text(ix, line, where, "street", v, FOLIO_TEXT_MAX, &c->street);
        return NULL;
    case IX_CITY:
        *rc = ix_text(ix, line, where, "city", v, FOLIO_TEXT_MAX, &c->city);
        return NULL;
    case IX_REGION:
        *rc = ix_text(ix, line, where, "region", v, FOLIO_TEXT_MAX, &c->region);
        return NULL;
    case IX_POSTAL_CODE:
        *rc = ix_text(ix, line, where, "postal_code", v, FOLIO_POSTAL_CODE_MAX, &c->postal_code);
        return NULL;
    case IX_ORGANISATION:
        *rc = ix_text(ix, line, where, "organisation", v, FOLIO_TEXT_MAX, &c->organisation);
        return NULL;
    case IX_TITLE:
        *rc = ix_text(ix, line, where, "title", v, FOLIO_TEXT_MAX, &c->title);
        return NULL;
    case IX_EMPLOYMENT:
        *rc = ix_text(ix, line, where, "employment", v, FOLIO_TEXT_MAX, &c->employment);
        return NULL;
    case IX_COUNTRY:
        *rc = ix_text(ix, line, where, "country", v, FOLIO_TEXT_MAX, &c->country);
        return NULL;
    case IX_CURRENCY:
        c->currency = v;
        return NULL;
    case IX_NOTES:
        if (strlen(v) > FOLIO_NOTES_MAX)
            return "longer than " IX_TEXT(FOLIO_NOTES_MAX) " bytes";
        c->notes = v;
        return NULL;
    case IX_PHONES:
        if ((why = ix_list(ix, v, &list, &n)) != NULL)
            return why;
        for (size_t i = 0; i < n && *rc == 0; i++)
            *rc = ix_phone(ix, line, where, c, list[i], NULL);
        return NULL;
    case IX_EMAILS:
        if ((why = ix_list(ix, v, &list, &n)) != NULL)
            return why;
        for (size_t i = 0; i < n && *rc == 0; i++)
            *rc = ix_email(ix, line, where, c, list[i]);
        return NULL;
    case IX_TAGS:
        if ((why = ix_list(ix, v, &list, &n)) != NULL)
            return why;
        for (size_t i = 0; i < n && *rc == 0; i++)
            *rc = ix_tag(ix, line, where, c, list[i]);
        return NULL;
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
    char where[32];
    snprintf(where, sizeof(where), "line %u", line);
    const char *name = NULL;
    for (size_t i = 0; i < n && i < x->n_cols; i++)
        if (x->cols[i] == IX_NAME && fields[i][0] != '\0')
            name = fields[i];
    if (name == NULL)
        return ix_note(ix, line, "error", "line %u: no name: left out", line);
    Folio__Client *c = ix_new_client(ix);
    if (c == NULL || ix_name(ix, line, where, name, c) != 0)
        return -1;
    for (size_t i = 0; i < n && i < x->n_cols; i++) {
        /* The reader's buffer is reused for the next row: keep a copy. */
        char *v = arena_strdup(&ix->arena, ix_trim(fields[i]));
        if (v == NULL)
            return -1;
        int rc;
        const char *why = ix_csv_value(ix, line, where, c, x->cols[i], v, &rc);
        if (rc != 0)
            return -1;
        if (why != NULL && ix_drop(ix, line, where, ix_col_names[x->cols[i]], "%s", why) != 0)
            return -1;
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

/* The parts of a card a client record has no place for: ADR's parts. */
static int ix_vcard_address(struct interchange *ix, const struct vcard *card, const char *where,
                            Folio__Client *c)
{
    uint32_t l = card->line;
    if (ix_text(ix, l, where, "street", card->street, FOLIO_TEXT_MAX, &c->street) != 0 ||
        ix_text(ix, l, where, "city", card->city, FOLIO_TEXT_MAX, &c->city) != 0 ||
        ix_text(ix, l, where, "region", card->region, FOLIO_TEXT_MAX, &c->region) != 0 ||
        ix_text(ix, l, where, "postal_code", card->postal_code, FOLIO_POSTAL_CODE_MAX,
                &c->postal_code) != 0)
        return -1;
    /* A name ("Deutschland") is the server's to map: it holds iso-codes. */
    return ix_text(ix, l, where, "country", card->country, FOLIO_TEXT_MAX, &c->country);
}

static int ix_vcard_card(void *ctx, const struct vcard *card)
{
    struct interchange *ix = ctx;
    if (card->error != NULL)
        return ix_note(ix, card->line, "error", "%s: left out", card->error);
    char where[64];
    snprintf(where, sizeof(where), "card %u (line %u)", card->number, card->line);
    uint32_t l = card->line;
    for (size_t i = 0; i < card->n_notes; i++)
        if (ix_note(ix, l, "note", "%s: %s", where, card->notes[i]) != 0)
            return -1;
    Folio__Client *c = ix_new_client(ix);
    if (c == NULL)
        return -1;
    const char *name = card->fn;
    if (name == NULL && card->given != NULL && card->family != NULL)
        name = arena_printf(&ix->arena, "%s %s", card->given, card->family);
    else if (name == NULL)
        name = card->given != NULL ? card->given : card->family;
    if (name == NULL)
        name = card->org; /* a company's card */
    if (name == NULL || ix_name(ix, l, where, name, c) != 0)
        return -1;
    if (card->bday != NULL && ix_date_ok(card->bday))
        c->birth_date = ix_dup(ix, card->bday);
    else if (card->bday != NULL &&
             ix_drop(ix, l, where, "birth_date", "\"%s\" is not a real day", card->bday) != 0)
        return -1;
    for (size_t i = 0; i < card->n_tels; i++)
        if (ix_phone(ix, l, where, c, card->tels[i].number, card->tels[i].type) != 0)
            return -1;
    for (size_t i = 0; i < card->n_emails; i++)
        if (ix_email(ix, l, where, c, card->emails[i]) != 0)
            return -1;
    for (size_t i = 0; i < card->n_categories; i++)
        if (ix_tag(ix, l, where, c, card->categories[i]) != 0)
            return -1;
    if (ix_vcard_address(ix, card, where, c) != 0 ||
        ix_text(ix, l, where, "organisation", card->org, FOLIO_TEXT_MAX, &c->organisation) != 0 ||
        ix_text(ix, l, where, "title", card->title, FOLIO_TEXT_MAX, &c->title) != 0)
        return -1;
    if (card->note != NULL && (c->notes = ix_dup(ix, card->note)) == NULL)
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

/* The detail of one of c's phones, or NULL. */
static const Folio__PhoneDetail *ix_detail(const Folio__Client *c, const char *number)
{
    for (size_t i = 0; i < c->n_phone_details; i++)
        if (c->phone_details[i]->number != NULL && strcmp(c->phone_details[i]->number, number) == 0)
            return c->phone_details[i];
    return NULL;
}

/* The phones as "mobile: +15550100 x12; +15550199": what ix_phone reads. */
static char *ix_phones_cell(struct arena *a, const Folio__Client *c)
{
    char **list = arena_calloc(a, c->n_phones + 1, sizeof(*list));
    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < c->n_phones; i++) {
        const Folio__PhoneDetail *d = ix_detail(c, c->phones[i]);
        bool type = d != NULL && d->type != NULL && d->type[0] != '\0';
        bool ext = d != NULL && d->extension != NULL && d->extension[0] != '\0';
        list[i] = arena_printf(a, "%s%s%s%s%s", type ? d->type : "", type ? ": " : "", c->phones[i],
                               ext ? " x" : "", ext ? d->extension : "");
        if (list[i] == NULL)
            return NULL;
    }
    return ix_join(a, list, c->n_phones);
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
    v[IX_PHONES] = ix_phones_cell(&a, c);
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
    v[IX_POSTAL_CODE] = c->postal_code;
    v[IX_ORGANISATION] = c->organisation;
    v[IX_TITLE] = c->title;
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

int interchange_vcard_write(FILE *out, const Folio__Client *c, int version)
{
    struct vcard card = {0};
    card.fn = c->name;
    /* N from the name: the last word is the family name, as most of the
     * world's address books guess it too. */
    char given[FOLIO_NAME_MAX + 1] = "";
    const char *space = c->name != NULL ? strrchr(c->name, ' ') : NULL;
    if (space != NULL && (size_t)(space - c->name) < sizeof(given)) {
        memcpy(given, c->name, (size_t)(space - c->name));
        given[space - c->name] = '\0';
        card.given = given;
        card.family = ix_or_null(space + 1);
    } else {
        card.family = ix_or_null(c->name);
    }
    card.bday = ix_or_null(c->birth_date);
    for (size_t i = 0; i < c->n_phones && i < VCARD_VALUES_MAX; i++) {
        const Folio__PhoneDetail *d = ix_detail(c, c->phones[i]);
        card.tels[card.n_tels++] = (struct vcard_tel){
            .number = c->phones[i],
            .extension = d != NULL ? ix_or_null(d->extension) : NULL,
            .type = d != NULL ? ix_or_null(d->type) : NULL,
        };
    }
    for (size_t i = 0; i < c->n_emails && i < VCARD_VALUES_MAX; i++)
        card.emails[card.n_emails++] = c->emails[i];
    for (size_t i = 0; i < c->n_tags && i < VCARD_CATEGORIES_MAX; i++)
        card.categories[card.n_categories++] = c->tags[i];
    card.street = ix_or_null(c->street);
    card.city = ix_or_null(c->city);
    card.region = ix_or_null(c->region);
    card.postal_code = ix_or_null(c->postal_code);
    card.country = ix_or_null(c->country);
    card.org = ix_or_null(c->organisation);
    card.title = ix_or_null(c->title);
    card.note = ix_or_null(c->notes);
    return vcard_write(out, &card, version);
}
