/* validate.h - the shape of names and passwords, checked before anything is
 * stored or hashed. Each returns NULL when the value is fine, or a sentence
 * saying what is wrong. */
#ifndef FOLIO_VALIDATE_H
#define FOLIO_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#define VALIDATE_STR_(x) #x
/* A number macro as text, for messages built at compile time. */
#define VALIDATE_STR(x) VALIDATE_STR_(x)

#define VALIDATE_USER_NAME_MAX   64
#define VALIDATE_OFFICE_NAME_MAX 100
#define VALIDATE_FIRM_NAME_MAX   200
#define VALIDATE_PASSWORD_MIN    8
#define VALIDATE_PASSWORD_MAX    1024

/* Lower-cases name in place, then checks it. */
const char *validate_user_name(char *name);
const char *validate_office_name(const char *name);
const char *validate_firm_name(const char *name);
const char *validate_password(const char *password);

/* Printable UTF-8 of 1..max bytes, no control characters. */
const char *validate_text(const char *text, size_t max);
/* The same, for text of many lines: tab, CR and LF allowed. */
const char *validate_lines(const char *text, size_t max);

/* The three ways validate_field refuses a field, in the field's words. */
struct validate_msgs {
    const char *empty;
    const char *too_long;
    const char *not_text;
};

#define VALIDATE_MSGS(field, max)                                                                  \
    {                                                                                              \
        field ": required", field ": at most " VALIDATE_STR(max) " bytes",                         \
            field ": must be printable UTF-8 text"                                                 \
    }

/* An optional (or, when required, mandatory) one-line text field: NULL or
 * the message of msgs that says what is wrong. */
const char *validate_field(const char *text, size_t max, bool required,
                           const struct validate_msgs *msgs);

#endif
