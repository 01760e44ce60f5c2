/* test_tls.c - foliod over TLS: the firm's certificate, how a client comes to
 * trust a server (a CA file, a pinned fingerprint) and what it refuses
 * (another certificate, a changed one, an expired one), peers speaking the
 * other protocol, mutual TLS, and peers that stall, garble or crowd the
 * handshake.
 *
 * Certificates are made with tls_cert_make in the server's temporary
 * directory; a server is then restarted with flags naming them. The only
 * clock these tests lean on: a certificate valid from an hour ago for ten
 * years is valid now, and one that ended in 2001 has expired. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "envelope.h"
#include "frame.h"
#include "harness.h"
#include "status.h"
#include "tls_cert.h"

#define YEAR_2000 INT64_C(946684800) /* 2000-01-01T00:00:00Z */
#define YEAR_2001 INT64_C(978307200) /* 2001-01-01T00:00:00Z */

static struct harness_server srv;
/* Where this test's part of the log begins: a shared server's log holds
 * the tests before it too. */
static size_t log_from;
/* Where this test's certificates go: on a shared server, a directory of the
 * test's own in the server's; else the server's. */
static char cert_dir[PATH_MAX];

/* The tests that trust, refuse and mangle connections to the firm's own
 * certificate share one server; those that serve other certificates or
 * flags, or stop the server, start their own. */
ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "tls") == 0)
        harness_shared_start("tls", NULL, NULL);
}

/* After every test has ended: Criterion reports POST_SUITE once it has
 * started the suite's last test, which may still run (--jobs above 1). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("tls");
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(tls, .fini = teardown);

static void attach_shared(void)
{
    harness_shared_attach(&srv, "tls");
    int n = snprintf(cert_dir, sizeof(cert_dir), "%s/test-XXXXXX", srv.root);
    cr_assert(n > 0 && (size_t)n < sizeof(cert_dir), "the test directory's path is too long");
    cr_assert_not_null(mkdtemp(cert_dir), "mkdtemp: %s", strerror(errno));
    char *log = harness_server_log(&srv);
    log_from = strlen(log);
    free(log);
}

/* ---------------------------------------------------------------- helpers */

/* A certificate and its key in the server's directory: NAME-cert.pem and
 * NAME-key.pem. The paths live as long as the test, for serve flags. */
struct test_cert {
    char cert[PATH_MAX];
    char key[PATH_MAX];
    char fingerprint[TLS_FINGERPRINT_SIZE];
};

static void cert_paths(struct test_cert *c, const char *name)
{
    const char *dir = cert_dir[0] != '\0' ? cert_dir : srv.root;
    int n = snprintf(c->cert, sizeof(c->cert), "%s/%s-cert.pem", dir, name);
    int m = snprintf(c->key, sizeof(c->key), "%s/%s-key.pem", dir, name);
    cr_assert(n > 0 && (size_t)n < sizeof(c->cert) && m > 0 && (size_t)m < sizeof(c->key),
              "the test directory's path is too long");
}

/* Makes NAME's certificate, naming this machine's loopback addresses, valid
 * from not_before to not_after; a CA when is_ca; signed by issuer (NULL:
 * self-signed). */
static void make_cert(struct test_cert *c, const char *name, int64_t not_before, int64_t not_after,
                      bool is_ca, const struct test_cert *issuer)
{
    cert_paths(c, name);
    struct tls_cert_spec spec = {
        .common_name = name,
        .not_before = not_before,
        .not_after = not_after,
        .dns_names = {"localhost"},
        .ip_addresses = {"127.0.0.1", "::1"},
        .is_ca = is_ca,
        .issuer_cert_file = issuer != NULL ? issuer->cert : NULL,
        .issuer_key_file = issuer != NULL ? issuer->key : NULL,
    };
    char why[512] = "";
    cr_assert_eq(tls_cert_make(&spec, c->cert, c->key, c->fingerprint, why, sizeof(why)), 0,
                 "tls_cert_make %s: %s", name, why);
}

