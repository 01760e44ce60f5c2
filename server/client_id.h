/* client_id.h - client ids: random version-4 UUIDs, stored as their 16
 * bytes and shown as canonical lower-case text. */
#ifndef FOLIO_CLIENT_ID_H
#define FOLIO_CLIENT_ID_H

#include <stddef.h>
#include <stdint.h>

#define CLIENT_ID_TEXT 36 /* canonical UUID text, without the NUL */

void client_id_generate(uint8_t id[16]);
/* 0 for a UUID's text (either case), -1 otherwise. */
int client_id_parse(const char *text, uint8_t id[16]);
void client_id_format(const uint8_t id[16], char out[CLIENT_ID_TEXT + 1]);

/* The shortest prefix of an id a person may type: 8 hex digits, as the id
 * column of a list shows it. Fewer would name too many clients of a large
 * portfolio to be worth resolving. */
#define CLIENT_ID_PREFIX_MIN 8

/* A typed id or the start of one, as `git show 3f2a1b9c` takes: 8 to 32 hex
 * digits (either case), either all run together or with the dashes of the
 * canonical form where it has them ("3f2a1b9c-1d", "3f2a1b9c1d"). Sets the
 * first *nibbles hex digits into prefix (the rest zero): *nibbles is 32 for
 * a whole id. 0, or -1 for any other text (too short, a stray dash, a
 * character that is not hex). */
int client_id_prefix_parse(const char *text, uint8_t prefix[16], size_t *nibbles);
/* Does id start with the first nibbles hex digits of prefix? */
int client_id_has_prefix(const uint8_t id[16], const uint8_t prefix[16], size_t nibbles);

#endif
