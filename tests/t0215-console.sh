#!/bin/bash
# t0215-console.sh — the consultant console's API (issue 11): every
# /api/v1/admin/ route as the admin, a consultant on their own client and on
# another consultant's, a family owner and anonymous; consultants invited
# with a one-time sign-in link; a consultant's reads in the family's audit
# log (a stream subscription too); removing an assignment (or the
# consultant) ends their open streams at once; links with their last use.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open STREAM_HEARTBEAT_MS=600000
signup adm
signup mum
db "UPDATE users SET is_admin = 1 WHERE email = 'adm@example.com'"
signin adm

# ---- the console's address ----
req GET /admin
is "$STATUS $(header Location)" "301 /#/admin" "/admin is the app's console"
req GET /admin/client/x
is "$(header Location)" "/#/admin/client/x" "…and so are its pages"

# ---- consultants: invited by the admin with a one-time sign-in link ----
AS=adm req POST /api/v1/admin/consultants '{"email":"Jane@Sleep.example","name":"Jane"}'
is "$STATUS" 201 "the admin invites a consultant"
JANE=$(jbody .id)
URL=$(jbody .url)
like "$URL" '^/signin/[A-Za-z0-9_-]{43}$' "…and gets a one-time sign-in link for her"
is "$(jbody '.email + " " + (.invite_pending | tostring) + " " + (.has_password | tostring)')" \
    "jane@sleep.example true false" "…a pending invitation, no password yet"
AS=jane req GET "$URL"
like "$(body)" 'Sign in as a consultant' "the link's page says what it is"
AS=jane req POST "$URL" -H "Sec-Fetch-Site: same-origin"
is "$STATUS" 303 "the consultant signs in with the link"
AS=jane req GET /api/v1/auth/me
AS=jane csrf_save
is "$(jbody '.user.is_consultant, .user.is_admin' | paste -sd' ')" "true false" "…as a consultant"
AS=other req POST "$URL" -H "Sec-Fetch-Site: same-origin"
is "$STATUS" 410 "the link works once"
AS=jane req PATCH /api/v1/auth/me '{"password":"jane secret pw"}'
is "$STATUS" 200 "she chooses a password"
AS=adm req POST /api/v1/admin/consultants '{"email":"kim@example.com","name":"Kim"}'
KIM=$(jbody .id)
URL1=$(jbody .url)
AS=adm req POST /api/v1/admin/consultants '{"email":"kim@example.com","name":"Kim"}'
URL2=$(jbody .url)
AS=kim req POST "$URL1" -H "Sec-Fetch-Site: same-origin"
is "$STATUS" 410 "inviting again replaces the unused link"
AS=kim req POST "$URL2" -H "Sec-Fetch-Site: same-origin"
is "$STATUS" 303 "…and the second consultant signs in with the new one"
AS=kim req GET /api/v1/auth/me
AS=kim csrf_save
AS=adm req POST /api/v1/admin/consultants '{"email":"mum@example.com","name":"Mum"}'
is "$(jbody '.url')" null "an existing account with a password is made a consultant without a link"
MUM=$(jbody .id)
AS=adm req DELETE "/api/v1/admin/consultants"
is "$STATUS" 400 "removing a consultant names one"
AS=adm req DELETE "/api/v1/admin/consultants?id=$MUM"
is "$STATUS" 204 "…and no longer one (DELETE /admin/consultants?id=)"
AS=adm req DELETE "/api/v1/admin/consultants/$MUM"
is "$STATUS" 404 "…so the path form finds no consultant of that id"
AS=adm req POST /api/v1/admin/consultants '{"email":"adm@example.com","name":"Me"}'
is "$STATUS" 409 "the admin cannot be a consultant"
AS=adm req GET /api/v1/admin/consultants
is "$(jbody '[.consultants[].name] | join(",")')" "Jane,Kim" "the admin lists the consultants"

