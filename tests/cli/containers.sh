#!/bin/sh
# Archives: nested members with their location chains, every decompressor, bombs stopped by the
# budget quickly and within memory, truncated and encrypted archives, hostile member names. RAR
# and CAB, which no Debian tool writes freely, are built by hand with stored members.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/a"
"$PY" - "$T/a" <<'PYEOF'
import bz2, gzip, io, lzma, os, sys, tarfile, zipfile
d = sys.argv[1]
sys.path.insert(0, os.path.join(os.environ["PD_SRCDIR"], "tests"))
from fixtures import zip_bytes as zbytes
ID = "Số CCCD: 001087123456\n".encode()
PHONE = "SĐT: 0912345678\n".encode()
def tbytes(members, mode="w"):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode=mode, format=tarfile.GNU_FORMAT, encoding="utf-8", errors="surrogateescape") as t:
        for name, data in members:
            info = tarfile.TarInfo(name); info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return b.getvalue()
w = lambda name, data: open(os.path.join(d, name), "wb").write(data)
# Formats no Debian tool writes freely, built by hand with stored (uncompressed) members
import struct, zlib
def rar4_stored(name, data):
    """RAR 2.9 (the RAR 4 tools' format): marker, archive header, file header (method 0x30,
    store), data, end block; each header's CRC is the low 16 bits of its CRC-32."""
    def block(kind, flags, body):
        head = struct.pack("<BHH", kind, flags, 7 + len(body)) + body
        return struct.pack("<H", zlib.crc32(head) & 0xFFFF) + head
    fname = name.encode()
    body = struct.pack("<IIBIIBBHI", len(data), len(data), 2, zlib.crc32(data), 0x5A210000, 20, 0x30, len(fname), 0x20) + fname
    return b"Rar!\x1a\x07\x00" + block(0x73, 0, bytes(6)) + block(0x74, 0x8000, body) + data + block(0x7B, 0x4000, b"")
def cab_stored(name, data):
    """An MS-CAB cabinet: one folder, one file, one uncompressed data block without checksum."""
    fname = name.encode() + b"\0"
    off_files = 36 + 8
    off_data = off_files + 16 + len(fname)
    header = b"MSCF" + struct.pack("<IIIIIBBHHHHH", 0, off_data + 8 + len(data), 0, off_files, 0, 3, 1, 1, 1, 0, 0, 0)
    return (header + struct.pack("<IHH", off_data, 1, 0) + struct.pack("<IIHHHH", len(data), 0, 0, 0x5A21, 0, 0x20) +
            fname + struct.pack("<IHH", 0, len(data), len(data)) + data)
w("hr.rar", rar4_stored("hr/id.txt", ID))
w("hr.cab", cab_stored("hr\\id.txt", ID))
# nested: zip > tar.gz > text, and zip > zip > text
inner = tbytes([("hr/id.txt", ID)], "w:gz")
w("nested.zip", zbytes([("inner.tar.gz", inner), ("deeper.zip", zbytes([("docs/phone.txt", PHONE)])), ("note.txt", b"nothing here\n")]))
# every stream filter, alone and around a tar
w("plain.txt.gz", gzip.compress(ID)); w("plain.txt.bz2", bz2.compress(ID)); w("plain.txt.xz", lzma.compress(ID))
w("plain.txt.lzma", lzma.compress(ID, format=lzma.FORMAT_ALONE))
w("empty.gz", gzip.compress(b""))  # Debian ships empty man pages so
w("t.tar.bz2", tbytes([("x/id.txt", ID)], "w:bz2")); w("t.tar.xz", tbytes([("x/id.txt", ID)], "w:xz"))
w("t.tar", tbytes([("x/id.txt", ID)]))
# ZIP64 records (what archivers write past 4 GiB or 65,535 members), here on a small member
with zipfile.ZipFile(os.path.join(d, "zip64.zip"), "w") as z:
    with z.open("big/id.txt", "w", force_zip64=True) as f:
        f.write(ID)
