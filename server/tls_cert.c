/* tls_cert.c - see tls_cert.h. */
#include "tls_cert.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "host_name.h"

#define TLS_CERT_CN_MAX     64 /* ub-common-name in X.520 */
#define TLS_CERT_SERIAL_LEN 16
/* Every name at its longest: "DNS:" and 253 bytes, "IP:" and 39, commas. */
#define TLS_CERT_SAN_MAX 8192

static void tls_cert_why_openssl(char *why, size_t why_size, const char *what)
{
    unsigned long e = ERR_get_error();
    const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;
    snprintf(why, why_size, "%s: %s", what, reason != NULL ? reason : "OpenSSL failed");
    ERR_clear_error();
}

/* "DNS:a,DNS:b,IP:127.0.0.1": the form X509V3_EXT_conf_nid reads. */
static int tls_cert_san(const struct tls_cert_spec *spec, char out[TLS_CERT_SAN_MAX], char *why,
                        size_t why_size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int kind = 0; kind < 2; kind++) {
        const char *const *names = kind == 0 ? spec->dns_names : spec->ip_addresses;
        for (size_t i = 0; i < TLS_CERT_NAMES_MAX && names[i] != NULL; i++) {
            if (kind == 0 ? !host_name_valid(names[i]) : !host_name_is_ip(names[i])) {
                snprintf(why, why_size, "\"%.80s\" is not a %s", names[i],
                         kind == 0 ? "host name" : "IP address");
                return -1;
            }
            int n = snprintf(out + used, TLS_CERT_SAN_MAX - used, "%s%s:%s", used ? "," : "",
                             kind == 0 ? "DNS" : "IP", names[i]);
            if (n < 0 || (size_t)n >= TLS_CERT_SAN_MAX - used) {
                snprintf(why, why_size, "too many names for one certificate");
                return -1;
            }
            used += (size_t)n;
        }
    }
    return 0;
}

static int tls_cert_add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL)
        return -1;
    int rc = X509_add_ext(cert, ext, -1) == 1 ? 0 : -1;
    X509_EXTENSION_free(ext);
    return rc;
}

static size_t tls_cert_utf8_cut(const char *s, size_t max)
{
    size_t len = strlen(s);
    if (len <= max)
        return len;
    /* Back off continuation bytes (10xxxxxx) so no character is split. */
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return max;
}

static int tls_cert_subject(X509 *cert, const char *common_name)
{
    X509_NAME *name = X509_get_subject_name(cert);
    size_t len = tls_cert_utf8_cut(common_name, TLS_CERT_CN_MAX);
    return X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)common_name,
                                      (int)len, -1, 0) == 1
               ? 0
               : -1;
}

static int tls_cert_serial(X509 *cert)
{
    unsigned char raw[TLS_CERT_SERIAL_LEN];
    if (RAND_bytes(raw, sizeof(raw)) != 1)
        return -1;
    raw[0] &= 0x7f; /* a serial number is positive */
    BIGNUM *bn = BN_bin2bn(raw, sizeof(raw), NULL);
    int rc = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL ? 0 : -1;
    BN_free(bn);
    return rc;
}

static int tls_cert_load_issuer(const struct tls_cert_spec *spec, X509 **cert, EVP_PKEY **key,
                                char *why, size_t why_size)
{
    FILE *f = fopen(spec->issuer_cert_file, "r");
    *cert = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f != NULL)
        fclose(f);
    f = fopen(spec->issuer_key_file, "r");
    *key = f != NULL ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f != NULL)
        fclose(f);
    if (*cert == NULL || *key == NULL) {
        snprintf(why, why_size, "cannot read the issuer's certificate %s and key %s",
                 spec->issuer_cert_file, spec->issuer_key_file);
        ERR_clear_error();
        return -1;
    }
    return 0;
}

/* Writes with O_EXCL: a key that clients already pinned is never silently
 * replaced. */
