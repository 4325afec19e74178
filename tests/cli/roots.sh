#!/bin/sh
# A root's spelling changes nothing: `share`, `./share`, `share/`, the absolute path and a symbolic
# link to it give the same fingerprints and violations, because policy path rules match canonical
# paths and fingerprints hash the path under the root's identity. --root-id keeps fingerprints
# across two mounts of one share.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/w/share/cong-van" "$T/w/share/hr" "$T/mnt2"
printf 'Số: 12/BC-BCA\nTỐI MẬT\nSố CCCD: 001087123456\n' >"$T/w/share/cong-van/mat.txt"
printf 'Họ và tên: Lê Văn Tám\nSố CCCD: 001087123456\nNgày sinh: 12/05/1987\nSĐT: 0912345678\n' >"$T/w/share/hr/ho-so.txt"
printf 'SĐT: 0987654321\n' >"$T/w/share/ghi-chu.txt"
chmod 600 "$T"/w/share/*/*.txt "$T"/w/share/*.txt
ln -s share "$T/w/link-to-share"
# the organisation declares its share by a glob that only an absolute path can match
cat >"$T/overlay.json" <<'JSON'
{"format": "pdpscan-policy/1", "id": "roots-test", "title": {"vi": "Thử", "en": "Test"},
 "location_classes": {"network_share": ["/*/w/share/*"]},
 "rules": [{"id": "PDPL-IDENTITY-RECORD", "exceptions": [
   {"path": "/*/w/share/hr/*", "reason": "kept for the test", "expires": "2099-01-01"}]}]}
JSON
summary() { # REPORT: fingerprints and violations, without the spelling of paths
    "$PY" - "$1" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
fps = sorted(f["fingerprint"] for f in r["findings"])
vs = sorted((v["rule"], v.get("subject", "").rsplit("/", 1)[-1]) for v in r["violations"])
print(len(fps), fps, vs)
PYEOF
}
cd "$T/w"
first=
for root in share ./share share/ "$T/w/share" link-to-share "$T/w/./share/../share"; do
    scan "$T/r.json" --policy "$T/overlay.json" "$root"
    [ "$rc" = 1 ] || fail "scan $root: exit $rc"
    got=$(summary "$T/r.json")
    if [ -z "$first" ]; then
        first=$got
        case $got in *SS-MARKING-ON-NETWORK*) ok ;; *) fail "scan $root: no SS-MARKING-ON-NETWORK: $got" ;; esac
        case $got in *IDENTITY-RECORD*) fail "scan $root: the exception by canonical path did not apply: $got" ;; esac
    else
        [ "$got" = "$first" ] || fail "scan $root differs from scan share:
$got
$first"
        ok
    fi
    # the report keeps the root as given and says what it is
    [ "$(rq "$T/r.json" "r['scan']['resolved_roots'] == [{'given': r['scan']['roots'][0], 'canonical': '$T/w/share', 'id': '$T/w/share'}]")" = True ] ||
        fail "resolved_roots for $root: $(rq "$T/r.json" "r['scan']['resolved_roots']")"
    # unit paths keep the spelling the user gave
    [ "$(rq "$T/r.json" "all(u['path'].startswith('$root'.rstrip('/')) for u in r['units'])")" = True ] || fail "unit paths under $root"
    ok
done
# the same share mounted at another place: other fingerprints, unless both name it
cp -a "$T/w/share" "$T/mnt2/nas"
scan "$T/a.json" "$T/w/share"
scan "$T/b.json" "$T/mnt2/nas"
[ "$(summary "$T/a.json")" != "$(summary "$T/b.json")" ] || fail "two places, no --root-id: equal fingerprints"
ok
scan "$T/a.json" --root-id nas-hr "$T/w/share"
scan "$T/b.json" --root-id nas-hr "$T/mnt2/nas/"
[ "$(summary "$T/a.json")" = "$(summary "$T/b.json")" ] || fail "--root-id nas-hr on two mounts: fingerprints differ"
[ "$(rq "$T/b.json" "r['scan']['resolved_roots'][0]['id'], r['scan']['options']['root_ids']")" = "('nas-hr', ['nas-hr'])" ] ||
    fail "root id in the report: $(rq "$T/b.json" "r['scan']['resolved_roots']")"
ok
# one --root-id per PATH, in order: a mismatch is a usage error, not a guess
scan "$T/c.json" --root-id a "$T/w/share" "$T/mnt2/nas"
expect_rc 2
grep -q -- "--root-id was given 1 time for 2 PATHs" "$T/stderr" || fail "mismatch message: $(cat "$T/stderr")"
ok
scan "$T/c.json" --root-id a --root-id b "$T/w/share" "$T/mnt2/nas"
[ "$rc" = 1 ] || fail "two ids for two roots: exit $rc"
[ "$(rq "$T/c.json" "[x['id'] for x in r['scan']['resolved_roots']]")" = "['a', 'b']" ] || fail "two root ids"
ok
# a missing root keeps an absolute canonical path and is an error unit
scan "$T/d.json" missing-dir share
expect_status "$T/d.json" missing-dir error "cannot access"
[ "$(rq "$T/d.json" "r['scan']['resolved_roots'][0]['canonical']")" = "$T/w/missing-dir" ] || fail "missing root canonical"
ok
done_testing
