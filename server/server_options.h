/* server_options.h - the options of `foliod serve`, in one table.
 *
 * Each option is one row of server_options.c: its flag, what it takes,
 * where its value goes in struct server_config, its range, its default and
 * its help. The defaults, the parser, its refusals and --help are all read
 * from that table, so an option is spelled once and they cannot disagree.
 * What an option means to the server is in server.h, beside its field. */
#ifndef FOLIO_SERVER_OPTIONS_H
#define FOLIO_SERVER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "server.h"

enum server_options_result {
    SERVER_OPTIONS_OK,
    SERVER_OPTIONS_HELP,  /* --help was given: print server_options_help */
    SERVER_OPTIONS_USAGE, /* the command line is wrong; why says how */
};

/* Fills config with every option's default: the one place defaults are set.
 * Fields without an option (none today) are zero. */
void server_config_defaults(struct server_config *config);

/* Where `foliod serve` reads its options from when neither --config nor
 * FOLIOD_CONFIG names a file, if it exists. */
#define SERVER_OPTIONS_CONFIG_DEFAULT "/etc/folio/foliod.conf"

/* Reads the options of `foliod serve` into config, which
 * server_config_defaults has filled. argv[0] is the command's name
 * ("serve"); getopt_long's state is reset, so the flags may be read again
 * (a first time for --config, a last time over the file and variables).
 * Checks each value against its row (range, form), not the options against
 * each other: that is the caller's. On SERVER_OPTIONS_USAGE, why holds one
 * sentence naming the flag and what it wants. */
enum server_options_result server_options_parse(int argc, char **argv, struct server_config *config,
                                                char *why, size_t why_size);

/* Sets the option named key (its flag without the dashes) to value, as a
 * config file's key. Every option but --config and --help is a key; a
 * switch takes true or false. Keeps value itself for a text option: it
 * must outlive config. On SERVER_OPTIONS_USAGE why names the key and what
 * it wants, or says it is unknown. */
enum server_options_result server_options_set_key(const char *key, const char *value,
                                                  struct server_config *config, char *why,
                                                  size_t why_size);

/* The variable of the option named name: FOLIOD_ and the name in capitals,
 * '-' as '_' (FOLIOD_MAX_FRAME for max-frame). */
void server_options_variable(const char *name, char *out, size_t size);

/* Sets each option whose variable (server_options_variable) is in the
 * environment. Other FOLIOD_* variables are not options and are left
 * alone. On SERVER_OPTIONS_USAGE why names the variable and what it wants. */
enum server_options_result server_options_environment(struct server_config *config, char *why,
                                                      size_t why_size);

/* Writes one entry per option to out, with its range and default. */
void server_options_help(FILE *out);

/* Option i (from 0) as server_options_help lists it: its name without the
 * dashes, what it takes (NULL for a switch) and its help with range and
 * default, into text. false past the last option. */
bool server_options_row(size_t i, const char **name, const char **arg, char *text, size_t size);

/* Whether option i is a flag only (--config, --help), not a key of the
 * config file nor a variable. */
bool server_options_flag_only(size_t i);

/* SIGHUP: fresh holds the options read again. Copies into config those
 * that are live (server_options_help says "SIGHUP applies a change") and
 * differ, and calls changed for each option that differs, live or not,
 * --config aside. Returns how many were applied. Text options are never
 * live: config's texts stay config's. */
size_t server_options_reload(struct server_config *config, const struct server_config *fresh,
                             void (*changed)(const char *name, bool live, void *arg), void *arg);

#endif
