#!/bin/bash
# t0225-appointment-push.sh — an appointment's reminders through the
# reminder machinery, delivered to the fake push service and decrypted
# there: 1 h before (of the default 24 h and 1 h), to every owner and
# caregiver and to the driver (a viewer who drives), not to other viewers,
# each once; an occurrence of a series reminded by its own start; none in
# a member's quiet hours.
. "$(dirname "$0")/lib.sh"

start_svc
PUSH_ENV="PUSH_ALLOW_LOOPBACK=1 PUSH_RETRY_BASE_MS=500 VAPID_SUBJECT=mailto:ops@example.org"
start_server REGISTRATION=open $PUSH_ENV
pass() { PASS=$(env $PUSH_ENV DATA_DIR="$T_DIR/data" "$T_BIN/carelog-push" --once 2>>"$T_DIR/error.log"); }
svc_sub() { curl -sf -X POST -d "{\"id\":\"$1\",\"script\":$2}" "$SVC_BASE/subscriptions"; }
log() { curl -sf "$SVC_BASE/log" | jq -r "$@"; }
titles() { log "[.requests[] | select(.sub == \"$1\") | .payload | fromjson | .title] | join(\"|\")"; }
TZN=Europe/London
NOW=$(date +%s%3N)
# A minute-aligned time MIN minutes from now, epoch ms.
at() { echo $(( (NOW / 60000 + $1) * 60000 )); }
hm() { TZ=$TZN date -d "@$(( $(at "$1") / 1000 ))" +%H:%M; }

signup ana
signup bob
signup vic
signup val
export AS=ana
FID=$(new_family Home $TZN)
req POST "/api/v1/families/$FID/subjects" '{"name":"Grandpa Joe","kind":"adult"}'
SID=$(jbody .id)
join bob "$(invite caregiver Bob)"
join vic "$(invite viewer Vic)"
join val "$(invite viewer Val)"
VIC_MID=$(req GET "/api/v1/families/$FID/members"; jbody '.members[] | select(.name == "vic") | .id')
for who in ana bob vic val; do
    AS=$who req POST /api/v1/push/subscriptions "$(svc_sub $who '[{"status":201}]')"
done
A="/api/v1/families/$FID/appointments"

# Starts in 55 minutes: its 1 h reminder was due 5 minutes ago.
req POST "$A" "{\"subject_id\":\"$SID\",\"title\":\"Cardiology\",\"type\":\"specialist\",\"start\":$(at 55),
  \"duration_min\":30,\"location\":\"St Thomas\",\"driver_id\":\"$VIC_MID\"}"
is "$STATUS" 201 "an appointment in 55 minutes"
APPT=$(jbody .id)
db "UPDATE appointments SET created_at = created_at - 7200000 WHERE id = '$APPT'"
pass
is "$(echo "$PASS" | jq -c '[.fired, .delivered]')" "[1,3]" "its 1 h reminder fires once, to three devices"
is "$(titles ana)|$(titles bob)|$(titles vic)" \
    "Appointment — Grandpa Joe|Appointment — Grandpa Joe|Appointment — Grandpa Joe" \
    "…the owner, the caregiver and the viewer who drives"
is "$(titles val)" "" "…not a viewer who does not drive"
is "$(log '[.requests[] | select(.sub == "bob")] | last | .payload | fromjson | .body')" \
    "Cardiology on $(TZ=$TZN date -d "@$(( $(at 55) / 1000 ))" +%F) at $(hm 55), St Thomas (driver: vic)" \
    "…naming the appointment, its day and time, the place and the driver"
is "$(log '[.requests[] | select(.sub == "bob")] | last | .payload | fromjson | .url')" \
    "/?family=$FID&subject=$SID#/calendar" "…opening the calendar"
pass
is "$(echo "$PASS" | jq -c '[.fired, .sent]')" "[0,0]" "the next pass sends nothing: no reminder twice"

# A daily series whose second occurrence starts in 30 minutes, reminded 45
# minutes before (15 minutes ago); Bob is in his quiet hours.
AS=bob req PUT "/api/v1/families/$FID/quiet-hours" "{\"start\":\"$(hm -90)\",\"end\":\"$(hm 90)\"}"
req POST "$A" "{\"subject_id\":\"$SID\",\"title\":\"Dressing\",\"type\":\"other\",\"start\":$(( $(at 30) - 86400000 )),
  \"duration_min\":20,\"rrule\":\"FREQ=DAILY;COUNT=3\",\"reminders\":[45]}"
SERIES=$(jbody .id)
db "UPDATE appointments SET created_at = created_at - 172800000 WHERE id = '$SERIES'"
before_bob=$(titles bob)
pass
is "$(echo "$PASS" | jq -c '[.fired, .delivered, .skipped_quiet]')" "[1,1,1]" \
    "today's occurrence of a series is reminded 45 minutes before, as it says"
is "$(log '[.requests[] | select(.sub == "ana")] | last | .payload | fromjson | .data.start')" "$(at 30)" \
    "…for today's start"
is "$(titles bob)" "$before_bob" "…not to Bob in his quiet hours"
AS=bob req GET /api/v1/inbox
is "$(jbody '[.items[] | select(.kind == "appointment")] | length > 0')" true \
    "…but Bob's inbox has it (the inbox is the source of truth; lib/push/notify.c)"
is "$(jbody '[.items[] | select(.kind == "appointment")][0] | [.about, .data.subject_name] | join(" ")')" \
    "appointment Grandpa Joe" "…about the appointment, as fields the app words itself"
pass
is "$(echo "$PASS" | jq -c '[.fired, .sent]')" "[0,0]" "…and once"
done_testing
