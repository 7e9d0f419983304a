#!/bin/bash
# t0700-backup.sh — carelogctl backup, restore and check against a running
# server that keeps writing:
# - backups taken during writes are tars any tar lists, whose SHA256SUMS
#   sha256sum -c accepts, marked secret, and sound databases; --keep rotates;
# - restore while the server writes loses no acknowledged write (each is in
#   the database kept aside or in the restored one), the server answers
#   throughout, sessions ended since the backup stay ended, sync cursors
#   keep working (the change sequence does not go back);
# - restore refuses a damaged archive, a database failing integrity_check
#   and a schema newer than the code, leaving the live database untouched;
# - restore into an empty DATA_DIR brings back database and keys: an old
#   session cookie works on the new server;
# - check reports integrity, foreign keys, WAL size and rows per table.
. "$(dirname "$0")/lib.sh"

ctl() { DATA_DIR="$T_DIR/data" "$T_BIN/carelogctl" "$@"; }
count_entries() { sqlite3 -cmd ".timeout 5000" "$1" "SELECT count(*) FROM entries"; }

start_server REGISTRATION=open
signup ana
signup bob
export AS=ana
FID=$(new_family Home UTC)
req POST "/api/v1/families/$FID/subjects" '{"name":"Noa","kind":"baby"}'
SID=$(jbody .id)
for i in 1 2 3 4 5; do put_entry "$(uuid)" '{type: "note", ts: 1767225600000, value: {text: "before"}}'; done

# writer FILE — PUTs entries as ana until $T_DIR/stop exists; each id the
# server acknowledged (201) goes into FILE. Its own curl: req's files are
# the foreground's.
writer() {
    local csrf id now code
    csrf=$(cat "$T_DIR/csrf-ana")
    while [ ! -e "$T_DIR/stop" ]; do
        id=$(uuid) now=$(date +%s%3N)
        code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T_DIR/jar-ana" -X PUT --max-time 20 \
            -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
            --data-binary "{\"subject_id\":\"$SID\",\"updated_at\":$now,\"type\":\"note\",\"ts\":$now,\"value\":{\"text\":\"w\"}}" \
            "$BASE/api/v1/families/$FID/entries/$id")
        [ "$code" = 201 ] && echo "$id" >> "$1"
        [ "$code" = 201 ] || echo "$code" >> "$T_DIR/writer-errors"
    done
}
start_writer() { rm -f "$T_DIR/stop"; writer "$1" & WRITER=$!; }
stop_writer() { touch "$T_DIR/stop"; wait "$WRITER"; }

# ---- backups while writing ----
start_writer "$T_DIR/acked-1"
sleep 1
mkdir "$T_DIR/bk"
for i in 1 2 3; do
    out=$(ctl backup "$T_DIR/bk" --keep 2 2>&1)
    ok $? "backup $i while the server writes: $(echo "$out" | grep -o 'schema [0-9]*, [0-9]* bytes, integrity ok')"
    sleep 1.1 # names carry the second
done
stop_writer
mapfile -t tars < <(ls "$T_DIR/bk"/carelog-*.tar)
is "${#tars[@]}" 2 "--keep 2 keeps the two newest backups"
like "$out" 'SECRET' "backup says it holds secrets"
BK=${tars[1]}
is "$(tar -tf "$BK" | tr '\n' ' ')" "MANIFEST carelog.db secret/server.key secret/vapid.pem SHA256SUMS " \
    "the backup is a tar: database, keys under secret/, sums"
is "$(stat -c %a "$BK")" 600 "the backup file is private (0600)"
mkdir "$T_DIR/x"
(cd "$T_DIR/x" && tar -xf "$BK" && sha256sum -c --quiet SHA256SUMS)
ok $? "sha256sum -c SHA256SUMS accepts the unpacked backup"
like "$(cat "$T_DIR/x/MANIFEST")" 'schema: [0-9]+' "MANIFEST names the schema"
like "$(cat "$T_DIR/x/MANIFEST")" 'SECRET' "MANIFEST marks secret/ as secret"
cmp -s "$T_DIR/x/secret/server.key" "$T_DIR/data/server.key"
ok $? "the backup holds the server key"
is "$(sqlite3 "$T_DIR/x/carelog.db" 'PRAGMA integrity_check')" ok "the backup's database passes integrity_check"
is "$(sqlite3 "$T_DIR/x/carelog.db" 'PRAGMA journal_mode')" delete "…and needs no -wal file"
BACKUP_ENTRIES=$(count_entries "$T_DIR/x/carelog.db")
ok "$([ "$BACKUP_ENTRIES" -ge 5 ]; echo $?)" "the backup has the entries written before it ($BACKUP_ENTRIES)"
ok "$([ -s "$T_DIR/acked-1" ]; echo $?)" "the server kept acknowledging writes during backups ($(wc -l < "$T_DIR/acked-1"))"

