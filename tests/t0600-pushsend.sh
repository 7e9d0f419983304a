#!/bin/bash
# t0600-pushsend.sh — Web Push delivery end to end against the fake push
# service (tests/pushsvc.mjs): the C library encrypts, signs and sends 200
# messages to scripted subscriptions over loopback HTTP/1.1, and the service
# verifies every JWT, decrypts every body and records what it saw. Checks:
# payloads arrive intact and exactly once, 404/410 are gone, 413 is not
# retried, 429 is retried only after Retry-After (seconds and HTTP-date),
# 5xx is retried with backoff and given up after max attempts, a bad
# signature or auth secret is caught, and connections are reused. Then the
# same over HTTPS with HTTP/2: one connection for everything.
. "$(dirname "$0")/lib.sh"

DRIVE=${CARELOG_TEST_TOOLS:-$T_ROOT/build/asan/tests/tools}/pushdrive
[ -x "$DRIVE" ] || bail "no $DRIVE (make BUILD=asan units)"
command -v node >/dev/null || bail "node is needed"

# subscribe ID SCRIPT-JSON [URL-BASE] — registers with the service; appends
# "id endpoint p256dh auth" to $T_DIR/subs.
subscribe() {
    curl -sf $CURL_TLS -X POST -d "{\"id\":\"$1\",\"script\":$2}" "$SVC_BASE/subscriptions" |
        jq -r --arg id "$1" '[$id, .endpoint, .keys.p256dh, .keys.auth] | join(" ")' \
            >> "$T_DIR/subs"
}

# q JQ-FILTER — runs a filter over the service's log.
q() { jq -r "$@" < "$T_DIR/log.json"; }
# d AWK-CONDITION — counts driver result lines ("msg n sub status outcome attempts").
d() { awk "\$1 == \"msg\" && ($1) { c++ } END { print c + 0 }" "$T_DIR/drive.out"; }

# ---- plain HTTP/1.1 on loopback ----
start_svc
SVC_BASE="http://127.0.0.1:$SVC_PORT"
: > "$T_DIR/subs"
subscribe ok1 '[{"status":201}]'
subscribe ok2 '[{"status":202}]'
subscribe ok3 '[{"status":201}]'
subscribe gone '[{"status":410}]'
subscribe big '[{"status":413}]'
subscribe slow '[{"status":429,"retryAfter":"2","times":3},{"status":201}]'
dated=$(LC_ALL=C date -u -d '+3 seconds' '+%a, %d %b %Y %H:%M:%S GMT')
dated_ms=$(( $(date -u -d "$dated" +%s) * 1000 ))
subscribe dated "[{\"status\":503,\"retryAfter\":\"$dated\",\"times\":2},{\"status\":201}]"
subscribe flaky '[{"status":500,"times":4},{"status":201}]'
subscribe down '[{"status":503}]'
subscribe badsig '[{"status":201}]'
subscribe badauth '[{"status":201}]'
# A subscription the service does not know (expired): keys borrowed from ok1.
awk -v base="$SVC_BASE" '$1 == "ok1" { print "nosuch", base "/push/nosuch", $3, $4 }' \
    "$T_DIR/subs" >> "$T_DIR/subs"
is "$(wc -l < "$T_DIR/subs")" 12 "12 subscriptions registered"

"$DRIVE" --subs "$T_DIR/subs" --count 200 --loopback --max-attempts 3 --base-ms 200 \
    --cap-ms 1000 --urgency high --topic reminder --ttl 3600 \
    --bad-sig badsig --bad-auth badauth > "$T_DIR/drive.out" 2> "$T_DIR/drive.err"
is "$?" 0 "driver ran"
ok "$(grep -Eq 'Sanitizer|runtime error' "$T_DIR/drive.err"; [ $? -ne 0 ]; echo $?)" \
    "no sanitizer reports from the driver"
curl -sf "$SVC_BASE/log" > "$T_DIR/log.json"
summary=$(grep '^summary' "$T_DIR/drive.out")
diag "$summary"
like "$summary" 'messages=200 ' "200 messages"

