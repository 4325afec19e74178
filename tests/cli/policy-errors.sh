#!/bin/sh
# A malformed policy never half-loads: `policy check` and `scan` both stop with exit code 2 and a
# message naming the file, line:column, the JSON path and what was expected; nothing is scanned.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir "$T/share"
printf 'Số CCCD: 001087123456\n' >"$T/share/a.txt"
HEAD='"format": "pdpscan-policy/1", "id": "bad"'
LAW='"laws": [{"id": "l", "number": "1/2026/QH15", "effective_from": "2026-01-01", "name": {"vi": "v", "en": "e"}}]'
TXT='"title": {"vi": "t", "en": "t"}, "rationale": {"vi": "r", "en": "r"}, "remediation": {"vi": "m", "en": "m"}, "legal_basis": [{"law": "l", "article": "1"}]'
rule() { # ID EXTRA-FIELDS CONDITION
    printf '{"id": "%s", "severity": "high", %s%s, "condition": %s}' "$1" "$TXT" "$2" "$3"
}
n=0
# stage: keeps the policy text from standard input for the next `bad` (which must not run in a
# pipeline's subshell, or its counts would be lost)
stage() { cat >"$T/staged"; }
# bad NAME EXPECTED-SUBSTRING: checks the staged policy text
bad() {
    n=$((n + 1))
    f="$T/bad-$1.json"
    mv "$T/staged" "$f"
    for mode in check scan; do
        rc=0
        if [ $mode = check ]; then
            "$PDPSCAN" policy check "$f" >"$T/out" 2>"$T/err" || rc=$?
        else
            "$PDPSCAN" scan -q -o "$T/report-$1.json" --policy "$f" "$T/share" >"$T/out" 2>"$T/err" || rc=$?
        fi
        [ "$rc" = 2 ] || fail "$1 ($mode): exit code $rc, expected 2"
        grep -qF -- "$2" "$T/err" || fail "$1 ($mode): message lacks [$2]: $(cat "$T/err")"
        grep -qF -- "$f" "$T/err" || fail "$1 ($mode): message does not name the file"
    done
    [ ! -e "$T/report-$1.json" ] || fail "$1: a report was written although the policy is malformed"
    ok
}

printf '{%s,\n  "rules": [,]\n}\n' "$HEAD" | stage; bad invalid-json "bad-invalid-json.json:2:13: invalid JSON"
printf '{%s, "rules": {}}' "$HEAD" | stage; bad wrong-type '$.rules: expected an array of rules, found an object'
printf '{%s,\n%s,\n"rules": [\n  {"id": "R1", "severty": "high"}]}' "$HEAD" "$LAW" | stage; bad unknown-field 'bad-unknown-field.json:4:16: $.rules[0].severty: unknown field "severty" in a rule'
printf '{%s, %s, "rules": [%s]}' "$HEAD" "$LAW" "$(rule R1 "" '{"findings": {"detector": "vn.cccdd"}}')" | stage; bad unknown-detector '$.rules[0].condition.findings.detector: unknown detector "vn.cccdd"'
printf '{%s, %s, "rules": [%s]}' "$HEAD" "$LAW" "$(rule R1 "" '{"findings": {"category": ["basic", "secret"]}}')" | stage; bad unknown-category '$.rules[0].condition.findings.category[1]: unknown category "secret"'
printf '{%s, %s, "rules": [%s]}' "$HEAD" "$LAW" "$(rule R1 "" '{"path": "*/[abc"}')" | stage; bad bad-glob '$.rules[0].condition.path: bad glob "*/[abc"'
printf '{%s,\n%s,\n"rules": [\n{"id": "R1", "severity": "urgent"}]}' "$HEAD" "$LAW" | stage; bad unknown-severity 'bad-unknown-severity.json:4:26: $.rules[0].severity: unknown severity "urgent" (expected info, low, medium, high or critical)'
printf '{%s, %s, "rules": [%s, %s]}' "$HEAD" "$LAW" "$(rule R1 "" '{"in_archive": true}')" "$(rule R1 "" '{"in_archive": false}')" | stage; bad duplicate-rule '$.rules[1].id: duplicate rule id "R1"'
printf '{%s, %s, "conditions": {"a": {"not": {"ref": "b"}}, "b": {"any": [{"ref": "a"}]}}, "rules": [%s]}' "$HEAD" "$LAW" "$(rule R1 "" '{"ref": "a"}')" | stage; bad circular 'refers to itself (circular reference)'
deep='{"in_archive": true}'
for i in $(seq 1 30); do deep="{\"not\": $deep}"; done
printf '{%s, %s, "rules": [%s]}' "$HEAD" "$LAW" "$(rule R1 "" "$deep")" | stage; bad too-deep 'conditions nested deeper than 24 levels'
printf '{%s, %s, "rules": [%s]}' "$HEAD" "$LAW" "$(rule R1 "" '{"findings": {"min_count": 99999999999999999999}}')" | stage; bad huge-number '$.rules[0].condition.findings.min_count: number'
printf '{%s, %s, "rules": [%s]}' "$HEAD" "$LAW" "$(rule R1 "" '{"findings": {"min_confidence": 101}}')" | stage; bad out-of-range 'number 101 out of range (expected 0 to 100)'
printf '{%s, %s, "rules": [%s]}' "$HEAD" "$LAW" "$(rule R1 "" '{"min_size": 1.5}')" | stage; bad not-whole 'expected a whole number, found 1.5'
printf '{%s, "laws": [{"id": "old", "number": "1/2020", "effective_from": "2027-01-01", "superseded_by": "new", "name": {"vi": "a", "en": "a"}},
  {"id": "new", "number": "2/2025", "effective_from": "2025-01-01", "name": {"vi": "b", "en": "b"}}]}' "$HEAD" | stage; bad law-order 'law "old" (in force 2027-01-01) is superseded by "new", which took effect earlier (2025-01-01)'
