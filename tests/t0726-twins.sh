#!/bin/bash
# t0726-twins.sh — one event logged for several people at once (issue 18):
# an atomic /sync batch gives each baby an entry of its own (own UUID, own
# sync, own summary) sharing a group_id; all or nothing (one bad change and
# none is written); undone together in one request; the group travels with
# the entries through the pull, the stream and the JSON export.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
export AS=ana
FID=$(new_family Home)
F="/api/v1/families/$FID"
req POST "$F/subjects" '{"name":"Liam","kind":"baby"}'
LIAM=$(jbody .id)
req POST "$F/subjects" '{"name":"Noa","kind":"baby"}'
NOA=$(jbody .id)
NOW=$(date +%s%3N)
G=$(uuid)
A=$(uuid)
B=$(uuid)
# change ID SUBJECT [VALUE] — a diaper change of the group, as a sync change.
change() {
    jq -cn --arg id "$1" --arg sid "$2" --arg g "$G" --argjson now "$NOW" --argjson v "${3:-{\"wet\":true\}}" \
        '{op: "put", id: $id, subject_id: $sid, type: "diaper", ts: $now, updated_at: $now, group_id: $g, value: $v}'
}

listen ana
wait_for ana '^retry:'
req POST "$F/sync" "{\"cursor\":0,\"atomic\":true,\"changes\":[$(change "$A" "$LIAM"),$(change "$B" "$NOA")]}"
is "$STATUS $(jbody '[.results[].status] | join(",")')" "200 applied,applied" "both babies changed in one request"
is "$(jbody "[.changes[] | select(.group_id == \"$G\") | .subject_id] | sort | join(\",\")")" \
    "$(printf '%s\n' "$LIAM" "$NOA" | sort | paste -sd,)" "…two entries, one per baby, sharing the group"
is "$(db "SELECT count(DISTINCT id) || ' ' || count(DISTINCT seq) FROM entries WHERE group_id = '$G'")" "2 2" \
    "…each its own id and its own seq"
ok "$(wait_for ana "$A" && wait_for ana "$B"; echo $?)" "…both on the live stream"
ok "$(grep "\"id\":\"$A\"" "$T_DIR/sse-ana" | grep -q "\"group_id\":\"$G\""; echo $?)" "…with their group"
req GET "$F/summary?subject=$LIAM"
is "$(jbody .totals.diapers)" 1 "Liam's day counts his own"
req GET "$F/summary?subject=$NOA"
is "$(jbody .totals.diapers)" 1 "…and Noa's hers"
req GET "$F/export?format=json"
is "$(jbody "[.[] | select(.group_id == \"$G\")] | length")" 2 "the JSON export keeps the group"

# ---- all or nothing ----
C=$(uuid)
D=$(uuid)
G=$(uuid)
req POST "$F/sync" "{\"cursor\":0,\"atomic\":true,\"changes\":[$(change "$C" "$LIAM"),$(change "$D" "$NOA" '{"colour":"blue"}')]}"
is "$(jbody '[.results[].status] | join(",")')" "aborted,invalid" "one bad change: the batch is undone"
is "$(jbody '.results[0].entry')" null "…the aborted change shows no stored entry"
is "$(db "SELECT count(*) FROM entries WHERE id IN ('$C', '$D')")" 0 "…and neither entry was written"
req POST "$F/sync" "{\"cursor\":0,\"changes\":[$(change "$C" "$LIAM"),$(change "$D" "$NOA" '{"colour":"blue"}')]}"
is "$(jbody '[.results[].status] | join(",")')" "applied,invalid" "without atomic, the good one applies alone (as before)"
req POST "$F/sync" '{"cursor":0,"atomic":"yes","changes":[]}'
is "$STATUS" 400 "atomic is a boolean"
req PUT "$F/entries/$(uuid)" "{\"subject_id\":\"$LIAM\",\"type\":\"note\",\"ts\":$NOW,\"updated_at\":$NOW,\"group_id\":\"x\",\"value\":{\"text\":\"x\"}}"
is "$STATUS $(jbody .error.fields.group_id)" "400 must be a lower-case UUID" "a group id is a UUID"

# ---- undone together ----
LATER=$((NOW + 1000))
req POST "$F/sync" "{\"cursor\":0,\"atomic\":true,\"changes\":[{\"op\":\"delete\",\"id\":\"$A\",\"updated_at\":$LATER},{\"op\":\"delete\",\"id\":\"$B\",\"updated_at\":$LATER}]}"
is "$(jbody '[.results[].status] | join(",")')" "applied,applied" "undo: both deleted in one request"
is "$(db "SELECT group_concat(deleted) FROM entries WHERE id IN ('$A', '$B')")" "1,1" "…as tombstones that keep their group"
is "$(db "SELECT count(*) FROM entries WHERE id IN ('$A', '$B') AND group_id IS NOT NULL")" 2 "…(the group stays)"
req POST "$F/sync" "{\"cursor\":0,\"atomic\":true,\"changes\":[{\"op\":\"delete\",\"id\":\"$C\",\"updated_at\":$((LATER + 1))},{\"op\":\"delete\",\"id\":\"$(uuid)\",\"updated_at\":$((LATER + 1))}]}"
is "$(jbody '[.results[].status] | join(",")')" "aborted,invalid" "an undo of which one part fails undoes nothing"
is "$(db "SELECT deleted FROM entries WHERE id = '$C'")" 0 "…the first entry is still there"
done_testing
