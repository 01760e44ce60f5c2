/* test_trust.c - the firm key and the trusted firms, against real foliods:
 * two firms, each with its own data directory and key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "folioclient_firm.h"
#include "harness.h"

#define PW_OLGA  "olga-password"
#define PW_ALICE "alice-password"

static struct harness_server srv, other;
static struct folio_connection *root;

static void setup(void)
{
    harness_server_start(&srv, NULL);
    root = harness_admin(&srv);
    harness_add_office(root, "North");
    harness_add_user(root, "olga", FOLIO__ROLE__ROLE_OFFICE_ADMIN, "North", PW_OLGA);
    harness_add_user(root, "alice", FOLIO__ROLE__ROLE_AGENT, "North", PW_ALICE);
}

static void teardown(void)
{
    folio_connection_close(root);
    root = NULL;
    harness_server_cleanup(&other);
    harness_server_cleanup(&srv);
}

static void done(void)
{
    folio_connection_close(root);
    root = NULL;
    if (other.pid != 0)
        harness_server_finish(&other);
    harness_server_finish(&srv);
}

/* The other firm's public key in hex, as its admin firm-key prints it. */
static void other_key(char hex[65], char fp[64])
{
    harness_server_start(&other, NULL);
    struct folio_connection *c = harness_admin(&other);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_firm_key(c, &err), &err);
    snprintf(hex, 65, "%s", r->firm_key->public_key);
    snprintf(fp, 64, "%s", r->firm_key->fingerprint);
    folio_response_free(r);
    folio_connection_close(c);
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

TestSuite(trust, .init = setup, .fini = teardown, .timeout = 120);

Test(trust, firm_key_has_shape_and_is_stable_across_restart)
{
    struct folio_connection *alice = harness_user(&srv, "alice", PW_ALICE);
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

    folio_connection_close(root);
    harness_server_restart(&srv);
    root = harness_admin(&srv);
    r = harness_ok(folio_firm_key(root, &err), &err);
    cr_assert_str_eq(r->firm_key->public_key, hex);
    cr_assert_str_eq(r->firm_key->fingerprint, fp);
    folio_response_free(r);
    char *log = harness_server_log(&srv);
    cr_assert_null(strstr(log, "secret"), "the log mentions the secret key");
    free(log);
    done();
}

Test(trust, a_key_readable_by_others_is_refused_at_start)
{
    folio_connection_close(root);
    root = NULL;
    cr_assert_eq(harness_server_stop(&srv), 0);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s/firm.key", srv.data);
    cr_assert_eq(chmod(path, 0644), 0);
    char *argv[] = {FOLIOD_PATH, "serve", "--data", srv.data, "--listen", "127.0.0.1:0", NULL};
    char *out = NULL;
    cr_assert_eq(harness_run(argv, NULL, &out), 1, "%s", out);
    cr_assert(strstr(out, "must be 0600") != NULL, "%s", out);
    free(out);
    cr_assert_eq(chmod(path, 0600), 0);
    harness_server_restart(&srv);
    root = harness_admin(&srv);
    done();
}

Test(trust, a_data_directory_without_a_key_gets_one)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_firm_key(root, &err), &err);
    char before[65];
    snprintf(before, sizeof(before), "%s", r->firm_key->public_key);
    folio_response_free(r);
    folio_connection_close(root);
    cr_assert_eq(harness_server_stop(&srv), 0);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s/firm.key", srv.data);
    cr_assert_eq(unlink(path), 0);
    harness_server_restart(&srv);
    root = harness_admin(&srv);
    r = harness_ok(folio_firm_key(root, &err), &err);
    cr_assert_str_neq(r->firm_key->public_key, before);
    folio_response_free(r);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    done();
}

Test(trust, add_list_remove_with_roles_and_audit)
{
    char hex[65], fp[64];
    other_key(hex, fp);
    struct folio_connection *olga = harness_user(&srv, "olga", PW_OLGA);
    struct folio_connection *alice = harness_user(&srv, "alice", PW_ALICE);
    struct folio_error err = {0};

    harness_refused(folio_trust_add(olga, "Other Firm", hex, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_trust_add(alice, "Other Firm", hex, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);

    Folio__Response *r = harness_ok(folio_trust_add(root, "Other Firm", hex, &err), &err);
    cr_assert_str_eq(r->trusted_firm->name, "Other Firm");
    cr_assert_str_eq(r->trusted_firm->fingerprint, fp);
    cr_assert_str_eq(r->trusted_firm->added_by, HARNESS_ADMIN);
    folio_response_free(r);

    harness_refused(folio_trust_add(root, "Other Firm", hex, &err), &err,
                    FOLIO__CODE__ALREADY_EXISTS);
    harness_refused(folio_trust_add(root, "Same Key", hex, &err), &err,
                    FOLIO__CODE__ALREADY_EXISTS);

    /* Admins list; agents do not. */
    r = harness_ok(folio_trust_list(olga, &err), &err);
    cr_assert_eq(r->trusted_firms->n_firms, 1);
    cr_assert_str_eq(r->trusted_firms->firms[0]->name, "Other Firm");
    cr_assert_str_eq(r->trusted_firms->firms[0]->fingerprint, fp);
    cr_assert_eq(r->trusted_firms->firms[0]->public_key.len, 32);
    folio_response_free(r);
    harness_refused(folio_trust_list(alice, &err), &err, FOLIO__CODE__PERMISSION_DENIED);

    harness_refused(folio_trust_remove(olga, "Other Firm", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_trust_remove(root, "Nobody", &err), &err, FOLIO__CODE__NOT_FOUND);
    r = harness_ok(folio_trust_remove(root, "Other Firm", &err), &err);
    cr_assert_str_eq(r->trusted_firm->name, "Other Firm");
    folio_response_free(r);
    r = harness_ok(folio_trust_list(root, &err), &err);
    cr_assert_eq(r->trusted_firms->n_firms, 0);
    folio_response_free(r);
    harness_refused(folio_trust_remove(root, "Other Firm", &err), &err, FOLIO__CODE__NOT_FOUND);

    cr_assert(audit_has("trust.add", "Other Firm"));
    cr_assert(audit_has("trust.remove", "Other Firm"));
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
