#!/bin/sh
# E-mail: RFC 2047 headers, quoted-printable and base64 parts, an attached zip holding a workbook,
# and a mailbox of several messages, each part located in the chain.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/m"
"$PY" - "$T/m" <<'PYEOF'
import os, sys
from email.message import EmailMessage
from email.policy import SMTP
sys.path.insert(0, os.path.join(os.environ["PD_SRCDIR"], "tests"))
from fixtures import sst, xlsx, zip_bytes
d = sys.argv[1]
xl = xlsx(strings=sst(["Số CCCD: 001087123456"]))
# a workbook attached as it is: read from memory, twice (its shared strings first), so that the
# header "so_cmnd" labels the number below it
wb = xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>',
          sst(["so_cmnd", "012345678"]))
zb = zip_bytes([("bang-luong.xlsx", xl)])
m = EmailMessage()
m["From"] = "Phòng Nhân sự <hr@congty-vidu.vn>"
m["To"] = "ke.toan@congty-vidu.vn"
m["Subject"] = "Hồ sơ của Họ tên: Nguyễn Thị Lan"
m.set_content("Chào chị,\nSĐT liên hệ: 0912 345 678\nTrân trọng.\n", charset="utf-8", cte="quoted-printable")
m.add_attachment(zb, maintype="application", subtype="zip", filename="bang-luong.zip")
m.add_attachment(wb, maintype="application", subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename="danh-sach.xlsx")
raw = m.as_bytes(policy=SMTP)
assert b"=?utf-8?" in raw and b"base64" in raw
open(os.path.join(d, "hoso.eml"), "wb").write(raw)
with open(os.path.join(d, "inbox.mbox"), "wb") as f:
    for i, body in enumerate(["Mã số thuế: 0100109106", "Không có gì"], 1):
        mm = EmailMessage(); mm["From"] = "a@congty-vidu.vn"; mm["Subject"] = f"thư {i}"
        mm.set_content(body + "\n", charset="utf-8", cte="base64")
        f.write(b"From a@congty-vidu.vn Mon Jan  5 10:00:00 2026\n" + mm.as_bytes(policy=SMTP) + b"\n")
PYEOF
# a saved news article: it looks like mail to libmagic but GMime rejects its first line; its text
# is still read
printf 'Article 12 of vn.test:\nPath: a!b\nFrom: x@congty-vidu.vn (X)\n\nSĐT: 0912345678\n' >"$T/m/article.txt"
scan "$T/r.json" "$T/m"
expect_rc 1
expect_count "$T/r.json" person_name "hoso.eml!headers" 1                 # decoded from RFC 2047
expect_count "$T/r.json" email "hoso.eml!headers" 2
expect_count "$T/r.json" vn.phone "hoso.eml!part-1" 1                     # quoted-printable body
expect_count "$T/r.json" vn.cccd "hoso.eml!bang-luong.zip!bang-luong.xlsx!xl/sharedStrings.xml" 1
expect_count "$T/r.json" vn.cmnd "hoso.eml!danh-sach.xlsx!xl/worksheets/sheet1.xml" 1
expect_status "$T/r.json" "/hoso.eml" scanned
expect_status "$T/r.json" "/article.txt" scanned
expect_count "$T/r.json" vn.phone "/article.txt" 1
expect_count "$T/r.json" vn.mst "inbox.mbox!message-1!part-1" 1          # base64 body
expect_status "$T/r.json" "inbox.mbox!message-2" scanned
[ "$(rq "$T/r.json" "[u['mime'] for u in r['units'] if u['path'].endswith('/hoso.eml')]")" = "['message/rfc822']" ] ||
    fail "e-mail not recognised by content"
ok
# a broken message is an error, not a crash
printf 'From: x\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Transfer-Encoding: base64\n\n@@@@\n' >"$T/m/broken.eml"
scan "$T/r2.json" "$T/m/broken.eml"
validate "$T/r2.json"
# a mailbox of more messages than half the member budget: read to its last message
"$PY" - "$T/m/big.mbox" <<'PYEOF'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(5200):
        body = "SĐT: 0912345678" if i == 5199 else f"Thư số {i}"
        f.write(f"From a@b.vn Thu Dec  3 10:00:00 2026\nFrom: a@congty-vidu.vn\nSubject: {i}\n\n{body}\n\n")
PYEOF
scan "$T/big.json" "$T/m/big.mbox"
expect_rc 1
expect_count "$T/big.json" vn.phone "big.mbox!message-5200!part-1" 1
expect_status "$T/big.json" "/big.mbox" scanned
# an empty application/zip part (found by fuzzing): its empty memory went to memcpy as NULL,
# undefined behaviour the sanitizer build reports on stderr
printf 'From a@b.vn Thu Dec  3 10:00:00 2026\nFrom: a@congty-vidu.vn\nTo: b@congty-vidu.vn\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\n--B\nContent-Type: text/plain\n\nSo CCCD: 001087123456\n--B\nContent-Type: application/zip\nContent-Disposition: attachment; filename="a.zip"\n\n--B--\n' >"$T/m/empty-zip.mbox"
scan "$T/r3.json" "$T/m/empty-zip.mbox"
expect_rc 1
expect_count "$T/r3.json" vn.cccd "empty-zip.mbox!message-1!part-1" 1
grep -q "runtime error" "$T/stderr" && fail "undefined behaviour on an empty zip part: $(grep -m1 'runtime error' "$T/stderr")"
ok
done_testing
