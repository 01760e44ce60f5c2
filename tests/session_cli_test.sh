#!/usr/bin/env bash
# session_cli_test.sh - folio sends its session token only to the server and
# certificate that issued it. A fake server (fake_server.py) answers the
# Hello like foliod and records every byte it is sent; the token must never
# be among them when --server or FOLIO_SERVER names another address, when
# the address presents another certificate (or none), or when the session
# file is from a folio that did not record the certificate. Controls with a
# matching session show the fake server does see a token that is sent.
#
# Needs FOLIOD and FOLIO (ctest sets them) and openssl. Everything listens on
# 127.0.0.1; prints "N passed, N failed" and exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" session-cli-test

FAKE_SERVER=$(dirname "$0")/fake_server.py
fake_pids=()
trap 'for p in "${fake_pids[@]}"; do kill "$p" 2>/dev/null; done; cleanup' EXIT

# start_fake NAME [--cert PEM --key PEM]: a fake server; sets fake_port and
# records what it receives in $tmp/NAME.capture.
start_fake() {
  local name=$1
  shift
  rm -f "$tmp/$name.port"
  "$PY" "$FAKE_SERVER" --port-file "$tmp/$name.port" --capture "$tmp/$name.capture" "$@" \
    2>>"$tmp/$name.log" &
  fake_pids+=($!)
  local i
  for ((i = 0; i < 200; i++)); do
    [[ -s $tmp/$name.port ]] && break
    sleep 0.05
  done
  fake_port=$(<"$tmp/$name.port")
  [[ $fake_port =~ ^[0-9]+$ ]]
}

# fingerprint PEM: the certificate's SHA-256 fingerprint as openssl prints it.
fingerprint() {
  openssl x509 -noout -fingerprint -sha256 -in "$1" 2>/dev/null | sed 's/^.*=//'
}

# write_session CFG SERVER TOKEN [CERT]: a session file in $tmp/cfg-CFG, with
# no cert line when CERT is not given (as an older folio wrote it).
write_session() {
  mkdir -p -m 0700 "$tmp/cfg-$1"
  {
    echo "server=$2"
    echo "user=boss"
    echo "token=$3"
    [[ -z ${4:-} ]] || echo "cert=$4"
  } >"$tmp/cfg-$1/session"
  chmod 600 "$tmp/cfg-$1/session"
}

# not_sent NAME CAPTURE: the real token is not in the fake server's capture.
not_sent() {
  if grep -qaF -- "$token" "$tmp/$2.capture"; then
    fail "$1" "the token reached the fake server"
  else
    pass "$1"
  fi
}

