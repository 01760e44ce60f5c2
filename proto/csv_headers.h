/* csv_headers.h - what the columns of address-book CSV exports hold.
 *
 * Every exporter names its columns its own way, and Outlook in the language
 * of the installation: "First Name", "Vorname", "Nombre", "Fornavn",
 * "Prénom". csv_headers_find knows the headers of folio's own export,
 * Google Contacts (the old "Given Name", "Phone 1 - Type" export and the
 * newer "First Name", "Phone 1 - Label" one), Outlook (English, German,
 * Spanish, Norwegian, French), Thunderbird, Apple Contacts exporters
 * ("Phone : mobile") and LinkedIn, compared ignoring ASCII case and the
 * spaces around them. A header names a target (a part of a client), and
 * for phones and addresses which one: a phone column may carry its type
 * ("Mobile Phone"), Google's numbered columns a group whose "Type" column
 * gives the type of its "Value" column, and an address column a slot
 * (0 home or unspecified, 1 work, 2 other; the first slot with any part
 * is the address kept). */
#ifndef FOLIO_CSV_HEADERS_H
#define FOLIO_CSV_HEADERS_H

#include <stdbool.h>

enum csv_target {
    CSV_T_NONE, /* not a column folio reads */
    CSV_T_ID,
    CSV_T_NAME,
    CSV_T_GIVEN,
    CSV_T_MIDDLE,
    CSV_T_FAMILY,
    CSV_T_ORGANISATION,
    CSV_T_DEPARTMENT,
    CSV_T_TITLE,     /* folio's "title"; Outlook's "Title" is a prefix, see csv_headers.c */
    CSV_T_JOB_TITLE, /* "Job Title", "Position": always the job */
    CSV_T_PHONES,    /* folio's list, "; " between numbers */
    CSV_T_PHONE,     /* one number (Google: several, " ::: " between) */
    CSV_T_PHONE_TYPE,
    CSV_T_EMAILS,
    CSV_T_EMAIL,
    CSV_T_STREET,
    CSV_T_STREET2,
    CSV_T_CITY,
    CSV_T_REGION,
    CSV_T_POSTAL_CODE,
    CSV_T_COUNTRY,
    CSV_T_ADDRESS, /* the whole address in one field (Google's "Address 1 - Formatted") */
    CSV_T_BIRTH_DATE,
    CSV_T_BIRTH_YEAR,
    CSV_T_BIRTH_MONTH,
    CSV_T_BIRTH_DAY,
    CSV_T_NOTES,
    CSV_T_TAGS,       /* folio's list, "; " between tags */
    CSV_T_CATEGORIES, /* Outlook's, ";" or "," between them */
    CSV_T_GROUPS,     /* Google's, " ::: " between them */
    CSV_T_PREFERRED_CHANNEL,
    CSV_T_MARITAL_STATUS,
    CSV_T_CHILDREN,
    CSV_T_INCOME,
    CSV_T_CURRENCY,
    CSV_T_EMPLOYMENT,
    CSV_T_CONSENT,
    CSV_T_CONTACT_INTERVAL_DAYS,
    CSV_T_LANGUAGE,  /* the language the client's mail is written in (ISO 639-1) */
    CSV_T_READ_ONLY, /* folio's export writes it, nothing reads it: owner, created_at, ... */
};

#define CSV_HEADERS_SLOTS  3 /* address slots */
#define CSV_HEADERS_GROUPS 8 /* Google's numbered phone groups read */

struct csv_header {
    enum csv_target target;
    const char *phone_type; /* mobile, home, work, fax, or NULL */
    unsigned slot;          /* address slot, < CSV_HEADERS_SLOTS */
    unsigned group;         /* phone group + 1, or 0 for none */
};

/* What a header names. False (target CSV_T_NONE) for a header folio does
 * not read. */
bool csv_headers_find(const char *header, struct csv_header *out);

/* What a field name of --map names: folio's column names (name, phones,
 * street, ...) and first_name, middle_name, last_name, phone, mobile,
 * home_phone, work_phone, fax, email, department, job_title, birth_year,
 * birth_month, birth_day, categories, and "-" for a column to leave out
 * (CSV_T_NONE). False when it names nothing. */
bool csv_headers_field(const char *field, struct csv_header *out);

#endif
