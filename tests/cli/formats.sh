#!/bin/sh
# JSON Lines and text outputs, format inference, and fingerprints that survive re-runs and
# inserted lines.
. "$PD_SRCDIR/tests/cli/lib.sh"
cp -r "$PD_SRCDIR/examples/share" "$T/share"
scan "$T/r.json" "$T/share"
rc=0
"$PDPSCAN" scan -q -o "$T/r.jsonl" "$T/share" 2>"$T/stderr" || rc=$?
expect_rc 1
[ "$(stat -c %a "$T/r.jsonl")" = 600 ] || fail "jsonl mode is not 0600"
"$PY" - "$T/r.jsonl" "$T/r.json" <<'PYEOF' || fail "jsonl stream does not match the JSON report"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
full = json.load(open(sys.argv[2], encoding="utf-8"))
types = [l["type"] for l in lines]
assert types[0] == "start" and types[-1] == "end", types
findings = [l for l in lines if l["type"] == "finding"]
units = [l for l in lines if l["type"] == "unit"]
assert len(findings) == len(full["findings"]), (len(findings), len(full["findings"]))
assert len(units) == len(full["units"])
assert sorted(f["fingerprint"] for f in findings) == sorted(f["fingerprint"] for f in full["findings"])
assert lines[-1]["counters"]["findings"] == full["counters"]["findings"]
# unit and violation records are the report's, with "type" added last
violations = [l for l in lines if l["type"] == "violation"]
for record in units + violations:
    assert list(record)[-1] == "type", list(record)
    del record["type"]
assert sorted(units, key=lambda u: u["path"]) == sorted(full["units"], key=lambda u: u["path"])
by_subject = lambda v: (v["subject"] or "", v["rule"])
assert violations and sorted(violations, key=by_subject) == sorted(full["violations"], key=by_subject)
assert all(v["title"]["vi"] and v["legal_basis"] for v in violations)
PYEOF
ok
# fingerprints: same across runs, and unchanged by lines inserted above the values
scan "$T/again.json" "$T/share"
[ "$(rq "$T/r.json" "sorted(f['fingerprint'] for f in r['findings'])")" = \
  "$(rq "$T/again.json" "sorted(f['fingerprint'] for f in r['findings'])")" ] || fail "fingerprints changed between runs"
ok
f="$T/share/hr/ho-so-nhan-su.txt"
printf 'Dòng mới\n\n\n' | cat - "$f" >"$T/tmp" && mv "$T/tmp" "$f"
scan "$T/shifted.json" "$T/share"
[ "$(rq "$T/r.json" "sorted(f['fingerprint'] for f in r['findings'])")" = \
  "$(rq "$T/shifted.json" "sorted(f['fingerprint'] for f in r['findings'])")" ] || fail "fingerprints depend on lines"
[ "$(rq "$T/shifted.json" "[f['location']['line'] for f in r['findings'] if f['detector']=='vn.cccd' and 'nhan-su' in f['location']['path']][0]")" = 8 ] ||
    fail "line numbers did not move"
ok
# text to a file by extension, json to stdout with -o -
rc=0
"$PDPSCAN" scan -o "$T/summary.txt" "$T/share" >/dev/null 2>&1 || rc=$?
grep -q "^Units: " "$T/summary.txt" || fail "text report by extension"
"$PDPSCAN" scan -q -f json -o - "$T/share" >"$T/stdout.json" 2>/dev/null || true
validate "$T/stdout.json"

# names that JSON must escape (quote, backslash, tab, a control byte) or that are not UTF-8:
# both formats stay valid and name the file exactly (bad bytes as U+FFFD)
mkdir "$T/odd"
for name in 'a"b' 'c\d' "$(printf 'e\tf')" "$(printf 'g\001h')" "$(printf 'i\377j')"; do
    printf 'Tôn giáo: Phật giáo\n' >"$T/odd/$name.txt" # sensitive: a unit violation names the file too
done
scan "$T/odd.json" "$T/odd"
rc=0
"$PDPSCAN" scan -q -o "$T/odd.jsonl" "$T/odd" 2>"$T/stderr" || rc=$?
expect_rc 1
"$PY" - "$T/odd.json" "$T/odd.jsonl" <<'PYEOF' || fail "escaped names do not round-trip"
import json, sys
want = sorted(['a"b', 'c\\d', 'e\tf', 'g\x01h', 'i\ufffdj'])
full = json.load(open(sys.argv[1], encoding="utf-8"))
lines = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
for findings in (full["findings"], [l for l in lines if l["type"] == "finding"]):
    names = sorted(f["location"]["path"].rsplit("/", 1)[1][:-4] for f in findings)
    assert names == want, names
