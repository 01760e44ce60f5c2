/* test_agenda_marks.c - agenda item ids and the agent's marks on them
 * (done, snoozed, dismissed, open again), overdue follow-ups, and marks
 * surviving a restart, a reassignment and its undo, a bundle, and erasure.
 *
 * foliod's clock stands at CLOCK; every agenda query and mark names its own
 * day. Clients are added with a contact event dated in the tests, so no
 * stay-in-touch item depends on the day the test runs. The test that
 * restarts the server starts its own (agenda_marks_own); the rest share
 * one, each with agents of its own named after its process. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "envelope.h"
#include "folioclient_reassign.h"
#include "folioclient_transfer.h"
#include "harness.h"
#include "wire_limits.h"

#define PW_ALICE "alice-password"
#define PW_BOB   "bob-password"
#define CLOCK    "2030-06-03 12:00:00"
#define TODAY    "2030-06-03"

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob;
static char north[32], alice_name[32], bob_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "agenda_marks") == 0)
        harness_shared_start("agenda_marks", CLOCK, NULL);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("agenda_marks");
}

static void people(void)
{
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, north, PW_BOB);
    alice = harness_user(&srv, alice_name, PW_ALICE);
    bob = harness_user(&srv, bob_name, PW_BOB);
}

static void setup(void)
{
    harness_shared_attach(&srv, "agenda_marks");
    people();
}

static void setup_own(void)
{
    harness_server_clock(&srv, CLOCK);
    harness_server_start(&srv, NULL);
    people();
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

static void finish(void)
{
    folio_connection_close(alice);
    folio_connection_close(bob);
    folio_connection_close(root);
    alice = bob = root = NULL;
    harness_server_finish(&srv);
}

TestSuite(agenda_marks, .init = setup, .fini = teardown);
TestSuite(agenda_marks_own, .init = setup_own, .fini = teardown, .timeout = 120);

/* ---------------------------------------------------------------- requests */

/* A client with consent to email, born on birth (or NULL), contacted on
 * contacted (with a follow-up on follow_up, or NULL). Returns its id (free()). */
static char *add_client(struct folio_connection *c, const char *name, const char *birth,
                        const char *contacted, const char *follow_up)
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    Folio__Consent yes = FOLIO__CONSENT__INIT;
    yes.email = true;
    client.consent = &yes;
    client.name = (char *)name;
    client.birth_date = (char *)(birth ? birth : "");
    Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
    op.client = &client;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *r = harness_ok(folio_connection_call(c, &req, &err), &err);
    char *id = strdup(r->client->id);
    folio_response_free(r);
    Folio__EventAdd ev = FOLIO__EVENT_ADD__INIT;
    ev.client_id = id;
    ev.kind = (char *)"contact";
    ev.what = (char *)"call";
    ev.date = (char *)contacted;
    ev.follow_up = (char *)(follow_up ? follow_up : "");
    ev.note = (char *)"";
    folio_response_free(harness_ok(folio_event_add(c, &ev, &err), &err));
    return id;
}

static Folio__Agenda *agenda(struct folio_connection *c, const char *date, uint32_t days,
                             const char *state, Folio__Response **keep)
{
    struct folio_error err = {0};
    Folio__AgendaQuery q = FOLIO__AGENDA_QUERY__INIT;
    q.date = (char *)date;
    q.days = days;
    q.state = (char *)(state ? state : "");
    *keep = harness_ok(folio_agenda_query(c, &q, &err), &err);
    return (*keep)->agenda;
}

/* The first item of kind about client (NULL: any), or NULL. */
static const Folio__AgendaItem *find(const Folio__Agenda *a, const char *kind, const char *client)
{
    for (size_t i = 0; i < a->n_items; i++) {
        const Folio__AgendaItem *it = a->items[i];
        if (strcmp(it->kind, kind) == 0 && (client == NULL || strcmp(it->client_id, client) == 0))
            return it;
    }
    return NULL;
}

/* The id of the item of kind about client on the agenda from date for days
 * (free()); the item must be there. */
