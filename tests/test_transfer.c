/* test_transfer.c - portfolios moving between two firms as signed bundles,
 * against two real foliod (two data directories) on loopback.
 *
 * Firm A: offices North and South; alice (agent, North), olga (office-admin,
 * North), bob (agent, South). alice has Mia (every kind of field, two
 * events, an offer, a coupon at a partner) and Noel, and an agent card.
 * Firm B: office East with agents carol and dave.
 *
 * The transfer tests share one server per firm (harness_shared_start): each
 * test makes its offices, people and partner, named after its process
 * (North-PID, alice-PID, ...), writes its files in a directory of its own
 * and looks only at audit records written since it began. The test that
 * needs firm B not to trust firm A starts a pair of its own. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "bundle.h"
#include "envelope.h"
#include "folioclient_transfer.h"
#include "harness.h"

#define PW "agent-password"
/* foliod runs at TODAY (harness_server_clock): its date decides expiry. */
#define TODAY "2030-06-10"

static struct harness_server a, b;
static struct folio_connection *root_a, *root_b, *alice, *carol;
static char mia[37], noel[37], coupon_code[32];
/* This test's offices, people and partner, and where its files go. */
static char north[32], south[32], east[32], alice_name[32], olga_name[32], bob_name[32],
    carol_name[32], dave_name[32], partner_name[32], files[PATH_MAX];
/* The newest audit record of each firm when the test began. */
static uint64_t audit_from_a, audit_from_b;

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "transfer") == 0) {
        harness_shared_start("transfer_a", TODAY " 12:00:00", NULL);
        harness_shared_start("transfer_b", TODAY " 12:00:00", NULL);
    }
}

/* After every test has ended: Criterion reports POST_SUITE once it has
 * started the suite's last test, which may still run (--jobs above 1). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("transfer_a");
    harness_shared_stop("transfer_b");
}

static void names(void)
{
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(south, sizeof(south), "South-%d", pid);
    snprintf(east, sizeof(east), "East-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(olga_name, sizeof(olga_name), "olga-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    snprintf(carol_name, sizeof(carol_name), "carol-%d", pid);
    snprintf(dave_name, sizeof(dave_name), "dave-%d", pid);
    snprintf(partner_name, sizeof(partner_name), "Cine Sol %d", pid);
}

/* The seq of root's firm's newest audit record. */
static uint64_t audit_newest(struct folio_connection *root)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(root, NULL, 0, 1, 0, &err), &err);
    uint64_t seq = r->audit->n_records > 0 ? r->audit->records[0]->seq : 0;
    folio_response_free(r);
    return seq;
}

static Folio__Response *call(struct folio_connection *c, Folio__Request *req,
                             struct folio_error *err)
{
    return folio_connection_call(c, req, err);
}

static void add_client(struct folio_connection *c, Folio__Client *client, char out[37])
{
    struct folio_error err = {0};
    Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
    op.client = client;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *r = harness_ok(call(c, &req, &err), &err);
    snprintf(out, 37, "%s", r->client->id);
    folio_response_free(r);
}

static void add_event(struct folio_connection *c, const char *id, const char *kind,
                      const char *what, const char *date, const char *follow_up)
{
    struct folio_error err = {0};
    Folio__EventAdd ev = FOLIO__EVENT_ADD__INIT;
    ev.client_id = (char *)id;
    ev.kind = (char *)kind;
    ev.what = (char *)what;
    ev.date = (char *)date;
    ev.follow_up = (char *)follow_up;
    folio_response_free(harness_ok(folio_event_add(c, &ev, &err), &err));
}

/* Firm A's people and alice's portfolio, on a running server a. */
static void people_a(void)
{
    struct folio_error err = {0};
    root_a = harness_admin(&a);
    harness_add_office(root_a, north);
    harness_add_office(root_a, south);
    harness_add_user(root_a, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW);
    harness_add_user(root_a, olga_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, north, PW);
    harness_add_user(root_a, bob_name, FOLIO__ROLE__ROLE_AGENT, south, PW);
    alice = harness_user(&a, alice_name, PW);

    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = true;
    char *phones[] = {"+34 600 000 001"};
    char *emails[] = {"mia@example.com"};
    char *tags[] = {"vip"};
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = "Mía Ñúñez \"la Jefa\"";
    c.birth_date = "1980-02-29";
    c.phones = phones;
    c.n_phones = 1;
    c.emails = emails;
    c.n_emails = 1;
    c.city = "Lima";
    c.country = "PE";
    c.tags = tags;
    c.n_tags = 1;
    c.notes = "line one\nline two";
    c.consent = &consent;
    add_client(alice, &c, mia);
    Folio__Client n = FOLIO__CLIENT__INIT;
    n.name = "Noel";
    add_client(alice, &n, noel);
    add_event(alice, mia, "life", "married", "2030-05-01", "");
    add_event(alice, mia, "contact", "call", "2030-06-01", "2030-07-01");

    Folio__Offer offer = FOLIO__OFFER__INIT;
    offer.client_id = mia;
    offer.title = "Home insurance";
    offer.product = "home";
    offer.rate_bp = 450;
    offer.valid_from = "2030-06-01";
    offer.valid_until = "2030-12-31";
    folio_response_free(harness_ok(folio_offer_add(alice, &offer, TODAY, &err), &err));

    Folio__Partner partner = FOLIO__PARTNER__INIT;
    partner.name = partner_name;
    partner.category = "cinema";
    Folio__Response *p = harness_ok(folio_partner_add(root_a, &partner, &err), &err);
    Folio__Coupon coupon = FOLIO__COUPON__INIT;
    coupon.client_id = mia;
    coupon.partner_id = p->partner->id;
    coupon.discount = "2x1";
    coupon.valid_until = "2030-12-31";
    folio_response_free(p);
    Folio__Response *cr = harness_ok(folio_coupon_issue(alice, &coupon, TODAY, &err), &err);
    snprintf(coupon_code, sizeof(coupon_code), "%s", cr->coupon->code);
    folio_response_free(cr);

    Folio__AgentCard card = FOLIO__AGENT_CARD__INIT;
    card.display_name = "Alice A.";
    card.phone = "+34 600 111 222";
    const char *fields[] = {"display_name", "phone"};
    folio_response_free(harness_ok(folio_profile_set(alice, &card, fields, 2, &err), &err));
}

/* Firm B's people, on a running server b; then where the test's files go
 * and where its audit begins. */
static void people_b(void)
{
    root_b = harness_admin(&b);
    harness_add_office(root_b, east);
    harness_add_user(root_b, carol_name, FOLIO__ROLE__ROLE_AGENT, east, PW);
    harness_add_user(root_b, dave_name, FOLIO__ROLE__ROLE_AGENT, east, PW);
    carol = harness_user(&b, carol_name, PW);
    int n = snprintf(files, sizeof(files), "%s/test-XXXXXX", a.root);
    cr_assert(n > 0 && (size_t)n < sizeof(files), "the test directory's path is too long");
    cr_assert_not_null(mkdtemp(files), "mkdtemp: %s", strerror(errno));
    audit_from_a = audit_newest(root_a);
    audit_from_b = audit_newest(root_b);
}

static void setup(void)
{
    names();
    harness_shared_attach(&a, "transfer_a");
    harness_shared_attach(&b, "transfer_b");
    people_a();
    people_b();
}

