#!/bin/sh
# Large text files scanned in slices by several threads give exactly the report of one thread
# reading them whole: the same findings with the same offsets, lines, columns, values and
# fingerprints, the same listing cap, for UTF-8, UTF-16 and a file without line breaks; an
# interrupted sliced scan still writes a valid partial report.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir "$T/big"
"$PY" - "$T/big" <<'PYEOF'
import os, sys
d = sys.argv[1]
prose = "Nội dung văn bản không có dữ liệu cá nhân, lặp lại để làm đầy tệp. "
lines, n = [], 0
while sum(len(l.encode()) for l in lines) < 1_500_000:
    n += 1
    lines.append(prose[: (n * 7919) % len(prose)] + f"Họ và tên: Nguyễn Văn An\n")
    lines.append(f"SĐT: 09{n % 10}{n:07d}, email nv{n}@congty-vidu.vn, CCCD 0010{n % 100:02d}{n % 1000000:06d}\n")
text = "".join(lines)
open(os.path.join(d, "prose.txt"), "w", encoding="utf-8").write(text)
open(os.path.join(d, "utf16.txt"), "wb").write(b"\xff\xfe" + text[:600_000].encode("utf-16-le"))
open(os.path.join(d, "oneline.txt"), "w", encoding="utf-8").write(text.replace("\n", " ; "))
PYEOF
scan "$T/whole.json" -j 1 --split-size 0 "$T/big"
expect_rc 1
scan "$T/sliced.json" -j 3 --split-size 64K --window-size 16K "$T/big"
expect_rc 1
"$PY" - "$T/whole.json" "$T/sliced.json" <<'PYEOF' || fail "sliced scan differs from the whole-file scan"
import json, sys
def view(p):
    r = json.load(open(p))
    f = sorted((f["fingerprint"], f["detector"], f["location"]["path"], f["location"]["offset"],
                f["location"]["length"], f["location"]["line"], f["location"]["column"], f["confidence"],
                f["value"]["masked"], f["value"]["hash"], json.dumps(f["attributes"], sort_keys=True))
               for f in r["findings"])
    u = sorted((u["path"], u["status"], u["reason"], u["bytes_scanned"], u["findings"], u["findings_unlisted"],
                u["encoding"]) for u in r["units"])
    return f, u, r["counters"], r["totals"]["by_detector"]
a, b = view(sys.argv[1]), view(sys.argv[2])
for name, x, y in zip(("findings", "units", "counters", "totals"), a, b):
    assert x == y, (name, [e for e in x if e not in y][:3], [e for e in y if e not in x][:3])
r = json.load(open(sys.argv[1]))
units = {u["path"].rsplit("/", 1)[1]: u for u in r["units"]}
assert units["prose.txt"]["findings_unlisted"] > 0, "the test file should pass the listing cap"
assert units["utf16.txt"]["encoding"] == "utf-16le" and units["utf16.txt"]["findings"] > 1000
assert all(u["status"] == "scanned" for u in r["units"]), r["units"]
PYEOF
ok

# a file deleted, or grown, while its slices are scanned: slices share the file opened first, so
# the file is read whole (not "vanished" or "changed" half way), with its 2 findings a line. The
# scan is stopped as soon as it opens the file (4 slices, 2 threads: two slices are still queued),
# the file changed, and the scan continued.
"$PY" - "$T/dense.txt" <<'PYEOF'
import sys
with open(sys.argv[1], "w") as f:
    f.writelines(f"Khách hàng Nguyễn Văn An, SĐT 09{n % 10}{n:07d}, email nv{n}@congty-vidu.vn\n" for n in range(500_000))
PYEOF
for change in delete grow; do
    ln "$T/dense.txt" "$T/d-$change.txt"
    rc=0
    "$PDPSCAN" scan -q -j 2 --split-size 8M -f json -o "$T/d-$change.json" "$T/d-$change.txt" 2>"$T/stderr" &
    pid=$!
    stop_when_open $pid "d-$change.txt"
    if [ $change = delete ]; then rm "$T/d-$change.txt"; else printf 'x 0912345678 x@congty-vidu.vn\n' >>"$T/d-$change.txt"; fi
    kill -CONT $pid
    wait $pid || rc=$?
    expect_rc 1
    validate "$T/d-$change.json"
    expect_status "$T/d-$change.json" "d-$change.txt" scanned
    got=$(rq "$T/d-$change.json" "r['counters']['findings']")
    [ "$got" -ge 1000000 ] || fail "file changed mid-scan ($change): $got findings of 1000000"
    ok
done

# SIGINT while slices of a big file are being scanned: a valid report, the file partial (read
# with --binary: zeros are binary data, skipped otherwise)
truncate -s 1G "$T/big/zeros.bin"
rc=0
"$PDPSCAN" scan -q -j 2 --binary --split-size 64M -f json -o "$T/int.json" "$T/big/zeros.bin" 2>"$T/stderr" &
pid=$!
wait_open $pid zeros.bin
kill -s INT $pid
wait $pid || rc=$?
expect_rc 3
validate "$T/int.json"
expect_status "$T/int.json" zeros.bin partial "interrupted"
done_testing
