#!/bin/bash
# t0727-inbox.sh — the in-app inbox (GET /api/v1/inbox, mark one or all
# read, per-kind push preferences): a reminder, a role change and a removal
# are stored per member whether or not push reaches them; the unread count;
# paging; another member's item is 404; a kind switched off still reaches
# the inbox but no longer the push service; and the member's own stream (and
# nobody else's) hears of each item live.
. "$(dirname "$0")/lib.sh"

start_svc
start_server REGISTRATION=open $SVC_ENV

signup ana
signup bob
signup vic
export AS=ana
family_with_baby
join bob "$(invite caregiver Bob)"
join vic "$(invite viewer Vic)"
AS=bob req POST /api/v1/push/subscriptions "$(svc_sub bob '[{"status":201}]')"
AS=ana req GET "/api/v1/families/$FID/members"
BOB=$(jbody '.members[] | select(.name == "bob") | .id')
VIC=$(jbody '.members[] | select(.name == "vic") | .id')

req GET /api/v1/inbox
is "$STATUS $(jbody '[(.items | length), .unread, .next_before] | map(tostring) | join(",")')" "200 0,0,null" \
    "an empty inbox"
AS=anon req GET /api/v1/inbox
is "$STATUS" 401 "no session: 401"

# Streams: bob's and ana's, to see whose news goes where.
listen bob
listen ana
sleep 0.5

# A role change: bob's inbox has it, with the fields the app words itself.
req PATCH "/api/v1/families/$FID/members/$BOB" '{"role":"viewer"}'
is "$STATUS" 200 "ana makes bob a viewer"
AS=bob req GET /api/v1/inbox
is "$(jbody '.unread, (.items | length)' | paste -sd,)" "1,1" "bob: one unread item"
is "$(jbody '.items[0] | [.kind, .about, .about_id, .family_id, .family_name, .data.role, .data.family_name] | join(" ")')" \
    "role_changed family $FID $FID Home viewer Home" "…the role change, about the family"
ok "$(wait_for bob 'event: inbox'; echo $?)" "bob's stream hears of it live"
ok "$(grep -q '"kind":"role_changed"' "$T_DIR/sse-ana"; [ $? -ne 0 ]; echo $?)" \
    "…ana's stream does not (a member's inbox is theirs alone)"
like "$(grep '^data:' "$T_DIR/sse-bob" | grep '"item"' | tail -1)" '"unread":1' "…with the unread count"
svc_pass
is "$(svc_titles bob)" "Your role changed" "the next pass pushes it to bob's device"
is "$(svc_log '[.requests[] | select(.sub == "bob")] | last | .payload | fromjson | .body')" "Home: you are now viewer" \
    "…in words"
req GET /api/v1/inbox
is "$(jbody '.items | length')" 0 "ana's inbox: nothing (she changed it)"

# Preferences: role changes no longer as push; the inbox still gets them.
AS=bob req GET /api/v1/inbox/prefs
is "$(jbody '[.prefs[] | select(.push) | .kind] | length')" 9 "every kind comes as push by default"
is "$(jbody '[.prefs[] | select(.switchable | not) | .kind] | join(",")')" "alert" \
    "…and an emergency alert cannot be switched off"
AS=bob req PUT /api/v1/inbox/prefs '{"role_changed":false,"alert":false,"nope":true,"reminder":"yes"}'
is "$STATUS $(jbody '.error.fields | keys | join(",")')" "400 alert,nope,reminder" "bad prefs are named"
AS=bob req PUT /api/v1/inbox/prefs '{"role_changed":false}'
is "$STATUS $(jbody '.prefs[] | select(.kind == "role_changed") | .push')" "200 false" "role changes: inbox only"
req PATCH "/api/v1/families/$FID/members/$BOB" '{"role":"caregiver"}'
svc_pass
is "$(svc_titles bob)" "Your role changed" "…so the next change is not pushed"
AS=bob req GET /api/v1/inbox
is "$(jbody '.unread')" 2 "…but it is in the inbox: 2 unread"
FIRST=$(jbody '.items[1].id')
LAST=$(jbody '.items[0].id')
is "$(jbody '.items[0].data.role')" caregiver "newest first"

# Paging.
AS=bob req GET "/api/v1/inbox?limit=1"
is "$(jbody '(.items | length), .next_before' | paste -sd,)" "1,$LAST" "a page of one, and where the next begins"
AS=bob req GET "/api/v1/inbox?limit=1&before=$LAST"
is "$(jbody '.items[0].id')" "$FIRST" "…the next page"
AS=bob req GET "/api/v1/inbox?limit=0"
is "$STATUS" 400 "limit 0 is 400"

# Marking read.
req POST "/api/v1/inbox/$FIRST/read"
is "$STATUS" 404 "ana cannot mark bob's item: 404"
AS=bob req POST "/api/v1/inbox/abc/read"
is "$STATUS" 404 "a bad id: 404"
AS=bob req POST "/api/v1/inbox/$FIRST/read"
is "$STATUS $(jbody '.marked, .unread' | paste -sd,)" "200 1,1" "bob marks one read"
ok "$(wait_for bob '"read_at":[0-9]'; echo $?)" "…his stream hears it (his other devices update)"
AS=bob req GET "/api/v1/inbox?unread=1"
is "$(jbody '[.items[].id] | join(",")')" "$LAST" "only the unread"
AS=bob req POST /api/v1/inbox/read-all
is "$STATUS $(jbody '.marked, .unread' | paste -sd,)" "200 1,0" "mark all read"
AS=bob req POST /api/v1/inbox/read-all
is "$(jbody '.marked')" 0 "…again: nothing left"

# A reminder fires: the opted-in member's inbox has it.
req POST "/api/v1/families/$FID/reminders" "{\"subject_id\":\"$SID\",\"kind\":\"feed_due\",\"interval_min\":60}"
NOW=$(date +%s%3N)
put_entry "$(uuid)" "{type: \"feed\", ts: $((NOW - 3600000 - 60000)), value: {method: \"bottle\", amount_ml: 90}}"
svc_pass
is "$(echo "$PASS" | jq -c '[.fired, .inbox]')" "[1,1]" "a reminder fires into one inbox (ana has no device)"
req GET /api/v1/inbox
is "$(jbody '.items[0] | [.kind, .about, .subject_id, .data.reminder_kind, .data.subject_name] | join(" ")')" \
    "reminder reminder $SID feed_due Noa" "ana's inbox: the reminder, about the person"
ok "$(wait_for ana '"kind":"reminder"'; echo $?)" "…live on her stream"

# Removed from the family: told, even though the stream is gone.
req DELETE "/api/v1/families/$FID/members/$VIC"
is "$STATUS" 204 "ana removes vic"
AS=vic req GET /api/v1/inbox
is "$(jbody '.items[0] | [.kind, .family_name, .data.family_name] | join(" ")')" "removed Home Home" \
    "vic's inbox says so"
AS=bob req DELETE "/api/v1/families/$FID/members/$BOB"
AS=bob req GET /api/v1/inbox
is "$(jbody '[.items[] | select(.kind == "removed")] | length')" 0 "leaving by oneself is no news"
done_testing
