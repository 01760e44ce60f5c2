/* tls.c - see tls.h.
 *
 * Memory. A memory BIO keeps the largest buffer it ever held, so a peer
 * that once sent a 1 MiB import would pin that much for as long as it stays
 * connected. Once a BIO is drained, it is swapped for an empty one (a few
 * small allocations, next to a record's decryption); SSL_MODE_RELEASE_BUFFERS
 * does the same for OpenSSL's record buffers. An idle TLS connection then
 * costs the SSL object, its session and its keys: about 13 KiB with
 * OpenSSL 3.0, of which the SSL object alone is 7.6 KiB (BENCHMARKS.md).
 */
#include "tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define TLS_ERROR_MAX 160
/* TLS 1.2 suites: forward secrecy and AEAD only (1.3's are all of that). */
#define TLS_CIPHERS_TLS12 "ECDHE+AESGCM:ECDHE+CHACHA20"

struct tls_server {
    SSL_CTX *ctx;
    int64_t not_after;
    char fingerprint[TLS_FINGERPRINT_SIZE];
};

struct tls_stream {
    SSL *ssl;
    bool established; /* kept: after a fatal alert OpenSSL says it never was */
    char error[TLS_ERROR_MAX];
};

/* The most telling reason OpenSSL queued, then an empty queue. */
static void tls_reason(char *out, size_t size, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;
    if (reason != NULL)
        snprintf(out, size, "%s: %s", what, reason);
    else
        snprintf(out, size, "%s", what);
    ERR_clear_error();
}

/* A key anyone on the machine can read is not a secret any more. */
static int tls_check_key_file(const char *key_file, char *why, size_t why_size)
{
    struct stat st;
    if (stat(key_file, &st) != 0)
        return 0; /* loading it says why */
    if ((st.st_mode & S_IROTH) != 0) {
        snprintf(why, why_size,
                 "the TLS key %s can be read by every user of this machine (mode %03o): "
                 "chmod o-r %s",
                 key_file, (unsigned)(st.st_mode & 0777), key_file);
        return -1;
    }
    return 0;
}

static int tls_server_load(struct tls_server *tls, const char *cert_file, const char *key_file,
                           const char *client_ca_file, char *why, size_t why_size)
{
    SSL_CTX *ctx = tls->ctx;
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
        char what[512];
        snprintf(what, sizeof(what), "cannot load the TLS certificate %s", cert_file);
        tls_reason(why, why_size, what);
        return -1;
    }
    if (tls_check_key_file(key_file, why, why_size) != 0)
        return -1;
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        char what[512];
        snprintf(what, sizeof(what), "cannot use the TLS key %s with %s", key_file, cert_file);
        tls_reason(why, why_size, what);
        return -1;
    }
    if (client_ca_file != NULL) {
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(client_ca_file);
        if (names == NULL || SSL_CTX_load_verify_locations(ctx, client_ca_file, NULL) != 1) {
            sk_X509_NAME_pop_free(names, X509_NAME_free);
            char what[512];
            snprintf(what, sizeof(what), "cannot load the client CA file %s", client_ca_file);
            tls_reason(why, why_size, what);
            return -1;
        }
        SSL_CTX_set_client_CA_list(ctx, names);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    }
    X509 *cert = SSL_CTX_get0_certificate(ctx);
    if (tls_fingerprint_of(cert, tls->fingerprint) != 0) {
        snprintf(why, why_size, "cannot take the fingerprint of %s", cert_file);
        return -1;
    }
    int days = 0, seconds = 0;
    ASN1_TIME_diff(&days, &seconds, NULL, X509_get0_notAfter(cert));
    tls->not_after = (int64_t)time(NULL) + (int64_t)days * 86400 + seconds;
    return 0;
}

struct tls_server *tls_server_open(const char *cert_file, const char *key_file,
                                   const char *client_ca_file, char *why, size_t why_size)
{
    struct tls_server *tls = calloc(1, sizeof(*tls));
    if (tls == NULL) {
        snprintf(why, why_size, "out of memory");
        return NULL;
    }
    ERR_clear_error();
    tls->ctx = SSL_CTX_new(TLS_server_method());
    if (tls->ctx == NULL) {
        tls_reason(why, why_size, "cannot set up TLS");
        free(tls);
        return NULL;
    }
    SSL_CTX *ctx = tls->ctx;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_num_tickets(ctx, 0);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_set_cipher_list(ctx, TLS_CIPHERS_TLS12) != 1 ||
        tls_server_load(tls, cert_file, key_file, client_ca_file, why, why_size) != 0) {
        if (why[0] == '\0')
            tls_reason(why, why_size, "cannot set up TLS");
        tls_server_close(tls);
        return NULL;
    }
    return tls;
}

void tls_server_close(struct tls_server *tls)
{
    if (tls == NULL)
        return;
    SSL_CTX_free(tls->ctx);
    free(tls);
}

