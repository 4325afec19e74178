#!/bin/sh
# Bad input never stops the scan or loses findings: unreadable files and directories, files
# that vanish between the walk and the read, special files, binary and empty files.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/share/ok" "$T/share/locked" "$T/share/victims"
printf 'Số CCCD: 001087123456\n' >"$T/share/ok/a.txt"
printf 'Số CCCD: 079193001234\n' >"$T/share/locked/hidden.txt"
printf 'SĐT: 0912345678\n' >"$T/share/ok/unreadable.txt"
: >"$T/share/ok/empty.txt"
mkfifo "$T/share/ok/pipe"
head -c 20000 /dev/urandom >"$T/share/ok/random.bin"
printf 'Số CCCD: 031190007788\n' | gzip >"$T/share/ok/archive.gz"
chmod 000 "$T/share/ok/unreadable.txt" "$T/share/locked"

# root ignores permissions: drop to nobody when possible, so that unreadable means unreadable
as_user=""
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PDPSCAN" --version >/dev/null 2>&1; then
    as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
    chmod 777 "$T"
fi
rc=0
$as_user "$PDPSCAN" scan -q -f json -o "$T/r.json" "$T/share" >"$T/stdout" 2>"$T/stderr" || rc=$?
expect_rc 1
validate "$T/r.json"
expect_count "$T/r.json" vn.cccd ok/a.txt 1
expect_status "$T/r.json" ok/a.txt scanned
expect_status "$T/r.json" ok/empty.txt scanned
expect_status "$T/r.json" ok/pipe skipped "FIFO"
expect_status "$T/r.json" ok/archive.gz scanned
expect_count "$T/r.json" vn.cccd "ok/archive.gz!data" 1
if [ -n "$as_user" ] || [ "$(id -u)" != 0 ]; then
    expect_status "$T/r.json" ok/unreadable.txt error "Permission denied"
    expect_status "$T/r.json" share/locked error "cannot open directory: Permission denied"
fi
# random bytes: read as raw data, never a crash
got=$(rq "$T/r.json" "[u['status'] for u in r['units'] if u['path'].endswith('random.bin')]")
case "$got" in *scanned*|*skipped*) ok ;; *) fail "random.bin: $got" ;; esac
chmod 755 "$T/share/locked"; chmod 644 "$T/share/ok/unreadable.txt"

# files deleted while the scan runs: a long first file keeps the only worker busy
truncate -s 1G "$T/slow.bin"
printf 'Số CCCD: 001087123456\n' >>"$T/slow.bin"
for i in 1 2 3 4 5 6 7 8 9 10; do printf 'SĐT: 0912345678\n' >"$T/share/victims/v$i.txt"; done
rc=0
"$PDPSCAN" scan -q -j 1 --binary -f json -o "$T/v.json" "$T/slow.bin" "$T/share/victims" 2>"$T/stderr" & # zeros: binary
pid=$!
wait_open $pid slow.bin
sleep 0.5 # the walker lists victims/ right after queueing slow.bin: let it finish
rm -f "$T"/share/victims/v*.txt
wait $pid || rc=$?
expect_rc 1
validate "$T/v.json"
expect_count "$T/v.json" vn.cccd slow.bin 1
vanished=$(rq "$T/v.json" "sum(1 for u in r['units'] if '/victims/v' in u['path'] and u['status']=='error' and 'vanished' in u['reason'])")
[ "$vanished" = 10 ] || fail "expected 10 vanished files reported as errors, got $vanished"
ok

