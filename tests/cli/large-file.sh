#!/bin/sh
# A 1 GiB sparse file with values at both ends: streamed in windows, found, and peak memory
# stays far below the 200 MB design limit. Its zeros make it binary data: --binary reads it.
. "$PD_SRCDIR/tests/cli/lib.sh"
printf 'Số CCCD: 001087123456\n' >"$T/huge.dat"
truncate -s 1G "$T/huge.dat"
printf 'SĐT: 0912345678\n' >>"$T/huge.dat"
size=$(stat -c %s "$T/huge.dat")
rc=0
/usr/bin/time -f '%M' -o "$T/rss" "$PDPSCAN" scan -q -j 2 -f json --binary -o "$T/r.json" "$T/huge.dat" 2>"$T/stderr" || rc=$?
expect_rc 1
validate "$T/r.json"
expect_count "$T/r.json" vn.cccd huge.dat 1
expect_count "$T/r.json" vn.phone huge.dat 1
[ "$(rq "$T/r.json" "[f['location']['offset'] for f in r['findings'] if f['detector']=='vn.phone']")" = "[$((size - 11))]" ] ||
    fail "offset of the value at the end is wrong"
ok
expect_status "$T/r.json" huge.dat scanned
# no core dump while it runs: one would hold the values being scanned, in clear
truncate -s 4G "$T/huge.dat"
"$PDPSCAN" scan -q -j 1 --binary -f json -o "$T/r2.json" "$T/huge.dat" 2>/dev/null &
pid=$!
limits="" # read until main() has set them, or the scan ends
for i in $(seq 1 200); do
    limits=$(grep "Max core file size" "/proc/$pid/limits" 2>/dev/null) || break
    echo "$limits" | grep -Eq "Max core file size +0 +0 " && break
    sleep 0.02
done
kill "$pid" 2>/dev/null || true # the limits are read: the rest of the scan is not needed
wait "$pid" || true
echo "$limits" | grep -Eq "Max core file size +0 +0 " || fail "core dumps allowed: ${limits:-(the scan ended first)}"
ok
rss_kb=$(tail -n 1 "$T/rss")
limit_kb=200000
case "${PD_SANITIZED:-}" in yes) limit_kb=600000 ;; esac # ASan shadow memory and quarantine
[ "$rss_kb" -lt "$limit_kb" ] || fail "peak RSS ${rss_kb} KiB over ${limit_kb} KiB"
ok
# many small files dense with findings: units wait for the report thread within a memory budget
# (each lists 10,000 findings, 3.6 MB; 200 files used to peak at 220-330 MB, now about 100 MB)
files=200
[ "${PD_SANITIZED:-}" = yes ] && files=40 # the budget's logic still runs; memory is not measured
mkdir "$T/dense"
"$PY" - "$T/dense" "$files" <<'PYEOF'
import sys
for k in range(int(sys.argv[2])):
    with open(f"{sys.argv[1]}/f{k:03d}.csv", "w") as f:
        f.writelines(f"091{(k * 10200 + n) % 10000000:07d}\n" for n in range(10200))
PYEOF
rc=0
/usr/bin/time -f '%M' -o "$T/rss" "$PDPSCAN" scan -q -j 2 -f jsonl -o "$T/dense.jsonl" "$T/dense" 2>"$T/stderr" || rc=$?
expect_rc 1
[ "$(grep -c '"type":"finding"' "$T/dense.jsonl")" = $((files * 10000)) ] || fail "dense files: not every finding listed"
ok
rss_kb=$(tail -n 1 "$T/rss")
if [ "${PD_SANITIZED:-}" != yes ]; then # ASan's quarantine keeps freed units alive on purpose
    [ "$rss_kb" -lt 150000 ] || fail "dense files: peak RSS ${rss_kb} KiB over 150000 KiB"
    ok
fi
# --max-file-size skips it with the reason instead
scan "$T/max.json" --max-file-size 100M "$T/huge.dat"
expect_rc 0
expect_status "$T/max.json" huge.dat skipped "larger than --max-file-size"
done_testing
