#!/bin/bash
# t0725-per-person.sh — access per person (issue 18): a family with two
# babies, Liam and Noa; a nanny (caregiver, an account invited for Liam only)
# and a grandma (viewer, a device link for Noa only). Every family route,
# taken from the programs' own route tables (--routes), is walked by each of
# them with the other baby's ids: a route nobody decided about fails here.
# Nothing of the hidden baby shows anywhere — lists, summaries, exports,
# sync, the live stream, the calendar feed, the Baby Buddy API — and writes
# for the hidden baby are answered as for another family's: 404 (or the
# field error "is not a person in this family" for a new record's body).
# Changing a limit takes effect at once: the member's open stream ends at
# the change (the browser reconnects with the new limit) and the next
# request sees the new set.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
signup nan
export AS=ana
FID=$(new_family Home)
F="/api/v1/families/$FID"
req POST "$F/subjects" '{"name":"LiamX","kind":"baby"}'
LIAM=$(jbody .id)
req POST "$F/subjects" '{"name":"NoaX","kind":"baby"}'
NOA=$(jbody .id)

# ---- the limits: on invites and links, checked, shown, audited ----
req POST "$F/links" "{\"role\":\"caregiver\",\"label\":\"Nanny\",\"subject_ids\":[\"$LIAM\"]}"
is "$STATUS $(jbody '.subject_ids | join(",")')" "201 $LIAM" "an invite for Liam only"
NAN_TOKEN=$(jbody .token)
req POST "$F/links" "{\"role\":\"viewer\",\"label\":\"Grandma\",\"subject_ids\":[\"$NOA\"]}"
GRAN_TOKEN=$(jbody .token)
req GET "$F/links"
is "$(jbody '[.links[] | .subject_ids | join(",")] | sort | join(" ")')" "$(printf '%s\n' "$LIAM" "$NOA" | sort | paste -sd' ')" \
    "links list their people"
req POST "$F/links" "{\"role\":\"owner\",\"label\":\"x\",\"subject_ids\":[\"$LIAM\"]}"
is "$STATUS $(jbody .error.fields.subject_ids)" "400 must be null for an owner: owners see everyone" \
    "owners are never limited"
req POST "$F/links" "{\"role\":\"viewer\",\"label\":\"x\",\"subject_ids\":[]}"
is "$STATUS" 400 "an empty list is refused (null means everyone)"
req POST "$F/links" "{\"role\":\"viewer\",\"label\":\"x\",\"subject_ids\":[\"$LIAM\",\"$LIAM\"]}"
is "$(jbody .error.fields.subject_ids)" "must not name a person twice" "…a person twice too"
req POST "$F/links" "{\"role\":\"viewer\",\"label\":\"x\",\"subject_ids\":[\"$(uuid)\"]}"
is "$(jbody .error.fields.subject_ids)" "must name people of this family" "…and someone of another family"
req POST "$F/links" '{"role":"viewer","label":"x","subject_ids":"all"}'
is "$(jbody .error.fields.subject_ids)" "must be an array" "…and anything but an array"
req POST "$F/links" '{"role":"viewer","label":"Everyone","subject_ids":null}'
is "$STATUS $(jbody .subject_ids)" "201 null" "null: everyone"

