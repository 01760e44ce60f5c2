/* test_household.c - households against a real foliod: client link and
 * unlink, what client show and segment see, and links kept true where
 * clients go (erasure, merge, reassignment and its undo, release).
 * Bundles between firms are in test_transfer.c.
 *
 * The tests share one server whose clock is CLOCK; each test has an office
 * and agents of its own, named after its process. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "folioclient_reassign.h"
#include "folioclient_transfer.h"
#include "harness.h"

#define CLOCK "2026-06-10 12:00:00"
#define PW    "household-password"

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob;
static char alice_name[32], bob_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "household") == 0)
        harness_shared_start("household", CLOCK, NULL);
}

/* After every test has ended (see test_client.c). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("household");
}

static void setup(void)
{
    harness_shared_attach(&srv, "household");
    int pid = (int)getpid();
    char office[32];
    snprintf(office, sizeof(office), "Home-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, office);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, office, PW);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, office, PW);
    alice = harness_user(&srv, alice_name, PW);
    bob = harness_user(&srv, bob_name, PW);
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

TestSuite(household, .init = setup, .fini = teardown);

/* ---------------------------------------------------------------- helpers */

static void add(struct folio_connection *c, const char *name, char id[37])
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    client.city = (char *)"Lima";
    Folio__Response *r = harness_ok(folio_client_add(c, &client, false, &err), &err);
    snprintf(id, 37, "%s", r->client->id);
    folio_response_free(r);
}

static void link_as(const char *a, const char *b, const char *relation)
{
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_client_link(alice, a, b, relation, &err), &err));
}

static Folio__Client *show(struct folio_connection *c, const char *id)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_get(c, id, false, &err), &err);
    Folio__Client *client = r->client;
    r->client = NULL;
    folio_response_free(r);
    return client;
}

/* The relation c's record gives other, or NULL when they are not linked. */
static const char *relation_of(const Folio__Client *c, const char *other)
{
    for (size_t i = 0; i < c->n_household; i++)
        if (strcmp(c->household[i]->client_id, other) == 0)
            return c->household[i]->relation;
    return NULL;
}

static size_t household_size(struct folio_connection *c, const char *id)
{
    Folio__Client *client = show(c, id);
    size_t n = client->n_household;
    folio__client__free_unpacked(client, NULL);
    return n;
}

/* Whether the client's history holds a household note containing words. */
static bool noted(struct folio_connection *c, const char *id, const char *words)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_history(c, id, 100, 0, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->timeline->n_events && !found; i++) {
        const Folio__TimelineEvent *ev = r->timeline->events[i];
        found = strcmp(ev->what, "household") == 0 && strstr(ev->note, words) != NULL;
    }
    folio_response_free(r);
    return found;
}

/* ---------------------------------------------------------------- link, unlink */

Test(household, a_link_is_on_both_records_with_its_inverse)
{
    struct folio_error err = {0};
    char ana[37], luis[37], sofia[37];
    add(alice, "Ana Link", ana);
    add(alice, "Luis Link", luis);
    add(alice, "Sofia Link", sofia);
    link_as(ana, luis, "spouse");
    /* Sofia is Ana's child: Ana is Sofia's parent. By id prefix, too. */
    char prefix[9];
    snprintf(prefix, sizeof(prefix), "%.8s", sofia);
    Folio__Response *r = harness_ok(folio_client_link(alice, ana, prefix, "child", &err), &err);
    cr_assert_eq(r->client->n_household, 2);
    cr_assert_str_eq(relation_of(r->client, sofia), "child");
    for (size_t i = 0; i < r->client->n_household; i++)
        if (strcmp(r->client->household[i]->client_id, sofia) == 0)
            cr_assert_str_eq(r->client->household[i]->name, "Sofia Link");
    folio_response_free(r);

    Folio__Client *c = show(alice, sofia);
    cr_assert_str_eq(relation_of(c, ana), "parent");
    cr_assert_null(relation_of(c, luis), "a link is between two clients, not a group");
    folio__client__free_unpacked(c, NULL);
    c = show(alice, luis);
    cr_assert_str_eq(relation_of(c, ana), "spouse");
    cr_assert_eq(c->household[0]->name[0] != '\0', true, "names are filled for show");
    folio__client__free_unpacked(c, NULL);

    /* Linking again changes the relation, not the count. */
    link_as(ana, luis, "partner");
    c = show(alice, luis);
    cr_assert_eq(c->n_household, 1);
    cr_assert_str_eq(relation_of(c, ana), "partner");
    folio__client__free_unpacked(c, NULL);

    /* Segments count a client's household with the client. */
    Folio__Segment seg = FOLIO__SEGMENT__INIT;
    seg.household_size_min = 3;
    r = harness_ok(folio_segment(alice, &seg, &err), &err);
    cr_assert_eq(r->segment->n_clients, 1);
    cr_assert_str_eq(r->segment->clients[0]->id, ana);
    folio_response_free(r);
    seg.household_size_min = 2;
    r = harness_ok(folio_segment(alice, &seg, &err), &err);
    cr_assert_eq(r->segment->n_clients, 3);
    folio_response_free(r);

    r = harness_ok(folio_client_unlink(alice, luis, ana, &err), &err);
    cr_assert_eq(r->client->n_household, 0);
    folio_response_free(r);
    cr_assert_eq(household_size(alice, ana), 1);
    cr_assert(noted(alice, ana, "unlinked from Luis Link"));
    harness_refused(folio_client_unlink(alice, luis, ana, &err), &err, FOLIO__CODE__NOT_FOUND);
}

