/* vcard.c - a careful vCard reader and a 3.0/4.0 writer (Debian has no
 * maintained vCard library for C).
 *
 * The reader makes one pass over the file (converted to UTF-8 first when it
 * is UTF-16): it gathers a logical line (a physical line, its folded
 * continuations and its quoted-printable soft breaks) into a bounded
 * buffer, splits it into group, name, parameters and value, and fills the
 * card being read. Only the properties folio keeps are decoded at all; the
 * others are skipped however long or strange they are, which is what keeps
 * a card with a large PHOTO. Every string kept is copied into the caller's
 * arena, so the memory a file costs is bounded by the file itself. */
#include "vcard.h"

#include "charset.h"
#include "csv_file.h" /* csv_file_utf8_valid */
#include "phone.h"
#include "wire_limits.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VCARD_TEXT_(x) #x
#define VCARD_TEXT(x)  VCARD_TEXT_(x)

struct vcard_reader {
    struct arena *arena;
    struct vcard card;
    bool in_card;
    bool v21; /* VERSION:2.1: a backslash is text, except before ';' */
    uint32_t cards;
    uint32_t line; /* where the logical line being handled starts */
    char *buf;     /* the logical line */
    size_t len;
    bool too_long;
    bool nul;                      /* the logical line holds a NUL byte */
    bool qp;                       /* quoted-printable: a '=' at a line end joins the next line */
    struct charset_converter conv; /* the charset of the values last converted */
    int language_pref;             /* the PREF of the LANG kept (101 for none) */
};

/* What the parameters of one property say. */
struct vcard_params {
    bool qp, base64;
    const char *charset;  /* NULL: UTF-8 */
    const char *tel_type; /* the strongest type word of a TEL */
    int omit_year;        /* X-APPLE-OMIT-YEAR, or -1 */
    int pref;             /* PREF, 1 (most preferred) to 100; 0 when absent */
};

