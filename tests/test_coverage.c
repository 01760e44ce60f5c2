/* test_coverage.c - an admin covering for an agent against a real foliod:
 * agenda, client list, find and show and book with as_agent and a reason,
 * for the agents the admin manages only, each read audited with the
 * reason, and no write on the agent's behalf.
 *
 * The tests share one server whose clock is CLOCK; each test has offices,
 * agents and an office-admin of its own, named after its process. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "folioclient_account.h"
#include "harness.h"

#define CLOCK "2026-06-10 12:00:00"
#define PW    "coverage-password"

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob, *olga;
static char alice_name[32], bob_name[32], olga_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "coverage") == 0)
        harness_shared_start("coverage", CLOCK, NULL);
}

/* After every test has ended (see test_client.c). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("coverage");
}

/* alice and olga (its office-admin) in one office, bob in another. */
static void setup(void)
{
    harness_shared_attach(&srv, "coverage");
    int pid = (int)getpid();
    char here[32], there[32];
    snprintf(here, sizeof(here), "Cover-%d", pid);
    snprintf(there, sizeof(there), "Away-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    snprintf(olga_name, sizeof(olga_name), "olga-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, here);
    harness_add_office(root, there);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, here, PW);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, there, PW);
    harness_add_user(root, olga_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, here, PW);
    alice = harness_user(&srv, alice_name, PW);
    bob = harness_user(&srv, bob_name, PW);
    olga = harness_user(&srv, olga_name, PW);
}

static void teardown(void)
{
    folio_connection_close(olga);
    folio_connection_close(bob);
    folio_connection_close(alice);
    folio_connection_close(root);
    olga = bob = alice = root = NULL;
    harness_server_finish(&srv);
    harness_server_cleanup(&srv);
}

TestSuite(coverage, .init = setup, .fini = teardown);

/* ---------------------------------------------------------------- helpers */

/* A client of c's with a birthday two days after CLOCK (on the agenda). */
static void add(struct folio_connection *c, const char *name, char id[37])
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    client.birth_date = (char *)"1980-06-12";
    client.city = (char *)"Lima";
    Folio__Response *r = harness_ok(folio_client_add(c, &client, false, &err), &err);
    snprintf(id, 37, "%s", r->client->id);
    folio_response_free(r);
}

static Folio__Response *agenda_as(struct folio_connection *c, const char *agent, const char *reason,
                                  struct folio_error *err)
{
    Folio__AgendaQuery q = FOLIO__AGENDA_QUERY__INIT;
    q.date = (char *)"2026-06-10";
    q.as_agent = (char *)agent;
    q.reason = (char *)reason;
    return folio_agenda_query(c, &q, err);
}

static Folio__Response *list_as(struct folio_connection *c, const char *agent, const char *reason,
                                struct folio_error *err)
{
    Folio__ClientList q = FOLIO__CLIENT_LIST__INIT;
    q.as_agent = (char *)agent;
    q.reason = (char *)reason;
    return folio_client_list_op(c, &q, err);
}

static Folio__Response *find_as(struct folio_connection *c, const char *text, const char *agent,
                                const char *reason, struct folio_error *err)
{
    Folio__ClientFind q = FOLIO__CLIENT_FIND__INIT;
    q.text = (char *)text;
    q.as_agent = (char *)agent;
    q.reason = (char *)reason;
    return folio_client_find_op(c, &q, err);
}

static Folio__Response *show_as(struct folio_connection *c, const char *id, const char *agent,
                                const char *reason, struct folio_error *err)
{
    Folio__ClientGet q = FOLIO__CLIENT_GET__INIT;
    q.id = (char *)id;
    q.as_agent = (char *)agent;
    q.reason = (char *)reason;
    return folio_client_get_op(c, &q, err);
}

static Folio__Response *book_as(struct folio_connection *c, const char *agent, const char *reason,
                                struct folio_error *err)
{
    Folio__BookQuery q = FOLIO__BOOK_QUERY__INIT;
    q.as_agent = (char *)agent;
    q.reason = (char *)reason;
    return folio_book(c, &q, err);
}

/* How many cover.read records actor has whose detail holds words. */
static size_t covered(const char *actor, const char *words)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(root, actor, 0, 1000, 0, &err), &err);
    size_t n = 0;
    for (size_t i = 0; i < r->audit->n_records; i++) {
        const Folio__AuditRecord *a = r->audit->records[i];
        n += strcmp(a->action, "cover.read") == 0 && strstr(a->detail, words) != NULL;
    }
    folio_response_free(r);
    return n;
}