# ---- clients ----
AS=jane req POST /api/v1/admin/clients \
    '{"name":"Smith","notes":"twins due","timezone":"Europe/London","person":{"name":"Ada","kind":"baby","birth_date":"2026-01-02"}}'
is "$STATUS" 201 "a consultant creates a client with its first person"
FJ=$(jbody .id)
is "$(jbody '.subjects[0].name + " " + (.consultants | map(.name) | join(",")) + " " + (.members | length | tostring)')" \
    "Ada Jane 0" "…assigned to her, not a member"
AS=kim req POST /api/v1/admin/clients '{"name":"Khan","timezone":"Asia/Kolkata","person":{"name":"Ravi","kind":"baby"}}'
FK=$(jbody .id)
AS=jane req POST /api/v1/admin/clients '{"name":"Bad","timezone":"Mars/Base","person":{"name":"","kind":"robot"}}'
is "$STATUS:$(jbody '.error.fields | keys | join(",")')" "400:person.kind,person.name,timezone" \
    "bad input names every field, nothing written"
is "$(db "SELECT count(*) FROM families WHERE name = 'Bad'")" 0 "…and no half-made client"
AS=jane req POST /api/v1/admin/clients "{\"name\":\"X\",\"timezone\":\"UTC\",\"consultants\":[\"$KIM\"]}"
is "$STATUS" 400 "a consultant cannot assign others"
AS=mum family_with_baby
FM=$FID
AS=mum req POST "/api/v1/families/$FM/links" '{"role":"viewer","label":"x"}'

