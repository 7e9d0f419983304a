#!/bin/bash
# t0702-upgrade.sh — the upgrade path README "Upgrades" documents, from
# databases the previous releases made:
# A. tests/fixtures/release-0.1.0.sql (made by carelog 0.1.0 with
#    tools/release-fixture.sh): `carelogctl setup` brings it to this code's
#    schema, with an automatic backup exactly when it applies migrations, and
#    the server serves its accounts, roles, entries and tombstones.
# B. the same database as the release before 0.1.0 left it (schema 7:
#    migration 008 undone, which only rewrote far-future updated_at times):
#    setup takes the backup pre-migrate-7-to-N before migrating, the
#    migration does its work, and the rollback — stop, `carelogctl restore
#    --no-migrate` of that backup — gives back the old schema and the old
#    data exactly, while what was written after the upgrade is kept in the
#    backup the restore makes of the database it replaces.
# Migration 022 rebuilds the reminders table (a new CHECK) with foreign keys
# off: the opt-ins and the queued push messages that point at 0.1.0's
# reminder survive it (with foreign keys on, its DROP TABLE would have
# deleted them), and the reminder keeps its kind.
. "$(dirname "$0")/lib.sh"

ctl() { DATA_DIR="$T_DIR/data" "$T_BIN/carelogctl" "$@"; }
FIXTURE=$T_ROOT/tests/fixtures/release-0.1.0.sql
FID=$(sed -n 's/^-- family \([0-9a-f-]*\) .*/\1/p' "$FIXTURE")
KNOWN=$(ctl version | sed 's/.*(schema \([0-9]*\)).*/\1/')
load_fixture() {
    rm -rf "$T_DIR/data"
    mkdir -p "$T_DIR/data"
    sqlite3 "$T_DIR/data/carelog.db" < "$FIXTURE" && db "PRAGMA journal_mode=WAL" > /dev/null
}
# The care data and accounts, in a form to compare.
care_dump() {
    sqlite3 "$1" ".dump schema_migrations users families subjects members links entries reminders"
}

# ---- A. from 0.1.0's database ----
load_fixture
RID=$(db "SELECT id FROM reminders")
db "INSERT INTO push_subscriptions (id, endpoint, p256dh, auth, user_id, created_at, updated_at)
      SELECT 'sub-1', 'https://push.example/1', 'k', 'a', user_id, 0, 0 FROM members
      WHERE id = (SELECT member_id FROM reminder_optins);
    INSERT INTO push_messages (subscription_id, reminder_id, dedupe, payload, next_attempt_at,
      created_at) VALUES ('sub-1', '$RID', '$RID@1', '{}', 0, 0)"
FROM=$(db "SELECT max(version) FROM schema_migrations")
out=$(ctl setup 2>&1)
ok $? "setup upgrades 0.1.0's database (schema $FROM) to this code's (schema $KNOWN)"
is "$(db 'SELECT max(version) FROM schema_migrations')" "$KNOWN" "…the schema is current"
backups=$(ls "$T_DIR/data/backups" 2>/dev/null | grep -c -- "-pre-migrate-$FROM-to-$KNOWN.tar")
if [ "$FROM" -lt "$KNOWN" ]; then
    is "$backups" 1 "…after an automatic backup of schema $FROM"
else
    is "$backups" 0 "…with no backup, since no migration was pending (0.1.0 has schema $KNOWN)"
fi
is "$(db "SELECT kind || ' ' || interval_min || ' ' || typeof(entry_type) FROM reminders WHERE id = '$RID'")" \
    "feed_due 180 null" "0.1.0's reminder is kept as it was"
