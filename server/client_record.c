/* client_record.c - see client_record.h.
 *
 * Messages are string literals (callers keep them past any arena), except
 * the one naming an unknown field, which is built in the caller's arena.
 * Case folding is ASCII only: the fields it applies to (emails, tags, codes,
 * event words) are compared by machines, not read by people. */
#include "client_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "array_size.h"
#include "calendar.h"
#include "client_id.h"
#include "validate.h"

#define STR(x) VALIDATE_STR(x)

#define CLIENT_PHONE_MIN     3
#define CLIENT_PHONE_MAX     FOLIO_PHONE_MAX
#define CLIENT_EMAIL_MAX     FOLIO_EMAIL_MAX
#define CLIENT_PHONE_EXT_MAX FOLIO_PHONE_EXT_MAX
#define CLIENT_LIFE_MAX      40
#define CLIENT_YEAR_MIN      1900
#define CLIENT_YEAR_MAX      9999

#define TEXT_MSGS VALIDATE_MSGS

#define NO_MEMORY "the request needs more memory than it may use"

/* Two or three lower-case letters: the language of the firm's mail
 * templates the client gets. */
static bool language_ok(const char *language)
{
    size_t len = strlen(language);
    if (len < 2 || len > 3)
        return false;
    for (size_t i = 0; i < len; i++)
        if (language[i] < 'a' || language[i] > 'z')
            return false;
    return true;
}

static const struct validate_msgs name_msgs = TEXT_MSGS("name", CLIENT_NAME_MAX);
static const struct validate_msgs street_msgs = TEXT_MSGS("street", CLIENT_TEXT_MAX);
static const struct validate_msgs city_msgs = TEXT_MSGS("city", CLIENT_TEXT_MAX);
static const struct validate_msgs region_msgs = TEXT_MSGS("region", CLIENT_TEXT_MAX);
static const struct validate_msgs employment_msgs = TEXT_MSGS("employment", CLIENT_TEXT_MAX);
static const struct validate_msgs postal_code_msgs =
    TEXT_MSGS("postal_code", CLIENT_POSTAL_CODE_MAX);
static const struct validate_msgs organisation_msgs = TEXT_MSGS("organisation", CLIENT_TEXT_MAX);
static const struct validate_msgs title_msgs = TEXT_MSGS("title", CLIENT_TEXT_MAX);
static const struct validate_msgs notes_msgs = TEXT_MSGS("notes", CLIENT_NOTES_MAX);
static const struct validate_msgs purchase_kind_msgs = TEXT_MSGS("purchases", CLIENT_TEXT_MAX);
static const struct validate_msgs purchase_note_msgs = TEXT_MSGS("purchases", CLIENT_NOTES_MAX);
static const struct validate_msgs event_note_msgs = TEXT_MSGS("note", CLIENT_NOTES_MAX);
static const struct validate_msgs purchase_what_msgs = TEXT_MSGS("what", CLIENT_TEXT_MAX);

static const char *const client_channels[] = {"email", "phone", "sms", "post"};
static const char *const client_contacts[] = {"call", "visit", "email", "message", "sms"};
static const char *const client_marital_names[] = {"single", "married", "partnered", "divorced",
                                                   "widowed"};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static char to_lower(char c)
{
    return is_upper(c) ? (char)(c - 'A' + 'a') : c;
}

static char to_upper(char c)
{
    return is_lower(c) ? (char)(c - 'a' + 'A') : c;
}

static void str_lower(char *s)
{
    for (; *s != '\0'; s++)
        *s = to_lower(*s);
}

static void str_upper(char *s)
{
    for (; *s != '\0'; s++)
        *s = to_upper(*s);
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, list[i]) == 0)
            return true;
    }
    return false;
}

#define IN_LIST(s, list) in_list((s), (list), ARRAY_SIZE(list))

/* Like validate_field, for notes: line breaks and tabs are allowed too. */
static const char *note_field(const char *text, size_t max, bool required,
                              const struct validate_msgs *msgs)
{
    if (text == NULL || text[0] == '\0')
        return required ? msgs->empty : NULL;
    size_t len = strnlen(text, max + 1);
    if (len > max || max > CLIENT_NOTES_MAX)
        return msgs->too_long;
    char buf[CLIENT_NOTES_MAX + 1];
    for (size_t i = 0; i < len; i++)
        buf[i] = text[i] == '\n' || text[i] == '\r' || text[i] == '\t' ? ' ' : text[i];
    buf[len] = '\0';
    return validate_text(buf, max) == NULL ? NULL : msgs->not_text;
}

/* Empty, or exactly n ASCII letters; upper-cased in place. */
static bool code_ok(char *code, size_t n)
{
    if (code == NULL || code[0] == '\0')
        return true;
    if (strnlen(code, n + 1) != n)
        return false;
    str_upper(code);
    for (size_t i = 0; i < n; i++) {
        if (!is_upper(code[i]))
            return false;
    }
    return true;
}

bool client_amount_ok(int64_t cents)
{
    return cents >= 0 && cents <= CLIENT_AMOUNT_MAX;
}

/* ---------------------------------------------------------------- ages */

int client_age(const char *birth_date, const char *today)
{
    int by, bm, bd, ty, tm, td;
    if (calendar_parse_date(birth_date, &by, &bm, &bd) != 0 ||
        calendar_parse_date(today, &ty, &tm, &td) != 0)
        return -1;
    if (by > ty || (by == ty && (bm > tm || (bm == tm && bd > td))))
        return -1;
    /* In a year without 29 February the birthday is 1 March. */
    if (bm == 2 && bd == 29 && !calendar_leap_year(ty)) {
        bm = 3;
        bd = 1;
    }
    int age = ty - by;
    if (tm < bm || (tm == bm && td < bd))
        age--;
    return age;
}

bool client_birthday_yearless(const char *birth_date, int *month, int *day)
{
    if (birth_date == NULL || strlen(birth_date) != 7 || birth_date[0] != '-' ||
        birth_date[1] != '-' || birth_date[4] != '-' || !is_digit(birth_date[2]) ||
        !is_digit(birth_date[3]) || !is_digit(birth_date[5]) || !is_digit(birth_date[6]))
        return false;
    int m = (birth_date[2] - '0') * 10 + (birth_date[3] - '0');
    int d = (birth_date[5] - '0') * 10 + (birth_date[6] - '0');
    /* A leap year holds every month-day there is. */
    if (m < 1 || m > 12 || d < 1 || d > calendar_days_in_month(2000, m))
        return false;
    if (month != NULL)
        *month = m;
    if (day != NULL)
        *day = d;
    return true;
}

/* ---------------------------------------------------------------- validation */

static const char *phone_check(const char *p)
{
    size_t len = strnlen(p, CLIENT_PHONE_MAX + 1);
    if (len < CLIENT_PHONE_MIN || len > CLIENT_PHONE_MAX)
        return "phones: " STR(CLIENT_PHONE_MIN) " to " STR(CLIENT_PHONE_MAX) " characters each";
    bool digit = false;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (is_digit(c))
            digit = true;
        else if (c != ' ' && c != '+' && c != '-' && c != '(' && c != ')')
            return "phones: only digits, spaces and + - ( )";
    }
    return digit ? NULL : "phones: a number needs digits";
}

/* Details of phones the record has, one per number, of a known type, with
 * an extension of digits. Details of numbers not among the phones are
 * dropped (in place) rather than refused: element edits remove phones
 * without knowing about details. */
static const char *phone_details_check(Folio__Client *c)
{
    if (c->n_phone_details > CLIENT_PHONES_MAX)
        return "phone_details: at most " STR(CLIENT_PHONES_MAX);
    size_t kept = 0;
    for (size_t i = 0; i < c->n_phone_details; i++) {
        Folio__PhoneDetail *d = c->phone_details[i];
        bool known = false;
        for (size_t k = 0; k < c->n_phones && !known; k++)
            known = strcmp(c->phones[k], d->number) == 0;
        if (!known)
            continue;
        for (size_t k = 0; k < kept; k++)
            if (strcmp(c->phone_details[k]->number, d->number) == 0)
                return "phone_details: one for each phone";
        if (d->type[0] != '\0' && strcmp(d->type, "mobile") != 0 && strcmp(d->type, "home") != 0 &&
            strcmp(d->type, "work") != 0 && strcmp(d->type, "fax") != 0)
            return "phone_details: a type is mobile, home, work or fax";
        size_t len = strnlen(d->extension, CLIENT_PHONE_EXT_MAX + 1);
        if (len > CLIENT_PHONE_EXT_MAX)
            return "phone_details: an extension has at most " STR(CLIENT_PHONE_EXT_MAX) " digits";
        for (size_t k = 0; k < len; k++)
            if (!is_digit(d->extension[k]))
                return "phone_details: an extension is digits";
        c->phone_details[kept++] = d;
    }
    c->n_phone_details = kept;
    return NULL;
}

