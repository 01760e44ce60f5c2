/* help.h - folio's documentation, all of it read from the command table in
 * main.c: folio help, the manual pages (help_man.c) and the shell
 * completion scripts (completion.c).
 *
 * main.c owns the table and lends it out read-only through the accessors
 * below; nothing here keeps a list of commands or flags of its own, so a row
 * added to the table is documented and completed everywhere at once. The
 * exit codes are the one other table (help.c): folio help exit-codes, the
 * manual pages and README's "Exit codes" say the same. */
#ifndef FOLIO_HELP_H
#define FOLIO_HELP_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/* main.c: the command table, in its order (hidden rows included: see
 * cli_cmd_hidden), and the global flags, ending with a NULL name. */
const struct cli_cmd *cli_commands(size_t *n);
const struct cli_opt *cli_global_opts(void);
/* "-n" for "--limit": the short spelling of a long flag, or NULL. */
const char *cli_short_flag(const char *name);
/* main.c: folio --help (prefix "") or the help of a group ("admin user"),
 * and folio COMMAND --help; JSON with --json. */
void print_main_help(const char *prefix);
void print_cmd_help(const struct cli_cmd *cmd);

struct cli_exit_code {
    int code;            /* enum cli_exit */
    const char *meaning; /* "the server refused" */
    const char *json;    /* the error.code members it comes with; "" for none */
};
/* help.c: every exit code of folio, 0 first. */
const struct cli_exit_code *cli_exit_codes(size_t *n);

/* help.c: one of folio's command groups, the first word of a command of
 * two words or more ("client", "admin"). */
bool help_is_group(const char *word);

/* help_man.c: the manual page, in roff, of folio (group NULL: folio(1))
 * or of one command group (folio-GROUP(1)), on stdout. */
void help_man(const char *group);

/* completion.c: the completion script for shell ("bash", "zsh" or "fish")
 * on stdout; false for another shell. */
bool completion_script(const char *shell);

#endif
