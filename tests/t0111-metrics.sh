#!/bin/bash
# t0111-metrics.sh — GET /metrics: every program's figures in the
# Prometheus text format, accepted by promtool (Debian's prometheus), with
# the numbers the requests made here must show (requests by route and
# status, latency, group commits, open streams and events sent, database
# and WAL size); only for loopback or the METRICS_TOKEN bearer (the latter
# checked through the program as classic CGI, where the address is ours to
# set); and GET /ready.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
export AS=ana
family_with_baby
listen ana
ok "$(wait_for ana '^event: presence'; echo $?)" "a stream is open"
for _ in 1 2 3; do put_entry "$(uuid)" "{type: \"note\", ts: $(date +%s%3N), value: {text: \"m\"}}"; done
ok "$(wait_for ana '^event: entry'; echo $?)" "…and got an event"

curl -s -o "$T_DIR/metrics" -w '%{http_code} %{content_type}' "$BASE/metrics" > "$T_DIR/code"
like "$(cat "$T_DIR/code")" '^200 text/plain; version=0.0.4' "GET /metrics from loopback: 200, the text format"
promtool check metrics < "$T_DIR/metrics" > "$T_DIR/promtool" 2>&1
ok $? "promtool accepts it"
sed 's/^/#   /' "$T_DIR/promtool" | head -20
m() { awk -v k="$1" 'index($0, k) == 1 { print $NF; exit }' "$T_DIR/metrics"; }
is "$(m 'carelog_http_requests_total{program="entries",method="PUT",route="/api/v1/families/{fid}/entries/{eid}",status="201"}')" 3 \
    "requests by program, route and status (3 entries written)"
is "$(m 'carelog_http_request_duration_seconds_count{program="entries",method="PUT",route="/api/v1/families/{fid}/entries/{eid}"}')" 3 \
    "…a latency histogram per route"
ok "$([ "$(m 'carelog_group_commits_total{program="entries"}')" -ge 1 ]; echo $?)" "group commits counted"
is "$(m 'carelog_streams_open{program="stream"}')" 1 "open streams: 1"
ok "$([ "$(m 'carelog_stream_events_total{program="stream"}')" -ge 3 ]; echo $?)" "stream events sent: at least the 3 entries"
ok "$([ "$(m 'carelog_db_bytes ')" -gt 0 ]; echo $?)" "database size"
like "$(grep -c '^carelog_wal_bytes ' "$T_DIR/metrics")" '^1$' "WAL size"
like "$(grep -c '^carelog_last_backup_timestamp_seconds ' "$T_DIR/metrics")" '^1$' "last backup time"
db "INSERT INTO mail_outbox (kind, rcpt, message, status, next_at, last_error, created_at)
    VALUES ('reset', 'x@example.test', 'm', 'failed', 0, 'smtp 550', 0)"
curl -s -o "$T_DIR/metrics" "$BASE/metrics"
is "$(m 'carelog_mail_messages{kind="reset",state="failed"}')" 1 "mail failures are counted"

# Not from elsewhere without the token (classic CGI: the address is ours).
cgi_metrics() { # cgi_metrics ADDR [AUTH] — status line of the meta program's answer
    env -i PATH="$PATH" DATA_DIR="$T_DIR/data" REQUEST_METHOD=GET REQUEST_URI=/metrics \
        REMOTE_ADDR="$1" ${2:+HTTP_AUTHORIZATION="$2"} METRICS_TOKEN=0123456789abcdef-token \
        "$T_BIN/meta" 2>/dev/null | head -1 | tr -d '\r'
}
is "$(cgi_metrics 192.0.2.7)" "Status: 403 Forbidden" "from another address without the token: 403"
is "$(cgi_metrics 192.0.2.7 'Bearer wrong-token-wrong-token')" "Status: 403 Forbidden" "…with a wrong token: 403"
is "$(cgi_metrics 192.0.2.7 'Bearer 0123456789abcdef-token')" "Status: 200 OK" "…with METRICS_TOKEN: 200"

req GET /ready
is "$STATUS" 200 "GET /ready: 200"
is "$(jbody '.ready, .writable' | paste -sd' ')" "true true" "…writable, migrations current"
kill "$PID_ana" 2>/dev/null
done_testing
