#!/bin/bash
# t0602-cron-readme.sh — the README's command for hosts without cron, taken
# from README.md itself (only its origin, https://care.example.org, becomes
# the test server's), reaches the push program's cron route and runs a pass:
# over plain HTTP/1.1 and over HTTPS as documented.
. "$(dirname "$0")/lib.sh"

SECRET=0123456789abcdef-cron
ORIGIN=https://care.example.org
mapfile -t lines < <(grep -E '^curl .*/api/v1/cron/push' "$T_ROOT/README.md")
is "${#lines[@]}" 1 "README.md documents one curl line for /api/v1/cron/push"
CMD=${lines[0]}
like "$CMD" "\\\$CRON_SECRET.* $ORIGIN/api/v1/cron/push\$" "…with \$CRON_SECRET, against $ORIGIN"
diag "README: $CMD"

# readme_cron BASE [SECRET] — runs the README's line against BASE with
# CRON_SECRET set; its output in OUT, its exit code in RC.
readme_cron() {
    OUT=$(CRON_SECRET=${2:-$SECRET} sh -c "${CMD//"$ORIGIN"/$1}" 2>"$T_DIR/curl.err")
    RC=$?
}
# cron_lines — how many cron requests the push program has logged with 200.
cron_lines() {
    grep -c '"prog":"push","method":"POST","route":"/api/v1/cron/push","status":200' "$T_DIR/error.log"
}
ran_pass() { # ran_pass BEFORE DESCRIPTION — the command's answer and the log
    is "$RC" 0 "$2: the command succeeds"
    [ "$RC" = 0 ] || diag "curl: $(cat "$T_DIR/curl.err") $OUT"
    is "$(printf '%s' "$OUT" | jq -c 'has("delivered") and has("queued")' 2>/dev/null)" true \
        "$2: it prints the pass's figures"
    sleep 0.2
    is "$(cron_lines)" $(($1 + 1)) "$2: the push program logged the cron route with 200"
}

start_server CRON_SECRET=$SECRET
before=$(cron_lines)
readme_cron "$BASE"
ran_pass "$before" "plain HTTP"
readme_cron "$BASE" wrong-secret-wrong-secret
ok "$([ "$RC" != 0 ]; echo $?)" "with a wrong secret it exits non-zero (curl -f), so a scheduler notices"
# Why the line carries -d '': a bodiless POST is refused by lighttpd itself.
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $SECRET" "$BASE/api/v1/cron/push")
is "$STATUS" 411 "without -d '' lighttpd answers 411 Length Required (no program sees it)"
stop_server

# As documented: HTTPS (curl picks HTTP/2 when lighttpd offers it).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -keyout "$T_DIR/key.pem" -out "$T_DIR/cert.pem" -subj /CN=127.0.0.1 \
    -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
printf 'cacert = "%s"\n' "$T_DIR/cert.pem" > "$T_DIR/.curlrc"
export CURL_HOME=$T_DIR
TLS_PORT=$(free_port)
start_server CRON_SECRET=$SECRET TLS_CERT="$T_DIR/cert.pem" TLS_KEY="$T_DIR/key.pem" TLS_PORT="$TLS_PORT"
before=$(cron_lines)
readme_cron "https://127.0.0.1:$TLS_PORT"
ran_pass "$before" "HTTPS"
done_testing
