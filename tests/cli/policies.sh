#!/bin/sh
# Every shipped rule fires on its trigger and stays silent on its near miss; overlays disable,
# override and add rules; exceptions suppress until they expire; --fail-on gates the exit code.
. "$PD_SRCDIR/tests/cli/lib.sh"
S="$T/s"
mk() { mkdir -p "$(dirname "$S/$1")"; printf "$2" >"$S/$1"; chmod "${3:-600}" "$S/$1"; }
# sensitive data: world-readable vs private
mk sensitive/open.txt 'Tôn giáo: Công giáo\n' 644
mk sensitive-miss/closed.txt 'Tôn giáo: Công giáo\n' 600
# the same inside a document and an archive: their parts and members have the file's permissions
PD_SRCDIR="$PD_SRCDIR" "$PY" - "$S" <<'PYEOF'
import os, sys
sys.path.insert(0, os.path.join(os.environ["PD_SRCDIR"], "tests"))
from fixtures import docx_text, zip_bytes
s = sys.argv[1]
for d, mode in (("sensitive", 0o644), ("sensitive-miss", 0o600)):
    for name, data in (("open.docx", docx_text("Tôn giáo: Công giáo")), ("open.zip", zip_bytes([("a/ton-giao.txt", "Tôn giáo: Công giáo\n".encode())]))):
        p = os.path.join(s, d, name)
        open(p, "wb").write(data)
        os.chmod(p, mode)
