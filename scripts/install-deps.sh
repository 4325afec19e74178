#!/bin/sh
# Installs the Debian 12 packages pdpscan needs to build, test and benchmark. Idempotent.
set -eu
packages="build-essential autoconf automake libtool pkg-config
  libpcre2-dev libmagic-dev libmagic-mgc libarchive-dev libjson-c-dev libutf8proc-dev nettle-dev libexpat1-dev libgmime-3.0-dev
  libseccomp-dev libsqlite3-dev libpq-dev postgresql sqlite3 libmariadb-dev mariadb-server mariadb-client
  poppler-utils catdoc
  python3 python3-jsonschema python3-yaml util-linux time gzip bzip2 xz-utils zstd lz4 zip p7zip-full libarchive-tools
  ripgrep bc chromium"
# Hyperscan is x86-64 only; its drop-in fork Vectorscan builds everywhere else
case "$(dpkg --print-architecture)" in
    amd64) packages="$packages libhyperscan-dev" ;;
    *) packages="$packages libvectorscan-dev" ;;
esac
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -n "$missing" ] || exit 0
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