printf '{%s, "laws": [{"id": "l", "number": "1", "effective_from": "2026-02-30", "name": {"vi": "a", "en": "a"}}]}' "$HEAD" | stage; bad bad-date '$.laws[0].effective_from: "2026-02-30" is not a date (expected YYYY-MM-DD)'
: | stage; bad empty 'bad-empty.json:1:1: empty file'
printf '{%s, "title": {"vi": "Lu\351t", "en": "Law"}}' "$HEAD" | stage; bad latin1 'not UTF-8 (byte 0xE9)'
printf '{%s, %s, "rules": [{"id": "R1", "severity": "low", %s}]}' "$HEAD" "$LAW" "$TXT" | stage; bad missing-condition '$.rules[0]: missing required field "condition"'
# mistakes that load but do nothing: warned by policy check, fatal with --strict; the shipped
# policies have none
printf '{%s, "title": {"vi": "t", "en": "t"}, "location_classes": {"netwrok_share": ["*/share/*"], "public": ["/srv/www"]}, "rules": [{"id": "PDPL-CREDENTIALS", "exceptions": [{"path": "*/a.txt", "reason": "cu", "expires": "2020-01-31"}]}]}' "$HEAD" >"$T/lint.json"
rc=0
"$PDPSCAN" policy check "$T/lint.json" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 0 ] || fail "policy check with warnings: exit $rc: $(cat "$T/err")"
grep -q 'location class "netwrok_share" is used by no rule (did you mean "network_share"?)' "$T/err" || fail "misspelled class: $(cat "$T/err")"
grep -q 'glob "/srv/www" has no wildcard' "$T/err" || fail "glob without a wildcard: $(cat "$T/err")"
grep -q 'exception to rule PDPL-CREDENTIALS ("cu") expired on 2020-01-31' "$T/err" || fail "expired exception: $(cat "$T/err")"
grep -q "; 3 warnings" "$T/out" || fail "warning count: $(cat "$T/out")"
rc=0
"$PDPSCAN" policy check --strict "$T/lint.json" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "--strict with warnings: exit $rc"
rc=0
"$PDPSCAN" policy check --strict "$PD_SRCDIR"/policies/*.json >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 0 ] || fail "the shipped policies are not --strict clean: $(cat "$T/err")"
ok
# --root: globs that match nothing in the tree the policy is for (a misspelled share, an empty
# folder is fine: its files may come later); canonical paths, as the scan matches them
mkdir -p "$T/tree/srv/share/hr" "$T/tree/srv/share/ke-toan"
touch "$T/tree/srv/share/ke-toan/a.txt"
printf '{%s, "title": {"vi": "t", "en": "t"}, "location_classes": {"network_share": ["*/srv/share/*", "*/srv/shrae/*"]}, "rules": [{"id": "PDPL-CREDENTIALS", "exceptions": [{"path": "*/hr/*", "reason": "a", "expires": "2099-01-31"}, {"path": "*/payrol/*", "reason": "b", "expires": "2099-01-31"}, {"path": "/*/srv/share/ke-toan/a.txt", "reason": "c", "expires": "2099-01-31"}]}]}' "$HEAD" >"$T/roots.json"
rc=0
(cd "$T/tree" && "$PDPSCAN" policy check --root ./srv/../srv "$T/roots.json") >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 0 ] || fail "policy check --root: exit $rc: $(cat "$T/err")"
grep -q 'location class "network_share": glob "\*/srv/shrae/\*" matches nothing under ./srv/../srv' "$T/err" || fail "misspelled share: $(cat "$T/err")"
grep -q 'exception to rule "PDPL-CREDENTIALS": glob "\*/payrol/\*" matches nothing' "$T/err" || fail "misspelled exception: $(cat "$T/err")"
[ "$(grep -c 'matches nothing' "$T/err")" = 2 ] || fail "globs that match were warned about: $(cat "$T/err")"
grep -q "; 2 warnings" "$T/out" || fail "warning count: $(cat "$T/out")"
rc=0
"$PDPSCAN" policy check --strict --root "$T/tree" "$T/roots.json" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "--strict --root with unmatched globs: exit $rc"
rc=0
"$PDPSCAN" policy check --root "$T/no-such-tree" "$T/roots.json" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] && grep -q -- "--root $T/no-such-tree: No such file or directory" "$T/err" || fail "missing --root: exit $rc: $(cat "$T/err")"
ok
# an overlay that means to change a shipped rule, its id misspelled: said so, with the nearest id
printf '{%s, "rules": [{"id": "PDPL-SENSITIVE-EXPOSD", "enabled": false}]}' "$HEAD" | stage
bad misspelled-override '$.rules[0].id: no rule "PDPL-SENSITIVE-EXPOSD" to override (the nearest is "PDPL-SENSITIVE-EXPOSED")'
printf '{%s, "rules": [%s]}' "$HEAD" "$(rule R1 "" '{"in_archive": true}')" | stage; bad unknown-law 'unknown law "l" (declare it in "laws")'
printf '{%s, %s, "rules": [%s]}' "$HEAD" "$LAW" "$(rule R1 ', "exceptions": [{"path": "*", "reason": "x", "expires": "soon"}]' '{"in_archive": true}')" | stage; bad bad-expiry '$.rules[0].exceptions[0].expires: "soon" is not a date'
printf '{%s, %s, "rules": [%s]}' "$HEAD" "$LAW" "$(rule R1 "" '{"location": "dmz"}')" | stage; bad unknown-class 'unknown location class "dmz" (declare it in "location_classes")'
printf '{%s, %s, "rules": [%s]}' "$HEAD" "$LAW" "$(rule R1 "" '{"all": [], "any": []}')" | stage; bad two-keys 'a condition has exactly one key'
printf '{"format": "pdpscan-policy/9", "id": "x"}' | stage; bad format-version 'unsupported format "pdpscan-policy/9"'
printf '[1, 2]' | stage; bad not-object '$: expected a policy object, found an array'

