/* cmd_backup.c - folio admin backup: a hot copy of the firm's database. */
#include "cli.h"
#include "folioclient_firm.h"
#include "output.h"

int cmd_backup(struct cli *cli)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_backup(cli->client, &err);
    if (r == NULL)
        return cli_fail(&err);
    struct out_field f[] = {
        OUT_S("name", "name", r->backup->name),
        OUT_U("size", "size (bytes)", r->backup->size),
    };
    out_object("backup", f, sizeof(f) / sizeof(f[0]));
    out_note("written under the data directory's backups/; `foliod restore --data DIR FILE` "
             "turns it into a data directory");
    folio_response_free(r);
    return CLI_OK;
}
