#!/bin/bash
# t0230-import.sh — POST /families/{fid}/import: Baby Buddy's CSV exports
# (tests/fixtures/babybuddy, every model, naive times across both 2024 clock
# changes, unknown child ids, invalid rows reported with file and line), the
# dry run that writes nothing, an idempotent re-import (also from a zip of
# the files: stored, deflated, damaged, a zip bomb), roles, the audit log
# and the live stream; then carelog's own export (JSON and CSV, every entry
# type) imported into other families reproduces the same entries.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
signup vic
signup oto
export AS=ana
FID=$(new_family Home Europe/London)
BB="$T_ROOT/tests/fixtures/babybuddy"

# {"files": {"child.csv": "...", ...}} of every fixture
jq -n --rawfile child "$BB/child.csv" --rawfile feeding "$BB/feeding.csv" \
    --rawfile sleep "$BB/sleep.csv" --rawfile diaper "$BB/diaperchange.csv" \
    --rawfile pumping "$BB/pumping.csv" --rawfile tummy "$BB/tummytime.csv" \
    --rawfile temp "$BB/temperature.csv" --rawfile weight "$BB/weight.csv" \
    --rawfile height "$BB/height.csv" --rawfile head "$BB/headcircumference.csv" \
    --rawfile note "$BB/note.csv" --rawfile med "$BB/medication.csv" --rawfile bmi "$BB/bmi.csv" \
    '{files: {"feeding.csv": $feeding, "child.csv": $child, "sleep.csv": $sleep,
      "diaperchange.csv": $diaper, "pumping.csv": $pumping, "tummytime.csv": $tummy,
      "temperature.csv": $temp, "weight.csv": $weight, "height.csv": $height,
      "headcircumference.csv": $head, "note.csv": $note, "medication.csv": $med,
      "bmi.csv": $bmi}}' > "$T_DIR/bb.json"
