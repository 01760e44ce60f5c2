/* completion.c - folio completion SHELL and folio __complete; see help.h.
 *
 * A script is two parts: the data, written here from the command table
 * (every command path, each command's flags and arguments, the global
 * flags), and the logic, one fixed text per shell below, which walks the
 * words typed so far against that data. Both are printed together, so a
 * script always matches the folio that printed it.
 *
 * In the data a flag is "NAME" when it takes nothing and "NAME:KIND" when
 * it takes a value; an argument is its KIND. KIND says how to complete the
 * value: client (an id from `folio __complete clients`), file, shell,
 * command (a command path, for folio help) or text (nothing to offer). */
#include <stdio.h>
#include <string.h>

#include "array_size.h"
#include "folioclient_portfolio.h"
#include "help.h"
#include "output.h"

/* Completion runs while a person waits at the prompt. */
#define COMPLETE_TIMEOUT_MS 2000
#define COMPLETE_CLIENTS    20

enum shell { SHELL_BASH, SHELL_ZSH, SHELL_FISH };

static const char *value_kind(const char *flag, const char *value)
{
    if (strcmp(flag, "--client") == 0 || strcmp(value, "CLIENT") == 0)
        return "client";
    if (strcmp(value, "FILE") == 0)
        return "file";
    if (strcmp(value, "SHELL") == 0)
        return "shell";
    if (strcmp(value, "COMMAND") == 0)
        return "command";
    return "text";
}

/* Every token of a shell word list is quoted alike: single quotes, which
 * no flag, kind or command path contains. */
static void flag_token(const char *name, const struct cli_opt *o)
{
    if (o->arg == NULL)
        out_text(" '%s'", name);
    else
        out_text(" '%s:%s'", name, value_kind(o->name, o->arg));
}

static void flag_tokens(const struct cli_opt *opts)
{
    for (size_t i = 0; opts != NULL && opts[i].name != NULL; i++) {
        flag_token(opts[i].name, &opts[i]);
        const char *letter = cli_short_flag(opts[i].name);
        if (letter != NULL)
            flag_token(letter, &opts[i]);
    }
}

/* One kind per argument the command takes, optional ones included; a
 * usage word such as "[COMMAND...]" gives its kind to the slots after it. */
static void arg_tokens(const struct cli_cmd *cmd)
{
    const char *p = cmd->args;
    char word[64] = "";
    for (size_t slot = 0; slot < cmd->nargs + cmd->nargs_opt; slot++) {
        p += strspn(p, " [");
        size_t len = strcspn(p, " []");
        if (len > 0 && len < sizeof(word)) {
            snprintf(word, sizeof(word), "%.*s", (int)len, p);
            char *dots = strstr(word, "...");
            if (dots != NULL)
                *dots = '\0';
        }
        p += len;
        p += strspn(p, ".]");
        out_text(" '%s'", value_kind("", word));
    }
}

static void data_commands(enum shell shell)
{
    size_t n;
    const struct cli_cmd *cmds = cli_commands(&n);
    out_text(shell == SHELL_FISH ? "set -g __folio_commands" : "_folio_commands=(");
    for (size_t i = 0; i < n; i++)
        if (!cli_cmd_hidden(&cmds[i]))
            out_text(" '%s'", cmds[i].path);
    out_text(shell == SHELL_FISH ? "\nset -g __folio_global" : ")\n_folio_global=(");
    flag_tokens(cli_global_opts());
    out_text(shell == SHELL_FISH ? "\n\n" : ")\n\n");
}