# Delivered: intact, to the right subscription, exactly once.
is "$(d '$3 ~ /^ok|^slow$|^dated$|^flaky$/ && $5 != "delivered"')" 0 \
    "every message to ok/slow/dated/flaky subscriptions delivered"
is "$(d '$3 == "ok2" && $4 == 202')" 17 "202 Accepted counts as delivered (17 to ok2)"
delivered=$(d '$5 == "delivered"')
is "$delivered" 102 "102 delivered in all (6 subscriptions x 17)"
is "$(q '[.requests[] | select(.status == 201 or .status == 202)] | length')" "$delivered" \
    "the service accepted exactly as many"
q '.requests[] | select(.status == 201 or .status == 202) | .payload | fromjson | .n' |
    sort -n > "$T_DIR/got-n"
awk '$1 == "msg" && $5 == "delivered" { print $2 }' "$T_DIR/drive.out" | sort -n > "$T_DIR/want-n"
ok "$(cmp -s "$T_DIR/got-n" "$T_DIR/want-n"; echo $?)" \
    "decrypted payloads are exactly the delivered messages, none twice"
is "$(q '[.requests[] | select(.payload != null) | select((.payload | fromjson | .sub) != .sub)] | length')" \
    0 "every payload decrypted at the subscription it was meant for"
is "$(q '[.requests[] | select(.sub != "badsig" and .sub != "badauth" and .sub != "nosuch")
         | select(.checks | (.encoding and .type and .ttl and .vapid and .decrypt) | not)] | length')" \
    0 "every other request: aes128gcm, octet-stream, TTL, valid VAPID JWT, decrypts"
is "$(q '[.requests[] | select(.ttl != "3600" or .urgency != "high" or .topic != "reminder")] | length')" \
    0 "TTL, Urgency and Topic headers arrive as sent"

# Gone, too large, rejected: one attempt each.
is "$(d '($3 == "gone" || $3 == "nosuch") && !($5 == "gone" && $6 == 1)')" 0 \
    "410 and 404 are gone after one attempt"
is "$(q '[.requests[] | select(.sub == "nosuch" and .status == 404)] | length')" \
    "$(d '$3 == "nosuch"')" "the unknown subscription was answered 404"
is "$(d '$3 == "big" && !($5 == "too_large" && $6 == 1)')" 0 "413 is too_large"
is "$(q '[.requests[] | select(.sub == "big")] | length')" "$(d '$3 == "big"')" \
    "413 is not retried (one request per message)"
is "$(d '$3 == "badsig" && !($4 == 403 && $5 == "rejected" && $6 == 1)')" 0 \
    "a spoiled JWT signature: 403, rejected, not retried"
like "$(q '[.requests[] | select(.sub == "badsig") | .error] | unique | join(",")')" \
    '^jwt signature does not verify$' "the service caught the bad signature"
is "$(d '$3 == "badauth" && !($4 == 400 && $5 == "rejected")')" 0 \
    "a wrong auth secret: 400, rejected"
like "$(q '[.requests[] | select(.sub == "badauth") | .error] | unique | join(",")')" \
    '^decryption: ' "the service could not decrypt it"

# Retry-After (seconds): the three 429s, each retried no sooner than 2 s later.
is "$(q '[.requests[] | select(.sub == "slow" and .status == 429)] | length')" 3 "three 429s"
q '[.requests[] | select(.sub == "slow")] | group_by(.payload | fromjson | .n)[]
   | select(.[0].status == 429) | (.[1].t - .[0].t)' > "$T_DIR/gaps"
is "$(wc -l < "$T_DIR/gaps")" 3 "each 429 was retried"
is "$(awk '$1 < 2000' "$T_DIR/gaps" | wc -l)" 0 "no retry before Retry-After: 2 (gaps $(tr '\n' ' ' < "$T_DIR/gaps")ms)"
is "$(d '$3 == "slow" && $5 == "delivered" && $6 == 2')" 3 "those three delivered on attempt 2"

# Retry-After (HTTP-date) on a 503.
q '[.requests[] | select(.sub == "dated")] | group_by(.payload | fromjson | .n)[]
   | select(.[0].status == 503) | .[1].wall' > "$T_DIR/dated"
