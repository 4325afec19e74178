#!/bin/sh
# A 1 GiB sparse file with values at both ends: streamed in windows, found, and peak memory
# stays far below the 200 MB design limit.
. "$PD_SRCDIR/tests/cli/lib.sh"
printf 'Số CCCD: 001087123456\n' >"$T/huge.dat"
truncate -s 1G "$T/huge.dat"
printf 'SĐT: 0912345678\n' >>"$T/huge.dat"
size=$(stat -c %s "$T/huge.dat")
rc=0
/usr/bin/time -f '%M' -o "$T/rss" "$PDPSCAN" scan -q -j 2 -f json -o "$T/r.json" "$T/huge.dat" 2>"$T/stderr" || rc=$?
expect_rc 1
validate "$T/r.json"
expect_count "$T/r.json" vn.cccd huge.dat 1
expect_count "$T/r.json" vn.phone huge.dat 1
[ "$(rq "$T/r.json" "[f['location']['offset'] for f in r['findings'] if f['detector']=='vn.phone']")" = "[$((size - 11))]" ] ||
    fail "offset of the value at the end is wrong"
ok
expect_status "$T/r.json" huge.dat scanned
rss_kb=$(tail -n 1 "$T/rss")
limit_kb=200000
case "${PD_SANITIZED:-}" in yes) limit_kb=600000 ;; esac # ASan shadow memory and quarantine
[ "$rss_kb" -lt "$limit_kb" ] || fail "peak RSS ${rss_kb} KiB over ${limit_kb} KiB"
ok
# --max-file-size skips it with the reason instead
scan "$T/max.json" --max-file-size 100M "$T/huge.dat"
expect_rc 0
expect_status "$T/max.json" huge.dat skipped "larger than --max-file-size"
done_testing
