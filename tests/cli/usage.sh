#!/bin/sh
# Usage errors: a precise message and exit code 2, and no report pretending to be one.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir "$T/share"
printf 'hello\n' >"$T/share/a.txt"
expect_fail() { # MESSAGE-SUBSTRING ARGS...
    msg=$1; shift
    rc=0
    "$PDPSCAN" "$@" >"$T/out" 2>"$T/err" || rc=$?
    [ "$rc" = 2 ] || fail "'$*' exited $rc, expected 2"
    grep -q -- "$msg" "$T/err" || fail "'$*' said: $(cat "$T/err")"
    ok
}
expect_fail "unknown command" frobnicate
expect_fail "at least one PATH" scan
# a missing root is no usage error: it is a unit in error, the other roots are scanned, and
# the run says so (exit 1 with findings, 4 without)
printf 'SĐT: 0912345678\n' >"$T/share/phone.txt"
scan "$T/missing.json" "$T/missing" "$T/share"
expect_rc 1
expect_status "$T/missing.json" "/missing" error "No such file"
expect_count "$T/missing.json" vn.phone "/share/phone.txt" 1
grep -q "cannot scan $T/missing: No such file" "$T/stderr" || fail "a missing root is not said: $(cat "$T/stderr")"
scan "$T/missing2.json" "$T/missing"
expect_rc 4
rm "$T/share/phone.txt"
expect_fail "--jobs takes" scan -j 0 "$T/share"
expect_fail "--jobs takes" scan -j abc "$T/share"
expect_fail "--format takes" scan -f xml "$T/share"
expect_fail "--max-file-size takes" scan --max-file-size 12Q "$T/share"
expect_fail "--min-confidence takes" scan --min-confidence 101 "$T/share"
expect_fail "unknown detector or category 'vn.ccd'" scan --detectors vn.ccd "$T/share"
expect_fail "unknown or incomplete option" scan --bogus "$T/share"
expect_fail "cannot create report $T/no/such/dir/r.json" scan -o "$T/no/such/dir/r.json" "$T/share"
expect_fail "key file $T/nokey" scan --key-file "$T/nokey" "$T/share"
# a report is a regular file or standard output: never written through a symbolic link, never in
# place of a device (a scan run as root must not clobber what a link points at)
printf 'keep me\n' >"$T/victim"
chmod 644 "$T/victim"
for ext in json jsonl txt csv; do
    ln -s "$T/victim" "$T/link.$ext"
    expect_fail "cannot create report $T/link.$ext: it is a symbolic link" scan -o "$T/link.$ext" "$T/share"
done
[ "$(cat "$T/victim")" = "keep me" ] && [ "$(stat -c %a "$T/victim")" = 644 ] || fail "a link's target was written"
expect_fail "cannot create report /dev/full: it is a device" scan -f json -o /dev/full "$T/share"
[ -c /dev/full ] || fail "/dev/full was replaced"
expect_fail "cannot create report $T/share: it is a directory" scan -f json -o "$T/share" "$T/share"
# under cron (env -i: no HOME, no key named): no key is an error that says what to do, not a run
# whose fingerprints match nothing; --ephemeral-key allows it, and the report says so
cron() { env -i PATH="$PATH" PDPSCAN_SYSTEM_KEY="$T/etc/pdpscan/key" "$@"; }
rc=0
cron "$PDPSCAN" scan -q -o "$T/cron.json" "$T/share" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "no key under env -i: exit $rc"
grep -q "no key file.*pdpscan key init" "$T/err" || fail "no key: $(cat "$T/err")"
[ ! -e "$T/cron.json" ] || fail "a report was written with no key"
rc=0
cron "$PDPSCAN" scan -q --ephemeral-key -o "$T/cron.json" "$T/share" 2>"$T/err" || rc=$?
[ "$rc" = 0 ] || fail "--ephemeral-key: exit $rc: $(cat "$T/err")"
[ "$(rq "$T/cron.json" "r['scan']['options']['ephemeral_key']")" = True ] || fail "the report does not say its key was of this run only"
ok
# a system key, made once: two cron runs then agree on fingerprints
printf 'SĐT: 0912345678\n' >"$T/share/phone.txt"
mkdir "$T/etc"
cron "$PDPSCAN" key init --system >"$T/out" 2>"$T/err" || fail "key init --system: $(cat "$T/err")"
[ "$(stat -c %a "$T/etc/pdpscan/key")" = 640 ] || fail "system key mode $(stat -c %a "$T/etc/pdpscan/key")"
cron "$PDPSCAN" key init --system >/dev/null 2>&1 && fail "key init overwrote an existing key"
for run in 1 2; do
    rc=0
    cron "$PDPSCAN" scan -q -o "$T/cron$run.json" "$T/share" 2>"$T/err" || rc=$?
    [ "$rc" = 1 ] || fail "cron run $run with the system key: exit $rc: $(cat "$T/err")"
    [ "$(rq "$T/cron$run.json" "r['scan']['options']['ephemeral_key']")" = False ] || fail "cron run $run: ephemeral key"
