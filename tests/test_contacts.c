/* test_contacts.c - the address-book files of tests/contacts (written by
 * make_files.py in the shapes phones, mail programs and desktop address
 * books write), each read as `folio import` reads it, with the clients and
 * notes it must yield. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interchange.h"

#define CONTACTS FOLIO_SOURCE_DIR "/tests/contacts/"

static char *slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), CONTACTS "%s", name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *buf = malloc(1 << 20);
    cr_assert_not_null(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void read_file(const char *name, struct interchange *ix)
{
    size_t len;
    char *data = slurp(name, &len);
    char err[256];
    interchange_init(ix);
    cr_assert_eq(interchange_read_vcard(ix, data, len, err, sizeof(err)), 0, "%s: %s", name, err);
    free(data);
}

/* The list joined with "|", for one comparison. */
static const char *joined(char **list, size_t n)
{
    static char buf[1024];
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(buf, "|");
        strcat(buf, list[i]);
    }
    return buf;
}

static const char *details(const Folio__Client *c)
{
    static char buf[1024];
    buf[0] = '\0';
    for (size_t i = 0; i < c->n_phone_details; i++) {
        char one[128];
        snprintf(one, sizeof(one), "%s%s=%s/%s", i > 0 ? "|" : "", c->phone_details[i]->number,
                 c->phone_details[i]->type, c->phone_details[i]->extension);
        strcat(buf, one);
    }
    return buf;
}

static bool has_note(const struct interchange *ix, const char *kind, const char *text)
{
    for (size_t i = 0; i < ix->n_notes; i++)
        if (strcmp(ix->notes[i]->kind, kind) == 0 && strstr(ix->notes[i]->message, text) != NULL)
            return true;
    return false;
}

static void dump_notes(const struct interchange *ix)
{
    for (size_t i = 0; i < ix->n_notes; i++)
        fprintf(stderr, "  %s: %s\n", ix->notes[i]->kind, ix->notes[i]->message);
}

Test(contacts, iphone_photo_labels_yearless_birthday)
{
    struct interchange ix;
    read_file("iphone.vcf", &ix);
    cr_assert_eq(ix.n_clients, 1);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "Michael Br\xc3\xbcning");
    cr_assert_str_eq(c->birth_date, "--04-15");
    cr_assert_str_eq(joined(c->phones, c->n_phones), "+491712345678|03444122267|+18003569377");
    cr_assert_str_eq(details(c), "+491712345678=mobile/|03444122267=fax/|+18003569377=home/");
    cr_assert_str_eq(joined(c->emails, c->n_emails), "michael@bruening.example.de");
    cr_assert_str_eq(c->street, "Hauptstra\xc3\x9f"
                                "e 5, Hinterhaus");
    cr_assert_str_eq(c->city, "Leipzig");
    cr_assert_str_eq(c->region, "Sachsen");
    cr_assert_str_eq(c->postal_code, "04109");
    cr_assert_str_eq(c->organisation, "Br\xc3\xbcning GmbH, Vertrieb");
    cr_assert_str_eq(c->title, "Gesch\xc3\xa4"
                               "ftsf\xc3\xbchrer");
    cr_assert_str_eq(joined(c->tags, c->n_tags), "vip-clients|family");
    interchange_free(&ix);
}

Test(contacts, android_21_quoted_printable_soft_breaks)
{
    struct interchange ix;
    read_file("android.vcf", &ix);
    cr_assert_eq(ix.n_clients, 2);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "S\xc3\xb8ren J\xc3\xbcrgensen");
    cr_assert_str_eq(c->birth_date, "1969-12-28");
    cr_assert_str_eq(joined(c->phones, c->n_phones), "+4520123456|+4533123456|5550100");
    cr_assert_str_eq(details(c), "+4520123456=mobile/|+4533123456=work/102|5550100=home/99");
    cr_assert_str_eq(c->notes, "Met at the fair\nCall about the pension");
    c = ix.clients[1];
    cr_assert_str_eq(c->notes, "files in C:\\Users\\path\\docs");
    cr_assert_str_eq(joined(c->phones, c->n_phones), "+14186569254");
    cr_assert_str_eq(details(c), "+14186569254=/102");
    interchange_free(&ix);
}

