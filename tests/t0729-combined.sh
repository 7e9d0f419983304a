#!/bin/bash
# t0729-combined.sh — summaries, trends and exports per person and combined
# (issue 18): with subject=all the day and the trends add the people's
# figures up (counts, durations, amounts, the family's own types), each
# person's feeds chained on their own (a nursing session of one twin never
# continues the other's: two feeds), the day keeps a block per person; a
# member limited to one person gets "all" = that person, never the other's
# figures; the export takes subject= one person or all. (That the app's
# figures for everyone equal these: t0212-summary-shared.sh.)
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
signup nan
export AS=ana
FID=$(new_family Home UTC)
F="/api/v1/families/$FID"
req POST "$F/subjects" '{"name":"Liam","kind":"baby"}'
LIAM=$(jbody .id)
req POST "$F/subjects" '{"name":"Noa","kind":"baby"}'
NOA=$(jbody .id)
req POST "$F/activity-types" '{"key":"bath","names":{"en":"Bath"},"icon":"🛁","colour":"#1c9bb4",
  "fields":[{"key":"time","kind":"duration"},{"key":"water","kind":"amount","unit":"ml"}]}'
is "$STATUS" 201 "a family type with a duration and an amount"

DAY=2026-11-20
T0=$(local_ms UTC "$DAY 08:00")
M=60000
# e SUBJECT TYPE TS [END] VALUE — an entry for SUBJECT.
e() {
    SID=$1 put_entry "$(uuid)" "{type: \"$2\", ts: $3$([ -n "$4" ] && echo ", end_ts: $4"), value: $5}"
    [ "$STATUS" = 201 ] || diag "PUT $2: $STATUS $(body)"
}
# Liam: a bottle of 120 ml, a wet diaper, a nap of 60 min, a left breast
# feed 08:30-08:40, a bath of 10 min with 500 ml. Noa: a bottle of 90 ml,
# a dirty diaper, a nap of 30 min, a right breast feed starting 30 s after
# Liam's ended (her own feed, not his continued), a bath of 20 min with
# 300 ml.
e "$LIAM" feed "$T0" "" '{method: "bottle", amount_ml: 120}'
e "$NOA" feed "$T0" "" '{method: "bottle", amount_ml: 90}'
e "$LIAM" diaper $((T0 + M)) "" '{wet: true}'
e "$NOA" diaper $((T0 + M)) "" '{dirty: true}'
e "$LIAM" sleep $((T0 + 120 * M)) $((T0 + 180 * M)) '{}'
e "$NOA" sleep $((T0 + 120 * M)) $((T0 + 150 * M)) '{}'
e "$LIAM" feed $((T0 + 30 * M)) $((T0 + 40 * M)) '{method: "breast_left"}'
e "$NOA" feed $((T0 + 40 * M + 30000)) $((T0 + 50 * M)) '{method: "breast_right"}'
e "$LIAM" x-bath $((T0 + 300 * M)) $((T0 + 310 * M)) '{water: 500}'
e "$NOA" x-bath $((T0 + 300 * M)) $((T0 + 320 * M)) '{water: 300}'

figures='[.totals | .feeds, .bottles, .bottle_ml, .diapers, .wet, .dirty, .sleep_ms, .naps, .longest_sleep_ms,
          .breast_left_ms, .breast_right_ms] | map(tostring) | join(" ")'
req GET "$F/summary?date=$DAY&subject=$LIAM"
is "$(jbody "$figures")" "2 1 120 1 1 0 3600000 1 3600000 600000 0" "Liam's day on his own"
req GET "$F/summary?date=$DAY&subject=$NOA"
is "$(jbody "$figures")" "2 1 90 1 0 1 1800000 1 1800000 0 570000" "Noa's on hers"
req GET "$F/summary?date=$DAY&subject=all"
is "$STATUS" 200 "subject=all: everyone's day"
is "$(jbody "$figures")" "4 2 210 2 1 1 5400000 2 3600000 600000 570000" \
    "…the figures added up (the longest sleep is the longest of them), Noa's feed 30 s after Liam's a feed of its own"
