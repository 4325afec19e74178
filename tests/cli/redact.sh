#!/bin/sh
# pdpscan redact: a folder of exports (CSV in UTF-8, UTF-16 and CP1258, TSV, JSON, JSON Lines,
# Markdown, SQL INSERT and COPY dumps) comes back as a mirrored tree whose files parse, keep their
# rows, keys, types, BOM and line endings, and in which a rescan finds nothing at or above medium
# confidence; decoys stay as they were. Each operator, pseudonyms across files, runs and keys,
# unsupported formats, malformed inputs, the verification gate and the policy file.
. "$PD_SRCDIR/tests/cli/lib.sh"
export PDPSCAN_KEY_FILE="$T/key"
cp "$PD_SRCDIR/tests/data/test.key" "$T/key"
chmod 600 "$T/key"
mkdir -p "$T/in/sub"
"$PY" - "$T/in" <<'PYEOF'
import json, os, subprocess, sys, zipfile
d = sys.argv[1]
w = lambda name, data: open(os.path.join(d, name), "wb").write(data)
rows = [("Nguyễn Văn An", "001087123456", "0912345678", "an.nguyen@congty-vidu.vn", "DH-2024-000123"),
        ("Trần Thị Bình", "079203004321", "0987654321", "binh.tran@congty-vidu.vn", "DH-2024-000124"),
        ("Lê Văn Cường", "031099000123", "0903123456", "cuong.le@congty-vidu.vn", "DH-2024-000125")]
header = "ho_ten,so_cccd,so_dien_thoai,email,ma_don_hang"
csv = header + "\r\n" + "".join(",".join(r) + "\r\n" for r in rows)
w("khach.csv", b"\xef\xbb\xbf" + csv.encode())                      # BOM and CRLF
w("khach-utf16.csv", b"\xff\xfe" + csv.encode("utf-16-le"))
w("khach-cp1258.csv", subprocess.run(["iconv", "-f", "UTF-8", "-t", "CP1258"], input=csv.replace("\r\n", "\n").encode(),
                                     capture_output=True, check=True).stdout)
w("sub/khach.tsv", ("\n".join("\t".join(r) for r in [tuple(header.split(","))] + rows) + "\n").encode())
w("khach.json", json.dumps({"khach_hang": [{"ho_ten": r[0], "so_cccd": r[1], "so_dien_thoai": r[2], "email": r[3],
                                            "ma_don_hang": r[4]} for r in rows],
                            "tong_dai": {"so_dien_thoai": 84912345678}}, ensure_ascii=False, indent=2).encode())
w("khach.jsonl", "".join(json.dumps({"ho_ten": r[0], "cccd": r[1], "email": r[3], "don": r[4]}, ensure_ascii=False) + "\n"
                         for r in rows).encode())
w("ghi-chu.md", "# Hồ sơ\n\nHọ và tên: Nguyễn Văn An\nSố CCCD: 001087123456\nĐơn hàng DH-2024-000123 giao ngày 03/02/2024\n".encode())
w("dump.sql", ("INSERT INTO `khach_hang` (`ho_ten`,`so_cccd`,`so_dien_thoai`) VALUES " +
               ",".join("('%s','%s','%s')" % r[:3] for r in rows) + ";\n").encode())
w("pg.sql", ("COPY public.khach_hang (ho_ten, so_cccd, so_dien_thoai) FROM stdin;\n" +
             "".join("%s\t%s\t%s\n" % r[:3] for r in rows) + "\\.\n").encode())
with zipfile.ZipFile(os.path.join(d, "kho.zip"), "w") as z:
    z.writestr("a.txt", "Số CCCD: 001087123456\n")
sys.path.insert(0, os.path.join(os.environ["PD_SRCDIR"], "tests"))
from fixtures import docx, xlsx
# a workbook: shared strings (one CCCD split over two rich-text runs), inline strings, a phone as
# a number, a decoy; a document whose name and CCCD are split over runs, with an entity
sheet = ('<row r="1"><c r="A1" t="inlineStr"><is><t>ho_ten</t></is></c><c r="B1" t="inlineStr"><is><t>so_cccd</t></is></c>'
         '<c r="C1" t="inlineStr"><is><t>so_dien_thoai</t></is></c><c r="D1" t="inlineStr"><is><t>ma_don_hang</t></is></c></row>'
         '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2"><v>84912345678</v></c>'
         '<c r="D2" t="s"><v>2</v></c></row>'
         '<row r="3"><c r="A3" t="inlineStr"><is><t>Trần Thị Bình</t></is></c><c r="B3" t="s"><v>1</v></c>'
         '<c r="C3"><v>84987654321</v></c><c r="D3" t="inlineStr"><is><t>DH-2024-000124</t></is></c></row>')
