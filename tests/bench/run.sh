#!/bin/sh
# Benchmark (not a test): pdpscan against ripgrep running the same detector patterns on the same
# corpus, and against cat (the read limit). Prints wall time, throughput, peak RSS and ratios.
# Usage: tests/bench/run.sh PDPSCAN [CORPUS-MB] [THREADS]
set -eu
pdpscan=$(realpath "$1")
mb=${2:-256}
threads=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_DIR:-$here/out}
corpus="$out/corpus-$mb"
mkdir -p "$out"
[ -d "$corpus" ] || /usr/bin/python3 "$here/gen-corpus.py" "$corpus" "$mb"
bytes=$(du -sb "$corpus" | cut -f1)
"$pdpscan" detectors --patterns | cut -f2 >"$out/patterns.txt"

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
    measure pdpscan "$pdpscan" scan -q -j "$threads" -f json -o "$out/report.json" "$corpus"
} >"$out/results"
findings=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"]["findings"])' "$out/report.json")
pd_time=$(awk '$1=="pdpscan"{print $2}' "$out/results")
printf 'corpus: %s (%d MiB), threads: %s, pdpscan findings: %s\n' "$corpus" $((bytes / 1048576)) "$threads" "$findings"
printf '%-8s %9s %10s %12s %22s\n' tool seconds MiB/s "peak RSS MB" "time vs pdpscan"
awk -v b="$bytes" -v p="$pd_time" '{ printf "%-8s %9.2f %10.1f %12.1f %21.2fx\n", $1, $2, (b/1048576)/($2>0?$2:0.01), $3/1024, $2/(p>0?p:0.01) }' "$out/results"
