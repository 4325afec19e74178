#!/usr/bin/python3
"""Writes a labelled corpus of synthetic personal data in every structured shape pdpscan reads,
with the truth beside it, for measuring precision and recall per format and per encoding.

Usage: labelled-corpus.py DIR [RECORDS]   (default 40 records per file; same arguments, same bytes)

Each file holds RECORDS people. A person's values are the positives (each with the detector that
must find it); each file also holds decoys: values under keys that look like labels and are not
(order_id, product_name, company_name, file_name, created_at), which must not be reported at
medium confidence or above. DIR/truth.json lists, per file, its format, its encoding, the
positives and the decoys; the files are under DIR/files. All values are synthetic: names from common name parts, numbers that
pass the validators' checks but belong to nobody."""
import io
import json
import os
import random
import sys
import unicodedata
import zipfile
from email.message import EmailMessage
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import fixtures  # noqa: E402 (tests/fixtures.py)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Thanh", "Hữu", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phương", "Tuấn", "Yến"]
PROVINCES = ["001", "079", "048", "031", "092", "036", "040"]
RELIGIONS = ["Phật giáo", "Công giáo", "Tin lành", "Cao Đài", "Hòa Hảo"]
ETHNICITIES = ["Kinh", "Tày", "Thái", "Mường", "Khmer", "Nùng", "H'Mông", "Dao"]
DIAGNOSES = ["Viêm gan virus B mạn (B18.1)", "Đái tháo đường type 2 (E11)", "Tăng huyết áp (I10)",
             "Hen phế quản (J45)", "Lao phổi (A15)"]
CRIMES = ["01 tiền án (tội trộm cắp tài sản)", "02 tiền án (tội cố ý gây thương tích)",
          "01 tiền sự (đánh bạc)"]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Kim Mã", "Hai Bà Trưng"]
PRODUCTS = ["Bánh trung thu", "Máy lọc nước", "Sữa tươi", "Áo khoác gió", "Nồi cơm điện"]
COMPANIES = ["Công ty TNHH Minh An", "Công ty CP Thương mại Hà Nam", "Công ty TNHH Bình Phương"]

# field: (column name as exports write it, detector that must find its value)
FIELDS = [
    ("ho_ten", "person_name"), ("ngay_sinh", "dob"), ("so_cccd", "vn.cccd"), ("so_cmnd", "vn.cmnd"),
    ("so_dien_thoai", "vn.phone"), ("email", "email"), ("dia_chi", "address"), ("ton_giao", "vn.religion"),
    ("dan_toc", "vn.ethnicity"), ("chan_doan", "vn.health"), ("tien_an", "vn.criminal_record"),
    ("mat_khau", "vn.credentials"), ("so_tai_khoan", "vn.bank_account"), ("ho_chieu", "vn.passport"),
    ("ma_so_thue", "vn.mst"),
]
# the same fields as English exports name them
ENGLISH = {"ho_ten": "full_name", "ngay_sinh": "date_of_birth", "so_cccd": "citizen_id", "so_cmnd": "old_id_number",
           "so_dien_thoai": "phone", "email": "email", "dia_chi": "address", "ton_giao": "religion",
           "dan_toc": "ethnicity", "chan_doan": "diagnosis", "tien_an": "criminal_record", "mat_khau": "password",
           "so_tai_khoan": "account_number", "ho_chieu": "passport_no", "ma_so_thue": "tax_code"}
# the same as Vietnamese headers in documents
HEADERS = {"ho_ten": "Họ và tên", "ngay_sinh": "Ngày sinh", "so_cccd": "Số CCCD", "so_cmnd": "Số CMND",
           "so_dien_thoai": "Số điện thoại", "email": "Email", "dia_chi": "Địa chỉ", "ton_giao": "Tôn giáo",
           "dan_toc": "Dân tộc", "chan_doan": "Chẩn đoán", "tien_an": "Tiền án", "mat_khau": "Mật khẩu",
           "so_tai_khoan": "Số tài khoản", "ho_chieu": "Số hộ chiếu", "ma_so_thue": "Mã số thuế"}