static const char *email_check(char *e)
{
    size_t len = strnlen(e, CLIENT_EMAIL_MAX + 1);
    if (len > CLIENT_EMAIL_MAX)
        return "emails: at most " STR(CLIENT_EMAIL_MAX) " characters each";
    str_lower(e);
    const char *at = strchr(e, '@');
    if (at == NULL || at == e || at[1] == '\0' || strchr(at + 1, '@') != NULL ||
        strchr(e, ' ') != NULL || validate_text(e, CLIENT_EMAIL_MAX) != NULL)
        return "emails: not an email address";
    return NULL;
}

const char *client_tag_check(char *t)
{
    size_t len = strnlen(t, CLIENT_TAG_MAX + 1);
    if (len < 1 || len > CLIENT_TAG_MAX)
        return "tags: 1 to " STR(CLIENT_TAG_MAX) " characters each";
    str_lower(t);
    for (size_t i = 0; i < len; i++) {
        char c = t[i];
        if (!is_lower(c) && !is_digit(c) && c != '-' && c != '_')
            return "tags: only a-z, 0-9, - and _";
    }
    return NULL;
}

static const char *contacts_check(Folio__Client *c)
{
    if (c->n_phones > CLIENT_PHONES_MAX)
        return "phones: at most " STR(CLIENT_PHONES_MAX);
    for (size_t i = 0; i < c->n_phones; i++) {
        const char *why = phone_check(c->phones[i]);
        if (why != NULL)
            return why;
    }
    if (c->n_emails > CLIENT_EMAILS_MAX)
        return "emails: at most " STR(CLIENT_EMAILS_MAX);
    for (size_t i = 0; i < c->n_emails; i++) {
        const char *why = email_check(c->emails[i]);
        if (why != NULL)
            return why;
    }
    if (c->preferred_channel[0] != '\0' && !IN_LIST(c->preferred_channel, client_channels))
        return "preferred_channel: one of email, phone, sms, post";
    return phone_details_check(c);
}

static const char *family_check(const Folio__Client *c)
{
    if (c->marital_status < FOLIO__MARITAL_STATUS__MARITAL_UNSPECIFIED ||
        c->marital_status > FOLIO__MARITAL_STATUS__MARITAL_WIDOWED)
        return "marital_status: not a marital status";
    if (c->marital_status_typed < FOLIO__MARITAL_STATUS__MARITAL_UNSPECIFIED ||
        c->marital_status_typed > FOLIO__MARITAL_STATUS__MARITAL_WIDOWED)
        return "marital_status_typed: not a marital status";
    if (c->children > CLIENT_CHILDREN_MAX)
        return "children: at most " STR(CLIENT_CHILDREN_MAX);
    if (c->n_children_birth_years > CLIENT_CHILDREN_MAX)
        return "children_birth_years: at most " STR(CLIENT_CHILDREN_MAX);
    if (c->n_children_birth_years > c->children)
        return "children_birth_years: more years than children";
    int parent = CLIENT_YEAR_MIN;
    calendar_parse_date(c->birth_date, &parent, NULL, NULL);
    for (size_t i = 0; i < c->n_children_birth_years; i++) {
        uint32_t y = c->children_birth_years[i];
        if (y < (uint32_t)parent || y > CLIENT_YEAR_MAX)
            return "children_birth_years: not a plausible year";
    }
    return NULL;
}

static const char *income_check(Folio__Client *c)
{
    if (!client_amount_ok(c->income_cents))
        return "income_cents: 0 to " STR(CLIENT_AMOUNT_MAX) " cents";
    if (!code_ok(c->currency, 3))
        return "currency: three letters (ISO 4217)";
    if (c->n_income_history > CLIENT_HISTORY_MAX)
        return "income_history: at most " STR(CLIENT_HISTORY_MAX);
    for (size_t i = 0; i < c->n_income_history; i++) {
        Folio__IncomeChange *h = c->income_history[i];
        if (!client_amount_ok(h->amount_cents))
            return "income_history: amounts are 0 to " STR(CLIENT_AMOUNT_MAX) " cents";
        if (!code_ok(h->currency, 3))
            return "income_history: currencies are three letters (ISO 4217)";
        if (calendar_parse_date(h->date, NULL, NULL, NULL) != 0)
            return "income_history: not a real date";
    }
    return NULL;
}

static const char *purchases_check(const Folio__Client *c)
{
    if (c->n_purchases > CLIENT_PURCHASES_MAX)
        return "purchases: at most " STR(CLIENT_PURCHASES_MAX);
    for (size_t i = 0; i < c->n_purchases; i++) {
        const Folio__Purchase *p = c->purchases[i];
        const char *why = validate_field(p->kind, CLIENT_TEXT_MAX, true, &purchase_kind_msgs);
        if (why == NULL && calendar_parse_date(p->date, NULL, NULL, NULL) != 0)
            why = "purchases: not a real date";
        if (why == NULL)
            why = note_field(p->note, CLIENT_NOTES_MAX, false, &purchase_note_msgs);
        if (why != NULL)
            return why;
    }
    return NULL;
}

static const char *household_check(const Folio__Client *c)
{
    if (c->n_household > CLIENT_HOUSEHOLD_MAX)
        return "household: at most " STR(CLIENT_HOUSEHOLD_MAX) " links";
    for (size_t i = 0; i < c->n_household; i++) {
        const Folio__HouseholdLink *link = c->household[i];
        uint8_t id[16];
        if (client_id_parse(link->client_id, id) != 0)
            return "household: not a client id";
        if (strcmp(link->client_id, c->id) == 0)
            return "household: a client is not linked to itself";
        if (client_relation_inverse(link->relation) == NULL)
            return "household: a relation is one of spouse, partner, child, parent, sibling, "
                   "other";
        if (link->name[0] != '\0')
            return "household: names are filled in replies only";
        for (size_t k = 0; k < i; k++)
            if (strcmp(c->household[k]->client_id, link->client_id) == 0)
                return "household: a client linked twice";
    }
    return NULL;
}

const char *client_validate(Folio__Client *c)
{
    uint8_t id[16];
    if (client_id_parse(c->id, id) != 0)
        return "id: not a client id";
    if (c->owner_id == 0)
        return "owner_id: no owner";
    const char *why = validate_field(c->name, CLIENT_NAME_MAX, true, &name_msgs);
    if (why == NULL && c->birth_date[0] != '\0' &&
        calendar_parse_date(c->birth_date, NULL, NULL, NULL) != 0 &&
        !client_birthday_yearless(c->birth_date, NULL, NULL))
        why = "birth_date: not a real date (YYYY-MM-DD, or --MM-DD without the year)";
    if (why == NULL)
        why = contacts_check(c);
    if (why == NULL)
        why = validate_field(c->street, CLIENT_TEXT_MAX, false, &street_msgs);
    if (why == NULL)
        why = validate_field(c->city, CLIENT_TEXT_MAX, false, &city_msgs);
    if (why == NULL)
        why = validate_field(c->region, CLIENT_TEXT_MAX, false, &region_msgs);
    if (why == NULL && !code_ok(c->country, 2))
        why = "country: two letters (ISO 3166-1)";
    if (why == NULL)
        why = family_check(c);
    if (why == NULL)
        why = income_check(c);
    if (why == NULL)
        why = validate_field(c->employment, CLIENT_TEXT_MAX, false, &employment_msgs);
    if (why == NULL)
        why = validate_field(c->postal_code, CLIENT_POSTAL_CODE_MAX, false, &postal_code_msgs);
    if (why == NULL)
        why = validate_field(c->organisation, CLIENT_TEXT_MAX, false, &organisation_msgs);
    if (why == NULL)
        why = validate_field(c->title, CLIENT_TEXT_MAX, false, &title_msgs);
    if (why == NULL && c->language[0] != '\0' && !language_ok(c->language))
        why = "language: an ISO 639-1 code in lower case, such as es";
    if (why == NULL)
        why = purchases_check(c);
    if (why == NULL && c->n_tags > CLIENT_TAGS_MAX)
        why = "tags: at most " STR(CLIENT_TAGS_MAX);
    for (size_t i = 0; why == NULL && i < c->n_tags; i++)
        why = client_tag_check(c->tags[i]);
    if (why == NULL)
        why = note_field(c->notes, CLIENT_NOTES_MAX, false, &notes_msgs);
    if (why == NULL && c->last_contact[0] != '\0' &&
        calendar_parse_date(c->last_contact, NULL, NULL, NULL) != 0)
        why = "last_contact: not a real date";
    if (why == NULL && c->contact_interval_days > CLIENT_CONTACT_INTERVAL_MAX)
        why = "contact_interval_days: 0 to " STR(CLIENT_CONTACT_INTERVAL_MAX) " days";
    if (why == NULL)
        why = household_check(c);
    return why;
}