join nan "$NAN_TOKEN"
is "$JOIN_STATUS" 303 "the nanny joins with her invite" || diag "$(body)"
join gran "$GRAN_TOKEN"
is "$STATUS" 200 "grandma's device signs in with its link"
req GET "$F/members"
NAN_MID=$(jbody '.members[] | select(.name == "nan") | .id')
GRAN_MID=$(jbody '.members[] | select(.name == "Grandma") | .id')
is "$(jbody "[.members[] | (.name + \"=\" + ((.subject_ids // [\"all\"]) | join(\",\")))] | join(\" \")")" \
    "ana=all nan=$LIAM Grandma=$NOA" "the member list shows who sees whom"
AS=nan req GET "$F/members"
is "$(jbody '[.members[] | select(.subject_ids != null) | .name] | join(",")')" "nan" \
    "a limited member sees their own limit, not others'"

# ---- the data of each baby (the hidden one's marked with its name) ----
NOW=$(date +%s%3N)
SID=$LIAM put_entry "$(uuid)" '{type: "note", ts: '$((NOW - 60000))', value: {text: "LiamX note"}}'
LIAM_E=$(jbody .id)
SID=$NOA put_entry "$(uuid)" '{type: "note", ts: '$((NOW - 60000))', value: {text: "NoaX note"}}'
NOA_E=$(jbody .id)
SID=$NOA put_entry "$(uuid)" '{type: "feed", ts: '$((NOW - 120000))', value: {method: "bottle", amount_ml: 90}}'
NOA_FEED=$(jbody .id)
is "$STATUS" 201 "a feed for Noa" || true
[ "$STATUS" = 201 ] || diag "$(body)"
SID=$LIAM put_entry "$(uuid)" '{type: "feed", ts: '$((NOW - 120000))', value: {method: "bottle", amount_ml: 90}}'
for who in LIAM NOA; do
    sid=${!who}
    name=$( [ $who = LIAM ] && echo LiamX || echo NoaX)
    req PUT "$F/people/$sid/profile" "{\"allergies\":\"${name}allergy\"}"
    [ "$STATUS" = 200 ] || diag "profile $who: $STATUS $(body)"
    req POST "$F/medications" "{\"subject_id\":\"$sid\",\"name\":\"${name}med\",\"form\":\"drops\",\"start_date\":\"2026-01-01\",\"schedule\":{\"kind\":\"times\",\"times\":[\"08:00\"]}}"
    eval "${who}_MED=\$(jbody .id)"
    req POST "$F/appointments" "{\"subject_id\":\"$sid\",\"title\":\"${name}appt\",\"type\":\"doctor\",\"start\":$((NOW + 86400000))}"
    eval "${who}_APPT=\$(jbody .id)"
    req POST "$F/reminders" "{\"subject_id\":\"$sid\",\"kind\":\"feed_due\",\"interval_min\":180,\"label\":\"${name}rem\"}"
    eval "${who}_REM=\$(jbody .id)"
    printf '%%PDF-1.7\n%s\n' "$name" > "$T_DIR/$who.pdf"
    STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -b "$T_DIR/jar-$AS" -H "X-CSRF-Token: $(cat "$T_DIR/csrf-$AS")" \
        --data-binary "@$T_DIR/$who.pdf" "$BASE$F/documents?title=${name}doc&subject_id=$sid")
    eval "${who}_DOC=\$(jbody .id)"
    req POST "$F/shifts" "{\"subject_id\":\"$sid\",\"start\":$((NOW + 3600000)),\"duration_min\":120,\"notes\":\"${name}shift\"}"
    eval "${who}_SHIFT=\$(jbody .id)"
done
ok "$([ ${#NOA_SHIFT} = 36 ] && [ ${#LIAM_SHIFT} = 36 ]; echo $?)" "each baby has a shift"
ok "$(for v in "$NOA_MED" "$NOA_APPT" "$NOA_REM" "$NOA_DOC" "$LIAM_MED" "$LIAM_APPT" "$LIAM_REM" "$LIAM_DOC"; do [ ${#v} = 36 ] || exit 1; done; echo 0)" \
    "each baby has a medication, an appointment, a reminder and a document"

# leaks HIDDEN-NAME HIDDEN-IDS... — 0 when the last body names none of them.
leaks() {
    local name=$1
    shift
    grep -qi -- "$name" "$T_DIR/body" && return 1
    for id in "$@"; do grep -q -- "$id" "$T_DIR/body" && return 1; done
    return 0
}

