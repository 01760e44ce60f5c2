#!/usr/bin/env bash
# tls_cli_test.sh - foliod's TLS end to end: the firm's certificate as
# foliod init makes it and openssl sees it, TLS 1.3 and 1.2 served and 1.1
# refused, folio trusting a CA file or pinning the fingerprint on first use,
# a changed certificate refused with a warning until pinned anew, an expired
# certificate refused, plaintext only where asked for and only on loopback,
# client certificates when foliod asks for them, and the names foliod init
# --hostname and --ip put in the certificate, with --listen by host name.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them) and
# openssl. Everything listens on 127.0.0.1; prints "N passed, N failed" and
# exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" tls-cli-test

command -v openssl >/dev/null || {
  echo "FAIL openssl is needed"
  exit 1
}

# fingerprint PEM: the certificate's SHA-256 fingerprint as openssl prints it.
fingerprint() {
  openssl x509 -noout -fingerprint -sha256 -in "$1" 2>/dev/null | sed 's/^.*=//'
}

# handshake [S_CLIENT-FLAGS...]: openssl s_client -brief against the running
# foliod, nothing to send, at most 10 s; sets OUT (stdout and stderr) and RC.
handshake() {
  OUT=$(timeout 10 openssl s_client -connect "127.0.0.1:$port" -brief "$@" </dev/null 2>&1)
  RC=$?
}

# check NAME CONDITION-STATUS DETAIL...: pass when the status is 0.
check() {
  local name=$1 status=$2
  shift 2
  ((status == 0)) && pass "$name" || fail "$name" "$@"
}

