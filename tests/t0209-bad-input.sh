#!/bin/bash
# t0208-bad-input.sh — the audit's bad-input findings, one test each: a sync
# change that is not an object, a body of 90,000 unknown keys, deep nesting,
# an escaped NUL, a phone clock years ahead, and a CSV cell that a
# spreadsheet would run as a formula. Each answers a clear error (or a safe
# result) and the program that got it keeps serving.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
export AS=ana
family_with_baby
NOW=$(date +%s%3N)

# ---- sync: a change that is not an object ----
GOOD=$(uuid)
batch=$(jq -cn --arg sid "$SID" --arg g "$GOOD" --argjson t "$NOW" '
  {cursor: 0, changes: [null, true, 0, "x", [],
    {op: "put", id: $g, subject_id: $sid, type: "note", ts: $t, value: {text: "kept"}, updated_at: $t},
    {op: "put", id: $g, subject_id: $sid, type: "note", ts: $t, value: null, updated_at: $t},
    {op: "delete", id: null, updated_at: $t}]}')
for round in 1 2 3 4; do
    req POST "/api/v1/families/$FID/sync" "$batch"
    [ "$STATUS" = 200 ] || break
done
is "$STATUS" 200 "sync changes null/true/0/\"x\"/[]: four batches in a row answer 200"
is "$(jbody '[.results[].status] | join(",")')" "invalid,invalid,invalid,invalid,invalid,applied,invalid,invalid" \
    "sync change not an object: invalid in the results, the rest of the batch applies"
is "$(jbody '.results[0].error.fields.body')" "must be a JSON object" "…and says why"
is "$(jbody '.results[6].error.fields.value')" "is required" "a null value is invalid, not a crash"
is "$(db "SELECT count(*) FROM entries")" 1 "…nothing half-written"
req GET /health
is "$STATUS" 200 "the entries program still serves after the batches"
req GET "/api/v1/families/$FID/entries"
is "$STATUS" 200 "…and so does the family's log"

# ---- validation cost: linear, capped ----
keys=$(seq 1 90000 | awk 'BEGIN { printf "{\"email\":\"a@example.com\",\"password\":\"x\"" } { printf ",\"k%d\":1", $1 } END { printf "}" }')
printf '%s' "$keys" > "$T_DIR/many-keys.json"
code=$(curl -s -o "$T_DIR/body" -w '%{http_code}' --max-time 20 -H 'Content-Type: application/json' \
    --data-binary "@$T_DIR/many-keys.json" "$BASE/api/v1/auth/login")
is "$code" 400 "validation cost: a login body of 90,000 keys is refused with 400"
is "$(jbody .error.message)" "An object in the body has too many fields" "…saying why"
few=$(seq 1 200 | awk 'BEGIN { printf "{\"email\":\"a@example.com\",\"password\":\"x\"" } { printf ",\"k%d\":1", $1 } END { printf "}" }')
req POST /api/v1/auth/login "$few"
is "$STATUS" 400 "200 unknown fields: 400 validation_failed"
is "$(jbody '.error.fields | length')" 16 "…naming only the first 16 errors"
deep=$(printf '%*s' 40 '' | tr ' ' '[')$(printf '%*s' 40 '' | tr ' ' ']')
req POST /api/v1/auth/login "{\"email\":$deep}"
is "$(jbody .error.message)" "The body is nested too deeply" "nesting depth is capped with a clear 400"
dup='{"email":"a@example.com","email":"b@example.com","password":"x"}'
req POST /api/v1/auth/login "$dup"
is "$(jbody '.error.fields.email')" "appears more than once" "a duplicate field is still named"

# ---- an escaped NUL ----
req POST /api/v1/families '{"name":"Ho\u0000me","timezone":"UTC"}'
is "$STATUS" 400 "escaped \\u0000 in a string: 400, not a silently shortened name"
is "$(jbody .error.message)" 'Strings must not contain \u0000' "…saying why"
req POST /api/v1/families '{"name":"a\\u0000b","timezone":"UTC"}'
is "$STATUS" 201 "an escaped backslash before u0000 is plain text"
is "$(jbody .name)" 'a\u0000b' "…kept as typed"

# ---- a phone clock years ahead ----
PINNED=$(uuid)
FAR=$((NOW + 100 * 365 * 86400000))
put_entry "$PINNED" "{type: \"note\", ts: $NOW, value: {text: \"from the future\"}, updated_at: $FAR}"
is "$STATUS" 201 "updated_at far in the future: the entry is kept"
stored=$(jbody .updated_at)
ok "$([ "$stored" -le $(($(date +%s%3N) + 120000)) ]; echo $?)" \
    "…its updated_at bounded to the server clock + 2 min (got $stored)"
sleep 0.2
req DELETE "/api/v1/families/$FID/entries/$PINNED?updated_at=$(($(date +%s%3N) + 130000))"
is "$(jbody .deleted)" true "…so a later delete from a correct clock wins"

# ---- CSV injection ----
put_entry "$(uuid)" "{type: \"note\", ts: $NOW, value: {text: \"=HYPERLINK(\\\"http://x.example\\\")\"}}"
req PATCH "/api/v1/families/$FID/subjects/$SID" '{"name":"=cmd|calc"}'
curl -s -b "$T_DIR/jar-ana" -o "$T_DIR/export.csv" "$BASE/api/v1/families/$FID/export?format=csv"
python3 - "$T_DIR/export.csv" > "$T_DIR/cells" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
bad = [c for r in rows[1:] for c in r if c[:1] in ('=', '+', '-', '@', '\t', '\r')]
person = {r[1] for r in rows[1:]}
print(len(bad), sorted(person)[0] if person else '')
EOF
is "$(cut -d' ' -f1 "$T_DIR/cells")" 0 "CSV injection: no cell starts with = + - @ tab or CR"
is "$(cut -d' ' -f2- "$T_DIR/cells")" "'=cmd|calc" "…the person's name is kept, behind an apostrophe"
req GET "/api/v1/families/$FID/export?format=json"
is "$(jq -r '[.[] | select(.type == "note") | .value.text] | map(select(startswith("=HYPER"))) | length' "$T_DIR/body")" 1 \
    "the JSON export keeps the text unchanged"

done_testing