/* ---------------------------------------------------------------- typed records */

/* Only blanks: ASCII spaces and tabs, and U+00A0 (C2 A0 in UTF-8), the
 * ones that reach a form by paste; other Unicode spaces would need tables. */
static bool only_blanks(const char *s)
{
    while (*s != '\0') {
        if (*s == ' ' || *s == '\t')
            s++;
        else if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
            s += 2;
        else
            return false;
    }
    return true;
}

/* The domain of an address email_check passed: a dot between two labels
 * somewhere, and none at either end (a trailing dot leaves nothing after). */
static bool email_domain_ok(const char *email)
{
    const char *domain = strchr(email, '@');
    if (domain == NULL)
        return false;
    domain++;
    size_t len = strlen(domain);
    const char *dot = strchr(domain, '.');
    return dot != NULL && domain[0] != '.' && domain[len - 1] != '.' &&
           strstr(domain, "..") == NULL;
}

const char *client_validate_typed(const Folio__Client *c, const struct client_rules *rules)
{
    if (only_blanks(c->name))
        return "name: more than spaces";
    int age = c->birth_date[0] != '\0' && !client_birthday_yearless(c->birth_date, NULL, NULL)
                  ? client_age(c->birth_date, rules->today)
                  : 0;
    if (age < 0)
        return "birth_date: after today";
    for (size_t i = 0; i < c->n_emails; i++) {
        if (!email_domain_ok(c->emails[i]))
            return "emails: the domain needs a dot (name@example.com)";
    }
    if (c->country[0] != '\0' && !iso_codes_country(rules->iso, c->country))
        return "country: not an ISO 3166-1 country code (two letters, such as PE or DE)";
    if (c->currency[0] != '\0' && !iso_codes_currency(rules->iso, c->currency))
        return "currency: not an ISO 4217 currency code (three letters, such as PEN or EUR)";
    return NULL;
}

/* ---------------------------------------------------------------- element edits */

/* One list of strings the element edits work on. */
struct element_list {
    char ***items;
    size_t *n;
    bool fold; /* compared and stored lower-cased */
};

static bool element_same(const char *a, const char *b, bool fold)
{
    return fold ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

/* Removes every element of rm, then appends each of add not yet there.
 * The new list is always a fresh arena array: the stored one may lie in
 * the request's message. */
static const char *element_edit(struct element_list l, char **add, size_t n_add, char **rm,
                                size_t n_rm, bool *changed, struct arena *arena)
{
    if (n_add == 0 && n_rm == 0)
        return NULL;
    size_t n = *l.n;
    char **out = arena_calloc(arena, n + n_add + 1, sizeof(*out));
    if (out == NULL)
        return NO_MEMORY;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool gone = false;
        for (size_t j = 0; !gone && j < n_rm; j++)
            gone = element_same((*l.items)[i], rm[j], l.fold);
        if (!gone)
            out[k++] = (*l.items)[i];
    }
    for (size_t j = 0; j < n_add; j++) {
        bool there = false;
        for (size_t i = 0; !there && i < k; i++)
            there = element_same(out[i], add[j], l.fold);
        if (!there) {
            if (l.fold)
                str_lower(add[j]);
            out[k++] = add[j];
        }
    }
    *changed = true;
    *l.items = out;
    *l.n = k;
    return NULL;
}

bool client_update_has_elements(const Folio__ClientUpdate *u)
{
    return u->n_add_tags + u->n_remove_tags + u->n_add_phones + u->n_remove_phones +
               u->n_add_emails + u->n_remove_emails !=
           0;
}

const char *client_apply_elements(Folio__Client *c, Folio__ClientUpdate *u, const char **edited,
                                  struct arena *arena)
{
    *edited = "";
    /* Each list given at most as long as the list it edits may be: bounds
     * the work below, quadratic in them, whatever the request. */
    if (u->n_add_tags > CLIENT_TAGS_MAX || u->n_remove_tags > CLIENT_TAGS_MAX)
        return "tags: at most " STR(CLIENT_TAGS_MAX) " added or removed at once";
    if (u->n_add_phones > CLIENT_PHONES_MAX || u->n_remove_phones > CLIENT_PHONES_MAX)
        return "phones: at most " STR(CLIENT_PHONES_MAX) " added or removed at once";
    if (u->n_add_emails > CLIENT_EMAILS_MAX || u->n_remove_emails > CLIENT_EMAILS_MAX)
        return "emails: at most " STR(CLIENT_EMAILS_MAX) " added or removed at once";
    /* Added elements are checked as stored ones are (client_validate does
     * it again, over the whole list); removed ones need only be text. */
    for (size_t i = 0; i < u->n_add_tags; i++) {
        const char *why = client_tag_check(u->add_tags[i]);
        if (why != NULL)
            return why;
    }
    for (size_t i = 0; i < u->n_add_phones; i++) {
        const char *why = phone_check(u->add_phones[i]);
        if (why != NULL)
            return why;
    }
    for (size_t i = 0; i < u->n_add_emails; i++) {
        const char *why = email_check(u->add_emails[i]);
        if (why != NULL)
            return why;
    }
    bool tags = false, phones = false, emails = false;
    const char *why = element_edit((struct element_list){&c->tags, &c->n_tags, true}, u->add_tags,
                                   u->n_add_tags, u->remove_tags, u->n_remove_tags, &tags, arena);
    if (why == NULL)
        why = element_edit((struct element_list){&c->phones, &c->n_phones, false}, u->add_phones,
                           u->n_add_phones, u->remove_phones, u->n_remove_phones, &phones, arena);
    if (why == NULL)
        why = element_edit((struct element_list){&c->emails, &c->n_emails, true}, u->add_emails,
                           u->n_add_emails, u->remove_emails, u->n_remove_emails, &emails, arena);
    if (why != NULL)
        return why;
    char *names =
        arena_printf(arena, "%s%s%s%s%s", tags ? "tags" : "", tags && (phones || emails) ? "," : "",
                     phones ? "phones" : "", phones && emails ? "," : "", emails ? "emails" : "");
    if (names == NULL)
        return NO_MEMORY;
    *edited = names;
    return NULL;
}

/* ---------------------------------------------------------------- updates */

static const char *const client_settable[] = {
    "name",
    "birth_date",
    "phones",
    "emails",
    "preferred_channel",
    "street",
    "city",
    "region",
    "country",
    "marital_status",
    "children",
    "children_birth_years",
    "income_cents",
    "currency",
    "employment",
    "tags",
    "consent",
    "notes",
    "contact_interval_days",
    "postal_code",
    "organisation",
    "title",
    "phone_details",
    "language",
};

static char **copy_strings(char *const *src, size_t n, struct arena *arena, bool *ok)
{
    if (n == 0)
        return NULL;
    char **out = arena_calloc(arena, n, sizeof(*out));
    for (size_t i = 0; out != NULL && i < n; i++) {
        out[i] = arena_strdup(arena, src[i]);
        if (out[i] == NULL)
            out = NULL;
    }
    if (out == NULL)
        *ok = false;
    return out;
}

static char *copy_string(const char *s, struct arena *arena, bool *ok)
{
    char *out = arena_strdup(arena, s);
    if (out == NULL) {
        *ok = false;
        return (char *)protobuf_c_empty_string;
    }
    return out;
}