# ---- every family route × each limited member ----
for prog in "$T_BIN"/*; do
    [ -x "$prog" ] || continue
    "$prog" --routes 2>/dev/null
done | sort -u | grep '{fid}' | grep -v '^[A-Z]* /api/v1/admin/' > "$T_DIR/routes"

# decide METHOD PATTERN — how a limited member's request must be answered:
#   person  the path names the hidden person or their record → 404
#           (a viewer's write may be 403 first: the role is checked first)
#   owner   an owner's route → 403 (limited members are never owners)
#   read    a read of the family's data → 200-ish and nothing of the hidden person
#   family  not about a person (the family, members, links, buttons, tokens,
#           quiet hours, one's calendar feed) → nothing of the hidden person
#   own     walked on its own below (the stream, sync, the import, the feed)
decide() {
    case "$1 $2" in
    'POST /api/v1/families/{fid}/shifts' | 'PATCH /api/v1/families/{fid}/shifts/{shid}' | \
        'DELETE /api/v1/families/{fid}/shifts/{shid}') echo owner ;;
    *'{eid}'* | *'{medid}'* | *'{aid}'* | *'{rid}'* | *'{did}'* | *'{shid}'* | *'/people/{sid}/'*) echo person ;;

    'PATCH /api/v1/families/{fid}/subjects/{sid}' | 'DELETE /api/v1/families/{fid}/subjects/{sid}') echo owner ;;
    'POST /api/v1/families/{fid}/subjects' | 'PATCH /api/v1/families/{fid}' | *'/archive' | *'/unarchive') echo owner ;;
    'DELETE /api/v1/families/{fid}' | 'PATCH /api/v1/families/{fid}/activity-types/{tid}' | \
        'DELETE /api/v1/families/{fid}/activity-types/{tid}' | 'POST /api/v1/families/{fid}/activity-types') echo owner ;;
    *'/links'* | *'/audit' | *'/members/{mid}' | 'PATCH /api/v1/families/{fid}/members/{mid}') echo owner ;;
    *'/members/{mid}/reset-link') echo owner ;;
    'GET /api/v1/families/{fid}/entries' | 'GET /api/v1/families/{fid}/changes' | \
        'GET /api/v1/families/{fid}/subjects' | 'GET /api/v1/families/{fid}/summary' | \
        'GET /api/v1/families/{fid}/trends' | 'GET /api/v1/families/{fid}/export' | \
        'GET /api/v1/families/{fid}/medications' | 'GET /api/v1/families/{fid}/medications/schedule' | \
        'GET /api/v1/families/{fid}/appointments' | 'GET /api/v1/families/{fid}/reminders' | \
        'GET /api/v1/families/{fid}/documents' | 'GET /api/v1/families/{fid}/shifts' | \
        'GET /api/v1/families/{fid}') echo read ;;
    *'/members' | *'/config' | *'/tokens' | *'/tokens/{tid}' | *'/quiet-hours' | *'/calendar-token') echo family ;;
    # a family's own activity types are the family's, whoever they are for;
    # a document is filed for a person by ?subject_id= (walked below)
    *'GET /api/v1/families/{fid}/activity-types'* | 'POST /api/v1/families/{fid}/documents') echo family ;;
    'POST /api/v1/families/{fid}/medications' | 'POST /api/v1/families/{fid}/appointments' | \
        'POST /api/v1/families/{fid}/reminders') echo create ;;
    # an emergency alert calls the whole family, whoever it is about
    *'/alerts' | *'/alerts/{alertid}'*) echo family ;;
    *'/stream' | *'/sync' | *'/import' | *'/calendar.ics') echo own ;;
    *) echo undecided ;;
    esac
}

walk() { # walk MEMBER ROLE HIDDEN-NAME HIDDEN-SID HIDDEN-ENTRY HIDDEN-MED HIDDEN-APPT HIDDEN-REM HIDDEN-DOC HIDDEN-SHIFT
    local who=$1 role=$2 name=$3 sid=$4 eid=$5 med=$6 appt=$7 rem=$8 doc=$9 shift=${10} n=0
    local hidden="$sid $eid $med $appt $rem $doc $shift $NOA_FEED"
    [ "$name" = LiamX ] && hidden="$sid $eid $med $appt $rem $doc $shift"
    while read -r method pattern; do
        kind=$(decide "$method" "$pattern")
        [ "$kind" = own ] && continue
        if [ "$kind" = undecided ]; then
            ok 1 "$method $pattern: no per-person decision in this test (add one to decide())"
            continue
        fi
        path=$(printf '%s' "$pattern" | sed "s/{fid}/$FID/; s/{sid}/$sid/; s/{eid}/$eid/; s/{medid}/$med/; s/{aid}/$appt/; s/{rid}/$rem/; s/{did}/$doc/; s/{shid}/$shift/; s/{at}/$((NOW + 86400000))/; s/{[a-z]*}/00000000-0000-4000-8000-000000000000/")
        case $method in
        GET) AS=$who req GET "$path" ;;
        DELETE) AS=$who req DELETE "$path?updated_at=$(date +%s%3N)" ;;
        *) AS=$who req "$method" "$path" "{\"subject_id\":\"$sid\",\"name\":\"x\",\"title\":\"x\",\"label\":\"x\"}" ;;
        esac
        case $kind in
        person)
            want=404
            [ "$role" = viewer ] && [ "$method" != GET ] && case $pattern in */optin) ;; *) want=403 ;; esac
            is "$STATUS" "$want" "$who: $method $pattern of $name is $want" ;;
        owner) is "$STATUS" 403 "$who: $method $pattern is an owner's ($STATUS)" ;;
        read) is "$STATUS" 200 "$who: $method $pattern answers" ;;
        create)
            want=400
            [ "$role" = viewer ] && want=403
            is "$STATUS" "$want" "$who: $method $pattern for $name is refused ($STATUS)" ;;
        family) ok "$([ "$STATUS" -lt 500 ]; echo $?)" "$who: $method $pattern ($STATUS)" ;;
        esac
        # shellcheck disable=SC2086
        r=$(leaks "$name" $hidden; echo $?)
        ok "$r" "…and shows nothing of $name"
        [ "$r" = 0 ] || diag "$(head -c 300 "$T_DIR/body")"
        n=$((n + 1))
    done < "$T_DIR/routes"
    ok "$([ "$n" -ge 30 ]; echo $?)" "$who walked $n family routes"
}
walk nan caregiver NoaX "$NOA" "$NOA_E" "$NOA_MED" "$NOA_APPT" "$NOA_REM" "$NOA_DOC" "$NOA_SHIFT"
walk gran viewer LiamX "$LIAM" "$LIAM_E" "$LIAM_MED" "$LIAM_APPT" "$LIAM_REM" "$LIAM_DOC" "$LIAM_SHIFT"
AS=nan req GET "$F/shifts?subject_id=$NOA"
is "$STATUS" 404 "the nanny's week view of Noa's shifts is 404"

