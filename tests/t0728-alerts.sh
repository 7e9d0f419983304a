#!/bin/bash
# t0728-alerts.sh — the emergency alert: a viewer raises one and the
# request itself delivers it to the loopback push service (no cron pass)
# with Urgency: high, a short TTL and requireInteraction, to every other
# member's every subscription, through quiet hours; every open stream of
# the family gets it, answers and the resolution live; each member answers
# once (changeable); only the sender or an owner resolves; a retry with the
# same id is not sent twice; bad input and another family are refused; the
# inbox and the audit log have it.
. "$(dirname "$0")/lib.sh"

start_svc
start_server REGISTRATION=open $SVC_ENV SMTP_URL=smtp://127.0.0.1:1 MAIL_FROM=care@example.org PUBLIC_URL=http://care.test

signup ana
signup bob
signup vic
signup oto
signup cat
AS=oto new_family Other > /dev/null
export AS=ana
family_with_baby
join bob "$(invite caregiver Bob)"
join vic "$(invite viewer Vic)"
# Cat has no device with notifications on: email reaches her instead.
join cat "$(invite caregiver Cat)"
AS=ana req POST /api/v1/push/subscriptions "$(svc_sub a1 '[{"status":201}]')"
AS=bob req POST /api/v1/push/subscriptions "$(svc_sub b1 '[{"status":201}]')"
signin -j bob2 bob
AS=bob2 req POST /api/v1/push/subscriptions "$(svc_sub b2 '[{"status":201}]')"
AS=vic req POST /api/v1/push/subscriptions "$(svc_sub v1 '[{"status":201}]')"
# Bob is in his quiet hours all day: an emergency comes through anyway.
AS=bob req PUT "/api/v1/families/$FID/quiet-hours" '{"start":"00:00","end":"23:59"}'
A="/api/v1/families/$FID/alerts"

# Bad input.
AS=vic req POST "$A" '{"type":"flood","location":{"lat":200,"lon":0},"message":5,"x":1}'
is "$STATUS $(jbody '.error.fields | keys | join(",")')" "400 location.lat,message,type,x" "bad input names each field"
AS=vic req POST "$A" '{"type":"fall"}' -H "X-CSRF-Token: wrong"
is "$STATUS" 403 "without the CSRF token: 403"
AS=oto req POST "$A" '{"type":"fall"}'
is "$STATUS" 404 "another family's member: 404"
AS=oto req GET "$A"
is "$STATUS" 404 "…and cannot list them"
is "$(svc_log '.requests | length')" 0 "nothing was sent"

listen bob
listen vic
JAR=ana listen ana2
sleep 0.5

# A viewer raises it: a grandparent who can only read may be the one who finds the fall.
AID=$(uuid)
AS=vic req POST "$A" "{\"id\":\"$AID\",\"type\":\"fall\",\"message\":\"Grandpa fell in the bathroom\",\"location\":{\"lat\":51.5,\"lon\":-0.12,\"accuracy\":25}}"
is "$STATUS" 201 "vic (a viewer) raises an alert"
is "$(jbody '[.id, .type, .sender.name, .location.lat, .location.accuracy, .resolved_at] | map(tostring) | join(" ")')" \
    "$AID fall vic 51.5 25 null" "…with its type, sender and the location she shared"
is "$(jbody '.delivery | [.members, .push_queued, .push_delivered] | map(tostring) | join(",")')" "3,3,3" \
    "…delivered by the request itself: 3 members, 3 devices"
is "$(svc_log '[.requests[].sub] | sort | join(",")')" "a1,b1,b2" "the push service got one for each device of the others (not the sender's)"
is "$(svc_log '[.requests[] | .urgency] | unique | join(",")')" high "…all with Urgency: high"
is "$(svc_log '[.requests[] | .ttl] | unique | join(",")')" 600 "…a short TTL (10 minutes)"
is "$(svc_log '[.requests[] | .checks.vapid and .checks.decrypt] | unique | join(",")')" true "…signed and decrypted"
payload=$(svc_log '[.requests[] | select(.sub == "b1")][0] | .payload | fromjson')
is "$(echo "$payload" | jq -r '[.title, .requireInteraction, .data.kind, .data.alert_id] | map(tostring) | join("|")')" \
    "Emergency: fall|true|alert|$AID" "…titled, with requireInteraction, naming the alert"
like "$(echo "$payload" | jq -r .body)" '^vic raised an alert' "…and who raised it"
ok "$(wait_for bob "event: alert"; echo $?)" "bob's open app gets it on the stream"
ok "$(wait_for ana2 "event: alert"; echo $?)" "…and ana's"
ok "$(wait_for vic "event: alert"; echo $?)" "…and the sender's own"
is "$(db "SELECT u.email FROM mail_outbox o JOIN users u ON u.id = o.user_id WHERE o.kind = 'alert'")" \
    cat@example.com "…and an email queued for Cat, whom push cannot reach"
