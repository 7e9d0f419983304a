#!/bin/bash
# t0201-entries.sh — typed entries: every type's validation (good and bad),
# idempotent PUT, last write wins with the winner returned on 409, a
# deterministic tie-break, tombstones, undo, timers (one running sleep per
# person), roles, and keyset listing.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
export AS=ana
family_with_baby
NOW=$(date +%s%3N)
T=$((NOW - 3600000))

# One good value per type is stored; each bad one is refused with field messages.
good='feed {method:"breast_left"} end
feed {method:"bottle",milk:"formula",amount_ml:120} -
feed {method:"solids",food:"banana",amount_ml:40} -
diaper {wet:true,colour:"yellow"} -
diaper {wet:true,dirty:true,notes:"rash"} -
sleep {kind:"nap"} end
pump {side:"left",amount_ml:80} end
growth {weight_g:4200,length_cm:54.5,head_cm:37} -
temperature {celsius:37.8,method:"axillary"} -
medication {name:"Paracetamol",dose:2.5,unit:"ml"} -
symptom {text:"cough",severity:2} -
vitals {heart_rate:72,bp_systolic:120,bp_diastolic:80,spo2:97,glucose:5.4} -
tummy_time {milestone:"rolled-over"} end
note {text:"first-smile"} -'
while read -r type value hasend; do
    extra=""
    [ "$hasend" = end ] && extra=", end_ts: $((T + 600000))"
    put_entry "$(uuid)" "{type: \"$type\", ts: $T, value: $value$extra}"
    is "$STATUS" 201 "a good $type is stored ($value)"
done <<< "$good"

bad='feed {method:"sideways"} value.method must be one of: breast_left, breast_right, breast_both, bottle, solids
feed {method:"breast_left",amount_ml:50} value.amount_ml is only for bottle feeds and solids
feed {method:"bottle",amount_ml:5000} value.amount_ml must be between 1 and 1000
feed {method:"breast_right",milk:"formula"} value.milk is only for bottle feeds
feed {} value.method is required
diaper {wet:false,dirty:false} value.wet a diaper is wet, dirty or both
diaper {wet:"yes"} value.wet must be true or false
diaper {wet:true,colour:"plaid"} value.colour must be one of: yellow, mustard, green, brown, black, red, white
sleep {kind:"siesta"} value.kind must be one of: nap, night
pump {amount_ml:10} value.side is required
growth {} value.weight_g give a weight, a length or a head size
growth {weight_g:10} value.weight_g must be between 300 and 300000
temperature {celsius:50} value.celsius must be between 30 and 45
temperature {} value.celsius is required
medication {dose:1} value.name is required
symptom {text:"x",severity:9} value.severity must be between 1 and 5
vitals {bp_systolic:120} value.bp_systolic blood pressure needs both systolic and diastolic
vitals {spo2:120} value.spo2 must be between 50 and 100
tummy_time {minutes:3} value.minutes unknown field
note {text:""} value.text must not be empty
note {text:"hi",extra:1} value.extra unknown field'
while read -r type value field message; do
    put_entry "$(uuid)" "{type: \"$type\", ts: $T, value: $value}"
    is "$STATUS $(jbody ".error.fields[\"$field\"]")" "400 $message" "bad $type $value: $message"
done <<< "$bad"

put_entry "$(uuid)" "{type: \"diaper\", ts: $T, value: {wet: true}, end_ts: $((T + 1000))}"
is "$(jbody '.error.fields.end_ts')" "is only for timed types (feed, sleep, pump, tummy_time)" \
    "instants have no end (the timed types named from the catalogue)"
put_entry "$(uuid)" "{type: \"sleep\", ts: $T, value: {}, end_ts: $((T - 1000))}"
is "$(jbody '.error.fields.end_ts')" "must not be before ts" "end before start refused"
put_entry "$(uuid)" "{type: \"note\", ts: $((NOW + 3 * 86400000)), value: {text: \"x\"}}"
is "$(jbody '.error.fields.ts')" "must not be more than a day in the future" "far future refused"
put_entry "$(uuid)" "{type: \"note\", ts: 12, value: {text: \"x\"}}"
is "$STATUS" 400 "a time that is not epoch ms is refused"
put_entry "not-a-uuid" "{type: \"note\", ts: $T, value: {text: \"x\"}}"
is "$(jbody '.error.fields.id')" "must be a lower-case UUID" "the path id must be a UUID"
req PUT "/api/v1/families/$FID/entries/$(uuid)" "{\"subject_id\":\"$(uuid)\",\"type\":\"note\",\"ts\":$T,\"value\":{\"text\":\"x\"},\"updated_at\":$NOW}"
is "$(jbody '.error.fields.subject_id')" "is not a person in this family" "unknown person refused"
before=$(db "SELECT count(*) FROM entries")
is "$before" 14 "only the good entries were written"