# a file that grows while it is read (a log being written): read up to where the writer was when
# the read caught up, never chased for ever, never an error
truncate -s 64M "$T/grow.log" # its zeros are binary data: --binary below
(for i in $(seq 300); do printf 'SĐT: 0912345678\n' >>"$T/grow.log"; sleep 0.01; done) &
writer=$!
rc=0
timeout 60 "$PDPSCAN" scan -q -j 1 --binary -f json -o "$T/g.json" "$T/grow.log" 2>"$T/stderr" || rc=$?
wait $writer
[ "$rc" -le 1 ] || fail "growing file: exit code $rc (124: the scan chased the file)"
validate "$T/g.json"
expect_status "$T/g.json" "/grow.log" scanned
[ "$(rq "$T/g.json" "r['units'][0]['bytes_scanned'] >= 64 << 20")" = True ] || fail "growing file: read short of its size at open"
ok

# a file truncated, and a file replaced (renamed over), while it is read: the truncated one is
# partial ("shrank") with what was read; the replaced one is read whole as it was when opened.
# The scan is stopped as soon as it opens the file, changed, and continued.
"$PY" - "$T/big-trunc.txt" <<'PYEOF'
import sys
with open(sys.argv[1], "w") as f:
    f.writelines(f"Khách hàng {n}: SĐT 09{n % 10}{n:07d}\n" for n in range(400_000))
PYEOF
cp "$T/big-trunc.txt" "$T/big-replace.txt"
printf 'nothing here\n' >"$T/replacement.txt"
for change in trunc replace; do
    rc=0
    "$PDPSCAN" scan -q -j 1 -f json -o "$T/$change.json" "$T/big-$change.txt" 2>"$T/stderr" &
    pid=$!
    stop_when_open $pid "big-$change.txt"
    if [ $change = trunc ]; then truncate -s 0 "$T/big-trunc.txt"; else mv "$T/replacement.txt" "$T/big-replace.txt"; fi
    kill -CONT $pid
    wait $pid || rc=$?
    validate "$T/$change.json"
    if [ $change = trunc ]; then
        expect_rc 1
        expect_status "$T/trunc.json" big-trunc.txt partial "shrank while it was read"
    else
        expect_rc 1
        expect_status "$T/replace.json" big-replace.txt scanned
        [ "$(rq "$T/replace.json" "r['counters']['findings']")" = 400000 ] || fail "the replaced file was not read whole"
        ok
    fi
done

# kernel pseudo-filesystems: /proc and /sys inside a tree are not entered (some files never end,
# sizes are fiction); named as roots they are read, an endless file up to a cap
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
    mkdir -p "$T/host/data" "$T/host/proc" "$T/host/sys"
    printf 'SĐT: 0912345678\n' >"$T/host/data/a.txt"
    rc=0
    unshare -m sh -c 'mount -t proc proc "$1/host/proc" && mount -t sysfs sysfs "$1/host/sys" &&
        exec timeout 60 "$2" scan -q -f json -o "$1/h.json" "$1/host"' sh "$T" "$PDPSCAN" 2>"$T/stderr" || rc=$?
    expect_rc 1
    validate "$T/h.json"
    expect_status "$T/h.json" /host/proc skipped "proc pseudo-filesystem: not read unless named as a root"
    expect_status "$T/h.json" /host/sys skipped "sysfs pseudo-filesystem"
    [ "$(rq "$T/h.json" "r['counters']['units']")" = 3 ] || fail "the walk went into a pseudo-filesystem"
    ok
fi
# (pagemap is binary data: --binary has it read)
if [ -r /proc/self/pagemap ] && [ -d /sys/kernel ]; then
    sysdir=$(find /sys/kernel -maxdepth 2 -type f -readable 2>/dev/null | head -n 1)
    rc=0
    timeout 60 "$PDPSCAN" scan -q --binary -f json -o "$T/p.json" /proc/self/pagemap "$sysdir" 2>"$T/stderr" || rc=$?
    [ "$rc" = 4 ] || fail "pseudo-files named as roots: exit $rc (124: read without end)"
    validate "$T/p.json"
    expect_status "$T/p.json" /proc/self/pagemap partial "read up to its first 16 MiB"
    expect_status "$T/p.json" "$sysdir" scanned # not "shrank": its 4096 bytes are fiction
fi
done_testing
