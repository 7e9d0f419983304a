#!/bin/bash
# release-fixture.sh — writes tests/fixtures/release-VERSION.sql: the database
# this release's code makes for a small family (accounts, a family with a
# caregiver and a viewer, a person cared for, entries of several types, one
# deleted, a reminder, a guest link), as an SQL dump. Run it on each release
# so that tests/t0702-upgrade.sh upgrades from the previous release's own
# database. Passwords are password-NAME (the tests' cheap argon2id cost).
#   bash tools/release-fixture.sh [VERSION]   (after make BUILD=asan programs)
set -eu
cd "$(dirname "$0")/.."
VERSION=${1:-$(sed -n 's/^VERSION *:= *//p' Makefile)}
OUT=tests/fixtures/release-$VERSION.sql
# tests/lib.sh's helpers, without its TAP plan.
. tests/lib.sh
start_server REGISTRATION=open
signup ana
signup bob
signup cy
export AS=ana
FID=$(new_family Home Europe/Paris)
req POST "/api/v1/families/$FID/subjects" '{"name":"Noa","kind":"baby"}'
SID=$(jbody .id)
for who in bob:caregiver cy:viewer; do
    token=$(invite "${who#*:}")
    join "${who%:*}" "$token"
done
T=1767254400000 # 2026-01-01T08:00:00Z
put_entry 0194a7b0-0000-7000-8000-000000000001 "{type: \"feed\", ts: $T, value: {method: \"bottle\", milk: \"formula\", amount_ml: 120}}"
put_entry 0194a7b0-0000-7000-8000-000000000002 "{type: \"diaper\", ts: $((T + 600000)), value: {wet: true}}"
put_entry 0194a7b0-0000-7000-8000-000000000003 "{type: \"sleep\", ts: $((T + 1200000)), end_ts: $((T + 4800000)), value: {kind: \"nap\"}}"
put_entry 0194a7b0-0000-7000-8000-000000000004 "{type: \"note\", ts: $((T + 5000000)), value: {text: \"first smile\"}}"
AS=ana req DELETE "/api/v1/families/$FID/entries/0194a7b0-0000-7000-8000-000000000004" \
    "{\"updated_at\": $(date +%s%3N)}"
AS=bob put_entry 0194a7b0-0000-7000-8000-000000000005 "{type: \"medication\", ts: $((T + 7200000)), value: {name: \"Vitamin D\", dose: 1, unit: \"drop\"}}"
req POST "/api/v1/families/$FID/reminders" "{\"subject_id\":\"$SID\",\"kind\":\"feed_due\",\"interval_min\":180}"
invite viewer "grandma" > /dev/null
stop_server_quiet
{
    echo "-- release-$VERSION.sql — a database made by carelog $VERSION (tools/release-fixture.sh):"
    echo "-- family $FID (Home), person $SID; accounts ana (owner), bob, cy; passwords password-NAME."
    sqlite3 "$T_DIR/data/carelog.db" .dump
} > "$OUT"
echo "wrote $OUT ($(grep -c '^INSERT INTO entries' "$OUT") entries)"
cleanup
