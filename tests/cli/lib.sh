# Helpers for the CLI tests: a temporary tree, running pdpscan, and assertions on its report.
# Each test script sources this file; automake runs them with PDPSCAN, PD_SRCDIR and PYTHON3 set.
set -eu
: "${PDPSCAN:?run through make check}" "${PD_SRCDIR:?run through make check}"
PY=${PYTHON3:-/usr/bin/python3}
SCHEMA="$PD_SRCDIR/docs/report.schema.json"
T=$(mktemp -d "${TMPDIR:-/tmp}/pdpscan-test.XXXXXX")
chmod 755 "$T"
# compiled detectors are cached per test script, never in the user's ~/.cache
export PDPSCAN_CACHE_DIR="$T/cache"
cleanup() { [ -n "${KEEP:-}" ] && return; chmod -R u+rwx "$T" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
passed=0

fail() { echo "FAIL ($(basename "$0")): $*" >&2; exit 1; }
ok() { passed=$((passed + 1)); }
done_testing() { echo "$passed passed, 0 failed"; exit 0; }

# scan REPORT [args...]: runs a JSON scan, stores the exit code in $rc, validates the report.
scan() {
    report=$1; shift
    rc=0
    "$PDPSCAN" scan -q -f json -o "$report" "$@" >"$T/stdout" 2>"$T/stderr" || rc=$?
    [ "$rc" -le 4 ] || fail "pdpscan exited $rc: $(cat "$T/stderr")"
    [ "$rc" -eq 2 ] || validate "$report"
}

validate() {
    "$PY" "$PD_SRCDIR/tests/validate-report.py" "$SCHEMA" "$1" || fail "report $1 does not validate"
    ok
}

# rq REPORT EXPR: evaluates a Python expression over the report `r` and prints it.
rq() {
    "$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# count REPORT DETECTOR PATH-SUFFIX: findings of that detector in units ending with the suffix.
count() {
    rq "$1" "sum(1 for f in r['findings'] if f['detector']=='$2' and f['location']['path'].endswith('$3'))"
}

expect_count() { # REPORT DETECTOR PATH-SUFFIX N
    got=$(count "$1" "$2" "$3")
    [ "$got" = "$4" ] || fail "$2 in *$3: $got findings, expected $4"
    ok
}

expect_status() { # REPORT PATH-SUFFIX STATUS [REASON-SUBSTRING]
    "$PY" -c 'import json,sys
r = json.load(open(sys.argv[1]))
units = [u for u in r["units"] if u["path"].endswith(sys.argv[2])]
sys.exit(0 if any(u["status"] == sys.argv[3] and sys.argv[4] in (u["reason"] or "") for u in units) else 1)' \
        "$1" "$2" "$3" "${4:-}" ||
        fail "unit *$2: $(rq "$1" "[(u['status'], u['reason']) for u in r['units'] if u['path'].endswith('$2')]"), expected $3 ${4:-}"
    ok
}

expect_rc() { [ "$rc" = "$1" ] || fail "exit code $rc, expected $1 (stderr: $(cat "$T/stderr"))"; ok; }

# never_in FILE VALUE...: none of the values appears in clear in the file.
never_in() {
    f=$1; shift
    for v in "$@"; do
        if grep -qF -- "$v" "$f"; then fail "value $v appears in clear in $(basename "$f")"; fi
    done
    ok
}

# wait_open PID NAME: waits (up to 60 s) until process PID has a file named NAME open, i.e. the
# scan is really reading it; timing-free synchronisation for the fault and signal tests.
wait_open() {
    i=0
    while [ $i -lt 600 ]; do
        ls -l "/proc/$1/fd" 2>/dev/null | grep -q -- "$2" && return 0
        kill -0 "$1" 2>/dev/null || fail "pdpscan exited before opening $2"
        sleep 0.1
        i=$((i + 1))
    done
    fail "pdpscan never opened $2"
}

# stop_when_open PID NAME: stops process PID (SIGSTOP) as soon as it has a file named NAME open,
# polling without sleeping, so that a test can change the file at a known point of the scan; the
# caller sends SIGCONT.
stop_when_open() {
    i=0
    until ls -l "/proc/$1/fd" 2>/dev/null | grep -q -- "$2"; do
        i=$((i + 1))
        [ $i -lt 20000 ] && kill -0 "$1" 2>/dev/null || fail "pdpscan never opened $2"
    done
    kill -STOP "$1"
}