/* Appends an income change, dropping the oldest once CLIENT_HISTORY_MAX
 * are kept. */
static bool history_append(Folio__Client *c, int64_t cents, const char *currency, const char *date,
                           struct arena *arena)
{
    Folio__IncomeChange *h = arena_alloc(arena, sizeof(*h));
    size_t keep =
        c->n_income_history < CLIENT_HISTORY_MAX ? c->n_income_history : CLIENT_HISTORY_MAX - 1;
    Folio__IncomeChange **list = arena_calloc(arena, keep + 1, sizeof(*list));
    char *cur = arena_strdup(arena, currency);
    char *day = arena_strdup(arena, date);
    if (h == NULL || list == NULL || cur == NULL || day == NULL)
        return false;
    folio__income_change__init(h);
    h->amount_cents = cents;
    h->currency = cur;
    h->date = day;
    if (keep > 0)
        memcpy(list, c->income_history + (c->n_income_history - keep), keep * sizeof(*list));
    list[keep] = h;
    c->income_history = list;
    c->n_income_history = keep + 1;
    return true;
}

static bool copy_phone_details(Folio__Client *s, const Folio__Client *ch, struct arena *arena)
{
    size_t n = ch->n_phone_details;
    Folio__PhoneDetail **out = n == 0 ? NULL : arena_calloc(arena, n, sizeof(*out));
    if (n > 0 && out == NULL)
        return false;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        out[i] = arena_alloc(arena, sizeof(*out[i]));
        if (out[i] == NULL)
            return false;
        folio__phone_detail__init(out[i]);
        out[i]->number = copy_string(ch->phone_details[i]->number, arena, &ok);
        out[i]->type = copy_string(ch->phone_details[i]->type, arena, &ok);
        out[i]->extension = copy_string(ch->phone_details[i]->extension, arena, &ok);
    }
    s->phone_details = out;
    s->n_phone_details = ok ? n : 0;
    return ok;
}

static bool apply_field(Folio__Client *s, const Folio__Client *ch, const char *f,
                        struct arena *arena)
{
    bool ok = true;
    if (strcmp(f, "name") == 0) {
        s->name = copy_string(ch->name, arena, &ok);
    } else if (strcmp(f, "birth_date") == 0) {
        s->birth_date = copy_string(ch->birth_date, arena, &ok);
    } else if (strcmp(f, "phones") == 0) {
        s->phones = copy_strings(ch->phones, ch->n_phones, arena, &ok);
        s->n_phones = ok ? ch->n_phones : 0;
    } else if (strcmp(f, "emails") == 0) {
        s->emails = copy_strings(ch->emails, ch->n_emails, arena, &ok);
        s->n_emails = ok ? ch->n_emails : 0;
    } else if (strcmp(f, "preferred_channel") == 0) {
        s->preferred_channel = copy_string(ch->preferred_channel, arena, &ok);
    } else if (strcmp(f, "street") == 0) {
        s->street = copy_string(ch->street, arena, &ok);
    } else if (strcmp(f, "city") == 0) {
        s->city = copy_string(ch->city, arena, &ok);
    } else if (strcmp(f, "region") == 0) {
        s->region = copy_string(ch->region, arena, &ok);
    } else if (strcmp(f, "country") == 0) {
        s->country = copy_string(ch->country, arena, &ok);
    } else if (strcmp(f, "marital_status") == 0) {
        s->marital_status = ch->marital_status;
        s->marital_status_typed = ch->marital_status;
    } else if (strcmp(f, "children") == 0) {
        s->children = ch->children;
    } else if (strcmp(f, "children_birth_years") == 0) {
        size_t n = ch->n_children_birth_years;
        uint32_t *years = n == 0 ? NULL : arena_calloc(arena, n, sizeof(*years));
        if (n > 0 && years == NULL)
            return false;
        if (n > 0)
            memcpy(years, ch->children_birth_years, n * sizeof(*years));
        s->children_birth_years = years;
        s->n_children_birth_years = n;
    } else if (strcmp(f, "income_cents") == 0) {
        s->income_cents = ch->income_cents;
    } else if (strcmp(f, "currency") == 0) {
        s->currency = copy_string(ch->currency, arena, &ok);
    } else if (strcmp(f, "employment") == 0) {
        s->employment = copy_string(ch->employment, arena, &ok);
    } else if (strcmp(f, "tags") == 0) {
        s->tags = copy_strings(ch->tags, ch->n_tags, arena, &ok);
        s->n_tags = ok ? ch->n_tags : 0;
    } else if (strcmp(f, "consent") == 0) {
        Folio__Consent *consent = arena_alloc(arena, sizeof(*consent));
        if (consent == NULL)
            return false;
        folio__consent__init(consent);
        if (ch->consent != NULL) {
            consent->email = ch->consent->email;
            consent->phone = ch->consent->phone;
            consent->sms = ch->consent->sms;
            consent->post = ch->consent->post;
        }
        s->consent = consent;
    } else if (strcmp(f, "notes") == 0) {
        s->notes = copy_string(ch->notes, arena, &ok);
    } else if (strcmp(f, "contact_interval_days") == 0) {
        s->contact_interval_days = ch->contact_interval_days;
    } else if (strcmp(f, "postal_code") == 0) {
        s->postal_code = copy_string(ch->postal_code, arena, &ok);
    } else if (strcmp(f, "organisation") == 0) {
        s->organisation = copy_string(ch->organisation, arena, &ok);
    } else if (strcmp(f, "title") == 0) {
        s->title = copy_string(ch->title, arena, &ok);
    } else if (strcmp(f, "phone_details") == 0) {
        ok = copy_phone_details(s, ch, arena);
    } else if (strcmp(f, "language") == 0) {
        s->language = copy_string(ch->language, arena, &ok);
    }
    return ok;
}

const char *client_apply_update(Folio__Client *stored, const Folio__Client *changes, char **fields,
                                size_t n_fields, const char *today, struct arena *arena)
{
    if (n_fields == 0)
        return "fields: name at least one field";
    /* Every name is checked before anything changes. Each may come once, so
     * the list is never longer than client_settable, whatever the request. */
    for (size_t i = 0; i < n_fields; i++) {
        if (!IN_LIST(fields[i], client_settable)) {
            const char *why = arena_printf(arena, "fields: %.64s cannot be set", fields[i]);
            return why != NULL ? why : "fields: a field given cannot be set";
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(fields[i], fields[j]) == 0) {
                const char *why = arena_printf(arena, "fields: %s named twice", fields[i]);
                return why != NULL ? why : "fields: a field named twice";
            }
        }
    }
    int64_t old_cents = stored->income_cents;
    const char *old_currency = stored->currency;
    for (size_t i = 0; i < n_fields; i++) {
        if (!apply_field(stored, changes, fields[i], arena))
            return NO_MEMORY;
    }
    if ((stored->income_cents != old_cents || strcasecmp(stored->currency, old_currency) != 0) &&
        !history_append(stored, stored->income_cents, stored->currency, today, arena))
        return NO_MEMORY;
    return NULL;
}

/* ---------------------------------------------------------------- events */

/* A lower-cased copy of an event word of at most max bytes, or NULL when
 * it is longer (or memory is short: *ok tells which). */
static char *event_word(const char *what, size_t max, struct arena *arena, bool *ok)
{
    size_t len = strnlen(what, max + 1);
    if (len > max)
        return NULL;
    char *w = arena_strndup(arena, what, len);
    if (w == NULL) {
        *ok = false;
        return NULL;
    }
    str_lower(w);
    return w;
}

/* The closed sets the server checks event words against: a typo is
 * refused with the list rather than kept as a new word. */
static const char *const client_life_words[] = {
    "married", "divorced", "widowed", "partnered", "child-born", "retired", "moved",
};
#define LIFE_WORDS_MSG                                                                             \
    "what: one of married, divorced, widowed, partnered, child-born, retired, moved"

/* The kinds agents add, and so may correct or withdraw. */
static const char *const client_agent_kinds[] = {"income", "life", "purchase", "contact", "note"};

bool client_event_correctable(const char *kind)
{
    return kind != NULL && IN_LIST(kind, client_agent_kinds);
}

/* Checks an event's values; c, when given, is the record it is added to,
 * for room (a correction never adds a child or a purchase by itself: the
 * replay checks children). */
