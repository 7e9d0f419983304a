#!/bin/bash
# t0132-passkeys.sh — the passkey routes over HTTP: who may ask for which
# challenge, the options handed out (RP ID from PUBLIC_URL, ES256 and EdDSA,
# attestation none, user verification required), bad answers refused
# without a session or a 500, a password kept unless a passkey replaces it.
# Real registrations and sign-ins run in Chromium (browser/passkeys.test.mjs)
# and against keys made with OpenSSL (unit/test_webauthn.c).
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open PUBLIC_URL=https://care.example
signup ana
req POST /api/v1/auth/passkeys/challenge '{"purpose":"register"}'
is "$STATUS" 401 "a registration challenge needs a session"
AS=ana req POST /api/v1/auth/passkeys/challenge '{"purpose":"register"}' -H "X-CSRF-Token: wrong"
is "$STATUS" 403 "…and its CSRF token"
rm "$T_DIR/csrf-ana"
AS=ana req POST /api/v1/auth/passkeys/challenge '{"purpose":"register"}'
is "$STATUS" 403 "…which cannot be left out"
AS=ana csrf_save 2>/dev/null
AS=ana req GET /api/v1/auth/me
AS=ana csrf_save
AS=ana req POST /api/v1/auth/passkeys/challenge '{"purpose":"register"}'
is "$STATUS" 200 "the account gets registration options"
is "$(jbody '.publicKey | [.rp.id, .attestation, .authenticatorSelection.userVerification, ([.pubKeyCredParams[].alg] | map(tostring) | join(","))] | join(" ")')" \
    "care.example none required -7,-8" "…for its RP ID, attestation none, user verified, ES256 and EdDSA"
like "$(jbody .publicKey.challenge)" '^[A-Za-z0-9_-]{43}$' "…with a fresh 256-bit challenge"
is "$(jbody .publicKey.user.id | tr '_-' '/+' | base64 -d 2>/dev/null)" "$(AS=ana req GET /api/v1/auth/me; jbody .user.id)" "…and the account as the user handle"
is "$(db "SELECT count(*) FROM webauthn_challenges WHERE challenge_hash = '$(jbody .publicKey.challenge)'")" 0 "only the challenge's hash is stored"
req POST /api/v1/auth/passkeys/challenge '{"purpose":"login"}'
is "$STATUS $(jbody '.publicKey.rpId + " " + (.publicKey.allowCredentials | length | tostring)')" \
    "200 care.example 0" "anyone gets sign-in options (discoverable passkeys)"
req POST /api/v1/auth/passkeys/challenge '{"purpose":"other"}'
is "$STATUS" 400 "an unknown purpose is 400"

cd_get=$(printf '{"type":"webauthn.get","challenge":"nope","origin":"https://care.example"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
req POST /api/v1/auth/passkeys/login "{\"id\":\"abc\",\"response\":{\"clientDataJSON\":\"$cd_get\",\"authenticatorData\":\"$(head -c 37 /dev/zero | base64 -w0 | tr -d '=')\",\"signature\":\"AA\"}}"
is "$STATUS $(jbody .error.code)" "401 passkey_refused" "an answer to no challenge is refused"
like "$(jbody .error.message)" "challenge" "…saying why"
cd_evil=$(printf '{"type":"webauthn.get","challenge":"x","origin":"https://evil.example"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
req POST /api/v1/auth/passkeys/login "{\"id\":\"abc\",\"response\":{\"clientDataJSON\":\"$cd_evil\",\"authenticatorData\":\"AAAA\",\"signature\":\"AA\"}}"
is "$STATUS" 400 "authenticator data too short to be any is 400"
req POST /api/v1/auth/passkeys/login "{\"id\":\"abc\",\"response\":{\"clientDataJSON\":\"$cd_evil\",\"authenticatorData\":\"$(head -c 37 /dev/zero | base64 -w0 | tr -d '=')\",\"signature\":\"AA\"}}"
is "$STATUS" 401 "another origin is refused"
like "$(jbody .error.message)" "origin" "…saying so"
req POST /api/v1/auth/passkeys/login '{"id":"abc","response":{"clientDataJSON":"not base64!","authenticatorData":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","signature":"AA"}}'
is "$STATUS" 401 "a field that is not base64url is refused"
AS=ana req POST /api/v1/auth/passkeys '{"id":"abc","response":{"clientDataJSON":"e30","attestationObject":"oA"}}'
is "$STATUS $(jbody .error.code)" "400 passkey_invalid" "a registration that is no answer is refused"
AS=ana req GET /api/v1/auth/passkeys
is "$STATUS $(jbody '.passkeys | length')" "200 0" "no passkey was added"
AS=ana req DELETE /api/v1/auth/passkeys/abc
is "$STATUS" 404 "removing an unknown passkey is 404"
AS=ana req PATCH /api/v1/auth/me '{"password":null,"current_password":"password-ana"}'
is "$STATUS $(jbody .error.code)" "409 last_sign_in_method" "no removing the password without a passkey"
db "INSERT INTO passkeys (id, user_id, public_key, alg, rp_id, name, created_at) SELECT 'pk1', id, x'00', -7, 'care.example', 'Phone', 0 FROM users WHERE email = 'ana@example.com'"
AS=ana req PATCH /api/v1/auth/me '{"password":null}'
is "$STATUS" 400 "removing the password needs the current one"
AS=ana req PATCH /api/v1/auth/me '{"password":null,"current_password":"password-ana"}'
is "$STATUS $(jbody '.user.has_password, .user.passkeys' | paste -sd' ')" "200 false 1" "with a passkey, the password goes"
signin -j ana-try ana
is "$STATUS" 401 "…and no longer signs in"
AS=ana req DELETE /api/v1/auth/passkeys/pk1
is "$STATUS $(jbody .error.code)" "409 last_sign_in_method" "the only passkey of an account without a password stays"
AS=ana req PATCH /api/v1/auth/me '{"password":"a new password"}'
is "$STATUS" 200 "a password can be set again without the old (there is none)"
AS=ana req DELETE /api/v1/auth/passkeys/pk1
is "$STATUS" 204 "then the passkey can go"
is "$(db "SELECT group_concat(action) FROM audit_log WHERE action LIKE 'passkey%' OR action LIKE 'password%'")" \
    "password_removed,password_changed,passkey_removed" "each change is audited"
done_testing