static char *item_id(struct folio_connection *c, const char *date, uint32_t days, const char *kind,
                     const char *client)
{
    Folio__Response *r;
    const Folio__AgendaItem *it = find(agenda(c, date, days, NULL, &r), kind, client);
    cr_assert_not_null(it, "no %s item for %s", kind, client);
    cr_assert_eq(strlen(it->id), 16, "id %s", it->id);
    cr_assert_eq(strspn(it->id, "0123456789abcdef"), 16, "id %s", it->id);
    cr_assert_str_eq(it->state, "open");
    char *id = strdup(it->id);
    folio_response_free(r);
    return id;
}

static Folio__Response *mark_call(struct folio_connection *c, const char *item, const char *state,
                                  const char *until, const char *note, struct folio_error *err)
{
    Folio__AgendaMark m = FOLIO__AGENDA_MARK__INIT;
    m.item_id = (char *)item;
    m.state = (char *)state;
    m.until = (char *)(until ? until : "");
    m.note = (char *)(note ? note : "");
    m.date = (char *)TODAY;
    return folio_agenda_mark(c, &m, err);
}

static void mark(struct folio_connection *c, const char *item, const char *state, const char *until,
                 const char *note)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(mark_call(c, item, state, until, note, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_AGENDA_STATE);
    cr_assert_eq(strncmp(r->agenda_state->item_id, item, strlen(item)), 0);
    cr_assert_str_eq(r->agenda_state->state, state);
    cr_assert_not_null(r->agenda_state->item);
    folio_response_free(r);
}

static void mark_refused(struct folio_connection *c, const char *item, const char *state,
                         const char *until, Folio__Code code, const char *words)
{
    struct folio_error err = {0};
    harness_refused(mark_call(c, item, state, until, NULL, &err), &err, code);
    cr_assert(strstr(err.message, words) != NULL, "\"%s\" is not in \"%s\"", words, err.message);
}

static char *last_contact(struct folio_connection *c, const char *id)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_get(c, id, false, &err), &err);
    char *d = strdup(r->client->last_contact);
    folio_response_free(r);
    return d;
}

/* The item with id on the agenda from date for days in state (NULL: open),
 * or NULL; *keep holds the answer. */
static const Folio__AgendaItem *by_id(struct folio_connection *c, const char *date, uint32_t days,
                                      const char *state, const char *id, Folio__Response **keep)
{
    const Folio__Agenda *a = agenda(c, date, days, state, keep);
    for (size_t i = 0; i < a->n_items; i++)
        if (strcmp(a->items[i]->id, id) == 0)
            return a->items[i];
    return NULL;
}

static bool shown(struct folio_connection *c, const char *date, uint32_t days, const char *state,
                  const char *id)
{
    Folio__Response *r;
    bool yes = by_id(c, date, days, state, id, &r) != NULL;
    folio_response_free(r);
    return yes;
}

/* ---------------------------------------------------------------- ids and marks */

Test(agenda_marks, an_item_keeps_its_id_from_one_agenda_to_the_next)
{
    char *ana = add_client(alice, "Ana", "1990-06-05", "2030-06-01", NULL);
    char *a = item_id(alice, TODAY, 7, "birthday", ana);
    char *b = item_id(alice, "2030-06-05", 1, "birthday", ana);
    cr_assert_str_eq(a, b);
    /* Next year's birthday is another item. */
    char *c = item_id(alice, "2031-06-01", 7, "birthday", ana);
    cr_assert_str_neq(a, c);
    free(a);
    free(b);
    free(c);
    free(ana);
    finish();
}

