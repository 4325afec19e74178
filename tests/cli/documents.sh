#!/bin/sh
# Office documents, PDFs and legacy encodings, generated at test time: runs joined, parts in the
# location chain, embedded workbooks, a PDF page number, extractor failures, TCVN3/VISCII/CP1258.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/d"
"$PY" - "$T/d" <<'PYEOF'
import os, sys, zipfile
sys.path.insert(0, os.path.join(os.environ["PD_SRCDIR"], "tests"))
from fixtures import W, SS, PPTX_TYPE, content_types, docx, odf, pdf, sst, xlsx, zip_bytes
d = sys.argv[1]
def run(text, red=False):
    props = '<w:rPr><w:color w:val="FF0000"/></w:rPr>' if red else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'
def para(*runs): return "<w:p>" + "".join(runs) + "</w:p>"
def legacy_run(text_bytes, font):  # text typed in a legacy font is stored as its CP1252 characters
    t = text_bytes.decode("cp1252", errors="replace").replace("&", "&amp;").replace("<", "&lt;")
    return f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr><w:t xml:space="preserve">{t}</w:t></w:r>'
import subprocess
tcvn = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input="Họ và tên: Phạm Minh Tuấn".encode(), capture_output=True).stdout
vni = "Ho\xef va\xf8 te\xe2n: Hoa\xf8ng Thu\xfby Linh".encode("latin-1")  # Họ và tên: Hoàng Thủy Linh
to_tcvn = lambda t: subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=t.encode(), capture_output=True).stdout
# a form table typed in .VnTime: its label cell is decoded before it labels the next one
old_form = ("<w:tbl><w:tr><w:tc><w:p>" + legacy_run(to_tcvn("Họ và tên"), ".VnTime") + "</w:p></w:tc><w:tc><w:p>" +
            legacy_run(to_tcvn("Đỗ Văn Hùng"), ".VnTime") + "</w:p></w:tc></w:tr></w:tbl>")
open(os.path.join(d, "old-fonts.docx"), "wb").write(docx(para(legacy_run(tcvn, ".VnTime")) + para(legacy_run(vni, "VNI-Times")) + old_form))
header = f'<?xml version="1.0" encoding="UTF-8"?><w:hdr {W}>{para(run("Hotline SĐT: 0912 345 678"))}</w:hdr>'
# an ID split over three runs, a red "MẬT" in the middle of a line, a table with a name
body = (para(run("Số CC"), run("CD: 0010871"), run("23456")) +
        para(run("Số: 15/BC-CAT   "), run("MẬT", red=True), run("   Hà Nội, ngày 1 tháng 3")) +
        "<w:tbl><w:tr><w:tc>" + para(run("Họ và tên: Trần Thị Hoa")) + "</w:tc><w:tc>" + para(run("x")) + "</w:tc></w:tr></w:tbl>" +
        para(run("mật khẩu của hệ thống được bảo mật")))
# Word tables: a list numbered by its first column ("STT") is read as "label: value" lines, so its
# header labels the CMND column (the order numbers, 9 digits too, are decoys); a form labels each
# value by the cell before it; letterheads keep their markings on lines of their own, except as
# the value of "Độ mật".
def table(rows):  # a paragraph given as XML ("<w:p>...") is taken as it is
    cell_xml = lambda cell: "".join(p if p.startswith("<w:p>") else para(run(p)) for p in cell)
    return "<w:tbl>" + "".join("<w:tr>" + "".join("<w:tc>" + cell_xml(cell) + "</w:tc>" for cell in row) + "</w:tr>" for row in rows) + "</w:tbl>"
people = table([[["STT"], ["Họ và tên"], ["Số CMND"], ["Mã đơn hàng"]],
                [["1"], ["Nguyễn Văn An"], ["012345678"], ["400000017"]],
                [["2"], ["Trần Thị", "Bình"], ["023456789"], ["400000025"]],
                [["3"], ["Lê Văn Cường"], ["034567890"], ["400000033"]]])
