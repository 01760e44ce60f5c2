/* cmd_interchange.c - folio export/import --format csv|vcard.
 *
 * Both ends of the conversion run here, in the client: export pages through
 * the caller's own portfolio (ClientList) and writes each record as it
 * comes; import reads the whole file (bounded), turns it into records with
 * interchange.h and sends them in batches the server and the frame limit
 * accept. The server decides what is valid and what is a duplicate. A CSV
 * of the clients' holdings may go beside the clients' (--holdings,
 * holding_csv.h): exported from HoldingList pages, imported after the
 * clients, each row's client found by the id its client row has now. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "charset.h"
#include "cli.h"
#include "csv_file.h"
#include "folioclient_interchange.h"
#include "folioclient_portfolio.h"
#include "holding_csv.h"
#include "interchange.h"
#include "output.h"
#include "safe_file.h"

/* Spreadsheets and address books are megabytes; this bounds a mistake. */
#define CMD_IX_FILE_MAX (64u * 1024 * 1024)
/* How much of a file its format is guessed from. */
#define CMD_IX_HEAD 4096

static bool cmd_ix_format(const char *format, bool *csv)
{
    *csv = strcmp(format, "csv") == 0;
    return *csv || strcmp(format, "vcard") == 0;
}

/* Where an export goes: a file written whole (safe_file), or standard
 * output for --out -. */
struct cmd_ix_out {
    struct safe_file file;
    FILE *stream;
    bool stdout_;
};

static int cmd_ix_open(struct cli *cli, const char *path, struct cmd_ix_out *o)
{
    o->stdout_ = strcmp(path, "-") == 0;
    if (o->stdout_) {
        o->stream = stdout;
        return CLI_OK;
    }
    if (cli_out_may_write(cli, path) != CLI_OK)
        return CLI_USAGE;
    char why[PATH_MAX + 256];
    if (safe_file_open(&o->file, path, why, sizeof(why)) < 0)
        return cli_local("%s", why);
    if ((o->stream = safe_file_stream(&o->file)) == NULL) {
        safe_file_abort(&o->file);
        return cli_local("cannot write %s: out of memory", path);
    }
    return CLI_OK;
}

static void cmd_ix_abort(struct cmd_ix_out *o)
{
    if (!o->stdout_)
        safe_file_abort(&o->file);
}

static int cmd_ix_commit(struct cmd_ix_out *o)
{
    char why[PATH_MAX + 256];
    if (o->stdout_)
        return fflush(stdout) == 0 ? CLI_OK : cli_local("cannot write: %s", strerror(errno));
    if (safe_file_commit(&o->file, why, sizeof(why)) < 0)
        return cli_local("%s", why);
    return CLI_OK;
}

/* The caller's holdings, a page at a time, into path (written whole). */
static int cmd_ix_export_holdings(struct cli *cli, const char *path, char delim, bool excel,
                                  uint64_t *count)
{
    struct cmd_ix_out o;
    int rc = cmd_ix_open(cli, path, &o);
    if (rc != CLI_OK)
        return rc;
    bool failed = (excel && fputs("\xef\xbb\xbf", o.stream) == EOF) ||
                  holding_csv_header(o.stream, delim) != 0;
    Folio__HoldingList q = FOLIO__HOLDING_LIST__INIT;
    q.limit = 1000;
    while (!failed) {
        struct folio_error err;
        Folio__Response *r = folio_holding_list(cli->connection, &q, &err);
        if (r == NULL) {
            cmd_ix_abort(&o);
            return cli_fail(&err);
        }
        const Folio__Holdings *page = r->holdings;
        for (size_t i = 0; i < page->n_holdings && !failed; i++, (*count)++)
            failed = holding_csv_write(o.stream, delim, page->holdings[i]) != 0;
        q.after = page->next;
        folio_response_free(r);
        if (q.after == 0)
            break;
    }
    if (failed) {
        cmd_ix_abort(&o);
        return cli_local("cannot write %s: %s", path, strerror(errno));
    }
    return cmd_ix_commit(&o);
}

