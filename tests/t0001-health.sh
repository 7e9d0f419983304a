#!/bin/bash
# t0001-health.sh — /health touches the real database; the request log line
# carries the route pattern and no raw path; a newer schema is refused (503).
. "$(dirname "$0")/lib.sh"

start_server
req GET /health
is "$STATUS" 200 "GET /health is 200"
is "$(jbody .ok)" true "ok is true"
is "$(jbody .db)" ok "db is ok"
like "$(jbody .version)" '^[0-9]+\.[0-9]+\.[0-9]+' "version is reported"
like "$(header Content-Type)" '^application/json' "JSON content type"
is "$(header Cache-Control)" no-store "health is not cached"
ok "$([ -f "$T_DIR/data/carelog.db" ]; echo $?)" "the database file was created"
is "$(sqlite3 "$T_DIR/data/carelog.db" 'PRAGMA journal_mode')" wal "database is in WAL mode"
is "$(sqlite3 "$T_DIR/data/carelog.db" 'SELECT count(*) > 0 FROM schema_migrations')" 1 \
    "migrations are recorded in a table"

req HEAD /health -I
is "$STATUS" 200 "HEAD /health is 200"

# One JSON log line per request: pattern, not the raw path or query.
req GET "/api/v1/nothing-here/secret-name?email=someone@example.com"
sleep 0.2
line=$(grep '"route"' "$T_DIR/error.log" | tail -1)
like "$line" '"method":"GET","route":"-","status":404,"us":[0-9]+' "unknown path logged as route -"
ok "$(printf '%s' "$line" | grep -q 'secret-name\|example.com'; [ $? -ne 0 ]; echo $?)" \
    "no raw path or query in the log"
ok "$(grep '"route":"/health"' "$T_DIR/error.log" | jq -e '.status == 200 and (.us|type) == "number"' >/dev/null; echo $?)" \
    "health request logged as valid JSON with status and duration"
stop_server

# A database from a newer carelog is refused: /health answers 503 db:error.
sqlite3 "$T_DIR/data/carelog.db" "INSERT INTO schema_migrations VALUES (999, 'future', 0)"
start_server
req GET /health
is "$STATUS" 503 "newer schema: /health is 503"
is "$(jbody .db)" error "db is error"
is "$(jbody .ok)" false "ok is false"
sleep 0.2
like "$(cat "$T_DIR/error.log")" 'db_schema_too_new' "the refusal is logged"
done_testing
