#!/bin/sh
# Structured data: every field name labels its value, in every format and encoding. A labelled
# corpus (tests/eval/labelled-corpus.py: JSON, JSON Lines, both SQL dump dialects, CSV in UTF-8,
# UTF-16, CP1258, NFD and without accents with a title and a note row, tables in text, Markdown
# and HTML, logs, YAML, XML, e-mail, DOCX/XLSX/ODT/ODS, PDF, zip) is scanned as a user would, and
# precision and recall are checked per format and per encoding; decoys under look-alike keys must
# stay below medium confidence. Then the shapes other people's test data hold, the field path of
# findings, Parquet, and a JSON array larger than the memory limit read in bounded memory.
. "$PD_SRCDIR/tests/cli/lib.sh"
"$PY" "$PD_SRCDIR/tests/eval/labelled-corpus.py" "$T/lc" 12 >/dev/null || fail "corpus generation failed"
rc=0
"$PDPSCAN" scan -q --reveal -f json -o "$T/lc.json" "$T/lc/files" >"$T/stdout" 2>"$T/stderr" || rc=$?
expect_rc 1
validate "$T/lc.json"
"$PY" "$PD_SRCDIR/tests/eval/score.py" "$T/lc.json" "$T/lc/truth.json" --check 0.95 0.95 0.90 >"$T/score" 2>&1 ||
    fail "labelled corpus below target: $(cat "$T/score")"
ok
# the field that labelled a value is in the report
[ "$(rq "$T/lc.json" "sorted({f['location'].get('field') for f in r['findings'] if f['location']['path'].endswith('khach-hang.json') and f['detector'] == 'person_name'})")" = "['data.khachHang[].fullName']" ] ||
    fail "JSON path of a name: $(rq "$T/lc.json" "sorted({f['location'].get('field') for f in r['findings'] if f['location']['path'].endswith('khach-hang.json')})")"
[ "$(rq "$T/lc.json" "sorted({f['location'].get('field') for f in r['findings'] if f['location']['path'].endswith('mysql-dump.sql') and f['detector'] == 'vn.cmnd'})")" = "['nhan_vien.so_cmnd']" ] ||
    fail "SQL dump column of a CMND"
ok
# a value's span in a dump is the value: not its closing quote (pdpscan redact replaces the span)
"$PY" - "$T/lc.json" <<'PYEOF' || fail "SQL dump spans"
import json, sys
r = json.load(open(sys.argv[1]))
seen = 0
for f in r["findings"]:
    p = f["location"]["path"]
    if p.endswith(".sql"):
        b = open(p, "rb").read()
        span = b[f["location"]["offset"]:f["location"]["offset"] + f["location"]["length"]]
        assert span[-1:] != b"'" and span[:1] != b"'", (p, span)
        seen += 1
assert seen > 10, seen
PYEOF
ok
# the text summary a user reads names the same findings
"$PDPSCAN" scan "$T/lc/files/sql/pg-dump.sql" >"$T/text" 2>&1 || true
grep -q "person_name" "$T/text" || fail "text summary of a dump lists no name"
ok

# shapes: plates in every form, tax codes grouped and with their branch, cards of every brand,
# punycode domains, IPv6, NAPAS cards of 19 digits; decoys that must not be reported
mkdir "$T/shapes"
cat >"$T/shapes/shapes.txt" <<'EOF'
Biển số xe: 29F3 9999
Biển số xe 43A1 000.52 đỗ trước cổng
Biển kiểm soát 51G99999
Xe ô tô biển số 50HA 6666
Xe ngoại giao biển số 80-011-NG-01 và 80NG-636-70
Xe máy điện biển số 29MĐ1 94190

Mã số thuế: 0401 443 048

Thẻ Visa: 4222222222222
Thẻ Discover: 6011000990139424
Thẻ Mir: 2200000000000004

Email: a@xn--d1acufc.xn--p1ai

IP máy chủ: 2001:db8:85a3::8a2e:370:7334

