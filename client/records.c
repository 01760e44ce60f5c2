/* records.c - see records.h. */
#include "records.h"

#include "folioclient.h"

size_t rec_user(const Folio__User *u, struct out_field *f)
{
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
    };
    _Static_assert(sizeof(fields) / sizeof(fields[0]) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        f[i] = fields[i];
    return sizeof(fields) / sizeof(fields[0]);
}

size_t rec_office(const Folio__Office *o, struct out_field *f)
{
    const struct out_field fields[] = {
        OUT_U("id", "id", o->id),
        OUT_S("name", "name", o->name),
        OUT_T("created_at", "created", o->created_at),
    };
    _Static_assert(sizeof(fields) / sizeof(fields[0]) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        f[i] = fields[i];
    return sizeof(fields) / sizeof(fields[0]);
}

size_t rec_audit(const Folio__AuditRecord *r, struct out_field *f)
{
    const struct out_field fields[] = {
        OUT_U("seq", "seq", r->seq),          OUT_T("time", "time", r->time),
        OUT_S("actor", "actor", r->actor),    OUT_U("actor_office_id", NULL, r->actor_office_id),
        OUT_S("action", "action", r->action), OUT_S("target", "target", r->target),
        OUT_S("detail", "detail", r->detail),
    };
    _Static_assert(sizeof(fields) / sizeof(fields[0]) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        f[i] = fields[i];
    return sizeof(fields) / sizeof(fields[0]);
}

size_t rec_event(const Folio__TimelineEvent *e, struct out_field *f)
{
    const struct out_field fields[] = {
        OUT_U("seq", "seq", e->seq),
        OUT_S("date", "date", e->date),
        OUT_S("kind", "kind", e->kind),
        OUT_S("what", "what", e->what),
        OUT_S("actor", "actor", e->actor),
        OUT_S("note", "note", e->note),
        {.key = "amount",
         .label = "amount",
         .card_only = true,
         .type = OUT_CENTS,
         .i = e->amount_cents},
        {.key = "currency",
         .label = "currency",
         .card_only = true,
         .type = OUT_STR,
         .s = e->currency},
        {.key = "time", .label = "recorded", .card_only = true, .type = OUT_TIME, .i = e->time},
    };
    _Static_assert(sizeof(fields) / sizeof(fields[0]) <= REC_FIELDS_MAX, "REC_FIELDS_MAX");
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        f[i] = fields[i];
    return sizeof(fields) / sizeof(fields[0]);
}

size_t rec_bucket(const Folio__SegmentBucket *b, struct out_field *f)
{
    f[0] = (struct out_field)OUT_S("key", "key", b->key);
    f[1] = (struct out_field)OUT_U("count", "count", b->count);
    return 2;
}

static size_t purchase_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__Purchase *p = ((Folio__Purchase *const *)list)[i];
    f[0] = (struct out_field)OUT_S("kind", "kind", p->kind);
    f[1] = (struct out_field)OUT_S("date", "date", p->date);
    f[2] = (struct out_field)OUT_S("note", "note", p->note);
    return 3;
}

size_t rec_client(const Folio__Client *c, struct rec_client_scratch *scratch, struct out_field *f)
{
    size_t n_consent = 0;
    const Folio__Consent *consent = c->consent;
    if (consent != NULL && consent->email)
        scratch->consent[n_consent++] = "email";
    if (consent != NULL && consent->phone)
        scratch->consent[n_consent++] = "phone";
    if (consent != NULL && consent->sms)
        scratch->consent[n_consent++] = "sms";
    if (consent != NULL && consent->post)
        scratch->consent[n_consent++] = "post";
    const struct out_field fields[] = {
        OUT_S("id", "id", c->id),
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
        {.key = "phones",
         .label = "phone",
         .type = OUT_STRS,
         .strs = (const char *const *)c->phones,
         .n = c->n_phones},
        {.key = "emails",
         .label = "email",
         .card_only = true,
         .type = OUT_STRS,
         .strs = (const char *const *)c->emails,
         .n = c->n_emails},
        {.key = "preferred_channel",
         .label = "channel",
         .card_only = true,
         .type = OUT_NSTR,
         .s = c->preferred_channel[0] != '\0' ? c->preferred_channel : NULL},
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
        {.key = "consent",
         .label = "consent",
         .card_only = true,
         .type = OUT_STRS,
         .strs = scratch->consent,
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
        OUT_U("version", "version", c->version),
    };
    _Static_assert(sizeof(fields) / sizeof(fields[0]) <= REC_CLIENT_FIELDS, "REC_CLIENT_FIELDS");
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        f[i] = fields[i];
    return sizeof(fields) / sizeof(fields[0]);
}

void rec_print_client(const Folio__Client *c)
{
    struct rec_client_scratch scratch;
    struct out_field f[REC_CLIENT_FIELDS];
    out_object("client", f, rec_client(c, &scratch, f));
}

void rec_print_clients(Folio__Client *const *clients, size_t n, const char *empty_note)
{
    struct out_table *t = out_table_begin("clients", empty_note);
    for (size_t i = 0; i < n; i++) {
        struct rec_client_scratch scratch;
        struct out_field f[REC_CLIENT_FIELDS];
        out_table_row(t, f, rec_client(clients[i], &scratch, f));
    }
    out_table_end(t);
}

void rec_print_session(const Folio__SessionInfo *s)
{
    if (s->user != NULL) {
        struct out_field f[REC_FIELDS_MAX];
        out_object("user", f, rec_user(s->user, f));
    }
    const struct out_field expires[] = {OUT_T("expires_at", "expires", s->expires_at)};
    out_fields(expires, 1);
}
