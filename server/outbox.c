/* outbox.c - see outbox.h. */
#include "outbox.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#define OUTBOX_PLACEHOLDER_MAX 32
#define OUTBOX_BASE64_LINE     76 /* characters of a base64 line (RFC 2045) */

const char *const outbox_placeholders[] = {
    "client.name",     "agent.name",       "agent.phone",        "agent.email",
    "agent.hours",     "firm.name",        "offer.title",        "offer.product",
    "offer.rate",      "offer.valid_from", "offer.valid_until",  "coupon.code",
    "coupon.discount", "coupon.partner",   "coupon.valid_until", NULL,
};

void outbox_value(struct outbox_values *v, const char *name, const char *value)
{
    if (v->count < sizeof(v->names) / sizeof(v->names[0])) {
        v->names[v->count] = name;
        v->values[v->count++] = value;
    }
}

/* An offer's message may speak of the coupon its campaign issued with it
 * (empty when there is none); a coupon's knows no offer. */
static bool outbox_known(enum outbox_kind kind, const char *name, size_t len)
{
    if (kind == OUTBOX_COUPON && len >= 6 && strncmp(name, "offer.", 6) == 0)
        return false;
    for (size_t i = 0; outbox_placeholders[i] != NULL; i++)
        if (strlen(outbox_placeholders[i]) == len &&
            strncmp(outbox_placeholders[i], name, len) == 0)
            return true;
    return false;
}

/* The name inside "{{ name }}" that starts at text (after the braces):
 * where it starts, its length, and where the placeholder ends (past "}}");
 * false when "}}" does not come. */
static bool outbox_placeholder(const char *text, const char **name, size_t *len, const char **end)
{
    const char *close = strstr(text, "}}");
    if (close == NULL)
        return false;
    const char *a = text, *b = close;
    while (a < b && *a == ' ')
        a++;
    while (b > a && b[-1] == ' ')
        b--;
    *name = a;
    *len = (size_t)(b - a);
    *end = close + 2;
    return true;
}

const char *outbox_template_check(enum outbox_kind kind, const char *text, char *why,
                                  size_t why_size)
{
    for (const char *p = strstr(text, "{{"); p != NULL; p = strstr(p, "{{")) {
        const char *name, *end;
        size_t len;
        if (!outbox_placeholder(p + 2, &name, &len, &end)) {
            snprintf(why, why_size, "a \"{{\" is never closed with \"}}\"");
            return why;
        }
        if (!outbox_known(kind, name, len)) {
            snprintf(why, why_size,
                     "unknown placeholder {{%.*s}}; %s templates know client.name, agent.name, "
                     "agent.phone, agent.email, agent.hours, firm.name and %s",
                     (int)(len > OUTBOX_PLACEHOLDER_MAX ? OUTBOX_PLACEHOLDER_MAX : len), name,
                     kind == OUTBOX_OFFER ? "offer" : "coupon",
                     kind == OUTBOX_OFFER
                         ? "offer.title, offer.product, offer.rate, offer.valid_from, "
                           "offer.valid_until, and the coupon issued with the offer, if any: "
                           "coupon.code, coupon.discount, coupon.partner, coupon.valid_until"
                         : "coupon.code, coupon.discount, coupon.partner, coupon.valid_until");
            return why;
        }
        p = end;
    }
    return NULL;
}

const char *outbox_default_subject(enum outbox_kind kind)
{
    return kind == OUTBOX_OFFER ? "{{offer.title}}"
                                : "A coupon for you: {{coupon.discount}} at {{coupon.partner}}";
}

const char *outbox_default_body(enum outbox_kind kind, bool with_coupon)
{
    if (kind == OUTBOX_OFFER && with_coupon)
        return "Dear {{client.name}},\n\n"
               "I have an offer for you: {{offer.title}} ({{offer.product}} {{offer.rate}}).\n"
               "It is valid from {{offer.valid_from}} until {{offer.valid_until}}.\n\n"
               "With it, a coupon from {{coupon.partner}}: {{coupon.discount}}.\n"
               "Your code is {{coupon.code}}, valid until {{coupon.valid_until}}.\n\n"
               "Reply to this message or call me, and I will tell you more.\n\n"
               "Kind regards,\n{{agent.name}}\n";
    return kind == OUTBOX_OFFER
               ? "Dear {{client.name}},\n\n"
                 "I have an offer for you: {{offer.title}} ({{offer.product}} {{offer.rate}}).\n"
                 "It is valid from {{offer.valid_from}} until {{offer.valid_until}}.\n\n"
                 "Reply to this message or call me, and I will tell you more.\n\n"
                 "Kind regards,\n{{agent.name}}\n"
               : "Dear {{client.name}},\n\n"
                 "A coupon from {{coupon.partner}} for you: {{coupon.discount}}.\n"
                 "Your code is {{coupon.code}}, valid until {{coupon.valid_until}}.\n\n"
                 "Kind regards,\n{{agent.name}}\n";
}