static int tls_cert_write(const char *path, X509 *cert, EVP_PKEY *key, char *why, size_t why_size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        snprintf(why, why_size,
                 errno == EEXIST ? "%s already exists; refusing to replace it"
                                 : "cannot create %s: %s",
                 path, strerror(errno));
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    int ok = cert != NULL ? PEM_write_X509(f, cert)
                          : PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
    if (ok == 1 && fflush(f) == 0 && fsync(fd) == 0) {
        if (fclose(f) == 0)
            return 0;
    } else {
        fclose(f);
    }
    snprintf(why, why_size, "cannot write %s", path);
    ERR_clear_error();
    unlink(path);
    return -1;
}

static X509 *tls_cert_build(const struct tls_cert_spec *spec, EVP_PKEY *key, X509 *issuer,
                            EVP_PKEY *issuer_key, char *why, size_t why_size)
{
    char san[TLS_CERT_SAN_MAX];
    if (tls_cert_san(spec, san, why, why_size) != 0)
        return NULL;
    X509 *cert = X509_new();
    X509 *signer = issuer != NULL ? issuer : cert;
    bool ok = cert != NULL && X509_set_version(cert, X509_VERSION_3) == 1 &&
              tls_cert_serial(cert) == 0 &&
              ASN1_TIME_set(X509_getm_notBefore(cert), (time_t)spec->not_before) != NULL &&
              ASN1_TIME_set(X509_getm_notAfter(cert), (time_t)spec->not_after) != NULL &&
              X509_set_pubkey(cert, key) == 1 && tls_cert_subject(cert, spec->common_name) == 0 &&
              X509_set_issuer_name(cert, X509_get_subject_name(signer)) == 1 &&
              tls_cert_add_ext(cert, signer, NID_basic_constraints,
                               spec->is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE") == 0 &&
              tls_cert_add_ext(cert, signer, NID_key_usage,
                               spec->is_ca ? "critical,keyCertSign,cRLSign,digitalSignature"
                                           : "critical,digitalSignature") == 0 &&
              tls_cert_add_ext(cert, signer, NID_subject_key_identifier, "hash") == 0 &&
              /* Names the signing key, so that a CA file holding several
               * certificates of one name (a firm's old and new ones) finds
               * the right one by key, not just the first by name. */
              tls_cert_add_ext(cert, signer, NID_authority_key_identifier, "keyid:always") == 0;
    if (ok && !spec->is_ca)
        ok = tls_cert_add_ext(cert, signer, NID_ext_key_usage, "serverAuth,clientAuth") == 0;
    if (ok && san[0] != '\0')
        ok = tls_cert_add_ext(cert, signer, NID_subject_alt_name, san) == 0;
    if (ok)
        ok = X509_sign(cert, issuer_key != NULL ? issuer_key : key, EVP_sha256()) > 0;
    if (!ok) {
        tls_cert_why_openssl(why, why_size, "cannot make a certificate");
        X509_free(cert);
        return NULL;
    }
    return cert;
}

int tls_cert_make(const struct tls_cert_spec *spec, const char *cert_path, const char *key_path,
                  char fingerprint[TLS_FINGERPRINT_SIZE], char *why, size_t why_size)
{
    X509 *issuer = NULL;
    EVP_PKEY *issuer_key = NULL;
    X509 *cert = NULL;
    int rc = -1;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (key == NULL) {
        tls_cert_why_openssl(why, why_size, "cannot make a key");
        return -1;
    }
    if (spec->issuer_cert_file != NULL &&
        tls_cert_load_issuer(spec, &issuer, &issuer_key, why, why_size) != 0)
        goto out;
    cert = tls_cert_build(spec, key, issuer, issuer_key, why, why_size);
    if (cert == NULL)
        goto out;
    if (fingerprint != NULL && tls_fingerprint_of(cert, fingerprint) != 0) {
        snprintf(why, why_size, "cannot take the certificate's fingerprint");
        goto out;
    }
    if (tls_cert_write(key_path, NULL, key, why, why_size) != 0)
        goto out;
    if (tls_cert_write(cert_path, cert, NULL, why, why_size) != 0) {
        unlink(key_path);
        goto out;
    }
    rc = 0;
out:
    X509_free(cert);
    X509_free(issuer);
    EVP_PKEY_free(issuer_key);
    EVP_PKEY_free(key);
    return rc;
}

/* Whether names[0..count) holds name, host names compared without case. */
static bool tls_cert_has(const char *const *names, size_t count, const char *name, bool host)
{
    for (size_t i = 0; i < count; i++)
        if (host ? strcasecmp(names[i], name) == 0 : strcmp(names[i], name) == 0)
            return true;
    return false;
}

int tls_cert_names_add_host(struct tls_cert_names *names, const char *name, char *why,
                            size_t why_size)
{
    if (host_name_is_ip(name)) {
        snprintf(why, why_size, "%.80s is an IP address: give it with --ip", name);
        return -1;
    }
    if (!host_name_valid(name)) {
        snprintf(why, why_size,
                 "\"%.80s\" is not a host name: labels of letters, digits and '-' (not first "
                 "nor last), up to 63 bytes each, joined by dots, at most %d bytes",
                 name, HOST_NAME_MAX_BYTES);
        return -1;
    }
    if (tls_cert_has(names->host_names, names->host_name_count, name, true))
        return 0;
    if (names->host_name_count == TLS_CERT_GIVEN_NAMES_MAX) {
        snprintf(why, why_size, "at most %d host names", TLS_CERT_GIVEN_NAMES_MAX);
        return -1;
    }
    names->host_names[names->host_name_count++] = name;
    return 0;
}

int tls_cert_names_add_ip(struct tls_cert_names *names, const char *ip, char *why, size_t why_size)
{
    if (!host_name_is_ip(ip)) {
        snprintf(why, why_size, "\"%.80s\" is not an IPv4 or IPv6 address", ip);
        return -1;
    }
    if (tls_cert_has(names->ip_addresses, names->ip_address_count, ip, false))
        return 0;
    if (names->ip_address_count == TLS_CERT_GIVEN_NAMES_MAX) {
        snprintf(why, why_size, "at most %d IP addresses", TLS_CERT_GIVEN_NAMES_MAX);
        return -1;
    }
    names->ip_addresses[names->ip_address_count++] = ip;
    return 0;
}

/* Appends the given names to a list of count, skipping those it holds. */
static void tls_cert_append(const char **list, size_t count, const char *const *given,
                            size_t given_count, bool host)
{
    for (size_t i = 0; i < given_count && count < TLS_CERT_NAMES_MAX; i++)
        if (!tls_cert_has(list, count, given[i], host))
            list[count++] = given[i];
}

int tls_cert_make_firm(const char *dir, const char *firm_name, int64_t now,
                       char fingerprint[TLS_FINGERPRINT_SIZE], char *why, size_t why_size)
{
    return tls_cert_make_firm_named(dir, firm_name, now, NULL, fingerprint, why, why_size);
}

int tls_cert_make_firm_named(const char *dir, const char *firm_name, int64_t now,
                             const struct tls_cert_names *names,
                             char fingerprint[TLS_FINGERPRINT_SIZE], char *why, size_t why_size)
{
    char cert_path[4096], key_path[4096];
    if ((size_t)snprintf(cert_path, sizeof(cert_path), "%s/%s", dir, TLS_CERT_FILE) >=
            sizeof(cert_path) ||
        (size_t)snprintf(key_path, sizeof(key_path), "%s/%s", dir, TLS_KEY_FILE) >=
            sizeof(key_path)) {
        snprintf(why, why_size, "the data directory path is too long");
        return -1;
    }
    char host[256] = "";
    if (gethostname(host, sizeof(host) - 1) != 0 || !host_name_valid(host) ||
        strcmp(host, "localhost") == 0)
        host[0] = '\0';
    struct tls_cert_spec spec = {
        .common_name = firm_name,
        /* An hour back, so a client whose clock runs a little behind still
         * accepts a certificate made a moment ago. */
        .not_before = now - 3600,
        .not_after = now + (int64_t)TLS_CERT_FIRM_DAYS * 24 * 3600,
        .dns_names = {"localhost", host[0] != '\0' ? host : NULL},
        .ip_addresses = {"127.0.0.1", "::1"},
    };
    if (names != NULL) {
        tls_cert_append(spec.dns_names, host[0] != '\0' ? 2 : 1, names->host_names,
                        names->host_name_count, true);
        tls_cert_append(spec.ip_addresses, 2, names->ip_addresses, names->ip_address_count, false);
    }
    return tls_cert_make(&spec, cert_path, key_path, fingerprint, why, why_size);
}