# ---- check ----
out=$(ctl check)
ok $? "check passes on the live database"
like "$out" 'integrity: ok' "check: integrity"
like "$out" 'foreign keys: ok' "check: foreign keys"
like "$out" 'wal: [0-9]+ bytes' "check: WAL size"
like "$out" "entries +$(count_entries "$T_DIR/data/carelog.db")" "check: rows per table"
like "$out" 'last backup: .*carelog-' "check: the last backup"

# ---- restore while the server runs and writes ----
AS=bob req POST /api/v1/auth/logout
is "$STATUS" 204 "bob signs out after the backup"
# The stream hub's cursor and the sync cursor as clients know them now.
SEQ_BEFORE=$(db "SELECT value FROM seq_counter")
REV_BEFORE=$(db "SELECT coalesce(max(id), 0) FROM stream_revocations")
start_writer "$T_DIR/acked-2"
: > "$T_DIR/reads"
(while [ ! -e "$T_DIR/stop" ]; do
    curl -s -o /dev/null -w '%{http_code}\n' -b "$T_DIR/jar-ana" --max-time 20 \
        "$BASE/api/v1/families/$FID/entries?limit=5" >> "$T_DIR/reads"
done) &
READER=$!
sleep 1
out=$(ctl restore "$BK" 2>&1)
ok $? "restore while the server writes"
echo "$out" | sed 's/^/# /'
sleep 1
stop_writer
wait "$READER"
KEPT=$(echo "$out" | sed -n 's/.*previous database is kept in \(.*\)$/\1/p')
ok "$([ -f "$KEPT" ]; echo $?)" "the replaced database is kept as a backup ($(basename "$KEPT"))"
is "$(sort -u "$T_DIR/reads")" 200 "every read during the restore answered 200 ($(wc -l < "$T_DIR/reads") reads)"
mkdir "$T_DIR/kept"
(cd "$T_DIR/kept" && tar -xf "$KEPT" && sha256sum -c --quiet SHA256SUMS)
ok $? "…and it is a verified backup"
lost=0
while read -r id; do
    in_kept=$(sqlite3 "$T_DIR/kept/carelog.db" "SELECT count(*) FROM entries WHERE id = '$id'")
    in_live=$(db "SELECT count(*) FROM entries WHERE id = '$id'")
    [ "$in_kept$in_live" = 00 ] && lost=$((lost + 1))
done < <(cat "$T_DIR/acked-1" "$T_DIR/acked-2")
is "$lost" 0 "no acknowledged write is lost: each is in the kept database or the restored one ($(cat "$T_DIR/acked-1" "$T_DIR/acked-2" | wc -l) writes)"
is "$(db 'PRAGMA integrity_check')" ok "the live database passes integrity_check"
is "$(db "ATTACH '$T_DIR/x/carelog.db' AS b; SELECT count(*) FROM b.entries WHERE id NOT IN (SELECT id FROM main.entries)")" 0 \
    "the restored database has every entry of the backup"
is "$(db "ATTACH '$T_DIR/x/carelog.db' AS b; ATTACH '$T_DIR/kept/carelog.db' AS k; SELECT count(*) FROM main.entries WHERE id NOT IN (SELECT id FROM b.entries) AND id IN (SELECT id FROM k.entries)")" 0 \
    "…and nothing else of the replaced database: no half-restored mix"
ok "$([ "$(db 'SELECT value FROM seq_counter')" -ge "$SEQ_BEFORE" ]; echo $?)" \
    "the change sequence did not go back ($SEQ_BEFORE → $(db 'SELECT value FROM seq_counter'))"
ok "$([ "$(db "SELECT seq FROM sqlite_sequence WHERE name = 'stream_revocations'")" -ge "$REV_BEFORE" ]; echo $?)" \
    "the stream hub's revocation cursor did not go back"