int outbox_address_ok(const char *address)
{
    size_t len = strlen(address);
    const char *at = strchr(address, '@');
    if (len == 0 || len > OUTBOX_ADDRESS_MAX || at == NULL || at == address || at[1] == '\0' ||
        strchr(at + 1, '@') != NULL)
        return 0;
    for (const char *p = address; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c >= 0x7f || strchr("<>()[]\\,;:\"", c) != NULL)
            return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------- a growing buffer */

struct outbox_buf {
    char *data;
    size_t len, cap;
    bool failed;
};

static void buf_add(struct outbox_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap == 0 ? 4096 : b->cap;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *data = realloc(b->data, cap);
        if (data == NULL) {
            b->failed = true;
            return;
        }
        b->data = data;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_str(struct outbox_buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void buf_printf(struct outbox_buf *b, const char *fmt,
                                                             ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(line)) {
        b->failed = true;
        return;
    }
    buf_add(b, line, (size_t)n);
}

/* ---------------------------------------------------------------- rendering */

static const char *outbox_lookup(const struct outbox_values *v, const char *name, size_t len)
{
    for (size_t i = 0; i < v->count; i++)
        if (strlen(v->names[i]) == len && strncmp(v->names[i], name, len) == 0)
            return v->values[i] != NULL ? v->values[i] : "";
    return "";
}

/* text as HTML: & < > " ' escaped, line ends as <br>. */
static void buf_html(struct outbox_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&':
            buf_str(b, "&amp;");
            break;
        case '<':
            buf_str(b, "&lt;");
            break;
        case '>':
            buf_str(b, "&gt;");
            break;
        case '"':
            buf_str(b, "&quot;");
            break;
        case '\'':
            buf_str(b, "&#39;");
            break;
        case '\r':
            break;
        case '\n':
            buf_str(b, "<br>\n");
            break;
        default:
            buf_add(b, s + i, 1);
        }
    }
}

/* The template with its placeholders filled in; html escapes both the
 * template's text and the values. */
static void outbox_render(struct outbox_buf *b, const char *text, const struct outbox_values *v,
                          bool html)
{
    const char *p = text;
    for (const char *open = strstr(p, "{{"); open != NULL; open = strstr(p, "{{")) {
        const char *name, *end;
        size_t len;
        if (!outbox_placeholder(open + 2, &name, &len, &end))
            break;
        html ? buf_html(b, p, (size_t)(open - p)) : buf_add(b, p, (size_t)(open - p));
        const char *value = outbox_lookup(v, name, len);
        html ? buf_html(b, value, strlen(value)) : buf_str(b, value);
        p = end;
    }
    html ? buf_html(b, p, strlen(p)) : buf_str(b, p);
}

/* ---------------------------------------------------------------- headers */

static bool outbox_ascii_printable(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < ' ' || (unsigned char)*s >= 0x7f)
            return false;
    return true;
}

/* A header value of free text (subject, display names): control characters
 * as spaces, and as one RFC 2047 encoded word per chunk of UTF-8 unless it
 * is plain printable ASCII; quoted is for display names (a quoted-string). */
static void buf_header_text(struct outbox_buf *b, const char *text, bool quoted)
{
    char clean[OUTBOX_SUBJECT_MAX * 2 + 1];
    size_t n = 0;
    for (const char *p = text; *p != '\0' && n < sizeof(clean) - 1; p++)
        clean[n++] = (unsigned char)*p < ' ' || *p == 0x7f ? ' ' : *p;
    clean[n] = '\0';
    bool plain = outbox_ascii_printable(clean) && (!quoted || strpbrk(clean, "\"\\") == NULL);
    if (plain) {
        if (quoted)
            buf_str(b, "\"");
        buf_str(b, clean);
        if (quoted)
            buf_str(b, "\"");
        return;
    }
    /* Encoded words of at most 45 source bytes (60 base64 characters),
     * never splitting a UTF-8 sequence, folded onto lines of their own. */
    size_t at = 0;
    bool first = true;
    while (at < n) {
        size_t take = n - at > 45 ? 45 : n - at;
        while (take > 0 && at + take < n && ((unsigned char)clean[at + take] & 0xc0) == 0x80)
            take--;
        if (take == 0)
            take = n - at > 45 ? 45 : n - at;
        char encoded[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(encoded, sizeof(encoded), (const unsigned char *)clean + at, take,
                          sodium_base64_VARIANT_ORIGINAL);
        buf_printf(b, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", encoded);
        first = false;
        at += take;
    }
}

static void buf_base64(struct outbox_buf *b, const char *data, size_t len)
{
    size_t per_line = OUTBOX_BASE64_LINE / 4 * 3;
    for (size_t at = 0; at < len; at += per_line) {
        size_t take = len - at > per_line ? per_line : len - at;
        char line[OUTBOX_BASE64_LINE + 1];
        sodium_bin2base64(line, sizeof(line), (const unsigned char *)data + at, take,
                          sodium_base64_VARIANT_ORIGINAL);
        buf_str(b, line);
        buf_str(b, "\r\n");
    }
}

/* One part's text with LF line ends as CRLF. */
static char *outbox_crlf(const char *text, size_t *len)
{
    struct outbox_buf b = {0};
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\r')
            continue;
        if (*p == '\n')
            buf_add(&b, "\r\n", 2);
        else
            buf_add(&b, p, 1);
    }
    buf_add(&b, "", 0);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    *len = b.len;
    return b.data;
}

/* The agent's card after the body: the always-reachable line. */
static void outbox_card(struct outbox_buf *b, const struct outbox_values *v, bool html)
{
    static const char *const lines[] = {"agent.name", "agent.phone", "agent.email", "agent.hours"};
    buf_str(b, html ? "<hr>\n<p>" : "\n-- \n");
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        const char *value = outbox_lookup(v, lines[i], strlen(lines[i]));
        if (value[0] == '\0')
            continue;
        if (html) {
            buf_html(b, value, strlen(value));
            buf_str(b, "<br>\n");
        } else {
            buf_str(b, value);
            buf_str(b, "\n");
        }
    }
    if (html)
        buf_str(b, "</p>\n");
}

