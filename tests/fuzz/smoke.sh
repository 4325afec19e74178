#!/bin/sh
# make fuzz-smoke: each libFuzzer target for FUZZ_SECONDS (60) over each of its seed corpora of real
# files and the regression inputs, two at a time. A crash, leak or sanitizer report fails the run
# and leaves its input in fuzz-artifacts/: add it to tests/fuzz/regressions/CORPUS/ as a seed.
set -eu
: "${PD_SRCDIR:?run through make fuzz-smoke}"
seconds=${FUZZ_SECONDS:-60}
rm -rf fuzz-seeds && mkdir -p fuzz-artifacts fuzz-corpus
"${PYTHON3:-python3}" "$PD_SRCDIR/tests/fuzz/make-seeds.py" fuzz-seeds "$PD_SRCDIR"
export PD_FUZZ_BASE_POLICY="$PD_SRCDIR/policies/$(ls "$PD_SRCDIR/policies" | grep '\.json$' | head -n 1)"
run() { # TARGET CORPUS: a growing corpus of its own, seeded with the real files and regressions
    mkdir -p "fuzz-corpus/$2"
    regressions="$PD_SRCDIR/tests/fuzz/regressions/$2"
    [ -d "$regressions" ] || regressions=""
    # shellcheck disable=SC2086
    "tests/fuzz/$1" -max_total_time="$seconds" -max_len=262144 -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="fuzz-artifacts/$1-$2-" "fuzz-corpus/$2" "fuzz-seeds/$2" $regressions \
        >"fuzz-$1-$2.log" 2>&1 || { echo "FAIL: $1 on $2 (fuzz-$1-$2.log)"; tail -n 30 "fuzz-$1-$2.log"; return 1; }
    echo "$1 on $2: $(sed -n "s/^stat::number_of_executed_units: *//p" "fuzz-$1-$2.log") executions, no crash"
}
status=0
set -- "fuzz-scan archive" "fuzz-scan office" "fuzz-scan workbook" "fuzz-scan word-table" "fuzz-scan mail" \
    "fuzz-fields fields" "fuzz-policy policy" "fuzz-legacy legacy"
while [ $# -gt 0 ]; do
    # shellcheck disable=SC2086
    run $1 & a=$!
    b=""
    if [ $# -gt 1 ]; then run $2 & b=$!; fi
    wait $a || status=1
    [ -z "$b" ] || wait $b || status=1
    shift; [ $# -gt 0 ] && shift
done
exit $status
