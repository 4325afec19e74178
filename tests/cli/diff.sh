#!/bin/sh
# pdpscan diff: two JSON reports compared by fingerprint (findings) and by rule, scope and subject
# (violations); new, fixed and unchanged, in text or JSON; exit 0 when nothing is new, 1 when
# something is, 2 on error. Values stay masked.
. "$PD_SRCDIR/tests/cli/lib.sh"
cp -r "$PD_SRCDIR/examples/share" "$T/share"
scan "$T/night1.json" "$T/share"
# the second night: nothing changed but lines inserted above values: nothing new
f="$T/share/hr/ho-so-nhan-su.txt"
printf 'Ghi chú\n\n' | cat - "$f" >"$T/tmp" && mv "$T/tmp" "$f"
scan "$T/night2.json" "$T/share"
rc=0
"$PDPSCAN" diff "$T/night1.json" "$T/night2.json" >"$T/out" 2>"$T/stderr" || rc=$?
expect_rc 0
grep -q "^Findings: 0 new, 0 fixed, $(rq "$T/night1.json" "len(r['findings'])") unchanged" "$T/out" ||
    fail "an unchanged share is not unchanged: $(cat "$T/out")"
# the third night: a planted file, and a file removed
printf 'Số CCCD: 079193001234\n' >"$T/share/planted.txt"
rm "$T/share/hr/nhan-vien.csv"
scan "$T/night3.json" "$T/share"
rc=0
"$PDPSCAN" diff "$T/night2.json" "$T/night3.json" >"$T/out" 2>"$T/stderr" || rc=$?
expect_rc 1
removed=$(rq "$T/night2.json" "sum(1 for f in r['findings'] if f['location']['path'].endswith('nhan-vien.csv'))")
grep -q "^Findings: 1 new, $removed fixed, " "$T/out" || fail "diff counts: $(head -2 "$T/out")"
grep -q "^  + vn.cccd .*planted.txt:1  079\*\*\*\*\*\*\*34" "$T/out" || fail "the planted finding is not listed: $(cat "$T/out")"
! grep -q "079193001234" "$T/out" || fail "diff printed a value in clear"
ok
rc=0
"$PDPSCAN" diff -f json "$T/night2.json" "$T/night3.json" >"$T/diff.json" 2>"$T/stderr" || rc=$?
expect_rc 1
"$PY" - "$T/diff.json" "$T/night3.json" <<'PYEOF' || fail "diff -f json"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
r = json.load(open(sys.argv[2], encoding="utf-8"))
new = d["findings"]["new"]
planted = [f["fingerprint"] for f in r["findings"] if f["location"]["path"].endswith("planted.txt")]
assert [f["fingerprint"] for f in new] == planted and len(planted) == 1, (new, planted)
assert all(f["location"]["path"].endswith("nhan-vien.csv") for f in d["findings"]["fixed"]) and d["findings"]["fixed"]
assert d["findings"]["unchanged"] == len(r["findings"]) - 1
assert "clear" not in json.dumps(d)
PYEOF
ok
# violations compare by rule, scope and subject: a new one is listed with its severity
printf 'Tôn giáo: Phật giáo\n' >"$T/share/planted.txt"
scan "$T/night4.json" "$T/share"
rc=0
"$PDPSCAN" diff "$T/night3.json" "$T/night4.json" >"$T/out" 2>"$T/stderr" || rc=$?
expect_rc 1
grep -q "^Violations: [1-9][0-9]* new" "$T/out" && grep -q "^  + [a-z]* *PDPL-[A-Z-]* .*planted.txt" "$T/out" ||
    fail "a new violation is not listed: $(cat "$T/out")"
ok
# errors: a missing report, a file that is no pdpscan report, an ephemeral key, bad usage
printf 'a,b\n' >"$T/not-a-report.csv"
for args in "$T/none.json $T/night1.json" "$T/night1.json $T/not-a-report.csv" "-f xml $T/night1.json $T/night2.json" \
    "$T/night1.json"; do
    rc=0
    # shellcheck disable=SC2086
    "$PDPSCAN" diff $args >/dev/null 2>"$T/stderr" || rc=$?
    expect_rc 2
