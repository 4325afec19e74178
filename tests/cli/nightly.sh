#!/bin/sh
# A nightly run as docs/scheduled-runs.md sets it up (contrib/pdpscan-nightly, the script the
# systemd unit and the cron line run), night after night on the sample share: everything the
# first night, nothing new the second, exactly the planted finding after a planted change; the
# systemd units pass systemd-analyze where it is installed.
. "$PD_SRCDIR/tests/cli/lib.sh"
cp -r "$PD_SRCDIR/examples/share" "$T/share"
export PDPSCAN_STATE="$T/state"
bin=$(dirname "$PDPSCAN")
night() { # the exit code of one night
    sleep 1 # reports are named to the second
    rc=0
    PATH="$bin:$PATH" sh "$PD_SRCDIR/contrib/pdpscan-nightly" hr "$T/share" >"$T/out" 2>"$T/stderr" || rc=$?
    [ ! -s "$T/out" ] || fail "the nightly run printed: $(cat "$T/out")"
    latest=$(ls -t "$T/state/hr/"20*.json | head -n 1)
    validate "$latest"
}
night
expect_rc 1
[ "$(rq "$latest" "len(r['findings'])")" = "$(rq "$latest" "r['counters']['findings']")" ] && \
    [ "$(rq "$latest" "len(r['findings']) > 10")" = True ] || fail "the first night does not report everything"
[ "$(stat -c %a "$T/state/hr")" = 700 ] && [ "$(stat -c %a "$latest")" = 600 ] || fail "state is readable by others"
night
expect_rc 0
[ "$(rq "$T/state/hr/new-since-last.json" "(len(r['findings']['new']), len(r['violations']['new']), r['findings']['unchanged'] > 10)")" = "(0, 0, True)" ] ||
    fail "the second night finds something new: $(cat "$T/state/hr/new-since-last.json")"
[ "$(rq "$latest" "len(r['findings']) > 10")" = True ] || fail "a night's report is not whole"
[ "$(rq "$latest" "(r['counters']['carried'] == r['counters']['units'], r['counters']['bytes_scanned'])")" = "(True, 0)" ] ||
    fail "the second night read unchanged files again: $(rq "$latest" "r['counters']")"
[ "$(stat -c %a "$T/state/hr/files.state")" = 600 ] || fail "the state file is readable by others"
ok
printf 'Liên hệ: SĐT 0987654321\n' >"$T/share/planted.txt"
night
expect_rc 1
[ "$(rq "$T/state/hr/new-since-last.json" "[(f['detector'], f['location']['path'].rsplit('/', 1)[1]) for f in r['findings']['new']]")" = \
  "[('vn.phone', 'planted.txt')]" ] || fail "after a planted change: $(cat "$T/state/hr/new-since-last.json")"
[ "$(ls "$T/state/hr" | grep -c '^20.*\.json$')" = 3 ] || fail "reports: $(ls "$T/state/hr")"
[ "$(rq "$latest" "[u['path'].rsplit('/', 1)[1] for u in r['units'] if not u.get('carried')]")" = "['planted.txt']" ] ||
    fail "the third night read more than the planted file: $(rq "$latest" "r['counters']")"
ok
# the units, checked by systemd's own tool when it is installed (the script's path made real)
if command -v systemd-analyze >/dev/null 2>&1; then
    mkdir -p "$T/units"
    sed "s|/usr/local/libexec/pdpscan/pdpscan-nightly|$PD_SRCDIR/contrib/pdpscan-nightly|" \
        "$PD_SRCDIR/contrib/systemd/pdpscan-scan@.service" >"$T/units/pdpscan-scan@.service"
    cp "$PD_SRCDIR/contrib/systemd/pdpscan-scan@.timer" "$T/units/"
    ln -s "pdpscan-scan@.service" "$T/units/pdpscan-scan@hr.service"
    ln -s "pdpscan-scan@.timer" "$T/units/pdpscan-scan@hr.timer"
    systemd-analyze verify --man=no "$T/units/pdpscan-scan@hr.service" "$T/units/pdpscan-scan@hr.timer" \
        >"$T/verify" 2>&1 || fail "systemd-analyze: $(cat "$T/verify")"
    [ ! -s "$T/verify" ] || fail "systemd-analyze: $(cat "$T/verify")"
    ok
fi
done_testing
