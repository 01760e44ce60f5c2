/* firm_key.h - the firm's Ed25519 key pair, which signs its bundles.
 *
 * The secret key lives in DATA/firm.key (mode 0600, 64 raw bytes), never in
 * the database and never on the wire; the public key is also in the Firm
 * record, where replies and bundle headers read it. foliod init makes the
 * pair; serve makes one for a data directory from before keys existed. */
#ifndef FOLIO_FIRM_KEY_H
#define FOLIO_FIRM_KEY_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define FIRM_KEY_FILE "firm.key"

struct firm_key {
    uint8_t public_key[crypto_sign_PUBLICKEYBYTES];
    uint8_t secret_key[crypto_sign_SECRETKEYBYTES];
};

/* Makes a new pair and writes DATA/firm.key (0600, refusing to replace one). */
int firm_key_create(const char *dir, struct firm_key *key, char *why, size_t why_size);
/* Reads DATA/firm.key; refuses a file readable by others. */
int firm_key_load(const char *dir, struct firm_key *key, char *why, size_t why_size);

/* 64 lower-case hex characters and back. */
void firm_key_hex(const uint8_t public_key[crypto_sign_PUBLICKEYBYTES], char out[65]);
int firm_key_parse_hex(const char *hex, uint8_t public_key[crypto_sign_PUBLICKEYBYTES]);

#endif
