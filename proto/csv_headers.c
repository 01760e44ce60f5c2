/* csv_headers.c - see csv_headers.h.
 *
 * One table of the headers exporters write, lower-cased (ASCII only: the
 * accented letters of localised headers are written as Outlook writes them
 * in lower case), and one parser for Google's numbered headers ("Phone 2 -
 * Value", "Address 1 - Postal Code"), which no table could list. */
#include "csv_headers.h"

#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct csv_headers_entry {
    const char *header;
    enum csv_target target;
    const char *phone_type;
    unsigned slot;
};

#define T(h, t)                                                                                    \
    {                                                                                              \
        h, CSV_T_##t, NULL, 0                                                                      \
    }
#define P(h, type)                                                                                 \
    {                                                                                              \
        h, CSV_T_PHONE, type, 0                                                                    \
    }
#define A(h, t, slot)                                                                              \
    {                                                                                              \
        h, CSV_T_##t, NULL, slot                                                                   \
    }

static const struct csv_headers_entry csv_headers_table[] = {
    /* folio's own export */
    T("id", ID),
    T("name", NAME),
    T("birth_date", BIRTH_DATE),
    T("phones", PHONES),
    T("emails", EMAILS),
    T("preferred_channel", PREFERRED_CHANNEL),
    T("street", STREET),
    T("city", CITY),
    T("region", REGION),
    T("country", COUNTRY),
    T("postal_code", POSTAL_CODE),
    T("marital_status", MARITAL_STATUS),
    T("children", CHILDREN),
    T("income", INCOME),
    T("currency", CURRENCY),
    T("employment", EMPLOYMENT),
    T("tags", TAGS),
    T("consent", CONSENT),
    T("contact_interval_days", CONTACT_INTERVAL_DAYS),
    T("notes", NOTES),
    T("organisation", ORGANISATION),
    T("title", TITLE),
    T("language", LANGUAGE),
    T("owner", READ_ONLY),
    T("created_at", READ_ONLY),
    T("updated_at", READ_ONLY),
    T("last_contact", READ_ONLY),
    /* names: Google, Outlook (en, de, es, no, fr), Thunderbird, LinkedIn */
    T("display name", NAME),
    T("full name", NAME),
    T("nombre completo", NAME),
    T("given name", GIVEN),
    T("first name", GIVEN),
    T("vorname", GIVEN),
    T("nombre", GIVEN),
    T("fornavn", GIVEN),
    T("pr\xc3\xa9nom", GIVEN),
    T("additional name", MIDDLE),
    T("middle name", MIDDLE),
    T("weitere vornamen", MIDDLE),
    T("segundo nombre", MIDDLE),
    T("mellomnavn", MIDDLE),
    T("deuxi\xc3\xa8me pr\xc3\xa9nom", MIDDLE),
    T("family name", FAMILY),
    T("last name", FAMILY),
    T("surname", FAMILY),
    T("nachname", FAMILY),
    T("apellidos", FAMILY),
    T("etternavn", FAMILY),
    T("nom", FAMILY),
    /* work */
    T("company", ORGANISATION),
    T("organization", ORGANISATION),
    T("organization name", ORGANISATION),
    T("firma", ORGANISATION),
    T("organizaci\xc3\xb3n", ORGANISATION),
    T("soci\xc3\xa9t\xc3\xa9", ORGANISATION),
    T("department", DEPARTMENT),
    T("organization department", DEPARTMENT),
    T("abteilung", DEPARTMENT),
    T("departamento", DEPARTMENT),
    T("avdeling", DEPARTMENT),
    T("service", DEPARTMENT),
    T("job title", JOB_TITLE),
    T("organization title", JOB_TITLE),
    T("position", JOB_TITLE),
    T("puesto", JOB_TITLE),
    T("stilling", JOB_TITLE),
    T("fonction", JOB_TITLE),
    /* e-mail */
    T("e-mail address", EMAIL),
    T("e-mail 2 address", EMAIL),
    T("e-mail 3 address", EMAIL),
    T("email address", EMAIL),
    T("email", EMAIL),
    T("primary email", EMAIL),
    T("secondary email", EMAIL),
    T("e-mail-adresse", EMAIL),
    T("e-mail 2: adresse", EMAIL),
    T("e-mail 3: adresse", EMAIL),
    T("direcci\xc3\xb3n de correo electr\xc3\xb3nico", EMAIL),
    T("direcci\xc3\xb3n de correo electr\xc3\xb3nico 2", EMAIL),
    T("direcci\xc3\xb3n de correo electr\xc3\xb3nico 3", EMAIL),
    T("e-postadresse", EMAIL),
    T("e-postadresse 2", EMAIL),
    T("e-postadresse 3", EMAIL),
    T("adresse de messagerie", EMAIL),
    T("adresse de messagerie 2", EMAIL),
    T("adresse de messagerie 3", EMAIL),
    T("email home", EMAIL), /* CRMs' exports */
    T("email work", EMAIL),
    T("email other", EMAIL),
    T("email : home", EMAIL),
    T("email : work", EMAIL),
    T("email : other", EMAIL),
    /* phones */
    P("mobile phone", "mobile"),
    P("mobile number", "mobile"),
    P("cell phone", "mobile"),
    P("mobile", "mobile"),
    P("home mobile", "mobile"),
    P("mobiltelefon", "mobile"),
    P("tel\xc3\xa9"
      "fono m\xc3\xb3vil",
      "mobile"),
    P("t\xc3\xa9l. mobile", "mobile"),
    P("phone : mobile", "mobile"),
    P("phone : iphone", "mobile"),
    P("home phone", "home"),
    P("home phone 2", "home"),
    P("telefon privat", "home"),
    P("telefon privat 2", "home"),
    P("tel\xc3\xa9"
      "fono particular",
      "home"),
    P("tel\xc3\xa9"
      "fono particular 2",
      "home"),
    P("telefon, privat", "home"),
    P("t\xc3\xa9l\xc3\xa9phone (domicile)", "home"),
    P("phone : home", "home"),
    P("business phone", "work"),
    P("business phone 2", "work"),
    P("work phone", "work"),
    P("company main phone", "work"),
    P("telefon gesch\xc3\xa4"
      "ftlich",
      "work"),
    P("telefon gesch\xc3\xa4"
      "ftlich 2",
      "work"),
    P("tel\xc3\xa9"
      "fono del trabajo",
      "work"),
    P("tel\xc3\xa9"
      "fono del trabajo 2",
      "work"),
    P("telefon, arbeid", "work"),
    P("t\xc3\xa9l\xc3\xa9phone (bureau)", "work"),
    P("phone : work", "work"),
    P("business fax", "fax"),
    P("home fax", "fax"),
    P("fax number", "fax"),
    P("fax", "fax"),
    P("fax gesch\xc3\xa4"
      "ftlich",
      "fax"),
    P("fax privat", "fax"),
    P("fax del trabajo", "fax"),
    P("faks, arbeid", "fax"),
    P("t\xc3\xa9l\xc3\xa9"
      "copie (bureau)",
      "fax"),
    P("phone : fax", "fax"),
    P("phone : work fax", "fax"),
    P("phone : home fax", "fax"),
    P("other phone", NULL),
    P("primary phone", NULL),
    P("phone", NULL),
    P("telefon", NULL),
    P("phone : other", NULL),
    P("phone : main", NULL),
    P("weiteres telefon", NULL),
    P("otro tel\xc3\xa9"
      "fono",
      NULL),
    P("annen telefon", NULL),
    P("autre t\xc3\xa9l\xc3\xa9phone", NULL),
    /* addresses: home (slot 0) */
    A("home street", STREET, 0),
    A("home street 2", STREET2, 0),
    A("home street 3", STREET2, 0),
    A("home address", STREET, 0),
    A("home address 2", STREET2, 0),
    A("home city", CITY, 0),
    A("home state", REGION, 0),
    A("home postal code", POSTAL_CODE, 0),
    A("home zipcode", POSTAL_CODE, 0),
    A("home zip", POSTAL_CODE, 0),
    A("home country/region", COUNTRY, 0),
    A("home country", COUNTRY, 0),
    A("stra\xc3\x9f"
      "e privat",
      STREET, 0),
    A("ort privat", CITY, 0),
    A("bundesland/kanton privat", REGION, 0),
    A("postleitzahl privat", POSTAL_CODE, 0),
    A("land/region privat", COUNTRY, 0),
    A("calle del domicilio", STREET, 0),
    A("ciudad de residencia", CITY, 0),
    A("provincia o estado de residencia", REGION, 0),
    A("c\xc3\xb3"
      "digo postal de residencia",
      POSTAL_CODE, 0),
    A("pa\xc3\xads o regi\xc3\xb3n de residencia", COUNTRY, 0),
    A("gateadresse, privat", STREET, 0),
    A("poststed, privat", CITY, 0),
    A("fylke, privat", REGION, 0),
    A("postnummer, privat", POSTAL_CODE, 0),
    A("land, privat", COUNTRY, 0),
    A("rue (domicile)", STREET, 0),
    A("ville (domicile)", CITY, 0),
    A("d\xc3\xa9p/r\xc3\xa9gion (domicile)", REGION, 0),
    A("code postal (domicile)", POSTAL_CODE, 0),
    A("pays/r\xc3\xa9gion (domicile)", COUNTRY, 0),
    A("address : home : street", STREET, 0),
    A("address : home : city", CITY, 0),
    A("address : home : state", REGION, 0),
    A("address : home : zip", POSTAL_CODE, 0),
    A("address : home : country", COUNTRY, 0),
    /* work (slot 1) */
    A("business street", STREET, 1),
    A("business street 2", STREET2, 1),
    A("business street 3", STREET2, 1),
    A("work address", STREET, 1),
    A("work address 2", STREET2, 1),
    A("business city", CITY, 1),
    A("work city", CITY, 1),
    A("business state", REGION, 1),
    A("work state", REGION, 1),
    A("business postal code", POSTAL_CODE, 1),
    A("work zipcode", POSTAL_CODE, 1),
    A("work zip", POSTAL_CODE, 1),
    A("business country/region", COUNTRY, 1),
    A("work country", COUNTRY, 1),
    A("stra\xc3\x9f"
      "e gesch\xc3\xa4"
      "ftlich",
      STREET, 1),
    A("ort gesch\xc3\xa4"
      "ftlich",
      CITY, 1),
    A("region gesch\xc3\xa4"
      "ftlich",
      REGION, 1),
    A("postleitzahl gesch\xc3\xa4"
      "ftlich",
      POSTAL_CODE, 1),
    A("land/region gesch\xc3\xa4"
      "ftlich",
      COUNTRY, 1),
    A("calle del trabajo", STREET, 1),
    A("ciudad de trabajo", CITY, 1),
    A("provincia o estado de trabajo", REGION, 1),
    A("c\xc3\xb3"
      "digo postal del trabajo",
      POSTAL_CODE, 1),
    A("pa\xc3\xads o regi\xc3\xb3n del trabajo", COUNTRY, 1),
    A("gateadresse, arbeid", STREET, 1),
    A("poststed, arbeid", CITY, 1),
    A("fylke, arbeid", REGION, 1),
    A("postnummer, arbeid", POSTAL_CODE, 1),
    A("land, arbeid", COUNTRY, 1),
    A("rue (bureau)", STREET, 1),
    A("ville (bureau)", CITY, 1),
    A("d\xc3\xa9p/r\xc3\xa9gion (bureau)", REGION, 1),
    A("code postal (bureau)", POSTAL_CODE, 1),
    A("pays/r\xc3\xa9gion (bureau)", COUNTRY, 1),
    A("address : work : street", STREET, 1),
    A("address : work : city", CITY, 1),
    A("address : work : state", REGION, 1),
    A("address : work : zip", POSTAL_CODE, 1),
    A("address : work : country", COUNTRY, 1),
    /* other (slot 2) */
    A("other street", STREET, 2),
    A("other city", CITY, 2),
    A("other state", REGION, 2),
    A("other postal code", POSTAL_CODE, 2),
    A("other country/region", COUNTRY, 2),
    /* dates, notes, groups */
    T("birthday", BIRTH_DATE),
    T("date of birth", BIRTH_DATE),
    T("birthdate", BIRTH_DATE),
    T("geburtstag", BIRTH_DATE),
    T("cumplea\xc3\xb1os", BIRTH_DATE),
    T("f\xc3\xb8"
      "dselsdag",
      BIRTH_DATE),
    T("anniversaire", BIRTH_DATE),
    T("birth year", BIRTH_YEAR),
    T("birth month", BIRTH_MONTH),
    T("birth day", BIRTH_DAY),
    T("notizen", NOTES),
    T("notas", NOTES),
    T("notater", NOTES),
    T("note", NOTES),
    T("categories", CATEGORIES),
    T("kategorien", CATEGORIES),
    T("categor\xc3\xad"
      "as",
      CATEGORIES),
    T("kategorier", CATEGORIES),
    T("cat\xc3\xa9gories", CATEGORIES),
    T("group membership", GROUPS),
    T("labels", GROUPS),
};

