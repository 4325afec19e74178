#!/bin/sh
# A multi-megabyte file with values straddling window boundaries: each found exactly once, the
# same with small and default windows.
. "$PD_SRCDIR/tests/cli/lib.sh"
# check_positions REPORT FILE: every finding's line and column, counted in the file itself
check_positions() {
    "$PY" - "$1" "$2" <<'PYEOF'
import json, sys
data = open(sys.argv[2], "rb").read()
for f in json.load(open(sys.argv[1]))["findings"]:
    o = f["location"]["offset"]
    assert data.count(b"\n", 0, o) + 1 == f["location"]["line"], f["location"]
    assert o - (data.rfind(b"\n", 0, o) + 1) + 1 == f["location"]["column"], f["location"]
PYEOF
}
"$PY" - "$T/big.txt" <<'PYEOF'
import sys
out = open(sys.argv[1], "w", encoding="utf-8")
pos, n = 0, 0
filler = "Nội dung văn bản không có dữ liệu cá nhân, lặp lại để làm đầy tệp. "
# values land at every offset modulo the window and overlap sizes
while n < 3000:
    chunk = filler[: (n * 7919) % len(filler)] + f"\nSĐT: 09{n % 10}{n:07d}\n"
    out.write(chunk)
    n += 1
    for _ in range(n % 5):
        out.write(filler * 3 + "\n")
PYEOF
scan "$T/default.json" "$T/big.txt"
scan "$T/small.json" --window-size 8K "$T/big.txt"
scan "$T/odd.json" --window-size 12345 "$T/big.txt"
for r in default small odd; do
    expect_count "$T/$r.json" vn.phone big.txt 3000
    # lines and columns from the file itself: windows hand the line cursor on at their cut
    check_positions "$T/$r.json" "$T/big.txt" || fail "$r windows: lines or columns do not match the file"
done
# lines longer than half the overlap between windows (4 KiB here), with values all along them:
# a window's first values sit on a line that began in the window before
"$PY" - "$T/long.txt" <<'PYEOF'
import sys
out = open(sys.argv[1], "w", encoding="utf-8")
filler = "văn bản dài không xuống dòng "
for n in range(600):
    out.write("".join(filler * (1 + (n * k) % 9) + f"SĐT: 09{k % 10}{n:04d}{k:03d} " for k in range(12)) + "\n")
PYEOF
scan "$T/long.json" --window-size 8K "$T/long.txt"
expect_count "$T/long.json" vn.phone long.txt 7200
check_positions "$T/long.json" "$T/long.txt" || fail "long lines: lines or columns do not match the file"
ok
[ "$(rq "$T/default.json" "[(f['location']['offset'],f['location']['line']) for f in r['findings']]")" = \
  "$(rq "$T/small.json" "[(f['location']['offset'],f['location']['line']) for f in r['findings']]")" ] ||
    fail "small windows give different offsets or lines"
[ "$(rq "$T/default.json" "[(f['location']['offset'],f['location']['line']) for f in r['findings']]")" = \
  "$(rq "$T/odd.json" "[(f['location']['offset'],f['location']['line']) for f in r['findings']]")" ] ||
    fail "odd window size gives different offsets or lines"
ok
"$PY" - "$T/default.json" "$T/big.txt" <<'PYEOF' || fail "offsets or lines do not match the file"
import json, sys
r = json.load(open(sys.argv[1]))
data = open(sys.argv[2], "rb").read()
for f in r["findings"]:
    o, n = f["location"]["offset"], f["location"]["length"]
    assert data[o:o + n].startswith(b"09"), data[o:o + n]
    assert data.count(b"\n", 0, o) + 1 == f["location"]["line"]
PYEOF
ok

# past the listing cap (10,000 per unit): the first findings in reading order are listed with
# their masked values and hashes, the rest are counted, in the totals too, across windows
"$PY" - "$T/export.csv" <<'PYEOF'
import sys
with open(sys.argv[1], "w") as out:
    out.write("so_cccd,sdt,email\n")
    for n in range(4000):
        out.write(f"0010{n % 100:02d}{n:06d},091{n:07d},nv{n}@congty-vidu.vn\n")
PYEOF
scan "$T/cap.json" --window-size 64K "$T/export.csv"
[ "$(rq "$T/cap.json" "(len(r['findings']), r['counters']['findings'], r['counters']['findings_unlisted'])")" = \
  "(10000, 12000, 2000)" ] || fail "cap: $(rq "$T/cap.json" "r['counters']")"
ok
[ "$(rq "$T/cap.json" "[(d, t['findings']) for d, t in sorted(r['totals']['by_detector'].items())]")" = \
  "[('email', 4000), ('vn.cccd', 4000), ('vn.phone', 4000)]" ] || fail "totals: $(rq "$T/cap.json" "r['totals']")"
ok
# rows 2..3334 hold the 10,000 listed: three per row, and only the ID of the last one
[ "$(rq "$T/cap.json" "(max(f['location']['line'] for f in r['findings']), sorted(f['detector'] for f in r['findings'] if f['location']['line'] == 3335))")" = \
  "(3335, ['vn.cccd'])" ] || fail "not the first findings were listed"
ok
[ "$(rq "$T/cap.json" "sorted(set(f['value']['masked'][:3] + f['value']['masked'][-2:] for f in r['findings'] if f['detector'] == 'vn.cccd'))[:2]")" = \
  "['00100', '00101']" ] || fail "listed IDs are not masked as expected"
ok
done_testing