Test(contacts, outlook_windows_1252_multi_line_street)
{
    struct interchange ix;
    read_file("outlook.vcf", &ix);
    cr_assert_eq(ix.n_clients, 1);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "H\xc3\xa9l\xc3\xa8ne Lef\xc3\xa8vre");
    cr_assert_str_eq(c->organisation, "Caf\xc3\xa9 de la Paix");
    cr_assert_str_eq(joined(c->phones, c->n_phones), "+33123456789|+33123456790");
    cr_assert_str_eq(details(c), "+33123456789=work/|+33123456790=fax/");
    cr_assert_str_eq(c->street, "12 rue de la Paix, B\xc3\xa2timent B");
    cr_assert_str_eq(c->postal_code, "75002");
    cr_assert_str_eq(joined(c->emails, c->n_emails), "helene@example.fr");
    cr_assert_str_eq(c->birth_date, "1975-03-15");
    interchange_free(&ix);
}

Test(contacts, shift_jis)
{
    struct interchange ix;
    read_file("shift_jis.vcf", &ix);
    cr_assert_eq(ix.n_clients, 1);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "\xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\xe9\x83\x8e");
    cr_assert_str_eq(joined(c->phones, c->n_phones), "09012345678");
    cr_assert_str_eq(details(c), "09012345678=mobile/");
    cr_assert_str_eq(c->birth_date, "--07-04");
    interchange_free(&ix);
}

Test(contacts, google_utf16le_with_mark)
{
    struct interchange ix;
    read_file("google_utf16.vcf", &ix);
    cr_assert_eq(ix.n_clients, 1);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "\xd0\x90\xd0\xbd\xd0\xbd\xd0\xb0 "
                              "\xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe\xd0\xb2\xd0\xb0");
    cr_assert_str_eq(joined(c->phones, c->n_phones), "+79123456789");
    cr_assert_str_eq(c->birth_date, "1984-02-29");
    cr_assert_str_eq(c->postal_code, "101000");
    cr_assert_str_eq(c->country, "RU");
    interchange_free(&ix);
}

Test(contacts, thunderbird_utf16be_cr_line_ends)
{
    struct interchange ix;
    read_file("thunderbird_utf16be_cr.vcf", &ix);
    cr_assert_eq(ix.n_clients, 1);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "Ole Nordmann");
    cr_assert_str_eq(joined(c->phones, c->n_phones), "+4722334455");
    cr_assert_str_eq(details(c), "+4722334455=work/");
    /* Before 1900: the month and day are kept, with a note. */
    cr_assert_str_eq(c->birth_date, "--01-01");
    cr_assert(has_note(&ix, "note", "a year before 1900"));
    interchange_free(&ix);
}

Test(contacts, lotus_notes_keeps_people_and_says_what_it_left_out)
{
    struct interchange ix;
    read_file("lotus_notes.vcf", &ix);
    cr_assert_eq(ix.n_clients, 4);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "Kari Hansen");
    cr_assert_str_eq(c->street, "Storgata 1, Postboks 12");
    cr_assert_str_eq(joined(c->phones, c->n_phones), "+4722000000");
    cr_assert_str_eq(details(c), "+4722000000=work/345");
    cr_assert_str_eq(c->birth_date, "");
    cr_assert_eq(c->n_emails, 0);
    cr_assert(has_note(&ix, "note",
                       "card 1 (line 1): line 6: BDAY \"1970-13-40\": not a real "
                       "date: left out"));
    cr_assert(has_note(&ix, "note",
                       "card 1 (line 1): emails: \"not an address\": not an e-mail "
                       "address: left out"));
    cr_assert_str_eq(ix.clients[1]->name, "Acme Holding AS");
    cr_assert_str_eq(ix.clients[1]->organisation, "Acme Holding AS");
    cr_assert(
        has_note(&ix, "error", "card 3 (line 13): line 16: no name (FN, N or ORG): left out"));
    cr_assert_str_eq(ix.clients[2]->name, "Unfinished Card");
    cr_assert(has_note(&ix, "note", "card 4 (line 17): line 20: BEGIN:VCARD before the END:VCARD"));
    cr_assert_str_eq(ix.clients[3]->name, "After Unfinished");
    size_t errors = 0;
    for (size_t i = 0; i < ix.n_notes; i++)
        errors += strcmp(ix.notes[i]->kind, "error") == 0;
    if (errors != 1)
        dump_notes(&ix);
    cr_assert_eq(errors, 1);
    interchange_free(&ix);
}