Test(household, refusals_change_nothing)
{
    struct folio_error err = {0};
    char ana[37], theirs[37];
    add(alice, "Ana Refused", ana);
    add(bob, "Bob's Client", theirs);
    harness_refused(folio_client_link(alice, ana, ana, "spouse", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "other_id: ", 10), 0, "%s", err.message);
    harness_refused(folio_client_link(alice, ana, theirs, "spouse", &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    char other[37];
    add(alice, "Other Refused", other);
    harness_refused(folio_client_link(alice, ana, other, "cousin", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "relation: ", 10), 0, "%s", err.message);
    cr_assert_eq(household_size(alice, ana), 0);

    /* A household holds at most CLIENT_HOUSEHOLD_MAX (16) links. */
    for (int i = 0; i < 16; i++) {
        char name[32], id[37];
        snprintf(name, sizeof(name), "Member %d", i);
        add(alice, name, id);
        link_as(ana, id, "other");
    }
    harness_refused(folio_client_link(alice, ana, other, "other", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "household: ", 11), 0, "%s", err.message);
    cr_assert_eq(household_size(alice, other), 0);
}

/* ---------------------------------------------------------------- where clients go */

Test(household, an_erased_client_leaves_the_household)
{
    struct folio_error err = {0};
    char ana[37], luis[37];
    add(alice, "Ana Erase", ana);
    add(alice, "Luis Erase", luis);
    link_as(ana, luis, "spouse");
    folio_response_free(harness_ok(folio_client_erase(alice, luis, &err), &err));
    cr_assert_eq(household_size(alice, ana), 0);
    cr_assert(noted(alice, ana, "dropped: the client was erased"));
}

Test(household, a_merge_moves_the_links_to_the_client_kept)
{
    struct folio_error err = {0};
    char keep[37], other[37], kid[37];
    add(alice, "Eva Merge", keep);
    add(alice, "Eva M.", other);
    add(alice, "Kid Merge", kid);
    link_as(other, kid, "child");
    link_as(keep, other, "other");
    folio_response_free(harness_ok(folio_client_merge(alice, keep, other, &err), &err));
    Folio__Client *c = show(alice, keep);
    cr_assert_eq(c->n_household, 1, "the link between the two merged is gone");
    cr_assert_str_eq(relation_of(c, kid), "child");
    folio__client__free_unpacked(c, NULL);
    c = show(alice, kid);
    cr_assert_eq(c->n_household, 1);
    cr_assert_str_eq(relation_of(c, keep), "parent");
    folio__client__free_unpacked(c, NULL);
}

Test(household, reassignment_keeps_households_that_move_together)
{
    struct folio_error err = {0};
    char ana[37], luis[37], kid[37];
    add(alice, "Ana Move", ana);
    add(alice, "Luis Move", luis);
    add(alice, "Kid Move", kid);
    link_as(ana, luis, "spouse");
    link_as(ana, kid, "child");

    /* The couple moves, the child stays: the couple stays linked, the
     * child's link goes from both ends, with a note on each. */
    const char *ids[] = {ana, luis};
    Folio__Response *r =
        harness_ok(folio_reassign(root, alice_name, bob_name, ids, 2, false, &err), &err);
    uint64_t reassignment = r->reassign->id;
    folio_response_free(r);
    Folio__Client *c = show(bob, ana);
    cr_assert_eq(c->n_household, 1);
    cr_assert_str_eq(relation_of(c, luis), "spouse");
    folio__client__free_unpacked(c, NULL);
    cr_assert_eq(household_size(alice, kid), 0);
    cr_assert(noted(alice, kid, "it no longer has the same agent"));
    cr_assert(noted(bob, ana, "Kid Move"));

    /* The versions the reassignment recorded are the ones after the drop:
     * the undo goes through. */
    folio_response_free(harness_ok(folio_reassign_undo(root, reassignment, &err), &err));
    c = show(alice, ana);
    cr_assert_str_eq(relation_of(c, luis), "spouse");
    cr_assert_null(relation_of(c, kid), "a dropped link is not made again");
    folio__client__free_unpacked(c, NULL);
}

Test(household, a_release_drops_links_to_clients_kept)
{
    char ana[37], luis[37], path[64];
    add(alice, "Ana Release", ana);
    add(alice, "Luis Release", luis);
    link_as(ana, luis, "spouse");
    snprintf(path, sizeof(path), "/tmp/folio-household-%d.bundle", (int)getpid());
    FILE *f = fopen(path, "w+");
    cr_assert_not_null(f);
    const char *ids[] = {ana};
    struct folio_error err = {0};
    folio_response_free(harness_ok(
        folio_export_to_fd(alice, NULL, ids, 1, true, NULL, fileno(f), NULL, NULL, &err), &err));
    fclose(f);
    unlink(path);
    cr_assert_eq(household_size(alice, luis), 0);
    cr_assert(noted(alice, luis, "Ana Release"));
}
