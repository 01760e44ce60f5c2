/* cmd_report.c - `folio report`: the book and the portfolio as one HTML
 * page (report_page.h), from the numbers of one ReportQuery. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "array_size.h"
#include "cli.h"
#include "folioclient_portfolio.h"
#include "output.h"
#include "report_chart.h"
#include "report_page.h"
#include "safe_file.h"

/* The page into path (- : standard output), written whole or not at all. */
static int report_write(const char *path, const Folio__Report *report)
{
    if (strcmp(path, "-") == 0) {
        if (report_page_write(stdout, report) != 0 || fflush(stdout) != 0)
            return cli_local("cannot write the report: %s", strerror(errno));
        return CLI_OK;
    }
    struct safe_file file;
    char why[PATH_MAX + 256];
    if (safe_file_open(&file, path, why, sizeof(why)) < 0)
        return cli_local("%s", why);
    FILE *out = safe_file_stream(&file);
    if (out == NULL) {
        safe_file_abort(&file);
        return cli_local("cannot write %s: out of memory", path);
    }
    if (report_page_write(out, report) != 0) {
        int e = errno;
        safe_file_abort(&file);
        return cli_local("cannot write %s: %s", path, strerror(e));
    }
    if (safe_file_commit(&file, why, sizeof(why)) < 0)
        return cli_local("%s", why);
    struct out_field f[] = {
        OUT_S("file", "file", path),
        OUT_S("scope", "scope", report->book->scope),
        OUT_S("date", "date", report->book->date),
    };
    out_object("report", f, ARRAY_SIZE(f));
    return CLI_OK;
}

int cmd_report(struct cli *cli)
{
    Folio__ReportQuery q = FOLIO__REPORT_QUERY__INIT;
    const char *date;
    if (cli_opt_day(cli, "--date", &date) != CLI_OK)
        return CLI_USAGE;
    q.agent = folio_text(cli_opt(cli, "--agent"));
    q.office = folio_text(cli_opt(cli, "--office"));
    q.firm = cli_opt(cli, "--firm") != NULL;
    q.date = folio_text(date);
    if ((q.agent[0] != '\0') + (q.office[0] != '\0') + q.firm > 1)
        return cli_usage(cli, "--agent, --office and --firm: one of them at most");
    const char *path = cli_opt(cli, "--out");
    if (path[0] == '\0')
        return cli_usage(cli, "--out: name a file, or - for standard output");
    if (strcmp(path, "-") == 0 && out_json())
        return cli_usage(cli, "--out -: the page is the output, not JSON; leave out --json");
    if (strcmp(path, "-") != 0 && cli_out_may_write(cli, path) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_report(cli->connection, &q, &err);
    if (r == NULL)
        return cli_fail(&err);
    rc = r->report != NULL && r->report->book != NULL
             ? report_write(path, r->report)
             : cli_local("the server's answer holds no report");
    folio_response_free(r);
    report_chart_done();
    return rc;
}