/* ---------------------------------------------------------------- CSV */

static void read_csv_file(const char *name, const struct interchange_csv_options *opt,
                          struct interchange *ix)
{
    size_t len;
    char *data = slurp(name, &len);
    char err[256];
    interchange_init(ix);
    cr_assert_eq(interchange_read_csv(ix, data, len, opt, err, sizeof(err)), 0, "%s: %s", name,
                 err);
    free(data);
}

Test(contacts, google_old_export)
{
    struct interchange ix;
    read_csv_file("google_old.csv", NULL, &ix);
    cr_assert_eq(ix.n_clients, 1);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "Ana Torres");
    cr_assert_str_eq(c->birth_date, "1980-04-15");
    cr_assert_str_eq(joined(c->emails, c->n_emails), "ana@example.com|ana.t@example.org");
    cr_assert_str_eq(joined(c->phones, c->n_phones), "+51999888777|+51999888778|+5115550100");
    cr_assert_str_eq(details(c), "+51999888777=mobile/|+51999888778=mobile/|+5115550100=fax/");
    cr_assert_str_eq(c->street, "Av. Sol 1");
    cr_assert_str_eq(c->city, "Lima");
    cr_assert_str_eq(c->postal_code, "15001");
    cr_assert_str_eq(c->country, "Peru");
    cr_assert_str_eq(c->organisation, "Acme");
    cr_assert_str_eq(c->title, "CFO");
    cr_assert_str_eq(joined(c->tags, c->n_tags), "golf-club");
    cr_assert_str_eq(c->notes, "met at the fair");
    /* The second row (its first field spans two lines) has a birthday and an e-mail but no
     * name. */
    cr_assert(has_note(&ix, "error", "line 4: no name: left out"));
    interchange_free(&ix);
}

Test(contacts, google_new_export)
{
    struct interchange ix;
    read_csv_file("google_new.csv", NULL, &ix);
    cr_assert_eq(ix.n_clients, 1);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "J\xc3\xbcrgen M\xc3\xbcller");
    cr_assert_str_eq(c->organisation, "M\xc3\xbcller AG, Zentrale");
    cr_assert_str_eq(c->title, "Einkauf");
    cr_assert_str_eq(details(c), "01712345678=mobile/");
    cr_assert_str_eq(joined(c->tags, c->n_tags), "vip");
    cr_assert_str_eq(c->country, "Deutschland");
    interchange_free(&ix);
}

Test(contacts, outlook_english_two_addresses_and_a_company)
{
    struct interchange ix;
    read_csv_file("outlook_en.csv", NULL, &ix);
    cr_assert_eq(ix.n_clients, 2);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "John Q. Public");
    cr_assert_str_eq(c->title, "Manager", "the Job Title, not Mr.");
    cr_assert_str_eq(c->organisation, "Contoso, Sales");
    cr_assert_str_eq(c->street, "22 Elm St, Apt 4", "the home address first");
    cr_assert_str_eq(c->city, "Redmond");
    cr_assert_str_eq(c->postal_code, "98052");
    cr_assert_str_eq(c->birth_date, "1969-12-28");
    cr_assert_str_eq(details(c), "4255550199=fax/|4255550100=work/123|+12065550111=mobile/");
    cr_assert_str_eq(joined(c->tags, c->n_tags), "clients|golf");
    c = ix.clients[1];
    cr_assert_str_eq(c->name, "Fabrikam Inc.", "a company's row is named by the company");
    cr_assert_str_eq(c->birth_date, "");
    cr_assert_str_eq(joined(c->phones, c->n_phones), "+14255550000");
    interchange_free(&ix);
}

Test(contacts, outlook_german_semicolons_windows_1252)
{
    struct interchange ix;
    read_csv_file("outlook_de.csv", NULL, &ix);
    cr_assert_eq(ix.n_clients, 1);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "J\xc3\xb6rg Schr\xc3\xb6"
                              "der");
    cr_assert_str_eq(c->organisation, "B\xc3\xa4"
                                      "ckerei Schr\xc3\xb6"
                                      "der");
    cr_assert_str_eq(c->title, "Inhaber");
    cr_assert_str_eq(c->street, "Kirchstra\xc3\x9f"
                                "e 7");
    cr_assert_str_eq(c->city, "M\xc3\xbcnchen");
    cr_assert_str_eq(c->birth_date, "1969-12-28");
    cr_assert_str_eq(details(c), "089123456=work/|01701234567=mobile/|089123457=fax/");
    cr_assert_str_eq(c->notes, "R\xc3\xbc"
                               "ckruf erbeten");
    cr_assert(has_note(&ix, "note", "read as windows-1252"));
    interchange_free(&ix);
}

