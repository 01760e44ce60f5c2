/* test_client_import.c - ClientImport (clients read from a CSV file or
 * vCards) against a real foliod.
 *
 * The tests share one server (harness_shared_start); each starts with an
 * office and people of its own, named after its process (North-PID,
 * alice-PID, ...):
 *   olga   office-admin             alice  agent             bob  agent
 * next to the firm-admin root. Imports go through folio_client_import, the
 * typed call the CLI uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "folioclient_interchange.h"
#include "harness.h"

#define PW_OLGA  "olga-password"
#define PW_ALICE "alice-password"
#define PW_BOB   "bob-password"

#define A_STRANGER_ID "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"

static struct harness_server srv;
static struct folio_connection *root, *alice;
/* This test's office and people. */
static char north[32], olga_name[32], alice_name[32], bob_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "client_import") == 0)
        harness_shared_start("client_import", NULL, NULL);
}

/* After every test has ended: Criterion reports POST_SUITE once it has
 * started the suite's last test, which may still run (--jobs above 1). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("client_import");
}

static void setup(void)
{
    harness_shared_attach(&srv, "client_import");
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(olga_name, sizeof(olga_name), "olga-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_user(root, olga_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, north, PW_OLGA);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, north, PW_BOB);
    alice = harness_user(&srv, alice_name, PW_ALICE);
}

/* True when actor is one of this test's people: the audit holds the other
 * tests' records too. */
static bool ours(const char *actor)
{
    return strcmp(actor, olga_name) == 0 || strcmp(actor, alice_name) == 0 ||
           strcmp(actor, bob_name) == 0;
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(client_import, .init = setup, .fini = teardown);

static void finish(void)
{
    folio_connection_close(alice);
    folio_connection_close(root);
    alice = root = NULL;
    harness_server_finish(&srv);
}

/* ---------------------------------------------------------------- records */

/* One row of an import: a client with at most one phone and one email. */
struct row {
    Folio__Client client;
    char *phone[1];
    char *email[1];
};

static void row_init(struct row *r, const char *name, const char *birth_date, const char *phone,
                     const char *email, const char *city)
{
    folio__client__init(&r->client);
    r->client.name = (char *)name;
    r->client.birth_date = (char *)(birth_date != NULL ? birth_date : "");
    r->client.city = (char *)(city != NULL ? city : "");
    r->phone[0] = (char *)phone;
    r->email[0] = (char *)email;
    r->client.phones = phone != NULL ? r->phone : NULL;
    r->client.n_phones = phone != NULL ? 1 : 0;
    r->client.emails = email != NULL ? r->email : NULL;
    r->client.n_emails = email != NULL ? 1 : 0;
}

/* ClientImport of rows[0..n) with these lines (NULL: none). */
static Folio__Response *import_rows(struct folio_connection *c, struct row *rows,
                                    const uint32_t *lines, size_t n, bool dry_run,
                                    struct folio_error *err)
{
    Folio__Client **clients = calloc(n + 1, sizeof(*clients));
    cr_assert_not_null(clients);
    for (size_t i = 0; i < n; i++)
        clients[i] = &rows[i].client;
    Folio__Response *r = folio_client_import(c, clients, lines, n, dry_run, err);
    free(clients);
    return r;
}

/* Adds a client through ClientAdd; returns its id (free()). */
static char *add_row(struct folio_connection *c, struct row *row)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_add(c, &row->client, false, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_CLIENT);
    char *id = strdup(r->client->id);
    cr_assert_not_null(id);
    folio_response_free(r);
    return id;
}

/* The caller's whole portfolio (at most 1000 clients): free with
 * folio_response_free. */
static Folio__Response *list_all(struct folio_connection *c)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_list(c, 1000, "", &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_CLIENTS);
    cr_assert_str_eq(r->clients->next, "", "the portfolio fits one page");
    return r;
}

