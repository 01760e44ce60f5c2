/* test_admin_data.c - the firm's reference data and records as admins manage
 * them, against a real foliod: partner edit and remove, rule edit, the
 * audit's filters, reassignment list and show; each change's audit row and
 * each refusal (roles, not found, validation).
 *
 * The tests share one server whose clock is CLOCK; each test has offices,
 * agents and partners of its own, named after its process. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "folioclient_reassign.h"
#include "harness.h"

#define CLOCK "2026-06-10 12:00:00"
#define TODAY "2026-06-10"
#define PW    "admin-data-password"

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob, *admin_a, *admin_b;
static char alice_name[32], bob_name[32], admin_a_name[32], tag[16];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "admin_data") == 0)
        harness_shared_start("admin_data", CLOCK, NULL);
}

/* After every test has ended (see test_client.c). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("admin_data");
}

static void setup(void)
{
    harness_shared_attach(&srv, "admin_data");
    int pid = (int)getpid();
    char office_a[32], office_b[32], admin_b_name[32];
    snprintf(tag, sizeof(tag), "%d", pid);
    snprintf(office_a, sizeof(office_a), "Data-A-%d", pid);
    snprintf(office_b, sizeof(office_b), "Data-B-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    snprintf(admin_a_name, sizeof(admin_a_name), "admin-a-%d", pid);
    snprintf(admin_b_name, sizeof(admin_b_name), "admin-b-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, office_a);
    harness_add_office(root, office_b);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, office_a, PW);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, office_a, PW);
    harness_add_user(root, admin_a_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, office_a, PW);
    harness_add_user(root, admin_b_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, office_b, PW);
    alice = harness_user(&srv, alice_name, PW);
    bob = harness_user(&srv, bob_name, PW);
    admin_a = harness_user(&srv, admin_a_name, PW);
    admin_b = harness_user(&srv, admin_b_name, PW);
}

static void teardown(void)
{
    folio_connection_close(admin_b);
    folio_connection_close(admin_a);
    folio_connection_close(bob);
    folio_connection_close(alice);
    folio_connection_close(root);
    admin_b = admin_a = bob = alice = root = NULL;
    harness_server_finish(&srv);
    harness_server_cleanup(&srv);
}

TestSuite(admin_data, .init = setup, .fini = teardown);

/* ---------------------------------------------------------------- helpers */

static void add_client(struct folio_connection *c, const char *name, char id[37])
{
    struct folio_error err = {0};
    /* Coupons go only to clients who agreed to marketing. */
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = true;
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    client.city = (char *)"Lima";
    client.consent = &consent;
    Folio__Response *r = harness_ok(folio_client_add(c, &client, false, &err), &err);
    snprintf(id, 37, "%s", r->client->id);
    folio_response_free(r);
}

static uint64_t add_partner(const char *name, const char *category)
{
    struct folio_error err = {0};
    Folio__Partner p = FOLIO__PARTNER__INIT;
    p.name = (char *)name;
    p.category = (char *)category;
    p.city = (char *)"Lima";
    Folio__Response *r = harness_ok(folio_partner_add(root, &p, &err), &err);
    uint64_t id = r->partner->id;
    folio_response_free(r);
    return id;
}

static uint64_t add_rule(const char *on, const char *suggest)
{
    struct folio_error err = {0};
    Folio__Rule rule = FOLIO__RULE__INIT;
    rule.on = (char *)on;
    rule.suggest = (char *)suggest;
    Folio__Response *r = harness_ok(folio_rule_add(root, &rule, &err), &err);
    uint64_t id = r->rule->id;
    folio_response_free(r);
    return id;
}

/* The newest audit records with action and target as given, by root. */
static size_t audit_count(const char *action, const char *target)
{
    struct folio_error err = {0};
    Folio__AuditQuery q = FOLIO__AUDIT_QUERY__INIT;
    q.action = (char *)action;
    q.limit = 1000;
    Folio__Response *r = harness_ok(folio_audit_search(root, &q, &err), &err);
    size_t n = 0;
    for (size_t i = 0; i < r->audit->n_records; i++) {
        cr_assert_str_eq(r->audit->records[i]->action, action);
        if (strcmp(r->audit->records[i]->target, target) == 0)
            n++;
    }
    folio_response_free(r);
    return n;
}