static void vcard_card_error(struct vcard_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The first problem of a card is the one reported; the card is not used. */
static void vcard_card_error(struct vcard_reader *r, const char *fmt, ...)
{
    if (r->card.error != NULL)
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    r->card.error = arena_printf(r->arena, "card %u (line %u): line %u: %s", r->card.number,
                                 r->card.line, r->line, msg);
    if (r->card.error == NULL)
        r->card.error = "out of memory";
}

static void vcard_card_note(struct vcard_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void vcard_card_note(struct vcard_reader *r, const char *fmt, ...)
{
    if (r->card.n_notes == VCARD_NOTES_MAX)
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    const char *note = arena_printf(r->arena, "line %u: %s", r->line, msg);
    if (note != NULL)
        r->card.notes[r->card.n_notes++] = note;
}

static int vcard_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)toupper((unsigned char)c);
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes =XX in place; a soft break "=" left at the end of the value is
 * dropped. Bytes that are not a valid escape stay as they are. */
static void vcard_qp_decode(char *s)
{
    char *out = s;
    for (char *p = s; *p != '\0'; p++) {
        if (*p == '=' && p[1] != '\0' && p[2] != '\0' && vcard_hex(p[1]) >= 0 &&
            vcard_hex(p[2]) >= 0) {
            *out++ = (char)(vcard_hex(p[1]) * 16 + vcard_hex(p[2]));
            p += 2;
        } else if (*p == '=' && p[1] == '\0') {
            break;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
}

/* Splits a structured value on unescaped `sep` (up to max parts, the rest
 * stays in the last) and undoes the text escapes of each part, in place.
 * vCard 2.1 escapes only ';': its other backslashes are text (C:\Users). */
static size_t vcard_split(char *value, char sep, char **parts, size_t max, bool v21)
{
    size_t n = 0;
    parts[n++] = value;
    char *out = value;
    const char stops[3] = {'\\', sep, '\0'};
    for (char *p = value; *p != '\0';) {
        /* Up to the next backslash or separator, as it is. */
        size_t run = strcspn(p, stops);
        memmove(out, p, run);
        out += run;
        p += run;
        if (*p == '\0')
            break;
        if (*p == '\\' && p[1] != '\0' && (!v21 || p[1] == ';')) {
            p++;
            *out++ = (*p == 'n' || *p == 'N') ? '\n' : *p;
        } else if (*p == sep && n < max) {
            *out++ = '\0';
            parts[n++] = out;
        } else {
            *out++ = *p;
        }
        p++;
    }
    *out = '\0';
    return n;
}

/* Trims blanks and line breaks around s in place; NULL for an empty
 * result. */
static char *vcard_trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t len = strlen(s);
    while (len > 0 &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
        s[--len] = '\0';
    return len > 0 ? s : NULL;
}

/* The bytes vcard_keep_text looks at one by one: control characters,
 * DEL, and the first byte of a C1 control. */
static const char vcard_not_plain[] = "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d"
                                      "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
                                      "\x1b\x1c\x1d\x1e\x1f\x7f\xc2";

/* A copy of s fit for a one-line field: line breaks (a multi-line street)
 * become `joiner`, other control characters (C0, DEL, C1) go. With
 * multi_line, line breaks stay as "\n". NULL for nothing left. */
static const char *vcard_keep_text(struct vcard_reader *r, char *s, const char *joiner,
                                   bool multi_line)
{
    s = vcard_trim(s);
    if (s == NULL)
        return NULL;
    size_t jl = strlen(joiner), len = strlen(s);
    char *out = arena_alloc(r->arena, len * (jl > 1 ? jl : 1) + 1);
    if (out == NULL) {
        vcard_card_error(r, "out of memory");
        return NULL;
    }
    size_t n = 0;
    bool pending = false;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        /* Bytes that are text as they are, copied in one go. */
        size_t run = strcspn((const char *)p, vcard_not_plain);
        if (run > 0) {
            if (pending && n > 0) {
                memcpy(out + n, multi_line ? "\n" : joiner, multi_line ? 1 : jl);
                n += multi_line ? 1 : jl;
            }
            pending = false;
            memcpy(out + n, p, run);
            n += run;
            p += run - 1;
            continue;
        }
        if (*p == '\r' || *p == '\n') {
            pending = true;
            continue;
        }
        if (pending && n > 0) {
            memcpy(out + n, multi_line ? "\n" : joiner, multi_line ? 1 : jl);
            n += multi_line ? 1 : jl;
        }
        pending = false;
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            continue;
        if (*p == '\t' && !multi_line) {
            out[n++] = ' ';
            continue;
        }
        if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            p++;
            continue;
        }
        out[n++] = (char)*p;
    }
    out[n] = '\0';
    while (n > 0 && out[n - 1] == ' ')
        out[--n] = '\0';
    return n > 0 ? out : NULL;
}

static const char *vcard_keep(struct vcard_reader *r, char *s)
{
    return vcard_keep_text(r, s, " ", false);
}

static bool vcard_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static int vcard_num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool vcard_month_day_ok(int year, int m, int d)
{
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    bool leap = year < 0 || (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

/* BDAY as YYYY-MM-DD or --MM-DD, or a note saying why it was left out.
 * Forms: YYYY-MM-DD, YYYYMMDD, YYYY.MM.DD, YYYY/MM/DD (each with a time
 * after T or a space), --MMDD, --MM-DD. */
static void vcard_bday(struct vcard_reader *r, char *value, const struct vcard_params *pm)
{
    char *v = vcard_trim(value);
    if (v == NULL)
        return;
    v[strcspn(v, "T ")] = '\0';
    size_t len = strlen(v);
    int y = -1, m = 0, d = 0;
    if (len == 10 && vcard_digits(v, 4) && strchr("-./", v[4]) != NULL && v[7] == v[4] &&
        vcard_digits(v + 5, 2) && vcard_digits(v + 8, 2)) {
        y = vcard_num(v, 4), m = vcard_num(v + 5, 2), d = vcard_num(v + 8, 2);
    } else if (len == 8 && vcard_digits(v, 8)) {
        y = vcard_num(v, 4), m = vcard_num(v + 4, 2), d = vcard_num(v + 6, 2);
    } else if (len == 6 && strncmp(v, "--", 2) == 0 && vcard_digits(v + 2, 4)) {
        m = vcard_num(v + 2, 2), d = vcard_num(v + 4, 2);
    } else if (len == 7 && strncmp(v, "--", 2) == 0 && vcard_digits(v + 2, 2) && v[4] == '-' &&
               vcard_digits(v + 5, 2)) {
        m = vcard_num(v + 2, 2), d = vcard_num(v + 5, 2);
    } else {
        vcard_card_note(r, "BDAY \"%.40s\": not a date with a month and a day: left out", v);
        return;
    }
    if (!vcard_month_day_ok(y, m, d)) {
        vcard_card_note(r, "BDAY \"%.40s\": not a real date: left out", v);
        return;
    }
    if (y >= 0 && (y == pm->omit_year || y < 1900)) {
        if (y != pm->omit_year)
            vcard_card_note(r, "BDAY \"%.40s\": a year before 1900: month and day kept", v);
        y = -1;
    }
    r->card.bday = y < 0 ? arena_printf(r->arena, "--%02d-%02d", m, d)
                         : arena_printf(r->arena, "%04d-%02d-%02d", y, m, d);
}

/* Drops every URI scheme a value carries ("mailto:", even twice): once
 * read, a value never starts with it, so an export read back is stable. */
static char *vcard_unscheme(char *v, const char *scheme)
{
    size_t n = strlen(scheme);
    while (v != NULL && strncasecmp(v, scheme, n) == 0)
        v = vcard_trim(v + n);
    return v;
}

static void vcard_add_email(struct vcard_reader *r, char *value)
{
    char *part[1];
    vcard_split(value, ';', part, 1, r->v21);
    char *v = vcard_unscheme(vcard_trim(part[0]), "mailto:");
    const char *kept = v != NULL ? vcard_keep(r, v) : NULL;
    if (kept == NULL)
        return;
    if (r->card.n_emails == VCARD_VALUES_MAX) {
        vcard_card_note(r, "EMAIL: more than %d: the rest left out", VCARD_VALUES_MAX);
        return;
    }
    r->card.emails[r->card.n_emails++] = kept;
}

static void vcard_add_tel(struct vcard_reader *r, char *value, const struct vcard_params *pm)
{
    char *part[1];
    /* A tel: URI keeps its ;ext= for phone_read: no splitting on ';'. */
    vcard_split(value, '\0', part, 1, r->v21);
    const char *kept = vcard_keep(r, part[0]);
    if (kept == NULL)
        return;
    if (r->card.n_tels == VCARD_VALUES_MAX) {
        vcard_card_note(r, "TEL: more than %d: the rest left out", VCARD_VALUES_MAX);
        return;
    }
    r->card.tels[r->card.n_tels++] = (struct vcard_tel){.number = kept, .type = pm->tel_type};
}

static void vcard_adr(struct vcard_reader *r, char *value)
{
    struct vcard *c = &r->card;
    if (c->street != NULL || c->city != NULL || c->region != NULL || c->postal_code != NULL ||
        c->country != NULL) {
        vcard_card_note(r, "ADR: more than one: the first kept");
        return;
    }
    char *part[7] = {0};
    size_t n = vcard_split(value, ';', part, 7, r->v21);
    /* The extended address (flat, c/o) reads as part of the street; the
     * post office box is left out. */
    char *street = n > 2 ? vcard_trim(part[2]) : NULL;
    char *ext = n > 1 ? vcard_trim(part[1]) : NULL;
    if (street != NULL && ext != NULL) {
        char *both = arena_printf(r->arena, "%s, %s", street, ext);
        c->street = both != NULL ? vcard_keep_text(r, both, ", ", false) : NULL;
    } else if (street != NULL || ext != NULL) {
        c->street = vcard_keep_text(r, street != NULL ? street : ext, ", ", false);
    }
    c->city = n > 3 ? vcard_keep(r, part[3]) : NULL;
    c->region = n > 4 ? vcard_keep(r, part[4]) : NULL;
    c->postal_code = n > 5 ? vcard_keep(r, part[5]) : NULL;
    c->country = n > 6 ? vcard_keep(r, part[6]) : NULL;
}

static void vcard_org(struct vcard_reader *r, char *value)
{
    char *part[4] = {0};
    size_t n = vcard_split(value, ';', part, 4, r->v21);
    const char *org = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *p = vcard_keep(r, part[i]);
        if (p != NULL)
            org = org == NULL ? p : arena_printf(r->arena, "%s, %s", org, p);
    }
    if (org != NULL)
        r->card.org = org;
}

static void vcard_categories(struct vcard_reader *r, char *value)
{
    char *part[VCARD_CATEGORIES_MAX + 1] = {0};
    size_t n = vcard_split(value, ',', part, VCARD_CATEGORIES_MAX + 1, r->v21);
    for (size_t i = 0; i < n; i++) {
        const char *tag = vcard_keep(r, part[i]);
        if (tag == NULL)
            continue;
        if (r->card.n_categories == VCARD_CATEGORIES_MAX || i == VCARD_CATEGORIES_MAX) {
            vcard_card_note(r, "CATEGORIES: more than %d: the rest left out", VCARD_CATEGORIES_MAX);
            return;
        }
        r->card.categories[r->card.n_categories++] = tag;
    }
}

/* Of several LANGs the one with the lowest PREF is kept, else the first. */
static void vcard_lang(struct vcard_reader *r, char *value, const struct vcard_params *pm)
{
    int pref = pm->pref > 0 ? pm->pref : 101;
    if (r->card.language != NULL && pref >= r->language_pref)
        return;
    const char *language = vcard_keep(r, value);
    if (language != NULL) {
        r->card.language = language;
        r->language_pref = pref;
    }
}

static void vcard_note_prop(struct vcard_reader *r, char *value)
{
    struct vcard *c = &r->card;
    char *part[1];
    vcard_split(value, '\0', part, 1, r->v21);
    const char *note = vcard_keep_text(r, part[0], "\n", true);
    /* NOTEs are joined into the client's notes, which hold what the
     * server takes: unbounded, they would also make an export whose one
     * NOTE is too long to read back. */
    size_t had = c->note != NULL ? strlen(c->note) + 1 : 0;
    if (note != NULL && had + strlen(note) > FOLIO_NOTES_MAX)
        vcard_card_note(r, "NOTE: beyond " VCARD_TEXT(FOLIO_NOTES_MAX) " bytes in all: left out");
    else if (note != NULL)
        c->note = c->note == NULL ? note : arena_printf(r->arena, "%s\n%s", c->note, note);
}

static const char *const vcard_kept[] = {"FN",  "N",     "BDAY", "TEL",        "EMAIL",   "ADR",
                                         "ORG", "TITLE", "NOTE", "CATEGORIES", "VERSION", "LANG"};

static bool vcard_is_kept(const char *name)
{
    int first = toupper((unsigned char)name[0]);
    for (size_t i = 0; i < sizeof(vcard_kept) / sizeof(vcard_kept[0]); i++)
        if (vcard_kept[i][0] == first && strcasecmp(name, vcard_kept[i]) == 0)
            return true;
    return false;
}

static void vcard_property(struct vcard_reader *r, const char *name, char *value,
                           const struct vcard_params *pm)
{
    struct vcard *c = &r->card;
    char *part[5] = {0};
    if (strcasecmp(name, "VERSION") == 0) {
        char *v = vcard_trim(value);
        r->v21 = v != NULL && strncmp(v, "2.", 2) == 0;
    } else if (strcasecmp(name, "FN") == 0) {
        vcard_split(value, '\0', part, 1, r->v21);
        const char *fn = vcard_keep(r, part[0]);
        if (fn != NULL)
            c->fn = fn;
    } else if (strcasecmp(name, "N") == 0) {
        size_t n = vcard_split(value, ';', part, 5, r->v21);
        c->family = vcard_keep(r, part[0]);
        c->given = n > 1 ? vcard_keep(r, part[1]) : NULL;
        /* Middle names belong to the name a person is called by. */
        const char *middle = n > 2 ? vcard_keep(r, part[2]) : NULL;
        if (middle != NULL && c->given != NULL)
            c->given = arena_printf(r->arena, "%s %s", c->given, middle);
    } else if (strcasecmp(name, "BDAY") == 0) {
        vcard_bday(r, value, pm);
    } else if (strcasecmp(name, "TEL") == 0) {
        vcard_add_tel(r, value, pm);
    } else if (strcasecmp(name, "EMAIL") == 0) {
        vcard_add_email(r, value);
    } else if (strcasecmp(name, "ADR") == 0) {
        vcard_adr(r, value);
    } else if (strcasecmp(name, "ORG") == 0) {
        vcard_org(r, value);
    } else if (strcasecmp(name, "TITLE") == 0) {
        vcard_split(value, '\0', part, 1, r->v21);
        const char *title = vcard_keep(r, part[0]);
        if (title != NULL)
            c->title = title;
    } else if (strcasecmp(name, "CATEGORIES") == 0) {
        vcard_categories(r, value);
    } else if (strcasecmp(name, "NOTE") == 0) {
        vcard_note_prop(r, value);
    } else if (strcasecmp(name, "LANG") == 0) {
        vcard_lang(r, value, pm);
    }
}

static int vcard_end_card(struct vcard_reader *r, vcard_fn fn, void *ctx)
{
    if (r->card.error == NULL && r->card.fn == NULL && r->card.family == NULL &&
        r->card.given == NULL && r->card.org == NULL)
        vcard_card_error(r, "no name (FN, N or ORG)");
    r->in_card = false;
    r->v21 = false;
    return fn(ctx, &r->card);
}

/* The type of a TEL: the strongest of its words (fax, then mobile, then
 * work, then home: a work fax is a fax, a work mobile a mobile). */
static const char *vcard_stronger(const char *had, const char *word)
{
    static const char *const order[] = {"fax", "mobile", "work", "home"};
    if (had == NULL)
        return word;
    for (size_t i = 0; i < 4; i++)
        if (strcmp(had, order[i]) == 0 || strcmp(word, order[i]) == 0)
            return order[i];
    return had;
}

/* Reads the parameters: NAME=v1,v2 or, in 2.1, a bare value (CELL,
 * QUOTED-PRINTABLE). Quotes around a value are dropped. */
static void vcard_params(char *params, struct vcard_params *pm)
{
    memset(pm, 0, sizeof(*pm));
    pm->omit_year = -1;
    for (char *p = params; p != NULL && *p != '\0';) {
        char *next = strchr(p, ';');
        if (next != NULL)
            *next++ = '\0';
        char *eq = strchr(p, '=');
        char *pv = eq != NULL ? eq + 1 : p;
        if (eq != NULL)
            *eq = '\0';
        const char *pname = eq != NULL ? p : "TYPE";
        if (*pv == '"') {
            pv++;
            pv[strcspn(pv, "\"")] = '\0';
        }
        if (strcasecmp(pname, "ENCODING") == 0 ||
            (eq == NULL && strcasecmp(pv, "QUOTED-PRINTABLE") == 0)) {
            pm->qp = pm->qp || strcasecmp(pv, "QUOTED-PRINTABLE") == 0;
            pm->base64 = pm->base64 || strcasecmp(pv, "B") == 0 || strcasecmp(pv, "BASE64") == 0;
        } else if (strcasecmp(pname, "CHARSET") == 0) {
            pm->charset = pv;
        } else if (strcasecmp(pname, "PREF") == 0) {
            size_t n = strlen(pv);
            int pref = n >= 1 && n <= 3 && vcard_digits(pv, n) ? atoi(pv) : 0;
            pm->pref = pref >= 1 && pref <= 100 ? pref : 0;
        } else if (strcasecmp(pname, "X-APPLE-OMIT-YEAR") == 0) {
            pm->omit_year = vcard_digits(pv, strlen(pv)) && strlen(pv) == 4 ? atoi(pv) : -1;
        } else if (strcasecmp(pname, "TYPE") == 0) {
            for (char *w = pv; *w != '\0';) {
                size_t n = strcspn(w, ",");
                const char *type = phone_type_word(w, n);
                if (type != NULL)
                    pm->tel_type = vcard_stronger(pm->tel_type, type);
                w += n + (w[n] == ',');
            }
        }
        p = next;
    }
}

/* The value in UTF-8, decoded from its charset (or windows-1252 when it
 * names none and is not UTF-8). NULL, with a note, when it cannot be. */
static char *vcard_utf8(struct vcard_reader *r, const char *name, char *value,
                        const struct vcard_params *pm)
{
    size_t len = strlen(value);
    const char *charset = pm->charset;
    if (charset != NULL && (strcasecmp(charset, "UTF-8") == 0 || strcasecmp(charset, "UTF8") == 0 ||
                            strcasecmp(charset, "US-ASCII") == 0))
        charset = NULL;
    if (charset == NULL && csv_file_utf8_valid(value, len))
        return value;
    size_t out_len;
    char *text = charset_converter_to_utf8(&r->conv, charset != NULL ? charset : "WINDOWS-1252",
                                           value, len, &out_len);
    if (text == NULL && charset != NULL) {
        vcard_card_note(r, "%s: CHARSET %.40s unknown: read as windows-1252", name, charset);
        text = charset_converter_to_utf8(&r->conv, "WINDOWS-1252", value, len, &out_len);
    }
    char *kept = text != NULL ? arena_alloc(r->arena, out_len + 1) : NULL;
    if (kept != NULL)
        memcpy(kept, text, out_len + 1);
    free(text);
    if (kept == NULL)
        vcard_card_error(r, "out of memory");
    return kept;
}

/* Whether text (not NUL-terminated, n bytes) has `word` before its first
 * ':', ignoring case. */
static bool vcard_header_has(const char *text, size_t n, const char *word)
{
    size_t wl = strlen(word);
    const char *colon = memchr(text, ':', n);
    size_t end = colon != NULL ? (size_t)(colon - text) : n;
    int first = tolower((unsigned char)word[0]);
    for (size_t i = 0; i + wl <= end; i++)
        if (tolower((unsigned char)text[i]) == first && strncasecmp(text + i, word, wl) == 0)
            return true;
    return false;
}

/* One logical line: [group.]name[;param...]:value. */
static int vcard_line(struct vcard_reader *r, vcard_fn fn, void *ctx, char *err, size_t err_size)
{
    char *s = r->buf;
    if (r->len == 0)
        return 0;
    /* A CR inside a line of an LF file is noise (line ends are read
     * before): dropped here, once, so no value starts or ends with one. */
    char *cr = memchr(s, '\r', r->len);
    if (cr != NULL) {
        size_t kept = (size_t)(cr - s);
        for (size_t i = kept; i < r->len; i++)
            if (s[i] != '\r')
                s[kept++] = s[i];
        s[kept] = '\0';
    }
    /* The value starts at the first ':' outside a quoted parameter value. */
    char *colon = NULL;
    bool quoted = false;
    for (char *p = s + strcspn(s, "\":"); *p != '\0'; p += 1 + strcspn(p + 1, "\":")) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted) {
            colon = p;
            break;
        }
    }
    if (colon == NULL)
        return 0; /* a stray line (base64 of a PHOTO, a blank) */
    *colon = '\0';
    char *value = colon + 1;
    char *params = strchr(s, ';');
    if (params != NULL)
        *params++ = '\0';
    char *name = strrchr(s, '.');
    name = vcard_trim(name != NULL ? name + 1 : s);
    if (name == NULL)
        return 0;

    const char *word = vcard_trim(value);
    if (word == NULL)
        word = "";
    if (strcasecmp(name, "BEGIN") == 0 && strcasecmp(word, "VCARD") == 0) {
        if (r->in_card) {
            vcard_card_note(r, "BEGIN:VCARD before the END:VCARD of the card before");
            int rc = vcard_end_card(r, fn, ctx);
            if (rc != 0)
                return rc;
        }
        if (r->cards == VCARD_CARDS_MAX) {
            snprintf(err, err_size, "line %u: more than %d cards", r->line, VCARD_CARDS_MAX);
            return -1;
        }
        memset(&r->card, 0, sizeof(r->card));
        r->card.number = ++r->cards;
        r->card.line = r->line;
        r->in_card = true;
        return 0;
    }
    if (!r->in_card)
        return 0; /* text between cards */
    if (strcasecmp(name, "END") == 0 && strcasecmp(word, "VCARD") == 0)
        return vcard_end_card(r, fn, ctx);
    /* Whatever folio does not keep is skipped, however long and whatever
     * its bytes: a PHOTO, an X- property. */
    if (!vcard_is_kept(name))
        return 0;
    if (r->too_long) {
        vcard_card_note(r, "%s: longer than %d bytes: left out", name, VCARD_LINE_MAX);
        return 0;
    }
    if (r->nul) {
        vcard_card_note(r, "%s: holds a NUL byte: left out", name);
        return 0;
    }
    struct vcard_params pm;
    vcard_params(params, &pm);
    if (pm.base64) {
        vcard_card_note(r, "%s: base64 text is not read: left out", name);
        return 0;
    }
    if (pm.qp) {
        vcard_qp_decode(value);
        if (memchr(value, '\0', strlen(value)) != NULL) /* "=00" */
            return 0;
    }
    value = vcard_utf8(r, name, value, &pm);
    if (value != NULL)
        vcard_property(r, name, value, &pm);
    return 0;
}