static size_t portfolio_size(struct folio_connection *c)
{
    Folio__Response *r = list_all(c);
    size_t n = r->clients->n_clients;
    folio_response_free(r);
    return n;
}

/* The id of the client of c called name; asserts there is exactly one. */
static char *id_of(struct folio_connection *c, const char *name)
{
    Folio__Response *r = list_all(c);
    char *id = NULL;
    for (size_t i = 0; i < r->clients->n_clients; i++) {
        if (strcmp(r->clients->clients[i]->name, name) != 0)
            continue;
        cr_assert_null(id, "two clients called %s", name);
        id = strdup(r->clients->clients[i]->id);
        cr_assert_not_null(id);
    }
    folio_response_free(r);
    cr_assert_not_null(id, "no client called %s", name);
    return id;
}

static size_t audit_count(const char *action)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    size_t n = 0;
    for (size_t i = 0; i < r->audit->n_records; i++)
        n += strcmp(r->audit->records[i]->action, action) == 0 && ours(r->audit->records[i]->actor);
    folio_response_free(r);
    return n;
}

/* The notes of an answer, for failure messages. */
static const char *notes_text(const Folio__ClientImportResult *res)
{
    static char text[2048];
    size_t used = 0;
    text[0] = '\0';
    for (size_t i = 0; i < res->n_notes && used + 1 < sizeof(text); i++) {
        int n = snprintf(text + used, sizeof(text) - used, "[%s] %s; ", res->notes[i]->kind,
                         res->notes[i]->message);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return text;
}

/* The note about line, asserting there is exactly one. */
static const Folio__ImportNote *note_for(const Folio__ClientImportResult *res, uint32_t line)
{
    const Folio__ImportNote *found = NULL;
    for (size_t i = 0; i < res->n_notes; i++) {
        if (res->notes[i]->line != line)
            continue;
        cr_assert_null(found, "two notes for line %u", line);
        found = res->notes[i];
    }
    cr_assert_not_null(found, "no note for line %u", line);
    return found;
}

static void assert_note(const Folio__ClientImportResult *res, uint32_t line, const char *kind,
                        const char *client_id)
{
    const Folio__ImportNote *n = note_for(res, line);
    cr_assert_str_eq(n->kind, kind, "line %u: %s", line, n->message);
    char prefix[32];
    snprintf(prefix, sizeof(prefix), "line %u: ", line);
    cr_assert_eq(strncmp(n->message, prefix, strlen(prefix)), 0, "message names the line: %s",
                 n->message);
    if (client_id != NULL) {
        cr_assert_str_eq(n->client_id, client_id, "line %u", line);
        cr_assert_not_null(strstr(n->message, client_id), "message names %s: %s", client_id,
                           n->message);
    } else {
        cr_assert_str_eq(n->client_id, "", "line %u names a client", line);
    }
}

/* ---------------------------------------------------------------- tests */

Test(client_import, imports_new_clients_with_new_ids)
{
    struct folio_error err = {0};
    struct row rows[2];
    row_init(&rows[0], "José Ñúñez", "1979-11-02", "+51 1 555 0101", "jose@example.com", "Cusco");
    row_init(&rows[1], "Zoë \"Zo\" O'Brien", NULL, NULL, NULL, "Lima");
    rows[0].client.id = (char *)A_STRANGER_ID; /* a file's id is not an identity */
    rows[0].client.version = 9;
    rows[0].client.notes = (char *)"line one\nline two, with a comma";
    rows[0].client.country = (char *)"PE";
    uint32_t lines[2] = {2, 5};
    Folio__Response *r = harness_ok(import_rows(alice, rows, lines, 2, false, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_CLIENT_IMPORT);
    cr_assert_eq(r->client_import->created, 2, "%s", notes_text(r->client_import));
    cr_assert_eq(r->client_import->skipped, 0);
    cr_assert_eq(r->client_import->n_notes, 0);
    cr_assert(!r->client_import->dry_run);
    folio_response_free(r);

    /* The id given in the input names no client. */
    r = folio_client_get(alice, A_STRANGER_ID, false, &err);
    harness_refused(r, &err, FOLIO__CODE__NOT_FOUND);

    r = list_all(alice);
    cr_assert_eq(r->clients->n_clients, 2);
    for (size_t i = 0; i < 2; i++) {
        const Folio__Client *c = r->clients->clients[i];
        cr_assert_eq(strlen(c->id), 36);
        cr_assert_str_neq(c->id, A_STRANGER_ID);
        cr_assert_str_eq(c->owner, alice_name);
        cr_assert_eq(c->version, 1);
    }
    folio_response_free(r);

    char *jose = id_of(alice, "José Ñúñez");
    r = harness_ok(folio_client_get(alice, jose, false, &err), &err);
    const Folio__Client *c = r->client;
    cr_assert_str_eq(c->birth_date, "1979-11-02");
    cr_assert_eq(c->n_phones, 1);
    cr_assert_str_eq(c->phones[0], "+51 1 555 0101");
    cr_assert_eq(c->n_emails, 1);
    cr_assert_str_eq(c->emails[0], "jose@example.com");
    cr_assert_str_eq(c->city, "Cusco");
    cr_assert_str_eq(c->country, "PE");
    cr_assert_str_eq(c->notes, "line one\nline two, with a comma");
    folio_response_free(r);

    /* Each imported client's timeline starts with "created", noted "imported". */
    char *zoe = id_of(alice, "Zoë \"Zo\" O'Brien");
    const char *ids[2] = {jose, zoe};
    for (size_t i = 0; i < 2; i++) {
        r = harness_ok(folio_client_history(alice, ids[i], 0, 0, &err), &err);
        cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_TIMELINE);
        cr_assert_eq(r->timeline->n_events, 1, "%s", ids[i]);
        const Folio__TimelineEvent *ev = r->timeline->events[0];
        cr_assert_str_eq(ev->kind, "created");
        cr_assert_str_eq(ev->note, "imported");
        cr_assert_str_eq(ev->actor, alice_name);
        folio_response_free(r);
    }

    /* One audit record for the whole import, with the count. */
    struct folio_error aerr = {0};
    r = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &aerr), &aerr);
    size_t n = 0;
    for (size_t i = 0; i < r->audit->n_records; i++) {
        const Folio__AuditRecord *a = r->audit->records[i];
        if (strcmp(a->action, "client.import") != 0 || !ours(a->actor))
            continue;
        n++;
        cr_assert_str_eq(a->actor, alice_name);
        cr_assert_not_null(strstr(a->detail, "2 imported"), "detail: %s", a->detail);
    }
    cr_assert_eq(n, 1, "%zu client.import records", n);
    folio_response_free(r);
    free(jose);
    free(zoe);
    finish();
}

