/* test_csv.c - RFC 4180 reading and writing over awkward inputs, and the
 * CSV side of interchange.h. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "csv_file.h"
#include "interchange.h"

struct rows {
    char text[4096]; /* rows as "a|b|c@line;" */
};

static int collect(void *ctx, char *const *fields, size_t n, uint32_t line)
{
    struct rows *r = ctx;
    size_t used = strlen(r->text);
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(r->text + used, sizeof(r->text) - used, "%s%s", i ? "|" : "",
                                 fields[i]);
    snprintf(r->text + used, sizeof(r->text) - used, "@%u;", line);
    return 0;
}

static const struct {
    const char *in, *out;
} good[] = {
    {"a,b\r\nc,d\r\n", "a|b@1;c|d@2;"},
    {"a,b\nc,d", "a|b@1;c|d@2;"},
    {"\xef\xbb\xbfname\nJos\xc3\xa9", "name@1;Jos\xc3\xa9@2;"},
    {"\"Smith, John\",\"say \"\"hi\"\"\"\n", "Smith, John|say \"hi\"@1;"},
    {"\"two\nlines\",x\nnext,y\n", "two\nlines|x@1;next|y@3;"},
    {"a,,c\n,,\n", "a||c@1;||@2;"},
    {"a\n\n\nb\n", "a@1;b@4;"},
    {"a,b,c\nd\n", "a|b|c@1;d@2;"},
    {" spaced , kept \n", " spaced | kept @1;"},
    {"\xe5\x8c\x97\xe4\xba\xac,\xf0\x9f\x98\x80\r\n",
     "\xe5\x8c\x97\xe4\xba\xac|\xf0\x9f\x98\x80@1;"},
};

Test(csv, reads_awkward_inputs)
{
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct rows r = {{0}};
        char err[256];
        int rc = csv_file_read(good[i].in, strlen(good[i].in), collect, &r, err, sizeof(err));
        cr_assert_eq(rc, 0, "case %zu: %s", i, err);
        cr_assert_str_eq(r.text, good[i].out, "case %zu", i);
    }
}

static const struct {
    const char *in, *why;
} bad[] = {
    {"a\nJos\xe9\n", "line 2: field 1 is not valid UTF-8"},
    {"ok\n\xc0\xaf\n", "line 2: field 1 is not valid UTF-8"},
    {"a,\"open\n", "quoted field not closed"},
    {"a\nb\"c\",d\n", "line 2: misplaced quote"},
};

Test(csv, refuses_with_the_line)
{
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct rows r = {{0}};
        char err[256];
        int rc = csv_file_read(bad[i].in, strlen(bad[i].in), collect, &r, err, sizeof(err));
        cr_assert_eq(rc, -1, "case %zu", i);
        cr_assert(strstr(err, bad[i].why) != NULL, "case %zu: %s", i, err);
    }
}

Test(csv, refuses_oversized_fields)
{
    size_t n = CSV_FILE_FIELD_MAX + 10;
    char *big = malloc(n + 3);
    cr_assert_not_null(big);
    memset(big, 'x', n);
    memcpy(big + n, "\n", 2);
    struct rows r = {{0}};
    char err[256];
    cr_assert_eq(csv_file_read(big, strlen(big), collect, &r, err, sizeof(err)), -1);
    cr_assert(strstr(err, "line 1: field longer than") != NULL, "%s", err);
    free(big);
}

