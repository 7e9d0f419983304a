#!/bin/sh
# deb.sh — `make deb`: a Debian package of what is built, with dpkg-deb.
# Installs the build into a staging root (make install-files, PREFIX=/usr,
# SYSCONFDIR=/etc, units in /lib/systemd/system as bookworm has them), then
# writes DEBIAN/: control (Depends: the Debian packages owning every shared
# library the programs load, lighttpd and its modules, adduser), conffiles
# (/etc/carelog/*), md5sums and the maintainer scripts of tools/deb/ (the
# carelog user; data kept on remove, deleted on purge).
#   sh tools/deb.sh [OUT_DIR]     BUILD=asan packs the sanitizer build (tests)
set -eu
cd "$(dirname "$0")/.."
out_dir=${1:-build}
version=$(sed -n 's/^VERSION *:= *//p' Makefile)
arch=$(dpkg --print-architecture)
stage=$(mktemp -d "${TMPDIR:-/tmp}/carelog-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/root
make -s --no-print-directory install-files BUILD="${BUILD:-release}" DESTDIR="$root" PREFIX=/usr \
    SYSCONFDIR=/etc UNITDIR=/lib/systemd/system > /dev/null

maintainer=${DEB_MAINTAINER:-carelog packagers <packagers@carelog.example.org>}
# Debian's documentation layout: the copyright file, a changelog (a native
# package: changelog.gz), lintian's overrides.
doc=$root/usr/share/doc/carelog
install -m 0644 tools/deb/copyright "$doc/copyright"
printf 'carelog (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- %s  %s\n' \
    "$version" "$version" "$maintainer" \
    "$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")" |
    gzip -9n > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
install -D -m 0644 tools/deb/lintian-overrides "$root/usr/share/lintian/overrides/carelog"
# Debian ships programs stripped (the symbols stay in the build tree).
for f in "$root"/usr/lib/carelog/*; do
    [ "$(basename "$f")" = litestream ] || strip --strip-unneeded --remove-section=.comment \
        --remove-section=.note "$f"
done

# Depends: who ships each library the programs need (the first owner).
libs=$(for f in "$root"/usr/lib/carelog/*; do
    [ "$(basename "$f")" = litestream ] && continue # a static Go binary
    objdump -p "$f" 2>/dev/null | sed -n 's/^ *NEEDED *//p'
done | sort -u)
pkgs=""
for l in $libs; do
    path=$(ldconfig -p | sed -n "s/^\t$l (.*) => //p" | head -1)
    [ -n "$path" ] || { echo "deb.sh: no $l on this system" >&2; exit 1; }
    # dpkg knows the path it installed: the real file, or the link itself.
    p=$({ dpkg -S "$(readlink -f "$path")" || dpkg -S "$path"; } 2>/dev/null | head -1 | sed 's/:.*//')
    [ -n "$p" ] || { echo "deb.sh: no Debian package owns $path" >&2; exit 1; }
    pkgs="$pkgs $p"
done
depends=$(printf '%s\n' $pkgs lighttpd lighttpd-mod-deflate lighttpd-mod-openssl adduser ca-certificates tzdata |
    sort -u | paste -sd, - | sed 's/,/, /g')

mkdir -p "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: carelog
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Section: web
Priority: optional
Homepage: https://carelog.invalid/
Description: self-hosted care log for families
 A phone-first care log: caregivers log feeds, diapers, sleep, medicines
 and health events in two taps and share one live timeline. lighttpd serves
 the web app and hands the API to small FastCGI programs over one SQLite
 database, with verified backups, Litestream replication and Web Push
 reminders. The service runs as the carelog user; data lives in
 /var/lib/carelog.
CONTROL
printf '/etc/carelog/carelog.env\n/etc/carelog/lighttpd.conf\n' > "$root/DEBIAN/conffiles"
for s in postinst prerm postrm; do
    install -m 0755 "tools/deb/$s" "$root/DEBIAN/$s"
done
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
mkdir -p "$out_dir"
deb=$out_dir/carelog_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" > /dev/null
echo "$deb"
