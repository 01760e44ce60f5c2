/* bench_data.c - deterministic synthetic clients (see bench_data.h). */
#include "bench_data.h"

#include <stdio.h>
#include <string.h>

/* A private stream of numbers for one client. */
struct bench_data_rng {
    uint64_t state;
};

uint64_t bench_data_mix(uint64_t x)
{
    uint64_t z = x + 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static struct bench_data_rng bench_data_rng_for(uint64_t seed, uint32_t agent, uint32_t index,
                                                uint64_t stream)
{
    uint64_t x = bench_data_mix(seed);
    x = bench_data_mix(x ^ ((uint64_t)agent << 32 | index));
    return (struct bench_data_rng){.state = bench_data_mix(x ^ stream)};
}

static unsigned bench_data_pick(struct bench_data_rng *r, unsigned n)
{
    r->state += 0x9e3779b97f4a7c15u;
    return (unsigned)(bench_data_mix(r->state) % n);
}

#define COUNT(list)   (sizeof(list) / sizeof((list)[0]))
#define PICK(r, list) (list)[bench_data_pick((r), COUNT(list))]

static const char *const first_names[] = {
    "Ana",    "Luis",   "María",    "Jorge",   "Rosa",    "Carlos", "Lucía",   "Miguel",
    "Elena",  "Andrés", "Sofía",    "Ricardo", "Paula",   "Diego",  "Carmen",  "Javier",
    "Gloria", "Raúl",   "Valeria",  "Héctor",  "Teresa",  "Óscar",  "Daniela", "Fernando",
    "Isabel", "Manuel", "Patricia", "Víctor",  "Natalia", "César",  "Beatriz", "Alberto"};
static const char *const last_names[] = {
    "Quispe", "Flores",   "Sánchez", "Rodríguez", "García",  "Mendoza",   "Torres",  "Rojas",
    "Vargas", "Castillo", "Ramírez", "Huamán",    "Chávez",  "Gutiérrez", "Salazar", "Paredes",
    "Mamani", "Condori",  "Díaz",    "Espinoza",  "Ramos",   "Cruz",      "Vásquez", "Romero",
    "Reyes",  "Morales",  "Ortiz",   "Delgado",   "Cáceres", "Aguilar",   "Medina",  "Herrera"};
const char *const *const bench_data_first_names = first_names;
const size_t bench_data_n_first_names = COUNT(first_names);
const char *const *const bench_data_last_names = last_names;
const size_t bench_data_n_last_names = COUNT(last_names);

static const char *const streets[] = {
    "Avenida Arequipa", "Jirón de la Unión", "Calle Las Begonias", "Avenida Larco",
    "Calle Mercaderes", "Avenida Grau",      "Pasaje Los Olivos",  "Avenida Ejército",
    "Avenida Brasil",   "Calle Real",        "Jirón Junín",        "Avenida Bolognesi"};

const struct bench_data_place bench_data_places[] = {
    {"Lima", "Lima"},      {"Arequipa", "Arequipa"}, {"Trujillo", "La Libertad"},
    {"Cusco", "Cusco"},    {"Piura", "Piura"},       {"Chiclayo", "Lambayeque"},
    {"Iquitos", "Loreto"}, {"Huancayo", "Junín"},    {"Tacna", "Tacna"},
    {"Puno", "Puno"},      {"Ica", "Ica"},           {"Cajamarca", "Cajamarca"}};
const size_t bench_data_n_places = COUNT(bench_data_places);

static const char *const employments[] = {"engineer",      "teacher",   "physician", "shop owner",
                                          "accountant",    "nurse",     "driver",    "lawyer",
                                          "civil servant", "architect", "farmer",    "retired"};
static const char *const tag_words[] = {"vip",    "auto",   "home",     "life", "health",
                                        "travel", "family", "referral", "pyme", "pension"};
static const char *const note_parts[] = {
    "Prefers calls after six in the evening; the office line is rarely answered. ",
    "Renewed the vehicle policy last spring and asked about adding the second car. ",
    "Interested in a savings plan for the children's university fees. ",
    "Met at the chamber of commerce breakfast; introduced by a long-standing client. ",
    "Asked to be reminded a month before the home policy renews. ",
    "Travels abroad twice a year for work; consider annual travel cover. ",
    "Mentioned plans to open a second shop in the coming year. ",
    "Wants everything in writing by email, with the policy numbers spelled out. "};
static const char *const channels[] = {"email", "phone", "sms", "post"};
static const char *const purchase_kinds[] = {"vehicle", "home", "motorcycle",
                                             "boat",    "land", "shop"};
static const unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

/* Streams, one per kind of value, so adding a field never shifts another. */
enum { STREAM_CLIENT = 1, STREAM_EVENTS = 2, STREAM_HOLDINGS = 3 };

/* Lima holds about a third of the clients, the other cities share the rest:
 * segments by city then range from large to small. */
static unsigned bench_data_place_pick(struct bench_data_rng *r)
{
    if (bench_data_pick(r, 3) == 0)
        return 0;
    return 1 + bench_data_pick(r, (unsigned)bench_data_n_places - 1);
}

/* Day `doy` (0..364) of a year as month and day: birthdays fall on every
 * day, so every agenda window holds some. */
static void bench_data_day(unsigned doy, unsigned *month, unsigned *day)
{
    unsigned m = 0;
    while (doy >= month_days[m]) {
        doy -= month_days[m];
        m++;
    }
    *month = m + 1;
    *day = doy + 1;
}

static void bench_data_ascii_lower(char *dst, size_t cap, const char *src)
{
    /* Email local parts: plain ASCII letters only. */
    size_t n = 0;
    for (; *src != '\0' && n + 1 < cap; src++) {
        unsigned char ch = (unsigned char)*src;
        if (ch >= 'A' && ch <= 'Z')
            dst[n++] = (char)(ch - 'A' + 'a');
        else if (ch >= 'a' && ch <= 'z')
            dst[n++] = (char)ch;
    }
    dst[n] = '\0';
}

void bench_data_client(struct bench_data_client *s, uint64_t seed, uint32_t agent, uint32_t index)
{
    struct bench_data_rng r = bench_data_rng_for(seed, agent, index, STREAM_CLIENT);
    Folio__Client *c = &s->client;
    folio__client__init(c);
    folio__consent__init(&s->consent);
    const char *first = PICK(&r, first_names), *last = PICK(&r, last_names),
               *last2 = PICK(&r, last_names);
    snprintf(s->name, sizeof(s->name), "%s %s %s", first, last, last2);
    unsigned year = 1940 + bench_data_pick(&r, 65), month, day;
    bench_data_day(bench_data_pick(&r, 365), &month, &day);
    snprintf(s->birth, sizeof(s->birth), "%04u-%02u-%02u", year, month, day);
    snprintf(s->phone1, sizeof(s->phone1), "+51 9%02u %03u %03u", bench_data_pick(&r, 100),
             bench_data_pick(&r, 1000), bench_data_pick(&r, 1000));
    snprintf(s->phone2, sizeof(s->phone2), "(01) %03u-%04u", bench_data_pick(&r, 1000),
             bench_data_pick(&r, 10000));
    s->phones[0] = s->phone1;
    s->phones[1] = s->phone2;
    char a[32], b[32];
    bench_data_ascii_lower(a, sizeof(a), first);
    bench_data_ascii_lower(b, sizeof(b), last);
    snprintf(s->email, sizeof(s->email), "%s.%s%u@example.com", a, b, bench_data_pick(&r, 1000));
    s->emails[0] = s->email;
    snprintf(s->street, sizeof(s->street), "%s %u", PICK(&r, streets),
             100 + bench_data_pick(&r, 3900));
    const struct bench_data_place *place = &bench_data_places[bench_data_place_pick(&r)];
    c->name = s->name;
    c->birth_date = s->birth;
    c->n_phones = 2;
    c->phones = s->phones;
    c->n_emails = 1;
    c->emails = s->emails;
    c->preferred_channel = (char *)PICK(&r, channels);
    c->street = s->street;
    c->city = (char *)place->city;
    c->region = (char *)place->region;
    c->country = (char *)"PE";
    c->marital_status = (Folio__MaritalStatus)(1 + bench_data_pick(&r, 5));
    c->children = bench_data_pick(&r, 4);
    c->n_children_birth_years = c->children < 3 ? c->children : 3;
    for (size_t i = 0; i < c->n_children_birth_years; i++)
        s->years[i] = year + 22 + 2 * (uint32_t)i;
    c->children_birth_years = s->years;
    c->income_cents = (int64_t)(150000 + bench_data_pick(&r, 1850000)) * 100;
    c->currency = (char *)"PEN";
    c->employment = (char *)PICK(&r, employments);
    unsigned t = bench_data_pick(&r, COUNT(tag_words));
    size_t n_tags = 1 + bench_data_pick(&r, 3);
    for (size_t i = 0; i < n_tags; i++)
        s->tags[i] = (char *)tag_words[(t + 3 * i) % COUNT(tag_words)];
    c->n_tags = n_tags;
    c->tags = s->tags;
    s->consent.email = bench_data_pick(&r, 10) != 0;
    s->consent.phone = bench_data_pick(&r, 2) == 0;
    s->consent.sms = bench_data_pick(&r, 2) == 0;
    s->consent.post = bench_data_pick(&r, 4) == 0;
    c->consent = &s->consent;
    unsigned n = COUNT(note_parts), k = bench_data_pick(&r, n);
    snprintf(s->notes, sizeof(s->notes), "%s%s%s", note_parts[k], note_parts[(k + 3) % n],
             note_parts[(k + 5) % n]);
    c->notes = s->notes;
}

static char *bench_data_date(struct bench_data_rng *r, char *buf, size_t cap, unsigned first_year,
                             unsigned years)
{
    unsigned month, day;
    bench_data_day(bench_data_pick(r, 365), &month, &day);
    snprintf(buf, cap, "%04u-%02u-%02u", first_year + bench_data_pick(r, years), month, day);
    return buf;
}

void bench_data_events(struct bench_data_events *e, uint64_t seed, uint32_t agent, uint32_t index)
{
    struct bench_data_rng r = bench_data_rng_for(seed, agent, index, STREAM_EVENTS);
    e->n = 0;
    if (bench_data_pick(&r, 3) == 0) {
        /* A raise or a cut of 5 to 30 %, on the income the client was added with. */
        struct bench_data_client base;
        bench_data_client(&base, seed, agent, index);
        int64_t pct = 5 + bench_data_pick(&r, 26);
        int64_t amount =
            base.client.income_cents * (bench_data_pick(&r, 4) == 0 ? 100 - pct : 100 + pct) / 100;
        Folio__EventAdd *ev = &e->events[e->n];
        folio__event_add__init(ev);
        ev->kind = (char *)"income";
        ev->amount_cents = amount;
        ev->currency = (char *)"PEN";
        ev->date = bench_data_date(&r, e->dates[e->n], sizeof(e->dates[0]), 2024, 2);
        e->n++;
    }
    if (bench_data_pick(&r, 4) == 0) {
        unsigned purchases = bench_data_pick(&r, 10) == 0 ? 2 : 1;
        for (unsigned i = 0; i < purchases; i++) {
            Folio__EventAdd *ev = &e->events[e->n];
            folio__event_add__init(ev);
            ev->kind = (char *)"purchase";
            ev->what = (char *)PICK(&r, purchase_kinds);
            ev->date = bench_data_date(&r, e->dates[e->n], sizeof(e->dates[0]), 2015, 10);
            e->n++;
        }
    }
}

static const char *const holding_kinds[] = {"auto",    "home",        "life", "health",
                                            "savings", "credit-card", "loan", "investment"};
static const char *const providers[] = {"Rimac",       "Pacífico", "La Positiva", "Mapfre",
                                        "Interseguro", "BCP",      "BBVA",        "Interbank"};

void bench_data_holdings(struct bench_data_holdings *h, uint64_t seed, uint32_t agent,
                         uint32_t index)
{
    struct bench_data_rng r = bench_data_rng_for(seed, agent, index, STREAM_HOLDINGS);
    h->n = 0;
    if (bench_data_pick(&r, 2) != 0)
        return;
    unsigned n = bench_data_pick(&r, 10) == 0 ? 2 : 1;
    for (unsigned i = 0; i < n; i++) {
        Folio__Holding *x = &h->holdings[h->n];
        folio__holding__init(x);
        x->kind = (char *)PICK(&r, holding_kinds);
        x->provider = (char *)PICK(&r, providers);
        snprintf(h->numbers[h->n], sizeof(h->numbers[0]), "P-%u-%u-%u", agent, index, i);
        x->number = h->numbers[h->n];
        x->status = (char *)"active";
        x->premium_cents = 2000 + 100 * (int64_t)bench_data_pick(&r, 280);
        x->premium_period = (char *)(bench_data_pick(&r, 3) == 0 ? "year" : "month");
        x->currency = (char *)"PEN";
        x->start_date = bench_data_date(&r, h->dates[h->n][0], sizeof(h->dates[0][0]), 2018, 8);
        x->renews_on = bench_data_date(&r, h->dates[h->n][1], sizeof(h->dates[0][1]), 2026, 1);
        h->n++;
    }
}
