/* test_subject.c - a privacy-law request's export against a real foliod:
 * everything held about one person in one JSON document, who may ask for
 * it, and its audit.
 *
 * The tests share one server whose clock is CLOCK; each test has an office,
 * an office-admin, agents and a partner of its own, named after its
 * process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <jansson.h>

#include "envelope.h"
#include "folioclient_mail.h"
#include "folioclient_subject.h"
#include "harness.h"

#define CLOCK "2026-06-10 12:00:00"
#define TODAY "2026-06-10"
#define PW    "subject-password"
/* A name with what a terminal or a careless reader of the file would act
 * on: a right-to-left override, quotes, a backslash, non-ASCII letters. */
#define HOSTILE_NAME                                                                               \
    "Eve \xe2\x80\xae"                                                                             \
    "evlI \"q\" \\ Jos\xc3\xa9 \xe6\xbc\xa2"

/* A relay on a loopback port nothing listens on (discard): the outbox holds
 * what an offer's send queued. */
static const char *const subject_serve_flags[] = {"--smtp-url=smtp://127.0.0.1:9",
                                                  "--smtp-from=agents@firm.test", NULL};

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob, *olga;
static char alice_name[32], bob_name[32], olga_name[32], partner_name[40];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "subject") == 0)
        harness_shared_start("subject", CLOCK, subject_serve_flags);
}

/* After every test has ended (see test_client.c). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("subject");
}

static void setup(void)
{
    harness_shared_attach(&srv, "subject");
    int pid = (int)getpid();
    char office[32];
    snprintf(office, sizeof(office), "Privacy-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    snprintf(olga_name, sizeof(olga_name), "olga-%d", pid);
    snprintf(partner_name, sizeof(partner_name), "Cine Sol %d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, office);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, office, PW);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, office, PW);
    harness_add_user(root, olga_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, office, PW);
    alice = harness_user(&srv, alice_name, PW);
    bob = harness_user(&srv, bob_name, PW);
    olga = harness_user(&srv, olga_name, PW);
}

static void teardown(void)
{
    struct folio_connection **all[] = {&olga, &bob, &alice, &root};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        folio_connection_close(*all[i]);
        *all[i] = NULL;
    }
    harness_server_cleanup(&srv);
}

TestSuite(subject, .init = setup, .fini = teardown);

/* ---------------------------------------------------------------- helpers */

static void add_client(struct folio_connection *c, const char *name, char out[37])
{
    struct folio_error err = {0};
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = true;
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    client.birth_date = (char *)"1980-06-12";
    client.consent = &consent;
    char *emails[] = {(char *)"eve@example.org"};
    client.emails = emails;
    client.n_emails = 1;
    Folio__Response *r = harness_ok(folio_client_add(c, &client, true, &err), &err);
    snprintf(out, 37, "%s", r->client->id);
    folio_response_free(r);
}

/* A call, a holding, an offer, a coupon, a task and a spouse for id. */
static void add_history(struct folio_connection *c, const char *id, const char *spouse)
{
    struct folio_error err = {0};
    Folio__EventAdd event = FOLIO__EVENT_ADD__INIT;
    event.client_id = (char *)id;
    event.kind = (char *)"contact";
    event.what = (char *)"call";
    event.note = (char *)"asked about \"her\" data";
    folio_response_free(harness_ok(folio_event_add(c, &event, &err), &err));

    Folio__Holding holding = FOLIO__HOLDING__INIT;
    holding.client_id = (char *)id;
    holding.kind = (char *)"auto";
    holding.provider = (char *)"Acme";
    folio_response_free(harness_ok(folio_holding_add(c, &holding, &err), &err));

    Folio__Offer offer = FOLIO__OFFER__INIT;
    offer.client_id = (char *)id;
    offer.title = (char *)"Car loan";
    offer.product = (char *)"car loan";
    offer.rate_bp = 450;
    offer.valid_from = (char *)TODAY;
    offer.valid_until = (char *)"2026-06-30";
    Folio__Response *added = harness_ok(folio_offer_add(c, &offer, TODAY, &err), &err);
    uint64_t offer_id = added->offer->id;
    folio_response_free(added);
    /* Queued for a relay that never answers: the outbox keeps it, with the
     * address it is for. */
    folio_response_free(harness_ok(folio_offer_send(c, offer_id, TODAY, &err), &err));

    Folio__Partner partner = FOLIO__PARTNER__INIT;
    partner.name = partner_name;
    partner.category = (char *)"cinema";
    partner.city = (char *)"Lima";
    Folio__Response *r = harness_ok(folio_partner_add(root, &partner, &err), &err);
    Folio__Coupon coupon = FOLIO__COUPON__INIT;
    coupon.client_id = (char *)id;
    coupon.partner_id = r->partner->id;
    coupon.discount = (char *)"2x1 tickets";
    coupon.valid_until = (char *)"2026-06-30";
    folio_response_free(r);
    folio_response_free(harness_ok(folio_coupon_issue(c, &coupon, TODAY, &err), &err));

    Folio__Task task = FOLIO__TASK__INIT;
    task.client_id = (char *)id;
    task.due = (char *)"2026-06-20";
    task.title = (char *)"send the papers";
    Folio__TaskAdd add = FOLIO__TASK_ADD__INIT;
    add.task = &task;
    folio_response_free(harness_ok(folio_task_add(c, &add, &err), &err));

    folio_response_free(harness_ok(folio_client_link(c, id, spouse, "spouse", &err), &err));
}

