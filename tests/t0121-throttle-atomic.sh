#!/bin/bash
# t0121-throttle-atomic.sh — audit finding 9.1: the sign-in throttle must be
# atomic. 40 wrong passwords sent at once for one account may reach password
# verification at most LOGIN_THROTTLE_MAX times (401); every other one is
# 429. A check-then-record throttle lets parallel attempts all pass the check
# before any of them records its failure.
. "$(dirname "$0")/lib.sh"

# Eight worker threads and the real argon2id cost (a test hash verifies in
# microseconds), so many attempts are in flight at once, as in production.
T_THREADS=8 start_server REGISTRATION=open LOGIN_THROTTLE_WINDOW=600 CARELOG_TEST_FAST_HASH=0
signup ana

N=40
pids=""
for i in $(seq 1 $N); do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 -H 'Content-Type: application/json' \
        --data-binary '{"email":"ana@example.com","password":"wrong password"}' \
        "$BASE/api/v1/auth/login" > "$T_DIR/status-$i" &
    pids="$pids $!"
done
# Only the curls: a bare `wait` would also wait for the server.
wait $pids
cat "$T_DIR"/status-* > "$T_DIR/statuses"
n401=$(grep -cx 401 "$T_DIR/statuses")
n429=$(grep -cx 429 "$T_DIR/statuses")
diag "$n401 × 401, $n429 × 429"
is "$((n401 + n429))" "$N" "every attempt is 401 or 429"
ok "$([ "$n401" -le 10 ]; echo $?)" "at most LOGIN_THROTTLE_MAX (10) attempts reached verification (got $n401)"
is "$(db "SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed'")" "$n401" \
    "…and exactly those were verified and audited as failures"
req POST /api/v1/auth/login '{"email":"ana@example.com","password":"password-ana"}'
is "$STATUS" 429 "the account stays throttled"
done_testing
