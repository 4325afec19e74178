#!/bin/sh
# PostgreSQL: a real server started by the test (initdb + pg_ctl as nobody, on loopback and a
# socket in the test directory). Per-column findings in several types, decoys absent, sampling vs
# full scans, nothing written, passwords never shown, and each fault: wrong password, no server,
# a table without SELECT, a SQL_ASCII database holding TCVN3 text, the server stopped mid-scan.
. "$PD_SRCDIR/tests/cli/lib.sh"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server not installed (scripts/install-deps.sh)"; exit 77; }
as_pg=""
if [ "$(id -u)" = 0 ]; then
    as_pg="setpriv --reuid=65534 --regid=65534 --clear-groups"
    chmod 777 "$T"
fi
mkdir "$T/pg"; chmod 777 "$T/pg"
port=$(( 20000 + $$ % 20000 ))
$as_pg "$PGBIN/initdb" -D "$T/pg/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 \
    --no-locale >"$T/pg/initdb.log" 2>&1 || fail "initdb: $(tail -3 "$T/pg/initdb.log")"
$as_pg "$PGBIN/pg_ctl" -D "$T/pg/data" -l "$T/pg/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $T/pg -c fsync=off" start >/dev/null ||
    fail "server did not start: $(tail -5 "$T/pg/server.log")"
stop_server() { $as_pg "$PGBIN/pg_ctl" -D "$T/pg/data" -m immediate stop >/dev/null 2>&1 || true; }
trap 'stop_server; cleanup' EXIT
psql_() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$T/pg" -p "$port" -U postgres "$@"; }
wait_fetching() { # until pdpscan's session is fetching rows from a cursor
    i=0
    until psql_ -d postgres -At -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pdpscan' AND query LIKE 'FETCH%'" 2>/dev/null | grep -q '^[1-9]'; do
        i=$((i + 1)); [ $i -lt 300 ] || fail "pdpscan never started fetching"; sleep 0.05
    done
}
psql_ -d postgres <<'SQL' || fail "seeding failed"
CREATE ROLE auditor LOGIN PASSWORD 'Audit-Pw-2026';
CREATE SCHEMA crm;
CREATE TABLE crm.customers (id serial PRIMARY KEY, ho_ten text, so_cccd varchar(12), sdt bigint, email text,
                            tags text[], profile jsonb, ghi_chu text, ngay_tao timestamptz DEFAULT now());
INSERT INTO crm.customers (ho_ten, so_cccd, sdt, email, tags, profile, ghi_chu)
SELECT 'Nguyễn Văn ' || chr(65 + i % 26), '0790870' || lpad(i::text, 5, '0'), 84912000000 + i,
       'kh' || i || '@congty-vidu.vn', ARRAY['vip', 'SĐT: 098765' || lpad(i::text, 4, '0')],
       jsonb_build_object('mst', '0100109106', 'stk', '0451000' || lpad(i::text, 6, '0')),
       'Mã đơn hàng: 0010871' || lpad(i::text, 5, '0')
FROM generate_series(1, 300) AS i;
CREATE TABLE crm.orders (ma_don text, so_luong integer, mo_ta text);
INSERT INTO crm.orders SELECT 'DH' || i, 123456789 + i, 'Giao hàng trong 3 ngày' FROM generate_series(1, 100) AS i;
-- a date column named for a birth is a date of birth; a creation date is not
CREATE TABLE crm.members (full_name text, citizen_id text, birth_date date, created date);
INSERT INTO crm.members SELECT 'Trần Thị ' || chr(65 + i % 26), '0790880' || lpad(i::text, 5, '0'),
       date '1980-01-01' + i * 37, date '2024-01-01' + i FROM generate_series(1, 20) AS i;
