#!/bin/sh
# deps.sh — installs the Debian packages (and npm packages) a make target
# needs, only when missing. As root it runs apt-get; otherwise it prints the
# exact command and stops. With --list it only prints the packages a target
# needs, one a line (tests/t0000-packages.sh checks lighttpd's modules
# against this one list).
#   deps.sh [--list] run | test | fuzz | bench
set -eu
cd "$(dirname "$0")/.."
list=""
if [ "${1:-}" = --list ]; then
    list=1
    shift
fi

run_pkgs="gcc make libc6-dev lighttpd lighttpd-mod-deflate lighttpd-mod-openssl libfcgi-dev libsqlite3-dev libcjson-dev libsodium-dev
          libssl-dev libcurl4-openssl-dev libcbor-dev zlib1g-dev ca-certificates tzdata"
test_pkgs="curl jq perl procps iproute2 psmisc sqlite3 openssl chromium fonts-dejavu-core python3 python3-aiosmtpd
           clang-format lcov systemd prometheus python3-icalendar python3-recurring-ical-events"
fuzz_pkgs="clang libclang-rt-14-dev"
bench_pkgs="wrk procps curl jq sqlite3 time"

case "${1:-run}" in
run) want=$run_pkgs ;;
test) want="$run_pkgs $test_pkgs $fuzz_pkgs" ;;
fuzz) want="$run_pkgs $fuzz_pkgs" ;;
bench) want="$run_pkgs $bench_pkgs" ;;
*) echo "usage: deps.sh [--list] run|test|fuzz|bench" >&2; exit 2 ;;
esac
# Node.js only when there is none already: the PWA's npm packages are
# installed for run and test, and the bench drives browsers and streams
# with node (node >= 18).
case "${1:-run}" in
run | test | bench)
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        want="$want nodejs npm"
    fi
    ;;
esac
if [ -n "$list" ]; then
    printf '%s\n' $want
    exit 0
fi

missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "deps: installing$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "deps: missing Debian packages. Run:" >&2
        echo "  sudo apt-get install -y$missing" >&2
        exit 1
    fi
fi

# Front-end packages (the PWA's runtime packages, and for test the browser
# test tools), installed from the lock file.
if { [ "${1:-run}" = test ] || [ "${1:-run}" = run ]; } && [ -f package-lock.json ]; then
    if [ ! -f node_modules/.package-lock.json ] ||
       [ package-lock.json -nt node_modules/.package-lock.json ]; then
        echo "deps: npm ci"
        npm ci --no-audit --no-fund --loglevel=error
    fi
fi
exit 0
