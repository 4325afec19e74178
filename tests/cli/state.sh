#!/bin/sh
# Incremental scans (--state): an unchanged tree is not read again (checked with strace: no file
# of the tree is opened) and gives the same findings, units and violations, marked carried; a
# changed or new file is read; a touched one with the same bytes is carried after a hash; a removed
# one is reported gone once; excluded ones are not gone; the state is 0600, in one piece, rebuilt
# when corrupt, emptied when the settings change, and never another program's database.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/tree/sub" "$T/tree/docs"
"$PY" - "$T/tree" <<'PYEOF'
import os, sys
sys.path.insert(0, os.path.join(os.environ["PD_SRCDIR"], "tests"))
from fixtures import zip_bytes, docx_text
d = sys.argv[1]
w = lambda name, data: open(os.path.join(d, name), "wb").write(data)
w("a.txt", "Họ và tên: Nguyễn Văn An\nSố CCCD: 001087123456\n".encode())
w("sub/b.csv", "ho_ten,so_dien_thoai\nTrần Thị Bình,0912345678\nLê Văn Cường,0987654321\n".encode())
w("c.zip", zip_bytes([("inner/phone.txt", "SĐT: 0903123456\n".encode()), ("note.txt", b"nothing\n")]))
w("docs/d.docx", docx_text("Email: an.nguyen@congty-vidu.vn"))
w("touched.txt", "Số CCCD: 079203004321\n".encode())
w("gone.txt", "Số CCCD: 048095001234\nSĐT: 0911222333\n".encode())
w("decoy.txt", "Mã đơn hàng: DH-2024-000123, giao ngày 03/02/2024\n".encode())
w("blob.bin", bytes([0, 1, 2, 0x7F, 0x80, 0x9F, 0xC0, 0xFF, 7, 0x81, 0x90] * 3000))
PYEOF
export PDPSCAN_KEY_FILE="$T/key"
cp "$PD_SRCDIR/tests/data/test.key" "$T/key"
chmod 600 "$T/key"
S="$T/state.db"

# fields of a finding or unit record that a carried copy must repeat exactly
same_records() { # OLD NEW: findings, units and violations equal apart from "carried"
    "$PY" - "$1" "$2" <<'PYEOF' || fail "records of $2 differ from $1"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def norm(items):
    return sorted(json.dumps({k: v for k, v in x.items() if k != "carried"}, sort_keys=True) for x in items)
for part in ("findings", "units", "violations"):
    if norm(a[part]) != norm(b[part]):
        print(part, "differ:", set(norm(a[part])) ^ set(norm(b[part])), file=sys.stderr)
        sys.exit(1)
PYEOF
    ok
}

# 1. the first run reads everything and writes the state, 0600 even under umask 0
mask=$(umask)
umask 0
scan "$T/r1.json" --state "$S" "$T/tree"
umask "$mask"
expect_rc 1
[ "$(stat -c %a "$S")" = 600 ] || fail "state file mode $(stat -c %a "$S"), expected 600"
ok
[ "$(rq "$T/r1.json" "r['counters']['carried'], r['counters']['gone'], r['gone']")" = "(0, 0, [])" ] ||
    fail "first run: $(rq "$T/r1.json" "r['counters']")"
ok
[ "$(rq "$T/r1.json" "r['counters']['bytes_scanned'] > 0 and sum(1 for f in r['findings'] if 'carried' in f)")" = 0 ] ||
    fail "first run carried findings"
ok
ls "$T" | grep -q 'state.db-' && fail "a journal or WAL file was left beside the state"
ok

# 2. unchanged: nothing of the tree is opened (directories are listed), all is carried, and
# the report equals the first one; the root is typed differently (a trailing slash)
rc=0 # LeakSanitizer cannot run under ptrace: leaks are checked by every other run
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=open,openat,openat2 -o "$T/trace" \
    "$PDPSCAN" scan -q -f json -o "$T/r2.json" --state "$S" "$T/tree/" 2>"$T/stderr" || rc=$?
expect_rc 1
validate "$T/r2.json"
opened=$(grep -F "$T/tree" "$T/trace" | grep -v O_DIRECTORY || true)
[ -z "$opened" ] || fail "an unchanged tree had files opened: $opened"
ok
grep -F "$T/tree" "$T/trace" | grep -q O_DIRECTORY || fail "strace saw no walk at all: the check above proves nothing"
ok
same_records "$T/r1.json" "$T/r2.json"
[ "$(rq "$T/r2.json" "(r['counters']['carried'] == r['counters']['units'], r['counters']['bytes_scanned'])")" = "(True, 0)" ] ||
    fail "unchanged rescan: $(rq "$T/r2.json" "r['counters']")"