is "$(jbody '[.subject_id, (.subject_ids | join(","))] | map(tostring) | join(" ")')" "null $LIAM,$NOA" \
    "…covering both, in the family's order"
is "$(jbody '.custom["x-bath"] | [.count, .duration_ms, .fields.water] | map(tostring) | join(" ")')" "2 1800000 800" \
    "…the family's own type added up too"
is "$(jbody '[.people[] | .subject_id + "=" + (.totals.bottle_ml | tostring) + "/" + (.custom["x-bath"].fields.water | tostring)] | join(" ")')" \
    "$LIAM=120/500 $NOA=90/300" "…with each person's own block"
is "$(jbody '[.people[].last.feed.value.method] | join(",")')" "breast_left,breast_right" "…and each one's last feed"
is "$(jbody 'has("last")')" false "…and no combined 'last' (whose would it be?)"
is "$(jbody '.hours[8] | [.feeds, .bottle_ml, (.events | length)] | map(tostring) | join(" ")')" "4 210 6" \
    "the hour grid adds up both"

req GET "$F/trends?days=7&end=$DAY&subject=all"
is "$STATUS $(jbody '.days[-1] | [.feeds, .bottle_ml, .diapers, .custom["x-bath"].count] | map(tostring) | join(" ")')" \
    "200 4 210 2 2" "the trends for everyone add up too"
is "$(jbody '[(.days[-1].rhythm.feeds | length), (.subject_ids | length)] | map(tostring) | join(" ")')" "4 2" \
    "…the rhythm has everyone's feeds"
req GET "$F/trends?days=7&end=$DAY&subject=$NOA"
is "$(jbody '.days[-1] | [.feeds, .bottle_ml] | map(tostring) | join(" ")')" "2 90" "…and one person's theirs"

req GET "$F/summary?date=$DAY&subject=ALL"
is "$STATUS" 404 "'ALL' is no person (all is lower case)"
req GET "$F/summary?date=$DAY"
is "$STATUS $(jbody .error.fields.subject)" "400 is required when a family cares for several people" \
    "no subject with two people: still a question"

# ---- a member limited to Liam: all is Liam ----
req POST "$F/links" "{\"role\":\"caregiver\",\"label\":\"Nanny\",\"subject_ids\":[\"$LIAM\"]}"
join nan "$(jbody .token)"
export AS=nan
req GET "$F/summary?date=$DAY&subject=all"
is "$STATUS $(jbody '.subject_ids | join(",")')" "200 $LIAM" "the nanny's everyone is Liam"
is "$(jbody "$figures")" "2 1 120 1 1 0 3600000 1 3600000 600000 0" "…with Liam's figures only"
is "$(jbody '[.people[].subject_id] | join(",")')" "$LIAM" "…and Liam's block only"
req GET "$F/trends?days=7&end=$DAY&subject=all"
is "$(jbody '.days[-1] | [.feeds, .bottle_ml] | map(tostring) | join(" ")')" "2 120" "…in the trends too"
req GET "$F/export?format=json&subject=all"
is "$(jbody "[.[].subject_id] | unique | join(\",\")")" "$LIAM" "…and the export of all"
req GET "$F/export?format=json&subject=$NOA"
is "$STATUS" 404 "Noa's export: as another family's"

# ---- exports per person and combined ----
export AS=ana
req GET "$F/export?format=json&subject=$NOA"
is "$(jbody "[.[].subject_id] | unique | join(\",\")") $(jbody length)" "$NOA 5" "the export of one person"
req GET "$F/export?format=json&subject=all"
is "$(jbody length)" 10 "the export of everyone"
req GET "$F/export?format=json"
is "$(jbody length)" 10 "…as without a subject"
req GET "$F/export?format=csv&subject=$LIAM"
is "$(tail -n +2 "$T_DIR/body" | grep -c "Liam") $(tail -n +2 "$T_DIR/body" | grep -c "Noa")" "5 0" "the CSV of one person"
done_testing