int cmd_export_interchange(struct cli *cli, const char *format)
{
    bool csv;
    if (!cmd_ix_format(format, &csv))
        return cli_usage(cli, "--format: bundle, csv or vcard");
    if (cli_opt(cli, "--client") != NULL || cli_opt(cli, "--release") != NULL)
        return cli_usage(cli, "--client and --release go with the bundle format only");
    const char *agent = cli_opt(cli, "--agent"), *reason = cli_opt(cli, "--reason");
    bool excel = cli_opt(cli, "--excel") != NULL;
    const char *version = cli_opt(cli, "--vcard-version");
    if (excel && !csv)
        return cli_usage(cli, "--excel goes with the csv format only");
    if (version != NULL && csv)
        return cli_usage(cli, "--vcard-version goes with the vcard format only");
    if (version != NULL && strcmp(version, "3.0") != 0 && strcmp(version, "4.0") != 0)
        return cli_usage(cli, "--vcard-version: 3.0 or 4.0, not \"%.20s\"", version);
    int vcard_version = version != NULL && strcmp(version, "3.0") == 0 ? 3 : 4;
    const char *holdings = cli_opt(cli, "--holdings");
    if (holdings != NULL && !csv)
        return cli_usage(cli, "--holdings goes with the csv format only");
    if (holdings != NULL && (agent != NULL || reason != NULL))
        return cli_usage(cli, "--holdings exports your own clients' holdings: not with --agent");
    if (holdings != NULL && strcmp(holdings, "-") == 0)
        return cli_usage(cli, "--holdings: a file, not standard output");
    /* Excel opens a CSV in the user's locale: where the decimal mark is a
     * comma the list separator is ';', and only a byte order mark tells it
     * the file is UTF-8. */
    char delim = excel ? ';' : ',';
    const char *path = cli_opt(cli, "--out");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct cmd_ix_out o;
    if ((rc = cmd_ix_open(cli, path, &o)) != CLI_OK)
        return rc;
    FILE *out = o.stream;
    bool failed = excel && fputs("\xef\xbb\xbf", out) == EOF;
    failed = failed || (csv && interchange_csv_header(out, delim) != 0);
    uint64_t count = 0;
    char after[64] = "";
    struct folio_error err;
    while (!failed) {
        Folio__Response *r =
            agent != NULL || reason != NULL
                ? folio_client_list_agent(cli->connection, 1000, after, agent, reason, &err)
                : folio_client_list(cli->connection, 1000, after, &err);
        if (r == NULL) {
            cmd_ix_abort(&o);
            return cli_fail(&err);
        }
        const Folio__Clients *page = r->clients;
        for (size_t i = 0; i < page->n_clients && !failed; i++) {
            failed = (csv ? interchange_csv_write(out, delim, page->clients[i])
                          : interchange_vcard_write(out, page->clients[i], vcard_version)) != 0;
            count++;
        }
        bool more = page->next[0] != '\0' && strlen(page->next) < sizeof(after);
        if (more)
            snprintf(after, sizeof(after), "%s", page->next);
        folio_response_free(r);
        if (!more)
            break;
    }
    if (failed) {
        cmd_ix_abort(&o);
        return cli_local("cannot write %s: %s", path, strerror(errno));
    }
    uint64_t n_holdings = 0;
    if (holdings != NULL &&
        (rc = cmd_ix_export_holdings(cli, holdings, delim, excel, &n_holdings)) != 0) {
        cmd_ix_abort(&o);
        return rc;
    }
    if ((rc = cmd_ix_commit(&o)) != CLI_OK)
        return rc;
    if (holdings != NULL)
        out_note("exported %llu holdings to %s", (unsigned long long)n_holdings, holdings);
    /* With --out -, standard output is the export: the count goes to
     * stderr. */
    if (o.stdout_) {
        fprintf(stderr, "exported %llu clients (%s)\n", (unsigned long long)count, format);
        return CLI_OK;
    }
    cmd_transfer_print_export(format, path, count, NULL, false);
    out_note("exported %llu clients to %s (%s)", (unsigned long long)count, path, format);
    return CLI_OK;
}

/* Whether head (NUL-terminated) holds word, ignoring ASCII case. */
static bool cmd_ix_has(const char *head, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = head; *p != '\0'; p++)
        if (strncasecmp(p, word, n) == 0)
            return true;
    return false;
}

