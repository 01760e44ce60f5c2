/* tls_cert.h - making certificates: the firm's own, and any a test needs.
 *
 * foliod init makes the firm a self-signed certificate (ECDSA P-256) in
 * DATA/tls-cert.pem with its key in DATA/tls-key.pem, both 0600 and never
 * replaced, naming localhost, 127.0.0.1, ::1, this machine's host name and
 * the names agents reach the server by (foliod init --hostname and --ip).
 * Clients trust it by pinning its fingerprint on first use, or with --ca
 * pointing at the certificate itself. A firm with a certificate from its
 * own authority passes --tls-cert and --tls-key instead. */
#ifndef FOLIO_TLS_CERT_H
#define FOLIO_TLS_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tls_fingerprint.h"

#define TLS_CERT_FILE      "tls-cert.pem"
#define TLS_KEY_FILE       "tls-key.pem"
#define TLS_CERT_FIRM_DAYS 3650
/* Names given for the firm's certificate, of each kind: --hostname, --ip. */
#define TLS_CERT_GIVEN_NAMES_MAX 16
/* Of each kind in one certificate: the firm's own two, and those given. */
#define TLS_CERT_NAMES_MAX (2 + TLS_CERT_GIVEN_NAMES_MAX)

/* What a certificate says. Names are host names (letters, digits, '-' and
 * '.') and IP addresses; issuer_* NULL makes it self-signed. */
struct tls_cert_spec {
    const char *common_name; /* UTF-8; cut to 64 bytes on a character boundary */
    int64_t not_before;      /* seconds since the epoch */
    int64_t not_after;
    const char *dns_names[TLS_CERT_NAMES_MAX];
    const char *ip_addresses[TLS_CERT_NAMES_MAX];
    bool is_ca;
    const char *issuer_cert_file;
    const char *issuer_key_file;
};

/* Makes a new key and a certificate for it; writes them to key_path and
 * cert_path (PEM, mode 0600, refusing to replace either file). Fills
 * fingerprint when it is not NULL. Returns 0, or -1 with a reason in why. */
int tls_cert_make(const struct tls_cert_spec *spec, const char *cert_path, const char *key_path,
                  char fingerprint[TLS_FINGERPRINT_SIZE], char *why, size_t why_size);

/* The firm's certificate in DIR, valid from an hour before now for
 * TLS_CERT_FIRM_DAYS. */
int tls_cert_make_firm(const char *dir, const char *firm_name, int64_t now,
                       char fingerprint[TLS_FINGERPRINT_SIZE], char *why, size_t why_size);

/* The names an operator gives for the firm's certificate, beside the ones
 * it always bears. The texts are the caller's and must outlive it. */
struct tls_cert_names {
    const char *host_names[TLS_CERT_GIVEN_NAMES_MAX];
    size_t host_name_count;
    const char *ip_addresses[TLS_CERT_GIVEN_NAMES_MAX];
    size_t ip_address_count;
};

/* Adds a host name (host_name_valid; an IP address is refused, it wants
 * tls_cert_names_add_ip) or an IP address (IPv4 or IPv6, as inet_pton reads
 * it). A name given twice is kept once. Returns 0, or -1 with why saying
 * what is wrong with it (without naming the flag): not a host name, not
 * an IP address, or one too many. */
int tls_cert_names_add_host(struct tls_cert_names *names, const char *name, char *why,
                            size_t why_size);
int tls_cert_names_add_ip(struct tls_cert_names *names, const char *ip, char *why, size_t why_size);

/* tls_cert_make_firm with names too (NULL: none). */
int tls_cert_make_firm_named(const char *dir, const char *firm_name, int64_t now,
                             const struct tls_cert_names *names,
                             char fingerprint[TLS_FINGERPRINT_SIZE], char *why, size_t why_size);

#endif
