#!/bin/sh
# The layout rule: parts include one way only, in this order, each seeing only the parts before
# it (scanner/formats and scanner/db are rooms of scanner/):
#   util <- text <- detectors <- scanner <- policies <- reports <- redact <- cli
# Also: an internal header (NAME-int.h) is included only inside its own folder, no folder holds
# more than 15 source files, and only scanner/formats/ and scanner/db/ name a particular format
# reader or database backend.
set -eu
top=${PD_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"
rank() {
    case $1 in
    util/*) echo 0 ;; text/*) echo 1 ;; detectors/*) echo 2 ;; scanner/*) echo 3 ;;
    policies/*) echo 4 ;; reports/*) echo 5 ;; redact/*) echo 6 ;; cli/*) echo 7 ;; *) echo x ;;
    esac
}
bad=0
files=$(find util text detectors scanner policies reports redact cli -name '*.[ch]' | sort)
for f in $files; do
    from=$(rank "$f")
    [ "$from" != x ] || { echo "check-layout: $f is in no known part"; bad=1; continue; }
    for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
        to=$(rank "$inc")
        if [ "$to" = x ]; then
            echo "check-layout: $f includes \"$inc\", which is in no part (include it by its folder)"
            bad=1
        elif [ "$to" -gt "$from" ]; then
            echo "check-layout: $f includes $inc: a lower part may not include a higher one"
            bad=1
        fi
    done
done
# an internal header (NAME-int.h) is included only inside its own folder and its rooms
for f in $files; do
    for inc in $(sed -n 's/^#include "\([^"]*-int\.h\)".*/\1/p' "$f"); do
        case $f in "$(dirname "$inc")"/*) ;; *)
            echo "check-layout: $f includes $inc, which is internal to $(dirname "$inc")/"
            bad=1 ;;
        esac
    done
done
# a format reader or a database backend is named only in its own room (and the room's list)
for f in $files; do
    case $f in scanner/formats/* | scanner/db/*) continue ;; esac
    if grep -nE 'pd_format_[a-z]+\b|pd_db_(sqlite|postgres|mariadb)\b|"scanner/(formats|db)/[a-z_]+\.h"' "$f" |
        grep -vE 'pd_format_for|"scanner/formats/formats\.h"|"scanner/db/db\.h"'; then
        echo "check-layout: $f names a particular format reader or database backend"
        bad=1
    fi
done
for d in $(find util text detectors scanner policies reports redact cli -type d); do
    n=$(find "$d" -maxdepth 1 -name '*.c' | wc -l)
    [ "$n" -le 15 ] || { echo "check-layout: $d holds $n source files (at most 15: give it rooms)"; bad=1; }
done
[ "$bad" = 0 ] || exit 1
echo "1 passed, 0 failed"