/* ---------------------------------------------------------------- reads */

Test(coverage, an_office_admin_reads_its_agents_agenda_and_clients_audited)
{
    struct folio_error err = {0};
    char ana[37], other[37];
    add(alice, "Ana Covered", ana);
    add(bob, "Bea Elsewhere", other);

    /* The agenda olga sees is alice's own. */
    Folio__Response *own = harness_ok(agenda_as(alice, "", "", &err), &err);
    Folio__Response *r = harness_ok(agenda_as(olga, alice_name, "alice is ill", &err), &err);
    cr_assert_eq(r->agenda->n_items, own->agenda->n_items);
    bool birthday = false;
    for (size_t i = 0; i < r->agenda->n_items; i++)
        birthday |= strcmp(r->agenda->items[i]->client_id, ana) == 0;
    cr_assert(birthday, "alice's client's birthday is on the agenda read for her");
    folio_response_free(own);
    folio_response_free(r);
    cr_assert_eq(covered(olga_name, "agenda: alice is ill"), 1);

    r = harness_ok(list_as(olga, alice_name, "alice is ill", &err), &err);
    cr_assert_eq(r->clients->n_clients, 1);
    cr_assert_str_eq(r->clients->clients[0]->id, ana);
    folio_response_free(r);
    cr_assert_eq(covered(olga_name, "client list: alice is ill"), 1);

    r = harness_ok(find_as(olga, "ana", alice_name, "a call came in", &err), &err);
    cr_assert_eq(r->clients->n_clients, 1);
    cr_assert_str_eq(r->clients->clients[0]->name, "Ana Covered");
    folio_response_free(r);
    cr_assert_eq(covered(olga_name, "client find: a call came in"), 1);

    /* By an id prefix, too; the name is matched whatever its case. */
    char prefix[9];
    snprintf(prefix, sizeof(prefix), "%.8s", ana);
    char upper[32];
    snprintf(upper, sizeof(upper), "ALICE-%d", (int)getpid());
    r = harness_ok(show_as(olga, prefix, upper, "a call came in", &err), &err);
    cr_assert_str_eq(r->client->id, ana);
    cr_assert_str_eq(r->client->owner, alice_name);
    folio_response_free(r);
    char whose[64];
    snprintf(whose, sizeof(whose), "covering for %s, client show", alice_name);
    cr_assert_eq(covered(olga_name, whose), 1);

    /* Another agent's client reads as no client, as one that does not exist. */
    harness_refused(show_as(olga, other, alice_name, "a call came in", &err), &err,
                    FOLIO__CODE__NOT_FOUND);

    r = harness_ok(book_as(olga, alice_name, "weekly cover", &err), &err);
    cr_assert_eq(r->book->clients, 1);
    folio_response_free(r);
    cr_assert_eq(covered(olga_name, "book: weekly cover"), 1);

    /* A firm-admin covers for anyone. */
    r = harness_ok(list_as(root, bob_name, "audit of the firm", &err), &err);
    cr_assert_eq(r->clients->n_clients, 1);
    cr_assert_str_eq(r->clients->clients[0]->id, other);
    folio_response_free(r);
    r = harness_ok(show_as(root, other, bob_name, "audit of the firm", &err), &err);
    folio_response_free(r);
}

/* ---------------------------------------------------------------- refusals */

