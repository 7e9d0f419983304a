#!/bin/bash
# t0102-sessions.sh — signed-in devices: list, sign out a lost phone, password
# change ends other sessions, sliding renewal at most hourly, expiry, and no
# raw token in the database.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
signin -j phone ana -H "User-Agent: Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120.0 Mobile"
is "$STATUS" 200 "second device signs in"

AS=ana req GET /api/v1/auth/sessions
is "$STATUS" 200 "list sessions"
is "$(jbody '.sessions | length')" 2 "two devices are signed in"
is "$(jbody '[.sessions[] | select(.current)] | length')" 1 "exactly one is the current one"
is "$(jbody '.sessions[] | select(.device == "Chrome on Android") | .device')" "Chrome on Android" \
    "the device is named from its User-Agent"
phone_sid=$(jbody '.sessions[] | select(.current | not) | .id')

tokens=$(grep -ho 'carelog_session[[:space:]]*[A-Za-z0-9_-]*$' "$T_DIR"/jar-* | awk '{print $2}')
for t in $tokens; do
    ok "$(db .dump | grep -q -- "$t"; [ $? -ne 0 ]; echo $?)" "no raw session token in the database"
done
is "$(db 'SELECT count(*) FROM sessions WHERE length(token_hash) = 64')" 2 "tokens are stored as 256-bit hashes"

AS=ana req DELETE "/api/v1/auth/sessions/$phone_sid"
is "$STATUS" 204 "sign out the lost phone"
AS=phone req GET /api/v1/auth/me
is "$STATUS" 401 "the phone's session no longer works"
AS=ana req DELETE "/api/v1/auth/sessions/$phone_sid"
is "$STATUS" 404 "revoking it again is 404"

signup bob
bob_sid=$(AS=bob req GET /api/v1/auth/sessions; jbody '.sessions[0].id')
AS=ana req DELETE "/api/v1/auth/sessions/$bob_sid"
is "$STATUS" 404 "cannot sign out another account's device"
AS=bob req GET /api/v1/auth/me
is "$STATUS" 200 "…which still works"

# A password change needs the current password and ends the other sessions.
signin -j phone ana
AS=ana req PATCH /api/v1/auth/me '{"password":"a brand new password"}'
is "$STATUS" 400 "password change without the current one is 400"
is "$(jbody .error.fields.current_password)" "is required" "…current_password is required"
AS=ana req PATCH /api/v1/auth/me '{"password":"a brand new password","current_password":"nope"}'
is "$(jbody .error.fields.current_password)" "is not right" "…and must be right"
AS=ana req PATCH /api/v1/auth/me '{"password":"a brand new password","current_password":"password-ana","name":"Ana B","locale":"he"}'
is "$STATUS" 200 "password, name and locale change"
is "$(jbody '.user.name + "/" + .user.locale')" "Ana B/he" "…name and locale updated"
AS=ana req GET /api/v1/auth/me
is "$STATUS" 200 "this session survives the change"
AS=phone req GET /api/v1/auth/me
is "$STATUS" 401 "other sessions were ended"
req POST /api/v1/auth/login '{"email":"ana@example.com","password":"a brand new password"}'
is "$STATUS" 200 "the new password works"
AS=ana req PATCH /api/v1/auth/me '{"locale":"xx"}'
is "$(jbody .error.fields.locale)" "must be one of: en, he, fr, es, de, pt, it, nl, ar, ru" "unknown locale refused"
AS=ana req PATCH /api/v1/auth/me '{"locale":"de"}'
is "$STATUS $(jbody .user.locale)" "200 de" "German: a language of the app"
is "$(db "SELECT ui_locale || ' ' || locale FROM users WHERE email = 'ana@example.com'")" "de en" \
    "…the server's own messages (notifications) in English, which it writes"
AS=ana req PATCH /api/v1/auth/me '{"locale":"fr"}'
is "$(db "SELECT ui_locale || ' ' || locale FROM users WHERE email = 'ana@example.com'")" "fr fr" \
    "…and in French, which it does"

# Units: each dimension on its own, kept in the account (storage stays metric).
AS=ana req GET /api/v1/auth/me
is "$(jq -c '.user.units' "$T_DIR/body")" '{"volume":null,"weight":null,"length":null,"temperature":null}' \
    "units not chosen yet: the app follows its own default"
AS=ana req PATCH /api/v1/auth/me '{"units":{"volume":"fl_oz","weight":"lb"}}'
is "$STATUS $(jq -c '.user.units' "$T_DIR/body")" '200 {"volume":"fl_oz","weight":"lb","length":null,"temperature":null}' \
    "volume in fl oz and weight in lb, length and temperature left alone"
AS=ana req PATCH /api/v1/auth/me '{"units":{"temperature":"f","length":"cm"}}'
AS=ana req GET /api/v1/auth/me
is "$(jq -c '.user.units' "$T_DIR/body")" '{"volume":"fl_oz","weight":"lb","length":"cm","temperature":"f"}' \
    "…the account keeps each choice"
AS=ana req PATCH /api/v1/auth/me '{"units":{"volume":"cups","speed":"mph"}}'
is "$STATUS $(jq -c '.error.fields | keys' "$T_DIR/body")" '400 ["units.speed","units.volume"]' \
    "an unknown unit or dimension is refused, by name"
AS=ana req PATCH /api/v1/auth/me '{"units":"imperial"}'
is "$(jbody .error.fields.units)" "must be an object" "units is an object of dimensions"

# Sliding expiry: renewed (new cookie, later expiry) only when the last
# renewal is over an hour old.
AS=ana req GET /api/v1/auth/me
is "$(header Set-Cookie)" "" "no renewal within the hour"
db "UPDATE sessions SET renewed_at = renewed_at - 7200000, expires_at = expires_at - 7200000"
before=$(db "SELECT max(expires_at) FROM sessions")
AS=ana req GET /api/v1/auth/me
like "$(header Set-Cookie)" 'Max-Age=2592000' "renewed after an hour: the cookie is sent again"
after=$(db "SELECT max(expires_at) FROM sessions")
ok "$([ "$after" -gt "$before" ]; echo $?)" "…and the expiry moved forward"

db "UPDATE sessions SET expires_at = 1"
AS=ana req GET /api/v1/auth/me
is "$STATUS" 401 "an expired session is refused"
done_testing
