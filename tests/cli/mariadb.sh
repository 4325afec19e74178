#!/bin/sh
# MariaDB: a real server started by the test (mariadb-install-db into a temporary datadir, run as
# nobody on loopback and a socket). Per-column findings, decoys absent, sampling, nothing written,
# passwords never shown, a wrong password and an option file.
. "$PD_SRCDIR/tests/cli/lib.sh"
command -v mariadb-install-db >/dev/null && [ -x /usr/sbin/mariadbd ] || { echo "MariaDB server not installed"; exit 77; }
chmod 777 "$T"
mkdir "$T/my"; chmod 777 "$T/my"
port=$(( 20000 + ($$ + 7919) % 20000 ))
run_as=""
[ "$(id -u)" = 0 ] && run_as="--user=nobody"
mariadb-install-db --no-defaults --datadir="$T/my/data" $run_as --auth-root-authentication-method=normal \
    --skip-test-db >"$T/my/install.log" 2>&1 || fail "mariadb-install-db: $(tail -3 "$T/my/install.log")"
/usr/sbin/mariadbd --no-defaults --datadir="$T/my/data" --socket="$T/my/sock" --port=$port --bind-address=127.0.0.1 \
    $run_as --pid-file="$T/my/pid" --log-error="$T/my/error.log" --skip-log-bin --innodb-buffer-pool-size=16M &
server=$!
stop_server() { kill $server 2>/dev/null; wait $server 2>/dev/null || true; }
trap 'stop_server; cleanup' EXIT
i=0
until mariadb-admin --no-defaults --socket="$T/my/sock" -uroot ping >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 300 ] || fail "server did not start: $(tail -5 "$T/my/error.log")"; sleep 0.1
done
sql() { mariadb --no-defaults --socket="$T/my/sock" -uroot "$@"; }
sql <<'SQL' || fail "seeding failed"
CREATE DATABASE hr CHARACTER SET utf8mb4;
CREATE USER 'auditor'@'127.0.0.1' IDENTIFIED BY 'Maria-Pw-2026';
GRANT SELECT ON hr.* TO 'auditor'@'127.0.0.1';
CREATE TABLE hr.nhan_vien (id INT PRIMARY KEY, ho_ten VARCHAR(100), so_cccd CHAR(12), sdt BIGINT, email TEXT,
                           ho_so JSON, ghi_chu TEXT) CHARACTER SET utf8mb4;
CREATE TABLE hr.kho (ma_hang VARCHAR(20), so_luong INT, mo_ta TEXT);
CREATE TABLE hr.thanh_vien (ho_ten VARCHAR(100), so_cccd CHAR(12), ngay_sinh DATE, ngay_tao DATETIME);
INSERT INTO hr.thanh_vien VALUES ('Phạm Văn Nam', '048095012345', '1985-03-12', '2024-05-01 10:00:00'),
                                 ('Vũ Thị Lan', '048095012346', '1990-11-30', '2024-05-02 11:00:00');
SQL
"$PY" - >"$T/rows.sql" <<'PYEOF'
rows = []
for i in range(1, 151):
    rows.append(f"({i}, 'Lê Thị {chr(65 + i % 26)}', '0480950{i:05d}', {84987000000 + i}, 'nv{i}@congty-vidu.vn', "
                f"'{{\"stk\": \"STK: 0451000{i:06d}\"}}', 'Mã đơn hàng: 0010871{i:05d}')")
print("INSERT INTO hr.nhan_vien VALUES " + ",".join(rows) + ";")
print("INSERT INTO hr.kho VALUES " + ",".join(f"('SP{i:06d}', {123456789 + i}, 'Hàng tồn kho')" for i in range(50)) + ";")
PYEOF
sql <"$T/rows.sql" || fail "seeding rows failed"
checksum() { sql -N -e "CHECKSUM TABLE hr.nhan_vien, hr.kho"; }
before=$(checksum)
URI="mariadb://auditor:Maria-Pw-2026@127.0.0.1:$port/hr"
scan "$T/full.json" --db-sample 0 "$URI"
expect_rc 1
t="mariadb://auditor@127.0.0.1:$port/hr#hr.nhan_vien"
expect_count "$T/full.json" vn.cccd "$t.so_cccd" 150
expect_count "$T/full.json" vn.phone "$t.sdt" 150
expect_count "$T/full.json" person_name "$t.ho_ten" 150
expect_count "$T/full.json" email "$t.email" 150
m="mariadb://auditor@127.0.0.1:$port/hr#hr.thanh_vien"
expect_count "$T/full.json" dob "$m.ngay_sinh" 2                    # a DATE column, by its name
expect_count "$T/full.json" dob "$m.ngay_tao" 0
ok
expect_count "$T/full.json" vn.bank_account "$t.ho_so" 150      # JSON
expect_count "$T/full.json" vn.cccd "$t.ghi_chu" 0               # order numbers
[ "$(rq "$T/full.json" "sum(1 for f in r['findings'] if 'hr.kho' in f['location']['path'])")" = 0 ] || fail "decoys reported"
ok
never_in "$T/full.json" "Maria-Pw-2026"
never_in "$T/stderr" "Maria-Pw-2026"
[ "$(checksum)" = "$before" ] || fail "the data changed"
ok
scan "$T/sample.json" --db-sample 25 "$URI"
expect_count "$T/sample.json" vn.cccd "$t.so_cccd" 25
# the password from an option file ([client] group), and a wrong one
printf '[client]\npassword=Maria-Pw-2026\n' >"$T/my.cnf"
rc=0
HOME="$T" MYSQL_HOME="$T" "$PDPSCAN" scan -q -f json -o "$T/cnf.json" "mariadb://auditor@127.0.0.1:$port/hr" 2>"$T/stderr" || rc=$?
cp "$T/my.cnf" "$T/.my.cnf"
rc=0
HOME="$T" "$PDPSCAN" scan -q -f json -o "$T/cnf.json" "mariadb://auditor@127.0.0.1:$port/hr" 2>"$T/stderr" || rc=$?
expect_rc 1
scan "$T/wrong.json" "mariadb://auditor:not-it@127.0.0.1:$port/hr"
expect_rc 4
expect_status "$T/wrong.json" "mariadb://auditor@127.0.0.1:$port/hr" error "Access denied"
never_in "$T/wrong.json" "not-it"
done_testing