for units in (full["units"], [l for l in lines if l["type"] == "unit"]):
    names = sorted(u["path"].rsplit("/", 1)[1][:-4] for u in units)
    assert names == want, names
for violations in (full["violations"], [l for l in lines if l["type"] == "violation"]):
    names = sorted(v["subject"].rsplit("/", 1)[1][:-4] for v in violations if v["scope"] == "unit")
    assert names == want, names
PYEOF
ok

# Types by content: text that starts like prose or a table skips libmagic's rule database, so
# each text-like format read otherwise must still be told by its start.
mkdir "$T/types"
printf 'Path: tin.vn!news\nFrom: a@congty-vidu.vn\nNewsgroups: vn.test\n\nSĐT: 0912345678\n' >"$T/types/news.txt"
printf 'Received: from mx.congty-vidu.vn\nFrom: a@congty-vidu.vn\nSubject: hồ sơ\n\nSĐT: 0912345678\n' >"$T/types/mail.txt"
printf '<svg xmlns="http://www.w3.org/2000/svg"><text>SĐT: 0912345678</text></svg>\n' >"$T/types/drawing.svg"
printf 'P1\n4 2\n0 9 1 2 3 4 5 6 7 8\n' >"$T/types/bitmap.pbm"
printf -- '-----BEGIN PGP MESSAGE-----\n\nhQEMA0912345678\n-----END PGP MESSAGE-----\n' >"$T/types/armour.asc"
printf '%%PDF-1.4\n1 0 obj\n<< >>\nendobj\n' >"$T/types/ascii.pdf"
printf 'ho_ten,sdt,ghi_chu\nNguyen Van An,0912345678,x\nTran Thi Binh,0987654321,y\n' >"$T/types/export.csv"
printf 'Họ và tên: Nguyễn Văn An\nSĐT: 0912345678\n' >"$T/types/prose.txt"
scan "$T/types.json" "$T/types"
"$PY" - "$T/types.json" <<'PYEOF' || fail "a text-like format was typed wrongly"
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
mime = {u["path"].rsplit("/", 1)[1]: (u["mime"], u["status"]) for u in r["units"] if "!" not in u["path"]}
want = {"news.txt": ("message/news", "scanned"), "mail.txt": ("message/rfc822", "scanned"),
        "drawing.svg": ("image/svg+xml", "skipped"), "bitmap.pbm": ("image/x-portable-bitmap", "skipped"),
        "armour.asc": ("application/pgp-encrypted", "skipped"), "export.csv": ("text/csv", "scanned"),
        "prose.txt": ("text/plain", "scanned")}
for name, (m, status) in want.items():
    assert mime[name] == (m, status), (name, mime[name])
assert mime["ascii.pdf"][0] == "application/pdf", mime["ascii.pdf"]
phones = sorted(f["location"]["path"].rsplit("/", 1)[1] for f in r["findings"] if f["detector"] == "vn.phone")
assert phones == ["export.csv", "export.csv", "mail.txt!part-1", "news.txt!part-1", "prose.txt"], phones
PYEOF
ok

# A report written inside the tree it scans is not read back: the JSON Lines stream grows during
# the scan, and with --reveal it holds the values in clear. The JSON report's temporary file and
# the old report it replaces are skipped too; so is standard output sent to a file there.
mkdir "$T/own"
printf 'Số CCCD: 001087123456\n' >"$T/own/id.txt"
for run in 1 2; do # the second run finds the first one's report in place
    for fmt in json jsonl; do
        rc=0
        "$PDPSCAN" scan -q --reveal -f $fmt -o "$T/own/report.$fmt" "$T/own" 2>/dev/null || rc=$?
        expect_rc 1
    done
done
rc=0
"$PDPSCAN" scan -q --reveal -f jsonl "$T/own" >"$T/own/stdout.jsonl" 2>/dev/null || rc=$?
expect_rc 1
"$PY" - "$T/own" <<'PYEOF' || fail "pdpscan read its own report back"
import json, os, sys
d = sys.argv[1]
r = json.load(open(os.path.join(d, "report.json"), encoding="utf-8"))
units = {os.path.basename(u["path"]): (u["status"], u["reason"]) for u in r["units"]}
assert units["report.json"] == ("skipped", "pdpscan's own report"), units
assert all(status == ("skipped", "pdpscan's own report") for name, status in units.items() if ".tmp." in name), units
# another run's report is data like any other: with values in clear, a leak to report
assert units["report.jsonl"] == ("scanned", None), units
assert sorted({os.path.basename(f["location"]["path"]) for f in r["findings"]}) == ["id.txt", "report.jsonl"], r["findings"]
for name in ("report.jsonl", "stdout.jsonl"):
    lines = [json.loads(l) for l in open(os.path.join(d, name), encoding="utf-8")]
    own = [l for l in lines if l["type"] == "unit" and os.path.basename(l["path"]) == name]
    assert own and own[0]["status"] == "skipped", (name, own)