Test(agenda_marks, snooze_moves_an_item_to_the_day_it_comes_back)
{
    char *ana = add_client(alice, "Ana", "1990-06-05", "2030-06-01", NULL);
    char *id = item_id(alice, TODAY, 7, "birthday", ana);
    char prefix[8];
    snprintf(prefix, sizeof(prefix), "%.6s", id);
    mark(alice, prefix, "snoozed", "2030-06-08", "after the trip");
    /* Gone from its day, back on the 8th, as it was, marked. */
    cr_assert_not(shown(alice, TODAY, 3, NULL, id));
    Folio__Response *r;
    const Folio__AgendaItem *it = by_id(alice, TODAY, 7, NULL, id, &r);
    cr_assert_not_null(it);
    cr_assert_str_eq(it->date, "2030-06-08");
    cr_assert_str_eq(it->state, "snoozed");
    cr_assert_str_eq(it->until, "2030-06-08");
    cr_assert_str_eq(it->note, "after the trip");
    cr_assert_str_eq(it->kind, "birthday");
    cr_assert_eq(it->age, 40);
    folio_response_free(r);
    cr_assert(shown(alice, TODAY, 7, "snoozed", id));
    cr_assert_not(shown(alice, TODAY, 7, "done", id));
    /* A day that passed with it still snoozed: overdue since then. */
    it = by_id(alice, "2030-06-10", 1, NULL, id, &r);
    cr_assert_not_null(it);
    cr_assert(it->overdue);
    cr_assert_eq(it->days_late, 2);
    cr_assert_str_eq(it->date, "2030-06-10");
    folio_response_free(r);
    free(id);
    free(ana);
    finish();
}

Test(agenda_marks, done_on_a_birthday_records_the_call)
{
    char *ana = add_client(alice, "Ana", "1990-06-05", "2030-05-01", NULL);
    char *id = item_id(alice, TODAY, 7, "birthday", ana);
    mark(alice, id, "done", NULL, "sang happy birthday");
    char *contact = last_contact(alice, ana);
    cr_assert_str_eq(contact, TODAY);
    free(contact);
    cr_assert_not(shown(alice, TODAY, 7, NULL, id));
    Folio__Response *r;
    const Folio__AgendaItem *it = by_id(alice, TODAY, 7, "done", id, &r);
    cr_assert_not_null(it);
    cr_assert_str_eq(it->state, "done");
    cr_assert_str_eq(it->note, "sang happy birthday");
    folio_response_free(r);
    cr_assert(shown(alice, TODAY, 7, "all", id));
    /* The call is on the timeline, with the note. */
    struct folio_error err = {0};
    r = harness_ok(folio_client_history(alice, ana, 10, 0, &err), &err);
    bool call = false;
    for (size_t i = 0; i < r->timeline->n_events; i++) {
        const Folio__TimelineEvent *ev = r->timeline->events[i];
        call = call || (strcmp(ev->kind, "contact") == 0 && strcmp(ev->what, "call") == 0 &&
                        strcmp(ev->note, "sang happy birthday") == 0);
    }
    cr_assert(call);
    folio_response_free(r);
    /* Opened again, it is back where it was. */
    mark(alice, id, "open", NULL, NULL);
    cr_assert(shown(alice, TODAY, 7, NULL, id));
    free(id);
    free(ana);
    finish();
}

Test(agenda_marks, dismiss_takes_an_item_off_for_good)
{
    char *ben = add_client(alice, "Ben", NULL, "2030-05-20", "2030-06-04");
    char *id = item_id(alice, TODAY, 7, "follow_up", ben);
    mark(alice, id, "dismissed", NULL, NULL);
    cr_assert_not(shown(alice, TODAY, 7, NULL, id));
    cr_assert(shown(alice, TODAY, 7, "dismissed", id));
    cr_assert_not(shown(alice, "2030-07-01", 7, NULL, id));
    /* Dismissed, not done: no call was recorded. */
    char *contact = last_contact(alice, ben);
    cr_assert_str_eq(contact, "2030-05-20");
    free(contact);
    free(id);
    free(ben);
    finish();
}

Test(agenda_marks, stay_in_touch_done_counts_from_the_call)
{
    char *cleo = add_client(alice, "Cleo", NULL, "2029-01-10", NULL);
    char *id = item_id(alice, TODAY, 7, "stay_in_touch", cleo);
    mark(alice, id, "done", NULL, NULL);
    Folio__Response *r;
    cr_assert_null(find(agenda(alice, TODAY, 7, NULL, &r), "stay_in_touch", cleo));
    folio_response_free(r);
    char *contact = last_contact(alice, cleo);
    cr_assert_str_eq(contact, TODAY);
    free(contact);
    free(id);
    free(cleo);
    finish();
}