Test(csv, writer_round_trips)
{
    const char *fields[] = {
        "plain", "Smith, John", "say \"hi\"", "two\nlines", " lead", "Jos\xc3\xa9", ""};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(csv_file_write_row(f, fields, 7), 0);
    fclose(f);
    cr_assert_str_eq(buf, "plain,\"Smith, John\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\","
                          "Jos\xc3\xa9,\r\n");
    struct rows r = {{0}};
    char err[256];
    cr_assert_eq(csv_file_read(buf, len, collect, &r, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(r.text, "plain|Smith, John|say \"hi\"|two\nlines| lead|Jos\xc3\xa9|@1;");
    free(buf);
}

Test(csv, other_delimiters_in_values_are_quoted_so_the_file_sniffs_as_written)
{
    /* Found by fuzz_csv (the input is in its corpus): a name of many ';'
     * written bare made the export sniff as a semicolon file, whose header
     * then had no name column. */
    const char *const header[] = {"id", "name"};
    const char *const row[] = {"", "Ana;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;; Tab\there"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(csv_file_write_row(f, header, 2), 0);
    cr_assert_eq(csv_file_write_row(f, row, 2), 0);
    fclose(f);
    cr_assert_str_eq(buf, "id,name\r\n,\"Ana;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;; Tab\there\"\r\n");
    cr_assert_eq(csv_file_delimiter(buf, len), ',');
    free(buf);
}

Test(csv, interchange_maps_rows_and_reports)
{
    const char *in = "id,Name,emails,phones,income,consent,favourite_colour,marital_status\n"
                     "x,\"P\xc3\xa9rez, Ana\",\"a@x.pe; b@x.pe\",+51 1,52000.5,email; sms,blue,"
                     "married\n"
                     "y,Bad Income,,,12.345,,,\n"
                     "z,Too,many,,,,,,extra\n"
                     ",,,,,,,\n"
                     "w,\"Multi\nLine\",,,,,,\n";
    struct interchange ix;
    interchange_init(&ix);
    char err[256];
    cr_assert_eq(interchange_read_csv(&ix, in, strlen(in), NULL, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(ix.n_clients, 3);
    Folio__Client *c = ix.clients[0];
    cr_assert_str_eq(c->name, "P\xc3\xa9rez, Ana");
    cr_assert_eq(c->n_emails, 2);
    cr_assert_str_eq(c->emails[1], "b@x.pe");
    cr_assert_str_eq(c->phones[0], "+511");
    cr_assert_eq(c->income_cents, 5200050);
    cr_assert(c->consent->email && c->consent->sms && !c->consent->post);
    cr_assert_eq(c->marital_status, FOLIO__MARITAL_STATUS__MARITAL_MARRIED);
    /* A bad value leaves out that field, not the person. */
    cr_assert_str_eq(ix.clients[1]->name, "Bad Income");
    cr_assert_eq(ix.clients[1]->income_cents, 0);
    cr_assert_str_eq(ix.clients[2]->name, "Multi Line");
    cr_assert_eq(ix.lines[0], 2);
    cr_assert_eq(ix.lines[1], 3);
    cr_assert_eq(ix.lines[2], 6);
    cr_assert_eq(ix.n_notes, 3);
    cr_assert_str_eq(ix.notes[0]->kind, "unknown_column");
    cr_assert(strstr(ix.notes[0]->message, "favourite_colour") != NULL);
    cr_assert_str_eq(ix.notes[1]->kind, "note");
    cr_assert_str_eq(ix.notes[1]->message,
                     "line 3: income: \"12.345\": not an amount (52000.50): left out");
    cr_assert_str_eq(ix.notes[2]->kind, "error");
    cr_assert(strstr(ix.notes[2]->message, "line 4:") != NULL);

    /* writer -> reader */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(interchange_csv_header(f, ','), 0);
    cr_assert_eq(interchange_csv_write(f, ',', c), 0);
    fclose(f);
    struct interchange back;
    interchange_init(&back);
    cr_assert_eq(interchange_read_csv(&back, buf, len, NULL, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(back.n_clients, 1);
    cr_assert_eq(back.n_notes, 0);
    cr_assert_str_eq(back.clients[0]->name, c->name);
    cr_assert_eq(back.clients[0]->income_cents, 5200050);
    cr_assert_eq(back.clients[0]->n_emails, 2);
    cr_assert(back.clients[0]->consent->sms);
    interchange_free(&back);
    interchange_free(&ix);
    free(buf);
}

/* The language a client's mail is written in goes out and comes back. */
Test(csv, language_round_trips)
{
    const char *in = "name,language\nRosa Quispe,qu\n";
    struct interchange ix;
    interchange_init(&ix);
    char err[256];
    cr_assert_eq(interchange_read_csv(&ix, in, strlen(in), NULL, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(ix.n_clients, 1);
    cr_assert_eq(ix.n_notes, 0);
    cr_assert_str_eq(ix.clients[0]->language, "qu");
    cr_assert(ix.n_fields >= 2, "an update by id sets the language too");
    bool named = false;
    for (size_t i = 0; i < ix.n_fields; i++)
        named |= strcmp(ix.fields[i], "language") == 0;
    cr_assert(named, "language is among the fields the file fills");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(interchange_csv_header(f, ','), 0);
    cr_assert_eq(interchange_csv_write(f, ',', ix.clients[0]), 0);
    fclose(f);
    cr_assert_not_null(strstr(buf, ",language,"), "%s", buf);
    struct interchange back;
    interchange_init(&back);
    cr_assert_eq(interchange_read_csv(&back, buf, len, NULL, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(back.n_notes, 0);
    cr_assert_str_eq(back.clients[0]->language, "qu");
    interchange_free(&back);
    interchange_free(&ix);
    free(buf);
}

/* Spreadsheets write a language as a tag or in capitals: the client's is
 * the tag's first part in lower case; what is no language is left out
 * with a note, and the person comes in. */
Test(csv, language_from_a_tag)
{
    const char *in = "name,language\nA,pt-BR\nB,EN\nC,zh_Hant_TW\nD,Deutsch\nE,e\n";
    struct interchange ix;
    interchange_init(&ix);
    char err[256];
    cr_assert_eq(interchange_read_csv(&ix, in, strlen(in), NULL, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(ix.n_clients, 5);
    cr_assert_str_eq(ix.clients[0]->language, "pt");
    cr_assert_str_eq(ix.clients[1]->language, "en");
    cr_assert_str_eq(ix.clients[2]->language, "zh");
    cr_assert_str_eq(ix.clients[3]->language, "");
    cr_assert_str_eq(ix.clients[4]->language, "");
    cr_assert_eq(ix.n_notes, 2);
    cr_assert(strstr(ix.notes[0]->message, "line 5: language: \"Deutsch\": not a language") != NULL,
              "%s", ix.notes[0]->message);
    cr_assert(strstr(ix.notes[1]->message, "line 6: language: \"e\"") != NULL, "%s",
              ix.notes[1]->message);
    interchange_free(&ix);
}

Test(csv, interchange_needs_a_name_column)
{
    struct interchange ix;
    interchange_init(&ix);
    char err[256];
    cr_assert_eq(interchange_read_csv(&ix, "city\nLima\n", 10, NULL, err, sizeof(err)), -1);
    cr_assert(strstr(err, "line 1: no \"name\" column") != NULL, "%s", err);
    interchange_free(&ix);
}

/* OWASP CSV injection: a cell a spreadsheet would run as a formula is
 * written with a leading ' and reads back as it was, a value that really
 * starts with ' included. */
Test(csv, formula_cells_are_guarded_and_read_back)
{
    const char *fields[] = {"=HYPERLINK(\"http://x\")",
                            "+1",
                            "-2",
                            "@SUM(A1)",
                            "\tTab",
                            "\rCR",
                            "'quoted",
                            "''two",
                            "plain",
                            "a=b"};
    size_t n = sizeof(fields) / sizeof(fields[0]);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(csv_file_write_row(f, fields, n), 0);
    fclose(f);
    cr_assert_str_eq(buf, "\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,'@SUM(A1),\"'\tTab\","
                          "\"'\rCR\",''quoted,'''two,plain,a=b\r\n");
    struct rows r = {{0}};
    char err[256];
    cr_assert_eq(csv_file_read(buf, len, collect, &r, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(r.text, "=HYPERLINK(\"http://x\")|+1|-2|@SUM(A1)|\tTab|\rCR|'quoted|''two|"
                             "plain|a=b@1;");
    free(buf);
}