static const char *event_check(const Folio__EventAdd *e, const char *kind, const char *what,
                               const Folio__Client *c)
{
    if (strcmp(kind, "income") == 0) {
        if (e->amount_cents <= 0 || e->amount_cents > CLIENT_AMOUNT_MAX)
            return "amount_cents: more than 0 and at most " STR(CLIENT_AMOUNT_MAX);
    } else if (strcmp(kind, "life") == 0) {
        if (what == NULL || !IN_LIST(what, client_life_words))
            return LIFE_WORDS_MSG;
        if (c != NULL && strcmp(what, "child-born") == 0 && c->children >= CLIENT_CHILDREN_MAX)
            return "children: at most " STR(CLIENT_CHILDREN_MAX);
    } else if (strcmp(kind, "purchase") == 0) {
        const char *why = validate_field(what, CLIENT_TEXT_MAX, true, &purchase_what_msgs);
        if (why != NULL)
            return what == NULL ? purchase_what_msgs.too_long : why;
        if (c != NULL && c->n_purchases >= CLIENT_PURCHASES_MAX)
            return "purchases: at most " STR(CLIENT_PURCHASES_MAX);
    } else if (strcmp(kind, "contact") == 0) {
        if (what == NULL || !IN_LIST(what, client_contacts))
            return "what: one of call, visit, email, message, sms";
        if (e->follow_up[0] != '\0' && calendar_parse_date(e->follow_up, NULL, NULL, NULL) != 0)
            return "follow_up: not a real date";
    } else if (strcmp(kind, "note") == 0) {
        if (e->note[0] == '\0')
            return "note: required";
    } else {
        return "kind: one of income, life, purchase, contact, note";
    }
    if (strcmp(kind, "contact") != 0 && e->follow_up[0] != '\0')
        return "follow_up: only for contact events";
    return note_field(e->note, CLIENT_NOTES_MAX, false, &event_note_msgs);
}

/* Whether a typed event's field is new: in a new event (was NULL), or
 * changed by a correction. Old entries keep what they said. */
static bool event_typed(const char *now, const char *was_value)
{
    return was_value == NULL || strcmp(now, was_value) != 0;
}

const char *client_event_validate_typed(const Folio__TimelineEvent *ev,
                                        const Folio__TimelineEvent *was,
                                        const struct client_rules *rules)
{
    if (strcmp(ev->kind, "note") != 0 && event_typed(ev->date, was != NULL ? was->date : NULL)) {
        int64_t day, now;
        if (calendar_parse(ev->date, &day) != 0 || calendar_parse(rules->today, &now) != 0)
            return "date: not a real date";
        if (day > now + CLIENT_EVENT_AHEAD_DAYS)
            return "date: more than " STR(
                CLIENT_EVENT_AHEAD_DAYS) " days ahead; an event that "
                                         "happened has a date up to today (a follow_up may lie "
                                         "further ahead)";
    }
    if (ev->currency[0] != '\0' && event_typed(ev->currency, was != NULL ? was->currency : NULL) &&
        !iso_codes_currency(rules->iso, ev->currency))
        return "currency: not an ISO 4217 currency code (three letters, such as PEN or EUR)";
    return NULL;
}

static bool marital_word(const char *what, Folio__MaritalStatus *status)
{
    return strcmp(what, "single") != 0 && client_marital_parse(what, status) == 0;
}

/* Adds a child born in the year of date. */
static bool child_add(Folio__Client *c, const char *date, struct arena *arena)
{
    uint32_t *years = arena_calloc(arena, c->n_children_birth_years + 1, sizeof(*years));
    if (years == NULL)
        return false;
    if (c->n_children_birth_years > 0)
        memcpy(years, c->children_birth_years, c->n_children_birth_years * sizeof(*years));
    int y = 0;
    calendar_parse_date(date, &y, NULL, NULL);
    years[c->n_children_birth_years] = (uint32_t)y;
    c->children_birth_years = years;
    c->n_children_birth_years++;
    c->children++;
    return true;
}

static bool purchase_append(Folio__Client *c, const Folio__TimelineEvent *ev, struct arena *arena)
{
    Folio__Purchase *p = arena_alloc(arena, sizeof(*p));
    Folio__Purchase **list = arena_calloc(arena, c->n_purchases + 1, sizeof(*list));
    char *kind = arena_strdup(arena, ev->what);
    char *d = arena_strdup(arena, ev->date);
    char *note = arena_strdup(arena, ev->note);
    if (p == NULL || list == NULL || kind == NULL || d == NULL || note == NULL)
        return false;
    folio__purchase__init(p);
    p->kind = kind;
    p->date = d;
    p->note = note;
    p->seq = ev->seq;
    if (c->n_purchases > 0)
        memcpy(list, c->purchases, c->n_purchases * sizeof(*list));
    list[c->n_purchases] = p;
    c->purchases = list;
    c->n_purchases++;
    return true;
}

/* One event's share of the record: the single step both adding an event
 * and replaying a timeline take. in_lists: its income or purchase entry is
 * already in the record's lists (a replay keeps those in place). */
static const char *event_step(Folio__Client *c, const Folio__TimelineEvent *ev, bool in_lists,
                              struct arena *arena)
{
    if (strcmp(ev->kind, "income") == 0 && !in_lists) {
        if (!history_append(c, ev->amount_cents, ev->currency, ev->date, arena))
            return NO_MEMORY;
        c->income_history[c->n_income_history - 1]->seq = ev->seq;
        c->income_cents = ev->amount_cents;
        c->currency = c->income_history[c->n_income_history - 1]->currency;
    } else if (strcmp(ev->kind, "life") == 0) {
        Folio__MaritalStatus status;
        if (strcmp(ev->what, "child-born") == 0) {
            if (c->children >= CLIENT_CHILDREN_MAX)
                return "children: at most " STR(CLIENT_CHILDREN_MAX);
            if (!child_add(c, ev->date, arena))
                return NO_MEMORY;
        } else if (marital_word(ev->what, &status)) {
            c->marital_status = status;
        }
    } else if (strcmp(ev->kind, "purchase") == 0 && !in_lists) {
        if (c->n_purchases >= CLIENT_PURCHASES_MAX)
            return "purchases: at most " STR(CLIENT_PURCHASES_MAX);
        if (!purchase_append(c, ev, arena))
            return NO_MEMORY;
    } else if (strcmp(ev->kind, "contact") == 0) {
        /* YYYY-MM-DD strings order as their dates do. */
        if (strcmp(ev->date, c->last_contact) > 0)
            c->last_contact = ev->date;
    }
    return NULL;
}

/* What rules see in an event, worked out before the event changes the
 * record (income compares with the amount before it). Empty when nothing
 * fires; NULL when out of memory. */
static char *event_trigger(const Folio__Client *c, const char *kind, const char *what,
                           int64_t cents, const char *currency, struct arena *arena)
{
    if (strcmp(kind, "purchase") == 0 || strcmp(kind, "life") == 0)
        return arena_printf(arena, "%s:%s", kind, what);
    if (strcmp(kind, "income") != 0 || c->n_income_history == 0)
        return (char *)protobuf_c_empty_string;
    const Folio__IncomeChange *prev = c->income_history[c->n_income_history - 1];
    if (strcasecmp(prev->currency, currency) != 0 || prev->amount_cents == cents)
        return (char *)protobuf_c_empty_string;
    return (char *)(prev->amount_cents < cents ? "income:up" : "income:down");
}

/* Checks an event's words, dates and currency (defaulting to fallback) and
 * fills ev's kind, what, date, note, amount, currency and follow_up, all
 * copied into arena. c: the record for room checks, or NULL. */