ok "$(db "SELECT message FROM mail_outbox WHERE kind = 'alert'" | tr -d '\r' | sed -n '/text\/plain/,/^--/p' |
    grep -E '^[A-Za-z0-9+/=]+$' | base64 -d | grep -qF "http://care.test/?family=$FID#/alert/$AID"; echo $?)" \
    "…linking to the alert"
AS=ana req GET /api/v1/inbox
is "$(jbody '.items[0] | [.kind, .about_id, .data.type, .data.sender_name] | join(" ")')" "alert $AID fall vic" \
    "ana's inbox has it"
AS=vic req GET /api/v1/inbox
is "$(jbody '[.items[] | select(.kind == "alert")] | length')" 0 "…the sender's does not"

# A retry from the sender's outbox with the same id: not sent twice.
AS=vic req POST "$A" "{\"id\":\"$AID\",\"type\":\"fall\"}"
is "$STATUS $(jbody .id)" "200 $AID" "the same id again: 200, the alert as it is"
is "$(svc_log '.requests | length')" 3 "…and no second push"
AS=oto req POST "/api/v1/families/$(AS=oto req GET /api/v1/families; jbody '.families[0].id')/alerts" \
    "{\"id\":\"$AID\",\"type\":\"fall\"}"
is "$STATUS" 409 "another family cannot take the id"

# Answers, live.
AS=bob req POST "$A/$AID/answer" '{"answer":"on_my_way"}'
is "$STATUS $(jbody '[.answers[] | .name + ":" + .answer] | join(",")')" "200 bob:on_my_way" "bob is on his way"
ok "$(wait_for vic '"answer":"on_my_way"'; echo $?)" "the sender sees it live"
AS=bob req POST "$A/$AID/answer" '{"answer":"cannot"}'
is "$(jbody '[.answers[] | .name + ":" + .answer] | join(",")')" "bob:cannot" "one answer per member, changeable"
ok "$(wait_for ana2 '"answer":"cannot"'; echo $?)" "…every device sees the change"
AS=vic req POST "$A/$AID/answer" '{"answer":"maybe"}'
is "$STATUS $(jbody '.error.fields.answer')" "400 must be one of: on_my_way, cannot" "a bad answer is 400"
AS=bob req POST "$A/$(uuid)/answer" '{"answer":"cannot"}'
is "$STATUS" 404 "an unknown alert: 404"
AS=oto req POST "$A/$AID/answer" '{"answer":"cannot"}'
is "$STATUS" 404 "another family's member: 404"
AS=ana req POST "$A/$AID/answer" '{"answer":"on_my_way"}'
is "$(jbody '.answers | length')" 2 "ana answers too"

# A second alert, from bob, so the list has an open one and a resolved one.
AS=bob req POST "$A" '{"type":"breathing"}'
is "$STATUS $(jbody '.delivery.members')" "201 3" "bob raises another"
B2=$(jbody .id)

# Resolving.
AS=bob req POST "$A/$AID/resolve" '{"note":"x"}'
is "$STATUS" 403 "a caregiver who did not raise it cannot resolve it"
AS=vic req POST "$A/$AID/resolve" '{"note":"She is fine, the doctor came"}'
is "$STATUS $(jbody '[.resolved_by.name, .resolve_note] | join("|")')" "200 vic|She is fine, the doctor came" \
    "the sender resolves it with a note"
ok "$(wait_for bob '"resolve_note":"She is fine' ; echo $?)" "…live on every stream"
AS=vic req POST "$A/$AID/resolve" '{}'
is "$STATUS" 409 "resolved twice: 409"
AS=bob req POST "$A/$AID/answer" '{"answer":"on_my_way"}'
is "$STATUS" 409 "no answers once resolved"
AS=vic req GET "$A"
is "$(jbody '[.alerts[] | .id] | join(",")')" "$B2,$AID" "the list: open first"
AS=ana req POST "$A/$B2/resolve" '{"note":null}'
is "$STATUS $(jbody .resolved_by.name)" "200 ana" "an owner resolves anyone's"
AS=vic req GET "$A/$B2"
is "$STATUS $(jbody '.resolved_at != null')" "200 true" "one alert by its id"

is "$(db "SELECT group_concat(action) FROM (SELECT action FROM audit_log WHERE action LIKE 'alert%' ORDER BY rowid)")" \
    "alert_raised,alert_answered,alert_answered,alert_answered,alert_raised,alert_resolved,alert_resolved" \
    "the audit log has every step"
ok "$(db "SELECT count(*) FROM audit_log WHERE detail LIKE '%51.5%'" | grep -qx 0; echo $?)" "…never the location"
done_testing