done
[ "$(rq "$T/cron1.json" "[f['fingerprint'] for f in r['findings']]")" = "$(rq "$T/cron2.json" "[f['fingerprint'] for f in r['findings']]")" ] ||
    fail "two cron runs with the system key disagree on fingerprints"
# with a home and no system key, the first run makes the user's key, as the quick start expects
mkdir "$T/home"
rc=0
env -i PATH="$PATH" HOME="$T/home" PDPSCAN_SYSTEM_KEY="$T/none/key" "$PDPSCAN" scan -q -o "$T/home.json" "$T/share" 2>"$T/err" || rc=$?
[ "$rc" = 1 ] || fail "a first run with a home: exit $rc: $(cat "$T/err")"
[ "$(stat -c %a "$T/home/.config/pdpscan/key" 2>/dev/null)" = 600 ] || fail "no user key created"
rm "$T/share/phone.txt"
ok
# keys that hide nothing, or that anyone could change
expect_fail "key file /dev/zero: not a regular file" scan --key-file /dev/zero "$T/share"
head -c 32 /dev/zero >"$T/zero.key"
chmod 600 "$T/zero.key"
expect_fail "one byte repeated" scan --key-file "$T/zero.key" "$T/share"
cp "$PDPSCAN_KEY_FILE" "$T/open.key"
chmod 666 "$T/open.key"
expect_fail "anyone may write it (mode 666)" scan --key-file "$T/open.key" "$T/share"
chmod 644 "$T/open.key"
rc=0
"$PDPSCAN" scan -q --key-file "$T/open.key" -o "$T/open.json" "$T/share" 2>"$T/err" || rc=$?
[ "$rc" = 0 ] || fail "a key readable by others is refused: $(cat "$T/err")"
grep -q "key file $T/open.key is readable by anyone" "$T/err" || fail "a key readable by others is not warned about"
ok
[ ! -e "$T/no" ] || fail "a report directory appeared"
rc=0; "$PDPSCAN" --help >"$T/out" || rc=$?
expect_rc 0
grep -q "Exit codes" "$T/out" || fail "--help lacks exit codes"
ok
# the README's option list is the option table, as --help prints it
sed -n '/^Scan options:$/,/^$/p' "$T/out" | sed '1d;$d' >"$T/help-options"
sed -n '/^<!-- scan-options -->$/,/^<!-- \/scan-options -->$/p' "$PD_SRCDIR/README.md" | sed '1,2d;$d' | sed '$d' >"$T/readme-options"
[ -s "$T/help-options" ] || fail "--help lists no scan options"
diff -u "$T/readme-options" "$T/help-options" >"$T/options.diff" ||
    fail "README's option list differs from --help: $(cat "$T/options.diff")"
ok
scan "$T/r.json" "$T/share"
expect_rc 0
# -q with no -o or -f prints nothing but errors; the exit code still tells what was found, and
# an unreadable root is still said
mkdir "$T/qshare"
printf 'SĐT: 0912345678\n' >"$T/qshare/phone.txt"
rc=0
"$PDPSCAN" scan -q "$T/qshare" >"$T/q.out" 2>"$T/q.err" || rc=$?
expect_rc 1
[ ! -s "$T/q.out" ] || fail "-q printed a report: $(head -3 "$T/q.out")"
! grep -q "^Units:\|^Findings:" "$T/q.err" || fail "-q printed a summary on stderr"
rc=0
"$PDPSCAN" scan -q "$T/qshare" "$T/no-such-root" >"$T/q.out" 2>"$T/q.err" || rc=$?
expect_rc 1
grep -q "no-such-root" "$T/q.err" || fail "-q hid an unreadable root"
[ ! -s "$T/q.out" ] || fail "-q printed a report"
# with -f it is the report, to standard output
rc=0
"$PDPSCAN" scan -q -f json "$T/qshare" >"$T/q.json" 2>/dev/null || rc=$?
expect_rc 1
validate "$T/q.json"
done_testing
