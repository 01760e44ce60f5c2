/* test_transfer.c - portfolios moving between two firms as signed bundles,
 * against two real foliod (two data directories) on loopback.
 *
 * Firm A: offices North and South; alice (agent, North), olga (office-admin,
 * North), bob (agent, South). alice has Mia (every kind of field, two
 * events, an offer, a coupon at a partner) and Noel, and an agent card.
 * Firm B: office East with agents carol and dave. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "folioclient_transfer.h"
#include "harness.h"

#define PW "agent-password"
/* foliod runs at TODAY (harness_server_clock): its date decides expiry. */
#define TODAY "2030-06-10"

static struct harness_server a, b;
static struct folio_client *root_a, *root_b, *alice, *carol;
static char mia[37], noel[37], coupon_code[32];

static Folio__Response *call(struct folio_client *c, Folio__Request *req, struct folio_error *err)
{
    return folio_client_call(c, req, err);
}

static void add_client(struct folio_client *c, Folio__Client *client, char out[37])
{
    struct folio_error err = {0};
    Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
    op.client = client;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_CLIENT_ADD;
    req.client_add = &op;
    Folio__Response *r = harness_ok(call(c, &req, &err), &err);
    snprintf(out, 37, "%s", r->client->id);
    folio_response_free(r);
}

static void add_event(struct folio_client *c, const char *id, const char *kind, const char *what,
                      const char *date, const char *follow_up)
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

static void setup_a(void)
{
    struct folio_error err = {0};
    harness_server_clock(&a, TODAY " 12:00:00");
    harness_server_start(&a, NULL);
    root_a = harness_admin(&a);
    harness_add_office(root_a, "North");
    harness_add_office(root_a, "South");
    harness_add_user(root_a, "alice", FOLIO__ROLE__ROLE_AGENT, "North", PW);
    harness_add_user(root_a, "olga", FOLIO__ROLE__ROLE_OFFICE_ADMIN, "North", PW);
    harness_add_user(root_a, "bob", FOLIO__ROLE__ROLE_AGENT, "South", PW);
    alice = harness_user(&a, "alice", PW);

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
    partner.name = "Cine Sol";
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

static void setup(void)
{
    setup_a();
    harness_server_clock(&b, TODAY " 12:00:00");
    harness_server_start(&b, NULL);
    root_b = harness_admin(&b);
    harness_add_office(root_b, "East");
    harness_add_user(root_b, "carol", FOLIO__ROLE__ROLE_AGENT, "East", PW);
    harness_add_user(root_b, "dave", FOLIO__ROLE__ROLE_AGENT, "East", PW);
    carol = harness_user(&b, "carol", PW);
}

static void teardown(void)
{
    folio_client_close(root_a);
    folio_client_close(root_b);
    folio_client_close(alice);
    folio_client_close(carol);
    harness_server_cleanup(&a);
    harness_server_cleanup(&b);
}

static void finish(void)
{
    harness_server_finish(&a);
    harness_server_finish(&b);
}

TestSuite(transfer, .init = setup, .fini = teardown, .timeout = 120);

/* ---------------------------------------------------------------- helpers */

/* Exports into a file under server a's directory; returns its path. */
static char *export_file(struct folio_client *c, const char *agent, const char *const *ids,
                         size_t n, bool release, const char *name)
{
    size_t len = strlen(a.root) + strlen(name) + 2;
    char *path = malloc(len);
    cr_assert_not_null(path);
    snprintf(path, len, "%s/%s", a.root, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert(fd >= 0);
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_export_to_fd(c, agent, ids, n, release, fd, NULL, NULL, &err), &err);
    close(fd);
    struct stat st;
    cr_assert(stat(path, &st) == 0);
    cr_assert_eq((uint64_t)st.st_size, r->transfer->size);
    cr_assert_eq(strlen(r->transfer->transfer_id), 32);
    folio_response_free(r);
    return path;
}

static Folio__Response *import_file(struct folio_client *c, const char *path, const char *agent,
                                    bool allow_untrusted, bool dry_run, struct folio_error *err)
{
    int fd = open(path, O_RDONLY);
    cr_assert(fd >= 0);
    struct stat st;
    cr_assert(fstat(fd, &st) == 0);
    Folio__Response *r = folio_import_from_fd(c, fd, (uint64_t)st.st_size, agent, allow_untrusted,
                                              dry_run, NULL, NULL, err);
    close(fd);
    return r;
}

static size_t count_clients(struct folio_client *c)
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
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_FIRM_KEY;
    req.firm_key = &fk;
    Folio__Response *key = harness_ok(call(root_a, &req, &err), &err);
    Folio__TrustAdd add = FOLIO__TRUST_ADD__INIT;
    add.firm = "Firm A";
    add.public_key = key->firm_key->public_key;
    Folio__Request req2 = FOLIO__REQUEST__INIT;
    req2.op_case = FOLIO__REQUEST__OP_TRUST_ADD;
    req2.trust_add = &add;
    folio_response_free(harness_ok(call(root_b, &req2, &err), &err));
    folio_response_free(key);
}

/* Is there an audit record with this action whose detail contains part? */
static bool audited(struct folio_client *root, const char *action, const char *part)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->audit->n_records && !found; i++) {
        const Folio__AuditRecord *rec = r->audit->records[i];
        found = strcmp(rec->action, action) == 0 && strstr(rec->detail, part) != NULL;
    }
    folio_response_free(r);
    return found;
}

