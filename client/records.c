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

void rec_print_session(const Folio__SessionInfo *s)
{
    if (s->user != NULL) {
        struct out_field f[REC_FIELDS_MAX];
        out_object("user", f, rec_user(s->user, f));
    }
    const struct out_field expires[] = {OUT_T("expires_at", "expires", s->expires_at)};
    out_fields(expires, 1);
}