/* The flags and argument kinds of each command, by path. */
static void data_spec(enum shell shell)
{
    size_t n;
    const struct cli_cmd *cmds = cli_commands(&n);
    if (shell == SHELL_FISH)
        out_text("function __folio_spec\n    set -g __folio_flags\n    set -g __folio_args\n"
                 "    switch $argv[1]\n");
    else
        out_text("_folio_spec() {\n    _folio_flags=()\n    _folio_args=()\n    case $1 in\n");
    for (size_t i = 0; i < n; i++) {
        if (cli_cmd_hidden(&cmds[i]))
            continue;
        if (shell == SHELL_FISH) {
            out_text("        case '%s'\n            set -g __folio_flags", cmds[i].path);
            flag_tokens(cmds[i].opts);
            out_text("\n            set -g __folio_args");
            arg_tokens(&cmds[i]);
            out_text("\n");
        } else {
            out_text("    '%s')\n        _folio_flags=(", cmds[i].path);
            flag_tokens(cmds[i].opts);
            out_text(")\n        _folio_args=(");
            arg_tokens(&cmds[i]);
            out_text(")\n        ;;\n");
        }
    }
    out_text(shell == SHELL_FISH ? "    end\nend\n\n" : "    esac\n}\n\n");
}

/* bash and zsh share their helper functions and the walk over the words
 * typed so far; both call the command path cpath, as zsh ties $path to
 * $PATH. */
static const char sh_helpers[] =
    "# _folio_next PREFIX: the words that may follow PREFIX in a command path,\n"
    "# each once.\n"
    "_folio_next() {\n"
    "    local p seen=' '\n"
    "    for p in \"${_folio_commands[@]}\"; do\n"
    "        if [[ -n $1 && $p != \"$1 \"* ]]; then\n"
    "            continue\n"
    "        fi\n"
    "        p=${p#\"$1 \"}\n"
    "        p=${p%% *}\n"
    "        [[ $seen == *\" $p \"* ]] && continue\n"
    "        seen+=\"$p \"\n"
    "        printf '%s\\n' \"$p\"\n"
    "    done\n"
    "}\n"
    "\n"
    "# _folio_kind FLAG: what FLAG takes, for the command or globally; nothing\n"
    "# for a switch or an unknown flag.\n"
    "_folio_kind() {\n"
    "    local t\n"
    "    for t in \"${_folio_flags[@]}\" \"${_folio_global[@]}\"; do\n"
    "        if [[ $t == \"$1:\"* ]]; then\n"
    "            printf '%s' \"${t#*:}\"\n"
    "            return\n"
    "        fi\n"
    "    done\n"
    "}\n"
    "\n";

static const char sh_walk[] = "        if [[ -n $expect ]]; then\n"
                              "            expect=\n"
                              "            continue\n"
                              "        fi\n"
                              "        if [[ -z $only_args && $w == -?* ]]; then\n"
                              "            if [[ -n $cmd && $w == -- ]]; then\n"
                              "                only_args=1\n"
                              "            elif [[ $w != *=* ]]; then\n"
                              "                expect=$(_folio_kind \"$w\")\n"
                              "            fi\n"
                              "            continue\n"
                              "        fi\n"
                              "        if [[ -z $cmd ]]; then\n"
                              "            cpath=${cpath:+$cpath }$w\n"
                              "            if _folio_is_command \"$cpath\"; then\n"
                              "                cmd=$cpath\n"
                              "                _folio_spec \"$cmd\"\n"
                              "            fi\n"
                              "        elif ((nargs == 0)) && _folio_is_command \"$cmd $w\"; then\n"
                              "            cmd=\"$cmd $w\"\n"
                              "            _folio_spec \"$cmd\"\n"
                              "        else\n"
                              "            args+=(\"$w\")\n"
                              "            ((nargs++))\n"
                              "        fi\n"
                              "    done\n";

static const char bash_is_command[] = "_folio_is_command() {\n"
                                      "    local p\n"
                                      "    for p in \"${_folio_commands[@]}\"; do\n"
                                      "        [[ $p == \"$1\" ]] && return 0\n"
                                      "    done\n"
                                      "    return 1\n"
                                      "}\n"
                                      "\n";

