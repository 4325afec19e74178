#!/bin/sh
# The terminal summary, as a user reads it: aligned finding columns with a "... and N more" line,
# documents named by their file rather than their internal part, database findings by column and
# row, violations with what to do and any expired exception, names escaped.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/s/ho so" "$T/d"
"$PY" - "$T/s" "$T/d" <<'PYEOF'
import os, sqlite3, sys
sys.path.insert(0, os.environ["PD_SRCDIR"] + "/tests")
import fixtures
d = sys.argv[1]
# 60 findings: more than the summary lists
with open(os.path.join(d, "ho so", "danh sach.txt"), "w", encoding="utf-8") as f:
    for i in range(60):
        f.write(f"Số CCCD: 0790870{i:05d}\n")
d = sys.argv[2]  # the rest apart, so that their findings are among the first listed
open(os.path.join(d, "bao cao.docx"), "wb").write(fixtures.docx_text("TỐI MẬT\nSố CCCD: 079193001234"))
open(os.path.join(d, "ton giao.txt"), "w", encoding="utf-8").write("Tôn giáo: Phật giáo\n")  # sensitive, 0644
db = sqlite3.connect(os.path.join(d, "app.db"))
db.executescript("CREATE TABLE khach_hang (ho_ten TEXT, so_cccd TEXT);"
                 "INSERT INTO khach_hang VALUES ('Nguyễn Văn An', '001087123456');")
db.commit()
PYEOF
cat >"$T/exc.json" <<JSON
{"format": "pdpscan-policy/1", "id": "test-summary", "rules": [
  {"id": "PDPL-SENSITIVE-EXPOSED", "exceptions": [{"detector": "vn.religion", "reason": "register kept on purpose", "expires": "2020-01-01"}]}]}
JSON
rc=0
"$PDPSCAN" scan "$T/s" >"$T/out" 2>"$T/err" || rc=$?
expect_rc 1
"$PY" - "$T/out" <<'PYEOF' || fail "terminal summary: $(cat "$T/out")"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
start = lines.index("Findings (masked):")
header = lines[start + 1]
assert header.split() == ["detector", "conf.", "value", "where"], header
rows = lines[start + 2:start + 42]
where = header.index("where")
for row in rows:  # columns aligned
    assert row.startswith("  vn.cccd ") and row[where - 1] == " " and row[where] == "/", row
assert lines[start + 42] == "  ... and 20 more (see the report)", lines[start + 42]
PYEOF
ok
rc=0
"$PDPSCAN" scan --policy "$T/exc.json" "$T/d" >"$T/out" 2>"$T/err" || rc=$?
expect_rc 1
"$PY" - "$T/out" <<'PYEOF' || fail "terminal summary: $(cat "$T/out")"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
lines = text.split("\n")
start = lines.index("Findings (masked):")
header = lines[start + 1]
rows = [l for l in lines[start + 2:] if l.startswith("  ")]
where = header.index("where")
for row in rows:  # aligned on screen: counted in characters, not bytes ("TỐI MẬT", "Nguyễn")
    assert row[where - 1] == " " and row[where] != " ", row
# a document by its file, not its part; a database value by column and row
assert any(re.search(r"/bao cao\.docx:[0-9]+$", r) for r in rows), rows
assert "word/document.xml" not in text, "an internal part is named"
assert any("app.db#main.khach_hang.so_cccd row 1" in r for r in rows), rows
# violations: what to do, and the expired exception, each on a line of its own
assert "\n           what to do: Restrict" in text, "no remediation"
assert "\n           an exception would apply but has expired: register kept on purpose\n" in text, "no expired exception"
assert "\\n" not in text, "a line break printed as \\n"
PYEOF
ok
done_testing
