#!/bin/sh
# The whole test suite: configure and build out of tree, run `make check` plain, then again
# with AddressSanitizer and UndefinedBehaviorSanitizer. Warnings are errors.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x configure ] && [ configure -nt configure.ac ] && [ Makefile.in -nt Makefile.am ] || autoreconf -fi
jobs=$(nproc 2>/dev/null || echo 2)
status=0
run_variant() { # NAME CONFIGURE-FLAGS...
    name=$1; shift
    dir="$top/build-$name"
    mkdir -p "$dir"
    echo "=== $name build: $*"
    (cd "$dir" && "$top/configure" -q --enable-werror "$@" && make -s -j"$jobs" && make -s -j"$jobs" check) || {
        status=1
        for log in "$dir"/tests/*/*.log; do
            grep -q "^FAIL\|^ERROR" "$log" 2>/dev/null && { echo "--- $log"; tail -n 30 "$log"; }
        done
    }
}
run_variant plain
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_variant sanitize --enable-asan --enable-ubsan
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