strings = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Nguyễn Văn An</t></si>'
           '<si><r><t>0010</t></r><r><rPr><b/></rPr><t>87123456</t></r></si><si><t>DH-2024-000123</t></si></sst>')
w("khach.xlsx", xlsx(sheet=sheet, strings=strings))
w("ho-so.docx", docx('<w:p><w:r><w:t xml:space="preserve">Họ và tên: </w:t></w:r><w:r><w:t>Nguyễn Văn </w:t></w:r>'
                     '<w:r><w:t>An</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">Số CCCD: 0010</w:t></w:r>'
                     '<w:r><w:rPr><w:b/></w:rPr><w:t>87123456</w:t></w:r><w:r><w:t xml:space="preserve"> &amp; đơn '
                     'DH-2024-000123</w:t></w:r></w:p>'))
# a table whose values only its header row labels
cell = lambda t: "<w:tc><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:tc>" % t
row = lambda *c: "<w:tr>%s</w:tr>" % "".join(cell(x) for x in c)
w("bang.docx", docx("<w:tbl>" + row("STT", "Họ và tên", "Số điện thoại", "Mã đơn") +
                    "".join(row(str(i + 1), r[0], r[2], r[4]) for i, r in enumerate(rows)) + "</w:tbl>"))
PYEOF
find "$T/in" -type f -exec sha256sum {} + | sort >"$T/in.sums"

# redact RUN-NAME [args]: into $T/RUN-NAME, report $T/RUN-NAME.redaction.json, exit code in $rc
redact() {
    name=$1; shift
    rc=0
    "$PDPSCAN" redact -q "$@" -o "$T/$name" >"$T/stdout" 2>"$T/stderr" || rc=$?
    [ "$rc" -le 4 ] || fail "pdpscan redact exited $rc: $(cat "$T/stderr")"
    if [ -f "$T/$name.redaction.json" ]; then
        "$PY" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
            "$PD_SRCDIR/docs/redaction-report.schema.json" "$T/$name.redaction.json" || fail "redaction report does not validate"
    fi
}

# 1. defaults: every text format redacted, the zip listed as not redacted (exit 4)
redact out "$T/in"
expect_rc 4
[ "$(find "$T/in" -type f -exec sha256sum {} + | sort)" = "$(cat "$T/in.sums")" ] || fail "an input was changed"
ok
[ "$(rq "$T/out.redaction.json" "sorted((f['input'].rsplit('/',1)[1], f['status']) for f in r['files'])")" = \
  "[('bang.docx', 'redacted'), ('dump.sql', 'redacted'), ('ghi-chu.md', 'redacted'), ('ho-so.docx', 'redacted'), ('khach-cp1258.csv', 'redacted'), ('khach-utf16.csv', 'redacted'), ('khach.csv', 'redacted'), ('khach.json', 'redacted'), ('khach.jsonl', 'redacted'), ('khach.tsv', 'redacted'), ('khach.xlsx', 'redacted'), ('kho.zip', 'unsupported'), ('pg.sql', 'redacted')]" ] ||
    fail "fates: $(rq "$T/out.redaction.json" "[(f['input'], f['status'], f['reason']) for f in r['files']]")"
ok
[ ! -e "$T/out/kho.zip" ] || fail "an unsupported file was copied without --copy-unsupported"
[ "$(stat -c %a "$T/out/khach.csv")" = 600 ] || fail "a copy is not 0600"
[ -f "$T/out/sub/khach.tsv" ] || fail "the tree is not mirrored"
ok
# check.py SRC OUT OPERATOR: every copy parses as its format with the input's structure, decoys
# stay, the values are gone (with mask: their ends kept)
cat >"$T/check.py" <<'PYEOF'
import csv, io, json, os, sys
src, out, op = sys.argv[1:4]
rd = lambda d, n: open(os.path.join(d, n), "rb").read()
def table(data, enc, delim=","):
    return list(csv.reader(io.StringIO(data.decode(enc), newline=""), delimiter=delim))