ok
[ "$(rq "$T/r2.json" "all(f.get('carried') for f in r['findings']) and all(u.get('carried') for u in r['units'])")" = True ] ||
    fail "findings or units of the rescan are not marked carried"
ok
[ "$(rq "$T/r2.json" "sorted(u['path'] for u in r['units'] if '!' in u['path'])[0]")" = "$T/tree/c.zip!inner/phone.txt" ] ||
    fail "a carried member's path: $(rq "$T/r2.json" "sorted(u['path'] for u in r['units'])")"
ok
expect_count "$T/r2.json" vn.phone "c.zip!inner/phone.txt" 1
expect_count "$T/r2.json" vn.cccd "decoy.txt" 0
expect_status "$T/r2.json" blob.bin skipped "binary data"

# 3. changes: a.txt edited, touched.txt touched only, gone.txt removed, new.txt added
printf 'Số CCCD: 031099000123\n' >>"$T/tree/a.txt"
touch -d '2001-02-03 04:05:06' "$T/tree/touched.txt"
rm "$T/tree/gone.txt"
printf 'SĐT: 0977111222\n' >"$T/tree/new.txt"
scan "$T/r3.json" --state "$S" "$T/tree"
expect_rc 1
expect_count "$T/r3.json" vn.cccd "/a.txt" 2
expect_count "$T/r3.json" vn.phone "/new.txt" 1
[ "$(rq "$T/r3.json" "sorted((u['path'].rsplit('/',1)[1], bool(u.get('carried'))) for u in r['units'] if u['path'].endswith(('a.txt','touched.txt','new.txt','b.csv')))")" = \
    "[('a.txt', False), ('b.csv', True), ('new.txt', False), ('touched.txt', True)]" ] ||
    fail "what was read again: $(rq "$T/r3.json" "[(u['path'], u.get('carried')) for u in r['units']]")"
ok
[ "$(rq "$T/r3.json" "r['counters']['bytes_scanned']")" = "$(($(stat -c %s "$T/tree/a.txt") + $(stat -c %s "$T/tree/new.txt")))" ] ||
    fail "bytes read after a change: $(rq "$T/r3.json" "r['counters']")"
ok
[ "$(rq "$T/r3.json" "r['gone'], r['counters']['gone']")" = "([{'path': '$T/tree/gone.txt', 'findings': 2}], 1)" ] ||
    fail "gone: $(rq "$T/r3.json" "r['gone']")"
ok
[ "$(rq "$T/r3.json" "sum(1 for f in r['findings'] if f['location']['path'].endswith('gone.txt'))")" = 0 ] ||
    fail "findings of a removed file were carried"
ok

# 4. the text summary and JSON Lines say the same
"$PDPSCAN" scan -f text --state "$S" "$T/tree" >"$T/r4.txt" 2>"$T/stderr" || true
units=$(rq "$T/r3.json" "r['counters']['units']")
grep -q "^Unchanged since the state: $units units carried, not read" "$T/r4.txt" || fail "text summary: $(grep -i state "$T/r4.txt")"
grep -q "^Gone since the state: 0 files" "$T/r4.txt" || fail "a file was reported gone twice"
ok
rm "$T/tree/new.txt"
"$PDPSCAN" scan -q -f jsonl -o "$T/r5.jsonl" --state "$S" "$T/tree" 2>"$T/stderr" || true
"$PY" - "$T/r5.jsonl" "$T/tree/new.txt" "$((units - 1))" <<'PYEOF' || fail "JSON Lines gone records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
gone = [r for r in recs if r["type"] == "gone"]
end = [r for r in recs if r["type"] == "end"][0]
assert gone == [{"path": sys.argv[2], "findings": 1, "type": "gone"}], gone
assert end["counters"]["gone"] == 1 and end["counters"]["carried"] == int(sys.argv[3]), end["counters"]
PYEOF
ok

# 5. excluded files are not gone, and are read again once no longer excluded
scan "$T/r6.json" --state "$S" --exclude sub "$T/tree"
[ "$(rq "$T/r6.json" "r['counters']['gone']")" = 0 ] || fail "an excluded file was reported gone: $(rq "$T/r6.json" "r['gone']")"
ok
scan "$T/r7.json" --state "$S" "$T/tree"
[ "$(rq "$T/r7.json" "[u.get('carried', False) for u in r['units'] if u['path'].endswith('b.csv')]")" = "[False]" ] ||
    fail "a file no longer excluded was carried from before its exclusion"
