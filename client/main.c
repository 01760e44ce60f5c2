/* main.c - the folio command: global flags, the command table, dispatch.
 *
 * The table below is the only list of commands and flags: parsing, folio
 * --help and folio CMD --help are all generated from it, and so are folio
 * help, the manual pages and the completion scripts (help.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "array_size.h"
#include "cli.h"
#include "help.h"
#include "output.h"
#include "suggest.h"

static const struct cli_opt password_stdin_opt[] = {
    {"--password-stdin", NULL, "read the password from the first line of standard input", false,
     false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt login_opts[] = {
    {"--password-stdin", NULL, "read the password from the first line of standard input", false,
     false},
    {"--trust-fingerprint", "FP",
     "trust the server's certificate if its SHA-256 fingerprint is FP;\n"
     "                      take FP from the firm's admin, who reads it in the output of\n"
     "                      foliod init or in the foliod log (\"TLS certificate\n"
     "                      fingerprint (SHA-256): ...\")",
     false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt context_trust_opts[] = {
    {"--reset", NULL, "forget the trusted certificate, so that the next login trusts one anew",
     false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt passwd_opts[] = {
    {"--password-stdin", NULL,
     "read the current password from the first line of standard input and the new one from "
     "the second",
     false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt user_add_opts[] = {
    {"--role", "ROLE", "agent, office-admin or firm-admin", true, false},
    {"--office", "OFFICE", "the office the user belongs to (agents and office-admins need one)",
     false, false},
    {"--password-stdin", NULL, "read the password from the first line of standard input", false,
     false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt user_list_opts[] = {
    {"--limit", "N", "at most N users (default: the server's)", false, false},
    {"--after", "NAME", "start after this user name (the next page)", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt audit_opts[] = {
    {"--actor", "USER", "only what USER did (or tried, for failed logins)", false, false},
    {"--since", "DATE", "only records from DATE (YYYY-MM-DD, UTC midnight) on", false, false},
    {"--limit", "N", "at most N records (default: the server's, 100)", false, false},
    {"--before", "SEQ", "only records older than SEQ (the next page)", false, false},
    {"--client", "ID", "only records about this client", false, false},
    {"--action", "ACTION", "only this action, e.g. partner.edit or login.failed", false, false},
    {"--until", "DATE", "only records up to DATE (YYYY-MM-DD, UTC) included", false, false},
    {"--jsonl", NULL, "write every record the filters keep to --out, a JSON object a line", false,
     false},
    {"--out", "FILE", "with --jsonl: the file to write", false, false},
    {"--force", NULL, "with --out: replace FILE when it exists", false, false},
    {NULL, NULL, NULL, false, false},
};

/* The fields of a client, shared by client add and client update. */
// clang-format off
#define CLIENT_FIELD_OPTS                                                                          \
    {"--birth-date", "DATE", "date of birth, YYYY-MM-DD", false, false},                           \
    {"--preferred-channel", "CHANNEL", "email, phone, sms or post", false, false},                 \
    {"--street", "STREET", "street address", false, false},                                        \
    {"--city", "CITY", "city", false, false},                                                      \
    {"--region", "REGION", "region", false, false},                                                \
    {"--country", "CC", "country, ISO 3166 two-letter code", false, false},                        \
    {"--marital", "STATUS", "single, married, partnered, divorced or widowed", false, false},      \
    {"--children", "N", "number of children", false, false},                                       \
    {"--income", "AMOUNT", "income, e.g. 52000 or 52000.50", false, false},                        \
    {"--currency", "CUR", "currency of the income, ISO 4217 (e.g. PEN)", false, false},            \
    {"--employment", "TEXT", "employment", false, false},                                          \
    {"--consent", "CHANNELS", "marketing consent: a comma list of email,phone,sms,post", false,    \
     false},                                                                                       \
    {"--note", "TEXT", "notes about the client", false, false},                                   \
    {"--language", "LANG", "the language of the firm's e-mail templates for the client, "          \
     "ISO 639-1 (es, en...)", false, false},                                                       \
    {"--contact-every", "DAYS", "stay in touch at least every DAYS days (0: the firm's interval)", \
     false, false}
// clang-format on