static int vcard_flush(struct vcard_reader *r, vcard_fn fn, void *ctx, char *err, size_t err_size)
{
    r->buf[r->len] = '\0';
    int rc = vcard_line(r, fn, ctx, err, err_size);
    r->len = 0;
    r->too_long = false;
    r->nul = false;
    r->qp = false;
    return rc;
}

/* What does not fit is dropped, and the line marked too long: its start
 * still names the property, for the note (or for skipping it). */
static void vcard_append(struct vcard_reader *r, const char *text, size_t n)
{
    if (r->len + n > VCARD_LINE_MAX) {
        r->too_long = true;
        n = VCARD_LINE_MAX - r->len;
    }
    if (memchr(text, '\0', n) != NULL)
        r->nul = true;
    memcpy(r->buf + r->len, text, n);
    r->len += n;
}

static int vcard_read_utf8(const char *data, size_t len, struct vcard_reader *r, vcard_fn fn,
                           void *ctx, char *err, size_t err_size)
{
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    /* A file without a single LF ends its lines with CR (classic Mac OS). */
    char eol = memchr(data, '\n', len) == NULL ? '\r' : '\n';
    uint32_t line = 1;
    int rc = 0;
    while (i < len && rc == 0) {
        const char *nl = memchr(data + i, eol, len - i);
        size_t end = nl != NULL ? (size_t)(nl - data) : len;
        size_t n = end - i;
        if (n > 0 && data[end - 1] == '\r')
            n--;
        const char *text = data + i;
        bool open = r->len > 0 || r->too_long;
        if (open && r->qp && r->len > 0 && r->buf[r->len - 1] == '=') {
            r->len--; /* a quoted-printable soft line break */
        } else if (open && n > 0 && (text[0] == ' ' || text[0] == '\t')) {
            text++; /* a continuation of the line before */
            n--;
        } else {
            if ((rc = vcard_flush(r, fn, ctx, err, err_size)) != 0)
                break;
            r->line = line;
            r->qp = vcard_header_has(text, n, "QUOTED-PRINTABLE");
        }
        vcard_append(r, text, n);
        i = nl != NULL ? end + 1 : len;
        line++;
    }
    if (rc == 0)
        rc = vcard_flush(r, fn, ctx, err, err_size);
    if (rc == 0 && r->in_card) {
        r->line = line;
        vcard_card_note(r, "no END:VCARD at the end of the file");
        rc = vcard_end_card(r, fn, ctx);
    }
    if (rc == 0 && r->cards == 0) {
        snprintf(err, err_size, "no vCard found (BEGIN:VCARD)");
        rc = -1;
    }
    return rc;
}

