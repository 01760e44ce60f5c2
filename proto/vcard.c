/* vcard.c - a careful vCard reader and a 4.0 writer (Debian has no
 * maintained vCard library for C).
 *
 * The reader makes one pass over the file: it gathers a logical line
 * (a physical line and its folded continuations) into a bounded buffer,
 * splits it into group, name, parameters and value, and fills the card
 * being read. Every string kept is copied into the caller's arena, so the
 * memory a file costs is bounded by the file itself. */
#include "vcard.h"

#include "csv_file.h" /* csv_file_utf8_valid */
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
    uint32_t cards;
    uint32_t line; /* where the logical line being handled starts */
    char *buf;     /* the logical line */
    size_t len;
    bool too_long;
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

static void vcard_card_note(struct vcard_reader *r, const char *msg)
{
    if (r->card.n_notes < VCARD_NOTES_MAX) {
        const char *note = arena_printf(r->arena, "line %u: %s", r->line, msg);
        if (note != NULL)
            r->card.notes[r->card.n_notes++] = note;
    }
}

static int vcard_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)toupper((unsigned char)c);
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes =XX in place; a soft break "=" at the end of the value is
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

/* Splits a structured value on unescaped ';' (up to max parts, the rest
 * stays in the last) and undoes the text escapes of each part, in place. */
static size_t vcard_split(char *value, char **parts, size_t max)
{
    size_t n = 0;
    parts[n++] = value;
    char *out = value;
    for (char *p = value; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            *out++ = (*p == 'n' || *p == 'N') ? '\n' : *p;
        } else if (*p == ';' && n < max) {
            *out++ = '\0';
            parts[n++] = out;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
    return n;
}

/* Trims spaces around s in place; NULL for an empty result. */
static char *vcard_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        s[--len] = '\0';
    return len > 0 ? s : NULL;
}

static const char *vcard_keep(struct vcard_reader *r, char *s)
{
    s = vcard_trim(s);
    if (s == NULL)
        return NULL;
    const char *copy = arena_strdup(r->arena, s);
    if (copy == NULL)
        vcard_card_error(r, "out of memory");
    return copy;
}

static bool vcard_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* BDAY as YYYY-MM-DD, or a note saying why it was left out. The date is
 * checked for shape only: the server decides whether it is a real day. */
static void vcard_bday(struct vcard_reader *r, char *value)
{
    char *v = vcard_trim(value);
    if (v == NULL)
        return;
    char *t = strchr(v, 'T');
    if (t != NULL)
        *t = '\0';
    char date[11];
    size_t len = strlen(v);
    if (len == 10 && vcard_digits(v, 4) && v[4] == '-' && vcard_digits(v + 5, 2) && v[7] == '-' &&
        vcard_digits(v + 8, 2)) {
        memcpy(date, v, 11);
    } else if (len == 8 && vcard_digits(v, 8)) {
        snprintf(date, sizeof(date), "%.4s-%.2s-%.2s", v, v + 4, v + 6);
    } else if (strncmp(v, "--", 2) == 0) {
        vcard_card_note(r, "birthday without a year left out");
        return;
    } else {
        vcard_card_note(r, "BDAY is not a date (YYYY-MM-DD or YYYYMMDD): left out");
        return;
    }
    r->card.bday = arena_strdup(r->arena, date);
}

/* Drops a URI scheme a 4.0 value may carry ("tel:", "mailto:"). */
static char *vcard_unscheme(char *v, const char *scheme)
{
    size_t n = strlen(scheme);
    return strncasecmp(v, scheme, n) == 0 ? v + n : v;
}

static void vcard_add_value(struct vcard_reader *r, const char **list, size_t *n, char *value,
                            const char *what)
{
    char *part[1];
    vcard_split(value, part, 1);
    const char *kept = vcard_keep(r, part[0]);
    if (kept == NULL)
        return;
    if (*n == VCARD_VALUES_MAX) {
        char msg[80];
        snprintf(msg, sizeof(msg), "more than %d %s values: the rest left out", VCARD_VALUES_MAX,
                 what);
        vcard_card_note(r, msg);
        return;
    }
    list[(*n)++] = kept;
}

