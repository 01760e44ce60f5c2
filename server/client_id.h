/* client_id.h - client ids: random version-4 UUIDs, stored as their 16
 * bytes and shown as canonical lower-case text. */
#ifndef FOLIO_CLIENT_ID_H
#define FOLIO_CLIENT_ID_H

#include <stdint.h>

#define CLIENT_ID_TEXT 36 /* canonical UUID text, without the NUL */

void client_id_generate(uint8_t id[16]);
/* 0 for a UUID's text (either case), -1 otherwise. */
int client_id_parse(const char *text, uint8_t id[16]);
void client_id_format(const uint8_t id[16], char out[CLIENT_ID_TEXT + 1]);

#endif
