#!/bin/bash
# t0204-summary.sh — daily totals and the hourly grid in the family's zone on
# a hand-made day: a night sleep crossing midnight and the spring-forward
# switch (a 23-hour day), feeds, diapers and a nap; the 25-hour autumn day;
# trends with the rhythm chart data; export as RFC 4180 CSV and JSON.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
export AS=ana
family_with_baby
L() { local_ms Europe/London "$1"; }
H=3600000

put_entry "$(uuid)" "{type: \"sleep\", ts: $(L '2026-03-28 20:00'), end_ts: $(L '2026-03-29 06:00'), value: {}}"
is "$(jbody .value.kind)" night "20:00 is a night sleep"
put_entry "$(uuid)" "{type: \"feed\", ts: $(L '2026-03-29 08:00'), value: {method: \"bottle\", milk: \"formula\", amount_ml: 120}}"
put_entry "$(uuid)" "{type: \"diaper\", ts: $(L '2026-03-29 09:00'), value: {wet: true}}"
put_entry "$(uuid)" "{type: \"diaper\", ts: $(L '2026-03-29 10:00'), value: {dirty: true}}"
put_entry "$(uuid)" "{type: \"diaper\", ts: $(L '2026-03-29 11:00'), value: {wet: true, dirty: true}}"
put_entry "$(uuid)" "{type: \"feed\", ts: $(L '2026-03-29 12:00'), value: {method: \"bottle\", amount_ml: 90}}"
put_entry "$(uuid)" "{type: \"sleep\", ts: $(L '2026-03-29 13:00'), end_ts: $(L '2026-03-29 14:00'), value: {}}"
put_entry "$(uuid)" "{type: \"feed\", ts: $(L '2026-03-29 14:00'), end_ts: $(L '2026-03-29 14:15'), value: {method: \"breast_left\"}}"
put_entry "$(uuid)" "{type: \"feed\", ts: $(L '2026-03-29 14:15'), end_ts: $(L '2026-03-29 14:30'), value: {method: \"breast_right\"}}"
put_entry "$(uuid)" "{type: \"note\", ts: $(L '2026-03-29 15:00'), value: {text: \"He said \\\"hi\\\", then\\nslept\"}}"
put_entry "$(uuid)" "{type: \"diaper\", ts: $(L '2026-03-30 00:30'), value: {wet: true}}"

req GET "/api/v1/families/$FID/summary?date=2026-03-29"
is "$STATUS" 200 "summary of the spring-forward day"
is "$(jbody .hours_in_day)" 23 "the day has 23 hours"
is "$(jbody '.hours | length')" 23 "the grid has 23 rows"
is "$(jbody '[.hours[0].label, .hours[1].label, .hours[22].label] | join(",")')" "00:00,02:00,23:00" \
    "01:00 does not exist that night"
t=".totals"
is "$(jbody "$t.sleep_ms")" $((6 * H)) "sleep: 5 h of the night (it crossed midnight and the switch) + a 1 h nap"
is "$(jbody "$t.night_ms, $t.nap_ms, $t.naps, $t.night_sleeps" | paste -sd,)" "$((5 * H)),$H,1,0" \
    "night vs naps (the night sleep started the day before)"
is "$(jbody "$t.longest_sleep_ms")" $((9 * H)) "longest stretch: the whole 9 h night"
is "$(jbody "$t.feeds, $t.bottles, $t.bottle_ml" | paste -sd,)" "3,2,210" \
    "feeds count and ml (14:00 left then 14:15 right: one feed, sides switched)"
is "$(jbody "$t.breast_left_ms, $t.breast_right_ms" | paste -sd,)" "900000,900000" "breast minutes per side"
is "$(jbody "$t.diapers, $t.wet, $t.dirty" | paste -sd,)" "3,2,2" "wet and dirty counts"
is "$(jbody '.hours[0].sleep_ms, .hours[4].sleep_ms, .hours[5].sleep_ms' | paste -sd,)" "$H,$H,0" \
    "the grid splits the night by hour (asleep until 06:00)"
is "$(jbody '.hours[7] | [.label, .feeds, .bottle_ml] | map(tostring) | join(",")')" "08:00,1,120" \
    "the 08:00 row has the bottle"
is "$(jbody '.hours[12].events | length')" 1 "the 13:00 row lists the nap"
is "$(jbody '.last.feed.value.method + " " + (.last.diaper.ts|tostring)')" "breast_right $(L '2026-03-30 00:30')" \
    "last feed and diaper"
like "$(jbody '.last.sleep.ago_ms')" '^[0-9]+$' "time since the last sleep"
is "$(jbody '.now - .last.sleep.ago_ms')" "$(L '2026-03-29 14:00')" \
    "…from waking, counted to the one instant the answer gives as now"

req GET "/api/v1/families/$FID/summary?date=2026-03-28"
is "$(jbody '.hours_in_day, .totals.sleep_ms, .totals.night_sleeps' | paste -sd,)" "24,$((4 * H)),1" \
    "the evening before holds the first 4 h of the night"