const char *tls_server_fingerprint(const struct tls_server *tls)
{
    return tls->fingerprint;
}

int64_t tls_server_not_after(const struct tls_server *tls)
{
    return tls->not_after;
}

/* An empty memory BIO that asks for more, rather than ending, when read dry. */
static BIO *tls_bio_new(void)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio != NULL)
        BIO_set_mem_eof_return(bio, -1);
    return bio;
}

struct tls_stream *tls_stream_new(struct tls_server *tls)
{
    struct tls_stream *stream = calloc(1, sizeof(*stream));
    if (stream == NULL)
        return NULL;
    stream->ssl = SSL_new(tls->ctx);
    BIO *rbio = tls_bio_new();
    BIO *wbio = tls_bio_new();
    if (stream->ssl == NULL || rbio == NULL || wbio == NULL) {
        BIO_free(rbio);
        BIO_free(wbio);
        SSL_free(stream->ssl);
        free(stream);
        ERR_clear_error();
        return NULL;
    }
    SSL_set_bio(stream->ssl, rbio, wbio);
    SSL_set_accept_state(stream->ssl);
    return stream;
}

void tls_stream_free(struct tls_stream *stream)
{
    if (stream == NULL)
        return;
    SSL_free(stream->ssl);
    free(stream);
}

int tls_stream_feed(struct tls_stream *stream, const uint8_t *data, size_t len)
{
    size_t written = 0;
    if (len == 0)
        return 0;
    if (BIO_write_ex(SSL_get_rbio(stream->ssl), data, len, &written) != 1 || written != len) {
        ERR_clear_error();
        return -1;
    }
    return 0;
}

size_t tls_stream_input_pending(const struct tls_stream *stream)
{
    /* OpenSSL moves the start of a record out of the BIO into its own
     * buffer while it waits for the rest. */
    return BIO_ctrl_pending(SSL_get_rbio(stream->ssl)) + (size_t)SSL_has_pending(stream->ssl);
}

static bool tls_bio_holds_memory(BIO *bio)
{
    BUF_MEM *mem = NULL;
    BIO_get_mem_ptr(bio, &mem);
    return BIO_ctrl_pending(bio) == 0 && mem != NULL && mem->max > 0;
}

static void tls_stream_trim_input(struct tls_stream *stream)
{
    if (!tls_bio_holds_memory(SSL_get_rbio(stream->ssl)))
        return;
    BIO *fresh = tls_bio_new();
    if (fresh != NULL)
        SSL_set0_rbio(stream->ssl, fresh);
}

enum tls_result tls_stream_read(struct tls_stream *stream, uint8_t *out, size_t cap, size_t *n)
{
    *n = 0;
    ERR_clear_error();
    int rc = SSL_read_ex(stream->ssl, out, cap, n);
    if (SSL_is_init_finished(stream->ssl))
        stream->established = true;
    if (rc == 1 && *n > 0)
        return TLS_DATA;
    switch (SSL_get_error(stream->ssl, 0)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        tls_stream_trim_input(stream);
        return TLS_WANT_INPUT;
    case SSL_ERROR_ZERO_RETURN:
        return TLS_CLOSED;
    default:
        tls_reason(stream->error, sizeof(stream->error),
                   stream->established ? "TLS failed" : "TLS handshake failed");
        return TLS_FAILED;
    }
}

bool tls_stream_established(const struct tls_stream *stream)
{
    return stream->established;
}

int tls_stream_write(struct tls_stream *stream, const uint8_t *data, size_t len)
{
    size_t written = 0;
    ERR_clear_error();
    if (SSL_write_ex(stream->ssl, data, len, &written) != 1 || written != len) {
        tls_reason(stream->error, sizeof(stream->error), "TLS write failed");
        return -1;
    }
    return 0;
}

void tls_stream_close_notify(struct tls_stream *stream)
{
    ERR_clear_error();
    SSL_shutdown(stream->ssl);
    ERR_clear_error();
}

int tls_stream_take_output(struct tls_stream *stream, uint8_t **out, size_t *len)
{
    BIO *wbio = SSL_get_wbio(stream->ssl);
    size_t pending = BIO_ctrl_pending(wbio);
    *out = NULL;
    *len = 0;
    if (pending == 0)
        return 0;
    uint8_t *buf = malloc(pending);
    size_t got = 0;
    if (buf == NULL || BIO_read_ex(wbio, buf, pending, &got) != 1 || got != pending) {
        free(buf);
        ERR_clear_error();
        return -1;
    }
    if (tls_bio_holds_memory(wbio)) {
        BIO *fresh = tls_bio_new();
        if (fresh != NULL)
            SSL_set0_wbio(stream->ssl, fresh);
    }
    *out = buf;
    *len = got;
    return 0;
}

const char *tls_stream_error(const struct tls_stream *stream)
{
    return stream->error[0] != '\0' ? stream->error : "TLS failed";
}