int vcard_read(const char *data, size_t len, struct arena *arena, vcard_fn fn, void *ctx, char *err,
               size_t err_size)
{
    struct vcard_reader r = {.arena = arena};
    if (err_size > 0)
        err[0] = '\0';
    r.buf = malloc(VCARD_LINE_MAX + 1);
    if (r.buf == NULL) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    size_t skip;
    const char *utf16 = charset_utf16(data, len, &skip);
    char *converted = NULL;
    if (utf16 != NULL) {
        size_t n;
        converted = charset_to_utf8(utf16, data + skip, len - skip, &n);
        if (converted == NULL) {
            free(r.buf);
            snprintf(err, err_size, "out of memory");
            return -1;
        }
        data = converted;
        len = n;
    }
    charset_converter_init(&r.conv);
    int rc = vcard_read_utf8(data, len, &r, fn, ctx, err, err_size);
    charset_converter_close(&r.conv);
    free(converted);
    free(r.buf);
    return rc;
}

/* ---------------------------------------------------------------- writing */

struct vcard_writer {
    FILE *out;
    size_t col; /* octets on the current physical line */
    bool failed;
};

/* Starts a continuation line when the next byte would pass 75 octets, but
 * never between the bytes of one UTF-8 sequence. */
static void vcard_put(struct vcard_writer *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        /* ASCII that fits on the line goes out as it is, in one write. */
        size_t most = w->col < 75 ? 75 - w->col : 0, run = 0;
        if (most > n - i)
            most = n - i;
        while (run < most && (unsigned char)s[i + run] < 0x80)
            run++;
        if (run > 0) {
            if (fwrite(s + i, 1, run, w->out) != run)
                w->failed = true;
            w->col += run;
            i += run;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        size_t seq = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        if ((c & 0xc0) != 0x80 && w->col + seq > 75) {
            if (fputs("\r\n ", w->out) == EOF)
                w->failed = true;
            w->col = 1;
        }
        if (fputc(c, w->out) == EOF)
            w->failed = true;
        w->col++;
        i++;
    }
}

