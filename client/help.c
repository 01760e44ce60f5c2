/* help.c - folio help: the help of folio, of a group or of a command, the
 * exit codes, and the manual pages; see help.h. */
#include <stdio.h>
#include <string.h>

#include "array_size.h"
#include "help.h"
#include "output.h"

/* README's "Exit codes" table says the same, word for word
 * (tests/help_cli_test.sh compares them). */
static const struct cli_exit_code exit_codes[] = {
    {CLI_OK, "done", ""},
    {CLI_REFUSED, "the server refused", "the server's (NOT_FOUND, PERMISSION_DENIED, ...)"},
    {CLI_USAGE, "a bad flag or value, caught by folio or by the server",
     "USAGE (folio), INVALID_ARGUMENT (the server)"},
    {CLI_UNAVAILABLE,
     "cannot connect, the server is not trusted, or not logged in (the message says which)",
     "UNAVAILABLE, UNAUTHENTICATED"},
    {CLI_LOCAL,
     "a local file or terminal problem (a file that cannot be read or written, a damaged "
     "bundle)",
     "LOCAL"},
    {CLI_PARTIAL, "done in part, with --strict: import --format csv|vcard that refused some rows",
     ""},
};

const struct cli_exit_code *cli_exit_codes(size_t *n)
{
    *n = ARRAY_SIZE(exit_codes);
    return exit_codes;
}

bool help_is_group(const char *word)
{
    size_t n;
    const struct cli_cmd *cmds = cli_commands(&n);
    size_t len = strlen(word);
    for (size_t i = 0; i < n; i++)
        if (!cli_cmd_hidden(&cmds[i]) && strncmp(cmds[i].path, word, len) == 0 &&
            cmds[i].path[len] == ' ')
            return true;
    return false;
}

static void print_exit_codes(void)
{
    if (out_json()) {
        struct out_table *t = out_table_begin("exit_codes", NULL);
        for (size_t i = 0; i < ARRAY_SIZE(exit_codes); i++) {
            const struct out_field f[] = {
                OUT_I("code", NULL, exit_codes[i].code),
                OUT_S("meaning", NULL, exit_codes[i].meaning),
                {.key = "error_codes",
                 .type = OUT_NSTR,
                 .s = exit_codes[i].json[0] != '\0' ? exit_codes[i].json : NULL},
            };
            out_table_row(t, f, ARRAY_SIZE(f));
        }
        out_table_end(t);
        return;
    }
    out_text("exit codes of folio (with --json, error.code on stderr says more):\n");
    for (size_t i = 0; i < ARRAY_SIZE(exit_codes); i++) {
        out_text("  %d  %s\n", exit_codes[i].code, exit_codes[i].meaning);
        if (exit_codes[i].json[0] != '\0')
            out_text("     error.code: %s\n", exit_codes[i].json);
    }
}

int cmd_help(struct cli *cli)
{
    size_t n = 0;
    while (n < CLI_MAX_ARGS && cli->args[n] != NULL)
        n++;
    if (cli_opt(cli, "--man") != NULL) {
        if (n > 1)
            return cli_usage(cli, "--man takes one command group at most");
        if (n == 1 && !help_is_group(cli->args[0]))
            return cli_usage(cli, "\"%.40s\" is not a command group; folio help lists them",
                             cli->args[0]);
        help_man(n == 1 ? cli->args[0] : NULL);
        return CLI_OK;
    }
    if (n == 0) {
        print_main_help("");
        return CLI_OK;
    }
    if (n == 1 && strcmp(cli->args[0], "exit-codes") == 0) {
        print_exit_codes();
        return CLI_OK;
    }
    char path[256] = "";
    for (size_t k = 0; k < n; k++)
        snprintf(path + strlen(path), sizeof(path) - strlen(path), "%s%s", k ? " " : "",
                 cli->args[k]);
    size_t count;
    const struct cli_cmd *cmds = cli_commands(&count);
    for (size_t i = 0; i < count; i++) {
        if (!cli_cmd_hidden(&cmds[i]) && strcmp(cmds[i].path, path) == 0) {
            print_cmd_help(&cmds[i]);
            return CLI_OK;
        }
    }
    size_t len = strlen(path);
    for (size_t i = 0; i < count; i++) {
        if (!cli_cmd_hidden(&cmds[i]) && strncmp(cmds[i].path, path, len) == 0 &&
            cmds[i].path[len] == ' ') {
            print_main_help(path);
            return CLI_OK;
        }
    }
    return cli_usage(cli, "no command or group \"%.100s\"; folio help lists them", path);
}