/* Valid from an hour ago for ten years. */
static void make_valid_cert(struct test_cert *c, const char *name, bool is_ca,
                            const struct test_cert *issuer)
{
    int64_t now = (int64_t)time(NULL);
    make_cert(c, name, now - 3600, now + INT64_C(3650) * 86400, is_ca, issuer);
}

/* The fingerprint of the certificate in a PEM file. */
static void file_fingerprint(const char *path, char out[TLS_FINGERPRINT_SIZE])
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    X509 *cert = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    cr_assert_not_null(cert, "%s holds no certificate", path);
    cr_assert_eq(tls_fingerprint_of(cert, out), 0);
    X509_free(cert);
}

/* Restarts srv serving with flags (which must outlive the test). */
static void serve_with(const char *const *flags)
{
    srv.flags = flags;
    harness_server_restart(&srv);
}

static bool log_says(const char *words)
{
    char *log = harness_server_log(&srv);
    bool found = strlen(log) >= log_from && strstr(log + log_from, words) != NULL;
    free(log);
    return found;
}

/* A connection trusting as tls says connects to the certificate srv serves,
 * logs in and is answered. */
static void logs_in_with(const struct folio_tls *tls)
{
    struct folio_error err = {0};
    struct folio_connection *c = harness_connect_with(&srv, tls, &err);
    cr_assert_not_null(c, "connect failed: %s: %s", status_name(err.code), err.message);
    if (!srv.plaintext) {
        char served[TLS_FINGERPRINT_SIZE];
        file_fingerprint(srv.cert_file, served);
        cr_assert_str_eq(folio_connection_fingerprint(c), served,
                         "the client saw another certificate than the one served");
    }
    harness_login(c, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    folio_response_free(harness_ok(folio_whoami(c, &err), &err));
    folio_connection_close(c);
}

/* A connection trusting as tls is not made; err says why. */
static void connect_fails(const struct folio_tls *tls, struct folio_error *err)
{
    *err = (struct folio_error){0};
    struct folio_connection *c = harness_connect_with(&srv, tls, err);
    if (c != NULL) {
        folio_connection_close(c);
        cr_assert_fail("connected to %s; expected a refusal", srv.addr);
    }
    cr_log_info("refused: %s%s: %s", err->transport ? "transport " : "", status_name(err->code),
                err->message);
}

/* As connect_fails, for the connection's sake (not a refusal by the
 * server), and err->message holds words. */
static void refused_with(const struct folio_tls *tls, const char *words, struct folio_error *err)
{
    connect_fails(tls, err);
    cr_assert(err->transport, "not a transport error: %s: %s", status_name(err->code),
              err->message);
    cr_assert(strstr(err->message, words) != NULL, "\"%s\" does not say \"%s\"", err->message,
              words);
}

/* How long a timeout of one second may take to act: foliod's sweep runs
 * every second; valgrind slows everything. */
static int sweep_bound_ms(void)
{
    return harness_valgrind() ? 20000 : 5000;
}

/* The bytes a TLS client sends first: a real ClientHello. */
static size_t client_hello(uint8_t *out, size_t cap)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    cr_assert_not_null(ctx);
    SSL *ssl = SSL_new(ctx);
    BIO *in = BIO_new(BIO_s_mem());
    BIO *flight = BIO_new(BIO_s_mem());
    cr_assert(ssl != NULL && in != NULL && flight != NULL);
    SSL_set_bio(ssl, in, flight);
    SSL_set_connect_state(ssl);
    cr_assert_eq(SSL_do_handshake(ssl), -1, "a handshake finished without a server");
    size_t n = 0;
    cr_assert_eq(BIO_read_ex(flight, out, cap, &n), 1);
    cr_assert(n > 5 && out[0] == 0x16 && out[1] == 0x03, "not a TLS handshake record");
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return n;
}

/* ---------------------------------------------------------------- the firm's certificate */