#undef T
#undef P
#undef A

#define CSV_HEADERS_COUNT (sizeof(csv_headers_table) / sizeof(csv_headers_table[0]))
_Static_assert(CSV_HEADERS_COUNT <= UINT16_MAX, "csv_headers_order holds 16-bit indices");

/* The table's entries by their first byte, in table order within a byte: a
 * file's header row may hold hundreds of names, each looked up here, and a
 * name is compared only with the entries it could be. Made once, by
 * whichever thread looks first. */
static uint16_t csv_headers_order[CSV_HEADERS_COUNT];
static uint16_t csv_headers_start[UCHAR_MAX + 2]; /* byte b: order[start[b]..start[b + 1]) */
static pthread_once_t csv_headers_once = PTHREAD_ONCE_INIT;

static void csv_headers_index(void)
{
    uint16_t next[UCHAR_MAX + 1] = {0};
    for (size_t i = 0; i < CSV_HEADERS_COUNT; i++)
        csv_headers_start[(unsigned char)csv_headers_table[i].header[0] + 1]++;
    for (size_t b = 1; b < UCHAR_MAX + 2; b++)
        csv_headers_start[b] = (uint16_t)(csv_headers_start[b] + csv_headers_start[b - 1]);
    memcpy(next, csv_headers_start, sizeof(next));
    for (size_t i = 0; i < CSV_HEADERS_COUNT; i++)
        csv_headers_order[next[(unsigned char)csv_headers_table[i].header[0]]++] = (uint16_t)i;
}

