#!/bin/bash
# t0107-audit.sh — the audit log: sign-ins (ok and failed, account level),
# links created/used/revoked, role changes, member removal; who, when, what;
# client addresses hashed; readable by owners only.
. "$(dirname "$0")/lib.sh"

start_server REGISTRATION=open
signup ana
FID=$(AS=ana new_family "Audited")
TOKEN=$(AS=ana invite caregiver "Bob")
signup -n Bob -i "$TOKEN" bob
BMID=$(AS=ana req GET "/api/v1/families/$FID/members"; jbody '.members[] | select(.name=="Bob") | .id')
AS=ana req PATCH "/api/v1/families/$FID/members/$BMID" '{"role":"viewer"}'
LID=$(AS=ana req GET "/api/v1/families/$FID/links"; jbody '.links[0].id')
AS=ana req DELETE "/api/v1/families/$FID/links/$LID"
AS=ana req DELETE "/api/v1/families/$FID/members/$BMID"
req POST /api/v1/auth/login '{"email":"ana@example.com","password":"nope nope"}'
signin ana

AS=ana req GET "/api/v1/families/$FID/audit"
is "$STATUS" 200 "owner reads the audit log"
is "$(jbody '[.events[].action] | join(",")')" \
    "member_removed,link_revoked,role_changed,link_used,link_created,family_created" \
    "family events, newest first"
is "$(jbody '.events[] | select(.action=="role_changed") | .detail.from + ">" + .detail.to')" \
    "caregiver>viewer" "role change says from and to"
is "$(jbody '.events[] | select(.action=="role_changed") | .actor.name')" "ana" "…and who did it"
is "$(jbody '.events[] | select(.action=="link_used") | .actor.name')" "Bob" "link use names the joiner"
like "$(jbody '.events[0].at')" '^[0-9]{13}$' "events carry a time"
AS=ana req GET "/api/v1/families/$FID/audit?limit=2"
is "$(jbody '.events | length')" 2 "limit"
next=$(jbody .next_before)
AS=ana req GET "/api/v1/families/$FID/audit?limit=2&before=$next"
is "$(jbody '.events[0].action')" role_changed "keyset paging with before"
AS=ana req GET "/api/v1/families/$FID/audit?limit=0"
is "$STATUS" 400 "a bad limit is 400"
is "$(jbody .error.fields.limit)" "must be a whole number between 1 and 200" "…naming the parameter"

is "$(db "SELECT count(*) FROM audit_log WHERE action='sign_in' AND family_id IS NULL")" 1 \
    "sign-ins are recorded (account level)"
is "$(db "SELECT count(*) FROM audit_log WHERE action='account_created'")" 2 "so are new accounts"
is "$(db "SELECT count(*) FROM audit_log WHERE action='sign_in_failed'")" 1 "the failed one too"
ok "$(db "SELECT addr_hash FROM audit_log" | grep -q '127\.0\.0\.1'; [ $? -ne 0 ]; echo $?)" \
    "client addresses are stored hashed"
ok "$(db "SELECT detail FROM audit_log" | grep -qi 'password\|token\|@'; [ $? -ne 0 ]; echo $?)" \
    "no secrets or emails in audit details"
ok "$(grep -q 'ana@example.com\|password-ana' "$T_DIR/error.log"; [ $? -ne 0 ]; echo $?)" \
    "no emails or passwords in the server log"
done_testing
