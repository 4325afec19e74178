#!/bin/sh
# SIGINT and SIGTERM end the scan with a complete, valid report marked partial, keeping what was
# found before the signal.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir "$T/share"
printf 'Số CCCD: 001087123456\n' >"$T/share/0-first.txt"
truncate -s 2G "$T/share/slow.bin"
for i in $(seq 1 200); do printf 'SĐT: 0912345678\n' >"$T/share/f$i.txt"; done
for sig in INT TERM; do
    rc=0
    "$PDPSCAN" scan -q -j 2 --binary -f json -o "$T/$sig.json" "$T/share" 2>"$T/stderr" & # zeros: binary
    pid=$!
    wait_open $pid slow.bin
    kill -s $sig $pid
    wait $pid || rc=$?
    expect_rc 3
    validate "$T/$sig.json"
    [ "$(rq "$T/$sig.json" "(r['scan']['partial'], r['scan']['interrupted_by'])")" = "(True, 'SIG$sig')" ] ||
        fail "report not marked partial by SIG$sig"
    ok
    expect_status "$T/$sig.json" slow.bin partial "interrupted"
    [ -z "$(ls "$T" | grep "^$sig.json.tmp")" ] || fail "temporary report left behind"
    ok
done
done_testing
