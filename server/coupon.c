/* coupon.c - see coupon.h. */
#include "coupon.h"

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "calendar.h"
#include "client_record.h"
#include "validate.h"

/* 32 symbols, 5 bits each, none of them easy to mistake for another (no
 * 0/O, 1/I). */
static const char coupon_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

void coupon_code_generate(char out[COUPON_CODE_LEN + 1])
{
    uint8_t bits[10];
    randombytes_buf(bits, sizeof(bits));
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        size_t bit = i * 5, byte = bit / 8, shift = bit % 8;
        unsigned window =
            (unsigned)bits[byte] << 8 | (byte + 1 < sizeof(bits) ? bits[byte + 1] : 0);
        if (i > 0 && i % 4 == 0)
            out[o++] = '-';
        out[o++] = coupon_alphabet[(window >> (11 - shift)) & 0x1f];
    }
    out[o] = '\0';
    sodium_memzero(bits, sizeof(bits));
}

const char *coupon_validate(const Folio__Coupon *coupon)
{
    if (validate_text(coupon->discount, COUPON_DISCOUNT_MAX) != NULL)
        return "discount: 1 to 200 bytes of printable text";
    if (calendar_parse_date(coupon->valid_until, NULL, NULL, NULL) != 0)
        return "valid_until: not a date (YYYY-MM-DD)";
    if (coupon->redeemed_at[0] != '\0' &&
        calendar_parse_date(coupon->redeemed_at, NULL, NULL, NULL) != 0)
        return "redeemed_at: not a date (YYYY-MM-DD)";
    if (coupon->withdrawn_at[0] != '\0' &&
        calendar_parse_date(coupon->withdrawn_at, NULL, NULL, NULL) != 0)
        return "withdrawn_at: not a date (YYYY-MM-DD)";
    if (coupon->partner[0] != '\0' && validate_text(coupon->partner, CLIENT_TEXT_MAX) != NULL)
        return "partner: at most 200 bytes of printable text";
    return NULL;
}
