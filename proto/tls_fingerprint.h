/* tls_fingerprint.h - the name a person checks a certificate by.
 *
 * The SHA-256 of the certificate's DER bytes as 32 upper-case hex pairs
 * joined by ':' - what `openssl x509 -noout -fingerprint -sha256` prints - so
 * an agent can compare what folio shows with what the firm's admin reads off
 * the server. foliod logs it at start; folio pins it on first use. */
#ifndef FOLIO_TLS_FINGERPRINT_H
#define FOLIO_TLS_FINGERPRINT_H

#include <openssl/x509.h>

#define TLS_FINGERPRINT_BYTES 32
#define TLS_FINGERPRINT_SIZE  (TLS_FINGERPRINT_BYTES * 3) /* 95 characters and a NUL */

/* Writes cert's fingerprint. Returns 0, or -1 when it cannot be encoded. */
int tls_fingerprint_of(X509 *cert, char out[TLS_FINGERPRINT_SIZE]);

/* Reads one a person typed or pasted: 32 hex pairs, either case, with or
 * without ':' between them (no other characters). Writes the canonical form.
 * Returns 0, or -1 when text is not one. */
int tls_fingerprint_parse(const char *text, char out[TLS_FINGERPRINT_SIZE]);

#endif