Test(contacts, outlook_spanish_norwegian_french)
{
    struct interchange ix;
    read_csv_file("outlook_es.csv", NULL, &ix);
    cr_assert_eq(ix.n_clients, 1);
    cr_assert_str_eq(ix.clients[0]->name, "Mar\xc3\xad"
                                          "a Jos\xc3\xa9 Garc\xc3\xad"
                                          "a L\xc3\xb3pez");
    cr_assert_str_eq(ix.clients[0]->birth_date, "1980-04-15");
    cr_assert_str_eq(details(ix.clients[0]), "+34600123456=mobile/|911234567=work/");
    cr_assert_str_eq(ix.clients[0]->country, "Espa\xc3\xb1"
                                             "a");
    interchange_free(&ix);
    read_csv_file("outlook_no.csv", NULL, &ix);
    cr_assert_eq(ix.n_clients, 1);
    cr_assert_str_eq(ix.clients[0]->name, "Ola Nordmann");
    cr_assert_str_eq(ix.clients[0]->birth_date, "1970-05-17");
    cr_assert_str_eq(ix.clients[0]->title, "Daglig leder");
    cr_assert_str_eq(ix.clients[0]->postal_code, "0155");
    interchange_free(&ix);
    read_csv_file("outlook_fr.csv", NULL, &ix);
    cr_assert_eq(ix.n_clients, 1);
    cr_assert_str_eq(ix.clients[0]->name, "H\xc3\xa9l\xc3\xa8ne Lef\xc3\xa8vre");
    cr_assert_str_eq(ix.clients[0]->birth_date, "1975-03-15");
    cr_assert_str_eq(details(ix.clients[0]), "0612345678=mobile/|0123456790=fax/");
    interchange_free(&ix);
}

Test(contacts, thunderbird_birthday_columns_and_work_address)
{
    struct interchange ix;
    read_csv_file("thunderbird.csv", NULL, &ix);
    cr_assert_eq(ix.n_clients, 1);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "Kari Hansen");
    cr_assert_str_eq(c->birth_date, "--05-17");
    cr_assert_str_eq(c->street, "Storgata 1, Postboks 12");
    cr_assert_str_eq(c->city, "Oslo");
    cr_assert_str_eq(c->country, "NO");
    cr_assert_str_eq(joined(c->emails, c->n_emails), "kari@example.no");
    cr_assert_str_eq(details(c), "+4722000000=work/");
    interchange_free(&ix);
}

Test(contacts, linkedin_notes_above_the_header)
{
    struct interchange ix;
    read_csv_file("linkedin.csv", NULL, &ix);
    cr_assert_eq(ix.n_clients, 2);
    cr_assert_str_eq(ix.clients[0]->name, "Wei Zhang");
    cr_assert_str_eq(ix.clients[0]->organisation, "Example Ltd");
    cr_assert_str_eq(ix.clients[0]->title, "Engineer");
    cr_assert_eq(ix.lines[0], 5);
    /* A formula in a name is text, kept as typed. */
    cr_assert_str_eq(ix.clients[1]->name, "=HYPERLINK(\"http://evil.example\",\"x\") Attacker");
    cr_assert(has_note(&ix, "unknown_column",
                       "line 4: 2 columns not read: \"URL\", "
                       "\"Connected On\""));
    interchange_free(&ix);
}

Test(contacts, excel_utf16_tabs_and_apple_headers)
{
    struct interchange ix;
    read_csv_file("excel_utf16_tab.csv", NULL, &ix);
    cr_assert_eq(ix.n_clients, 1);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "\xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\xe9\x83\x8e");
    cr_assert_str_eq(details(c), "09012345678=mobile/");
    cr_assert_str_eq(joined(c->emails, c->n_emails), "taro@example.jp");
    cr_assert_str_eq(c->city, "\xe6\x9d\xb1\xe4\xba\xac");
    cr_assert_str_eq(c->birth_date, "1985-07-04");
    interchange_free(&ix);
}

