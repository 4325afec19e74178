#!/bin/sh
# The progress line on stderr: drawn in place on a terminal (a pseudo-terminal from script(1)),
# never on a file or a pipe unless --progress asks for it, never with -q or --no-progress; the
# report and the summary are the same with it.
. "$PD_SRCDIR/tests/cli/lib.sh"
command -v script >/dev/null 2>&1 || { echo "script(1) is missing: skipped"; exit 77; }
cp -r "$PD_SRCDIR/examples/share" "$T/share"
tty_run() { # ARGS...: pdpscan scan under a pseudo-terminal; what the terminal showed in $T/tty
    rc=0
    timeout 60 script -qec "'$PDPSCAN' scan $*" /dev/null </dev/null >"$T/tty" 2>&1 || rc=$?
}
tty_run -f json -o "'$T/p.json'" "'$T/share'"
expect_rc 1
validate "$T/p.json"
grep -q "pdpscan: .*files.*findings" "$T/tty" || fail "no progress line on a terminal: $(cat -v "$T/tty")"
grep -q "$(printf '\r')" "$T/tty" || fail "the progress line is not redrawn in place"
grep -q "^Units: " "$T/tty" || fail "the summary is missing after the progress line"
ok
for flag in -q --no-progress; do
    tty_run "$flag" -f json -o "'$T/q.json'" "'$T/share'"
    expect_rc 1
    ! grep -q "pdpscan: .*files.*findings" "$T/tty" || fail "$flag: a progress line on a terminal"
done
ok
# not a terminal: nothing unless asked; asked: plain lines, no carriage return
scan "$T/n.json" "$T/share"
! grep -q "files.*findings" "$T/stderr" || fail "a progress line on a file"
scan "$T/f.json" --progress "$T/share"
grep -q "^pdpscan: .*files.*findings" "$T/stderr" || fail "--progress printed nothing: $(cat "$T/stderr")"
! grep -q "$(printf '\r')" "$T/stderr" || fail "--progress drew in place on a file"
[ "$(rq "$T/n.json" "len(r['findings'])")" = "$(rq "$T/f.json" "len(r['findings'])")" ] || fail "the progress line changed the report"
ok
done_testing
