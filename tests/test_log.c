/* test_log.c - the logger's two forms: text lines with key=value fields, and
 * one JSON object per line whose strings are escaped and whose bytes that
 * are not UTF-8 become U+FFFD. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static void log_test_redirect(void)
{
    cr_redirect_stderr();
}

/* What was written to stderr, with a JSON line's time (the only part that
 * varies, "YYYY-MM-DDTHH:MM:SSZ") replaced by T. */
static void log_test_read(char *out, size_t size)
{
    fflush(stderr);
    FILE *f = cr_get_redirected_stderr();
    size_t n = fread(out, 1, size - 1, f);
    out[n] = '\0';
    static const char key[] = "\"time\":\"";
    for (char *t = strstr(out, key); t != NULL; t = strstr(t, key)) {
        t += sizeof(key) - 1;
        if (strlen(t) < 20)
            break;
        memmove(t + 1, t + 20, strlen(t + 20) + 1);
        t[0] = 'T';
    }
}

Test(log, text_with_fields, .init = log_test_redirect)
{
    log_set_format(LOG_FORMAT_TEXT);
    log_set_level(LOG_DEBUG);
    const struct log_field fields[] = {{.key = "op", .text = "login"}, {.key = "n", .number = 42}};
    log_fields(LOG_DEBUG, "request", fields, 2);
    log_set_level(LOG_INFO);
    log_fields(LOG_DEBUG, "hidden", fields, 2);
    char text[512];
    log_test_read(text, sizeof(text));
    cr_assert(strstr(text, " DEBUG request op=login n=42\n") != NULL, "%s", text);
    cr_assert(strstr(text, "hidden") == NULL, "%s", text);
}

Test(log, json_escaped, .init = log_test_redirect)
{
    log_set_format(LOG_FORMAT_JSON);
    log_set_level(LOG_INFO);
    const struct log_field fields[] = {{.key = "user", .text = "a\"b\\c\n\xff"},
                                       {.key = "status_code", .number = -3}};
    log_fields(LOG_WARN, "failed login", fields, 2);
    log_info("quote \" and tab\t and é");
    log_set_format(LOG_FORMAT_TEXT);
    char text[1024];
    log_test_read(text, sizeof(text));
    const char *want = "{\"time\":\"T\",\"level\":\"WARN\",\"message\":\"failed login\","
                       "\"fields\":{\"user\":\"a\\\"b\\\\c\\u000a\\ufffd\",\"status_code\":-3}}\n"
                       "{\"time\":\"T\",\"level\":\"INFO\",\"message\":\"quote \\\" and tab\\u0009 "
                       "and é\"}\n";
    cr_assert_str_eq(text, want);
}

Test(log, parse_names)
{
    enum log_format format;
    cr_assert_eq(log_format_parse("json", &format), 0);
    cr_assert_eq(format, LOG_FORMAT_JSON);
    cr_assert_eq(log_format_parse("text", &format), 0);
    cr_assert_eq(format, LOG_FORMAT_TEXT);
    cr_assert_eq(log_format_parse("JSON", &format), -1);
}
