/* test_trust.c - the firm key and the trusted firms, against a real foliod.
 *
 * The tests share one server (harness_shared_start), with an office North
 * and olga (office-admin) and alice (agent) of their own in it, named after
 * their process (North-PID, olga-PID, alice-PID). The trusted firms are
 * firm-wide: a test names the firms it trusts after its process too, and
 * looks for those in the list. The other firm it trusts is a second data
 * directory, made by foliod init and never served: its key is what that
 * firm's admin would see with firm-key (the served key is the one in
 * firm.key, as firm_key_has_shape_and_is_the_one_in_firm_key checks).
 *
 * The test of the key's life across restarts (kept, refused when others may
 * read it, made anew when missing) stops and restarts its server: it starts
 * its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <sodium.h>

#include "bundle.h"
#include "folioclient_firm.h"
#include "harness.h"

#define PW_OLGA  "olga-password"
#define PW_ALICE "alice-password"

static struct harness_server srv;
static struct folio_connection *root;

/* This test's office and people. */
static char north[32], olga_name[32], alice_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "trust") == 0)
        harness_shared_start("trust", NULL, NULL);
}

/* Stopped once every test has ended: Criterion reports POST_SUITE when it
 * looks for the test after the suite's last one, which with --jobs above 1
 * is while the suite's last tests still run. */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("trust");
}

static void people(void)
{
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(olga_name, sizeof(olga_name), "olga-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_user(root, olga_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, north, PW_OLGA);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
}

static void setup(void)
{
    harness_shared_attach(&srv, "trust");
    people();
}

/* For the test that stops and restarts the server. Criterion runs the
 * suite's .init (setup) before the test's: the test leaves the shared server
 * first. */
static void setup_own(void)
{
    folio_connection_close(root);
    harness_server_cleanup(&srv);
    harness_server_start(&srv, NULL);
    people();
}

/* The other firm's data directory, removed by teardown. */
static char other_dir[PATH_MAX];

static void teardown(void)
{
    folio_connection_close(root);
    root = NULL;
    harness_server_cleanup(&srv);
    if (other_dir[0] != '\0') {
        char *argv[] = {"/bin/rm", "-rf", other_dir, NULL};
        harness_run(argv, NULL, NULL);
        other_dir[0] = '\0';
    }
}

static void done(void)
{
    folio_connection_close(root);
    root = NULL;
    harness_server_finish(&srv);
}

/* The public half of the key in DIR/firm.key, in hex. */
static void key_in_file(const char *dir, char hex[65])
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s/firm.key", dir);
    uint8_t sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t n = fread(sk, 1, sizeof(sk), f);
    fclose(f);
    cr_assert_eq(n, sizeof(sk), "%s is short", path);
    cr_assert_eq(crypto_sign_ed25519_sk_to_pk(pk, sk), 0);
    sodium_memzero(sk, sizeof(sk));
    sodium_bin2hex(hex, 65, pk, sizeof(pk));
}

/* Another firm, made by foliod init in a directory of its own: its public
 * key in hex and its fingerprint, as its admin's firm-key would print them
 * (the key in firm.key, which serve loads, and its fingerprint). */
static void other_key(char hex[65], char fp[BUNDLE_FINGERPRINT_MAX])
{
    const char *tmp = getenv("TMPDIR");
    snprintf(other_dir, sizeof(other_dir), "%s/folio-other-XXXXXX",
             tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
    cr_assert_not_null(mkdtemp(other_dir), "mkdtemp failed");
    char data[PATH_MAX + 16];
    snprintf(data, sizeof(data), "%s/data", other_dir);
    char *argv[] = {FOLIOD_PATH,        "init",        "--data",  data,
                    "--firm",           "Other Firm",  "--admin", HARNESS_ADMIN,
                    "--password-stdin", "--hash-cost", "min",     NULL};
    char *out = NULL;
    int rc = harness_run(argv, HARNESS_ADMIN_PASSWORD "\n", &out);
    cr_assert_eq(rc, 0, "foliod init exited %d:\n%s", rc, out);
    free(out);
    key_in_file(data, hex);
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    cr_assert_eq(sodium_hex2bin(pk, sizeof(pk), hex, 64, NULL, NULL, NULL), 0);
    bundle_fingerprint(pk, fp);
}

static bool audit_has(const char *action, const char *target)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->audit->n_records && !found; i++) {
        const Folio__AuditRecord *a = r->audit->records[i];
        found = strcmp(a->action, action) == 0 && strcmp(a->target, target) == 0 &&
                strcmp(a->actor, HARNESS_ADMIN) == 0;
    }
    folio_response_free(r);
    return found;
}

