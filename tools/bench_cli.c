/* bench_cli.c - see bench_cli.h. */
#include "bench_cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_conn.h"

static const char *bench_cli_program = "folio-bench";

void bench_cli_name(const char *name)
{
    bench_cli_program = name;
}

void bench_cli_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", bench_cli_program);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

void bench_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", bench_cli_program);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(%s --help for usage)\n", bench_cli_program);
    va_end(ap);
    exit(2);
}

unsigned long long bench_cli_parse_uint(const char *opt, const char *text, unsigned long long min,
                                        unsigned long long max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || v < min || v > max)
        bench_cli_usage_error("--%s wants a whole number from %llu to %llu, not %s", opt, min, max,
                              text);
    return v;
}

bool bench_cli_read_line(char *buf, size_t cap)
{
    if (fgets(buf, (int)cap, stdin) == NULL)
        return false;
    buf[strcspn(buf, "\r\n")] = '\0';
    return true;
}

struct bench_target *bench_cli_target(const char *server, const char *ca_file, bool plaintext)
{
    if (ca_file != NULL && plaintext)
        bench_cli_usage_error("--ca and --plaintext exclude each other: TLS trusting FILE, or "
                              "no TLS");
    if (ca_file == NULL && !plaintext)
        bench_cli_usage_error("--ca FILE is required: foliod serves TLS, and FILE is the "
                              "certificate to trust (a firm's own is DATA/tls-cert.pem); "
                              "--plaintext for a foliod run with --plaintext");
    char why[768];
    struct bench_target *t = bench_target_new(server, why, sizeof(why));
    if (t == NULL)
        bench_cli_usage_error("--server %s", why);
    if (ca_file != NULL && bench_target_trust(t, ca_file, why, sizeof(why)) != 0)
        bench_cli_usage_error("--ca: %s", why);
    return t;
}
