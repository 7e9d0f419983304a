#!/bin/bash
# t0724-shift-push.sh — shift notifications through the push pass,
# delivered to the fake push service: the planned caregiver an hour before
# their shift (nobody else), the owners when a shift started 15 minutes
# ago and nobody checked in (not when someone did), each fired once.
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
at() { echo $(( (NOW / 60000 + $1) * 60000 )); }
hm() { TZ=$TZN date -d "@$(( $(at "$1") / 1000 ))" +%H:%M; }

for who in ana bob cat; do signup $who; done
export AS=ana
FID=$(new_family Home $TZN)
req POST "/api/v1/families/$FID/subjects" '{"name":"Grandpa Joe","kind":"adult"}'
SID=$(jbody .id)
join bob "$(invite caregiver Bob)"
join cat "$(invite caregiver Cat)"
BOB=$(req GET "/api/v1/families/$FID/members"; jbody '.members[] | select(.name == "bob") | .id')
for who in ana bob cat; do
    AS=$who req POST /api/v1/push/subscriptions "$(svc_sub $who '[{"status":201}]')"
done
S="/api/v1/families/$FID/shifts"

# Bob's shift starts in 50 minutes: "an hour before" was 10 minutes ago.
req POST "$S" "{\"subject_id\":\"$SID\",\"caregiver_id\":\"$BOB\",\"start\":$(at 50),\"duration_min\":240}"
SOON=$(jbody .id)
db "UPDATE shifts SET created_at = created_at - 7200000 WHERE id = '$SOON'"
pass
is "$(echo "$PASS" | jq -c '[.fired, .delivered]')" "[1,1]" "an hour before, one notification, to one device"
is "$(titles bob)|$(titles ana)|$(titles cat)" "Shift in 1 hour||" "…Bob's, nobody else's"
is "$(log '[.requests[] | select(.sub == "bob")] | last | .payload | fromjson | .body')" \
    "With Grandpa Joe, $(hm 50)–$(hm 290)" "…naming the person and the times"
is "$(log '[.requests[] | select(.sub == "bob")] | last | .payload | fromjson | .url')" \
    "/?family=$FID&subject=$SID#/shifts" "…opening the shifts"
AS=bob req GET /api/v1/inbox
is "$(jbody '[.items[] | select(.kind == "shift")] | length')" 1 "…and it is in Bob's inbox (notify_member)"
is "$(jbody '[.items[] | select(.kind == "shift")][0] | [.about, .data.event, .data.subject_name] | join(" ")')" \
    "shift soon Grandpa Joe" "…about the shift, for Grandpa Joe"
pass
is "$(echo "$PASS" | jq -c '[.fired, .sent]')" "[0,0]" "…once"

# An open shift that started 20 minutes ago, nobody checked in; and Cat's,
# that started 20 minutes ago too, with Cat checked in.
req POST "$S" "{\"subject_id\":\"$SID\",\"start\":$(at -20),\"duration_min\":120}"
LATE=$(jbody .id)
req POST "$S" "{\"subject_id\":\"$SID\",\"start\":$(at -20),\"duration_min\":120}"
HERE=$(jbody .id)
AS=cat req POST "$S/$HERE/take"
AS=cat req POST "$S/$HERE/check-in" "{\"occurrence\":$(at -20),\"at\":$(at -19)}"
is "$STATUS" 201 "Cat checked in to hers"
db "UPDATE shifts SET created_at = created_at - 7200000 WHERE id IN ('$LATE', '$HERE')"
pass
is "$(echo "$PASS" | jq -c '[.fired, .delivered]')" "[1,1]" "15 minutes after a start with nobody checked in: one notification"
is "$(titles ana)|$(titles cat)" "Nobody checked in|" "…to the owner only"
is "$(log '[.requests[] | select(.sub == "ana")] | last | .payload | fromjson | [.body, .data.kind, .data.shift_id] | join(" ")')" \
    "The shift with Grandpa Joe started at $(hm -20) shift_unstaffed $LATE" "…about the open shift"
pass
is "$(echo "$PASS" | jq -c '[.fired, .sent]')" "[0,0]" "…once"
done_testing