ok

# 6. other settings empty the state, with a warning naming what changed
scan "$T/r8.json" --state "$S" --min-confidence high "$T/tree"
grep -q "written with other settings (min_confidence changed): every file is read again" "$T/stderr" ||
    fail "settings change: $(cat "$T/stderr")"
[ "$(rq "$T/r8.json" "r['counters']['carried']")" = 0 ] || fail "carried across a settings change"
ok
head -c 32 /dev/urandom >"$T/key2"
chmod 600 "$T/key2"
PDPSCAN_KEY_FILE="$T/key2" scan "$T/r9.json" --state "$S" --min-confidence high "$T/tree"
grep -q "(key changed)" "$T/stderr" || fail "key change: $(cat "$T/stderr")"
ok

# 7. a corrupt state is moved aside and rebuilt with a warning; the run is whole
scan "$T/r10.json" --state "$S" "$T/tree"
printf 'not a database at all' >"$S"
scan "$T/r11.json" --state "$S" "$T/tree"
expect_rc 1
grep -q "was not a usable pdpscan state .*moved to $S.corrupt and rebuilt" "$T/stderr" || fail "corrupt state: $(cat "$T/stderr")"
[ "$(cat "$S.corrupt")" = "not a database at all" ] || fail "the corrupt file was not kept aside"
same_records "$T/r10.json" "$T/r11.json"
scan "$T/r12.json" --state "$S" "$T/tree"
[ "$(rq "$T/r12.json" "r['counters']['carried'] == r['counters']['units']")" = True ] || fail "the rebuilt state carries nothing"
ok
# pages of a real state torn: its header reads, its records do not (found while in use)
"$PY" - "$S" <<'PYEOF'
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read())
for i in range(len(b) - 4096, len(b)): b[i] = 0xA5  # the last page: records, not the header
open(p, "wb").write(b)
PYEOF
scan "$T/r13.json" --state "$S" "$T/tree"
[ "$rc" = 1 ] || fail "a damaged state: exit $rc: $(cat "$T/stderr")"
grep -q "failed while in use (database disk image is malformed): rebuilt" "$T/stderr" ||
    fail "a damaged state was not said: $(cat "$T/stderr")"
same_records "$T/r10.json" "$T/r13.json"
scan "$T/r14.json" --state "$S" "$T/tree"
[ "$(rq "$T/r14.json" "r['counters']['carried'] == r['counters']['units']")" = True ] || fail "state not rebuilt after damage"
ok

# 8. refused: --reveal (a state never holds a clear value), another program's database, a
# state held by another run
rc=0; "$PDPSCAN" scan -q --state "$S" --reveal "$T/tree" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q -- "--state cannot be given with --reveal" "$T/stderr" || fail "--reveal: $(cat "$T/stderr")"
"$PY" -c "import sqlite3; c = sqlite3.connect('$T/other.db'); c.execute('create table customers(name)'); c.commit()"
sum_before=$(sha256sum "$T/other.db")
rc=0; "$PDPSCAN" scan -q -o "$T/x.json" --state "$T/other.db" "$T/tree" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "is an SQLite database of something else" "$T/stderr" || fail "foreign database: $(cat "$T/stderr")"
[ "$(sha256sum "$T/other.db")" = "$sum_before" ] || fail "another program's database was changed"
ok
rc=0
"$PY" - "$S" "$PDPSCAN" "$T/tree" "$T/stderr" <<'PYEOF' || rc=$?
import fcntl, subprocess, sys
held = open(sys.argv[1], "rb")
fcntl.flock(held, fcntl.LOCK_EX)  # what a running pdpscan holds
r = subprocess.run([sys.argv[2], "scan", "-q", "--state", sys.argv[1], sys.argv[3]], stderr=open(sys.argv[4], "w"))
sys.exit(r.returncode)
PYEOF
expect_rc 2
grep -q "is in use by another pdpscan run" "$T/stderr" || fail "a held state: $(cat "$T/stderr")"

# 9. a state inside the scanned tree is not read back
scan "$T/r15.json" --state "$T/tree/inside.db" "$T/tree"
scan "$T/r16.json" --state "$T/tree/inside.db" "$T/tree"
expect_status "$T/r16.json" inside.db skipped "pdpscan's own --state file"
[ "$(rq "$T/r16.json" "[u['path'] for u in r['units'] if 'inside.db' in u['path']]")" = "['$T/tree/inside.db']" ] ||
    fail "state journal or file units: $(rq "$T/r16.json" "[u['path'] for u in r['units'] if 'inside' in u['path']]")"
ok
done_testing
