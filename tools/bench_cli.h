/* bench_cli.h - what the measuring tools' command lines share: their name
 * in messages, fatal and usage errors, whole-number flags, the server and
 * how it is trusted, stdin lines.
 *
 * Errors go to stderr as "NAME: message"; a fatal one exits 1, a usage error
 * exits 2 and points at NAME --help. */
#ifndef FOLIO_BENCH_CLI_H
#define FOLIO_BENCH_CLI_H

#include <stdbool.h>
#include <stddef.h>

/* The program's name, e.g. "folio-bench"; call first in main. */
void bench_cli_name(const char *name);

void bench_cli_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void bench_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* The value of --opt as a whole number in [min, max], or a usage error. */
unsigned long long bench_cli_parse_uint(const char *opt, const char *text, unsigned long long min,
                                        unsigned long long max);

struct bench_target;

/* The server of --server HOST:PORT, with TLS trusting ca_file or in
 * plaintext: exactly one of the two, else a usage error, as is an address
 * that does not resolve or a CA file that does not load. */
struct bench_target *bench_cli_target(const char *server, const char *ca_file, bool plaintext);

/* The next line of stdin without its line end; false at end of input. */
bool bench_cli_read_line(char *buf, size_t cap);

#endif
