#!/usr/bin/env bash
# help_cli_test.sh - folio help, the manual pages, the installed files, the
# completion scripts and how flags end and take values.
#
# Needs FOLIOD and FOLIO (ctest sets them) built by CMake, whose build
# directory (FOLIO's) holds man/ and completion/; needs man, groff, zsh and
# fish (tools/setup). Only the client-id completion starts a foliod, on an
# ephemeral loopback port. Prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" help-cli-test

build=$(dirname "$FOLIO")
src=${FOLIO_SOURCE_DIR:-$(dirname "$0")/..}
man_dir=$build/man
comp_dir=$build/completion
export FOLIO_CONFIG=$tmp/cfg-none
export FOLIO_SERVER=127.0.0.1:1
unset FOLIO_CA FOLIO_PLAINTEXT FOLIO_TLS_CERT FOLIO_TLS_KEY

# same NAME A B: the two texts are equal.
same() {
  if [[ $2 == "$3" ]]; then
    pass "$1"
  else
    fail "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -10)"
  fi
}

# ---------------------------------------------------------------- folio help

run "" "$FOLIO" help exit-codes
expect "folio help exit-codes" 0 "exit codes of folio"
for code in 0 1 2 3 4 5; do
  if grep -q "^  $code  " <<<"$OUT"; then pass "exit-codes lists $code"; else fail "exit-codes lists $code" "$OUT"; fi
