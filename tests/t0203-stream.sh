#!/bin/bash
# t0203-stream.sh — the live family stream (SSE): a change written through
# another program arrives within a second, config changes too, presence
# lists who is online, Last-Event-ID resumes, heartbeats flow, and a stream
# ends when its session is revoked.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open STREAM_HEARTBEAT_MS=500
signup ana
signup bob
export AS=ana
family_with_baby
join bob "$(invite caregiver Bob)"


curl -s -o /dev/null -w '%{http_code}' "$BASE/api/v1/families/$FID/stream" > "$T_DIR/code"
is "$(cat "$T_DIR/code")" 401 "no session: 401"

listen ana
listen bob
ok "$(wait_for ana '^retry: 3000'; echo $?)" "the stream opens with a retry hint"
ok "$(wait_for bob '"members":\[("ana","bob"|"bob","ana")\]'; echo $?)" "presence lists both members online"
grep -m1 -i '^content-type' <(curl -s -N -D - -o /dev/null -b "$T_DIR/jar-ana" --max-time 1 "$BASE/api/v1/families/$FID/stream") > "$T_DIR/ct" 2>/dev/null
like "$(cat "$T_DIR/ct")" 'text/event-stream' "served as text/event-stream"

E1=$(uuid)
AS=bob put_entry "$E1" "{type: \"diaper\", ts: $(date +%s%3N), value: {wet: true}}"
seq1=$(jbody .seq)
ok "$(wait_for ana "\"id\":\"$E1\"" 10; echo $?)" "Bob's entry reaches Ana's stream within a second"
ok "$(grep -q "^id: $seq1\$" "$T_DIR/sse-ana"; echo $?)" "…with the entry's seq as the event id"
ok "$(grep -A2 "^id: $seq1\$" "$T_DIR/sse-ana" | grep -q '^event: entry'; echo $?)" "…as an entry event"
ok "$(grep -q '"action":"add"' "$T_DIR/sse-ana"; echo $?)" "…marked as an add"

AS=bob req PUT "/api/v1/families/$FID/config" '{"groups":[{"category":"feed","buttons":[{"type":"feed","label":"Bottle","value":{"method":"bottle","amount_ml":90}}]}]}'
ok "$(wait_for ana '^event: config' 10; echo $?)" "a config change is streamed"
ok "$(wait_for ana ': heartbeat' 20; echo $?)" "heartbeat comments keep the stream alive"

AS=bob req DELETE "/api/v1/families/$FID/entries/$E1?updated_at=$(( $(date +%s%3N) + 5))"
ok "$(wait_for ana '"action":"delete"' 10; echo $?)" "a delete is streamed"

# Resume: a reconnect with Last-Event-ID replays what was missed, and only that.
E2=$(uuid)
AS=bob put_entry "$E2" "{type: \"note\", ts: $(date +%s%3N), value: {text: \"while away\"}}"
JAR=ana listen resume -H "Last-Event-ID: $seq1"
ok "$(wait_for resume "\"id\":\"$E2\""; echo $?)" "Last-Event-ID replays missed events"
ok "$(grep -q "^id: $seq1\$" "$T_DIR/sse-resume"; [ $? -ne 0 ]; echo $?)" "…not the ones already seen"
ok "$(wait_for resume '^event: config'; echo $?)" "…config changes included"

# Leaving updates presence; a revoked session ends its stream.
kill "$PID_bob" 2>/dev/null
ok "$(wait_for ana '"members":\["ana"\]' 30; echo $?)" "presence drops a member who left"
AS=ana req POST /api/v1/auth/logout
ended=1
for _ in $(seq 1 40); do
    kill -0 "$PID_ana" 2>/dev/null || { ended=0; break; }
    sleep 0.1
done
ok "$ended" "signing out ends the session's open stream"
kill "$PID_resume" 2>/dev/null
wait "$PID_ana" "$PID_bob" "$PID_resume" 2>/dev/null
done_testing
