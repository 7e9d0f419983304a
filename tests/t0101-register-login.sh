#!/bin/bash
# t0101-register-login.sh — registration (closed by default, open, invite),
# validation with per-field messages, sign-in, cookie attributes, the same
# answer for unknown email and wrong password, logout with CSRF, and the
# body rules every JSON route shares (400 malformed, 415, 413).
. "$(dirname "$0")/lib.sh"

start_server
req POST /api/v1/auth/register '{"email":"a@example.com","password":"long enough pw","name":"A"}'
is "$STATUS" 403 "registration is invite-only by default"
is "$(jbody .error.code)" registration_closed "…registration_closed"
stop_server

start_server REGISTRATION=open
req POST /api/v1/auth/register '{"email":"not-an-email","password":"short","name":"","extra":1}'
is "$STATUS" 400 "bad registration is 400"
is "$(jbody .error.code)" validation_failed "…validation_failed"
is "$(jbody .error.fields.email)" "must be an email address" "email field message"
is "$(jbody .error.fields.password)" "must be at least 10 characters" "password field message"
is "$(jbody .error.fields.name)" "must not be empty" "name field message"
is "$(jbody .error.fields.extra)" "unknown field" "unknown field rejected"
req POST /api/v1/auth/register "{\"email\":\"a@example.com\",\"password\":\"long enough pw\",\"name\":\"$(printf 'x%.0s' $(seq 81))\"}"
is "$(jbody .error.fields.name)" "must be at most 80 characters" "oversize name rejected"
req POST /api/v1/auth/register '{"email":"a@example.com","name":"A"}'
is "$(jbody .error.fields.password)" "is required" "missing field reported"
is "$(db 'SELECT count(*) FROM users')" 0 "nothing was written by bad requests"

AS=ana req POST /api/v1/auth/register '{"email":"  Ana@Example.COM ","password":"ana password","name":"Ana"}'
is "$STATUS" 201 "registration works when open"
is "$(jbody .user.email)" "ana@example.com" "email is normalised"
like "$(jbody .csrf_token)" '^[A-Za-z0-9_-]{43}$' "a CSRF token comes back"
cookie=$(header Set-Cookie)
like "$cookie" '^carelog_session=[A-Za-z0-9_-]{43};' "session cookie set"
like "$cookie" 'HttpOnly' "cookie is HttpOnly"
like "$cookie" 'SameSite=Lax' "cookie is SameSite=Lax"
like "$cookie" 'Path=/;' "cookie path is /"
ok "$(printf '%s' "$cookie" | grep -q Secure; [ $? -ne 0 ]; echo $?)" "no Secure flag over plain http"
like "$(db 'SELECT password_hash FROM users')" '^\$argon2id\$' "password stored with argon2id"
AS=ana csrf_save

req POST /api/v1/auth/register '{"email":"ana@example.com","password":"other password","name":"X"}'
is "$STATUS" 409 "duplicate email is 409"
is "$(jbody .error.fields.email)" "is already registered" "…with a field message"

req POST /api/v1/auth/login '{"email":"ana@example.com","password":"wrong password"}'
is "$STATUS" 401 "wrong password is 401"
wrong=$(body)
req POST /api/v1/auth/login '{"email":"nobody@example.com","password":"wrong password"}'
is "$STATUS" 401 "unknown email is 401"
is "$(body)" "$wrong" "unknown email and wrong password answer the same"

AS=ana2 req POST /api/v1/auth/login '{"email":"ANA@example.com","password":"ana password"}'
is "$STATUS" 200 "login works (email case-insensitive)"
is "$(jbody .user.name)" Ana "…returns the user"
AS=ana2 csrf_save
AS=ana2 req GET /api/v1/auth/me
is "$STATUS" 200 "GET /me with the session"
is "$(jbody '.user | [.email, .name, .is_admin, (.locale|tostring)] | join(",")')" "ana@example.com,Ana,false,null" \
    "/me user fields (locale null until the person chooses one)"
is "$(jbody '.families | length')" 0 "no families yet"
is "$(jbody .csrf_token)" "$(cat "$T_DIR/csrf-ana2")" "/me returns the session's CSRF token"

req GET /api/v1/auth/me
is "$STATUS" 401 "/me without a session is 401"
is "$(jbody .error.code)" unauthenticated "…unauthenticated"

# CSRF: the token must be present and right on every write.
AS=ana2 req POST /api/v1/auth/logout -H "X-CSRF-Token: wrong"
is "$STATUS" 403 "logout with a wrong CSRF token is 403"
is "$(jbody .error.code)" csrf_failed "…csrf_failed"
mv "$T_DIR/csrf-ana2" "$T_DIR/csrf-ana2.keep"
AS=ana2 req POST /api/v1/auth/logout
is "$STATUS" 403 "logout without the CSRF header is 403"
AS=ana2 req POST /api/v1/auth/logout -H "X-CSRF-Token: $(cat "$T_DIR/csrf-ana")"
is "$STATUS" 403 "another session's CSRF token does not work"
mv "$T_DIR/csrf-ana2.keep" "$T_DIR/csrf-ana2"
AS=ana2 req POST /api/v1/auth/logout
is "$STATUS" 204 "logout with the right token"
like "$(header Set-Cookie)" 'Max-Age=0' "logout clears the cookie"
AS=ana2 req GET /api/v1/auth/me
is "$STATUS" 401 "signed out"

# Body rules shared by every JSON route.
req POST /api/v1/auth/login '{"email": "a@b.c", "password": '
is "$STATUS" 400 "malformed JSON is 400"
is "$(jbody .error.code)" invalid_json "…invalid_json"
req POST /api/v1/auth/login '[1,2]'
is "$STATUS" 400 "a JSON array body is 400"
req POST /api/v1/auth/login '{"email":"a@b.c","password":"x"} trailing'
is "$STATUS" 400 "trailing garbage is 400"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' --data 'email=a' "$BASE/api/v1/auth/login")
is "$STATUS" 415 "a form body is 415"
is "$(jbody .error.code)" unsupported_media_type "…unsupported_media_type"
req POST /api/v1/auth/login '{"email":1,"password":true}'
is "$STATUS" 400 "wrong types are 400"
is "$(jbody .error.fields.email)" "must be a string" "…with a per-field message"
head -c 1100000 /dev/zero | tr '\0' 'a' | sed 's/^/{"email":"/; s/$/"}/' > "$T_DIR/big.json"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H "Content-Type: application/json" \
    --data-binary "@$T_DIR/big.json" "$BASE/api/v1/auth/login")
is "$STATUS" 413 "a body over 1 MiB is 413"
is "$(jbody .error.code)" payload_too_large "…payload_too_large JSON"
printf '{"email":"a@b.c",\0"password":"x"}' > "$T_DIR/nul.json"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H "Content-Type: application/json" \
    --data-binary "@$T_DIR/nul.json" "$BASE/api/v1/auth/login")
is "$STATUS" 400 "a NUL byte in the body is 400"
req GET /api/v1/auth/login
is "$STATUS" 405 "GET on a POST route is 405"
is "$(header Allow)" POST "…Allow: POST"
done_testing
