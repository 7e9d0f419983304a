#!/bin/bash
# t0723-shifts.sh — caregiver shifts and handoffs: owners plan shifts
# (caregivers and viewers may not), caregivers take open ones, the week
# view expands a weekly series and marks a coverage gap and an overlap,
# check-in is idempotent and brings the last handoff, check-out stores the
# note and a digest of what was logged for the person during the shift
# (a dose given and one missed, a meal, vitals, a symptom), all of it in
# the live stream and the audit log; another family's caller gets 404.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
for who in ana bob cat vic oto; do signup $who; done
export AS=ana
FID=$(new_family Home UTC)
req POST "/api/v1/families/$FID/subjects" '{"name":"Sam","kind":"child"}'
SID=$(jbody .id)
req POST "/api/v1/families/$FID/subjects" '{"name":"Grandpa Joe","kind":"adult"}'
SID2=$(jbody .id)
join bob "$(invite caregiver Bob)"
join cat "$(invite caregiver Cat)"
join vic "$(invite viewer Vic)"
mid() { AS=ana req GET "/api/v1/families/$FID/members"; jbody ".members[] | select(.name == \"$1\") | .id"; }
BOB=$(mid bob)
CAT=$(mid cat)
ANA=$(mid ana)
S="/api/v1/families/$FID/shifts"
NOW=$(date +%s%3N)
H=$(( NOW / 3600000 * 3600000 ))
hr() { echo $(( H + $1 * 60000 )); } # hr MINUTES — H plus that many minutes
hm() { TZ=UTC date -d "@$(( $(hr "$1") / 1000 ))" +%H:%M; }

listen ana
wait_for ana '^retry:'

# ---- planning: owners only ----
req POST "$S" "{\"subject_id\":\"$SID\",\"caregiver_id\":\"$BOB\",\"start\":$(hr -120),\"end\":$(hr 120),\"notes\":\"Morning\"}"
is "$STATUS" 201 "an owner plans a shift"
A=$(jbody .id)
is "$(jbody '[.caregiver_name, .duration_min, .start, .rrule] | map(tostring) | join(" ")')" \
    "bob 240 $(hr -120) null" "…for Bob, four hours, from its start"
V=$(jbody .version)
ok "$(wait_for ana "^id: $V\$"; echo $?)" "…streamed live"
ok "$(grep -A1 "^id: $V\$" "$T_DIR/sse-ana" | grep -q '^event: shift$'; echo $?)" "…as a shift event"
AS=bob req POST "$S" "{\"subject_id\":\"$SID\",\"start\":$(hr 60),\"duration_min\":60}"
is "$STATUS" 403 "a caregiver cannot plan a shift"
AS=vic req POST "$S" "{\"subject_id\":\"$SID\",\"start\":$(hr 60),\"duration_min\":60}"
is "$STATUS" 403 "…nor a viewer"
AS=oto req GET "$S"
is "$STATUS" 404 "another family's member gets 404 for the list"
AS=oto req GET "$S/$A"
is "$STATUS" 404 "…and for a shift"
AS=oto req POST "$S/$A/check-in" "{\"occurrence\":$(hr -120),\"at\":$NOW}"
is "$STATUS" 404 "…and for a check-in"
req POST "$S" "{\"subject_id\":\"$(uuid)\",\"caregiver_id\":\"$(uuid)\",\"start\":$(hr 60),\"end\":$(hr 30),\"rrule\":\"FREQ=DAILY\"}"
is "$STATUS $(jbody '.error.fields | keys | join(",")')" "400 end" "a shift ending before it starts is refused"
req POST "$S" "{\"subject_id\":\"$SID\",\"caregiver_id\":\"$(uuid)\",\"start\":$(hr 60),\"duration_min\":60,\"rrule\":\"FREQ=DAILY\"}"
is "$STATUS $(jbody '.error.fields | keys | join(",")')" "400 caregiver_id" "…one for a stranger"
req POST "$S" "{\"subject_id\":\"$SID\",\"start\":$(hr 60),\"duration_min\":60,\"rrule\":\"FREQ=DAILY\"}"
is "$STATUS $(jbody '.error.fields.rrule')" "400 a shift repeats weekly (FREQ=WEEKLY)" "…a daily rule"
req POST "$S" "{\"subject_id\":\"$SID\",\"start\":$(hr 60),\"duration_min\":2000}"
is "$STATUS $(jbody '.error.fields | keys | join(",")')" "400 duration_min" "…one longer than a day"
AS=vic req GET "$S/$A"
is "$STATUS $(jbody .notes)" "200 Morning" "a viewer reads a shift"

