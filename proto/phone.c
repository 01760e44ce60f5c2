/* phone.c - see phone.h.
 *
 * One pass over the text with a small state: digits go to the number until
 * an extension mark or a pause starts the extension; everything else a
 * person writes between digits is a separator. Letters count only once
 * the number has begun ("+1-800-FLOWERS"): before that a word is a label
 * or an answer ("none", "n/a"), not a number. */
#include "phone.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define PHONE_TEXT_(x) #x
#define PHONE_TEXT(x)  PHONE_TEXT_(x)

static bool phone_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool phone_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The keypad digit of a letter. */
static char phone_keypad(char c)
{
    static const char keys[] = "22233344455566677778889999";
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    return keys[c - 'A'];
}

/* Whether a digit follows s, after blanks, dots and colons only. */
static bool phone_digit_follows(const char *s)
{
    while (*s == ' ' || *s == '.' || *s == ':')
        s++;
    return phone_digit(*s);
}

/* Length of an extension mark at s ("ext", "ext.", "extension", "x",
 * "#") that a digit follows, or 0: the x of "1-800-GO-FEDEX" is a letter.
 * The caller checks that the number has begun. */
static size_t phone_ext_mark(const char *s)
{
    size_t n = 0;
    if (strncasecmp(s, "extension", 9) == 0)
        n = 9;
    else if (strncasecmp(s, "ext", 3) == 0)
        n = 3;
    else if (s[0] == 'x' || s[0] == 'X' || s[0] == '#')
        n = 1;
    return n > 0 && phone_digit_follows(s + n) ? n : 0;
}

/* A pause or a wait: ',' ';' always, p or w (any case) between digits. */
static bool phone_pause(const char *s, bool after_digit)
{
    if (s[0] == ',' || s[0] == ';')
        return true;
    return after_digit && (s[0] == 'p' || s[0] == 'P' || s[0] == 'w' || s[0] == 'W') &&
           (phone_digit(s[1]) || s[1] == ',' || s[1] == ';');
}

struct phone_build {
    char *out;
    size_t n, max;
    bool overflow;
};

static void phone_put(struct phone_build *b, char c)
{
    if (b->n == b->max) {
        b->overflow = true;
        return;
    }
    b->out[b->n++] = c;
    b->out[b->n] = '\0';
}

/* What comes after "tel:" and before its parameters, and the ext= value. */
static const char *phone_uri(const char *text, const char **ext)
{
    *ext = NULL;
    while (strncasecmp(text, "tel:", 4) == 0)
        text += 4;
    for (const char *p = strchr(text, ';'); p != NULL; p = strchr(p + 1, ';'))
        if (strncasecmp(p + 1, "ext=", 4) == 0)
            *ext = p + 5;
    return text;
}

const char *phone_read(const char *text, struct phone *out)
{
    memset(out, 0, sizeof(*out));
    const char *uri_ext;
    bool uri = strncasecmp(text, "tel:", 4) == 0;
    const char *s = phone_uri(text, &uri_ext);
    struct phone_build num = {out->number, 0, FOLIO_PHONE_DIGITS_MAX + 1, false};
    struct phone_build ext = {out->extension, 0, FOLIO_PHONE_EXT_MAX, false};
    struct phone_build *cur = &num;
    size_t digits = 0;
    bool after_digit = false;
    for (; *s != '\0'; s++) {
        unsigned char u = (unsigned char)*s;
        size_t mark;
        if (uri && *s == ';')
            break; /* URI parameters: only ext= is read */
        if (phone_digit(*s)) {
            phone_put(cur, *s);
            digits += cur == &num;
            after_digit = true;
        } else if (u == 0xef && (unsigned char)s[1] == 0xbc && (unsigned char)s[2] >= 0x90 &&
                   (unsigned char)s[2] <= 0x99) {
            phone_put(cur, (char)('0' + ((unsigned char)s[2] - 0x90))); /* fullwidth */
            digits += cur == &num;
            after_digit = true;
            s += 2;
        } else if (*s == '+' && num.n == 0 && cur == &num) {
            phone_put(cur, '+');
        } else if (*s == '(' && s[1] == '0' && s[2] == ')' && num.n > 0 && num.out[0] == '+' &&
                   cur == &num) {
            s += 2; /* the trunk prefix, within an international number */
        } else if (cur == &num && digits > 0 && phone_pause(s, after_digit)) {
            cur = &ext;
            after_digit = false;
        } else if (cur == &num && digits > 0 && (mark = phone_ext_mark(s)) > 0) {
            cur = &ext;
            s += mark - 1;
            after_digit = false;
        } else if (phone_alpha(*s) && cur == &num && digits >= 3) {
            phone_put(cur, phone_keypad(*s));
            digits++;
            after_digit = true;
        } else if (phone_alpha(*s)) {
            return digits == 0 ? "not a phone number" : "letters in the number";
        } else {
            after_digit = false; /* a separator of any kind */
        }
    }
    if (uri_ext != NULL && ext.n == 0) {
        for (; *uri_ext != '\0' && *uri_ext != ';'; uri_ext++)
            if (phone_digit(*uri_ext))
                phone_put(&ext, *uri_ext);
    }
    if (digits == 0)
        return "no digits";
    if (digits < 3)
        return "fewer than 3 digits";
    if (num.overflow || digits > FOLIO_PHONE_DIGITS_MAX)
        return "more than " PHONE_TEXT(FOLIO_PHONE_DIGITS_MAX) " digits";
    if (ext.overflow)
        return "an extension of more than " PHONE_TEXT(FOLIO_PHONE_EXT_MAX) " digits";
    return NULL;
}

static const struct {
    const char *word, *type;
} phone_words[] = {
    {"cell", "mobile"},
    {"mobile", "mobile"},
    {"iphone", "mobile"},
    {"mobil", "mobile"},
    {"handy", "mobile"},
    {"celular", "mobile"},
    {"movil", "mobile"},
    {"m\xc3\xb3vil", "mobile"},
    {"portable", "mobile"},
    {"mobiltelefon", "mobile"},
    {"home", "home"},
    {"privat", "home"},
    {"private", "home"},
    {"casa", "home"},
    {"particular", "home"},
    {"domicile", "home"},
    {"hjem", "home"},
    {"work", "work"},
    {"business", "work"},
    {"company", "work"},
    {"arbeit", "work"},
    {"gesch\xc3\xa4"
     "ftlich",
     "work"},
    {"trabajo", "work"},
    {"travail", "work"},
    {"bureau", "work"},
    {"jobb", "work"},
    {"arbeid", "work"},
    {"fax", "fax"},
    {"telefax", "fax"},
    {"faks", "fax"},
    {"t\xc3\xa9l\xc3\xa9"
     "copie",
     "fax"},
};

const char *phone_type_word(const char *word, size_t len)
{
    for (size_t i = 0; i < sizeof(phone_words) / sizeof(phone_words[0]); i++)
        if (strlen(phone_words[i].word) == len && strncasecmp(word, phone_words[i].word, len) == 0)
            return phone_words[i].type;
    return NULL;
}

int phone_type_valid(const char *type)
{
    return type[0] == '\0' || strcmp(type, "mobile") == 0 || strcmp(type, "home") == 0 ||
           strcmp(type, "work") == 0 || strcmp(type, "fax") == 0;
}