static void outbox_part(struct outbox_buf *b, const char *boundary, const char *type,
                        const char *text)
{
    size_t len = 0;
    char *crlf = outbox_crlf(text, &len);
    if (crlf == NULL) {
        b->failed = true;
        return;
    }
    buf_printf(b,
               "--%s\r\nContent-Type: %s; charset=utf-8\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n",
               boundary, type);
    buf_base64(b, crlf, len);
    free(crlf);
}

int outbox_build(const struct outbox_mail *m, char **out, size_t *len, char *why, size_t why_size)
{
    const char *bad = !outbox_address_ok(m->to)            ? "the client's e-mail address"
                      : !outbox_address_ok(m->from)        ? "the From address"
                      : !outbox_address_ok(m->unsubscribe) ? "the unsubscribe address"
                      : m->reply_to[0] != '\0' && !outbox_address_ok(m->reply_to)
                          ? "the agent's e-mail address"
                          : NULL;
    if (bad != NULL) {
        snprintf(why, why_size, "%s is not a plain address (local@domain)", bad);
        return EINVAL;
    }
    for (const char *p = m->message_id; *p != '\0'; p++)
        if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>') {
            snprintf(why, why_size, "the Message-ID holds a space or a bracket");
            return EINVAL;
        }

    struct outbox_buf subject = {0}, text = {0}, html = {0}, b = {0};
    outbox_render(&subject, m->subject, m->values, false);
    buf_add(&subject, "", 0);
    outbox_render(&text, m->body, m->values, false);
    outbox_card(&text, m->values, false);
    buf_printf(&text, "\nTo get no more e-mail from us, write to %s.\n", m->unsubscribe);
    buf_str(&html, "<!DOCTYPE html>\n<html><body>\n<p>");
    outbox_render(&html, m->body, m->values, true);
    buf_str(&html, "</p>\n");
    outbox_card(&html, m->values, true);
    buf_str(&html, "<p><small>To get no more e-mail from us, write to ");
    buf_html(&html, m->unsubscribe, strlen(m->unsubscribe));
    buf_str(&html, ".</small></p>\n</body></html>\n");

    unsigned char random[12];
    char boundary[2 * sizeof(random) + 16];
    randombytes_buf(random, sizeof(random));
    memcpy(boundary, "=_folio_", 8);
    sodium_bin2hex(boundary + 8, sizeof(boundary) - 8, random, sizeof(random));

    char date[64];
    struct tm tm;
    time_t t = (time_t)m->date;
    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);

    if (!subject.failed && !text.failed && !html.failed) {
        buf_str(&b, "From: ");
        if (m->from_name[0] != '\0') {
            buf_header_text(&b, m->from_name, true);
            buf_str(&b, " ");
        }
        buf_printf(&b, "<%s>\r\nTo: ", m->from);
        buf_header_text(&b, m->to_name, true);
        buf_printf(&b, " <%s>\r\n", m->to);
        if (m->reply_to[0] != '\0')
            buf_printf(&b, "Reply-To: <%s>\r\n", m->reply_to);
        buf_str(&b, "Subject: ");
        buf_header_text(&b, subject.data, false);
        buf_printf(&b,
                   "\r\nDate: %s\r\nMessage-ID: <%s>\r\nList-Unsubscribe: <mailto:%s>\r\n"
                   "MIME-Version: 1.0\r\n"
                   "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n",
                   date, m->message_id, m->unsubscribe, boundary);
        outbox_part(&b, boundary, "text/plain", text.data);
        outbox_part(&b, boundary, "text/html", html.data);
        buf_printf(&b, "--%s--\r\n", boundary);
    }
    bool failed = subject.failed || text.failed || html.failed || b.failed;
    free(subject.data);
    free(text.data);
    free(html.data);
    if (failed) {
        free(b.data);
        return ENOMEM;
    }
    *out = b.data;
    *len = b.len;
    return 0;
}
