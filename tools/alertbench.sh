#!/bin/bash
# alertbench.sh — emergency alert latency on loopback (issue 13): starts the
# server (release programs in build/bin) and the fake push service, then
# tools/bench/alert.mjs measures from an alert's POST to the push requests
# reaching the push service and to the event on the other members' open
# streams. Figures only, never pass/fail.
#   make && bash tools/alertbench.sh [MEMBERS] [ROUNDS]
set -eu
cd "$(dirname "$0")/.."
SRV_ROOT=$PWD
SRV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/alertbench.XXXXXX")
SRV_BIN=${CARELOG_BIN:-$PWD/build/bin}
. tools/server.sh
coproc SVC { exec node tests/pushsvc.mjs --max-seconds 600; }
read -r -t 10 port <&"${SVC[0]}"
trap 'srv_stop; exec {SVC[1]}>&-; rm -rf "$SRV_DIR"' EXIT
srv_start REGISTRATION=open REGISTER_RATE_MAX=1000 PUSH_ALLOW_LOOPBACK=1 VAPID_SUBJECT=mailto:ops@example.org ||
    { echo "server did not start: ${SRV_CONFIG_ERROR:-}" >&2; exit 1; }
node tools/bench/alert.mjs "$SRV_BASE" "http://127.0.0.1:$port" "${1:-5}" "${2:-20}"