/* The firm's public key in hex and its fingerprint, as FirmKey answers. */
static void served_key(char hex[65], char fp[64])
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_firm_key(root, &err), &err);
    snprintf(hex, 65, "%s", r->firm_key->public_key);
    snprintf(fp, 64, "%s", r->firm_key->fingerprint);
    folio_response_free(r);
}

TestSuite(trust, .init = setup, .fini = teardown, .timeout = 120);

Test(trust, firm_key_has_shape_and_is_the_one_in_firm_key)
{
    struct folio_connection *alice = harness_user(&srv, alice_name, PW_ALICE);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_firm_key(alice, &err), &err);
    const Folio__FirmKeyInfo *k = r->firm_key;
    cr_assert_str_eq(k->firm, HARNESS_FIRM);
    cr_assert_eq(strlen(k->public_key), 64);
    cr_assert_eq(strspn(k->public_key, "0123456789abcdef"), 64);
    cr_assert_eq(strlen(k->fingerprint), 39, "%s", k->fingerprint);
    char hex[65], fp[64];
    snprintf(hex, sizeof(hex), "%s", k->public_key);
    snprintf(fp, sizeof(fp), "%s", k->fingerprint);
    folio_response_free(r);
    folio_connection_close(alice);

    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s/firm.key", srv.data);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert_eq(st.st_size, 64);
    /* The key served is the one in the file, and the fingerprint is that
     * key's (what other_key counts on). */
    char in_file[65];
    key_in_file(srv.data, in_file);
    cr_assert_str_eq(hex, in_file);
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    cr_assert_eq(sodium_hex2bin(pk, sizeof(pk), hex, 64, NULL, NULL, NULL), 0);
    char want_fp[BUNDLE_FINGERPRINT_MAX];
    bundle_fingerprint(pk, want_fp);
    cr_assert_str_eq(fp, want_fp);

    char *log = harness_server_log(&srv);
    cr_assert_null(strstr(log, "secret"), "the log mentions the secret key");
    free(log);
    done();
}

/* Its own server: it stops and restarts it, and changes its firm.key. */
Test(trust, the_key_survives_restarts_must_be_0600_and_is_made_when_missing, .init = setup_own)
{
    char first[65], first_fp[64];
    served_key(first, first_fp);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s/firm.key", srv.data);

    /* Refused at start while others may read it... */
    folio_connection_close(root);
    root = NULL;
    cr_assert_eq(harness_server_stop(&srv), 0);
    cr_assert_eq(chmod(path, 0644), 0);
    char *argv[] = {FOLIOD_PATH, "serve", "--data", srv.data, "--listen", "127.0.0.1:0", NULL};
    char *out = NULL;
    cr_assert_eq(harness_run(argv, NULL, &out), 1, "%s", out);
    cr_assert(strstr(out, "must be 0600") != NULL, "%s", out);
    free(out);
    /* ...served again once it is 0600, and the same key across the restart. */
    cr_assert_eq(chmod(path, 0600), 0);
    harness_server_restart(&srv);
    root = harness_admin(&srv);
    char again[65], again_fp[64];
    served_key(again, again_fp);
    cr_assert_str_eq(again, first);
    cr_assert_str_eq(again_fp, first_fp);
    char *log = harness_server_log(&srv);
    cr_assert_null(strstr(log, "secret"), "the log mentions the secret key");
    free(log);

    /* A data directory without a key gets one, a new one. */
    folio_connection_close(root);
    root = NULL;
    cr_assert_eq(harness_server_stop(&srv), 0);
    cr_assert_eq(unlink(path), 0);
    harness_server_restart(&srv);
    root = harness_admin(&srv);
    char made[65], made_fp[64];
    served_key(made, made_fp);
    cr_assert_str_neq(made, first);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    char in_file[65];
    key_in_file(srv.data, in_file);
    cr_assert_str_eq(made, in_file);
    done();
}

/* How many of the trusted firms are named name, and how many have the key
 * whose fingerprint is fp; the first so named, if any, into *found. */
static size_t trusted(const Folio__Response *r, const char *name, const char *fp, size_t *with_fp,
                      const Folio__TrustedFirm **found)
{
    size_t named = 0;
    *with_fp = 0;
    *found = NULL;
    for (size_t i = 0; i < r->trusted_firms->n_firms; i++) {
        const Folio__TrustedFirm *f = r->trusted_firms->firms[i];
        if (strcmp(f->fingerprint, fp) == 0)
            (*with_fp)++;
        if (strcmp(f->name, name) == 0) {
            if (named++ == 0)
                *found = f;
        }
    }
    return named;
}