Test(tls, init_makes_the_firm_certificate_and_serve_names_its_fingerprint)
{
    attach_shared();
    log_from = 0; /* serve names it when it starts */
    char path[PATH_MAX + 32];
    const char *files[] = {TLS_CERT_FILE, TLS_KEY_FILE};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%s", srv.data, files[i]);
        struct stat st;
        cr_assert_eq(stat(path, &st), 0, "foliod init made no %s", path);
        cr_assert_eq(st.st_mode & 0777, 0600, "%s has mode %03o, not 600", path,
                     (unsigned)(st.st_mode & 0777));
    }
    char fingerprint[TLS_FINGERPRINT_SIZE];
    file_fingerprint(srv.cert_file, fingerprint);
    cr_assert_str_eq(srv.init_fingerprint, fingerprint,
                     "foliod init printed a fingerprint that is not its certificate's");
    char said[PATH_MAX + 200];
    snprintf(said, sizeof(said), "TLS certificate %s, SHA-256 fingerprint %s", srv.cert_file,
             fingerprint);
    cr_assert(log_says(said), "the log does not say \"%s\"", said);
    harness_server_finish(&srv);
}

Test(tls, the_firm_certificate_as_ca_file_is_trusted)
{
    attach_shared();
    struct folio_tls tls = {.ca_file = srv.cert_file};
    logs_in_with(&tls);
    harness_server_finish(&srv);
}

Test(tls, another_certificate_as_ca_file_is_refused)
{
    attach_shared();
    struct test_cert other;
    make_valid_cert(&other, "other", false, NULL);
    struct folio_tls tls = {.ca_file = other.cert};
    struct folio_error err;
    refused_with(&tls, "cannot verify", &err);
    cr_assert_str_eq(err.presented, srv.init_fingerprint,
                     "the refusal does not hold the certificate presented (\"%s\"): %s",
                     err.presented, err.message);
    harness_assert_serves(&srv);
    harness_server_finish(&srv);
}

/* ---------------------------------------------------------------- pinning */

Test(tls, the_pinned_fingerprint_connects)
{
    attach_shared();
    struct folio_tls tls = {.fingerprint = srv.init_fingerprint};
    logs_in_with(&tls);
    harness_server_finish(&srv);
}

Test(tls, a_different_pinned_fingerprint_is_refused_naming_both)
{
    attach_shared();
    struct test_cert other;
    make_valid_cert(&other, "other", false, NULL);
    struct folio_tls tls = {.fingerprint = other.fingerprint};
    struct folio_error err;
    refused_with(&tls, "has changed", &err);
    cr_assert(strstr(err.message, other.fingerprint) != NULL, "the pinned one is not named: %s",
              err.message);
    cr_assert(strstr(err.message, srv.init_fingerprint) != NULL,
              "the presented one is not named: %s", err.message);
    cr_assert_str_eq(err.presented, srv.init_fingerprint);
    harness_server_finish(&srv);
}

Test(tls, a_new_certificate_breaks_the_old_pin)
{
    harness_server_start(&srv, NULL);
    char old_pin[TLS_FINGERPRINT_SIZE];
    memcpy(old_pin, srv.init_fingerprint, sizeof(old_pin));
    struct folio_tls pinned = {.fingerprint = old_pin};
    logs_in_with(&pinned);

    static struct test_cert renewed;
    make_valid_cert(&renewed, "renewed", false, NULL);
    static const char *flags[] = {"--tls-cert", renewed.cert, "--tls-key", renewed.key, NULL};
    serve_with(flags);
    cr_assert_str_eq(srv.cert_file, renewed.cert, "the harness does not follow --tls-cert");
    struct folio_error err;
    refused_with(&pinned, "has changed", &err);
    cr_assert(strstr(err.message, renewed.fingerprint) != NULL, "%s", err.message);
    /* Whoever trusts the new certificate gets in. */
    struct folio_tls renewed_pin = {.fingerprint = renewed.fingerprint};
    logs_in_with(&renewed_pin);
    harness_assert_serves(&srv);
    harness_server_finish(&srv);
}

/* ---------------------------------------------------------------- SIGHUP */

/* Copies file from to to through a temporary name, as a renewal tool puts a
 * certificate in place, readable by its owner only. */
