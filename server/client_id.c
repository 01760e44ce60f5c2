/* client_id.c - see client_id.h. */
#include "client_id.h"

#include <string.h>

#include <sodium.h>

void client_id_generate(uint8_t id[16])
{
    randombytes_buf(id, 16);
    id[6] = (uint8_t)((id[6] & 0x0f) | 0x40); /* version 4 */
    id[8] = (uint8_t)((id[8] & 0x3f) | 0x80); /* RFC 4122 variant */
}

int client_id_parse(const char *text, uint8_t id[16])
{
    /* libsodium decodes the hex and skips a dash only between two digits;
     * the dashes must also stand exactly where a UUID has them. */
    static const size_t dashes[] = {8, 13, 18, 23};
    if (text == NULL || strnlen(text, CLIENT_ID_TEXT + 1) != CLIENT_ID_TEXT)
        return -1;
    for (size_t k = 0; k < sizeof(dashes) / sizeof(dashes[0]); k++)
        if (text[dashes[k]] != '-')
            return -1;
    uint8_t out[16];
    size_t len = 0;
    const char *end = NULL;
    if (sodium_hex2bin(out, sizeof(out), text, CLIENT_ID_TEXT, "-", &len, &end) != 0 ||
        len != sizeof(out) || end != text + CLIENT_ID_TEXT)
        return -1;
    memcpy(id, out, 16);
    return 0;
}

void client_id_format(const uint8_t id[16], char out[CLIENT_ID_TEXT + 1])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[id[i] >> 4];
        out[o++] = hex[id[i] & 0x0f];
    }
    out[o] = '\0';
}
