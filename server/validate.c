/* validate.c - see validate.h. */
#include "validate.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* lines: tab, CR and LF are text too (a body of many lines). */
static bool validate_utf8_printable(const unsigned char *s, size_t len, bool lines)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t extra;
        uint32_t cp;
        if (c < 0x80) {
            bool line_break = lines && (c == '\n' || c == '\r' || c == '\t');
            if ((c < 0x20 && !line_break) || c == 0x7f)
                return false;
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i <= extra)
            return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        /* Overlong forms, surrogates and C1 controls are not text. */
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
            (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff) ||
            (cp >= 0x80 && cp < 0xa0))
            return false;
        i += extra + 1;
    }
    return true;
}

static const char *validate_printable(const char *text, size_t max, bool lines)
{
    if (text == NULL || text[0] == '\0')
        return "must not be empty";
    size_t len = strnlen(text, max + 1);
    if (len > max)
        return "is too long";
    if (!validate_utf8_printable((const unsigned char *)text, len, lines))
        return lines ? "must be printable UTF-8 text (lines and tabs allowed)"
                     : "must be printable UTF-8 text";
    return NULL;
}

const char *validate_text(const char *text, size_t max)
{
    return validate_printable(text, max, false);
}

const char *validate_lines(const char *text, size_t max)
{
    return validate_printable(text, max, true);
}

const char *validate_user_name(char *name)
{
    if (name == NULL || name[0] == '\0')
        return "a user name must not be empty";
    size_t len = strnlen(name, VALIDATE_USER_NAME_MAX + 1);
    if (len > VALIDATE_USER_NAME_MAX)
        return "a user name has at most 64 characters";
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z')
            name[i] = (char)(c - 'A' + 'a');
    }
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (i == 0 && !alnum)
            return "a user name starts with a letter or a digit";
        if (!alnum && c != '.' && c != '_' && c != '-' && c != '@')
            return "a user name holds only letters, digits and . _ - @";
    }
    return NULL;
}

const char *validate_office_name(const char *name)
{
    const char *why = validate_text(name, VALIDATE_OFFICE_NAME_MAX);
    return why == NULL ? NULL : "an office name must be 1 to 100 bytes of printable text";
}

const char *validate_firm_name(const char *name)
{
    const char *why = validate_text(name, VALIDATE_FIRM_NAME_MAX);
    return why == NULL ? NULL : "a firm name must be 1 to 200 bytes of printable text";
}

const char *validate_password(const char *password)
{
    if (password == NULL)
        return "a password is required";
    size_t len = strnlen(password, VALIDATE_PASSWORD_MAX + 1);
    if (len < VALIDATE_PASSWORD_MIN)
        return "a password has at least 8 characters";
    if (len > VALIDATE_PASSWORD_MAX)
        return "a password has at most 1024 bytes";
    return NULL;
}

const char *validate_field(const char *text, size_t max, bool required,
                           const struct validate_msgs *msgs)
{
    if (text == NULL || text[0] == '\0')
        return required ? msgs->empty : NULL;
    if (validate_text(text, max) == NULL)
        return NULL;
    return strnlen(text, max + 1) > max ? msgs->too_long : msgs->not_text;
}