AS=ana req GET /api/v1/auth/me
is "$STATUS" 200 "ana's session (alive before and in the backup) still works"
AS=bob req GET /api/v1/auth/me
is "$STATUS" 401 "bob's session, ended after the backup, stays ended"
# A write after the restore reaches a client syncing from its old cursor.
NEW=$(uuid)
put_entry "$NEW" '{type: "note", ts: 1767225600000, value: {text: "after"}}'
is "$STATUS" 201 "writes go on after the restore"
req GET "/api/v1/families/$FID/changes?since=$SEQ_BEFORE"
like "$(jbody '[.changes[].id] | join(",")')" "$NEW" "a client at the pre-restore cursor gets the new write"

# ---- refusals leave the live database alone ----
BEFORE=$(db "SELECT count(*) FROM entries")
cp "$BK" "$T_DIR/damaged.tar"
printf 'XXXXXXXX' | dd of="$T_DIR/damaged.tar" bs=1 seek=$((1536 + 8192)) conv=notrunc 2>/dev/null
out=$(ctl restore "$T_DIR/damaged.tar" 2>&1)
rc=$?
ok "$([ $rc != 0 ]; echo $?)" "restore refuses a damaged archive"
like "$out" 'SHA-256' "…naming the member that does not match"
cp "$T_DIR/x/carelog.db" "$T_DIR/corrupt.db"
sqlite3 "$T_DIR/corrupt.db" "PRAGMA writable_schema=ON; UPDATE sqlite_master SET rootpage = 3 WHERE name = 'entries_family_ts'" 2>/dev/null
out=$(ctl restore "$T_DIR/corrupt.db" 2>&1)
rc=$?
ok "$([ $rc != 0 ]; echo $?)" "restore refuses a database that fails integrity_check"
like "$out" 'integrity_check' "…saying so"
cp "$T_DIR/x/carelog.db" "$T_DIR/newer.db"
sqlite3 "$T_DIR/newer.db" "INSERT INTO schema_migrations VALUES (999, 'future', 0)"
out=$(ctl restore "$T_DIR/newer.db" 2>&1)
rc=$?
ok "$([ $rc != 0 ]; echo $?)" "restore refuses a schema newer than the code"
like "$out" 'schema 999, newer' "…naming both schemas"
out=$(ctl restore --no-migrate "$BK" 2>&1)
rc=$?
ok "$([ $rc != 0 ]; echo $?)" "restore --no-migrate refuses while a server runs"
like "$out" 'stop it first' "…and says to stop it"
is "$(db "SELECT count(*) FROM entries")" "$BEFORE" "after the refusals the live database is as it was"
is "$(ls -A "$T_DIR/data/backups" | grep -c '^\.restore')" 0 "refused restores leave no scratch files"

# ---- a bare database is restored too (keys stay) ----
out=$(ctl restore "$T_DIR/x/carelog.db" 2>&1)
ok $? "restore takes a bare SQLite database (e.g. from litestream restore)"
like "$out" 'current ones stay' "…keeping the current keys"
stop_server

# ---- disaster recovery: an empty DATA_DIR ----
mv "$T_DIR/data" "$T_DIR/old-data"
out=$(ctl restore "$BK" 2>&1)
ok $? "restore into an empty DATA_DIR"
cmp -s "$T_DIR/data/server.key" "$T_DIR/old-data/server.key" && cmp -s "$T_DIR/data/vapid.pem" "$T_DIR/old-data/vapid.pem"
ok $? "…brings back the server key and the VAPID key"
is "$(stat -c %a "$T_DIR/data/server.key")" 600 "…private"
start_server REGISTRATION=open
AS=ana req GET /api/v1/auth/me
is "$STATUS" 200 "a server on the restored DATA_DIR accepts ana's old session"
AS=ana req GET "/api/v1/families/$FID/entries?limit=5"
is "$STATUS $(jbody '.entries | length')" "200 5" "…and serves its entries"
is "$(db 'SELECT count(*) FROM entries')" "$BACKUP_ENTRIES" "…all of the backup's"
stop_server
# A backup that cannot read its database says so and writes nothing.
out=$(DATA_DIR="$T_DIR/nowhere" "$T_BIN/carelogctl" backup "$T_DIR/nothing.tar" 2>&1)
ok "$([ $? != 0 ] && [ ! -e "$T_DIR/nothing.tar" ]; echo $?)" "backup without a database fails and writes nothing"
done_testing
