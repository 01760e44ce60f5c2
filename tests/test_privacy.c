/* test_privacy.c - what a client's erasure leaves behind, and what a
 * refusal echoes back, against a real foliod.
 *
 * One server for the whole suite: an office with its admin and an agent;
 * each test uses clients and names of its own. */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "csv_file.h"
#include "envelope.h"
#include "harness.h"
#include "status.h"

#define PW_OLGA  "olga-password"
#define PW_ALICE "alice-password"

static struct harness_server srv;

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(privacy, .fini = teardown);

/* Adds a client with just a name to c's portfolio; returns its id (free()). */
static char *add_named(struct folio_connection *c, const char *name)
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    Folio__Response *r = harness_ok(folio_client_add(c, &client, false, &err), &err);
    char *id = strdup(r->client->id);
    cr_assert_not_null(id);
    folio_response_free(r);
    return id;
}

static void add_event(struct folio_connection *c, const char *id, const char *kind,
                      const char *what)
{
    struct folio_error err = {0};
    Folio__EventAdd ev = FOLIO__EVENT_ADD__INIT;
    ev.client_id = (char *)id;
    ev.kind = (char *)kind;
    ev.what = (char *)what;
    folio_response_free(harness_ok(folio_event_add(c, &ev, &err), &err));
}

/* How many of the audit records (the newest 1000) hold words in their
 * detail; how many name target with action and have exactly detail. */
static size_t audit_count(struct folio_connection *c, const char *words, const char *target,
                          const char *action, const char *detail)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(c, NULL, 0, 1000, 0, &err), &err);
    size_t n = 0;
    for (size_t i = 0; i < r->audit->n_records; i++) {
        const Folio__AuditRecord *a = r->audit->records[i];
        if (words != NULL && strstr(a->detail, words) != NULL)
            n++;
        if (target != NULL && strcmp(a->target, target) == 0 && strcmp(a->action, action) == 0 &&
            strcmp(a->detail, detail) == 0)
            n++;
    }
    folio_response_free(r);
    return n;
}

static void check_erase_scrubs_the_audit(void)
{
    struct folio_connection *olga = harness_user(&srv, "olga", PW_OLGA);
    struct folio_connection *alice = harness_user(&srv, "alice", PW_ALICE);
    char *gone = add_named(alice, "Erased Person");
    char *kept = add_named(alice, "Kept Person");
    add_event(alice, gone, "purchase", "insulin pump");
    add_event(alice, gone, "life", "divorced");
    add_event(alice, kept, "purchase", "wheelchair");
    /* Before the erasure the office-admin reads what was done. */
    cr_assert_eq(audit_count(olga, "insulin pump", NULL, NULL, NULL), 1);
    cr_assert_eq(audit_count(olga, "divorced", NULL, NULL, NULL), 1);

    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_client_erase(alice, gone, &err), &err));
    cr_assert_eq(audit_count(olga, "insulin pump", NULL, NULL, NULL), 0,
                 "the audit still tells what the erased client bought");
    cr_assert_eq(audit_count(olga, "divorced", NULL, NULL, NULL), 0,
                 "the audit still tells the erased client's life events");
    /* Kinds and ids stay: what was done, to which id, by whom. */
    cr_assert_eq(audit_count(olga, NULL, gone, "event.add", "purchase"), 1);
    cr_assert_eq(audit_count(olga, NULL, gone, "event.add", "life"), 1);
    cr_assert_eq(audit_count(olga, NULL, gone, "client.add", ""), 1);
    cr_assert_eq(audit_count(olga, NULL, gone, "client.erase", ""), 1);
    /* Another client's records are untouched. */
    cr_assert_eq(audit_count(olga, "wheelchair", NULL, NULL, NULL), 1);
    cr_assert_eq(audit_count(olga, NULL, kept, "event.add", "purchase wheelchair"), 1);
    free(gone);
    free(kept);
    folio_connection_close(alice);
    folio_connection_close(olga);
}

/* A refusal that quotes a name the peer sent carries printable, valid
 * UTF-8 of a bounded size, whatever the bytes were. */
static void check_messages_are_sanitised(void)
{
    size_t n = 4000;
    char *hostile = malloc(n + 1);
    cr_assert_not_null(hostile);
    memset(hostile, 'A', n);
    memcpy(hostile, "\xff\xfe\x1b[2J\x07\xc0\xaf\xe2\x80\xae\r\n", 14);
    hostile[n] = '\0';
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    harness_raw_login(raw, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    Folio__UserAdd add = FOLIO__USER_ADD__INIT;
    add.name = (char *)"mallory";
    add.role = FOLIO__ROLE__ROLE_AGENT;
    add.office = hostile;
    add.password = (char *)"mallory-password";
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 3;
    envelope_set(&req, &add.base);
    harness_raw_send(raw, &req);
    Folio__Response *r = harness_raw_answer(raw, 3, FOLIO__CODE__NOT_FOUND, "no office named");
    const char *m = harness_message(r);
    size_t len = strlen(m);
    cr_assert_leq(len, STATUS_MESSAGE_MAX, "a message of %zu bytes", len);
    cr_assert(csv_file_utf8_valid(m, len), "the message is not valid UTF-8: %s", m);
    for (size_t i = 0; i < len; i++)
        cr_assert((unsigned char)m[i] >= 0x20 && m[i] != 0x7f, "control byte 0x%02x at %zu",
                  (unsigned char)m[i], i);
    cr_assert_null(strstr(m, "\xe2\x80\xae"), "a right-to-left override went through");
    cr_assert(strstr(m, "\xef\xbf\xbd[2J") != NULL, "the escape is not replaced: %s", m);
    cr_assert(len >= 3 && strcmp(m + len - 3, "...") == 0, "a cut message does not say so");
    folio__response__free_unpacked(r, NULL);
    harness_raw_close(raw);
    free(hostile);
}

Test(privacy, erasure_and_echoed_bytes)
{
    harness_server_start(&srv, NULL);
    struct folio_connection *root = harness_admin(&srv);
    harness_add_office(root, "North");
    harness_add_user(root, "olga", FOLIO__ROLE__ROLE_OFFICE_ADMIN, "North", PW_OLGA);
    harness_add_user(root, "alice", FOLIO__ROLE__ROLE_AGENT, "North", PW_ALICE);
    folio_connection_close(root);
    check_erase_scrubs_the_audit();
    check_messages_are_sanitised();
    harness_server_finish(&srv);
}