Test(trust, add_list_remove_with_roles_and_audit)
{
    char hex[65], fp[BUNDLE_FINGERPRINT_MAX];
    other_key(hex, fp);
    /* The trusted firms are firm-wide: this test's are named after it. */
    char other[32], same_key[32], nobody[32];
    snprintf(other, sizeof(other), "Other Firm-%d", (int)getpid());
    snprintf(same_key, sizeof(same_key), "Same Key-%d", (int)getpid());
    snprintf(nobody, sizeof(nobody), "Nobody-%d", (int)getpid());
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    struct folio_connection *alice = harness_user(&srv, alice_name, PW_ALICE);
    struct folio_error err = {0};

    harness_refused(folio_trust_add(olga, other, hex, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_trust_add(alice, other, hex, &err), &err, FOLIO__CODE__PERMISSION_DENIED);

    Folio__Response *r = harness_ok(folio_trust_add(root, other, hex, &err), &err);
    cr_assert_str_eq(r->trusted_firm->name, other);
    cr_assert_str_eq(r->trusted_firm->fingerprint, fp);
    cr_assert_str_eq(r->trusted_firm->added_by, HARNESS_ADMIN);
    folio_response_free(r);

    harness_refused(folio_trust_add(root, other, hex, &err), &err, FOLIO__CODE__ALREADY_EXISTS);
    harness_refused(folio_trust_add(root, same_key, hex, &err), &err, FOLIO__CODE__ALREADY_EXISTS);

    /* Admins list; agents do not. The other firm is there once, under its
     * name, and the refused Same Key is not. */
    r = harness_ok(folio_trust_list(olga, &err), &err);
    size_t with_fp;
    const Folio__TrustedFirm *f;
    cr_assert_eq(trusted(r, other, fp, &with_fp, &f), 1);
    cr_assert_eq(with_fp, 1);
    cr_assert_str_eq(f->fingerprint, fp);
    cr_assert_eq(f->public_key.len, 32);
    cr_assert_eq(trusted(r, same_key, fp, &with_fp, &f), 0);
    folio_response_free(r);
    harness_refused(folio_trust_list(alice, &err), &err, FOLIO__CODE__PERMISSION_DENIED);

    harness_refused(folio_trust_remove(olga, other, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_trust_remove(root, nobody, &err), &err, FOLIO__CODE__NOT_FOUND);
    r = harness_ok(folio_trust_remove(root, other, &err), &err);
    cr_assert_str_eq(r->trusted_firm->name, other);
    folio_response_free(r);
    r = harness_ok(folio_trust_list(root, &err), &err);
    cr_assert_eq(trusted(r, other, fp, &with_fp, &f), 0);
    cr_assert_eq(with_fp, 0);
    folio_response_free(r);
    harness_refused(folio_trust_remove(root, other, &err), &err, FOLIO__CODE__NOT_FOUND);

    cr_assert(audit_has("trust.add", other));
    cr_assert(audit_has("trust.remove", other));
    folio_connection_close(olga);
    folio_connection_close(alice);
    done();
}

Test(trust, bad_names_and_keys_are_refused)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_firm_key(root, &err), &err);
    char own[65];
    snprintf(own, sizeof(own), "%s", r->firm_key->public_key);
    folio_response_free(r);
    harness_refused(folio_trust_add(root, "Me", own, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "own key") != NULL, "%s", err.message);

    char valid[65];
    uint8_t pk[32], sk[64];
    crypto_sign_keypair(pk, sk);
    sodium_bin2hex(valid, sizeof(valid), pk, sizeof(pk));
    harness_refused(folio_trust_add(root, "", valid, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_trust_add(root, "Bad\x01Name", valid, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    char long_name[202];
    memset(long_name, 'x', 201);
    long_name[201] = '\0';
    harness_refused(folio_trust_add(root, long_name, valid, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_trust_add(root, "Short", "abcd", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    char not_hex[65];
    memcpy(not_hex, valid, 65);
    not_hex[10] = 'g';
    harness_refused(folio_trust_add(root, "NotHex", not_hex, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    /* y = 2 is not on the curve. */
    char off_curve[65] = "0200000000000000000000000000000000000000000000000000000000000000";
    harness_refused(folio_trust_add(root, "OffCurve", off_curve, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    r = harness_ok(folio_trust_add(root, "Upper", valid, &err), &err);
    folio_response_free(r);
    done();
}
