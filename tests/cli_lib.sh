# cli_lib.sh - what every CLI end-to-end script shares: the scratch directory,
# pass/fail bookkeeping, running a command, JSON checks, and starting and
# stopping a real foliod on an ephemeral loopback port.
#
#   . "$(dirname "$0")/cli_lib.sh" NAME
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them). Every
# file goes under $tmp, removed on exit with any server still running. A
# script ends with cli_summary, which prints "N passed, N failed" and returns
# non-zero on failure.
set -uo pipefail

FOLIOD=${FOLIOD:?set FOLIOD to the foliod binary}
FOLIO=${FOLIO:?set FOLIO to the folio binary}
PY=/usr/bin/python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/folio-$1.XXXXXX")
server_pid=
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
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
run() {
  local input=$1
  shift
  OUT=$("$@" <<<"$input" 2>"$tmp/stderr")
  RC=$?
  ERR=$(<"$tmp/stderr")
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

# json_check NAME TEXT PYTHON-EXPR: TEXT must be exactly one JSON document and
# the expression (over d, the document, and c, its "client" member) true. The
# expression may span lines.
json_check() {
  local name=$1 text=$2 expr=$3 why
  if why=$("$PY" -c '
import json, sys
try:
    d = json.loads(sys.stdin.read())
except ValueError as e:
    sys.exit("not one JSON document: %s" % e)
c = d.get("client") if isinstance(d, dict) else None
if not eval("(" + sys.argv[1] + "\n)", {"d": d, "c": c}):
    sys.exit("false: %s" % sys.argv[1])
' "$expr" <<<"$text" 2>&1); then
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

# start_server DATA [FOLIOD-SERVE-FLAGS...]: serves DATA on an ephemeral port;
# sets server_pid and port. Fails when no port shows up within 10 s.
start_server() {
  local data=$1
  shift
  rm -f "$tmp/port"
  "$FOLIOD" serve --data "$data" --listen 127.0.0.1:0 --port-file "$tmp/port" "$@" \
    2>>"$tmp/foliod.log" &
  server_pid=$!
  port=
  local i
  for ((i = 0; i < 200; i++)); do
    if [[ -s $tmp/port ]]; then
      port=$(<"$tmp/port")
      break
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  [[ $port =~ ^[0-9]+$ ]]
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
  server_pid=
}

cli_summary() {
  echo "$passed passed, $failed failed"
  ((failed == 0))
}