static const struct cli_opt client_add_opts[] = {
    {"--name", "NAME", "the client's name", true, false},
    {"--phone", "PHONE", "a phone number (repeat for more)", false, true},
    {"--email", "EMAIL", "an e-mail address (repeat for more)", false, true},
    {"--tag", "TAG", "a tag (repeat for more)", false, true},
    CLIENT_FIELD_OPTS,
    {"--allow-duplicate", NULL, "add it even if it looks like a client you have", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt client_update_opts[] = {
    {"--name", "NAME", "the client's name", false, false},
    CLIENT_FIELD_OPTS,
    {"--add-tag", "TAG", "add a tag (repeat for more)", false, true},
    {"--remove-tag", "TAG", "remove a tag (repeat for more)", false, true},
    {"--set-tags", "TAG", "replace every tag with these (repeat for more)", false, true},
    {"--add-phone", "PHONE", "add a phone number (repeat for more)", false, true},
    {"--remove-phone", "PHONE", "remove a phone number (repeat for more)", false, true},
    {"--set-phones", "PHONE", "replace every phone number with these (repeat)", false, true},
    {"--add-email", "EMAIL", "add an e-mail address (repeat for more)", false, true},
    {"--remove-email", "EMAIL", "remove an e-mail address (repeat for more)", false, true},
    {"--set-emails", "EMAIL", "replace every e-mail address with these (repeat)", false, true},
    {"--withdraw-consent", "CHANNELS",
     "take back consent for these channels (email, phone, sms, post); e-mail still queued for "
     "the client is cancelled",
     false, false},
    {"--if-version", "N", "only if the client is still at version N", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt client_link_opts[] = {
    {"--as", "RELATION",
     "what OTHER is to CLIENT: spouse, partner, child, parent, sibling or other", true, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt subject_find_opts[] = {
    {"--limit", "N", "at most N clients (default: the server's, 100)", false, false},
    {"--after", "CURSOR", "start after this cursor (the next page)", false, false},
    {"--firm-admin-read", NULL, "show the clients' records, not only ids (audited)", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt subject_erase_opts[] = {
    {"--reason", "TEXT", "why the person is erased, e.g. the request's reference (audited)", true,
     false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt subject_export_opts[] = {
    {"--out", "FILE", "write the JSON document to FILE", true, false},
    {"--reason", "TEXT", "why, e.g. the request's reference (audited)", true, false},
    {"--force", NULL, "replace FILE when it exists", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt client_show_opts[] = {
    {"--firm-admin-read", NULL, "read another agent's client as a firm-admin (audited)", false,
     false},
    {"--as-agent", "NAME", "admins: read the agent NAME's, covering for it (with --reason)", false,
     false},
    {"--reason", "TEXT", "with --as-agent: why you read the agent's portfolio (audited)", false,
     false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt client_list_opts[] = {
    {"--sort", "KEY", "name (default), last-contact, created or updated", false, false},
    {"--reverse", NULL, "the other way round (last-contact: most recent first)", false, false},
    {"--limit", "N", "at most N clients (default: the server's, 100)", false, false},
    {"--after", "CURSOR", "start after this cursor (the next page, same --sort)", false, false},
    {"--as-agent", "NAME", "admins: read the agent NAME's, covering for it (with --reason)", false,
     false},
    {"--reason", "TEXT", "with --as-agent: why you read the agent's portfolio (audited)", false,
     false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt client_find_opts[] = {
    {"--limit", "N", "at most N clients (default: the server's, 100)", false, false},
    {"--after", "CURSOR", "start after this cursor (the next page)", false, false},
    {"--firm", NULL, "search every agent's clients, as a firm-admin (audited)", false, false},
    {"--firm-admin-read", NULL, "with --firm: show the clients' records, not only ids (audited)",
     false, false},
    {"--as-agent", "NAME", "admins: read the agent NAME's, covering for it (with --reason)", false,
     false},
    {"--reason", "TEXT", "with --as-agent: why you read the agent's portfolio (audited)", false,
     false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt client_history_opts[] = {
    {"--limit", "N", "at most N events (default: the server's, 100)", false, false},
    {"--before", "SEQ", "only events older than SEQ (the next page)", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt event_add_opts[] = {
    {"--currency", "CUR", "currency of an income event, ISO 4217", false, false},
    {"--date", "DATE", "when it happened, YYYY-MM-DD (default: today in your time zone)", false,
     false},
    {"--note", "TEXT", "a note", false, false},
    {"--follow-up", "DATE", "contact events: follow up on DATE, YYYY-MM-DD (on the agenda then)",
     false, false},
    {"--keep-follow-ups", NULL,
     "contact events: keep the client's follow-ups due by --date open\n"
     "                      (by default the contact closes them)",
     false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt event_edit_opts[] = {
    {"--date", "DATE", "when it happened, YYYY-MM-DD", false, false},
    {"--note", "TEXT", "the note (\"\" empties it)", false, false},
    {"--amount", "AMOUNT", "income events: the amount, e.g. 52000.50", false, false},
    {"--currency", "CUR", "income events: the currency, ISO 4217", false, false},
    {"--what", "WHAT", "life, purchase and contact events: what happened", false, false},
    {"--follow-up", "DATE", "contact events: follow up on DATE (\"\" for none)", false, false},
    {NULL, NULL, NULL, false, false},
};

/* The filters of folio segment, shared by campaign create (cli_segment_filters). */
// clang-format off
#define SEGMENT_FILTER_OPTS \
    {"--city", "CITY", "clients in this city", false, false}, \
    {"--region", "REGION", "clients in this region", false, false}, \
    {"--country", "CC", "clients in this country", false, false}, \
    {"--age-min", "N", "aged at least N", false, false}, \
    {"--age-max", "N", "aged at most N", false, false}, \
    {"--date", "DATE", "count ages on DATE, YYYY-MM-DD (default: today where you are)", \
     false, false}, \
    {"--marital", "STATUS", "single, married, partnered, divorced or widowed", false, false}, \
    {"--children-min", "N", "with at least N children", false, false}, \
    {"--household-size-min", "N", \
    "in a household of at least N linked clients (themselves " \
    "included)", \
    false, false}, \
    {"--income-min", "N", "income at least N whole units", false, false}, \
    {"--income-max", "N", "income at most N whole units", false, false}, \
    {"--income-trend", "TREND", "up, down or flat", false, false}, \
    {"--purchased", "KIND", "who bought this kind of thing (vehicle, home, ...)", false, false}, \
    {"--tag", "TAG", "tagged TAG", false, false}, \
    {"--consent", "CHANNEL", "who consented to email, phone, sms or post", false, false}, \
    {"--holds", "KIND", "with an active holding of this kind (auto, home, life...)", false, \
     false}, \
    {"--lacks", "KIND", "without an active holding of this kind", false, false}, \
    {"--provider", "NAME", "with an active holding from this provider", false, false}, \
    {"--renews-before", "DATE", "with an active holding renewing before DATE", false, false}, \
    {"--premium-min", "N", "with an active holding of a premium of at least N", false, false},
// clang-format on

static const struct cli_opt segment_opts[] = {
    SEGMENT_FILTER_OPTS{"--count", NULL, "print only how many match", false, false},
    {"--by", "KEY", "count by city, region, marital, age-band or income-band", false, false},
    {"--limit", "N", "list at most N clients (default: the server's, 100)", false, false},
    {"--after", "ID", "list the clients after this id (the next page)", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt agenda_opts[] = {
    {"--date", "DATE", "the first day, YYYY-MM-DD (default: today in your time zone)", false,
     false},
    {"--days", "N", "how many days, 1-366 (default: 7)", false, false},
    {"--state", "STATE",
     "open (default: open items, and snoozed ones from the day they come\n"
     "                      back), done, snoozed, dismissed or all",
     false, false},
    {"--kind", "KINDS",
     "only these kinds, a comma list of birthday, follow-up, task, offer,\n"
     "                      coupon, campaign, renewal, win-back, alert, opportunity,\n"
     "                      stay-in-touch, holiday, season",
     false, false},
    {"--limit", "N", "at most N items (default: the server's, 100)", false, false},
    {"--after", "CURSOR", "start after this cursor (the next page)", false, false},
    {"--alert", "ID", "the clients of this alert, one item each, instead of the agenda", false,
     false},
    {"--format", "FORMAT", "ics: write the items as an iCalendar file (with --out)", false, false},
    {"--out", "FILE", "with --format ics: the file to write", false, false},
    {"--force", NULL, "with --out: replace FILE when it exists", false, false},
    {"--as-agent", "NAME", "admins: read the agent NAME's, covering for it (with --reason)", false,
     false},
    {"--reason", "TEXT", "with --as-agent: why you read the agent's portfolio (audited)", false,
     false},
    {NULL, NULL, NULL, false, false},
};

#define AGENDA_MARK_OPTS                                                                           \
    {"--note", "TEXT", "a note, kept with the mark (done: also on the call recorded)", false,      \
     false},                                                                                       \
    {                                                                                              \
        "--date", "DATE", "today, YYYY-MM-DD (default: yours, by your time zone)", false, false    \
    }

static const struct cli_opt done_opts[] = {
    AGENDA_MARK_OPTS,
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt snooze_opts[] = {
    {"--until", "DATE", "the day it comes back on the agenda, YYYY-MM-DD (at most 366 days on)",
     true, false},
    AGENDA_MARK_OPTS,
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt task_add_opts[] = {
    {"--due", "DATE", "the day it is due, YYYY-MM-DD (on the agenda then)", true, false},
    {"--title", "TEXT", "what to do, in a line", true, false},
    {"--note", "TEXT", "a note", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt task_list_opts[] = {
    {"--client", "ID", "only the tasks about this client", false, false},
    {"--limit", "N", "at most N tasks (default: the server's, 100)", false, false},
    {"--after", "CURSOR", "start after this cursor (the next page)", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt task_edit_opts[] = {
    {"--due", "DATE", "the day it is due, YYYY-MM-DD", false, false},
    {"--title", "TEXT", "what to do, in a line", false, false},
    {"--note", "TEXT", "the note (\"\" empties it)", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt rule_add_opts[] = {
    {"--on", "ON",
     "what fires it: purchase:KIND, life:WHAT, income:up, income:down,\n"
     "                      alert:KIND, birthday, holiday:NAME or season",
     true, false},
    {"--suggest", "TEXT", "what to suggest to the client", true, false},
    {"--avoid", "TEXT", "what not to offer then", false, false},
    {"--window", "DAYS", "event rules: days the opportunity stays open (default 30)", false, false},
    {"--product", "NAME", "the product it is about", false, false},
    {"--unless-holds", "KIND",
     "event rules: not for a client with an active holding of this kind\n"
     "                      (auto, home, life, ...)",
     false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt rule_edit_opts[] = {
    {"--on", "ON", "what fires it (as for admin rule add)", false, false},
    {"--suggest", "TEXT", "what to suggest to the client", false, false},
    {"--avoid", "TEXT", "what not to offer then (\"\" empties it)", false, false},
    {"--window", "DAYS", "event rules: days the opportunity stays open (0: the default, 30)", false,
     false},
    {"--product", "NAME", "the product it is about (\"\" empties it)", false, false},
    {"--unless-holds", "KIND", "event rules: not for a client holding this kind (\"\": always)",
     false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt calendar_set_opts[] = {
    {"--season", "MONTHS", "the high-spending months, a comma list of 1-12 (\"\": none)", false,
     false},
    {"--stay-in-touch", "DAYS", "contact every client at least every DAYS days (1-3650)", false,
     false},
    {"--renewal-notice-days", "DAYS",
     "put a holding's renewal on the agenda DAYS days before it renews\n"
     "                      (1-365; default 30)",
     false, false},
    {"--time-zone", "ZONE",
     "the firm's time zone, an IANA name such as America/Lima (\"\": UTC):\n"
     "                      today for agents whose card names none",
     false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt occasion_add_opts[] = {
    {"--date", "MM-DD", "the day of the year, e.g. 12-25", true, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt alert_add_opts[] = {
    {"--kind", "KIND", "what happened: earthquake, flood, ... (a-z, 0-9, -)", true, false},
    {"--city", "CITY", "the city it touches (or --region)", false, false},
    {"--region", "REGION", "the region it touches (or --city)", false, false},
    {"--date", "DATE", "its first day, YYYY-MM-DD", true, false},
    {"--until", "DATE", "its last day, YYYY-MM-DD (default: until ended)", false, false},
    {"--note", "TEXT", "a note", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt alert_list_opts[] = {
    {"--date", "DATE", "today, YYYY-MM-DD (default: yours, by your time zone)", false, false},
    {"--all", NULL, "also the alerts that ended or ran out", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt date_opt[] = {
    {"--date", "DATE", "today, YYYY-MM-DD (default: yours, by your time zone)", false, false},
    {NULL, NULL, NULL, false, false},
};

#define HOLDING_FIELD_OPTS                                                                         \
    {"--number", "NUMBER", "the provider's policy or account number", false, false},               \
        {"--premium", "AMOUNT", "premium or instalment, per --per", false, false},                 \
        {"--per", "PERIOD", "month, quarter or year (with --premium)", false, false},              \
        {"--value", "AMOUNT", "value, sum insured or balance", false, false},                      \
        {"--currency", "CODE", "ISO 4217 currency of premium and value", false, false},            \
        {"--start", "DATE", "when it started, YYYY-MM-DD", false, false},                          \
        {"--renews", "DATE", "when it renews next, YYYY-MM-DD", false, false},                     \
        {"--ends", "DATE", "when it ends (a fixed end: no renewal), YYYY-MM-DD", false, false},    \
        {"--status", "STATUS", "quoted or active (default active)", false, false},                 \
    {                                                                                              \
        "--note", "TEXT", "a note, in a line", false, false                                        \
    }

static const struct cli_opt holding_add_opts[] = {
    {"--kind", "KIND",
     "auto, home, life, health, travel, pet, business, loan, mortgage,\n"
     "                      credit-card, savings, investment, pension or other",
     true, false},
    {"--provider", "NAME", "the carrier, bank or fund", true, false},
    HOLDING_FIELD_OPTS,
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt holding_edit_opts[] = {
    {"--kind", "KIND", "what kind of holding (as for holding add)", false, false},
    {"--provider", "NAME", "the carrier, bank or fund", false, false},
    HOLDING_FIELD_OPTS,
    {"--if-version", "N", "only if the holding is still at version N", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt holding_list_opts[] = {
    {"--client", "CLIENT", "one client's holdings", false, false},
    {"--kind", "KIND", "of this kind", false, false},
    {"--status", "STATUS", "quoted, active, lapsed, cancelled or ended", false, false},
    {"--renews-before", "DATE", "running and renewing before DATE, YYYY-MM-DD", false, false},
    {"--limit", "N", "at most N holdings (default: the server's, 100)", false, false},
    {"--after", "ID", "the holdings after this id (the next page)", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt holding_end_opts[] = {
    {"--date", "DATE", "when it ended, YYYY-MM-DD", true, false},
    {"--reason", "REASON", "lapsed, cancelled, replaced or ended", true, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt book_opts[] = {
    {"--agent", "NAME", "an agent's book (admins: of agents they manage)", false, false},
    {"--office", "NAME", "an office's book (its admins, firm-admins)", false, false},
    {"--firm", NULL, "the firm's book (firm-admins)", false, false},
    {"--date", "DATE", "the day it is about, YYYY-MM-DD (default: the server's today)", false,
     false},
    {"--as-agent", "NAME", "admins: the agent NAME's book, covering for it (with --reason)", false,
     false},
    {"--reason", "TEXT", "with --as-agent: why you read the agent's book (audited)", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt report_opts[] = {
    {"--out", "FILE", "where to write the page (FILE.html); - for standard output", true, false},
    {"--agent", "NAME", "an agent's report (admins: of agents they manage)", false, false},
    {"--office", "NAME", "an office's report (its admins, firm-admins)", false, false},
    {"--firm", NULL, "the firm's report (firm-admins)", false, false},
    {"--date", "DATE", "the day it is about, YYYY-MM-DD (default: the server's today)", false,
     false},
    {"--force", NULL, "replace FILE when it exists", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt user_set_opts[] = {
    {"--role", "ROLE", "agent, office-admin or firm-admin", false, false},
    {"--office", "OFFICE", "the office it belongs to from now on", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt offer_add_opts[] = {
    {"--title", "TEXT", "what is offered, in a line", true, false},
    {"--product", "NAME", "the product", false, false},
    {"--rate", "PCT", "a rate in percent, e.g. 4.5", false, false},
    {"--valid-from", "DATE", "first valid day, YYYY-MM-DD", true, false},
    {"--valid-until", "DATE", "last valid day, YYYY-MM-DD; it expires after", true, false},
    {"--channel", "CHANNEL",
     "email, phone, sms or post, which the client must have consented to\n"
     "                      (default: the preferred channel, else the first consented)",
     false, false},
    {"--date", "DATE", "today, YYYY-MM-DD, for the status shown (default: yours)", false, false},
    {"--despite-alert", NULL,
     "offer it even though an alert where the client lives says to avoid\n"
     "                      the product (refused otherwise)",
     false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt offer_list_opts[] = {
    {"--client", "ID", "only this client's offers", false, false},
    {"--status", "STATUS", "only proposed, sent, accepted, declined, expired or withdrawn ones",
     false, false},
    {"--date", "DATE", "today, for expiry, YYYY-MM-DD (default: yours, by your time zone)", false,
     false},
    {"--limit", "N", "at most N offers (default: the server's, 100)", false, false},
    {"--after", "ID", "start after this offer id (the next page)", false, false},
    {NULL, NULL, NULL, false, false},
};

/* What a campaign offers, an agent's (campaign create) or an office's or the
 * firm's (admin campaign create). */
// clang-format off
#define CAMPAIGN_CREATE_OPTS \
    {"--title", "TEXT", "what is offered, in a line", true, false}, \
    {"--product", "NAME", "the product", false, false}, \
    {"--rate", "PCT", "a rate in percent, e.g. 4.5", false, false}, \
    {"--valid-from", "DATE", "first valid day, YYYY-MM-DD", true, false}, \
    {"--valid-until", "DATE", "last valid day, YYYY-MM-DD; the offers expire after", true, false}, \
    {"--channel", "CHANNEL", "email, sms, post or phone: clients without consent are skipped", \
     true, false}, \
    {"--coupon-partner", "ID", "also issue each client a coupon at this partner", false, false}, \
    {"--discount", "TEXT", "the coupon's discount, e.g. \"20% off dinner\"", false, false}, \
    {"--dry-run", NULL, "show who would get it and who is skipped, change nothing", false, false},
// clang-format on

static const struct cli_opt campaign_create_opts[] = {
    CAMPAIGN_CREATE_OPTS SEGMENT_FILTER_OPTS{NULL, NULL, NULL, false, false},
};

static const struct cli_opt campaign_list_opts[] = {
    {"--limit", "N", "at most N campaigns (default: the server's, 100)", false, false},
    {"--after", "ID", "start after this campaign id (the next page)", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt admin_campaign_create_opts[] = {
    {"--office", "NAME", "every agent of this office: their clients in the segment", false, false},
    {"--firm", NULL, "every agent of the firm: their clients in the segment (firm-admin)", false,
     false},
    CAMPAIGN_CREATE_OPTS SEGMENT_FILTER_OPTS{NULL, NULL, NULL, false, false},
};

static const struct cli_opt reassign_opts[] = {
    {"--from", "AGENT", "the agent whose clients move", true, false},
    {"--to", "AGENT", "the agent who receives them", true, false},
    {"--client", "ID", "move only this client (repeat for more; default: all)", false, true},
    {"--dry-run", NULL, "show what would move, change nothing", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt reassign_undo_opts[] = {
    {"--client", "ID", "move back only this client, if unchanged (repeat for more)", false, true},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt reassign_list_opts[] = {
    {"--limit", "N", "at most N reassignments (default: the server's, 100)", false, false},
    {"--before", "ID", "only reassignments older than ID (the next page)", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt watch_opts[] = {
    {"--count", "N", "stop after N notices", false, false},
    {"--timeout", "SECONDS", "stop after this long", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt backup_opts[] = {
    {"--out", "FILE", "where to write the backup", true, false},
    {"--passphrase-file", "FILE", "read the passphrase from the first line of FILE (mode 0600)",
     false, false},
    {"--force", NULL, "replace FILE when it exists", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt export_opts[] = {
    {"--out", "FILE", "where to write the export; - for standard output (CSV, vCard)", true, false},
    {"--agent", "NAME", "export this agent's portfolio (admins; default: your own)", false, false},
    {"--client", "ID", "export only this client (repeat for more; default: all)", false, true},
    {"--release", NULL,
     "mark the exported clients transferred here: hidden and read-only\n"
     "                      (bundle format only)",
     false, false},
    {"--reason", "TEXT",
     "why you export another agent's whole portfolio (admins: required\n"
     "                      then; kept in the audit)",
     false, false},
    {"--format", "FORMAT", "bundle (signed, the default), csv or vcard", false, false},
    {"--force", NULL, "replace FILE when it exists", false, false},
    {"--excel", NULL,
     "CSV for Excel: a byte order mark and ; between fields (the list\n"
     "                      separator where the decimal mark is a comma)",
     false, false},
    {"--vcard-version", "VERSION", "vCard: 4.0 (the default) or 3.0, what most phones read", false,
     false},
    {"--holdings", "FILE",
     "CSV: the clients' holdings too, one per row, in FILE (your own\n"
     "                      portfolio)",
     false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt import_opts[] = {
    {"--agent", "NAME", "import into this agent's portfolio (admins; default: your own)", false,
     false},
    {"--allow-untrusted", NULL,
     "accept a bundle signed by a firm not trusted here (firm-admin,\n"
     "                      audited)",
     false, false},
    {"--allow-erased", NULL,
     "bring back clients erased here (firm-admin, audited; default:\n"
     "                      skip them)",
     false, false},
    {"--format", "FORMAT",
     "bundle, csv or vcard (default: what the file holds, then its\n"
     "                      extension)",
     false, false},
    {"--dry-run", NULL, "check and count, change nothing", false, false},
    {"--errors", "FILE",
     "CSV and vCard: write every note (refused rows, fields left out,\n"
     "                      duplicates) to FILE as CSV; print the summary only",
     false, false},
    {"--strict", NULL, "CSV and vCard: exit 5 when some rows were refused", false, false},
    {"--holdings", "FILE",
     "CSV: then the holdings in FILE (folio export --holdings), each to\n"
     "                      the client its row names, by the id that row has now",
     false, false},
    {"--map", "HEADER=FIELD,...",
     "CSV: read these columns as these fields (first_name, last_name,\n"
     "                      phone, mobile, email, birth_date, city, ... or - to skip)",
     false, false},
    {"--date-order", "ORDER",
     "CSV: mdy (12/28/1969) or dmy (28/12/1969) for dates with / . or -\n"
     "                      (default: day first after a day over 12 or with dots)",
     false, false},
    {"--progress-json", NULL,
     "JSON lines on stdout as the import goes, {\"progress\":{...}},\n"
     "                      then the answer on a line of its own (implies --json)",
     false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt partner_add_opts[] = {
    {"--category", "CATEGORY", "restaurant, cinema, gym, ... (a-z, 0-9, -)", true, false},
    {"--city", "CITY", "where it is", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt partner_edit_opts[] = {
    {"--name", "NAME", "its new name", false, false},
    {"--category", "CATEGORY", "restaurant, cinema, gym, ... (a-z, 0-9, -)", false, false},
    {"--city", "CITY", "where it is (\"\" empties it)", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt coupon_issue_opts[] = {
    {"--partner", "ID", "the partner it is good at (folio partner list)", true, false},
    {"--discount", "TEXT", "the discount, e.g. \"20% off dinner\"", true, false},
    {"--valid-until", "DATE", "last valid day, YYYY-MM-DD", true, false},
    {"--date", "DATE", "today, YYYY-MM-DD (default: yours, by your time zone)", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt coupon_list_opts[] = {
    {"--client", "ID", "only this client's coupons", false, false},
    {"--limit", "N", "at most N coupons (default: the server's, 100)", false, false},
    {"--after", "CODE", "start after this code (the next page)", false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt profile_set_opts[] = {
    {"--display-name", "NAME", "the name clients see", false, false},
    {"--phone", "PHONE", "the phone clients call", false, false},
    {"--email", "EMAIL", "the e-mail clients write to", false, false},
    {"--hours", "TEXT", "when you can be reached, e.g. \"Mon-Fri 9-18\"", false, false},
    {"--currency", "CUR",
     "your default currency, ISO 4217 (e.g. PEN): an income typed without one is in it", false,
     false},
    {"--time-zone", "ZONE",
     "your time zone, an IANA name such as America/Lima (\"\": the firm's):\n"
     "                      today on your agenda, the day events are dated by default",
     false, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_opt help_opts[] = {
    {"--man", NULL, "print the manual page (roff) of folio, or of the command group given", false,
     false},
    {NULL, NULL, NULL, false, false},
};

#define NEW_PASSWORD_ABOUT                                                                         \
    "Without --password-stdin: on a terminal asks for the password twice;\n"                       \
    "otherwise makes up a random 20-character password and prints it once\n"                       \
    "(\"password: X\"; a \"password\" member with --json).\n"

/* E-mail to clients. */
static const struct cli_opt outbox_list_opts[] = {
    {"--state", "STATE", "only queued, sent, failed or cancelled messages", false, false},
    {"--limit", "N", "at most N messages (default: the server's, 100)", false, false},
    {"--after", "ID", "start after this message id (the next page)", false, false},
    {NULL, NULL, NULL, false, false},
};
static const struct cli_opt template_set_opts[] = {
    {"--lang", "LANG", "the clients' language, ISO 639-1 (es, en, pt...)", true, false},
    {"--subject", "TEXT", "the subject, one line, with placeholders", true, false},
    {"--body-file", "FILE", "the body: plain text with placeholders, UTF-8", true, false},
    {NULL, NULL, NULL, false, false},
};
static const struct cli_opt template_lang_opt[] = {
    {"--lang", "LANG", "the template's language, ISO 639-1", true, false},
    {NULL, NULL, NULL, false, false},
};

static const struct cli_cmd commands[] = {
    {"login", "USER", 1, 0, "log in and keep the session for later commands",
     "First the server's TLS certificate is trusted. A server met before must\n"
     "present the certificate remembered for it; with --trust-fingerprint FP a\n"
     "server that now presents FP instead has FP remembered in its place. A new\n"
     "server's fingerprint is shown; it is remembered if it is FP, or, on a\n"
     "terminal, if you answer yes; otherwise the login is refused (exit 3).\n"
     "With --ca or --plaintext nothing is remembered.\n"
     "Then, on a terminal, asks for the password without echo; otherwise, or\n"
     "with --password-stdin, reads it from the first line of standard input.\n"
     "The session (server, user, token and the certificate it was issued\n"
     "over) is kept in a context: \"default\", or the one --context NAME,\n"
     "FOLIO_CONTEXT or folio context use names. Logging in again in a context\n"
     "ends its previous session on its server first (if it cannot be reached,\n"
     "folio says so and goes on). The token is only ever sent to the server\n"
     "and certificate that issued it. Contexts are kept in $FOLIO_CONFIG\n"
     "(session, session.NAME) and the trusted certificates in\n"
     "$FOLIO_CONFIG/known-servers (\"SERVER FINGERPRINT\" lines), mode 0600;\n"
     "FOLIO_CONFIG defaults to $XDG_CONFIG_HOME/folio or ~/.config/folio.\n",
     login_opts, cmd_login},
    {"logout", "", 0, 0, "end the session on the server; the context stays",
     "The context keeps its server and user for the next folio login;\n"
     "folio context remove forgets it too.\n",
     NULL, cmd_logout},
    {"whoami", "", 0, 0, "show who is logged in, and until when", NULL, NULL, cmd_whoami},
    {"passwd", "", 0, 0, "change your own password",
     "On a terminal asks for the current password, then the new one twice.\n", passwd_opts,
     cmd_passwd},
    {"help", "[COMMAND...]", 0, CLI_MAX_ARGS, "show the help of folio, a group or a command",
     "folio help COMMAND is folio COMMAND --help; folio help exit-codes lists\n"
     "the exit codes.\n",
     help_opts, cmd_help},
    {"completion", "SHELL", 1, 0, "print the completion script for bash, zsh or fish",
     "Completes commands, flags, files, and client ids from your own\n"
     "portfolio (asked of the server, with a 2-second timeout). For one shell:\n"
     "  source <(folio completion bash)\n"
     "  folio completion zsh > ~/.zfunc/_folio     (a directory in $fpath)\n"
     "  folio completion fish | source\n",
     NULL, cmd_completion},
    {"__complete", "WHAT", 1, 0, "completion candidates, for the completion scripts", NULL, NULL,
     cmd_complete},
    {"context list", "", 0, 0, "list the contexts: server, user, which one is current",
     "A context is one login kept under a name, e.g. one per firm you work\n"
     "for: folio login USER --context NAME --server HOST makes it. Commands\n"
     "use --context NAME, else FOLIO_CONTEXT, else the one folio context use\n"
     "chose, else \"default\". A context's token is only ever sent to the\n"
     "server and certificate that issued it.\n",
     NULL, cmd_context_list},
    {"context use", "NAME", 1, 0, "make NAME the current context",
     "Later commands use it unless --context or FOLIO_CONTEXT says otherwise.\n", NULL,
     cmd_context_use},
    {"context remove", "NAME", 1, 0, "end a context's session on its server and forget it",
     "If its server cannot be reached (or no longer presents the certificate\n"
     "the session was issued over), folio says so and forgets it anyway.\n",
     NULL, cmd_context_remove},
    {"context trust", "", 0, 0, "show or reset the pinned certificate of the context's server",
     "A server that presents a certificate other than the trusted one is\n"
     "refused, with both fingerprints. If your firm says it replaced its\n"
     "certificate, have its admin read you the new fingerprint over a channel\n"
     "you trust (in person, by phone), then forget the old one with --reset\n"
     "and log in again: folio login shows the new fingerprint to compare.\n"
     "The server is --server, else FOLIO_SERVER, else the context's.\n",
     context_trust_opts, cmd_context_trust},
    {"client add", "", 0, 0, "add a client to your portfolio (agents)",
     "Prints the new client, with the id the server gave it. A client that\n"
     "looks like one you have (the same e-mail, the same phone number, or the\n"
     "same name and birth date) is refused naming that client, whom you most\n"
     "likely meant; --allow-duplicate adds it anyway.\n",
     client_add_opts, cmd_client_add},
    {"client show", "CLIENT", 1, 0, "show one of your clients",
     "An office-admin (for its office's agents) or a firm-admin (for any)\n"
     "reads an agent's client with --as-agent NAME --reason TEXT, as client\n"
     "list and find do: read-only, each read audited with the reason.\n",
     client_show_opts, cmd_client_show},
    {"client list", "", 0, 0, "list your clients, by name or as --sort says",
     "--sort name orders names whatever their case and accents; last-contact\n"
     "puts the clients never contacted first, then the longest since;\n"
     "created and updated go oldest first. --reverse turns any of them round.\n"
     "Ties go by id. The ID column shows an id's first 8 hex digits, which every\n"
     "command taking a CLIENT accepts, as it does any unique start of an id\n"
     "of at least 8 hex digits, with or without its dashes.\n"
     "An admin covering for an agent it manages lists the agent's clients\n"
     "with --as-agent NAME --reason TEXT (each page audited).\n",
     client_list_opts, cmd_client_list},
    {"client find", "TEXT", 1, 0, "find your clients by name, phone or e-mail",
     "TEXT matches the start of any word of a name, whatever the case and\n"
     "accents (\"jose\" finds the accented spelling too; each character of a\n"
     "Chinese or Japanese name starts a word; romanised spellings are not matched),\n"
     "the last digits of a phone (at least 4, formatting aside), or the start of\n"
     "an e-mail. Best matches first: the exact name, then names matching word by\n"
     "word, then phones and e-mails; then by name.\n"
     "An admin covering for an agent it manages searches the agent's clients\n"
     "with --as-agent NAME --reason TEXT (audited).\n",
     client_find_opts, cmd_client_find},
    {"client search", "TEXT", 1, 0, "the same as client find",
     "TEXT matches the start of any word of a name, whatever the case and\n"
     "accents (\"jose\" finds the accented spelling too; each character of a\n"
     "Chinese or Japanese name starts a word; romanised spellings are not matched),\n"
     "the last digits of a phone (at least 4, formatting aside), or the start of\n"
     "an e-mail. Best matches first: the exact name, then names matching word by\n"
     "word, then phones and e-mails; then by name.\n"
     "An admin covering for an agent it manages searches the agent's clients\n"
     "with --as-agent NAME --reason TEXT (audited).\n",
     client_find_opts, cmd_client_find},
    {"client update", "CLIENT", 1, 0, "change the fields given of a client",
     "Only the fields given change. --add-tag, --remove-tag, --add-phone,\n"
     "--remove-phone, --add-email and --remove-email change one element of a\n"
     "list, on the server, so edits made at the same time by someone else are\n"
     "kept; removing an element that is not there is not an error. --set-tags,\n"
     "--set-phones and --set-emails replace the whole list; an empty one (\"\")\n"
     "empties it. An empty --consent withdraws every consent. An --income\n"
     "without --currency, on a client without one, is in your default currency\n"
     "(folio profile set --currency).\n"
     "With --if-version the change is refused (ABORTED) when someone changed\n"
     "the client since you read version N.\n",
     client_update_opts, cmd_client_update},
    {"client erase", "CLIENT", 1, 0, "erase a client and its history for good", NULL, NULL,
     cmd_client_erase},
    {"client merge", "KEEP OTHER", 2, 0, "merge two records of the same person into KEEP",
     "KEEP takes OTHER's history (joined in date order), offers and coupons,\n"
     "the phones, e-mails and tags it lacks, and every field it leaves empty\n"
     "(birth date, address, employment, notes...); what KEEP says wins. The\n"
     "income, marital status, children and last contact follow the joined\n"
     "history. OTHER is then erased; the audit keeps both ids. Prints the\n"
     "merged client.\n",
     NULL, cmd_client_merge},
    {"client link", "CLIENT OTHER", 2, 0, "link two clients of one household",
     "OTHER is CLIENT's --as: spouse, partner, child, parent, sibling or\n"
     "other; OTHER's record gets the other side (CLIENT is OTHER's parent\n"
     "when OTHER is CLIENT's child). client show lists the household, and\n"
     "segment --household-size-min finds the clients of large ones. Links\n"
     "move with their clients when both are reassigned or exported\n"
     "together, and are dropped, with a note on each timeline, when only one\n"
     "moves. Prints CLIENT.\n",
     client_link_opts, cmd_client_link},
    {"client unlink", "CLIENT OTHER", 2, 0, "end the link between two clients", "Prints CLIENT.\n",
     NULL, cmd_client_unlink},
    {"client history", "CLIENT", 1, 0, "show what happened to a client, newest first", NULL,
     client_history_opts, cmd_client_history},
    {"event add", "CLIENT KIND [ARG]", 2, 1, "record something that happened to a client",
     "KIND and ARG:\n"
     "  income AMOUNT       a new income, e.g. 52000.50 (with --currency)\n"
     "  life WHAT           married, divorced, widowed, partnered, child-born,\n"
     "                      retired or moved\n"
     "  purchase WHAT       vehicle, home, boat, ...\n"
     "  contact WHAT        call, visit, email, message, sms\n"
     "  note TEXT           a note (or give it with --note)\n",
     event_add_opts, cmd_event_add},
    {"event edit", "CLIENT SEQ", 2, 0, "correct an event of your client",
     "SEQ is the event's number in client history. Only the fields given\n"
     "change; the client's record (income, marital status, children,\n"
     "purchases, last contact) is worked out again from the corrected history,\n"
     "and the history marks the event as corrected. The audit keeps what it\n"
     "was and what it became.\n",
     event_edit_opts, cmd_event_edit},
    {"event remove", "CLIENT SEQ", 2, 0, "withdraw an event of your client",
     "The event leaves the client's history and the record is worked out\n"
     "again without it; the audit keeps what it was.\n",
     NULL, cmd_event_remove},
    {"segment", "", 0, 0, "find the clients that match every filter given",
     "Prints the matching clients and how many match; with --count only how\n"
     "many; with --by how many for each value of KEY.\n",
     segment_opts, cmd_segment},
    {"export", "", 0, 0, "export a portfolio to a file: a signed bundle, CSV or vCard",
     "A bundle carries clients with their timelines, offers and coupons and\n"
     "the agent card, signed by this firm, for import at another firm. CSV\n"
     "and vCard carry the client records only, for spreadsheets and phones.\n",
     export_opts, cmd_export},
    {"import", "FILE", 1, 0, "import a bundle, a CSV file or vCards into a portfolio",
     "A bundle is checked whole (digest, signature, every record) before\n"
     "anything changes, then applied in batches, each client whole; if it\n"
     "stops midway, importing it again adds the rest and changes nothing\n"
     "else. CSV rows and vCards become new clients; likely duplicates are\n"
     "reported and exact ones skipped. A row or card is refused only when it\n"
     "has no name; a value that cannot be kept is left out with a note. CSV\n"
     "exports of Google Contacts, Outlook (English, German, Spanish,\n"
     "Norwegian, French), Thunderbird, Apple and LinkedIn are read by their\n"
     "headers, with , ; or tab between fields, in UTF-8, UTF-16 or\n"
     "windows-1252; vCard 2.1, 3.0 and 4.0 as phones and mail programs\n"
     "write them. Refused rows are listed, and exit 5 with --strict. CSV\n"
     "and vCards may come through a pipe (FILE /dev/stdin, at most 64 MiB);\n"
     "a bundle is read from a file.\n",
     import_opts, cmd_import},
    {"bundle verify", "FILE", 1, 0, "check a bundle's digest and signature (offline)", NULL, NULL,
     cmd_bundle_verify},
    {"bundle show", "FILE", 1, 0, "list what a bundle holds (offline)", NULL, NULL,
     cmd_bundle_show},
    {"watch", "", 0, 0, "print notices as they come: reassignments, alerts",
     "Keeps the connection open until --count notices came, --timeout\n"
     "passed, or it is interrupted. Notices are best-effort; the audit log is\n"
     "the record.\n",
     watch_opts, cmd_watch},
    {"agenda", "", 0, 0, "your agenda: what to do, day by day",
     "Lists the items of your portfolio from --date on, for --days days, by\n"
     "date and then priority: birthdays, follow-ups, alerts in your clients'\n"
     "city or region, offers and coupons about to expire, opportunities the\n"
     "firm's rules see in recent events, clients to stay in touch with,\n"
     "holidays and high-spending months. Each comes with what to suggest\n"
     "and what to avoid.\n"
     "Priority on a day, first to last: overdue follow-ups and tasks, the\n"
     "day's follow-ups and tasks, birthdays, offers and coupons about to\n"
     "expire, alerts, opportunities, stay-in-touch, holidays, high-spending\n"
     "months. An alert is one item for all the clients it covers (--alert ID\n"
     "lists them); an opportunity whose product an alert in force where the\n"
     "client lives says to avoid is held back, naming the alert. The answer\n"
     "comes in pages of --limit items: any horizon up to 366 days, however\n"
     "many clients; --after takes the cursor a page ends with.\n"
     "Every item has an id, derived from what it is about (the same birthday\n"
     "on the same day is always the same item), which folio done, snooze and\n"
     "dismiss take, or its first 4 or more hex digits. Follow-ups whose day\n"
     "passed and that are still open come first on the first day, as overdue,\n"
     "with the days late, until done, snoozed or dismissed. A snoozed item\n"
     "comes back on its --until day. Marks are kept with the client, so they\n"
     "move with it (reassignment, bundles).\n"
     "--format ics --out FILE writes every item of the --days (all pages) as\n"
     "an iCalendar file that calendar programs import: one all-day event per\n"
     "item, its UID made from the item's id, so importing a later export\n"
     "updates the events instead of adding them twice.\n"
     "An office-admin (for its office's agents) or a firm-admin (for any)\n"
     "reads an agent's agenda with --as-agent NAME --reason TEXT: read-only,\n"
     "each read audited with the reason; marks stay the agent's.\n",
     agenda_opts, cmd_agenda},
    {"done", "ITEM", 1, 0, "mark an agenda item done",
     "A birthday, follow-up or stay-in-touch item done records a call on the\n"
     "client's timeline (dated --date, noted with --note, else the item's\n"
     "title), so stay-in-touch counts from it.\n",
     done_opts, cmd_done},
    {"snooze", "ITEM", 1, 0, "put an agenda item off until a later day",
     "The item leaves the agenda and comes back on --until, as it was.\n", snooze_opts, cmd_snooze},
    {"task add", "[CLIENT]", 0, 1, "add a task of your own, maybe about one of your clients",
     "The task is on your agenda on its --due day, and after it, as overdue,\n"
     "until it is done, snoozed or dismissed (folio done ITEM ...). A task\n"
     "about a client goes with the client (reassignment, bundles).\n",
     task_add_opts, cmd_task_add},
    {"task list", "", 0, 0, "list your tasks by due day", NULL, task_list_opts, cmd_task_list},
    {"task edit", "ID", 1, 0, "change a task's due day, title or note", NULL, task_edit_opts,
     cmd_task_edit},
    {"task remove", "ID", 1, 0, "remove a task", NULL, NULL, cmd_task_remove},
    {"dismiss", "ITEM", 1, 0, "take an agenda item off the agenda for good",
     "folio agenda --state dismissed lists what was dismissed.\n", done_opts, cmd_dismiss},
    {"alert list", "", 0, 0, "list the alerts in force on a day or later", NULL, alert_list_opts,
     cmd_alert_list},
    {"holding add", "CLIENT", 1, 0, "record what one of your clients holds: a policy, account...",
     "A holding is a policy, account or contract the client holds with you,\n"
     "from a provider: an active one renews on --renews or ends on --ends.\n"
     "It lands on the client's history and in the audit, and moves with the\n"
     "client (reassignment, bundles, merge); erasing the client erases it.\n"
     "Prints the holding with its id.\n",
     holding_add_opts, cmd_holding_add},
    {"holding show", "ID", 1, 0, "show one holding", NULL, NULL, cmd_holding_show},
    {"holding list", "", 0, 0, "list your clients' holdings", "Paged: --limit, then --after.\n",
     holding_list_opts, cmd_holding_list},
    {"holding edit", "ID", 1, 0, "correct or update a running holding",
     "Changes what the flags given say; an ended holding stays as it was.\n", holding_edit_opts,
     cmd_holding_edit},
    {"holding end", "ID", 1, 0, "end a holding: lapsed, cancelled, replaced or ended",
     "Keeps the holding, ended on --date for --reason (replaced ends it as\n"
     "\"ended\", for one that took its place).\n",
     holding_end_opts, cmd_holding_end},
    {"book", "", 0, 0, "the book of business: clients, holdings, premium, renewals",
     "Clients and active holdings, with their premium over a year by kind and\n"
     "by provider (per currency: never summed across currencies), what renews\n"
     "within 30, 60 and 90 days, retention over the last 12 months (holdings\n"
     "running a year ago that still run, against those lapsed or cancelled\n"
     "since), and new clients and ended holdings by month. An agent's own by\n"
     "default; an office-admin's office (--office) or one of its agents\n"
     "(--agent); a firm-admin's anything (--firm). An admin's read is audited.\n"
     "--as-agent NAME --reason TEXT is --agent NAME audited with the reason,\n"
     "as agenda and client list, find and show take it.\n",
     book_opts, cmd_book},
    {"report", "", 0, 0, "the book and the portfolio in pictures, as one HTML page",
     "One self-contained page (it needs no network and no script to read):\n"
     "clients by age, life stage, income and city; active holdings and their\n"
     "premium by kind (per currency); renewals by week over the next 13 weeks;\n"
     "opportunities open this month by rule; contacts by month over the last\n"
     "12; and the book's own numbers. Each chart has a table of its numbers\n"
     "beside it. Scoped and audited as book. An existing FILE is replaced only\n"
     "with --force; --out - writes the page to standard output (and so takes\n"
     "no --json).\n",
     report_opts, cmd_report},
    {"offer add", "CLIENT", 1, 0, "propose a time-limited offer to one of your clients",
     "The client must have consented to marketing on the offer's channel.\n"
     "The answer ends with your agent card (folio profile set).\n",
     offer_add_opts, cmd_offer_add},
    {"offer list", "", 0, 0, "list your offers in id order, with their status on --date",
     "A proposed or sent offer past its last valid day is expired.\n", offer_list_opts,
     cmd_offer_list},
    {"offer set", "ID STATUS", 2, 0, "mark an offer sent, accepted or declined",
     "proposed -> sent -> accepted | declined; proposed -> accepted | declined.\n"
     "An expired offer does not move; folio offer withdraw takes one back.\n",
     date_opt, cmd_offer_set},
    {"offer withdraw", "ID", 1, 0, "take back a proposed or sent offer",
     "The offer is kept, as withdrawn, in the client's history and bundles;\n"
     "it no longer moves.\n",
     date_opt, cmd_offer_withdraw},
    {"campaign create", "NAME", 1, 0,
     "one offer (and coupon) for each client of a segment of yours",
     "Takes the filters of folio segment. Each client of the segment who\n"
     "consented to marketing on --channel gets one offer, and a coupon at\n"
     "--coupon-partner when given, all in one transaction; the others are\n"
     "skipped and counted, never offered, and so are clients living where an\n"
     "alert in force says to avoid the product. --dry-run lists who would get\n"
     "it and who would be skipped, and why, changing nothing. A segment of\n"
     "more than 500 clients is refused: narrow it. --date is today (and the\n"
     "day ages are counted on). Every offer and coupon lands on its client's\n"
     "history and in the audit, naming the campaign.\n",
     campaign_create_opts, cmd_campaign_create},
    {"campaign list", "", 0, 0, "list your campaigns in id order", NULL, campaign_list_opts,
     cmd_campaign_list},
    {"campaign show", "ID", 1, 0, "a campaign with its offers by status and the share accepted",
     "Offers are counted by their status on --date (an offer whose client\n"
     "was erased or moved to another agent is not counted).\n",
     date_opt, cmd_campaign_show},
    {"campaign cancel", "ID", 1, 0, "cancel a campaign: its open offers and coupons withdrawn",
     "Offers still proposed or sent, and coupons neither redeemed nor\n"
     "withdrawn, are withdrawn; the rest stay as they are.\n",
     date_opt, cmd_campaign_cancel},
    {"partner list", "", 0, 0, "list the partner businesses", NULL, NULL, cmd_partner_list},
    {"coupon issue", "CLIENT", 1, 0, "issue a coupon at a partner to one of your clients",
     "The client must have consented to marketing. Prints the coupon's code,\n"
     "XXXX-XXXX-XXXX-XXXX, which is what redeems it.\n",
     coupon_issue_opts, cmd_coupon_issue},
    {"coupon list", "", 0, 0, "list the coupons you issued, in code order", NULL, coupon_list_opts,
     cmd_coupon_list},
    {"coupon redeem", "CODE", 1, 0, "redeem a coupon, once, by its code", NULL, date_opt,
     cmd_coupon_redeem},
    {"coupon withdraw", "CODE", 1, 0, "take back a coupon not yet redeemed",
     "The coupon is kept, as withdrawn, in the client's history and bundles,\n"
     "and can no longer be redeemed.\n",
     date_opt, cmd_coupon_withdraw},
    {"profile set", "", 0, 0, "set your agent card, shown with your offers",
     "Only the fields given change; an empty value (\"\") clears one.\n", profile_set_opts,
     cmd_profile_set},
    {"profile show", "", 0, 0, "show your agent card", NULL, NULL, cmd_profile_show},
    {"admin office add", "NAME", 1, 0, "add an office (firm-admin)", NULL, NULL, cmd_office_add},
    {"admin office list", "", 0, 0, "list the offices (admins)", NULL, NULL, cmd_office_list},
    {"admin office rename", "NAME NEW-NAME", 2, 0, "rename an office (firm-admin)",
     "Its users keep their office; the audit keeps both names.\n", NULL, cmd_office_rename},
    {"admin office remove", "NAME", 1, 0, "remove an office without users (firm-admin)",
     "Refused while any user, enabled or not, belongs to it: move them first\n"
     "with admin user set --office.\n",
     NULL, cmd_office_remove},
    {"admin user add", "NAME", 1, 0, "add a user",
     "A firm-admin adds any user; an office-admin adds agents to its own "
     "office.\n" NEW_PASSWORD_ABOUT,
     user_add_opts, cmd_user_add},
    {"admin user list", "", 0, 0, "list users in name order (admins)", NULL, user_list_opts,
     cmd_user_list},
    {"admin user disable", "NAME", 1, 0, "disable a user and end their sessions", NULL, NULL,
     cmd_user_disable},
    {"admin user enable", "NAME", 1, 0, "let a disabled user log in again", NULL, NULL,
     cmd_user_enable},
    {"admin user set", "NAME", 1, 0, "change a user's role or office",
     "An agent who moves office keeps its clients. An agent who still keeps\n"
     "clients does not become an admin (reassign them first), and the last\n"
     "firm-admin stays one. An office-admin manages the agents of its office\n"
     "and may not make admins. Audited, saying who moved whom.\n",
     user_set_opts, cmd_user_set},
    {"admin user show", "NAME", 1, 0, "show a user: role, office, state, last login, clients", NULL,
     NULL, cmd_user_show},
    {"admin user passwd", "NAME", 1, 0, "set a user's password and end their sessions",
     NEW_PASSWORD_ABOUT, password_stdin_opt, cmd_user_passwd},
    {"admin user unlock", "NAME", 1, 0, "lift the lock failed logins put on a user (admins)",
     "Too many failed logins from addresses a user never logged in from lock\n"
     "their name for --login-lockout-seconds; setting their password lifts it\n"
     "too.",
     NULL, cmd_user_unlock},
    {"admin audit", "", 0, 0, "read the audit log, newest first (admins)",
     "Filters combine. With --jsonl --out FILE, every record they keep is\n"
     "written to FILE, a JSON object a line, for a log system.\n",
     audit_opts, cmd_audit},
    {"admin subject find", "TEXT", 1, 0, "find a person among every agent's clients (firm-admin)",
     "For a privacy-law request: the same search as client find --firm,\n"
     "audited: ids and owners, or the records with --firm-admin-read (each\n"
     "record read audited under its client). The audit keeps how long TEXT\n"
     "was, not TEXT.\n",
     subject_find_opts, cmd_subject_find},
    {"admin subject erase", "CLIENT", 1, 0,
     "erase a person, whoever's client, on request (firm-admin)",
     "For a privacy-law request: erases the client as client erase does (the\n"
     "record, its history, offers, coupons, holdings and household links; the\n"
     "audit keeps kinds and ids only), whichever agent keeps it; audited with\n"
     "--reason.\n",
     subject_erase_opts, cmd_subject_erase},
    {"admin subject export", "CLIENT", 1, 0,
     "everything held about a person, as one JSON file (firm-admin)",
     "For a privacy-law request, whichever agent keeps the client: the record,\n"
     "who keeps it, household links, consent and when it was set or changed,\n"
     "the timeline, holdings, offers, coupons, tasks and agenda marks about\n"
     "the person, and the audit records under the client. Built on the\n"
     "server and fetched in chunks; FILE appears whole or not at all. Audited\n"
     "with --reason.\n",
     subject_export_opts, cmd_subject_export},
    {"admin rule add", "", 0, 0, "add a rule: on an event, what to suggest (firm-admin)",
     "Event rules (purchase, life, income) open an opportunity for --window\n"
     "days after the event; alert rules apply while an alert is in force;\n"
     "birthday, holiday and season rules apply on those days.\n",
     rule_add_opts, cmd_rule_add},
    {"admin rule edit", "ID", 1, 0, "change a rule (firm-admin)",
     "Only the fields given change; the rule is checked whole again, as when\n"
     "added. Audited.\n",
     rule_edit_opts, cmd_rule_edit},
    {"admin rule list", "", 0, 0, "list the firm's rules", NULL, NULL, cmd_rule_list},
    {"admin rule remove", "ID", 1, 0, "remove a rule (firm-admin)", NULL, NULL, cmd_rule_remove},
    /* Before "admin calendar", which would otherwise take "set" as its argument. */
    {"admin calendar set", "", 0, 0,
     "set the season, the contact interval or the time zone (firm-admin)", NULL, calendar_set_opts,
     cmd_calendar_set},
    {"admin calendar", "[show]", 0, 1,
     "show the firm's calendar: occasions, season, contact "
     "interval",
     NULL, NULL, cmd_calendar_show},
    {"admin occasion add", "NAME", 1, 0, "add a yearly occasion to the calendar (firm-admin)", NULL,
     occasion_add_opts, cmd_occasion_add},
    {"admin occasion remove", "NAME", 1, 0, "remove an occasion from the calendar (firm-admin)",
     NULL, NULL, cmd_occasion_remove},
    {"admin alert add", "", 0, 0, "post an alert for a city or region (admins)",
     "Every client living there shows up on their agent's agenda while it is\n"
     "in force, with what the firm's alert rules suggest.\n",
     alert_add_opts, cmd_alert_add},
    {"admin alert end", "ID", 1, 0, "end an alert on --date (admins)", NULL, date_opt,
     cmd_alert_end},
    {"admin partner add", "NAME", 1, 0, "add a partner business (firm-admin)", NULL,
     partner_add_opts, cmd_partner_add},
    {"admin partner edit", "ID", 1, 0, "change a partner business (firm-admin)",
     "Only the fields given change. Audited.\n", partner_edit_opts, cmd_partner_edit},
    {"admin partner remove", "ID", 1, 0, "remove a partner business (firm-admin)",
     "Refused while coupons at it are open (neither redeemed nor withdrawn,\n"
     "and still valid), naming how many. Audited.\n",
     NULL, cmd_partner_remove},
    /* Before "admin reassign", which would otherwise take these as words. */
    {"admin reassign list", "", 0, 0, "list reassignments, newest first (admins)",
     "A firm-admin sees all of them, an office-admin those between agents of\n"
     "its office.\n",
     reassign_list_opts, cmd_reassign_list},
    {"admin reassign show", "ID", 1, 0, "show what a reassignment moved (admins)",
     "Names the first 1000 clients it moved; count says how many there were.\n", NULL,
     cmd_reassign_show},
    {"admin reassign undo", "ID", 1, 0, "move a reassignment's clients back (admins)",
     "Without --client, all of them, and only when none changed since: moved\n"
     "again, edited, or with timeline entries since (events, offers, coupons,\n"
     "holdings). With --client, those named that did not change move back and\n"
     "the others are listed with why, left with the agent they went to.\n"
     "Tasks and agenda marks about a client go with it. Audited.\n",
     reassign_undo_opts, cmd_reassign_undo},
    {"admin reassign", "", 0, 0, "move clients from one agent to another (admins)",
     "An office-admin moves portfolios within its office, a firm-admin\n"
     "anywhere. One transaction; the answer's id undoes it.\n",
     reassign_opts, cmd_reassign},
    {"admin restore-transferred", "AGENT", 1, 0,
     "bring back the clients an export released (firm-admin)", NULL, NULL, cmd_restore_transferred},
    {"admin firm-key", "", 0, 0, "show this firm's public key and its fingerprint", NULL, NULL,
     cmd_firm_key},
    {"admin trust add", "FIRM PUBLIC_KEY", 2, 0,
     "trust bundles signed by another firm's key (firm-admin)", NULL, NULL, cmd_trust_add},
    {"admin trust list", "", 0, 0, "list the firms whose bundles are trusted", NULL, NULL,
     cmd_trust_list},
    {"admin trust remove", "FIRM", 1, 0, "stop trusting a firm's bundles (firm-admin)", NULL, NULL,
     cmd_trust_remove},
    {"admin backup", "", 0, 0,
     "fetch the firm, encrypted with your passphrase, into a file (firm-admin)",
     "The server writes the firm's key, its TLS certificate and key and a\n"
     "compacted copy of the database into one file encrypted with the\n"
     "passphrase (argon2id, XChaCha20-Poly1305), and folio fetches it in\n"
     "chunks. The passphrase comes from --passphrase-file, else\n"
     "FOLIO_BACKUP_PASSPHRASE, else it is asked for twice; at least 12 bytes.\n"
     "`foliod restore --from FILE --data DIR` makes a data directory of it.\n",
     backup_opts, cmd_backup},
    {"admin compact", "", 0, 0, "print the steps that clear erased data from the database file",
     "Prints steps only, and asks the server nothing: the database cannot be\n"
     "compacted while foliod serves it. Erased and deleted records stay in the\n"
     "free pages of data.mdb until those are written over; `folio admin backup`\n"
     "writes a copy without them, and `foliod compact --data DIR`, run while\n"
     "foliod is stopped, rewrites data.mdb without them.\n",
     NULL, cmd_compact},
    {"admin stats", "", 0, 0,
     "the server's figures: connections, requests by op, commits, database (firm-admin)",
     "Counted since foliod started: uptime, connections open and accepted,\n"
     "requests by op with the rate over the last 10 seconds, group commits and\n"
     "their sizes, the database file and map, reader slots, password hashes.\n",
     NULL, cmd_stats},
    {"campaign opt-out", "CAMPAIGN CLIENT", 2, 0,
     "take one of your clients out of a campaign: its offer withdrawn",
     "CAMPAIGN is your campaign, your part of a firm campaign (campaign list\n"
     "shows it) or the firm campaign's id. The client's offer from it, if\n"
     "still proposed or sent, is withdrawn, and its coupon if unused; the\n"
     "client's history and the audit say so.\n",
     date_opt, cmd_campaign_opt_out},
    {"admin campaign create", "NAME", 1, 0,
     "a campaign for every agent of an office or of the firm (admins)",
     "Exactly one of --office and --firm: an office-admin makes campaigns for\n"
     "its own office, a firm-admin for any office or the firm. Each agent's\n"
     "own clients of the segment get one offer (and coupon) under that\n"
     "agent's name and card, in a campaign of the agent's (its part) that the\n"
     "agent sees in campaign list and may opt clients out of. Clients are\n"
     "skipped as in campaign create, and so are those of disabled agents.\n"
     "--dry-run lists, agent by agent, who would get it and who would be\n"
     "skipped, and why. At most 500 clients of one agent, and 2000 in all,\n"
     "or it is refused whole: narrow it. One transaction.\n",
     admin_campaign_create_opts, cmd_admin_campaign_create},
    {"admin campaign list", "", 0, 0, "list the office and firm campaigns you may see (admins)",
     "A firm-admin sees all of them, an office-admin its office's.\n", campaign_list_opts,
     cmd_admin_campaign_list},
    {"admin campaign show", "ID", 1, 0,
     "an office or firm campaign: offers by status and by agent, share accepted",
     "Each agent's part with its offers, opt-outs and the share accepted;\n"
     "offers are counted by their status on --date.\n",
     date_opt, cmd_campaign_show},
    {"admin campaign cancel", "ID", 1, 0,
     "cancel an office or firm campaign: open offers withdrawn for every agent",
     "Offers still proposed or sent, and coupons neither redeemed nor\n"
     "withdrawn, are withdrawn across its agents; the rest stay as they are.\n",
     date_opt, cmd_campaign_cancel},
    /* E-mail to clients. */
    {"offer send", "ID", 1, 0, "send an offer by e-mail through the firm's relay",
     "Marks the offer sent and queues one e-mail to the client in the same\n"
     "transaction: the client's name, the offer, your agent card, in the\n"
     "client's language when the firm has a template for it. Refused unless\n"
     "the offer's channel is email, the client consents to e-mail and has an\n"
     "address, and the server sends e-mail (foliod serve --smtp-url). The\n"
     "delivery's result lands on the offer (folio offer list) and the\n"
     "client's history; folio outbox list shows the queue.\n",
     date_opt, cmd_offer_send},
    {"coupon send", "CODE", 1, 0, "send a coupon by e-mail through the firm's relay",
     "As offer send, for a coupon neither redeemed nor withdrawn, once.\n", date_opt,
     cmd_coupon_send},
    {"campaign send", "ID", 1, 0, "send every proposed offer of an e-mail campaign",
     "One e-mail per offer still proposed, all queued in one transaction;\n"
     "offers whose client withdrew consent to e-mail or has no address are\n"
     "skipped and counted. Sending again queues only what is still proposed.\n",
     date_opt, cmd_campaign_send},
    {"outbox list", "", 0, 0, "the e-mail queued to your clients and how it went",
     "State queued (waiting for the relay, or for a retry after it deferred),\n"
     "sent (accepted by the relay), failed (refused for good: the relay's\n"
     "reply says why) or cancelled (consent withdrawn, offer withdrawn).\n",
     outbox_list_opts, cmd_outbox_list},
    {"admin template set", "KIND", 1, 0,
     "set the firm's e-mail template for offers or coupons in a language (firm-admin)",
     "KIND is offer or coupon. Placeholders in the subject and the body:\n"
     "{{client.name}}, {{agent.name}}, {{agent.phone}}, {{agent.email}},\n"
     "{{agent.hours}}, {{firm.name}}; offers: {{offer.title}},\n"
     "{{offer.product}}, {{offer.rate}}, {{offer.valid_from}},\n"
     "{{offer.valid_until}}; coupons (and offers a campaign issued one with):\n"
     "{{coupon.code}}, {{coupon.discount}}, {{coupon.partner}},\n"
     "{{coupon.valid_until}}. Nothing else is read from a\n"
     "template, and an unknown placeholder is refused. The body is plain text;\n"
     "the HTML part is made from it, every value escaped. The agent card and\n"
     "the unsubscribe line always follow it. Clients whose language has no\n"
     "template get the built-in one.\n",
     template_set_opts, cmd_template_set},
    {"admin template list", "", 0, 0, "list the firm's e-mail templates (firm-admin)", NULL, NULL,
     cmd_template_list},
    {"admin template show", "KIND", 1, 0, "show one e-mail template (firm-admin)", NULL,
     template_lang_opt, cmd_template_show},
    {"admin template remove", "KIND", 1, 0,
     "remove an e-mail template: its clients get the built-in one (firm-admin)", NULL,
     template_lang_opt, cmd_template_remove},
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

/* Every command's flags must fit in struct cli (the NULL row aside). */
#define OPTS_FIT(opts) (sizeof(opts) / sizeof(opts[0]) - 1 <= CLI_MAX_OPTS)
_Static_assert(OPTS_FIT(client_update_opts) && OPTS_FIT(segment_opts) &&
                   OPTS_FIT(campaign_create_opts) && OPTS_FIT(admin_campaign_create_opts),
               "CLI_MAX_OPTS");
#define WORDS_MAX 4

static const struct cli_opt global_opts[] = {
    {"--server", "HOST:PORT",
     "the server, by name or address ([::1]:PORT for IPv6; the port\n"
     "                      defaults to 7070); default $FOLIO_SERVER, else the\n"
     "                      context's server, else " FOLIO_DEFAULT_SERVER,
     false, false},
    {"--context", "NAME",
     "the context (login) to use; default $FOLIO_CONTEXT, else the one\n"
     "                      folio context use chose, else \"default\"",
     false, false},
    {"--ca", "FILE",
     "trust the server if its certificate chains to one in FILE (PEM) and\n"
     "                      names the host or address connected to; no remembered\n"
     "                      certificate is used then; default $FOLIO_CA",
     false, false},
    {"--plaintext", NULL,
     "no TLS, for servers run with --plaintext; loopback addresses only;\n"
     "                      also with FOLIO_PLAINTEXT=1",
     false, false},
    {"--tls-cert", "FILE",
     "a client certificate (PEM chain) for servers that require one;\n"
     "                      default $FOLIO_TLS_CERT; needs --tls-key",
     false, false},
    {"--tls-key", "FILE", "the key of --tls-cert (PEM, not encrypted); default $FOLIO_TLS_KEY",
     false, false},
    {"--json", NULL, "print one JSON document on stdout; errors as JSON on stderr", false, false},
    {"--help", NULL, "show help (after a command: that command's help)", false, false},
    {NULL, NULL, NULL, false, false},
};

const struct cli_cmd *cli_commands(size_t *n)
{
    *n = COMMAND_COUNT;
    return commands;
}

const struct cli_opt *cli_global_opts(void)
{
    return global_opts;
}

/* Splits a command path into its words. */
static size_t path_words(const char *path, char words[WORDS_MAX][32])
{
    size_t n = 0;
    while (*path != '\0' && n < WORDS_MAX) {
        size_t len = strcspn(path, " ");
        snprintf(words[n++], sizeof(words[0]), "%.*s", (int)len, path);
        path += len;
        path += *path == ' ';
    }
    return n;
}

/* Short flags for the most common long ones: the same flag, spelled short. */
static const struct {
    const char *letter; /* "-j" */
    const char *name;   /* "--json" */
} short_flags[] = {
    {"-j", "--json"},
    {"-s", "--server"},
    {"-n", "--limit"},
};

static const char *short_flag_of(const char *name)
{
    for (size_t k = 0; k < ARRAY_SIZE(short_flags); k++)
        if (strcmp(short_flags[k].name, name) == 0)
            return short_flags[k].letter;
    return NULL;
}

const char *cli_short_flag(const char *name)
{
    return short_flag_of(name);
}

static const char *long_flag_of(const char *arg)
{
    for (size_t k = 0; k < ARRAY_SIZE(short_flags); k++)
        if (strcmp(short_flags[k].letter, arg) == 0)
            return short_flags[k].name;
    return NULL;
}

static void print_opts(const struct cli_opt *opts)
{
    for (size_t i = 0; opts != NULL && opts[i].name != NULL; i++) {
        char left[64];
        const char *letter = short_flag_of(opts[i].name);
        snprintf(left, sizeof(left), "%s%s%s%s%s", letter ? letter : "", letter ? ", " : "",
                 opts[i].name, opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
        /* A long flag gets a line of its own so the help column stays aligned. */
        if (strlen(left) > 19)
            out_text("  %s\n  %-19s", left, "");
        else
            out_text("  %-19s", left);
        out_text(" %s%s\n", opts[i].help, opts[i].required ? " (required)" : "");
    }
}

static void print_synopsis(const struct cli_cmd *cmd)
{
    out_text("%s%s%s", cmd->path, cmd->args[0] ? " " : "", cmd->args);
    for (size_t i = 0; cmd->opts != NULL && cmd->opts[i].name != NULL; i++) {
        const struct cli_opt *o = &cmd->opts[i];
        out_text(" %s%s%s%s%s%s", o->required ? "" : "[", o->name, o->arg ? " " : "",
                 o->arg ? o->arg : "", o->required ? "" : "]", o->repeat ? "..." : "");
    }
}

static bool in_group(const struct cli_cmd *cmd, const char *prefix)
{
    size_t len = strlen(prefix);
    if (cli_cmd_hidden(cmd))
        return false;
    return len == 0 || (strncmp(cmd->path, prefix, len) == 0 && cmd->path[len] == ' ');
}

/* "office add, office list, ..." for the group "admin". */
static const char *group_members(const char *prefix, char *buf, size_t cap)
{
    size_t len = strlen(prefix);
    buf[0] = '\0';
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (!in_group(&commands[i], prefix))
            continue;
        size_t used = strlen(buf);
        snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", commands[i].path + len + 1);
    }
    return buf;
}

/* Help text as one line for JSON: the line breaks and indents that align it
 * for people become single spaces. */
static const char *help_line(const char *text, char *buf, size_t cap)
{
    size_t o = 0;
    for (const char *p = text; *p != '\0' && o + 1 < cap; p++) {
        if (*p == '\n') {
            while (p[1] == ' ')
                p++;
            buf[o++] = ' ';
        } else {
            buf[o++] = *p;
        }
    }
    buf[o] = '\0';
    return buf;
}

/* JSON help: every flag of opts as a row of the table key. */
static void help_json_flags(const char *key, const struct cli_opt *opts)
{
    struct out_table *t = out_table_begin(key, NULL);
    for (size_t i = 0; opts != NULL && opts[i].name != NULL; i++) {
        char help[512];
        const struct out_field f[] = {
            OUT_S("name", NULL, opts[i].name),
            {.key = "short", .type = OUT_NSTR, .s = short_flag_of(opts[i].name)},
            {.key = "value", .type = OUT_NSTR, .s = opts[i].arg},
            OUT_S("help", NULL, help_line(opts[i].help, help, sizeof(help))),
            OUT_B("required", NULL, opts[i].required),
            OUT_B("repeatable", NULL, opts[i].repeat),
        };
        out_table_row(t, f, ARRAY_SIZE(f));
    }
    out_table_end(t);
}

/* folio --help --json: the commands (of a group) and the global flags. */
static void help_json_main(const char *prefix)
{
    struct out_table *t = out_table_begin("commands", NULL);
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (!in_group(&commands[i], prefix))
            continue;
        const struct out_field f[] = {
            OUT_S("command", NULL, commands[i].path),
            OUT_S("arguments", NULL, commands[i].args),
            OUT_S("summary", NULL, commands[i].summary),
        };
        out_table_row(t, f, ARRAY_SIZE(f));
    }
    out_table_end(t);
    help_json_flags("global_flags", global_opts);
}

/* folio --help, or the help of a group of commands ("admin user"). */
void print_main_help(const char *prefix)
{
    if (out_json()) {
        help_json_main(prefix);
        return;
    }
    out_text("usage: folio [--context NAME] [--server HOST[:PORT]] [--json] %s%sCOMMAND [ARGS]\n\n"
             "folio talks to a foliod server: log in once, then run commands as that user.\n\n"
             "commands:\n",
             prefix, prefix[0] ? " " : "");
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (!in_group(&commands[i], prefix))
            continue;
        char left[64];
        snprintf(left, sizeof(left), "%s%s%s", commands[i].path, commands[i].args[0] ? " " : "",
                 commands[i].args);
        /* A long name takes its own line, so the summaries stay aligned. */
        if (strlen(left) > 26)
            out_text("  %s\n  %-26s %s\n", left, "", commands[i].summary);
        else
            out_text("  %-26s %s\n", left, commands[i].summary);
    }
    out_text("\nglobal flags (before or after the command):\n");
    print_opts(global_opts);
    out_text("  %-19s %s\n", "--version", "print the version");
    out_text("\nThe connection is TLS. folio login shows a new server's certificate\n"
             "fingerprint and remembers it once trusted (folio login --help); every\n"
             "command then refuses a server presenting another certificate. --ca\n"
             "verifies the server against a certificate authority instead.\n"
             "\nexit status: 0 done, 1 to 5 as 'folio help exit-codes' lists.\n"
             "Run 'folio help COMMAND' or 'folio COMMAND --help' for the flags of a command.\n");
}

void print_cmd_help(const struct cli_cmd *cmd)
{
    if (out_json()) {
        char about[2048];
        const struct out_field f[] = {
            OUT_S("command", NULL, cmd->path),
            OUT_S("arguments", NULL, cmd->args),
            OUT_S("summary", NULL, cmd->summary),
            {.key = "about",
             .type = OUT_NSTR,
             .s = cmd->about != NULL ? help_line(cmd->about, about, sizeof(about)) : NULL},
        };
        out_fields(f, ARRAY_SIZE(f));
        help_json_flags("flags", cmd->opts);
        help_json_flags("global_flags", global_opts);
        return;
    }
    out_text("usage: folio [--context NAME] [--server HOST[:PORT]] [--json] ");
    print_synopsis(cmd);
    out_text("\n\n%c%s.\n", toupper((unsigned char)cmd->summary[0]), cmd->summary + 1);
    if (cmd->about != NULL)
        out_text("\n%s", cmd->about);
    if (cmd->opts != NULL && cmd->opts[0].name != NULL) {
        out_text("\nflags:\n");
        print_opts(cmd->opts);
    }
    out_text("\nglobal flags:\n");
    print_opts(global_opts);
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* Splits "--name=value", and spells a short flag ("-j") long. Returns
 * false when the name does not fit. */
static bool split_flag(const char *arg, char name[64], const char **value)
{
    const char *long_name = long_flag_of(arg);
    if (long_name != NULL) {
        snprintf(name, 64, "%s", long_name);
        *value = NULL;
        return true;
    }
    const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
    size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
    if (len >= 64)
        return false;
    memcpy(name, arg, len);
    name[len] = '\0';
    *value = eq != NULL ? eq + 1 : NULL;
    return true;
}

/* The value of a flag: after "=", or the next argument. Values that look
 * like flags are refused so a forgotten value is not silently a flag; pass
 * them as --flag=VALUE. */
static int flag_value(struct cli *cli, const char *name, const char *inline_value, int argc,
                      char **argv, int *i, const char **out)
{
    if (inline_value != NULL) {
        *out = inline_value;
        return CLI_OK;
    }
    if (*i + 1 >= argc || strncmp(argv[*i + 1], "--", 2) == 0)
        return cli_usage(cli, "%s needs a value", name);
    *out = argv[++*i];
    return CLI_OK;
}

/* A global flag that takes a value, into *slot. */
static int global_value(struct cli *cli, const char *name, const char *inline_value, int argc,
                        char **argv, int *i, const char **slot)
{
    if (*slot != NULL)
        return cli_usage(cli, "%s given twice", name);
    return flag_value(cli, name, inline_value, argc, argv, i, slot);
}

/* The global flags, accepted before and after the command. Returns 1 when
 * arg is not one of them. */
static int global_flag(struct cli *cli, const char *name, const char *inline_value, int argc,
                       char **argv, int *i)
{
    if (strcmp(name, "--json") == 0 || strcmp(name, "--plaintext") == 0) {
        if (inline_value != NULL)
            return cli_usage(cli, "%s takes no value", name);
        /* --json was already seen by main(). */
        cli->plaintext_flag |= strcmp(name, "--plaintext") == 0;
        return CLI_OK;
    }
    if (strcmp(name, "--server") == 0)
        return global_value(cli, name, inline_value, argc, argv, i, &cli->server_flag);
    if (strcmp(name, "--context") == 0)
        return global_value(cli, name, inline_value, argc, argv, i, &cli->context_flag);
    if (strcmp(name, "--ca") == 0)
        return global_value(cli, name, inline_value, argc, argv, i, &cli->ca_flag);
    if (strcmp(name, "--tls-cert") == 0)
        return global_value(cli, name, inline_value, argc, argv, i, &cli->tls_cert_flag);
    if (strcmp(name, "--tls-key") == 0)
        return global_value(cli, name, inline_value, argc, argv, i, &cli->tls_key_flag);
    return 1;
}

/* "unknown flag NAME", and the closest flag of cmd (NULL: global flags
 * only) when one is close. */
static int unknown_flag(const struct cli *cli, const struct cli_cmd *cmd, const char *name)
{
    /* client update's whole-list flags were renamed: the old spelling would
     * now read as adding one element, so it is refused with the new ones. */
    static const struct {
        const char *flag, *list;
    } renamed[] = {{"--tag", "tag"}, {"--phone", "phone"}, {"--email", "email"}};
    for (size_t k = 0; cmd != NULL && strcmp(cmd->path, "client update") == 0 &&
                       k < sizeof(renamed) / sizeof(renamed[0]);
         k++) {
        if (strcmp(name, renamed[k].flag) == 0)
            return cli_usage(cli,
                             "client update %s is gone: use --add-%s or --remove-%s for one, "
                             "--set-%ss for the whole list",
                             name, renamed[k].list, renamed[k].list, renamed[k].list);
    }
    struct suggest s;
    suggest_begin(&s, name);
    for (size_t k = 0; global_opts[k].name != NULL; k++)
        suggest_offer(&s, global_opts[k].name);
    for (size_t k = 0; cmd != NULL && cmd->opts != NULL && cmd->opts[k].name != NULL; k++)
        suggest_offer(&s, cmd->opts[k].name);
    if (s.best[0] != '\0')
        return cli_usage(cli, "unknown flag %s; did you mean %s?", name, s.best);
    return cli_usage(cli, "unknown flag %s", name);
}

static int parse_cmd_args(struct cli *cli, int argc, char **argv, int i)
{
    const struct cli_cmd *cmd = cli->cmd;
    size_t nargs = 0;
    bool only_args = false;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_args && strcmp(arg, "--") == 0) {
            only_args = true;
            continue;
        }
        if (only_args || arg[0] != '-' || arg[1] == '\0') {
            if (nargs == cmd->nargs + cmd->nargs_opt)
                return cli_usage(cli, "unexpected argument \"%.40s\"", arg);
            cli->args[nargs++] = arg;
            continue;
        }
        char name[64];
        const char *inline_value;
        if (!split_flag(arg, name, &inline_value))
            return cli_usage(cli, "unknown flag %.40s", arg);
        int rc = global_flag(cli, name, inline_value, argc, argv, &i);
        if (rc != 1) {
            if (rc != CLI_OK)
                return rc;
            continue;
        }
        size_t k = 0;
        while (cmd->opts != NULL && cmd->opts[k].name != NULL && strcmp(cmd->opts[k].name, name))
            k++;
        if ((cmd->opts == NULL || cmd->opts[k].name == NULL) && long_flag_of(arg) != NULL)
            return cli_usage(cli, "%s (%s) is not a flag of 'folio %s'", arg, name, cmd->path);
        if (cmd->opts == NULL || cmd->opts[k].name == NULL)
            return unknown_flag(cli, cmd, name);
        if (cli->opt_values[k] != NULL && !cmd->opts[k].repeat)
            return cli_usage(cli, "%s given twice", name);
        if (cmd->opts[k].repeat) {
            const char *value;
            rc = flag_value(cli, name, inline_value, argc, argv, &i, &value);
            if (rc != CLI_OK)
                return rc;
            if (cli->n_repeats == CLI_MAX_REPEATS)
                return cli_usage(cli, "more than %d values of repeated flags", CLI_MAX_REPEATS);
            cli->repeats[cli->n_repeats] = value;
            cli->repeat_opt[cli->n_repeats++] = k;
            if (cli->opt_values[k] == NULL)
                cli->opt_values[k] = value;
        } else if (cmd->opts[k].arg == NULL) {
            if (inline_value != NULL)
                return cli_usage(cli, "%s takes no value", name);
            cli->opt_values[k] = "";
        } else {
            rc = flag_value(cli, name, inline_value, argc, argv, &i, &cli->opt_values[k]);
            if (rc != CLI_OK)
                return rc;
        }
    }
    if (nargs < cmd->nargs)
        return cli_usage(cli, "missing %s", cmd->args);
    for (size_t k = 0; cmd->opts != NULL && cmd->opts[k].name != NULL; k++)
        if (cmd->opts[k].required && cli->opt_values[k] == NULL)
            return cli_usage(cli, "%s %s is required", cmd->opts[k].name, cmd->opts[k].arg);
    return CLI_OK;
}

/* How many leading words of argv name a command or a group of commands:
 * sets *cmd for a whole command, else returns the length of the longest
 * group prefix (0: nothing known). */
static size_t match_command(int argc, char **argv, int i, const struct cli_cmd **cmd)
{
    size_t best = 0;
    *cmd = NULL;
    for (size_t c = 0; c < COMMAND_COUNT; c++) {
        char words[WORDS_MAX][32];
        size_t n = path_words(commands[c].path, words);
        size_t k = 0;
        while (k < n && i + (int)k < argc && strcmp(argv[i + (int)k], words[k]) == 0)
            k++;
        if (k == n) {
            *cmd = &commands[c];
            return n;
        }
        if (k > best)
            best = k;
    }
    return best;
}

/* "unknown command WORD", and the closest command word that may follow
 * the words matched so far (prefix, `words` of them) when one is close. */
static int unknown_command(const struct cli *cli, const char *prefix, size_t words,
                           const char *typed)
{
    struct suggest s;
    suggest_begin(&s, typed);
    for (size_t c = 0; c < COMMAND_COUNT; c++) {
        char path[WORDS_MAX][32];
        size_t n = path_words(commands[c].path, path);
        if (n > words && !cli_cmd_hidden(&commands[c]) &&
            (words == 0 || in_group(&commands[c], prefix)))
            suggest_offer(&s, path[words]);
    }
    if (s.best[0] != '\0')
        return cli_usage(cli, "unknown command \"%.40s\"; did you mean \"%s%s%s\"?", typed, prefix,
                         prefix[0] ? " " : "", s.best);
    return cli_usage(cli, "unknown command \"%.40s\"", typed);
}

static int run(int argc, char **argv)
{
    struct cli cli;
    memset(&cli, 0, sizeof(cli));
    for (int k = 1; k < argc; k++)
        if (strlen(argv[k]) > CLI_ARG_MAX)
            return cli_usage(&cli, "an argument is longer than %d bytes", CLI_ARG_MAX);

    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        char name[64];
        const char *inline_value;
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (is_help(argv[i])) {
            print_main_help("");
            return CLI_OK;
        }
        if (strcmp(argv[i], "--version") == 0) {
            const struct out_field f[] = {OUT_S("version", NULL, FOLIO_VERSION)};
            if (out_json())
                out_fields(f, 1);
            else
                out_text("folio %s\n", FOLIO_VERSION);
            return CLI_OK;
        }
        if (!split_flag(argv[i], name, &inline_value))
            return cli_usage(&cli, "unknown flag %.40s", argv[i]);
        int rc = global_flag(&cli, name, inline_value, argc, argv, &i);
        if (rc == 1)
            return unknown_flag(&cli, NULL, name);
        if (rc != CLI_OK)
            return rc;
    }
    if (i >= argc)
        return cli_usage(&cli, "no command given");

    size_t words = match_command(argc, argv, i, &cli.cmd);
    if (cli.cmd == NULL) {
        char prefix[64] = "";
        char list[256];
        for (size_t k = 0; k < words; k++)
            snprintf(prefix + strlen(prefix), sizeof(prefix) - strlen(prefix), "%s%s", k ? " " : "",
                     argv[i + (int)k]);
        int next = i + (int)words;
        if (words > 0 && next < argc && is_help(argv[next])) {
            print_main_help(prefix);
            return CLI_OK;
        }
        if (words > 0 && next >= argc)
            return cli_usage(&cli, "'folio %s' needs a subcommand: %s", prefix,
                             group_members(prefix, list, sizeof(list)));
        return unknown_command(&cli, prefix, words, argv[next < argc ? next : i]);
    }
    i += (int)words;
    for (int k = i; k < argc && strcmp(argv[k], "--") != 0; k++) {
        if (is_help(argv[k])) {
            print_cmd_help(cli.cmd);
            return CLI_OK;
        }
    }
    int rc = parse_cmd_args(&cli, argc, argv, i);
    if (rc == CLI_OK)
        rc = cli.cmd->run(&cli);
    cli_close(&cli);
    return rc;
}

int main(int argc, char **argv)
{
    /* Errors found while parsing are already JSON if --json is anywhere. */
    bool json = false;
    for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++)
        if (strcmp(argv[k], "--json") == 0 || strcmp(argv[k], "-j") == 0)
            json = true;
    out_init(json);
    int rc = run(argc, argv);
    if (out_finish(rc == CLI_OK) < 0 && rc == CLI_OK) {
        out_error("INTERNAL", false, "cannot write the output");
        rc = CLI_REFUSED;
    }
    return rc;
}
