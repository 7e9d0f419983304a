#!/bin/bash
# t0105-roles-links.sh — invite and access links (one mechanism, two uses),
# roles enforced on the server (viewers and caregivers cannot change the
# family), the last owner rule, leaving, and link expiry/use-up/revocation.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
AS=ana FID=$(AS=ana new_family "Ana's family")
AS=ana req POST "/api/v1/families/$FID/subjects" '{"name":"Noa","kind":"baby"}'
SID=$(jbody .id)

AS=ana req POST "/api/v1/families/$FID/links" '{"role":"boss","label":"","max_uses":0,"expires_at":5}'
is "$STATUS" 400 "bad link is 400"
is "$(jbody '.error.fields | keys | join(",")')" "expires_at,label,max_uses,role" "…every bad field named"

AS=ana req POST "/api/v1/families/$FID/links" '{"role":"caregiver","label":"Bob"}'
is "$STATUS" 201 "owner makes a caregiver invite"
BOB_TOKEN=$(jbody .token)
like "$BOB_TOKEN" '^[A-Za-z0-9_-]{43}$' "token has 256 bits as base64url"
is "$(jbody .url)" "/join/$BOB_TOKEN" "the link URL is the join route (a path: PUBLIC_URL is unset)"
AS=ana req GET "/api/v1/families/$FID/links"
is "$(jbody '[.links[] | has("token")] | any')" false "listing never shows a token again"
ok "$(db .dump | grep -q -- "$BOB_TOKEN"; [ $? -ne 0 ]; echo $?)" "no raw link token in the database"

# An account registers with the invite and joins as caregiver.
signup -n Bob -i "$BOB_TOKEN" bob
is "$STATUS" 201 "register with an invite"
AS=bob req GET /api/v1/auth/me
is "$(jbody '.families[0].role')" caregiver "…joined as caregiver"

# A device joins as a guest viewer: no account, link = sign-in.
GRANDMA_TOKEN=$(AS=ana invite viewer "Grandma's phone")
AS=grandma req POST "/join/$GRANDMA_TOKEN" -H "Sec-Fetch-Site: same-origin"
is "$STATUS" 303 "guest join redirects"
is "$(header Location)" "/?family=$FID" "…into the family"
like "$(header Set-Cookie)" '^carelog_session=.*HttpOnly' "…with a session cookie"
AS=grandma req GET /api/v1/auth/me
is "$(jbody '.user.guest, .user.name, .families[0].role' | paste -sd' ')" "true Grandma's phone viewer" \
    "the guest is a viewer named by the label"
AS=grandma csrf_save

# A signed-in account following a link joins with the link's role.
signup carol
CAROL_TOKEN=$(AS=ana invite viewer "Carol")
join carol "$CAROL_TOKEN"
is "$JOIN_STATUS" 303 "signed-in join redirects"
is "$(jbody '.user.guest, .families[0].role' | paste -sd' ')" "false viewer" "…and joins the account"