PYEOF
ok
# The format follows -f, else the output's extension; a name no format claims is a usage error
# (exit 2, nothing written), never JSON under a name that promises something else.
for name in report.xml report.pdf report; do
    rc=0
    "$PDPSCAN" scan -q -o "$T/$name" "$T/own" 2>"$T/stderr" || rc=$?
    expect_rc 2
    grep -q "cannot tell the report format from the name '$T/$name'" "$T/stderr" || fail "$name: $(cat "$T/stderr")"
    [ ! -e "$T/$name" ] || fail "$name was written"
done
rc=0
"$PDPSCAN" scan -q -f yaml -o "$T/r.yaml" "$T/own" 2>"$T/stderr" || rc=$?
expect_rc 2
rc=0
"$PDPSCAN" scan -q -f json -o "$T/forced.out" "$T/own" 2>/dev/null || rc=$?
expect_rc 1
validate "$T/forced.out"

# CSV: one row per finding, masked; RFC 4180 quoting; cells a spreadsheet would run as formulas
# are neutralised, names that are not UTF-8 are repaired; with --reveal the clear value.
mkdir "$T/csv"
printf 'Số CCCD: 001087123456\nSĐT: 0912345678\n' >"$T/csv/a,\"b\".txt"
printf 'Số CCCD: 079193001234\n' >"$T/csv/=HYPERLINK(1).txt"
printf 'Số CCCD: 001087123456\n' >"$T/csv/$(printf 'bad\377').txt"
rc=0
"$PDPSCAN" scan -q -o "$T/r.CSV" "$T/csv" 2>"$T/stderr" || rc=$?
expect_rc 1
[ "$(stat -c %a "$T/r.CSV")" = 600 ] || fail "CSV report mode is not 0600"
scan "$T/csv.json" "$T/csv"
"$PY" - "$T/r.CSV" "$T/csv.json" "$T/csv" <<'PYEOF' || fail "CSV report"
import csv, json, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"fingerprint,detector,category,"), raw[:80]
assert raw.count(b"\r\n") == raw.count(b"\n"), "rows end in CRLF"
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
r = json.load(open(sys.argv[2], encoding="utf-8"))
assert len(rows) == len(r["findings"]) == 4, (len(rows), len(r["findings"]))
cell = lambda v: "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v  # formulas neutralised
by_fp = {f["fingerprint"]: f for f in r["findings"]}
text = raw.decode("utf-8")  # valid UTF-8 throughout, the bad name repaired
assert "001087123456" not in text and "0912345678" not in text, "a value in clear"
for row in rows:
    f = by_fp[row["fingerprint"]]
    assert row["detector"] == f["detector"] and int(row["line"]) == f["location"]["line"], row
    assert int(row["offset"]) == f["location"]["offset"] and int(row["column"]) == f["location"]["column"], row
    assert row["value_masked"] == cell(f["value"]["masked"]) and row["value_hash"] == f["value"]["hash"], row
    assert row["value_clear"] == "" and row["path"] == f["location"]["path"], row
phone = [row for row in rows if row["detector"] == "vn.phone"]
assert phone and phone[0]["value_masked"].startswith("'+84"), phone
paths = sorted(row["path"].rsplit("/", 1)[1] for row in rows)
assert paths == ["=HYPERLINK(1).txt", 'a,"b".txt', 'a,"b".txt', "bad\ufffd.txt"], paths
PYEOF
ok
# a path given relative that starts like a formula is neutralised in its cell too
rc=0
(cd "$T/csv" && "$PDPSCAN" scan -q -f csv -o "$T/rel.csv" "=HYPERLINK(1).txt") 2>/dev/null || rc=$?
expect_rc 1
grep -q "^[0-9a-f]*,vn.cccd,basic,[0-9]*,[a-z]*,\"'=HYPERLINK(1).txt\"," "$T/rel.csv" ||
    fail "a formula-like path was not neutralised: $(cat "$T/rel.csv")"
