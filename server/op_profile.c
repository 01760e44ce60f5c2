/* op_profile.c - the agent's card: how a client reaches its agent, shown on
 * offers. Every user keeps its own card and no one else's. */
#include <stdio.h>
#include <string.h>

#include "agent_card.h"
#include "audit.h"
#include "op.h"
#include "server.h"
#include "store_profile.h"
#include "time_zone.h"
#include "validate.h"

#define OP_PROFILE_NAME_MAX  AGENT_CARD_NAME_MAX
#define OP_PROFILE_HOURS_MAX AGENT_CARD_HOURS_MAX
#define OP_PROFILE_WHY_MAX   128

static const char *op_profile_phone(const char *phone)
{
    return agent_card_phone_check(phone);
}

static const char *op_profile_email(const char *email)
{
    return agent_card_email_check(email);
}

/* Sets one field of card from set; NULL or a sentence naming the field. */
static const char *op_profile_apply(Folio__AgentCard *card, Folio__AgentCard *set,
                                    const char *field, const struct iso_codes *iso,
                                    char buf[OP_PROFILE_WHY_MAX])
{
    const char *why = NULL;
    if (strcmp(field, "display_name") == 0) {
        if (set->display_name[0] != '\0' &&
            (why = validate_text(set->display_name, OP_PROFILE_NAME_MAX)) != NULL) {
            snprintf(buf, OP_PROFILE_WHY_MAX, "display_name: %s", why);
            return buf;
        }
        card->display_name = set->display_name;
    } else if (strcmp(field, "phone") == 0) {
        if ((why = op_profile_phone(set->phone)) != NULL)
            return why;
        card->phone = set->phone;
    } else if (strcmp(field, "email") == 0) {
        if (set->email[0] != '\0' && (why = op_profile_email(set->email)) != NULL)
            return why;
        card->email = set->email;
    } else if (strcmp(field, "hours") == 0) {
        if (set->hours[0] != '\0' &&
            (why = validate_text(set->hours, OP_PROFILE_HOURS_MAX)) != NULL) {
            snprintf(buf, OP_PROFILE_WHY_MAX, "hours: %s", why);
            return buf;
        }
        card->hours = set->hours;
    } else if (strcmp(field, "currency") == 0) {
        if ((why = agent_card_currency_check(set->currency, iso)) != NULL)
            return why;
        card->currency = set->currency;
    } else if (strcmp(field, "time_zone") == 0) {
        if ((why = time_zone_check(set->time_zone)) != NULL)
            return why;
        card->time_zone = set->time_zone;
    } else {
        return "fields: each one of display_name, phone, email, hours, currency, time_zone";
    }
    return NULL;
}

static int op_profile_reply(struct request *req, Folio__AgentCard *card)
{
    req->response.result_case = FOLIO__RESPONSE__RESULT_CARD;
    req->response.card = card;
    return 0;
}

int op_profile_set_write(struct request *req, MDB_txn *txn)
{
    Folio__ProfileSet *ask = req->msg->profile_set;
    if (ask->n_fields == 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "fields: name at least one field to change");
    Folio__AgentCard empty = FOLIO__AGENT_CARD__INIT;
    Folio__AgentCard *set = ask->card != NULL ? ask->card : &empty;
    Folio__AgentCard *card = NULL;
    int rc = request_actor_card(req, txn, &card);
    if (rc != 0)
        return rc;
    char buf[OP_PROFILE_WHY_MAX];
    for (size_t i = 0; i < ask->n_fields; i++) {
        const char *why = op_profile_apply(card, set, ask->fields[i], &req->server->iso, buf);
        if (why != NULL)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
        /* Each name once: the audit's list of fields stays as short as the card. */
        for (size_t j = 0; j < i; j++)
            if (strcmp(ask->fields[i], ask->fields[j]) == 0)
                return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "fields: %s named twice",
                                    ask->fields[i]);
    }
    card->updated_at = req->now;
    char *detail = request_joined(req, ask->fields, ask->n_fields);
    if (detail == NULL)
        return request_oom(req);
    if ((rc = store_profile_put(&req->server->store, txn, req->actor.user_id, card)) != 0 ||
        (rc = audit_append(req, txn, "profile.set", req->actor.name, detail)) != 0)
        return request_store_error(req, rc, "set the card");
    return op_profile_reply(req, card);
}

int op_profile_get_read(struct request *req, MDB_txn *txn)
{
    Folio__AgentCard *card = NULL;
    int rc = request_actor_card(req, txn, &card);
    if (rc != 0)
        return rc;
    return op_profile_reply(req, card);
}