CREATE SCHEMA hr;
CREATE TABLE hr.salaries (so_cccd text, luong numeric);
INSERT INTO hr.salaries VALUES ('001087123456', 20000000);
GRANT USAGE ON SCHEMA crm, hr TO auditor;
GRANT SELECT ON ALL TABLES IN SCHEMA crm TO auditor;
CREATE DATABASE legacy ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
SQL
# TCVN3 bytes in a SQL_ASCII database: "Họ và tên: Phạm Minh Tuấn"
printf "CREATE TABLE people (ghi_chu text); INSERT INTO people VALUES (E'H\\\\344 v\\\\265 t\\\\252n: Ph\\\\271m Minh Tu\\\\312n');\n" |
    psql_ -d legacy || fail "legacy seeding failed"
checksum() { psql_ -d postgres -At -c "SELECT md5(string_agg(c::text, ',' ORDER BY id)) FROM crm.customers c"; }
before=$(checksum)
URI="postgresql://auditor:Audit-Pw-2026@127.0.0.1:$port/postgres?sslmode=disable"

scan "$T/full.json" --db-sample 0 "$URI"
expect_rc 1
t="postgresql://auditor@127.0.0.1:$port/postgres#crm.customers"
expect_count "$T/full.json" vn.cccd "$t.so_cccd" 300
expect_count "$T/full.json" vn.phone "$t.sdt" 300                  # bigint
expect_count "$T/full.json" person_name "$t.ho_ten" 300
expect_count "$T/full.json" email "$t.email" 300
expect_count "$T/full.json" vn.phone "$t.tags" 300                 # text[]
expect_count "$T/full.json" vn.bank_account "$t.profile" 300       # jsonb
expect_count "$T/full.json" vn.cccd "$t.ghi_chu" 0                 # order numbers
m="postgresql://auditor@127.0.0.1:$port/postgres#crm.members"
expect_count "$T/full.json" dob "$m.birth_date" 20                 # a date column, by its name
expect_count "$T/full.json" dob "$m.created" 0
expect_count "$T/full.json" person_name "$m.full_name" 20
[ "$(rq "$T/full.json" "sorted({v['rule'] for v in r['violations'] if v['subject'].endswith('#crm.members')})")" != "[]" ] &&
    [ "$(rq "$T/full.json" "[v['rule'] for v in r['violations'] if v['subject'].endswith('#crm.members') and v['rule'] == 'PDPL-IDENTITY-RECORD']")" = "['PDPL-IDENTITY-RECORD']" ] ||
    fail "name + ID + birth date column: no identity-record violation"
ok
[ "$(rq "$T/full.json" "sum(1 for f in r['findings'] if 'crm.orders' in f['location']['path'])")" = 0 ] || fail "decoys reported"
ok
expect_status "$T/full.json" "#hr.salaries" error "permission denied"
never_in "$T/full.json" "Audit-Pw-2026"
never_in "$T/stderr" "Audit-Pw-2026"
[ "$(checksum)" = "$before" ] || fail "the data changed"
ok
# sampling
scan "$T/sample.json" --db-sample 40 "$URI"
expect_count "$T/sample.json" vn.cccd "$t.so_cccd" 40
# the password from the environment works too; a wrong one is an error naming the cause
rc=0
PGPASSWORD=Audit-Pw-2026 "$PDPSCAN" scan -q -f json -o "$T/env.json" "postgresql://auditor@127.0.0.1:$port/postgres?sslmode=disable" 2>"$T/stderr" || rc=$?
expect_rc 1
# libpq's keyword form works as a root too, and its password is not shown either
scan "$T/kw.json" "host=127.0.0.1 port=$port dbname=postgres user=auditor password='Audit-Pw-2026' sslmode=disable"
expect_rc 1
expect_count "$T/kw.json" vn.cccd "$t.so_cccd" 300
never_in "$T/kw.json" "Audit-Pw-2026"
scan "$T/wrong.json" "postgresql://auditor:not-it@127.0.0.1:$port/postgres?sslmode=disable"
expect_rc 4
expect_status "$T/wrong.json" "postgresql://auditor@127.0.0.1:$port/postgres" error "password authentication failed"
never_in "$T/wrong.json" "not-it"
scan "$T/noserver.json" "postgresql://auditor:x@127.0.0.1:$((port + 1))/postgres?sslmode=disable&connect_timeout=3"
expect_rc 4
expect_status "$T/noserver.json" "127.0.0.1:$((port + 1))/postgres" error "connection failed"
# SQL_ASCII database with TCVN3 text
scan "$T/legacy.json" "postgresql://postgres@127.0.0.1:$port/legacy?host=$T/pg"
expect_count "$T/legacy.json" person_name "#public.people.ghi_chu" 1
# a table locked by production: the lock timeout ends the wait, the table is an error, the rest goes on
psql_ -d postgres -c "BEGIN; LOCK TABLE crm.orders IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30); COMMIT;" >/dev/null 2>&1 &
locker=$!
i=0
until psql_ -d postgres -At -c "SELECT count(*) FROM pg_locks WHERE relation = 'crm.orders'::regclass AND mode = 'AccessExclusiveLock' AND granted" | grep -q '^1'; do
    i=$((i + 1)); [ $i -lt 100 ] || fail "could not take the lock"; sleep 0.1
