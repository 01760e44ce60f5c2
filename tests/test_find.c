/* test_find.c - client find: folded names in several scripts, phone digits,
 * e-mail prefixes, ordering and paging, the index following every kind of
 * write, owner scoping, the firm-wide search's audit and redaction, and
 * bounds, against a real foliod.
 *
 * The tests share one server (harness_shared_start); each makes its own
 * office and agents named after its process (alice-PID, carl-PID, bob-PID),
 * so what one test adds never shows in another's own searches. A firm-wide
 * search sees every test's clients: those tests search for a word made of
 * their process id. The test that rebuilds the index of an older data
 * directory has a server of its own. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "folioclient_interchange.h"
#include "folioclient_reassign.h"
#include "folioclient_transfer.h"
#include "harness.h"
#include "store.h"
#include "store_search.h"

#define PW "find-password-1"

static struct harness_server srv;
static struct folio_connection *root, *alice;
static char north[32], alice_name[32], carl_name[32], bob_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "find") == 0)
        harness_shared_start("find", NULL, NULL);
}

/* After every test has ended (see test_client.c). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("find");
}

static void people(void)
{
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(carl_name, sizeof(carl_name), "carl-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW);
    harness_add_user(root, carl_name, FOLIO__ROLE__ROLE_AGENT, north, PW);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, north, PW);
    alice = harness_user(&srv, alice_name, PW);
}

static void setup(void)
{
    harness_shared_attach(&srv, "find");
    people();
}

static void setup_own(void)
{
    harness_server_start(&srv, NULL);
    people();
}

static void teardown(void)
{
    folio_connection_close(alice);
    folio_connection_close(root);
    alice = root = NULL;
    harness_server_finish(&srv);
    harness_server_cleanup(&srv);
}

TestSuite(find, .init = setup, .fini = teardown, .timeout = 120);
TestSuite(find_own, .init = setup_own, .fini = teardown, .timeout = 120);

/* ---------------------------------------------------------------- helpers */

/* Adds a client; returns its id (free it). phone and email may be NULL. */
static char *add(struct folio_connection *c, const char *name, const char *phone, const char *email)
{
    Folio__Client client = FOLIO__CLIENT__INIT;
    char *phones[1] = {(char *)phone}, *emails[1] = {(char *)email};
    client.name = (char *)name;
    if (phone != NULL) {
        client.phones = phones;
        client.n_phones = 1;
    }
    if (email != NULL) {
        client.emails = emails;
        client.n_emails = 1;
    }
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_add(c, &client, false, &err), &err);
    char *id = strdup(r->client->id);
    cr_assert_not_null(id);
    folio_response_free(r);
    return id;
}

static Folio__Response *find_page(struct folio_connection *c, const char *text, uint32_t limit,
                                  const char *after, struct folio_error *err)
{
    return folio_client_find(c, text, limit, after, false, false, err);
}

/* The names found for text (one page of up to 1000), joined by "|". */
static char *found(struct folio_connection *c, const char *text)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(find_page(c, text, 1000, NULL, &err), &err);
    cr_assert_str_empty(r->clients->next);
    size_t len = 1;
    for (size_t i = 0; i < r->clients->n_clients; i++)
        len += strlen(r->clients->clients[i]->name) + 1;
    char *out = calloc(1, len);
    cr_assert_not_null(out);
    for (size_t i = 0; i < r->clients->n_clients; i++) {
        if (i > 0)
            strcat(out, "|");
        strcat(out, r->clients->clients[i]->name);
    }
    folio_response_free(r);
    return out;
}

#define assert_found(c, text, expected)                                                            \
    do {                                                                                           \
        char *got_ = found((c), (text));                                                           \
        cr_assert_str_eq(got_, (expected), "find \"%s\": got \"%s\"", (text), got_);               \
        free(got_);                                                                                \
    } while (0)

static bool audited(const char *action, const char *target, const char *detail_part)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    bool hit = false;
    for (size_t i = 0; i < r->audit->n_records && !hit; i++) {
        const Folio__AuditRecord *a = r->audit->records[i];
        hit = strcmp(a->action, action) == 0 && strcmp(a->target, target) == 0 &&
              (detail_part == NULL || strstr(a->detail, detail_part) != NULL);
    }
    folio_response_free(r);
    return hit;
}

/* ---------------------------------------------------------------- names */

