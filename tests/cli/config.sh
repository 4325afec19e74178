#!/bin/sh
# Configuration files: the system's, then the user's, then --config FILE, then the command line,
# each overriding the one before; repeatable options add up; pdpscan config says what is in
# effect and where each value came from; a bad or unsafe file is an error with its line.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/share" "$T/xdg/pdpscan"
printf 'Số CCCD: 001087123456\n' >"$T/share/id.txt"
printf 'Số CCCD: 079193001234\n' >"$T/share/scratch.tmp"
printf 'Số CCCD: 031087123488\n' >"$T/share/old.bak"
cat >"$T/system.conf" <<'CONF'
# the organisation's defaults
format = jsonl
exclude = *.tmp
min-confidence = high
CONF
printf 'format = csv\nfail-on = high\nexclude = *.bak\n' >"$T/xdg/pdpscan/pdpscan.conf"
printf 'format = json\n\n  reveal  \n' >"$T/run.conf"
chmod 600 "$T/system.conf" "$T/xdg/pdpscan/pdpscan.conf" "$T/run.conf"
export PDPSCAN_SYSTEM_CONFIG="$T/system.conf" XDG_CONFIG_HOME="$T/xdg"
"$PDPSCAN" config --config "$T/run.conf" -j 3 >"$T/settings" 2>"$T/stderr" || fail "pdpscan config: $(cat "$T/stderr")"
setting() { grep "^$1 " "$T/settings" | sed 's/  *#/ #/; s/  */ /g'; }
[ "$(setting format)" = "format = json # $T/run.conf" ] || fail "format: $(setting format)"
[ "$(setting fail-on)" = "fail-on = high # $T/xdg/pdpscan/pdpscan.conf" ] || fail "fail-on: $(setting fail-on)"
[ "$(setting min-confidence)" = "min-confidence = high # $T/system.conf" ] || fail "min-confidence: $(setting min-confidence)"
[ "$(setting jobs)" = "jobs = 3 # command line" ] || fail "jobs: $(setting jobs)"
[ "$(setting reveal)" = "reveal = yes # $T/run.conf" ] || fail "reveal: $(setting reveal)"
[ "$(setting no-cache)" = "no-cache = no # default" ] || fail "no-cache: $(setting no-cache)"
ok
# a scan: the command line wins, the files fill in; both excludes apply
rc=0
"$PDPSCAN" scan -q --config "$T/run.conf" -f jsonl -o "$T/r.jsonl" "$T/share" 2>"$T/stderr" || rc=$?
expect_rc 0 # the user's fail-on = high: no violation that severe
"$PY" - "$T/r.jsonl" <<'PYEOF' || fail "the configured scan"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
units = sorted(l["path"].rsplit("/", 1)[1] for l in lines if l["type"] == "unit")
assert units == ["id.txt", "old.bak", "scratch.tmp"], units
status = {l["path"].rsplit("/", 1)[1]: l["status"] for l in lines if l["type"] == "unit"}
assert status["scratch.tmp"] == "skipped" and status["old.bak"] == "skipped", status
end = lines[-1]
assert end["scan"]["options"]["reveal"] is True and end["scan"]["options"]["min_confidence"] == 80, end["scan"]["options"]
PYEOF
ok
# without HOME and XDG_CONFIG_HOME (cron), the user's file is not read; the system's still is
env -u XDG_CONFIG_HOME -u HOME "$PDPSCAN" config >"$T/settings" 2>"$T/stderr" || fail "config without HOME"
[ "$(setting format)" = "format = jsonl # $T/system.conf" ] || fail "without HOME: $(setting format)"
ok
# mistakes: an unknown name, a bad value, a switch given a value, a missing --config file, a file
# others may write: exit 2, the file and line said
printf 'format = json\nformt = csv\n' >"$T/typo.conf"
printf 'jobs = many\n' >"$T/bad.conf"
printf 'reveal = no\n' >"$T/switch.conf"
printf 'format = json\n' >"$T/open.conf"
chmod 600 "$T/typo.conf" "$T/bad.conf" "$T/switch.conf"
chmod 666 "$T/open.conf"
for case in "typo.conf:2: unknown option 'formt'" "bad.conf:1: jobs takes" "switch.conf:1: reveal is a switch" \
    "none.conf: No such file" "open.conf is not a regular file owned by you or root and written by no one else"; do
    file=${case%%:*}
    file=${file%% *}
    rc=0
    "$PDPSCAN" scan -q --config "$T/$file" -o "$T/x.json" "$T/share" >/dev/null 2>"$T/stderr" || rc=$?
    expect_rc 2
    grep -qF "$case" "$T/stderr" || fail "$file: $(cat "$T/stderr")"
done
done_testing