static void put_in_place(const char *from, const char *to)
{
    char tmp[PATH_MAX + 8];
    snprintf(tmp, sizeof(tmp), "%s.new", to);
    FILE *in = fopen(from, "rb"), *out = fopen(tmp, "wb");
    cr_assert(in != NULL && out != NULL, "cannot copy %s", from);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        cr_assert_eq(fwrite(buf, 1, n, out), n);
    fclose(in);
    cr_assert_eq(fclose(out), 0);
    cr_assert_eq(chmod(tmp, 0600), 0); /* foliod refuses a key others may read */
    cr_assert_eq(rename(tmp, to), 0, "rename %s: %s", to, strerror(errno));
}

/* Waits (bounded) until the log says words after what it said before. */
static void log_waits_for(const char *words)
{
    int64_t deadline = harness_now_ms() + sweep_bound_ms();
    while (!log_says(words) && harness_now_ms() < deadline)
        harness_sleep_ms(20);
    cr_assert(log_says(words), "the log never said \"%s\"", words);
}

Test(tls, sighup_serves_a_renewed_certificate_and_keeps_open_connections)
{
    harness_server_start(&srv, NULL);
    static struct test_cert first, renewed, served;
    make_valid_cert(&first, "first", false, NULL);
    make_valid_cert(&renewed, "renewed", false, NULL);
    cert_paths(&served, "served");
    put_in_place(first.cert, served.cert);
    put_in_place(first.key, served.key);
    static const char *flags[5];
    flags[0] = "--tls-cert", flags[1] = served.cert, flags[2] = "--tls-key", flags[3] = served.key;
    serve_with(flags);

    /* A connection made before the renewal, logged in. */
    struct folio_tls first_pin = {.fingerprint = first.fingerprint};
    struct folio_error err = {0};
    struct folio_connection *before = harness_connect_with(&srv, &first_pin, &err);
    cr_assert_not_null(before, "%s", err.message);
    harness_login(before, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);

    /* A pair that does not load is refused and the old one kept. */
    put_in_place(first.cert, served.cert);
    put_in_place(renewed.key, served.key);
    harness_server_signal(&srv, SIGHUP);
    log_waits_for("the certificate was not reloaded");
    logs_in_with(&first_pin);

    put_in_place(renewed.cert, served.cert);
    put_in_place(renewed.key, served.key);
    harness_server_signal(&srv, SIGHUP);
    log_waits_for("reloaded the TLS certificate");
    struct folio_tls renewed_pin = {.fingerprint = renewed.fingerprint};
    logs_in_with(&renewed_pin);
    refused_with(&first_pin, "has changed", &err);
    /* The connection from before goes on with its session. */
    folio_response_free(harness_ok(folio_whoami(before, &err), &err));
    folio_connection_close(before);
    harness_assert_serves(&srv);
    harness_server_finish(&srv);
}

/* ---------------------------------------------------------------- an expired certificate */

Test(tls, an_expired_certificate_is_refused_every_way_and_the_log_warns)
{
    harness_server_start(&srv, NULL);
    static struct test_cert expired;
    make_cert(&expired, "expired", YEAR_2000, YEAR_2001, false, NULL);
    static const char *flags[] = {"--tls-cert", expired.cert, "--tls-key", expired.key, NULL};
    serve_with(flags);
    cr_assert(log_says("expired on 2001-01-01"), "the log does not warn that the certificate "
                                                 "expired");

    struct folio_error err;
    struct folio_tls by_ca = {.ca_file = expired.cert};
    refused_with(&by_ca, "expired", &err);
    /* Pinning that very certificate does not make it current. */
    struct folio_tls by_pin = {.fingerprint = expired.fingerprint};
    refused_with(&by_pin, "expired", &err);
    cr_assert_str_eq(err.presented, expired.fingerprint);
    struct folio_tls unknown = {.accept_unknown = true};
    refused_with(&unknown, "expired", &err);
    harness_server_finish(&srv);
}

/* ---------------------------------------------------------------- the other protocol */

