/* folioclient_mail.c - see folioclient_mail.h. */
#include "folioclient_mail.h"

Folio__Response *folio_offer_send(struct folio_connection *c, uint64_t id, const char *date,
                                  struct folio_error *err)
{
    Folio__OfferSend op = FOLIO__OFFER_SEND__INIT;
    op.id = id;
    op.date = folio_text(date);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_SEND_RESULT, err);
}

Folio__Response *folio_coupon_send(struct folio_connection *c, const char *code, const char *date,
                                   struct folio_error *err)
{
    Folio__CouponSend op = FOLIO__COUPON_SEND__INIT;
    op.code = folio_text(code);
    op.date = folio_text(date);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_SEND_RESULT, err);
}

Folio__Response *folio_campaign_send(struct folio_connection *c, uint64_t id, const char *date,
                                     struct folio_error *err)
{
    Folio__CampaignSend op = FOLIO__CAMPAIGN_SEND__INIT;
    op.id = id;
    op.date = folio_text(date);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_SEND_RESULT, err);
}

Folio__Response *folio_outbox_list(struct folio_connection *c, const char *state, uint64_t after,
                                   uint32_t limit, struct folio_error *err)
{
    Folio__OutboxList op = FOLIO__OUTBOX_LIST__INIT;
    op.state = folio_text(state);
    op.after = after;
    op.limit = limit;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_OUTBOX, err);
}

Folio__Response *folio_mail_template(struct folio_connection *c, const char *action,
                                     const Folio__MailTemplate *tpl, struct folio_error *err)
{
    Folio__MailTemplateRequest op = FOLIO__MAIL_TEMPLATE_REQUEST__INIT;
    op.action = folio_text(action);
    op.entry = (Folio__MailTemplate *)tpl;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_MAIL_TEMPLATES, err);
}