/* Two firms of the test's own: B trusts nobody yet. */
static void setup_own(void)
{
    names();
    harness_server_clock(&a, TODAY " 12:00:00");
    harness_server_start(&a, NULL);
    harness_server_clock(&b, TODAY " 12:00:00");
    harness_server_start(&b, NULL);
    people_a();
    people_b();
}

static void teardown(void)
{
    folio_connection_close(root_a);
    folio_connection_close(root_b);
    folio_connection_close(alice);
    folio_connection_close(carol);
    harness_server_cleanup(&a);
    harness_server_cleanup(&b);
}

static void finish(void)
{
    harness_server_finish(&a);
    harness_server_finish(&b);
}

TestSuite(transfer, .init = setup, .fini = teardown, .timeout = 120);
TestSuite(transfer_own, .init = setup_own, .fini = teardown, .timeout = 120);

/* ---------------------------------------------------------------- helpers */

/* Exports into a file in the test's directory; returns its path. */
static char *export_file(struct folio_connection *c, const char *agent, const char *const *ids,
                         size_t n, bool release, const char *name)
{
    size_t len = strlen(files) + strlen(name) + 2;
    char *path = malloc(len);
    cr_assert_not_null(path);
    snprintf(path, len, "%s/%s", files, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert(fd >= 0);
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_export_to_fd(c, agent, ids, n, release, agent != NULL ? "handover" : NULL,
                                      fd, NULL, NULL, &err),
                   &err);
    close(fd);
    struct stat st;
    cr_assert(stat(path, &st) == 0);
    cr_assert_eq((uint64_t)st.st_size, r->transfer->size);
    cr_assert_eq(strlen(r->transfer->transfer_id), 32);
    folio_response_free(r);
    return path;
}

static Folio__Response *import_file_with(struct folio_connection *c, const char *path,
                                         const char *agent, bool allow_untrusted, bool allow_erased,
                                         bool dry_run, struct folio_error *err)
{
    int fd = open(path, O_RDONLY);
    cr_assert(fd >= 0);
    struct stat st;
    cr_assert(fstat(fd, &st) == 0);
    Folio__Response *r = folio_import_from_fd(c, fd, (uint64_t)st.st_size, agent, allow_untrusted,
                                              allow_erased, dry_run, NULL, NULL, err);
    close(fd);
    return r;
}

static Folio__Response *import_file(struct folio_connection *c, const char *path, const char *agent,
                                    bool allow_untrusted, bool dry_run, struct folio_error *err)
{
    return import_file_with(c, path, agent, allow_untrusted, false, dry_run, err);
}

static size_t count_clients(struct folio_connection *c)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_list(c, 1000, NULL, &err), &err);
    size_t n = r->clients->n_clients;
    folio_response_free(r);
    return n;
}

static void trust_a_at_b(void)
{
    struct folio_error err = {0};
    Folio__FirmKey fk = FOLIO__FIRM_KEY__INIT;
    Folio__Request req;
    envelope_init(&req, &fk.base);
    Folio__Response *key = harness_ok(call(root_a, &req, &err), &err);
    Folio__TrustAdd add = FOLIO__TRUST_ADD__INIT;
    add.firm = "Firm A";
    add.public_key = key->firm_key->public_key;
    Folio__Request req2;
    envelope_init(&req2, &add.base);
    /* Firm B is shared: an earlier test may have trusted firm A already. */
    Folio__Response *r = call(root_b, &req2, &err);
    if (r != NULL || err.transport || err.code != FOLIO__CODE__ALREADY_EXISTS)
        folio_response_free(harness_ok(r, &err));
    folio_response_free(key);
}

/* Is there an audit record, written since the test began, with this
 * action and whose detail contains part? */
static bool audited(struct folio_connection *root, const char *action, const char *part)
{
    struct folio_error err = {0};
    uint64_t from = root == root_b ? audit_from_b : audit_from_a;
    Folio__Response *r = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->audit->n_records && !found; i++) {
        const Folio__AuditRecord *rec = r->audit->records[i];
        found = rec->seq > from && strcmp(rec->action, action) == 0 &&
                strstr(rec->detail, part) != NULL;
    }
    folio_response_free(r);
    return found;
}

/* A coupon code as this server makes them: XXXX-XXXX-XXXX-XXXX. */
static bool code_shaped(const char *code)
{
    if (strlen(code) != 19)
        return false;
    for (size_t i = 0; i < 19; i++) {
        bool dash = i % 5 == 4;
        if (dash != (code[i] == '-') ||
            (!dash && strchr("23456789ABCDEFGHJKLMNPQRSTUVWXYZ", code[i]) == NULL))
            return false;
    }
    return true;
}

/* Mia with everything she had at firm A. An import gives her coupon a code
 * of the importing firm's own making (imported); at A it keeps its own. */
