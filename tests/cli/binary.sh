#!/bin/sh
# Binary files: skipped with the reason and counted, as ripgrep skips them; with --binary only
# their printable strings are read. Archives, compressed files and UTF-16 text, which hold NUL
# bytes too, are still opened and read.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/b"
"$PY" - "$T/b" <<'PYEOF'
import gzip, os, random, sys
d = sys.argv[1]
r = random.Random(16)
junk = lambda n: bytes(r.choice([0, 1, 2, 0x7F, 0x80, 0x9F, 0xC0, 0xFF]) for _ in range(n))
# a record written into a data file as text, between runs of non-printable bytes
data = junk(3000) + "Số CCCD: 079193001234\n".encode() + junk(3000)
# decoys: a CCCD-shaped number cut by a control byte every three digits (no run of four), and an
# e-mail address with a NUL in it
data += b"\x00079\x01193\x02001\x03234\x00" + junk(500) + b"nv@\x00vi.du.vn" + junk(500)
open(os.path.join(d, "records.dat"), "wb").write(data)
open(os.path.join(d, "text.gz"), "wb").write(gzip.compress("Số CCCD: 079193001234\n".encode()))
open(os.path.join(d, "utf16.txt"), "wb").write("Số CCCD: 079193001234\n".encode("utf-16-le"))
PYEOF

# by default: skipped, with the reason, counted; no finding in it; the others read
scan "$T/r.json" "$T/b"
expect_status "$T/r.json" records.dat skipped "binary data"
[ "$(rq "$T/r.json" "r['counters']['binary']")" = 1 ] || fail "binary files are not counted"
expect_count "$T/r.json" vn.cccd records.dat 0
expect_count "$T/r.json" vn.cccd "text.gz!data" 1
expect_count "$T/r.json" vn.cccd utf16.txt 1
[ "$(rq "$T/r.json" "[u['encoding'] for u in r['units'] if u['path'].endswith('utf16.txt')][0]")" = utf-16le ] ||
    fail "UTF-16 text taken for binary"
ok
# the terminal summary says it, and how to read them
rc=0
"$PDPSCAN" scan "$T/b" >"$T/out.txt" 2>"$T/stderr" || rc=$?
grep -q "^Binary files: 1 (skipped; --binary reads their printable strings)" "$T/out.txt" ||
    fail "the summary does not say binary files were skipped: $(cat "$T/out.txt")"
ok

# --binary: the strings are read, at their offsets in the file; the decoys stay silent
scan "$T/s.json" --binary "$T/b"
expect_status "$T/s.json" records.dat scanned
[ "$(rq "$T/s.json" "[u['encoding'] for u in r['units'] if u['path'].endswith('records.dat')][0]")" = binary ] ||
    fail "encoding of a binary file read for its strings"
expect_count "$T/s.json" vn.cccd records.dat 1
expect_count "$T/s.json" email records.dat 0
[ "$(rq "$T/s.json" "[f['location']['offset'] for f in r['findings'] if f['location']['path'].endswith('records.dat')]")" = \
  "[3011]" ] || fail "offset of a value in a binary file"
[ "$(rq "$T/s.json" "r['counters']['binary']")" = 1 ] || fail "binary files read are not counted"
[ "$(rq "$T/s.json" "r['scan']['options']['binary']")" = True ] || fail "--binary is not in the report's options"
ok
done_testing