# Every admin route × who asks. own = Jane's client, other = Kim's.
# expect METHOD PATH BODY ADMIN JANE_OWN JANE_OTHER OWNER ANON
PATHS=(
    "GET /api/v1/admin/clients - 200 200 200 403 401"
    "POST /api/v1/admin/clients {\"name\":\"N\",\"timezone\":\"UTC\"} 201 201 201 403 401"
    "GET /api/v1/admin/clients/{fid} - 200 200 404 403 401"
    "PATCH /api/v1/admin/clients/{fid} {\"name\":\"Smith\"} 200 200 404 403 401"
    "GET /api/v1/admin/clients/{fid}/summary - 200 200 404 403 401"
    "GET /api/v1/admin/clients/{fid}/trends?days=7 - 200 200 404 403 401"
    "GET /api/v1/admin/clients/{fid}/links - 200 200 404 403 401"
    "POST /api/v1/admin/clients/{fid}/links {\"label\":\"L\",\"expires_at\":null} 201 201 404 403 401"
    "DELETE /api/v1/admin/clients/{fid}/links/{lid} - 204 204 404 403 401"
    "GET /api/v1/admin/consultants - 200 403 403 403 401"
    "POST /api/v1/admin/consultants {\"email\":\"n@example.com\",\"name\":\"N\"} 201 403 403 403 401"
    "DELETE /api/v1/admin/consultants/{uid} - 204 403 403 403 401"
)
# a fresh link of family $1 (as the admin); prints its id
fresh_link() { AS=adm req POST "/api/v1/admin/clients/$1/links" '{"label":"t"}'; jbody .id; }
fresh_consultant() {
    AS=adm req POST /api/v1/admin/consultants "{\"email\":\"c$RANDOM$RANDOM@example.com\",\"name\":\"C\"}"
    jbody .id
}
# (req sets $method and $path: these have names of their own)
for line in "${PATHS[@]}"; do
    read -r r_method r_path r_body s_adm s_own s_other s_owner s_anon <<< "$line"
    [ "$r_body" = - ] && r_body=""
    for who in adm own other owner anon; do
        case $who in
        adm) as=adm fid=$FJ want=$s_adm ;;
        own) as=jane fid=$FJ want=$s_own ;;
        other) as=jane fid=$FK want=$s_other ;;
        owner) as=mum fid=$FM want=$s_owner ;;
        anon) as=anon fid=$FJ want=$s_anon ;;
        esac
        p=${r_path//\{fid\}/$fid}
        case $p in *"{lid}"*) p=${p//\{lid\}/$(fresh_link "$fid")} ;; esac
        case $p in *"{uid}"*) p=${p//\{uid\}/$(fresh_consultant)} ;; esac
        if [ -n "$r_body" ]; then
            AS=$as req "$r_method" "$p" "${r_body//n@/n$who@}"
        else
            AS=$as req "$r_method" "$p"
        fi
        is "$STATUS" "$want" "$r_method $r_path as $who"
    done
done

# ---- what the answers say ----
AS=jane req GET /api/v1/admin/clients
is "$(jbody '[.clients[].name] | join(",")')" "N,N,Smith" "a consultant lists her own clients only"
AS=kim req GET /api/v1/admin/clients
is "$(jbody '[.clients[].name] | join(",")')" "Khan" "…and so does the other"
AS=adm req GET "/api/v1/admin/clients?q=smi"
is "$(jbody '[.clients[].name] | join(",")')" "Smith" "search by name"
AS=adm req GET "/api/v1/admin/clients?q=TWINS"
is "$(jbody '[.clients[].name] | join(",")')" "Smith" "…or notes, any case"
AS=adm req GET "/api/v1/admin/clients?limit=2"
is "$(jbody '.clients | length')" 2 "a page of 2"
NEXT=$(jbody .next_after)
AS=adm req GET "/api/v1/admin/clients?limit=2&after=$NEXT"
like "$(jbody '[.clients[].name] | join(",")')" '^N' "…and the next page goes on after it"

# ---- today's figures, live links, last activity ----
SID=$(AS=jane req GET "/api/v1/admin/clients/$FJ"; jbody '.subjects[0].id')
AS=jane req POST "/api/v1/admin/clients/$FJ/links" \
    "{\"label\":\"Mum's phone\",\"expires_at\":$(( $(date +%s) * 1000 + 14 * 86400000 ))}"
is "$STATUS" 201 "a 14-day link"
TOK=$(jbody .token)
LID=$(jbody .id)
is "$(jbody '.role + " " + (.last_used_at | tostring)')" "caregiver null" "…for a caregiver, never used yet"
join parent "$TOK"
is "$JOIN_STATUS" 303 "the parent opens it"
AS=jane req GET "/api/v1/admin/clients/$FJ/links"
like "$(jbody ".links[] | select(.id == \"$LID\") | .last_used_at")" '^[0-9]{13}$' "…and the console sees when it was last used"
NOW=$(date +%s%3N)
FID=$FJ
AS=parent put_entry "$(uuid)" "{type: \"diaper\", ts: $((NOW - 60000)), value: {wet: true, dirty: true}}"
AS=parent put_entry "$(uuid)" "{type: \"feed\", ts: $((NOW - 120000)), value: {method: \"bottle\", amount_ml: 90}}"
AS=parent put_entry "$(uuid)" "{type: \"sleep\", ts: $((NOW - 30 * 60000)), end_ts: $((NOW - 10 * 60000)), value: {}}"
AS=jane req GET /api/v1/admin/clients
ROW=".clients[] | select(.id == \"$FJ\")"
is "$(jbody "$ROW | .today | [.feeds, .wet, .dirty, .sleep_minutes] | join(\",\")")" "1,1,1,20" \
    "the client's row has today's feeds, wet, dirty and sleep minutes"
is "$(jbody "$ROW | .last_activity")" "$((NOW - 60000))" "…its last activity (the newest entry)"
is "$(jbody "$ROW | .live_links, .person.name" | paste -sd' ')" \
    "$(db "SELECT count(*) FROM links WHERE family_id = '$FJ' AND revoked_at IS NULL") Ada" \
    "…its live links and first person"
AS=jane req GET "/api/v1/admin/clients/$FJ/summary"
is "$(jbody '.totals.feeds, .totals.bottle_ml, (.hours | length)' | paste -sd' ')" "1 90 24" \
    "the client's summary is the family's own"
AS=mum req GET "/api/v1/families/$FM/summary"
is "$STATUS" 200 "(the family route still answers its members)"
AS=jane req GET "/api/v1/admin/clients/$FJ/trends?days=30"
is "$(jbody '.days | length')" 30 "30-day trends"
AS=jane req GET "/api/v1/admin/clients/$FJ"
is "$(jbody '.recent | length')" 3 "recent activity"
is "$(jbody '.members[0].name + " " + .members[0].kind')" "Mum's phone guest" "…and who is in the family"

# ---- the audit log: a consultant's reads, through the assignment ----
AS=adm req GET "/api/v1/families/$FJ/audit?limit=100"
is "$(jbody '[.events[] | select(.actor.name == "Jane") | .action] | unique | map(select(test("viewed"))) | join(",")')" \
    "client_viewed,links_viewed,summary_viewed,trends_viewed" "the consultant's reads are in the family's audit log"
is "$(jbody '[.events[] | select(.action == "summary_viewed" and .actor.name == "Jane")] | length')" 1 \
    "…once per reader and kind of read in ten minutes (the console reads at every change)"
AS=adm req GET "/api/v1/families/$FM/audit?limit=100"
is "$(jbody '[.events[] | select(.actor.name == "Jane")] | length')" 0 "…and none in a family she never read"

# ---- export: the family's route lets an assigned consultant in ----
AS=jane req GET "/api/v1/families/$FJ/export?format=csv"
is "$STATUS" 200 "an assigned consultant exports her client's log"
AS=adm req GET "/api/v1/families/$FJ/audit?limit=100"
is "$(jbody '[.events[] | select(.actor.name == "Jane" and .action == "export")] | length')" 1 \
    "…which the family's audit log shows"
AS=jane req GET "/api/v1/families/$FK/export?format=csv"
is "$STATUS" 404 "…not another consultant's"
AS=jane req GET "/api/v1/families/$FJ/entries"
is "$STATUS" 404 "the family's other routes stay members' (and the admin's)"

# ---- streams: the console subscribes without being a member ----
listen jane
ok "$(wait_for jane 'retry: 3000'; echo $?)" "the consultant opens her client's stream"
AS=parent put_entry "$(uuid)" "{type: \"note\", ts: $(date +%s%3N), value: {text: \"live one\"}}"
ok "$(wait_for jane 'live one'; echo $?)" "…and sees the parent's entries live"
AS=adm req GET "/api/v1/families/$FJ/audit?limit=100"
is "$(jbody '[.events[] | select(.actor.name == "Jane" and .action == "stream_opened")] | length')" 1 \
    "the subscription is in the family's audit log"
JAR=kim listen kimfj
sleep 0.3
is "$(head -c 200 "$T_DIR/sse-kimfj" | grep -c retry)" 0 "another consultant cannot subscribe"

# The dashboard's one stream: which client changed, for the clients the
# caller may see (no family data in it).
console_listen() { # console_listen NAME JAR
    curl -s -N -b "$T_DIR/jar-$2" --max-time 120 "$BASE/api/v1/admin/stream" > "$T_DIR/sse-$1" 2>/dev/null &
    eval "PID_$1=$!"
}
console_listen admcon adm
console_listen kimcon kim
ok "$(wait_for admcon 'retry: 3000' && wait_for kimcon 'retry: 3000'; echo $?)" "the console streams open"
sleep 0.3
AS=parent put_entry "$(uuid)" "{type: \"note\", ts: $(date +%s%3N), value: {text: \"for the dashboard\"}}"
ok "$(wait_for admcon "event: client.*|\"family_id\":\"$FJ\""; echo $?)" "the admin's console hears that the client changed"
ok "$(grep -q 'for the dashboard' "$T_DIR/sse-admcon"; [ $? -ne 0 ]; echo $?)" "…without the family's data"
sleep 0.5
ok "$(grep -q "$FJ" "$T_DIR/sse-kimcon"; [ $? -ne 0 ]; echo $?)" "another consultant's console hears nothing of it"
curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar-mum" --max-time 5 "$BASE/api/v1/admin/stream" > "$T_DIR/code"
is "$(cat "$T_DIR/code")" 403 "a family owner has no console stream"

