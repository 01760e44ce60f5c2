/* agent_card.c - see agent_card.h. */
#include "agent_card.h"
#include "time_zone.h"

#include <stdbool.h>
#include <string.h>

#include "validate.h"

const char *agent_card_phone_check(const char *phone)
{
    size_t len = strnlen(phone, AGENT_CARD_PHONE_MAX + 1);
    if (len > AGENT_CARD_PHONE_MAX)
        return "phone: at most 40 characters";
    for (size_t i = 0; i < len; i++)
        if (!((phone[i] >= '0' && phone[i] <= '9') || strchr(" +()-.", phone[i]) != NULL))
            return "phone: only digits, spaces and + ( ) - .";
    return NULL;
}

const char *agent_card_email_check(const char *email)
{
    if (validate_text(email, AGENT_CARD_EMAIL_MAX) != NULL)
        return "email: at most 254 characters of printable text";
    const char *at = strchr(email, '@');
    if (at == NULL || at == email || at[1] == '\0' || strchr(at + 1, '@') != NULL ||
        strchr(email, ' ') != NULL)
        return "email: not an e-mail address (one @, no spaces)";
    return NULL;
}

const char *agent_card_currency_check(char *currency, const struct iso_codes *iso)
{
    if (currency[0] == '\0')
        return NULL;
    if (strnlen(currency, 4) != 3)
        return "currency: three letters (ISO 4217), such as PEN or EUR";
    for (size_t i = 0; i < 3; i++) {
        char c = currency[i];
        if (c >= 'a' && c <= 'z')
            currency[i] = (char)(c - 'a' + 'A');
        else if (c < 'A' || c > 'Z')
            return "currency: three letters (ISO 4217), such as PEN or EUR";
    }
    if (iso != NULL && !iso_codes_currency(iso, currency))
        return "currency: not an ISO 4217 currency code (three letters, such as PEN or EUR)";
    return NULL;
}

const char *agent_card_validate(const Folio__AgentCard *card)
{
    if (card->display_name[0] != '\0' &&
        validate_text(card->display_name, AGENT_CARD_NAME_MAX) != NULL)
        return "display_name: at most 100 bytes of printable text";
    const char *why = agent_card_phone_check(card->phone);
    if (why == NULL && card->email[0] != '\0')
        why = agent_card_email_check(card->email);
    if (why == NULL && card->hours[0] != '\0' &&
        validate_text(card->hours, AGENT_CARD_HOURS_MAX) != NULL)
        why = "hours: at most 200 bytes of printable text";
    /* The shape only, as stored (upper-case): the sending firm's lists
     * may differ from ours. */
    if (why == NULL && card->currency[0] != '\0') {
        bool ok = strnlen(card->currency, 4) == 3;
        for (size_t i = 0; ok && i < 3; i++)
            ok = card->currency[i] >= 'A' && card->currency[i] <= 'Z';
        if (!ok)
            why = "currency: three upper-case letters (ISO 4217)";
    }
    if (why == NULL)
        why = time_zone_check(card->time_zone);
    return why;
}