Test(client_import, an_exact_copy_is_skipped_naming_the_existing_client)
{
    struct folio_error err = {0};
    struct row ana;
    row_init(&ana, "Ana Pérez", "1980-01-15", "+51 999 888 777", "ana@example.com", "Lima");
    char *existing = add_row(alice, &ana);

    struct row rows[2];
    row_init(&rows[0], "Ana Pérez", "1980-01-15", "+51 999 888 777", "ana@example.com", "Lima");
    row_init(&rows[1], "Rosa Díaz", NULL, NULL, NULL, NULL);
    uint32_t lines[2] = {7, 9};
    Folio__Response *r = harness_ok(import_rows(alice, rows, lines, 2, false, &err), &err);
    cr_assert_eq(r->client_import->created, 1, "%s", notes_text(r->client_import));
    cr_assert_eq(r->client_import->skipped, 1);
    cr_assert_eq(r->client_import->n_notes, 1);
    assert_note(r->client_import, 7, "duplicate", existing);
    folio_response_free(r);
    cr_assert_eq(portfolio_size(alice), 2, "Ana once, and Rosa");
    free(id_of(alice, "Ana Pérez"));

    /* The same rows again: both are exact copies now. */
    r = harness_ok(import_rows(alice, rows, lines, 2, false, &err), &err);
    cr_assert_eq(r->client_import->created, 0, "%s", notes_text(r->client_import));
    cr_assert_eq(r->client_import->skipped, 2);
    char *rosa = id_of(alice, "Rosa Díaz");
    assert_note(r->client_import, 7, "duplicate", existing);
    assert_note(r->client_import, 9, "duplicate", rosa);
    folio_response_free(r);
    cr_assert_eq(portfolio_size(alice), 2);

    /* Two copies of one new row in one request: the second is the first's
     * duplicate. */
    struct row twice[2];
    row_init(&twice[0], "Inés Quispe", "1990-06-30", NULL, "ines@example.com", "Arequipa");
    row_init(&twice[1], "Inés Quispe", "1990-06-30", NULL, "ines@example.com", "Arequipa");
    uint32_t twice_lines[2] = {3, 4};
    r = harness_ok(import_rows(alice, twice, twice_lines, 2, false, &err), &err);
    cr_assert_eq(r->client_import->created, 1, "%s", notes_text(r->client_import));
    cr_assert_eq(r->client_import->skipped, 1);
    char *ines = id_of(alice, "Inés Quispe");
    assert_note(r->client_import, 4, "duplicate", ines);
    folio_response_free(r);
    free(existing);
    free(rosa);
    free(ines);
    finish();
}

