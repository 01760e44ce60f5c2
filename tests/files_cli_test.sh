#!/usr/bin/env bash
# files_cli_test.sh - every file folio writes (bundle and CSV/vCard exports,
# the session, known servers) is a new 0600 file renamed into place: a
# symlink at the target is replaced, never written through; an existing
# file's looser mode is not kept; a failed export leaves the old file as it
# was and no temporary file behind.
#
# Needs FOLIOD and FOLIO (ctest sets them). Prints "N passed, N failed" and
# exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" files-cli-test

# check NAME CONDITION-STATUS DETAIL...: pass when the status is 0.
check() {
  local name=$1 status=$2
  shift 2
  ((status == 0)) && pass "$name" || fail "$name" "$@"
}

# regular_0600 PATH: PATH is a regular file (not a link) with mode 0600.
regular_0600() {
  [[ -f $1 && ! -L $1 && $(stat -c %a "$1") == 600 ]]
}

# no_temporary DIR: no temporary file of folio's is left in DIR.
no_temporary() {
  [[ -z $(find "$1" -maxdepth 1 -name '.*.tmp' -print -quit) ]]
}

new_firm "Files Firm"
run "" "$FOLIO" admin office add North
add_user alice agent North
as alice
run "" "$FOLIO" client add --name "Ada Lovelace" --city London
expect "alice adds a client" 0

out=$tmp/out
mkdir -p "$out"

# ---------------------------------------------------------------- symlinks

for format in bundle csv vcard; do
  echo "not yours" >"$out/victim-$format"
  chmod 644 "$out/victim-$format"
  ln -s "$out/victim-$format" "$out/link-$format"
  run "" "$FOLIO" export --format "$format" --out "$out/link-$format"
  expect "export --format $format --out onto an existing name, without --force" 2
  run "" "$FOLIO" export --format "$format" --out "$out/link-$format" --force
  expect "export --format $format --out onto a symlink, with --force" 0
  check "... does not write through the link" "$([[ $(<"$out/victim-$format") == "not yours" ]])$?" \
    "$(head -c 200 "$out/victim-$format")"
  regular_0600 "$out/link-$format"
  check "... and puts a 0600 file in place of the link" $? "$(ls -l "$out/link-$format")"
done

# Where an export used to write before renaming (FILE.part).
echo "not yours" >"$out/victim-part"
ln -s "$out/victim-part" "$out/planted.part"
run "" "$FOLIO" export --out "$out/planted"
expect "export beside a link planted at FILE.part" 0
check "... does not write through the planted link" \
  "$([[ $(<"$out/victim-part") == "not yours" ]])$?" \
  "$(head -c 200 "$out/victim-part" | tr -d '\0')"
regular_0600 "$out/planted"
check "... and writes FILE, 0600" $? "$(ls -l "$out/planted")"

ln -s "$out/created-through-link" "$out/dangling"
run "" "$FOLIO" export --out "$out/dangling" --force
expect "export --out onto a dangling symlink" 0
check "... does not create the link's target" "$([[ ! -e $out/created-through-link ]])$?"
regular_0600 "$out/dangling"
check "... and puts a 0600 file in place of the link" $? "$(ls -l "$out/dangling")"

# ---------------------------------------------------------------- modes

for format in bundle csv; do
  echo "old" >"$out/open-$format"
  chmod 666 "$out/open-$format"
  run "" "$FOLIO" export --format "$format" --out "$out/open-$format" --force
  expect "export --format $format over a 0666 file" 0
  regular_0600 "$out/open-$format"
  check "... leaves a 0600 file" $? "$(stat -c %a "$out/open-$format")"
  check "... with the new content" "$([[ $(head -c 3 "$out/open-$format") != old ]])$?"
done
no_temporary "$out"
check "no temporary file is left after the exports" $? "$(ls -A "$out")"

# ---------------------------------------------------------------- failures

echo "the old export" >"$out/kept"
chmod 640 "$out/kept"
run "" "$FOLIO" export --client no-such-client --out "$out/kept" --force
[[ $RC != 0 ]] && pass "an export the server refuses fails" || fail "an export the server refuses fails"
check "... and leaves the old file as it was" \
  "$([[ $(<"$out/kept") == "the old export" && $(stat -c %a "$out/kept") == 640 ]])$?" \
  "$(stat -c %a "$out/kept") $(head -c 100 "$out/kept")"
no_temporary "$out"
check "... and no temporary file" $? "$(ls -A "$out")"

mkdir -p "$tmp/locked"
echo "locked in" >"$tmp/locked/file"
chmod 500 "$tmp/locked"
if [[ -w $tmp/locked ]]; then
  pass "a directory folio cannot write to (skipped: running as root)"
else
  run "" "$FOLIO" export --out "$tmp/locked/file" --force
  expect "an export into a directory folio cannot write to fails" 1 "" "$tmp/locked"
  check "... and leaves the old file as it was" "$([[ $(<"$tmp/locked/file") == "locked in" ]])$?"
fi
chmod 700 "$tmp/locked"

mkdir -p "$out/a-directory"
run "" "$FOLIO" export --out "$out/a-directory" --force
[[ $RC != 0 && -d $out/a-directory ]] && pass "an export onto a directory fails and keeps it" ||
  fail "an export onto a directory fails and keeps it" "exit $RC"
no_temporary "$out"
check "... and no temporary file" $? "$(ls -A "$out")"

# ---------------------------------------------------------------- the session and known servers

cfg=$tmp/cfg-linked
mkdir -p -m 0700 "$cfg"
echo "not the session" >"$tmp/victim-session"
ln -s "$tmp/victim-session" "$cfg/session"
run "alice-password-1" env FOLIO_CONFIG="$cfg" "$FOLIO" login alice --password-stdin
expect "login with the session file a symlink" 0
check "... does not write through the link" \
  "$([[ $(<"$tmp/victim-session") == "not the session" ]])$?"
regular_0600 "$cfg/session"
check "... and stores a 0600 session file in its place" $? "$(ls -l "$cfg/session")"

fp=$(openssl x509 -noout -fingerprint -sha256 -in "$tmp/data/tls-cert.pem" 2>/dev/null |
  sed 's/^.*=//')
echo "not the pins" >"$tmp/victim-known"
ln -s "$tmp/victim-known" "$cfg/known-servers"
run "alice-password-1" env -u FOLIO_CA FOLIO_CONFIG="$cfg" "$FOLIO" login alice \
  --password-stdin --trust-fingerprint "$fp"
expect "login with known-servers a symlink is refused" 3 "" "known-servers"
check "... and does not write through the link" \
  "$([[ $(<"$tmp/victim-known") == "not the pins" ]])$?"
rm "$cfg/known-servers"
echo "# old pins" >"$cfg/known-servers"
chmod 666 "$cfg/known-servers"
run "alice-password-1" env -u FOLIO_CA FOLIO_CONFIG="$cfg" "$FOLIO" login alice \
  --password-stdin --trust-fingerprint "$fp"
expect "login pinning a certificate over a 0666 known-servers" 0
regular_0600 "$cfg/known-servers"
check "... leaves a 0600 known-servers file" $? "$(ls -l "$cfg/known-servers")"
grep -q "^# old pins" "$cfg/known-servers"
check "... keeping the lines that were there" $? "$(cat "$cfg/known-servers")"
no_temporary "$cfg"
check "no temporary file is left in the configuration directory" $? "$(ls -A "$cfg")"

cli_summary