static const char bash_main[] =
    "_folio() {\n"
    "    local cur=${COMP_WORDS[COMP_CWORD]} prog=${COMP_WORDS[0]}\n"
    "    local cpath= cmd= expect= only_args= w i t nargs=0 kind= words=\n"
    "    local -a args=() _folio_flags=() _folio_args=()\n"
    "    COMPREPLY=()\n"
    "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
    "        w=${COMP_WORDS[i]}\n"
    "        # bash splits --flag=value at the =.\n"
    "        [[ $w == = ]] && continue\n";

static const char bash_end[] =
    "    [[ $cur == = ]] && cur=\n"
    "    if [[ -z $expect && -z $only_args && $cur == -* ]]; then\n"
    "        for t in \"${_folio_flags[@]}\" \"${_folio_global[@]}\"; do\n"
    "            words+=\" ${t%%:*}\"\n"
    "        done\n"
    "        COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
    "        return\n"
    "    fi\n"
    "    if [[ -z $expect && -z $cmd ]]; then\n"
    "        COMPREPLY=($(compgen -W \"$(_folio_next \"$cpath\")\" -- \"$cur\"))\n"
    "        return\n"
    "    fi\n"
    "    kind=$expect\n"
    "    if [[ -z $kind ]]; then\n"
    "        kind=${_folio_args[nargs]}\n"
    "        ((nargs == 0)) && words=$(_folio_next \"$cmd\")\n"
    "    fi\n"
    "    case $kind in\n"
    "    client) words+=\" $(\"$prog\" __complete clients 2>/dev/null | cut -f1)\" ;;\n"
    "    shell) words+=' bash zsh fish' ;;\n"
    "    command)\n"
    "        words+=\" $(_folio_next \"${args[*]}\")\"\n"
    "        ((nargs == 0)) && words+=' exit-codes'\n"
    "        ;;\n"
    "    file)\n"
    "        compopt -o filenames 2>/dev/null\n"
    "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
    "        ;;\n"
    "    esac\n"
    "    COMPREPLY+=($(compgen -W \"$words\" -- \"$cur\"))\n"
    "}\n"
    "\n"
    "complete -F _folio folio\n";

static const char zsh_is_command[] = "_folio_is_command() {\n"
                                     "    (( ${_folio_commands[(Ie)$1]} ))\n"
                                     "}\n"
                                     "\n";

static const char zsh_main[] = "_folio() {\n"
                               "    local cur=$words[CURRENT] prog=$words[1]\n"
                               "    local cpath= cmd= expect= only_args= w t kind= line\n"
                               "    integer i nargs=0\n"
                               "    local -a args cands ids descr _folio_flags _folio_args\n"
                               "    for ((i = 2; i < CURRENT; i++)); do\n"
                               "        w=$words[i]\n";

static const char zsh_end[] =
    "    if [[ -z $expect && -z $only_args && $cur == -* ]]; then\n"
    "        for t in \"${_folio_flags[@]}\" \"${_folio_global[@]}\"; do\n"
    "            cands+=(\"${t%%:*}\")\n"
    "        done\n"
    "        compadd -a cands\n"
    "        return\n"
    "    fi\n"
    "    if [[ -z $expect && -z $cmd ]]; then\n"
    "        cands=(${${(f)\"$(_folio_next \"$cpath\")\"}:#})\n"
    "        compadd -a cands\n"
    "        return\n"
    "    fi\n"
    "    kind=$expect\n"
    "    if [[ -z $kind ]]; then\n"
    "        kind=${_folio_args[nargs + 1]}\n"
    "        ((nargs == 0)) && cands=(${${(f)\"$(_folio_next \"$cmd\")\"}:#})\n"
    "    fi\n"
    "    case $kind in\n"
    "    client)\n"
    "        for line in ${${(f)\"$(\"$prog\" __complete clients 2>/dev/null)\"}:#}; do\n"
    "            ids+=(\"${line%%$'\\t'*}\")\n"
    "            descr+=(\"${line%%$'\\t'*}  ${line#*$'\\t'}\")\n"
    "        done\n"
    "        ((${#ids})) && compadd -d descr -a ids\n"
    "        ;;\n"
    "    shell) cands+=(bash zsh fish) ;;\n"
    "    command)\n"
    "        cands+=(${${(f)\"$(_folio_next \"${args[*]}\")\"}:#})\n"
    "        ((nargs == 0)) && cands+=(exit-codes)\n"
    "        ;;\n"
    "    file) _files ;;\n"
    "    esac\n"
    "    ((${#cands})) && compadd -a cands\n"
    "}\n"
    "\n"
    "if [[ $funcstack[1] == _folio ]]; then\n"
    "    _folio \"$@\"\n"
    "else\n"
    "    compdef _folio folio\n"
    "fi\n";