Test(tls, cleartext_on_the_tls_port_is_told_the_server_speaks_tls)
{
    attach_shared();
    struct harness_raw *raw = harness_raw_connect_plain(&srv);
    Folio__Hello hello = FOLIO__HELLO__INIT;
    hello.protocol_version = FOLIO_PROTOCOL_VERSION;
    hello.client_name = "cleartext";
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 1;
    envelope_set(&req, &hello.base);
    harness_raw_send(raw, &req);
    /* In cleartext, so that such a client can show why. */
    harness_raw_refused_and_closed(raw, FOLIO__CODE__FAILED_PRECONDITION, "speaks TLS");
    harness_raw_close(raw);
    harness_assert_serves(&srv);
    harness_server_finish(&srv);
}

Test(tls, a_plaintext_client_on_the_tls_port_reports_why)
{
    attach_shared();
    struct folio_tls tls = {.plaintext = true};
    struct folio_error err;
    connect_fails(&tls, &err);
    cr_assert_eq(err.code, FOLIO__CODE__FAILED_PRECONDITION, "%s: %s", status_name(err.code),
                 err.message);
    cr_assert(strstr(err.message, "speaks TLS") != NULL, "\"%s\" does not say why", err.message);
    harness_server_finish(&srv);
}

Test(tls, a_tls_client_to_a_plaintext_server_fails_and_it_keeps_serving)
{
    static const char *const flags[] = {"--plaintext", NULL};
    harness_server_start(&srv, flags);
    cr_assert(srv.plaintext, "the harness did not notice --plaintext");
    char firm_cert[PATH_MAX + 32];
    snprintf(firm_cert, sizeof(firm_cert), "%s/%s", srv.data, TLS_CERT_FILE);
    struct folio_tls tls = {.ca_file = firm_cert};
    struct folio_error err;
    refused_with(&tls, "plaintext", &err);

    /* A ClientHello is answered in cleartext with the reason. */
    uint8_t hello[4096];
    size_t len = client_hello(hello, sizeof(hello));
    struct harness_raw *raw = harness_raw_connect_plain(&srv);
    harness_raw_write(raw, hello, len);
    harness_raw_refused_and_closed(raw, FOLIO__CODE__FAILED_PRECONDITION, "runs without TLS");
    harness_raw_close(raw);

    struct folio_connection *plain = harness_admin(&srv);
    cr_assert_str_eq(folio_connection_fingerprint(plain), "");
    folio_connection_close(plain);
    harness_server_finish(&srv);
}

Test(tls, plaintext_is_served_on_loopback_only)
{
    static const char *const flags[] = {"--plaintext", NULL};
    harness_server_start(&srv, flags); /* --listen 127.0.0.1:0 --plaintext */
    harness_assert_serves(&srv);
    cr_assert(log_says("without TLS"), "the log does not say TLS is off");
    cr_assert_eq(harness_server_stop(&srv), 0);

    char *argv[] = {FOLIOD_PATH, "serve",     "--data",      srv.data,
                    "--listen",  "0.0.0.0:0", "--plaintext", NULL};
    char *out = NULL;
    int rc = harness_run(argv, NULL, &out);
    cr_assert_eq(rc, 2, "foliod serve --plaintext on 0.0.0.0 exited %d:\n%s", rc, out);
    cr_assert(strstr(out, "loopback") != NULL, "the refusal does not mention loopback:\n%s", out);
    free(out);
    harness_server_cleanup(&srv);
}