unassign() {
    AS=adm req PATCH "/api/v1/admin/clients/$FJ" '{"consultants":[]}'
    is "$STATUS" 200 "the admin removes Jane's assignment"
}
unassign
AS=parent put_entry "$(uuid)" "{type: \"note\", ts: $(date +%s%3N), value: {text: \"after removal\"}}"
ok "$(ended jane; echo $?)" "the consultant's stream ends at once"
ok "$(grep -q 'after removal' "$T_DIR/sse-jane"; [ $? -ne 0 ]; echo $?)" "…without what was written after"
AS=jane req GET "/api/v1/admin/clients/$FJ"
is "$STATUS" 404 "…and the client is no longer hers"
AS=adm req GET "/api/v1/families/$FJ/audit?limit=100"
is "$(jbody '[.events[] | select(.action == "consultant_unassigned")] | length')" 1 "the family's audit log says so"

AS=adm req PATCH "/api/v1/admin/clients/$FJ" "{\"consultants\":[\"$JANE\"]}"
is "$(jbody '[.consultants[].name] | join(",")')" "Jane" "assigned again"
JAR=jane listen jane2
ok "$(wait_for jane2 'retry: 3000'; echo $?)" "…she streams again"
AS=adm req DELETE "/api/v1/admin/consultants/$JANE"
is "$STATUS" 204 "the admin removes the consultant"
ok "$(ended jane2; echo $?)" "…which ends her streams at once"
AS=jane req GET /api/v1/admin/clients
is "$STATUS" 403 "…and her console"
is "$(db "SELECT count(*) FROM client_assignments WHERE user_id = '$JANE'")" 0 "…and her assignments"

