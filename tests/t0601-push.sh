#!/bin/bash
# t0601-push.sh — Web Push reminders end to end against the fake push
# service: the VAPID key, subscriptions (with bad input refused), a feed-due
# reminder fired by `carelog-push --once` and decrypted by the service as
# meant, never twice, re-armed by a new feed, snoozed from the payload's
# token; 410 prunes, 429 waits for Retry-After, two passes at once send each
# message once, quiet hours, a test notification, and the cron route's secret.
. "$(dirname "$0")/lib.sh"

start_svc
: > "$T_DIR/subs"
PUSH_ENV="PUSH_ALLOW_LOOPBACK=1 PUSH_RETRY_BASE_MS=500 VAPID_SUBJECT=mailto:ops@example.org"
# 45 accounts are made from one address here (REGISTER_RATE_MAX is 20).
start_server REGISTRATION=open REGISTER_RATE_MAX=100 CRON_SECRET=0123456789abcdef-cron $PUSH_ENV
# pass — one run of the sender, as cron would start it; its JSON line in $PASS.
pass() {
    PASS=$(env $PUSH_ENV DATA_DIR="$T_DIR/data" "$T_BIN/carelog-push" --once 2>>"$T_DIR/error.log")
}
# svc_sub ID SCRIPT — a browser subscription at the fake service (JSON).
svc_sub() { curl -sf -X POST -d "{\"id\":\"$1\",\"script\":$2}" "$SVC_BASE/subscriptions"; }
log() { curl -sf "$SVC_BASE/log" | jq -r "$@"; }
# last_payload SUB — the decrypted payload of the newest message to SUB.
last_payload() { log "[.requests[] | select(.sub == \"$1\")] | last | .payload | fromjson"; }
L() { local_ms Europe/London "$1"; }

req GET /api/v1/push/key
key=$(jbody .key)
is "${#key}" 87 "the VAPID public key: 87 base64url characters"
is "$(printf '%s' "$key" | tr '_-' '/+' | base64 -d 2>/dev/null | head -c1 | od -An -tx1 | tr -d ' ')" 04 \
    "…an uncompressed P-256 point"
ok "$(grep -q -- "$key" "$T_DIR/error.log"; [ $? -ne 0 ]; echo $?)" "the key is never logged"
is "$(stat -c %a "$T_DIR/data/vapid.pem")" 600 "the private key file is 0600"

signup ana
export AS=ana
family_with_baby

req POST /api/v1/push/subscriptions '{"endpoint":"http://example.com/push","keys":{"p256dh":"AAAA","auth":"short"},"extra":1}'
is "$STATUS" 400 "bad subscription is 400"
is "$(jbody '.error.fields | keys | join(",")')" "endpoint,extra,keys.auth,keys.p256dh" "…naming each bad field"
bad_point=$(printf '\x04%064d' 0 | head -c 65 | base64 -w0 | tr '+/' '-_' | tr -d '=')
req POST /api/v1/push/subscriptions "{\"endpoint\":\"https://push.example/x\",\"keys\":{\"p256dh\":\"$bad_point\",\"auth\":\"AAAAAAAAAAAAAAAAAAAAAA\"}}"
is "$(jbody '.error.fields["keys.p256dh"]')" "must be a P-256 public key (65 bytes, base64url)" "a point off the curve is refused"
is "$(db 'SELECT count(*) FROM push_subscriptions')" 0 "nothing stored"

req POST /api/v1/push/test
is "$STATUS $(jbody .error.code)" "409 no_subscription" "a test needs a subscription first"
ANA_SUB=$(svc_sub ana '[{"status":201}]')
req POST /api/v1/push/subscriptions "$ANA_SUB"
is "$STATUS" 201 "subscribe (the browser's PushSubscription JSON)"
req POST /api/v1/push/subscriptions "$ANA_SUB"
is "$STATUS" 200 "subscribing the same browser again updates it"
req GET /api/v1/push/subscriptions
is "$(jbody '.subscriptions | length')" 1 "one subscription"
is "$(jbody '.subscriptions[0].service')" "$SVC_BASE" "listed by its push service origin"

