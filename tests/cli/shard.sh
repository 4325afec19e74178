#!/bin/sh
# --shard K/N, --files-from and pdpscan merge: N processes cover a tree (files, archive members,
# what the walk says of links, SQLite tables) exactly once between them, for N = 1, 2, 4 and 7,
# whatever way the root is typed, and their merged report equals the single run's, apart from
# times, including a folder rule that only the whole folder triggers; mismatched, duplicated and
# missing shards are refused; a NUL-separated list with line breaks in names scans what the folder
# scan does.
. "$PD_SRCDIR/tests/cli/lib.sh"
export PDPSCAN_KEY_FILE="$T/key"
cp "$PD_SRCDIR/tests/data/test.key" "$T/key"
chmod 600 "$T/key"
mkdir -p "$T/tree"
cp -r "$PD_SRCDIR/examples/share" "$T/tree/"
"$PY" - "$T/tree" <<'PYEOF'
import os, sqlite3, sys, zipfile
d = sys.argv[1]
for i in range(40):
    sub = os.path.join(d, "phong-%d" % (i % 5), "nam-%d" % (i % 3))
    os.makedirs(sub, exist_ok=True)
    open(os.path.join(sub, "ho-so-%02d.txt" % i), "w").write("Số CCCD: 0010871%05d\nSĐT: 09123%05d\n" % (i, i))
bulk = os.path.join(d, "bulk")                                 # 130 distinct CCCDs in one folder:
os.makedirs(bulk)                                              # a folder rule (100) no shard sees alone
for i in range(26):
    open(os.path.join(bulk, "danh-sach-%02d.txt" % i), "w").write(
        "".join("Số CCCD: 0010872%05d\n" % (i * 5 + j) for j in range(5)))
os.makedirs(os.path.join(d, "lon"))                            # past 10,000 findings: counted, not listed
open(os.path.join(d, "lon", "rat-lon.txt"), "w").write("".join("SĐT: 0912%06d\n" % i for i in range(10100)))
os.makedirs(os.path.join(d, "la\nbel"), exist_ok=True)       # a line break in a folder's name
open(os.path.join(d, "la\nbel", "ten\nfile.txt"), "w").write("Số CCCD: 079203004321\n")
with zipfile.ZipFile(os.path.join(d, "kho.zip"), "w") as z:
    for i in range(3):
        z.writestr("m%d.txt" % i, "SĐT: 098765%04d\n" % i)
os.symlink("kho.zip", os.path.join(d, "lien-ket.zip"))        # a walk unit: link not followed
c = sqlite3.connect(os.path.join(os.path.dirname(d), "app.db"))
for t in ("khach_hang", "nhan_vien", "don_hang", "lien_he"):
    c.execute("create table %s (ho_ten text, so_dien_thoai text)" % t)
    c.execute("insert into %s values ('Nguyễn Văn An', '0912345678')" % t)
c.commit()
PYEOF
DB="sqlite://$T/app.db"

# units and findings of a report, as "path|status" and fingerprints, one per line
summary() {
    "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
for u in r["units"]: print("U", u["path"].replace(sys.argv[2], "ROOT"), u["status"])
for f in r["findings"]: print("F", f["fingerprint"])' "$1" "$2"
}

rc=0
"$PDPSCAN" scan -q -f json -o "$T/all.json" "$T/tree" "$DB" 2>"$T/stderr" || rc=$?
expect_rc 1
validate "$T/all.json"
summary "$T/all.json" "$T/tree" | sort >"$T/all.txt"
[ "$(grep -c '^U' "$T/all.txt")" -gt 50 ] && grep -q "kho.zip!m2.txt" "$T/all.txt" && grep -q "lien-ket.zip skipped" "$T/all.txt" &&
    grep -q "don_hang" "$T/all.txt" || fail "the whole scan misses parts of the tree: $(head "$T/all.txt")"
ok
for n in 1 2 4 7; do
    : >"$T/union.txt"
    k=0
    while [ $k -lt $n ]; do
        rc=0
        "$PDPSCAN" scan -q -f json -o "$T/s$k.json" --shard "$k/$n" "$T/tree" "$DB" 2>"$T/stderr" || rc=$?
        [ "$rc" -le 1 ] || fail "shard $k/$n exited $rc: $(cat "$T/stderr")"
        validate "$T/s$k.json"
        [ "$(rq "$T/s$k.json" "r['scan']['options']['shard']")" = "$k/$n" ] || fail "shard not in the report's options"
        summary "$T/s$k.json" "$T/tree" >>"$T/union.txt"
        k=$((k + 1))
    done
    sort "$T/union.txt" | diff -u "$T/all.txt" - >"$T/diff" || fail "$n shards do not cover the scan once: $(head -20 "$T/diff")"
    ok
    # merged: the single run's report, apart from times
    set --
    k=0
    while [ $k -lt $n ]; do set -- "$@" "$T/s$k.json"; k=$((k + 1)); done
    rc=0
    "$PDPSCAN" merge -q -o "$T/merged$n.json" "$@" 2>"$T/stderr" || rc=$?
    expect_rc 1
    validate "$T/merged$n.json"
    "$PY" - "$T/all.json" "$T/merged$n.json" <<'PYEOF' || fail "merged report of $n shards differs from the single run"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
