/* help_man.c - folio's manual pages in roff, read from the command table:
 * folio(1) holds the commands of one word, the global flags, exit status,
 * environment and files; folio-GROUP(1) holds every command of a group
 * ("client add", "client show", ...). See help.h.
 *
 * Table text is written escaped, so a dash is a dash (\-, what man shows
 * and grep finds as "-") and no line of it can be taken for a request. The
 * pages carry no date: built twice, they are the same bytes. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "help.h"
#include "output.h"

/* Table text as roff. Help text breaks lines and indents them for an
 * 80-column terminal; with fold set those breaks become single spaces and
 * roff fills the paragraph itself. Without it a line break stays one, and
 * a line that starts with spaces (a list in a command's about) breaks and
 * keeps its indent, as --help shows it. */
static void roff(const char *s, bool fold)
{
    bool line_start = true;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '\n' && fold) {
            while (p[1] == ' ')
                p++;
            out_text(" ");
            continue;
        }
        if (line_start && (*p == '.' || *p == '\''))
            out_text("\\&");
        line_start = *p == '\n';
        if (*p == '\\')
            out_text("\\e");
        else if (*p == '-')
            out_text("\\-");
        else
            out_text("%c", *p);
    }
}

/* "\fB--name\fR \fIVALUE\fR", with the short spelling first if asked and
 * there is one. The space before the value does not break a line. */
static void roff_flag(const struct cli_opt *o, bool with_short)
{
    const char *letter = with_short ? cli_short_flag(o->name) : NULL;
    if (letter != NULL) {
        out_text("\\fB");
        roff(letter, true);
        out_text("\\fR, ");
    }
    out_text("\\fB");
    roff(o->name, true);
    out_text("\\fR");
    if (o->arg != NULL) {
        out_text("\\ \\fI");
        roff(o->arg, true);
        out_text("\\fR");
    }
}

static void roff_flags(const struct cli_opt *opts)
{
    for (size_t i = 0; opts != NULL && opts[i].name != NULL; i++) {
        out_text(".TP\n");
        roff_flag(&opts[i], true);
        out_text("\n");
        roff(opts[i].help, true);
        out_text("%s\n", opts[i].required ? " (required)" : "");
    }
}

/* "folio client update CLIENT [--name NAME] ...", as one filled line. */
static void roff_synopsis(const struct cli_cmd *cmd)
{
    out_text("\\fBfolio ");
    roff(cmd->path, true);
    out_text("\\fR");
    if (cmd->args[0] != '\0') {
        out_text(" \\fI");
        roff(cmd->args, true);
        out_text("\\fR");
    }
    for (size_t i = 0; cmd->opts != NULL && cmd->opts[i].name != NULL; i++) {
        const struct cli_opt *o = &cmd->opts[i];
        out_text(" %s", o->required ? "" : "[");
        roff_flag(o, false);
        out_text("%s%s", o->required ? "" : "]", o->repeat ? "..." : "");
    }
    out_text("\n");
}

static void roff_command(const struct cli_cmd *cmd)
{
    out_text(".SS \"folio ");
    roff(cmd->path, true);
    out_text("\"\n.PP\n");
    roff_synopsis(cmd);
    out_text(".PP\n%c", toupper((unsigned char)cmd->summary[0]));
    roff(cmd->summary + 1, true);
    out_text(".\n");
    if (cmd->about != NULL) {
        out_text(".PP\n");
        roff(cmd->about, false);
        if (cmd->about[strlen(cmd->about) - 1] != '\n')
            out_text("\n");
    }
    roff_flags(cmd->opts);
}

static bool in_group(const struct cli_cmd *cmd, const char *group)
{
    size_t len = strlen(group);
    return !cli_cmd_hidden(cmd) && strncmp(cmd->path, group, len) == 0 && cmd->path[len] == ' ';
}

/* The groups in table order, each once: calls fn with each first word. */
static void each_group(void (*fn)(const char *group, const struct cli_cmd *first))
{
    size_t n;
    const struct cli_cmd *cmds = cli_commands(&n);
    for (size_t i = 0; i < n; i++) {
        size_t len = strcspn(cmds[i].path, " ");
        if (cli_cmd_hidden(&cmds[i]) || cmds[i].path[len] == '\0')
            continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strncmp(cmds[k].path, cmds[i].path, len + 1) == 0;
        if (!seen) {
            char group[64];
            snprintf(group, sizeof(group), "%.*s", (int)len, cmds[i].path);
            fn(group, &cmds[i]);
        }
    }
}