static void vcard_put_text(struct vcard_writer *w, const char *s)
{
    while (s != NULL && *s != '\0') {
        size_t run = strcspn(s, "\\;,\n\r");
        vcard_put(w, s, run);
        s += run;
        switch (*s) {
        case '\\':
            vcard_put(w, "\\\\", 2);
            break;
        case ';':
            vcard_put(w, "\\;", 2);
            break;
        case ',':
            vcard_put(w, "\\,", 2);
            break;
        case '\n':
            vcard_put(w, "\\n", 2);
            break;
        case '\r':
            break;
        default:
            return; /* the end */
        }
        s++;
    }
}

static void vcard_end_line(struct vcard_writer *w)
{
    if (fputs("\r\n", w->out) == EOF)
        w->failed = true;
    w->col = 0;
}

static void vcard_put_prop(struct vcard_writer *w, const char *name, const char *value)
{
    if (value == NULL || value[0] == '\0')
        return;
    vcard_put(w, name, strlen(name));
    vcard_put(w, ":", 1);
    vcard_put_text(w, value);
    vcard_end_line(w);
}

static void vcard_put_list(struct vcard_writer *w, const char *name, const char *const *values,
                           size_t n)
{
    if (n == 0)
        return;
    vcard_put(w, name, strlen(name));
    vcard_put(w, ":", 1);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            vcard_put(w, ",", 1);
        vcard_put_text(w, values[i]);
    }
    vcard_end_line(w);
}