rows = lambda r, k: sorted(json.dumps(x, sort_keys=True) for x in r[k])
for k in ("units", "findings", "violations"):
    if rows(a, k) != rows(b, k):
        print(k, sorted(set(rows(a, k)) ^ set(rows(b, k)))[:3], file=sys.stderr)
        sys.exit(1)
for k in ("counters", "totals", "policies"):
    assert a[k] == b[k], (k, a[k], b[k])
for r in (a, b):
    r["scan"]["options"].pop("output")  # each report names its own file
assert {k: v for k, v in a["scan"].items() if not k.endswith(("_at", "seconds"))} == \
       {k: v for k, v in b["scan"].items() if not k.endswith(("_at", "seconds"))}, (a["scan"], b["scan"])
PYEOF
    ok
done
# the folder rule held in the single run, and no shard of 2 saw it alone
[ "$(rq "$T/all.json" "'$T/tree/bulk' in [v['subject'] for v in r['violations'] if v['scope'] == 'folder']")" = True ] ||
    fail "the folder rule: $(rq "$T/all.json" "[(v['rule'], v['scope'], v['subject']) for v in r['violations']]")"
for k in 0 1; do
    "$PDPSCAN" scan -q -f json -o "$T/h$k.json" --shard "$k/2" "$T/tree" "$DB" 2>/dev/null || true
    [ "$(rq "$T/h$k.json" "'$T/tree/bulk' in [v['subject'] for v in r['violations'] if v['scope'] == 'folder']")" = False ] ||
        fail "shard $k/2 alone saw the folder rule: the merge test proves nothing"
done
ok
# refused: a shard twice, a shard missing, another key, another version, other policies
rc=0; "$PDPSCAN" merge -q -o "$T/x.json" "$T/h0.json" "$T/h0.json" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "shard 0/2 appears twice" "$T/stderr" || fail "twice: $(cat "$T/stderr")"
rc=0; "$PDPSCAN" merge -q -o "$T/x.json" "$T/h1.json" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "shard 0/2 is missing" "$T/stderr" || fail "missing: $(cat "$T/stderr")"
head -c 32 /dev/urandom >"$T/key2"
chmod 600 "$T/key2"
PDPSCAN_KEY_FILE="$T/key2" "$PDPSCAN" scan -q -f json -o "$T/k1.json" --shard 1/2 "$T/tree" "$DB" 2>/dev/null || true
rc=0; "$PDPSCAN" merge -q -o "$T/x.json" "$T/h0.json" "$T/k1.json" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "were hashed with different keys" "$T/stderr" || fail "keys: $(cat "$T/stderr")"
"$PY" -c "import json,sys; r=json.load(open(sys.argv[1])); r['tool']['version']='0.0.9'; json.dump(r,open(sys.argv[2],'w'))" \
    "$T/h1.json" "$T/v1.json"
rc=0; "$PDPSCAN" merge -q -o "$T/x.json" "$T/h0.json" "$T/v1.json" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "different pdpscan versions" "$T/stderr" || fail "versions: $(cat "$T/stderr")"
"$PY" -c "import json,sys; r=json.load(open(sys.argv[1])); r['policies']['files'][0]['sha256']='0'*64; json.dump(r,open(sys.argv[2],'w'))" \
    "$T/h1.json" "$T/p1.json"
rc=0; "$PDPSCAN" merge -q -o "$T/x.json" "$T/h0.json" "$T/p1.json" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "different policy files" "$T/stderr" || fail "policies: $(cat "$T/stderr")"
"$PDPSCAN" scan -q -f json -o "$T/o1.json" --shard 1/2 --max-file-size 1M "$T/tree" "$DB" 2>/dev/null || true
rc=0; "$PDPSCAN" merge -q -o "$T/x.json" "$T/h0.json" "$T/o1.json" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "were run with different --max_file_size" "$T/stderr" || fail "options: $(cat "$T/stderr")"
ok
# the hash spreads the work: none of the 7 shards (the last N above) is empty
[ "$(for k in 0 1 2 3 4 5 6; do rq "$T/s$k.json" "len(r['units'])"; done | grep -c '^0$')" = 0 ] ||
    fail "an empty shard among 7 over some 60 units"