/* Google's numbered headers: "<kind> <n> - <part>". */
static bool csv_headers_google(const char *h, struct csv_header *out)
{
    static const struct {
        const char *kind, *part;
        enum csv_target target;
    } parts[] = {
        {"phone", "value", CSV_T_PHONE},
        {"phone", "type", CSV_T_PHONE_TYPE},
        {"phone", "label", CSV_T_PHONE_TYPE},
        {"e-mail", "value", CSV_T_EMAIL},
        {"address", "street", CSV_T_STREET},
        {"address", "extended address", CSV_T_STREET2},
        {"address", "city", CSV_T_CITY},
        {"address", "region", CSV_T_REGION},
        {"address", "postal code", CSV_T_POSTAL_CODE},
        {"address", "country", CSV_T_COUNTRY},
        {"address", "formatted", CSV_T_ADDRESS},
        {"organization", "name", CSV_T_ORGANISATION},
        {"organization", "title", CSV_T_JOB_TITLE},
        {"organization", "department", CSV_T_DEPARTMENT},
    };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        size_t kl = strlen(parts[i].kind);
        if (h[0] != parts[i].kind[0] || strncmp(h, parts[i].kind, kl) != 0 || h[kl] != ' ')
            continue;
        unsigned n = 0;
        int used = 0;
        if (sscanf(h + kl + 1, "%u - %n", &n, &used) != 1 || used == 0 || n == 0 || n > 99)
            continue;
        if (strcmp(h + kl + 1 + used, parts[i].part) != 0)
            continue;
        out->target = parts[i].target;
        /* The first address is the one kept; later ones only when it is
         * empty. */
        out->slot = parts[i].target >= CSV_T_STREET && parts[i].target <= CSV_T_ADDRESS
                        ? (n - 1 < CSV_HEADERS_SLOTS ? n - 1 : CSV_HEADERS_SLOTS)
                        : 0;
        out->group = parts[i].kind[0] == 'p' && n <= CSV_HEADERS_GROUPS ? n : 0;
        if (out->slot == CSV_HEADERS_SLOTS)
            out->target = CSV_T_NONE;
        return out->target != CSV_T_NONE;
    }
    return false;
}

