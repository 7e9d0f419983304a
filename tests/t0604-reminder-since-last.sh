#!/bin/bash
# t0604-reminder-since-last.sh — "every N hours since the last <type>" for
# any entry type (issue 18): kind since_last with an entry_type that is a
# catalogue type or one of the family's own (x-<key>), checked on create and
# edit (another family's type, an archived one, a missing or misplaced
# entry_type are refused); it fires once N hours after the last entry of
# that type, naming the type in each member's language (a family's type by
# its own name), is re-armed by a new entry, keeps working once its type is
# archived, and goes with a type that is deleted unused. feed_due keeps
# working beside it.
. "$(dirname "$0")/lib.sh"

start_svc
PUSH_ENV="PUSH_ALLOW_LOOPBACK=1 PUSH_RETRY_BASE_MS=500 VAPID_SUBJECT=mailto:ops@example.org"
start_server REGISTRATION=open $PUSH_ENV
pass() {
    PASS=$(env $PUSH_ENV DATA_DIR="$T_DIR/data" "$T_BIN/carelog-push" --once 2>>"$T_DIR/error.log")
}
svc_sub() { curl -sf -X POST -d "{\"id\":\"$1\",\"script\":$2}" "$SVC_BASE/subscriptions"; }
log() { curl -sf "$SVC_BASE/log" | jq -r "$@"; }
last_payload() { log "[.requests[] | select(.sub == \"$1\")] | last | .payload | fromjson"; }

signup ana
signup bob
signup oto
export AS=ana
family_with_baby
join bob "$(invite caregiver Bob)"
db "UPDATE users SET locale = 'fr' WHERE email LIKE 'bob@%'"
OFID=$(AS=oto new_family Other)
R="/api/v1/families/$FID/reminders"

req POST "/api/v1/families/$FID/activity-types" \
    '{"key":"bath","names":{"en":"Bath","fr":"Bain"},"icon":"🛁","colour":"#1c9bb4","fields":[]}'
is "$STATUS" 201 "the family defines Bath"
BATH_ID=$(jbody .id)
AS=oto req POST "/api/v1/families/$OFID/activity-types" \
    '{"key":"potty","names":{"en":"Potty"},"icon":"🚽","colour":"#1c9bb4","fields":[]}'
is "$STATUS" 201 "another family defines Potty"

# ---- validation ----
req POST "$R" "{\"subject_id\":\"$SID\",\"kind\":\"since_last\",\"interval_min\":1440}"
is "$STATUS $(jbody .error.fields.entry_type)" "400 is required for a since_last reminder" \
    "since_last needs an entry_type"
req POST "$R" "{\"subject_id\":\"$SID\",\"kind\":\"since_last\",\"entry_type\":\"x-bath\"}"
is "$(jbody .error.fields.interval_min)" "is required for this kind of reminder" "…and an interval"
req POST "$R" "{\"subject_id\":\"$SID\",\"kind\":\"daily\",\"time\":\"08:00\",\"entry_type\":\"sleep\"}"
is "$(jbody .error.fields.entry_type)" "is only for since_last reminders" "other kinds take no entry_type"
req POST "$R" "{\"subject_id\":\"$SID\",\"kind\":\"since_last\",\"interval_min\":60,\"entry_type\":\"x-potty\"}"
is "$STATUS $(jbody .error.fields.entry_type)" "400 is not an entry type of this family" \
    "another family's type is refused"
req POST "$R" "{\"subject_id\":\"$SID\",\"kind\":\"since_last\",\"interval_min\":60,\"entry_type\":\"bathing\"}"
is "$STATUS" 400 "…and so is a type that does not exist"
req POST "$R" "{\"subject_id\":\"$SID\",\"kind\":\"since_last\",\"interval_min\":10081,\"entry_type\":\"sleep\"}"
is "$STATUS" 400 "an interval is at most a week"
req POST "$R" "{\"subject_id\":\"$SID\",\"kind\":\"since_last\",\"interval_min\":10080,\"entry_type\":\"sleep\"}"
is "$STATUS $(jbody '.kind + " " + .entry_type')" "201 since_last sleep" "since the last sleep, a week at most"
SLEEP_RID=$(jbody .id)
req PATCH "$R/$SLEEP_RID" '{"entry_type":"x-potty"}'
is "$STATUS" 400 "an edit to another family's type is refused"
req PATCH "$R/$SLEEP_RID" '{"entry_type":"x-bath","interval_min":1440}'
is "$STATUS $(jbody '.entry_type + " " + (.interval_min|tostring)')" "200 x-bath 1440" "an edit moves it to the family's Bath"
req DELETE "$R/$SLEEP_RID"
req POST "$R" "{\"subject_id\":\"$SID\",\"kind\":\"feed_due\",\"interval_min\":120}"
is "$STATUS $(jbody '.entry_type')" "201 null" "feed_due as before, with no entry_type"
FEED_RID=$(jbody .id)
req PATCH "$R/$FEED_RID" '{"entry_type":"x-bath"}'
is "$(jbody .error.fields.entry_type)" "is only for since_last reminders" "…and cannot be given one"

