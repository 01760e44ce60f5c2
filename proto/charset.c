/* charset.c - see charset.h. */
#include "charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "csv_file.h" /* csv_file_utf8_valid */

/* Whether name can be a charset's: glibc's iconv_open drops the bytes of a
 * name it does not expect, so "UT\xfe\xffF-8" would open UTF-8: a name
 * that is not what it says is no name at all. */
static bool charset_name_plain(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > CHARSET_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && strchr("-_.:+()", name[i]) == NULL)
            return false;
    return true;
}

/* out[0, *len) with every byte that begins no UTF-8 sequence (RFC 3629:
 * no surrogates, nothing past U+10FFFF) replaced by U+FFFD, in a new
 * buffer (free() it; out is freed). iconv's own UTF-8 reader lets through
 * sequences of the old, longer UTF-8. NULL when memory runs out. */
static char *charset_repair(char *out, size_t *len)
{
    char *fixed = malloc(3 * *len + 1);
    if (fixed == NULL) {
        free(out);
        return NULL;
    }
    size_t i = 0, n = 0;
    while (i < *len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t step =
            utf8proc_iterate((const utf8proc_uint8_t *)out + i, (utf8proc_ssize_t)(*len - i), &cp);
        if (step > 0) {
            memcpy(fixed + n, out + i, (size_t)step);
            n += (size_t)step;
            i += (size_t)step;
        } else {
            memcpy(fixed + n, "\xef\xbf\xbd", 3);
            n += 3;
            i++;
        }
    }
    fixed[n] = '\0';
    free(out);
    *len = n;
    return fixed;
}

void charset_converter_init(struct charset_converter *conv)
{
    conv->name[0] = '\0';
    conv->cd = (iconv_t)-1;
}

void charset_converter_close(struct charset_converter *conv)
{
    if (conv->cd != (iconv_t)-1)
        iconv_close(conv->cd);
    charset_converter_init(conv);
}

char *charset_converter_to_utf8(struct charset_converter *conv, const char *charset, const char *in,
                                size_t len, size_t *out_len)
{
    if (!charset_name_plain(charset))
        return NULL;
    if (strcasecmp(charset, conv->name) != 0) {
        charset_converter_close(conv);
        /* A name iconv does not know is remembered too: asked again, it
         * fails at once. */
        conv->cd = iconv_open("UTF-8", charset);
        memcpy(conv->name, charset, strlen(charset) + 1);
    }
    iconv_t cd = conv->cd;
    if (cd == (iconv_t)-1)
        return NULL;
    iconv(cd, NULL, NULL, NULL, NULL); /* the initial state, whatever the last text left */
    /* An input unit that cannot be read is skipped whole: two bytes in
     * UTF-16, one elsewhere (a multi-byte encoding resynchronises). */
    size_t unit = strncasecmp(charset, "UTF-16", 6) == 0 ? 2 : 1;
    size_t cap = 3 * len + 4;
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
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
    *dst = '\0';
    *out_len = (size_t)(dst - out);
    return csv_file_utf8_valid(out, *out_len) ? out : charset_repair(out, out_len);
}

char *charset_to_utf8(const char *charset, const char *in, size_t len, size_t *out_len)
{
    struct charset_converter conv;
    charset_converter_init(&conv);
    char *text = charset_converter_to_utf8(&conv, charset, in, len, out_len);
    charset_converter_close(&conv);
    return text;
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