for name, enc, delim in [("khach.csv", "utf-8-sig", ","), ("khach-utf16.csv", "utf-16", ","), ("khach-cp1258.csv", "cp1258", ","),
                         ("sub/khach.tsv", "utf-8", "\t")]:
    a, b = table(rd(src, name), enc, delim), table(rd(out, name), enc, delim)
    if op == "drop": # the columns that held dropped values go whole, the decoy column stays
        assert b[0] == ["ma_don_hang"] and len(a) == len(b) and [x[4:] for x in a] == b, (name, b)
        continue
    assert len(a) == len(b) and all(len(x) == len(y) for x, y in zip(a, b)), (name, a, b)
    assert a[0] == b[0], (name, "header changed", b[0])
    for x, y in zip(a[1:], b[1:]):
        assert x[4] == y[4], (name, "decoy changed", y)             # order numbers stay
        assert x[0] != y[0] and x[1] != y[1] and x[2] != y[2] and x[3] != y[3], (name, "not redacted", y)
        if op == "mask":
            assert "*" in y[1] and y[1].startswith(x[1][:3]) and y[1].endswith(x[1][-2:]), (name, "mask keeps ends", y)
assert rd(out, "khach.csv").startswith(b"\xef\xbb\xbf") and rd(out, "khach.csv").count(b"\r\n") == 4, "BOM or CRLF lost"
assert rd(out, "khach-utf16.csv").startswith(b"\xff\xfe"), "UTF-16 BOM lost"
a, b = json.loads(rd(src, "khach.json")), json.loads(rd(out, "khach.json"))
la = [json.loads(l) for l in rd(src, "khach.jsonl").splitlines()]
lb = [json.loads(l) for l in rd(out, "khach.jsonl").splitlines()]
if op == "drop": # the keys that held dropped values go, in every record
    assert b == {"khach_hang": [{"ma_don_hang": x["ma_don_hang"]} for x in a["khach_hang"]], "tong_dai": {}}, b
    assert lb == [{"don": x["don"]} for x in la], lb
else:
    assert [sorted(x) for x in a["khach_hang"]] == [sorted(x) for x in b["khach_hang"]], "JSON keys changed"
    assert all(x["ma_don_hang"] == y["ma_don_hang"] for x, y in zip(a["khach_hang"], b["khach_hang"])), "decoy changed"
    assert isinstance(b["tong_dai"]["so_dien_thoai"], int) and b["tong_dai"]["so_dien_thoai"] != 84912345678, \
        ("a JSON number must stay a number, redacted", b["tong_dai"])
    assert len(la) == len(lb) and all(sorted(x) == sorted(y) and x["don"] == y["don"] for x, y in zip(la, lb)), "JSONL"
md = rd(out, "ghi-chu.md").decode()
assert "DH-2024-000123" in md and "03/02/2024" in md and "001087123456" not in md and md.startswith("# Hồ sơ\n"), md
sql = rd(out, "dump.sql").decode()
assert sql.count("),(") == 2 and sql.count("'") == 18 and "001087123456" not in sql, sql
pg = rd(out, "pg.sql").decode().splitlines()
assert len(pg) == 5 and all(l.count("\t") == 2 for l in pg[1:4]) and pg[4] == "\\.", pg
import xml.etree.ElementTree as ET, zipfile
def parts(name):
    a, b = zipfile.ZipFile(os.path.join(src, name)), zipfile.ZipFile(os.path.join(out, name))
    assert a.namelist() == b.namelist(), (name, b.namelist())
    return {n: (a.read(n), b.read(n)) for n in a.namelist()}
def texts(xml, tag):
    return ["".join(e.itertext()) for e in ET.fromstring(xml).iter() if e.tag.endswith("}" + tag)]
x = parts("khach.xlsx")
si = texts(x["xl/sharedStrings.xml"][1], "si")
assert len(si) == 3 and si[0] != "Nguyễn Văn An" and "87123456" not in si[1] and "0010" not in si[1][:4] + si[1][-8:] \
    and si[2] == "DH-2024-000123", si          # rich-text runs redacted whole, the decoy kept
assert op != "mask" or si[1].startswith("001"), si
cells = {c.get("r"): "".join(c.itertext()) for c in ET.fromstring(x["xl/worksheets/sheet1.xml"][1]).iter()
         if c.tag.endswith("}c")}
