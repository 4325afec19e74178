#!/usr/bin/env python3
"""Writes the fuzz seed corpora, one folder per parser, from the test fixtures: real archives,
OOXML and ODF packages (stored, not compressed, so that mutations reach the XML), workbooks,
Word tables, mail, policy files, legacy-encoded text and structured text. Usage:
make-seeds.py OUTDIR SRCDIR."""
import gzip, io, json, lzma, bz2, os, sys, tarfile, zipfile

out, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "tests"))
from fixtures import SS, W, docx, odf, sst, xlsx, xlsx_table, zip_bytes  # noqa: E402

RECORD = "Họ và tên: Nguyễn Văn An\nSố CCCD: 001087123456\nSĐT: 0912345678\nTỐI MẬT\n"


def stored(package):
    """The same package with every member stored: the XML bytes are the file's bytes."""
    b = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as zin, zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    return b.getvalue()


def put(parser, name, data):
    d = os.path.join(out, parser)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def para(text):
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def tar_bytes(members):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w") as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return b.getvalue()


# archives: zip, nested zip, tar, the compressors
inner = zip_bytes([("a/ho-so.txt", RECORD.encode())], zipfile.ZIP_STORED)
put("archive", "plain.zip", inner)
put("archive", "nested.zip", zip_bytes([("inner.zip", inner), ("b.csv", b"ho_ten,so_cccd\nAn,001087123456\n")]))
put("archive", "files.tar", tar_bytes([("x/ho-so.txt", RECORD.encode()), ("x/y.zip", inner)]))
put("archive", "record.gz", gzip.compress(RECORD.encode()))
put("archive", "record.xz", lzma.compress(RECORD.encode()))
put("archive", "record.bz2", bz2.compress(RECORD.encode()))
put("archive", "tar.gz", gzip.compress(tar_bytes([("ho-so.txt", RECORD.encode())])))

# OOXML and ODF documents: runs split, fonts, stamps, headers
body = (para("Họ và tên: Trần Thị Hoa") + '<w:p><w:r><w:t>Số CC</w:t></w:r><w:r><w:t>CD: 0010871</w:t></w:r>'
        '<w:r><w:t>23456</w:t></w:r></w:p><w:p><w:r><w:rPr><w:color w:val="FF0000"/></w:rPr><w:t>MẬT</w:t></w:r></w:p>'
        '<w:p><w:r><w:rPr><w:rFonts w:ascii=".VnTime"/></w:rPr><w:t>Hä vµ tªn</w:t></w:r></w:p>')
put("office", "runs.docx", stored(docx(body)))
put("office", "text.odt", stored(odf("application/vnd.oasis.opendocument.text",
                                     '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
                                     '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:'
                                     'opendocument:xmlns:text:1.0"><office:body><office:text><text:p>Số CCCD: '
                                     '001087123456</text:p></office:text></office:body></office:document-content>')))

# workbooks: shared strings, cell formats (leading zeros), a sheet citing both
styles = (f'<styleSheet {SS}><numFmts count="1"><numFmt numFmtId="164" formatCode="000000000000"/></numFmts>'
          '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>')
sheet = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
         '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>1087123456</v></c></row>')
put("workbook", "formats.xlsx", stored(xlsx(sheet, sst(["Họ và tên", "Số CCCD", "Lê Văn Tám"]), styles)))
put("workbook", "table.xlsx", stored(xlsx_table([["ho_ten", "sdt"], ["Nguyễn An", "0912345678"]])))
put("workbook", "broken-sst.xlsx", stored(xlsx(sheet, sst(["a", "b"], closed=False), styles, sheet_first=False)))

# Word tables: a header row of field names, an STT list, a form of label and value cells
def row(*cells):
    return "<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in cells) + "</w:tr>"
put("word-table", "list.docx", stored(docx("<w:tbl>" + row("STT", "Họ và tên", "Ngày sinh") +
                                           row("1", "Lê An", "12/03/1985") + "</w:tbl>")))