# Cat from an hour after now to three hours after (overlapping Bob's last
# hour), and an open shift from six to eight hours after: a gap between.
req POST "$S" "{\"subject_id\":\"$SID\",\"caregiver_id\":\"$CAT\",\"start\":$(hr 60),\"duration_min\":180}"
B=$(jbody .id)
req POST "$S" "{\"subject_id\":\"$SID\",\"start\":$(hr 360),\"duration_min\":120}"
C=$(jbody .id)
is "$(jbody '.caregiver_id')" null "an open shift has no caregiver"
AS=vic req GET "$S?from=$(hr -180)&to=$(hr 600)&subject_id=$SID"
is "$STATUS $(jbody '.occurrences | length')" "200 3" "the week view lists the occurrences"
is "$(jbody '[.occurrences[] | .open] | map(tostring) | join(" ")')" "false false true" "…in order, the open one marked"
is "$(jbody '.overlaps | map("\(.start) \(.end) \(.caregiver_ids | sort | join(","))") | join(";")')" \
    "$(hr 60) $(hr 120) $(printf '%s\n' "$BOB" "$CAT" | sort | paste -sd,)" "an overlap: Bob's and Cat's hour"
is "$(jbody '.gaps | map("\(.start) \(.end)") | join(";")')" "$(hr 240) $(hr 480)" \
    "a gap: from Cat's end to the open shift's end (an open shift covers nothing)"

# ---- taking an open shift ----
AS=vic req POST "$S/$C/take"
is "$STATUS" 403 "a viewer cannot take a shift"
AS=cat req POST "$S/$C/take"
is "$STATUS $(jbody .caregiver_name)" "200 cat" "a caregiver takes the open shift"
AS=cat req POST "$S/$C/take"
is "$STATUS" 200 "…taking it again changes nothing"
AS=bob req POST "$S/$C/take"
is "$STATUS $(jbody .error.code)" "409 taken" "…nobody else can take it then"
AS=vic req GET "$S?from=$(hr -180)&to=$(hr 600)&subject_id=$SID"
is "$(jbody '.gaps | map("\(.start) \(.end)") | join(";")')" "$(hr 240) $(hr 360)" "…and the gap shrinks to before it"

# ---- a weekly series ----
req POST "$S" "{\"subject_id\":\"$SID2\",\"caregiver_id\":\"$CAT\",\"start\":$(hr 1440),\"duration_min\":480,\"rrule\":\"FREQ=WEEKLY;COUNT=3\"}"
is "$STATUS $(jbody .rrule)" "201 FREQ=WEEKLY;COUNT=3" "a weekly series"
AS=bob req GET "$S?from=$H&to=$(hr $(( 40 * 1440 )))&subject_id=$SID2"
is "$(jbody '[.occurrences[] | .start] | join(" ")')" \
    "$(hr 1440) $(hr $(( 8 * 1440 ))) $(hr $(( 15 * 1440 )))" "…expands into three occurrences a week apart"
is "$(jbody '[.occurrences[] | .recurring] | all')" true "…each marked recurring"

