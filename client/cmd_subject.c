/* cmd_subject.c - folio admin subject export: everything held about one
 * person, for a privacy-law request, into a local JSON file. */
#include <limits.h>
#include <string.h>

#include "array_size.h"
#include "cli.h"
#include "folioclient_subject.h"
#include "output.h"
#include "safe_file.h"

int cmd_subject_export(struct cli *cli)
{
    const char *reason = cli_opt(cli, "--reason");
    const char *out = cli_opt(cli, "--out");
    if (reason == NULL || reason[0] == '\0')
        return cli_usage(cli, "--reason: say why the person's data is exported (audited)");
    /* The file appears whole or not at all: a person's data never lies
     * about half written. */
    struct safe_file file;
    int rc = cli_out_file_begin(cli, out, &file);
    if (rc != CLI_OK)
        return rc;
    char why[PATH_MAX + 256];
    struct folio_error err;
    Folio__Response *r =
        folio_subject_export_to_fd(cli->connection, cli->args[0], reason, file.fd, &err);
    if (r == NULL) {
        safe_file_abort(&file);
        return cli_fail(&err);
    }
    if (safe_file_commit(&file, why, sizeof(why)) < 0) {
        folio_response_free(r);
        return cli_local("%s", why);
    }
    const struct out_field f[] = {
        OUT_S("client", "client", cli->args[0]),
        OUT_S("file", "file", out),
        OUT_U("size", "size", r->transfer->size),
    };
    out_object("subject_export", f, ARRAY_SIZE(f));
    folio_response_free(r);
    return CLI_OK;
}
