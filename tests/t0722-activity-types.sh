#!/bin/bash
# t0722-activity-types.sh — activity types a family defines (issue 18): a
# type with every field kind, defined by an owner (caregivers and viewers
# read, never write; another family's id is a 404), entries of it through
# PUT and /sync checked from its definition (bad values get field errors),
# bad definitions get field errors, changes that would break stored entries
# are refused and an edit leaves every old entry valid, a running timer of
# it, the day summary's totals, quick buttons, CSV and JSON export and
# re-import, the live stream, the audit log, and archive-once-used.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
signup bob
signup vic
signup oto
export AS=ana
family_with_baby
join bob "$(invite caregiver Bob)"
join vic "$(invite viewer Vic)"
OFID=$(AS=oto new_family Other)
T="/api/v1/families/$FID/activity-types"
NOW=$(($(date +%s) * 1000)) # whole seconds, as the CSV writes times

BATH='{"key":"bath","names":{"en":"Bath","fr":"Bain","he":"אמבטיה"},"icon":"🛁","colour":"#1c9bb4",
  "fields":[{"key":"time","kind":"duration","label":"Time"},
            {"key":"water","kind":"amount","unit":"ml","label":"Water"},
            {"key":"toys","kind":"count"},
            {"key":"hair","kind":"yes_no","label":"Hair washed"},
            {"key":"mood","kind":"choice","options":[{"key":"calm","label":"Calm"},{"key":"upset","label":"Upset"}]},
            {"key":"soap","kind":"text"},
            {"key":"notes","kind":"note"}]}'

# ---- defining ----
listen ana
wait_for ana '^retry:'
req POST "$T" "$BATH"
is "$STATUS" 201 "an owner defines a type with every field kind"
TID=$(jbody .id)
is "$(jbody '[.type, .version, .archived, (.subject_ids|length), .names.he] | map(tostring) | join(" ")')" \
    "x-bath 1 false 0 אמבטיה" "…its entry type is x-bath (no built-in name holds a '-'), version 1, for everyone"
is "$(jbody '[.catalogue.timed, .catalogue.timer, (.catalogue.fields | map(.key + ":" + .kind) | join(","))] | map(tostring) | join(" ")')" \
    "true true water:number,toys:int,hair:bool,mood:enum,soap:text,notes:longtext" \
    "…and its catalogue type: a duration makes it a timer, each field a catalogue field"
is "$(jbody '.catalogue.fields[0] | [.unit, .max, .step] | map(tostring) | join(" ")')" "ml 5000 5" \
    "…an amount bounded by its unit's range from the catalogue"
SEQ=$(jbody .seq)
ok "$(wait_for ana "^id: $SEQ\$"; echo $?)" "…streamed live"
ok "$(grep -A1 "^id: $SEQ\$" "$T_DIR/sse-ana" | grep -q '^event: activity_type'; echo $?)" "…as an activity_type event"

AS=bob req POST "$T" '{"key":"potty","names":{"en":"Potty"},"fields":[]}'
is "$STATUS" 403 "a caregiver cannot define types"
AS=vic req PATCH "$T/$TID" '{"icon":"🧼"}'
is "$STATUS" 403 "a viewer cannot change them"
AS=vic req GET "$T"
is "$STATUS $(jbody '.activity_types | length')" "200 1" "…but reads them"
AS=oto req GET "$T"
is "$STATUS" 404 "another family's types: 404"
AS=oto req GET "/api/v1/families/$OFID/activity-types/$TID"
is "$STATUS" 404 "…and a type by its id from another family: 404"