# restart [FOLIOD-SERVE-FLAGS...]: stops foliod and serves $data again on the
# port it had (pins are kept per HOST:PORT), trying for a few seconds while
# the port is still held. Ends the script when it cannot.
restart() {
  stop_server
  [[ $RC == 0 ]] && pass "foliod exits 0 on SIGTERM before serving again" ||
    fail "foliod exits 0 on SIGTERM before serving again" "exit $RC" \
      "$(tail -20 "$tmp/foliod.log")"
  local i
  for ((i = 0; i < 20; i++)); do
    start_server "$data" --hash-cost min --listen "$server" "$@" && return 0
    [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null && stop_server
    sleep 0.25
  done
  fail "foliod serves $data again on $server $*" "$(tail -5 "$tmp/foliod.log")"
  cli_summary
  exit 1
}

# pinned CFG ARGS...: folio with no CA file, so it relies on the fingerprints
# pinned in $tmp/cfg-CFG/known-servers.
pinned() {
  local cfg=$1
  shift
  env -u FOLIO_CA FOLIO_CONFIG="$tmp/cfg-$cfg" "$FOLIO" --server "$server" "$@"
}

# pins CFG: the pins in $tmp/cfg-CFG/known-servers, its comments left out
# ("" when there is no file).
pins() {
  grep -v -e '^#' -e '^$' "$tmp/cfg-$1/known-servers" 2>/dev/null
}

# ---------------------------------------------------------------- the firm's certificate

data=$tmp/data
run "boss-password-1" "$FOLIOD" init --data "$data" --firm "TLS Firm" --admin boss \
  --password-stdin --hash-cost min
expect "foliod init" 0 "TLS certificate fingerprint (SHA-256): "
init_fp=$(sed -n 's/^TLS certificate fingerprint (SHA-256): //p' <<<"$OUT")
fp=$(fingerprint "$data/tls-cert.pem")
[[ ${#fp} == 95 && $init_fp == "$fp" ]] &&
  pass "foliod init prints the fingerprint openssl computes" ||
  fail "foliod init prints the fingerprint openssl computes" "init: $init_fp" "openssl: $fp"
modes=$(stat -c %a "$data/tls-cert.pem" "$data/tls-key.pem" 2>&1 | tr '\n' ' ')
[[ $modes == "600 600 " ]] && pass "tls-cert.pem and tls-key.pem are mode 0600" ||
  fail "tls-cert.pem and tls-key.pem are mode 0600" "$modes"
san=$(openssl x509 -noout -ext subjectAltName -in "$data/tls-cert.pem" 2>&1)
[[ $san == *DNS:localhost* && $san == *"IP Address:127.0.0.1"* && $san == *"IP Address:0:0:0:0:0:0:0:1"* ]] &&
  pass "the certificate names localhost, 127.0.0.1 and ::1" ||
  fail "the certificate names localhost, 127.0.0.1 and ::1" "$san"
key=$(openssl pkey -in "$data/tls-key.pem" -noout -text 2>&1 | grep -e 'ASN1 OID' -e 'NIST CURVE')
[[ $key == *prime256v1* ]] && pass "the key is ECDSA P-256" || fail "the key is ECDSA P-256" "$key"
openssl x509 -noout -checkend 86400 -in "$data/tls-cert.pem" >/dev/null
check "the certificate is valid beyond tomorrow" $? "$(openssl x509 -noout -dates -in "$data/tls-cert.pem")"

if ! start_server "$data" --hash-cost min; then
  fail "foliod serve writes its port file" "$(tail -5 "$tmp/foliod.log")"
  cli_summary
  exit 1
fi
server=127.0.0.1:$port
grep -qF "TLS certificate $data/tls-cert.pem, SHA-256 fingerprint $fp" "$tmp/foliod.log"
check "foliod logs the certificate it serves and its fingerprint" $? \
  "$(grep -i tls "$tmp/foliod.log")"

# ---------------------------------------------------------------- openssl s_client

handshake -CAfile "$data/tls-cert.pem" -verify_ip 127.0.0.1
expect "s_client verifying the firm's certificate" 0
[[ $OUT == *"Protocol version: TLSv1.3"* && $OUT == *"Verification: OK"* ]] &&
  pass "TLS 1.3 by default, verified for 127.0.0.1" ||
  fail "TLS 1.3 by default, verified for 127.0.0.1" "$OUT"
handshake -CAfile "$data/tls-cert.pem" -verify_ip 127.0.0.1 -tls1_2
[[ $RC == 0 && $OUT == *"Protocol version: TLSv1.2"* && $OUT == *"Verification: OK"* ]] &&
  pass "TLS 1.2 is served too" || fail "TLS 1.2 is served too" "exit $RC" "$OUT"
handshake -CAfile "$data/tls-cert.pem" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
[[ $RC != 0 && $OUT != *"CONNECTION ESTABLISHED"* && $OUT == *"protocol version"* ]] &&
  pass "TLS 1.1 is refused by foliod" || fail "TLS 1.1 is refused by foliod" "exit $RC" "$OUT"
handshake -verify_return_error -verify_ip 127.0.0.1
[[ $RC != 0 && $OUT != *"CONNECTION ESTABLISHED"* ]] &&
  pass "a client trusting only the system's CAs refuses the firm's certificate" ||
  fail "a client trusting only the system's CAs refuses the firm's certificate" "$OUT"
served_fp=$(timeout 10 openssl s_client -connect "$server" </dev/null 2>/dev/null |
  openssl x509 -noout -fingerprint -sha256 2>/dev/null | sed 's/^.*=//')
[[ $served_fp == "$fp" ]] && pass "the certificate served has the fingerprint init printed" ||
  fail "the certificate served has the fingerprint init printed" "served: $served_fp" "init: $fp"

# ---------------------------------------------------------------- folio with a CA file

export FOLIO_SERVER=$server
as boss
run "boss-password-1" "$FOLIO" login boss --password-stdin
expect "folio login trusting the firm's certificate (FOLIO_CA)" 0
run "" "$FOLIO" whoami
expect "folio whoami over TLS" 0 "boss"
run "" "$FOLIO" admin office add North
run "alice-password-1" "$FOLIO" admin user add alice --role agent --office North --password-stdin
expect "boss adds an agent over TLS" 0
run "" env -u FOLIO_CA "$FOLIO" --ca "$data/tls-cert.pem" whoami
expect "folio --ca FILE" 0 "boss"

# A certificate of some other server: trusting it is not trusting the firm's.
other=$tmp/other
mkdir -p "$other"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=other \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$other/key.pem" -out "$other/cert.pem" \
  >/dev/null 2>&1 || fail "openssl makes another server's certificate"
run "" "$FOLIO" --ca "$other/cert.pem" whoami
expect "folio --ca with another server's certificate is refused" 3 "" "certificate"
run "" env FOLIO_CA="$other/cert.pem" "$FOLIO" whoami
expect "FOLIO_CA with another server's certificate is refused" 3 "" "certificate"
run "" "$FOLIO" --ca "$tmp/missing.pem" whoami
[[ $RC != 0 && $ERR == *missing.pem* ]] && pass "a missing --ca file is named" ||
  fail "a missing --ca file is named" "exit $RC" "$ERR"

# ---------------------------------------------------------------- first-use pinning

unset FOLIO_SERVER
run "boss-password-1" pinned first login boss --password-stdin
expect "a first login off a terminal without --trust-fingerprint is refused" 3 "" \
  "the server $server presents a certificate with SHA-256 fingerprint $fp"
[[ $ERR == *--trust-fingerprint* ]] && pass "... and says to use --trust-fingerprint" ||
  fail "... and says to use --trust-fingerprint" "$ERR"
# A command ready to paste would be trusted by pasting it: say what to
# compare, with whom and how, never the flag with the fingerprint filled in.
[[ $ERR != *"--trust-fingerprint $fp"* && $ERR == *"over a channel you trust"* ]] &&
  pass "... without a command to paste, saying how to check the fingerprint" ||
  fail "... without a command to paste, saying how to check the fingerprint" "$ERR"
[[ -z $(pins first) ]] && pass "... and pins nothing" || fail "... and pins nothing" "$(pins first)"
run "" pinned first whoami
expect "... nor logs in" 3

other_fp=$(fingerprint "$other/cert.pem")
run "boss-password-1" pinned first login boss --password-stdin --trust-fingerprint "$other_fp"
expect "a --trust-fingerprint that is not the server's is refused" 3 "" "$fp"
[[ -z $(pins first) ]] && pass "... and pins nothing" || fail "... and pins nothing" "$(pins first)"

run "boss-password-1" pinned first login boss --password-stdin --trust-fingerprint "$fp"
expect "login --trust-fingerprint with the server's fingerprint" 0
[[ $(pins first) == "$server $fp" ]] && pass "known-servers holds \"$server FINGERPRINT\"" ||
  fail "known-servers holds \"$server FINGERPRINT\"" "$(pins first)"
mode=$(stat -c %a "$tmp/cfg-first/known-servers" 2>&1)
[[ $mode == 600 ]] && pass "known-servers is mode 0600" || fail "known-servers is mode 0600" "$mode"
run "" pinned first whoami
expect "whoami with the pinned certificate" 0 "boss"
run "boss-password-1" pinned first login boss --password-stdin
expect "a later login uses the pin" 0
run "alice-password-1" pinned first login alice --password-stdin
expect "another user logs in from the same pin" 0 "alice"

# The fingerprint in lower case, without colons.
loose_fp=$(tr -d : <<<"$fp" | tr 'A-F' 'a-f')
run "alice-password-1" pinned loose login alice --password-stdin --trust-fingerprint "$loose_fp"
expect "the fingerprint is accepted in lower case without colons" 0
[[ $(pins loose) == "$server $fp" ]] && pass "... and pinned as openssl writes it" ||
  fail "... and pinned as openssl writes it" "$(pins loose)"
run "" pinned loose whoami
expect "... and used" 0 "alice"

# ---------------------------------------------------------------- a changed certificate

mkdir -p "$tmp/old"
mv "$data/tls-cert.pem" "$data/tls-key.pem" "$tmp/old/"
restart
grep -q "made the firm's TLS certificate.*agents must trust it anew" "$tmp/foliod.log"
check "foliod makes a new certificate when both files are gone, and says so" $? \
  "$(grep -i tls "$tmp/foliod.log" | tail -3)"
new_fp=$(fingerprint "$data/tls-cert.pem")
[[ -n $new_fp && $new_fp != "$fp" ]] && pass "the new certificate has a new fingerprint" ||
  fail "the new certificate has a new fingerprint" "old $fp" "new $new_fp"
modes=$(stat -c %a "$data/tls-cert.pem" "$data/tls-key.pem" 2>&1 | tr '\n' ' ')
[[ $modes == "600 600 " ]] && pass "the new files are mode 0600" ||
  fail "the new files are mode 0600" "$modes"

run "" pinned first whoami
expect "a changed certificate is refused" 3 "" "WARNING"
[[ $ERR == *"$fp"* && $ERR == *"$new_fp"* ]] && pass "... naming both fingerprints" ||
  fail "... naming both fingerprints" "$ERR"
[[ $ERR != *"--trust-fingerprint $new_fp"* && $ERR == *"over a channel you trust"* ]] &&
  pass "... without a command to paste that trusts the new one" ||
  fail "... without a command to paste that trusts the new one" "$ERR"
run "boss-password-1" pinned first login boss --password-stdin
expect "login without --trust-fingerprint is refused too" 3 "" "WARNING"
[[ $(pins first) == "$server $fp" ]] && pass "... and the pin stays" ||
  fail "... and the pin stays" "$(pins first)"
run "" "$FOLIO" --server "$server" --ca "$tmp/old/tls-cert.pem" whoami
expect "a CA file with only the old certificate is refused" 3 "" "certificate"

run "boss-password-1" pinned first login boss --password-stdin --trust-fingerprint "$new_fp"
expect "login --trust-fingerprint NEW pins the new certificate" 0
[[ $(pins first) == "$server $new_fp" ]] && pass "... replacing the old pin" ||
  fail "... replacing the old pin" "$(pins first)"
run "" pinned first whoami
expect "whoami with the new pin" 0 "boss"

# ---------------------------------------------------------------- an expired certificate

# openssl req -x509 cannot date a certificate in the past; openssl ca can.
exp=$tmp/expired
mkdir -p "$exp"
: >"$exp/index.txt"
echo 01 >"$exp/serial"
cat >"$exp/ca.cnf" <<EOF
[ca]
default_ca = expired
[expired]
database = $exp/index.txt
serial = $exp/serial
new_certs_dir = $exp
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = supplied
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
EOF
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=expired \
  -keyout "$exp/key.pem" -out "$exp/req.csr" >/dev/null 2>&1 &&
  openssl ca -batch -notext -config "$exp/ca.cnf" -selfsign -keyfile "$exp/key.pem" \
    -in "$exp/req.csr" -out "$exp/cert.pem" -extensions server \
    -startdate 20000101000000Z -enddate 20010101000000Z >/dev/null 2>&1
check "openssl ca makes a certificate that expired in 2001" $? "$(cat "$exp/cert.pem" 2>&1)"
exp_fp=$(fingerprint "$exp/cert.pem")

restart --tls-cert "$exp/cert.pem" --tls-key "$exp/key.pem"
grep -qi "$exp/cert.pem expired" "$tmp/foliod.log"
check "foliod warns that its certificate expired" $? "$(grep -i tls "$tmp/foliod.log" | tail -3)"
handshake -CAfile "$exp/cert.pem" -verify_ip 127.0.0.1
[[ $OUT == *"certificate has expired"* ]] && pass "openssl sees the certificate expired" ||
  fail "openssl sees the certificate expired" "$OUT"
run "boss-password-1" "$FOLIO" --server "$server" --ca "$exp/cert.pem" login boss --password-stdin
expect "login trusting the expired certificate (--ca) is refused" 3 "" "expired"
as boss
run "" "$FOLIO" --server "$server" --ca "$exp/cert.pem" whoami
expect "whoami trusting the expired certificate (--ca) is refused" 3 "" "expired"
run "boss-password-1" pinned expired login boss --password-stdin --trust-fingerprint "$exp_fp"
expect "pinning the expired certificate is refused" 3 "" "expired"
[[ -z $(pins expired) ]] && pass "... and pins nothing" || fail "... and pins nothing" "$(pins expired)"

# ---------------------------------------------------------------- a certificate for another name

elsewhere=$tmp/elsewhere
mkdir -p "$elsewhere"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj /CN=elsewhere.test -addext subjectAltName=DNS:elsewhere.test \
  -keyout "$elsewhere/key.pem" -out "$elsewhere/cert.pem" >/dev/null 2>&1
check "openssl makes a certificate for elsewhere.test" $?
restart --tls-cert "$elsewhere/cert.pem" --tls-key "$elsewhere/key.pem"
run "" "$FOLIO" --server "$server" --ca "$elsewhere/cert.pem" whoami
expect "a trusted certificate that does not name 127.0.0.1 is refused" 3 "" "mismatch"

# ---------------------------------------------------------------- plaintext

restart
run "" "$FOLIO" --server "$server" --plaintext --ca "$data/tls-cert.pem" whoami
expect "--plaintext with --ca is a usage error" 2 "" "--plaintext"
unset FOLIO_CA # from here on, given where wanted
run "boss-password-1" "$FOLIO" --server "$server" --plaintext login boss --password-stdin
[[ $RC != 0 && $RC != 2 && $ERR == *TLS* ]] &&
  pass "folio --plaintext against the TLS port is refused, saying the server speaks TLS (exit $RC)" ||
  fail "folio --plaintext against the TLS port is refused, saying the server speaks TLS" \
    "exit $RC" "$ERR"
run "" env FOLIO_PLAINTEXT=1 "$FOLIO" --server "$server" whoami
[[ $RC != 0 && $RC != 2 && $ERR == *TLS* ]] &&
  pass "FOLIO_PLAINTEXT=1 against the TLS port is refused too (exit $RC)" ||
  fail "FOLIO_PLAINTEXT=1 against the TLS port is refused too" "exit $RC" "$ERR"
stop_server
expect "foliod stops cleanly after cleartext on its TLS port" 0

run "" timeout 20 "$FOLIOD" serve --data "$data" --plaintext --listen 0.0.0.0:0
expect "foliod serve --plaintext off loopback exits 2" 2 "" "loopback"

if start_server "$data" --hash-cost min --plaintext; then
  pass "foliod serve --plaintext on 127.0.0.1"
  plain=127.0.0.1:$port
  export FOLIO_CONFIG=$tmp/cfg-plain
  run "boss-password-1" "$FOLIO" --server "$plain" --plaintext login boss --password-stdin
  expect "folio --plaintext logs in" 0
  run "" "$FOLIO" --plaintext whoami
  expect "folio --plaintext whoami" 0 "boss"
  run "" env FOLIO_PLAINTEXT=1 "$FOLIO" whoami
  expect "FOLIO_PLAINTEXT=1 whoami" 0 "boss"
  run "" "$FOLIO" --server "$plain" whoami
  [[ $RC == 3 && -n $ERR ]] && pass "folio without --plaintext fails against it (exit 3)" ||
    fail "folio without --plaintext fails against it (exit 3)" "exit $RC" "$ERR"
  run "" "$FOLIO" --server "$plain" --ca "$data/tls-cert.pem" whoami
  expect "... also with a CA file" 3 "" "handshake"
  stop_server
  expect "the plaintext foliod stops cleanly" 0
else
  fail "foliod serve --plaintext on 127.0.0.1" "$(tail -5 "$tmp/foliod.log")"
fi

# ---------------------------------------------------------------- client certificates

# make_ca DIR NAME: a CA certificate DIR/ca.pem (key DIR/ca-key.pem), and a
# client certificate it signs, DIR/client.pem (key DIR/client-key.pem).
make_ca() {
  local dir=$1
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=$2" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" >/dev/null 2>&1 &&
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -subj "/CN=agent of $2" -keyout "$dir/client-key.pem" -out "$dir/client.csr" \
      >/dev/null 2>&1 &&
    printf '%s\n' "basicConstraints = CA:FALSE" "keyUsage = critical, digitalSignature" \
      "extendedKeyUsage = clientAuth" >"$dir/client.ext" &&
    openssl x509 -req -in "$dir/client.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
      -set_serial 2 -days 30 -extfile "$dir/client.ext" -out "$dir/client.pem" >/dev/null 2>&1
}
make_ca "$tmp/mtls" "Firm Devices CA"
check "openssl makes a CA and a client certificate" $? "$(ls "$tmp/mtls")"
make_ca "$tmp/rogue" "Rogue CA"
check "openssl makes another CA and its client certificate" $? "$(ls "$tmp/rogue")"
openssl verify -CAfile "$tmp/mtls/ca.pem" -purpose sslclient "$tmp/mtls/client.pem" >/dev/null 2>&1
check "the client certificate verifies for clientAuth" $?

if start_server "$data" --hash-cost min --tls-client-ca "$tmp/mtls/ca.pem"; then
  pass "foliod serve --tls-client-ca"
  export FOLIO_SERVER=127.0.0.1:$port FOLIO_CONFIG=$tmp/cfg-mtls FOLIO_CA=$data/tls-cert.pem
  run "boss-password-1" "$FOLIO" login boss --password-stdin
  expect "without a client certificate, login is refused" 3 "" "client certificate"
  run "boss-password-1" "$FOLIO" --tls-cert "$tmp/mtls/client.pem" \
    --tls-key "$tmp/mtls/client-key.pem" login boss --password-stdin
  expect "with --tls-cert and --tls-key, login works" 0
  run "" "$FOLIO" --tls-cert "$tmp/mtls/client.pem" --tls-key "$tmp/mtls/client-key.pem" whoami
  expect "... and whoami" 0 "boss"
  run "" env FOLIO_TLS_CERT="$tmp/mtls/client.pem" FOLIO_TLS_KEY="$tmp/mtls/client-key.pem" \
    "$FOLIO" whoami
  expect "FOLIO_TLS_CERT and FOLIO_TLS_KEY work too" 0 "boss"
  run "" "$FOLIO" whoami
  expect "the session alone is not enough without the certificate" 3 "" "client certificate"
  run "" "$FOLIO" --tls-cert "$tmp/rogue/client.pem" --tls-key "$tmp/rogue/client-key.pem" whoami
  expect "a client certificate from another CA is refused" 3 "" "unknown ca"
  run "" "$FOLIO" --tls-cert "$tmp/mtls/client.pem" --tls-key "$tmp/rogue/client-key.pem" whoami
  [[ $RC != 0 ]] && pass "a certificate with a key not its own is refused (exit $RC)" ||
    fail "a certificate with a key not its own is refused" "exit 0"
  stop_server
  expect "foliod stops cleanly" 0
else
  fail "foliod serve --tls-client-ca" "$(tail -5 "$tmp/foliod.log")"
fi

# ---------------------------------------------------------------- the names agents use

named=$tmp/named
run "" "$FOLIOD" init --data "$named" --firm "Named Firm" --admin boss --hostname "-folio.test"
expect "--hostname refuses a label that begins with '-'" 2 "" "--hostname: \"-folio.test\" is not a host name"
run "" "$FOLIOD" init --data "$named" --firm "Named Firm" --admin boss --hostname "a..test"
expect "--hostname refuses an empty label" 2 "" "--hostname: \"a..test\" is not a host name"
run "" "$FOLIOD" init --data "$named" --firm "Named Firm" --admin boss \
  --hostname "$(printf 'a%.0s' {1..64}).test"
expect "--hostname refuses a label of 64 bytes" 2 "" "is not a host name"
run "" "$FOLIOD" init --data "$named" --firm "Named Firm" --admin boss --hostname 192.0.2.1
expect "--hostname refuses an address, pointing at --ip" 2 "" "give it with --ip"
run "" "$FOLIOD" init --data "$named" --firm "Named Firm" --admin boss --ip 192.0.2
expect "--ip refuses what inet_pton does not read" 2 "" "--ip: \"192.0.2\" is not an IPv4 or IPv6"
many=()
for i in {1..17}; do many+=(--hostname "h$i.folio.test"); done
run "" "$FOLIOD" init --data "$named" --firm "Named Firm" --admin boss "${many[@]}"
expect "more than 16 --hostname are refused" 2 "" "at most 16 host names"
[[ ! -e $named ]] && pass "... and a refused init makes nothing" || fail "... and a refused init makes nothing" "$(ls "$named")"
run "boss-password-1" "$FOLIOD" init --data "$named" --firm "Named Firm" --admin boss \
  --password-stdin --hash-cost min --hostname folio.firm.test --hostname Folio.Firm.Test \
  --hostname portal-2.firm.test --ip 192.0.2.10 --ip 2001:db8::7
expect "foliod init --hostname and --ip" 0
san=$(openssl x509 -noout -ext subjectAltName -in "$named/tls-cert.pem" 2>&1)
[[ $san == *"DNS:folio.firm.test"* && $san == *"DNS:portal-2.firm.test"* &&
  $san == *"IP Address:192.0.2.10"* && $san == *"IP Address:2001:DB8:0:0:0:0:0:7"* &&
  $san == *DNS:localhost* && $san == *"IP Address:127.0.0.1"* ]] &&
  pass "the certificate names them, beside localhost and 127.0.0.1" ||
  fail "the certificate names them, beside localhost and 127.0.0.1" "$san"
[[ $(grep -o -i "DNS:folio.firm.test" <<<"$san" | wc -l) == 1 ]] &&
  pass "... a name given twice (in other case) once" || fail "... a name given twice once" "$san"

run "" "$FOLIOD" serve --data "$named" --listen nowhere.invalid:0 --hash-cost min
expect "--listen with a name that resolves to nothing is refused" 1 "" \
  "cannot listen on nowhere.invalid: the name resolves to no address"
run "" "$FOLIOD" serve --data "$named" --listen "bad_name:0"
expect "--listen refuses what is no host name" 2 "" "--listen wants HOST:PORT, not bad_name:0"
if start_server "$named" --hash-cost min --listen localhost:0; then
  pass "foliod serve --listen localhost:0"
  grep -qE "listening on localhost:$port \((127\.0\.0\.1|::1)\)" "$tmp/foliod.log"
  check "... logs the name and the address it resolved to" $? "$(grep listening "$tmp/foliod.log")"
  timeout 10 openssl s_client -connect "localhost:$port" -brief -CAfile "$named/tls-cert.pem" \
    -verify_hostname folio.firm.test -verify_return_error </dev/null >"$tmp/s_client" 2>&1
  check "s_client verifies the certificate for folio.firm.test" $? "$(cat "$tmp/s_client")"
  timeout 10 openssl s_client -connect "localhost:$port" -brief -CAfile "$named/tls-cert.pem" \
    -verify_hostname other.firm.test -verify_return_error </dev/null >"$tmp/s_client" 2>&1
  (($? != 0)) && pass "... and not for a name it does not bear" ||
    fail "... and not for a name it does not bear" "$(cat "$tmp/s_client")"
  export FOLIO_CONFIG=$tmp/cfg-named
  run "boss-password-1" env -u FOLIO_CA "$FOLIO" --server "localhost:$port" \
    --ca "$named/tls-cert.pem" login boss --password-stdin
  expect "folio logs in by the name localhost, verifying the certificate" 0
  stop_server
  expect "foliod stops cleanly" 0
else
  fail "foliod serve --listen localhost:0" "$(tail -5 "$tmp/foliod.log")"
fi

cli_summary
