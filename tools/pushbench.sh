#!/bin/bash
# pushbench.sh — Web Push sender figures on loopback: encrypt + sign + send
# COUNT messages (default 10000) with the release build of pushdrive to the
# fake push service, over HTTP/1.1 and over HTTPS with HTTP/2, with the
# service verifying and decrypting everything (--check full) or only
# answering (--check none, so the sender's own cost shows). Prints figures;
# never pass/fail.
#   make units && bash tools/pushbench.sh [COUNT]
set -eu
cd "$(dirname "$0")/.."
COUNT=${1:-10000}
DRIVE=build/tests/tools/pushdrive
[ -x "$DRIVE" ] || { echo "build it first: make units" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pushbench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$TMP/tls.key" -out "$TMP/tls.crt" 2>/dev/null

# run LABEL CHECK [--tls] — one service, 4 subscriptions, one timed send.
run() {
    label=$1 check=$2
    shift 2
    tls_args="" scheme=http curl_tls="" drive_tls=""
    if [ "${1:-}" = --tls ]; then
        tls_args="--tls $TMP/tls.crt $TMP/tls.key" scheme=https
        curl_tls="--cacert $TMP/tls.crt" drive_tls="--cafile $TMP/tls.crt"
        shift
    fi
    coproc SVC { exec node tests/pushsvc.mjs --max-seconds 600 --check "$check" $tls_args; }
    read -r -t 10 port <&"${SVC[0]}"
    : > "$TMP/subs"
    for id in a b c d; do
        curl -sf $curl_tls -X POST -d "{\"id\":\"$id\"}" "$scheme://127.0.0.1:$port/subscriptions" |
            jq -r --arg id "$id" '[$id, .endpoint, .keys.p256dh, .keys.auth] | join(" ")' \
                >> "$TMP/subs"
    done
    svc_cpu0=$(awk '{ print $14 + $15 }' "/proc/$SVC_PID/stat")
    echo "== $label ($COUNT messages, service check: $check)"
    # A short backoff: a message whose stream dies on a GOAWAY is retried at
    # once instead of after the production 30 s, which would swamp the figure.
    "$DRIVE" --subs "$TMP/subs" --count "$COUNT" --loopback $drive_tls --bench \
        --base-ms 50 --cap-ms 200 "$@" |
        sed 's/^/   /'
    svc_cpu1=$(awk '{ print $14 + $15 }' "/proc/$SVC_PID/stat")
    hz=$(getconf CLK_TCK)
    awk -v a="$svc_cpu0" -v b="$svc_cpu1" -v hz="$hz" -v n="$COUNT" \
        'BEGIN { printf "   service_cpu_us_per_msg=%.1f\n", (b - a) * 1e6 / hz / n }'
    curl -sf $curl_tls "$scheme://127.0.0.1:$port/log?summary=1" | sed 's/^/   service: /'
    echo
    exec {SVC[1]}>&-
    wait "$SVC_PID" 2>/dev/null || true
}

run "HTTP/1.1, JWT cached per origin" none
run "HTTP/1.1, JWT cached per origin" full
run "HTTP/1.1, a JWT signed for every message" none --sign-each
run "HTTPS + HTTP/2, JWT cached per origin" none --tls
run "HTTPS + HTTP/2, JWT cached per origin" full --tls