done
run "" "$FOLIO" --json help exit-codes
json_check "help exit-codes --json" "$OUT" '[r["code"] for r in d["exit_codes"]] == [0, 1, 2, 3, 4, 5]'
# README's table and folio's are the same words.
readme_codes=$("$PY" -c '
import re, sys
rows = []
for line in open(sys.argv[1]):
    m = re.match(r"^\| (\d) +\| (.*?) \| ?(.*?) ?\|$", line.rstrip("\n"))
    if m:
        rows.append({"code": int(m.group(1)), "meaning": m.group(2).replace("`", ""),
                     "error_codes": m.group(3).replace("`", "") or None})
print(repr(rows))' "$src/README.md")
json_check "README's exit codes are folio help exit-codes'" "$OUT" "d['exit_codes'] == $readme_codes"

run "" "$FOLIO" help
expect "folio help" 0 "usage: folio"
main_help=$OUT
run "" "$FOLIO" --help
same "folio help is folio --help" "$main_help" "$OUT"
[[ $main_help != *__complete* ]] && pass "folio --help hides __complete" || fail "folio --help hides __complete"
run "" "$FOLIO" help --json
expect "folio help --json" 0
json_check "folio help --json parses, lists help and completion, hides __complete" "$OUT" '
  {"help", "completion", "client add"} <= {c["command"] for c in d["commands"]}
  and not any(c["command"].startswith("__") for c in d["commands"])'
commands=$("$PY" -c 'import json, sys; print("\n".join(c["command"] for c in json.load(sys.stdin)["commands"]))' <<<"$OUT")
groups=$(awk 'NF > 1 { print $1 }' <<<"$commands" | sort -u)
differ=
while IFS= read -r cmd; do
  # shellcheck disable=SC2086
  a=$("$FOLIO" help $cmd 2>&1)
  # shellcheck disable=SC2086
  b=$("$FOLIO" $cmd --help 2>&1)
  [[ $a == "$b" && $a == "usage: folio "* ]] || differ+=" '$cmd'"
done <<<"$commands"
[[ -z $differ ]] && pass "folio help CMD is folio CMD --help, for every command" ||
  fail "folio help CMD is folio CMD --help, for every command" "differ:$differ"
run "" "$FOLIO" help client add
same "folio help client add = folio client add --help" "$OUT" "$("$FOLIO" client add --help)"
run "" "$FOLIO" --json help client add
json_check "folio --json help client add" "$OUT" 'd["command"] == "client add" and
  any(f["name"] == "--phone" and f["repeatable"] for f in d["flags"])'
same "folio help client add --json = folio client add --help --json" "$OUT" \
  "$("$FOLIO" client add --help --json)"
run "" "$FOLIO" help admin user
same "folio help admin user = folio admin user --help" "$OUT" "$("$FOLIO" admin user --help)"
run "" "$FOLIO" help clinet
expect "folio help of no command exits 2" 2 "" 'no command or group "clinet"'
run "" "$FOLIO" help --man nope
expect "folio help --man of no group exits 2" 2

# ---------------------------------------------------------------- manual pages

[[ -s $man_dir/folio.1 && -s $man_dir/foliod.8 ]] && pass "the build made folio.1 and foliod.8" ||
  fail "the build made folio.1 and foliod.8" "$(ls "$man_dir" 2>&1)"
same "build/man/folio.1 is folio help --man" "$(<"$man_dir/folio.1")" "$("$FOLIO" help --man)"
same "build/man/foliod.8 is foliod --help-man" "$(<"$man_dir/foliod.8")" "$("$FOLIOD" --help-man)"
missing=
for g in $groups; do
  [[ -s $man_dir/folio-$g.1 ]] || missing+=" $g"
done
[[ -z $missing ]] && pass "every command group has its page ($(wc -w <<<"$groups") groups)" ||
  fail "every command group has its page" "missing:$missing"

# render PAGE: the page as man shows it, plain ASCII, lines long enough
# that no flag is broken.
render() {
  LC_ALL=C MANWIDTH=200 man -l "$1" 2>&1
}
for page in "$man_dir"/*.1 "$man_dir"/foliod.8; do
  warnings=$(groff -man -ww -z "$page" 2>&1)
  [[ -z $warnings ]] || fail "groff finds nothing wrong in $(basename "$page")" "$warnings"
done
pass "groff checked every page"
folio_man=$(render "$man_dir/folio.1")
grep -q -- '--server HOST:PORT' <<<"$folio_man" && pass "man folio shows --server" ||
  fail "man folio shows --server" "${folio_man:0:400}"
grep -q -- '--phone PHONE' <<<"$(render "$man_dir/folio-client.1")" &&
  pass "man folio-client shows --phone" || fail "man folio-client shows --phone"
# Every flag of every command is on the page of the command.
declare -A rendered
for page in "$man_dir"/*.1; do
  rendered[$page]=$(render "$page")
done
# "COMMAND<TAB>FLAG" for every flag of every command, from each command's
# JSON help one after the other (each may span lines).
while IFS= read -r cmd; do
  # shellcheck disable=SC2086
  "$FOLIO" $cmd --help --json
done <<<"$commands" >"$tmp/help.json"
cmd_flags=$("$PY" -c '
import json, sys
text, at, decoder = open(sys.argv[1]).read(), 0, json.JSONDecoder()
while True:
    while at < len(text) and text[at].isspace():
        at += 1
    if at == len(text):
        break
    d, at = decoder.raw_decode(text, at)
    print(d["command"] + "\t")
    for f in d["flags"]:
        print(d["command"] + "\t" + f["name"])' "$tmp/help.json")
# One line a command and one a flag: as many command lines as commands, and
# flags beside them, or the check below would check nothing.
listed=$(awk -F'\t' '$2 == ""' <<<"$cmd_flags" | wc -l)
flag_count=$(awk -F'\t' '$2 != ""' <<<"$cmd_flags" | wc -l)
[[ $listed == "$(wc -l <<<"$commands")" && $flag_count -gt $listed ]] &&
  pass "the JSON help of every command read ($listed commands, $flag_count flags)" ||
  fail "the JSON help of every command read" "$listed of $(wc -l <<<"$commands") commands, $flag_count flags"
lacking=
while IFS=$'\t' read -r cmd f; do
  page=$man_dir/folio.1
  [[ $cmd == *" "* ]] && page=$man_dir/folio-${cmd%% *}.1
  text=${rendered[$page]:-}
  grep -qF -- "folio $cmd" <<<"$text" || lacking+=" '$cmd'"
  [[ -z $f ]] || grep -qF -- "$f" <<<"$text" || lacking+=" '$cmd $f'"
done <<<"$cmd_flags"
[[ -z $lacking ]] && pass "every command and flag is in its manual page" ||
  fail "every command and flag is in its manual page" "lacking:$lacking"
# Every variable folio reads is in ENVIRONMENT.
env_section=$(sed -n '/^ENVIRONMENT/,/^FILES/p' <<<"$folio_man")
vars=$(grep -ohE '(getenv|cli_env)\("[A-Z_]+"\)' "$src"/client/*.c | sed -E 's/.*\("([A-Z_]+)"\)/\1/' | sort -u)
for v in $vars; do
  grep -qw -- "$v" <<<"$env_section" && pass "man folio ENVIRONMENT has $v" ||
    fail "man folio ENVIRONMENT has $v" "${env_section:0:600}"
done
grep -q '^EXIT STATUS' <<<"$folio_man" && grep -q 'done in part' <<<"$folio_man" &&
  pass "man folio has the exit status" || fail "man folio has the exit status"
foliod_man=$(render "$man_dir/foliod.8")
serve_flags=$("$FOLIOD" serve --help | grep -oE '^  --[a-z-]+')
lacking=
for f in $serve_flags; do
  grep -qF -- "$f" <<<"$foliod_man" || lacking+=" $f"
done
[[ -z $lacking && -n $serve_flags ]] && pass "man foliod has every flag of foliod serve" ||
  fail "man foliod has every flag of foliod serve" "lacking:$lacking"
grep -q -- 'foliod restore --from FILE --data DIR' <<<"$foliod_man" && pass "man foliod has restore" ||
  fail "man foliod has restore"
grep -q -- 'foliod backup --data DIR --out FILE' <<<"$foliod_man" && pass "man foliod has backup" ||
  fail "man foliod has backup"

# ---------------------------------------------------------------- cmake --install

prefix=$tmp/prefix
if cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1; then
  pass "cmake --install"
else
  fail "cmake --install" "$(tail -5 "$tmp/install.log")"
fi
for f in share/man/man1/folio.1 share/man/man1/folio-client.1 share/man/man1/folio-admin.1 \
  share/man/man8/foliod.8 share/bash-completion/completions/folio share/zsh/site-functions/_folio \
  share/fish/vendor_completions.d/folio.fish; do
  [[ -s $prefix/$f ]] && pass "installs $f" || fail "installs $f"
done
for g in $groups; do
  [[ -s $prefix/share/man/man1/folio-$g.1 ]] || fail "installs folio-$g.1"
done

# ---------------------------------------------------------------- completion scripts

run "" "$FOLIO" completion tcsh
expect "folio completion tcsh exits 2" 2
for sh in bash zsh fish; do
  run "" "$FOLIO" completion "$sh"
  expect "folio completion $sh" 0
done
same "build's folio.bash is folio completion bash" "$(<"$comp_dir/folio.bash")" \
  "$("$FOLIO" completion bash)"
bash -n "$comp_dir/folio.bash" && pass "bash -n folio.bash" || fail "bash -n folio.bash"
zsh -n "$comp_dir/_folio" && pass "zsh -n _folio" || fail "zsh -n _folio"
fish -n "$comp_dir/folio.fish" && pass "fish -n folio.fish" || fail "fish -n folio.fish"

# complete_bash WORD...: the candidates bash's _folio offers for the last
# word, one line, space-separated.
complete_bash() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _folio
    ((${#COMPREPLY[@]} == 0)) || printf "%s " "${COMPREPLY[@]}"' _ "$comp_dir/folio.bash" "$FOLIO" "$@"
}
# complete_zsh WORD...: the same from zsh's _folio, with compadd reduced to
# printing what it is given (zsh itself filters by the word typed).
complete_zsh() {
  zsh -fc 'compdef() { : }
    compadd() {
      local -a a
      while [[ $1 == -* ]]; do
        case $1 in -a) shift; a+=("${(@P)1}") ;; -d) shift ;; esac
        shift
      done
      print -rn -- "${a[*]} $* "
    }
    _files() { print -rn -- "FILES " }
    source "$1"; shift; words=("$@"); CURRENT=$#; _folio' _ "$comp_dir/_folio" "$FOLIO" "$@"
}
# complete_fish LINE: fish's candidates for LINE, one a line, descriptions
# cut; the folio built is the one on PATH.
complete_fish() {
  PATH=$build:$PATH fish -c 'source $argv[1]; complete -C $argv[2]' "$comp_dir/folio.fish" "$1" | cut -f1
}

# has NAME TEXT WORD...: every WORD is a candidate in TEXT (words or lines).
has() {
  local name=$1 text=" $(tr '\n' ' ' <<<"$2") " w
  shift 2
  for w in "$@"; do
    if [[ $text != *" $w "* ]]; then
      fail "$name" "no \"$w\" in:${text:0:400}"
      return
    fi
  done
  pass "$name"
}
# lacks NAME TEXT WORD: WORD is not a candidate.
lacks() {
  [[ " $(tr '\n' ' ' <<<"$2") " != *" $3 "* ]] && pass "$1" || fail "$1" "\"$3\" in: ${2:0:400}"
}

out=$(complete_bash cl)
same "bash: folio cl<TAB> is client" "$out" "client "
has "bash: folio client add --<TAB> has --phone, --name, --json" "$(complete_bash client add --)" \
  --phone --name --json
has "bash: folio admin user a<TAB>" "$(complete_bash admin user a)" add
has "bash: folio <TAB> has every group" "$(complete_bash '')" $groups login help completion
lacks "bash: folio <TAB> hides __complete" "$(complete_bash '')" __complete
has "bash: folio -s HOST cl<TAB> skips the global flag and its value" \
  "$(complete_bash -s 127.0.0.1:1 cl)" client
has "bash: folio completion <TAB>" "$(complete_bash completion '')" bash zsh fish
has "bash: folio help admin <TAB>" "$(complete_bash help admin '')" user office rule
has "bash: folio help <TAB> has exit-codes" "$(complete_bash help '')" exit-codes client
has "bash: folio admin calendar <TAB> has set" "$(complete_bash admin calendar '')" set
same "bash: no flags after --" "$(complete_bash client show -- --)" ""
same "bash: nothing for a text value" "$(complete_bash client add --name '')" ""
same "bash: nothing for a value after =" "$(complete_bash client add --name = '')" ""
has "bash: --<TAB> after --name=VALUE still offers flags" \
  "$(complete_bash client add --name = x --ph)" --phone
(cd "$tmp" && touch import-me.csv && has "bash: folio import <TAB> offers files" \
  "$(complete_bash import imp)" import-me.csv)
has "zsh: folio <TAB>" "$(complete_zsh '')" client admin help
has "zsh: folio client add --<TAB>" "$(complete_zsh client add --)" --phone --name
has "zsh: folio help admin <TAB>" "$(complete_zsh help admin '')" user
has "zsh: folio completion <TAB>" "$(complete_zsh completion '')" bash zsh fish
has "zsh: folio import <TAB> offers files" "$(complete_zsh import '')" FILES
has "fish: folio cl<TAB>" "$(complete_fish 'folio cl')" client
has "fish: folio client add --ph<TAB>" "$(complete_fish 'folio client add --ph')" --phone
has "fish: folio help admin us<TAB>" "$(complete_fish 'folio help admin us')" user
has "fish: folio completion <TAB>" "$(complete_fish 'folio completion ')" bash zsh fish

# ---------------------------------------------------------------- -- and --flag=-value

# No session: a command line folio accepts stops at "not logged in" (3),
# one it refuses is a usage error (2); nothing is sent anywhere.
run "" "$FOLIO" client add --name=-dash
expect "--name=-dash is a value" 3 "" "not logged in"
run "" "$FOLIO" client add --name -dash
expect "--name -dash is a value" 3 "" "not logged in"
run "" "$FOLIO" client add --name --dash
expect "--name --dash is refused: --dash looks like a flag" 2 "" "--name needs a value"
run "" "$FOLIO" client add --name X --note=--draft--
expect "--note=--draft-- is a value" 3 "" "not logged in"
run "" "$FOLIO" client add --name X --note=-h
expect "--note=-h is a value, not help" 3 "" "not logged in"
run "" "$FOLIO" client add --name=--help
expect "--name=--help is a value, not help" 3 "" "not logged in"
run "" "$FOLIO" client show -abc
expect "-abc is not a flag of client show" 2
run "" "$FOLIO" client show -- -abc
expect "after --, -abc is an argument" 3 "" "not logged in"
run "" "$FOLIO" client show -- --help
expect "after --, --help is an argument" 3 "" "not logged in"
run "" "$FOLIO" client show -- a b
expect "-- does not lift the count of arguments" 2 "" "unexpected argument"
run "" "$FOLIO" -- client list
expect "-- before the command" 3 "" "not logged in"
run "" "$FOLIO" --server=127.0.0.1:1 client list
expect "--server=VALUE" 3 "" "not logged in"

# ---------------------------------------------------------------- client ids, from a real foliod

run "" "$FOLIO" __complete clients
expect "__complete clients without a session prints nothing" 0
same "__complete clients without a session: no output" "$OUT$ERR" ""
new_firm "Help Firm"
run "" "$FOLIO" admin office add North
expect "office North" 0
add_user alice agent North
as alice
run "" "$FOLIO" --json client add --name=-Ana
expect "alice adds -Ana, a name given after =" 0
ana=$(json_get "$OUT" 'd["client"]["id"]')
json_check "the name after = is kept as given" "$OUT" 'c["name"] == "-Ana"'
run "" "$FOLIO" --json client add --name "Bruno Díaz"
expect "alice adds Bruno" 0
bruno=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" __complete clients
expect "__complete clients" 0
has "__complete clients prints alice's client ids" "$(cut -f1 <<<"$OUT")" "$ana" "$bruno"
grep -qF "$ana"$'\t'"-Ana" <<<"$OUT" && pass "__complete clients: id, tab, name" ||
  fail "__complete clients: id, tab, name" "$OUT"
has "bash: folio client show <TAB> offers client ids" "$(complete_bash client show '')" "$ana" "$bruno"
has "bash: folio offer list --client <TAB> offers client ids" \
  "$(complete_bash offer list --client '')" "$ana" "$bruno"
has "bash: folio event add <TAB> offers client ids" "$(complete_bash event add '')" "$ana"
lacks "bash: folio event add ID <TAB> does not" "$(complete_bash event add "$ana" '')" "$bruno"
has "zsh: folio client show <TAB> offers client ids" "$(complete_zsh client show '')" "$ana" "$bruno"
has "fish: folio client show <TAB> offers client ids" "$(complete_fish 'folio client show ')" \
  "$ana" "$bruno"
# A server that does not answer: nothing, at once (the port is closed).
run "" env FOLIO_SERVER=127.0.0.1:1 "$FOLIO" __complete clients
expect "__complete clients with no server exits 0" 0
same "__complete clients with no server: no output" "$OUT$ERR" ""
run "" "$FOLIO" __complete nothing-known
expect "__complete of something unknown exits 0" 0
same "__complete of something unknown: no output" "$OUT" ""

cli_summary
