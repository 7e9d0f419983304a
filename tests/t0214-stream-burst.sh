#!/bin/bash
# t0214-stream-burst.sh — the live stream's wake-up (a datagram from the
# writer after each commit, confirmed by sequence number) delivers every
# event of a burst: 10,000 entries written by four clients at once, 32 in
# flight, reach an open stream, each exactly once and in sequence order.
. "$(dirname "$0")/lib.sh"

T_THREADS=4 start_server REGISTRATION=open
signup ana
export AS=ana
family_with_baby
COOKIE=$(awk '$6 == "carelog_session" { print "carelog_session=" $7 }' "$T_DIR/jar-ana")
# The plans first (10,000 ids, one process), so the stream's time is the burst's.
for k in 1 2 3 4; do
    python3 -c 'import uuid
for _ in range(2500): print(uuid.uuid4(), "good")' > "$T_DIR/plan$k"
done
# A loaded machine may need minutes for the burst: the stream may stay open 10.
listen ana --max-time 600
ok "$(wait_for ana '^event: presence'; echo $?)" "the stream is open"
writers=""
for k in 1 2 3 4; do
    node "$T_ROOT/tests/tools/burst.mjs" "$BASE" "$FID" "$SID" "$COOKIE" "$(cat "$T_DIR/csrf-ana")" 8 \
        < "$T_DIR/plan$k" > "$T_DIR/answers$k" &
    writers="$writers $!"
done
wait $writers
cat "$T_DIR"/answers? | awk '$3 == 201' | cut -d' ' -f1 | sort > "$T_DIR/written"
is "$(wc -l < "$T_DIR/written")" 10000 "four clients wrote 10,000 entries"

# Every written id in the stream. A loaded machine may take a while to
# deliver 10,000 events, so the wait ends when all have come, when none
# has come for 20 s, or after 300 s, whichever is first.
last=0
stalled=0
for _ in $(seq 1 3000); do
    grep -o '"entry":{"id":"[0-9a-f-]*"' "$T_DIR/sse-ana" | cut -d'"' -f6 | sort -u > "$T_DIR/streamed"
    got=$(wc -l < "$T_DIR/streamed")
    [ "$got" -ge 10000 ] && break
    if [ "$got" -gt "$last" ]; then last=$got stalled=0; else stalled=$((stalled + 1)); fi
    [ "$stalled" -ge 200 ] && break
    sleep 0.1
done
if [ "$(wc -l < "$T_DIR/streamed")" -lt 10000 ]; then
    diag "streamed $(wc -l < "$T_DIR/streamed") of 10000; stream still open: $(kill -0 "$PID_ana" 2>/dev/null && echo yes || echo no)"
    diag "last lines of the stream: $(tail -c 400 "$T_DIR/sse-ana")"
fi
is "$(comm -23 "$T_DIR/written" "$T_DIR/streamed" | wc -l)" 0 "every entry of the burst reached the stream"
is "$(grep -c '^event: entry' "$T_DIR/sse-ana")" 10000 "…each exactly once"
ids=$(grep '^id: ' "$T_DIR/sse-ana" | cut -d' ' -f2)
is "$(printf '%s\n' "$ids" | sort -n -c 2>&1 | wc -l)" 0 "…in sequence order"
kill "$PID_ana" 2>/dev/null
# The checkpointer (entries program) copies the WAL back as it goes, so the
# 100+ MB that 10,000 commits wrote do not stay in it (bounded wait: 5 s).
for _ in $(seq 1 50); do
    wal=$(stat -c %s "$T_DIR/data/carelog.db-wal" 2>/dev/null || echo 0)
    [ "$wal" -lt $((16 << 20)) ] && break
    sleep 0.1
done
ok "$([ "$wal" -lt $((16 << 20)) ]; echo $?)" "the WAL is copied back off the request path ($((wal >> 10)) KB left)"
done_testing