# Idempotent replay: the same PUT twice is one row and one seq.
ID=$(uuid)
body=$(jq -cn --arg sid "$SID" "{subject_id: \$sid, type: \"feed\", ts: $T, value: {method: \"bottle\", amount_ml: 90}, updated_at: $NOW}")
req PUT "/api/v1/families/$FID/entries/$ID" "$body"
is "$STATUS" 201 "create"
seq1=$(jbody .seq)
is "$(jbody '.author_name + " " + (.deleted|tostring)')" "ana false" "author is recorded"
req PUT "/api/v1/families/$FID/entries/$ID" "$body"
is "$STATUS" 200 "the same PUT again is fine"
is "$(jbody .seq)" "$seq1" "…and changes nothing (same seq)"
is "$(db "SELECT count(*) FROM entries WHERE id = '$ID'")" 1 "one row"

# Last write wins on updated_at; the loser gets the winner back.
newer=$(echo "$body" | jq -c ".value.amount_ml = 150 | .updated_at = $((NOW + 10))")
req PUT "/api/v1/families/$FID/entries/$ID" "$newer"
is "$(jbody .value.amount_ml)" 150 "a newer update applies"
older=$(echo "$body" | jq -c ".value.amount_ml = 60 | .updated_at = $((NOW + 5))")
req PUT "/api/v1/families/$FID/entries/$ID" "$older"
is "$STATUS" 409 "an older update is stale: 409"
is "$(jbody '.error.code + " " + (.entry.value.amount_ml|tostring)')" "stale 150" "…with the winning version"
# Same updated_at, different content: the same winner whatever the order.
a=$(echo "$body" | jq -c ".value.amount_ml = 111 | .updated_at = $((NOW + 20))")
b=$(echo "$body" | jq -c ".value.amount_ml = 222 | .updated_at = $((NOW + 20))")
req PUT "/api/v1/families/$FID/entries/$ID" "$a"; first=$STATUS
req PUT "/api/v1/families/$FID/entries/$ID" "$b"; second=$STATUS
w1=$(db "SELECT json_extract(value, '$.amount_ml') FROM entries WHERE id = '$ID'")
ID2=$(uuid)
req PUT "/api/v1/families/$FID/entries/$ID2" "$(echo "$body" | jq -c ".updated_at = $((NOW + 19))")"
req PUT "/api/v1/families/$FID/entries/$ID2" "$b"
req PUT "/api/v1/families/$FID/entries/$ID2" "$a"
w2=$(db "SELECT json_extract(value, '$.amount_ml') FROM entries WHERE id = '$ID2'")
is "$w1" "$w2" "a tie on updated_at picks the same winner in either order ($first/$second)"

# Tombstones and undo.
req DELETE "/api/v1/families/$FID/entries/$ID?updated_at=$((NOW + 30))"
is "$STATUS $(jbody .deleted)" "200 true" "delete leaves a tombstone"
req GET "/api/v1/families/$FID/entries?type=feed"
is "$(jbody "[.entries[].id] | index(\"$ID\")")" null "deleted entries are not listed"
req GET "/api/v1/families/$FID/changes?since=$seq1"
is "$(jbody ".changes[] | select(.id == \"$ID\") | .deleted")" true "the tombstone is in the change feed"
req DELETE "/api/v1/families/$FID/entries/$ID?updated_at=$((NOW + 25))"
is "$STATUS" 409 "an older delete is stale"
req PUT "/api/v1/families/$FID/entries/$ID" "$(echo "$body" | jq -c ".updated_at = $((NOW + 40))")"
is "$STATUS $(jbody .deleted)" "200 false" "undo: a newer PUT brings it back"
req DELETE "/api/v1/families/$FID/entries/$(uuid)"
is "$STATUS" 404 "deleting an unknown entry is 404"

