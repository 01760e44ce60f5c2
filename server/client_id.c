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

static int client_id_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int client_id_parse(const char *text, uint8_t id[16])
{
    if (text == NULL || strnlen(text, CLIENT_ID_TEXT + 1) != CLIENT_ID_TEXT)
        return -1;
    uint8_t out[16];
    const char *p = text;
    for (size_t i = 0; i < 16; i++) {
        if ((i == 4 || i == 6 || i == 8 || i == 10) && *p++ != '-')
            return -1;
        int hi = client_id_hex_value(p[0]), lo = client_id_hex_value(p[1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
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
