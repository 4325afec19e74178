#!/bin/sh
# SQLite: per-column findings in several column types, decoys absent, sampling vs full, a corrupt
# and a locked database reported as errors, and not one byte of the database changed.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/share"
"$PY" - "$T/share/app.db" "$T/share/corrupt.db" <<'PYEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE khach_hang (id INTEGER PRIMARY KEY, ho_ten TEXT, so_cccd TEXT, sdt INTEGER,
                         so_cmnd VARCHAR(9), ngay_sinh TEXT, ghi_chu TEXT, anh BLOB);
CREATE TABLE don_hang (ma_don_hang TEXT, so_luong INTEGER, mo_ta TEXT);
CREATE TABLE tai_khoan (ten_dang_nhap TEXT, mat_khau TEXT);
INSERT INTO tai_khoan VALUES ('an.nguyen', 'Hunter-2026!');
""")
for i in range(200):
    db.execute("INSERT INTO khach_hang VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (i, f"Nguyễn Văn {chr(65 + i % 26)}", f"0790870{i:05d}", 84912000000 + i, f"{123450000 + i}",
                f"{1 + i % 28:02d}/05/1987", f"Mã đơn hàng: 0010871{i:05d}", b"\x89PNG\x00\x01"))
for i in range(50):  # decoys: order codes, quantities, free text without identifiers
    db.execute("INSERT INTO don_hang VALUES (?, ?, ?)", (f"DH{i:08d}", 123456789 + i, "Giao hàng trong 3 ngày"))
db.commit()
open(sys.argv[2], "wb").write(b"SQLite format 3\x00" + bytes(range(256)) * 20)
PYEOF
sum_before=$(md5sum "$T/share/app.db" | cut -d' ' -f1)

scan "$T/full.json" --db-sample 0 "sqlite://$T/share/app.db"
expect_rc 1
t="sqlite://$T/share/app.db#main.khach_hang"
expect_count "$T/full.json" vn.cccd "$t.so_cccd" 200
expect_count "$T/full.json" vn.phone "$t.sdt" 200          # an INTEGER column
expect_count "$T/full.json" person_name "$t.ho_ten" 200    # the column name is the label
expect_count "$T/full.json" vn.cmnd "$t.so_cmnd" 200       # a weak identifier, labelled by its column
expect_count "$T/full.json" dob "$t.ngay_sinh" 200
expect_count "$T/full.json" vn.cccd "$t.ghi_chu" 0         # "Mã đơn hàng": an order number
[ "$(rq "$T/full.json" "sum(1 for f in r['findings'] if 'don_hang' in f['location']['path'])")" = 0 ] ||
    fail "decoys in don_hang reported"
ok
[ "$(rq "$T/full.json" "[(d['findings'], d['rows'], d['share'], d['distinct_values']) for u in r['units'] if u['path'].endswith('khach_hang') for c in u['columns'] if c['name']=='so_cccd' for d in c['detectors']]")" = \
  "[(200, 200, 1.0, 200)]" ] || fail "column aggregates"
[ "$(rq "$T/full.json" "[f['location']['row'] for f in r['findings'] if f['location']['path'].endswith('.so_cccd')][:3]")" = "[1, 2, 3]" ] ||
    fail "rows not located"
ok
# policies see tables: credentials in clear in a table, bulk IDs in one table
viol() { rq "$1" "sum(1 for v in r['violations'] if v['rule']=='$2' and (v['subject'] or '').endswith('$3'))"; }
[ "$(viol "$T/full.json" PDPL-SENSITIVE-DATABASE-CLEAR "#main.tai_khoan")" = 1 ] || fail "clear-text credentials in a table"
[ "$(viol "$T/full.json" PDPL-SENSITIVE-DATABASE-CLEAR "#main.khach_hang")" = 0 ] || fail "near miss: no sensitive column"
[ "$(viol "$T/full.json" PDPL-BULK-UNIT "#main.khach_hang")" = 1 ] || fail "bulk IDs in one table"
ok
# sampling reads fewer rows
scan "$T/sample.json" --db-sample 20 "sqlite://$T/share/app.db"
expect_count "$T/sample.json" vn.cccd "$t.so_cccd" 20
[ "$(rq "$T/sample.json" "[u['rows'] for u in r['units'] if u['path'].endswith('khach_hang')]")" = "[20]" ] || fail "sample size"
ok
# a walk finds the database by content, whatever its name; a corrupt one is an error
cp "$T/share/app.db" "$T/share/renamed.bin"
scan "$T/walk.json" "$T/share"
expect_count "$T/walk.json" vn.cccd "renamed.bin#main.khach_hang.so_cccd" 200
expect_status "$T/walk.json" "/corrupt.db" error "not a database"
# a locked database: an error naming the cause, not a hang
"$PY" - "$T/share/app.db" <<'PYEOF' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
db.execute("UPDATE don_hang SET so_luong = so_luong")
time.sleep(15)
PYEOF
locker=$!
sleep 1
rc=0
timeout 60 "$PDPSCAN" scan -q -f json -o "$T/locked.json" "sqlite://$T/share/app.db" 2>"$T/stderr" || rc=$?
kill $locker 2>/dev/null; wait $locker 2>/dev/null || true
expect_rc 4
validate "$T/locked.json"
[ "$(rq "$T/locked.json" "[u['reason'] for u in r['units']]")" != "[]" ] && grep -q "locked" "$T/locked.json" ||
    fail "locked database not reported: $(rq "$T/locked.json" "[(u['path'], u['reason']) for u in r['units']]")"
ok
# read-only: the file is byte for byte what it was
[ "$(md5sum "$T/share/app.db" | cut -d' ' -f1)" = "$sum_before" ] || fail "the database changed"
ok
done_testing
