/* test_secrets.c - passwords, session tokens, the firm's signing key and its
 * TLS key are found nowhere they should not be: not in the data file, the
 * log, the audit or an exported bundle; and the files that hold anything
 * secret are readable by their owner alone. */
#define _GNU_SOURCE /* memmem */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "harness.h"

static struct harness_server srv;

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(secrets, .fini = teardown);

/* The whole file; *len its size. */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    cr_assert_not_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static bool holds(const uint8_t *hay, size_t hay_len, const void *needle, size_t needle_len)
{
    return memmem(hay, hay_len, needle, needle_len) != NULL;
}

static void assert_mode(const char *path, mode_t want)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "no %s", path);
    cr_assert_eq(st.st_mode & 0777, want, "%s has mode %03o, not %03o", path, st.st_mode & 0777,
                 want);
}

/* The private scalar of the EC key in PEM file path (32 bytes for P-256). */
static size_t tls_key_secret(const char *path, uint8_t out[66])
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    EVP_PKEY *pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    cr_assert_not_null(pkey, "%s holds no private key", path);
    BIGNUM *priv = NULL;
    cr_assert_eq(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &priv), 1,
                 "%s is not an EC key", path);
    int len = BN_num_bytes(priv);
    cr_assert(len > 16 && len <= 66, "a private key of %d bytes", len);
    cr_assert_eq(BN_bn2bin(priv, out), len);
    BN_clear_free(priv);
    EVP_PKEY_free(pkey);
    return (size_t)len;
}

/* Every text of every audit record, one after the other. */
static char *audit_text(struct folio_connection *admin)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(admin, "", 0, 0, 1000, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_AUDIT);
    size_t cap = 1, n = 0;
    char *text = calloc(1, 1);
    for (size_t i = 0; i < r->audit->n_records; i++) {
        const Folio__AuditRecord *a = r->audit->records[i];
        const char *parts[] = {a->actor, a->action, a->target, a->detail};
        for (size_t j = 0; j < 4; j++) {
            size_t len = strlen(parts[j]);
            text = realloc(text, cap + len + 1);
            cr_assert_not_null(text);
            memcpy(text + n, parts[j], len);
            n += len;
            text[n++] = '\n';
            text[n] = '\0';
            cap += len + 1;
        }
    }
    cr_assert_gt(r->audit->n_records, 5, "the audit is too short to mean anything");
    folio_response_free(r);
    return text;
}