letterhead = table([[["BỘ CÔNG AN", "Số: 15/BC-X", "MẬT"], ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]]])
letterhead_rows = table([[["CÔNG AN TỈNH HÀ NAM"], ["Độc lập - Tự do - Hạnh phúc"]],  # short cells, but no "STT"
                         [["Số: 16/BC-CAT"], ["Hà Nam, ngày 1 tháng 3 năm 2025"]], [["TỐI MẬT"], ["Kính gửi: Giám đốc"]],
                         [["PHÒNG AN NINH"], ["MẬT"]], [["Độ mật"], ["Tuyệt mật"]]])
form = table([[["Họ và tên"], ["Phạm Thị Thu"], ["Giới tính"], ["Nữ"]],
              [["<w:p><w:r><w:t>Số CMND</w:t></w:r><w:r><w:tab/></w:r></w:p>"], ["045678901"], ["Dân tộc"], ["Kinh"]],
              [["Mã hồ sơ"], ["400000041"], ["Ghi chú"], ["Lê Văn Hải"]]])
open(os.path.join(d, "tables.docx"), "wb").write(docx(letterhead + para(run("BÁO CÁO")) + people + para(run("Người lập biểu")) + form +
                                                     letterhead_rows))
xl = xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>84912345678</v></c></row>',
          sst(["so_cccd", "079193001234"]), sheet_name="S", sheet_first=False)
