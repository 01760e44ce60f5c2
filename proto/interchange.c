/* interchange.c - CSV rows and vCards to client records and back. */
#include "interchange.h"

#include "charset.h"
#include "csv_file.h"
#include "csv_headers.h"
#include "phone.h"
#include "wire_limits.h"
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "vcard.h"
#include <utf8proc.h>

/* The columns of folio's CSV export, in order. */
enum ix_col {
    IX_IGNORED,
    IX_ID,
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
    IX_LANGUAGE,
    IX_OWNER,
    IX_CREATED_AT,
    IX_UPDATED_AT,
    IX_LAST_CONTACT,
    IX_COLS,
};

/* Export order; names are the client JSON keys. */
static const char *const ix_col_names[IX_COLS] = {
    [IX_ID] = "id",
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
    [IX_LANGUAGE] = "language",
    [IX_OWNER] = "owner",
    [IX_CREATED_AT] = "created_at",
    [IX_UPDATED_AT] = "updated_at",
    [IX_LAST_CONTACT] = "last_contact",
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

/* A language tag as address books and spreadsheets write it (fr, FR,
 * fr-CA, zh_Hant) made a client's language, in place: its primary subtag,
 * two or three letters (ISO 639), in lower case. Why not, or NULL. */
static const char *ix_language(char *v)
{
    size_t n = strcspn(v, "-_");
    bool letters = n >= 2 && n <= 3;
    for (size_t i = 0; letters && i < n; i++)
        letters = (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z');
    if (!letters)
        return "not a language (ISO 639, such as es or pt-BR)";
    for (size_t i = 0; i < n; i++)
        v[i] = (char)tolower((unsigned char)v[i]);
    v[n] = '\0';
    return NULL;
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
static char *ix_one_line_join(struct interchange *ix, const char *s, const char *joiner);

static char *ix_one_line(struct interchange *ix, const char *s)
{
    return ix_one_line_join(ix, s, " ");
}

/* The same, with `joiner` for each run of line breaks (", " in a street). */
static char *ix_one_line_join(struct interchange *ix, const char *s, const char *joiner)
{
    size_t jl = strlen(joiner);
    char *out = arena_alloc(&ix->arena, strlen(s) * (jl > 1 ? jl : 1) + 1);
    if (out == NULL)
        return NULL;
    size_t n = 0;
    bool brk = false;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '\r' || *p == '\n') {
            brk = true;
            continue;
        }
        if (brk && n > 0) {
            while (n > 0 && out[n - 1] == ' ')
                n--;
            memcpy(out + n, joiner, jl);
            n += jl;
        }
        brk = false;
        if (*p == '\t') {
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
 * long name. 1 when nothing is left of it on one line (control
 * characters only). */
static int ix_name(struct interchange *ix, uint32_t line, const char *where, const char *name,
                   Folio__Client *c)
{
    if ((c->name = ix_one_line(ix, name)) == NULL)
        return -1;
    if (c->name[0] == '\0')
        return 1;
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

/* A category or label as a tag: letters lower-cased, spaces and
 * punctuation as '-', so "VIP Clients" is "vip-clients". */
static int ix_tag(struct interchange *ix, uint32_t line, const char *where, Folio__Client *c,
                  const char *text)
{
    char tag[FOLIO_TAG_MAX + 1];
    size_t n = 0;
    bool dash = false;
    /* Accents go ("Família" is "familia"); a letter with no ASCII base
     * (Cyrillic, kana) cannot be a tag. */
    utf8proc_uint8_t *folded = NULL;
    if (utf8proc_map((const utf8proc_uint8_t *)text, 0, &folded,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                         UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK) < 0)
        return ix_drop(ix, line, where, "tags", "\"%.40s\": not text", text);
    for (const unsigned char *p = folded; *p != '\0'; p++) {
        if (*p >= 0x80) {
            free(folded);
            return ix_drop(ix, line, where, "tags", "\"%.40s\": only a-z, 0-9, - and _", text);
        }
        char ch = (char)tolower(*p);
        bool word = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
        if (!word) {
            dash = n > 0;
            continue;
        }
        if (n + (dash ? 2 : 1) > FOLIO_TAG_MAX) {
            free(folded);
            return ix_drop(ix, line, where, "tags", "\"%.40s\": longer than %d characters", text,
                           FOLIO_TAG_MAX);
        }
        if (dash)
            tag[n++] = '-';
        dash = false;
        tag[n++] = ch;
    }
    tag[n] = '\0';
    free(folded);
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

/* Splits value on sep (";", " ::: ") into a list of trimmed, non-empty
 * strings, in place. */
static const char *ix_split(struct interchange *ix, char *value, const char *sep, char ***out,
                            size_t *n)
{
    *n = 0;
    *out = NULL;
    if (value[0] == '\0')
        return NULL;
    size_t count = 1, sl = strlen(sep);
    for (const char *p = strstr(value, sep); p != NULL; p = strstr(p + sl, sep))
        count++;
    if (count > INTERCHANGE_LIST_MAX)
        return "more than " IX_TEXT(INTERCHANGE_LIST_MAX) " entries";
    char **list = arena_calloc(&ix->arena, count, sizeof(*list));
    if (list == NULL)
        return "out of memory";
    for (char *tok = value; tok != NULL;) {
        char *end = strstr(tok, sep);
        if (end != NULL)
            *end = '\0';
        tok = ix_trim(tok);
        if (tok[0] != '\0')
            list[(*n)++] = tok;
        tok = end != NULL ? end + sl : NULL;
    }
    *out = list;
    return NULL;
}

static const char *ix_list(struct interchange *ix, char *value, char ***out, size_t *n)
{
    return ix_split(ix, value, ";", out, n);
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

/* One entry of --map: a header (trimmed) and the field it fills. */
struct ix_csv_map {
    const char *header;
    struct csv_header spec;
};

/* How a file's rows are read: its columns (from the header row and --map)
 * and what the options say. */
struct ix_csv {
    struct interchange *ix;
    struct csv_header cols[CSV_FILE_FIELDS_MAX];
    size_t n_cols;
    bool header_done;
    uint32_t rows_before; /* rows skipped looking for the header (LinkedIn's notes) */
    uint32_t first_line;  /* of the first row */
    const struct interchange_csv_options *opt;
    struct ix_csv_map *map; /* --map, read once for the file */
    size_t n_map;
    char *err;
    size_t err_size;
};

/* --map ("Given Name=first_name,Tel=phone") into x->map: read once for
 * the file, not once for each column of its header row. */
static int ix_csv_map_read(struct ix_csv *x)
{
    const char *map = x->opt != NULL ? x->opt->map : NULL;
    if (map == NULL || *map == '\0')
        return 0;
    size_t count = 1;
    for (const char *p = map; *p != '\0'; p++)
        count += *p == ',';
    if ((x->map = arena_calloc(&x->ix->arena, count, sizeof(*x->map))) == NULL)
        return -1;
    for (const char *p = map; p != NULL && *p != '\0';) {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        char from[128], to[64];
        if (eq == NULL || (size_t)(eq - p) >= sizeof(from) || len - (size_t)(eq - p) > sizeof(to)) {
            snprintf(x->err, x->err_size, "--map: \"%.*s\" is not HEADER=FIELD", (int)len, p);
            return -1;
        }
        snprintf(from, sizeof(from), "%.*s", (int)(eq - p), p);
        snprintf(to, sizeof(to), "%.*s", (int)(len - (size_t)(eq - p) - 1), eq + 1);
        struct ix_csv_map *e = &x->map[x->n_map];
        if (!csv_headers_field(ix_trim(to), &e->spec)) {
            snprintf(x->err, x->err_size, "--map: \"%s\" is not a field folio reads", to);
            return -1;
        }
        if ((e->header = arena_strdup(&x->ix->arena, ix_trim(from))) == NULL)
            return -1;
        x->n_map++;
        p = end != NULL ? end + 1 : NULL;
    }
    return 0;
}

/* --map's entry for header, if any: 1 and *out set, or 0. */
static int ix_csv_mapped(const struct ix_csv *x, const char *header, struct csv_header *out)
{
    for (size_t i = 0; i < x->n_map; i++) {
        if (strcasecmp(x->map[i].header, header) == 0) {
            *out = x->map[i].spec;
            return 1;
        }
    }
    return 0;
}

static int ix_csv_no_header(struct ix_csv *x)
{
    snprintf(x->err, x->err_size,
             "line %u: no \"name\" column in the header row (name, or first and last name; "
             "--map names others)",
             x->first_line);
    return -1;
}

/* A name column of any kind: what makes a row the header row. */
static bool ix_csv_names_someone(enum csv_target t)
{
    return t == CSV_T_NAME || t == CSV_T_GIVEN || t == CSV_T_FAMILY || t == CSV_T_ORGANISATION;
}

/* The Client fields each target fills: what an update by id sets. */
static const char *const ix_csv_client_fields[][2] = {
    [CSV_T_NAME] = {"name"},
    [CSV_T_GIVEN] = {"name"},
    [CSV_T_MIDDLE] = {"name"},
    [CSV_T_FAMILY] = {"name"},
    [CSV_T_ORGANISATION] = {"organisation"},
    [CSV_T_DEPARTMENT] = {"organisation"},
    [CSV_T_TITLE] = {"title"},
    [CSV_T_JOB_TITLE] = {"title"},
    [CSV_T_PHONES] = {"phones", "phone_details"},
    [CSV_T_PHONE] = {"phones", "phone_details"},
    [CSV_T_PHONE_TYPE] = {"phones", "phone_details"},
    [CSV_T_EMAILS] = {"emails"},
    [CSV_T_EMAIL] = {"emails"},
    [CSV_T_STREET] = {"street"},
    [CSV_T_STREET2] = {"street"},
    [CSV_T_CITY] = {"city"},
    [CSV_T_REGION] = {"region"},
    [CSV_T_POSTAL_CODE] = {"postal_code"},
    [CSV_T_COUNTRY] = {"country"},
    [CSV_T_ADDRESS] = {"street"},
    [CSV_T_BIRTH_DATE] = {"birth_date"},
    [CSV_T_BIRTH_YEAR] = {"birth_date"},
    [CSV_T_BIRTH_MONTH] = {"birth_date"},
    [CSV_T_BIRTH_DAY] = {"birth_date"},
    [CSV_T_NOTES] = {"notes"},
    [CSV_T_TAGS] = {"tags"},
    [CSV_T_CATEGORIES] = {"tags"},
    [CSV_T_GROUPS] = {"tags"},
    [CSV_T_PREFERRED_CHANNEL] = {"preferred_channel"},
    [CSV_T_MARITAL_STATUS] = {"marital_status"},
    [CSV_T_CHILDREN] = {"children"},
    [CSV_T_INCOME] = {"income_cents"},
    [CSV_T_CURRENCY] = {"currency"},
    [CSV_T_EMPLOYMENT] = {"employment"},
    [CSV_T_CONSENT] = {"consent"},
    [CSV_T_CONTACT_INTERVAL_DAYS] = {"contact_interval_days"},
    [CSV_T_LANGUAGE] = {"language"},
};

/* ix->fields: each Client field the columns fill, once. */
static int ix_csv_fields(struct ix_csv *x)
{
    struct interchange *ix = x->ix;
    size_t max = sizeof(ix_csv_client_fields) / sizeof(ix_csv_client_fields[0]) * 2;
    if ((ix->fields = arena_calloc(&ix->arena, max, sizeof(*ix->fields))) == NULL)
        return -1;
    for (size_t i = 0; i < x->n_cols; i++) {
        enum csv_target t = x->cols[i].target;
        for (size_t k = 0;
             k < 2 && t < sizeof(ix_csv_client_fields) / sizeof(ix_csv_client_fields[0]); k++) {
            const char *f = ix_csv_client_fields[t][k];
            bool had = f == NULL;
            for (size_t j = 0; j < ix->n_fields && !had; j++)
                had = ix->fields[j][0] == f[0] && strcmp(ix->fields[j], f) == 0;
            if (!had && ix->n_fields < max)
                ix->fields[ix->n_fields++] = (char *)f;
        }
    }
    return 0;
}

/* The header row: every column's target. Rows before one that names a
 * name column are skipped (LinkedIn writes notes above its header), up to
 * IX_CSV_PREAMBLE_MAX. The columns not read are listed in one note. */
#define IX_CSV_PREAMBLE_MAX 10

static int ix_csv_header(struct ix_csv *x, char *const *fields, size_t n, uint32_t line)
{
    bool named = false, job_title = false;
    char unread[512] = "";
    size_t n_unread = 0;
    x->n_cols = n;
    for (size_t i = 0; i < n; i++) {
        const char *header = ix_trim(fields[i]);
        int mapped = ix_csv_mapped(x, header, &x->cols[i]);
        if (mapped == 0)
            csv_headers_find(header, &x->cols[i]);
        /* A column named twice is read once: the first. */
        for (size_t k = 0; k < i && x->cols[i].target != CSV_T_NONE; k++)
            if (x->cols[k].target == x->cols[i].target && x->cols[k].slot == x->cols[i].slot &&
                x->cols[k].group == x->cols[i].group && x->cols[i].target != CSV_T_PHONE &&
                x->cols[i].target != CSV_T_EMAIL && x->cols[i].target != CSV_T_STREET2 &&
                x->cols[i].target != CSV_T_READ_ONLY)
                x->cols[i].target = CSV_T_NONE;
        named |= ix_csv_names_someone(x->cols[i].target);
        job_title |= x->cols[i].target == CSV_T_JOB_TITLE;
        if (x->cols[i].target == CSV_T_NONE && header[0] != '\0' && mapped == 0) {
            size_t used = strlen(unread);
            if (n_unread < 12 && used + strlen(header) + 8 < sizeof(unread))
                snprintf(unread + used, sizeof(unread) - used, "%s\"%s\"", used > 0 ? ", " : "",
                         header);
            n_unread++;
        }
    }
    if (x->rows_before == 0)
        x->first_line = line;
    if (!named) {
        if (++x->rows_before <= IX_CSV_PREAMBLE_MAX)
            return 0;
        return ix_csv_no_header(x);
    }
    /* Outlook's "Title" is Mr or Dr when a "Job Title" is there too. */
    for (size_t i = 0; i < n && job_title; i++)
        if (x->cols[i].target == CSV_T_TITLE)
            x->cols[i].target = CSV_T_NONE;
    x->header_done = true;
    if (ix_csv_fields(x) != 0)
        return -1;
    if (n_unread > 0)
        return ix_note(x->ix, line, "unknown_column", "line %u: %zu column%s not read: %s%s", line,
                       n_unread, n_unread == 1 ? "" : "s", unread, n_unread > 12 ? ", ..." : "");
    return 0;
}
/* What the columns of one row gather before they become a client. */
struct ix_csv_row {
    const char *given, *middle, *family, *department, *title;
    const char *street[CSV_HEADERS_SLOTS], *street2[CSV_HEADERS_SLOTS], *city[CSV_HEADERS_SLOTS],
        *region[CSV_HEADERS_SLOTS], *postal[CSV_HEADERS_SLOTS], *country[CSV_HEADERS_SLOTS],
        *formatted[CSV_HEADERS_SLOTS];
    const char *types[CSV_HEADERS_GROUPS + 1]; /* Google's "Phone N - Type" */
    const char *year, *month, *day;
};

/* The number of the n digits at s; -1 for anything else, or more than 6
 * digits (no year, month or day has them). */
static int ix_csv_num(const char *s, size_t n)
{
    int v = 0;
    if (n > 6)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return n > 0 ? v : -1;
}

/* YYYY-MM-DD or --MM-DD from y, m, d; NULL, or why not. A year before
 * 1900 is left out (exporters write 1604 or 0001 for "none"). */
static const char *ix_csv_ymd(struct interchange *ix, int y, int m, int d, char **out)
{
    char text[48]; /* room for any int, though a date needs 11 bytes */
    if (y >= 0 && y < 1900)
        y = -1;
    if (y < 0)
        snprintf(text, sizeof(text), "--%02d-%02d", m < 100 ? m : 0, d < 100 ? d : 0);
    else
        snprintf(text, sizeof(text), "%04d-%02d-%02d", y < 10000 ? y : 0, m < 100 ? m : 0,
                 d < 100 ? d : 0);
    if (!ix_date_ok(text))
        return "not a real day";
    return (*out = arena_strdup(&ix->arena, text)) == NULL ? "out of memory" : NULL;
}

/* A birth date as exporters write it: ISO (with a time after it), --MM-DD,
 * or three numbers with / . or - between them: 12/28/1969 is month first
 * unless --date-order dmy says otherwise or the first number is over 12;
 * 28.12.1969 is day first unless --date-order mdy. Outlook's 0/0/00 is no
 * date. Two-digit years are 1930-2029. */
static const char *ix_csv_date(struct interchange *ix, const char *v, char order, char **out)
{
    *out = (char *)"";
    size_t len = strcspn(v, "T ");
    if (len == 0)
        return NULL;
    if (len == 10 && v[4] == '-' && v[7] == '-')
        return ix_csv_ymd(ix, ix_csv_num(v, 4), ix_csv_num(v + 5, 2), ix_csv_num(v + 8, 2), out);
    if (len == 7 && v[0] == '-' && v[1] == '-' && v[4] == '-')
        return ix_csv_ymd(ix, -1, ix_csv_num(v + 2, 2), ix_csv_num(v + 5, 2), out);
    size_t a = strspn(v, "0123456789");
    char sep = v[a];
    if (a == 0 || a > 4 || (sep != '/' && sep != '.' && sep != '-'))
        return "not a date (YYYY-MM-DD, 12/28/1969 or 28.12.1969)";
    size_t b = strspn(v + a + 1, "0123456789");
    if (b == 0 || b > 2 || v[a + 1 + b] != sep)
        return "not a date (YYYY-MM-DD, 12/28/1969 or 28.12.1969)";
    size_t c = strspn(v + a + 2 + b, "0123456789");
    if (a + b + c + 2 != len || c == 0 || c > 4)
        return "not a date (YYYY-MM-DD, 12/28/1969 or 28.12.1969)";
    int n1 = ix_csv_num(v, a), n2 = ix_csv_num(v + a + 1, b), n3 = ix_csv_num(v + a + 2 + b, c);
    if (a == 4) /* 1969/12/28 */
        return ix_csv_ymd(ix, n1, n2, n3, out);
    if (n1 == 0 && n2 == 0)
        return NULL; /* Outlook's 0/0/00 */
    int year = c <= 2 ? (n3 < 30 ? 2000 + n3 : 1900 + n3) : n3;
    bool day_first = order == 'd' || (order != 'm' && (sep == '.' || n1 > 12));
    return day_first ? ix_csv_ymd(ix, year, n2, n1, out) : ix_csv_ymd(ix, year, n1, n2, out);
}

/* One value of a simple field into c; NULL, or what is wrong with it (the
 * field is then left out). Lists are read entry by entry: a bad entry is
 * left out with its own note. *rc is -1 when memory ran out. */
static const char *ix_csv_value(struct ix_csv *x, uint32_t line, const char *where,
                                Folio__Client *c, const struct csv_header *col, char *v, int *rc)
{
    struct interchange *ix = x->ix;
    char **list;
    size_t n;
    const char *why;
    *rc = 0;
    switch (col->target) {
    case CSV_T_BIRTH_DATE:
        return ix_csv_date(ix, v, x->opt != NULL ? x->opt->date_order : 0, &c->birth_date);
    case CSV_T_PREFERRED_CHANNEL:
        c->preferred_channel = v;
        return NULL;
    case CSV_T_LANGUAGE:
        why = ix_language(v);
        if (why == NULL)
            c->language = v;
        return why;
    case CSV_T_ORGANISATION:
        *rc = ix_text(ix, line, where, "organisation", v, FOLIO_TEXT_MAX, &c->organisation);
        return NULL;
    case CSV_T_EMPLOYMENT:
        *rc = ix_text(ix, line, where, "employment", v, FOLIO_TEXT_MAX, &c->employment);
        return NULL;
    case CSV_T_CURRENCY:
        c->currency = v;
        return NULL;
    case CSV_T_NOTES:
        if (strlen(v) > FOLIO_NOTES_MAX)
            return "longer than " IX_TEXT(FOLIO_NOTES_MAX) " bytes";
        c->notes = v;
        return NULL;
    case CSV_T_PHONES:
    case CSV_T_PHONE:
        if ((why = ix_split(ix, v, col->target == CSV_T_PHONES ? ";" : ":::", &list, &n)) != NULL)
            return why;
        for (size_t i = 0; i < n && *rc == 0; i++)
            *rc = ix_phone(ix, line, where, c, list[i], col->phone_type);
        return NULL;
    case CSV_T_EMAILS:
    case CSV_T_EMAIL:
        if ((why = ix_split(ix, v, col->target == CSV_T_EMAILS ? ";" : ":::", &list, &n)) != NULL)
            return why;
        for (size_t i = 0; i < n && *rc == 0; i++)
            *rc = ix_email(ix, line, where, c, list[i]);
        return NULL;
    case CSV_T_TAGS:
    case CSV_T_CATEGORIES:
    case CSV_T_GROUPS:
        why = ix_split(ix, v,
                       col->target == CSV_T_GROUPS                                 ? ":::"
                       : col->target == CSV_T_CATEGORIES && strchr(v, ';') == NULL ? ","
                                                                                   : ";",
                       &list, &n);
        if (why != NULL)
            return why;
        for (size_t i = 0; i < n && *rc == 0; i++) {
            /* Google's own groups ("* myContacts", "* starred") are not
             * the person's. */
            if (col->target != CSV_T_GROUPS || list[i][0] != '*')
                *rc = ix_tag(ix, line, where, c, list[i]);
        }
        return NULL;
    case CSV_T_MARITAL_STATUS:
        for (size_t i = 0; i < sizeof(ix_marital) / sizeof(ix_marital[0]); i++) {
            if (strcasecmp(v, ix_marital[i]) == 0) {
                c->marital_status = (Folio__MaritalStatus)i;
                return NULL;
            }
        }
        return "not one of single, married, partnered, divorced, widowed";
    case CSV_T_CHILDREN:
        return v[0] == '\0' || ix_uint(v, &c->children) ? NULL : "not a whole number";
    case CSV_T_CONTACT_INTERVAL_DAYS:
        return v[0] == '\0' || ix_uint(v, &c->contact_interval_days) ? NULL : "not a whole number";
    case CSV_T_INCOME:
        return v[0] == '\0' || ix_amount(v, &c->income_cents) ? NULL : "not an amount (52000.50)";
    case CSV_T_CONSENT:
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
    default:
        return NULL; /* gathered in the row, or not read */
    }
}

static const char *const ix_csv_field_names[] = {
    [CSV_T_BIRTH_DATE] = "birth_date",
    [CSV_T_PREFERRED_CHANNEL] = "preferred_channel",
    [CSV_T_LANGUAGE] = "language",
    [CSV_T_NOTES] = "notes",
    [CSV_T_PHONES] = "phones",
    [CSV_T_PHONE] = "phones",
    [CSV_T_EMAILS] = "emails",
    [CSV_T_EMAIL] = "emails",
    [CSV_T_TAGS] = "tags",
    [CSV_T_CATEGORIES] = "tags",
    [CSV_T_GROUPS] = "tags",
    [CSV_T_MARITAL_STATUS] = "marital_status",
    [CSV_T_CHILDREN] = "children",
    [CSV_T_CONTACT_INTERVAL_DAYS] = "contact_interval_days",
    [CSV_T_INCOME] = "income",
    [CSV_T_CONSENT] = "consent",
};

/* The parts of one row that several columns make: the name, the address,
 * the job title, the birthday of Thunderbird's three columns, the type of
 * Google's numbered phones. */
static void ix_csv_gather(struct ix_csv_row *g, const struct csv_header *col, const char *v)
{
    unsigned s = col->slot < CSV_HEADERS_SLOTS ? col->slot : 0;
    switch (col->target) {
    case CSV_T_NAME:
        break;
    case CSV_T_GIVEN:
        g->given = v;
        break;
    case CSV_T_MIDDLE:
        g->middle = v;
        break;
    case CSV_T_FAMILY:
        g->family = v;
        break;
    case CSV_T_DEPARTMENT:
        g->department = v;
        break;
    case CSV_T_TITLE:
    case CSV_T_JOB_TITLE:
        g->title = v;
        break;
    case CSV_T_STREET:
        g->street[s] = v;
        break;
    case CSV_T_STREET2:
        if (g->street2[s] == NULL)
            g->street2[s] = v;
        break;
    case CSV_T_CITY:
        g->city[s] = v;
        break;
    case CSV_T_REGION:
        g->region[s] = v;
        break;
    case CSV_T_POSTAL_CODE:
        g->postal[s] = v;
        break;
    case CSV_T_COUNTRY:
        g->country[s] = v;
        break;
    case CSV_T_ADDRESS:
        g->formatted[s] = v;
        break;
    case CSV_T_PHONE_TYPE:
        if (col->group <= CSV_HEADERS_GROUPS)
            g->types[col->group] = v;
        break;
    case CSV_T_BIRTH_YEAR:
        g->year = v;
        break;
    case CSV_T_BIRTH_MONTH:
        g->month = v;
        break;
    case CSV_T_BIRTH_DAY:
        g->day = v;
        break;
    default:
        break;
    }
}

/* The type of a Google phone from its group's Type column ("* Mobile",
 * "Work Fax"): the strongest word in it. */
static const char *ix_csv_phone_type(const char *text)
{
    const char *type = NULL;
    for (const char *w = text; w != NULL && *w != '\0';) {
        size_t n = strcspn(w, " *,");
        const char *t = n > 0 ? phone_type_word(w, n) : NULL;
        if (t != NULL && (type == NULL || strcmp(t, "fax") == 0 ||
                          (strcmp(t, "mobile") == 0 && strcmp(type, "fax") != 0)))
            type = t;
        w += n + (w[n] != '\0');
    }
    return type;
}

static int ix_csv_address(struct ix_csv *x, uint32_t line, const char *where,
                          const struct ix_csv_row *g, Folio__Client *c)
{
    struct interchange *ix = x->ix;
    for (unsigned s = 0; s < CSV_HEADERS_SLOTS; s++) {
        bool parts = g->street[s] != NULL || g->street2[s] != NULL || g->city[s] != NULL ||
                     g->region[s] != NULL || g->postal[s] != NULL;
        if (!parts && g->country[s] == NULL && g->formatted[s] == NULL)
            continue;
        const char *street = g->street[s];
        if (street != NULL && g->street2[s] != NULL)
            street = arena_printf(&ix->arena, "%s, %s", street, g->street2[s]);
        else if (street == NULL)
            street = g->street2[s];
        /* The address in one field is what the export has when it has no
         * parts of it (Google writes both when it has both): kept whole,
         * as the street. */
        if (!parts)
            street = g->formatted[s];
        char *joined = street != NULL ? ix_one_line_join(ix, street, ", ") : NULL;
        if (street != NULL && joined == NULL)
            return -1;
        if (ix_text(ix, line, where, "street", joined, FOLIO_TEXT_MAX, &c->street) != 0 ||
            ix_text(ix, line, where, "city", g->city[s], FOLIO_TEXT_MAX, &c->city) != 0 ||
            ix_text(ix, line, where, "region", g->region[s], FOLIO_TEXT_MAX, &c->region) != 0 ||
            ix_text(ix, line, where, "postal_code", g->postal[s], FOLIO_POSTAL_CODE_MAX,
                    &c->postal_code) != 0 ||
            ix_text(ix, line, where, "country", g->country[s], FOLIO_TEXT_MAX, &c->country) != 0)
            return -1;
        return 0;
    }
    return 0;
}

/* The name of a row: its name column, else its name's parts, else its
 * company (a company's row). NULL when it has none. */
static const char *ix_csv_name(struct ix_csv *x, char *const *fields, size_t n,
                               const struct ix_csv_row *g, const char **company)
{
    *company = NULL;
    for (size_t i = 0; i < n && i < x->n_cols; i++) {
        if (x->cols[i].target == CSV_T_NAME && fields[i][0] != '\0')
            return fields[i];
        if (x->cols[i].target == CSV_T_ORGANISATION && fields[i][0] != '\0' && *company == NULL)
            *company = fields[i];
    }
    const char *parts[3] = {g->given, g->middle, g->family};
    char *name = NULL;
    for (size_t i = 0; i < 3; i++) {
        if (parts[i] == NULL || parts[i][0] == '\0')
            continue;
        name = name == NULL ? arena_strdup(&x->ix->arena, parts[i])
                            : arena_printf(&x->ix->arena, "%s %s", name, parts[i]);
        if (name == NULL)
            return NULL;
    }
    return name != NULL ? name : *company;
}

static int ix_csv_row_in(void *ctx, char *const *fields, size_t n, uint32_t line)
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
    struct ix_csv_row g = {0};
    char *copies[CSV_FILE_FIELDS_MAX];
    for (size_t i = 0; i < n && i < x->n_cols; i++) {
        /* The reader's buffer is reused for the next row: keep a copy. */
        if ((copies[i] = arena_strdup(&ix->arena, fields[i])) == NULL)
            return -1;
        if (copies[i][0] != '\0')
            ix_csv_gather(&g, &x->cols[i], copies[i]);
    }
    const char *company;
    const char *name = ix_csv_name(x, copies, n < x->n_cols ? n : x->n_cols, &g, &company);
    if (name == NULL)
        return ix_note(ix, line, "error", "line %u: no name: left out", line);
    Folio__Client *c = ix_new_client(ix);
    int named = c != NULL ? ix_name(ix, line, where, name, c) : -1;
    if (named < 0)
        return -1;
    if (named > 0)
        return ix_note(ix, line, "error", "line %u: no name: left out", line);
    for (size_t i = 0; i < n && i < x->n_cols; i++) {
        int rc;
        struct csv_header col = x->cols[i];
        if (copies[i][0] == '\0' || col.target == CSV_T_NONE)
            continue;
        if (col.target == CSV_T_ID) {
            c->id = ix_trim(copies[i]);
            continue;
        }
        if (col.target == CSV_T_PHONE && col.phone_type == NULL && col.group > 0 &&
            g.types[col.group] != NULL)
            col.phone_type = ix_csv_phone_type(g.types[col.group]);
        const char *why = ix_csv_value(x, line, where, c, &col, copies[i], &rc);
        if (rc != 0)
            return -1;
        if (why != NULL && ix_drop(ix, line, where, ix_csv_field_names[col.target], "\"%.40s\": %s",
                                   copies[i], why) != 0)
            return -1;
    }
    if (ix_csv_address(x, line, where, &g, c) != 0)
        return -1;
    const char *org = c->organisation;
    if (org[0] != '\0' && g.department != NULL)
        org = arena_printf(&ix->arena, "%s, %s", org, g.department);
    if (org == NULL ||
        ix_text(ix, line, where, "organisation", org, FOLIO_TEXT_MAX, &c->organisation) != 0 ||
        ix_text(ix, line, where, "title", g.title, FOLIO_TEXT_MAX, &c->title) != 0)
        return -1;
    if (g.month != NULL && g.day != NULL) {
        int y = g.year != NULL ? ix_csv_num(g.year, strlen(g.year)) : -1;
        const char *why = ix_csv_ymd(ix, y, ix_csv_num(g.month, strlen(g.month)),
                                     ix_csv_num(g.day, strlen(g.day)), &c->birth_date);
        if (why != NULL && ix_drop(ix, line, where, "birth_date", "%s", why) != 0)
            return -1;
    }
    return ix_add_client(ix, c, line);
}

int interchange_read_csv(struct interchange *ix, const char *data, size_t len,
                         const struct interchange_csv_options *opt, char *err, size_t err_size)
{
    struct ix_csv x = {.ix = ix, .opt = opt, .err = err, .err_size = err_size};
    if (err_size > 0)
        err[0] = '\0';
    if (ix_csv_map_read(&x) != 0) {
        if (err[0] == '\0')
            snprintf(err, err_size, "out of memory");
        return -1;
    }
    /* Excel and Outlook write UTF-16 or windows-1252 without saying so. */
    size_t skip;
    const char *utf16 = charset_utf16(data, len, &skip);
    char *converted = NULL;
    if (utf16 != NULL || !csv_file_utf8_valid(data, len)) {
        size_t n;
        converted = utf16 != NULL ? charset_to_utf8(utf16, data + skip, len - skip, &n)
                                  : charset_to_utf8("WINDOWS-1252", data, len, &n);
        if (converted == NULL) {
            snprintf(err, err_size, "out of memory");
            return -1;
        }
        if (utf16 == NULL &&
            ix_note(ix, 1, "note", "line 1: the file is not UTF-8: read as windows-1252") != 0) {
            free(converted);
            snprintf(err, err_size, "out of memory");
            return -1;
        }
        data = converted;
        len = n;
    }
    int rc = csv_file_read_delim(data, len, csv_file_delimiter(data, len), ix_csv_row_in, &x, err,
                                 err_size);
    free(converted);
    if (rc == 0 && !x.header_done)
        return x.rows_before > 0 ? ix_csv_no_header(&x)
                                 : (snprintf(err, err_size,
                                             "empty file: a header row of field names comes first"),
                                    -1);
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

int interchange_add_vcard(struct interchange *ix, const struct vcard *card)
{
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
    int named = name != NULL ? ix_name(ix, l, where, name, c) : -1;
    if (named < 0)
        return -1;
    if (named > 0)
        return ix_note(ix, l, "error", "%s: no name: left out", where);
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
    if (card->language != NULL) {
        char *language = ix_dup(ix, card->language);
        if (language == NULL)
            return -1;
        const char *why = ix_language(language);
        if (why == NULL)
            c->language = language;
        else if (ix_drop(ix, l, where, "language", "\"%.40s\": %s", card->language, why) != 0)
            return -1;
    }
    return ix_add_client(ix, c, card->line);
}

static int ix_vcard_card(void *ctx, const struct vcard *card)
{
    return interchange_add_vcard(ctx, card);
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

int interchange_csv_header(FILE *out, char delim)
{
    return csv_file_write_row_delim(out, delim, ix_col_names + 1, IX_COLS - 1);
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

/* A time as RFC 3339 UTC ("2026-12-03T11:24:50Z"), "" for none. */
static const char *ix_time(struct arena *a, int64_t t)
{
    struct tm tm;
    time_t tt = (time_t)t;
    char text[32];
    if (t <= 0 || (int64_t)tt != t || gmtime_r(&tt, &tm) == NULL || tm.tm_year > 9999 - 1900 ||
        strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return "";
    return arena_strdup(a, text);
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

int interchange_csv_write(FILE *out, char delim, const Folio__Client *c)
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
    v[IX_ID] = c->id;
    v[IX_NAME] = c->name;
    v[IX_OWNER] = c->owner;
    v[IX_CREATED_AT] = ix_time(&a, c->created_at);
    v[IX_UPDATED_AT] = ix_time(&a, c->updated_at);
    v[IX_LAST_CONTACT] = c->last_contact;
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
    v[IX_LANGUAGE] = c->language;
    int rc = -1;
    if (v[IX_PHONES] != NULL && v[IX_EMAILS] != NULL && v[IX_TAGS] != NULL &&
        v[IX_CONSENT] != NULL && v[IX_CHILDREN] != NULL && v[IX_CONTACT_INTERVAL_DAYS] != NULL &&
        v[IX_CREATED_AT] != NULL && v[IX_UPDATED_AT] != NULL)
        rc = csv_file_write_row_delim(out, delim, v + 1, IX_COLS - 1);
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
    card.language = ix_or_null(c->language);
    return vcard_write(out, &card, version);
}
