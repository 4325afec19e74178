#!/bin/sh
# The man pages cannot drift: pdpscan(1) documents exactly the options --help lists and every
# command of the usage, pdpscan-policy(5) every field of the policy schema; both format without
# warnings where man(1) is installed.
. "$PD_SRCDIR/tests/cli/lib.sh"
man1="$PD_SRCDIR/docs/pdpscan.1"
man5="$PD_SRCDIR/docs/pdpscan-policy.5"
"$PDPSCAN" --help >"$T/help"
sed -n '/^Scan options:/,/^Exit codes:/p' "$T/help" | grep -oE '^  (-[a-z], )? *--[a-z-]+' | grep -oE -- '--[a-z-]+' |
    sort >"$T/help-options"
sed -n '/^\.SH OPTIONS/,/^\.SH EXIT STATUS/p' "$man1" | grep -E '^\\fB' | sed 's/\\-/-/g' | grep -oE -- '--[a-z-]+' |
    sort >"$T/man-options"
[ -s "$T/help-options" ] || fail "no option read from --help"
diff -u "$T/help-options" "$T/man-options" >"$T/diff" || fail "pdpscan.1 and --help differ: $(cat "$T/diff")"
ok
for cmd in "scan" "diff" "detectors" "policy check" "policy list" "key init" "config" "redact" "merge"; do
    grep -q "pdpscan $cmd" "$T/help" || fail "--help lacks 'pdpscan $cmd'"
    grep -q "^\.B pdpscan $cmd" "$man1" || fail "pdpscan.1 lacks 'pdpscan $cmd' in its synopsis"
done
ok
"$PY" - "$PD_SRCDIR/docs/policy.schema.json" "$man5" <<'PYEOF' || fail "pdpscan-policy.5 misses schema fields"
import json, re, sys
schema = json.load(open(sys.argv[1], encoding="utf-8"))
page = open(sys.argv[2], encoding="utf-8").read().replace("\\-", "-")
documented = set(re.findall(r"^\.B (\S+)$", page, re.M)) | set(re.findall(r"\\fB([a-z_]+)\\fR", page))
documented |= {w.strip(" ,\"") for l in re.findall(r"^\.BR (.*)$", page, re.M) for w in l.split()}
missing = [k for k in schema["properties"] if k not in documented]
assert not missing, missing
PYEOF
ok
if command -v man >/dev/null 2>&1; then
    for page in "$man1" "$man5"; do
        LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" >/dev/null 2>"$T/warn" || fail "man -l $page failed"
        [ ! -s "$T/warn" ] || fail "$(basename "$page"): $(cat "$T/warn")"
    done
    ok
fi
done_testing