# ---- bad definitions ----
bad() { # bad JSON FIELD DESCRIPTION
    req POST "$T" "$1"
    is "$STATUS $(jbody ".error.fields | has(\"$2\")")" "400 true" "$3"
}
bad '{"key":"Bath!","names":{"en":"x"},"fields":[]}' key "a key that is not a name"
bad '{"key":"bath","names":{"en":"x"},"fields":[]}' key "a key the family has"
bad '{"key":"nap2","fields":[]}' names "no names"
bad '{"key":"nap2","names":{"english language":"x"},"fields":[]}' "names.english language" "a name under no language"
bad '{"key":"nap2","names":{"en":"x"},"fields":[{"key":"a","kind":"colour"}]}' "fields[0].kind" "a field kind not in the catalogue"
bad '{"key":"nap2","names":{"en":"x"},"fields":[{"key":"a","kind":"amount"}]}' "fields[0].unit" "an amount without a unit"
bad '{"key":"nap2","names":{"en":"x"},"fields":[{"key":"a","kind":"amount","unit":"furlongs"}]}' "fields[0].unit" "…or with one the catalogue lacks"
bad '{"key":"nap2","names":{"en":"x"},"fields":[{"key":"a","kind":"choice"}]}' "fields[0].options" "a choice without options"
bad '{"key":"nap2","names":{"en":"x"},"fields":[{"key":"a","kind":"count"},{"key":"a","kind":"note"}]}' "fields[1].key" "two fields with one key"
bad '{"key":"nap2","names":{"en":"x"},"fields":[{"key":"a","kind":"duration"},{"key":"b","kind":"duration"}]}' fields "two durations"
bad '{"key":"nap2","names":{"en":"x"},"icon":"a b","fields":[]}' icon "an icon that is neither a name nor an emoji"
bad '{"key":"nap2","names":{"en":"x"},"colour":"red","fields":[]}' colour "a colour that is not #rrggbb"
bad "{\"key\":\"nap2\",\"names\":{\"en\":\"x\"},\"subject_ids\":[\"$(uuid)\"],\"fields\":[]}" subject_ids "a person of no family"
bad '{"key":"nap2","names":{"en":"x"},"fields":[],"colours":1}' colours "an unknown member"

