#!/bin/bash
# t0231-babybuddy-api.sh — the Baby Buddy-compatible API at /api/ with
# personal API tokens: tokens made, listed (last use), shown once, stored
# hashed, revoked; every path's list/create/read/update/delete with Baby
# Buddy's field names; paging {count, next, previous, results} with
# limit/offset; the child, date and ordering filters; a viewer's token reads
# only; another family's token sees nothing; timers that the app sees
# running and that become a sleep; writes audited and on the live stream
# within a second; the rate limit; /api/ and /api/v1/ routed apart.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open API_TOKEN_RATE_MAX=150
signup ana
signup vic
signup oto
export AS=ana
family_with_baby Europe/London
join vic "$(invite viewer Vic)"

# api TOKEN METHOD PATH [JSON] — a request with Authorization: Token.
api() {
    local token=$1 method=$2 path=$3
    shift 3
    if [ $# -gt 0 ]; then
        printf '%s' "$1" > "$T_DIR/api-body"
        set -- -H "Content-Type: application/json" --data-binary "@$T_DIR/api-body"
    fi
    STATUS=$(curl -s -o "$T_DIR/body" -D "$T_DIR/headers" -w '%{http_code}' -X "$method" \
        -H "Authorization: Token $token" --max-time 20 "$@" "$BASE$path")
}

# ---- tokens ----
req POST "/api/v1/families/$FID/tokens" '{"name":"Home Assistant"}'
is "$STATUS" 201 "a member makes a token"
TOK=$(jbody .token)
TID=$(jbody .id)
is "$(jbody '[.name, .role, .last_used_at] | @csv')" '"Home Assistant","owner",' "named, with its role, never used"
is "${#TOK}" 43 "the key is 256 random bits (base64url)"
is "$(db "SELECT count(*) FROM api_tokens WHERE token_hash = '$TOK' OR token_hash NOT GLOB '[0-9a-f]*'")" 0 \
    "stored only as a hash"
req GET "/api/v1/families/$FID/tokens"
is "$(jbody '.tokens | length'),$(jbody '.tokens[0].token')" "1,null" "listed, without the key"
AS=vic req POST "/api/v1/families/$FID/tokens" '{"name":"kitchen tablet"}'
VTOK=$(jbody .token)
is "$STATUS $(jbody .role)" "201 viewer" "a viewer makes a (read-only) token"
AS=vic req GET "/api/v1/families/$FID/tokens"
is "$(jbody '.tokens | length')" 1 "a viewer sees only their own tokens"
req GET "/api/v1/families/$FID/tokens"
is "$(jbody '.tokens | length')" 2 "an owner sees every token of the family"
req POST "/api/v1/families/$FID/tokens" '{"name":""}'
is "$STATUS $(jbody .error.fields.name)" "400 must not be empty" "a token needs a name"
OFID=$(AS=oto new_family Other)
AS=oto req POST "/api/v1/families/$OFID/subjects" '{"name":"Zed","kind":"baby"}'
AS=oto req POST "/api/v1/families/$OFID/tokens" '{"name":"other"}'
OTOK=$(jbody .token)
AS=oto req GET "/api/v1/families/$FID/tokens"
is "$STATUS" 404 "another family's tokens: 404"

# ---- auth and routing ----
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' "$BASE/api/children/")
is "$STATUS" 401 "no token: 401"
like "$(jbody .detail)" '^Authentication credentials were not provided' "…with Baby Buddy's detail"
api "$(printf '%s' "$TOK" | tr 'a-zA-Z' 'b-zaB-ZA')" GET /api/children/
is "$STATUS $(jbody .detail)" "401 Invalid token." "a wrong token: 401"
api "$TOK" GET "/api/v1/families/$FID"
is "$STATUS" 401 "a token opens /api/ only, not carelog's /api/v1/"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' "$BASE/api/v1/openapi.json")
is "$STATUS" 200 "/api/v1/ is still carelog's"
api "$TOK" GET /api/nothing-here/
is "$STATUS $(jbody .error.code)" "404 not_found" "an unknown /api/ path: carelog's JSON 404"
bad=$("$T_BIN/babybuddy" --routes | awk '{print $2}' | grep '^/api/' | grep -v '^/api/v1/families/' | grep -c '^/api/v1')
is "$bad" 0 "no Baby Buddy pattern begins /api/v1 (routing stays unambiguous)"

# ---- the root: Home Assistant reads every endpoint's URL from it ----
api "$TOK" GET /api/
is "$STATUS $(jbody .feedings)" "200 $BASE/api/feedings/" "GET /api/ lists the endpoints as absolute URLs"
is "$(jbody '[.children, .changes, .sleep, .timers] | map(sub(".*/api/"; "")) | join(" ")')" \
    "children/ changes/ sleep/ timers/" "…children, changes, sleep, timers among them"

# ---- children ----
api "$TOK" GET /api/children/
is "$STATUS $(jbody '[.count, .results[0].first_name, .results[0].slug] | @csv')" '200 1,"Noa","noa"' \
    "the family's people are its children"
CHILD=$(jbody '.results[0].id')
api "$TOK" GET /api/children/noa/
is "$STATUS $(jbody .id)" "200 $CHILD" "a child by slug"
api "$TOK" GET "/api/children/$CHILD/"
is "$STATUS $(jbody .slug)" "200 noa" "…or by id"
api "$TOK" POST /api/children/ '{"first_name":"Emily","last_name":"Huerta","birth_date":"2024-01-17"}'
is "$STATUS $(jbody '[.first_name, .last_name, .birth_date, .slug] | @csv')" '201 "Emily","Huerta","2024-01-17","emily-huerta"' \
    "an owner's token adds a child"
EMILY=$(jbody .id)
api "$TOK" PATCH "/api/children/emily-huerta/" '{"last_name":"Hill"}'
is "$STATUS $(jbody .slug)" "200 emily-hill" "…renames one"
api "$TOK" POST /api/children/ '{"first_name":"X"}'
is "$STATUS $(jbody '.birth_date[0]')" "400 This field is required." "Baby Buddy's words for a missing field"
api "$VTOK" POST /api/children/ '{"first_name":"V","birth_date":"2024-01-01"}'
is "$STATUS" 403 "a viewer's token cannot add a child"

# ---- every record path: create, read, list, update, delete ----
T0="2024-05-01T10:00:00+01:00"
T1="2024-05-01T10:20:00+01:00"
while IFS='|' read -r path create field expect patch pfield pexpect; do
    api "$TOK" POST "/api/$path/" "$create"
    is "$STATUS $(jbody ".$field")" "201 $expect" "$path: create ($field $expect)"
    ID=$(jbody .id)
    api "$TOK" GET "/api/$path/$ID/"
    is "$STATUS $(jbody .child)" "200 $CHILD" "$path: read"
    api "$TOK" GET "/api/$path/?child=$CHILD"
    is "$STATUS $(jbody "[.count, (.results[0].id == $ID)] | @csv")" "200 1,true" "$path: list"
    api "$TOK" PATCH "/api/$path/$ID/" "$patch"
    is "$STATUS $(jbody ".$pfield")" "200 $pexpect" "$path: update ($pfield $pexpect)"
    api "$VTOK" PATCH "/api/$path/$ID/" "$patch"
    is "$STATUS" 403 "$path: a viewer's token cannot update"
    api "$OTOK" GET "/api/$path/$ID/"
    is "$STATUS" 404 "$path: another family's token gets 404"
    api "$TOK" DELETE "/api/$path/$ID/"
    is "$STATUS" 204 "$path: delete"
    api "$TOK" GET "/api/$path/$ID/"
    is "$STATUS" 404 "$path: gone"
done <<EOF2
feedings|{"child":$CHILD,"start":"$T0","end":"$T1","type":"formula","method":"bottle","amount":120}|amount|120|{"method":"left breast","type":"breast milk","amount":null}|method|left breast
changes|{"child":$CHILD,"time":"$T0","wet":true,"solid":true,"color":"green"}|color|green|{"solid":false,"color":""}|solid|false
sleep|{"child":$CHILD,"start":"$T0","end":"$T1","nap":true}|duration|00:20:00|{"nap":false}|nap|false
tummy-times|{"child":$CHILD,"start":"$T0","end":"$T1","milestone":"rolled over"}|milestone|rolled over|{"milestone":"sat up"}|milestone|sat up
pumping|{"child":$CHILD,"start":"$T0","end":"$T1","amount":80}|amount|80|{"amount":95}|amount|95
temperature|{"child":$CHILD,"time":"$T0","temperature":37.8}|temperature|37.8|{"temperature":100.4}|temperature|38
weight|{"child":$CHILD,"date":"2024-05-01","weight":4.2}|weight|4.2|{"weight":4.35}|weight|4.35
height|{"child":$CHILD,"date":"2024-05-01","height":54.5}|height|54.5|{"height":55}|height|55
head-circumference|{"child":$CHILD,"date":"2024-05-01","head_circumference":37}|head_circumference|37|{"head_circumference":37.5}|head_circumference|37.5
notes|{"child":$CHILD,"time":"$T0","note":"first smile"}|note|first smile|{"note":"second smile"}|note|second smile
medication|{"child":$CHILD,"time":"$T0","name":"Paracetamol","dosage":2.5,"dosage_unit":"ml"}|dosage_unit|ml|{"dosage":3}|dosage|3
EOF2

# Baby Buddy's words map to carelog's, through carelog's own validator.
api "$TOK" POST /api/feedings/ "{\"child\":$CHILD,\"start\":\"$T0\",\"end\":\"$T1\",\"type\":\"fortified breast milk\",\"method\":\"bottle\",\"amount\":90}"
FEED=$(jbody .id)
is "$(db "SELECT value FROM entries e JOIN compat_ids c ON c.ref = e.id WHERE c.num = $FEED")" \
    '{"method":"bottle","milk":"breast_milk","amount_ml":90,"notes":"fortified breast milk"}' \
    "a feeding is a carelog feed (what has no field kept in notes)"
is "$(jbody '[.type, .start, .duration] | @csv')" '"breast milk","2024-05-01T10:00:00+01:00","00:20:00"' \
    "…read back in Baby Buddy's words, times with the family's offset"
api "$TOK" POST /api/feedings/ "{\"child\":$CHILD,\"start\":\"$T0\",\"end\":\"$T1\",\"type\":\"breast milk\",\"method\":\"left breast\",\"amount\":50}"
is "$STATUS $(jbody '[.amount, .notes] | @csv')" '201 ,"amount: 50 ml"' "an amount on a breast feed has no field: kept in notes"
api "$TOK" POST /api/tummy-times/ "{\"child\":$CHILD,\"start\":\"$T0\",\"end\":\"$T1\",\"milestone\":\"$(printf 'x%.0s' $(seq 1 101))\"}"
is "$STATUS $(jbody '.milestone[0]')" "400 must be at most 100 characters" "the catalogue's rule, under Baby Buddy's field name"
api "$TOK" POST /api/feedings/ "{\"child\":$CHILD,\"start\":\"$T1\",\"end\":\"$T0\",\"type\":\"formula\",\"method\":\"bottle\"}"
is "$STATUS $(jbody '.end[0]')" "400 must not be before ts" "end before start is refused"
api "$TOK" POST /api/feedings/ "{\"child\":99999,\"start\":\"$T0\",\"end\":\"$T1\",\"type\":\"formula\",\"method\":\"bottle\"}"
is "$STATUS $(jbody '.child[0]')" "400 Invalid pk - object does not exist." "an unknown child"
api "$TOK" POST /api/changes/ "{\"child\":$CHILD,\"time\":\"$T0\",\"wet\":false,\"solid\":false}"
is "$STATUS $(jbody '.wet[0]')" "400 a diaper is wet, dirty or both" "a change neither wet nor solid"

# Home Assistant posts forms, not JSON.
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H "Authorization: Token $TOK" \
    --data-urlencode "child=$CHILD" --data-urlencode "start=2024-05-03T10:00:00+01:00" \
    --data-urlencode "end=2024-05-03T10:15:00+01:00" --data-urlencode "type=formula" \
    --data-urlencode "method=bottle" --data-urlencode "amount=" --data-urlencode "notes=from a form" \
    "$BASE/api/feedings/")