Test(tls, tls_cert_and_tls_key_go_together)
{
    harness_server_start(&srv, NULL);
    cr_assert_eq(harness_server_stop(&srv), 0);
    char cert[PATH_MAX + 32], key[PATH_MAX + 32];
    snprintf(cert, sizeof(cert), "%s/%s", srv.data, TLS_CERT_FILE);
    snprintf(key, sizeof(key), "%s/%s", srv.data, TLS_KEY_FILE);
    char *cert_only[] = {FOLIOD_PATH,   "serve",      "--data", srv.data, "--listen",
                         "127.0.0.1:0", "--tls-cert", cert,     NULL};
    char *key_only[] = {FOLIOD_PATH,   "serve",     "--data", srv.data, "--listen",
                        "127.0.0.1:0", "--tls-key", key,      NULL};
    char *const *runs[] = {cert_only, key_only};
    for (size_t i = 0; i < 2; i++) {
        char *out = NULL;
        int rc = harness_run(runs[i], NULL, &out);
        cr_assert_eq(rc, 2, "%s alone: exit %d:\n%s", runs[i][6], rc, out);
        cr_assert(strstr(out, "go together") != NULL, "%s", out);
        free(out);
    }
    harness_server_cleanup(&srv);
}

/* ---------------------------------------------------------------- mutual TLS */

static struct test_cert ca, client, stranger_ca, stranger;

/* A server that wants client certificates signed by ca; client has one,
 * stranger has one from another CA. */
static void mutual_tls_server(void)
{
    harness_server_start(&srv, NULL);
    make_valid_cert(&ca, "ca", true, NULL);
    make_valid_cert(&client, "client", false, &ca);
    make_valid_cert(&stranger_ca, "stranger-ca", true, NULL);
    make_valid_cert(&stranger, "stranger", false, &stranger_ca);
    static const char *flags[] = {"--tls-client-ca", ca.cert, NULL};
    serve_with(flags);
    cr_assert(log_says("clients must present a certificate"), "mutual TLS is not on");
}

static struct folio_tls mutual_tls(const struct test_cert *mine)
{
    struct folio_tls tls = {.ca_file = srv.cert_file};
    if (mine != NULL) {
        tls.cert_file = mine->cert;
        tls.key_file = mine->key;
    }
    return tls;
}

Test(tls, mutual_tls_refuses_a_client_without_a_certificate)
{
    mutual_tls_server();
    struct folio_tls none = mutual_tls(NULL);
    struct folio_error err;
    refused_with(&none, "client certificate", &err);
    struct folio_tls mine = mutual_tls(&client);
    logs_in_with(&mine);
    harness_server_finish(&srv);
}

Test(tls, mutual_tls_serves_a_client_with_a_certificate_from_its_ca)
{
    mutual_tls_server();
    struct folio_tls mine = mutual_tls(&client);
    logs_in_with(&mine);
    logs_in_with(&mine);
    harness_server_finish(&srv);
}

Test(tls, mutual_tls_refuses_a_certificate_from_another_ca)
{
    mutual_tls_server();
    struct folio_tls theirs = mutual_tls(&stranger);
    struct folio_error err;
    refused_with(&theirs, "client certificate", &err);
    struct folio_tls mine = mutual_tls(&client);
    logs_in_with(&mine);
    harness_server_finish(&srv);
}

/* ---------------------------------------------------------------- stalled and garbled peers */

Test(tls, a_stalled_handshake_does_not_hold_up_others)
{
    attach_shared();
    uint8_t hello[4096];
    size_t len = client_hello(hello, sizeof(hello));
    struct harness_raw *half = harness_raw_connect_plain(&srv);
    harness_raw_write(half, hello, len / 2);
    struct harness_raw *mute = harness_raw_connect_plain(&srv);
    harness_assert_serves(&srv);
    harness_assert_serves(&srv);
    /* Both still wait for the rest of their handshake (30 s by default). */
    cr_assert(!harness_raw_closed(half, 0), "half a ClientHello was closed at once");
    cr_assert(!harness_raw_closed(mute, 0), "a silent peer was closed at once");
    harness_raw_close(half);
    harness_raw_close(mute);
    harness_server_finish(&srv);
}

