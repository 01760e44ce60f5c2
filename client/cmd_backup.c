/* cmd_backup.c - folio admin backup: the firm (its key, TLS pair and a
 * compacted copy of the database) encrypted on the server with the admin's
 * passphrase, fetched into a file here in chunks; folio admin compact: how
 * to clear the database file's free pages. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "folioclient_firm.h"
#include "output.h"
#include "prompt.h"
#include "safe_file.h"

#define BACKUP_PASSPHRASE_MIN 12

/* The first line of path, a regular file only its owner may read. */
static int backup_passphrase_file(const char *path, prompt_password out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return cli_local("--passphrase-file %s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        close(fd);
        return cli_local("--passphrase-file %s must be a regular file only its owner reads: "
                         "chmod 600 %s",
                         path, path);
    }
    ssize_t n = read(fd, out, PROMPT_PASSWORD_MAX + 1);
    int e = errno;
    close(fd);
    if (n < 0)
        return cli_local("--passphrase-file %s: %s", path, strerror(e));
    char *end = memchr(out, '\n', (size_t)n);
    if (end == NULL && n > PROMPT_PASSWORD_MAX)
        return cli_local("--passphrase-file %s: the passphrase is too long", path);
    size_t len = end != NULL ? (size_t)(end - out) : (size_t)n;
    if (len > 0 && out[len - 1] == '\r')
        len--;
    memset(out + len, 0, sizeof(prompt_password) - len);
    return CLI_OK;
}

/* --passphrase-file, FOLIO_BACKUP_PASSPHRASE, or asked twice. */
static int backup_passphrase(const struct cli *cli, prompt_password out)
{
    const char *file = cli_opt(cli, "--passphrase-file");
    const char *variable = getenv("FOLIO_BACKUP_PASSPHRASE");
    char why[256];
    int rc = CLI_OK;
    if (file != NULL) {
        rc = backup_passphrase_file(file, out);
    } else if (variable != NULL) {
        if (strlen(variable) > PROMPT_PASSWORD_MAX)
            return cli_usage(cli, "FOLIO_BACKUP_PASSPHRASE is too long");
        snprintf(out, sizeof(prompt_password), "%s", variable);
    } else if (prompt_interactive()) {
        if (prompt_hidden_twice("Backup passphrase: ", out, why, sizeof(why)) < 0)
            return cli_local("%s", why);
    } else {
        return cli_usage(cli, "no passphrase: give --passphrase-file FILE or "
                              "FOLIO_BACKUP_PASSPHRASE, or run it at a terminal");
    }
    if (rc == CLI_OK && strlen(out) < BACKUP_PASSPHRASE_MIN) {
        explicit_bzero(out, sizeof(prompt_password));
        return cli_usage(cli, "the passphrase must be at least %d bytes long",
                         BACKUP_PASSPHRASE_MIN);
    }
    return rc;
}

int cmd_backup(struct cli *cli)
{
    const char *out = cli_opt(cli, "--out");
    size_t len = strlen(out);
    if (len == 0 || len > CLI_ARG_MAX || strcmp(out, "-") == 0)
        return cli_usage(cli, "--out: a file name");
    if (cli_out_may_write(cli, out) != CLI_OK)
        return CLI_USAGE;
    prompt_password passphrase;
    int rc = backup_passphrase(cli, passphrase);
    if (rc == CLI_OK)
        rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK) {
        explicit_bzero(passphrase, sizeof(passphrase));
        return rc;
    }
    struct safe_file file;
    char why[PATH_MAX + 256];
    if (safe_file_open(&file, out, why, sizeof(why)) < 0) {
        explicit_bzero(passphrase, sizeof(passphrase));
        return cli_local("%s", why);
    }
    struct folio_error err;
    Folio__Response *r = folio_backup_to_fd(cli->connection, passphrase, file.fd, NULL, NULL, &err);
    explicit_bzero(passphrase, sizeof(passphrase));
    if (r == NULL) {
        safe_file_abort(&file);
        return cli_fail(&err);
    }
    if (safe_file_commit(&file, why, sizeof(why)) < 0) {
        folio_response_free(r);
        return cli_local("%s", why);
    }
    struct out_field f[] = {
        OUT_S("file", "file", out),
        OUT_U("size", "size (bytes)", r->transfer->size),
    };
    out_object("backup", f, sizeof(f) / sizeof(f[0]));
    out_hint("encrypted with your passphrase; keep both safe, apart. "
             "`foliod restore --from FILE --data DIR` makes a data directory of it");
    folio_response_free(r);
    return CLI_OK;
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
