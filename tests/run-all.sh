#!/bin/sh
# The whole test suite: configure and build out of tree, run `make check` plain, then again
# with AddressSanitizer and UndefinedBehaviorSanitizer, the multithreaded suites under
# ThreadSanitizer, the packaging checks, and the fuzz targets where clang is installed. Warnings
# are errors.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x configure ] && [ configure -nt configure.ac ] && [ Makefile.in -nt Makefile.am ] || autoreconf -fi
jobs=$(nproc 2>/dev/null || echo 2)
status=0
run_variant() { # NAME CONFIGURE-FLAGS... (ONLY_TESTS: a subset of the suites)
    name=$1; shift
    dir="$top/build-$name"
    mkdir -p "$dir"
    echo "=== $name build: $* ${ONLY_TESTS:+(tests: $ONLY_TESTS)}"
    (cd "$dir" && "$top/configure" -q --enable-werror "$@" && make -s -j"$jobs" &&
        if [ -n "${ONLY_TESTS:-}" ]; then make -s -j"$jobs" check TESTS="$ONLY_TESTS"; else make -s -j"$jobs" check; fi) || {
        status=1
        for log in "$dir"/tests/*/*.log; do
            grep -q "^FAIL\|^ERROR" "$log" 2>/dev/null && { echo "--- $log"; tail -n 30 "$log"; }
        done
    }
}
run_variant plain
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_variant sanitize --enable-asan --enable-ubsan
# ThreadSanitizer over the tests whose scans use every thread: the queue, slices, archives,
# documents, mail, interruption, report files and the databases (suppressions, for races inside
# uninstrumented libraries only: tests/tsan.supp)
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$top/tests/tsan.supp" \
    ONLY_TESTS="tests/unit/test-queue tests/unit/test-split tests/unit/test-worker tests/cli/containers.sh \
    tests/cli/documents.sh tests/cli/mail.sh tests/cli/slices.sh tests/cli/interrupt.sh tests/cli/report-files.sh \
    tests/cli/sqlite.sh tests/cli/postgres.sh tests/cli/mariadb.sh tests/cli/state.sh" run_variant tsan --enable-tsan
echo "=== packaging: distcheck, in-tree build, make install DESTDIR"
tests/packaging.sh "$top/build-plain" || status=1
# the fuzz targets under libFuzzer, 60 s per parser corpus, where clang is installed
if command -v clang >/dev/null 2>&1; then
    echo "=== fuzz smoke (clang, libFuzzer)"
    mkdir -p "$top/build-fuzz"
    (cd "$top/build-fuzz" && CC=clang "$top/configure" -q --enable-fuzzing && make -s -j"$jobs" fuzz-smoke) || status=1
fi
[ "$status" = 0 ] && echo "all test suites passed" || echo "some tests failed"
exit "$status"