assert cells["C2"].isdigit() and cells["C2"] != "84912345678" and cells["A3"] != "Trần Thị Bình" \
    and cells["D3"] == "DH-2024-000124" and cells["B2"] == "1", cells   # numbers stay numbers
assert x["[Content_Types].xml"][0] == x["[Content_Types].xml"][1], "an untouched part changed"
d = parts("ho-so.docx")
p = texts(d["word/document.xml"][1], "p")
assert len(p) == 2 and "Nguyễn" not in p[0] and p[0].startswith("Họ và tên: ") and "87123456" not in p[1] \
    and p[1].endswith(" & đơn DH-2024-000123"), p  # split over runs, redacted whole; the rest as it was
cells = texts(parts("bang.docx")["word/document.xml"][1], "tc")
assert len(cells) == 16 and cells[:4] == ["STT", "Họ và tên", "Số điện thoại", "Mã đơn"], cells
assert all(c not in cells for r in [("Nguyễn Văn An", "0912345678")] for c in r) and "DH-2024-000125" in cells, cells
PYEOF
"$PY" "$T/check.py" "$T/in" "$T/out" mask || fail "structure of the copies"
ok
rc=0
"$PDPSCAN" scan -q -f json -o "$T/rescan.json" --min-confidence medium "$T/out" 2>"$T/stderr" || rc=$?
validate "$T/rescan.json"
[ "$(rq "$T/rescan.json" "len(r['findings'])")" = 0 ] ||
    fail "the copies still hold: $(rq "$T/rescan.json" "[(f['detector'], f['location']['path']) for f in r['findings']]")"
ok
never_in "$T/out.redaction.json" 001087123456 "Nguyễn Văn An" an.nguyen@congty-vidu.vn

# every operator on every format: the copies parse with the same structure and rescan clean
for op in replace hash hash:digits drop; do
    redact "m-$op" --operator basic=$op --operator sensitive=$op "$T/in"
    expect_rc 4 # the zip
    [ "$(rq "$T/m-$op.redaction.json" "sorted({f['status'] for f in r['files']})")" = "['redacted', 'unsupported']" ] ||
        fail "$op: $(rq "$T/m-$op.redaction.json" "[(f['input'], f['status'], f['reason']) for f in r['files'] if f['status'] != 'redacted']")"
    "$PY" "$T/check.py" "$T/in" "$T/m-$op" "$op" || fail "structure of the copies with $op"
    rc=0
    "$PDPSCAN" scan -q -f json -o "$T/m.json" --min-confidence medium "$T/m-$op" 2>"$T/stderr" || rc=$?
    [ "$(rq "$T/m.json" "len(r['findings'])")" = 0 ] || fail "$op left: $(rq "$T/m.json" "[(f['detector'], f['location']['path']) for f in r['findings']]")"
    ok
done

# the bundled sample share, as the README's quick start scans it: every file redacted and verified
# (a tag after a label, "Tiền sử bệnh: <SUC_KHOE>", is no health data)
redact sample "$PD_SRCDIR/examples/share"
expect_rc 0
[ "$(rq "$T/sample.redaction.json" "(r['verification']['passed'], r['totals']['redacted'] == r['totals']['files'])")" = "(True, True)" ] ||
    fail "the sample share: $(rq "$T/sample.redaction.json" "[(f['input'], f['status'], f['reason']) for f in r['files']]")"
printf 'Tiền sử bệnh: <SUC_KHOE>\nDân tộc: [da xoa]\nTôn giáo: ***\nTiền án: <LY_LICH_TU_PHAP>\nMật khẩu: ***\n' >"$T/placeholders.txt"
rc=0; "$PDPSCAN" scan -q -f json -o "$T/ph.json" --min-confidence low "$T/placeholders.txt" 2>"$T/stderr" || rc=$?
[ "$(rq "$T/ph.json" "[(f['detector'], f['value']['masked']) for f in r['findings']]")" = "[]" ] ||
    fail "placeholders read as data: $(rq "$T/ph.json" "[(f['detector'], f['value']['masked']) for f in r['findings']]")"
ok

# 2. --copy-unsupported copies the zip, and the run is whole (exit 0)
redact out2 --copy-unsupported "$T/in"
expect_rc 0
cmp -s "$T/in/kho.zip" "$T/out2/kho.zip" || fail "--copy-unsupported did not copy the zip"
[ "$(rq "$T/out2.redaction.json" "[f['status'] for f in r['files'] if f['input'].endswith('kho.zip')]")" = "['copied']" ] ||
    fail "the zip's fate"