/* 4.0: TEL;TYPE=cell;VALUE=uri:tel:+15551234;ext=12. 3.0: TEL;TYPE=CELL:
 * +15551234 x12, the text phones show and read. The 4.0 type words are
 * lower case, 3.0's upper case, as each RFC writes them. */
static void vcard_put_tel(struct vcard_writer *w, const struct vcard_tel *tel, int version)
{
    if (tel->number == NULL || tel->number[0] == '\0')
        return;
    const char *type = tel->type == NULL                  ? NULL
                       : strcmp(tel->type, "mobile") == 0 ? "cell"
                       : strcmp(tel->type, "fax") == 0    ? "fax"
                       : strcmp(tel->type, "home") == 0   ? "home"
                       : strcmp(tel->type, "work") == 0   ? "work"
                                                          : NULL;
    vcard_put(w, "TEL", 3);
    if (type != NULL) {
        vcard_put(w, ";TYPE=", 6);
        for (const char *p = type; *p != '\0'; p++) {
            char c = version == 3 ? (char)toupper((unsigned char)*p) : *p;
            vcard_put(w, &c, 1);
        }
    }
    bool ext = tel->extension != NULL && tel->extension[0] != '\0';
    if (version == 4) {
        vcard_put(w, ";VALUE=uri:tel:", 15);
        vcard_put(w, tel->number, strlen(tel->number));
        if (ext) {
            vcard_put(w, ";ext=", 5);
            vcard_put(w, tel->extension, strlen(tel->extension));
        }
    } else {
        vcard_put(w, ":", 1);
        vcard_put_text(w, tel->number);
        if (ext) {
            vcard_put(w, " x", 2);
            vcard_put_text(w, tel->extension);
        }
    }
    vcard_end_line(w);
}