# ---- check-in ----
MED_DAY=$(TZ=UTC date -d "@$(( (NOW - 2 * 86400000) / 1000 ))" +%F)
AS=ana req POST "/api/v1/families/$FID/medications" "{\"subject_id\":\"$SID\",\"name\":\"Iron\",\"form\":\"liquid\",
  \"start_date\":\"$MED_DAY\",\"schedule\":{\"kind\":\"times\",\"times\":[\"$(hm -90)\",\"$(hm -60)\"]}}"
is "$STATUS" 201 "a medication with doses during Bob's shift"
MED=$(jbody .id)
db "UPDATE medications SET created_at = $(hr -1440) WHERE id = '$MED'"
AS=cat req POST "$S/$A/check-in" "{\"occurrence\":$(hr -120),\"at\":$(hr -115)}"
is "$STATUS $(jbody .error.code)" "403 not_your_shift" "Cat cannot check in to Bob's shift"
AS=bob req POST "$S/$A/check-out" "{\"occurrence\":$(hr -120),\"at\":$NOW}"
is "$STATUS $(jbody .error.code)" "409 not_checked_in" "no check-out before a check-in"
AS=bob req POST "$S/$A/check-in" "{\"occurrence\":$(hr -119),\"at\":$(hr -115)}"
is "$STATUS $(jbody '.error.fields | keys | join(",")')" "400 occurrence" "a check-in names a real occurrence"
AS=bob req POST "$S/$A/check-in" "{\"occurrence\":$(hr -120),\"at\":$(( NOW + 3600000 ))}"
is "$STATUS $(jbody '.error.fields | keys | join(",")')" "400 at" "…at a time not in the future"
AS=bob req POST "$S/$A/check-in" "{\"occurrence\":$(hr -120),\"at\":$(hr -115)}"
is "$STATUS $(jbody '[.checked_in_at, .member_name, .last_handoff] | map(tostring) | join(" ")')" \
    "201 $(hr -115) bob null" "Bob checks in with the time it happened (no handoff before)"
VISIT=$(jbody .id)
V=$(jbody .version)
AS=bob req POST "$S/$A/check-in" "{\"occurrence\":$(hr -120),\"at\":$(hr -114)}"
is "$STATUS $(jbody '[.id, .checked_in_at] | join(" ")')" "200 $VISIT $(hr -115)" \
    "a retried check-in (the outbox) is the same one"
is "$(db "SELECT count(*) FROM shift_visits WHERE shift_id = '$A'")" 1 "…no second row"
ok "$(wait_for ana "^id: $V\$"; echo $?)" "the check-in is streamed live"
ok "$(grep -A1 "^id: $V\$" "$T_DIR/sse-ana" | grep -q '^event: shift_visit$'; echo $?)" "…as a shift_visit event"

# ---- what Bob logs, then check-out ----
export AS=bob
put_entry "$(uuid)" "{type: \"feed\", ts: $(hr -200), value: {method: \"solids\", food: \"before\"}}"
put_entry "$(uuid)" "{type: \"feed\", ts: $(hr -80), value: {method: \"solids\", food: \"porridge\"}}"
put_entry "$(uuid)" "{type: \"medication_dose\", ts: $(hr -88), value: {medication_id: \"$MED\", status: \"given\", scheduled_at: $(hr -90)}}"
put_entry "$(uuid)" "{type: \"vitals\", ts: $(hr -50), value: {heart_rate: 92}}"
put_entry "$(uuid)" "{type: \"symptom\", ts: $(hr -40), value: {text: \"Cough\"}}"
put_entry "$(uuid)" "{type: \"sleep\", ts: $(hr -30), end_ts: $(hr -10), value: {}}"
is "$STATUS" 201 "Bob logs a meal, a dose, vitals, a symptom, a nap"
req GET "$S/$A/digest?occurrence=$(hr -120)"
is "$STATUS $(jbody '.digest.counts.meals')" "200 1" "the digest so far, before check-out"
export AS=ana
AS=cat req POST "$S/$A/check-out" "{\"occurrence\":$(hr -120),\"at\":$NOW,\"note\":\"x\"}"
is "$STATUS" 403 "Cat cannot check Bob out"
AS=bob req POST "$S/$A/check-out" "{\"occurrence\":$(hr -120),\"at\":$NOW,\"note\":\"Ate well.\\nCough after lunch.\"}"
is "$STATUS $(jbody '[.checked_out_at, .note] | map(tostring) | join("|")')" \
    "200 $NOW|Ate well.
