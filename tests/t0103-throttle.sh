#!/bin/bash
# t0103-throttle.sh — sign-in throttling in SQLite: after 10 failures in the
# window for one account → 429 with Retry-After (even with the right
# password), then recovery once the window has passed. The per-address rule
# is in t0122-throttle-shared-address.sh.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open LOGIN_THROTTLE_WINDOW=3
signup ana
for i in $(seq 1 10); do
    req POST /api/v1/auth/login '{"email":"ana@example.com","password":"wrong password"}'
    [ "$STATUS" = 401 ] || diag "attempt $i: $STATUS"
done
is "$STATUS" 401 "ten failures are plain 401s"
req POST /api/v1/auth/login '{"email":"ana@example.com","password":"wrong password"}'
is "$STATUS" 429 "the eleventh attempt is 429"
like "$(header Retry-After)" '^[1-3]$' "…with Retry-After in seconds"
is "$(jbody .error.code)" rate_limited "…rate_limited"
req POST /api/v1/auth/login '{"email":"ana@example.com","password":"password-ana"}'
is "$STATUS" 429 "even the right password waits"
req POST /api/v1/auth/login '{"email":"other@example.com","password":"whatever1"}'
is "$STATUS" 401 "another account from the same address is still checked"
ok "$(db "SELECT count(*) FROM login_failures WHERE key LIKE '%example%' OR key LIKE '%127.0.0.1%'" | grep -qx 0; echo $?)" \
    "throttle keys are hashes, not emails or addresses"
sleep 3.2
req POST /api/v1/auth/login '{"email":"ana@example.com","password":"password-ana"}'
is "$STATUS" 200 "after the window, sign-in works again"
is "$(db "SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed'")" 11 "failures are audited"
done_testing