# A document is filed for a person by ?subject_id=: not for a hidden one.
printf '%%PDF-1.7\n' > "$T_DIR/new.pdf"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -b "$T_DIR/jar-nan" -H "X-CSRF-Token: $(cat "$T_DIR/csrf-nan")" \
    --data-binary "@$T_DIR/new.pdf" "$BASE$F/documents?title=x&subject_id=$NOA")
is "$STATUS $(jbody .error.fields.subject_id)" "400 is not a person in this family" \
    "the nanny cannot file a document for Noa"
AS=nan req GET "$F/documents"
is "$(jbody '[.documents[].title] | join(",")')" "LiamXdoc" "…and lists Liam's documents only"

# ---- what each does see ----
AS=nan req GET "$F/subjects"
is "$(jbody '[.subjects[].name] | join(",")')" "LiamX" "the nanny's people: Liam"
AS=nan req GET "$F/entries"
is "$(jbody '[.entries[].subject_id] | unique | join(",")')" "$LIAM" "…his entries only"
AS=nan req GET "$F/summary"
is "$STATUS $(jbody .subject_id)" "200 $LIAM" "…a summary without ?subject is Liam's (the one she sees)"
AS=nan req GET "$F/summary?subject=$NOA"
is "$STATUS" 404 "…Noa's summary is 404"
AS=nan req GET "$F/trends?subject=$NOA"
is "$STATUS" 404 "…Noa's trends too"
AS=nan req GET "$F/export?format=csv"
ok "$(grep -q 'LiamX note' "$T_DIR/body" && leaks NoaX "$NOA_E"; echo $?)" "…the export holds Liam's and none of Noa's"
AS=nan req GET "$F/medications/schedule?subject=$NOA"
is "$(jbody '.doses | length')" 0 "…Noa's medication schedule is empty to her"
AS=gran req GET "$F/entries"
is "$(jbody '[.entries[].subject_id] | unique | join(",")')" "$NOA" "grandma sees Noa's entries only"