# hostile names: a path climbing out, and bytes that are not UTF-8
w("names.tar", tbytes([("../../etc/evil.txt", ID), ("bad-\udcff\udcfe.txt", PHONE)]))
# truncated: the first member is whole, the archive is not
full = tbytes([("first.txt", ID), ("second.txt", os.urandom(200000)), ("third.txt", PHONE)], "w")
w("truncated.tar", full[:len(full) // 2])
gz = tbytes([("first.txt", ID), ("second.txt", os.urandom(200000)), ("third.txt", PHONE)], "w:gz")
w("truncated.tar.gz", gz[:len(gz) // 2])
# deep nesting: 25 zips inside each other
data = zbytes([("core.txt", ID)])
for i in range(25):
    data = zbytes([(f"level{i}.zip", data)], zipfile.ZIP_STORED)
w("deep.zip", data)
# 42.zip-style: 64 MiB of zeros per leaf, 8 leaves per zip, 3 levels: 32 GiB expanded from ~2 MiB
leaf = zbytes([("zeros.bin", bytes(64 << 20))], zipfile.ZIP_DEFLATED)
lvl = leaf
for i in range(3):
    lvl = zbytes([(f"{i}-{k}.zip", lvl) for k in range(8)], zipfile.ZIP_STORED)
w("bomb.zip", lvl)
# overlapping entries: one compressed member, 200 central-directory entries pointing at it
z = zbytes([("A", bytes(32 << 20))])
eocd = z.rfind(b"PK\x05\x06"); cd_off = int.from_bytes(z[eocd+16:eocd+20], "little"); cd = z[cd_off:eocd]
entries = b"".join(cd[:46] + b"A" + cd[47:] for _ in range(200))
eocd_rec = bytearray(z[eocd:eocd+22])
eocd_rec[8:10] = (200).to_bytes(2, "little"); eocd_rec[10:12] = (200).to_bytes(2, "little")
eocd_rec[12:16] = len(entries).to_bytes(4, "little"); eocd_rec[16:20] = cd_off.to_bytes(4, "little")
w("overlap.zip", z[:cd_off] + entries + bytes(eocd_rec))
PYEOF
if command -v zip >/dev/null; then
    (cd "$T" && printf 'Số CCCD: 001087123456\n' >secret.txt && zip -q -P s3cret a/encrypted.zip secret.txt && rm secret.txt)
fi
if command -v zstd >/dev/null; then printf 'Số CCCD: 001087123456\n' | zstd -q >"$T/a/plain.txt.zst"; fi
if command -v 7z >/dev/null; then (cd "$T" && printf 'Số CCCD: 001087123456\n' >s.txt && 7z a -bd -bso0 a/s.7z s.txt && rm s.txt); fi
if command -v lz4 >/dev/null; then printf 'Số CCCD: 001087123456\n' | lz4 -q >"$T/a/plain.txt.lz4"; fi
# cpio (newc), an ISO 9660 image and an lz4 tar, written by libarchive's own bsdtar
if command -v bsdtar >/dev/null; then
    mkdir -p "$T/src/hr" && printf 'Số CCCD: 001087123456\n' >"$T/src/hr/id.txt"
    bsdtar -cf "$T/a/hr.cpio" --format newc -C "$T/src" hr
    bsdtar -cf "$T/a/hr.iso" --format iso9660 -C "$T/src" hr
    bsdtar -cf "$T/a/hr.tar.lz4" --lz4 -C "$T/src" hr
    bsdtar -cf "$T/a/hr.tar.Z" -Z -C "$T/src" hr            # compress(1), LZW
    bsdtar -cf "$T/a/hr.tar.lz" --lzip -C "$T/src" hr
    bsdtar -cf "$T/a/hr.a" --format ar -C "$T/src/hr" id.txt  # ar keeps base names only
fi

rc=0
# --binary: the bombs' zeros are binary data, which is otherwise skipped rather than expanded
/usr/bin/time -f '%e %M' -o "$T/cost" "$PDPSCAN" scan -q --binary -f json -o "$T/r.json" "$T/a" 2>"$T/stderr" || rc=$?
expect_rc 1
validate "$T/r.json"
expect_count "$T/r.json" vn.cccd "nested.zip!inner.tar.gz!hr/id.txt" 1
expect_count "$T/r.json" vn.phone "nested.zip!deeper.zip!docs/phone.txt" 1
expect_status "$T/r.json" "nested.zip!note.txt" scanned
expect_status "$T/r.json" "/nested.zip" scanned
for f in plain.txt.gz plain.txt.bz2 plain.txt.xz plain.txt.lzma; do expect_count "$T/r.json" vn.cccd "$f!data" 1; done
expect_status "$T/r.json" "/empty.gz" scanned
for f in t.tar.bz2 t.tar.xz t.tar; do expect_count "$T/r.json" vn.cccd "$f!x/id.txt" 1; done
[ -e "$T/a/plain.txt.zst" ] && expect_count "$T/r.json" vn.cccd "plain.txt.zst!data" 1
[ -e "$T/a/s.7z" ] && expect_count "$T/r.json" vn.cccd "s.7z!s.txt" 1
expect_count "$T/r.json" vn.cccd "zip64.zip!big/id.txt" 1
if [ -e "$T/a/plain.txt.lz4" ]; then expect_count "$T/r.json" vn.cccd "plain.txt.lz4!data" 1; fi
for f in hr.cpio hr.iso hr.tar.lz4 hr.tar.Z hr.tar.lz hr.rar hr.cab; do  # the cabinet's backslash reads as "/"
    if [ -e "$T/a/$f" ]; then
        expect_count "$T/r.json" vn.cccd "$f!hr/id.txt" 1
        expect_status "$T/r.json" "/$f" scanned
    fi
done
if [ -e "$T/a/hr.a" ]; then expect_count "$T/r.json" vn.cccd "hr.a!id.txt" 1; fi
# hostile names are reported as labels, safely
expect_count "$T/r.json" vn.cccd "names.tar!../../etc/evil.txt" 1
[ "$(rq "$T/r.json" "sum(1 for u in r['units'] if 'names.tar!bad-\ufffd\ufffd.txt' in u['path'])")" = 1 ] ||
    fail "non-UTF-8 member name not shown with U+FFFD"
ok
# truncated: what could be read is kept, the archive is an error
expect_count "$T/r.json" vn.cccd "truncated.tar!first.txt" 1
expect_status "$T/r.json" "/truncated.tar" error "truncated"
expect_count "$T/r.json" vn.cccd "truncated.tar.gz!first.txt" 1
expect_status "$T/r.json" "/truncated.tar.gz" error
# encrypted members are skipped as such
if [ -e "$T/a/encrypted.zip" ]; then
    expect_status "$T/r.json" "encrypted.zip!secret.txt" skipped "encrypted"
    expect_status "$T/r.json" "/encrypted.zip" partial "encrypted"
fi
# bombs end partial with the limit that stopped them
expect_status "$T/r.json" "/deep.zip" partial "nested deeper than 17 levels"
# (ThreadSanitizer runs 5-15 times slower: there the time budget may be the one that stops them)
bomb_limit="(--archive-max-"; [ "${PD_SANITIZED:-}" = yes ] && bomb_limit="(--archive-"
expect_status "$T/r.json" "/bomb.zip" partial "$bomb_limit"
expect_status "$T/r.json" "/overlap.zip" partial "$bomb_limit"
secs=$(tail -n 1 "$T/cost" | cut -d' ' -f1); rss=$(tail -n 1 "$T/cost" | cut -d' ' -f2)
limit=250000; case "${PD_SANITIZED:-}" in yes) limit=800000 ;; esac
[ "$rss" -lt "$limit" ] || fail "peak RSS $rss KiB while reading the bombs"
ok
echo "archives scanned in $secs s, peak RSS $rss KiB" >&2
# a tighter budget from the command line
scan "$T/tight.json" --archive-max-members 2 "$T/a/nested.zip"
expect_status "$T/tight.json" "/nested.zip" partial "more than 2 members"
scan "$T/ratio.json" --binary --archive-max-ratio 10 --archive-max-bytes 10G "$T/a/bomb.zip"
expect_status "$T/ratio.json" "/bomb.zip" partial "expansion ratio over 10:1"
# a budget that stops a file leaves it partial: a run with nothing found is then no clean pass
# (exit 4), with or without a --fail-on gate
scan "$T/deep.json" "$T/a/deep.zip"
expect_status "$T/deep.json" "/deep.zip" partial "nested deeper"
[ "$(rq "$T/deep.json" "len(r['findings'])")" = 0 ] || fail "deep.zip holds findings: the exit code test needs none"
expect_rc 4
scan "$T/deep2.json" --fail-on high "$T/a/deep.zip"
expect_rc 4
# a compressed file whose content begins with 512 zero bytes or more (the end block of an empty
# tar): read as data, its CCCD found; inside another archive, where it cannot be read twice, partial
mkdir "$T/zeros"
"$PY" - "$T/zeros" <<'PYEOF'
import gzip, io, os, sys, zipfile
d = sys.argv[1]
payload = b"\0" * 2048 + "Số CCCD: 001087123456\n".encode()
open(os.path.join(d, "zeros.gz"), "wb").write(gzip.compress(payload))
b = io.BytesIO()
with zipfile.ZipFile(b, "w") as z:
    z.writestr("inner/zeros.gz", gzip.compress(payload))
open(os.path.join(d, "outer.zip"), "wb").write(b.getvalue())
PYEOF
scan "$T/zeros.json" --binary "$T/zeros" # 2 KiB of zeros before the value: binary data
expect_count "$T/zeros.json" vn.cccd "zeros.gz!data" 1
expect_status "$T/zeros.json" "outer.zip!inner/zeros.gz" partial "begins with zero blocks"
# member names: with the UTF-8 flag, read under cron's C locale (env -i), and without it in the
# DOS code page, as 7-Zip and Info-ZIP show them
mkdir "$T/names"
"$PY" - "$T/names/names.zip" <<'PYEOF'
import io, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w") as z:
    z.writestr("Danh sách nhân viên.txt", "Số CCCD: 001087123456\n")  # Python sets the UTF-8 flag
    z.writestr("Bxo cxo.txt", "SĐT: 0912345678\n")                   # renamed in CP437 below
open(sys.argv[1], "wb").write(b.getvalue().replace(b"Bxo cxo.txt", b"B\xa0o c\xa0o.txt"))
PYEOF
rc=0
env -i PATH="$PATH" PDPSCAN_KEY_FILE="$PDPSCAN_KEY_FILE" "$PDPSCAN" scan -q -f json -o "$T/names.json" "$T/names" 2>"$T/stderr" || rc=$?
expect_rc 1
expect_count "$T/names.json" vn.cccd "names.zip!Danh sách nhân viên.txt" 1
expect_count "$T/names.json" vn.phone "names.zip!Báo cáo.txt" 1
# policies see archive members
scan "$T/p.json" "$T/a/nested.zip"
[ "$(rq "$T/p.json" "sum(1 for u in r['units'] if '!' in u['path'])")" -ge 4 ] || fail "members are not units"
ok
done_testing