Cough after lunch." "Bob checks out with a note"
is "$(jbody '.digest.counts | [.doses_given, .doses_missed, .meals, .sleep, .vitals, .incidents] | map(tostring) | join(" ")')" \
    "1 1 1 1 1 1" "the digest counts a dose given, one missed, a meal, a nap, vitals, a symptom"
is "$(jbody '.digest.doses | map("\(.name) \(.scheduled_at) \(.state)") | join(";")')" \
    "Iron $(hr -90) given;Iron $(hr -60) missed" "…the doses by scheduled time"
is "$(jbody '.digest.meals[0].value.food') $(jbody '.digest.incidents[0].value.text') $(jbody '.digest.vitals[0].value.heart_rate')" \
    "porridge Cough 92" "…and what was logged, nothing from before the check-in"
AS=bob req POST "$S/$A/check-out" "{\"occurrence\":$(hr -120),\"at\":$NOW,\"note\":\"again\"}"
is "$STATUS $(jbody .note | head -1)" "200 Ate well." "a retried check-out changes nothing"

# ---- the next caregiver sees the handoff first ----
AS=cat req POST "$S/$B/check-in" "{\"occurrence\":$(hr 60),\"at\":$NOW}"
is "$STATUS $(jbody '.last_handoff.member_name') $(jbody '.last_handoff.note | split("\n")[0]')" \
    "201 bob Ate well." "Cat's check-in brings Bob's handoff"
is "$(jbody '.last_handoff.digest.counts.doses_missed')" 1 "…with its digest"
AS=vic req GET "$S?subject_id=$SID&from=$(hr -180)&to=$(hr 600)"
is "$(jbody ".last_handoffs[\"$SID\"].note | split(\"\n\")[0]")" "Ate well." "the week view gives the last handoff"
is "$(jbody "[.occurrences[] | select(.shift_id == \"$B\") | .visit.member_name] | join(\"\")")" "cat" \
    "…and each occurrence's check-in"
AS=vic req POST "$S/$B/check-in" "{\"occurrence\":$(hr 60),\"at\":$NOW}"
is "$STATUS" 403 "a viewer cannot check in"

# ---- editing and removing ----
AS=bob req PATCH "$S/$C" '{"notes":"x"}'
is "$STATUS" 403 "a caregiver cannot edit a shift"
req PATCH "$S/$C" "{\"caregiver_id\":null,\"notes\":\"Evening\",\"duration_min\":90}"
is "$STATUS $(jbody '[.caregiver_id, .notes, .duration_min] | map(tostring) | join(" ")')" \
    "200 null Evening 90" "an owner edits a shift (open again)"
AS=bob req DELETE "$S/$C"
is "$STATUS" 403 "a caregiver cannot remove a shift"
req DELETE "$S/$C"
is "$STATUS" 204 "an owner removes a shift"
req GET "$S/$C"
is "$STATUS" 404 "…gone"
is "$(db "SELECT group_concat(action, ',') FROM (SELECT DISTINCT action FROM audit_log WHERE action LIKE 'shift%' ORDER BY action)")" \
    "shift_added,shift_checked_in,shift_checked_out,shift_removed,shift_taken,shift_updated" "every write is in the audit log"

# Deleting the family deletes its shifts and their visits.
req DELETE "/api/v1/families/$FID" '{"confirm": "Home"}'
is "$STATUS $(db "SELECT (SELECT count(*) FROM shifts WHERE family_id = '$FID') + (SELECT count(*) FROM shift_visits WHERE family_id = '$FID')")" \
    "204 0" "deleting the family deletes its shifts and visits"
done_testing