bool csv_headers_find(const char *header, struct csv_header *out)
{
    char h[128];
    while (*header == ' ' || *header == '\t')
        header++;
    size_t n = strlen(header);
    while (n > 0 && (header[n - 1] == ' ' || header[n - 1] == '\t'))
        n--;
    *out = (struct csv_header){.target = CSV_T_NONE};
    if (n >= sizeof(h))
        return false;
    for (size_t i = 0; i < n; i++)
        h[i] = header[i] >= 'A' && header[i] <= 'Z' ? (char)(header[i] - 'A' + 'a') : header[i];
    h[n] = '\0';
    pthread_once(&csv_headers_once, csv_headers_index);
    unsigned char first = (unsigned char)h[0];
    for (size_t k = csv_headers_start[first]; k < csv_headers_start[first + 1]; k++) {
        const struct csv_headers_entry *e = &csv_headers_table[csv_headers_order[k]];
        if (e->header[1] == h[1] && strcmp(h, e->header) == 0) {
            *out = (struct csv_header){e->target, e->phone_type, e->slot, 0};
            return true;
        }
    }
    return csv_headers_google(h, out);
}

bool csv_headers_field(const char *field, struct csv_header *out)
{
    static const struct csv_headers_entry fields[] = {
        {"first_name", CSV_T_GIVEN, NULL, 0},
        {"middle_name", CSV_T_MIDDLE, NULL, 0},
        {"last_name", CSV_T_FAMILY, NULL, 0},
        {"phone", CSV_T_PHONE, NULL, 0},
        {"mobile", CSV_T_PHONE, "mobile", 0},
        {"home_phone", CSV_T_PHONE, "home", 0},
        {"work_phone", CSV_T_PHONE, "work", 0},
        {"fax", CSV_T_PHONE, "fax", 0},
        {"email", CSV_T_EMAIL, NULL, 0},
        {"department", CSV_T_DEPARTMENT, NULL, 0},
        {"job_title", CSV_T_JOB_TITLE, NULL, 0},
        {"birth_year", CSV_T_BIRTH_YEAR, NULL, 0},
        {"birth_month", CSV_T_BIRTH_MONTH, NULL, 0},
        {"birth_day", CSV_T_BIRTH_DAY, NULL, 0},
        {"categories", CSV_T_CATEGORIES, NULL, 0},
        {"-", CSV_T_NONE, NULL, 0},
    };
    *out = (struct csv_header){.target = CSV_T_NONE};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (strcmp(field, fields[i].header) == 0) {
            *out = (struct csv_header){fields[i].target, fields[i].phone_type, 0, 0};
            return true;
        }
    }
    /* folio's own column names, the first entries of the table. */
    for (size_t i = 0; i < sizeof(csv_headers_table) / sizeof(csv_headers_table[0]); i++) {
        const struct csv_headers_entry *e = &csv_headers_table[i];
        if (strcmp(e->header, "display name") == 0)
            break;
        if (strcmp(field, e->header) == 0 && e->target != CSV_T_ID &&
            e->target != CSV_T_READ_ONLY) {
            *out = (struct csv_header){e->target, NULL, 0, 0};
            return true;
        }
    }
    return false;
}
