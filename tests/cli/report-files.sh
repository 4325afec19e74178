#!/bin/sh
# Report files survive what a nightly job meets: a full disk says so (exit 2) and leaves the
# previous JSON or text report as it was, with no temporary file; SIGKILL while a report is
# written leaves the previous one intact and nothing beside it. Reports named by date keep the
# newest N (--keep), and remove nothing else.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/share"
"$PY" - "$T/share" <<'PYEOF'
import sys
with open(sys.argv[1] + "/khach-hang.txt", "w") as f:
    f.writelines(f"Khách hàng {n}: SĐT 09{n % 10}{n:07d}, email kh{n}@congty-vidu.vn\n" for n in range(3000))
PYEOF
leftovers() { # DIR: files beside the report that are not the report
    find "$1" -maxdepth 1 -name '*.tmp*' | head -n 1
}

# SIGKILL in the middle of a run: the report of the last run stays whole, nothing is left beside it
mkdir -p "$T/out" "$T/big"
"$PY" - "$T/big/lon.txt" <<'PYEOF'
import sys
with open(sys.argv[1], "w") as f:
    f.writelines(f"Khách hàng {n}: SĐT 09{n % 10}{n:07d}\n" for n in range(2_000_000))
PYEOF
for fmt in json text; do
    "$PDPSCAN" scan -q -f $fmt -o "$T/out/r.$fmt" "$T/share" 2>"$T/stderr" || [ $? = 1 ] || fail "first $fmt run"
    [ -s "$T/out/r.$fmt" ] || fail "first $fmt run wrote no report"
    cp "$T/out/r.$fmt" "$T/before"
    "$PDPSCAN" scan -q -j 1 -f $fmt -o "$T/out/r.$fmt" "$T/share" "$T/big" 2>"$T/stderr" &
    pid=$!
    wait_open $pid lon.txt
    kill -s KILL $pid
    wait $pid 2>/dev/null || true
    cmp -s "$T/before" "$T/out/r.$fmt" || fail "SIGKILL during a $fmt run changed the previous report"
    [ -z "$(leftovers "$T/out")" ] || fail "SIGKILL during a $fmt run left $(leftovers "$T/out")"
    ok
done

# a full disk: a small file system of its own, filled up (root can mount one in a private mount namespace)
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
    mkdir -p "$T/full"
    for fmt in json text jsonl; do
        rc=0
        unshare -m sh -c 'mount -t tmpfs -o size=256k tmpfs "$1/full" &&
            printf "old report\n" >"$1/full/r.$2" && { cat /dev/zero >"$1/full/filler" 2>/dev/null || true; } &&
            "$3" scan -q -f "$2" -o "$1/full/r.$2" "$1/share" 2>"$1/stderr"; rc=$?
            cp "$1/full/r.$2" "$1/after" 2>/dev/null; ls -a "$1/full" >"$1/listing"; exit $rc' \
            sh "$T" "$fmt" "$PDPSCAN" || rc=$?
        expect_rc 2
        grep -q "writing report .*r\.$fmt failed: No space left on device (the disk or quota is full" "$T/stderr" ||
            fail "disk full ($fmt): $(cat "$T/stderr")"
        if [ $fmt != jsonl ]; then # streamed JSON Lines is followed as it is written: not atomic
            [ "$(cat "$T/after")" = "old report" ] || fail "disk full ($fmt): the previous report was changed"
            [ "$(grep -c . "$T/listing")" = 4 ] || fail "disk full ($fmt): files left: $(cat "$T/listing")"
        fi
        ok
    done
fi
# -o with strftime conversions names the report by date; --keep N removes all but the newest N
# reports of that pattern once the new one is in place, and nothing else in the folder
mkdir -p "$T/nightly"
printf 'Số CCCD: 001087123456\n' >"$T/share/id.txt"
for day in 01 02 03 04; do
    printf 'old\n' >"$T/nightly/2026-11-$day.json"
    touch -d "2026-11-$day 02:00" "$T/nightly/2026-11-$day.json"
done
printf 'keep me\n' >"$T/nightly/notes.json"       # not of the pattern
printf 'keep me\n' >"$T/nightly/ab-cd-ef.json"     # the same shape, but not dates
printf 'keep me\n' >"$T/nightly/2026-11-05.json.bak" # not of the pattern either
ln -s "$T/nightly/2026-11-01.json" "$T/nightly/2026-11-link.json" # a link is never removed
rc=0
"$PDPSCAN" scan -q -o "$T/nightly/%Y-%m-%d.json" --keep 3 "$T/share" 2>"$T/stderr" || rc=$?
expect_rc 1
today=$(date +%Y-%m-%d)
validate "$T/nightly/$today.json"
[ "$(rq "$T/nightly/$today.json" "(r['scan']['options']['output_pattern'], r['scan']['options']['keep'])")" = \
  "('$T/nightly/%Y-%m-%d.json', 3)" ] || fail "the pattern is not in the report's options"
[ "$(cd "$T/nightly" && ls | sort | tr '\n' ' ')" = "2026-11-03.json 2026-11-04.json 2026-11-05.json.bak 2026-11-link.json $today.json ab-cd-ef.json notes.json " ] ||
    fail "--keep 3 left: $(cd "$T/nightly" && ls | tr '\n' ' ')"
ok
# --keep without a date in the name, or a date in the folder's name, is a usage error
for args in "-o $T/r.json --keep 2" "-o $T/%Y/r.json" "--keep 0 -o $T/%d.json"; do
    rc=0
    # shellcheck disable=SC2086
    "$PDPSCAN" scan -q $args "$T/share" >/dev/null 2>"$T/stderr" || rc=$?
    expect_rc 2
done
done_testing
