/* charset.h - text in other encodings to UTF-8, through iconv.
 *
 * Address books write vCards and CSV in the encoding of their platform:
 * vCard 2.1 names it per property (CHARSET=ISO-8859-1, Shift_JIS), Outlook
 * and Excel write windows-1252 or UTF-16 files without saying so. Bytes the
 * encoding does not define become U+FFFD, so a damaged file still yields
 * the rest of its text. */
#ifndef FOLIO_CHARSET_H
#define FOLIO_CHARSET_H

#include <iconv.h>
#include <stdbool.h>
#include <stddef.h>

#define CHARSET_NAME_MAX 40 /* bytes of the longest charset name taken */

/* The text of in[0..len) in charset (any name iconv knows: "ISO-8859-1",
 * "windows-1252", "SHIFT_JIS", "UTF-16LE", ...) as valid UTF-8, in a new
 * NUL-terminated buffer (free() it), its length in *out_len: at most
 * 3 * len + 3 bytes, or three times that when iconv let through bytes that
 * are not UTF-8 and they became U+FFFD. NULL when charset is not a plain
 * name (letters, digits, "-_.:+()", at most CHARSET_NAME_MAX bytes), iconv
 * does not know it, or memory runs out. */
char *charset_to_utf8(const char *charset, const char *in, size_t len, size_t *out_len);

/* The same, through a conversion kept open from one call to the next while
 * the charset stays the same: a vCard 2.1 names its charset on every
 * property, and opening a conversion costs more than converting a value.
 * One converter per file being read (it is not for sharing between
 * threads); charset_converter_close when the file is done. */
struct charset_converter {
    char name[CHARSET_NAME_MAX + 1]; /* the charset last asked for, "" at first */
    iconv_t cd;                      /* its conversion, (iconv_t)-1 when iconv does not know it */
};
void charset_converter_init(struct charset_converter *conv);
void charset_converter_close(struct charset_converter *conv);
char *charset_converter_to_utf8(struct charset_converter *conv, const char *charset, const char *in,
                                size_t len, size_t *out_len);

/* "UTF-16LE" or "UTF-16BE" when data looks like UTF-16 text: a byte order
 * mark (skipped: *skip is 2), or, without one, a NUL in every other byte of
 * the first ones, as ASCII text in UTF-16 has. NULL (and *skip 0) when not. */
const char *charset_utf16(const char *data, size_t len, size_t *skip);

#endif