static const char *event_fill(const Folio__EventAdd *event, const char *date,
                              const char *fallback_currency, const Folio__Client *c,
                              Folio__TimelineEvent *ev, struct arena *arena)
{
    bool ok = true;
    char *kind = event_word(event->kind, 16, arena, &ok);
    if (!ok)
        return NO_MEMORY;
    if (kind == NULL)
        return "kind: one of income, life, purchase, contact, note";
    bool income = strcmp(kind, "income") == 0;
    bool note = strcmp(kind, "note") == 0;
    size_t what_max = strcmp(kind, "life") == 0 ? CLIENT_LIFE_MAX : CLIENT_TEXT_MAX;
    char *what = income || note ? (char *)protobuf_c_empty_string
                                : event_word(event->what, what_max, arena, &ok);
    if (!ok)
        return NO_MEMORY;
    if (strcmp(kind, "life") == 0 && what == NULL)
        return LIFE_WORDS_MSG;
    const char *why = event_check(event, kind, what, c);
    if (why != NULL)
        return why;
    if (calendar_parse_date(date, NULL, NULL, NULL) != 0)
        return "date: not a real date";
    if (event->follow_up[0] != '\0' && strcmp(event->follow_up, date) < 0)
        return "follow_up: before the event date";
    char *currency = (char *)protobuf_c_empty_string;
    if (income) {
        currency = copy_string(event->currency[0] != '\0' ? event->currency : fallback_currency,
                               arena, &ok);
        if (!ok)
            return NO_MEMORY;
        if (!code_ok(currency, 3))
            return "currency: three letters (ISO 4217)";
    }
    ev->kind = kind;
    ev->what = what;
    ev->date = copy_string(date, arena, &ok);
    ev->note = copy_string(event->note, arena, &ok);
    ev->follow_up = copy_string(event->follow_up, arena, &ok);
    ev->amount_cents = income ? event->amount_cents : 0;
    ev->currency = currency;
    return ok ? NULL : NO_MEMORY;
}

const char *client_apply_event(Folio__Client *client, const Folio__EventAdd *event,
                               const char *date, Folio__TimelineEvent *ev, struct arena *arena)
{
    const char *why = event_fill(event, date, client->currency, client, ev, arena);
    if (why != NULL)
        return why;
    ev->trigger = event_trigger(client, ev->kind, ev->what, ev->amount_cents, ev->currency, arena);
    if (ev->trigger == NULL)
        return NO_MEMORY;
    return event_step(client, ev, false, arena);
}

/* ---------------------------------------------------------------- corrections */

static const char *const client_edit_fields[] = {"date",     "note", "amount_cents",
                                                 "currency", "what", "follow_up"};

/* Whether fields names name, after checking each is known and named once. */
static bool edit_names(char **fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(fields[i], name) == 0)
            return true;
    }
    return false;
}

const char *client_event_edit(const Folio__TimelineEvent *old, const Folio__EventEdit *edit,
                              Folio__TimelineEvent *ev, struct arena *arena)
{
    if (!client_event_correctable(old->kind))
        return "seq: a server's own entry (created, updated, offer...) cannot be corrected";
    if (edit->n_fields == 0)
        return "fields: name at least one field to change";
    for (size_t i = 0; i < edit->n_fields; i++) {
        if (!IN_LIST(edit->fields[i], client_edit_fields))
            return "fields: one or more of date, note, amount_cents, currency, what, follow_up";
        for (size_t j = 0; j < i; j++) {
            if (strcmp(edit->fields[i], edit->fields[j]) == 0)
                return "fields: a field named twice";
        }
    }
    bool income = strcmp(old->kind, "income") == 0;
    if (!income && (edit_names(edit->fields, edit->n_fields, "amount_cents") ||
                    edit_names(edit->fields, edit->n_fields, "currency")))
        return "fields: amount_cents and currency belong to income events";
    if ((income || strcmp(old->kind, "note") == 0) &&
        edit_names(edit->fields, edit->n_fields, "what"))
        return "fields: what belongs to life, purchase and contact events";
    /* The corrected event goes through the checks of a new one. */
    Folio__EventAdd e = FOLIO__EVENT_ADD__INIT;
#define PICK(f) (edit_names(edit->fields, edit->n_fields, #f) ? edit->f : old->f)
    e.kind = old->kind;
    e.what = PICK(what);
    e.note = PICK(note);
    e.amount_cents = PICK(amount_cents);
    e.currency = PICK(currency);
    e.follow_up = PICK(follow_up);
    const char *date = PICK(date);
#undef PICK
    *ev = *old;
    const char *why = event_fill(&e, date, old->currency, NULL, ev, arena);
    if (why != NULL)
        return why;
    ev->seq = old->seq;
    return NULL;
}

char *client_event_trigger_of(const Folio__Client *c, const Folio__TimelineEvent *ev,
                              struct arena *arena)
{
    if (strcmp(ev->kind, "income") != 0)
        return event_trigger(c, ev->kind, ev->what, 0, "", arena);
    /* Income compares with the entry before its own. */
    for (size_t i = 1; i < c->n_income_history; i++) {
        if (c->income_history[i]->seq == ev->seq) {
            Folio__Client before = *c;
            before.n_income_history = i;
            return event_trigger(&before, ev->kind, ev->what, ev->amount_cents, ev->currency,
                                 arena);
        }
    }
    return (char *)protobuf_c_empty_string;
}

/* Appends "name: old -> new" to the audit detail, values cut short. */
static bool diff_add(char **out, const char *name, const char *was, const char *now,
                     struct arena *arena)
{
    if (strcmp(was, now) == 0)
        return true;
    char *d = arena_printf(arena, "%s%s%s: %.*s -> %.*s", *out, (*out)[0] ? "; " : "", name,
                           CLIENT_DIFF_VALUE_MAX, was, CLIENT_DIFF_VALUE_MAX, now);
    if (d == NULL)
        return false;
    *out = d;
    return true;
}

char *client_event_diff(const Folio__TimelineEvent *was, const Folio__TimelineEvent *now,
                        struct arena *arena)
{
    char *out = (char *)protobuf_c_empty_string;
    char a[24], b[24];
    snprintf(a, sizeof(a), "%lld", (long long)was->amount_cents);
    snprintf(b, sizeof(b), "%lld", (long long)now->amount_cents);
    if (!diff_add(&out, "date", was->date, now->date, arena) ||
        !diff_add(&out, "what", was->what, now->what, arena) ||
        !diff_add(&out, "amount_cents", a, b, arena) ||
        !diff_add(&out, "currency", was->currency, now->currency, arena) ||
        !diff_add(&out, "follow_up", was->follow_up, now->follow_up, arena) ||
        !diff_add(&out, "note", was->note, now->note, arena))
        return NULL;
    return out;
}

/* ---------------------------------------------------------------- replay */

/* Whether an entry of the timeline sets the marital status: a life event
 * that names one, or a person typing it (created, updated naming it). */
enum marital_setter { SETS_NOTHING, SETS_BY_EVENT, SETS_BY_TYPING };

static enum marital_setter marital_setter(const Folio__TimelineEvent *ev)
{
    Folio__MaritalStatus status;
    if (strcmp(ev->kind, "life") == 0)
        return marital_word(ev->what, &status) ? SETS_BY_EVENT : SETS_NOTHING;
    if (strcmp(ev->kind, "created") == 0)
        return SETS_BY_TYPING;
    if (strcmp(ev->kind, "updated") != 0)
        return SETS_NOTHING;
    /* what: the field names, joined by commas. */
    const char *name = "marital_status";
    size_t len = strlen(name);
    for (const char *p = ev->what; (p = strstr(p, name)) != NULL; p += len) {
        if ((p == ev->what || p[-1] == ',') && (p[len] == '\0' || p[len] == ','))
            return SETS_BY_TYPING;
    }
    return SETS_NOTHING;
}