# ---- writes for the hidden person ----
AS=nan FID=$FID SID=$NOA put_entry "$(uuid)" '{type: "note", ts: '"$NOW"', value: {text: "x"}}'
is "$STATUS $(jbody .error.fields.subject_id)" "400 is not a person in this family" \
    "a new entry for Noa: as for another family's person"
AS=nan FID=$FID SID=$LIAM put_entry "$NOA_E" '{type: "note", ts: '"$NOW"', value: {text: "moved"}}'
is "$STATUS" 404 "moving Noa's entry to Liam: 404"
AS=nan FID=$FID SID=$NOA put_entry "$LIAM_E" '{type: "note", ts: '"$NOW"', value: {text: "moved"}}'
is "$STATUS" 400 "moving Liam's entry to Noa: refused"
is "$(db "SELECT count(*) FROM entries WHERE value LIKE '%moved%'")" 0 "…neither moved"
AS=nan req DELETE "$F/entries/$NOA_E?updated_at=$(( $(date +%s%3N) + 5))"
is "$STATUS" 404 "deleting Noa's entry: 404"
AS=nan req PUT "$F/people/$NOA/profile" '{"allergies":"x"}'
is "$STATUS" 404 "writing Noa's profile: 404"
AS=nan req POST "$F/reminders" "{\"subject_id\":\"$NOA\",\"kind\":\"feed_due\",\"interval_min\":60}"
is "$(jbody .error.fields.subject_id)" "is not a person in this family" "a reminder for Noa: refused"
AS=nan req POST "$F/import?source=carelog" '[]'
is "$STATUS" 403 "a limited member cannot import (an import may write for anyone)"

