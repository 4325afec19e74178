#!/bin/sh
# Client libraries opened on first use (libpq, libmariadb, GMime) that cannot be loaded: the
# database roots and the message fail as units naming the library, its Debian package and the
# loader's reason; everything else is scanned as usual. Unloadable copies placed first on the
# loader's path stand in for a missing or broken installation.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/libs" "$T/share"
for so in libpq.so.5 libmariadb.so.3 libgmime-3.0.so.0; do
    : >"$T/libs/$so" # an empty file: the loader refuses it ("file too short")
done
printf 'SĐT: 0912345678\n' >"$T/share/note.txt"
printf 'From: a@congty-vidu.vn\nTo: b@congty-vidu.vn\nSubject: ho so\n\nMã số thuế: 0100109106\n' >"$T/share/msg.eml"
rc=0
LD_LIBRARY_PATH="$T/libs" "$PDPSCAN" scan -q -f json -o "$T/r.json" \
    "postgresql://auditor@127.0.0.1:1/postgres?sslmode=disable" "mariadb://auditor@127.0.0.1:1/crm" "$T/share" \
    >"$T/stdout" 2>"$T/stderr" || rc=$?
expect_rc 1 # findings in note.txt: the scan itself went on
validate "$T/r.json"
expect_status "$T/r.json" note.txt scanned
expect_count "$T/r.json" vn.phone note.txt 1
"$PY" - "$T/r.json" <<'PYEOF' || fail "unloadable libraries: $(rq "$T/r.json" "[(u['path'], u['status'], u['reason']) for u in r['units']]")"
import json, sys
units = json.load(open(sys.argv[1]))["units"]
def reason(pred):
    found = [u for u in units if pred(u["path"])]
    assert len(found) == 1 and found[0]["status"] == "error", found
    return found[0]["reason"]
pg = reason(lambda p: p.startswith("postgresql://"))
assert "libpq.so.5" in pg and "libpq5" in pg and "file too short" in pg, pg
my = reason(lambda p: p.startswith("mariadb://"))
assert "libmariadb.so.3" in my and "libmariadb3" in my and "file too short" in my, my
mail = reason(lambda p: p.endswith("msg.eml"))
assert "libgmime-3.0.so.0" in mail and "libgmime-3.0-0" in mail, mail
assert "auditor@" not in pg + my, "a reason shows the connection's user"
PYEOF
ok
done_testing