static const Folio__TimelineEvent *timeline_find(Folio__TimelineEvent *const *events, size_t n,
                                                 uint64_t seq)
{
    /* Timelines are in seq order: a binary search. */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (events[mid]->seq == seq)
            return events[mid];
        if (events[mid]->seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool is_birth(const Folio__TimelineEvent *ev)
{
    return strcmp(ev->kind, "life") == 0 && strcmp(ev->what, "child-born") == 0;
}

/* Takes back the children the old timeline's births added, and their years
 * (the last matching year for each). */
static void births_strip(Folio__Client *c, Folio__TimelineEvent *const *was, size_t n_was)
{
    for (size_t i = 0; i < n_was; i++) {
        if (!is_birth(was[i]))
            continue;
        if (c->children > 0)
            c->children--;
        int y = 0;
        calendar_parse_date(was[i]->date, &y, NULL, NULL);
        for (size_t j = c->n_children_birth_years; j-- > 0;) {
            if (c->children_birth_years[j] == (uint32_t)y) {
                memmove(c->children_birth_years + j, c->children_birth_years + j + 1,
                        (c->n_children_birth_years - j - 1) * sizeof(uint32_t));
                c->n_children_birth_years--;
                break;
            }
        }
    }
}

/* Income entries an old event made: corrected in place from the new
 * timeline, or dropped when it is withdrawn. Returns false on no memory. */
static bool history_rebuild(Folio__Client *c, Folio__TimelineEvent *const *now, size_t n_now,
                            bool *dropped, struct arena *arena)
{
    Folio__IncomeChange **list = arena_calloc(arena, c->n_income_history + 1, sizeof(*list));
    if (list == NULL)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < c->n_income_history; i++) {
        Folio__IncomeChange *h = c->income_history[i];
        const Folio__TimelineEvent *ev = h->seq != 0 ? timeline_find(now, n_now, h->seq) : NULL;
        if (h->seq != 0 && (ev == NULL || strcmp(ev->kind, "income") != 0)) {
            *dropped = true;
            continue;
        }
        if (ev != NULL) {
            Folio__IncomeChange *copy = arena_alloc(arena, sizeof(*copy));
            if (copy == NULL)
                return false;
            folio__income_change__init(copy);
            copy->amount_cents = ev->amount_cents;
            copy->currency = ev->currency;
            copy->date = ev->date;
            copy->seq = ev->seq;
            h = copy;
        }
        list[n++] = h;
    }
    c->income_history = list;
    c->n_income_history = n;
    return true;
}

/* The same for purchases. */
static bool purchases_rebuild(Folio__Client *c, Folio__TimelineEvent *const *now, size_t n_now,
                              struct arena *arena)
{
    Folio__Purchase **list = arena_calloc(arena, c->n_purchases + 1, sizeof(*list));
    if (list == NULL)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < c->n_purchases; i++) {
        Folio__Purchase *p = c->purchases[i];
        const Folio__TimelineEvent *ev = p->seq != 0 ? timeline_find(now, n_now, p->seq) : NULL;
        if (p->seq != 0 && (ev == NULL || strcmp(ev->kind, "purchase") != 0))
            continue;
        if (ev != NULL) {
            Folio__Purchase *copy = arena_alloc(arena, sizeof(*copy));
            if (copy == NULL)
                return false;
            folio__purchase__init(copy);
            copy->kind = ev->what;
            copy->date = ev->date;
            copy->note = ev->note;
            copy->seq = ev->seq;
            p = copy;
        }
        list[n++] = p;
    }
    c->purchases = list;
    c->n_purchases = n;
    return true;
}

/* The last marital setter of a timeline. */
static enum marital_setter marital_last(Folio__TimelineEvent *const *events, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        enum marital_setter s = marital_setter(events[i]);
        if (s != SETS_NOTHING)
            return s;
    }
    return SETS_NOTHING;
}

const char *client_timeline_replay(Folio__Client *c, Folio__TimelineEvent *const *was, size_t n_was,
                                   Folio__TimelineEvent *const *now, size_t n_now,
                                   struct arena *arena)
{
    /* A record that agrees with was shows what was last typed unless a
     * life event came after it: then the typed value is the one kept. */
    if (marital_last(was, n_was) != SETS_BY_EVENT)
        c->marital_status_typed = c->marital_status;
    births_strip(c, was, n_was);
    bool dropped = false;
    if (!history_rebuild(c, now, n_now, &dropped, arena) ||
        !purchases_rebuild(c, now, n_now, arena))
        return NO_MEMORY;
    c->marital_status = c->marital_status_typed;
    c->last_contact = (char *)protobuf_c_empty_string;
    for (size_t i = 0; i < n_now; i++) {
        const Folio__TimelineEvent *ev = now[i];
        if (marital_setter(ev) == SETS_BY_TYPING)
            c->marital_status = c->marital_status_typed;
        /* An old event's entries stay where they are (or were cut by the
         * history's bound); a new one's are appended. */
        const char *why = event_step(c, ev, timeline_find(was, n_was, ev->seq) != NULL, arena);
        if (why != NULL)
            return why;
    }
    if (c->n_income_history > 0) {
        c->income_cents = c->income_history[c->n_income_history - 1]->amount_cents;
        c->currency = c->income_history[c->n_income_history - 1]->currency;
    } else if (dropped) {
        c->income_cents = 0;
        c->currency = (char *)protobuf_c_empty_string;
    }
    return NULL;
}

/* ---------------------------------------------------------------- households */

static const struct {
    const char *relation, *inverse;
} client_relations[] = {
    {"spouse", "spouse"}, {"partner", "partner"}, {"child", "parent"},
    {"parent", "child"},  {"sibling", "sibling"}, {"other", "other"},
};

const char *client_relation_inverse(const char *relation)
{
    for (size_t i = 0; i < ARRAY_SIZE(client_relations); i++)
        if (strcmp(relation, client_relations[i].relation) == 0)
            return client_relations[i].inverse;
    return NULL;
}

int client_household_find(const Folio__Client *c, const char *other_id)
{
    for (size_t i = 0; i < c->n_household; i++)
        if (strcmp(c->household[i]->client_id, other_id) == 0)
            return (int)i;
    return -1;
}

const char *client_household_set(Folio__Client *c, const char *other_id, const char *relation,
                                 struct arena *arena)
{
    bool ok = true;
    char *rel = copy_string(relation, arena, &ok);
    int at = client_household_find(c, other_id);
    if (at >= 0) {
        c->household[at]->relation = rel;
        return ok ? NULL : NO_MEMORY;
    }
    if (c->n_household >= CLIENT_HOUSEHOLD_MAX)
        return "household: at most " STR(CLIENT_HOUSEHOLD_MAX) " links; unlink one first";
    Folio__HouseholdLink **all = arena_calloc(arena, c->n_household + 1, sizeof(*all));
    Folio__HouseholdLink *link = arena_calloc(arena, 1, sizeof(*link));
    if (all == NULL || link == NULL || !ok)
        return NO_MEMORY;
    folio__household_link__init(link);
    link->client_id = copy_string(other_id, arena, &ok);
    link->relation = rel;
    if (c->n_household > 0)
        memcpy(all, c->household, c->n_household * sizeof(*all));
    all[c->n_household] = link;
    c->household = all;
    c->n_household++;
    return ok ? NULL : NO_MEMORY;
}

bool client_household_remove(Folio__Client *c, const char *other_id)
{
    int at = client_household_find(c, other_id);
    if (at < 0)
        return false;
    memmove(c->household + at, c->household + at + 1,
            (c->n_household - (size_t)at - 1) * sizeof(*c->household));
    c->n_household--;
    return true;
}

void client_household_event(Folio__TimelineEvent *ev, int64_t now, const char *actor,
                            const char *note, const char *today)
{
    folio__timeline_event__init(ev);
    ev->time = now;
    ev->actor = (char *)actor;
    ev->kind = (char *)"updated";
    ev->what = (char *)"household";
    ev->date = (char *)today;
    ev->note = (char *)note;
}

char *client_note_add(struct arena *arena, char *note, const char *part, size_t *left_out)
{
    /* Room is kept for client_note_close's ending. */
    size_t used = note != NULL ? strlen(note) + 2 : 0;
    if (used + strlen(part) > CLIENT_NOTES_MAX - 32) {
        (*left_out)++;
        return note != NULL ? note : arena_printf(arena, "%s", "");
    }
    return arena_printf(arena, "%s%s%s", note != NULL ? note : "", note != NULL ? "; " : "", part);
}

char *client_note_close(struct arena *arena, char *note, size_t left_out)
{
    if (note == NULL || left_out == 0)
        return note;
    return arena_printf(arena, "%s%sand %zu more", note, note[0] != '\0' ? "; " : "", left_out);
}

/* ---------------------------------------------------------------- merge */

/* keep's list with other's values it lacks appended (same: how two values
 * compare). Over max, a sentence naming the field. */
static const char *merge_list(char ***list, size_t *n, char *const *other, size_t n_other,
                              size_t max, const char *field,
                              int (*same)(const char *, const char *), struct arena *arena)
{
    char **out = arena_calloc(arena, *n + n_other + 1, sizeof(*out));
    if (out == NULL)
        return NO_MEMORY;
    if (*n > 0)
        memcpy(out, *list, *n * sizeof(*out));
    size_t count = *n;
    for (size_t i = 0; i < n_other; i++) {
        bool found = false;
        for (size_t k = 0; k < count && !found; k++)
            found = same(out[k], other[i]) == 0;
        if (!found)
            out[count++] = other[i];
    }
    if (count > max)
        return arena_printf(arena,
                            "%s: the two clients hold %zu between them, more than %zu; remove "
                            "some from one of them first",
                            field, count, max);
    *list = out;
    *n = count;
    return NULL;
}

