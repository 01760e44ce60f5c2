/* test_client.c - client records, timelines, events and segments, against a
 * real foliod.
 *
 * The tests share one server (harness_shared_start); each starts with offices
 * and people of its own, named after its process (North-PID, alice-PID, ...):
 *   olga   office-admin of North
 *   alice  agent in North            carl   agent in North
 *   bob    agent in South
 * next to the firm-admin root. The test that restarts its server has one of
 * its own. Requests are built here and sent with
 * folio_connection_call, so these tests depend on the wire alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "client_id.h"
#include "envelope.h"
#include "harness.h"
#include "store.h"
#include "store_client.h"

#define PW_OLGA  "olga-password"
#define PW_ALICE "alice-password"
#define PW_CARL  "carl-password"
#define PW_BOB   "bob-password"

#define A_STRANGER_ID "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"

static struct harness_server srv;
static struct folio_connection *root, *alice;
/* This test's offices and people. */
static char north[32], south[32], olga_name[32], alice_name[32], carl_name[32], bob_name[32];
static uint64_t alice_uid, carl_uid, bob_uid;

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "client") == 0)
        harness_shared_start("client", NULL, NULL);
}

/* After every test has ended: Criterion reports POST_SUITE once it has
 * started the suite's last test, which may still run (--jobs above 1). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("client");
}

static void people(void)
{
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(south, sizeof(south), "South-%d", pid);
    snprintf(olga_name, sizeof(olga_name), "olga-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(carl_name, sizeof(carl_name), "carl-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_office(root, south);
    harness_add_user(root, olga_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, north, PW_OLGA);
    alice_uid = harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
    carl_uid = harness_add_user(root, carl_name, FOLIO__ROLE__ROLE_AGENT, north, PW_CARL);
    bob_uid = harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, south, PW_BOB);
    alice = harness_user(&srv, alice_name, PW_ALICE);
}

static void setup(void)
{
    harness_shared_attach(&srv, "client");
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

TestSuite(client, .init = setup, .fini = teardown);
TestSuite(client_own, .init = setup_own, .fini = teardown);

static void finish(void)
{
    folio_connection_close(alice);
    folio_connection_close(root);
    alice = root = NULL;
    harness_server_finish(&srv);
}

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

static Folio__Response *get_client(struct folio_connection *c, const char *id, bool firm_admin_read,
                                   struct folio_error *err)
{
    Folio__ClientGet op = FOLIO__CLIENT_GET__INIT;
    op.id = (char *)id;
    op.firm_admin_read = firm_admin_read;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *list_sorted(struct folio_connection *c, uint32_t limit, const char *after,
                                    const char *sort, bool reverse, struct folio_error *err)
{
    Folio__ClientList op = FOLIO__CLIENT_LIST__INIT;
    op.limit = limit;
    op.after = (char *)(after ? after : "");
    op.sort = (char *)(sort ? sort : "");
    op.reverse = reverse;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *list_clients(struct folio_connection *c, uint32_t limit, const char *after,
                                     struct folio_error *err)
{
    return list_sorted(c, limit, after, NULL, false, err);
}

/* Sets one field, named as in folio.proto, to its value in changes. */
static Folio__Response *update_client(struct folio_connection *c, const char *id,
                                      Folio__Client *changes, const char *field,
                                      uint64_t if_version, struct folio_error *err)
{
    Folio__ClientUpdate op = FOLIO__CLIENT_UPDATE__INIT;
    char *fields[1] = {(char *)field};
    op.id = (char *)id;
    op.client = changes;
    op.fields = fields;
    op.n_fields = field != NULL ? 1 : 0;
    op.if_version = if_version;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *erase_client(struct folio_connection *c, const char *id,
                                     struct folio_error *err)
{
    Folio__ClientErase op = FOLIO__CLIENT_ERASE__INIT;
    op.id = (char *)id;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *client_history(struct folio_connection *c, const char *id,
                                       struct folio_error *err)
{
    Folio__ClientHistory op = FOLIO__CLIENT_HISTORY__INIT;
    op.id = (char *)id;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *add_event(struct folio_connection *c, const char *id, const char *kind,
                                  const char *what, const char *date, struct folio_error *err)
{
    Folio__EventAdd op = FOLIO__EVENT_ADD__INIT;
    op.client_id = (char *)id;
    op.kind = (char *)kind;
    op.what = (char *)(what ? what : "");
    op.date = (char *)(date ? date : "");
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *add_income(struct folio_connection *c, const char *id, int64_t cents,
                                   const char *currency, struct folio_error *err)
{
    Folio__EventAdd op = FOLIO__EVENT_ADD__INIT;
    op.client_id = (char *)id;
    op.kind = (char *)"income";
    op.amount_cents = cents;
    op.currency = (char *)currency;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *segment(struct folio_connection *c, Folio__Segment *seg,
                                struct folio_error *err)
{
    Folio__Request req;
    envelope_init(&req, &seg->base);
    return folio_connection_call(c, &req, err);
}

/* Adds a client with just a name; returns its id (free()). */
static char *add_named(struct folio_connection *c, const char *name)
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    Folio__Response *r = harness_ok(add_client(c, &client, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_CLIENT);
    char *id = strdup(r->client->id);
    cr_assert_not_null(id);
    folio_response_free(r);
    return id;
}

/* Asserts NOT_FOUND "no client ID", the answer that gives nothing away. */
static void assert_hidden(Folio__Response *r, const struct folio_error *err, const char *id,
                          const char *what)
{
    cr_assert_null(r, "%s: succeeded", what);
    cr_assert_eq(err->code, FOLIO__CODE__NOT_FOUND, "%s: code %d (%s)", what, err->code,
                 err->message);
    char expected[128];
    snprintf(expected, sizeof(expected), "no client %s", id);
    cr_assert_str_eq(err->message, expected, "%s", what);
}

/* Every op on client id, by c, answered NOT_FOUND the same way. */
static void assert_all_hidden(struct folio_connection *c, const char *id, const char *who)
{
    struct folio_error err = {0};
    char what[128];
    snprintf(what, sizeof(what), "%s get", who);
    assert_hidden(get_client(c, id, false, &err), &err, id, what);
    snprintf(what, sizeof(what), "%s get (firm_admin_read)", who);
    if (strcmp(who, "root") != 0)
        assert_hidden(get_client(c, id, true, &err), &err, id, what);
    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.city = (char *)"Nowhere";
    snprintf(what, sizeof(what), "%s update", who);
    assert_hidden(update_client(c, id, &changes, "city", 0, &err), &err, id, what);
    snprintf(what, sizeof(what), "%s history", who);
    assert_hidden(client_history(c, id, &err), &err, id, what);
    snprintf(what, sizeof(what), "%s event", who);
    assert_hidden(add_event(c, id, "contact", "call", NULL, &err), &err, id, what);
    snprintf(what, sizeof(what), "%s erase", who);
    assert_hidden(erase_client(c, id, &err), &err, id, what);
}

static bool audit_has(struct folio_connection *admin, const char *action, const char *target,
                      const char *detail)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(admin, NULL, 0, 1000, 0, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->audit->n_records && !found; i++) {
        const Folio__AuditRecord *a = r->audit->records[i];
        found = strcmp(a->action, action) == 0 && strcmp(a->target, target) == 0 &&
                (detail == NULL || strcmp(a->detail, detail) == 0);
    }
    folio_response_free(r);
    return found;
}

static char *today_utc(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
    return out;
}

/* ---------------------------------------------------------------- records */

Test(client, an_agent_adds_and_reads_a_full_record)
{
    struct folio_error err = {0};
    char *phones[] = {"+51 1 555 0101"};
    char *emails[] = {"Maria.Quispe@Example.COM"};
    char *tags[] = {"vip"};
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = true;
    consent.sms = true;
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)"María Quispe";
    client.birth_date = (char *)"1985-03-14";
    client.phones = phones;
    client.n_phones = 1;
    client.emails = emails;
    client.n_emails = 1;
    client.street = (char *)"Av. Arequipa 123";
    client.city = (char *)"Lima";
    client.region = (char *)"Lima";
    client.country = (char *)"pe";
    client.marital_status = FOLIO__MARITAL_STATUS__MARITAL_SINGLE;
    client.income_cents = 5200050;
    client.currency = (char *)"pen";
    client.employment = (char *)"engineer";
    client.tags = tags;
    client.n_tags = 1;
    client.consent = &consent;
    client.notes = (char *)"prefers mornings";
    client.version = 77;    /* the server's */
    client.owner_id = 4242; /* the server's */
    int64_t before = (int64_t)time(NULL);
    Folio__Response *r = harness_ok(add_client(alice, &client, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_CLIENT);
    Folio__Client *c = r->client;
    cr_assert_eq(strlen(c->id), 36);
    cr_assert_str_eq(c->owner, alice_name);
    cr_assert_neq(c->owner_id, 4242);
    cr_assert_eq(c->version, 1);
    cr_assert(c->created_at >= before - 5 && c->created_at <= time(NULL) + 5);
    cr_assert_eq(c->created_at, c->updated_at);
    cr_assert_str_eq(c->name, "María Quispe");
    cr_assert_str_eq(c->country, "PE");
    cr_assert_str_eq(c->currency, "PEN");
    cr_assert_str_eq(c->emails[0], "maria.quispe@example.com");
    cr_assert_eq(c->income_cents, 5200050);
    cr_assert_eq(c->n_income_history, 1);
    cr_assert_eq(c->income_history[0]->amount_cents, 5200050);
    char today[11];
    cr_assert_str_eq(c->income_history[0]->date, today_utc(today));
    cr_assert_str_neq(c->income_trend, "");
    cr_assert(c->consent != NULL && c->consent->email && c->consent->sms && !c->consent->phone);
    char *id = strdup(c->id);
    folio_response_free(r);

    r = harness_ok(get_client(alice, id, false, &err), &err);
    cr_assert_str_eq(r->client->id, id);
    cr_assert_str_eq(r->client->owner, alice_name);
    cr_assert_str_eq(r->client->birth_date, "1985-03-14");
    cr_assert_str_eq(r->client->street, "Av. Arequipa 123");
    cr_assert_eq(r->client->marital_status, FOLIO__MARITAL_STATUS__MARITAL_SINGLE);
    cr_assert_str_eq(r->client->notes, "prefers mornings");
    cr_assert_str_neq(r->client->income_trend, "");
    folio_response_free(r);

    /* Upper-case ids name the same client. */
    for (char *p = id; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    folio_response_free(harness_ok(get_client(alice, id, false, &err), &err));

    r = harness_ok(client_history(alice, id, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_TIMELINE);
    cr_assert_eq(r->timeline->n_events, 1);
    cr_assert_str_eq(r->timeline->events[0]->kind, "created");
    cr_assert_str_eq(r->timeline->events[0]->actor, alice_name);
    folio_response_free(r);
    free(id);
    finish();
}

Test(client, only_the_owner_sees_a_client)
{
    struct folio_error err = {0};
    char *id = add_named(alice, "Rosa Huamán");
    struct folio_connection *carl = harness_user(&srv, carl_name, PW_CARL); /* same office */
    struct folio_connection *bob = harness_user(&srv, bob_name, PW_BOB);    /* other office */
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA); /* office-admin */
    assert_all_hidden(carl, id, "carl");
    assert_all_hidden(bob, id, "bob");
    assert_all_hidden(olga, id, "olga");
    assert_all_hidden(root, id, "root");
    /* An id nobody uses gets the very same answer. */
    assert_all_hidden(alice, A_STRANGER_ID, "alice (unknown id)");
    assert_all_hidden(bob, A_STRANGER_ID, "bob (unknown id)");

    /* Nor does the client show up in anybody else's list or segment. */
    struct folio_connection *others[] = {carl, bob, olga, root};
    for (size_t i = 0; i < 4; i++) {
        Folio__Response *r = harness_ok(list_clients(others[i], 0, NULL, &err), &err);
        cr_assert_eq(r->clients->n_clients, 0);
        folio_response_free(r);
        Folio__Segment seg = FOLIO__SEGMENT__INIT;
        r = harness_ok(segment(others[i], &seg, &err), &err);
        cr_assert_eq(r->segment->total, 0);
        cr_assert_eq(r->segment->n_clients, 0);
        folio_response_free(r);
    }

    /* Malformed ids are refused as such. */
    harness_refused(get_client(alice, "not-an-id", false, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_str_eq(err.message, "id: not a client id, nor its first 8 to 32 hex digits");
    harness_refused(erase_client(bob, "", &err), &err, FOLIO__CODE__INVALID_ARGUMENT);

    /* Nothing the others tried changed the record. */
    Folio__Response *r = harness_ok(get_client(alice, id, false, &err), &err);
    cr_assert_eq(r->client->version, 1);
    cr_assert_str_eq(r->client->city, "");
    folio_response_free(r);
    r = harness_ok(client_history(alice, id, &err), &err);
    cr_assert_eq(r->timeline->n_events, 1);
    folio_response_free(r);

    /* Without a session nothing is answered at all. */
    struct folio_connection *anon = harness_connect(&srv);
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)"Someone";
    harness_refused(add_client(anon, &client, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(get_client(anon, id, false, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(list_clients(anon, 0, NULL, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(update_client(anon, id, &client, "name", 0, &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(client_history(anon, id, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(add_event(anon, id, "contact", "call", NULL, &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    Folio__Segment seg = FOLIO__SEGMENT__INIT;
    harness_refused(segment(anon, &seg, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(erase_client(anon, id, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(anon);

    folio_connection_close(carl);
    folio_connection_close(bob);
    folio_connection_close(olga);
    free(id);
    finish();
}

Test(client, a_firm_admin_reads_explicitly_and_is_audited)
{
    struct folio_error err = {0};
    char *id = add_named(alice, "Jorge Salas");
    cr_assert(!audit_has(root, "client.read", id, NULL));
    Folio__Response *r = harness_ok(get_client(root, id, true, &err), &err);
    cr_assert_str_eq(r->client->id, id);
    cr_assert_str_eq(r->client->name, "Jorge Salas");
    cr_assert_str_eq(r->client->owner, alice_name);
    folio_response_free(r);
    char detail[64];
    snprintf(detail, sizeof(detail), "firm-admin read of %s's client", alice_name);
    cr_assert(audit_has(root, "client.read", id, detail));
    /* The flag means nothing to anyone else. */
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    assert_hidden(get_client(olga, id, true, &err), &err, id, "olga");
    folio_connection_close(olga);
    /* The owner's own reads are not audited. */
    folio_response_free(harness_ok(get_client(alice, id, true, &err), &err));
    free(id);
    finish();
}

/* protobuf-c packs fields in declaration order whatever order they arrived
 * in, so two replies holding the same record pack to the same bytes. */
static void assert_same_client(const Folio__Client *a, const Folio__Client *b)
{
    size_t len = protobuf_c_message_get_packed_size(&a->base);
    cr_assert_eq(len, protobuf_c_message_get_packed_size(&b->base));
    uint8_t *x = malloc(len), *y = malloc(len);
    cr_assert(x != NULL && y != NULL);
    protobuf_c_message_pack(&a->base, x);
    protobuf_c_message_pack(&b->base, y);
    cr_assert(memcmp(x, y, len) == 0, "the two replies differ");
    free(x);
    free(y);
}

Test(client, the_owner_and_a_firm_admin_read_the_same_record)
{
    struct folio_error err = {0};
    char *id = add_named(alice, "Pedro Castillo");
    folio_response_free(harness_ok(add_income(alice, id, 4000000, "PEN", &err), &err));
    folio_response_free(harness_ok(add_income(alice, id, 6100000, "PEN", &err), &err));
    Folio__Response *own = harness_ok(get_client(alice, id, false, &err), &err);
    Folio__Response *admin = harness_ok(get_client(root, id, true, &err), &err);
    cr_assert_eq(own->result_case, FOLIO__RESPONSE__RESULT_CLIENT);
    cr_assert_str_eq(own->client->owner, alice_name);
    cr_assert_str_eq(own->client->income_trend, "up");
    cr_assert_eq(own->client->n_income_history, 2);
    cr_assert_eq(own->client->base.n_unknown_fields, 0);
    assert_same_client(own->client, admin->client);
    folio_response_free(own);
    folio_response_free(admin);
    free(id);
    finish();
}

Test(client, only_agents_keep_clients)
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)"Ana Torres";
    harness_refused(add_client(root, &client, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    cr_assert_str_eq(err.message, "only agents keep clients");
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    harness_refused(add_client(olga, &client, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    folio_connection_close(olga);
    finish();
}

/* Adding client fails with INVALID_ARGUMENT and a message naming field. */
static void assert_invalid(Folio__Client *client, const char *field)
{
    struct folio_error err = {0};
    harness_refused(add_client(alice, client, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_not_null(strstr(err.message, field), "\"%s\" does not name %s", err.message, field);
}

Test(client, records_are_validated_field_by_field)
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    assert_invalid(&client, "name");
    assert_invalid(NULL, "name");
    client.name = (char *)"Luis Paredes";
    client.birth_date = (char *)"1990-02-30";
    assert_invalid(&client, "birth_date");
    client.birth_date = (char *)"";
    char *emails[] = {"not an email"};
    client.emails = emails;
    client.n_emails = 1;
    assert_invalid(&client, "email");
    client.n_emails = 0;
    client.country = (char *)"Peru";
    assert_invalid(&client, "country");
    client.country = (char *)"";
    Folio__Response *r = harness_ok(list_clients(alice, 0, NULL, &err), &err);
    cr_assert_eq(r->clients->n_clients, 0, "refused records were stored");
    folio_response_free(r);

    /* Updates are checked the same way, and must name what they change. */
    char *id = add_named(alice, "Luis Paredes");
    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.birth_date = (char *)"31-12-1990";
    harness_refused(update_client(alice, id, &changes, "birth_date", 0, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_not_null(strstr(err.message, "birth_date"), "%s", err.message);
    harness_refused(update_client(alice, id, &changes, NULL, 0, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(update_client(alice, id, &changes, "owner_id", 0, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(update_client(alice, id, &changes, "no_such_field", 0, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    r = harness_ok(get_client(alice, id, false, &err), &err);
    cr_assert_eq(r->client->version, 1);
    cr_assert_str_eq(r->client->birth_date, "");
    folio_response_free(r);
    free(id);
    finish();
}

Test(client, updates_use_optimistic_concurrency)
{
    struct folio_error err = {0};
    char *id = add_named(alice, "Carmen Rojas");
    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.city = (char *)"Arequipa";
    Folio__Response *r = harness_ok(update_client(alice, id, &changes, "city", 1, &err), &err);
    cr_assert_eq(r->client->version, 2);
    cr_assert_str_eq(r->client->city, "Arequipa");
    cr_assert_str_eq(r->client->owner, alice_name);
    cr_assert_geq(r->client->updated_at, r->client->created_at);
    folio_response_free(r);

    changes.city = (char *)"Cusco";
    harness_refused(update_client(alice, id, &changes, "city", 1, &err), &err,
                    FOLIO__CODE__ABORTED);
    char expected[160];
    snprintf(expected, sizeof(expected), "client %s is at version 2, not 1: read it again", id);
    cr_assert_str_eq(err.message, expected);
    r = harness_ok(get_client(alice, id, false, &err), &err);
    cr_assert_str_eq(r->client->city, "Arequipa");
    cr_assert_eq(r->client->version, 2);
    folio_response_free(r);

    r = harness_ok(update_client(alice, id, &changes, "city", 2, &err), &err);
    cr_assert_eq(r->client->version, 3);
    folio_response_free(r);
    /* Without if_version the update simply applies. */
    changes.city = (char *)"Piura";
    r = harness_ok(update_client(alice, id, &changes, "city", 0, &err), &err);
    cr_assert_eq(r->client->version, 4);
    cr_assert_str_eq(r->client->city, "Piura");
    folio_response_free(r);

    r = harness_ok(client_history(alice, id, &err), &err);
    cr_assert_eq(r->timeline->n_events, 4);
    cr_assert_str_eq(r->timeline->events[0]->kind, "updated");
    cr_assert_str_eq(r->timeline->events[0]->what, "city");
    cr_assert_str_eq(r->timeline->events[3]->kind, "created");
    folio_response_free(r);
    cr_assert(audit_has(root, "client.update", id, NULL));
    free(id);
    finish();
}

Test(client, erasure_leaves_nothing_but_the_id_in_the_audit)
{
    struct folio_error err = {0};
    char *id = add_named(alice, "Eraseme Villanueva");
    char *keep = add_named(alice, "Keep Me");
    folio_response_free(harness_ok(add_event(alice, id, "contact", "call", NULL, &err), &err));
    Folio__Response *r = harness_ok(erase_client(alice, id, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_EMPTY);
    folio_response_free(r);
    assert_hidden(get_client(alice, id, false, &err), &err, id, "get after erase");
    assert_hidden(client_history(alice, id, &err), &err, id, "history after erase");
    assert_hidden(erase_client(alice, id, &err), &err, id, "erase after erase");
    assert_hidden(get_client(root, id, true, &err), &err, id, "firm-admin read after erase");
    r = harness_ok(list_clients(alice, 0, NULL, &err), &err);
    cr_assert_eq(r->clients->n_clients, 1);
    cr_assert_str_eq(r->clients->clients[0]->id, keep);
    folio_response_free(r);

    cr_assert(audit_has(root, "client.erase", id, NULL));
    r = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    for (size_t i = 0; i < r->audit->n_records; i++) {
        const Folio__AuditRecord *a = r->audit->records[i];
        cr_assert_null(strstr(a->target, "Eraseme"), "audit %s names the client", a->action);
        cr_assert_null(strstr(a->detail, "Eraseme"), "audit %s names the client", a->action);
    }
    folio_response_free(r);
    free(id);
    free(keep);
    finish();
}

/* ---------------------------------------------------------------- events */

Test(client, events_change_the_record_and_land_on_the_timeline)
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)"Pedro Castillo";
    client.income_cents = 4000000;
    client.currency = (char *)"PEN";
    Folio__Response *r = harness_ok(add_client(alice, &client, &err), &err);
    char *id = strdup(r->client->id);
    folio_response_free(r);
    int64_t before = (int64_t)time(NULL);

    r = harness_ok(add_income(alice, id, 5500000, "PEN", &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_EVENT);
    cr_assert_str_eq(r->event->kind, "income");
    cr_assert_str_eq(r->event->actor, alice_name);
    cr_assert_eq(r->event->amount_cents, 5500000);
    char today[11];
    cr_assert_str_eq(r->event->date, today_utc(today));
    folio_response_free(r);
    r = harness_ok(get_client(alice, id, false, &err), &err);
    cr_assert_eq(r->client->income_cents, 5500000);
    cr_assert_str_eq(r->client->income_trend, "up");
    cr_assert_eq(r->client->n_income_history, 2);
    cr_assert_eq(r->client->version, 2);
    folio_response_free(r);
    folio_response_free(harness_ok(add_income(alice, id, 3000000, "PEN", &err), &err));
    r = harness_ok(get_client(alice, id, false, &err), &err);
    cr_assert_str_eq(r->client->income_trend, "down");
    folio_response_free(r);

    folio_response_free(
        harness_ok(add_event(alice, id, "life", "married", "2024-02-10", &err), &err));
    folio_response_free(
        harness_ok(add_event(alice, id, "life", "child-born", "2025-01-20", &err), &err));
    folio_response_free(
        harness_ok(add_event(alice, id, "purchase", "vehicle", "2025-03-01", &err), &err));
    r = harness_ok(get_client(alice, id, false, &err), &err);
    cr_assert_eq(r->client->marital_status, FOLIO__MARITAL_STATUS__MARITAL_MARRIED);
    cr_assert_eq(r->client->children, 1);
    cr_assert_eq(r->client->n_children_birth_years, 1);
    cr_assert_eq(r->client->children_birth_years[0], 2025);
    cr_assert_eq(r->client->n_purchases, 1);
    cr_assert_str_eq(r->client->purchases[0]->kind, "vehicle");
    cr_assert_str_eq(r->client->purchases[0]->date, "2025-03-01");
    uint64_t version = r->client->version;
    cr_assert_eq(version, 6);
    folio_response_free(r);

    /* A contact moves last_contact, which changes the record. */
    folio_response_free(harness_ok(add_event(alice, id, "contact", "call", NULL, &err), &err));
    r = harness_ok(get_client(alice, id, false, &err), &err);
    cr_assert_eq(r->client->version, version + 1);
    cr_assert_neq(r->client->last_contact[0], '\0');
    folio_response_free(r);

    harness_refused(add_event(alice, id, "teleport", "mars", NULL, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(add_event(alice, id, "life", "married", "2024-13-01", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);

    const char *kinds[] = {"contact", "purchase", "life", "life", "income", "income", "created"};
    r = harness_ok(client_history(alice, id, &err), &err);
    cr_assert_eq(r->timeline->n_events, 7);
    for (size_t i = 0; i < 7; i++) {
        const Folio__TimelineEvent *ev = r->timeline->events[i];
        cr_assert_str_eq(ev->kind, kinds[i], "event %zu", i);
        cr_assert_str_eq(ev->actor, alice_name);
        cr_assert(ev->time >= before - 5 && ev->time <= time(NULL) + 5);
        if (i > 0)
            cr_assert_lt(ev->seq, r->timeline->events[i - 1]->seq, "newest first");
    }
    cr_assert_str_eq(r->timeline->events[2]->what, "child-born");
    cr_assert_str_eq(r->timeline->events[2]->date, "2025-01-20");
    folio_response_free(r);
    cr_assert(audit_has(root, "event.add", id, "purchase vehicle"));
    free(id);
    finish();
}

/* ---------------------------------------------------------------- lists */

Test(client, a_thousand_clients_page_exactly_once)
{
    enum { TOTAL = 1000, BATCH = 100 };
    struct folio_error err = {0};
    char **added = calloc(TOTAL, sizeof(*added));
    cr_assert_not_null(added);
    for (int done = 0; done < TOTAL; done += BATCH) {
        for (int i = 0; i < BATCH; i++) {
            char name[32];
            snprintf(name, sizeof(name), "Client %04d", done + i);
            Folio__Client client = FOLIO__CLIENT__INIT;
            client.name = name;
            Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
            op.client = &client;
            Folio__Request req;
            envelope_init(&req, &op.base);
            cr_assert_eq(folio_connection_send(alice, &req, &err), 0, "%s", err.message);
        }
        for (int i = 0; i < BATCH; i++) {
            Folio__Response *r = folio_connection_receive(alice, &err);
            cr_assert_not_null(r, "%s", err.message);
            cr_assert_eq(harness_code(r), FOLIO__CODE__OK, "%s", harness_message(r));
            added[done + i] = strdup(r->client->id);
            folio_response_free(r);
        }
    }
    /* Listed by name, the default: "Client 0000" on, the order they came. */

    size_t seen = 0, pages = 0;
    char *after = NULL;
    for (;;) {
        Folio__Response *r = harness_ok(list_clients(alice, 100, after, &err), &err);
        pages++;
        cr_assert_leq(r->clients->n_clients, 100);
        for (size_t i = 0; i < r->clients->n_clients; i++) {
            cr_assert_lt(seen, TOTAL, "more clients listed than added");
            cr_assert_str_eq(r->clients->clients[i]->id, added[seen], "name order, position %zu",
                             seen);
            cr_assert_str_eq(r->clients->clients[i]->owner, alice_name);
            seen++;
        }
        free(after);
        after = r->clients->next[0] != '\0' ? strdup(r->clients->next) : NULL;
        folio_response_free(r);
        if (after == NULL)
            break;
        cr_assert_leq(pages, 20, "paging does not end");
    }
    cr_assert_eq(seen, TOTAL);
    cr_assert_eq(pages, 10);

    Folio__Response *r = harness_ok(list_clients(alice, 0, NULL, &err), &err);
    cr_assert_eq(r->clients->n_clients, 100, "the default page");
    folio_response_free(r);
    r = harness_ok(list_clients(alice, 5000, NULL, &err), &err);
    cr_assert_eq(r->clients->n_clients, 1000, "the largest page");
    cr_assert_str_eq(r->clients->next, "");
    folio_response_free(r);
    harness_refused(list_clients(alice, 10, "garbage", &err), &err, FOLIO__CODE__INVALID_ARGUMENT);

    Folio__Segment seg = FOLIO__SEGMENT__INIT;
    seg.count_only = true;
    r = harness_ok(segment(alice, &seg, &err), &err);
    cr_assert_eq(r->segment->total, TOTAL);
    folio_response_free(r);

    struct folio_connection *bob = harness_user(&srv, bob_name, PW_BOB);
    r = harness_ok(list_clients(bob, 1000, NULL, &err), &err);
    cr_assert_eq(r->clients->n_clients, 0);
    folio_response_free(r);
    folio_connection_close(bob);
    for (int i = 0; i < TOTAL; i++)
        free(added[i]);
    free(added);
    finish();
}

/* ---------------------------------------------------------------- segments */

struct seed {
    const char *name, *city, *birth_date;
    int64_t income_cents;
    const char *purchase; /* NULL: none */
};

/* Adds the client and, when it has one, records its purchase as an event. */
static char *add_seed(struct folio_connection *c, const struct seed *s)
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)s->name;
    client.city = (char *)(s->city ? s->city : "");
    client.birth_date = (char *)s->birth_date;
    client.income_cents = s->income_cents;
    client.currency = (char *)"PEN";
    client.country = (char *)"PE";
    Folio__Response *r = harness_ok(add_client(c, &client, &err), &err);
    char *id = strdup(r->client->id);
    folio_response_free(r);
    if (s->purchase != NULL)
        folio_response_free(
            harness_ok(add_event(c, id, "purchase", s->purchase, "2025-01-15", &err), &err));
    return id;
}

static bool result_has(const Folio__SegmentResult *res, const char *id)
{
    for (size_t i = 0; i < res->n_clients; i++)
        if (strcmp(res->clients[i]->id, id) == 0)
            return true;
    return false;
}

static const struct seed seeds[] = {
    {"Ana Lima Rich Vehicle", "Lima", "1990-06-15", 6000000, "vehicle"},
    {"Beto Lima Poor Vehicle", "Lima", "1980-01-01", 4000000, "vehicle"},
    {"Cira Lima Rich Home", "Lima", "1975-09-30", 8000000, "home"},
    {"Dino Cusco Rich Vehicle", "Cusco", "1992-12-01", 9000000, "vehicle"},
    {"Elsa Lima Rich Vehicle", "Lima", "2000-02-29", 5500000, "vehicle"},
    {"Fito Nowhere", NULL, "1960-03-03", 0, NULL},
};
#define N_SEEDS (sizeof(seeds) / sizeof(seeds[0]))

Test(client, segments_answer_the_seed_question)
{
    struct folio_error err = {0};
    char *ids[N_SEEDS];
    for (size_t i = 0; i < N_SEEDS; i++)
        ids[i] = add_seed(alice, &seeds[i]);
    /* Bob's rich Lima vehicle owner is not alice's business. */
    struct folio_connection *bob = harness_user(&srv, bob_name, PW_BOB);
    struct seed bobs = {"Bob's Lima Client", "Lima", "1985-05-05", 9900000, "vehicle"};
    char *bob_id = add_seed(bob, &bobs);

    /* Who in Lima earns over 50,000 and bought a vehicle? */
    Folio__Segment seg = FOLIO__SEGMENT__INIT;
    seg.city = (char *)"Lima";
    seg.income_min_cents = 5000001;
    seg.purchased = (char *)"vehicle";
    Folio__Response *r = harness_ok(segment(alice, &seg, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_SEGMENT);
    cr_assert_eq(r->segment->total, 2);
    cr_assert_eq(r->segment->n_clients, 2);
    cr_assert(result_has(r->segment, ids[0]));
    cr_assert(result_has(r->segment, ids[4]));
    cr_assert(!result_has(r->segment, bob_id));
    cr_assert_str_eq(r->segment->clients[0]->owner, alice_name);
    cr_assert_str_eq(r->segment->next, "");
    folio_response_free(r);

    /* Paging through the same answer. */
    seg.limit = 1;
    r = harness_ok(segment(alice, &seg, &err), &err);
    cr_assert_eq(r->segment->total, 2);
    cr_assert_eq(r->segment->n_clients, 1);
    cr_assert_str_neq(r->segment->next, "");
    char *first = strdup(r->segment->clients[0]->id);
    seg.after = strdup(r->segment->next);
    folio_response_free(r);
    r = harness_ok(segment(alice, &seg, &err), &err);
    cr_assert_eq(r->segment->n_clients, 1);
    cr_assert_str_neq(r->segment->clients[0]->id, first);
    cr_assert_str_eq(r->segment->next, "");
    folio_response_free(r);
    free(seg.after);
    free(first);
    seg.after = (char *)"";
    seg.limit = 0;

    seg.count_only = true;
    r = harness_ok(segment(alice, &seg, &err), &err);
    cr_assert_eq(r->segment->total, 2);
    cr_assert_eq(r->segment->n_clients, 0);
    folio_response_free(r);

    /* Everyone, by city, most first. */
    Folio__Segment by = FOLIO__SEGMENT__INIT;
    by.by = (char *)"city";
    r = harness_ok(segment(alice, &by, &err), &err);
    cr_assert_eq(r->segment->total, N_SEEDS);
    cr_assert_eq(r->segment->n_clients, 0);
    cr_assert_eq(r->segment->n_buckets, 3);
    cr_assert_str_eq(r->segment->buckets[0]->key, "Lima");
    cr_assert_eq(r->segment->buckets[0]->count, 4);
    cr_assert_str_eq(r->segment->buckets[1]->key, "Cusco");
    cr_assert_eq(r->segment->buckets[1]->count, 1);
    cr_assert_str_eq(r->segment->buckets[2]->key, "unknown");
    cr_assert_eq(r->segment->buckets[2]->count, 1);
    folio_response_free(r);

    /* Ages on a fixed date: Ana turns 35 on 2025-06-15. */
    Folio__Segment age = FOLIO__SEGMENT__INIT;
    age.age_min = 35;
    age.age_max_filter_case = FOLIO__SEGMENT__AGE_MAX_FILTER_AGE_MAX;
    age.age_max = 35;
    age.date = (char *)"2025-06-14";
    r = harness_ok(segment(alice, &age, &err), &err);
    cr_assert_eq(r->segment->total, 0, "nobody is 35 on 2025-06-14");
    folio_response_free(r);
    age.date = (char *)"2025-06-15";
    r = harness_ok(segment(alice, &age, &err), &err);
    cr_assert_eq(r->segment->total, 1);
    cr_assert_str_eq(r->segment->clients[0]->id, ids[0]);
    folio_response_free(r);
    /* Under 30 on 2025-03-01: Elsa (born 2000-02-29) is 25. */
    Folio__Segment young = FOLIO__SEGMENT__INIT;
    young.age_max_filter_case = FOLIO__SEGMENT__AGE_MAX_FILTER_AGE_MAX;
    young.age_max = 29;
    young.date = (char *)"2025-03-01";
    r = harness_ok(segment(alice, &young, &err), &err);
    cr_assert_eq(r->segment->total, 1);
    cr_assert_str_eq(r->segment->clients[0]->id, ids[4]);
    folio_response_free(r);

    Folio__Segment bad = FOLIO__SEGMENT__INIT;
    bad.by = (char *)"shoe-size";
    harness_refused(segment(alice, &bad, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    Folio__Segment bad_date = FOLIO__SEGMENT__INIT;
    bad_date.date = (char *)"2025-02-30";
    harness_refused(segment(alice, &bad_date, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);

    for (size_t i = 0; i < N_SEEDS; i++)
        free(ids[i]);
    free(bob_id);
    folio_connection_close(bob);
    finish();
}

/* ---------------------------------------------------------------- restart */

Test(client_own, records_and_timelines_survive_a_restart)
{
    struct folio_error err = {0};
    char *id = add_named(alice, "Persistent Pilar");
    folio_response_free(
        harness_ok(add_event(alice, id, "life", "married", "2023-11-11", &err), &err));
    folio_response_free(harness_ok(add_event(alice, id, "contact", "visit", NULL, &err), &err));
    folio_connection_close(alice);
    folio_connection_close(root);
    harness_server_restart(&srv);
    root = harness_admin(&srv);
    alice = harness_user(&srv, alice_name, PW_ALICE);

    Folio__Response *r = harness_ok(get_client(alice, id, false, &err), &err);
    cr_assert_str_eq(r->client->name, "Persistent Pilar");
    cr_assert_eq(r->client->marital_status, FOLIO__MARITAL_STATUS__MARITAL_MARRIED);
    cr_assert_eq(r->client->version, 3);
    folio_response_free(r);
    r = harness_ok(client_history(alice, id, &err), &err);
    cr_assert_eq(r->timeline->n_events, 3);
    cr_assert_str_eq(r->timeline->events[0]->what, "visit");
    cr_assert_str_eq(r->timeline->events[1]->what, "married");
    cr_assert_str_eq(r->timeline->events[2]->kind, "created");
    folio_response_free(r);
    /* And the portfolio goes on growing. */
    char *second = add_named(alice, "After Restart");
    r = harness_ok(list_clients(alice, 0, NULL, &err), &err);
    cr_assert_eq(r->clients->n_clients, 2);
    folio_response_free(r);
    free(second);
    free(id);
    finish();
}

/* ---------------------------------------------------------------- typed ids */

/* The first n characters of id, in a static buffer. */
static const char *first(const char *id, size_t n)
{
    static char buf[4][CLIENT_ID_TEXT + 1];
    static int turn;
    char *out = buf[turn++ % 4];
    snprintf(out, sizeof(buf[0]), "%.*s", (int)n, id);
    return out;
}

static void assert_named(struct folio_connection *c, const char *typed, bool firm_admin_read,
                         const char *id)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(get_client(c, typed, firm_admin_read, &err), &err);
    cr_assert_str_eq(r->client->id, id, "%s", typed);
    folio_response_free(r);
}

Test(client, a_unique_prefix_of_8_hex_digits_or_more_names_a_client)
{
    struct folio_error err = {0};
    char *id = add_named(alice, "Prefixed Paz");
    char *other = add_named(alice, "Other Olivia");
    /* 8 digits, 9 (half a byte), the canonical start with its dash, the
     * same run together, upper case, and the whole id without dashes. */
    char hex[33], upper[CLIENT_ID_TEXT + 1];
    size_t n = 0;
    for (const char *p = id; *p != '\0'; p++)
        if (*p != '-')
            hex[n++] = *p;
    hex[n] = '\0';
    for (size_t i = 0; i <= CLIENT_ID_TEXT; i++)
        upper[i] = (char)(id[i] >= 'a' && id[i] <= 'f' ? id[i] - 'a' + 'A' : id[i]);
    assert_named(alice, first(id, 8), false, id);
    assert_named(alice, first(id, 9), false, id);
    assert_named(alice, first(id, 10), false, id);
    assert_named(alice, first(id, 14), false, id);
    assert_named(alice, first(hex, 13), false, id);
    assert_named(alice, first(upper, 11), false, id);
    assert_named(alice, hex, false, id);
    /* Wherever a client is asked for: an update, an event, the history. */
    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.city = (char *)"Cusco";
    Folio__Response *r =
        harness_ok(update_client(alice, first(id, 8), &changes, "city", 1, &err), &err);
    cr_assert_str_eq(r->client->id, id);
    cr_assert_str_eq(r->client->city, "Cusco");
    folio_response_free(r);
    folio_response_free(
        harness_ok(add_event(alice, first(id, 10), "contact", "call", NULL, &err), &err));
    r = harness_ok(client_history(alice, first(hex, 12), &err), &err);
    cr_assert_eq(r->timeline->n_events, 3);
    folio_response_free(r);

    /* Too short, a dash out of place, something not hex: refused as such. */
    const char *bad[] = {first(id, 7), "-", "", "1234567g", "12345678--", "1234-5678"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        harness_refused(get_client(alice, bad[i], false, &err), &err,
                        FOLIO__CODE__INVALID_ARGUMENT);
        cr_assert_str_eq(err.message, "id: not a client id, nor its first 8 to 32 hex digits", "%s",
                         bad[i]);
    }
    char dashed[CLIENT_ID_TEXT + 1];
    snprintf(dashed, sizeof(dashed), "%.4s-%.4s", id, id + 4);
    harness_refused(get_client(alice, dashed, false, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);

    /* Another agent, an office-admin and a firm-admin not reading
     * explicitly find nothing under that prefix: the very answer for a
     * prefix nobody's id has. */
    struct folio_connection *carl = harness_user(&srv, carl_name, PW_CARL);
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    struct folio_connection *who[] = {carl, olga, root};
    for (size_t i = 0; i < 3; i++) {
        harness_refused(get_client(who[i], first(id, 8), false, &err), &err,
                        FOLIO__CODE__NOT_FOUND);
        char expected[64];
        snprintf(expected, sizeof(expected), "no client %s", first(id, 8));
        cr_assert_str_eq(err.message, expected);
    }
    harness_refused(get_client(carl, first(id, 8), true, &err), &err, FOLIO__CODE__NOT_FOUND);
    Folio__Client change = FOLIO__CLIENT__INIT;
    change.city = (char *)"Nowhere";
    harness_refused(update_client(carl, first(id, 8), &change, "city", 0, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    /* A prefix none of alice's ids has. */
    char miss[9];
    snprintf(miss, sizeof(miss), "%s", first(id, 8));
    while (strncmp(miss, id, 8) == 0 || strncmp(miss, other, 8) == 0)
        miss[7] = miss[7] == 'f' ? '0' : (char)(miss[7] == '9' ? 'a' : miss[7] + 1);
    harness_refused(get_client(alice, miss, false, &err), &err, FOLIO__CODE__NOT_FOUND);

    /* A firm-admin reading explicitly finds any agent's client, audited. */
    assert_named(root, first(id, 8), true, id);
    cr_assert(audit_has(root, "client.read", id, NULL));

    folio_connection_close(carl);
    folio_connection_close(olga);
    free(other);
    free(id);
    finish();
}

/* Puts a copy of the client `from` under the id `from` has with byte 4
 * xor flip (the first 8 hex digits kept), named name, owned by owner. */
static void put_twin(struct store *st, const char *from, uint8_t flip, uint8_t last,
                     const char *name, uint64_t owner, char out[CLIENT_ID_TEXT + 1])
{
    uint8_t id[16], twin[16];
    cr_assert_eq(client_id_parse(from, id), 0);
    memcpy(twin, id, 16);
    twin[4] ^= flip;
    twin[15] ^= last;
    client_id_format(twin, out);
    MDB_txn *txn;
    cr_assert_eq(mdb_txn_begin(st->env, NULL, 0, &txn), 0);
    Folio__Client *c;
    cr_assert_eq(store_client_get(st, txn, id, NULL, &c), 0);
    Folio__Client copy = *c;
    copy.id = out;
    copy.name = (char *)name;
    copy.owner_id = owner;
    cr_assert_eq(store_client_put(st, txn, twin, &copy), 0);
    folio__client__free_unpacked(c, NULL);
    cr_assert_eq(mdb_txn_commit(txn), 0);
}

Test(client_own, an_ambiguous_prefix_is_refused_naming_the_candidates)
{
    struct folio_error err = {0};
    char *a = add_named(alice, "Ana Uno");
    folio_connection_close(alice);
    folio_connection_close(root);
    alice = root = NULL;
    cr_assert_eq(harness_server_stop(&srv), 0);
    /* Random ids share 8 hex digits once in some 65,000 clients: make
     * twins in the store. b differs from a at digit 9, c at digit 10;
     * carl and bob hold one each under the same 8 digits. */
    char b[CLIENT_ID_TEXT + 1], c[CLIENT_ID_TEXT + 1], d[CLIENT_ID_TEXT + 1], e[CLIENT_ID_TEXT + 1];
    struct store st;
    cr_assert_eq(store_open(&st, srv.data, 0), 0);
    put_twin(&st, a, 0x10, 0, "Beto Dos", alice_uid, b);
    put_twin(&st, a, 0x01, 0, "Carla Tres", alice_uid, c);
    put_twin(&st, a, 0x10, 1, "Dora de Carl", carl_uid, d);
    put_twin(&st, a, 0x01, 1, "Eva de Bob", bob_uid, e);
    store_close(&st);
    harness_server_restart(&srv);
    root = harness_admin(&srv);
    alice = harness_user(&srv, alice_name, PW_ALICE);

    harness_refused(get_client(alice, first(a, 8), false, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "is the start of 3 clients' ids") != NULL, "%s", err.message);
    const char *mine[][2] = {{a, "(Ana Uno)"}, {b, "(Beto Dos)"}, {c, "(Carla Tres)"}};
    for (size_t i = 0; i < 3; i++) {
        cr_assert(strstr(err.message, mine[i][0]) != NULL, "%s", err.message);
        cr_assert(strstr(err.message, mine[i][1]) != NULL, "%s", err.message);
    }
    /* The others' clients are neither named nor counted. */
    cr_assert(strstr(err.message, d) == NULL && strstr(err.message, "Dora") == NULL);
    cr_assert(strstr(err.message, e) == NULL && strstr(err.message, "Eva") == NULL);
    /* The same for a change: nothing happens to any of them. */
    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.city = (char *)"Ica";
    harness_refused(update_client(alice, first(a, 8), &changes, "city", 0, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    /* More digits settle it: 9 for b, 10 for a and c (one more character
     * each for the dash). */
    assert_named(alice, first(b, 10), false, b);
    assert_named(alice, first(a, 11), false, a);
    assert_named(alice, first(c, 12), false, c);
    harness_refused(get_client(alice, first(a, 10), false, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    /* Carl's one client under those 8 digits is his alone. */
    struct folio_connection *carl = harness_user(&srv, carl_name, PW_CARL);
    assert_named(carl, first(a, 8), false, d);
    folio_connection_close(carl);
    /* A firm-admin reading explicitly sees all five: four are named. */
    harness_refused(get_client(root, first(a, 8), true, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "is the start of more than 4 clients' ids") != NULL, "%s",
              err.message);
    free(a);
    finish();
}

/* ---------------------------------------------------------------- sorted lists */

/* Every page of alice's list in this order, limit a page, with each
 * `next` passed back: the ids, in the order they came (n_out of them). */
static char **list_pages(const char *sort, bool reverse, uint32_t limit, size_t *n_out)
{
    struct folio_error err = {0};
    char **ids = NULL;
    size_t n = 0;
    char *after = NULL;
    for (int pages = 0;; pages++) {
        cr_assert(pages < 100, "the pages do not end");
        Folio__Response *r =
            harness_ok(list_sorted(alice, limit, after, sort, reverse, &err), &err);
        ids = realloc(ids, (n + r->clients->n_clients) * sizeof(*ids) + 1);
        cr_assert_not_null(ids);
        for (size_t i = 0; i < r->clients->n_clients; i++)
            ids[n++] = strdup(r->clients->clients[i]->id);
        free(after);
        after = r->clients->next[0] != '\0' ? strdup(r->clients->next) : NULL;
        if (after != NULL)
            cr_assert_eq(r->clients->n_clients, limit);
        folio_response_free(r);
        if (after == NULL)
            break;
    }
    *n_out = n;
    return ids;
}

static void free_ids(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

/* Paged by 2 or 3, either way round, the order of one whole page. */
static void assert_pages_agree(const char *sort, size_t expected_n)
{
    size_t n_all, n_back;
    char **all = list_pages(sort, false, 1000, &n_all);
    char **back = list_pages(sort, true, 1000, &n_back);
    cr_assert_eq(n_all, expected_n, "%s", sort);
    cr_assert_eq(n_back, expected_n, "%s", sort);
    for (size_t i = 0; i < n_all; i++)
        cr_assert_str_eq(back[i], all[n_all - 1 - i], "%s --reverse, %zu", sort, i);
    for (uint32_t limit = 2; limit <= 3; limit++) {
        for (int reverse = 0; reverse <= 1; reverse++) {
            size_t n;
            char **paged = list_pages(sort, reverse, limit, &n);
            cr_assert_eq(n, n_all, "%s by %u", sort, limit);
            for (size_t i = 0; i < n; i++)
                cr_assert_str_eq(paged[i], reverse ? back[i] : all[i], "%s by %u, %zu", sort, limit,
                                 i);
            free_ids(paged, n);
        }
    }
    free_ids(all, n_all);
    free_ids(back, n_back);
}

static size_t index_of(char **ids, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ids[i], id) == 0)
            return i;
    cr_assert_fail("%s is not listed", id);
    return n;
}

/* The name order comes from an index the server keeps with every change:
 * a name that starts another comes first, and a rename moves the client
 * at once. */
Test(client, the_name_order_follows_every_change)
{
    const char *names[] = {"Anabel Ruiz", "Ana María", "Ana Belén", "ana"};
    const size_t order[] = {3, 2, 1, 0};
    char *ids[4];
    for (size_t i = 0; i < 4; i++)
        ids[i] = add_named(alice, names[i]);
    size_t n;
    char **by_name = list_pages(NULL, false, 2, &n);
    cr_assert_eq(n, 4);
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(by_name[i], ids[order[i]], "%zu: %s", i, names[order[i]]);
    free_ids(by_name, n);
    struct folio_error err = {0};
    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.name = (char *)"Aarón Ruiz";
    folio_response_free(harness_ok(update_client(alice, ids[0], &changes, "name", 0, &err), &err));
    by_name = list_pages(NULL, false, 3, &n);
    cr_assert_eq(n, 4);
    cr_assert_str_eq(by_name[0], ids[0], "the renamed client moves");
    free_ids(by_name, n);
    assert_pages_agree("name", 4);
    for (size_t i = 0; i < 4; i++)
        free(ids[i]);
}

Test(client, lists_sort_by_name_contact_creation_or_change_both_ways_page_by_page)
{
    struct folio_error err = {0};
    /* Added out of order; case and accents aside by name. */
    const char *names[] = {"delta Díaz", "Álvaro Alba", "bravo Bea", "Charlie Cruz", "Echo Eco"};
    const size_t order[] = {1, 2, 3, 0, 4}; /* by name */
    char *ids[5];
    for (size_t i = 0; i < 5; i++)
        ids[i] = add_named(alice, names[i]);
    folio_response_free(
        harness_ok(add_event(alice, ids[4], "contact", "call", "2024-01-10", &err), &err));
    folio_response_free(
        harness_ok(add_event(alice, ids[1], "contact", "call", "2023-05-02", &err), &err));
    folio_response_free(
        harness_ok(add_event(alice, ids[2], "contact", "visit", "2024-06-30", &err), &err));

    /* The default is by name. */
    size_t n;
    char **by_name = list_pages(NULL, false, 2, &n);
    cr_assert_eq(n, 5);
    for (size_t i = 0; i < 5; i++)
        cr_assert_str_eq(by_name[i], ids[order[i]], "%zu: %s", i, names[order[i]]);
    free_ids(by_name, n);
    /* Never contacted first (between themselves by id), then the longest
     * since; --reverse: the most recent first. */
    char **by_contact = list_pages("last-contact", false, 2, &n);
    cr_assert_eq(n, 5);
    cr_assert_lt(index_of(by_contact, 5, ids[0]), 2);
    cr_assert_lt(index_of(by_contact, 5, ids[3]), 2);
    cr_assert_str_eq(by_contact[2], ids[1]);
    cr_assert_str_eq(by_contact[3], ids[4]);
    cr_assert_str_eq(by_contact[4], ids[2]);
    free_ids(by_contact, n);
    /* Created and updated: by time, then id; a change moves to the end. */
    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.city = (char *)"Tacna";
    harness_sleep_ms(1100);
    folio_response_free(harness_ok(update_client(alice, ids[1], &changes, "city", 0, &err), &err));
    char **by_update = list_pages("updated", false, 2, &n);
    cr_assert_eq(n, 5);
    cr_assert_str_eq(by_update[4], ids[1]);
    free_ids(by_update, n);
    Folio__Response *r = harness_ok(list_sorted(alice, 1000, NULL, "created", false, &err), &err);
    for (size_t i = 1; i < r->clients->n_clients; i++) {
        const Folio__Client *p = r->clients->clients[i - 1], *q = r->clients->clients[i];
        cr_assert(p->created_at < q->created_at ||
                  (p->created_at == q->created_at && strcmp(p->id, q->id) < 0));
    }
    folio_response_free(r);

    const char *sorts[] = {"name", "last-contact", "created", "updated"};
    for (size_t i = 0; i < 4; i++)
        assert_pages_agree(sorts[i], 5);

    /* A sort the server does not know; cursors checked strictly, and
     * only for the sort that made them. */
    harness_refused(list_sorted(alice, 0, NULL, "size", false, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "sort:") != NULL, "%s", err.message);
    r = harness_ok(list_sorted(alice, 1, NULL, "created", false, &err), &err);
    char *created_next = strdup(r->clients->next);
    folio_response_free(r);
    r = harness_ok(list_sorted(alice, 1, NULL, "last-contact", false, &err), &err);
    char *contact_next = strdup(r->clients->next);
    folio_response_free(r);
    harness_refused(list_sorted(alice, 1, created_next, "updated", false, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(list_sorted(alice, 1, contact_next, "created", false, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    char cursor[128];
    const char *bad[] = {ids[0], "n0.", "nZZ.", "n6a6f", "n6A6F.", "n6a..", "c6a.", "6a."};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(cursor, sizeof(cursor), "%s%s", bad[i], i == 0 ? "" : ids[0]);
        harness_refused(list_sorted(alice, 1, cursor, "name", false, &err), &err,
                        FOLIO__CODE__INVALID_ARGUMENT);
        cr_assert(strstr(err.message, "after:") != NULL, "%s", err.message);
    }
    snprintf(cursor, sizeof(cursor), "l323032342d31332d3031.%s", ids[0]); /* 2024-13-01 */
    harness_refused(list_sorted(alice, 1, cursor, "last-contact", false, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    /* A well-formed cursor of a place nobody holds is just a place. */
    snprintf(cursor, sizeof(cursor), "n63.%s", A_STRANGER_ID); /* "c" */
    r = harness_ok(list_sorted(alice, 1000, cursor, "name", false, &err), &err);
    cr_assert_eq(r->clients->n_clients, 3);
    cr_assert_str_eq(r->clients->clients[0]->id, ids[3]);
    folio_response_free(r);
    free(created_next);
    free(contact_next);
    for (size_t i = 0; i < 5; i++)
        free(ids[i]);
    finish();
}
