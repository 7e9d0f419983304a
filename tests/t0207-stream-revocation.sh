#!/bin/bash
# t0207-stream-revocation.sh — security audit (issue 9), finding 1: removing
# a member or ending a session ends its open live streams at once, and no
# event committed after the change reaches them. For each way access ends
# (member removed, session revoked, password change, sign-out, access link
# revoked, an admin's session revoked) the owner writes an entry right after
# the change: her own stream gets it, the cut-off stream ends without it. The
# heartbeat (which also re-checks sessions) is ten minutes away, so it cannot
# be what ends them.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open STREAM_HEARTBEAT_MS=600000
signup ana
signup bob
signup carl
signup zoe
export AS=ana
family_with_baby
join bob "$(invite caregiver Bob)"
join carl "$(invite viewer Carl)"
db "UPDATE users SET is_admin = 1 WHERE email = 'zoe@example.com'"

# login JAR NAME — a further session of account NAME in cookie jar JAR.
login() {
    AS=$1 req POST /api/v1/auth/login "{\"email\":\"$2@example.com\",\"password\":\"password-$2\"}"
    AS=$1 csrf_save
}
# write — as ana, logs an entry now; prints its id.
write() {
    e=$(uuid)
    AS=ana put_entry "$e" "{type: \"diaper\", ts: $(date +%s%3N), value: {wet: true}}" >&2
    echo "$e"
}
# live NAME — the stream is adopted and receives entries (a write reaches it).
live() {
    e=$(write)
    wait_for "$1" "\"id\":\"$e\""
}
# cut_off NAME WHAT CHANGE... — runs CHANGE, then ana writes at once: her
# stream gets that entry; stream NAME ends without it.
cut_off() {
    name=$1 what=$2
    shift 2
    "$@"
    e=$(write)
    ok "$(wait_for ana "\"id\":\"$e\""; echo $?)" "$what: the owner's stream gets the entry written right after"
    ok "$(ended "$name"; echo $?)" "$what: the stream ends at once"
    ok "$(grep -q "\"id\":\"$e\"" "$T_DIR/sse-$name"; [ $? -ne 0 ]; echo $?)" \
        "$what: the entry written after the change never reached it"
}

listen ana
ok "$(live ana; echo $?)" "the owner's stream is live"

# 1. A member removed by the owner (an account: its session lives on).
listen bob
ok "$(live bob; echo $?)" "bob's stream is live"
AS=ana req GET "/api/v1/families/$FID/members"
BOB_MID=$(jbody '.members[] | select(.name == "bob") | .id')
remove_bob() { AS=ana req DELETE "/api/v1/families/$FID/members/$BOB_MID"; is "$STATUS" 204 "ana removes bob"; }
cut_off bob "member removed" remove_bob

# 2. One session revoked from another device of the account; the other
# session's stream carries on.
login carl2 carl
listen carl
listen carl2
ok "$(live carl2 && live carl; echo $?)" "carl's two streams are live"
AS=carl req GET /api/v1/auth/sessions
CARL2_SID=$(jbody '.sessions[] | select(.current == false) | .id')
revoke_carl2() { AS=carl req DELETE "/api/v1/auth/sessions/$CARL2_SID"; is "$STATUS" 204 "carl revokes his other session"; }
cut_off carl2 "session revoked" revoke_carl2
ok "$(live carl; echo $?)" "…while the session that revoked it keeps streaming"

# 3. A password change ends the account's other sessions.
login carl3 carl
listen carl3
ok "$(live carl3; echo $?)" "carl's new session streams"
change_password() {
    AS=carl req PATCH /api/v1/auth/me '{"password":"carl new secret","current_password":"password-carl"}'
    is "$STATUS" 200 "carl changes his password"
}
cut_off carl3 "password change" change_password

# 4. Signing out ends the session's own streams.
sign_out() { AS=carl req POST /api/v1/auth/logout; is "$STATUS" 204 "carl signs out"; }
cut_off carl "sign-out" sign_out

# 5. An access link revoked: its guest device goes.
AS=ana req POST "/api/v1/families/$FID/links" '{"role":"caregiver","label":"Nanny"}'
LID=$(jbody .id)
join nanny "$(jbody .token)"
listen nanny
ok "$(live nanny; echo $?)" "the guest's stream is live"
revoke_link() { AS=ana req DELETE "/api/v1/families/$FID/links/$LID"; is "$STATUS" 204 "ana revokes the link"; }
cut_off nanny "access link revoked" revoke_link

# 6. The instance admin (no membership) streams any family; ending that
# session ends the stream.
login zoe2 zoe
listen zoe2
ok "$(live zoe2; echo $?)" "the admin's stream is live"
AS=zoe req GET /api/v1/auth/sessions
ZOE2_SID=$(jbody '.sessions[] | select(.current == false) | .id')
revoke_zoe2() { AS=zoe req DELETE "/api/v1/auth/sessions/$ZOE2_SID"; is "$STATUS" 204 "zoe revokes that session"; }
cut_off zoe2 "admin session revoked" revoke_zoe2

# The hub's fallbacks, driven straight through the database: more new rows
# than one batch (the one that matters comes last), and a row pruned before
# the hub read it. Either way every stream is checked again.
# own_sid JAR — the id of the session in cookie jar JAR.
own_sid() { AS=$1 req GET /api/v1/auth/sessions; jbody '.sessions[] | select(.current) | .id'; }
NOW_SQL="CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
login ana2 ana
listen ana2
ok "$(live ana2; echo $?)" "a second session of the owner streams"
ANA2_SID=$(own_sid ana2)
flood() {
    db "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
        INSERT INTO stream_revocations (session_id, at) SELECT 'none-' || i, $NOW_SQL FROM n;
        DELETE FROM sessions WHERE id = '$ANA2_SID'; COMMIT;"
}
cut_off ana2 "300 revocations at once" flood
login ana3 ana
listen ana3
ok "$(live ana3; echo $?)" "a third session of the owner streams"
ANA3_SID=$(own_sid ana3)
pruned() {
    db "BEGIN; DELETE FROM sessions WHERE id = '$ANA3_SID';
        DELETE FROM stream_revocations WHERE session_id = '$ANA3_SID';
        INSERT INTO stream_revocations (session_id, at) VALUES ('none', $NOW_SQL); COMMIT;"
}
cut_off ana3 "its revocation pruned unseen" pruned

# A reconnect is refused (the stream ended for good, not by accident).
curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar-bob" --max-time 5 \
    "$BASE/api/v1/families/$FID/stream" > "$T_DIR/code"
is "$(cat "$T_DIR/code")" 404 "the removed member cannot reopen the stream"
is "$(db 'SELECT count(*) >= 5 FROM stream_revocations')" 1 "the revocations were recorded"

PIDS="$PID_ana $PID_bob $PID_carl $PID_carl2 $PID_carl3 $PID_nanny $PID_zoe2 $PID_ana2 $PID_ana3"
kill $PIDS 2>/dev/null
wait $PIDS 2>/dev/null
done_testing
