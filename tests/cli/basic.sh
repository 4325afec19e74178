#!/bin/sh
# The bundled sample share: what is found, where, how it is masked, and the exit code.
. "$PD_SRCDIR/tests/cli/lib.sh"
cp -r "$PD_SRCDIR/examples/share" "$T/share"

scan "$T/r.json" -j 2 "$T/share"
expect_rc 1
expect_count "$T/r.json" vn.cccd hr/nhan-vien.csv 3
expect_count "$T/r.json" vn.phone hr/nhan-vien.csv 3
expect_count "$T/r.json" email hr/nhan-vien.csv 3
# the header labels the name and birth date columns (ho_ten, ngay_sinh)
expect_count "$T/r.json" person_name hr/nhan-vien.csv 3
expect_count "$T/r.json" dob hr/nhan-vien.csv 3
expect_count "$T/r.json" vn.cccd hr/ho-so-nhan-su.txt 1
expect_count "$T/r.json" person_name hr/ho-so-nhan-su.txt 1
expect_count "$T/r.json" vn.credentials hr/ho-so-nhan-su.txt 2
expect_count "$T/r.json" vn.secret_mark cong-van/bao-cao-15.txt 1
expect_count "$T/r.json" vn.phone misc/khach-hang-utf16.txt 1
expect_count "$T/r.json" vn.cccd misc/khong-dau.txt 1
# decoys in the public notice: password, security policy, honey, the film, an order number, a version
[ "$(rq "$T/r.json" "sum(1 for f in r['findings'] if 'public/' in f['location']['path'])")" = 0 ] ||
    fail "decoys in public/thong-bao.txt were reported"
ok
# location and derived attributes of one finding
[ "$(rq "$T/r.json" "[(f['location']['line'],f['location']['column'],f['value']['masked'],f['attributes']['birth_year']) for f in r['findings'] if f['detector']=='vn.cccd' and f['location']['path'].endswith('nhan-su.txt')][0]")" = "(5, 12, '031*******88', 1990)" ] ||
    fail "CCCD location, mask or birth year wrong"
ok
# report file mode and no clear values anywhere
[ "$(stat -c %a "$T/r.json")" = 600 ] || fail "report mode is not 0600"
ok
never_in "$T/r.json" 001087123456 0912345678 031190007788 "Dung@2024!" "Phạm Thị Dung" an.nguyen@congty-vidu.vn
never_in "$T/stderr" 001087123456
# the text summary on a terminal-style run
rc=0
"$PDPSCAN" scan "$T/share" >"$T/summary.txt" 2>"$T/stderr" || rc=$?
expect_rc 1
grep -q "Findings: 32 in" "$T/summary.txt" || fail "text summary: $(head -3 "$T/summary.txt")"
ok
never_in "$T/summary.txt" 001087123456 0912345678 "Dung@2024!"
# --reveal writes clear values, with a warning
scan "$T/reveal.json" --reveal "$T/share/hr/nhan-vien.csv"
grep -q '"clear":"001087123456"' "$T/reveal.json" || fail "--reveal did not write the clear value"
grep -q "warning: --reveal" "$T/stderr" || fail "--reveal gave no warning"
ok
# detector selection
scan "$T/only.json" --detectors vn.cccd "$T/share"
[ "$(rq "$T/only.json" "sorted(set(f['detector'] for f in r['findings']))")" = "['vn.cccd']" ] || fail "--detectors"
scan "$T/skip.json" --skip-detectors basic,sensitive "$T/share"
[ "$(rq "$T/skip.json" "sorted(set(f['category'] for f in r['findings']))")" = "['state_secret']" ] || fail "--skip-detectors"
ok
scan "$T/high.json" --min-confidence high "$T/share"
[ "$(rq "$T/high.json" "min(f['confidence'] for f in r['findings'])")" -ge 80 ] || fail "--min-confidence"
ok
# the detector list names the required detectors
"$PDPSCAN" detectors >"$T/detectors.txt"
for id in vn.cccd vn.cmnd vn.mst vn.phone vn.bhyt vn.bhxh vn.passport vn.driving_licence vn.plate vn.bank_card \
    card.pan vn.bank_account email ip dob person_name address vn.ethnicity vn.religion vn.health vn.biometric \
    vn.criminal_record vn.credentials vn.secret_mark vn.secret_recall vn.secret_named_only vn.secret_declassified; do
    grep -q "^$id " "$T/detectors.txt" || fail "detector $id not listed"
done
ok
# a file name with terminal escapes and a newline: shown escaped (as ls -b does) in the text
# summary, kept exact in JSON
mkdir "$T/esc"
name=$(printf 'a\033]0;pwned\007\033[31mred\nline.txt')
printf 'SĐT: 0912345678\n' >"$T/esc/$name"
rc=0
"$PDPSCAN" scan "$T/esc" >"$T/esc.txt" 2>"$T/stderr" || rc=$?
expect_rc 1
esc=$(printf '\033')
! grep -q "$esc" "$T/esc.txt" || fail "an escape sequence in a file name reached the terminal"
grep -q 'a\\033]0;pwned\\007\\033\[31mred\\nline.txt:1$' "$T/esc.txt" || fail "name not escaped: $(grep red "$T/esc.txt" | cat -v)"
scan "$T/esc.json" "$T/esc"
[ "$(rq "$T/esc.json" "[u['path'].endswith('/a\x1b]0;pwned\x07\x1b[31mred\nline.txt') for u in r['units']]")" = "[True]" ] ||
    fail "JSON does not keep the name exact"
ok
done_testing
