/* access.h - every permission decision of the server, in one place.
 *
 * Roles (design.md §3): an agent manages nothing but itself; an office-admin
 * manages the agents of its own office; a firm-admin manages everything.
 * Who may send a request at all is a column of the request table (op.h),
 * checked once by dispatch with access_caller before any stage; handlers
 * ask only about objects (this client's owner, that agent's office).
 * Each check returns 0 when the actor may act, or fails the request with
 * PERMISSION_DENIED (saying why) and returns WRITER_ROLLBACK. */
#ifndef FOLIO_ACCESS_H
#define FOLIO_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "request.h"

/* Who may send a request (the request table's column). */
enum access_caller {
    ACCESS_PUBLIC,     /* anyone, before any session (Hello, Login, Authenticate) */
    ACCESS_SESSION,    /* any live session */
    ACCESS_AGENT,      /* agents: they alone keep clients */
    ACCESS_ADMIN,      /* office-admins and firm-admins */
    ACCESS_FIRM_ADMIN, /* firm-admins */
};

/* May the actor, whose session was checked, send a request open to who? */
int access_caller(struct request *req, enum access_caller who);

/* May the actor create a user with this role in this office? */
int access_user_create(struct request *req, Folio__Role role, uint64_t office_id);

/* May the actor disable the target or set its password? */
int access_user_manage(struct request *req, const Folio__User *target);

/* The office whose records the actor may list: 0 for all (firm-admin). Call
 * for a request open to ACCESS_ADMIN. */
uint64_t access_office_scope(const struct request *req);

/* Clients: only agents keep them (ACCESS_AGENT), and only their owner sees
 * them. access_client decides whether the actor may see or change client
 * (NULL when no client has that id); a refusal is NOT_FOUND "no client ID",
 * word for word the answer for an id that does not exist, so nobody learns
 * which ids exist. firm_admin_read: a firm-admin asked explicitly to read
 * another agent's client, which it may (the caller audits the read).
 * A lookup in clients_by_owner under the actor's own id needs no check: it
 * finds only clients the actor owns. */
int access_client(struct request *req, const char *id, const Folio__Client *client,
                  bool firm_admin_read);

/* client find: an agent searches its own clients; a firm-admin searches
 * every agent's with firm (audited), and reads their records only with
 * firm_admin_read as well. */
int access_client_find(struct request *req, bool firm, bool firm_admin_read);

/* Before an agent named in a request is looked up: an agent may name only
 * itself, and is refused before the lookup, so that the refusal does not
 * tell which names exist. Admins pass (access_portfolio decides later). */
int access_portfolio_name(struct request *req, const char *name);

/* May the actor act on agent's whole portfolio (export, import, reassign)?
 * A firm-admin any agent's, an office-admin those of its office, an agent
 * its own. */
int access_portfolio(struct request *req, const Folio__User *agent);

/* Trusting an unknown signer, or bringing back clients the firm erased, is
 * the firm's decision, not an agent's (both are audited). */
int access_import(struct request *req, bool allow_untrusted, bool allow_erased);

/* Firm-wide settings (rules, calendar, partners) are the firm-admin's
 * (ACCESS_FIRM_ADMIN). Alerts are posted by admins (ACCESS_ADMIN); an
 * office-admin ends only the alerts posted from its office, a firm-admin
 * any. */
int access_alert_end(struct request *req, const Folio__Alert *alert);

/* Offers and coupons follow their client: only the owner sees or changes
 * them, and anyone else gets NOT_FOUND "no offer ID" / "no coupon CODE",
 * the answer for one that does not exist. */
int access_offer(struct request *req, uint64_t id, const Folio__Offer *offer);
int access_coupon(struct request *req, const char *code, const Folio__Coupon *coupon);
/* A campaign is its agent's alone, as its offers are: anyone else gets
 * NOT_FOUND "no campaign ID". */
int access_campaign(struct request *req, uint64_t id, const Folio__Campaign *campaign);
/* A firm campaign (op_firm_campaign.c, ACCESS_ADMIN): a firm-admin makes
 * one for the firm (firm) or any office, an office-admin for its own
 * office only; each shows and cancels the ones it could make, and anyone
 * else gets NOT_FOUND "no campaign ID". */
int access_firm_campaign_scope(struct request *req, bool firm, uint64_t office_id);
int access_firm_campaign(struct request *req, uint64_t id, const Folio__Campaign *campaign);

#endif