DECOYS = ["ma_don_hang", "product_name", "company_name", "file_name", "created_at", "so_hoa_don"]


def camel(name):
    w = name.split("_")
    return w[0] + "".join(x.capitalize() for x in w[1:])


# how other exports spell the same columns
STYLES = {
    "snake": lambda k: k,
    "upper": lambda k: k.upper(),
    "camel-en": lambda k: camel(ENGLISH.get(k, k)),
    "english": lambda k: ENGLISH.get(k, k),
    "header": lambda k: HEADERS.get(k, k),
    "no-accents": lambda k: strip_accents(HEADERS.get(k, k)),
}


def mst(r):
    weights = [31, 29, 23, 19, 17, 13, 7, 5, 3]
    while True:
        d = [r.randint(0, 9) for _ in range(9)]
        d[0], d[1] = 0, r.randint(1, 9)
        rem = sum(w * x for w, x in zip(weights, d)) % 11
        if rem > 0 and 10 - rem <= 9:
            return "".join(map(str, d)) + str(10 - rem)


def person(r, i):
    year = r.randint(1950, 2004)
    name = f"{r.choice(SURNAMES)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"
    return {
        "ho_ten": name,
        "ngay_sinh": f"{r.randint(1, 28):02d}/{r.randint(1, 12):02d}/{year}",
        "so_cccd": f"{r.choice(PROVINCES)}{0 if year < 2000 else 2}{year % 100:02d}{r.randint(0, 999999):06d}",
        "so_cmnd": f"0{r.randint(10000000, 99999999)}",
        "so_dien_thoai": "0" + r.choice(["91", "98", "90", "86", "70", "35"]) + f"{r.randint(0, 9999999):07d}",
        "email": f"nv{i}.{r.randint(100, 999)}@congty-vidu.vn",
        "dia_chi": f"Số {r.randint(1, 200)} đường {r.choice(STREETS)}, phường {r.randint(1, 20)}, quận {r.randint(1, 12)}",
        "ton_giao": r.choice(RELIGIONS),
        "dan_toc": r.choice(ETHNICITIES),
        "chan_doan": r.choice(DIAGNOSES),
        "tien_an": r.choice(CRIMES),
        "mat_khau": f"Pw{r.randint(1000, 9999)}!{r.choice('xyzq')}",
        "so_tai_khoan": f"{r.randint(10 ** 11, 10 ** 13)}",
        "ho_chieu": f"{r.choice('BCN')}{r.randint(1000000, 9999999)}",
        "ma_so_thue": mst(r),
    }


def decoys(r, i):
    return {
        "ma_don_hang": f"DH{r.randint(10 ** 7, 10 ** 8 - 1)}",
        "product_name": r.choice(PRODUCTS),
        "company_name": r.choice(COMPANIES),
        "file_name": f"ho_so_{i:04d}.pdf",
        "created_at": f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
        # shaped like a citizen ID and a phone number, under keys that say what they are
        "so_hoa_don": f"0{r.choice(['79', '01', '48'])}0{r.randint(10, 99)}{r.randint(0, 999999):06d}",
    }


TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text):
    """Windows-1258 as Vietnamese Windows writes it: base letters (â ê ô ơ ư ă đ) precomposed,
    tone marks as combining characters after them."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts if m in TONES)
        out.append(unicodedata.normalize("NFC", "".join(m for m in parts if m not in TONES)) + tones)
    return "".join(out).encode("cp1258")


def strip_accents(s):
    s = s.replace("Đ", "D").replace("đ", "d")
    return unicodedata.normalize("NFD", s).encode("ascii", "ignore").decode()


class Corpus:
    def __init__(self, root, records):
        self.root, self.records, self.truth = root, records, {}
        self.r = random.Random(20261203)
        self.serial = 0

    def people(self, transform=None):
        out = []
        for _ in range(self.records):
            self.serial += 1
            p, d = person(self.r, self.serial), decoys(self.r, self.serial)
            if transform:
                p = {k: transform(v) for k, v in p.items()}
                d = {k: transform(v) for k, v in d.items()}
            out.append((p, d))
        return out

    def add(self, name, data, fmt, enc, rows, fields=None, more=(), decoy_keys=DECOYS):
        path = os.path.join(self.root, "files", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        fields = fields or [k for k, _ in FIELDS]
        det = dict(FIELDS)
        self.truth[name] = {
            "format": fmt, "encoding": enc,
            "expect": [[det[k], p[k]] for p, _ in rows for k in fields] + [list(m) for m in more],
            "decoys": [[k, d[k]] for _, d in rows for k in decoy_keys],
        }


def columns(style="snake"):
    return [STYLES[style](k) for k, _ in FIELDS] + [STYLES[style](k) if style in ("snake", "upper") else k for k in DECOYS]


def row_values(p, d):
    return [p[k] for k, _ in FIELDS] + [d[k] for k in DECOYS]


def csv_text(rows, delim=",", names=None, title=None, note=None, style="snake"):
    def cell(v):
        return f'"{v}"' if delim in v or '"' in v else v
    lines = ([title, ""] if title else []) + [delim.join(names or columns(style))]
    lines += [delim.join(cell(v) for v in row_values(p, d)) for p, d in rows]
    if note:
        lines.append(note)
    return "\r\n".join(lines) + "\r\n"


def pipe_table(rows, names, title="Danh sách:"):
    head = " | ".join(names)
    body = "\n".join(" | ".join(row_values(p, d)) for p, d in rows)
    return f"{title}\n\n{head}\n{body}\n"


def build(c):
    # JSON: nested, under English keys, some text escaped as \uXXXX
    rows = c.people()
    doc = {"data": {"khachHang": [dict({camel(ENGLISH[k]): p[k] for k, _ in FIELDS}, orderId=d["ma_don_hang"],
                                       productName=d["product_name"], companyName=d["company_name"],
                                       fileName=d["file_name"], createdAt=d["created_at"], invoiceNo=d["so_hoa_don"])
                                  for p, d in rows]}}
    c.add("json/khach-hang.json", json.dumps(doc, ensure_ascii=True, indent=1).encode(), "json", "utf-8", rows)
    rows = c.people()
    # keys that say whose the field is: "kh_ho_ten", "kh_ngay_sinh" (the decoys' keys as they are)
    lines = [json.dumps(dict({f"kh_{k}": p[k] for k, _ in FIELDS}, **d), ensure_ascii=False) for p, d in rows]
    c.add("jsonl/nhan-vien.jsonl", ("\n".join(lines) + "\n").encode(), "jsonl", "utf-8", rows)
    # SQL dumps: MySQL without a column list (CREATE TABLE gives it), PostgreSQL COPY
    rows = c.people()
    create = "CREATE TABLE `nhan_vien` (\n" + ",\n".join(f"  `{k}` varchar(200)" for k in columns()) + ",\n  PRIMARY KEY (`so_cccd`)\n);\n"

    def q(v):
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
    values = ",".join("(" + ",".join(q(v) for v in row_values(p, d)) + ")" for p, d in rows)
    c.add("sql/mysql-dump.sql", (f"-- MySQL dump\n{create}INSERT INTO `nhan_vien` VALUES {values};\n").encode(),
          "sql-mysql", "utf-8", rows)
    rows = c.people()
    names = [ENGLISH.get(k, k) for k in columns()]
    copy = "\n".join("\t".join(row_values(p, d)) for p, d in rows)
    c.add("sql/pg-dump.sql", (f"--\n-- PostgreSQL database dump\n--\nCOPY public.customers ({', '.join(names)}) FROM stdin;\n"
                              f"{copy}\n\\.\n").encode(), "sql-postgres", "utf-8", rows)
    # CSV in several encodings, with a title above the header and a note below the data
    for enc, codec, delim, style in [("utf-8", "utf-8", ",", "upper"), ("utf-16", "utf-16", "\t", "header"),
                                     ("cp1258", "cp1258", ";", "header")]:
        rows = c.people()
        text = csv_text(rows, delim, title="Danh sách khách hàng tháng 3", note="Ghi chú: số liệu tạm thời", style=style)
        data = text.encode(codec) if codec != "cp1258" else cp1258(text)
        c.add(f"csv/khach-hang-{enc}.csv", data, "csv", enc, rows)
    rows = c.people(lambda v: unicodedata.normalize("NFD", v))
    c.add("csv/khach-hang-nfd.csv", unicodedata.normalize("NFD", csv_text(rows, style="header")).encode(), "csv",
          "utf-8-nfd", rows)
    rows = c.people(strip_accents)
    c.add("csv/khach-hang-khong-dau.csv", csv_text(rows, style="no-accents").encode(), "csv", "ascii-no-accents", rows)
    # tables in text: pipe under a title, Markdown, HTML
    rows = c.people()
    c.add("text/bao-cao.txt", pipe_table(rows, columns("header")).encode(), "text-table", "utf-8", rows)
    rows = c.people()
    head = columns("header")
    md = "# Danh sách\n\n| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n" + \
         "\n".join("| " + " | ".join(row_values(p, d)) + " |" for p, d in rows) + "\n"
    c.add("text/danh-sach.md", md.encode(), "text-table", "utf-8", rows)
    rows = c.people()
    html = "<html><body><table>\n<tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>\n" + \
           "\n".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row_values(p, d)) + "</tr>" for p, d in rows) + \
           "\n</table></body></html>\n"
    c.add("text/bang.html", html.encode(), "html-table", "utf-8", rows)
    # logs, .env/.ini/YAML, XML
    rows = c.people()
    log = "".join(f"2024-03-0{i % 9 + 1} 10:00:0{i % 10} INFO user=nv{i} " +
                  " ".join(f"{ENGLISH[k]}=\"{p[k]}\"" if " " in p[k] else f"{ENGLISH[k]}={p[k]}" for k, _ in FIELDS) +
                  f" order_id={d['ma_don_hang']} created_at={d['created_at']}\n" for i, (p, d) in enumerate(rows))
    c.add("logs/app.log", log.encode(), "log", "utf-8", rows,
          more=[("vn.credentials", f"nv{i}") for i in range(len(rows))])  # user=: a user name
    rows = c.people()
    yaml = "".join("- " + f"\n  ".join(f"{ENGLISH[k]}: \"{p[k]}\"" for k, _ in FIELDS) +
                   f"\n  order_id: {d['ma_don_hang']}\n  product_name: {d['product_name']}\n" for p, d in rows)
    c.add("config/nhan-su.yaml", yaml.encode(), "yaml", "utf-8", rows)
    rows = c.people()
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n<DanhSach>\n' + "".join(
        "  <NhanVien>\n" + "".join(f"    <{''.join(w.capitalize() for w in k.split('_'))}>{escape(p[k])}"
                                   f"</{''.join(w.capitalize() for w in k.split('_'))}>\n" for k, _ in FIELDS) +
        f"    <MaDonHang>{d['ma_don_hang']}</MaDonHang>\n  </NhanVien>\n" for p, d in rows) + "</DanhSach>\n"
    c.add("xml/nhan-vien.xml", xml.encode(), "xml", "utf-8", rows)
    # e-mail with the table in its body
    rows = c.people()
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "hr@congty-vidu.vn", "ketoan@congty-vidu.vn", "Danh sách"
    m["Message-ID"] = "<abc.123@congty-vidu.vn>"
    m.set_content(pipe_table(rows, columns("header"), title="Gửi anh chị danh sách:"))
    c.add("mail/danh-sach.eml", bytes(m), "email", "utf-8", rows,
          more=[("email", "hr@congty-vidu.vn"), ("email", "ketoan@congty-vidu.vn")])
    # office documents: DOCX and ODT tables, XLSX and ODS sheets
    rows = c.people()
    c.add("office/danh-sach.xlsx", fixtures.xlsx_table([head] + [row_values(p, d) for p, d in rows]), "xlsx", "utf-8", rows)
    rows = c.people()
    W = fixtures.W

    def wcell(v):
        return f'<w:tc><w:p><w:r><w:t xml:space="preserve">{escape(v)}</w:t></w:r></w:p></w:tc>'
    table = "<w:tbl>" + "<w:tr>" + "".join(wcell(h) for h in head) + "</w:tr>" + \
            "".join("<w:tr>" + "".join(wcell(v) for v in row_values(p, d)) + "</w:tr>" for p, d in rows) + "</w:tbl>"
    c.add("office/danh-sach.docx", fixtures.docx(table), "docx", "utf-8", rows)
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')

    def otable(rows):
        def ocell(v):
            return f"<table:table-cell><text:p>{escape(v)}</text:p></table:table-cell>"
        return "<table:table>" + "<table:table-row>" + "".join(ocell(h) for h in head) + "</table:table-row>" + \
               "".join("<table:table-row>" + "".join(ocell(v) for v in row_values(p, d)) + "</table:table-row>"
                       for p, d in rows) + "</table:table>"
    rows = c.people()
    c.add("office/danh-sach.odt", fixtures.odf("application/vnd.oasis.opendocument.text",
          f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body><office:text>'
          f'<text:p>Danh sách</text:p>{otable(rows)}</office:text></office:body></office:document-content>'), "odt", "utf-8", rows)
    rows = c.people()
    c.add("office/danh-sach.ods", fixtures.odf("application/vnd.oasis.opendocument.spreadsheet",
          f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body><office:spreadsheet>'
          f'{otable(rows)}</office:spreadsheet></office:body></office:document-content>'), "ods", "utf-8", rows)
    # a PDF (its fonts are ASCII: text without accents) and a zip of a CSV and a JSON Lines file
    # columns aligned by spaces, as pdftotext -layout writes a table (the fixture's lines hold 150
    # characters: five columns)
    rows = c.people(strip_accents)
    narrow = ["ho_ten", "ngay_sinh", "so_cccd", "so_dien_thoai", "ma_so_thue"]
    widths = [22, 14, 16, 14, 14]

    def aligned(cells):
        return "".join(v.ljust(w) for v, w in zip(cells, widths + [14]))
    lines = ["DANH SACH NHAN VIEN", "", aligned([strip_accents(HEADERS[k]) for k in narrow] + ["Ma don hang"])]
    lines += [aligned([p[k] for k in narrow] + [d["ma_don_hang"]]) for p, d in rows]
    c.add("pdf/danh-sach.pdf", fixtures.pdf([lines[i:i + 60] for i in range(0, len(lines), 60)]), "pdf",
          "ascii-no-accents", rows, fields=narrow, decoy_keys=["ma_don_hang"])
    rows = c.people()
    inner = csv_text(rows[: len(rows) // 2]).encode()
    inner2 = ("\n".join(json.dumps(dict({k: p[k] for k, _ in FIELDS}, **d), ensure_ascii=False)
                        for p, d in rows[len(rows) // 2:]) + "\n").encode()
    c.add("archive/xuat-du-lieu.zip", fixtures.zip_bytes([("2024/khach-hang.csv", inner), ("2024/nhan-vien.jsonl", inner2)]),
          "zip", "utf-8", rows)


def main():
    root = sys.argv[1]
    records = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    c = Corpus(root, records)
    build(c)
    with open(os.path.join(root, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(c.truth, f, ensure_ascii=False, indent=1)
    print(f"{len(c.truth)} files, {sum(len(t['expect']) for t in c.truth.values())} positives, "
          f"{sum(len(t['decoys']) for t in c.truth.values())} decoys in {root}")


if __name__ == "__main__":
    main()