Test(tls, a_handshake_not_finished_within_the_login_timeout_is_closed)
{
    static const char *const flags[] = {"--login-timeout", "1", NULL};
    harness_server_start(&srv, flags);
    uint8_t hello[4096];
    size_t len = client_hello(hello, sizeof(hello));
    struct harness_raw *half = harness_raw_connect_plain(&srv);
    harness_raw_write(half, hello, len / 2);
    struct harness_raw *mute = harness_raw_connect_plain(&srv);
    int bound = sweep_bound_ms();
    cr_assert(harness_raw_closed(half, bound), "half a ClientHello outlived --login-timeout 1");
    cr_assert(harness_raw_closed(mute, bound), "a silent peer outlived --login-timeout 1");
    cr_assert(log_says("no TLS handshake within 1 seconds"), "the log does not say why");
    harness_raw_close(half);
    harness_raw_close(mute);
    harness_server_finish(&srv);
}

Test(tls, garbage_in_a_handshake_record_closes_the_connection)
{
    attach_shared();
    /* A handshake record of 32 bytes whose message is no ClientHello. */
    uint8_t garbage[5 + 32] = {0x16, 0x03, 0x01, 0x00, 0x20};
    for (size_t i = 5; i < sizeof(garbage); i++)
        garbage[i] = (uint8_t)(0x9e ^ (i * 37));
    struct harness_raw *raw = harness_raw_connect_plain(&srv);
    harness_raw_write(raw, garbage, sizeof(garbage));
    cr_assert(harness_raw_closed(raw, harness_timeout_ms()), "still open after a garbled hello");
    harness_raw_close(raw);
    cr_assert(log_says("TLS handshake failed"), "the log does not say the handshake failed");
    harness_assert_serves(&srv);
    harness_server_finish(&srv);
}

Test(tls, a_forged_record_after_the_handshake_closes_the_connection)
{
    attach_shared();
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    /* Application data that was never encrypted with the session's keys:
     * it cannot authenticate. Written past TLS, on the socket itself. */
    uint8_t forged[5 + 48] = {0x17, 0x03, 0x03, 0x00, 0x30};
    for (size_t i = 5; i < sizeof(forged); i++)
        forged[i] = (uint8_t)(0x5a ^ (i * 11));
    cr_assert_eq(send(harness_raw_fd(raw), forged, sizeof(forged), MSG_NOSIGNAL),
                 (ssize_t)sizeof(forged));
    cr_assert(harness_raw_closed(raw, harness_timeout_ms()), "still open after a forged record");
    harness_raw_close(raw);
    cr_assert(log_says("bad record mac"), "the log does not say why TLS failed");
    harness_assert_serves(&srv);
    harness_server_finish(&srv);
}

Test(tls, a_record_left_half_sent_hits_the_frame_timeout)
{
    static const char *const flags[] = {"--frame-timeout", "1", "--login-timeout", "0", NULL};
    harness_server_start(&srv, flags);
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    /* The header of a 64-byte record and a few bytes of it, then nothing:
     * no frame is begun, but the server holds the start of one. */
    const uint8_t partial[5 + 8] = {0x17, 0x03, 0x03, 0x00, 0x40, 1, 2, 3, 4, 5, 6, 7, 8};
    cr_assert_eq(send(harness_raw_fd(raw), partial, sizeof(partial), MSG_NOSIGNAL),
                 (ssize_t)sizeof(partial));
    int bound = sweep_bound_ms();
    struct pollfd p = {.fd = harness_raw_fd(raw), .events = POLLIN};
    cr_assert_eq(poll(&p, 1, bound), 1, "nothing within %d ms of --frame-timeout 1", bound);
    harness_raw_refused_and_closed(raw, FOLIO__CODE__INVALID_ARGUMENT,
                                   "a frame was left unfinished");
    harness_raw_close(raw);
    harness_assert_serves(&srv);
    harness_server_finish(&srv);
}

/* Sends what TLS wrote to out, one byte per segment. */
static void trickle(BIO *out, int fd)
{
    uint8_t byte;
    size_t n;
    while (BIO_read_ex(out, &byte, 1, &n) == 1 && n == 1) {
        cr_assert_eq(send(fd, &byte, 1, MSG_NOSIGNAL), 1, "the server closed the connection");
        harness_sleep_ms(1);
    }
}