static bool cmd_ix_ext(const char *path, const char *const *exts)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot != NULL && exts[i] != NULL; i++)
        if (strcasecmp(dot + 1, exts[i]) == 0)
            return true;
    return false;
}

/* The format of an input from its first bytes (at most 4 KiB) and its
 * name; cli.h says in what order. */
static const char *cmd_ix_detect_bytes(const char *path, const char *raw, size_t n)
{
    static const char *const vcard_exts[] = {"vcf", "vcard", NULL};
    static const char *const csv_exts[] = {"csv", "tsv", "txt", NULL};
    if (n >= 8 && memcmp(raw, "FOLIOBND", 8) == 0)
        return "bundle";
    /* The start of the file as text: UTF-16 as address books write it. */
    size_t skip, len = n;
    const char *utf16 = charset_utf16(raw, n, &skip);
    char *text =
        utf16 != NULL ? charset_to_utf8(utf16, raw + skip, (n - skip) & ~(size_t)1, &len) : NULL;
    char head[CMD_IX_HEAD * 3 + 4];
    memcpy(head, text != NULL ? text : raw, len < sizeof(head) - 1 ? len : sizeof(head) - 1);
    head[len < sizeof(head) - 1 ? len : sizeof(head) - 1] = '\0';
    free(text);
    bool nul = memchr(head, '\0', len < sizeof(head) - 1 ? len : 0) != NULL;
    if (!nul && cmd_ix_has(head, "BEGIN:VCARD"))
        return "vcard";
    if (cmd_ix_ext(path, vcard_exts))
        return "vcard";
    if (cmd_ix_ext(path, csv_exts))
        return "csv";
    /* Text whose first line has a delimiter in it reads as a table. */
    size_t first = strcspn(head, "\r\n");
    if (!nul && n > 0 && first < len && memchr(head, ',', first) != NULL)
        return "csv";
    if (!nul && n > 0 && (memchr(head, ';', first) != NULL || memchr(head, '\t', first) != NULL))
        return "csv";
    return "bundle";
}

/* The error a read of in met (stdio keeps only that there was one), or 0. */
static int cmd_ix_read_error(FILE *in)
{
    return ferror(in) ? (errno != 0 ? errno : EIO) : 0;
}

/* The rest of in, at most CMD_IX_FILE_MAX bytes. The buffer starts at the
 * file's size (a pipe's: 64 KiB) and doubles only as the data comes, so a
 * contact list of a few kilobytes does not cost 64 MiB of address space. */
static char *cmd_ix_read_all(FILE *in, const char *path, size_t *len, char *why, size_t why_size)
{
    struct stat st;
    size_t cap = 64 * 1024;
    if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0)
        cap = (uint64_t)st.st_size < CMD_IX_FILE_MAX ? (size_t)st.st_size + 1 : CMD_IX_FILE_MAX + 1;
    char *buf = malloc(cap);
    size_t n = 0;
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, in);
        if (n < cap || cap == CMD_IX_FILE_MAX + 1)
            break; /* the end of the file, an error, or a byte past the bound */
        size_t grown_cap = cap > CMD_IX_FILE_MAX / 2 ? CMD_IX_FILE_MAX + 1 : cap * 2;
        char *grown = realloc(buf, grown_cap);
        if (grown == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap = grown_cap;
    }
    int error = cmd_ix_read_error(in);
    if (buf == NULL || error != 0 || n > CMD_IX_FILE_MAX) {
        if (buf == NULL)
            snprintf(why, why_size, "cannot read %s: out of memory", path);
        else if (error != 0)
            snprintf(why, why_size, "cannot read %s: %s", path, strerror(error));
        else
            snprintf(why, why_size, "%s is larger than 64 MiB", path);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static char *cmd_ix_slurp(const char *path, size_t *len, char *why, size_t why_size)
{
    FILE *in = fopen(path, "rb");
    if (in == NULL) {
        snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    char *data = cmd_ix_read_all(in, path, len, why, why_size);
    fclose(in);
    return data;
}

const char *cmd_ix_detect(const char *path, char **data, size_t *len, char *why, size_t why_size)
{
    *data = NULL;
    FILE *in = fopen(path, "rb");
    if (in == NULL) /* its name says; the import says why it cannot be read */
        return cmd_ix_detect_bytes(path, "", 0);
    struct stat st;
    if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode)) {
        char raw[CMD_IX_HEAD];
        size_t n = fread(raw, 1, sizeof(raw), in);
        int error = cmd_ix_read_error(in);
        fclose(in);
        if (error != 0) {
            snprintf(why, why_size, "cannot read %s: %s", path, strerror(error));
            return NULL;
        }
        return cmd_ix_detect_bytes(path, raw, n);
    }
    /* A pipe gives its bytes once: those that say what it is are kept,
     * with the rest, for the import. */
    *data = cmd_ix_read_all(in, path, len, why, why_size);
    fclose(in);
    if (*data == NULL)
        return NULL;
    return cmd_ix_detect_bytes(path, *data, *len < CMD_IX_HEAD ? *len : CMD_IX_HEAD);
}

