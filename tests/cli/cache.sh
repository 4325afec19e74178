#!/bin/sh
# The compiled-detector cache: it is created private, it gives the same findings as compiling,
# and an entry that is damaged, foreign or too permissive is never loaded but rebuilt.
. "$PD_SRCDIR/tests/cli/lib.sh"
cp -r "$PD_SRCDIR/examples/share" "$T/share"
C="$T/c"
export PDPSCAN_CACHE_DIR="$C"
findings() { rq "$1" "sorted((f['detector'], f['location']['path'], f['location']['offset'], f['value']['hash']) for f in r['findings'])"; }
# two entries: the detectors' database and the context words'; the tests below damage the larger
entry() { ls -S "$C"/*.hsdb | head -n 1; }

scan "$T/fresh.json" --no-cache "$T/share"
[ ! -e "$C" ] || fail "--no-cache wrote a cache"
ok
scan "$T/first.json" "$T/share"
expect_rc 1
[ "$(ls "$C" | wc -l)" = 2 ] || fail "cache holds $(ls -a "$C")"
[ "$(stat -c %a "$C")" = 700 ] && [ "$(stat -c %a "$C"/*.hsdb | sort -u)" = 600 ] || fail "cache is not private"
ok
scan "$T/cached.json" "$T/share"
[ "$(findings "$T/first.json")" = "$(findings "$T/fresh.json")" ] &&
    [ "$(findings "$T/cached.json")" = "$(findings "$T/fresh.json")" ] || fail "cached detectors found something else"
ok
# entries loaded from cache are left as they are
before=$(stat -c %i "$C"/*.hsdb)
scan "$T/again.json" "$T/share"
[ "$(stat -c %i "$C"/*.hsdb)" = "$before" ] || fail "a sound entry was rewritten"
ok

# a flipped byte in the compiled database: the checksum rejects it, the entry is rebuilt
e=$(entry)
size=$(stat -c %s "$e")
cp "$e" "$T/good.hsdb"
"$PY" -c 'import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2])); b = f.read(1); f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 1]))' "$e" $((size - 100))
cmp -s "$e" "$T/good.hsdb" && fail "corruption did not change the entry"
scan "$T/corrupt.json" "$T/share"
[ "$(findings "$T/corrupt.json")" = "$(findings "$T/fresh.json")" ] || fail "a corrupt entry changed the findings"
cmp -s "$(entry)" "$T/good.hsdb" || fail "the corrupt entry was not rebuilt"
ok
# truncated, and garbage with the right name
head -c 100 "$T/good.hsdb" >"$e"
scan "$T/short.json" "$T/share"
[ "$(findings "$T/short.json")" = "$(findings "$T/fresh.json")" ] || fail "a truncated entry changed the findings"
cmp -s "$(entry)" "$T/good.hsdb" || fail "the truncated entry was not rebuilt"
ok
# group- or world-writable: anyone could have written it, so it is not trusted (and replaced)
chmod 666 "$e"
before=$(stat -c %i "$e")
scan "$T/perm.json" "$T/share"
[ "$(stat -c %i "$(entry)")" != "$before" ] && [ "$(stat -c %a "$(entry)")" = 600 ] ||
    fail "a world-writable entry was loaded"
ok
# a symbolic link in place of the entry is not followed
mv "$e" "$T/elsewhere.hsdb"
ln -s "$T/elsewhere.hsdb" "$e"
scan "$T/link.json" "$T/share"
[ ! -L "$e" ] || fail "a symlinked entry was kept"
ok
# owned by someone else
if setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
    chown nobody "$e"
    before=$(stat -c %i "$e")
    scan "$T/owner.json" "$T/share"
    [ "$(stat -c %i "$(entry)")" != "$before" ] && [ "$(stat -c %U "$(entry)")" = "$(id -un)" ] ||
        fail "an entry owned by another user was loaded"
    ok
fi

# the cache keeps the 16 entries used last, and removes nothing that is not an entry
export PDPSCAN_CACHE_DIR="$T/c2"
scan "$T/p1.json" --detectors email "$T/share"
used=$(ls -S "$T/c2"/*.hsdb | head -n 1)
touch -d 2019-01-01 "$used"
for i in $(seq 1 20); do touch -d 2020-01-01 "$T/c2/$(printf '%064x' "$i").hsdb"; done
: >"$T/c2/notes.txt"
scan "$T/p2.json" --detectors email "$T/share"  # loaded: now the entry used last
scan "$T/p3.json" --detectors vn.cccd "$T/share" # a new selection: stored, then the cache pruned
[ "$(ls "$T/c2"/*.hsdb | wc -l)" = 16 ] || fail "$(ls "$T/c2"/*.hsdb | wc -l) entries after pruning"
[ -e "$used" ] || fail "the entry loaded last was pruned"
[ -e "$T/c2/notes.txt" ] || fail "a file that is not an entry was removed"
ok
# a cache that cannot be written costs a compilation, nothing else
export PDPSCAN_CACHE_DIR="$T/share/hr/nhan-vien.csv"
scan "$T/nowrite.json" "$T/share"
expect_rc 1
[ "$(findings "$T/nowrite.json")" = "$(findings "$T/fresh.json")" ] || fail "an unusable cache changed the findings"
# empty: cache off; no directory is made under HOME
export PDPSCAN_CACHE_DIR= HOME="$T/home" XDG_CACHE_HOME=
mkdir "$T/home"
scan "$T/off.json" "$T/share"
[ ! -e "$T/home/.cache" ] || fail "PDPSCAN_CACHE_DIR= still wrote a cache"
ok
unset PDPSCAN_CACHE_DIR
mkdir "$T/home/.cache"
scan "$T/home.json" "$T/share"
ls "$T/home/.cache/pdpscan/"*.hsdb >/dev/null 2>&1 || fail "no cache under ~/.cache/pdpscan"
ok
done_testing
