/* test_vcard.c - vCard 3.0 and 4.0 as phones export them, folded lines,
 * groups, escapes, both BDAY forms, broken cards; writer -> reader. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "csv_file.h"
#include "interchange.h"
#include "vcard.h"

#define MAX_CARDS 8

struct cards {
    struct vcard card[MAX_CARDS];
    size_t n;
};

static int keep(void *ctx, const struct vcard *card)
{
    struct cards *c = ctx;
    cr_assert_lt(c->n, MAX_CARDS);
    c->card[c->n++] = *card;
    return 0;
}

static void read_all(const char *in, struct arena *a, struct cards *out)
{
    char err[256];
    memset(out, 0, sizeof(*out));
    int rc = vcard_read(in, strlen(in), a, keep, out, err, sizeof(err));
    cr_assert_eq(rc, 0, "%s", err);
}

Test(vcard, phone_export_30_and_40)
{
    const char *in = "BEGIN:VCARD\r\n"
                     "VERSION:3.0\r\n"
                     "N:P\xc3\xa9rez;Jos\xc3\xa9;;;\r\n"
                     "FN:Jos\xc3\xa9 P\xc3\xa9rez\r\n"
                     "item1.EMAIL;type=INTERNET;type=pref:jose@example.pe\r\n"
                     "TEL;TYPE=CELL:+51 999 888 777\r\n"
                     "bday:1980-04-15\r\n"
                     "ADR;TYPE=HOME:;;Av. Larco 123\\, dpto 4;Miraflores;Lima;15074;PE\r\n"
                     "NOTE:likes \\\"tea\\\"\\; call\\nafter 6\\\\pm\r\n"
                     "END:VCARD\r\n"
                     "begin:vcard\n"
                     "version:4.0\n"
                     "fn:Mar\xc3\xad\n"
                     " a Gonz\xc3\xa1lez with a very long name that a phone folds over\n"
                     "\tseveral lines\n"
                     "tel;value=uri:tel:+51-1-234\n"
                     "BDAY:19751231T120000Z\n"
                     "end:vcard\n";
    struct arena a;
    arena_init(&a, 0);
    struct cards c;
    read_all(in, &a, &c);
    cr_assert_eq(c.n, 2);
    const struct vcard *v = &c.card[0];
    cr_assert_null(v->error);
    cr_assert_str_eq(v->fn, "Jos\xc3\xa9 P\xc3\xa9rez");
    cr_assert_str_eq(v->family, "P\xc3\xa9rez");
    cr_assert_str_eq(v->emails[0], "jose@example.pe");
    cr_assert_str_eq(v->tels[0].number, "+51 999 888 777");
    cr_assert_str_eq(v->tels[0].type, "mobile");
    cr_assert_str_eq(v->bday, "1980-04-15");
    cr_assert_str_eq(v->street, "Av. Larco 123, dpto 4");
    cr_assert_str_eq(v->city, "Miraflores");
    cr_assert_str_eq(v->country, "PE");
    cr_assert_str_eq(v->note, "likes \"tea\"; call\nafter 6\\pm");
    cr_assert_eq(v->line, 1);
    v = &c.card[1];
    cr_assert_str_eq(v->fn, "Mar\xc3\xad"
                            "a Gonz\xc3\xa1lez with a very long name that a phone folds over"
                            "several lines");
    cr_assert_str_eq(v->tels[0].number, "tel:+51-1-234");
    cr_assert_str_eq(v->bday, "1975-12-31");
    cr_assert_eq(v->number, 2);
    cr_assert_eq(v->line, 11);
    arena_free(&a);
}

Test(vcard, no_year_bad_bytes_qp_and_unfinished)
{
    const char *in = "BEGIN:VCARD\nVERSION:3.0\nFN:No Year\nBDAY:--0415\nEND:VCARD\n"
                     "BEGIN:VCARD\nVERSION:3.0\nTEL:1\nEND:VCARD\n"
                     "BEGIN:VCARD\nFN:Bad \xff\nX-THING:\xfe\xfe\nEND:VCARD\n"
                     "BEGIN:VCARD\nVERSION:2.1\n"
                     "FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Jos=C3=A9 =\n"
                     "Luis\n"
                     "NOTE;QUOTED-PRINTABLE:=ZZ=4\nEND:VCARD\n"
                     "BEGIN:VCARD\nFN:Unfinished\n";
    struct arena a;
    arena_init(&a, 0);
    struct cards c;
    read_all(in, &a, &c);
    cr_assert_eq(c.n, 5);
    cr_assert_null(c.card[0].error);
    cr_assert_str_eq(c.card[0].bday, "--04-15");
    cr_assert_eq(c.card[0].n_notes, 0);
    cr_assert(strstr(c.card[1].error, "card 2 (line 6)") != NULL, "%s", c.card[1].error);
    cr_assert(strstr(c.card[1].error, "no name") != NULL);
    /* Not UTF-8 and no CHARSET: windows-1252; in a property folio does
     * not keep, the bytes do not matter. */
    cr_assert_null(c.card[2].error);
    cr_assert_str_eq(c.card[2].fn, "Bad \xc3\xbf");
    cr_assert_null(c.card[3].error);
    cr_assert_str_eq(c.card[3].fn, "Jos\xc3\xa9 Luis");
    cr_assert_str_eq(c.card[3].note, "=ZZ=4");
    cr_assert_null(c.card[4].error);
    cr_assert(strstr(c.card[4].notes[0], "no END:VCARD") != NULL);
    arena_free(&a);
}