# ---- logging ----
B1=$(uuid)
put_entry "$B1" "{type: \"x-bath\", ts: $((NOW - 3600000)), end_ts: $((NOW - 3000000)),
  value: {water: 250, toys: 2, hair: true, mood: \"calm\", soap: \"lavender\", notes: \"splashy\"}}"
is "$STATUS" 201 "an entry of the type, every field given"
is "$(db "SELECT value FROM entries WHERE id = '$B1'")" \
    '{"water":250,"toys":2,"hair":true,"mood":"calm","soap":"lavender","notes":"splashy"}' \
    "…stored normalised in the definition's order"
put_entry "$(uuid)" "{type: \"x-bath\", ts: $NOW, value: {water: 9999, toys: 1.5, hair: \"yes\", mood: \"angry\", colour: 1}}"
is "$STATUS" 400 "bad values are refused"
is "$(jbody '.error.fields | keys | join(",")')" "value.colour,value.hair,value.mood,value.toys,value.water" \
    "…each named: $(jbody '.error.fields | to_entries | map(.key + ": " + .value) | join("; ")')"
put_entry "$(uuid)" "{type: \"x-potty\", ts: $NOW, value: {}}"
is "$STATUS $(jbody '.error.fields | has("type")')" "400 true" "a type nobody defined is refused"
AS=oto req PUT "/api/v1/families/$OFID/entries/$(uuid)" \
    "{\"subject_id\":\"$SID\",\"type\":\"x-bath\",\"ts\":$NOW,\"value\":{},\"updated_at\":$NOW}"
is "$(jbody '.error.fields.type // "" | test("must be one of")')" true "…and another family's type is none of this one's"
AS=vic put_entry "$(uuid)" "{type: \"x-bath\", ts: $NOW, value: {}}"
is "$STATUS" 403 "a viewer cannot log it"

# a running timer, started by Bob, seen by Ana's stream, stopped
B2=$(uuid)
START=$((NOW - 600000))
AS=bob put_entry "$B2" "{type: \"x-bath\", ts: $START, value: {}}"
is "$STATUS" 201 "a caregiver starts its timer (no end)"
S2=$(jbody .seq)
ok "$(wait_for ana "^id: $S2\$"; echo $?)" "…Ana's stream shows it"
req GET "/api/v1/families/$FID/summary?subject=$SID"
is "$(jbody '.custom["x-bath"] | [.count, (.duration_ms >= 600000 + 600000), .fields.water, .fields.toys] | map(tostring) | join(" ")')" \
    "2 true 250 2" "the day summary counts baths, their time (the running one up to now) and sums amounts and counts"
AS=bob put_entry "$B2" "{type: \"x-bath\", ts: $START, end_ts: $((START + 300000)), value: {water: 100}, updated_at: $(($(date +%s%3N) + 5))}"
is "$STATUS" 200 "…and stops it"
req GET "/api/v1/families/$FID/summary?subject=$SID"
is "$(jbody '.custom["x-bath"] | [.count, .duration_ms, .fields.water] | map(tostring) | join(" ")')" \
    "2 900000 350" "…the day: 2 baths, 15 minutes, 350 ml"
req GET "/api/v1/families/$FID/trends?subject=$SID&days=7"
is "$(jbody '.days[-1].custom["x-bath"].count')" 2 "the trends count them per day too"

# sync
S1=$(uuid) S2ID=$(uuid)
batch=$(jq -cn --arg sid "$SID" --arg a "$S1" --arg b "$S2ID" --argjson t "$NOW" '
  {cursor: 0, changes: [
    {op: "put", id: $a, subject_id: $sid, type: "x-bath", ts: ($t - 7200000), value: {mood: "upset"}, updated_at: $t},
    {op: "put", id: $b, subject_id: $sid, type: "x-bath", ts: $t, value: {toys: -1}, updated_at: $t}]}')
req POST "/api/v1/families/$FID/sync" "$batch"
is "$(jbody '[.results[].status] | join(",")')" "applied,invalid" "sync applies a good change of the type and refuses a bad one"
is "$(jbody '.results[1].error.fields["value.toys"]')" "must be between 0 and 10000" "…saying why"

# quick buttons
req PUT "/api/v1/families/$FID/config" '{"groups":[{"category":"care","buttons":[{"type":"x-bath","value":{"mood":"calm"},"timing":true}]}]}'
is "$STATUS" 200 "the type gets a quick button with a preset, timing"
req PUT "/api/v1/families/$FID/config" '{"groups":[{"category":"care","buttons":[{"type":"x-bath","value":{"mood":"sad"}}]}]}'
is "$STATUS $(jbody '.error.fields | keys[0]')" "400 groups[0].buttons[0].value.mood" "…whose preset is checked by the type's rules"

# ---- changing the type: compatible by construction ----
req PATCH "$T/$TID" '{"fields":[{"key":"time","kind":"duration"},{"key":"water","kind":"amount","unit":"ml"}]}'
is "$STATUS $(jbody '.error.fields.fields')" "400 must keep the field toys (archive it instead)" "a field cannot be removed"
CHANGED=$(jq -c '.fields |= map(if .key == "toys" then .kind = "note" else . end)' <<< "$BATH" | jq -c 'del(.key)')
req PATCH "$T/$TID" "$CHANGED"
is "$STATUS $(jbody '.error.fields["fields[2].kind"] | test("cannot change")')" "400 true" "…nor change its kind"
CHANGED=$(jq -c 'del(.key) | .fields |= map(if .key == "water" then .unit = "g" else . end)' <<< "$BATH")
req PATCH "$T/$TID" "$CHANGED"
is "$STATUS $(jbody '.error.fields | has("fields[1].unit")')" "400 true" "…nor an amount its unit"
CHANGED=$(jq -c 'del(.key) | .fields |= map(if .key == "mood" then .options = [{key: "calm"}] else . end)' <<< "$BATH")
req PATCH "$T/$TID" "$CHANGED"
is "$STATUS $(jbody '.error.fields["fields[4].options"] | test("must keep the option upset")')" "400 true" "…nor a choice lose an option"
CHANGED=$(jq -c 'del(.key) | .names.en = "Bath time" | .fields |= map(if .key == "toys" then .archived = true | .label = "Rubber ducks"
    elif .key == "mood" then .options += [{key: "sleepy", label: "Sleepy"}] else . end) | .fields += [{key: "temp", kind: "amount", unit: "g"}]' <<< "$BATH")
req PATCH "$T/$TID" "$CHANGED"
is "$STATUS $(jbody '[.version, .names.en, (.fields | map(.key) | join(","))] | map(tostring) | join(" ")')" \
    "200 2 Bath time time,water,toys,hair,mood,soap,notes,temp" \
    "renaming, relabelling, archiving a field, adding an option and a field: version 2"
is "$(db "SELECT action FROM audit_log WHERE family_id = '$FID' AND action LIKE 'activity_type%' ORDER BY rowid" | paste -sd,)" \
    "activity_type_added,activity_type_changed" "the audit log has them"
# every old entry is still valid under the new version: put back as it is stored
for id in $B1 $B2 $S1; do
    old=$(db "SELECT json_object('type', type, 'ts', ts, 'end_ts', end_ts, 'value', json(value)) FROM entries WHERE id = '$id'")
    put_entry "$id" "$old + {updated_at: $(($(date +%s%3N) + 10))}"
    [ "$STATUS" = 200 ] || diag "$id: $STATUS $(body)"
    [ "$STATUS" = 200 ] || break
done
is "$STATUS" 200 "entries made with version 1 are valid under version 2"
put_entry "$(uuid)" "{type: \"x-bath\", ts: $NOW, end_ts: $NOW, value: {mood: \"sleepy\", temp: 30, toys: 1}}"
is "$STATUS" 201 "…and the new option and field take values (the archived field too)"

# ---- export and re-import ----
curl -s -b "$T_DIR/jar-ana" "$BASE/api/v1/families/$FID/export?format=csv" > "$T_DIR/a.csv"
like "$(head -1 "$T_DIR/a.csv")" 'water \(ml\),toys,hair,mood,soap,temp \(g\)' \
    "the CSV export has a column per field of the family's type: $(head -1 "$T_DIR/a.csv" | cut -c1-60)…"
like "$(grep "$B1" "$T_DIR/a.csv")" 'x-bath,.*,250,2,true,calm,lavender,' "…and its entries' values in them"
curl -s -b "$T_DIR/jar-ana" "$BASE/api/v1/families/$FID/export?format=json" > "$T_DIR/a.json"
entries_of() { db "SELECT type, ts, coalesce(end_ts, ''), value FROM entries WHERE family_id = '$1' AND deleted = 0 AND type LIKE 'x-%' ORDER BY ts, value"; }
import() { # import FID FILE TYPE
    curl -s -o "$T_DIR/body" -w '%{http_code}' -b "$T_DIR/jar-ana" -H "X-CSRF-Token: $(cat "$T_DIR/csrf-ana")" \
        -H "Content-Type: $3" --data-binary "@$2" -X POST "$BASE/api/v1/families/$1/import?source=carelog&dry_run=0"
}
A=$FID
FID=$(new_family Copy)
C=$FID
FID=$A
req POST "/api/v1/families/$C/activity-types" "$(jq -c '.key = "bath"' <<< "$CHANGED")"
is "$STATUS" 201 "another family defines the same type"
is "$(import "$C" "$T_DIR/a.csv" text/csv) $(jbody '[.imported, .invalid] | @csv')" "201 $(entries_of "$A" | wc -l),0" \
    "A's CSV export imports into it"
is "$(entries_of "$C")" "$(entries_of "$A")" "…every entry of the type equal"
is "$(import "$A" "$T_DIR/a.json" application/json) $(jbody '.duplicates')" "201 $(db "SELECT count(*) FROM entries WHERE family_id = '$A' AND deleted = 0")" \
    "A's JSON export into A: every entry found again"
D=$(new_family Bare)
import "$D" "$T_DIR/a.csv" text/csv >/dev/null
is "$(jbody '.invalid')" "$(entries_of "$A" | wc -l)" "a family without the type refuses its rows"

# ---- archive, delete ----
req DELETE "$T/$TID"
is "$STATUS $(jbody '[.archived, .version] | map(tostring) | join(" ")')" "200 true 3" "deleting a used type archives it"
is "$(db "SELECT count(*) FROM activity_types WHERE id = '$TID'")" 1 "…kept"
put_entry "$(uuid)" "{type: \"x-bath\", ts: $NOW, value: {}}"
is "$STATUS" 201 "an archived type still takes entries (one logged offline before it was archived syncs)"
req PATCH "$T/$TID" '{"archived":false}'
is "$STATUS $(jbody .archived)" "200 false" "…and can be brought back"
req POST "$T" '{"key":"potty","names":{"en":"Potty"},"fields":[{"key":"result","kind":"choice","options":[{"key":"wee"},{"key":"poo"}]}]}'
PID=$(jbody .id)
req PATCH "$T/$PID" '{"fields":[{"key":"result","kind":"choice","options":[{"key":"wee"},{"key":"poo"}]},{"key":"t","kind":"duration"}]}'
is "$STATUS $(jbody '.error.fields.fields')" "400 a duration is fixed when the type is made" \
    "a duration cannot be added later (entries without an end would turn into running timers)"
req DELETE "$T/$PID"
is "$STATUS" 204 "an unused type is removed"
is "$(db "SELECT count(*) FROM activity_types WHERE id = '$PID'")" 0 "…gone"
is "$(db "SELECT group_concat(action) FROM audit_log WHERE family_id = '$FID' AND action IN ('activity_type_archived', 'activity_type_removed')")" \
    "activity_type_archived,activity_type_removed" "…both audited"

stop_server
done_testing