Test(client_import, a_likely_duplicate_is_imported_and_named)
{
    struct folio_error err = {0};
    struct row ana;
    row_init(&ana, "Ana Pérez", "1980-01-15", "+51 999 888 777", "ana@example.com", "Lima");
    char *existing = add_row(alice, &ana);

    struct row rows[4];
    row_init(&rows[0], "Ana P. Torres", NULL, NULL, "ana@example.com", "Lima");        /* email */
    row_init(&rows[1], "Anita", "1981-02-02", "+51 999 888 777", NULL, "Cusco");       /* phone */
    row_init(&rows[2], "Ana Pérez", "1980-01-15", NULL, "other@example.com", "Piura"); /* name+bd */
    row_init(&rows[3], "Carlos Ruiz", "1980-01-15", "+51 111 222 333", NULL, "Lima");  /* none */
    uint32_t lines[4] = {2, 3, 4, 5};
    Folio__Response *r = harness_ok(import_rows(alice, rows, lines, 4, false, &err), &err);
    cr_assert_eq(r->client_import->created, 4, "likely duplicates are imported: %s",
                 notes_text(r->client_import));
    cr_assert_eq(r->client_import->skipped, 0);
    cr_assert_eq(r->client_import->n_notes, 3);
    assert_note(r->client_import, 2, "likely_duplicate", existing);
    assert_note(r->client_import, 3, "likely_duplicate", existing);
    assert_note(r->client_import, 4, "likely_duplicate", existing);
    for (size_t i = 0; i < r->client_import->n_notes; i++)
        cr_assert_neq(r->client_import->notes[i]->line, 5, "Carlos resembles no one");
    folio_response_free(r);
    cr_assert_eq(portfolio_size(alice), 5);
    free(existing);
    finish();
}

