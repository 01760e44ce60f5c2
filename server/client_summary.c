/* client_summary.c - see client_summary.h. */
#include "client_summary.h"

#include <string.h>
#include <strings.h>

#include "array_size.h"
#include "client_record.h"

/* Format 2 adds the household's size after format 1's fixed part; format 1
 * summaries (written before households) are still read, as households of
 * one: a record with links has been written since. */
#define SUMMARY_FORMAT    2
#define SUMMARY_FORMAT_V1 1
/* The fixed part: format, created_at, income_cents, interval, children,
 * marital, trend, flags, n_tags, n_kinds, then the offset of each string
 * field, of the tags, of the kinds, and the total length; then (format 2)
 * the number of household links. */
#define SUMMARY_N_FIELDS  6
#define SUMMARY_N_OFFSETS (SUMMARY_N_FIELDS + 3)
#define SUMMARY_OFFSETS   (1 + 8 + 8 + 4 + 4 + 1 + 1 + 1 + 4 + 4)
#define SUMMARY_HEADER_V1 (SUMMARY_OFFSETS + 4 * SUMMARY_N_OFFSETS)
#define SUMMARY_HEADER    (SUMMARY_HEADER_V1 + 4)

enum {
    SUMMARY_INCOME_KNOWN = 1,
    SUMMARY_EMAIL = 2,
    SUMMARY_PHONE = 4,
    SUMMARY_SMS = 8,
    SUMMARY_POST = 16,
};

static const char *const summary_trends[] = {"flat", "up", "down"};

static const char *summary_text(const char *s)
{
    return s != NULL ? s : "";
}

/* The strings of c in encoding order, for size and encode alike. */
#define SUMMARY_FIELDS(c)                                                                          \
    {                                                                                              \
        summary_text((c)->name), summary_text((c)->city), summary_text((c)->region),               \
            summary_text((c)->country), summary_text((c)->birth_date),                             \
            summary_text((c)->last_contact)                                                        \
    }

size_t client_summary_size(const Folio__Client *c)
{
    const char *fields[SUMMARY_N_FIELDS] = SUMMARY_FIELDS(c);
    size_t n = SUMMARY_HEADER;
    for (size_t i = 0; i < SUMMARY_N_FIELDS; i++)
        n += strlen(fields[i]) + 1;
    for (size_t i = 0; i < c->n_tags; i++)
        n += strlen(summary_text(c->tags[i])) + 1;
    for (size_t i = 0; i < c->n_purchases; i++)
        n += strlen(summary_text(c->purchases[i]->kind)) + 1;
    return n;
}

static uint8_t *put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
    return p + 8;
}

static uint8_t *put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return p + 4;
}

static uint8_t *put_text(uint8_t *p, const char *s)
{
    size_t len = strlen(s) + 1;
    memcpy(p, s, len);
    return p + len;
}

/* Written out rather than looped: compilers turn these into one load and a
 * byte swap, and decoding runs for every client of every walk. */
static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p) << 32 | get_u32(p + 4);
}

size_t client_summary_encode(const Folio__Client *c, uint8_t *out)
{
    const char *trend = client_income_trend(c);
    uint8_t trend_code = 0;
    for (uint8_t i = 0; i < ARRAY_SIZE(summary_trends); i++)
        if (strcmp(trend, summary_trends[i]) == 0)
            trend_code = i;
    bool income_known =
        c->income_cents != 0 || c->n_income_history > 0 || summary_text(c->currency)[0] != '\0';
    const Folio__Consent *consent = c->consent;
    uint8_t flags = (uint8_t)((income_known ? SUMMARY_INCOME_KNOWN : 0) |
                              (consent != NULL && consent->email ? SUMMARY_EMAIL : 0) |
                              (consent != NULL && consent->phone ? SUMMARY_PHONE : 0) |
                              (consent != NULL && consent->sms ? SUMMARY_SMS : 0) |
                              (consent != NULL && consent->post ? SUMMARY_POST : 0));
    uint8_t *p = out;
    *p++ = SUMMARY_FORMAT;
    p = put_u64(p, (uint64_t)c->created_at);
    p = put_u64(p, (uint64_t)c->income_cents);
    p = put_u32(p, c->contact_interval_days);
    p = put_u32(p, c->children);
    *p++ = (uint8_t)c->marital_status;
    *p++ = trend_code;
    *p++ = flags;
    p = put_u32(p, (uint32_t)c->n_tags);
    p = put_u32(p, (uint32_t)c->n_purchases);
    uint8_t *offsets = p;
    p = out + SUMMARY_HEADER;
    const char *fields[SUMMARY_N_FIELDS] = SUMMARY_FIELDS(c);
    for (size_t i = 0; i < SUMMARY_N_FIELDS; i++) {
        offsets = put_u32(offsets, (uint32_t)(p - out));
        p = put_text(p, fields[i]);
    }
    offsets = put_u32(offsets, (uint32_t)(p - out));
    for (size_t i = 0; i < c->n_tags; i++)
        p = put_text(p, summary_text(c->tags[i]));
    offsets = put_u32(offsets, (uint32_t)(p - out));
    for (size_t i = 0; i < c->n_purchases; i++)
        p = put_text(p, summary_text(c->purchases[i]->kind));
    offsets = put_u32(offsets, (uint32_t)(p - out));
    put_u32(offsets, (uint32_t)c->n_household);
    return (size_t)(p - out);
}