# import QUERY [curl args] — POSTs an import as $AS (its cookie jar and
# CSRF token); the body from $T_DIR/bb.json unless curl args give one.
import() {
    local q=$1
    shift
    [ $# -gt 0 ] || set -- -H "Content-Type: application/json" --data-binary "@$T_DIR/bb.json"
    local csrf=""
    [ -f "$T_DIR/csrf-${AS:-anon}" ] && csrf=$(cat "$T_DIR/csrf-${AS:-anon}")
    STATUS=$(curl -s -o "$T_DIR/body" -D "$T_DIR/headers" -w '%{http_code}' \
        -b "$T_DIR/jar-${AS:-anon}" -H "X-CSRF-Token: $csrf" --max-time 60 "$@" \
        -X POST "$BASE/api/v1/families/$FID/import?$q")
}

# ---- the dry run: the preview, nothing written ----
import "source=babybuddy&dry_run=1"
is "$STATUS" 200 "a dry run answers 200"
is "$(jbody '[.dry_run, .imported, .invalid, .people] | @csv')" "true,21,6,2" \
    "the preview counts 21 entries, 6 bad rows and 2 people"
is "$(jbody '.by_type | [.feed, .sleep, .diaper, .pump, .tummy_time, .temperature, .growth, .note, .medication] | @csv')" \
    "6,2,3,2,1,2,3,1,1" "…by type"
is "$(db "SELECT count(*) FROM entries; SELECT count(*) FROM subjects" | paste -sd,)" "0,0" \
    "a dry run writes nothing"
like "$(jbody '.mapping | join("|")')" 'feeding → feed.*fortified' "the preview says how feedings map"
like "$(jbody '.preview[0] | keys | join(",")')" 'type.*value' "…and shows the first rows"

# ---- the import ----
import "source=babybuddy&dry_run=0"
is "$STATUS" 201 "the import answers 201"
is "$(jbody '[.imported, .skipped, .invalid, .people] | @csv')" "21,6,6,2" "21 imported, 6 skipped"
is "$(db "SELECT count(*) FROM entries WHERE family_id = '$FID' AND deleted = 0")" 21 "21 entries stored"
is "$(db "SELECT group_concat(name, ',') FROM (SELECT name FROM subjects WHERE family_id = '$FID' ORDER BY name)")" \
    "Emily Huerta,Sam Huerta" "children become people, first and last name"
is "$(db "SELECT birth_date FROM subjects WHERE name = 'Sam Huerta'")" "2024-01-17" "a birth date with a time keeps its date"

w() { jbody ".warnings[] | select(.file == \"$1\" and .line == $2) | .message" | head -1; }
like "$(w feeding.csv 8)" 'type must be one of' "feeding.csv line 8: a type Baby Buddy lacks"
like "$(w feeding.csv 9)" 'child_id 9 is not a child of this import' "feeding.csv line 9: an unknown child id"
like "$(w feeding.csv 10)" 'start "yesterday" is not a date and time' "feeding.csv line 10: an unreadable time"
like "$(w sleep.csv 4)" 'end_ts must not be before ts' "sleep.csv line 4: the validator's own words"
like "$(w diaperchange.csv 5)" 'a diaper is wet, dirty or both' "diaperchange.csv line 5: neither wet nor dirty"
like "$(w weight.csv 3)" 'weight must be a number' "weight.csv line 3: no weight"
like "$(w feeding.csv 4)" 'does not exist' "a wall time in the spring-forward gap is named"
like "$(w feeding.csv 3)" 'happened twice' "a wall time in the autumn overlap is named"
like "$(w bmi.csv 0)" 'no place in carelog' "bmi.csv is left out, and said so"

# Times: naive Europe/London wall times, across both clock changes.
feed() { db "SELECT $2 FROM entries WHERE family_id = '$FID' AND type = 'feed' AND value LIKE '%$1%'"; }
is "$(feed 'spring-forward' "ts || ',' || (end_ts - ts)")" "$(date -ud '2024-03-31 00:40' +%s000),1800000" \
    "00:40 GMT to 02:10 BST is 30 minutes"
is "$(feed '"amount_ml":120' "ts")" "$(date -ud '2024-10-27 00:30' +%s000)" "01:30 on 27 October is the first (BST) one"
is "$(feed 'fortified' "ts || ',' || (end_ts - ts)")" "$(date -ud '2024-03-31 01:00' +%s000),1800000" \
    "01:30 on 31 March (no such time) becomes 02:00 BST"
is "$(feed 'fortified' "value")" '{"method":"bottle","milk":"breast_milk","amount_ml":90,"notes":"fortified breast milk"}' \
    "fortified breast milk: a bottle of breast milk, 90.4 rounded, 'fortified' kept in notes"
is "$(feed 'self fed' "value")" '{"method":"solids","amount_ml":30,"notes":"self fed"}' "solid food, self fed"
is "$(feed 'both' "value")" '{"method":"breast_both","notes":"amount: 40 ml"}' \
    "an amount on a breast feed has no field: kept in notes"
is "$(feed 'quotes' "value")" '{"method":"bottle","milk":"formula","notes":"note, with a comma and \"quotes\""}' \
    "a quoted CSV note with a comma and quotes; an empty amount is no amount"
is "$(db "SELECT count(DISTINCT subject_id) FROM entries WHERE family_id = '$FID' AND type = 'feed'")" 2 \
    "feedings of both children"
v() { db "SELECT value FROM entries WHERE family_id = '$FID' AND type = '$1' ORDER BY ts LIMIT 1 OFFSET ${2:-0}"; }
is "$(db "SELECT ((end_ts - ts) / 60000) || ',' || value FROM entries WHERE family_id = '$FID' AND type = 'sleep' ORDER BY ts LIMIT 1")" \
    '570,{"kind":"night","notes":"night across the change"}' "a night across the change is 9.5 hours; nap 0 → night"
is "$(v sleep 1)" '{"kind":"nap"}' "nap 1 → nap"
is "$(v diaper 0)" '{"wet":true,"dirty":false,"notes":"amount: 6.2"}' "a diaper's amount kept in notes"
is "$(v diaper 1)" '{"wet":false,"dirty":true,"colour":"green"}' "solid → dirty, color → colour"
is "$(v diaper 2)" '{"wet":true,"dirty":true,"colour":"brown"}' "True/True"
is "$(v pump 0)" '{"side":"both","amount_ml":100}' "pumping: side both, 100.2 → 100 ml"
is "$(v tummy_time)" '{"milestone":"rolled over"}' "tummy time milestone"
is "$(v temperature 0)" '{"celsius":38}' "100.4 °F → 38 °C"
is "$(v temperature 1)" '{"celsius":37.2}' "37.2 stays °C"
is "$(db "SELECT group_concat(value, '|') FROM (SELECT value FROM entries WHERE family_id = '$FID' AND type = 'growth' ORDER BY value)")" \
    '{"head_cm":37}|{"length_cm":54.5,"notes":"Baby Buddy tags: 1,2"}|{"weight_g":4200}' \
    "weight kg → g, height → length_cm (tags kept in notes), head circumference → head_cm"
is "$(db "SELECT ts FROM entries WHERE family_id = '$FID' AND type = 'growth' AND value LIKE '%weight%'")" \
    "$(date -ud '2024-05-01 11:00' +%s000)" "a bare date is taken as noon local time"
is "$(v note)" '{"text":"First smile"}' "note → text"
is "$(v medication)" '{"name":"Paracetamol","dose":2.5,"unit":"ml"}' "medication"
is "$(db "SELECT count(*) FROM audit_log WHERE family_id = '$FID' AND action = 'import'")" 1 "the import is in the audit log"

# ---- the same files again add nothing ----
seq=$(db "SELECT max(seq) FROM entries")
import "source=babybuddy&dry_run=0"
is "$(jbody '[.imported, .duplicates] | @csv')" "0,23" "a re-import adds nothing (21 entries, 2 people found again)"
is "$(db "SELECT count(*) || ',' || max(seq) FROM entries; SELECT count(*) FROM subjects" | paste -sd,)" "21,$seq,2" \
    "…not one row, not one write"
import "source=babybuddy&file=note.csv" -H "Content-Type: text/csv" --data-binary "@$BB/note.csv"
is "$STATUS $(jbody '[.imported, .duplicates] | @csv')" "201 0,1" "one file as the body (text/csv, file=note.csv): found again"
import "source=babybuddy" -H "Content-Type: text/csv" --data-binary "@$BB/note.csv"
is "$STATUS $(jbody .error.fields.file)" "400 name the Baby Buddy file the body holds (file=feeding.csv)" \
    "a lone CSV body must be named"
# A zip of the same files (in a folder, with a macOS resource fork and a
# read-me beside them) is read as the files are: every row found again.
python3 - "$BB" "$T_DIR" <<'PY'
import os, sys, zipfile
bb, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(f"{out}/bb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(os.listdir(bb)):
        z.write(f"{bb}/{f}", f"export/{f}")
    z.writestr("__MACOSX/export/._feeding.csv", "junk")
    z.writestr("export/README.txt", "hello")
with zipfile.ZipFile(f"{out}/stored.zip", "w", zipfile.ZIP_STORED) as z:
    z.write(f"{bb}/note.csv", "note.csv")
with zipfile.ZipFile(f"{out}/bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("feeding.csv", b"0" * (65 << 20))
data = bytearray(open(f"{out}/stored.zip", "rb").read())
data[40] ^= 0xFF  # inside the stored note.csv: its CRC-32 no longer matches
open(f"{out}/damaged.zip", "wb").write(data)
PY
import "source=babybuddy&dry_run=1" -H "Content-Type: application/zip" --data-binary "@$T_DIR/bb.zip"
is "$STATUS $(jbody '[.imported, .duplicates] | @csv')" "200 0,23" "a zip of the files: every row found again"
like "$(jbody '.warnings | map(.file + ": " + .message) | join("|")')" 'README.txt: not a .csv or .json file' \
    "…a read-me in it is named and left out"
is "$(jbody '[.warnings[].file | select(test("MACOSX|^[.]_"))] | length')" 0 "…macOS resource forks are not files"
import "source=babybuddy&dry_run=1" --data-binary "@$T_DIR/stored.zip"
is "$STATUS $(jbody '[.duplicates] | @csv')" "200 1" "a stored (uncompressed) zip, sent without a content type"
import "source=babybuddy&dry_run=1" --data-binary "@$T_DIR/damaged.zip"
is "$STATUS $(jbody .error.code)" "400 bad_archive" "a damaged zip is refused"
like "$(jbody .error.message)" "CRC-32" "…saying what is wrong"
import "source=babybuddy&dry_run=1" --data-binary "@$T_DIR/bomb.zip"
is "$STATUS $(jbody .error.code)" "400 bad_archive" "a zip that inflates past the import limit is refused"
like "$(jbody .error.message)" "more than the import allows" "…before inflating it"
printf 'PK\005\006' > "$T_DIR/cut.zip"
import "source=babybuddy&dry_run=1" --data-binary "@$T_DIR/cut.zip"
is "$STATUS $(jbody .error.code)" "400 bad_archive" "a cut-off archive is refused"

# Asked for (Accept: application/x-ndjson), the answer is lines as rows are
# read: progress {file, done, total} (the first at the first row), then the
# result, the same as the one-piece answer.
import "source=babybuddy&dry_run=1" -H "Accept: application/x-ndjson" \
    -H "Content-Type: application/json" --data-binary "@$T_DIR/bb.json"
is "$STATUS $(header Content-Type)" "200 application/x-ndjson" "progress asked for: lines"
is "$(jq -sc 'map(select(.progress)) | (length > 0) and all(.progress.done <= .progress.total)' "$T_DIR/body")" \
    true "…progress lines, none past the total"
is "$(jq -sc '[.[] | .progress.done // empty] | . == sort' "$T_DIR/body")" true "…never going back"
is "$(tail -n 1 "$T_DIR/body" | jq -c '.result | [.dry_run, .imported, .duplicates]')" "[true,0,23]" \
    "…and the last line is the result"

import "source=nope"
is "$STATUS $(jbody .error.fields.source)" "400 must be one of: babybuddy, carelog" "an unknown source"
import "source=babybuddy&subject_id=$(uuid)"
is "$STATUS $(jbody .error.fields.subject_id)" "400 is not a person in this family" "a stranger as the person"

# The person chosen takes the rows of an unknown child.
SID=$(db "SELECT id FROM subjects WHERE name = 'Sam Huerta'")
import "source=babybuddy&file=feeding.csv&dry_run=1&subject_id=$SID" -H "Content-Type: text/csv" \
    --data-binary "@$BB/feeding.csv"
is "$(jbody '[.imported, .invalid] | @csv')" "1,2" "with a person chosen, child 9's feeding goes to them (dry run)"

# ---- roles and families ----
join vic "$(invite viewer Vic)"
AS=vic import "source=babybuddy&dry_run=1"
is "$STATUS" 403 "a viewer cannot import, not even a dry run"
AS=oto import "source=babybuddy&dry_run=1"
is "$STATUS" 404 "another family's id: 404"
curl -s -o "$T_DIR/body" -w '%{http_code}' -b "$T_DIR/jar-ana" -H "X-CSRF-Token: wrong" \
    -H "Content-Type: application/json" --data-binary "@$T_DIR/bb.json" \
    "$BASE/api/v1/families/$FID/import?source=babybuddy" > "$T_DIR/code"
STATUS=$(cat "$T_DIR/code")
is "$STATUS" 403 "the CSRF token is checked"

# ---- carelog's own export, round trip, every type ----
family_with_baby Europe/Paris
A=$FID
T=$(( ($(date +%s) - 86400) * 1000 ))
i=0
while IFS='|' read -r type value hasend; do
    i=$((i + 1))
    extra=""
    [ "$hasend" = end ] && extra=", end_ts: $((T + i * 60000 + 600000))"
    put_entry "$(uuid)" "{type: \"$type\", ts: $((T + i * 60000)), value: $value$extra}"
done <<'EOF2'
feed|{method:"breast_left",notes:"a; b=c"}|end
feed|{method:"bottle",milk:"formula",amount_ml:120}|-
feed|{method:"solids",food:"=banana",amount_ml:40}|-
diaper|{wet:true,dirty:true,colour:"yellow",notes:"line one\nline two"}|-
sleep|{kind:"nap"}|end
pump|{side:"left",amount_ml:80}|end
growth|{weight_g:4200,length_cm:54.5,head_cm:37}|-
temperature|{celsius:37.8,method:"axillary"}|-
medication|{name:"Paracetamol",dose:2.5,unit:"ml"}|-
symptom|{text:"cough, dry",severity:2}|-
vitals|{heart_rate:72,bp_systolic:120,bp_diastolic:80,spo2:97,glucose:5.4}|-
tummy_time|{milestone:"rolled over"}|end
note|{text:"first \"smile\""}|-
EOF2
is "$(db "SELECT count(*) FROM entries WHERE family_id = '$A'")" 13 "family A logs one entry of every type"
req GET "/api/v1/families/$A/export?format=json"
cp "$T_DIR/body" "$T_DIR/a.json"
req GET "/api/v1/families/$A/export?format=csv"
cp "$T_DIR/body" "$T_DIR/a.csv"
entries_of() { db "SELECT type, ts, coalesce(end_ts, ''), value FROM entries WHERE family_id = '$1' AND deleted = 0 ORDER BY ts, type"; }

family_with_baby Europe/Paris
B=$FID
listen ana
wait_for ana '^retry:' >/dev/null
import "source=carelog&dry_run=0" -H "Content-Type: application/json" --data-binary "@$T_DIR/a.json"
is "$STATUS $(jbody .imported)" "201 13" "A's JSON export imported into B (one person: all go to them)"
ok "$(wait_for ana '"type":"vitals"' 10; echo $?)" "the imported history reaches B's live stream within a second"
is "$(entries_of "$B")" "$(entries_of "$A")" "B's entries equal A's: types, times, values"
is "$(db "SELECT count(*) FROM entries WHERE family_id = '$B' AND id IN (SELECT id FROM entries WHERE family_id = '$A')")" 0 \
    "…under ids of their own (A's ids stay A's)"
import "source=carelog&dry_run=0" -H "Content-Type: application/json" --data-binary "@$T_DIR/a.json"
is "$(jbody '[.imported, .duplicates] | @csv')" "0,13" "importing it again adds nothing"

FID=$(new_family Elsewhere Europe/Paris)
C=$FID
import "source=carelog&dry_run=0" -H "Content-Type: text/csv" --data-binary "@$T_DIR/a.csv"
is "$STATUS $(jbody '[.imported, .people, .invalid] | @csv')" "201 13,1,0" "A's CSV export into an empty family C: 13 entries, its person made"
is "$(entries_of "$C")" "$(entries_of "$A")" "C's entries equal A's (notes with '; ', quotes, newlines and formulas too)"
is "$(db "SELECT name FROM subjects WHERE family_id = '$C'")" "Noa" "the person keeps their name"
import "source=carelog&dry_run=0" -H "Content-Type: text/csv" --data-binary "@$T_DIR/a.csv"
is "$(jbody '[.imported, .duplicates] | @csv')" "0,13" "the CSV again adds nothing"
FID=$A
import "source=carelog&dry_run=0" -H "Content-Type: application/json" --data-binary "@$T_DIR/a.json"
is "$(jbody '[.imported, .duplicates] | @csv')" "0,13" "A's export into A itself: its own entries, found again"

# An export from before the column per field: one "details" cell of
# "key=value; ..." (a field's text may hold "; " itself).
FID=$C
printf '%s\r\n' 'id,person,type,start,end,minutes,details,author' \
    'aaaaaaaa-0000-4000-8000-000000000001,Noa,feed,2024-05-01T08:00:00+01:00,,,"method=bottle; amount_ml=90; notes=warm; not hot",Dana' \
    'aaaaaaaa-0000-4000-8000-000000000002,Noa,temperature,2024-05-01T09:00:00+01:00,,,celsius=37.2,Dana' \
    'aaaaaaaa-0000-4000-8000-000000000003,Noa,feed,2024-05-01T10:00:00+01:00,,,colour=blue,Dana' > "$T_DIR/old.csv"
import "source=carelog&dry_run=0" -H "Content-Type: text/csv" --data-binary "@$T_DIR/old.csv"
is "$STATUS $(jbody '[.imported, .invalid] | @csv')" "201 2,1" "an older export (details column) imports; a detail its type lacks is refused"
is "$(db "SELECT value FROM entries WHERE family_id = '$C' AND ts = $(date -d 2024-05-01T08:00:00+01:00 +%s)000")" \
    '{"method":"bottle","amount_ml":90,"notes":"warm; not hot"}' "…its fields read back, \"; \" inside a note kept"

stop_server
done_testing