# ---- revoking a link ends the parent's stream ----
JAR=parent listen parent
ok "$(wait_for parent 'retry: 3000'; echo $?)" "the parent's stream is open"
AS=adm req DELETE "/api/v1/admin/clients/$FJ/links/$LID"
is "$STATUS" 204 "the admin revokes the link"
ok "$(ended parent; echo $?)" "…and the parent's stream ends"
AS=parent req GET /api/v1/auth/me
is "$STATUS" 401 "…signed out"

# ---- archive ----
AS=adm req PATCH "/api/v1/admin/clients/$FK" '{"archived":true}'
is "$(jbody .archived)" true "archived"
AS=adm req GET "/api/v1/admin/clients?archived=1"
is "$(jbody '[.clients[].name] | join(",")')" "Khan" "the archived list"
AS=kim req POST "/api/v1/admin/clients/$FK/links" '{"label":"x"}'
is "$STATUS" 409 "no new links for an archived client"
AS=kim req PATCH "/api/v1/admin/clients/$FK" '{"archived":false,"name":"Khan family"}'
is "$(jbody '.archived, .name' | paste -sd' ')" "false Khan family" "unarchived and renamed"

AS=adm req DELETE "/api/v1/admin/consultants/$KIM"
ok "$(ended kimcon; echo $?)" "removing a consultant ends their console stream"

is "$(grep -c audit_write_failed "$T_DIR/error.log")" 0 "no audit event was lost"

PIDS="$PID_jane $PID_jane2 $PID_parent $PID_kimfj $PID_admcon $PID_kimcon"
kill $PIDS 2>/dev/null
wait $PIDS 2>/dev/null
done_testing
