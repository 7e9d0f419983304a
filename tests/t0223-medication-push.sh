#!/bin/bash
# t0223-medication-push.sh — a medication's alerts through the reminder
# machinery, delivered to the fake push service and decrypted there: a dose
# due (to the members who opted in), a dose missed 30 minutes after its
# time (to every owner and caregiver, not viewers; never for a dose
# recorded; skipped in quiet hours unless the medication is urgent), each
# once; the supply at its refill threshold (once per crossing, again after
# a refill and a new crossing, held until quiet hours end); a missed dose
# by email (a real SMTP server on loopback) to a caregiver with no device
# that takes push, and only to them.
. "$(dirname "$0")/lib.sh"

start_svc
PUSH_ENV="PUSH_ALLOW_LOOPBACK=1 PUSH_RETRY_BASE_MS=500 VAPID_SUBJECT=mailto:ops@example.org"
start_server REGISTRATION=open $PUSH_ENV
pass() { PASS=$(env $PUSH_ENV DATA_DIR="$T_DIR/data" "$T_BIN/carelog-push" --once 2>>"$T_DIR/error.log"); }
svc_sub() { curl -sf -X POST -d "{\"id\":\"$1\",\"script\":$2}" "$SVC_BASE/subscriptions"; }
log() { curl -sf "$SVC_BASE/log" | jq -r "$@"; }
# titles SUB — the titles of every message SUB received, in order.
titles() { log "[.requests[] | select(.sub == \"$1\") | .payload | fromjson | .title] | join(\"|\")"; }
TZN=Europe/London
hm() { TZ=$TZN date -d "@$(( ($(date +%s%3N) + $1 * 60000) / 1000 ))" +%H:%M; }

signup ana
signup bob
signup vic
export AS=ana
FID=$(new_family Home $TZN)
req POST "/api/v1/families/$FID/subjects" '{"name":"Grandpa Joe","kind":"adult"}'
SID=$(jbody .id)
join bob "$(invite caregiver Bob)"
join vic "$(invite viewer Vic)"
for who in ana bob vic; do
    AS=$who req POST /api/v1/push/subscriptions "$(svc_sub $who '[{"status":201}]')"
done
M="/api/v1/families/$FID/medications"
# med NAME TIME [EXTRA] — as ana, a daily medication at TIME, set up two
# hours ago (doses before a medication existed never alert); MED is its id.
med() {
    req POST "$M" "{\"subject_id\":\"$SID\",\"name\":\"$1\",\"form\":\"tablet\",\"dose\":1,\"unit\":\"tablet\",
      \"start_date\":\"$(TZ=$TZN date -d yesterday +%F)\",\"schedule\":{\"kind\":\"times\",\"times\":[\"$2\"]}${3:+,$3}}"
    MED=$(jbody .id)
    db "UPDATE medications SET created_at = created_at - 7200000 WHERE id = '$MED'"
}

# Due 5 minutes ago: "dose due" to ana (she added it, so she is opted in).
med Metformin "$(hm -5)"
pass
is "$(echo "$PASS" | jq -c '[.fired, .delivered]')" "[1,1]" "a dose due fires once and is delivered"
is "$(titles ana)" "Dose due — Grandpa Joe" "…to the member who opted in"
is "$(log '[.requests[] | select(.sub == "ana")] | last | .payload | fromjson | .body')" "Metformin 1 tablet at $(hm -5)" \
    "…naming the medicine, the dose and the time"
is "$(log '[.requests[] | select(.sub == "ana")] | last | .payload | fromjson | .url')" \
    "/?family=$FID&subject=$SID#/meds" "…opening the day's medicines"
is "$(titles bob)$(titles vic)" "" "nobody else got it"
pass
is "$(echo "$PASS" | jq -c '[.fired, .sent]')" "[0,0]" "the next pass sends nothing: no alert twice"

# Due 40 minutes ago and not given: missed, to every owner and caregiver.
med Warfarin "$(hm -40)"
pass
is "$(titles bob)" "Dose missed — Grandpa Joe" "a dose missed 30 minutes after its time reaches a caregiver"
like "$(titles ana)" "Dose due — Grandpa Joe\|Dose due — Grandpa Joe\|Dose missed — Grandpa Joe" \
    "…and the owner (who also had its dose due)"
is "$(titles vic)" "" "…not a viewer"
is "$(log '[.requests[] | select(.sub == "bob")] | last | .urgency')" high "…as an urgent push"
pass
is "$(echo "$PASS" | jq -c '.fired')" 0 "…once"

# A dose recorded in time is never reported missed.
med Aspirin "$(hm -35)"
put_entry "$(uuid)" "{type: \"medication_dose\", ts: $(date +%s%3N), value: {medication_id: \"$MED\", status: \"given\", scheduled_at: $(local_ms $TZN "$(TZ=$TZN date -d "@$(( ($(date +%s) - 2100) ))" +%F) $(hm -35)")}}"
before=$(titles bob)
pass
is "$(titles bob)" "$before" "a dose given is not reported missed"