Test(vcard, bday_forms)
{
    static const struct {
        const char *value, *bday;
    } forms[] = {
        {"1980-04-15", "1980-04-15"},
        {"19800415", "1980-04-15"},
        {"1980-04-15T10:00:00Z", "1980-04-15"},
        {"19800415T000000", "1980-04-15"},
        {"1980.04.15", "1980-04-15"},
        {"1980/04/15", "1980-04-15"},
        {"--0415", "--04-15"},
        {"--04-15", "--04-15"},
        {"--0229", "--02-29"},
        {"1850-04-15", "--04-15"},
        {"0001-04-15", "--04-15"},
        {"1980-02-30", NULL},
        {"1981-02-29", NULL},
        {"1980", NULL},
        {"circa 1800", NULL},
        {"---15", NULL},
    };
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        char in[200];
        snprintf(in, sizeof(in), "BEGIN:VCARD\nFN:A\nBDAY:%s\nEND:VCARD\n", forms[i].value);
        struct arena a;
        arena_init(&a, 0);
        struct cards c;
        read_all(in, &a, &c);
        cr_assert_null(c.card[0].error);
        if (forms[i].bday == NULL) {
            cr_assert_null(c.card[0].bday, "%s", forms[i].value);
            cr_assert_eq(c.card[0].n_notes, 1, "%s", forms[i].value);
            cr_assert(strstr(c.card[0].notes[0], "line 3: BDAY") != NULL);
        } else {
            cr_assert_str_eq(c.card[0].bday, forms[i].bday, "%s", forms[i].value);
        }
        arena_free(&a);
    }
    const char *apple = "BEGIN:VCARD\nFN:A\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-12-24\nEND:VCARD\n";
    struct arena a;
    arena_init(&a, 0);
    struct cards c;
    read_all(apple, &a, &c);
    cr_assert_str_eq(c.card[0].bday, "--12-24");
    cr_assert_eq(c.card[0].n_notes, 0);
    arena_free(&a);
}