;

static const char fish_logic[] =
    "function __folio_is_command\n"
    "    contains -- $argv[1] $__folio_commands\n"
    "end\n"
    "\n"
    "# __folio_next PREFIX: the words that may follow PREFIX in a command path.\n"
    "function __folio_next\n"
    "    for p in $__folio_commands\n"
    "        if test -z \"$argv[1]\"\n"
    "            string split -f1 ' ' -- $p\n"
    "        else if string match -q -- \"$argv[1] *\" $p\n"
    "            string replace -- \"$argv[1] \" '' $p | string split -f1 ' '\n"
    "        end\n"
    "    end\n"
    "end\n"
    "\n"
    "# __folio_kind FLAG: what FLAG takes, for the command or globally; nothing\n"
    "# for a switch or an unknown flag.\n"
    "function __folio_kind\n"
    "    for t in $__folio_flags $__folio_global\n"
    "        if string match -q -- \"$argv[1]:*\" $t\n"
    "            string split -m1 -f2 : -- $t\n"
    "            return\n"
    "        end\n"
    "    end\n"
    "end\n"
    "\n"
    "function __folio_candidates\n"
    "    set -l words (commandline -opc)\n"
    "    set -l cur (commandline -ct)\n"
    "    set -l prog $words[1]\n"
    "    set -e words[1]\n"
    "    set -l cpath ''\n"
    "    set -l cmd ''\n"
    "    set -l expect ''\n"
    "    set -l only_args ''\n"
    "    set -l args\n"
    "    __folio_spec ''\n"
    "    for w in $words\n"
    "        if test -n \"$expect\"\n"
    "            set expect ''\n"
    "            continue\n"
    "        end\n"
    "        if test -z \"$only_args\"; and string match -q -- '-?*' $w\n"
    "            if test -n \"$cmd\"; and test \"$w\" = --\n"
    "                set only_args 1\n"
    "            else if not string match -q -- '*=*' $w\n"
    "                set expect (__folio_kind $w)\n"
    "            end\n"
    "            continue\n"
    "        end\n"
    "        if test -z \"$cmd\"\n"
    "            set cpath (string trim -- \"$cpath $w\")\n"
    "            if __folio_is_command $cpath\n"
    "                set cmd $cpath\n"
    "                __folio_spec $cmd\n"
    "            end\n"
    "        else if test (count $args) -eq 0; and __folio_is_command \"$cmd $w\"\n"
    "            set cmd \"$cmd $w\"\n"
    "            __folio_spec $cmd\n"
    "        else\n"
    "            set -a args $w\n"
    "        end\n"
    "    end\n"
    "    if test -z \"$expect\"; and test -z \"$only_args\"; and string match -q -- '-*' \"$cur\"\n"
    "        for t in $__folio_flags $__folio_global\n"
    "            string split -m1 -f1 : -- $t\n"
    "        end\n"
    "        return\n"
    "    end\n"
    "    if test -z \"$expect\"; and test -z \"$cmd\"\n"
    "        __folio_next \"$cpath\"\n"
    "        return\n"
    "    end\n"
    "    set -l kind $expect\n"
    "    if test -z \"$kind\"\n"
    "        set kind $__folio_args[(math (count $args) + 1)]\n"
    "        if test (count $args) -eq 0\n"
    "            __folio_next $cmd\n"
    "        end\n"
    "    end\n"
    "    switch \"$kind\"\n"
    "        case client\n"
    "            $prog __complete clients 2>/dev/null\n"
    "        case shell\n"
    "            printf '%s\\n' bash zsh fish\n"
    "        case command\n"
    "            __folio_next \"$args\"\n"
    "            if test (count $args) -eq 0\n"
    "                echo exit-codes\n"
    "            end\n"
    "        case file\n"
    "            __fish_complete_path \"$cur\"\n"
    "    end\n"
    "end\n"
    "\n"
    "complete -c folio -f -a '(__folio_candidates)'\n";