Test(contacts, map_and_date_order)
{
    const char *in = "Nom complet,T\xc3\xa9l,N\xc3\xa9(e) le,Ville\r\n"
                     "Ana Torres,+51 999 888 777,05/04/1980,Lima\r\n";
    struct interchange ix;
    char err[256];
    const struct interchange_csv_options dmy = {
        .map = "Nom complet=name, T\xc3\xa9l=mobile,N\xc3\xa9(e) le=birth_date,Ville=city",
        .date_order = 'd'};
    interchange_init(&ix);
    cr_assert_eq(interchange_read_csv(&ix, in, strlen(in), &dmy, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(ix.n_clients, 1);
    cr_assert_str_eq(ix.clients[0]->birth_date, "1980-04-05");
    cr_assert_str_eq(details(ix.clients[0]), "+51999888777=mobile/");
    cr_assert_str_eq(ix.clients[0]->city, "Lima");
    cr_assert_eq(ix.n_notes, 0);
    interchange_free(&ix);
    const struct interchange_csv_options mdy = {.map = dmy.map, .date_order = 'm'};
    interchange_init(&ix);
    cr_assert_eq(interchange_read_csv(&ix, in, strlen(in), &mdy, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(ix.clients[0]->birth_date, "1980-05-04");
    interchange_free(&ix);
    const struct interchange_csv_options bad = {.map = "Ville=town"};
    interchange_init(&ix);
    cr_assert_eq(interchange_read_csv(&ix, in, strlen(in), &bad, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "--map: \"town\" is not a field folio reads");
    interchange_free(&ix);
}

/* Google's newer export writes each address whole in "Address N - Formatted" beside its
 * parts; a row with no parts (an address typed in one field) keeps it whole as the
 * street. */
Test(contacts, google_formatted_address_without_parts)
{
    const char *in = "First Name,Last Name,Address 1 - Formatted,Address 1 - Street,"
                     "Address 1 - City,Address 1 - Country\r\n"
                     "Ana,Torres,\"Av. Sol 1\nLima 15001\nPeru\",,,\r\n"
                     "Luis,Paz,\"Jr. Luna 2\nCusco\",Jr. Luna 2,Cusco,Peru\r\n"
                     "Eva,Ruiz,,,,Peru\r\n";
    struct interchange ix;
    char err[256];
    interchange_init(&ix);
    cr_assert_eq(interchange_read_csv(&ix, in, strlen(in), NULL, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(ix.n_clients, 3);
    cr_assert_str_eq(ix.clients[0]->street, "Av. Sol 1, Lima 15001, Peru");
    cr_assert_str_eq(ix.clients[0]->city, "");
    cr_assert_str_eq(ix.clients[1]->street, "Jr. Luna 2", "the parts, when the row has them");
    cr_assert_str_eq(ix.clients[1]->city, "Cusco");
    cr_assert_str_eq(ix.clients[1]->country, "Peru");
    cr_assert_str_eq(ix.clients[2]->street, "");
    cr_assert_str_eq(ix.clients[2]->country, "Peru");
    if (ix.n_notes != 0)
        dump_notes(&ix);
    cr_assert_eq(ix.n_notes, 0);
    interchange_free(&ix);
}

/* CRMs export "Email Home", "Email Work", "Home Mobile", "Home Zip". */
Test(contacts, crm_email_and_zip_columns)
{
    const char *in = "First Name,Last Name,Email Home,Email Work,Email Other,Home Mobile,"
                     "Home Street,Home Zip,Work Zip\r\n"
                     "Ana,Torres,ana@example.com,ana@work.example,,+51 999 888 777,Av. Sol 1,"
                     "15001,15002\r\n";
    struct interchange ix;
    char err[256];
    interchange_init(&ix);
    cr_assert_eq(interchange_read_csv(&ix, in, strlen(in), NULL, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(ix.n_clients, 1);
    const Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(joined(c->emails, c->n_emails), "ana@example.com|ana@work.example");
    cr_assert_str_eq(details(c), "+51999888777=mobile/");
    cr_assert_str_eq(c->street, "Av. Sol 1");
    cr_assert_str_eq(c->postal_code, "15001", "the home address's");
    if (ix.n_notes != 0)
        dump_notes(&ix);
    cr_assert_eq(ix.n_notes, 0);
    interchange_free(&ix);
}
