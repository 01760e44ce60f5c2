/* test_client_record.c - client records as pure functions: ids, dates and
 * ages, validation, updates, events, income trend and segment filters. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "client_record.h"
#include "iso_codes.h"
#include "segment.h"

static struct arena ar;

static void setup(void)
{
    arena_init(&ar, 0);
}

static void teardown(void)
{
    arena_free(&ar);
}

TestSuite(client_record, .init = setup, .fini = teardown);

static char *S(const char *s)
{
    char *copy = arena_strdup(&ar, s);
    cr_assert_not_null(copy);
    return copy;
}

static char **strings(size_t n, const char *const *src)
{
    char **out = arena_calloc(&ar, n, sizeof(*out));
    for (size_t i = 0; i < n; i++)
        out[i] = S(src[i]);
    return out;
}

static Folio__IncomeChange *income_change(int64_t cents, const char *currency, const char *date)
{
    Folio__IncomeChange *h = arena_alloc(&ar, sizeof(*h));
    folio__income_change__init(h);
    h->amount_cents = cents;
    h->currency = S(currency);
    h->date = S(date);
    return h;
}

static void history(Folio__Client *c, size_t n, const int64_t *amounts)
{
    c->income_history = arena_calloc(&ar, n, sizeof(*c->income_history));
    for (size_t i = 0; i < n; i++)
        c->income_history[i] = income_change(amounts[i], "PEN", "2020-01-01");
    c->n_income_history = n;
    if (n > 0)
        c->income_cents = amounts[n - 1];
}

/* A record with every field set, valid as stored. */
static Folio__Client *full_client(void)
{
    static const char *const phones[] = {"+51 (1) 555-0100", "999 888 777"};
    static const char *const emails[] = {"ana@example.com"};
    static const char *const tags[] = {"vip", "golf_club"};
    Folio__Client *c = arena_alloc(&ar, sizeof(*c));
    folio__client__init(c);
    c->id = S("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
    c->owner_id = 7;
    c->owner = S("agent7");
    c->name = S("Ana María Pérez");
    c->birth_date = S("1980-05-17");
    c->phones = strings(2, phones);
    c->n_phones = 2;
    c->emails = strings(1, emails);
    c->n_emails = 1;
    c->preferred_channel = S("email");
    c->street = S("Av. Larco 123");
    c->city = S("Lima");
    c->region = S("Lima");
    c->country = S("PE");
    c->marital_status = FOLIO__MARITAL_STATUS__MARITAL_MARRIED;
    c->children = 2;
    c->children_birth_years = arena_calloc(&ar, 2, sizeof(uint32_t));
    c->children_birth_years[0] = 2008;
    c->children_birth_years[1] = 2011;
    c->n_children_birth_years = 2;
    c->currency = S("PEN");
    static const int64_t amounts[] = {4000000, 5200050};
    history(c, 2, amounts);
    c->employment = S("engineer");
    c->purchases = arena_calloc(&ar, 1, sizeof(*c->purchases));
    c->purchases[0] = arena_alloc(&ar, sizeof(Folio__Purchase));
    folio__purchase__init(c->purchases[0]);
    c->purchases[0]->kind = S("vehicle");
    c->purchases[0]->date = S("2021-03-04");
    c->purchases[0]->note = S("SUV\nblue");
    c->n_purchases = 1;
    c->tags = strings(2, tags);
    c->n_tags = 2;
    c->consent = arena_alloc(&ar, sizeof(Folio__Consent));
    folio__consent__init(c->consent);
    c->consent->email = 1;
    c->consent->sms = 1;
    c->notes = S("likes golf\n\tcall after 6");
    c->created_at = 1700000000;
    c->updated_at = 1700000100;
    c->version = 3;
    c->income_trend = S("up");
    return c;
}

/* ---------------------------------------------------------------- round trip */

Test(client_record, pack_unpack_round_trip)
{
    Folio__Client *c = full_client();
    size_t size = folio__client__get_packed_size(c);
    uint8_t *buf = arena_alloc(&ar, size);
    cr_assert_eq(folio__client__pack(c, buf), size);
    Folio__Client *u = folio__client__unpack(&ar.allocator, size, buf);
    cr_assert_not_null(u);
    cr_assert_str_eq(u->id, c->id);
    cr_assert_eq(u->owner_id, 7);
    cr_assert_str_eq(u->owner, "agent7");
    cr_assert_str_eq(u->name, "Ana María Pérez");
    cr_assert_str_eq(u->birth_date, "1980-05-17");
    cr_assert_eq(u->n_phones, 2);
    cr_assert_str_eq(u->phones[1], "999 888 777");
    cr_assert_eq(u->n_emails, 1);
    cr_assert_str_eq(u->emails[0], "ana@example.com");
    cr_assert_str_eq(u->preferred_channel, "email");
    cr_assert_str_eq(u->street, "Av. Larco 123");
    cr_assert_str_eq(u->city, "Lima");
    cr_assert_str_eq(u->region, "Lima");
    cr_assert_str_eq(u->country, "PE");
    cr_assert_eq(u->marital_status, FOLIO__MARITAL_STATUS__MARITAL_MARRIED);
    cr_assert_eq(u->children, 2);
    cr_assert_eq(u->n_children_birth_years, 2);
    cr_assert_eq(u->children_birth_years[1], 2011);
    cr_assert_eq(u->income_cents, 5200050);
    cr_assert_str_eq(u->currency, "PEN");
    cr_assert_str_eq(u->employment, "engineer");
    cr_assert_eq(u->n_income_history, 2);
    cr_assert_eq(u->income_history[0]->amount_cents, 4000000);
    cr_assert_str_eq(u->income_history[0]->currency, "PEN");
    cr_assert_str_eq(u->income_history[0]->date, "2020-01-01");
    cr_assert_eq(u->n_purchases, 1);
    cr_assert_str_eq(u->purchases[0]->kind, "vehicle");
    cr_assert_str_eq(u->purchases[0]->date, "2021-03-04");
    cr_assert_str_eq(u->purchases[0]->note, "SUV\nblue");
    cr_assert_eq(u->n_tags, 2);
    cr_assert_str_eq(u->tags[1], "golf_club");
    cr_assert_not_null(u->consent);
    cr_assert(u->consent->email && !u->consent->phone && u->consent->sms && !u->consent->post);
    cr_assert_str_eq(u->notes, "likes golf\n\tcall after 6");
    cr_assert_eq(u->created_at, 1700000000);
    cr_assert_eq(u->updated_at, 1700000100);
    cr_assert_eq(u->version, 3);
    cr_assert_str_eq(u->income_trend, "up");
}

/* ---------------------------------------------------------------- ids */

Test(client_record, ids_are_random_v4_and_round_trip)
{
    uint8_t a[16], b[16], back[16];
    client_id_generate(a);
    client_id_generate(b);
    cr_assert_neq(memcmp(a, b, 16), 0);
    cr_assert_eq(a[6] >> 4, 4);
    cr_assert_eq(a[8] & 0xc0, 0x80);
    char text[CLIENT_ID_TEXT + 1];
    client_id_format(a, text);
    cr_assert_eq(strlen(text), CLIENT_ID_TEXT);
    cr_assert_eq(text[14], '4');
    cr_assert_eq(client_id_parse(text, back), 0);
    cr_assert_arr_eq(a, back, 16);
    for (size_t i = 0; i < CLIENT_ID_TEXT; i++)
        cr_assert(text[i] == '-' || (text[i] >= '0' && text[i] <= '9') ||
                  (text[i] >= 'a' && text[i] <= 'f'));
}

Test(client_record, id_parse_refuses_malformed)
{
    uint8_t id[16];
    cr_assert_eq(client_id_parse("0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9", id), 0);
    char text[CLIENT_ID_TEXT + 1];
    client_id_format(id, text);
    cr_assert_str_eq(text, "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
    static const char *const bad[] = {
        "",
        "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f",
        "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f90",
        "0f1e2d3c4b5a-4978-8695-a4b3c2d1e0f9-",
        "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0fg",
        "0f1e2d3c+4b5a-4978-8695-a4b3c2d1e0f9",
        "0f1e2d3c-4b5a-4978-8695-a4b3c2d1-0f9", /* a dash where a digit belongs */
        "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e-f9",
        "../../etc/passwd",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(client_id_parse(bad[i], id), -1, "%s", bad[i]);
    cr_assert_eq(client_id_parse(NULL, id), -1);
}

Test(client_record, ages)
{
    cr_assert_eq(client_age("1980-05-17", "2026-05-16"), 45);
    cr_assert_eq(client_age("1980-05-17", "2026-05-17"), 46); /* birthday today */
    cr_assert_eq(client_age("1980-05-18", "2026-05-17"), 45); /* birthday tomorrow */
    cr_assert_eq(client_age("1980-12-31", "2026-01-01"), 45);
    cr_assert_eq(client_age("2026-05-17", "2026-05-17"), 0);
    cr_assert_eq(client_age("2026-05-18", "2026-05-17"), -1);
    cr_assert_eq(client_age("2027-01-01", "2026-05-17"), -1);
    cr_assert_eq(client_age("", "2026-05-17"), -1);
    cr_assert_eq(client_age("1980-05-17", "2026-02-30"), -1);
    /* Born on 29 February: a year older on 1 March without a 29th. */
    cr_assert_eq(client_age("2000-02-29", "2023-02-28"), 22);
    cr_assert_eq(client_age("2000-02-29", "2023-03-01"), 23);
    cr_assert_eq(client_age("2000-02-29", "2024-02-28"), 23);
    cr_assert_eq(client_age("2000-02-29", "2024-02-29"), 24);
    cr_assert_eq(client_age("2000-02-29", "2024-03-01"), 24);
    cr_assert_eq(client_age("2000-02-29", "2001-02-28"), 0);
    cr_assert_eq(client_age("2000-02-29", "2001-03-01"), 1);
    cr_assert_eq(client_age("2000-02-29", "2000-03-01"), 0);
}

/* ---------------------------------------------------------------- validation */

static char *repeat(char c, size_t n)
{
    char *s = arena_alloc(&ar, n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

struct bad_case {
    const char *want;
};

static const struct bad_case bad_cases[] = {
    {"id: not a client id"},
    {"owner_id: no owner"},
    {"name: required"},
    {"name: at most 200 bytes"},
    {"name: must be printable UTF-8 text"},
    {"name: must be printable UTF-8 text"},
    {"birth_date: not a real date (YYYY-MM-DD, or --MM-DD without the year)"},
    {"phones: at most 8"},
    {"phones: only digits, spaces and + - ( )"},
    {"phones: 3 to 32 characters each"},
    {"phones: 3 to 32 characters each"},
    {"emails: at most 8"},
    {"emails: not an email address"},
    {"emails: not an email address"},
    {"emails: not an email address"},
    {"emails: at most 254 characters each"},
    {"preferred_channel: one of email, phone, sms, post"},
    {"street: at most 200 bytes"},
    {"city: must be printable UTF-8 text"},
    {"region: at most 200 bytes"},
    {"country: two letters (ISO 3166-1)"},
    {"country: two letters (ISO 3166-1)"},
    {"marital_status: not a marital status"},
    {"children: at most 30"},
    {"children_birth_years: more years than children"},
    {"children_birth_years: not a plausible year"},
    {"income_cents: 0 to 1000000000000000 cents"},
    {"income_cents: 0 to 1000000000000000 cents"},
    {"currency: three letters (ISO 4217)"},
    {"employment: at most 200 bytes"},
    {"income_history: at most 240"},
    {"income_history: not a real date"},
    {"purchases: required"},
    {"purchases: not a real date"},
    {"tags: at most 32"},
    {"tags: only a-z, 0-9, - and _"},
    {"tags: 1 to 64 characters each"},
    {"notes: at most 4000 bytes"},
    {"notes: must be printable UTF-8 text"},
};

static void break_field(size_t i, Folio__Client *c)
{
    switch (i) {
    case 0:
        c->id = S("not-a-uuid");
        break;
    case 1:
        c->owner_id = 0;
        break;
    case 2:
        c->name = S("");
        break;
    case 3:
        c->name = repeat('a', CLIENT_NAME_MAX + 1);
        break;
    case 4:
        c->name = S("Ana\x01");
        break;
    case 5:
        c->name = S("Ana\xff");
        break;
    case 6:
        c->birth_date = S("1981-02-29");
        break;
    case 7:
        c->phones = arena_calloc(&ar, 9, sizeof(char *));
        for (size_t k = 0; k < 9; k++)
            c->phones[k] = S("555 0100");
        c->n_phones = 9;
        break;
    case 8:
        c->phones[0] = S("555-0100 ext 2");
        break;
    case 9:
        c->phones[0] = S("55");
        break;
    case 10:
        c->phones[0] = repeat('5', 33);
        break;
    case 11:
        c->emails = arena_calloc(&ar, 9, sizeof(char *));
        for (size_t k = 0; k < 9; k++)
            c->emails[k] = S("a@b.c");
        c->n_emails = 9;
        break;
    case 12:
        c->emails[0] = S("ana.example.com");
        break;
    case 13:
        c->emails[0] = S("ana@x@example.com");
        break;
    case 14:
        c->emails[0] = S("ana maria@example.com");
        break;
    case 15: {
        char *e = repeat('a', 255);
        e[10] = '@';
        c->emails[0] = e;
        break;
    }
    case 16:
        c->preferred_channel = S("pigeon");
        break;
    case 17:
        c->street = repeat('s', CLIENT_TEXT_MAX + 1);
        break;
    case 18:
        c->city = S("Li\nma");
        break;
    case 19:
        c->region = repeat('r', CLIENT_TEXT_MAX + 1);
        break;
    case 20:
        c->country = S("PER");
        break;
    case 21:
        c->country = S("P1");
        break;
    case 22:
        c->marital_status = (Folio__MaritalStatus)9;
        break;
    case 23:
        c->children = CLIENT_CHILDREN_MAX + 1;
        break;
    case 24:
        c->children = 1;
        break;
    case 25:
        c->children_birth_years[0] = 1970;
        break; /* before the parent */
    case 26:
        c->income_cents = -1;
        break;
    case 27:
        c->income_cents = 1000000000000001LL;
        break;
    case 28:
        c->currency = S("SOLES");
        break;
    case 29:
        c->employment = repeat('e', CLIENT_TEXT_MAX + 1);
        break;
    case 30: {
        int64_t amounts[CLIENT_HISTORY_MAX + 1];
        for (size_t k = 0; k <= CLIENT_HISTORY_MAX; k++)
            amounts[k] = (int64_t)k;
        history(c, CLIENT_HISTORY_MAX + 1, amounts);
        break;
    }
    case 31:
        c->income_history[0]->date = S("2020-02-30");
        break;
    case 32:
        c->purchases[0]->kind = S("");
        break;
    case 33:
        c->purchases[0]->date = S("");
        break;
    case 34:
        c->tags = arena_calloc(&ar, CLIENT_TAGS_MAX + 1, sizeof(char *));
        for (size_t k = 0; k <= CLIENT_TAGS_MAX; k++)
            c->tags[k] = S("t");
        c->n_tags = CLIENT_TAGS_MAX + 1;
        break;
    case 35:
        c->tags[0] = S("gold member");
        break;
    case 36:
        c->tags[0] = S("");
        break;
    case 37:
        c->notes = repeat('n', CLIENT_NOTES_MAX + 1);
        break;
    case 38:
        c->notes = S("bell\a");
        break;
    default:
        cr_assert_fail("no case %zu", i);
    }
}

Test(client_record, validation_names_the_bad_field)
{
    cr_assert_null(client_validate(full_client()));
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        Folio__Client *c = full_client();
        break_field(i, c);
        const char *why = client_validate(c);
        cr_assert_not_null(why, "case %zu was accepted", i);
        cr_assert_str_eq(why, bad_cases[i].want, "case %zu", i);
    }
}

Test(client_record, validation_accepts_minimal_and_edge_records)
{
    Folio__Client *c = arena_alloc(&ar, sizeof(*c));
    folio__client__init(c);
    c->id = S("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
    c->owner_id = 1;
    c->name = S("X");
    cr_assert_null(client_validate(c));

    c = full_client();
    c->name = repeat('a', CLIENT_NAME_MAX);
    c->notes = repeat('n', CLIENT_NOTES_MAX);
    c->tags[0] = repeat('t', CLIENT_TAG_MAX);
    c->phones[0] = S("123");
    c->income_cents = 1000000000000000LL;
    cr_assert_null(client_validate(c));
}

Test(client_record, address_book_fields)
{
    Folio__Client *c = full_client();
    c->birth_date = S("--02-29");
    c->postal_code = S("04109");
    c->organisation = S("Br\xc3\xbcning GmbH");
    c->title = S("CEO");
    Folio__PhoneDetail *d[3];
    for (size_t i = 0; i < 3; i++) {
        d[i] = arena_alloc(&ar, sizeof(*d[i]));
        folio__phone_detail__init(d[i]);
    }
    d[0]->number = c->phones[0];
    d[0]->type = S("mobile");
    d[1]->number = S("+1 555 0100"); /* a phone removed since: its detail goes */
    d[1]->type = S("fax");
    d[2]->number = c->phones[1];
    d[2]->extension = S("102");
    c->phone_details = d;
    c->n_phone_details = 3;
    cr_assert_null(client_validate(c));
    cr_assert_eq(c->n_phone_details, 2);
    cr_assert_eq(c->phone_details[1], d[2]);
    cr_assert(client_birthday_yearless("--02-29", NULL, NULL));
    int m, day;
    cr_assert(client_birthday_yearless("--12-31", &m, &day) && m == 12 && day == 31);

    static const struct {
        const char *birth, *type, *extension, *postal, *want;
    } bad[] = {
        {"--02-30", "", "", "",
         "birth_date: not a real date (YYYY-MM-DD, or --MM-DD without "
         "the year)"},
        {"--13-01", "", "", "",
         "birth_date: not a real date (YYYY-MM-DD, or --MM-DD without "
         "the year)"},
        {"", "pager", "", "", "phone_details: a type is mobile, home, work or fax"},
        {"", "", "1a", "", "phone_details: an extension is digits"},
        {"", "", "12345678901234567", "", "phone_details: an extension has at most 16 digits"},
        {"", "", "", "123456789012345678901", "postal_code: at most 20 bytes"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c = full_client();
        c->birth_date = S(bad[i].birth);
        c->postal_code = S(bad[i].postal);
        Folio__PhoneDetail *one = arena_alloc(&ar, sizeof(*one));
        folio__phone_detail__init(one);
        one->number = c->phones[0];
        one->type = S(bad[i].type);
        one->extension = S(bad[i].extension);
        c->phone_details = arena_alloc(&ar, sizeof(*c->phone_details));
        c->phone_details[0] = one;
        c->n_phone_details = 1;
        const char *why = client_validate(c);
        cr_assert_not_null(why, "case %zu", i);
        cr_assert_str_eq(why, bad[i].want, "case %zu", i);
    }
    /* One detail per phone. */
    c = full_client();
    c->phone_details = arena_alloc(&ar, 2 * sizeof(*c->phone_details));
    for (size_t i = 0; i < 2; i++) {
        c->phone_details[i] = arena_alloc(&ar, sizeof(Folio__PhoneDetail));
        folio__phone_detail__init(c->phone_details[i]);
        c->phone_details[i]->number = c->phones[0];
    }
    c->n_phone_details = 2;
    cr_assert_str_eq(client_validate(c), "phone_details: one for each phone");
}

Test(client_record, validation_normalises_case)
{
    Folio__Client *c = full_client();
    c->emails[0] = S("Ana@Example.COM");
    c->tags[0] = S("VIP-Gold");
    c->country = S("pe");
    c->currency = S("pen");
    c->income_history[0]->currency = S("usd");
    cr_assert_null(client_validate(c));
    cr_assert_str_eq(c->emails[0], "ana@example.com");
    cr_assert_str_eq(c->tags[0], "vip-gold");
    cr_assert_str_eq(c->country, "PE");
    cr_assert_str_eq(c->currency, "PEN");
    cr_assert_str_eq(c->income_history[0]->currency, "USD");
}

/* ---------------------------------------------------------------- trend */

Test(client_record, income_trend_from_last_two)
{
    Folio__Client *c = full_client();
    history(c, 0, NULL);
    cr_assert_str_eq(client_income_trend(c), "flat");
    static const int64_t one[] = {500};
    history(c, 1, one);
    cr_assert_str_eq(client_income_trend(c), "flat");
    static const int64_t up[] = {900, 100, 200};
    history(c, 3, up);
    cr_assert_str_eq(client_income_trend(c), "up");
    static const int64_t down[] = {100, 300, 200};
    history(c, 3, down);
    cr_assert_str_eq(client_income_trend(c), "down");
    static const int64_t same[] = {100, 300, 300};
    history(c, 3, same);
    cr_assert_str_eq(client_income_trend(c), "flat");
}

/* ---------------------------------------------------------------- segments */

static Folio__Segment *segment(void)
{
    Folio__Segment *s = arena_alloc(&ar, sizeof(*s));
    folio__segment__init(s);
    return s;
}

#define TODAY "2026-05-17"

Test(client_record, segment_each_filter_alone)
{
    Folio__Client *c = full_client(); /* 46 today, Lima, PE, 52000.50 PEN, up */
    Folio__Segment *s = segment();
    cr_assert(segment_matches(s, c, TODAY), "no filter matches all");

    s = segment(), s->city = S("lima");
    cr_assert(segment_matches(s, c, TODAY));
    s->city = S("Cusco");
    cr_assert_not(segment_matches(s, c, TODAY));

    s = segment(), s->region = S("LIMA");
    cr_assert(segment_matches(s, c, TODAY));
    s->region = S("Arequipa");
    cr_assert_not(segment_matches(s, c, TODAY));

    s = segment(), s->country = S("pe");
    cr_assert(segment_matches(s, c, TODAY));
    s->country = S("CL");
    cr_assert_not(segment_matches(s, c, TODAY));

    s = segment(), s->age_min = 46;
    cr_assert(segment_matches(s, c, TODAY));
    s->age_min = 47;
    cr_assert_not(segment_matches(s, c, TODAY));

    s = segment(), s->age_max_filter_case = FOLIO__SEGMENT__AGE_MAX_FILTER_AGE_MAX;
    s->age_max = 46;
    cr_assert(segment_matches(s, c, TODAY));
    s->age_max = 45;
    cr_assert_not(segment_matches(s, c, TODAY));
    cr_assert(segment_matches(s, c, "2026-05-16"), "45 the day before");
    s->age_max = 0; /* present: only babies */
    cr_assert_not(segment_matches(s, c, TODAY));
    s->age_max_filter_case = FOLIO__SEGMENT__AGE_MAX_FILTER__NOT_SET;
    cr_assert(segment_matches(s, c, TODAY), "absent age_max is no filter");

    s = segment(), s->marital_status = FOLIO__MARITAL_STATUS__MARITAL_MARRIED;
    cr_assert(segment_matches(s, c, TODAY));
    s->marital_status = FOLIO__MARITAL_STATUS__MARITAL_SINGLE;
    cr_assert_not(segment_matches(s, c, TODAY));

    s = segment(), s->children_min = 2;
    cr_assert(segment_matches(s, c, TODAY));
    s->children_min = 3;
    cr_assert_not(segment_matches(s, c, TODAY));

    s = segment(), s->income_min_cents = 5200050;
    cr_assert(segment_matches(s, c, TODAY));
    s->income_min_cents = 5200051;
    cr_assert_not(segment_matches(s, c, TODAY));

    s = segment(), s->income_max_filter_case = FOLIO__SEGMENT__INCOME_MAX_FILTER_INCOME_MAX_CENTS;
    s->income_max_cents = 5200050;
    cr_assert(segment_matches(s, c, TODAY));
    s->income_max_cents = 0; /* present: zero is a bound */
    cr_assert_not(segment_matches(s, c, TODAY));
    s->income_max_filter_case = FOLIO__SEGMENT__INCOME_MAX_FILTER__NOT_SET;
    cr_assert(segment_matches(s, c, TODAY), "absent income max is no filter");

    s = segment(), s->income_trend = S("up");
    cr_assert(segment_matches(s, c, TODAY));
    s->income_trend = S("down");
    cr_assert_not(segment_matches(s, c, TODAY));

    s = segment(), s->purchased = S("Vehicle");
    cr_assert(segment_matches(s, c, TODAY));
    s->purchased = S("boat");
    cr_assert_not(segment_matches(s, c, TODAY));

    s = segment(), s->tag = S("golf_club");
    cr_assert(segment_matches(s, c, TODAY));
    s->tag = S("golf");
    cr_assert_not(segment_matches(s, c, TODAY));

    s = segment(), s->consent = S("sms");
    cr_assert(segment_matches(s, c, TODAY));
    s->consent = S("phone");
    cr_assert_not(segment_matches(s, c, TODAY));
}

Test(client_record, segment_filters_combine)
{
    Folio__Client *c = full_client();
    Folio__Segment *s = segment();
    s->city = S("Lima");
    s->country = S("PE");
    s->age_min = 40;
    s->age_max_filter_case = FOLIO__SEGMENT__AGE_MAX_FILTER_AGE_MAX;
    s->age_max = 49;
    s->marital_status = FOLIO__MARITAL_STATUS__MARITAL_MARRIED;
    s->children_min = 1;
    s->income_min_cents = 5000000;
    s->income_max_filter_case = FOLIO__SEGMENT__INCOME_MAX_FILTER_INCOME_MAX_CENTS;
    s->income_max_cents = 9999999;
    s->income_trend = S("up");
    s->purchased = S("vehicle");
    s->tag = S("vip");
    s->consent = S("email");
    cr_assert_null(segment_validate(s));
    cr_assert(segment_matches(s, c, TODAY));
    /* Any one failing filter fails the whole. */
    s->consent = S("post");
    cr_assert_not(segment_matches(s, c, TODAY));
    s->consent = S("email");
    s->age_max = 45;
    cr_assert_not(segment_matches(s, c, TODAY));
    s->age_max = 49;
    c->city = S("Cusco");
    cr_assert_not(segment_matches(s, c, TODAY));
}

Test(client_record, segment_unknown_age_and_income)
{
    Folio__Client *c = full_client();
    c->birth_date = S("");
    history(c, 0, NULL);
    c->income_cents = 0;
    c->currency = S("");
    Folio__Segment *s = segment();
    s->age_min = 1;
    cr_assert_not(segment_matches(s, c, TODAY), "no birth date, no age");
    s = segment();
    s->income_max_filter_case = FOLIO__SEGMENT__INCOME_MAX_FILTER_INCOME_MAX_CENTS;
    s->income_max_cents = 100;
    cr_assert_not(segment_matches(s, c, TODAY), "no income is not below 100");
    s = segment();
    s->income_trend = S("flat");
    cr_assert(segment_matches(s, c, TODAY));
}

Test(client_record, segment_validate)
{
    cr_assert_null(segment_validate(segment()));
    Folio__Segment *s = segment();
    s->country = S("PER");
    cr_assert_str_eq(segment_validate(s), "country: two letters (ISO 3166-1)");
    s = segment(), s->age_min = 30;
    s->age_max_filter_case = FOLIO__SEGMENT__AGE_MAX_FILTER_AGE_MAX;
    s->age_max = 20;
    cr_assert_str_eq(segment_validate(s), "age_max: below age_min");
    s = segment(), s->date = S("2026-02-29");
    cr_assert_str_eq(segment_validate(s), "date: not a real date");
    s = segment(), s->marital_status = (Folio__MaritalStatus)42;
    cr_assert_str_eq(segment_validate(s), "marital_status: not a marital status");
    s = segment(), s->income_min_cents = -5;
    cr_assert_str_eq(segment_validate(s), "income_min_cents: 0 to 1000000000000000 cents");
    s = segment(), s->income_min_cents = 500;
    s->income_max_filter_case = FOLIO__SEGMENT__INCOME_MAX_FILTER_INCOME_MAX_CENTS;
    s->income_max_cents = 100;
    cr_assert_str_eq(segment_validate(s), "income_max_cents: below income_min_cents");
    s = segment(), s->income_trend = S("sideways");
    cr_assert_str_eq(segment_validate(s), "income_trend: one of up, down, flat");
    s = segment(), s->tag = S("no spaces");
    cr_assert_str_eq(segment_validate(s), "tag: only a-z, 0-9, - and _");
    s = segment(), s->consent = S("fax");
    cr_assert_str_eq(segment_validate(s), "consent: one of email, phone, sms, post");
    s = segment(), s->by = S("shoe-size");
    cr_assert_str_eq(segment_validate(s),
                     "by: one of city, region, marital, age-band, income-band");
    s = segment(), s->after = S("nope");
    cr_assert_str_eq(segment_validate(s), "after: not a client id");
    s = segment(), s->city = repeat('c', CLIENT_TEXT_MAX + 1);
    cr_assert_str_eq(segment_validate(s), "city: at most 200 bytes");
}

/* ---------------------------------------------------------------- buckets */

Test(client_record, buckets)
{
    char buf[64];
    Folio__Client *c = full_client();
    cr_assert_str_eq(segment_bucket("city", c, TODAY, buf, sizeof(buf)), "Lima");
    cr_assert_str_eq(segment_bucket("region", c, TODAY, buf, sizeof(buf)), "Lima");
    cr_assert_str_eq(segment_bucket("marital", c, TODAY, buf, sizeof(buf)), "married");
    cr_assert_str_eq(segment_bucket("age-band", c, TODAY, buf, sizeof(buf)), "40-49");
    cr_assert_str_eq(segment_bucket("income-band", c, TODAY, buf, sizeof(buf)), "50000-99999");

    c->city = S("");
    c->region = S("");
    c->marital_status = FOLIO__MARITAL_STATUS__MARITAL_UNSPECIFIED;
    c->birth_date = S("");
    history(c, 0, NULL);
    c->income_cents = 0;
    c->currency = S("");
    static const char *const bys[] = {"city", "region", "marital", "age-band", "income-band"};
    for (size_t i = 0; i < 5; i++)
        cr_assert_str_eq(segment_bucket(bys[i], c, TODAY, buf, sizeof(buf)), "unknown", "%s",
                         bys[i]);

    static const struct {
        const char *birth;
        const char *band;
    } ages[] = {{"2026-05-17", "0-9"},
                {"2016-05-18", "0-9"},
                {"2016-05-17", "10-19"},
                {"1996-05-17", "30-39"},
                {"1926-05-17", "100-109"}};
    for (size_t i = 0; i < sizeof(ages) / sizeof(ages[0]); i++) {
        c->birth_date = S(ages[i].birth);
        cr_assert_str_eq(segment_bucket("age-band", c, TODAY, buf, sizeof(buf)), ages[i].band, "%s",
                         ages[i].birth);
    }

    static const struct {
        int64_t cents;
        const char *band;
    } incomes[] = {{0, "0-9999"},
                   {999999, "0-9999"},
                   {1000000, "10000-24999"},
                   {2499999, "10000-24999"},
                   {2500000, "25000-49999"},
                   {4999999, "25000-49999"},
                   {5000000, "50000-99999"},
                   {9999999, "50000-99999"},
                   {10000000, "100000-249999"},
                   {24999999, "100000-249999"},
                   {25000000, "250000+"},
                   {1000000000000000LL, "250000+"}};
    c->currency = S("PEN");
    for (size_t i = 0; i < sizeof(incomes) / sizeof(incomes[0]); i++) {
        c->income_cents = incomes[i].cents;
        cr_assert_str_eq(segment_bucket("income-band", c, TODAY, buf, sizeof(buf)), incomes[i].band,
                         "%lld", (long long)incomes[i].cents);
    }
}

Test(client_record, marital_names)
{
    Folio__MaritalStatus st;
    static const char *const names[] = {"single", "married", "partnered", "divorced", "widowed"};
    for (size_t i = 0; i < 5; i++) {
        cr_assert_eq(client_marital_parse(names[i], &st), 0);
        cr_assert_str_eq(client_marital_name(st), names[i]);
    }
    cr_assert_eq(client_marital_parse("complicated", &st), -1);
    cr_assert_eq(client_marital_parse("", &st), -1);
    cr_assert_str_eq(client_marital_name(FOLIO__MARITAL_STATUS__MARITAL_UNSPECIFIED), "unknown");
}

/* ---------------------------------------------------------------- updates */

Test(client_record, update_copies_named_fields_only)
{
    Folio__Client *stored = full_client();
    struct arena changes_arena;
    arena_init(&changes_arena, 0);
    Folio__Client *ch = arena_alloc(&changes_arena, sizeof(*ch));
    folio__client__init(ch);
    ch->city = arena_strdup(&changes_arena, "Cusco");
    ch->region = arena_strdup(&changes_arena, "Cusco");
    ch->name = arena_strdup(&changes_arena, "not applied");
    ch->phones = arena_calloc(&changes_arena, 1, sizeof(char *));
    ch->phones[0] = arena_strdup(&changes_arena, "084 123456");
    ch->n_phones = 1;
    ch->tags = NULL;
    ch->n_tags = 0;
    ch->consent = arena_alloc(&changes_arena, sizeof(Folio__Consent));
    folio__consent__init(ch->consent);
    ch->consent->post = 1;
    ch->children_birth_years = arena_calloc(&changes_arena, 1, sizeof(uint32_t));
    ch->children_birth_years[0] = 2015;
    ch->n_children_birth_years = 1;
    ch->marital_status = FOLIO__MARITAL_STATUS__MARITAL_DIVORCED;
    ch->notes = arena_strdup(&changes_arena, "moved");
    char *fields[] = {"city",           "phones", "tags", "consent", "children_birth_years",
                      "marital_status", "notes"};
    cr_assert_null(client_apply_update(stored, ch, fields, 7, TODAY, &ar));
    /* The changes may go away before the record is stored. */
    memset(ch->city, 'X', 5);
    memset(ch->phones[0], 'X', 3);
    arena_free(&changes_arena);

    cr_assert_str_eq(stored->city, "Cusco");
    cr_assert_str_eq(stored->region, "Lima", "region was not named");
    cr_assert_str_eq(stored->name, "Ana María Pérez");
    cr_assert_eq(stored->n_phones, 1);
    cr_assert_str_eq(stored->phones[0], "084 123456");
    cr_assert_eq(stored->n_tags, 0);
    cr_assert(stored->consent->post && !stored->consent->email);
    cr_assert_eq(stored->n_children_birth_years, 1);
    cr_assert_eq(stored->children_birth_years[0], 2015);
    cr_assert_eq(stored->marital_status, FOLIO__MARITAL_STATUS__MARITAL_DIVORCED);
    cr_assert_str_eq(stored->notes, "moved");
    cr_assert_eq(stored->n_income_history, 2, "income untouched: no history entry");
    cr_assert_null(client_validate(stored));
}

Test(client_record, update_every_settable_field)
{
    Folio__Client *stored = full_client();
    Folio__Client *ch = full_client();
    ch->name = S("Bea");
    ch->birth_date = S("1990-01-02");
    ch->preferred_channel = S("sms");
    ch->street = S("Calle 1");
    ch->country = S("CL");
    ch->children = 5;
    ch->employment = S("doctor");
    ch->income_cents = 100;
    ch->currency = S("CLP");
    char *fields[] = {"name",
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
                      "notes"};
    cr_assert_null(
        client_apply_update(stored, ch, fields, sizeof(fields) / sizeof(fields[0]), TODAY, &ar));
    cr_assert_str_eq(stored->name, "Bea");
    cr_assert_str_eq(stored->birth_date, "1990-01-02");
    cr_assert_str_eq(stored->preferred_channel, "sms");
    cr_assert_str_eq(stored->street, "Calle 1");
    cr_assert_str_eq(stored->country, "CL");
    cr_assert_eq(stored->children, 5);
    cr_assert_str_eq(stored->employment, "doctor");
    cr_assert_eq(stored->income_cents, 100);
    cr_assert_str_eq(stored->currency, "CLP");
    cr_assert_eq(stored->n_income_history, 3, "one entry for income and currency together");
    cr_assert_eq(stored->income_history[2]->amount_cents, 100);
    cr_assert_str_eq(stored->income_history[2]->currency, "CLP");
    cr_assert_str_eq(stored->income_history[2]->date, TODAY);
    cr_assert_str_eq(client_income_trend(stored), "down");
    cr_assert_null(client_validate(stored));
}

Test(client_record, update_income_history)
{
    Folio__Client *stored = full_client();
    Folio__Client *ch = full_client(); /* same income */
    char *income[] = {"income_cents"};
    cr_assert_null(client_apply_update(stored, ch, income, 1, TODAY, &ar));
    cr_assert_eq(stored->n_income_history, 2, "unchanged income is not a change");
    ch->income_cents = 9000000;
    cr_assert_null(client_apply_update(stored, ch, income, 1, TODAY, &ar));
    cr_assert_eq(stored->n_income_history, 3);
    cr_assert_str_eq(client_income_trend(stored), "up");
    char *currency[] = {"currency"};
    ch->currency = S("USD");
    cr_assert_null(client_apply_update(stored, ch, currency, 1, TODAY, &ar));
    cr_assert_eq(stored->n_income_history, 4);
    cr_assert_str_eq(stored->income_history[3]->currency, "USD");
    cr_assert_str_eq(client_income_trend(stored), "flat");

    /* A full history drops its oldest entry. */
    int64_t amounts[CLIENT_HISTORY_MAX];
    for (size_t k = 0; k < CLIENT_HISTORY_MAX; k++)
        amounts[k] = (int64_t)k + 1;
    history(stored, CLIENT_HISTORY_MAX, amounts);
    ch->income_cents = 1;
    cr_assert_null(client_apply_update(stored, ch, income, 1, TODAY, &ar));
    cr_assert_eq(stored->n_income_history, CLIENT_HISTORY_MAX);
    cr_assert_eq(stored->income_history[0]->amount_cents, 2);
    cr_assert_eq(stored->income_history[CLIENT_HISTORY_MAX - 1]->amount_cents, 1);
}

Test(client_record, update_refuses_read_only_and_unknown_fields)
{
    static const char *const refused[] = {
        "id",      "owner_id",     "owner",          "created_at", "updated_at",
        "version", "income_trend", "income_history", "purchases",  "shoe_size",
        ""};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        Folio__Client *stored = full_client();
        Folio__Client *ch = full_client();
        ch->city = S("Cusco");
        char *fields[] = {"city", (char *)refused[i]};
        const char *why = client_apply_update(stored, ch, fields, 2, TODAY, &ar);
        char want[80];
        snprintf(want, sizeof(want), "fields: %s cannot be set", refused[i]);
        cr_assert_not_null(why, "%s", refused[i]);
        cr_assert_str_eq(why, want);
        cr_assert_str_eq(stored->city, "Lima", "nothing changes when one name is refused");
    }
    Folio__Client *stored = full_client();
    cr_assert_not_null(client_apply_update(stored, stored, NULL, 0, TODAY, &ar));
}

Test(client_record, update_refuses_a_field_named_twice)
{
    Folio__Client *stored = full_client();
    Folio__Client *ch = full_client();
    ch->city = S("Cusco");
    char *fields[] = {"city", "notes", "city"};
    const char *why = client_apply_update(stored, ch, fields, 3, TODAY, &ar);
    cr_assert_not_null(why);
    cr_assert_str_eq(why, "fields: city named twice");
    cr_assert_str_eq(stored->city, "Lima", "nothing changes when a name repeats");
}

/* ---------------------------------------------------------------- events */

static Folio__EventAdd *event(const char *kind, const char *what)
{
    Folio__EventAdd *e = arena_alloc(&ar, sizeof(*e));
    folio__event_add__init(e);
    e->kind = S(kind);
    e->what = S(what);
    return e;
}

static Folio__TimelineEvent *timeline_event(void)
{
    Folio__TimelineEvent *ev = arena_alloc(&ar, sizeof(*ev));
    folio__timeline_event__init(ev);
    return ev;
}

Test(client_record, event_income)
{
    Folio__Client *c = full_client();
    Folio__EventAdd *e = event("income", "");
    e->amount_cents = 3000000;
    Folio__TimelineEvent *ev = timeline_event();
    cr_assert_null(client_apply_event(c, e, "2026-01-10", ev, &ar));
    cr_assert_eq(c->income_cents, 3000000);
    cr_assert_str_eq(c->currency, "PEN");
    cr_assert_eq(c->n_income_history, 3);
    cr_assert_str_eq(c->income_history[2]->date, "2026-01-10");
    cr_assert_str_eq(client_income_trend(c), "down");
    cr_assert_str_eq(ev->kind, "income");
    cr_assert_eq(ev->amount_cents, 3000000);
    cr_assert_str_eq(ev->currency, "PEN");
    cr_assert_str_eq(ev->date, "2026-01-10");

    e->currency = S("usd");
    cr_assert_null(client_apply_event(c, e, "2026-01-11", timeline_event(), &ar));
    cr_assert_str_eq(c->currency, "USD");
    cr_assert_null(client_validate(c));

    e->amount_cents = 0;
    cr_assert_str_eq(client_apply_event(c, e, TODAY, timeline_event(), &ar),
                     "amount_cents: more than 0 and at most 1000000000000000");
    e->amount_cents = -1;
    cr_assert_not_null(client_apply_event(c, e, TODAY, timeline_event(), &ar));
    e->amount_cents = 5;
    e->currency = S("dollars");
    cr_assert_str_eq(client_apply_event(c, e, TODAY, timeline_event(), &ar),
                     "currency: three letters (ISO 4217)");
    cr_assert_eq(c->n_income_history, 4, "refused events change nothing");
}

Test(client_record, event_life)
{
    Folio__Client *c = full_client();
    static const struct {
        const char *what;
        Folio__MaritalStatus status;
    } marital[] = {{"divorced", FOLIO__MARITAL_STATUS__MARITAL_DIVORCED},
                   {"Married", FOLIO__MARITAL_STATUS__MARITAL_MARRIED},
                   {"widowed", FOLIO__MARITAL_STATUS__MARITAL_WIDOWED},
                   {"partnered", FOLIO__MARITAL_STATUS__MARITAL_PARTNERED}};
    for (size_t i = 0; i < 4; i++) {
        Folio__TimelineEvent *ev = timeline_event();
        cr_assert_null(client_apply_event(c, event("life", marital[i].what), TODAY, ev, &ar));
        cr_assert_eq(c->marital_status, marital[i].status, "%s", marital[i].what);
        cr_assert_str_eq(ev->kind, "life");
    }

    Folio__TimelineEvent *ev = timeline_event();
    cr_assert_null(client_apply_event(c, event("life", "child-born"), "2025-07-01", ev, &ar));
    cr_assert_str_eq(ev->what, "child-born");
    cr_assert_eq(c->children, 3);
    cr_assert_eq(c->n_children_birth_years, 3);
    cr_assert_eq(c->children_birth_years[2], 2025);

    uint64_t before = c->version;
    cr_assert_null(client_apply_event(c, event("life", "retired"), TODAY, timeline_event(), &ar));
    cr_assert_null(client_apply_event(c, event("LIFE", "moved"), TODAY, timeline_event(), &ar));
    cr_assert_eq(c->marital_status, FOLIO__MARITAL_STATUS__MARITAL_PARTNERED);
    cr_assert_eq(c->version, before, "the caller bumps versions");
    cr_assert_null(client_validate(c));

    /* A closed set: a typo is refused with the list. */
    static const char *const bad[] = {
        "", "got married", "42", "maried", "single", "a-very-very-very-very-long-life-word-indeed"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_str_eq(client_apply_event(c, event("life", bad[i]), TODAY, timeline_event(), &ar),
                         "what: one of married, divorced, widowed, partnered, child-born, "
                         "retired, moved",
                         "%s", bad[i]);
    c->children = CLIENT_CHILDREN_MAX;
    cr_assert_str_eq(
        client_apply_event(c, event("life", "child-born"), TODAY, timeline_event(), &ar),
        "children: at most 30");
}

Test(client_record, event_purchase_contact_note)
{
    Folio__Client *c = full_client();
    Folio__EventAdd *e = event("purchase", "Boat");
    e->note = S("sailing\nboat");
    Folio__TimelineEvent *ev = timeline_event();
    cr_assert_null(client_apply_event(c, e, "2026-04-01", ev, &ar));
    cr_assert_eq(c->n_purchases, 2);
    cr_assert_str_eq(c->purchases[1]->kind, "boat");
    cr_assert_str_eq(c->purchases[1]->date, "2026-04-01");
    cr_assert_str_eq(c->purchases[1]->note, "sailing\nboat");
    cr_assert_str_eq(ev->what, "boat");
    cr_assert_str_eq(ev->note, "sailing\nboat");
    cr_assert_str_eq(client_apply_event(c, event("purchase", ""), TODAY, timeline_event(), &ar),
                     "what: required");

    Folio__Client before = *c;
    static const char *const contacts[] = {"call", "visit", "email", "message", "sms"};
    for (size_t i = 0; i < 5; i++) {
        ev = timeline_event();
        cr_assert_null(client_apply_event(c, event("contact", contacts[i]), TODAY, ev, &ar));
        cr_assert_str_eq(ev->what, contacts[i]);
    }
    cr_assert_str_eq(client_apply_event(c, event("contact", "fax"), TODAY, timeline_event(), &ar),
                     "what: one of call, visit, email, message, sms");

    e = event("note", "");
    cr_assert_str_eq(client_apply_event(c, e, TODAY, timeline_event(), &ar), "note: required");
    e->note = S("asked about pensions");
    ev = timeline_event();
    cr_assert_null(client_apply_event(c, e, TODAY, ev, &ar));
    cr_assert_str_eq(ev->kind, "note");
    cr_assert_str_eq(ev->note, "asked about pensions");
    cr_assert_str_eq(ev->date, TODAY);
    cr_assert_str_eq(c->last_contact, TODAY, "contacts move last_contact");
    before.last_contact = c->last_contact;
    cr_assert(memcmp(&before, c, sizeof(before)) == 0, "contact and note change nothing else");

    e->note = repeat('n', CLIENT_NOTES_MAX + 1);
    cr_assert_str_eq(client_apply_event(c, e, TODAY, timeline_event(), &ar),
                     "note: at most 4000 bytes");
    cr_assert_str_eq(client_apply_event(c, event("gossip", "x"), TODAY, timeline_event(), &ar),
                     "kind: one of income, life, purchase, contact, note");
    cr_assert_str_eq(
        client_apply_event(c, event("contact", "call"), "2026-02-29", timeline_event(), &ar),
        "date: not a real date");
}

/* ---------------------------------------------------------------- loyalty */

Test(client_record, event_triggers)
{
    Folio__Client *c = full_client();
    Folio__TimelineEvent *ev = timeline_event();
    cr_assert_null(client_apply_event(c, event("purchase", "Vehicle"), TODAY, ev, &ar));
    cr_assert_str_eq(ev->trigger, "purchase:vehicle");
    ev = timeline_event();
    cr_assert_null(client_apply_event(c, event("life", "child-born"), TODAY, ev, &ar));
    cr_assert_str_eq(ev->trigger, "life:child-born");
    ev = timeline_event();
    cr_assert_null(client_apply_event(c, event("contact", "call"), TODAY, ev, &ar));
    cr_assert_str_eq(ev->trigger, "");

    /* The stored income is 52000.50 PEN. */
    Folio__EventAdd *e = event("income", "");
    e->amount_cents = 5200051;
    cr_assert_null(client_apply_event(c, e, TODAY, ev = timeline_event(), &ar));
    cr_assert_str_eq(ev->trigger, "income:up");
    e->amount_cents = 5200050;
    cr_assert_null(client_apply_event(c, e, TODAY, ev = timeline_event(), &ar));
    cr_assert_str_eq(ev->trigger, "income:down");
    cr_assert_null(client_apply_event(c, e, TODAY, ev = timeline_event(), &ar));
    cr_assert_str_eq(ev->trigger, "", "the same amount is no change");
    e->currency = S("usd");
    e->amount_cents = 1;
    cr_assert_null(client_apply_event(c, e, TODAY, ev = timeline_event(), &ar));
    cr_assert_str_eq(ev->trigger, "", "another currency does not compare");
    e->amount_cents = 2;
    cr_assert_null(client_apply_event(c, e, TODAY, ev = timeline_event(), &ar));
    cr_assert_str_eq(ev->trigger, "income:up");

    Folio__Client *first = full_client();
    first->n_income_history = 0;
    first->income_history = NULL;
    e = event("income", "");
    e->amount_cents = 100;
    cr_assert_null(client_apply_event(first, e, TODAY, ev = timeline_event(), &ar));
    cr_assert_str_eq(ev->trigger, "", "the first income compares with nothing");
}

Test(client_record, event_follow_up)
{
    Folio__Client *c = full_client();
    Folio__EventAdd *e = event("contact", "call");
    e->follow_up = S("2026-05-24");
    Folio__TimelineEvent *ev = timeline_event();
    cr_assert_null(client_apply_event(c, e, TODAY, ev, &ar));
    cr_assert_str_eq(ev->follow_up, "2026-05-24");
    e->follow_up = S(TODAY);
    cr_assert_null(client_apply_event(c, e, TODAY, timeline_event(), &ar), "the same day is fine");
    e->follow_up = S("2026-05-16");
    cr_assert_str_eq(client_apply_event(c, e, TODAY, timeline_event(), &ar),
                     "follow_up: before the event date");
    e->follow_up = S("2026-02-30");
    cr_assert_str_eq(client_apply_event(c, e, TODAY, timeline_event(), &ar),
                     "follow_up: not a real date");
    static const char *const kinds[][2] = {
        {"purchase", "boat"}, {"life", "married"}, {"note", ""}, {"income", ""}};
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        e = event(kinds[i][0], kinds[i][1]);
        e->note = S("n");
        e->amount_cents = 100;
        e->follow_up = S("2026-05-24");
        cr_assert_str_eq(client_apply_event(c, e, TODAY, timeline_event(), &ar),
                         "follow_up: only for contact events", "%s", kinds[i][0]);
    }
}

Test(client_record, last_contact_never_moves_back)
{
    Folio__Client *c = full_client();
    cr_assert_null(client_apply_event(c, event("contact", "visit"), TODAY, timeline_event(), &ar));
    cr_assert_str_eq(c->last_contact, TODAY);
    cr_assert_null(
        client_apply_event(c, event("contact", "sms"), "2026-01-01", timeline_event(), &ar));
    cr_assert_str_eq(c->last_contact, TODAY);
    cr_assert_null(
        client_apply_event(c, event("contact", "sms"), "2026-06-01", timeline_event(), &ar));
    cr_assert_str_eq(c->last_contact, "2026-06-01");
    cr_assert_null(
        client_apply_event(c, event("purchase", "home"), "2026-07-01", timeline_event(), &ar));
    cr_assert_str_eq(c->last_contact, "2026-06-01", "only contacts count");
}

Test(client_record, contact_interval_days)
{
    Folio__Client *c = full_client();
    c->contact_interval_days = CLIENT_CONTACT_INTERVAL_MAX;
    cr_assert_null(client_validate(c));
    c->contact_interval_days = CLIENT_CONTACT_INTERVAL_MAX + 1;
    cr_assert_str_eq(client_validate(c), "contact_interval_days: 0 to 3650 days");
    c->contact_interval_days = 0;
    c->last_contact = S("2026-13-01");
    cr_assert_str_eq(client_validate(c), "last_contact: not a real date");
    c->last_contact = S("");
    cr_assert_null(client_validate(c));

    Folio__Client *changes = full_client();
    changes->contact_interval_days = 45;
    char *fields[] = {S("contact_interval_days")};
    cr_assert_null(client_apply_update(c, changes, fields, 1, TODAY, &ar));
    cr_assert_eq(c->contact_interval_days, 45);
    fields[0] = S("last_contact");
    cr_assert_str_eq(client_apply_update(c, changes, fields, 1, TODAY, &ar),
                     "fields: last_contact cannot be set");
}

/* Timeline events as stored: what a bundle's events are held to. */
static void stored_event(Folio__TimelineEvent *ev)
{
    folio__timeline_event__init(ev);
    ev->kind = "contact";
    ev->what = "call";
    ev->date = "2030-06-01";
    ev->follow_up = "2030-07-01";
}

static void stored_event_refused(const Folio__TimelineEvent *ev, const char *field)
{
    Folio__TimelineEvent copy = *ev;
    const char *why = client_event_validate(&copy);
    cr_assert_not_null(why, "accepted, expected a fault in %s", field);
    cr_assert(strncmp(why, field, strlen(field)) == 0, "%s: %s", field, why);
}

Test(client_record, stored_events_checked_field_by_field)
{
    Folio__TimelineEvent ev;
    stored_event(&ev);
    cr_assert_null(client_event_validate(&ev));
    char currency[] = "eur";
    ev.currency = currency;
    cr_assert_null(client_event_validate(&ev));
    cr_assert_str_eq(ev.currency, "EUR");

    stored_event(&ev);
    ev.kind = "admin";
    stored_event_refused(&ev, "kind");
    stored_event(&ev);
    ev.what = "\x1b[2Jcall";
    stored_event_refused(&ev, "what");
    stored_event(&ev);
    ev.note = "caf\xc3";
    stored_event_refused(&ev, "note");
    stored_event(&ev);
    ev.trigger = "life:\x07";
    stored_event_refused(&ev, "trigger");
    stored_event(&ev);
    ev.date = "1899-12-31";
    stored_event_refused(&ev, "date");
    stored_event(&ev);
    ev.follow_up = "2030-05-01";
    stored_event_refused(&ev, "follow_up");
    stored_event(&ev);
    ev.kind = "note";
    stored_event_refused(&ev, "follow_up");
    stored_event(&ev);
    ev.amount_cents = -1;
    stored_event_refused(&ev, "amount_cents");
    stored_event(&ev);
    ev.currency = "EURO";
    stored_event_refused(&ev, "currency");
}

/* ---------------------------------------------------------------- typed records */

/* The 3-entry fixture lists: PE, DE, AW; PEN, EUR, AED. */
static struct iso_codes fixture_iso;

static const struct client_rules *typed_rules(void)
{
    static struct client_rules rules;
    char why[256];
    cr_assert_eq(
        iso_codes_load(&fixture_iso, FOLIO_SOURCE_DIR "/tests/iso-codes", why, sizeof(why)), 0,
        "%s", why);
    rules.iso = &fixture_iso;
    rules.today = TODAY;
    return &rules;
}

Test(client_record, typed_records_meet_the_newer_rules)
{
    const struct client_rules *rules = typed_rules();
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = S("Ana");
    cr_assert_null(client_validate_typed(&c, rules));
    c.name = S(" \t\xc2\xa0 ");
    cr_assert_str_eq(client_validate_typed(&c, rules), "name: more than spaces");
    c.name = S("\xc2\xa0"
               "Ana");
    cr_assert_null(client_validate_typed(&c, rules));
    c.birth_date = S("2026-05-18");
    cr_assert_str_eq(client_validate_typed(&c, rules), "birth_date: after today");
    c.birth_date = S(TODAY);
    cr_assert_null(client_validate_typed(&c, rules));
    const char *bad[] = {"a@b", "a@b.", "a@.b", "a@b..c"};
    c.n_emails = 1;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c.emails = strings(1, &bad[i]);
        cr_assert_not_null(client_validate_typed(&c, rules), "%s", bad[i]);
    }
    const char *good = "a@b.pe";
    c.emails = strings(1, &good);
    cr_assert_null(client_validate_typed(&c, rules));
    c.country = S("US"); /* real, but not in the fixture */
    cr_assert_not_null(client_validate_typed(&c, rules));
    c.country = S("AW");
    c.currency = S("USD");
    cr_assert_not_null(client_validate_typed(&c, rules));
    c.currency = S("AED");
    cr_assert_null(client_validate_typed(&c, rules));
}

Test(client_record, element_edits_remove_then_add)
{
    Folio__Client c = FOLIO__CLIENT__INIT;
    const char *tags[] = {"a", "b"};
    c.tags = strings(2, tags);
    c.n_tags = 2;
    Folio__ClientUpdate u = FOLIO__CLIENT_UPDATE__INIT;
    const char *add[] = {"B", "C"}, *rm[] = {"A", "zzz"};
    u.add_tags = strings(2, add);
    u.n_add_tags = 2;
    u.remove_tags = strings(2, rm);
    u.n_remove_tags = 2;
    cr_assert(client_update_has_elements(&u));
    const char *edited = NULL;
    cr_assert_null(client_apply_elements(&c, &u, &edited, &ar));
    cr_assert_eq(c.n_tags, 2);
    cr_assert_str_eq(c.tags[0], "b");
    cr_assert_str_eq(c.tags[1], "c");
    cr_assert_str_eq(edited, "tags");
    Folio__ClientUpdate none = FOLIO__CLIENT_UPDATE__INIT;
    cr_assert_not(client_update_has_elements(&none));
    cr_assert_null(client_apply_elements(&c, &none, &edited, &ar));
    cr_assert_str_eq(edited, "");
    const char *phone[] = {"not a phone"};
    none.add_phones = strings(1, phone);
    none.n_add_phones = 1;
    cr_assert_not_null(client_apply_elements(&c, &none, &edited, &ar));
}