Thẻ ATM: 9704 1234 5678 9012 345

Mật khẩu email tạm: Xk8#pq2!
EOF
printf 'Cuộc họp với đối tác.\n\nThông tin đối tác: 0100233488\n' >"$T/shapes/partner.txt"
printf 'Gồm có con dấu Chỉ người có tên mới được bóc bì: Mẫu số 07 trong phụ lục.\n' >"$T/shapes/stamp.txt"
printf 'Log 10:30:00 std::string a::b 00:1a:2b:3c:4d:5e ok\n' >"$T/shapes/colons.txt"
printf 'Chi nhánh: 0100112437000\n' >"$T/shapes/branch000.txt"
"$PY" - "$T/shapes/msg.eml" <<'PYEOF'
import sys
from email.message import EmailMessage
m = EmailMessage()
m["From"], m["To"], m["Subject"] = "hr@congty-vidu.vn", "kt@congty-vidu.vn", "Báo cáo"
m["Message-ID"] = "<abc.123@congty-vidu.vn>"
m["References"] = "<xyz.456@congty-vidu.vn>"
m.set_content("Gửi anh chị báo cáo tuần.")
open(sys.argv[1], "wb").write(bytes(m))
PYEOF
cp "$PD_SRCDIR/tests/data/table-tcvn3-stamp.doc" "$T/shapes/"   # a legacy .doc: TCVN3 stamp over a table
printf 'PAR1\025\000\025\034\025\034Nguyen Van An 0912345678PAR1' >"$T/shapes/data.parquet"
rc=0
"$PDPSCAN" scan -q --reveal -f json -o "$T/s.json" "$T/shapes" >"$T/stdout" 2>"$T/stderr" || rc=$?
validate "$T/s.json"
values() { rq "$T/s.json" "sorted(f['value']['clear'] for f in r['findings'] if f['detector']=='$1' and f['confidence'] >= 50 and f['location']['path'].endswith('$2'))"; }
[ "$(values vn.plate shapes.txt)" = "['29F3 9999', '29MĐ1 94190', '43A1 000.52', '50HA 6666', '51G99999', '80-011-NG-01', '80NG-636-70']" ] ||
    fail "plates: $(values vn.plate shapes.txt)"
[ "$(values vn.mst shapes.txt)" = "['0401 443 048']" ] || fail "grouped tax code: $(values vn.mst shapes.txt)"
[ "$(values card.pan shapes.txt)" = "['2200000000000004', '4222222222222', '6011000990139424']" ] ||
    fail "cards: $(values card.pan shapes.txt)"
[ "$(values email shapes.txt)" = "['a@xn--d1acufc.xn--p1ai']" ] || fail "punycode address: $(values email shapes.txt)"
[ "$(values ip shapes.txt)" = "['2001:db8:85a3::8a2e:370:7334']" ] || fail "IPv6: $(values ip shapes.txt)"
[ "$(values vn.bank_card shapes.txt)" = "['9704 1234 5678 9012 345']" ] || fail "NAPAS 19 digits: $(values vn.bank_card shapes.txt)"
[ "$(values vn.credentials shapes.txt)" = "['Xk8#pq2!']" ] || fail "credential in speech: $(values vn.credentials shapes.txt)"
ok
# decoys: "thông tin" is no TIN, a stamp named in a sentence is no marking, colons are no IPv6,
# a branch 000 is no tax code, message identifiers are no addresses
[ "$(values vn.mst partner.txt)" = "[]" ] || fail "'Thông tin đối tác' raised a tax code: $(values vn.mst partner.txt)"
[ "$(rq "$T/s.json" "[f['detector'] for f in r['findings'] if f['location']['path'].endswith('stamp.txt')]")" = "[]" ] ||
    fail "a stamp named in a sentence was reported as a marking"
[ "$(rq "$T/s.json" "[f['detector'] for f in r['findings'] if f['location']['path'].endswith('colons.txt')]")" = "[]" ] ||
    fail "times, code and MAC addresses read as IPv6"
