/* folioclient_mail.h - calls for e-mail to clients: sending offers,
 * coupons and campaigns, the outbox, the firm's mail templates. Each
 * returns the response (free with folio__response__free_unpacked) or NULL
 * with err set, as folioclient.h's calls do. */
#ifndef FOLIO_FOLIOCLIENT_MAIL_H
#define FOLIO_FOLIOCLIENT_MAIL_H

#include "folioclient.h"

Folio__Response *folio_offer_send(struct folio_connection *c, uint64_t id, const char *date,
                                  struct folio_error *err);
Folio__Response *folio_coupon_send(struct folio_connection *c, const char *code, const char *date,
                                   struct folio_error *err);
Folio__Response *folio_campaign_send(struct folio_connection *c, uint64_t id, const char *date,
                                     struct folio_error *err);
Folio__Response *folio_outbox_list(struct folio_connection *c, const char *state, uint64_t after,
                                   uint32_t limit, struct folio_error *err);
/* action set (tpl whole), list (tpl NULL), show or remove (kind, language). */
Folio__Response *folio_mail_template(struct folio_connection *c, const char *action,
                                     const Folio__MailTemplate *tpl, struct folio_error *err);

#endif