Test(agenda_marks, refusals)
{
    char *ana = add_client(alice, "Ana", "1990-06-05", "2030-06-01", NULL);
    char *id = item_id(alice, TODAY, 7, "birthday", ana);
    mark_refused(alice, "xyz1", "done", NULL, FOLIO__CODE__INVALID_ARGUMENT, "item:");
    mark_refused(alice, "abc", "done", NULL, FOLIO__CODE__INVALID_ARGUMENT, "item:");
    mark_refused(alice, "0123456789abcdef0", "done", NULL, FOLIO__CODE__INVALID_ARGUMENT, "item:");
    mark_refused(alice, id, "finished", NULL, FOLIO__CODE__INVALID_ARGUMENT, "state:");
    mark_refused(alice, id, "snoozed", NULL, FOLIO__CODE__INVALID_ARGUMENT, "until:");
    mark_refused(alice, id, "snoozed", TODAY, FOLIO__CODE__INVALID_ARGUMENT, "until:");
    mark_refused(alice, id, "snoozed", "2031-06-05", FOLIO__CODE__INVALID_ARGUMENT, "until:");
    mark_refused(alice, id, "done", "2030-06-08", FOLIO__CODE__INVALID_ARGUMENT, "until:");
    /* Another agent's item is no item at all. */
    mark_refused(bob, id, "done", NULL, FOLIO__CODE__NOT_FOUND, "item:");
    mark_refused(alice, "ffff", "done", NULL, FOLIO__CODE__NOT_FOUND, "item:");
    struct folio_error err = {0};
    Folio__AgendaQuery q = FOLIO__AGENDA_QUERY__INIT;
    q.date = (char *)TODAY;
    q.state = (char *)"later";
    harness_refused(folio_agenda_query(alice, &q, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "state:") != NULL, "%s", err.message);
    /* Nothing changed. */
    cr_assert(shown(alice, TODAY, 7, NULL, id));
    free(id);
    free(ana);
    finish();
}

/* ---------------------------------------------------------------- overdue */

Test(agenda_marks, a_missed_follow_up_stays_as_overdue_until_done)
{
    char *dan = add_client(alice, "Dan", NULL, "2030-05-20", "2030-06-01");
    char *eve = add_client(alice, "Eve", NULL, "2030-05-20", "2030-06-03");
    Folio__Response *r;
    const Folio__Agenda *a = agenda(alice, TODAY, 7, NULL, &r);
    cr_assert(a->n_items >= 2);
    const Folio__AgendaItem *first = a->items[0];
    cr_assert_str_eq(first->kind, "follow_up");
    cr_assert_str_eq(first->client_id, dan);
    cr_assert(first->overdue);
    cr_assert_eq(first->days_late, 2);
    cr_assert_str_eq(first->due, "2030-06-01");
    cr_assert_str_eq(first->date, TODAY);
    const Folio__AgendaItem *due = find(a, "follow_up", eve);
    cr_assert_not_null(due);
    cr_assert_not(due->overdue);
    char *id = strdup(first->id);
    folio_response_free(r);
    /* A week on, still there, later still, the same item. */
    const Folio__AgendaItem *it = by_id(alice, "2030-06-10", 1, NULL, id, &r);
    cr_assert_not_null(it);
    cr_assert_eq(it->days_late, 9);
    folio_response_free(r);
    mark(alice, id, "done", NULL, "called back");
    cr_assert_not(shown(alice, "2030-06-10", 1, NULL, id));
    cr_assert(shown(alice, "2030-06-01", 1, "done", id));
    free(id);
    free(dan);
    free(eve);
    finish();
}

/* ---------------------------------------------------------------- marks move */

/* Restarts foliod; everyone logs in again. */
static void restart(void)
{
    folio_connection_close(alice);
    folio_connection_close(bob);
    folio_connection_close(root);
    harness_server_restart(&srv);
    root = harness_admin(&srv);
    alice = harness_user(&srv, alice_name, PW_ALICE);
    bob = harness_user(&srv, bob_name, PW_BOB);
}

/* Ana's birthday snoozed to the 8th and Ben's follow-up done. */
struct marked {
    char *ana, *ben, *birthday, *follow_up;
};