/* Waits (bounded) until the server has sent something more. */
static void wait_readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    cr_assert_eq(poll(&p, 1, harness_timeout_ms()), 1, "no answer from foliod within %d ms",
                 harness_timeout_ms());
}

/* Reads exactly len bytes of plaintext from a non-blocking socket. */
static void tls_read_exact(SSL *ssl, int fd, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        size_t n = 0;
        if (SSL_read_ex(ssl, buf + got, len - got, &n) == 1) {
            got += n;
            continue;
        }
        cr_assert_eq(SSL_get_error(ssl, 0), SSL_ERROR_WANT_READ, "TLS failed reading the answer");
        wait_readable(fd);
    }
}

Test(tls, a_handshake_and_a_frame_arriving_a_byte_at_a_time_are_served)
{
    attach_shared();
    struct harness_raw *raw = harness_raw_connect_plain(&srv);
    int fd = harness_raw_fd(raw);
    /* TLS writes into memory, sent from there a byte at a time; it reads
     * the socket directly, without blocking, so that it hands back what it
     * wrote before it waits. */
    cr_assert_eq(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    cr_assert_not_null(ctx);
    cr_assert_eq(SSL_CTX_load_verify_locations(ctx, srv.cert_file, NULL), 1);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL *ssl = SSL_new(ctx);
    BIO *in = BIO_new_socket(fd, BIO_NOCLOSE);
    BIO *out = BIO_new(BIO_s_mem());
    cr_assert(ssl != NULL && in != NULL && out != NULL);
    SSL_set_bio(ssl, in, out);
    cr_assert_eq(X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1"), 1);
    for (;;) {
        int rc = SSL_connect(ssl);
        trickle(out, fd);
        if (rc == 1)
            break;
        cr_assert_eq(SSL_get_error(ssl, rc), SSL_ERROR_WANT_READ, "the handshake failed");
        wait_readable(fd);
    }

    Folio__Hello hello = FOLIO__HELLO__INIT;
    hello.protocol_version = FOLIO_PROTOCOL_VERSION;
    hello.client_name = "one byte at a time";
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 7;
    envelope_set(&req, &hello.base);
    uint8_t *frame = NULL;
    size_t frame_len = 0;
    harness_raw_append(&frame, &frame_len, &req);
    size_t written = 0;
    cr_assert_eq(SSL_write_ex(ssl, frame, frame_len, &written), 1);
    cr_assert_eq(written, frame_len);
    free(frame);
    trickle(out, fd);

    uint8_t header[FRAME_HEADER_SIZE];
    tls_read_exact(ssl, fd, header, sizeof(header));
    uint32_t len = frame_length_get(header);
    cr_assert(len > 0 && len < 4096, "a frame of %u bytes", len);
    uint8_t payload[4096];
    tls_read_exact(ssl, fd, payload, len);
    Folio__Response *r = folio__response__unpack(NULL, len, payload);
    cr_assert_not_null(r);
    cr_assert_eq(r->id, 7);
    cr_assert_eq(harness_code(r), FOLIO__CODE__OK, "%s", harness_message(r));
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_WELCOME);
    folio__response__free_unpacked(r, NULL);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    harness_raw_close(raw);
    harness_server_finish(&srv);
}

/* ---------------------------------------------------------------- limits */

Test(tls, a_client_over_the_connection_limit_reads_why_after_its_handshake)
{
    static const char *const flags[] = {"--max-connections", "1", NULL};
    harness_server_start(&srv, flags);
    struct folio_connection *held = harness_admin(&srv);
    struct folio_tls tls = harness_tls(&srv);
    struct folio_error err;
    connect_fails(&tls, &err);
    cr_assert_eq(err.code, FOLIO__CODE__RESOURCE_EXHAUSTED, "%s%s: %s",
                 err.transport ? "transport " : "", status_name(err.code), err.message);
    cr_assert(strstr(err.message, "limit of 1 connections") != NULL, "%s", err.message);
    /* The one held is unaffected. */
    folio_response_free(harness_ok(folio_whoami(held, &err), &err));
    folio_connection_close(held);
    harness_server_finish(&srv);
}