# a good file still loads, and the shipped ones validate on their own
printf '{%s, %s, "rules": [%s]}' "$HEAD" "$LAW" "$(rule R1 "" '{"findings": {"detector": "vn.cccd"}}')" >"$T/good.json"
"$PDPSCAN" policy check "$T/good.json" >"$T/out" || fail "a good policy was rejected: $(cat "$T/out")"
"$PDPSCAN" policy check --no-default-policies "$PD_SRCDIR/policies/vn-pdpl-2025.json" "$PD_SRCDIR/policies/vn-state-secrets-2025.json" "$PD_SRCDIR/examples/policy-overlay.json" >/dev/null ||
    fail "shipped policies do not validate"
ok
# the JSON Schema for editors accepts the shipped files too
"$PY" - "$PD_SRCDIR" <<'PYEOF' || fail "policy.schema.json rejects a shipped policy"
import json, sys, jsonschema
top = sys.argv[1]
schema = json.load(open(f"{top}/docs/policy.schema.json"))
for f in ("policies/vn-pdpl-2025.json", "policies/vn-state-secrets-2025.json", "examples/policy-overlay.json"):
    jsonschema.validate(json.load(open(f"{top}/{f}")), schema)
PYEOF
ok
echo "$n malformed policies rejected" >&2
done_testing