Test(secrets, no_password_token_or_firm_key_where_it_should_not_be)
{
    harness_server_start(&srv, NULL);
    struct folio_error err = {0};
    struct folio_connection *admin = harness_connect(&srv);
    harness_refused(folio_login(admin, HARNESS_ADMIN, "wrong-secret-71", &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    char admin_token[65];
    harness_login_token(admin, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD, admin_token);
    harness_add_office(admin, "North");
    harness_add_user(admin, "alice", FOLIO__ROLE__ROLE_AGENT, "North", "alice-secret-72");
    folio_response_free(
        harness_ok(folio_user_passwd(admin, "alice", "alice-secret-73", &err), &err));
    struct folio_connection *alice = harness_connect(&srv);
    char alice_token[65];
    harness_login_token(alice, "alice", "alice-secret-73", alice_token);
    folio_response_free(
        harness_ok(folio_password_change(alice, "alice-secret-73", "alice-secret-74", &err), &err));
    folio_connection_close(alice);
    alice = harness_connect(&srv);
    harness_login_token(alice, "alice", "alice-secret-74", alice_token);
    char *audit = audit_text(admin);
    folio_connection_close(alice);
    folio_connection_close(admin);

    /* A bundle of alice's portfolio, signed with the firm key. */
    char bundle[PATH_MAX + 32], config[PATH_MAX + 32];
    snprintf(bundle, sizeof(bundle), "%s/alice.bundle", srv.root);
    snprintf(config, sizeof(config), "FOLIO_CONFIG=%s/cfg", srv.root);
    char server[128], ca[PATH_MAX + 32];
    snprintf(server, sizeof(server), "FOLIO_SERVER=%s", srv.addr);
    snprintf(ca, sizeof(ca), "FOLIO_CA=%s", srv.cert_file);
    const char *folio = FOLIO_PATH;
    char *login[] = {(char *)"/usr/bin/env",
                     config,
                     server,
                     ca,
                     (char *)folio,
                     (char *)"login",
                     (char *)HARNESS_ADMIN,
                     (char *)"--password-stdin",
                     NULL};
    char *out = NULL;
    cr_assert_eq(harness_run(login, HARNESS_ADMIN_PASSWORD "\n", &out), 0, "folio login: %s", out);
    free(out);
    char *export[] = {(char *)"/usr/bin/env",
                      config,
                      server,
                      ca,
                      (char *)folio,
                      (char *)"export",
                      (char *)"--agent",
                      (char *)"alice",
                      (char *)"--reason",
                      (char *)"secrets test",
                      (char *)"--out",
                      bundle,
                      NULL};
    cr_assert_eq(harness_run(export, NULL, &out), 0, "folio export: %s", out);
    free(out);
    cr_assert_eq(harness_server_stop(&srv), 0);

    char path[PATH_MAX + 32];
    size_t data_len, log_len, bundle_len, key_len;
    snprintf(path, sizeof(path), "%s/data.mdb", srv.data);
    uint8_t *data = slurp(path, &data_len);
    uint8_t *log = slurp(srv.log_file, &log_len);
    uint8_t *exported = slurp(bundle, &bundle_len);
    snprintf(path, sizeof(path), "%s/firm.key", srv.data);
    uint8_t *key = slurp(path, &key_len);
    cr_assert_eq(key_len, crypto_sign_SECRETKEYBYTES);

    const char *texts[] = {
        HARNESS_ADMIN_PASSWORD, "wrong-secret-71", "alice-secret-72", "alice-secret-73",
        "alice-secret-74",      admin_token,       alice_token};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        size_t len = strlen(texts[i]);
        cr_assert(!holds(data, data_len, texts[i], len), "data.mdb holds \"%s\"", texts[i]);
        cr_assert(!holds(log, log_len, texts[i], len), "the log holds \"%s\"", texts[i]);
        cr_assert(!holds(exported, bundle_len, texts[i], len), "the bundle holds \"%s\"", texts[i]);
        cr_assert_null(strstr(audit, texts[i]), "the audit holds \"%s\"", texts[i]);
    }
    /* The tokens as raw bytes, too: only their hashes may be stored. */
    const char *tokens[] = {admin_token, alice_token};
    for (size_t i = 0; i < 2; i++) {
        uint8_t raw[32];
        size_t got = 0;
        cr_assert_eq(sodium_hex2bin(raw, sizeof(raw), tokens[i], 64, NULL, &got, NULL), 0);
        cr_assert_eq(got, sizeof(raw));
        cr_assert(!holds(data, data_len, raw, sizeof(raw)), "data.mdb holds a raw session token");
    }
    /* Ed25519 secret keys are the 32-byte seed and then the public key: the
     * seed is the secret, and it stays in firm.key. */
    cr_assert(!holds(data, data_len, key, 32), "data.mdb holds the firm's secret key");
    cr_assert(!holds(log, log_len, key, 32), "the log holds the firm's secret key");
    cr_assert(!holds(exported, bundle_len, key, 32), "the bundle holds the firm's secret key");
    cr_assert(holds(exported, bundle_len, key + 32, 32), "the bundle lacks the public key");
    /* The TLS key: neither its scalar nor its PEM text goes anywhere. */
    snprintf(path, sizeof(path), "%s/tls-key.pem", srv.data);
    uint8_t tls_secret[66];
    size_t tls_secret_len = tls_key_secret(path, tls_secret);
    size_t pem_len;
    uint8_t *pem = slurp(path, &pem_len);
    /* 40 characters of base64 from the first line after the PEM header. */
    const uint8_t *body = memmem(pem, pem_len, "-----\n", 6);
    cr_assert(body != NULL && body + 6 + 40 <= pem + pem_len, "%s is not PEM", path);
    body += 6;
    cr_assert(!holds(data, data_len, tls_secret, tls_secret_len), "data.mdb holds the TLS key");
    cr_assert(!holds(log, log_len, tls_secret, tls_secret_len), "the log holds the TLS key");
    cr_assert(!holds(log, log_len, body, 40), "the log holds the TLS key's PEM");
    cr_assert(!holds(exported, bundle_len, tls_secret, tls_secret_len),
              "the bundle holds the TLS key");
    cr_assert(!holds(data, data_len, body, 40), "data.mdb holds the TLS key's PEM");

    assert_mode(srv.data, 0700);
    snprintf(path, sizeof(path), "%s/data.mdb", srv.data);
    assert_mode(path, 0600);
    snprintf(path, sizeof(path), "%s/lock.mdb", srv.data);
    assert_mode(path, 0600);
    snprintf(path, sizeof(path), "%s/firm.key", srv.data);
    assert_mode(path, 0600);
    snprintf(path, sizeof(path), "%s/tls-key.pem", srv.data);
    assert_mode(path, 0600);

    free(data);
    free(log);
    free(exported);
    sodium_memzero(key, key_len);
    free(key);
    sodium_memzero(tls_secret, sizeof(tls_secret));
    sodium_memzero(pem, pem_len);
    free(pem);
    free(audit);
    harness_server_finish(&srv);
}
