#!/usr/bin/python3
"""Validates a pdpscan JSON report (or JSON Lines stream) against docs/report.schema.json and
checks the invariants the schema cannot express: counters agree with the records."""
import json
import sys

import jsonschema


def fail(msg):
    print(f"validate-report: {msg}", file=sys.stderr)
    sys.exit(1)


def check_report(report, schema):
    jsonschema.validate(report, schema)
    c = report["counters"]
    units = report["units"]
    if c["units"] != len(units):
        fail(f"counters.units={c['units']} but {len(units)} unit records")
    for status in ("scanned", "partial", "skipped", "error"):
        n = sum(1 for u in units if u["status"] == status)
        if c[status] != n:
            fail(f"counters.{status}={c[status]} but {n} records")
    listed = len(report["findings"])
    if c["findings"] != listed + c["findings_unlisted"]:
        fail(f"counters.findings={c['findings']} but {listed} listed + {c['findings_unlisted']} unlisted")
    for u in units:
        if u["findings_unlisted"] and sum(u.get("unlisted_by_detector", {}).values()) != u["findings_unlisted"]:
            fail(f"unit {u['path']}: unlisted_by_detector does not add up to findings_unlisted")
    if sum(u["findings"] for u in units) != c["findings"]:
        fail("unit finding counts do not add up to counters.findings")
    by_cat = report["totals"]["by_category"]
    if sum(by_cat.values()) != c["findings"]:
        fail("totals.by_category does not add up to counters.findings")
    by_det = report["totals"]["by_detector"]
    if sum(d["findings"] for d in by_det.values()) != c["findings"]:
        fail("totals.by_detector does not add up to counters.findings")
    for cat in by_cat:
        if by_cat[cat] != sum(d["findings"] for d in by_det.values() if d["category"] == cat):
            fail(f"totals.by_category.{cat} disagrees with totals.by_detector")
    for f in report["findings"]:
        if not f["value"]["masked"]:
            fail(f"finding {f['fingerprint']} has no masked value")
    fps = [f["fingerprint"] for f in report["findings"]]
    if len(fps) != len(set(fps)):
        fail("duplicate fingerprints")
    t = report["totals"]
    if t["violations"] != len(report["violations"]) or sum(t["by_severity"].values()) != len(report["violations"]):
        fail("violation totals do not match the violation records")
    fingerprints = set(fps)
    for v in report["violations"]:
        if v["scope"] == "unit" and not set(v["fingerprints"]) <= fingerprints:
            fail(f"violation {v['rule']} cites fingerprints that are not findings")
    partial_units = c["partial"] > 0
    if (report["scan"]["interrupted_by"] is not None or partial_units) and not report["scan"]["partial"]:
        fail("scan.partial is false although the scan was interrupted or a unit is partial")


def main():
    if len(sys.argv) != 3:
        fail("usage: validate-report.py SCHEMA REPORT")
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(sys.argv[2], "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        fail(f"report is not UTF-8: {e}")
    try:
        report = json.loads(text)
    except json.JSONDecodeError as e:
        fail(f"report is not valid JSON: {e}")
    check_report(report, schema)


if __name__ == "__main__":
    main()
