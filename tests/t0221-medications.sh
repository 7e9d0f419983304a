#!/bin/bash
# t0221-medications.sh — medications and their doses: every route and role,
# checks on what a medication says, the day's schedule in the family's zone
# on both clock-change days (a time in the spring gap, a time the autumn
# repeats, every N hours as wall-clock times), dose states (due, late,
# missed, given, skipped), two caregivers giving the same dose offline then
# syncing (one dose and a visible conflict), the supply left and the
# refill threshold, as-needed doses (minimum interval, maximum per 24 h),
# adherence over 7 days, the live stream and the audit log.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
signup bob
signup vic
signup oto
export AS=ana
TZN=Europe/London
FID=$(new_family Home $TZN)
req POST "/api/v1/families/$FID/subjects" '{"name":"Grandpa Joe","kind":"adult"}'
SID=$(jbody .id)
req POST "/api/v1/families/$FID/subjects" '{"name":"Noa","kind":"baby"}'
NOA=$(jbody .id)
join bob "$(invite caregiver Bob)"
join vic "$(invite viewer Vic)"
OFID=$(AS=oto new_family Other)
M="/api/v1/families/$FID/medications"
NOW=$(date +%s%3N)
# dose MED STATUS TS [SCHEDULED] [EXTRA-JQ] — as $AS, records a dose; ID is its id.
dose() {
    ID=$(uuid)
    put_entry "$ID" "{type: \"medication_dose\", ts: $3, value: ({medication_id: \"$1\", status: \"$2\"}
        + (if \"${4:-}\" == \"\" then {} else {scheduled_at: ${4:-0}} end) + (${5:-{\}}))}"
}
# slot DATE MED TIME — the schedule's dose of MED at local TIME on DATE, as JSON.
slot() {
    req GET "$M/schedule?date=$1&subject=$SID"
    jbody ".doses[] | select(.medication_id == \"$2\" and .time == \"$3\")"
}

# ---- writing one, and the checks ----
listen ana
wait_for ana '^retry:'
AS=bob req POST "$M" "{\"subject_id\":\"$SID\",\"name\":\"Metformin\",\"form\":\"tablet\",\"dose\":1,\"unit\":\"tablet\",
  \"instructions\":\"With food\",\"prescriber\":\"Dr Shah\",\"pharmacy_phone\":\"+44 20 7946 0000\",
  \"start_date\":\"2026-01-01\",\"schedule\":{\"kind\":\"times\",\"times\":[\"20:00\",\"08:00\"]},
  \"supply\":10,\"refill_at\":8}"
is "$STATUS" 201 "a caregiver adds a medication"
MET=$(jbody .id)
is "$(jbody '[.schedule.kind, (.schedule.times|join(",")), .opted_in, .supply_left, .active] | map(tostring) | join(" ")')" \
    "times 08:00,20:00 true 10 true" "…its times sorted, the adder opted in to dose-due alerts, the supply as given"
V=$(jbody .version)
ok "$(wait_for ana "^id: $V\$"; echo $?)" "…streamed live"
ok "$(grep -A1 "^id: $V\$" "$T_DIR/sse-ana" | grep -q '^event: medication'; echo $?)" "…as a medication event"

req POST "$M" "{\"subject_id\":\"$(uuid)\",\"name\":\"\",\"form\":\"pill\",\"start_date\":\"2026-02-01\",\"end_date\":\"2026-01-01\",
  \"pharmacy_phone\":\"call\",\"schedule\":{\"kind\":\"times\",\"times\":[\"25:00\"]},\"supply\":-1}"
is "$STATUS $(jbody '.error.fields | keys | join(",")')" \
    "400 end_date,form,name,pharmacy_phone,schedule.times,supply" "a bad medication: every bad field named"
req POST "$M" "{\"subject_id\":\"$(uuid)\",\"name\":\"x\",\"form\":\"tablet\",\"schedule\":{\"kind\":\"times\",\"times\":[\"08:00\"]}}"
is "$(jbody .error.fields.subject_id)" "is not a person in this family" "…a person of this family"
req POST "$M" "{\"subject_id\":\"$SID\",\"name\":\"x\",\"form\":\"tablet\",\"schedule\":{\"kind\":\"interval\",\"every_hours\":5,\"first_time\":\"8\"}}"
is "$(jbody '.error.fields | keys | join(",")')" "schedule.every_hours,schedule.first_time" "every N hours: N divides 24, from a time of day"
req POST "$M" "{\"subject_id\":\"$SID\",\"name\":\"x\",\"form\":\"tablet\"}"
is "$(jbody .error.fields.schedule)" "is required" "a schedule is required"

# ---- roles ----
AS=vic req POST "$M" "{\"subject_id\":\"$SID\",\"name\":\"x\",\"form\":\"tablet\",\"schedule\":{\"kind\":\"prn\"}}"
is "$STATUS" 403 "a viewer cannot add one"
AS=vic req PATCH "$M/$MET" '{"name":"y"}'
is "$STATUS" 403 "…nor change one"
AS=vic req DELETE "$M/$MET"
is "$STATUS" 403 "…nor remove one"
AS=vic req GET "$M"
is "$STATUS $(jbody '.medications[0].name, .medications[0].opted_in' | paste -sd' ')" "200 Metformin false" "a viewer lists them"
AS=vic req PUT "$M/$MET/optin"
is "$STATUS $(jbody .opted_in)" "200 true" "…and may opt in to dose-due alerts"
AS=vic req DELETE "$M/$MET/optin"
is "$(jbody .opted_in)" "false" "…and out again"
AS=vic req GET "$M/schedule"
is "$STATUS" 200 "a viewer reads the schedule"
AS=vic req GET "$M/$MET/history?days=7"
is "$STATUS" 200 "…and the history"
for path in "$M" "$M/$MET" "$M/schedule" "$M/$MET/history"; do
    AS=oto req GET "$path"
    is "$STATUS" 404 "another family's member: 404 for GET ${path#"$M"}"
done
AS=oto req GET "/api/v1/families/$OFID/medications/$MET"
is "$STATUS" 404 "a medication of another family through one's own: 404"
AS=oto req PATCH "$M/$MET" '{"name":"y"}'
is "$STATUS" 404 "…and no write"
AS=anon req GET "$M"
is "$STATUS" 401 "no session: 401"
req GET "$M/$(uuid)"
is "$STATUS" 404 "an unknown medication: 404"
req GET "$M/schedule?date=2026-02-30"
is "$(jbody .error.fields.date)" "must be a date as YYYY-MM-DD" "a day that does not exist is refused"

# ---- the schedule on the clock-change days (Europe/London) ----
req POST "$M" "{\"subject_id\":\"$SID\",\"name\":\"Every6\",\"form\":\"liquid\",\"start_date\":\"2026-01-01\",
  \"schedule\":{\"kind\":\"interval\",\"every_hours\":6,\"first_time\":\"00:00\"}}"
E6=$(jbody .id)
req POST "$M" "{\"subject_id\":\"$SID\",\"name\":\"Night\",\"form\":\"drops\",\"start_date\":\"2026-01-01\",
  \"schedule\":{\"kind\":\"times\",\"times\":[\"01:30\"]}}"
NIGHT=$(jbody .id)
req GET "$M/schedule?date=2026-03-29&subject=$SID"
is "$(jbody '.timezone')" "$TZN" "the schedule is in the family's zone"
is "$(jbody "[.doses[] | select(.medication_id == \"$E6\") | .time] | join(\" \")")" "00:00 06:00 12:00 18:00" \
    "spring forward: every 6 h stays at 00:00, 06:00, 12:00, 18:00 local"
is "$(jbody "[.doses[] | select(.medication_id == \"$E6\") | .scheduled_at] | map(tostring) | join(\" \")")" \
    "$(local_ms $TZN '2026-03-29 00:00') $(local_ms $TZN '2026-03-29 06:00') $(local_ms $TZN '2026-03-29 12:00') $(local_ms $TZN '2026-03-29 18:00')" \
    "…at the right instants (GMT before 01:00 UTC, BST after)"
is "$(jbody "[.doses[] | select(.medication_id == \"$NIGHT\") | (.time + \"@\" + (.scheduled_at|tostring))] | join(\" \")")" \
    "02:00@$(date -u -d '2026-03-29 01:00' +%s%3N)" "a 01:30 dose swallowed by the gap is given at its end, 02:00 BST"
req GET "$M/schedule?date=2026-10-25&subject=$SID"
is "$(jbody "[.doses[] | select(.medication_id == \"$NIGHT\") | .scheduled_at] | map(tostring) | join(\" \")")" \
    "$(date -u -d '2026-10-25 00:30' +%s%3N)" "fall back: the repeated 01:30 is one dose, the first (00:30 UTC)"
is "$(jbody "[.doses[] | select(.medication_id == \"$E6\")] | length")" 4 "…and every 6 h still makes four doses in 25 hours"
req GET "$M/schedule?date=2025-12-31&subject=$SID"
is "$(jbody '.doses | length')" 0 "no doses before a medication's start date"

# ---- dose states ----
YDAY=$(TZ=$TZN date -d yesterday +%F)
TOMORROW=$(TZ=$TZN date -d tomorrow +%F)
Y8=$(local_ms $TZN "$YDAY 08:00")
Y20=$(local_ms $TZN "$YDAY 20:00")
AS=bob dose "$MET" given $((Y8 + 300000)) "$Y8"
is "$STATUS" 201 "a dose is an entry of type medication_dose"
GIVEN=$ID
AS=ana dose "$MET" skipped $((Y20 + 60000)) "$Y20" '{reason: "asleep"}'
is "$(slot "$YDAY" "$MET" 08:00 | jq -r '[.state, .by, .entry_id == "'"$GIVEN"'", .on_time] | map(tostring) | join(" ")')" \
    "given bob true true" "given: by whom, which entry, on time"
is "$(slot "$YDAY" "$MET" 20:00 | jq -r '[.state, .reason] | join(" ")')" "skipped asleep" "skipped, with its reason"
req GET "$M/schedule?date=$YDAY&subject=$SID"
is "$(jbody "[.doses[] | select(.medication_id == \"$E6\") | .state] | unique | join(\" \")")" "missed" \
    "doses of a past day never recorded: missed"
req GET "$M/schedule?date=$TOMORROW&subject=$SID"
is "$(jbody '[.doses[].state] | unique | join(" ")')" "due" "tomorrow's doses: due"
LATE_AT=$(( (NOW - 600000) / 60000 * 60000 ))
LATE_HM=$(TZ=$TZN date -d "@$((LATE_AT / 1000))" +%H:%M)
LATE_DAY=$(TZ=$TZN date -d "@$((LATE_AT / 1000))" +%F)
req POST "$M" "{\"subject_id\":\"$SID\",\"name\":\"Now\",\"form\":\"tablet\",\"start_date\":\"2026-01-01\",\"schedule\":{\"kind\":\"times\",\"times\":[\"$LATE_HM\"]}}"
NOWMED=$(jbody .id)
is "$(slot "$LATE_DAY" "$NOWMED" "$LATE_HM" | jq -r .state)" "late" "10 minutes past its time and not given: late"
dose "$MET" given $NOW "" '{scheduled_at: 5}'
is "$STATUS" 400 "a dose's scheduled time is epoch ms"
dose "$(uuid)" given $NOW
is "$(jbody '.error.fields["value.medication_id"]')" "is not a medication of this person" \
    "a dose names a medication of its person"
SID_SAVE=$SID; SID=$NOA; dose "$MET" given $NOW; SID=$SID_SAVE
is "$STATUS" 400 "…not another person's"
dose "$MET" given $NOW "" '{reason: "x"}'
is "$(jbody '.error.fields["value.reason"]')" "is only for skipped doses" "a reason is for a skipped dose"

# ---- two caregivers give the same dose offline, then sync ----
D2=$(TZ=$TZN date -d '2 days ago' +%F)
S8=$(local_ms $TZN "$D2 08:00")
change() { # change ID AUTHOR-TS
    jq -cn --arg id "$1" --arg sid "$SID" --arg med "$MET" --argjson ts "$2" --argjson s "$S8" \
        '{op: "put", id: $id, subject_id: $sid, type: "medication_dose", ts: $ts, updated_at: $ts,
          value: {medication_id: $med, status: "given", scheduled_at: $s, name: "Metformin", dose: 1, unit: "tablet"}}'
}
BOBS=$(uuid)
ANAS=$(uuid)
# Both gave it late, after the supply was counted (so the supply shows it).
AS=bob req POST "/api/v1/families/$FID/sync" "{\"cursor\":0,\"changes\":[$(change "$BOBS" $(date +%s%3N))]}"
is "$(jbody '.results[0].status')" applied "Bob's offline dose syncs"
AS=ana req POST "/api/v1/families/$FID/sync" "{\"cursor\":0,\"changes\":[$(change "$ANAS" $(date +%s%3N))]}"
is "$(jbody '.results[0].status')" applied "Ana's offline dose of the same time syncs too: nothing given is lost"
one=$(slot "$D2" "$MET" 08:00)
is "$(echo "$one" | jq -r '[.state, .by, .entry_id == "'"$BOBS"'"] | map(tostring) | join(" ")')" "given bob true" \
    "the schedule shows one given dose: the first the server stored"
is "$(echo "$one" | jq -r '[.conflicts[] | .entry_id == "'"$ANAS"'", .by, .status] | map(tostring) | join(" ")')" \
    "true ana given" "…and Ana's as a visible conflict, never a silent second dose"
req GET "$M/$MET"
is "$(jbody .supply_left)" 9 "the supply counts the doubly recorded dose once (doses before the count do not count)"

# ---- supply, dose amounts, deletes, a refill ----
dose "$MET" given "$(date +%s%3N)" "" '{dose: 2}'
EXTRA=$ID
req GET "$M/$MET"
is "$(jbody .supply_left)" 7 "an extra dose of 2 takes 2"
req DELETE "/api/v1/families/$FID/entries/$EXTRA?updated_at=$(( $(date +%s%3N) + 10))"
req DELETE "/api/v1/families/$FID/entries/$BOBS?updated_at=$(( $(date +%s%3N) + 10))"
req GET "$M/$MET"
is "$(jbody .supply_left)" 9 "deleting doses gives them back (and the conflict becomes the dose: still one)"
is "$(slot "$D2" "$MET" 08:00 | jq -r '[.by, (.conflicts|length)] | map(tostring) | join(" ")')" "ana 0" \
    "…the conflict resolved, Ana's record is the dose"
req PATCH "$M/$MET" '{"supply":30}'
is "$(jbody '.supply_left, .supply' | paste -sd' ')" "30 30" "a refill sets a new count from now"

# ---- as needed: minimum interval and maximum per 24 h ----
req POST "$M" "{\"subject_id\":\"$SID\",\"name\":\"Paracetamol\",\"form\":\"tablet\",\"dose\":2,\"unit\":\"tablet\",
  \"schedule\":{\"kind\":\"prn\",\"min_interval_min\":240,\"max_per_24h\":3}}"
PRN=$(jbody .id)
prn() { req GET "$M/schedule?subject=$SID"; jbody ".prn[] | select(.medication_id == \"$PRN\") | $1"; }
is "$(prn '[.last_at, .in_24h, .next_safe_at] | map(tostring) | join(" ")')" "null 0 null" "nothing given: safe now"
T1=$((NOW - 3600000))
dose "$PRN" given $T1
is "$(prn '[.last_at, .in_24h, .next_safe_at] | map(tostring) | join(" ")')" "$T1 1 $((T1 + 240 * 60000))" \
    "one an hour ago: safe again 4 hours after it"
T3=$((NOW - 10 * 3600000))
dose "$PRN" given $((NOW - 5 * 3600000))
dose "$PRN" given $T3
is "$(prn '[.in_24h, .next_safe_at] | map(tostring) | join(" ")')" "3 $((T3 + 86400000))" \
    "three in 24 h (the maximum): safe when the oldest leaves the 24 hours"
req GET "$M/schedule?subject=$SID"
is "$(jbody "[.doses[] | select(.medication_id == \"$PRN\")] | length")" 0 "as-needed medications have no scheduled doses"

# ---- adherence over 7 days ----
req POST "$M" "{\"subject_id\":\"$SID\",\"name\":\"Daily\",\"form\":\"tablet\",\"start_date\":\"2026-01-01\",
  \"schedule\":{\"kind\":\"times\",\"times\":[\"00:00\"]}}"
DAILY=$(jbody .id)
at0() { local_ms $TZN "$(TZ=$TZN date -d "$1 days ago" +%F) 00:00"; }
for back in 1 2 3; do dose "$DAILY" given $(( $(at0 $back) + 300000 )) "$(at0 $back)"; done
dose "$DAILY" given $(( $(at0 4) + 7200000 )) "$(at0 4)"
dose "$DAILY" skipped $(( $(at0 5) + 60000 )) "$(at0 5)" '{reason: "refused"}'
req GET "$M/$DAILY/history?days=7"
is "$(jbody '[.scheduled, .given, .on_time, .skipped, .missed, .adherence] | map(tostring) | join(" ")')" \
    "7 4 3 1 2 43" "7 days: 4 given (3 on time, 1 two hours late), 1 skipped, 2 missed: 43% on time"
is "$(jbody '.doses[0].state, .doses[4].on_time' | paste -sd' ')" "missed false" "…newest first, each with its state"
req GET "$M/$DAILY/history?days=91"
is "$STATUS" 400 "history of 1 to 90 days"

# ---- change, remove, audit ----
req PATCH "$M/$MET" '{"active":false,"schedule":{"kind":"times","times":["09:00"]},"end_date":"2025-12-01"}'
is "$(jbody .error.fields.end_date)" "must not be before start_date" "an end before the stored start is refused"
req PATCH "$M/$MET" '{"active":false,"schedule":{"kind":"times","times":["09:00"]},"subject_id":"x","supply_left":3}'
is "$STATUS $(jbody '.active, (.schedule.times|join(","))' | paste -sd' ')" "200 false 09:00" \
    "a change (echoed fields ignored)"
req GET "$M/schedule?date=$TOMORROW&subject=$SID"
is "$(jbody "[.doses[] | select(.medication_id == \"$MET\")] | length")" 0 "an inactive medication has no doses"
AS=bob req DELETE "$M/$E6"
is "$STATUS" 204 "a caregiver removes one"
req GET "$M/$E6"
is "$STATUS" 404 "…it is gone"
dose "$E6" given $NOW
is "$STATUS" 201 "…but a dose logged offline for it is still kept"
req GET "/api/v1/families/$FID/audit?limit=200"
is "$(jbody '[.events[].action | select(startswith("medication_"))] | unique | join(" ")')" \
    "medication_added medication_removed medication_updated" "added, changed and removed are audited"
done_testing
