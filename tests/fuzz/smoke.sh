#!/bin/sh
# make fuzz-smoke: each libFuzzer target for FUZZ_SECONDS (60) over its seed corpus of real files
# and the regression inputs, two at a time. A crash, leak or sanitizer report fails the run
# and leaves its input in fuzz-artifacts/: add it to tests/fuzz/regressions/CORPUS/ as a seed.
set -eu
: "${PD_SRCDIR:?run through make fuzz-smoke}"
seconds=${FUZZ_SECONDS:-60}
rm -rf fuzz-seeds && mkdir -p fuzz-artifacts fuzz-corpus
"${PYTHON3:-python3}" "$PD_SRCDIR/tests/fuzz/make-seeds.py" fuzz-seeds "$PD_SRCDIR"
export PD_FUZZ_BASE_POLICY="$PD_SRCDIR/policies/$(ls "$PD_SRCDIR/policies" | grep '\.json$' | head -n 1)"
run() { # TARGET CORPUS...: a growing corpus of its own, seeded with the real files and regressions
    target=$1; shift
    name=$(echo "$@" | tr ' ' '+')
    mkdir -p "fuzz-corpus/$target"
    seeds=""
    for c in "$@"; do
        seeds="$seeds fuzz-seeds/$c"
        [ ! -d "$PD_SRCDIR/tests/fuzz/regressions/$c" ] || seeds="$seeds $PD_SRCDIR/tests/fuzz/regressions/$c"
    done
    # shellcheck disable=SC2086
    "tests/fuzz/$target" -max_total_time="$seconds" -max_len=262144 -timeout=30 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="fuzz-artifacts/$target-" "fuzz-corpus/$target" $seeds \
        >"fuzz-$target.log" 2>&1 || { echo "FAIL: $target on $name (fuzz-$target.log)"; tail -n 30 "fuzz-$target.log"; return 1; }
    echo "$target on $name: $(sed -n "s/^stat::number_of_executed_units: *//p" "fuzz-$target.log") executions, no crash"
}
status=0
set -- "fuzz-archive archive" "fuzz-office office" "fuzz-workbook workbook" "fuzz-word-table word-table" \
    "fuzz-mail mail" "fuzz-fields fields" "fuzz-policy policy" "fuzz-legacy legacy" "fuzz-state state" "fuzz-redact-policy redact-policy" \
    "fuzz-redact-office workbook office" "fuzz-redact-table fields legacy" "fuzz-merge report" \
    "fuzz-scan archive office mail fields legacy"
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