/* Reads the fixed part and the offsets only: no string is scanned. */
int client_summary_decode(const void *data, size_t len, struct client_summary *out)
{
    const uint8_t *p = data;
    if (len < SUMMARY_HEADER_V1 || len > UINT32_MAX ||
        (p[0] != SUMMARY_FORMAT && p[0] != SUMMARY_FORMAT_V1))
        return -1;
    size_t header = p[0] == SUMMARY_FORMAT ? SUMMARY_HEADER : SUMMARY_HEADER_V1;
    uint32_t offsets[SUMMARY_N_OFFSETS];
    for (size_t i = 0; i < SUMMARY_N_OFFSETS; i++)
        offsets[i] = get_u32(p + SUMMARY_OFFSETS + 4 * i);
    /* The value ends in a NUL and every string starts inside it, so no
     * string runs past the end, however damaged the rest: checking each
     * string's own NUL would cost as much as the rest of the walk. */
    bool ok = offsets[0] == header && offsets[SUMMARY_N_OFFSETS - 1] == len && len > header &&
              p[len - 1] == '\0' && p[26] < ARRAY_SIZE(summary_trends);
    for (size_t i = 1; i < SUMMARY_N_OFFSETS; i++)
        ok &= offsets[i] >= offsets[i - 1] && offsets[i] < len + (i >= SUMMARY_N_FIELDS);
    if (!ok)
        return -1;
    out->created_at = (int64_t)get_u64(p + 1);
    out->income_cents = (int64_t)get_u64(p + 9);
    out->contact_interval_days = get_u32(p + 17);
    out->children = get_u32(p + 21);
    out->marital_status = (Folio__MaritalStatus)p[25];
    out->income_trend = summary_trends[p[26]];
    uint8_t flags = p[27];
    out->income_known = flags & SUMMARY_INCOME_KNOWN;
    out->consent_email = flags & SUMMARY_EMAIL;
    out->consent_phone = flags & SUMMARY_PHONE;
    out->consent_sms = flags & SUMMARY_SMS;
    out->consent_post = flags & SUMMARY_POST;
    out->n_tags = get_u32(p + 28);
    out->n_kinds = get_u32(p + 32);
    out->household = header == SUMMARY_HEADER ? get_u32(p + SUMMARY_HEADER_V1) : 0;
    const char *base = data;
    out->name = base + offsets[0];
    out->city = base + offsets[1];
    out->region = base + offsets[2];
    out->country = base + offsets[3];
    out->birth_date = base + offsets[4];
    out->last_contact = base + offsets[5];
    out->tags = base + offsets[6];
    out->tags_end = base + offsets[7];
    out->kinds = base + offsets[7];
    out->kinds_end = base + offsets[8];
    return 0;
}

/* Decoding checked that the value ends in a NUL, so strlen stays inside it;
 * end bounds the list. */
static bool summary_list_has(const char *list, const char *end, size_t n, const char *want)
{
    for (size_t i = 0; i < n && list < end; i++) {
        if (strcasecmp(list, want) == 0)
            return true;
        list += strlen(list) + 1;
    }
    return false;
}

bool client_summary_has_tag(const struct client_summary *s, const char *tag)
{
    return summary_list_has(s->tags, s->tags_end, s->n_tags, tag);
}

bool client_summary_purchased(const struct client_summary *s, const char *kind)
{
    return summary_list_has(s->kinds, s->kinds_end, s->n_kinds, kind);
}

bool client_summary_in_alert(const struct client_summary *s, const Folio__Alert *alert)
{
    if (alert->city[0] != '\0')
        return s->city[0] != '\0' && strcasecmp(alert->city, s->city) == 0;
    return alert->region[0] != '\0' && s->region[0] != '\0' &&
           strcasecmp(alert->region, s->region) == 0;
}