Test(coverage, scope_reason_and_role_are_checked_and_nothing_is_audited)
{
    struct folio_error err = {0};
    char ana[37], other[37];
    add(alice, "Ana Refusals", ana);
    add(bob, "Bea Refusals", other);

    /* Outside olga's office. */
    harness_refused(agenda_as(olga, bob_name, "curious", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(list_as(olga, bob_name, "curious", &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(find_as(olga, "bea", bob_name, "curious", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(show_as(olga, other, bob_name, "curious", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(book_as(olga, bob_name, "curious", &err), &err, FOLIO__CODE__PERMISSION_DENIED);

    /* The reason is required. */
    harness_refused(agenda_as(olga, alice_name, "", &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "reason: ", 8), 0, "%s", err.message);
    harness_refused(list_as(olga, alice_name, "", &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(find_as(olga, "ana", alice_name, "", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(show_as(olga, ana, alice_name, "", &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(book_as(olga, alice_name, "", &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(agenda_as(olga, alice_name, "bad\ttab", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);

    /* No such agent; an admin is no agent. */
    harness_refused(list_as(olga, "nobody-at-all", "why", &err), &err, FOLIO__CODE__NOT_FOUND);
    harness_refused(list_as(root, olga_name, "why", &err), &err, FOLIO__CODE__NOT_FOUND);

    /* Agents cover for nobody, not even themselves. */
    harness_refused(agenda_as(bob, alice_name, "why", &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(list_as(alice, alice_name, "why", &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(show_as(bob, ana, alice_name, "why", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);

    /* Firm searches and firm-admin reads do not mix with covering. */
    Folio__ClientFind q = FOLIO__CLIENT_FIND__INIT;
    q.text = (char *)"ana";
    q.firm = true;
    q.as_agent = alice_name;
    q.reason = (char *)"why";
    harness_refused(folio_client_find_op(root, &q, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    Folio__ClientGet g = FOLIO__CLIENT_GET__INIT;
    g.id = ana;
    g.firm_admin_read = true;
    g.as_agent = alice_name;
    g.reason = (char *)"why";
    harness_refused(folio_client_get_op(root, &g, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);

    cr_assert_eq(covered(olga_name, ""), 0, "a refused read is not audited");
    cr_assert_eq(covered(alice_name, ""), 0);
    cr_assert_eq(covered(bob_name, ""), 0);
}

/* Writes take no as_agent: the admin changes nothing of the agent's. */
Test(coverage, writes_stay_the_owners)
{
    struct folio_error err = {0};
    char ana[37];
    add(alice, "Ana Unchanged", ana);
    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.city = (char *)"Quito";
    const char *fields[] = {"city"};
    harness_refused(folio_client_update(olga, ana, &changes, fields, 1, 0, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_client_update(root, ana, &changes, fields, 1, 0, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    Folio__Response *r = harness_ok(show_as(olga, ana, alice_name, "check", &err), &err);
    cr_assert_str_eq(r->client->city, "Lima");
    folio_response_free(r);
}

/* ---------------------------------------------------------------- privacy-law requests */

Test(coverage, a_firm_admin_finds_and_erases_a_subject_audited)
{
    struct folio_error err = {0};
    char ana[37], keep[37];
    char name[48];
    snprintf(name, sizeof(name), "Subject %d", (int)getpid());
    add(bob, name, ana);
    add(bob, "Kept Client", keep);

    /* subject find is client find --firm: ids and owners, audited. */
    Folio__ClientFind q = FOLIO__CLIENT_FIND__INIT;
    q.text = name;
    q.firm = true;
    Folio__Response *r = harness_ok(folio_client_find_op(root, &q, &err), &err);
    cr_assert_eq(r->clients->n_clients, 1);
    cr_assert_str_eq(r->clients->clients[0]->id, ana);
    cr_assert_str_eq(r->clients->clients[0]->owner, bob_name);
    folio_response_free(r);
    harness_refused(folio_client_find_op(olga, &q, &err), &err, FOLIO__CODE__PERMISSION_DENIED);

    /* Only a firm-admin erases on request, with a reason. */
    harness_refused(folio_subject_erase(olga, ana, "request 7", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_subject_erase(bob, ana, "request 7", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_subject_erase(root, ana, "", &err), &err, FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_subject_erase(root, ana, "bad\nline", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    r = harness_ok(folio_client_get(bob, ana, false, &err), &err);
    folio_response_free(r);

    /* By an id prefix, whoever keeps the client. */
    char prefix[9];
    snprintf(prefix, sizeof(prefix), "%.8s", ana);
    folio_response_free(harness_ok(folio_subject_erase(root, prefix, "request 7", &err), &err));
    harness_refused(folio_client_get(bob, ana, false, &err), &err, FOLIO__CODE__NOT_FOUND);
    r = harness_ok(folio_client_get(bob, keep, false, &err), &err);
    folio_response_free(r);

    r = harness_ok(folio_audit_query(root, HARNESS_ADMIN, 0, 1000, 0, &err), &err);
    bool erased = false;
    for (size_t i = 0; i < r->audit->n_records; i++) {
        const Folio__AuditRecord *a = r->audit->records[i];
        erased |= strcmp(a->action, "client.erase") == 0 && strcmp(a->target, ana) == 0 &&
                  strcmp(a->detail, "privacy-law request: request 7") == 0;
    }
    folio_response_free(r);
    cr_assert(erased, "the erasure is audited with the reason");
}
