/* test_phone.c - numbers as address books write them, to what a person
 * would dial, with the extension and the type beside. */
#include <criterion/criterion.h>
#include <string.h>

#include "phone.h"

Test(phone, separators_letters_extensions_pauses)
{
    static const struct {
        const char *text, *number, *extension;
    } cases[] = {
        {"+51 999 888 777", "+51999888777", ""},
        {"034441/ 2 22 67", "03444122267", ""},
        {"+1.418.656.9254", "+14186569254", ""},
        {"(030) 123-4567", "0301234567", ""},
        {"+49 (0)30 1234567", "+49301234567", ""},
        {"tel:+1-418-656-9254;ext=102", "+14186569254", "102"},
        {"tel:+1-418-656-9254;phone-context=example.com", "+14186569254", ""},
        {"TEL:tel:+44 20 7946 0000", "+442079460000", ""},
        {"+1-800-FLOWERS", "+18003569377", ""},
        {"1-800-go-fedex", "18004633339", ""},
        {"555-0100 x12", "5550100", "12"},
        {"555-0100 ext. 12", "5550100", "12"},
        {"555-0100 Ext 12", "5550100", "12"},
        {"555-0100 extension 12", "5550100", "12"},
        {"555-0100#12", "5550100", "12"},
        {"555-0100,,12", "5550100", "12"},
        {"555-0100;12", "5550100", "12"},
        {"555-0100p12", "5550100", "12"},
        {"555-0100w12", "5550100", "12"},
        {"\xef\xbc\x90\xef\xbc\x93-1234-5678", "0312345678", ""},
        {"+47\xc2\xa0"
         "22\xe2\x80\x93"
         "33 44 55",
         "+4722334455", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct phone p;
        const char *why = phone_read(cases[i].text, &p);
        cr_assert_null(why, "%s: %s", cases[i].text, why);
        cr_assert_str_eq(p.number, cases[i].number, "%s", cases[i].text);
        cr_assert_str_eq(p.extension, cases[i].extension, "%s", cases[i].text);
    }
}

Test(phone, what_is_not_a_number)
{
    static const struct {
        const char *text, *why;
    } cases[] = {
        {"", "no digits"},
        {"none", "not a phone number"},
        {"n/a", "not a phone number"},
        {"12", "fewer than 3 digits"},
        {"+1 234 567 890 123 456 789 012", "more than 20 digits"},
        {"555 0100 x12345678901234567", "an extension of more than 16 digits"},
        {"12 ab", "letters in the number"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct phone p;
        const char *why = phone_read(cases[i].text, &p);
        cr_assert_not_null(why, "%s", cases[i].text);
        cr_assert_str_eq(why, cases[i].why, "%s", cases[i].text);
    }
    /* Bounded however long the text. */
    char digits[4096];
    memset(digits, '7', sizeof(digits) - 1);
    digits[sizeof(digits) - 1] = '\0';
    struct phone p;
    cr_assert_str_eq(phone_read(digits, &p), "more than 20 digits");
    cr_assert_leq(strlen(p.number), FOLIO_PHONE_MAX);
}

Test(phone, type_words)
{
    cr_assert_str_eq(phone_type_word("CELL", 4), "mobile");
    cr_assert_str_eq(phone_type_word("iPhone", 6), "mobile");
    cr_assert_str_eq(phone_type_word("Handy", 5), "mobile");
    cr_assert_str_eq(phone_type_word("FAX", 3), "fax");
    cr_assert_str_eq(phone_type_word("work", 4), "work");
    cr_assert_str_eq(phone_type_word("Privat", 6), "home");
    cr_assert_null(phone_type_word("VOICE", 5));
    cr_assert_null(phone_type_word("pref", 4));
    cr_assert_null(phone_type_word("CELLULAR", 4 + 1));
}
