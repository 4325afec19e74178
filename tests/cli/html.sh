#!/bin/sh
# The HTML report, opened in a real headless browser (Debian's chromium, from
# scripts/install-deps.sh): counts and titles as the JSON report has them, violations with their
# legal basis and what to do in both languages, the folders table, units in error, the findings
# table filtered by the page's script; one file with nothing fetched from outside; file names
# that are markup stay text and run nothing.
. "$PD_SRCDIR/tests/cli/lib.sh"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    [ "${PDPSCAN_SKIP_BROWSER:-}" = 1 ] && { echo "no chromium: skipped (PDPSCAN_SKIP_BROWSER=1)"; exit 77; }
    fail "chromium is not installed (scripts/install-deps.sh installs it; PDPSCAN_SKIP_BROWSER=1 skips this test)"
fi
cp -r "$PD_SRCDIR/examples/share" "$T/share"
printf 'Số CCCD: 079193001234\n' >"$T/share/<svg onload=document.title=7>.txt"
printf 'Số CCCD: 001087123456\n' >"$T/share/<img src=x onerror=\"document.title=1\">.txt"
"$PY" - "$T/share/broken.tar" <<'PYEOF'
import io, sys, tarfile
t = io.BytesIO()
with tarfile.open(fileobj=t, mode="w") as tar:
    for name, size in (("a.txt", 600), ("b.txt", 4000)):
        info = tarfile.TarInfo(name)
        info.size = size
        tar.addfile(info, io.BytesIO(b"x" * size))
open(sys.argv[1], "wb").write(t.getvalue()[:3000])
PYEOF
rc=0
"$PDPSCAN" scan -q -o "$T/r.html" "$T/share" 2>"$T/stderr" || rc=$?
expect_rc 1
[ "$(stat -c %a "$T/r.html")" = 600 ] || fail "the HTML report is not 0600"
scan "$T/r.json" "$T/share"
# one file: nothing fetched, no other script than its own
"$PY" - "$T/r.html" <<'PYEOF' || fail "the page refers to something outside it, or runs other code"
import sys
from html.parser import HTMLParser
class Refs(HTMLParser):
    bad, scripts, css = [], 0, ""
    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.bad += [(tag, k) for k, v in attrs if k in ("src", "href", "action", "srcset") or k.startswith("on")]
        self.bad += [tag] if tag in ("link", "iframe", "object", "embed", "img", "base") else []
    def handle_data(self, data):
        if self.lasttag == "style":
            self.css += data
p = Refs()
p.feed(open(sys.argv[1], encoding="utf-8").read())
assert not p.bad and p.scripts == 1, (p.bad, p.scripts)
assert "url(" not in p.css and "@import" not in p.css
PYEOF
ok
dom() { # FRAGMENT: the page as the browser built it, after its script ran
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$T/chromium" \
        --dump-dom "file://$T/r.html$1" 2>"$T/browser.log"
}
dom "" >"$T/dom.html" || fail "chromium could not load the page: $(tail -5 "$T/browser.log")"
"$PY" - "$T/dom.html" "$T/r.json" <<'PYEOF' || fail "the page in the browser"
import json, re, sys
from html.parser import HTMLParser
dom = open(sys.argv[1], encoding="utf-8").read()
r = json.load(open(sys.argv[2], encoding="utf-8"))
class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.stack, self.text, self.tables, self.table = {}, [], [], {}, None
        self.title = ""
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.table = a.get("id")
            self.tables[self.table] = []
        if tag == "tr" and self.table:
            self.tables[self.table].append({"attrs": a, "text": ""})
        self.stack.append((tag, a.get("id")))
    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass
        if tag == "table":
            self.table = None
    def handle_data(self, data):
        for tag, i in self.stack:
            if i:
                self.ids[i] = self.ids.get(i, "") + data
        if self.stack and self.stack[-1][0] == "title":
            self.title += data
        if self.table and self.tables[self.table]:
            self.tables[self.table][-1]["text"] += data
p = Page()
p.feed(dom)
assert p.title == "pdpscan report", p.title  # no file name rewrote it
assert p.ids["units"].strip() == str(r["counters"]["units"]), p.ids["units"]
assert p.ids["findings-total"].strip() == str(r["counters"]["findings"]), p.ids["findings-total"]
assert p.ids["violations-total"].strip() == str(len(r["violations"])), p.ids["violations-total"]
violations = p.tables["violations"][1:]
assert len(violations) == len(r["violations"]) > 0, len(violations)
for v in r["violations"]:
    row = [x["text"] for x in violations if v["rule"] in x["text"]]
    assert row and v["title"]["en"] in row[0] and v["title"]["vi"] in row[0], v["rule"]
    assert v["remediation"]["en"] in row[0] and v["remediation"]["vi"] in row[0], v["rule"]
    assert v["legal_basis"][0]["article"] in row[0], v["rule"]
assert len(p.tables["folders"]) > 1
findings = p.tables["findings"][1:]
assert len(findings) == len(r["findings"]), (len(findings), len(r["findings"]))
assert all("display: none" not in f["attrs"].get("style", "") for f in findings), "rows hidden with no filter"
assert any("broken.tar" in x["text"] for x in p.tables["errors"]), p.tables["errors"]
assert any("<svg onload=document.title=7>.txt" in f["text"] for f in findings), "a markup name is not shown as text"
assert any('<img src=x onerror="document.title=1">.txt' in f["text"] for f in findings)
assert "079193001234" not in dom and "001087123456" not in dom, "a value in clear"
PYEOF
ok
# the filter, by the page's fragment as a link would open it: only those rows stay shown
dom "#detector=vn.cccd" >"$T/cccd.html" || fail "chromium could not load the filtered page"
"$PY" - "$T/cccd.html" "$T/r.json" <<'PYEOF' || fail "the findings filter"
import json, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
r = json.load(open(sys.argv[2], encoding="utf-8"))
want = sum(1 for f in r["findings"] if f["detector"] == "vn.cccd")
rows = re.findall(r'<tr data-detector="([^"]*)"[^>]*?(style="display: none;")?>', dom)
shown = [d for d, hidden in rows if not hidden]
assert shown and set(shown) == {"vn.cccd"} and len(shown) == want, (len(shown), want, set(shown))
assert re.search(r'id="shown">%d<' % want, dom), "the shown count"
PYEOF
ok
# a page stays one a browser opens: past 20,000 findings the table stops and says how many more
mkdir "$T/many"
"$PY" - "$T/many" <<'PYEOF'
import sys
for part in range(3):
    with open(f"{sys.argv[1]}/ids-{part}.txt", "w") as f:
        f.writelines(f"Số CCCD: 0010871{part}{n:04d}\n" for n in range(9000))
PYEOF
rc=0
"$PDPSCAN" scan -q -o "$T/many.html" "$T/many" 2>/dev/null || rc=$?
expect_rc 1
[ "$(grep -c '^<tr data-detector=' "$T/many.html")" = 20000 ] || fail "rows: $(grep -c '^<tr data-detector=' "$T/many.html")"
grep -q '<span id="not-listed">7000</span> more not listed here' "$T/many.html" || fail "no 'more not listed' line"
ok
done_testing