is "$STATUS $(jbody '[.type, .method, .amount, .notes] | @csv')" '201 "formula","bottle",,"from a form"' \
    "a form-encoded POST (Home Assistant's), an empty amount as none"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H "Authorization: Token $TOK" \
    -H "Content-Type: text/plain" --data "x" "$BASE/api/notes/")
is "$STATUS" 415 "another body type: 415"

# ---- paging, filters, ordering ----
for h in 08 09 10; do
    api "$TOK" POST /api/changes/ "{\"child\":$CHILD,\"time\":\"2024-05-02T$h:00:00+01:00\",\"wet\":true}"
done
api "$TOK" POST /api/changes/ "{\"child\":$EMILY,\"time\":\"2024-05-02T11:00:00+01:00\",\"wet\":true}"
api "$TOK" GET "/api/changes/?child=$CHILD&limit=2"
is "$(jbody '[.count, (.results | length), .results[0].time, .previous] | @csv')" '3,2,"2024-05-02T10:00:00+01:00",' \
    "limit=2 of 3: newest first, no previous"
like "$(jbody .next)" "/api/changes/\?child=$CHILD&limit=2&offset=2\$" "…and next points at offset 2"
api "$TOK" GET "/api/changes/?child=$CHILD&limit=2&offset=2"
is "$(jbody '[(.results | length), .results[0].time, .next] | @csv')" '1,"2024-05-02T08:00:00+01:00",' "offset=2: the last one"
like "$(jbody .previous)" "limit=2\$" "…with previous"
api "$TOK" GET "/api/changes/"
is "$(jbody .count)" 4 "without a child filter: both children's"
api "$TOK" GET "/api/changes/?child=$CHILD&ordering=time"
is "$(jbody '.results[0].time')" "2024-05-02T08:00:00+01:00" "ordering=time: oldest first"
api "$TOK" GET "/api/changes/?date_min=2024-05-02T08:30:00%2B01:00&date_max=2024-05-02T10:30:00%2B01:00"
is "$(jbody .count)" 2 "date_min/date_max"
api "$TOK" GET "/api/changes/?child=424242"
is "$STATUS" 400 "an unknown child filter: 400"
api "$TOK" GET "/api/changes/?limit=0"
is "$STATUS" 400 "limit 0: 400"
api "$OTOK" GET /api/changes/
is "$(jbody .count),$(jbody '.results | length')" "0,0" "another family's token sees none of it"
api "$VTOK" GET /api/changes/
is "$STATUS $(jbody .count)" "200 4" "a viewer's token reads"
api "$VTOK" POST /api/changes/ "{\"child\":$CHILD,\"time\":\"$T0\",\"wet\":true}"
is "$STATUS" 403 "…and cannot write"
like "$(jbody .detail)" '^This token is read-only' "…saying why"

