/* tls_fingerprint.c - see tls_fingerprint.h. */
#include "tls_fingerprint.h"

#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

static const char tls_fingerprint_digits[] = "0123456789ABCDEF";

static void tls_fingerprint_format(const uint8_t digest[TLS_FINGERPRINT_BYTES],
                                   char out[TLS_FINGERPRINT_SIZE])
{
    for (size_t i = 0; i < TLS_FINGERPRINT_BYTES; i++) {
        out[i * 3] = tls_fingerprint_digits[digest[i] >> 4];
        out[i * 3 + 1] = tls_fingerprint_digits[digest[i] & 0x0f];
        out[i * 3 + 2] = i + 1 < TLS_FINGERPRINT_BYTES ? ':' : '\0';
    }
}

int tls_fingerprint_of(X509 *cert, char out[TLS_FINGERPRINT_SIZE])
{
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (cert == NULL || X509_digest(cert, EVP_sha256(), digest, &len) != 1 ||
        len != TLS_FINGERPRINT_BYTES)
        return -1;
    tls_fingerprint_format(digest, out);
    return 0;
}

static int tls_fingerprint_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int tls_fingerprint_parse(const char *text, char out[TLS_FINGERPRINT_SIZE])
{
    if (text == NULL)
        return -1;
    uint8_t digest[TLS_FINGERPRINT_BYTES];
    size_t n = 0;
    const char *p = text;
    while (*p != '\0') {
        if (n == TLS_FINGERPRINT_BYTES)
            return -1;
        int high = tls_fingerprint_nibble(p[0]);
        int low = high < 0 ? -1 : tls_fingerprint_nibble(p[1]);
        if (low < 0)
            return -1;
        digest[n++] = (uint8_t)(high << 4 | low);
        p += 2;
        /* A separator only between pairs, never doubled or trailing. */
        if (*p == ':' && p[1] != '\0' && p[1] != ':')
            p++;
    }
    if (n != TLS_FINGERPRINT_BYTES)
        return -1;
    tls_fingerprint_format(digest, out);
    return 0;
}