# A feed-due reminder: due two hours after the last feed started.
req POST "/api/v1/families/$FID/reminders" "{\"subject_id\":\"$SID\",\"kind\":\"feed_due\"}"
is "$(jbody '.error.fields.interval_min')" "is required for this kind of reminder" "feed_due needs an interval"
req POST "/api/v1/families/$FID/reminders" "{\"subject_id\":\"$SID\",\"kind\":\"daily\",\"time\":\"25:00\"}"
is "$(jbody '.error.fields.time')" "must be a time as HH:MM" "a daily time is HH:MM"
req POST "/api/v1/families/$FID/reminders" "{\"subject_id\":\"$SID\",\"kind\":\"feed_due\",\"interval_min\":120}"
is "$STATUS" 201 "create a feed-due reminder"
RID=$(jbody .id)
is "$(jbody '.opted_in')" true "its creator is opted in"
NOW=$(date +%s%3N)
put_entry "$(uuid)" "{type: \"feed\", ts: $((NOW - 2 * 3600000 - 300000)), end_ts: $((NOW - 2 * 3600000)), value: {method: \"breast_left\"}}"
pass
is "$(echo "$PASS" | jq -c '[.fired, .queued, .delivered]')" "[1,1,1]" "one pass fires it and delivers one message"
payload=$(last_payload ana)
is "$(echo "$payload" | jq -r .title)" "Feed due — Noa" "the service decrypted the title"
like "$(echo "$payload" | jq -r .body)" '^Last feed 2 h [0-9]+ min ago \(left side\)$' "…and the body"
is "$(echo "$payload" | jq -r '[.actions[].action] | join(",")')" "log-feed,snooze" "…with Log feed and Snooze actions"
is "$(echo "$payload" | jq -r '.url')" "/?family=$FID&subject=$SID" "…a URL into the app"
is "$(log '[.requests[] | select(.sub == "ana")] | last | .checks | [.vapid, .decrypt] | map(tostring) | join(",")')" \
    "true,true" "the VAPID signature verified and the body decrypted"
is "$(log '[.requests[] | select(.sub == "ana")] | last | [.ttl, .urgency, (.topic | length)] | map(tostring) | join(",")')" \
    "3600,high,32" "TTL, Urgency and a per-reminder Topic"
pass
is "$(echo "$PASS" | jq -c '[.fired, .sent]')" "[0,0]" "the next pass sends nothing: no reminder twice"

# Logging the awaited feed re-arms the rule.
put_entry "$(uuid)" "{type: \"feed\", ts: $((NOW - 2 * 3600000 - 60000)), value: {method: \"bottle\", amount_ml: 120}}"
pass
is "$(echo "$PASS" | jq -c '[.fired, .delivered]')" "[1,1]" "a new feed re-arms it"
like "$(last_payload ana | jq -r .body)" '\(bottle\)$' "…and the body says bottle"

# Snooze from the notification: its token, no session needed.
token=$(last_payload ana | jq -r .data.snooze_token)
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H "Content-Type: application/json" \
    -d "{\"token\":\"$token\",\"minutes\":15}" "$BASE/api/v1/push/snooze")
is "$STATUS" 200 "snooze with the payload's token"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H "Content-Type: application/json" \
    -d "{\"token\":\"$(printf '%s' "$token" | sed 's/.$/x/')\"}" "$BASE/api/v1/push/snooze")
is "$STATUS" 403 "a forged token is refused"
db "UPDATE reminders SET snooze_until = $(( $(date +%s%3N) - 1000 )) WHERE id = '$RID'"
pass
is "$(echo "$PASS" | jq -c '[.fired, .delivered]')" "[1,1]" "when the snooze ends, it fires again"