/* The export of id by c, as the bytes of the file and as JSON (the caller
 * frees both). Fails the test when the call fails. */
static json_t *export_of(struct folio_connection *c, const char *id, const char *reason,
                         char **bytes)
{
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_subject_export_to_fd(c, id, reason, fileno(f), &err), &err);
    off_t size = lseek(fileno(f), 0, SEEK_END);
    cr_assert_eq((uint64_t)size, r->transfer->size, "the file is as long as the server said");
    folio_response_free(r);
    *bytes = calloc(1, (size_t)size + 1);
    cr_assert_not_null(*bytes);
    cr_assert_eq(pread(fileno(f), *bytes, (size_t)size, 0), (ssize_t)size);
    fclose(f);
    json_error_t jerr;
    json_t *doc = json_loads(*bytes, 0, &jerr);
    cr_assert_not_null(doc, "the export is JSON: %s (line %d)", jerr.text, jerr.line);
    return doc;
}

static size_t array_size(const json_t *doc, const char *key)
{
    const json_t *a = json_object_get(doc, key);
    cr_assert(json_is_array(a), "%s is an array", key);
    return json_array_size(a);
}

/* How many audit records of action are under the client id. */
static size_t audit_under(const char *id, const char *action, char *detail, size_t cap)
{
    struct folio_error err = {0};
    Folio__AuditQuery q = FOLIO__AUDIT_QUERY__INIT;
    q.client = (char *)id;
    q.action = (char *)action;
    q.limit = 100;
    Folio__Response *r = harness_ok(folio_audit_search(root, &q, &err), &err);
    size_t n = r->audit->n_records;
    if (n > 0 && detail != NULL)
        snprintf(detail, cap, "%s", r->audit->records[0]->detail);
    folio_response_free(r);
    return n;
}

/* ---------------------------------------------------------------- tests */