ok

# 3. operators: replace (tag and text), hash (pseudonyms), hash:digits, drop, keep
redact ops --operator person_name=replace --operator email=replace:[email] --operator vn.cccd=hash \
    --operator vn.phone=hash:digits "$T/in/khach.csv"
expect_rc 0
"$PY" - "$T/ops" <<'PYEOF' || fail "operators: $(cat "$T/ops")"
import csv, re, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))[1:]
assert [r[0] for r in rows] == ["<HO_TEN>"] * 3, rows
assert [r[3] for r in rows] == ["[email]"] * 3, rows
assert all(re.fullmatch(r"CCCD_[0-9a-f]{12}", r[1]) for r in rows) and len({r[1] for r in rows}) == 3, rows
assert all(re.fullmatch(r"0[0-9]{9}", r[2]) and r[2][1:3] == "00" for r in rows), rows   # shaped, not valid
PYEOF
ok
# pseudonyms: equal across files and runs under one key, different under another
redact ops2 --operator vn.cccd=hash "$T/in/khach.jsonl"
a=$("$PY" -c "import csv,sys; print(list(csv.reader(open('$T/ops', encoding='utf-8-sig')))[1][1])")
b=$("$PY" -c "import json; print(json.loads(open('$T/ops2').readline())['cccd'])")
[ -n "$a" ] && [ "$a" = "$b" ] || fail "the same CCCD got pseudonyms $a and $b in two files"
redact ops3 --operator vn.cccd=hash "$T/in/khach.jsonl"
cmp -s "$T/ops2" "$T/ops3" || fail "two runs with one key differ"
head -c 32 /dev/urandom >"$T/key2"
chmod 600 "$T/key2"
rc=0
"$PDPSCAN" redact -q --key-file "$T/key2" --operator vn.cccd=hash -o "$T/ops4" "$T/in/khach.jsonl" 2>"$T/stderr" || rc=$?
expect_rc 0
c=$("$PY" -c "import json; print(json.loads(open('$T/ops4').readline())['cccd'])")
[ "$c" != "$b" ] || fail "another key gave the same pseudonym"
ok
redact ops5 --operator basic=drop "$T/in/sub/khach.tsv"
expect_rc 0
"$PY" -c "
rows = [l.split('\t') for l in open('$T/ops5').read().splitlines()]
assert rows[0] == ['ma_don_hang'] and len(rows) == 4 and all(r[0].startswith('DH-') for r in rows[1:]), rows" ||
    fail "drop: $(cat "$T/ops5")"
ok
# keep leaves the values: the rescan finds them, nothing is written, exit 1; kept with --keep-failed
redact kept --operator vn.cccd=keep "$T/in/khach.csv"
expect_rc 1
[ ! -e "$T/kept" ] || fail "a copy that failed verification was written"
[ "$(rq "$T/kept.redaction.json" "(r['files'][0]['status'], r['files'][0]['verification']['by_detector'], r['verification']['passed'])")" = \
  "('failed', {'vn.cccd': 3}, False)" ] || fail "verification: $(cat "$T/kept.redaction.json")"
ok
redact kept2 --keep-failed --operator vn.cccd=keep "$T/in/khach.csv"
expect_rc 1
grep -q 001087123456 "$T/kept2" || fail "--keep-failed did not keep the copy"
ok

# 4. malformed input: reported with its position, nothing written
mkdir -p "$T/bad"
printf '{"ho_ten": "Nguyễn Văn An",\n "so_cccd": "001087123456" "x": 1}\n' >"$T/bad/broken.json"
printf 'ho_ten,so_cccd\nNguyễn Văn An,001087123456\n"Trần Thị Bình,079203004321\n' >"$T/bad/broken.csv"
redact badout "$T/bad"
expect_rc 4
[ ! -e "$T/badout/broken.json" ] && [ ! -e "$T/badout/broken.csv" ] || fail "a malformed input was half-written"
grep -q "invalid JSON at line 2" "$T/badout.redaction.json" || fail "JSON error position: $(cat "$T/badout.redaction.json")"
grep -q "quoted field opened on line 3 never closes" "$T/badout.redaction.json" || fail "CSV error position"
ok
# a comma not quoted: redacted in place with a note; a column cannot be cut from it
mkdir -p "$T/rag"
printf 'ho_ten,so_cccd,ghi_chu\nNguyễn Văn An,001087123456,giao hàng, gọi trước\n' >"$T/rag/rag.csv"
redact ragout "$T/rag"
expect_rc 0
[ "$(rq "$T/ragout.redaction.json" "r['files'][0]['status']")" = redacted ] && grep -q "row 2 (line 2) has 4 fields, the header 3" "$T/ragout.redaction.json" ||
    fail "a ragged table: $(cat "$T/ragout.redaction.json")"