/* The words after GROUP of each of its commands, lead before the first and
 * ", " between the others. */
static void group_words(const char *group, const char *lead)
{
    size_t n;
    const struct cli_cmd *cmds = cli_commands(&n);
    const char *sep = lead;
    for (size_t i = 0; i < n; i++) {
        if (!in_group(&cmds[i], group))
            continue;
        out_text("%s", sep);
        roff(cmds[i].path + strlen(group) + 1, true);
        sep = ", ";
    }
}

static void group_entry(const char *group, const struct cli_cmd *first)
{
    (void)first;
    out_text(".TP\n\\fBfolio %s\\fR ", group);
    group_words(group, "");
    out_text("\nSee\n.BR folio\\-");
    roff(group, true);
    out_text(" (1).\n");
}

static void see_also_entry(const char *group, const struct cli_cmd *first)
{
    (void)first;
    out_text(".BR folio\\-");
    roff(group, true);
    out_text(" (1),\n");
}

static void roff_exit_status(void)
{
    size_t n;
    const struct cli_exit_code *codes = cli_exit_codes(&n);
    out_text(".SH EXIT STATUS\n");
    for (size_t i = 0; i < n; i++) {
        out_text(".TP\n.B %d\n", codes[i].code);
        roff(codes[i].meaning, true);
        out_text(".\n");
        if (codes[i].json[0] != '\0') {
            out_text("With \\fB\\-\\-json\\fR, error.code is ");
            roff(codes[i].json, true);
            out_text(".\n");
        }
    }
}

static void roff_global_flags(void)
{
    out_text(".SH GLOBAL FLAGS\n"
             "They go before or after the command. A flag's value follows it, or is\n"
             "joined to it with = (\\fB\\-\\-name=\\fR\\fIVALUE\\fR); join a value that\n"
             "starts with \\-, which apart folio may take for a flag.\n"
             "\\fB\\-\\-\\fR ends the flags: what follows is arguments.\n");
    roff_flags(cli_global_opts());
    out_text(".TP\n\\fB\\-\\-version\\fR\nprint the version\n");
}

static void roff_header(const char *name, const char *upper)
{
    out_text(".\\\" Generated by folio help --man from folio's command table: edit that.\n"
             ".TH %s 1 \"\" \"folio %s\" \"User Commands\"\n.nh\n.ad l\n.SH NAME\n",
             upper, FOLIO_VERSION);
    roff(name, true);
}

