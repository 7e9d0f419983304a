#!/bin/bash
# t0202-sync.sh — one sync call flushes an outbox in order and pulls what
# others wrote: a batch mixing applied, stale and invalid changes (one bad
# change blocks nothing), a put then delete of the same entry in one batch,
# replays, the 500-change cap, and cursor paging across 10,000 entries with
# nothing skipped or repeated.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
signup bob
export AS=ana
family_with_baby
TOKEN=$(invite caregiver Bob)
join bob "$TOKEN"
NOW=$(date +%s%3N)

# Bob writes one entry; Ana's outbox then holds a stale edit of it.
SHARED=$(uuid)
AS=bob put_entry "$SHARED" "{type: \"diaper\", ts: $NOW, value: {wet: true}, updated_at: $((NOW + 100))}"
A1=$(uuid) A2=$(uuid) A3=$(uuid)
batch=$(jq -cn --arg sid "$SID" --arg a1 "$A1" --arg a2 "$A2" --arg a3 "$A3" --arg sh "$SHARED" --argjson t "$NOW" '
  {cursor: 0, changes: [
    {op: "put", id: $a1, subject_id: $sid, type: "feed", ts: $t, value: {method: "bottle", amount_ml: 100}, updated_at: $t},
    {op: "put", id: $sh, subject_id: $sid, type: "diaper", ts: $t, value: {wet: true, dirty: true}, updated_at: ($t + 50)},
    {op: "put", id: $a2, subject_id: $sid, type: "feed", ts: $t, value: {method: "teleport"}, updated_at: $t},
    {op: "put", id: $a3, subject_id: $sid, type: "note", ts: $t, value: {text: "to delete"}, updated_at: $t},
    {op: "delete", id: $a3, updated_at: ($t + 1)},
    {op: "wiggle", id: $a2},
    {op: "put", id: "not-a-uuid", subject_id: $sid, type: "note", ts: $t, value: {text: "x"}, updated_at: $t}
  ]}')
req POST "/api/v1/families/$FID/sync" "$batch"
is "$STATUS" 200 "sync answers 200 even with bad changes"
is "$(jbody '[.results[].status] | join(",")')" "applied,stale,invalid,applied,applied,invalid,invalid" \
    "results in order: applied, stale, invalid…"
is "$(jbody '.results[1].entry.value.dirty // false')" false "the stale change gets the winner (Bob's) back"
is "$(jbody '.results[2].error.fields["value.method"]')" \
    "must be one of: breast_left, breast_right, breast_both, bottle, solids" "an invalid change says why"
is "$(jbody '.results[5].error.fields.op')" "must be one of: put, delete" "unknown op"
is "$(jbody '.results[4].entry.deleted')" true "put then delete in one batch: deleted"
is "$(jbody '[.changes[].id] | sort | join(",")')" "$(printf '%s\n' "$A1" "$A3" "$SHARED" | sort | paste -sd,)" \
    "the pull returns everything since the cursor (mine and Bob's)"
cursor=$(jbody .cursor)
is "$(jbody .more)" false "nothing more to pull"
is "$(db "SELECT count(*) FROM entries")" 3 "nothing half-written"

req POST "/api/v1/families/$FID/sync" "$batch"
is "$(jbody '[.results[].status] | join(",")')" "applied,stale,invalid,stale,applied,invalid,invalid" \
    "replaying the whole outbox is harmless (the old put of a deleted entry is now stale)"
is "$(jbody '.results[3].entry.deleted')" true "…and answers with the tombstone"
is "$(db "SELECT count(*) FROM entries")" 3 "…no duplicates"

req POST "/api/v1/families/$FID/sync" "{\"cursor\":$cursor}"
is "$(jbody '.changes | length')" 0 "pulling from the cursor: nothing new"
AS=bob put_entry "$(uuid)" "{type: \"note\", ts: $NOW, value: {text: \"from bob\"}}"
req POST "/api/v1/families/$FID/sync" "{\"cursor\":$cursor}"
is "$(jbody '.changes[0].value.text')" "from bob" "…then Bob's new entry"

big=$(jq -cn '{cursor: 0, changes: [range(501) | {op: "delete", id: "x", updated_at: 1}]}')
req POST "/api/v1/families/$FID/sync" "$big"
is "$(jbody .error.fields.changes)" "must have at most 500 items" "at most 500 changes per call"
req POST "/api/v1/families/$FID/sync" '{"changes":[]}'
is "$(jbody .error.fields.cursor)" "is required" "the cursor is required"

# 10,000 entries in batches of 500, then paged out in pieces of 700.
for b in $(seq 0 19); do
    jq -cn --arg sid "$SID" --argjson t "$NOW" --argjson b "$b" \
        '{cursor: 0, limit: 1, changes: [range(500) as $i | {op: "put",
          id: ("00000000-0000-7000-8000-" + ((($b * 500) + $i) | tostring | ("000000000000" + .)[-12:])),
          subject_id: $sid, type: "note", ts: ($t - ($b * 500 + $i) * 1000),
          value: {text: ("n" + (($b * 500 + $i) | tostring))}, updated_at: $t}]}' > "$T_DIR/batch.json"
    STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -b "$T_DIR/jar-ana" \
        -H "X-CSRF-Token: $(cat "$T_DIR/csrf-ana")" -H "Content-Type: application/json" \
        --data-binary "@$T_DIR/batch.json" "$BASE/api/v1/families/$FID/sync")
    [ "$(jbody '[.results[] | select(.status == "applied")] | length')" = 500 ] || diag "batch $b: $STATUS"
done
is "$(db "SELECT count(*) FROM entries WHERE type = 'note' AND value LIKE '%\"n%'")" 10000 "10,000 entries stored"
since=0
: > "$T_DIR/pulled"
for i in $(seq 1 40); do
    req GET "/api/v1/families/$FID/changes?since=$since&limit=700"
    jbody '.changes[].id' >> "$T_DIR/pulled"
    since=$(jbody .cursor)
    [ "$(jbody .more)" = true ] || break
done
total=$(db "SELECT count(*) FROM entries")
is "$(wc -l < "$T_DIR/pulled")" "$total" "paging the change feed returns every entry"
is "$(sort -u "$T_DIR/pulled" | wc -l)" "$total" "…none repeated"
is "$since" "$(db "SELECT max(seq) FROM entries")" "the final cursor is the newest seq"
done_testing
