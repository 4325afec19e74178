#!/bin/sh
# The fuzz targets over their seed corpora of real files (tests/fuzz/make-seeds.py) and the
# inputs of crashes found before (tests/fuzz/regressions/), with deterministic mutations: what
# `make fuzz-smoke` gives libFuzzer, run by the plain driver in every `make check`.
set -eu
: "${PD_SRCDIR:?run through make check}"
T=$(mktemp -d "${TMPDIR:-/tmp}/pdpscan-fuzz.XXXXXX")
trap 'rm -rf "$T"' EXIT
"${PYTHON3:-python3}" "$PD_SRCDIR/tests/fuzz/make-seeds.py" "$T/seeds" "$PD_SRCDIR"
export PD_FUZZ_BASE_POLICY="$PD_SRCDIR/policies/$(ls "$PD_SRCDIR/policies" | grep '\.json$' | head -n 1)"
runs=0
# target corpus...: which parser each corpus reaches through which target
while read -r target corpora; do
    files=""
    for c in $corpora; do
        files="$files $(find "$T/seeds/$c" "$PD_SRCDIR/tests/fuzz/regressions/$c" -type f 2>/dev/null | sort | tr '\n' ' ')"
    done
    # shellcheck disable=SC2086
    "./tests/fuzz/$target" "${PD_FUZZ_ROUNDS:-400}" $files >"$T/out" || { echo "FAIL: $target over $corpora"; exit 1; }
    runs=$((runs + 1))
done <<'LIST'
fuzz-scan archive office mail fields legacy
fuzz-archive archive
fuzz-office office
fuzz-workbook workbook
fuzz-word-table word-table
fuzz-mail mail
fuzz-fields fields
fuzz-policy policy
fuzz-legacy legacy
fuzz-state state
fuzz-redact-policy redact-policy
fuzz-redact-office workbook office
fuzz-redact-table fields legacy
fuzz-merge report
LIST
echo "$runs passed, 0 failed"
