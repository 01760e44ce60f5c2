/* fuzz_vcard.c - vCard import files: vcard_read (3.0 and 4.0, folding,
 * escapes, quoted-printable) and interchange_add_vcard, which turns each
 * card into a client record as interchange_read_vcard does when `folio
 * client import` reads a file (the exports are read back with it).
 *
 * Besides memory errors, an input fails when the reader breaks its own
 * promises (cards numbered out of order, more values kept than
 * VCARD_VALUES_MAX, a kept string that is not valid UTF-8 or longer than a
 * property may be), or when what was read does not survive its own export:
 * the clients read are written out with interchange_vcard_write and read
 * back, twice over: every card must come back as a client, the second round
 * without any note, and the second and third exports must be the same
 * bytes. (The first round may lose what an export cannot say, such as a
 * postal code or a CR in a value; when it loses nothing the third round,
 * which could not differ, is left out.) */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_file.h"
#include "fuzz_charsets.h"
#include "fuzz_target.h"
#include "interchange.h"
#include "vcard.h"

#define FUZZ_ERR_SIZE 256

__attribute__((format(printf, 1, 2), noreturn)) static void fuzz_vcard_fail(const char *fmt, ...);

static void fuzz_vcard_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz_vcard: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

struct fuzz_cards {
    uint32_t number, line;
    struct interchange *ix; /* where each card goes once looked at */
};

static void fuzz_vcard_check_text(const struct vcard *card, const char *what, const char *s)
{
    if (s == NULL)
        return;
    size_t len = strlen(s);
    /* NOTE values are joined, so only they may outgrow one property. */
    if (len == 0 || (len > VCARD_LINE_MAX && strcmp(what, "NOTE") != 0))
        fuzz_vcard_fail("card %u: %s of %zu bytes kept", card->number, what, len);
    if (!csv_file_utf8_valid(s, len))
        fuzz_vcard_fail("card %u: %s kept that is not valid UTF-8", card->number, what);
}

static void fuzz_vcard_check(struct fuzz_cards *seen, const struct vcard *card)
{
    if (card->number != seen->number + 1 || card->line == 0 || card->line < seen->line)
        fuzz_vcard_fail("card %u at line %u follows card %u at line %u", card->number, card->line,
                        seen->number, seen->line);
    seen->number = card->number;
    seen->line = card->line;
    if (card->n_tels > VCARD_VALUES_MAX || card->n_emails > VCARD_VALUES_MAX ||
        card->n_notes > VCARD_NOTES_MAX)
        fuzz_vcard_fail("card %u keeps %zu TEL, %zu EMAIL, %zu notes", card->number, card->n_tels,
                        card->n_emails, card->n_notes);
    if (card->error != NULL)
        return;
    if (card->fn == NULL && card->family == NULL && card->given == NULL && card->org == NULL)
        fuzz_vcard_fail("card %u has no name and no error", card->number);
    fuzz_vcard_check_text(card, "FN", card->fn);
    fuzz_vcard_check_text(card, "N family", card->family);
    fuzz_vcard_check_text(card, "N given", card->given);
    fuzz_vcard_check_text(card, "street", card->street);
    fuzz_vcard_check_text(card, "city", card->city);
    fuzz_vcard_check_text(card, "region", card->region);
    fuzz_vcard_check_text(card, "postal code", card->postal_code);
    fuzz_vcard_check_text(card, "country", card->country);
    fuzz_vcard_check_text(card, "NOTE", card->note);
    fuzz_vcard_check_text(card, "ORG", card->org);
    fuzz_vcard_check_text(card, "TITLE", card->title);
    fuzz_vcard_check_text(card, "LANG", card->language);
    for (size_t i = 0; i < card->n_categories; i++)
        fuzz_vcard_check_text(card, "CATEGORIES", card->categories[i]);
    for (size_t i = 0; i < card->n_tels; i++)
        fuzz_vcard_check_text(card, "TEL", card->tels[i].number);
    for (size_t i = 0; i < card->n_emails; i++)
        fuzz_vcard_check_text(card, "EMAIL", card->emails[i]);
    if (card->bday != NULL && strlen(card->bday) != 10 &&
        !(strlen(card->bday) == 7 && strncmp(card->bday, "--", 2) == 0))
        fuzz_vcard_fail("card %u: BDAY kept as \"%s\"", card->number, card->bday);
}