grep -q "giao hàng, gọi trước" "$T/ragout/rag.csv" && ! grep -q 001087123456 "$T/ragout/rag.csv" || fail "ragged copy: $(cat "$T/ragout/rag.csv")"
redact ragdrop --operator vn.cccd=drop "$T/rag"
expect_rc 4
grep -q "no column to cut" "$T/ragdrop.redaction.json" || fail "drop on a ragged table: $(cat "$T/ragdrop.redaction.json")"
ok

# 5. refused: output inside an input, bad operators, a malformed policy; a policy file applied
rc=0; "$PDPSCAN" redact -q -o "$T/in/clean" "$T/in" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "inside the input" "$T/stderr" || fail "output inside input: $(cat "$T/stderr")"
rc=0; "$PDPSCAN" redact -q -o "$T/x" - <"$T/in/khach.csv" 2>"$T/stderr" || rc=$?
expect_rc 2
# the report goes beside a folder given with a slash, not into the publishable copy
rc=0; "$PDPSCAN" redact -q -o "$T/slash/" "$T/in/sub" 2>"$T/stderr" || rc=$?
expect_rc 0
[ -f "$T/slash.redaction.json" ] && [ "$(ls -A "$T/slash")" = khach.tsv ] || fail "report placement: $(ls -A "$T/slash" "$T")"
rc=0; "$PDPSCAN" redact -q --operator vn.cccd=shred -o "$T/x" "$T/in" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "unknown operator 'shred'" "$T/stderr" || fail "bad operator: $(cat "$T/stderr")"
rc=0; "$PDPSCAN" redact -q --operator email=replace:a,b -o "$T/x" "$T/in" 2>"$T/stderr" || rc=$?
expect_rc 2
printf '{"redaction_policy": 1, "rules": {"vn.cccd": "hash", "not_a_detector": "drop"}}' >"$T/p1.json"
rc=0; "$PDPSCAN" redact -q --policy "$T/p1.json" -o "$T/x" "$T/in" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "rules.not_a_detector: 'not_a_detector' is no detector id or category" "$T/stderr" || fail "policy: $(cat "$T/stderr")"
printf '{"redaction_policy": 1, "min_confidence": "high", "rules": {"vn.cccd": "hash", "sensitive": "drop"}}' >"$T/p2.json"
redact pol --policy "$T/p2.json" "$T/in/khach.jsonl"
expect_rc 0
[ "$(rq "$T/pol.redaction.json" "(r['min_confidence'], r['totals']['by_detector']['vn.cccd']['operator'])")" = "(80, 'hash')" ] ||
    fail "policy not applied: $(cat "$T/pol.redaction.json")"
ok
# the policy schema knows this version's detectors, and the documented example fits it and loads
"$PDPSCAN" detectors | awk '{print $1}' | sort >"$T/ids"
"$PY" - "$PD_SRCDIR/docs/redaction-policy.schema.json" "$T/ids" "$PD_SRCDIR/docs/redaction.md" "$T/p3.json" <<'PYEOF' ||
import json, re, sys, jsonschema
schema = json.load(open(sys.argv[1]))
ids = set(open(sys.argv[2]).read().split())
keys = set(schema["properties"]["rules"]["propertyNames"]["enum"]) - {"basic", "sensitive", "state_secret"}
assert keys == ids, (keys ^ ids)
example = json.loads(re.search(r"```json\n(.*?)```", open(sys.argv[3]).read(), re.S).group(1))
jsonschema.validate(example, schema)
json.dump(example, open(sys.argv[4], "w"))
PYEOF
    fail "the redaction policy schema or its example drifted"
redact pol3 --policy "$T/p3.json" "$T/in/khach.jsonl"
expect_rc 0
done_testing