Test(find, names_by_word_starts_whatever_the_case_accents_and_script)
{
    static const char *const names[] = {
        "Bjørn Ødegård",
        "José Pérez",
        "Jose Luis Ortega",
        "李小龍",
        "王小明",
        "Łukasz Żółć",
        "Đorđe Đoković",
        "Müller Straße",
        "Zoë Saldaña",
        "François Le Blanc",
        "Anna O'Brien",
        "Иван Петров",
        "Αλέξανδρος Παππάς",
        "محمد علي",
        "Nguyễn Văn An",
        "İlkay Gündoğan",
        "Søren Kierkegaard",
        "Ana",
        "Anabel Ruiz",
        "Dvořák Antonín",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        free(add(alice, names[i], NULL, NULL));

    assert_found(alice, "bjorn odeg", "Bjørn Ødegård");
    assert_found(alice, "ØDEGÅRD", "Bjørn Ødegård");
    assert_found(alice, "jose", "Jose Luis Ortega|José Pérez");
    assert_found(alice, "JOSÉ p", "José Pérez");
    assert_found(alice, "luis jose", "Jose Luis Ortega"); /* words in any order */
    /* Each CJK character starts a word; romanised spellings are not matched. */
    assert_found(alice, "小龍", "李小龍");
    assert_found(alice, "李", "李小龍");
    assert_found(alice, "小", "李小龍|王小明");
    assert_found(alice, "li", "");
    assert_found(alice, "lukasz zolc", "Łukasz Żółć");
    assert_found(alice, "dorde", "Đorđe Đoković");
    assert_found(alice, "strasse", "Müller Straße");
    assert_found(alice, "zoe salda", "Zoë Saldaña");
    assert_found(alice, "francois le", "François Le Blanc");
    assert_found(alice, "brien", "Anna O'Brien");
    assert_found(alice, "obrien", "Anna O'Brien");
    assert_found(alice, "o’brien", "Anna O'Brien");
    assert_found(alice, "ИВАН", "Иван Петров");
    assert_found(alice, "αλεξανδρος", "Αλέξανδρος Παππάς");
    assert_found(alice, "علي", "محمد علي");
    assert_found(alice, "nguyen van", "Nguyễn Văn An");
    assert_found(alice, "ilkay gundogan", "İlkay Gündoğan");
    assert_found(alice, "soren", "Søren Kierkegaard");
    assert_found(alice, "dvorak", "Dvořák Antonín");
    /* The start of a word, not its middle. */
    assert_found(alice, "tonin", "");
    assert_found(alice, "ana", "Ana|Anabel Ruiz");
    assert_found(alice, "an", "Ana|Anabel Ruiz|Anna O'Brien|Dvořák Antonín|Nguyễn Văn An");
}

Test(find, phones_by_their_digits_and_suffixes_of_four_or_more)
{
    free(add(alice, "Phone Peru", "+51 999 111 222", NULL));
    free(add(alice, "Phone Lima", "(01) 234-5678", NULL));
    assert_found(alice, "999111222", "Phone Peru");
    assert_found(alice, "+51 999 111 222", "Phone Peru");
    assert_found(alice, "51999111222", "Phone Peru");
    assert_found(alice, "1222", "Phone Peru");
    assert_found(alice, "222", "");     /* under four digits */
    assert_found(alice, "999 111", ""); /* not how the number ends */
    assert_found(alice, "234-5678", "Phone Lima");
    assert_found(alice, "012345678", "Phone Lima");
    assert_found(alice, "5678", "Phone Lima");
}

Test(find, emails_by_prefix_case_insensitively)
{
    free(add(alice, "Carmen Díaz", NULL, "Ana.Lopez@Example.COM"));
    assert_found(alice, "ana.lo", "Carmen Díaz");
    assert_found(alice, "ANA.LOPEZ@EXAMPLE.COM", "Carmen Díaz");
    assert_found(alice, "lopez", "");
    assert_found(alice, "example", "");
}

/* ---------------------------------------------------------------- order */

Test(find, best_matches_first_then_by_name_and_pages_follow_on)
{
    free(add(alice, "Mariana", NULL, NULL));
    free(add(alice, "Maria Andrade", NULL, NULL));
    free(add(alice, "Zed Zulu", NULL, "maria@example.com"));
    free(add(alice, "Maria", NULL, NULL));
    free(add(alice, "Ana Maria", NULL, NULL));
    free(add(alice, "Bea Mariño", NULL, NULL));
    assert_found(alice, "maria", "Maria|Ana Maria|Maria Andrade|Mariana|Zed Zulu");

    const char *expected[] = {"Maria", "Ana Maria", "Maria Andrade", "Mariana", "Zed Zulu"};
    struct folio_error err = {0};
    char *after = NULL;
    size_t seen = 0;
    for (int page = 0; page < 3; page++) {
        Folio__Response *r = harness_ok(find_page(alice, "maria", 2, after, &err), &err);
        for (size_t i = 0; i < r->clients->n_clients; i++)
            cr_assert_str_eq(r->clients->clients[i]->name, expected[seen++]);
        free(after);
        after = r->clients->next[0] != '\0' ? strdup(r->clients->next) : NULL;
        cr_assert_eq(after == NULL, page == 2, "page %d next", page);
        folio_response_free(r);
    }
    cr_assert_eq(seen, 5);
    /* A later page is worked out from the cursor alone: a client added
     * before the cursor's place does not show on the next page. */
    Folio__Response *r = harness_ok(find_page(alice, "maria", 2, NULL, &err), &err);
    after = strdup(r->clients->next);
    folio_response_free(r);
    free(add(alice, "Al Maria", NULL, NULL));
    r = harness_ok(find_page(alice, "maria", 2, after, &err), &err);
    cr_assert_str_eq(r->clients->clients[0]->name, "Maria Andrade");
    folio_response_free(r);
    free(after);
}

/* ---------------------------------------------------------------- writes */

static Folio__Response *update_field(struct folio_connection *c, const char *id,
                                     Folio__Client *changes, const char *field,
                                     struct folio_error *err)
{
    const char *fields[] = {field};
    return folio_client_update(c, id, changes, fields, 1, 0, err);
}

Test(find, the_index_follows_updates_and_erasures)
{
    struct folio_error err = {0};
    char *id = add(alice, "Old Name", "+1 555 0100", "old@example.com");
    assert_found(alice, "old", "Old Name");

    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.name = (char *)"Nueva Señora";
    folio_response_free(harness_ok(update_field(alice, id, &changes, "name", &err), &err));
    assert_found(alice, "name", "");
    assert_found(alice, "nueva senora", "Nueva Señora");
    assert_found(alice, "old", "Nueva Señora"); /* still its e-mail */

    char *phones[] = {(char *)"+44 20 7946 0958"};
    changes.phones = phones;
    changes.n_phones = 1;
    folio_response_free(harness_ok(update_field(alice, id, &changes, "phones", &err), &err));
    assert_found(alice, "0100", "");
    assert_found(alice, "0958", "Nueva Señora");

    char *emails[] = {(char *)"new@example.com"};
    changes.emails = emails;
    changes.n_emails = 1;
    folio_response_free(harness_ok(update_field(alice, id, &changes, "emails", &err), &err));
    assert_found(alice, "old", "");
    assert_found(alice, "new@", "Nueva Señora");

    /* A change to another field leaves the entries as they were. */
    changes.city = (char *)"Lima";
    folio_response_free(harness_ok(update_field(alice, id, &changes, "city", &err), &err));
    assert_found(alice, "nueva", "Nueva Señora");

    folio_response_free(harness_ok(folio_client_erase(alice, id, &err), &err));
    assert_found(alice, "nueva", "");
    assert_found(alice, "0958", "");
    assert_found(alice, "new@", "");
    free(id);
}

Test(find, the_index_follows_reassignments_and_csv_imports)
{
    struct folio_error err = {0};
    char *moved = add(alice, "Moving Marta", "600 700 800", NULL);
    free(add(alice, "Staying Sara", NULL, NULL));
    struct folio_connection *carl = harness_user(&srv, carl_name, PW);
    const char *ids[] = {moved};
    folio_response_free(
        harness_ok(folio_reassign(root, alice_name, carl_name, ids, 1, false, &err), &err));
    assert_found(alice, "marta", "");
    assert_found(alice, "0700800", "");
    assert_found(carl, "marta", "Moving Marta");
    assert_found(carl, "0700800", "Moving Marta");
    assert_found(alice, "sara", "Staying Sara");

    /* The CSV and vCard importers send ClientImport. */
    Folio__Client a = FOLIO__CLIENT__INIT, b = FOLIO__CLIENT__INIT;
    a.name = (char *)"Imported Ingrid";
    b.name = (char *)"Imported Íñigo";
    Folio__Client *batch[] = {&a, &b};
    folio_response_free(harness_ok(folio_client_import(carl, batch, NULL, 2, false, &err), &err));
    assert_found(carl, "imported", "Imported Ingrid|Imported Íñigo");
    assert_found(carl, "inigo", "Imported Íñigo");
    assert_found(alice, "imported", "");
    folio_connection_close(carl);
    free(moved);
}

/* Exports owner's portfolio to a file in the server's directory; returns
 * its path (free it). */
static char *export_file(struct folio_connection *c, bool release)
{
    char *path = malloc(PATH_MAX);
    cr_assert_not_null(path);
    snprintf(path, PATH_MAX, "%s/find-%d-%d.bundle", srv.root, (int)getpid(), (int)release);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert(fd >= 0);
    struct folio_error err = {0};
    folio_response_free(harness_ok(
        folio_export_to_fd(c, NULL, NULL, 0, release, NULL, fd, NULL, NULL, &err), &err));
    close(fd);
    return path;
}

static Folio__Response *import_file(struct folio_connection *c, const char *path, const char *agent,
                                    struct folio_error *err)
{
    int fd = open(path, O_RDONLY);
    cr_assert(fd >= 0);
    struct stat st;
    cr_assert(fstat(fd, &st) == 0);
    Folio__Response *r = folio_import_from_fd(c, fd, (uint64_t)st.st_size, agent, true, true, false,
                                              NULL, NULL, err);
    close(fd);
    return r;
}

Test(find, the_index_follows_release_restore_and_bundle_import)
{
    struct folio_error err = {0};
    char *id = add(alice, "Bundled Berta", "+34 911 222 333", "berta@example.com");
    char *path = export_file(alice, true);
    assert_found(alice, "berta", "");
    assert_found(alice, "1222333", "");
    Folio__Response *r =
        harness_ok(folio_client_find(root, "bundled", 10, NULL, true, false, &err), &err);
    for (size_t i = 0; i < r->clients->n_clients; i++)
        cr_assert_str_neq(r->clients->clients[i]->id, id, "a released client is found");
    folio_response_free(r);

    folio_response_free(harness_ok(folio_restore_transferred(root, alice_name, &err), &err));
    assert_found(alice, "berta", "Bundled Berta");
    assert_found(alice, "berta@", "Bundled Berta");

    /* Erased, then brought back from the bundle by a firm-admin. */
    folio_response_free(harness_ok(folio_client_erase(alice, id, &err), &err));
    assert_found(alice, "berta", "");
    folio_response_free(harness_ok(import_file(root, path, alice_name, &err), &err));
    assert_found(alice, "berta", "Bundled Berta");
    assert_found(alice, "1222333", "Bundled Berta");
    free(path);
    free(id);
}

/* ---------------------------------------------------------------- who */

Test(find, another_agents_clients_are_never_found)
{
    struct folio_connection *bob = harness_user(&srv, bob_name, PW);
    free(add(bob, "Secret Sofía", "+1 212 555 0199", "sofia@example.com"));
    free(add(alice, "Open Olivia", NULL, NULL));
    assert_found(alice, "secret", "");
    assert_found(alice, "sofia", "");
    assert_found(alice, "5550199", "");
    assert_found(bob, "sofia", "Secret Sofía");
    assert_found(bob, "olivia", "");
    folio_connection_close(bob);
}

Test(find, a_firm_search_is_audited_and_shows_ids_and_owners_only_unless_asked)
{
    struct folio_error err = {0};
    char word[32], name_a[64], name_b[64];
    snprintf(word, sizeof(word), "Qz%d", (int)getpid());
    snprintf(name_a, sizeof(name_a), "%s Alfa", word);
    snprintf(name_b, sizeof(name_b), "%s Beta", word);
    struct folio_connection *bob = harness_user(&srv, bob_name, PW);
    char *id_a = add(alice, name_a, NULL, NULL);
    char *id_b = add(bob, name_b, NULL, NULL);

    Folio__Response *r =
        harness_ok(folio_client_find(root, word, 10, NULL, true, false, &err), &err);
    cr_assert_eq(r->clients->n_clients, 2);
    cr_assert_str_eq(r->clients->clients[0]->id, id_a);
    cr_assert_str_eq(r->clients->clients[0]->owner, alice_name);
    cr_assert_str_eq(r->clients->clients[1]->id, id_b);
    cr_assert_str_eq(r->clients->clients[1]->owner, bob_name);
    for (size_t i = 0; i < 2; i++) {
        const Folio__Client *c = r->clients->clients[i];
        cr_assert_str_empty(c->name, "a redacted answer carries no name");
        cr_assert_eq(c->n_phones + c->n_emails, 0);
        cr_assert_eq(c->created_at, 0);
    }
    folio_response_free(r);
    char detail[64];
    snprintf(detail, sizeof(detail), "%zu-byte text, 2 clients, ids and owners only", strlen(word));
    cr_assert(audited("client.find", "firm", detail));

    r = harness_ok(folio_client_find(root, word, 10, NULL, true, true, &err), &err);
    cr_assert_eq(r->clients->n_clients, 2);
    cr_assert_str_eq(r->clients->clients[0]->name, name_a);
    cr_assert_str_eq(r->clients->clients[1]->name, name_b);
    folio_response_free(r);
    snprintf(detail, sizeof(detail), "%zu-byte text, 2 clients, records read", strlen(word));
    cr_assert(audited("client.find", "firm", detail));
    cr_assert(audited("client.read", id_a, "search read"));
    cr_assert(audited("client.read", id_b, "search read"));

    /* Who may ask what. */
    harness_refused(folio_client_find(alice, word, 10, NULL, true, false, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_client_find(root, word, 10, NULL, false, false, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_client_find(root, word, 10, NULL, false, true, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_client_find(alice, word, 10, NULL, false, true, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    /* An agent's own search is not audited: it reads its own clients. */
    assert_found(alice, word, name_a);
    folio_connection_close(bob);
    free(id_a);
    free(id_b);
}

/* ---------------------------------------------------------------- bounds */

Test(find, bounds_are_refused)
{
    struct folio_error err = {0};
    char text[202];
    memset(text, 'a', sizeof(text) - 1);
    text[201] = '\0';
    harness_refused(find_page(alice, "", 10, NULL, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(find_page(alice, text, 10, NULL, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    text[200] = '\0';
    folio_response_free(harness_ok(find_page(alice, text, 10, NULL, &err), &err));
    harness_refused(find_page(alice, "ana", 1001, NULL, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    folio_response_free(harness_ok(find_page(alice, "ana", 1000, NULL, &err), &err));
    harness_refused(find_page(alice, "\xff\xfe", 10, NULL, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    static const char *const cursors[] = {
        "garbage",
        "3.0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.61",
        "1.not-a-uuid-at-all-not-a-uuid-at-all.61",
        "1.0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.6",
        "1.0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.zz",
        "1.0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9x61",
    };
    for (size_t i = 0; i < sizeof(cursors) / sizeof(cursors[0]); i++)
        harness_refused(find_page(alice, "ana", 10, cursors[i], &err), &err,
                        FOLIO__CODE__INVALID_ARGUMENT);
    char long_cursor[600];
    snprintf(long_cursor, sizeof(long_cursor), "1.0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.");
    size_t n = strlen(long_cursor);
    memset(long_cursor + n, 'a', sizeof(long_cursor) - n - 1);
    long_cursor[sizeof(long_cursor) - 1] = '\0';
    harness_refused(find_page(alice, "ana", 10, long_cursor, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    /* A well-formed cursor of an empty place is just a place. */
    folio_response_free(harness_ok(
        find_page(alice, "ana", 10, "1.0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.", &err), &err));
}

/* ---------------------------------------------------------------- upgrade */

Test(find_own, a_data_directory_from_before_the_index_is_indexed_at_start)
{
    free(add(alice, "Before Index", "+49 30 1234 5678", NULL));
    folio_connection_close(alice);
    folio_connection_close(root);
    alice = root = NULL;
    cr_assert_eq(harness_server_stop(&srv), 0);

    /* Make it look like a directory from before the index, or from before
     * its sort entries (whose build left the older mark). */
    struct store st;
    cr_assert_eq(store_open(&st, srv.data, 0), 0);
    MDB_txn *txn;
    cr_assert_eq(mdb_txn_begin(st.env, NULL, 0, &txn), 0);
    cr_assert_eq(mdb_drop(txn, st.client_search, 0), 0);
    MDB_val k = {sizeof(STORE_SEARCH_BUILT_KEY) - 1, (void *)STORE_SEARCH_BUILT_KEY};
    cr_assert_eq(mdb_del(txn, st.meta, &k, NULL), 0);
    MDB_val old = {sizeof("search_index_built") - 1, (void *)"search_index_built"}, one = {1, "1"};
    cr_assert_eq(mdb_put(txn, st.meta, &old, &one, 0), 0);
    cr_assert_eq(mdb_txn_commit(txn), 0);
    store_close(&st);

    harness_server_restart(&srv);
    root = harness_admin(&srv);
    alice = harness_user(&srv, alice_name, PW);
    assert_found(alice, "before", "Before Index");
    assert_found(alice, "12345678", "Before Index");
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_list(alice, 100, NULL, &err), &err);
    bool listed = false;
    for (size_t i = 0; i < r->clients->n_clients; i++)
        listed |= strcmp(r->clients->clients[i]->name, "Before Index") == 0;
    cr_assert(listed, "client list reads the rebuilt sort entries");
    folio_response_free(r);
}