open(os.path.join(d, "table.xlsx"), "wb").write(xl)
open(os.path.join(d, "report.docx"), "wb").write(docx(body, [("word/header1.xml", header),
    ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", xl)]))
# ODT: the mimetype member first and stored, as the format requires
open(os.path.join(d, "letter.odt"), "wb").write(odf("application/vnd.oasis.opendocument.text", '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>Địa chỉ: 12 Lê Lợi, Phường Bến Nghé, Quận 1</text:p><text:p>TUYỆT MẬT</text:p></office:text></office:body></office:document-content>'))
# ODS and PPTX, and a DOCX renamed to .bin: types come from content, not names
open(os.path.join(d, "list.ods"), "wb").write(odf("application/vnd.oasis.opendocument.spreadsheet", '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table><table:table-row><table:table-cell><text:p>so_dien_thoai</text:p></table:table-cell><table:table-cell><text:p>0987654321</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>'))
# an ODS customer list laid out as a table: a header row labels the cells below it, as in a CSV
# export; indented XML and a cell of two paragraphs must not break the rows. The order numbers
# are 9 digits too, but their column is not an ID column (a decoy).
def cell(*paras):
    return "<table:table-cell>" + "".join(f"<text:p>{p}</text:p>" for p in paras) + "</table:table-cell>"
rows = [cell("ho_ten"), cell("so_cmnd"), cell("ma_don_hang")]
body = "\n  <table:table-row>" + "".join(rows) + "</table:table-row>"
for i, (name, cmnd, order) in enumerate([("Nguyễn Văn An", "012345678", "400000017"),
                                          ("Trần Thị Bình", "023456789", "400000025"),
                                          ("Lê Văn Cường", "034567890", "400000033")]):
    first, last = name.rsplit(" ", 1)
    body += "\n  <table:table-row>" + cell(first, last) + cell(cmnd) + cell(order) + "</table:table-row>"
open(os.path.join(d, "customers.ods"), "wb").write(odf("application/vnd.oasis.opendocument.spreadsheet", '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">\n<office:body><office:spreadsheet>\n <table:table table:name="KH">' + body + '\n </table:table>\n</office:spreadsheet></office:body></office:document-content>'))
# An XLSX customer list as Excel stores it: the sheet before the shared strings it cites, cells
# left out when empty, CMND numbers as text (shared strings) and as a number, a formula. The
# header row labels the columns; the order numbers (9 digits too, another column) are decoys.
# A string no cell cites is still scanned, in the table's own part.
STYLES = (f'<styleSheet {SS}><numFmts count="1"><numFmt numFmtId="164" formatCode="000000000000"/></numFmts>'
          '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs>')
def sheet(sheet_rows):
    x = ""
    for i, row in enumerate(sheet_rows, 1):
        x += f'<row r="{i}">'
        for col, kind, v in row:
            if kind == "s":
                x += f'<c r="{col}{i}" t="s"><v>{v}</v></c>'
            elif kind == "f":
                x += f'<c r="{col}{i}"><f>C{i}*2+7</f><v>{v}</v></c>'
            elif kind == "id":  # a number in style 1: shown with twelve digits
                x += f'<c r="{col}{i}" s="1"><v>{v}</v></c>'
            elif kind == "fs":  # a formula's string in that style: not a number, kept whole
                x += f'<c r="{col}{i}" s="1" t="str"><f>"x"</f><v>{v}</v></c>'
            else:
                x += f'<c r="{col}{i}"><v>{v}</v></c>'
        x += "</row>"
    return x
def workbook(sheet_rows, strings, broken_strings=False, broken_styles=False):
    return xlsx(sheet(sheet_rows), sst(strings, closed=not broken_strings),
                STYLES + ("" if broken_styles else "</styleSheet>"), sheet_name="KH")
strings = ["Họ và tên", "Số CMND", "Mã đơn hàng", "Nguyễn Văn An", "012345678", "Trần Thị Bình", "023456789",
           "Lê Văn Cường", "Ghi chú cũ\tSĐT: 0912345678", "Số CCCD"]
# the CCCD 001087123456 typed as a number is stored as 1087123456; its format shows the zeros
rows = [[("A", "s", 0), ("C", "s", 1), ("D", "s", 2), ("E", "s", 9)],
        [("A", "s", 3), ("C", "s", 4), ("D", "n", 400000017), ("E", "id", 1087123456)],
        [("A", "s", 5), ("B", "fs", "Liên hệ qua số di động của khách hàng: 0987654321"), ("C", "s", 6), ("D", "n", 400000025)],
        [("A", "s", 7), ("B", "f", 269135787), ("C", "n", 134567890), ("D", "n", 400000033)]]
open(os.path.join(d, "customers.xlsx"), "wb").write(workbook(rows, strings))
open(os.path.join(d, "broken-strings.xlsx"), "wb").write(workbook(rows, strings, broken_strings=True))
open(os.path.join(d, "broken-styles.xlsx"), "wb").write(workbook(rows, strings, broken_styles=True))
# a string table past the 32 MiB kept in memory: the sheet shows no strings, and the table is
# scanned as a part of its own, whole
big = ["Ghi chú " + os.urandom(10).hex() + "x" * 980 for _ in range(34000)] + ["SĐT: 0912345678"]  # under 250:1
open(os.path.join(d, "big-strings.xlsx"), "wb").write(workbook([[("A", "s", len(big) - 1)]], big))
with zipfile.ZipFile(os.path.join(d, "workbooks.zip"), "w") as z:  # copied to memory to be read twice
    z.writestr("2025/customers.xlsx", workbook(rows, strings))
P = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
open(os.path.join(d, "slides.pptx"), "wb").write(zip_bytes([
    ("[Content_Types].xml", content_types("ppt/presentation.xml", PPTX_TYPE)),
    ("ppt/presentation.xml", f'<p:presentation {P}/>'),
    ("ppt/slides/slide1.xml", f'<p:sld {P} xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>Email: </a:t></a:r><a:r><a:t>lan.tran@congty-vidu.vn</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>')]))
open(os.path.join(d, "renamed.bin"), "wb").write(docx(para(run("Số CCCD: "), run("079193001234"))))
# PDF: three pages, the ID on page 3
out = pdf([["Trang mot"], ["Trang hai"], ["So CCCD: 001087123456"]])
open(os.path.join(d, "scan.pdf"), "wb").write(out)
open(os.path.join(d, "broken.pdf"), "wb").write(b"%PDF-1.4\n" + os.urandom(3000))
# a PDF inside a zip: read from memory, not from a temporary file
with zipfile.ZipFile(os.path.join(d, "pdfs.zip"), "w") as z:
    z.writestr("inner/scan.pdf", out)
PYEOF
# legacy 8-bit encodings, from glibc's converters
record='Họ và tên: Nguyễn Văn Bình\nSố CCCD: 079193001234\nTỐI MẬT\n'
for cs in TCVN5712-1 VISCII CP1258; do
    printf "$record" | iconv -f UTF-8 -t $cs >"$T/d/legacy-$cs.txt"
done
# VNI and VIQR, written as their public descriptions give them (no converter has them)
printf 'So\341 CCCD: 079193001234\nHo\357 va\370 te\342n: Nguye\343n Va\352n Bi\354nh\nCo\344ng ho\370a xa\365 ho\344i chu\373 ngh\363a Vie\344t Nam\nTO\301I MA\304T\n' >"$T/d/legacy-VNI.txt"
printf "So^' CCCD: 079193001234\nHo. va\` te^n: Nguye^~n Va(n Bi\`nh\nCo^.ng ho\`a xa~ ho^.i chu? nghi~a Vie^.t Nam\nTO^'I MA^.T\n" >"$T/d/legacy-VIQR.txt"
# code is not VIQR, Latin-1 French is not a Vietnamese encoding
printf 'int f(int a, int b) { return a+b + a+b*2 + a+c; } /* SĐT: 0912345678 */\n' >"$T/d/code.c"
printf 'Caf\351 cr\350me br\373l\351e, d\351j\340 vu, na\357ve, fa\347ade, \351t\351 \340 No\353l\n' >"$T/d/french.txt"
cp "$PD_SRCDIR/tests/data/tcvn3-vntime.doc" "$T/d/"                       # a real .doc in TCVN3 (see tests/data)

scan "$T/r.json" "$T/d"
expect_rc 1
expect_count "$T/r.json" vn.cccd "report.docx!word/document.xml" 1            # joined across runs
expect_count "$T/r.json" vn.phone "report.docx!word/header1.xml" 1
expect_count "$T/r.json" person_name "report.docx!word/document.xml" 1        # inside a table cell
expect_count "$T/r.json" vn.secret_mark "report.docx!word/document.xml" 1     # the red run
expect_count "$T/r.json" vn.cccd "report.docx!word/embeddings/Microsoft_Excel_Worksheet.xlsx!xl/sharedStrings.xml" 1
expect_count "$T/r.json" vn.cccd "table.xlsx!xl/sharedStrings.xml" 1
expect_count "$T/r.json" person_name "old-fonts.docx!word/document.xml" 3      # .VnTime and VNI-Times runs, a .VnTime form
expect_count "$T/r.json" vn.phone "table.xlsx!xl/worksheets/sheet1.xml" 1
expect_count "$T/r.json" address "letter.odt!content.xml" 1
expect_count "$T/r.json" vn.phone "list.ods!content.xml" 1
expect_count "$T/r.json" vn.cmnd "customers.ods!content.xml" 3                # labelled by the header row
[ "$(rq "$T/r.json" "sorted(f['value']['masked'][:2] for f in r['findings'] if f['location']['path'].endswith('customers.ods!content.xml') and f['detector'] == 'vn.cmnd')")" = \
  "['01', '02', '03']" ] || fail "ODS: the order numbers were taken for ID numbers"
ok
expect_count "$T/r.json" vn.cmnd "/d/customers.xlsx!xl/worksheets/sheet1.xml" 3    # labelled by the header row
expect_count "$T/r.json" person_name "/d/customers.xlsx!xl/worksheets/sheet1.xml" 3
[ "$(rq "$T/r.json" "sorted((f['location']['line'], f['value']['masked'][:2]) for f in r['findings'] if f['location']['path'].endswith('/d/customers.xlsx!xl/worksheets/sheet1.xml') and f['detector'] == 'vn.cmnd')")" = \
  "[(2, '01'), (3, '02'), (4, '13')]" ] || fail "XLSX: the order numbers or the formula were taken for ID numbers"
ok
expect_count "$T/r.json" vn.phone "/d/customers.xlsx!xl/worksheets/sheet1.xml" 1  # the formula's string
[ "$(rq "$T/r.json" "[f['value']['masked'] for f in r['findings'] if f['location']['path'].endswith('/d/customers.xlsx!xl/worksheets/sheet1.xml') and f['detector'] == 'vn.cccd']")" = \
  "['001*******56']" ] || fail "XLSX: a CCCD stored as a number was not read with the zeros its format shows"
ok
expect_count "$T/r.json" vn.cmnd "workbooks.zip!2025/customers.xlsx!xl/worksheets/sheet1.xml" 3
expect_count "$T/r.json" vn.phone "/d/customers.xlsx!xl/sharedStrings.xml" 1     # cited by no cell
expect_count "$T/r.json" vn.cmnd "/d/customers.xlsx!xl/sharedStrings.xml" 0     # shown in the sheet instead
expect_count "$T/r.json" person_name "/d/customers.xlsx!xl/sharedStrings.xml" 0
expect_count "$T/r.json" vn.phone "big-strings.xlsx!xl/sharedStrings.xml" 1
expect_count "$T/r.json" vn.phone "big-strings.xlsx!xl/worksheets/sheet1.xml" 0
# a string table that does not parse: the sheet shows no strings, the table fails as its part
expect_status "$T/r.json" "broken-strings.xlsx!xl/sharedStrings.xml" error "malformed XML"
expect_status "$T/r.json" "broken-strings.xlsx!xl/worksheets/sheet1.xml" scanned
expect_count "$T/r.json" vn.cmnd "broken-strings.xlsx!xl/worksheets/sheet1.xml" 0
# styles that do not parse: numbers are shown as stored, the rest of the workbook as usual
expect_status "$T/r.json" "broken-styles.xlsx!xl/worksheets/sheet1.xml" scanned
expect_status "$T/r.json" "/broken-styles.xlsx" scanned
expect_count "$T/r.json" vn.cmnd "broken-styles.xlsx!xl/worksheets/sheet1.xml" 3
expect_count "$T/r.json" vn.cccd "broken-styles.xlsx!xl/worksheets/sheet1.xml" 0
expect_count "$T/r.json" vn.cmnd "tables.docx!word/document.xml" 4             # by the list's header, the form's cell
expect_count "$T/r.json" vn.ethnicity "tables.docx!word/document.xml" 1
[ "$(rq "$T/r.json" "sorted(f['value']['masked'][:2] for f in r['findings'] if f['location']['path'].endswith('tables.docx!word/document.xml') and f['detector'] == 'vn.cmnd')")" = \
  "['01', '02', '03', '04']" ] || fail "DOCX tables: the order numbers were taken for ID numbers"
[ "$(rq "$T/r.json" "sorted(f['value']['masked'] for f in r['findings'] if f['location']['path'].endswith('tables.docx!word/document.xml') and f['detector'] == 'person_name')")" = \
  "['L*** V*** C***', 'N*** V*** A***', 'P*** T*** T***', 'T*** T*** B***']" ] || fail "DOCX tables: names not labelled, or a name after a note taken"
[ "$(rq "$T/r.json" "sorted((f['attributes']['level'], f['attributes']['position']) for f in r['findings'] if f['location']['path'].endswith('tables.docx!word/document.xml') and f['detector'] == 'vn.secret_mark')")" = \
  "[('mat', 'own_line'), ('mat', 'own_line'), ('toi_mat', 'own_line'), ('tuyet_mat', 'field')]" ] || fail "DOCX tables: a letterhead's marking lost its line"
ok
expect_count "$T/r.json" email "slides.pptx!ppt/slides/slide1.xml" 1
expect_count "$T/r.json" vn.cccd "renamed.bin!word/document.xml" 1
expect_count "$T/r.json" vn.secret_mark "letter.odt!content.xml" 1
[ "$(rq "$T/r.json" "[u['mime'] for u in r['units'] if u['path'].endswith('/report.docx')]")" = \
  "['application/vnd.openxmlformats-officedocument.wordprocessingml.document']" ] || fail "docx not recognised by content"
ok
# PDF: the page travels with the finding
expect_count "$T/r.json" vn.cccd "/d/scan.pdf" 1
expect_status "$T/r.json" "/d/scan.pdf" scanned
[ "$(rq "$T/r.json" "[(f['attributes']['page'], f['location']['page']) for f in r['findings'] if f['location']['path'].endswith('/d/scan.pdf')]")" = "[(3, 3)]" ] ||
    fail "PDF finding not on page 3"
ok
expect_count "$T/r.json" vn.cccd "pdfs.zip!inner/scan.pdf" 1
expect_status "$T/r.json" "/broken.pdf" error "pdftotext failed"
expect_count "$T/r.json" person_name "/tcvn3-vntime.doc" 1
expect_count "$T/r.json" vn.cccd "/tcvn3-vntime.doc" 1
[ "$(rq "$T/r.json" "[(u['mime'], u['encoding'], u['status']) for u in r['units'] if u['path'].endswith('/tcvn3-vntime.doc')]")" = \
  "[('application/msword', 'tcvn3-in-utf8', 'scanned')]" ] || fail "legacy .doc"
ok
# the same documents as a user first scans them, with the text summary and no -o: the extractor
# child must still find its document on fd 3 (it is fd 3 itself when no report file is open)
for doc in scan.pdf tcvn3-vntime.doc; do
    rc=0
    "$PDPSCAN" scan "$T/d/$doc" >"$T/summary.txt" 2>"$T/stderr" || rc=$?
    expect_rc 1
    grep -q "Units: 1 (scanned 1," "$T/summary.txt" || fail "$doc with text output: $(grep -E 'Units:|error' "$T/summary.txt")"
    grep -q "vn.cccd" "$T/summary.txt" || fail "$doc with text output: no CCCD found"
    ok
done
# legacy encodings decode to the same findings
for cs in TCVN5712-1 VISCII CP1258 VNI VIQR; do
    expect_count "$T/r.json" vn.cccd "legacy-$cs.txt" 1
    expect_count "$T/r.json" person_name "legacy-$cs.txt" 1
    expect_count "$T/r.json" vn.secret_mark "legacy-$cs.txt" 1
done
[ "$(rq "$T/r.json" "sorted(u['encoding'] for u in r['units'] if 'legacy-' in u['path'])")" = "['cp1258', 'tcvn3', 'viqr', 'viscii', 'vni']" ] ||
    fail "legacy encodings not recognised"
[ "$(rq "$T/r.json" "[u['encoding'] for u in r['units'] if u['path'].endswith('/code.c') or u['path'].endswith('/french.txt')]")" = "['utf-8', 'utf-8']" ] ||
    [ "$(rq "$T/r.json" "sorted(u['encoding'] for u in r['units'] if u['path'].endswith('/code.c') or u['path'].endswith('/french.txt'))")" = "['utf-8', 'utf-8']" ] ||
    fail "code or French text taken for a Vietnamese encoding: $(rq "$T/r.json" "[(u['path'],u['encoding']) for u in r['units']]")"
expect_count "$T/r.json" vn.phone "/code.c" 1
ok

# extractor failure modes and the sandbox. Tools are run from absolute paths; PDPSCAN_TOOL_DIR
# (absolute) replaces them for these tests. A fake tool earlier in PATH is never run.
mkdir -p "$T/fakebin" "$T/one" "$T/pathbin"
cp "$T/d/scan.pdf" "$T/one/"
printf '#!/bin/sh\nprintf "x" >"%s/from-path"\n' "$T" >"$T/pathbin/pdftotext"; chmod +x "$T/pathbin/pdftotext"
rc=0
PATH="$T/pathbin:$PATH" "$PDPSCAN" scan -q -f json -o "$T/path.json" "$T/one" 2>"$T/stderr" || rc=$?
validate "$T/path.json"
[ ! -e "$T/from-path" ] || fail "a pdftotext found through PATH was run"
expect_status "$T/path.json" "/scan.pdf" scanned
# standard input, output and error closed, as some schedulers start jobs: the PDF is still read
rc=0
"$PDPSCAN" scan -q -f json -o "$T/closed.json" "$T/one" 0<&- 1>&- 2>&- || rc=$?
expect_rc 1
expect_count "$T/closed.json" vn.cccd "/scan.pdf" 1
# a tool that hangs is stopped at the timeout, with its process group
printf '#!/bin/sh\nexec sleep 301\n' >"$T/fakebin/pdftotext"; chmod +x "$T/fakebin/pdftotext"
rc=0
start=$(date +%s)
PDPSCAN_TOOL_DIR="$T/fakebin" "$PDPSCAN" scan -q -f json --extractor-timeout 2 -o "$T/slow.json" "$T/one" 2>"$T/stderr" || rc=$?
[ $(( $(date +%s) - start )) -lt 20 ] || fail "the hanging extractor was not stopped"
validate "$T/slow.json"
expect_status "$T/slow.json" "/scan.pdf" error "extractor timed out after 2 s"
sleep 0.2
! pgrep -f "sleep 301" >/dev/null || fail "the extractor outlived the timeout: $(pgrep -af 'sleep 301')"
ok
mkdir -p "$T/emptybin"
rc=0
PDPSCAN_TOOL_DIR="$T/emptybin" "$PDPSCAN" scan -q -f json -o "$T/missing.json" "$T/one" 2>"$T/stderr" || rc=$?
validate "$T/missing.json"
expect_status "$T/missing.json" "/scan.pdf" skipped "pdftotext is needed to read application/pdf and is not installed at $T/emptybin/pdftotext"
# pdpscan copied away from its sandbox helper (and none installed): no document is read unsandboxed
mkdir -p "$T/alone"
cp "$PDPSCAN" "$T/alone/pdpscan"
if [ ! -x "$(dirname "$PDPSCAN")/../libexec/pdpscan/pdpscan-sandbox" ] && [ ! -x /usr/local/libexec/pdpscan/pdpscan-sandbox ]; then
    rc=0
    PDPSCAN_POLICY_DIR="$PD_SRCDIR/policies" "$T/alone/pdpscan" scan -q -f json -o "$T/alone.json" "$T/one" 2>"$T/stderr" || rc=$?
    expect_rc 4
    validate "$T/alone.json"
    expect_status "$T/alone.json" "/scan.pdf" error "cannot start pdftotext in its sandbox"
fi
# a tool that crashes after some text keeps what it said
mkdir -p "$T/crashbin" "$T/hostile"
printf '#!/bin/sh\nprintf "SĐT: 0912345678\\n"\nkill -SEGV $$\n' >"$T/crashbin/pdftotext"
chmod +x "$T/crashbin/pdftotext"
rc=0
PDPSCAN_TOOL_DIR="$T/crashbin" "$PDPSCAN" scan -q -f json -o "$T/crash.json" "$T/one" 2>"$T/stderr" || rc=$?
validate "$T/crash.json"
expect_status "$T/crash.json" "/scan.pdf" partial "pdftotext was stopped by signal 11"
expect_count "$T/crash.json" vn.phone "/scan.pdf" 1
# a hostile tool: it tries to truncate one file, delete another, create a third, reach the network
# and signal the scanner; every attempt fails, and it says so in text the scan reads. Run as root,
# it is not root. The files are writable by anyone, so that only the sandbox stops it.
mkdir -p "$T/victims"; chmod 777 "$T/victims"
printf 'keep me\n' >"$T/victims/truncate-me"; printf 'keep me\n' >"$T/victims/delete-me"
chmod 666 "$T/victims/truncate-me" "$T/victims/delete-me"
sed "s|@T@|$T|g" >"$T/hostile/pdftotext" <<'TOOL'
#!/usr/bin/python3
import os, signal, socket
def attack(name, action):
    try:
        action()
        print(f"Email: attack-{name}@congty-vidu.vn")  # a finding the test looks for
    except OSError:
        pass
attack("truncate", lambda: open("@T@/victims/truncate-me", "w"))
attack("append", lambda: open("@T@/victims/delete-me", "a"))
attack("create", lambda: open("@T@/victims/created", "x"))
attack("delete", lambda: os.unlink("@T@/victims/delete-me"))
attack("rename", lambda: os.rename("@T@/victims/delete-me", "@T@/victims/moved"))
attack("socket", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
attack("signal", lambda: os.kill(os.getppid(), 0))
def fork():
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "302"])
attack("fork", fork)
if os.getuid() != 0:
    print("SĐT: 0912345678 (not root)")
print("Email: contained@congty-vidu.vn")
TOOL
chmod 755 "$T/hostile/pdftotext"
rc=0
PDPSCAN_TOOL_DIR="$T/hostile" "$PDPSCAN" scan -q -f json --reveal -o "$T/hostile.json" "$T/one" 2>"$T/stderr" || rc=$?
validate "$T/hostile.json"
expect_status "$T/hostile.json" "/scan.pdf" scanned
[ "$(cat "$T/victims/truncate-me" "$T/victims/delete-me")" = "keep me
keep me" ] || fail "the extractor changed files around it"
[ ! -e "$T/victims/created" ] || fail "the extractor created a file"
expect_count "$T/hostile.json" email "/scan.pdf" 1 # it ran, its text was read, and no attack succeeded
! grep -q "attack-" "$T/hostile.json" || fail "$(grep -o 'attack-[a-z]*' "$T/hostile.json")"
! pgrep -f "sleep 302" >/dev/null || fail "the extractor started a process"
ok
if [ "$(id -u)" = 0 ]; then expect_count "$T/hostile.json" vn.phone "/scan.pdf" 1; fi
done_testing