new_firm "Session Firm"
real=127.0.0.1:$port
real_fp=$(fingerprint "$tmp/data/tls-cert.pem")
session=$tmp/cfg-boss/session
token=$(sed -n 's/^token=//p' "$session")
[[ ${#token} -ge 32 ]] && pass "the session file holds a token" || fail "the session file holds a token"
grep -qx "server=$real" "$session" && grep -qx "cert=$real_fp" "$session" &&
  pass "the session file records the server and its certificate" ||
  fail "the session file records the server and its certificate" "$(grep -v token "$session")"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=fake \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/fake-key.pem" -out "$tmp/fake-cert.pem" \
  >/dev/null 2>&1 || fail "openssl makes the fake server's certificate"
fake_fp=$(fingerprint "$tmp/fake-cert.pem")
start_fake tls --cert "$tmp/fake-cert.pem" --key "$tmp/fake-key.pem" ||
  fail "the TLS fake server starts" "$(cat "$tmp/tls.log")"
fake_tls=127.0.0.1:$fake_port
start_fake plain || fail "the plaintext fake server starts" "$(cat "$tmp/plain.log")"
fake_plain=127.0.0.1:$fake_port
# FOLIO_CA trusts the real server and the fake one, as a CA file shared by
# several firms would: only the session's own record tells them apart.
trust_cert "$tmp/fake-cert.pem"

# ---------------------------------------------------------------- another address

as boss
run "" "$FOLIO" --server "$fake_tls" whoami
expect "--server naming another address is refused" 3 "" \
  "not logged in to $fake_tls: your session is for $real; run folio login boss"
not_sent "... and the token is not sent" tls
FOLIO_SERVER=$fake_plain run "" "$FOLIO" --plaintext whoami
expect "FOLIO_SERVER naming another address is refused" 3 "" \
  "not logged in to $fake_plain: your session is for $real"
not_sent "... and the token is not sent" plain
[[ ! -s $tmp/plain.capture && ! -s $tmp/tls.capture ]] &&
  pass "... nor is anything else: folio does not connect" ||
  fail "... nor is anything else: folio does not connect"
run "" "$FOLIO" --server "$fake_tls" logout
expect "logout naming another address is refused" 3 "" "not logged in to $fake_tls"
not_sent "... and the token is not sent" tls
run "" "$FOLIO" whoami
expect "the session still works with its own server" 0 "boss"

# ---------------------------------------------------------------- another certificate

# The session's address with another certificate: as if the fake server had
# taken the address over (a CA that signs for it, or a plaintext downgrade).
write_session forged "$fake_tls" "$token" "$real_fp"
run "" env FOLIO_CONFIG="$tmp/cfg-forged" FOLIO_SERVER= "$FOLIO" whoami
expect "the session's address presenting another certificate is refused" 3 "" \
  "not logged in to $fake_tls as it is now"
[[ $ERR == *"$fake_fp"* && $ERR == *"$real_fp"* ]] && pass "... naming both certificates" ||
  fail "... naming both certificates" "$ERR"
not_sent "... and the token is not sent" tls
write_session forged "$fake_tls" "$token" plaintext
run "" env FOLIO_CONFIG="$tmp/cfg-forged" FOLIO_SERVER= "$FOLIO" whoami
expect "a session issued over plaintext is not sent over TLS" 3 "" "issued over plaintext"
not_sent "... and the token is not sent" tls
write_session forged "$fake_plain" "$token" "$real_fp"
run "" env FOLIO_CONFIG="$tmp/cfg-forged" FOLIO_SERVER= "$FOLIO" --plaintext whoami
expect "a session issued over TLS is not sent over plaintext" 3 "" "plaintext (no certificate)"
not_sent "... and the token is not sent" plain

# ---------------------------------------------------------------- a session file from before

write_session old "$fake_plain" "$token"
run "" env FOLIO_CONFIG="$tmp/cfg-old" FOLIO_SERVER= "$FOLIO" --plaintext whoami
expect "a session file without its certificate is not used" 3 "" \
  "does not say which server certificate issued it"
[[ $ERR == *"run folio login boss"* ]] && pass "... and says to log in again" ||
  fail "... and says to log in again" "$ERR"
not_sent "... and the token is not sent" plain

# ---------------------------------------------------------------- controls

# A session that matches is sent: the fake servers would have seen the token.
write_session match "$fake_tls" "control-token-tls-0123456789abcdef" "$fake_fp"
run "" env FOLIO_CONFIG="$tmp/cfg-match" FOLIO_SERVER= "$FOLIO" whoami
grep -qaF control-token-tls-0123456789abcdef "$tmp/tls.capture" &&
  pass "control: a session for this address and certificate is sent over TLS" ||
  fail "control: a session for this address and certificate is sent over TLS" "exit $RC" "$ERR"
write_session match "$fake_plain" "control-token-plain-0123456789abcdef" plaintext
run "" env FOLIO_CONFIG="$tmp/cfg-match" FOLIO_SERVER= "$FOLIO" --plaintext whoami
grep -qaF control-token-plain-0123456789abcdef "$tmp/plain.capture" &&
  pass "control: a session for this address over plaintext is sent" ||
  fail "control: a session for this address over plaintext is sent" "exit $RC" "$ERR"

# ---------------------------------------------------------------- logging in again

run "boss-password-1" "$FOLIO" login boss --password-stdin
expect "boss logs in again" 0
run "" "$FOLIO" whoami
expect "... and the new session works" 0 "boss"
mode=$(stat -c %a "$session")
[[ $mode == 600 ]] && pass "the session file is mode 0600" || fail "the session file is mode 0600" "$mode"
not_sent "the fake servers never saw the real token" tls
not_sent "... over plaintext either" plain

cli_summary
