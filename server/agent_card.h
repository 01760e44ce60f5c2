/* agent_card.h - what an agent's card may hold, as pure functions shared by
 * the card's own edits (op_profile.c) and imported cards (transfer_bundle.c).
 * Each returns NULL when the value is fine, or a sentence naming the field. */
#ifndef FOLIO_AGENT_CARD_H
#define FOLIO_AGENT_CARD_H

#include "folio.pb-c.h"

#define AGENT_CARD_NAME_MAX  100
#define AGENT_CARD_PHONE_MAX 40
#define AGENT_CARD_EMAIL_MAX 254
#define AGENT_CARD_HOURS_MAX 200

const char *agent_card_phone_check(const char *phone);
/* A non-empty address. */
const char *agent_card_email_check(const char *email);
/* Every field of a whole card: empty fields are fine. */
const char *agent_card_validate(const Folio__AgentCard *card);

#endif
