#!/usr/bin/python3
"""Scores a pdpscan JSON report made with --reveal against a labelled corpus's truth.json
(labelled-corpus.py): precision and recall per format, per encoding and overall.

Usage: score.py REPORT.json TRUTH.json [--min-confidence N] [--json] [--check P R R_EACH]
A positive is found when a finding of its detector in its file (or a member of it) holds its
value (compared without case, accents, spacing or punctuation: "012 345 678" is 012345678).
A finding at or above the confidence (default 50: medium) that matches no positive is a false
positive. With --check, exits 1 unless overall precision >= P, overall recall >= R and every
format's and encoding's recall >= R_EACH."""
import collections
import json
import sys
import unicodedata


def norm(v):
    v = unicodedata.normalize("NFD", v.replace("Đ", "D").replace("đ", "d")).casefold()
    return "".join(ch for ch in v if ch.isalnum())


def main():
    args = sys.argv[1:]
    report, truth = json.load(open(args[0])), json.load(open(args[1]))
    min_conf = int(args[args.index("--min-confidence") + 1]) if "--min-confidence" in args else 50
    root = None
    by_file = collections.defaultdict(list)
    for f in report["findings"]:
        if f["confidence"] < min_conf:
            continue
        path = f["location"]["path"].split("!")[0]
        for name in truth:
            if path.endswith("/" + name) or path == name:
                by_file[name].append(f)
                break
        else:
            by_file["(other)"].append(f)
    stats = {"format": collections.defaultdict(lambda: [0, 0, 0]), "encoding": collections.defaultdict(lambda: [0, 0, 0])}
    total = [0, 0, 0]  # true positives, false negatives, false positives
    misses = collections.Counter()
    fps = collections.Counter()
    for name, t in truth.items():
        found = collections.Counter((f["detector"], norm(f["value"].get("clear", ""))) for f in by_file[name])
        tp = fn = 0
        for det, value in t["expect"]:
            key = (det, norm(value))
            if found[key] > 0:
                found[key] -= 1
                tp += 1
            elif any(k[0] == det and k[1] and (k[1] in key[1] or key[1] in k[1]) and c > 0 for k, c in found.items()):
                k = next(k for k, c in found.items() if k[0] == det and k[1] and (k[1] in key[1] or key[1] in k[1]) and c > 0)
                found[k] -= 1  # a value found in part (a name cut short): found, not a false positive
                tp += 1
            else:
                fn += 1
                misses[(t["format"], det)] += 1
        fp = sum(found.values())
        for (det, _), c in found.items():
            if c:
                fps[(t["format"], det)] += c
        for kind in ("format", "encoding"):
            s = stats[kind][t[kind]]
            s[0] += tp
            s[1] += fn
            s[2] += fp
        total[0] += tp
        total[1] += fn
        total[2] += fp

    def pr(s):
        p = s[0] / (s[0] + s[2]) if s[0] + s[2] else 1.0
        r = s[0] / (s[0] + s[1]) if s[0] + s[1] else 1.0
        return p, r
    result = {kind: {k: dict(zip(("precision", "recall"), pr(v)), tp=v[0], fn=v[1], fp=v[2]) for k, v in sorted(d.items())}
              for kind, d in stats.items()}
    p, r = pr(total)
    result["overall"] = {"precision": p, "recall": r, "tp": total[0], "fn": total[1], "fp": total[2]}
    if "--json" in args:
        print(json.dumps(result, indent=1))
    else:
        for kind in ("format", "encoding"):
            print(f"{kind:<18} {'precision':>9} {'recall':>7} {'tp':>5} {'fn':>5} {'fp':>4}")
            for k, v in result[kind].items():
                print(f"  {k:<16} {v['precision']:9.3f} {v['recall']:7.3f} {v['tp']:5} {v['fn']:5} {v['fp']:4}")
        print(f"{'overall':<18} {p:9.3f} {r:7.3f} {total[0]:5} {total[1]:5} {total[2]:4}")
        if misses:
            print("missed:", ", ".join(f"{f}/{d} {n}" for (f, d), n in misses.most_common(12)))
        if fps:
            print("false positives:", ", ".join(f"{f}/{d} {n}" for (f, d), n in fps.most_common(12)))
    if "--check" in args:
        i = args.index("--check")
        want_p, want_r, want_each = (float(x) for x in args[i + 1:i + 4])
        worst = min(v["recall"] for d in (result["format"], result["encoding"]) for v in d.values())
        if p < want_p or r < want_r or worst < want_each:
            print(f"score.py: precision {p:.3f} (>= {want_p}), recall {r:.3f} (>= {want_r}), "
                  f"worst recall {worst:.3f} (>= {want_each}): not met", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
