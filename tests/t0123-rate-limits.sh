#!/bin/bash
# t0123-rate-limits.sh — audit finding 9.3: the expensive public and
# per-user routes are rate limited, 429 rate_limited with Retry-After:
# POST /auth/register (an argon2id hash per call) per client address, and
# POST /push/test (a sender process per call) per account or guest device.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open REGISTER_RATE_MAX=3 REGISTER_RATE_WINDOW=600 \
    PUSH_TEST_RATE_MAX=2 PUSH_TEST_RATE_WINDOW=600

# Registration: 3 per address per window. Bad input is refused before the
# hash and does not use the allowance.
req POST /api/v1/auth/register '{"email":"not-an-email","password":"x","name":""}'
is "$STATUS" 400 "bad input is 400"
signup ana
signup bob
req POST /api/v1/auth/register '{"email":"ana@example.com","password":"password-ana2","name":"A"}'
is "$STATUS" 409 "a third registration (email taken) still hashed a password"
req POST /api/v1/auth/register '{"email":"cat@example.com","password":"password-cat","name":"Cat"}'
is "$STATUS" 429 "the fourth registration from the address is 429"
is "$(jbody .error.code)" rate_limited "…rate_limited"
like "$(header Retry-After)" '^[0-9]+$' "…with Retry-After in seconds"
ok "$([ "$(header Retry-After)" -ge 1 ] && [ "$(header Retry-After)" -le 600 ]; echo $?)" \
    "…within the window"
is "$(db "SELECT count(*) FROM users WHERE email = 'cat@example.com'")" 0 "…and no account is made"
AS=ana req GET /api/v1/auth/me
is "$STATUS" 200 "signed-in accounts are not affected"
signin ana
is "$STATUS" 200 "…nor is signing in"

# Test notifications: 2 per account per window (a sender process each).
for i in 1 2; do
    AS=ana req POST /api/v1/push/test
    is "$STATUS $(jbody .error.code)" "409 no_subscription" "ana's test notification $i is let through"
done
AS=ana req POST /api/v1/push/test
is "$STATUS $(jbody .error.code)" "429 rate_limited" "ana's third test notification is 429"
like "$(AS=ana header Retry-After)" '^[0-9]+$' "…with Retry-After"
AS=bob req POST /api/v1/push/test
is "$STATUS" 409 "bob has his own allowance"
ok "$(db "SELECT count(*) FROM rate_events WHERE key LIKE '%127.0.0.1%' OR key LIKE '%-%'" | grep -qx 0; echo $?)" \
    "rate keys are keyed hashes, not addresses or ids"
done_testing
