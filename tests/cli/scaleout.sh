#!/bin/sh
# The scale-out recipes of docs/scale-out.md: contrib/scale-out/pdpscan-shards run as written
# (xargs -P, then pdpscan merge) gives the single run's report; the Kubernetes Jobs, the Slurm
# array and the Containerfile hold what the recipe needs (a schema check: no cluster here).
. "$PD_SRCDIR/tests/cli/lib.sh"
export PDPSCAN_KEY_FILE="$T/key"
cp "$PD_SRCDIR/tests/data/test.key" "$T/key"
chmod 600 "$T/key"
mkdir -p "$T/share" "$T/bin"
cp -r "$PD_SRCDIR/examples/share/." "$T/share/"
"$PY" - "$T/share" <<'PYEOF'
import os, sys
for i in range(30):
    d = os.path.join(sys.argv[1], "phong-%d" % (i % 3))
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "ho-so-%02d.txt" % i), "w").write("Số CCCD: 0010873%05d\nSĐT: 09124%05d\n" % (i, i))
PYEOF
ln -s "$PDPSCAN" "$T/bin/pdpscan" # the recipe calls pdpscan by name

# the single run, as the recipe's shards identify the share (--root-id share)
rc=0
"$PDPSCAN" scan -q -f json -o "$T/single.json" --root-id share "$T/share" 2>"$T/stderr" || rc=$?
expect_rc 1
for n in 3 5; do
    rc=0
    PATH="$T/bin:$PATH" SHARE="$T/share" OUT="$T/out$n" N=$n sh "$PD_SRCDIR/contrib/scale-out/pdpscan-shards" \
        >"$T/stdout" 2>"$T/stderr" || rc=$?
    expect_rc 1
    [ "$(ls "$T/out$n" | grep -c '^shard-.*\.json$')" = "$n" ] || fail "$n shards: $(ls "$T/out$n")"
    validate "$T/out$n/all.json"
    "$PY" - "$T/single.json" "$T/out$n/all.json" <<'PYEOF' || fail "the recipe's merged report ($n shards) is not the single run's"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
rows = lambda r, k: sorted(json.dumps(x, sort_keys=True) for x in r[k])
for k in ("units", "findings", "violations"):
    assert rows(a, k) == rows(b, k), k
assert a["counters"] == b["counters"] and a["totals"] == b["totals"]
PYEOF
    [ "$(stat -c %a "$T/out$n/all.json")" = 600 ] || fail "the merged report is not 0600"
    ok
done

# the Kubernetes Jobs: an Indexed Job whose completions, parallelism and shard count agree, the
# share read-only, no root, the key from a secret; a merge Job over the same volume
"$PY" - "$PD_SRCDIR/contrib/k8s/pdpscan-shards.yaml" <<'PYEOF' || fail "contrib/k8s/pdpscan-shards.yaml"
import re, subprocess, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
assert [d["kind"] for d in docs] == ["Job", "Job"] and all(d["apiVersion"] == "batch/v1" for d in docs), docs
shards, merge = docs
spec = shards["spec"]
assert spec["completionMode"] == "Indexed" and spec["completions"] == spec["parallelism"], spec
pod = spec["template"]["spec"]
assert pod["restartPolicy"] == "Never" and pod["securityContext"]["runAsNonRoot"] is True
assert pod["securityContext"]["runAsUser"] != 0
c = pod["containers"][0]
script = " ".join(c["args"])
m = re.search(r'--shard "\$JOB_COMPLETION_INDEX/(\d+)"', script)
assert m and int(m.group(1)) == spec["completions"], script
assert "--root-id share" in script and "/reports/shard-$JOB_COMPLETION_INDEX.json" in script, script
subprocess.run(["sh", "-n", "-c", script], check=True)
mounts = {v["name"]: v for v in c["volumeMounts"]}
assert mounts["share"]["readOnly"] is True and mounts["key"]["readOnly"] is True, mounts
vols = {v["name"]: v for v in pod["volumes"]}
assert "secret" in vols["key"] and vols["share"]["persistentVolumeClaim"]["readOnly"] is True, vols
assert {e["name"]: e["value"] for e in c["env"]}["PDPSCAN_KEY_FILE"].startswith("/key/")
mc = merge["spec"]["template"]["spec"]["containers"][0]
mscript = " ".join(mc["args"])
assert "pdpscan merge" in mscript and "/reports/shard-*.json" in mscript, mscript
subprocess.run(["sh", "-n", "-c", mscript], check=True)
assert merge["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == \
    vols["reports"]["persistentVolumeClaim"]["claimName"]
PYEOF
ok

# the Slurm array: valid shell, an array 0..N-1 for its N, the task id as the shard
s="$PD_SRCDIR/contrib/slurm/pdpscan-shards.sbatch"
bash -n "$s" || fail "the Slurm script does not parse"
n=$(sed -n 's/^N=\([0-9]*\)$/\1/p' "$s")
grep -q "^#SBATCH --array=0-$((n - 1))$" "$s" && grep -q -- '--shard "$SLURM_ARRAY_TASK_ID/$N"' "$s" ||
    fail "the Slurm array does not match its N ($n)"
ok

# the container: Debian 12, built with the project's own install script, a user that is not root
f="$PD_SRCDIR/contrib/container/Containerfile"
grep -q '^FROM debian:12$' "$f" && grep -q 'scripts/install-deps.sh' "$f" && grep -q '^USER 10001$' "$f" &&
    grep -q '^ENTRYPOINT \["pdpscan"\]$' "$f" || fail "the Containerfile"
ok
done_testing