Test(client_import, another_agents_clients_are_never_consulted)
{
    struct folio_error err = {0};
    struct folio_connection *bob = harness_user(&srv, bob_name, PW_BOB);
    struct row ana;
    row_init(&ana, "Ana Pérez", "1980-01-15", "+51 999 888 777", "ana@example.com", "Lima");
    char *bobs = add_row(bob, &ana);

    /* An exact copy of bob's client, and rows sharing its email, phone, and
     * name with birth date. */
    struct row rows[4];
    row_init(&rows[0], "Ana Pérez", "1980-01-15", "+51 999 888 777", "ana@example.com", "Lima");
    row_init(&rows[1], "Ana P. Torres", NULL, NULL, "ana@example.com", NULL);
    row_init(&rows[2], "Anita", NULL, "+51 999 888 777", NULL, NULL);
    row_init(&rows[3], "Ana Pérez", "1980-01-15", NULL, NULL, "Piura");
    for (int dry = 1; dry >= 0; dry--) {
        Folio__Response *r = harness_ok(import_rows(alice, rows, NULL, 4, dry, &err), &err);
        const Folio__ClientImportResult *res = r->client_import;
        cr_assert_eq(res->skipped, 0, "dry %d: %s", dry, notes_text(res));
        cr_assert_eq(res->created, 4, "dry %d: %s", dry, notes_text(res));
        /* Rows of the same request may resemble each other; never bob's. */
        for (size_t i = 0; i < res->n_notes; i++) {
            cr_assert_str_neq(res->notes[i]->client_id, bobs, "dry %d: %s", dry,
                              res->notes[i]->message);
            cr_assert_null(strstr(res->notes[i]->message, bobs), "dry %d: %s", dry,
                           res->notes[i]->message);
        }
        folio_response_free(r);
    }
    cr_assert_eq(portfolio_size(alice), 4);
    cr_assert_eq(portfolio_size(bob), 1, "bob's portfolio is untouched");
    folio_connection_close(bob);
    free(bobs);
    finish();
}

Test(client_import, a_row_is_refused_only_without_a_name_and_bad_fields_are_left_out)
{
    struct folio_error err = {0};
    struct row rows[5];
    row_init(&rows[0], "Valid One", "1970-05-05", NULL, NULL, "Lima");
    row_init(&rows[1], "Bad Date", "1980-02-30", NULL, NULL, "Lima");
    row_init(&rows[2], "Bad Email", NULL, NULL, "not-an-address", "Lima");
    row_init(&rows[3], "Valid Two", NULL, "+51 1 234 5678", NULL, "Lima");
    rows[3].client.country = (char *)"PE";
    row_init(&rows[4], "", NULL, "+51 1 234 0000", NULL, "Lima");
    rows[1].client.country = (char *)"XX";      /* no such country: left out too */
    rows[3].client.language = (char *)"French"; /* a name, not a code: left out */
    uint32_t lines[5] = {2, 3, 6, 8, 9};
    Folio__Response *r = harness_ok(import_rows(alice, rows, lines, 5, false, &err), &err);
    const Folio__ClientImportResult *res = r->client_import;
    cr_assert_eq(res->created, 4, "%s", notes_text(res));
    cr_assert_eq(res->skipped, 0);
    cr_assert_eq(res->n_notes, 5, "%s", notes_text(res));
    cr_assert_str_eq(note_for(res, 8)->message,
                     "line 8: language: an ISO 639-1 code in lower case, such as es: left out");
    cr_assert_str_eq(res->notes[0]->message,
                     "line 3: birth_date: not a real date (YYYY-MM-DD, or --MM-DD without the "
                     "year): left out");
    cr_assert_str_eq(res->notes[0]->kind, "note");
    cr_assert_not_null(strstr(res->notes[1]->message, "line 3: country: "), "%s",
                       res->notes[1]->message);
    cr_assert_str_eq(res->notes[2]->message, "line 6: emails: not an email address: left out");
    assert_note(res, 9, "error", NULL);
    cr_assert_not_null(strstr(note_for(res, 9)->message, "name"), "%s", note_for(res, 9)->message);
    folio_response_free(r);

    r = list_all(alice);
    cr_assert_eq(r->clients->n_clients, 4);
    for (size_t i = 0; i < 4; i++) {
        const Folio__Client *c = r->clients->clients[i];
        if (strcmp(c->name, "Bad Date") == 0)
            cr_assert(c->birth_date[0] == '\0' && c->country[0] == '\0' &&
                      strcmp(c->city, "Lima") == 0);
        if (strcmp(c->name, "Bad Email") == 0)
            cr_assert_eq(c->n_emails, 0);
        if (strcmp(c->name, "Valid Two") == 0)
            cr_assert(c->language[0] == '\0' && strcmp(c->country, "PE") == 0);
    }
    folio_response_free(r);
    finish();
}

