/* charset.c - see charset.h. */
#include "charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *charset_to_utf8(const char *charset, const char *in, size_t len, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return NULL;
    /* An input unit that cannot be read is skipped whole: two bytes in
     * UTF-16, one elsewhere (a multi-byte encoding resynchronises). */
    size_t unit = strncasecmp(charset, "UTF-16", 6) == 0 ? 2 : 1;
    size_t cap = 3 * len + 4;
    char *out = malloc(cap);
    if (out == NULL) {
        iconv_close(cd);
        return NULL;
    }
    char *src = (char *)in, *dst = out;
    size_t left = len, room = cap - 1;
    while (left > 0) {
        if (iconv(cd, &src, &left, &dst, &room) != (size_t)-1)
            break;
        if (errno == E2BIG || room < 3)
            break; /* cannot happen within 3 * len: stop rather than overrun */
        size_t skip = left < unit ? left : unit;
        src += skip;
        left -= skip;
        memcpy(dst, "\xef\xbf\xbd", 3);
        dst += 3;
        room -= 3;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv_close(cd);
    *dst = '\0';
    *out_len = (size_t)(dst - out);
    return out;
}

const char *charset_utf16(const char *data, size_t len, size_t *skip)
{
    const unsigned char *p = (const unsigned char *)data;
    *skip = 0;
    if (len >= 2 && p[0] == 0xff && p[1] == 0xfe) {
        *skip = 2;
        return "UTF-16LE";
    }
    if (len >= 2 && p[0] == 0xfe && p[1] == 0xff) {
        *skip = 2;
        return "UTF-16BE";
    }
    /* Without a mark: the first characters of a vCard or a CSV header are
     * ASCII, so one byte of each pair is NUL. */
    size_t n = len < 16 ? len & ~(size_t)1 : 16;
    if (n < 4)
        return NULL;
    bool le = true, be = true;
    for (size_t i = 0; i < n; i += 2) {
        le = le && p[i] != 0 && p[i + 1] == 0;
        be = be && p[i] == 0 && p[i + 1] != 0;
    }
    return le ? "UTF-16LE" : be ? "UTF-16BE" : NULL;
}
