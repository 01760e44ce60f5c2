/* test_profile.c - agents' cards, against a real foliod.
 *
 * The firm: office North, alice and carl agents in it, next to the
 * firm-admin root. Every user keeps its own card. The tests share one
 * server (harness_shared_start), each with an office and agents of its own,
 * named after its process (North-PID, alice-PID, carl-PID); the test that
 * restarts the server starts its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "envelope.h"
#include "harness.h"

#define PW_ALICE "alice-password"
#define PW_CARL  "carl-password"

static struct harness_server srv;
static struct folio_connection *root, *alice;

/* This test's office and agents. */
static char north[32], alice_name[32], carl_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "profile") == 0)
        harness_shared_start("profile", NULL, NULL);
}

/* After every test has ended: Criterion reports POST_SUITE once it has
 * started the suite's last test, which may still run (--jobs above 1). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("profile");
}

static void people(void)
{
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(carl_name, sizeof(carl_name), "carl-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
    harness_add_user(root, carl_name, FOLIO__ROLE__ROLE_AGENT, north, PW_CARL);
    alice = harness_user(&srv, alice_name, PW_ALICE);
}

static void setup(void)
{
    harness_shared_attach(&srv, "profile");
    people();
}

/* For the test that restarts its server. */
static void setup_own(void)
{
    harness_server_start(&srv, NULL);
    people();
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(profile, .init = setup, .fini = teardown);
TestSuite(profile_own, .init = setup_own, .fini = teardown);

static void finish(void)
{
    folio_connection_close(alice);
    folio_connection_close(root);
    alice = root = NULL;
    harness_server_finish(&srv);
}

/* Sets the named fields (NULL-terminated) from card. */
static Folio__Response *profile_set(struct folio_connection *c, Folio__AgentCard *card,
                                    const char *const *fields, struct folio_error *err)
{
    size_t n = 0;
    while (fields != NULL && fields[n] != NULL)
        n++;
    Folio__ProfileSet op = FOLIO__PROFILE_SET__INIT;
    op.card = card;
    op.fields = (char **)fields;
    op.n_fields = n;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *profile_get(struct folio_connection *c, struct folio_error *err)
{
    Folio__ProfileGet op = FOLIO__PROFILE_GET__INIT;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static void assert_invalid(Folio__AgentCard *card, const char *field)
{
    struct folio_error err = {0};
    const char *fields[] = {field, NULL};
    harness_refused(profile_set(alice, card, fields, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_not_null(strstr(err.message, field), "\"%s\" does not name %s", err.message, field);
}

static bool audit_has(const char *action, const char *target, const char *detail)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->audit->n_records && !found; i++) {
        const Folio__AuditRecord *a = r->audit->records[i];
        found = strcmp(a->action, action) == 0 && strcmp(a->target, target) == 0 &&
                (detail == NULL || strcmp(a->detail, detail) == 0);
    }
    folio_response_free(r);
    return found;
}

Test(profile, a_user_without_a_card_gets_an_empty_one)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(profile_get(alice, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_CARD);
    cr_assert_str_eq(r->card->user, alice_name);
    cr_assert_str_eq(r->card->display_name, "");
    cr_assert_str_eq(r->card->phone, "");
    folio_response_free(r);
    struct folio_connection *anon = harness_connect(&srv);
    harness_refused(profile_get(anon, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    const char *fields[] = {"phone", NULL};
    Folio__AgentCard card = FOLIO__AGENT_CARD__INIT;
    harness_refused(profile_set(anon, &card, fields, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(anon);
    finish();
}

Test(profile, each_user_sets_its_own_card_field_by_field)
{
    struct folio_error err = {0};
    Folio__AgentCard card = FOLIO__AGENT_CARD__INIT;
    card.display_name = (char *)"Alice Ramos";
    card.phone = (char *)"+51 (1) 555-0101";
    card.email = (char *)"alice@example.com";
    card.hours = (char *)"Mon-Fri 9-18";
    const char *all[] = {"display_name", "phone", "email", "hours", NULL};
    Folio__Response *r = harness_ok(profile_set(alice, &card, all, &err), &err);
    cr_assert_str_eq(r->card->user, alice_name);
    cr_assert_str_eq(r->card->display_name, "Alice Ramos");
    cr_assert_str_eq(r->card->phone, "+51 (1) 555-0101");
    cr_assert_str_eq(r->card->email, "alice@example.com");
    cr_assert_str_eq(r->card->hours, "Mon-Fri 9-18");
    cr_assert_gt(r->card->updated_at, 0);
    folio_response_free(r);
    cr_assert(audit_has("profile.set", alice_name, "display_name,phone,email,hours"));

    /* Only the fields named change; an empty value clears. */
    Folio__AgentCard change = FOLIO__AGENT_CARD__INIT;
    change.display_name = (char *)"ignored";
    const char *clear_hours[] = {"hours", NULL};
    r = harness_ok(profile_set(alice, &change, clear_hours, &err), &err);
    cr_assert_str_eq(r->card->display_name, "Alice Ramos");
    cr_assert_str_eq(r->card->hours, "");
    folio_response_free(r);
    r = harness_ok(profile_get(alice, &err), &err);
    cr_assert_str_eq(r->card->display_name, "Alice Ramos");
    cr_assert_str_eq(r->card->phone, "+51 (1) 555-0101");
    cr_assert_str_eq(r->card->hours, "");
    folio_response_free(r);

    /* Another user sees only its own card; admins keep one too. */
    struct folio_connection *carl = harness_user(&srv, carl_name, PW_CARL);
    r = harness_ok(profile_get(carl, &err), &err);
    cr_assert_str_eq(r->card->user, carl_name);
    cr_assert_str_eq(r->card->display_name, "");
    folio_response_free(r);
    folio_connection_close(carl);
    const char *phone[] = {"phone", NULL};
    card.phone = (char *)"555 0000";
    r = harness_ok(profile_set(root, &card, phone, &err), &err);
    cr_assert_str_eq(r->card->user, HARNESS_ADMIN);
    cr_assert_str_eq(r->card->phone, "555 0000");
    cr_assert_str_eq(r->card->display_name, "");
    folio_response_free(r);
    finish();
}

Test(profile, cards_are_validated_field_by_field)
{
    struct folio_error err = {0};
    Folio__AgentCard card = FOLIO__AGENT_CARD__INIT;
    harness_refused(profile_set(alice, &card, NULL, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_not_null(strstr(err.message, "fields"), "%s", err.message);
    const char *unknown[] = {"nickname", NULL};
    harness_refused(profile_set(alice, &card, unknown, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_not_null(strstr(err.message, "fields"), "%s", err.message);
    const char *twice[] = {"hours", "phone", "hours", NULL};
    harness_refused(profile_set(alice, &card, twice, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_str_eq(err.message, "fields: hours named twice");

    char long_text[256];
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    card.display_name = long_text;
    assert_invalid(&card, "display_name");
    card.display_name = (char *)"tab\there";
    assert_invalid(&card, "display_name");
    card.phone = (char *)"call me";
    assert_invalid(&card, "phone");
    card.phone = (char *)"12345678901234567890123456789012345678901";
    assert_invalid(&card, "phone");
    card.email = (char *)"no-at-sign";
    assert_invalid(&card, "email");
    card.email = (char *)"two@at@signs";
    assert_invalid(&card, "email");
    card.email = long_text;
    assert_invalid(&card, "email");
    card.hours = long_text;
    assert_invalid(&card, "hours");
    /* Nothing was stored. */
    Folio__Response *r = harness_ok(profile_get(alice, &err), &err);
    cr_assert_str_eq(r->card->display_name, "");
    cr_assert_eq(r->card->updated_at, 0);
    folio_response_free(r);
    finish();
}

Test(profile_own, cards_survive_a_restart)
{
    struct folio_error err = {0};
    Folio__AgentCard card = FOLIO__AGENT_CARD__INIT;
    card.display_name = (char *)"Alice Ramos";
    card.email = (char *)"alice@example.com";
    const char *fields[] = {"display_name", "email", NULL};
    folio_response_free(harness_ok(profile_set(alice, &card, fields, &err), &err));
    folio_connection_close(alice);
    folio_connection_close(root);
    harness_server_restart(&srv);
    root = harness_admin(&srv);
    alice = harness_user(&srv, alice_name, PW_ALICE);
    Folio__Response *r = harness_ok(profile_get(alice, &err), &err);
    cr_assert_str_eq(r->card->user, alice_name);
    cr_assert_str_eq(r->card->display_name, "Alice Ramos");
    cr_assert_str_eq(r->card->email, "alice@example.com");
    folio_response_free(r);
    finish();
}
