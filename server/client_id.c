/* client_id.c - see client_id.h. */
#include "client_id.h"

#include <stdbool.h>
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

static int client_id_hex(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A dash of the canonical form stands before hex digit 8, 12, 16 or 20. */
static bool client_id_dash_at(size_t digits)
{
    return digits == 8 || digits == 12 || digits == 16 || digits == 20;
}

int client_id_prefix_parse(const char *text, uint8_t prefix[16], size_t *nibbles)
{
    if (text == NULL)
        return -1;
    size_t len = strnlen(text, CLIENT_ID_TEXT + 1);
    if (len > CLIENT_ID_TEXT)
        return -1;
    bool dashed = memchr(text, '-', len) != NULL;
    size_t digits = 0;
    memset(prefix, 0, 16);
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '-') {
            /* A dash only where the canonical form has one, and then every
             * one up to there: a prefix of "8-4-4-4-12" text. */
            if (!client_id_dash_at(digits) || (i > 0 && text[i - 1] == '-'))
                return -1;
            continue;
        }
        int v = client_id_hex((unsigned char)text[i]);
        if (v < 0 || digits == 32)
            return -1;
        if (dashed && client_id_dash_at(digits) && digits > 0 && text[i - 1] != '-')
            return -1;
        prefix[digits / 2] |= (uint8_t)(digits % 2 == 0 ? v << 4 : v);
        digits++;
    }
    if (digits < CLIENT_ID_PREFIX_MIN)
        return -1;
    *nibbles = digits;
    return 0;
}

int client_id_has_prefix(const uint8_t id[16], const uint8_t prefix[16], size_t nibbles)
{
    size_t whole = nibbles / 2;
    if (memcmp(id, prefix, whole) != 0)
        return 0;
    return nibbles % 2 == 0 || (id[whole] & 0xf0) == prefix[whole];
}