Test(vcard, oversized_unknown_properties_are_skipped)
{
    size_t big = 3 * VCARD_LINE_MAX;
    char *in = malloc(2 * big + VCARD_LINE_MAX + 400);
    cr_assert_not_null(in);
    strcpy(in, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Photo Person\r\nPHOTO;ENCODING=b:");
    size_t n = strlen(in);
    for (size_t i = 0; i < big; i++) {
        in[n++] = (i % 75 == 74) ? '\r' : (char)('A' + i % 26);
        if (i % 75 == 74) {
            in[n++] = '\n';
            in[n++] = ' ';
        }
    }
    strcpy(in + n, "\r\nNOTE:");
    n += 7;
    memset(in + n, 'n', VCARD_LINE_MAX + 10);
    n += VCARD_LINE_MAX + 10;
    strcpy(in + n, "\r\nTEL:+1 555 0100\r\nEND:VCARD\r\n");
    struct arena a;
    arena_init(&a, 0);
    struct cards c;
    read_all(in, &a, &c);
    cr_assert_eq(c.n, 1);
    cr_assert_null(c.card[0].error);
    cr_assert_str_eq(c.card[0].tels[0].number, "+1 555 0100");
    cr_assert_eq(c.card[0].n_notes, 1);
    cr_assert(strstr(c.card[0].notes[0], "NOTE: longer than 16384 bytes: left out") != NULL, "%s",
              c.card[0].notes[0]);
    arena_free(&a);
    free(in);
}

Test(vcard, cr_runs_and_mailto_once_at_import)
{
    /* Found by fuzz_vcard (the input is in its corpus): CRs and blanks
     * before a mailto: kept the scheme, and the export, which drops CRs,
     * read back without it. CRs go and blanks are trimmed before the
     * scheme is, once, at import. */
    const char *in = "BEGIN:VCARD\nFN:Z\nEMAIL: \r \r \r \r \r \r \r \rmailto:z0oe@example.ie\n"
                     "EMAIL:mailto:mailto:two@example.ie\nEND:VCARD\n";
    struct interchange ix;
    interchange_init(&ix);
    char err[256];
    cr_assert_eq(interchange_read_vcard(&ix, in, strlen(in), err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(ix.n_clients, 1);
    cr_assert_eq(ix.clients[0]->n_emails, 2);
    cr_assert_str_eq(ix.clients[0]->emails[0], "z0oe@example.ie");
    cr_assert_str_eq(ix.clients[0]->emails[1], "two@example.ie");
    interchange_free(&ix);
}

Test(vcard, charset_names_are_taken_as_written_and_text_ends_utf8)
{
    /* Found by fuzz_vcard (the input is in its corpus): iconv drops the
     * bytes of a charset name it does not expect, so "UT\xfe\xffF-8" opened
     * UTF-8, whose reader let the old 4-byte sequence F5 B1 B0 AB through:
     * a name kept that was not UTF-8. Such a name is unknown (windows-1252,
     * with a note), and what any charset gives is UTF-8 in the end. */
    const char *in = "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UT\xfe\xff"
                     "F-8:M\xf5\xb1\xb0\xabller;Jo\n"
                     "FN;CHARSET=UTF-8:\xf5\xb1\xb0\xab Z\nEND:VCARD\n";
    struct arena a;
    arena_init(&a, 0);
    struct cards c;
    read_all(in, &a, &c);
    cr_assert_eq(c.n, 1);
    cr_assert_not_null(c.card[0].family);
    cr_assert_str_eq(c.card[0].family,
                     "M\xc3\xb5\xc2\xb1\xc2\xb0\xc2\xab"
                     "ller",
                     "an unknown CHARSET reads as windows-1252");
    bool noted = false;
    for (size_t i = 0; i < c.card[0].n_notes; i++)
        noted = noted || strstr(c.card[0].notes[i], "unknown") != NULL;
    cr_assert(noted, "the unknown charset is noted");
    cr_assert_not_null(c.card[0].fn);
    cr_assert(csv_file_utf8_valid(c.card[0].fn, strlen(c.card[0].fn)), "FN is UTF-8: %s",
              c.card[0].fn);
    arena_free(&a);

    size_t n;
    char *out = charset_to_utf8("UTF-8",
                                "a\xf5\xb1\xb0\xab"
                                "b",
                                6, &n);
    cr_assert_not_null(out);
    cr_assert_str_eq(out, "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                          "b");
    cr_assert_eq(n, strlen(out));
    free(out);
    cr_assert_null(charset_to_utf8("UTF\x01-8", "a", 1, &n));
}

Test(vcard, not_a_vcard)
{
    struct arena a;
    arena_init(&a, 0);
    struct cards c = {0};
    char err[256];
    cr_assert_eq(vcard_read("name,city\n", 10, &a, keep, &c, err, sizeof(err)), -1);
    cr_assert(strstr(err, "no vCard") != NULL);
    arena_free(&a);
}

Test(vcard, writer_folds_without_splitting_utf8_and_round_trips)
{
    char name[400] = "";
    for (int i = 0; i < 40; i++)
        strcat(name, "\xc3\xa9\xe2\x82\xac,;");
    struct vcard card = {.fn = name,
                         .bday = "1980-02-29",
                         .tels = {{.number = "+511234", .extension = "12", .type = "fax"}},
                         .n_tels = 1,
                         .emails = {"a@b.pe"},
                         .n_emails = 1,
                         .city = "Lima",
                         .note = "line one\nline \\two"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(vcard_write(f, &card, 4), 0);
    fclose(f);
    /* Every physical line: at most 75 octets, and never starting with a
     * continuation byte after the fold's space. */
    for (char *line = buf; *line != '\0';) {
        char *end = strstr(line, "\r\n");
        cr_assert_not_null(end);
        cr_assert_leq(end - line, 75);
        if (line[0] == ' ')
            cr_assert_neq((unsigned char)line[1] & 0xc0, 0x80);
        line = end + 2;
    }
    cr_assert(strstr(buf, "BDAY:19800229\r\n") != NULL);
    cr_assert(strstr(buf, "TEL;TYPE=fax;VALUE=uri:tel:+511234;ext=12\r\n") != NULL, "%s", buf);
    struct arena a;
    arena_init(&a, 0);
    struct cards c;
    read_all(buf, &a, &c);
    cr_assert_eq(c.n, 1);
    cr_assert_str_eq(c.card[0].fn, name);
    cr_assert_str_eq(c.card[0].bday, "1980-02-29");
    cr_assert_str_eq(c.card[0].note, card.note);
    cr_assert_str_eq(c.card[0].city, "Lima");
    cr_assert_str_eq(c.card[0].tels[0].number, "tel:+511234;ext=12");
    cr_assert_str_eq(c.card[0].tels[0].type, "fax");
    arena_free(&a);
    free(buf);
}

Test(vcard, interchange_maps_cards)
{
    const char *in = "BEGIN:VCARD\nVERSION:3.0\nN:Quispe;Rosa\nADR:;;;Cusco;;;Peru\n"
                     "EMAIL:r@q.pe\nEND:VCARD\n";
    struct interchange ix;
    interchange_init(&ix);
    char err[256];
    cr_assert_eq(interchange_read_vcard(&ix, in, strlen(in), err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(ix.n_clients, 1);
    cr_assert_str_eq(ix.clients[0]->name, "Rosa Quispe");
    cr_assert_str_eq(ix.clients[0]->city, "Cusco");
    /* A country's name goes to the server, which knows the names. */
    cr_assert_str_eq(ix.clients[0]->country, "Peru");
    cr_assert_eq(ix.n_notes, 0);
    interchange_free(&ix);
}

Test(vcard, categories_become_tags_without_accents)
{
    const char *in = "BEGIN:VCARD\nVERSION:3.0\nFN:Tagged\n"
                     "CATEGORIES:Fam\xc3\xadlia,B\xc3\xbcrokunden,VIP Clients,"
                     "\xd0\x9a\xd0\xbb\xd0\xb8\xd0\xb5\xd0\xbd\xd1\x82\xd1\x8b,vip clients\n"
                     "END:VCARD\n";
    struct interchange ix;
    interchange_init(&ix);
    char err[256];
    cr_assert_eq(interchange_read_vcard(&ix, in, strlen(in), err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(ix.n_clients, 1);
    const Folio__Client *c = ix.clients[0];
    cr_assert_eq(c->n_tags, 3);
    cr_assert_str_eq(c->tags[0], "familia");
    cr_assert_str_eq(c->tags[1], "burokunden");
    cr_assert_str_eq(c->tags[2], "vip-clients");
    cr_assert_eq(ix.n_notes, 1);
    cr_assert(strstr(ix.notes[0]->message, "card 1 (line 1): tags: \"\xd0\x9a") != NULL, "%s",
              ix.notes[0]->message);
    cr_assert(strstr(ix.notes[0]->message, "only a-z, 0-9, - and _: left out") != NULL);
    interchange_free(&ix);
}

/* LANG (4.0) is a language tag: the client's language is its primary
 * subtag in lower case, of the LANG with the lowest PREF, else the first;
 * a 4.0 export writes it and reads back the same, a 3.0 export has none. */
Test(vcard, lang_becomes_the_language)
{
    const char *in = "BEGIN:VCARD\nVERSION:4.0\nFN:Marie Tremblay\n"
                     "LANG;TYPE=work:en-CA\nLANG;PREF=2:de\nLANG;PREF=1:FR-ca\nLANG;PREF=3:es\n"
                     "END:VCARD\n"
                     "BEGIN:VCARD\nVERSION:4.0\nFN:Li Wei\nLANG:zh_Hant\nLANG:en\nEND:VCARD\n"
                     "BEGIN:VCARD\nVERSION:4.0\nFN:Kiera\nLANG:x-klingon\nEND:VCARD\n";
    struct interchange ix;
    interchange_init(&ix);
    char err[256];
    cr_assert_eq(interchange_read_vcard(&ix, in, strlen(in), err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(ix.n_clients, 3);
    cr_assert_str_eq(ix.clients[0]->language, "fr");
    cr_assert_str_eq(ix.clients[1]->language, "zh");
    cr_assert_str_eq(ix.clients[2]->language, "", "a private tag is no language");
    cr_assert_eq(ix.n_notes, 1);
    cr_assert(strstr(ix.notes[0]->message,
                     "card 3 (line 15): language: \"x-klingon\": not a "
                     "language (ISO 639, such as es or pt-BR): left out") != NULL,
              "%s", ix.notes[0]->message);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(interchange_vcard_write(f, ix.clients[0], 4), 0);
    cr_assert_eq(interchange_vcard_write(f, ix.clients[0], 3), 0);
    fclose(f);
    const char *lang = strstr(buf, "LANG:fr\r\n");
    cr_assert_not_null(lang, "%s", buf);
    cr_assert_null(strstr(lang + 1, "LANG"), "3.0 has no LANG: %s", buf);
    struct interchange back;
    interchange_init(&back);
    cr_assert_eq(interchange_read_vcard(&back, buf, len, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(back.n_clients, 2);
    cr_assert_eq(back.n_notes, 0);
    cr_assert_str_eq(back.clients[0]->language, "fr");
    cr_assert_str_eq(back.clients[1]->language, "");
    interchange_free(&back);
    interchange_free(&ix);
    free(buf);
}