static struct marked mark_two(void)
{
    struct marked m;
    m.ana = add_client(alice, "Ana", "1990-06-05", "2030-06-01", NULL);
    m.ben = add_client(alice, "Ben", NULL, "2030-05-20", "2030-06-04");
    m.birthday = item_id(alice, TODAY, 7, "birthday", m.ana);
    m.follow_up = item_id(alice, TODAY, 7, "follow_up", m.ben);
    mark(alice, m.birthday, "snoozed", "2030-06-08", NULL);
    mark(alice, m.follow_up, "done", NULL, NULL);
    return m;
}

static void assert_marked(struct folio_connection *c, const struct marked *m)
{
    Folio__Response *r;
    const Folio__AgendaItem *it = by_id(c, TODAY, 7, NULL, m->birthday, &r);
    cr_assert_not_null(it, "the snoozed birthday is back on the 8th");
    cr_assert_str_eq(it->date, "2030-06-08");
    cr_assert_str_eq(it->state, "snoozed");
    folio_response_free(r);
    cr_assert_not(shown(c, TODAY, 7, NULL, m->follow_up));
    cr_assert(shown(c, TODAY, 7, "done", m->follow_up));
}

static void assert_unmarked(struct folio_connection *c, const struct marked *m)
{
    cr_assert_not(shown(c, TODAY, 7, "all", m->birthday));
    cr_assert_not(shown(c, TODAY, 7, "all", m->follow_up));
}

static void marked_free(struct marked *m)
{
    free(m->ana);
    free(m->ben);
    free(m->birthday);
    free(m->follow_up);
}

Test(agenda_marks_own, marks_survive_a_restart)
{
    struct marked m = mark_two();
    restart();
    assert_marked(alice, &m);
    marked_free(&m);
    finish();
}

Test(agenda_marks, marks_move_with_the_client_and_back_with_the_undo)
{
    struct marked m = mark_two();
    struct folio_error err = {0};
    const char *ids[] = {m.ana, m.ben};
    Folio__Response *r =
        harness_ok(folio_reassign(root, alice_name, bob_name, ids, 2, false, &err), &err);
    uint64_t move = r->reassign->id;
    folio_response_free(r);
    assert_marked(bob, &m);
    assert_unmarked(alice, &m);
    /* Bob works the item he was given. */
    mark(bob, m.birthday, "dismissed", NULL, NULL);
    cr_assert(shown(bob, TODAY, 7, "dismissed", m.birthday));
    mark(bob, m.birthday, "snoozed", "2030-06-08", NULL);
    folio_response_free(harness_ok(folio_reassign_undo(root, move, &err), &err));
    assert_marked(alice, &m);
    assert_unmarked(bob, &m);
    marked_free(&m);
    finish();
}

Test(agenda_marks, marks_travel_in_a_bundle)
{
    struct marked m = mark_two();
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s/marks-%d.bundle", srv.root, (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert(fd >= 0);
    struct folio_error err = {0};
    const char *ids[] = {m.ana, m.ben};
    Folio__Response *r =
        harness_ok(folio_export_to_fd(alice, NULL, ids, 2, true, NULL, fd, NULL, NULL, &err), &err);
    cr_assert_eq(r->transfer->header->agenda_states, 2);
    folio_response_free(r);
    close(fd);
    /* Released: gone from the agenda with their clients. */
    assert_unmarked(alice, &m);
    fd = open(path, O_RDONLY);
    cr_assert(fd >= 0);
    struct stat st;
    cr_assert(fstat(fd, &st) == 0);
    r = harness_ok(folio_import_from_fd(alice, fd, (uint64_t)st.st_size, NULL, false, false, false,
                                        NULL, NULL, &err),
                   &err);
    close(fd);
    cr_assert_eq(r->import->clients_added, 2);
    folio_response_free(r);
    assert_marked(alice, &m);
    marked_free(&m);
    finish();
}

Test(agenda_marks, erasing_a_client_erases_its_marks)
{
    struct marked m = mark_two();
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_client_erase(alice, m.ana, &err), &err));
    folio_response_free(harness_ok(folio_client_erase(alice, m.ben, &err), &err));
    assert_unmarked(alice, &m);
    marked_free(&m);
    finish();
}

/* ---------------------------------------------------------------- a contact closes follow-ups */

