#!/bin/bash
# t0224-appointments.sh — appointments and the calendar feed: every route
# and role, the checks on what an appointment says (a rule whose first day
# is not its start is refused), RRULE expansion in the family's zone (a
# weekly 09:00 stays at 09:00 across the spring and autumn changes; DAILY
# with INTERVAL, WEEKLY with BYDAY, MONTHLY with BYMONTHDAY -1 and 2TU,
# COUNT and UNTIL), one occurrence cancelled (EXDATE) or moved (an
# override), the live stream, the audit log; then the feed: a token per
# member stored hashed, revocable, dead once the member leaves, and the
# document read by a real iCalendar library (python3-icalendar with
# recurring-ical-events), whose expansion must give the same local times
# across the clock changes as the API.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c 'import icalendar, recurring_ical_events' 2>/dev/null ||
    bail "python3-icalendar and python3-recurring-ical-events are needed (tools/deps.sh test)"

start_server REGISTRATION=open
signup ana
signup bob
signup vic
signup oto
export AS=ana
TZN=Europe/London
FID=$(new_family "Joe's family" $TZN)
req POST "/api/v1/families/$FID/subjects" '{"name":"Grandpa Joe","kind":"adult"}'
SID=$(jbody .id)
join bob "$(invite caregiver Bob)"
join vic "$(invite viewer Vic)"
OFID=$(AS=oto new_family Other)
A="/api/v1/families/$FID/appointments"
BOB_MID=$(req GET "/api/v1/families/$FID/members"; jbody '.members[] | select(.name == "bob") | .id')
L() { local_ms $TZN "$1"; }
# times AID FROM TO — the local start times (YYYY-MM-DD HH:MM) of AID's occurrences.
times() {
    req GET "$A?from=$(L "$2")&to=$(L "$3")&subject=$SID"
    jbody "[.occurrences[] | select(.appointment_id == \"$1\") | .start / 1000 | strflocaltime(\"%Y-%m-%d %H:%M\")] | join(\",\")"
}
export TZ=$TZN # jq's strflocaltime reads it

# ---- a weekly appointment across the spring change ----
listen ana
wait_for ana '^retry:'
AS=bob req POST "$A" "{\"subject_id\":\"$SID\",\"title\":\"Physio\",\"type\":\"therapy\",
  \"start\":$(L '2026-03-16 09:00'),\"end\":$(L '2026-03-16 10:00'),\"location\":\"St Thomas, Westminster Bridge Rd\",
  \"with_whom\":\"Dr Amelia Shah\",\"notes\":\"Bring the knee brace; ask about\\nthe exercises\",\"driver_id\":\"$BOB_MID\",
  \"rrule\":\"FREQ=WEEKLY;BYDAY=MO;COUNT=6\"}"
is "$STATUS" 201 "a caregiver adds a weekly appointment"
PHYSIO=$(jbody .id)
is "$(jbody '[.start_local, .duration_min, .rrule, .driver_name, (.reminders|map(tostring)|join(","))] | map(tostring) | join(" ")')" \
    "2026-03-16T09:00 60 FREQ=WEEKLY;BYDAY=MO;COUNT=6 bob 1440,60" \
    "…kept as local wall time, with its rule, driver and the default reminders (24 h and 1 h before)"
V=$(jbody .version)
ok "$(wait_for ana "^id: $V\$"; echo $?)" "…streamed live"
ok "$(grep -A1 "^id: $V\$" "$T_DIR/sse-ana" | grep -q '^event: appointment'; echo $?)" "…as an appointment event"
is "$(times "$PHYSIO" '2026-03-01 00:00' '2026-05-01 00:00')" \
    "2026-03-16 09:00,2026-03-23 09:00,2026-03-30 09:00,2026-04-06 09:00,2026-04-13 09:00,2026-04-20 09:00" \
    "six Mondays at 09:00 local, before and after the clocks go forward"