done
start=$(date +%s)
scan "$T/locked.json" "$URI"
[ $(( $(date +%s) - start )) -lt 25 ] || fail "the scan waited for the lock"
expect_status "$T/locked.json" "#crm.orders" error "lock timeout"
expect_count "$T/locked.json" vn.cccd "$t.so_cccd" 300
kill $locker 2>/dev/null; wait $locker 2>/dev/null || true
psql_ -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()" >/dev/null
# the server stops in the middle of a table: that table is partial or in error, the report is whole
psql_ -d postgres -c "CREATE TABLE crm.big AS SELECT i, '0790870' || lpad((i % 100000)::text, 5, '0') AS so_cccd, repeat('x', 200) AS pad FROM generate_series(1, 400000) AS i; GRANT SELECT ON crm.big TO auditor;" >/dev/null
# the connection dropped in the middle of a table (the backend terminated, the server stays): that
# table is partial with the rows read so far, every other table is still scanned
rc=0
"$PDPSCAN" scan -q -j 1 -f json --db-sample 0 --skip-detectors state_secret -o "$T/drop.json" "$URI" 2>"$T/stderr" &
pid=$!
wait_fetching
sleep 0.3 # into the 400,000 rows of crm.big: the other tables take milliseconds
psql_ -d postgres -At -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pdpscan'" >/dev/null
wait $pid || rc=$?
[ "$rc" = 1 ] || fail "after a dropped connection: exit $rc: $(cat "$T/stderr")"
validate "$T/drop.json"
dropped=$(rq "$T/drop.json" "[u['path'].rsplit('#', 1)[1] for u in r['units'] if u['status'] == 'partial' and 'after' in (u['reason'] or '') and 'rows' in u['reason']]")
[ "$dropped" != "[]" ] || fail "no table partial after the drop: $(rq "$T/drop.json" "[(u['path'], u['status'], u['reason']) for u in r['units']]")"
[ "$(rq "$T/drop.json" "sum(1 for u in r['units'] if u['status'] == 'scanned')")" -ge 3 ] ||
    fail "the other tables were not scanned after the drop: $(rq "$T/drop.json" "[(u['path'], u['status'], u['reason']) for u in r['units']]")"
ok
rc=0
"$PDPSCAN" scan -q -j 1 -f json --db-sample 0 --skip-detectors state_secret -o "$T/stop.json" "$URI" 2>"$T/stderr" &
pid=$!
wait_fetching
stop_server
wait $pid || rc=$?
[ "$rc" -le 4 ] || fail "pdpscan exited $rc after the server stopped"
validate "$T/stop.json"
[ "$(rq "$T/stop.json" "sum(1 for u in r['units'] if u['status'] in ('partial', 'error') and ('connection' in (u['reason'] or '') or 'terminat' in (u['reason'] or '')))")" -ge 1 ] ||
    fail "the lost connection was not reported: $(rq "$T/stop.json" "[(u['path'], u['status'], u['reason']) for u in r['units']]")"
ok
done_testing
