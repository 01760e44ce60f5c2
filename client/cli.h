/* cli.h - what every folio command shares.
 *
 * main.c parses the command line against the command table into a struct
 * cli and calls the command's run function, which returns the exit code.
 * Commands validate their arguments, connect (cli_connect_session for all
 * but login), make their calls and print through output.h. The CLI holds no
 * business rules: the server decides and the CLI reports. */
#ifndef FOLIO_CLI_H
#define FOLIO_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "folioclient.h"
#include "folioclient_account.h"
#include "folioclient_loyalty.h"
#include "folioclient_portfolio.h"
#include "session_file.h"
#include "wire_limits.h"

/* The exit codes are a contract with scripts (README, "Exit codes"). */
enum cli_exit {
    CLI_OK = 0,
    CLI_REFUSED = 1,     /* the server refused (its code says why) */
    CLI_USAGE = 2,       /* a bad flag or value, caught here or by the server */
    CLI_UNAVAILABLE = 3, /* cannot connect, or not logged in */
    CLI_LOCAL = 4,       /* a local file or terminal problem */
    CLI_PARTIAL = 5,     /* done in part (with --strict): some rows were refused */
};

#define CLI_MAX_ARGS 4
#define CLI_MAX_OPTS 32
/* Values of repeatable flags (--phone, --tag, ...), all together. */
#define CLI_MAX_REPEATS 64
/* No argument folio passes on is longer: names, offices, server addresses. */
#define CLI_ARG_MAX 4096

struct cli_opt {
    const char *name; /* "--role" */
    const char *arg;  /* "ROLE"; NULL for a switch */
    const char *help;
    bool required;
    bool repeat; /* may be given more than once; read with cli_opt_all */
};

struct cli;

struct cli_cmd {
    const char *path;           /* words that name it: "admin user add" */
    const char *args;           /* positional arguments, as in the usage line */
    size_t nargs;               /* at least this many */
    size_t nargs_opt;           /* and up to this many more */
    const char *summary;        /* one line for folio --help */
    const char *about;          /* more, for folio CMD --help; may be NULL */
    const struct cli_opt *opts; /* ends with a NULL name; may be NULL */
    int (*run)(struct cli *cli);
};

/* A command whose path begins with "__" is folio's own, run by the
 * completion scripts: it runs, but no help, manual page or completion
 * lists it. */
static inline bool cli_cmd_hidden(const struct cli_cmd *cmd)
{
    return cmd->path[0] == '_' && cmd->path[1] == '_';
}

struct cli {
    const struct cli_cmd *cmd;
    const char *server_flag;   /* --server, or NULL */
    const char *context_flag;  /* --context, or NULL */
    const char *ca_flag;       /* --ca, or NULL */
    bool plaintext_flag;       /* --plaintext */
    const char *tls_cert_flag; /* --tls-cert, or NULL */
    const char *tls_key_flag;  /* --tls-key, or NULL */
    const char *args[CLI_MAX_ARGS];
    const char *opt_values[CLI_MAX_OPTS]; /* by cmd->opts index; "" for a set switch */
    const char *repeats[CLI_MAX_REPEATS]; /* every value of repeatable flags, in order */
    size_t repeat_opt[CLI_MAX_REPEATS];   /* the cmd->opts index of each */
    size_t n_repeats;
    char server[SESSION_VALUE_MAX + 1];    /* set by cli_pick_server */
    char context[SESSION_CONTEXT_MAX + 1]; /* set by cli_pick_context */
    int timeout_ms;                        /* bounds connecting and each answer; 0: a minute */
    struct folio_connection *connection;
    struct session session; /* loaded by cli_connect_session */
};

/* The value of one of the command's options, NULL when not given (the first
 * one for a repeatable flag). */
const char *cli_opt(const struct cli *cli, const char *name);
/* Every value of a repeatable flag, in command-line order: stores up to cap
 * of them in out and returns how many there are. */
size_t cli_opt_all(const struct cli *cli, const char *name, const char **out, size_t cap);

/* An export replaces a file only when told to (--force): the file may be
 * the only copy of something. CLI_OK, or a usage error naming the file. */
