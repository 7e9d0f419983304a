#!/bin/bash
# t0130-reset-link.sh — account recovery without any third party: the
# family's owner makes a one-time reset link for a member, the instance
# admin for any account, `carelogctl reset-link` at the console. The link
# sets a new password once, before it expires, signs in and ends every
# other session of the account; each step is in the audit log.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup owner
AS=owner family_with_baby
TOK=$(AS=owner invite caregiver Mum)
signup -n Mum -i "$TOK" mum
signin -j mum-phone mum
signin -j mum-laptop mum
AS=owner req GET "/api/v1/families/$FID/members"
MUM=$(jbody '.members[] | select(.email == "mum@example.com") | .id')
OWNER_M=$(jbody '.members[] | select(.email == "owner@example.com") | .id')

AS=mum req POST "/api/v1/families/$FID/members/$OWNER_M/reset-link"
is "$STATUS" 403 "a caregiver cannot make reset links"
AS=owner req POST "/api/v1/families/$FID/members/$MUM/reset-link"
is "$STATUS" 201 "the owner makes a reset link for a member"
URL=$(jbody .url)
like "$URL" '^/#/reset/[A-Za-z0-9_-]{43}$' "…a path into the app with the token in the fragment"
RTOK=${URL##*/}
like "$(jbody .expires_at)" '^[0-9]{13}$' "…with its expiry"
is "$(db "SELECT count(*) FROM reset_tokens WHERE token_hash = '$RTOK'")" 0 "only the token's hash is stored"

req POST /api/v1/auth/reset "{\"token\":\"nope\",\"password\":\"a new password\"}"
is "$STATUS" 410 "a made-up token is refused"
is "$(jbody .error.code)" reset_link_invalid "…as an invalid link"
req POST /api/v1/auth/reset "{\"token\":\"$RTOK\",\"password\":\"short\"}"
is "$STATUS" 400 "a too-short new password is refused"
AS=mum-new req POST /api/v1/auth/reset "{\"token\":\"$RTOK\",\"password\":\"mum new password\"}"
is "$STATUS" 200 "the member sets a new password with the link"
is "$(jbody .user.email)" mum@example.com "…and is signed in as themselves"
AS=mum-new csrf_save
AS=mum-new req GET /api/v1/auth/me
is "$STATUS" 200 "…in this browser"
for dev in mum mum-phone mum-laptop; do
    AS=$dev req GET /api/v1/auth/me
    is "$STATUS" 401 "the member's other session ($dev) has ended"
done
AS=owner req GET /api/v1/auth/me
is "$STATUS" 200 "the owner's own session is untouched"
AS=other req POST /api/v1/auth/reset "{\"token\":\"$RTOK\",\"password\":\"another password\"}"
is "$STATUS" 410 "the link works once"
signin mum
is "$STATUS" 401 "the old password no longer works"
signin -p "mum new password" mum
is "$STATUS" 200 "the new one does"

AS=owner req POST "/api/v1/families/$FID/members/$MUM/reset-link"
RTOK=$(jbody .url | sed 's|.*/||')
db "UPDATE reset_tokens SET expires_at = 1000"
req POST /api/v1/auth/reset "{\"token\":\"$RTOK\",\"password\":\"mum newer password\"}"
is "$STATUS" 410 "an expired link is refused"
AS=owner req POST "/api/v1/families/$FID/members/$MUM/reset-link"
OLD=$(jbody .url | sed 's|.*/||')
AS=owner req POST "/api/v1/families/$FID/members/$MUM/reset-link"
NEW=$(jbody .url | sed 's|.*/||')
req POST /api/v1/auth/reset "{\"token\":\"$OLD\",\"password\":\"mum newer password\"}"
is "$STATUS" 410 "a newer link replaces the older one"

AS=owner req GET "/api/v1/families/$FID/audit"
is "$(jbody '[.events[] | select(.action == "reset_link_created")] | length')" 4 "each link made is in the family's audit log"
is "$(jbody '[.events[] | select(.action == "password_reset")][0].detail.via')" owner "…and so is its use"
is "$(jbody '[.events[] | select(.action == "reset_link_created")][0].actor.name')" owner "…naming the owner who made it"

# Guests have no account to reset.
GTOK=$(AS=owner invite viewer "Nanny")
join nanny "$GTOK"
AS=owner req GET "/api/v1/families/$FID/members"
NANNY=$(jbody '.members[] | select(.kind == "guest") | .id')
AS=owner req POST "/api/v1/families/$FID/members/$NANNY/reset-link"
is "$STATUS" 409 "a guest device has no account to reset"
AS=owner req POST "/api/v1/families/$FID/members/$(uuid)/reset-link"
is "$STATUS" 404 "an unknown member is 404"

# Owning one family is no way into another: mum also belongs to a family
# the owner does not own.
FID2=$(AS=mum new_family "Mum's own")
AS=owner req POST "/api/v1/families/$FID/members/$MUM/reset-link"
is "$STATUS" 403 "no reset link for someone who is also in a family the owner does not own"
signup other
AS=other req POST "/api/v1/families/$FID2/members/$MUM/reset-link"
is "$STATUS" 404 "another family's member is 404"

# The instance admin: for anyone, by email, and never by an owner.
db "UPDATE users SET is_admin = 1 WHERE email = 'other@example.com'"
AS=other req POST /api/v1/admin/reset-link '{"email":"MUM@example.com"}'
is "$STATUS" 201 "the admin makes a reset link for any account"
ATOK=$(jbody .url | sed 's|.*/||')
AS=mum req POST /api/v1/admin/reset-link '{"email":"owner@example.com"}'
is "$STATUS" 403 "only the admin may use the admin route"
AS=other req POST /api/v1/admin/reset-link '{"email":"nobody@example.com"}'
is "$STATUS" 404 "an unknown email is 404 for the admin"
AS=other req POST "/api/v1/families/$FID/members/$MUM/reset-link"
is "$STATUS" 201 "the admin may use the family route for any member"
is "$(db "SELECT via FROM reset_tokens")" admin "…recorded as the admin's"
AS=owner req POST "/api/v1/families/$FID/links" '{"role":"caregiver","label":"Admin"}'
join other "$(jbody .token)"
AS=owner req GET "/api/v1/families/$FID/members"
ADM=$(jbody '.members[] | select(.email == "other@example.com") | .id')
AS=owner req POST "/api/v1/families/$FID/members/$ADM/reset-link"
is "$STATUS" 403 "an owner cannot reset the instance admin"

# The console.
out=$(DATA_DIR="$T_DIR/data" PORT=9999 "$T_BIN/carelogctl" reset-link Mum@Example.com)
like "$out" 'http://127.0.0.1:9999/#/reset/[A-Za-z0-9_-]{43}$' "carelogctl reset-link prints a link"
CTOK=${out##*/}
bad=$(DATA_DIR="$T_DIR/data" "$T_BIN/carelogctl" reset-link nobody@example.com 2>&1)
ok "$([ $? -ne 0 ] && printf '%s' "$bad" | grep -q 'no account'; echo $?)" "…and says so for an unknown email"
AS=mum-console req POST /api/v1/auth/reset "{\"token\":\"$CTOK\",\"password\":\"console password\"}"
is "$STATUS" 200 "the console's link works"
is "$(db "SELECT detail FROM audit_log WHERE action = 'reset_link_created' ORDER BY id DESC LIMIT 1")" '{"via":"console"}' \
    "the console's link is in the audit log"
req POST /api/v1/auth/reset "{\"token\":\"$ATOK\",\"password\":\"admin made pw\"}"
is "$STATUS" 410 "the console's newer link replaced the admin's"
done_testing
