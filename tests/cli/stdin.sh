#!/bin/sh
# pdpscan scan -: standard input as one unit, named "-" or --stdin-name (whose extension helps tell
# a table from prose), from a pipe or a redirected file, compressed or not, beside other roots.
. "$PD_SRCDIR/tests/cli/lib.sh"
cp -r "$PD_SRCDIR/examples/share" "$T/share"
piped() { # INPUT REPORT ARGS...: INPUT through a pipe into pdpscan scan ARGS; rc as scan sets it
    input=$1 report=$2
    shift 2
    rc=$(cat "$input" | { "$PDPSCAN" scan -q -f json -o "$report" "$@" >"$T/stdout" 2>"$T/stderr" && echo 0 || echo $?; })
    [ "$rc" -le 4 ] || fail "pdpscan exited $rc: $(cat "$T/stderr")"
    validate "$report"
}
printf 'Số CCCD: 079193001234\n' >"$T/id.txt"
piped "$T/id.txt" "$T/pipe.json" -
expect_rc 1
[ "$(rq "$T/pipe.json" "[(u['path'], u['status'], u['size'], u['bytes_scanned']) for u in r['units']]")" = "[('-', 'scanned', 24, 24)]" ] ||
    fail "a pipe: $(rq "$T/pipe.json" "r['units']")"
expect_count "$T/pipe.json" vn.cccd "-" 1
# a CSV export piped in and named: its header labels the values
printf 'ho_ten,so_cccd\nNguyễn Văn An,079193001234\n' >"$T/export"
piped "$T/export" "$T/csv.json" --stdin-name export.csv -
expect_rc 1
[ "$(rq "$T/csv.json" "sorted((f['detector'], f['location']['field']) for f in r['findings'])")" = \
  "[('person_name', 'ho_ten'), ('vn.cccd', 'so_cccd')]" ] || fail "a named CSV on stdin: $(rq "$T/csv.json" "r['findings']")"
[ "$(rq "$T/csv.json" "r['units'][0]['path']")" = export.csv ] || fail "--stdin-name"
# a redirected file gives what scanning the file gives; a compressed stream is opened
scan "$T/file.json" "$T/share/hr/nhan-vien.csv"
scan "$T/redir.json" - <"$T/share/hr/nhan-vien.csv"
[ "$(rq "$T/redir.json" "sorted((f['detector'], f['location']['offset']) for f in r['findings'])")" = \
  "$(rq "$T/file.json" "sorted((f['detector'], f['location']['offset']) for f in r['findings'])")" ] ||
    fail "a redirected file is not read as the file"
gzip -c "$T/share/hr/ho-so-nhan-su.txt" >"$T/gz"
piped "$T/gz" "$T/gz.json" -
expect_count "$T/gz.json" vn.cccd "-!ho-so-nhan-su.txt" 1 # gzip keeps the name
# standard input beside a folder: both read
printf 'SĐT: 0912345678\n' >"$T/phone"
piped "$T/phone" "$T/both.json" - "$T/share/public"
[ "$(rq "$T/both.json" "len(r['units']) >= 2 and any(u['path'] == '-' for u in r['units'])")" = True ] ||
    fail "stdin beside a folder"
ok
# mistakes: stdin twice, --stdin-name without -, a terminal on stdin (an error unit, not a hang)
for args in "- -" "--stdin-name x.txt $T/share"; do
    rc=0
    # shellcheck disable=SC2086
    "$PDPSCAN" scan -q -f json -o "$T/bad.json" $args </dev/null >/dev/null 2>"$T/stderr" || rc=$?
    expect_rc 2
done
if command -v script >/dev/null 2>&1; then
    rc=0
    timeout 20 script -qec "'$PDPSCAN' scan -q -f json -o '$T/tty.json' -" /dev/null </dev/null >/dev/null 2>&1 || rc=$?
    expect_rc 4
    expect_status "$T/tty.json" "-" error "standard input is a terminal"
fi
done_testing
