/* test_backup.c - folio admin backup while serving, and foliod restore of
 * the copy into a new data directory that serves the same firm. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "folioclient_firm.h"
#include "harness.h"

#define PW_ALICE "alice-password"

static struct harness_server srv, restored;

static void teardown(void)
{
    harness_server_cleanup(&restored);
    harness_server_cleanup(&srv);
}

TestSuite(backup, .fini = teardown, .timeout = 120);

static int restore(const char *dir, const char *file, char **out)
{
    char *argv[] = {FOLIOD_PATH, "restore", "--data", (char *)dir, (char *)file, NULL};
    return harness_run(argv, NULL, out);
}

/* A fresh data directory path, not yet made, in the restored server's root. */
static void fresh_server_dir(void)
{
    harness_server_start(&restored, NULL);
    cr_assert_eq(harness_server_stop(&restored), 0);
    char *argv[] = {"/bin/rm", "-rf", restored.data, NULL};
    cr_assert_eq(harness_run(argv, NULL, NULL), 0);
}

Test(backup, backup_while_serving_then_restore_and_serve)
{
    harness_server_start(&srv, NULL);
    struct folio_connection *root = harness_admin(&srv);
    harness_add_office(root, "North");
    harness_add_user(root, "alice", FOLIO__ROLE__ROLE_AGENT, "North", PW_ALICE);
    struct folio_connection *alice = harness_user(&srv, "alice", PW_ALICE);
    struct folio_error err = {0};
    harness_refused(folio_backup(alice, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    folio_connection_close(alice);

    Folio__Response *r = harness_ok(folio_backup(root, &err), &err);
    char name[128];
    snprintf(name, sizeof(name), "%s", r->backup->name);
    uint64_t size = r->backup->size;
    folio_response_free(r);
    cr_assert_eq(strncmp(name, "folio-", 6), 0, "%s", name);
    cr_assert(strstr(name, "Z") != NULL && strstr(name, ".mdb") != NULL, "%s", name);
    char file[PATH_MAX + 160];
    snprintf(file, sizeof(file), "%s/backups/%s", srv.data, name);
    struct stat st;
    cr_assert_eq(stat(file, &st), 0, "%s", file);
    cr_assert_eq((uint64_t)st.st_size, size);
    cr_assert_eq(st.st_mode & 0777, 0600);

    /* The server goes on serving, and the backup is audited. */
    r = harness_ok(folio_audit_query(root, NULL, 0, 100, 0, &err), &err);
    bool audited = false;
    for (size_t i = 0; i < r->audit->n_records; i++)
        audited |= strcmp(r->audit->records[i]->action, "backup") == 0 &&
                   strcmp(r->audit->records[i]->target, name) == 0;
    folio_response_free(r);
    cr_assert(audited);
    /* A second one in the same second gets its own name. */
    r = harness_ok(folio_backup(root, &err), &err);
    cr_assert_str_neq(r->backup->name, name);
    folio_response_free(r);
    harness_add_user(root, "later", FOLIO__ROLE__ROLE_AGENT, "North", "later-password");
    folio_connection_close(root);

    fresh_server_dir();
    char *out = NULL;
    cr_assert_eq(restore(restored.data, file, &out), 0, "%s", out);
    cr_assert(strstr(out, "restored firm \"" HARNESS_FIRM "\"") != NULL, "%s", out);
    cr_assert(strstr(out, "firm.key") != NULL, "%s", out);
    free(out);
    cr_assert_eq(stat(restored.data, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0700);

    harness_server_restart(&restored);
    alice = harness_user(&restored, "alice", PW_ALICE);
    r = harness_ok(folio_whoami(alice, &err), &err);
    cr_assert_str_eq(r->session->user->name, "alice");
    folio_response_free(r);
    /* It serves with a key of its own, made at start. */
    r = harness_ok(folio_firm_key(alice, &err), &err);
    cr_assert_str_eq(r->firm_key->firm, HARNESS_FIRM);
    folio_response_free(r);
    folio_connection_close(alice);
    root = harness_admin(&restored);
    r = harness_ok(folio_office_list(root, &err), &err);
    cr_assert_eq(r->offices->n_offices, 1);
    cr_assert_str_eq(r->offices->offices[0]->name, "North");
    folio_response_free(r);
    /* Made after the backup: not in it. */
    struct folio_connection *c = harness_connect(&restored);
    folio_response_free(folio_login(c, "later", "later-password", &err));
    cr_assert_eq(err.code, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(c);
    folio_connection_close(root);
    harness_server_finish(&restored);
    harness_server_finish(&srv);
}

Test(backup, restore_refuses_a_non_empty_dir_and_a_non_folio_file)
{
    harness_server_start(&srv, NULL);
    struct folio_connection *root = harness_admin(&srv);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_backup(root, &err), &err);
    char file[PATH_MAX + 160];
    snprintf(file, sizeof(file), "%s/backups/%s", srv.data, r->backup->name);
    folio_response_free(r);
    folio_connection_close(root);

    char *out = NULL;
    /* The live data directory is not empty. */
    cr_assert_eq(restore(srv.data, file, &out), 1, "%s", out);
    cr_assert(strstr(out, "not empty") != NULL, "%s", out);
    free(out);

    char dir[PATH_MAX + 16], junk[PATH_MAX + 16];
    snprintf(dir, sizeof(dir), "%s/restored", srv.root);
    snprintf(junk, sizeof(junk), "%s/junk.mdb", srv.root);
    FILE *f = fopen(junk, "w");
    cr_assert_not_null(f);
    for (int i = 0; i < 3000; i++)
        fputs("not a database at all\n", f);
    fclose(f);
    cr_assert_eq(restore(dir, junk, &out), 1, "%s", out);
    cr_assert(strstr(out, "not a folio backup") != NULL, "%s", out);
    free(out);
    struct stat st;
    cr_assert_neq(stat(dir, &st), 0, "a refused restore left %s behind", dir);

    cr_assert_eq(restore(dir, "/nonexistent/file.mdb", &out), 1, "%s", out);
    free(out);

    /* Usage errors. */
    char *no_file[] = {FOLIOD_PATH, "restore", "--data", dir, NULL};
    cr_assert_eq(harness_run(no_file, NULL, NULL), 2);
    char *extra[] = {FOLIOD_PATH, "restore", "--data", dir, file, "more", NULL};
    cr_assert_eq(harness_run(extra, NULL, NULL), 2);
    char *help[] = {FOLIOD_PATH, "restore", "--help", NULL};
    cr_assert_eq(harness_run(help, NULL, &out), 0);
    cr_assert(strstr(out, "usage: foliod restore --data DIR FILE") != NULL, "%s", out);
    free(out);

    /* An existing empty directory is fine. */
    cr_assert_eq(mkdir(dir, 0755), 0);
    cr_assert_eq(restore(dir, file, &out), 0, "%s", out);
    free(out);
    cr_assert_eq(stat(dir, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0700);
    harness_server_finish(&srv);
}