int cli_out_may_write(const struct cli *cli, const char *path);
/* For a command that writes what the server sends to --out FILE: checks
 * the name, refuses an existing file without --force (cli_out_may_write),
 * connects (cli_connect_session) and opens file (safe_file.h) for the
 * caller to commit whole or abort. CLI_OK, or the code to exit with. */
struct safe_file;
int cli_out_file_begin(struct cli *cli, const char *out, struct safe_file *file);

/* Prints an error and returns exit_code. */
int cli_error(int exit_code, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A usage error (code USAGE), with a pointer to --help. Returns CLI_USAGE. */
int cli_usage(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A local file or terminal problem (code LOCAL). Returns CLI_LOCAL. */
int cli_local(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports a failed call: transport failures exit 3, a value the server
 * found invalid 2, other refusals 1. */
int cli_fail(const struct folio_error *err);

/* The connect functions return CLI_OK or the exit code after printing why.
 *
 * How the server is trusted: with --plaintext (or FOLIO_PLAINTEXT=1) not at
 * all, over plaintext, which the library allows to loopback addresses only;
 * with --ca FILE (or FOLIO_CA) its certificate must chain to one in FILE;
 * otherwise it must be the certificate remembered for cli->server in
 * known_servers.h, which only folio login adds or replaces. --tls-cert and
 * --tls-key (FOLIO_TLS_CERT, FOLIO_TLS_KEY) present a client certificate.
 * A flag wins over its variable. A certificate that is not the trusted one
 * is refused with exit 3. */

/* Sets cli->context from --context, else $FOLIO_CONTEXT, else the current
 * context (folio context use), else "default" (session_file.h). */
int cli_pick_context(struct cli *cli);
/* Sets cli->server from --server, else $FOLIO_SERVER, else stored (the
 * context's server; may be NULL), else the default. A server named without
 * a port ("HOST", "[::1]") gets foliod's, 7070. */
int cli_pick_server(struct cli *cli, const char *stored);
/* Both, for a command that runs without a session (login, context trust):
 * the server defaults to that of the context's session, which is left in
 * stored, zeroed where there is none or it cannot be read; wiped when this
 * fails. */
int cli_pick_context_server(struct cli *cli, struct session *stored);
/* Connects to cli->server as trusted already; user (who is logging in, or
 * the session's user) is named in the advice of errors. */
int cli_connect(struct cli *cli, const char *user);
/* folio login's connection, which settles trust first. A server with no
 * remembered certificate has its fingerprint shown and is trusted if it is
 * trust_fp (canonical, tls_fingerprint.h), or else if a person at the
 * terminal says so (then *asked is set); the certificate is remembered
 * before this returns. A remembered one may be replaced by trust_fp when
 * the server presents exactly that. */
int cli_connect_trusting(struct cli *cli, const char *user, const char *trust_fp, bool *asked);
/* What the session file records for the open connection: the fingerprint
 * of the server's certificate, or SESSION_PLAINTEXT. */
const char *cli_connection_cert(const struct cli *cli);
/* Loads the session of the context (cli_pick_context), connects and
 * authenticates with its token, which
 * is sent only when cli->server is the session's server and presents the
 * certificate it was issued over (session_file.h); otherwise it exits 3
 * saying so, having sent nothing of the session. When the server says the
 * session has ended and ended is not NULL, sets *ended and returns
 * CLI_UNAVAILABLE without printing anything. */
int cli_connect_session(struct cli *cli, bool *ended);
/* Ends the session s on the server that issued it, on a connection of its
 * own secured as the global flags say; the token is sent only where
 * cli_connect_session would send it. Prints nothing: returns true when the
 * session ended (or had ended already, or s holds none), else false with
 * why in why (cap bytes), for the caller to report and go on. */
bool cli_end_session(const struct cli *cli, const struct session *s, char *why, size_t cap);
/* For JSON, after cli_end_session: {"context":context, key:...}, key saying
 * what became of the session, null where there was none (had false), else
 * "ended" or "not ended". Prints nothing for people. */
void cli_print_session_end(const char *context, const char *key, bool had, bool ended);
void cli_close(struct cli *cli);

/* Strict number and date arguments; on failure they print a usage error
 * naming flag and return CLI_USAGE. */
int cli_parse_u32(const struct cli *cli, const char *flag, const char *s, uint32_t min,
                  uint32_t max, uint32_t *out);
int cli_parse_u64(const struct cli *cli, const char *flag, const char *s, uint64_t min,
                  uint64_t *out);
/* YYYY-MM-DD (1970-01-01 to 9999-12-31) to its UTC midnight in unix seconds. */
int cli_parse_date(const struct cli *cli, const char *flag, const char *s, int64_t *out);
/* A calendar date YYYY-MM-DD from 1900-01-01 to 9999-12-31, kept as text
 * (birth dates, event dates). */
int cli_parse_day(const struct cli *cli, const char *flag, const char *s);
/* The value of a date flag (NULL when not given), checked as cli_parse_day. */
int cli_opt_day(const struct cli *cli, const char *flag, const char **out);
/* The record id in the first argument (what names it in errors; at least
 * 1) and --date, then the session: what the commands acting on one record
 * on a day take. CLI_OK, CLI_USAGE, or cli_connect_session's code. */
int cli_id_day_session(struct cli *cli, const char *what, uint64_t *id, const char **date);
/* --as-agent NAME --reason TEXT, an admin covering for an agent it
 * manages: both or neither (then "" each), for the request's as_agent and
 * reason. */
int cli_opt_cover(const struct cli *cli, char **as_agent, char **reason);
/* A non-negative amount of money, "52000" or "52000.5" (at most two digits
 * after the point), to hundredths. */
int cli_parse_amount(const struct cli *cli, const char *flag, const char *s, int64_t *cents);
/* A percentage from 0 to 100 with at most two decimals, "4.5", to
 * hundredths of a percent (basis points): 450. */
int cli_parse_percent(const struct cli *cli, const char *flag, const char *s, int64_t *bp);
/* A day of the year MM-DD ("02-29" included). */
int cli_parse_month_day(const struct cli *cli, const char *flag, const char *s, uint32_t *month,
                        uint32_t *day);
/* A comma list of months 1-12, "7,12", into months (CLI_MONTHS_MAX entries);
 * "" is no month at all. Repeats are left for the server to refuse. */
#define CLI_MONTHS_MAX 12
int cli_parse_months(const struct cli *cli, const char *flag, const char *s, uint32_t *months,
                     size_t *n);

/* Command handlers (cmd_account.c, cmd_admin.c, cmd_client.c, cmd_event.c,
 * cmd_segment.c, cmd_agenda.c, cmd_rule.c, cmd_alert.c, cmd_offer.c,
 * cmd_partner.c, cmd_coupon.c, cmd_profile.c). */
int cmd_login(struct cli *cli);
int cmd_logout(struct cli *cli);
int cmd_whoami(struct cli *cli);
int cmd_passwd(struct cli *cli);
int cmd_office_add(struct cli *cli);
int cmd_office_list(struct cli *cli);
int cmd_office_rename(struct cli *cli);
int cmd_office_remove(struct cli *cli);
int cmd_user_add(struct cli *cli);
int cmd_user_list(struct cli *cli);
int cmd_user_enable(struct cli *cli);
int cmd_user_set(struct cli *cli);
int cmd_user_show(struct cli *cli);
int cmd_user_disable(struct cli *cli);
int cmd_user_passwd(struct cli *cli);
int cmd_user_unlock(struct cli *cli);
int cmd_audit(struct cli *cli);
int cmd_client_add(struct cli *cli);
int cmd_client_show(struct cli *cli);
int cmd_client_list(struct cli *cli);
int cmd_client_find(struct cli *cli);
int cmd_client_update(struct cli *cli);
int cmd_client_erase(struct cli *cli);
int cmd_subject_find(struct cli *cli);
int cmd_subject_erase(struct cli *cli);
int cmd_subject_export(struct cli *cli);
int cmd_client_merge(struct cli *cli);
int cmd_client_link(struct cli *cli);
int cmd_client_unlink(struct cli *cli);
int cmd_holding_add(struct cli *cli);
int cmd_holding_show(struct cli *cli);
int cmd_holding_list(struct cli *cli);
int cmd_holding_edit(struct cli *cli);
int cmd_holding_end(struct cli *cli);
int cmd_book(struct cli *cli);
int cmd_report(struct cli *cli);
int cmd_client_history(struct cli *cli);
int cmd_event_add(struct cli *cli);
int cmd_event_edit(struct cli *cli);
int cmd_event_remove(struct cli *cli);
int cmd_segment(struct cli *cli);
/* The filters of folio segment (SEGMENT_FILTER_OPTS in main.c) into s;
 * CLI_OK or CLI_USAGE, said. Shared by segment and campaign create. */
int cli_segment_filters(struct cli *cli, Folio__Segment *s);
int cmd_agenda(struct cli *cli);
int cmd_done(struct cli *cli);
int cmd_snooze(struct cli *cli);
int cmd_dismiss(struct cli *cli);
int cmd_task_add(struct cli *cli);
int cmd_task_list(struct cli *cli);
int cmd_task_edit(struct cli *cli);
int cmd_task_remove(struct cli *cli);
int cmd_rule_add(struct cli *cli);
int cmd_rule_edit(struct cli *cli);
int cmd_rule_list(struct cli *cli);
int cmd_rule_remove(struct cli *cli);
int cmd_calendar_show(struct cli *cli);
int cmd_calendar_set(struct cli *cli);
int cmd_occasion_add(struct cli *cli);
int cmd_occasion_remove(struct cli *cli);
int cmd_alert_add(struct cli *cli);
int cmd_alert_list(struct cli *cli);
int cmd_alert_end(struct cli *cli);
int cmd_offer_add(struct cli *cli);
int cmd_offer_list(struct cli *cli);
int cmd_offer_set(struct cli *cli);
int cmd_partner_add(struct cli *cli);
int cmd_partner_edit(struct cli *cli);
int cmd_partner_remove(struct cli *cli);
int cmd_partner_list(struct cli *cli);
int cmd_coupon_issue(struct cli *cli);
int cmd_coupon_list(struct cli *cli);
int cmd_coupon_redeem(struct cli *cli);
int cmd_coupon_withdraw(struct cli *cli);
int cmd_offer_withdraw(struct cli *cli);
int cmd_campaign_create(struct cli *cli);
int cmd_campaign_list(struct cli *cli);
int cmd_campaign_show(struct cli *cli);
int cmd_campaign_cancel(struct cli *cli);
int cmd_campaign_opt_out(struct cli *cli);
int cmd_admin_campaign_create(struct cli *cli);
int cmd_admin_campaign_list(struct cli *cli);
int cmd_profile_set(struct cli *cli);
int cmd_profile_show(struct cli *cli);
/* cmd_reassign.c */
int cmd_reassign(struct cli *cli);
int cmd_reassign_undo(struct cli *cli);
int cmd_reassign_list(struct cli *cli);
int cmd_reassign_show(struct cli *cli);
int cmd_watch(struct cli *cli);
/* cmd_context.c */
int cmd_context_list(struct cli *cli);
int cmd_context_use(struct cli *cli);
int cmd_context_remove(struct cli *cli);
int cmd_context_trust(struct cli *cli);
/* cmd_trust.c, cmd_bundle.c, cmd_backup.c */
int cmd_firm_key(struct cli *cli);
int cmd_trust_add(struct cli *cli);
int cmd_trust_list(struct cli *cli);
int cmd_trust_remove(struct cli *cli);
int cmd_bundle_verify(struct cli *cli);
int cmd_bundle_show(struct cli *cli);
int cmd_backup(struct cli *cli);
int cmd_compact(struct cli *cli);
/* cmd_stats.c */
int cmd_stats(struct cli *cli);
/* cmd_transfer.c: bundles; it hands --format csv|vcard to cmd_interchange.c */
int cmd_export(struct cli *cli);
int cmd_import(struct cli *cli);
int cmd_restore_transferred(struct cli *cli);
int cmd_export_interchange(struct cli *cli, const char *format);
/* data: the input's bytes when cmd_ix_detect read them, else NULL (the
 * file at cli->args[0] is read); freed here either way. */
int cmd_import_interchange(struct cli *cli, const char *format, char *data, size_t len);
/* The format of the file at path, when --format does not say: "bundle"
 * for a bundle's magic, "vcard" for a BEGIN:VCARD in its first 4 KiB (in
 * UTF-8 or UTF-16), then by extension (.vcf, .vcard; .csv, .tsv, .txt),
 * then "csv" for text whose first line has a , ; or tab, else "bundle".
 * A file that is not a regular one (a pipe: its bytes come once) is read
 * whole, at most 64 MiB, into *data (the caller's to free; NULL for a
 * regular file) and *len. NULL, with why, when it cannot be read; a file
 * that cannot be opened is told by its name (its import says why). */
const char *cmd_ix_detect(const char *path, char **data, size_t *len, char *why, size_t why_size);
/* What export and import print, one shape whatever the format (README):
 * the bundle's own fields are null for csv and vcard, the interchange
 * formats' own fields null for a bundle. t, res: the bundle's answer, or
 * NULL for csv and vcard, which pass their counts and notes instead. For
 * people, a bundle's answer is a card; csv and vcard print their notes. */
void cmd_transfer_print_export(const char *format, const char *file, uint64_t clients,
                               const Folio__Transfer *t, bool released);
/* With --progress-json, a line {"progress":{"phase","done","total"}}. */
void cmd_transfer_progress(const struct cli *cli, const char *phase, uint64_t done, uint64_t total);
struct cmd_transfer_counts {
    uint64_t added, updated, skipped, refused;
    const Folio__ImportNote *const *notes;
    size_t n_notes;
    bool holdings_read; /* a file of holdings came with the clients */
    uint64_t holdings;  /* of it, added */
};
void cmd_transfer_print_import(const char *format, const char *file, bool dry_run,
                               const Folio__ImportResult *res,
                               const struct cmd_transfer_counts *counts);
/* help.c, completion.c */
int cmd_help(struct cli *cli);
int cmd_completion(struct cli *cli);
int cmd_complete(struct cli *cli);

/* ---- What commands that ask the server share (cli.c, after the parsers). */

/* The value of an optional number flag, checked as cli_parse_u32 and
 * cli_parse_u64; *out is left as it is when the flag is not given. */
int cli_opt_u32(const struct cli *cli, const char *flag, uint32_t min, uint32_t max, uint32_t *out);
int cli_opt_u64(const struct cli *cli, const char *flag, uint64_t min, uint64_t *out);
/* --limit and --before of a list paged back in time by number (the audit
 * log, a client's history), checked as cli_opt_u32 and cli_opt_u64; 0 when
 * not given. */
int cli_opt_page_before(const struct cli *cli, uint32_t *limit, uint64_t *before);

/* Shows an answer; r belongs to the caller. */
typedef void cli_show_fn(const Folio__Response *r);
/* How a command ends once it has called: r NULL reports err (cli_fail);
 * otherwise show (NULL: nothing to show) prints r, which is then freed.
 * Returns the exit code. */
int cli_answer(Folio__Response *r, const struct folio_error *err, cli_show_fn *show);
/* A call that takes nothing but the connection: opens the session
 * (cli_connect_session), calls and ends as cli_answer. */
int cli_session_call(struct cli *cli,
                     Folio__Response *(*call)(struct folio_connection *c, struct folio_error *err),
                     cli_show_fn *show);

/* The same for a call that takes the command's first argument (a name, an
 * id) as it is. */
int cli_session_call_arg(struct cli *cli,
                         Folio__Response *(*call)(struct folio_connection *c, const char *arg,
                                                  struct folio_error *err),
                         cli_show_fn *show);
/* The same for a list paged by --limit and --after, which it reads. */
int cli_session_list(struct cli *cli,
                     Folio__Response *(*list)(struct folio_connection *c, uint32_t limit,
                                              const char *after, struct folio_error *err),
                     cli_show_fn *show);

/* E-mail to clients (cmd_offer.c, cmd_coupon.c, cmd_outbox.c,
 * cmd_template.c). rec_print_sent shows what a send queued. */
int cmd_offer_send(struct cli *cli);
int cmd_coupon_send(struct cli *cli);
int cmd_campaign_send(struct cli *cli);
int cmd_outbox_list(struct cli *cli);
int cmd_template_set(struct cli *cli);
int cmd_template_list(struct cli *cli);
int cmd_template_show(struct cli *cli);
int cmd_template_remove(struct cli *cli);
cli_show_fn rec_print_sent;

#endif