# Timers: a running feed switches side on another phone, then stops.
TID=$(uuid)
put_entry "$TID" "{type: \"feed\", ts: $((NOW - 600000)), value: {method: \"breast_left\"}}"
is "$(jbody '.end_ts')" null "a started feed is a running timer"
put_entry "$TID" "{type: \"feed\", ts: $((NOW - 600000)), value: {method: \"breast_right\"}}"
is "$(jbody '.value.method + " " + (.end_ts|tostring)')" "breast_right null" "switched side, still running"
put_entry "$TID" "{type: \"feed\", ts: $((NOW - 600000)), end_ts: $NOW, value: {method: \"breast_right\"}}"
is "$(jbody .end_ts)" "$NOW" "stopped"
S1=$(uuid)
put_entry "$S1" "{type: \"sleep\", ts: $((NOW - 60000)), value: {}}"
is "$STATUS" 201 "start a sleep"
like "$(jbody .value.kind)" '^(nap|night)$' "nap or night is derived from the family's zone"
put_entry "$(uuid)" "{type: \"sleep\", ts: $((NOW - 30000)), value: {}}"
is "$STATUS $(jbody .error.code)" "409 sleep_running" "a second running sleep for the same person is 409"
put_entry "$S1" "{type: \"sleep\", ts: $((NOW - 60000)), end_ts: $NOW, value: {}}"
put_entry "$(uuid)" "{type: \"sleep\", ts: $NOW, value: {}}"
is "$STATUS" 201 "once stopped, a new sleep may start"
night=$(local_ms Europe/London "2026-01-10 21:30")
put_entry "$(uuid)" "{type: \"sleep\", ts: $night, end_ts: $((night + 3600000)), value: {}}"
is "$(jbody .value.kind)" night "a sleep starting 21:30 in London is a night sleep"
nap=$(local_ms Europe/London "2026-01-10 13:30")
put_entry "$(uuid)" "{type: \"sleep\", ts: $nap, end_ts: $((nap + 3600000)), value: {}}"
is "$(jbody .value.kind)" nap "…and at 13:30, a nap"

# Listing: newest first, filters, keyset pages with nothing skipped or repeated.
req GET "/api/v1/families/$FID/entries?limit=5"
is "$(jbody '.entries | length')" 5 "limit"
ok "$(jbody '[.entries[].ts] | . == (sort | reverse)' | grep -qx true; echo $?)" "newest first"
all=""
next=""
for i in $(seq 1 20); do
    req GET "/api/v1/families/$FID/entries?limit=3${next:+&before=$next}"
    all="$all $(jbody '[.entries[].id] | join(" ")')"
    next=$(jbody '.next_before // empty')
    [ -n "$next" ] || break
done
total=$(db "SELECT count(*) FROM entries WHERE deleted = 0")
is "$(echo $all | wc -w)" "$total" "paging visits every entry"
is "$(echo $all | tr ' ' '\n' | sort -u | wc -l)" "$total" "…each once"
req GET "/api/v1/families/$FID/entries?type=diaper"
is "$(jbody '[.entries[].type] | unique | join(",")')" diaper "filter by type"
req GET "/api/v1/families/$FID/entries?limit=500"
is "$(jbody .error.fields.limit)" "must be a whole number between 1 and 200" "limit is capped at 200"
req GET "/api/v1/families/$FID/entries?before=junk"
is "$STATUS" 400 "a bad cursor is 400"

# Roles: a viewer reads everything and writes nothing.
V=$(AS=ana invite viewer "Grandpa")
join gp "$V"
AS=gp req GET "/api/v1/families/$FID/entries"
is "$STATUS" 200 "a viewer reads the log"
AS=gp put_entry "$(uuid)" "{type: \"note\", ts: $T, value: {text: \"x\"}}"
is "$STATUS" 403 "a viewer cannot PUT"
AS=gp req DELETE "/api/v1/families/$FID/entries/$TID"
is "$STATUS" 403 "…nor DELETE"
AS=gp req POST "/api/v1/families/$FID/sync" "{\"cursor\":0,\"changes\":[{\"op\":\"delete\",\"id\":\"$TID\",\"updated_at\":$((NOW+99))}]}"
is "$STATUS" 403 "…nor push through sync"
AS=gp req POST "/api/v1/families/$FID/sync" '{"cursor":0}'
is "$STATUS" 200 "…but may pull through sync"
AS=gp req PUT "/api/v1/families/$FID/config" '{"groups":[]}'
is "$STATUS" 403 "…and cannot change the buttons"
done_testing
