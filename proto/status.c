/* status.c - see status.h. */
#include "status.h"

#include <stdbool.h>

#include <stdint.h>
#include <string.h>

static const struct {
    Folio__Code code;
    const char *name;
    const char *message;
} status_table[] = {
    {FOLIO__CODE__OK, "OK", "done"},
    {FOLIO__CODE__INVALID_ARGUMENT, "INVALID_ARGUMENT",
     "the request is malformed or a value is invalid"},
    {FOLIO__CODE__NOT_FOUND, "NOT_FOUND", "no such record"},
    {FOLIO__CODE__ALREADY_EXISTS, "ALREADY_EXISTS", "a record with that name or id already exists"},
    {FOLIO__CODE__PERMISSION_DENIED, "PERMISSION_DENIED", "your role does not allow this"},
    {FOLIO__CODE__RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED", "a limit was reached"},
    {FOLIO__CODE__FAILED_PRECONDITION, "FAILED_PRECONDITION",
     "the request cannot be done in the current state"},
    {FOLIO__CODE__ABORTED, "ABORTED", "the record changed since you read it"},
    {FOLIO__CODE__INTERNAL, "INTERNAL", "internal server error"},
    {FOLIO__CODE__UNAVAILABLE, "UNAVAILABLE", "the server cannot do this right now; try again"},
    {FOLIO__CODE__UNAUTHENTICATED, "UNAUTHENTICATED", "not logged in, or the session has ended"},
};

#define STATUS_COUNT (sizeof(status_table) / sizeof(status_table[0]))

const char *status_name(Folio__Code code)
{
    for (size_t i = 0; i < STATUS_COUNT; i++)
        if (status_table[i].code == code)
            return status_table[i].name;
    return "UNKNOWN";
}

const char *status_message(Folio__Code code)
{
    for (size_t i = 0; i < STATUS_COUNT; i++)
        if (status_table[i].code == code)
            return status_table[i].message;
    return "unknown status";
}

int status_from_name(const char *name, Folio__Code *code)
{
    for (size_t i = 0; i < STATUS_COUNT; i++) {
        if (strcmp(status_table[i].name, name) == 0) {
            *code = status_table[i].code;
            return 0;
        }
    }
    return -1;
}

/* Length of the valid UTF-8 sequence at p (1 to 4) with its code point in
 * *cp, or 0 when the bytes there are not one (overlong forms and surrogates
 * included). */
static size_t status_utf8_next(const unsigned char *p, size_t len, uint32_t *cp)
{
    unsigned char c = p[0];
    size_t extra;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        extra = 1;
        *cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        extra = 2;
        *cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        extra = 3;
        *cp = c & 0x07;
    } else {
        return 0;
    }
    if (len <= extra)
        return 0;
    for (size_t k = 1; k <= extra; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (p[k] & 0x3f);
    }
    if ((extra == 2 && *cp < 0x800) || (extra == 3 && (*cp < 0x10000 || *cp > 0x10ffff)) ||
        (*cp >= 0xd800 && *cp <= 0xdfff))
        return 0;
    return extra + 1;
}

/* Characters that move a terminal's cursor or reorder the text around
 * them: a message must not be able to hide or rewrite what a person reads. */
static bool status_unprintable(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x200e && cp <= 0x200f) ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* The bytes that stand for the character at in[*i] in a clean message,
 * moving *i past it. */
static const char *status_clean_piece(const char *in, size_t len, size_t *i, size_t *piece_len)
{
    static const char replacement[] = "\xef\xbf\xbd";
    uint32_t cp = 0;
    size_t n = status_utf8_next((const unsigned char *)in + *i, len - *i, &cp);
    const char *piece = in + *i;
    *i += n > 0 ? n : 1;
    if (n == 0 || status_unprintable(cp)) {
        *piece_len = sizeof(replacement) - 1;
        return replacement;
    }
    *piece_len = n;
    return piece;
}

size_t status_message_clean(const char *in, char *out, size_t out_size)
{
    static const char ellipsis[] = "...";
    if (out_size == 0)
        return 0;
    size_t cap = out_size - 1 < STATUS_MESSAGE_MAX ? out_size - 1 : STATUS_MESSAGE_MAX;
    size_t len = strlen(in), total = 0, piece_len;
    for (size_t i = 0; i < len;) {
        status_clean_piece(in, len, &i, &piece_len);
        total += piece_len;
    }
    /* A message cut short says so, in room kept for it. */
    size_t room = total <= cap ? cap : cap - (cap < 3 ? cap : sizeof(ellipsis) - 1);
    size_t used = 0;
    for (size_t i = 0; i < len;) {
        const char *piece = status_clean_piece(in, len, &i, &piece_len);
        if (used + piece_len > room)
            break;
        memcpy(out + used, piece, piece_len);
        used += piece_len;
    }
    if (total > cap && cap >= sizeof(ellipsis) - 1) {
        memcpy(out + used, ellipsis, sizeof(ellipsis) - 1);
        used += sizeof(ellipsis) - 1;
    }
    out[used] = '\0';
    return used;
}
