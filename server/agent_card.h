/* agent_card.h - what an agent's card may hold, as pure functions shared by
 * the card's own edits (op_profile.c) and imported cards (transfer_bundle.c).
 * Each returns NULL when the value is fine, or a sentence naming the field. */
#ifndef FOLIO_AGENT_CARD_H
#define FOLIO_AGENT_CARD_H

#include "folio.pb-c.h"
#include "iso_codes.h"

#define AGENT_CARD_NAME_MAX  100
#define AGENT_CARD_PHONE_MAX 40
#define AGENT_CARD_EMAIL_MAX 254
#define AGENT_CARD_HOURS_MAX 200

const char *agent_card_phone_check(const char *phone);
/* A non-empty address. */
const char *agent_card_email_check(const char *email);
/* Empty (no default), or an ISO 4217 code: upper-cased in place, then
 * looked up in iso; iso NULL checks the shape only (three letters), for
 * cards moved between firms, whose lists may differ. */
const char *agent_card_currency_check(char *currency, const struct iso_codes *iso);
/* Every field of a whole card: empty fields are fine. */
const char *agent_card_validate(const Folio__AgentCard *card);

#endif