Test(subject, everything_held_about_the_person)
{
    char eve[37], adam[37];
    add_client(alice, HOSTILE_NAME, eve);
    add_client(alice, "Adam Ruiz", adam);
    add_history(alice, eve, adam);

    char *bytes;
    json_t *doc = export_of(root, eve, "request 2026/117", &bytes);
    /* ASCII only, one record a line: nothing in the file drives a terminal
     * or reorders what is shown, and the escapes give the name back. */
    for (const char *p = bytes; *p != '\0'; p++)
        cr_assert((*p >= 0x20 && *p < 0x7f) || *p == '\n', "byte 0x%02x at %zu", (unsigned char)*p,
                  (size_t)(p - bytes));
    cr_assert_not_null(strstr(bytes, "\\u202E"), "the override is escaped");

    cr_assert_str_eq(json_string_value(json_object_get(doc, "format")), "folio-subject-export");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "reason")), "request 2026/117");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "exported_by")), HARNESS_ADMIN);
    const char *at = json_string_value(json_object_get(doc, "exported_at"));
    cr_assert(at != NULL && strncmp(at, TODAY "T", 11) == 0 && strlen(at) == 20 && at[19] == 'Z',
              "a time is RFC 3339 UTC, on the server's day: %s", at);
    json_t *client = json_object_get(doc, "client");
    cr_assert_str_eq(json_string_value(json_object_get(client, "name")), HOSTILE_NAME);
    cr_assert_str_eq(json_string_value(json_object_get(client, "id")), eve);
    cr_assert_str_eq(json_string_value(json_object_get(client, "owner")), alice_name);
    json_t *owner = json_object_get(doc, "owner");
    cr_assert_str_eq(json_string_value(json_object_get(owner, "name")), alice_name);
    json_t *link = json_array_get(json_object_get(doc, "household"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(link, "client_id")), adam);
    cr_assert_str_eq(json_string_value(json_object_get(link, "relation")), "spouse");
    cr_assert_str_eq(json_string_value(json_object_get(link, "name")), "Adam Ruiz");
    cr_assert(json_is_true(json_object_get(json_object_get(doc, "consent"), "email")));
    cr_assert_geq(array_size(doc, "consent_history"), 1, "when the consent was set");

    cr_assert_geq(array_size(doc, "timeline"), 5, "created, call, holding, offer, coupon...");
    cr_assert_eq(array_size(doc, "holdings"), 1);
    cr_assert_eq(array_size(doc, "offers"), 1);
    cr_assert_eq(array_size(doc, "coupons"), 1);
    cr_assert_eq(array_size(doc, "tasks"), 1);
    json_t *task = json_array_get(json_object_get(doc, "tasks"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(task, "title")), "send the papers");
    cr_assert_eq(array_size(doc, "messages"), 1, "the offer's e-mail, queued");
    json_t *message = json_array_get(json_object_get(doc, "messages"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(message, "kind")), "offer");
    cr_assert_str_eq(json_string_value(json_object_get(message, "client_id")), eve);
    cr_assert_geq(array_size(doc, "audit"), 5, "the audit records under the client");
    json_t *counts = json_object_get(doc, "counts");
    cr_assert_eq(json_integer_value(json_object_get(counts, "timeline")),
                 (json_int_t)array_size(doc, "timeline"));
    bool call = false;
    json_t *ev;
    size_t i;
    json_array_foreach(json_object_get(doc, "timeline"), i, ev) call |=
        strcmp(json_string_value(json_object_get(ev, "kind")), "contact") == 0 &&
        strcmp(json_string_value(json_object_get(ev, "note")), "asked about \"her\" data") == 0;
    cr_assert(call, "the call is on the timeline, its note whole");
    json_decref(doc);
    free(bytes);

    /* Audited under the client, with the reason; a second export finds the
     * first in the audit records it holds. */
    char detail[512];
    cr_assert_eq(audit_under(eve, "subject.export", detail, sizeof(detail)), 1);
    cr_assert_not_null(strstr(detail, "request 2026/117"), "%s", detail);
    doc = export_of(root, eve, "request 2026/117, again", &bytes);
    bool first = false;
    json_array_foreach(json_object_get(doc, "audit"), i, ev) first |=
        strcmp(json_string_value(json_object_get(ev, "action")), "subject.export") == 0;
    cr_assert(first, "the first export is in the second's audit records");
    json_decref(doc);
    free(bytes);
    harness_server_finish(&srv);
}

Test(subject, whoever_keeps_the_client)
{
    char zoe[37];
    add_client(bob, "Zoe Diaz", zoe);
    char *bytes;
    json_t *doc = export_of(root, zoe, "request 9", &bytes);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "owner"), "name")),
                     bob_name);
    cr_assert_eq(array_size(doc, "holdings"), 0);
    cr_assert_eq(array_size(doc, "tasks"), 0);
    json_decref(doc);
    free(bytes);
    /* A unique start of the id names the client too. */
    char start[9];
    snprintf(start, sizeof(start), "%.8s", zoe);
    doc = export_of(root, start, "request 9", &bytes);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "client"), "id")), zoe);
    json_decref(doc);
    free(bytes);
    harness_server_finish(&srv);
}

Test(subject, refusals_change_nothing)
{
    char eve[37];
    add_client(alice, "Eve Refused", eve);
    struct folio_error err = {0};
    /* A firm-admin's alone: not the agent who keeps the client, not its
     * office-admin. */
    harness_refused(folio_subject_export(alice, eve, "mine", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_subject_export(olga, eve, "request", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_subject_export(root, eve, "", &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_not_null(strstr(err.message, "--reason"), "%s", err.message);
    char long_reason[202];
    memset(long_reason, 'x', sizeof(long_reason) - 1);
    long_reason[sizeof(long_reason) - 1] = '\0';
    harness_refused(folio_subject_export(root, eve, long_reason, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(
        folio_subject_export(root, "00000000-0000-4000-8000-000000000000", "request", &err), &err,
        FOLIO__CODE__NOT_FOUND);
    cr_assert_eq(audit_under(eve, "subject.export", NULL, 0), 0, "nothing audited");

    /* Erased on request: nothing left to export. */
    folio_response_free(harness_ok(folio_subject_erase(root, eve, "request 3", &err), &err));
    harness_refused(folio_subject_export(root, eve, "request 3", &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    harness_server_finish(&srv);
}