is "$(db "SELECT count(*) FROM reminder_optins WHERE reminder_id = '$RID'")" 1 "…with its opt-in"
is "$(db "SELECT count(*) FROM push_messages WHERE reminder_id = '$RID'")" 1 "…and its queued message"
is "$(db "PRAGMA foreign_key_check")" "" "no reference points nowhere"
start_server
signin ana
is "$STATUS" 200 "ana signs in with her 0.1.0 password"
AS=ana req GET "/api/v1/families/$FID/entries?limit=50"
is "$(jbody '[.entries[].type] | sort | join(",")')" "diaper,feed,medication,sleep" "0.1.0's entries are served"
AS=ana req GET "/api/v1/families/$FID/changes?since=0"
is "$(jbody '[.changes[] | select(.deleted)] | length')" 1 "…and its tombstone syncs"
signin cy
AS=cy put_entry "$(uuid)" '{type: "note", ts: 1767254400000, value: {text: "x"}}'
is "$STATUS" 403 "0.1.0's viewer still cannot write"
signin bob
SID=$(db "SELECT id FROM subjects LIMIT 1")
AS=bob put_entry "$(uuid)" '{type: "note", ts: 1767254400000, value: {text: "after the upgrade"}}'
is "$STATUS" 201 "0.1.0's caregiver writes"
stop_server

# ---- B. from schema 7, and back ----
load_fixture
FUTURE=$(( $(date +%s%3N) + 365 * 86400000 ))
db "UPDATE entries SET updated_at = $FUTURE WHERE id = '0194a7b0-0000-7000-8000-000000000005';
    DELETE FROM schema_migrations WHERE version >= 8"
care_dump "$T_DIR/data/carelog.db" > "$T_DIR/before.sql"
out=$(ctl setup 2>&1)
ok $? "setup upgrades a schema 7 database"
like "$out" "from schema 7 to $KNOWN: a backup first" "…saying it backs up first"
PRE=$(ls "$T_DIR/data/backups/"carelog-*-pre-migrate-7-to-"$KNOWN".tar 2>/dev/null)
ok "$([ -f "$PRE" ]; echo $?)" "the automatic backup is there: $(basename "$PRE")"
mkdir "$T_DIR/pre"
(cd "$T_DIR/pre" && tar -xf "$PRE" && sha256sum -c --quiet SHA256SUMS)
ok $? "…verified"
is "$(sqlite3 "$T_DIR/pre/carelog.db" 'SELECT max(version) FROM schema_migrations')" 7 "…of schema 7"
is "$(db 'SELECT max(version) FROM schema_migrations')" "$KNOWN" "the live database is at schema $KNOWN"
ok "$([ "$(db "SELECT updated_at FROM entries WHERE id = '0194a7b0-0000-7000-8000-000000000005'")" -lt "$FUTURE" ]; echo $?)" \
    "migration 008 brought the far-future updated_at back"
start_server
signin ana
AS=ana put_entry 0194a7b0-0000-7000-8000-0000000000aa '{type: "note", ts: 1767254400000, value: {text: "after"}}'
is "$STATUS" 201 "a write after the upgrade"
out=$(ctl restore --no-migrate "$PRE" 2>&1)
ok "$([ $? != 0 ]; echo $?)" "the rollback waits for the server to stop"
stop_server
out=$(ctl restore --no-migrate "$PRE" 2>&1)
ok $? "rollback: restore --no-migrate of the automatic backup"
is "$(db 'SELECT max(version) FROM schema_migrations')" 7 "…gives back schema 7"
care_dump "$T_DIR/data/carelog.db" > "$T_DIR/after.sql"
diff "$T_DIR/before.sql" "$T_DIR/after.sql" > "$T_DIR/diff" 2>&1
ok $? "…and exactly the data the upgrade started from"
sed 's/^/#   /' "$T_DIR/diff" | head -20
KEPT=$(echo "$out" | sed -n 's/.*previous database is kept in \(.*\)$/\1/p')
mkdir "$T_DIR/kept"
(cd "$T_DIR/kept" && tar -xf "$KEPT")
is "$(sqlite3 "$T_DIR/kept/carelog.db" "SELECT count(*) FROM entries WHERE id = '0194a7b0-0000-7000-8000-0000000000aa'")" 1 \
    "the write made after the upgrade is kept in $(basename "$KEPT")"
out=$(ctl check)
ok $? "check passes on the rolled-back database"
like "$out" "schema: 7 \\(this carelog knows $KNOWN\\)" "…and names its schema"
done_testing