put("word-table", "form.docx", stored(docx("<w:tbl>" + row("Họ và tên", "Đỗ Văn Hùng") +
                                           row("Số CCCD", "001087123456") + "</w:tbl>")))

# mail: a message with an attachment, an mbox of two
eml = ("From: a@congty-vidu.vn\nTo: b@congty-vidu.vn\nSubject: =?UTF-8?B?SOG7kyBzxqE=?=\nMIME-Version: 1.0\n"
       "Content-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain; charset=utf-8\n"
       "Content-Transfer-Encoding: quoted-printable\n\nS=E1=BB=91 CCCD: 001087123456\n--XX\n"
       "Content-Type: application/zip; name=a.zip\nContent-Transfer-Encoding: base64\n\n")
import base64  # noqa: E402
eml += base64.encodebytes(inner).decode() + "--XX--\n"
put("mail", "message.eml", eml)
put("mail", "box.mbox", "From a@b Mon Jan  1 00:00:00 2024\n" + eml + "\nFrom c@d Mon Jan  1 00:00:00 2024\n"
    "Subject: x\n\nSĐT: 0912345678\n")

# policy files: the shipped ones and an overlay
for name in sorted(os.listdir(os.path.join(src, "policies"))):
    if name.endswith(".json"):
        put("policy", name, open(os.path.join(src, "policies", name), "rb").read())
put("policy", "overlay.json", open(os.path.join(src, "examples", "policy-overlay.json"), "rb").read())

# --state records: one file's units as pdpscan keeps them (scanner/state.c)
H = "0123456789abcdef" * 2
put("state", "text.json", '[{"p":"hr/a.txt","s":0,"z":60,"b":60,"m":"text/plain","e":"utf-8","t":1700000000,"o":420,'
    '"u":1000,"f":[["vn.cccd",28,12,2,10,90,"001*******56","%s","%s",null,"birth_year","1987","sex","male"],'
    '["email",45,20,3,8,85,"a***@e***.vn","%s","%s","Email"]]}]' % (H, H, H, H))
put("state", "archive.json", '[{"p":"a.zip!x/id.txt","s":0,"z":22,"f":[["vn.cccd",9,12,1,10,90,"001*******56","%s",'
    '"%s",null]]},{"p":"a.zip!big.txt","s":0,"ul":3,"un":{"vn.phone":3},"f":[]},'
    '{"p":"a.zip","s":0,"z":300,"m":"application/zip","f":[]}]' % (H, H))
put("state", "skipped.json", '[{"p":"blob.bin","s":2,"r":"binary data","x":true,"f":[]}]')

# redaction policy files (pdpscan redact --policy)
put("redact-policy", "full.json", '{"redaction_policy": 1, "description": "x", "min_confidence": "medium", "rules": '
    '{"vn.cccd": "hash:digits", "person_name": "replace:<TEN>", "email": "mask:1,3", "sensitive": "drop", '
    '"state_secret": "replace", "vn.phone": "keep"}}')
put("redact-policy", "minimal.json", '{"redaction_policy": 1}')
put("redact-policy", "bad.json", '{"redaction_policy": 1, "rules": {"vn.cccd": "mask:x"}, "min_confidence": 101}')

# shard reports for pdpscan merge: a real report of the sample share, one unit with findings of
# every kind of location, and a shard of two
import subprocess as _sp  # noqa: E402
_bin = os.environ.get("PDPSCAN")
if _bin and os.path.exists(_bin):
    _r = _sp.run([_bin, "scan", "-q", "-f", "json", "-o", "-", os.path.join(src, "examples", "share")],
                 capture_output=True, env=dict(os.environ, PDPSCAN_KEY_FILE=os.path.join(src, "tests", "data", "test.key")))
    if _r.stdout:
        put("report", "sample.json", _r.stdout)