static void vcard_property(struct vcard_reader *r, const char *name, char *value)
{
    struct vcard *c = &r->card;
    if (strcasecmp(name, "FN") == 0) {
        char *part[1];
        vcard_split(value, part, 1);
        c->fn = vcard_keep(r, part[0]);
    } else if (strcasecmp(name, "N") == 0) {
        char *part[5] = {0};
        size_t n = vcard_split(value, part, 5);
        c->family = vcard_keep(r, part[0]);
        c->given = n > 1 ? vcard_keep(r, part[1]) : NULL;
    } else if (strcasecmp(name, "BDAY") == 0) {
        vcard_bday(r, value);
    } else if (strcasecmp(name, "TEL") == 0) {
        vcard_add_value(r, c->tels, &c->n_tels, vcard_unscheme(value, "tel:"), "TEL");
    } else if (strcasecmp(name, "EMAIL") == 0) {
        vcard_add_value(r, c->emails, &c->n_emails, vcard_unscheme(value, "mailto:"), "EMAIL");
    } else if (strcasecmp(name, "ADR") == 0) {
        if (c->street != NULL || c->city != NULL || c->region != NULL || c->country != NULL) {
            vcard_card_note(r, "more than one ADR: the first kept");
            return;
        }
        char *part[7] = {0};
        size_t n = vcard_split(value, part, 7);
        c->street = n > 2 ? vcard_keep(r, part[2]) : NULL;
        c->city = n > 3 ? vcard_keep(r, part[3]) : NULL;
        c->region = n > 4 ? vcard_keep(r, part[4]) : NULL;
        c->postal_code = n > 5 ? vcard_keep(r, part[5]) : NULL;
        c->country = n > 6 ? vcard_keep(r, part[6]) : NULL;
    } else if (strcasecmp(name, "NOTE") == 0) {
        char *part[1];
        vcard_split(value, part, 1);
        const char *note = vcard_keep(r, part[0]);
        /* NOTEs are joined into the client's notes, which hold what the
         * server takes: unbounded, they would also make an export whose one
         * NOTE is too long to read back. */
        size_t had = c->note != NULL ? strlen(c->note) + 1 : 0;
        if (note != NULL && had + strlen(note) > FOLIO_NOTES_MAX)
            vcard_card_note(r,
                            "NOTE beyond " VCARD_TEXT(FOLIO_NOTES_MAX) " bytes in all: left out");
        else if (note != NULL)
            c->note = c->note == NULL ? note : arena_printf(r->arena, "%s\n%s", c->note, note);
    }
}

static int vcard_end_card(struct vcard_reader *r, vcard_fn fn, void *ctx)
{
    if (r->card.error == NULL && r->card.fn == NULL && r->card.family == NULL &&
        r->card.given == NULL)
        vcard_card_error(r, "no name (FN or N)");
    r->in_card = false;
    return fn(ctx, &r->card);
}

