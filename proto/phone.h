/* phone.h - a telephone number as people and address books write it, to
 * what a person would dial.
 *
 * Address books write numbers with every separator there is ("034441/ 2 22
 * 67", "+1.418.656.9254", "(0) 30 1234"), as tel: URIs with parameters
 * ("tel:+1-418-656-9254;ext=102"), with letters ("+1-800-FLOWERS"), with
 * an extension ("x12", "ext. 12", "#12") and with the pause and wait
 * characters of phone keypads (",", ";", "p", "w"). phone_read keeps the
 * digits (letters by the keypad: ABC is 2, ... WXYZ is 9) and a leading +;
 * what follows an extension mark or a pause or wait is the extension. A
 * "(0)" after an international prefix is the trunk prefix a caller from
 * abroad leaves out, so it goes. Fullwidth digits (Japanese phones) count
 * as digits.
 *
 * The type (mobile, home, work, fax) comes from the TYPE parameters of a
 * vCard TEL or the header of a CSV column: phone_type_word maps one word
 * of either to the type folio keeps. */
#ifndef FOLIO_PHONE_H
#define FOLIO_PHONE_H

#include <stddef.h>

#include "wire_limits.h"

struct phone {
    char number[FOLIO_PHONE_MAX + 1];        /* digits, a leading + */
    char extension[FOLIO_PHONE_EXT_MAX + 1]; /* digits, or "" */
};

/* Reads text (NUL-terminated). Returns NULL with *out filled, or why the
 * text is not a number a person could dial ("no digits", "more than 20
 * digits", ...), naming no field: callers do. */
const char *phone_read(const char *text, struct phone *out);

/* "mobile", "home", "work", "fax" for a word that says so (CELL, mobile,
 * iPhone, Mobil, Handy, Móvil, Privat, Arbeit, Trabajo, FAX, ...),
 * compared ignoring ASCII case; NULL for any other word (VOICE, PREF,
 * other, ...). */
const char *phone_type_word(const char *word, size_t len);

/* Whether type is one phone_type_word gives (or empty, no type). */
int phone_type_valid(const char *type);

#endif