_H = "0123456789abcdef" * 2
put("report", "shard.json", json.dumps({
    "schema_version": "1.7.0", "tool": {"name": "pdpscan", "version": "0.1.0"},
    "findings": [{"fingerprint": _H, "detector": "vn.cccd", "category": "basic", "confidence": 90,
                  "confidence_level": "high", "location": {"path": "share/a.txt", "offset": 9, "length": 12, "line": 1,
                  "column": 10, "page": 2, "field": "so_cccd"}, "value": {"masked": "001*******56", "hash": _H},
                  "carried": True, "attributes": {"birth_year": "1987", "sex": "male"}},
                 {"fingerprint": _H, "detector": "vn.phone", "category": "basic", "confidence": 90,
                  "confidence_level": "high", "location": {"path": "db#main.t.sdt", "field": "sdt", "row": 3,
                  "offset": 0, "length": 10, "line": 3, "column": 1}, "value": {"masked": "+84*******78", "hash": _H},
                  "attributes": {}}],
    "units": [{"path": "share/a.txt", "status": "scanned", "reason": None, "size": 30, "bytes_scanned": 30,
               "mime": "text/plain", "encoding": "utf-8", "mtime": "2024-01-02T03:04:05Z", "mode": "0644", "uid": 0,
               "carried": True, "findings": 1, "findings_unlisted": 0},
              {"path": "db#main.t", "status": "scanned", "reason": None, "size": 0, "bytes_scanned": 0, "mime": None,
               "encoding": None, "findings": 1, "findings_unlisted": 0, "rows": 3, "columns": [{"name": "sdt",
               "rows": 3, "detectors": [{"detector": "vn.phone", "category": "basic", "findings": 1, "rows": 1,
               "share": 0.33, "distinct_values": 1, "confidence": 90, "examples": ["+84*******78"]}]}]}],
    "violations": [], "gone": [{"path": "share/old.txt", "findings": 2}],
    "policies": {"evaluated": False, "files": [], "expired_exceptions": []},
    "scan": {"started_at": "2026-01-01T00:00:00Z", "finished_at": "2026-01-01T00:00:01Z", "duration_seconds": 1,
             "partial": False, "interrupted_by": None, "key_id": _H, "roots": ["share", "sqlite:///db"],
             "resolved_roots": [{"given": "share", "canonical": "/srv/share", "id": "/srv/share"},
                                {"given": "sqlite:///db", "canonical": None, "id": None}],
             "options": {"jobs": 1, "shard": "0/1", "binary": False, "reveal": False, "baseline": None}},
    "counters": {"carried": 1}, "totals": {}}))

# legacy encodings
text = "Họ và tên: Phạm Minh Tuấn\nĐịa chỉ: 12 Lê Lợi\nTỐI MẬT\n"
for enc in ("TCVN5712-1", "VISCII", "CP1258"):
    import subprocess  # noqa: E402
    put("legacy", enc.lower() + ".txt", subprocess.run(["iconv", "-f", "UTF-8", "-t", enc], input=text.encode(),
                                                       capture_output=True).stdout)
put("legacy", "vni.txt", "Ho\xef va\xf8 te\xe2n: Hoa\xf8ng Thu\xfby Linh\n".encode("latin-1"))
put("legacy", "viqr.txt", "Ho.  va` te^n: Pha.m Minh Tua^'n\nDdi.a chi?: 12 Le^ Lo+.i\n")
put("legacy", "utf16.txt", b"\xff\xfe" + text.encode("utf-16-le"))

# structured text
put("fields", "records.json", '{"khach_hang": [{"ho_ten": "Trần A", "sdt": "0912345678"}]}\n')
put("fields", "dump.sql", "CREATE TABLE `t` (`ho_ten` varchar(9), `ngay_sinh` date);\n"
    "INSERT INTO `t` VALUES ('Lê A','1985-03-12');\n")
put("fields", "export.csv", "ho_ten,so_cmnd\n\"Nguyễn, An\",012345678\n")
put("fields", "table.md", "| Họ và tên | Ngày sinh |\n|---|---|\n| Lê An | 12/03/1985 |\n")