static void contact(struct folio_connection *c, const char *id, const char *date, bool keep)
{
    struct folio_error err = {0};
    Folio__EventAdd ev = FOLIO__EVENT_ADD__INIT;
    ev.client_id = (char *)id;
    ev.kind = (char *)"contact";
    ev.what = (char *)"visit";
    ev.date = (char *)date;
    ev.keep_follow_ups = keep;
    folio_response_free(harness_ok(folio_event_add(c, &ev, &err), &err));
}

Test(agenda_marks, a_contact_closes_the_follow_ups_due_by_its_day)
{
    char *fay = add_client(alice, "Fay", NULL, "2030-05-20", "2030-06-01");
    struct folio_error err = {0};
    Folio__EventAdd later = FOLIO__EVENT_ADD__INIT;
    later.client_id = fay;
    later.kind = (char *)"contact";
    later.what = (char *)"call";
    later.date = (char *)"2030-05-21";
    later.follow_up = (char *)"2030-06-20";
    later.keep_follow_ups = true;
    folio_response_free(harness_ok(folio_event_add(alice, &later, &err), &err));
    char *missed = item_id(alice, TODAY, 1, "follow_up", fay);
    /* On the 20th the missed one comes first, overdue: the other is last. */
    Folio__Response *r;
    const Folio__Agenda *a = agenda(alice, "2030-06-20", 1, NULL, &r);
    cr_assert_eq(a->n_items, 2);
    cr_assert_str_eq(a->items[0]->id, missed);
    cr_assert_str_eq(a->items[1]->kind, "follow_up");
    cr_assert_not(a->items[1]->overdue);
    char *ahead = strdup(a->items[1]->id);
    folio_response_free(r);
    /* Kept: both stay open. */
    contact(alice, fay, "2030-06-02", true);
    cr_assert(shown(alice, TODAY, 1, NULL, missed));
    /* The visit of the 3rd closes the one due on the 1st, not the one ahead. */
    contact(alice, fay, TODAY, false);
    cr_assert_not(shown(alice, TODAY, 1, NULL, missed));
    const Folio__AgendaItem *it = by_id(alice, "2030-06-01", 1, "done", missed, &r);
    cr_assert_not_null(it);
    cr_assert_str_eq(it->note, "closed by the visit of " TODAY);
    folio_response_free(r);
    cr_assert(shown(alice, "2030-06-20", 1, NULL, ahead));
    r = harness_ok(folio_client_history(alice, fay, 1, 0, &err), &err);
    cr_assert_eq(r->timeline->n_events, 1);
    cr_assert_str_eq(r->timeline->events[0]->kind, "note");
    cr_assert_str_eq(r->timeline->events[0]->note,
                     "follow-up of 2030-06-01 closed by the visit of " TODAY);
    folio_response_free(r);
    free(missed);
    free(ahead);
    free(fay);
    finish();
}

/* ---------------------------------------------------------------- tasks */