is "$(wc -l < "$T_DIR/dated")" 2 "two 503s with an HTTP-date Retry-After were retried"
is "$(awk -v due="$dated_ms" '$1 < due' "$T_DIR/dated" | wc -l)" 0 \
    "not before the date ($dated)"

# 5xx: backoff, then delivered; always failing: given up after 3 attempts.
q '[.requests[] | select(.sub == "flaky")] | group_by(.payload | fromjson | .n)[]
   | select(.[0].status == 500) | (.[1].t - .[0].t)' > "$T_DIR/gaps"
is "$(wc -l < "$T_DIR/gaps")" 4 "four 500s retried"
is "$(awk '$1 < 200' "$T_DIR/gaps" | wc -l)" 0 "not before the 200 ms backoff"
is "$(d '$3 == "down" && !($5 == "failed" && $6 == 3)')" 0 "always 503: failed after 3 attempts"
is "$(q '[.requests[] | select(.sub == "down")] | length')" $((3 * $(d '$3 == "down"'))) \
    "exactly 3 requests per message to it"

# Connection reuse: the service tags each request with its TCP connection
# (its total also counts this script's own curl calls).
conns=$(q '[.requests[].conn] | unique | length')
requests=$(q '.requests | length')
diag "$requests requests over $conns connections"
ok "$([ "$conns" -ge 1 ] && [ "$conns" -le 12 ]; echo $?)" \
    "connections reused: $conns for $requests requests (at most 2 rounds of 6 per host)"
like "$summary" "requests=$requests connections=$conns " "the sender counted the same"
like "$summary" 'jwts=1$' "one JWT signed for the one origin"
ok "$(grep -q 'eyJ\|vapid' "$T_DIR/drive.err"; [ $? -ne 0 ]; echo $?)" \
    "no token or key in the driver's messages"
stop_svc

# ---- HTTPS + HTTP/2 on loopback ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$T_DIR/tls.key" -out "$T_DIR/tls.crt" 2>/dev/null || bail "openssl req failed"
start_svc --tls "$T_DIR/tls.crt" "$T_DIR/tls.key"
SVC_BASE="https://127.0.0.1:$SVC_PORT"
CURL_TLS="--cacert $T_DIR/tls.crt"
: > "$T_DIR/subs"
subscribe h2a '[{"status":201}]'
subscribe h2b '[{"status":429,"retryAfter":"1","times":2},{"status":201}]'
"$DRIVE" --subs "$T_DIR/subs" --count 100 --loopback --cafile "$T_DIR/tls.crt" \
    --base-ms 200 > "$T_DIR/drive.out" 2> "$T_DIR/drive.err"
is "$?" 0 "driver ran over HTTPS"
curl -sf $CURL_TLS "$SVC_BASE/log" > "$T_DIR/log.json"
diag "$(grep '^summary' "$T_DIR/drive.out")"
is "$(d '$5 == "delivered"')" 100 "all 100 delivered over HTTPS"
is "$(q '[.requests[] | select(.http != "2.0")] | length')" 0 "every request was HTTP/2"
is "$(q '[.requests[].conn] | unique | length')" 1 \
    "one connection multiplexed all $(q '.requests | length') requests"
is "$(q '[.requests[] | select(.checks | (.vapid and .decrypt) | not)] | length')" 0 \
    "every JWT verified and every body decrypted (aud is the https origin)"
stop_svc

# Without the test CA, the certificate is refused: a transport error.
start_svc --tls "$T_DIR/tls.crt" "$T_DIR/tls.key"
SVC_BASE="https://127.0.0.1:$SVC_PORT"
: > "$T_DIR/subs"
subscribe x '[{"status":201}]'
"$DRIVE" --subs "$T_DIR/subs" --count 2 --loopback --max-attempts 1 \
    > "$T_DIR/drive.out" 2> "$T_DIR/drive.err"
is "$(d '$4 == 0 && $5 == "failed"')" 2 "untrusted certificate: not delivered"
like "$(cat "$T_DIR/drive.err")" 'certificate' "the error names the certificate"
stop_svc
CURL_TLS=""
done_testing
