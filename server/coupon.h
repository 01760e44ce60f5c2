/* coupon.h - what a coupon is, as pure functions shared by issuing
 * (op_coupon.c) and importing (transfer_bundle.c): its code and its text. */
#ifndef FOLIO_COUPON_H
#define FOLIO_COUPON_H

#include "folio.pb-c.h"

#define COUPON_CODE_LEN     19 /* XXXX-XXXX-XXXX-XXXX */
#define COUPON_DISCOUNT_MAX 200

/* 80 random bits as 16 symbols in groups of four. A code is a bearer token:
 * only this function makes them, never a client or a bundle. */
void coupon_code_generate(char out[COUPON_CODE_LEN + 1]);

/* Checks what a coupon carries besides its code and owner: the discount
 * text, valid_until, redeemed_at and withdrawn_at (each empty or a date). */
const char *coupon_validate(const Folio__Coupon *coupon);

#endif