# A second member and a second rule: gone subscriptions are pruned; quiet
# hours are kept.
signup bob
join bob "$(invite caregiver Bob)"
AS=bob req POST /api/v1/push/subscriptions "$(svc_sub bob '[{"status":410}]')"
AS=bob req POST "/api/v1/families/$FID/reminders" "{\"subject_id\":\"$SID\",\"kind\":\"diaper_due\",\"interval_min\":60}"
R2=$(jbody .id)
req PUT "/api/v1/families/$FID/reminders/$R2/optin"
is "$(jbody '.optins, .opted_in' | paste -sd,)" "2,true" "ana opts in to bob's rule"
put_entry "$(uuid)" "{type: \"diaper\", ts: $(( $(date +%s%3N) - 3600000 - 60000)), value: {wet: true}}"
pass
is "$(echo "$PASS" | jq -c '[.queued, .delivered, .gone]')" "[2,1,1]" "410: one delivered, one gone"
is "$(last_payload ana | jq -r .title)" "Diaper check — Noa" "a diaper check"
AS=bob req GET /api/v1/push/subscriptions
is "$(jbody '.subscriptions[0] | [.active, .last_status] | map(tostring) | join(",")')" "false,410" \
    "the dead subscription is deactivated"
AS=bob req PUT "/api/v1/families/$FID/quiet-hours" '{"start":"00:00","end":"23:59"}'
is "$(jbody '.start + "-" + .end')" "00:00-23:59" "quiet hours saved"
AS=bob req POST /api/v1/push/subscriptions "$(svc_sub bob2 '[{"status":201}]')"
put_entry "$(uuid)" "{type: \"diaper\", ts: $(( $(date +%s%3N) - 3600000 - 30000)), value: {dirty: true}}"
pass
is "$(echo "$PASS" | jq -c '[.skipped_quiet, .delivered]')" "[1,1]" "quiet hours: bob is skipped, ana is not"
is "$(log '[.requests[] | select(.sub == "bob")] | length')" 1 "the gone subscription got nothing more"

# 429 with Retry-After: retried later, and not before.
signup carol
AS=carol req POST /api/v1/push/subscriptions "$(svc_sub carol '[{"status":429,"retryAfter":"2","times":1},{"status":201}]')"
AS=carol req POST /api/v1/push/test
is "$STATUS $(jbody '.test_queued, .retry' | paste -sd,)" "202 1,1" "a test message meets 429"
pass
is "$(log '[.requests[] | select(.sub == "carol")] | length')" 1 "…and is not retried before Retry-After"
sleep 2.2
pass
is "$(log '[.requests[] | select(.sub == "carol")] | map(.status) | map(tostring) | join(",")')" "429,201" \
    "after Retry-After it goes through"
gap=$(log '[.requests[] | select(.sub == "carol") | .wall] | .[1] - .[0]')
ok "$([ "$gap" -ge 2000 ]; echo $?)" "…at least 2 s later (${gap} ms)"
is "$(last_payload carol | jq -r .body)" "Notifications work on this device" \
    "the test notification's text"

# Two passes at once send each message once.
for i in $(seq 1 40); do
    signup "dave$i" > /dev/null
    AS=dave${i} req POST /api/v1/push/subscriptions "$(svc_sub "dave$i" '[{"status":201}]')"
    db "INSERT INTO push_messages (subscription_id, dedupe, payload, next_attempt_at, created_at)
        SELECT id, 'race', '{\"title\":\"race\"}', 0, 0 FROM push_subscriptions WHERE endpoint LIKE '%/dave$i'"
done
pass & p1=$!
pass & p2=$!
wait $p1 $p2
is "$(log '[.requests[] | select(.sub | startswith("dave"))] | length')" 40 "two concurrent passes: 40 messages sent"
is "$(log '[.requests[] | select(.sub | startswith("dave")) | .sub] | unique | length')" 40 "…each exactly once"

# The cron route for hosts without cron.
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X POST -H "Content-Length: 0" "$BASE/api/v1/cron/push")
is "$STATUS" 401 "cron/push without the secret is 401"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X POST -H "Content-Length: 0" \
    -H "Authorization: Bearer wrong-secret-wrong" "$BASE/api/v1/cron/push")
is "$STATUS" 401 "…with a wrong secret too"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X POST -H "Content-Length: 0" \
    -H "Authorization: Bearer 0123456789abcdef-cron" "$BASE/api/v1/cron/push")
is "$STATUS $(jbody 'has("delivered")')" "200 true" "with the secret it runs a pass"
ok "$(grep -q 'ops@example.org\|0123456789abcdef-cron' "$T_DIR/error.log"; [ $? -ne 0 ]; echo $?)" \
    "no secrets or emails in the logs"
done_testing
