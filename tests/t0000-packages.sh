#!/bin/bash
# t0000-packages.sh — lighttpd on this machine is the one the project sets up:
# 1. every module lighttpd.conf or conf/*.conf loads (server.modules = and +=)
#    is either built into lighttpd or a mod_X.so from a Debian package that
#    tools/deps.sh installs (`deps.sh --list run`), so a machine where someone
#    once installed a module by hand cannot hide a missing package;
# 2. `lighttpd -tt` accepts the configuration with the tests' environment,
#    plain and with TLS on (conf/tls.conf), and says nothing.
# Failures are TAP diagnostics on stderr, so `make test` shows them.
# T_LIGHTTPD_MODDIR=/some/empty/dir pretends no module .so is installed
# (what a pristine machine without the packages looks like).
. "$(dirname "$0")/lib.sh"

complain() { sed 's/^/# /' >&2; } # complain <<< TEXT — diagnostics prove shows

# ---- 1. modules and packages ----
mapfile -t modules < <(cd "$T_ROOT" && perl -0777 -ne '
    s/#[^\n]*//g;
    while (/server\.modules\s*\+?=\s*\((.*?)\)/sg) { print "$_\n" for $1 =~ /"(mod_\w+)"/g }
' lighttpd.conf conf/*.conf | sort -u)
ok "$([ ${#modules[@]} -gt 0 ]; echo $?)" "lighttpd.conf and conf/*.conf load modules: ${modules[*]}"
like " ${modules[*]} " ' mod_openssl ' "conf/tls.conf's server.modules += is read too"

mapfile -t pkgs < <(sh "$T_ROOT/tools/deps.sh" --list run)
ok "$([ ${#pkgs[@]} -gt 0 ]; echo $?)" "tools/deps.sh --list run prints its packages"
listed() { printf '%s\n' "${pkgs[@]}" | grep -qxF "$1"; }
# owners PATH — the Debian packages that ship PATH, one a line (none: empty).
owners() {
    dpkg -S "$1" 2>/dev/null | sed -n 's/: \/.*//p' | tr ',' '\n' | sed 's/^ *//; s/:.*//' | sort -u
}

lighttpd_bin=$(readlink -f "$(command -v lighttpd)")
owner=$(owners "$lighttpd_bin" | head -1)
if [ -n "$owner" ] && listed "$owner"; then
    ok 0 "$lighttpd_bin comes from $owner, which deps.sh installs"
else
    ok 1 "$lighttpd_bin comes from a package deps.sh installs"
    complain <<< "$lighttpd_bin belongs to '${owner:-no Debian package}', not in: sh tools/deps.sh --list run"
fi

moddir=${T_LIGHTTPD_MODDIR:-$(lighttpd -h 2>&1 | sed -n 's/.*module directory (default: \(.*\)).*/\1/p')}
moddir=${moddir:-/usr/lib/lighttpd}
mkdir -p "$T_DIR/no-modules"
for m in "${modules[@]}"; do
    where=$(cd "$T_ROOT" && grep -l "\"$m\"" lighttpd.conf conf/*.conf | tr '\n' ' ' | sed 's/ $//')
    so=$moddir/$m.so
    if [ -e "$so" ]; then
        found=$(owners "$so")
        good=""
        for p in $found; do listed "$p" && good=$p; done
        if [ -n "$good" ]; then
            ok 0 "$m: $so from $good, which deps.sh installs"
        else
            ok 1 "$m: $so comes from a package deps.sh installs"
            if [ -n "$found" ]; then
                complain <<< "$m (loaded by $where) is $so from the Debian package $(echo $found),
which tools/deps.sh does not install: a fresh machine will not have it.
Add $(echo $found) to run_pkgs in tools/deps.sh."
            else
                complain <<< "$m (loaded by $where) is $so, which no Debian package installed
(copied by hand?): a fresh machine will not have it. Add the package that ships it to run_pkgs in tools/deps.sh."
            fi
        fi
        continue
    fi
    # No .so: it must be built into lighttpd. Proof: lighttpd loads it from a
    # configuration naming only it, with an empty module directory, silently.
    printf 'server.document-root = "%s"\nserver.compat-module-load = "disable"\nserver.modules = ("%s")\n' \
        "$T_DIR" "$m" > "$T_DIR/$m.conf"
    out=$(lighttpd -tt -m "$T_DIR/no-modules" -f "$T_DIR/$m.conf" 2>&1 < /dev/null)
    rc=$?
    if [ $rc = 0 ] && [ -z "$out" ]; then
        ok 0 "$m: built into lighttpd"
    else
        ok 1 "$m: built into lighttpd or installed by deps.sh"
        pkg=lighttpd-mod-$(printf '%s' "${m#mod_}" | tr _ -)
        if listed "$pkg"; then
            hint="tools/deps.sh lists $pkg but it is not installed here: run sh tools/deps.sh run."
        elif apt-cache show --no-all-versions "$pkg" > /dev/null 2>&1; then
            hint="Add $pkg (the Debian package that ships $m.so) to run_pkgs in tools/deps.sh."
        else
            hint="Add the Debian package that ships $m.so (apt-file search $m.so) to run_pkgs in tools/deps.sh."
        fi
        complain <<< "$m (loaded by $where) is not built into lighttpd and $so does not exist.
$hint
lighttpd -tt on a configuration loading only $m said:
$out"
    fi
done

# ---- 2. lighttpd's own check of the configuration the tests run ----
SRV_THREADS=${T_THREADS:-2}
SRV_PORT=$(free_port)
srv_check_config REGISTRATION=open
ok $? "lighttpd -tt -f lighttpd.conf accepts it, silently (tests' environment)"
[ -n "$SRV_CONFIG_ERROR" ] && complain <<< "$SRV_CONFIG_ERROR"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -keyout "$T_DIR/key.pem" -out "$T_DIR/cert.pem" -subj /CN=127.0.0.1 2>/dev/null
srv_check_config TLS_CERT="$T_DIR/cert.pem" TLS_KEY="$T_DIR/key.pem" TLS_PORT="$(free_port)"
ok $? "…and with TLS on (conf/tls.conf)"
[ -n "$SRV_CONFIG_ERROR" ] && complain <<< "$SRV_CONFIG_ERROR"
done_testing
