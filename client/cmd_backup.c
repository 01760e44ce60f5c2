/* cmd_backup.c - folio admin backup: a hot copy of the firm's database;
 * folio admin compact: how to clear the database file's free pages. */
#include "cli.h"
#include "folioclient_firm.h"
#include "output.h"

static void show_backup(const Folio__Response *r)
{
    struct out_field f[] = {
        OUT_S("name", "name", r->backup->name),
        OUT_U("size", "size (bytes)", r->backup->size),
    };
    out_object("backup", f, sizeof(f) / sizeof(f[0]));
    out_hint("written under the data directory's backups/; `foliod restore --data DIR FILE` "
             "turns it into a data directory");
}

int cmd_backup(struct cli *cli)
{
    return cli_session_call(cli, folio_backup, show_backup);
}

/* LMDB cannot swap a live database file for a compacted one while the
 * server has it mapped, so compaction is offline and this command only
 * says how; it asks the server nothing. */
int cmd_compact(struct cli *cli)
{
    (void)cli;
    static const char *const steps[] = {
        "folio admin backup: a compacted copy, with none of the free pages",
        "stop foliod (SIGTERM)",
        "foliod compact --data DIR: data.mdb rewritten without its free pages",
        "start foliod again",
    };
    size_t n = sizeof(steps) / sizeof(steps[0]);
    if (!out_json()) {
        out_text("compaction is offline: foliod cannot compact the database it serves\n");
        for (size_t i = 0; i < n; i++)
            out_text("%zu. %s\n", i + 1, steps[i]);
        out_hint("erased records stay in data.mdb's free pages until then; a backup holds "
                 "none, nor does a directory `foliod restore` makes from it");
        return CLI_OK;
    }
    struct out_field f[] = {
        OUT_B("online", "online", false),
        {.key = "steps", .label = "steps", .type = OUT_STRS, .strs = steps, .n = n},
    };
    out_object("compact", f, sizeof(f) / sizeof(f[0]));
    return CLI_OK;
}
