/* records.c - see records.h. */
#include "records.h"

#include <stdio.h>

#include "array_size.h"
#include "folioclient_names.h"

void rec_object(const char *key, const void *record, rec_item_fn *item)
{
    struct out_field f[REC_FIELDS_MAX];
    out_object(key, f, item(record, 0, f));
}

void rec_table(const char *key, const char *empty_note, const void *list, size_t n,
               rec_item_fn *item)
{
    struct out_table *t = out_table_begin(key, empty_note);
    for (size_t i = 0; i < n; i++) {
        struct out_field f[REC_FIELDS_MAX];
        out_table_row(t, f, item(list, i, f));
    }
    out_table_end(t);
}

static size_t copy_fields(const struct out_field *fields, size_t n, struct out_field *f)
{
    for (size_t i = 0; i < n; i++)
        f[i] = fields[i];
    return n;
}

/* Text that may not be set (a date not reached yet, a trigger): JSON null
 * until it is. */
static const char *maybe(const char *text)
{
    return text != NULL && text[0] != '\0' ? text : NULL;
}

size_t rec_user(const void *list, size_t i, struct out_field *f)
{
    const Folio__User *u = ((const Folio__User *const *)list)[i];
    const struct out_field fields[] = {
        {.key = "id", .label = "id", .card_only = true, .type = OUT_UINT, .u = u->id},
        OUT_S("name", "name", u->name),
        OUT_S("role", "role", folio_role_name(u->role)),
        OUT_S("office", "office", u->office),
        OUT_B("disabled", "disabled", u->disabled),
        OUT_T("created_at", "created", u->created_at),
        {.key = "updated_at",
         .label = "updated",
         .card_only = true,
         .type = OUT_TIME,
         .i = u->updated_at},
        {.key = "last_login_at",
         .label = "last login",
         .card_only = true,
         .type = OUT_TIME,
         .i = u->last_login_at},
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_office(const void *list, size_t i, struct out_field *f)
{
    const Folio__Office *o = ((const Folio__Office *const *)list)[i];
    const struct out_field fields[] = {
        OUT_U("id", "id", o->id),
        OUT_S("name", "name", o->name),
        OUT_T("created_at", "created", o->created_at),
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_audit(const void *list, size_t i, struct out_field *f)
{
    const Folio__AuditRecord *r = ((const Folio__AuditRecord *const *)list)[i];
    const struct out_field fields[] = {
        OUT_U("seq", "seq", r->seq),          OUT_T("time", "time", r->time),
        OUT_S("actor", "actor", r->actor),    OUT_U("actor_office_id", NULL, r->actor_office_id),
        OUT_S("action", "action", r->action), OUT_S("target", "target", r->target),
        OUT_S("detail", "detail", r->detail),
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_event(const void *list, size_t i, struct out_field *f)
{
    const Folio__TimelineEvent *e = ((const Folio__TimelineEvent *const *)list)[i];
    const struct out_field fields[] = {
        OUT_U("seq", "seq", e->seq),
        OUT_S("date", "date", e->date),
        OUT_S("kind", "kind", e->kind),
        OUT_S("what", "what", e->what),
        OUT_S("actor", "actor", e->actor),
        OUT_S("note", "note", e->note),
        {.key = "amount",
         .label = "amount",
         .zero_null = e->currency[0] == '\0', /* not an income event */
         .type = OUT_CENTS,
         .i = e->amount_cents},
        {.key = "currency", .label = "currency", .type = OUT_STR, .s = e->currency},
        /* A corrected event says so in the table: who corrected it. */
        {.key = "corrected_by", .label = "corrected by", .type = OUT_NSTR, .s = e->corrected_by},
        {.key = "corrected_at",
         .label = "corrected",
         .card_only = true,
         .type = OUT_TIME,
         .i = e->corrected_at},
        {.key = "time", .label = "recorded", .card_only = true, .type = OUT_TIME, .i = e->time},
        {.key = "follow_up",
         .label = "follow up",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(e->follow_up)},
        {.key = "trigger",
         .label = "trigger",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(e->trigger)},
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_bucket(const void *list, size_t i, struct out_field *f)
{
    const Folio__SegmentBucket *b = ((const Folio__SegmentBucket *const *)list)[i];
    f[0] = (struct out_field)OUT_S("key", "key", b->key);
    f[1] = (struct out_field)OUT_U("count", "count", b->count);
    return 2;
}

static size_t phone_detail_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__PhoneDetail *d = ((Folio__PhoneDetail *const *)list)[i];
    f[0] = (struct out_field)OUT_S("number", "number", d->number);
    f[1] =
        (struct out_field){.key = "type", .label = "type", .type = OUT_NSTR, .s = maybe(d->type)};
    f[2] = (struct out_field){
        .key = "extension", .label = "extension", .type = OUT_NSTR, .s = maybe(d->extension)};
    return 3;
}

static size_t purchase_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__Purchase *p = ((Folio__Purchase *const *)list)[i];
    f[0] = (struct out_field)OUT_S("kind", "kind", p->kind);
    f[1] = (struct out_field)OUT_S("date", "date", p->date);
    f[2] = (struct out_field)OUT_S("note", "note", p->note);
    return 3;
}

static size_t household_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__HouseholdLink *l = ((Folio__HouseholdLink *const *)list)[i];
    f[0] = (struct out_field){
        .key = "id", .label = "id", .type = OUT_STR, .s = l->client_id, .table_chars = 8};
    f[1] = (struct out_field)OUT_S("relation", "relation", l->relation);
    f[2] =
        (struct out_field){.key = "name", .label = "name", .type = OUT_NSTR, .s = maybe(l->name)};
    return 3;
}

/* The consent names live in one buffer, as the out_* functions are done
 * with a record before they ask for the next. */
size_t rec_client(const void *list, size_t i, struct out_field *f)
{
    static const char *consent_names[4];
    const Folio__Client *c = ((const Folio__Client *const *)list)[i];
    size_t n_consent = 0;
    const Folio__Consent *consent = c->consent;
    if (consent != NULL && consent->email)
        consent_names[n_consent++] = "email";
    if (consent != NULL && consent->phone)
        consent_names[n_consent++] = "phone";
    if (consent != NULL && consent->sms)
        consent_names[n_consent++] = "sms";
    if (consent != NULL && consent->post)
        consent_names[n_consent++] = "post";
    const struct out_field fields[] = {
        /* An id's first 8 hex digits name it wherever a client is asked for. */
        {.key = "id", .label = "id", .type = OUT_STR, .s = c->id, .table_chars = 8},
        {.key = "owner", .label = "owner", .card_only = true, .type = OUT_STR, .s = c->owner},
        OUT_S("name", "name", c->name),
        {.key = "birth_date",
         .label = "birth date",
         .card_only = true,
         .type = OUT_STR,
         .s = c->birth_date},
        {.key = "street", .label = "street", .card_only = true, .type = OUT_STR, .s = c->street},
        OUT_S("city", "city", c->city),
        {.key = "region", .label = "region", .card_only = true, .type = OUT_STR, .s = c->region},
        {.key = "country", .label = "country", .card_only = true, .type = OUT_STR, .s = c->country},
        {.key = "postal_code",
         .label = "postal code",
         .card_only = true,
         .type = OUT_STR,
         .s = c->postal_code},
        {.key = "language",
         .label = "language",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(c->language)},
        {.key = "phones",
         .label = "phone",
         .type = OUT_STRS,
         .strs = (const char *const *)c->phones,
         .n = c->n_phones},
        {.key = "phone_details",
         .label = "phone details",
         .card_only = true,
         .type = OUT_LIST,
         .n = c->n_phone_details,
         .list = c->phone_details,
         .item = phone_detail_item},
        {.key = "emails",
         .label = "e-mail",
         .type = OUT_STRS,
         .strs = (const char *const *)c->emails,
         .n = c->n_emails},
        {.key = "preferred_channel",
         .label = "channel",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(c->preferred_channel)},
        {.key = "marital_status",
         .label = "marital",
         .card_only = true,
         .type = OUT_NSTR,
         .s = folio_marital_name(c->marital_status)},
        {.key = "children",
         .label = "children",
         .card_only = true,
         .type = OUT_UINT,
         .u = c->children},
        {.key = "children_birth_years",
         .label = "born",
         .card_only = true,
         .type = OUT_UINTS,
         .uints = c->children_birth_years,
         .n = c->n_children_birth_years},
        {.key = "income",
         .label = "income",
         .card_only = true,
         .type = OUT_CENTS,
         .i = c->income_cents},
        {.key = "currency",
         .label = "currency",
         .card_only = true,
         .type = OUT_STR,
         .s = c->currency},
        {.key = "income_trend",
         .label = "trend",
         .card_only = true,
         .type = OUT_STR,
         .s = c->income_trend},
        {.key = "employment",
         .label = "employment",
         .card_only = true,
         .type = OUT_STR,
         .s = c->employment},
        {.key = "organisation",
         .label = "organisation",
         .card_only = true,
         .type = OUT_STR,
         .s = c->organisation},
        {.key = "title", .label = "title", .card_only = true, .type = OUT_STR, .s = c->title},
        {.key = "purchases",
         .label = "purchases",
         .card_only = true,
         .type = OUT_LIST,
         .n = c->n_purchases,
         .list = c->purchases,
         .item = purchase_item},
        {.key = "tags",
         .label = "tags",
         .card_only = true,
         .type = OUT_STRS,
         .strs = (const char *const *)c->tags,
         .n = c->n_tags},
        {.key = "household",
         .label = "household",
         .card_only = true,
         .type = OUT_LIST,
         .n = c->n_household,
         .list = c->household,
         .item = household_item},
        {.key = "consent",
         .label = "consent",
         .card_only = true,
         .type = OUT_STRS,
         .strs = consent_names,
         .n = n_consent},
        {.key = "notes", .label = "notes", .card_only = true, .type = OUT_STR, .s = c->notes},
        {.key = "created_at",
         .label = "created",
         .card_only = true,
         .type = OUT_TIME,
         .i = c->created_at},
        {.key = "updated_at",
         .label = "updated",
         .card_only = true,
         .type = OUT_TIME,
         .i = c->updated_at},
        {.key = "last_contact",
         .label = "last contact",
         .type = OUT_NSTR,
         .s = maybe(c->last_contact)},
        {.key = "contact_interval_days",
         .label = "contact every",
         .card_only = true,
         .type = OUT_UINT,
         .u = c->contact_interval_days},
        /* For --if-version: in cards and JSON, not worth a column. */
        {.key = "version",
         .label = "version",
         .card_only = true,
         .type = OUT_UINT,
         .u = c->version},
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

void rec_print_session(const Folio__SessionInfo *s)
{
    if (s->user != NULL)
        rec_object("user", &s->user, rec_user);
    else
        out_null("user");
    const struct out_field expires[] = {OUT_T("expires_at", "expires", s->expires_at)};
    out_fields(expires, 1);
}

size_t rec_rule(const void *list, size_t i, struct out_field *f)
{
    const Folio__Rule *r = ((const Folio__Rule *const *)list)[i];
    const struct out_field fields[] = {
        OUT_U("id", "id", r->id),
        OUT_S("on", "on", r->on),
        OUT_S("suggest", "suggest", r->suggest),
        OUT_S("avoid", "avoid", r->avoid),
        OUT_U("window", "window", r->window_days),
        OUT_S("product", "product", r->product),
        OUT_S("unless_holds", "unless holds", r->unless_holds),
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_alert(const void *list, size_t i, struct out_field *f)
{
    const Folio__Alert *a = ((const Folio__Alert *const *)list)[i];
    const struct out_field fields[] = {
        OUT_U("id", "id", a->id),
        OUT_S("kind", "kind", a->kind),
        OUT_S("city", "city", a->city),
        OUT_S("region", "region", a->region),
        OUT_S("date", "date", a->date),
        {.key = "until", .label = "until", .type = OUT_NSTR, .s = maybe(a->until)},
        {.key = "note", .label = "note", .card_only = true, .type = OUT_STR, .s = a->note},
        OUT_S("posted_by", "posted by", a->posted_by),
        {.key = "ended_on", .label = "ended on", .type = OUT_NSTR, .s = maybe(a->ended_on)},
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_partner(const void *list, size_t i, struct out_field *f)
{
    const Folio__Partner *p = ((const Folio__Partner *const *)list)[i];
    const struct out_field fields[] = {
        OUT_U("id", "id", p->id),
        OUT_S("name", "name", p->name),
        OUT_S("category", "category", p->category),
        OUT_S("city", "city", p->city),
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_coupon(const void *list, size_t i, struct out_field *f)
{
    const Folio__Coupon *c = ((const Folio__Coupon *const *)list)[i];
    const struct out_field fields[] = {
        OUT_S("code", "code", c->code),
        {.key = "client_id",
         .label = "client id",
         .card_only = true,
         .type = OUT_STR,
         .s = c->client_id},
        OUT_S("client_name", "client", c->client_name),
        /* 0: imported from another firm, with no partner here. */
        {.key = "partner_id",
         .label = "partner id",
         .card_only = true,
         .zero_null = true,
         .type = OUT_UINT,
         .u = c->partner_id},
        OUT_S("partner", "partner", c->partner),
        OUT_S("discount", "discount", c->discount),
        OUT_S("valid_until", "valid until", c->valid_until),
        {.key = "redeemed_on", .label = "redeemed", .type = OUT_NSTR, .s = maybe(c->redeemed_at)},
        {.key = "withdrawn_on",
         .label = "withdrawn",
         .type = OUT_NSTR,
         .s = maybe(c->withdrawn_at)},
        {.key = "campaign_id",
         .label = "campaign",
         .card_only = true,
         .zero_null = true,
         .type = OUT_UINT,
         .u = c->campaign_id},
        {.key = "mail",
         .label = "e-mail",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(c->mail_state)},
        {.key = "mail_reply",
         .label = "e-mail reply",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(c->mail_reply)},
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_card(const void *list, size_t i, struct out_field *f)
{
    const Folio__AgentCard *card = ((const Folio__AgentCard *const *)list)[i];
    const struct out_field fields[] = {
        OUT_S("user", "user", card->user),
        OUT_S("display_name", "name", card->display_name),
        OUT_S("phone", "phone", card->phone),
        OUT_S("email", "email", card->email),
        OUT_S("hours", "hours", card->hours),
        OUT_S("currency", "currency", card->currency),
        {.key = "time_zone", .label = "time zone", .type = OUT_NSTR, .s = maybe(card->time_zone)},
    };
    _Static_assert(ARRAY_SIZE(fields) <= OUT_ITEM_FIELDS_MAX, "OUT_ITEM_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_agenda_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__AgendaItem *item = ((const Folio__AgendaItem *const *)list)[i];
    const struct out_field fields[] = {
        OUT_S("id", "id", item->id),
        OUT_S("date", "date", item->date),
        OUT_S("kind", "kind", item->kind),
        {.key = "client_id",
         .label = "client id",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(item->client_id)},
        OUT_S("client_name", "client", item->client_name),
        OUT_S("title", "title", item->title),
        OUT_S("suggestion", "suggestion", item->suggestion),
        OUT_S("avoid", "avoid", item->avoid),
        OUT_S("product", NULL, item->product),
        OUT_U("priority", NULL, item->priority),
        OUT_U("age", NULL, item->age),
        OUT_S("ref", NULL, item->ref),
        OUT_S("state", "state", item->state),
        {.key = "until",
         .label = "until",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(item->until)},
        {.key = "note",
         .label = "note",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(item->note)},
        OUT_B("overdue", NULL, item->overdue),
        OUT_U("days_late", NULL, item->days_late),
        {.key = "due", .label = "due", .card_only = true, .type = OUT_NSTR, .s = maybe(item->due)},
        OUT_U("clients", NULL, item->clients),
        {.key = "held_back",
         .label = "held back",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(item->held_back)},
        {.key = "talking_points",
         .label = "since the last renewal",
         .card_only = true,
         .type = OUT_STRS,
         .strs = (const char *const *)item->talking_points,
         .n = item->n_talking_points},
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_task(const void *list, size_t i, struct out_field *f)
{
    const Folio__Task *t = ((const Folio__Task *const *)list)[i];
    const struct out_field fields[] = {
        OUT_U("id", "id", t->id),
        OUT_S("due", "due", t->due),
        {.key = "client_id",
         .label = "client id",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(t->client_id)},
        {.key = "client_name", .label = "client", .type = OUT_NSTR, .s = maybe(t->client_name)},
        OUT_S("title", "title", t->title),
        {.key = "note", .label = "note", .type = OUT_NSTR, .s = maybe(t->note)},
        OUT_T("created_at", NULL, t->created_at),
        OUT_T("updated_at", NULL, t->updated_at),
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_agenda_mark(const void *list, size_t i, struct out_field *f)
{
    const Folio__AgendaState *mark = ((const Folio__AgendaState *const *)list)[i];
    static const Folio__AgendaItem none = FOLIO__AGENDA_ITEM__INIT;
    const Folio__AgendaItem *item = mark->item != NULL ? mark->item : &none;
    const struct out_field fields[] = {
        OUT_S("id", "id", mark->item_id),
        OUT_S("state", "state", mark->state),
        {.key = "until", .label = "until", .type = OUT_NSTR, .s = maybe(mark->until)},
        {.key = "note", .label = "note", .type = OUT_NSTR, .s = maybe(mark->note)},
        OUT_S("kind", "kind", item->kind),
        OUT_S("date", "date", item->date),
        {.key = "client_id", .label = "client id", .type = OUT_NSTR, .s = maybe(item->client_id)},
        OUT_S("client_name", "client", item->client_name),
        OUT_S("title", "title", item->title),
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_offer(const void *list, size_t i, struct out_field *f)
{
    const Folio__Offer *o = ((const Folio__Offer *const *)list)[i];
    const struct out_field fields[] = {
        OUT_U("id", "id", o->id),
        {.key = "client_id",
         .label = "client id",
         .card_only = true,
         .type = OUT_STR,
         .s = o->client_id},
        OUT_S("client_name", "client", o->client_name),
        OUT_S("title", "title", o->title),
        {.key = "product", .label = "product", .card_only = true, .type = OUT_STR, .s = o->product},
        {.key = "rate", .label = "rate %", .type = OUT_CENTS, .i = o->rate_bp},
        {.key = "valid_from",
         .label = "valid from",
         .card_only = true,
         .type = OUT_STR,
         .s = o->valid_from},
        OUT_S("valid_until", "valid until", o->valid_until),
        OUT_S("status", "status", o->status),
        {.key = "channel", .label = "channel", .card_only = true, .type = OUT_STR, .s = o->channel},
        {.key = "campaign_id",
         .label = "campaign",
         .card_only = true,
         .zero_null = true,
         .type = OUT_UINT,
         .u = o->campaign_id},
        {.key = "mail",
         .label = "e-mail",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(o->mail_state)},
        {.key = "mail_reply",
         .label = "e-mail reply",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(o->mail_reply)},
        {.key = "agent",
         .type = OUT_OBJECT,
         .n = o->agent != NULL,
         .list = &o->agent,
         .item = rec_card},
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

static size_t campaign_tally_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__CampaignTally *t = ((const Folio__CampaignTally *const *)list)[i];
    f[0] = (struct out_field)OUT_S("status", "status", t->status);
    f[1] = (struct out_field)OUT_U("count", "offers", t->count);
    return 2;
}

size_t rec_campaign(const void *list, size_t i, struct out_field *f)
{
    const Folio__Campaign *c = ((const Folio__Campaign *const *)list)[i];
    const struct out_field fields[] = {
        /* A dry run makes nothing and has no id. */
        {.key = "id", .label = "id", .zero_null = true, .type = OUT_UINT, .u = c->id},
        OUT_S("name", "name", c->name),
        OUT_S("title", "title", c->title),
        {.key = "product", .label = "product", .card_only = true, .type = OUT_STR, .s = c->product},
        {.key = "rate", .label = "rate %", .card_only = true, .type = OUT_CENTS, .i = c->rate_bp},
        {.key = "valid_from",
         .label = "valid from",
         .card_only = true,
         .type = OUT_STR,
         .s = c->valid_from},
        OUT_S("valid_until", "valid until", c->valid_until),
        OUT_S("channel", "channel", c->channel),
        {.key = "partner",
         .label = "coupon at",
         .card_only = true,
         .type = OUT_STR,
         .s = c->partner},
        {.key = "discount",
         .label = "discount",
         .card_only = true,
         .type = OUT_STR,
         .s = c->discount},
        OUT_S("status", "status", c->status),
        OUT_U("offers", "offers", c->offers),
        OUT_U("skipped", "skipped", c->skipped),
        {.key = "created_at",
         .label = "created",
         .card_only = true,
         .type = OUT_TIME,
         .i = c->created_at},
        {.key = "tally",
         .label = "by status",
         .card_only = true,
         .type = OUT_LIST,
         .n = c->n_tally,
         .list = c->tally,
         .item = campaign_tally_item},
        {.key = "accepted_rate",
         .label = "accepted %",
         .card_only = true,
         .type = OUT_CENTS,
         .i = c->accepted_bp},
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_campaign_client(const void *list, size_t i, struct out_field *f)
{
    const Folio__CampaignClient *c = ((const Folio__CampaignClient *const *)list)[i];
    const struct out_field fields[] = {
        OUT_S("client_id", "client id", c->client_id),
        OUT_S("client_name", "client", c->client_name),
        {.key = "offer_id",
         .label = "offer",
         .zero_null = true,
         .type = OUT_UINT,
         .u = c->offer_id},
        {.key = "coupon_code", .label = "coupon", .type = OUT_NSTR, .s = maybe(c->coupon_code)},
        {.key = "skipped", .label = "skipped because", .type = OUT_NSTR, .s = maybe(c->skipped)},
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_holding(const void *list, size_t i, struct out_field *f)
{
    const Folio__Holding *h = ((const Folio__Holding *const *)list)[i];
    const struct out_field fields[] = {
        OUT_U("id", "id", h->id),
        {.key = "client_id",
         .label = "client id",
         .card_only = true,
         .type = OUT_STR,
         .s = h->client_id},
        OUT_S("client_name", "client", h->client_name),
        OUT_S("kind", "kind", h->kind),
        OUT_S("provider", "provider", h->provider),
        {.key = "number", .label = "number", .card_only = true, .type = OUT_STR, .s = h->number},
        OUT_S("status", "status", h->status),
        {.key = "premium",
         .label = "premium",
         .type = OUT_CENTS,
         .i = h->premium_cents,
         .zero_null = true},
        {.key = "per", .label = "per", .type = OUT_NSTR, .s = maybe(h->premium_period)},
        {.key = "value",
         .label = "value",
         .card_only = true,
         .type = OUT_CENTS,
         .i = h->value_cents,
         .zero_null = true},
        {.key = "currency", .label = "currency", .type = OUT_STR, .s = h->currency},
        {.key = "start_date",
         .label = "start",
         .card_only = true,
         .type = OUT_STR,
         .s = h->start_date},
        OUT_S("renews_on", "renews", h->renews_on),
        {.key = "ends_on", .label = "ends", .card_only = true, .type = OUT_STR, .s = h->ends_on},
        {.key = "end_reason",
         .label = "ended as",
         .card_only = true,
         .type = OUT_NSTR,
         .s = maybe(h->end_reason)},
        {.key = "note", .label = "note", .card_only = true, .type = OUT_STR, .s = h->note},
        {.key = "created_at",
         .label = "created",
         .card_only = true,
         .type = OUT_TIME,
         .i = h->created_at},
        {.key = "updated_at",
         .label = "updated",
         .card_only = true,
         .type = OUT_TIME,
         .i = h->updated_at},
        {.key = "version",
         .label = "version",
         .card_only = true,
         .type = OUT_UINT,
         .u = h->version},
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

static size_t reassigned_client_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__ReassignedClient *c = ((const Folio__ReassignedClient *const *)list)[i];
    f[0] = (struct out_field)OUT_S("id", "id", c->id);
    f[1] = (struct out_field)OUT_S("name", "name", c->name);
    f[2] = (struct out_field)OUT_U("version", "version", c->version);
    return 3;
}

/* As kept in the record: a client moved back by a partial undo says when. */
static size_t reassignment_record_client_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__ReassignedClient *c = ((const Folio__ReassignedClient *const *)list)[i];
    size_t n = reassigned_client_item(list, i, f);
    f[n] = (struct out_field){.key = "undone_at",
                              .label = "moved back",
                              .zero_null = true,
                              .type = OUT_TIME,
                              .i = c->undone_at};
    return n + 1;
}

size_t rec_reassign(const void *list, size_t i, struct out_field *f)
{
    const Folio__ReassignResult *res = ((const Folio__ReassignResult *const *)list)[i];
    const struct out_field fields[] = {
        /* A dry run moves nothing and has no id. */
        {.key = "id", .label = "id", .zero_null = true, .type = OUT_UINT, .u = res->id},
        OUT_S("from", "from", res->from),
        OUT_S("to", "to", res->to),
        OUT_U("count", "clients", res->count),
        OUT_B("dry_run", "dry run", res->dry_run),
        {.key = "clients",
         .label = "moved",
         .card_only = true,
         .type = OUT_LIST,
         .n = res->n_clients,
         .list = res->clients,
         .item = reassigned_client_item},
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

/* A stored reassignment as an admin reads it; list shows no clients. */
size_t rec_reassignment(const void *list, size_t i, struct out_field *f)
{
    const Folio__ReassignmentInfo *r = ((const Folio__ReassignmentInfo *const *)list)[i];
    const struct out_field fields[] = {
        OUT_U("id", "id", r->id),
        OUT_S("from", "from", r->from),
        OUT_S("to", "to", r->to),
        OUT_U("count", "clients", r->count),
        OUT_T("created_at", "when", r->created_at),
        OUT_S("by", "by", r->by),
        OUT_T("undone_at", "undone", r->undone_at),
        {.key = "clients",
         .label = "moved",
         .card_only = true,
         .type = OUT_LIST,
         .n = r->n_clients,
         .list = r->clients,
         .item = reassignment_record_client_item},
    };
    _Static_assert(ARRAY_SIZE(fields) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    return copy_fields(fields, ARRAY_SIZE(fields), f);
}

size_t rec_notice(const void *list, size_t i, struct out_field *f)
{
    const Folio__Notice *n = ((const Folio__Notice *const *)list)[i];
    f[0] = (struct out_field)OUT_S("kind", "kind", n->kind);
    f[1] = (struct out_field)OUT_S("message", "message", n->message);
    f[2] = (struct out_field)OUT_U("count", NULL, n->count);
    f[3] = (struct out_field)OUT_S("ref", NULL, n->ref);
    return 4;
}

/* "your agent: NAME, PHONE, HOURS" from the parts of the card that are
 * set; nothing when none is. */
static void agent_line(const Folio__AgentCard *card)
{
    if (card == NULL)
        return;
    const char *parts[] = {card->display_name, card->phone, card->email, card->hours};
    char line[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
        if (parts[i] == NULL || parts[i][0] == '\0' || used >= sizeof(line))
            continue;
        int n = snprintf(line + used, sizeof(line) - used, "%s%s", used > 0 ? ", " : "", parts[i]);
        used = n < 0 ? sizeof(line) : used + (size_t)n;
    }
    if (line[0] != '\0')
        out_note("your agent: %s", line);
}

void rec_print_offer(const Folio__Offer *o)
{
    rec_object("offer", &o, rec_offer);
    agent_line(o->agent);
}

void rec_print_offers(Folio__Offer *const *offers, size_t n, const char *empty_note)
{
    rec_table("offers", empty_note, offers, n, rec_offer);
    /* Every offer listed is the caller's own: one agent, one line. */
    if (n > 0)
        agent_line(offers[0]->agent);
}

/* The out_* functions print each record of a list before asking for the
 * next one, so the occasion's date can live in one buffer. */
static size_t occasion_item(const void *list, size_t i, struct out_field *f)
{
    static char date[16];
    const Folio__Occasion *o = ((Folio__Occasion *const *)list)[i];
    snprintf(date, sizeof(date), "%02u-%02u", (unsigned)(o->month % 100), (unsigned)(o->day % 100));
    f[0] = (struct out_field)OUT_S("name", "name", o->name);
    f[1] = (struct out_field)OUT_S("date", "date", date);
    return 2;
}

void rec_print_calendar(const Folio__Calendar *cal)
{
    const struct out_field f[] = {
        {.key = "occasions",
         .label = "occasions",
         .type = OUT_LIST,
         .n = cal->n_occasions,
         .list = cal->occasions,
         .item = occasion_item},
        {.key = "season_months",
         .label = "season",
         .type = OUT_UINTS,
         .uints = cal->season_months,
         .n = cal->n_season_months},
        OUT_U("stay_in_touch_days", "stay in touch (days)", cal->stay_in_touch_days),
        OUT_U("renewal_notice_days", "renewal notice (days)",
              cal->renewal_notice_days > 0 ? cal->renewal_notice_days : 30),
        {.key = "time_zone", .label = "time zone", .type = OUT_NSTR, .s = maybe(cal->time_zone)},
    };
    out_object("calendar", f, ARRAY_SIZE(f));
}

static size_t book_line_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__BookLine *l = ((Folio__BookLine *const *)list)[i];
    f[0] = (struct out_field)OUT_S("key", "what", l->key);
    f[1] = (struct out_field)OUT_S("currency", "currency", l->currency);
    f[2] = (struct out_field)OUT_U("count", "count", l->count);
    f[3] = (struct out_field){
        .key = "premium", .label = "premium a year", .type = OUT_CENTS, .i = l->premium_cents};
    return 4;
}

static size_t book_month_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__BookMonth *m = ((Folio__BookMonth *const *)list)[i];
    f[0] = (struct out_field)OUT_S("month", "month", m->month);
    f[1] = (struct out_field)OUT_U("new_clients", "new clients", m->new_clients);
    f[2] = (struct out_field)OUT_U("ended_holdings", "holdings ended", m->ended_holdings);
    return 3;
}

void rec_print_book(const Folio__Book *b)
{
    const struct out_field f[] = {
        OUT_S("scope", "book of", b->scope),
        OUT_S("date", "on", b->date),
        OUT_U("agents", "agents", b->agents),
        OUT_U("clients", "clients", b->clients),
        OUT_U("active_holdings", "active holdings", b->active_holdings),
        OUT_U("retained", "running a year ago, still running", b->retained),
        OUT_U("lost", "lapsed or cancelled in the year", b->lost),
        {.key = "by_kind",
         .label = "by kind",
         .type = OUT_LIST,
         .n = b->n_by_kind,
         .list = b->by_kind,
         .item = book_line_item},
        {.key = "by_provider",
         .label = "by provider",
         .type = OUT_LIST,
         .n = b->n_by_provider,
         .list = b->by_provider,
         .item = book_line_item},
        {.key = "renewals",
         .label = "renewing within (days)",
         .type = OUT_LIST,
         .n = b->n_renewals,
         .list = b->renewals,
         .item = book_line_item},
        {.key = "months",
         .label = "months",
         .type = OUT_LIST,
         .n = b->n_months,
         .list = b->months,
         .item = book_month_item},
    };
    out_object("book", f, ARRAY_SIZE(f));
}

void rec_page_next(const char *flag, const char *next)
{
    out_next(next);
    if (next != NULL && next[0] != '\0')
        out_hint("more follow: add %s %s", flag, next);
}

void rec_page_next_number(const char *flag, uint64_t next)
{
    char text[24];
    snprintf(text, sizeof(text), "%llu", (unsigned long long)next);
    rec_page_next(flag, next != 0 ? text : NULL);
}

void rec_print_answer(const Folio__Response *r)
{
    switch (r->result_case) {
    case FOLIO__RESPONSE__RESULT_OFFICE:
        rec_object("office", &r->office, rec_office);
        break;
    case FOLIO__RESPONSE__RESULT_OFFICES:
        rec_table("offices", "no offices", r->offices->offices, r->offices->n_offices, rec_office);
        break;
    case FOLIO__RESPONSE__RESULT_USER:
        rec_object("user", &r->user, rec_user);
        break;
    case FOLIO__RESPONSE__RESULT_USERS:
        rec_table("users", "no users", r->users->users, r->users->n_users, rec_user);
        rec_page_next("--after", r->users->next);
        break;
    case FOLIO__RESPONSE__RESULT_AUDIT:
        rec_table("records", "no audit records", r->audit->records, r->audit->n_records, rec_audit);
        rec_page_next_number("--before", r->audit->next);
        break;
    case FOLIO__RESPONSE__RESULT_CLIENT:
        rec_object("client", &r->client, rec_client);
        break;
    case FOLIO__RESPONSE__RESULT_CLIENTS:
        rec_table("clients", "no clients", r->clients->clients, r->clients->n_clients, rec_client);
        rec_page_next("--after", r->clients->next);
        break;
    case FOLIO__RESPONSE__RESULT_TIMELINE:
        rec_table("events", "no events", r->timeline->events, r->timeline->n_events, rec_event);
        rec_page_next_number("--before", r->timeline->next);
        break;
    case FOLIO__RESPONSE__RESULT_EVENT:
        rec_object("event", &r->event, rec_event);
        break;
    case FOLIO__RESPONSE__RESULT_RULE:
        rec_object("rule", &r->rule, rec_rule);
        break;
    case FOLIO__RESPONSE__RESULT_RULES:
        rec_table("rules", "no rules", r->rules->rules, r->rules->n_rules, rec_rule);
        break;
    case FOLIO__RESPONSE__RESULT_CALENDAR:
        rec_print_calendar(r->calendar);
        break;
    case FOLIO__RESPONSE__RESULT_ALERT:
        rec_object("alert", &r->alert, rec_alert);
        break;
    case FOLIO__RESPONSE__RESULT_ALERTS:
        rec_table("alerts", "no alerts", r->alerts->alerts, r->alerts->n_alerts, rec_alert);
        break;
    case FOLIO__RESPONSE__RESULT_OFFER:
        rec_print_offer(r->offer);
        break;
    case FOLIO__RESPONSE__RESULT_OFFERS:
        rec_print_offers(r->offers->offers, r->offers->n_offers, "no offers");
        rec_page_next_number("--after", r->offers->next);
        break;
    case FOLIO__RESPONSE__RESULT_PARTNER:
        rec_object("partner", &r->partner, rec_partner);
        break;
    case FOLIO__RESPONSE__RESULT_PARTNERS:
        rec_table("partners", "no partners", r->partners->partners, r->partners->n_partners,
                  rec_partner);
        break;
    case FOLIO__RESPONSE__RESULT_COUPON:
        rec_object("coupon", &r->coupon, rec_coupon);
        break;
    case FOLIO__RESPONSE__RESULT_COUPONS:
        rec_table("coupons", "no coupons", r->coupons->coupons, r->coupons->n_coupons, rec_coupon);
        rec_page_next("--after", r->coupons->next);
        break;
    case FOLIO__RESPONSE__RESULT_CARD:
        rec_object("profile", &r->card, rec_card);
        break;
    case FOLIO__RESPONSE__RESULT_REASSIGN:
        rec_object("reassignment", &r->reassign, rec_reassign);
        break;
    case FOLIO__RESPONSE__RESULT_REASSIGNMENTS:
        rec_table("reassignments", "no reassignments", r->reassignments->reassignments,
                  r->reassignments->n_reassignments, rec_reassignment);
        rec_page_next_number("--before", r->reassignments->next);
        break;
    case FOLIO__RESPONSE__RESULT_REASSIGNMENT:
        rec_object("reassignment", &r->reassignment, rec_reassignment);
        break;
    case FOLIO__RESPONSE__RESULT_BOOK:
        rec_print_book(r->book);
        break;
    case FOLIO__RESPONSE__RESULT_HOLDING:
        rec_object("holding", &r->holding, rec_holding);
        break;
    case FOLIO__RESPONSE__RESULT_HOLDINGS:
        rec_table("holdings", "no holdings", r->holdings->holdings, r->holdings->n_holdings,
                  rec_holding);
        rec_page_next_number("--after", r->holdings->next);
        break;
    case FOLIO__RESPONSE__RESULT_TASK:
        rec_object("task", &r->task, rec_task);
        break;
    case FOLIO__RESPONSE__RESULT_TASKS:
        rec_table("tasks", "no tasks", r->tasks->tasks, r->tasks->n_tasks, rec_task);
        rec_page_next("--after", r->tasks->next);
        break;
    default:
        break;
    }
}

/* A client of a firm-wide search without --firm-admin-read: the server sent
 * no record, only where it is. */
static size_t rec_client_ref(const void *list, size_t i, struct out_field *f)
{
    const Folio__Client *c = ((const Folio__Client *const *)list)[i];
    f[0] = (struct out_field)OUT_S("id", "id", c->id);
    f[1] = (struct out_field)OUT_S("owner", "owner", c->owner);
    return 2;
}

void rec_print_found(const Folio__Response *r)
{
    if (r->result_case != FOLIO__RESPONSE__RESULT_CLIENTS) {
        rec_print_answer(r);
        return;
    }
    const Folio__Clients *found = r->clients;
    /* Every record has a creation time; a redacted answer has none. */
    bool whole = found->n_clients == 0 || found->clients[0]->created_at != 0;
    rec_table("clients", "no clients found", found->clients, found->n_clients,
              whole ? rec_client : rec_client_ref);
    rec_page_next("--after", found->next);
}