struct cmd_ix_notes {
    Folio__ImportNote **notes;
    size_t n, cap;
};

static int cmd_ix_keep(struct cmd_ix_notes *all, struct arena *a, const Folio__ImportNote *note)
{
    if (all->n == all->cap) {
        size_t cap = all->cap == 0 ? 64 : all->cap * 2;
        Folio__ImportNote **grown = realloc(all->notes, cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        all->notes = grown;
        all->cap = cap;
    }
    Folio__ImportNote *copy = arena_alloc(a, sizeof(*copy));
    if (copy == NULL)
        return -1;
    folio__import_note__init(copy);
    copy->line = note->line;
    copy->kind = arena_strdup(a, note->kind);
    copy->message = arena_strdup(a, note->message);
    copy->client_id = arena_strdup(a, note->client_id != NULL ? note->client_id : "");
    if (copy->kind == NULL || copy->message == NULL || copy->client_id == NULL)
        return -1;
    all->notes[all->n++] = copy;
    return 0;
}

/* Notes printed on a terminal before the summary; --errors has them all. */
#define CMD_IX_NOTES_SHOWN 20

/* A bar on a terminal's stderr as batches go: rows sent, created,
 * skipped, refused. Scripts and --json get the answer alone. */
static void cmd_ix_progress(const struct cli *cli, bool *shown, uint64_t done, uint64_t total,
                            uint64_t created, uint64_t skipped, uint64_t refused)
{
    if (!isatty(STDERR_FILENO) || out_json() || cli_opt(cli, "--progress-json") != NULL ||
        total == 0)
        return;
    char bar[21];
    size_t filled = (size_t)(done * 20 / total);
    for (size_t i = 0; i < 20; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[20] = '\0';
    fprintf(stderr, "\rimporting [%s] %llu of %llu rows: %llu created, %llu skipped, %llu refused",
            bar, (unsigned long long)done, (unsigned long long)total, (unsigned long long)created,
            (unsigned long long)skipped, (unsigned long long)refused);
    fflush(stderr);
    *shown = true;
}

/* Every note of the import as CSV (line, kind, message, client_id), for a
 * spreadsheet. */
static int cmd_ix_write_notes(const char *path, const struct cmd_ix_notes *all)
{
    struct safe_file file;
    char why[PATH_MAX + 256];
    if (safe_file_open(&file, path, why, sizeof(why)) < 0)
        return cli_local("%s", why);
    FILE *out = safe_file_stream(&file);
    static const char *const header[] = {"line", "kind", "message", "client_id"};
    bool failed = out == NULL || csv_file_write_row(out, header, 4) != 0;
    for (size_t i = 0; i < all->n && !failed; i++) {
        char line[16];
        snprintf(line, sizeof(line), "%u", all->notes[i]->line);
        const char *row[] = {line, all->notes[i]->kind, all->notes[i]->message,
                             all->notes[i]->client_id};
        failed = csv_file_write_row(out, row, 4) != 0;
    }
    if (failed) {
        safe_file_abort(&file);
        return cli_local("cannot write %s: %s", path, strerror(errno));
    }
    if (safe_file_commit(&file, why, sizeof(why)) < 0)
        return cli_local("%s", why);
    return CLI_OK;
}

/* ---------------------------------------------------------------- holdings in */

/* The id each client row of the file has now (ClientImportResult.ids), to
 * find a holding's client by the id its row had in the file. */
struct cmd_ix_row_id {
    const char *id; /* as the file wrote it */
    size_t row;
};

struct cmd_ix_ids {
    size_t n;
    char (*now)[40];             /* now[row]: "" when the row was refused */
    struct cmd_ix_row_id *by_id; /* in the order of the rows' ids */
};

static int cmd_ix_id_order(const void *a, const void *b)
{
    return strcmp(((const struct cmd_ix_row_id *)a)->id, ((const struct cmd_ix_row_id *)b)->id);
}

static int cmd_ix_ids_init(struct cmd_ix_ids *ids, const struct interchange *ix)
{
    ids->n = ix->n_clients;
    ids->now = calloc(ids->n + 1, sizeof(*ids->now));
    ids->by_id = calloc(ids->n + 1, sizeof(*ids->by_id));
    if (ids->now == NULL || ids->by_id == NULL)
        return -1;
    for (size_t i = 0; i < ids->n; i++)
        ids->by_id[i] =
            (struct cmd_ix_row_id){ix->clients[i]->id != NULL ? ix->clients[i]->id : "", i};
    if (ids->n > 0)
        qsort(ids->by_id, ids->n, sizeof(*ids->by_id), cmd_ix_id_order);
    return 0;
}

static void cmd_ix_ids_free(struct cmd_ix_ids *ids)
{
    free(ids->now);
    free(ids->by_id);
}

/* The id a holding's client has now: its row's, when the file of clients
 * held it; the id as written otherwise (a client already in the
 * portfolio). NULL when its row was refused. */
static const char *cmd_ix_client_now(const struct cmd_ix_ids *ids, const char *written)
{
    size_t lo = 0, hi = ids->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(ids->by_id[mid].id, written);
        size_t row = ids->by_id[mid].row;
        if (cmp == 0)
            return ids->now[row][0] != '\0' ? ids->now[row] : NULL;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return written;
}

/* Adds one holding of the file; a holding that had ended goes in running
 * and is ended as it was (holding add takes running holdings only). NULL,
 * or why the server refused it (in a). */
static const char *cmd_ix_add_holding(struct cli *cli, Folio__Holding *h, struct arena *a)
{
    bool ended = h->status[0] != '\0' && strcmp(h->status, "quoted") != 0 &&
                 strcmp(h->status, "active") != 0;
    const char *end_date = h->ends_on,
               *reason = h->end_reason[0] != '\0' ? h->end_reason : h->status;
    Folio__Holding add = *h;
    add.client_name = (char *)"";
    add.end_reason = (char *)"";
    if (ended) {
        add.status = (char *)"active";
        add.ends_on = (char *)"";
    }
    struct folio_error err;
    Folio__Response *r = folio_holding_add(cli->connection, &add, &err);
    if (r == NULL)
        return arena_strdup(a, err.message);
    uint64_t id = r->holding->id;
    folio_response_free(r);
    if (!ended)
        return NULL;
    r = folio_holding_end(cli->connection, id, end_date, reason, &err);
    if (r == NULL)
        return arena_printf(a, "added as holding %llu, but not ended: %s", (unsigned long long)id,
                            err.message);
    folio_response_free(r);
    return NULL;
}

/* The holdings of the file at path, after the clients: each to the client
 * its row names, a refusal noted. */
static int cmd_ix_import_holdings(struct cli *cli, struct holding_csv *hc,
                                  const struct cmd_ix_ids *ids, bool dry_run,
                                  struct cmd_ix_notes *all, uint64_t *added, uint64_t *refused)
{
    for (size_t i = 0; i < hc->n_errors; i++) {
        Folio__ImportNote note = FOLIO__IMPORT_NOTE__INIT;
        note.kind = (char *)"error";
        note.message = arena_printf(&hc->arena, "holdings %s", hc->errors[i]);
        if (note.message == NULL || cmd_ix_keep(all, &hc->arena, &note) != 0)
            return cli_local("out of memory");
        (*refused)++;
    }
    for (size_t i = 0; i < hc->n; i++) {
        Folio__Holding *h = hc->holdings[i];
        const char *client = cmd_ix_client_now(ids, h->client_id);
        const char *why = client == NULL ? "its client's row was refused" : NULL;
        if (why == NULL && dry_run) {
            (*added)++;
            continue;
        }
        if (why == NULL) {
            h->client_id = (char *)client;
            why = cmd_ix_add_holding(cli, h, &hc->arena);
        }
        if (why == NULL) {
            (*added)++;
            continue;
        }
        Folio__ImportNote note = FOLIO__IMPORT_NOTE__INIT;
        note.line = hc->lines[i];
        note.kind = (char *)"error";
        note.message = arena_printf(&hc->arena, "holdings line %u: %s", hc->lines[i], why);
        if (note.message == NULL || cmd_ix_keep(all, &hc->arena, &note) != 0)
            return cli_local("out of memory");
        (*refused)++;
    }
    return CLI_OK;
}

/* cmd_import_interchange with its input's bytes in *data when it read
 * them already; it frees them once they are records. */
static int cmd_ix_import(struct cli *cli, const char *format, char **data, size_t data_len)
{
    bool csv;
    if (!cmd_ix_format(format, &csv))
        return cli_usage(cli, "--format: bundle, csv or vcard");
    if (cli_opt(cli, "--allow-untrusted") != NULL || cli_opt(cli, "--allow-erased") != NULL)
        return cli_usage(cli,
                         "--allow-untrusted and --allow-erased go with the bundle format only");
    bool dry_run = cli_opt(cli, "--dry-run") != NULL;
    struct interchange_csv_options csv_opt = {.map = cli_opt(cli, "--map")};
    const char *order = cli_opt(cli, "--date-order");
    if (order != NULL && strcmp(order, "mdy") != 0 && strcmp(order, "dmy") != 0)
        return cli_usage(cli, "--date-order: mdy or dmy, not \"%.20s\"", order);
    if (order != NULL)
        csv_opt.date_order = order[0];
    if (!csv && (csv_opt.map != NULL || order != NULL))
        return cli_usage(cli, "--map and --date-order go with the csv format only");
    const char *holdings = cli_opt(cli, "--holdings");
    if (holdings != NULL && !csv)
        return cli_usage(cli, "--holdings goes with the csv format only");
    const char *path = cli->args[0];
    char why[512];
    size_t holdings_len = 0;
    struct holding_csv hc;
    holding_csv_init(&hc);
    if (holdings != NULL) {
        char *text = cmd_ix_slurp(holdings, &holdings_len, why, sizeof(why));
        int read = text != NULL ? holding_csv_read(&hc, text, holdings_len, why, sizeof(why)) : -1;
        free(text);
        if (read != 0) {
            holding_csv_free(&hc);
            return text != NULL ? cli_local("%s: %s", holdings, why) : cli_local("%s", why);
        }
    }
    if (*data == NULL)
        *data = cmd_ix_slurp(path, &data_len, why, sizeof(why));
    if (*data == NULL) {
        holding_csv_free(&hc);
        return cli_local("%s", why);
    }
    struct interchange ix;
    interchange_init(&ix);
    int rc = csv ? interchange_read_csv(&ix, *data, data_len, &csv_opt, why, sizeof(why))
                 : interchange_read_vcard(&ix, *data, data_len, why, sizeof(why));
    free(*data);
    *data = NULL;
    struct cmd_ix_ids ids = {0};
    if (rc == 0 && cmd_ix_ids_init(&ids, &ix) != 0) {
        snprintf(why, sizeof(why), "out of memory");
        rc = -1;
    }
    if (rc != 0) {
        cmd_ix_ids_free(&ids);
        holding_csv_free(&hc);
        interchange_free(&ix);
        if (strncmp(why, "--map: ", 7) == 0)
            return cli_usage(cli, "%s", why);
        return cli_local("%s: %s", path, why);
    }
    struct cmd_ix_notes all = {0};
    uint64_t created = 0, updated = 0, skipped = 0, refused = 0;
    bool bar = false;
    bool ok = true;
    for (size_t i = 0; i < ix.n_notes && ok; i++) {
        ok = cmd_ix_keep(&all, &ix.arena, ix.notes[i]) == 0;
        refused += strcmp(ix.notes[i]->kind, "error") == 0;
    }
    if (ok && (ix.n_clients > 0 || hc.n > 0))
        rc = cli_connect_session(cli, NULL);
    for (size_t start = 0; ok && rc == CLI_OK && start < ix.n_clients;) {
        size_t n = 0, bytes = 0;
        while (start + n < ix.n_clients && n < FOLIO_IMPORT_BATCH_MAX) {
            size_t size = folio__client__get_packed_size(ix.clients[start + n]) + 16;
            if (n > 0 && bytes + size > FOLIO_IMPORT_BATCH_BYTES_MAX)
                break;
            bytes += size;
            n++;
        }
        struct folio_error err;
        Folio__Response *r = folio_client_import_fields(cli->connection, ix.clients + start,
                                                        ix.lines + start, n, ix.fields, ix.n_fields,
                                                        cli_opt(cli, "--agent"), dry_run, &err);
        if (r == NULL) {
            rc = cli_fail(&err);
            break;
        }
        const Folio__ClientImportResult *res = r->client_import;
        for (size_t k = 0; k < n && res->n_ids == n; k++)
            snprintf(ids.now[start + k], sizeof(ids.now[0]), "%s", res->ids[k]);
        created += res->created;
        updated += res->updated;
        skipped += res->skipped;
        for (size_t i = 0; i < res->n_notes && ok; i++) {
            ok = cmd_ix_keep(&all, &ix.arena, res->notes[i]) == 0;
            refused += strcmp(res->notes[i]->kind, "error") == 0;
        }
        folio_response_free(r);
        start += n;
        cmd_transfer_progress(cli, "importing", start, ix.n_clients);
        cmd_ix_progress(cli, &bar, start, ix.n_clients, created, skipped, refused);
    }
    if (bar)
        fputc('\n', stderr);
    if (!ok)
        rc = cli_local("out of memory");
    uint64_t holdings_added = 0, holdings_refused = 0;
    if (rc == CLI_OK && holdings != NULL)
        rc = cmd_ix_import_holdings(cli, &hc, &ids, dry_run, &all, &holdings_added,
                                    &holdings_refused);
    const char *errors = cli_opt(cli, "--errors");
    if (rc == CLI_OK && errors != NULL)
        rc = cmd_ix_write_notes(errors, &all);
    if (rc == CLI_OK) {
        /* On a terminal a long list drowns the summary: the first notes,
         * then where the rest are (or how to get them). */
        size_t shown = all.n;
        if (!out_json() && (errors != NULL || shown > CMD_IX_NOTES_SHOWN))
            shown = errors != NULL ? 0 : CMD_IX_NOTES_SHOWN;
        const struct cmd_transfer_counts counts = {created,
                                                   updated,
                                                   skipped,
                                                   refused,
                                                   (const Folio__ImportNote *const *)all.notes,
                                                   shown,
                                                   holdings != NULL,
                                                   holdings_added};
        cmd_transfer_print_import(format, path, dry_run, NULL, &counts);
        if (errors != NULL)
            out_note("%zu notes written to %s", all.n, errors);
        else if (shown < all.n)
            out_hint("%zu more notes: --errors FILE writes them all", all.n - shown);
        out_note("%s%llu created, %llu updated, %llu skipped as duplicates, %llu refused",
                 dry_run ? "dry run, nothing changed: " : "", (unsigned long long)created,
                 (unsigned long long)updated, (unsigned long long)skipped,
                 (unsigned long long)refused);
        if (holdings != NULL)
            out_note("holdings: %s%llu added, %llu refused", dry_run ? "would be " : "",
                     (unsigned long long)holdings_added, (unsigned long long)holdings_refused);
    }
    free(all.notes);
    cmd_ix_ids_free(&ids);
    holding_csv_free(&hc);
    interchange_free(&ix);
    refused += holdings_refused;
    if (rc == CLI_OK && refused > 0 && cli_opt(cli, "--strict") != NULL)
        return CLI_PARTIAL;
    return rc;
}

int cmd_import_interchange(struct cli *cli, const char *format, char *data, size_t len)
{
    int rc = cmd_ix_import(cli, format, &data, len);
    free(data);
    return rc;
}
