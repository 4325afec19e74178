#!/bin/sh
# Benchmark (not a test): pdpscan against ripgrep running the same detector patterns on the same
# corpus, and against cat (the read limit). Prints wall time, throughput, peak RSS and ratios.
# ripgrep runs twice: with each detector's whole pattern ("ripgrep"), and with only what
# pdpscan's Hyperscan pass looks for ("rg-anchor": a label or an e-mail's "@" for some detectors,
# whose values pdpscan then matches with PCRE2 around each anchor).
# Then many small files, and a document-heavy corpus (DOCX, XLSX, PDF, zip): documents per second
# and MiB/s.
# Usage: tests/bench/run.sh PDPSCAN [CORPUS-MB] [THREADS] [DOCS-MB]
set -eu
pdpscan=$(realpath "$1")
mb=${2:-256}
threads=${3:-2}
docs_mb=${4:-32}
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_DIR:-$here/out}
corpus="$out/corpus-$mb"
mkdir -p "$out"
[ -d "$corpus" ] || /usr/bin/python3 "$here/gen-corpus.py" "$corpus" "$mb"
bytes=$(du -sb "$corpus" | cut -f1)
"$pdpscan" detectors --full-patterns | cut -f2 >"$out/patterns.txt"
"$pdpscan" detectors --patterns | cut -f2 >"$out/anchors.txt"

# measure NAME CMD...: best of three warm runs; prints seconds and peak RSS (KiB)
measure() {
    name=$1; shift
    best=""
    rss=0
    for run in 1 2 3; do
        /usr/bin/time -f '%e %M' -o "$out/time" sh -c '"$@" >/dev/null 2>&1 || [ $? -le 1 ]' sh "$@" || true
        set -- "$@"
        t=$(cut -d' ' -f1 "$out/time"); m=$(cut -d' ' -f2 "$out/time")
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; rss=$m; fi
    done
    echo "$name $best $rss"
}
find "$corpus" -type f -print0 | xargs -0 cat >/dev/null # warm the page cache
{
    measure cat sh -c "find '$corpus' -type f -print0 | xargs -0 -P $threads cat"
    measure ripgrep rg -j "$threads" -i --count-matches --no-messages -f "$out/patterns.txt" "$corpus"
    measure rg-anchor rg -j "$threads" -i --count-matches --no-messages -f "$out/anchors.txt" "$corpus"
    measure pdpscan "$pdpscan" scan -q -j "$threads" -f json -o "$out/report.json" "$corpus"
} >"$out/results"
findings=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"]["findings"])' "$out/report.json")
pd_time=$(awk '$1=="pdpscan"{print $2}' "$out/results")
printf 'corpus: %s (%d MiB), threads: %s, pdpscan findings: %s\n' "$corpus" $((bytes / 1048576)) "$threads" "$findings"
printf '%-8s %9s %10s %12s %22s\n' tool seconds MiB/s "peak RSS MB" "time vs pdpscan"
awk -v b="$bytes" -v p="$pd_time" '{ printf "%-8s %9.2f %10.1f %12.1f %21.2fx\n", $1, $2, (b/1048576)/($2>0?$2:0.01), $3/1024, $2/(p>0?p:0.01) }' "$out/results"

# The same corpus by kind, each tool told to leave the other kind out: prose (.txt, labelled
# records here and there) and CSV exports (three or four identifiers on every row).
printf '\n%-6s %8s %16s %10s %12s %10s %16s %16s\n' kind MiB "findings per MiB" "ripgrep s" "rg-anchor s" "pdpscan s" "ripgrep/pdpscan" "rg-anchor/pdpscan"
for kind in txt csv; do
    other=csv
    [ "$kind" = txt ] || other=txt
    kbytes=$(find "$corpus" -name "*.$kind" -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
    {
        measure ripgrep rg -j "$threads" -i --count-matches --no-messages -g "!*.$other" -f "$out/patterns.txt" "$corpus"
        measure rg-anchor rg -j "$threads" -i --count-matches --no-messages -g "!*.$other" -f "$out/anchors.txt" "$corpus"
        measure pdpscan "$pdpscan" scan -q -j "$threads" -f json -o "$out/report-$kind.json" --exclude "*.$other" "$corpus"
    } >"$out/results-$kind"
    kfind=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"]["findings"])' "$out/report-$kind.json")
    awk -v kind="$kind" -v b="$kbytes" -v n="$kfind" '{ t[$1] = $2 } END {
        mib = b / 1048576; printf "%-6s %8.0f %16.0f %10.2f %12.2f %10.2f %15.2fx %15.2fx\n", kind, mib, n / mib, t["ripgrep"], t["rg-anchor"], t["pdpscan"], t["ripgrep"] / t["pdpscan"], t["rg-anchor"] / t["pdpscan"] }' "$out/results-$kind"
done

# Many small files (1-32 KiB), as a department share mostly holds: per-file costs (type sniffing,
# encoding guesses, one report record per unit) weigh here, not in the large files above.
small_mb=$((mb / 4))
small="$out/small-$small_mb"
[ -d "$small" ] || /usr/bin/python3 "$here/gen-corpus.py" "$small" "$small_mb" --small >/dev/null
nsmall=$(find "$small" -type f | wc -l)
{
    measure ripgrep rg -j "$threads" -i --count-matches --no-messages -f "$out/patterns.txt" "$small"
    measure rg-anchor rg -j "$threads" -i --count-matches --no-messages -f "$out/anchors.txt" "$small"
    measure pdpscan "$pdpscan" scan -q -j "$threads" -f json -o "$out/small-report.json" "$small"
} >"$out/small-results"
awk -v n="$nsmall" -v mb="$small_mb" '{ t[$1] = $2 } END {
    printf "\nsmall files: %d files, %d MiB\n%-8s %9s %10s %22s %24s\n", n, mb, "", "ripgrep s", "rg-anchor s", "pdpscan s (files/s)", "ripgrep/pdpscan, anchor"
    printf "%-8s %9.2f %10.2f %14.2f (%6.0f) %16.2fx %6.2fx\n", "small", t["ripgrep"], t["rg-anchor"], t["pdpscan"], n / t["pdpscan"], t["ripgrep"] / t["pdpscan"], t["rg-anchor"] / t["pdpscan"] }' "$out/small-results"

docs="$out/docs-$docs_mb"
[ -d "$docs" ] || /usr/bin/python3 "$here/gen-corpus.py" "$docs" "$docs_mb" --docs
dbytes=$(du -sb "$docs" | cut -f1)
ndocs=$(find "$docs" -type f | wc -l)
measure documents "$pdpscan" scan -q -j "$threads" -f json -o "$out/docs-report.json" "$docs" >"$out/docs-results"
read -r _ dt drss <"$out/docs-results"
dfind=$(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["counters"]["findings"], r["counters"]["units"])' "$out/docs-report.json")
printf '\ndocuments: %s files (docx, xlsx, pdf, zip), %d MiB; findings and units: %s\n' "$ndocs" $((dbytes / 1048576)) "$dfind"
awk -v b="$dbytes" -v n="$ndocs" -v t="$dt" -v m="$drss" 'BEGIN { printf "pdpscan  %9.2f s %10.1f docs/s %8.1f MiB/s %12.1f MB peak RSS\n", t, n/(t>0?t:0.01), (b/1048576)/(t>0?t:0.01), m/1024 }'
