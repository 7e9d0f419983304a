#!/bin/bash
# t0131-mail.sh — email from a home server, checked against a real SMTP
# server on loopback (tests/smtpsink.py): "forgot password" answers the same
# for any address and queues mail that only the cron-run sender delivers;
# the message's headers (Date, Message-ID, From, To, language, MIME), its
# link working once and expiring; rate limits; retries with backoff, a
# permanent refusal and SMTP AUTH; invites by email; the digest a member
# opts into with List-Unsubscribe; no address in any log.
. "$(dirname "$0")/lib.sh"

FROM='carelog <care@example.org>'
MAIL_ENV=(SMTP_URL="smtp://127.0.0.1:1" MAIL_FROM="$FROM" PUBLIC_URL=http://care.test)
start_smtp
start_server REGISTRATION=open "${MAIL_ENV[@]}" FORGOT_RATE_ADDR_MAX=11
sink() { send_mail SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" MAIL_FROM="$FROM" PUBLIC_URL=http://care.test "$@"; }

signup mum
AS=mum req PATCH /api/v1/auth/me '{"locale":"fr"}'

req POST /api/v1/auth/forgot '{"email":"Mum@Example.com"}'
known="$STATUS $(body) $(grep -ci '^set-cookie' "$T_DIR/headers")"
req POST /api/v1/auth/forgot '{"email":"nobody@example.com"}'
unknown="$STATUS $(body) $(grep -ci '^set-cookie' "$T_DIR/headers")"
is "$known" "$unknown" "forgot: the same answer for a known and an unknown address"
like "$known" '^202 ' "…202 Accepted"
is "$(mails)" 0 "no mail is sent inside the request"
is "$(db "SELECT count(*) FROM mail_outbox")" 1 "one message is queued (for the known address only)"

sink
is "$(echo "$PASS" | jq -c '[.mail_sent, .mail_retry, .mail_failed]')" "[1,0,0]" "the cron-run sender delivers it"
is "$(mails)" 1 "the SMTP server received one message"
is "$(cat "$T_DIR/mail/1.env" | paste -sd' ')" "care@example.org mum@example.com" "envelope: MAIL FROM the sender, RCPT TO the account's address"
is "$(mail_header 1 From)" "$FROM" "From is MAIL_FROM"
is "$(mail_header 1 To)" "<mum@example.com>" "To is the address"
is "$(mail_header 1 Subject)" "Votre lien de connexion carelog" "the subject is in the member's language (French)"
is "$(mail_header 1 Content-Language)" fr "…and says so"
like "$(mail_header 1 Message-ID)" '^<[0-9a-f]{16}\.[0-9]{13}@example\.org>$' "Message-ID is unique, at the sender's domain"
age=$(python3 -c 'import email.utils,sys,time; print(abs(time.time()-email.utils.parsedate_to_datetime(sys.argv[1]).timestamp())<300)' "$(mail_header 1 Date)")
is "$age" True "Date is a correct RFC 5322 date, now"
like "$(mail_header 1 Content-Type)" '^multipart/alternative' "plain text and HTML alternatives"
is "$(mail_header 1 List-Unsubscribe)" "" "no List-Unsubscribe on a reset message"
text=$(mail_body 1)
like "$text" 'nouveau mot de passe' "the text is French"
like "$text" 'http://care.test/#/reset/[A-Za-z0-9_-]{43}' "…with the reset link"
like "$(mail_html 1)" '<a href="http://care.test/#/reset/' "the HTML part links it"
TOKEN=$(printf '%s' "$text" | grep -o '#/reset/[A-Za-z0-9_-]*' | head -1 | sed 's|.*/||')
AS=mum-mail req POST /api/v1/auth/reset "{\"token\":\"$TOKEN\",\"password\":\"from the email\"}"
is "$STATUS" 200 "the link in the mail sets a new password and signs in"
AS=mum req GET /api/v1/auth/me
is "$STATUS" 401 "…ending the member's other session"
req POST /api/v1/auth/reset "{\"token\":\"$TOKEN\",\"password\":\"second time pw\"}"
is "$STATUS" 410 "the link works once"
is "$(db "SELECT message FROM mail_outbox WHERE status = 'sent'")" "" "a sent message's text is not kept"

req POST /api/v1/auth/forgot '{"email":"mum@example.com"}'
sink
TOKEN=$(mail_body 2 | grep -o '#/reset/[A-Za-z0-9_-]*' | head -1 | sed 's|.*/||')
is "$(db "SELECT expires_at - created_at FROM reset_tokens")" 3600000 "an emailed link lasts an hour"
db "UPDATE reset_tokens SET expires_at = $(($(date +%s%3N) - 1))"
req POST /api/v1/auth/reset "{\"token\":\"$TOKEN\",\"password\":\"too late pw\"}"
is "$STATUS" 410 "…and then no longer works"

# Limits: per account (3 an hour), known or not alike, and per address.
req POST /api/v1/auth/forgot '{"email":"mum@example.com"}'
is "$STATUS" 202 "a third request for one account is answered"
req POST /api/v1/auth/forgot '{"email":"mum@example.com"}'
k="$STATUS $(jbody .error.code) $(header Retry-After | grep -c .)"
req POST /api/v1/auth/forgot '{"email":"nobody@example.com"}'
req POST /api/v1/auth/forgot '{"email":"nobody@example.com"}'
req POST /api/v1/auth/forgot '{"email":"nobody@example.com"}'
u="$STATUS $(jbody .error.code) $(header Retry-After | grep -c .)"
is "$k" "429 rate_limited 1" "a fourth within the hour is refused with Retry-After"
is "$u" "$k" "…exactly as for an unknown address"
for i in 1 2 3; do req POST /api/v1/auth/forgot "{\"email\":\"x$i@example.com\"}"; done
is "$STATUS" 202 "other addresses still pass"
req POST /api/v1/auth/forgot '{"email":"x9@example.com"}'
is "$STATUS" 429 "…until the client address has used its own limit"
req POST /api/v1/auth/forgot '{"email":"not an address"}'
is "$STATUS" 400 "a malformed address is 400"

# Retries: a 451 is tried again later, with backoff; the admin sees why.
sink
db "DELETE FROM rate_events"
signup dad
signup boss
db "UPDATE users SET is_admin = 1 WHERE email = 'boss@example.com'"
stop_smtp
start_smtp --fail 1
req POST /api/v1/auth/forgot '{"email":"dad@example.com"}'
sink MAIL_RETRY_BASE_MS=60000
is "$(echo "$PASS" | jq -c '[.mail_sent, .mail_retry]')" "[0,1]" "a 451 answer is retried later"
AS=boss req GET /api/v1/admin/mail
is "$(jbody '[.configured, .counts.retrying, .problems[0].last_error, .problems[0].attempts] | map(tostring) | join(" ")')" \
    "true 1 smtp 451 1" "the admin sees the retry and its reason"
wait_s=$(db "SELECT (next_at - $(date +%s%3N)) / 1000 FROM mail_outbox WHERE status = 'queued'")
ok "$([ "$wait_s" -ge 55 ] && [ "$wait_s" -le 60 ]; echo $?)" "…due again after the backoff (${wait_s}s)"
sink
is "$(echo "$PASS" | jq -c '[.mail_sent, .mail_retry]')" "[0,0]" "not before its time"
db "UPDATE mail_outbox SET next_at = 0 WHERE status = 'queued'"
sink
is "$(echo "$PASS" | jq .mail_sent)" 1 "then it goes"
is "$(db "SELECT attempts FROM mail_outbox ORDER BY id DESC LIMIT 1")" 2 "…on the second attempt"

# A permanent refusal fails at once; an unreachable server fails after the
# last attempt.
stop_smtp
start_smtp --reject
req POST /api/v1/auth/forgot '{"email":"dad@example.com"}'
sink
is "$(echo "$PASS" | jq -c '[.mail_sent, .mail_failed]')" "[0,1]" "a 550 answer fails for good"
req POST /api/v1/auth/forgot '{"email":"boss@example.com"}'
send_mail SMTP_URL="smtp://127.0.0.1:$(free_port)" MAIL_FROM="$FROM" MAIL_MAX_ATTEMPTS=1
is "$(echo "$PASS" | jq -c '[.mail_sent, .mail_failed]')" "[0,1]" "no server: failed after the last attempt"
AS=boss req GET /api/v1/admin/mail
is "$(jbody '.counts.failed')" 2 "the admin sees both failures"
like "$(jbody '[.problems[].last_error] | join(",")')" "connect.*smtp 550|smtp 550.*connect" "…with their reasons"
ok "$(jbody '.problems' | grep -c '@')" "…but no address"
stop_smtp

# SMTP AUTH, the password from a file.
start_smtp --auth "carelog:s3cret pass"
printf 's3cret pass\n' > "$T_DIR/smtp.pw"
db "UPDATE rate_events SET at = 0"
req POST /api/v1/auth/forgot '{"email":"dad@example.com"}'
sink SMTP_USER=carelog SMTP_PASSWORD=wrong
is "$(echo "$PASS" | jq -c '[.mail_sent, .mail_retry]')" "[0,1]" "a wrong SMTP password sends nothing, and the mail waits"
db "UPDATE mail_outbox SET next_at = 0 WHERE status = 'queued'"
sink SMTP_USER=carelog SMTP_PASSWORD_FILE="$T_DIR/smtp.pw"
is "$(echo "$PASS" | jq .mail_sent)" 1 "SMTP AUTH with the password from SMTP_PASSWORD_FILE"
stop_smtp
start_smtp

# Invites by email, in the invitee's language.
FID=$(AS=dad new_family "Famille Lévy")
n=$(mails)
AS=dad req POST "/api/v1/families/$FID/links" '{"role":"caregiver","label":"Savta","email":"savta@example.com","locale":"he"}'
is "$STATUS $(jbody .emailed)" "201 true" "an invite link sent to an address"
sink
m=$((n + 1))
is "$(tail -1 "$T_DIR/mail/$m.env")" savta@example.com "…to that address"
like "$(mail_header $m Subject)" "Famille Lévy" "…named for the family (UTF-8 subject)"
like "$(mail_header $m Subject)" "ב־carelog" "…in Hebrew"
like "$(mail_html $m)" 'dir="rtl"' "…right to left"
JOIN=$(mail_body $m | grep -o 'http://care.test/join/[A-Za-z0-9_-]*' | head -1)
req GET "${JOIN#http://care.test}"
is "$STATUS" 200 "the link in the invite opens its join page"

# The digest.
SID=""
AS=dad req POST "/api/v1/families/$FID/subjects" '{"name":"Noa","kind":"baby"}'
SID=$(jbody .id)
AS=dad req PATCH /api/v1/auth/me '{"digest":"weekly"}'
is "$STATUS $(jbody .user.digest)" "200 weekly" "a member opts into a weekly digest"
AS=dad req GET /api/v1/auth/me
is "$(jbody .user.digest)" weekly "…shown on their account"
for i in 1 2; do AS=dad put_entry "$(uuid)" "{type:\"feed\",ts:$(($(date +%s%3N) - i * 60000)),value:{method:\"breast_left\"}}"; done
AS=dad put_entry "$(uuid)" "{type:\"diaper\",ts:$(date +%s%3N),value:{wet:true}}"
sink
is "$(echo "$PASS" | jq .mail_digests)" 0 "no digest before its week is up"
db "UPDATE users SET digest_last_at = digest_last_at - 7 * 86400000 WHERE email = 'dad@example.com'"
n=$(mails)
sink
is "$(echo "$PASS" | jq -c '[.mail_digests, .mail_sent]')" "[1,1]" "a week on, the digest is queued and sent"
m=$((n + 1))
is "$(mail_header $m Subject)" "Your carelog weekly digest" "the digest's subject"
UNSUB=$(mail_header $m List-Unsubscribe)
like "$UNSUB" '^<http://care.test/unsubscribe/[0-9a-f-]{36}\.[0-9a-f]{32}>$' "List-Unsubscribe names its link"
is "$(mail_header $m List-Unsubscribe-Post)" "List-Unsubscribe=One-Click" "…for one-click unsubscribing (RFC 8058)"
dtext=$(mail_body $m)
like "$dtext" 'Famille Lévy' "the digest names the family"
like "$dtext" 'Noa: Diaper 1, Feed 2' "…and what was logged for each person"
sink
is "$(echo "$PASS" | jq .mail_digests)" 0 "one digest a week, not one a pass"
UPATH=$(printf '%s' "$UNSUB" | sed 's|^<http://care.test||; s|>$||')
req GET "$UPATH"
is "$STATUS" 200 "opening the unsubscribe link shows a page"
AS=dad req GET /api/v1/auth/me
is "$(jbody .user.digest)" weekly "…and changes nothing"
req POST "$UPATH" -H 'Content-Type: application/x-www-form-urlencoded' --data 'List-Unsubscribe=One-Click'
is "$STATUS" 200 "a one-click POST unsubscribes"
AS=dad req GET /api/v1/auth/me
is "$(jbody .user.digest)" off "…and the digest is off"
req POST "${UPATH%?}x"
is "$STATUS" 404 "a forged unsubscribe token is refused"

# Nothing personal in any log.
stop_server
ok "$(cat "$T_DIR/error.log" "$T_DIR/push.err" | grep -c '@example\.com\|@example\.org\|/reset/\|Famille')" \
    "no address, link or name in the programs' or the sender's logs"

# Without SMTP the app is told, and nothing is queued.
start_server REGISTRATION=open
req POST /api/v1/auth/forgot '{"email":"mum@example.com"}'
is "$STATUS $(jbody .error.code)" "503 mail_unavailable" "forgot without mail configured says so"
AS=dad req POST /api/v1/auth/login '{"email":"dad@example.com","password":"password-dad"}'
AS=dad csrf_save
AS=dad req PATCH /api/v1/auth/me '{"digest":"daily"}'
is "$STATUS" 400 "no digest without mail"
AS=dad req POST "/api/v1/families/$FID/links" '{"role":"viewer","label":"x","email":"a@example.com"}'
is "$STATUS $(jbody '.error.fields.email')" "400 cannot be sent: email is not set up on this server" "no invite by email without mail"
done_testing
