#!/bin/bash
# t0122-throttle-shared-address.sh — audit finding 9.2: failed sign-ins from
# one address (a family's home router) must not lock out every account
# behind it. Guessing stays bounded: per account (LOGIN_THROTTLE_MAX) from
# anywhere, per address (LOGIN_THROTTLE_ADDR_MAX) over all accounts, except
# accounts that signed in from that address before (rules in throttle.h).
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open LOGIN_THROTTLE_WINDOW=600 LOGIN_THROTTLE_ADDR_MAX=20
for who in ana bob cat dan; do signup "$who"; done
signin bob
is "$STATUS" 200 "bob has signed in from this address before"

login() { # login EMAIL PASSWORD — sets STATUS
    AS=probe req POST /api/v1/auth/login "{\"email\":\"$1\",\"password\":\"$2\"}"
}

# Someone at the family's address guesses ana's password.
n401=0
for i in $(seq 1 12); do
    login ana@example.com "guess number $i"
    [ "$STATUS" = 401 ] && n401=$((n401 + 1))
done
is "$n401" 10 "ten wrong passwords for ana are verified (401)"
is "$STATUS" 429 "…then ana is throttled"
like "$(header Retry-After)" '^[0-9]+$' "…with Retry-After"
is "$(jbody .error.code)" rate_limited "…rate_limited"
login ana@example.com password-ana
is "$STATUS" 429 "ana's right password waits too (guessing one account stays bounded)"
AS=cat req POST /api/v1/auth/login '{"email":"cat@example.com","password":"password-cat"}'
is "$STATUS" 200 "cat's right password from the same address still signs in"

# Spraying other emails from the address stops at the address limit (20).
n401=0
for i in $(seq 1 15); do
    login "nobody$i@example.com" "guess number $i"
    [ "$STATUS" = 401 ] && n401=$((n401 + 1))
done
is "$n401" 10 "the address gets ten more failures (20 in all), over any emails"
is "$STATUS" 429 "…then the address is throttled"
AS=dan req POST /api/v1/auth/login '{"email":"dan@example.com","password":"password-dan"}'
is "$STATUS" 429 "an account that never signed in from here waits too"
AS=bob req POST /api/v1/auth/login '{"email":"bob@example.com","password":"password-bob"}'
is "$STATUS" 200 "bob, who signed in from here before, still signs in"

# bob is spared the address limit, not the account limit.
n401=0
for i in $(seq 1 12); do
    login bob@example.com "guess number $i"
    [ "$STATUS" = 401 ] && n401=$((n401 + 1))
done
is "$n401" 10 "guesses at bob are bounded by the account limit"
is "$STATUS" 429 "…then bob is throttled"
is "$(db "SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed'")" 30 \
    "the address got 30 verifications in all: the address limit plus one account limit"
ok "$(db "SELECT count(*) FROM login_known WHERE key LIKE '%example%' OR key LIKE '%127.0.0.1%'" | grep -qx 0; echo $?)" \
    "known addresses are kept as keyed hashes"
done_testing
