/* test_clean.c - the rules that keep typed client records clean, against a
 * real foliod: ISO country and currency codes, birth dates by the server's
 * clock, e-mail domains, blank names, list edits by element, and the agent's
 * default currency.
 *
 * The tests share one server (harness_shared_start) whose clock is CLOCK,
 * so "after today" is the server's and never this machine's; each test has
 * an office and agents of its own, named after its process (North-PID,
 * alice-PID, bob-PID). Requests are built here and sent with
 * folio_connection_call, so these tests depend on the wire alone. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "envelope.h"
#include "folioclient_interchange.h"
#include "harness.h"

#define CLOCK    "2030-06-03 12:00:00"
#define PW_ALICE "alice-password"
#define PW_BOB   "bob-password"

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob;
static char north[32], alice_name[32], bob_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "clean") == 0)
        harness_shared_start("clean", CLOCK, NULL);
}

/* After every test has ended (see test_client.c). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("clean");
}

static void setup(void)
{
    harness_shared_attach(&srv, "clean");
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, north, PW_BOB);
    alice = harness_user(&srv, alice_name, PW_ALICE);
    bob = harness_user(&srv, bob_name, PW_BOB);
}

static void teardown(void)
{
    folio_connection_close(bob);
    folio_connection_close(alice);
    folio_connection_close(root);
    bob = alice = root = NULL;
    harness_server_finish(&srv);
    harness_server_cleanup(&srv);
}

TestSuite(clean, .init = setup, .fini = teardown);

/* ---------------------------------------------------------------- requests */

