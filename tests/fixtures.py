"""Document builders for the tests and the benchmark corpus: the smallest valid DOCX, XLSX, ODF,
PDF and zip files that pdpscan reads as the real ones. One copy, imported by tests/cli/*.sh
(through PD_SRCDIR) and tests/bench/gen-corpus.py. Nothing here is a real person's data."""
import io
import zipfile
from xml.sax.saxutils import escape

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types">{defaults}<Default Extension="xml" ContentType="application/xml"/><Override '
          'PartName="/{part}" ContentType="{type}"/></Types>')
_RELS_DEFAULT = ('<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>')
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def content_types(part, content_type, rels=False):
    """[Content_Types].xml naming the package's main part."""
    return _TYPES.format(defaults=_RELS_DEFAULT if rels else "", part=part, type=content_type)


def zip_bytes(members, method=zipfile.ZIP_DEFLATED):
    """A zip of (name or ZipInfo, data) members, in order."""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        for name, data in members:
            z.writestr(name, data)
    return b.getvalue()


def docx(body, extra=(), rels=True):
    """A Word document whose body is the given WordprocessingML; extra: more (name, data) parts."""
    members = [("[Content_Types].xml", content_types("word/document.xml", DOCX_TYPE, rels))]
    if rels:
        members.append(("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                        '</Relationships>'))
    members.append(("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}'
                                          '</w:body></w:document>'))
    return zip_bytes(members + list(extra))


def docx_text(text):
    """A Word document with one paragraph per line of text."""
    return docx("".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(l)}</w:t></w:r></w:p>'
                        for l in text.split("\n")), rels=False)


def sst(texts, closed=True):
    """A shared-strings part holding texts (escaped); closed=False leaves it broken."""
    items = "".join(f"<si><t>{escape(t)}</t></si>" for t in texts)
    return f'<sst {SS} count="{len(texts)}">{items}' + ("</sst>" if closed else "")


def xlsx(sheet=None, strings=None, styles=None, sheet_name=None, sheet_first=True):
    """A workbook as Excel lays it out: the sheet (the content of its <sheetData>) before the
    shared strings part it cites (see sst), then the styles part. None leaves a part out;
    sheet_first=False stores the strings first."""
    book = f'<workbook {SS}><sheets><sheet name="{sheet_name}" sheetId="1"/></sheets></workbook>' if sheet_name \
        else f'<workbook {SS}/>'
    parts = []
    if sheet is not None:
        parts.append(("xl/worksheets/sheet1.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                                  f'<worksheet {SS}><sheetData>{sheet}</sheetData></worksheet>'))
    if styles is not None:
        parts.append(("xl/styles.xml", styles))
    if strings is not None:
        parts.append(("xl/sharedStrings.xml", strings))
    return zip_bytes([("[Content_Types].xml", content_types("xl/workbook.xml", XLSX_TYPE)), ("xl/workbook.xml", book)] +
                     (parts if sheet_first else parts[::-1]))


def xlsx_table(rows):
    """A workbook of one sheet whose cells (rows of strings) each cite a shared string."""
    cells, texts = [], []
    for i, row in enumerate(rows, 1):
        refs = "".join(f'<c r="{chr(65 + j)}{i}" t="s"><v>{len(texts) + j}</v></c>' for j in range(len(row)))
        texts += row
        cells.append(f'<row r="{i}">{refs}</row>')
    return xlsx("".join(cells), sst(texts))


def odf(mimetype, content):
    """An OpenDocument file: the mimetype member first and stored, as the format requires."""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return b.getvalue()


def pdf(pages):
    """A PDF with one page per list of lines, in a base-14 font (ASCII text only)."""
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for page in pages:
        clean = [l.replace("\\", "").replace("(", "").replace(")", "")[:150] for l in page]
        stream = ("BT /F1 9 Tf 30 800 Td 11 TL " + " ".join(f"({l}) '" for l in clean) + " ET").encode()
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents {len(objs)} 0 R "
                    "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(len(objs))
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + (o if isinstance(o, bytes) else o.encode()) + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode() + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