# Viewers and caregivers cannot change the family: every write is 403.
GMID=$(AS=ana req GET "/api/v1/families/$FID/members"; jbody '.members[] | select(.kind=="guest") | .id')
BMID=$(AS=ana req GET "/api/v1/families/$FID/members"; jbody '.members[] | select(.name=="Bob") | .id')
LID=$(AS=ana req GET "/api/v1/families/$FID/links"; jbody '.links[0].id')
writes="PATCH /api/v1/families/$FID {\"name\":\"x\"}
POST /api/v1/families/$FID/archive -
POST /api/v1/families/$FID/unarchive -
POST /api/v1/families/$FID/subjects {\"name\":\"x\",\"kind\":\"baby\"}
PATCH /api/v1/families/$FID/subjects/$SID {\"name\":\"x\"}
DELETE /api/v1/families/$FID/subjects/$SID -
PATCH /api/v1/families/$FID/members/$BMID {\"role\":\"owner\"}
POST /api/v1/families/$FID/links {\"role\":\"owner\",\"label\":\"x\"}
DELETE /api/v1/families/$FID/links/$LID -
GET /api/v1/families/$FID/audit -
GET /api/v1/families/$FID/links -"
for who in grandma carol bob; do
    while read -r m p b; do
        [ "$who" = bob ] && [ "$p" = "/api/v1/families/$FID/members/$BMID" ] && continue
        if [ "$b" = - ]; then AS=$who req "$m" "$p"; else AS=$who req "$m" "$p" "$b"; fi
        is "$STATUS" 403 "$who: $m ${p#/api/v1/families/$FID} is 403"
    done <<< "$writes"
done
AS=carol req DELETE "/api/v1/families/$FID/members/$GMID"
is "$STATUS" 403 "a viewer cannot remove another member"
AS=grandma req POST /api/v1/families '{"name":"Mine","timezone":"UTC"}'
is "$STATUS" 403 "a guest device cannot create families"
AS=grandma req PATCH /api/v1/auth/me '{"password":"a new password"}'
is "$(jbody .error.code)" account_required "…nor set a password (no account)"
AS=grandma req PATCH /api/v1/auth/me '{"name":"Grandma Rosa","email":"rosa@example.com"}'
is "$(jbody .error.code)" account_required "…nor an email"
AS=grandma req PATCH /api/v1/auth/me '{"name":" "}'
is "$STATUS" 400 "a guest's name cannot be blank"
AS=grandma req PATCH /api/v1/auth/me '{"name":"Grandma Rosa"}'
is "$STATUS $(jbody '.user.name + " " + (.user.guest|tostring)')" "200 Grandma Rosa true" \
    "a guest device names itself"
is "$(AS=ana req GET "/api/v1/families/$FID/members"; jbody '.members[] | select(.id == "'"$GMID"'") | .name')" \
    "Grandma Rosa" "…and the family sees that name, not the link's label"
is "$(AS=grandma req GET /api/v1/auth/me; jbody .user.name)" "Grandma Rosa" "…on its next visit too"
is "$(db "SELECT count(*) FROM audit_log WHERE action = 'guest_renamed' AND family_id = '$FID'")" 1 \
    "…which the family's audit log records"
AS=ana req GET "/api/v1/families/$FID/subjects"
is "$(jbody '.subjects[0].name')" Noa "nothing was changed by refused writes"

# Roles and the last owner.
AMID=$(AS=ana req GET "/api/v1/families/$FID/members"; jbody '.members[] | select(.is_me) | .id')
AS=ana req PATCH "/api/v1/families/$FID/members/$AMID" '{"role":"viewer"}'
is "$STATUS" 409 "the last owner cannot be demoted"
is "$(jbody .error.code)" last_owner "…last_owner"
AS=ana req DELETE "/api/v1/families/$FID/members/$AMID"
is "$STATUS" 409 "the last owner cannot leave"
AS=ana req PATCH "/api/v1/families/$FID/members/$BMID" '{"role":"owner"}'
is "$(jbody .role)" owner "promote bob to owner"
AS=ana req PATCH "/api/v1/families/$FID/members/$AMID" '{"role":"caregiver"}'
is "$STATUS" 200 "with another owner, ana may step down"
AS=bob req PATCH "/api/v1/families/$FID/members/$BMID" '{"role":"bogus"}'
is "$(jbody .error.fields.role)" "must be one of: owner, caregiver, viewer" "unknown role refused"

# Leaving, and removal ends a guest's devices.
AS=grandma req DELETE "/api/v1/families/$FID/members/$GMID"
is "$STATUS" 204 "a member may leave"
AS=grandma req GET /api/v1/auth/me
is "$STATUS" 401 "the guest device is signed out"
AS=bob req GET "/api/v1/families/$FID/members"
is "$(jbody '[.members[].name] | index("Grandma'"'"'s phone")')" null "…and no longer listed"

# Link lifecycle: used up, expired, revoked, unknown.
AS=bob req POST "/api/v1/families/$FID/links" '{"role":"viewer","label":"Once","max_uses":1}'
ONCE=$(jbody .token)
AS=dev1 req POST "/join/$ONCE" -H "Sec-Fetch-Site: same-origin"
is "$STATUS" 303 "a one-use link works once"
AS=dev2 req POST "/join/$ONCE" -H "Sec-Fetch-Site: same-origin"
is "$STATUS" 410 "…then it is used up (410)"
like "$(header Content-Type)" '^text/html' "…with a friendly HTML page"
like "$(body)" 'no longer works' "…saying so"
LATE=$(AS=bob invite viewer Late)
db "UPDATE links SET expires_at = 1 WHERE label = 'Late'"
AS=dev3 req POST "/join/$LATE" -H "Sec-Fetch-Site: same-origin"
is "$STATUS" 410 "an expired link is 410"
NANNY=$(AS=bob invite caregiver Nanny)
join nanny "$NANNY"
is "$STATUS" 200 "the nanny's device is in"
NLID=$(AS=bob req GET "/api/v1/families/$FID/links"; jbody '.links[] | select(.label=="Nanny") | .id')
AS=bob req DELETE "/api/v1/families/$FID/links/$NLID"
is "$STATUS" 204 "revoke the link"
AS=nanny req GET /api/v1/auth/me
is "$STATUS" 401 "…which ends the sessions made with it"
AS=dev4 req POST "/join/$NANNY" -H "Sec-Fetch-Site: same-origin"
is "$STATUS" 410 "…and the link no longer works"
AS=bob req GET "/api/v1/families/$FID/links"
is "$(jbody '.links[] | select(.label=="Nanny") | .revoked')" true "listed as revoked"
AS=dev5 req POST "/join/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" -H "Sec-Fetch-Site: same-origin"
is "$STATUS" 404 "an unknown link is 404"
done_testing