[ "$(values vn.mst branch000.txt)" = "[]" ] || fail "branch suffix 000 accepted"
[ "$(values email msg.eml!headers)" = "['hr@congty-vidu.vn', 'kt@congty-vidu.vn']" ] ||
    fail "e-mail headers: $(values email msg.eml!headers)"
ok
# the legacy .doc: the stamp in capitals, the table's cells labelled by its header
[ "$(rq "$T/s.json" "[(f['detector'], f['value']['clear']) for f in r['findings'] if f['location']['path'].endswith('.doc') and f['category'] == 'state_secret']")" = "[('vn.secret_mark', 'TỐI MẬT')]" ] ||
    fail "TCVN3 stamp in a .doc: $(rq "$T/s.json" "[(f['detector'], f['value']['clear']) for f in r['findings'] if f['location']['path'].endswith('.doc')]")"
[ "$(rq "$T/s.json" "sorted((f['detector'], f['location'].get('field'), f['value']['clear']) for f in r['findings'] if f['location']['path'].endswith('.doc') and f['detector'] in ('person_name', 'vn.cmnd'))")" = \
  "[('person_name', 'Họ và tên', 'Lê Văn Cường'), ('person_name', 'Họ và tên', 'Nguyễn Thị Hằng'), ('vn.cmnd', 'Số CMND', '012345678'), ('vn.cmnd', 'Số CMND', '023456789')]" ] ||
    fail "table in a .doc: $(rq "$T/s.json" "[(f['detector'], f['location'].get('field'), f['value']['clear']) for f in r['findings'] if f['location']['path'].endswith('.doc')]")"
ok
expect_status "$T/s.json" data.parquet skipped "format not supported"
[ "$(rq "$T/s.json" "[f for f in r['findings'] if 'parquet' in f['location']['path']]")" = "[]" ] || fail "parquet bytes scanned"
ok

# a JSON array larger than the 200 MB design limit: read window by window, values at both ends
# found with their path, peak memory bounded
mb=240
limit_kb=200000
case "${PD_SANITIZED:-}" in yes) mb=48; limit_kb=600000 ;; esac # ASan: shadow memory, slower
"$PY" - "$T/big.json" "$mb" <<'PYEOF'
import sys
pad = "x" * 1000
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write('{"export": "2024", "khach_hang": [\n')
    f.write('{"ho_ten": "Nguyễn Văn An", "ghi_chu": "%s"}' % pad)
    for i in range(int(sys.argv[2]) * 1000):
        f.write(',\n{"ma_don_hang": "DH%08d", "ghi_chu": "%s"}' % (i, pad))
    f.write(',\n{"ho_ten": "Tr\\u1ea7n Th\\u1ecb B\\u00ecnh", "ghi_chu": "cuối"}\n]}\n')
PYEOF
rc=0
/usr/bin/time -f '%M' -o "$T/rss" "$PDPSCAN" scan -q --reveal -j 2 -f json -o "$T/big-r.json" "$T/big.json" 2>"$T/stderr" || rc=$?
expect_rc 1
[ "$(rq "$T/big-r.json" "[(f['value']['clear'], f['location']['field']) for f in r['findings'] if f['detector'] == 'person_name']")" = \
  "[('Nguyễn Văn An', 'khach_hang[].ho_ten'), ('Trần Thị Bình', 'khach_hang[].ho_ten')]" ] ||
    fail "names at both ends of a large array: $(rq "$T/big-r.json" "[(f['value']['clear'], f['location'].get('field')) for f in r['findings']]")"
expect_status "$T/big-r.json" big.json scanned
rss_kb=$(tail -n 1 "$T/rss")
[ "$rss_kb" -lt "$limit_kb" ] || fail "peak RSS ${rss_kb} KiB over ${limit_kb} KiB for a ${mb} MB array"
ok
done_testing
