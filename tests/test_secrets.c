/* test_secrets.c - passwords, session tokens and the firm's signing key are
 * found nowhere they should not be: not in the data file, the log, the
 * audit or an exported bundle; and the files that hold anything
 * secret are readable by their owner alone. */
#define _GNU_SOURCE /* memmem */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
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

/* Every text of every audit record, one after the other. */
static char *audit_text(struct folio_client *admin)
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
    struct folio_client *admin = harness_connect(&srv);
    harness_refused(folio_login(admin, HARNESS_ADMIN, "wrong-secret-71", &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    char admin_token[65];
    harness_login_token(admin, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD, admin_token);
    harness_add_office(admin, "North");
    harness_add_user(admin, "alice", FOLIO__ROLE__ROLE_AGENT, "North", "alice-secret-72");
    folio_response_free(
        harness_ok(folio_user_passwd(admin, "alice", "alice-secret-73", &err), &err));
    struct folio_client *alice = harness_connect(&srv);
    char alice_token[65];
    harness_login_token(alice, "alice", "alice-secret-73", alice_token);
    folio_response_free(
        harness_ok(folio_password_change(alice, "alice-secret-73", "alice-secret-74", &err), &err));
    folio_client_close(alice);
    alice = harness_connect(&srv);
    harness_login_token(alice, "alice", "alice-secret-74", alice_token);
    char *audit = audit_text(admin);
    folio_client_close(alice);
    folio_client_close(admin);

    /* A bundle of alice's portfolio, signed with the firm key. */
    char bundle[PATH_MAX + 32], config[PATH_MAX + 32];
    snprintf(bundle, sizeof(bundle), "%s/alice.bundle", srv.root);
    snprintf(config, sizeof(config), "FOLIO_CONFIG=%s/cfg", srv.root);
    char server[128];
    snprintf(server, sizeof(server), "FOLIO_SERVER=%s", srv.addr);
    const char *folio = FOLIO_PATH;
    char *login[] = {(char *)"/usr/bin/env",
                     config,
                     server,
                     (char *)folio,
                     (char *)"login",
                     (char *)HARNESS_ADMIN,
                     (char *)"--password-stdin",
                     NULL};
    cr_assert_eq(harness_run(login, HARNESS_ADMIN_PASSWORD "\n", NULL), 0);
    char *export[] = {
        (char *)"/usr/bin/env", config,          server,          (char *)folio, (char *)"export",
        (char *)"--agent",      (char *)"alice", (char *)"--out", bundle,        NULL};
    char *out = NULL;
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

    assert_mode(srv.data, 0700);
    snprintf(path, sizeof(path), "%s/data.mdb", srv.data);
    assert_mode(path, 0600);
    snprintf(path, sizeof(path), "%s/lock.mdb", srv.data);
    assert_mode(path, 0600);
    snprintf(path, sizeof(path), "%s/firm.key", srv.data);
    assert_mode(path, 0600);

    free(data);
    free(log);
    free(exported);
    sodium_memzero(key, key_len);
    free(key);
    free(audit);
    harness_server_finish(&srv);
}
