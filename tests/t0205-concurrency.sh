#!/bin/bash
# t0205-concurrency.sh — four writers in parallel for 10 seconds (two with
# single PUTs, two with sync batches); afterwards every acknowledged write is
# present exactly once, and the sequence numbers are unique.
. "$(dirname "$0")/lib.sh"

T_THREADS=4 start_server REGISTRATION=open
signup ana
export AS=ana
family_with_baby
CSRF=$(cat "$T_DIR/csrf-ana")

put_writer() { # put_writer N — single PUTs until the time is up
    end=$((SECONDS + 10))
    while [ $SECONDS -lt $end ]; do
        id=$(uuid)
        code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar-ana" -X PUT \
            -H "X-CSRF-Token: $CSRF" -H "Content-Type: application/json" \
            --data "{\"subject_id\":\"$SID\",\"type\":\"note\",\"ts\":$(date +%s%3N),\"value\":{\"text\":\"w$1\"},\"updated_at\":$(date +%s%3N)}" \
            "$BASE/api/v1/families/$FID/entries/$id")
        [ "$code" = 201 ] && echo "$id" >> "$T_DIR/acked-$1"
    done
}
sync_writer() { # sync_writer N — batches of 20 through sync until the time is up
    end=$((SECONDS + 10))
    while [ $SECONDS -lt $end ]; do
        for i in $(seq 20); do uuid; done > "$T_DIR/ids-$1"
        jq -Rn --arg sid "$SID" --argjson t "$(date +%s%3N)" --arg w "$1" \
            '{cursor: 0, limit: 1, changes: [inputs | {op: "put", id: ., subject_id: $sid,
              type: "note", ts: $t, value: {text: ("s" + $w)}, updated_at: $t}]}' \
            < "$T_DIR/ids-$1" > "$T_DIR/batch-$1"
        curl -s -b "$T_DIR/jar-ana" -H "X-CSRF-Token: $CSRF" -H "Content-Type: application/json" \
            --data-binary "@$T_DIR/batch-$1" "$BASE/api/v1/families/$FID/sync" |
            jq -r '.results[]? | select(.status == "applied") | .id' >> "$T_DIR/acked-$1"
    done
}
put_writer 1 & w1=$!
put_writer 2 & w2=$!
sync_writer 3 & w3=$!
sync_writer 4 & w4=$!
wait $w1 $w2 $w3 $w4
cat "$T_DIR"/acked-* | sort > "$T_DIR/acked"
db "SELECT id FROM entries" | sort > "$T_DIR/stored"
acked=$(wc -l < "$T_DIR/acked")
diag "$acked writes acknowledged in 10 s by 4 writers"
ok "$([ "$acked" -gt 40 ]; echo $?)" "the writers made progress ($acked acknowledged)"
is "$(sort -u "$T_DIR/acked" | wc -l)" "$acked" "no id was acknowledged twice"
is "$(comm -23 "$T_DIR/acked" "$T_DIR/stored" | wc -l)" 0 "every acknowledged write is stored"
is "$(wc -l < "$T_DIR/stored")" "$acked" "…exactly once, and nothing unacknowledged"
is "$(db 'SELECT count(DISTINCT seq) = count(*) FROM entries')" 1 "sequence numbers are unique"
done_testing