/* One logical line: [group.]name[;param...]:value. */
static int vcard_line(struct vcard_reader *r, vcard_fn fn, void *ctx, char *err, size_t err_size)
{
    char *s = r->buf;
    if (r->len == 0)
        return 0;
    if (r->in_card && r->too_long) {
        vcard_card_error(r, "property longer than %d bytes", VCARD_LINE_MAX);
        return 0;
    }
    if (r->in_card && !csv_file_utf8_valid(s, r->len)) {
        vcard_card_error(r, "not valid UTF-8");
        return 0;
    }
    /* The value starts at the first ':' outside a quoted parameter value. */
    char *colon = NULL;
    bool quoted = false;
    for (char *p = s; *p != '\0'; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ':' && !quoted) {
            colon = p;
            break;
        }
    }
    if (colon == NULL) {
        if (r->in_card)
            vcard_card_note(r, "line without a ':' skipped");
        return 0;
    }
    *colon = '\0';
    char *value = colon + 1;
    char *params = strchr(s, ';');
    if (params != NULL)
        *params++ = '\0';
    char *name = strrchr(s, '.');
    name = name != NULL ? name + 1 : s;

    const char *word = vcard_trim(value);
    if (word == NULL)
        word = "";
    if (strcasecmp(name, "BEGIN") == 0 && strcasecmp(word, "VCARD") == 0) {
        if (r->in_card) {
            vcard_card_error(r, "BEGIN:VCARD inside a card");
            return 0;
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
    /* QUOTED-PRINTABLE comes as ENCODING=QUOTED-PRINTABLE or, in 2.1,
     * as a bare parameter. */
    for (char *p = params; p != NULL && *p != '\0';) {
        char *next = strchr(p, ';');
        if (next != NULL)
            *next++ = '\0';
        char *eq = strchr(p, '=');
        const char *pv = eq != NULL ? eq + 1 : p;
        if ((eq == NULL || strncasecmp(p, "ENCODING", 8) == 0) &&
            strcasecmp(pv, "QUOTED-PRINTABLE") == 0) {
            vcard_qp_decode(value);
            if (!csv_file_utf8_valid(value, strlen(value))) {
                vcard_card_error(r, "quoted-printable value is not valid UTF-8");
                return 0;
            }
        }
        p = next;
    }
    vcard_property(r, name, value);
    return 0;
}

static int vcard_flush(struct vcard_reader *r, vcard_fn fn, void *ctx, char *err, size_t err_size)
{
    r->buf[r->len] = '\0';
    int rc = vcard_line(r, fn, ctx, err, err_size);
    r->len = 0;
    r->too_long = false;
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
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    uint32_t line = 1;
    int rc = 0;
    while (i < len && rc == 0) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl != NULL ? (size_t)(nl - data) : len;
        size_t n = end - i;
        if (n > 0 && data[end - 1] == '\r')
            n--;
        const char *text = data + i;
        if (n > 0 && (text[0] == ' ' || text[0] == '\t') && r.len + (r.too_long ? 1 : 0) > 0) {
            text++; /* a continuation of the line before */
            n--;
        } else {
            if ((rc = vcard_flush(&r, fn, ctx, err, err_size)) != 0)
                break;
            r.line = line;
        }
        if (r.len + n > VCARD_LINE_MAX) {
            r.too_long = true;
        } else if (!r.too_long) {
            /* A NUL would cut the value short without anyone noticing. */
            if (memchr(text, '\0', n) != NULL && r.in_card)
                vcard_card_error(&r, "NUL byte");
            memcpy(r.buf + r.len, text, n);
            r.len += n;
        }
        i = nl != NULL ? end + 1 : len;
        line++;
    }
    if (rc == 0)
        rc = vcard_flush(&r, fn, ctx, err, err_size);
    if (rc == 0 && r.in_card) {
        r.line = line;
        vcard_card_error(&r, "no END:VCARD");
        rc = vcard_end_card(&r, fn, ctx);
    }
    if (rc == 0 && r.cards == 0) {
        snprintf(err, err_size, "no vCard found (BEGIN:VCARD)");
        rc = -1;
    }
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
    for (size_t i = 0; i < n; i++) {
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
    }
}

static void vcard_put_text(struct vcard_writer *w, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
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
            vcard_put(w, s, 1);
        }
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

int vcard_write(FILE *out, const struct vcard *card)
{
    struct vcard_writer w = {.out = out};
    vcard_put(&w, "BEGIN:VCARD", 11);
    vcard_end_line(&w);
    vcard_put(&w, "VERSION:4.0", 11);
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
    if (card->family != NULL || card->given != NULL) {
        vcard_put(&w, "N:", 2);
        vcard_put_text(&w, card->family);
        vcard_put(&w, ";", 1);
        vcard_put_text(&w, card->given);
        vcard_put(&w, ";;;", 3);
        vcard_end_line(&w);
    }
    if (card->bday != NULL && strlen(card->bday) == 10) {
        char basic[9];
        snprintf(basic, sizeof(basic), "%.4s%.2s%.2s", card->bday, card->bday + 5, card->bday + 8);
        vcard_put_prop(&w, "BDAY", basic);
    }
    for (size_t i = 0; i < card->n_tels && i < VCARD_VALUES_MAX; i++)
        vcard_put_prop(&w, "TEL;VALUE=text", card->tels[i]);
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
    vcard_put_prop(&w, "NOTE", card->note);
    vcard_put(&w, "END:VCARD", 9);
    vcard_end_line(&w);
    return w.failed ? -1 : 0;
}