# Quiet hours: a missed dose waits for nobody, unless the family marked it urgent.
AS=bob req PUT "/api/v1/families/$FID/quiet-hours" "{\"start\":\"$(hm -90)\",\"end\":\"$(hm 90)\"}"
med Vitamin "$(hm -45)"
pass
is "$(titles bob)" "$before" "in quiet hours a missed dose of an ordinary medicine does not wake Bob"
med Insulin "$(hm -45)" '"missed_urgent":true'
pass
is "$(titles bob)" "$before|Dose missed — Grandpa Joe" "…an urgent one does"

# Refill: at or below the threshold, once per crossing.
req POST "$M" "{\"subject_id\":\"$SID\",\"name\":\"Statin\",\"form\":\"tablet\",\"dose\":1,\"unit\":\"tablet\",
  \"schedule\":{\"kind\":\"prn\"},\"supply\":3,\"refill_at\":2}"
STATIN=$(jbody .id)
give() { put_entry "$(uuid)" "{type: \"medication_dose\", ts: $(date +%s%3N), value: {medication_id: \"$STATIN\", status: \"given\"}}"; }
pass
is "$(echo "$PASS" | jq -c '.fired')" 0 "a supply above the threshold alerts nobody"
give
pass
is "$(log '[.requests[] | select(.sub == "ana")] | last | .payload | fromjson | .title + " / " + .body')" \
    "Refill soon — Grandpa Joe / Statin: 2 tablet left" "the supply at the threshold: a refill alert"
is "$(db "SELECT count(*) FROM push_messages WHERE dedupe LIKE 'refill:%'")" 2 "…for the owner and the caregiver"
is "$(db "SELECT count(*) FROM push_messages m JOIN push_subscriptions s ON s.id = m.subscription_id JOIN users u ON u.id = s.user_id WHERE m.dedupe LIKE 'refill:%' AND u.email = 'bob@example.com' AND m.next_attempt_at > $(date +%s%3N) + 3000000")" 1 \
    "…Bob's held until his quiet hours end"
give
pass
is "$(db "SELECT count(*) FROM push_messages WHERE dedupe LIKE 'refill:%'")" 2 "below it still: no second alert"
req PATCH "$M/$STATIN" '{"supply":4}'
pass
give
give
give
pass
is "$(db "SELECT count(*) FROM push_messages WHERE dedupe LIKE 'refill:%'")" 4 "a refill, then a new crossing: alerted again"
# Email for whoever push cannot reach: Cat, a caregiver with no device
# with notifications on, gets the missed dose by email; the others (who
# have push: Bob's is held back by his quiet hours, as above) and the
# viewer get none.
signup cat
join cat "$(AS=ana invite caregiver Cat)"
start_smtp
MAIL="SMTP_URL=smtp://127.0.0.1:$SMTP_PORT MAIL_FROM=care@example.org PUBLIC_URL=http://care.test"
med Aspirin "$(hm -40)"
PASS=$(env $PUSH_ENV $MAIL DATA_DIR="$T_DIR/data" "$T_BIN/carelog-push" --once 2>>"$T_DIR/error.log")
is "$(echo "$PASS" | jq -c '[.alerts_mailed, .mail_sent]')" "[1,1]" "a missed dose is mailed to the one caregiver without push, in the same pass"
is "$(mails)" 1 "…one message"
is "$(tail -1 "$T_DIR/mail/1.env")" cat@example.com "…to Cat"
is "$(mail_header 1 Subject)" "Dose missed — Grandpa Joe" "…with the push's title as the subject"
like "$(mail_body 1)" "Aspirin.*$(hm -40)" "…naming the medicine and its time"
ok "$(mail_body 1 | grep -qF "http://care.test/?family=$FID&subject=$SID#/meds"; echo $?)" "…with a link to the day's doses"
PASS=$(env $PUSH_ENV $MAIL DATA_DIR="$T_DIR/data" "$T_BIN/carelog-push" --once 2>>"$T_DIR/error.log")
is "$(echo "$PASS" | jq -c '[.alerts_mailed, .mail_sent]')" "[0,0]" "…once"
stop_smtp
# Every one of these is in the inbox too (lib/push/notify.c), pushed or not.
AS=ana req GET /api/v1/inbox
is "$(jbody '[.items[].kind] | unique | join(",")')" "dose_due,dose_missed,refill" \
    "ana's inbox: the dose due, the missed dose and the refill"
AS=bob req GET /api/v1/inbox
ok "$(jbody '[.items[] | select(.kind == "dose_missed")] | length' | grep -qv '^0$'; echo $?)" \
    "bob's inbox has the missed doses his quiet hours kept from his phone"
AS=vic req GET /api/v1/inbox
is "$(jbody '[.items[] | select(.kind == "dose_missed")] | length')" 0 "a viewer is not told of missed doses"
done_testing