static void check_mia(struct folio_connection *c, bool imported)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_get(c, mia, false, &err), &err);
    const Folio__Client *m = r->client;
    cr_assert_str_eq(m->name, "Mía Ñúñez \"la Jefa\"");
    cr_assert_str_eq(m->birth_date, "1980-02-29");
    cr_assert_eq(m->n_phones, 1);
    cr_assert_str_eq(m->phones[0], "+34 600 000 001");
    cr_assert_str_eq(m->emails[0], "mia@example.com");
    cr_assert_str_eq(m->city, "Lima");
    cr_assert_str_eq(m->country, "PE");
    cr_assert_str_eq(m->tags[0], "vip");
    cr_assert_str_eq(m->notes, "line one\nline two");
    cr_assert(m->consent->email);
    cr_assert_eq(m->marital_status, FOLIO__MARITAL_STATUS__MARITAL_MARRIED);
    cr_assert_str_eq(m->last_contact, "2030-06-01");
    cr_assert_eq(m->transferred_from, 0);
    folio_response_free(r);

    r = harness_ok(folio_client_history(c, mia, 100, 0, &err), &err);
    size_t life = 0, contact = 0;
    for (size_t i = 0; i < r->timeline->n_events; i++) {
        const Folio__TimelineEvent *ev = r->timeline->events[i];
        life += strcmp(ev->kind, "life") == 0 && strcmp(ev->what, "married") == 0;
        if (strcmp(ev->kind, "contact") == 0) {
            contact++;
            cr_assert_str_eq(ev->follow_up, "2030-07-01");
        }
    }
    cr_assert_eq(life, 1);
    cr_assert_eq(contact, 1);
    folio_response_free(r);

    r = harness_ok(folio_offer_list(c, mia, NULL, TODAY, 100, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 1);
    cr_assert_str_eq(r->offers->offers[0]->title, "Home insurance");
    cr_assert_eq(r->offers->offers[0]->rate_bp, 450);
    folio_response_free(r);

    r = harness_ok(folio_coupon_list(c, mia, 100, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 1);
    if (imported)
        cr_assert_str_neq(r->coupons->coupons[0]->code, coupon_code);
    else
        cr_assert_str_eq(r->coupons->coupons[0]->code, coupon_code);
    cr_assert(code_shaped(r->coupons->coupons[0]->code), "%s", r->coupons->coupons[0]->code);
    cr_assert_str_eq(r->coupons->coupons[0]->discount, "2x1");
    folio_response_free(r);
}

static void check_mia_at(struct folio_connection *c)
{
    check_mia(c, true);
}

/* ---------------------------------------------------------------- tests */

Test(transfer, trusted_round_trip_keeps_everything_and_reimport_changes_nothing)
{
    char *path = export_file(alice, NULL, NULL, 0, false, "alice.bundle");
    trust_a_at_b();
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(import_file(carol, path, NULL, false, false, &err), &err);
    const Folio__ImportResult *res = r->import;
    cr_assert_str_eq(res->signer, "Firm A");
    cr_assert_eq(res->clients_added, 2);
    cr_assert_eq(res->clients_unchanged, 0);
    cr_assert_eq(res->offers, 1);
    cr_assert_eq(res->coupons, 1);
    cr_assert(res->events >= 2);
    cr_assert_str_eq(res->header->agent, alice_name);
    cr_assert_eq(res->header->clients, 2);
    folio_response_free(r);
    check_mia_at(carol);
    Folio__Response *h = harness_ok(folio_client_history(alice, mia, 100, 0, &err), &err);
    size_t events = h->timeline->n_events;
    folio_response_free(h);
    cr_assert_eq(count_clients(carol), 2);

    Folio__Response *card = harness_ok(folio_profile_get(carol, &err), &err);
    cr_assert_str_eq(card->card->display_name, "Alice A.");
    folio_response_free(card);

    /* Again: nothing new, nothing changed. */
    r = harness_ok(import_file(carol, path, NULL, false, false, &err), &err);
    cr_assert_eq(r->import->clients_added, 0);
    cr_assert_eq(r->import->clients_unchanged, 2);
    cr_assert_eq(r->import->events, 0);
    folio_response_free(r);
    check_mia_at(carol);
    h = harness_ok(folio_client_history(carol, mia, 100, 0, &err), &err);
    cr_assert_eq(h->timeline->n_events, events, "%zu events at B, %zu at A", h->timeline->n_events,
                 events);
    folio_response_free(h);
    cr_assert(audited(root_b, "import", "2 clients added"));
    cr_assert(audited(root_a, "export", "2 clients"));
    free(path);
    finish();
}

Test(transfer_own, untrusted_signer_refused_unless_allowed_and_audited)
{
    char *path = export_file(alice, NULL, NULL, 0, false, "alice.bundle");
    struct folio_error err = {0};
    Folio__Response *r = import_file(carol, path, NULL, false, false, &err);
    cr_assert_null(r);
    cr_assert_eq(err.code, FOLIO__CODE__FAILED_PRECONDITION, "%s", err.message);
    cr_assert(strstr(err.message, "untrusted key") != NULL, "%s", err.message);
    cr_assert(strstr(err.message, "--allow-untrusted") != NULL, "%s", err.message);
    cr_assert_eq(count_clients(carol), 0);

    /* Letting an unknown signer in is the firm-admin's decision. */
    harness_refused(import_file(carol, path, NULL, true, false, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    cr_assert(strstr(err.message, "--allow-untrusted") != NULL, "%s", err.message);
    cr_assert_eq(count_clients(carol), 0);
    r = harness_ok(import_file(root_b, path, carol_name, true, false, &err), &err);
    cr_assert_str_eq(r->import->signer, "");
    cr_assert_eq(r->import->clients_added, 2);
    folio_response_free(r);
    check_mia_at(carol);
    cr_assert(audited(root_b, "import", "untrusted (allowed by --allow-untrusted)"));
    free(path);
    finish();
}

static void damaged_refused(const char *path, const char *what)
{
    struct folio_error err = {0};
    Folio__Response *r = import_file(carol, path, NULL, false, false, &err);
    cr_assert_null(r, "%s accepted", what);
    cr_assert_eq(err.code, FOLIO__CODE__INVALID_ARGUMENT, "%s: %s", what, err.message);
    cr_assert(strncmp(err.message, "bundle: ", 8) == 0, "%s: %s", what, err.message);
    cr_assert_eq(count_clients(carol), 0, "%s changed something", what);
}

Test(transfer, flipped_byte_or_cut_short_refused_with_reason)
{
    char *path = export_file(alice, NULL, NULL, 0, false, "alice.bundle");
    struct stat st;
    cr_assert(stat(path, &st) == 0);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    size_t size = (size_t)st.st_size;
    uint8_t *bytes = malloc(size);
    cr_assert_eq(fread(bytes, 1, size, f), size);
    fclose(f);

    const size_t flips[] = {0, 10, size / 2, size - 1};
    for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
        bytes[flips[i]] ^= 0x01;
        f = fopen(path, "wb");
        cr_assert_eq(fwrite(bytes, 1, size, f), size);
        fclose(f);
        damaged_refused(path, "a flipped byte");
        bytes[flips[i]] ^= 0x01;
    }
    const size_t cuts[] = {1, 12, size / 2, size - 1};
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        f = fopen(path, "wb");
        cr_assert_eq(fwrite(bytes, 1, cuts[i], f), cuts[i]);
        fclose(f);
        damaged_refused(path, "a cut bundle");
    }
    free(bytes);
    free(path);
    finish();
}

Test(transfer, client_owned_by_another_agent_refused_whole)
{
    char *path = export_file(alice, NULL, NULL, 0, false, "alice.bundle");
    const char *only_mia[] = {mia};
    char *mia_path = export_file(alice, NULL, only_mia, 1, false, "mia.bundle");
    struct folio_error err = {0};
    trust_a_at_b();
    folio_response_free(harness_ok(import_file(carol, mia_path, NULL, false, false, &err), &err));
    struct folio_connection *dave = harness_user(&b, dave_name, PW);
    Folio__Response *r = import_file(dave, path, NULL, false, false, &err);
    cr_assert_null(r);
    cr_assert_eq(err.code, FOLIO__CODE__ALREADY_EXISTS, "%s", err.message);
    cr_assert(strstr(err.message, mia) != NULL, "%s", err.message);
    /* The answer says nothing of who holds the id. */
    cr_assert(strstr(err.message, "cannot be imported here") != NULL, "%s", err.message);
    cr_assert(strstr(err.message, "agent") == NULL, "%s", err.message);
    cr_assert_eq(count_clients(dave), 0);
    cr_assert_eq(count_clients(carol), 1);
    /* An admin importing into dave gets the same answer. */
    r = import_file(root_b, path, dave_name, false, false, &err);
    cr_assert_null(r);
    cr_assert_eq(err.code, FOLIO__CODE__ALREADY_EXISTS, "%s", err.message);
    folio_connection_close(dave);
    free(path);
    free(mia_path);
    finish();
}

Test(transfer, release_hides_clients_and_restore_brings_them_back)
{
    char *path = export_file(alice, NULL, NULL, 0, true, "alice.bundle");
    struct folio_error err = {0};
    harness_refused(folio_client_get(alice, mia, false, &err), &err, FOLIO__CODE__NOT_FOUND);
    cr_assert_eq(count_clients(alice), 0);
    Folio__Response *ag = harness_ok(folio_agenda(alice, TODAY, 60, &err), &err);
    for (size_t i = 0; i < ag->agenda->n_items; i++)
        cr_assert(strcmp(ag->agenda->items[i]->client_id, mia) != 0, "released client on agenda");
    folio_response_free(ag);
    cr_assert(audited(root_a, "client.release", "2 clients"));

    /* The bundle still imports elsewhere. */
    trust_a_at_b();
    folio_response_free(harness_ok(import_file(carol, path, NULL, false, false, &err), &err));
    check_mia_at(carol);

    /* At firm A, another agent cannot take the released clients by their
     * ids, with or without --allow-untrusted, nor can an admin put them
     * in its portfolio: they stay alice's to restore. */
    struct folio_connection *bob = harness_user(&a, bob_name, PW);
    harness_refused(import_file(bob, path, NULL, true, false, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(import_file(bob, path, NULL, false, false, &err), &err,
                    FOLIO__CODE__ALREADY_EXISTS);
    cr_assert(strstr(err.message, "cannot be imported here") != NULL, "%s", err.message);
    harness_refused(import_file(root_a, path, bob_name, true, false, &err), &err,
                    FOLIO__CODE__ALREADY_EXISTS);
    cr_assert_eq(count_clients(bob), 0);
    harness_refused(folio_restore_transferred(bob, alice_name, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    folio_connection_close(bob);
    Folio__Response *r = harness_ok(folio_restore_transferred(root_a, alice_name, &err), &err);
    cr_assert_eq(r->reassign->count, 2);
    folio_response_free(r);
    cr_assert_eq(count_clients(alice), 2);
    check_mia(alice, false);
    cr_assert(audited(root_a, "client.restore", "2 clients"));
    free(path);
    finish();
}

Test(transfer, roles_decide_whose_portfolio_moves)
{
    struct folio_error err = {0};
    struct folio_connection *bob = harness_user(&a, bob_name, PW);
    struct folio_connection *olga = harness_user(&a, olga_name, PW);
    harness_refused(folio_export_begin(bob, alice_name, NULL, 0, false, "why", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_export_begin(olga, bob_name, NULL, 0, false, "why", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_export_begin(olga, NULL, NULL, 0, false, NULL, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_export_begin(root_a, "nobody", NULL, 0, false, "why", &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_export_begin(root_a, olga_name, NULL, 0, false, "why", &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    const char *not_bobs[] = {mia};
    harness_refused(folio_export_begin(root_a, bob_name, not_bobs, 1, false, NULL, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    /* An admin taking another agent's whole book says why, within bounds,
     * and the audit keeps it. */
    harness_refused(folio_export_begin(olga, alice_name, NULL, 0, false, NULL, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "--reason") != NULL, "%s", err.message);
    harness_refused(folio_export_begin(olga, alice_name, NULL, 0, false, "bad\x1b[31m", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    char long_reason[300];
    memset(long_reason, 'r', sizeof(long_reason) - 1);
    long_reason[sizeof(long_reason) - 1] = '\0';
    harness_refused(folio_export_begin(olga, alice_name, NULL, 0, false, long_reason, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    free(export_file(olga, alice_name, NULL, 0, false, "olga.bundle"));
    cr_assert(audited(root_a, "export", "reason: handover"));
    free(export_file(root_a, bob_name, NULL, 0, false, "bob.bundle"));
    free(export_file(alice, alice_name, NULL, 0, false, "self.bundle"));
    /* The answer names the header's counts. */
    Folio__Response *r =
        harness_ok(folio_export_begin(alice, NULL, NULL, 0, false, NULL, &err), &err);
    cr_assert_eq(r->transfer->header->clients, 2);
    cr_assert_eq(r->transfer->header->offers, 1);
    cr_assert_eq(r->transfer->header->coupons, 1);
    cr_assert_str_eq(r->transfer->header->agent, alice_name);
    folio_response_free(r);
    folio_connection_close(bob);
    folio_connection_close(olga);
    finish();
}

Test(transfer, dry_run_counts_and_changes_nothing)
{
    char *path = export_file(alice, NULL, NULL, 0, false, "alice.bundle");
    struct folio_error err = {0};
    trust_a_at_b();
    Folio__Response *r = harness_ok(import_file(carol, path, NULL, false, true, &err), &err);
    cr_assert(r->import->dry_run);
    cr_assert_eq(r->import->clients_added, 2);
    cr_assert_eq(r->import->coupons, 1);
    folio_response_free(r);
    cr_assert_eq(count_clients(carol), 0);
    cr_assert(!audited(root_b, "import", "clients added"));
    free(path);
    finish();
}

Test(transfer, chunk_offsets_and_sizes_are_checked)
{
    struct folio_error err = {0};
    harness_refused(folio_import_begin(carol, 0, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_import_begin(carol, (4ull << 30) + 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_import_begin(carol, 2ull << 30, &err), &err,
                    FOLIO__CODE__RESOURCE_EXHAUSTED);
    Folio__Response *begin = harness_ok(folio_import_begin(carol, 10, &err), &err);
    const char *id = begin->transfer->transfer_id;
    cr_assert_eq(strlen(id), 32);
    /* One transfer per connection. */
    harness_refused(folio_import_begin(carol, 10, &err), &err, FOLIO__CODE__FAILED_PRECONDITION);
    const uint8_t data[16] = {0};
    harness_refused(folio_import_chunk(carol, id, 1, data, 4, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_import_chunk(carol, id, 0, data, 11, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_import_chunk(carol, "00000000000000000000000000000000", 0, data, 4, &err),
                    &err, FOLIO__CODE__NOT_FOUND);
    folio_response_free(harness_ok(folio_import_chunk(carol, id, 0, data, 4, &err), &err));
    harness_refused(folio_import_commit(carol, id, NULL, false, false, false, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    harness_refused(folio_import_chunk(carol, id, 0, data, 4, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    folio_response_free(harness_ok(folio_import_chunk(carol, id, 4, data, 6, &err), &err));
    /* Ten zero bytes are no bundle. */
    Folio__Response *r = folio_import_commit(carol, id, NULL, false, false, false, &err);
    cr_assert_null(r);
    cr_assert_eq(err.code, FOLIO__CODE__INVALID_ARGUMENT, "%s", err.message);
    folio_response_free(begin);

    Folio__Response *ex =
        harness_ok(folio_export_begin(alice, NULL, NULL, 0, false, NULL, &err), &err);
    harness_refused(
        folio_export_chunk(alice, ex->transfer->transfer_id, ex->transfer->size + 1, &err), &err,
        FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_export_chunk(alice, "ffffffffffffffffffffffffffffffff", 0, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_export_begin(alice, NULL, NULL, 0, false, NULL, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    Folio__Response *last =
        harness_ok(folio_export_chunk(alice, ex->transfer->transfer_id, 0, &err), &err);
    cr_assert(last->chunk->eof);
    cr_assert_eq(last->chunk->data.len, ex->transfer->size);
    folio_response_free(last);
    /* After the last chunk the transfer is over. */
    harness_refused(folio_export_chunk(alice, ex->transfer->transfer_id, 0, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    folio_response_free(ex);
    finish();
}

/* ---------------------------------------------------------------- forged bundles */

/* What a forger puts in a bundle signed with a key of its own: clients of
 * n_events events each, and one offer, one coupon and the card when given. */
struct forged {
    const char *const *ids; /* client ids */
    size_t n_clients;
    Folio__TimelineEvent *event; /* every client gets n_events copies */
    size_t n_events;
    Folio__Offer *offer;
    Folio__Coupon *coupon;
    Folio__AgentCard *card;
};

#define FORGED_CREATED 1900000000 /* 2030-03-17 */

static void forged_add(struct bundle_writer *w, Folio__BundleRecord *rec)
{
    cr_assert_eq(bundle_writer_add(w, rec), 0);
}

static void write_forged(const char *path, const struct forged *f)
{
    static uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    cr_assert(fd >= 0);
    Folio__BundleHeader h = FOLIO__BUNDLE_HEADER__INIT;
    h.format_version = BUNDLE_VERSION;
    h.firm = "Forger & Co";
    h.public_key.data = pk;
    h.public_key.len = sizeof(pk);
    h.agent = "forger";
    h.created_at = FORGED_CREATED;
    h.clients = f->n_clients;
    h.events = f->n_clients * f->n_events;
    h.offers = f->offer != NULL ? f->n_clients : 0;
    h.coupons = f->coupon != NULL ? f->n_clients : 0;
    struct bundle_writer w;
    cr_assert_eq(bundle_writer_open(&w, fd, &h), 0);
    for (size_t i = 0; i < f->n_clients; i++) {
        Folio__Client c = FOLIO__CLIENT__INIT;
        c.id = (char *)f->ids[i];
        c.name = "Forged Client";
        Folio__BundleRecord rec = FOLIO__BUNDLE_RECORD__INIT;
        rec.item_case = FOLIO__BUNDLE_RECORD__ITEM_CLIENT;
        rec.client = &c;
        forged_add(&w, &rec);
        for (size_t e = 0; e < f->n_events; e++) {
            f->event->client_id = c.id;
            rec.item_case = FOLIO__BUNDLE_RECORD__ITEM_EVENT;
            rec.event = f->event;
            forged_add(&w, &rec);
        }
        if (f->offer != NULL) {
            f->offer->client_id = c.id;
            rec.item_case = FOLIO__BUNDLE_RECORD__ITEM_OFFER;
            rec.offer = f->offer;
            forged_add(&w, &rec);
        }
        if (f->coupon != NULL) {
            f->coupon->client_id = c.id;
            rec.item_case = FOLIO__BUNDLE_RECORD__ITEM_COUPON;
            rec.coupon = f->coupon;
            forged_add(&w, &rec);
        }
    }
    if (f->card != NULL) {
        Folio__BundleRecord rec = FOLIO__BUNDLE_RECORD__INIT;
        rec.item_case = FOLIO__BUNDLE_RECORD__ITEM_CARD;
        rec.card = f->card;
        forged_add(&w, &rec);
    }
    cr_assert_eq(bundle_writer_finish(&w, sk), 0);
    close(fd);
}

static const char *const forged_id[] = {"0b0e8a4c-8f4e-4b43-9a3f-1d2c3b4a5e6f",
                                        "1c1f9b5d-9a5f-4c54-8b4a-2e3d4c5b6f70"};

/* A sound event, which each case spoils in one way. */
static void forged_event(Folio__TimelineEvent *ev)
{
    folio__timeline_event__init(ev);
    ev->time = FORGED_CREATED - 3600;
    ev->actor = "admin";
    ev->kind = "life";
    ev->what = "married";
    ev->date = "2000-01-01";
}

/* The firm-admin imports the forged file into carol (the signer is not
 * trusted at firm B). */
static Folio__Response *import_forged(const struct forged *f, struct folio_error *err)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/forged.bundle", files);
    write_forged(path, f);
    return import_file(root_b, path, carol_name, true, false, err);
}

static void forged_refused(const struct forged *f, const char *what, const char *part)
{
    struct folio_error err = {0};
    Folio__Response *r = import_forged(f, &err);
    cr_assert_null(r, "%s was imported", what);
    cr_assert_eq(err.code, FOLIO__CODE__INVALID_ARGUMENT, "%s: %s", what, err.message);
    cr_assert(strstr(err.message, part) != NULL, "%s: %s", what, err.message);
    cr_assert_eq(count_clients(carol), 1, "%s changed something", what);
}

Test(transfer, forged_records_are_checked_like_local_writes)
{
    struct folio_error err = {0};
    Folio__TimelineEvent ev;
    forged_event(&ev);
    Folio__Coupon coupon = FOLIO__COUPON__INIT;
    coupon.code = "AAAA-BBBB-CCCC-DDDD";
    coupon.discount = "2x1";
    coupon.valid_until = "2030-12-31";
    Folio__Offer offer = FOLIO__OFFER__INIT;
    offer.title = "Life cover";
    offer.valid_from = "2030-01-01";
    offer.valid_until = "2030-12-31";
    offer.status = "proposed";
    Folio__AgentCard card = FOLIO__AGENT_CARD__INIT;
    card.display_name = "Forger";
    struct forged f = {forged_id, 1, &ev, 1, &offer, &coupon, &card};

    /* A sound bundle goes in, but its events are by the source firm, not by
     * a local "admin", and the coupon's code is one firm B made. */
    Folio__Response *r = harness_ok(import_forged(&f, &err), &err);
    cr_assert_eq(r->import->clients_added, 1);
    folio_response_free(r);
    r = harness_ok(folio_client_history(carol, forged_id[0], 100, 0, &err), &err);
    cr_assert_eq(r->timeline->n_events, 1);
    cr_assert_str_eq(r->timeline->events[0]->actor, "imported from Forger & Co");
    folio_response_free(r);
    r = harness_ok(folio_coupon_list(carol, forged_id[0], 100, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 1);
    cr_assert_str_neq(r->coupons->coupons[0]->code, "AAAA-BBBB-CCCC-DDDD");
    cr_assert(code_shaped(r->coupons->coupons[0]->code), "%s", r->coupons->coupons[0]->code);
    folio_response_free(r);

    /* Each spoiled record refuses the whole bundle, naming what is wrong. */
    f.ids = forged_id + 1;
    forged_event(&ev);
    ev.what = "\x1b[31mmarried";
    forged_refused(&f, "an ESC sequence", "what");
    forged_event(&ev);
    ev.note = "bad \xff\xfe bytes";
    forged_refused(&f, "invalid UTF-8", "note");
    forged_event(&ev);
    ev.date = "1850-01-01";
    forged_refused(&f, "a date before 1900", "date");
    forged_event(&ev);
    ev.time = FORGED_CREATED + 30 * 24 * 3600;
    forged_refused(&f, "an event recorded after the bundle was made", "time");
    forged_event(&ev);
    ev.kind = "root";
    forged_refused(&f, "an unknown kind", "kind");
    forged_event(&ev);
    coupon.discount = "\x1b]0;owned\x07";
    forged_refused(&f, "a coupon with control characters", "discount");
    coupon.discount = "2x1";
    offer.status = "paid";
    forged_refused(&f, "an offer with a made-up status", "status");
    offer.status = "proposed";
    card.hours = "24/7 \x1b[2J";
    forged_refused(&f, "a card with an ESC sequence", "hours");
    finish();
}

/* ---------------------------------------------------------------- limits */

/* One server with small limits; a and b are not used here. Its users:
 * the firm-admin and the agents lena and max. */
static struct harness_server lim;
static const char *const lim_flags[] = {
    "--transfer-quota-user",
    "10000",
    "--transfer-quota-firm",
    "15000",
    "--import-max-events",
    "5",
    "--import-max-client-events",
    "3",
    NULL,
};

static void lim_setup(void)
{
    harness_server_start(&lim, lim_flags);
    struct folio_connection *root = harness_admin(&lim);
    harness_add_office(root, "Main");
    harness_add_user(root, "lena", FOLIO__ROLE__ROLE_AGENT, "Main", PW);
    harness_add_user(root, "max", FOLIO__ROLE__ROLE_AGENT, "Main", PW);
    folio_connection_close(root);
}

static void lim_teardown(void)
{
    harness_server_cleanup(&lim);
}

TestSuite(transfer_limits, .init = lim_setup, .fini = lim_teardown, .timeout = 120);

static size_t count_files(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s", dir);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* ImportBegin of size on c: the code it is answered with. */
static Folio__Code lim_begin(struct folio_connection *c, uint64_t size, char *message, size_t len)
{
    struct folio_error err = {0};
    Folio__Response *r = folio_import_begin(c, size, &err);
    if (r != NULL) {
        folio_response_free(r);
        return FOLIO__CODE__OK;
    }
    snprintf(message, len, "%s", err.message);
    return err.code;
}

Test(transfer_limits, quotas_bound_transfer_files_and_follow_their_cleanup)
{
    char why[512];
    struct folio_connection *lena1 = harness_user(&lim, "lena", PW);
    struct folio_connection *lena2 = harness_user(&lim, "lena", PW);
    struct folio_connection *max1 = harness_user(&lim, "max", PW);
    cr_assert_eq(lim_begin(lena1, 10001, why, sizeof(why)), FOLIO__CODE__RESOURCE_EXHAUSTED);
    cr_assert(strstr(why, "--transfer-quota-user") != NULL, "%s", why);
    struct folio_error err = {0};
    static uint8_t zeros[9000];
    Folio__Response *held = harness_ok(folio_import_begin(lena1, sizeof(zeros), &err), &err);
    /* lena's other connection counts against the same quota. */
    cr_assert_eq(lim_begin(lena2, 2000, why, sizeof(why)), FOLIO__CODE__RESOURCE_EXHAUSTED);
    cr_assert(strstr(why, "--transfer-quota-user") != NULL, "%s", why);
    /* max has room of his own, not beyond the firm's. */
    cr_assert_eq(lim_begin(max1, 7000, why, sizeof(why)), FOLIO__CODE__RESOURCE_EXHAUSTED);
    cr_assert(strstr(why, "--transfer-quota-firm") != NULL, "%s", why);
    cr_assert_eq(lim_begin(max1, 5000, why, sizeof(why)), FOLIO__CODE__OK, "%s", why);

    /* An export is counted once built: lena's own clients, with the 9000
     * bytes her upload holds, pass her quota. */
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = "Lena's client";
    char notes[3000];
    memset(notes, 'n', sizeof(notes) - 1);
    notes[sizeof(notes) - 1] = '\0';
    c.notes = notes;
    char id[37];
    add_client(lena2, &c, id);
    harness_refused(folio_export_begin(lena2, NULL, NULL, 0, false, NULL, &err), &err,
                    FOLIO__CODE__RESOURCE_EXHAUSTED);
    cr_assert(strstr(err.message, "--transfer-quota-user") != NULL, "%s", err.message);

    /* A transfer that is over (here: a commit refused) loses its file, and
     * the quota follows. */
    const char *held_id = held->transfer->transfer_id;
    folio_response_free(
        harness_ok(folio_import_chunk(lena1, held_id, 0, zeros, sizeof(zeros), &err), &err));
    harness_refused(folio_import_commit(lena1, held_id, NULL, false, false, false, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    folio_response_free(held);
    folio_connection_close(lena1);
    Folio__Response *ex =
        harness_ok(folio_export_begin(lena2, NULL, NULL, 0, false, NULL, &err), &err);
    cr_assert_gt(ex->transfer->size, 3000);
    folio_response_free(ex);
    folio_connection_close(lena2);
    folio_connection_close(max1);

    /* Files a crash leaves are removed at start, and nothing of them is
     * counted. */
    lena1 = harness_user(&lim, "lena", PW);
    cr_assert_eq(lim_begin(lena1, 9000, why, sizeof(why)), FOLIO__CODE__OK, "%s", why);
    char dir[PATH_MAX + 16];
    snprintf(dir, sizeof(dir), "%s/transfers", lim.data);
    cr_assert_gt(count_files(dir), 0);
    harness_server_signal(&lim, SIGKILL);
    harness_server_wait(&lim);
    harness_server_restart(&lim);
    cr_assert_eq(count_files(dir), 0);
    folio_connection_close(lena1);
    lena1 = harness_user(&lim, "lena", PW);
    cr_assert_eq(lim_begin(lena1, 10000, why, sizeof(why)), FOLIO__CODE__OK, "%s", why);
    folio_connection_close(lena1);
    harness_server_finish(&lim);
}

Test(transfer_limits, events_per_bundle_and_per_client_are_bounded_before_applying)
{
    struct folio_error err = {0};
    struct folio_connection *root = harness_admin(&lim);
    struct folio_connection *lena = harness_user(&lim, "lena", PW);
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/forged.bundle", lim.root);
    Folio__TimelineEvent ev;
    forged_event(&ev);
    /* 4 events of one client: over --import-max-client-events (3). */
    struct forged f = {forged_id, 1, &ev, 4, NULL, NULL, NULL};
    write_forged(path, &f);
    harness_refused(import_file(root, path, "lena", true, false, &err), &err,
                    FOLIO__CODE__RESOURCE_EXHAUSTED);
    cr_assert(strstr(err.message, "--import-max-client-events") != NULL, "%s", err.message);
    /* 2 clients of 3 events: each within, the bundle over --import-max-events (5). */
    f.n_clients = 2;
    f.n_events = 3;
    write_forged(path, &f);
    harness_refused(import_file(root, path, "lena", true, false, &err), &err,
                    FOLIO__CODE__RESOURCE_EXHAUSTED);
    cr_assert(strstr(err.message, "--import-max-events") != NULL, "%s", err.message);
    cr_assert_eq(count_clients(lena), 0);
    /* Within both, it goes in. */
    f.n_events = 2;
    write_forged(path, &f);
    Folio__Response *r = harness_ok(import_file(root, path, "lena", true, false, &err), &err);
    cr_assert_eq(r->import->clients_added, 2);
    cr_assert_eq(r->import->events, 4);
    folio_response_free(r);
    folio_connection_close(root);
    folio_connection_close(lena);
    harness_server_finish(&lim);
}

/* ---------------------------------------------------------------- batches */

/* One server that applies imports two records at a time, so that a bundle
 * of many small clients takes many write transactions. Agents lena, max
 * and nora; their bundles are forged with ids of their own. */
static struct harness_server bat;
static const char *const bat_flags[] = {"--import-batch-records", "2", NULL};

/* Enough batches (one per client) that the import is still running after
 * another connection's write, a round trip or two; few enough to count
 * quickly. Under valgrind every step is slower alike, so a quarter of them
 * leaves the same margin. */
#define BAT_CLIENTS_MAX 600
static unsigned bat_clients(void)
{
    return harness_valgrind() ? BAT_CLIENTS_MAX / 4 : BAT_CLIENTS_MAX;
}
#define BAT_EVENTS 2 /* per client: a batch of 2 records still takes a client whole */

static void bat_setup(void)
{
    harness_server_start(&bat, bat_flags);
    struct folio_connection *root = harness_admin(&bat);
    harness_add_office(root, "Main");
    harness_add_user(root, "lena", FOLIO__ROLE__ROLE_AGENT, "Main", PW);
    harness_add_user(root, "max", FOLIO__ROLE__ROLE_AGENT, "Main", PW);
    harness_add_user(root, "nora", FOLIO__ROLE__ROLE_AGENT, "Main", PW);
    folio_connection_close(root);
}

static void bat_teardown(void)
{
    harness_server_cleanup(&bat);
}

TestSuite(transfer_batches, .init = bat_setup, .fini = bat_teardown, .timeout = 240);

/* bat_clients() ids of set `set`, and a bundle of them with BAT_EVENTS events
 * each at path. */
static void bat_forge(unsigned set, char ids[][37], const char **id_ptrs, const char *path)
{
    for (unsigned i = 0; i < bat_clients(); i++) {
        snprintf(ids[i], 37, "%08x-0000-4000-8000-%012x", set, i);
        id_ptrs[i] = ids[i];
    }
    Folio__TimelineEvent ev;
    forged_event(&ev);
    struct forged f = {id_ptrs, bat_clients(), &ev, BAT_EVENTS, NULL, NULL, NULL};
    write_forged(path, &f);
}

/* Uploads path without committing: the transfer id, to free(). */
static char *bat_upload(struct folio_connection *c, const char *path)
{
    struct folio_error err = {0};
    int fd = open(path, O_RDONLY);
    cr_assert(fd >= 0);
    struct stat st;
    cr_assert(fstat(fd, &st) == 0);
    Folio__Response *begin = harness_ok(folio_import_begin(c, (uint64_t)st.st_size, &err), &err);
    char *id = strdup(begin->transfer->transfer_id);
    folio_response_free(begin);
    static uint8_t buf[FOLIO_IMPORT_CHUNK];
    uint64_t off = 0;
    for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0; off += (uint64_t)n)
        folio_response_free(harness_ok(folio_import_chunk(c, id, off, buf, (size_t)n, &err), &err));
    close(fd);
    cr_assert_eq(off, (uint64_t)st.st_size);
    return id;
}

/* Sends the commit of an uploaded bundle to agent, forged signer allowed,
 * without waiting for the answer. */
static void bat_send_commit(struct folio_connection *c, const char *transfer_id, const char *agent)
{
    struct folio_error err = {0};
    Folio__ImportCommit commit = FOLIO__IMPORT_COMMIT__INIT;
    commit.transfer_id = (char *)transfer_id;
    commit.agent = (char *)agent;
    commit.allow_untrusted = true;
    Folio__Request req;
    envelope_init(&req, &commit.base);
    cr_assert_eq(folio_connection_send(c, &req, &err), 0, "%s", err.message);
}

/* Is client id there for c, with every one of its events? Fails the test
 * on a client there without them (an import cut a client in two). */
static bool bat_whole(struct folio_connection *c, const char *id)
{
    struct folio_error err = {0};
    Folio__Response *r = folio_client_get(c, id, false, &err);
    if (r == NULL) {
        cr_assert_eq(err.code, FOLIO__CODE__NOT_FOUND, "%s: %s", id, err.message);
        return false;
    }
    folio_response_free(r);
    r = harness_ok(folio_client_history(c, id, 100, 0, &err), &err);
    cr_assert_eq(r->timeline->n_events, BAT_EVENTS, "client %s landed with %zu events", id,
                 r->timeline->n_events);
    folio_response_free(r);
    return true;
}

/* Waits (bounded) until the import has written its first client. */
static void bat_wait_first(struct folio_connection *c, const char *id)
{
    int64_t deadline = harness_now_ms() + harness_timeout_ms();
    while (!bat_whole(c, id)) {
        cr_assert_lt(harness_now_ms(), deadline, "the import wrote nothing in time");
        harness_sleep_ms(1);
    }
}

static size_t bat_count_whole(struct folio_connection *c, char ids[][37])
{
    size_t n = 0;
    for (unsigned i = 0; i < bat_clients(); i++)
        n += bat_whole(c, ids[i]);
    return n;
}

Test(transfer_batches, other_writes_go_between_the_batches_of_a_large_import)
{
    static char ids[BAT_CLIENTS_MAX][37];
    static const char *id_ptrs[BAT_CLIENTS_MAX];
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/lena.bundle", bat.root);
    bat_forge(1, ids, id_ptrs, path);
    struct folio_error err = {0};
    struct folio_connection *root = harness_admin(&bat);
    struct folio_connection *lena = harness_user(&bat, "lena", PW);
    struct folio_connection *max = harness_user(&bat, "max", PW);

    /* A dry run goes through every batch and keeps none. */
    Folio__Response *dry = harness_ok(import_file(root, path, "lena", true, true, &err), &err);
    cr_assert_eq(dry->import->clients_added, bat_clients());
    cr_assert_eq(dry->import->events, bat_clients() * BAT_EVENTS);
    folio_response_free(dry);
    cr_assert_not(bat_whole(lena, ids[0]));
    cr_assert_not(bat_whole(lena, ids[bat_clients() - 1]));

    char *transfer = bat_upload(root, path);
    bat_send_commit(root, transfer, "lena");
    bat_wait_first(lena, ids[0]);
    /* The import has begun: another agent's write is answered before it
     * ends, and lena sees the clients landed so far, each whole. */
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = "Written meanwhile";
    folio_response_free(harness_ok(folio_client_add(max, &c, false, &err), &err));
    cr_assert_not(bat_whole(lena, ids[bat_clients() - 1]),
                  "the import was over before a write sent during it was answered");
    Folio__Response *r = harness_ok(folio_connection_receive(root, &err), &err);
    cr_assert_eq(r->import->clients_added, bat_clients());
    cr_assert_eq(r->import->events, bat_clients() * BAT_EVENTS);
    folio_response_free(r);
    free(transfer);
    cr_assert_eq(bat_count_whole(lena, ids), bat_clients());
    cr_assert(audited(root, "import.begin", "applied in batches"));
    char added[64];
    snprintf(added, sizeof(added), "%u clients added", bat_clients());
    cr_assert(audited(root, "import", added));
    folio_connection_close(root);
    folio_connection_close(lena);
    folio_connection_close(max);
    harness_server_finish(&bat);
}

Test(transfer_batches, a_refused_client_stops_the_import_before_its_first_batch)
{
    static char ids[BAT_CLIENTS_MAX][37];
    static const char *id_ptrs[BAT_CLIENTS_MAX];
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/max.bundle", bat.root);
    bat_forge(2, ids, id_ptrs, path);
    struct folio_error err = {0};
    struct folio_connection *root = harness_admin(&bat);
    struct folio_connection *max = harness_user(&bat, "max", PW);
    /* nora holds the bundle's last client. */
    struct forged last = {&id_ptrs[bat_clients() - 1], 1, NULL, 0, NULL, NULL, NULL};
    char one[PATH_MAX];
    snprintf(one, sizeof(one), "%s/one.bundle", bat.root);
    write_forged(one, &last);
    folio_response_free(harness_ok(import_file(root, one, "nora", true, false, &err), &err));
    harness_refused(import_file(root, path, "max", true, false, &err), &err,
                    FOLIO__CODE__ALREADY_EXISTS);
    cr_assert(strstr(err.message, ids[bat_clients() - 1]) != NULL, "%s", err.message);
    cr_assert_not(bat_whole(max, ids[0]), "the first batch was written");
    folio_connection_close(root);
    folio_connection_close(max);
    harness_server_finish(&bat);
}

Test(transfer_batches, a_stopped_import_keeps_whole_clients_and_importing_again_adds_the_rest)
{
    static char ids[BAT_CLIENTS_MAX][37];
    static const char *id_ptrs[BAT_CLIENTS_MAX];
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/nora.bundle", bat.root);
    bat_forge(3, ids, id_ptrs, path);
    struct folio_error err = {0};
    static const int signals[] = {SIGTERM, SIGKILL};
    for (size_t s = 0; s < sizeof(signals) / sizeof(signals[0]); s++) {
        struct folio_connection *root = harness_admin(&bat);
        struct folio_connection *nora = harness_user(&bat, "nora", PW);
        size_t before = bat_count_whole(nora, ids);
        cr_assert_lt(before, bat_clients());
        char *transfer = bat_upload(root, path);
        bat_send_commit(root, transfer, "nora");
        free(transfer);
        bat_wait_first(nora, ids[before]);
        harness_server_signal(&bat, signals[s]);
        if (signals[s] == SIGTERM) {
            /* A stopping server ends the import at a batch and says so. */
            Folio__Response *r = folio_connection_receive(root, &err);
            cr_assert_not_null(r, "%s", err.message);
            cr_assert_eq(r->status->code, FOLIO__CODE__UNAVAILABLE, "%s", harness_message(r));
            cr_assert(strstr(harness_message(r), "importing the same bundle again adds the rest") !=
                          NULL,
                      "%s", harness_message(r));
            folio_response_free(r);
            cr_assert_eq(harness_server_wait(&bat), 0);
        } else {
            harness_server_wait(&bat);
        }
        folio_connection_close(root);
        folio_connection_close(nora);
        harness_server_restart(&bat);
        nora = harness_user(&bat, "nora", PW);
        size_t landed = bat_count_whole(nora, ids);
        cr_assert_gt(landed, before, "signal %d: nothing landed", signals[s]);
        cr_assert_lt(landed, bat_clients(), "signal %d: the import was not stopped", signals[s]);
        folio_connection_close(nora);
    }
    struct folio_connection *root = harness_admin(&bat);
    struct folio_connection *nora = harness_user(&bat, "nora", PW);
    size_t landed = bat_count_whole(nora, ids);
    Folio__Response *r = harness_ok(import_file(root, path, "nora", true, false, &err), &err);
    cr_assert_eq(r->import->clients_unchanged, landed);
    cr_assert_eq(r->import->clients_added, bat_clients() - landed);
    folio_response_free(r);
    cr_assert_eq(bat_count_whole(nora, ids), bat_clients());
    folio_connection_close(root);
    folio_connection_close(nora);
    harness_server_finish(&bat);
}

/* ---------------------------------------------------------------- households */

static void link_clients(struct folio_connection *c, const char *x, const char *y,
                         const char *relation)
{
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_client_link(c, x, y, relation, &err), &err));
}

static Folio__Client *show_at(struct folio_connection *c, const char *id)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_get(c, id, false, &err), &err);
    Folio__Client *client = r->client;
    r->client = NULL;
    folio_response_free(r);
    return client;
}

/* Whether the client's history holds a household note containing words. */
static bool household_noted(struct folio_connection *c, const char *id, const char *words)
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

/* A couple exported together arrives linked; a link to a client left
 * behind does not travel, and the one left behind keeps its record whole. */
Test(transfer, households_travel_when_both_ends_do)
{
    char lea[37], max[37], kid[37];
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = (char *)"Lea Household";
    add_client(alice, &c, lea);
    c.name = (char *)"Max Household";
    add_client(alice, &c, max);
    c.name = (char *)"Kid Household";
    add_client(alice, &c, kid);
    link_clients(alice, lea, max, "spouse");
    link_clients(alice, lea, kid, "child");

    const char *ids[] = {lea, max};
    char *path = export_file(alice, NULL, ids, 2, false, "household.bundle");
    trust_a_at_b();
    struct folio_error err = {0};
    folio_response_free(harness_ok(import_file(carol, path, NULL, false, false, &err), &err));
    free(path);

    Folio__Client *at_b = show_at(carol, lea);
    cr_assert_eq(at_b->n_household, 1, "the child stayed behind: its link did not travel");
    cr_assert_str_eq(at_b->household[0]->client_id, max);
    cr_assert_str_eq(at_b->household[0]->relation, "spouse");
    cr_assert_str_eq(at_b->household[0]->name, "Max Household");
    folio__client__free_unpacked(at_b, NULL);
    at_b = show_at(carol, max);
    cr_assert_eq(at_b->n_household, 1);
    cr_assert_str_eq(at_b->household[0]->client_id, lea);
    folio__client__free_unpacked(at_b, NULL);

    /* The link left behind is named on the timeline that travelled. */
    cr_assert(household_noted(carol, lea, "link to Kid Household"));
    cr_assert(household_noted(carol, lea, "not exported with this client"));
    cr_assert(!household_noted(carol, max, "dropped"));

    /* At A, where nothing moved, the household is whole. */
    Folio__Client *at_a = show_at(alice, lea);
    cr_assert_eq(at_a->n_household, 2);
    folio__client__free_unpacked(at_a, NULL);
}

/* A couple exported together, one of whom was erased at the importing
 * firm: the import skips that one, and the other arrives without a link to
 * nobody, saying why. */
Test(transfer, a_link_to_a_client_erased_here_is_dropped_with_a_note)
{
    char eva[37], ian[37];
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = (char *)"Eva Erased Spouse";
    add_client(alice, &c, eva);
    c.name = (char *)"Ian Erased";
    add_client(alice, &c, ian);
    link_clients(alice, eva, ian, "spouse");
    trust_a_at_b();
    struct folio_error err = {0};

    const char *ian_only[] = {ian};
    char *path = export_file(alice, NULL, ian_only, 1, false, "ian.bundle");
    folio_response_free(harness_ok(import_file(carol, path, NULL, false, false, &err), &err));
    free(path);
    folio_response_free(harness_ok(folio_client_erase(carol, ian, &err), &err));

    const char *both[] = {ian, eva};
    path = export_file(alice, NULL, both, 2, false, "couple.bundle");
    Folio__Response *r = harness_ok(import_file(carol, path, NULL, false, false, &err), &err);
    cr_assert_eq(r->import->clients_added, 1, "Ian, erased here, is skipped");
    cr_assert_eq(r->import->clients_unerased, 0);
    folio_response_free(r);
    free(path);
    Folio__Client *at_b = show_at(carol, eva);
    cr_assert_eq(at_b->n_household, 0);
    folio__client__free_unpacked(at_b, NULL);
    cr_assert(household_noted(carol, eva, "that client was erased here"));
}

/* A client's holdings travel with it; the header counts them. */
Test(transfer, holdings_travel_with_their_client)
{
    char ida[37];
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = (char *)"Ida Holdings";
    add_client(alice, &c, ida);
    Folio__Holding h = FOLIO__HOLDING__INIT;
    h.client_id = ida;
    h.kind = (char *)"home";
    h.provider = (char *)"Pacifico";
    h.premium_cents = 9900;
    h.premium_period = (char *)"year";
    h.currency = (char *)"PEN";
    h.renews_on = (char *)"2030-05-01";
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_holding_add(alice, &h, &err), &err));

    const char *ids[] = {ida};
    char *path = export_file(alice, NULL, ids, 1, false, "holdings.bundle");
    trust_a_at_b();
    Folio__Response *r = harness_ok(import_file(carol, path, NULL, false, false, &err), &err);
    cr_assert_eq(r->import->holdings, 1);
    cr_assert_eq(r->import->header->holdings, 1);
    folio_response_free(r);
    free(path);

    Folio__HoldingList q = FOLIO__HOLDING_LIST__INIT;
    q.client_id = ida;
    r = harness_ok(folio_holding_list(carol, &q, &err), &err);
    cr_assert_eq(r->holdings->n_holdings, 1);
    Folio__Holding *got = r->holdings->holdings[0];
    cr_assert_str_eq(got->kind, "home");
    cr_assert_eq(got->premium_cents, 9900);
    cr_assert_str_eq(got->renews_on, "2030-05-01");
    folio_response_free(r);
}