static Folio__Response *add_client(struct folio_connection *c, Folio__Client *client,
                                   struct folio_error *err)
{
    Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
    op.client = client;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *update(struct folio_connection *c, Folio__ClientUpdate *op,
                               struct folio_error *err)
{
    Folio__Request req;
    envelope_init(&req, &op->base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *set_currency(struct folio_connection *c, const char *currency,
                                     struct folio_error *err)
{
    Folio__AgentCard card = FOLIO__AGENT_CARD__INIT;
    card.currency = (char *)currency;
    const char *fields[] = {"currency"};
    return folio_profile_set(c, &card, fields, 1, err);
}

/* Adding client as alice is refused, INVALID_ARGUMENT, with a message
 * starting with field. */
static void assert_refused(Folio__Client *client, const char *field)
{
    struct folio_error err = {0};
    harness_refused(add_client(alice, client, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, field, strlen(field)), 0, "\"%s\" does not start with %s",
                 err.message, field);
}

/* A client of alice's with the tag "a", the phone "111" and the e-mail
 * "x@example.com"; its id in id[37]. */
static void add_plain(char id[37])
{
    struct folio_error err = {0};
    Folio__Client c = FOLIO__CLIENT__INIT;
    char *tags[] = {(char *)"a"}, *phones[] = {(char *)"111"},
         *emails[] = {(char *)"x@example.com"};
    c.name = (char *)"Plain Client";
    c.tags = tags;
    c.n_tags = 1;
    c.phones = phones;
    c.n_phones = 1;
    c.emails = emails;
    c.n_emails = 1;
    Folio__Response *r = harness_ok(add_client(alice, &c, &err), &err);
    snprintf(id, 37, "%s", r->client->id);
    folio__response__free_unpacked(r, NULL);
}

/* ---------------------------------------------------------------- codes */

Test(clean, country_codes_are_iso_3166_and_stored_upper_case)
{
    struct folio_error err = {0};
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = (char *)"Codes";
    c.country = (char *)"XX";
    assert_refused(&c, "country: ");
    c.country = (char *)"pe";
    c.currency = (char *)"pen";
    Folio__Response *r = harness_ok(add_client(alice, &c, &err), &err);
    cr_assert_str_eq(r->client->country, "PE");
    cr_assert_str_eq(r->client->currency, "PEN");
    folio__response__free_unpacked(r, NULL);
}

Test(clean, currency_codes_are_iso_4217)
{
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = (char *)"Codes";
    c.currency = (char *)"ABC";
    assert_refused(&c, "currency: ");
    c.currency = (char *)"EURO";
    assert_refused(&c, "currency: ");
}

/* ---------------------------------------------------------------- dates, e-mails, names */

Test(clean, a_birth_date_after_the_servers_today_is_refused)
{
    struct folio_error err = {0};
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = (char *)"Born";
    /* After the server's CLOCK and before this machine's wall clock of any
     * year to come: only the server's today decides. */
    c.birth_date = (char *)"2030-06-04";
    assert_refused(&c, "birth_date: ");
    c.birth_date = (char *)"2030-06-03";
    folio__response__free_unpacked(harness_ok(add_client(alice, &c, &err), &err), NULL);
}

Test(clean, an_email_needs_a_dot_in_its_domain)
{
    struct folio_error err = {0};
    Folio__Client c = FOLIO__CLIENT__INIT;
    char *emails[1];
    c.name = (char *)"Mail";
    c.emails = emails;
    c.n_emails = 1;
    const char *bad[] = {"ana@localhost", "ana@example.", "ana@.com", "ana@example..com"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        emails[0] = (char *)bad[i];
        assert_refused(&c, "emails: ");
    }
    emails[0] = (char *)"Ana@Example.COM";
    Folio__Response *r = harness_ok(add_client(alice, &c, &err), &err);
    cr_assert_str_eq(r->client->emails[0], "ana@example.com");
    folio__response__free_unpacked(r, NULL);
}

Test(clean, a_name_of_blanks_is_refused)
{
    Folio__Client c = FOLIO__CLIENT__INIT;
    const char *blank[] = {" ", "   \t", "\xc2\xa0", " \xc2\xa0 "};
    for (size_t i = 0; i < sizeof(blank) / sizeof(blank[0]); i++) {
        c.name = (char *)blank[i];
        assert_refused(&c, "name: ");
    }
}

/* ---------------------------------------------------------------- element edits */

Test(clean, list_elements_are_added_and_removed_on_the_server)
{
    struct folio_error err = {0};
    char id[37];
    add_plain(id);
    /* Two edits sent without reading the client between them: the second
     * keeps what the first added, as two agents' edits would. */
    Folio__ClientUpdate op = FOLIO__CLIENT_UPDATE__INIT;
    char *add1[] = {(char *)"B"}, *add2[] = {(char *)"c"}, *gone[] = {(char *)"never-there"};
    op.id = id;
    op.add_tags = add1;
    op.n_add_tags = 1;
    op.remove_tags = gone;
    op.n_remove_tags = 1;
    folio__response__free_unpacked(harness_ok(update(alice, &op, &err), &err), NULL);
    op.add_tags = add2;
    op.n_remove_tags = 0;
    Folio__Response *r = harness_ok(update(alice, &op, &err), &err);
    cr_assert_eq(r->client->n_tags, 3);
    cr_assert_str_eq(r->client->tags[0], "a");
    cr_assert_str_eq(r->client->tags[1], "b");
    cr_assert_str_eq(r->client->tags[2], "c");
    folio__response__free_unpacked(r, NULL);

    Folio__ClientUpdate rm = FOLIO__CLIENT_UPDATE__INIT;
    char *tags[] = {(char *)"A", (char *)"c"}, *phones_in[] = {(char *)"222"},
         *phones_out[] = {(char *)"111"}, *emails_in[] = {(char *)"Y@Example.com"},
         *emails_out[] = {(char *)"X@EXAMPLE.com"};
    rm.id = id;
    rm.remove_tags = tags;
    rm.n_remove_tags = 2;
    rm.add_phones = phones_in;
    rm.n_add_phones = 1;
    rm.remove_phones = phones_out;
    rm.n_remove_phones = 1;
    rm.add_emails = emails_in;
    rm.n_add_emails = 1;
    rm.remove_emails = emails_out;
    rm.n_remove_emails = 1;
    r = harness_ok(update(alice, &rm, &err), &err);
    cr_assert_eq(r->client->n_tags, 1);
    cr_assert_str_eq(r->client->tags[0], "b");
    cr_assert_eq(r->client->n_phones, 1);
    cr_assert_str_eq(r->client->phones[0], "222");
    cr_assert_eq(r->client->n_emails, 1);
    cr_assert_str_eq(r->client->emails[0], "y@example.com");
    folio__response__free_unpacked(r, NULL);
}

Test(clean, element_edits_keep_the_bounds)
{
    struct folio_error err = {0};
    char id[37];
    add_plain(id);
    Folio__ClientUpdate op = FOLIO__CLIENT_UPDATE__INIT;
    op.id = id;
    /* 8 phones may be held: the stored one and 8 more are 9. */
    char names[8][8];
    char *phones[8];
    for (int i = 0; i < 8; i++) {
        snprintf(names[i], sizeof(names[i]), "55%d", i);
        phones[i] = names[i];
    }
    op.add_phones = phones;
    op.n_add_phones = 8;
    harness_refused(update(alice, &op, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "phones: at most 8", 17), 0, "%s", err.message);
    op.n_add_phones = 7;
    folio__response__free_unpacked(harness_ok(update(alice, &op, &err), &err), NULL);
    /* More to add or remove at once than a list may hold is refused before
     * any work. */
    char *many[40];
    for (int i = 0; i < 40; i++)
        many[i] = (char *)"t";
    Folio__ClientUpdate big = FOLIO__CLIENT_UPDATE__INIT;
    big.id = id;
    big.remove_tags = many;
    big.n_remove_tags = 40;
    harness_refused(update(alice, &big, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "tags: ", 6), 0, "%s", err.message);
    /* An added element is checked as a stored one. */
    char *bad[] = {(char *)"not a tag"};
    Folio__ClientUpdate badtag = FOLIO__CLIENT_UPDATE__INIT;
    badtag.id = id;
    badtag.add_tags = bad;
    badtag.n_add_tags = 1;
    harness_refused(update(alice, &badtag, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
}

/* ---------------------------------------------------------------- duplicates */

static Folio__Response *add_person(struct folio_connection *conn, const char *name,
                                   const char *birth_date, const char *phone, const char *email,
                                   bool allow, struct folio_error *err)
{
    Folio__Client c = FOLIO__CLIENT__INIT;
    char *phones[] = {(char *)phone}, *emails[] = {(char *)email};
    c.name = (char *)name;
    c.birth_date = (char *)birth_date;
    c.phones = phones;
    c.n_phones = phone != NULL;
    c.emails = emails;
    c.n_emails = email != NULL;
    return folio_client_add(conn, &c, allow, err);
}

/* The add is refused as a likely duplicate of first, for why. */
static void assert_duplicate(Folio__Response *r, const struct folio_error *err, const char *first,
                             const char *why)
{
    cr_assert_null(r, "added; expected a duplicate of %s (%s)", first, why);
    cr_assert_eq(err->code, FOLIO__CODE__ALREADY_EXISTS, "%s", err->message);
    cr_assert_not_null(strstr(err->message, first), "%s", err->message);
    cr_assert_not_null(strstr(err->message, why), "%s", err->message);
}

Test(clean, a_likely_duplicate_is_refused_naming_the_client)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(add_person(alice, "José García Núñez", "1980-04-02",
                                               "+51 999-111-222", "Jose@Example.pe", false, &err),
                                    &err);
    char first[37];
    snprintf(first, sizeof(first), "%s", r->client->id);
    cr_assert_str_eq(r->client->name, "José García Núñez");
    folio__response__free_unpacked(r, NULL);

    assert_duplicate(add_person(alice, "Pepe", NULL, NULL, "jose@example.PE", false, &err), &err,
                     first, "same e-mail");
    cr_assert_not_null(strstr(err.message, "José García Núñez"), "%s", err.message);
    /* The same number, written without the country code. */
    assert_duplicate(add_person(alice, "Pepe", NULL, "999 111 222", NULL, false, &err), &err, first,
                     "same phone");
    /* The same name, folded, and the same birth date. */
    assert_duplicate(add_person(alice, "JOSE garcia nunez", "1980-04-02", NULL, NULL, false, &err),
                     &err, first, "same name and birth date");

    /* Not a duplicate: another birth date, a number that only ends alike
     * in fewer digits, someone else's client. */
    folio__response__free_unpacked(
        harness_ok(add_person(alice, "Jose Garcia Nunez", "1981-04-02", NULL, NULL, false, &err),
                   &err),
        NULL);
    folio__response__free_unpacked(
        harness_ok(add_person(alice, "Other", NULL, "+44 1 222", NULL, false, &err), &err), NULL);
    folio__response__free_unpacked(
        harness_ok(add_person(bob, "José García Núñez", "1980-04-02", "+51 999-111-222",
                              "jose@example.pe", false, &err),
                   &err),
        NULL);
    /* Asked for, the duplicate is added. */
    folio__response__free_unpacked(
        harness_ok(add_person(alice, "Pepe", NULL, NULL, "jose@example.pe", true, &err), &err),
        NULL);
}

/* ---------------------------------------------------------------- default currency */

Test(clean, an_income_takes_the_agents_default_currency)
{
    struct folio_error err = {0};
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = (char *)"Earner";
    c.income_cents = 500000;
    /* No default yet: refused, naming the currency. */
    assert_refused(&c, "currency: ");
    harness_refused(set_currency(alice, "XYZ", &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    Folio__Response *r = harness_ok(set_currency(alice, "pen", &err), &err);
    cr_assert_str_eq(r->card->currency, "PEN");
    folio__response__free_unpacked(r, NULL);
    r = harness_ok(add_client(alice, &c, &err), &err);
    cr_assert_str_eq(r->client->currency, "PEN");
    cr_assert_eq(r->client->n_income_history, 1);
    cr_assert_str_eq(r->client->income_history[0]->currency, "PEN");
    char id[37];
    snprintf(id, sizeof(id), "%s", r->client->id);
    folio__response__free_unpacked(r, NULL);

    /* An update's income on a client without a currency takes it too. */
    c.income_cents = 0;
    c.name = (char *)"Later Earner";
    r = harness_ok(add_client(alice, &c, &err), &err);
    snprintf(id, sizeof(id), "%s", r->client->id);
    folio__response__free_unpacked(r, NULL);
    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.income_cents = 120000;
    char *fields[] = {(char *)"income_cents"};
    Folio__ClientUpdate op = FOLIO__CLIENT_UPDATE__INIT;
    op.id = id;
    op.client = &changes;
    op.fields = fields;
    op.n_fields = 1;
    r = harness_ok(update(alice, &op, &err), &err);
    cr_assert_str_eq(r->client->currency, "PEN");
    cr_assert_eq(r->client->n_income_history, 1);
    cr_assert_str_eq(r->client->income_history[0]->currency, "PEN");
    folio__response__free_unpacked(r, NULL);

    /* Bob has no default: his income without a currency is refused. */
    c.income_cents = 100;
    harness_refused(add_client(bob, &c, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "currency: ", 10), 0, "%s", err.message);
    cr_assert_not_null(strstr(err.message, "--currency"), "%s", err.message);
}

static Folio__Response *add_income(struct folio_connection *c, const char *id, int64_t cents,
                                   const char *currency, struct folio_error *err)
{
    Folio__EventAdd op = FOLIO__EVENT_ADD__INIT;
    op.client_id = (char *)id;
    op.kind = (char *)"income";
    op.amount_cents = cents;
    op.currency = (char *)currency;
    op.date = (char *)"2030-06-01";
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

/* An income event is held to the same codes, and one without a currency
 * is in the client's, else the agent's default, else refused. */
Test(clean, income_events_take_iso_codes_and_the_default_currency)
{
    struct folio_error err = {0};
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = (char *)"Event Earner";
    Folio__Response *r = harness_ok(add_client(bob, &c, &err), &err);
    char id[37];
    snprintf(id, sizeof(id), "%s", r->client->id);
    folio__response__free_unpacked(r, NULL);

    harness_refused(add_income(bob, id, 100, "", &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "currency: ", 10), 0, "%s", err.message);
    harness_refused(add_income(bob, id, 100, "USX", &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_str_eq(err.message,
                     "currency: not an ISO 4217 currency code (three letters, such as PEN or EUR)");
    folio__response__free_unpacked(harness_ok(set_currency(bob, "EUR", &err), &err), NULL);
    r = harness_ok(add_income(bob, id, 100, "", &err), &err);
    cr_assert_str_eq(r->event->currency, "EUR");
    folio__response__free_unpacked(r, NULL);
    /* Now the client has a currency: the next income without one is in it,
     * whatever the default has become. */
    folio__response__free_unpacked(harness_ok(set_currency(bob, "AED", &err), &err), NULL);
    r = harness_ok(add_income(bob, id, 200, "", &err), &err);
    cr_assert_str_eq(r->event->currency, "EUR");
    folio__response__free_unpacked(r, NULL);
}

/* A CSV import follows the same rules, row by row: a bad code is left out
 * of its row, and an income without a currency is in the default, or left
 * out; the rest of each person is imported. */
Test(clean, imported_rows_follow_the_rules)
{
    struct folio_error err = {0};
    Folio__Client rows[3] = {FOLIO__CLIENT__INIT, FOLIO__CLIENT__INIT, FOLIO__CLIENT__INIT};
    rows[0].name = (char *)"Row One";
    rows[0].country = (char *)"zz";
    rows[1].name = (char *)"Row Two";
    rows[1].income_cents = 100;
    rows[2].name = (char *)"Row Three";
    rows[2].country = (char *)"de";
    Folio__Client *clients[] = {&rows[0], &rows[1], &rows[2]};
    Folio__Response *r = harness_ok(folio_client_import(bob, clients, NULL, 3, false, &err), &err);
    Folio__ClientImportResult *res = r->client_import;
    cr_assert_eq(res->created, 3);
    size_t left_out = 0;
    for (size_t i = 0; i < res->n_notes; i++) {
        cr_assert_str_neq(res->notes[i]->kind, "error", "%s", res->notes[i]->message);
        if (strcmp(res->notes[i]->kind, "note") != 0)
            continue;
        left_out++;
        const char *m = res->notes[i]->message;
        cr_assert(strstr(m, "line 1: country: ") != NULL || strstr(m, "line 2: currency: ") != NULL,
                  "%s", m);
        cr_assert(strstr(m, ": left out") != NULL, "%s", m);
    }
    cr_assert_eq(left_out, 2);
    folio__response__free_unpacked(r, NULL);
}
