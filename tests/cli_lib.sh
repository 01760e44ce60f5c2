# cli_lib.sh - what every CLI end-to-end script shares: the scratch directory,
# pass/fail bookkeeping, running a command, JSON checks, starting and
# stopping a real foliod on an ephemeral loopback port, and a firm with its
# users logged in.
#
#   . "$(dirname "$0")/cli_lib.sh" NAME
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them). Every
# file goes under $tmp, removed on exit with any server still running. A
# script ends with cli_summary, which prints "N passed, N failed" and returns
# non-zero on failure.
#
# Every run of folio with --json (or -j) is kept, and cli_summary checks what
# it printed against the JSON Schemas in docs/schema (tests/schema_check.py):
# stdout against the command's schema, stderr against error.json.
#
# foliod serves TLS: every server start_server starts adds the certificate it
# serves to $tmp/ca.pem, and FOLIO_CA names that file from then on, so folio
# (and anything else that reads FOLIO_CA) trusts exactly the servers the
# script started: a CA file may hold several self-signed certificates, one
# per firm. (Not two of one firm: they bear the same name, and OpenSSL tries
# only the first; a script that changes a firm's certificate removes
# $tmp/ca.pem first.)
set -uo pipefail

FOLIOD=${FOLIOD:?set FOLIOD to the foliod binary}
FOLIO=${FOLIO:?set FOLIO to the folio binary}
PY=/usr/bin/python3
schema_src=${FOLIO_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/folio-$1.XXXXXX")
server_pid=
# server_reaped: forgets the server once waited for. libfaketime names shared
# memory and a semaphore after the foliod it is preloaded in (foliod_clock)
# and removes them at exit, but not when foliod is killed: they go here.
server_reaped() {
  rm -f "/dev/shm/faketime_shm_$server_pid" "/dev/shm/sem.faketime_sem_$server_pid"
  server_pid=
}
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_reaped
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
schema_runs=$tmp/schema-runs
schema_count=0
schema_flags=() # more schema_check.py flags (schema_cli_test.sh)
pass() {
  passed=$((passed + 1))
  echo "ok   $1"
}
fail() {
  failed=$((failed + 1))
  echo "FAIL $1"
  shift
  local line
  for line in "$@"; do
    printf '       %s\n' "$line"
  done
}

# run INPUT CMD...: runs CMD with INPUT as its standard input; sets OUT, ERR, RC.
# A sanitizer's report on its standard error is a failure whatever RC is.
run() {
  local input=$1
  shift
  OUT=$("$@" <<<"$input" 2>"$tmp/stderr")
  RC=$?
  run_checked "$@"
}

# run_pipe FILE CMD...: as run, with FILE's bytes on CMD's standard input
# through a pipe (run's here-string may reach it as a temporary file).
run_pipe() {
  local file=$1
  shift
  # shellcheck disable=SC2002 # the pipe is the point
  OUT=$(cat "$file" | "$@" 2>"$tmp/stderr")
  RC=$?
  run_checked "$@"
}

# run_checked CMD...: what run and run_pipe do once CMD has run.
run_checked() {
  ERR=$(<"$tmp/stderr")
  if [[ $ERR == *"Sanitizer"* || $ERR == *"runtime error:"* ]]; then
    fail "no sanitizer report from: ${*:1:6}" "${ERR:0:2000}"
  fi
  schema_record "$RC" "$OUT" "$ERR" "$@"
}

# schema_record RC STDOUT STDERR CMD...: keeps a run of folio for cli_summary
# to check against docs/schema, when CMD runs "$FOLIO" (after env, timeout,
# ...) with --json or -j. run does it; a script records a folio it ran in the
# background itself, once it is done.
schema_record() {
  local rc=$1 out=$2 err=$3 arg json=
  shift 3
  while (($# > 0)) && [[ $1 != "$FOLIO" ]]; do
    shift
  done
  (($# > 0)) || return 0
  shift
  for arg in "$@"; do
    [[ $arg == -- ]] && break
    [[ $arg == --json || $arg == -j || $arg == --progress-json ]] && json=1
  done
  [[ -n $json ]] || return 0
  # Unique even for a run in a subshell, whose count does not come back.
  schema_count=$((schema_count + 1))
  local dir=$schema_runs/$BASHPID.$schema_count
  mkdir -p "$dir"
  printf '%s\0' "$@" >"$dir/args"
  printf '%s\n' "$rc" >"$dir/rc"
  printf '%s' "$out" >"$dir/out"
  printf '%s' "$err" >"$dir/err"
}

# schema_check: every recorded run against docs/schema, in one python
# process; each document that does not match is a failure.
schema_check() {
  local report line kind what why rc
  mkdir -p "$schema_runs"
  if ! "$FOLIO" --help --json >"$tmp/schema-help.json" 2>&1; then
    fail "folio --help --json lists the commands" "$(head -c 400 "$tmp/schema-help.json")"
    return
  fi
  report=$("$PY" "$schema_src/tests/schema_check.py" --schemas "$schema_src/docs/schema" \
    --runs "$schema_runs" --help-json "$tmp/schema-help.json" "${schema_flags[@]}" 2>&1)
  rc=$?
  while IFS= read -r line; do
    IFS=$'\t' read -r kind what why <<<"$line"
    case $kind in
    OK) ;;
    FAIL) fail "schema: $what" "$why" ;;
    *) fail "schema_check.py: $line" ;;
    esac
  done <<<"$report"
  if ((rc == 0)) && [[ $report == *$'OK\t'* ]]; then
    pass "every --json output matches docs/schema: ${report##*$'OK\t'}"
  elif ((rc == 0)); then
    fail "schema_check.py reports" "$report"
  fi
}

# expect NAME RC [STDOUT-SUBSTRING [STDERR-SUBSTRING]]: checks the last run.
expect() {
  local name=$1 rc=$2 out=${3:-} err=${4:-}
  if [[ $RC != "$rc" ]]; then
    fail "$name" "exit $RC, expected $rc" "stdout: ${OUT:0:400}" "stderr: ${ERR:0:400}"
  elif [[ -n $out && $OUT != *"$out"* ]]; then
    fail "$name" "stdout lacks \"$out\"" "stdout: ${OUT:0:400}"
  elif [[ -n $err && $ERR != *"$err"* ]]; then
    fail "$name" "stderr lacks \"$err\"" "stderr: ${ERR:0:400}"
  else
    pass "$name"
  fi
}

# json_check NAME TEXT PYTHON-EXPR: TEXT is one JSON document and the
# expression over it (d; c is d["client"]) is true. is_time(x) says x is an
# RFC 3339 UTC time ("2026-12-03T11:24:50Z").
json_check() { json_eval document "$@"; }
# ndjson_check NAME TEXT PYTHON-EXPR: TEXT is a stream of JSON documents, one
# a line (d is their list, [] for no output), and the expression is true.
ndjson_check() { json_eval lines "$@"; }
json_eval() {
  local mode=$1 name=$2 text=$3 expr=$4 why
  if why=$("$PY" -c '
import json, re, sys
text = sys.stdin.read()
try:
    if sys.argv[2] == "lines":
        d = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        d = json.loads(text)
except ValueError as e:
    sys.exit("not %s: %s" % ("JSON lines" if sys.argv[2] == "lines" else "one JSON document", e))
def is_time(x):
    return isinstance(x, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", x) is not None
c = d.get("client") if isinstance(d, dict) else None
if not eval("(" + sys.argv[1] + "\n)", {"d": d, "c": c, "is_time": is_time}):
    sys.exit("false: %s" % sys.argv[1])
' "$expr" "$mode" <<<"$text" 2>&1); then
    pass "$name"
  else
    fail "$name" "$why" "text: ${text:0:400}"
  fi
}

# json_get TEXT PYTHON-EXPR: prints the expression over d.
json_get() {
  "$PY" -c 'import json, sys; d = json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' \
    "$2" <<<"$1" 2>/dev/null
}

# foliod_clock: the command prefix that runs foliod at FOLIOD_CLOCK
# ("YYYY-MM-DD HH:MM:SS" UTC, where its clock starts and runs on from) through
# libfaketime, so the server's today is the script's choice; nothing when
# FOLIOD_CLOCK is unset. ASan is told not to mind the preload going first.
foliod_clock() {
  [[ -n ${FOLIOD_CLOCK:-} ]] || return 0
  local lib=${FOLIO_FAKETIME_LIB:-}
  [[ -n $lib ]] || lib=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -1)
  if [[ ! -r $lib ]]; then
    echo "cli_lib.sh: libfaketime is missing (tools/setup installs faketime)" >&2
    return 1
  fi
  printf '%s\0' env "FAKETIME=@$FOLIOD_CLOCK" FAKETIME_DONT_FAKE_MONOTONIC=1 TZ=UTC \
    "LD_PRELOAD=$lib${LD_PRELOAD:+:$LD_PRELOAD}" \
    "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
}

# start_server DATA [FOLIOD-SERVE-FLAGS...]: serves DATA on an ephemeral
# loopback port (unless the flags say --listen); sets server_pid and port.
# With FOLIOD_CLOCK set, foliod runs at that date (foliod_clock).
# Fails, leaving no foliod behind, when no port shows up within 30 s.
# Unless the flags say --plaintext, folio trusts the certificate served (the
# one --tls-cert names, else DATA/tls-cert.pem, which foliod may have just
# made).
start_server() {
  local data=$1
  shift
  local listen=(--listen 127.0.0.1:0)
  [[ " $* " == *" --listen "* ]] && listen=()
  rm -f "$tmp/port"
  local clock=()
  mapfile -d '' clock < <(foliod_clock)
  [[ -z ${FOLIOD_CLOCK:-} || ${#clock[@]} -gt 0 ]] || return 1
  "${clock[@]}" "$FOLIOD" serve --data "$data" "${listen[@]}" --port-file "$tmp/port" "$@" \
    2>>"$tmp/foliod.log" &
  server_pid=$!
  port=
  local i
  for ((i = 0; i < 600; i++)); do
    if [[ -s $tmp/port ]]; then
      port=$(<"$tmp/port")
      break
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  if [[ ! $port =~ ^[0-9]+$ ]]; then
    # Not left behind: it would hold ctest's pipe open and the run with it.
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_reaped
    return 1
  fi
  local cert=$data/tls-cert.pem arg next=
  for arg in "$@"; do
    [[ $arg == --plaintext ]] && return 0
    [[ $next == cert ]] && cert=$arg
    next=
    [[ $arg == --tls-cert ]] && next=cert
  done
  trust_cert "$cert"
}

# trust_cert PEM: folio trusts PEM's certificate from now on (FOLIO_CA).
trust_cert() {
  touch "$tmp/ca.pem"
  local pem
  pem=$(tr -d '\n' <"$1") || return 1
  [[ $(tr -d '\n' <"$tmp/ca.pem") == *"$pem"* ]] || cat "$1" >>"$tmp/ca.pem"
  export FOLIO_CA=$tmp/ca.pem
}

# stop_server: SIGTERM, bounded wait; sets RC to foliod's exit status.
stop_server() {
  kill -TERM "$server_pid" 2>/dev/null
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid"
  fi
  wait "$server_pid"
  RC=$?
  server_reaped
}

# new_firm NAME: a firm called NAME in $data ($tmp/data), with firm-admin boss
# (password boss-password-1, hash cost min), served by start_server with
# FOLIO_SERVER naming it, and boss logged in: FOLIO_CONFIG is $tmp/cfg-boss.
# Ends the script when foliod does not start.
new_firm() {
  data=$tmp/data
  run "boss-password-1" "$FOLIOD" init --data "$data" --firm "$1" --admin boss \
    --password-stdin --hash-cost min
  expect "foliod init" 0
  if ! start_server "$data" --hash-cost min; then
    fail "foliod serve writes its port file" "$(tail -5 "$tmp/foliod.log")"
    cli_summary
    exit 1
  fi
  export FOLIO_SERVER=127.0.0.1:$port
  as boss
  run "boss-password-1" "$FOLIO" login boss --password-stdin
  expect "boss logs in" 0
}

# add_user NAME ROLE OFFICE: boss adds NAME (password NAME-password-1) and NAME
# logs in, in $tmp/cfg-NAME; FOLIO_CONFIG is left as it was.
add_user() {
  local cfg=${FOLIO_CONFIG:-$tmp/cfg-boss}
  as boss
  run "$1-password-1" "$FOLIO" admin user add "$1" --role "$2" --office "$3" --password-stdin
  expect "add $2 $1" 0
  as "$1"
  run "$1-password-1" "$FOLIO" login "$1" --password-stdin
  expect "$1 logs in" 0
  export FOLIO_CONFIG=$cfg
}

# as USER [SERVER]: the session ($tmp/cfg-USER) and, if given, the server the
# next folio commands use.
as() {
  export FOLIO_CONFIG=$tmp/cfg-$1
  [[ -z ${2:-} ]] || export FOLIO_SERVER=$2
}

cli_summary() {
  schema_check
  echo "$passed passed, $failed failed"
  ((failed == 0))
}
