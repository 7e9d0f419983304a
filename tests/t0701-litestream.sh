#!/bin/bash
# t0701-litestream.sh — continuous replication as README "Continuous
# replication" sets it up: the server started the way `make run` starts it
# (conf/serve.sh) with REPLICA_URL=file://..., entries written under load by
# several clients, then everything (Litestream, lighttpd, the programs)
# killed with SIGKILL. The README's recovery into an empty DATA_DIR — the
# last carelogctl backup for the keys, `litestream restore` of the replica,
# `carelogctl restore` of that database — gives a server on which every
# entry acknowledged more than the recovery point before the kill is
# present. The recovery point is Litestream's monitor interval plus its sync
# interval (REPLICA_SYNC_INTERVAL, 1 s each here), plus RPO_SLACK_MS for a
# loaded 2-core machine.
. "$(dirname "$0")/lib.sh"

. "$T_ROOT/conf/paths.sh" 2>/dev/null # $litestream, as serve.sh finds it
if [ ! -x "$litestream" ]; then
    echo "1..0 # SKIP no Litestream binary (npm ci installs @flydotio/litestream-linux-x64 on linux-x64)"
    exit 0
fi
ctl() { DATA_DIR="$T_DIR/data" "$T_BIN/carelogctl" "$@"; }
SYNC_MS=1000
RPO_MS=$((2 * SYNC_MS + ${RPO_SLACK_MS:-1000}))
WRITERS=4
LOAD_SECONDS=${LOAD_SECONDS:-8}

REPLICA="$T_DIR/replica"
SRV_SERVE=1 start_server REGISTRATION=open REPLICA_URL="file://$REPLICA" REPLICA_SYNC_INTERVAL=1s
like "$(pgrep -a -g "$T_PGID" | grep -c 'litestream replicate')" '^1$' "make run's way (conf/serve.sh) runs Litestream beside lighttpd"
like "$(cat "$T_DIR/data/litestream.yml")" "url: 'file://$REPLICA'" "its configuration comes from REPLICA_URL"
signup ana
export AS=ana
FID=$(new_family Home UTC)
req POST "/api/v1/families/$FID/subjects" '{"name":"Noa","kind":"baby"}'
SID=$(jbody .id)
out=$(ctl backup "$T_DIR/keys.tar")
ok $? "a carelogctl backup for the keys"

# writer N — PUTs entries until the deadline; "id ack_ms" per 201.
writer() {
    local csrf id now code deadline=$(($(date +%s%3N) + LOAD_SECONDS * 1000))
    csrf=$(cat "$T_DIR/csrf-ana")
    while [ "$(date +%s%3N)" -lt $deadline ]; do
        id=$(uuid) now=$(date +%s%3N)
        code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar-ana" -X PUT --max-time 10 \
            -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
            --data-binary "{\"subject_id\":\"$SID\",\"updated_at\":$now,\"type\":\"note\",\"ts\":$now,\"value\":{\"text\":\"load\"}}" \
            "$BASE/api/v1/families/$FID/entries/$id")
        [ "$code" = 201 ] && echo "$id $(date +%s%3N)" >> "$T_DIR/acked-$1"
    done
}
pids=""
for w in $(seq $WRITERS); do
    writer "$w" &
    pids="$pids $!"
done
# The kill comes while the writers are still writing.
sleep $((LOAD_SECONDS - 2))
KILL_MS=$(date +%s%3N)
kill -KILL -- "-$T_PGID"
wait $pids 2>/dev/null
T_PGID="" SRV_PGID=""
cat "$T_DIR"/acked-* > "$T_DIR/acked"
ACKED=$(awk -v k="$KILL_MS" '$2 <= k' "$T_DIR/acked" | wc -l)
ok "$([ "$ACKED" -gt 20 ]; echo $?)" "$ACKED entries acknowledged under load by $WRITERS clients before SIGKILL"

# ---- recovery into an empty DATA_DIR, as the README says ----
mv "$T_DIR/data" "$T_DIR/dead"
out=$(ctl restore "$T_DIR/keys.tar" 2>&1)
ok $? "1. carelogctl restore of the last backup (database and keys)"
"$litestream" restore -o "$T_DIR/replica.db" "file://$REPLICA" > "$T_DIR/ls-restore.log" 2>&1
ok $? "2. litestream restore of the replica"
out=$(ctl restore "$T_DIR/replica.db" 2>&1)
ok $? "3. carelogctl restore of that database (checked, swapped in)"
start_server REGISTRATION=open
AS=ana req GET /api/v1/auth/me
is "$STATUS" 200 "the server on the recovered DATA_DIR knows ana's session"
db "SELECT id FROM entries" | sort > "$T_DIR/present"
missing=0 newest_missing=0 window=0
while read -r id at; do
    if ! grep -qx "$id" "$T_DIR/present"; then
        age=$((KILL_MS - at))
        [ "$age" -gt "$RPO_MS" ] && missing=$((missing + 1))
        [ "$age" -gt "$newest_missing" ] && newest_missing=$age
    fi
    [ $((KILL_MS - at)) -le "$RPO_MS" ] && window=$((window + 1))
done < "$T_DIR/acked"
is "$missing" 0 "every entry acknowledged more than ${RPO_MS} ms before SIGKILL is present"
diag "recovered $(wc -l < "$T_DIR/present") of $(wc -l < "$T_DIR/acked") acknowledged entries; the oldest one lost was acknowledged ${newest_missing} ms before the kill; $window were within the last ${RPO_MS} ms"
AS=ana req GET "/api/v1/families/$FID/entries?limit=5"
is "$STATUS" 200 "the recovered server serves the family's entries"
done_testing
