#!/bin/sh
# Benchmark (not a test): pdpscan against the grep a user would write instead, per kind of file,
# at 1 and at 2 threads, on the same files in the same run. Prints wall time, ratios, peak RSS and
# findings per MiB.
#   rg-c      ripgrep with the yardstick's plain patterns, counting lines
#             (rg -c -f ../shared/bench/rg-patterns.txt): the speed target for prose and the whole
#   rg-o      the same, printing every match (rg -o): the target for dense CSV and JSON Lines
#   ripgrep   ripgrep given each detector's whole pattern, case-blind (earlier rounds' row)
#   rg-anchor ripgrep given only what pdpscan's Hyperscan pass looks for (earlier rounds' row)
# Kinds: prose (.txt, .md, .log, .html), dense CSV, JSON Lines, binary files and a share of small
# files, in the proportions of the 2 GB share the speed issue measured; "all" is the whole corpus.
# Then a document-heavy corpus (DOCX, XLSX, PDF, zip): documents per second and MiB/s.
# Usage: tests/bench/run.sh PDPSCAN [CORPUS-MB] [DOCS-MB]   (BENCH_DIR: where corpora are kept)
set -eu
pdpscan=$(realpath "$1")
mb=${2:-256}
docs_mb=${3:-32}
here=$(cd "$(dirname "$0")" && pwd)
yardstick=$(realpath "$here/../../../shared/bench/rg-patterns.txt" 2>/dev/null || true)
[ -f "${RG_PATTERNS:-$yardstick}" ] || { echo "run.sh: set RG_PATTERNS to the yardstick's rg-patterns.txt" >&2; exit 2; }
yardstick=${RG_PATTERNS:-$yardstick}
out=${BENCH_DIR:-$here/out}
corpus="$out/kinds-$mb"
mkdir -p "$out"
[ -d "$corpus" ] || /usr/bin/python3 "$here/gen-corpus.py" "$corpus" "$mb" --kinds
"$pdpscan" detectors --full-patterns | cut -f2 >"$out/patterns.txt"
"$pdpscan" detectors --patterns | cut -f2 >"$out/anchors.txt"
export PDPSCAN_KEY_FILE="${PDPSCAN_KEY_FILE:-$here/../data/test.key}"

# measure NAME CMD...: best of three warm runs; prints the name, seconds and peak RSS (KiB)
measure() {
    name=$1; shift
    best=""
    rss=0
    for run in 1 2 3; do
        /usr/bin/time -f '%e %M' -o "$out/time" sh -c '"$@" >/dev/null 2>&1 || [ $? -le 1 ]' sh "$@" || true
        t=$(cut -d' ' -f1 "$out/time"); m=$(cut -d' ' -f2 "$out/time")
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; rss=$m; fi
    done
    echo "$name $best $rss"
}
find "$corpus" -type f -print0 | xargs -0 cat >/dev/null # warm the page cache

printf 'corpus: %s, yardstick: %s\n' "$corpus" "$yardstick"
printf '%-6s %2s %7s %9s %7s %7s %8s %9s %8s %9s %9s %8s\n' kind j MiB "finds/MiB" "rg-c s" "rg-o s" "ripgrep" "rg-anchor" \
    "pdpscan" "rg-c/pd" "rg-o/pd" "RSS MB"
for kind in prose csv jsonl binary small all; do
    dir="$corpus/$kind"
    [ "$kind" = all ] && dir=$corpus
    bytes=$(du -sb "$dir" | cut -f1)
    for j in 1 2; do
        rg="rg -j $j --no-ignore --hidden --no-messages"
        {
            measure rg-c $rg -c -f "$yardstick" "$dir"
            measure rg-o $rg -o -f "$yardstick" "$dir"
            measure ripgrep $rg -i --count-matches -f "$out/patterns.txt" "$dir"
            measure rg-anchor $rg -i --count-matches -f "$out/anchors.txt" "$dir"
            measure pdpscan "$pdpscan" scan -q -j "$j" -f json -o "$out/report-$kind.json" "$dir"
        } >"$out/results-$kind-$j"
        findings=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"]["findings"])' \
            "$out/report-$kind.json")
        awk -v kind="$kind" -v j="$j" -v b="$bytes" -v n="$findings" '{ t[$1] = $2; m[$1] = $3 } END {
            mib = b / 1048576; p = t["pdpscan"] > 0 ? t["pdpscan"] : 0.01
            printf "%-6s %2d %7.0f %9.0f %7.2f %7.2f %8.2f %9.2f %8.2f %8.2fx %8.2fx %8.1f\n", kind, j, mib, n / mib,
                t["rg-c"], t["rg-o"], t["ripgrep"], t["rg-anchor"], t["pdpscan"], t["rg-c"] / p, t["rg-o"] / p,
                m["pdpscan"] / 1024 }' "$out/results-$kind-$j"
    done
done
printf '\npdpscan from 1 to 2 threads:'
for kind in prose csv jsonl binary small all; do
    awk -v kind="$kind" '$1 == "pdpscan" { t[FILENAME ~ /-1$/ ? 1 : 2] = $2 } END {
        printf " %s %.2fx", kind, t[1] / (t[2] > 0 ? t[2] : 0.01) }' "$out/results-$kind-1" "$out/results-$kind-2"
done
echo

docs="$out/docs-$docs_mb"
[ -d "$docs" ] || /usr/bin/python3 "$here/gen-corpus.py" "$docs" "$docs_mb" --docs
dbytes=$(du -sb "$docs" | cut -f1)
ndocs=$(find "$docs" -type f | wc -l)
measure documents "$pdpscan" scan -q -j 2 -f json -o "$out/docs-report.json" "$docs" >"$out/docs-results"
read -r _ dt drss <"$out/docs-results"
dfind=$(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["counters"]["findings"], r["counters"]["units"])' "$out/docs-report.json")
printf '\ndocuments: %s files (docx, xlsx, pdf, zip), %d MiB; findings and units: %s\n' "$ndocs" $((dbytes / 1048576)) "$dfind"
awk -v b="$dbytes" -v n="$ndocs" -v t="$dt" -v m="$drss" 'BEGIN { printf "pdpscan -j 2 %9.2f s %10.1f docs/s %8.1f MiB/s %12.1f MB peak RSS\n", t, n/(t>0?t:0.01), (b/1048576)/(t>0?t:0.01), m/1024 }'