req GET "$A?from=$(L '2026-03-01 00:00')&to=$(L '2026-05-01 00:00')"
is "$(jbody "[.occurrences[] | select(.appointment_id == \"$PHYSIO\") | .start] | .[1] - .[0], .[2] - .[1]" | paste -sd' ')" \
    "604800000 601200000" "…so the week over the change is an hour shorter in UTC"

# ---- other rules ----
mk() { # mk TITLE START-LOCAL RRULE — as ana; ID
    req POST "$A" "{\"subject_id\":\"$SID\",\"title\":\"$1\",\"type\":\"test\",\"start\":$(L "$2"),\"duration_min\":30,\"rrule\":\"$3\"}"
    ID=$(jbody .id)
    [ "$STATUS" = 201 ] || diag "POST $1: $STATUS $(body)"
}
mk Bloods '2026-10-20 08:15' 'FREQ=DAILY;INTERVAL=3;UNTIL=20261101'
is "$(times "$ID" '2026-10-01 00:00' '2026-12-01 00:00')" \
    "2026-10-20 08:15,2026-10-23 08:15,2026-10-26 08:15,2026-10-29 08:15,2026-11-01 08:15" \
    "every 3 days at 08:15 through the autumn change, UNTIL a date inclusive"
mk Clinic '2026-01-31 14:00' 'FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4'
is "$(times "$ID" '2026-01-01 00:00' '2026-12-01 00:00')" \
    "2026-01-31 14:00,2026-02-28 14:00,2026-03-31 14:00,2026-04-30 14:00" "the last day of each month"
mk Review '2026-01-13 11:00' 'FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU;COUNT=3'
is "$(times "$ID" '2026-01-01 00:00' '2026-12-01 00:00')" \
    "2026-01-13 11:00,2026-03-10 11:00,2026-05-12 11:00" "the second Tuesday every other month"
mk Swim '2026-06-01 17:00' 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20260630T230000Z'
is "$(times "$ID" '2026-06-01 00:00' '2026-08-01 00:00')" \
    "2026-06-01 17:00,2026-06-04 17:00,2026-06-15 17:00,2026-06-18 17:00,2026-06-29 17:00" \
    "Mondays and Thursdays every other week until a UTC time"
req POST "$A" "{\"subject_id\":\"$SID\",\"title\":\"x\",\"type\":\"test\",\"start\":$(L '2026-06-02 17:00'),\"rrule\":\"FREQ=WEEKLY;BYDAY=MO\"}"
is "$(jbody .error.fields.start)" "must be a day the rule repeats on (its first occurrence)" \
    "a rule whose first day is not its start is refused"
req POST "$A" "{\"subject_id\":\"$(uuid)\",\"title\":\"\",\"type\":\"party\",\"start\":5,\"rrule\":\"FREQ=YEARLY\",\"driver_id\":\"$(uuid)\",\"reminders\":[-5]}"
is "$STATUS $(jbody '.error.fields | keys | join(",")')" "400 reminders,rrule,start,title,type" "a bad appointment: every bad field named"
for rule in 'FREQ=WEEKLY;BYDAY=XX' 'FREQ=DAILY;COUNT=2;UNTIL=20260101' 'FREQ=WEEKLY;BYDAY=1MO' 'FREQ=DAILY;BYHOUR=3' 'FREQ=DAILY;'; do
    req POST "$A" "{\"subject_id\":\"$SID\",\"title\":\"x\",\"type\":\"test\",\"start\":$(L '2026-06-01 17:00'),\"rrule\":\"$rule\"}"
    like "$STATUS $(jbody .error.fields.rrule)" '^400 .' "rule refused: $rule ($(jbody .error.fields.rrule))"
done
for rem in 1e300 -1e300 1.5 10081 '"60"'; do
    req POST "$A" "{\"subject_id\":\"$SID\",\"title\":\"x\",\"type\":\"test\",\"start\":$(L '2026-06-01 17:00'),\"reminders\":[$rem]}"
    is "$STATUS $(jbody .error.fields.reminders)" "400 must be minutes before, 0 to 10080" "a reminder of $rem is refused"
done
req POST "$A" "{\"subject_id\":\"$SID\",\"title\":\"x\",\"type\":\"test\",\"start\":$(L '2026-06-01 17:00'),\"driver_id\":\"$(uuid)\"}"
is "$(jbody .error.fields.driver_id)" "is not a member of this family" "the driver is a member of the family"

# ---- one occurrence cancelled, one moved ----
O2=$(L '2026-03-23 09:00')
O3=$(L '2026-03-30 09:00')
req PUT "$A/$PHYSIO/occurrences/$O2" '{"cancelled":true}'
is "$STATUS" 200 "an occurrence cancelled"
req PUT "$A/$PHYSIO/occurrences/$O3" "{\"start\":$(L '2026-03-31 14:30'),\"end\":$(L '2026-03-31 15:30')}"
is "$STATUS $(jbody '[.exceptions[] | (.original_local + (if .cancelled then " cancelled" else " moved" end))] | join(", ")')" \
    "200 2026-03-23T09:00 cancelled, 2026-03-30T09:00 moved" "…another moved"
is "$(times "$PHYSIO" '2026-03-01 00:00' '2026-05-01 00:00')" \
    "2026-03-16 09:00,2026-03-31 14:30,2026-04-06 09:00,2026-04-13 09:00,2026-04-20 09:00" \
    "the series without the cancelled one and with the moved one at its new time"
req GET "$A?from=$(L '2026-03-31 00:00')&to=$(L '2026-04-01 00:00')"
is "$(jbody '.occurrences[] | select(.appointment_id == "'"$PHYSIO"'") | [.moved, .original == '"$O3"', .recurring] | map(tostring) | join(" ")')" "true true true" \
    "…marked moved, with its original start"
req PUT "$A/$PHYSIO/occurrences/$(L '2026-03-24 09:00')" '{"cancelled":true}'
is "$STATUS" 404 "a time that is no occurrence of the series: 404"
req PUT "$A/$PHYSIO/occurrences/$(L '2026-04-27 09:00')" '{"cancelled":true}'
is "$STATUS" 404 "…nor one past its COUNT"
req PUT "$A/$PHYSIO/occurrences/$O2" "{\"start\":$(L '2026-06-30 09:00'),\"end\":$(L '2026-06-30 10:00')}"
is "$(jbody .error.fields.start)" "an occurrence moves within 31 days of its date" "a move stays within a month"

# ---- roles and other families ----
AS=vic req POST "$A" "{\"subject_id\":\"$SID\",\"title\":\"x\",\"type\":\"test\",\"start\":$(L '2026-06-01 17:00')}"
is "$STATUS" 403 "a viewer cannot add an appointment"
AS=vic req PATCH "$A/$PHYSIO" '{"title":"x"}'
is "$STATUS" 403 "…nor change one"
AS=vic req PUT "$A/$PHYSIO/occurrences/$O2" '{"cancelled":true}'
is "$STATUS" 403 "…nor cancel one occurrence"
AS=vic req DELETE "$A/$PHYSIO"
is "$STATUS" 403 "…nor remove one"
AS=vic req GET "$A/$PHYSIO"
is "$STATUS $(jbody .title)" "200 Physio" "a viewer reads them"
for path in "$A" "$A/$PHYSIO"; do
    AS=oto req GET "$path"
    is "$STATUS" 404 "another family's member: 404 for GET ${path#"$A"}"
done
AS=oto req GET "/api/v1/families/$OFID/appointments/$PHYSIO"
is "$STATUS" 404 "an appointment of another family through one's own: 404"
AS=anon req GET "$A"
is "$STATUS" 401 "no session: 401"
req GET "$A?from=$(L '2026-01-01 00:00')&to=$(L '2027-06-01 00:00')"
is "$(jbody .error.fields.to)" "must be after from, 400 days at most" "a period of at most 400 days"
req PATCH "$A/$PHYSIO" '{"title":"Physiotherapy","reminders":[120]}'
is "$STATUS $(jbody '.title, (.reminders|map(tostring)|join(","))' | paste -sd' ')" "200 Physiotherapy 120" "a change"

# ---- the calendar feed ----
ICS="/api/v1/families/$FID/calendar.ics"
AS=vic req GET "/api/v1/families/$FID/calendar-token"
is "$(jbody .active)" false "no feed until a member asks for one"
AS=vic req POST "/api/v1/families/$FID/calendar-token"
is "$STATUS" 201 "a viewer makes their own feed"
TOKEN=$(jbody .token)
is "$(jbody .url)" "/api/v1/families/$FID/calendar.ics?token=$TOKEN" "…its address carries the token"
ok "$(db .dump | grep -q -- "$TOKEN"; [ $? -ne 0 ]; echo $?)" "…which is stored only hashed"
AS=anon req GET "$ICS?token=$TOKEN"
is "$STATUS $(header Content-Type)" "200 text/calendar; charset=utf-8" "the feed answers without a session, as iCalendar"
body > "$T_DIR/feed.ics"
ok "$(grep -qv $'\r$' "$T_DIR/feed.ics"; [ $? -ne 0 ]; echo $?)" "every line ends in CRLF"
ok "$(awk '{ if (length($0) > 76) bad = 1 } END { exit bad }' "$T_DIR/feed.ics"; echo $?)" "lines are folded at 75 octets"
for prop in 'BEGIN:VTIMEZONE' 'TZID:Europe/London' 'BEGIN:DAYLIGHT' 'TZOFFSETTO:+0100' "UID:$PHYSIO@carelog" \
    'DTSTART;TZID=Europe/London:20260316T090000' 'DTEND;TZID=Europe/London:20260316T100000' \
    'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6' 'EXDATE;TZID=Europe/London:20260323T090000' \
    'RECURRENCE-ID;TZID=Europe/London:20260330T090000' 'SUMMARY:Physiotherapy (Grandpa Joe)' \
    'LOCATION:St Thomas\, Westminster Bridge Rd' 'DTSTAMP:'; do
    ok "$(tr -d '\r' < "$T_DIR/feed.ics" | sed ':a;N;$!ba;s/\n //g' | grep -qF -- "$prop"; echo $?)" "the feed has $prop"
done
# A real iCalendar library reads it and expands the recurrences.
$PY "$T_ROOT/tests/tools/ics-check.py" 2026-03-01 2026-05-01 < "$T_DIR/feed.ics" > "$T_DIR/parsed.json" 2>"$T_DIR/py.err"
is "$?" 0 "python3-icalendar parses the feed $(head -c 200 "$T_DIR/py.err")"
is "$(jq -r '.tzids | join(",")' "$T_DIR/parsed.json")" "Europe/London" "…one VTIMEZONE, the family's"
is "$(jq -r --arg u "$PHYSIO@carelog" '[.events[] | select(.uid == $u) | .start] | join(",")' "$T_DIR/parsed.json")" \
    "2026-03-16T09:00:00+00:00,2026-03-31T14:30:00+01:00,2026-04-06T09:00:00+01:00,2026-04-13T09:00:00+01:00,2026-04-20T09:00:00+01:00" \
    "…its expansion: 09:00 GMT then 09:00 BST across the change, the cancelled one gone, the moved one moved"
is "$(jq -r --arg u "$PHYSIO@carelog" '[.events[] | select(.uid == $u) | .end] | first' "$T_DIR/parsed.json")" \
    "2026-03-16T10:00:00+00:00" "…with its end"
is "$(jq -r --arg u "$PHYSIO@carelog" '[.events[] | select(.uid == $u)][0] | .summary + " | " + .location + " | " + .description' "$T_DIR/parsed.json")" \
    "Physiotherapy (Grandpa Joe) | St Thomas, Westminster Bridge Rd | With: Dr Amelia Shah
Driver: bob
Type: therapy
Bring the knee brace; ask about
the exercises" "…summary, location and description unescaped as written"
api=$(times "$PHYSIO" '2026-03-01 00:00' '2026-05-01 00:00')
lib=$(jq -r --arg u "$PHYSIO@carelog" '[.events[] | select(.uid == $u) | .start[0:16] | sub("T"; " ")] | join(",")' "$T_DIR/parsed.json")
is "$lib" "$api" "the library's occurrences are the API's"
$PY "$T_ROOT/tests/tools/ics-check.py" 2026-10-01 2026-12-01 < "$T_DIR/feed.ics" > "$T_DIR/fall.json"
is "$(jq -r '[.events[] | select(.summary | startswith("Bloods")) | .start] | join(",")' "$T_DIR/fall.json")" \
    "2026-10-20T08:15:00+01:00,2026-10-23T08:15:00+01:00,2026-10-26T08:15:00+00:00,2026-10-29T08:15:00+00:00,2026-11-01T08:15:00+00:00" \
    "…and every 3 days at 08:15 across the autumn change, to its UNTIL"
$PY "$T_ROOT/tests/tools/ics-check.py" 2026-01-01 2026-12-31 < "$T_DIR/feed.ics" > "$T_DIR/year.json"
is "$(jq -r '[.events[] | select(.summary | startswith("Review")) | .start[0:10]] | join(",")' "$T_DIR/year.json")" \
    "2026-01-13,2026-03-10,2026-05-12" "…the second Tuesday every other month"
is "$(jq -r '[.events[] | select(.summary | startswith("Clinic")) | .start[0:10]] | join(",")' "$T_DIR/year.json")" \
    "2026-01-31,2026-02-28,2026-03-31,2026-04-30" "…the last day of the month"

AS=anon req GET "$ICS?token=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | head -c 43)"
is "$STATUS" 404 "a wrong token: 404"
AS=anon req GET "/api/v1/families/$OFID/calendar.ics?token=$TOKEN"
is "$STATUS" 404 "the token of one family does not open another"
AS=vic req POST "/api/v1/families/$FID/calendar-token"
NEW=$(jbody .token)
AS=anon req GET "$ICS?token=$TOKEN"
is "$STATUS" 404 "a new token replaces the old one"
AS=vic req DELETE "/api/v1/families/$FID/calendar-token"
is "$STATUS" 204 "the member revokes their feed"
AS=anon req GET "$ICS?token=$NEW"
is "$STATUS" 404 "…and it answers no more"
AS=bob req POST "/api/v1/families/$FID/calendar-token"
BOBT=$(jbody .token)
AS=bob req DELETE "/api/v1/families/$FID/members/$BOB_MID"
AS=anon req GET "$ICS?token=$BOBT"
is "$STATUS" 404 "a member who left has no feed any more"

# ---- an occurrence restored ----
AS=ana req DELETE "$A/$PHYSIO/occurrences/$O2"
is "$STATUS $(jbody '[.exceptions[].original_local] | join(",")')" "200 2026-03-30T09:00" "an occurrence restored"
is "$(times "$PHYSIO" '2026-03-01 00:00' '2026-03-28 00:00')" "2026-03-16 09:00,2026-03-23 09:00" "…is back at its time"
AS=vic req DELETE "$A/$PHYSIO/occurrences/$O3"
is "$STATUS" 403 "…a viewer cannot restore one"

# ---- removal and audit ----
AS=ana req DELETE "$A/$PHYSIO"
is "$STATUS" 204 "an appointment removed"
AS=ana req GET "$A/$PHYSIO"
is "$STATUS" 404 "…is gone"
req GET "/api/v1/families/$FID/audit?limit=200"
is "$(jbody '[.events[].action | select(startswith("appointment") or startswith("calendar"))] | unique | join(" ")')" \
    "appointment_added appointment_occurrence_changed appointment_removed appointment_updated calendar_token_created calendar_token_revoked" \
    "every change is audited"
done_testing
