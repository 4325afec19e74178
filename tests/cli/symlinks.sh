#!/bin/sh
# Symbolic links: not followed by default (and said so), followed on request, loops detected.
. "$PD_SRCDIR/tests/cli/lib.sh"
mkdir -p "$T/share/a/b" "$T/elsewhere"
printf 'Số CCCD: 001087123456\n' >"$T/share/a/b/id.txt"
printf 'SĐT: 0912345678\n' >"$T/elsewhere/phone.txt"
ln -s ../.. "$T/share/a/b/loop"          # a/b/loop -> share: a cycle
ln -s "$T/elsewhere" "$T/share/outside"  # a directory outside the tree
ln -s b/id.txt "$T/share/a/same.txt"     # the same file twice
ln -s /nonexistent "$T/share/broken"
scan "$T/plain.json" "$T/share"
expect_rc 1
expect_status "$T/plain.json" a/b/loop skipped "not followed"
expect_status "$T/plain.json" share/outside skipped "not followed"
expect_count "$T/plain.json" vn.phone phone.txt 0
expect_count "$T/plain.json" vn.cccd id.txt 1

timeout 60 "$PDPSCAN" scan -q -f json --follow-symlinks -o "$T/follow.json" "$T/share" 2>"$T/stderr" && rc=0 || rc=$?
expect_rc 1
validate "$T/follow.json"
expect_status "$T/follow.json" a/b/loop skipped "loop"
expect_count "$T/follow.json" vn.phone outside/phone.txt 1
expect_count "$T/follow.json" vn.cccd a/b/id.txt 1
expect_count "$T/follow.json" vn.cccd a/same.txt 1
expect_status "$T/follow.json" share/broken error "broken symbolic link"
done_testing
