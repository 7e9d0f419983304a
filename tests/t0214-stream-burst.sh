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
listen ana
ok "$(wait_for ana '^event: presence'; echo $?)" "the stream is open"

for k in 1 2 3 4; do
    for _ in $(seq 1 2500); do echo "$(uuid) good"; done > "$T_DIR/plan$k"
done
writers=""
for k in 1 2 3 4; do
    node "$T_ROOT/tests/tools/burst.mjs" "$BASE" "$FID" "$SID" "$COOKIE" "$(cat "$T_DIR/csrf-ana")" 8 \
        < "$T_DIR/plan$k" > "$T_DIR/answers$k" &
    writers="$writers $!"
done
wait $writers
cat "$T_DIR"/answers? | awk '$3 == 201' | cut -d' ' -f1 | sort > "$T_DIR/written"
is "$(wc -l < "$T_DIR/written")" 10000 "four clients wrote 10,000 entries"

# Every written id in the stream (bounded wait: 60 s).
for _ in $(seq 1 600); do
    grep -o '"entry":{"id":"[0-9a-f-]*"' "$T_DIR/sse-ana" | cut -d'"' -f6 | sort -u > "$T_DIR/streamed"
    [ "$(wc -l < "$T_DIR/streamed")" -ge 10000 ] && break
    sleep 0.1
done
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
