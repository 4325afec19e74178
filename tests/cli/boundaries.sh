#!/bin/sh
# A multi-megabyte file with values straddling window boundaries: each found exactly once, the
# same with small and default windows.
. "$PD_SRCDIR/tests/cli/lib.sh"
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
done
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
done_testing
