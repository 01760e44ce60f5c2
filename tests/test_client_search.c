/* test_client_search.c - folding, words, tokens and ranks of client find
 * (server/client_search.c), in-process. */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "client_search.h"

struct tokens {
    char text[16][CLIENT_SEARCH_TOKEN_MAX + 2];
    size_t n;
};

static int collect(void *ctx, enum client_search_kind kind, const char *token, size_t len)
{
    struct tokens *t = ctx;
    cr_assert_lt(t->n, 16);
    cr_assert_leq(len, CLIENT_SEARCH_TOKEN_MAX);
    t->text[t->n][0] = (char)kind;
    memcpy(t->text[t->n] + 1, token, len);
    t->text[t->n][len + 1] = '\0';
    t->n++;
    return 0;
}

static struct tokens tokens_of(const char *name, const char *phone, const char *email)
{
    struct tokens t = {.n = 0};
    char *phones[] = {(char *)phone}, *emails[] = {(char *)email};
    cr_assert_eq(
        client_search_tokens(name, phones, phone != NULL, emails, email != NULL, collect, &t), 0);
    return t;
}

Test(client_search, a_name_gives_each_word_start_to_the_end_of_its_word)
{
    struct tokens t = tokens_of("Anna O'Brien", NULL, NULL);
    cr_assert_eq(t.n, 3);
    cr_assert_str_eq(t.text[0], "nanna");
    cr_assert_str_eq(t.text[1], "nobrien");
    cr_assert_str_eq(t.text[2], "nbrien");

    t = tokens_of("李小龍 Lee", NULL, NULL);
    cr_assert_eq(t.n, 4);
    cr_assert_str_eq(t.text[0], "n李小龍");
    cr_assert_str_eq(t.text[1], "n小龍");
    cr_assert_str_eq(t.text[2], "n龍");
    cr_assert_str_eq(t.text[3], "nlee");
}

Test(client_search, folding_drops_case_marks_and_undecomposable_strokes)
{
    struct client_search_words w;
    cr_assert_eq(
        client_search_words("  Bjørn   ØDEGÅRD-Łódź ", strlen("  Bjørn   ØDEGÅRD-Łódź "), &w), 0);
    cr_assert_str_eq(w.norm, "bjorn odegard lodz");
    cr_assert_eq(w.n, 3);
    client_search_words_free(&w);
    cr_assert_eq(client_search_words("Straße İlkay ＡＢＣ", strlen("Straße İlkay ＡＢＣ"), &w), 0);
    cr_assert_str_eq(w.norm, "strasse ilkay abc");
    client_search_words_free(&w);
    cr_assert_eq(client_search_words("a\xff", 2, &w), EILSEQ);
}

Test(client_search, phones_are_reversed_digits_and_emails_case_folded)
{
    struct tokens t = tokens_of("", "+51 (999) 111-222", "Ana.Lopez@EXAMPLE.com");
    cr_assert_eq(t.n, 2);
    cr_assert_str_eq(t.text[0], "p22211199915");
    cr_assert_str_eq(t.text[1], "eana.lopez@example.com");
}

Test(client_search, tokens_are_cut_at_a_character_boundary)
{
    char name[201];
    memset(name, 'a', 200);
    name[200] = '\0';
    name[127] = '\xd0'; /* ж (no mark to strip) across byte 128 */
    name[128] = '\xb6';
    struct tokens t = tokens_of(name, NULL, NULL);
    cr_assert_eq(t.n, 1);
    cr_assert_eq(strlen(t.text[0]) - 1, 127);
    cr_assert_eq(client_search_cut("a\xc3\xa9", 3, 2), 1);
    cr_assert_eq(client_search_cut("abc", 3, 5), 3);
}

Test(client_search, a_query_asks_by_name_phone_and_email_as_it_looks)
{
    struct client_search_query q;
    cr_assert_eq(client_search_query_parse("+51 999-111 222", 15, &q), 0);
    cr_assert_str_eq(q.phone, "22211199915");
    cr_assert_null(q.email); /* a space: not an address */
    client_search_query_free(&q);
    cr_assert_eq(client_search_query_parse("123", 3, &q), 0);
    cr_assert_str_eq(q.phone, ""); /* under four digits */
    cr_assert_str_eq(q.email, "123");
    client_search_query_free(&q);
    cr_assert_eq(client_search_query_parse(" Ana@X ", 7, &q), 0);
    cr_assert_str_eq(q.email, "ana@x");
    cr_assert_str_eq(q.phone, "");
    cr_assert_eq(client_search_query_key(&q), 0);
    client_search_query_free(&q);
}

static int rank(const char *query, const char *name)
{
    struct client_search_query q;
    struct client_search_words w;
    cr_assert_eq(client_search_query_parse(query, strlen(query), &q), 0);
    cr_assert_eq(client_search_words(name, strlen(name), &w), 0);
    int r = client_search_name_rank(&q, &w);
    client_search_query_free(&q);
    client_search_words_free(&w);
    return r;
}

Test(client_search, ranks_exact_names_before_word_starts)
{
    cr_assert_eq(rank("ana", "Ana"), 0);
    cr_assert_eq(rank("JOSÉ  pérez", "José Pérez"), 0);
    cr_assert_eq(rank("ana", "Ana Maria"), 1);
    cr_assert_eq(rank("maria ana", "Ana Maria"), 1);
    cr_assert_eq(rank("ana", "Anabel"), 1);
    cr_assert_eq(rank("ana", "Juana"), -1);
    cr_assert_eq(rank("ana zz", "Ana Maria"), -1);
    cr_assert_eq(rank("--", "Ana"), -1);
}