# ---- growth: one entry, three Baby Buddy models ----
api "$TOK" POST /api/weight/ "{\"child\":$CHILD,\"date\":\"2024-06-01\",\"weight\":5.1}"
W=$(jbody .id)
api "$TOK" GET "/api/height/?child=$CHILD"
is "$(jbody .count)" 0 "a weight is not a height"
api "$TOK" DELETE "/api/weight/$W/"
is "$STATUS" 204 "delete the weight"

# ---- timers, seen by the app, turned into a sleep ----
listen ana
wait_for ana '^retry:' >/dev/null
api "$TOK" POST /api/timers/ "{\"child\":$CHILD,\"name\":\"Sleep\"}"
is "$STATUS $(jbody '[.name, .active] | @csv')" '201 "sleep",true' "a timer starts"
TIMER=$(jbody .id)
ok "$(wait_for ana '"type":"sleep"' 10; echo $?)" "…and reaches the app's stream within a second"
is "$(db "SELECT count(*) FROM entries WHERE family_id = '$FID' AND type = 'sleep' AND end_ts IS NULL AND deleted = 0")" 1 \
    "…as a running sleep, which the app shows ticking"
api "$TOK" GET /api/timers/
is "$(jbody '.count'),$(jbody '.results[0].id')" "1,$TIMER" "timers lists it"
api "$TOK" PATCH "/api/timers/$TIMER/restart/"
is "$STATUS $(jbody .id)" "200 $TIMER" "restart"
api "$TOK" POST /api/sleep/ "{\"timer\":$TIMER,\"nap\":true}"
is "$STATUS $(jbody '[.id, .nap, .child] | @csv')" "201 $TIMER,true,$CHILD" "a sleep from the timer (its child and start)"
api "$TOK" GET /api/timers/
is "$(jbody .count)" 0 "the timer is gone"
is "$(db "SELECT count(*) FROM entries WHERE family_id = '$FID' AND type = 'sleep' AND end_ts IS NULL AND deleted = 0")" 0 \
    "no sleep running any more"