PYEOF
# personal data in a public location vs a private one
mk pub/notice.txt 'SĐT: 0912345678\n'
mk private/notice.txt 'SĐT: 0912345678\n'
# bulk: 100 distinct citizen IDs in one file vs 150 rows of only 50 distinct ones
"$PY" - "$S" <<'PYEOF'
import os, sys
s = sys.argv[1]
def write(rel, ids):
    p = os.path.join(s, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write("ho_ten,so_cccd\n")
        for i in ids:
            f.write(f"x,0790870{i:05d}\n")
    os.chmod(p, 0o600)
write("bulk/list.csv", range(100))
write("bulk-miss/list.csv", [i % 50 for i in range(150)])
for k in range(4):  # 4 x 30 = 120 distinct in one folder, no file over 100
    write(f"bulkdir/part{k}.csv", range(k * 30, k * 30 + 30))
for k in range(3):  # 3 x 30 = 90
    write(f"bulkdir-miss/part{k}.csv", range(k * 30, k * 30 + 30))
PYEOF
# children: born 2015 vs 2005
mk child/kid.txt 'Số CCCD: 001215000123\n'
mk child-miss/adult.txt 'Số CCCD: 001205000123\n'
# complete identity record vs one without a date of birth
mk identity/record.txt 'Họ và tên: Lê Văn Tám\nSố CCCD: 001087123456\nNgày sinh: 12/05/1987\n'
mk identity-miss/record.txt 'Họ và tên: Lê Văn Tám\nSố CCCD: 001087123456\n'
# credentials vs a placeholder
mk creds/app.conf 'password: S3cret-2026!\n'
mk creds-miss/app.conf 'password: ********\n'
# retention: 6 years old vs 4 years old
mk old/archive.txt 'SĐT: 0987654321\n'
mk old-miss/recent.txt 'SĐT: 0987654321\n'
touch -d '6 years ago' "$S/old/archive.txt"
touch -d '4 years ago' "$S/old-miss/recent.txt"
# markings: on a network share, on an undeclared host, on an isolated LAN
mk net/secret.txt 'Số: 12/BC\nTỐI MẬT\n'
mk undeclared/secret.txt 'TUYỆT MẬT\n'
mk lan/secret.txt 'MẬT\n'
mk declass/old.txt 'GIẢI MẬT\n'
mk declass-miss/memo.txt 'Đề nghị giải mật tài liệu cũ.\n'
cat >"$T/classes.json" <<JSON
{"format": "pdpscan-policy/1", "id": "test-classes",
 "location_classes": {"public": ["$S/pub/*"], "network_share": ["$S/net/*"], "isolated_lan": ["$S/lan/*"]}}
JSON

scan "$T/r.json" --policy "$T/classes.json" "$S"
expect_rc 1
# violations(RULE, SUBJECT-SUBSTRING) -> count
viol() { rq "$T/${3:-r}.json" "sum(1 for v in r['violations'] if v['rule']=='$1' and '$2' in (v['subject'] or ''))"; }
expect_viol() { [ "$(viol "$@")" -ge 1 ] || fail "$1 did not fire for $2"; ok; }
expect_none() { [ "$(viol "$@")" = 0 ] || fail "$1 fired for $2 (near miss)"; ok; }
expect_viol PDPL-SENSITIVE-EXPOSED /sensitive/open.txt
# the report names the policy files evaluated, with the SHA-256 of each as read
for f in "$PD_SRCDIR"/policies/*.json "$T/classes.json"; do
    sum=$(sha256sum "$f" | cut -d' ' -f1)
    [ "$(rq "$T/r.json" "sum(1 for p in r['policies']['files'] if p['sha256'] == '$sum' and p['path'].endswith('/$(basename "$f")'))")" = 1 ] ||
        fail "policy file $(basename "$f") is not listed with its SHA-256: $(rq "$T/r.json" "r['policies']['files']")"
done
ok
expect_viol PDPL-SENSITIVE-EXPOSED /sensitive/open.docx!word/document.xml
expect_viol PDPL-SENSITIVE-EXPOSED /sensitive/open.zip!a/ton-giao.txt
expect_none PDPL-SENSITIVE-EXPOSED /sensitive-miss/
expect_viol PDPL-PERSONAL-DATA-PUBLIC /pub/notice.txt
expect_none PDPL-PERSONAL-DATA-PUBLIC /private/
expect_viol PDPL-BULK-UNIT /bulk/list.csv
expect_none PDPL-BULK-UNIT /bulk-miss/
expect_none PDPL-BULK-UNIT /bulkdir/
expect_viol PDPL-BULK-FOLDER /bulkdir
expect_none PDPL-BULK-FOLDER /bulkdir-miss
[ "$(rq "$T/r.json" "[v['counts']['distinct_values'] for v in r['violations'] if v['rule']=='PDPL-BULK-FOLDER' and v['subject'].endswith('/bulkdir')]")" = "[100]" ] ||
    fail "folder distinct count should stop at the threshold (100)"
ok
# a folder's sample of fingerprints is the 50 smallest, whatever order the threads finish in
fps="[v['fingerprints'] for v in r['violations'] if v['rule']=='PDPL-BULK-FOLDER' and v['subject'].endswith('/bulkdir')][0]"
[ "$(rq "$T/r.json" "($fps == sorted(set($fps)), len($fps))")" = "(True, 50)" ] ||
    fail "folder fingerprints are not the sorted sample: $(rq "$T/r.json" "$fps")"
ok
scan "$T/r1.json" -j 1 --policy "$T/classes.json" "$S"
[ "$(rq "$T/r.json" "$fps")" = "$(rq "$T/r1.json" "$fps")" ] || fail "folder fingerprints depend on the thread count"
ok
expect_viol PDPL-CHILDREN /child/kid.txt
expect_none PDPL-CHILDREN /child-miss/
expect_viol PDPL-IDENTITY-RECORD /identity/record.txt
expect_none PDPL-IDENTITY-RECORD /identity-miss/
expect_viol PDPL-CREDENTIALS /creds/app.conf
expect_none PDPL-CREDENTIALS /creds-miss/
expect_viol PDPL-RETENTION /old/archive.txt
expect_none PDPL-RETENTION /old-miss/
expect_viol SS-MARKING-ON-NETWORK /net/secret.txt
expect_none SS-MARKING-ASSUMED-NETWORKED /net/secret.txt
expect_viol SS-MARKING-ASSUMED-NETWORKED /undeclared/secret.txt
expect_none SS-MARKING-ON-NETWORK /undeclared/
expect_none SS-MARKING-ON-NETWORK /lan/
expect_none SS-MARKING-ASSUMED-NETWORKED /lan/
expect_viol SS-DECLASSIFIED /declass/old.txt
expect_none SS-DECLASSIFIED /declass-miss/
# the record carries the legal basis, severity and the findings behind it
[ "$(rq "$T/r.json" "[(v['severity'], v['legal_basis'][0]['number'], v['legal_basis'][0]['article']) for v in r['violations'] if v['rule']=='SS-MARKING-ON-NETWORK'][0]")" = \
  "('critical', '117/2025/QH15', '5')" ] || fail "SS-MARKING-ON-NETWORK record"
[ "$(rq "$T/r.json" "[v['legal_basis'][0]['uncertain'] for v in r['violations'] if v['rule']=='PDPL-BULK-UNIT'][0]")" = True ] ||
    fail "uncertain article not flagged"
[ "$(rq "$T/r.json" "(r['totals']['by_severity']['critical'], r['totals']['by_law']['117/2025/QH15'] >= 2)")" = "(1, True)" ] ||
    fail "totals by severity and law"
ok

# overlays: disable, override and add rules
cat >"$T/overlay.json" <<'JSON'
{"format": "pdpscan-policy/1", "id": "test-overlay",
 "laws": [{"id": "org", "number": "QĐ-01/2026", "effective_from": "2026-01-01",
           "name": {"vi": "Quy định nội bộ", "en": "Internal rule"}}],
 "rules": [
  {"id": "PDPL-CREDENTIALS", "enabled": false},
  {"id": "PDPL-CHILDREN", "severity": "critical"},
  {"id": "ORG-EMAIL", "severity": "low", "title": {"vi": "Email", "en": "E-mail"},
   "rationale": {"vi": "r", "en": "r"}, "remediation": {"vi": "m", "en": "m"},
   "legal_basis": [{"law": "org", "article": "3"}],
   "condition": {"findings": {"detector": "email"}}}]}
JSON
mk mail/list.txt 'a.b@congty.vn\n'
scan "$T/o.json" --policy "$T/overlay.json" "$S"
[ "$(viol PDPL-CREDENTIALS /creds/ o)" = 0 ] || fail "disabled rule still fires"
[ "$(rq "$T/o.json" "[v['severity'] for v in r['violations'] if v['rule']=='PDPL-CHILDREN']")" = "['critical']" ] ||
    fail "severity override"
expect_viol ORG-EMAIL /mail/list.txt o
"$PDPSCAN" policy list --policy "$T/overlay.json" >"$T/list.txt"
grep -q "PDPL-CREDENTIALS .*\[disabled\]" "$T/list.txt" || fail "policy list does not show the disabled rule"
ok

# exceptions: a future expiry suppresses, a past one does not and says so
cat >"$T/exc.json" <<JSON
{"format": "pdpscan-policy/1", "id": "test-exceptions", "rules": [
  {"id": "PDPL-IDENTITY-RECORD", "exceptions": [{"path": "$S/identity/*", "reason": "sample kept for tests", "expires": "2099-01-01"}]},
  {"id": "PDPL-CHILDREN", "exceptions": [{"detector": "vn.cccd", "reason": "school register, consent on file", "expires": "2020-01-01"}]}]}
JSON
scan "$T/e.json" --policy "$T/exc.json" "$S"
[ "$(viol PDPL-IDENTITY-RECORD /identity/ e)" = 0 ] || fail "a future exception did not suppress"
expect_viol PDPL-CHILDREN /child/kid.txt e
[ "$(rq "$T/e.json" "[v.get('expired_exception') for v in r['violations'] if v['rule']=='PDPL-CHILDREN']")" = "['school register, consent on file']" ] ||
    fail "expired exception not reported on the violation"
[ "$(rq "$T/e.json" "[(x['rule'], x['expired_on']) for x in r['policies']['expired_exceptions']]")" = "[('PDPL-CHILDREN', '2020-01-01')]" ] ||
    fail "expired exception not listed"
ok

# --fail-on: exit 1 only for a violation at least that severe
mkdir -p "$T/g"; printf 'GIẢI MẬT\n' >"$T/g/d.txt"                    # info only
scan "$T/f1.json" --fail-on high "$T/g"; expect_rc 0
scan "$T/f2.json" --fail-on info "$T/g"; expect_rc 1
scan "$T/f3.json" --fail-on critical "$S/undeclared"; expect_rc 0   # high only
scan "$T/f4.json" --fail-on high "$S/undeclared"; expect_rc 1
scan "$T/f5.json" --policy "$T/classes.json" --fail-on critical "$S/net"; expect_rc 1

# explain
"$PDPSCAN" policy explain SS-MARKING-ON-NETWORK >"$T/explain.txt"
grep -q "117/2025/QH15" "$T/explain.txt" && grep -q "article 5" "$T/explain.txt" &&
    grep -q "What to do" "$T/explain.txt" || fail "policy explain: $(cat "$T/explain.txt")"
ok
rc=0; "$PDPSCAN" policy explain NO-SUCH-RULE >/dev/null 2>"$T/err" || rc=$?
expect_rc 2
# the text summary leads with violations
rc=0; "$PDPSCAN" scan "$S/undeclared" >"$T/summary.txt" 2>/dev/null || rc=$?
head -1 "$T/summary.txt" | grep -q "^Violations: 1 (critical 0, high 1" || fail "summary: $(head -2 "$T/summary.txt")"
ok

# an in-tree build: the binary at the top of the source tree finds policies/ beside it
mkdir "$T/tree"
cp "$PDPSCAN" "$T/tree/pdpscan"
cp -r "$PD_SRCDIR/policies" "$T/tree/policies"
env -u PDPSCAN_POLICY_DIR "$T/tree/pdpscan" policy list >"$T/tree.txt" 2>"$T/tree.err" || fail "in-tree policy list: $(cat "$T/tree.err")"
grep -q "^policy vn-pdpl-2025 ($T/tree/policies/" "$T/tree.txt" || fail "in-tree build does not find its policies: $(head -3 "$T/tree.txt")"
ok
# a binary with no policy anywhere checks no law: that is no scan (exit 2, where it looked), not
# a clean pass; --no-default-policies is the way to run with the --policy files alone
mkdir "$T/lonely" "$T/lonely-share"
cp "$PDPSCAN" "$T/lonely/pdpscan"
printf 'TỐI MẬT\n\nBáo cáo số 15\n' >"$T/lonely-share/mat.txt"
rc=0
env -u PDPSCAN_POLICY_DIR "$T/lonely/pdpscan" scan -q --fail-on high -o "$T/lonely.json" "$T/lonely-share" 2>"$T/stderr" || rc=$?
if grep -q "no shipped policy files found" "$T/stderr"; then
    expect_rc 2
    [ ! -e "$T/lonely.json" ] || fail "a report was written by a scan that checked no law"
    grep -q "looked in .*policies" "$T/stderr" || fail "no policies: the message does not say where it looked"
    rc=0
    env -u PDPSCAN_POLICY_DIR "$T/lonely/pdpscan" scan -q --no-default-policies -o "$T/lonely.json" "$T/lonely-share" 2>"$T/stderr" || rc=$?
    expect_rc 1
elif env -u PDPSCAN_POLICY_DIR "$T/lonely/pdpscan" policy list 2>/dev/null | grep -q "^policy vn-pdpl-2025 ($T/"; then
    fail "a copied binary found policies in the test tree"
else
    echo "policies.sh: an installed copy of the policies is in the data directory: no-policy case not run" >&2
fi
PDPSCAN_POLICY_DIR="$T/lonely" "$PDPSCAN" scan -q -o "$T/lonely2.json" "$T/lonely-share" 2>"$T/stderr" && rc=0 || rc=$?
expect_rc 2
grep -q "no policy files (\*.json) in \$PDPSCAN_POLICY_DIR=$T/lonely" "$T/stderr" || fail "empty PDPSCAN_POLICY_DIR: $(cat "$T/stderr")"
ok
done_testing
