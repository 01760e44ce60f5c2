/* cli.c - see cli.h. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "status.h"

#define CLI_CLIENT_NAME "folio/" FOLIO_VERSION
/* Long enough for the server's growing delay after failed logins. */
#define CLI_TIMEOUT_MS  60000
#define CLI_MESSAGE_MAX 1024

const char *cli_opt(const struct cli *cli, const char *name)
{
    const struct cli_opt *opts = cli->cmd->opts;
    for (size_t i = 0; opts != NULL && opts[i].name != NULL; i++)
        if (strcmp(opts[i].name, name) == 0)
            return cli->opt_values[i];
    return NULL;
}

size_t cli_opt_all(const struct cli *cli, const char *name, const char **out, size_t cap)
{
    const struct cli_opt *opts = cli->cmd->opts;
    size_t k = 0;
    while (opts != NULL && opts[k].name != NULL && strcmp(opts[k].name, name) != 0)
        k++;
    size_t n = 0;
    for (size_t i = 0; opts != NULL && opts[k].name != NULL && i < cli->n_repeats; i++) {
        if (cli->repeat_opt[i] != k)
            continue;
        if (n < cap)
            out[n] = cli->repeats[i];
        n++;
    }
    return n;
}

static int vreport(int exit_code, const char *code, const char *hint, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static int vreport(int exit_code, const char *code, const char *hint, const char *fmt, va_list ap)
{
    char msg[CLI_MESSAGE_MAX];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (hint != NULL)
        out_error(code, false, "%s\n%s", msg, hint);
    else
        out_error(code, false, "%s", msg);
    return exit_code;
}

int cli_error(int exit_code, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vreport(exit_code, code, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

int cli_usage(const struct cli *cli, const char *fmt, ...)
{
    char hint[256];
    if (cli->cmd != NULL)
        snprintf(hint, sizeof(hint), "run 'folio %s --help' for its usage", cli->cmd->path);
    else
        snprintf(hint, sizeof(hint), "run 'folio --help' for usage");
    va_list ap;
    va_start(ap, fmt);
    int rc = vreport(CLI_USAGE, "INVALID_ARGUMENT", hint, fmt, ap);
    va_end(ap);
    return rc;
}

int cli_fail(const struct folio_error *err)
{
    if (err->transport)
        return cli_error(CLI_UNAVAILABLE, status_name(err->code), "%s", err->message);
    out_error(status_name(err->code), true, "%s", err->message);
    return CLI_REFUSED;
}

int cli_connect(struct cli *cli, const char *stored)
{
    const char *server = cli->server_flag;
    const char *source = "--server";
    if (server == NULL) {
        const char *env = getenv("FOLIO_SERVER");
        if (env != NULL && env[0] != '\0') {
            server = env;
            source = "FOLIO_SERVER";
        } else if (stored != NULL && stored[0] != '\0') {
            server = stored;
            source = "the stored session";
        } else {
            server = FOLIO_DEFAULT_SERVER;
            source = "the default";
        }
    }
    if (strlen(server) > SESSION_VALUE_MAX || !folio_server_valid(server))
        return cli_usage(cli, "server \"%.100s\" from %s is not HOST:PORT ([::1]:PORT for IPv6)",
                         server, source);
    snprintf(cli->server, sizeof(cli->server), "%s", server);
    struct folio_error err;
    cli->client = folio_client_connect(cli->server, CLI_CLIENT_NAME, CLI_TIMEOUT_MS, &err);
    if (cli->client == NULL)
        return cli_fail(&err);
    return CLI_OK;
}

int cli_connect_session(struct cli *cli, bool *ended)
{
    char msg[512];
    int rc = session_load(&cli->session, msg, sizeof(msg));
    if (rc == 1)
        return cli_error(CLI_UNAVAILABLE, "UNAUTHENTICATED", "not logged in: run folio login USER");
    if (rc < 0)
        return cli_error(CLI_UNAVAILABLE, "UNAUTHENTICATED", "%s", msg);
    rc = cli_connect(cli, cli->session.server);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_authenticate(cli->client, cli->session.token, &err);
    if (r == NULL && !err.transport && err.code == FOLIO__CODE__UNAUTHENTICATED && ended != NULL) {
        *ended = true;
        return CLI_UNAVAILABLE;
    }
    if (r == NULL && !err.transport && err.code == FOLIO__CODE__UNAUTHENTICATED)
        return cli_error(CLI_UNAVAILABLE, "UNAUTHENTICATED",
                         "the session of %s has ended (expired, logged out, or the account was "
                         "disabled or its password reset): run folio login %s",
                         cli->session.user, cli->session.user);
    if (r == NULL)
        return cli_fail(&err);
    folio_response_free(r);
    return CLI_OK;
}

void cli_close(struct cli *cli)
{
    folio_client_close(cli->client);
    cli->client = NULL;
    session_wipe(&cli->session);
}

/* Plain decimal digits only: no sign, space or base prefix slips through. */
static int parse_decimal(const char *s, unsigned long long *out)
{
    if (s == NULL || s[0] < '0' || s[0] > '9')
        return -1;
    for (const char *p = s; *p != '\0'; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int cli_parse_u32(const struct cli *cli, const char *flag, const char *s, uint32_t min,
                  uint32_t *out)
{
    unsigned long long v;
    if (parse_decimal(s, &v) < 0 || v < min || v > UINT32_MAX)
        return cli_usage(cli, "%s wants a whole number from %u to %u, not \"%.40s\"", flag, min,
                         UINT32_MAX, s);
    *out = (uint32_t)v;
    return CLI_OK;
}

int cli_parse_u64(const struct cli *cli, const char *flag, const char *s, uint64_t min,
                  uint64_t *out)
{
    unsigned long long v;
    if (parse_decimal(s, &v) < 0 || v < min || v > UINT64_MAX)
        return cli_usage(cli, "%s wants a whole number from %llu up, not \"%.40s\"", flag,
                         (unsigned long long)min, s);
    *out = (uint64_t)v;
    return CLI_OK;
}

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to the given date of the proleptic Gregorian calendar. */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Splits YYYY-MM-DD into v; true when it is a real date in year_min..9999. */
static bool split_date(const char *s, int year_min, int v[3])
{
    static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    v[0] = v[1] = v[2] = 0;
    bool ok = strlen(s) == 10 && s[4] == '-' && s[7] == '-';
    for (size_t i = 0, field = 0; ok && i < 10; i++) {
        if (i == 4 || i == 7) {
            field++;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            ok = false;
        else
            v[field] = v[field] * 10 + (s[i] - '0');
    }
    return ok && v[0] >= year_min && v[1] >= 1 && v[1] <= 12 && v[2] >= 1 &&
           v[2] <= month_days[v[1] - 1] + (v[1] == 2 && leap_year(v[0]));
}

int cli_parse_date(const struct cli *cli, const char *flag, const char *s, int64_t *out)
{
    int v[3];
    if (!split_date(s, 1970, v))
        return cli_usage(cli, "%s wants a date YYYY-MM-DD from 1970-01-01 on, not \"%.40s\"", flag,
                         s);
    *out = days_from_civil(v[0], v[1], v[2]) * 86400;
    return CLI_OK;
}

int cli_opt_day(const struct cli *cli, const char *flag, const char **out)
{
    *out = cli_opt(cli, flag);
    if (*out == NULL)
        return CLI_OK;
    return cli_parse_day(cli, flag, *out);
}

int cli_parse_day(const struct cli *cli, const char *flag, const char *s)
{
    int v[3];
    if (!split_date(s, 1900, v))
        return cli_usage(cli, "%s wants a date YYYY-MM-DD from 1900-01-01 on, not \"%.40s\"", flag,
                         s);
    return CLI_OK;
}

/* "52000" or "52000.5" (at most two digits after the point) to hundredths;
 * false when s is not that or does not fit. */
static bool parse_hundredths(const char *s, int64_t *out)
{
    uint64_t whole = 0;
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9' && whole <= (uint64_t)INT64_MAX / 100) {
        whole = whole * 10 + (uint64_t)(s[i] - '0');
        i++;
    }
    uint64_t frac = 0;
    size_t frac_digits = 0;
    bool ok = i > 0 && whole <= (uint64_t)INT64_MAX / 100;
    if (ok && s[i] == '.') {
        for (i++; s[i] >= '0' && s[i] <= '9' && frac_digits < 3; i++, frac_digits++)
            frac = frac * 10 + (uint64_t)(s[i] - '0');
        ok = frac_digits >= 1 && frac_digits <= 2;
    }
    if (ok && frac_digits == 1)
        frac *= 10;
    if (ok)
        ok = s[i] == '\0' && whole * 100 <= (uint64_t)INT64_MAX - frac;
    if (ok)
        *out = (int64_t)(whole * 100 + frac);
    return ok;
}

int cli_parse_amount(const struct cli *cli, const char *flag, const char *s, int64_t *cents)
{
    if (!parse_hundredths(s, cents))
        return cli_usage(cli,
                         "%s wants an amount such as 52000 or 52000.50 (at most two decimals), "
                         "not \"%.40s\"",
                         flag, s);
    return CLI_OK;
}

int cli_parse_percent(const struct cli *cli, const char *flag, const char *s, int64_t *bp)
{
    if (!parse_hundredths(s, bp) || *bp > 10000)
        return cli_usage(cli,
                         "%s wants a percentage from 0 to 100 such as 4.5 (at most two "
                         "decimals), not \"%.40s\"",
                         flag, s);
    return CLI_OK;
}

int cli_parse_month_day(const struct cli *cli, const char *flag, const char *s, uint32_t *month,
                        uint32_t *day)
{
    /* A leap year, so that 29 February is a day of the year. */
    char date[16];
    int v[3];
    snprintf(date, sizeof(date), "2000-%.6s", s);
    if (strlen(s) != 5 || !split_date(date, 2000, v))
        return cli_usage(cli, "%s wants a day of the year MM-DD, e.g. 12-25, not \"%.40s\"", flag,
                         s);
    *month = (uint32_t)v[1];
    *day = (uint32_t)v[2];
    return CLI_OK;
}

int cli_parse_months(const struct cli *cli, const char *flag, const char *s, uint32_t *months,
                     size_t *n)
{
    *n = 0;
    const char *p = s;
    while (*p != '\0') {
        size_t len = strcspn(p, ",");
        char word[8];
        unsigned long long v = 0;
        bool ok = len >= 1 && len <= 2 && *n < CLI_MONTHS_MAX;
        if (ok) {
            memcpy(word, p, len);
            word[len] = '\0';
            ok = parse_decimal(word, &v) == 0 && v >= 1 && v <= 12;
        }
        if (!ok)
            return cli_usage(cli, "%s wants a comma list of months 1-12, e.g. 7,12, not \"%.40s\"",
                             flag, s);
        months[(*n)++] = (uint32_t)v;
        p += len;
        if (*p == ',' && *++p == '\0')
            return cli_usage(cli, "%s ends with a comma: \"%.40s\"", flag, s);
    }
    return CLI_OK;
}