api "$TOK" POST /api/feedings/ '{"timer":987654,"type":"formula","method":"bottle"}'
is "$STATUS $(jbody '.timer[0]')" "400 Timer does not exist." "an unknown timer"
api "$TOK" POST /api/timers/ "{\"child\":$EMILY,\"name\":\"Tummy time\"}"
T2=$(jbody .id)
is "$STATUS $(jbody .name)" "201 tummy time" "a tummy-time timer"
api "$TOK" GET "/api/timers/$T2/"
is "$STATUS $(jbody .child)" "200 $EMILY" "read a timer"
api "$TOK" PATCH "/api/timers/$T2/" '{"start":"2024-05-04T09:00:00+01:00"}'
is "$STATUS $(jbody .start)" "200 2024-05-04T09:00:00+01:00" "update a timer's start"
api "$VTOK" DELETE "/api/timers/$T2/"
is "$STATUS" 403 "a viewer's token cannot stop a timer"
api "$TOK" DELETE "/api/timers/$T2/"
is "$STATUS" 204 "delete a timer"
is "$(db "SELECT deleted FROM entries e JOIN compat_ids c ON c.ref = e.id WHERE c.num = $T2")" 1 \
    "…a tombstone, which syncs like any delete"

# ---- live, audited, last use ----
api "$TOK" POST /api/feedings/ "{\"child\":$CHILD,\"start\":\"$T0\",\"end\":\"$T1\",\"type\":\"formula\",\"method\":\"bottle\",\"amount\":77}"
ok "$(wait_for ana '"amount_ml":77' 10; echo $?)" "an entry created through /api/feedings/ reaches the stream within a second"
is "$(db "SELECT count(*) > 10 FROM audit_log WHERE family_id = '$FID' AND action = 'api_write'")" 1 "API writes are audited"
req GET "/api/v1/families/$FID/tokens"
is "$(jbody '[.tokens[] | select(.id == "'"$TID"'") | .last_used_at > 0] | .[0]')" true "the token's last use is shown"

