/* access.c - see access.h. */
#include "access.h"

#include <string.h>
#include <strings.h>

static int access_deny(struct request *req, const char *why)
{
    return request_fail(req, FOLIO__CODE__PERMISSION_DENIED, "%s", why);
}

int access_caller(struct request *req, enum access_caller who)
{
    Folio__Role role = req->actor.role;
    switch (who) {
    case ACCESS_PUBLIC:
    case ACCESS_SESSION:
        return 0;
    case ACCESS_AGENT:
        return role == FOLIO__ROLE__ROLE_AGENT ? 0 : access_deny(req, "only agents keep clients");
    case ACCESS_ADMIN:
        if (role == FOLIO__ROLE__ROLE_FIRM_ADMIN || role == FOLIO__ROLE__ROLE_OFFICE_ADMIN)
            return 0;
        return access_deny(req, "only an office-admin or a firm-admin may do this");
    case ACCESS_FIRM_ADMIN:
        break;
    }
    return role == FOLIO__ROLE__ROLE_FIRM_ADMIN ? 0
                                                : access_deny(req, "only a firm-admin may do this");
}

int access_user_create(struct request *req, Folio__Role role, uint64_t office_id)
{
    switch (req->actor.role) {
    case FOLIO__ROLE__ROLE_FIRM_ADMIN:
        return 0;
    case FOLIO__ROLE__ROLE_OFFICE_ADMIN:
        if (role != FOLIO__ROLE__ROLE_AGENT)
            return access_deny(req, "an office-admin may only add agents");
        if (office_id != req->actor.office_id)
            return access_deny(req, "an office-admin may only add users to its own office");
        return 0;
    default:
        return access_deny(req, "only an office-admin or a firm-admin may add users");
    }
}

int access_user_manage(struct request *req, const Folio__User *target)
{
    switch (req->actor.role) {
    case FOLIO__ROLE__ROLE_FIRM_ADMIN:
        return 0;
    case FOLIO__ROLE__ROLE_OFFICE_ADMIN:
        if (target->office_id != req->actor.office_id)
            return access_deny(req, "an office-admin may only manage users of its own office");
        if (target->role != FOLIO__ROLE__ROLE_AGENT)
            return access_deny(req, "an office-admin may only manage agents");
        return 0;
    default:
        return access_deny(req, "only an office-admin or a firm-admin may manage users");
    }
}

uint64_t access_office_scope(const struct request *req)
{
    return req->actor.role == FOLIO__ROLE__ROLE_FIRM_ADMIN ? 0 : req->actor.office_id;
}

int access_client(struct request *req, const char *id, const Folio__Client *client,
                  bool firm_admin_read)
{
    if (client != NULL && client->owner_id == req->actor.user_id)
        return 0;
    if (client != NULL && firm_admin_read && req->actor.role == FOLIO__ROLE__ROLE_FIRM_ADMIN)
        return 0;
    return request_fail(req, FOLIO__CODE__NOT_FOUND, "no client %s", id);
}

int access_client_find(struct request *req, bool firm, bool firm_admin_read)
{
    if (firm_admin_read && !firm)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "--firm-admin-read goes with --firm: an agent reads its own clients");
    if (firm)
        return req->actor.role == FOLIO__ROLE__ROLE_FIRM_ADMIN
                   ? 0
                   : access_deny(req, "--firm: only a firm-admin may search the whole firm");
    return req->actor.role == FOLIO__ROLE__ROLE_AGENT
               ? 0
               : access_deny(req, "only agents keep clients; a firm-admin searches with --firm");
}

int access_import(struct request *req, bool allow_untrusted, bool allow_erased)
{
    if (req->actor.role == FOLIO__ROLE__ROLE_FIRM_ADMIN)
        return 0;
    if (allow_untrusted)
        return access_deny(req,
                           "--allow-untrusted: only a firm-admin may import an untrusted bundle");
    if (allow_erased)
        return access_deny(req, "--allow-erased: only a firm-admin may bring back erased clients");
    return 0;
}

int access_alert_end(struct request *req, const Folio__Alert *alert)
{
    switch (req->actor.role) {
    case FOLIO__ROLE__ROLE_FIRM_ADMIN:
        return 0;
    case FOLIO__ROLE__ROLE_OFFICE_ADMIN:
        if (alert->posted_by_office_id == req->actor.office_id)
            return 0;
        return access_deny(req, "an office-admin may only end alerts posted from its own office");
    default:
        return access_deny(req, "only an office-admin or a firm-admin may end alerts");
    }
}

int access_offer(struct request *req, uint64_t id, const Folio__Offer *offer)
{
    if (offer != NULL && offer->owner_id == req->actor.user_id)
        return 0;
    return request_fail(req, FOLIO__CODE__NOT_FOUND, "no offer %llu", (unsigned long long)id);
}

int access_campaign(struct request *req, uint64_t id, const Folio__Campaign *campaign)
{
    if (campaign != NULL && campaign->owner_id == req->actor.user_id)
        return 0;
    return request_fail(req, FOLIO__CODE__NOT_FOUND, "no campaign %llu", (unsigned long long)id);
}

int access_firm_campaign_scope(struct request *req, bool firm, uint64_t office_id)
{
    switch (req->actor.role) {
    case FOLIO__ROLE__ROLE_FIRM_ADMIN:
        return 0;
    case FOLIO__ROLE__ROLE_OFFICE_ADMIN:
        if (firm)
            return access_deny(req, "--firm: a campaign for the whole firm is a firm-admin's");
        if (office_id != req->actor.office_id)
            return access_deny(req, "--office: an office-admin makes campaigns for its own office");
        return 0;
    default:
        return access_deny(req, "only an office-admin or a firm-admin may do this");
    }
}

int access_firm_campaign(struct request *req, uint64_t id, const Folio__Campaign *campaign)
{
    Folio__Role role = req->actor.role;
    if (campaign != NULL && campaign->scope[0] != '\0' &&
        (role == FOLIO__ROLE__ROLE_FIRM_ADMIN ||
         (role == FOLIO__ROLE__ROLE_OFFICE_ADMIN && strcmp(campaign->scope, "office") == 0 &&
          campaign->office_id == req->actor.office_id)))
        return 0;
    return request_fail(req, FOLIO__CODE__NOT_FOUND, "no campaign %llu", (unsigned long long)id);
}

int access_coupon(struct request *req, const char *code, const Folio__Coupon *coupon)
{
    if (coupon != NULL && coupon->owner_id == req->actor.user_id)
        return 0;
    return request_fail(req, FOLIO__CODE__NOT_FOUND, "no coupon %s", code);
}

int access_portfolio_name(struct request *req, const char *name)
{
    if (req->actor.role != FOLIO__ROLE__ROLE_AGENT)
        return 0;
    /* User names are stored lower-cased; compare the way lookups do. */
    if (strcasecmp(name, req->actor.name) == 0)
        return 0;
    return access_deny(req, "an agent may only act on its own portfolio");
}

int access_portfolio(struct request *req, const Folio__User *agent)
{
    switch (req->actor.role) {
    case FOLIO__ROLE__ROLE_FIRM_ADMIN:
        return 0;
    case FOLIO__ROLE__ROLE_OFFICE_ADMIN:
        if (agent->office_id == req->actor.office_id)
            return 0;
        return access_deny(req, "an office-admin may only act for agents of its own office");
    default:
        if (agent->id == req->actor.user_id)
            return 0;
        return access_deny(req, "an agent may only act on its own portfolio");
    }
}