static uint64_t task_add(struct folio_connection *c, const char *client, const char *due,
                         const char *title, const char *note)
{
    struct folio_error err = {0};
    Folio__Task task = FOLIO__TASK__INIT;
    task.client_id = (char *)(client ? client : "");
    task.due = (char *)due;
    task.title = (char *)title;
    task.note = (char *)(note ? note : "");
    Folio__TaskAdd op = FOLIO__TASK_ADD__INIT;
    op.task = &task;
    Folio__Response *r = harness_ok(folio_task_add(c, &op, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_TASK);
    uint64_t id = r->task->id;
    cr_assert(id > 0);
    folio_response_free(r);
    return id;
}

static Folio__Response *task_list(struct folio_connection *c, const char *client, uint32_t limit,
                                  const char *after)
{
    struct folio_error err = {0};
    Folio__TaskList op = FOLIO__TASK_LIST__INIT;
    op.client_id = (char *)(client ? client : "");
    op.limit = limit;
    op.after = (char *)(after ? after : "");
    Folio__Response *r = harness_ok(folio_task_list(c, &op, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_TASKS);
    return r;
}

static Folio__Response *task_remove(struct folio_connection *c, uint64_t id,
                                    struct folio_error *err)
{
    Folio__TaskRemove op = FOLIO__TASK_REMOVE__INIT;
    op.id = id;
    return folio_task_remove(c, &op, err);
}

static size_t tasks_of(struct folio_connection *c)
{
    Folio__Response *r = task_list(c, NULL, 100, NULL);
    size_t n = r->tasks->n_tasks;
    folio_response_free(r);
    return n;
}

static Folio__Response *task_edit(struct folio_connection *c, uint64_t id, const char *field,
                                  const char *value, struct folio_error *err)
{
    char *fields[] = {(char *)field};
    Folio__TaskEdit op = FOLIO__TASK_EDIT__INIT;
    op.id = id;
    op.fields = fields;
    op.n_fields = field != NULL;
    op.due = op.title = op.note = (char *)value;
    return folio_task_edit(c, &op, err);
}

Test(agenda_marks, tasks_sit_on_the_agenda_and_go_overdue)
{
    char *gil = add_client(alice, "Gil", NULL, "2030-06-01", NULL);
    uint64_t mine = task_add(alice, NULL, "2030-06-02", "renew the licence", NULL);
    uint64_t his = task_add(alice, gil, "2030-06-04", "send the policy", "by post");
    Folio__Response *r;
    const Folio__Agenda *a = agenda(alice, TODAY, 7, NULL, &r);
    cr_assert_str_eq(a->items[0]->kind, "task");
    cr_assert_str_eq(a->items[0]->title, "renew the licence");
    cr_assert(a->items[0]->overdue);
    cr_assert_eq(a->items[0]->days_late, 1);
    const Folio__AgendaItem *it = find(a, "task", gil);
    cr_assert_not_null(it);
    cr_assert_str_eq(it->date, "2030-06-04");
    cr_assert_str_eq(it->client_name, "Gil");
    cr_assert_str_eq(it->suggestion, "by post");
    char *id = strdup(it->id);
    folio_response_free(r);

    /* Listed by due day, in pages. */
    r = task_list(alice, NULL, 1, NULL);
    cr_assert_eq(r->tasks->n_tasks, 1);
    cr_assert_eq(r->tasks->tasks[0]->id, mine);
    cr_assert_str_neq(r->tasks->next, "");
    char *next = strdup(r->tasks->next);
    folio_response_free(r);
    r = task_list(alice, NULL, 1, next);
    cr_assert_eq(r->tasks->n_tasks, 1);
    cr_assert_eq(r->tasks->tasks[0]->id, his);
    cr_assert_str_eq(r->tasks->tasks[0]->client_name, "Gil");
    cr_assert_str_eq(r->tasks->next, "");
    folio_response_free(r);
    free(next);
    r = task_list(alice, gil, 0, NULL);
    cr_assert_eq(r->tasks->n_tasks, 1);
    folio_response_free(r);

    /* Moved to the 5th, it is on the 5th: another day, another item. */
    struct folio_error err = {0};
    folio_response_free(harness_ok(task_edit(alice, his, "due", "2030-06-05", &err), &err));
    a = agenda(alice, TODAY, 7, NULL, &r);
    it = find(a, "task", gil);
    cr_assert_str_eq(it->date, "2030-06-05");
    free(id);
    id = strdup(it->id);
    folio_response_free(r);
    /* Done: off the agenda, and no call recorded. */
    mark(alice, id, "done", NULL, NULL);
    cr_assert_not(shown(alice, TODAY, 7, NULL, id));
    char *contact = last_contact(alice, gil);
    cr_assert_str_eq(contact, "2030-06-01");
    free(contact);
    /* Removed: off the list and the agenda. */
    folio_response_free(harness_ok(task_remove(alice, mine, &err), &err));
    cr_assert_eq(tasks_of(alice), 1);
    a = agenda(alice, TODAY, 7, NULL, &r);
    cr_assert_null(find(a, "task", NULL));
    folio_response_free(r);
    free(id);
    free(gil);
    finish();
}

Test(agenda_marks, task_refusals)
{
    char *gil = add_client(alice, "Gil", NULL, "2030-06-01", NULL);
    uint64_t id = task_add(alice, gil, "2030-06-04", "send the policy", NULL);
    struct folio_error err = {0};
    Folio__Task task = FOLIO__TASK__INIT;
    task.due = (char *)"2030-02-30";
    task.title = (char *)"x";
    Folio__TaskAdd op = FOLIO__TASK_ADD__INIT;
    op.task = &task;
    harness_refused(folio_task_add(alice, &op, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "due:") != NULL, "%s", err.message);
    task.due = (char *)"2030-06-04";
    task.title = (char *)"";
    harness_refused(folio_task_add(alice, &op, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "title:") != NULL, "%s", err.message);
    char long_title[FOLIO_TASK_TITLE_MAX + 2];
    memset(long_title, 'a', sizeof(long_title) - 1);
    long_title[sizeof(long_title) - 1] = '\0';
    task.title = long_title;
    harness_refused(folio_task_add(alice, &op, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "title:") != NULL, "%s", err.message);
    /* Another agent's client, another agent's task: not there. */
    task.title = (char *)"x";
    task.client_id = gil;
    harness_refused(folio_task_add(bob, &op, &err), &err, FOLIO__CODE__NOT_FOUND);
    harness_refused(task_edit(bob, id, "title", "mine now", &err), &err, FOLIO__CODE__NOT_FOUND);
    harness_refused(task_remove(bob, id, &err), &err, FOLIO__CODE__NOT_FOUND);
    harness_refused(task_edit(alice, id, NULL, NULL, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(task_edit(alice, id, "owner", "bob", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(task_edit(alice, id, "due", "soon", &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    Folio__TaskList list = FOLIO__TASK_LIST__INIT;
    list.after = (char *)"not-a-cursor";
    harness_refused(folio_task_list(alice, &list, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    /* Nothing changed. */
    cr_assert_eq(tasks_of(alice), 1);
    cr_assert_eq(tasks_of(bob), 0);
    Folio__Response *r = task_list(alice, NULL, 0, NULL);
    cr_assert_str_eq(r->tasks->tasks[0]->title, "send the policy");
    cr_assert_str_eq(r->tasks->tasks[0]->due, "2030-06-04");
    folio_response_free(r);
    free(gil);
    finish();
}

Test(agenda_marks, tasks_move_with_their_client_travel_in_bundles_and_go_with_erasure)
{
    char *gil = add_client(alice, "Gil", NULL, "2030-06-01", NULL);
    task_add(alice, gil, "2030-06-04", "send the policy", NULL);
    task_add(alice, NULL, "2030-06-04", "my own", NULL);
    struct folio_error err = {0};
    const char *ids[] = {gil};
    Folio__Response *r =
        harness_ok(folio_reassign(root, alice_name, bob_name, ids, 1, false, &err), &err);
    uint64_t move = r->reassign->id;
    folio_response_free(r);
    cr_assert_eq(tasks_of(alice), 1, "her own task stays");
    cr_assert_eq(tasks_of(bob), 1);
    Folio__Agenda *a = agenda(bob, TODAY, 7, NULL, &r);
    cr_assert_not_null(find(a, "task", gil));
    folio_response_free(r);
    folio_response_free(harness_ok(folio_reassign_undo(root, move, &err), &err));
    cr_assert_eq(tasks_of(alice), 2);
    cr_assert_eq(tasks_of(bob), 0);

    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s/tasks-%d.bundle", srv.root, (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert(fd >= 0);
    r = harness_ok(folio_export_to_fd(alice, NULL, ids, 1, true, NULL, fd, NULL, NULL, &err), &err);
    cr_assert_eq(r->transfer->header->tasks, 1);
    folio_response_free(r);
    close(fd);
    cr_assert_eq(tasks_of(alice), 1, "released with its client");
    fd = open(path, O_RDONLY);
    struct stat st;
    cr_assert(fstat(fd, &st) == 0);
    folio_response_free(harness_ok(folio_import_from_fd(alice, fd, (uint64_t)st.st_size, NULL,
                                                        false, false, false, NULL, NULL, &err),
                                   &err));
    close(fd);
    cr_assert_eq(tasks_of(alice), 2, "back with its client");
    a = agenda(alice, TODAY, 7, NULL, &r);
    cr_assert_not_null(find(a, "task", gil));
    folio_response_free(r);
    folio_response_free(harness_ok(folio_client_erase(alice, gil, &err), &err));
    cr_assert_eq(tasks_of(alice), 1, "erased with its client");
    free(gil);
    finish();
}