# ---- the rate limit, per token ----
req POST "/api/v1/families/$FID/tokens" '{"name":"busy"}'
BTOK=$(jbody .token)
for _ in $(seq 1 150); do
    curl -s -o /dev/null -H "Authorization: Token $BTOK" "$BASE/api/profile"
done
api "$BTOK" GET /api/profile
is "$STATUS" 429 "request 151 in the window: 429"
like "$(header Retry-After)" '^[0-9]+$' "…with Retry-After"
api "$TOK" GET /api/profile
is "$STATUS $(jbody .timezone)" "200 Europe/London" "another token is not held back; the profile"

# ---- a child removed ----
api "$TOK" DELETE "/api/children/emily-hill/"
is "$STATUS" 204 "an owner's token removes a child"
api "$TOK" GET "/api/children/$EMILY/"
is "$STATUS" 404 "…gone from the list"
is "$(db "SELECT deleted_at > 0 FROM subjects WHERE name = 'Emily Hill'")" 1 "…kept as carelog keeps removed people"

# ---- revoking ----
req DELETE "/api/v1/families/$FID/tokens/$TID"
is "$STATUS" 204 "revoke"
api "$TOK" GET /api/children/
is "$STATUS" 401 "a revoked token opens nothing"
AS=vic req DELETE "/api/v1/families/$FID/tokens/$TID"
is "$STATUS" 404 "a viewer cannot revoke another's token"

stop_server
done_testing
