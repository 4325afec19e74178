#!/bin/sh
# The same record in every encoding the scanner decodes: found once each, at the right line.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir "$T/enc"
record='Hồ sơ mẫu\nHọ và tên: Đặng Thị Mai\nSố CCCD: 079301001234\nSĐT: 0987654321\nTỐI MẬT\n'
printf "$record" >"$T/enc/utf8.txt"
printf "$record" | iconv -f UTF-8 -t UTF-16 >"$T/enc/utf16-bom.txt"          # BOM, little endian here
printf "$record" | iconv -f UTF-8 -t UTF-16BE | { printf '\376\377'; cat; } >"$T/enc/utf16be-bom.txt"
printf "$record" | iconv -f UTF-8 -t UTF-16LE >"$T/enc/utf16le-nobom.txt"
printf "$record" | "$PY" -c 'import sys,unicodedata; sys.stdout.write(unicodedata.normalize("NFD", sys.stdin.read()))' >"$T/enc/nfd.txt"
printf "$record" | sed 's/$/\r/' >"$T/enc/crlf.txt"
# invalid UTF-8 and NUL bytes around the values
{ printf 'garbage \377\376\300 here\n'; printf "$record"; printf '\000\000\000 tail \351\n'; } >"$T/enc/broken.txt"
scan "$T/r.json" "$T/enc"
expect_rc 1
for f in utf8.txt utf16-bom.txt utf16be-bom.txt utf16le-nobom.txt nfd.txt crlf.txt; do
    expect_count "$T/r.json" vn.cccd "/$f" 1
    expect_count "$T/r.json" vn.phone "/$f" 1
    expect_count "$T/r.json" person_name "/$f" 1
    expect_count "$T/r.json" vn.secret_mark "/$f" 1
    [ "$(rq "$T/r.json" "[f['location']['line'] for f in r['findings'] if f['detector']=='vn.cccd' and f['location']['path'].endswith('/$f')]")" = "[3]" ] ||
        fail "$f: CCCD not reported on line 3"
    ok
done
expect_count "$T/r.json" vn.cccd /broken.txt 1
[ "$(rq "$T/r.json" "[f['location']['line'] for f in r['findings'] if f['detector']=='vn.cccd' and f['location']['path'].endswith('/broken.txt')]")" = "[4]" ] ||
    fail "broken.txt: wrong line"
ok
[ "$(rq "$T/r.json" "[u['encoding'] for u in r['units'] if u['path'].endswith('utf16be-bom.txt')]")" = "['utf-16be']" ] ||
    fail "UTF-16BE not recognised"
[ "$(rq "$T/r.json" "[u['encoding'] for u in r['units'] if u['path'].endswith('utf16le-nobom.txt')]")" = "['utf-16le']" ] ||
    fail "UTF-16LE without BOM not recognised"
ok
# byte offsets point at the value in the original file (UTF-16: two bytes per unit)
"$PY" - "$T/r.json" "$T/enc" <<'PYEOF' || fail "offsets do not point at the values"
import json, sys, os
r = json.load(open(sys.argv[1]))
for f in r["findings"]:
    if f["detector"] != "vn.cccd":
        continue
    p = f["location"]["path"]
    raw = open(p, "rb").read()[f["location"]["offset"]:f["location"]["offset"] + f["location"]["length"]]
    enc = {"utf16-bom.txt": "utf-16-le", "utf16le-nobom.txt": "utf-16-le", "utf16be-bom.txt": "utf-16-be"}.get(os.path.basename(p), "utf-8")
    assert raw.decode(enc) == "079301001234", (p, raw)
PYEOF
ok
done_testing