Test(client_import, country_names_in_any_language_become_codes)
{
    struct folio_error err = {0};
    struct row rows[4];
    static const char *const countries[] = {"Deutschland", "norway", "Per\xc3\xba", "Atlantis"};
    static const char *const names[] = {"Karl", "Ola", "Rosa", "Nemo"};
    for (size_t i = 0; i < 4; i++) {
        row_init(&rows[i], names[i], NULL, NULL, NULL, NULL);
        rows[i].client.country = (char *)countries[i];
    }
    Folio__Response *r = harness_ok(import_rows(alice, rows, NULL, 4, false, &err), &err);
    cr_assert_eq(r->client_import->created, 4, "%s", notes_text(r->client_import));
    cr_assert_eq(r->client_import->n_notes, 1, "%s", notes_text(r->client_import));
    cr_assert_not_null(strstr(r->client_import->notes[0]->message, "line 4: country: "));
    cr_assert_not_null(strstr(r->client_import->notes[0]->message, ": left out"));
    folio_response_free(r);
    r = list_all(alice);
    static const char *const want[] = {"DE", "NO", "PE", ""};
    for (size_t i = 0; i < r->clients->n_clients; i++)
        for (size_t k = 0; k < 4; k++)
            if (strcmp(r->clients->clients[i]->name, names[k]) == 0)
                cr_assert_str_eq(r->clients->clients[i]->country, want[k], "%s", names[k]);
    folio_response_free(r);
    finish();
}

Test(client_import, a_row_naming_a_client_of_ones_own_by_id_updates_the_fields_of_the_file)
{
    struct folio_error err = {0};
    struct row ana, bobs_row;
    row_init(&ana, "Ana Torres", "1980-01-15", "+51 999 888 777", "ana@example.com", "Lima");
    ana.client.notes = (char *)"kept: no notes column";
    char *id = add_row(alice, &ana);
    struct folio_connection *bob = harness_user(&srv, bob_name, PW_BOB);
    row_init(&bobs_row, "Bob's Client", NULL, NULL, NULL, "Cusco");
    char *bobs = add_row(bob, &bobs_row);

    struct row rows[4];
    row_init(&rows[0], "Ana Torres Vega", "1980-01-15", NULL, NULL, "Arequipa");
    rows[0].client.id = id;
    rows[0].client.country = (char *)"Per\xc3\xba";
    row_init(&rows[1], "Not Bob's", NULL, NULL, NULL, "Tacna");
    rows[1].client.id = bobs; /* another agent's: a new client, bob's untouched */
    row_init(&rows[2], "Ana Again", NULL, NULL, NULL, "Puno");
    rows[2].client.id = id; /* the same client twice: refused */
    row_init(&rows[3], "Bad Country", NULL, NULL, NULL, "Ica");
    rows[3].client.id = (char *)"not-an-id";
    rows[3].client.country = (char *)"Atlantis";
    Folio__Client *clients[4] = {&rows[0].client, &rows[1].client, &rows[2].client,
                                 &rows[3].client};
    char *fields[] = {"name", "birth_date", "city", "country"};
    uint32_t lines[4] = {2, 3, 4, 5};
    Folio__Response *r = harness_ok(
        folio_client_import_fields(alice, clients, lines, 4, fields, 4, NULL, false, &err), &err);
    const Folio__ClientImportResult *res = r->client_import;
    cr_assert_eq(res->updated, 1, "%s", notes_text(res));
    cr_assert_eq(res->created, 2, "%s", notes_text(res));
    assert_note(res, 4, "error", NULL);
    cr_assert_not_null(strstr(note_for(res, 4)->message, "id: the same client as an earlier row"));
    cr_assert_not_null(strstr(note_for(res, 5)->message, "country"), "%s",
                       note_for(res, 5)->message);
    folio_response_free(r);

    r = harness_ok(folio_client_get(alice, id, false, &err), &err);
    const Folio__Client *c = r->client;
    cr_assert_str_eq(c->name, "Ana Torres Vega");
    cr_assert_str_eq(c->city, "Arequipa");
    cr_assert_str_eq(c->country, "PE");
    cr_assert_str_eq(c->notes, "kept: no notes column");
    cr_assert_eq(c->n_phones, 1, "phones are not among the file's fields");
    cr_assert_eq(c->version, 2);
    folio_response_free(r);
    cr_assert_eq(portfolio_size(alice), 3);
    r = harness_ok(folio_client_get(bob, bobs, false, &err), &err);
    cr_assert_str_eq(r->client->name, "Bob's Client");
    cr_assert_eq(r->client->version, 1);
    folio_response_free(r);
    folio_connection_close(bob);
    free(id);
    free(bobs);
    finish();
}