static void check_mia_at(struct folio_client *c)
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
    cr_assert_str_eq(r->coupons->coupons[0]->code, coupon_code);
    cr_assert_str_eq(r->coupons->coupons[0]->discount, "2x1");
    folio_response_free(r);
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
    cr_assert_str_eq(res->header->agent, "alice");
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

Test(transfer, untrusted_signer_refused_unless_allowed_and_audited)
{
    char *path = export_file(alice, NULL, NULL, 0, false, "alice.bundle");
    struct folio_error err = {0};
    Folio__Response *r = import_file(carol, path, NULL, false, false, &err);
    cr_assert_null(r);
    cr_assert_eq(err.code, FOLIO__CODE__FAILED_PRECONDITION, "%s", err.message);
    cr_assert(strstr(err.message, "untrusted key") != NULL, "%s", err.message);
    cr_assert(strstr(err.message, "--allow-untrusted") != NULL, "%s", err.message);
    cr_assert_eq(count_clients(carol), 0);

    r = harness_ok(import_file(carol, path, NULL, true, false, &err), &err);
    cr_assert_str_eq(r->import->signer, "");
    cr_assert_eq(r->import->clients_added, 2);
    folio_response_free(r);
    check_mia_at(carol);
    cr_assert(audited(root_b, "import", "untrusted"));
    free(path);
    finish();
}

static void damaged_refused(const char *path, const char *what)
{
    struct folio_error err = {0};
    Folio__Response *r = import_file(carol, path, NULL, true, false, &err);
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
    folio_response_free(harness_ok(import_file(carol, mia_path, NULL, true, false, &err), &err));
    struct folio_client *dave = harness_user(&b, "dave", PW);
    Folio__Response *r = import_file(dave, path, NULL, true, false, &err);
    cr_assert_null(r);
    cr_assert_eq(err.code, FOLIO__CODE__ALREADY_EXISTS, "%s", err.message);
    cr_assert(strstr(err.message, mia) != NULL, "%s", err.message);
    cr_assert_eq(count_clients(dave), 0);
    cr_assert_eq(count_clients(carol), 1);
    /* An admin importing into dave gets the same answer. */
    r = import_file(root_b, path, "dave", true, false, &err);
    cr_assert_null(r);
    cr_assert_eq(err.code, FOLIO__CODE__ALREADY_EXISTS, "%s", err.message);
    folio_client_close(dave);
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
    folio_response_free(harness_ok(import_file(carol, path, NULL, true, false, &err), &err));
    check_mia_at(carol);

    struct folio_client *bob = harness_user(&a, "bob", PW);
    harness_refused(folio_restore_transferred(bob, "alice", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    folio_client_close(bob);
    Folio__Response *r = harness_ok(folio_restore_transferred(root_a, "alice", &err), &err);
    cr_assert_eq(r->reassign->count, 2);
    folio_response_free(r);
    cr_assert_eq(count_clients(alice), 2);
    check_mia_at(alice);
    cr_assert(audited(root_a, "client.restore", "2 clients"));
    free(path);
    finish();
}

Test(transfer, roles_decide_whose_portfolio_moves)
{
    struct folio_error err = {0};
    struct folio_client *bob = harness_user(&a, "bob", PW);
    struct folio_client *olga = harness_user(&a, "olga", PW);
    harness_refused(folio_export_begin(bob, "alice", NULL, 0, false, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_export_begin(olga, "bob", NULL, 0, false, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_export_begin(olga, NULL, NULL, 0, false, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_export_begin(root_a, "nobody", NULL, 0, false, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_export_begin(root_a, "olga", NULL, 0, false, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    const char *not_bobs[] = {mia};
    harness_refused(folio_export_begin(root_a, "bob", not_bobs, 1, false, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    free(export_file(olga, "alice", NULL, 0, false, "olga.bundle"));
    free(export_file(root_a, "bob", NULL, 0, false, "bob.bundle"));
    free(export_file(alice, "alice", NULL, 0, false, "self.bundle"));
    /* The answer names the header's counts. */
    Folio__Response *r = harness_ok(folio_export_begin(alice, NULL, NULL, 0, false, &err), &err);
    cr_assert_eq(r->transfer->header->clients, 2);
    cr_assert_eq(r->transfer->header->offers, 1);
    cr_assert_eq(r->transfer->header->coupons, 1);
    cr_assert_str_eq(r->transfer->header->agent, "alice");
    folio_response_free(r);
    folio_client_close(bob);
    folio_client_close(olga);
    finish();
}

Test(transfer, dry_run_counts_and_changes_nothing)
{
    char *path = export_file(alice, NULL, NULL, 0, false, "alice.bundle");
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(import_file(carol, path, NULL, true, true, &err), &err);
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
    harness_refused(folio_import_commit(carol, id, NULL, true, false, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    harness_refused(folio_import_chunk(carol, id, 0, data, 4, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    folio_response_free(harness_ok(folio_import_chunk(carol, id, 4, data, 6, &err), &err));
    /* Ten zero bytes are no bundle. */
    Folio__Response *r = folio_import_commit(carol, id, NULL, true, false, &err);
    cr_assert_null(r);
    cr_assert_eq(err.code, FOLIO__CODE__INVALID_ARGUMENT, "%s", err.message);
    folio_response_free(begin);

    Folio__Response *ex = harness_ok(folio_export_begin(alice, NULL, NULL, 0, false, &err), &err);
    harness_refused(
        folio_export_chunk(alice, ex->transfer->transfer_id, ex->transfer->size + 1, &err), &err,
        FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_export_chunk(alice, "ffffffffffffffffffffffffffffffff", 0, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_export_begin(alice, NULL, NULL, 0, false, &err), &err,
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