ok

# the same shard whatever way the root is typed (its identity, not its spelling, is hashed)
"$PDPSCAN" scan -q -f json -o "$T/a.json" --shard 2/7 "$T/tree" 2>/dev/null || true
(cd "$T" && "$PDPSCAN" scan -q -f json -o "$T/b.json" --shard 2/7 ./tree/ 2>/dev/null) || true
[ "$(rq "$T/a.json" "sorted(f['fingerprint'] for f in r['findings'])")" = "$(rq "$T/b.json" "sorted(f['fingerprint'] for f in r['findings'])")" ] ||
    fail "the shard of a file depends on how its root was typed"
ok

# --files-from: NUL-separated names with line breaks give what the folder scan gives
(cd "$T/tree" && find "$T/tree" -type f -print0) >"$T/list0"
rc=0
"$PDPSCAN" scan -q -f json -o "$T/ff.json" --files-from "$T/list0" 2>"$T/stderr" || rc=$?
expect_rc 1
validate "$T/ff.json"
[ "$(rq "$T/ff.json" "sorted(f['fingerprint'] for f in r['findings'])")" = "$(rq "$T/all.json" "sorted(f['fingerprint'] for f in r['findings'] if '#' not in f['location']['path'])")" ] ||
    fail "--files-from (NUL) differs from the folder scan"
[ "$(rq "$T/ff.json" "[u['path'] for u in r['units'] if 'ten' in u['path']]")" = "['$T/tree/la\\nbel/ten\\nfile.txt']" ] ||
    fail "a name with line breaks: $(rq "$T/ff.json" "[u['path'] for u in r['units'] if 'ten' in u['path']]")"
ok
# newline-separated from standard input, sharded: the shards of the list are the shards of the tree
# (s1.json: shard 1 of 7, the last N above)
find "$T/tree/phong-1" -type f | sort >"$T/list"
rc=0
"$PDPSCAN" scan -q -f json -o "$T/ff1.json" --shard 1/7 --files-from - <"$T/list" 2>"$T/stderr" || rc=$?
[ "$rc" -le 1 ] || fail "--files-from -: exit $rc: $(cat "$T/stderr")"
[ "$(rq "$T/ff1.json" "sorted(f['fingerprint'] for f in r['findings'])")" = "$(rq "$T/s1.json" "sorted(f['fingerprint'] for f in r['findings'] if '/phong-1/' in f['location']['path'])")" ] ||
    fail "a listed file's shard is not its shard in the tree"
ok

# a state file follows one shard: another shard's run starts it afresh, and says so
"$PDPSCAN" scan -q -o "$T/st0.json" --state "$T/s.db" --shard 0/2 "$T/tree" 2>/dev/null || true
"$PDPSCAN" scan -q -o "$T/st1.json" --state "$T/s.db" --shard 1/2 "$T/tree" 2>"$T/stderr" || true
grep -q "other settings (shard changed)" "$T/stderr" || fail "a state used by another shard: $(cat "$T/stderr")"
[ "$(rq "$T/st1.json" "(r['counters']['carried'], r['counters']['gone'])")" = "(0, 0)" ] ||
    fail "another shard's files were carried or reported gone: $(rq "$T/st1.json" "r['counters']")"
ok

# refused with a precise message
for bad in 4/4 1/0 x 2 -1/3 1/100001; do
    rc=0; "$PDPSCAN" scan -q --shard "$bad" "$T/tree" 2>"$T/stderr" || rc=$?
    expect_rc 2
    grep -q -- "--shard takes K/N with 0 <= K < N <= 100000, not '$bad'" "$T/stderr" || fail "--shard $bad: $(cat "$T/stderr")"
done
rc=0; "$PDPSCAN" scan -q --files-from "$T/nothing" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q -- "--files-from $T/nothing: No such file or directory" "$T/stderr" || fail "missing list: $(cat "$T/stderr")"
printf '\n\n' >"$T/empty"
rc=0; "$PDPSCAN" scan -q --files-from "$T/empty" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "lists no path" "$T/stderr" || fail "empty list: $(cat "$T/stderr")"
rc=0; echo x | "$PDPSCAN" scan -q --files-from - - 2>"$T/stderr" || rc=$?
expect_rc 2
done_testing