Test(client_import, an_office_admin_imports_for_an_agent_of_its_office_audited)
{
    struct folio_error err = {0};
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    struct row rows[1];
    row_init(&rows[0], "For Alice", NULL, "+51 1 555 0123", NULL, "Lima");
    Folio__Client *clients[1] = {&rows[0].client};
    size_t audits = audit_count("client.import");
    Folio__Response *r = harness_ok(
        folio_client_import_fields(olga, clients, NULL, 1, NULL, 0, alice_name, false, &err), &err);
    cr_assert_eq(r->client_import->created, 1, "%s", notes_text(r->client_import));
    folio_response_free(r);
    cr_assert_eq(portfolio_size(alice), 1, "in alice's portfolio");
    cr_assert_eq(audit_count("client.import"), audits + 1);
    Folio__Response *a = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    bool named = false;
    for (size_t i = 0; i < a->audit->n_records; i++)
        named |= strcmp(a->audit->records[i]->action, "client.import") == 0 &&
                 strcmp(a->audit->records[i]->actor, olga_name) == 0 &&
                 strcmp(a->audit->records[i]->target, alice_name) == 0;
    folio_response_free(a);
    cr_assert(named, "the audit names the importer and the agent");
    /* Without a name, an admin's import has no portfolio. */
    r = folio_client_import_fields(olga, clients, NULL, 1, NULL, 0, NULL, false, &err);
    cr_assert_null(r);
    cr_assert_eq(err.code, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_not_null(strstr(err.message, "agent"), "%s", err.message);
    folio_connection_close(olga);
    finish();
}

Test(client_import, a_dry_run_reports_the_same_and_changes_nothing)
{
    struct folio_error err = {0};
    struct row ana;
    row_init(&ana, "Ana Pérez", "1980-01-15", "+51 999 888 777", "ana@example.com", "Lima");
    char *existing = add_row(alice, &ana);
    Folio__Response *before = list_all(alice);
    size_t audits = audit_count("client.import");

    struct row rows[4];
    row_init(&rows[0], "Ana Pérez", "1980-01-15", "+51 999 888 777", "ana@example.com", "Lima");
    row_init(&rows[1], "Ana P. Torres", NULL, NULL, "ana@example.com", NULL);
    row_init(&rows[2], "", "1970-01-01", NULL, NULL, NULL);
    row_init(&rows[3], "Brand New", NULL, NULL, NULL, "Tacna");
    uint32_t lines[4] = {2, 3, 4, 5};
    Folio__Response *r = harness_ok(import_rows(alice, rows, lines, 4, true, &err), &err);
    cr_assert(r->client_import->dry_run);
    cr_assert_eq(r->client_import->created, 2, "counts what would be created: %s",
                 notes_text(r->client_import));
    cr_assert_eq(r->client_import->skipped, 1);
    cr_assert_eq(r->client_import->n_notes, 3);
    assert_note(r->client_import, 2, "duplicate", existing);
    assert_note(r->client_import, 3, "likely_duplicate", existing);
    assert_note(r->client_import, 4, "error", NULL);
    folio_response_free(r);

    Folio__Response *after = list_all(alice);
    cr_assert_eq(after->clients->n_clients, before->clients->n_clients);
    for (size_t i = 0; i < after->clients->n_clients; i++) {
        cr_assert_str_eq(after->clients->clients[i]->id, before->clients->clients[i]->id);
        cr_assert_eq(after->clients->clients[i]->version, before->clients->clients[i]->version);
    }
    folio_response_free(before);
    folio_response_free(after);
    cr_assert_eq(audit_count("client.import"), audits, "a dry run writes no audit record");

    /* The same rows for real do what the dry run said. */
    r = harness_ok(import_rows(alice, rows, lines, 4, false, &err), &err);
    cr_assert(!r->client_import->dry_run);
    cr_assert_eq(r->client_import->created, 2, "%s", notes_text(r->client_import));
    cr_assert_eq(r->client_import->skipped, 1);
    folio_response_free(r);
    cr_assert_eq(portfolio_size(alice), 3);
    cr_assert_eq(audit_count("client.import"), audits + 1);
    free(existing);
    finish();
}

Test(client_import, into_an_agents_portfolio_only)
{
    struct folio_error err = {0};
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    struct row rows[1];
    row_init(&rows[0], "Nobody's Client", NULL, NULL, NULL, NULL);
    /* Admins keep no clients: an import of theirs names an agent. */
    harness_refused(import_rows(root, rows, NULL, 1, false, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(import_rows(olga, rows, NULL, 1, false, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(import_rows(olga, rows, NULL, 1, true, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    /* An agent names only itself, and learns nothing of other names. */
    Folio__Client *clients[1] = {&rows[0].client};
    harness_refused(
        folio_client_import_fields(alice, clients, NULL, 1, NULL, 0, bob_name, false, &err), &err,
        FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(
        folio_client_import_fields(alice, clients, NULL, 1, NULL, 0, "nobody", false, &err), &err,
        FOLIO__CODE__PERMISSION_DENIED);
    cr_assert_eq(audit_count("client.import"), 0);

    /* Without a session at all. */
    struct folio_connection *anon = harness_connect(&srv);
    Folio__Response *r = import_rows(anon, rows, NULL, 1, false, &err);
    cr_assert_null(r, "an import without a session succeeded");
    cr_assert_eq(err.code, FOLIO__CODE__UNAUTHENTICATED, "code %d (%s)", err.code, err.message);
    folio_connection_close(anon);
    folio_connection_close(olga);
    finish();
}

Test(client_import, at_most_1000_clients_in_one_request)
{
    struct folio_error err = {0};
    enum { N = 1001 };
    struct row *rows = calloc(N, sizeof(*rows));
    char(*names)[16] = calloc(N, sizeof(*names));
    cr_assert(rows != NULL && names != NULL);
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "Client %zu", i);
        row_init(&rows[i], names[i], NULL, NULL, NULL, NULL);
    }
    harness_refused(import_rows(alice, rows, NULL, N, false, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(portfolio_size(alice), 0, "nothing of a refused request is imported");
    cr_assert_eq(audit_count("client.import"), 0);

    Folio__Response *r = harness_ok(import_rows(alice, rows, NULL, N - 1, false, &err), &err);
    cr_assert_eq(r->client_import->created, N - 1, "%s", notes_text(r->client_import));
    folio_response_free(r);
    cr_assert_eq(portfolio_size(alice), N - 1);
    free(rows);
    free(names);
    finish();
}
