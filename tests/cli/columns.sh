#!/bin/sh
# Delimited exports with a header: a column named so_cmnd, ho_ten or so_bhxh is the label the
# value needs, as it is for database columns. Offsets, lines and columns stay the file's; the
# same values without a header (or under another one) are not reported.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/share"
printf '%s\n' 'ho_ten;so_cmnd;so_bhxh;so_ho_chieu;ghi_chu' \
    '"Nguyễn Văn An";012345678;7912345678;C1234567;"có dấu ; và' \
    'xuống dòng"' \
    'Trần Thị Bình;023456789;7998765432;B7654321;' >"$T/share/nhan-vien-cu.csv"
# as Excel saves CSV: a byte-order mark before the header, CRLF line ends
printf '\357\273\277ho_ten,so_cmnd\r\nNguyễn Văn An,012345678\r\nTrần Thị Bình,023456789\r\n' >"$T/share/excel.csv"
printf 'ma_don_hang,so_luong\n012345678,7912345678\n023456789,7998765432\n' >"$T/share/don-hang.csv"
# an order export: the order number's column stands before the ID's, and its label must not
# cancel the ID's own (the order numbers, valid CCCD shapes, are decoys under theirs)
printf 'ma_don_hang,so_cccd\n079193001234,001087123456\n079193001235,001087123457\n' >"$T/share/don-hang-khach.csv"
printf 'Nguyễn Văn An,012345678,7912345678\nTrần Thị Bình,023456789,7998765432\n' >"$T/share/khong-tieu-de.csv"
# a tab-separated export over several windows, with quoted line breaks on the way (under the
# listing cap of 10,000 findings, so that every one is listed)
"$PY" - "$T/share/lon.tsv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("stt\tso_cmnd\tghi_chu\n")
    for i in range(7000):
        note = '"dòng một\ndòng hai"' if i % 997 == 0 else "ghi chú về hồ sơ nhân sự số %d" % i
        f.write("%d\t%09d\t%s\n" % (i, 100000000 + i, note))
PY
# rows longer than the windows' overlap: the column a window starts in comes from the window before
"$PY" - "$T/share/dai.tsv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("stt\tghi_chu\tso_cmnd\n")
    for i in range(60):
        f.write("%d\t%s\t%09d\n" % (i, "biên bản làm việc " * 1200, 200000000 + i))
PY
scan "$T/r.json" "$T/share"
expect_rc 1
expect_count "$T/r.json" vn.cccd don-hang-khach.csv 2
[ "$(rq "$T/r.json" "sorted(f['value']['masked'] for f in r['findings'] if f['location']['path'].endswith('don-hang-khach.csv'))")" = \
  "['001*******56', '001*******57']" ] || fail "order export: an order number was taken for an ID, or an ID lost to the order column's label"
ok
expect_count "$T/r.json" vn.cmnd nhan-vien-cu.csv 2
expect_count "$T/r.json" vn.bhxh nhan-vien-cu.csv 2
expect_count "$T/r.json" vn.passport nhan-vien-cu.csv 2
expect_count "$T/r.json" person_name nhan-vien-cu.csv 2
# Trần Thị Bình's CMND: line 4, after "Trần Thị Bình;" (14 characters, 19 bytes)
[ "$(rq "$T/r.json" "[(f['location']['line'], f['location']['column'], f['value']['masked']) for f in r['findings']
      if f['detector'] == 'vn.cmnd' and f['location']['path'].endswith('nhan-vien-cu.csv')][1]")" = "(4, 20, '02*****89')" ] ||
    fail "CMND of the second row: $(rq "$T/r.json" "[f['location'] for f in r['findings'] if f['detector'] == 'vn.cmnd']")"
ok
expect_count "$T/r.json" vn.cmnd excel.csv 2
expect_count "$T/r.json" person_name excel.csv 2
expect_count "$T/r.json" vn.cmnd don-hang.csv 0
expect_count "$T/r.json" vn.bhxh don-hang.csv 0
expect_count "$T/r.json" vn.cmnd khong-tieu-de.csv 0
expect_count "$T/r.json" person_name khong-tieu-de.csv 0
# every row of the large export, none lost or doubled at a window edge; the last one's line counts
# the quoted line breaks before it (in rows 0, 997, ... 6979: eight)
[ "$(stat -c %s "$T/share/lon.tsv")" -gt 300000 ] || fail "lon.tsv fits in one window"
expect_count "$T/r.json" vn.cmnd lon.tsv 7000
last=$(rq "$T/r.json" "max(f['location']['line'] for f in r['findings'] if f['location']['path'].endswith('lon.tsv'))")
[ "$last" = $((1 + 7000 + 8)) ] || fail "last CMND of lon.tsv on line $last, not $((1 + 7000 + 8))"
ok
expect_status "$T/r.json" lon.tsv scanned
expect_count "$T/r.json" vn.cmnd dai.tsv 60
done_testing