/* A string field of keep left empty takes other's. */
#define MERGE_FILL(keep, other, field)                                                             \
    do {                                                                                           \
        if ((keep)->field[0] == '\0')                                                              \
            (keep)->field = (other)->field;                                                        \
    } while (0)

static bool consent_any(const Folio__Consent *c)
{
    return c != NULL && (c->email || c->phone || c->sms || c->post);
}

const char *client_merge_fill(Folio__Client *keep, const Folio__Client *other, struct arena *arena)
{
    const char *why = merge_list(&keep->phones, &keep->n_phones, other->phones, other->n_phones,
                                 CLIENT_PHONES_MAX, "phones", strcmp, arena);
    if (why == NULL)
        why = merge_list(&keep->emails, &keep->n_emails, other->emails, other->n_emails,
                         CLIENT_EMAILS_MAX, "emails", strcasecmp, arena);
    if (why == NULL)
        why = merge_list(&keep->tags, &keep->n_tags, other->tags, other->n_tags, CLIENT_TAGS_MAX,
                         "tags", strcasecmp, arena);
    if (why != NULL)
        return why;
    MERGE_FILL(keep, other, birth_date);
    MERGE_FILL(keep, other, preferred_channel);
    MERGE_FILL(keep, other, employment);
    MERGE_FILL(keep, other, organisation);
    MERGE_FILL(keep, other, title);
    MERGE_FILL(keep, other, notes);
    MERGE_FILL(keep, other, language);
    /* An address is one thing: half of one and half of another is nobody's. */
    if (keep->street[0] == '\0' && keep->city[0] == '\0' && keep->region[0] == '\0' &&
        keep->country[0] == '\0' && keep->postal_code[0] == '\0') {
        keep->street = other->street;
        keep->city = other->city;
        keep->region = other->region;
        keep->country = other->country;
        keep->postal_code = other->postal_code;
    }
    /* The details of other's phones come along with them, unless keep says
     * something of the same number. */
    if (other->n_phone_details > 0) {
        Folio__PhoneDetail **all =
            arena_calloc(arena, keep->n_phone_details + other->n_phone_details, sizeof(*all));
        if (all == NULL)
            return NO_MEMORY;
        size_t n = keep->n_phone_details;
        if (n > 0)
            memcpy(all, keep->phone_details, n * sizeof(*all));
        for (size_t i = 0; i < other->n_phone_details; i++) {
            bool known = false;
            for (size_t k = 0; k < n && !known; k++)
                known = strcmp(all[k]->number, other->phone_details[i]->number) == 0;
            if (!known)
                all[n++] = other->phone_details[i];
        }
        keep->phone_details = all;
        keep->n_phone_details = n;
    }
    if (keep->marital_status_typed == FOLIO__MARITAL_STATUS__MARITAL_UNSPECIFIED)
        keep->marital_status = keep->marital_status_typed = other->marital_status_typed;
    if (keep->children == 0 && keep->n_children_birth_years == 0) {
        keep->children = other->children;
        keep->children_birth_years = other->children_birth_years;
        keep->n_children_birth_years = other->n_children_birth_years;
    }
    if (keep->contact_interval_days == 0)
        keep->contact_interval_days = other->contact_interval_days;
    if (!consent_any(keep->consent) && consent_any(other->consent))
        keep->consent = other->consent;
    if (keep->n_income_history == 0 && keep->income_cents == 0 && keep->currency[0] == '\0') {
        keep->income_history = other->income_history;
        keep->n_income_history = other->n_income_history;
        keep->income_cents = other->income_cents;
        keep->currency = other->currency;
    }
    if (other->n_purchases > 0) {
        size_t n = keep->n_purchases + other->n_purchases;
        if (n > CLIENT_PURCHASES_MAX)
            return "purchases: the two clients hold more than " STR(
                CLIENT_PURCHASES_MAX) " between them";
        Folio__Purchase **all = arena_calloc(arena, n, sizeof(*all));
        if (all == NULL)
            return NO_MEMORY;
        if (keep->n_purchases > 0)
            memcpy(all, keep->purchases, keep->n_purchases * sizeof(*all));
        memcpy(all + keep->n_purchases, other->purchases, other->n_purchases * sizeof(*all));
        keep->purchases = all;
        keep->n_purchases = n;
    }
    if (other->created_at != 0 && other->created_at < keep->created_at)
        keep->created_at = other->created_at;
    return NULL;
}

/* ---------------------------------------------------------------- stored events */

/* Every kind a timeline holds: the ones agents add, and the ones the server
 * writes itself (op_client.c, op_client_import.c, op_offer.c, op_coupon.c,
 * op_reassign.c, op_transfer.c, op_holding.c). A new kind written anywhere
 * goes here too. */
static const char *const client_event_kinds[] = {
    "income",  "life",  "purchase", "contact",    "note",        "created",
    "updated", "offer", "coupon",   "reassigned", "transferred", "holding",
};
static const struct validate_msgs event_what_msgs = TEXT_MSGS("what", CLIENT_NOTES_MAX);
static const struct validate_msgs event_trigger_msgs = TEXT_MSGS("trigger", CLIENT_TEXT_MAX);
static const struct validate_msgs event_corrected_by_msgs =
    TEXT_MSGS("corrected_by", CLIENT_NAME_MAX);

const char *client_event_validate(Folio__TimelineEvent *ev)
{
    if (ev->kind == NULL || !IN_LIST(ev->kind, client_event_kinds))
        return "kind: not a kind of timeline event";
    const char *why = validate_field(ev->what, CLIENT_NOTES_MAX, false, &event_what_msgs);
    if (why == NULL)
        why = note_field(ev->note, CLIENT_NOTES_MAX, false, &event_note_msgs);
    if (why == NULL)
        why = validate_field(ev->trigger, CLIENT_TEXT_MAX, false, &event_trigger_msgs);
    if (why != NULL)
        return why;
    if (calendar_parse_date(ev->date, NULL, NULL, NULL) != 0)
        return "date: not a real date";
    if (ev->follow_up[0] != '\0') {
        if (strcmp(ev->kind, "contact") != 0)
            return "follow_up: only for contact events";
        if (calendar_parse_date(ev->follow_up, NULL, NULL, NULL) != 0)
            return "follow_up: not a real date";
        if (strcmp(ev->follow_up, ev->date) < 0)
            return "follow_up: before the event date";
    }
    if (ev->amount_cents < 0 || ev->amount_cents > CLIENT_AMOUNT_MAX)
        return "amount_cents: 0 to " STR(CLIENT_AMOUNT_MAX) " cents";
    if (ev->corrected_at < 0)
        return "corrected_at: not a time";
    why = validate_field(ev->corrected_by, CLIENT_NAME_MAX, false, &event_corrected_by_msgs);
    if (why != NULL)
        return why;
    if (!code_ok(ev->currency, 3))
        return "currency: three letters (ISO 4217)";
    return NULL;
}

const char *client_income_trend(const Folio__Client *client)
{
    size_t n = client->n_income_history;
    if (n < 2)
        return "flat";
    int64_t last = client->income_history[n - 1]->amount_cents;
    int64_t prev = client->income_history[n - 2]->amount_cents;
    return last > prev ? "up" : last < prev ? "down" : "flat";
}

bool client_channel_known(const char *channel)
{
    return IN_LIST(channel, client_channels);
}

const char *client_marital_name(Folio__MaritalStatus status)
{
    if (status >= FOLIO__MARITAL_STATUS__MARITAL_SINGLE &&
        status <= FOLIO__MARITAL_STATUS__MARITAL_WIDOWED)
        return client_marital_names[status - FOLIO__MARITAL_STATUS__MARITAL_SINGLE];
    return "unknown";
}

int client_marital_parse(const char *name, Folio__MaritalStatus *status)
{
    for (size_t i = 0; i < ARRAY_SIZE(client_marital_names); i++) {
        if (strcmp(name, client_marital_names[i]) == 0) {
            *status = (Folio__MaritalStatus)(FOLIO__MARITAL_STATUS__MARITAL_SINGLE + (int)i);
            return 0;
        }
    }
    return -1;
}
