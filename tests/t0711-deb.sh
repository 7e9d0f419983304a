#!/bin/bash
# t0711-deb.sh — the Debian package tools/deb.sh makes (`make deb`; here of
# the sanitizer build make test made): unpacked into a scratch root, its
# files are the installed layout for /usr, /etc and /lib/systemd/system,
# its md5sums hold, its control file declares the packages it needs, its
# configuration files are conffiles, and its maintainer scripts create the
# carelog user, keep the data on remove and delete it on purge only.
# lintian checks it when installed.
. "$(dirname "$0")/lib.sh"

DEB=$(cd "$T_ROOT" && BUILD=asan sh tools/deb.sh "$T_DIR" 2> "$T_DIR/deb.err")
ok $? "tools/deb.sh builds $(basename "${DEB:-no package}")"
[ -s "$T_DIR/deb.err" ] && sed 's/^/# /' "$T_DIR/deb.err"
like "$(basename "$DEB")" "^carelog_[0-9.]+_$(dpkg --print-architecture)\.deb$" "named carelog_VERSION_ARCH.deb"

dpkg-deb -c "$DEB" | awk '{print $1, $2, $6}' > "$T_DIR/contents"
for f in ./usr/bin/carelogctl ./usr/lib/carelog/carelogctl ./usr/lib/carelog/carelog-push \
    ./usr/lib/carelog/meta ./usr/lib/carelog/auth ./usr/share/carelog/www/index.html \
    ./usr/share/carelog/conf/serve.sh ./usr/share/carelog/conf/layout.sh ./etc/carelog/lighttpd.conf \
    ./etc/carelog/carelog.env ./lib/systemd/system/carelog.service ./lib/systemd/system/carelog-push.timer \
    ./lib/systemd/system/carelog-backup.timer ./usr/share/doc/carelog/copyright \
    ./usr/share/doc/carelog/changelog.gz; do
    ok "$(grep -q " $f\$" "$T_DIR/contents"; echo $?)" "dpkg-deb -c lists $f"
done
is "$(awk '$2 != "root/root"' "$T_DIR/contents" | wc -l)" 0 "every file belongs to root"
is "$(grep -c ' ./var/' "$T_DIR/contents")" 0 "no data directory inside (the service's StateDirectory and postinst make it)"
like "$(grep ' ./usr/lib/carelog/meta$' "$T_DIR/contents")" '^-rwxr-xr-x' "programs are executable"

dpkg-deb -f "$DEB" Depends > "$T_DIR/depends"
for p in lighttpd lighttpd-mod-deflate lighttpd-mod-openssl libfcgi0ldbl libsqlite3-0 libcjson1 libsodium23 libcurl4 adduser; do
    like "$(cat "$T_DIR/depends")" "(^|, )$p(,|$)" "Depends: $p"
done
mkdir "$T_DIR/ctl"
dpkg-deb -e "$DEB" "$T_DIR/ctl"
is "$(cat "$T_DIR/ctl/conffiles")" "/etc/carelog/carelog.env
/etc/carelog/lighttpd.conf" "the files in /etc are conffiles"
for s in postinst prerm postrm; do
    sh -n "$T_DIR/ctl/$s"
    ok $? "$s is valid sh"
done
like "$(cat "$T_DIR/ctl/postinst")" 'adduser --system --group' "postinst creates the carelog system user"
like "$(cat "$T_DIR/ctl/postinst")" 'install -d -o carelog -g carelog -m 0700 /var/lib/carelog' "…and its private data directory"
# postrm deletes the data only on purge: its rm sits under `= purge`.
like "$(sed -n '/"$1" = purge/,/^fi/p' "$T_DIR/ctl/postrm")" 'rm -rf /var/lib/carelog' "postrm deletes the data on purge"
is "$(sed '/"$1" = purge/,/^fi/d' "$T_DIR/ctl/postrm" | grep -c 'rm -')" 0 "…and only then (remove keeps it)"

# Into a scratch root: the files, intact.
dpkg-deb -x "$DEB" "$T_DIR/root"
ok $? "dpkg-deb -x unpacks it into a scratch root"
(cd "$T_DIR/root" && md5sum -c --quiet "$T_DIR/ctl/md5sums")
ok $? "…where every file matches md5sums"
like "$(cat "$T_DIR/root/usr/share/carelog/conf/layout.sh")" 'CARELOG_BIN:=/usr/lib/carelog' "layout.sh names /usr/lib/carelog"
like "$(grep include_shell "$T_DIR/root/etc/carelog/lighttpd.conf" | head -1)" '"sh /usr/share/carelog/conf/env.sh"' \
    "lighttpd.conf reads /usr/share/carelog/conf"
like "$(cat "$T_DIR/root/usr/bin/carelogctl")" 'etc/carelog/carelog.env' "carelogctl reads /etc/carelog/carelog.env"

if command -v lintian > /dev/null; then
    lintian --tag-display-limit 0 "$DEB" > "$T_DIR/lintian" 2>&1
    errors=$(grep -c '^E:' "$T_DIR/lintian")
    is "$errors" 0 "lintian finds no errors"
    sed 's/^/#   /' "$T_DIR/lintian" | head -30
else
    echo "ok $((T_NUM + 1)) # SKIP lintian is not installed (apt-get install lintian)"
    T_NUM=$((T_NUM + 1))
fi
done_testing