# ---- sync: pull and push ----
AS=nan req POST "$F/sync" "{\"cursor\":0,\"changes\":[
  {\"op\":\"put\",\"id\":\"$NOA_E\",\"subject_id\":\"$LIAM\",\"type\":\"note\",\"ts\":$NOW,\"updated_at\":$((NOW + 9000)),\"value\":{\"text\":\"over\"}},
  {\"op\":\"put\",\"id\":\"$(uuid)\",\"subject_id\":\"$NOA\",\"type\":\"note\",\"ts\":$NOW,\"updated_at\":$NOW,\"value\":{\"text\":\"new\"}},
  {\"op\":\"delete\",\"id\":\"$NOA_FEED\",\"updated_at\":$((NOW + 9000))},
  {\"op\":\"put\",\"id\":\"$(uuid)\",\"subject_id\":\"$LIAM\",\"type\":\"note\",\"ts\":$NOW,\"updated_at\":$NOW,\"value\":{\"text\":\"LiamX ok\"}}]}"
is "$(jbody '[.results[] | .status + ":" + (.error.code // "")] | join(" ")')" \
    "invalid:not_found invalid:validation_failed invalid:not_found applied:" \
    "a push for Noa is refused item by item like another family's; Liam's applies"
ok "$(jbody .changes | grep -qi -e NoaX -e "$NOA_E" -e "$NOA_FEED" -e "$NOA"; [ $? -ne 0 ]; echo $?)" \
    "…and the pull holds nothing of Noa (the results name only what was sent)"
is "$(jbody '[.changes[].subject_id] | unique | join(",")')" "$LIAM" "…only Liam's changes"
CURSOR=$(jbody .cursor)
is "$CURSOR" "$(db 'SELECT max(seq) FROM entries')" "…and the cursor passes Noa's rows all the same"
AS=nan req GET "$F/changes?since=0&limit=1"
is "$(jbody '.more')" true "paging /changes counts the hidden rows (no cursor gap, no leak)"

# ---- the live stream ----
JAR=nan listen nan
JAR=gran listen gran
wait_for nan '^retry:'
wait_for gran '^retry:'
SID=$NOA put_entry "$(uuid)" '{type: "note", ts: '"$NOW"', value: {text: "NoaX live"}}'
SID=$LIAM put_entry "$(uuid)" '{type: "note", ts: '"$NOW"', value: {text: "LiamX live"}}'
req PUT "$F/people/$NOA/profile" '{"allergies":"NoaX eggs"}'
req PATCH "$F/medications/$NOA_MED" '{"name":"NoaXmed2"}'
req PATCH "$F/appointments/$NOA_APPT" '{"title":"NoaXappt2"}'
# family-defined types: one for Noa alone, one for both babies
req POST "$F/activity-types" '{"key":"noaxbath","names":{"en":"NoaXbath"},"icon":"🛁","colour":"#1c9bb4","subject_ids":["'"$NOA"'"],"fields":[{"key":"n","kind":"count"}]}'
is "$STATUS" 201 "a type for Noa alone"
NOA_TYPE=$(jbody .id)
req POST "$F/activity-types" '{"key":"drops","names":{"en":"BothDrops"},"icon":"💧","colour":"#1c9bb4","subject_ids":["'"$LIAM"'","'"$NOA"'"],"fields":[{"key":"n","kind":"count"}]}'
is "$STATUS" 201 "a type for both"
req PATCH "$F/medications/$LIAM_MED" '{"name":"LiamXmed2"}'
ok "$(wait_for nan 'LiamXmed2'; echo $?)" "the nanny's stream brings Liam's changes"
ok "$(wait_for gran 'NoaXappt2'; echo $?)" "grandma's brings Noa's"
ok "$(grep -qi 'NoaX' "$T_DIR/sse-nan"; [ $? -ne 0 ]; echo $?)" \
    "…the nanny's carries no event of Noa (entry, profile, medication, appointment, a type for Noa alone)"
ok "$(grep -qi 'LiamX' "$T_DIR/sse-gran"; [ $? -ne 0 ]; echo $?)" "…grandma's none of Liam"
ok "$(grep -q 'BothDrops' "$T_DIR/sse-nan" && ! grep -q "$NOA" "$T_DIR/sse-nan"; echo $?)" \
    "…the type for both reaches the nanny naming Liam only (not even Noa's id)"
AS=nan req GET "$F/activity-types"
is "$(jbody '[.activity_types[] | .names.en + ":" + (.subject_ids | join(","))] | join(" ")')" "BothDrops:$LIAM" \
    "the nanny's list of types: the one for both, naming Liam only"
AS=nan req GET "$F/activity-types/$NOA_TYPE"
is "$STATUS" 404 "…the type for Noa alone is not found"
req GET "$F/activity-types"
is "$(jbody '[.activity_types[] | .subject_ids | length] | join(" ")')" "1 2" "the owner sees both types whole"

# ---- changing a limit takes effect at once ----
req PATCH "$F/members/$NAN_MID" "{\"subject_ids\":[\"$LIAM\",\"$NOA\"]}"
is "$STATUS $(jbody '.subject_ids | length')" "200 2" "the owner lets the nanny see Noa too"
ok "$(ended nan; echo $?)" "…her open stream ends at once (the browser reconnects with the new limit)"
ok "$(kill -0 "$PID_gran" 2>/dev/null; echo $?)" "…grandma's stays open"
AS=nan req GET "$F/subjects"
is "$(jbody '[.subjects[].name] | join(",")')" "LiamX,NoaX" "…her next request sees both"
JAR=nan listen nan2
wait_for nan2 '^retry:'
req PATCH "$F/medications/$NOA_MED" '{"name":"NoaXmed3"}'
ok "$(wait_for nan2 'NoaXmed3'; echo $?)" "…and her new stream brings Noa's changes"
req PATCH "$F/members/$NAN_MID" "{\"subject_ids\":[\"$LIAM\"]}"
ok "$(ended nan2; echo $?)" "limited again: the stream ends again"
AS=nan req GET "$F/entries/"
AS=nan req GET "$F/entries"
ok "$(leaks NoaX "$NOA_E"; echo $?)" "…and Noa is hidden again"
req PATCH "$F/members/$NAN_MID" '{"subject_ids":["'"$NOA"'"],"role":"owner"}'
is "$STATUS" 400 "an owner with a limit is refused"
req PATCH "$F/members/$GRAN_MID" '{"role":"caregiver"}'
is "$STATUS $(jbody '.role + " " + (.subject_ids | join(","))')" "200 caregiver $NOA" "a role change keeps the limit"
req PATCH "$F/members/$GRAN_MID" '{}'
is "$STATUS" 400 "a change of nothing is refused"
req GET "$F/audit?limit=50"
is "$(jbody "[.events[] | select(.action == \"member_people_changed\" and .target == \"$NAN_MID\")] | length")" 2 \
    "each change of who sees whom is audited"
is "$(jbody "[.events[] | select(.action == \"member_people_changed\")][0].detail.to | join(\",\")")" "$LIAM" \
    "…with what it became"

# ---- the calendar feed and the Baby Buddy API of a limited member ----
AS=nan req POST "$F/calendar-token"
CAL=$(jbody .token)
AS=anon req GET "$F/calendar.ics?token=$CAL"
ok "$(grep -q 'LiamXappt' "$T_DIR/body" && leaks NoaX; echo $?)" "the nanny's calendar feed has Liam's appointments only"
AS=nan req POST "$F/tokens" '{"name":"HA"}'
BB=$(jbody .token)
AS=ana req POST "$F/tokens" '{"name":"owner"}'
OWNER_BB=$(jbody .token)
bb() { STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X "$1" -H "Authorization: Token $2" --max-time 20 "$BASE$3"); }
bb GET "$OWNER_BB" /api/notes/
NOA_NUM=$(jbody '.results[] | select(.note == "NoaX note") | .id')
bb GET "$OWNER_BB" /api/children/
NOA_CHILD=$(jbody '.results[] | select(.first_name == "NoaX") | .id')
ok "$([ -n "$NOA_NUM" ] && [ -n "$NOA_CHILD" ]; echo $?)" "the owner's token sees Noa's note and Noa"
for path in $("$T_BIN"/babybuddy --routes | awk '$1 == "GET" && $2 !~ /[{]/ {print $2}'); do
    bb GET "$BB" "$path"
    ok "$(leaks NoaX; echo $?)" "Baby Buddy API GET $path with the nanny's token: nothing of Noa"
done
bb GET "$BB" "/api/notes/$NOA_NUM/"
is "$STATUS" 404 "…Noa's note by number: 404"
bb DELETE "$BB" "/api/notes/$NOA_NUM/"
is "$STATUS" 404 "…and not deleted"
bb GET "$BB" "/api/children/$NOA_CHILD/"
is "$STATUS" 404 "…Noa by number: 404"
bb GET "$BB" "/api/children/noax/"
is "$STATUS" 404 "…Noa by slug: 404"

# ---- the owner still sees everyone ----
req GET "$F/entries"
is "$(jbody '[.entries[].subject_id] | unique | length')" 2 "the owner sees both babies"
done_testing