rc=0
"$PDPSCAN" scan -q --reveal -f csv -o "$T/clear.csv" "$T/csv" 2>/dev/null || rc=$?
expect_rc 1
tr -d '\r' <"$T/clear.csv" | grep -q ',001087123456$' || fail "--reveal: no clear value in the CSV report"

# SARIF 2.1.0: valid against the official schema; a rule per detector and policy rule; a result
# per finding (its fingerprint as partialFingerprints, masked) and per violation (level from the
# severity, legal basis on the rule); members located in their file with the chain as a logical
# location; units not read whole as notifications, and the run then not successful.
mkdir "$T/sarif"
cp -r "$PD_SRCDIR/examples/share/." "$T/sarif/"
"$PY" - "$T/sarif" <<'PYEOF'
import io, os, sys, tarfile, zipfile
d = sys.argv[1]
b = io.BytesIO()
with zipfile.ZipFile(b, "w") as z:
    z.writestr("ho so/nhan vien.txt", "Số CCCD: 079193001234\n")
open(os.path.join(d, "luu tru #1.zip"), "wb").write(b.getvalue())
t = io.BytesIO()
with tarfile.open(fileobj=t, mode="w") as tar:  # cut in its second member: an archive in error
    for name, size in (("a.txt", 600), ("b.txt", 4000)):
        info = tarfile.TarInfo(name)
        info.size = size
        tar.addfile(info, io.BytesIO(b"x" * size))
open(os.path.join(d, "broken.tar"), "wb").write(t.getvalue()[:3000])
PYEOF
rc=0
"$PDPSCAN" scan -q -o "$T/r.sarif" "$T/sarif" 2>"$T/stderr" || rc=$?
[ "$rc" = 1 ] || [ "$rc" = 4 ] || fail "SARIF scan exited $rc: $(cat "$T/stderr")"
"$PY" "$PD_SRCDIR/tests/validate-sarif.py" "$PD_SRCDIR/tests/schemas/sarif-schema-2.1.0.json" "$T/r.sarif" ||
    fail "the SARIF report does not validate against the SARIF 2.1.0 schema"
ok
scan "$T/sarif.json" "$T/sarif"
"$PY" - "$T/r.sarif" "$T/sarif.json" <<'PYEOF' || fail "SARIF report"
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))
r = json.load(open(sys.argv[2], encoding="utf-8"))
assert s["version"] == "2.1.0" and len(s["runs"]) == 1
run = s["runs"][0]
rules = {x["id"]: x for x in run["tool"]["driver"]["rules"]}
text = open(sys.argv[1], encoding="utf-8").read()
assert "079193001234" not in text and "001087123456" not in text, "a value in clear"
findings = [x for x in run["results"] if rules[x["ruleId"]]["properties"]["kind"] == "detector"]
violations = [x for x in run["results"] if rules[x["ruleId"]]["properties"]["kind"] == "policy"]
assert sorted(x["partialFingerprints"]["pdpscan/finding/v2"] for x in findings) == \
    sorted(f["fingerprint"] for f in r["findings"]), "findings differ from the JSON report's"
assert len(violations) == len(r["violations"]) and violations, (len(violations), len(r["violations"]))
level = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
for v in violations:
    assert v["level"] == level[v["properties"]["severity"]], v
    rule = rules[v["ruleId"]]
    assert rule["properties"]["legal_basis"] and rule["help"]["text"] and rule["properties"]["remediation"]["vi"], rule
by_fp = {f["fingerprint"]: f for f in r["findings"]}
for x in findings:
    f = by_fp[x["partialFingerprints"]["pdpscan/finding/v2"]]
    assert x["properties"]["masked"] == f["value"]["masked"] and f["value"]["masked"] in x["message"]["text"], x
member = [x for x in findings if "!" in f'{by_fp[x["partialFingerprints"]["pdpscan/finding/v2"]]["location"]["path"]}']
assert member, "no finding in the zip"
loc = member[0]["locations"][0]
assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith("/luu%20tru%20%231.zip"), loc
assert loc["logicalLocations"][0]["kind"] == "member", loc
assert loc["logicalLocations"][0]["fullyQualifiedName"].endswith("luu tru #1.zip!ho so/nhan vien.txt"), loc
plain = [x for x in findings if x["locations"][0].get("physicalLocation", {}).get("region")]
assert plain and all(p["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for p in plain)
inv = run["invocations"][0]
notes = inv["toolExecutionNotifications"]
assert inv["executionSuccessful"] is False, inv
assert any(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("/broken.tar") and
           n["level"] == "error" for n in notes), notes
PYEOF
ok

done_testing