req GET "/api/v1/families/$FID/summary?date=2026-10-25"
is "$(jbody '.hours_in_day, (.hours | length)' | paste -sd,)" "25,25" "the autumn day has 25 hours"
is "$(jbody '[.hours[1].label, .hours[1].abbr, .hours[2].label, .hours[2].abbr] | join(",")')" \
    "01:00,BST,01:00,GMT" "01:00 happens twice (BST, then GMT)"

req GET "/api/v1/families/$FID/summary?date=2026-02-30"
is "$(jbody .error.fields.date)" "must be a date as YYYY-MM-DD" "an impossible date is 400"
req POST "/api/v1/families/$FID/subjects" '{"name":"Gal","kind":"baby"}'
req GET "/api/v1/families/$FID/summary?date=2026-03-29"
is "$(jbody .error.fields.subject)" "is required when a family cares for several people" \
    "with two people the subject must be named"
req GET "/api/v1/families/$FID/summary?date=2026-03-29&subject=$SID"
is "$(jbody .totals.feeds)" 3 "…and then it works"

req GET "/api/v1/families/$FID/trends?days=7&end=2026-03-29&subject=$SID"
is "$(jbody '.days | length')" 7 "trends: 7 days"
is "$(jbody '.days[6].date + " " + (.days[6].sleep_ms|tostring) + " " + (.days[5].sleep_ms|tostring)')" \
    "2026-03-29 $((6 * H)) $((4 * H))" "per-day sleep, split at midnight"
is "$(jbody '.days[6].rhythm.sleeps | map(map(tostring) | join("-")) | join(" ")')" "0-300 720-780" \
    "rhythm: sleep intervals in minutes from the day's start"
is "$(jbody '.days[6].minutes_in_day')" 1380 "…on a 1380-minute day"
req GET "/api/v1/families/$FID/trends?days=9&subject=$SID"
is "$(jbody .error.fields.days)" "must be 7 or 30" "only 7 or 30 days"

# Export: every entry, RFC 4180 CSV (CRLF, quotes doubled) or JSON.
req GET "/api/v1/families/$FID/export?format=csv"
is "$STATUS" 200 "CSV export"
like "$(header Content-Type)" '^text/csv' "…as text/csv"
like "$(header Content-Disposition)" '^attachment; filename="carelog-' "…as a download"
like "$(head -1 "$T_DIR/body")" $'^id,person,type,start,end,minutes,method,milk,amount \\(ml\\),.*,logged_by,changed_by\r$' \
    "header row, CRLF: a column per field of the catalogue, with its unit"
is "$(grep -c $'\r$' "$T_DIR/body")" 12 "one CRLF-terminated record per entry plus the header (the note's newline stays inside its quotes)"
ok "$(grep -q '"He said ""hi"", then' "$T_DIR/body"; echo $?)" "quotes doubled inside a quoted field"
ok "$(grep -q '2026-03-28T20:00:00+00:00,2026-03-29T06:00:00+01:00,540.0' "$T_DIR/body"; echo $?)" \
    "local times with their offsets; minutes across the switch"
# Details in columns: every field of the catalogue has its column, named
# with its unit; a growth entry's weight and length sit in theirs. Logged by
# whoever logged it, changed by whoever wrote the last version.
signup bob
join bob "$(invite caregiver)"
GROWTH=$(uuid)
put_entry "$GROWTH" "{type: \"growth\", ts: $(L '2026-03-30 10:00'), value: {weight_g: 3300, length_cm: 50}}"
AS=bob put_entry "$GROWTH" "{type: \"growth\", ts: $(L '2026-03-30 10:00'), value: {weight_g: 3300, length_cm: 50.5}}"
is "$(jbody '.created_by != null and .created_by != .author_id')" true "an entry knows who logged it apart from who changed it"
req GET "/api/v1/families/$FID/export?format=csv"
python3 - "$T_DIR/body" "$T_ROOT/catalogue/entries.json" > "$T_DIR/cells" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
cat = json.load(open(sys.argv[2]))
keys = {f['key'] for t in cat['types'].values() for f in t['fields'] if f.get('control') != 'none'}
named = {c.split(' (')[0] for c in rows[0].keys()}
missing = sorted(k for k in keys if k not in named and k.rsplit('_', 1)[0] not in named)
g = next(r for r in rows if r['type'] == 'growth')
bottle = next(r for r in rows if r['type'] == 'feed' and r['amount (ml)'] == '120')
print(' '.join(missing) or 'none', g['weight (g)'], g['length (cm)'], g['head (cm)'] or '-', g['logged_by'],
      g['changed_by'], bottle['method'], bottle['milk'], 'details' in rows[0])
PY
is "$(cat "$T_DIR/cells")" "none 3300 50.5 - ana bob bottle formula False" \
    "a column per field; weight (g) 3300, length (cm) 50.5; logged by ana, changed by bob"
AS=ana req GET "/api/v1/families/$FID/export?format=json&from=2026-03-29&to=2026-03-29"
is "$(jbody 'length')" 9 "JSON export of one local day"
is "$(jbody '[.[].type] | unique | join(",")')" "diaper,feed,note,sleep" "…parses as JSON"
req GET "/api/v1/families/$FID/export?format=xml"
is "$(jbody .error.fields.format)" "must be one of: csv, json" "unknown format refused"
is "$(db "SELECT count(*) FROM audit_log WHERE action = 'export'")" 3 "exports are audited"
done_testing