static char *id_text(uint64_t id, char buf[24])
{
    snprintf(buf, 24, "%" PRIu64, id);
    return buf;
}

static void expect_message(const struct folio_error *err, const char *part)
{
    cr_expect(strstr(err->message, part) != NULL, "\"%s\" does not say \"%s\"", err->message, part);
}

/* ---------------------------------------------------------------- partners */

Test(admin_data, partner_edit_changes_the_fields_given_and_is_audited)
{
    char name[64], other[64], renamed[64], buf[24];
    snprintf(name, sizeof(name), "Cafe %s", tag);
    snprintf(other, sizeof(other), "Bistro %s", tag);
    snprintf(renamed, sizeof(renamed), "Cafe Nuevo %s", tag);
    uint64_t id = add_partner(name, "restaurant");
    add_partner(other, "restaurant");
    struct folio_error err = {0};

    Folio__Partner changes = FOLIO__PARTNER__INIT;
    changes.name = renamed;
    changes.category = (char *)"Fine-Dining";
    const char *fields[] = {"name", "category"};
    Folio__Response *r = harness_ok(folio_partner_edit(root, id, &changes, fields, 2, &err), &err);
    cr_assert_str_eq(r->partner->name, renamed);
    cr_assert_str_eq(r->partner->category, "fine-dining");
    cr_assert_str_eq(r->partner->city, "Lima", "a field not named is kept");
    folio_response_free(r);
    cr_assert_eq(audit_count("partner.edit", id_text(id, buf)), 1);

    /* Refusals change nothing. */
    changes.name = other;
    const char *name_only[] = {"name"};
    harness_refused(folio_partner_edit(root, id, &changes, name_only, 1, &err), &err,
                    FOLIO__CODE__ALREADY_EXISTS);
    changes.category = (char *)"no spaces";
    const char *category_only[] = {"category"};
    harness_refused(folio_partner_edit(root, id, &changes, category_only, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    expect_message(&err, "category");
    const char *unknown[] = {"owner"};
    harness_refused(folio_partner_edit(root, id, &changes, unknown, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_partner_edit(root, id, &changes, NULL, 0, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_partner_edit(root, 999999999, &changes, name_only, 1, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_partner_edit(admin_a, id, &changes, name_only, 1, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_partner_edit(alice, id, &changes, name_only, 1, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    cr_assert_eq(audit_count("partner.edit", id_text(id, buf)), 1);

    r = harness_ok(folio_partner_list(alice, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->partners->n_partners; i++)
        if (r->partners->partners[i]->id == id) {
            found = true;
            cr_assert_str_eq(r->partners->partners[i]->name, renamed);
            cr_assert_str_eq(r->partners->partners[i]->category, "fine-dining");
        }
    cr_assert(found);
    folio_response_free(r);
}

Test(admin_data, partner_remove_is_refused_while_coupons_are_open)
{
    char name[64], buf[24], mia[37];
    snprintf(name, sizeof(name), "Cinema %s", tag);
    uint64_t id = add_partner(name, "cinema");
    add_client(alice, "Mia Open", mia);
    struct folio_error err = {0};
    char *codes[2];
    for (int i = 0; i < 2; i++) {
        Folio__Coupon coupon = FOLIO__COUPON__INIT;
        coupon.client_id = mia;
        coupon.partner_id = id;
        coupon.discount = (char *)"2x1 tickets";
        coupon.valid_until = (char *)"2026-12-31";
        Folio__Response *r = harness_ok(folio_coupon_issue(alice, &coupon, TODAY, &err), &err);
        codes[i] = strdup(r->coupon->code);
        folio_response_free(r);
    }
    harness_refused(folio_partner_remove(root, id, &err), &err, FOLIO__CODE__FAILED_PRECONDITION);
    expect_message(&err, "2 open coupons");
    folio_response_free(harness_ok(folio_coupon_redeem(alice, codes[0], TODAY, &err), &err));
    harness_refused(folio_partner_remove(root, id, &err), &err, FOLIO__CODE__FAILED_PRECONDITION);
    expect_message(&err, "1 open coupon:");
    harness_refused(folio_partner_remove(admin_a, id, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    cr_assert_eq(audit_count("partner.remove", id_text(id, buf)), 0);

    folio_response_free(harness_ok(folio_coupon_withdraw(alice, codes[1], TODAY, &err), &err));
    folio_response_free(harness_ok(folio_partner_remove(root, id, &err), &err));
    cr_assert_eq(audit_count("partner.remove", id_text(id, buf)), 1);
    harness_refused(folio_partner_remove(root, id, &err), &err, FOLIO__CODE__NOT_FOUND);

    /* Its coupons outlive it, with the partner's name empty. */
    Folio__Response *r = harness_ok(folio_coupon_list(alice, mia, 0, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 2);
    folio_response_free(r);
    free(codes[0]);
    free(codes[1]);
}

/* ---------------------------------------------------------------- rules */

static const Folio__Rule *find_rule(const Folio__Response *r, uint64_t id)
{
    for (size_t i = 0; i < r->rules->n_rules; i++)
        if (r->rules->rules[i]->id == id)
            return r->rules->rules[i];
    return NULL;
}

Test(admin_data, rule_edit_changes_the_fields_given_and_checks_the_whole_rule)
{
    char suggest[64], buf[24];
    snprintf(suggest, sizeof(suggest), "offer travel cover %s", tag);
    uint64_t id = add_rule("purchase:vehicle", "offer car insurance");
    struct folio_error err = {0};

    Folio__Rule changes = FOLIO__RULE__INIT;
    changes.suggest = suggest;
    changes.on = (char *)"Life:Married";
    changes.unless_holds = (char *)"life";
    const char *fields[] = {"suggest", "on", "unless_holds"};
    Folio__Response *r = harness_ok(folio_rule_edit(root, id, &changes, fields, 3, &err), &err);
    cr_assert_str_eq(r->rule->on, "life:married");
    cr_assert_str_eq(r->rule->suggest, suggest);
    cr_assert_str_eq(r->rule->unless_holds, "life");
    cr_assert_eq(r->rule->window_days, 30, "the window a purchase rule got is kept");
    folio_response_free(r);
    cr_assert_eq(audit_count("rule.edit", id_text(id, buf)), 1);

    /* A birthday rule opens no window and excludes no holding: the
     * unless_holds kept from before makes the change invalid. */
    changes.on = (char *)"birthday";
    const char *on_only[] = {"on"};
    harness_refused(folio_rule_edit(root, id, &changes, on_only, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    expect_message(&err, "unless_holds");
    changes.window_days = 5000;
    const char *window_only[] = {"window_days"};
    harness_refused(folio_rule_edit(root, id, &changes, window_only, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    expect_message(&err, "window_days");
    const char *unknown[] = {"created_at"};
    harness_refused(folio_rule_edit(root, id, &changes, unknown, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_rule_edit(root, id, &changes, NULL, 0, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_rule_edit(root, 999999999, &changes, window_only, 1, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_rule_edit(admin_a, id, &changes, window_only, 1, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_rule_edit(alice, id, &changes, window_only, 1, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);

    /* Nothing refused changed the rule. */
    r = harness_ok(folio_rule_list(alice, &err), &err);
    const Folio__Rule *rule = find_rule(r, id);
    cr_assert_not_null(rule);
    cr_assert_str_eq(rule->on, "life:married");
    cr_assert_eq(rule->window_days, 30);
    folio_response_free(r);
    cr_assert_eq(audit_count("rule.edit", id_text(id, buf)), 1);
    folio_response_free(harness_ok(folio_rule_remove(root, id, &err), &err));
}

/* ---------------------------------------------------------------- audit */

static Folio__Response *audit(struct folio_connection *c, Folio__AuditQuery *q)
{
    struct folio_error err = {0};
    return harness_ok(folio_audit_search(c, q, &err), &err);
}

Test(admin_data, audit_filters_by_client_action_actor_and_time)
{
    char mia[37], leo[37];
    add_client(alice, "Mia Audit", mia);
    add_client(alice, "Leo Audit", leo);
    struct folio_error err = {0};
    /* The firm-admin's read of a client is audited under that client. */
    Folio__Response *r = harness_ok(folio_client_get(root, mia, true, &err), &err);
    folio_response_free(r);

    /* About one client: its add and its read, newest first, and paged. */
    Folio__AuditQuery q = FOLIO__AUDIT_QUERY__INIT;
    q.client = mia;
    r = audit(root, &q);
    cr_assert_eq(r->audit->n_records, 2);
    cr_assert_str_eq(r->audit->records[0]->action, "client.read");
    cr_assert_str_eq(r->audit->records[1]->action, "client.add");
    for (size_t i = 0; i < 2; i++)
        cr_assert_str_eq(r->audit->records[i]->target, mia);
    uint64_t newest = r->audit->records[0]->seq;
    folio_response_free(r);
    q.limit = 1;
    r = audit(root, &q);
    cr_assert_eq(r->audit->n_records, 1);
    cr_assert_eq(r->audit->records[0]->seq, newest);
    cr_assert_neq(r->audit->next, 0);
    q.before = r->audit->next;
    folio_response_free(r);
    r = audit(root, &q);
    cr_assert_eq(r->audit->n_records, 1);
    cr_assert_str_eq(r->audit->records[0]->action, "client.add");
    cr_assert_eq(r->audit->next, 0);
    folio_response_free(r);

    /* Filters combine: alice's client.add records are the two. */
    Folio__AuditQuery by_action = FOLIO__AUDIT_QUERY__INIT;
    by_action.actor = alice_name;
    by_action.action = (char *)"client.add";
    r = audit(root, &by_action);
    cr_assert_eq(r->audit->n_records, 2);
    cr_assert_str_eq(r->audit->records[0]->target, leo);
    folio_response_free(r);
    by_action.client = leo;
    r = audit(root, &by_action);
    cr_assert_eq(r->audit->n_records, 1);
    folio_response_free(r);

    /* The server's clock stands on CLOCK's day: until that day's midnight
     * keeps none of them, until the next day's all. */
    Folio__AuditQuery by_time = FOLIO__AUDIT_QUERY__INIT;
    by_time.actor = alice_name;
    by_time.action = (char *)"client.add";
    by_time.until = 1781049600; /* 2026-06-10T00:00:00Z */
    r = audit(root, &by_time);
    cr_assert_eq(r->audit->n_records, 0);
    folio_response_free(r);
    by_time.since = 1781049600;
    by_time.until = 1781049600 + 86400;
    r = audit(root, &by_time);
    cr_assert_eq(r->audit->n_records, 2);
    folio_response_free(r);

    /* An office-admin reads its office's records only; the other office's
     * admin sees none of alice's. */
    r = audit(admin_a, &by_action);
    cr_assert_eq(r->audit->n_records, 1);
    folio_response_free(r);
    r = audit(admin_b, &by_action);
    cr_assert_eq(r->audit->n_records, 0);
    folio_response_free(r);

    /* Refusals. */
    Folio__AuditQuery bad = FOLIO__AUDIT_QUERY__INIT;
    bad.client = (char *)"not-a-client";
    harness_refused(folio_audit_search(root, &bad, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    expect_message(&err, "client");
    bad.client = (char *)"";
    bad.action = (char *)"client add";
    harness_refused(folio_audit_search(root, &bad, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    expect_message(&err, "action");
    bad.action = (char *)"";
    bad.since = 1781049600;
    bad.until = 1781049600;
    harness_refused(folio_audit_search(root, &bad, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    expect_message(&err, "until");
    harness_refused(folio_audit_search(alice, &q, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
}

/* ---------------------------------------------------------------- reassignments */

static const Folio__ReassignmentInfo *find_reassignment(const Folio__Response *r, uint64_t id)
{
    for (size_t i = 0; i < r->reassignments->n_reassignments; i++)
        if (r->reassignments->reassignments[i]->id == id)
            return r->reassignments->reassignments[i];
    return NULL;
}

Test(admin_data, reassign_list_and_show_say_what_moved)
{
    char mia[37], leo[37];
    add_client(alice, "Mia Moved", mia);
    add_client(alice, "Leo Moved", leo);
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_reassign(admin_a, alice_name, bob_name, NULL, 0, false, &err), &err);
    uint64_t id = r->reassign->id;
    folio_response_free(r);

    r = harness_ok(folio_reassign_list(root, 0, 0, &err), &err);
    cr_assert_gt(r->reassignments->n_reassignments, 0);
    cr_assert_eq(r->reassignments->reassignments[0]->id >= id, true, "newest first");
    const Folio__ReassignmentInfo *info = find_reassignment(r, id);
    cr_assert_not_null(info);
    cr_assert_str_eq(info->from, alice_name);
    cr_assert_str_eq(info->to, bob_name);
    cr_assert_str_eq(info->by, admin_a_name);
    cr_assert_eq(info->count, 2);
    cr_assert_eq(info->n_clients, 0, "a list names no clients");
    cr_assert_eq(info->undone_at, 0);
    folio_response_free(r);

    /* The office's admin sees it; the other office's does not. */
    r = harness_ok(folio_reassign_list(admin_a, 0, 0, &err), &err);
    cr_assert_not_null(find_reassignment(r, id));
    folio_response_free(r);
    r = harness_ok(folio_reassign_list(admin_b, 0, 0, &err), &err);
    cr_assert_null(find_reassignment(r, id));
    folio_response_free(r);
    harness_refused(folio_reassign_show(admin_b, id, &err), &err, FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_reassign_list(alice, 0, 0, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_reassign_show(alice, id, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_reassign_show(root, 999999999, &err), &err, FOLIO__CODE__NOT_FOUND);

    r = harness_ok(folio_reassign_show(admin_a, id, &err), &err);
    const Folio__ReassignmentInfo *shown = r->reassignment;
    cr_assert_eq(shown->count, 2);
    cr_assert_eq(shown->n_clients, 2);
    bool saw_mia = false, saw_leo = false;
    for (size_t i = 0; i < shown->n_clients; i++) {
        saw_mia |= strcmp(shown->clients[i]->id, mia) == 0 &&
                   strcmp(shown->clients[i]->name, "Mia Moved") == 0;
        saw_leo |= strcmp(shown->clients[i]->id, leo) == 0 &&
                   strcmp(shown->clients[i]->name, "Leo Moved") == 0;
    }
    cr_assert(saw_mia && saw_leo);
    folio_response_free(r);

    /* Undone, it says so. */
    folio_response_free(harness_ok(folio_reassign_undo(root, id, &err), &err));
    r = harness_ok(folio_reassign_show(root, id, &err), &err);
    cr_assert_neq(r->reassignment->undone_at, 0);
    folio_response_free(r);

    /* Paging: one at a time, the next page older. */
    r = harness_ok(folio_reassign_list(root, 1, 0, &err), &err);
    cr_assert_eq(r->reassignments->n_reassignments, 1);
    uint64_t first = r->reassignments->reassignments[0]->id;
    uint64_t next = r->reassignments->next;
    folio_response_free(r);
    if (next != 0) {
        r = harness_ok(folio_reassign_list(root, 1, next, &err), &err);
        cr_assert_lt(r->reassignments->reassignments[0]->id, first);
        folio_response_free(r);
    }
}