done
env -i PATH="$PATH" HOME="$T/nohome" "$PDPSCAN" scan -q --ephemeral-key -o "$T/eph.json" "$T/share" 2>/dev/null || true
rc=0
"$PDPSCAN" diff "$T/night1.json" "$T/eph.json" >/dev/null 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "ephemeral-key" "$T/stderr" || fail "an ephemeral-key report is not refused: $(cat "$T/stderr")"
ok
# reports hashed with another key: refused by diff and by --baseline (nothing would match)
head -c 32 /dev/urandom >"$T/other.key"
chmod 600 "$T/other.key"
PDPSCAN_KEY_FILE="$T/other.key" scan "$T/other.json" "$T/share"
[ "$(rq "$T/other.json" "len(r['scan']['key_id'])")" = 32 ] && [ "$(rq "$T/other.json" "r['scan']['key_id']")" != "$(rq "$T/night3.json" "r['scan']['key_id']")" ] ||
    fail "key ids: $(rq "$T/other.json" "r['scan'].get('key_id')")"
rc=0
"$PDPSCAN" diff "$T/night3.json" "$T/other.json" >/dev/null 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "were hashed with different keys" "$T/stderr" || fail "diff across keys: $(cat "$T/stderr")"
rc=0
"$PDPSCAN" scan -q -o "$T/x.json" --baseline "$T/other.json" "$T/share" 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q -- "--baseline: $T/other.json was hashed with another key" "$T/stderr" || fail "baseline across keys: $(cat "$T/stderr")"
never_in "$T/other.json" "$(head -c 8 "$T/other.key" | od -An -tx1 | tr -d ' \n')"
ok
# --baseline: a scan reports, counts and gates only what the baseline report does not hold
cp -r "$PD_SRCDIR/examples/share" "$T/nightly"
scan "$T/n1.json" "$T/nightly"
scan "$T/n2.json" --baseline "$T/n1.json" "$T/nightly"
expect_rc 0
[ "$(rq "$T/n2.json" "(len(r['findings']), r['counters']['findings'], len(r['violations']))")" = "(0, 0, 0)" ] ||
    fail "a baseline run of an unchanged share reported something"
[ "$(rq "$T/n2.json" "(r['counters']['baseline_findings'], r['counters']['baseline_violations'])")" = \
  "$(rq "$T/n1.json" "(len(r['findings']), len(r['violations']))")" ] || fail "baseline counters"
[ "$(rq "$T/n2.json" "r['scan']['options']['baseline']")" = "$T/n1.json" ] || fail "the baseline is not in the options"
ok
# a planted value and a planted sensitive record: exactly those, and --fail-on gates on the new
# violation only
printf 'Số CCCD: 079193001234\n' >"$T/nightly/planted.txt"
scan "$T/n3.json" --baseline "$T/n1.json" "$T/nightly"
expect_rc 1
[ "$(rq "$T/n3.json" "[(f['detector'], f['location']['path'].rsplit('/', 1)[1]) for f in r['findings']]")" = \
  "[('vn.cccd', 'planted.txt')]" ] || fail "the baseline run did not report exactly the planted finding"
# the share's high violations are in the baseline and the planted ID raises none that severe
scan "$T/n3h.json" --baseline "$T/n1.json" --fail-on high "$T/nightly"
expect_rc 0
[ "$(rq "$T/n1.json" "sum(1 for v in r['violations'] if v['severity'] == 'high')")" -ge 1 ] ||
    fail "the sample share has no high violation: the gate above proves nothing"
# a readable religion record is a new high violation: gated
printf 'Tôn giáo: Phật giáo\n' >"$T/nightly/planted2.txt"
scan "$T/n4h.json" --baseline "$T/n1.json" --fail-on high "$T/nightly"
expect_rc 1
[ "$(rq "$T/n4h.json" "[(v['rule'], v['subject'].rsplit('/', 1)[1]) for v in r['violations'] if v['severity'] == 'high']")" = \
  "[('PDPL-SENSITIVE-EXPOSED', 'planted2.txt')]" ] || fail "the new high violation: $(rq "$T/n4h.json" "r['violations']")"
scan "$T/n4.json" --baseline "$T/n1.json" --fail-on low "$T/nightly"
expect_rc 1
[ "$(rq "$T/n4.json" "all('planted' in (v['subject'] or '') or v['scope'] != 'unit' for v in r['violations']) and len(r['violations']) > 0")" = True ] ||
    fail "the baseline run reported a known violation: $(rq "$T/n4.json" "[(v['rule'], v['subject']) for v in r['violations']]")"
ok
# a baseline that is no pdpscan report is a usage error
rc=0
"$PDPSCAN" scan -q -f json -o "$T/bad.json" --baseline "$T/not-a-report.csv" "$T/nightly" >/dev/null 2>"$T/stderr" || rc=$?
expect_rc 2
grep -q "^pdpscan: --baseline: .*not-a-report.csv" "$T/stderr" || fail "a bad baseline is not said: $(cat "$T/stderr")"
done_testing