# ---- firing ----
req POST "$R" "{\"subject_id\":\"$SID\",\"kind\":\"since_last\",\"interval_min\":1440,\"entry_type\":\"x-bath\"}"
is "$STATUS" 201 "every 24 h since the last bath"
RID=$(jbody .id)
AS=bob req PUT "$R/$RID/optin"
is "$(jbody .optins)" 2 "bob opts in too"
req POST /api/v1/push/subscriptions "$(svc_sub ana '[{"status":201}]')"
AS=bob req POST /api/v1/push/subscriptions "$(svc_sub bob '[{"status":201}]')"
pass
is "$(echo "$PASS" | jq -c '[.fired, .sent]')" "[0,0]" "no bath logged yet: nothing fires"
NOW=$(date +%s%3N)
put_entry "$(uuid)" "{type: \"x-bath\", ts: $((NOW - 23 * 3600000)), value: {}}"
pass
is "$(echo "$PASS" | jq -c '[.fired, .sent]')" "[0,0]" "23 h after a bath: not yet"
put_entry "$(uuid)" "{type: \"x-bath\", ts: $((NOW - 24 * 3600000 - 120000)), value: {}}"
pass
is "$(echo "$PASS" | jq -c '[.fired, .queued]')" "[0,0]" "an older bath does not matter: the last one counts"
db "UPDATE entries SET ts = ts - 3600000 WHERE type = 'x-bath' AND ts > $((NOW - 24 * 3600000))"
pass
is "$(echo "$PASS" | jq -c '[.fired, .queued, .delivered]')" "[1,2,2]" "24 h after the last bath it fires, for both"
p=$(last_payload ana)
is "$(echo "$p" | jq -r .title)" "Time for Bath — Noa" "ana's title names the type in English"
like "$(echo "$p" | jq -r .body)" '^Last: Bath, 24 h( [0-9]+ min)? ago$' "…and the body how long ago"
is "$(echo "$p" | jq -r '[.data.kind, .data.entry_type] | join(" ")')" "since_last x-bath" "…with the kind and type in its data"
is "$(last_payload bob | jq -r .title)" "C'est l'heure : Bain — Noa" "bob's is in French, with the type's French name"
pass
is "$(echo "$PASS" | jq -c '[.fired, .sent]')" "[0,0]" "the next pass sends nothing: once per firing"
# (two hours pass: the baths and the last firing move back, then a bath
# 24 h and a minute ago)
db "UPDATE entries SET ts = ts - 7200000 WHERE type = 'x-bath';
    UPDATE reminders SET last_due = last_due - 7200000 WHERE id = '$RID'"
put_entry "$(uuid)" "{type: \"x-bath\", ts: $(($(date +%s%3N) - 24 * 3600000 - 60000)), value: {}}"
pass
is "$(echo "$PASS" | jq -c '[.fired, .delivered]')" "[1,2]" "a new bath re-arms it"

# A built-in type, by its catalogue name in each language.
req POST "$R" "{\"subject_id\":\"$SID\",\"kind\":\"since_last\",\"interval_min\":180,\"entry_type\":\"temperature\"}"
TEMP_RID=$(jbody .id)
AS=bob req PUT "$R/$TEMP_RID/optin"
put_entry "$(uuid)" "{type: \"temperature\", ts: $((NOW - 3 * 3600000 - 60000)), value: {celsius: 37.2}}"
pass
is "$(last_payload ana | jq -r .title)" "Time for Temperature — Noa" "a catalogue type by its name"
is "$(last_payload bob | jq -r .title)" "C'est l'heure : Température — Noa" "…in French for bob"

# Archived: the reminder keeps working; new ones are refused.
req PATCH "/api/v1/families/$FID/activity-types/$BATH_ID" '{"archived":true}'
is "$(jbody .archived)" true "Bath is archived"
req POST "$R" "{\"subject_id\":\"$SID\",\"kind\":\"since_last\",\"interval_min\":60,\"entry_type\":\"x-bath\"}"
is "$(jbody .error.fields.entry_type)" "is archived: bring the type back first" "no new reminder for an archived type"
db "UPDATE entries SET ts = ts - 7200000 WHERE type = 'x-bath';
    UPDATE reminders SET last_due = last_due - 7200000 WHERE id = '$RID'"
put_entry "$(uuid)" "{type: \"x-bath\", ts: $(($(date +%s%3N) - 24 * 3600000 - 60000)), value: {}}"
pass
is "$(echo "$PASS" | jq -c '[.fired, .delivered]')" "[1,2]" "the old reminder still fires after its type is archived"
is "$(last_payload ana | jq -r .title)" "Time for Bath — Noa" "…by its name"

# Deleted unused: its reminders go with it.
req POST "/api/v1/families/$FID/activity-types" \
    '{"key":"drops","names":{"en":"Vitamin D"},"icon":"💧","colour":"#1c9bb4","fields":[]}'
DROPS_ID=$(jbody .id)
req POST "$R" "{\"subject_id\":\"$SID\",\"kind\":\"since_last\",\"interval_min\":1440,\"entry_type\":\"x-drops\"}"
DROPS_RID=$(jbody .id)
req DELETE "/api/v1/families/$FID/activity-types/$DROPS_ID"
is "$STATUS" 204 "a type nothing was logged with is deleted"
req GET "$R"
is "$(jbody "[.reminders[] | select(.id == \"$DROPS_RID\")] | length")" 0 "…and its reminder with it"
is "$(jbody "[.reminders[] | select(.id == \"$RID\")] | length")" 1 "…the others stay"
AS=oto req GET "/api/v1/families/$OFID/reminders"
is "$STATUS $(jbody '.reminders | length')" "200 0" "the other family sees none of them"
done_testing
