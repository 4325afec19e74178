#!/bin/sh
# Packaging, as a user meets it: `make distcheck` (the tarball builds out of tree, read-only, and
# installs and uninstalls cleanly; a few CLI suites run there), then the tarball built in its own
# tree (`./configure && make`) and installed with DESTDIR: each scans the sample share with the
# shipped policies and reads a PDF through the sandbox helper, found from where the binary is.
# Usage: tests/packaging.sh BUILD-DIR (configured already).
set -eu
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
work=$(mktemp -d "${TMPDIR:-/tmp}/pdpscan-packaging.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$build"
make -s -j"$jobs" distcheck TESTS="tests/check-layout.sh tests/cli/basic.sh tests/cli/policies.sh tests/cli/documents.sh" >"$work/distcheck.log" 2>&1 ||
    { tail -n 40 "$work/distcheck.log"; echo "packaging: make distcheck failed"; exit 1; }
tarball=$(ls -t pdpscan-*.tar.gz | head -n 1)
tar -xzf "$tarball" -C "$work"
src=$(echo "$work"/pdpscan-*/)
cp "$top/tests/data/test.key" "$work/key" && chmod 600 "$work/key"
"${PYTHON3:-python3}" - "$work/share" "$top" <<'PYEOF'
import os, shutil, sys
sys.path.insert(0, os.path.join(sys.argv[2], "tests"))
from fixtures import pdf
shutil.copytree(os.path.join(sys.argv[2], "examples", "share"), sys.argv[1])
open(os.path.join(sys.argv[1], "scan.pdf"), "wb").write(pdf([["So CCCD: 001087123456"]]))
PYEOF
check_scan() { # NAME BINARY: exit 1, policies evaluated with violations, the PDF read
    rc=0
    env -u PDPSCAN_POLICY_DIR PDPSCAN_KEY_FILE="$work/key" "$2" scan -q -o "$work/$1.json" "$work/share" 2>"$work/$1.err" || rc=$?
    [ "$rc" = 1 ] || { cat "$work/$1.err"; echo "packaging: $1 build: exit $rc"; exit 1; }
    "${PYTHON3:-python3}" - "$work/$1.json" "$1" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["policies"]["evaluated"] and r["policies"]["files"] and r["violations"], f"{sys.argv[2]}: no policies"
pdf = [u for u in r["units"] if u["path"].endswith("scan.pdf")]
assert pdf and pdf[0]["status"] == "scanned" and pdf[0]["findings"] > 0, f"{sys.argv[2]}: PDF {pdf}"
PYEOF
    echo "packaging: $1 build: shipped policies loaded, PDF read in the sandbox"
}
(cd "$src" && ./configure -q >/dev/null && make -s -j"$jobs" >/dev/null) || { echo "packaging: in-tree build failed"; exit 1; }
check_scan in-tree "$src/pdpscan"
(cd "$src" && make -s install DESTDIR="$work/stage" >/dev/null) || { echo "packaging: make install failed"; exit 1; }
check_scan installed "$work/stage/usr/local/bin/pdpscan"