/* Each card is looked at, then made a client as interchange_read_vcard
 * would: the input is read once for both. */
static int fuzz_vcard_card(void *ctx, const struct vcard *card)
{
    struct fuzz_cards *seen = ctx;
    fuzz_vcard_check(seen, card);
    return interchange_add_vcard(seen->ix, card);
}

/* The clients of ix as vCards; *len the size. */
static char *fuzz_vcard_export(const struct interchange *ix, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream(&text, len);
    if (out == NULL)
        fuzz_vcard_fail("out of memory");
    int rc = 0;
    for (size_t i = 0; i < ix->n_clients && rc == 0; i++)
        rc = interchange_vcard_write(out, ix->clients[i], 4);
    if (fclose(out) != 0 || rc != 0)
        fuzz_vcard_fail("cannot export %zu clients", ix->n_clients);
    return text;
}

/* Reads an export of this very code: it must read whole, every card a
 * client, and with no note at all once a round has dropped what an export
 * cannot say (a CR in a value is not written, so a country "\rP" read from
 * a file comes back as "P", which is noted as no two-letter code). */
static void fuzz_vcard_reread(struct interchange *ix, const char *text, size_t len, size_t clients,
                              const char *what, bool notes_allowed)
{
    char err[FUZZ_ERR_SIZE];
    interchange_init(ix);
    if (interchange_read_vcard(ix, text, len, err, sizeof(err)) != 0)
        fuzz_vcard_fail("the %s export does not read back: %s\n%s", what, err, text);
    for (size_t i = 0; i < ix->n_notes; i++)
        if (!notes_allowed || strcmp(ix->notes[i]->kind, "error") == 0)
            fuzz_vcard_fail("the %s export reads back with a note: %s\n%s", what,
                            ix->notes[i]->message, text);
    if (ix->n_clients != clients)
        fuzz_vcard_fail("the %s export of %zu clients reads back as %zu\n%s", what, clients,
                        ix->n_clients, text);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_charsets_hold();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char err[FUZZ_ERR_SIZE];
    struct interchange ix;
    interchange_init(&ix);
    struct fuzz_cards seen = {.ix = &ix};
    int rc = vcard_read(text, size, &ix.arena, fuzz_vcard_card, &seen, err, sizeof(err));
    if (rc != 0 && err[0] == '\0')
        fuzz_vcard_fail("vcard_read failed without saying why");
    if (rc != 0 || ix.n_clients == 0) {
        interchange_free(&ix);
        return 0;
    }
    size_t len1, len2;
    char *first = fuzz_vcard_export(&ix, &len1);
    size_t clients = ix.n_clients;
    interchange_free(&ix);
    fuzz_vcard_reread(&ix, first, len1, clients, "first", true);
    bool noted = ix.n_notes > 0;
    char *second = fuzz_vcard_export(&ix, &len2);
    interchange_free(&ix);
    /* Reading and writing are functions of the bytes: a second export the
     * same as the first, read without a note, would read and write the
     * same again, and the third round could not fail. */
    if (noted || len1 != len2 || memcmp(first, second, len1) != 0) {
        size_t len3;
        fuzz_vcard_reread(&ix, second, len2, clients, "second", false);
        char *third = fuzz_vcard_export(&ix, &len3);
        interchange_free(&ix);
        if (len2 != len3 || memcmp(second, third, len2) != 0)
            fuzz_vcard_fail("an export read back and written again changed:\n%s---\n%s", second,
                            third);
        free(third);
    }
    free(first);
    free(second);
    return 0;
}
