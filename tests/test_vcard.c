/* test_vcard.c - vCard 3.0 and 4.0 as phones export them, folded lines,
 * groups, escapes, both BDAY forms, broken cards; writer -> reader. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

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
    cr_assert_str_eq(v->tels[0], "+51 999 888 777");
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
    cr_assert_str_eq(v->tels[0], "+51-1-234");
    cr_assert_str_eq(v->bday, "1975-12-31");
    cr_assert_eq(v->number, 2);
    cr_assert_eq(v->line, 11);
    arena_free(&a);
}

Test(vcard, no_year_bad_cards_and_qp)
{
    const char *in = "BEGIN:VCARD\nVERSION:3.0\nFN:No Year\nBDAY:--0415\nEND:VCARD\n"
                     "BEGIN:VCARD\nVERSION:3.0\nTEL:1\nEND:VCARD\n"
                     "BEGIN:VCARD\nFN:Bad \xff\nEND:VCARD\n"
                     "BEGIN:VCARD\nVERSION:2.1\n"
                     "FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Jos=C3=A9 =\n"
                     "NOTE;QUOTED-PRINTABLE:=ZZ=4\nEND:VCARD\n"
                     "BEGIN:VCARD\nFN:Unfinished\n";
    struct arena a;
    arena_init(&a, 0);
    struct cards c;
    read_all(in, &a, &c);
    cr_assert_eq(c.n, 5);
    cr_assert_null(c.card[0].error);
    cr_assert_null(c.card[0].bday);
    cr_assert_eq(c.card[0].n_notes, 1);
    cr_assert(strstr(c.card[0].notes[0], "line 4: birthday without a year") != NULL);
    cr_assert(strstr(c.card[1].error, "card 2 (line 6)") != NULL, "%s", c.card[1].error);
    cr_assert(strstr(c.card[1].error, "no name") != NULL);
    cr_assert(strstr(c.card[2].error, "not valid UTF-8") != NULL, "%s", c.card[2].error);
    cr_assert_null(c.card[3].error);
    cr_assert_str_eq(c.card[3].fn, "Jos\xc3\xa9");
    cr_assert(strstr(c.card[4].error, "no END:VCARD") != NULL);
    arena_free(&a);
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
                         .tels = {"+51 1"},
                         .n_tels = 1,
                         .emails = {"a@b.pe"},
                         .n_emails = 1,
                         .city = "Lima",
                         .note = "line one\nline \\two"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(vcard_write(f, &card), 0);
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
    struct arena a;
    arena_init(&a, 0);
    struct cards c;
    read_all(buf, &a, &c);
    cr_assert_eq(c.n, 1);
    cr_assert_str_eq(c.card[0].fn, name);
    cr_assert_str_eq(c.card[0].bday, "1980-02-29");
    cr_assert_str_eq(c.card[0].note, card.note);
    cr_assert_str_eq(c.card[0].city, "Lima");
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
    cr_assert_str_eq(ix.clients[0]->country, "");
    cr_assert_eq(ix.n_notes, 1);
    cr_assert(strstr(ix.notes[0]->message, "card 1 (line 1): country \"Peru\"") != NULL);
    interchange_free(&ix);
}