/* YYYYMMDD; a birthday without a year as --MMDD (4.0) or, in 3.0, which
 * has no such form, Apple's 1604 with X-APPLE-OMIT-YEAR. */
static void vcard_put_bday(struct vcard_writer *w, const char *bday, int version)
{
    char text[48];
    if (bday == NULL)
        return;
    if (strlen(bday) == 10)
        snprintf(text, sizeof(text), "BDAY:%.4s%.2s%.2s", bday, bday + 5, bday + 8);
    else if (strlen(bday) == 7 && strncmp(bday, "--", 2) == 0 && version == 4)
        snprintf(text, sizeof(text), "BDAY:--%.2s%.2s", bday + 2, bday + 5);
    else if (strlen(bday) == 7 && strncmp(bday, "--", 2) == 0)
        snprintf(text, sizeof(text), "BDAY;X-APPLE-OMIT-YEAR=1604:1604-%.2s-%.2s", bday + 2,
                 bday + 5);
    else
        return;
    vcard_put(w, text, strlen(text));
    vcard_end_line(w);
}

int vcard_write(FILE *out, const struct vcard *card, int version)
{
    struct vcard_writer w = {.out = out};
    vcard_put(&w, "BEGIN:VCARD", 11);
    vcard_end_line(&w);
    vcard_put(&w, version == 3 ? "VERSION:3.0" : "VERSION:4.0", 11);
    vcard_end_line(&w);
    vcard_put(&w, "FN:", 3);
    if (card->fn != NULL) {
        vcard_put_text(&w, card->fn);
    } else {
        vcard_put_text(&w, card->given);
        if (card->given != NULL && card->family != NULL)
            vcard_put(&w, " ", 1);
        vcard_put_text(&w, card->family);
    }
    vcard_end_line(&w);
    /* 3.0 requires N; 4.0 readers (phones) sort by it. */
    vcard_put(&w, "N:", 2);
    vcard_put_text(&w, card->family);
    vcard_put(&w, ";", 1);
    vcard_put_text(&w, card->given);
    vcard_put(&w, ";;;", 3);
    vcard_end_line(&w);
    vcard_put_bday(&w, card->bday, version);
    for (size_t i = 0; i < card->n_tels && i < VCARD_VALUES_MAX; i++)
        vcard_put_tel(&w, &card->tels[i], version);
    for (size_t i = 0; i < card->n_emails && i < VCARD_VALUES_MAX; i++)
        vcard_put_prop(&w, "EMAIL", card->emails[i]);
    if (card->street != NULL || card->city != NULL || card->region != NULL ||
        card->postal_code != NULL || card->country != NULL) {
        const char *parts[5] = {card->street, card->city, card->region, card->postal_code,
                                card->country};
        vcard_put(&w, "ADR:;;", 6);
        for (size_t i = 0; i < 5; i++) {
            if (i > 0)
                vcard_put(&w, ";", 1);
            vcard_put_text(&w, parts[i]);
        }
        vcard_end_line(&w);
    }
    vcard_put_prop(&w, "ORG", card->org);
    vcard_put_prop(&w, "TITLE", card->title);
    if (version == 4) /* 3.0 has no LANG */
        vcard_put_prop(&w, "LANG", card->language);
    vcard_put_list(&w, "CATEGORIES", card->categories,
                   card->n_categories < VCARD_CATEGORIES_MAX ? card->n_categories
                                                             : VCARD_CATEGORIES_MAX);
    vcard_put_prop(&w, "NOTE", card->note);
    vcard_put(&w, "END:VCARD", 9);
    vcard_end_line(&w);
    return w.failed ? -1 : 0;
}