/* Each script: its opening comment, then the data, then its logic. */
static const struct {
    const char *name;
    enum shell shell;
    const char *head;
    const char *logic[5];
} scripts[] = {
    {"bash",
     SHELL_BASH,
     "# bash completion for folio, printed by `folio completion bash` from\n"
     "# folio's command table. Load it with: source <(folio completion bash)\n\n",
     {bash_is_command, sh_helpers, bash_main, sh_walk, bash_end}},
    {"zsh",
     SHELL_ZSH,
     "#compdef folio\n"
     "# zsh completion for folio, printed by `folio completion zsh` from\n"
     "# folio's command table. Save it as _folio in a directory of $fpath.\n\n",
     {zsh_is_command, sh_helpers, zsh_main, sh_walk, zsh_end}},
    {"fish",
     SHELL_FISH,
     "# fish completion for folio, printed by `folio completion fish` from\n"
     "# folio's command table. Load it with: folio completion fish | source\n\n",
     {fish_logic}},
};

bool completion_script(const char *shell)
{
    for (size_t i = 0; i < ARRAY_SIZE(scripts); i++) {
        if (strcmp(shell, scripts[i].name) != 0)
            continue;
        out_text("%s", scripts[i].head);
        data_commands(scripts[i].shell);
        data_spec(scripts[i].shell);
        for (size_t k = 0; k < ARRAY_SIZE(scripts[i].logic) && scripts[i].logic[k] != NULL; k++)
            out_text("%s", scripts[i].logic[k]);
        return true;
    }
    return false;
}

int cmd_completion(struct cli *cli)
{
    out_capture_begin();
    bool known = completion_script(cli->args[0]);
    out_capture_end(known ? "script" : NULL);
    if (!known)
        return cli_usage(cli, "no completion for \"%.40s\": bash, zsh or fish", cli->args[0]);
    return CLI_OK;
}

/* A client's name on one line after its id and a tab, which is how fish
 * shows a description; zsh's script shows it too, bash's cuts it off. */
static void complete_client(const Folio__Client *c)
{
    char name[128];
    size_t o = 0;
    for (const char *p = c->name; *p != '\0' && o + 1 < sizeof(name); p++)
        name[o++] = (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p;
    name[o] = '\0';
    out_text("%s\t%s\n", c->id, name);
}

/* What the scripts offer for a client id: the first clients of the
 * portfolio, or nothing at all, and exit 0, when there is no session, no
 * server or no answer within COMPLETE_TIMEOUT_MS: an error message would
 * land in the middle of the line being typed. */
int cmd_complete(struct cli *cli)
{
    if (strcmp(cli->args[0], "clients") != 0)
        return CLI_OK;
    if (freopen("/dev/null", "w", stderr) == NULL)
        return CLI_OK;
    cli->timeout_ms = COMPLETE_TIMEOUT_MS;
    bool ended = false;
    if (cli_connect_session(cli, &ended) != CLI_OK)
        return CLI_OK;
    struct folio_error err;
    Folio__Response *r = folio_client_list(cli->connection, COMPLETE_CLIENTS, NULL, &err);
    if (r == NULL)
        return CLI_OK;
    for (size_t i = 0; i < r->clients->n_clients; i++)
        complete_client(r->clients->clients[i]);
    folio_response_free(r);
    return CLI_OK;
}
