#!/bin/bash
# t0710-install.sh — `make install` (here install-files: the test installs the
# sanitizer build make test made) in the GNU layout:
# - PREFIX puts programs, app, lighttpd.conf, carelog.env and the systemd
#   units under it; an installed server (no cgi-bin sources: routes from
#   conf/layout.sh) answers the app, /health and every program's routes;
# - the installed carelogctl reads the service's carelog.env;
# - DESTDIR stages the same tree with the final paths inside the files;
# - `systemd-analyze verify` accepts the units (no warning either), and
#   `systemd-analyze security --offline` rates the server's sandbox.
. "$(dirname "$0")/lib.sh"

INST=$T_DIR/inst
make -s -C "$T_ROOT" install-files BUILD=asan PREFIX="$INST" CARELOG_DATA="$T_DIR/inst-data" \
    > "$T_DIR/install.log" 2>&1
ok $? "make install-files PREFIX=… installs"
[ -s "$T_DIR/install.log" ] && sed 's/^/# /' "$T_DIR/install.log" | tail -5
for f in bin/carelogctl lib/carelog/carelogctl lib/carelog/carelog-push lib/carelog/meta \
    lib/carelog/stream share/carelog/www/index.html share/carelog/www/sw.js \
    share/carelog/www/vendor/idb.js share/carelog/conf/serve.sh share/carelog/conf/layout.sh \
    etc/carelog/lighttpd.conf etc/carelog/carelog.env lib/systemd/system/carelog.service \
    lib/systemd/system/carelog-push.timer lib/systemd/system/carelog-backup.timer \
    share/doc/carelog/README.md; do
    ok "$([ -e "$INST/$f" ]; echo $?)" "installs $f"
done
ok "$([ ! -e "$INST/share/carelog/cgi-bin" ]; echo $?)" "no sources are installed"
like "$(cat "$INST/share/carelog/conf/layout.sh")" "CARELOG_PROGRAMS=\"[a-z_ ]*meta[a-z_ ]*\"" \
    "layout.sh lists the programs installed"
like "$(grep include_shell "$INST/etc/carelog/lighttpd.conf" | head -1)" "sh $INST/share/carelog/conf/env.sh" \
    "the installed lighttpd.conf reads the installed helpers"
like "$(cat "$INST/lib/systemd/system/carelog.service")" "ReadWritePaths=$T_DIR/inst-data" \
    "the service may write to CARELOG_DATA only"

# The installed server: its own lighttpd.conf, programs and app.
SRV_CONF=$INST/etc/carelog/lighttpd.conf SRV_BIN=$INST/lib/carelog start_server REGISTRATION=open
req GET /health
is "$STATUS" 200 "the installed server answers /health"
req GET /index.html
is "$STATUS" 200 "…serves the installed app"
req GET /api/v1/auth/me
is "$STATUS $(jbody .error.code)" "401 unauthenticated" "…routes to the installed programs (auth)"
req GET /api/v1/nothing
is "$STATUS" 404 "…and the rest of /api to meta"
stop_server
unset SRV_CONF

# The installed carelogctl takes DATA_DIR from carelog.env.
out=$(env -u DATA_DIR "$INST/bin/carelogctl" setup 2>&1)
ok $? "the installed carelogctl runs setup"
ok "$([ -f "$T_DIR/inst-data/carelog.db" ]; echo $?)" "…in carelog.env's DATA_DIR"

# DESTDIR: staged, final paths inside.
STAGE=$T_DIR/stage
make -s -C "$T_ROOT" install-files BUILD=asan DESTDIR="$STAGE" PREFIX=/usr SYSCONFDIR=/etc > /dev/null 2>&1
ok $? "make install-files DESTDIR=… PREFIX=/usr SYSCONFDIR=/etc"
ok "$([ -x "$STAGE/usr/lib/carelog/meta" ] && [ -f "$STAGE/etc/carelog/lighttpd.conf" ]; echo $?)" "…stages under DESTDIR"
like "$(grep ExecStartPre "$STAGE/usr/lib/systemd/system/carelog.service")" '=/usr/lib/carelog/carelogctl setup$' \
    "…with the final paths in the units"
ok "$(grep -rlq "$STAGE" "$STAGE" && echo 1 || echo 0)" "…and DESTDIR in no file"

# systemd's own check of the units.
units=(carelog.service carelog-push.service carelog-push.timer carelog-backup.service carelog-backup.timer)
if ! command -v systemd-analyze > /dev/null; then
    ok 1 "systemd-analyze is installed (tools/deps.sh test: systemd)"
else
    out=$(cd "$INST/lib/systemd/system" && systemd-analyze verify "${units[@]}" 2>&1)
    rc=$?
    ok "$([ $rc = 0 ] && [ -z "$out" ]; echo $?)" "systemd-analyze verify accepts the units, silently"
    [ -n "$out" ] && echo "$out" | sed 's/^/#   /'
    unit=$INST/lib/systemd/system/carelog.service
    for key in 'User=carelog' 'ProtectSystem=strict' 'NoNewPrivileges=yes' 'PrivateTmp=yes' 'Restart=on-failure'; do
        like "$(cat "$unit")" "^$key|
$key" "carelog.service: $key"
    done
    like "$(cat "$INST/lib/systemd/system/carelog-push.timer")" 'OnCalendar=\*-\*-\* \*:\*:00' "the push timer fires every minute"
    like "$(cat "$INST/lib/systemd/system/carelog-backup.service")" 'carelogctl backup --keep' "the nightly backup rotates"
    exposure=$(systemd-analyze security --offline=yes "$unit" 2>&1 | sed -n 's/.*Overall exposure level for carelog.service: \([0-9.]*\).*/\1/p')
    ok "$(awk -v e="$exposure" 'BEGIN { exit !(e != "" && e + 0 <= 4.0) }'; echo $?)" \
        "systemd-analyze security rates the server's sandbox ${exposure:-?} (OK is 4.0 or less)"
fi
done_testing