static void man_folio(void)
{
    roff_header("folio", "FOLIO");
    out_text(" \\- the command line client of foliod, a client-portfolio server\n"
             ".SH SYNOPSIS\n"
             "\\fBfolio\\fR [\\fIGLOBAL FLAGS\\fR] \\fICOMMAND\\fR [\\fIARGUMENTS\\fR] "
             "[\\fIFLAGS\\fR]\n"
             ".br\n"
             "\\fBfolio help\\fR [\\fICOMMAND\\fR...]\n"
             ".SH DESCRIPTION\n"
             "folio talks to a foliod server: log in once (\\fBfolio login\\fR), then run\n"
             "commands as that user. It holds no business rules: the server decides who\n"
             "may do what, and folio reports the answer. Every command takes\n"
             "\\fB\\-\\-json\\fR and then prints exactly one JSON document on standard\n"
             "output; errors go to standard error.\n"
             ".PP\n"
             "The connection is TLS. \\fBfolio login\\fR shows a new server's certificate\n"
             "fingerprint and remembers it once trusted; every command then refuses a\n"
             "server presenting another certificate. \\fB\\-\\-ca\\fR verifies the server\n"
             "against a certificate authority instead.\n"
             ".SH COMMANDS\n");
    size_t n;
    const struct cli_cmd *cmds = cli_commands(&n);
    for (size_t i = 0; i < n; i++)
        if (!cli_cmd_hidden(&cmds[i]) && strchr(cmds[i].path, ' ') == NULL)
            roff_command(&cmds[i]);
    out_text(".SS \"Command groups\"\n");
    each_group(group_entry);
    roff_global_flags();
    roff_exit_status();
    out_text(
        ".SH ENVIRONMENT\n"
        ".TP\n.B FOLIO_SERVER\n"
        "the server, HOST[:PORT] (port 7070 when left out), when\n"
        "\\fB\\-\\-server\\fR is not given; else the context's, else " FOLIO_DEFAULT_SERVER ".\n"
        ".TP\n.B FOLIO_CONTEXT\n"
        "the context to use, when \\fB\\-\\-context\\fR is not given; else the one\n"
        "\\fBfolio context use\\fR chose, else \\(lqdefault\\(rq.\n"
        ".TP\n.B FOLIO_CA\n"
        "a CA file (PEM) to verify the server with, when \\fB\\-\\-ca\\fR is not given.\n"
        ".TP\n.B FOLIO_PLAINTEXT\n"
        "1: no TLS, as \\fB\\-\\-plaintext\\fR (loopback servers only); 0: TLS.\n"
        ".TP\n.B FOLIO_TLS_CERT\n"
        "a client certificate (PEM chain), when \\fB\\-\\-tls\\-cert\\fR is not given.\n"
        ".TP\n.B FOLIO_TLS_KEY\n"
        "its key, when \\fB\\-\\-tls\\-key\\fR is not given.\n"
        ".TP\n.B FOLIO_CONFIG\n"
        "the directory of the contexts and the trusted certificates; default\n"
        "\\fI$XDG_CONFIG_HOME/folio\\fR, else \\fI$HOME/.config/folio\\fR.\n"
        ".TP\n.B FOLIO_BACKUP_PASSPHRASE\n"
        "the passphrase of \\fBfolio admin backup\\fR, when \\fB\\-\\-passphrase\\-file\\fR is\n"
        "not given; else it is asked for at the terminal.\n"
        ".TP\n.B XDG_CONFIG_HOME\\fR, \\fBHOME\n"
        "where FOLIO_CONFIG is when it is not set; a relative XDG_CONFIG_HOME is\n"
        "ignored, and without HOME the home directory is the password database's.\n"
        ".PP\n"
        "A flag wins over its variable; an empty variable is not set.\n"
        ".SH FILES\n"
        ".TP\n.I $FOLIO_CONFIG/session\\fR, \\fI$FOLIO_CONFIG/session.NAME\n"
        "the context \\(lqdefault\\(rq and the context NAME: server, user, the\n"
        "certificate the session was issued over and its token (mode 0600).\n"
        "\\fBfolio logout\\fR ends the session and keeps the server and user.\n"
        ".TP\n.I $FOLIO_CONFIG/current\\-context\n"
        "the context \\fBfolio context use\\fR chose.\n"
        ".TP\n.I $FOLIO_CONFIG/known\\-servers\n"
        "the trusted certificates, \"SERVER FINGERPRINT\" lines (mode 0600).\n"
        ".SH SEE ALSO\n");
    each_group(see_also_entry);
    out_text(".BR foliod (8)\n");
}

static void man_group(const char *group)
{
    char name[80], upper[80];
    snprintf(name, sizeof(name), "folio-%s", group);
    for (size_t i = 0; i < sizeof(upper); i++)
        if ((upper[i] = (char)toupper((unsigned char)name[i])) == '\0')
            break;
    roff_header(name, upper);
    size_t n;
    const struct cli_cmd *cmds = cli_commands(&n);
    out_text(" \\- folio %s:", group);
    group_words(group, " ");
    out_text("\n.SH SYNOPSIS\n");
    const char *sep = "";
    for (size_t i = 0; i < n; i++) {
        if (!in_group(&cmds[i], group))
            continue;
        out_text("%s", sep);
        roff_synopsis(&cmds[i]);
        sep = ".br\n";
    }
    out_text(".SH DESCRIPTION\n"
             "The global flags, the environment and the files are those of\n"
             ".BR folio (1).\n"
             ".SH COMMANDS\n");
    for (size_t i = 0; i < n; i++)
        if (in_group(&cmds[i], group))
            roff_command(&cmds[i]);
    roff_global_flags();
    roff_exit_status();
    out_text(".SH SEE ALSO\n.BR folio (1)\n");
}

void help_man(const char *group)
{
    if (group == NULL)
        man_folio();
    else
        man_group(group);
}
